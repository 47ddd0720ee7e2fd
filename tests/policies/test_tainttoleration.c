/* test_tainttoleration.c - TaintToleration Filter and Score, ported case by
 * case from pkg/scheduler/framework/plugins/tainttoleration/
 * taint_toleration_test.go (Kubernetes v1.36 tree, commit 04c0d74f8e8b):
 * TestTaintTolerationFilter and TestTaintTolerationScore.
 *
 * Each upstream case is one CUnit test named after it.  Cases that need
 * the alpha Gt/Lt toleration operators (enableTaintTolerationComparisonOps,
 * and all of TestTaintTolerationFilterWithFeatureGate) are not ported:
 * ks_toleration_op has no such operators and the gate is off by default.
 */
#include <string.h>

#include "policies/k8s/tainttoleration.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_tainttoleration(void);

/* ---- builders ---------------------------------------------------------- */

#define NS KS_EFFECT_NO_SCHEDULE
#define PNS KS_EFFECT_PREFER_NO_SCHEDULE
#define NE KS_EFFECT_NO_EXECUTE
#define ANY KS_EFFECT_ALL /* a toleration without effect */
#define EQ KS_TOLERATION_EQUAL /* also upstream's empty operator */
#define EX KS_TOLERATION_EXISTS

typedef struct taint_lit {
    const char *key, *value;
    ks_taint_effect effect;
} taint_lit;

typedef struct tol_lit {
    const char *key;
    ks_toleration_op op;
    const char *value;
    ks_taint_effect effect;
} tol_lit;

typedef struct node_lit {
    const char *name;
    const taint_lit *taints;
    size_t ntaints;
} node_lit;

/* A literal list and its length, as two arguments. */
#define LIST(type, ...)                                                        \
    (const type[]){__VA_ARGS__},                                               \
        sizeof((const type[]){__VA_ARGS__}) / sizeof(type)
#define TAINTS(...) LIST(taint_lit, __VA_ARGS__)
#define TOLS(...) LIST(tol_lit, __VA_ARGS__)
#define NODES(...) LIST(node_lit, __VA_ARGS__)
#define SCORES(...) LIST(int64_t, __VA_ARGS__)
#define NONE NULL, 0

static char *dup_or_null(const char *s)
{
    return s ? ks_xstrdup(s) : NULL;
}

/* st.MakeNode().Name(name).Taints(taints): a big node; only taints
 * matter here. */
static uint32_t add_node(ks_cluster *c, const node_lit *n)
{
    const int64_t alloc[KS_RES_COUNT] = {4000000, 8LL << 30, 110};
    uint32_t idx = ks_cluster_add_node(c, n->name, alloc, 0);
    ks_node_info info = {0};
    if (n->ntaints) {
        info.taints = ks_xcalloc(n->ntaints, sizeof *info.taints);
        info.ntaints = n->ntaints;
    }
    for (size_t i = 0; i < n->ntaints; i++) {
        info.taints[i].key = dup_or_null(n->taints[i].key);
        info.taints[i].value = dup_or_null(n->taints[i].value);
        info.taints[i].effect = n->taints[i].effect;
    }
    ks_cluster_set_node_info(c, idx, &info);
    return idx;
}

/* podWithTolerations("pod1", tols): a pending pod requesting nothing. */
static const ks_pod *add_pod(ks_cluster *c, const tol_lit *tols, size_t n)
{
    const int64_t none[KS_RES_COUNT] = {-1, -1, -1};
    uint32_t p = ks_cluster_add_pod(c, 0, none, 1, 0, 0);
    ks_pod_spec *spec = ks_xcalloc(1, sizeof *spec);
    if (n) {
        spec->tolerations = ks_xcalloc(n, sizeof *spec->tolerations);
        spec->ntolerations = n;
    }
    for (size_t i = 0; i < n; i++) {
        spec->tolerations[i].key = dup_or_null(tols[i].key);
        spec->tolerations[i].op = tols[i].op;
        spec->tolerations[i].value = dup_or_null(tols[i].value);
        spec->tolerations[i].effect = tols[i].effect;
    }
    c->pods[p].spec = ks_cluster_adopt_spec(c, spec);
    return &c->pods[p];
}

