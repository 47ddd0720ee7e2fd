/* test_cluster.c - incremental accounting of nodes and pods. */
#include "sim/cluster.h"
#include "sim/error.h"
#include "tests/test_util.h"

static void test_bind_and_complete(void)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {4000, 8LL << 30, 110};
    uint32_t n0 = ks_cluster_add_node(c, "a-0", alloc, 0);
    ks_cluster_add_node(c, "a-1", alloc, 0);
    CU_ASSERT_EQUAL(c->nnodes, 2);
    CU_ASSERT_EQUAL(c->total_allocatable[KS_RES_CPU], 8000);
    CU_ASSERT_STRING_EQUAL(c->nodes[1].name, "a-1");

    const int64_t req[KS_RES_COUNT] = {500, 1LL << 30, -1};
    uint32_t p = ks_cluster_add_pod(c, 7, req, 100, 0, 0);
    CU_ASSERT_EQUAL(c->pending, 1);
    CU_ASSERT_EQUAL(c->pods[p].request[KS_RES_PODS], 1);
    CU_ASSERT_EQUAL(c->pods[p].node, KS_NO_NODE);
    CU_ASSERT_EQUAL(c->pods[p].scheduled, -1);

    ks_cluster_bind(c, p, n0, 10);
    CU_ASSERT_EQUAL(c->nodes[n0].requested[KS_RES_CPU], 500);
    CU_ASSERT_EQUAL(c->nodes[n0].requested[KS_RES_PODS], 1);
    CU_ASSERT_EQUAL(c->total_requested[KS_RES_MEMORY], 1LL << 30);
    CU_ASSERT_EQUAL(c->pending, 0);
    CU_ASSERT_EQUAL(c->running, 1);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), 0);

    ks_cluster_complete(c, p, 110);
    CU_ASSERT_EQUAL(c->nodes[n0].requested[KS_RES_CPU], 0);
    CU_ASSERT_EQUAL(c->nodes[n0].nonzero_requested[KS_RES_MEMORY], 0);
    CU_ASSERT_EQUAL(c->total_requested[KS_RES_CPU], 0);
    CU_ASSERT_EQUAL(c->succeeded, 1);
    CU_ASSERT_EQUAL(c->pods[p].end, 110);
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), 0);
    ks_cluster_destroy(c);
    ks_cluster_destroy(NULL);
}

/* Missing requests count as 0 for fitting and as the scheduler's defaults
 * (100m, 200Mi) for scoring; an explicit 0 stays 0 for both. */
static void test_nonzero_defaults(void)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t none[KS_RES_COUNT] = {-1, -1, -1};
    const int64_t zero[KS_RES_COUNT] = {0, 0, 0};
    uint32_t a = ks_cluster_add_pod(c, 0, none, 1, 0, 0);
    uint32_t b = ks_cluster_add_pod(c, 0, zero, 1, 0, 1);
    CU_ASSERT_EQUAL(c->pods[a].request[KS_RES_CPU], 0);
    CU_ASSERT_EQUAL(c->pods[a].nonzero_request[KS_RES_CPU], 100);
    CU_ASSERT_EQUAL(c->pods[a].nonzero_request[KS_RES_MEMORY],
                    200LL * 1024 * 1024);
    CU_ASSERT_EQUAL(c->pods[b].nonzero_request[KS_RES_CPU], 0);
    CU_ASSERT_EQUAL(c->pods[b].nonzero_request[KS_RES_MEMORY], 0);
    ks_cluster_destroy(c);
}

/* The checker catches a corrupted sum: it can fail. */
static void test_check_detects_corruption(void)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {1000, 1000, 10};
    ks_cluster_add_node(c, "n", alloc, 0);
    const int64_t req[KS_RES_COUNT] = {100, 100, -1};
    uint32_t p = ks_cluster_add_pod(c, 0, req, 1, 0, 0);
    ks_cluster_bind(c, p, 0, 0);
    c->nodes[0].requested[KS_RES_CPU] += 1;
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), KS_ESTATE);
    c->nodes[0].requested[KS_RES_CPU] -= 1;
    c->nodes[0].requested[KS_RES_CPU] = 2000;
    c->pods[p].request[KS_RES_CPU] = 2000; /* over allocatable */
    c->nodes[0].nonzero_requested[KS_RES_CPU] = 100;
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), KS_ESTATE);
    ks_cluster_destroy(c);
}


/* Each node lists its bound pods; completion removes exactly that pod. */
static void test_node_pod_lists(void)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {4000, 1LL << 30, 110};
    ks_cluster_add_node(c, "n0", alloc, 0);
    ks_cluster_add_node(c, "n1", alloc, 0);
    const int64_t req[KS_RES_COUNT] = {10, 10, -1};
    for (uint32_t i = 0; i < 5; i++) {
        uint32_t p = ks_cluster_add_pod(c, 0, req, 1, 0, i);
        ks_cluster_bind(c, p, i % 2, 0);
    }
    const ks_node_pods *np0 = ks_cluster_node_pods(c, &c->nodes[0]);
    CU_ASSERT_EQUAL(np0->n, 3); /* pods 0, 2, 4 */
    ks_cluster_complete(c, 0, 1);
    CU_ASSERT_EQUAL(np0->n, 2);
    int has2 = 0, has4 = 0, has0 = 0;
    for (uint32_t k = 0; k < np0->n; k++) {
        has0 |= np0->pods[k] == 0;
        has2 |= np0->pods[k] == 2;
        has4 |= np0->pods[k] == 4;
    }
    CU_ASSERT(!has0 && has2 && has4);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), 0);
    ks_cluster_destroy(c);
}

void ks_suite_cluster(void)
{
    static const ks_test_case cases[] = {
        {"bind and complete", test_bind_and_complete},
        {"non-zero request defaults", test_nonzero_defaults},
        {"check detects corruption", test_check_detects_corruption},
        {"per-node pod lists", test_node_pod_lists},
        {NULL, NULL},
    };
    ks_test_add_suite("sim/cluster", cases);
}
