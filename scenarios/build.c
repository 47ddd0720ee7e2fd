/* build.c - cluster state from Kubernetes manifests: nodes, pods, PDBs,
 * DaemonSet pods and the default selectors of PodTopologySpread.
 *
 * Upstream sources read (re-implemented, never copied):
 *   - pkg/controller/daemon/daemon_controller.go (commit 0033f658085b, and a
 *     newer copy with the same NodeShouldRunDaemonPod, predicates and
 *     NewPod): the node choice and the pods syncNodes creates;
 *   - pkg/controller/daemon/util/daemonset_util.go (commit 05c351a9037b):
 *     AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNode-
 *     Affinity, GetTargetNodeName;
 *   - pkg/apis/core/v1/helper/helpers.go AddOrUpdateTolerationInPodSpec and
 *     core/v1 Toleration.MatchToleration;
 *   - pkg/scheduler/framework/plugins/helper/spread.go (commit
 *     2e0908106e44): DefaultSelector, GetPodServices; and
 *     podtopologyspread/common.go buildDefaultConstraints for how it is
 *     used (an empty selector gives no constraint).
 */
#include "scenarios/build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/podtopologyspread.h"
#include "sim/xalloc.h"

/* Fills v from a list of (name, amount); names are registered as
 * resources.  Returns the name that did not fit, or NULL. */
static const char *fill_vector(int64_t v[KS_RES_COUNT],
                               const ks_resource_amount *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int r = ks_resource_intern(list[i].name);
        if (r < 0)
            return list[i].name;
        v[r] = list[i].value;
    }
    return NULL;
}

int ks_build_node_allocatable(const ks_manifest_node *mn,
                              int64_t alloc[KS_RES_COUNT], ks_error *err)
{
    memset(alloc, 0, KS_RES_COUNT * sizeof *alloc);
    const char *bad = fill_vector(alloc, mn->allocatable, mn->nallocatable);
    if (bad)
        return ks_error_set(err, KS_ERANGE, mn->file, mn->line, mn->col,
                            "node %s: cannot track resource %s (more "
                            "than %d resource names in the run)",
                            mn->name, bad, KS_RES_COUNT);
    return 0;
}

int ks_build_nodes(ks_cluster *c, const ks_manifests *m, uint32_t pool,
                   ks_error *err)
{
    for (size_t i = 0; i < m->nnodes; i++) {
        const ks_manifest_node *mn = &m->nodes[i];
        int64_t alloc[KS_RES_COUNT];
        int rc = ks_build_node_allocatable(mn, alloc, err);
        if (rc)
            return rc;
        uint32_t n = ks_cluster_add_node(c, mn->name, alloc, pool);
        /* The cluster takes its own copy of the descriptive part. */
        ks_node_info info;
        ks_node_info_copy(&info, &mn->info);
        ks_cluster_set_node_info(c, n, &info);
    }
    return 0;
}

void ks_build_pdbs(ks_cluster *c, const ks_manifests *m)
{
    for (size_t i = 0; i < m->npdbs; i++) {
        const ks_manifest_pdb *mp = &m->pdbs[i];
        ks_pdb b = {
            .namespace_name = mp->namespace_name,
            .selector = mp->has_selector ? &mp->selector : NULL,
            .min_available_set = mp->min_available.set,
            .min_available_percent = mp->min_available.is_percent,
            .min_available = mp->min_available.value,
            .max_unavailable_set = mp->max_unavailable.set,
            .max_unavailable_percent = mp->max_unavailable.is_percent,
            .max_unavailable = mp->max_unavailable.value,
        };
        ks_cluster_add_pdb(c, &b);
    }
}

uint32_t ks_build_find_node(const ks_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i].name, name) == 0)
            return (uint32_t)i;
    return KS_NO_NODE;
}

