/* test_podtopologyspread.c - PodTopologySpread against the upstream test
 * tables, and its incremental counts against full recounts.
 *
 * Each ported case mirrors one case of
 * pkg/scheduler/framework/plugins/podtopologyspread/:
 *   filtering_test.go (commit 01c2588bf4a3): TestPreFilterState (the
 *     per-domain counts and global minimum PreFilter computes),
 *     TestSingleConstraint and TestMultipleConstraints (Filter codes per
 *     node), TestPreFilterDisabled;
 *   scoring_test.go (commit 008b3652959c): TestPreScoreSkip,
 *     TestPreScoreStateEmptyNodes (ignored nodes, tracked domains,
 *     weights) and TestPodTopologySpreadScore (Score + NormalizeScore).
 * Upstream cases that flip feature gates off are not ported: v1.36 has
 * NodeInclusionPolicyInPodTopologySpread and MatchLabelKeysInPodTopology-
 * Spread on.  Services and ReplicaSets, which ksim does not model yet,
 * become a selector source returning their selector.
 *
 * Builders: nodes are "name key=value ... [!taint]" (the taint is
 * node.kubernetes.io/unschedulable:NoSchedule); existing pods are
 * "node key=value ... [@namespace] [~]" (~ = terminating); a label without
 * '=' has the empty value; selectors are "key" (Exists) and "key=value"
 * (matchLabels) tokens, "" the empty selector and NULL none.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/podtopologyspread.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_podtopologyspread(void);

#define HOST "kubernetes.io/hostname"
#define HN(name) "kubernetes.io/hostname=" name
#define DNS KS_DO_NOT_SCHEDULE
#define SA KS_SCHEDULE_ANYWAY
#define IGNORE KS_POLICY_IGNORE

static const char unschedulable_taint[] = "node.kubernetes.io/unschedulable";

/* ---- parsing the builders' strings -------------------------------------- */

typedef void (*pair_fn)(void *ctx, const char *key, const char *value);

/* Calls fn for each space-separated token: "k=v" gives (k, v), "k" gives
 * (k, NULL). */
static void each_pair(const char *s, pair_fn fn, void *ctx)
{
    if (!s)
        return;
    char *buf = ks_xstrdup(s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq = '\0';
        fn(ctx, tok, eq ? eq + 1 : NULL);
    }
    free(buf);
}

static void label_pair(void *ctx, const char *k, const char *v)
{
    ks_labels_set(ctx, k, v ? v : "");
}

static void set_labels(ks_labels *l, const char *s)
{
    each_pair(s, label_pair, l);
}

static void selector_pair(void *ctx, const char *k, const char *v)
{
    ks_label_selector *s = ctx;
    if (v) {
        ks_labels_set(&s->match_labels, k, v);
        return;
    }
    s->match_expressions =
        ks_xrealloc(s->match_expressions,
                    (s->nexpressions + 1) * sizeof *s->match_expressions);
    ks_requirement *r = &s->match_expressions[s->nexpressions++];
    *r = (ks_requirement){0};
    r->key = ks_xstrdup(k);
    r->op = KS_OP_EXISTS;
}

static void build_selector(ks_label_selector *s, const char *dsl)
{
    *s = (ks_label_selector){0};
    each_pair(dsl, selector_pair, s);
}

/* ---- cluster builders ---------------------------------------------------- */

static const int64_t node_alloc[KS_RES_COUNT] = {
    [KS_RES_CPU] = 4000000, [KS_RES_MEMORY] = 1LL << 34, [KS_RES_PODS] = 110};

typedef struct node_build {
    ks_node_info info;
    char *name;
} node_build;

static void node_token(void *ctx, const char *k, const char *v)
{
    node_build *b = ctx;
    if (!b->name) {
        b->name = ks_xstrdup(k);
    } else if (strcmp(k, "!taint") == 0) {
        ks_node_info *i = &b->info;
        i->taints =
            ks_xrealloc(i->taints, (i->ntaints + 1) * sizeof *i->taints);
        ks_taint *t = &i->taints[i->ntaints++];
        *t = (ks_taint){0};
        t->key = ks_xstrdup(unschedulable_taint);
        t->effect = KS_EFFECT_NO_SCHEDULE;
    } else {
        ks_labels_set(&b->info.labels, k, v ? v : "");
    }
}

static uint32_t add_node(ks_cluster *c, const char *def)
{
    node_build b = {0};
    each_pair(def, node_token, &b);
    uint32_t n = ks_cluster_add_node(c, b.name, node_alloc, 0);
    ks_cluster_set_node_info(c, n, &b.info);
    free(b.name);
    return n;
}

static uint32_t node_named(const ks_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i].name, name) == 0)
            return (uint32_t)i;
    CU_FAIL_FATAL("unknown node in test table");
    return 0;
}

static uint32_t new_pod(ks_cluster *c, ks_pod_spec *spec)
{
    static const int64_t none[KS_RES_COUNT] = {0};
    uint32_t p = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
    c->pods[p].spec = ks_cluster_adopt_spec(c, spec);
    return p;
}

typedef struct pod_build {
    ks_pod_spec *spec;
    char *node;
    int terminating;
} pod_build;

static void pod_token(void *ctx, const char *k, const char *v)
{
    pod_build *b = ctx;
    if (!b->node)
        b->node = ks_xstrdup(k);
    else if (k[0] == '@')
        b->spec->namespace_name = ks_xstrdup(k + 1);
    else if (strcmp(k, "~") == 0)
        b->terminating = 1;
    else
        ks_labels_set(&b->spec->labels, k, v ? v : "");
}

/* An existing pod, bound to its node (terminating: deletion in progress,
 * still on the node). */
static uint32_t add_existing(ks_cluster *c, const char *def)
{
    pod_build b = {ks_xcalloc(1, sizeof(ks_pod_spec)), NULL, 0};
    each_pair(def, pod_token, &b);
    uint32_t node = node_named(c, b.node);
    uint32_t p = new_pod(c, b.spec);
    ks_cluster_bind(c, p, node, 0);
    c->pods[p].terminating = (uint8_t)b.terminating;
    free(b.node);
    return p;
}

/* ---- the incoming pod -------------------------------------------------- */

/* st.SpreadConstraint(maxSkew, key, action, selector, minDomains,
 * nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys). */
typedef struct spread_def {
    int32_t max_skew; /* 0 ends the list */
    const char *key;
    ks_when_unsatisfiable when;
    const char *selector;         /* NULL = no labelSelector */
    int32_t min_domains;          /* 0 = nil */
    ks_inclusion_policy affinity; /* nil = Honor */
    int honor_taints;             /* nil = Ignore */
    const char *match_label_keys; /* space-separated */
} spread_def;

/* SP(maxSkew, key, action, selector[, .min_domains = ..., ...]) */
#define SP(skew, key_, action, ...)                                            \
    {                                                                          \
        .max_skew = (skew), .key = (key_), .when = (action),                   \
        .selector = __VA_ARGS__                                                \
    }

typedef struct pod_def {
    const char *labels;
    const char *node_selector;
    /* NodeAffinityIn / NodeAffinityNotIn: one required term, one
     * expression. */
    const char *affinity_key;
    ks_selector_op affinity_op;
    const char *affinity_values[3];
    int tolerate_unschedulable; /* Toleration(v1.TaintNodeUnschedulable) */
    spread_def spread[4];
} pod_def;

static void key_token(void *ctx, const char *k, const char *v)
{
    ks_topology_spread *t = ctx;
    (void)v;
    t->match_label_keys =
        ks_xrealloc(t->match_label_keys,
                    (t->nmatch_label_keys + 1) * sizeof(char *));
    t->match_label_keys[t->nmatch_label_keys++] = ks_xstrdup(k);
}

static void fill_spread(ks_topology_spread *t, const spread_def *d)
{
    *t = (ks_topology_spread){0};
    t->max_skew = d->max_skew;
    t->topology_key = ks_xstrdup(d->key);
    t->when_unsatisfiable = d->when;
    if (d->selector) {
        t->has_label_selector = 1;
        build_selector(&t->label_selector, d->selector);
    }
    t->min_domains = d->min_domains;
    t->node_affinity_policy = d->affinity;
    t->node_taints_policy =
        d->honor_taints ? KS_POLICY_HONOR : KS_POLICY_IGNORE;
    each_pair(d->match_label_keys, key_token, t);
}

static void add_affinity(ks_pod_spec *s, const pod_def *d)
{
    s->node_affinity.has_required = 1;
    ks_node_selector *sel = &s->node_affinity.required;
    sel->terms = ks_xcalloc(1, sizeof *sel->terms);
    sel->nterms = 1;
    ks_node_selector_term *t = &sel->terms[0];
    t->match_expressions = ks_xcalloc(1, sizeof *t->match_expressions);
    t->nexpressions = 1;
    ks_requirement *r = &t->match_expressions[0];
    r->key = ks_xstrdup(d->affinity_key);
    r->op = d->affinity_op;
    for (size_t i = 0; i < 3 && d->affinity_values[i]; i++) {
        r->values = ks_xrealloc(r->values, (r->nvalues + 1) * sizeof(char *));
        r->values[r->nvalues++] = ks_xstrdup(d->affinity_values[i]);
    }
}

static ks_pod_spec *spec_of(const pod_def *d)
{
    ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
    set_labels(&s->labels, d->labels);
    set_labels(&s->node_selector, d->node_selector);
    if (d->affinity_key)
        add_affinity(s, d);
    if (d->tolerate_unschedulable) {
        s->tolerations = ks_xcalloc(1, sizeof *s->tolerations);
        s->ntolerations = 1;
        s->tolerations[0].key = ks_xstrdup(unschedulable_taint);
        s->tolerations[0].op = KS_TOLERATION_EXISTS;
    }
    size_t n = 0;
    while (n < 4 && d->spread[n].max_skew)
        n++;
    if (n) {
        s->spread = ks_xcalloc(n, sizeof *s->spread);
        s->nspread = n;
        for (size_t i = 0; i < n; i++)
            fill_spread(&s->spread[i], &d->spread[i]);
    }
    return s;
}

/* ---- selector source (Services / ReplicaSets) --------------------------- */

static ks_label_selector source_selector;

static const ks_label_selector *test_source(void *ctx, const ks_cluster *c,
                                            const ks_pod *pod)
{
    (void)ctx;
    (void)c;
    (void)pod;
    return &source_selector;
}

/* Installs a source returning the selector dsl (NULL: no source). */
static void install_source(void *inst, const char *dsl)
{
    ks_label_selector_free(&source_selector);
    if (!dsl)
        return;
    build_selector(&source_selector, dsl);
    ks_pts_set_selector_source(inst, test_source, NULL);
}

/* ---- a fixture: cluster, incoming pod, plugin instance ----------------- */

typedef struct fixture {
    ks_cluster *c;
    uint32_t pod;
    void *inst;
    ks_pts_args args;
} fixture;

static void setup(fixture *f, const pod_def *pod, const char *const *nodes,
                  size_t nnodes, const char *const *pods, size_t npods,
                  const ks_pts_args *args)
{
    f->c = ks_cluster_create();
    for (size_t i = 0; i < nnodes && nodes[i]; i++)
        add_node(f->c, nodes[i]);
    for (size_t i = 0; i < npods && pods[i]; i++)
        add_existing(f->c, pods[i]);
    f->pod = new_pod(f->c, spec_of(pod));
    f->args = args ? *args : (ks_pts_args){KS_PTS_LIST_DEFAULTING, NULL, 0};
    f->inst = ks_plugin_podtopologyspread.create(&f->args);
}

static void teardown(fixture *f)
{
    char why[256];
    int rc = ks_pts_check(f->inst, f->c, why, sizeof why);
    if (rc != 0)
        printf("\n  check: %s\n", why);
    CU_ASSERT_EQUAL(rc, 0);
    ks_plugin_podtopologyspread.destroy(f->inst);
    ks_cluster_destroy(f->c);
    ks_label_selector_free(&source_selector);
}

static ks_plugin_call call_of(const fixture *f)
{
    ks_plugin_call call = {.args = &f->args, .instance = f->inst,
                           .cluster = f->c, .pod = &f->c->pods[f->pod],
                           .k8s_minor = 36};
    return call;
}

/* ---- Filter runner (TestSingleConstraint, TestMultipleConstraints) ----- */

typedef struct filter_case {
    pod_def pod;
    const char *nodes[7];
    const char *pods[12];
    /* per node: S success, U Unschedulable, X UnschedulableAndUnresolvable */
    const char *want;
} filter_case;

static char code_letter(ks_status_code code)
{
    switch (code) {
    case KS_STATUS_SUCCESS:
        return 'S';
    case KS_STATUS_UNSCHEDULABLE:
        return 'U';
    case KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE:
        return 'X';
    default:
        return '?';
    }
}

static void run_filter(const char *name, const filter_case *tc)
{
    fixture f;
    setup(&f, &tc->pod, tc->nodes, 7, tc->pods, 12, NULL);
    ks_plugin_call call = call_of(&f);
    ks_status st = ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_SUCCESS);
    char got[8] = {0};
    for (size_t i = 0; i < f.c->nnodes; i++) {
        st = ks_plugin_podtopologyspread.filter(&call, &f.c->nodes[i]);
        got[i] = code_letter(st.code);
        if (st.code == KS_STATUS_UNSCHEDULABLE)
            CU_ASSERT_STRING_EQUAL(
                st.message,
                "node(s) didn't match pod topology spread constraints");
        if (st.code == KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE)
            CU_ASSERT_STRING_EQUAL(
                st.message, "node(s) didn't match pod topology spread "
                            "constraints (missing required label)");
    }
    if (strcmp(got, tc->want) != 0)
        printf("\n  %s: want %s, got %s\n", name, tc->want, got);
    CU_ASSERT_STRING_EQUAL(got, tc->want);
    teardown(&f);
}

#define FILTER_CASE(fn, ...)                                                   \
    static void fn(void)                                                       \
    {                                                                          \
        static const filter_case tc = __VA_ARGS__;                             \
        run_filter(#fn, &tc);                                                  \
    }

#define ZONE4                                                                  \
    "node-a zone=zone1 node=node-a", "node-b zone=zone1 node=node-b",          \
        "node-x zone=zone2 node=node-x", "node-y zone=zone2 node=node-y"

/* filtering_test.go TestSingleConstraint "no existing pods" */
FILTER_CASE(test_single_no_existing_pods,
            {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
             .nodes = {ZONE4},
             .want = "SSSS"})

/* filtering_test.go TestSingleConstraint "no existing pods, incoming pod
 * doesn't match itself" */
FILTER_CASE(test_single_no_pods_no_self_match,
            {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "bar")}},
             .nodes = {ZONE4},
             .want = "SSSS"})

/* filtering_test.go TestSingleConstraint "existing pods in a different
 * namespace do not count" */
FILTER_CASE(test_single_other_namespace,
            {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {"node-a foo @ns1", "node-a foo @ns2", "node-x foo",
                      "node-y foo"},
             .want = "SSUU"})

/* filtering_test.go TestSingleConstraint "existing pods do not match null
 * selector" */
FILTER_CASE(test_single_null_selector,
            {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, NULL)}},
             .nodes = {ZONE4},
             .pods = {"node-x foo", "node-y foo"},
             .want = "SSSS"})

#define PODS_2103                                                              \
    "node-a foo", "node-a foo", "node-b foo", "node-y foo", "node-y foo",      \
        "node-y foo"

/* filtering_test.go TestSingleConstraint "pods spread across zones as 3/3,
 * all nodes fit" */
FILTER_CASE(test_single_zones_3_3,
            {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_2103},
             .want = "SSSS"})

/* filtering_test.go TestSingleConstraint "pods spread across zones as 1/2
 * due to absence of label 'zone' on node-b" */
