/* worstfit.h - WorstFit: the node left with the most CPU and GPU.
 *
 * The opposite of BestFit, as the FGD authors' simulator defines it
 * (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/worst_fit_score.go getWorstFitScore, NormalizeScore
 * in plugin_utils.go):
 *     raw = int((cpu_left - cpu) * 1 + (G - n*m) * 100)
 * (CPU in milli, GPU in milli: one GPU weighs as much as 100 cores), then
 * the same min-max NormalizeScore as BestFit over the feasible nodes.
 * cpu_left, cpu, G, n*m as in bestfit.h; a node lacking either scores raw
 * 0 (the authors' error case).  Not evaluated in the paper.  GPUs inside
 * the node: the default best fit.
 */
#ifndef KS_WORSTFIT_H
#define KS_WORSTFIT_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_worstfit;

/* The raw score (see above). */
int64_t ks_worstfit_raw(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                        int64_t gpu);

#endif
