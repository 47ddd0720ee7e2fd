/* test_noderesources_fit.c - NodeResourcesFit Filter and its three Score
 * strategies.
 *
 * The first cases were worked by hand from the upstream formulas.  The rest
 * are ported case by case from kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/noderesources (v1.36 tree):
 *   fit_test.go: TestEnoughRequests, TestNotEnoughRequests,
 *     TestStorageRequests, TestRestartableInitContainers, TestFitScore;
 *   least_allocated_test.go TestLeastAllocatedScoringStrategy;
 *   most_allocated_test.go TestMostAllocatedScoringStrategy;
 *   requested_to_capacity_ratio_test.go (commit 0a295a8d22eb):
 *     TestRequestedToCapacityRatioScoringStrategy, TestBrokenLinearFunction,
 *     TestRequestedToCapacityRatioScorerOverflow, TestScaledUtilization.
 * Each upstream case is one CUnit test named after it.
 *
 * Units: in st.MakeNode().Capacity({"cpu": "4000"}) the 4000 is cores;
 * ksim stores millicores, so those tests go through CORES().  Pod requests
 * are the effective ones the scheduler computes (max of the containers' sum
 * and each init container, plus sidecars and overhead): the plugin sees
 * that vector, so the upstream containers are summed by hand in comments.
 * A request of -1 means "a container without that request" (0 for the
 * Filter, the non-zero default for scoring), as in ks_cluster_add_pod.
 *
 * Not ported (extended resources, hugepages, ephemeral-storage, DRA and
 * feature gates that ksim does not model) are listed in the report and at
 * the end of this file.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policies/k8s/noderesources_fit.h"
#include "tests/test_util.h"

void ks_suite_noderesources_fit(void);

/* ---- hand-worked cases (kept from the first version) ---------------------- */

static ks_node make_node(int64_t cpu, int64_t mem, int64_t pods)
{
    ks_node n = {0};
    n.allocatable[KS_RES_CPU] = cpu;
    n.allocatable[KS_RES_MEMORY] = mem;
    n.allocatable[KS_RES_PODS] = pods;
    return n;
}

static ks_pod make_pod(int64_t cpu, int64_t mem)
{
    ks_pod p = {0};
    p.request[KS_RES_CPU] = p.nonzero_request[KS_RES_CPU] = cpu;
    p.request[KS_RES_MEMORY] = p.nonzero_request[KS_RES_MEMORY] = mem;
    p.request[KS_RES_PODS] = p.nonzero_request[KS_RES_PODS] = 1;
    return p;
}

static ks_plugin_call call_for(const ks_pod *p)
{
    ks_plugin_call call = {.pod = p, .k8s_minor = 36};
    return call;
}

static int64_t score(const ks_pod *p, const ks_node *n)
{
    ks_plugin_call call = call_for(p);
    return ks_fit_score(&call, n);
}

/* Filters with a plugin instance (which holds the message) that lives
 * until the next call, like the scheduler's. */
static ks_status filter(const ks_pod *p, const ks_node *n)
{
    static void *inst;
    if (!inst)
        inst = ks_plugin_noderesources_fit.create(NULL);
    ks_plugin_call call = call_for(p);
    call.instance = inst;
    return ks_fit_filter(&call, n);
}

static void test_least_allocated_by_hand(void)
{
    /* Pod 1000m / 2000 bytes on empty nodes 4000m/10000 and 6000m/10000:
     * node1: cpu 3000*100/4000 = 75, mem 8000*100/10000 = 80 -> 155/2 = 77
     * node2: cpu 5000*100/6000 = 83 (83.3), mem 80 -> 163/2 = 81 */
    ks_pod p = make_pod(1000, 2000);
    ks_node n1 = make_node(4000, 10000, 110), n2 = make_node(6000, 10000, 110);
    CU_ASSERT_EQUAL(score(&p, &n1), 77);
    CU_ASSERT_EQUAL(score(&p, &n2), 81);

    /* Existing load 3000m / 5000 on node1: req = 4000 / 7000:
     * cpu 0*100/4000 = 0, mem 3000*100/10000 = 30 -> 15 */
    n1.nonzero_requested[KS_RES_CPU] = 3000;
    n1.nonzero_requested[KS_RES_MEMORY] = 5000;
    CU_ASSERT_EQUAL(score(&p, &n1), 15);

    /* Over capacity scores 0 for that resource: req cpu 5000 > 4000 -> 0,
     * mem req 4000 -> 6000*100/10000 = 60 -> (0 + 60)/2 = 30. */
    n1.nonzero_requested[KS_RES_CPU] = 4000;
    n1.nonzero_requested[KS_RES_MEMORY] = 2000;
    CU_ASSERT_EQUAL(score(&p, &n1), 30);
}

static void test_weights_and_edges(void)
{
    const int64_t req[2] = {1000, 2000}, alloc[2] = {4000, 10000};
    const int64_t w21[2] = {2, 1}, w01[2] = {0, 1}, w00[2] = {0, 0};
    /* (75*2 + 80*1) / 3 = 230/3 = 76 */
    CU_ASSERT_EQUAL(ks_least_allocated_score(req, alloc, w21, 2), 76);
    CU_ASSERT_EQUAL(ks_least_allocated_score(req, alloc, w01, 2), 80);
    CU_ASSERT_EQUAL(ks_least_allocated_score(req, alloc, w00, 2), 0);
    const int64_t zero_alloc[2] = {0, 10000}, w11[2] = {1, 1};
    /* A resource the node has none of is skipped, weight included
     * (least_allocated.go leastResourceScorer: `if allocable[i] == 0
     * continue`): only memory counts, 80.  The first version counted the
     * weight and gave (0 + 80)/2 = 40, which upstream never does. */
    CU_ASSERT_EQUAL(ks_least_allocated_score(req, zero_alloc, w11, 2), 80);
    const int64_t empty[2] = {0, 0};
    CU_ASSERT_EQUAL(ks_least_allocated_score(empty, alloc, w11, 2), 100);
}

/* A pod without requests is scored with 100m and 200Mi: on an empty
 * 4000m / 1Gi node, cpu 3900*100/4000 = 97, memory
 * (1073741824-209715200)*100/1073741824 = 80 -> 177/2 = 88. */
static void test_nonzero_defaults_in_score(void)
{
    ks_pod p = {0};
    p.nonzero_request[KS_RES_CPU] = KS_DEFAULT_MILLI_CPU_REQUEST;
    p.nonzero_request[KS_RES_MEMORY] = KS_DEFAULT_MEMORY_REQUEST;
    ks_node n = make_node(4000, 1LL << 30, 110);
    CU_ASSERT_EQUAL(score(&p, &n), 88);
}

