/* worstfit.c - WorstFit (worst_fit_score.go of the FGD authors'
 * simulator; see worstfit.h for the formula). */
#include "policies/research/worstfit.h"

#include "policies/research/bestfit.h"

int64_t ks_worstfit_raw(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                        int64_t gpu)
{
    if (cpu_left < cpu || gpu_left < gpu)
        return KS_MIN_NODE_SCORE;
    /* weights {1, 100} for (cpu, gpu milli), summed in float64 from 0 as
     * the authors do; exact for any realistic node. */
    double s = 0;
    s += (double)(cpu_left - cpu) * 1;
    s += (double)(gpu_left - gpu) * 100;
    return (int64_t)s;
}

static int64_t worstfit_score(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod *pod = call->pod;
    return ks_worstfit_raw(node->allocatable[KS_RES_CPU] -
                               node->requested[KS_RES_CPU],
                           node->gpu_free_total,
                           pod->nonzero_request[KS_RES_CPU],
                           (int64_t)pod->gpu_count * pod->gpu_milli);
}

static void worstfit_normalize(const ks_plugin_call *call, int64_t *scores,
                               size_t n)
{
    (void)call;
    ks_research_minmax_normalize(scores, n);
}

const ks_plugin ks_plugin_worstfit = {
    .name = "WorstFit",
    .score = worstfit_score,
    .normalize = worstfit_normalize,
    .default_weight = 1,
};
