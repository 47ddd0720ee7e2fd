/* noderesources_fit.c - NodeResourcesFit: does the pod fit, and how well.
 *
 * Formulas from pkg/scheduler/framework/plugins/noderesources/fit.go
 * (fitsRequest) and least_allocated.go (leastRequestedScore,
 * leastResourceScorer), Kubernetes v1.36; see the header for the summary.
 */
#include "policies/k8s/noderesources_fit.h"

static const ks_fit_args default_args = {
    .strategy = KS_FIT_LEAST_ALLOCATED,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1, [KS_RES_PODS] = 0},
};

const ks_plugin ks_plugin_noderesources_fit = {
    .name = "NodeResourcesFit",
    .filter = ks_fit_filter,
    .score = ks_fit_score,
    .default_args = &default_args,
    .default_weight = 1,
};

static const uint32_t insufficient_bit[KS_RES_COUNT] = {
    [KS_RES_CPU] = KS_FIT_INSUFFICIENT_CPU,
    [KS_RES_MEMORY] = KS_FIT_INSUFFICIENT_MEMORY,
    [KS_RES_PODS] = 0,
};

/* Upstream's reasons, joined as the scheduler's messages show them. */
static const char *fit_message(uint32_t reasons)
{
    static const char *const msgs[8] = {
        "",
        "Too many pods",
        "Insufficient cpu",
        "Too many pods, Insufficient cpu",
        "Insufficient memory",
        "Too many pods, Insufficient memory",
        "Insufficient cpu, Insufficient memory",
        "Too many pods, Insufficient cpu, Insufficient memory",
    };
    return msgs[reasons & 7];
}

ks_status ks_fit_filter(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod *pod = call->pod;
    ks_status st = ks_status_ok();
    int unresolvable = 0;
    if (node->requested[KS_RES_PODS] + 1 > node->allocatable[KS_RES_PODS]) {
        st.reasons |= KS_FIT_TOO_MANY_PODS;
        /* Not unresolvable: preempting a pod frees a slot. */
    }
    for (int r = 0; r < KS_RES_COUNT; r++) {
        if (r == KS_RES_PODS || pod->request[r] == 0)
            continue;
        if (pod->request[r] > node->allocatable[r] - node->requested[r]) {
            st.reasons |= insufficient_bit[r];
            if (pod->request[r] > node->allocatable[r])
                unresolvable = 1;
        }
    }
    if (st.reasons) {
        st.code = unresolvable ? KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE
                               : KS_STATUS_UNSCHEDULABLE;
        st.message = fit_message(st.reasons);
    }
    return st;
}

/* (capacity - requested) * MaxNodeScore / capacity, 0 when over capacity
 * or when the node has none of the resource. */
static int64_t least_requested(int64_t requested, int64_t capacity)
{
    if (capacity <= 0 || requested > capacity)
        return 0;
    return (capacity - requested) * KS_MAX_NODE_SCORE / capacity;
}

int64_t ks_least_allocated_score(const int64_t *requested,
                                 const int64_t *allocatable,
                                 const int64_t *weight, int n)
{
    int64_t score = 0, weight_sum = 0;
    for (int i = 0; i < n; i++) {
        if (weight[i] == 0)
            continue;
        score += least_requested(requested[i], allocatable[i]) * weight[i];
        weight_sum += weight[i];
    }
    return weight_sum ? score / weight_sum : 0;
}

int64_t ks_fit_score(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod *pod = call->pod;
    const ks_fit_args *a = call->args ? call->args : &default_args;
    int64_t requested[KS_RES_COUNT];
    for (int r = 0; r < KS_RES_COUNT; r++)
        requested[r] = node->nonzero_requested[r] + pod->nonzero_request[r];
    return ks_least_allocated_score(requested, node->allocatable, a->weight,
                                    KS_RES_COUNT);
}
