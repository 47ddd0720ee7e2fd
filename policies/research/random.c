/* random.c - Random (random_score.go and allocateGpuIdBasedOnRandomFit of
 * the FGD authors' simulator; see random.h). */
#include "policies/research/random.h"

#include <stdlib.h>

#include "sim/gpu.h"
#include "sim/xalloc.h"

typedef struct random_instance {
    uint32_t chosen; /* PreScore's node, KS_NO_NODE before any */
} random_instance;

static void *random_create(const void *args)
{
    (void)args;
    random_instance *inst = ks_xmalloc(sizeof *inst);
    inst->chosen = KS_NO_NODE;
    return inst;
}

static void random_destroy(void *instance)
{
    free(instance);
}

static ks_status random_pre_score(const ks_plugin_call *call,
                                  const uint32_t *nodes, size_t n)
{
    random_instance *inst = call->instance;
    if (!inst)
        return ks_status_ok();
    inst->chosen = KS_NO_NODE;
    if (n == 0)
        return ks_status_ok();
    if (call->rng) {
        inst->chosen = nodes[gsl_rng_uniform_int(call->rng, n)];
        return ks_status_ok();
    }
    for (size_t i = 0; i < n; i++) /* deterministic: the lowest index */
        if (nodes[i] < inst->chosen)
            inst->chosen = nodes[i];
    return ks_status_ok();
}

static int64_t random_score(const ks_plugin_call *call, const ks_node *node)
{
    const random_instance *inst = call->instance;
    uint32_t i = (uint32_t)(node - call->cluster->nodes);
    return inst && i == inst->chosen ? KS_MAX_NODE_SCORE : KS_MIN_NODE_SCORE;
}

static ks_status random_reserve(const ks_plugin_call *call, uint32_t node,
                                uint32_t *gpu_mask)
{
    const ks_pod *pod = call->pod;
    if (!call->rng || !gpu_mask || node >= call->cluster->nnodes ||
        pod->gpu_milli == 0 ||
        !ks_gpu_is_sharing(pod->gpu_count, pod->gpu_milli))
        return ks_status_ok();
    const ks_node *n = &call->cluster->nodes[node];
    const uint16_t *free = ks_gpu_free(call->cluster, node);
    unsigned fit = 0;
    for (unsigned i = 0; i < n->gpu_count; i++)
        fit += free[i] >= pod->gpu_milli;
    if (fit == 0)
        return ks_status_ok();
    unsigned pick = (unsigned)gsl_rng_uniform_int(call->rng, fit);
    for (unsigned i = 0; i < n->gpu_count; i++)
        if (free[i] >= pod->gpu_milli && pick-- == 0) {
            *gpu_mask = UINT32_C(1) << i;
            break;
        }
    return ks_status_ok();
}

const ks_plugin ks_plugin_random = {
    .name = "Random",
    .create = random_create,
    .destroy = random_destroy,
    .pre_score = random_pre_score,
    .score = random_score,
    .reserve = random_reserve,
    .default_weight = 1,
};
