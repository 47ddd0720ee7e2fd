/* test_research.c - the research scoring policies (policies/research/):
 * BestFit, WorstFit, DotProduct, GpuPacking, GpuClustering, Random,
 * FirstFit, PowerOfTwoChoices and the FGD plugin (its formula is worked in
 * tests/sim/test_gpufrag.c; here the plugin: memo, Reserve, no workload).
 *
 * Every expected score is worked by hand in the comment above it from the
 * formulas of shared/reference/fgd-openb.md section 4 (the FGD authors'
 * pkg/simulator/plugin files), integer truncation included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "policies/research/bestfit.h"
#include "policies/research/dotproduct.h"
#include "policies/research/fgd.h"
#include "policies/research/firstfit.h"
#include "policies/research/gpuclustering.h"
#include "policies/research/gpupacking.h"
#include "policies/research/p2c.h"
#include "policies/research/random.h"
#include "policies/research/worstfit.h"
#include "sim/cluster.h"
#include "sim/gpu.h"
#include "sim/gpufrag.h"
#include "tests/test_util.h"

void ks_suite_research(void);

/* ---- builders ----------------------------------------------------------- */

typedef struct node_def {
    int64_t cpu;      /* allocatable milli CPU */
    int64_t cpu_used; /* requested by a filler pod */
    unsigned gpus;
    uint16_t free[8]; /* per-GPU free milli (only the first gpus count) */
} node_def;

static uint32_t add_pod(ks_cluster *c, int64_t cpu, unsigned n, unsigned m)
{
    int64_t req[KS_RES_COUNT] = {cpu, 1 << 20, 1};
    uint32_t p = ks_cluster_add_pod(c, 0, req, KS_SECOND, 0,
                                    (uint32_t)c->npods);
    ks_cluster_set_pod_gpus(c, p, n, m, 0);
    return p;
}

/* Binds a pod of n GPUs x m milli on the GPUs of mask. */
static void bind_on(ks_cluster *c, uint32_t node, int64_t cpu, unsigned n,
                    unsigned m, uint32_t mask)
{
    uint32_t p = add_pod(c, cpu, n, m);
    c->pods[p].gpu_mask = mask;
    ks_cluster_bind(c, p, node, 0);
}

/* Nodes as defined: the used CPU and every GPU's used milli are taken by
 * filler pods (a whole-GPU pod for a GPU with nothing free, a sharing pod
 * otherwise). */
static ks_cluster *cluster_of(const node_def *d, size_t n)
{
    ks_cluster *c = ks_cluster_create();
    int t4 = ks_gpu_model_intern("T4");
    for (size_t i = 0; i < n; i++) {
        int64_t alloc[KS_RES_COUNT] = {d[i].cpu, 1LL << 40, 110};
        char name[32];
        snprintf(name, sizeof name, "n%zu", i);
        uint32_t node = ks_cluster_add_node(c, name, alloc, 0);
        ks_cluster_set_node_gpus(c, node, d[i].gpus, d[i].gpus ? t4 : 0);
    }
    for (size_t i = 0; i < n; i++) {
        if (d[i].cpu_used)
            bind_on(c, (uint32_t)i, d[i].cpu_used, 0, 0, 0);
        for (unsigned g = 0; g < d[i].gpus; g++) {
            unsigned used = KS_GPU_MILLI - d[i].free[g];
            if (used)
                bind_on(c, (uint32_t)i, 0, 1, used, UINT32_C(1) << g);
        }
    }
    return c;
}

/* PreScore over nodes[0..n), Score each, NormalizeScore: out[i] is the
 * final score of nodes[i]. */
static void run_scores(const ks_plugin *pl, ks_plugin_call *call,
                       const uint32_t *nodes, size_t n, int64_t *out)
{
    if (pl->pre_score)
        CU_ASSERT_EQUAL(pl->pre_score(call, nodes, n).code,
                        KS_STATUS_SUCCESS);
    for (size_t i = 0; i < n; i++)
        out[i] = pl->score(call, &call->cluster->nodes[nodes[i]]);
    if (pl->normalize)
        pl->normalize(call, out, n);
}

