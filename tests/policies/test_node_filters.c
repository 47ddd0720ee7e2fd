/* test_node_filters.c - the NodeUnschedulable and NodeName Filters, ported
 * case by case from pkg/scheduler/framework/plugins/nodeunschedulable/
 * node_unschedulable_test.go (TestNodeUnschedulable, commit b574b11f6b28)
 * and pkg/scheduler/framework/plugins/nodename/node_name_test.go
 * (TestNodeName, commit 96a58e4b8a59), Kubernetes v1.36 behaviour.
 */
#include "policies/k8s/nodename.h"
#include "policies/k8s/nodeunschedulable.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_node_filters(void);

/* ---- builders ---------------------------------------------------------- */

static uint32_t add_node(ks_cluster *c, const char *name, int unschedulable)
{
    const int64_t alloc[KS_RES_COUNT] = {4000000, 8LL << 30, 110};
    uint32_t idx = ks_cluster_add_node(c, name, alloc, 0);
    ks_node_info info = {0};
    info.unschedulable = unschedulable;
    ks_cluster_set_node_info(c, idx, &info);
    return idx;
}

/* A pending pod with the given spec (adopted; NULL = &v1.Pod{}). */
static const ks_pod *add_pod(ks_cluster *c, ks_pod_spec *spec)
{
    const int64_t none[KS_RES_COUNT] = {-1, -1, -1};
    uint32_t p = ks_cluster_add_pod(c, 0, none, 1, 0, 0);
    if (spec)
        c->pods[p].spec = ks_cluster_adopt_spec(c, spec);
    return &c->pods[p];
}

static ks_pod_spec *spec_with_toleration(const char *key, ks_taint_effect e)
{
    ks_pod_spec *spec = ks_xcalloc(1, sizeof *spec);
    spec->tolerations = ks_xcalloc(1, sizeof *spec->tolerations);
    spec->ntolerations = 1;
    spec->tolerations[0].key = ks_xstrdup(key);
    spec->tolerations[0].effect = e;
    return spec;
}

/* st.MakePod().Node(name). */
static ks_pod_spec *spec_with_node_name(const char *name)
{
    ks_pod_spec *spec = ks_xcalloc(1, sizeof *spec);
    spec->node_name = ks_xstrdup(name);
    return spec;
}

/* The status message, "" if none (keeps string asserts non-fatal). */
static const char *message_of(ks_status st)
{
    return st.message ? st.message : "";
}

typedef ks_status (*filter_fn)(const ks_plugin_call *, const ks_node *);

static ks_status run(filter_fn f, const ks_cluster *c, const ks_pod *pod,
                     uint32_t node)
{
    ks_plugin_call call = {.cluster = c, .pod = pod, .k8s_minor = 36};
    return f(&call, &c->nodes[node]);
}

/* ---- NodeUnschedulable ------------------------------------------------- */

/* node_unschedulable_test.go TestNodeUnschedulable "Does not schedule pod
 * to unschedulable node (node.Spec.Unschedulable==true)" */
static void test_unschedulable_rejects(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "", 1);
    ks_status st = run(ks_node_unschedulable_filter, c, add_pod(c, NULL), n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    CU_ASSERT_EQUAL(st.reasons, KS_NODE_UNSCHEDULABLE);
    CU_ASSERT_STRING_EQUAL(message_of(st), "node(s) were unschedulable");
    ks_cluster_destroy(c);
}

/* TestNodeUnschedulable "Schedule pod to normal node" */
static void test_unschedulable_normal_node(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "", 0);
    ks_status st = run(ks_node_unschedulable_filter, c, add_pod(c, NULL), n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    ks_cluster_destroy(c);
}

/* TestNodeUnschedulable "Schedule pod with toleration to unschedulable
 * node (node.Spec.Unschedulable==true)" (key set, operator empty = Equal,
 * value empty, effect NoSchedule) */
