/* plugin_api.c - the ksim_api function table over ksim's cluster.
 *
 * Each function checks its handles against the cluster's arrays, so a
 * plugin passing NULL or a stale pointer reads 0 / NULL / "" instead of
 * crashing ksim.  Args readers parse the JSON text at each call: they are
 * meant for create(), not for the per-node hot path.
 */
#include "policies/plugin_api.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/error.h"
#include "sim/gpu.h"
#include "sim/objects.h"
#include "sim/resources.h"
#include "sim/xalloc.h"

/* The public enum mirrors the framework's, value for value. */
_Static_assert(KSIM_SUCCESS == (int)KS_STATUS_SUCCESS &&
                   KSIM_ERROR == (int)KS_STATUS_ERROR &&
                   KSIM_UNSCHEDULABLE == (int)KS_STATUS_UNSCHEDULABLE &&
                   KSIM_UNSCHEDULABLE_AND_UNRESOLVABLE ==
                       (int)KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE &&
                   KSIM_SKIP == (int)KS_STATUS_SKIP,
               "ksim_code and ks_status_code differ");
_Static_assert((int)KSIM_RES_CPU == (int)KS_RES_CPU &&
                   (int)KSIM_RES_MEMORY == (int)KS_RES_MEMORY &&
                   (int)KSIM_RES_PODS == (int)KS_RES_PODS &&
                   (int)KSIM_RES_EPHEMERAL_STORAGE ==
                       (int)KS_RES_EPHEMERAL_STORAGE,
               "resource ids differ");
_Static_assert(KSIM_MAX_NODE_SCORE == KS_MAX_NODE_SCORE &&
                   KSIM_MIN_NODE_SCORE == KS_MIN_NODE_SCORE &&
                   KSIM_GPU_MILLI == KS_GPU_MILLI,
               "score or GPU bounds differ");

/* ---- handles ------------------------------------------------------------- */

static const ks_cluster *cl(const ksim_cluster *c)
{
    return (const ks_cluster *)c;
}

/* The index of n in c's nodes, or -1 when n is not one of them. */
static long node_idx(const ks_cluster *c, const ksim_node *n)
{
    if (!c || !n || !c->nnodes)
        return -1;
    uintptr_t base = (uintptr_t)c->nodes, p = (uintptr_t)n;
    if (p < base || (p - base) % sizeof(ks_node) != 0)
        return -1;
    size_t i = (p - base) / sizeof(ks_node);
    return i < c->nnodes ? (long)i : -1;
}

static long pod_idx(const ks_cluster *c, const ksim_pod *pod)
{
    if (!c || !pod || !c->npods)
        return -1;
    uintptr_t base = (uintptr_t)c->pods, p = (uintptr_t)pod;
    if (p < base || (p - base) % sizeof(ks_pod) != 0)
        return -1;
    size_t i = (p - base) / sizeof(ks_pod);
    return i < c->npods ? (long)i : -1;
}

static const ks_node *node_of(const ksim_cluster *c, const ksim_node *n)
{
    long i = node_idx(cl(c), n);
    return i < 0 ? NULL : &cl(c)->nodes[i];
}

static const ks_pod *pod_of(const ksim_cluster *c, const ksim_pod *p)
{
    long i = pod_idx(cl(c), p);
    return i < 0 ? NULL : &cl(c)->pods[i];
}

static int res_ok(ksim_resource r)
{
    return r >= 0 && r < ks_resource_count() && r < KS_RES_COUNT;
}

/* ---- memory ---------------------------------------------------------------- */

static void *api_alloc(size_t size)
{
    return ks_xcalloc(1, size ? size : 1);
}

static void api_release(void *p)
{
    free(p);
}

/* ---- resources and the cluster ------------------------------------------ */

static int api_resource_count(void)
{
    return ks_resource_count();
}

static const char *api_resource_name(ksim_resource r)
{
    return res_ok(r) ? ks_resource_name(r) : "";
}

