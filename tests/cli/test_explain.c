/* test_explain.c - `ksim explain` as a user runs it: the built binary on
 * manifests written to the scratch folder, its JSON parsed with Jansson and
 * checked value by value (scores hand-computed from the default profile's
 * weights and the plugins' formulas), plus the errors: ambiguity, bad
 * input, unknown names, each with exit status 2 and nothing on stdout;
 * and the default spread selector a Service gives a pending pod.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/test_util.h"

void ks_suite_explain(void);

#define DUMPS KS_TEST_SRCDIR "/tests/data/k8s-dumps/"

/* ---- manifests ---------------------------------------------------------- */

#define NODE(name, cpu, mem)                                                   \
    "---\napiVersion: v1\nkind: Node\nmetadata: {name: " name "}\n"          \
    "status: {allocatable: {cpu: \"" cpu "\", memory: " mem                  \
    ", pods: \"110\"}}\n"

#define BOUND(name, node, cpu, mem)                                            \
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " name "}\nspec:\n"    \
    "  nodeName: " node "\n"                                                 \
    "  containers: [{name: c, image: busybox, resources: {requests: "        \
    "{cpu: \"" cpu "\", memory: " mem "}}}]\n"

#define PENDING(ns, name, cpu, mem)                                            \
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " name                 \
    ", namespace: " ns "}\nspec:\n"                                          \
    "  containers: [{name: c, image: nginx, resources: {requests: "          \
    "{cpu: \"" cpu "\", memory: " mem "}}}]\n"

/* Three equal nodes, a loaded (2 cpu, 2Gi), b empty, c half as loaded as
 * a; the pod asks 1 cpu and 1Gi.  Only the resource scores differ. */
static const char three_nodes[] =
    NODE("node-a", "4", "8Gi") NODE("node-b", "4", "8Gi")
    NODE("node-c", "4", "8Gi")
    BOUND("busy-a", "node-a", "2", "2Gi")
    BOUND("busy-c", "node-c", "1", "1Gi")
    PENDING("shop", "web", "1", "1Gi");

/* One node too small for the pod, one tainted, one fine. */
static const char rejects[] =
    NODE("small", "500m", "8Gi")
    "---\napiVersion: v1\nkind: Node\nmetadata: {name: tainted}\n"
    "spec:\n  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]\n"
    "status: {allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n"
    NODE("fine", "4", "8Gi")
    PENDING("default", "p", "1", "1Gi");

/* A full node whose only pod has a lower priority than the pending one. */
static const char preempt[] =
    "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
    "metadata: {name: high}\nvalue: 1000\n"
    NODE("full", "2", "4Gi")
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: low, namespace: batch}\n"
    "spec:\n  nodeName: full\n  priority: 0\n"
    "  containers: [{name: c, image: busybox, resources: {requests: "
    "{cpu: 1500m, memory: 1Gi}}}]\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: urgent}\nspec:\n"
    "  priorityClassName: high\n"
    "  containers: [{name: c, image: busybox, resources: {requests: "
    "{cpu: \"1\", memory: 1Gi}}}]\n";

/* Two full nodes; n2's victim has the lower priority, so preemption over
 * every node picks n2. */
static const char preempt_two[] =
    NODE("n1", "2", "4Gi") NODE("n2", "2", "4Gi")
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: low1}\nspec:\n"
    "  nodeName: n1\n  priority: 0\n"
    "  containers: [{name: c, image: busybox, resources: {requests: "
    "{cpu: 1500m, memory: 1Gi}}}]\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: low2}\nspec:\n"
    "  nodeName: n2\n  priority: -5\n"
    "  containers: [{name: c, image: busybox, resources: {requests: "
    "{cpu: 1500m, memory: 1Gi}}}]\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: urgent}\nspec:\n"
    "  priority: 1000\n"
    "  containers: [{name: c, image: busybox, resources: {requests: "
    "{cpu: \"1\", memory: 1Gi}}}]\n";

/* ---- helpers ------------------------------------------------------------ */

/* Writes text to the scratch file name; returns a copy of its path. */
static char *write_tmp(const char *name, const char *text)
{
    const char *path = ks_test_tmp(name);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, text), 0);
    return strdup(path);
}

/* Runs `ksim explain ARGS`; stdout and stderr into *out / *err (may be
 * NULL). */
static int run_explain(const char *args, char **out, char **err)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s' explain %s", ks_test_ksim(), args);
    return ks_test_run(cmd, out, err);
}

/* Runs explain on text (written to file name) with options opts; the
 * parsed stdout when it exits 0 with valid JSON, else NULL (and the
 * reason printed). */
static json_t *explain_text(const char *name, const char *text,
                            const char *opts)
{
    char *path = write_tmp(name, text);
    char args[12000];
    snprintf(args, sizeof args, "%s '%s'", opts, path);
    free(path);
    char *out = NULL, *err = NULL;
    int rc = run_explain(args, &out, &err);
    json_error_t jerr;
    json_t *root = out ? json_loads(out, 0, &jerr) : NULL;
    if (rc != 0 || !root)
        fprintf(stderr, "\nexplain %s: exit %d, %s\n%s", args, rc,
                root ? "" : jerr.text, err ? err : "");
    if (rc != 0) {
        json_decref(root);
        root = NULL;
    }
    free(out);
    free(err);
    return root;
}

static const char *str_at(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The element of "nodes" for node name, or NULL. */
static json_t *node_of(const json_t *root, const char *name)
{
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(root, "nodes"), i, n) {
        const char *s = str_at(n, "node");
        if (s && strcmp(s, name) == 0)
            return n;
    }
    return NULL;
}

/* scores[plugin][field] of a node, or -1 when absent. */
static json_int_t score(const json_t *node, const char *plugin,
                        const char *field)
{
    json_t *p = json_object_get(json_object_get(node, "scores"), plugin);
    json_t *v = json_object_get(p, field);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

static json_int_t total(const json_t *node)
{
    json_t *v = json_object_get(node, "total");
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* filter[plugin] of a node: ok (1/0) and the reason; -1 when absent. */
static int filter_ok(const json_t *node, const char *plugin,
                     const char **reason)
{
    json_t *f = json_object_get(json_object_get(node, "filter"), plugin);
    if (reason)
        *reason = str_at(f, "reason");
    json_t *ok = json_object_get(f, "ok");
    return json_is_boolean(ok) ? json_is_true(ok) : -1;
}

/* filter[plugin].code of a node, or "" when absent. */
static const char *filter_code(const json_t *node, const char *plugin)
{
    json_t *f = json_object_get(json_object_get(node, "filter"), plugin);
    const char *code = str_at(f, "code");
    return code ? code : "";
}

/* total == the sum of the weighted scores, and weighted == normalized x
 * the default profile's weight. */
static int totals_add_up(const json_t *node)
{
    static const struct {
        const char *plugin;
        int weight;
    } weights[] = {
        {"TaintToleration", 3}, {"NodeAffinity", 2},
        {"NodeResourcesFit", 1}, {"PodTopologySpread", 2},
        {"InterPodAffinity", 2}, {"NodeResourcesBalancedAllocation", 1},
        {"ImageLocality", 1},
    };
    json_int_t sum = 0;
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(node, "scores"), key, v) {
        json_int_t w = json_integer_value(json_object_get(v, "weighted"));
        json_int_t n = json_integer_value(json_object_get(v, "normalized"));
        for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++)
            if (strcmp(weights[i].plugin, key) == 0 &&
                w != n * weights[i].weight)
                return 0;
        sum += w;
    }
    return sum == total(node);
}

/* True if the output has exactly the contract's top-level keys, in order
 * (prefilter only when expected). */
static int has_contract_keys(const json_t *root, int prefilter)
{
    static const char *const keys[] = {"pod", "profile", "selected",
                                       "prefilter", "nodes", "preemption"};
    size_t want = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)root, key, v) {
        if (want == 3 && !prefilter)
            want++;
        if (want >= 6 || strcmp(key, keys[want]) != 0)
            return 0;
        want++;
    }
    return want == 6;
}

