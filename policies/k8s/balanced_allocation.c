/* balanced_allocation.c - NodeResourcesBalancedAllocation: favour nodes
 * whose resource fractions stay close to each other.
 *
 * Re-implemented from kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/noderesources:
 *   balanced_allocation.go at the v1.35 tree (PreScore with the best-effort
 *     Skip, balancedResourceScorer: score = (1 - std) * MaxNodeScore),
 *   balanced_allocation.go after PR #135573 (v1.36: the score compares the
 *     node's balance with and without the pod),
 *   resource_allocation.go (score, calculateResourceAllocatableRequest with
 *     useRequested, isBestEffortPod).
 * See the header for the formulas.  Allocation-free.
 */
#include "policies/k8s/balanced_allocation.h"

#include <math.h>
#include <stdlib.h>

#include "policies/k8s/score_memo.h"
#include "sim/xalloc.h"

/* PreScore's per-pod view, reused for every node scored: which resources
 * enter the score (configured, not "pods", not an unrequested scalar). */
typedef struct ba_instance {
    const ks_pod *pod;
    int res[KS_RES_COUNT];
    int nres;
    ks_score_memo memo; /* scores of earlier cycles still valid */
} ba_instance;

static void *ba_create(const void *args)
{
    (void)args;
    return ks_xcalloc(1, sizeof(ba_instance));
}

static void ba_destroy(void *instance)
{
    ba_instance *inst = instance;
    if (inst)
        ks_score_memo_free(&inst->memo);
    free(inst);
}

static const ks_balanced_allocation_args default_args = {
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1, [KS_RES_PODS] = 0},
};

const ks_plugin ks_plugin_balanced_allocation = {
    .name = "NodeResourcesBalancedAllocation",
    .create = ba_create,
    .destroy = ba_destroy,
    .pre_score = ks_balanced_allocation_pre_score,
    .score = ks_balanced_allocation_score,
    .default_args = &default_args,
    .default_weight = 1,
};

static const ks_balanced_allocation_args *args_of(const ks_plugin_call *call)
{
    return call->args ? call->args : &default_args;
}

/* A configured resource that resource_allocation.go can score: "pods" is
 * not one (calculateResourceAllocatableRequest returns (0, 0) for it). */
static int scored(const ks_balanced_allocation_args *a, int r)
{
    return r != KS_RES_PODS && a->weight[r] != 0;
}

/* requested / allocatable as float64, capped at 1. */
static double fraction(int64_t requested, int64_t allocatable)
{
    double f = (double)requested / (double)allocatable;
    return f > 1 ? 1 : f;
}

int64_t ks_balanced_resource_score(const int64_t *requested,
                                   const int64_t *allocatable, int n)
{
    /* Same operation order as balancedResourceScorer, so the float64
     * results (and their truncation) match bit for bit.  Fractions are
     * recomputed in the second pass instead of stored: no buffer. */
    double total = 0, first = 0, second = 0;
    int nf = 0;
    for (int i = 0; i < n; i++) {
        if (allocatable[i] == 0)
            continue;
        double f = fraction(requested[i], allocatable[i]);
        total += f;
        if (nf == 0)
            first = f;
        else if (nf == 1)
            second = f;
        nf++;
    }
    double std = 0.0;
    if (nf == 2) {
        std = fabs((first - second) / 2);
    } else if (nf > 2) {
        double mean = total / nf;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (allocatable[i] == 0)
                continue;
            double f = fraction(requested[i], allocatable[i]);
            sum = sum + (f - mean) * (f - mean);
        }
        std = sqrt(sum / nf);
    }
    return (int64_t)((1 - std) * (double)KS_MAX_NODE_SCORE);
}

int64_t ks_balanced_allocation_change_score(const int64_t *requested,
                                            const int64_t *allocated,
                                            const int64_t *allocatable, int n)
{
    int64_t with_pod = ks_balanced_resource_score(requested, allocatable, n);
    int64_t without_pod = ks_balanced_resource_score(allocated, allocatable, n);
    /* Both lie in [50, 100], so their difference maps back to [50, 100]. */
    return KS_MAX_NODE_SCORE / 2 +
           (KS_MAX_NODE_SCORE / 2 + with_pod - without_pod) / 2;
}

