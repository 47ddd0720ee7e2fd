/* objects.h - the Kubernetes object fields the scheduler reads.
 *
 * Plain C mirrors of the parts of core/v1 Pod and Node that scheduling
 * plugins consult: labels, label and node selectors, node affinity,
 * inter-pod affinity, taints and tolerations, host ports, container images
 * and topology spread constraints.  Field meanings and defaults follow
 * k8s.io/api/core/v1/types.go (Kubernetes v1.36); the matching rules live
 * here too, beside the types, because several plugins share them:
 *   - a toleration tolerates a taint (core/v1 helper ToleratesTaint),
 *   - a label selector matches labels (apimachinery labels.Selector),
 *   - a node selector term matches a node (component-helpers
 *     nodeaffinity: expressions ANDed, terms ORed, an empty term matches
 *     nothing; NotIn/DoesNotExist hold when the label is absent; Gt/Lt
 *     compare integers; matchFields supports metadata.name only).
 *
 * Ownership: every string and array inside these structs is owned by the
 * struct that holds it and released by the matching *_free function
 * (each accepts a zeroed struct).  Matching functions borrow their
 * arguments.
 */
#ifndef KS_OBJECTS_H
#define KS_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

/* ---- labels ------------------------------------------------------------ */

typedef struct ks_kv {
    char *key;
    char *value;
} ks_kv;

/* A label set, kept sorted by key (no duplicate keys). */
typedef struct ks_labels {
    ks_kv *items;
    size_t n;
} ks_labels;

/* Sets key=value (copies both), replacing an existing value. */
void ks_labels_set(ks_labels *l, const char *key, const char *value);
/* The value of key, or NULL if absent.  O(log n). */
const char *ks_labels_get(const ks_labels *l, const char *key);
void ks_labels_free(ks_labels *l);

/* ---- selectors ----------------------------------------------------------- */

typedef enum ks_selector_op {
    KS_OP_IN = 0,
    KS_OP_NOT_IN,
    KS_OP_EXISTS,
    KS_OP_DOES_NOT_EXIST,
    KS_OP_GT, /* node selectors only: label value > the single integer */
    KS_OP_LT
} ks_selector_op;

/* One requirement: key, operator, values (none for Exists and
 * DoesNotExist, exactly one integer for Gt and Lt). */
typedef struct ks_requirement {
    char *key;
    ks_selector_op op;
    char **values;
    size_t nvalues;
} ks_requirement;

/* metav1.LabelSelector: matchLabels and matchExpressions, ANDed.  An
 * empty selector (nothing set) matches everything; a NULL selector pointer
 * where a selector is optional matches nothing, as upstream. */
typedef struct ks_label_selector {
    ks_labels match_labels;
    ks_requirement *match_expressions;
    size_t nexpressions;
} ks_label_selector;

int ks_label_selector_matches(const ks_label_selector *sel,
                              const ks_labels *labels);
void ks_label_selector_free(ks_label_selector *sel);

/* v1.NodeSelectorTerm. */
typedef struct ks_node_selector_term {
    ks_requirement *match_expressions;
    size_t nexpressions;
    ks_requirement *match_fields; /* key must be metadata.name */
    size_t nfields;
} ks_node_selector_term;

/* v1.NodeSelector: terms ORed. */
typedef struct ks_node_selector {
    ks_node_selector_term *terms;
    size_t nterms;
} ks_node_selector;

/* True if every requirement of the term parses as upstream's
 * labels.NewRequirement and nodeSelectorRequirementsAsFieldSelector demand
 * (valid label key and values; In/NotIn with values, Exists/DoesNotExist
 * without, Gt/Lt with one integer; fields In/NotIn with one value).  An
 * unparseable term matches nothing. */
int ks_node_selector_term_parses(const ks_node_selector_term *t);

/* Matching of a term already known to parse: the per-node hot path, which
 * skips the validation.  An empty term matches nothing. */