static ksim_resource api_resource_lookup(const char *name)
{
    return name ? ks_resource_lookup(name) : -1;
}

static size_t api_node_count(const ksim_cluster *c)
{
    return c ? cl(c)->nnodes : 0;
}

static const ksim_node *api_node_at(const ksim_cluster *c, size_t i)
{
    return c && i < cl(c)->nnodes ? ks_api_node(&cl(c)->nodes[i]) : NULL;
}

static size_t api_pod_count(const ksim_cluster *c)
{
    return c ? cl(c)->npods : 0;
}

static const ksim_pod *api_pod_at(const ksim_cluster *c, size_t i)
{
    return c && i < cl(c)->npods ? ks_api_pod(&cl(c)->pods[i]) : NULL;
}

/* ---- nodes --------------------------------------------------------------- */

static size_t api_node_index(const ksim_cluster *c, const ksim_node *n)
{
    long i = node_idx(cl(c), n);
    return i < 0 ? SIZE_MAX : (size_t)i;
}

static const char *api_node_name(const ksim_cluster *c, const ksim_node *n)
{
    const ks_node *node = node_of(c, n);
    return node && node->name ? node->name : "";
}

static int64_t api_node_allocatable(const ksim_cluster *c, const ksim_node *n,
                                    ksim_resource r)
{
    const ks_node *node = node_of(c, n);
    return node && res_ok(r) ? node->allocatable[r] : 0;
}

static int64_t api_node_requested(const ksim_cluster *c, const ksim_node *n,
                                  ksim_resource r)
{
    const ks_node *node = node_of(c, n);
    return node && res_ok(r) ? node->requested[r] : 0;
}

static int64_t api_node_nonzero_requested(const ksim_cluster *c,
                                          const ksim_node *n, ksim_resource r)
{
    const ks_node *node = node_of(c, n);
    return node && res_ok(r) ? node->nonzero_requested[r] : 0;
}

static const ks_node_info *info_of(const ksim_cluster *c, const ksim_node *n)
{
    long i = node_idx(cl(c), n);
    return i < 0 || !cl(c)->node_info ? NULL : &cl(c)->node_info[i];
}

static const char *api_node_label(const ksim_cluster *c, const ksim_node *n,
                                  const char *key)
{
    const ks_node_info *info = info_of(c, n);
    return info && key ? ks_labels_get(&info->labels, key) : NULL;
}

static size_t api_node_taint_count(const ksim_cluster *c, const ksim_node *n)
{
    const ks_node_info *info = info_of(c, n);
    return info ? info->ntaints : 0;
}

static int api_node_unschedulable(const ksim_cluster *c, const ksim_node *n)
{
    const ks_node_info *info = info_of(c, n);
    return info ? info->unschedulable != 0 : 0;
}

static const ks_node_pods *pods_of(const ksim_cluster *c, const ksim_node *n)
{
    long i = node_idx(cl(c), n);
    return i < 0 || !cl(c)->node_pods ? NULL : &cl(c)->node_pods[i];
}

static size_t api_node_pod_count(const ksim_cluster *c, const ksim_node *n)
{
    const ks_node_pods *np = pods_of(c, n);
    return np ? np->n : 0;
}

static const ksim_pod *api_node_pod_at(const ksim_cluster *c,
                                       const ksim_node *n, size_t i)
{
    const ks_node_pods *np = pods_of(c, n);
    return np && i < np->n ? ks_api_pod(&cl(c)->pods[np->pods[i]]) : NULL;
}

static unsigned api_node_gpu_count(const ksim_cluster *c, const ksim_node *n)
{
    const ks_node *node = node_of(c, n);
    return node ? node->gpu_count : 0;
}

static const char *api_node_gpu_model(const ksim_cluster *c,
                                      const ksim_node *n)
{
    const ks_node *node = node_of(c, n);
    return node ? ks_gpu_model_name(node->gpu_model) : "";
}