uint32_t ks_build_pod(ks_cluster *c, const ks_manifest_pod *mp, ks_time now,
                      uint32_t source, uint32_t ordinal, ks_error *err)
{
    int64_t req[KS_RES_COUNT];
    for (int r = 0; r < KS_RES_COUNT; r++)
        req[r] = 0;
    const char *bad = fill_vector(req, mp->requests, mp->nrequests);
    if (bad) {
        ks_error_set(err, KS_ERANGE, mp->file, mp->line, mp->col,
                     "pod %s: cannot track resource %s (more than %d "
                     "resource names in the run)",
                     mp->name ? mp->name : "(template)", bad, KS_RES_COUNT);
        return KS_NO_POD;
    }
    /* Runs until the end of the run: there are no controllers yet to
     * finish it (issue 6). */
    uint32_t p = ks_cluster_add_pod(c, now, req, KS_TIME_NEVER, source,
                                    ordinal);
    ks_pod *pod = &c->pods[p];
    /* The scheduler's non-zero view is per container (100m / 200Mi for
     * each container without a request), as the manifest loader computed
     * it. */
    pod->nonzero_request[KS_RES_CPU] = ks_resource_amount_get(
        mp->nonzero_requests, mp->nnonzero_requests, "cpu", 0);
    pod->nonzero_request[KS_RES_MEMORY] = ks_resource_amount_get(
        mp->nonzero_requests, mp->nnonzero_requests, "memory", 0);
    pod->spec = mp->spec;
    if (mp->name) {
        const char *ns = mp->spec && mp->spec->namespace_name
                             ? mp->spec->namespace_name
                             : "default";
        pod->name = ks_cluster_keep_string(c, ks_xasprintf("%s/%s", ns,
                                                           mp->name));
    }
    pod->priority = mp->spec ? mp->spec->priority : mp->priority;
    return p;
}

/* ---- deep copies of a pod spec ------------------------------------------ */

static char *dup_or_null(const char *s)
{
    return s ? ks_xstrdup(s) : NULL;
}

static char **dup_strings(char *const *v, size_t n)
{
    if (!n)
        return NULL;
    char **out = ks_xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = dup_or_null(v[i]);
    return out;
}

static void copy_labels(ks_labels *dst, const ks_labels *src)
{
    for (size_t i = 0; i < src->n; i++)
        ks_labels_set(dst, src->items[i].key, src->items[i].value);
}

static void copy_requirements(ks_requirement **dst, size_t *ndst,
                              const ks_requirement *src, size_t n)
{
    *ndst = n;
    *dst = n ? ks_xcalloc(n, sizeof **dst) : NULL;
    for (size_t i = 0; i < n; i++) {
        (*dst)[i].key = dup_or_null(src[i].key);
        (*dst)[i].op = src[i].op;
        (*dst)[i].values = dup_strings(src[i].values, src[i].nvalues);
        (*dst)[i].nvalues = src[i].nvalues;
    }
}

static void copy_selector(ks_label_selector *dst, const ks_label_selector *src)
{
    copy_labels(&dst->match_labels, &src->match_labels);
    copy_requirements(&dst->match_expressions, &dst->nexpressions,
                      src->match_expressions, src->nexpressions);
}

static void copy_term(ks_node_selector_term *dst,
                      const ks_node_selector_term *src)
{
    copy_requirements(&dst->match_expressions, &dst->nexpressions,
                      src->match_expressions, src->nexpressions);
    copy_requirements(&dst->match_fields, &dst->nfields, src->match_fields,
                      src->nfields);
}

static void copy_node_affinity(ks_node_affinity *dst,
                               const ks_node_affinity *src)
{
    dst->has_required = src->has_required;
    dst->required.nterms = src->required.nterms;
    if (src->required.nterms)
        dst->required.terms = ks_xcalloc(src->required.nterms,
                                         sizeof *dst->required.terms);
    for (size_t i = 0; i < src->required.nterms; i++)
        copy_term(&dst->required.terms[i], &src->required.terms[i]);
    dst->npreferred = src->npreferred;
    if (src->npreferred)
        dst->preferred = ks_xcalloc(src->npreferred, sizeof *dst->preferred);
    for (size_t i = 0; i < src->npreferred; i++) {
        dst->preferred[i].weight = src->preferred[i].weight;
        copy_term(&dst->preferred[i].term, &src->preferred[i].term);
    }
}

