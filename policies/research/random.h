/* random.h - Random: one feasible node, drawn uniformly.
 *
 * The FGD paper's "Random" baseline (Weng et al., USENIX ATC '23),
 * re-implemented from the authors' simulator
 * (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/random_score.go PreScore/Score;
 * open_gpu_share.go allocateGpuIdBasedOnRandomFit).
 * PreScore draws one of the feasible nodes uniformly from the run's
 * "plugins" random stream; it scores 100 and every other node 0.  At
 * Reserve a sharing pod takes a GPU drawn uniformly among the node's GPUs
 * with enough free milli; a whole-GPU pod takes the default (lowest-index
 * free GPUs, the authors' AllocateExclusiveGpuId).  Without a random
 * stream (tests, explain) the draws are replaced by the first choice: the
 * lowest-index feasible node, and the default GPU.
 */
#ifndef KS_RANDOM_H
#define KS_RANDOM_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_random;

#endif
