/* gpuclustering.h - GpuClustering: pods of one GPU shape together.
 *
 * The FGD paper's "GPU Clustering" baseline (Weng et al., USENIX ATC '23),
 * re-implemented from the authors' simulator
 * (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/gpu_clustering_score.go Score;
 * pkg/type/open-gpu-share/utils/pod.go GetGpuAffinityFromPodAnnotation;
 * MaxSpecGpu = 8000 from utils/const.go).
 * A GPU pod's tag is "share-gpu" (1 GPU, m < 1000) or "<n>-gpu" (n whole
 * GPUs); a node's affinity is the set of tags of the pods bound to it.
 * With base = 25 * (8000 - G) / 8000 (integer arithmetic, G the node's free
 * GPU milli):
 *   the node hosts only the pod's tag            base + 75
 *   the node hosts the pod's tag and others      base + 50
 *   the node hosts no GPU pod                    base + 25
 *   the node hosts only other tags               base
 * CPU-only pods score 0 everywhere.  (A pod with n > 1 GPUs of m < 1000,
 * which the authors reject, gets a tag of its own.)  A score below 0 (only
 * for nodes beyond 8 GPUs) is raised to 0.  No normalization.  GPUs inside
 * the node: the default best fit.
 */
#ifndef KS_GPUCLUSTERING_H
#define KS_GPUCLUSTERING_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_gpuclustering;

/* The tag of a pod asking n GPUs of m milli, as a bit (0 for CPU-only). */
uint64_t ks_gpuclustering_tag(unsigned n, unsigned m);

/* The score of a pod with tag on a node whose pods' tags are the bit set
 * tags (CPU-only pods add none) and whose GPUs have gpu_left milli free. */
int64_t ks_gpuclustering_score(uint64_t tag, uint64_t tags, int64_t gpu_left);

#endif
