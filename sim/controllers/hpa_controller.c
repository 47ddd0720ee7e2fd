/* hpa_controller.c - the HorizontalPodAutoscaler controller on the store
 * (see hpa_controller.h).
 *
 * Upstream re-implemented (kubernetes/kubernetes,
 * pkg/controller/podautoscaler/horizontal.go): enqueueHPA / updateHPA /
 * deleteHPA and processNextWorkItem with the fixed-interval rate limiter
 * (every add due one resync period later), reconcileKey (a gone HPA's
 * recommendations and events forgotten, not requeued), reconcileAutoscaler
 * (scale GET, recordInitialRecommendation, the min/max/zero branches,
 * computeReplicasForMetrics -> normalizeDesiredReplicas[WithBehaviors],
 * the scale UPDATE, setStatus, updateStatusIfNeeded); and from
 * pkg/controller/podautoscaler/replica_calculator.go: groupPods (the
 * ignored / unready / missing grouping with cpuInitializationPeriod and
 * delayOfInitialReadinessStatus) and calculatePodRequests.  The arithmetic
 * is hpa.c's.
 */
#include "sim/controllers/hpa_controller.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/hpa.h"
#include "sim/controllers/ratelimit.h"
#include "sim/kinds.h"
#include "sim/xalloc.h"

/* GET scale, UPDATE scale, UPDATE status. */
#define CALLS_PER_SYNC 3

typedef struct hpa_state {
    uint64_t uid;
    ks_time due;         /* pending sync, KS_TIME_NEVER if none */
    uint64_t generation; /* of the spec h was made from */
    ks_hpa *h;           /* recommendations and scale events; NULL until
                            the first sync */
} hpa_state;

/* The pod informer's view of one pod. */
typedef struct pod_entry {
    uint64_t uid;
    ks_time first_start;     /* first container start seen, -1 */
    ks_time not_ready_since; /* last seen turning not Ready, -1: never */
    int ready;               /* Ready as last seen */
} pod_entry;

struct ks_hpa_controller {
    ks_engine *engine;
    ks_store *store;
    ks_usage *usage;
    ks_hpa_controller_config cfg;
    ks_token_bucket bucket;
    int watch_hpa, watch_pod;
    ks_event_id worker_ev;
    ks_time worker_at; /* KS_TIME_NEVER when no worker event is pending */
    hpa_state **states; /* sorted by uid */
    size_t nstates, cap_states;
    pod_entry *pods;    /* sorted by uid */
    size_t npods, cap_pods;
    ks_hpa_sync_hook hook;
    void *hook_ctx;
    ks_hpa_controller_stats stats;
};

ks_hpa_controller_config ks_hpa_controller_default_config(void)
{
    ks_hpa_controller_config c = {0};
    c.sync_period = KS_HPA_SYNC_PERIOD;
    c.downscale_window = KS_HPA_DOWNSCALE_STABILIZATION;
    c.tolerance = KS_HPA_TOLERANCE;
    c.cpu_init_period = 5 * KS_MINUTE;
    c.initial_readiness_delay = 30 * KS_SECOND;
    c.qps = 20;
    c.burst = 30;
    return c;
}

/* ---- sorted maps -------------------------------------------------------- */

