/* daemonset_controller.c - the DaemonSet controller on the store (see
 * daemonset_controller.h).
 *
 * Upstream re-implemented (kubernetes/kubernetes, never copied):
 *   - pkg/controller/daemon/daemon_controller.go (0033f658085b; a newer
 *     copy for shouldIgnoreNodeUpdate on labels and taints only): addPod,
 *     updatePod, deletePod, addNode, updateNode, syncDaemonSet,
 *     updateDaemonSet, manage, podsShouldBeOnNode, syncNodes
 *     (expectations, burstReplicas 250, slow start),
 *     updateDaemonSetStatus / storeDaemonSetStatus, NodeShouldRunDaemonPod
 *     / predicates / NewPod, podByCreationTimestampAndPhase,
 *     failedPodsBackoffKey;
 *   - pkg/controller/daemon/update.go (a recent copy, with context and
 *     logger arguments): rollingUpdate (both the maxSurge == 0 and the
 *     surge paths), findUpdatedPodsOnNode, updatedDesiredNodeCounts;
 *   - pkg/controller/daemon/util/daemonset_util.go (05c351a9037b):
 *     AddOrUpdateDaemonPodTolerations, CreatePodTemplate, AllowsSurge,
 *     SurgeCount, UnavailableCount, IsPodUpdated;
 *   - pkg/apis/core/v1/helper AddOrUpdateTolerationInPodSpec and
 *     Toleration.MatchToleration;
 *   - staging/src/k8s.io/client-go/util/flowcontrol/backoff.go
 *     (5667ebd4f65e): Next, IsInBackOffSinceUpdate, hasExpired, for the
 *     failed-pods back-off (NewBackOff(1 s, 15 min) in
 *     kube-controller-manager's startDaemonSetController);
 *   - pkg/controller/podgc/gc_controller.go (003e86297d18): gcOrphaned's
 *     40 s quarantine, for the deleted-node stand-in.
 */
#include "sim/controllers/daemonset_controller.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/deployment.h"
#include "sim/controllers/ratelimit.h"
#include "sim/controllers/replicaset.h"
#include "sim/workqueue.h"
#include "sim/xalloc.h"

/* apps/v1 DefaultDaemonSetUniqueLabelKey. */
#define HASH_LABEL "controller-revision-hash"
#define HOSTNAME_LABEL "kubernetes.io/hostname"

/* ---- controller state ----------------------------------------------------- */

/* The pod informer's cache: pod uid -> controller DaemonSet, last Ready. */
typedef struct pod_entry {
    uint64_t uid, ds;
    int ready;
} pod_entry;

/* The node informer's cache: the last labels and taints seen. */
typedef struct node_entry {
    uint64_t uid;
    char *name;
    ks_labels labels;
    ks_taint *taints;
    size_t ntaints;
} node_entry;

typedef struct ds_exp {
    uint64_t ds;
    ks_expectations e;
} ds_exp;

/* failedPodsBackoff entry, keyed "<ds uid>/<observedGeneration>/<node>". */
typedef struct backoff_entry {
    uint64_t ds, generation;
    char *node;
    ks_time backoff, last_update;
} backoff_entry;

/* A deleted node waiting for the pod GC stand-in. */
typedef struct orphan_node {
    char *name;
    ks_time due;
} orphan_node;

struct ks_daemonset_controller {
    ks_engine *engine;
    ks_store *store;
    ks_daemonset_controller_config cfg;
    ks_workqueue *queue;
    ks_token_bucket bucket;
    int watch_ds, watch_pod, watch_node;
    ks_event_id worker_ev;
    ks_time worker_at; /* KS_TIME_NEVER when no worker event is pending */
    /* The workers wait for the client's rate limiter until then (client-go
     * blocks them in the limiter's Wait): a throttled sync holds the queue
     * instead of every queued key failing for a token. */
    ks_time blocked_until;
    ks_event_id gc_ev;
    ks_time gc_at;     /* KS_TIME_NEVER when no GC event is pending */
    pod_entry *pods;   /* sorted by uid */
    size_t npods, cap_pods;
    node_entry *nodes; /* sorted by uid */
    size_t nnodes, cap_nodes;
    ds_exp *exps;      /* sorted by ds uid */
    size_t nexps, cap_exps;
    backoff_entry *backoffs;
    size_t nbackoffs, cap_backoffs;
    orphan_node *orphans;
    size_t norphans, cap_orphans;
    uint64_t name_counter;
    ks_daemonset_controller_stats stats;
};

/* ---- small sorted maps ------------------------------------------------------ */

static size_t pod_find(const ks_daemonset_controller *c, uint64_t uid)
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

static pod_entry *pod_get(ks_daemonset_controller *c, uint64_t uid)
{
    size_t i = pod_find(c, uid);
    return i < c->npods && c->pods[i].uid == uid ? &c->pods[i] : NULL;
}

static pod_entry *pod_put(ks_daemonset_controller *c, uint64_t uid)
{
    size_t i = pod_find(c, uid);
    if (i < c->npods && c->pods[i].uid == uid)
        return &c->pods[i];
    c->pods = ks_xgrow(c->pods, &c->cap_pods, c->npods + 1, sizeof *c->pods);
    memmove(&c->pods[i + 1], &c->pods[i], (c->npods - i) * sizeof *c->pods);
    c->pods[i] = (pod_entry){uid, 0, 0};
    c->npods++;
    return &c->pods[i];
}

/* Removes uid; returns its DaemonSet (0 if unknown). */
static uint64_t pod_take(ks_daemonset_controller *c, uint64_t uid)
{
    size_t i = pod_find(c, uid);
    if (i >= c->npods || c->pods[i].uid != uid)
        return 0;
    uint64_t ds = c->pods[i].ds;
    memmove(&c->pods[i], &c->pods[i + 1],
            (c->npods - i - 1) * sizeof *c->pods);
    c->npods--;
    return ds;
}

