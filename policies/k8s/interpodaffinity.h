/* interpodaffinity.h - the InterPodAffinity plugin (PreFilter, Filter,
 * PreScore, Score, NormalizeScore), kept incrementally.
 *
 * Re-implements pkg/scheduler/framework/plugins/interpodaffinity
 * (plugin.go, filtering.go, scoring.go; Kubernetes v1.36, see the .c file
 * for the versions read):
 *   PreFilter: a pod whose affinity terms do not parse is rejected
 *     (UnschedulableAndUnresolvable, "parsing pod: ...").  Otherwise three
 *     topology-pair counts are built: existing pods' required anti-affinity
 *     terms matching the incoming pod, existing pods matching all the
 *     incoming pod's required affinity terms, existing pods matching each
 *     of its required anti-affinity terms.  Skip when the first count is
 *     empty and the pod has no required (anti-)affinity terms.  Pods added
 *     or removed after a successful PreFilter (the preemption what-if)
 *     update the three counts as upstream's PreFilterExtensions AddPod /
 *     RemovePod do, a pair falling to 0 counting as deleted.
 *   Filter, in this order:
 *     - every required affinity term needs its topology key on the node and
 *       a matching pod in the node's domain; the "first pod" exception
 *       passes when no pod anywhere matches and the pod matches all its own
 *       terms (UnschedulableAndUnresolvable, "node(s) didn't match pod
 *       affinity rules");
 *     - no pod matching one of the pod's required anti-affinity terms in
 *       the node's domain (Unschedulable, "node(s) didn't match pod
 *       anti-affinity rules");
 *     - no existing pod whose required anti-affinity term matches the pod
 *       in a domain of the node (Unschedulable, "node(s) didn't satisfy
 *       existing pods anti-affinity rules").
 *   PreScore: Skip when ignorePreferredTermsOfExistingPods is set and the
 *     pod has no preferred terms; Error when its terms do not parse; then a
 *     topologyKey -> value -> weight map: the pod's preferred affinity
 *     terms +weight and anti-affinity terms -weight per matching existing
 *     pod; each existing pod's required affinity terms matching the pod
 *     +hardPodAffinityWeight (when > 0), preferred affinity +weight,
 *     preferred anti-affinity -weight.  Skip when no term matched a pod on
 *     a node carrying the term's topology key.
 *   Score: sum over the map's keys of map[key][node's value].
 *   NormalizeScore: 100 * (s - min) / (max - min) in floating point,
 *     truncated; all 0 when max == min.
 *   Default weight 2 (default_plugins.go).
 *
 * Namespaces: a term's namespaces default to its pod's namespace (NULL =
 * "default") when it lists none and has no namespaceSelector; an empty
 * namespaceSelector selects every namespace.  A non-empty namespaceSelector
 * is matched against the namespace's labels: the ones given with
 * ks_ipa_set_namespace_labels, else only kubernetes.io/metadata.name=<name>
 * (the label the API server puts on every namespace).
 *
 * Ownership: the instance borrows the cluster's specs (which live as long
 * as the cluster) and copies the namespace labels it is given.
 */
#ifndef KS_INTERPODAFFINITY_H
#define KS_INTERPODAFFINITY_H

#include <stddef.h>
#include <stdint.h>

#include "policies/plugin.h"
#include "sim/error.h"

/* Rejection reasons (ks_status.reasons bits). */
/* ErrReasonAffinityRulesNotMatch */
#define KS_IPA_AFFINITY_MISMATCH (1u << 0)
/* ErrReasonAntiAffinityRulesNotMatch */
#define KS_IPA_ANTI_AFFINITY_MISMATCH (1u << 1)
/* ErrReasonExistingAntiAffinityRulesNotMatch */
#define KS_IPA_EXISTING_ANTI_AFFINITY (1u << 2)
/* "parsing pod: ..." (PreFilter) / "failed to parse pod: ..." (PreScore) */
#define KS_IPA_PARSE_ERROR (1u << 3)

/* InterPodAffinityArgs (defaults: 1, false). */
typedef struct ks_ipa_args {
    int32_t hard_pod_affinity_weight; /* 0..100 */
    int ignore_preferred_terms_of_existing_pods;
} ks_ipa_args;

extern const ks_plugin ks_plugin_interpodaffinity;

/* ValidateInterPodAffinityArgs: hardPodAffinityWeight in [0, 100].
 * Returns 0 or KS_EINVAL with err (may be NULL) filled. */
int ks_ipa_args_validate(const ks_ipa_args *args, ks_error *err);

/* Gives namespace ns the label set labels (copied), replacing the default
 * {kubernetes.io/metadata.name: ns}.  Counts that depend on namespace
 * labels are dropped and rebuilt when next needed. */
void ks_ipa_set_namespace_labels(void *instance, const char *ns,
                                 const ks_labels *labels);

/* ---- inspection (tests) ------------------------------------------------ */

/* The topology-pair maps of the last PreFilter (the first three) and of the
 * last PreScore. */
typedef enum ks_ipa_map {
    KS_IPA_MAP_EXISTING_ANTI = 0, /* existingAntiAffinityCounts */
    KS_IPA_MAP_AFFINITY,          /* affinityCounts */
    KS_IPA_MAP_ANTI_AFFINITY,     /* antiAffinityCounts */
    KS_IPA_MAP_SCORE,             /* topologyScore */
    KS_IPA_NMAPS
} ks_ipa_map;

/* The value of pair (key, value) in map, 0 when absent (*present, which
 * may be NULL, tells). */
int64_t ks_ipa_map_get(const void *instance, ks_ipa_map map, const char *key,
                       const char *value, int *present);
/* The number of pairs in map. */
size_t ks_ipa_map_size(const void *instance, ks_ipa_map map);
/* Calls fn for every pair of map, in no particular order.  The strings
 * belong to the instance. */
void ks_ipa_map_foreach(const void *instance, ks_ipa_map map,
                        void (*fn)(void *ctx, const char *key,
                                   const char *value, int64_t count),
                        void *ctx);
/* How many times a per-node count of pods matching a term was built by
 * scanning every bound pod (each then follows pod_added/pod_removed). */
size_t ks_ipa_signature_builds(const void *instance);

#endif
