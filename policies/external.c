/* external.c - the adapter between ksim_plugin descriptors and ks_plugin
 * tables, and the dlopen loader.
 *
 * Each adapter builds the public ksim_call on the stack from the
 * framework's ks_plugin_call (the api table, the cluster and pod as
 * opaque handles, the plugin's own instance, the random stream), calls the
 * descriptor and turns its status back into the framework's.  A plugin
 * needs no symbol from ksim: everything goes through the function table,
 * so loading works whether ksim's symbols are exported or not, and a
 * sanitizer build interposes nothing unexpected.
 */
#include "policies/external.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/plugin_api.h"
#include "sim/error.h"
#include "sim/xalloc.h"

/* A shared object listing more plugins than this is not taken seriously. */
#define MAX_ENTRY_PLUGINS 256

struct ks_external_args {
    const ks_external *ext;
    char *json;
};

struct ks_external {
    ks_plugin table;
    char *name;
    char *path;   /* NULL: compiled in */
    void *handle; /* dlopen handle, NULL: compiled in */
    const ksim_plugin *desc;
    ks_external_args defaults; /* "{}": the args without a pluginConfig */
};

/* One scheduler's instance of the plugin. */
typedef struct instance {
    const ks_external *ext;
    void *user; /* the plugin's instance */
    int failed; /* the plugin's create() failed: every call errors */
    char why[192];
    const ksim_node **nodes; /* PreScore's nodes, for NormalizeScore */
    size_t nnodes, nodes_cap;
} instance;

/* ---- calls ----------------------------------------------------------------- */

static ksim_call make_call(const ks_plugin_call *call, const instance *in,
                           ks_api_host *host)
{
    host->rng = call->rng;
    ksim_call kc = {
        .api = ks_plugin_api(),
        .cluster = ks_api_cluster(call->cluster),
        .pod = ks_api_pod(call->pod),
        .instance = in->user,
        .k8s_minor = call->k8s_minor,
        .host = host,
    };
    return kc;
}

static ks_status failed_status(const instance *in)
{
    return ks_status_make(KS_STATUS_ERROR, 0, in->why);
}

static void *adapt_create(const void *args)
{
    const ks_external_args *a = args;
    instance *in = ks_xcalloc(1, sizeof *in);
    in->ext = a->ext;
    const ksim_plugin *d = a->ext->desc;
    if (d->create) {
        char why[160] = "";
        if (d->create(ks_plugin_api(), a->json, &in->user, why, sizeof why)) {
            why[sizeof why - 1] = '\0';
            in->failed = 1;
            in->user = NULL;
            snprintf(in->why, sizeof in->why, "%s: create failed: %s",
                     a->ext->name, why[0] ? why : "no reason given");
        }
    }
    return in;
}

static void adapt_destroy(void *p)
{
    instance *in = p;
    if (!in)
        return;
    if (!in->failed && in->ext->desc->destroy)
        in->ext->desc->destroy(in->user);
    free(in->nodes);
    free(in);
}

static ks_status adapt_pre_filter(const ks_plugin_call *call)
{
    instance *in = call->instance;
    if (in->failed)
        return failed_status(in);
    ks_api_host host;
    ksim_call kc = make_call(call, in, &host);
    return ks_api_status(in->ext->desc->pre_filter(&kc));
}

static ks_status adapt_filter(const ks_plugin_call *call, const ks_node *node)
{
    instance *in = call->instance;
    if (in->failed)
        return failed_status(in);
    ks_api_host host;
    ksim_call kc = make_call(call, in, &host);
    return ks_api_status(in->ext->desc->filter(&kc, ks_api_node(node)));
}

/* Keeps the nodes for NormalizeScore, then runs the plugin's PreScore if
 * it has one. */
static ks_status adapt_pre_score(const ks_plugin_call *call,
                                 const uint32_t *nodes, size_t n)
{
    instance *in = call->instance;
    if (in->failed)
        return failed_status(in);
    if (n > in->nodes_cap)
        in->nodes = ks_xgrow(in->nodes, &in->nodes_cap, n, sizeof *in->nodes);
    for (size_t i = 0; i < n; i++)
        in->nodes[i] = ks_api_node(&call->cluster->nodes[nodes[i]]);
    in->nnodes = n;
    if (!in->ext->desc->pre_score)
        return ks_status_ok();
    ks_api_host host;
    ksim_call kc = make_call(call, in, &host);
    return ks_api_status(in->ext->desc->pre_score(&kc, in->nodes, n));
}

static int64_t adapt_score(const ks_plugin_call *call, const ks_node *node)
{
    instance *in = call->instance;
    if (in->failed)
        return 0;
    ks_api_host host;
    ksim_call kc = make_call(call, in, &host);
    return in->ext->desc->score(&kc, ks_api_node(node));
}

static void adapt_normalize(const ks_plugin_call *call, int64_t *scores,
                            size_t n)
{
    instance *in = call->instance;
    /* The framework always runs PreScore over the same nodes first. */
    if (in->failed || n != in->nnodes)
        return;
    ks_api_host host;
    ksim_call kc = make_call(call, in, &host);
    in->ext->desc->normalize(&kc, in->nodes, scores, n);
}

