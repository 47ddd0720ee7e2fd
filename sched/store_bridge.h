/* store_bridge.h - the kube-scheduler's informers and binder on the object
 * store.
 *
 * The scheduler of sched/scheduler.h works on a ks_cluster; in a cluster
 * simulated through the store (docs/control-loop.md) its view comes from
 * watches, as kube-scheduler's informer cache does: Node objects become
 * cluster nodes (allocatable, NoSchedule/NoExecute taints as they change),
 * pending Pod objects without a node become cluster pods queued for
 * scheduling, and a decision becomes a binding: the pod is assumed at once
 * (the cluster accounts it) and its Pod object gets the node
 * (spec.nodeName) after the bind latency, which the node's kubelet then
 * sees.  A Pod object deleted while queued is skipped; one deleted while
 * bound frees its resources and wakes the unschedulable pods.
 *
 * Ownership: the bridge owns its cluster, scheduler and maps; engine,
 * store and the scheduler configuration's plugins/args are borrowed.
 */
#ifndef KS_STORE_BRIDGE_H
#define KS_STORE_BRIDGE_H

#include <gsl/gsl_rng.h>

#include "sched/scheduler.h"
#include "sim/cluster.h"
#include "sim/engine.h"
#include "sim/store.h"

typedef struct ks_store_bridge ks_store_bridge;

typedef struct ks_store_bridge_config {
    ks_time watch_delay;  /* informer delivery delay (0) */
    ks_time bind_latency; /* assume -> nodeName written (0) */
} ks_store_bridge_config;

/* cfg: the scheduler's configuration (NULL: ks_scheduler_default_config);
 * tiebreak: its random stream (borrowed). */
ks_store_bridge *ks_store_bridge_create(ks_engine *e, ks_store *s,
                                        const ks_scheduler_config *cfg,
                                        gsl_rng *tiebreak,
                                        const ks_store_bridge_config *bcfg);
void ks_store_bridge_destroy(ks_store_bridge *b); /* accepts NULL */

/* The scheduler's cluster view (read-only for callers). */
const ks_cluster *ks_store_bridge_cluster(const ks_store_bridge *b);
uint64_t ks_store_bridge_bindings(const ks_store_bridge *b);
/* The scheduler (for its queue, counters and plugin statistics). */
ks_scheduler *ks_store_bridge_scheduler(ks_store_bridge *b);

#endif
