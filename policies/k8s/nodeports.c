/* nodeports.c - NodePorts: a pod's host ports must be free on the node.
 *
 * Re-implemented from kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/nodeports/node_ports.go (v1.36 tree:
 * PreFilter skips pods without host ports, Filter checks the node's used
 * ports) with pkg/scheduler/util GetHostPorts (only ports with hostPort > 0)
 * and the conflict rule of framework HostPortInfo (ks_host_ports_conflict).
 * The pod's wanted ports are read from its spec, so there is no per-cycle
 * state and no allocation.
 */
#include "policies/k8s/nodeports.h"

const ks_plugin ks_plugin_nodeports = {
    .name = "NodePorts",
    .pre_filter = ks_nodeports_pre_filter,
    .filter = ks_nodeports_filter,
    .default_weight = 0,
};

/* GetHostPorts keeps only ports with a host port; a port <= 0 never
 * conflicts either (HostPortInfo.CheckConflict). */
static int is_host_port(const ks_host_port *p)
{
    return p->port > 0;
}

static size_t count_host_ports(const ks_pod_spec *spec)
{
    size_t n = 0;
    if (spec)
        for (size_t i = 0; i < spec->nhost_ports; i++)
            n += is_host_port(&spec->host_ports[i]);
    return n;
}

ks_status ks_nodeports_pre_filter(const ks_plugin_call *call)
{
    if (count_host_ports(call->pod->spec) == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    return ks_status_ok();
}

/* True if `want` conflicts with a host port of a pod bound to the node. */
static int port_in_use(const ks_cluster *c, const ks_node *node,
                       const ks_host_port *want)
{
    const ks_node_pods *np = ks_cluster_node_pods(c, node);
    for (uint32_t i = 0; i < np->n; i++) {
        const ks_pod_spec *spec = c->pods[np->pods[i]].spec;
        if (!spec)
            continue;
        for (size_t j = 0; j < spec->nhost_ports; j++) {
            const ks_host_port *used = &spec->host_ports[j];
            if (is_host_port(used) && ks_host_ports_conflict(want, used))
                return 1;
        }
    }
    return 0;
}

ks_status ks_nodeports_filter(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod_spec *spec = call->pod->spec;
    if (!spec)
        return ks_status_ok();
    for (size_t i = 0; i < spec->nhost_ports; i++) {
        const ks_host_port *want = &spec->host_ports[i];
        if (is_host_port(want) && port_in_use(call->cluster, node, want))
            return ks_status_make(KS_STATUS_UNSCHEDULABLE, 0,
                                  KS_NODEPORTS_ERR_REASON);
    }
    return ks_status_ok();
}
