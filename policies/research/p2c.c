/* p2c.c - PowerOfTwoChoices (see p2c.h). */
#include "policies/research/p2c.h"

#include <stdlib.h>

#include "sim/xalloc.h"

typedef struct p2c_instance {
    uint32_t chosen; /* PreScore's node, KS_NO_NODE before any */
} p2c_instance;

int64_t ks_p2c_left(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                    int64_t gpu)
{
    return (cpu_left - cpu) + 16 * (gpu_left - gpu);
}

static void *p2c_create(const void *args)
{
    (void)args;
    p2c_instance *inst = ks_xmalloc(sizeof *inst);
    inst->chosen = KS_NO_NODE;
    return inst;
}

static void p2c_destroy(void *instance)
{
    free(instance);
}

static int64_t left_on(const ks_plugin_call *call, uint32_t node)
{
    const ks_node *n = &call->cluster->nodes[node];
    const ks_pod *p = call->pod;
    return ks_p2c_left(n->allocatable[KS_RES_CPU] - n->requested[KS_RES_CPU],
                       n->gpu_free_total, p->nonzero_request[KS_RES_CPU],
                       (int64_t)p->gpu_count * p->gpu_milli);
}

/* The two candidates: drawn, or the two lowest indices without a stream. */
static void candidates(const ks_plugin_call *call, const uint32_t *nodes,
                       size_t n, uint32_t *a, uint32_t *b)
{
    if (call->rng) {
        size_t i = gsl_rng_uniform_int(call->rng, n);
        size_t j = gsl_rng_uniform_int(call->rng, n - 1);
        if (j >= i)
            j++;
        *a = nodes[i];
        *b = nodes[j];
        return;
    }
    *a = *b = KS_NO_NODE;
    for (size_t i = 0; i < n; i++) {
        if (nodes[i] < *a) {
            *b = *a;
            *a = nodes[i];
        } else if (nodes[i] < *b) {
            *b = nodes[i];
        }
    }
}

static ks_status p2c_pre_score(const ks_plugin_call *call,
                               const uint32_t *nodes, size_t n)
{
    p2c_instance *inst = call->instance;
    if (!inst)
        return ks_status_ok();
    inst->chosen = n ? nodes[0] : KS_NO_NODE;
    if (n < 2)
        return ks_status_ok();
    uint32_t a, b;
    candidates(call, nodes, n, &a, &b);
    int64_t la = left_on(call, a), lb = left_on(call, b);
    inst->chosen = la > lb || (la == lb && a < b) ? a : b;
    return ks_status_ok();
}

static int64_t p2c_score(const ks_plugin_call *call, const ks_node *node)
{
    const p2c_instance *inst = call->instance;
    uint32_t i = (uint32_t)(node - call->cluster->nodes);
    return inst && i == inst->chosen ? KS_MAX_NODE_SCORE : KS_MIN_NODE_SCORE;
}

const ks_plugin ks_plugin_p2c = {
    .name = "PowerOfTwoChoices",
    .create = p2c_create,
    .destroy = p2c_destroy,
    .pre_score = p2c_pre_score,
    .score = p2c_score,
    .default_weight = 1,
};