static void test_filter(void)
{
    ks_node n = make_node(4000, 10000, 2);
    ks_pod p = make_pod(1000, 2000);
    CU_ASSERT_EQUAL(filter(&p, &n).code, KS_STATUS_SUCCESS);

    /* Equality fits. */
    n.requested[KS_RES_CPU] = 3000;
    n.requested[KS_RES_MEMORY] = 8000;
    CU_ASSERT_EQUAL(filter(&p, &n).code, KS_STATUS_SUCCESS);

    /* One millicore more does not. */
    n.requested[KS_RES_CPU] = 3001;
    ks_status st = filter(&p, &n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE);
    CU_ASSERT_EQUAL(st.reasons, KS_FIT_INSUFFICIENT_CPU);
    CU_ASSERT_STRING_EQUAL(st.message, "Insufficient cpu");

    /* Too many pods. */
    n.requested[KS_RES_CPU] = 0;
    n.requested[KS_RES_PODS] = 2;
    st = filter(&p, &n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE);
    CU_ASSERT_EQUAL(st.reasons, KS_FIT_TOO_MANY_PODS);

    /* A request above the whole allocatable cannot be helped by
     * preemption. */
    n.requested[KS_RES_PODS] = 0;
    ks_pod big = make_pod(1000, 20000);
    st = filter(&big, &n);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    CU_ASSERT_EQUAL(st.reasons, KS_FIT_INSUFFICIENT_MEMORY);

    /* A pod requesting nothing only needs a pod slot. */
    ks_pod none = make_pod(0, 0);
    n.requested[KS_RES_CPU] = 4000;
    n.requested[KS_RES_MEMORY] = 10000;
    CU_ASSERT_EQUAL(filter(&none, &n).code,
                    KS_STATUS_SUCCESS);
}

/* ---- builders for the ported cases ---------------------------------------- */

/* upstream "cpu": "N" in st.MakeNode/st.MakePod is N cores. */
#define CORES(n) ((int64_t)(n) * 1000)
#define MI(n) ((int64_t)(n) * 1024 * 1024)

/* Actual requests (cpu in millicores, memory in bytes); -1 = a container
 * without that request. */
typedef struct res {
    int64_t cpu, mem;
} res;

/* A pod bound to nodes[node]. */
typedef struct exist {
    int node;
    res r;
} exist;

#define LIST(type, ...)                                                        \
    (const type[]){__VA_ARGS__},                                               \
        (int)(sizeof((const type[]){__VA_ARGS__}) / sizeof(type))
#define NODES(...) LIST(res, __VA_ARGS__)
#define PODS(...) LIST(exist, __VA_ARGS__)
#define NO_PODS NULL, 0
#define WANT(...) (const int64_t[]){__VA_ARGS__}

/* A node with cpu, memory and pods allocatable. */
static uint32_t add_node(ks_cluster *c, int64_t cpu, int64_t mem, int64_t pods)
{
    const int64_t alloc[KS_RES_COUNT] = {cpu, mem, pods};
    return ks_cluster_add_node(c, "node", alloc, 0);
}

static uint32_t add_pod(ks_cluster *c, res r)
{
    const int64_t req[KS_RES_COUNT] = {r.cpu, r.mem, 1};
    return ks_cluster_add_pod(c, 0, req, 1, 0, 0);
}

/* Binds pods ex[0..n) to the nodes. */
static void add_existing(ks_cluster *c, const uint32_t *nodes, const exist *ex,
                         int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t p = add_pod(c, ex[i].r);
        ks_cluster_bind(c, p, nodes[ex[i].node], 0);
    }
}

/* Scores the pod on every node and compares with want[]. */
static void run_score(const ks_fit_args *args, res pod, const res *nodes,
                      int nnodes, const exist *ex, int nex,
                      const int64_t *want)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t idx[4];
    CU_ASSERT_FATAL(nnodes <= 4);
    for (int i = 0; i < nnodes; i++)
        idx[i] = add_node(c, nodes[i].cpu, nodes[i].mem, 110);
    add_existing(c, idx, ex, nex);
    uint32_t p = add_pod(c, pod);
    ks_plugin_call call = {
        .args = args, .cluster = c, .pod = &c->pods[p], .k8s_minor = 36};
    for (int i = 0; i < nnodes; i++) {
        int64_t got = ks_fit_score(&call, &c->nodes[idx[i]]);
        if (got != want[i])
            fprintf(stderr, "\n  node%d: got %lld, want %lld\n", i + 1,
                    (long long)got, (long long)want[i]);
        CU_ASSERT_EQUAL(got, want[i]);
    }
    ks_cluster_destroy(c);
}

#define SCORE_CASE(fn, args, pod, nodes, pods, want)                           \
    static void fn(void) { run_score(args, pod, nodes, pods, want); }

/* Filters the pod on a node with alloc (cpu, mem, pods) holding one pod
 * with `used` (none if used.cpu < -1). */
static void run_filter(res alloc, int64_t alloc_pods, const res *used,
                       res pod, ks_status_code want_code,
                       uint32_t want_reasons, const ks_fit_args *args)
{
    ks_cluster *c = ks_cluster_create();
    uint32_t node = add_node(c, alloc.cpu, alloc.mem, alloc_pods);
    if (used) {
        exist e = {0, *used};
        add_existing(c, &node, &e, 1);
    }
    uint32_t p = add_pod(c, pod);
    void *inst = ks_plugin_noderesources_fit.create(args);
    ks_plugin_call call = {.args = args,
                           .instance = inst,
                           .cluster = c,
                           .pod = &c->pods[p],
                           .k8s_minor = 36};
    ks_status st = ks_fit_filter(&call, &c->nodes[node]);
    CU_ASSERT_EQUAL(st.code, want_code);
    CU_ASSERT_EQUAL(st.reasons, want_reasons);
    if (want_code != KS_STATUS_SUCCESS) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(st.message);
        /* Status.Message joins the reasons with ", " in this order. */
        char expect[128] = "";
        if (want_reasons & KS_FIT_TOO_MANY_PODS)
            strcat(expect, "Too many pods");
        if (want_reasons & KS_FIT_INSUFFICIENT_CPU)
            strcat(strcat(expect, *expect ? ", " : ""), "Insufficient cpu");
        if (want_reasons & KS_FIT_INSUFFICIENT_MEMORY)
            strcat(strcat(expect, *expect ? ", " : ""), "Insufficient memory");
        CU_ASSERT_STRING_EQUAL(st.message, expect);
    }
    ks_plugin_noderesources_fit.destroy(inst);
    ks_cluster_destroy(c);
}

#define OK KS_STATUS_SUCCESS
#define UNSCHED KS_STATUS_UNSCHEDULABLE
#define UNRESOLVABLE KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE
#define CPU KS_FIT_INSUFFICIENT_CPU
#define MEM KS_FIT_INSUFFICIENT_MEMORY
#define PODSR KS_FIT_TOO_MANY_PODS

/* TestEnoughRequests: node allocatable cpu 10m, memory 20, pods 32
 * (makeAllocatableResources(10, 20, 32, ...)), holding one pod. */
#define ENOUGH_CASE(fn, used_cpu, used_mem, pod_cpu, pod_mem, code, reasons) \
    static void fn(void)                                                       \
    {                                                                          \
        const res used = {used_cpu, used_mem};                                 \
        run_filter((res){10, 20}, 32, &used, (res){pod_cpu, pod_mem}, code,    \
                   reasons, NULL);                                             \
    }

/* fit_test.go TestEnoughRequests "no resources requested always fits" */
ENOUGH_CASE(enough_no_request, 10, 20, 0, 0, OK, 0)
/* fit_test.go TestEnoughRequests "too many resources fails" */
ENOUGH_CASE(enough_too_many, 10, 20, 1, 1, UNSCHED, CPU | MEM)
/* fit_test.go TestEnoughRequests "too many resources fails due to init
 * container cpu": containers (1,1), init (3,1) -> (3,1) */
