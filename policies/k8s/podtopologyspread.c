/* podtopologyspread.c - PodTopologySpread: spread matching pods over
 * topology domains (Filter for DoNotSchedule, Score for ScheduleAnyway).
 * Semantics summarized in podtopologyspread.h.
 *
 * Re-implemented from (never copied) upstream Kubernetes,
 * pkg/scheduler/framework/plugins/podtopologyspread/:
 *   common.go (commit 76b564f18e87): filterTopologySpreadConstraints,
 *     mergeLabelSetWithSelector, countPodsMatchSelector,
 *     matchNodeInclusionPolicies, buildDefaultConstraints,
 *     nodeLabelsMatchSpreadConstraints;
 *   filtering.go (commit 01c2588bf4a3, and a later tree that keeps an
 *     exact minimum (DomainsAtCount) instead of two critical paths: same
 *     PreFilter and Filter verdicts): calPreFilterState, minMatchNum,
 *     Filter, AddPod/RemovePod (updateWithPod);
 *   scoring.go (commit 7d6a59c19f31): initPreScoreState, PreScore, Score,
 *     NormalizeScore, topologyNormalizingWeight, scoreForCount;
 *   plugin.go (v1.35/v1.36 tree with SignPlugin): systemDefaultConstraints,
 *     New, getConstraints, the error reasons;
 *   apis/config/validation/validation_pluginargs.go:
 *     ValidatePodTopologySpreadArgs.
 * Feature gates as in v1.36: NodeInclusionPolicyInPodTopologySpread and
 * MatchLabelKeysInPodTopologySpread on; the alpha gates (in-place resize
 * deferral, taint comparison operators) off.
 *
 * Why incremental.  Upstream's PreFilter and PreScore walk every pod of
 * every node on each cycle, O(P) per decision.  Here the instance keeps, for
 * each distinct "signature" -- (namespace, selector after the matchLabelKeys
 * merge) -- the number of matching bound pods on each node, updated by the
 * framework's pod_added/pod_removed hooks.  The topology key is not part of
 * the signature: it only decides how node counts are summed, so a zone and
 * a hostname constraint with the same selector share one count array.
 * Signatures are found by hash (pods of one generator or Deployment share a
 * spec, hence one signature per constraint), deduplicated by content, and
 * each one is built the first time it is seen by one scan of the bound pods.
 *
 * Topology domains come from a topology index (sim/topology.h) owned by
 * the instance: per key, an integer domain id per node, re-read only when
 * the cluster's node_info_version moves.  Each signature also keeps its
 * counts summed per domain of the keys it is read under (ks_domain_sums),
 * following every count change and rebuilt when the key's domains move.
 * When every node carrying the constraints' keys is eligible -- the keys
 * cover the same nodes (cached per key set and epochs), no Honor policy
 * excludes a node (node affinity: the pod has no nodeSelector nor required
 * node affinity; taints: no node has a NoSchedule or NoExecute taint,
 * cached per node_info_version) -- PreFilter and PreScore copy those
 * domain sums, O(D), instead of walking the nodes; otherwise they walk the
 * nodes with integer domain ids (no label lookup, no string compare).
 *
 * Complexity (N nodes, P bound pods, S signatures, C constraints of the pod,
 * D domains, F filtered nodes, m = cost of one selector match):
 *   pod_added / pod_removed: O(S * m), with the last verdict per signature
 *     memoized by spec (pods of one template cost one match), plus O(1) per
 *     domain sum kept, plus O(C) to follow the pod in the cycle's PreFilter
 *     state (O(1) minimum);
 *   first sight of a signature: O(P * m), once for the instance's life;
 *   first use of a signature under a key, or after the key's domains
 *     moved: O(N);
 *   a node added or relabelled: O(N * K) label lookups at the next cycle,
 *     for the K keys in use;
 *   PreFilter: O(D * C) when every node is eligible, else O(N * C)
 *     additions + the pod's node affinity / toleration checks per node when
 *     a policy is Honor; O(D) for the minimum -- no pod is visited;
 *   Filter: O(C) per node; PreScore: O(F * C + D * C) when every node is
 *     eligible, else O(N * C); Score: O(C); Normalize: O(F).
 *   Memory: O(S * N) counts, O(K * N) domain ids, O(S * K * D) domain sums,
 *   one byte per pod.
 *
 * Consistency contract: pod_added is called right after the cluster binds a
 * pod, pod_removed right after it releases one (plugin.h), and
 * ks_pts_pod_terminating when a bound pod starts terminating.  A pod bound
 * but not yet reported when a signature is built is absorbed by the scan
 * (and its later pod_added ignored); ks_pts_check compares every signature
 * (and its current domain sums) with a full recount.
 *
 * Preemption.  Its what-if takes pods off a node and puts them back through
 * the same hooks; besides the counts, the hooks then update the current
 * cycle's PreFilter state exactly as upstream's AddPod/RemovePod update the
 * cloned state (updateWithPod), with the global minimum kept exact by a
 * histogram of domain counts (the newer upstream tree's DomainsAtCount;
 * the older criticalPaths could overestimate it after an AddPod).
 */
#include "policies/k8s/podtopologyspread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/topology.h"
#include "sim/xalloc.h"

/* plugin.go ErrReasonConstraintsNotMatch, ErrReasonNodeLabelNotMatch. */
static const char msg_not_match[] =
    "node(s) didn't match pod topology spread constraints";
static const char msg_missing_label[] =
    "node(s) didn't match pod topology spread constraints "
    "(missing required label)";
/* The wrapped errors of calPreFilterState / PreScore for a selector that
 * metav1.LabelSelectorAsSelector rejects, and of Filter without state. */
static const char msg_filter_error[] =
    "get constraints from pod: obtaining pod's hard topology spread "
    "constraints: invalid label selector";
static const char msg_score_error[] =
    "calculating preScoreState: obtaining pod's soft topology spread "
    "constraints: invalid label selector";
static const char msg_no_state[] =
    "reading \"PreFilterPodTopologySpread\" from cycleState: not found";

/* v1.LabelHostname, v1.LabelTopologyZone. */
static const char label_hostname[] = "kubernetes.io/hostname";

static const ks_pts_args default_args = {KS_PTS_SYSTEM_DEFAULTING, NULL, 0};

/* plugin.go systemDefaultConstraints (inclusion policies at their API
 * defaults: Honor for node affinity, Ignore for taints). */
static const ks_topology_spread system_defaults[] = {
    {.max_skew = 3,
     .topology_key = "kubernetes.io/hostname",
     .when_unsatisfiable = KS_SCHEDULE_ANYWAY,
     .node_affinity_policy = KS_POLICY_HONOR,
     .node_taints_policy = KS_POLICY_IGNORE},
    {.max_skew = 5,
     .topology_key = "topology.kubernetes.io/zone",
     .when_unsatisfiable = KS_SCHEDULE_ANYWAY,
     .node_affinity_policy = KS_POLICY_HONOR,
     .node_taints_policy = KS_POLICY_IGNORE},
};

static const ks_labels no_labels = {NULL, 0};

/* ---- small helpers ------------------------------------------------------- */

static const char *ns_of(const ks_pod_spec *spec)
{
    return spec && spec->namespace_name ? spec->namespace_name : "default";
}

static const ks_labels *labels_of(const ks_pod_spec *spec)
{
    return spec ? &spec->labels : &no_labels;
}

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* FNV-1a of s and a terminator, so that ("ab","c") and ("a","bc") differ. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    h ^= 0xffu;
    return h * FNV_PRIME;
}

static uint64_t hash_int(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= FNV_PRIME;
    }
    return h;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 16;
    while (c < n)
        c *= 2;
    return c;
}

/* ---- selector validation (metav1.LabelSelectorAsSelector) -------------- */

static int requirement_parses(const ks_requirement *r)
{
    ks_requirement copy = *r;
    ks_node_selector_term t = {0};
    t.match_expressions = &copy;
    t.nexpressions = 1;
    return ks_node_selector_term_parses(&t);
}

/* matchLabels become Equals requirements and matchExpressions In, NotIn,
 * Exists or DoesNotExist ones, each checked by labels.NewRequirement. */
static int selector_parses(const ks_label_selector *s)
{
    for (size_t i = 0; i < s->match_labels.n; i++) {
        char *values[1] = {s->match_labels.items[i].value};
        ks_requirement r = {s->match_labels.items[i].key, KS_OP_IN, values, 1};
        if (!requirement_parses(&r))
            return 0;
    }
    for (size_t i = 0; i < s->nexpressions; i++) {
        const ks_requirement *r = &s->match_expressions[i];
        if (r->op == KS_OP_GT || r->op == KS_OP_LT || !requirement_parses(r))
            return 0;
    }
    return 1;
}

