/* rs_controller.c - the ReplicaSet controller on the store (see
 * rs_controller.h).
 *
 * Upstream re-implemented (kubernetes/kubernetes, pkg/controller/replicaset/
 * replica_set.go, the copy read for replicaset.c): addPod / updatePod /
 * deletePod (owner resolution, expectations observed, the minReadySeconds
 * requeue), syncReplicaSet (expectations gate, manageReplicas only when not
 * deleting, calculateStatus from the listed active pods, the AddAfter when
 * all are ready but not all available), manageReplicas (slowStartBatch,
 * skipped creates lower the expectations, failed deletes are observed).
 */
#include "sim/controllers/rs_controller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/ratelimit.h"
#include "sim/controllers/replicaset.h"
#include "sim/kinds.h"
#include "sim/workqueue.h"
#include "sim/xalloc.h"

typedef struct rs_exp {
    uint64_t rs;
    ks_expectations e;
} rs_exp;

struct ks_rs_controller {
    ks_engine *engine;
    ks_store *store;
    ks_rs_controller_config cfg;
    ks_workqueue *queue;
    ks_token_bucket bucket;
    int watch_rs, watch_pod;
    ks_event_id worker_ev;
    ks_time worker_at; /* KS_TIME_NEVER when no worker event is pending */
    /* The workers wait for the client's rate limiter until then: client-go
     * blocks them in the limiter's Wait, so a throttled sync holds the
     * queue up instead of every queued key failing for a token. */
    ks_time blocked_until;
    uint64_t *owners; /* [pod uid - 1]: its ReplicaSet, 0 = none */
    size_t cap_owners;
    rs_exp *exps; /* sorted by rs uid */
    size_t nexps, cap_exps;
    uint64_t name_counter;
    ks_rs_controller_stats stats;
};

/* ---- small sorted maps -------------------------------------------------- */

/* Pods' ReplicaSet owners by pod uid (uids are dense and never reused):
 * O(1) per pod event however many pods there are. */
static void owner_set(ks_rs_controller *c, uint64_t uid, uint64_t owner)
{
    if (uid > c->cap_owners) {
        size_t old = c->cap_owners;
        c->owners = ks_xgrow(c->owners, &c->cap_owners, (size_t)uid,
                             sizeof *c->owners);
        memset(c->owners + old, 0, (c->cap_owners - old) * sizeof *c->owners);
    }
    c->owners[uid - 1] = owner;
}

/* Forgets uid; returns its owner (0 if unknown). */
static uint64_t owner_take(ks_rs_controller *c, uint64_t uid)
{
    if (uid == 0 || uid > c->cap_owners)
        return 0;
    uint64_t owner = c->owners[uid - 1];
    c->owners[uid - 1] = 0;
    return owner;
}

static ks_expectations *exp_of(ks_rs_controller *c, uint64_t rs, int create)
{
    size_t lo = 0, hi = c->nexps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->exps[mid].rs < rs)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nexps && c->exps[lo].rs == rs)
        return &c->exps[lo].e;
    if (!create)
        return NULL;
    c->exps = ks_xgrow(c->exps, &c->cap_exps, c->nexps + 1, sizeof *c->exps);
    memmove(&c->exps[lo + 1], &c->exps[lo],
            (c->nexps - lo) * sizeof *c->exps);
    memset(&c->exps[lo], 0, sizeof c->exps[lo]);
    c->exps[lo].rs = rs;
    c->nexps++;
    return &c->exps[lo].e;
}

/* DeleteExpectations. */
static void exp_drop(ks_rs_controller *c, uint64_t rs)
{
    ks_expectations *e = exp_of(c, rs, 0);
    if (!e)
        return;
    ks_expectations_clear(e);
    size_t i = (size_t)((rs_exp *)(void *)e - c->exps);
    memmove(&c->exps[i], &c->exps[i + 1], (c->nexps - i - 1) * sizeof *c->exps);
    c->nexps--;
}

/* ---- worker scheduling -------------------------------------------------- */

static void on_worker(ks_engine *e, void *ctx, uint64_t arg);

