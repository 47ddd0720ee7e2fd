/* noderesources_fit.h - the NodeResourcesFit plugin (Filter and Score).
 *
 * Re-implements pkg/scheduler/framework/plugins/noderesources/fit.go,
 * resource_allocation.go, least_allocated.go, most_allocated.go and
 * requested_to_capacity_ratio.go (Kubernetes v1.36):
 *   Filter: too many pods if pods on node + 1 > allocatable pods; otherwise
 *     each requested resource must fit: request <= allocatable - requested
 *     (equality fits).  Rejections are Unschedulable, or
 *     UnschedulableAndUnresolvable when the request exceeds the node's whole
 *     allocatable (preemption cannot help).  ignoredResources and
 *     ignoredResourceGroups only apply to extended resources (names with a
 *     '/' outside the kubernetes.io namespace): cpu, memory and pods are
 *     always checked, whatever the args say.
 *   Score: per configured resource r with weight w, alloc = allocatable[r]
 *     and req = node's non-zero requested + pod's non-zero request;
 *     resources with alloc == 0 are skipped (weight not counted), and so is
 *     "pods" (resource_allocation.go only knows cpu, memory,
 *     ephemeral-storage and scalar resources).  Then, by strategy:
 *     LeastAllocated: s_r = (req > alloc) ? 0 : (alloc - req) * 100 / alloc;
 *     MostAllocated: s_r = min(req, alloc) * 100 / alloc;
 *       node = sum(s_r * w) / sum(w) (integer division), 0 if sum(w) == 0.
 *     RequestedToCapacityRatio: shape scores (0..10) scaled by 10; util =
 *       100 if req > alloc, else req * 100 / alloc (exact, 128-bit); s_r =
 *       BrokenLinear(util); only s_r > 0 enter the mean; node =
 *       round(sum(s_r * w) / sum(w)) (half away from zero).
 *   Default args: scoringStrategy LeastAllocated, resources cpu:1, memory:1.
 */
#ifndef KS_NODERESOURCES_FIT_H
#define KS_NODERESOURCES_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "policies/k8s/helper.h"
#include "policies/plugin.h"
#include "sim/error.h"

/* Filter rejection reasons (ks_status.reasons bits). */
#define KS_FIT_TOO_MANY_PODS (1u << 0)
#define KS_FIT_INSUFFICIENT_CPU (1u << 1)
#define KS_FIT_INSUFFICIENT_MEMORY (1u << 2)
#define KS_FIT_INSUFFICIENT_EPHEMERAL_STORAGE (1u << 3)
#define KS_FIT_INSUFFICIENT_SCALAR (1u << 4) /* extended, hugepages, ... */

typedef enum ks_fit_strategy {
    KS_FIT_LEAST_ALLOCATED = 0,
    KS_FIT_MOST_ALLOCATED,
    KS_FIT_REQUESTED_TO_CAPACITY_RATIO
} ks_fit_strategy;

/* A valid shape has strictly increasing utilizations in 0..100
 * (validation_pluginargs.go validateFunctionShape), so at most 101 points. */
#define KS_FIT_MAX_SHAPE 101
/* config.MaxCustomPriorityScore: shape scores are given in 0..10. */
#define KS_FIT_MAX_CUSTOM_PRIORITY_SCORE 10

/* NodeResourcesFitArgs.  The string lists are borrowed: they must outlive
 * every use of the args (configuration storage owns them). */
typedef struct ks_fit_args {
    ks_fit_strategy strategy;
    int64_t weight[KS_RES_COUNT]; /* 0 = resource not listed (not scored) */
    /* RequestedToCapacityRatio shape as configured (scores 0..10). */
    ks_shape_point shape[KS_FIT_MAX_SHAPE];
    size_t nshape;
    const char *const *ignored_resources;
    size_t nignored_resources;
    const char *const *ignored_resource_groups;
    size_t nignored_resource_groups;
} ks_fit_args;

extern const ks_plugin ks_plugin_noderesources_fit;

/* The upstream validation of the args (ValidateNodeResourcesFitArgs): each
 * weight in 0..100 (0 standing for "not listed"; upstream rejects a listed
 * weight of 0), a known strategy and, for RequestedToCapacityRatio, 1 to
 * KS_FIT_MAX_SHAPE points with strictly increasing utilizations in 0..100
 * and scores in 0..10.  Returns 0 or KS_EINVAL with err filled. */
int ks_fit_args_validate(const ks_fit_args *args, ks_error *err);

/* True if the Filter skips resource `name` under these args: only an
 * extended resource (v1helper.IsExtendedResourceName) listed in
 * ignored_resources or whose prefix before '/' is in
 * ignored_resource_groups. */
int ks_fit_resource_ignored(const ks_fit_args *args, const char *name);

/* The upstream scorers over n resources: requested[i] and allocatable[i] in
 * base units, weight[i] >= 0 (0 = skip).  Resources with allocatable 0 are
 * skipped.  Allocation-free. */
int64_t ks_least_allocated_score(const int64_t *requested,
                                 const int64_t *allocatable,
                                 const int64_t *weight, int n);
int64_t ks_most_allocated_score(const int64_t *requested,
                                const int64_t *allocatable,
                                const int64_t *weight, int n);
/* shape: the scaled shape (scores 0..100), nshape >= 1. */
int64_t ks_requested_to_capacity_ratio_score(const int64_t *requested,
                                             const int64_t *allocatable,
                                             const int64_t *weight, int n,
                                             const ks_shape_point *shape,
                                             size_t nshape);

/* scaledUtilization: requested * max / capacity clamped to [0, max], exact
 * even where the product overflows int64; 0 when capacity or requested is
 * <= 0. */
int64_t ks_scaled_utilization(int64_t requested, int64_t capacity,
                              int64_t max);

/* Scales a configured shape (scores 0..10) to node scores (0..100) into out
 * (room for n points). */
void ks_fit_scale_shape(const ks_shape_point *in, size_t n,
                        ks_shape_point *out);

ks_status ks_fit_filter(const ks_plugin_call *call, const ks_node *node);
int64_t ks_fit_score(const ks_plugin_call *call, const ks_node *node);

#endif
