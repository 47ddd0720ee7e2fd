/* podtopologyspread.h - the PodTopologySpread plugin (PreFilter, Filter,
 * PreScore, Score, NormalizeScore), with counts kept incrementally.
 *
 * Re-implements pkg/scheduler/framework/plugins/podtopologyspread/
 * (common.go, filtering.go, scoring.go, plugin.go; Kubernetes v1.36, see
 * podtopologyspread.c for the commits read):
 *   Constraints: the pod's own topologySpreadConstraints of the action
 *     (DoNotSchedule for Filter, ScheduleAnyway for Score); matchLabelKeys
 *     values taken from the pod's labels are ANDed into the selector (only
 *     when the pod has a labelSelector); minDomains unset = 1,
 *     nodeAffinityPolicy and nodeTaintsPolicy as the constraint says.  A pod
 *     without constraints gets the default constraints (System: hostname
 *     maxSkew 3 and zone maxSkew 5, ScheduleAnyway; List: args) with the
 *     selector of the Services, ReplicationControllers, ReplicaSets and
 *     StatefulSets that select it -- ksim has none yet, so unless a selector
 *     source is installed (ks_pts_set_selector_source) default constraints
 *     yield no constraint at all.
 *   Counted pods: bound pods in the pod's namespace matching the selector
 *     (a selector without any requirement counts no pod, a missing one
 *     matches nothing); terminating pods do not count
 *     (ks_pts_pod_terminating).
 *   PreFilter: Skip without DoNotSchedule constraints; otherwise per
 *     constraint, the matching pods per domain over the nodes that carry
 *     every constraint's key and pass the constraint's inclusion policies.
 *   Filter: node lacks a key -> UnschedulableAndUnresolvable; skew =
 *     match(domain) + selfMatch - globalMin (0 when fewer domains than
 *     minDomains) > maxSkew -> Unschedulable.
 *   PreScore: Skip without ScheduleAnyway constraints; nodes lacking a key
 *     are ignored (score 0) unless the constraints are system defaults.
 *   Score: round(sum of count * ln(topoSize + 2) + maxSkew - 1).
 *   NormalizeScore: ignored nodes 0; max == 0 -> 100; else
 *     100 * (max + min - s) / max.
 *   Default weight 2 (default_plugins.go).
 *
 * Ownership: the args (and the default constraints they point to) are
 * borrowed and must outlive the instances.  An instance serves one cluster
 * at a time: its caches are rebuilt when called with another cluster.
 */
#ifndef KS_PODTOPOLOGYSPREAD_H
#define KS_PODTOPOLOGYSPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "policies/plugin.h"
#include "sim/error.h"

/* Rejection reasons (ks_status.reasons bits). */
/* ErrReasonConstraintsNotMatch, ErrReasonNodeLabelNotMatch */
#define KS_PTS_CONSTRAINTS_NOT_MATCH (1u << 0)
#define KS_PTS_NODE_LABEL_NOT_MATCH (1u << 1)

/* PodTopologySpreadArgs.defaultingType. */
typedef enum ks_pts_defaulting {
    KS_PTS_SYSTEM_DEFAULTING = 0, /* the default */
    KS_PTS_LIST_DEFAULTING
} ks_pts_defaulting;

/* PodTopologySpreadArgs.  default_constraints is borrowed (the
 * configuration owns it); with System defaulting it must be empty. */
typedef struct ks_pts_args {
    ks_pts_defaulting defaulting_type;
    const ks_topology_spread *default_constraints;
    size_t ndefault_constraints;
} ks_pts_args;

extern const ks_plugin ks_plugin_podtopologyspread;

/* ValidatePodTopologySpreadArgs: a known defaultingType, no default
 * constraints with System defaulting, and each default constraint with
 * maxSkew > 0, a non-empty valid label-name topologyKey, no labelSelector
 * and a (topologyKey, whenUnsatisfiable) pair not seen before.  Returns 0
 * or KS_EINVAL with a message in err (may be NULL). */
int ks_pts_args_validate(const ks_pts_args *args, ks_error *err);

/* Where default constraints get their selector (upstream's
 * helper.DefaultSelector over Services, RCs, RSs and StatefulSets): returns
 * the selector for pod (borrowed: valid until the call returns), or NULL
 * when nothing selects it.  No source installed = always NULL. */
typedef const ks_label_selector *(*ks_pts_selector_source)(
    void *ctx, const ks_cluster *c, const ks_pod *pod);
void ks_pts_set_selector_source(void *instance, ks_pts_selector_source fn,
                                void *ctx);

/* A bound pod started terminating (deletion in progress, still on its
 * node): countPodsMatchSelector stops counting it.  plugin.h has no hook
 * for this yet: the scheduler should call it where it sets
 * ks_pod.terminating.  Until then a terminating pod counts until it
 * leaves its node (pod_removed). */
void ks_pts_pod_terminating(void *instance, const ks_cluster *c, uint32_t pod);

/* ---- inspection (tests, explain) ---------------------------------------- */

/* The last PreFilter's state: its number of constraints, the number of
 * domains registered for constraint i (TpValueToMatchNum's size), the
 * matching pods in domain value (-1 if no eligible node has that value)
 * and the global minimum (INT32_MAX when no domain). */
size_t ks_pts_filter_nconstraints(const void *instance);
size_t ks_pts_filter_ndomains(const void *instance, size_t i);
int64_t ks_pts_filter_match_num(const void *instance, size_t i,
                                const char *value);
int64_t ks_pts_filter_min_match(const void *instance, size_t i);

/* The last PreScore's state: its number of constraints, whether node is
 * ignored, the weight ln(topoSize + 2) of constraint i, and the matching
 * pods counted for domain value (-1 if the value is not tracked;
 * hostname constraints track none), the number of tracked values. */
size_t ks_pts_score_nconstraints(const void *instance);
int ks_pts_score_ignored(const void *instance, uint32_t node);
double ks_pts_score_weight(const void *instance, size_t i);
size_t ks_pts_score_ndomains(const void *instance, size_t i); /* topoSize */
int64_t ks_pts_score_domain_count(const void *instance, size_t i,
                                  const char *value);

/* The incremental state against a full recount: every cached selector's
 * per-node counts must equal a count over the cluster's bound pods, and
 * its per-domain sums (those still current) the sums of those counts.
 * Returns 0, or -1 with the first difference in why.  O(pods * selectors):
 * for tests and --check. */
int ks_pts_check(const void *instance, const ks_cluster *c, char *why,
                 size_t why_size);
/* Number of cached selectors (signatures). */
size_t ks_pts_nsignatures(const void *instance);

#endif