/* ---- Filter ------------------------------------------------------------ */

enum { PASS = 0, REJECT = 1 };

/* The status message, "" if none (keeps string asserts non-fatal). */
static const char *message_of(ks_status st)
{
    return st.message ? st.message : "";
}

static void run_filter(const tol_lit *tols, size_t ntols,
                       const taint_lit *taints, size_t ntaints, int want)
{
    ks_cluster *c = ks_cluster_create();
    node_lit n = {"nodeA", taints, ntaints};
    uint32_t node = add_node(c, &n);
    const ks_pod *pod = add_pod(c, tols, ntols);
    void *inst = ks_taint_toleration_create(NULL);
    ks_plugin_call call = {
        .instance = inst, .cluster = c, .pod = pod, .k8s_minor = 36};
    ks_status st = ks_taint_toleration_filter(&call, &c->nodes[node]);
    if (want == PASS) {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    } else {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
        CU_ASSERT_EQUAL(st.reasons, KS_TAINT_UNTOLERATED);
        CU_ASSERT_STRING_EQUAL(message_of(st),
                               "node(s) had untolerated taint(s)");
    }
    ks_taint_toleration_destroy(inst);
    ks_cluster_destroy(c);
}

/* One CUnit test per upstream case: fn, its upstream name, the runner
 * and its arguments. */
#define CASE(fn, title, runner, ...)                                           \
    static const char fn##_title[] = title;                                    \
    static void fn(void) { runner(__VA_ARGS__); }
#define ENTRY(fn) {fn##_title, fn}

/* Filter cases: tolerations, the node's taints, the verdict. */
#define FILTER_CASE(fn, title, ...) CASE(fn, title, run_filter, __VA_ARGS__)

/* taint_toleration_test.go TestTaintTolerationFilter "A pod having no
 * tolerations can't be scheduled onto a node with nonempty taints" */
FILTER_CASE(filter_no_tolerations,
            "A pod having no tolerations can't be scheduled onto a node "
            "with nonempty taints",
            NONE, TAINTS({"dedicated", "user1", NS}), REJECT)

/* TestTaintTolerationFilter "A pod which can be scheduled on a dedicated
 * node assigned to user1 with effect NoSchedule" (operator empty = Equal) */
FILTER_CASE(filter_dedicated_user1,
            "A pod which can be scheduled on a dedicated node assigned to "
            "user1 with effect NoSchedule",
            TOLS({"dedicated", EQ, "user1", NS}),
            TAINTS({"dedicated", "user1", NS}), PASS)

/* TestTaintTolerationFilter "A pod which can't be scheduled on a dedicated
 * node assigned to user2 with effect NoSchedule" */
FILTER_CASE(filter_dedicated_user2,
            "A pod which can't be scheduled on a dedicated node assigned to "
            "user2 with effect NoSchedule",
            TOLS({"dedicated", EQ, "user2", NS}),
            TAINTS({"dedicated", "user1", NS}), REJECT)

/* TestTaintTolerationFilter "A pod can be scheduled onto the node, with a
 * toleration uses operator Exists that tolerates the taints on the node" */
FILTER_CASE(filter_exists,
            "A pod can be scheduled onto the node, with a toleration uses "
            "operator Exists that tolerates the taints on the node",
            TOLS({"foo", EX, NULL, NS}), TAINTS({"foo", "bar", NS}), PASS)

/* TestTaintTolerationFilter "A pod has multiple tolerations, node has
 * multiple taints, all the taints are tolerated, pod can be scheduled onto
 * the node" */
