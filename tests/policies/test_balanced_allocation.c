/* test_balanced_allocation.c - NodeResourcesBalancedAllocation PreScore
 * and Score, in both the v1.35 and the v1.36 formula.
 *
 * Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/
 * noderesources/balanced_allocation_test.go TestNodeResourcesBalancedAllocation
 * at the v1.35 tree (commit 00fdb4ffc649, with the best-effort PreScore Skip
 * and the DRA cases).  Each upstream case is ported twice: with the v1.35
 * expectations of that file, and with the v1.36 expectations of the same
 * cluster under PR #135573's formula, worked out in the comments (the
 * v1.36 test file itself could not be read; the PR's review diff shows the
 * "requested resources at node capacity" cluster scoring 62 and 62, which
 * these cases reproduce).
 *
 * Upstream's makeNode(name, milliCPU, memory) takes millicores, as ksim
 * does.  The pod specs:
 *   cpuOnly:      containers 1000m/0 and 2000m/0     -> 3000m, memory 0
 *   cpuAndMemory: containers 1000m/2000, 2000m/3000  -> 3000m, 5000
 * and in the existing pods, cpuOnly runs on node1, cpuAndMemory on node2.
 *
 * Not ported: "include scalar resource on a node for balanced resource
 * allocation" and "node without the scalar resource should skip the scalar
 * resource" (nvidia.com/gpu), "include DRA resource on a node for balanced
 * resource allocation" (with and without PreScore) and
 * TestBalancedAllocationSignPod (no signatures in ksim).
 */
#include <stdio.h>

#include "policies/k8s/balanced_allocation.h"
#include "tests/test_util.h"

void ks_suite_balanced_allocation(void);

typedef struct res {
    int64_t cpu, mem;
} res;

#define CPU_ONLY ((res){3000, 0})
#define CPU_AND_MEMORY ((res){3000, 5000})
#define NOTHING ((res){0, 0}) /* st.MakePod().Obj() */

static uint32_t add_pod(ks_cluster *c, res r)
{
    const int64_t req[KS_RES_COUNT] = {r.cpu, r.mem, 1};
    return ks_cluster_add_pod(c, 0, req, 1, 0, 0);
}

/* One case: two nodes, optionally cpuOnly on node1 and cpuAndMemory on
 * node2, the incoming pod, PreScore run or not, at a Kubernetes minor. */
typedef struct ba_case {
    res pod;
    res nodes[2];
    int with_pods;
    int run_pre_score;
    int minor;
    ks_status_code want_pre_score;
    int64_t want[2];
} ba_case;

static void run(const ba_case *tc)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t nodes[2];
    for (int i = 0; i < 2; i++) {
        const int64_t alloc[KS_RES_COUNT] = {tc->nodes[i].cpu,
                                             tc->nodes[i].mem, 110};
        nodes[i] = ks_cluster_add_node(c, i ? "node2" : "node1", alloc, 0);
    }
    if (tc->with_pods) {
        ks_cluster_bind(c, add_pod(c, CPU_ONLY), nodes[0], 0);
        ks_cluster_bind(c, add_pod(c, CPU_AND_MEMORY), nodes[1], 0);
    }
    uint32_t p = add_pod(c, tc->pod);
    ks_plugin_call call = {.args = NULL,
                           .cluster = c,
                           .pod = &c->pods[p],
                           .k8s_minor = tc->minor};
    if (tc->run_pre_score) {
        ks_status st = ks_balanced_allocation_pre_score(&call, nodes, 2);
        CU_ASSERT_EQUAL(st.code, tc->want_pre_score);
        if (st.code == KS_STATUS_SKIP) {
            ks_cluster_destroy(c);
            return;
        }
    }
    for (int i = 0; i < 2; i++) {
        int64_t got = ks_balanced_allocation_score(&call, &c->nodes[nodes[i]]);
        if (got != tc->want[i])
            fprintf(stderr, "\n  v1.%d node%d: got %lld, want %lld\n",
                    tc->minor, i + 1, (long long)got,
                    (long long)tc->want[i]);
        CU_ASSERT_EQUAL(got, tc->want[i]);
    }
    ks_cluster_destroy(c);
}

#define CASE(fn, ...)                                                          \
    static void fn(void)                                                       \
    {                                                                          \
        static const ba_case tc = {__VA_ARGS__};                               \
        run(&tc);                                                              \
    }

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation "nothing
 * scheduled, nothing requested, skip in PreScore" (v1.35) */
CASE(v135_skip_best_effort, .pod = NOTHING,
     .nodes = {{4000, 10000}, {4000, 10000}}, .run_pre_score = 1, .minor = 35,
     .want_pre_score = KS_STATUS_SKIP)
/* ... the same in v1.36: the Skip did not change. */
CASE(v136_skip_best_effort, .pod = NOTHING,
     .nodes = {{4000, 10000}, {4000, 10000}}, .run_pre_score = 1, .minor = 36,
     .want_pre_score = KS_STATUS_SKIP)

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation "nothing
 * scheduled, resources requested, differently sized nodes" (v1.35):
 * node1 0.75 / 0.5, std 0.125 -> 87; node2 0.5 / 0.5 -> 100 */