/* Makes sure a worker event is pending for the earliest due key. */
static void kick(ks_rs_controller *c)
{
    ks_time now = ks_engine_now(c->engine);
    ks_time at = ks_workqueue_len(c->queue) ? now
                                            : ks_workqueue_next_ready(c->queue);
    if (at != KS_TIME_NEVER && at < c->blocked_until)
        at = c->blocked_until;
    if (at == KS_TIME_NEVER || at >= c->worker_at)
        return;
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    c->worker_at = at < now ? now : at;
    c->worker_ev = ks_engine_at(c->engine, c->worker_at, on_worker, c, 0);
}

static void enqueue(ks_rs_controller *c, uint64_t rs)
{
    ks_workqueue_add(c->queue, rs);
    kick(c);
}

static void enqueue_at(ks_rs_controller *c, uint64_t rs, ks_time at)
{
    ks_workqueue_add_after(c->queue, rs, at);
    kick(c);
}

/* ---- informers ---------------------------------------------------------- */

/* The uid of o's controller owner of the given kind, 0 if none. */
static uint64_t controller_of(const ks_object *o, ks_kind kind)
{
    for (size_t i = 0; o && i < o->nowners; i++)
        if (o->owners[i].controller && o->owners[i].kind == kind)
            return o->owners[i].uid;
    return 0;
}

/* The uid of o's controller owner of any kind, 0 if none. */
static uint64_t controller_any(const ks_object *o)
{
    for (size_t i = 0; o && i < o->nowners; i++)
        if (o->owners[i].controller)
            return o->owners[i].uid;
    return 0;
}

static void on_rs_event(void *ctx, const ks_watch_event *ev)
{
    ks_rs_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED)
        exp_drop(c, ev->uid);
    enqueue(c, ev->uid);
}

static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_rs_controller *c = ctx;
    uint64_t rs;
    if (ev->type == KS_WATCH_DELETED) {
        rs = owner_take(c, ev->uid);
        if (!rs)
            return;
        ks_expectations *e = exp_of(c, rs, 0);
        if (e)
            ks_expectations_deletion_observed_uid(e, ev->uid);
        enqueue(c, rs);
        return;
    }
    if (!ev->obj) /* deleted meanwhile: its DELETED event follows */
        return;
    rs = controller_of(ev->obj, KS_KIND_REPLICASET);
    if (!rs) {
        owner_take(c, ev->uid); /* released (orphaned) */
        return;
    }
    if (ev->type == KS_WATCH_ADDED) {
        owner_set(c, ev->uid, rs);
        ks_expectations *e = exp_of(c, rs, 0);
        if (e)
            ks_expectations_creation_observed(e);
    } else {
        owner_set(c, ev->uid, rs);
        /* updatePod: a pod that is ready requeues the RS once it can have
         * become available. */
        const ks_pod_body *pb = ev->obj->body;
        const ks_object *ro = ks_store_get(c->store, rs);
        const ks_replicaset_body *rb = ro ? ro->body : NULL;
        if (pb && rb && pb->ready && pb->ready_since >= 0 &&
            rb->min_ready_s > 0) {
            ks_time at = pb->ready_since +
                         ks_rs_available_requeue_delay(rb->min_ready_s);
            if (at > ks_engine_now(c->engine))
                enqueue_at(c, rs, at);
        }
    }
    if (ev->obj->deletion_time >= 0) {
        /* addPod / updatePod: a pod deleted gracefully counts as deleted
         * (deletePod) as soon as it has its deletionTimestamp. */
        ks_expectations *e = exp_of(c, rs, 0);
        if (e)
            ks_expectations_deletion_observed_uid(e, ev->uid);
    }
    enqueue(c, rs);
}

/* ---- client ------------------------------------------------------------- */

/* Takes a write token, or returns 0 (and the time one is due in *retry). */
static int take_token(ks_rs_controller *c, ks_time *retry)
{
    if (c->cfg.qps < 0)
        return 1;
    ks_time now = ks_engine_now(c->engine);
    if (ks_token_bucket_try_accept(&c->bucket, now))
        return 1;
    ks_time t = ks_token_bucket_next_available(&c->bucket, now);
    if (t < *retry)
        *retry = t;
    return 0;
}

/* "<rs>-xxxxx" with upstream's GenerateName alphabet (utilrand). */
static char *pod_name(ks_rs_controller *c, const char *rs_name)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t x = ++c->name_counter * 0x9e3779b97f4a7c15ull;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    char suffix[6];
    for (int i = 0; i < 5; i++) {
        suffix[i] = alphabet[x % 27];
        x /= 27;
    }
    suffix[5] = '\0';
    size_t len = strlen(rs_name) + 7;
    char *name = ks_xmalloc(len);
    snprintf(name, len, "%s-%s", rs_name, suffix);
    return name;
}