static size_t state_find(const ks_hpa_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->nstates;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->states[mid]->uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static hpa_state *state_of(ks_hpa_controller *c, uint64_t uid)
{
    size_t i = state_find(c, uid);
    if (i < c->nstates && c->states[i]->uid == uid)
        return c->states[i];
    hpa_state *st = ks_xcalloc(1, sizeof *st);
    st->uid = uid;
    st->due = KS_TIME_NEVER;
    c->states = ks_xgrow(c->states, &c->cap_states, c->nstates + 1,
                         sizeof *c->states);
    memmove(&c->states[i + 1], &c->states[i],
            (c->nstates - i) * sizeof *c->states);
    c->states[i] = st;
    c->nstates++;
    return st;
}

/* reconcileKey of a gone HPA: forget its recommendations and events. */
static void state_drop(ks_hpa_controller *c, uint64_t uid)
{
    size_t i = state_find(c, uid);
    if (i >= c->nstates || c->states[i]->uid != uid)
        return;
    ks_hpa_destroy(c->states[i]->h);
    free(c->states[i]);
    memmove(&c->states[i], &c->states[i + 1],
            (c->nstates - i - 1) * sizeof *c->states);
    c->nstates--;
}

static size_t pod_find(const ks_hpa_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->npods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->pods[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static pod_entry *pod_get(const ks_hpa_controller *c, uint64_t uid)
{
    size_t i = pod_find(c, uid);
    return i < c->npods && c->pods[i].uid == uid ? &c->pods[i] : NULL;
}

static pod_entry *pod_of(ks_hpa_controller *c, uint64_t uid)
{
    size_t i = pod_find(c, uid);
    if (i < c->npods && c->pods[i].uid == uid)
        return &c->pods[i];
    c->pods = ks_xgrow(c->pods, &c->cap_pods, c->npods + 1, sizeof *c->pods);
    memmove(&c->pods[i + 1], &c->pods[i], (c->npods - i) * sizeof *c->pods);
    c->pods[i] = (pod_entry){uid, -1, -1, 0};
    c->npods++;
    return &c->pods[i];
}

static void pod_drop(ks_hpa_controller *c, uint64_t uid)
{
    size_t i = pod_find(c, uid);
    if (i >= c->npods || c->pods[i].uid != uid)
        return;
    memmove(&c->pods[i], &c->pods[i + 1],
            (c->npods - i - 1) * sizeof *c->pods);
    c->npods--;
}

/* ---- queue and worker --------------------------------------------------- */

static void on_worker(ks_engine *e, void *ctx, uint64_t arg);

/* Makes sure a worker event is pending for the earliest due HPA. */
static void kick(ks_hpa_controller *c)
{
    ks_time now = ks_engine_now(c->engine);
    ks_time at = KS_TIME_NEVER;
    for (size_t i = 0; i < c->nstates; i++)
        if (c->states[i]->due < at)
            at = c->states[i]->due;
    if (at == KS_TIME_NEVER)
        return;
    if (at < now)
        at = now;
    if (at >= c->worker_at)
        return;
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    c->worker_at = at;
    c->worker_ev = ks_engine_at(c->engine, at, on_worker, c, 0);
}

/* queue.AddRateLimited with the fixed-interval limiter: due one period
 * from now, unless already due earlier. */
static void add_rate_limited(ks_hpa_controller *c, hpa_state *st)
{
    ks_time at = ks_engine_now(c->engine) + c->cfg.sync_period;
    if (at < st->due)
        st->due = at;
}

/* ---- informers ---------------------------------------------------------- */

static void on_hpa_event(void *ctx, const ks_watch_event *ev)
{
    ks_hpa_controller *c = ctx;
    /* deleteHPA only Forgets the key: the pending sync finds it gone. */
    if (ev->type == KS_WATCH_DELETED)
        return;
    add_rate_limited(c, state_of(c, ev->uid));
    kick(c);
}

static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_hpa_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        pod_drop(c, ev->uid);
        return;
    }
    if (!ev->obj || !ev->obj->body)
        return;
    const ks_pod_body *b = ev->obj->body;
    pod_entry *p = pod_of(c, ev->uid);
    if (p->first_start < 0 && b->started >= 0)
        p->first_start = b->started;
    if (!b->ready && p->ready)
        p->not_ready_since = ks_engine_now(c->engine);
    p->ready = b->ready != 0;
}

/* ---- client ------------------------------------------------------------- */

/* The earliest time >= now at which the bucket holds n tokens. */
static ks_time tokens_due(const ks_token_bucket *b, ks_time now, int n)
{
    double have = ks_token_bucket_tokens_at(b, now);
    if (have >= n)
        return now;
    if (b->limit <= 0 || n > b->burst)
        return KS_TIME_NEVER;
    ks_time t = now + (ks_time)ceil((n - have) / b->limit * 1e9);
    for (int i = 0; i < 64 && ks_token_bucket_tokens_at(b, t) < n; i++)
        t += KS_SECOND / 1000000; /* float slack: 1 us steps */
    return t;
}

static void take_token(ks_hpa_controller *c)
{
    if (c->cfg.qps >= 0)
        ks_token_bucket_try_accept(&c->bucket, ks_engine_now(c->engine));
}

/* ---- sync --------------------------------------------------------------- */

static void spec_of(const ks_hpa_controller *c, const ks_hpa_body *b,
                    ks_hpa_spec *s)
{
    ks_hpa_spec_default(s);
    s->min_replicas = b->min_replicas;
    s->max_replicas = b->max_replicas;
    s->target_utilization = b->target_utilization;
    s->tolerance_down = s->tolerance_up = c->cfg.tolerance;
    s->has_behavior = b->has_behavior != 0;
    s->scale_up = b->scale_up;
    s->scale_down = b->scale_down;
    s->downscale_window = c->cfg.downscale_window;
}

/* groupPods' CPU test for a Running pod with a sample: is it unready? */
static bool cpu_unready(const ks_hpa_controller *c, const ks_object *pod,
                        const ks_pod_metric *m, ks_time now)
{
    const ks_pod_body *b = pod->body;
    const pod_entry *p = pod_get(c, pod->uid);
    ks_time start = p && p->first_start >= 0 ? p->first_start : b->started;
    if (start < 0)
        return true; /* no StartTime */
    bool ready = b->ready != 0;
    ks_time transition;
    if (ready)
        transition = b->ready_since >= 0 ? b->ready_since : start;
    else
        transition = p && p->not_ready_since >= 0 ? p->not_ready_since
                                                   : start;
    if (start + c->cfg.cpu_init_period > now)
        /* still initialising: a sample counts once a whole window of it
         * was collected while Ready */
        return !ready || m->timestamp < transition + m->window;
    /* later: ignored only if unready and never Ready since the start */
    return !ready && start + c->cfg.initial_readiness_delay > transition;
}

/* The scale subresource of the HPA's target. */
typedef struct scale_view {
    const ks_object *obj;
    int32_t replicas;
    const ks_label_selector *selector;
} scale_view;

static int get_scale(ks_hpa_controller *c, const ks_object *hpa,
                     const ks_hpa_body *b, scale_view *sv)
{
    if (!b->target_name || (b->target_kind != KS_KIND_DEPLOYMENT &&
                            b->target_kind != KS_KIND_REPLICASET))
        return KS_EINVAL;
    const ks_object *o = ks_store_find(c->store, b->target_kind,
                                       hpa->namespace_name, b->target_name);
    if (!o || !o->body)
        return KS_ENOENT;
    sv->obj = o;
    if (o->kind == KS_KIND_DEPLOYMENT) {
        const ks_deployment_body *d = o->body;
        sv->replicas = d->replicas;
        sv->selector = &d->selector;
    } else {
        const ks_replicaset_body *r = o->body;
        sv->replicas = r->replicas;
        sv->selector = &r->selector;
    }
    return KS_OK;
}

/* The /scale UPDATE: spec.replicas of the target, at the version read. */
static int update_scale(ks_hpa_controller *c, const scale_view *sv,
                        int32_t replicas)
{
    void *body;
    if (sv->obj->kind == KS_KIND_DEPLOYMENT) {
        ks_deployment_body *d = ks_deployment_body_copy(sv->obj->body);
        d->replicas = replicas;
        body = d;
    } else {
        ks_replicaset_body *r = ks_replicaset_body_copy(sv->obj->body);
        r->replicas = replicas;
        body = r;
    }
    return ks_store_update(c->store, sv->obj->uid, sv->obj->resource_version,
                           body, NULL, NULL);
}

/* The target's pods as the replica calculator sees them; *no_request set
 * when one has no CPU request (calculatePodRequests fails). */
static ks_hpa_pod *pods_of(ks_hpa_controller *c, const char *ns,
                           const ks_label_selector *sel, ks_time now,
                           int *n_out, bool *no_request)
{
    const ks_object **v;
    size_t n;
    ks_store_list(c->store, KS_KIND_POD, ns, sel, &v, &n);
    ks_hpa_pod *pods = ks_xcalloc(n + 1, sizeof *pods);
    *no_request = false;
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *b = v[i]->body;
        ks_hpa_pod *p = &pods[i];
        int64_t req = b ? b->spec.requests[KS_RES_CPU] : -1;
        if (req < 0)
            *no_request = true;
        p->request_milli = req < 0 ? 0 : req;
        if (!b || v[i]->deletion_time >= 0 || b->phase == KS_PHASE_FAILED) {
            p->ignored = true;
            continue;
        }
        if (b->phase == KS_PHASE_PENDING) {
            p->unready = true;
            continue;
        }
        ks_pod_metric m;
        if (!c->usage || !ks_usage_pod_metric(c->usage, v[i], now, &m))
            continue; /* missing */
        p->has_metric = true;
        p->usage_milli = m.usage_milli;
        p->unready = cpu_unready(c, v[i], &m, now);
    }
    free(v);
    *n_out = (int)n;
    return pods;
}