static ks_plugin_call call_of(const ks_cluster *c, uint32_t pod, void *inst,
                              gsl_rng *rng)
{
    ks_plugin_call call = {NULL, inst, c, &c->pods[pod], 36, rng};
    return call;
}

/* The three nodes most cases use, and a pod of 4000m with 500 of 1 GPU:
 *   n0: 32000m free, GPUs {1000 x4}         G = 4000
 *   n1: 16000m, 8000m used, GPUs {500, 1000} G = 1500
 *   n2: 64000m free, GPUs {1000 x8}          G = 8000 */
static const node_def three[] = {
    {32000, 0, 4, {1000, 1000, 1000, 1000}},
    {16000, 8000, 2, {500, 1000}},
    {64000, 0, 8, {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}},
};
static const uint32_t all3[] = {0, 1, 2};

/* ---- BestFit ------------------------------------------------------------ */

/* s = (cpu_left - cpu)/128000*0.5 + (G - n*m)/8000*0.5, raw = int(100(1-s)):
 *   n0: 28000/128000*.5 + 3500/8000*.5 = .109375 + .21875 = .328125 -> 67
 *   n1:  4000/128000*.5 + 1000/8000*.5 = .015625 + .0625  = .078125 -> 92
 *   n2: 60000/128000*.5 + 7500/8000*.5 = .234375 + .46875 = .703125 -> 29
 * min-max: n0 (67-29)*100/63 = 60 (60.3), n1 100, n2 0. */
static void test_bestfit(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    ks_plugin_call call = call_of(c, p, NULL, NULL);
    int64_t s[3];
    const ks_plugin *pl = &ks_plugin_bestfit;
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[0]), 67);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[1]), 92);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[2]), 29);
    run_scores(pl, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[0], 60);
    CU_ASSERT_EQUAL(s[1], 100);
    CU_ASSERT_EQUAL(s[2], 0);
    /* One feasible node (or all equal): every score 0. */
    run_scores(pl, &call, all3 + 1, 1, s);
    CU_ASSERT_EQUAL(s[0], 0);
    ks_cluster_destroy(c);
}

/* Truncation: s = .5 exactly -> 50; s = .0078125 (2000m of CPU left,
 * nothing of the GPU) -> 99.21875 -> 99; a node lacking CPU or GPU -> 0.
 * Min-max with raws {99, 50, 51}: (51-50)*100/49 = 2 (2.04). */
static void test_bestfit_truncation(void)
{
    CU_ASSERT_EQUAL(ks_bestfit_raw(64000, 4000, 0, 0), 50);
    CU_ASSERT_EQUAL(ks_bestfit_raw(3000, 1000, 1000, 1000), 99);
    CU_ASSERT_EQUAL(ks_bestfit_raw(500, 1000, 1000, 0), 0);
    CU_ASSERT_EQUAL(ks_bestfit_raw(5000, 500, 1000, 1000), 0);
    int64_t s[3] = {99, 50, 51};
    ks_research_minmax_normalize(s, 3);
    CU_ASSERT_EQUAL(s[0], 100);
    CU_ASSERT_EQUAL(s[1], 0);
    CU_ASSERT_EQUAL(s[2], 2);
    int64_t same[2] = {70, 70};
    ks_research_minmax_normalize(same, 2);
    CU_ASSERT_EQUAL(same[0], 0);
    CU_ASSERT_EQUAL(same[1], 0);
    ks_research_minmax_normalize(NULL, 0);
}

/* ---- WorstFit ----------------------------------------------------------- */

/* raw = (cpu_left - cpu) + 100 (G - n*m):
 *   n0: 28000 + 350000 = 378000; n1: 4000 + 100000 = 104000;
 *   n2: 60000 + 750000 = 810000.
 * min-max: n0 274000*100/706000 = 38 (38.8), n1 0, n2 100. */