CASE(v135_differently_sized, .pod = CPU_AND_MEMORY,
     .nodes = {{4000, 10000}, {6000, 10000}}, .run_pre_score = 1, .minor = 35,
     .want = {87, 100})
/* ... v1.36 (the reference doc's example): node1 with pod 87, without
 * (0 / 0) 100 -> 50 + (50 + 87 - 100) / 2 = 68; node2 100 and 100 -> 75 */
CASE(v136_differently_sized, .pod = CPU_AND_MEMORY,
     .nodes = {{4000, 10000}, {6000, 10000}}, .run_pre_score = 1, .minor = 36,
     .want = {68, 75})

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation
 * "resources requested, pods scheduled with resources" (v1.35):
 * node1 0.6 / 0.25 -> 82; node2 0.6 / 0.5 -> 95 */
CASE(v135_pods_with_resources, .pod = CPU_AND_MEMORY,
     .nodes = {{10000, 20000}, {10000, 20000}}, .with_pods = 1,
     .run_pre_score = 1, .minor = 35, .want = {82, 95})
/* ... v1.36: node1 82 with, 0.3 / 0 -> 85 without -> 50 + 47 / 2 = 73;
 * node2 95 with, 0.3 / 0.25 -> 97 without -> 50 + 48 / 2 = 74 */
CASE(v136_pods_with_resources, .pod = CPU_AND_MEMORY,
     .nodes = {{10000, 20000}, {10000, 20000}}, .with_pods = 1,
     .run_pre_score = 1, .minor = 36, .want = {73, 74})

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation
 * "resources requested, pods scheduled with resources, differently sized
 * nodes" (v1.35): node2 0.6 / 0.2 -> 80 */
CASE(v135_pods_differently_sized, .pod = CPU_AND_MEMORY,
     .nodes = {{10000, 20000}, {10000, 50000}}, .with_pods = 1,
     .run_pre_score = 1, .minor = 35, .want = {82, 80})
/* ... v1.36: node2 80 with, 0.3 / 0.1 -> 90 without -> 50 + 40 / 2 = 70 */
CASE(v136_pods_differently_sized, .pod = CPU_AND_MEMORY,
     .nodes = {{10000, 20000}, {10000, 50000}}, .with_pods = 1,
     .run_pre_score = 1, .minor = 36, .want = {73, 70})

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation
 * "requested resources at node capacity" (v1.35): node1 1 / 0 -> 50;
 * node2 1 / 0.5 -> 75 */
CASE(v135_at_capacity, .pod = CPU_ONLY, .nodes = {{6000, 10000}, {6000, 10000}},
     .with_pods = 1, .run_pre_score = 1, .minor = 35, .want = {50, 75})
/* ... v1.36 (62 and 62 in PR #135573's test diff): node1 50 with, 0.5 / 0
 * -> 75 without -> 50 + 25 / 2 = 62; node2 75 with, 0.5 / 0.5 -> 100
 * without -> 50 + 25 / 2 = 62 */
CASE(v136_at_capacity, .pod = CPU_ONLY, .nodes = {{6000, 10000}, {6000, 10000}},
     .with_pods = 1, .run_pre_score = 1, .minor = 36, .want = {62, 62})

/* balanced_allocation_test.go TestNodeResourcesBalancedAllocation
 * "resources requested, pods scheduled with resources if PreScore not
 * called" (v1.35) */
CASE(v135_no_pre_score, .pod = CPU_AND_MEMORY,
     .nodes = {{10000, 20000}, {10000, 20000}}, .with_pods = 1,
     .run_pre_score = 0, .minor = 35, .want = {82, 95})
/* ... v1.36 */
CASE(v136_no_pre_score, .pod = CPU_AND_MEMORY,
     .nodes = {{10000, 20000}, {10000, 20000}}, .with_pods = 1,
     .run_pre_score = 0, .minor = 36, .want = {73, 74})

/* ---- ksim-side checks (not upstream cases) ---------------------------------- */

/* std over more than two resources is the population standard deviation;
 * fewer than two fractions give std 0; allocatable 0 is skipped. */