ENOUGH_CASE(enough_init_cpu, 8, 19, 3, 1, UNSCHED, CPU)
/* fit_test.go TestEnoughRequests "too many resources fails due to highest
 * init container cpu": inits (3,1), (2,1) -> (3,1) */
ENOUGH_CASE(enough_highest_init_cpu, 8, 19, 3, 1, UNSCHED, CPU)
/* fit_test.go TestEnoughRequests "too many resources fails due to init
 * container memory": init (1,3) -> (1,3) */
ENOUGH_CASE(enough_init_mem, 9, 19, 1, 3, UNSCHED, MEM)
/* fit_test.go TestEnoughRequests "too many resources fails due to highest
 * init container memory": inits (1,3), (1,2) -> (1,3) */
ENOUGH_CASE(enough_highest_init_mem, 9, 19, 1, 3, UNSCHED, MEM)
/* fit_test.go TestEnoughRequests "init container fits because it's the
 * max, not sum, of containers and init containers" -> (1,1) */
ENOUGH_CASE(enough_init_max, 9, 19, 1, 1, OK, 0)
/* fit_test.go TestEnoughRequests "multiple init containers fit because
 * it's the max, not sum, of containers and init containers" -> (1,1) */
ENOUGH_CASE(enough_multi_init_max, 9, 19, 1, 1, OK, 0)
/* fit_test.go TestEnoughRequests "both resources fit" */
ENOUGH_CASE(enough_both_fit, 5, 5, 1, 1, OK, 0)
/* fit_test.go TestEnoughRequests "one resource memory fits" */
ENOUGH_CASE(enough_mem_fits, 9, 5, 2, 1, UNSCHED, CPU)
/* fit_test.go TestEnoughRequests "one resource cpu fits" */
ENOUGH_CASE(enough_cpu_fits, 5, 19, 1, 2, UNSCHED, MEM)
/* fit_test.go TestEnoughRequests "equal edge case" */
ENOUGH_CASE(enough_equal_edge, 5, 19, 5, 1, OK, 0)
/* fit_test.go TestEnoughRequests "equal edge case for init container":
 * container (4,1), init (5,1) -> (5,1) */
ENOUGH_CASE(enough_equal_edge_init, 5, 19, 5, 1, OK, 0)
/* fit_test.go TestEnoughRequests "resources + pod overhead fits":
 * (1,1) + overhead (3m,13) -> (4,14) */
ENOUGH_CASE(enough_overhead_fits, 5, 5, 4, 14, OK, 0)
/* fit_test.go TestEnoughRequests "requests + overhead does not fit for
 * memory": (1,1) + overhead (1m,15) -> (2,16) */
ENOUGH_CASE(enough_overhead_mem, 5, 5, 2, 16, UNSCHED, MEM)

/* TestNotEnoughRequests: allocatable cpu 10m, memory 20, pods 1, one pod
 * already there. */
#define NOT_ENOUGH_CASE(fn, used_cpu, used_mem, pod_cpu, pod_mem)             \
    static void fn(void)                                                       \
    {                                                                          \
        const res used = {used_cpu, used_mem};                                 \
        run_filter((res){10, 20}, 1, &used, (res){pod_cpu, pod_mem}, UNSCHED,  \
                   PODSR, NULL);                                               \
    }

/* fit_test.go TestNotEnoughRequests "even without specified resources,
 * predicate fails when there's no space for additional pod" */
NOT_ENOUGH_CASE(not_enough_no_request, 10, 20, 0, 0)
/* fit_test.go TestNotEnoughRequests "even if both resources fit,
 * predicate fails when there's no space for additional pod" */
NOT_ENOUGH_CASE(not_enough_both_fit, 5, 5, 1, 1)
/* fit_test.go TestNotEnoughRequests "even for equal edge case, predicate
 * fails when there's no space for additional pod" */
NOT_ENOUGH_CASE(not_enough_equal_edge, 5, 19, 5, 1)
/* fit_test.go TestNotEnoughRequests "even for equal edge case, predicate
 * fails when there's no space for additional pod due to init container":
 * container (5,1), init (5,1) -> (5,1) */
NOT_ENOUGH_CASE(not_enough_equal_edge_init, 5, 19, 5, 1)

/* fit_test.go TestStorageRequests "empty storage requested, and pod fits" */
static void storage_empty_fits(void)
{
    const res used = {2, 10};
    run_filter((res){10, 20}, 32, &used, (res){1, 1}, OK, 0, NULL);
}

/* TestRestartableInitContainers (sidecars enabled, as in v1.36): an empty
 * node with cpu 2m, memory 0, pods 1. */
#define SIDECAR_CASE(fn, pod_cpu, code, reasons)                               \
    static void fn(void)                                                       \
    {                                                                          \
        run_filter((res){2, 0}, 1, NULL, (res){pod_cpu, -1}, code, reasons,   \
                   NULL);                                                      \
    }

/* fit_test.go TestRestartableInitContainers "allow pod without restartable
 * init containers if sidecar containers is enabled" */
SIDECAR_CASE(sidecar_plain_pod, -1, OK, 0)
/* fit_test.go TestRestartableInitContainers "allow pod with restartable
 * init containers if sidecar containers is enabled" */
SIDECAR_CASE(sidecar_no_requests, -1, OK, 0)
/* fit_test.go TestRestartableInitContainers "allow pod if the total
 * requested resources do not exceed the node's allocatable resources":
 * 1m + sidecar 1m */
SIDECAR_CASE(sidecar_fits, 2, OK, 0)
/* fit_test.go TestRestartableInitContainers "not allow pod if the total
 * requested resources do exceed the node's allocatable resources":
 * 1m + sidecar 2m = 3m > 2m, more than the node has */
SIDECAR_CASE(sidecar_exceeds, 3, UNRESOLVABLE, CPU)

/* ---- TestFitScore ---------------------------------------------------------- */

static const ks_fit_args least_args = {
    .strategy = KS_FIT_LEAST_ALLOCATED,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1},
};
static const ks_fit_args most_args = {
    .strategy = KS_FIT_MOST_ALLOCATED,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1},
};
/* shape {0: 10, 100: 0}: least requested nodes have priority. */
static const ks_fit_args rtcr_down_args = {
    .strategy = KS_FIT_REQUESTED_TO_CAPACITY_RATIO,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1},
    .shape = {{0, 10}, {100, 0}},
    .nshape = 2,
};
/* shape {0: 0, 100: 10}: bin packing. */
static const ks_fit_args rtcr_up_args = {
    .strategy = KS_FIT_REQUESTED_TO_CAPACITY_RATIO,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1},
    .shape = {{0, 0}, {100, 10}},
    .nshape = 2,
};

/* The TestFitScore cluster: node1 4000/10000 with a 2000/4000 pod, node2
 * 6000/10000 with a 1000/2000 pod (cores / bytes). */
#define FIT_NODES NODES({CORES(4000), 10000}, {CORES(6000), 10000})
#define FIT_PODS                                                               \
    PODS({0, {CORES(2000), 4000}}, {1, {CORES(1000), 2000}})