FILTER_CASE(filter_multiple,
            "A pod has multiple tolerations, node has multiple taints, all "
            "the taints are tolerated, pod can be scheduled onto the node",
            TOLS({"dedicated", EQ, "user2", NS}, {"foo", EX, NULL, NS}),
            TAINTS({"dedicated", "user2", NS}, {"foo", "bar", NS}), PASS)

/* TestTaintTolerationFilter "A pod has a toleration that keys and values
 * match the taint on the node, but (non-empty) effect doesn't match, can't
 * be scheduled onto the node" */
FILTER_CASE(filter_effect_mismatch,
            "A pod has a toleration that keys and values match the taint on "
            "the node, but (non-empty) effect doesn't match, can't be "
            "scheduled onto the node",
            TOLS({"foo", EQ, "bar", PNS}), TAINTS({"foo", "bar", NS}), REJECT)

/* TestTaintTolerationFilter "The pod has a toleration that keys and values
 * match the taint on the node, the effect of toleration is empty, and the
 * effect of taint is NoSchedule. Pod can be scheduled onto the node" */
FILTER_CASE(filter_empty_effect,
            "The pod has a toleration that keys and values match the taint "
            "on the node, the effect of toleration is empty, and the effect "
            "of taint is NoSchedule. Pod can be scheduled onto the node",
            TOLS({"foo", EQ, "bar", ANY}), TAINTS({"foo", "bar", NS}), PASS)

/* TestTaintTolerationFilter "The pod has a toleration that key and value
 * don't match the taint on the node, but the effect of taint on node is
 * PreferNoSchedule. Pod can be scheduled onto the node" */
FILTER_CASE(filter_prefer_ignored,
            "The pod has a toleration that key and value don't match the "
            "taint on the node, but the effect of taint on node is "
            "PreferNoSchedule. Pod can be scheduled onto the node",
            TOLS({"dedicated", EQ, "user2", NS}),
            TAINTS({"dedicated", "user1", PNS}), PASS)

/* TestTaintTolerationFilter "The pod has no toleration, but the effect of
 * taint on node is PreferNoSchedule. Pod can be scheduled onto the node" */
FILTER_CASE(filter_no_toleration_prefer,
            "The pod has no toleration, but the effect of taint on node is "
            "PreferNoSchedule. Pod can be scheduled onto the node",
            NONE, TAINTS({"dedicated", "user1", PNS}), PASS)

/* Not an upstream table row: NoExecute taints are hard too
 * (DoNotScheduleTaintsFilterFunc), and a pod with an empty spec is
 * rejected like one without tolerations. */
static void test_filter_no_execute_and_empty_spec(void)
{
    ks_cluster *c = ks_cluster_create();
    node_lit n = {"nodeA", TAINTS({"gone", NULL, NE})};
    uint32_t node = add_node(c, &n);
    const int64_t none[KS_RES_COUNT] = {-1, -1, -1};
    uint32_t p = ks_cluster_add_pod(c, 0, none, 1, 0, 0); /* spec NULL */
    ks_plugin_call call = {.cluster = c, .pod = &c->pods[p], .k8s_minor = 36};
    ks_status st = ks_taint_toleration_filter(&call, &c->nodes[node]);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    ks_cluster_destroy(c);
}

/* The message named the first untolerated taint up to v1.34.0
 * (taint_toleration_test.go before kubernetes PR #134740:
 * "node(s) had untolerated taint {dedicated: user1}"). */
static void test_filter_message_before_v135(void)
{
    ks_cluster *c = ks_cluster_create();
    node_lit n = {"nodeA", TAINTS({"soft", "x", PNS}, {"ok", "v", NS},
                                  {"dedicated", "user1", NS},
                                  {"later", "y", NE})};
    uint32_t node = add_node(c, &n);
    const ks_pod *pod = add_pod(c, TOLS({"ok", EX, NULL, ANY}));
    void *inst = ks_taint_toleration_create(NULL);
    ks_plugin_call call = {
        .instance = inst, .cluster = c, .pod = pod, .k8s_minor = 34};
    ks_status st = ks_taint_toleration_filter(&call, &c->nodes[node]);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    CU_ASSERT_STRING_EQUAL(message_of(st),
                           "node(s) had untolerated taint {dedicated: user1}");
    call.k8s_minor = 35;
    st = ks_taint_toleration_filter(&call, &c->nodes[node]);
    CU_ASSERT_STRING_EQUAL(message_of(st), "node(s) had untolerated taint(s)");
    ks_taint_toleration_destroy(inst);
    ks_cluster_destroy(c);
}

