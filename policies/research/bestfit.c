/* bestfit.c - BestFit (best_fit_score.go of the FGD authors' simulator;
 * see bestfit.h for the formula). */
#include "policies/research/bestfit.h"

#define MAX_SPEC_CPU 128000.0 /* open-gpu-share/utils/const.go MaxSpecCpu */
#define MAX_SPEC_GPU 8000.0   /* MaxSpecGpu */

int64_t ks_bestfit_raw(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                       int64_t gpu)
{
    if (cpu_left < cpu || gpu_left < gpu)
        return KS_MIN_NODE_SCORE;
    /* Go evaluates (free - req) / maxSpec * weight, summed from 0. */
    double s = 0;
    s += (double)(cpu_left - cpu) / MAX_SPEC_CPU * 0.5;
    s += (double)(gpu_left - gpu) / MAX_SPEC_GPU * 0.5;
    return (int64_t)((1.0 - s) * (double)KS_MAX_NODE_SCORE);
}

void ks_research_minmax_normalize(int64_t *scores, size_t n)
{
    if (n == 0)
        return;
    int64_t lo = scores[0], hi = scores[0];
    for (size_t i = 1; i < n; i++) {
        if (scores[i] < lo)
            lo = scores[i];
        if (scores[i] > hi)
            hi = scores[i];
    }
    int64_t range = hi - lo;
    int64_t span = KS_MAX_NODE_SCORE - KS_MIN_NODE_SCORE;
    for (size_t i = 0; i < n; i++)
        scores[i] = range == 0 ? KS_MIN_NODE_SCORE
                               : (scores[i] - lo) * span / range +
                                     KS_MIN_NODE_SCORE;
}

static int64_t bestfit_score(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod *pod = call->pod;
    return ks_bestfit_raw(node->allocatable[KS_RES_CPU] -
                              node->requested[KS_RES_CPU],
                          node->gpu_free_total,
                          pod->nonzero_request[KS_RES_CPU],
                          (int64_t)pod->gpu_count * pod->gpu_milli);
}

static void bestfit_normalize(const ks_plugin_call *call, int64_t *scores,
                              size_t n)
{
    (void)call;
    ks_research_minmax_normalize(scores, n);
}

const ks_plugin ks_plugin_bestfit = {
    .name = "BestFit",
    .score = bestfit_score,
    .normalize = bestfit_normalize,
    .default_weight = 1,
};
