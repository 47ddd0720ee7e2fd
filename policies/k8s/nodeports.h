/* nodeports.h - the NodePorts plugin (PreFilter and Filter).
 *
 * Re-implements pkg/scheduler/framework/plugins/nodeports/node_ports.go
 * (Kubernetes v1.36):
 *   PreFilter: Skip when the pod asks for no host port (then Filter is not
 *     run for it).
 *   Filter: Unschedulable, "node(s) didn't have free ports for the requested
 *     pod ports", when one of the pod's host ports conflicts with a host port
 *     of a pod bound to the node: same protocol and port, and the same host
 *     IP or either of them 0.0.0.0 (framework HostPortInfo.CheckConflict).
 *   No args, no Score (default weight 0).
 */
#ifndef KS_NODEPORTS_H
#define KS_NODEPORTS_H

#include "policies/plugin.h"

/* The upstream rejection message (nodeports.ErrReason). */
#define KS_NODEPORTS_ERR_REASON                                                \
    "node(s) didn't have free ports for the requested pod ports"

extern const ks_plugin ks_plugin_nodeports;

ks_status ks_nodeports_pre_filter(const ks_plugin_call *call);
ks_status ks_nodeports_filter(const ks_plugin_call *call, const ks_node *node);

#endif