static void copy_pod_affinity_term(ks_pod_affinity_term *dst,
                                   const ks_pod_affinity_term *src)
{
    dst->has_label_selector = src->has_label_selector;
    copy_selector(&dst->label_selector, &src->label_selector);
    dst->namespaces = dup_strings(src->namespaces, src->nnamespaces);
    dst->nnamespaces = src->nnamespaces;
    dst->has_namespace_selector = src->has_namespace_selector;
    copy_selector(&dst->namespace_selector, &src->namespace_selector);
    dst->topology_key = dup_or_null(src->topology_key);
    dst->match_label_keys = dup_strings(src->match_label_keys,
                                        src->nmatch_label_keys);
    dst->nmatch_label_keys = src->nmatch_label_keys;
    dst->mismatch_label_keys = dup_strings(src->mismatch_label_keys,
                                           src->nmismatch_label_keys);
    dst->nmismatch_label_keys = src->nmismatch_label_keys;
}

static void copy_pod_affinity(ks_pod_affinity *dst, const ks_pod_affinity *src)
{
    dst->nrequired = src->nrequired;
    if (src->nrequired)
        dst->required = ks_xcalloc(src->nrequired, sizeof *dst->required);
    for (size_t i = 0; i < src->nrequired; i++)
        copy_pod_affinity_term(&dst->required[i], &src->required[i]);
    dst->npreferred = src->npreferred;
    if (src->npreferred)
        dst->preferred = ks_xcalloc(src->npreferred, sizeof *dst->preferred);
    for (size_t i = 0; i < src->npreferred; i++) {
        dst->preferred[i].weight = src->preferred[i].weight;
        copy_pod_affinity_term(&dst->preferred[i].term,
                               &src->preferred[i].term);
    }
}

static void copy_toleration(ks_toleration *dst, const ks_toleration *src)
{
    *dst = *src;
    dst->key = dup_or_null(src->key);
    dst->value = dup_or_null(src->value);
}

static void copy_spread(ks_topology_spread *dst, const ks_topology_spread *src)
{
    *dst = (ks_topology_spread){0};
    dst->max_skew = src->max_skew;
    dst->topology_key = dup_or_null(src->topology_key);
    dst->when_unsatisfiable = src->when_unsatisfiable;
    dst->has_label_selector = src->has_label_selector;
    copy_selector(&dst->label_selector, &src->label_selector);
    dst->min_domains = src->min_domains;
    dst->node_affinity_policy = src->node_affinity_policy;
    dst->node_taints_policy = src->node_taints_policy;
    dst->match_label_keys = dup_strings(src->match_label_keys,
                                        src->nmatch_label_keys);
    dst->nmatch_label_keys = src->nmatch_label_keys;
}

/* A deep copy of src (free with ks_pod_spec_free). */
static ks_pod_spec *spec_copy(const ks_pod_spec *src)
{
    ks_pod_spec *dst = ks_xcalloc(1, sizeof *dst);
    dst->namespace_name = dup_or_null(src->namespace_name);
    copy_labels(&dst->labels, &src->labels);
    dst->priority = src->priority;
    dst->scheduler_name = dup_or_null(src->scheduler_name);
    dst->node_name = dup_or_null(src->node_name);
    copy_labels(&dst->node_selector, &src->node_selector);
    copy_node_affinity(&dst->node_affinity, &src->node_affinity);
    copy_pod_affinity(&dst->pod_affinity, &src->pod_affinity);
    copy_pod_affinity(&dst->pod_anti_affinity, &src->pod_anti_affinity);
    dst->ntolerations = src->ntolerations;
    if (src->ntolerations)
        dst->tolerations = ks_xcalloc(src->ntolerations,
                                      sizeof *dst->tolerations);
    for (size_t i = 0; i < src->ntolerations; i++)
        copy_toleration(&dst->tolerations[i], &src->tolerations[i]);
    dst->nhost_ports = src->nhost_ports;
    if (src->nhost_ports)
        dst->host_ports = ks_xcalloc(src->nhost_ports,
                                     sizeof *dst->host_ports);
    for (size_t i = 0; i < src->nhost_ports; i++) {
        dst->host_ports[i] = src->host_ports[i];
        dst->host_ports[i].host_ip = dup_or_null(src->host_ports[i].host_ip);
    }
    dst->images = dup_strings(src->images, src->nimages);
    dst->nimages = src->nimages;
    dst->ncontainers = src->ncontainers;
    dst->nspread = src->nspread;
    if (src->nspread)
        dst->spread = ks_xcalloc(src->nspread, sizeof *dst->spread);
    for (size_t i = 0; i < src->nspread; i++)
        copy_spread(&dst->spread[i], &src->spread[i]);
    dst->preemption_never = src->preemption_never;
    return dst;
}