FILTER_CASE(test_single_zone_label_absent,
            {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
             .nodes = {"node-a zone=zone1 node=node-a",
                       "node-b zon=zone1 node=node-b",
                       "node-x zone=zone2 node=node-x",
                       "node-y zone=zone2 node=node-y"},
             .pods = {"node-a foo", "node-b foo", "node-x foo", "node-y foo"},
             .want = "SXUU"})

/* filtering_test.go TestSingleConstraint "pod cannot be scheduled as all
 * nodes don't have label 'rack'" */
FILTER_CASE(test_single_no_rack_label,
            {.pod = {.labels = "foo", .spread = {SP(1, "rack", DNS, "foo")}},
             .nodes = {"node-a zone=zone1 node=node-a",
                       "node-x zone=zone2 node=node-x"},
             .want = "XX"})

/* filtering_test.go TestSingleConstraint "pods spread across nodes as
 * 2/1/0/3, only node-x fits" */
FILTER_CASE(test_single_nodes_2103,
            {.pod = {.labels = "foo", .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_2103},
             .want = "UUSU"})

/* filtering_test.go TestSingleConstraint "pods spread across nodes as
 * 2/1/0/3, maxSkew is 2, node-b and node-x fit" */
FILTER_CASE(test_single_nodes_2103_max_skew_2,
            {.pod = {.labels = "foo", .spread = {SP(2, "node", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_2103},
             .want = "USSU"})

/* filtering_test.go TestSingleConstraint "pods spread across nodes as
 * 2/1/0/3, but pod doesn't match itself" */
FILTER_CASE(test_single_nodes_2103_no_self_match,
            {.pod = {.labels = "bar", .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_2103},
             .want = "USSU"})

/* filtering_test.go TestSingleConstraint "incoming pod has nodeAffinity,
 * pods spread as 2/~1~/~0~/3, hence node-a fits" */
FILTER_CASE(test_single_node_affinity_in,
            {.pod = {.labels = "foo",
                     .affinity_key = "node",
                     .affinity_op = KS_OP_IN,
                     .affinity_values = {"node-a", "node-y"},
                     .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_2103},
             .want = "SSSU"})

/* filtering_test.go TestSingleConstraint "terminating Pods should be
 * excluded" */
FILTER_CASE(test_single_terminating_excluded,
            {.pod = {.labels = "foo", .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {"node-a node=node-a", "node-b node=node-b"},
             .pods = {"node-a foo ~", "node-b foo"},
             .want = "SU"})

/* filtering_test.go TestSingleConstraint "incoming pod has nodeAffinity,
 * pods spread as 0/~2~/0/1, hence node-a fits" */
FILTER_CASE(test_single_node_affinity_not_in,
            {.pod = {.labels = "foo",
                     .affinity_key = "node",
                     .affinity_op = KS_OP_NOT_IN,
                     .affinity_values = {"node-b"},
                     .spread = {SP(1, "zone", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {"node-b foo", "node-b foo", "node-y foo"},
             .want = "SSUU"})

#define NODES_ABC                                                              \
    "node-a node=node-a", "node-b node=node-b", "node-c node=node-c"
#define PODS_221                                                               \
    "node-a foo", "node-a foo", "node-b foo", "node-b foo", "node-c foo"

/* filtering_test.go TestSingleConstraint "pods spread across nodes as
 * 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the
 * third node fits" */
FILTER_CASE(test_single_min_domains_above,
            {.pod = {.labels = "foo",
                     .spread = {SP(2, "node", DNS, "foo", .min_domains = 4)}},
             .nodes = {NODES_ABC},
             .pods = {PODS_221},
             .want = "UUS"})

/* filtering_test.go TestSingleConstraint "pods spread across nodes as
 * 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the
 * all nodes fit" */
FILTER_CASE(test_single_min_domains_below,
            {.pod = {.labels = "foo",
                     .spread = {SP(2, "node", DNS, "foo", .min_domains = 2)}},
             .nodes = {NODES_ABC},
             .pods = {PODS_221},
             .want = "SSS"})

/* filtering_test.go TestSingleConstraint "pods spread across zone as 2/1,
 * maxSkew is 2 and the number of domains < minDomains, then the third and
 * fourth nodes fit" */
FILTER_CASE(test_single_zone_min_domains_above,
            {.pod = {.labels = "foo",
                     .spread = {SP(2, "zone", DNS, "foo", .min_domains = 3)}},
             .nodes = {ZONE4},
             .pods = {"node-a foo", "node-b foo", "node-y foo"},
             .want = "UUSS"})

/* filtering_test.go TestSingleConstraint "pods spread across zone as 2/1,
 * maxSkew is 2 and the number of domains > minDomains, then the all nodes
 * fit" */
FILTER_CASE(test_single_zone_min_domains_below,
            {.pod = {.labels = "foo",
                     .spread = {SP(2, "zone", DNS, "foo", .min_domains = 1)}},
             .nodes = {ZONE4},
             .pods = {"node-a foo", "node-b foo", "node-y foo"},
             .want = "SSSS"})

#define NODES_FOO3                                                             \
    "node-a node=node-a foo", "node-b node=node-b foo",                        \
        "node-x node=node-x foo", "node-y node=node-y"
#define PODS_ABY "node-a foo", "node-b foo", "node-y foo"

/* filtering_test.go TestSingleConstraint "NodeAffinityPolicy honored with
 * labelSelectors" */
FILTER_CASE(test_single_affinity_policy_honor_selector,
            {.pod = {.labels = "foo",
                     .node_selector = "foo",
                     .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {NODES_FOO3},
             .pods = {PODS_ABY},
             .want = "UUSS"})

/* filtering_test.go TestSingleConstraint "NodeAffinityPolicy ignored with
 * labelSelectors" */
FILTER_CASE(test_single_affinity_policy_ignore_selector,
            {.pod = {.labels = "foo",
                     .node_selector = "foo",
                     .spread = {SP(1, "node", DNS, "foo", .affinity = IGNORE)}},
             .nodes = {NODES_FOO3},
             .pods = {PODS_ABY},
             .want = "UUSU"})

/* filtering_test.go TestSingleConstraint "NodeAffinityPolicy honored with
 * nodeAffinity" */
FILTER_CASE(test_single_affinity_policy_honor_affinity,
            {.pod = {.labels = "foo",
                     .affinity_key = "foo",
                     .affinity_op = KS_OP_IN,
                     .affinity_values = {""},
                     .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {NODES_FOO3},
             .pods = {PODS_ABY},
             .want = "UUSS"})

/* filtering_test.go TestSingleConstraint "NodeAffinityPolicy ignored with
 * labelSelectors" (the second case of that name: with nodeAffinity) */
FILTER_CASE(test_single_affinity_policy_ignore_affinity,
            {.pod = {.labels = "foo",
                     .affinity_key = "foo",
                     .affinity_op = KS_OP_IN,
                     .affinity_values = {""},
                     .spread = {SP(1, "node", DNS, "foo", .affinity = IGNORE)}},
             .nodes = {NODES_FOO3},
             .pods = {PODS_ABY},
             .want = "UUSU"})

#define NODES_TAINTED_Y                                                        \
    "node-a node=node-a foo", "node-b node=node-b foo",                        \
        "node-x node=node-x foo", "node-y node=node-y !taint"

/* filtering_test.go TestSingleConstraint "NodeTaintsPolicy honored" */
FILTER_CASE(test_single_taints_policy_honor,
            {.pod = {.labels = "foo",
                     .spread = {SP(1, "node", DNS, "foo", .honor_taints = 1)}},
             .nodes = {NODES_TAINTED_Y},
             .pods = {PODS_ABY},
             .want = "UUSS"})

/* filtering_test.go TestSingleConstraint "NodeTaintsPolicy ignored" */
FILTER_CASE(test_single_taints_policy_ignore,
            {.pod = {.labels = "foo", .spread = {SP(1, "node", DNS, "foo")}},
             .nodes = {NODES_TAINTED_Y},
             .pods = {PODS_ABY},
             .want = "UUSU"})

#define ZONE_NODE_FOO                                                          \
    SP(1, "zone", DNS, "foo"), SP(1, "node", DNS, "foo")

/* filtering_test.go TestMultipleConstraints "two Constraints on zone and
 * node, spreads = [3/3, 2/1/0/3]" */
FILTER_CASE(test_multi_zone_node_33_2103,
            {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
             .nodes = {ZONE4},
             .pods = {PODS_2103},
             .want = "UUSU"})

/* filtering_test.go TestMultipleConstraints "two Constraints on zone and
 * node, spreads = [3/4, 2/1/0/4]" */
FILTER_CASE(test_multi_zone_node_34_2104,
            {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
             .nodes = {ZONE4},
             .pods = {PODS_2103, "node-y foo"},
             .want = "UUUU"})

#define ZONE_FOO_NODE_BAR                                                      \
    SP(1, "zone", DNS, "foo"), SP(1, "node", DNS, "bar")

/* filtering_test.go TestMultipleConstraints "Constraints hold different
 * labelSelectors, spreads = [1/0, 1/0/0/1]" */
FILTER_CASE(test_multi_selectors_10_1001,
            {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
             .nodes = {ZONE4},
             .pods = {"node-a foo", "node-y bar"},
             .want = "UUSU"})

/* filtering_test.go TestMultipleConstraints "Constraints hold different
 * labelSelectors, spreads = [1/0, 0/0/1/1]" */
FILTER_CASE(test_multi_selectors_10_0011,
            {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
             .nodes = {ZONE4},
             .pods = {"node-a foo", "node-x bar", "node-y bar"},
             .want = "UUUU"})

/* filtering_test.go TestMultipleConstraints "Constraints hold different
 * labelSelectors, spreads = [2/3, 1/0/0/1]" */
FILTER_CASE(test_multi_selectors_23_1001,
            {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
             .nodes = {ZONE4},
             .pods = {"node-a foo", "node-a foo bar", "node-y foo",
                      "node-y foo bar", "node-y foo"},
             .want = "USUU"})

/* filtering_test.go TestMultipleConstraints "Constraints hold different
 * labelSelectors but pod doesn't match itself on 'zone' constraint" */
FILTER_CASE(test_multi_no_self_match_on_zone,
            {.pod = {.labels = "bar", .spread = {ZONE_FOO_NODE_BAR}},
             .nodes = {ZONE4},
             .pods = {"node-a foo", "node-x bar", "node-y bar"},
             .want = "SSUU"})

/* filtering_test.go TestMultipleConstraints "two Constraints on zone and
 * node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]" */
FILTER_CASE(test_multi_node_label_absent,
            {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
             .nodes = {"node-a zone=zone1 node=node-a",
                       "node-b zone=zone1 node=node-b", "node-x zone=zone2",
                       "node-y zone=zone2 node=node-y"},
             .pods = {"node-a foo", "node-y foo"},
             .want = "USXU"})

/* filtering_test.go TestMultipleConstraints "two node inclusion
 * Constraints, zone: honor/ignore, node: ignore/ignore" */
FILTER_CASE(test_multi_inclusion_zone_hi_node_ii,
            {.pod = {.labels = "foo",
                     .node_selector = "foo",
                     .spread = {SP(1, "zone", DNS, "foo"),
                                SP(1, "node", DNS, "foo", .affinity = IGNORE)}},
             .nodes = {"node-a zone=zone1 node=node-a foo",
                       "node-b zone=zone1 node=node-b foo",
                       "node-x zone=zone2 node=node-x foo",
                       "node-y zone=zone2 node=node-y"},
             .pods = {PODS_ABY},
             .want = "UUSU"})

/* filtering_test.go TestMultipleConstraints "two node inclusion
 * Constraints, zone: honor/honor, node: honor/ignore" */
FILTER_CASE(test_multi_inclusion_zone_hh_node_hi,
            {.pod = {.labels = "foo",
                     .spread = {SP(1, "zone", DNS, "foo", .honor_taints = 1),
                                SP(1, "node", DNS, "foo")}},
             .nodes = {"node-a zone=zone1 node=node-a foo",
                       "node-b zone=zone1 node=node-b foo",
                       "node-x zone=zone2 node=node-x foo",
                       "node-y zone=zone2 node=node-y !taint"},
             .pods = {PODS_ABY},
             .want = "UUSU"})

#define NODES_B_NO_FOO_Y_TAINTED                                               \
    "node-a zone=zone1 node=node-a foo", "node-b zone=zone1 node=node-b",      \
        "node-x zone=zone2 node=node-x foo",                                   \
        "node-y zone=zone2 node=node-y foo !taint"

/* filtering_test.go TestMultipleConstraints "two node inclusion
 * Constraints, zone: honor/ignore, node: honor/ignore" */
FILTER_CASE(test_multi_inclusion_zone_hi_node_hi,
            {.pod = {.labels = "foo",
                     .node_selector = "foo",
                     .spread = {ZONE_NODE_FOO}},
             .nodes = {NODES_B_NO_FOO_Y_TAINTED},
             .pods = {PODS_ABY},
             .want = "USSU"})

/* filtering_test.go TestMultipleConstraints "two node inclusion
 * Constraints, zone: honor/honor, node: ignore/ignore" */
FILTER_CASE(test_multi_inclusion_zone_hh_node_ii,
            {.pod = {.labels = "foo",
                     .node_selector = "foo",
                     .spread = {SP(1, "zone", DNS, "foo", .honor_taints = 1),
                                SP(1, "node", DNS, "foo", .affinity = IGNORE)}},
             .nodes = {NODES_B_NO_FOO_Y_TAINTED},
             .pods = {PODS_ABY},
             .want = "UUSU"})

#define PODS_ZONE_33_21                                                        \
    "node-a foo bar", "node-a foo", "node-b foo bar", "node-y foo",            \
        "node-y foo bar", "node-y foo"

/* filtering_test.go TestMultipleConstraints "two Constraints on zone,
 * spreads = [3/3, 2/1]" */
FILTER_CASE(test_multi_two_zone_33_21,
            {.pod = {.labels = "foo bar",
                     .spread = {SP(1, "zone", DNS, "bar"),
                                SP(1, "zone", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_ZONE_33_21},
             .want = "UUSS"})

/* filtering_test.go TestMultipleConstraints "two Constraints on zone,
 * spreads = [3/4, 2/1]" */
FILTER_CASE(test_multi_two_zone_34_21,
            {.pod = {.labels = "foo bar",
                     .spread = {SP(1, "zone", DNS, "bar"),
                                SP(1, "zone", DNS, "foo")}},
             .nodes = {ZONE4},
             .pods = {PODS_ZONE_33_21, "node-y foo"},
             .want = "UUUU"})

/* filtering_test.go TestPreFilterDisabled: Filter without PreFilter state
 * is an error. */
static void test_prefilter_disabled(void)
{
    fixture f;
    static const pod_def pod = {0};
    static const char *const nodes[] = {"node-a"};
    setup(&f, &pod, nodes, 1, NULL, 0, NULL);
    ks_plugin_call call = call_of(&f);
    ks_status st = ks_plugin_podtopologyspread.filter(&call, &f.c->nodes[0]);
    CU_ASSERT_EQUAL(st.code, KS_STATUS_ERROR);
    teardown(&f);
}

/* ---- PreFilter state runner (TestPreFilterState) ------------------------ */

/* TestPreFilterStateAddPod / RemovePod: after PreFilter, a pod is put on
 * or taken off a node through the hooks (preemption's what-if path). */
typedef struct update_def {
    int op;          /* 0: none, +1: AddPod, -1: RemovePod */
    const char *pod; /* the pod added, or removed when existing < 0 */
    int existing;    /* RemovePod: index in pods[], -1 = not in the cluster */
} update_def;

typedef struct state_case {
    pod_def pod;
    const char *nodes[7];
    const char *pods[12];
    ks_pts_args args;      /* List defaulting with these defaults */
    const char *source;    /* the Service's selector, NULL = none */
    int want_skip;
    update_def update;
    const char *want[3];   /* per constraint: "domain=count ..." */
    int64_t want_min[3];
} state_case;

typedef struct domain_check {
    const void *inst;
    size_t i;
    size_t n;
    int ok;
} domain_check;

static void check_filter_domain(void *ctx, const char *k, const char *v)
{
    domain_check *d = ctx;
    int64_t got = ks_pts_filter_match_num(d->inst, d->i, k);
    if (got != atoll(v)) {
        printf("\n  constraint %zu domain %s: want %s, got %lld\n", d->i, k, v,
               (long long)got);
        d->ok = 0;
    }
    d->n++;
}

static void apply_update(fixture *f, const update_def *u)
{
    const ks_plugin *pl = &ks_plugin_podtopologyspread;
    if (u->op > 0) {
        uint32_t p = add_existing(f->c, u->pod);
        pl->pod_added(f->inst, f->c, p);
    } else if (u->op < 0) {
        /* a pod the cluster lacks: bound and gone without a word, then
         * reported removed */
        uint32_t p = u->existing >= 0 ? (uint32_t)u->existing
                                      : add_existing(f->c, u->pod);
        ks_cluster_complete(f->c, p, 0);
        pl->pod_removed(f->inst, f->c, p);
    }
}

static void run_state(const char *name, const state_case *tc)
{
    fixture f;
    ks_pts_args args = tc->args;
    args.defaulting_type = KS_PTS_LIST_DEFAULTING;
    setup(&f, &tc->pod, tc->nodes, 7, tc->pods, 12, &args);
    install_source(f.inst, tc->source);
    ks_plugin_call call = call_of(&f);
    ks_status st = ks_plugin_podtopologyspread.pre_filter(&call);
    if (tc->want_skip) {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_SKIP);
        teardown(&f);
        return;
    }
    CU_ASSERT_EQUAL_FATAL(st.code, KS_STATUS_SUCCESS);
    apply_update(&f, &tc->update);
    size_t want_n = 0;
    while (want_n < 3 && tc->want[want_n])
        want_n++;
    CU_ASSERT_EQUAL(ks_pts_filter_nconstraints(f.inst), want_n);
    for (size_t i = 0; i < want_n && i < ks_pts_filter_nconstraints(f.inst);
         i++) {
        domain_check d = {f.inst, i, 0, 1};
        each_pair(tc->want[i], check_filter_domain, &d);
        if (!d.ok || d.n != ks_pts_filter_ndomains(f.inst, i) ||
            ks_pts_filter_min_match(f.inst, i) != tc->want_min[i])
            printf("\n  %s: constraint %zu: %zu domains (want %zu), min "
                   "%lld (want %lld)\n",
                   name, i, ks_pts_filter_ndomains(f.inst, i), d.n,
                   (long long)ks_pts_filter_min_match(f.inst, i),
                   (long long)tc->want_min[i]);
        CU_ASSERT(d.ok);
        CU_ASSERT_EQUAL(ks_pts_filter_ndomains(f.inst, i), d.n);
        CU_ASSERT_EQUAL(ks_pts_filter_min_match(f.inst, i), tc->want_min[i]);
    }
    teardown(&f);
}

#define STATE_CASE(fn, ...)                                                    \
    static void fn(void)                                                       \
    {                                                                          \
        static const state_case tc = __VA_ARGS__;                              \
        run_state(#fn, &tc);                                                   \
    }

#define PODS_32                                                                \
    "node-a foo", "node-a foo", "node-b foo", "node-y foo", "node-y foo"
#define PODS_3_4                                                               \
    "node-a foo", "node-a foo", "node-b foo", "node-y foo", "node-y foo",      \
        "node-y foo", "node-y foo"
#define NO_DOMAIN INT32_MAX

/* filtering_test.go TestPreFilterState "clean cluster with one
 * spreadConstraint" */
STATE_CASE(test_state_clean_cluster,
           {.pod = {.labels = "foo", .spread = {SP(5, "zone", DNS, "foo=bar")}},
            .nodes = {ZONE4},
            .want = {"zone1=0 zone2=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "normal case with one
 * spreadConstraint" */
STATE_CASE(test_state_one_constraint,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {ZONE4},
            .pods = {PODS_32},
            .want = {"zone1=3 zone2=2"},
            .want_min = {2}})

/* filtering_test.go TestPreFilterState "normal case with null label
 * selector" */
STATE_CASE(test_state_null_selector,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, NULL)}},
            .nodes = {ZONE4},
            .pods = {PODS_32},
            .want = {"zone1=0 zone2=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "normal case with one
 * spreadConstraint, on a 3-zone cluster" */
STATE_CASE(test_state_three_zones,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {ZONE4, "node-o zone=zone3 node=node-o",
                      "node-p zone=zone3 node=node-p"},
            .pods = {PODS_32},
            .want = {"zone1=3 zone2=2 zone3=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "namespace mismatch doesn't count" */
STATE_CASE(test_state_namespace_mismatch,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {ZONE4},
            .pods = {"node-a foo", "node-a foo @ns1", "node-b foo",
                     "node-y foo @ns2", "node-y foo"},
            .want = {"zone1=2 zone2=1"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterState "normal case with two
 * spreadConstraints" */
STATE_CASE(test_state_two_constraints,
           {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
            .nodes = {ZONE4},
            .pods = {PODS_3_4},
            .want = {"zone1=3 zone2=4", "node-a=2 node-b=1 node-x=0 node-y=4"},
            .want_min = {3, 0}})

/* filtering_test.go TestPreFilterState "soft spreadConstraints should be
 * bypassed" */
STATE_CASE(test_state_soft_bypassed,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "zone", SA, "foo"),
                               SP(1, "zone", DNS, "foo"),
                               SP(1, "node", SA, "foo"),
                               SP(1, "node", DNS, "foo")}},
            .nodes = {"node-a zone=zone1 node=node-a",
                      "node-b zone=zone1 node=node-b",
                      "node-y zone=zone2 node=node-y"},
            .pods = {PODS_3_4},
            .want = {"zone1=3 zone2=4", "node-a=2 node-b=1 node-y=4"},
            .want_min = {3, 1}})

#define NODES_ABY                                                              \
    "node-a zone=zone1 node=node-a", "node-b zone=zone1 node=node-b",          \
        "node-y zone=zone2 node=node-y"

/* filtering_test.go TestPreFilterState "different labelSelectors - simple
 * version" */
STATE_CASE(test_state_selectors_simple,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
            .nodes = {NODES_ABY},
            .pods = {"node-a foo", "node-b bar"},
            .want = {"zone1=1 zone2=0", "node-a=0 node-b=1 node-y=0"},
            .want_min = {0, 0}})

/* filtering_test.go TestPreFilterState "different labelSelectors - complex
 * pods" */
STATE_CASE(test_state_selectors_complex,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
            .nodes = {NODES_ABY},
            .pods = {"node-a foo", "node-a foo bar", "node-b foo",
                     "node-y foo", "node-y foo bar", "node-y foo",
                     "node-y foo bar"},
            .want = {"zone1=3 zone2=4", "node-a=1 node-b=0 node-y=2"},
            .want_min = {3, 0}})

/* filtering_test.go TestPreFilterState "two spreadConstraints, and with
 * podAffinity" */
STATE_CASE(test_state_with_node_affinity,
           {.pod = {.labels = "foo",
                    .affinity_key = "node",
                    .affinity_op = KS_OP_NOT_IN,
                    .affinity_values = {"node-x"},
                    .spread = {ZONE_NODE_FOO}},
            .nodes = {ZONE4},
            .pods = {PODS_3_4},
            .want = {"zone1=3 zone2=4", "node-a=2 node-b=1 node-y=4"},
            .want_min = {3, 1}})

/* filtering_test.go TestPreFilterState "default constraints and a
 * service" */
static const ks_topology_spread defaults_service[] = {
    {.max_skew = 3, .topology_key = "node", .when_unsatisfiable = DNS,
     .node_taints_policy = IGNORE},
    {.max_skew = 2, .topology_key = "node", .when_unsatisfiable = SA,
     .node_taints_policy = IGNORE},
    {.max_skew = 5, .topology_key = "rack", .when_unsatisfiable = DNS,
     .node_taints_policy = IGNORE},
};
STATE_CASE(test_state_default_and_service,
           {.pod = {.labels = "foo=bar baz=kar"},
            .args = {KS_PTS_LIST_DEFAULTING, defaults_service, 3},
            .source = "foo=bar",
            .want = {"", ""},
            .want_min = {NO_DOMAIN, NO_DOMAIN}})

/* filtering_test.go TestPreFilterState "default constraints and a service
 * that doesn't match" */
STATE_CASE(test_state_default_service_no_match,
           {.pod = {.labels = "foo=bar"},
            .args = {KS_PTS_LIST_DEFAULTING, defaults_service, 1},
            .want_skip = 1})

/* filtering_test.go TestPreFilterState "default constraints and a service,
 * but pod has constraints" */
static const ks_topology_spread defaults_node2[] = {
    {.max_skew = 2, .topology_key = "node", .when_unsatisfiable = DNS,
     .node_taints_policy = IGNORE},
};
STATE_CASE(test_state_default_but_pod_constraints,
           {.pod = {.labels = "foo=bar baz=tar",
                    .spread = {SP(1, "zone", DNS, "baz=tar"),
                               SP(2, "planet", SA, "fot=rok")}},
            .args = {KS_PTS_LIST_DEFAULTING, defaults_node2, 1},
            .source = "foo=bar",
            .want = {""},
            .want_min = {NO_DOMAIN}})

/* filtering_test.go TestPreFilterState "default soft constraints and a
 * service" */
STATE_CASE(test_state_default_soft_skip,
           {.pod = {.labels = "foo=bar"},
            .args = {KS_PTS_LIST_DEFAULTING, defaults_service + 1, 1},
            .source = "foo=bar",
            .want_skip = 1})

#define NODES_ABC_FOO_BAR                                                      \
    "node-a node=node-a foo", "node-b node=node-b foo",                        \
        "node-c node=node-c bar"
#define PODS_BAR_12 "node-a bar", "node-b bar", "node-b bar", "node-c"

/* filtering_test.go TestPreFilterState "NodeAffinityPolicy honored with
 * labelSelectors" */
STATE_CASE(test_state_affinity_honor_selector,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {SP(1, "node", DNS, "bar")}},
            .nodes = {NODES_ABC_FOO_BAR},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterState "NodeAffinityPolicy ignored with
 * labelSelectors" */
STATE_CASE(test_state_affinity_ignore_selector,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {SP(1, "node", DNS, "bar", .affinity = IGNORE)}},
            .nodes = {NODES_ABC_FOO_BAR},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2 node-c=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "NodeAffinityPolicy honored with
 * nodeAffinity" */
STATE_CASE(test_state_affinity_honor_affinity,
           {.pod = {.labels = "foo",
                    .affinity_key = "foo",
                    .affinity_op = KS_OP_IN,
                    .affinity_values = {""},
                    .spread = {SP(1, "node", DNS, "bar")}},
            .nodes = {NODES_ABC_FOO_BAR},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterState "NodeAffinityPolicy ignored with
 * nodeAffinity" */
STATE_CASE(test_state_affinity_ignore_affinity,
           {.pod = {.labels = "foo",
                    .affinity_key = "foo",
                    .affinity_op = KS_OP_IN,
                    .affinity_values = {""},
                    .spread = {SP(1, "node", DNS, "bar", .affinity = IGNORE)}},
            .nodes = {NODES_ABC_FOO_BAR},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2 node-c=0"},
            .want_min = {0}})

#define NODES_C_TAINTED                                                        \
    "node-a node=node-a", "node-b node=node-b", "node-c node=node-c !taint bar"

/* filtering_test.go TestPreFilterState "NodeTaintsPolicy ignored" */
STATE_CASE(test_state_taints_ignore,
           {.pod = {.labels = "foo", .spread = {SP(1, "node", DNS, "bar")}},
            .nodes = {NODES_C_TAINTED},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2 node-c=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "NodeTaintsPolicy honored" */
STATE_CASE(test_state_taints_honor,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "node", DNS, "bar", .honor_taints = 1)}},
            .nodes = {NODES_C_TAINTED},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterState "NodeTaintsPolicy honored with
 * tolerated taints" */
STATE_CASE(test_state_taints_honor_tolerated,
           {.pod = {.labels = "foo",
                    .tolerate_unschedulable = 1,
                    .spread = {SP(1, "node", DNS, "bar", .honor_taints = 1)}},
            .nodes = {NODES_C_TAINTED},
            .pods = {PODS_BAR_12},
            .want = {"node-a=1 node-b=2 node-c=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "two node inclusion Constraints,
 * zone: honor/ignore, node: ignore/ignore" */
STATE_CASE(test_state_inclusion_zone_hi_node_ii,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {SP(1, "zone", DNS, "foo"),
                               SP(1, "node", DNS, "foo", .affinity = IGNORE)}},
            .nodes = {"node-a zone=zone1 node=node-a foo",
                      "node-b zone=zone1 node=node-b",
                      "node-x zone=zone2 node=node-x foo"},
            .pods = {"node-b foo", "node-b foo", "node-x foo"},
            .want = {"zone1=0 zone2=1", "node-a=0 node-b=2 node-x=1"},
            .want_min = {0, 0}})

/* filtering_test.go TestPreFilterState "two node inclusion Constraints,
 * zone: honor/honor, node: honor/ignore" */
STATE_CASE(test_state_inclusion_zone_hh_node_hi,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "zone", DNS, "foo", .honor_taints = 1),
                               SP(1, "node", DNS, "foo")}},
            .nodes = {"node-a zone=zone1 node=node-a foo",
                      "node-b zone=zone1 node=node-b !taint",
                      "node-x zone=zone2 node=node-x foo"},
            .pods = {"node-b foo", "node-b foo", "node-x foo"},
            .want = {"zone1=0 zone2=1", "node-a=0 node-b=2 node-x=1"},
            .want_min = {0, 0}})

/* filtering_test.go TestPreFilterState "two node inclusion Constraints,
 * zone: honor/ignore, node: honor/ignore" */
STATE_CASE(test_state_inclusion_zone_hi_node_hi,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {ZONE_NODE_FOO}},
            .nodes = {"node-a zone=zone1 node=node-a",
                      "node-b zone=zone1 node=node-b foo !taint",
                      "node-x zone=zone2 node=node-x foo",
                      "node-y zone=zone2 node=node-y"},
            .pods = {"node-a foo", "node-a foo", "node-x foo", "node-y foo"},
            .want = {"zone1=0 zone2=1", "node-b=0 node-x=1"},
            .want_min = {0, 0}})

/* filtering_test.go TestPreFilterState "two node inclusion Constraints,
 * zone: ignore/ignore, node: honor/honor" */
STATE_CASE(test_state_inclusion_zone_ii_node_hh,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {SP(1, "zone", DNS, "foo", .affinity = IGNORE),
                               SP(1, "node", DNS, "foo", .honor_taints = 1)}},
            .nodes = {"node-a zone=zone1 node=node-a",
                      "node-b zone=zone1 node=node-b foo !taint",
                      "node-x zone=zone2 node=node-x foo",
                      "node-y zone=zone2 node=node-y foo"},
            .pods = {"node-a foo", "node-a foo", "node-x foo", "node-x foo",
                     "node-y foo"},
            .want = {"zone1=2 zone2=3", "node-x=2 node-y=1"},
            .want_min = {2, 1}})

/* filtering_test.go TestPreFilterState "matchLabelKeys ANDed with
 * LabelSelector when LabelSelector isn't empty" */
STATE_CASE(test_state_match_label_keys_selector,
           {.pod = {.labels = "foo bar=a",
                    .spread = {SP(1, "zone", DNS, "foo",
                                  .match_label_keys = "bar")}},
            .nodes = {ZONE4},
            .pods = {"node-a foo", "node-a foo bar=a", "node-b foo",
                     "node-y foo bar=a", "node-y bar"},
            .want = {"zone1=1 zone2=1"},
            .want_min = {1}})

#define PODS_FOO_A                                                             \
    "node-a foo=a", "node-a foo=a", "node-b foo=a", "node-y foo=a",            \
        "node-y foo=a"

/* filtering_test.go TestPreFilterState "matchLabelKeys ANDed with
 * LabelSelector when LabelSelector is empty" */
STATE_CASE(test_state_match_label_keys_empty_selector,
           {.pod = {.labels = "foo=a",
                    .spread = {SP(1, "zone", DNS, "",
                                  .match_label_keys = "foo")}},
            .nodes = {ZONE4},
            .pods = {PODS_FOO_A},
            .want = {"zone1=3 zone2=2"},
            .want_min = {2}})

/* filtering_test.go TestPreFilterState "key in matchLabelKeys is ignored
 * when LabelSelector is nil when feature gate enabled" */
STATE_CASE(test_state_match_label_keys_nil_selector,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "zone", DNS, NULL,
                                  .match_label_keys = "bar")}},
            .nodes = {ZONE4},
            .pods = {PODS_FOO_A},
            .want = {"zone1=0 zone2=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterState "key in matchLabelKeys is ignored
 * when it isn't exist in pod.labels" */
STATE_CASE(test_state_match_label_keys_absent,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "zone", DNS, "foo",
                                  .match_label_keys = "bar")}},
            .nodes = {ZONE4},
            .pods = {PODS_FOO_A},
            .want = {"zone1=3 zone2=2"},
            .want_min = {2}})

