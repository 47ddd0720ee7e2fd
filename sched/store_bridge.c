/* store_bridge.c - the scheduler's informers and binder on the store.
 *
 * Maps tie the store to the cluster: store uid -> cluster pod index (and
 * back), node uid and node name -> cluster node (the cluster's own order).
 * The binding is an engine event after the bind latency that writes the
 * node into the Pod object; a Pod object gone by then is not bound. */
#include "sched/store_bridge.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

struct ks_store_bridge {
    ks_engine *engine;
    ks_store *store;
    ks_store_bridge_config cfg;
    ks_cluster *cluster;
    ks_scheduler *sched;
    uint32_t *pod_of_uid;  /* [uid - 1] -> cluster pod, KS_NO_POD */
    size_t pod_of_uid_cap;
    uint64_t *uid_of_pod;  /* [cluster pod] -> store uid */
    size_t uid_of_pod_cap;
    uint64_t *node_uid;    /* [cluster node] -> store uid */
    size_t node_uid_cap;
    uint32_t *node_of_uid; /* [uid - 1] -> cluster node, KS_NO_NODE */
    size_t node_of_uid_cap;
    uint32_t *node_slots;  /* node name hash: cluster node + 1, 0 empty */
    size_t node_slots_cap;
    int watches[2];
    uint64_t bindings;
};

static uint32_t pod_of(const ks_store_bridge *b, uint64_t uid)
{
    return uid >= 1 && uid <= b->pod_of_uid_cap ? b->pod_of_uid[uid - 1]
                                                : KS_NO_POD;
}

static void map_pod(ks_store_bridge *b, uint64_t uid, uint32_t pod)
{
    if (uid > b->pod_of_uid_cap) {
        size_t old = b->pod_of_uid_cap;
        b->pod_of_uid = ks_xgrow(b->pod_of_uid, &b->pod_of_uid_cap,
                                 (size_t)uid, sizeof *b->pod_of_uid);
        for (size_t i = old; i < b->pod_of_uid_cap; i++)
            b->pod_of_uid[i] = KS_NO_POD;
    }
    b->pod_of_uid[uid - 1] = pod;
    b->uid_of_pod = ks_xgrow(b->uid_of_pod, &b->uid_of_pod_cap,
                             (size_t)pod + 1, sizeof *b->uid_of_pod);
    b->uid_of_pod[pod] = uid;
}

/* ---- nodes --------------------------------------------------------------------- */

static uint32_t node_index(const ks_store_bridge *b, uint64_t uid)
{
    return uid >= 1 && uid <= b->node_of_uid_cap ? b->node_of_uid[uid - 1]
                                                 : KS_NO_NODE;
}