static void test_worstfit(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    ks_plugin_call call = call_of(c, p, NULL, NULL);
    const ks_plugin *pl = &ks_plugin_worstfit;
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[0]), 378000);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[1]), 104000);
    int64_t s[3];
    run_scores(pl, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[0], 38);
    CU_ASSERT_EQUAL(s[1], 0);
    CU_ASSERT_EQUAL(s[2], 100);
    CU_ASSERT_EQUAL(ks_worstfit_raw(1000, 8000, 2000, 0), 0); /* lacks CPU */
    ks_cluster_destroy(c);
}

/* ---- DotProduct --------------------------------------------------------- */

/* node [cpu_left/128000, G/8000], pod [4000/128000, 500/8000] =
 * [.03125, .0625]; score = int(100 (1 - dot/2)):
 *   n0 [.25, .5]:    dot .0078125 + .03125  = .0390625   -> 98 (98.05)
 *   n1 [.0625, .1875]: .001953125 + .01171875 = .013671875 -> 99 (99.32)
 *   n2 [.5, 1]:      .015625 + .0625 = .078125            -> 96 (96.09) */
static void test_dotproduct(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    ks_plugin_call call = call_of(c, p, NULL, NULL);
    int64_t s[3];
    run_scores(&ks_plugin_dotproduct, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[0], 98);
    CU_ASSERT_EQUAL(s[1], 99);
    CU_ASSERT_EQUAL(s[2], 96);
    /* Exactly .5: node [1, 1], pod [.5, .5] -> dot 1, 1 - .5 -> 50. */
    CU_ASSERT_EQUAL(ks_dotproduct_score(128000, 8000, 64000, 4000), 50);
    /* An idle-sized pod on an empty spec node: dot/2 = 1 -> 0. */
    CU_ASSERT_EQUAL(ks_dotproduct_score(128000, 8000, 128000, 8000), 0);
    /* Lacking CPU: no match group -> 0; a CPU-only pod on a GPU node only
     * counts CPU: [.25, .5].[.125, 0] = .03125 -> 98 (98.4). */
    CU_ASSERT_EQUAL(ks_dotproduct_score(1000, 8000, 2000, 0), 0);
    CU_ASSERT_EQUAL(ks_dotproduct_score(32000, 4000, 16000, 0), 98);
    /* Beyond the spec (256 cores): clamped at 0, not negative. */
    CU_ASSERT_EQUAL(ks_dotproduct_score(256000, 8000, 256000, 8000), 0);
    ks_cluster_destroy(c);
}

/* ---- GpuPacking --------------------------------------------------------- */

/* Pod of 1 GPU x 500:
 *   idle 4-GPU n0: max(33 - 4, 4) = 29; idle 8-GPU n2: max(25, 8) = 25;
 *   n1 {500, 1000}: least free first: 500 fits, not fully free -> case 1,
 *     500*100/1000 = 50, 100 - 50/10 = 95. */
static void test_gpupacking(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    ks_plugin_call call = call_of(c, p, NULL, NULL);
    int64_t s[3];
    run_scores(&ks_plugin_gpupacking, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[0], 29);
    CU_ASSERT_EQUAL(s[1], 95);
    CU_ASSERT_EQUAL(s[2], 25);
    /* A CPU-only pod scores 0 everywhere. */
    uint32_t cpu = add_pod(c, 1000, 0, 0);
    call = call_of(c, cpu, NULL, NULL);
    run_scores(&ks_plugin_gpupacking, &call, all3, 3, s);
    CU_ASSERT(s[0] == 0 && s[1] == 0 && s[2] == 0);
    ks_cluster_destroy(c);
}