/* filtering_test.go TestPreFilterState "two spreadConstraints with the
 * same topologyKey" */
STATE_CASE(test_state_same_topology_key,
           {.pod = {.labels = "foo bar",
                    .spread = {SP(1, "zone", DNS, "foo"),
                               SP(1, "zone", DNS, "bar")}},
            .nodes = {ZONE4},
            .pods = {"node-a foo bar", "node-b foo", "node-x bar",
                     "node-y foo bar", "node-y bar"},
            .want = {"zone1=2 zone2=1", "zone1=1 zone2=3"},
            .want_min = {1, 1}})

/* filtering_test.go TestPreFilterState "skip if not specified" */
STATE_CASE(test_state_skip_if_not_specified,
           {.pod = {.labels = "foo"},
            .nodes = {"node-a zone=zone1 node=node-a"},
            .want_skip = 1})

/* ---- TestPreFilterStateAddPod / TestPreFilterStateRemovePod ------------ */

#define NODES_AB_ZONE1                                                         \
    "node-a zone=zone1 node=node-a", "node-b zone=zone1 node=node-b"
#define NODE_FOO {SP(1, "node", DNS, "foo")}

/* filtering_test.go TestPreFilterStateAddPod "node a and b both impact
 * current min match" */
STATE_CASE(test_add_pod_both_impact,
           {.pod = {.labels = "foo", .spread = NODE_FOO},
            .nodes = {NODES_AB_ZONE1},
            .update = {+1, "node-a foo", 0},
            .want = {"node-a=1 node-b=0"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterStateAddPod "only node a impacts current
 * min match" */
STATE_CASE(test_add_pod_only_a,
           {.pod = {.labels = "foo", .spread = NODE_FOO},
            .nodes = {NODES_AB_ZONE1},
            .pods = {"node-b foo"},
            .update = {+1, "node-a foo", 0},
            .want = {"node-a=1 node-b=1"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterStateAddPod "add a pod in a different
 * namespace doesn't change topologyKeyToMinPodsMap" */
STATE_CASE(test_add_pod_other_namespace,
           {.pod = {.labels = "foo", .spread = NODE_FOO},
            .nodes = {NODES_AB_ZONE1},
            .pods = {"node-b foo"},
            .update = {+1, "node-a foo @ns1", 0},
            .want = {"node-a=0 node-b=1"},
            .want_min = {0}})

/* filtering_test.go TestPreFilterStateAddPod "add pod on non-critical node
 * won't trigger re-calculation" */
STATE_CASE(test_add_pod_non_critical,
           {.pod = {.labels = "foo", .spread = NODE_FOO},
            .nodes = {NODES_AB_ZONE1},
            .pods = {"node-b foo"},
            .update = {+1, "node-b foo", 0},
            .want = {"node-a=0 node-b=2"},
            .want_min = {0}})

#define NODES_A_X                                                              \
    "node-a zone=zone1 node=node-a", "node-x zone=zone2 node=node-x"

/* filtering_test.go TestPreFilterStateAddPod "node a and x both impact
 * topologyKeyToMinPodsMap on zone and node" */
STATE_CASE(test_add_pod_a_x_zone_node,
           {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
            .nodes = {NODES_A_X},
            .update = {+1, "node-a foo", 0},
            .want = {"zone1=1 zone2=0", "node-a=1 node-x=0"},
            .want_min = {0, 0}})

/* filtering_test.go TestPreFilterStateAddPod "only node a impacts
 * topologyKeyToMinPodsMap on zone and node" */
STATE_CASE(test_add_pod_only_a_zone_node,
           {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
            .nodes = {NODES_A_X},
            .pods = {"node-x foo"},
            .update = {+1, "node-a foo", 0},
            .want = {"zone1=1 zone2=1", "node-a=1 node-x=1"},
            .want_min = {1, 1}})

#define NODES_A_B_X NODES_AB_ZONE1, "node-x zone=zone2 node=node-x"

/* filtering_test.go TestPreFilterStateAddPod "node a impacts
 * topologyKeyToMinPodsMap on node, node x impacts topologyKeyToMinPodsMap
 * on zone" */
STATE_CASE(test_add_pod_a_node_x_zone,
           {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
            .nodes = {NODES_A_B_X},
            .pods = {"node-b foo", "node-b foo", "node-x foo"},
            .update = {+1, "node-a foo", 0},
            .want = {"zone1=3 zone2=1", "node-a=1 node-b=2 node-x=1"},
            .want_min = {1, 1}})

/* filtering_test.go TestPreFilterStateAddPod "Constraints hold different
 * labelSelectors, node a impacts topologyKeyToMinPodsMap on zone" */
STATE_CASE(test_add_pod_selectors_zone,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
            .nodes = {NODES_A_B_X},
            .pods = {"node-b foo bar", "node-x foo bar", "node-x bar"},
            .update = {+1, "node-a foo", 0},
            .want = {"zone1=2 zone2=1", "node-a=0 node-b=1 node-x=2"},
            .want_min = {1, 0}})

/* filtering_test.go TestPreFilterStateAddPod "Constraints hold different
 * labelSelectors, node a impacts topologyKeyToMinPodsMap on both zone and
 * node" */
STATE_CASE(test_add_pod_selectors_zone_node,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_NODE_BAR}},
            .nodes = {NODES_A_B_X},
            .pods = {"node-b bar", "node-x foo bar", "node-x bar"},
            .update = {+1, "node-a foo bar", 0},
            .want = {"zone1=1 zone2=1", "node-a=1 node-b=1 node-x=2"},
            .want_min = {1, 1}})

#define NODES_FOO_BAR_A                                                        \
    "node-a zone=zone1 node=node-a foo=bar",                                   \
        "node-b zone=zone2 node=node-b foo="

/* filtering_test.go TestPreFilterStateAddPod "add a pod when scheduling
 * node affinity unmatched pod with NodeInclusionPolicy enabled" */
STATE_CASE(test_add_pod_affinity_unmatched,
           {.pod = {.labels = "foo",
                    .affinity_key = "foo",
                    .affinity_op = KS_OP_NOT_IN,
                    .affinity_values = {"bar"},
                    .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {NODES_FOO_BAR_A},
            .pods = {"node-a foo zone=zone1", "node-b foo zone=zone2"},
            .update = {+1, "node-a foo zone=zone1", 0},
            .want = {"zone2=1"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterStateAddPod "add a pod when scheduling
 * node affinity matched pod with NodeInclusionPolicy enabled" */
STATE_CASE(test_add_pod_affinity_matched,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {NODES_FOO_BAR_A},
            .pods = {"node-a foo zone=zone1", "node-b foo zone=zone2"},
            .update = {+1, "node-b foo zone=zone2", 0},
            .want = {"zone1=1 zone2=2"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterStateAddPod "add a label selector not
 * matched pod when with NodeInclusionPolicy enabled" */
STATE_CASE(test_add_pod_selector_not_matched,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {NODES_FOO_BAR_A},
            .pods = {"node-a foo zone=zone1", "node-b foo zone=zone2"},
            .update = {+1, "node-b zone=zone2", 0},
            .want = {"zone1=1 zone2=1"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterStateAddPod "add a pod when scheduling
 * taint tolerated pod with NodeInclusionPolicy enabled" */
STATE_CASE(test_add_pod_taint_tolerated,
           {.pod = {.labels = "foo",
                    .tolerate_unschedulable = 1,
                    .spread = {SP(1, "zone", DNS, "foo")}},
            .nodes = {"node-a zone=zone1 node=node-a !taint",
                      "node-b zone=zone2 node=node-b"},
            .pods = {"node-a foo zone=zone1", "node-b foo zone=zone2"},
            .update = {+1, "node-b foo zone=zone2", 0},
            .want = {"zone1=1 zone2=2"},
            .want_min = {1}})

#define ZONE_FOO {SP(1, "zone", DNS, "foo")}

/* filtering_test.go TestPreFilterStateRemovePod "one spreadConstraint on
 * zone, topologyKeyToMinPodsMap unchanged" */
STATE_CASE(test_remove_pod_min_unchanged,
           {.pod = {.labels = "foo", .spread = ZONE_FOO},
            .nodes = {NODES_A_B_X},
            .pods = {"node-a foo", "node-b foo", "node-x foo"},
            .update = {-1, NULL, 0},
            .want = {"zone1=1 zone2=1"},
            .want_min = {1}})

#define PODS_AB_XY_FOO "node-a foo", "node-b foo", "node-x foo", "node-y foo"

/* filtering_test.go TestPreFilterStateRemovePod "one spreadConstraint on
 * node, topologyKeyToMinPodsMap changed" */
STATE_CASE(test_remove_pod_min_changed,
           {.pod = {.labels = "foo", .spread = ZONE_FOO},
            .nodes = {ZONE4},
            .pods = {PODS_AB_XY_FOO},
            .update = {-1, NULL, 0},
            .want = {"zone1=1 zone2=2"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterStateRemovePod "delete an irrelevant pod
 * won't help" */
STATE_CASE(test_remove_pod_irrelevant,
           {.pod = {.labels = "foo", .spread = ZONE_FOO},
            .nodes = {ZONE4},
            .pods = {"node-a bar", PODS_AB_XY_FOO},
            .update = {-1, NULL, 0},
            .want = {"zone1=2 zone2=2"},
            .want_min = {2}})

/* filtering_test.go TestPreFilterStateRemovePod "delete a non-existing pod
 * won't help" */
STATE_CASE(test_remove_pod_non_existing,
           {.pod = {.labels = "foo", .spread = ZONE_FOO},
            .nodes = {ZONE4},
            .pods = {PODS_AB_XY_FOO},
            .update = {-1, "node-a bar", -1},
            .want = {"zone1=2 zone2=2"},
            .want_min = {2}})

/* filtering_test.go TestPreFilterStateRemovePod "two spreadConstraints" */
STATE_CASE(test_remove_pod_two_constraints,
           {.pod = {.labels = "foo", .spread = {ZONE_NODE_FOO}},
            .nodes = {NODES_A_B_X},
            .pods = {"node-a foo", "node-a foo", "node-b foo", "node-x foo",
                     "node-x foo"},
            .update = {-1, NULL, 3},
            .want = {"zone1=3 zone2=1", "node-a=2 node-b=1 node-x=1"},
            .want_min = {1, 1}})

/* filtering_test.go TestPreFilterStateRemovePod "remove a pod when
 * scheduling node affinity unmatched pod with NodeInclusionPolicy
 * enabled" */
STATE_CASE(test_remove_pod_affinity_unmatched,
           {.pod = {.labels = "foo",
                    .affinity_key = "foo",
                    .affinity_op = KS_OP_NOT_IN,
                    .affinity_values = {"bar"},
                    .spread = ZONE_FOO},
            .nodes = {NODES_FOO_BAR_A},
            .pods = {"node-a foo zone=zone1", "node-b foo zone=zone2"},
            .update = {-1, "node-a foo zone=zone1", -1},
            .want = {"zone2=1"},
            .want_min = {1}})

/* filtering_test.go TestPreFilterStateRemovePod "remove a pod when
 * scheduling node affinity matched pod with NodeInclusionPolicy enabled" */
STATE_CASE(test_remove_pod_affinity_matched,
           {.pod = {.labels = "foo", .spread = ZONE_FOO},
            .nodes = {NODES_FOO_BAR_A},
            .pods = {"node-a foo zone=zone1", "node-b foo zone=zone2"},
            .update = {-1, "node-b foo zone=zone2", -1},
            .want = {"zone1=1 zone2=0"},
            .want_min = {0}})

/* ---- PreScore state runner (TestPreScoreSkip, ...EmptyNodes) ----------- */

typedef struct score_state_case {
    pod_def pod;
    const char *nodes[5];  /* all of them filtered, no pods */
    ks_pts_args args;      /* defaulting_type as given */
    const char *source;
    int want_skip;
    const char *want_ignored; /* node names */
    const char *want[3];      /* tracked "value=count" per constraint */
    int want_size[3];         /* topologyNormalizingWeight(size) */
} score_state_case;

static void check_score_domain(void *ctx, const char *k, const char *v)
{
    domain_check *d = ctx;
    if (ks_pts_score_domain_count(d->inst, d->i, k) != atoll(v)) {
        printf("\n  constraint %zu domain %s: want %s, got %lld\n", d->i, k, v,
               (long long)ks_pts_score_domain_count(d->inst, d->i, k));
        d->ok = 0;
    }
    d->n++;
}

static void count_name(void *ctx, const char *k, const char *v)
{
    (void)k;
    (void)v;
    ++*(size_t *)ctx;
}

static void run_score_state(const score_state_case *tc)
{
    fixture f;
    setup(&f, &tc->pod, tc->nodes, 5, NULL, 0, &tc->args);
    install_source(f.inst, tc->source);
    ks_plugin_call call = call_of(&f);
    uint32_t all[5];
    for (size_t i = 0; i < f.c->nnodes; i++)
        all[i] = (uint32_t)i;
    ks_status st = ks_plugin_podtopologyspread.pre_score(&call, all,
                                                         f.c->nnodes);
    if (tc->want_skip) {
        CU_ASSERT_EQUAL(st.code, KS_STATUS_SKIP);
        teardown(&f);
        return;
    }
    CU_ASSERT_EQUAL_FATAL(st.code, KS_STATUS_SUCCESS);
    size_t nignored = 0, want_ignored = 0;
    for (size_t i = 0; i < f.c->nnodes; i++)
        nignored += (size_t)ks_pts_score_ignored(f.inst, (uint32_t)i);
    each_pair(tc->want_ignored, count_name, &want_ignored);
    CU_ASSERT_EQUAL(nignored, want_ignored);
    if (tc->want_ignored) {
        char *buf = ks_xstrdup(tc->want_ignored);
        char *save = NULL;
        for (char *t = strtok_r(buf, " ", &save); t;
             t = strtok_r(NULL, " ", &save))
            CU_ASSERT(ks_pts_score_ignored(f.inst, node_named(f.c, t)));
        free(buf);
    }
    size_t want_n = 0;
    while (want_n < 3 && tc->want[want_n])
        want_n++;
    CU_ASSERT_EQUAL_FATAL(ks_pts_score_nconstraints(f.inst), want_n);
    for (size_t i = 0; i < want_n; i++) {
        domain_check d = {f.inst, i, 0, 1};
        each_pair(tc->want[i], check_score_domain, &d);
        CU_ASSERT(d.ok);
        CU_ASSERT_EQUAL(ks_pts_score_ndomains(f.inst, i), d.n);
        CU_ASSERT_DOUBLE_EQUAL(ks_pts_score_weight(f.inst, i),
                               log((double)tc->want_size[i] + 2), 0);
    }
    teardown(&f);
}

#define SCORE_STATE_CASE(fn, ...)                                              \
    static void fn(void)                                                       \
    {                                                                          \
        static const score_state_case tc = __VA_ARGS__;                        \
        run_score_state(&tc);                                                  \
    }

#define LIST {KS_PTS_LIST_DEFAULTING, NULL, 0}

/* scoring_test.go TestPreScoreSkip "the pod doesn't have soft topology
 * spread Constraints" */
SCORE_STATE_CASE(test_prescore_skip_no_soft_constraints,
                 {.nodes = {"node-a " HN("node-a"), "node-b " HN("node-b")},
                  .args = LIST,
                  .want_skip = 1})

/* scoring_test.go TestPreScoreSkip "default constraints and a replicaset
 * that doesn't match" */
static const ks_topology_spread defaults_planet[] = {
    {.max_skew = 2, .topology_key = "planet", .when_unsatisfiable = SA,
     .node_taints_policy = IGNORE},
};
SCORE_STATE_CASE(test_prescore_skip_replicaset_no_match,
                 {.pod = {.labels = "foo=bar baz=sup"},
                  .nodes = {"node-a planet=mars"},
                  .args = {KS_PTS_LIST_DEFAULTING, defaults_planet, 1},
                  .want_skip = 1})

#define ZONE_HOST3                                                             \
    "node-a zone=zone1 " HN("node-a"), "node-b zone=zone1 " HN("node-b"),      \
        "node-x zone=zone2 " HN("node-x")

/* scoring_test.go TestPreScoreStateEmptyNodes "normal case" */
SCORE_STATE_CASE(test_prescore_state_normal,
                 {.pod = {.labels = "foo",
                          .spread = {SP(1, "zone", SA, "foo"),
                                     SP(1, HOST, SA, "foo")}},
                  .nodes = {ZONE_HOST3},
                  .args = LIST,
                  .want = {"zone1=0 zone2=0", ""},
                  .want_size = {2, 3}})

/* scoring_test.go TestPreScoreStateEmptyNodes "null selector" */
SCORE_STATE_CASE(test_prescore_state_null_selector,
                 {.pod = {.labels = "foo", .spread = {SP(1, "zone", SA, NULL)}},
                  .nodes = {ZONE_HOST3},
                  .args = LIST,
                  .want = {"zone1=0 zone2=0"},
                  .want_size = {2}})

/* scoring_test.go TestPreScoreStateEmptyNodes "node-x doesn't have label
 * zone" */
SCORE_STATE_CASE(test_prescore_state_node_without_zone,
                 {.pod = {.labels = "foo",
                          .spread = {SP(1, "zone", SA, "foo"),
                                     SP(1, HOST, SA, "bar")}},
                  .nodes = {"node-a zone=zone1 " HN("node-a"),
                            "node-b zone=zone1 " HN("node-b"),
                            "node-x " HN("node-x")},
                  .args = LIST,
                  .want_ignored = "node-x",
                  .want = {"zone1=0", ""},
                  .want_size = {1, 2}})

/* scoring_test.go TestPreScoreStateEmptyNodes "system default constraints
 * and a replicaset" */
SCORE_STATE_CASE(test_prescore_state_system_defaults,
                 {.pod = {.labels = "foo=tar baz=sup"},
                  .nodes = {"node-a " HN("node-a")
                            " topology.kubernetes.io/zone=mars",
                            "node-b " HN("node-b")
                            " topology.kubernetes.io/zone=mars",
                            "node-c " HN("node-c"), "node-d " HN("node-d")},
                  .args = {KS_PTS_SYSTEM_DEFAULTING, NULL, 0},
                  .source = "foo",
                  .want = {"", "mars=0 =0"},
                  .want_size = {4, 2}})

/* scoring_test.go TestPreScoreStateEmptyNodes "default constraints and a
 * replicaset" */
static const ks_topology_spread defaults_rs[] = {
    {.max_skew = 1, .topology_key = HOST, .when_unsatisfiable = SA,
     .node_taints_policy = IGNORE},
    {.max_skew = 2, .topology_key = "rack", .when_unsatisfiable = DNS,
     .node_taints_policy = IGNORE},
    {.max_skew = 2, .topology_key = "planet", .when_unsatisfiable = SA,
     .node_taints_policy = IGNORE},
};
SCORE_STATE_CASE(test_prescore_state_list_defaults,
                 {.pod = {.labels = "foo=tar baz=sup"},
                  .nodes = {"node-a rack=rack1 " HN("node-a") " planet=mars"},
                  .args = {KS_PTS_LIST_DEFAULTING, defaults_rs, 3},
                  .source = "foo",
                  .want = {"", "mars=0"},
                  .want_size = {1, 1}})

/* scoring_test.go TestPreScoreStateEmptyNodes "default constraints and a
 * replicaset, but pod has constraints" */
static const ks_topology_spread defaults_galaxy[] = {
    {.max_skew = 2, .topology_key = "galaxy", .when_unsatisfiable = SA,
     .node_taints_policy = IGNORE},
};
SCORE_STATE_CASE(test_prescore_state_pod_constraints_win,
                 {.pod = {.labels = "foo=bar baz=sup",
                          .spread = {SP(1, "zone", DNS, "bar"),
                                     SP(2, "planet", SA, "baz=sup")}},
                  .nodes = {"node-a planet=mars galaxy=andromeda"},
                  .args = {KS_PTS_LIST_DEFAULTING, defaults_galaxy, 1},
                  .source = "foo",
                  .want = {"mars=0"},
                  .want_size = {1}})

#define ZONE_FOO_HOST3                                                         \
    "node-a zone=zone1 foo " HN("node-a"),                                     \
        "node-b zone=zone1 foo " HN("node-b"), "node-x zone=zone2 " HN("node-x")

/* scoring_test.go TestPreScoreStateEmptyNodes "NodeAffinityPolicy honored
 * with labelSelectors" */
SCORE_STATE_CASE(test_prescore_state_affinity_honor,
                 {.pod = {.labels = "foo",
                          .node_selector = "foo",
                          .spread = {SP(1, "zone", SA, "bar")}},
                  .nodes = {ZONE_FOO_HOST3},
                  .args = LIST,
                  .want = {"zone1=0 zone2=0"},
                  .want_size = {2}})

/* scoring_test.go TestPreScoreStateEmptyNodes "NodeAffinityPolicy ignored
 * with labelSelectors" */
SCORE_STATE_CASE(test_prescore_state_affinity_ignore,
                 {.pod = {.labels = "foo",
                          .node_selector = "foo",
                          .spread = {SP(1, "zone", SA, "bar",
                                        .affinity = IGNORE)}},
                  .nodes = {ZONE_FOO_HOST3},
                  .args = LIST,
                  .want = {"zone1=0 zone2=0"},
                  .want_size = {2}})

/* scoring_test.go TestPreScoreStateEmptyNodes "NodeTaintsPolicy honored" */
SCORE_STATE_CASE(test_prescore_state_taints_honor,
                 {.pod = {.labels = "foo",
                          .spread = {SP(1, "zone", SA, "bar",
                                        .honor_taints = 1)}},
                  .nodes = {"node-a zone=zone1 foo " HN("node-a"),
                            "node-b zone=zone1 foo " HN("node-b"),
                            "node-x zone=zone2 !taint " HN("node-x")},
                  .args = LIST,
                  .want = {"zone1=0 zone2=0"},
                  .want_size = {2}})

/* ---- Score runner (TestPodTopologySpreadScore) --------------------------- */

typedef struct score_case {
    pod_def pod;
    const char *nodes[5];  /* candidates (filtered) */
    const char *failed[3]; /* in the snapshot, not filtered */
    const char *pods[12];
    const char *source;    /* the Service's selector, NULL = none */
    int64_t want[5];
} score_case;

static void run_score(const char *name, const score_case *tc)
{
    const char *all[8] = {0};
    size_t ncand = 0, nall = 0;
    while (ncand < 5 && tc->nodes[ncand])
        all[nall++] = tc->nodes[ncand++];
    for (size_t i = 0; i < 3 && tc->failed[i]; i++)
        all[nall++] = tc->failed[i];
    fixture f;
    /* upstream runs these with DefaultingType System */
    static const ks_pts_args system = {KS_PTS_SYSTEM_DEFAULTING, NULL, 0};
    setup(&f, &tc->pod, all, nall, tc->pods, 12, &system);
    install_source(f.inst, tc->source);
    ks_plugin_call call = call_of(&f);
    uint32_t cand[5];
    for (size_t i = 0; i < ncand; i++)
        cand[i] = (uint32_t)i;
    ks_status st = ks_plugin_podtopologyspread.pre_score(&call, cand, ncand);
    CU_ASSERT_EQUAL_FATAL(st.code, KS_STATUS_SUCCESS);
    int64_t got[5];
    for (size_t i = 0; i < ncand; i++)
        got[i] = ks_plugin_podtopologyspread.score(&call, &f.c->nodes[i]);
    ks_plugin_podtopologyspread.normalize(&call, got, ncand);
    int same = 1;
    for (size_t i = 0; i < ncand; i++)
        same &= got[i] == tc->want[i];
    if (!same) {
        printf("\n  %s: got", name);
        for (size_t i = 0; i < ncand; i++)
            printf(" %lld", (long long)got[i]);
        printf("\n");
    }
    CU_ASSERT(same);
    teardown(&f);
}

#define SCORE_CASE(fn, ...)                                                    \
    static void fn(void)                                                       \
    {                                                                          \
        static const score_case tc = __VA_ARGS__;                              \
        run_score(#fn, &tc);                                                   \
    }

#define HOST2 "node-a " HN("node-a"), "node-b " HN("node-b")
#define HOST4 HOST2, "node-c " HN("node-c"), "node-d " HN("node-d")
#define PODS_2103_D                                                            \
    "node-a foo", "node-a foo", "node-b foo", "node-d foo", "node-d foo",      \
        "node-d foo"
#define PODS_4321                                                              \
    "node-a foo", "node-a foo", "node-a foo", "node-a foo", "node-b foo",      \
        "node-b foo", "node-b foo", "node-c foo", "node-c foo", "node-d foo"
#define PODS_421_3                                                             \
    "node-a foo", "node-a foo", "node-a foo", "node-a foo", "node-b foo",      \
        "node-b foo", "node-x foo", "node-y foo", "node-y foo", "node-y foo"

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, no
 * existing pods" */
SCORE_CASE(test_score_no_existing_pods,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {HOST2},
            .want = {100, 100}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, only
 * one node is candidate" */
SCORE_CASE(test_score_one_candidate,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {"node-a " HN("node-a")},
            .failed = {"node-b " HN("node-b")},
            .pods = {"node-a foo", "node-a foo", "node-b foo"},
            .want = {100}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, all
 * nodes have the same number of matching pods" */
SCORE_CASE(test_score_same_counts,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {HOST2},
            .pods = {"node-a foo", "node-b foo"},
            .want = {100, 100}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, all
 * 4 nodes are candidates" */
SCORE_CASE(test_score_four_candidates,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {HOST4},
            .pods = {PODS_2103_D},
            .want = {20, 60, 100, 0}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, null
 * selector" */
SCORE_CASE(test_score_null_selector,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, NULL)}},
            .nodes = {HOST4},
            .pods = {PODS_2103_D},
            .want = {100, 100, 100, 100}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, all
 * 4 nodes are candidates, maxSkew=2" */
SCORE_CASE(test_score_max_skew_2,
           {.pod = {.labels = "foo", .spread = {SP(2, HOST, SA, "foo")}},
            .nodes = {HOST4},
            .pods = {PODS_2103_D},
            .want = {33, 66, 100, 16}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, all
 * 4 nodes are candidates, maxSkew=3" */
SCORE_CASE(test_score_max_skew_3,
           {.pod = {.labels = "foo", .spread = {SP(3, HOST, SA, "foo")}},
            .nodes = {HOST4},
            .pods = {PODS_4321},
            .want = {44, 66, 77, 100}})

/* scoring_test.go TestPodTopologySpreadScore "system defaulting, nodes
 * don't have zone, pods match service" */
SCORE_CASE(test_score_system_defaulting_service,
           {.pod = {.labels = "foo"},
            .nodes = {HOST4},
            .pods = {PODS_4321},
            .source = "foo=",
            .want = {44, 66, 77, 100}})

#define HOST_ABX                                                               \
    "node-a " HN("node-a"), "node-b " HN("node-b"), "node-x " HN("node-x")

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, 3
 * out of 4 nodes are candidates" */
SCORE_CASE(test_score_three_of_four,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {HOST_ABX},
            .failed = {"node-y " HN("node-y")},
            .pods = {PODS_421_3},
            .want = {33, 83, 100}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on node, 3
 * out of 4 nodes are candidates, one node doesn't match topology key" */
SCORE_CASE(test_score_node_without_key,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {"node-a " HN("node-a"), "node-b n=node-b",
                      "node-x " HN("node-x")},
            .failed = {"node-y " HN("node-y")},
            .pods = {PODS_421_3},
            .want = {16, 0, 100}})

/* scoring_test.go TestPodTopologySpreadScore "one constraint on zone, 3
 * out of 4 nodes are candidates" */
SCORE_CASE(test_score_zone_three_of_four,
           {.pod = {.labels = "foo", .spread = {SP(1, "zone", SA, "foo")}},
            .nodes = {ZONE_HOST3},
            .failed = {"node-y zone=zone2 " HN("node-y")},
            .pods = {PODS_421_3},
            .want = {75, 75, 100}})

/* scoring_test.go TestPodTopologySpreadScore "two Constraints on zone and
 * node, 2 out of 4 nodes are candidates" */
SCORE_CASE(test_score_zone_node_two_of_four,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "zone", SA, "foo"),
                               SP(1, HOST, SA, "foo")}},
            .nodes = {"node-a zone=zone1 " HN("node-a"),
                      "node-x zone=zone2 " HN("node-x")},
            .failed = {"node-b zone=zone1 " HN("node-b"),
                       "node-y zone=zone2 " HN("node-y")},
            .pods = {"node-a foo", "node-a foo", "node-b foo", "node-x foo",
                     "node-x foo", "node-y foo", "node-y foo", "node-y foo",
                     "node-y foo"},
            .want = {100, 63}})

/* scoring_test.go TestPodTopologySpreadScore "two Constraints on zone, 2
 * out of 4 nodes are candidates" */
SCORE_CASE(test_score_two_zone_constraints,
           {.pod = {.labels = "foo bar",
                    .spread = {SP(1, "zone", SA, "foo"),
                               SP(1, "zone", SA, "bar")}},
            .nodes = {"node-a zone=zone1", "node-x zone=zone2"},
            .failed = {"node-b zone=zone1", "node-y zone=zone2"},
            .pods = {"node-a foo bar", "node-a foo", "node-b foo bar",
                     "node-y foo", "node-y foo bar", "node-y foo"},
            .want = {85, 100}})

#define ZONE_HOST4 ZONE_HOST3, "node-y zone=zone2 " HN("node-y")
#define ZONE_FOO_HOST_BAR                                                      \
    SP(1, "zone", SA, "foo"), SP(1, HOST, SA, "bar")
#define PODS_DIFF_SELECTORS                                                    \
    "node-a foo", "node-b foo bar", "node-y foo", "node-y bar"

/* scoring_test.go TestPodTopologySpreadScore "two Constraints on zone and
 * node, with different labelSelectors" */
SCORE_CASE(test_score_different_selectors,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_HOST_BAR}},
            .nodes = {ZONE_HOST4},
            .pods = {PODS_DIFF_SELECTORS},
            .want = {60, 20, 100, 60}})

/* scoring_test.go TestPodTopologySpreadScore "two Constraints on zone and
 * node, with different labelSelectors, some nodes have 0 pods" */
SCORE_CASE(test_score_different_selectors_zero_pods,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_HOST_BAR}},
            .nodes = {ZONE_HOST4},
            .pods = {"node-b bar", "node-x foo", "node-y foo bar"},
            .want = {100, 60, 40, 0}})

/* scoring_test.go TestPodTopologySpreadScore "two Constraints on zone and
 * node, with different labelSelectors, 3 out of 4 nodes are candidates" */
SCORE_CASE(test_score_different_selectors_three_of_four,
           {.pod = {.labels = "foo bar", .spread = {ZONE_FOO_HOST_BAR}},
            .nodes = {ZONE_HOST3},
            .failed = {"node-y zone=zone2 " HN("node-y")},
            .pods = {PODS_DIFF_SELECTORS},
            .want = {50, 25, 100}})

/* scoring_test.go TestPodTopologySpreadScore "existing pods in a different
 * namespace do not count" */
SCORE_CASE(test_score_other_namespace,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {HOST2},
            .pods = {"node-a foo @ns1", "node-a foo", "node-b foo",
                     "node-b foo"},
            .want = {100, 33}})

/* scoring_test.go TestPodTopologySpreadScore "terminating Pods should be
 * excluded" */
SCORE_CASE(test_score_terminating_excluded,
           {.pod = {.labels = "foo", .spread = {SP(1, HOST, SA, "foo")}},
            .nodes = {HOST2},
            .pods = {"node-a foo ~", "node-b foo"},
            .want = {100, 0}})

/* scoring_test.go TestPodTopologySpreadScore "minDomains has no effect
 * when ScheduleAnyway" */
SCORE_CASE(test_score_min_domains_no_effect,
           {.pod = {.labels = "foo",
                    .spread = {SP(2, "node", SA, "foo", .min_domains = 10)}},
            .nodes = {NODES_ABC},
            .pods = {PODS_221},
            .want = {75, 75, 100}})

#define NODES_AB_FOO_C                                                         \
    "node-a node=node-a foo", "node-b node=node-b foo", "node-c node=node-c"
#define PODS_A2_B_C "node-a foo", "node-a foo", "node-b foo", "node-c foo"

/* scoring_test.go TestPodTopologySpreadScore "NodeAffinityPolicy honoed
 * with labelSelectors" */
SCORE_CASE(test_score_affinity_honor_selector,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {SP(1, "node", SA, "foo")}},
            .nodes = {NODES_AB_FOO_C},
            .pods = {PODS_A2_B_C},
            .want = {0, 33, 100}})

/* scoring_test.go TestPodTopologySpreadScore "NodeAffinityPolicy ignored
 * with labelSelectors" */
SCORE_CASE(test_score_affinity_ignore_selector,
           {.pod = {.labels = "foo",
                    .node_selector = "foo",
                    .spread = {SP(1, "node", SA, "foo", .affinity = IGNORE)}},
            .nodes = {NODES_AB_FOO_C},
            .pods = {PODS_A2_B_C},
            .want = {66, 100, 100}})

/* scoring_test.go TestPodTopologySpreadScore "NodeAffinityPolicy honoed
 * with nodeAffinity" */
SCORE_CASE(test_score_affinity_honor_affinity,
           {.pod = {.labels = "foo",
                    .affinity_key = "foo",
                    .affinity_op = KS_OP_IN,
                    .affinity_values = {""},
                    .spread = {SP(1, "node", SA, "foo")}},
            .nodes = {NODES_AB_FOO_C},
            .pods = {PODS_A2_B_C},
            .want = {0, 33, 100}})

/* scoring_test.go TestPodTopologySpreadScore "NodeAffinityPolicy ignored
 * with nodeAffinity" */
SCORE_CASE(test_score_affinity_ignore_affinity,
           {.pod = {.labels = "foo",
                    .affinity_key = "foo",
                    .affinity_op = KS_OP_IN,
                    .affinity_values = {""},
                    .spread = {SP(1, "node", SA, "foo", .affinity = IGNORE)}},
            .nodes = {NODES_AB_FOO_C},
            .pods = {PODS_A2_B_C},
            .want = {66, 100, 100}})

#define NODES_ABC_TAINTED                                                      \
    "node-a node=node-a", "node-b node=node-b", "node-c node=node-c !taint"

/* scoring_test.go TestPodTopologySpreadScore "NodeTaintsPolicy honored" */
SCORE_CASE(test_score_taints_honor,
           {.pod = {.labels = "foo",
                    .spread = {SP(1, "node", SA, "foo", .honor_taints = 1)}},
            .nodes = {NODES_ABC_TAINTED},
            .pods = {PODS_A2_B_C},
            .want = {0, 33, 100}})

/* scoring_test.go TestPodTopologySpreadScore "NodeTaintsPolicy ignored" */
SCORE_CASE(test_score_taints_ignore,
           {.pod = {.labels = "foo", .spread = {SP(1, "node", SA, "foo")}},
            .nodes = {NODES_ABC_TAINTED},
            .pods = {PODS_A2_B_C},
            .want = {66, 100, 100}})

#define ZONE_HOST_ABCD                                                         \
    "node-a zone=zone1 " HN("node-a"), "node-b zone=zone1 " HN("node-b"),      \
        "node-c zone=zone2 " HN("node-c"), "node-d zone=zone2 " HN("node-d")

/* scoring_test.go TestPodTopologySpreadScore "matchLabelKeys ANDed with
 * LabelSelector when LabelSelector is empty" */
SCORE_CASE(test_score_match_label_keys_empty_selector,
           {.pod = {.labels = "foo bar",
                    .spread = {SP(1, "zone", SA, "", .match_label_keys = "foo"),
                               SP(1, HOST, SA, "", .match_label_keys = "bar")}},
            .nodes = {ZONE_HOST_ABCD},
            .pods = {"node-a foo", "node-b foo bar", "node-c foo",
                     "node-c bar"},
            .want = {60, 20, 60, 100}})

/* scoring_test.go TestPodTopologySpreadScore "matchLabelKeys ANDed with
 * LabelSelector when LabelSelector isn't empty" */
SCORE_CASE(test_score_match_label_keys_selector,
           {.pod = {.labels = "foo bar baz",
                    .spread = {SP(1, "zone", SA, "foo"),
                               SP(1, HOST, SA, "bar",
                                  .match_label_keys = "baz")}},
            .nodes = {ZONE_HOST_ABCD},
            .pods = {"node-a foo", "node-b foo bar baz", "node-c foo",
                     "node-c bar", "node-c bar baz"},
            .want = {60, 20, 60, 100}})

/* ---- incremental state --------------------------------------------------- */

/* A small deterministic generator (no test depends on libc's rand). */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Runs PreFilter for a pod of spec d so that its signatures exist. */
static void touch_signatures(fixture *f, const pod_def *d)
{
    uint32_t p = new_pod(f->c, spec_of(d));
    ks_plugin_call call = call_of(f);
    call.pod = &f->c->pods[p];
    ks_plugin_podtopologyspread.pre_filter(&call);
    call.pod = &f->c->pods[p];
    uint32_t all[16];
    for (size_t i = 0; i < f->c->nnodes && i < 16; i++)
        all[i] = (uint32_t)i;
    ks_plugin_podtopologyspread.pre_score(&call, all, f->c->nnodes);
}

static void check_or_print(fixture *f, size_t step)
{
    char why[256];
    int rc = ks_pts_check(f->inst, f->c, why, sizeof why);
    if (rc != 0)
        printf("\n  step %zu: %s\n", step, why);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* The filter verdicts of the incremental instance equal those of a fresh
 * instance that builds every count from scratch. */
static void compare_with_fresh(fixture *f, const pod_def *d)
{
    uint32_t p = new_pod(f->c, spec_of(d));
    void *fresh = ks_plugin_podtopologyspread.create(&f->args);
    ks_plugin_call a = call_of(f), b = call_of(f);
    a.pod = b.pod = &f->c->pods[p];
    b.instance = fresh;
    ks_status sa = ks_plugin_podtopologyspread.pre_filter(&a);
    ks_status sb = ks_plugin_podtopologyspread.pre_filter(&b);
    CU_ASSERT_EQUAL(sa.code, sb.code);
    for (size_t n = 0; n < f->c->nnodes; n++)
        CU_ASSERT_EQUAL(
            ks_plugin_podtopologyspread.filter(&a, &f->c->nodes[n]).code,
            ks_plugin_podtopologyspread.filter(&b, &f->c->nodes[n]).code);
    uint32_t all[16];
    for (size_t i = 0; i < f->c->nnodes && i < 16; i++)
        all[i] = (uint32_t)i;
    ks_plugin_podtopologyspread.pre_score(&a, all, f->c->nnodes);
    ks_plugin_podtopologyspread.pre_score(&b, all, f->c->nnodes);
    for (size_t n = 0; n < f->c->nnodes; n++)
        CU_ASSERT_EQUAL(
            ks_plugin_podtopologyspread.score(&a, &f->c->nodes[n]),
            ks_plugin_podtopologyspread.score(&b, &f->c->nodes[n]));
    ks_plugin_podtopologyspread.destroy(fresh);
}

static const pod_def probe_pods[] = {
    {.labels = "app=web", .spread = {SP(1, "zone", DNS, "app=web"),
                                     SP(2, HOST, SA, "app=web")}},
    {.labels = "app=db tier=x",
     .spread = {SP(1, "zone", DNS, "app", .match_label_keys = "tier")}},
    {.labels = "app=web", .spread = {SP(1, HOST, DNS, "tier")}},
};

static const char *const workload_labels[] = {
    "app=web", "app=web tier=x", "app=db tier=x", "app=db", "tier=y", "",
};

/* Random binds and completions, with the hooks called as the scheduler
 * calls them; every few steps the counts must equal a full recount and the
 * verdicts those of a fresh instance.  A wrong delta, a missed signature or
 * a count kept on the wrong node fails here. */
static void test_incremental_matches_recount(void)
{
    fixture f;
    static const pod_def none = {0};
    static const char *const nodes[] = {
        "n0 zone=z1 " HN("n0"), "n1 zone=z1 " HN("n1"), "n2 zone=z2 " HN("n2"),
        "n3 zone=z2 " HN("n3"), "n4 zone=z3 " HN("n4"), "n5 " HN("n5")};
    setup(&f, &none, nodes, 6, NULL, 0, NULL);
    /* One spec per workload, shared by its pods as a generator's are. */
    const ks_pod_spec *specs[6];
    for (size_t i = 0; i < 6; i++) {
        ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
        set_labels(&s->labels, workload_labels[i]);
        if (i == 4)
            s->namespace_name = ks_xstrdup("other");
        specs[i] = ks_cluster_adopt_spec(f.c, s);
    }
    static const int64_t none_req[KS_RES_COUNT] = {0};
    uint64_t seed = 42;
    touch_signatures(&f, &probe_pods[0]);
    for (size_t step = 0; step < 2000; step++) {
        uint64_t r = lcg(&seed);
        if (r % 7 == 0 && f.c->running > 0) {
            /* a running pod starts terminating (preemption's victim) */
            uint32_t p = (uint32_t)(lcg(&seed) % f.c->npods);
            if (f.c->pods[p].phase == KS_POD_RUNNING) {
                f.c->pods[p].terminating = 1;
                ks_pts_pod_terminating(f.inst, f.c, p);
            }
        } else if (r % 3 != 0 || f.c->running == 0) {
            uint32_t p = ks_cluster_add_pod(f.c, 0, none_req, KS_SECOND, 0, 0);
            f.c->pods[p].spec = specs[lcg(&seed) % 6];
            ks_cluster_bind(f.c, p, (uint32_t)(lcg(&seed) % f.c->nnodes), 0);
            ks_plugin_podtopologyspread.pod_added(f.inst, f.c, p);
        } else {
            /* complete a random running pod */
            uint32_t n = (uint32_t)(lcg(&seed) % f.c->nnodes);
            for (size_t k = 0; k < f.c->nnodes && f.c->node_pods[n].n == 0; k++)
                n = (n + 1) % (uint32_t)f.c->nnodes;
            const ks_node_pods *np = &f.c->node_pods[n];
            uint32_t p = np->pods[lcg(&seed) % np->n];
            ks_cluster_complete(f.c, p, 0);
            ks_plugin_podtopologyspread.pod_removed(f.inst, f.c, p);
        }
        if (step == 500)
            touch_signatures(&f, &probe_pods[1]);
        if (step == 1200)
            touch_signatures(&f, &probe_pods[2]);
        if (step % 97 == 0) {
            check_or_print(&f, step);
            compare_with_fresh(&f, &probe_pods[step % 3]);
        }
    }
    check_or_print(&f, 2000);
    CU_ASSERT(ks_pts_nsignatures(f.inst) >= 3);
    teardown(&f);
}

/* A pod marked terminating without ks_pts_pod_terminating still counts;
 * the next new signature's scan takes it out of every count, and its
 * removal then changes nothing. */
static void test_missed_terminating_absorbed(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "foo")}};
    static const char *const nodes[] = {"node-a zone=zone1"};
    static const char *const pods[] = {"node-a foo", "node-a foo"};
    setup(&f, &pod, nodes, 1, pods, 2, NULL);
    const ks_plugin *pl = &ks_plugin_podtopologyspread;
    ks_plugin_call call = call_of(&f);
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 2);
    f.c->pods[0].terminating = 1; /* nobody tells the plugin */
    static const pod_def other = {.labels = "foo",
                                  .spread = {SP(1, "zone", DNS, "foo foo=")}};
    touch_signatures(&f, &other);
    call = call_of(&f);
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 1);
    ks_cluster_complete(f.c, 0, 0);
    pl->pod_removed(f.inst, f.c, 0);
    call = call_of(&f);
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 1);
    teardown(&f);
}

