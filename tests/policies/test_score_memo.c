/* test_score_memo.c - memoized scores equal freshly computed ones as nodes
 * gain and lose pods and as pods change (NodeResourcesFit strategies and
 * NodeResourcesBalancedAllocation, both formulas). */
#include <stdlib.h>

#include "policies/k8s/balanced_allocation.h"
#include "policies/k8s/noderesources_fit.h"
#include "policies/plugin.h"
#include "sim/cluster.h"
#include "tests/test_util.h"

#define NNODES 6

static uint32_t add_pod(ks_cluster *c, int64_t cpu, int64_t mem)
{
    const int64_t req[KS_RES_COUNT] = {cpu, mem, -1};
    return ks_cluster_add_pod(c, 0, req, KS_SECOND, 0, (uint32_t)c->npods);
}

/* Scores every node through the instance (PreScore first, as the
 * framework does) and compares with a call without instance (no memo). */
static void check_scores(const ks_plugin *pl, const void *args, void *inst,
                         const ks_cluster *c, uint32_t pod, int minor)
{
    ks_plugin_call with = {args, inst, c, &c->pods[pod], minor, NULL};
    ks_plugin_call without = {args, NULL, c, &c->pods[pod], minor, NULL};
    uint32_t nodes[NNODES];
    for (uint32_t i = 0; i < NNODES; i++)
        nodes[i] = i;
    CU_ASSERT_EQUAL(pl->pre_score(&with, nodes, NNODES).code,
                    KS_STATUS_SUCCESS);
    for (int round = 0; round < 2; round++) /* second round: from the memo */
        for (uint32_t i = 0; i < NNODES; i++)
            CU_ASSERT_EQUAL(pl->score(&with, &c->nodes[i]),
                            pl->score(&without, &c->nodes[i]));
}

static void run_plugin(const ks_plugin *pl, const void *args, int minor)
{
    ks_cluster *c = ks_cluster_create();
    for (int i = 0; i < NNODES; i++) {
        const int64_t alloc[KS_RES_COUNT] = {4000 + 1000 * i,
                                             (8LL << 30) + (i << 28), 110};
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        ks_cluster_add_node(c, name, alloc, 0);
    }
    void *inst = pl->create ? pl->create(args ? args : pl->default_args)
                            : NULL;
    const void *a = args ? args : pl->default_args;
    /* Same requests pod after pod, binding each: only the bound node's
     * score changes, the rest come from the memo. */
    for (int k = 0; k < 8; k++) {
        uint32_t p = add_pod(c, 500, 1LL << 30);
        check_scores(pl, a, inst, c, p, minor);
        ks_cluster_bind(c, p, (uint32_t)(k % NNODES), 0);
    }
    /* Other requests: a new key. */
    uint32_t q = add_pod(c, 1500, 3LL << 30);
    check_scores(pl, a, inst, c, q, minor);
    /* A node loses a pod: its version moves on. */
    ks_cluster_complete(c, 0, KS_SECOND);
    uint32_t r = add_pod(c, 500, 1LL << 30);
    check_scores(pl, a, inst, c, r, minor);
    /* Zero requests (non-zero defaults for Fit, best-effort skip aside). */
    uint32_t z = add_pod(c, 0, 0);
    ks_plugin_call zc = {a, inst, c, &c->pods[z], minor, NULL};
    uint32_t all[NNODES] = {0, 1, 2, 3, 4, 5};
    if (pl->pre_score(&zc, all, NNODES).code == KS_STATUS_SUCCESS)
        check_scores(pl, a, inst, c, z, minor);
    if (pl->destroy)
        pl->destroy(inst);
    ks_cluster_destroy(c);
}

static void test_fit_least_allocated(void)
{
    run_plugin(&ks_plugin_noderesources_fit, NULL, 36);
}

static void test_fit_most_allocated(void)
{
    ks_fit_args a = *(const ks_fit_args *)ks_plugin_noderesources_fit
                         .default_args;
    a.strategy = KS_FIT_MOST_ALLOCATED;
    run_plugin(&ks_plugin_noderesources_fit, &a, 36);
}

static void test_balanced_allocation(void)
{
    run_plugin(&ks_plugin_balanced_allocation, NULL, 36);
    run_plugin(&ks_plugin_balanced_allocation, NULL, 35);
}

void ks_suite_score_memo(void)
{
    static const ks_test_case cases[] = {
        {"NodeResourcesFit LeastAllocated", test_fit_least_allocated},
        {"NodeResourcesFit MostAllocated", test_fit_most_allocated},
        {"NodeResourcesBalancedAllocation 1.35 and 1.36",
         test_balanced_allocation},
        {NULL, NULL}};
    ks_test_add_suite("policies/score_memo", cases);
}