/* setStatus + updateStatusIfNeeded. */
static void write_status(ks_hpa_controller *c, uint64_t uid,
                         const ks_hpa_body *want)
{
    ks_hpa_body *b = ks_store_body(c->store, uid);
    if (!b || (b->current_replicas == want->current_replicas &&
               b->desired_replicas == want->desired_replicas &&
               b->last_scale_time == want->last_scale_time &&
               b->current_utilization == want->current_utilization &&
               b->scaling_active == want->scaling_active))
        return;
    ks_hpa_body old = *b;
    take_token(c);
    b->current_replicas = want->current_replicas;
    b->desired_replicas = want->desired_replicas;
    b->last_scale_time = want->last_scale_time;
    b->current_utilization = want->current_utilization;
    b->scaling_active = want->scaling_active;
    if (ks_store_touch(c->store, uid) == 0) {
        c->stats.status_writes++;
        return;
    }
    c->stats.write_errors++;
    *b = old; /* the write did not happen */
}

/* reconcileKey + reconcileAutoscaler.  Returns 0 when the HPA is gone
 * (its state dropped), 1 otherwise. */
static int sync_hpa(ks_hpa_controller *c, hpa_state *st)
{
    ks_time now = ks_engine_now(c->engine);
    uint64_t uid = st->uid;
    const ks_object *o = ks_store_get(c->store, uid);
    if (!o || o->kind != KS_KIND_HPA || !o->body) {
        c->stats.syncs++;
        state_drop(c, uid);
        return 0;
    }
    if (c->cfg.qps >= 0) {
        int need = CALLS_PER_SYNC < c->cfg.burst ? CALLS_PER_SYNC
                                                 : c->cfg.burst;
        ks_time at = tokens_due(&c->bucket, now, need);
        if (at > now) {
            /* the worker waits for the client's tokens */
            c->stats.throttled++;
            st->due = at;
            return 1;
        }
    }
    c->stats.syncs++;
    const ks_hpa_body *hb = o->body;
    ks_hpa_body want = *hb;
    ks_hpa_sync_info info = {0, 0, -1, 0, 0};
    scale_view sv;
    take_token(c); /* GET scale */
    int rc = get_scale(c, o, hb, &sv);
    if (rc != KS_OK) {
        /* FailedGetScale: AbleToScale false, nothing else changes */
        c->stats.target_errors++;
        info.error = rc;
        goto done;
    }
    if (!st->h || st->generation != o->generation) {
        ks_hpa_spec spec;
        spec_of(c, hb, &spec);
        ks_hpa_destroy(st->h);
        st->h = ks_hpa_create(&spec, NULL);
        st->generation = o->generation;
    }
    int32_t current = sv.replicas;
    info.current = current;
    want.current_replicas = current;
    if (!st->h) { /* an invalid spec: the API would have refused it */
        c->stats.metric_errors++;
        info.error = KS_EINVAL;
        info.desired = current;
        want.current_utilization = -1;
        want.scaling_active = 0;
        goto done;
    }
    int n = 0;
    bool no_request = false;
    ks_hpa_pod *pods =
        pods_of(c, o->namespace_name, sv.selector, now, &n, &no_request);
    /* calculatePodRequests fails only on the metrics path: with no pods
     * given, ks_hpa_reconcile errs exactly there too. */
    int32_t desired = current, util = -1;
    rc = ks_hpa_reconcile(st->h, current, pods, no_request ? 0 : n, now,
                          &desired, &util, NULL);
    free(pods);
    if (rc != KS_OK) {
        /* computeReplicasForMetrics failed: setCurrentReplicasInStatus */
        c->stats.metric_errors++;
        info.error = rc;
        info.desired = current;
        want.current_utilization = -1;
        want.scaling_active = 0;
        goto done;
    }
    info.utilization = util;
    want.current_utilization = util;
    if (util >= 0)
        want.scaling_active = 1; /* ValidMetricFound */
    else if (current == 0 && hb->min_replicas != 0)
        want.scaling_active = 0; /* ScalingDisabled */
    info.desired = current;
    if (desired != current) {
        take_token(c); /* UPDATE scale */
        if (update_scale(c, &sv, desired) == 0) {
            c->stats.rescales++;
            info.rescaled = 1;
            info.desired = desired;
            want.desired_replicas = desired;
            want.last_scale_time = now;
        } else {
            /* FailedUpdateScale: only currentReplicas in the status */
            c->stats.write_errors++;
            info.error = KS_ECONFLICT;
            want.current_utilization = hb->current_utilization;
            want.scaling_active = hb->scaling_active;
            goto done;
        }
    } else {
        want.desired_replicas = current;
    }
done:
    write_status(c, uid, &want);
    add_rate_limited(c, st); /* processNextWorkItem */
    if (c->hook)
        c->hook(c->hook_ctx, uid, now, &info);
    return 1;
}