/* The recount check is not vacuous: a bind the instance is not told about
 * after the counts exist shows up as a difference. */
static void test_check_detects_missed_bind(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "foo")}};
    static const char *const nodes[] = {"node-a zone=zone1"};
    setup(&f, &pod, nodes, 1, NULL, 0, NULL);
    ks_plugin_call call = call_of(&f);
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.pre_filter(&call).code,
                    KS_STATUS_SUCCESS);
    ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
    set_labels(&s->labels, "foo");
    uint32_t p = new_pod(f.c, s);
    ks_cluster_bind(f.c, p, 0, 0);
    char why[256];
    CU_ASSERT_EQUAL(ks_pts_check(f.inst, f.c, why, sizeof why), -1);
    ks_plugin_podtopologyspread.pod_added(f.inst, f.c, p);
    CU_ASSERT_EQUAL(ks_pts_check(f.inst, f.c, why, sizeof why), 0);
    teardown(&f);
}

/* Repeated notifications change nothing; a bound pod not yet reported when
 * counts are built is counted once, also after its late pod_added. */
static void test_notifications_idempotent(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "foo")}};
    static const char *const nodes[] = {"node-a zone=zone1",
                                        "node-b zone=zone2"};
    static const char *const pods[] = {"node-a foo", "node-b foo"};
    setup(&f, &pod, nodes, 2, pods, 2, NULL);
    ks_plugin_podtopologyspread.pod_added(f.inst, f.c, 0);
    ks_plugin_podtopologyspread.pod_added(f.inst, f.c, 0);
    ks_plugin_call call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 1);
    /* bound before the counts, reported after them */
    ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
    set_labels(&s->labels, "foo");
    uint32_t late = new_pod(f.c, s);
    ks_cluster_bind(f.c, late, 1, 0);
    call = call_of(&f);
    /* A new signature that matches the late pod scans: it counts the pod
     * and marks it, so the late pod_added adds it to no count twice. */
    static const pod_def other = {.labels = "foo",
                                  .spread = {SP(1, "zone", DNS, "foo foo=")}};
    touch_signatures(&f, &other);
    ks_plugin_podtopologyspread.pod_added(f.inst, f.c, late);
    char why[256];
    CU_ASSERT_EQUAL(ks_pts_check(f.inst, f.c, why, sizeof why), 0);
    call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone2"), 2);
    ks_cluster_complete(f.c, late, 0);
    ks_plugin_podtopologyspread.pod_removed(f.inst, f.c, late);
    ks_plugin_podtopologyspread.pod_removed(f.inst, f.c, late);
    call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone2"), 1);
    teardown(&f);
}

