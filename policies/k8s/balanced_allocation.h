/* balanced_allocation.h - the NodeResourcesBalancedAllocation plugin.
 *
 * Re-implements pkg/scheduler/framework/plugins/noderesources/
 * balanced_allocation.go and resource_allocation.go (useRequested = true):
 *   PreScore: Skip when the pod's actual requests of all configured
 *     resources are 0 (a best-effort pod; the non-zero defaults do not
 *     count).
 *   Score: for each configured resource with allocatable > 0 ("pods" is
 *     never scored: resource_allocation.go yields (0, 0) for it),
 *     f = min((node requested + pod request) / allocatable, 1) in float64;
 *     std = |f0 - f1| / 2 for two fractions, the population standard
 *     deviation for more, 0 for fewer;
 *     v1.35 and earlier: score = int64((1 - std) * 100);
 *     v1.36 (PR #135573): withPod = int64((1 - std(node + pod)) * 100),
 *       withoutPod = int64((1 - std(node)) * 100),
 *       score = 50 + (50 + withPod - withoutPod) / 2 (integer division),
 *       in 50..100, 75 when the pod leaves the balance unchanged.
 *   Default args: resources cpu:1, memory:1 (weights only select resources;
 *   the formula does not weigh them).  Default Score weight 1.
 */
#ifndef KS_BALANCED_ALLOCATION_H
#define KS_BALANCED_ALLOCATION_H

#include <stdint.h>

#include "policies/plugin.h"

/* NodeResourcesBalancedAllocationArgs. */
typedef struct ks_balanced_allocation_args {
    int64_t weight[KS_RES_COUNT]; /* 0 = resource not listed */
} ks_balanced_allocation_args;

extern const ks_plugin ks_plugin_balanced_allocation;

/* int64((1 - std) * MaxNodeScore) over n resources (those with
 * allocatable[i] == 0 skipped): the balance of one node. */
int64_t ks_balanced_resource_score(const int64_t *requested,
                                   const int64_t *allocatable, int n);

/* The v1.36 score from the node's requests with the pod (requested) and
 * without it (allocated). */
int64_t ks_balanced_allocation_change_score(const int64_t *requested,
                                            const int64_t *allocated,
                                            const int64_t *allocatable,
                                            int n);

ks_status ks_balanced_allocation_pre_score(const ks_plugin_call *call,
                                           const uint32_t *nodes, size_t n);
/* Uses the v1.35 formula when 0 < call->k8s_minor <= 35, else v1.36. */
int64_t ks_balanced_allocation_score(const ks_plugin_call *call,
                                     const ks_node *node);

#endif