static size_t node_find(const ks_daemonset_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->nodes[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void node_entry_clear(node_entry *n)
{
    free(n->name);
    ks_labels_free(&n->labels);
    for (size_t i = 0; i < n->ntaints; i++)
        ks_taint_free(&n->taints[i]);
    free(n->taints);
    memset(n, 0, sizeof *n);
}

static void labels_copy(ks_labels *dst, const ks_labels *src)
{
    *dst = (ks_labels){0};
    for (size_t i = 0; i < src->n; i++)
        ks_labels_set(dst, src->items[i].key, src->items[i].value);
}

static char *dup_or_null(const char *s)
{
    return s ? ks_xstrdup(s) : NULL;
}

/* Caches what the node informer keeps of o (labels and taints). */
static void node_entry_fill(node_entry *n, const ks_object *o)
{
    const ks_node_body *b = o->body;
    uint64_t uid = o->uid;
    node_entry_clear(n);
    n->uid = uid;
    n->name = ks_xstrdup(o->name);
    labels_copy(&n->labels, &o->labels);
    n->ntaints = b ? b->ntaints : 0;
    n->taints = n->ntaints ? ks_xcalloc(n->ntaints, sizeof *n->taints) : NULL;
    for (size_t i = 0; i < n->ntaints; i++)
        n->taints[i] = (ks_taint){ks_xstrdup(b->taints[i].key),
                                  dup_or_null(b->taints[i].value),
                                  b->taints[i].effect};
}

static node_entry *node_put(ks_daemonset_controller *c, uint64_t uid)
{
    size_t i = node_find(c, uid);
    if (i < c->nnodes && c->nodes[i].uid == uid)
        return &c->nodes[i];
    c->nodes = ks_xgrow(c->nodes, &c->cap_nodes, c->nnodes + 1,
                        sizeof *c->nodes);
    memmove(&c->nodes[i + 1], &c->nodes[i],
            (c->nnodes - i) * sizeof *c->nodes);
    memset(&c->nodes[i], 0, sizeof c->nodes[i]);
    c->nodes[i].uid = uid;
    c->nnodes++;
    return &c->nodes[i];
}

static ks_expectations *exp_of(ks_daemonset_controller *c, uint64_t ds,
                               int create)
{
    size_t lo = 0, hi = c->nexps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->exps[mid].ds < ds)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nexps && c->exps[lo].ds == ds)
        return &c->exps[lo].e;
    if (!create)
        return NULL;
    c->exps = ks_xgrow(c->exps, &c->cap_exps, c->nexps + 1, sizeof *c->exps);
    memmove(&c->exps[lo + 1], &c->exps[lo],
            (c->nexps - lo) * sizeof *c->exps);
    memset(&c->exps[lo], 0, sizeof c->exps[lo]);
    c->exps[lo].ds = ds;
    c->nexps++;
    return &c->exps[lo].e;
}

/* DeleteExpectations. */
static void exp_drop(ks_daemonset_controller *c, uint64_t ds)
{
    ks_expectations *e = exp_of(c, ds, 0);
    if (!e)
        return;
    ks_expectations_clear(e);
    size_t i = (size_t)((ds_exp *)(void *)e - c->exps);
    memmove(&c->exps[i], &c->exps[i + 1],
            (c->nexps - i - 1) * sizeof *c->exps);
    c->nexps--;
}

/* ---- worker scheduling ------------------------------------------------------ */

static void on_worker(ks_engine *e, void *ctx, uint64_t arg);

/* Makes sure a worker event is pending for the earliest due key. */
static void kick(ks_daemonset_controller *c)
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

static void enqueue(ks_daemonset_controller *c, uint64_t ds)
{
    ks_workqueue_add(c->queue, ds);
    kick(c);
}

static void enqueue_at(ks_daemonset_controller *c, uint64_t ds, ks_time at)
{
    ks_workqueue_add_after(c->queue, ds, at);
    kick(c);
}

/* ---- nodeShouldRunDaemonPod --------------------------------------------------- */

/* What the predicates read of a node: the store's object or the cache. */
typedef struct node_view {
    const char *name;
    const ks_labels *labels;
    const ks_taint *taints;
    size_t ntaints;
} node_view;

static node_view view_of_object(const ks_object *o)
{
    const ks_node_body *b = o->body;
    return (node_view){o->name, &o->labels, b ? b->taints : NULL,
                       b ? b->ntaints : 0};
}

static int str_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Toleration.MatchToleration: key, operator, value and effect equal. */
static int tol_match(const ks_toleration *a, const ks_toleration *b)
{
    return str_eq(a->key, b->key) && a->op == b->op &&
           str_eq(a->value, b->value) && a->effect == b->effect;
}

/* Semantic.DeepEqual of two tolerations. */
static int tol_equal(const ks_toleration *a, const ks_toleration *b)
{
    return tol_match(a, b) && a->has_seconds == b->has_seconds &&
           (!a->has_seconds || a->toleration_seconds == b->toleration_seconds);
}

typedef struct tol_list {
    ks_toleration *v; /* strings borrowed */
    size_t n, cap;
} tol_list;

/* AddOrUpdateTolerationInPodSpec: nothing changes when a matching
 * toleration is already equal; else every matching one becomes t, or t is
 * appended when none matches. */
static void add_or_update(tol_list *l, const ks_toleration *t)
{
    int matched = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!tol_match(&l->v[i], t))
            continue;
        if (tol_equal(&l->v[i], t))
            return;
        matched = 1;
    }
    if (matched) {
        for (size_t i = 0; i < l->n; i++)
            if (tol_match(&l->v[i], t))
                l->v[i] = *t;
        return;
    }
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = *t;
}

/* AddOrUpdateDaemonPodTolerations, in its order (the last only with
 * hostNetwork). */
static const struct {
    const char *key;
    ks_taint_effect effect;
} daemon_tolerations[] = {
    {"node.kubernetes.io/not-ready", KS_EFFECT_NO_EXECUTE},
    {"node.kubernetes.io/unreachable", KS_EFFECT_NO_EXECUTE},
    {"node.kubernetes.io/disk-pressure", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/memory-pressure", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/pid-pressure", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/unschedulable", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/network-unavailable", KS_EFFECT_NO_SCHEDULE},
};
#define NDAEMON_TOLERATIONS                                                    \
    (sizeof daemon_tolerations / sizeof daemon_tolerations[0])

/* The daemon pod's tolerations (NewPod / CreatePodTemplate): the
 * template's plus the daemon ones; strings borrowed (free l->v only). */
static void pod_tolerations(const ks_daemonset_body *b, tol_list *l)
{
    *l = (tol_list){0};
    for (size_t i = 0; i < b->template.ntolerations; i++) {
        l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
        l->v[l->n++] = b->template.tolerations[i];
    }
    size_t n = NDAEMON_TOLERATIONS - (b->host_network ? 0 : 1);
    for (size_t i = 0; i < n; i++) {
        const ks_toleration t = {.key = (char *)daemon_tolerations[i].key,
                                 .op = KS_TOLERATION_EXISTS,
                                 .effect = daemon_tolerations[i].effect};
        add_or_update(l, &t);
    }
}

/* The value of key on the node, with the hostname label every kubelet
 * sets when the object has none. */
static const char *node_label(const node_view *n, const char *key)
{
    const char *v = ks_labels_get(n->labels, key);
    if (!v && strcmp(key, HOSTNAME_LABEL) == 0)
        v = n->name;
    return v;
}