/* fit_test.go TestFitScore "test case for ScoringStrategy
 * RequestedToCapacityRatio case1": node1 cpu 5000 > 4000 scores 0 and is
 * dropped, memory 90% -> 10; node2 (34 + 30) / 2 = 32 */
SCORE_CASE(fit_score_rtcr_case1, &rtcr_down_args,
           ((res){CORES(3000), 5000}), FIT_NODES, FIT_PODS, WANT(10, 32))
/* fit_test.go TestFitScore "test case for ScoringStrategy
 * RequestedToCapacityRatio case2" */
SCORE_CASE(fit_score_rtcr_case2, &rtcr_up_args,
           ((res){CORES(3000), 5000}), FIT_NODES, FIT_PODS, WANT(95, 68))
/* fit_test.go TestFitScore "test case for ScoringStrategy MostAllocated" */
SCORE_CASE(fit_score_most, &most_args, ((res){CORES(1000), 2000}), FIT_NODES,
           FIT_PODS, WANT(67, 36))
/* fit_test.go TestFitScore "test case for ScoringStrategy LeastAllocated" */
SCORE_CASE(fit_score_least, &least_args, ((res){CORES(1000), 2000}),
           FIT_NODES, FIT_PODS, WANT(32, 63))
/* fit_test.go TestFitScore "test case for ScoringStrategy
 * RequestedToCapacityRatio case1 if PreScore is not called" (ksim's Fit
 * has no PreScore: the same call) */
SCORE_CASE(fit_score_rtcr_case1_no_prescore, &rtcr_down_args,
           ((res){CORES(3000), 5000}), FIT_NODES, FIT_PODS, WANT(10, 32))
/* fit_test.go TestFitScore "test case for ScoringStrategy MostAllocated if
 * PreScore is not called" */
SCORE_CASE(fit_score_most_no_prescore, &most_args,
           ((res){CORES(1000), 2000}), FIT_NODES, FIT_PODS, WANT(67, 36))
/* fit_test.go TestFitScore "test case for ScoringStrategy LeastAllocated if
 * PreScore is not called" */
SCORE_CASE(fit_score_least_no_prescore, &least_args,
           ((res){CORES(1000), 2000}), FIT_NODES, FIT_PODS, WANT(32, 63))

/* Both nodes 4000/10000; node1's pod has a 1000/2000 sidecar on top of its
 * 1000/2000 container (2000/4000 in all), node2's has none. */
#define SIDECAR_NODES NODES({CORES(4000), 10000}, {CORES(4000), 10000})
#define SIDECAR_PODS                                                           \
    PODS({0, {CORES(2000), 4000}}, {1, {CORES(1000), 2000}})

/* fit_test.go TestFitScore "test case for ScoringStrategy MostAllocated
 * with sidecar container" */
SCORE_CASE(fit_score_most_sidecar, &most_args, ((res){CORES(1000), 2000}),
           SIDECAR_NODES, SIDECAR_PODS, WANT(67, 45))
/* fit_test.go TestFitScore "test case for ScoringStrategy LeastAllocated
 * with sidecar container" */
SCORE_CASE(fit_score_least_sidecar, &least_args, ((res){CORES(1000), 2000}),
           SIDECAR_NODES, SIDECAR_PODS, WANT(32, 55))

/* ---- TestLeastAllocatedScoringStrategy -------------------------------------- */

#define NOTHING ((res){0, 0}) /* st.MakePod().Obj(): no containers */
/* Req(1000, 2000) and Req(2000, 3000) containers. */
#define POD_3000_5000 ((res){CORES(3000), 5000})
#define NODES_4K_4K NODES({CORES(4000), 10000}, {CORES(4000), 10000})
#define NODES_4K_6K NODES({CORES(4000), 10000}, {CORES(6000), 10000})
#define NODES_10K_20K NODES({CORES(10000), 20000}, {CORES(10000), 20000})
#define NODES_10K_50K NODES({CORES(10000), 20000}, {CORES(10000), 50000})
#define EMPTY_PODS_2_2                                                         \
    PODS({0, NOTHING}, {0, NOTHING}, {1, NOTHING}, {1, NOTHING})
#define CPU_PODS_2_2                                                           \
    PODS({0, {CORES(3000), 0}}, {0, {CORES(3000), 0}},                         \
         {1, {CORES(3000), 0}}, {1, {CORES(3000), 5000}})
#define CPU_PODS_1_1 PODS({0, {CORES(3000), 0}}, {1, {CORES(3000), 5000}})

static const ks_fit_args least_mem2_args = {
    .strategy = KS_FIT_LEAST_ALLOCATED,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 2},
};

/* least_allocated_test.go TestLeastAllocatedScoringStrategy "nothing
 * scheduled, nothing requested" */
SCORE_CASE(least_nothing, &least_args, NOTHING, NODES_4K_4K, NO_PODS,
           WANT(100, 100))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "nothing
 * scheduled, resources requested, differently sized nodes" */
SCORE_CASE(least_differently_sized, &least_args, POD_3000_5000, NODES_4K_6K,
           NO_PODS, WANT(37, 50))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "no resources
 * requested, pods scheduled" */
SCORE_CASE(least_no_request_pods, &least_args, NOTHING, NODES_4K_4K,
           EMPTY_PODS_2_2, WANT(100, 100))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "no resources
 * requested, pods scheduled with resources" */
SCORE_CASE(least_no_request_pods_with_resources, &least_args, NOTHING,
           NODES_10K_20K, CPU_PODS_2_2, WANT(70, 57))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "resources
 * requested, pods scheduled with resources" */
SCORE_CASE(least_requested_pods_with_resources, &least_args, POD_3000_5000,
           NODES_10K_20K, CPU_PODS_1_1, WANT(57, 45))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "resources
 * requested, pods scheduled with resources, differently sized nodes" */
SCORE_CASE(least_requested_differently_sized, &least_args, POD_3000_5000,
           NODES_10K_50K, CPU_PODS_1_1, WANT(57, 60))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "requested
 * resources exceed node capacity" */
SCORE_CASE(least_exceed_capacity, &least_args, ((res){CORES(3000), 0}),
           NODES_4K_4K, CPU_PODS_1_1, WANT(50, 25))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "zero node
 * resources, pods scheduled with resources" */
SCORE_CASE(least_zero_node_resources, &least_args, NOTHING,
           NODES({0, 0}, {0, 0}), CPU_PODS_1_1, WANT(0, 0))
/* least_allocated_test.go TestLeastAllocatedScoringStrategy "nothing
 * scheduled, resources requested with different weight on CPU and memory,
 * differently sized nodes" */
SCORE_CASE(least_weights, &least_mem2_args, POD_3000_5000, NODES_4K_6K,
           NO_PODS, WANT(41, 50))