/* ---- sync --------------------------------------------------------------- */

typedef struct create_ctx {
    ks_rs_controller *c;
    const ks_object *rs;
    const ks_replicaset_body *body;
    ks_time retry;      /* throttled until (KS_TIME_NEVER: not throttled) */
    int error;          /* a create the store refused */
} create_ctx;

static bool create_one(void *ctx, int attempt)
{
    (void)attempt;
    create_ctx *cc = ctx;
    ks_rs_controller *c = cc->c;
    if (!take_token(c, &cc->retry))
        return false;
    ks_owner_ref owner = {cc->rs->uid, KS_KIND_REPLICASET, 1, 1};
    for (int tries = 0; tries < 8; tries++) {
        char *name = pod_name(c, cc->rs->name);
        ks_object_spec spec = {KS_KIND_POD, cc->rs->namespace_name, name,
                               &cc->body->template.labels, &owner, 1, NULL,
                               ks_pod_body_new(&cc->body->template)};
        int rc = ks_store_create_object(c->store, &spec, NULL);
        free(name);
        if (rc == 0) {
            c->stats.pods_created++;
            return true;
        }
        if (rc != KS_EEXIST)
            break;
    }
    cc->error = 1;
    c->stats.write_errors++;
    return false;
}

static int active_pod(const ks_object *p)
{
    const ks_pod_body *b = p->body;
    return p->deletion_time < 0 &&
           !(b && (b->phase == KS_PHASE_SUCCEEDED ||
                   b->phase == KS_PHASE_FAILED));
}

/* The active pods o controls, in creation order (free() the array). */
static size_t controlled_pods(ks_rs_controller *c, uint64_t rs,
                              const ks_object ***out)
{
    const ks_object **deps;
    size_t n, k = 0;
    ks_store_dependents(c->store, rs, &deps, &n);
    for (size_t i = 0; i < n; i++)
        if (deps[i] && deps[i]->kind == KS_KIND_POD &&
            controller_of(deps[i], KS_KIND_REPLICASET) == rs &&
            active_pod(deps[i]))
            deps[k++] = deps[i];
    *out = deps;
    return k;
}

/* Node names as small ints for the ranking (only equality matters),
 * through a hash of the names: a scale-down ranks pods over as many nodes
 * as the ReplicaSets have pods. */
typedef struct node_table {
    const char **v; /* by id */
    size_t n, cap;
    int *slots;     /* open addressing: id + 1, 0 = empty */
    size_t nslots;
} node_table;

static size_t name_slot(const node_table *t, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    size_t mask = t->nslots - 1;
    size_t i = (size_t)h & mask;
    while (t->slots[i] && strcmp(t->v[t->slots[i] - 1], name) != 0)
        i = (i + 1) & mask;
    return i;
}

static void node_table_grow(node_table *t)
{
    free(t->slots);
    t->nslots = t->nslots ? t->nslots * 2 : 64;
    t->slots = ks_xcalloc(t->nslots, sizeof *t->slots);
    for (size_t id = 0; id < t->n; id++)
        t->slots[name_slot(t, t->v[id])] = (int)id + 1;
}

static int node_id(node_table *t, const char *name)
{
    if (!name)
        return -1;
    if ((t->n + 1) * 2 > t->nslots)
        node_table_grow(t);
    size_t i = name_slot(t, name);
    if (t->slots[i])
        return t->slots[i] - 1;
    t->v = ks_xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
    t->v[t->n] = name;
    t->slots[i] = (int)t->n + 1;
    return (int)t->n++;
}

static ks_rs_phase rs_phase(ks_phase p)
{
    switch (p) {
    case KS_PHASE_RUNNING: return KS_RS_RUNNING;
    case KS_PHASE_SUCCEEDED: return KS_RS_SUCCEEDED;
    case KS_PHASE_FAILED: return KS_RS_FAILED;
    default: return KS_RS_PENDING;
    }
}

/* The node ids of the active pods of every ReplicaSet sharing rs's
 * controller owner (only rs's own when it has none): getIndirectlyRelated
 * Pods. */