static int64_t api_node_gpu_free_milli(const ksim_cluster *c,
                                       const ksim_node *n, unsigned gpu)
{
    long i = node_idx(cl(c), n);
    if (i < 0 || gpu >= cl(c)->nodes[i].gpu_count)
        return 0;
    const uint16_t *free_milli = ks_gpu_free(cl(c), (uint32_t)i);
    return free_milli ? free_milli[gpu] : 0;
}

/* ---- pods ---------------------------------------------------------------- */

static size_t api_pod_index(const ksim_cluster *c, const ksim_pod *p)
{
    long i = pod_idx(cl(c), p);
    return i < 0 ? SIZE_MAX : (size_t)i;
}

/* Manifest pods are named "namespace/name". */
static const char *api_pod_name(const ksim_cluster *c, const ksim_pod *p)
{
    const ks_pod *pod = pod_of(c, p);
    if (!pod || !pod->name)
        return NULL;
    const char *slash = strrchr(pod->name, '/');
    return slash ? slash + 1 : pod->name;
}

static const char *api_pod_namespace(const ksim_cluster *c, const ksim_pod *p)
{
    const ks_pod *pod = pod_of(c, p);
    if (!pod)
        return "";
    return pod->spec && pod->spec->namespace_name ? pod->spec->namespace_name
                                                  : "default";
}

static int32_t api_pod_priority(const ksim_cluster *c, const ksim_pod *p)
{
    const ks_pod *pod = pod_of(c, p);
    return pod ? pod->priority : 0;
}

static int64_t api_pod_request(const ksim_cluster *c, const ksim_pod *p,
                               ksim_resource r)
{
    const ks_pod *pod = pod_of(c, p);
    return pod && res_ok(r) ? pod->request[r] : 0;
}

static int64_t api_pod_nonzero_request(const ksim_cluster *c,
                                       const ksim_pod *p, ksim_resource r)
{
    const ks_pod *pod = pod_of(c, p);
    return pod && res_ok(r) ? pod->nonzero_request[r] : 0;
}

static const char *api_pod_label(const ksim_cluster *c, const ksim_pod *p,
                                 const char *key)
{
    const ks_pod *pod = pod_of(c, p);
    return pod && pod->spec && key ? ks_labels_get(&pod->spec->labels, key)
                                   : NULL;
}

static const ksim_node *api_pod_node(const ksim_cluster *c, const ksim_pod *p)
{
    const ks_pod *pod = pod_of(c, p);
    if (!pod || pod->node >= cl(c)->nnodes)
        return NULL;
    return ks_api_node(&cl(c)->nodes[pod->node]);
}

static unsigned api_pod_gpu_count(const ksim_cluster *c, const ksim_pod *p)
{
    const ks_pod *pod = pod_of(c, p);
    return pod ? pod->gpu_count : 0;
}

static int64_t api_pod_gpu_milli(const ksim_cluster *c, const ksim_pod *p)
{
    const ks_pod *pod = pod_of(c, p);
    return pod ? pod->gpu_milli : 0;
}

static int api_pod_gpu_model_allowed(const ksim_cluster *c, const ksim_pod *p,
                                     const ksim_node *n)
{
    const ks_pod *pod = pod_of(c, p);
    long i = node_idx(cl(c), n);
    return pod && i >= 0 && ks_gpu_model_allowed(cl(c), (uint32_t)i, pod);
}

/* ---- args: JSON Pointer (RFC 6901) over the args text -------------------- */

/* The next reference token of pointer (after its '/') unescaped into tok
 * (~1 is '/', ~0 is '~'); returns the rest of the pointer, or NULL when
 * the token is too long or badly escaped. */
static const char *next_token(const char *pointer, char *tok, size_t size)
{
    size_t n = 0;
    const char *s = pointer + 1;
    for (; *s && *s != '/'; s++) {
        char ch = *s;
        if (ch == '~') {
            if (s[1] != '0' && s[1] != '1')
                return NULL;
            ch = s[1] == '0' ? '~' : '/';
            s++;
        }
        if (n + 1 >= size)
            return NULL;
        tok[n++] = ch;
    }
    tok[n] = '\0';
    return s;
}

