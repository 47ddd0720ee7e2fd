/* nodelifecycle.c - node lifecycle controller and taint eviction (see
 * nodelifecycle.h for what is re-implemented and how it is driven).
 *
 * Upstream read: kubernetes/kubernetes pkg/controller/nodelifecycle/
 * node_lifecycle_controller.go and pkg/controller/tainteviction/
 * taint_eviction.go at 003e86297d18; core/v1 helper GetMatchingTolerations.
 *
 * Deliberate, documented departures (all about Go's nondeterminism):
 *   - nodes are visited in id order and zones in zone-id order where
 *     upstream iterates maps or runs 8 workers in parallel;
 *   - handleDisruption's "all zones were fully disrupted" loop stops at the
 *     first non-full zone in Go's random map order (leaving some vanished
 *     zones undeleted for a pass); here every vanished zone is deleted.
 */
#include "sim/controllers/nodelifecycle.h"

#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/xalloc.h"

/* ---- configuration, zone states ---------------------------------------------- */

void ks_nlc_config_default(ks_nlc_config *cfg)
{
    *cfg = (ks_nlc_config){
        .monitor_period = 5 * KS_SECOND,
        .monitor_grace = 50 * KS_SECOND,
        .startup_grace = 60 * KS_SECOND,
        .tainting_period = 100 * KS_MILLISECOND,
        .eviction_qps = 0.1f,
        .secondary_eviction_qps = 0.01f,
        .large_cluster_threshold = 50,
        .unhealthy_zone_threshold = 0.55f,
    };
}

const char *ks_zone_state_name(ks_zone_state s)
{
    switch (s) {
    case KS_ZONE_INITIAL:
        return "Initial";
    case KS_ZONE_NORMAL:
        return "Normal";
    case KS_ZONE_FULL_DISRUPTION:
        return "FullDisruption";
    case KS_ZONE_PARTIAL_DISRUPTION:
        return "PartialDisruption";
    }
    return "?";
}

/* ComputeZoneState (node_lifecycle_controller.go 003e8629). */
ks_zone_state ks_nlc_compute_zone_state(const ks_cond_status *ready, size_t n,
                                        float unhealthy_threshold,
                                        int *not_ready)
{
    int ready_nodes = 0, not_ready_nodes = 0;
    for (size_t i = 0; i < n; i++) {
        if (ready[i] == KS_COND_TRUE)
            ready_nodes++;
        else
            not_ready_nodes++;
    }
    if (not_ready)
        *not_ready = not_ready_nodes;
    if (ready_nodes == 0 && not_ready_nodes > 0)
        return KS_ZONE_FULL_DISRUPTION;
    /* float32 division and comparison, as upstream. */
    float frac = (float)not_ready_nodes / (float)(not_ready_nodes + ready_nodes);
    if (not_ready_nodes > 2 && frac >= unhealthy_threshold)
        return KS_ZONE_PARTIAL_DISRUPTION;
    return KS_ZONE_NORMAL;
}

float ks_nlc_healthy_qps(const ks_nlc_config *cfg, int zone_size)
{
    (void)zone_size;
    return cfg->eviction_qps;
}

float ks_nlc_reduced_qps(const ks_nlc_config *cfg, int zone_size)
{
    if ((int32_t)zone_size > cfg->large_cluster_threshold)
        return cfg->secondary_eviction_qps;
    return 0;
}

/* setLimiterInZone's rate per state. */
float ks_nlc_zone_qps(const ks_nlc_config *cfg, ks_zone_state state,
                      int zone_size)
{
    switch (state) {
    case KS_ZONE_NORMAL:
        return cfg->eviction_qps;
    case KS_ZONE_PARTIAL_DISRUPTION:
        return ks_nlc_reduced_qps(cfg, zone_size);
    case KS_ZONE_FULL_DISRUPTION:
        return ks_nlc_healthy_qps(cfg, zone_size);
    case KS_ZONE_INITIAL:
        break;
    }
    return -1;
}