/* The weight validation cases: NewFit fails on the args. */
static void expect_invalid(ks_fit_strategy strategy, int64_t cpu_w,
                           int64_t mem_w)
{
    ks_fit_args a = {.strategy = strategy,
                     .weight = {[KS_RES_CPU] = cpu_w, [KS_RES_MEMORY] = mem_w}};
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_fit_args_validate(&a, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not in valid range (0, 100]"));
}

/* least_allocated_test.go TestLeastAllocatedScoringStrategy "resource with
 * negative weight" */
static void least_negative_weight(void)
{
    expect_invalid(KS_FIT_LEAST_ALLOCATED, 1, -1);
}

/* least_allocated_test.go TestLeastAllocatedScoringStrategy "resource
 * weight larger than MaxNodeScore" */
static void least_weight_too_large(void)
{
    expect_invalid(KS_FIT_LEAST_ALLOCATED, 101, 1);
}

/* ---- TestMostAllocatedScoringStrategy --------------------------------------- */

static const ks_fit_args most_mem2_args = {
    .strategy = KS_FIT_MOST_ALLOCATED,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 2},
};

/* most_allocated_test.go TestMostAllocatedScoringStrategy "nothing
 * scheduled, nothing requested" */
SCORE_CASE(most_nothing, &most_args, NOTHING, NODES_4K_4K, NO_PODS,
           WANT(0, 0))
/* most_allocated_test.go TestMostAllocatedScoringStrategy "nothing
 * scheduled, resources requested, differently sized nodes" (the first of
 * the two cases of that name: equal weights) */
SCORE_CASE(most_differently_sized, &most_args, POD_3000_5000, NODES_4K_6K,
           NO_PODS, WANT(62, 50))
/* most_allocated_test.go TestMostAllocatedScoringStrategy "no resources
 * requested, pods scheduled with resources" */
SCORE_CASE(most_no_request_pods_with_resources, &most_args, NOTHING,
           NODES_10K_20K, CPU_PODS_2_2, WANT(30, 42))
/* most_allocated_test.go TestMostAllocatedScoringStrategy "resources
 * requested, pods scheduled with resources" */
SCORE_CASE(most_requested_pods_with_resources, &most_args, POD_3000_5000,
           NODES_10K_20K, CPU_PODS_1_1, WANT(42, 55))
/* most_allocated_test.go TestMostAllocatedScoringStrategy "resources
 * requested equal node capacity": Req(2000, 4000) + Req(3000, 5000) */
SCORE_CASE(most_equal_capacity, &most_args, ((res){CORES(5000), 9000}),
           NODES({CORES(5000), 10000}, {CORES(10000), 9000}), NO_PODS,
           WANT(95, 75))
/* most_allocated_test.go TestMostAllocatedScoringStrategy "nothing
 * scheduled, resources requested, differently sized nodes" (the second
 * case of that name: memory weight 2, cpu weight 1) */
SCORE_CASE(most_weights, &most_mem2_args, POD_3000_5000, NODES_4K_6K,
           NO_PODS, WANT(58, 50))
/* most_allocated_test.go TestMostAllocatedScoringStrategy "no resources
 * requested, pods scheduled, nonzero request for resource": every pod has
 * one container without requests (100m / 200Mi for scoring); node1's 300m
 * exceeds its 250m and is capped at 100 */
SCORE_CASE(most_nonzero_request, &most_args, ((res){-1, -1}),
           NODES({250, MI(1000)}, {250, MI(1000)}),
           PODS({0, {-1, -1}}, {0, {-1, -1}}), WANT(80, 30))

/* most_allocated_test.go TestMostAllocatedScoringStrategy "resource with
 * negative weight" */
static void most_negative_weight(void)
{
    expect_invalid(KS_FIT_MOST_ALLOCATED, 1, -1);
}

/* most_allocated_test.go TestMostAllocatedScoringStrategy "resource weight
 * larger than MaxNodeScore" */
static void most_weight_too_large(void)
{
    expect_invalid(KS_FIT_MOST_ALLOCATED, 0, 101);
}

/* ---- requested_to_capacity_ratio_test.go ------------------------------------ */

#define EMPTY_PODS_ON_NODE1 PODS({0, NOTHING}, {0, NOTHING})

/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScoringStrategy "nothing scheduled, nothing
 * requested (default - least requested nodes have priority)" */
SCORE_CASE(rtcr_nothing, &rtcr_down_args, NOTHING, NODES_4K_4K,
           EMPTY_PODS_ON_NODE1, WANT(100, 100))
/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScoringStrategy "nothing scheduled, resources
 * requested, differently sized nodes (default - least requested nodes have
 * priority)": node1 (25 + 50) / 2 = 37.5 rounds to 38 */
SCORE_CASE(rtcr_differently_sized, &rtcr_down_args, POD_3000_5000,
           NODES_4K_6K, EMPTY_PODS_ON_NODE1, WANT(38, 50))
/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScoringStrategy "no resources requested, pods
 * scheduled with resources (default - least requested nodes have
 * priority)" */
SCORE_CASE(rtcr_no_request_pods_with_resources, &rtcr_down_args, NOTHING,
           NODES_4K_6K,
           PODS({0, {CORES(3000), 5000}}, {1, {CORES(3000), 5000}}),
           WANT(38, 50))

typedef struct assertion {
    int64_t p, expected;
} assertion;

static void check_broken_linear(const ks_shape_point *shape, size_t n,
                                const assertion *as, size_t nas)
{
    for (size_t i = 0; i < nas; i++)
        CU_ASSERT_EQUAL(ks_broken_linear(shape, n, as[i].p), as[i].expected);
}

/* requested_to_capacity_ratio_test.go TestBrokenLinearFunction case_0 */
static void broken_linear_case0(void)
{
    const ks_shape_point s[] = {{10, 1}, {90, 9}};
    const assertion as[] = {{-10, 1}, {0, 1},  {9, 1},   {10, 1},
                            {15, 1},  {19, 1}, {20, 2},  {89, 8},
                            {90, 9},  {99, 9}, {100, 9}, {110, 9}};
    check_broken_linear(s, 2, as, sizeof as / sizeof *as);
}

/* requested_to_capacity_ratio_test.go TestBrokenLinearFunction case_1 */
static void broken_linear_case1(void)
{
    const ks_shape_point s[] = {{0, 2}, {40, 10}, {100, 0}};
    const assertion as[] = {{-10, 2}, {0, 2},  {20, 6},  {30, 8},
                            {40, 10}, {70, 5}, {100, 0}, {110, 0}};
    check_broken_linear(s, 3, as, sizeof as / sizeof *as);
}

/* requested_to_capacity_ratio_test.go TestBrokenLinearFunction case_2 */
static void broken_linear_case2(void)
{
    const ks_shape_point s[] = {{0, 2}, {40, 2}, {100, 2}};
    const assertion as[] = {{-10, 2}, {0, 2},  {20, 2},  {30, 2},
                            {40, 2},  {70, 2}, {100, 2}, {110, 2}};
    check_broken_linear(s, 3, as, sizeof as / sizeof *as);
}

/* TestRequestedToCapacityRatioScorerOverflow: one cpu resource of weight
 * 1, shapes given already scaled. */
static const ks_shape_point linear_shape[] = {{0, 0}, {100, 100}};
static const ks_shape_point steep_shape[] = {{0, 0}, {99, 0}, {100, 100}};

static void check_rtcr_scorer(const ks_shape_point *shape, size_t n,
                              int64_t requested, int64_t capacity,
                              int64_t want)
{
    const int64_t w = 1;
    CU_ASSERT_EQUAL(ks_requested_to_capacity_ratio_score(
                        &requested, &capacity, &w, 1, shape, n),
                    want);
}

/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScorerOverflow "requested above the
 * multiplication overflow threshold" */