/* ---- DaemonSets ---------------------------------------------------------- */

/* The tolerations AddOrUpdateDaemonPodTolerations adds, in its order (the
 * last only with hostNetwork). */
typedef struct daemon_toleration {
    const char *key;
    ks_taint_effect effect;
} daemon_toleration;

static const daemon_toleration daemon_tolerations[] = {
    {"node.kubernetes.io/not-ready", KS_EFFECT_NO_EXECUTE},
    {"node.kubernetes.io/unreachable", KS_EFFECT_NO_EXECUTE},
    {"node.kubernetes.io/disk-pressure", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/memory-pressure", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/pid-pressure", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/unschedulable", KS_EFFECT_NO_SCHEDULE},
    {"node.kubernetes.io/network-unavailable", KS_EFFECT_NO_SCHEDULE},
};
#define NDAEMON_TOLERATIONS                                                    \
    (sizeof daemon_tolerations / sizeof daemon_tolerations[0])

static int str_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Toleration.MatchToleration against an Exists toleration of key/effect:
 * same key, operator, value and effect (tolerationSeconds aside).  The
 * loader stores "" and "Equal" alike; neither is Exists, so this holds. */
static int matches_daemon(const ks_toleration *t, const daemon_toleration *d)
{
    return t->op == KS_TOLERATION_EXISTS && str_eq(t->key, d->key) &&
           str_eq(t->value, NULL) && t->effect == d->effect;
}

/* AddOrUpdateTolerationInPodSpec for daemon toleration d: if a matching
 * toleration is already equal (no tolerationSeconds), nothing changes;
 * otherwise every matching one becomes d, and d is appended when none
 * matched. */
static void add_or_update(ks_pod_spec *spec, const daemon_toleration *d)
{
    int matched = 0;
    for (size_t i = 0; i < spec->ntolerations; i++) {
        const ks_toleration *t = &spec->tolerations[i];
        if (!matches_daemon(t, d))
            continue;
        if (!t->has_seconds)
            return; /* Semantic.DeepEqual: spec unchanged */
        matched = 1;
    }
    if (matched) {
        for (size_t i = 0; i < spec->ntolerations; i++)
            if (matches_daemon(&spec->tolerations[i], d)) {
                spec->tolerations[i].has_seconds = 0;
                spec->tolerations[i].toleration_seconds = 0;
            }
        return;
    }
    spec->tolerations = ks_xrealloc(spec->tolerations,
                                    (spec->ntolerations + 1) *
                                        sizeof *spec->tolerations);
    spec->tolerations[spec->ntolerations++] = (ks_toleration){
        .key = ks_xstrdup(d->key),
        .op = KS_TOLERATION_EXISTS,
        .effect = d->effect,
    };
}

static void add_daemon_tolerations(ks_pod_spec *spec, int host_network)
{
    size_t n = NDAEMON_TOLERATIONS - (host_network ? 0 : 1);
    for (size_t i = 0; i < n; i++)
        add_or_update(spec, &daemon_tolerations[i]);
}

/* predicates' taint check: no NoSchedule or NoExecute taint of the node
 * left untolerated by the pod's tolerations (the template's plus the
 * daemon ones, which only ever add or widen). */
static int fits_taints(const ks_node_info *info, const ks_pod_spec *spec,
                       int host_network)
{
    for (size_t i = 0; i < info->ntaints; i++) {
        const ks_taint *taint = &info->taints[i];
        if (taint->effect != KS_EFFECT_NO_SCHEDULE &&
            taint->effect != KS_EFFECT_NO_EXECUTE)
            continue;
        if (ks_tolerations_tolerate(spec->tolerations, spec->ntolerations,
                                    taint))
            continue;
        int daemon = 0;
        size_t n = NDAEMON_TOLERATIONS - (host_network ? 0 : 1);
        for (size_t d = 0; d < n && !daemon; d++) {
            const ks_toleration t = {
                .key = (char *)daemon_tolerations[d].key,
                .op = KS_TOLERATION_EXISTS,
                .effect = daemon_tolerations[d].effect,
            };
            daemon = ks_toleration_tolerates(&t, taint);
        }
        if (!daemon)
            return 0;
    }
    return 1;
}

/* GetRequiredNodeAffinity(pod).Match(node): nodeSelector pairs, then the
 * required terms (ORed; parse errors ignored, so such a term matches
 * nothing). */
static int fits_node_affinity(const ks_cluster *c, uint32_t node,
                              const ks_pod_spec *spec)
{
    const ks_labels *labels = &c->node_info[node].labels;
    for (size_t i = 0; i < spec->node_selector.n; i++) {
        const char *v = ks_labels_get(labels, spec->node_selector.items[i].key);
        if (!v || strcmp(v, spec->node_selector.items[i].value) != 0)
            return 0;
    }
    if (!spec->node_affinity.has_required)
        return 1;
    return ks_node_selector_matches(&spec->node_affinity.required, labels,
                                    c->nodes[node].name);
}

int ks_build_daemon_should_run(const ks_cluster *c, uint32_t node,
                               const ks_manifest_template *t)
{
    const ks_pod_spec *spec = t->pod.spec;
    if (!spec)
        return 0;
    if (spec->node_name && strcmp(spec->node_name, c->nodes[node].name) != 0)
        return 0;
    return fits_node_affinity(c, node, spec) &&
           fits_taints(&c->node_info[node], spec, t->pod.host_network);
}

ks_pod_spec *ks_build_daemon_spec(const ks_manifest_template *t,
                                  const char *node_name)
{
    ks_pod_spec *spec = spec_copy(t->pod.spec);
    add_daemon_tolerations(spec, t->pod.host_network);
    /* ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become
     * one matchFields term naming the node. */
    ks_node_selector_free(&spec->node_affinity.required);
    ks_node_selector_term *term = ks_xcalloc(1, sizeof *term);
    term->match_fields = ks_xcalloc(1, sizeof *term->match_fields);
    term->nfields = 1;
    term->match_fields[0].key = ks_xstrdup("metadata.name");
    term->match_fields[0].op = KS_OP_IN;
    term->match_fields[0].values = ks_xcalloc(1, sizeof(char *));
    term->match_fields[0].values[0] = ks_xstrdup(node_name);
    term->match_fields[0].nvalues = 1;
    spec->node_affinity.required.terms = term;
    spec->node_affinity.required.nterms = 1;
    spec->node_affinity.has_required = 1;
    return spec;
}

static int same_ns(const char *a, const char *b)
{
    return strcmp(a ? a : "default", b ? b : "default") == 0;
}

/* GetTargetNodeName: spec.nodeName, else the single value of the first
 * matchFields metadata.name In requirement of the required terms. */
static const char *target_node(const ks_pod_spec *spec)
{
    if (spec->node_name)
        return spec->node_name;
    const ks_node_selector *req = &spec->node_affinity.required;
    if (!spec->node_affinity.has_required)
        return NULL;
    for (size_t i = 0; i < req->nterms; i++)
        for (size_t j = 0; j < req->terms[i].nfields; j++) {
            const ks_requirement *r = &req->terms[i].match_fields[j];
            if (r->key && strcmp(r->key, "metadata.name") == 0 &&
                r->op == KS_OP_IN)
                return r->nvalues == 1 ? r->values[0] : NULL;
        }
    return NULL;
}

static int is_terminal(const ks_manifest_pod *mp)
{
    return mp->phase && (strcmp(mp->phase, "Succeeded") == 0 ||
                         strcmp(mp->phase, "Failed") == 0);
}

/* Marks the nodes where a live pod of m owned by DaemonSet t runs or is
 * headed (getNodesToDaemonPods). */
static void mark_daemon_nodes(const ks_cluster *c, const ks_manifests *m,
                              const ks_manifest_template *t, uint8_t *has)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->npods; i++) {
        const ks_manifest_pod *mp = &m->pods[i];
        if (!mp->spec || is_terminal(mp) || !mp->owner_kind ||
            strcmp(mp->owner_kind, "DaemonSet") != 0 ||
            strcmp(mp->owner_name, t->name) != 0 ||
            !same_ns(mp->spec->namespace_name, t->namespace_name))
            continue;
        const char *name = target_node(mp->spec);
        uint32_t n = name ? ks_build_find_node(c, name) : KS_NO_NODE;
        if (n != KS_NO_NODE)
            has[n] = 1;
    }
}

