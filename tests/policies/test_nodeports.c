/* test_nodeports.c - NodePorts PreFilter and Filter, ported case by case
 * from kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/nodeports/node_ports_test.go TestNodePorts
 * (v1.36 tree, commit 27214b84cfe3).
 *
 * Upstream's newPod(host, "PROTO/IP/PORT"...) becomes a pod whose spec has
 * those host ports; the node's existing pod is bound to it.  Not ported:
 * TestPreFilterDisabled (Filter without PreFilter is a framework error in
 * upstream; ksim's Filter reads the pod's spec directly),
 * TestGetContainerPorts (ksim's spec already lists only host ports, built
 * by the loader) and Test_isSchedulableAfterPodDeleted (queueing hints).
 */
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/nodeports.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_nodeports(void);

#define PORTS(...)                                                             \
    (const char *const[]){__VA_ARGS__},                                        \
        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)
#define NO_PORTS NULL, 0

/* Parses "UDP/127.0.0.1/8080". */
static ks_host_port parse_port(const char *s)
{
    ks_host_port p = {0};
    const char *a = strchr(s, '/'), *b = strrchr(s, '/');
    p.protocol = strncmp(s, "UDP", 3) == 0    ? KS_PROTO_UDP
                 : strncmp(s, "SCTP", 4) == 0 ? KS_PROTO_SCTP
                                              : KS_PROTO_TCP;
    p.host_ip = ks_xstrndup(a + 1, (size_t)(b - a - 1));
    p.port = (int32_t)atoi(b + 1);
    return p;
}

/* newPod(host, ports...): a pod requesting nothing, with these host ports
 * (no spec at all when there are none, like &v1.Pod{}). */
static uint32_t add_pod(ks_cluster *c, const char *const *ports, size_t n)
{
    const int64_t none[KS_RES_COUNT] = {0, 0, 1};
    uint32_t p = ks_cluster_add_pod(c, 0, none, 1, 0, 0);
    if (n == 0)
        return p;
    ks_pod_spec *spec = ks_xcalloc(1, sizeof *spec);
    spec->host_ports = ks_xcalloc(n, sizeof *spec->host_ports);
    spec->nhost_ports = n;
    for (size_t i = 0; i < n; i++)
        spec->host_ports[i] = parse_port(ports[i]);
    c->pods[p].spec = ks_cluster_adopt_spec(c, spec);
    return p;
}

enum { FITS = 0, CONFLICT = 1, SKIP = 2 };

static void run(const char *const *want, size_t nwant,
                const char *const *used, size_t nused, int verdict)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {4000, 1LL << 30, 110};
    uint32_t node = ks_cluster_add_node(c, "m1", alloc, 0);
    if (nused)
        ks_cluster_bind(c, add_pod(c, used, nused), node, 0);
    uint32_t p = add_pod(c, want, nwant);
    ks_plugin_call call = {.cluster = c, .pod = &c->pods[p], .k8s_minor = 36};
    ks_status st = ks_nodeports_pre_filter(&call);
    if (verdict == SKIP) {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_SKIP);
        ks_cluster_destroy(c);
        return;
    }
    CU_ASSERT_EQUAL_FATAL(st.code, KS_STATUS_SUCCESS);
    st = ks_nodeports_filter(&call, &c->nodes[node]);
    if (verdict == FITS) {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    } else {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE);
        CU_ASSERT_PTR_NOT_NULL_FATAL(st.message);
        CU_ASSERT_STRING_EQUAL(
            st.message,
            "node(s) didn't have free ports for the requested pod ports");
    }
    ks_cluster_destroy(c);
}

/* fn, then the pod's ports, the existing pod's ports and the verdict. */
#define CASE(fn, ...)                                                          \
    static void fn(void) { run(__VA_ARGS__); }

/* node_ports_test.go TestNodePorts "skip filter" */
CASE(skip_filter, NO_PORTS, NO_PORTS, SKIP)
/* node_ports_test.go TestNodePorts "other port" */
CASE(other_port, PORTS("UDP/127.0.0.1/8080"), PORTS("UDP/127.0.0.1/9090"),
     FITS)
/* node_ports_test.go TestNodePorts "same udp port" */
CASE(same_udp_port, PORTS("UDP/127.0.0.1/8080"), PORTS("UDP/127.0.0.1/8080"),
     CONFLICT)
/* node_ports_test.go TestNodePorts "same tcp port" */
CASE(same_tcp_port, PORTS("TCP/127.0.0.1/8080"), PORTS("TCP/127.0.0.1/8080"),
     CONFLICT)
/* node_ports_test.go TestNodePorts "different host ip" */
CASE(different_host_ip, PORTS("TCP/127.0.0.1/8080"),
     PORTS("TCP/127.0.0.2/8080"), FITS)