/* GetRequiredNodeAffinity(pod).Match(node): nodeSelector, then the
 * required terms (parse errors ignored: such a term matches nothing). */
static int fits_node_affinity(const ks_daemonset_body *b, const node_view *n)
{
    for (size_t i = 0; i < b->node_selector.n; i++) {
        const char *v = node_label(n, b->node_selector.items[i].key);
        if (!v || strcmp(v, b->node_selector.items[i].value) != 0)
            return 0;
    }
    if (!b->has_required_affinity)
        return 1;
    if (ks_labels_get(n->labels, HOSTNAME_LABEL))
        return ks_node_selector_matches(&b->required_affinity, n->labels,
                                        n->name);
    ks_labels l;
    labels_copy(&l, n->labels);
    ks_labels_set(&l, HOSTNAME_LABEL, n->name);
    int ok = ks_node_selector_matches(&b->required_affinity, &l, n->name);
    ks_labels_free(&l);
    return ok;
}

/* FindMatchingUntoleratedTaint over the taints whose effect is NoExecute
 * (or NoSchedule too when no_schedule): 1 if one is not tolerated. */
static int untolerated(const node_view *n, const tol_list *tols,
                       int no_schedule)
{
    for (size_t i = 0; i < n->ntaints; i++) {
        const ks_taint *t = &n->taints[i];
        if (t->effect != KS_EFFECT_NO_EXECUTE &&
            !(no_schedule && t->effect == KS_EFFECT_NO_SCHEDULE))
            continue;
        if (!ks_tolerations_tolerate(tols->v, tols->n, t))
            return 1;
    }
    return 0;
}

/* NodeShouldRunDaemonPod with the pod's tolerations already made. */
static void should_run(const ks_daemonset_body *b, const tol_list *tols,
                       const node_view *n, int *run, int *cont)
{
    *run = *cont = 0;
    if (!fits_node_affinity(b, n))
        return;
    if (untolerated(n, tols, 1)) {
        /* scheduled daemon pods stay while they tolerate NoExecute */
        *cont = !untolerated(n, tols, 0);
        return;
    }
    *run = *cont = 1;
}

void ks_daemonset_node_should_run(const ks_daemonset_body *ds,
                                  const ks_object *node, int *run, int *cont)
{
    tol_list tols;
    pod_tolerations(ds, &tols);
    node_view n = view_of_object(node);
    should_run(ds, &tols, &n, run, cont);
    free(tols.v);
}

/* ---- informers ---------------------------------------------------------------- */

/* The uid of o's controller owner when it is a DaemonSet, 0 if none. */
static uint64_t ds_of(const ks_object *o)
{
    for (size_t i = 0; o && i < o->nowners; i++)
        if (o->owners[i].controller)
            return o->owners[i].kind == KS_KIND_DAEMONSET ? o->owners[i].uid
                                                          : 0;
    return 0;
}

static void on_ds_event(void *ctx, const ks_watch_event *ev)
{
    ks_daemonset_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED)
        exp_drop(c, ev->uid);
    enqueue(c, ev->uid);
}

/* deletePod: the deletion is observed and the DaemonSet synced. */
static void pod_gone(ks_daemonset_controller *c, uint64_t uid)
{
    uint64_t ds = pod_take(c, uid);
    if (!ds)
        return;
    ks_expectations *e = exp_of(c, ds, 0);
    if (e)
        ks_expectations_lower(e, 0, 1); /* DeletionObserved */
    enqueue(c, ds);
}

static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_daemonset_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        pod_gone(c, ev->uid);
        return;
    }
    const ks_object *o = ev->obj;
    if (!o) /* deleted meanwhile: its DELETED event follows */
        return;
    if (o->deletion_time >= 0) { /* addPod / updatePod of a deleting pod */
        pod_gone(c, ev->uid);
        return;
    }
    uint64_t ds = ds_of(o);
    if (!ds) {
        pod_take(c, ev->uid); /* no DaemonSet controls it (orphans are not
                                 adopted in this version) */
        return;
    }
    const ks_pod_body *pb = o->body;
    int ready = pb && pb->ready;
    pod_entry *pe = pod_get(c, ev->uid);
    int was_ready = pe ? pe->ready : 0;
    int known = pe != NULL;
    pe = pod_put(c, ev->uid);
    uint64_t old_ds = known ? pe->ds : 0;
    pe->ds = ds;
    pe->ready = ready;
    if (ev->type == KS_WATCH_ADDED || !known) {
        ks_expectations *e = exp_of(c, ds, 0);
        if (e)
            ks_expectations_creation_observed(e);
        enqueue(c, ds);
        return;
    }
    if (old_ds && old_ds != ds)
        enqueue(c, old_ds); /* controllerRef changed */
    enqueue(c, ds);
    const ks_object *dso = ks_store_get(c->store, ds);
    const ks_daemonset_body *db = dso ? dso->body : NULL;
    if (!was_ready && ready && db && db->min_ready_s > 0)
        enqueue_at(c, ds,
                   ks_engine_now(c->engine) +
                       ks_rs_available_requeue_delay(db->min_ready_s));
}

static int same_labels(const ks_labels *a, const ks_labels *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) /* both sorted by key */
        if (strcmp(a->items[i].key, b->items[i].key) != 0 ||
            strcmp(a->items[i].value, b->items[i].value) != 0)
            return 0;
    return 1;
}

static int same_taints(const node_view *a, const node_view *b)
{
    if (a->ntaints != b->ntaints)
        return 0;
    for (size_t i = 0; i < a->ntaints; i++)
        if (!str_eq(a->taints[i].key, b->taints[i].key) ||
            !str_eq(a->taints[i].value, b->taints[i].value) ||
            a->taints[i].effect != b->taints[i].effect)
            return 0;
    return 1;
}

/* addNode (old NULL) or updateNode: queues the DaemonSets that should run
 * on the new node, or whose verdict changed. */
static void node_changed(ks_daemonset_controller *c, const node_view *old,
                         const node_view *cur)
{
    const ks_object **dss;
    size_t n;
    ks_store_list(c->store, KS_KIND_DAEMONSET, NULL, NULL, &dss, &n);
    for (size_t i = 0; i < n; i++) {
        const ks_daemonset_body *b = dss[i]->body;
        if (!b)
            continue;
        tol_list tols;
        pod_tolerations(b, &tols);
        int run, cont;
        should_run(b, &tols, cur, &run, &cont);
        if (!old) {
            if (run)
                enqueue(c, dss[i]->uid);
        } else {
            int orun, ocont;
            should_run(b, &tols, old, &orun, &ocont);
            if (orun != run || ocont != cont)
                enqueue(c, dss[i]->uid);
        }
        free(tols.v);
    }
    free(dss);
}

