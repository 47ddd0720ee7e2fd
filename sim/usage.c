/* usage.c - the CPU usage model (see usage.h). */
#include "sim/usage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

#define NANO_PER_MILLI 1000000

typedef struct workload {
    ks_kind kind;
    char *ns, *name;
    double cpu_ms_per_request;
    int64_t base_milli;
    ks_load_step *steps;
    size_t nsteps;
    /* serving-pod count cache: valid for one object, store revision and
     * time (a sync asks for every pod at one instant) */
    uint64_t cache_uid, cache_rev;
    ks_time cache_at;
    int64_t cache_n;
} workload;

struct ks_usage {
    const ks_store *store;
    ks_usage_config cfg;
    workload *w;
    size_t n, cap;
};

ks_usage *ks_usage_create(const ks_store *store, const ks_usage_config *cfg)
{
    ks_usage *u = ks_xcalloc(1, sizeof *u);
    u->store = store;
    if (cfg)
        u->cfg = *cfg;
    if (u->cfg.window <= 0)
        u->cfg.window = KS_USAGE_METRIC_RESOLUTION;
    if (u->cfg.first_metric_delay < 0)
        u->cfg.first_metric_delay = 0;
    return u;
}

void ks_usage_destroy(ks_usage *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++) {
        free(u->w[i].ns);
        free(u->w[i].name);
        free(u->w[i].steps);
    }
    free(u->w);
    free(u);
}

static int check_steps(const ks_load_step *steps, size_t n, ks_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!(steps[i].rps >= 0) || !isfinite(steps[i].rps))
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "usage: load step %zu: rps must be a "
                                "finite number >= 0", i);
        if (i > 0 && steps[i].at < steps[i - 1].at)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "usage: load steps must be sorted by time");
    }
    return KS_OK;
}

static ks_load_step *copy_steps(const ks_load_step *steps, size_t n)
{
    if (!n)
        return NULL;
    ks_load_step *v = ks_xmalloc(n * sizeof *v);
    memcpy(v, steps, n * sizeof *v);
    return v;
}

int ks_usage_add(ks_usage *u, const ks_usage_workload *w, ks_error *err)
{
    if ((w->kind != KS_KIND_DEPLOYMENT && w->kind != KS_KIND_REPLICASET) ||
        !w->namespace_name || !w->name || !(w->cpu_ms_per_request >= 0) ||
        !isfinite(w->cpu_ms_per_request) || w->base_milli < 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "usage: a workload needs a Deployment or "
                            "ReplicaSet name and a cost and base >= 0");
    int rc = check_steps(w->steps, w->nsteps, err);
    if (rc != KS_OK)
        return rc;
    for (size_t i = 0; i < u->n; i++)
        if (u->w[i].kind == w->kind && !strcmp(u->w[i].ns, w->namespace_name) &&
            !strcmp(u->w[i].name, w->name))
            return ks_error_set(err, KS_EEXIST, NULL, 0, 0,
                                "usage: %s %s/%s added twice",
                                ks_kind_name(w->kind), w->namespace_name,
                                w->name);
    u->w = ks_xgrow(u->w, &u->cap, u->n + 1, sizeof *u->w);
    workload *x = &u->w[u->n];
    memset(x, 0, sizeof *x);
    x->kind = w->kind;
    x->ns = ks_xstrdup(w->namespace_name);
    x->name = ks_xstrdup(w->name);
    x->cpu_ms_per_request = w->cpu_ms_per_request;
    x->base_milli = w->base_milli;
    x->steps = copy_steps(w->steps, w->nsteps);
    x->nsteps = w->nsteps;
    x->cache_at = -1;
    return (int)u->n++;
}

int ks_usage_set_profile(ks_usage *u, int id, const ks_load_step *steps,
                         size_t nsteps, ks_error *err)
{
    if (id < 0 || (size_t)id >= u->n)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "usage: no workload %d", id);
    int rc = check_steps(steps, nsteps, err);
    if (rc != KS_OK)
        return rc;
    free(u->w[id].steps);
    u->w[id].steps = copy_steps(steps, nsteps);
    u->w[id].nsteps = nsteps;
    return KS_OK;
}

static double load_at(const workload *w, ks_time t)
{
    double rps = 0;
    for (size_t i = 0; i < w->nsteps && w->steps[i].at <= t; i++)
        rps = w->steps[i].rps;
    return rps;
}

double ks_usage_load_rps(const ks_usage *u, int id, ks_time t)
{
    if (id < 0 || (size_t)id >= u->n)
        return 0;
    return load_at(&u->w[id], t);
}

/* ---- pods and their workloads --------------------------------------------- */