const char *ks_nlc_noschedule_taint_for(ks_cond_status ready)
{
    switch (ready) {
    case KS_COND_FALSE:
        return KS_TAINT_KEY_NOT_READY;
    case KS_COND_UNKNOWN:
        return KS_TAINT_KEY_UNREACHABLE;
    default:
        return NULL;
    }
}

/* ---- actions ---------------------------------------------------------------- */

void ks_nlc_actions_clear(ks_nlc_actions *a)
{
    a->n = 0;
}

void ks_nlc_actions_free(ks_nlc_actions *a)
{
    if (!a)
        return;
    free(a->v);
    *a = (ks_nlc_actions){0};
}

static void emit(ks_nlc_actions *a, ks_nlc_action_kind kind, int node,
                 ks_time at, ks_zone_state state)
{
    if (!a)
        return;
    a->v = ks_xgrow(a->v, &a->cap, a->n + 1, sizeof *a->v);
    a->v[a->n++] =
        (ks_nlc_action){.kind = kind, .node = node, .at = at, .state = state};
}

/* ---- controller state --------------------------------------------------------- */

typedef struct nlc_cond {
    ks_cond_status status;
    ks_time heartbeat;
    ks_time transition;
} nlc_cond;

typedef struct nlc_node {
    int present;  /* in the node informer's cache */
    int known;    /* in upstream's knownNodeSet */
    int zone;
    int excluded;
    ks_time created;
    /* The Node and Lease objects as the controller's listers see them. */
    nlc_cond ready;
    int has_lease;
    ks_time lease_renew;
    unsigned taints; /* KS_NLC_TAINT_BIT_* */
    /* nodeHealthData */
    int has_health;
    ks_time probe;
    ks_time ready_transition;
    nlc_cond saved;
    int saved_has_lease;
    ks_time saved_lease;
} nlc_node;

typedef struct nlc_zone {
    int in_states;        /* has an entry in upstream's zoneStates */
    ks_zone_state state;
    int has_queue;        /* zoneNoExecuteTainter entry exists */
    ks_rl_queue queue;
} nlc_zone;

struct ks_nlc {
    ks_nlc_config cfg;
    nlc_node *nodes;
    size_t n_nodes, cap_nodes;
    nlc_zone *zones;
    int n_zones;
};

ks_nlc *ks_nlc_create(const ks_nlc_config *cfg, int n_zones)
{
    if (n_zones < 1)
        n_zones = 1;
    ks_nlc *nlc = ks_xcalloc(1, sizeof *nlc);
    if (cfg)
        nlc->cfg = *cfg;
    else
        ks_nlc_config_default(&nlc->cfg);
    nlc->zones = ks_xcalloc((size_t)n_zones, sizeof *nlc->zones);
    nlc->n_zones = n_zones;
    return nlc;
}

void ks_nlc_destroy(ks_nlc *nlc)
{
    if (!nlc)
        return;
    for (int z = 0; z < nlc->n_zones; z++)
        if (nlc->zones[z].has_queue)
            ks_rl_queue_fini(&nlc->zones[z].queue);
    free(nlc->zones);
    free(nlc->nodes);
    free(nlc);
}

static nlc_node *get_node(const ks_nlc *nlc, int node)
{
    if (node < 0 || (size_t)node >= nlc->n_nodes)
        return NULL;
    nlc_node *n = &nlc->nodes[node];
    return n->present ? n : NULL;
}

int ks_nlc_add_node(ks_nlc *nlc, int node, int zone, ks_time created,
                    int excluded)
{
    if (node < 0 || zone < 0 || zone >= nlc->n_zones)
        return KS_EINVAL;
    if ((size_t)node >= nlc->n_nodes) {
        size_t old = nlc->cap_nodes;
        nlc->nodes = ks_xgrow(nlc->nodes, &nlc->cap_nodes, (size_t)node + 1,
                              sizeof *nlc->nodes);
        memset(nlc->nodes + old, 0,
               (nlc->cap_nodes - old) * sizeof *nlc->nodes);
        nlc->n_nodes = (size_t)node + 1;
    }
    nlc_node *n = &nlc->nodes[node];
    if (n->present)
        return KS_EEXIST;
    /* Health survives a delete/re-add of the same name, as upstream's
     * nodeHealthMap is never pruned. */
    n->present = 1;
    n->zone = zone;
    n->excluded = excluded != 0;
    n->created = created;
    n->ready = (nlc_cond){KS_COND_NONE, 0, 0};
    n->has_lease = 0;
    n->taints = 0;
    return 0;
}