/* ---- decisions ---------------------------------------------------------- */

/* Hand-computed with the default profile (v1.36): TaintToleration raw 0 on
 * every node normalizes (reverse) to 100, x3 = 300; ImageLocality 0 (no
 * image on the nodes).  NodeResourcesFit LeastAllocated,
 * ((alloc - req) x 100 / alloc) per resource, mean of cpu and memory:
 *   a: cpu 3/4 used -> 25, memory 3/8 -> 62, (25+62)/2 = 43
 *   b: cpu 1/4 -> 75, memory 1/8 -> 87, 81
 *   c: cpu 2/4 -> 50, memory 2/8 -> 75, 62
 * NodeResourcesBalancedAllocation v1.36 (PR #135573):
 *   score = 50 + (50 + withPod - withoutPod) / 2, with x = (1-|fcpu-fmem|/2)
 *   a: withPod (0.75, 0.375) -> 81, without (0.5, 0.25) -> 87: 72
 *   b: withPod (0.25, 0.125) -> 93, without (0, 0) -> 100: 71
 *   c: withPod (0.5, 0.25) -> 87, without (0.25, 0.125) -> 93: 72
 * Totals: a 300+43+72 = 415, b 300+81+71 = 452, c 300+62+72 = 434. */
static void test_least_allocated_decides(void)
{
    json_t *root = explain_text("explain-three.yaml", three_nodes, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT(has_contract_keys(root, 0));
    CU_ASSERT_STRING_EQUAL(str_at(root, "pod"), "shop/web");
    CU_ASSERT_STRING_EQUAL(str_at(root, "profile"), "default-scheduler");
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "node-b");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(root, "nodes")), 3);
    json_t *a = node_of(root, "node-a"), *b = node_of(root, "node-b"),
           *c = node_of(root, "node-c");
    CU_ASSERT_FATAL(a && b && c);
    CU_ASSERT_EQUAL(score(a, "TaintToleration", "raw"), 0);
    CU_ASSERT_EQUAL(score(a, "TaintToleration", "normalized"), 100);
    CU_ASSERT_EQUAL(score(a, "TaintToleration", "weighted"), 300);
    CU_ASSERT_EQUAL(score(a, "NodeResourcesFit", "raw"), 43);
    CU_ASSERT_EQUAL(score(b, "NodeResourcesFit", "raw"), 81);
    CU_ASSERT_EQUAL(score(c, "NodeResourcesFit", "weighted"), 62);
    CU_ASSERT_EQUAL(score(a, "NodeResourcesBalancedAllocation", "raw"), 72);
    CU_ASSERT_EQUAL(score(b, "NodeResourcesBalancedAllocation", "raw"), 71);
    CU_ASSERT_EQUAL(score(c, "NodeResourcesBalancedAllocation", "raw"), 72);
    CU_ASSERT_EQUAL(score(b, "ImageLocality", "weighted"), 0);
    CU_ASSERT_EQUAL(total(a), 415);
    CU_ASSERT_EQUAL(total(b), 452);
    CU_ASSERT_EQUAL(total(c), 434);
    CU_ASSERT(totals_add_up(a) && totals_add_up(b) && totals_add_up(c));
    /* Plugins whose PreFilter/PreScore skip this pod are not listed. */
    CU_ASSERT_PTR_NULL(json_object_get(json_object_get(a, "filter"),
                                       "PodTopologySpread"));
    CU_ASSERT_EQUAL(score(a, "NodeAffinity", "raw"), -1);
    json_t *pre = json_object_get(root, "preemption");
    CU_ASSERT(json_is_null(json_object_get(pre, "node")));
    CU_ASSERT_EQUAL(json_array_size(json_object_get(pre, "victims")), 0);
    json_decref(root);
}

