/* store_bridge.c - the scheduler's informers and binder on the store.
 *
 * Two maps tie the store to the cluster: store uid -> cluster pod index
 * (and back) and node name -> cluster node (the cluster's own order).
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
    for (size_t i = 0; i < b->cluster->nnodes; i++)
        if (b->node_uid[i] == uid)
            return (uint32_t)i;
    return KS_NO_NODE;
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
        b->node_uid = ks_xgrow(b->node_uid, &b->node_uid_cap, (size_t)n + 1,
                               sizeof *b->node_uid);
        b->node_uid[n] = ev->uid;
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

static void new_pending_pod(ks_store_bridge *b, const ks_object *o)
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
    ks_scheduler_pod_added(b->sched, p);
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
    if (!o || !o->body || o->node_name || pod_of(b, o->uid) != KS_NO_POD)
        return;
    const ks_pod_body *pb = o->body;
    if (pb->phase == KS_PHASE_PENDING)
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
