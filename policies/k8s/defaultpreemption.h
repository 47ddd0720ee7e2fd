/* defaultpreemption.h - the DefaultPreemption PostFilter plugin.
 *
 * Re-implements pkg/scheduler/framework/plugins/defaultpreemption/
 * default_preemption.go and pkg/scheduler/framework/preemption/
 * preemption.go (Kubernetes v1.36): when no node passes the filters, find
 * nodes where deleting lower-priority pods would let the pod fit, choose
 * the minimal victims on each (reprieving the most important pods first),
 * pick one node by upstream's criteria, nominate it for the pod and return
 * the victims.  PodDisruptionBudgets come from the cluster (ks_pdb); the
 * nominated pods that upstream's filters add on a node are handled by the
 * scheduler's filter runs (sched/scheduler.c).
 */
#ifndef KS_DEFAULTPREEMPTION_H
#define KS_DEFAULTPREEMPTION_H

#include <stdint.h>

#include "policies/plugin.h"

/* DefaultPreemptionArgs (defaults 10 and 100). */
typedef struct ks_default_preemption_args {
    int32_t min_candidate_nodes_percentage;
    int32_t min_candidate_nodes_absolute;
} ks_default_preemption_args;

extern const ks_plugin ks_plugin_defaultpreemption;

/* calculateNumCandidates: n * percentage / 100, at least absolute, at most
 * n. */
int32_t ks_preemption_num_candidates(const ks_default_preemption_args *a,
                                     int32_t n);

/* MoreImportantPod: higher priority first, then the earlier start. */
int ks_preemption_more_important(const ks_pod *a, const ks_pod *b);

#endif
