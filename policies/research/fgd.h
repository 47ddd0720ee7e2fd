/* fgd.h - FGD: fragmentation gradient descent (score and GPU choice).
 *
 * Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
 * with Fragmentation Gradient Descent", USENIX ATC '23; re-implemented from
 * the authors' simulator (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/fgd_score.go: Score, calculateGpuShareFragExtendScore,
 * allocateGpuIdBasedOnFGDScore; plugin_utils.go: sigmoid).
 *
 * With F_N the node's fragment for the workload's typical pods
 * (sim/gpufrag.h):
 *     score = int(100 * sigmoid((F_N(before) - F_N(after)) / 1000))
 * where "after" is the node with the pod placed:
 *   - a sharing pod (1 GPU, m < 1000) is tried on every GPU i with
 *     free >= m (its CPU and m on GPU i subtracted); the highest score
 *     wins, the lowest index on ties, and that GPU is the pod's Reserve
 *     choice;
 *   - any other pod: its CPU subtracted and its GPUs taken from the GPUs
 *     with the least free milli that fit (NodeResource.Sub: stable
 *     ascending order); a node lacking CPU or GPU count for it is left as
 *     it is (score 50, as Sub's error is ignored there).  Its GPUs at
 *     Reserve are the default (lowest-index free ones, which is
 *     AllocateExclusiveGpuId for whole GPUs).
 * A pod requesting nothing scores 100; a node whose GPU model the pod does
 * not accept scores 0 (the authors return an error there; the GpuShare
 * filter removes such nodes first).  Without a workload (see
 * ks_fgd_set_workload) every node scores 0 and Reserve keeps the default.
 *
 * Scores are memoized per pod shape (CPU, m, n, models) and node usage
 * version, so a cycle recomputes only the nodes that changed since the
 * last pod of the same shape.
 */
#ifndef KS_FGD_H
#define KS_FGD_H

#include "policies/plugin.h"
#include "sim/gpufrag.h"

extern const ks_plugin ks_plugin_fgd;

/* Gives the plugin instance the run's typical pods (borrowed: w must
 * outlive the instance or be replaced; NULL removes it).  Forgets every
 * memoized score. */
void ks_fgd_set_workload(void *instance, const ks_frag_workload *w);

/* FGD's score of placing pod on a node state (cpu_left milli CPU left,
 * free[0..gpu_count) per-GPU free milli, model the node's GPU model id);
 * *gpu receives the GPU a sharing pod would take (-1 for other pods or
 * when none fits). */
int64_t ks_fgd_score_state(const ks_frag_workload *w, int64_t cpu_left,
                           const uint16_t *free, unsigned gpu_count,
                           int model, const ks_frag_pod *pod, int *gpu);

#endif