int ks_node_selector_term_matches_parsed(const ks_node_selector_term *t,
                                         const ks_labels *node_labels,
                                         const char *node_name);

/* True if the term parses and matches a node with these labels and name.
 * An empty term (no expressions and no fields) matches nothing. */
int ks_node_selector_term_matches(const ks_node_selector_term *t,
                                  const ks_labels *node_labels,
                                  const char *node_name);
/* True if any term matches; a selector with no terms matches nothing. */
int ks_node_selector_matches(const ks_node_selector *s,
                             const ks_labels *node_labels,
                             const char *node_name);

void ks_requirement_free(ks_requirement *r);
void ks_node_selector_term_free(ks_node_selector_term *t);
void ks_node_selector_free(ks_node_selector *s);

/* ---- affinity -------------------------------------------------------------- */

typedef struct ks_preferred_term {
    int32_t weight; /* 1..100 */
    ks_node_selector_term term;
} ks_preferred_term;

typedef struct ks_node_affinity {
    int has_required;
    ks_node_selector required; /* requiredDuringSchedulingIgnoredDuringExecution */
    ks_preferred_term *preferred;
    size_t npreferred;
} ks_node_affinity;

/* v1.PodAffinityTerm. */
typedef struct ks_pod_affinity_term {
    int has_label_selector;
    ks_label_selector label_selector;
    char **namespaces;
    size_t nnamespaces;
    int has_namespace_selector;
    ks_label_selector namespace_selector;
    char *topology_key;
    char **match_label_keys;
    size_t nmatch_label_keys;
    char **mismatch_label_keys;
    size_t nmismatch_label_keys;
} ks_pod_affinity_term;

typedef struct ks_weighted_pod_affinity_term {
    int32_t weight; /* 1..100 */
    ks_pod_affinity_term term;
} ks_weighted_pod_affinity_term;

/* v1.PodAffinity or v1.PodAntiAffinity. */
typedef struct ks_pod_affinity {
    ks_pod_affinity_term *required;
    size_t nrequired;
    ks_weighted_pod_affinity_term *preferred;
    size_t npreferred;
} ks_pod_affinity;

void ks_node_affinity_free(ks_node_affinity *a);
void ks_pod_affinity_term_free(ks_pod_affinity_term *t);
void ks_pod_affinity_free(ks_pod_affinity *a);

/* ---- taints and tolerations ---------------------------------------------- */

typedef enum ks_taint_effect {
    KS_EFFECT_ALL = 0, /* toleration with empty effect: matches every effect */
    KS_EFFECT_NO_SCHEDULE,
    KS_EFFECT_PREFER_NO_SCHEDULE,
    KS_EFFECT_NO_EXECUTE
} ks_taint_effect;

typedef struct ks_taint {
    char *key;
    char *value; /* may be NULL (empty) */
    ks_taint_effect effect; /* never KS_EFFECT_ALL */
} ks_taint;

typedef enum ks_toleration_op {
    KS_TOLERATION_EQUAL = 0, /* also the empty operator */
    KS_TOLERATION_EXISTS
} ks_toleration_op;

typedef struct ks_toleration {
    char *key; /* NULL or "" with Exists: matches every key */
    ks_toleration_op op;
    char *value;
    ks_taint_effect effect;
    int has_seconds;
    int64_t toleration_seconds;
} ks_toleration;

/* core/v1 Toleration.ToleratesTaint: effects equal unless the toleration's
 * is empty; keys equal unless the toleration's is empty (then it must be
 * Exists); Exists matches any value, Equal requires equal values. */
int ks_toleration_tolerates(const ks_toleration *tol, const ks_taint *taint);
/* True if any toleration tolerates the taint. */
int ks_tolerations_tolerate(const ks_toleration *tols, size_t ntols,
                            const ks_taint *taint);
void ks_taint_free(ks_taint *t);
void ks_toleration_free(ks_toleration *t);
const char *ks_taint_effect_name(ks_taint_effect e);

