/* interpodaffinity.c - InterPodAffinity: required pod (anti-)affinity
 * (Filter) and preferred pod (anti-)affinity (Score), kept incrementally.
 *
 * Re-implemented from (never copied) upstream Kubernetes:
 *   pkg/scheduler/framework/plugins/interpodaffinity/filtering.go (the
 *     fwk-interface tree of v1.34+, whose Filter helpers and PreFilter are
 *     quoted unchanged from v1.36.2): PreFilter, AddPod/RemovePod
 *     (updateWithPod), getExistingAntiAffinityCounts,
 *     getIncomingAffinityAntiAffinityCounts, satisfyPodAffinity,
 *     satisfyPodAntiAffinity, satisfyExistingPodsAntiAffinity, Filter;
 *   .../interpodaffinity/scoring.go (v1.3x tree with
 *     IgnorePreferredTermsOfExistingPods): processTerm, processExistingPod,
 *     PreScore, Score, NormalizeScore;
 *   .../interpodaffinity/plugin.go: mergeAffinityTermNamespacesIfNotEmpty,
 *     GetNamespaceLabelsSnapshot;
 *   pkg/scheduler/framework/types.go: NewPodInfo, AffinityTerm.Matches,
 *     getNamespacesFromPodAffinityTerm;
 *   pkg/scheduler/apis/config/validation/validation_pluginargs.go:
 *     ValidateHardPodAffinityWeight;
 *   pkg/registry/core/pod/strategy.go: applyMatchLabelKeysAndMismatchLabelKeys
 *     (the API server merges matchLabelKeys as "key In (value)" and
 *     mismatchLabelKeys as "key NotIn (value)" into a non-nil labelSelector,
 *     for keys the pod has);
 *   apimachinery labels.NewRequirement, metav1.LabelSelectorAsSelector and
 *     util/validation IsQualifiedName / IsValidLabelValue (parse errors).
 *
 * Incremental design.  Upstream rebuilds everything per cycle: PreFilter
 * scans the pods with required anti-affinity and, when the pod has
 * required terms, every pod; PreScore scans the pods with affinity or, when
 * the pod has preferred terms, every pod.  ksim never rescans pods in a
 * cycle:
 *   - Each distinct spec is compiled once (spec_info): terms parsed,
 *     matchLabelKeys merged, namespaces resolved to ids, topology keys
 *     registered in the topology index.  Pods sharing a spec share labels,
 *     namespace and terms, so whether a term matches a pod depends only on
 *     the two specs.
 *   - pod_added/pod_removed keep, per spec, a sparse per-node count of its
 *     bound pods (node_counter), and the lists of specs with bound pods
 *     (all of them, and those whose terms apply to incoming pods).
 *   - They also keep, for every "signature" - what an incoming pod's
 *     requirement matches pods with: all its required affinity terms
 *     ANDed, one anti-affinity term, one preferred term; deduplicated by
 *     content, so specs with equal terms share it - a sparse per-node count
 *     of the bound pods matching it.  A signature is built the first time a
 *     cycle needs it, in one pass over the specs with bound pods, then
 *     follows every pod event.  At most MAX_SIGNATURES are kept; the least
 *     recently used one is dropped (and rebuilt if needed again).
 *   - Topology domains come from a topology index (sim/topology.h) owned
 *     by the instance: keys are registered when specs are compiled, every
 *     node has an integer domain id per key, re-read only when the
 *     cluster's node_info_version moves.  The topology-pair maps are
 *     arrays indexed by (key id, domain id): no label lookup, string hash
 *     or string compare per node in a cycle.
 *   - A cycle turns per-node counts into per-topology-domain counts: for
 *     the incoming pod's terms, from their signatures; for existing pods'
 *     terms, from each bound spec whose term matches the incoming pod (the
 *     verdict is computed once per spec per cycle).  A counter with pods on
 *     few nodes is read per node (only nodes with a non-zero count); one
 *     covering many nodes (at least 1/16 of the key's domains) keeps its
 *     counts summed per domain of the key (ks_domain_sums, following every
 *     pod event, rebuilt when the key's domains move) and is read per
 *     domain.  At PreScore such a counter is not even read: it becomes a
 *     "lazy" term that Score reads for the node's domain only (see
 *     score_map for how the map still stays what PreScore saw).
 *   - Between a successful PreFilter and the next PreScore, pod events
 *     also update the PreFilter counts (updateWithPod), so the preemption
 *     what-if's Filter calls see the pods it takes off a node.
 * Complexity (N nodes, D domains of a key, S live signatures, B specs with
 * bound pods and terms, t terms per spec, n_x the nodes holding pods of
 * x):
 *   pod_added, pod_removed: O(S * t) selector matches + O(1) hashed count
 *     updates and domain sum updates (+ O(t) once per new spec to compile
 *     it);
 *   PreFilter: O(B * t) verdicts + O(min(n_x, D)) per matching term of a
 *     bound spec and per term of the pod, plus, the first time a signature
 *     is needed, one pass over the specs with bound pods;
 *   Filter: O(t) per node (array lookups);
 *   PreScore: O(B * t) verdicts + O(n_x) per term read per node (few
 *     nodes), O(1) per lazy term;
 *   Score: O(k + lazy terms) per node for k topology keys; NormalizeScore
 *     O(n).
 *   A node added or relabelled: O(N * K) label lookups at the next cycle
 *     for the K keys, and O(n_x) to rebuild each domain sum of a moved key.
 * No per-node allocation in a cycle: the pair tables, counters and sums
 * grow geometrically and are reused.
 *
 * Namespace labels: upstream reads them from the namespace lister; ksim has
 * no Namespace objects, so a namespace's labels are those given through
 * ks_ipa_set_namespace_labels, else {kubernetes.io/metadata.name: name}.
 * For the incoming pod's terms upstream unrolls a non-empty
 * namespaceSelector into the names of the namespaces it selects; matching
 * the selector against the candidate pod's namespace labels is the same.
 */
#include "policies/k8s/interpodaffinity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/topology.h"
#include "sim/xalloc.h"

/* filtering.go ErrReason* */
static const char msg_affinity[] = "node(s) didn't match pod affinity rules";
static const char msg_anti[] = "node(s) didn't match pod anti-affinity rules";
static const char msg_existing[] =
    "node(s) didn't satisfy existing pods anti-affinity rules";
static const char msg_no_state[] =
    "error reading \"PreFilterInterPodAffinity\" from cycleState: not found";

/* apimachinery validation messages (IsValidLabelValue, IsQualifiedName,
 * IsDNS1123Subdomain). */
static const char msg_label_value[] =
    "a valid label must be an empty string or consist of alphanumeric "
    "characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