static void on_gc(ks_engine *e, void *ctx, uint64_t arg);

static void kick_gc(ks_daemonset_controller *c)
{
    ks_time at = KS_TIME_NEVER;
    for (size_t i = 0; i < c->norphans; i++)
        if (c->orphans[i].due < at)
            at = c->orphans[i].due;
    if (at == c->gc_at)
        return;
    if (c->gc_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->gc_ev);
    c->gc_at = at;
    if (at != KS_TIME_NEVER)
        c->gc_ev = ks_engine_at(c->engine, at, on_gc, c, 0);
}

static void on_node_event(void *ctx, const ks_watch_event *ev)
{
    ks_daemonset_controller *c = ctx;
    size_t i = node_find(c, ev->uid);
    node_entry *known =
        i < c->nnodes && c->nodes[i].uid == ev->uid ? &c->nodes[i] : NULL;
    if (ev->type == KS_WATCH_DELETED) {
        if (!known)
            return;
        /* Upstream's DaemonSet controller has no node delete handler; the
         * pod GC's quarantine starts here. */
        if (c->cfg.orphan_gc_delay != KS_TIME_NEVER) {
            c->orphans = ks_xgrow(c->orphans, &c->cap_orphans,
                                  c->norphans + 1, sizeof *c->orphans);
            ks_time due = ks_engine_now(c->engine) + c->cfg.orphan_gc_delay;
            c->orphans[c->norphans++] =
                (orphan_node){ks_xstrdup(known->name), due};
            kick_gc(c);
        }
        node_entry_clear(known);
        memmove(&c->nodes[i], &c->nodes[i + 1],
                (c->nnodes - i - 1) * sizeof *c->nodes);
        c->nnodes--;
        return;
    }
    if (!ev->obj)
        return;
    node_view cur = view_of_object(ev->obj);
    if (known) {
        node_view old = {known->name, &known->labels, known->taints,
                         known->ntaints};
        /* shouldIgnoreNodeUpdate: labels and taints unchanged */
        if (same_labels(old.labels, cur.labels) && same_taints(&old, &cur))
            return;
        node_changed(c, &old, &cur);
    } else {
        node_changed(c, NULL, &cur);
    }
    node_entry_fill(node_put(c, ev->uid), ev->obj);
}

/* ---- the pod GC stand-in ----------------------------------------------------- */

/* gcOrphaned for daemon pods: the pods of any DaemonSet bound to a node
 * deleted orphan_gc_delay ago are deleted unless the node is back. */
static void on_gc(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_daemonset_controller *c = ctx;
    ks_time now = ks_engine_now(e);
    c->gc_at = KS_TIME_NEVER;
    size_t k = 0;
    for (size_t i = 0; i < c->norphans; i++) {
        orphan_node *o = &c->orphans[i];
        if (o->due > now) {
            c->orphans[k++] = *o;
            continue;
        }
        if (!ks_store_find(c->store, KS_KIND_NODE, NULL, o->name)) {
            uint64_t *victims = ks_xcalloc(c->npods + 1, sizeof *victims);
            size_t nv = 0;
            for (size_t p = 0; p < c->npods; p++) {
                const ks_object *po = ks_store_get(c->store, c->pods[p].uid);
                if (po && po->node_name && !strcmp(po->node_name, o->name))
                    victims[nv++] = po->uid;
            }
            for (size_t v = 0; v < nv; v++) {
                if (ks_store_delete(c->store, victims[v],
                                    KS_PROPAGATE_BACKGROUND) == 0)
                    c->stats.orphans_deleted++;
                else
                    c->stats.write_errors++;
            }
            free(victims);
        }
        free(o->name);
    }
    c->norphans = k;
    kick_gc(c);
}

/* ---- client --------------------------------------------------------------------- */

/* Takes a write token, or returns 0 (and the time one is due in *retry). */
static int take_token(ks_daemonset_controller *c, ks_time *retry)
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

static const char name_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

/* "<ds>-xxxxx" with upstream's GenerateName alphabet (utilrand). */
static char *pod_name(ks_daemonset_controller *c, const char *ds_name)
{
    uint64_t x = ++c->name_counter * 0x9e3779b97f4a7c15ull;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    char suffix[6];
    for (int i = 0; i < 5; i++) {
        suffix[i] = name_alphabet[x % 27];
        x /= 27;
    }
    suffix[5] = '\0';
    return ks_xasprintf("%s-%s", ds_name, suffix);
}

/* ---- the template hash ------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    return s ? fnv(h, s, strlen(s) + 1) : fnv(h, "", 1) ^ 1;
}

static uint64_t fnv_labels(uint64_t h, const ks_labels *l)
{
    h = fnv(h, &l->n, sizeof l->n);
    for (size_t i = 0; i < l->n; i++) {
        h = fnv_str(h, l->items[i].key);
        h = fnv_str(h, l->items[i].value);
    }
    return h;
}

static uint64_t fnv_requirements(uint64_t h, const ks_requirement *r,
                                 size_t n)
{
    h = fnv(h, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
        h = fnv_str(h, r[i].key);
        h = fnv(h, &r[i].op, sizeof r[i].op);
        h = fnv(h, &r[i].nvalues, sizeof r[i].nvalues);
        for (size_t k = 0; k < r[i].nvalues; k++)
            h = fnv_str(h, r[i].values[k]);
    }
    return h;
}

/* ComputeHash stand-in over the pod template the DaemonSet writes. */
static void template_hash(const ks_daemonset_body *b, char out[11])
{
    uint64_t h = ks_pod_template_hash(&b->template, NULL);
    h = fnv_labels(h, &b->node_selector);
    h = fnv(h, &b->host_network, sizeof b->host_network);
    h = fnv(h, &b->has_required_affinity, sizeof b->has_required_affinity);
    for (size_t i = 0; b->has_required_affinity &&
                       i < b->required_affinity.nterms; i++) {
        const ks_node_selector_term *term = &b->required_affinity.terms[i];
        h = fnv_requirements(h, term->match_expressions, term->nexpressions);
        h = fnv_requirements(h, term->match_fields, term->nfields);
    }
    for (int i = 0; i < 10; i++) {
        out[i] = name_alphabet[h % 27];
        h /= 27;
    }
    out[10] = '\0';
}

/* ---- the node -> daemon pods map -------------------------------------------------- */

/* nodeToDaemonPods[name] for one node: the store's node (NULL when none
 * of that name exists), its verdict, and the DaemonSet's pods bound to
 * it in creation order. */
typedef struct group {
    const char *name;
    const ks_object *node;
    int run, cont;
    const ks_object **pods;
    size_t n, cap;
} group;

