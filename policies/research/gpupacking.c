/* gpupacking.c - GpuPacking (gpu_packing_score.go of the FGD authors'
 * simulator; see gpupacking.h for the cases). */
#include "policies/research/gpupacking.h"

#include "sim/gpu.h"

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

int64_t ks_gpupacking_score(const uint16_t *free, unsigned gpus, unsigned n,
                            unsigned m)
{
    if (m == 0)
        return KS_MIN_NODE_SCORE;
    if (gpus > KS_MAX_NODE_GPUS)
        gpus = KS_MAX_NODE_GPUS;
    unsigned fully_free = 0;
    for (unsigned i = 0; i < gpus; i++)
        fully_free += free[i] == KS_GPU_MILLI;
    if (fully_free == gpus) /* case 3: an idle node */
        return max64(KS_MAX_NODE_SCORE / 3 - (int64_t)fully_free,
                     (int64_t)fully_free);
    /* SortedMilliGpuLeftIndexList(ascending): stable insertion sort. */
    unsigned order[KS_MAX_NODE_GPUS];
    for (unsigned i = 0; i < gpus; i++) {
        unsigned j = i;
        for (; j > 0 && free[order[j - 1]] > free[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    unsigned want = n, used_free = 0;
    int64_t ratio = 0; /* sum of g_i * 100 / 1000 over the GPUs picked */
    for (unsigned k = 0; k < gpus && want > 0; k++) {
        uint16_t g = free[order[k]];
        if (g < m)
            continue;
        want--;
        ratio += (int64_t)g * 100 / KS_GPU_MILLI;
        used_free += g == KS_GPU_MILLI;
    }
    if (want != 0)
        return KS_MIN_NODE_SCORE;
    if (used_free > 0) /* case 2: free GPUs of a used node */
        return max64(KS_MAX_NODE_SCORE / 2 - (int64_t)used_free,
                     KS_MAX_NODE_SCORE / 3);
    /* case 1: shared GPUs only */
    return max64(KS_MAX_NODE_SCORE - ratio / 10, KS_MAX_NODE_SCORE / 2);
}

static int64_t gpupacking_score(const ks_plugin_call *call,
                                const ks_node *node)
{
    const ks_pod *pod = call->pod;
    if (pod->gpu_count == 0 || pod->gpu_milli == 0)
        return KS_MIN_NODE_SCORE;
    uint32_t i = (uint32_t)(node - call->cluster->nodes);
    return ks_gpupacking_score(ks_gpu_free(call->cluster, i), node->gpu_count,
                               pod->gpu_count, pod->gpu_milli);
}

const ks_plugin ks_plugin_gpupacking = {
    .name = "GpuPacking",
    .score = gpupacking_score,
    .default_weight = 1,
};