int ks_external_queue_less(void *p, const ks_cluster *c, gsl_rng *rng,
                           uint32_t a, int64_t ta, uint32_t b, int64_t tb)
{
    instance *in = p;
    if (!in || in->failed)
        return 0; /* no order: the queue falls back to pod index */
    ks_api_host host = {rng};
    ksim_call kc = {
        .api = ks_plugin_api(),
        .cluster = ks_api_cluster(c),
        .pod = NULL,
        .instance = in->user,
        .k8s_minor = 0,
        .host = &host,
    };
    ksim_queued_pod qa = {ks_api_pod(&c->pods[a]), ta};
    ksim_queued_pod qb = {ks_api_pod(&c->pods[b]), tb};
    return in->ext->desc->less(&kc, &qa, &qb) != 0;
}

/* ---- adapters ---------------------------------------------------------------- */

static ks_external *adapt(const ksim_plugin *desc, const char *path,
                          void *handle)
{
    ks_external *e = ks_xcalloc(1, sizeof *e);
    e->desc = desc;
    e->name = ks_xstrdup(desc->name);
    e->path = path ? ks_xstrdup(path) : NULL;
    e->handle = handle;
    e->defaults.ext = e;
    e->defaults.json = ks_xstrdup("{}");
    ks_plugin *t = &e->table;
    t->name = e->name;
    t->create = adapt_create;
    t->destroy = adapt_destroy;
    t->pre_filter = desc->pre_filter ? adapt_pre_filter : NULL;
    t->filter = desc->filter ? adapt_filter : NULL;
    t->pre_score = desc->score ? adapt_pre_score : NULL;
    t->score = desc->score ? adapt_score : NULL;
    t->normalize = desc->normalize ? adapt_normalize : NULL;
    t->default_args = &e->defaults;
    t->default_weight = 1;
    return e;
}

int ks_external_wrap(const ksim_plugin *desc, ks_external **out, char *why,
                     size_t size)
{
    *out = NULL;
    int rc = ks_api_check_descriptor(desc, why, size);
    if (rc)
        return rc;
    *out = adapt(desc, NULL, NULL);
    return 0;
}

/* The names of the plugins of list, comma-separated, into buf. */
static void list_names(const ksim_plugin *const *list, char *buf,
                       size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; list[i] && i < MAX_ENTRY_PLUGINS && len < size; i++) {
        const char *name = list[i]->name ? list[i]->name : "(unnamed)";
        len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                len ? ", " : "", name);
    }
}

typedef const ksim_plugin *const *(*entry_fn)(void);

int ks_external_open(const char *path, const char *name, ks_external **out,
                     char *why, size_t size)
{
    *out = NULL;
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *msg = dlerror();
        snprintf(why, size, "cannot load shared object: %s",
                 msg ? msg : path);
        return KS_ENOENT;
    }
    void *sym = dlsym(h, KSIM_PLUGIN_ENTRY_SYMBOL);
    if (!sym) {
        snprintf(why, size,
                 "%s exports no " KSIM_PLUGIN_ENTRY_SYMBOL " (define it with "
                 "KSIM_PLUGINS(...) from <ksim/plugin.h>)",
                 path);
        dlclose(h);
        return KS_EINVAL;
    }
    entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* POSIX: data to function pointer */
    const ksim_plugin *const *list = entry();
    const ksim_plugin *desc = NULL;
    for (size_t i = 0; list && list[i] && i < MAX_ENTRY_PLUGINS && !desc; i++)
        if (list[i]->name && strcmp(list[i]->name, name) == 0)
            desc = list[i];
    if (!desc) {
        char names[256] = "";
        if (list)
            list_names(list, names, sizeof names);
        snprintf(why, size, "%s has no plugin called \"%s\" (it has: %s)",
                 path, name, names[0] ? names : "none");
        dlclose(h);
        return KS_ENOENT;
    }
    char reason[224];
    int rc = ks_api_check_descriptor(desc, reason, sizeof reason);
    if (rc) {
        snprintf(why, size, "plugin \"%s\" in %s: %s", name, path, reason);
        dlclose(h);
        return rc;
    }
    *out = adapt(desc, path, h);
    return 0;
}

void ks_external_close(ks_external *e)
{
    if (!e)
        return;
    free(e->defaults.json);
    free(e->name);
    free(e->path);
    if (e->handle)
        dlclose(e->handle);
    free(e);
}

const ks_plugin *ks_external_plugin(const ks_external *e)
{
    return &e->table;
}

const ksim_plugin *ks_external_descriptor(const ks_external *e)
{
    return e->desc;
}

const char *ks_external_name(const ks_external *e)
{
    return e->name;
}

const char *ks_external_path(const ks_external *e)
{
    return e->path;
}

/* ---- args -------------------------------------------------------------- */

int ks_external_args_create(const ks_external *e, const char *json,
                            ks_external_args **out, char *why, size_t size)
{
    *out = NULL;
    const ksim_plugin *d = e->desc;
    if (d->create) {
        void *inst = NULL;
        char reason[160] = "";
        if (d->create(ks_plugin_api(), json, &inst, reason, sizeof reason)) {
            reason[sizeof reason - 1] = '\0';
            snprintf(why, size, "%s", reason[0] ? reason : "rejected");
            return KS_EINVAL;
        }
        if (d->destroy)
            d->destroy(inst);
    }
    ks_external_args *a = ks_xcalloc(1, sizeof *a);
    a->ext = e;
    a->json = ks_xstrdup(json);
    *out = a;
    return 0;
}

void ks_external_args_destroy(ks_external_args *a)
{
    if (!a)
        return;
    free(a->json);
    free(a);
}

const char *ks_external_args_json(const ks_external_args *a)
{
    return a->json;
}