static size_t related_nodes(ks_rs_controller *c, const ks_object *rs,
                            node_table *t, int **out)
{
    uint64_t owner = controller_any(rs);
    const ks_object **sibs = NULL;
    size_t nsibs = 0;
    if (owner) {
        ks_store_dependents(c->store, owner, &sibs, &nsibs);
    } else {
        sibs = ks_xmalloc(sizeof *sibs);
        sibs[0] = rs;
        nsibs = 1;
    }
    int *nodes = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < nsibs; i++) {
        if (!sibs[i] || sibs[i]->kind != KS_KIND_REPLICASET)
            continue;
        const ks_object **pods;
        size_t np = controlled_pods(c, sibs[i]->uid, &pods);
        nodes = ks_xgrow(nodes, &cap, n + np + 1, sizeof *nodes);
        for (size_t k = 0; k < np; k++)
            nodes[n++] = node_id(t, pods[k]->node_name);
        free(pods);
    }
    free(sibs);
    *out = nodes;
    return n;
}

/* Deletes -diff pods by the upstream ranking. */
static void delete_pods(ks_rs_controller *c, const ks_object *rs,
                        const ks_object **pods, size_t n, size_t diff,
                        ks_expectations *e, ks_time *retry, int *error)
{
    ks_time now = ks_engine_now(c->engine);
    node_table names = {0};
    int *rel = NULL;
    size_t nrel = related_nodes(c, rs, &names, &rel);
    ks_rs_pod *rp = ks_xcalloc(n, sizeof *rp);
    char (*uids)[24] = ks_xcalloc(n, sizeof *uids);
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *b = pods[i]->body;
        snprintf(uids[i], sizeof uids[i], "%020llu",
                 (unsigned long long)pods[i]->uid);
        rp[i] = (ks_rs_pod){
            .node = node_id(&names, pods[i]->node_name),
            .phase = b ? rs_phase(b->phase) : KS_RS_PENDING,
            .ready = b && b->ready,
            .ready_since = b && b->ready_since >= 0 ? b->ready_since
                                                    : KS_TIME_UNSET,
            .restarts = b ? b->restarts : 0,
            .created = pods[i]->created,
            .uid = uids[i]};
    }
    ks_rs_rank_by_node(rp, n, rel, nrel);
    size_t *idx = ks_xcalloc(n + 1, sizeof *idx);
    size_t k = ks_rs_pods_to_delete(rp, n, diff, now, idx);
    uint64_t *victims = ks_xcalloc(k + 1, sizeof *victims);
    for (size_t i = 0; i < k; i++)
        victims[i] = pods[idx[i]]->uid;
    ks_expectations_expect_deletions(e, victims, k, now);
    for (size_t i = 0; i < k; i++) {
        int rc = take_token(c, retry) ? 0 : 1;
        if (rc == 0) {
            rc = ks_store_delete_graceful(c->store, victims[i],
                                          KS_PROPAGATE_BACKGROUND,
                                          KS_GRACE_DEFAULT);
            if (rc == 0) {
                c->stats.pods_deleted++;
                continue;
            }
            c->stats.write_errors++;
            *error = 1;
        }
        /* not deleted: upstream observes the failed deletion */
        ks_expectations_deletion_observed_uid(e, victims[i]);
    }
    free(victims);
    free(idx);
    free(uids);
    free(rp);
    free(rel);
    free(names.v);
    free(names.slots);
}