static void test_gpupacking_cases(void)
{
    /* Idle nodes: 1 GPU 32, 2 GPUs 31, 32 GPUs max(1, 32) = 32. */
    uint16_t idle[32];
    for (int i = 0; i < 32; i++)
        idle[i] = 1000;
    CU_ASSERT_EQUAL(ks_gpupacking_score(idle, 1, 1, 500), 32);
    CU_ASSERT_EQUAL(ks_gpupacking_score(idle, 2, 1, 500), 31);
    CU_ASSERT_EQUAL(ks_gpupacking_score(idle, 32, 1, 1000), 32);
    /* {1000, 1000, 300, 600}: 300 too small, 600 fits (case 1):
     * 60 -> 100 - 6 = 94. */
    uint16_t a[4] = {1000, 1000, 300, 600};
    CU_ASSERT_EQUAL(ks_gpupacking_score(a, 4, 1, 500), 94);
    /* {300, 1000}: only the free GPU fits: case 2, max(50 - 1, 33) = 49. */
    uint16_t b[2] = {300, 1000};
    CU_ASSERT_EQUAL(ks_gpupacking_score(b, 2, 1, 500), 49);
    /* Two whole GPUs on {1000, 1000, 1000, 200}: k = 2 -> 48. */
    uint16_t d[4] = {1000, 1000, 1000, 200};
    CU_ASSERT_EQUAL(ks_gpupacking_score(d, 4, 2, 1000), 48);
    /* Truncation: 950 -> 95, 95 / 10 = 9 -> 91; 550 -> 55 -> 95; the
     * least free that fits is chosen (550 before 950). */
    uint16_t e[2] = {950, 550};
    CU_ASSERT_EQUAL(ks_gpupacking_score(e, 2, 1, 500), 95);
    uint16_t f[1] = {999};
    CU_ASSERT_EQUAL(ks_gpupacking_score(f, 1, 1, 500), 91); /* 99 -> 9 */
    /* The case-1 floor: 8 GPUs of 995 for 8 x 990: 8 * 99 = 792, 100 - 79
     * = 21 -> max(21, 50) = 50. */
    uint16_t g[8] = {995, 995, 995, 995, 995, 995, 995, 995};
    CU_ASSERT_EQUAL(ks_gpupacking_score(g, 8, 8, 990), 50);
    /* Not enough GPUs: 0. */
    CU_ASSERT_EQUAL(ks_gpupacking_score(b, 2, 2, 500), 0);
}

/* ---- GpuClustering ------------------------------------------------------ */

/* base = 25 * (8000 - G) / 8000:
 *   n0 hosts share-gpu pods only (300 on GPU 0), G = 7700: base 0
 *      (7500/8000); share pod 0 + 75 = 75; whole pod 0.
 *   n1 hosts a share-gpu pod (500) and a 1-gpu pod, G = 6500:
 *      base 37500/8000 = 4; share or whole pod 4 + 50 = 54.
 *   n2 hosts a CPU-only pod, 4 free GPUs, G = 4000: base 12 (12.5): 37.
 *   n3 hosts a 2-gpu pod on its 2 GPUs, G = 0: base 25; share pod 25,
 *      2-gpu pod 25 + 75 = 100. */
static void test_gpuclustering(void)
{
    static const node_def d[] = {{32000, 0, 8, {0}},
                                 {32000, 0, 8, {0}},
                                 {32000, 0, 4, {0}},
                                 {32000, 0, 2, {0}}};
    ks_cluster *c = ks_cluster_create();
    int t4 = ks_gpu_model_intern("T4");
    for (size_t i = 0; i < 4; i++) {
        int64_t alloc[KS_RES_COUNT] = {d[i].cpu, 1LL << 40, 110};
        char name[32];
        snprintf(name, sizeof name, "c%zu", i);
        uint32_t n = ks_cluster_add_node(c, name, alloc, 0);
        ks_cluster_set_node_gpus(c, n, d[i].gpus, t4);
    }
    bind_on(c, 0, 1000, 1, 100, 1);
    bind_on(c, 0, 1000, 1, 200, 1);
    bind_on(c, 1, 1000, 1, 500, 1);
    bind_on(c, 1, 1000, 1, 1000, 2);
    bind_on(c, 2, 1000, 0, 0, 0);
    bind_on(c, 3, 1000, 2, 1000, 3);
    uint32_t share = add_pod(c, 1000, 1, 400);
    uint32_t whole = add_pod(c, 1000, 1, 1000);
    uint32_t two = add_pod(c, 1000, 2, 1000);
    uint32_t cpu = add_pod(c, 1000, 0, 0);
    const uint32_t nodes[] = {0, 1, 2, 3};
    int64_t s[4];
    ks_plugin_call call = call_of(c, share, NULL, NULL);
    run_scores(&ks_plugin_gpuclustering, &call, nodes, 4, s);
    CU_ASSERT_EQUAL(s[0], 75);
    CU_ASSERT_EQUAL(s[1], 54);
    CU_ASSERT_EQUAL(s[2], 37);
    CU_ASSERT_EQUAL(s[3], 25);
    call = call_of(c, whole, NULL, NULL);
    run_scores(&ks_plugin_gpuclustering, &call, nodes, 4, s);
    CU_ASSERT_EQUAL(s[0], 0);
    CU_ASSERT_EQUAL(s[1], 54);
    CU_ASSERT_EQUAL(s[3], 25);
    call = call_of(c, two, NULL, NULL);
    run_scores(&ks_plugin_gpuclustering, &call, nodes, 4, s);
    CU_ASSERT_EQUAL(s[3], 100);
    call = call_of(c, cpu, NULL, NULL);
    run_scores(&ks_plugin_gpuclustering, &call, nodes, 4, s);
    CU_ASSERT(s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0);
    ks_cluster_destroy(c);
}

