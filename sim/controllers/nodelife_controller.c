/* nodelife_controller.c - node health, taints and taint eviction on the
 * store: watches feed ks_nlc, monitor passes on the 5 s grid, tainting
 * passes when a rate limiter next allows one, pod deletions at their
 * toleration deadlines (checked again when due). */
#include "sim/controllers/nodelife_controller.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

#define MAX_ZONES 64

struct ks_nodelife_controller {
    ks_engine *engine;
    ks_store *store;
    ks_nlc_config cfg;
    ks_nlc *nlc;
    uint64_t *node_uid; /* by node id */
    size_t nnodes, nodes_cap;
    int *id_of_uid;     /* by uid - 1; -1 = not a node */
    size_t ids_cap;
    char *zones[MAX_ZONES];
    int nzones;
    int watches[2];
    ks_podevents *events; /* may be NULL */
    ks_time tainting_at; /* planned tainting pass, KS_TIME_NEVER */
    ks_nlc_actions acts;
    ks_nodelife_stats stats;
};

/* ---- ids ---------------------------------------------------------------------- */

static int node_id(const ks_nodelife_controller *c, uint64_t uid)
{
    return uid >= 1 && uid <= c->ids_cap ? c->id_of_uid[uid - 1] : -1;
}

static void set_node_id(ks_nodelife_controller *c, uint64_t uid, int id)
{
    if (uid > c->ids_cap) {
        size_t old = c->ids_cap;
        c->id_of_uid = ks_xgrow(c->id_of_uid, &c->ids_cap, (size_t)uid,
                                sizeof *c->id_of_uid);
        for (size_t i = old; i < c->ids_cap; i++)
            c->id_of_uid[i] = -1;
    }
    c->id_of_uid[uid - 1] = id;
}

static int zone_id(ks_nodelife_controller *c, const char *zone)
{
    const char *z = zone ? zone : "";
    for (int i = 0; i < c->nzones; i++)
        if (strcmp(c->zones[i], z) == 0)
            return i;
    if (c->nzones == MAX_ZONES)
        return MAX_ZONES - 1; /* more zones than modelled share the last */
    c->zones[c->nzones] = ks_xstrdup(z);
    return c->nzones++;
}

/* ---- informers ----------------------------------------------------------------- */

static void on_node(void *ctx, const ks_watch_event *ev)
{
    ks_nodelife_controller *c = ctx;
    ks_time now = ks_engine_now(c->engine);
    if (ev->type == KS_WATCH_DELETED) {
        int id = node_id(c, ev->uid);
        if (id >= 0)
            ks_nlc_delete_node(c->nlc, id);
        return;
    }
    if (ev->type != KS_WATCH_ADDED || !ev->obj || node_id(c, ev->uid) >= 0)
        return;
    const ks_node_body *b = ev->obj->body;
    int id = (int)c->nnodes;
    c->node_uid = ks_xgrow(c->node_uid, &c->nodes_cap, c->nnodes + 1,
                           sizeof *c->node_uid);
    c->node_uid[c->nnodes++] = ev->uid;
    set_node_id(c, ev->uid, id);
    ks_nlc_add_node(c->nlc, id, zone_id(c, b ? b->zone : NULL), now, 0);
    /* Its kubelet registered it Ready. */
    ks_nlc_observe_status(c->nlc, id, KS_COND_TRUE, now, now);
}

static void on_lease(void *ctx, const ks_watch_event *ev)
{
    ks_nodelife_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED || !ev->obj || !ev->obj->body)
        return;
    const ks_object *node =
        ks_store_find(c->store, KS_KIND_NODE, NULL, ev->obj->name);
    int id = node ? node_id(c, node->uid) : -1;
    if (id >= 0)
        ks_nlc_observe_lease(c->nlc, id,
                             ((const ks_lease_body *)ev->obj->body)
                                 ->renew_time);
}

/* ---- applying decisions ---------------------------------------------------------- */

/* The pods bound to a node (a new array, free()). */
static size_t pods_on(ks_nodelife_controller *c, const char *node,
                      const ks_object ***out)
{
    const ks_object **all;
    size_t n, k = 0;
    ks_store_list(c->store, KS_KIND_POD, NULL, NULL, &all, &n);
    for (size_t i = 0; i < n; i++)
        if (all[i]->node_name && strcmp(all[i]->node_name, node) == 0)
            all[k++] = all[i];
    *out = all;
    return k;
}