/* node_ports_test.go TestNodePorts "different protocol" */
CASE(different_protocol, PORTS("UDP/127.0.0.1/8080"),
     PORTS("TCP/127.0.0.1/8080"), FITS)
/* node_ports_test.go TestNodePorts "second udp port conflict" */
CASE(second_udp_conflict, PORTS("UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"),
     PORTS("UDP/127.0.0.1/8080"), CONFLICT)
/* node_ports_test.go TestNodePorts "first tcp port conflict" */
CASE(first_tcp_conflict, PORTS("TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
     PORTS("TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"), CONFLICT)
/* node_ports_test.go TestNodePorts "first tcp port conflict due to 0.0.0.0
 * hostIP" */
CASE(first_tcp_conflict_any_ip, PORTS("TCP/0.0.0.0/8001"),
     PORTS("TCP/127.0.0.1/8001"), CONFLICT)
/* node_ports_test.go TestNodePorts "TCP hostPort conflict due to 0.0.0.0
 * hostIP" */
CASE(tcp_conflict_any_ip, PORTS("TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
     PORTS("TCP/127.0.0.1/8001"), CONFLICT)
/* node_ports_test.go TestNodePorts "second tcp port conflict to 0.0.0.0
 * hostIP" */
CASE(second_tcp_conflict_any_ip, PORTS("TCP/127.0.0.1/8001"),
     PORTS("TCP/0.0.0.0/8001"), CONFLICT)
/* node_ports_test.go TestNodePorts "second different protocol" */
CASE(second_different_protocol, PORTS("UDP/127.0.0.1/8001"),
     PORTS("TCP/0.0.0.0/8001"), FITS)
/* node_ports_test.go TestNodePorts "UDP hostPort conflict due to 0.0.0.0
 * hostIP" */
CASE(udp_conflict_any_ip, PORTS("UDP/127.0.0.1/8001"),
     PORTS("TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"), CONFLICT)

/* ksim-side: an empty host IP means 0.0.0.0, several bound pods are all
 * checked, and a spec listing only port 0 is skipped like one without
 * host ports. */
static void ksim_extra(void)
{
    run(PORTS("TCP//8001"), PORTS("TCP/127.0.0.1/8001"), CONFLICT);

    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {4000, 1LL << 30, 110};
    uint32_t node = ks_cluster_add_node(c, "m1", alloc, 0);
    ks_cluster_bind(c, add_pod(c, NO_PORTS), node, 0);
    ks_cluster_bind(c, add_pod(c, PORTS("TCP/127.0.0.1/80")), node, 0);
    ks_cluster_bind(c, add_pod(c, PORTS("TCP/127.0.0.1/8080")), node, 0);
    uint32_t p = add_pod(c, PORTS("TCP/127.0.0.1/8080"));
    ks_plugin_call call = {.cluster = c, .pod = &c->pods[p], .k8s_minor = 36};
    CU_ASSERT_EQUAL(ks_nodeports_filter(&call, &c->nodes[node]).code,
                    KS_STATUS_UNSCHEDULABLE);
    p = add_pod(c, PORTS("TCP/127.0.0.1/0"));
    call.pod = &c->pods[p];
    CU_ASSERT_EQUAL(ks_nodeports_pre_filter(&call).code, KS_STATUS_SKIP);
    ks_cluster_destroy(c);

    CU_ASSERT_STRING_EQUAL(ks_plugin_nodeports.name, "NodePorts");
    CU_ASSERT_EQUAL(ks_plugin_nodeports.default_weight, 0);
    CU_ASSERT_PTR_NULL(ks_plugin_nodeports.score);
}

void ks_suite_nodeports(void)
{
    static const ks_test_case cases[] = {
        {"TestNodePorts skip filter", skip_filter},
        {"TestNodePorts other port", other_port},
        {"TestNodePorts same udp port", same_udp_port},
        {"TestNodePorts same tcp port", same_tcp_port},
        {"TestNodePorts different host ip", different_host_ip},
        {"TestNodePorts different protocol", different_protocol},
        {"TestNodePorts second udp port conflict", second_udp_conflict},
        {"TestNodePorts first tcp port conflict", first_tcp_conflict},
        {"TestNodePorts first tcp port conflict due to 0.0.0.0 hostIP",
         first_tcp_conflict_any_ip},
        {"TestNodePorts TCP hostPort conflict due to 0.0.0.0 hostIP",
         tcp_conflict_any_ip},
        {"TestNodePorts second tcp port conflict to 0.0.0.0 hostIP",
         second_tcp_conflict_any_ip},
        {"TestNodePorts second different protocol",
         second_different_protocol},
        {"TestNodePorts UDP hostPort conflict due to 0.0.0.0 hostIP",
         udp_conflict_any_ip},
        {"ksim extras: empty IP, several pods, port 0", ksim_extra},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/nodeports", cases);
}