static void test_gpuclustering_cases(void)
{
    uint64_t share = ks_gpuclustering_tag(1, 300);
    uint64_t one = ks_gpuclustering_tag(1, 1000);
    uint64_t eight = ks_gpuclustering_tag(8, 1000);
    CU_ASSERT(share && one && eight && share != one && one != eight);
    CU_ASSERT_EQUAL(ks_gpuclustering_tag(0, 0), 0);
    CU_ASSERT(ks_gpuclustering_tag(2, 500) != ks_gpuclustering_tag(2, 1000));
    /* G = 7999: base 25/8000 = 0; G = 7680: 25*320/8000 = 1. */
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, one, 7999), 75);
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, one, 7680), 76);
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, one | share, 7680), 51);
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, 0, 7680), 26);
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, eight, 7680), 1);
    /* 16 free GPUs (beyond the spec): base -25; clamped at 0. */
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, eight, 16000), 0);
    CU_ASSERT_EQUAL(ks_gpuclustering_score(one, one, 16000), 50);
    CU_ASSERT_EQUAL(ks_gpuclustering_score(0, one, 0), 0);
}

/* ---- FirstFit, Random, PowerOfTwoChoices -------------------------------- */

/* The feasible list may start anywhere (the scheduler's rotation): the
 * lowest index gets 100. */