/* ---- ports and images ------------------------------------------------------ */

typedef enum ks_protocol {
    KS_PROTO_TCP = 0,
    KS_PROTO_UDP,
    KS_PROTO_SCTP
} ks_protocol;

/* A container's hostPort (containers without one are not listed).  An
 * empty host_ip means 0.0.0.0. */
typedef struct ks_host_port {
    char *host_ip;
    ks_protocol protocol;
    int32_t port;
} ks_host_port;

/* NodePorts' conflict rule (framework/types.go HostPortInfo): same protocol
 * and port, and the IPs equal or either of them 0.0.0.0. */
int ks_host_ports_conflict(const ks_host_port *a, const ks_host_port *b);

/* An image present on a node: its names and size in bytes
 * (node.status.images). */
typedef struct ks_node_image {
    char **names;
    size_t nnames;
    int64_t size_bytes;
} ks_node_image;

/* Image-name normalization used by ImageLocality: an image without a tag or
 * digest gets ":latest".  Returns a new string (free with free()). */
char *ks_image_normalize(const char *image);

void ks_node_image_free(ks_node_image *img);

/* ---- topology spread ------------------------------------------------------- */

typedef enum ks_when_unsatisfiable {
    KS_DO_NOT_SCHEDULE = 0,
    KS_SCHEDULE_ANYWAY
} ks_when_unsatisfiable;

typedef enum ks_inclusion_policy {
    KS_POLICY_HONOR = 0,
    KS_POLICY_IGNORE
} ks_inclusion_policy;

typedef struct ks_topology_spread {
    int32_t max_skew;
    char *topology_key;
    ks_when_unsatisfiable when_unsatisfiable;
    int has_label_selector;
    ks_label_selector label_selector;
    int32_t min_domains; /* 0 = unset (1) */
    ks_inclusion_policy node_affinity_policy; /* default Honor */
    ks_inclusion_policy node_taints_policy;   /* default Ignore */
    char **match_label_keys;
    size_t nmatch_label_keys;
} ks_topology_spread;

void ks_topology_spread_free(ks_topology_spread *t);

/* ---- what a pod asks of the scheduler, what a node offers ----------------- */

/* The scheduling-relevant part of a pod's spec.  Many pods share one spec
 * (a generator's template, a Deployment's pod template); a pod's resource
 * requests stay on the pod (sim/cluster.h) because generators sample them
 * per pod.  Zeroed = a pod with no constraints at all. */
typedef struct ks_pod_spec {
    char *namespace_name;   /* NULL = "default" */
    ks_labels labels;
    int32_t priority;
    char *scheduler_name;   /* NULL = "default-scheduler" */
    char *node_name;        /* spec.nodeName, NULL if unset */
    ks_labels node_selector;
    ks_node_affinity node_affinity;
    ks_pod_affinity pod_affinity;
    ks_pod_affinity pod_anti_affinity;
    ks_toleration *tolerations;
    size_t ntolerations;
    ks_host_port *host_ports;
    size_t nhost_ports;
    char **images;          /* normalized, init containers then regular ones */
    size_t nimages;
    size_t ncontainers;     /* init + regular containers */
    ks_topology_spread *spread;
    size_t nspread;
    int preemption_never;   /* preemptionPolicy: Never */
} ks_pod_spec;

/* The scheduling-relevant part of a node: labels, taints, unschedulable
 * and the images it holds.  Zeroed = no labels, no taints. */
typedef struct ks_node_info {
    ks_labels labels;
    ks_taint *taints;
    size_t ntaints;
    int unschedulable;
    ks_node_image *images;
    size_t nimages;
} ks_node_info;

void ks_pod_spec_free(ks_pod_spec *spec);
void ks_node_info_free(ks_node_info *info);
/* Deep copy of src into a zeroed dst (free with ks_node_info_free). */
void ks_node_info_copy(ks_node_info *dst, const ks_node_info *src);

#endif