typedef struct name_idx {
    const char *name;
    size_t idx;
} name_idx;

typedef struct pod_map {
    group *g;
    size_t n, cap;
    size_t nnodes;     /* g[0, nnodes) are the store's nodes, in order */
    name_idx *by_name; /* the store's nodes sorted by name */
} pod_map;

static int cmp_name_idx(const void *a, const void *b)
{
    return strcmp(((const name_idx *)a)->name, ((const name_idx *)b)->name);
}

static int pod_terminal(const ks_object *p)
{
    const ks_pod_body *b = p->body;
    return b && (b->phase == KS_PHASE_SUCCEEDED || b->phase == KS_PHASE_FAILED);
}

/* getNodesToDaemonPods (includeDeletedTerminal false) with each store
 * node's verdict. */
static void pod_map_build(ks_daemonset_controller *c, const ks_object *ds,
                          const tol_list *tols, pod_map *m)
{
    const ks_daemonset_body *b = ds->body;
    *m = (pod_map){0};
    const ks_object **nodes;
    size_t nn;
    ks_store_list(c->store, KS_KIND_NODE, NULL, NULL, &nodes, &nn);
    m->g = ks_xcalloc(nn + 1, sizeof *m->g);
    m->cap = nn + 1;
    m->by_name = ks_xcalloc(nn + 1, sizeof *m->by_name);
    for (size_t i = 0; i < nn; i++) {
        group *g = &m->g[i];
        g->name = nodes[i]->name;
        g->node = nodes[i];
        node_view v = view_of_object(nodes[i]);
        should_run(b, tols, &v, &g->run, &g->cont);
        m->by_name[i] = (name_idx){g->name, i};
    }
    m->n = m->nnodes = nn;
    free(nodes);
    qsort(m->by_name, nn, sizeof *m->by_name, cmp_name_idx);

    const ks_object **deps;
    size_t nd;
    ks_store_dependents(c->store, ds->uid, &deps, &nd);
    for (size_t i = 0; i < nd; i++) {
        const ks_object *p = deps[i];
        if (!p || p->kind != KS_KIND_POD || ds_of(p) != ds->uid)
            continue;
        if (pod_terminal(p) && p->deletion_time >= 0)
            continue;
        if (!p->node_name)
            continue; /* GetTargetNodeName fails: never, pods are bound */
        name_idx key = {p->node_name, 0};
        name_idx *hit = bsearch(&key, m->by_name, m->nnodes,
                                sizeof *m->by_name, cmp_name_idx);
        group *g = NULL;
        if (hit) {
            g = &m->g[hit->idx];
        } else {
            for (size_t k = m->nnodes; k < m->n && !g; k++)
                if (!strcmp(m->g[k].name, p->node_name))
                    g = &m->g[k];
            if (!g) {
                m->g = ks_xgrow(m->g, &m->cap, m->n + 1, sizeof *m->g);
                g = &m->g[m->n++];
                *g = (group){.name = p->node_name};
            }
        }
        g->pods = ks_xgrow(g->pods, &g->cap, g->n + 1, sizeof *g->pods);
        g->pods[g->n++] = p;
    }
    free(deps);
}

static void pod_map_free(pod_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->g[i].pods);
    free(m->g);
    free(m->by_name);
    *m = (pod_map){0};
}

/* podByCreationTimestampAndPhase (all pods here are scheduled): older
 * first, then by name. */
static int cmp_pod_age(const void *a, const void *b)
{
    const ks_object *x = *(const ks_object *const *)a;
    const ks_object *y = *(const ks_object *const *)b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int pod_ready(const ks_object *p)
{
    const ks_pod_body *b = p->body;
    return b && b->ready;
}

static int pod_available(const ks_object *p, int32_t min_ready, ks_time now)
{
    const ks_pod_body *b = p->body;
    return b && ks_pod_available(b->ready, b->ready_since, min_ready, now);
}

/* IsPodUpdated (no templateGeneration annotation): the hash label. */
static int pod_updated(const ks_object *p, const char *hash)
{
    const char *v = ks_labels_get(&p->labels, HASH_LABEL);
    return v && strcmp(v, hash) == 0;
}

/* ---- failed-pods back-off ---------------------------------------------------------- */

static backoff_entry *backoff_get(ks_daemonset_controller *c, uint64_t ds,
                                  uint64_t generation, const char *node)
{
    for (size_t i = 0; i < c->nbackoffs; i++) {
        backoff_entry *b = &c->backoffs[i];
        if (b->ds == ds && b->generation == generation &&
            !strcmp(b->node, node))
            return b;
    }
    return NULL;
}

/* hasExpired: not updated for more than twice the maximum. */
static int backoff_expired(const backoff_entry *b, ks_time now)
{
    return now - b->last_update > 2 * KS_DS_FAILED_BACKOFF_MAX;
}

/* IsInBackOffSinceUpdate. */
static int in_backoff(const backoff_entry *b, ks_time now)
{
    return b && !backoff_expired(b, now) && now - b->last_update < b->backoff;
}

/* Next: a new entry at 1 s, else doubled up to 15 min. */
static void backoff_next(ks_daemonset_controller *c, uint64_t ds,
                         uint64_t generation, const char *node, ks_time now)
{
    backoff_entry *b = backoff_get(c, ds, generation, node);
    if (!b) {
        c->backoffs = ks_xgrow(c->backoffs, &c->cap_backoffs,
                               c->nbackoffs + 1, sizeof *c->backoffs);
        b = &c->backoffs[c->nbackoffs++];
        *b = (backoff_entry){ds, generation, ks_xstrdup(node),
                             KS_DS_FAILED_BACKOFF_INITIAL, now};
        return;
    }
    if (backoff_expired(b, now)) {
        b->backoff = KS_DS_FAILED_BACKOFF_INITIAL;
    } else {
        ks_time d = 2 * b->backoff;
        b->backoff = d < KS_DS_FAILED_BACKOFF_MAX ? d
                                                  : KS_DS_FAILED_BACKOFF_MAX;
    }
    b->last_update = now;
}

/* Backoff.GC (every minute upstream): here whenever a DaemonSet goes. */
static void backoff_forget(ks_daemonset_controller *c, uint64_t ds)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nbackoffs; i++) {
        if (c->backoffs[i].ds == ds) {
            free(c->backoffs[i].node);
            continue;
        }
        c->backoffs[k++] = c->backoffs[i];
    }
    c->nbackoffs = k;
}

/* ---- sync ------------------------------------------------------------------------- */

typedef struct uid_list {
    uint64_t *v;
    size_t n, cap;
} uid_list;

typedef struct name_list {
    const char **v;
    size_t n, cap;
} name_list;

static void uid_push(uid_list *l, uint64_t uid)
{
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = uid;
}