static void sync_rs(ks_rs_controller *c, uint64_t uid)
{
    ks_time now = ks_engine_now(c->engine);
    const ks_object *rs = ks_store_get(c->store, uid);
    c->stats.syncs++;
    if (!rs || rs->kind != KS_KIND_REPLICASET) {
        exp_drop(c, uid);
        return;
    }
    const ks_replicaset_body *body = rs->body;
    const ks_object **pods;
    size_t n = controlled_pods(c, uid, &pods);
    ks_time retry = KS_TIME_NEVER;
    int error = 0;
    ks_expectations *e = exp_of(c, uid, 1);

    /* status from the pods listed before manageReplicas (calculateStatus) */
    int32_t ready = 0, available = 0;
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *b = pods[i]->body;
        if (b && b->ready) {
            ready++;
            if (ks_pod_available(true, b->ready_since, body->min_ready_s,
                                 now))
                available++;
        }
    }
    int32_t nactive = (int32_t)n;

    if (ks_expectations_satisfied(e, now) && rs->deletion_time < 0) {
        int diff = ks_rs_manage_diff((int)n, body->replicas,
                                     c->cfg.burst_replicas);
        if (diff > 0) {
            ks_expectations_expect_creations(e, diff, now);
            create_ctx cc = {c, rs, body, KS_TIME_NEVER, 0};
            int batches[64];
            ks_rs_slow_start_result r =
                ks_rs_slow_start(diff, KS_RS_SLOW_START_INITIAL_BATCH,
                                 create_one, &cc, batches);
            if (r.skipped > 0)
                ks_expectations_lower(e, r.skipped, 0);
            c->stats.last_nbatches = r.n_batches < 16 ? r.n_batches : 16;
            memcpy(c->stats.last_batches, batches,
                   (size_t)c->stats.last_nbatches * sizeof *batches);
            retry = cc.retry;
            error = cc.error;
        } else if (diff < 0) {
            delete_pods(c, rs, pods, n, (size_t)-diff, e, &retry, &error);
        }
    }
    free(pods);

    /* The sync wrote pods only, so rs (and its body) are still valid. */
    ks_replicaset_body *sb = ks_store_body(c->store, uid);
    if (sb && (sb->status_replicas != nactive || sb->ready_replicas != ready ||
               sb->available_replicas != available ||
               sb->observed_generation != rs->generation)) {
        if (take_token(c, &retry)) {
            sb->status_replicas = nactive;
            sb->ready_replicas = ready;
            sb->available_replicas = available;
            sb->observed_generation = rs->generation;
            if (ks_store_touch(c->store, uid) == 0) {
                c->stats.status_writes++;
            } else {
                c->stats.write_errors++;
                error = 1;
            }
        }
    }
    if (sb && !error && retry == KS_TIME_NEVER && sb->min_ready_s > 0 &&
        ready == sb->replicas && available != sb->replicas)
        enqueue_at(c, uid, now + (ks_time)sb->min_ready_s * KS_SECOND);
    if (retry != KS_TIME_NEVER) {
        c->stats.throttled++;
        c->blocked_until = retry;
        enqueue_at(c, uid, retry);
    } else if (error) {
        ks_workqueue_add_rate_limited(c->queue, uid, now);
    } else {
        ks_workqueue_forget(c->queue, uid);
    }
}

static void on_worker(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_rs_controller *c = ctx;
    c->worker_at = KS_TIME_NEVER;
    uint64_t key = ks_workqueue_get(c->queue, ks_engine_now(e));
    if (key) {
        sync_rs(c, key);
        ks_workqueue_done(c->queue, key);
    }
    kick(c);
}

/* ---- lifecycle ---------------------------------------------------------- */

ks_rs_controller *ks_rs_controller_create(ks_engine *engine, ks_store *store,
                                          const ks_rs_controller_config *cfg)
{
    ks_rs_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = engine;
    c->store = store;
    if (cfg)
        c->cfg = *cfg;
    if (c->cfg.qps == 0)
        c->cfg.qps = 20;
    if (c->cfg.burst <= 0)
        c->cfg.burst = 30;
    if (c->cfg.burst_replicas <= 0)
        c->cfg.burst_replicas = KS_RS_BURST_REPLICAS;
    if (c->cfg.qps > 0)
        ks_token_bucket_init(&c->bucket, c->cfg.qps, c->cfg.burst,
                             ks_engine_now(engine));
    ks_workqueue_config qc = ks_workqueue_default_config();
    c->queue = ks_workqueue_create(&qc);
    c->worker_at = KS_TIME_NEVER;
    c->watch_rs = ks_store_watch(store, KS_KIND_REPLICASET, NULL, NULL,
                                 c->cfg.informer_delay, on_rs_event, c);
    c->watch_pod = ks_store_watch(store, KS_KIND_POD, NULL, NULL,
                                  c->cfg.informer_delay, on_pod_event, c);
    return c;
}

void ks_rs_controller_destroy(ks_rs_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watch_rs);
    ks_store_unwatch(c->store, c->watch_pod);
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    for (size_t i = 0; i < c->nexps; i++)
        ks_expectations_clear(&c->exps[i].e);
    free(c->exps);
    free(c->owners);
    ks_workqueue_destroy(c->queue);
    free(c);
}

const ks_rs_controller_stats *ks_rs_controller_get_stats(
    const ks_rs_controller *c)
{
    return &c->stats;
}