/* v1.35's BalancedAllocation is int((1 - std) x 100) of the node with the
 * pod: a 81, b 93, c 87; totals a 424, b 474, c 449. */
static void test_kubernetes_135(void)
{
    json_t *root = explain_text("explain-three.yaml", three_nodes,
                                "--kubernetes-version 1.35");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_t *a = node_of(root, "node-a"), *b = node_of(root, "node-b"),
           *c = node_of(root, "node-c");
    CU_ASSERT_FATAL(a && b && c);
    CU_ASSERT_EQUAL(score(a, "NodeResourcesBalancedAllocation", "raw"), 81);
    CU_ASSERT_EQUAL(score(b, "NodeResourcesBalancedAllocation", "raw"), 93);
    CU_ASSERT_EQUAL(score(c, "NodeResourcesBalancedAllocation", "raw"), 87);
    CU_ASSERT_EQUAL(total(a), 424);
    CU_ASSERT_EQUAL(total(b), 474);
    CU_ASSERT_EQUAL(total(c), 449);
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "node-b");
    json_decref(root);
}

/* Every Filter runs on every node, past the first rejection. */
static void test_filter_rejections(void)
{
    json_t *root = explain_text("explain-rejects.yaml", rejects, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "fine");
    json_t *small = node_of(root, "small"), *tainted = node_of(root, "tainted");
    CU_ASSERT_FATAL(small && tainted);
    const char *reason = NULL;
    CU_ASSERT(json_is_false(json_object_get(small, "feasible")));
    CU_ASSERT_EQUAL(filter_ok(small, "NodeResourcesFit", &reason), 0);
    CU_ASSERT_STRING_EQUAL(reason ? reason : "", "Insufficient cpu");
    CU_ASSERT_EQUAL(filter_ok(small, "TaintToleration", &reason), 1);
    CU_ASSERT_STRING_EQUAL(reason ? reason : "?", "");
    /* taint_toleration.go (v1.35+, PR #134740): the taint is not named. */
    CU_ASSERT(json_is_false(json_object_get(tainted, "feasible")));
    CU_ASSERT_EQUAL(filter_ok(tainted, "TaintToleration", &reason), 0);
    CU_ASSERT_STRING_EQUAL(reason ? reason : "",
                           "node(s) had untolerated taint(s)");
    CU_ASSERT_EQUAL(filter_ok(tainted, "NodeResourcesFit", NULL), 1);
    /* The status codes: the pod asks more cpu than the node has at all,
     * and a taint stays: no preemption helps (UnschedulableAndUnresolvable,
     * fit.go: a request above the node's allocatable). */
    CU_ASSERT_STRING_EQUAL(filter_code(small, "NodeResourcesFit"),
                           "UnschedulableAndUnresolvable");
    CU_ASSERT_STRING_EQUAL(filter_code(small, "TaintToleration"), "Success");
    CU_ASSERT_STRING_EQUAL(filter_code(tainted, "TaintToleration"),
                           "UnschedulableAndUnresolvable");
    /* Infeasible nodes are not scored. */
    CU_ASSERT_EQUAL(json_object_size(json_object_get(small, "scores")), 0);
    CU_ASSERT_EQUAL(total(tainted), 0);
    CU_ASSERT(totals_add_up(node_of(root, "fine")));
    json_decref(root);
}