static const char msg_qualified_name[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyName',  or "
    "'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
static const char msg_dns_subdomain[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/* v1.LabelNamespaceName: set on every namespace by the API server. */
static const char namespace_name_label[] = "kubernetes.io/metadata.name";

#define MAX_SIGNATURES 256
#define MSG_MAX 2048

/* plugin.go: DefaultHardPodAffinityWeight = 1. */
static const ks_ipa_args default_args = {
    .hard_pod_affinity_weight = 1,
    .ignore_preferred_terms_of_existing_pods = 0,
};

/* ---- types --------------------------------------------------------------- */

/* Term lists of a spec, in NewPodInfo's order. */
enum { T_REQ_AFF = 0, T_REQ_ANTI, T_PREF_AFF, T_PREF_ANTI, T_KINDS };

static const char *const kind_field[T_KINDS] = {
    "requiredAffinityTerms", "requiredAntiAffinityTerms",
    "preferredAffinityTerms", "preferredAntiAffinityTerms"};

/* A parsed v1.PodAffinityTerm (framework.AffinityTerm). */
typedef struct cterm {
    const ks_label_selector *sel;    /* NULL = labels.Nothing() */
    ks_label_selector merged;        /* owned when matchLabelKeys apply */
    uint32_t *ns_ids;                /* Namespaces */
    size_t nns;
    const ks_label_selector *ns_sel; /* NULL = Nothing(); empty = all */
    uint32_t key_id;                 /* interned topology key */
    int32_t weight;                  /* preferred terms */
} cterm;

/* Sparse per-node counts: entries (node, count) with a hash index.  An
 * entry whose count falls to 0 stays until they are most of the list.
 * Counters that cover many nodes also keep their counts summed per domain
 * of the topology keys they are read under (built on first need, then
 * following every change). */
typedef struct node_counter {
    uint32_t *node;
    uint32_t *count;
    size_t n, cap, nonzero;
    uint32_t *slot; /* entry + 1, 0 = empty; nslots a power of two */
    size_t nslots;
    ks_domain_sums *dsums;
    size_t ndsums, dsums_cap;
} node_counter;

/* Where a signature lives: slot, valid while gen matches. */
typedef struct sig_ref {
    int32_t slot;
    uint32_t gen;
} sig_ref;

typedef struct spec_info {
    const ks_pod_spec *spec; /* NULL = the empty pod */
    uint32_t ns_id;
    const ks_labels *labels;
    cterm *terms[T_KINDS];
    size_t nterms[T_KINDS];
    size_t nraw_preferred; /* preferred terms as written (parsed or not) */
    char *parse_msg;       /* NewPodInfo's aggregated error, or NULL */
    /* This cycle's verdicts of each term against the incoming pod. */
    uint64_t memo_stamp;
    uint8_t *memo[T_KINDS];
    /* Signatures of this spec's terms as an incoming pod. */
    sig_ref aff_all;
    sig_ref *term_sig[T_KINDS];
    /* The bound pods of this spec, per node, and where the spec sits in
     * the instance's lists of specs with bound pods. */
    node_counter bound;
    size_t nbound;
    size_t active_pos, active_terms_pos;
} spec_info;

/* Per-node counts of bound pods matching every term of conj. */
typedef struct signature {
    const cterm **conj;
    size_t nconj;
    uint64_t hash;
    node_counter nc;
    uint64_t last_used;
    uint32_t gen;
    int live;
} signature;

typedef struct pod_state {
    spec_info *info;
    uint32_t node;
    uint8_t counted;
} pod_state;

typedef struct ns_entry {
    char *name;
    ks_labels labels;
} ns_entry;

/* An unordered list of specs with O(1) removal (each spec knows its
 * position). */
typedef struct spec_list {
    spec_info **v;
    size_t n, cap;
} spec_list;

/* PreFilter's three topology-pair maps (indexed by ks_ipa_map; the score
 * map is a score_map): (map, key, domain) -> count.  One row of slots per
 * (map, key id), indexed by domain id; a slot is present while its stamp is
 * the table's, so bumping the stamp clears the table. */
typedef struct pair_slot {
    uint64_t stamp;
    int64_t count;
} pair_slot;

typedef struct pair_row {
    pair_slot *slot; /* per domain id */
    size_t cap;
    uint64_t listed; /* the stamp at which the key joined the map's keys */
} pair_row;

typedef struct dom_table {
    pair_row *rows[KS_IPA_NMAPS]; /* per key id */
    size_t nrows[KS_IPA_NMAPS];
    uint64_t stamp; /* starts at 1: fresh slots (stamp 0) are absent */
    /* Pairs whose count is not 0: upstream deletes a pair that AddPod /
     * RemovePod bring back to 0, so "the map is empty" means this is 0. */
    size_t nonzero[KS_IPA_NMAPS];
    uint32_t *keys[KS_IPA_NMAPS]; /* key ids present in each map */
    size_t nkeys[KS_IPA_NMAPS], keys_cap[KS_IPA_NMAPS];
} dom_table;

/* PreScore's topologyScore: (key, domain) -> weight.  Counters holding
 * pods on few nodes are added into per-(key, domain) slots at PreScore.
 * Counters covering many nodes stay "lazy" terms: their per-domain sums
 * (kept by the counter) are read at Score for the node's domain only, so
 * PreScore costs O(1) for them instead of O(nodes).  The map must stay
 * what PreScore saw: a pod event while lazy terms are live first freezes
 * the domains of the pod's node (folds the lazy terms into those slots),
 * and rebuilding or freeing the sums a lazy term reads first folds every
 * lazy term into the slots. */
typedef struct score_slot {
    uint64_t stamp; /* the map's stamp when set; else empty */
    int64_t w;
    uint8_t present;
    uint8_t frozen; /* the lazy terms are folded in */
} score_slot;

typedef struct score_row {
    score_slot *slot; /* per domain id */
    size_t cap;
    uint64_t stamp; /* the key is in the map while this is the map's */
    uint64_t used;  /* some slot was set while this is the map's stamp */
} score_row;

typedef struct lazy_term {
    uint32_t key;
    const int64_t *sum; /* a counter's domain sums for key */
    size_t ndom;
    int64_t mult;
} lazy_term;

#define MAX_LAZY 8

typedef struct score_map {
    score_row *rows; /* per key id */
    size_t nrows;
    uint64_t stamp; /* starts at 1: fresh slots (stamp 0) are empty */
    uint32_t *keys; /* key ids in the map */
    size_t nkeys, keys_cap;
    lazy_term lazy[MAX_LAZY];
    size_t nlazy;
    int any; /* some pair is present (upstream: len(topologyScore) > 0) */
} score_map;

typedef struct ipa_instance {
    ks_topology_index *topo; /* topology keys and node domains */
    ks_topology_view *views;  /* per key id, as of the last sync */
    size_t nviews, views_cap;
    ns_entry *ns;
    size_t nns, ns_cap;
    /* spec -> info, open addressing on the pointer */
    spec_info **info_slots;
    size_t info_cap, ninfos;
    spec_info *null_info;
    pod_state *pods;
    size_t pods_cap;
    spec_list active;       /* specs with bound pods */
    spec_list active_terms; /* those of them with terms an existing pod
                               applies (required anti-affinity, required
                               affinity, preferred terms) */
    signature *sigs;
    size_t nsigs, sigs_cap, live_sigs, builds;
    uint64_t stamp;     /* cycle stamp for memos and LRU */
    spec_info *cur;     /* the incoming pod of this stamp */
    dom_table fdom;  /* PreFilter's three maps */
    score_map smap;  /* PreScore's */
    const ks_pod *pf_pod, *ps_pod;
    spec_info *pf_info;
    int pf_live; /* PreFilter succeeded: pod events update its maps */
    char msg[MSG_MAX];
} ipa_instance;

/* ---- small helpers ------------------------------------------------------- */

static const ks_ipa_args *args_of(const ks_plugin_call *call)
{
    return call->args ? call->args : &default_args;
}

static uint64_t hash_str(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

static uint32_t intern_ns(ipa_instance *I, const char *name)
{
    for (size_t i = 0; i < I->nns; i++)
        if (strcmp(I->ns[i].name, name) == 0)
            return (uint32_t)i;
    I->ns = ks_xgrow(I->ns, &I->ns_cap, I->nns + 1, sizeof(ns_entry));
    ns_entry *e = &I->ns[I->nns];
    *e = (ns_entry){0};
    e->name = ks_xstrdup(name);
    ks_labels_set(&e->labels, namespace_name_label, name);
    return (uint32_t)I->nns++;
}

/* ---- node domains ---------------------------------------------------------- */

/* Brings the node domains up to date with c and takes fresh views. */
static void sync_topology(ipa_instance *I, const ks_cluster *c)
{
    ks_topology_sync(I->topo, c);
    size_t n = ks_topology_nkeys(I->topo);
    if (n > I->views_cap)
        I->views = ks_xgrow(I->views, &I->views_cap, n, sizeof *I->views);
    for (size_t k = 0; k < n; k++)
        I->views[k] = ks_topology_view_of(I->topo, (uint32_t)k);
    I->nviews = n;
}

/* key's domain of node now (KS_TOPO_NONE without the label,
 * KS_TOPO_UNKNOWN for a value never seen). */
static inline int32_t key_domain(const ipa_instance *I, const ks_cluster *c,
                                 uint32_t key_id, size_t node)
{
    if (key_id < I->nviews)
        return ks_topology_view_domain(&I->views[key_id], I->topo, c, key_id,
                                       node);
    return ks_topology_domain(I->topo, c, key_id, node);
}

/* ---- sparse per-node counts ---------------------------------------------- */

static size_t nc_home(uint32_t node, size_t nslots)
{
    return (size_t)(((uint64_t)node * 0x9e3779b97f4a7c15ULL) >> 32) &
           (nslots - 1);
}

/* The index slot holding node, or the empty slot where it would go. */
static size_t nc_find(const node_counter *nc, uint32_t node)
{
    size_t i = nc_home(node, nc->nslots);
    while (nc->slot[i] && nc->node[nc->slot[i] - 1] != node)
        i = (i + 1) & (nc->nslots - 1);
    return i;
}

static void nc_reindex(node_counter *nc, size_t nslots)
{
    free(nc->slot);
    nc->slot = ks_xcalloc(nslots, sizeof(uint32_t));
    nc->nslots = nslots;
    for (size_t e = 0; e < nc->n; e++)
        nc->slot[nc_find(nc, nc->node[e])] = (uint32_t)(e + 1);
}

static void nc_add(node_counter *nc, uint32_t node, uint32_t delta)
{
    if (2 * (nc->n + 1) > nc->nslots)
        nc_reindex(nc, nc->nslots ? 2 * nc->nslots : 16);
    size_t i = nc_find(nc, node);
    if (nc->slot[i]) {
        uint32_t *cnt = &nc->count[nc->slot[i] - 1];
        nc->nonzero += *cnt == 0;
        *cnt += delta;
        return;
    }
    size_t old = nc->cap;
    nc->node = ks_xgrow(nc->node, &nc->cap, nc->n + 1, sizeof(uint32_t));
    if (nc->cap != old)
        nc->count = ks_xrealloc(nc->count, nc->cap * sizeof(uint32_t));
    nc->node[nc->n] = node;
    nc->count[nc->n] = delta;
    nc->slot[i] = (uint32_t)++nc->n;
    nc->nonzero++;
}

/* Drops the entries at 0 once they are most of the list. */
static void nc_compact(node_counter *nc)
{
    size_t k = 0;
    for (size_t e = 0; e < nc->n; e++)
        if (nc->count[e]) {
            nc->node[k] = nc->node[e];
            nc->count[k++] = nc->count[e];
        }
    nc->n = k;
    nc_reindex(nc, nc->nslots);
}

/* Returns whether node had a count to take one from. */
static int nc_sub(node_counter *nc, uint32_t node)
{
    if (!nc->nslots)
        return 0;
    size_t i = nc_find(nc, node);
    if (!nc->slot[i] || nc->count[nc->slot[i] - 1] == 0)
        return 0; /* not counted: cannot happen with paired events */
    if (--nc->count[nc->slot[i] - 1] == 0 &&
        --nc->nonzero * 2 + 32 < nc->n)
        nc_compact(nc);
    return 1;
}

static void nc_free(node_counter *nc)
{
    free(nc->node);
    free(nc->count);
    free(nc->slot);
    for (size_t i = 0; i < nc->ndsums; i++)
        ks_domain_sums_free(&nc->dsums[i]);
    free(nc->dsums);
    *nc = (node_counter){0};
}

/* A pod event: one more (delta 1) or one less (-1) on node, in the
 * counts and their domain sums. */
static void nc_change(const ks_topology_index *ix, const ks_cluster *c,
                      node_counter *nc, uint32_t node, int delta)
{
    if (delta > 0)
        nc_add(nc, node, 1);
    else if (!nc_sub(nc, node))
        return;
    for (size_t i = 0; i < nc->ndsums; i++)
        ks_domain_sums_follow(ix, c, &nc->dsums[i], node, delta);
}

static void score_release(score_map *m, const int64_t *sum);

/* The counts summed per domain of key, rebuilt when the key's domains
 * moved (a lazy score term reading them folded first).  The index is in
 * sync with the cluster. */
static const ks_domain_sums *nc_domain_sums(ipa_instance *I, node_counter *nc,
                                            uint32_t key)
{
    const ks_topology_index *ix = I->topo;
    ks_domain_sums *ds = NULL;
    for (size_t i = 0; i < nc->ndsums && !ds; i++)
        if (nc->dsums[i].key == key)
            ds = &nc->dsums[i];
    if (!ds) {
        nc->dsums = ks_xgrow(nc->dsums, &nc->dsums_cap, nc->ndsums + 1,
                             sizeof *nc->dsums);
        ds = &nc->dsums[nc->ndsums++];
        *ds = (ks_domain_sums){.key = key};
    }
    if (!ks_domain_sums_current(ix, ds)) {
        score_release(&I->smap, ds->sum);
        ks_domain_sums_reset(ix, ds);
        const int32_t *dom = ks_topology_nodes(ix, key);
        size_t nnodes = ks_topology_nnodes(ix);
        for (size_t e = 0; e < nc->n; e++)
            if (nc->count[e] && nc->node[e] < nnodes)
                ks_domain_sums_add(ds, dom, nc->node[e], nc->count[e]);
    }
    return ds;
}

/* Whether to read nc per domain of key rather than per node: when its
 * node entries are not few next to the key's domains (the domain sums,
 * O(domains) memory, then cost at most 16 times the entries). */
static int nc_dense(const ks_topology_index *ix, const node_counter *nc,
                    uint32_t key)
{
    return nc->n * 16 >= ks_topology_ndomains(ix, key);
}

/* ---- parse errors (NewPodInfo) ------------------------------------------- */

/* A growing list of error strings, joined as utilerrors.NewAggregate
 * prints them: one as is, several as "[a, b]" without repeats. */
typedef struct errlist {
    char **s;
    size_t n, cap;
} errlist;

static void err_add(errlist *l, char *msg)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->s[i], msg) == 0) {
            free(msg);
            return;
        }
    l->s = ks_xgrow(l->s, &l->cap, l->n + 1, sizeof(char *));
    l->s[l->n++] = msg;
}