int ks_nlc_delete_node(ks_nlc *nlc, int node)
{
    nlc_node *n = get_node(nlc, node);
    if (!n)
        return KS_ENOENT;
    n->present = 0;
    return 0;
}

int ks_nlc_observe_status(ks_nlc *nlc, int node, ks_cond_status ready,
                          ks_time heartbeat, ks_time transition)
{
    nlc_node *n = get_node(nlc, node);
    if (!n)
        return KS_ENOENT;
    n->ready = (nlc_cond){ready, heartbeat, transition};
    return 0;
}

int ks_nlc_observe_lease(ks_nlc *nlc, int node, ks_time renew_time)
{
    nlc_node *n = get_node(nlc, node);
    if (!n)
        return KS_ENOENT;
    n->has_lease = 1;
    n->lease_renew = renew_time;
    return 0;
}

/* ---- zones and taint queues ---------------------------------------------------- */

/* addPodEvictorForNewZone: a zone seen for the first time (or again after
 * it vanished from zoneStates) gets state Initial and a fresh tainting
 * queue with a full limiter. */
static void add_evictor_for_zone(ks_nlc *nlc, int zone, ks_time now)
{
    nlc_zone *z = &nlc->zones[zone];
    if (z->in_states)
        return;
    z->in_states = 1;
    z->state = KS_ZONE_INITIAL;
    if (z->has_queue)
        ks_rl_queue_fini(&z->queue);
    ks_rl_queue_init(&z->queue, nlc->cfg.eviction_qps, now);
    z->has_queue = 1;
}

static ks_rl_queue *zone_queue(ks_nlc *nlc, const nlc_node *n)
{
    nlc_zone *z = &nlc->zones[n->zone];
    return z->has_queue ? &z->queue : NULL;
}

/* markNodeAsReachable: both NoExecute taints off, node out of the queue. */
static void mark_reachable(ks_nlc *nlc, int id, ks_time now,
                           ks_nlc_actions *acts)
{
    nlc_node *n = &nlc->nodes[id];
    const unsigned both = KS_NLC_TAINT_BIT_UNREACHABLE | KS_NLC_TAINT_BIT_NOT_READY;
    if (n->taints & both) {
        n->taints &= ~both;
        emit(acts, KS_NLC_UNTAINT, id, now, KS_ZONE_INITIAL);
    }
    ks_rl_queue *q = zone_queue(nlc, n);
    if (q)
        ks_rl_queue_remove(q, id);
}

/* markNodeForTainting: a node not yet carrying the taint for its status is
 * removed and re-added, so its place in the queue restarts at now. */
static void mark_for_tainting(ks_nlc *nlc, int id, ks_cond_status status,
                              ks_time now)
{
    nlc_node *n = &nlc->nodes[id];
    ks_rl_queue *q = zone_queue(nlc, n);
    if (!q)
        return;
    if (status == KS_COND_FALSE && !(n->taints & KS_NLC_TAINT_BIT_NOT_READY))
        ks_rl_queue_remove(q, id);
    if (status == KS_COND_UNKNOWN &&
        !(n->taints & KS_NLC_TAINT_BIT_UNREACHABLE))
        ks_rl_queue_remove(q, id);
    ks_rl_queue_add(q, id, now);
}

/* processTaintBaseEviction, driven by the Ready status observed BEFORE this
 * pass's own update: the pass that flips a node to Unknown sees True and
 * queues nothing; the next pass queues it. */