static int selector_is_empty(const ks_label_selector *s)
{
    return s->match_labels.n == 0 && s->nexpressions == 0;
}

static void selector_copy(ks_label_selector *dst, const ks_label_selector *src)
{
    *dst = (ks_label_selector){0};
    for (size_t i = 0; i < src->match_labels.n; i++)
        ks_labels_set(&dst->match_labels, src->match_labels.items[i].key,
                      src->match_labels.items[i].value);
    if (src->nexpressions == 0)
        return;
    dst->match_expressions =
        ks_xcalloc(src->nexpressions, sizeof *dst->match_expressions);
    dst->nexpressions = src->nexpressions;
    for (size_t i = 0; i < src->nexpressions; i++) {
        const ks_requirement *s = &src->match_expressions[i];
        ks_requirement *d = &dst->match_expressions[i];
        d->key = ks_xstrdup(s->key);
        d->op = s->op;
        d->nvalues = s->nvalues;
        if (s->nvalues)
            d->values = ks_xcalloc(s->nvalues, sizeof *d->values);
        for (size_t v = 0; v < s->nvalues; v++)
            d->values[v] = ks_xstrdup(s->values[v]);
    }
}

/* ---- signatures: per-node counts of the pods matching a selector ------- */

/* What a merged selector is, as labels.Selector: Nothing (no labelSelector:
 * matches no pod), Everything (no requirement: countPodsMatchSelector
 * counts no pod, yet the incoming pod matches it) or real requirements. */
enum { SIG_NOTHING, SIG_EMPTY, SIG_SELECTOR };

typedef struct signature {
    uint64_t hash;
    char *ns;
    int kind;
    ks_label_selector sel; /* owned copy */
    ks_labels extra;       /* matchLabelKeys pairs, ANDed */
    int32_t *counts;       /* matching bound pods per node */
    size_t ncounts;
    /* The same counts summed per domain of a topology key, built when a
     * cycle first needs them and kept with the node counts. */
    ks_domain_sums *dsums;
    size_t ndsums, dsums_cap;
    /* The last spec matched: pods of one template share it. */
    const ks_pod_spec *memo_spec;
    int memo_valid;
    int memo_match;
} signature;

/* A signature being looked up (borrowed pointers, no allocation). */
typedef struct probe {
    const char *ns;
    int kind;
    const ks_label_selector *sel;
    const ks_kv *extra; /* sorted by key, no duplicates */
    size_t nextra;
} probe;

static uint64_t probe_hash(const probe *q)
{
    uint64_t h = hash_str(FNV_OFFSET, q->ns);
    h = hash_int(h, (uint64_t)q->kind);
    if (q->kind != SIG_SELECTOR)
        return h;
    const ks_label_selector *s = q->sel;
    for (size_t i = 0; i < s->match_labels.n; i++) {
        h = hash_str(h, s->match_labels.items[i].key);
        h = hash_str(h, s->match_labels.items[i].value);
    }
    h = hash_int(h, s->nexpressions);
    for (size_t i = 0; i < s->nexpressions; i++) {
        const ks_requirement *r = &s->match_expressions[i];
        h = hash_str(h, r->key);
        h = hash_int(h, (uint64_t)r->op);
        h = hash_int(h, r->nvalues);
        for (size_t v = 0; v < r->nvalues; v++)
            h = hash_str(h, r->values[v]);
    }
    h = hash_int(h, q->nextra);
    for (size_t i = 0; i < q->nextra; i++) {
        h = hash_str(h, q->extra[i].key);
        h = hash_str(h, q->extra[i].value);
    }
    return h;
}

static int requirements_equal(const ks_requirement *a, const ks_requirement *b)
{
    if (strcmp(a->key, b->key) != 0 || a->op != b->op ||
        a->nvalues != b->nvalues)
        return 0;
    for (size_t v = 0; v < a->nvalues; v++)
        if (strcmp(a->values[v], b->values[v]) != 0)
            return 0;
    return 1;
}

static int kvs_equal(const ks_kv *a, size_t na, const ks_kv *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i].key, b[i].key) != 0 ||
            strcmp(a[i].value, b[i].value) != 0)
            return 0;
    return 1;
}

static int probe_equals(const probe *q, uint64_t h, const signature *s)
{
    if (s->hash != h || s->kind != q->kind || strcmp(s->ns, q->ns) != 0)
        return 0;
    if (q->kind != SIG_SELECTOR)
        return 1;
    const ks_label_selector *a = q->sel, *b = &s->sel;
    if (!kvs_equal(a->match_labels.items, a->match_labels.n,
                   b->match_labels.items, b->match_labels.n) ||
        a->nexpressions != b->nexpressions)
        return 0;
    for (size_t i = 0; i < a->nexpressions; i++)
        if (!requirements_equal(&a->match_expressions[i],
                                &b->match_expressions[i]))
            return 0;
    return kvs_equal(q->extra, q->nextra, s->extra.items, s->extra.n);
}

static void signature_free(signature *s)
{
    if (!s)
        return;
    free(s->ns);
    ks_label_selector_free(&s->sel);
    ks_labels_free(&s->extra);
    free(s->counts);
    for (size_t i = 0; i < s->ndsums; i++)
        ks_domain_sums_free(&s->dsums[i]);
    free(s->dsums);
    free(s);
}

/* The merged selector against a label set: the matchLabelKeys pairs, then
 * the labelSelector. */
static int signature_matches_labels(const signature *s, const ks_labels *l)
{
    if (s->kind == SIG_NOTHING)
        return 0;
    for (size_t i = 0; i < s->extra.n; i++) {
        const char *v = ks_labels_get(l, s->extra.items[i].key);
        if (!v || strcmp(v, s->extra.items[i].value) != 0)
            return 0;
    }
    return ks_label_selector_matches(&s->sel, l);
}

/* countPodsMatchSelector's test for one pod: a selector with requirements,
 * the same namespace, a match.  (Terminating pods are kept out of the
 * counts by the callers.) */
static int signature_counts(signature *s, const ks_pod_spec *spec)
{
    if (s->kind != SIG_SELECTOR)
        return 0;
    if (s->memo_valid && s->memo_spec == spec)
        return s->memo_match;
    int m = strcmp(ns_of(spec), s->ns) == 0 &&
            signature_matches_labels(s, labels_of(spec));
    s->memo_spec = spec;
    s->memo_valid = 1;
    s->memo_match = m;
    return m;
}

static void signature_reserve(signature *s, size_t nnodes)
{
    if (nnodes <= s->ncounts)
        return;
    s->counts = ks_xrealloc(s->counts, nnodes * sizeof *s->counts);
    memset(s->counts + s->ncounts, 0,
           (nnodes - s->ncounts) * sizeof *s->counts);
    s->ncounts = nnodes;
}

static int64_t signature_count(const signature *s, size_t node)
{
    return node < s->ncounts ? s->counts[node] : 0;
}

/* ---- per-cycle state ----------------------------------------------------- */

/* One constraint of the pod being scheduled (topologySpreadConstraint). */
typedef struct constraint {
    signature *sig;
    uint32_t key;         /* topology key id in the instance's index */
    int hostname;         /* the key is kubernetes.io/hostname */
    const int32_t *dom;   /* the key's domain per node (after the sync) */
    ks_topology_view view; /* the same, checked, for Filter and Score */
    int32_t empty_id;     /* PreScore under system defaults: domain "" */
    int32_t max_skew;
    int32_t min_domains;
    ks_inclusion_policy affinity_policy;
    ks_inclusion_policy taints_policy;
    size_t off;  /* first slot of its domains in the flat arrays */
    size_t ndom; /* domains laid out */
    /* Filter */
    int self_match;
    int64_t min_match;
    size_t present;
    /* Score */
    size_t topo_size;
    double weight;
} constraint;

/* How many domains hold each count (open addressing; HIST_FREE marks a
 * free slot), so that the global minimum stays exact in O(1) when
 * preemption's what-if moves one pod (as upstream's DomainsAtCount). */
#define HIST_FREE INT64_MIN

typedef struct hist {
    int64_t *key;
    int32_t *val;
    size_t cap, used;
} hist;

/* The most distinct keys whose node coverage is cached per cycle state;
 * pods with more take the per-node walk. */
#define COVER_MAX 8

