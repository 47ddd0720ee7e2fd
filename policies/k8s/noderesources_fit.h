/* noderesources_fit.h - the NodeResourcesFit plugin (Filter and Score).
 *
 * Re-implements pkg/scheduler/framework/plugins/noderesources/fit.go and
 * least_allocated.go (Kubernetes v1.36):
 *   Filter: too many pods if pods on node + 1 > allocatable pods; otherwise
 *     each requested resource must fit: request <= allocatable - requested
 *     (equality fits).  Rejections are Unschedulable, or
 *     UnschedulableAndUnresolvable when the request exceeds the node's whole
 *     allocatable (preemption cannot help).
 *   Score (LeastAllocated strategy, the default): per resource r with
 *     weight w, alloc = allocatable[r] and req = node's non-zero requested
 *     + pod's non-zero request; s_r = 0 if alloc == 0 or req > alloc, else
 *     (alloc - req) * 100 / alloc (integer division); node score =
 *     sum(s_r * w) / sum(w) (integer division), 0 if sum(w) == 0.
 *   Default args: scoringStrategy LeastAllocated, resources cpu:1, memory:1.
 */
#ifndef KS_NODERESOURCES_FIT_H
#define KS_NODERESOURCES_FIT_H

#include "policies/plugin.h"

/* Filter rejection reasons (ks_status.reasons bits). */
#define KS_FIT_TOO_MANY_PODS (1u << 0)
#define KS_FIT_INSUFFICIENT_CPU (1u << 1)
#define KS_FIT_INSUFFICIENT_MEMORY (1u << 2)

typedef enum ks_fit_strategy {
    KS_FIT_LEAST_ALLOCATED = 0
} ks_fit_strategy;

typedef struct ks_fit_args {
    ks_fit_strategy strategy;
    int64_t weight[KS_RES_COUNT]; /* 0 = resource not scored */
} ks_fit_args;

extern const ks_plugin ks_plugin_noderesources_fit;

/* The upstream LeastAllocated score of one node over n resources:
 * requested[i] and allocatable[i] in base units, weight[i] >= 0. */
int64_t ks_least_allocated_score(const int64_t *requested,
                                 const int64_t *allocatable,
                                 const int64_t *weight, int n);

ks_status ks_fit_filter(const ks_plugin_call *call, const ks_node *node);
int64_t ks_fit_score(const ks_plugin_call *call, const ks_node *node);

#endif