static char *err_join(errlist *l)
{
    if (l->n == 0)
        return NULL;
    if (l->n == 1) {
        char *r = l->s[0];
        free(l->s);
        *l = (errlist){0};
        return r;
    }
    size_t len = 3;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->s[i]) + 2;
    char *r = ks_xmalloc(len);
    strcpy(r, "[");
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            strcat(r, ", ");
        strcat(r, l->s[i]);
        free(l->s[i]);
    }
    strcat(r, "]");
    free(l->s);
    *l = (errlist){0};
    return r;
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], or empty when allow_empty. */
static int name_format_ok(const char *s, size_t len, int allow_empty)
{
    if (len == 0)
        return allow_empty;
    if (!is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static int lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 1123 subdomain format (length checked by the caller). */
static int subdomain_format_ok(const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!lower_alnum(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        if (i == start || !lower_alnum(s[start]) || !lower_alnum(s[i - 1]))
            return 0;
        start = i + 1;
    }
    return 1;
}

/* IsValidLabelValue's messages joined by "; ", or NULL when valid. */
static char *label_value_problem(const char *v)
{
    size_t len = strlen(v);
    int too_long = len > 63, bad = !name_format_ok(v, len, 1);
    if (!too_long && !bad)
        return NULL;
    return ks_xasprintf("%s%s%s",
                        too_long ? "must be no more than 63 characters" : "",
                        too_long && bad ? "; " : "",
                        bad ? msg_label_value : "");
}

/* IsQualifiedName's messages joined by "; ", or NULL when valid. */
static char *qualified_name_problem(const char *k)
{
    const char *slash = strchr(k, '/');
    if (slash && strchr(slash + 1, '/'))
        return ks_xasprintf("a qualified name %s with an optional DNS "
                            "subdomain prefix and '/' (e.g. "
                            "'example.com/MyName')", msg_qualified_name);
    errlist l = {0};
    const char *name = k;
    if (slash) {
        size_t plen = (size_t)(slash - k);
        if (plen == 0)
            err_add(&l, ks_xstrdup("prefix part must be non-empty"));
        else {
            if (plen > 253)
                err_add(&l, ks_xstrdup("prefix part must be no more than "
                                       "253 characters"));
            if (!subdomain_format_ok(k, plen))
                err_add(&l, ks_xasprintf("prefix part %s", msg_dns_subdomain));
        }
        name = slash + 1;
    }
    size_t nlen = strlen(name);
    if (nlen == 0)
        err_add(&l, ks_xstrdup("name part must be non-empty"));
    else if (nlen > 63)
        err_add(&l, ks_xstrdup("name part must be no more than 63 "
                               "characters"));
    if (!name_format_ok(name, nlen, 0))
        err_add(&l, ks_xasprintf("name part %s", msg_qualified_name));
    if (l.n == 0)
        return NULL;
    size_t len = 1;
    for (size_t i = 0; i < l.n; i++)
        len += strlen(l.s[i]) + 2;
    char *r = ks_xcalloc(1, len);
    for (size_t i = 0; i < l.n; i++) {
        if (i)
            strcat(r, "; ");
        strcat(r, l.s[i]);
        free(l.s[i]);
    }
    free(l.s);
    return r;
}

/* Go's %#v of a []string as labels.NewRequirement receives it. */
static char *go_string_slice(char *const *v, size_t n)
{
    if (n == 0)
        return ks_xstrdup("[]string(nil)");
    size_t len = 16;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 4;
    char *r = ks_xmalloc(len);
    strcpy(r, "[]string{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(r, ", ");
        strcat(r, "\"");
        strcat(r, v[i]);
        strcat(r, "\"");
    }
    strcat(r, "}");
    return r;
}

/* labels.NewRequirement's errors for one requirement (field paths "key",
 * "values", "values[i][key]"), aggregated; NULL when it parses. */
static char *requirement_problem(const char *key, ks_selector_op op,
                                 char *const *values, size_t nvalues)
{
    errlist l = {0};
    char *p = qualified_name_problem(key);
    if (p) {
        err_add(&l, ks_xasprintf("key: Invalid value: \"%s\": %s", key, p));
        free(p);
    }
    if ((op == KS_OP_IN || op == KS_OP_NOT_IN) && nvalues == 0)
        err_add(&l, ks_xstrdup("values: Invalid value: []string(nil): for "
                               "'in', 'notin' operators, values set can't "
                               "be empty"));
    if ((op == KS_OP_EXISTS || op == KS_OP_DOES_NOT_EXIST) && nvalues) {
        char *vs = go_string_slice(values, nvalues);
        err_add(&l, ks_xasprintf("values: Invalid value: %s: values set must "
                                 "be empty for exists and does not exist",
                                 vs));
        free(vs);
    }
    for (size_t i = 0; i < nvalues; i++) {
        p = label_value_problem(values[i]);
        if (p) {
            err_add(&l, ks_xasprintf("values[%zu][%s]: Invalid value: "
                                     "\"%s\": %s", i, key, values[i], p));
            free(p);
        }
    }
    return err_join(&l);
}

/* metav1.LabelSelectorAsSelector's first error, or NULL. */
static char *selector_problem(const ks_label_selector *sel)
{
    for (size_t i = 0; i < sel->match_labels.n; i++) {
        char *v = sel->match_labels.items[i].value;
        char *p = requirement_problem(sel->match_labels.items[i].key, KS_OP_IN,
                                      &v, 1);
        if (p)
            return p;
    }
    static const char *const op_name[] = {"In", "NotIn", "Exists",
                                          "DoesNotExist", "Gt", "Lt"};
    for (size_t i = 0; i < sel->nexpressions; i++) {
        const ks_requirement *r = &sel->match_expressions[i];
        if (r->op == KS_OP_GT || r->op == KS_OP_LT)
            return ks_xasprintf("\"%s\" is not a valid label selector "
                                "operator", op_name[r->op]);
        char *p = requirement_problem(r->key, r->op, r->values, r->nvalues);
        if (p)
            return p;
    }
    return NULL;
}

/* newAffinityTerm's error: the label selector, then the namespace one. */
static char *term_problem(const ks_pod_affinity_term *t)
{
    char *p = t->has_label_selector ? selector_problem(&t->label_selector)
                                    : NULL;
    if (!p && t->has_namespace_selector)
        p = selector_problem(&t->namespace_selector);
    return p;
}

/* ---- compiling specs ----------------------------------------------------- */

static void copy_requirement(ks_requirement *dst, const ks_requirement *src)
{
    *dst = (ks_requirement){0};
    dst->key = ks_xstrdup(src->key);
    dst->op = src->op;
    if (src->nvalues) {
        dst->values = ks_xmalloc(src->nvalues * sizeof(char *));
        for (size_t i = 0; i < src->nvalues; i++)
            dst->values[i] = ks_xstrdup(src->values[i]);
    }
    dst->nvalues = src->nvalues;
}

static void append_label_keys(ks_label_selector *sel, char *const *keys,
                              size_t n, ks_selector_op op,
                              const ks_labels *pod_labels)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = ks_labels_get(pod_labels, keys[i]);
        if (!v)
            continue;
        sel->match_expressions =
            ks_xrealloc(sel->match_expressions,
                        (sel->nexpressions + 1) * sizeof(ks_requirement));
        ks_requirement *r = &sel->match_expressions[sel->nexpressions++];
        *r = (ks_requirement){0};
        r->key = ks_xstrdup(keys[i]);
        r->op = op;
        r->values = ks_xmalloc(sizeof(char *));
        r->values[0] = ks_xstrdup(v);
        r->nvalues = 1;
    }
}