/* The constraints of one action for one pod, and their per-domain sums,
 * flat. */
typedef struct cycle_state {
    const ks_pod_spec *spec; /* the pod's (stable: owned by the cluster) */
    constraint *cons;
    size_t n, cap;
    int64_t *sums;  /* matching pods per (constraint, domain) */
    uint8_t *mark;  /* domain registered (Filter) / tracked (Score) */
    size_t slots_cap;
    uint8_t *term_ok; /* the pod's required node affinity terms parse */
    size_t term_ok_cap;
    hist *hists; /* Filter: one per constraint */
    size_t hists_cap;
    /* Whether the nodes carrying each of the keys are the same nodes,
     * for the keys and their epochs last asked about. */
    uint32_t cover_keys[COVER_MAX];
    uint64_t cover_epochs[COVER_MAX];
    size_t ncover;
    int cover_same;
} cycle_state;

typedef struct pts {
    const ks_pts_args *args;
    ks_pts_selector_source source;
    void *source_ctx;
    const ks_cluster *cluster; /* what the caches describe */
    signature **sigs;
    size_t nsigs, sigs_cap;
    int32_t *sig_table; /* open addressing over sigs, -1 = free */
    size_t sig_table_cap;
    uint8_t *counted; /* per pod: counted in the signatures */
    size_t counted_cap;
    ks_topology_index *topo; /* node domains per topology key */
    /* scratch */
    ks_kv *extra;
    size_t extra_cap;
    /* PreFilter -> Filter */
    cycle_state filter;
    const ks_pod *filter_pod;
    int filter_ready;
    /* PreScore -> Score -> NormalizeScore */
    cycle_state score;
    int score_ready;
    uint8_t *ignored; /* per node */
    size_t ignored_cap;
    uint32_t *feasible; /* the nodes PreScore saw, in order */
    size_t nfeasible, feasible_cap;
    /* Nodes with a NoSchedule or NoExecute taint, as of the cluster's
     * node_info_version taint_version. */
    const ks_cluster *taint_cluster;
    uint64_t taint_version;
    size_t ntainted;
} pts;

static void drop_caches(pts *p)
{
    for (size_t i = 0; i < p->nsigs; i++)
        signature_free(p->sigs[i]);
    p->nsigs = 0;
    for (size_t i = 0; i < p->sig_table_cap; i++)
        p->sig_table[i] = -1;
    if (p->counted_cap)
        memset(p->counted, 0, p->counted_cap);
    p->filter.n = p->score.n = 0;
    p->filter_ready = p->score_ready = 0;
}

/* Caches describe one cluster; another one starts them afresh. */
static void bind_cluster(pts *p, const ks_cluster *c)
{
    if (p->cluster == c)
        return;
    drop_caches(p);
    p->cluster = c;
}

/* ---- counted pods -------------------------------------------------------- */

static int is_counted(const pts *p, uint32_t pod)
{
    return pod < p->counted_cap && p->counted[pod];
}

static void set_counted(pts *p, uint32_t pod, int on)
{
    if (pod >= p->counted_cap) {
        size_t old = p->counted_cap;
        p->counted = ks_xgrow(p->counted, &p->counted_cap, (size_t)pod + 1,
                              sizeof *p->counted);
        memset(p->counted + old, 0, p->counted_cap - old);
    }
    p->counted[pod] = (uint8_t)on;
}

/* Adds delta to every signature the pod counts for, on node. */
static void apply_pod(pts *p, const ks_cluster *c, uint32_t pod, uint32_t node,
                      int delta)
{
    const ks_pod_spec *spec = c->pods[pod].spec;
    for (size_t i = 0; i < p->nsigs; i++) {
        signature *s = p->sigs[i];
        if (!signature_counts(s, spec))
            continue;
        signature_reserve(s, c->nnodes > node ? c->nnodes : (size_t)node + 1);
        if (delta > 0 || s->counts[node] > 0) {
            s->counts[node] += delta;
            for (size_t j = 0; j < s->ndsums; j++)
                ks_domain_sums_follow(p->topo, c, &s->dsums[j], node, delta);
        }
    }
}

/* The signature's counts summed per domain of key (ks_topology_ndomains
 * entries at most; *ndom tells), rebuilt from the node counts when the
 * key's domains moved.  The index is in sync with the cluster. */
static const int64_t *domain_sums(pts *p, signature *s, uint32_t key,
                                  size_t *ndom)
{
    ks_domain_sums *ds = NULL;
    for (size_t i = 0; i < s->ndsums && !ds; i++)
        if (s->dsums[i].key == key)
            ds = &s->dsums[i];
    if (!ds) {
        s->dsums = ks_xgrow(s->dsums, &s->dsums_cap, s->ndsums + 1,
                            sizeof *s->dsums);
        ds = &s->dsums[s->ndsums++];
        *ds = (ks_domain_sums){.key = key};
    }
    if (!ks_domain_sums_current(p->topo, ds)) {
        ks_domain_sums_reset(p->topo, ds);
        const int32_t *dom = ks_topology_nodes(p->topo, key);
        size_t n_end = ks_topology_nnodes(p->topo);
        if (s->ncounts < n_end)
            n_end = s->ncounts;
        for (size_t n = 0; n < n_end; n++)
            if (s->counts[n])
                ks_domain_sums_add(ds, dom, n, s->counts[n]);
    }
    *ndom = ds->ndom;
    return ds->sum;
}

static void follow_pod(pts *p, const ks_cluster *c, uint32_t pod,
                       uint32_t node, int delta);

/* A pod assumed or bound on its node (or put back by preemption's
 * what-if): counted unless terminating; the cycle's PreFilter state follows
 * it as upstream's AddPod. */
static void pts_pod_added(void *instance, const ks_cluster *c, uint32_t pod)
{
    pts *p = instance;
    bind_cluster(p, c);
    uint32_t node = c->pods[pod].node;
    if (node == KS_NO_NODE)
        return;
    follow_pod(p, c, pod, node, +1);
    if (is_counted(p, pod) || c->pods[pod].terminating)
        return;
    set_counted(p, pod, 1);
    apply_pod(p, c, pod, node, +1);
}

/* A pod that left its node (pod->node still names it), for good or for a
 * what-if: as upstream's RemovePod on the cycle's state. */
static void pts_pod_removed(void *instance, const ks_cluster *c, uint32_t pod)
{
    pts *p = instance;
    bind_cluster(p, c);
    uint32_t node = c->pods[pod].node;
    if (node == KS_NO_NODE)
        return;
    follow_pod(p, c, pod, node, -1);
    if (!is_counted(p, pod))
        return;
    set_counted(p, pod, 0);
    apply_pod(p, c, pod, node, -1);
}

void ks_pts_pod_terminating(void *instance, const ks_cluster *c, uint32_t pod)
{
    pts *p = instance;
    bind_cluster(p, c);
    uint32_t node = c->pods[pod].node;
    if (node == KS_NO_NODE || !is_counted(p, pod))
        return;
    set_counted(p, pod, 0);
    apply_pod(p, c, pod, node, -1);
}

/* ---- signature lookup -------------------------------------------------- */

static void sig_table_insert(pts *p, size_t idx)
{
    size_t mask = p->sig_table_cap - 1;
    size_t i = p->sigs[idx]->hash & mask;
    while (p->sig_table[i] >= 0)
        i = (i + 1) & mask;
    p->sig_table[i] = (int32_t)idx;
}

static void sig_table_grow(pts *p)
{
    size_t cap = pow2_at_least(4 * (p->nsigs + 1));
    free(p->sig_table);
    p->sig_table = ks_xmalloc(cap * sizeof *p->sig_table);
    for (size_t i = 0; i < cap; i++)
        p->sig_table[i] = -1;
    p->sig_table_cap = cap;
    for (size_t i = 0; i < p->nsigs; i++)
        sig_table_insert(p, i);
}

/* One walk of the bound pods fills a new signature.  Bound pods not yet
 * reported are counted in the older signatures too and marked, so that
 * their pod_added changes nothing; terminating pods not yet reported leave
 * the older signatures. */
