/* dotproduct.h - DotProduct: Tetris-style alignment of pod and node.
 *
 * Grandl et al., "Multi-Resource Packing for Cluster Schedulers" (Tetris,
 * SIGCOMM '14), as the FGD paper's baseline "DotProd" runs it
 * (dimext = merge, norm = max), re-implemented from the authors' simulator
 * (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/dot_product_score.go calculateDotProductScore;
 * pkg/utils/utils.go GenerateSchedulingMatchGroups, NormalizeVector,
 * CalculateVectorDotProduct; pkg/type/resource.go
 * ToVirtualNodeResourceList, ToVirtualPodResourceList):
 *     node = [cpu_left / 128000, G / 8000]
 *     pod  = [cpu / 128000, n*m / 8000]
 *     score = int(100 * (1 - (node . pod) / 2))
 * and 0 when cpu_left < cpu (no match group).  cpu_left, cpu, G and n*m
 * as in bestfit.h.  A smaller dot product (a node whose free resources
 * the pod would use least of) scores higher.  No normalization; a score
 * below 0 (only for nodes beyond 128 cores or 8 GPUs) is raised to 0.  GPUs
 * inside the node: the default best fit.
 */
#ifndef KS_DOTPRODUCT_H
#define KS_DOTPRODUCT_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_dotproduct;

int64_t ks_dotproduct_score(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                            int64_t gpu);

#endif
