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
 *     interned.  Pods sharing a spec share labels, namespace and terms, so
 *     whether a term matches a pod depends only on the two specs.
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
 *   - A cycle turns per-node counts into per-topology-domain counts: for
 *     the incoming pod's terms, from their signatures; for existing pods'
 *     terms, from each bound spec whose term matches the incoming pod (the
 *     verdict is computed once per spec per cycle); only nodes with a
 *     non-zero count are visited.
 *   - Between a successful PreFilter and the next PreScore, pod events
 *     also update the PreFilter counts (updateWithPod), so the preemption
 *     what-if's Filter calls see the pods it takes off a node.
 * Complexity (N nodes, S live signatures, B specs with bound pods and
 * terms, t terms per spec, L labels per node, n_x the nodes holding pods
 * of x):
 *   pod_added, pod_removed: O(S * t) selector matches + O(1) hashed count
 *     updates (+ O(t) once per new spec to compile it);
 *   PreFilter: O(B * t) verdicts + O((sum of n_x over the matching
 *     specs and the pod's signatures) * log L), at most O(N * t * log L)
 *     per term, plus, the first time a signature is needed, one pass over
 *     the specs with bound pods;
 *   Filter: O(t * log L) per node (hash lookups of topology pairs);
 *   PreScore: as PreFilter, over the preferred and scoring terms;
 *   Score: O(k * log L) per node for k topology keys; NormalizeScore O(n).
 * No per-node allocation in a cycle: the pair tables and counters grow
 * geometrically and are reused.
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
 * entry whose count falls to 0 stays until they are most of the list. */
typedef struct node_counter {
    uint32_t *node;
    uint32_t *count;
    size_t n, cap, nonzero;
    uint32_t *slot; /* entry + 1, 0 = empty; nslots a power of two */
    size_t nslots;
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

/* Per-cycle topology-pair counts: (map, key, value) -> count, cleared by
 * bumping stamp. */
typedef struct dom_entry {
    uint64_t stamp;
    const char *value;
    uint64_t hash;
    uint32_t key_id;
    uint32_t map;
    int64_t count;
} dom_entry;

typedef struct dom_table {
    dom_entry *e;
    size_t cap, used;
    uint64_t stamp;
    size_t nentries[KS_IPA_NMAPS];
    /* Pairs whose count is not 0: upstream deletes a pair that AddPod /
     * RemovePod bring back to 0, so "the map is empty" means this is 0. */
    size_t nonzero[KS_IPA_NMAPS];
    uint32_t *keys[KS_IPA_NMAPS]; /* key ids present in each map */
    size_t nkeys[KS_IPA_NMAPS], keys_cap[KS_IPA_NMAPS];
} dom_table;

typedef struct ipa_instance {
    char **keys;
    size_t nkeys, keys_cap;
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
    dom_table fdom, sdom;
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

static const ks_labels *node_labels(const ks_cluster *c, uint32_t n)
{
    return &c->node_info[n].labels;
}

static uint32_t intern_key(ipa_instance *I, const char *key)
{
    for (size_t i = 0; i < I->nkeys; i++)
        if (strcmp(I->keys[i], key) == 0)
            return (uint32_t)i;
    I->keys = ks_xgrow(I->keys, &I->keys_cap, I->nkeys + 1, sizeof(char *));
    I->keys[I->nkeys] = ks_xstrdup(key);
    return (uint32_t)I->nkeys++;
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

static void nc_sub(node_counter *nc, uint32_t node)
{
    if (!nc->nslots)
        return;
    size_t i = nc_find(nc, node);
    if (!nc->slot[i] || nc->count[nc->slot[i] - 1] == 0)
        return; /* not counted: cannot happen with paired events */
    if (--nc->count[nc->slot[i] - 1] == 0 &&
        --nc->nonzero * 2 + 32 < nc->n)
        nc_compact(nc);
}

static void nc_free(node_counter *nc)
{
    free(nc->node);
    free(nc->count);
    free(nc->slot);
    *nc = (node_counter){0};
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
    ct->key_id = intern_key(I, t->topology_key ? t->topology_key : "");
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
static const spec_info *memoize(ipa_instance *I, spec_info *info)
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
static const signature *sig_get(ipa_instance *I, spec_info *info, int kind,
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
    if (info->nbound++ == 0) {
        spec_list_add(&I->active, info, &info->active_pos);
        if (has_existing_terms(info))
            spec_list_add(&I->active_terms, info, &info->active_terms_pos);
    }
    nc_add(&info->bound, st->node, 1);
    for (size_t i = 0; i < I->nsigs; i++)
        if (I->sigs[i].live && sig_matches(I, &I->sigs[i], info))
            nc_add(&I->sigs[i].nc, st->node, 1);
    if (I->pf_live)
        update_prefilter_state(I, c, info, st->node, 1);
}

static void ipa_pod_removed(void *instance, const ks_cluster *c, uint32_t pod)
{
    (void)c;
    ipa_instance *I = instance;
    if (pod >= I->pods_cap || !I->pods[pod].counted)
        return;
    pod_state *st = &I->pods[pod];
    spec_info *info = st->info;
    nc_sub(&info->bound, st->node);
    if (--info->nbound == 0) {
        spec_list_remove(&I->active, info->active_pos, active_pos);
        if (has_existing_terms(info))
            spec_list_remove(&I->active_terms, info->active_terms_pos,
                             active_terms_pos);
    }
    for (size_t i = 0; i < I->nsigs; i++)
        if (I->sigs[i].live && sig_matches(I, &I->sigs[i], info))
            nc_sub(&I->sigs[i].nc, st->node);
    if (I->pf_live)
        update_prefilter_state(I, c, info, st->node, -1);
    st->counted = 0;
}

/* ---- topology-pair tables ------------------------------------------------ */

static void dom_reset(dom_table *t)
{
    t->stamp++;
    t->used = 0;
    for (int m = 0; m < KS_IPA_NMAPS; m++)
        t->nentries[m] = t->nonzero[m] = t->nkeys[m] = 0;
}

static uint64_t pair_hash(uint32_t map, uint32_t key_id, const char *value)
{
    return mix(mix(hash_str(value, 14695981039346656037ULL), key_id), map);
}

static dom_entry *dom_find(const dom_table *t, uint32_t map, uint32_t key_id,
                           const char *value, uint64_t h)
{
    if (!t->cap)
        return NULL;
    for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        dom_entry *e = &t->e[i];
        if (e->stamp != t->stamp)
            return e; /* the empty slot where it would go */
        if (e->hash == h && e->map == map && e->key_id == key_id &&
            strcmp(e->value, value) == 0)
            return e;
    }
}

static void dom_grow(dom_table *t)
{
    size_t cap = t->cap ? 2 * t->cap : 256;
    dom_entry *old = t->e;
    size_t old_cap = t->cap;
    t->e = ks_xcalloc(cap, sizeof(dom_entry));
    t->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].stamp != t->stamp)
            continue;
        size_t j = (size_t)old[i].hash & (cap - 1);
        while (t->e[j].stamp == t->stamp)
            j = (j + 1) & (cap - 1);
        t->e[j] = old[i];
    }
    free(old);
}

static void dom_add(dom_table *t, uint32_t map, uint32_t key_id,
                    const char *value, int64_t delta)
{
    if (2 * (t->used + 1) > t->cap)
        dom_grow(t);
    uint64_t h = pair_hash(map, key_id, value);
    dom_entry *e = dom_find(t, map, key_id, value, h);
    if (e->stamp == t->stamp) {
        int was = e->count != 0;
        e->count += delta;
        t->nonzero[map] += (size_t)(e->count != 0) - (size_t)was;
        return;
    }
    *e = (dom_entry){.stamp = t->stamp, .value = value, .hash = h,
                     .key_id = key_id, .map = map, .count = delta};
    t->used++;
    t->nentries[map]++;
    t->nonzero[map] += delta != 0;
    for (size_t i = 0; i < t->nkeys[map]; i++)
        if (t->keys[map][i] == key_id)
            return;
    t->keys[map] = ks_xgrow(t->keys[map], &t->keys_cap[map],
                            t->nkeys[map] + 1, sizeof(uint32_t));
    t->keys[map][t->nkeys[map]++] = key_id;
}

static int64_t dom_get(const dom_table *t, uint32_t map, uint32_t key_id,
                       const char *value, int *present)
{
    const dom_entry *e =
        dom_find(t, map, key_id, value, pair_hash(map, key_id, value));
    int found = e && e->stamp == t->stamp;
    if (present)
        *present = found;
    return found ? e->count : 0;
}

static void dom_free(dom_table *t)
{
    free(t->e);
    for (int m = 0; m < KS_IPA_NMAPS; m++)
        free(t->keys[m]);
}

/* Adds count * mult to (key, node's value) for every node with a count;
 * returns whether any pair was touched (upstream's processTerm matched on
 * a node carrying the key). */
static int add_counts(ipa_instance *I, dom_table *t, uint32_t map,
                      const node_counter *nc, uint32_t key_id, int64_t mult,
                      const ks_cluster *c)
{
    int any = 0;
    const char *key = I->keys[key_id];
    for (size_t e = 0; e < nc->n; e++) {
        uint32_t n = nc->node[e];
        if (!nc->count[e] || n >= c->nnodes)
            continue;
        const char *v = ks_labels_get(node_labels(c, n), key);
        if (v) {
            dom_add(t, map, key_id, v, (int64_t)nc->count[e] * mult);
            any = 1;
        }
    }
    return any;
}

static void begin_cycle(ipa_instance *I, spec_info *incoming)
{
    I->stamp++;
    I->cur = incoming;
}

/* ---- PreFilter and Filter ------------------------------------------------ */

/* getExistingAntiAffinityCounts: each bound spec's required anti-affinity
 * terms matching the incoming pod count its pods under the term's key. */
static void count_existing_anti(ipa_instance *I, const ks_cluster *c)
{
    for (size_t i = 0; i < I->active_terms.n; i++) {
        const spec_info *e = memoize(I, I->active_terms.v[i]);
        for (size_t j = 0; j < e->nterms[T_REQ_ANTI]; j++)
            if (e->memo[T_REQ_ANTI][j])
                add_counts(I, &I->fdom, KS_IPA_MAP_EXISTING_ANTI, &e->bound,
                           e->terms[T_REQ_ANTI][j].key_id, 1, c);
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
    dom_reset(&I->fdom);
    count_existing_anti(I, c);
    /* updateWithAffinityTerms: pods matching all terms count once per
     * term, under each term's topology key. */
    if (info->nterms[T_REQ_AFF]) {
        const signature *s = sig_get(I, info, T_REQ_AFF, 0);
        for (size_t j = 0; j < info->nterms[T_REQ_AFF]; j++)
            add_counts(I, &I->fdom, KS_IPA_MAP_AFFINITY, &s->nc,
                          info->terms[T_REQ_AFF][j].key_id, 1, c);
    }
    for (size_t j = 0; j < info->nterms[T_REQ_ANTI]; j++) {
        const signature *s = sig_get(I, info, T_REQ_ANTI, j);
        add_counts(I, &I->fdom, KS_IPA_MAP_ANTI_AFFINITY, &s->nc,
                      info->terms[T_REQ_ANTI][j].key_id, 1, c);
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
    const ks_labels *labels = node_labels(c, node);
    for (size_t j = 0; j < info->nterms[T_REQ_ANTI]; j++) {
        const cterm *t = &info->terms[T_REQ_ANTI][j];
        const char *v = ks_labels_get(labels, I->keys[t->key_id]);
        if (v && term_matches(I, t, in))
            dom_add(&I->fdom, KS_IPA_MAP_EXISTING_ANTI, t->key_id, v, delta);
    }
    int all = in->nterms[T_REQ_AFF] != 0;
    for (size_t j = 0; j < in->nterms[T_REQ_AFF] && all; j++)
        all = term_matches(I, &in->terms[T_REQ_AFF][j], info);
    for (size_t j = 0; all && j < in->nterms[T_REQ_AFF]; j++) {
        const cterm *t = &in->terms[T_REQ_AFF][j];
        const char *v = ks_labels_get(labels, I->keys[t->key_id]);
        if (v)
            dom_add(&I->fdom, KS_IPA_MAP_AFFINITY, t->key_id, v, delta);
    }
    for (size_t j = 0; j < in->nterms[T_REQ_ANTI]; j++) {
        const cterm *t = &in->terms[T_REQ_ANTI][j];
        const char *v = ks_labels_get(labels, I->keys[t->key_id]);
        if (v && term_matches(I, t, info))
            dom_add(&I->fdom, KS_IPA_MAP_ANTI_AFFINITY, t->key_id, v, delta);
    }
}

/* satisfyPodAffinity */
static int satisfies_affinity(ipa_instance *I, const ks_labels *labels)
{
    const spec_info *info = I->pf_info;
    int pods_exist = 1;
    for (size_t j = 0; j < info->nterms[T_REQ_AFF]; j++) {
        uint32_t key_id = info->terms[T_REQ_AFF][j].key_id;
        const char *v = ks_labels_get(labels, I->keys[key_id]);
        if (!v)
            return 0; /* every topology key must be on the node */
        if (dom_get(&I->fdom, KS_IPA_MAP_AFFINITY, key_id, v, NULL) <= 0)
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
static int satisfies_anti_affinity(const ipa_instance *I,
                                   const ks_labels *labels)
{
    if (I->fdom.nonzero[KS_IPA_MAP_ANTI_AFFINITY] == 0)
        return 1;
    const spec_info *info = I->pf_info;
    for (size_t j = 0; j < info->nterms[T_REQ_ANTI]; j++) {
        uint32_t key_id = info->terms[T_REQ_ANTI][j].key_id;
        const char *v = ks_labels_get(labels, I->keys[key_id]);
        if (v && dom_get(&I->fdom, KS_IPA_MAP_ANTI_AFFINITY, key_id, v,
                         NULL) > 0)
            return 0;
    }
    return 1;
}

/* satisfyExistingPodsAntiAffinity: any of the node's (key, value) pairs
 * counted; only the keys present in the map can be. */
static int satisfies_existing(const ipa_instance *I, const ks_labels *labels)
{
    const dom_table *t = &I->fdom;
    for (size_t i = 0; i < t->nkeys[KS_IPA_MAP_EXISTING_ANTI]; i++) {
        uint32_t key_id = t->keys[KS_IPA_MAP_EXISTING_ANTI][i];
        const char *v = ks_labels_get(labels, I->keys[key_id]);
        if (v && dom_get(t, KS_IPA_MAP_EXISTING_ANTI, key_id, v, NULL) > 0)
            return 0;
    }
    return 1;
}

static ks_status ipa_filter(const ks_plugin_call *call, const ks_node *node)
{
    ipa_instance *I = call->instance;
    if (!I->pf_pod || I->pf_pod != call->pod)
        return ks_status_make(KS_STATUS_ERROR, 0, msg_no_state);
    const ks_labels *labels =
        &ks_cluster_node_info(call->cluster, node)->labels;
    if (!satisfies_affinity(I, labels))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_IPA_AFFINITY_MISMATCH, msg_affinity);
    if (!satisfies_anti_affinity(I, labels))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE,
                              KS_IPA_ANTI_AFFINITY_MISMATCH, msg_anti);
    if (!satisfies_existing(I, labels))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE,
                              KS_IPA_EXISTING_ANTI_AFFINITY, msg_existing);
    return ks_status_ok();
}

/* ---- PreScore, Score, NormalizeScore ------------------------------------- */

/* processExistingPod, the existing pod's side: its required affinity
 * terms (hardPodAffinityWeight when > 0) and preferred terms matching the
 * incoming pod, per bound spec, times its pods on each node. */
static int score_existing(ipa_instance *I, const ks_cluster *c,
                          int32_t hard_weight)
{
    static const int kinds[3] = {T_REQ_AFF, T_PREF_AFF, T_PREF_ANTI};
    int any = 0;
    for (size_t i = 0; i < I->active_terms.n; i++) {
        const spec_info *e = memoize(I, I->active_terms.v[i]);
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
                any |= add_counts(I, &I->sdom, KS_IPA_MAP_SCORE, &e->bound,
                                  t->key_id, w, c);
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
    dom_reset(&I->sdom);
    int any = 0;
    for (int kind = T_PREF_AFF; kind <= T_PREF_ANTI; kind++)
        for (size_t j = 0; j < info->nterms[kind]; j++) {
            const cterm *t = &info->terms[kind][j];
            const signature *s = sig_get(I, info, kind, j);
            int64_t w = kind == T_PREF_AFF ? t->weight : -(int64_t)t->weight;
            any |= add_counts(I, &I->sdom, KS_IPA_MAP_SCORE, &s->nc, t->key_id,
                                 w, c);
        }
    any |= score_existing(I, c, args->hard_pod_affinity_weight);
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
    const ks_labels *labels =
        &ks_cluster_node_info(call->cluster, node)->labels;
    const dom_table *t = &I->sdom;
    int64_t score = 0;
    for (size_t i = 0; i < t->nkeys[KS_IPA_MAP_SCORE]; i++) {
        uint32_t key_id = t->keys[KS_IPA_MAP_SCORE][i];
        const char *v = ks_labels_get(labels, I->keys[key_id]);
        if (v)
            score += dom_get(t, KS_IPA_MAP_SCORE, key_id, v, NULL);
    }
    return score;
}

/* scoring.go NormalizeScore: min-max scaling in float64, truncated. */
static void ipa_normalize(const ks_plugin_call *call, int64_t *scores,
                          size_t n)
{
    ipa_instance *I = call->instance;
    if (I->sdom.nentries[KS_IPA_MAP_SCORE] == 0)
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
    return ks_xcalloc(1, sizeof(ipa_instance));
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
    for (size_t i = 0; i < I->nkeys; i++)
        free(I->keys[i]);
    free(I->keys);
    for (size_t i = 0; i < I->nns; i++) {
        free(I->ns[i].name);
        ks_labels_free(&I->ns[i].labels);
    }
    free(I->ns);
    free(I->pods);
    free(I->active.v);
    free(I->active_terms.v);
    dom_free(&I->fdom);
    dom_free(&I->sdom);
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

static const dom_table *table_of(const ipa_instance *I, ks_ipa_map map)
{
    return map == KS_IPA_MAP_SCORE ? &I->sdom : &I->fdom;
}

int64_t ks_ipa_map_get(const void *instance, ks_ipa_map map, const char *key,
                       const char *value, int *present)
{
    const ipa_instance *I = instance;
    int found = 0;
    int64_t v = 0;
    for (size_t i = 0; i < I->nkeys && !found; i++)
        if (strcmp(I->keys[i], key) == 0)
            v = dom_get(table_of(I, map), map, (uint32_t)i, value, &found);
    if (map != KS_IPA_MAP_SCORE && v == 0)
        found = 0; /* upstream deletes pairs that fall to 0 */
    if (present)
        *present = found;
    return v;
}

size_t ks_ipa_map_size(const void *instance, ks_ipa_map map)
{
    const ipa_instance *I = instance;
    const dom_table *t = table_of(I, map);
    return map == KS_IPA_MAP_SCORE ? t->nentries[map] : t->nonzero[map];
}

void ks_ipa_map_foreach(const void *instance, ks_ipa_map map,
                        void (*fn)(void *ctx, const char *key,
                                   const char *value, int64_t count),
                        void *ctx)
{
    const ipa_instance *I = instance;
    const dom_table *t = table_of(I, map);
    for (size_t i = 0; i < t->cap; i++) {
        const dom_entry *e = &t->e[i];
        if (e->stamp == t->stamp && e->map == (uint32_t)map &&
            (e->count != 0 || map == KS_IPA_MAP_SCORE))
            fn(ctx, I->keys[e->key_id], e->value, e->count);
    }
}

size_t ks_ipa_signature_builds(const void *instance)
{
    const ipa_instance *I = instance;
    return I->builds;
}