static void on_worker(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_hpa_controller *c = ctx;
    ks_time now = ks_engine_now(e);
    c->worker_at = KS_TIME_NEVER;
    for (;;) {
        hpa_state *next = NULL;
        for (size_t i = 0; i < c->nstates; i++)
            if (c->states[i]->due <= now &&
                (!next || c->states[i]->due < next->due))
                next = c->states[i];
        if (!next)
            break;
        next->due = KS_TIME_NEVER;
        sync_hpa(c, next);
    }
    kick(c);
}

/* ---- lifecycle ---------------------------------------------------------- */

ks_hpa_controller *ks_hpa_controller_create(ks_engine *engine,
                                            ks_store *store, ks_usage *usage,
                                            const ks_hpa_controller_config *cfg)
{
    ks_hpa_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = engine;
    c->store = store;
    c->usage = usage;
    c->cfg = cfg ? *cfg : ks_hpa_controller_default_config();
    if (c->cfg.sync_period <= 0)
        c->cfg.sync_period = KS_HPA_SYNC_PERIOD;
    if (c->cfg.downscale_window < 0)
        c->cfg.downscale_window = KS_HPA_DOWNSCALE_STABILIZATION;
    if (c->cfg.tolerance < 0)
        c->cfg.tolerance = KS_HPA_TOLERANCE;
    if (c->cfg.qps == 0)
        c->cfg.qps = 20;
    if (c->cfg.burst <= 0)
        c->cfg.burst = 30;
    if (c->cfg.qps > 0)
        ks_token_bucket_init(&c->bucket, c->cfg.qps, c->cfg.burst,
                             ks_engine_now(engine));
    c->worker_at = KS_TIME_NEVER;
    c->watch_hpa = ks_store_watch(store, KS_KIND_HPA, NULL, NULL,
                                  c->cfg.informer_delay, on_hpa_event, c);
    c->watch_pod = ks_store_watch(store, KS_KIND_POD, NULL, NULL,
                                  c->cfg.informer_delay, on_pod_event, c);
    return c;
}

void ks_hpa_controller_destroy(ks_hpa_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watch_hpa);
    ks_store_unwatch(c->store, c->watch_pod);
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    for (size_t i = 0; i < c->nstates; i++) {
        ks_hpa_destroy(c->states[i]->h);
        free(c->states[i]);
    }
    free(c->states);
    free(c->pods);
    free(c);
}

void ks_hpa_controller_set_hook(ks_hpa_controller *c, ks_hpa_sync_hook fn,
                                void *ctx)
{
    c->hook = fn;
    c->hook_ctx = ctx;
}

size_t ks_hpa_controller_tracked(const ks_hpa_controller *c)
{
    return c->nstates;
}

const ks_hpa_controller_stats *ks_hpa_controller_get_stats(
    const ks_hpa_controller *c)
{
    return &c->stats;
}
