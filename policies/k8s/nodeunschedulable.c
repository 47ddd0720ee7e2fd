/* nodeunschedulable.c - NodeUnschedulable: keep pods off cordoned nodes.
 *
 * Re-implemented from pkg/scheduler/framework/plugins/nodeunschedulable/
 * node_unschedulable.go (Kubernetes v1.36; read at commit 09b2e8f638da,
 * test at b574b11f6b28, behaviour unchanged since): a pod that tolerates
 * the unschedulable taint also tolerates node.spec.unschedulable.
 */
#include "policies/k8s/nodeunschedulable.h"

const ks_plugin ks_plugin_nodeunschedulable = {
    .name = "NodeUnschedulable",
    .filter = ks_node_unschedulable_filter,
    .default_args = NULL,
    .default_weight = 0,
};

ks_status ks_node_unschedulable_filter(const ks_plugin_call *call,
                                       const ks_node *node)
{
    const ks_node_info *info = ks_cluster_node_info(call->cluster, node);
    if (!info->unschedulable)
        return ks_status_ok();
    /* The taint the node lifecycle controller puts on cordoned nodes. */
    const ks_taint unschedulable = {
        .key = (char *)KS_TAINT_NODE_UNSCHEDULABLE,
        .value = NULL,
        .effect = KS_EFFECT_NO_SCHEDULE,
    };
    const ks_pod_spec *spec = call->pod ? call->pod->spec : NULL;
    if (spec && ks_tolerations_tolerate(spec->tolerations, spec->ntolerations,
                                        &unschedulable))
        return ks_status_ok();
    /* Unresolvable: evicting pods does not uncordon the node. */
    return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                          KS_NODE_UNSCHEDULABLE, "node(s) were unschedulable");
}