static void process_taint_based_eviction(ks_nlc *nlc, int id,
                                         ks_cond_status observed, ks_time now,
                                         ks_nlc_actions *acts)
{
    nlc_node *n = &nlc->nodes[id];
    switch (observed) {
    case KS_COND_FALSE:
        if (n->taints & KS_NLC_TAINT_BIT_UNREACHABLE) {
            n->taints = (n->taints & ~KS_NLC_TAINT_BIT_UNREACHABLE) |
                        KS_NLC_TAINT_BIT_NOT_READY;
            emit(acts, KS_NLC_TAINT_NOT_READY, id, now, KS_ZONE_INITIAL);
        } else {
            mark_for_tainting(nlc, id, KS_COND_FALSE, now);
        }
        break;
    case KS_COND_UNKNOWN:
        if (n->taints & KS_NLC_TAINT_BIT_NOT_READY) {
            n->taints = (n->taints & ~KS_NLC_TAINT_BIT_NOT_READY) |
                        KS_NLC_TAINT_BIT_UNREACHABLE;
            emit(acts, KS_NLC_TAINT_UNREACHABLE, id, now, KS_ZONE_INITIAL);
        } else {
            mark_for_tainting(nlc, id, KS_COND_UNKNOWN, now);
        }
        break;
    case KS_COND_TRUE:
        mark_reachable(nlc, id, now, acts);
        break;
    case KS_COND_NONE:
        break;
    }
}

/* ---- tryUpdateNodeHealth -------------------------------------------------------- */

static int cond_equal(const nlc_cond *a, const nlc_cond *b)
{
    return a->status == b->status && a->heartbeat == b->heartbeat &&
           a->transition == b->transition;
}

/* Resets nodeHealthData to the node's current status seen at now; upstream
 * builds a new struct without the lease, which makes the next lease check
 * treat the lease as new. */
static void health_reset(nlc_node *n, ks_time probe, ks_time transition)
{
    n->has_health = 1;
    n->saved = n->ready;
    n->probe = probe;
    n->ready_transition = transition;
    n->saved_has_lease = 0;
}

/* tryUpdateNodeHealth (003e8629).  *observed gets the Ready status before
 * the update, the return value the status after it. */
static ks_cond_status try_update_health(ks_nlc *nlc, int id, ks_time now,
                                        ks_cond_status *observed,
                                        ks_nlc_actions *acts)
{
    nlc_node *n = &nlc->nodes[id];
    nlc_cond obs;
    ks_time grace;
    if (n->ready.status == KS_COND_NONE) {
        /* Never posted: a fake Unknown condition stamped with the creation
         * time, and the startup grace period. */
        obs = (nlc_cond){KS_COND_UNKNOWN, n->created, n->created};
        grace = nlc->cfg.startup_grace;
        if (n->has_health) {
            n->saved.status = KS_COND_NONE;
        } else {
            n->has_health = 1;
            n->saved = (nlc_cond){KS_COND_NONE, 0, 0};
            n->probe = n->created;
            n->ready_transition = n->created;
            n->saved_has_lease = 0;
        }
    } else {
        obs = n->ready;
        grace = nlc->cfg.monitor_grace;
    }
    int saved_has_lease = n->has_health && n->saved_has_lease;
    ks_time saved_lease = n->saved_lease;
    ks_cond_status saved_status =
        n->has_health ? n->saved.status : KS_COND_NONE;
    ks_cond_status cur_status = n->ready.status;

    if (!n->has_health) {
        /* "Missing timestamp for Node. Assuming now as a timestamp." */
        health_reset(n, now, now);
    } else if (saved_status == KS_COND_NONE && cur_status != KS_COND_NONE) {
        health_reset(n, now, now);
    } else if (saved_status != KS_COND_NONE && cur_status == KS_COND_NONE) {
        health_reset(n, now, now);
    } else if (saved_status != KS_COND_NONE && cur_status != KS_COND_NONE &&
               n->saved.heartbeat != n->ready.heartbeat) {
        ks_time tr = n->saved.transition != n->ready.transition
                         ? now
                         : n->ready_transition;
        health_reset(n, now, tr);
    }
    /* Always update the probe time if the node lease is renewed. */
    if (n->has_lease && (!saved_has_lease || saved_lease < n->lease_renew)) {
        n->saved_has_lease = 1;
        n->saved_lease = n->lease_renew;
        n->probe = now;
    }

    *observed = obs.status;
    if (now > n->probe + grace) {
        nlc_cond cur = n->ready;
        if (cur.status == KS_COND_NONE)
            cur = (nlc_cond){KS_COND_UNKNOWN, n->created, now};
        else if (cur.status != KS_COND_UNKNOWN)
            cur = (nlc_cond){KS_COND_UNKNOWN, cur.heartbeat, now};
        if (!cond_equal(&cur, &obs)) {
            /* UpdateStatus; the controller's cache then holds it. */
            n->ready = cur;
            emit(acts, KS_NLC_STATUS_UNKNOWN, id, now, KS_ZONE_INITIAL);
            n->saved = cur;
            n->ready_transition = now;
            n->saved_has_lease = n->has_lease;
            n->saved_lease = n->lease_renew;
        }
    }
    return n->ready.status;
}