static void test_unschedulable_tolerated(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "", 1);
    const ks_pod *pod = add_pod(
        c, spec_with_toleration(KS_TAINT_NODE_UNSCHEDULABLE,
                                KS_EFFECT_NO_SCHEDULE));
    ks_status st = run(ks_node_unschedulable_filter, c, pod, n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    ks_cluster_destroy(c);
}

/* Not an upstream row: a toleration for another effect does not count
 * (ToleratesTaint compares non-empty effects). */
static void test_unschedulable_wrong_effect(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "", 1);
    const ks_pod *pod = add_pod(
        c, spec_with_toleration(KS_TAINT_NODE_UNSCHEDULABLE,
                                KS_EFFECT_NO_EXECUTE));
    ks_status st = run(ks_node_unschedulable_filter, c, pod, n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    ks_cluster_destroy(c);
}

/* ---- NodeName ---------------------------------------------------------- */

/* node_name_test.go TestNodeName "no host specified" */
static void test_node_name_unset(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "", 0);
    ks_status st = run(ks_node_name_filter, c, add_pod(c, NULL), n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    ks_cluster_destroy(c);
}

/* TestNodeName "host matches" */
static void test_node_name_matches(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "foo", 0);
    const ks_pod *pod = add_pod(c, spec_with_node_name("foo"));
    ks_status st = run(ks_node_name_filter, c, pod, n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    ks_cluster_destroy(c);
}

/* TestNodeName "host doesn't match" */
static void test_node_name_mismatch(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "foo", 0);
    const ks_pod *pod = add_pod(c, spec_with_node_name("bar"));
    ks_status st = run(ks_node_name_filter, c, pod, n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    CU_ASSERT_EQUAL(st.reasons, KS_NODE_NAME_MISMATCH);
    CU_ASSERT_STRING_EQUAL(message_of(st),
                           "node(s) didn't match the requested node name");
    ks_cluster_destroy(c);
}

/* Not an upstream row: an empty nodeName is unset (len == 0 in Fits). */
static void test_node_name_empty_is_unset(void)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, "foo", 0);
    const ks_pod *pod = add_pod(c, spec_with_node_name(""));
    CU_ASSERT_EQUAL(run(ks_node_name_filter, c, pod, n).code,
                    KS_STATUS_SUCCESS);
    ks_cluster_destroy(c);
}

static void test_plugin_tables(void)
{
    CU_ASSERT_STRING_EQUAL(ks_plugin_nodeunschedulable.name,
                           "NodeUnschedulable");
    CU_ASSERT_EQUAL(ks_plugin_nodeunschedulable.default_weight, 0);
    CU_ASSERT_PTR_NULL(ks_plugin_nodeunschedulable.score);
    CU_ASSERT_STRING_EQUAL(ks_plugin_nodename.name, "NodeName");
    CU_ASSERT_EQUAL(ks_plugin_nodename.default_weight, 0);
    CU_ASSERT_PTR_NULL(ks_plugin_nodename.score);
}

void ks_suite_node_filters(void)
{
    static const ks_test_case cases[] = {
        {"NodeUnschedulable: Does not schedule pod to unschedulable node "
         "(node.Spec.Unschedulable==true)",
         test_unschedulable_rejects},
        {"NodeUnschedulable: Schedule pod to normal node",
         test_unschedulable_normal_node},
        {"NodeUnschedulable: Schedule pod with toleration to unschedulable "
         "node (node.Spec.Unschedulable==true)",
         test_unschedulable_tolerated},
        {"NodeUnschedulable: a toleration for another effect does not count",
         test_unschedulable_wrong_effect},
        {"NodeName: no host specified", test_node_name_unset},
        {"NodeName: host matches", test_node_name_matches},
        {"NodeName: host doesn't match", test_node_name_mismatch},
        {"NodeName: an empty nodeName is unset", test_node_name_empty_is_unset},
        {"plugin tables", test_plugin_tables},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/node_filters", cases);
}