static void name_push(name_list *l, const char *name)
{
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = name;
}

/* What one sync of one DaemonSet works with. */
typedef struct sync_ctx {
    ks_daemonset_controller *c;
    const ks_object *ds;
    const ks_daemonset_body *body;
    tol_list tols;
    ks_labels pod_labels; /* template labels + the hash label */
    char hash[11];
    ks_time now;
    int allows_surge;
    const name_list *creates; /* for create_one */
    ks_time retry;            /* throttled until (KS_TIME_NEVER: no) */
    int error;                /* a write the store refused, ... */
} sync_ctx;

static bool create_one(void *ctx, int attempt)
{
    sync_ctx *sc = ctx;
    ks_daemonset_controller *c = sc->c;
    if (!take_token(c, &sc->retry))
        return false;
    const char *node = sc->creates->v[attempt];
    ks_owner_ref owner = {sc->ds->uid, KS_KIND_DAEMONSET, 1, 1};
    ks_pod_template view = sc->body->template; /* borrowed, copied below */
    view.labels = sc->pod_labels;
    view.tolerations = sc->tols.v;
    view.ntolerations = sc->tols.n;
    for (int tries = 0; tries < 8; tries++) {
        char *name = pod_name(c, sc->ds->name);
        ks_object_spec spec = {KS_KIND_POD, sc->ds->namespace_name, name,
                               &sc->pod_labels, &owner, 1, node,
                               ks_pod_body_new(&view)};
        int rc = ks_store_create_object(c->store, &spec, NULL);
        free(name);
        if (rc == 0) {
            c->stats.pods_created++;
            return true;
        }
        if (rc != KS_EEXIST)
            break;
    }
    sc->error = 1;
    c->stats.write_errors++;
    return false;
}

/* syncNodes: expectations, slow-start creates, deletes. */
static void sync_nodes(sync_ctx *sc, const uid_list *dels,
                       const name_list *creates)
{
    ks_daemonset_controller *c = sc->c;
    int burst = c->cfg.burst_replicas;
    int ncreate = creates->n < (size_t)burst ? (int)creates->n : burst;
    int ndelete = dels->n < (size_t)burst ? (int)dels->n : burst;
    ks_expectations *e = exp_of(c, sc->ds->uid, 1);
    ks_expectations_set(e, ncreate, ndelete, sc->now);
    if (ncreate > 0) {
        sc->creates = creates;
        int batches[64];
        ks_rs_slow_start_result r =
            ks_rs_slow_start(ncreate, KS_RS_SLOW_START_INITIAL_BATCH,
                             create_one, sc, batches);
        if (r.skipped > 0) /* failed creates and the ones never tried */
            ks_expectations_lower(e, r.skipped, 0);
        c->stats.last_nbatches = r.n_batches < 16 ? r.n_batches : 16;
        memcpy(c->stats.last_batches, batches,
               (size_t)c->stats.last_nbatches * sizeof *batches);
    }
    for (int i = 0; i < ndelete; i++) {
        if (take_token(c, &sc->retry)) {
            int rc = ks_store_delete_graceful(c->store, dels->v[i],
                                              KS_PROPAGATE_BACKGROUND,
                                              KS_GRACE_DEFAULT);
            if (rc == 0) {
                c->stats.pods_deleted++;
                continue;
            }
            if (rc != KS_ENOENT) {
                c->stats.write_errors++;
                sc->error = 1;
            }
        }
        ks_expectations_lower(e, 0, 1); /* not deleted: observed */
    }
}

/* podsShouldBeOnNode for one store node. */
static void pods_should_be_on_node(sync_ctx *sc, const group *g,
                                   uid_list *dels, name_list *creates)
{
    ks_daemonset_controller *c = sc->c;
    if (g->run && g->n == 0) {
        name_push(creates, g->name);
        return;
    }
    if (!g->cont) {
        for (size_t i = 0; i < g->n; i++)
            if (g->pods[i]->deletion_time < 0)
                uid_push(dels, g->pods[i]->uid);
        return;
    }
    const ks_object **running = ks_xcalloc(g->n + 1, sizeof *running);
    size_t nr = 0;
    for (size_t i = 0; i < g->n; i++) {
        const ks_object *p = g->pods[i];
        const ks_pod_body *pb = p->body;
        if (p->deletion_time >= 0)
            continue;
        if (pb && pb->phase == KS_PHASE_FAILED) {
            /* the DaemonSet fights a kubelet rejecting its pods: back off */
            uint64_t gen = sc->body->observed_generation;
            backoff_entry *b = backoff_get(c, sc->ds->uid, gen, g->name);
            if (in_backoff(b, sc->now)) {
                enqueue_at(c, sc->ds->uid, sc->now + b->backoff);
                continue;
            }
            backoff_next(c, sc->ds->uid, gen, g->name, sc->now);
            uid_push(dels, p->uid);
        } else if (pb && pb->phase == KS_PHASE_SUCCEEDED) {
            uid_push(dels, p->uid);
        } else {
            running[nr++] = p;
        }
    }
    qsort(running, nr, sizeof *running, cmp_pod_age);
    if (!sc->allows_surge) {
        /* more than one running pod: all but the oldest go */
        for (size_t i = 1; i < nr; i++)
            uid_push(dels, running[i]->uid);
    } else if (nr <= 1) {
        if (nr == 0 && g->run) /* surging: keep one pod on the node */
            name_push(creates, g->name);
    } else {
        /* keep the oldest new and the oldest old pod, the old one only
         * while it is ready and the new one not yet available */
        const ks_object *oldest_new = NULL, *oldest_old = NULL;
        for (size_t i = 0; i < nr; i++) {
            const ks_object **slot =
                pod_updated(running[i], sc->hash) ? &oldest_new : &oldest_old;
            if (!*slot)
                *slot = running[i];
            else
                uid_push(dels, running[i]->uid);
        }
        if (oldest_new && oldest_old &&
            (!pod_ready(oldest_old) ||
             pod_available(oldest_new, sc->body->min_ready_s, sc->now)))
            uid_push(dels, oldest_old->uid);
    }
    free(running);
}

/* findUpdatedPodsOnNode: at most one new and one old pod not being
 * deleted, else 0. */
static int updated_pods_on_node(const group *g, const char *hash,
                                const ks_object **new_pod,
                                const ks_object **old_pod)
{
    *new_pod = *old_pod = NULL;
    for (size_t i = 0; i < g->n; i++) {
        const ks_object *p = g->pods[i];
        if (p->deletion_time >= 0)
            continue;
        const ks_object **slot = pod_updated(p, hash) ? new_pod : old_pod;
        if (*slot) {
            *new_pod = *old_pod = NULL;
            return 0;
        }
        *slot = p;
    }
    return 1;
}