/* --score-all scores the rejected nodes too; selection is unchanged.  The
 * tainted node's TaintToleration raw score is 0 (NoSchedule taints count
 * only PreferNoSchedule): 300 like the others. */
static void test_score_all(void)
{
    json_t *root = explain_text("explain-rejects.yaml", rejects,
                                "--score-all");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "fine");
    json_t *tainted = node_of(root, "tainted"), *small = node_of(root, "small");
    CU_ASSERT_FATAL(tainted && small);
    CU_ASSERT(json_is_false(json_object_get(tainted, "feasible")));
    CU_ASSERT_EQUAL(score(tainted, "TaintToleration", "weighted"), 300);
    CU_ASSERT(score(small, "NodeResourcesFit", "raw") >= 0);
    CU_ASSERT(total(tainted) > 0);
    CU_ASSERT(totals_add_up(tainted) && totals_add_up(small));
    json_decref(root);
}

/* --candidates: only those nodes, in the order given, a repeat counted
 * once; the others stay in the cluster (their pods still count). */
static void test_candidates(void)
{
    json_t *root = explain_text("explain-three.yaml", three_nodes,
                                "--candidates node-c,node-a "
                                "--candidates node-c");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_t *nodes = json_object_get(root, "nodes");
    CU_ASSERT_EQUAL_FATAL(json_array_size(nodes), 2);
    CU_ASSERT_STRING_EQUAL(str_at(json_array_get(nodes, 0), "node"), "node-c");
    CU_ASSERT_STRING_EQUAL(str_at(json_array_get(nodes, 1), "node"), "node-a");
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "node-c");
    CU_ASSERT_EQUAL(total(node_of(root, "node-c")), 434);
    json_decref(root);

    char *path = write_tmp("explain-three.yaml", three_nodes);
    char args[9000];
    snprintf(args, sizeof args, "--candidates node-a,node-z '%s'", path);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run_explain(args, &out, &err), 2);
    CU_ASSERT(err && strstr(err, "node-z"));
    CU_ASSERT(out && out[0] == '\0');
    free(out);
    free(err);
    snprintf(args, sizeof args, "--candidates node-a,,node-b '%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, NULL, NULL), 2);
    free(path);
}

