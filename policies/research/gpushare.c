/* gpushare.c - GpuShare: GPU model and per-GPU milli fit.
 *
 * Semantics from the FGD paper's simulator, open_gpu_share.go (Filter):
 * a wrong or missing GPU model can never be fixed by removing pods
 * (UnschedulableAndUnresolvable); too few free GPUs can (Unschedulable).
 */
#include "policies/research/gpushare.h"

#include "sim/gpu.h"

static ks_status gpushare_filter(const ks_plugin_call *call,
                                 const ks_node *node)
{
    const ks_pod *pod = call->pod;
    if (pod->gpu_count == 0)
        return ks_status_ok();
    uint32_t n = (uint32_t)(node - call->cluster->nodes);
    if (!ks_gpu_model_allowed(call->cluster, n, pod) || node->gpu_count == 0)
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_GPUSHARE_MODEL,
                              "node(s) had no GPU of the requested model");
    if (node->gpu_count < pod->gpu_count)
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_GPUSHARE_INSUFFICIENT,
                              "node(s) had too few GPUs");
    if (!ks_gpu_fits(call->cluster, n, pod))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE,
                              KS_GPUSHARE_INSUFFICIENT,
                              "Insufficient GPU");
    return ks_status_ok();
}

const ks_plugin ks_plugin_gpushare = {
    .name = "GpuShare",
    .filter = gpushare_filter,
    .default_weight = 0,
};