static ks_intstr to_intstr(const ks_int_or_percent *v, char buf[16])
{
    if (!v->is_percent)
        return ks_intstr_int(v->value);
    snprintf(buf, 16, "%d%%", (int)v->value);
    return ks_intstr_str(buf);
}

/* SurgeCount / UnavailableCount: 0 unless RollingUpdate; percentages of
 * total rounded up. */
static int scaled(const ks_daemonset_body *b, const ks_int_or_percent *v,
                  int total)
{
    if (b->strategy != KS_DS_ROLLING_UPDATE)
        return 0;
    char buf[16];
    ks_intstr is = to_intstr(v, buf);
    int out = 0;
    if (ks_intstr_scaled(&is, total, true, &out, NULL) != 0)
        return 0;
    return out;
}

/* rollingUpdate.  Returns nonzero when a node of the map is gone while
 * the surge path needs it (upstream's nodeLister.Get error). */
static int rolling_update(sync_ctx *sc, const pod_map *m)
{
    const ks_daemonset_body *b = sc->body;
    int32_t min_ready = b->min_ready_s;
    /* updatedDesiredNodeCounts: the map also holds every node that should
     * run a pod, with no pods when it has none */
    int desired = 0;
    for (size_t i = 0; i < m->nnodes; i++)
        desired += m->g[i].run;
    int max_unavailable = scaled(b, &b->max_unavailable, desired);
    int max_surge = scaled(b, &b->max_surge, desired);
    if (desired > 0 && max_unavailable == 0 && max_surge == 0)
        max_unavailable = 1;

    uid_list dels = {0};
    name_list creates = {0};
    int rc = 0;
    if (max_surge == 0) {
        int unavailable = 0;
        uid_list allowed = {0}, candidates = {0};
        for (size_t i = 0; i < m->n; i++) {
            const group *g = &m->g[i];
            if (g->n == 0 && !(i < m->nnodes && g->run))
                continue; /* not in nodeToDaemonPods */
            const ks_object *np, *op;
            if (!updated_pods_on_node(g, sc->hash, &np, &op)) {
                unavailable++; /* excess pods: manage cleans up */
                continue;
            }
            if ((!op && !np) || (op && np)) {
                unavailable++;
            } else if (np) {
                if (!pod_available(np, min_ready, sc->now))
                    unavailable++;
            } else if (!pod_available(op, min_ready, sc->now)) {
                uid_push(&allowed, op->uid);
                unavailable++;
            } else if (unavailable < max_unavailable) {
                uid_push(&candidates, op->uid);
            }
        }
        int remaining = max_unavailable - unavailable;
        if (remaining < 0)
            remaining = 0;
        if ((size_t)remaining > candidates.n)
            remaining = (int)candidates.n;
        for (size_t i = 0; i < allowed.n; i++)
            uid_push(&dels, allowed.v[i]);
        for (int i = 0; i < remaining; i++)
            uid_push(&dels, candidates.v[i]);
        free(allowed.v);
        free(candidates.v);
    } else {
        int surge = 0, available = 0;
        uid_list should_not_run = {0};
        name_list allowed = {0}, candidates = {0};
        for (size_t i = 0; i < m->n && !rc; i++) {
            const group *g = &m->g[i];
            if (g->n == 0 && !(i < m->nnodes && g->run))
                continue;
            const ks_object *np, *op;
            if (!updated_pods_on_node(g, sc->hash, &np, &op)) {
                surge++;
                continue;
            }
            if (op ? pod_available(op, min_ready, sc->now)
                   : np && pod_available(np, min_ready, sc->now))
                available++;
            if (!op)
                continue; /* manage creates what is missing */
            if (np) {
                if (!pod_available(np, min_ready, sc->now))
                    surge++; /* waiting for the new pod */
                else
                    uid_push(&dels, op->uid);
                continue;
            }
            if (!g->node) {
                rc = 1; /* couldn't get node */
                break;
            }
            if (!pod_available(op, min_ready, sc->now)) {
                if (!g->run)
                    uid_push(&dels, op->uid);
                else
                    name_push(&allowed, g->name);
            } else if (!g->run) {
                uid_push(&should_not_run, op->uid);
            } else if (surge < max_surge) {
                name_push(&candidates, g->name);
            }
        }
        if (!rc) {
            /* only delete pods on nodes that should not run one while
             * more than desired are available */
            int deletable = available - desired;
            if (deletable > (int)should_not_run.n)
                deletable = (int)should_not_run.n;
            for (int i = 0; i < deletable; i++)
                uid_push(&dels, should_not_run.v[i]);
            int remaining = max_surge - surge;
            if (remaining < 0)
                remaining = 0;
            if ((size_t)remaining > candidates.n)
                remaining = (int)candidates.n;
            for (size_t i = 0; i < allowed.n; i++)
                name_push(&creates, allowed.v[i]);
            for (int i = 0; i < remaining; i++)
                name_push(&creates, candidates.v[i]);
        }
        free(should_not_run.v);
        free(allowed.v);
        free(candidates.v);
    }
    if (!rc)
        sync_nodes(sc, &dels, &creates);
    free(dels.v);
    free(creates.v);
    return rc;
}

/* updateDaemonSetStatus and storeDaemonSetStatus. */
static void update_status(sync_ctx *sc, int update_generation)
{
    ks_daemonset_controller *c = sc->c;
    const ks_daemonset_body *b = sc->body;
    pod_map m;
    pod_map_build(c, sc->ds, &sc->tols, &m);
    int32_t desired = 0, current = 0, mis = 0, ready = 0, available = 0,
            updated = 0;
    for (size_t i = 0; i < m.nnodes; i++) {
        group *g = &m.g[i];
        if (!g->run) {
            mis += g->n > 0;
            continue;
        }
        desired++;
        if (g->n == 0)
            continue;
        current++;
        qsort(g->pods, g->n, sizeof *g->pods, cmp_pod_age);
        const ks_object *oldest = g->pods[0];
        if (pod_ready(oldest)) {
            ready++;
            available += pod_available(oldest, b->min_ready_s, sc->now);
        }
        updated += pod_updated(oldest, sc->hash);
    }
    pod_map_free(&m);
    int32_t unavailable = desired - available;
    uint64_t uid = sc->ds->uid;
    uint64_t generation = sc->ds->generation;
    ks_daemonset_body *sb = ks_store_body(c->store, uid);
    if (sb->desired_number_scheduled != desired ||
        sb->current_number_scheduled != current ||
        sb->number_misscheduled != mis || sb->number_ready != ready ||
        sb->updated_number_scheduled != updated ||
        sb->number_available != available ||
        sb->number_unavailable != unavailable ||
        (update_generation && sb->observed_generation < generation)) {
        if (take_token(c, &sc->retry)) {
            sb->desired_number_scheduled = desired;
            sb->current_number_scheduled = current;
            sb->number_misscheduled = mis;
            sb->number_ready = ready;
            sb->updated_number_scheduled = updated;
            sb->number_available = available;
            sb->number_unavailable = unavailable;
            if (update_generation)
                sb->observed_generation = generation;
            if (ks_store_touch(c->store, uid) == 0) {
                c->stats.status_writes++;
            } else {
                c->stats.write_errors++;
                sc->error = 1;
            }
        }
    }
    /* resync after minReadySeconds as the last line of defence */
    if (b->min_ready_s > 0 && ready != available)
        enqueue_at(c, uid, sc->now + (ks_time)b->min_ready_s * KS_SECOND);
}