/* No node fits; the dry run names the node and the victim, deletes
 * nothing. */
static void test_preemption(void)
{
    json_t *root = explain_text("explain-preempt.yaml", preempt, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(str_at(root, "pod"), "default/urgent");
    CU_ASSERT(json_is_null(json_object_get(root, "selected")));
    json_t *full = node_of(root, "full");
    CU_ASSERT_EQUAL(filter_ok(full, "NodeResourcesFit", NULL), 0);
    /* Deleting the low-priority pod would free the cpu. */
    CU_ASSERT_STRING_EQUAL(filter_code(full, "NodeResourcesFit"),
                           "Unschedulable");
    json_t *pre = json_object_get(root, "preemption");
    CU_ASSERT_STRING_EQUAL(str_at(pre, "node"), "full");
    json_t *victims = json_object_get(pre, "victims");
    CU_ASSERT_EQUAL_FATAL(json_array_size(victims), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(victims, 0)),
                           "batch/low");
    json_decref(root);
}

/* Preemption picks the node whose victims have the lowest priority (n2);
 * with --candidates n1 it may only consider n1. */
static void test_preemption_candidates(void)
{
    json_t *root = explain_text("explain-preempt2.yaml", preempt_two, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    json_t *pre = json_object_get(root, "preemption");
    CU_ASSERT_STRING_EQUAL(str_at(pre, "node"), "n2");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_array_get(json_object_get(pre, "victims"), 0)),
        "default/low2");
    json_decref(root);
    root = explain_text("explain-preempt2.yaml", preempt_two,
                        "--candidates n1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    pre = json_object_get(root, "preemption");
    CU_ASSERT_STRING_EQUAL(str_at(pre, "node"), "n1");
    json_decref(root);
}

/* A PreFilter rejection (NodeAffinity: the metadata.name In sets of a term
 * do not intersect) is reported at the top level; no Filter ran. */