/* Pods of one template, and constraints that differ only by key, share
 * one count array; a different namespace or selector does not. */
static void test_signatures_shared(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "foo"),
                                           SP(1, HOST, DNS, "foo"),
                                           SP(1, "zone", SA, "foo")}};
    static const char *const nodes[] = {"node-a zone=zone1 " HN("node-a")};
    setup(&f, &pod, nodes, 1, NULL, 0, NULL);
    ks_plugin_call call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    uint32_t all[1] = {0};
    ks_plugin_podtopologyspread.pre_score(&call, all, 1);
    CU_ASSERT_EQUAL(ks_pts_nsignatures(f.inst), 1);
    touch_signatures(&f, &pod); /* another pod of the same template */
    CU_ASSERT_EQUAL(ks_pts_nsignatures(f.inst), 1);
    static const pod_def other = {.labels = "foo",
                                  .spread = {SP(1, "zone", DNS, "bar")}};
    touch_signatures(&f, &other);
    CU_ASSERT_EQUAL(ks_pts_nsignatures(f.inst), 2);
    teardown(&f);
}

/* Node labels read each cycle: a node moved to another zone counts there. */
static void test_node_label_change(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "foo")}};
    static const char *const nodes[] = {"node-a zone=zone1",
                                        "node-b zone=zone2"};
    static const char *const pods[] = {"node-a foo", "node-a foo"};
    setup(&f, &pod, nodes, 2, pods, 2, NULL);
    ks_plugin_call call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 2);
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.filter(&call, &f.c->nodes[0])
                        .code,
                    KS_STATUS_UNSCHEDULABLE);
    ks_node_info info = {0};
    ks_labels_set(&info.labels, "zone", "zone3");
    ks_cluster_set_node_info(f.c, 0, &info);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), -1);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone3"), 2);
    CU_ASSERT_EQUAL(ks_pts_filter_ndomains(f.inst, 0), 2);
    teardown(&f);
}

