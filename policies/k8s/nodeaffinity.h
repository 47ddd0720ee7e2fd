/* nodeaffinity.h - the NodeAffinity plugin (PreFilter, Filter, PreScore,
 * Score, NormalizeScore).
 *
 * Re-implements pkg/scheduler/framework/plugins/nodeaffinity/
 * node_affinity.go (Kubernetes v1.36 tree, commit 00d375050338) and the
 * matchers it uses from staging/src/k8s.io/component-helpers/scheduling/
 * corev1/nodeaffinity/nodeaffinity.go:
 *   PreFilter: Skip when the pod has no nodeSelector, no required node
 *     affinity and the args add no required affinity.  When every required
 *     term names nodes through matchFields metadata.name In and the names
 *     of all terms conflict, the pod is rejected (UnschedulableAndUnresolvable,
 *     "pod affinity terms conflict").
 *   Filter: the args' added required affinity first ("node(s) didn't match
 *     scheduler-enforced node affinity"), then the pod's nodeSelector pairs
 *     AND its required terms ("node(s) didn't match Pod's node
 *     affinity/selector"); both UnschedulableAndUnresolvable.  Terms are
 *     ORed; a term that is empty or does not parse (labels.NewRequirement's
 *     rules) matches nothing.
 *   PreScore: Skip when the pod has no preferred terms and the args add
 *     none; an Error when a pod's preferred term does not parse.
 *   Score: sum of the weights of the matching preferred terms (the pod's
 *     and the args' added ones; weight-0 and empty terms ignored).
 *   NormalizeScore: DefaultNormalizeScore(100, not reversed).
 *   Default weight 2 (default_plugins.go).
 *
 * Ownership: ks_nodeaffinity_args owns its added_affinity (free it with
 * ks_nodeaffinity_args_free); the plugin instance borrows the args, which
 * must outlive it.
 */
#ifndef KS_NODEAFFINITY_H
#define KS_NODEAFFINITY_H

#include "policies/plugin.h"
#include "sim/error.h"

/* Rejection reasons (ks_status.reasons bits). */
#define KS_NA_POD_MISMATCH (1u << 0)      /* ErrReasonPod */
#define KS_NA_ENFORCED_MISMATCH (1u << 1) /* errReasonEnforced */
#define KS_NA_CONFLICT (1u << 2)          /* errReasonConflict */

/* NodeAffinityArgs.  added_affinity.required (when has_required) is ANDed
 * on top of every pod's requirements; added_affinity.preferred is added to
 * every pod's preferred terms.  Zeroed = no added affinity (the default). */
typedef struct ks_nodeaffinity_args {
    ks_node_affinity added_affinity;
} ks_nodeaffinity_args;

extern const ks_plugin ks_plugin_nodeaffinity;

/* A new zeroed args struct (ks_xcalloc); the configuration loader fills
 * added_affinity.  Free with ks_nodeaffinity_args_destroy. */
ks_nodeaffinity_args *ks_nodeaffinity_args_create(void);
/* Frees what a (caller-owned) args struct holds and zeroes it. */
void ks_nodeaffinity_args_free(ks_nodeaffinity_args *a);
/* ks_nodeaffinity_args_free plus free(a); accepts NULL. */
void ks_nodeaffinity_args_destroy(ks_nodeaffinity_args *a);

/* ValidateNodeAffinityArgs: every non-empty added required term and every
 * added preferred term with a non-zero weight must parse.  Returns 0 or
 * KS_EINVAL with a message in err (may be NULL). */
int ks_nodeaffinity_args_validate(const ks_nodeaffinity_args *a,
                                  ks_error *err);

/* True if a node selector term parses as upstream's newNodeSelectorTerm
 * requires: keys are qualified names; In/NotIn have values, Exists and
 * DoesNotExist none, Gt/Lt exactly one integer; every value is a valid
 * label value; matchFields use In or NotIn with exactly one value.  An
 * empty term parses (and matches nothing).  PreScore needs the verdict
 * itself, not just a non-match: a pod preferred term that does not parse
 * is an Error. */
int ks_nodeaffinity_term_parses(const ks_node_selector_term *t);

/* The PreFilterResult of a pod's required terms (metadata.name In
 * matchFields).  Returns 0 when it does not narrow the nodes, 1 when only
 * the nodes for which ks_nodeaffinity_name_allowed is true are eligible,
 * -1 when the names conflict (no node can match).  spec may be NULL.
 * The framework ignores PreFilterResult for now; Filter gives the same
 * verdicts. */
int ks_nodeaffinity_name_result(const ks_pod_spec *spec);
int ks_nodeaffinity_name_allowed(const ks_pod_spec *spec,
                                 const char *node_name);

#endif