/* ---- Score --------------------------------------------------------------- */

/* PreScore over all nodes, Score each, NormalizeScore, compare; once with
 * PreScore state in an instance and once without an instance. */
static void run_score(const tol_lit *tols, size_t ntols,
                      const node_lit *nodes, size_t nnodes,
                      const int64_t *want, size_t nwant)
{
    CU_ASSERT_EQUAL_FATAL(nnodes, nwant);
    CU_ASSERT_FATAL(nnodes <= 8);
    ks_cluster *c = ks_cluster_create();
    uint32_t idx[8];
    for (size_t i = 0; i < nnodes; i++)
        idx[i] = add_node(c, &nodes[i]);
    const ks_pod *pod = add_pod(c, tols, ntols);
    for (int with_instance = 1; with_instance >= 0; with_instance--) {
        void *inst = with_instance ? ks_taint_toleration_create(NULL) : NULL;
        ks_plugin_call call = {
            .instance = inst, .cluster = c, .pod = pod, .k8s_minor = 36};
        ks_status st = ks_taint_toleration_pre_score(&call, idx, nnodes);
        CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
        int64_t got[8];
        for (size_t i = 0; i < nnodes; i++)
            got[i] = ks_taint_toleration_score(&call, &c->nodes[idx[i]]);
        ks_taint_toleration_normalize(&call, got, nnodes);
        for (size_t i = 0; i < nnodes; i++)
            CU_ASSERT_EQUAL(got[i], want[i]);
        ks_taint_toleration_destroy(inst);
    }
    ks_cluster_destroy(c);
}

/* Score cases: tolerations, the nodes, the normalized scores. */
#define SCORE_CASE(fn, title, ...) CASE(fn, title, run_score, __VA_ARGS__)

/* taint_toleration_test.go TestTaintTolerationScore "node with taints
 * tolerated by the pod, gets a higher score than those node with
 * intolerable taints" */
SCORE_CASE(score_tolerated_higher,
           "node with taints tolerated by the pod, gets a higher score than "
           "those node with intolerable taints",
           TOLS({"foo", EQ, "bar", PNS}),
           NODES({"nodeA", TAINTS({"foo", "bar", PNS})},
                 {"nodeB", TAINTS({"foo", "blah", PNS})}),
           SCORES(KS_MAX_NODE_SCORE, 0))

/* TestTaintTolerationScore "the nodes that all of their taints are
 * tolerated by the pod, get the same score, no matter how many tolerable
 * taints a node has" */
SCORE_CASE(score_all_tolerated_same,
           "the nodes that all of their taints are tolerated by the pod, get "
           "the same score, no matter how many tolerable taints a node has",
           TOLS({"cpu-type", EQ, "arm64", PNS}, {"disk-type", EQ, "ssd", PNS}),
           NODES({"nodeA", NONE}, {"nodeB", TAINTS({"cpu-type", "arm64", PNS})},
                 {"nodeC", TAINTS({"cpu-type", "arm64", PNS},
                                  {"disk-type", "ssd", PNS})}),
           SCORES(KS_MAX_NODE_SCORE, KS_MAX_NODE_SCORE, KS_MAX_NODE_SCORE))

/* TestTaintTolerationScore "the more intolerable taints a node has, the
 * lower score it gets." */