static void signature_scan(pts *p, const ks_cluster *c, signature *s)
{
    signature_reserve(s, c->nnodes);
    for (size_t n = 0; n < c->nnodes; n++) {
        const ks_node_pods *np = &c->node_pods[n];
        for (uint32_t j = 0; j < np->n; j++) {
            uint32_t pod = np->pods[j];
            if (c->pods[pod].terminating) {
                /* countPodsMatchSelector skips them; one whose
                 * ks_pts_pod_terminating was missed leaves the others */
                if (is_counted(p, pod)) {
                    set_counted(p, pod, 0);
                    apply_pod(p, c, pod, (uint32_t)n, -1);
                }
                continue;
            }
            if (!is_counted(p, pod)) {
                set_counted(p, pod, 1);
                apply_pod(p, c, pod, (uint32_t)n, +1);
            }
            if (signature_counts(s, c->pods[pod].spec))
                s->counts[n]++; /* s has no domain sums yet */
        }
    }
}

static signature *resolve(pts *p, const ks_cluster *c, const probe *q)
{
    uint64_t h = probe_hash(q);
    if (p->sig_table_cap) {
        size_t mask = p->sig_table_cap - 1;
        for (size_t i = h & mask; p->sig_table[i] >= 0; i = (i + 1) & mask)
            if (probe_equals(q, h, p->sigs[p->sig_table[i]]))
                return p->sigs[p->sig_table[i]];
    }
    signature *s = ks_xcalloc(1, sizeof *s);
    s->hash = h;
    s->ns = ks_xstrdup(q->ns);
    s->kind = q->kind;
    if (q->kind == SIG_SELECTOR) {
        selector_copy(&s->sel, q->sel);
        for (size_t i = 0; i < q->nextra; i++)
            ks_labels_set(&s->extra, q->extra[i].key, q->extra[i].value);
        signature_scan(p, c, s);
    }
    if (p->nsigs == p->sigs_cap)
        p->sigs = ks_xgrow(p->sigs, &p->sigs_cap, p->nsigs + 1,
                           sizeof *p->sigs);
    p->sigs[p->nsigs++] = s;
    if (2 * p->nsigs > p->sig_table_cap)
        sig_table_grow(p);
    else
        sig_table_insert(p, p->nsigs - 1);
    return s;
}

static void set_key(pts *p, constraint *k, const char *key)
{
    k->key = ks_topology_register(p->topo, key);
    k->hostname = strcmp(key, label_hostname) == 0;
    k->empty_id = -1;
}

/* ---- building the constraints of a pod ---------------------------------- */

/* The matchLabelKeys values the pod has, sorted by key, without
 * duplicates (a labels.Set). */
static size_t collect_extra(pts *p, const ks_topology_spread *t,
                            const ks_labels *pod_labels)
{
    if (t->nmatch_label_keys > p->extra_cap)
        p->extra = ks_xgrow(p->extra, &p->extra_cap, t->nmatch_label_keys,
                            sizeof *p->extra);
    size_t n = 0;
    for (size_t i = 0; i < t->nmatch_label_keys; i++) {
        const char *key = t->match_label_keys[i];
        const char *v = ks_labels_get(pod_labels, key);
        if (!v)
            continue;
        size_t at = n;
        while (at > 0 && strcmp(p->extra[at - 1].key, key) > 0)
            at--;
        if (at > 0 && strcmp(p->extra[at - 1].key, key) == 0)
            continue;
        memmove(&p->extra[at + 1], &p->extra[at], (n - at) * sizeof *p->extra);
        p->extra[at].key = (char *)(uintptr_t)key;
        p->extra[at].value = (char *)(uintptr_t)v;
        n++;
    }
    return n;
}

static constraint *add_constraint(cycle_state *cs)
{
    if (cs->n == cs->cap)
        cs->cons = ks_xgrow(cs->cons, &cs->cap, cs->n + 1, sizeof *cs->cons);
    constraint *k = &cs->cons[cs->n++];
    *k = (constraint){0};
    return k;
}

static void set_from_spread(constraint *k, const ks_topology_spread *t)
{
    k->max_skew = t->max_skew;
    k->min_domains = t->min_domains > 0 ? t->min_domains : 1;
    k->affinity_policy = t->node_affinity_policy;
    k->taints_policy = t->node_taints_policy;
}

/* filterTopologySpreadConstraints over the pod's own constraints.
 * Returns -1 when a selector of this action does not parse. */
static int build_explicit(pts *p, const ks_plugin_call *call,
                          ks_when_unsatisfiable action, cycle_state *cs)
{
    const ks_pod_spec *spec = call->pod->spec;
    for (size_t i = 0; i < spec->nspread; i++) {
        const ks_topology_spread *t = &spec->spread[i];
        if (t->when_unsatisfiable != action)
            continue;
        probe q = {ns_of(spec), SIG_NOTHING, NULL, NULL, 0};
        if (t->has_label_selector) {
            if (!selector_parses(&t->label_selector))
                return -1;
            q.sel = &t->label_selector;
            q.nextra = collect_extra(p, t, labels_of(spec));
            q.extra = p->extra; /* after collect_extra: it may move */
            q.kind = selector_is_empty(q.sel) && q.nextra == 0 ? SIG_EMPTY
                                                               : SIG_SELECTOR;
        }
        constraint *k = add_constraint(cs);
        set_from_spread(k, t);
        k->sig = resolve(p, call->cluster, &q);
        set_key(p, k, t->topology_key ? t->topology_key : "");
    }
    return 0;
}

/* buildDefaultConstraints: the default constraints of this action, all
 * with the selector of the pod's Services, RCs, RSs and StatefulSets; none
 * when that selector is empty. */
static void build_default(pts *p, const ks_plugin_call *call,
                          ks_when_unsatisfiable action, cycle_state *cs)
{
    const ks_pts_args *a = p->args;
    const ks_topology_spread *defs = system_defaults;
    size_t ndefs = sizeof system_defaults / sizeof system_defaults[0];
    if (a->defaulting_type == KS_PTS_LIST_DEFAULTING) {
        defs = a->default_constraints;
        ndefs = a->ndefault_constraints;
    }
    size_t wanted = 0;
    for (size_t i = 0; i < ndefs; i++)
        wanted += defs[i].when_unsatisfiable == action;
    if (wanted == 0 || !p->source)
        return;
    const ks_label_selector *sel =
        p->source(p->source_ctx, call->cluster, call->pod);
    if (!sel || selector_is_empty(sel))
        return;
    probe q = {ns_of(call->pod->spec), SIG_SELECTOR, sel, NULL, 0};
    for (size_t i = 0; i < ndefs; i++) {
        if (defs[i].when_unsatisfiable != action)
            continue;
        constraint *k = add_constraint(cs);
        set_from_spread(k, &defs[i]);
        k->sig = resolve(p, call->cluster, &q);
        set_key(p, k, defs[i].topology_key ? defs[i].topology_key : "");
    }
}

/* getConstraints / initPreScoreState's choice of constraints. */
static int build_constraints(pts *p, const ks_plugin_call *call,
                             ks_when_unsatisfiable action, cycle_state *cs)
{
    cs->n = 0;
    const ks_pod_spec *spec = call->pod->spec;
    if (spec && spec->nspread > 0)
        return build_explicit(p, call, action, cs);
    build_default(p, call, action, cs);
    return 0;
}

/* Lays the constraints' domains out in the flat arrays, zeroed. */
static void layout(cycle_state *cs, const ks_topology_index *ix)
{
    size_t total = 0;
    for (size_t i = 0; i < cs->n; i++) {
        cs->cons[i].off = total;
        cs->cons[i].ndom = ks_topology_ndomains(ix, cs->cons[i].key);
        total += cs->cons[i].ndom;
    }
    if (total > cs->slots_cap) {
        size_t cap = cs->slots_cap;
        cs->sums = ks_xgrow(cs->sums, &cap, total, sizeof *cs->sums);
        cs->mark = ks_xrealloc(cs->mark, cap);
        cs->slots_cap = cap;
    }
    if (total) {
        memset(cs->sums, 0, total * sizeof *cs->sums);
        memset(cs->mark, 0, total);
    }
}

/* Brings the node domains up to date (a no-op unless nodes or their labels
 * changed) and points each constraint at its key's per-node domains. */
static void refresh_topologies(pts *p, cycle_state *cs, const ks_cluster *c)
{
    ks_topology_sync(p->topo, c);
    for (size_t i = 0; i < cs->n; i++) {
        constraint *k = &cs->cons[i];
        k->dom = ks_topology_nodes(p->topo, k->key);
        k->view = ks_topology_view_of(p->topo, k->key);
    }
}

/* The constraint's domain of node now: KS_TOPO_NONE without the label,
 * KS_TOPO_UNKNOWN for a value not seen by the last sync. */
static inline int32_t node_domain(const pts *p, const constraint *k,
                                  const ks_cluster *c, size_t node)
{
    return ks_topology_view_domain(&k->view, p->topo, c, k->key, node);
}