/* applyMatchLabelKeysAndMismatchLabelKeys: only for a non-nil selector. */
static void compile_selector(cterm *ct, const ks_pod_affinity_term *t,
                             const ks_labels *pod_labels)
{
    if (!t->has_label_selector) {
        ct->sel = NULL;
        return;
    }
    if (t->nmatch_label_keys == 0 && t->nmismatch_label_keys == 0) {
        ct->sel = &t->label_selector;
        return;
    }
    ks_label_selector *m = &ct->merged;
    const ks_labels *ml = &t->label_selector.match_labels;
    for (size_t i = 0; i < ml->n; i++)
        ks_labels_set(&m->match_labels, ml->items[i].key, ml->items[i].value);
    if (t->label_selector.nexpressions) {
        m->match_expressions = ks_xmalloc(t->label_selector.nexpressions *
                                          sizeof(ks_requirement));
        for (size_t i = 0; i < t->label_selector.nexpressions; i++)
            copy_requirement(&m->match_expressions[i],
                             &t->label_selector.match_expressions[i]);
        m->nexpressions = t->label_selector.nexpressions;
    }
    append_label_keys(m, t->match_label_keys, t->nmatch_label_keys, KS_OP_IN,
                      pod_labels);
    append_label_keys(m, t->mismatch_label_keys, t->nmismatch_label_keys,
                      KS_OP_NOT_IN, pod_labels);
    ct->sel = m;
}

static void compile_term(ipa_instance *I, cterm *ct,
                         const ks_pod_affinity_term *t, int32_t weight,
                         const ks_pod_spec *owner, uint32_t owner_ns)
{
    *ct = (cterm){0};
    compile_selector(ct, t, &owner->labels);
    /* getNamespacesFromPodAffinityTerm */
    if (t->nnamespaces == 0 && !t->has_namespace_selector) {
        ct->ns_ids = ks_xmalloc(sizeof(uint32_t));
        ct->ns_ids[0] = owner_ns;
        ct->nns = 1;
    } else if (t->nnamespaces) {
        ct->ns_ids = ks_xmalloc(t->nnamespaces * sizeof(uint32_t));
        for (size_t i = 0; i < t->nnamespaces; i++)
            ct->ns_ids[i] = intern_ns(I, t->namespaces[i] ? t->namespaces[i]
                                                          : "default");
        ct->nns = t->nnamespaces;
    }
    ct->ns_sel = t->has_namespace_selector ? &t->namespace_selector : NULL;
    ct->key_id =
        ks_topology_register(I->topo, t->topology_key ? t->topology_key : "");
    ct->weight = weight;
}

static void free_cterm(cterm *ct)
{
    if (ct->sel == &ct->merged)
        ks_label_selector_free(&ct->merged);
    free(ct->ns_ids);
}

/* GetAffinityTerms / getWeightedAffinityTerms: the whole list is dropped
 * at the first term that does not parse. */
static void compile_kind(ipa_instance *I, spec_info *info, int kind,
                         const ks_pod_spec *s, errlist *errs)
{
    const ks_pod_affinity *a =
        (kind == T_REQ_AFF || kind == T_PREF_AFF) ? &s->pod_affinity
                                                  : &s->pod_anti_affinity;
    int required = kind == T_REQ_AFF || kind == T_REQ_ANTI;
    size_t n = required ? a->nrequired : a->npreferred;
    for (size_t i = 0; i < n; i++) {
        const ks_pod_affinity_term *t =
            required ? &a->required[i] : &a->preferred[i].term;
        char *p = term_problem(t);
        if (p) {
            err_add(errs, ks_xasprintf("%s: %s", kind_field[kind], p));
            free(p);
            return;
        }
    }
    if (n == 0)
        return;
    info->terms[kind] = ks_xcalloc(n, sizeof(cterm));
    for (size_t i = 0; i < n; i++)
        compile_term(I, &info->terms[kind][i],
                     required ? &a->required[i] : &a->preferred[i].term,
                     required ? 0 : a->preferred[i].weight, s, info->ns_id);
    info->nterms[kind] = n;
    info->memo[kind] = ks_xcalloc(n, 1);
    if (kind != T_REQ_AFF) {
        info->term_sig[kind] = ks_xmalloc(n * sizeof(sig_ref));
        for (size_t i = 0; i < n; i++)
            info->term_sig[kind][i] = (sig_ref){-1, 0};
    }
}

static spec_info *compile_spec(ipa_instance *I, const ks_pod_spec *spec)
{
    static const ks_pod_spec empty;
    const ks_pod_spec *s = spec ? spec : &empty;
    spec_info *info = ks_xcalloc(1, sizeof *info);
    info->spec = spec;
    info->ns_id = intern_ns(I, s->namespace_name ? s->namespace_name
                                                 : "default");
    info->labels = &s->labels;
    info->aff_all = (sig_ref){-1, 0};
    info->nraw_preferred = s->pod_affinity.npreferred +
                           s->pod_anti_affinity.npreferred;
    errlist errs = {0};
    for (int k = 0; k < T_KINDS; k++)
        compile_kind(I, info, k, s, &errs);
    info->parse_msg = err_join(&errs);
    return info;
}

static void free_spec_info(spec_info *info)
{
    if (!info)
        return;
    for (int k = 0; k < T_KINDS; k++) {
        for (size_t i = 0; i < info->nterms[k]; i++)
            free_cterm(&info->terms[k][i]);
        free(info->terms[k]);
        free(info->memo[k]);
        free(info->term_sig[k]);
    }
    free(info->parse_msg);
    nc_free(&info->bound);
    free(info);
}

static size_t ptr_slot(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 17) & (cap - 1);
}

static void info_map_insert(spec_info **slots, size_t cap, spec_info *info)
{
    size_t i = ptr_slot(info->spec, cap);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = info;
}

/* The compiled form of spec (NULL = the empty pod), compiled on first use. */
static spec_info *info_get(ipa_instance *I, const ks_pod_spec *spec)
{
    if (!spec) {
        if (!I->null_info)
            I->null_info = compile_spec(I, NULL);
        return I->null_info;
    }
    if (I->info_cap) {
        size_t i = ptr_slot(spec, I->info_cap);
        for (; I->info_slots[i]; i = (i + 1) & (I->info_cap - 1))
            if (I->info_slots[i]->spec == spec)
                return I->info_slots[i];
    }
    if (2 * (I->ninfos + 1) > I->info_cap) {
        size_t cap = I->info_cap ? 2 * I->info_cap : 64;
        spec_info **slots = ks_xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < I->info_cap; i++)
            if (I->info_slots[i])
                info_map_insert(slots, cap, I->info_slots[i]);
        free(I->info_slots);
        I->info_slots = slots;
        I->info_cap = cap;
    }
    spec_info *info = compile_spec(I, spec);
    info_map_insert(I->info_slots, I->info_cap, info);
    I->ninfos++;
    return info;
}

/* ---- matching ------------------------------------------------------------ */

/* AffinityTerm.Matches(pod of spec cand, labels of cand's namespace). */
static int term_matches(const ipa_instance *I, const cterm *t,
                        const spec_info *cand)
{
    if (!t->sel)
        return 0;
    int ns_ok = 0;
    for (size_t i = 0; i < t->nns && !ns_ok; i++)
        ns_ok = t->ns_ids[i] == cand->ns_id;
    if (!ns_ok && t->ns_sel)
        ns_ok = ks_label_selector_matches(t->ns_sel,
                                          &I->ns[cand->ns_id].labels);
    return ns_ok && ks_label_selector_matches(t->sel, cand->labels);
}

/* The verdicts of every term of info against this cycle's incoming pod,
 * computed once per cycle. */
static spec_info *memoize(ipa_instance *I, spec_info *info)
{
    if (info->memo_stamp == I->stamp)
        return info;
    info->memo_stamp = I->stamp;
    for (int k = 0; k < T_KINDS; k++)
        for (size_t i = 0; i < info->nterms[k]; i++)
            info->memo[k][i] =
                (uint8_t)term_matches(I, &info->terms[k][i], I->cur);
    return info;
}

/* ---- signatures ---------------------------------------------------------- */

static int selector_equal(const ks_label_selector *a,
                          const ks_label_selector *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->match_labels.n != b->match_labels.n ||
        a->nexpressions != b->nexpressions)
        return 0;
    for (size_t i = 0; i < a->match_labels.n; i++)
        if (strcmp(a->match_labels.items[i].key,
                   b->match_labels.items[i].key) ||
            strcmp(a->match_labels.items[i].value,
                   b->match_labels.items[i].value))
            return 0;
    for (size_t i = 0; i < a->nexpressions; i++) {
        const ks_requirement *x = &a->match_expressions[i];
        const ks_requirement *y = &b->match_expressions[i];
        if (strcmp(x->key, y->key) || x->op != y->op ||
            x->nvalues != y->nvalues)
            return 0;
        for (size_t j = 0; j < x->nvalues; j++)
            if (strcmp(x->values[j], y->values[j]))
                return 0;
    }
    return 1;
}