/* metav1.LabelSelectorAsSelector errors fail PreFilter (and PreScore). */
static void test_invalid_selector_is_error(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "bad/key/x=1"),
                                           SP(1, "zone", SA, "bad/key/x=1")}};
    static const char *const nodes[] = {"node-a zone=zone1"};
    setup(&f, &pod, nodes, 1, NULL, 0, NULL);
    ks_plugin_call call = call_of(&f);
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.pre_filter(&call).code,
                    KS_STATUS_ERROR);
    uint32_t all[1] = {0};
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.pre_score(&call, all, 1).code,
                    KS_STATUS_ERROR);
    teardown(&f);
}

/* Without a selector source, system defaults give a pod without
 * constraints nothing to spread (ksim has no Services yet). */
static void test_system_defaults_without_source(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo"};
    static const char *const nodes[] = {"node-a " HN("node-a")};
    static const ks_pts_args system = {KS_PTS_SYSTEM_DEFAULTING, NULL, 0};
    setup(&f, &pod, nodes, 1, NULL, 0, &system);
    ks_plugin_call call = call_of(&f);
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.pre_filter(&call).code,
                    KS_STATUS_SKIP);
    uint32_t all[1] = {0};
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.pre_score(&call, all, 1).code,
                    KS_STATUS_SKIP);
    teardown(&f);
}