static size_t node_slot(const ks_store_bridge *b, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    size_t mask = b->node_slots_cap - 1;
    size_t i = (size_t)h & mask;
    while (b->node_slots[i] &&
           strcmp(b->cluster->nodes[b->node_slots[i] - 1].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

/* The cluster node named name, KS_NO_NODE if none. */
static uint32_t node_named(const ks_store_bridge *b, const char *name)
{
    if (!b->node_slots_cap || !name)
        return KS_NO_NODE;
    uint32_t v = b->node_slots[node_slot(b, name)];
    return v ? v - 1 : KS_NO_NODE;
}

static void map_node(ks_store_bridge *b, uint64_t uid, uint32_t n)
{
    b->node_uid = ks_xgrow(b->node_uid, &b->node_uid_cap, (size_t)n + 1,
                           sizeof *b->node_uid);
    b->node_uid[n] = uid;
    if (uid > b->node_of_uid_cap) {
        size_t old = b->node_of_uid_cap;
        b->node_of_uid = ks_xgrow(b->node_of_uid, &b->node_of_uid_cap,
                                  (size_t)uid, sizeof *b->node_of_uid);
        for (size_t i = old; i < b->node_of_uid_cap; i++)
            b->node_of_uid[i] = KS_NO_NODE;
    }
    b->node_of_uid[uid - 1] = n;
    if ((size_t)(n + 1) * 2 > b->node_slots_cap) {
        free(b->node_slots);
        b->node_slots_cap = b->node_slots_cap ? b->node_slots_cap * 2 : 64;
        while ((size_t)(n + 1) * 2 > b->node_slots_cap)
            b->node_slots_cap *= 2;
        b->node_slots = ks_xcalloc(b->node_slots_cap, sizeof *b->node_slots);
        for (uint32_t k = 0; k < n; k++)
            b->node_slots[node_slot(b, b->cluster->nodes[k].name)] = k + 1;
    }
    b->node_slots[node_slot(b, b->cluster->nodes[n].name)] = n + 1;
}

/* The node's taints as the scheduler's TaintToleration sees them. */
static void sync_taints(ks_store_bridge *b, uint32_t n, const ks_object *o)
{
    const ks_node_body *nb = o->body;
    ks_node_info info = {0};
    ks_node_info_copy(&info, &b->cluster->node_info[n]);
    for (size_t i = 0; i < info.ntaints; i++)
        ks_taint_free(&info.taints[i]);
    free(info.taints);
    info.taints = nb && nb->ntaints
                      ? ks_xcalloc(nb->ntaints, sizeof *info.taints)
                      : NULL;
    info.ntaints = nb ? nb->ntaints : 0;
    for (size_t i = 0; i < info.ntaints; i++) {
        info.taints[i].key = ks_xstrdup(nb->taints[i].key);
        info.taints[i].value =
            nb->taints[i].value ? ks_xstrdup(nb->taints[i].value) : NULL;
        info.taints[i].effect = nb->taints[i].effect;
    }
    ks_cluster_set_node_info(b->cluster, n, &info);
}

static void on_node(void *ctx, const ks_watch_event *ev)
{
    ks_store_bridge *b = ctx;
    if (ev->type == KS_WATCH_DELETED || !ev->obj || !ev->obj->body)
        return; /* removing nodes is not modelled yet */
    uint32_t n = node_index(b, ev->uid);
    if (n == KS_NO_NODE) {
        const ks_node_body *nb = ev->obj->body;
        n = ks_cluster_add_node(b->cluster, ev->obj->name, nb->allocatable,
                                0);
        map_node(b, ev->uid, n);
        /* The Node object's labels, plus the hostname label every
         * kubelet sets. */
        ks_node_info info = {0};
        const ks_labels *l = &ev->obj->labels;
        for (size_t i = 0; i < l->n; i++)
            ks_labels_set(&info.labels, l->items[i].key, l->items[i].value);
        if (!ks_labels_get(&info.labels, "kubernetes.io/hostname"))
            ks_labels_set(&info.labels, "kubernetes.io/hostname",
                          ev->obj->name);
        ks_cluster_set_node_info(b->cluster, n, &info);
    }
    sync_taints(b, n, ev->obj);
    /* A node added or changed may fit waiting pods. */
    ks_scheduler_cluster_changed(b->sched);
}

/* ---- pods ----------------------------------------------------------------------- */

/* The cluster's copy of Pod object o (pending; the caller queues or
 * binds it). */
static uint32_t add_cluster_pod(ks_store_bridge *b, const ks_object *o)
{
    const ks_pod_body *pb = o->body;
    ks_time now = ks_engine_now(b->engine);
    uint32_t p = ks_cluster_add_pod(b->cluster, now, pb->spec.requests,
                                    KS_TIME_NEVER, 0,
                                    (uint32_t)b->cluster->npods);
    b->cluster->pods[p].priority = pb->spec.priority;
    b->cluster->pods[p].name =
        ks_cluster_keep_string(b->cluster, ks_xstrdup(o->name));
    map_pod(b, o->uid, p);
    /* Tolerations for TaintToleration: a spec of the pod's own. */
    if (pb->spec.ntolerations) {
        ks_pod_spec *spec = ks_xcalloc(1, sizeof *spec);
        spec->tolerations =
            ks_xcalloc(pb->spec.ntolerations, sizeof *spec->tolerations);
        spec->ntolerations = pb->spec.ntolerations;
        for (size_t i = 0; i < pb->spec.ntolerations; i++) {
            const ks_toleration *t = &pb->spec.tolerations[i];
            spec->tolerations[i] = *t;
            spec->tolerations[i].key = t->key ? ks_xstrdup(t->key) : NULL;
            spec->tolerations[i].value = t->value ? ks_xstrdup(t->value)
                                                  : NULL;
        }
        b->cluster->pods[p].spec = ks_cluster_adopt_spec(b->cluster, spec);
    }
    return p;
}

static void new_pending_pod(ks_store_bridge *b, const ks_object *o)
{
    ks_scheduler_pod_added(b->sched, add_cluster_pod(b, o));
}

/* A pod bound without this scheduler (spec.nodeName from its creator: a
 * DaemonSet's pods, manifest pods): its node accounts it, as the
 * scheduler's cache does for every assigned pod. */
static void new_bound_pod(ks_store_bridge *b, const ks_object *o)
{
    uint32_t n = node_named(b, o->node_name);
    if (n == KS_NO_NODE)
        return; /* a node the scheduler does not know (yet) */
    uint32_t p = add_cluster_pod(b, o);
    ks_time now = ks_engine_now(b->engine);
    ks_cluster_bind(b->cluster, p, n, now);
    ks_cluster_start(b->cluster, p, now);
    ks_scheduler_pod_bound_elsewhere(b->sched, p);
}

static int terminal(const ks_pod_body *pb)
{
    return pb->phase == KS_PHASE_SUCCEEDED || pb->phase == KS_PHASE_FAILED;
}

static void pod_deleted(ks_store_bridge *b, uint64_t uid)
{
    uint32_t p = pod_of(b, uid);
    if (p == KS_NO_POD)
        return;
    b->pod_of_uid[uid - 1] = KS_NO_POD;
    ks_pod *pod = &b->cluster->pods[p];
    ks_time now = ks_engine_now(b->engine);
    if (pod->phase == KS_POD_PENDING) {
        ks_cluster_drop(b->cluster, p, now); /* skipped when popped */
    } else if (pod->phase == KS_POD_RUNNING) {
        ks_cluster_complete(b->cluster, p, now);
        ks_scheduler_assigned_pod_deleted(b->sched, p);
    }
}

static void on_pod(void *ctx, const ks_watch_event *ev)
{
    ks_store_bridge *b = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        pod_deleted(b, ev->uid);
        return;
    }
    const ks_object *o = ev->obj;
    if (!o || !o->body)
        return;
    const ks_pod_body *pb = o->body;
    if (pod_of(b, o->uid) != KS_NO_POD) {
        /* The scheduler's informer keeps only non-terminal pods
         * (scheduler/eventhandlers.go): a pod that ended frees its
         * resources as a deleted one does. */
        if (terminal(pb))
            pod_deleted(b, o->uid);
        return;
    }
    /* A pod first seen Terminating still holds its node until it is gone
     * (the cache keeps assigned pods until deleted); a pending one being
     * deleted is not queued. */
    if (terminal(pb) || (o->deletion_time >= 0 && !o->node_name))
        return;
    if (o->node_name)
        new_bound_pod(b, o);
    else
        new_pending_pod(b, o);
}

/* ---- binding ---------------------------------------------------------------------- */

static void on_binding(ks_engine *e, void *ctx, uint64_t pod)
{
    (void)e;
    ks_store_bridge *b = ctx;
    uint64_t uid = b->uid_of_pod[pod];
    const ks_pod *cp = &b->cluster->pods[pod];
    if (pod_of(b, uid) != pod || cp->node == KS_NO_NODE)
        return; /* deleted meanwhile */
    const char *node = b->cluster->nodes[cp->node].name;
    if (ks_store_update(b->store, uid, 0, NULL, NULL, node) == 0)
        b->bindings++;
}

static void on_assume(void *ctx, uint32_t pod, uint32_t node)
{
    ks_store_bridge *b = ctx;
    ks_cluster_bind(b->cluster, pod, node, ks_engine_now(b->engine));
    ks_engine_after(b->engine, b->cfg.bind_latency, on_binding, b, pod);
}

ks_store_bridge *ks_store_bridge_create(ks_engine *e, ks_store *s,
                                        const ks_scheduler_config *cfg,
                                        gsl_rng *tiebreak,
                                        const ks_store_bridge_config *bcfg)
{
    ks_store_bridge *b = ks_xcalloc(1, sizeof *b);
    b->engine = e;
    b->store = s;
    if (bcfg)
        b->cfg = *bcfg;
    b->cluster = ks_cluster_create();
    ks_scheduler_config c = cfg ? *cfg : ks_scheduler_default_config();
    b->sched = ks_scheduler_create(e, b->cluster, tiebreak, &c, on_assume, b);
    b->watches[0] = ks_store_watch(s, KS_KIND_NODE, NULL, NULL,
                                   b->cfg.watch_delay, on_node, b);
    b->watches[1] = ks_store_watch(s, KS_KIND_POD, NULL, NULL,
                                   b->cfg.watch_delay, on_pod, b);
    return b;
}

void ks_store_bridge_destroy(ks_store_bridge *b)
{
    if (!b)
        return;
    ks_store_unwatch(b->store, b->watches[0]);
    ks_store_unwatch(b->store, b->watches[1]);
    ks_scheduler_destroy(b->sched);
    ks_cluster_destroy(b->cluster);
    free(b->pod_of_uid);
    free(b->uid_of_pod);
    free(b->node_uid);
    free(b->node_of_uid);
    free(b->node_slots);
    free(b);
}

const ks_cluster *ks_store_bridge_cluster(const ks_store_bridge *b)
{
    return b->cluster;
}

uint64_t ks_store_bridge_bindings(const ks_store_bridge *b)
{
    return b->bindings;
}

ks_scheduler *ks_store_bridge_scheduler(ks_store_bridge *b)
{
    return b->sched;
}