static int ns_subset(const cterm *a, const cterm *b)
{
    for (size_t i = 0; i < a->nns; i++) {
        size_t j = 0;
        while (j < b->nns && b->ns_ids[j] != a->ns_ids[i])
            j++;
        if (j == b->nns)
            return 0;
    }
    return 1;
}

/* Same pods match both terms (the topology key does not matter here). */
static int cterm_equal(const cterm *a, const cterm *b)
{
    return selector_equal(a->sel, b->sel) &&
           selector_equal(a->ns_sel, b->ns_sel) && ns_subset(a, b) &&
           ns_subset(b, a);
}

static uint64_t selector_hash(const ks_label_selector *s, uint64_t h)
{
    if (!s)
        return mix(h, 1);
    for (size_t i = 0; i < s->match_labels.n; i++)
        h = hash_str(s->match_labels.items[i].value,
                     hash_str(s->match_labels.items[i].key, h));
    for (size_t i = 0; i < s->nexpressions; i++) {
        h = mix(hash_str(s->match_expressions[i].key, h),
                (uint64_t)s->match_expressions[i].op);
        for (size_t j = 0; j < s->match_expressions[i].nvalues; j++)
            h = hash_str(s->match_expressions[i].values[j], h);
    }
    return mix(h, 2);
}

static uint64_t conj_hash(const cterm *const *conj, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        uint64_t ns = 0;
        for (size_t j = 0; j < conj[i]->nns; j++)
            ns += mix(0, conj[i]->ns_ids[j]); /* order-free */
        h = mix(selector_hash(conj[i]->ns_sel,
                              selector_hash(conj[i]->sel, h)), ns);
    }
    return h;
}

static int sig_matches(const ipa_instance *I, const signature *s,
                       const spec_info *cand)
{
    for (size_t i = 0; i < s->nconj; i++)
        if (!term_matches(I, s->conj[i], cand))
            return 0;
    return 1;
}

static void sig_drop(ipa_instance *I, signature *s)
{
    for (size_t i = 0; i < s->nc.ndsums; i++)
        score_release(&I->smap, s->nc.dsums[i].sum);
    free(s->conj);
    nc_free(&s->nc);
    uint32_t gen = s->gen + 1;
    *s = (signature){0};
    s->gen = gen;
    I->live_sigs--;
}

/* One pass over the specs with bound pods (pods sharing a spec match
 * alike), merging the per-node counts of the matching ones. */
static void sig_build(ipa_instance *I, signature *s)
{
    for (size_t i = 0; i < I->active.n; i++) {
        const spec_info *info = I->active.v[i];
        if (!sig_matches(I, s, info))
            continue;
        for (size_t e = 0; e < info->bound.n; e++)
            if (info->bound.count[e])
                nc_add(&s->nc, info->bound.node[e], info->bound.count[e]);
    }
    I->builds++;
}

/* A free slot, dropping the least recently used signature not used in this
 * cycle when MAX_SIGNATURES are live. */
static signature *sig_slot(ipa_instance *I)
{
    if (I->live_sigs >= MAX_SIGNATURES) {
        signature *lru = NULL;
        for (size_t i = 0; i < I->nsigs; i++) {
            signature *s = &I->sigs[i];
            if (s->live && s->last_used != I->stamp &&
                (!lru || s->last_used < lru->last_used))
                lru = s;
        }
        if (lru)
            sig_drop(I, lru);
    }
    for (size_t i = 0; i < I->nsigs; i++)
        if (!I->sigs[i].live)
            return &I->sigs[i];
    I->sigs = ks_xgrow(I->sigs, &I->sigs_cap, I->nsigs + 1, sizeof(signature));
    I->sigs[I->nsigs] = (signature){0};
    return &I->sigs[I->nsigs++];
}

/* The signature of info's required affinity terms (kind T_REQ_AFF, all
 * ANDed) or of its term idx of another kind; found by ref, by content, or
 * built. */
static signature *sig_get(ipa_instance *I, spec_info *info, int kind,
                                size_t idx)
{
    sig_ref *ref =
        kind == T_REQ_AFF ? &info->aff_all : &info->term_sig[kind][idx];
    if (ref->slot >= 0) {
        signature *s = &I->sigs[ref->slot];
        if (s->live && s->gen == ref->gen) {
            s->last_used = I->stamp;
            return s;
        }
    }
    size_t n = kind == T_REQ_AFF ? info->nterms[T_REQ_AFF] : 1;
    const cterm **conj = ks_xmalloc(n * sizeof *conj);
    for (size_t i = 0; i < n; i++)
        conj[i] = kind == T_REQ_AFF ? &info->terms[kind][i]
                                    : &info->terms[kind][idx];
    uint64_t h = conj_hash(conj, n);
    signature *found = NULL;
    for (size_t i = 0; i < I->nsigs && !found; i++) {
        signature *s = &I->sigs[i];
        if (!s->live || s->hash != h || s->nconj != n)
            continue;
        size_t j = 0;
        while (j < n && cterm_equal(s->conj[j], conj[j]))
            j++;
        if (j == n)
            found = s;
    }
    if (found) {
        free(conj);
    } else {
        found = sig_slot(I);
        found->conj = conj;
        found->nconj = n;
        found->hash = h;
        found->live = 1;
        I->live_sigs++;
        sig_build(I, found);
    }
    found->last_used = I->stamp;
    ref->slot = (int32_t)(found - I->sigs);
    ref->gen = found->gen;
    return found;
}

static void drop_all_signatures(ipa_instance *I)
{
    for (size_t i = 0; i < I->nsigs; i++)
        if (I->sigs[i].live)
            sig_drop(I, &I->sigs[i]);
}

/* ---- bound pods ---------------------------------------------------------- */

static pod_state *pod_state_of(ipa_instance *I, uint32_t pod)
{
    if (pod >= I->pods_cap) {
        size_t old = I->pods_cap;
        I->pods = ks_xgrow(I->pods, &I->pods_cap, (size_t)pod + 1,
                           sizeof(pod_state));
        memset(I->pods + old, 0, (I->pods_cap - old) * sizeof(pod_state));
    }
    return &I->pods[pod];
}

static void spec_list_add(spec_list *l, spec_info *info, size_t *pos)
{
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof(spec_info *));
    *pos = l->n;
    l->v[l->n++] = info;
}

/* Swap-remove; pos_of gives where a spec keeps its position in l. */
static void spec_list_remove(spec_list *l, size_t pos,
                             size_t *(*pos_of)(spec_info *))
{
    spec_info *last = l->v[--l->n];
    if (pos == l->n)
        return;
    l->v[pos] = last;
    *pos_of(last) = pos;
}

static size_t *active_pos(spec_info *info)
{
    return &info->active_pos;
}

static size_t *active_terms_pos(spec_info *info)
{
    return &info->active_terms_pos;
}

/* Terms that an existing pod of this spec applies to incoming pods. */
static int has_existing_terms(const spec_info *info)
{
    return info->nterms[T_REQ_ANTI] || info->nterms[T_REQ_AFF] ||
           info->nterms[T_PREF_AFF] || info->nterms[T_PREF_ANTI];
}

static void update_prefilter_state(ipa_instance *I, const ks_cluster *c,
                                   const spec_info *info, uint32_t node,
                                   int64_t delta);
static void score_freeze_node(ipa_instance *I, const ks_cluster *c,
                              uint32_t node);

static void ipa_pod_added(void *instance, const ks_cluster *c, uint32_t pod)
{
    ipa_instance *I = instance;
    const ks_pod *p = &c->pods[pod];
    if (p->node == KS_NO_NODE)
        return;
    pod_state *st = pod_state_of(I, pod);
    if (st->counted)
        return;
    spec_info *info = info_get(I, p->spec);
    st->info = info;
    st->node = p->node;
    st->counted = 1;
    score_freeze_node(I, c, st->node);
    if (info->nbound++ == 0) {
        spec_list_add(&I->active, info, &info->active_pos);
        if (has_existing_terms(info))
            spec_list_add(&I->active_terms, info, &info->active_terms_pos);
    }
    nc_change(I->topo, c, &info->bound, st->node, 1);
    for (size_t i = 0; i < I->nsigs; i++)
        if (I->sigs[i].live && sig_matches(I, &I->sigs[i], info))
            nc_change(I->topo, c, &I->sigs[i].nc, st->node, 1);
    if (I->pf_live)
        update_prefilter_state(I, c, info, st->node, 1);
}

static void ipa_pod_removed(void *instance, const ks_cluster *c, uint32_t pod)
{
    ipa_instance *I = instance;
    if (pod >= I->pods_cap || !I->pods[pod].counted)
        return;
    pod_state *st = &I->pods[pod];
    spec_info *info = st->info;
    score_freeze_node(I, c, st->node);
    nc_change(I->topo, c, &info->bound, st->node, -1);
    if (--info->nbound == 0) {
        spec_list_remove(&I->active, info->active_pos, active_pos);
        if (has_existing_terms(info))
            spec_list_remove(&I->active_terms, info->active_terms_pos,
                             active_terms_pos);
    }
    for (size_t i = 0; i < I->nsigs; i++)
        if (I->sigs[i].live && sig_matches(I, &I->sigs[i], info))
            nc_change(I->topo, c, &I->sigs[i].nc, st->node, -1);
    if (I->pf_live)
        update_prefilter_state(I, c, info, st->node, -1);
    st->counted = 0;
}

/* ---- topology-pair tables ------------------------------------------------ */

static void dom_reset(dom_table *t)
{
    t->stamp++;
    for (int m = 0; m < KS_IPA_NMAPS; m++)
        t->nonzero[m] = t->nkeys[m] = 0;
}