/* A pod that starts terminating stops counting at once
 * (countPodsMatchSelector skips pods with a deletionTimestamp). */
static void test_terminating_stops_counting(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "zone", DNS, "foo")}};
    static const char *const nodes[] = {"node-a zone=zone1",
                                        "node-b zone=zone2"};
    static const char *const pods[] = {"node-a foo", "node-a foo",
                                       "node-b foo"};
    setup(&f, &pod, nodes, 2, pods, 3, NULL);
    ks_plugin_call call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 2);
    f.c->pods[0].terminating = 1;
    ks_pts_pod_terminating(f.inst, f.c, 0);
    ks_pts_pod_terminating(f.inst, f.c, 0); /* once is enough */
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 1);
    /* a what-if that takes it off and puts it back does not count it */
    ks_cluster_detach(f.c, 0);
    ks_plugin_podtopologyspread.pod_removed(f.inst, f.c, 0);
    ks_cluster_attach(f.c, 0);
    ks_plugin_podtopologyspread.pod_added(f.inst, f.c, 0);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 1);
    /* its final removal changes no count */
    ks_cluster_complete(f.c, 0, 0);
    ks_plugin_podtopologyspread.pod_removed(f.inst, f.c, 0);
    call = call_of(&f);
    ks_plugin_podtopologyspread.pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone1"), 1);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "zone2"), 1);
    teardown(&f);
}

/* Preemption's what-if: pods taken off a node and put back one by one (as
 * the reprieve loop does) keep the Filter state equal to a fresh PreFilter
 * on the same cluster, including the exact minimum when several domains
 * tie at it. */
static void test_what_if_matches_fresh_prefilter(void)
{
    fixture f;
    static const pod_def pod = {.labels = "foo",
                                .spread = {SP(1, "node", DNS, "foo"),
                                           SP(1, "zone", DNS, "foo")}};
    static const char *const nodes[] = {
        "node-a zone=z1 node=node-a", "node-b zone=z1 node=node-b",
        "node-c zone=z2 node=node-c", "node-d zone=z2 node=node-d"};
    static const char *const pods[] = {"node-a foo", "node-a foo",
                                       "node-a foo", "node-c foo"};
    setup(&f, &pod, nodes, 4, pods, 4, NULL);
    const ks_plugin *pl = &ks_plugin_podtopologyspread;
    ks_plugin_call call = call_of(&f);
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_pts_filter_min_match(f.inst, 0), 0);
    /* detach the three pods of node-a, then put them back */
    for (uint32_t p = 0; p < 3; p++) {
        ks_cluster_detach(f.c, p);
        pl->pod_removed(f.inst, f.c, p);
    }
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "node-a"), 0);
    CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 1, "z1"), 0);
    for (uint32_t p = 0; p < 3; p++) {
        ks_cluster_attach(f.c, p);
        pl->pod_added(f.inst, f.c, p);
        void *fresh = pl->create(&f.args);
        ks_plugin_call b = call;
        b.instance = fresh;
        pl->pre_filter(&b);
        for (size_t i = 0; i < 2; i++) {
            CU_ASSERT_EQUAL(ks_pts_filter_min_match(f.inst, i),
                            ks_pts_filter_min_match(fresh, i));
            CU_ASSERT_EQUAL(ks_pts_filter_ndomains(f.inst, i),
                            ks_pts_filter_ndomains(fresh, i));
        }
        for (size_t n = 0; n < f.c->nnodes; n++)
            CU_ASSERT_EQUAL(pl->filter(&call, &f.c->nodes[n]).code,
                            pl->filter(&b, &f.c->nodes[n]).code);
        pl->destroy(fresh);
    }
    /* node-b and node-d tie at 0 with node-a at 3: min stays 0 */
    CU_ASSERT_EQUAL(ks_pts_filter_min_match(f.inst, 0), 0);
    CU_ASSERT_EQUAL(ks_pts_filter_min_match(f.inst, 1), 1);
    teardown(&f);
}

/* Many what-if moves over two domains: counts take many values, so the
 * count histogram is compacted along the way; after each move the state
 * equals a fresh PreFilter's. */
static void test_what_if_random_moves(void)
{
    fixture f;
    static const pod_def pod = {.labels = "app=a",
                                .spread = {SP(1, "zone", DNS, "app=a")}};
    static const char *const nodes[] = {"n0 zone=z1", "n1 zone=z1",
                                        "n2 zone=z2", "n3 zone=z2"};
    setup(&f, &pod, nodes, 4, NULL, 0, NULL);
    const ks_plugin *pl = &ks_plugin_podtopologyspread;
    ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
    set_labels(&s->labels, "app=a");
    const ks_pod_spec *spec = ks_cluster_adopt_spec(f.c, s);
    static const int64_t none[KS_RES_COUNT] = {0};
    uint32_t first = (uint32_t)f.c->npods;
    for (uint32_t i = 0; i < 40; i++) {
        uint32_t p = ks_cluster_add_pod(f.c, 0, none, KS_SECOND, 0, 0);
        f.c->pods[p].spec = spec;
        ks_cluster_bind(f.c, p, i % 2 ? 0 : 2, 0); /* 20 in each zone */
    }
    uint8_t off[40] = {0};
    ks_plugin_call call = call_of(&f);
    pl->pre_filter(&call);
    uint64_t seed = 7;
    for (int step = 0; step < 400; step++) {
        uint32_t i = (uint32_t)(lcg(&seed) % 40), p = first + i;
        /* drain zone z1 first, then refill: counts sweep 0..20 */
        if (step < 200 ? (f.c->pods[p].node != 0 || off[i])
                       : !off[i])
            continue;
        if (off[i]) {
            ks_cluster_attach(f.c, p);
            pl->pod_added(f.inst, f.c, p);
        } else {
            ks_cluster_detach(f.c, p);
            pl->pod_removed(f.inst, f.c, p);
        }
        off[i] ^= 1;
        void *fresh = pl->create(&f.args);
        ks_plugin_call b = call_of(&f);
        b.instance = fresh;
        pl->pre_filter(&b);
        CU_ASSERT_EQUAL(ks_pts_filter_min_match(f.inst, 0),
                        ks_pts_filter_min_match(fresh, 0));
        CU_ASSERT_EQUAL(ks_pts_filter_match_num(f.inst, 0, "z1"),
                        ks_pts_filter_match_num(fresh, 0, "z1"));
        pl->destroy(fresh);
    }
    for (uint32_t i = 0; i < 40; i++)
        if (off[i]) {
            ks_cluster_attach(f.c, first + i);
            pl->pod_added(f.inst, f.c, first + i);
        }
    teardown(&f);
}

/* ---- per-domain sums (topology index) ----------------------------------- */

/* Gives node n the labels (and "!taint") of def, replacing its info. */
static void relabel(ks_cluster *c, uint32_t n, const char *def)
{
    node_build b = {0};
    b.name = ks_xstrdup(c->nodes[n].name); /* tokens are all labels */
    each_pair(def, node_token, &b);
    ks_cluster_set_node_info(c, n, &b.info);
    free(b.name);
}

/* Every domain value a node of c has under key, plus one no node has. */
static void compare_domains(const fixture *f, void *a, void *b, size_t i,
                            const char *key, int filter)
{
    for (size_t n = 0; n <= f->c->nnodes; n++) {
        const char *v =
            n < f->c->nnodes
                ? ks_labels_get(&f->c->node_info[n].labels, key)
                : "nowhere";
        if (!v)
            continue;
        if (filter) {
            CU_ASSERT_EQUAL(ks_pts_filter_match_num(a, i, v),
                            ks_pts_filter_match_num(b, i, v));
        } else {
            CU_ASSERT_EQUAL(ks_pts_score_domain_count(a, i, v),
                            ks_pts_score_domain_count(b, i, v));
        }
    }
}

/* The PreFilter and PreScore states of the incremental instance equal
 * those of a fresh one for a twin of the pod whose required node affinity
 * every node matches (a term on a label no node has, DoesNotExist): the
 * twin never takes the per-domain sums, so this also checks when the pod
 * itself may.  Constraint by constraint, domain by domain, then the
 * verdicts and scores. */
static void compare_states_with_fresh(fixture *f, const pod_def *d)
{
    pod_def twin = *d;
    twin.affinity_key = "never-set";
    twin.affinity_op = KS_OP_DOES_NOT_EXIST;
    uint32_t p = new_pod(f->c, spec_of(d));
    uint32_t q = new_pod(f->c, spec_of(&twin));
    void *fresh = ks_plugin_podtopologyspread.create(&f->args);
    ks_plugin_call a = call_of(f), b = call_of(f);
    a.pod = &f->c->pods[p];
    b.pod = &f->c->pods[q];
    b.instance = fresh;
    const ks_plugin *pl = &ks_plugin_podtopologyspread;
    CU_ASSERT_EQUAL(pl->pre_filter(&a).code, pl->pre_filter(&b).code);
    size_t nc = ks_pts_filter_nconstraints(f->inst);
    CU_ASSERT_EQUAL(nc, ks_pts_filter_nconstraints(fresh));
    for (size_t i = 0; i < nc && i < 4 && d->spread[i].max_skew; i++) {
        CU_ASSERT_EQUAL(ks_pts_filter_min_match(f->inst, i),
                        ks_pts_filter_min_match(fresh, i));
        CU_ASSERT_EQUAL(ks_pts_filter_ndomains(f->inst, i),
                        ks_pts_filter_ndomains(fresh, i));
    }
    size_t k = 0;
    for (size_t i = 0; i < 4 && d->spread[i].max_skew; i++)
        if (d->spread[i].when == DNS)
            compare_domains(f, f->inst, fresh, k++, d->spread[i].key, 1);
    for (size_t n = 0; n < f->c->nnodes; n++)
        CU_ASSERT_EQUAL(pl->filter(&a, &f->c->nodes[n]).code,
                        pl->filter(&b, &f->c->nodes[n]).code);
    uint32_t all[16];
    for (size_t i = 0; i < f->c->nnodes && i < 16; i++)
        all[i] = (uint32_t)i;
    CU_ASSERT_EQUAL(pl->pre_score(&a, all, f->c->nnodes).code,
                    pl->pre_score(&b, all, f->c->nnodes).code);
    k = 0;
    for (size_t i = 0; i < 4 && d->spread[i].max_skew; i++)
        if (d->spread[i].when == SA) {
            CU_ASSERT_EQUAL(ks_pts_score_ndomains(f->inst, k),
                            ks_pts_score_ndomains(fresh, k));
            compare_domains(f, f->inst, fresh, k++, d->spread[i].key, 0);
        }
    for (size_t n = 0; n < f->c->nnodes; n++)
        CU_ASSERT_EQUAL(pl->score(&a, &f->c->nodes[n]),
                        pl->score(&b, &f->c->nodes[n]));
    pl->destroy(fresh);
}

/* Probes for the per-domain sums: every node eligible with one key and
 * with two (same nodes or not), taints honored (eligible only while no
 * node is tainted), a node selector (never all eligible). */
static const pod_def sum_probes[] = {
    {.labels = "app=web", .spread = {SP(1, "zone", DNS, "app=web"),
                                     SP(2, "zone", SA, "app=web"),
                                     SP(1, HOST, SA, "app=web")}},
    {.labels = "app=web", .spread = {SP(1, "zone", DNS, "app"),
                                     SP(1, "rack", DNS, "app=web"),
                                     SP(1, "rack", SA, "app"),
                                     SP(1, "zone", SA, "tier=x")}},
    {.labels = "app=db", .spread = {SP(2, "rack", DNS, "app=db",
                                       .honor_taints = 1),
                                    SP(1, "rack", SA, "app=db",
                                       .honor_taints = 1)}},
    {.labels = "app=web", .node_selector = "zone=z1",
     .spread = {SP(1, "zone", DNS, "app=web"), SP(1, "zone", SA, "app")}},
};

