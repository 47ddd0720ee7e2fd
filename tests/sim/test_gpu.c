/* test_gpu.c - GPU models, fit, best-fit choice, accounting on bind and
 * completion, and the GpuShare filter. */
#include "policies/research/gpushare.h"
#include "sim/cluster.h"
#include "sim/gpu.h"
#include "tests/test_util.h"

static void test_models(void)
{
    int a = ks_gpu_model_intern("TestModelA");
    int b = ks_gpu_model_intern("TestModelB");
    CU_ASSERT(a > 0 && b > 0 && a != b);
    CU_ASSERT_EQUAL(ks_gpu_model_intern("TestModelA"), a);
    CU_ASSERT_EQUAL(ks_gpu_model_intern(""), 0);
    CU_ASSERT_STRING_EQUAL(ks_gpu_model_name(a), "TestModelA");
    CU_ASSERT_STRING_EQUAL(ks_gpu_model_name(0), "");
    int bad;
    CU_ASSERT_EQUAL(ks_gpu_models_mask("TestModelA|TestModelB", &bad),
                    KS_GPU_MODEL_BIT(a) | KS_GPU_MODEL_BIT(b));
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(ks_gpu_models_mask("", &bad), 0);
}

/* One node with 4 GPUs of model m; returns the cluster. */
static ks_cluster *one_node(int gpus, const char *model)
{
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {64000, 1LL << 36, 110};
    uint32_t n = ks_cluster_add_node(c, "g", alloc, 0);
    ks_cluster_set_node_gpus(c, n, (unsigned)gpus, ks_gpu_model_intern(model));
    return c;
}

static uint32_t gpu_pod(ks_cluster *c, unsigned count, unsigned milli,
                        const char *models)
{
    const int64_t req[KS_RES_COUNT] = {1000, 1 << 30, -1};
    uint32_t p = ks_cluster_add_pod(c, 0, req, KS_SECOND, 0,
                                    (uint32_t)c->npods);
    int bad;
    ks_cluster_set_pod_gpus(c, p, count, milli,
                            ks_gpu_models_mask(models, &bad));
    return p;
}

/* Best fit: a sharing pod takes the fullest GPU that still fits, lowest
 * index on ties; whole GPUs are the lowest-index free ones. */
static void test_best_fit_and_accounting(void)
{
    ks_cluster *c = one_node(4, "T4");
    CU_ASSERT_EQUAL(c->total_gpu_milli, 4000);
    uint32_t a = gpu_pod(c, 1, 300, "");
    CU_ASSERT_EQUAL(ks_gpu_select_best(c, 0, &c->pods[a]), 1u); /* tie: 0 */
    ks_cluster_bind(c, a, 0, 0);
    const uint16_t *g = ks_gpu_free(c, 0);
    CU_ASSERT_EQUAL(g[0], 700);
    uint32_t b = gpu_pod(c, 1, 600, "");
    /* GPU 0 has 700 left (fits, least free): chosen over the free ones. */
    CU_ASSERT_EQUAL(ks_gpu_select_best(c, 0, &c->pods[b]), 1u);
    ks_cluster_bind(c, b, 0, 0);
    CU_ASSERT_EQUAL(g[0], 100);
    uint32_t w = gpu_pod(c, 2, 1000, "");
    CU_ASSERT_EQUAL(ks_gpu_select_best(c, 0, &c->pods[w]), 0x6u);
    ks_cluster_bind(c, w, 0, 0);
    CU_ASSERT_EQUAL(c->nodes[0].gpu_free_total, 100 + 1000);
    CU_ASSERT_EQUAL(c->used_gpu_milli, 2900);
    /* Two more whole GPUs do not fit; one does. */
    uint32_t w2 = gpu_pod(c, 2, 1000, "");
    CU_ASSERT_FALSE(ks_gpu_fits(c, 0, &c->pods[w2]));
    CU_ASSERT_EQUAL(ks_gpu_select_best(c, 0, &c->pods[w2]), 0u);
    uint32_t w1 = gpu_pod(c, 1, 1000, "");
    CU_ASSERT_TRUE(ks_gpu_fits(c, 0, &c->pods[w1]));
    /* Completion gives the milli back to the same GPUs. */
    ks_cluster_complete(c, w, KS_SECOND);
    CU_ASSERT_EQUAL(g[1], 1000);
    CU_ASSERT_EQUAL(g[2], 1000);
    ks_cluster_complete(c, a, KS_SECOND);
    CU_ASSERT_EQUAL(g[0], 400);
    CU_ASSERT_EQUAL(c->used_gpu_milli, 600);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), 0);
    ks_cluster_destroy(c);
}