/* ---- node inclusion (matchNodeInclusionPolicies) ----------------------- */

/* The parse verdicts of the pod's required node affinity terms, once per
 * cycle (an unparseable term matches nothing; errors are ignored). */
static void prepare_affinity(cycle_state *cs)
{
    const ks_pod_spec *spec = cs->spec;
    if (!spec || !spec->node_affinity.has_required)
        return;
    const ks_node_selector *s = &spec->node_affinity.required;
    if (s->nterms > cs->term_ok_cap)
        cs->term_ok = ks_xgrow(cs->term_ok, &cs->term_ok_cap, s->nterms,
                               sizeof *cs->term_ok);
    for (size_t i = 0; i < s->nterms; i++)
        cs->term_ok[i] = (uint8_t)ks_node_selector_term_parses(&s->terms[i]);
}

/* nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the nodeSelector
 * pairs and, if set, one of the required terms. */
static int affinity_matches(const cycle_state *cs, const ks_cluster *c,
                            size_t n)
{
    const ks_pod_spec *spec = cs->spec;
    if (!spec)
        return 1;
    const ks_labels *labels = &c->node_info[n].labels;
    for (size_t i = 0; i < spec->node_selector.n; i++) {
        const char *v = ks_labels_get(labels, spec->node_selector.items[i].key);
        if (!v || strcmp(v, spec->node_selector.items[i].value) != 0)
            return 0;
    }
    if (!spec->node_affinity.has_required)
        return 1;
    const ks_node_selector *s = &spec->node_affinity.required;
    for (size_t i = 0; i < s->nterms; i++)
        if (cs->term_ok[i] && ks_node_selector_term_matches_parsed(
                                 &s->terms[i], labels, c->nodes[n].name))
            return 1;
    return 0;
}

/* FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: every
 * NoSchedule and NoExecute taint must be tolerated. */
static int tolerates(const ks_pod_spec *spec, const ks_node_info *info)
{
    for (size_t i = 0; i < info->ntaints; i++) {
        const ks_taint *t = &info->taints[i];
        if (t->effect != KS_EFFECT_NO_SCHEDULE &&
            t->effect != KS_EFFECT_NO_EXECUTE)
            continue;
        if (!spec ||
            !ks_tolerations_tolerate(spec->tolerations, spec->ntolerations, t))
            return 0;
    }
    return 1;
}

/* Lazily evaluated per node: -1 = not yet known. */
typedef struct node_checks {
    int affinity;
    int taints;
} node_checks;

static int node_included(const cycle_state *cs, const constraint *k,
                         const ks_cluster *c, size_t n, node_checks *nc)
{
    if (k->affinity_policy == KS_POLICY_HONOR) {
        if (nc->affinity < 0)
            nc->affinity = affinity_matches(cs, c, n);
        if (!nc->affinity)
            return 0;
    }
    if (k->taints_policy == KS_POLICY_HONOR) {
        if (nc->taints < 0)
            nc->taints = tolerates(cs->spec, &c->node_info[n]);
        if (!nc->taints)
            return 0;
    }
    return 1;
}

/* nodeLabelsMatchSpreadConstraints: the node carries every key. */
static int has_all_keys(const cycle_state *cs, size_t n)
{
    for (size_t i = 0; i < cs->n; i++)
        if (cs->cons[i].dom[n] < 0)
            return 0;
    return 1;
}

/* ---- every node eligible: per-domain sums without a node walk ---------- */

static size_t tainted_nodes(pts *p, const ks_cluster *c)
{
    if (p->taint_cluster == c && p->taint_version == c->node_info_version)
        return p->ntainted;
    p->ntainted = 0;
    for (size_t n = 0; n < c->nnodes; n++) {
        const ks_node_info *info = &c->node_info[n];
        for (size_t i = 0; i < info->ntaints; i++)
            if (info->taints[i].effect == KS_EFFECT_NO_SCHEDULE ||
                info->taints[i].effect == KS_EFFECT_NO_EXECUTE) {
                p->ntainted++;
                break;
            }
    }
    p->taint_cluster = c;
    p->taint_version = c->node_info_version;
    return p->ntainted;
}

/* Whether the nodes carrying each constraint's key are the same nodes
 * (then they all carry every key); cached by keys and epochs. */
static int keys_cover_same_nodes(const pts *p, cycle_state *cs)
{
    uint32_t keys[COVER_MAX];
    size_t nkeys = 0;
    for (size_t i = 0; i < cs->n; i++) {
        size_t j = 0;
        while (j < nkeys && keys[j] != cs->cons[i].key)
            j++;
        if (j < nkeys)
            continue;
        if (nkeys == COVER_MAX)
            return 0;
        keys[nkeys++] = cs->cons[i].key;
    }
    if (nkeys <= 1)
        return 1;
    int cached = cs->ncover == nkeys;
    for (size_t j = 0; j < nkeys && cached; j++)
        cached = cs->cover_keys[j] == keys[j] &&
                 cs->cover_epochs[j] == ks_topology_epoch(p->topo, keys[j]);
    if (cached)
        return cs->cover_same;
    size_t want = ks_topology_key_nodes(p->topo, keys[0]);
    int same = 1;
    for (size_t j = 1; j < nkeys && same; j++)
        same = ks_topology_key_nodes(p->topo, keys[j]) == want;
    if (same) { /* equal counts: the nodes carrying all keys must be all */
        size_t all = 0, nnodes = ks_topology_nnodes(p->topo);
        for (size_t n = 0; n < nnodes; n++)
            all += has_all_keys(cs, n);
        same = all == want;
    }
    for (size_t j = 0; j < nkeys; j++) {
        cs->cover_keys[j] = keys[j];
        cs->cover_epochs[j] = ks_topology_epoch(p->topo, keys[j]);
    }
    cs->ncover = nkeys;
    cs->cover_same = same;
    return same;
}

/* Whether every node carrying the constraints' keys is eligible for every
 * constraint: it then carries all keys, and the inclusion policies exclude
 * nothing (Honor for node affinity with a pod that has no nodeSelector nor
 * required node affinity; Honor for taints with no node tainted
 * NoSchedule or NoExecute).  Then a domain's sum over its eligible nodes is
 * the signature's domain sum, and every domain some node carries counts. */
static int all_nodes_eligible(pts *p, cycle_state *cs, const ks_cluster *c)
{
    const ks_pod_spec *spec = cs->spec;
    int node_affinity =
        spec && (spec->node_selector.n > 0 || spec->node_affinity.has_required);
    for (size_t i = 0; i < cs->n; i++) {
        const constraint *k = &cs->cons[i];
        if (k->affinity_policy == KS_POLICY_HONOR && node_affinity)
            return 0;
        if (k->taints_policy == KS_POLICY_HONOR && tainted_nodes(p, c) > 0)
            return 0;
    }
    return keys_cover_same_nodes(p, cs);
}

/* calPreFilterState when every node is eligible: the signatures' domain
 * sums, over the domains some node carries.  O(domains). */
static void sum_filter_domains(pts *p, cycle_state *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        constraint *k = &cs->cons[i];
        size_t nsum;
        const int64_t *sum = domain_sums(p, k->sig, k->key, &nsum);
        const uint32_t *size = ks_topology_domain_sizes(p->topo, k->key);
        for (size_t d = 0; d < k->ndom; d++)
            if (size[d]) {
                cs->mark[k->off + d] = 1;
                cs->sums[k->off + d] = d < nsum ? sum[d] : 0;
            }
    }
}

/* ---- PreFilter / Filter ------------------------------------------------- */

/* calPreFilterState: per constraint, the matching pods per domain over the
 * eligible nodes (the node counts come from the signatures). */
static void count_filter_domains(cycle_state *cs, const ks_cluster *c)
{
    for (size_t n = 0; n < c->nnodes; n++) {
        if (!has_all_keys(cs, n))
            continue;
        node_checks nc = {-1, -1};
        for (size_t i = 0; i < cs->n; i++) {
            constraint *k = &cs->cons[i];
            if (!node_included(cs, k, c, n, &nc))
                continue;
            size_t slot = k->off + (size_t)k->dom[n];
            cs->mark[slot] = 1;
            cs->sums[slot] += signature_count(k->sig, n);
        }
    }
}

/* ---- the count histogram ------------------------------------------------ */

