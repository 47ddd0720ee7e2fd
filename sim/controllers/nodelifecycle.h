/* nodelifecycle.h - the node lifecycle controller and the taint-eviction
 * controller (taint manager), as pure deterministic state machines.
 *
 * Re-implements (kubernetes/kubernetes, read at commit 003e8629):
 *   pkg/controller/nodelifecycle/node_lifecycle_controller.go
 *     tryUpdateNodeHealth, monitorNodeHealth, processTaintBaseEviction,
 *     markNodeForTainting, markNodeAsReachable, doNoExecuteTaintingPass,
 *     doNoScheduleTaintingPass (the condition -> taint map), handleDisruption,
 *     setLimiterInZone, ComputeZoneState, HealthyQPSFunc, ReducedQPSFunc;
 *   pkg/controller/tainteviction/taint_eviction.go
 *     getMinTolerationTime, processPodOnNode, handleNodeUpdate
 *     (+ core/v1 helper GetMatchingTolerations).
 * Defaults: cmd/kube-controller-manager/app/options and
 * ../shared/reference/k8s-control-loop.md section 1 (grace 50 s since
 * v1.32, startup grace 60 s, period 5 s, rates 0.1 / 0.01, large cluster 50,
 * unhealthy threshold 0.55).
 *
 * How the lead drives it (nodes and zones are small integer ids):
 *   ks_nlc_create(cfg)                       once per controller (leader)
 *   ks_nlc_add_node(nlc, node, zone, created) when the informer sees a Node
 *   ks_nlc_delete_node(nlc, node)            on Node deletion
 *   ks_nlc_observe_status(...)               the Node's Ready condition as
 *                                            the informer last delivered it
 *   ks_nlc_observe_lease(nlc, node, renew)   the Lease's renewTime as the
 *                                            informer last delivered it
 *   ks_nlc_monitor(nlc, now, &acts)          every node-monitor-period (5 s)
 *   ks_nlc_tainting_pass(nlc, now, &acts)    every 100 ms (NodeEvictionPeriod),
 *                                            or at ks_nlc_next_tainting(...)
 *   then apply acts to the store (status writes, taints, pod readiness).
 * The controller's own writes (Ready=Unknown, NoExecute taints) are applied
 * to its node view at once: the lead's informer echo of them is then a
 * no-op.  A restarted controller is a fresh ks_nlc (no saved health: every
 * node gets a full grace period, as upstream).
 *
 * Taint eviction: ks_taint_eviction_process_pod is processPodOnNode for one
 * pod; ks_taint_eviction_deletion_time replays a node's NoExecute taint
 * history to give the time the pod is deleted.
 *
 * Ownership: ks_nlc is opaque, created/destroyed in pairs; ks_nlc_actions
 * owns its array (ks_nlc_actions_free).  Taints and tolerations are
 * borrowed.
 */
#ifndef KS_CONTROLLERS_NODELIFECYCLE_H
#define KS_CONTROLLERS_NODELIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/controllers/ratelimit.h"
#include "sim/engine.h"
#include "sim/objects.h"

/* ---- configuration ---------------------------------------------------------- */

typedef struct ks_nlc_config {
    ks_time monitor_period;         /* --node-monitor-period, 5 s */
    ks_time monitor_grace;          /* --node-monitor-grace-period, 50 s */
    ks_time startup_grace;          /* --node-startup-grace-period, 60 s */
    ks_time tainting_period;        /* NodeEvictionPeriod, 100 ms */
    float eviction_qps;             /* --node-eviction-rate, 0.1 */
    float secondary_eviction_qps;   /* --secondary-node-eviction-rate, 0.01 */
    int32_t large_cluster_threshold; /* --large-cluster-size-threshold, 50 */
    float unhealthy_zone_threshold; /* --unhealthy-zone-threshold, 0.55 */
} ks_nlc_config;

void ks_nlc_config_default(ks_nlc_config *cfg);

/* ---- node conditions and zone states ---------------------------------------- */

typedef enum ks_cond_status {
    KS_COND_NONE = 0, /* no Ready condition: kubelet never posted status */
    KS_COND_TRUE,
    KS_COND_FALSE,
    KS_COND_UNKNOWN
} ks_cond_status;