static void rtcr_overflow_threshold(void)
{
    check_rtcr_scorer(linear_shape, 2, INT64_MAX / 100 + 1, INT64_MAX, 1);
}

/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScorerOverflow "saturated requested and
 * capacity" */
static void rtcr_overflow_saturated(void)
{
    check_rtcr_scorer(linear_shape, 2, INT64_MAX, INT64_MAX, 100);
}

/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScorerOverflow "no requested" */
static void rtcr_overflow_no_requested(void)
{
    check_rtcr_scorer(linear_shape, 2, 0, INT64_MAX, 0);
}

/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScorerOverflow "steep shape stays at 0 for
 * utilization 99" */
static void rtcr_overflow_steep_99(void)
{
    check_rtcr_scorer(steep_shape, 3, 999999999999999999LL,
                      1000000000000000000LL, 0);
}

/* requested_to_capacity_ratio_test.go
 * TestRequestedToCapacityRatioScorerOverflow "steep shape full score at
 * utilization 100" */
static void rtcr_overflow_steep_100(void)
{
    check_rtcr_scorer(steep_shape, 3, 1000000000000000000LL,
                      1000000000000000000LL, 100);
}

#define SCALED_CASE(fn, requested, capacity, want)                             \
    static void fn(void)                                                       \
    {                                                                          \
        CU_ASSERT_EQUAL(ks_scaled_utilization(requested, capacity, 100),      \
                        want);                                                 \
    }

/* requested_to_capacity_ratio_test.go TestScaledUtilization "negative
 * requested from wrapped totals" */
SCALED_CASE(scaled_negative_requested, -1, 1000, 0)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "zero
 * requested" */
SCALED_CASE(scaled_zero_requested, 0, 1000, 0)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "zero
 * capacity" */
SCALED_CASE(scaled_zero_capacity, 500, 0, 0)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "negative
 * capacity" */
SCALED_CASE(scaled_negative_capacity, 500, -1000, 0)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "requested at
 * capacity" */
SCALED_CASE(scaled_at_capacity, 1000, 1000, 100)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "requested
 * above capacity" */
SCALED_CASE(scaled_above_capacity, 2000, 1000, 100)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "requested far
 * above capacity avoids Div64 panic" */
SCALED_CASE(scaled_far_above_capacity, INT64_MAX, 1, 100)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "normal
 * range" */
SCALED_CASE(scaled_normal_range, 250, 1000, 25)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "exact in the
 * math/bits path" */
SCALED_CASE(scaled_exact_bits_path, 999999999999999999LL,
            1000000000000000000LL, 99)
/* requested_to_capacity_ratio_test.go TestScaledUtilization "math/bits path
 * just below capacity" */
SCALED_CASE(scaled_just_below_capacity, INT64_MAX - 1, INT64_MAX, 99)

/* ---- ksim-side checks (not upstream cases) ----------------------------------- */

/* The doc's RequestedToCapacityRatio example: 25 and 50 give 38 where
 * LeastAllocated would truncate to 37; a resource with shape score 0 does
 * not pull the mean down. */
static void rtcr_rounding_and_zero_drop(void)
{
    const ks_shape_point shape[] = {{0, 100}, {100, 0}};
    const int64_t w[2] = {1, 1};
    const int64_t req[2] = {75, 50}, alloc[2] = {100, 100};
    CU_ASSERT_EQUAL(
        ks_requested_to_capacity_ratio_score(req, alloc, w, 2, shape, 2), 38);
    const int64_t full[2] = {100, 50};
    /* cpu at 100% scores 0 and is dropped: memory alone, 50. */
    CU_ASSERT_EQUAL(
        ks_requested_to_capacity_ratio_score(full, alloc, w, 2, shape, 2), 50);
    ks_shape_point scaled[2];
    const ks_shape_point cfg[2] = {{0, 10}, {100, 3}};
    ks_fit_scale_shape(cfg, 2, scaled);
    CU_ASSERT_EQUAL(scaled[0].score, 100);
    CU_ASSERT_EQUAL(scaled[1].score, 30);
    CU_ASSERT_EQUAL(scaled[1].utilization, 100);
}

/* "pods" in the resource list is never scored
 * (resource_allocation.go calculateResourceAllocatableRequest). */
static void pods_resource_not_scored(void)
{
    ks_fit_args a = least_args;
    a.weight[KS_RES_PODS] = 5;
    ks_pod p = make_pod(1000, 2000);
    ks_node n = make_node(4000, 10000, 110);
    n.nonzero_requested[KS_RES_PODS] = 100;
    ks_plugin_call call = {.args = &a, .pod = &p, .k8s_minor = 36};
    CU_ASSERT_EQUAL(ks_fit_score(&call, &n), 77);
}

/* ignoredResources / ignoredResourceGroups only cover extended resources
 * (fit.go fitsRequest checks cpu and memory unconditionally and consults
 * the lists only for scalar resources that IsExtendedResourceName). */
static void ignored_resources(void)
{
    const char *const names[] = {"example.com/bbb", "cpu", "memory"};
    const char *const groups[] = {"example.com", "kubernetes.io"};
    ks_fit_args a = least_args;
    a.ignored_resources = names;
    a.nignored_resources = 3;
    CU_ASSERT_TRUE(ks_fit_resource_ignored(&a, "example.com/bbb"));
    CU_ASSERT_FALSE(ks_fit_resource_ignored(&a, "example.com/aaa"));
    CU_ASSERT_FALSE(ks_fit_resource_ignored(&a, "cpu"));
    CU_ASSERT_FALSE(ks_fit_resource_ignored(&a, "memory"));
    a.ignored_resource_groups = groups;
    a.nignored_resource_groups = 2;
    CU_ASSERT_TRUE(ks_fit_resource_ignored(&a, "example.com/aaa"));
    /* Native, prefixed: never ignored. */
    CU_ASSERT_FALSE(ks_fit_resource_ignored(&a, "kubernetes.io/something"));
    CU_ASSERT_FALSE(
        ks_fit_resource_ignored(&a, "subdomain.kubernetes.io/something"));
    /* Not extended: "requests." prefix, bad names. */
    const char *const odd[] = {"requests.example.com/x", "Example.com/x",
                               "example.com/-x", "example.com/a/b"};
    a.ignored_resources = odd;
    a.nignored_resources = 4;
    a.nignored_resource_groups = 0;
    for (int i = 0; i < 4; i++)
        CU_ASSERT_FALSE(ks_fit_resource_ignored(&a, odd[i]));

    /* "cpu" listed in ignoredResources still fails the Filter. */
    a.ignored_resources = names;
    a.nignored_resources = 3;
    const res used = {9, 19};
    run_filter((res){10, 20}, 32, &used, (res){2, 2}, UNSCHED, CPU | MEM, &a);
}