/* A Reserve choice (gpu_mask) is used when valid, replaced when not. */
static void test_chosen_mask(void)
{
    ks_cluster *c = one_node(2, "T4");
    uint32_t a = gpu_pod(c, 1, 500, "");
    c->pods[a].gpu_mask = 2u;
    CU_ASSERT_TRUE(ks_gpu_choice_valid(c, 0, &c->pods[a], 2u));
    CU_ASSERT_FALSE(ks_gpu_choice_valid(c, 0, &c->pods[a], 3u)); /* 2 GPUs */
    CU_ASSERT_FALSE(ks_gpu_choice_valid(c, 0, &c->pods[a], 4u)); /* none */
    ks_cluster_bind(c, a, 0, 0);
    CU_ASSERT_EQUAL(ks_gpu_free(c, 0)[1], 500);
    uint32_t b = gpu_pod(c, 1, 800, "");
    c->pods[b].gpu_mask = 2u; /* GPU 1 has only 500 left: invalid */
    ks_cluster_bind(c, b, 0, 0);
    CU_ASSERT_EQUAL(c->pods[b].gpu_mask, 1u);
    CU_ASSERT_EQUAL(ks_gpu_free(c, 0)[0], 200);
    ks_cluster_destroy(c);
}

static void test_gpushare_filter(void)
{
    ks_cluster *c = one_node(2, "V100M16");
    const int64_t alloc[KS_RES_COUNT] = {64000, 1LL << 36, 110};
    uint32_t cpu_only = ks_cluster_add_node(c, "cpu", alloc, 0);
    uint32_t any = gpu_pod(c, 1, 500, "");
    uint32_t t4 = gpu_pod(c, 1, 500, "T4|A10");
    uint32_t four = gpu_pod(c, 4, 1000, "");
    uint32_t none = gpu_pod(c, 0, 0, "");
    ks_plugin_call call = {NULL, NULL, c, &c->pods[any], 36, NULL};
    const ks_plugin *f = &ks_plugin_gpushare;
    CU_ASSERT_EQUAL(f->filter(&call, &c->nodes[0]).code, KS_STATUS_SUCCESS);
    CU_ASSERT_EQUAL(f->filter(&call, &c->nodes[cpu_only]).code,
                    KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    call.pod = &c->pods[t4];
    CU_ASSERT_EQUAL(f->filter(&call, &c->nodes[0]).code,
                    KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    call.pod = &c->pods[four];
    CU_ASSERT_EQUAL(f->filter(&call, &c->nodes[0]).code,
                    KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE);
    call.pod = &c->pods[none];
    CU_ASSERT_EQUAL(f->filter(&call, &c->nodes[cpu_only]).code,
                    KS_STATUS_SUCCESS);
    /* Full GPUs: resolvable by removing pods. */
    uint32_t w = gpu_pod(c, 2, 1000, "");
    ks_cluster_bind(c, w, 0, 0);
    call.pod = &c->pods[any];
    ks_status st = f->filter(&call, &c->nodes[0]);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_UNSCHEDULABLE);
    CU_ASSERT_STRING_EQUAL(st.message, "Insufficient GPU");
    ks_cluster_destroy(c);
}

void ks_suite_gpu(void)
{
    static const ks_test_case cases[] = {
        {"models and model sets", test_models},
        {"best fit and accounting", test_best_fit_and_accounting},
        {"a Reserve choice is used when valid", test_chosen_mask},
        {"GpuShare filter", test_gpushare_filter},
        {NULL, NULL}};
    ks_test_add_suite("sim/gpu", cases);
}