/* isBestEffortPod over the configured resources, with actual requests. */
static int best_effort(const ks_balanced_allocation_args *a, const ks_pod *pod)
{
    int nres = ks_resource_count();
    for (int r = 0; r < nres; r++)
        if (scored(a, r) && pod->request[r] != 0)
            return 0;
    return 1;
}

/* The resources that enter the pod's score, into res; returns how many. A
 * scalar resource the pod does not request is skipped
 * (resource_allocation.go calculateResourceAllocatableRequest). */
static int scored_resources(const ks_balanced_allocation_args *a,
                            const ks_pod *pod, int res[KS_RES_COUNT])
{
    int n = 0, nres = ks_resource_count();
    for (int r = 0; r < nres; r++)
        if (scored(a, r) && !(ks_resource_is_scalar(r) && pod->request[r] == 0))
            res[n++] = r;
    return n;
}

ks_status ks_balanced_allocation_pre_score(const ks_plugin_call *call,
                                           const uint32_t *nodes, size_t n)
{
    (void)nodes;
    (void)n;
    /* Skipping best-effort pods keeps them from piling onto one node
     * (kubernetes issue 129138). */
    if (best_effort(args_of(call), call->pod))
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    ba_instance *inst = call->instance;
    if (inst) {
        inst->pod = call->pod;
        inst->nres = scored_resources(args_of(call), call->pod, inst->res);
        /* The score reads the pod's requests of these resources and the
         * version's formula: equal numbers, equal scores. */
        int64_t key[KS_SCORE_MEMO_KEY_MAX];
        size_t nkey = 0;
        key[nkey++] = call->k8s_minor > 0 && call->k8s_minor <= 35;
        for (int k = 0; k < inst->nres; k++) {
            key[nkey++] = inst->res[k];
            key[nkey++] = call->pod->request[inst->res[k]];
        }
        ks_score_memo_begin(&inst->memo, key, nkey, call->cluster->nnodes);
    }
    return ks_status_ok();
}

/* The score of pod on node over the resources res[0..nr). */
static int64_t ba_score(const ks_plugin_call *call, const ks_pod *pod,
                        const ks_node *node, const int *res, int nr)
{
    int64_t requested[KS_RES_COUNT], allocated[KS_RES_COUNT];
    int64_t allocatable[KS_RES_COUNT];
    int n = 0;
    for (int k = 0; k < nr; k++) {
        int r = res[k];
        /* useRequested: actual requests, not the non-zero defaults. */
        allocatable[n] = node->allocatable[r];
        allocated[n] = node->requested[r];
        requested[n] = node->requested[r] + pod->request[r];
        n++;
    }
    if (call->k8s_minor > 0 && call->k8s_minor <= 35)
        return ks_balanced_resource_score(requested, allocatable, n);
    return ks_balanced_allocation_change_score(requested, allocated,
                                               allocatable, n);
}

int64_t ks_balanced_allocation_score(const ks_plugin_call *call,
                                     const ks_node *node)
{
    const ks_pod *pod = call->pod;
    ba_instance *inst = call->instance;
    if (inst && inst->pod == pod) {
        int64_t score;
        if (ks_score_memo_get(&inst->memo, call->cluster, node, &score))
            return score;
        score = ba_score(call, pod, node, inst->res, inst->nres);
        ks_score_memo_put(&inst->memo, call->cluster, node, score);
        return score;
    }
    /* Score without PreScore scores a best-effort pod 0, as upstream. */
    const ks_balanced_allocation_args *a = args_of(call);
    if (best_effort(a, pod))
        return 0;
    int res[KS_RES_COUNT];
    int nr = scored_resources(a, pod, res);
    return ba_score(call, pod, node, res, nr);
}