static void test_prefilter_rejection(void)
{
    static const char text[] =
        NODE("n1", "2", "4Gi")
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  affinity:\n    nodeAffinity:\n"
        "      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "        nodeSelectorTerms:\n        - matchFields:\n"
        "          - {key: metadata.name, operator: In, values: [a]}\n"
        "          - {key: metadata.name, operator: In, values: [b]}\n"
        "  containers: [{name: c, image: busybox}]\n";
    json_t *root = explain_text("explain-prefilter.yaml", text, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT(has_contract_keys(root, 1));
    CU_ASSERT_STRING_EQUAL(
        str_at(json_object_get(root, "prefilter"), "NodeAffinity"),
        "pod affinity terms conflict");
    json_t *n1 = node_of(root, "n1");
    CU_ASSERT(json_is_false(json_object_get(n1, "feasible")));
    CU_ASSERT_EQUAL(json_object_size(json_object_get(n1, "filter")), 0);
    CU_ASSERT(json_is_null(json_object_get(root, "selected")));
    json_decref(root);
}

/* ---- choosing the pod --------------------------------------------------- */

/* Two pending pods: exit 2 naming both; --pod picks one by NAME or
 * NAMESPACE/NAME; a terminal pod is neither pending nor counted. */
static void test_pending_pod_choice(void)
{
    static const char text[] =
        NODE("n1", "4", "8Gi")
        PENDING("shop", "web", "1", "1Gi")
        PENDING("other", "web", "1", "1Gi")
        PENDING("other", "api", "1", "1Gi")
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: done}\n"
        "spec:\n  nodeName: n1\n  containers: [{name: c, image: busybox, "
        "resources: {requests: {cpu: \"4\"}}}]\nstatus: {phase: Succeeded}\n";
    char *path = write_tmp("explain-choice.yaml", text);
    char args[9000];
    char *out = NULL, *err = NULL;
    snprintf(args, sizeof args, "'%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, &out, &err), 2);
    CU_ASSERT(out && out[0] == '\0');
    CU_ASSERT(err && strstr(err, "3 pending pods"));
    CU_ASSERT(err && strstr(err, "shop/web"));
    CU_ASSERT(err && strstr(err, "other/api"));
    CU_ASSERT(err && strstr(err, "--pod"));
    free(out);
    free(err);
    /* "web" is in two namespaces. */
    snprintf(args, sizeof args, "--pod web '%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, NULL, NULL), 2);
    free(path);

    json_t *root = explain_text("explain-choice.yaml", text,
                                "--pod other/web");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(str_at(root, "pod"), "other/web");
    /* The Succeeded pod's 4 cpu are free. */
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "n1");
    json_decref(root);
    root = explain_text("explain-choice.yaml", text, "--pod api");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(str_at(root, "pod"), "other/api");
    json_decref(root);
}

/* A bound pod, a missing pod and no pending pod at all are errors. */
static void test_pod_errors(void)
{
    char *path = write_tmp("explain-three.yaml", three_nodes);
    char args[9000];
    char *err = NULL;
    snprintf(args, sizeof args, "--pod busy-a '%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, NULL, &err), 2);
    CU_ASSERT(err && strstr(err, "already bound to node node-a"));
    free(err);
    snprintf(args, sizeof args, "--pod nope '%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, NULL, NULL), 2);
    free(path);
    path = write_tmp("explain-nopending.yaml",
                     NODE("n1", "4", "8Gi") BOUND("b", "n1", "1", "1Gi"));
    snprintf(args, sizeof args, "'%s'", path);
    err = NULL;
    CU_ASSERT_EQUAL(run_explain(args, NULL, &err), 2);
    CU_ASSERT(err && strstr(err, "no pending pod"));
    free(err);
    free(path);
    /* A schedulerName no profile runs. */
    path = write_tmp("explain-othersched.yaml",
                     NODE("n1", "4", "8Gi")
                     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                     "spec:\n  schedulerName: my-scheduler\n"
                     "  containers: [{name: c, image: busybox}]\n");
    snprintf(args, sizeof args, "'%s'", path);
    err = NULL;
    CU_ASSERT_EQUAL(run_explain(args, NULL, &err), 2);
    CU_ASSERT(err && strstr(err, "my-scheduler"));
    free(err);
    free(path);
}

/* ---- configuration and input errors ------------------------------------- */

/* --config: the profile's name and its weights show in the output. */
static void test_config(void)
{
    static const char conf[] =
        "apiVersion: kubescheduler.config.k8s.io/v1\n"
        "kind: KubeSchedulerConfiguration\n"
        "profiles:\n"
        "  - schedulerName: packer\n"
        "    plugins:\n"
        "      score:\n"
        "        disabled: [{name: NodeResourcesBalancedAllocation}]\n"
        "        enabled: [{name: NodeResourcesFit, weight: 5}]\n"
        "    pluginConfig:\n"
        "      - name: NodeResourcesFit\n"
        "        args: {scoringStrategy: {type: MostAllocated}}\n";
    static const char text[] =
        NODE("node-a", "4", "8Gi") NODE("node-b", "4", "8Gi")
        BOUND("busy-a", "node-a", "2", "2Gi")
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  schedulerName: packer\n"
        "  containers: [{name: c, image: nginx, resources: {requests: "
        "{cpu: \"1\", memory: 1Gi}}}]\n";
    char *cpath = write_tmp("explain-config.yaml", conf);
    char opts[9000];
    snprintf(opts, sizeof opts, "--config '%s'", cpath);
    json_t *root = explain_text("explain-packer.yaml", text, opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_STRING_EQUAL(str_at(root, "profile"), "packer");
    /* MostAllocated: a (3/4 -> 75, 3/8 -> 37) -> 56, x5 = 280, bin
     * packing onto the loaded node. */
    json_t *a = node_of(root, "node-a");
    CU_ASSERT_EQUAL(score(a, "NodeResourcesFit", "raw"), 56);
    CU_ASSERT_EQUAL(score(a, "NodeResourcesFit", "weighted"), 280);
    CU_ASSERT_EQUAL(score(a, "NodeResourcesBalancedAllocation", "raw"), -1);
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "node-a");
    json_decref(root);
    free(cpath);
}

/* A key that is no Kubernetes field: exit 2 at FILE:LINE:COL, nothing on
 * stdout. */
static void test_bad_manifest(void)
{
    static const char text[] =
        "apiVersion: v1\n"
        "kind: Node\n"
        "metadata: {name: n1}\n"
        "spec:\n"
        "  unschedulabel: true\n";
    char *path = write_tmp("explain-bad.yaml", text);
    char args[9000], want[9000];
    snprintf(args, sizeof args, "'%s'", path);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run_explain(args, &out, &err), 2);
    snprintf(want, sizeof want, "%s:5:3: ", path);
    CU_ASSERT(err && strstr(err, want));
    CU_ASSERT(out && out[0] == '\0');
    free(out);
    free(err);
    free(path);
}

static void test_usage(void)
{
    char *out = NULL;
    CU_ASSERT_EQUAL(run_explain("--help", &out, NULL), 0);
    CU_ASSERT(out && strstr(out, "--candidates"));
    CU_ASSERT(out && strstr(out, "Workload templates"));
    free(out);
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "'%s' help explain", ks_test_ksim());
    out = NULL;
    CU_ASSERT_EQUAL(ks_test_run(cmd, &out, NULL), 0);
    CU_ASSERT(out && strstr(out, "--score-all"));
    free(out);
    CU_ASSERT_EQUAL(run_explain("", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run_explain("--bogus x.yaml", NULL, NULL), 2);
    char *path = write_tmp("explain-three.yaml", three_nodes);
    char args[9000];
    snprintf(args, sizeof args, "--kubernetes-version 1.20 '%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, NULL, NULL), 2);
    snprintf(args, sizeof args, "--seed x '%s'", path);
    CU_ASSERT_EQUAL(run_explain(args, NULL, NULL), 2);
    free(path);
    CU_ASSERT_EQUAL(run_explain("/nonexistent/m.yaml", NULL, NULL), 2);
}

/* ---- default spread selectors -------------------------------------------- */

/* A Service selects the pending pod and two bound pods on node-a: the
 * default profile's system default constraints (hostname maxSkew 3,
 * ScheduleAnyway) give PodTopologySpread non-zero scores that favour
 * node-b.  Without the Service the plugin skips (no score). */
static void test_service_spread_scores(void)
{
    static const char with[] =
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a, labels: "
        "{kubernetes.io/hostname: node-a}}\n"
        "status: {allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n"
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-b, labels: "
        "{kubernetes.io/hostname: node-b}}\n"
        "status: {allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, "
        "namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w1, namespace: "
        "shop, labels: {app: web}}\nspec: {nodeName: node-a, containers: "
        "[{name: c}]}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w2, namespace: "
        "shop, labels: {app: web}}\nspec: {nodeName: node-a, containers: "
        "[{name: c}]}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w3, namespace: "
        "shop, labels: {app: web}}\nspec: {containers: [{name: c}]}\n";
    json_t *root = explain_text("explain-service.yaml", with, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    const json_t *a = node_of(root, "node-a"), *b = node_of(root, "node-b");
    CU_ASSERT_FATAL(a && b);
    /* raw = round(pods x ln(2 + 2) + 3 - 1): a 5, b 2; normalized
     * 100 (5 + 2 - raw) / 5: a 40, b 100; weight 2. */
    CU_ASSERT_EQUAL(score(a, "PodTopologySpread", "raw"), 5);
    CU_ASSERT_EQUAL(score(b, "PodTopologySpread", "raw"), 2);
    CU_ASSERT_EQUAL(score(a, "PodTopologySpread", "normalized"), 40);
    CU_ASSERT_EQUAL(score(b, "PodTopologySpread", "weighted"), 200);
    CU_ASSERT(totals_add_up(a));
    CU_ASSERT(totals_add_up(b));
    CU_ASSERT_STRING_EQUAL(str_at(root, "selected"), "node-b");
    json_decref(root);

    /* The same pods without the Service: PodTopologySpread does not
     * score. */
    char *without = strdup(with);
    char *svc = strstr(without, "kind: Service");
    CU_ASSERT_PTR_NOT_NULL_FATAL(svc);
    memcpy(svc, "kind: Servixe", 13); /* an unknown kind: skipped */
    root = explain_text("explain-no-service.yaml", without, "");
    free(without);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_EQUAL(score(node_of(root, "node-a"), "PodTopologySpread", "raw"),
                    -1);
    json_decref(root);
}

/* ---- a real dump -------------------------------------------------------- */

/* kalc's 5-node GKE dump plus a small pending pod: valid JSON on stdout,
 * the dump's warnings on stderr only. */
static void test_kalc_dump(void)
{
    char *pod = write_tmp("explain-kalc-pod.yaml",
                          PENDING("default", "probe", "100m", "128Mi"));
    char args[9000];
    snprintf(args, sizeof args, "'%s' '%s'", DUMPS "kalc--nodes.yaml", pod);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run_explain(args, &out, &err), 0);
    json_error_t jerr;
    json_t *root = out ? json_loads(out, 0, &jerr) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT(has_contract_keys(root, 0));
    json_t *nodes = json_object_get(root, "nodes");
    CU_ASSERT_EQUAL(json_array_size(nodes), 5);
    CU_ASSERT_PTR_NOT_NULL(
        node_of(root, "gke-tesg1-default-pool-ff7a1295-7kwg"));
    const char *sel = str_at(root, "selected");
    CU_ASSERT(sel && node_of(root, sel));
    size_t i;
    json_t *n;
    json_array_foreach(nodes, i, n) {
        CU_ASSERT(json_is_true(json_object_get(n, "feasible")));
        CU_ASSERT(totals_add_up(n));
    }
    CU_ASSERT(err && strstr(err, "ksim: warning: "));
    CU_ASSERT_PTR_NULL(strstr(out, "warning"));
    json_decref(root);
    free(out);
    free(err);
    free(pod);
}

void ks_suite_explain(void)
{
    static const ks_test_case cases[] = {
        {"LeastAllocated decides, hand-computed totals",
         test_least_allocated_decides},
        {"--kubernetes-version 1.35 BalancedAllocation", test_kubernetes_135},
        {"Insufficient cpu and untolerated taint, every filter runs",
         test_filter_rejections},
        {"--score-all scores infeasible nodes", test_score_all},
        {"--candidates restricts and validates", test_candidates},
        {"preemption dry run: node and victims", test_preemption},
        {"preemption with --candidates stays within them",
         test_preemption_candidates},
        {"PreFilter rejection at top level", test_prefilter_rejection},
        {"pending pod: ambiguity, --pod, terminal pods",
         test_pending_pod_choice},
        {"pod errors: bound, missing, none pending, no profile",
         test_pod_errors},
        {"--config profile and weights", test_config},
        {"bad manifest: FILE:LINE:COL, exit 2", test_bad_manifest},
        {"usage and help", test_usage},
        {"kalc dump plus a pending pod", test_kalc_dump},
        {"a Service's pod: PodTopologySpread scores",
         test_service_spread_scores},
        {NULL, NULL},
    };
    ks_test_add_suite("cli/explain", cases);
}
