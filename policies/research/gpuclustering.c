/* gpuclustering.c - GpuClustering (gpu_clustering_score.go of the FGD
 * authors' simulator; see gpuclustering.h for the cases). */
#include "policies/research/gpuclustering.h"

#include "sim/gpu.h"

#define MAX_SPEC_GPU 8000 /* open-gpu-share/utils/const.go MaxSpecGpu */

uint64_t ks_gpuclustering_tag(unsigned n, unsigned m)
{
    if (n == 0 || m == 0)
        return 0;
    if (n > KS_MAX_NODE_GPUS)
        n = KS_MAX_NODE_GPUS;
    if (n == 1 && m < KS_GPU_MILLI)
        return UINT64_C(1); /* share-gpu */
    if (m >= KS_GPU_MILLI)
        return UINT64_C(1) << n; /* "<n>-gpu": bits 1..32 */
    return UINT64_C(1) << (31 + n); /* n > 1 partial GPUs: bits 33..63 */
}

int64_t ks_gpuclustering_score(uint64_t tag, uint64_t tags, int64_t gpu_left)
{
    if (tag == 0)
        return KS_MIN_NODE_SCORE;
    /* MaxNodeScore/4 * (MaxSpecGpu - G) / MaxSpecGpu, left to right. */
    int64_t base =
        KS_MAX_NODE_SCORE / 4 * (MAX_SPEC_GPU - gpu_left) / MAX_SPEC_GPU;
    int64_t s;
    if (tags & tag)
        s = base + (tags == tag ? KS_MAX_NODE_SCORE * 3 / 4
                                : KS_MAX_NODE_SCORE * 2 / 4);
    else
        s = base + (tags == 0 ? KS_MAX_NODE_SCORE / 4 : 0);
    return s < KS_MIN_NODE_SCORE ? KS_MIN_NODE_SCORE : s;
}

static int64_t gpuclustering_score(const ks_plugin_call *call,
                                   const ks_node *node)
{
    const ks_pod *pod = call->pod;
    uint64_t tag = ks_gpuclustering_tag(pod->gpu_count, pod->gpu_milli);
    if (tag == 0)
        return KS_MIN_NODE_SCORE;
    const ks_node_pods *np = ks_cluster_node_pods(call->cluster, node);
    uint64_t tags = 0;
    for (uint32_t i = 0; i < np->n; i++) {
        const ks_pod *p = &call->cluster->pods[np->pods[i]];
        tags |= ks_gpuclustering_tag(p->gpu_count, p->gpu_milli);
    }
    return ks_gpuclustering_score(tag, tags, node->gpu_free_total);
}

const ks_plugin ks_plugin_gpuclustering = {
    .name = "GpuClustering",
    .score = gpuclustering_score,
    .default_weight = 1,
};