/* The row of (map, key), with room for ndom domains. */
static pair_row *dom_row(dom_table *t, uint32_t map, uint32_t key_id,
                         size_t ndom)
{
    if (key_id >= t->nrows[map]) {
        size_t old = t->nrows[map];
        t->rows[map] = ks_xgrow(t->rows[map], &t->nrows[map],
                                (size_t)key_id + 1, sizeof(pair_row));
        memset(t->rows[map] + old, 0, (t->nrows[map] - old) * sizeof(pair_row));
    }
    pair_row *row = &t->rows[map][key_id];
    if (ndom > row->cap) {
        size_t old = row->cap;
        row->slot = ks_xgrow(row->slot, &row->cap, ndom, sizeof(pair_slot));
        memset(row->slot + old, 0, (row->cap - old) * sizeof(pair_slot));
    }
    return row;
}

/* Adds delta to (map, key, domain) of row, creating the pair. */
static void row_add(dom_table *t, uint32_t map, uint32_t key_id,
                    pair_row *row, int32_t domain, int64_t delta)
{
    pair_slot *sl = &row->slot[domain];
    if (sl->stamp == t->stamp) {
        int was = sl->count != 0;
        sl->count += delta;
        t->nonzero[map] += (size_t)(sl->count != 0) - (size_t)was;
        return;
    }
    sl->stamp = t->stamp;
    sl->count = delta;
    t->nonzero[map] += delta != 0;
    if (row->listed == t->stamp)
        return;
    row->listed = t->stamp;
    t->keys[map] = ks_xgrow(t->keys[map], &t->keys_cap[map], t->nkeys[map] + 1,
                            sizeof(uint32_t));
    t->keys[map][t->nkeys[map]++] = key_id;
}

static void dom_add(dom_table *t, uint32_t map, uint32_t key_id,
                    int32_t domain, int64_t delta)
{
    row_add(t, map, key_id, dom_row(t, map, key_id, (size_t)domain + 1),
            domain, delta);
}

static int64_t dom_get(const dom_table *t, uint32_t map, uint32_t key_id,
                       int32_t domain, int *present)
{
    const pair_slot *sl = NULL;
    if (domain >= 0 && key_id < t->nrows[map] &&
        (size_t)domain < t->rows[map][key_id].cap)
        sl = &t->rows[map][key_id].slot[domain];
    int found = sl && sl->stamp == t->stamp;
    if (present)
        *present = found;
    return found ? sl->count : 0;
}

static void dom_free(dom_table *t)
{
    for (int m = 0; m < KS_IPA_NMAPS; m++) {
        for (size_t k = 0; k < t->nrows[m]; k++)
            free(t->rows[m][k].slot);
        free(t->rows[m]);
        free(t->keys[m]);
    }
}

/* Adds count * mult to (key, node's domain) for every node with a count;
 * returns whether any pair was touched (upstream's processTerm matched on
 * a node carrying the key).  Read per node or, for a counter covering many
 * nodes, per domain (the same sums).  The index is in sync. */
static int add_counts(ipa_instance *I, dom_table *t, uint32_t map,
                      node_counter *nc, uint32_t key_id, int64_t mult)
{
    const ks_topology_index *ix = I->topo;
    if (nc_dense(ix, nc, key_id)) {
        const ks_domain_sums *ds = nc_domain_sums(I, nc, key_id);
        if (ds->total == 0)
            return 0;
        pair_row *row = dom_row(t, map, key_id, ds->ndom);
        for (size_t d = 0; d < ds->ndom; d++)
            if (ds->sum[d])
                row_add(t, map, key_id, row, (int32_t)d, ds->sum[d] * mult);
        return 1;
    }
    int any = 0;
    const int32_t *dom = ks_topology_nodes(ix, key_id);
    size_t nnodes = ks_topology_nnodes(ix);
    pair_row *row = dom_row(t, map, key_id, ks_topology_ndomains(ix, key_id));
    for (size_t e = 0; e < nc->n; e++) {
        uint32_t n = nc->node[e];
        if (!nc->count[e] || n >= nnodes || dom[n] < 0)
            continue;
        row_add(t, map, key_id, row, dom[n], (int64_t)nc->count[e] * mult);
        any = 1;
    }
    return any;
}

/* ---- the score map ----------------------------------------------------- */

static void score_reset(score_map *m)
{
    m->stamp++;
    m->nkeys = 0;
    m->nlazy = 0;
    m->any = 0;
}

/* Puts key in the map (once per cycle). */
static void score_key(score_map *m, uint32_t key_id)
{
    if (key_id >= m->nrows) {
        size_t old = m->nrows;
        m->rows = ks_xgrow(m->rows, &m->nrows, (size_t)key_id + 1,
                           sizeof *m->rows);
        memset(m->rows + old, 0, (m->nrows - old) * sizeof *m->rows);
    }
    score_row *row = &m->rows[key_id];
    if (row->stamp == m->stamp)
        return;
    row->stamp = m->stamp;
    m->keys = ks_xgrow(m->keys, &m->keys_cap, m->nkeys + 1, sizeof *m->keys);
    m->keys[m->nkeys++] = key_id;
}

/* The slot of (key, domain), emptied if from an older cycle; the key is in
 * the map. */
static score_slot *score_slot_of(score_map *m, uint32_t key_id, int32_t d)
{
    score_row *row = &m->rows[key_id];
    if ((size_t)d >= row->cap) {
        size_t old = row->cap;
        row->slot = ks_xgrow(row->slot, &row->cap, (size_t)d + 1,
                             sizeof *row->slot);
        memset(row->slot + old, 0, (row->cap - old) * sizeof *row->slot);
    }
    score_slot *sl = &row->slot[d];
    if (sl->stamp != m->stamp)
        *sl = (score_slot){.stamp = m->stamp};
    row->used = m->stamp;
    return sl;
}

/* The slot of (key, domain) if set this cycle, else NULL. */
static const score_slot *score_slot_get(const score_map *m, uint32_t key_id,
                                        int32_t d)
{
    if (key_id >= m->nrows || d < 0)
        return NULL;
    const score_row *row = &m->rows[key_id];
    if ((size_t)d >= row->cap || row->slot[d].stamp != m->stamp)
        return NULL;
    return &row->slot[d];
}

/* The lazy terms' weight for (key, domain); *present: some term's pods
 * are there. */
static int64_t lazy_weight(const score_map *m, uint32_t key_id, int32_t d,
                           int *present)
{
    int64_t w = 0;
    for (size_t i = 0; i < m->nlazy; i++) {
        const lazy_term *t = &m->lazy[i];
        if (t->key != key_id || (size_t)d >= t->ndom || t->sum[d] == 0)
            continue;
        w += t->sum[d] * t->mult;
        *present = 1;
    }
    return w;
}

/* The pair (key, domain): its weight, and whether it is in the map. */
static int64_t score_pair(const score_map *m, uint32_t key_id, int32_t d,
                          int *present)
{
    *present = 0;
    if (d < 0 || key_id >= m->nrows || m->rows[key_id].stamp != m->stamp)
        return 0;
    const score_slot *sl = score_slot_get(m, key_id, d);
    int64_t w = sl ? sl->w : 0;
    *present = sl && sl->present;
    if (!sl || !sl->frozen)
        w += lazy_weight(m, key_id, d, present);
    return w;
}

/* The weight of (key, domain) for a key in the map: Score's hot path. */
static inline int64_t score_weight(const score_map *m, uint32_t key_id,
                                   int32_t d)
{
    const score_row *row = &m->rows[key_id];
    int64_t w = 0;
    if (row->used == m->stamp && (size_t)d < row->cap &&
        row->slot[d].stamp == m->stamp) {
        w = row->slot[d].w;
        if (row->slot[d].frozen)
            return w;
    }
    for (size_t i = 0; i < m->nlazy; i++) {
        const lazy_term *t = &m->lazy[i];
        if (t->key == key_id && (size_t)d < t->ndom)
            w += t->sum[d] * t->mult;
    }
    return w;
}

/* Folds the lazy terms into the slot of (key, domain), once. */
static void score_freeze(score_map *m, uint32_t key_id, int32_t d)
{
    score_slot *sl = score_slot_of(m, key_id, d);
    if (sl->frozen)
        return;
    int present = 0;
    sl->w += lazy_weight(m, key_id, d, &present);
    sl->present |= (uint8_t)present;
    sl->frozen = 1;
}

/* Folds every lazy term into the slots: what they read is about to
 * change wholesale or go away. */
static void score_fold_all(score_map *m)
{
    for (size_t i = 0; i < m->nlazy; i++) {
        const lazy_term *t = &m->lazy[i];
        for (size_t d = 0; d < t->ndom; d++) {
            if (t->sum[d] == 0)
                continue;
            score_slot *sl = score_slot_of(m, t->key, (int32_t)d);
            if (sl->frozen)
                continue;
            sl->w += t->sum[d] * t->mult;
            sl->present = 1;
        }
    }
    m->nlazy = 0;
}

/* Folds every lazy term if one reads sum (about to be rebuilt or freed). */
static void score_release(score_map *m, const int64_t *sum)
{
    for (size_t i = 0; i < m->nlazy; i++)
        if (m->lazy[i].sum == sum) {
            score_fold_all(m);
            return;
        }
}

/* add_counts into the score map: count * mult per (key, node's domain).
 * Returns whether any pair was touched. */