static void test_firstfit(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    const ks_plugin *pl = &ks_plugin_firstfit;
    void *inst = pl->create(NULL);
    ks_plugin_call call = call_of(c, p, inst, NULL);
    const uint32_t nodes[] = {2, 1};
    int64_t s[3];
    run_scores(pl, &call, nodes, 2, s);
    CU_ASSERT_EQUAL(s[0], 0);
    CU_ASSERT_EQUAL(s[1], 100);
    run_scores(pl, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[0], 100);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

static void test_random(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    const ks_plugin *pl = &ks_plugin_random;
    void *inst = pl->create(NULL);
    /* Without a stream: the lowest-index feasible node, default GPUs. */
    ks_plugin_call call = call_of(c, p, inst, NULL);
    const uint32_t nodes[] = {2, 1, 0};
    int64_t s[3];
    run_scores(pl, &call, nodes, 3, s);
    CU_ASSERT(s[0] == 0 && s[1] == 0 && s[2] == 100);
    uint32_t mask = 0;
    CU_ASSERT_EQUAL(pl->reserve(&call, 0, &mask).code, KS_STATUS_SUCCESS);
    CU_ASSERT_EQUAL(mask, 0);
    /* With a stream: the node the same draw picks, and each node about a
     * third of the time. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *twin = gsl_rng_alloc(
                                                     gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    gsl_rng_set(twin, 7);
    call = call_of(c, p, inst, r);
    int hits[3] = {0, 0, 0};
    for (int i = 0; i < 3000; i++) {
        uint32_t expect = nodes[gsl_rng_uniform_int(twin, 3)];
        run_scores(pl, &call, nodes, 3, s);
        for (int k = 0; k < 3; k++)
            if (s[k] == 100) {
                hits[nodes[k]]++;
                CU_ASSERT_EQUAL(nodes[k], expect);
            } else {
                CU_ASSERT_EQUAL(s[k], 0);
            }
    }
    CU_ASSERT_EQUAL(hits[0] + hits[1] + hits[2], 3000);
    for (int k = 0; k < 3; k++)
        CU_ASSERT(hits[k] > 850 && hits[k] < 1150);
    /* Reserve: a sharing pod of 500 on n0 {1000 x4} draws among the 4
     * fitting GPUs; on n1 {500, 1000} among 2. */
    int gpu_hits[4] = {0, 0, 0, 0};
    for (int i = 0; i < 400; i++) {
        mask = 0;
        pl->reserve(&call, 0, &mask);
        CU_ASSERT_EQUAL(__builtin_popcount(mask), 1);
        gpu_hits[__builtin_ctz(mask)]++;
    }
    for (int k = 0; k < 4; k++)
        CU_ASSERT(gpu_hits[k] > 60);
    mask = 0;
    gsl_rng_set(r, 11);
    gsl_rng_set(twin, 11);
    pl->reserve(&call, 1, &mask);
    CU_ASSERT_EQUAL(mask, UINT32_C(1) << gsl_rng_uniform_int(twin, 2));
    /* A whole-GPU pod keeps the default choice. */
    uint32_t whole = add_pod(c, 1000, 1, 1000);
    call = call_of(c, whole, inst, r);
    mask = 0;
    pl->reserve(&call, 0, &mask);
    CU_ASSERT_EQUAL(mask, 0);
    gsl_rng_free(r);
    gsl_rng_free(twin);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

/* left = (cpu_left - cpu) + 16 (G - n*m):
 *   n0: 28000 + 16 * 3500 = 84000; n1: 4000 + 16 * 1000 = 20000;
 *   n2: 60000 + 16 * 7500 = 180000. */
static void test_p2c(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    const ks_plugin *pl = &ks_plugin_p2c;
    void *inst = pl->create(NULL);
    CU_ASSERT_EQUAL(ks_p2c_left(32000, 4000, 4000, 500), 84000);
    CU_ASSERT_EQUAL(ks_p2c_left(8000, 1500, 4000, 500), 20000);
    /* Without a stream: the two lowest indices (0 and 1): n0 wins. */
    ks_plugin_call call = call_of(c, p, inst, NULL);
    const uint32_t nodes[] = {2, 1, 0};
    int64_t s[3];
    run_scores(pl, &call, nodes, 3, s);
    CU_ASSERT(s[0] == 0 && s[1] == 0 && s[2] == 100);
    /* One feasible node wins alone. */
    run_scores(pl, &call, nodes + 1, 1, s);
    CU_ASSERT_EQUAL(s[0], 100);
    /* With a stream: the pair the same draws give; the emptier wins. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *twin = gsl_rng_alloc(
                                                     gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    gsl_rng_set(twin, 3);
    static const int64_t left[3] = {84000, 20000, 180000};
    call = call_of(c, p, inst, r);
    int wins[3] = {0, 0, 0};
    for (int i = 0; i < 300; i++) {
        size_t a = gsl_rng_uniform_int(twin, 3);
        size_t b = gsl_rng_uniform_int(twin, 2);
        if (b >= a)
            b++;
        uint32_t na = nodes[a], nb = nodes[b];
        uint32_t expect = left[na] >= left[nb] ? na : nb;
        run_scores(pl, &call, nodes, 3, s);
        for (int k = 0; k < 3; k++) {
            CU_ASSERT_EQUAL(s[k], nodes[k] == expect ? 100 : 0);
            wins[nodes[k]] += s[k] == 100;
        }
    }
    /* n1 is never the emptier of two; n2 always is. */
    CU_ASSERT_EQUAL(wins[1], 0);
    CU_ASSERT(wins[2] > 150);
    gsl_rng_free(r);
    gsl_rng_free(twin);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

/* Equal "left": the lower index wins. */
static void test_p2c_tie(void)
{
    static const node_def twins[] = {{16000, 0, 2, {1000, 1000}},
                                     {16000, 0, 2, {1000, 1000}}};
    ks_cluster *c = cluster_of(twins, 2);
    uint32_t p = add_pod(c, 1000, 1, 1000);
    void *inst = ks_plugin_p2c.create(NULL);
    ks_plugin_call call = call_of(c, p, inst, NULL);
    const uint32_t nodes[] = {1, 0};
    int64_t s[2];
    run_scores(&ks_plugin_p2c, &call, nodes, 2, s);
    CU_ASSERT_EQUAL(s[0], 0);
    CU_ASSERT_EQUAL(s[1], 100);
    ks_plugin_p2c.destroy(inst);
    ks_cluster_destroy(c);
}

/* ---- FGD (the plugin) --------------------------------------------------- */

static ks_frag_workload *one_typical(int64_t cpu, unsigned m, unsigned n)
{
    ks_frag_pod s = {cpu, (uint16_t)m, (uint8_t)n, 0};
    ks_frag_workload *w = NULL;
    CU_ASSERT_EQUAL(ks_frag_workload_create(&s, 1, 95, &w, NULL), 0);
    return w;
}

/* Typical (1000m, 1000, 1).  n0 {1000 x4}: F = 0; a sharing pod of 500
 * leaves {500, 1000 x3}: F = 500, delta -500 -> 37 on any GPU, GPU 0.
 * n1 {500, 1000}: F = 500; on GPU 0 -> {0, 1000}: F = 0, delta 500 -> 62,
 * GPU 0; on GPU 1 -> {500, 500}: F = 1000 -> 37.  n2 like n0: 37.
 * Reserve takes GPU 0 on n1. */
static void test_fgd_plugin(void)
{
    ks_cluster *c = cluster_of(three, 3);
    uint32_t p = add_pod(c, 4000, 1, 500);
    const ks_plugin *pl = &ks_plugin_fgd;
    void *inst = pl->create(NULL);
    ks_plugin_call call = call_of(c, p, inst, NULL);
    int64_t s[3];
    /* No workload: 0 everywhere, Reserve leaves the default. */
    run_scores(pl, &call, all3, 3, s);
    CU_ASSERT(s[0] == 0 && s[1] == 0 && s[2] == 0);
    uint32_t mask = 0;
    CU_ASSERT_EQUAL(pl->reserve(&call, 1, &mask).code, KS_STATUS_SUCCESS);
    CU_ASSERT_EQUAL(mask, 0);
    ks_frag_workload *w = one_typical(1000, 1000, 1);
    ks_fgd_set_workload(inst, w);
    run_scores(pl, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[0], 37);
    CU_ASSERT_EQUAL(s[1], 62);
    CU_ASSERT_EQUAL(s[2], 37);
    CU_ASSERT_EQUAL(pl->reserve(&call, 1, &mask).code, KS_STATUS_SUCCESS);
    CU_ASSERT_EQUAL(mask, 1u);
    /* Bind it there: n1 becomes {0, 1000}; the memo sees the new version:
     * another such pod now takes GPU 1 -> {0, 500}, F 0 -> 500: 37. */
    c->pods[p].gpu_mask = mask;
    ks_cluster_bind(c, p, 1, 0);
    uint32_t q = add_pod(c, 1000, 1, 500);
    call = call_of(c, q, inst, NULL);
    run_scores(pl, &call, all3, 3, s);
    CU_ASSERT_EQUAL(s[1], 37);
    mask = 0;
    pl->reserve(&call, 1, &mask);
    CU_ASSERT_EQUAL(mask, 2u);
    /* A whole-GPU pod: default GPUs at Reserve. */
    uint32_t whole = add_pod(c, 1000, 1, 1000);
    call = call_of(c, whole, inst, NULL);
    mask = 0;
    pl->reserve(&call, 0, &mask);
    CU_ASSERT_EQUAL(mask, 0);
    /* A pod requesting nothing scores 100. */
    int64_t none[KS_RES_COUNT] = {0};
    uint32_t empty = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
    call = call_of(c, empty, inst, NULL);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[0]), 100);
    /* Removing the workload: 0 again. */
    ks_fgd_set_workload(inst, NULL);
    call = call_of(c, q, inst, NULL);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[1]), 0);
    pl->destroy(inst);
    ks_frag_workload_destroy(w);
    ks_cluster_destroy(c);
}