SCORE_CASE(score_more_intolerable_lower,
           "the more intolerable taints a node has, the lower score it gets.",
           TOLS({"foo", EQ, "bar", PNS}),
           NODES({"nodeA", NONE}, {"nodeB", TAINTS({"cpu-type", "arm64", PNS})},
                 {"nodeC", TAINTS({"cpu-type", "arm64", PNS},
                                  {"disk-type", "ssd", PNS})}),
           SCORES(KS_MAX_NODE_SCORE, 50, 0))

/* TestTaintTolerationScore "only taints and tolerations that have effect
 * PreferNoSchedule are checked by taints-tolerations priority function" */
SCORE_CASE(score_only_prefer_no_schedule,
           "only taints and tolerations that have effect PreferNoSchedule "
           "are checked by taints-tolerations priority function",
           TOLS({"cpu-type", EQ, "arm64", NS}, {"disk-type", EQ, "ssd", NS}),
           NODES({"nodeA", NONE}, {"nodeB", TAINTS({"cpu-type", "arm64", NS})},
                 {"nodeC", TAINTS({"cpu-type", "arm64", PNS},
                                  {"disk-type", "ssd", PNS})}),
           SCORES(KS_MAX_NODE_SCORE, KS_MAX_NODE_SCORE, 0))

/* TestTaintTolerationScore "Default behaviour No taints and tolerations,
 * lands on node with no taints" */
SCORE_CASE(score_default_behaviour,
           "Default behaviour No taints and tolerations, lands on node with "
           "no taints",
           NONE,
           NODES({"nodeA", NONE}, {"nodeB", TAINTS({"cpu-type", "arm64", PNS})}),
           SCORES(KS_MAX_NODE_SCORE, 0))

/* Not an upstream row: a toleration with an empty effect counts for
 * PreferNoSchedule taints (getAllTolerationPreferNoSchedule keeps it). */
SCORE_CASE(score_empty_effect_counts,
           "an empty-effect toleration tolerates PreferNoSchedule taints",
           TOLS({NULL, EX, NULL, ANY}),
           NODES({"nodeA", NONE}, {"nodeB", TAINTS({"cpu-type", "arm64", PNS})}),
           SCORES(KS_MAX_NODE_SCORE, KS_MAX_NODE_SCORE))

/* ---- the plugin table --------------------------------------------------- */

static void test_plugin_table(void)
{
    const ks_plugin *p = &ks_plugin_tainttoleration;
    CU_ASSERT_STRING_EQUAL(p->name, "TaintToleration");
    CU_ASSERT_EQUAL(p->default_weight, 3);
    CU_ASSERT_PTR_NOT_NULL(p->filter);
    CU_ASSERT_PTR_NOT_NULL(p->pre_score);
    CU_ASSERT_PTR_NOT_NULL(p->score);
    CU_ASSERT_PTR_NOT_NULL(p->normalize);
    CU_ASSERT_PTR_NULL(p->pre_filter);
    p->destroy(NULL);
}

void ks_suite_tainttoleration(void)
{
    static const ks_test_case cases[] = {
        ENTRY(filter_no_tolerations),
        ENTRY(filter_dedicated_user1),
        ENTRY(filter_dedicated_user2),
        ENTRY(filter_exists),
        ENTRY(filter_multiple),
        ENTRY(filter_effect_mismatch),
        ENTRY(filter_empty_effect),
        ENTRY(filter_prefer_ignored),
        ENTRY(filter_no_toleration_prefer),
        {"Filter: NoExecute taints reject, empty spec has no tolerations",
         test_filter_no_execute_and_empty_spec},
        {"Filter: message before v1.35 names the taint",
         test_filter_message_before_v135},
        ENTRY(score_tolerated_higher),
        ENTRY(score_all_tolerated_same),
        ENTRY(score_more_intolerable_lower),
        ENTRY(score_only_prefer_no_schedule),
        ENTRY(score_default_behaviour),
        ENTRY(score_empty_effect_counts),
        {"plugin table", test_plugin_table},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/tainttoleration", cases);
}