static void args_validation(void)
{
    ks_error err;
    CU_ASSERT_EQUAL(ks_fit_args_validate(&least_args, &err), 0);
    CU_ASSERT_EQUAL(ks_fit_args_validate(&rtcr_down_args, &err), 0);
    ks_fit_args a = rtcr_up_args;
    a.nshape = 0;
    CU_ASSERT_EQUAL(ks_fit_args_validate(&a, &err), KS_EINVAL);
    a = rtcr_up_args;
    a.shape[1].utilization = 0; /* not increasing */
    CU_ASSERT_EQUAL(ks_fit_args_validate(&a, &err), KS_EINVAL);
    a = rtcr_up_args;
    a.shape[1].score = 11;
    CU_ASSERT_EQUAL(ks_fit_args_validate(&a, &err), KS_EINVAL);
    a = rtcr_up_args;
    a.shape[1].utilization = 101;
    CU_ASSERT_EQUAL(ks_fit_args_validate(&a, &err), KS_EINVAL);
    a = least_args;
    a.strategy = (ks_fit_strategy)7;
    CU_ASSERT_EQUAL(ks_fit_args_validate(&a, &err), KS_EINVAL);
    /* Invalid args never crash the score. */
    a = rtcr_up_args;
    a.nshape = 0;
    ks_pod p = make_pod(1000, 2000);
    ks_node n = make_node(4000, 10000, 110);
    ks_plugin_call call = {.args = &a, .pod = &p, .k8s_minor = 36};
    CU_ASSERT_EQUAL(ks_fit_score(&call, &n), 0);
}

static void plugin_table(void)
{
    CU_ASSERT_STRING_EQUAL(ks_plugin_noderesources_fit.name,
                           "NodeResourcesFit");
    CU_ASSERT_EQUAL(ks_plugin_noderesources_fit.default_weight, 1);
    const ks_fit_args *d = ks_plugin_noderesources_fit.default_args;
    CU_ASSERT_EQUAL(d->strategy, KS_FIT_LEAST_ALLOCATED);
    CU_ASSERT_EQUAL(d->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(d->weight[KS_RES_MEMORY], 1);
    CU_ASSERT_EQUAL(d->weight[KS_RES_PODS], 0);
}

/* Not ported (need extended resources, hugepages, ephemeral-storage, DRA,
 * pod-level resources or framework errors ksim does not model):
 *   TestEnoughRequests: every "extended resource ..." case, "kubernetes.io
 *     resource capacity enforced (for init container)", the "hugepages
 *     ..." cases, "skip checking ignored extended resource (via resource
 *     groups)", "skip checking extended resource request with quantity zero
 *     via resource groups", "skip checking resource request with quantity
 *     zero", the pod-level resources cases and the DRA cases;
 *   TestPreFilterDisabled; TestStorageRequests' ephemeral-storage cases;
 *   TestRestartableInitContainers' SidecarContainers-disabled cases;
 *   TestFitScore "... LeastAllocated with Extended resources (if PreScore is
 *     not called)";
 *   Least/MostAllocated "Resources not set, pods scheduled with error",
 *     "resource with zero weight" (ksim's 0 means "not listed"), "bypass
 *     extended resource if the pod does not request", "honor extended
 *     resource if the pod requests", "if the node doesn't have a resource";
 *   TestResourceBinPackingSingleExtended and
 *     TestResourceBinPackingMultipleExtended (intel.com/foo, intel.com/bar).
 */

/* ---- extended resources -------------------------------------------------- */

/* fit_test.go TestEnoughRequests "extended resource fits" / "extended
 * resource capacity enforced": node allocatable example.com/foo 5; a pod
 * asking 1 fits, one asking 6 is UnschedulableAndUnresolvable with
 * "Insufficient example.com/foo"; with 4 already used, 2 is Unschedulable. */
static void test_extended_resource_filter(void)
{
    int foo = ks_resource_intern("example.com/foo");
    CU_ASSERT_FATAL(foo >= KS_RES_BUILTIN);
    CU_ASSERT(ks_resource_is_scalar(foo));
    CU_ASSERT(ks_resource_is_extended(foo));
    ks_cluster *c = ks_cluster_create();
    int64_t alloc[KS_RES_COUNT] = {10, 20, 32};
    alloc[foo] = 5;
    uint32_t n = ks_cluster_add_node(c, "node", alloc, 0);
    int64_t small[KS_RES_COUNT] = {1, 1, -1}, big[KS_RES_COUNT] = {1, 1, -1};
    small[foo] = 1;
    big[foo] = 6;
    uint32_t ps = ks_cluster_add_pod(c, 0, small, 1, 0, 0);
    uint32_t pb = ks_cluster_add_pod(c, 0, big, 1, 0, 1);
    CU_ASSERT_EQUAL(filter(&c->pods[ps], &c->nodes[n]).code, KS_STATUS_SUCCESS);
    ks_status st = filter(&c->pods[pb], &c->nodes[n]);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    CU_ASSERT_EQUAL(st.reasons, KS_FIT_INSUFFICIENT_SCALAR);
    CU_ASSERT_STRING_EQUAL(st.message, "Insufficient example.com/foo");
    int64_t used[KS_RES_COUNT] = {1, 1, -1};
    used[foo] = 4;
    uint32_t pu = ks_cluster_add_pod(c, 0, used, 1, 0, 2);
    ks_cluster_bind(c, pu, n, 0);
    int64_t two[KS_RES_COUNT] = {1, 1, -1};
    two[foo] = 2;
    uint32_t p2 = ks_cluster_add_pod(c, 0, two, 1, 0, 3);
    st = filter(&c->pods[p2], &c->nodes[n]);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE);
    CU_ASSERT_STRING_EQUAL(st.message, "Insufficient example.com/foo");
    ks_cluster_destroy(c);
}

/* least_allocated_test.go "bypass extended resource if the pod does not
 * request": weights cpu:1 memory:1 example.com/foo:1 on a node with foo
 * capacity; a pod not requesting foo scores on cpu and memory only. */
static void test_extended_resource_score_skipped(void)
{
    int foo = ks_resource_intern("example.com/foo");
    ks_cluster *c = ks_cluster_create();
    int64_t alloc[KS_RES_COUNT] = {4000, 10000, 110};
    alloc[foo] = 4;
    uint32_t n = ks_cluster_add_node(c, "node", alloc, 0);
    const int64_t req[KS_RES_COUNT] = {1000, 2000, -1};
    uint32_t p = ks_cluster_add_pod(c, 0, req, 1, 0, 0);
    ks_fit_args a = {.strategy = KS_FIT_LEAST_ALLOCATED};
    a.weight[KS_RES_CPU] = a.weight[KS_RES_MEMORY] = 1;
    a.weight[foo] = 1;
    ks_plugin_call call = {.args = &a, .pod = &c->pods[p], .k8s_minor = 36};
    /* cpu 75, memory 80 -> 77; foo would have added 100 with weight 1. */
    CU_ASSERT_EQUAL(ks_fit_score(&call, &c->nodes[n]), 77);
    ks_cluster_destroy(c);
}