static size_t hist_probe(const hist *h, int64_t key)
{
    size_t mask = h->cap - 1;
    size_t i = hash_int(FNV_OFFSET, (uint64_t)key) & mask;
    while (h->key[i] != key && h->key[i] != HIST_FREE)
        i = (i + 1) & mask;
    return i;
}

/* Empties h with room for n distinct counts at load <= 1/4. */
static void hist_reset(hist *h, size_t n)
{
    size_t cap = pow2_at_least(4 * (n + 1));
    if (cap > h->cap) {
        free(h->key);
        free(h->val);
        h->key = ks_xmalloc(cap * sizeof *h->key);
        h->val = ks_xmalloc(cap * sizeof *h->val);
        h->cap = cap;
    }
    for (size_t i = 0; i < h->cap; i++) {
        h->key[i] = HIST_FREE;
        h->val[i] = 0;
    }
    h->used = 0;
}

static int32_t hist_get(const hist *h, int64_t key)
{
    size_t i = hist_probe(h, key);
    return h->key[i] == key ? h->val[i] : 0;
}

static void hist_put(hist *h, int64_t key, int32_t delta);

/* Drops the counts no domain holds any more (they fill the table as pods
 * move) and makes room. */
static void hist_compact(hist *h)
{
    hist old = *h;
    size_t live = 0;
    for (size_t i = 0; i < old.cap; i++)
        live += old.key[i] != HIST_FREE && old.val[i] != 0;
    *h = (hist){0};
    hist_reset(h, live);
    for (size_t i = 0; i < old.cap; i++)
        if (old.key[i] != HIST_FREE && old.val[i] != 0)
            hist_put(h, old.key[i], old.val[i]);
    free(old.key);
    free(old.val);
}

static void hist_put(hist *h, int64_t key, int32_t delta)
{
    size_t i = hist_probe(h, key);
    if (h->key[i] == HIST_FREE) {
        if (2 * (h->used + 1) > h->cap) {
            hist_compact(h);
            i = hist_probe(h, key);
        }
        h->key[i] = key;
        h->used++;
    }
    h->val[i] += delta;
}

/* ---- PreFilter / Filter, continued --------------------------------------- */

/* The global minimum over registered domains (math.MaxInt32 when none, as
 * upstream starts it), the number of domains and the count histogram. */
static void finish_filter(cycle_state *cs)
{
    const ks_labels *labels = labels_of(cs->spec);
    if (cs->n > cs->hists_cap) {
        size_t old = cs->hists_cap;
        cs->hists = ks_xgrow(cs->hists, &cs->hists_cap, cs->n,
                             sizeof *cs->hists);
        memset(cs->hists + old, 0, (cs->hists_cap - old) * sizeof *cs->hists);
    }
    for (size_t i = 0; i < cs->n; i++) {
        constraint *k = &cs->cons[i];
        k->min_match = INT32_MAX;
        k->present = 0;
        for (size_t d = 0; d < k->ndom; d++) {
            if (!cs->mark[k->off + d])
                continue;
            k->present++;
            if (cs->sums[k->off + d] < k->min_match)
                k->min_match = cs->sums[k->off + d];
        }
        hist_reset(&cs->hists[i], k->present);
        for (size_t d = 0; d < k->ndom; d++)
            if (cs->mark[k->off + d])
                hist_put(&cs->hists[i], cs->sums[k->off + d], 1);
        /* selfMatchNum: the merged selector against the pod's own labels
         * (Everything matches, Nothing does not; no namespace check). */
        k->self_match = signature_matches_labels(k->sig, labels);
    }
}

/* One domain of constraint i gains or loses one pod (|delta| == 1): the
 * minimum only moves down with the domain, or up by one when the last
 * domain at the minimum moved up. */
static void move_domain(cycle_state *cs, size_t i, size_t slot, int delta)
{
    constraint *k = &cs->cons[i];
    hist *h = &cs->hists[i];
    int64_t old = cs->sums[slot], cur = old + delta;
    cs->sums[slot] = cur;
    if (!cs->mark[slot]) { /* a domain registered now */
        cs->mark[slot] = 1;
        k->present++;
        hist_put(h, cur, 1);
        if (cur < k->min_match)
            k->min_match = cur;
        return;
    }
    hist_put(h, old, -1);
    hist_put(h, cur, 1);
    if (cur < k->min_match)
        k->min_match = cur;
    else if (old == k->min_match && hist_get(h, old) == 0)
        k->min_match = cur;
}

/* updateWithPod: the cycle's PreFilter state follows a pod put on (+1) or
 * taken off (-1) a node, as upstream's AddPod/RemovePod do for
 * preemption's what-if: same namespace as the pod being scheduled, a node
 * with every key, the selector's Matches (no Empty or terminating test
 * here, as upstream) and the node inclusion policies. */
static void follow_pod(pts *p, const ks_cluster *c, uint32_t pod,
                       uint32_t node, int delta)
{
    cycle_state *cs = &p->filter;
    if (!p->filter_ready || node >= c->nnodes)
        return;
    const ks_pod_spec *spec = c->pods[pod].spec;
    if (strcmp(ns_of(spec), ns_of(cs->spec)) != 0)
        return;
    for (size_t i = 0; i < cs->n; i++)
        if (node_domain(p, &cs->cons[i], c, node) < 0)
            return;
    node_checks nc = {-1, -1};
    for (size_t i = 0; i < cs->n; i++) {
        const constraint *k = &cs->cons[i];
        if (!signature_matches_labels(k->sig, labels_of(spec)) ||
            !node_included(cs, k, c, node, &nc))
            continue;
        size_t d = (size_t)node_domain(p, k, c, node);
        if (d < k->ndom)
            move_domain(cs, i, k->off + d, delta);
    }
}

static ks_status pts_pre_filter(const ks_plugin_call *call)
{
    pts *p = call->instance;
    const ks_cluster *c = call->cluster;
    const ks_pod_spec *spec = call->pod->spec;
    bind_cluster(p, c);
    p->filter_ready = 0;
    p->filter_pod = call->pod;
    p->filter.spec = spec;
    if (build_constraints(p, call, KS_DO_NOT_SCHEDULE, &p->filter) != 0) {
        p->filter.n = 0;
        return ks_status_make(KS_STATUS_ERROR, 0, msg_filter_error);
    }
    if (p->filter.n == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    refresh_topologies(p, &p->filter, c);
    layout(&p->filter, p->topo);
    prepare_affinity(&p->filter);
    if (all_nodes_eligible(p, &p->filter, c))
        sum_filter_domains(p, &p->filter);
    else
        count_filter_domains(&p->filter, c);
    finish_filter(&p->filter);
    p->filter_ready = 1;
    return ks_status_ok();
}

/* 'existing matching num' + 'self-match (1 or 0)' - 'global minimum' must
 * not exceed maxSkew; the global minimum is 0 while fewer domains than
 * minDomains are eligible. */
static ks_status pts_filter(const ks_plugin_call *call, const ks_node *node)
{
    pts *p = call->instance;
    if (!p->filter_ready || p->filter_pod != call->pod ||
        p->cluster != call->cluster)
        return ks_status_make(KS_STATUS_ERROR, 0, msg_no_state);
    const ks_cluster *c = call->cluster;
    size_t n = (size_t)(node - c->nodes);
    const cycle_state *cs = &p->filter;
    for (size_t i = 0; i < cs->n; i++) {
        const constraint *k = &cs->cons[i];
        int32_t d = node_domain(p, k, c, n);
        if (d == KS_TOPO_NONE)
            return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                                  KS_PTS_NODE_LABEL_NOT_MATCH,
                                  msg_missing_label);
        int64_t min = k->present < (size_t)k->min_domains ? 0 : k->min_match;
        int64_t match = 0;
        if (d >= 0 && (size_t)d < k->ndom && cs->mark[k->off + (size_t)d])
            match = cs->sums[k->off + (size_t)d];
        if (match + k->self_match - min > k->max_skew)
            return ks_status_make(KS_STATUS_UNSCHEDULABLE,
                                  KS_PTS_CONSTRAINTS_NOT_MATCH, msg_not_match);
    }
    return ks_status_ok();
}

/* ---- PreScore / Score / NormalizeScore ---------------------------------- */

/* The domain a node counts in at PreScore: its value, or "" when it lacks
 * the label (possible only under system defaults). */
static int32_t score_domain(const constraint *k, size_t n)
{
    int32_t d = k->dom[n];
    return d >= 0 ? d : k->empty_id;
}

/* initPreScoreState: ignored nodes, tracked domains and weights from the
 * filtered nodes. */