static void on_evict(ks_engine *e, void *ctx, uint64_t uid);

/* When pod (on a node with body nb) is to be deleted; KS_TIME_NEVER if
 * its tolerations cover the node's NoExecute taints for ever. */
static ks_time deletion_time(const ks_node_body *nb, const ks_pod_body *pb)
{
    return ks_taint_eviction_deletion_time(
        nb->taints, nb->taint_added, nb->ntaints,
        pb ? pb->spec.tolerations : NULL, pb ? pb->spec.ntolerations : 0);
}

static void schedule_evictions(ks_nodelife_controller *c,
                               const ks_object *node)
{
    const ks_object **pods;
    size_t n = pods_on(c, node->name, &pods);
    ks_time now = ks_engine_now(c->engine);
    for (size_t i = 0; i < n; i++) {
        ks_time t = deletion_time(node->body, pods[i]->body);
        if (t != KS_TIME_NEVER)
            ks_engine_at(c->engine, t > now ? t : now, on_evict, c,
                         pods[i]->uid);
    }
    free(pods);
}

static void on_evict(ks_engine *e, void *ctx, uint64_t uid)
{
    ks_nodelife_controller *c = ctx;
    const ks_object *pod = ks_store_get(c->store, uid);
    if (!pod || !pod->node_name)
        return;
    const ks_object *node =
        ks_store_find(c->store, KS_KIND_NODE, NULL, pod->node_name);
    /* The taint may be gone (the node came back), or a later taint may
     * have moved the deadline: decide on the state now. */
    if (!node || deletion_time(node->body, pod->body) > ks_engine_now(e))
        return;
    /* The taint manager's event on the pod (tainteviction
     * taint_eviction.go: reason TaintManagerEviction). */
    ks_podevents_record(c->events, pod, KS_PE_EVICTED,
                        "TaintManagerEviction");
    if (ks_store_delete_graceful(c->store, uid, KS_PROPAGATE_BACKGROUND,
                                 KS_GRACE_DEFAULT) == 0)
        c->stats.evicted++;
}

void ks_nodelife_controller_set_events(ks_nodelife_controller *c,
                                       ks_podevents *events)
{
    c->events = events;
}

static void set_noexec(ks_nodelife_controller *c, const ks_object *node,
                       const char *add, const char *remove)
{
    ks_node_body *b = ks_store_body(c->store, node->uid);
    if (!b || !ks_store_has_quorum(c->store))
        return;
    ks_time now = ks_engine_now(c->engine);
    int changed = remove ? ks_node_body_remove_taint(b, remove,
                                                     KS_EFFECT_NO_EXECUTE)
                         : 0;
    if (add)
        changed |= ks_node_body_add_taint(b, add, KS_EFFECT_NO_EXECUTE, now);
    if (!changed)
        return;
    ks_store_touch(c->store, node->uid);
    if (add) {
        c->stats.tainted++;
        schedule_evictions(c, node);
    }
}

static void mark_pods_not_ready(ks_nodelife_controller *c,
                                const ks_object *node)
{
    const ks_object **pods;
    size_t n = pods_on(c, node->name, &pods);
    for (size_t i = 0; i < n && ks_store_has_quorum(c->store); i++) {
        ks_pod_body *pb = ks_store_body(c->store, pods[i]->uid);
        if (pb && pb->ready) {
            pb->ready = 0;
            ks_store_touch(c->store, pods[i]->uid);
        }
    }
    free(pods);
}

