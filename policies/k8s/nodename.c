/* nodename.c - NodeName: a pod that names its node goes there or nowhere.
 *
 * Re-implemented from pkg/scheduler/framework/plugins/nodename/node_name.go
 * (Kubernetes v1.36; read at commit 6f137b77b15d, test at 96a58e4b8a59).
 */
#include "policies/k8s/nodename.h"

#include <string.h>

const ks_plugin ks_plugin_nodename = {
    .name = "NodeName",
    .filter = ks_node_name_filter,
    .default_args = NULL,
    .default_weight = 0,
};

int ks_node_name_fits(const ks_pod *pod, const ks_node *node)
{
    const char *want = pod && pod->spec ? pod->spec->node_name : NULL;
    if (!want || !want[0])
        return 1;
    return node->name && strcmp(want, node->name) == 0;
}

ks_status ks_node_name_filter(const ks_plugin_call *call, const ks_node *node)
{
    if (ks_node_name_fits(call->pod, node))
        return ks_status_ok();
    /* Unresolvable: no preemption renames a node. */
    return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                          KS_NODE_NAME_MISMATCH,
                          "node(s) didn't match the requested node name");
}