static int score_counts(ipa_instance *I, node_counter *nc, uint32_t key_id,
                        int64_t mult)
{
    const ks_topology_index *ix = I->topo;
    score_map *m = &I->smap;
    if (nc_dense(ix, nc, key_id)) {
        const ks_domain_sums *ds = nc_domain_sums(I, nc, key_id);
        if (ds->total == 0)
            return 0;
        score_key(m, key_id);
        if (m->nlazy < MAX_LAZY) {
            m->lazy[m->nlazy++] = (lazy_term){key_id, ds->sum, ds->ndom, mult};
        } else {
            for (size_t d = 0; d < ds->ndom; d++)
                if (ds->sum[d]) {
                    score_slot *sl = score_slot_of(m, key_id, (int32_t)d);
                    sl->w += ds->sum[d] * mult;
                    sl->present = 1;
                }
        }
        m->any = 1;
        return 1;
    }
    const int32_t *dom = ks_topology_nodes(ix, key_id);
    size_t nnodes = ks_topology_nnodes(ix);
    int any = 0;
    for (size_t e = 0; e < nc->n; e++) {
        uint32_t n = nc->node[e];
        if (!nc->count[e] || n >= nnodes || dom[n] < 0)
            continue;
        if (!any)
            score_key(m, key_id);
        score_slot *sl = score_slot_of(m, key_id, dom[n]);
        sl->w += (int64_t)nc->count[e] * mult;
        sl->present = 1;
        any = 1;
    }
    m->any |= any;
    return any;
}

/* A pod event on node is about to change counts: the lazy terms' pairs
 * of the node's domains keep what PreScore saw. */
static void score_freeze_node(ipa_instance *I, const ks_cluster *c,
                              uint32_t node)
{
    score_map *m = &I->smap;
    for (size_t i = 0; i < m->nlazy; i++) {
        int32_t d = key_domain(I, c, m->lazy[i].key, node);
        if (d >= 0)
            score_freeze(m, m->lazy[i].key, d);
    }
}

static void score_free(score_map *m)
{
    for (size_t k = 0; k < m->nrows; k++)
        free(m->rows[k].slot);
    free(m->rows);
    free(m->keys);
}

static void begin_cycle(ipa_instance *I, spec_info *incoming)
{
    I->stamp++;
    I->cur = incoming;
}

/* ---- PreFilter and Filter ------------------------------------------------ */

/* getExistingAntiAffinityCounts: each bound spec's required anti-affinity
 * terms matching the incoming pod count its pods under the term's key. */
static void count_existing_anti(ipa_instance *I)
{
    for (size_t i = 0; i < I->active_terms.n; i++) {
        spec_info *e = memoize(I, I->active_terms.v[i]);
        for (size_t j = 0; j < e->nterms[T_REQ_ANTI]; j++)
            if (e->memo[T_REQ_ANTI][j])
                add_counts(I, &I->fdom, KS_IPA_MAP_EXISTING_ANTI, &e->bound,
                           e->terms[T_REQ_ANTI][j].key_id, 1);
    }
}

static ks_status ipa_pre_filter(const ks_plugin_call *call)
{
    ipa_instance *I = call->instance;
    const ks_cluster *c = call->cluster;
    I->pf_pod = NULL;
    I->pf_live = 0;
    spec_info *info = info_get(I, call->pod->spec);
    if (info->parse_msg) {
        snprintf(I->msg, sizeof I->msg, "parsing pod: %s", info->parse_msg);
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_IPA_PARSE_ERROR, I->msg);
    }
    begin_cycle(I, info);
    sync_topology(I, c);
    dom_reset(&I->fdom);
    count_existing_anti(I);
    /* updateWithAffinityTerms: pods matching all terms count once per
     * term, under each term's topology key. */
    if (info->nterms[T_REQ_AFF]) {
        signature *s = sig_get(I, info, T_REQ_AFF, 0);
        for (size_t j = 0; j < info->nterms[T_REQ_AFF]; j++)
            add_counts(I, &I->fdom, KS_IPA_MAP_AFFINITY, &s->nc,
                       info->terms[T_REQ_AFF][j].key_id, 1);
    }
    for (size_t j = 0; j < info->nterms[T_REQ_ANTI]; j++) {
        signature *s = sig_get(I, info, T_REQ_ANTI, j);
        add_counts(I, &I->fdom, KS_IPA_MAP_ANTI_AFFINITY, &s->nc,
                   info->terms[T_REQ_ANTI][j].key_id, 1);
    }
    I->pf_pod = call->pod;
    I->pf_info = info;
    if (I->fdom.nonzero[KS_IPA_MAP_EXISTING_ANTI] == 0 &&
        info->nterms[T_REQ_AFF] == 0 && info->nterms[T_REQ_ANTI] == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    I->pf_live = 1;
    return ks_status_ok();
}

/* preFilterState.updateWithPod (PreFilterExtensions AddPod / RemovePod):
 * the preemption what-if takes pods off a node and puts them back between
 * PreFilter and Filter; the three maps follow, pairs at 0 counting as
 * deleted. */
static void update_prefilter_state(ipa_instance *I, const ks_cluster *c,
                                   const spec_info *info, uint32_t node,
                                   int64_t delta)
{
    const spec_info *in = I->pf_info;
    sync_topology(I, c); /* the pod's spec may bring a new key */
    for (size_t j = 0; j < info->nterms[T_REQ_ANTI]; j++) {
        const cterm *t = &info->terms[T_REQ_ANTI][j];
        int32_t d = key_domain(I, c, t->key_id, node);
        if (d >= 0 && term_matches(I, t, in))
            dom_add(&I->fdom, KS_IPA_MAP_EXISTING_ANTI, t->key_id, d, delta);
    }
    int all = in->nterms[T_REQ_AFF] != 0;
    for (size_t j = 0; j < in->nterms[T_REQ_AFF] && all; j++)
        all = term_matches(I, &in->terms[T_REQ_AFF][j], info);
    for (size_t j = 0; all && j < in->nterms[T_REQ_AFF]; j++) {
        const cterm *t = &in->terms[T_REQ_AFF][j];
        int32_t d = key_domain(I, c, t->key_id, node);
        if (d >= 0)
            dom_add(&I->fdom, KS_IPA_MAP_AFFINITY, t->key_id, d, delta);
    }
    for (size_t j = 0; j < in->nterms[T_REQ_ANTI]; j++) {
        const cterm *t = &in->terms[T_REQ_ANTI][j];
        int32_t d = key_domain(I, c, t->key_id, node);
        if (d >= 0 && term_matches(I, t, info))
            dom_add(&I->fdom, KS_IPA_MAP_ANTI_AFFINITY, t->key_id, d, delta);
    }
}

/* satisfyPodAffinity */
static int satisfies_affinity(ipa_instance *I, const ks_cluster *c, size_t n)
{
    const spec_info *info = I->pf_info;
    int pods_exist = 1;
    for (size_t j = 0; j < info->nterms[T_REQ_AFF]; j++) {
        uint32_t key_id = info->terms[T_REQ_AFF][j].key_id;
        int32_t d = key_domain(I, c, key_id, n);
        if (d == KS_TOPO_NONE)
            return 0; /* every topology key must be on the node */
        if (dom_get(&I->fdom, KS_IPA_MAP_AFFINITY, key_id, d, NULL) <= 0)
            pods_exist = 0;
    }
    if (pods_exist)
        return 1;
    /* The first pod of a group with affinity to itself. */
    if (I->fdom.nonzero[KS_IPA_MAP_AFFINITY] != 0)
        return 0;
    for (size_t j = 0; j < info->nterms[T_REQ_AFF]; j++)
        if (!term_matches(I, &info->terms[T_REQ_AFF][j], info))
            return 0;
    return 1;
}

/* satisfyPodAntiAffinity */
static int satisfies_anti_affinity(const ipa_instance *I, const ks_cluster *c,
                                   size_t n)
{
    if (I->fdom.nonzero[KS_IPA_MAP_ANTI_AFFINITY] == 0)
        return 1;
    const spec_info *info = I->pf_info;
    for (size_t j = 0; j < info->nterms[T_REQ_ANTI]; j++) {
        uint32_t key_id = info->terms[T_REQ_ANTI][j].key_id;
        int32_t d = key_domain(I, c, key_id, n);
        if (dom_get(&I->fdom, KS_IPA_MAP_ANTI_AFFINITY, key_id, d, NULL) > 0)
            return 0;
    }
    return 1;
}

/* satisfyExistingPodsAntiAffinity: any of the node's (key, value) pairs
 * counted; only the keys present in the map can be. */
static int satisfies_existing(const ipa_instance *I, const ks_cluster *c,
                              size_t n)
{
    const dom_table *t = &I->fdom;
    for (size_t i = 0; i < t->nkeys[KS_IPA_MAP_EXISTING_ANTI]; i++) {
        uint32_t key_id = t->keys[KS_IPA_MAP_EXISTING_ANTI][i];
        int32_t d = key_domain(I, c, key_id, n);
        if (dom_get(t, KS_IPA_MAP_EXISTING_ANTI, key_id, d, NULL) > 0)
            return 0;
    }
    return 1;
}

static ks_status ipa_filter(const ks_plugin_call *call, const ks_node *node)
{
    ipa_instance *I = call->instance;
    if (!I->pf_pod || I->pf_pod != call->pod)
        return ks_status_make(KS_STATUS_ERROR, 0, msg_no_state);
    const ks_cluster *c = call->cluster;
    size_t n = (size_t)(node - c->nodes);
    if (!satisfies_affinity(I, c, n))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_IPA_AFFINITY_MISMATCH, msg_affinity);
    if (!satisfies_anti_affinity(I, c, n))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE,
                              KS_IPA_ANTI_AFFINITY_MISMATCH, msg_anti);
    if (!satisfies_existing(I, c, n))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE,
                              KS_IPA_EXISTING_ANTI_AFFINITY, msg_existing);
    return ks_status_ok();
}

