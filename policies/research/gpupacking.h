/* gpupacking.h - GpuPacking: shared GPUs first, then used nodes, then
 * empty nodes.
 *
 * The FGD paper's "GPU Packing" baseline (Weng et al., USENIX ATC '23),
 * re-implemented from the authors' simulator
 * (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/gpu_packing_score.go getPackingScore).  CPU-only
 * pods score 0.  For a GPU pod, with F the node's fully free GPUs:
 *   every GPU of the node free:        max(33 - F, F)
 *   otherwise the pod's GPUs are picked from the least free up (stable
 *   order), those with free >= m, until n are found; if k of them are
 *   fully free:                        max(50 - k, 33)
 *   if none is:                        max(100 - sum_i (g_i*100/1000) / 10, 50)
 *                                      (g_i the free milli of the GPUs
 *                                      picked, integer divisions)
 * A node where n such GPUs cannot be found scores 0 (the authors' error,
 * unreachable behind GpuShare).  No normalization.  GPUs inside the node:
 * the default best fit.
 */
#ifndef KS_GPUPACKING_H
#define KS_GPUPACKING_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_gpupacking;

/* The score of a pod asking n GPUs of m milli on a node whose GPUs have
 * free[0..gpus) milli free. */
int64_t ks_gpupacking_score(const uint16_t *free, unsigned gpus, unsigned n,
                            unsigned m);

#endif