int ks_build_daemon_pods(ks_cluster *c, const ks_manifests *m,
                         const ks_manifest_template *t, ks_build_pod_fn add,
                         void *ctx)
{
    size_t nnodes = c->nnodes;
    uint8_t *has = ks_xcalloc(nnodes ? nnodes : 1, 1);
    mark_daemon_nodes(c, m, t, has);
    int made = 0, rc = 0;
    for (size_t n = 0; n < nnodes && !rc; n++) {
        if (has[n] || !ks_build_daemon_should_run(c, (uint32_t)n, t))
            continue;
        ks_pod_spec *spec = ks_build_daemon_spec(t, c->nodes[n].name);
        ks_cluster_adopt_spec(c, spec);
        ks_manifest_pod view = t->pod;
        view.spec = spec;
        view.name = ks_xasprintf("%s-%s", t->name, c->nodes[n].name);
        view.node_name = spec->node_name;
        view.owner_api_version = "apps/v1";
        view.owner_kind = "DaemonSet";
        view.owner_name = t->name;
        rc = add(ctx, &view);
        free(view.name);
        if (!rc)
            made++;
    }
    free(has);
    return rc ? rc : made;
}

/* ---- default selectors -------------------------------------------------- */

typedef enum owner_type {
    OWNER_NONE = 0,
    OWNER_REF,     /* a manifest pod's controller ownerReference */
    OWNER_TEMPLATE /* the workload template that stamps the pods out */
} owner_type;

