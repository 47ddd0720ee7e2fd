/* tainttoleration.h - the TaintToleration plugin (Filter, PreScore, Score,
 * NormalizeScore).
 *
 * Re-implements pkg/scheduler/framework/plugins/tainttoleration/
 * taint_toleration.go (Kubernetes v1.36; read at the v1.35+ tree whose
 * test is commit 04c0d74f8e8b):
 *   Filter: the first node taint with effect NoSchedule or NoExecute that
 *     none of the pod's tolerations tolerates (component-helpers
 *     FindMatchingUntoleratedTaint, taints in node order) rejects the node
 *     as UnschedulableAndUnresolvable.  Message since v1.35 (kubernetes PR
 *     #134740): "node(s) had untolerated taint(s)"; up to v1.34.0:
 *     "node(s) had untolerated taint {key: value}".
 *   PreScore: keeps the pod's tolerations whose effect is empty or
 *     PreferNoSchedule; never returns Skip (upstream has no Skip here).
 *   Score: the number of the node's PreferNoSchedule taints that none of
 *     those tolerations tolerates.
 *   NormalizeScore: DefaultNormalizeScore(100, reverse) - fewer untolerated
 *     taints score higher, none at all scores 100.
 *   Default weight 3 (default_plugins.go).  No args.
 *
 * Not modelled: the alpha toleration operators Gt/Lt (feature gate
 * TaintTolerationComparisonOperators, off by default), which
 * ks_toleration_op cannot express.
 */
#ifndef KS_TAINTTOLERATION_H
#define KS_TAINTTOLERATION_H

#include "policies/plugin.h"

/* Filter rejection reason (ks_status.reasons bit). */
#define KS_TAINT_UNTOLERATED (1u << 0)

extern const ks_plugin ks_plugin_tainttoleration;

/* Instance: PreScore's toleration list and the Filter message buffer.
 * Owned by the caller; ks_taint_toleration_destroy accepts NULL. */
void *ks_taint_toleration_create(const void *args);
void ks_taint_toleration_destroy(void *instance);

ks_status ks_taint_toleration_filter(const ks_plugin_call *call,
                                     const ks_node *node);
ks_status ks_taint_toleration_pre_score(const ks_plugin_call *call,
                                        const uint32_t *nodes, size_t n);
int64_t ks_taint_toleration_score(const ks_plugin_call *call,
                                  const ks_node *node);
void ks_taint_toleration_normalize(const ks_plugin_call *call,
                                   int64_t *scores, size_t n);

#endif