static uint64_t controller_of(const ks_object *o, ks_kind kind)
{
    for (size_t i = 0; o && i < o->nowners; i++)
        if (o->owners[i].controller && o->owners[i].kind == kind)
            return o->owners[i].uid;
    return 0;
}

/* The workload whose object is uid (of kind), or NULL. */
static workload *workload_of_uid(ks_usage *u, ks_kind kind, uint64_t uid)
{
    if (!uid)
        return NULL;
    const ks_object *o = ks_store_get(u->store, uid);
    if (!o)
        return NULL;
    for (size_t i = 0; i < u->n; i++)
        if (u->w[i].kind == kind && o->namespace_name &&
            !strcmp(u->w[i].ns, o->namespace_name) &&
            !strcmp(u->w[i].name, o->name))
            return &u->w[i];
    return NULL;
}

/* The pod's workload and that workload's object uid (*obj). */
static workload *workload_of_pod(ks_usage *u, const ks_object *pod,
                                 uint64_t *obj)
{
    uint64_t rs = controller_of(pod, KS_KIND_REPLICASET);
    workload *w = workload_of_uid(u, KS_KIND_REPLICASET, rs);
    if (w) {
        *obj = rs;
        return w;
    }
    const ks_object *rso = rs ? ks_store_get(u->store, rs) : NULL;
    uint64_t d = controller_of(rso, KS_KIND_DEPLOYMENT);
    w = workload_of_uid(u, KS_KIND_DEPLOYMENT, d);
    *obj = d;
    return w;
}

static int serving(const ks_object *pod)
{
    const ks_pod_body *b = pod->body;
    return b && b->phase == KS_PHASE_RUNNING && b->ready &&
           pod->deletion_time < 0;
}

static int64_t count_serving_rs(const ks_store *s, uint64_t rs)
{
    const ks_object **deps;
    size_t n;
    int64_t k = 0;
    ks_store_dependents(s, rs, &deps, &n);
    for (size_t i = 0; i < n; i++)
        if (deps[i] && deps[i]->kind == KS_KIND_POD &&
            controller_of(deps[i], KS_KIND_REPLICASET) == rs &&
            serving(deps[i]))
            k++;
    free(deps);
    return k;
}

/* The workload object's serving pods (through its ReplicaSets for a
 * Deployment). */
static int64_t count_serving(ks_usage *u, workload *w, uint64_t obj,
                             ks_time now)
{
    uint64_t rev = ks_store_revision(u->store);
    if (w->cache_uid == obj && w->cache_rev == rev && w->cache_at == now)
        return w->cache_n;
    int64_t k = 0;
    if (w->kind == KS_KIND_REPLICASET) {
        k = count_serving_rs(u->store, obj);
    } else {
        const ks_object **deps;
        size_t n;
        ks_store_dependents(u->store, obj, &deps, &n);
        for (size_t i = 0; i < n; i++)
            if (deps[i] && deps[i]->kind == KS_KIND_REPLICASET &&
                controller_of(deps[i], KS_KIND_DEPLOYMENT) == obj)
                k += count_serving_rs(u->store, deps[i]->uid);
        free(deps);
    }
    w->cache_uid = obj;
    w->cache_rev = rev;
    w->cache_at = now;
    w->cache_n = k;
    return k;
}

int64_t ks_usage_pod_nanocores(ks_usage *u, const ks_object *pod, ks_time now)
{
    const ks_pod_body *b = pod ? pod->body : NULL;
    if (!b || pod->kind != KS_KIND_POD || b->phase != KS_PHASE_RUNNING ||
        b->started < 0)
        return -1;
    uint64_t obj = 0;
    workload *w = workload_of_pod(u, pod, &obj);
    if (!w)
        return -1;
    int64_t nano = w->base_milli * NANO_PER_MILLI;
    if (serving(pod)) {
        int64_t n = count_serving(u, w, obj, now);
        double load = load_at(w, now) * w->cpu_ms_per_request * 1e6;
        if (n > 0 && load > 0)
            nano += (int64_t)floor(load / (double)n);
    }
    return nano;
}

int ks_usage_pod_metric(ks_usage *u, const ks_object *pod, ks_time now,
                        ks_pod_metric *m)
{
    const ks_pod_body *b = pod ? pod->body : NULL;
    if (!b || b->started < 0 || now - b->started < u->cfg.first_metric_delay)
        return 0;
    int64_t nano = ks_usage_pod_nanocores(u, pod, now);
    if (nano < 0)
        return 0;
    /* resource.Quantity.MilliValue rounds up */
    m->usage_milli = (nano + NANO_PER_MILLI - 1) / NANO_PER_MILLI;
    m->timestamp = now;
    m->window = u->cfg.window;
    return 1;
}
