/* gpushare.h - GpuShare: the GPU-sharing filter of the FGD experiment.
 *
 * The FGD paper's simulator (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/open_gpu_share.go) filters nodes for GPU pods: the
 * node's GPU model must be one the pod accepts, and the node must have
 * gpu_count GPUs with gpu_milli free each (sim/gpu.h).  Pods without GPUs
 * pass everywhere.  The GPUs a pod gets are chosen later, at Reserve (by
 * the score policy, or best fit by default).
 */
#ifndef KS_GPUSHARE_H
#define KS_GPUSHARE_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_gpushare;

/* Reasons (ks_status.reasons). */
#define KS_GPUSHARE_MODEL 1u     /* no GPU of an accepted model */
#define KS_GPUSHARE_INSUFFICIENT 2u

#endif