/* ---- handleDisruption ----------------------------------------------------------- */

static void set_zone_state(ks_nlc *nlc, int zone, ks_zone_state st,
                           ks_time now, ks_nlc_actions *acts)
{
    nlc_zone *z = &nlc->zones[zone];
    if (z->state != st)
        emit(acts, KS_NLC_ZONE_STATE, zone, now, st);
    z->state = st;
}

static void set_limiter_in_zone(ks_nlc *nlc, int zone, int size,
                                ks_zone_state st, ks_time now)
{
    float qps = ks_nlc_zone_qps(&nlc->cfg, st, size);
    nlc_zone *z = &nlc->zones[zone];
    if (qps >= 0 && z->has_queue)
        ks_rl_queue_swap_limiter(&z->queue, qps, now);
}

/* handleDisruption (003e8629).  ready_by_zone/size: the Ready statuses of
 * each zone's non-excluded nodes. */
static void handle_disruption(ks_nlc *nlc, ks_cond_status *const *by_zone,
                              const int *size, ks_time now,
                              ks_nlc_actions *acts)
{
    int nz = nlc->n_zones;
    ks_zone_state *new_state = ks_xcalloc((size_t)nz, sizeof *new_state);
    int all_are_full = 1;
    for (int z = 0; z < nz; z++) {
        if (size[z] == 0)
            continue;
        new_state[z] = ks_nlc_compute_zone_state(
            by_zone[z], (size_t)size[z], nlc->cfg.unhealthy_zone_threshold,
            NULL);
        if (new_state[z] != KS_ZONE_FULL_DISRUPTION)
            all_are_full = 0;
        if (!nlc->zones[z].in_states) {
            nlc->zones[z].in_states = 1;
            nlc->zones[z].state = KS_ZONE_INITIAL;
        }
    }
    int all_were_full = 1;
    for (int z = 0; z < nz; z++) {
        nlc_zone *zz = &nlc->zones[z];
        if (!zz->in_states)
            continue;
        if (size[z] == 0) {
            zz->in_states = 0; /* zone vanished from the counts */
            continue;
        }
        if (zz->state != KS_ZONE_FULL_DISRUPTION)
            all_were_full = 0;
    }

    if (!all_are_full || !all_were_full) {
        if (all_are_full) {
            /* Master disruption mode: untaint everything, stop tainting. */
            emit(acts, KS_NLC_ENTER_MASTER_DISRUPTION, -1, now,
                 KS_ZONE_FULL_DISRUPTION);
            for (size_t i = 0; i < nlc->n_nodes; i++)
                if (nlc->nodes[i].present)
                    mark_reachable(nlc, (int)i, now, acts);
            for (int z = 0; z < nz; z++) {
                if (!nlc->zones[z].in_states)
                    continue;
                if (nlc->zones[z].has_queue)
                    ks_rl_queue_swap_limiter(&nlc->zones[z].queue, 0, now);
                set_zone_state(nlc, z, KS_ZONE_FULL_DISRUPTION, now, acts);
            }
        } else if (all_were_full) {
            /* Leaving it: every node gets a fresh grace period. */
            emit(acts, KS_NLC_EXIT_MASTER_DISRUPTION, -1, now,
                 KS_ZONE_NORMAL);
            for (size_t i = 0; i < nlc->n_nodes; i++) {
                nlc_node *n = &nlc->nodes[i];
                if (n->present && n->has_health) {
                    n->probe = now;
                    n->ready_transition = now;
                }
            }
            for (int z = 0; z < nz; z++) {
                if (!nlc->zones[z].in_states)
                    continue;
                set_limiter_in_zone(nlc, z, size[z], new_state[z], now);
                set_zone_state(nlc, z, new_state[z], now, acts);
            }
        } else {
            for (int z = 0; z < nz; z++) {
                if (!nlc->zones[z].in_states ||
                    nlc->zones[z].state == new_state[z])
                    continue;
                set_limiter_in_zone(nlc, z, size[z], new_state[z], now);
                set_zone_state(nlc, z, new_state[z], now, acts);
            }
        }
    }
    free(new_state);
}

