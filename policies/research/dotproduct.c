/* dotproduct.c - DotProduct (dot_product_score.go of the FGD authors'
 * simulator; see dotproduct.h for the formula). */
#include "policies/research/dotproduct.h"

#define MAX_SPEC_CPU 128000.0 /* open-gpu-share/utils/const.go MaxSpecCpu */
#define MAX_SPEC_GPU 8000.0   /* MaxSpecGpu */

int64_t ks_dotproduct_score(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                            int64_t gpu)
{
    if (cpu_left < cpu)
        return KS_MIN_NODE_SCORE;
    /* The operations in the authors' order: normalize each element, sum
     * the products from 0, divide by the vector length (2), 1 - d. */
    double node[2] = {(double)cpu_left / MAX_SPEC_CPU,
                      (double)gpu_left / MAX_SPEC_GPU};
    double pod[2] = {(double)cpu / MAX_SPEC_CPU, (double)gpu / MAX_SPEC_GPU};
    double d = 0;
    d += node[0] * pod[0];
    d += node[1] * pod[1];
    d /= 2.0;
    double score = 1 - d;
    int64_t v = (int64_t)((double)KS_MAX_NODE_SCORE * score);
    /* Outside the authors' spec (a node above 128 cores or 8 GPUs) d may
     * pass 1: keep the score in the framework's range. */
    return v < KS_MIN_NODE_SCORE ? KS_MIN_NODE_SCORE : v;
}

static int64_t dotproduct_score(const ks_plugin_call *call,
                                const ks_node *node)
{
    const ks_pod *pod = call->pod;
    return ks_dotproduct_score(node->allocatable[KS_RES_CPU] -
                                   node->requested[KS_RES_CPU],
                               node->gpu_free_total,
                               pod->nonzero_request[KS_RES_CPU],
                               (int64_t)pod->gpu_count * pod->gpu_milli);
}

const ks_plugin ks_plugin_dotproduct = {
    .name = "DotProduct",
    .score = dotproduct_score,
    .default_weight = 1,
};