static void track_filtered(pts *p, const uint32_t *nodes, size_t nnodes,
                           int require_all)
{
    cycle_state *cs = &p->score;
    size_t nignored = 0;
    for (size_t j = 0; j < nnodes; j++) {
        size_t n = nodes[j];
        if (require_all && !has_all_keys(cs, n)) {
            p->ignored[n] = 1;
            nignored++;
            continue;
        }
        for (size_t i = 0; i < cs->n; i++) {
            constraint *k = &cs->cons[i];
            if (k->hostname)
                continue; /* per-node counts are read at Score */
            size_t slot = k->off + (size_t)score_domain(k, n);
            if (!cs->mark[slot]) {
                cs->mark[slot] = 1;
                k->topo_size++;
            }
        }
    }
    /* topologyNormalizingWeight: ln(size + 2); hostname domains are the
     * filtered nodes that are not ignored. */
    for (size_t i = 0; i < cs->n; i++) {
        constraint *k = &cs->cons[i];
        size_t size = k->hostname ? nnodes - nignored : k->topo_size;
        k->weight = log((double)(size + 2));
    }
}

/* PreScore's walk of all nodes: tracked domains sum their eligible nodes. */
static void count_score_domains(cycle_state *cs, const ks_cluster *c,
                                int require_all)
{
    for (size_t n = 0; n < c->nnodes; n++) {
        if (require_all && !has_all_keys(cs, n))
            continue;
        node_checks nc = {-1, -1};
        for (size_t i = 0; i < cs->n; i++) {
            constraint *k = &cs->cons[i];
            if (k->hostname || !node_included(cs, k, c, n, &nc))
                continue;
            size_t slot = k->off + (size_t)score_domain(k, n);
            if (cs->mark[slot])
                cs->sums[slot] += signature_count(k->sig, n);
        }
    }
}

/* count_score_domains when every node is eligible and carries every key:
 * the tracked domains take the signatures' domain sums.  O(domains). */
static void sum_score_domains(pts *p, cycle_state *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        constraint *k = &cs->cons[i];
        if (k->hostname)
            continue;
        size_t nsum;
        const int64_t *sum = domain_sums(p, k->sig, k->key, &nsum);
        for (size_t d = 0; d < k->ndom; d++)
            if (cs->mark[k->off + d])
                cs->sums[k->off + d] = d < nsum ? sum[d] : 0;
    }
}

static void reserve_score_nodes(pts *p, const ks_cluster *c,
                                const uint32_t *nodes, size_t n)
{
    if (c->nnodes > p->ignored_cap)
        p->ignored = ks_xgrow(p->ignored, &p->ignored_cap, c->nnodes,
                              sizeof *p->ignored);
    if (c->nnodes)
        memset(p->ignored, 0, c->nnodes);
    if (n > p->feasible_cap)
        p->feasible = ks_xgrow(p->feasible, &p->feasible_cap, n,
                               sizeof *p->feasible);
    if (n)
        memcpy(p->feasible, nodes, n * sizeof *nodes);
    p->nfeasible = n;
}

static ks_status pts_pre_score(const ks_plugin_call *call,
                               const uint32_t *nodes, size_t n)
{
    pts *p = call->instance;
    const ks_cluster *c = call->cluster;
    const ks_pod_spec *spec = call->pod->spec;
    bind_cluster(p, c);
    p->score_ready = 0;
    p->score.n = 0;
    p->score.spec = spec;
    if (c->nnodes == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    if (build_constraints(p, call, KS_SCHEDULE_ANYWAY, &p->score) != 0) {
        p->score.n = 0;
        return ks_status_make(KS_STATUS_ERROR, 0, msg_score_error);
    }
    if (p->score.n == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    /* Only explicit or List-defaulted constraints need every key: under
     * system defaults a node without a zone still spreads by hostname. */
    int require_all = (spec && spec->nspread > 0) ||
                      p->args->defaulting_type != KS_PTS_SYSTEM_DEFAULTING;
    if (!require_all) /* before the sync: it may add a domain */
        for (size_t i = 0; i < p->score.n; i++) {
            constraint *k = &p->score.cons[i];
            k->empty_id = ks_topology_domain_intern(p->topo, k->key, "");
        }
    refresh_topologies(p, &p->score, c);
    layout(&p->score, p->topo);
    reserve_score_nodes(p, c, nodes, n);
    prepare_affinity(&p->score);
    track_filtered(p, nodes, n, require_all);
    if (require_all && all_nodes_eligible(p, &p->score, c))
        sum_score_domains(p, &p->score);
    else
        count_score_domains(&p->score, c, require_all);
    p->score_ready = 1;
    return ks_status_ok();
}

/* math.Round (half away from zero) without a libm call in the usual
 * range: for 0 <= x < 2^53, x - trunc(x) is exact (Sterbenz). */
static int64_t round_score(double x)
{
    if (x >= 0 && x < 9007199254740992.0) {
        int64_t i = (int64_t)x;
        return x - (double)i >= 0.5 ? i + 1 : i;
    }
    return (int64_t)round(x);
}

/* scoreForCount summed over the constraints whose key the node has:
 * cnt * weight + (maxSkew - 1), then math.Round (half away from zero). */
static int64_t pts_score(const ks_plugin_call *call, const ks_node *node)
{
    pts *p = call->instance;
    const ks_cluster *c = call->cluster;
    size_t n = (size_t)(node - c->nodes);
    if (!p->score_ready || p->cluster != c ||
        (n < p->ignored_cap && p->ignored[n]))
        return 0;
    const cycle_state *cs = &p->score;
    double score = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const constraint *k = &cs->cons[i];
        int32_t d = node_domain(p, k, c, n);
        if (d == KS_TOPO_NONE)
            continue;
        int64_t cnt = 0;
        if (k->hostname)
            cnt = signature_count(k->sig, n);
        else if (d >= 0 && (size_t)d < k->ndom)
            cnt = cs->sums[k->off + (size_t)d];
        score += (double)cnt * k->weight + (double)(k->max_skew - 1);
    }
    return round_score(score);
}

static int score_node_ignored(const pts *p, size_t i)
{
    return i < p->nfeasible && p->feasible[i] < p->ignored_cap &&
           p->ignored[p->feasible[i]];
}

/* NormalizeScore: min and max over the nodes not ignored (max starts at
 * 0); ignored nodes get 0; max == 0 gives every other node 100. */
static void pts_normalize(const ks_plugin_call *call, int64_t *scores,
                          size_t n)
{
    const pts *p = call->instance;
    if (!p->score_ready)
        return;
    int64_t min = INT64_MAX, max = 0;
    for (size_t i = 0; i < n; i++) {
        if (score_node_ignored(p, i))
            continue;
        if (scores[i] < min)
            min = scores[i];
        if (scores[i] > max)
            max = scores[i];
    }
    /* The same quotient in 32 bits when it fits (a 64-bit division costs
     * several times more): 0 <= numerator <= 100 * max < 2^32. */
    int narrow = min >= 0 && max > 0 &&
                 max <= (int64_t)(UINT32_MAX / (2 * KS_MAX_NODE_SCORE));
    for (size_t i = 0; i < n; i++) {
        if (score_node_ignored(p, i))
            scores[i] = 0;
        else if (max == 0)
            scores[i] = KS_MAX_NODE_SCORE;
        else if (narrow)
            scores[i] = (uint32_t)(KS_MAX_NODE_SCORE * (max + min - scores[i])) /
                        (uint32_t)max;
        else
            scores[i] = KS_MAX_NODE_SCORE * (max + min - scores[i]) / max;
    }
}

/* ---- args ---------------------------------------------------------------- */

static int valid_topology_key(const char *key)
{
    ks_requirement r = {(char *)(uintptr_t)key, KS_OP_EXISTS, NULL, 0};
    return requirement_parses(&r);
}

int ks_pts_args_validate(const ks_pts_args *a, ks_error *err)
{
    if (a->defaulting_type != KS_PTS_SYSTEM_DEFAULTING &&
        a->defaulting_type != KS_PTS_LIST_DEFAULTING)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "defaultingType: Unsupported value: %d: "
                            "supported values: \"List\", \"System\"",
                            (int)a->defaulting_type);
    if (a->defaulting_type == KS_PTS_SYSTEM_DEFAULTING &&
        a->ndefault_constraints > 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "defaultingType: Invalid value: \"System\": "
                            "when .defaultConstraints are not empty");
    for (size_t i = 0; i < a->ndefault_constraints; i++) {
        const ks_topology_spread *c = &a->default_constraints[i];
        if (c->max_skew <= 0)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "defaultConstraints[%zu].maxSkew: Invalid "
                                "value: %d: not in valid range (0, inf)",
                                i, (int)c->max_skew);
        if (!c->topology_key || !c->topology_key[0])
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "defaultConstraints[%zu].topologyKey: "
                                "Required value: can not be empty", i);
        if (!valid_topology_key(c->topology_key))
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "defaultConstraints[%zu].topologyKey: "
                                "Invalid value: \"%s\": not a valid label "
                                "name", i, c->topology_key);
        if (c->when_unsatisfiable != KS_DO_NOT_SCHEDULE &&
            c->when_unsatisfiable != KS_SCHEDULE_ANYWAY)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "defaultConstraints[%zu].whenUnsatisfiable: "
                                "Unsupported value", i);
        if (c->has_label_selector)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "defaultConstraints[%zu].labelSelector: "
                                "Forbidden: constraint must not define a "
                                "selector, as they deduced for each pod", i);
        for (size_t j = 0; j < i; j++) {
            const ks_topology_spread *o = &a->default_constraints[j];
            if (strcmp(o->topology_key, c->topology_key) == 0 &&
                o->when_unsatisfiable == c->when_unsatisfiable)
                return ks_error_set(
                    err, KS_EINVAL, NULL, 0, 0,
                    "defaultConstraints[%zu]: Duplicate value: \"{%s, %s}\"",
                    i, c->topology_key,
                    c->when_unsatisfiable == KS_DO_NOT_SCHEDULE
                        ? "DoNotSchedule"
                        : "ScheduleAnyway");
        }
    }
    return 0;
}