/* The memo never changes a score: many pod shapes (more than the memo
 * keeps) in turn, with placements in between, always score what the
 * formula gives for the node's current state. */
static void test_fgd_memo_matches_formula(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    static const node_def d[] = {
        {96000, 0, 8, {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}},
        {64000, 0, 2, {1000, 1000}},
        {32000, 0, 4, {1000, 1000, 1000, 1000}},
        {96000, 0, 8, {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}}};
    ks_cluster *c = cluster_of(d, 4);
    ks_frag_pod wl[300];
    for (int i = 0; i < 300; i++) {
        unsigned m = (unsigned)(gsl_rng_uniform_int(r, 11) * 100);
        wl[i] = (ks_frag_pod){1000 + 100 * (int64_t)gsl_rng_uniform_int(r, 200),
                              (uint16_t)m, (uint8_t)(m ? 1 : 0), 0};
    }
    ks_frag_workload *w = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_frag_workload_create(wl, 300, 95, &w, NULL), 0);
    void *inst = ks_plugin_fgd.create(NULL);
    ks_fgd_set_workload(inst, w);
    int bad = 0;
    for (int i = 0; i < 600; i++) {
        const ks_frag_pod *sp = &wl[i % 300];
        uint32_t p = add_pod(c, sp->cpu, sp->gpu_count, sp->gpu_milli);
        ks_plugin_call call = call_of(c, p, inst, NULL);
        for (uint32_t n = 0; n < 4; n++) {
            const ks_node *nd = &c->nodes[n];
            int gpu;
            int64_t want = ks_fgd_score_state(
                w, nd->allocatable[KS_RES_CPU] - nd->requested[KS_RES_CPU],
                ks_gpu_free(c, n), nd->gpu_count, nd->gpu_model, sp, &gpu);
            bad += ks_plugin_fgd.score(&call, nd) != want;
        }
        uint32_t n = (uint32_t)gsl_rng_uniform_int(r, 4);
        const ks_node *nd = &c->nodes[n];
        if (i % 3 == 0 &&
            nd->allocatable[KS_RES_CPU] - nd->requested[KS_RES_CPU] >=
                sp->cpu &&
            ks_gpu_fits(c, n, &c->pods[p])) {
            uint32_t mask = 0;
            ks_plugin_fgd.reserve(&call, n, &mask);
            c->pods[p].gpu_mask = mask;
            ks_cluster_bind(c, p, n, 0);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    ks_plugin_fgd.destroy(inst);
    ks_frag_workload_destroy(w);
    ks_cluster_destroy(c);
    gsl_rng_free(r);
}

void ks_suite_research(void)
{
    static const ks_test_case cases[] = {
        {"BestFit: raw scores and min-max normalization", test_bestfit},
        {"BestFit: truncation and normalization edges",
         test_bestfit_truncation},
        {"WorstFit: raw scores and normalization", test_worstfit},
        {"DotProduct: Tetris alignment", test_dotproduct},
        {"GpuPacking: on three nodes", test_gpupacking},
        {"GpuPacking: every case and its truncation", test_gpupacking_cases},
        {"GpuClustering: tags of bound pods", test_gpuclustering},
        {"GpuClustering: bases and clamping", test_gpuclustering_cases},
        {"FirstFit: the lowest feasible index", test_firstfit},
        {"Random: one node drawn, GPU drawn at Reserve", test_random},
        {"PowerOfTwoChoices: the emptier of two draws", test_p2c},
        {"PowerOfTwoChoices: ties to the lower index", test_p2c_tie},
        {"FGD plugin: scores, Reserve, no workload", test_fgd_plugin},
        {"FGD plugin: memo equals the formula", test_fgd_memo_matches_formula},
        {NULL, NULL}};
    ks_test_add_suite("policies/research", cases);
}