static const char *const sum_node_labels[] = {
    "zone=z1 rack=r1", "zone=z1 rack=r2", "zone=z2 rack=r3", "zone=z2",
    "zone=z3 rack=r4", "rack=r5",         "zone=z1 rack=r1 !taint", "",
};

/* Random binds, completions, node label changes and new nodes: the
 * signatures' per-domain sums follow the pods, are rebuilt when domains
 * move, and every state equals a fresh instance's. */
static void test_domain_sums_follow_changes(void)
{
    fixture f;
    static const pod_def none = {0};
    static const char *const nodes[] = {
        "n0 zone=z1 rack=r1", "n1 zone=z1 rack=r2", "n2 zone=z2 rack=r3",
        "n3 zone=z2 rack=r4", "n4 zone=z3 rack=r5", "n5 zone=z3 rack=r6"};
    setup(&f, &none, nodes, 6, NULL, 0, NULL);
    const ks_pod_spec *specs[6];
    for (size_t i = 0; i < 6; i++) {
        ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
        set_labels(&s->labels, workload_labels[i]);
        specs[i] = ks_cluster_adopt_spec(f.c, s);
    }
    static const int64_t none_req[KS_RES_COUNT] = {0};
    uint64_t seed = 7;
    for (size_t step = 0; step < 1500; step++) {
        uint64_t r = lcg(&seed) % 20;
        if (r == 0 && f.c->nnodes < 14) {
            char name[16];
            snprintf(name, sizeof name, "n%zu", f.c->nnodes);
            uint32_t n = ks_cluster_add_node(f.c, name, node_alloc, 0);
            relabel(f.c, n, sum_node_labels[lcg(&seed) % 8]);
        } else if (r <= 2) {
            relabel(f.c, (uint32_t)(lcg(&seed) % f.c->nnodes),
                    sum_node_labels[lcg(&seed) % 8]);
        } else if (r <= 12 || f.c->running == 0) {
            uint32_t p = ks_cluster_add_pod(f.c, 0, none_req, KS_SECOND, 0, 0);
            f.c->pods[p].spec = specs[lcg(&seed) % 6];
            ks_cluster_bind(f.c, p, (uint32_t)(lcg(&seed) % f.c->nnodes), 0);
            ks_plugin_podtopologyspread.pod_added(f.inst, f.c, p);
        } else {
            uint32_t n = (uint32_t)(lcg(&seed) % f.c->nnodes);
            for (size_t k = 0; k < f.c->nnodes && f.c->node_pods[n].n == 0; k++)
                n = (n + 1) % (uint32_t)f.c->nnodes;
            const ks_node_pods *np = &f.c->node_pods[n];
            uint32_t p = np->pods[lcg(&seed) % np->n];
            ks_cluster_complete(f.c, p, 0);
            ks_plugin_podtopologyspread.pod_removed(f.inst, f.c, p);
        }
        if (step % 5 == 0)
            compare_states_with_fresh(&f, &sum_probes[step / 5 % 4]);
        if (step % 50 == 0)
            check_or_print(&f, step);
    }
    check_or_print(&f, 1500);
    teardown(&f);
}

/* validation_pluginargs.go ValidatePodTopologySpreadArgs. */
static void test_args_validation(void)
{
    ks_error err;
    static const ks_pts_args system = {KS_PTS_SYSTEM_DEFAULTING, NULL, 0};
    CU_ASSERT_EQUAL(ks_pts_args_validate(&system, &err), 0);
    ks_pts_args list = {KS_PTS_LIST_DEFAULTING, defaults_rs, 3};
    CU_ASSERT_EQUAL(ks_pts_args_validate(&list, &err), 0);
    ks_pts_args bad = {KS_PTS_SYSTEM_DEFAULTING, defaults_rs, 3};
    CU_ASSERT_EQUAL(ks_pts_args_validate(&bad, &err), KS_EINVAL);
    ks_topology_spread c[2] = {
        {.max_skew = 0, .topology_key = "zone"},
        {.max_skew = 1, .topology_key = "zone"},
    };
    ks_pts_args one = {KS_PTS_LIST_DEFAULTING, c, 1};
    CU_ASSERT_EQUAL(ks_pts_args_validate(&one, &err), KS_EINVAL);
    c[0].max_skew = 1;
    CU_ASSERT_EQUAL(ks_pts_args_validate(&one, &err), 0);
    ks_pts_args dup = {KS_PTS_LIST_DEFAULTING, c, 2};
    CU_ASSERT_EQUAL(ks_pts_args_validate(&dup, &err), KS_EINVAL);
    c[1].when_unsatisfiable = SA;
    CU_ASSERT_EQUAL(ks_pts_args_validate(&dup, &err), 0);
    c[1].topology_key = "";
    CU_ASSERT_EQUAL(ks_pts_args_validate(&dup, &err), KS_EINVAL);
    c[1].topology_key = "a/b/c";
    CU_ASSERT_EQUAL(ks_pts_args_validate(&dup, &err), KS_EINVAL);
    c[1].topology_key = "zone";
    c[1].has_label_selector = 1;
    CU_ASSERT_EQUAL(ks_pts_args_validate(&dup, &err), KS_EINVAL);
}

static void test_plugin_table(void)
{
    CU_ASSERT_STRING_EQUAL(ks_plugin_podtopologyspread.name,
                           "PodTopologySpread");
    CU_ASSERT_EQUAL(ks_plugin_podtopologyspread.default_weight, 2);
    const ks_pts_args *a = ks_plugin_podtopologyspread.default_args;
    CU_ASSERT_EQUAL(a->defaulting_type, KS_PTS_SYSTEM_DEFAULTING);
    CU_ASSERT_EQUAL(a->ndefault_constraints, 0);
}

void ks_suite_podtopologyspread(void)
{
    static const ks_test_case cases[] = {
        /* TestSingleConstraint */
        {"single: no existing pods", test_single_no_existing_pods},
        {"single: no pods, no self match", test_single_no_pods_no_self_match},
        {"single: other namespace", test_single_other_namespace},
        {"single: null selector", test_single_null_selector},
        {"single: zones 3/3", test_single_zones_3_3},
        {"single: zone label absent", test_single_zone_label_absent},
        {"single: no rack label", test_single_no_rack_label},
        {"single: nodes 2/1/0/3", test_single_nodes_2103},
        {"single: nodes 2/1/0/3 maxSkew 2", test_single_nodes_2103_max_skew_2},
        {"single: no self match", test_single_nodes_2103_no_self_match},
        {"single: node affinity In", test_single_node_affinity_in},
        {"single: terminating excluded", test_single_terminating_excluded},
        {"single: node affinity NotIn", test_single_node_affinity_not_in},
        {"single: minDomains above", test_single_min_domains_above},
        {"single: minDomains below", test_single_min_domains_below},
        {"single: zone minDomains above", test_single_zone_min_domains_above},
        {"single: zone minDomains below", test_single_zone_min_domains_below},
        {"single: affinity honor selector",
         test_single_affinity_policy_honor_selector},
        {"single: affinity ignore selector",
         test_single_affinity_policy_ignore_selector},
        {"single: affinity honor affinity",
         test_single_affinity_policy_honor_affinity},
        {"single: affinity ignore affinity",
         test_single_affinity_policy_ignore_affinity},
        {"single: taints honor", test_single_taints_policy_honor},
        {"single: taints ignore", test_single_taints_policy_ignore},
        /* TestMultipleConstraints */
        {"multi: [3/3, 2/1/0/3]", test_multi_zone_node_33_2103},
        {"multi: [3/4, 2/1/0/4]", test_multi_zone_node_34_2104},
        {"multi: selectors [1/0, 1/0/0/1]", test_multi_selectors_10_1001},
        {"multi: selectors [1/0, 0/0/1/1]", test_multi_selectors_10_0011},
        {"multi: selectors [2/3, 1/0/0/1]", test_multi_selectors_23_1001},
        {"multi: no self match on zone", test_multi_no_self_match_on_zone},
        {"multi: node label absent", test_multi_node_label_absent},
        {"multi: zone h/i node i/i", test_multi_inclusion_zone_hi_node_ii},
        {"multi: zone h/h node h/i", test_multi_inclusion_zone_hh_node_hi},
        {"multi: zone h/i node h/i", test_multi_inclusion_zone_hi_node_hi},
        {"multi: zone h/h node i/i", test_multi_inclusion_zone_hh_node_ii},
        {"multi: two zone [3/3, 2/1]", test_multi_two_zone_33_21},
        {"multi: two zone [3/4, 2/1]", test_multi_two_zone_34_21},
        {"prefilter disabled", test_prefilter_disabled},
        /* TestPreFilterState */
        {"state: clean cluster", test_state_clean_cluster},
        {"state: one constraint", test_state_one_constraint},
        {"state: null selector", test_state_null_selector},
        {"state: three zones", test_state_three_zones},
        {"state: namespace mismatch", test_state_namespace_mismatch},
        {"state: two constraints", test_state_two_constraints},
        {"state: soft bypassed", test_state_soft_bypassed},
        {"state: selectors simple", test_state_selectors_simple},
        {"state: selectors complex", test_state_selectors_complex},
        {"state: with node affinity", test_state_with_node_affinity},
        {"state: defaults and service", test_state_default_and_service},
        {"state: defaults, service no match",
         test_state_default_service_no_match},
        {"state: defaults, pod constraints",
         test_state_default_but_pod_constraints},
        {"state: soft defaults skip", test_state_default_soft_skip},
        {"state: affinity honor selector", test_state_affinity_honor_selector},
        {"state: affinity ignore selector",
         test_state_affinity_ignore_selector},
        {"state: affinity honor affinity", test_state_affinity_honor_affinity},
        {"state: affinity ignore affinity",
         test_state_affinity_ignore_affinity},
        {"state: taints ignore", test_state_taints_ignore},
        {"state: taints honor", test_state_taints_honor},
        {"state: taints honor tolerated", test_state_taints_honor_tolerated},
        {"state: zone h/i node i/i", test_state_inclusion_zone_hi_node_ii},
        {"state: zone h/h node h/i", test_state_inclusion_zone_hh_node_hi},
        {"state: zone h/i node h/i", test_state_inclusion_zone_hi_node_hi},
        {"state: zone i/i node h/h", test_state_inclusion_zone_ii_node_hh},
        {"state: matchLabelKeys selector",
         test_state_match_label_keys_selector},
        {"state: matchLabelKeys empty selector",
         test_state_match_label_keys_empty_selector},
        {"state: matchLabelKeys nil selector",
         test_state_match_label_keys_nil_selector},
        {"state: matchLabelKeys absent", test_state_match_label_keys_absent},
        {"state: same topology key", test_state_same_topology_key},
        {"state: skip if not specified", test_state_skip_if_not_specified},
        /* TestPreFilterStateAddPod, TestPreFilterStateRemovePod */
        {"add pod: both impact", test_add_pod_both_impact},
        {"add pod: only node a", test_add_pod_only_a},
        {"add pod: other namespace", test_add_pod_other_namespace},
        {"add pod: non-critical node", test_add_pod_non_critical},
        {"add pod: a and x, zone and node", test_add_pod_a_x_zone_node},
        {"add pod: only a, zone and node", test_add_pod_only_a_zone_node},
        {"add pod: a on node, x on zone", test_add_pod_a_node_x_zone},
        {"add pod: selectors, zone", test_add_pod_selectors_zone},
        {"add pod: selectors, zone and node",
         test_add_pod_selectors_zone_node},
        {"add pod: affinity unmatched", test_add_pod_affinity_unmatched},
        {"add pod: affinity matched", test_add_pod_affinity_matched},
        {"add pod: selector not matched", test_add_pod_selector_not_matched},
        {"add pod: taint tolerated", test_add_pod_taint_tolerated},
        {"remove pod: min unchanged", test_remove_pod_min_unchanged},
        {"remove pod: min changed", test_remove_pod_min_changed},
        {"remove pod: irrelevant", test_remove_pod_irrelevant},
        {"remove pod: non-existing", test_remove_pod_non_existing},
        {"remove pod: two constraints", test_remove_pod_two_constraints},
        {"remove pod: affinity unmatched", test_remove_pod_affinity_unmatched},
        {"remove pod: affinity matched", test_remove_pod_affinity_matched},
        /* TestPreScoreSkip, TestPreScoreStateEmptyNodes */
        {"prescore skip: no soft constraints",
         test_prescore_skip_no_soft_constraints},
        {"prescore skip: replicaset no match",
         test_prescore_skip_replicaset_no_match},
        {"prescore state: normal", test_prescore_state_normal},
        {"prescore state: null selector", test_prescore_state_null_selector},
        {"prescore state: node without zone",
         test_prescore_state_node_without_zone},
        {"prescore state: system defaults",
         test_prescore_state_system_defaults},
        {"prescore state: list defaults", test_prescore_state_list_defaults},
        {"prescore state: pod constraints win",
         test_prescore_state_pod_constraints_win},
        {"prescore state: affinity honor", test_prescore_state_affinity_honor},
        {"prescore state: affinity ignore",
         test_prescore_state_affinity_ignore},
        {"prescore state: taints honor", test_prescore_state_taints_honor},
        /* TestPodTopologySpreadScore */
        {"score: no existing pods", test_score_no_existing_pods},
        {"score: one candidate", test_score_one_candidate},
        {"score: same counts", test_score_same_counts},
        {"score: four candidates", test_score_four_candidates},
        {"score: null selector", test_score_null_selector},
        {"score: maxSkew 2", test_score_max_skew_2},
        {"score: maxSkew 3", test_score_max_skew_3},
        {"score: system defaulting, service",
         test_score_system_defaulting_service},
        {"score: 3 of 4 candidates", test_score_three_of_four},
        {"score: node without key", test_score_node_without_key},
        {"score: zone 3 of 4", test_score_zone_three_of_four},
        {"score: zone and node 2 of 4", test_score_zone_node_two_of_four},
        {"score: two zone constraints", test_score_two_zone_constraints},
        {"score: different selectors", test_score_different_selectors},
        {"score: different selectors, 0 pods",
         test_score_different_selectors_zero_pods},
        {"score: different selectors, 3 of 4",
         test_score_different_selectors_three_of_four},
        {"score: other namespace", test_score_other_namespace},
        {"score: terminating excluded", test_score_terminating_excluded},
        {"score: minDomains no effect", test_score_min_domains_no_effect},
        {"score: affinity honor selector", test_score_affinity_honor_selector},
        {"score: affinity ignore selector",
         test_score_affinity_ignore_selector},
        {"score: affinity honor affinity", test_score_affinity_honor_affinity},
        {"score: affinity ignore affinity",
         test_score_affinity_ignore_affinity},
        {"score: taints honor", test_score_taints_honor},
        {"score: taints ignore", test_score_taints_ignore},
        {"score: matchLabelKeys empty selector",
         test_score_match_label_keys_empty_selector},
        {"score: matchLabelKeys selector",
         test_score_match_label_keys_selector},
        /* ksim's incremental state */
        {"incremental counts match a recount",
         test_incremental_matches_recount},
        {"check detects a missed bind", test_check_detects_missed_bind},
        {"missed terminating absorbed", test_missed_terminating_absorbed},
        {"notifications idempotent", test_notifications_idempotent},
        {"signatures shared", test_signatures_shared},
        {"node label change", test_node_label_change},
        {"terminating stops counting", test_terminating_stops_counting},
        {"what-if matches a fresh PreFilter",
         test_what_if_matches_fresh_prefilter},
        {"what-if random moves", test_what_if_random_moves},
        {"domain sums follow changes", test_domain_sums_follow_changes},
        {"invalid selector is an error", test_invalid_selector_is_error},
        {"system defaults without source",
         test_system_defaults_without_source},
        {"args validation", test_args_validation},
        {"plugin table", test_plugin_table},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/podtopologyspread", cases);
}