void ks_suite_noderesources_fit(void)
{
    static const ks_test_case cases[] = {
        {"extended resource: filter and message",
         test_extended_resource_filter},
        {"extended resource: unrequested is not scored",
         test_extended_resource_score_skipped},
        {"LeastAllocated worked by hand", test_least_allocated_by_hand},
        {"weights and edge cases", test_weights_and_edges},
        {"non-zero defaults in the score", test_nonzero_defaults_in_score},
        {"Filter", test_filter},
        {"TestEnoughRequests no resources requested always fits",
         enough_no_request},
        {"TestEnoughRequests too many resources fails", enough_too_many},
        {"TestEnoughRequests too many resources fails due to init container "
         "cpu",
         enough_init_cpu},
        {"TestEnoughRequests too many resources fails due to highest init "
         "container cpu",
         enough_highest_init_cpu},
        {"TestEnoughRequests too many resources fails due to init container "
         "memory",
         enough_init_mem},
        {"TestEnoughRequests too many resources fails due to highest init "
         "container memory",
         enough_highest_init_mem},
        {"TestEnoughRequests init container fits because it's the max, not "
         "sum, of containers and init containers",
         enough_init_max},
        {"TestEnoughRequests multiple init containers fit because it's the "
         "max, not sum, of containers and init containers",
         enough_multi_init_max},
        {"TestEnoughRequests both resources fit", enough_both_fit},
        {"TestEnoughRequests one resource memory fits", enough_mem_fits},
        {"TestEnoughRequests one resource cpu fits", enough_cpu_fits},
        {"TestEnoughRequests equal edge case", enough_equal_edge},
        {"TestEnoughRequests equal edge case for init container",
         enough_equal_edge_init},
        {"TestEnoughRequests resources + pod overhead fits",
         enough_overhead_fits},
        {"TestEnoughRequests requests + overhead does not fit for memory",
         enough_overhead_mem},
        {"TestNotEnoughRequests even without specified resources",
         not_enough_no_request},
        {"TestNotEnoughRequests even if both resources fit",
         not_enough_both_fit},
        {"TestNotEnoughRequests even for equal edge case",
         not_enough_equal_edge},
        {"TestNotEnoughRequests even for equal edge case due to init "
         "container",
         not_enough_equal_edge_init},
        {"TestStorageRequests empty storage requested, and pod fits",
         storage_empty_fits},
        {"TestRestartableInitContainers allow pod without restartable init "
         "containers if sidecar containers is enabled",
         sidecar_plain_pod},
        {"TestRestartableInitContainers allow pod with restartable init "
         "containers if sidecar containers is enabled",
         sidecar_no_requests},
        {"TestRestartableInitContainers allow pod if the total requested "
         "resources do not exceed the node's allocatable resources",
         sidecar_fits},
        {"TestRestartableInitContainers not allow pod if the total requested "
         "resources do exceed the node's allocatable resources",
         sidecar_exceeds},
        {"TestFitScore RequestedToCapacityRatio case1", fit_score_rtcr_case1},
        {"TestFitScore RequestedToCapacityRatio case2", fit_score_rtcr_case2},
        {"TestFitScore MostAllocated", fit_score_most},
        {"TestFitScore LeastAllocated", fit_score_least},
        {"TestFitScore RequestedToCapacityRatio case1 if PreScore is not "
         "called",
         fit_score_rtcr_case1_no_prescore},
        {"TestFitScore MostAllocated if PreScore is not called",
         fit_score_most_no_prescore},
        {"TestFitScore LeastAllocated if PreScore is not called",
         fit_score_least_no_prescore},
        {"TestFitScore MostAllocated with sidecar container",
         fit_score_most_sidecar},
        {"TestFitScore LeastAllocated with sidecar container",
         fit_score_least_sidecar},
        {"LeastAllocated nothing scheduled, nothing requested", least_nothing},
        {"LeastAllocated nothing scheduled, resources requested, differently "
         "sized nodes",
         least_differently_sized},
        {"LeastAllocated no resources requested, pods scheduled",
         least_no_request_pods},
        {"LeastAllocated no resources requested, pods scheduled with "
         "resources",
         least_no_request_pods_with_resources},
        {"LeastAllocated resources requested, pods scheduled with resources",
         least_requested_pods_with_resources},
        {"LeastAllocated resources requested, pods scheduled with resources, "
         "differently sized nodes",
         least_requested_differently_sized},
        {"LeastAllocated requested resources exceed node capacity",
         least_exceed_capacity},
        {"LeastAllocated zero node resources, pods scheduled with resources",
         least_zero_node_resources},
        {"LeastAllocated different weight on CPU and memory", least_weights},
        {"LeastAllocated resource with negative weight",
         least_negative_weight},
        {"LeastAllocated resource weight larger than MaxNodeScore",
         least_weight_too_large},
        {"MostAllocated nothing scheduled, nothing requested", most_nothing},
        {"MostAllocated nothing scheduled, resources requested, differently "
         "sized nodes",
         most_differently_sized},
        {"MostAllocated no resources requested, pods scheduled with "
         "resources",
         most_no_request_pods_with_resources},
        {"MostAllocated resources requested, pods scheduled with resources",
         most_requested_pods_with_resources},
        {"MostAllocated resources requested equal node capacity",
         most_equal_capacity},
        {"MostAllocated different weights, differently sized nodes",
         most_weights},
        {"MostAllocated no resources requested, pods scheduled, nonzero "
         "request for resource",
         most_nonzero_request},
        {"MostAllocated resource with negative weight", most_negative_weight},
        {"MostAllocated resource weight larger than MaxNodeScore",
         most_weight_too_large},
        {"RequestedToCapacityRatio nothing scheduled, nothing requested",
         rtcr_nothing},
        {"RequestedToCapacityRatio nothing scheduled, resources requested, "
         "differently sized nodes",
         rtcr_differently_sized},
        {"RequestedToCapacityRatio no resources requested, pods scheduled "
         "with resources",
         rtcr_no_request_pods_with_resources},
        {"TestBrokenLinearFunction case_0", broken_linear_case0},
        {"TestBrokenLinearFunction case_1", broken_linear_case1},
        {"TestBrokenLinearFunction case_2", broken_linear_case2},
        {"RTCR overflow: requested above the multiplication overflow "
         "threshold",
         rtcr_overflow_threshold},
        {"RTCR overflow: saturated requested and capacity",
         rtcr_overflow_saturated},
        {"RTCR overflow: no requested", rtcr_overflow_no_requested},
        {"RTCR overflow: steep shape stays at 0 for utilization 99",
         rtcr_overflow_steep_99},
        {"RTCR overflow: steep shape full score at utilization 100",
         rtcr_overflow_steep_100},
        {"TestScaledUtilization negative requested from wrapped totals",
         scaled_negative_requested},
        {"TestScaledUtilization zero requested", scaled_zero_requested},
        {"TestScaledUtilization zero capacity", scaled_zero_capacity},
        {"TestScaledUtilization negative capacity", scaled_negative_capacity},
        {"TestScaledUtilization requested at capacity", scaled_at_capacity},
        {"TestScaledUtilization requested above capacity",
         scaled_above_capacity},
        {"TestScaledUtilization requested far above capacity avoids Div64 "
         "panic",
         scaled_far_above_capacity},
        {"TestScaledUtilization normal range", scaled_normal_range},
        {"TestScaledUtilization exact in the math/bits path",
         scaled_exact_bits_path},
        {"TestScaledUtilization math/bits path just below capacity",
         scaled_just_below_capacity},
        {"RTCR rounding and dropped zero scores", rtcr_rounding_and_zero_drop},
        {"pods resource is never scored", pods_resource_not_scored},
        {"ignoredResources apply to extended resources only",
         ignored_resources},
        {"args validation", args_validation},
        {"plugin table", plugin_table},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/noderesources_fit", cases);
}
