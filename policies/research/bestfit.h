/* bestfit.h - BestFit: the node left with the least CPU and GPU.
 *
 * The FGD paper's baseline (Weng et al., USENIX ATC '23, section 6),
 * re-implemented from the authors' simulator
 * (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/best_fit_score.go getBestFitScore, NormalizeScore in
 * plugin_utils.go; MaxSpecCpu = 128000 and MaxSpecGpu = 8000 from
 * pkg/type/open-gpu-share/utils/const.go):
 *     s   = (cpu_left - cpu) / 128000 * 0.5 + (G - n*m) / 8000 * 0.5
 *     raw = int((1 - s) * 100)
 * with cpu_left the node's allocatable minus requested CPU (actual
 * requests, as the authors' NodeResource), cpu the pod's non-zero CPU
 * request, G the node's free GPU milli, n*m the pod's total GPU milli.
 * A node lacking either scores raw 0 (the authors return an error that
 * the GpuShare and NodeResourcesFit filters make unreachable).  Then
 * NormalizeScore maps the raw scores of the feasible nodes linearly onto
 * 0..100 (min -> 0, max -> 100, integer division; all 0 when they are all
 * equal).  GPUs inside the node: the default best fit.
 */
#ifndef KS_BESTFIT_H
#define KS_BESTFIT_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_bestfit;

/* The raw score of a pod asking cpu milli CPU and gpu milli GPU in all on
 * a node with cpu_left and gpu_left free. */
int64_t ks_bestfit_raw(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                       int64_t gpu);

/* plugin_utils.go NormalizeScore: (s - min) * 100 / (max - min), or 0 for
 * all when max == min.  Shared with WorstFit. */
void ks_research_minmax_normalize(int64_t *scores, size_t n);

#endif
