/* nodeunschedulable.h - the NodeUnschedulable plugin (Filter).
 *
 * Re-implements pkg/scheduler/framework/plugins/nodeunschedulable/
 * node_unschedulable.go (Kubernetes v1.36): a node with
 * spec.unschedulable set (a cordoned node) rejects the pod as
 * UnschedulableAndUnresolvable, message "node(s) were unschedulable",
 * unless one of the pod's tolerations tolerates the taint
 * node.kubernetes.io/unschedulable:NoSchedule (empty value).  No Score
 * (default weight 0), no args.
 */
#ifndef KS_NODEUNSCHEDULABLE_H
#define KS_NODEUNSCHEDULABLE_H

#include "policies/plugin.h"

/* Filter rejection reason (ks_status.reasons bit). */
#define KS_NODE_UNSCHEDULABLE (1u << 0)

/* v1.TaintNodeUnschedulable. */
#define KS_TAINT_NODE_UNSCHEDULABLE "node.kubernetes.io/unschedulable"

extern const ks_plugin ks_plugin_nodeunschedulable;

ks_status ks_node_unschedulable_filter(const ks_plugin_call *call,
                                       const ks_node *node);

#endif