/* An array index token: "0" or digits without a leading zero. */
static int array_index(const char *tok, size_t *out)
{
    if (!*tok || (tok[0] == '0' && tok[1]) || strlen(tok) > 9)
        return 0;
    size_t v = 0;
    for (const char *s = tok; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return 1;
}

/* The value at pointer in root, or NULL. */
static json_t *resolve(json_t *root, const char *pointer)
{
    char tok[256];
    json_t *v = root;
    if (*pointer && *pointer != '/')
        return NULL;
    while (v && *pointer) {
        pointer = next_token(pointer, tok, sizeof tok);
        if (!pointer)
            return NULL;
        size_t i;
        if (json_is_object(v))
            v = json_object_get(v, tok);
        else if (json_is_array(v) && array_index(tok, &i))
            v = json_array_get(v, i);
        else
            return NULL;
    }
    return v;
}

/* Parses args and finds pointer: 1 with *root (to json_decref) and *v, 0
 * when nothing is there, -1 when args is not JSON. */
static int lookup(const char *args, const char *pointer, json_t **root,
                  json_t **v)
{
    *root = NULL;
    if (!args || !pointer)
        return -1;
    *root = json_loads(args, JSON_DECODE_ANY, NULL);
    if (!*root)
        return -1;
    *v = resolve(*root, pointer);
    return *v ? 1 : 0;
}

static int api_args_int(const char *args, const char *pointer, int64_t *out)
{
    json_t *root, *v;
    int rc = lookup(args, pointer, &root, &v);
    if (rc == 1 && json_is_integer(v))
        *out = (int64_t)json_integer_value(v);
    else if (rc == 1)
        rc = -1;
    json_decref(root);
    return rc;
}

static int api_args_double(const char *args, const char *pointer, double *out)
{
    json_t *root, *v;
    int rc = lookup(args, pointer, &root, &v);
    if (rc == 1 && json_is_number(v))
        *out = json_number_value(v);
    else if (rc == 1)
        rc = -1;
    json_decref(root);
    return rc;
}

static int api_args_bool(const char *args, const char *pointer, int *out)
{
    json_t *root, *v;
    int rc = lookup(args, pointer, &root, &v);
    if (rc == 1 && json_is_boolean(v))
        *out = json_is_true(v);
    else if (rc == 1)
        rc = -1;
    json_decref(root);
    return rc;
}

static int api_args_string(const char *args, const char *pointer, char *buf,
                           size_t size)
{
    json_t *root, *v;
    int rc = lookup(args, pointer, &root, &v);
    if (rc == 1) {
        size_t len = json_is_string(v) ? json_string_length(v) : 0;
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (!s || !buf || len >= size || memchr(s, '\0', len)) {
            rc = -1;
        } else {
            memcpy(buf, s, len);
            buf[len] = '\0';
        }
    }
    json_decref(root);
    return rc;
}

/* ---- randomness ------------------------------------------------------------ */

static gsl_rng *rng_of(const ksim_call *call)
{
    const ks_api_host *h = call ? call->host : NULL;
    return h ? h->rng : NULL;
}

static double api_uniform(const ksim_call *call)
{
    gsl_rng *r = rng_of(call);
    return r ? gsl_rng_uniform(r) : 0.0;
}

static uint64_t api_uniform_int(const ksim_call *call, uint64_t n)
{
    gsl_rng *r = rng_of(call);
    if (!r || n == 0)
        return 0;
    /* gsl_rng_uniform_int draws below the generator's range (2^32 for
     * mt19937): combine two draws for larger n, rejecting the biased top. */
    if (n <= gsl_rng_max(r) - gsl_rng_min(r))
        return gsl_rng_uniform_int(r, (unsigned long)n);
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
        uint64_t v = ((uint64_t)gsl_rng_uniform_int(r, 1UL << 31) << 33) ^
                     ((uint64_t)gsl_rng_uniform_int(r, 1UL << 31) << 2) ^
                     (uint64_t)gsl_rng_uniform_int(r, 4);
        if (v < limit)
            return v % n;
    }
}

