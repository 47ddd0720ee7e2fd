/* kubelet.c - a node's kubelet: pod start pipeline, status writes, Lease.
 *
 * A pod's life on the node is computed when the kubelet first sees it
 * bound: sandbox, image (the node's pull queue decides when), container
 * start, first successful readiness probe, end of a finite run.  Each
 * step is an engine event carrying the pod's uid; a step of a pod that
 * was deleted meanwhile does nothing.  Status writes are status-only
 * store writes; a write refused (etcd without quorum) is retried at the
 * next status sync (10 s), as the status manager's periodic sync would.
 */
#include "sim/kubelet.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

#define STATUS_SYNC_PERIOD (10 * KS_SECOND) /* status_manager.go syncPeriod */

typedef enum stage {
    STAGE_STARTED = 0,
    STAGE_READY,
    STAGE_FINISHED
} stage;

typedef struct pod_rec {
    uint64_t uid;
    ks_time started, ready, finished; /* planned times, KS_TIME_NEVER */
    int done[3];                      /* stage written */
} pod_rec;

struct ks_kubelet {
    ks_engine *engine;
    ks_store *store;
    char *node;
    ks_kubelet_config cfg;
    ks_image_cache *images;
    uint64_t lease;
    int watch;
    int stopped;
    pod_rec *pods;
    size_t npods, pods_cap;
};

ks_kubelet_config ks_kubelet_default_config(void)
{
    ks_kubelet_config c = {0};
    c.pull = (ks_pull_config){0, 0, 0};
    c.lease_renew = 10 * KS_SECOND;
    c.lease_duration_s = 40;
    c.readiness = ks_probe_default();
    return c;
}

static pod_rec *find_pod(ks_kubelet *k, uint64_t uid)
{
    for (size_t i = 0; i < k->npods; i++)
        if (k->pods[i].uid == uid)
            return &k->pods[i];
    return NULL;
}

static void forget_pod(ks_kubelet *k, uint64_t uid)
{
    for (size_t i = 0; i < k->npods; i++)
        if (k->pods[i].uid == uid) {
            k->pods[i] = k->pods[--k->npods];
            return;
        }
}

/* ---- status writes ---------------------------------------------------------- */

static void on_stage(ks_engine *e, void *ctx, uint64_t arg);

/* Writes the status of stage st of pod uid planned at `at`; retried at the
 * next status sync if etcd refuses. */
static void write_stage(ks_kubelet *k, pod_rec *r, stage st)
{
    ks_pod_body *b = ks_store_body(k->store, r->uid);
    if (!b)
        return;
    if (!ks_store_has_quorum(k->store)) {
        ks_engine_after(k->engine, STATUS_SYNC_PERIOD, on_stage, k,
                        r->uid << 2 | (uint64_t)st);
        return;
    }
    switch (st) {
    case STAGE_STARTED:
        b->phase = KS_PHASE_RUNNING;
        b->started = r->started;
        break;
    case STAGE_READY:
        b->ready = 1;
        b->ready_since = r->ready;
        break;
    case STAGE_FINISHED:
        b->phase = KS_PHASE_SUCCEEDED;
        b->ready = 0;
        break;
    }
    r->done[st] = 1;
    ks_store_touch(k->store, r->uid);
}

static void on_stage(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    ks_kubelet *k = ctx;
    if (k->stopped)
        return;
    pod_rec *r = find_pod(k, arg >> 2);
    stage st = (stage)(arg & 3);
    if (r && !r->done[st])
        write_stage(k, r, st);
}

/* The application answers probes at once and healthy: readiness follows
 * the probe schedule alone. */
static ks_app_answer healthy(void *ctx, ks_time t)
{
    (void)ctx;
    (void)t;
    return (ks_app_answer){1, 0};
}