/* ---- instance ------------------------------------------------------------ */

static void *pts_create(const void *args)
{
    pts *p = ks_xcalloc(1, sizeof *p);
    p->args = args ? args : &default_args;
    p->topo = ks_topology_index_create();
    return p;
}

static void cycle_state_free(cycle_state *cs)
{
    free(cs->cons);
    free(cs->sums);
    free(cs->mark);
    free(cs->term_ok);
    for (size_t i = 0; i < cs->hists_cap; i++) {
        free(cs->hists[i].key);
        free(cs->hists[i].val);
    }
    free(cs->hists);
}

static void pts_destroy(void *instance)
{
    pts *p = instance;
    if (!p)
        return;
    drop_caches(p);
    free(p->sigs);
    free(p->sig_table);
    free(p->counted);
    ks_topology_index_destroy(p->topo);
    free(p->extra);
    cycle_state_free(&p->filter);
    cycle_state_free(&p->score);
    free(p->ignored);
    free(p->feasible);
    free(p);
}

void ks_pts_set_selector_source(void *instance, ks_pts_selector_source fn,
                                void *ctx)
{
    pts *p = instance;
    p->source = fn;
    p->source_ctx = ctx;
}

/* ---- inspection ---------------------------------------------------------- */

size_t ks_pts_filter_nconstraints(const void *instance)
{
    const pts *p = instance;
    return p->filter_ready ? p->filter.n : 0;
}

size_t ks_pts_filter_ndomains(const void *instance, size_t i)
{
    const pts *p = instance;
    return i < ks_pts_filter_nconstraints(p) ? p->filter.cons[i].present : 0;
}

/* The slot of value in constraint i's domains, or SIZE_MAX. */
static size_t slot_of(const pts *p, const cycle_state *cs, size_t i,
                      const char *value)
{
    const constraint *k = &cs->cons[i];
    int32_t d = ks_topology_domain_find(p->topo, k->key, value);
    if (d < 0 || (size_t)d >= k->ndom || !cs->mark[k->off + (size_t)d])
        return SIZE_MAX;
    return k->off + (size_t)d;
}

int64_t ks_pts_filter_match_num(const void *instance, size_t i,
                                const char *value)
{
    const pts *p = instance;
    if (i >= ks_pts_filter_nconstraints(p))
        return -1;
    size_t slot = slot_of(p, &p->filter, i, value);
    return slot == SIZE_MAX ? -1 : p->filter.sums[slot];
}

int64_t ks_pts_filter_min_match(const void *instance, size_t i)
{
    const pts *p = instance;
    return i < ks_pts_filter_nconstraints(p) ? p->filter.cons[i].min_match
                                             : INT32_MAX;
}

size_t ks_pts_score_nconstraints(const void *instance)
{
    const pts *p = instance;
    return p->score_ready ? p->score.n : 0;
}

int ks_pts_score_ignored(const void *instance, uint32_t node)
{
    const pts *p = instance;
    return p->score_ready && node < p->ignored_cap && p->ignored[node];
}

double ks_pts_score_weight(const void *instance, size_t i)
{
    const pts *p = instance;
    return i < ks_pts_score_nconstraints(p) ? p->score.cons[i].weight : 0;
}

size_t ks_pts_score_ndomains(const void *instance, size_t i)
{
    const pts *p = instance;
    return i < ks_pts_score_nconstraints(p) ? p->score.cons[i].topo_size : 0;
}

int64_t ks_pts_score_domain_count(const void *instance, size_t i,
                                  const char *value)
{
    const pts *p = instance;
    if (i >= ks_pts_score_nconstraints(p))
        return -1;
    size_t slot = slot_of(p, &p->score, i, value);
    return slot == SIZE_MAX ? -1 : p->score.sums[slot];
}

size_t ks_pts_nsignatures(const void *instance)
{
    const pts *p = instance;
    return p->nsigs;
}

/* The signature's current domain sums against sums of its node counts
 * (over the nodes of the index's last sync). */
static int check_domain_sums(const pts *p, const signature *s, char *why,
                             size_t why_size)
{
    for (size_t i = 0; i < s->ndsums; i++) {
        const ks_domain_sums *ds = &s->dsums[i];
        if (!ks_domain_sums_current(p->topo, ds))
            continue; /* rebuilt when next needed */
        const int32_t *dom = ks_topology_nodes(p->topo, ds->key);
        for (size_t d = 0; d < ds->ndom; d++) {
            int64_t want = 0;
            for (size_t n = 0; n < ks_topology_nnodes(p->topo); n++)
                if (dom[n] == (int32_t)d)
                    want += signature_count(s, n);
            if (want != ds->sum[d]) {
                snprintf(why, why_size,
                         "signature (namespace %s), key %s, domain %s: "
                         "summed %lld, recount %lld",
                         s->ns, ks_topology_key_name(p->topo, ds->key),
                         ks_topology_domain_name(p->topo, ds->key,
                                                 (int32_t)d),
                         (long long)ds->sum[d], (long long)want);
                return -1;
            }
        }
    }
    return 0;
}

int ks_pts_check(const void *instance, const ks_cluster *c, char *why,
                 size_t why_size)
{
    const pts *p = instance;
    if (p->cluster != c && p->nsigs > 0) {
        snprintf(why, why_size, "instance describes another cluster");
        return -1;
    }
    for (size_t i = 0; i < p->nsigs; i++) {
        signature *s = p->sigs[i];
        for (size_t n = 0; n < c->nnodes; n++) {
            const ks_node_pods *np = &c->node_pods[n];
            int64_t want = 0;
            for (uint32_t j = 0; j < np->n; j++) {
                const ks_pod *pod = &c->pods[np->pods[j]];
                const ks_pod_spec *spec = pod->spec;
                want += !pod->terminating && s->kind == SIG_SELECTOR &&
                        strcmp(ns_of(spec), s->ns) == 0 &&
                        signature_matches_labels(s, labels_of(spec));
            }
            if (want != signature_count(s, n)) {
                snprintf(why, why_size,
                         "signature %zu (namespace %s) on node %s: counted "
                         "%lld, recount %lld",
                         i, s->ns, c->nodes[n].name,
                         (long long)signature_count(s, n), (long long)want);
                return -1;
            }
        }
        if (check_domain_sums(p, s, why, why_size) != 0)
            return -1;
    }
    return 0;
}

const ks_plugin ks_plugin_podtopologyspread = {
    .name = "PodTopologySpread",
    .create = pts_create,
    .destroy = pts_destroy,
    .pre_filter = pts_pre_filter,
    .filter = pts_filter,
    .pre_score = pts_pre_score,
    .score = pts_score,
    .normalize = pts_normalize,
    .pod_added = pts_pod_added,
    .pod_removed = pts_pod_removed,
    .pod_terminating = ks_pts_pod_terminating,
    .default_args = &default_args,
    .default_weight = 2,
};