typedef struct entry {
    const ks_pod_spec *spec;
    owner_type owner;
    char *api, *kind, *name;          /* OWNER_REF */
    const ks_manifest_template *tmpl; /* OWNER_TEMPLATE */
    int computed;
    int empty; /* no requirement: no default constraint */
    ks_label_selector sel;
} entry;

/* A workload template by (kind, namespace, name), for owner lookups. */
typedef struct keyed_template {
    const char *kind, *ns, *name;
    const ks_manifest_template *t;
} keyed_template;

struct ks_default_selectors {
    const ks_manifests *m;
    entry *entries;
    size_t n, cap;
    int32_t *table; /* open addressing by spec address, -1 = free */
    size_t table_cap;
    keyed_template *index; /* sorted, built on first lookup */
    size_t nindex;
    int indexed;
};

ks_default_selectors *ks_default_selectors_create(const ks_manifests *m)
{
    ks_default_selectors *d = ks_xcalloc(1, sizeof *d);
    d->m = m;
    return d;
}

void ks_default_selectors_destroy(ks_default_selectors *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        entry *e = &d->entries[i];
        free(e->api);
        free(e->kind);
        free(e->name);
        ks_label_selector_free(&e->sel);
    }
    free(d->entries);
    free(d->table);
    free(d->index);
    free(d);
}

static size_t hash_ptr(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h;
}

static void table_insert(ks_default_selectors *d, size_t idx)
{
    size_t mask = d->table_cap - 1;
    size_t i = hash_ptr(d->entries[idx].spec) & mask;
    while (d->table[i] >= 0)
        i = (i + 1) & mask;
    d->table[i] = (int32_t)idx;
}

static entry *find_entry(const ks_default_selectors *d,
                         const ks_pod_spec *spec)
{
    if (!d->table_cap)
        return NULL;
    size_t mask = d->table_cap - 1;
    for (size_t i = hash_ptr(spec) & mask; d->table[i] >= 0;
         i = (i + 1) & mask)
        if (d->entries[d->table[i]].spec == spec)
            return &d->entries[d->table[i]];
    return NULL;
}

/* A new entry for spec, or NULL when spec is NULL or already known. */
static entry *new_entry(ks_default_selectors *d, const ks_pod_spec *spec)
{
    if (!spec || find_entry(d, spec))
        return NULL;
    if (d->n == d->cap)
        d->entries = ks_xgrow(d->entries, &d->cap, d->n + 1,
                              sizeof *d->entries);
    entry *e = &d->entries[d->n++];
    memset(e, 0, sizeof *e);
    e->spec = spec;
    if (2 * d->n > d->table_cap) {
        size_t cap = 16;
        while (cap < 4 * d->n)
            cap *= 2;
        free(d->table);
        d->table = ks_xmalloc(cap * sizeof *d->table);
        for (size_t i = 0; i < cap; i++)
            d->table[i] = -1;
        d->table_cap = cap;
        for (size_t i = 0; i < d->n; i++)
            table_insert(d, i);
    } else {
        table_insert(d, d->n - 1);
    }
    return e;
}