/* ---- the table ------------------------------------------------------------ */

static const ksim_api api = {
    .abi_version = KSIM_PLUGIN_ABI_VERSION,
    .size = sizeof(ksim_api),
    .alloc = api_alloc,
    .release = api_release,
    .resource_count = api_resource_count,
    .resource_name = api_resource_name,
    .resource_lookup = api_resource_lookup,
    .node_count = api_node_count,
    .node_at = api_node_at,
    .pod_count = api_pod_count,
    .pod_at = api_pod_at,
    .node_index = api_node_index,
    .node_name = api_node_name,
    .node_allocatable = api_node_allocatable,
    .node_requested = api_node_requested,
    .node_nonzero_requested = api_node_nonzero_requested,
    .node_label = api_node_label,
    .node_taint_count = api_node_taint_count,
    .node_unschedulable = api_node_unschedulable,
    .node_pod_count = api_node_pod_count,
    .node_pod_at = api_node_pod_at,
    .node_gpu_count = api_node_gpu_count,
    .node_gpu_model = api_node_gpu_model,
    .node_gpu_free_milli = api_node_gpu_free_milli,
    .pod_index = api_pod_index,
    .pod_name = api_pod_name,
    .pod_namespace = api_pod_namespace,
    .pod_priority = api_pod_priority,
    .pod_request = api_pod_request,
    .pod_nonzero_request = api_pod_nonzero_request,
    .pod_label = api_pod_label,
    .pod_node = api_pod_node,
    .pod_gpu_count = api_pod_gpu_count,
    .pod_gpu_milli = api_pod_gpu_milli,
    .pod_gpu_model_allowed = api_pod_gpu_model_allowed,
    .args_int = api_args_int,
    .args_double = api_args_double,
    .args_bool = api_args_bool,
    .args_string = api_args_string,
    .uniform = api_uniform,
    .uniform_int = api_uniform_int,
};

const ksim_api *ks_plugin_api(void)
{
    return &api;
}

/* ---- statuses and descriptors ------------------------------------------- */

ks_status ks_api_status(ksim_status st)
{
    if (st.code < KSIM_SUCCESS || st.code > KSIM_SKIP)
        return ks_status_make(KS_STATUS_ERROR, 0,
                              "plugin returned an invalid status code");
    return ks_status_make((ks_status_code)st.code, 0, st.message);
}

static int name_ok(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > 63)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] >= 0x7f)
            return 0;
    return 1;
}

int ks_api_check_descriptor(const ksim_plugin *d, char *why, size_t size)
{
    const char *reason = NULL;
    if (!d) {
        reason = "no descriptor";
    } else if (d->abi_version != KSIM_PLUGIN_ABI_VERSION) {
        snprintf(why, size,
                 "plugin ABI version %u, but this ksim runs version %d "
                 "(rebuild the plugin against this ksim's <ksim/plugin.h>)",
                 (unsigned)d->abi_version, KSIM_PLUGIN_ABI_VERSION);
        return KS_EINVAL;
    } else if (d->size < sizeof(ksim_plugin)) {
        reason = "descriptor is smaller than this ABI version's";
    } else if (!name_ok(d->name)) {
        reason = "name must be 1 to 63 printable characters without spaces";
    } else if ((d->normalize || d->pre_score) && !d->score) {
        reason = d->normalize ? "normalize needs score"
                              : "pre_score needs score";
    } else if (!d->pre_filter && !d->filter && !d->score && !d->less) {
        reason = "implements no extension point (pre_filter, filter, score "
                 "or less)";
    }
    if (reason) {
        snprintf(why, size, "%s", reason);
        return KS_EINVAL;
    }
    return 0;
}