/* Plans a newly bound pod's start, readiness and end. */
static void admit(ks_kubelet *k, const ks_object *o)
{
    const ks_pod_body *b = o->body;
    ks_time now = ks_engine_now(k->engine);
    ks_time t = now + k->cfg.sandbox_latency;
    if (b->spec.image) {
        ks_pull_result pr = ks_image_cache_request(
            k->images, b->spec.image, b->spec.image_size,
            ks_default_pull_policy(b->spec.image), t);
        if (pr.error)
            return; /* ErrImageNeverPull: the pod stays Pending */
        t = pr.ready;
    }
    k->pods = ks_xgrow(k->pods, &k->pods_cap, k->npods + 1, sizeof *k->pods);
    pod_rec *r = &k->pods[k->npods++];
    *r = (pod_rec){o->uid, t + k->cfg.start_latency, KS_TIME_NEVER,
                   KS_TIME_NEVER, {0, 0, 0}};
    r->ready = ks_probe_ready_at(&k->cfg.readiness, r->started, healthy,
                                 NULL, r->started + KS_HOUR);
    if (b->spec.run_time != KS_TIME_NEVER && b->spec.run_time >= 0)
        r->finished = r->started + b->spec.run_time;
    ks_time d = k->cfg.status_delay;
    ks_engine_at(k->engine, r->started + d, on_stage, k,
                 o->uid << 2 | STAGE_STARTED);
    if (r->ready != KS_TIME_NEVER &&
        (r->finished == KS_TIME_NEVER || r->ready < r->finished))
        ks_engine_at(k->engine, r->ready + d, on_stage, k,
                     o->uid << 2 | STAGE_READY);
    if (r->finished != KS_TIME_NEVER)
        ks_engine_at(k->engine, r->finished + d, on_stage, k,
                     o->uid << 2 | STAGE_FINISHED);
}

static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_kubelet *k = ctx;
    if (k->stopped)
        return;
    if (ev->type == KS_WATCH_DELETED) {
        forget_pod(k, ev->uid);
        return;
    }
    const ks_object *o = ev->obj;
    if (!o || find_pod(k, ev->uid) || !o->body)
        return;
    if (o->node_name && strcmp(o->node_name, k->node) == 0)
        admit(k, o);
}

/* ---- the node Lease ---------------------------------------------------------- */

static void on_renew(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_kubelet *k = ctx;
    if (k->stopped)
        return;
    ks_lease_body *l = ks_store_body(k->store, k->lease);
    if (l && ks_store_has_quorum(k->store)) {
        l->renew_time = ks_engine_now(e);
        ks_store_touch(k->store, k->lease);
    }
    ks_engine_after(e, k->cfg.lease_renew, on_renew, k, 0);
}

static void create_lease(ks_kubelet *k)
{
    ks_lease_body *l = ks_xcalloc(1, sizeof *l);
    l->holder = ks_xstrdup(k->node);
    l->duration_s = k->cfg.lease_duration_s;
    l->renew_time = l->acquire_time = ks_engine_now(k->engine);
    ks_object_spec spec = {KS_KIND_LEASE, "kube-node-lease", k->node, NULL,
                           NULL, 0, NULL, l};
    if (ks_store_create_object(k->store, &spec, &k->lease) != 0)
        k->lease = 0;
}

ks_kubelet *ks_kubelet_create(ks_engine *e, ks_store *s, const char *node_name,
                              const ks_kubelet_config *cfg)
{
    ks_kubelet *k = ks_xcalloc(1, sizeof *k);
    k->engine = e;
    k->store = s;
    k->node = ks_xstrdup(node_name);
    k->cfg = cfg ? *cfg : ks_kubelet_default_config();
    if (k->cfg.lease_renew <= 0)
        k->cfg.lease_renew = 10 * KS_SECOND;
    k->images = ks_image_cache_create(&k->cfg.pull);
    k->watch = ks_store_watch(s, KS_KIND_POD, NULL, node_name,
                              k->cfg.watch_delay, on_pod_event, k);
    create_lease(k);
    ks_engine_after(e, k->cfg.lease_renew, on_renew, k, 0);
    return k;
}

void ks_kubelet_stop(ks_kubelet *k)
{
    k->stopped = 1;
}

void ks_kubelet_destroy(ks_kubelet *k)
{
    if (!k)
        return;
    ks_store_unwatch(k->store, k->watch);
    ks_image_cache_destroy(k->images);
    free(k->pods);
    free(k->node);
    free(k);
}

ks_image_cache *ks_kubelet_images(ks_kubelet *k)
{
    return k->images;
}