/* ---- monitorNodeHealth ---------------------------------------------------------- */

void ks_nlc_monitor(ks_nlc *nlc, ks_time now, ks_nlc_actions *acts)
{
    int nz = nlc->n_zones;
    /* classifyNodes: new zone representatives first, then added nodes. */
    for (size_t i = 0; i < nlc->n_nodes; i++) {
        nlc_node *n = &nlc->nodes[i];
        if (n->present && n->known)
            add_evictor_for_zone(nlc, n->zone, now);
    }
    for (size_t i = 0; i < nlc->n_nodes; i++) {
        nlc_node *n = &nlc->nodes[i];
        if (n->present && !n->known) {
            n->known = 1;
            add_evictor_for_zone(nlc, n->zone, now);
            mark_reachable(nlc, (int)i, now, acts);
        } else if (!n->present && n->known) {
            n->known = 0;
        }
    }

    /* zoneToNodeConditions: sized by a counting pass first. */
    ks_cond_status **by_zone = ks_xcalloc((size_t)nz, sizeof *by_zone);
    int *size = ks_xcalloc((size_t)nz, sizeof *size);
    for (size_t i = 0; i < nlc->n_nodes; i++)
        if (nlc->nodes[i].present && !nlc->nodes[i].excluded)
            size[nlc->nodes[i].zone]++;
    for (int z = 0; z < nz; z++) {
        by_zone[z] = ks_xcalloc((size_t)size[z] + 1, sizeof **by_zone);
        size[z] = 0;
    }

    for (size_t i = 0; i < nlc->n_nodes; i++) {
        nlc_node *n = &nlc->nodes[i];
        if (!n->present)
            continue;
        ks_cond_status observed;
        ks_cond_status current =
            try_update_health(nlc, (int)i, now, &observed, acts);
        if (!n->excluded)
            by_zone[n->zone][size[n->zone]++] = current;
        if (current == KS_COND_NONE)
            continue;
        process_taint_based_eviction(nlc, (int)i, observed, now, acts);
        if (current != KS_COND_TRUE && observed == KS_COND_TRUE)
            emit(acts, KS_NLC_PODS_NOT_READY, (int)i, now, KS_ZONE_INITIAL);
    }

    handle_disruption(nlc, by_zone, size, now, acts);

    for (int z = 0; z < nz; z++)
        free(by_zone[z]);
    free(by_zone);
    free(size);
}

/* ---- doNoExecuteTaintingPass ---------------------------------------------------- */

typedef struct taint_ctx {
    ks_nlc *nlc;
    ks_nlc_actions *acts;
} taint_ctx;

