/* nodename.h - the NodeName plugin (Filter).
 *
 * Re-implements pkg/scheduler/framework/plugins/nodename/node_name.go
 * (Kubernetes v1.36): a pod whose spec.nodeName is set (non-empty) fits
 * only the node of that name; any other node rejects it as
 * UnschedulableAndUnresolvable, message
 * "node(s) didn't match the requested node name".  No Score (default
 * weight 0), no args.
 */
#ifndef KS_NODENAME_H
#define KS_NODENAME_H

#include "policies/plugin.h"

/* Filter rejection reason (ks_status.reasons bit). */
#define KS_NODE_NAME_MISMATCH (1u << 0)

extern const ks_plugin ks_plugin_nodename;

/* nodename.Fits: no nodeName, or nodeName equal to the node's name. */
int ks_node_name_fits(const ks_pod *pod, const ks_node *node);

ks_status ks_node_name_filter(const ks_plugin_call *call,
                              const ks_node *node);

#endif