void ks_default_selectors_add_pod(ks_default_selectors *d,
                                  const ks_pod_spec *spec,
                                  const char *owner_api_version,
                                  const char *owner_kind,
                                  const char *owner_name)
{
    entry *e = new_entry(d, spec);
    if (!e || !owner_kind || !owner_name)
        return;
    e->owner = OWNER_REF;
    e->api = dup_or_null(owner_api_version);
    e->kind = ks_xstrdup(owner_kind);
    e->name = ks_xstrdup(owner_name);
}

void ks_default_selectors_add_template(ks_default_selectors *d,
                                       const ks_manifest_template *t)
{
    entry *e = new_entry(d, t->pod.spec);
    if (!e)
        return;
    e->owner = OWNER_TEMPLATE;
    e->tmpl = t;
}

static int cmp_keyed_template(const void *pa, const void *pb)
{
    const keyed_template *a = pa, *b = pb;
    int c = strcmp(a->kind, b->kind);
    if (!c)
        c = strcmp(a->ns, b->ns);
    return c ? c : strcmp(a->name, b->name);
}

/* The lister's Get: the template of kind called name in namespace ns. */
static const ks_manifest_template *lookup(ks_default_selectors *d,
                                          const char *kind, const char *ns,
                                          const char *name)
{
    if (!d->m)
        return NULL;
    if (!d->indexed) {
        d->indexed = 1;
        d->nindex = d->m->ntemplates;
        d->index = ks_xmalloc((d->nindex ? d->nindex : 1) * sizeof *d->index);
        for (size_t i = 0; i < d->nindex; i++) {
            const ks_manifest_template *t = &d->m->templates[i];
            d->index[i] = (keyed_template){
                t->kind, t->namespace_name ? t->namespace_name : "default",
                t->name, t};
        }
        qsort(d->index, d->nindex, sizeof *d->index, cmp_keyed_template);
    }
    keyed_template key = {kind, ns, name, NULL};
    const keyed_template *hit = bsearch(&key, d->index, d->nindex,
                                        sizeof *d->index, cmp_keyed_template);
    return hit ? hit->t : NULL;
}

/* labels.Set(selector).AsSelectorPreValidated().Matches(pod labels). */
static int set_matches(const ks_labels *set, const ks_labels *labels)
{
    for (size_t i = 0; i < set->n; i++) {
        const char *v = ks_labels_get(labels, set->items[i].key);
        if (!v || strcmp(v, set->items[i].value) != 0)
            return 0;
    }
    return 1;
}

/* Appends one requirement (copied) to sel's expressions. */
static void add_requirement(ks_label_selector *sel, const char *key,
                            ks_selector_op op, char *const *values,
                            size_t nvalues)
{
    sel->match_expressions = ks_xrealloc(
        sel->match_expressions,
        (sel->nexpressions + 1) * sizeof *sel->match_expressions);
    ks_requirement *r = &sel->match_expressions[sel->nexpressions++];
    r->key = ks_xstrdup(key);
    r->op = op;
    r->values = dup_strings(values, nvalues);
    r->nvalues = nvalues;
}

/* selector.Add(other.Requirements()...) for a workload's LabelSelector:
 * matchLabels as single-value requirements (Equals and In of one value
 * match alike), then matchExpressions; hash, when given, is the
 * pod-template-hash the Deployment controller adds to the ReplicaSet's
 * matchLabels.  A workload without a selector adds nothing
 * (LabelSelectorAsSelector(nil) is Nothing, which has no requirements). */
static void add_workload_requirements(ks_label_selector *sel,
                                      const ks_manifest_template *t,
                                      const char *hash)
{
    if (!t->has_selector)
        return;
    const ks_label_selector *s = &t->selector;
    ks_labels match = {0};
    copy_labels(&match, &s->match_labels);
    if (hash)
        ks_labels_set(&match, "pod-template-hash", hash);
    for (size_t i = 0; i < match.n; i++) {
        char *v[1] = {match.items[i].value};
        add_requirement(sel, match.items[i].key, KS_OP_IN, v, 1);
    }
    ks_labels_free(&match);
    for (size_t i = 0; i < s->nexpressions; i++) {
        const ks_requirement *r = &s->match_expressions[i];
        add_requirement(sel, r->key, r->op, r->values, r->nvalues);
    }
}