/* ---- PreScore, Score, NormalizeScore ------------------------------------- */

/* processExistingPod, the existing pod's side: its required affinity
 * terms (hardPodAffinityWeight when > 0) and preferred terms matching the
 * incoming pod, per bound spec, times its pods on each node. */
static int score_existing(ipa_instance *I, int32_t hard_weight)
{
    static const int kinds[3] = {T_REQ_AFF, T_PREF_AFF, T_PREF_ANTI};
    int any = 0;
    for (size_t i = 0; i < I->active_terms.n; i++) {
        spec_info *e = memoize(I, I->active_terms.v[i]);
        for (int k = 0; k < 3; k++) {
            int kind = kinds[k];
            if (kind == T_REQ_AFF && hard_weight <= 0)
                continue;
            for (size_t j = 0; j < e->nterms[kind]; j++) {
                if (!e->memo[kind][j])
                    continue;
                const cterm *t = &e->terms[kind][j];
                int64_t w = kind == T_REQ_AFF    ? hard_weight
                            : kind == T_PREF_AFF ? t->weight
                                                 : -(int64_t)t->weight;
                any |= score_counts(I, &e->bound, t->key_id, w);
            }
        }
    }
    return any;
}

static ks_status ipa_pre_score(const ks_plugin_call *call,
                               const uint32_t *nodes, size_t n)
{
    (void)nodes;
    (void)n; /* upstream scores from every node's pods */
    ipa_instance *I = call->instance;
    const ks_cluster *c = call->cluster;
    const ks_ipa_args *args = args_of(call);
    I->ps_pod = NULL;
    I->pf_live = 0; /* filtering is over: pod events need not update it */
    spec_info *info = info_get(I, call->pod->spec);
    /* Optionally skip existing pods' preferences when the pod has none. */
    if (args->ignore_preferred_terms_of_existing_pods &&
        info->nraw_preferred == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    if (info->parse_msg) {
        snprintf(I->msg, sizeof I->msg, "failed to parse pod: %s",
                 info->parse_msg);
        return ks_status_make(KS_STATUS_ERROR, KS_IPA_PARSE_ERROR, I->msg);
    }
    begin_cycle(I, info);
    sync_topology(I, c);
    score_reset(&I->smap);
    int any = 0;
    for (int kind = T_PREF_AFF; kind <= T_PREF_ANTI; kind++)
        for (size_t j = 0; j < info->nterms[kind]; j++) {
            const cterm *t = &info->terms[kind][j];
            signature *s = sig_get(I, info, kind, j);
            int64_t w = kind == T_PREF_AFF ? t->weight : -(int64_t)t->weight;
            any |= score_counts(I, &s->nc, t->key_id, w);
        }
    any |= score_existing(I, args->hard_pod_affinity_weight);
    if (!any)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    I->ps_pod = call->pod;
    return ks_status_ok();
}

static int64_t ipa_score(const ks_plugin_call *call, const ks_node *node)
{
    ipa_instance *I = call->instance;
    if (!I->ps_pod || I->ps_pod != call->pod)
        return 0; /* upstream: an Error status (no PreScore state) */
    const ks_cluster *c = call->cluster;
    size_t n = (size_t)(node - c->nodes);
    const score_map *m = &I->smap;
    int64_t score = 0;
    for (size_t i = 0; i < m->nkeys; i++) {
        uint32_t key_id = m->keys[i];
        int32_t d = key_domain(I, c, key_id, n);
        if (d >= 0)
            score += score_weight(m, key_id, d);
    }
    return score;
}

/* scoring.go NormalizeScore: min-max scaling in float64, truncated. */
static void ipa_normalize(const ks_plugin_call *call, int64_t *scores,
                          size_t n)
{
    ipa_instance *I = call->instance;
    if (!I->smap.any)
        return;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (scores[i] > hi)
            hi = scores[i];
        if (scores[i] < lo)
            lo = scores[i];
    }
    int64_t diff = hi - lo;
    for (size_t i = 0; i < n; i++) {
        double f = 0;
        if (diff > 0)
            f = (double)KS_MAX_NODE_SCORE *
                ((double)(scores[i] - lo) / (double)diff);
        scores[i] = (int64_t)f;
    }
}

/* ---- lifecycle ----------------------------------------------------------- */

static void *ipa_create(const void *args)
{
    (void)args;
    ipa_instance *I = ks_xcalloc(1, sizeof(ipa_instance));
    I->topo = ks_topology_index_create();
    I->fdom.stamp = I->smap.stamp = 1;
    return I;
}

static void ipa_destroy(void *instance)
{
    ipa_instance *I = instance;
    if (!I)
        return;
    drop_all_signatures(I);
    free(I->sigs);
    for (size_t i = 0; i < I->info_cap; i++)
        free_spec_info(I->info_slots[i]);
    free(I->info_slots);
    free_spec_info(I->null_info);
    ks_topology_index_destroy(I->topo);
    free(I->views);
    for (size_t i = 0; i < I->nns; i++) {
        free(I->ns[i].name);
        ks_labels_free(&I->ns[i].labels);
    }
    free(I->ns);
    free(I->pods);
    free(I->active.v);
    free(I->active_terms.v);
    dom_free(&I->fdom);
    score_free(&I->smap);
    free(I);
}

const ks_plugin ks_plugin_interpodaffinity = {
    .name = "InterPodAffinity",
    .create = ipa_create,
    .destroy = ipa_destroy,
    .pre_filter = ipa_pre_filter,
    .filter = ipa_filter,
    .pre_score = ipa_pre_score,
    .score = ipa_score,
    .normalize = ipa_normalize,
    .pod_added = ipa_pod_added,
    .pod_removed = ipa_pod_removed,
    .default_args = &default_args,
    .default_weight = 2,
};

int ks_ipa_args_validate(const ks_ipa_args *a, ks_error *err)
{
    if (a->hard_pod_affinity_weight < 0 || a->hard_pod_affinity_weight > 100)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "hardPodAffinityWeight: Invalid value: %d: not "
                            "in valid range [0-100]",
                            (int)a->hard_pod_affinity_weight);
    return 0;
}

void ks_ipa_set_namespace_labels(void *instance, const char *ns,
                                 const ks_labels *labels)
{
    ipa_instance *I = instance;
    uint32_t id = intern_ns(I, ns); /* may move I->ns */
    ns_entry *e = &I->ns[id];
    ks_labels_free(&e->labels);
    for (size_t i = 0; labels && i < labels->n; i++)
        ks_labels_set(&e->labels, labels->items[i].key,
                      labels->items[i].value);
    drop_all_signatures(I);
}

/* ---- inspection ---------------------------------------------------------- */

int64_t ks_ipa_map_get(const void *instance, ks_ipa_map map, const char *key,
                       const char *value, int *present)
{
    const ipa_instance *I = instance;
    int found = 0;
    int64_t v = 0;
    int32_t key_id = ks_topology_key_find(I->topo, key);
    int32_t d = key_id < 0 ? KS_TOPO_UNKNOWN
                           : ks_topology_domain_find(I->topo, (uint32_t)key_id,
                                                     value);
    if (map == KS_IPA_MAP_SCORE && key_id >= 0) {
        v = score_pair(&I->smap, (uint32_t)key_id, d, &found);
    } else if (key_id >= 0) {
        v = dom_get(&I->fdom, map, (uint32_t)key_id, d, &found);
        if (v == 0)
            found = 0; /* upstream deletes pairs that fall to 0 */
    }
    if (present)
        *present = found;
    return v;
}

size_t ks_ipa_map_size(const void *instance, ks_ipa_map map)
{
    const ipa_instance *I = instance;
    if (map != KS_IPA_MAP_SCORE)
        return I->fdom.nonzero[map];
    const score_map *m = &I->smap;
    size_t n = 0;
    for (size_t i = 0; i < m->nkeys; i++) {
        size_t ndom = ks_topology_ndomains(I->topo, m->keys[i]);
        for (size_t d = 0; d < ndom; d++) {
            int present;
            score_pair(m, m->keys[i], (int32_t)d, &present);
            n += (size_t)present;
        }
    }
    return n;
}

void ks_ipa_map_foreach(const void *instance, ks_ipa_map map,
                        void (*fn)(void *ctx, const char *key,
                                   const char *value, int64_t count),
                        void *ctx)
{
    const ipa_instance *I = instance;
    if (map == KS_IPA_MAP_SCORE) {
        const score_map *m = &I->smap;
        for (size_t i = 0; i < m->nkeys; i++) {
            size_t ndom = ks_topology_ndomains(I->topo, m->keys[i]);
            for (size_t d = 0; d < ndom; d++) {
                int present;
                int64_t w = score_pair(m, m->keys[i], (int32_t)d, &present);
                if (present)
                    fn(ctx, ks_topology_key_name(I->topo, m->keys[i]),
                       ks_topology_domain_name(I->topo, m->keys[i],
                                               (int32_t)d),
                       w);
            }
        }
        return;
    }
    const dom_table *t = &I->fdom;
    for (size_t k = 0; k < t->nrows[map]; k++) {
        const pair_row *row = &t->rows[map][k];
        for (size_t d = 0; d < row->cap; d++)
            if (row->slot[d].stamp == t->stamp && row->slot[d].count != 0)
                fn(ctx, ks_topology_key_name(I->topo, (uint32_t)k),
                   ks_topology_domain_name(I->topo, (uint32_t)k, (int32_t)d),
                   row->slot[d].count);
    }
}

size_t ks_ipa_signature_builds(const void *instance)
{
    const ipa_instance *I = instance;
    return I->builds;
}
