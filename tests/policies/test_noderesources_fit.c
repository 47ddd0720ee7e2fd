/* test_noderesources_fit.c - NodeResourcesFit Filter and LeastAllocated
 * Score against values worked out by hand from the upstream formula
 * (noderesources/least_allocated.go, fit.go; Kubernetes v1.36):
 *   s_r = (alloc - req) * 100 / alloc, node = sum(s_r * w) / sum(w). */
#include "policies/k8s/noderesources_fit.h"
#include "tests/test_util.h"

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

static ks_status filter(const ks_pod *p, const ks_node *n)
{
    ks_plugin_call call = call_for(p);
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
    /* alloc 0 scores 0 but still counts its weight: (0 + 80)/2 = 40 */
    CU_ASSERT_EQUAL(ks_least_allocated_score(req, zero_alloc, w11, 2), 40);
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

void ks_suite_noderesources_fit(void)
{
    static const ks_test_case cases[] = {
        {"LeastAllocated worked by hand", test_least_allocated_by_hand},
        {"weights and edge cases", test_weights_and_edges},
        {"non-zero defaults in the score", test_nonzero_defaults_in_score},
        {"Filter", test_filter},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/noderesources_fit", cases);
}