static void apply(ks_nodelife_controller *c, const ks_nlc_action *a)
{
    if (a->node < 0 || (size_t)a->node >= c->nnodes)
        return;
    const ks_object *node = ks_store_get(c->store, c->node_uid[a->node]);
    if (!node)
        return;
    switch (a->kind) {
    case KS_NLC_STATUS_UNKNOWN: {
        ks_node_body *b = ks_store_body(c->store, node->uid);
        if (b && ks_store_has_quorum(c->store)) {
            b->ready = KS_READY_UNKNOWN;
            ks_store_touch(c->store, node->uid);
            c->stats.unknown++;
        }
        break;
    }
    case KS_NLC_PODS_NOT_READY:
        mark_pods_not_ready(c, node);
        break;
    case KS_NLC_TAINT_UNREACHABLE:
        set_noexec(c, node, KS_TAINT_KEY_UNREACHABLE, KS_TAINT_KEY_NOT_READY);
        break;
    case KS_NLC_TAINT_NOT_READY:
        set_noexec(c, node, KS_TAINT_KEY_NOT_READY, KS_TAINT_KEY_UNREACHABLE);
        break;
    case KS_NLC_UNTAINT:
        set_noexec(c, node, NULL, KS_TAINT_KEY_UNREACHABLE);
        set_noexec(c, node, NULL, KS_TAINT_KEY_NOT_READY);
        break;
    default: /* zone and master-disruption states live in ks_nlc */
        break;
    }
}

static void apply_all(ks_nodelife_controller *c)
{
    for (size_t i = 0; i < c->acts.n; i++)
        apply(c, &c->acts.v[i]);
    ks_nlc_actions_clear(&c->acts);
}

/* ---- passes ------------------------------------------------------------------------ */

static void on_tainting(ks_engine *e, void *ctx, uint64_t arg);

/* Plans the next tainting pass on the 100 ms grid. */
static void plan_tainting(ks_nodelife_controller *c, ks_time now)
{
    ks_time next = ks_nlc_next_tainting(c->nlc, now);
    if (next == KS_TIME_NEVER)
        return;
    ks_time grid = c->cfg.tainting_period > 0 ? c->cfg.tainting_period
                                              : 100 * KS_MILLISECOND;
    next = (next + grid - 1) / grid * grid;
    if (next <= now)
        next = now + grid;
    if (c->tainting_at != KS_TIME_NEVER && c->tainting_at <= next &&
        c->tainting_at > now)
        return; /* an earlier pass is already planned */
    c->tainting_at = next;
    ks_engine_at(c->engine, next, on_tainting, c, (uint64_t)next);
}

static void on_tainting(ks_engine *e, void *ctx, uint64_t arg)
{
    ks_nodelife_controller *c = ctx;
    if ((ks_time)arg != c->tainting_at)
        return; /* superseded */
    c->tainting_at = KS_TIME_NEVER;
    ks_time now = ks_engine_now(e);
    ks_nlc_tainting_pass(c->nlc, now, &c->acts);
    apply_all(c);
    plan_tainting(c, now);
}

static void on_monitor(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_nodelife_controller *c = ctx;
    ks_time now = ks_engine_now(e);
    ks_nlc_monitor(c->nlc, now, &c->acts);
    ks_nlc_tainting_pass(c->nlc, now, &c->acts);
    apply_all(c);
    plan_tainting(c, now);
    ks_engine_after(e, c->cfg.monitor_period, on_monitor, c, 0);
}

ks_nodelife_controller *ks_nodelife_controller_create(
    ks_engine *e, ks_store *s, const ks_nlc_config *cfg, ks_time watch_delay)
{
    ks_nodelife_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = e;
    c->store = s;
    if (cfg)
        c->cfg = *cfg;
    else
        ks_nlc_config_default(&c->cfg);
    c->nlc = ks_nlc_create(&c->cfg, MAX_ZONES);
    c->tainting_at = KS_TIME_NEVER;
    c->watches[0] = ks_store_watch(s, KS_KIND_NODE, NULL, NULL, watch_delay,
                                   on_node, c);
    c->watches[1] = ks_store_watch(s, KS_KIND_LEASE, NULL, NULL,
                                   watch_delay, on_lease, c);
    /* Monitor passes on the period's grid. */
    ks_time p = c->cfg.monitor_period;
    ks_time now = ks_engine_now(e);
    ks_engine_at(e, (now / p + 1) * p, on_monitor, c, 0);
    return c;
}

void ks_nodelife_controller_destroy(ks_nodelife_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watches[0]);
    ks_store_unwatch(c->store, c->watches[1]);
    ks_nlc_destroy(c->nlc);
    ks_nlc_actions_free(&c->acts);
    for (int i = 0; i < c->nzones; i++)
        free(c->zones[i]);
    free(c->node_uid);
    free(c->id_of_uid);
    free(c);
}

const ks_nodelife_stats *ks_nodelife_controller_stats(
    const ks_nodelife_controller *c)
{
    return &c->stats;
}