static int taint_one(void *vctx, int id, ks_time now, ks_time *retry_wait)
{
    taint_ctx *ctx = vctx;
    nlc_node *n = get_node(ctx->nlc, id);
    if (!n)
        return 1; /* node no longer present */
    switch (n->ready.status) {
    case KS_COND_NONE:
        *retry_wait = 50 * KS_MILLISECOND;
        return 0;
    case KS_COND_FALSE:
        if (n->taints != KS_NLC_TAINT_BIT_NOT_READY)
            emit(ctx->acts, KS_NLC_TAINT_NOT_READY, id, now, KS_ZONE_INITIAL);
        n->taints = KS_NLC_TAINT_BIT_NOT_READY;
        return 1;
    case KS_COND_UNKNOWN:
        if (n->taints != KS_NLC_TAINT_BIT_UNREACHABLE)
            emit(ctx->acts, KS_NLC_TAINT_UNREACHABLE, id, now,
                 KS_ZONE_INITIAL);
        n->taints = KS_NLC_TAINT_BIT_UNREACHABLE;
        return 1;
    case KS_COND_TRUE:
        return 1; /* ready again: nothing to taint */
    }
    return 1;
}

void ks_nlc_tainting_pass(ks_nlc *nlc, ks_time now, ks_nlc_actions *acts)
{
    taint_ctx ctx = {nlc, acts};
    for (int z = 0; z < nlc->n_zones; z++)
        if (nlc->zones[z].has_queue)
            ks_rl_queue_try(&nlc->zones[z].queue, now, taint_one, &ctx);
}

ks_time ks_nlc_next_tainting(const ks_nlc *nlc, ks_time now)
{
    ks_time best = KS_TIME_NEVER;
    for (int z = 0; z < nlc->n_zones; z++) {
        if (!nlc->zones[z].has_queue)
            continue;
        ks_time t = ks_rl_queue_next_due(&nlc->zones[z].queue, now);
        if (t < best)
            best = t;
    }
    return best;
}

/* ---- views ------------------------------------------------------------------------ */

ks_cond_status ks_nlc_node_ready(const ks_nlc *nlc, int node)
{
    nlc_node *n = get_node(nlc, node);
    return n ? n->ready.status : KS_COND_NONE;
}

unsigned ks_nlc_node_noexec_taints(const ks_nlc *nlc, int node)
{
    nlc_node *n = get_node(nlc, node);
    return n ? n->taints : 0;
}

ks_time ks_nlc_node_probe_time(const ks_nlc *nlc, int node)
{
    nlc_node *n = get_node(nlc, node);
    return n && n->has_health ? n->probe : KS_TIME_NEVER;
}

ks_zone_state ks_nlc_zone_state(const ks_nlc *nlc, int zone)
{
    if (zone < 0 || zone >= nlc->n_zones || !nlc->zones[zone].in_states)
        return KS_ZONE_INITIAL;
    return nlc->zones[zone].state;
}

float ks_nlc_zone_limiter_qps(const ks_nlc *nlc, int zone)
{
    if (zone < 0 || zone >= nlc->n_zones || !nlc->zones[zone].has_queue)
        return -1;
    const ks_token_bucket *b = &nlc->zones[zone].queue.limiter;
    return b->limit > 0 ? b->qps : 0;
}

/* ---- taint eviction ------------------------------------------------------------- */

/* GetMatchingTolerations (core/v1 helper). */
int ks_taint_eviction_matching(const ks_taint *taints, size_t ntaints,
                               const ks_toleration *tols, size_t ntols,
                               size_t *used)
{
    if (ntaints == 0)
        return 1;
    if (ntols == 0)
        return 0;
    for (size_t i = 0; i < ntaints; i++) {
        size_t j = 0;
        while (j < ntols && !ks_toleration_tolerates(&tols[j], &taints[i]))
            j++;
        if (j == ntols)
            return 0;
        if (used)
            used[i] = j;
    }
    return 1;
}

/* getMinTolerationTime (taint_eviction.go 003e8629). */
ks_time ks_taint_eviction_min_toleration(const ks_toleration *const *used,
                                         size_t n)
{
    if (n == 0)
        return 0;
    int64_t min = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!used[i]->has_seconds)
            continue;
        int64_t s = used[i]->toleration_seconds;
        if (s <= 0)
            return 0;
        if (s < min)
            min = s;
    }
    if (min == INT64_MAX)
        return -1;
    if (min > (KS_TIME_NEVER - 1) / KS_SECOND)
        return KS_TIME_NEVER - 1; /* effectively forever, without overflow */
    return min * KS_SECOND;
}