static int selects_everything(const ks_label_selector *s)
{
    return s->match_labels.n == 0 && s->nexpressions == 0;
}

static void sync_ds(ks_daemonset_controller *c, uint64_t uid)
{
    ks_time now = ks_engine_now(c->engine);
    const ks_object *ds = ks_store_get(c->store, uid);
    c->stats.syncs++;
    if (!ds || ds->kind != KS_KIND_DAEMONSET || !ds->body) {
        exp_drop(c, uid);
        backoff_forget(c, uid);
        return;
    }
    const ks_daemonset_body *body = ds->body;
    if (selects_everything(&body->selector) || ds->deletion_time >= 0)
        return; /* SelectingAll; or being deleted */

    sync_ctx sc = {.c = c, .ds = ds, .body = body, .now = now,
                   .retry = KS_TIME_NEVER};
    pod_tolerations(body, &sc.tols);
    template_hash(body, sc.hash);
    labels_copy(&sc.pod_labels, &body->template.labels);
    ks_labels_set(&sc.pod_labels, HASH_LABEL, sc.hash);
    sc.allows_surge = scaled(body, &body->max_surge, 1) > 0;

    ks_expectations *e = exp_of(c, uid, 1);
    int update_generation = 0;
    if (ks_expectations_satisfied(e, now)) {
        update_generation = 1;
        /* manage */
        pod_map m;
        pod_map_build(c, ds, &sc.tols, &m);
        uid_list dels = {0};
        name_list creates = {0};
        for (size_t i = 0; i < m.nnodes; i++)
            pods_should_be_on_node(&sc, &m.g[i], &dels, &creates);
        size_t issued = dels.n + creates.n;
        sync_nodes(&sc, &dels, &creates);
        free(dels.v);
        free(creates.v);
        /* rolling update once manage has nothing pending (the map is
         * still the store's: manage wrote nothing) */
        if (!sc.error && sc.retry == KS_TIME_NEVER && issued == 0 &&
            ks_expectations_satisfied(e, now) &&
            body->strategy == KS_DS_ROLLING_UPDATE)
            sc.error = rolling_update(&sc, &m) || sc.error;
        pod_map_free(&m);
    }
    /* The sync wrote pods only, so ds (and its body) are still valid. */
    update_status(&sc, update_generation);

    free(sc.tols.v);
    ks_labels_free(&sc.pod_labels);
    if (sc.retry != KS_TIME_NEVER) {
        c->stats.throttled++;
        c->blocked_until = sc.retry;
        enqueue_at(c, uid, sc.retry);
    } else if (sc.error) {
        ks_workqueue_add_rate_limited(c->queue, uid, now);
    } else {
        ks_workqueue_forget(c->queue, uid);
    }
}

static void on_worker(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_daemonset_controller *c = ctx;
    c->worker_at = KS_TIME_NEVER;
    uint64_t key = ks_workqueue_get(c->queue, ks_engine_now(e));
    if (key) {
        sync_ds(c, key);
        ks_workqueue_done(c->queue, key);
    }
    kick(c);
}

/* ---- lifecycle ------------------------------------------------------------------- */

ks_daemonset_controller *ks_daemonset_controller_create(
    ks_engine *engine, ks_store *store,
    const ks_daemonset_controller_config *cfg)
{
    ks_daemonset_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = engine;
    c->store = store;
    if (cfg)
        c->cfg = *cfg;
    if (c->cfg.qps == 0)
        c->cfg.qps = 20;
    if (c->cfg.burst <= 0)
        c->cfg.burst = 30;
    if (c->cfg.burst_replicas <= 0)
        c->cfg.burst_replicas = KS_DS_BURST_REPLICAS;
    if (c->cfg.orphan_gc_delay == 0)
        c->cfg.orphan_gc_delay = KS_DS_ORPHAN_GC_DELAY;
    else if (c->cfg.orphan_gc_delay < 0)
        c->cfg.orphan_gc_delay = 0;
    if (c->cfg.qps > 0)
        ks_token_bucket_init(&c->bucket, c->cfg.qps, c->cfg.burst,
                             ks_engine_now(engine));
    ks_workqueue_config qc = ks_workqueue_default_config();
    c->queue = ks_workqueue_create(&qc);
    c->worker_at = KS_TIME_NEVER;
    c->gc_at = KS_TIME_NEVER;
    c->watch_node = ks_store_watch(store, KS_KIND_NODE, NULL, NULL,
                                   c->cfg.informer_delay, on_node_event, c);
    c->watch_ds = ks_store_watch(store, KS_KIND_DAEMONSET, NULL, NULL,
                                 c->cfg.informer_delay, on_ds_event, c);
    c->watch_pod = ks_store_watch(store, KS_KIND_POD, NULL, NULL,
                                  c->cfg.informer_delay, on_pod_event, c);
    return c;
}

void ks_daemonset_controller_destroy(ks_daemonset_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watch_ds);
    ks_store_unwatch(c->store, c->watch_pod);
    ks_store_unwatch(c->store, c->watch_node);
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    if (c->gc_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->gc_ev);
    for (size_t i = 0; i < c->nexps; i++)
        ks_expectations_clear(&c->exps[i].e);
    free(c->exps);
    free(c->pods);
    for (size_t i = 0; i < c->nnodes; i++)
        node_entry_clear(&c->nodes[i]);
    free(c->nodes);
    for (size_t i = 0; i < c->nbackoffs; i++)
        free(c->backoffs[i].node);
    free(c->backoffs);
    for (size_t i = 0; i < c->norphans; i++)
        free(c->orphans[i].name);
    free(c->orphans);
    ks_workqueue_destroy(c->queue);
    free(c);
}

const ks_daemonset_controller_stats *ks_daemonset_controller_get_stats(
    const ks_daemonset_controller *c)
{
    return &c->stats;
}
