/* firstfit.c - FirstFit: 100 for the lowest-index feasible node (see
 * firstfit.h). */
#include "policies/research/firstfit.h"

#include <stdlib.h>

#include "sim/xalloc.h"

typedef struct firstfit_instance {
    uint32_t first; /* PreScore's node, KS_NO_NODE before any */
} firstfit_instance;

static void *firstfit_create(const void *args)
{
    (void)args;
    firstfit_instance *inst = ks_xmalloc(sizeof *inst);
    inst->first = KS_NO_NODE;
    return inst;
}

static void firstfit_destroy(void *instance)
{
    free(instance);
}

/* The feasible list starts where the last cycle's search stopped
 * (percentageOfNodesToScore rotation): take the minimum, not nodes[0]. */
static ks_status firstfit_pre_score(const ks_plugin_call *call,
                                    const uint32_t *nodes, size_t n)
{
    firstfit_instance *inst = call->instance;
    if (!inst)
        return ks_status_ok();
    inst->first = KS_NO_NODE;
    for (size_t i = 0; i < n; i++)
        if (nodes[i] < inst->first)
            inst->first = nodes[i];
    return ks_status_ok();
}

static int64_t firstfit_score(const ks_plugin_call *call, const ks_node *node)
{
    const firstfit_instance *inst = call->instance;
    uint32_t i = (uint32_t)(node - call->cluster->nodes);
    return inst && i == inst->first ? KS_MAX_NODE_SCORE : KS_MIN_NODE_SCORE;
}

const ks_plugin ks_plugin_firstfit = {
    .name = "FirstFit",
    .create = firstfit_create,
    .destroy = firstfit_destroy,
    .pre_score = firstfit_pre_score,
    .score = firstfit_score,
    .default_weight = 1,
};