static void std_shapes(void)
{
    /* 0.8571 / 0.125 / 0.5: population std 0.2989 -> 70, the fractions
     * of upstream's "include scalar resource" node1 (3 resources). */
    const int64_t req3[3] = {3000, 5000, 4}, alloc3[3] = {3500, 40000, 8};
    CU_ASSERT_EQUAL(ks_balanced_resource_score(req3, alloc3, 3), 70);
    const int64_t req1[1] = {1}, alloc1[1] = {2};
    CU_ASSERT_EQUAL(ks_balanced_resource_score(req1, alloc1, 1), 100);
    const int64_t req2[2] = {3000, 5000}, alloc_0[2] = {4000, 0};
    CU_ASSERT_EQUAL(ks_balanced_resource_score(req2, alloc_0, 2), 100);
    /* Over-allocation is capped at 1: 2 / 0.5 -> 1 / 0.5 -> 75. */
    const int64_t over[2] = {8000, 5000}, alloc2[2] = {4000, 10000};
    CU_ASSERT_EQUAL(ks_balanced_resource_score(over, alloc2, 2), 75);
    /* v1.36 range: unchanged balance gives 75, perfect to worst 50, worst
     * to perfect 100. */
    const int64_t none[2] = {0, 0}, full[2] = {4000, 10000};
    const int64_t half_cpu[2] = {4000, 0};
    CU_ASSERT_EQUAL(
        ks_balanced_allocation_change_score(full, none, alloc2, 2), 75);
    CU_ASSERT_EQUAL(
        ks_balanced_allocation_change_score(half_cpu, none, alloc2, 2), 50);
    CU_ASSERT_EQUAL(
        ks_balanced_allocation_change_score(full, half_cpu, alloc2, 2), 100);
}

/* Actual requests decide best effort: a pod whose containers have no
 * requests is skipped although it scores with non-zero defaults elsewhere;
 * "pods" never counts. */
static void best_effort_uses_actual_requests(void)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {4000, 10000, 110};
    uint32_t node = ks_cluster_add_node(c, "n", alloc, 0);
    const int64_t missing[KS_RES_COUNT] = {-1, -1, 1};
    uint32_t p = ks_cluster_add_pod(c, 0, missing, 1, 0, 0);
    ks_balanced_allocation_args a = {
        .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1,
                   [KS_RES_PODS] = 1}};
    ks_plugin_call call = {
        .args = &a, .cluster = c, .pod = &c->pods[p], .k8s_minor = 36};
    CU_ASSERT_EQUAL(ks_balanced_allocation_pre_score(&call, &node, 1).code,
                    KS_STATUS_SKIP);
    CU_ASSERT_EQUAL(ks_balanced_allocation_score(&call, &c->nodes[node]), 0);
    /* A memory-only pod is not best effort, and "pods" is not scored:
     * v1.36 0 / 0.5 with, 0 / 0 without -> 50 + (50 + 75 - 100) / 2 = 62. */
    const int64_t mem[KS_RES_COUNT] = {0, 5000, 1};
    p = ks_cluster_add_pod(c, 0, mem, 1, 0, 0);
    call.pod = &c->pods[p];
    CU_ASSERT_EQUAL(ks_balanced_allocation_pre_score(&call, &node, 1).code,
                    KS_STATUS_SUCCESS);
    CU_ASSERT_EQUAL(ks_balanced_allocation_score(&call, &c->nodes[node]), 62);
    ks_cluster_destroy(c);
}

static void plugin_table(void)
{
    const ks_plugin *pl = &ks_plugin_balanced_allocation;
    CU_ASSERT_STRING_EQUAL(pl->name, "NodeResourcesBalancedAllocation");
    CU_ASSERT_EQUAL(pl->default_weight, 1);
    CU_ASSERT_PTR_NULL(pl->filter);
    CU_ASSERT_PTR_NULL(pl->normalize);
    const ks_balanced_allocation_args *d = pl->default_args;
    CU_ASSERT_EQUAL(d->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(d->weight[KS_RES_MEMORY], 1);
    CU_ASSERT_EQUAL(d->weight[KS_RES_PODS], 0);
}

void ks_suite_balanced_allocation(void)
{
    static const ks_test_case cases[] = {
        {"v1.35 nothing scheduled, nothing requested, skip in PreScore",
         v135_skip_best_effort},
        {"v1.36 nothing scheduled, nothing requested, skip in PreScore",
         v136_skip_best_effort},
        {"v1.35 nothing scheduled, resources requested, differently sized "
         "nodes",
         v135_differently_sized},
        {"v1.36 nothing scheduled, resources requested, differently sized "
         "nodes",
         v136_differently_sized},
        {"v1.35 resources requested, pods scheduled with resources",
         v135_pods_with_resources},
        {"v1.36 resources requested, pods scheduled with resources",
         v136_pods_with_resources},
        {"v1.35 resources requested, pods scheduled with resources, "
         "differently sized nodes",
         v135_pods_differently_sized},
        {"v1.36 resources requested, pods scheduled with resources, "
         "differently sized nodes",
         v136_pods_differently_sized},
        {"v1.35 requested resources at node capacity", v135_at_capacity},
        {"v1.36 requested resources at node capacity", v136_at_capacity},
        {"v1.35 resources requested, pods scheduled with resources if "
         "PreScore not called",
         v135_no_pre_score},
        {"v1.36 resources requested, pods scheduled with resources if "
         "PreScore not called",
         v136_no_pre_score},
        {"std over 1, 2 and 3 resources", std_shapes},
        {"best effort uses actual requests", best_effort_uses_actual_requests},
        {"plugin table", plugin_table},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/balanced_allocation", cases);
}
