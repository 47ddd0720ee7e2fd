/* nodelife_controller.h - the node lifecycle controller and the taint
 * manager as components on the object store.
 *
 * Drives the algorithm of nodelifecycle.h from the store: Node objects
 * (zone from their body) and Lease renewals arrive through watches;
 * every node-monitor-period (5 s) the controller runs a monitor pass and
 * applies what it decided to the store: Ready=Unknown on the Node, pods
 * of the node marked not ready, NoExecute taints (through the per-zone
 * rate limiters' tainting passes) and their removal.  The taint manager
 * part deletes each pod of a tainted node at the time its tolerations
 * allow (tolerationSeconds; at once without a matching toleration),
 * unless the taint is gone by then.  Nodes are assumed to have posted
 * Ready when their Node object appears (their kubelet registered them).
 *
 * Writes refused by the store (no etcd quorum) are skipped: the next
 * monitor pass decides again from the same state, as upstream retries.
 *
 * Ownership: owns its ks_nlc and maps; borrows the engine and store.  Its
 * periodic events stay in the engine: destroy it only when the engine
 * will not run again.
 */
#ifndef KS_NODELIFE_CONTROLLER_H
#define KS_NODELIFE_CONTROLLER_H

#include "sim/controllers/nodelifecycle.h"
#include "sim/engine.h"
#include "sim/podevents.h"
#include "sim/store.h"

typedef struct ks_nodelife_controller ks_nodelife_controller;

/* cfg NULL: upstream defaults.  watch_delay: its informers' delay. */
ks_nodelife_controller *ks_nodelife_controller_create(
    ks_engine *e, ks_store *s, const ks_nlc_config *cfg, ks_time watch_delay);
void ks_nodelife_controller_destroy(ks_nodelife_controller *c);

/* Records each taint-based eviction in events (borrowed; NULL: none). */
void ks_nodelife_controller_set_events(ks_nodelife_controller *c,
                                       ks_podevents *events);

/* Counters for tests and metrics. */
typedef struct ks_nodelife_stats {
    uint64_t unknown;  /* Ready set to Unknown */
    uint64_t tainted;  /* NoExecute taints added */
    uint64_t evicted;  /* pods deleted by the taint manager */
} ks_nodelife_stats;
const ks_nodelife_stats *ks_nodelife_controller_stats(
    const ks_nodelife_controller *c);

#endif