typedef enum ks_zone_state {
    KS_ZONE_INITIAL = 0,
    KS_ZONE_NORMAL,
    KS_ZONE_FULL_DISRUPTION,
    KS_ZONE_PARTIAL_DISRUPTION
} ks_zone_state;

const char *ks_zone_state_name(ks_zone_state s);

/* ComputeZoneState over the Ready statuses of a zone's (non-excluded)
 * nodes; NONE counts as not ready.  Full: no ready node and some not
 * ready; Partial: > 2 not ready and notReady/total >= threshold (compared
 * in float32 as upstream); else Normal.  *not_ready (may be NULL) gets the
 * not-ready count. */
ks_zone_state ks_nlc_compute_zone_state(const ks_cond_status *ready, size_t n,
                                        float unhealthy_threshold,
                                        int *not_ready);

/* HealthyQPSFunc and ReducedQPSFunc (0 when the zone has <= threshold
 * nodes). */
float ks_nlc_healthy_qps(const ks_nlc_config *cfg, int zone_size);
float ks_nlc_reduced_qps(const ks_nlc_config *cfg, int zone_size);
/* setLimiterInZone's choice: Normal -> eviction_qps, Partial -> reduced,
 * Full -> healthy.  Initial -> -1 (no change). */
float ks_nlc_zone_qps(const ks_nlc_config *cfg, ks_zone_state state,
                      int zone_size);

/* doNoScheduleTaintingPass's map for the Ready condition: the
 * NoSchedule taint key the node must carry ("node.kubernetes.io/not-ready"
 * for False, ".../unreachable" for Unknown), or NULL. */
const char *ks_nlc_noschedule_taint_for(ks_cond_status ready);

#define KS_TAINT_KEY_NOT_READY "node.kubernetes.io/not-ready"
#define KS_TAINT_KEY_UNREACHABLE "node.kubernetes.io/unreachable"

/* ---- actions the lead applies to the store ----------------------------------- */

typedef enum ks_nlc_action_kind {
    /* UpdateStatus: Ready (and Memory/Disk/PID pressure) set to Unknown,
     * reason NodeStatusUnknown (or NodeStatusNeverUpdated). */
    KS_NLC_STATUS_UNKNOWN,
    /* MarkPodsNotReady on the node (Ready -> not True transition). */
    KS_NLC_PODS_NOT_READY,
    /* NoExecute taint added (the opposite NoExecute taint removed). */
    KS_NLC_TAINT_UNREACHABLE,
    KS_NLC_TAINT_NOT_READY,
    /* Both NoExecute taints removed (markNodeAsReachable). */
    KS_NLC_UNTAINT,
    /* Zone changed state (node = zone id, state = new state). */
    KS_NLC_ZONE_STATE,
    /* All zones fully disrupted / some node back (node = -1). */
    KS_NLC_ENTER_MASTER_DISRUPTION,
    KS_NLC_EXIT_MASTER_DISRUPTION
} ks_nlc_action_kind;

typedef struct ks_nlc_action {
    ks_nlc_action_kind kind;
    int node;
    ks_time at;
    ks_zone_state state; /* KS_NLC_ZONE_STATE only */
} ks_nlc_action;

typedef struct ks_nlc_actions {
    ks_nlc_action *v;
    size_t n, cap;
} ks_nlc_actions;

void ks_nlc_actions_clear(ks_nlc_actions *a);
void ks_nlc_actions_free(ks_nlc_actions *a);

/* ---- the controller ------------------------------------------------------------ */

typedef struct ks_nlc ks_nlc;

/* n_zones: zone ids are 0..n_zones-1 (a cluster without zone labels is
 * one zone).  cfg NULL = defaults. */
ks_nlc *ks_nlc_create(const ks_nlc_config *cfg, int n_zones);
void ks_nlc_destroy(ks_nlc *nlc); /* accepts NULL */

/* Registers a Node object (informer add); excluded = it carries the
 * node.kubernetes.io/exclude-disruption label.  The controller notices it
 * at its next monitor pass.  Returns KS_EINVAL for a bad id/zone. */