static ks_time add_sat(ks_time a, ks_time b)
{
    return b > KS_TIME_NEVER - a ? KS_TIME_NEVER : a + b;
}

/* processPodOnNode (taint_eviction.go 003e8629), plus handleNodeUpdate's
 * "no NoExecute taints: cancel" short cut. */
void ks_taint_eviction_process_pod(const ks_taint *taints, size_t ntaints,
                                   const ks_toleration *tols, size_t ntols,
                                   ks_time now, ks_eviction_work *work)
{
    ks_taint *noexec = ks_xmalloc((ntaints + 1) * sizeof *noexec);
    size_t k = 0;
    for (size_t i = 0; i < ntaints; i++)
        if (taints[i].effect == KS_EFFECT_NO_EXECUTE)
            noexec[k++] = taints[i];
    if (k == 0) {
        work->scheduled = 0;
        free(noexec);
        return;
    }
    size_t *used = ks_xmalloc(k * sizeof *used);
    int all = ks_taint_eviction_matching(noexec, k, tols, ntols, used);
    if (!all) {
        /* Delete at once, replacing any scheduled deletion. */
        *work = (ks_eviction_work){1, now, now};
    } else {
        const ks_toleration **up = ks_xmalloc(k * sizeof *up);
        for (size_t i = 0; i < k; i++)
            up[i] = &tols[used[i]];
        ks_time min = ks_taint_eviction_min_toleration(up, k);
        free(up);
        if (min < 0) {
            work->scheduled = 0; /* tolerated forever */
        } else {
            ks_time start = now;
            ks_time trigger = add_sat(now, min);
            int keep = 0;
            if (work->scheduled) {
                start = work->created_at;
                keep = add_sat(start, min) < trigger;
            }
            if (!keep)
                *work = (ks_eviction_work){1, start, trigger};
        }
    }
    free(used);
    free(noexec);
}

static int cmp_time(const void *a, const void *b)
{
    ks_time x = *(const ks_time *)a, y = *(const ks_time *)b;
    return (x > y) - (x < y);
}

ks_time ks_taint_eviction_deletion_time(const ks_taint *taints,
                                        const ks_time *added, size_t ntaints,
                                        const ks_toleration *tols,
                                        size_t ntols)
{
    ks_time *times = ks_xmalloc((ntaints + 1) * sizeof *times);
    memcpy(times, added, ntaints * sizeof *times);
    qsort(times, ntaints, sizeof *times, cmp_time);
    ks_taint *cur = ks_xmalloc((ntaints + 1) * sizeof *cur);
    ks_eviction_work work = {0};
    ks_time result = KS_TIME_NEVER;
    int done = 0;
    for (size_t t = 0; t < ntaints && !done; t++) {
        if (t > 0 && times[t] == times[t - 1])
            continue;
        /* A deletion due by this change happens first. */
        if (work.scheduled && work.fire_at <= times[t]) {
            result = work.fire_at;
            done = 1;
            break;
        }
        size_t k = 0;
        for (size_t i = 0; i < ntaints; i++)
            if (added[i] <= times[t])
                cur[k++] = taints[i];
        ks_taint_eviction_process_pod(cur, k, tols, ntols, times[t], &work);
    }
    if (!done && work.scheduled)
        result = work.fire_at;
    free(cur);
    free(times);
    return result;
}

void ks_default_noexec_tolerations(ks_toleration out[2])
{
    static char not_ready[] = KS_TAINT_KEY_NOT_READY;
    static char unreachable[] = KS_TAINT_KEY_UNREACHABLE;
    out[0] = (ks_toleration){.key = not_ready,
                             .op = KS_TOLERATION_EXISTS,
                             .effect = KS_EFFECT_NO_EXECUTE,
                             .has_seconds = 1,
                             .toleration_seconds = KS_DEFAULT_TOLERATION_SECONDS};
    out[1] = out[0];
    out[1].key = unreachable;
}
