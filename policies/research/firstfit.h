/* firstfit.h - FirstFit: the first feasible node in the cluster's order.
 *
 * The classic bin-packing heuristic (place each item in the first bin it
 * fits; Johnson, "Near-optimal bin packing algorithms", MIT 1973).  The
 * FGD authors' simulator (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/simulator/plugin/first_fit_score.go) scores every node 100 and
 * relies on its scheduler's smallest-name tie-break; ksim breaks ties at
 * random, so here PreScore finds the feasible node with the lowest index
 * (the order nodes were added) and it alone scores 100, every other node
 * 0.  GPUs inside the node: the default best fit.
 */
#ifndef KS_FIRSTFIT_H
#define KS_FIRSTFIT_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_firstfit;

#endif