int ks_nlc_add_node(ks_nlc *nlc, int node, int zone, ks_time created,
                    int excluded);
int ks_nlc_delete_node(ks_nlc *nlc, int node);

/* The Ready condition as posted by the kubelet: status, lastHeartbeatTime
 * and lastTransitionTime (kubelet clock; only compared for change). */
int ks_nlc_observe_status(ks_nlc *nlc, int node, ks_cond_status ready,
                          ks_time heartbeat, ks_time transition);
/* The node's Lease renewTime as the informer delivered it. */
int ks_nlc_observe_lease(ks_nlc *nlc, int node, ks_time renew_time);

/* One monitorNodeHealth pass at now. Appends to acts. */
void ks_nlc_monitor(ks_nlc *nlc, ks_time now, ks_nlc_actions *acts);
/* One doNoExecuteTaintingPass at now (zones in id order). */
void ks_nlc_tainting_pass(ks_nlc *nlc, ks_time now, ks_nlc_actions *acts);
/* Earliest time >= now a tainting pass can taint something (KS_TIME_NEVER
 * if none); round up to the 100 ms grid to stay exact. */
ks_time ks_nlc_next_tainting(const ks_nlc *nlc, ks_time now);

/* Views for the lead, tests and metrics. */
ks_cond_status ks_nlc_node_ready(const ks_nlc *nlc, int node);
/* Bit 1: unreachable:NoExecute, bit 2: not-ready:NoExecute. */
unsigned ks_nlc_node_noexec_taints(const ks_nlc *nlc, int node);
#define KS_NLC_TAINT_BIT_UNREACHABLE 1u
#define KS_NLC_TAINT_BIT_NOT_READY 2u
ks_time ks_nlc_node_probe_time(const ks_nlc *nlc, int node);
ks_zone_state ks_nlc_zone_state(const ks_nlc *nlc, int zone);
float ks_nlc_zone_limiter_qps(const ks_nlc *nlc, int zone);

/* ---- taint eviction (taint manager) --------------------------------------------- */

/* GetMatchingTolerations: 1 if every taint is tolerated, with used[i] the
 * index of the first toleration tolerating taints[i] (used may be NULL). */
int ks_taint_eviction_matching(const ks_taint *taints, size_t ntaints,
                               const ks_toleration *tols, size_t ntols,
                               size_t *used);

/* getMinTolerationTime over the used tolerations (pointers): 0 for none,
 * 0 if any has tolerationSeconds <= 0, -1 if none has tolerationSeconds
 * (forever), else the minimum in ns. */
ks_time ks_taint_eviction_min_toleration(const ks_toleration *const *used,
                                         size_t n);

/* The taint manager's scheduled deletion of one pod (TimedWorkerQueue
 * entry). */
typedef struct ks_eviction_work {
    int scheduled;
    ks_time created_at;
    ks_time fire_at;
} ks_eviction_work;

/* processPodOnNode at now for the node's taints (non-NoExecute ones are
 * ignored, as getNoExecuteTaints does): no NoExecute taint cancels; an
 * untolerated one schedules deletion at now; finite tolerations schedule
 * now + min(tolerationSeconds), keeping an earlier-created schedule;
 * infinite toleration cancels. */
void ks_taint_eviction_process_pod(const ks_taint *taints, size_t ntaints,
                                   const ks_toleration *tols, size_t ntols,
                                   ks_time now, ks_eviction_work *work);

/* When is this pod deleted: replays the node's taints, taint i present
 * from added[i] on (the taint manager processing each change at that
 * time), and returns the deletion time or KS_TIME_NEVER. */
ks_time ks_taint_eviction_deletion_time(const ks_taint *taints,
                                        const ks_time *added, size_t ntaints,
                                        const ks_toleration *tols,
                                        size_t ntols);

/* The DefaultTolerationSeconds admission plugin's two tolerations
 * (not-ready and unreachable, Exists, NoExecute, 300 s).  The strings are
 * static: never free them. */
#define KS_DEFAULT_TOLERATION_SECONDS 300
void ks_default_noexec_tolerations(ks_toleration out[2]);

#endif