/* The owner's part of DefaultSelector. */
static void apply_owner(ks_default_selectors *d, entry *e, const char *ns)
{
    const ks_manifest_template *t = NULL;
    const char *hash = NULL;
    if (e->owner == OWNER_TEMPLATE) {
        t = e->tmpl;
        if (strcmp(t->kind, "Deployment") == 0) {
            hash = t->pod_template_hash; /* its ReplicaSet's selector */
            if (!hash)
                return;
        } else if (strcmp(t->kind, "ReplicaSet") != 0 &&
                   strcmp(t->kind, "StatefulSet") != 0 &&
                   strcmp(t->kind, "ReplicationController") != 0) {
            return;
        }
    } else if (e->owner == OWNER_REF) {
        /* The GroupVersionKind must be exactly one of the three. */
        const char *api = e->api ? e->api : "";
        if (strcmp(api, "v1") == 0 &&
            strcmp(e->kind, "ReplicationController") == 0)
            t = lookup(d, "ReplicationController", ns, e->name);
        else if (strcmp(api, "apps/v1") == 0 &&
                 (strcmp(e->kind, "ReplicaSet") == 0 ||
                  strcmp(e->kind, "StatefulSet") == 0))
            t = lookup(d, e->kind, ns, e->name);
    }
    if (!t)
        return;
    if (strcmp(t->kind, "ReplicationController") == 0)
        copy_labels(&e->sel.match_labels, &t->selector.match_labels);
    else
        add_workload_requirements(&e->sel, t, hash);
}

static int cmp_requirement_key(const void *pa, const void *pb)
{
    const ks_requirement *a = pa, *b = pb;
    return strcmp(a->key, b->key);
}

static void compute(ks_default_selectors *d, entry *e)
{
    e->computed = 1;
    const ks_pod_spec *spec = e->spec;
    const char *ns = spec->namespace_name ? spec->namespace_name : "default";
    /* GetPodServices: the Services of the namespace whose selector (a
     * null one selects nothing) matches the pod's labels. */
    for (size_t i = 0; d->m && i < d->m->nservices; i++) {
        const ks_manifest_service *s = &d->m->services[i];
        if (s->has_selector && same_ns(s->namespace_name, ns) &&
            set_matches(&s->selector, &spec->labels))
            copy_labels(&e->sel.match_labels, &s->selector);
    }
    apply_owner(d, e, ns);
    /* internalSelector.Add keeps its requirements sorted by key; a stable
     * order also gives PodTopologySpread one signature per selector. */
    if (e->sel.nexpressions > 1) {
        /* insertion sort: stable, and selectors are short */
        for (size_t i = 1; i < e->sel.nexpressions; i++)
            for (size_t j = i;
                 j > 0 && cmp_requirement_key(&e->sel.match_expressions[j - 1],
                                              &e->sel.match_expressions[j]) > 0;
                 j--) {
                ks_requirement tmp = e->sel.match_expressions[j];
                e->sel.match_expressions[j] = e->sel.match_expressions[j - 1];
                e->sel.match_expressions[j - 1] = tmp;
            }
    }
    e->empty = e->sel.match_labels.n == 0 && e->sel.nexpressions == 0;
}

const ks_label_selector *ks_default_selectors_get(ks_default_selectors *d,
                                                  const ks_pod_spec *spec)
{
    entry *e = spec ? find_entry(d, spec) : NULL;
    if (!e)
        return NULL;
    if (!e->computed)
        compute(d, e);
    return e->empty ? NULL : &e->sel;
}

static const ks_label_selector *selector_source(void *ctx,
                                                const ks_cluster *c,
                                                const ks_pod *pod)
{
    (void)c;
    return ks_default_selectors_get(ctx, pod->spec);
}

void ks_default_selectors_install(ks_default_selectors *d, ks_scheduler *s)
{
    for (size_t p = 0; p < KS_MAX_PROFILES; p++) {
        void *inst = ks_scheduler_plugin_instance(
            s, p, &ks_plugin_podtopologyspread);
        if (inst)
            ks_pts_set_selector_source(inst, selector_source, d);
    }
}
