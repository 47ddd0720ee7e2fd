/* test_interpodaffinity.c - InterPodAffinity against the upstream test
 * tables, and its incremental state against a full recompute.
 *
 * Each case ports one case of pkg/scheduler/framework/plugins/
 * interpodaffinity/filtering_test.go (commit 072825f9a367):
 * TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes,
 * TestPreFilterDisabled, TestPreFilterStateAddRemovePod,
 * TestGetTPMapMatchingIncomingAffinityAntiAffinity; of scoring_test.go
 * (commit 8a4d98ac2f6d): TestPreferredAffinity,
 * TestPreferredAffinityWithHardPodAffinitySymmetricWeight; and of
 * pkg/scheduler/apis/config/validation/validation_pluginargs_test.go
 * TestValidateInterPodAffinityArgs.  Upstream's default namespace "" is
 * ksim's NULL ("default"); the namespaces upstream registers with the
 * informer (subteam1.team1 ... with label team) are given through
 * ks_ipa_set_namespace_labels.  The st/v1 builders become the static
 * helpers below.  The last tests are ksim's own: incremental counts after
 * random pod_added/pod_removed sequences equal a fresh recompute,
 * and after the preemption what-if's pod_removed/pod_added, signatures
 * are built once, matchLabelKeys, default namespace labels, NormalizeScore
 * truncation.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/interpodaffinity.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_interpodaffinity(void);

static const ks_plugin *const pl = &ks_plugin_interpodaffinity;

/* filtering.go ErrReason* */
static const char msg_aff[] = "node(s) didn't match pod affinity rules";
static const char msg_anti[] = "node(s) didn't match pod anti-affinity rules";
static const char msg_exist[] =
    "node(s) didn't satisfy existing pods anti-affinity rules";

/* ---- builders ---------------------------------------------------------- */

/* key, value pairs, NULL-terminated. */
#define LBL(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A pod spec in namespace ns ("" or NULL = the default one). */
static ks_pod_spec *spec(const char *ns, const char *const *labels)
{
    ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
    if (ns && *ns)
        s->namespace_name = ks_xstrdup(ns);
    for (; labels && labels[0]; labels += 2)
        ks_labels_set(&s->labels, labels[0], labels[1]);
    return s;
}

/* A new term of a: required when weight is 0, else preferred. */
static ks_pod_affinity_term *term(ks_pod_affinity *a, int32_t weight,
                                  const char *topology_key)
{
    ks_pod_affinity_term *t;
    if (weight == 0) {
        a->required =
            ks_xrealloc(a->required, (a->nrequired + 1) * sizeof *a->required);
        t = &a->required[a->nrequired++];
    } else {
        a->preferred = ks_xrealloc(a->preferred,
                                   (a->npreferred + 1) * sizeof *a->preferred);
        ks_weighted_pod_affinity_term *w = &a->preferred[a->npreferred++];
        w->weight = weight;
        t = &w->term;
    }
    *t = (ks_pod_affinity_term){0};
    t->topology_key = ks_xstrdup(topology_key);
    return t;
}

static void add_expr(ks_label_selector *sel, const char *key,
                     ks_selector_op op, va_list ap)
{
    sel->match_expressions =
        ks_xrealloc(sel->match_expressions,
                    (sel->nexpressions + 1) * sizeof(ks_requirement));
    ks_requirement *r = &sel->match_expressions[sel->nexpressions++];
    *r = (ks_requirement){0};
    r->key = ks_xstrdup(key);
    r->op = op;
    for (const char *v; (v = va_arg(ap, const char *)) != NULL;) {
        r->values = ks_xrealloc(r->values, (r->nvalues + 1) * sizeof(char *));
        r->values[r->nvalues++] = ks_xstrdup(v);
    }
}

/* labelSelector matchExpressions entry; values NULL-terminated. */
static void expr(ks_pod_affinity_term *t, const char *key, ks_selector_op op,
                 ...)
{
    va_list ap;
    va_start(ap, op);
    t->has_label_selector = 1;
    add_expr(&t->label_selector, key, op, ap);
    va_end(ap);
}

/* namespaceSelector matchExpressions entry. */
static void ns_expr(ks_pod_affinity_term *t, const char *key,
                    ks_selector_op op, ...)
{
    va_list ap;
    va_start(ap, op);
    t->has_namespace_selector = 1;
    add_expr(&t->namespace_selector, key, op, ap);
    va_end(ap);
}

/* namespaces entry ("" = the default namespace). */
static void ns_name(ks_pod_affinity_term *t, const char *ns)
{
    t->namespaces =
        ks_xrealloc(t->namespaces, (t->nnamespaces + 1) * sizeof(char *));
    t->namespaces[t->nnamespaces++] = ks_xstrdup(*ns ? ns : "default");
}

/* st.PodAffinityIn/NotIn/Exists(key, topologyKey, values, Required) and
 * st.PodAntiAffinity*: one required term with one expression. */
static ks_pod_spec *req(ks_pod_spec *s, int anti, const char *key,
                        ks_selector_op op, const char *topology_key, ...)
{
    ks_pod_affinity_term *t =
        term(anti ? &s->pod_anti_affinity : &s->pod_affinity, 0,
             topology_key);
    va_list ap;
    va_start(ap, topology_key);
    t->has_label_selector = 1;
    add_expr(&t->label_selector, key, op, ap);
    va_end(ap);
    return s;
}

/* ---- scoring_test.go affinities ------------------------------------------ */

static ks_pod_spec *stay_with_s1_in_region(ks_pod_spec *s)
{
    expr(term(&s->pod_affinity, 5, "region"), "security", KS_OP_IN, "S1",
         NULL);
    return s;
}

static ks_pod_spec *stay_with_s2_in_region(ks_pod_spec *s)
{
    expr(term(&s->pod_affinity, 6, "region"), "security", KS_OP_IN, "S2",
         NULL);
    return s;
}

static ks_pod_spec *affinity3(ks_pod_spec *s)
{
    ks_pod_affinity_term *t = term(&s->pod_affinity, 8, "region");
    expr(t, "security", KS_OP_NOT_IN, "S1", NULL);
    expr(t, "security", KS_OP_IN, "S2", NULL);
    t = term(&s->pod_affinity, 2, "region");
    expr(t, "security", KS_OP_EXISTS, NULL);
    expr(t, "wrongkey", KS_OP_DOES_NOT_EXIST, NULL);
    return s;
}

static ks_pod_spec *hard_affinity(ks_pod_spec *s)
{
    expr(term(&s->pod_affinity, 0, "region"), "security", KS_OP_IN, "S1",
         "value2", NULL);
    ks_pod_affinity_term *t = term(&s->pod_affinity, 0, "region");
    expr(t, "security", KS_OP_EXISTS, NULL);
    expr(t, "wrongkey", KS_OP_DOES_NOT_EXIST, NULL);
    return s;
}

static ks_pod_spec *away_from_s1_in_az(ks_pod_spec *s)
{
    expr(term(&s->pod_anti_affinity, 5, "az"), "security", KS_OP_IN, "S1",
         NULL);
    return s;
}

static ks_pod_spec *away_from_s2_in_az(ks_pod_spec *s)
{
    expr(term(&s->pod_anti_affinity, 5, "az"), "security", KS_OP_IN, "S2",
         NULL);
    return s;
}

static ks_pod_spec *stay_s1_region_away_s2_az(ks_pod_spec *s)
{
    expr(term(&s->pod_affinity, 8, "region"), "security", KS_OP_IN, "S1",
         NULL);
    expr(term(&s->pod_anti_affinity, 5, "az"), "security", KS_OP_IN, "S2",
         NULL);
    return s;
}

/* affinityNamespaceSelector / antiAffinityNamespaceSelector */
static ks_pod_spec *ns_selector_term(ks_pod_spec *s, int anti)
{
    ks_pod_affinity_term *t =
        term(anti ? &s->pod_anti_affinity : &s->pod_affinity, 5, "region");
    expr(t, "security", KS_OP_IN, "S1", NULL);
    ns_name(t, "subteam2.team2");
    ns_expr(t, "team", KS_OP_IN, "team1", NULL);
    return s;
}

/* invalidAffinityLabels / invalidAntiAffinityLabels */
static ks_pod_spec *invalid_labels(ks_pod_spec *s, int anti)
{
    ks_pod_affinity_term *t =
        term(anti ? &s->pod_anti_affinity : &s->pod_affinity, anti ? 5 : 8,
             anti ? "az" : "region");
    expr(t, "security", KS_OP_IN, "{{.bad-value.}}", NULL);
    return s;
}

/* TestPreferredAffinityWithHardPodAffinitySymmetricWeight hardPodAffinity */
static ks_pod_spec *hard_pod_affinity(ks_pod_spec *s)
{
    ks_pod_affinity_term *t = term(&s->pod_affinity, 0, "region");
    expr(t, "service", KS_OP_IN, "S1", NULL);
    ns_name(t, "");
    ns_name(t, "subteam2.team2");
    ns_expr(t, "team", KS_OP_IN, "team1", NULL);
    return s;
}

/* ---- cluster setup ------------------------------------------------------- */

#define MAXN 6
#define MAXP 10

typedef struct node_def {
    const char *name;
    const char *labels[9];
} node_def;

typedef struct pod_def {
    const char *node;
    ks_pod_spec *spec;
} pod_def;

typedef struct want_status {
    ks_status_code code;
    const char *msg;
} want_status;

/* Which namespaces the upstream test gives its informer. */
enum { NS_NONE = 0, NS_TEAMS, NS_NS1 };

typedef struct env {
    ks_cluster *c;
    void *inst;
    uint32_t incoming;
    size_t ndeclared;
    ks_plugin_call call;
} env;

static const int64_t node_alloc[KS_RES_COUNT] = {
    [KS_RES_CPU] = 4000000, [KS_RES_MEMORY] = 1LL << 34, [KS_RES_PODS] = 110};

static uint32_t add_node(ks_cluster *c, const char *name,
                         const char *const *labels, size_t nlabels)
{
    uint32_t n = ks_cluster_add_node(c, name, node_alloc, 0);
    ks_node_info info = {0};
    for (size_t i = 0; i + 1 < nlabels && labels[i]; i += 2)
        ks_labels_set(&info.labels, labels[i], labels[i + 1]);
    ks_cluster_set_node_info(c, n, &info);
    return n;
}

/* The node called name; a node without labels when the test has none by
 * that name (cache.NewSnapshot keeps such pods too). */
static uint32_t node_named(ks_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i].name, name) == 0)
            return (uint32_t)i;
    return add_node(c, name, NULL, 0);
}

static uint32_t add_pod(ks_cluster *c, ks_pod_spec *s)
{
    static const int64_t none[KS_RES_COUNT] = {0};
    uint32_t p = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
    if (s)
        c->pods[p].spec = ks_cluster_adopt_spec(c, s);
    return p;
}

/* Binds a new pod of spec s on node and tells the instance. */
static uint32_t bind_pod(ks_cluster *c, void *inst, ks_pod_spec *s,
                         uint32_t node)
{
    uint32_t p = add_pod(c, s);
    ks_cluster_bind(c, p, node, 0);
    pl->pod_added(inst, c, p);
    return p;
}

static void register_namespaces(void *inst, int which)
{
    static const char *const teams[][2] = {{"subteam1.team1", "team1"},
                                           {"subteam2.team1", "team1"},
                                           {"subteam1.team2", "team2"},
                                           {"subteam2.team2", "team2"}};
    if (which == NS_TEAMS)
        for (size_t i = 0; i < 4; i++) {
            ks_labels l = {0};
            ks_labels_set(&l, "team", teams[i][1]);
            ks_ipa_set_namespace_labels(inst, teams[i][0], &l);
            ks_labels_free(&l);
        }
    if (which == NS_NS1) {
        ks_labels none = {0};
        ks_ipa_set_namespace_labels(inst, "NS1", &none);
    }
}

static void setup(env *e, const node_def *nodes, const pod_def *pods,
                  ks_pod_spec *incoming, const ks_ipa_args *args, int ns)
{
    *e = (env){0};
    e->c = ks_cluster_create();
    for (size_t i = 0; i < MAXN && nodes[i].name; i++, e->ndeclared++)
        add_node(e->c, nodes[i].name, nodes[i].labels, 9);
    e->inst = pl->create(args);
    register_namespaces(e->inst, ns);
    for (size_t i = 0; i < MAXP && pods[i].node; i++)
        bind_pod(e->c, e->inst, pods[i].spec, node_named(e->c, pods[i].node));
    e->incoming = add_pod(e->c, incoming);
    e->call = (ks_plugin_call){.args = args, .instance = e->inst,
                               .cluster = e->c,
                               .pod = &e->c->pods[e->incoming],
                               .k8s_minor = 36};
}

static void teardown(env *e)
{
    pl->destroy(e->inst);
    ks_cluster_destroy(e->c);
}

static void check_status(ks_status got, ks_status_code code, const char *msg)
{
    CU_ASSERT_EQUAL(got.code, code);
    if (msg) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(got.message);
        CU_ASSERT_STRING_EQUAL(got.message, msg);
    }
}

/* ---- filter runner (TestRequiredAffinity*) ------------------------------- */

typedef struct filter_case {
    ks_pod_spec *pod; /* NULL = new(v1.Pod) */
    pod_def pods[MAXP];
    node_def nodes[MAXN];
    int ns;
    ks_status_code want_pre; /* wantPreFilterStatus (nil = SUCCESS) */
    const char *want_pre_msg;
    want_status want[MAXN]; /* per declared node (nil = SUCCESS) */
} filter_case;

/* As upstream's loop: PreFilter, then Filter on every declared node when
 * PreFilter succeeded. */
static void run_filter(const filter_case *tc)
{
    env e;
    setup(&e, tc->nodes, tc->pods, tc->pod, pl->default_args, tc->ns);
    ks_status st = pl->pre_filter(&e.call);
    check_status(st, tc->want_pre, tc->want_pre_msg);
    if (st.code == KS_STATUS_SUCCESS)
        for (size_t i = 0; i < e.ndeclared; i++)
            check_status(pl->filter(&e.call, &e.c->nodes[i]),
                         tc->want[i].code, tc->want[i].msg);
    teardown(&e);
}

#define NODE1                                                                  \
    {                                                                          \
        "node1", { "region", "r1", "zone", "z11" }                             \
    }
#define U_ANTI {KS_STATUS_UNSCHEDULABLE, msg_anti}
#define U_EXIST {KS_STATUS_UNSCHEDULABLE, msg_exist}
#define UU_AFF {KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, msg_aff}
#define PASS {KS_STATUS_SUCCESS, NULL}

/* the existing `pod` of TestRequiredAffinitySingleNode */
static ks_pod_spec *securityscan_pod(void)
{
    return spec("", LBL("service", "securityscan"));
}

/* ---- TestRequiredAffinitySingleNode -------------------------------------- */

/* filtering_test.go TestRequiredAffinitySingleNode "A pod that has no
 * required pod affinity scheduling rules can schedule onto a node with no
 * existing pods" */
static void test_single_no_rules(void)
{
    run_filter(&(filter_case){.nodes = {NODE1}, .ns = NS_TEAMS,
                              .want_pre = KS_STATUS_SKIP});
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies with
 * requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In
 * operator that matches the existing pod" */
static void test_single_in(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", LBL("security", "S1")), 0, "service", KS_OP_IN,
                   "region", "securityscan", "value2", NULL),
        .pods = {{"node1", securityscan_pod()}}, .nodes = {NODE1},
        .ns = NS_TEAMS});
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the pod with
 * requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not
 * in operator in labelSelector that matches the existing pod" */
static void test_single_not_in(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", LBL("security", "S1")), 0, "service",
                   KS_OP_NOT_IN, "region", "securityscan3", "value3", NULL),
        .pods = {{"node1", securityscan_pod()}}, .nodes = {NODE1},
        .ns = NS_TEAMS});
}

/* filtering_test.go TestRequiredAffinitySingleNode "Does not satisfy the
 * PodAffinity with labelSelector because of diff Namespace" */
static void test_single_diff_namespace(void)
{
    ks_pod_spec *p = spec("", LBL("security", "S1"));
    ks_pod_affinity_term *t = term(&p->pod_affinity, 0, "");
    expr(t, "service", KS_OP_IN, "securityscan", "value2", NULL);
    ns_name(t, "DiffNameSpace");
    run_filter(&(filter_case){
        .pod = p,
        .pods = {{"node1", spec("ns", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {UU_AFF}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "Doesn't satisfy the
 * PodAffinity because of unmatching labelSelector with the existing pod" */
static void test_single_unmatching_selector(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", LBL("service", "securityscan")), 0, "service",
                   KS_OP_IN, "", "antivirusscan", "value2", NULL),
        .pods = {{"node1", securityscan_pod()}}, .nodes = {NODE1},
        .ns = NS_TEAMS, .want = {UU_AFF}});
}

/* The two terms of the "different label Operators" cases; the second
 * term's In value is in2. */
static ks_pod_spec *two_operator_terms(const char *in2)
{
    ks_pod_spec *p = spec("", LBL("security", "S1"));
    ks_pod_affinity_term *t = term(&p->pod_affinity, 0, "region");
    expr(t, "service", KS_OP_EXISTS, NULL);
    expr(t, "wrongkey", KS_OP_DOES_NOT_EXIST, NULL);
    t = term(&p->pod_affinity, 0, "region");
    expr(t, "service", KS_OP_IN, in2, NULL);
    expr(t, "service", KS_OP_NOT_IN, "WrongValue", NULL);
    return p;
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the
 * PodAffinity with different label Operators in multiple
 * RequiredDuringSchedulingIgnoredDuringExecution " */
static void test_single_operators(void)
{
    run_filter(&(filter_case){.pod = two_operator_terms("securityscan"),
                              .pods = {{"node1", securityscan_pod()}},
                              .nodes = {NODE1}, .ns = NS_TEAMS});
}

/* filtering_test.go TestRequiredAffinitySingleNode "The labelSelector
 * requirements(items of matchExpressions) are ANDed, the pod cannot
 * schedule onto the node because one of the matchExpression item don't
 * match." */
static void test_single_anded(void)
{
    run_filter(&(filter_case){.pod = two_operator_terms("securityscan2"),
                              .pods = {{"node1", securityscan_pod()}},
                              .nodes = {NODE1}, .ns = NS_TEAMS,
                              .want = {UU_AFF}});
}

/* affinity In (securityscan, value2) on region and anti-affinity In
 * anti_values on anti_key, for a pod labelled label=value. */
static ks_pod_spec *aff_and_anti(const char *label, const char *value,
                                 const char *anti_key, const char *v1,
                                 const char *v2)
{
    ks_pod_spec *p = req(spec("", LBL(label, value)), 0, "service", KS_OP_IN,
                         "region", "securityscan", "value2", NULL);
    return req(p, 1, "service", KS_OP_IN, anti_key, v1, v2, NULL);
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the
 * PodAffinity and PodAntiAffinity with the existing pod" */
static void test_single_aff_and_anti(void)
{
    run_filter(&(filter_case){
        .pod = aff_and_anti("security", "S1", "node", "antivirusscan",
                            "value2"),
        .pods = {{"node1", securityscan_pod()}}, .nodes = {NODE1},
        .ns = NS_TEAMS});
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the
 * PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the
 * existing pod" */
static void test_single_aff_anti_symmetry(void)
{
    ks_pod_spec *existing =
        req(securityscan_pod(), 1, "service", KS_OP_IN, "node",
            "antivirusscan", "value2", NULL);
    run_filter(&(filter_case){
        .pod = aff_and_anti("security", "S1", "node", "antivirusscan",
                            "value2"),
        .pods = {{"node1", existing}}, .nodes = {NODE1}, .ns = NS_TEAMS});
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the
 * PodAffinity but doesn't satisfy the PodAntiAffinity with the existing
 * pod" */
static void test_single_anti_fails(void)
{
    run_filter(&(filter_case){
        .pod = aff_and_anti("security", "S1", "zone", "securityscan",
                            "value2"),
        .pods = {{"node1", securityscan_pod()}}, .nodes = {NODE1},
        .ns = NS_TEAMS, .want = {U_ANTI}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the
 * PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity
 * symmetry with the existing pod" */
static void test_single_symmetry_fails(void)
{
    ks_pod_spec *existing =
        req(securityscan_pod(), 1, "service", KS_OP_IN, "zone",
            "securityscan", "value2", NULL);
    run_filter(&(filter_case){
        .pod = aff_and_anti("service", "securityscan", "node",
                            "antivirusscan", "value2"),
        .pods = {{"node1", existing}}, .nodes = {NODE1}, .ns = NS_TEAMS,
        .want = {U_EXIST}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "pod matches its own
 * Label in PodAffinity and that matches the existing pod Labels" */
static void test_single_own_label(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", LBL("service", "securityscan")), 0, "service",
                   KS_OP_NOT_IN, "region", "securityscan", "value2", NULL),
        .pods = {{"node2", spec("", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {UU_AFF}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "verify that
 * PodAntiAffinity from existing pod is respected when pod has no
 * AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with
 * the existing pod" */
static void test_single_existing_anti_respected(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("service", "securityscan")),
        .pods = {{"node1", req(securityscan_pod(), 1, "service", KS_OP_IN,
                               "zone", "securityscan", "value2", NULL)}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {U_EXIST}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "verify that
 * PodAntiAffinity from existing pod is respected when pod has no
 * AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the
 * existing pod" */
static void test_single_existing_anti_satisfied(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("service", "securityscan")),
        .pods = {{"node1", req(securityscan_pod(), 1, "service",
                               KS_OP_NOT_IN, "zone", "securityscan",
                               "value2", NULL)}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want_pre = KS_STATUS_SKIP});
}

/* filtering_test.go TestRequiredAffinitySingleNode "satisfies the
 * PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity
 * symmetry with incoming pod" */
static void test_single_anti_symmetry_incoming(void)
{
    ks_pod_spec *p = req(spec("", LBL("service", "securityscan")), 1,
                         "service", KS_OP_EXISTS, "region", NULL);
    req(p, 1, "security", KS_OP_EXISTS, "region", NULL);
    run_filter(&(filter_case){
        .pod = p,
        .pods = {{"node1", req(spec("", LBL("security", "S1")), 1,
                               "security", KS_OP_EXISTS, "zone", NULL)}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {U_ANTI}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "PodAntiAffinity
 * symmetry check a1: incoming pod and existing pod partially match each
 * other on AffinityTerms" */
static void test_single_symmetry_a1(void)
{
    ks_pod_spec *p = req(spec("", LBL("service", "securityscan")), 1,
                         "service", KS_OP_EXISTS, "zone", NULL);
    req(p, 1, "security", KS_OP_EXISTS, "zone", NULL);
    run_filter(&(filter_case){
        .pod = p,
        .pods = {{"node1", req(spec("", LBL("security", "S1")), 1,
                               "security", KS_OP_EXISTS, "zone", NULL)}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {U_ANTI}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "PodAntiAffinity
 * symmetry check a2: incoming pod and existing pod partially match each
 * other on AffinityTerms" */
static void test_single_symmetry_a2(void)
{
    ks_pod_spec *existing = req(securityscan_pod(), 1, "service",
                                KS_OP_EXISTS, "zone", NULL);
    req(existing, 1, "security", KS_OP_EXISTS, "zone", NULL);
    run_filter(&(filter_case){
        .pod = req(spec("", LBL("security", "S1")), 1, "security",
                   KS_OP_EXISTS, "zone", NULL),
        .pods = {{"node1", existing}}, .nodes = {NODE1}, .ns = NS_TEAMS,
        .want = {U_EXIST}});
}

/* anti-affinity abc Exists and def Exists on zone, labels a and b. */
static ks_pod_spec *abc_def(const char *a, const char *b)
{
    ks_pod_spec *s = req(spec("", LBL(a, "", b, "")), 1, "abc",
                         KS_OP_EXISTS, "zone", NULL);
    return req(s, 1, "def", KS_OP_EXISTS, "zone", NULL);
}

/* filtering_test.go TestRequiredAffinitySingleNode "PodAntiAffinity
 * symmetry check b1: incoming pod and existing pod partially match each
 * other on AffinityTerms" */
static void test_single_symmetry_b1(void)
{
    run_filter(&(filter_case){.pod = abc_def("abc", "xyz"),
                              .pods = {{"node1", abc_def("def", "xyz")}},
                              .nodes = {NODE1}, .ns = NS_TEAMS,
                              .want = {U_ANTI}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "PodAntiAffinity
 * symmetry check b2: incoming pod and existing pod partially match each
 * other on AffinityTerms" */
static void test_single_symmetry_b2(void)
{
    run_filter(&(filter_case){.pod = abc_def("def", "xyz"),
                              .pods = {{"node1", abc_def("abc", "xyz")}},
                              .nodes = {NODE1}, .ns = NS_TEAMS,
                              .want = {U_ANTI}});
}

static const char msg_bad_value[] =
    "parsing pod: requiredAffinityTerms: values[0][service]: Invalid value: "
    "\"{{.bad-value.}}\": a valid label must be an empty string or consist "
    "of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/* filtering_test.go TestRequiredAffinitySingleNode "PodAffinity fails
 * PreFilter with an invalid affinity label syntax" */
static void test_single_invalid_affinity(void)
{
    ks_pod_spec *p = req(spec("", LBL("service", "securityscan")), 0,
                         "service", KS_OP_IN, "region", "{{.bad-value.}}",
                         NULL);
    req(p, 0, "service", KS_OP_IN, "node", "antivirusscan", "value2", NULL);
    run_filter(&(filter_case){
        .pod = p, .nodes = {NODE1}, .ns = NS_TEAMS,
        .want_pre = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
        .want_pre_msg = msg_bad_value});
}

/* filtering_test.go TestRequiredAffinitySingleNode "PodAntiAffinity fails
 * PreFilter with an invalid antiaffinity label syntax" */
static void test_single_invalid_second_term(void)
{
    ks_pod_spec *p = req(spec("", LBL("service", "securityscan")), 0,
                         "service", KS_OP_IN, "region", "foo", NULL);
    req(p, 0, "service", KS_OP_IN, "node", "{{.bad-value.}}", NULL);
    run_filter(&(filter_case){
        .pod = p, .nodes = {NODE1}, .ns = NS_TEAMS,
        .want_pre = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
        .want_pre_msg = msg_bad_value});
}

/* A pod in ns with one required (anti-)affinity term: service In
 * (securityscan, value2), namespaceSelector team In team1 (all namespaces
 * when all is set). */
static ks_pod_spec *ns_selector_pod(const char *ns, int anti, int all,
                                    const char *topology_key)
{
    ks_pod_spec *p = spec(ns, LBL("security", "S1"));
    ks_pod_affinity_term *t =
        term(anti ? &p->pod_anti_affinity : &p->pod_affinity, 0,
             topology_key);
    expr(t, "service", KS_OP_IN, "securityscan", "value2", NULL);
    if (all)
        t->has_namespace_selector = 1;
    else
        ns_expr(t, "team", KS_OP_IN, "team1", NULL);
    return p;
}

/* filtering_test.go TestRequiredAffinitySingleNode "affinity with
 * NamespaceSelector" */
static void test_single_ns_selector(void)
{
    run_filter(&(filter_case){
        .pod = ns_selector_pod("", 0, 0, "region"),
        .pods = {{"node1",
                  spec("subteam1.team1", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS});
}

/* filtering_test.go TestRequiredAffinitySingleNode "affinity with
 * non-matching NamespaceSelector" */
static void test_single_ns_selector_no_match(void)
{
    run_filter(&(filter_case){
        .pod = ns_selector_pod("", 0, 0, "region"),
        .pods = {{"node1",
                  spec("subteam1.team2", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {UU_AFF}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "anti-affinity with
 * matching NamespaceSelector" */
static void test_single_anti_ns_selector(void)
{
    run_filter(&(filter_case){
        .pod = ns_selector_pod("subteam1.team1", 1, 0, "zone"),
        .pods = {{"node1",
                  spec("subteam2.team1", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {U_ANTI}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "anti-affinity with
 * matching all NamespaceSelector" */
static void test_single_anti_ns_selector_all(void)
{
    run_filter(&(filter_case){
        .pod = ns_selector_pod("subteam1.team1", 1, 1, "zone"),
        .pods = {{"node1",
                  spec("subteam2.team1", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS, .want = {U_ANTI}});
}

/* filtering_test.go TestRequiredAffinitySingleNode "anti-affinity with
 * non-matching NamespaceSelector" */
static void test_single_anti_ns_selector_no_match(void)
{
    run_filter(&(filter_case){
        .pod = ns_selector_pod("subteam1.team1", 1, 0, "zone"),
        .pods = {{"node1",
                  spec("subteam1.team2", LBL("service", "securityscan"))}},
        .nodes = {NODE1}, .ns = NS_TEAMS});
}

/* ---- TestRequiredAffinityMultipleNodes ----------------------------------- */

#define RG_CHINA {"region", "China"}
#define RG_CHINA_AZ1 {"region", "China", "az", "az1"}
#define RG_INDIA {"region", "India"}
#define R1Z1(n) {n, {"region", "r1", "zone", "z1", "hostname", n}}
#define R1Z2(n) {n, {"region", "r1", "zone", "z2", "hostname", n}}

/* filtering_test.go TestRequiredAffinityMultipleNodes "A pod can be
 * scheduled onto all the nodes that have the same topology key & label
 * value with one of them has an existing pod that matches the affinity
 * rules" */
static void test_multi_same_topology(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", NULL), 0, "foo", KS_OP_IN, "region", "bar", NULL),
        .pods = {{"node1", spec("", LBL("foo", "bar"))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_CHINA_AZ1},
                  {"node3", RG_INDIA}},
        .ns = NS_NS1, .want = {PASS, PASS, UU_AFF}});
}

static ks_pod_spec *foo_service_pod(void)
{
    ks_pod_spec *p = req(spec("", LBL("foo", "bar", "service", "securityscan")),
                         0, "foo", KS_OP_IN, "zone", "bar", NULL);
    return req(p, 0, "service", KS_OP_IN, "zone", "securityscan", NULL);
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "The affinity rule
 * is to schedule all of the pods of this collection to the same zone. The
 * first pod of the collection should not be blocked from being scheduled
 * onto any node, even there's no existing pod that matches the rule
 * anywhere." */
static void test_multi_first_pod(void)
{
    run_filter(&(filter_case){
        .pod = foo_service_pod(),
        .pods = {{"nodeA", spec("", LBL("foo", "bar"))}},
        .nodes = {{"nodeA", {"zone", "az1", "hostname", "h1"}},
                  {"nodeB", {"zone", "az2", "hostname", "h2"}}},
        .ns = NS_NS1, .want = {PASS, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "The first pod of
 * the collection can only be scheduled on nodes labelled with the requested
 * topology keys" */
static void test_multi_first_pod_needs_keys(void)
{
    run_filter(&(filter_case){
        .pod = foo_service_pod(),
        .pods = {{"nodeA", spec("", LBL("foo", "bar"))}},
        .nodes = {{"nodeA", {"zoneLabel", "az1", "hostname", "h1"}},
                  {"nodeB", {"zoneLabel", "az2", "hostname", "h2"}}},
        .ns = NS_NS1, .want = {UU_AFF, UU_AFF}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "NodeA and nodeB have
 * same topologyKey and label value. NodeA has an existing pod that matches
 * the inter pod affinity rule. The pod can not be scheduled onto nodeA and
 * nodeB." */
static void test_multi_anti_same_region(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", NULL), 1, "foo", KS_OP_IN, "region", "abc", NULL),
        .pods = {{"nodeA", spec("", LBL("foo", "abc"))}},
        .nodes = {{"nodeA", {"region", "r1", "hostname", "nodeA"}},
                  {"nodeB", {"region", "r1", "hostname", "nodeB"}}},
        .ns = NS_NS1, .want = {U_ANTI, U_ANTI}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "This test ensures
 * that anti-affinity matches a pod when any term of the anti-affinity rule
 * matches a pod." */
static void test_multi_anti_any_term(void)
{
    ks_pod_spec *p = req(spec("", NULL), 1, "foo", KS_OP_IN, "region", "abc",
                         NULL);
    req(p, 1, "service", KS_OP_IN, "zone", "securityscan", NULL);
    run_filter(&(filter_case){
        .pod = p,
        .pods = {{"nodeA", spec("", LBL("foo", "abc", "service",
                                        "securityscan"))}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_ANTI, U_ANTI}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "NodeA and nodeB have
 * same topologyKey and label value. NodeA has an existing pod that matches
 * the inter pod affinity rule. The pod can not be scheduled onto nodeA and
 * nodeB but can be scheduled onto nodeC" */
static void test_multi_anti_node_c(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", NULL), 1, "foo", KS_OP_IN, "region", "abc", NULL),
        .pods = {{"nodeA", spec("", LBL("foo", "abc"))}},
        .nodes = {{"nodeA", RG_CHINA}, {"nodeB", RG_CHINA_AZ1},
                  {"nodeC", RG_INDIA}},
        .ns = NS_NS1, .want = {U_ANTI, U_ANTI, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "NodeA and nodeB have
 * same topologyKey and label value. NodeA has an existing pod that matches
 * the inter pod affinity rule. The pod can not be scheduled onto nodeA,
 * nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that
 * match the inter pod affinity rule but in different namespace)" */
static void test_multi_anti_other_namespace(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("NS1", LBL("foo", "123")), 1, "foo", KS_OP_IN,
                   "region", "bar", NULL),
        .pods = {{"nodeA", spec("NS1", LBL("foo", "bar"))},
                 {"nodeC", req(spec("NS2", NULL), 1, "foo", KS_OP_IN,
                               "region", "123", NULL)}},
        .nodes = {{"nodeA", RG_CHINA}, {"nodeB", RG_CHINA_AZ1},
                  {"nodeC", RG_INDIA}},
        .ns = NS_NS1, .want = {U_ANTI, U_ANTI, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test existing pod's
 * anti-affinity: if an existing pod has a term with invalid topologyKey,
 * labelSelector of the term is firstly checked, and then topologyKey of
 * the term is also checked" */
static void test_multi_existing_invalid_key(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("foo", "")),
        .pods = {{"nodeA", req(spec("", NULL), 1, "foo", KS_OP_EXISTS,
                               "invalid-node-label", NULL)}},
        .nodes = {R1Z1("nodeA"), R1Z1("nodeB")}, .ns = NS_NS1,
        .want_pre = KS_STATUS_SKIP});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test incoming pod's
 * anti-affinity: even if labelSelector matches, we still check if
 * topologyKey matches" */
static void test_multi_incoming_invalid_key(void)
{
    run_filter(&(filter_case){
        .pod = req(spec("", NULL), 1, "foo", KS_OP_EXISTS,
                   "invalid-node-label", NULL),
        .pods = {{"nodeA", spec("", LBL("foo", ""))}},
        .nodes = {R1Z1("nodeA"), R1Z1("nodeB")}, .ns = NS_NS1,
        .want = {PASS, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test existing pod's
 * anti-affinity: incoming pod wouldn't considered as a fit as it violates
 * each existingPod's terms on all nodes" */
static void test_multi_existing_violates_all(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("foo", "", "bar", "")),
        .pods = {{"nodeA", req(spec("", NULL), 1, "foo", KS_OP_EXISTS, "zone",
                               NULL)},
                 {"nodeA", req(spec("", NULL), 1, "bar", KS_OP_EXISTS,
                               "region", NULL)}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_EXIST, U_EXIST}});
}

/* anti-affinity k1 Exists on t1 and k2 Exists on t2. */
static ks_pod_spec *anti2(ks_pod_spec *s, const char *k1, const char *t1,
                          const char *k2, const char *t2)
{
    req(s, 1, k1, KS_OP_EXISTS, t1, NULL);
    return req(s, 1, k2, KS_OP_EXISTS, t2, NULL);
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test incoming pod's
 * anti-affinity: incoming pod wouldn't considered as a fit as it at least
 * violates one anti-affinity rule of existingPod" */
static void test_multi_incoming_violates_one(void)
{
    run_filter(&(filter_case){
        .pod = anti2(spec("", NULL), "foo", "zone", "bar", "region"),
        .pods = {{"nodeA", spec("", LBL("foo", ""))},
                 {"nodeB", spec("", LBL("bar", ""))}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_ANTI, U_ANTI}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test existing pod's
 * anti-affinity: only when labelSelector and topologyKey both match, it's
 * counted as a single term match - case when one term has invalid
 * topologyKey" */
static void test_multi_existing_one_invalid_key(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("foo", "", "bar", "")),
        .pods = {{"nodeA", anti2(spec("", NULL), "foo", "invalid-node-label",
                                 "bar", "zone")}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_EXIST, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test incoming pod's
 * anti-affinity: only when labelSelector and topologyKey both match, it's
 * counted as a single term match - case when one term has invalid
 * topologyKey" */
static void test_multi_incoming_one_invalid_key(void)
{
    run_filter(&(filter_case){
        .pod = anti2(spec("", NULL), "foo", "invalid-node-label", "bar",
                     "zone"),
        .pods = {{"nodeA", spec("", LBL("foo", "", "bar", ""))}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_ANTI, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test existing pod's
 * anti-affinity: only when labelSelector and topologyKey both match, it's
 * counted as a single term match - case when all terms have valid
 * topologyKey" */
static void test_multi_existing_valid_keys(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("foo", "", "bar", "")),
        .pods = {{"nodeA",
                  anti2(spec("", NULL), "foo", "region", "bar", "zone")}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_EXIST, U_EXIST}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test incoming pod's
 * anti-affinity: only when labelSelector and topologyKey both match, it's
 * counted as a single term match - case when all terms have valid
 * topologyKey" */
static void test_multi_incoming_valid_keys(void)
{
    run_filter(&(filter_case){
        .pod = anti2(spec("", NULL), "foo", "region", "bar", "zone"),
        .pods = {{"nodeA", spec("", LBL("foo", "", "bar", ""))}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {U_ANTI, U_ANTI}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test existing pod's
 * anti-affinity: existingPod on nodeA and nodeB has at least one
 * anti-affinity term matches incoming pod, so incoming pod can only be
 * scheduled to nodeC" */
static void test_multi_existing_node_c(void)
{
    run_filter(&(filter_case){
        .pod = spec("", LBL("foo", "", "bar", "")),
        .pods = {{"nodeA",
                  anti2(spec("", NULL), "foo", "zone", "labelA", "zone")},
                 {"nodeB",
                  anti2(spec("", NULL), "bar", "zone", "labelB", "zone")}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB"),
                  {"nodeC", {"region", "r1", "zone", "z3", "hostname",
                             "nodeC"}}},
        .ns = NS_NS1, .want = {U_EXIST, U_EXIST, PASS}});
}

static ks_pod_spec *foo_region_bar_zone_affinity(void)
{
    ks_pod_spec *p = req(spec("", NULL), 0, "foo", KS_OP_EXISTS, "region",
                         NULL);
    return req(p, 0, "bar", KS_OP_EXISTS, "zone", NULL);
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test incoming pod's
 * affinity: firstly check if all affinityTerms match, and then check if
 * all topologyKeys match" */
static void test_multi_affinity_all_terms(void)
{
    run_filter(&(filter_case){
        .pod = foo_region_bar_zone_affinity(),
        .pods = {{"nodeA", spec("", LBL("foo", "", "bar", ""))}},
        .nodes = {R1Z1("nodeA"), R1Z1("nodeB")}, .ns = NS_NS1,
        .want = {PASS, PASS}});
}

/* filtering_test.go TestRequiredAffinityMultipleNodes "Test incoming pod's
 * affinity: firstly check if all affinityTerms match, and then check if
 * all topologyKeys match, and the match logic should be satisfied on the
 * same pod" */
static void test_multi_affinity_same_pod(void)
{
    run_filter(&(filter_case){
        .pod = foo_region_bar_zone_affinity(),
        .pods = {{"nodeA", spec("", LBL("foo", ""))},
                 {"nodeB", spec("", LBL("bar", ""))}},
        .nodes = {R1Z1("nodeA"), R1Z2("nodeB")}, .ns = NS_NS1,
        .want = {UU_AFF, UU_AFF}});
}

/* filtering_test.go TestPreFilterDisabled: Filter without PreFilter state
 * is an Error (upstream: reading "PreFilterInterPodAffinity" from the
 * cycle state fails). */
static void test_pre_filter_disabled(void)
{
    static const node_def nodes[] = {{"node", {NULL}}, {NULL, {NULL}}};
    static const pod_def none[] = {{NULL, NULL}};
    env e;
    setup(&e, nodes, none, NULL, pl->default_args, NS_NONE);
    check_status(pl->filter(&e.call, &e.c->nodes[0]), KS_STATUS_ERROR,
                 "error reading \"PreFilterInterPodAffinity\" from "
                 "cycleState: not found");
    teardown(&e);
}

/* ---- map checks ---------------------------------------------------------- */

typedef struct pair_count {
    const char *key, *value;
    int64_t count;
} pair_count;

/* The map holds exactly the listed pairs (key NULL ends the list). */
static void check_map(void *inst, ks_ipa_map m, const pair_count *want)
{
    size_t n = 0;
    for (; want[n].key; n++) {
        int present = 0;
        CU_ASSERT_EQUAL(ks_ipa_map_get(inst, m, want[n].key, want[n].value,
                                       &present),
                        want[n].count);
        CU_ASSERT_TRUE(present);
    }
    CU_ASSERT_EQUAL(ks_ipa_map_size(inst, m), n);
}

typedef struct map_cmp {
    const void *other;
    ks_ipa_map map;
    int mismatches;
} map_cmp;

static void cmp_entry(void *ctx, const char *key, const char *value,
                      int64_t count)
{
    map_cmp *mc = ctx;
    int present = 0;
    if (ks_ipa_map_get(mc->other, mc->map, key, value, &present) != count ||
        !present)
        mc->mismatches++;
}

/* Both instances' maps hold the same pairs. */
static int same_map(const void *a, const void *b, ks_ipa_map m)
{
    map_cmp mc = {b, m, 0};
    ks_ipa_map_foreach(a, m, cmp_entry, &mc);
    return mc.mismatches == 0 &&
           ks_ipa_map_size(a, m) == ks_ipa_map_size(b, m);
}

/* ---- TestPreFilterStateAddRemovePod -------------------------------------- */

static ks_pod_spec *anti_foo_bar(ks_pod_spec *s)
{
    return req(s, 1, "foo", KS_OP_IN, "region", "bar", NULL);
}

/* antiAffinityComplex (anti) or affinityComplex */
static ks_pod_spec *complex_terms(ks_pod_spec *s, int anti)
{
    ks_pod_affinity *a = anti ? &s->pod_anti_affinity : &s->pod_affinity;
    expr(term(a, 0, "region"), "foo", KS_OP_IN, "bar", "buzz", NULL);
    expr(term(a, 0, "zone"), "service", KS_OP_NOT_IN, "bar", "security",
         "test", NULL);
    return s;
}

typedef struct add_remove_case {
    ks_pod_spec *pending;
    pod_def existing[2];
    pod_def added;
    pair_count want_anti[4];
    pair_count want_aff[4];
} add_remove_case;

static void prefilter_ok(env *e)
{
    CU_ASSERT_EQUAL(pl->pre_filter(&e->call).code, KS_STATUS_SUCCESS);
}

static int same_filter_maps(const void *a, const void *b)
{
    return same_map(a, b, KS_IPA_MAP_EXISTING_ANTI) &&
           same_map(a, b, KS_IPA_MAP_AFFINITY) &&
           same_map(a, b, KS_IPA_MAP_ANTI_AFFINITY);
}

/* As upstream: PreFilter with the existing pods; adding the pod
 * (AddPod: here the cluster binds it and pod_added follows, as in the
 * preemption what-if) gives the maps of a PreFilter given all pods;
 * removing it (RemovePod) gives the original maps back.  PreFilter is not
 * run again in between. */
static void run_add_remove(const add_remove_case *tc)
{
    static const node_def nodes[] = {
        {"nodeA", {"region", "r1", "zone", "z11"}},
        {"nodeB", {"region", "r1", "zone", "z12"}},
        {"nodeC", {"region", "r2", "zone", "z21"}},
        {NULL, {NULL}}};
    /* allPodsState: a fresh instance given every pod. */
    env all;
    pod_def every[4] = {tc->existing[0], tc->existing[1], tc->added, {0}};
    setup(&all, nodes, every, tc->pending, pl->default_args, NS_NONE);
    prefilter_ok(&all);

    /* The same specs cannot be adopted twice: this cluster borrows the
     * first one's (which outlives it). */
    env e = {0};
    e.c = ks_cluster_create();
    for (size_t i = 0; nodes[i].name; i++, e.ndeclared++)
        add_node(e.c, nodes[i].name, nodes[i].labels, 9);
    e.inst = pl->create(pl->default_args);
    static const int64_t none[KS_RES_COUNT] = {0};
    for (size_t i = 0; i < 2; i++) {
        uint32_t p = ks_cluster_add_pod(e.c, 0, none, KS_SECOND, 0, 0);
        e.c->pods[p].spec = all.c->pods[i].spec;
        ks_cluster_bind(e.c, p, node_named(e.c, tc->existing[i].node), 0);
        pl->pod_added(e.inst, e.c, p);
    }
    uint32_t added = ks_cluster_add_pod(e.c, 0, none, KS_SECOND, 0, 0);
    e.c->pods[added].spec = all.c->pods[2].spec;
    e.incoming = ks_cluster_add_pod(e.c, 0, none, KS_SECOND, 0, 0);
    e.c->pods[e.incoming].spec = all.c->pods[all.incoming].spec;
    e.call = (ks_plugin_call){.args = pl->default_args, .instance = e.inst,
                              .cluster = e.c, .pod = &e.c->pods[e.incoming],
                              .k8s_minor = 36};
    prefilter_ok(&e);
    /* originalState: the same PreFilter in a second instance. */
    void *original = pl->create(pl->default_args);
    for (uint32_t i = 0; i < 2; i++)
        pl->pod_added(original, e.c, i);
    ks_plugin_call oc = e.call;
    oc.instance = original;
    CU_ASSERT_EQUAL(pl->pre_filter(&oc).code, KS_STATUS_SUCCESS);

    ks_cluster_bind(e.c, added, node_named(e.c, tc->added.node), 0);
    pl->pod_added(e.inst, e.c, added);
    check_map(e.inst, KS_IPA_MAP_ANTI_AFFINITY, tc->want_anti);
    check_map(e.inst, KS_IPA_MAP_AFFINITY, tc->want_aff);
    CU_ASSERT_TRUE(same_filter_maps(e.inst, all.inst));

    ks_cluster_complete(e.c, added, 0);
    pl->pod_removed(e.inst, e.c, added);
    CU_ASSERT_TRUE(same_filter_maps(e.inst, original));
    /* and a new PreFilter agrees */
    prefilter_ok(&e);
    CU_ASSERT_TRUE(same_filter_maps(e.inst, original));

    pl->destroy(original);
    pl->destroy(e.inst);
    ks_cluster_destroy(e.c);
    teardown(&all);
}

/* filtering_test.go TestPreFilterStateAddRemovePod "preFilterState
 * anti-affinity terms are updated correctly after adding and removing a
 * pod" (first case) */
static void test_add_remove_anti(void)
{
    run_add_remove(&(add_remove_case){
        .pending = anti_foo_bar(spec("", LBL("foo", "bar"))),
        .existing = {{"nodeA", spec("", LBL("foo", "bar"))},
                     {"nodeC", anti_foo_bar(spec("", NULL))}},
        .added = {"nodeB", anti_foo_bar(spec("", LBL("foo", "bar")))},
        .want_anti = {{"region", "r1", 2}}});
}

/* filtering_test.go TestPreFilterStateAddRemovePod "preFilterState
 * anti-affinity terms are updated correctly after adding and removing a
 * pod" (second case, antiAffinityComplex) */
static void test_add_remove_anti_complex(void)
{
    run_add_remove(&(add_remove_case){
        .pending = complex_terms(spec("", LBL("foo", "bar")), 1),
        .existing = {{"nodeA", spec("", LBL("foo", "bar"))},
                     {"nodeC", anti_foo_bar(spec("", NULL))}},
        .added = {"nodeA", complex_terms(spec("", LBL("foo", "bar")), 1)},
        .want_anti = {{"region", "r1", 2}, {"zone", "z11", 2},
                      {"zone", "z21", 1}}});
}

/* filtering_test.go TestPreFilterStateAddRemovePod "preFilterState matching
 * pod affinity and anti-affinity are updated correctly after adding and
 * removing a pod" */
static void test_add_remove_affinity(void)
{
    run_add_remove(&(add_remove_case){
        .pending = complex_terms(spec("", LBL("foo", "bar")), 0),
        .existing = {{"nodeA", spec("", LBL("foo", "bar"))},
                     {"nodeC", complex_terms(anti_foo_bar(spec("", NULL)),
                                             0)}},
        .added = {"nodeA", complex_terms(spec("", LBL("foo", "bar")), 1)},
        .want_aff = {{"region", "r1", 2}, {"zone", "z11", 2}}});
}

/* ---- TestGetTPMapMatchingIncomingAffinityAntiAffinity -------------------- */

typedef struct tpmap_case {
    const char *existing[3]; /* labels (value "") of pods on nodeA */
    int nexisting;
    ks_pod_spec *pod;
    pair_count want_aff[2];
    pair_count want_anti[2];
} tpmap_case;

static void run_tpmap(const tpmap_case *tc)
{
    static const node_def nodes[] = {{"nodeA", {"hostname", "nodeA"}},
                                     {NULL, {NULL}}};
    pod_def pods[4] = {{0}};
    for (int i = 0; i < tc->nexisting; i++) {
        ks_pod_spec *s = spec("", NULL);
        for (const char *l = tc->existing[i]; *l; l += strlen(l) + 1)
            ks_labels_set(&s->labels, l, "");
        pods[i] = (pod_def){"nodeA", s};
    }
    env e;
    setup(&e, nodes, pods, tc->pod, pl->default_args, NS_NONE);
    pl->pre_filter(&e.call);
    check_map(e.inst, KS_IPA_MAP_AFFINITY, tc->want_aff);
    check_map(e.inst, KS_IPA_MAP_ANTI_AFFINITY, tc->want_anti);
    teardown(&e);
}

/* labels as "a\0b\0" lists */
#define POD_A "aaa\0"
#define POD_B "bbb\0"
#define POD_AB "aaa\0bbb\0"

static ks_pod_spec *exists_terms(const char *const *aff,
                                 const char *const *anti)
{
    ks_pod_spec *s = spec("", NULL);
    for (; aff && *aff; aff++)
        req(s, 0, *aff, KS_OP_EXISTS, "hostname", NULL);
    for (; anti && *anti; anti++)
        req(s, 1, *anti, KS_OP_EXISTS, "hostname", NULL);
    return s;
}

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define HOST_A(n) {{"hostname", "nodeA", n}}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity "nil
 * test" */
static void test_tpmap_nil(void)
{
    run_tpmap(&(tpmap_case){.pod = spec("", NULL)});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity
 * "incoming pod without affinity/anti-affinity causes a no-op" */
static void test_tpmap_no_op(void)
{
    run_tpmap(&(tpmap_case){.existing = {POD_A}, .nexisting = 1,
                            .pod = spec("", NULL)});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity "no
 * pod has label that violates incoming pod's affinity and anti-affinity" */
static void test_tpmap_no_violation(void)
{
    run_tpmap(&(tpmap_case){
        .existing = {POD_B}, .nexisting = 1,
        .pod = exists_terms(NAMES("aaa"), NAMES("aaa"))});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity
 * "existing pod matches incoming pod's affinity and anti-affinity - single
 * term case" */
static void test_tpmap_single_term(void)
{
    run_tpmap(&(tpmap_case){
        .existing = {POD_A}, .nexisting = 1,
        .pod = exists_terms(NAMES("aaa"), NAMES("aaa")),
        .want_aff = HOST_A(1), .want_anti = HOST_A(1)});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity
 * "existing pod matches incoming pod's affinity and anti-affinity -
 * multiple terms case" */
static void test_tpmap_multiple_terms(void)
{
    run_tpmap(&(tpmap_case){
        .existing = {POD_AB}, .nexisting = 1,
        .pod = exists_terms(NAMES("aaa", "bbb"), NAMES("aaa")),
        .want_aff = HOST_A(2), .want_anti = HOST_A(1)});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity
 * "existing pod not match incoming pod's affinity but matches
 * anti-affinity" */
static void test_tpmap_anti_only(void)
{
    run_tpmap(&(tpmap_case){
        .existing = {POD_A}, .nexisting = 1,
        .pod = exists_terms(NAMES("aaa", "bbb"), NAMES("aaa", "bbb")),
        .want_anti = HOST_A(1)});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity
 * "incoming pod's anti-affinity has more than one term - existing pod
 * violates partial term - case 1" */
static void test_tpmap_partial_1(void)
{
    run_tpmap(&(tpmap_case){
        .existing = {POD_AB}, .nexisting = 1,
        .pod = exists_terms(NAMES("aaa", "ccc"), NAMES("aaa", "ccc")),
        .want_anti = HOST_A(1)});
}

/* filtering_test.go TestGetTPMapMatchingIncomingAffinityAntiAffinity
 * "incoming pod's anti-affinity has more than one term - existing pod
 * violates partial term - case 2" */
static void test_tpmap_partial_2(void)
{
    run_tpmap(&(tpmap_case){
        .existing = {POD_B}, .nexisting = 1,
        .pod = exists_terms(NAMES("aaa", "bbb"), NAMES("aaa", "bbb")),
        .want_anti = HOST_A(1)});
}

/* ---- score runner (TestPreferredAffinity*) ------------------------------- */

typedef struct score_case {
    ks_pod_spec *pod;
    pod_def pods[MAXP];
    node_def nodes[MAXN];
    ks_ipa_args args;
    ks_status_code want_status; /* SUCCESS, SKIP or ERROR */
    const char *want_msg;       /* a substring of the message */
    int64_t want[MAXN];         /* normalized scores */
} score_case;

#define ARGS_HARD1 {.hard_pod_affinity_weight = 1}

/* As upstream: PreScore; on success Score every node and NormalizeScore. */
static void run_score(const score_case *tc)
{
    env e;
    setup(&e, tc->nodes, tc->pods, tc->pod, &tc->args, NS_TEAMS);
    uint32_t idx[MAXN];
    for (size_t i = 0; i < e.ndeclared; i++)
        idx[i] = (uint32_t)i;
    ks_status st = pl->pre_score(&e.call, idx, e.ndeclared);
    CU_ASSERT_EQUAL(st.code, tc->want_status);
    if (st.code != KS_STATUS_SUCCESS) {
        if (tc->want_msg) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(st.message);
            CU_ASSERT_PTR_NOT_NULL(strstr(st.message, tc->want_msg));
        }
        teardown(&e);
        return;
    }
    int64_t scores[MAXN];
    for (size_t i = 0; i < e.ndeclared; i++)
        scores[i] = pl->score(&e.call, &e.c->nodes[i]);
    pl->normalize(&e.call, scores, e.ndeclared);
    for (size_t i = 0; i < e.ndeclared; i++)
        CU_ASSERT_EQUAL(scores[i], tc->want[i]);
    teardown(&e);
}

#define S1 LBL("security", "S1")
#define S2 LBL("security", "S2")
#define AZ1 {"az", "az1"}
#define AZ2 {"az", "az2"}

/* ---- TestPreferredAffinity ----------------------------------------------- */

/* scoring_test.go TestPreferredAffinity "all nodes are same priority as
 * Affinity is nil" */
static void test_pref_nil_affinity(void)
{
    run_score(&(score_case){
        .pod = spec("", S1),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want_status = KS_STATUS_SKIP});
}

/* scoring_test.go TestPreferredAffinity "Affinity: pod that matches
 * topology key & pods in nodes will get high score comparing to
 * otherswhich doesn't match either pods in nodes or in topology key" */
static void test_pref_matches_topology(void)
{
    run_score(&(score_case){
        .pod = stay_with_s1_in_region(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node2", spec("", S2)},
                 {"node3", spec("", S1)}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want = {100, 0, 0}});
}

/* scoring_test.go TestPreferredAffinity "All the nodes that have the same
 * topology key & label value with one of them has an existing pod that
 * match the affinity rules, have the same score" */
static void test_pref_same_topology(void)
{
    run_score(&(score_case){
        .pod = stay_with_s1_in_region(spec("", NULL)),
        .pods = {{"node1", spec("", S1)}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_CHINA_AZ1},
                  {"node3", RG_INDIA}},
        .args = ARGS_HARD1, .want = {100, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity: nodes in one region has
 * more matching pods comparing to other region, so the region which has
 * more matches will get high score" */
static void test_pref_more_matches(void)
{
    run_score(&(score_case){
        .pod = stay_with_s2_in_region(spec("", S1)),
        .pods = {{"node1", spec("", S2)}, {"node1", spec("", S2)},
                 {"node2", spec("", S2)}, {"node3", spec("", S2)},
                 {"node4", spec("", S2)}, {"node5", spec("", S2)}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA},
                  {"node3", RG_CHINA}, {"node4", RG_CHINA},
                  {"node5", RG_INDIA}},
        .args = ARGS_HARD1, .want = {100, 0, 100, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity: different Label
 * operators and values for pod affinity scheduling preference, including
 * some match failures " */
static void test_pref_operators(void)
{
    run_score(&(score_case){
        .pod = affinity3(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node2", spec("", S2)},
                 {"node3", spec("", S1)}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want = {20, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity symmetry: considered
 * only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity
 * symmetry" */
static void test_pref_symmetry(void)
{
    run_score(&(score_case){
        .pod = spec("", S2),
        .pods = {{"node1", stay_with_s1_in_region(spec("", S1))},
                 {"node2", stay_with_s2_in_region(spec("", S2))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want = {0, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity symmetry with namespace
 * selector" */
static void test_pref_symmetry_ns_selector(void)
{
    run_score(&(score_case){
        .pod = spec("subteam1.team1", S1),
        .pods = {{"node1", ns_selector_term(spec("", S1), 0)},
                 {"node2", stay_with_s2_in_region(spec("", S2))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want = {100, 0, 0}});
}

/* scoring_test.go TestPreferredAffinity "AntiAffinity symmetry with
 * namespace selector" */
static void test_pref_anti_symmetry_ns_selector(void)
{
    run_score(&(score_case){
        .pod = spec("subteam1.team1", S1),
        .pods = {{"node1", ns_selector_term(spec("", S1), 1)},
                 {"node2", stay_with_s2_in_region(spec("", S2))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want = {0, 100, 100}});
}

/* scoring_test.go TestPreferredAffinity "Affinity symmetry: considered
 * RequiredDuringSchedulingIgnoredDuringExecution in pod affinity
 * symmetry" */
static void test_pref_symmetry_required(void)
{
    run_score(&(score_case){
        .pod = spec("", S1),
        .pods = {{"node1", hard_affinity(spec("", S1))},
                 {"node2", hard_affinity(spec("", S2))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = ARGS_HARD1, .want = {100, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Anti Affinity: pod that does not
 * match existing pods in node will get high score " */
static void test_pref_anti_no_match(void)
{
    run_score(&(score_case){
        .pod = away_from_s1_in_az(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node2", spec("", S2)}},
        .nodes = {{"node1", AZ1}, {"node2", RG_CHINA}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "Anti Affinity: pod that does not
 * match topology key & match the pods in nodes will get higher score
 * comparing to others " */
static void test_pref_anti_no_topology(void)
{
    run_score(&(score_case){
        .pod = away_from_s1_in_az(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node2", spec("", S1)}},
        .nodes = {{"node1", AZ1}, {"node2", RG_CHINA}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "Anti Affinity: one node has more
 * matching pods comparing to other node, so the node which has more
 * unmatches will get high score" */
static void test_pref_anti_more_matches(void)
{
    run_score(&(score_case){
        .pod = away_from_s1_in_az(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node1", spec("", S1)},
                 {"node2", spec("", S2)}},
        .nodes = {{"node1", AZ1}, {"node2", RG_INDIA}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "Anti Affinity symmetry: the
 * existing pods in node which has anti affinity match will get high
 * score" */
static void test_pref_anti_symmetry(void)
{
    run_score(&(score_case){
        .pod = spec("", S2),
        .pods = {{"node1", away_from_s2_in_az(spec("", S1))},
                 {"node2", away_from_s1_in_az(spec("", S2))}},
        .nodes = {{"node1", AZ1}, {"node2", AZ2}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "Affinity and Anti Affinity:
 * considered only preferredDuringSchedulingIgnoredDuringExecution in both
 * pod affinity & anti affinity" */
static void test_pref_aff_and_anti(void)
{
    run_score(&(score_case){
        .pod = stay_s1_region_away_s2_az(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node2", spec("", S1)}},
        .nodes = {{"node1", RG_CHINA}, {"node2", AZ1}},
        .args = ARGS_HARD1, .want = {100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity and Anti Affinity:
 * considering both affinity and anti-affinity, the pod to schedule and
 * existing pods have the same labels" */
static void test_pref_same_labels(void)
{
    run_score(&(score_case){
        .pod = stay_s1_region_away_s2_az(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node1", spec("", S1)},
                 {"node2", spec("", S1)}, {"node3", spec("", S1)},
                 {"node3", spec("", S1)}, {"node4", spec("", S1)},
                 {"node5", spec("", S1)}},
        .nodes = {{"node1", RG_CHINA_AZ1}, {"node2", RG_INDIA},
                  {"node3", RG_CHINA}, {"node4", RG_CHINA},
                  {"node5", RG_INDIA}},
        .args = ARGS_HARD1, .want = {100, 0, 100, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity and Anti Affinity and
 * symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution
 * in both pod affinity & anti affinity & symmetry" */
static void test_pref_all_together(void)
{
    run_score(&(score_case){
        .pod = stay_s1_region_away_s2_az(spec("", S1)),
        .pods = {{"node1", spec("", S1)}, {"node2", spec("", S2)},
                 {"node3", stay_s1_region_away_s2_az(spec("", NULL))},
                 {"node4", away_from_s1_in_az(spec("", NULL))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", AZ1}, {"node3", RG_INDIA},
                  {"node4", AZ2}},
        .args = ARGS_HARD1, .want = {100, 0, 100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Avoid panic when partial nodes in
 * a topology don't have pods with affinity" */
static void test_pref_partial_nodes(void)
{
    run_score(&(score_case){
        .pod = spec("", S1),
        .pods = {{"node1", spec("", S1)},
                 {"node2", stay_s1_region_away_s2_az(spec("", NULL))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_CHINA}},
        .args = ARGS_HARD1, .want = {0, 0}});
}

/* scoring_test.go TestPreferredAffinity "invalid Affinity fails PreScore" */
static void test_pref_invalid_affinity(void)
{
    run_score(&(score_case){
        .pod = invalid_labels(spec("", NULL), 0),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_CHINA}},
        .args = ARGS_HARD1, .want_status = KS_STATUS_ERROR,
        .want_msg = "Invalid value: \"{{.bad-value.}}\""});
}

/* scoring_test.go TestPreferredAffinity "invalid AntiAffinity fails
 * PreScore" */
static void test_pref_invalid_anti_affinity(void)
{
    run_score(&(score_case){
        .pod = invalid_labels(spec("", NULL), 1),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_CHINA}},
        .args = ARGS_HARD1, .want_status = KS_STATUS_ERROR,
        .want_msg = "Invalid value: \"{{.bad-value.}}\""});
}

/* The existing pods of the NamespaceSelector scoring cases; third is the
 * namespace of node1's third pod. */
#define NS_SELECTOR_PODS(third)                                                \
    {                                                                          \
        {"node1", spec("subteam1.team1", S1)},                                 \
            {"node1", spec("subteam1.team1", S1)},                             \
            {"node1", spec(third, S1)}, {"node2", spec("subteam2.team1", S1)}  \
    }

/* scoring_test.go TestPreferredAffinity "Affinity with pods matching
 * NamespaceSelector" */
static void test_pref_ns_selector(void)
{
    run_score(&(score_case){
        .pod = ns_selector_term(spec("subteam1.team1", S1), 0),
        .pods = NS_SELECTOR_PODS("subteam1.team2"),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}},
        .args = ARGS_HARD1, .want = {100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity with pods matching both
 * NamespaceSelector and Namespaces fields" */
static void test_pref_ns_selector_and_names(void)
{
    run_score(&(score_case){
        .pod = ns_selector_term(spec("subteam1.team1", S1), 0),
        .pods = NS_SELECTOR_PODS("subteam2.team2"),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}},
        .args = ARGS_HARD1, .want = {100, 0}});
}

/* scoring_test.go TestPreferredAffinity "Affinity with pods matching
 * NamespaceSelector" (antiAffinityNamespaceSelector) */
static void test_pref_anti_ns_selector(void)
{
    run_score(&(score_case){
        .pod = ns_selector_term(spec("subteam1.team1", S1), 1),
        .pods = NS_SELECTOR_PODS("subteam1.team2"),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "Affinity with pods matching both
 * NamespaceSelector and Namespaces fields" (antiAffinityNamespaceSelector) */
static void test_pref_anti_ns_selector_and_names(void)
{
    run_score(&(score_case){
        .pod = ns_selector_term(spec("subteam1.team1", S1), 1),
        .pods = NS_SELECTOR_PODS("subteam2.team2"),
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "Ignore preferred terms of existing
 * pods" */
static void test_pref_ignore_existing(void)
{
    run_score(&(score_case){
        .pod = spec("", S2),
        .pods = {{"node1", stay_s1_region_away_s2_az(spec("", S1))},
                 {"node2", stay_with_s2_in_region(spec("", S2))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}},
        .args = {.hard_pod_affinity_weight = 1,
                 .ignore_preferred_terms_of_existing_pods = 1},
        .want_status = KS_STATUS_SKIP});
}

/* scoring_test.go TestPreferredAffinity "Do not ignore preferred terms of
 * existing pods" */
static void test_pref_do_not_ignore_existing(void)
{
    run_score(&(score_case){
        .pod = spec("", S2),
        .pods = {{"node1", stay_s1_region_away_s2_az(spec("", S1))},
                 {"node2", stay_with_s2_in_region(spec("", S2))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}},
        .args = ARGS_HARD1, .want = {0, 100}});
}

/* scoring_test.go TestPreferredAffinity "No nodes to score" */
static void test_pref_no_nodes(void)
{
    run_score(&(score_case){.pod = spec("", S2), .args = ARGS_HARD1,
                            .want_status = KS_STATUS_SKIP});
}

/* ---- TestPreferredAffinityWithHardPodAffinitySymmetricWeight ------------- */

static void run_hard_weight(const char *ns, int32_t weight,
                            ks_status_code want_code,
                            const int64_t *want)
{
    score_case tc = {
        .pod = spec(ns, LBL("service", "S1")),
        .pods = {{"node1", hard_pod_affinity(spec("", NULL))},
                 {"node2", hard_pod_affinity(spec("", NULL))}},
        .nodes = {{"node1", RG_CHINA}, {"node2", RG_INDIA}, {"node3", AZ1}},
        .args = {.hard_pod_affinity_weight = weight},
        .want_status = want_code};
    for (size_t i = 0; want && i < 3; i++)
        tc.want[i] = want[i];
    run_score(&tc);
}

static const int64_t both_regions[3] = {100, 100, 0};

/* scoring_test.go TestPreferredAffinityWithHardPodAffinitySymmetricWeight
 * "with default weight" */
static void test_hard_default_weight(void)
{
    run_hard_weight("", 1, KS_STATUS_SUCCESS, both_regions);
}

/* scoring_test.go TestPreferredAffinityWithHardPodAffinitySymmetricWeight
 * "with zero weight" */
static void test_hard_zero_weight(void)
{
    run_hard_weight("", 0, KS_STATUS_SKIP, NULL);
}

/* scoring_test.go TestPreferredAffinityWithHardPodAffinitySymmetricWeight
 * "with no matching namespace" */
static void test_hard_no_matching_namespace(void)
{
    run_hard_weight("subteam1.team2", 1, KS_STATUS_SKIP, NULL);
}

/* scoring_test.go TestPreferredAffinityWithHardPodAffinitySymmetricWeight
 * "with matching NamespaceSelector" */
static void test_hard_matching_ns_selector(void)
{
    run_hard_weight("subteam1.team1", 1, KS_STATUS_SUCCESS, both_regions);
}

/* scoring_test.go TestPreferredAffinityWithHardPodAffinitySymmetricWeight
 * "with matching Namespaces" */
static void test_hard_matching_namespaces(void)
{
    run_hard_weight("subteam2.team2", 1, KS_STATUS_SUCCESS, both_regions);
}

/* ---- TestValidateInterPodAffinityArgs ------------------------------------ */

/* validation_pluginargs_test.go TestValidateInterPodAffinityArgs "valid
 * args" */
static void test_args_valid(void)
{
    ks_ipa_args a = {.hard_pod_affinity_weight = 10};
    CU_ASSERT_EQUAL(ks_ipa_args_validate(&a, NULL), 0);
    CU_ASSERT_EQUAL(ks_ipa_args_validate(pl->default_args, NULL), 0);
}

/* validation_pluginargs_test.go TestValidateInterPodAffinityArgs
 * "hardPodAffinityWeight less than min" */
static void test_args_below_min(void)
{
    ks_ipa_args a = {.hard_pod_affinity_weight = -1};
    ks_error err;
    CU_ASSERT_EQUAL(ks_ipa_args_validate(&a, &err), KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "hardPodAffinityWeight: Invalid value: "
                                    "-1: not in valid range [0-100]");
}

/* validation_pluginargs_test.go TestValidateInterPodAffinityArgs
 * "hardPodAffinityWeight more than max" */
static void test_args_above_max(void)
{
    ks_ipa_args a = {.hard_pod_affinity_weight = 101};
    ks_error err;
    CU_ASSERT_EQUAL(ks_ipa_args_validate(&a, &err), KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "hardPodAffinityWeight: Invalid value: "
                                    "101: not in valid range [0-100]");
}

/* ---- ksim: matchLabelKeys, namespace labels ------------------------------ */

/* pkg/registry/core/pod/strategy.go applyMatchLabelKeysAndMismatchLabelKeys:
 * matchLabelKeys [app] on an empty selector selects the pods with the
 * incoming pod's app value; mismatchLabelKeys the others. */
static void test_match_label_keys(void)
{
    for (int mismatch = 0; mismatch < 2; mismatch++) {
        ks_pod_spec *p = spec("", LBL("app", "a"));
        ks_pod_affinity_term *t = term(&p->pod_anti_affinity, 0, "hostname");
        t->has_label_selector = 1; /* {} */
        char ***keys = mismatch ? &t->mismatch_label_keys
                                : &t->match_label_keys;
        *keys = ks_xmalloc(sizeof(char *));
        (*keys)[0] = ks_xstrdup("app");
        *(mismatch ? &t->nmismatch_label_keys : &t->nmatch_label_keys) = 1;
        want_status hit = U_ANTI, miss = PASS;
        run_filter(&(filter_case){
            .pod = p,
            .pods = {{"n1", spec("", LBL("app", "a"))},
                     {"n2", spec("", LBL("app", "b"))}},
            .nodes = {{"n1", {"hostname", "n1"}}, {"n2", {"hostname", "n2"}}},
            .want = {mismatch ? miss : hit, mismatch ? hit : miss}});
    }
}

/* Namespaces carry kubernetes.io/metadata.name unless given other labels. */
static void test_default_namespace_label(void)
{
    ks_pod_spec *p = spec("web", NULL);
    ks_pod_affinity_term *t = term(&p->pod_affinity, 0, "hostname");
    t->has_label_selector = 1;
    ns_expr(t, "kubernetes.io/metadata.name", KS_OP_IN, "db", NULL);
    run_filter(&(filter_case){
        .pod = p,
        .pods = {{"n1", spec("db", NULL)}, {"n2", spec("web", NULL)}},
        .nodes = {{"n1", {"hostname", "n1"}}, {"n2", {"hostname", "n2"}}},
        .want = {PASS, UU_AFF}});
}

/* scoring.go NormalizeScore: 100 * (s - min) / (max - min) in float64,
 * truncated (2/3 gives 66, not 67), negative raw scores included. */
static void test_normalize_truncates(void)
{
    for (int anti = 0; anti < 2; anti++) {
        ks_pod_spec *p = spec("", NULL);
        expr(term(anti ? &p->pod_anti_affinity : &p->pod_affinity, 1,
                  "zone"),
             "app", KS_OP_IN, "x", NULL);
        /* raw: affinity 0, 2, 3 (n2 two pods, n3 three); anti-affinity
         * -3, -1, 0 (n1 three pods, n2 one) */
        score_case tc = {
            .pod = p,
            .nodes = {{"n1", {"zone", "a"}}, {"n2", {"zone", "b"}},
                      {"n3", {"zone", "c"}}},
            .args = ARGS_HARD1, .want = {0, 66, 100}};
        const char *const where[2][5] = {{"n2", "n2", "n3", "n3", "n3"},
                                         {"n1", "n1", "n1", "n2", NULL}};
        for (int i = 0; i < 5 && where[anti][i]; i++)
            tc.pods[i] = (pod_def){where[anti][i], spec("", LBL("app", "x"))};
        run_score(&tc);
    }
}

/* ---- ksim: incremental state equals a full recompute --------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng_state >> 33) % n);
}

static const char *const keys_pool[] = {"app", "tier", "team"};
static const char *const values_pool[] = {"a", "b", "c"};
static const char *const topo_pool[] = {"zone", "region", "hostname",
                                        "rack"};
static const char *const ns_pool[] = {"", "prod", "dev"};

static void random_selector_term(ks_pod_affinity_term *t)
{
    int n = (int)rnd(3);
    t->has_label_selector = rnd(8) != 0;
    for (int i = 0; i < n; i++) {
        const char *k = keys_pool[rnd(3)];
        switch (rnd(4)) {
        case 0:
            expr(t, k, KS_OP_IN, values_pool[rnd(3)], values_pool[rnd(3)],
                 NULL);
            break;
        case 1:
            expr(t, k, KS_OP_NOT_IN, values_pool[rnd(3)], NULL);
            break;
        case 2:
            expr(t, k, KS_OP_EXISTS, NULL);
            break;
        default:
            expr(t, k, KS_OP_DOES_NOT_EXIST, NULL);
        }
    }
    switch (rnd(5)) {
    case 0:
        ns_name(t, ns_pool[rnd(3)]);
        break;
    case 1:
        t->has_namespace_selector = 1;
        break;
    case 2:
        ns_expr(t, "kubernetes.io/metadata.name", KS_OP_NOT_IN, "dev", NULL);
        break;
    default:
        break;
    }
}

static ks_pod_spec *random_spec(void)
{
    ks_pod_spec *s = spec(ns_pool[rnd(3)], NULL);
    for (int i = 0; i < 3; i++)
        if (rnd(2))
            ks_labels_set(&s->labels, keys_pool[i], values_pool[rnd(3)]);
    for (int kind = 0; kind < 4; kind++) {
        ks_pod_affinity *a = kind & 1 ? &s->pod_anti_affinity
                                      : &s->pod_affinity;
        int n = rnd(3) == 0 ? (int)rnd(3) : 0;
        for (int i = 0; i < n; i++)
            random_selector_term(term(a, kind < 2 ? 0 : (int32_t)(1 + rnd(100)),
                                      topo_pool[rnd(4)]));
    }
    return s;
}

#define RAND_NODES 48
#define RAND_SPECS 14

static ks_cluster *random_cluster(void)
{
    ks_cluster *c = ks_cluster_create();
    for (int i = 0; i < RAND_NODES; i++) {
        char name[16], rack[16];
        snprintf(name, sizeof name, "n%d", i);
        snprintf(rack, sizeof rack, "r%d", i / 2);
        const char *labels[8] = {"hostname", name, "region",
                                 i < 6 ? "east" : "west", NULL};
        size_t k = 4;
        if (i % 5 != 4) { /* some nodes lack a zone */
            labels[k++] = "zone";
            labels[k++] = values_pool[i % 3];
        }
        if (i % 3 == 0) {
            labels[k++] = "rack";
            labels[k++] = rack;
        }
        add_node(c, name, labels, k);
    }
    return c;
}

/* Every verdict and score of a and b for the probe pod agree. */
static int same_cycle(ks_cluster *c, void *a, void *b, uint32_t probe,
                      const ks_ipa_args *args)
{
    ks_plugin_call ca = {.args = args, .instance = a, .cluster = c,
                         .pod = &c->pods[probe], .k8s_minor = 36};
    ks_plugin_call cb = ca;
    cb.instance = b;
    int ok = 1;
    ks_status sa = pl->pre_filter(&ca), sb = pl->pre_filter(&cb);
    ok &= sa.code == sb.code && same_filter_maps(a, b);
    for (size_t n = 0; sa.code == KS_STATUS_SUCCESS && n < c->nnodes; n++)
        ok &= pl->filter(&ca, &c->nodes[n]).code ==
              pl->filter(&cb, &c->nodes[n]).code;
    uint32_t idx[RAND_NODES];
    for (uint32_t n = 0; n < RAND_NODES; n++)
        idx[n] = n;
    sa = pl->pre_score(&ca, idx, RAND_NODES);
    sb = pl->pre_score(&cb, idx, RAND_NODES);
    ok &= sa.code == sb.code && same_map(a, b, KS_IPA_MAP_SCORE);
    if (sa.code == KS_STATUS_SUCCESS) {
        int64_t x[RAND_NODES], y[RAND_NODES];
        for (size_t n = 0; n < RAND_NODES; n++) {
            x[n] = pl->score(&ca, &c->nodes[n]);
            y[n] = pl->score(&cb, &c->nodes[n]);
        }
        pl->normalize(&ca, x, RAND_NODES);
        pl->normalize(&cb, y, RAND_NODES);
        ok &= memcmp(x, y, sizeof x) == 0;
    }
    return ok;
}

/* A fresh instance told about the bound pods, in a shuffled order. */
static void *recompute(ks_cluster *c)
{
    void *f = pl->create(pl->default_args);
    uint32_t *order = ks_xmalloc(c->npods * sizeof *order);
    size_t n = 0;
    for (uint32_t p = 0; p < c->npods; p++)
        if (c->pods[p].phase == KS_POD_RUNNING)
            order[n++] = p;
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd((uint32_t)i);
        uint32_t tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    for (size_t i = 0; i < n; i++)
        pl->pod_added(f, c, order[i]);
    free(order);
    return f;
}

/* The preemption what-if (plugin.h): after PreFilter, up to three bound
 * pods are detached (pod_removed) and Filter runs without a new PreFilter,
 * as upstream's RemovePod.  The verdicts must equal those of a fresh
 * instance that never saw those pods (Skip = every node passes); after
 * attaching them back (pod_added), those of the original cluster. */
static int what_if_agrees(ks_cluster *c, void *inc, uint32_t probe,
                          const uint32_t *bound, size_t nbound)
{
    ks_plugin_call ci = {.args = pl->default_args, .instance = inc,
                         .cluster = c, .pod = &c->pods[probe],
                         .k8s_minor = 36};
    if (pl->pre_filter(&ci).code != KS_STATUS_SUCCESS)
        return 1;
    ks_status_code before[RAND_NODES];
    for (size_t n = 0; n < RAND_NODES; n++)
        before[n] = pl->filter(&ci, &c->nodes[n]).code;
    uint32_t gone[3];
    size_t ngone = 0;
    for (size_t k = 0; k < 3 && nbound; k++) {
        uint32_t p = bound[rnd((uint32_t)nbound)];
        int dup = 0;
        for (size_t j = 0; j < ngone; j++)
            dup |= gone[j] == p;
        if (dup)
            continue;
        ks_cluster_detach(c, p);
        pl->pod_removed(inc, c, p);
        gone[ngone++] = p;
    }
    void *fresh = pl->create(pl->default_args);
    for (uint32_t p = 0; p < c->npods; p++) {
        int skip = c->pods[p].phase != KS_POD_RUNNING;
        for (size_t j = 0; j < ngone; j++)
            skip |= gone[j] == p;
        if (!skip)
            pl->pod_added(fresh, c, p);
    }
    ks_plugin_call cf = ci;
    cf.instance = fresh;
    ks_status_code fs = pl->pre_filter(&cf).code;
    int ok = same_filter_maps(inc, fresh);
    for (size_t n = 0; n < RAND_NODES; n++) {
        ks_status_code want = fs == KS_STATUS_SKIP
                                  ? KS_STATUS_SUCCESS
                                  : pl->filter(&cf, &c->nodes[n]).code;
        ok &= pl->filter(&ci, &c->nodes[n]).code == want;
    }
    pl->destroy(fresh);
    while (ngone) {
        uint32_t p = gone[--ngone];
        ks_cluster_attach(c, p);
        pl->pod_added(inc, c, p);
    }
    for (size_t n = 0; n < RAND_NODES; n++)
        ok &= pl->filter(&ci, &c->nodes[n]).code == before[n];
    return ok;
}

/* Random binds and removals with random affinity specs; the long-lived
 * instance (counts built early, then maintained) must agree with a fresh
 * recompute at every checkpoint. */
static void test_incremental_equals_recompute(void)
{
    static const ks_ipa_args args = {.hard_pod_affinity_weight = 3};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rng_state = seed;
        ks_cluster *c = random_cluster();
        const ks_pod_spec *specs[RAND_SPECS];
        uint32_t probes[RAND_SPECS];
        static const int64_t none[KS_RES_COUNT] = {0};
        for (int i = 0; i < RAND_SPECS; i++) {
            specs[i] = ks_cluster_adopt_spec(c, random_spec());
            probes[i] = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
            c->pods[probes[i]].spec = specs[i];
        }
        void *inc = pl->create(&args);
        uint32_t *bound = ks_xmalloc(600 * sizeof *bound);
        size_t nbound = 0;
        int mismatches = 0, whatif_mismatches = 0;
        for (int step = 0; step < 600; step++) {
            /* 400..499 drain most pods (counts fall back to zero on many
             * nodes), then binds resume. */
            int draining = step >= 400 && step < 500;
            if (step % 40 == 0 || step == 500) { /* probe: build, use */
                void *fresh = recompute(c);
                uint32_t first = rnd(RAND_SPECS); /* vary the order */
                for (int i = 0; i < RAND_SPECS; i++)
                    if (!same_cycle(c, inc, fresh,
                                    probes[(first + (uint32_t)i) % RAND_SPECS],
                                    &args))
                        mismatches++;
                pl->destroy(fresh);
                for (int i = 0; i < RAND_SPECS; i++)
                    if (!what_if_agrees(c, inc, probes[i], bound, nbound))
                        whatif_mismatches++;
            }
            if (nbound && (draining || rnd(3) == 0)) {
                size_t k = rnd((uint32_t)nbound);
                uint32_t p = bound[k];
                bound[k] = bound[--nbound];
                ks_cluster_complete(c, p, 0);
                pl->pod_removed(inc, c, p);
            } else {
                uint32_t p = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
                c->pods[p].spec = rnd(4) ? specs[rnd(RAND_SPECS)] : NULL;
                ks_cluster_bind(c, p, rnd(RAND_NODES), 0);
                pl->pod_added(inc, c, p);
                bound[nbound++] = p;
            }
        }
        void *fresh = recompute(c);
        for (int i = 0; i < RAND_SPECS; i++)
            if (!same_cycle(c, inc, fresh, probes[i], &args))
                mismatches++;
        CU_ASSERT_EQUAL(mismatches, 0);
        CU_ASSERT_EQUAL(whatif_mismatches, 0);
        pl->destroy(fresh);
        pl->destroy(inc);
        free(bound);
        ks_cluster_destroy(c);
    }
}

/* A second cycle of the same spec reuses the counts; more signatures than
 * the cache holds are dropped and rebuilt, still exact. */
static void test_signatures_built_once_and_evicted(void)
{
    ks_cluster *c = random_cluster();
    static const int64_t none[KS_RES_COUNT] = {0};
    void *inc = pl->create(pl->default_args);
    enum { NPROBES = 600, NDISTINCT = 300 };
    uint32_t probes[NPROBES];
    for (int i = 0; i < NPROBES; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i % NDISTINCT);
        ks_pod_spec *s = spec("", LBL("app", v));
        req(s, i % 2, "app", KS_OP_IN, "zone", v, NULL);
        probes[i] = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
        c->pods[probes[i]].spec = ks_cluster_adopt_spec(c, s);
    }
    for (int i = 0; i < 200; i++) {
        uint32_t p = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
        c->pods[p].spec = c->pods[probes[rnd(NPROBES)]].spec;
        ks_cluster_bind(c, p, rnd(RAND_NODES), 0);
        pl->pod_added(inc, c, p);
    }
    ks_plugin_call call = {.args = pl->default_args, .instance = inc,
                           .cluster = c, .pod = &c->pods[probes[0]],
                           .k8s_minor = 36};
    pl->pre_filter(&call);
    size_t builds = ks_ipa_signature_builds(inc);
    CU_ASSERT_EQUAL(builds, 1);
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_ipa_signature_builds(inc), builds);
    /* Same selector, other spec (probe NDISTINCT): shared. */
    call.pod = &c->pods[probes[NDISTINCT]];
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_ipa_signature_builds(inc), builds);
    /* More distinct selectors than the cache holds, then churn, then
     * compare (evicted signatures are rebuilt). */
    for (int i = 0; i < NDISTINCT; i++) {
        call.pod = &c->pods[probes[i]];
        pl->pre_filter(&call);
    }
    CU_ASSERT_EQUAL(ks_ipa_signature_builds(inc), NDISTINCT);
    call.pod = &c->pods[probes[0]]; /* evicted: rebuilt */
    pl->pre_filter(&call);
    CU_ASSERT_EQUAL(ks_ipa_signature_builds(inc), NDISTINCT + 1);
    for (int i = 0; i < 100; i++) {
        uint32_t p = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
        c->pods[p].spec = c->pods[probes[rnd(NPROBES)]].spec;
        ks_cluster_bind(c, p, rnd(RAND_NODES), 0);
        pl->pod_added(inc, c, p);
    }
    void *fresh = recompute(c);
    int mismatches = 0;
    for (int i = 0; i < NPROBES; i += 7)
        mismatches += !same_cycle(c, inc, fresh, probes[i], pl->default_args);
    CU_ASSERT_EQUAL(mismatches, 0);
    pl->destroy(fresh);
    pl->destroy(inc);
    ks_cluster_destroy(c);
}

/* ---- topology index: node label changes, domain sums, lazy score terms -- */

/* Gives node n new random zone, region and rack labels (keeping its
 * hostname); sometimes without a zone or rack, sometimes with a zone value
 * no node had. */
static void random_relabel(ks_cluster *c, uint32_t n)
{
    static const char *const zones[] = {"a", "b", "c", "d"};
    ks_node_info info = {0};
    const char *host = ks_labels_get(&c->node_info[n].labels, "hostname");
    ks_labels_set(&info.labels, "hostname", host ? host : c->nodes[n].name);
    ks_labels_set(&info.labels, "region", rnd(2) ? "east" : "west");
    if (rnd(4))
        ks_labels_set(&info.labels, "zone", zones[rnd(4)]);
    if (rnd(2)) {
        char rack[16];
        snprintf(rack, sizeof rack, "r%u", rnd(6));
        ks_labels_set(&info.labels, "rack", rack);
    }
    ks_cluster_set_node_info(c, n, &info);
}

/* Random binds, removals and node relabels: the per-domain sums are
 * rebuilt when domains move, and every cycle equals a fresh recompute. */
static void test_relabels_equal_recompute(void)
{
    static const ks_ipa_args args = {.hard_pod_affinity_weight = 2};
    for (uint64_t seed = 11; seed <= 13; seed++) {
        rng_state = seed;
        ks_cluster *c = random_cluster();
        uint32_t probes[RAND_SPECS];
        const ks_pod_spec *specs[RAND_SPECS];
        for (int i = 0; i < RAND_SPECS; i++) {
            probes[i] = add_pod(c, random_spec());
            specs[i] = c->pods[probes[i]].spec;
        }
        void *inc = pl->create(&args);
        int mismatches = 0;
        for (int step = 0; step < 400; step++) {
            uint32_t r = rnd(10);
            if (r == 0) {
                random_relabel(c, rnd(RAND_NODES));
            } else if (r <= 3 && c->running) {
                uint32_t n = rnd(RAND_NODES);
                while (c->node_pods[n].n == 0)
                    n = (n + 1) % RAND_NODES;
                uint32_t p = c->node_pods[n].pods[0];
                ks_cluster_complete(c, p, 0);
                pl->pod_removed(inc, c, p);
            } else {
                uint32_t p = add_pod(c, NULL);
                c->pods[p].spec = specs[rnd(RAND_SPECS)];
                ks_cluster_bind(c, p, rnd(RAND_NODES), 0);
                pl->pod_added(inc, c, p);
            }
            if (step % 25 == 0) {
                void *fresh = recompute(c);
                for (int i = 0; i < RAND_SPECS; i += 3)
                    mismatches += !same_cycle(c, inc, fresh, probes[i], &args);
                pl->destroy(fresh);
            }
        }
        CU_ASSERT_EQUAL(mismatches, 0);
        pl->destroy(inc);
        ks_cluster_destroy(c);
    }
}

typedef struct recorded_pair {
    char key[32], value[32];
    int64_t count;
} recorded_pair;

typedef struct recording {
    recorded_pair pairs[512];
    size_t n;
} recording;

static void record_pair(void *ctx, const char *key, const char *value,
                        int64_t count)
{
    recording *r = ctx;
    if (r->n == 512)
        return;
    recorded_pair *p = &r->pairs[r->n++];
    snprintf(p->key, sizeof p->key, "%s", key);
    snprintf(p->value, sizeof p->value, "%s", value);
    p->count = count;
}

/* Upstream's Score for node n with the recorded map: the node's labels now
 * looked up in the map PreScore built. */
static int64_t score_from(const recording *r, const ks_cluster *c, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < r->n; i++) {
        const char *v = ks_labels_get(&c->node_info[n].labels, r->pairs[i].key);
        if (v && strcmp(v, r->pairs[i].value) == 0)
            s += r->pairs[i].count;
    }
    return s;
}

/* PreScore's map stays what PreScore saw while pods come and go, nodes
 * change labels or are added, another pod's PreFilter rebuilds domain sums
 * and namespace labels drop signatures (the lazy score terms are frozen or
 * folded first): Score and the map agree with a recording taken right
 * after PreScore.  (Pods are created up front: the instance knows the
 * pod being scored by address.) */
static void test_score_state_kept_across_events(void)
{
    static const ks_ipa_args args = {.hard_pod_affinity_weight = 1};
    enum { POOL = 1500 };
    int mismatches = 0, checked = 0;
    for (uint64_t seed = 21; seed <= 26; seed++) {
        rng_state = seed;
        ks_cluster *c = random_cluster();
        const ks_pod_spec *specs[RAND_SPECS];
        for (int i = 0; i < RAND_SPECS; i++)
            specs[i] = ks_cluster_adopt_spec(c, random_spec());
        uint32_t first = (uint32_t)c->npods, next = first;
        for (int i = 0; i < POOL; i++) {
            uint32_t p = add_pod(c, NULL);
            c->pods[p].spec = specs[rnd(RAND_SPECS)];
        }
        void *inc = pl->create(&args);
        for (int i = 0; i < 300; i++, next++) {
            ks_cluster_bind(c, next, rnd(RAND_NODES), 0);
            pl->pod_added(inc, c, next);
        }
        for (int round = 0; round < 20 && next + 40 < first + POOL; round++) {
            ks_plugin_call call = {.args = &args, .instance = inc,
                                   .cluster = c, .pod = &c->pods[next++],
                                   .k8s_minor = 36};
            uint32_t idx[RAND_NODES];
            for (uint32_t n = 0; n < RAND_NODES; n++)
                idx[n] = n;
            if (pl->pre_score(&call, idx, RAND_NODES).code !=
                KS_STATUS_SUCCESS)
                continue;
            recording *rec = ks_xcalloc(1, sizeof *rec);
            ks_ipa_map_foreach(inc, KS_IPA_MAP_SCORE, record_pair, rec);
            size_t size = ks_ipa_map_size(inc, KS_IPA_MAP_SCORE);
            for (int e = 0; e < 30; e++) {
                uint32_t r = rnd(20);
                if (r == 0) {
                    random_relabel(c, rnd((uint32_t)c->nnodes));
                } else if (r == 1 && c->nnodes < 64) {
                    char name[16];
                    snprintf(name, sizeof name, "x%zu", c->nnodes);
                    const char *labels[] = {"hostname", name, "zone", "a"};
                    add_node(c, name, labels, 4);
                } else if (r == 2) {
                    /* another pod's cycle syncs and rebuilds sums */
                    ks_plugin_call oc = call;
                    oc.pod = &c->pods[next++];
                    pl->pre_filter(&oc);
                } else if (r == 3 && rnd(3) == 0) {
                    ks_labels l = {0};
                    ks_labels_set(&l, "team", "x");
                    ks_ipa_set_namespace_labels(inc, "dev", &l);
                    ks_labels_free(&l);
                } else if (r < 10 && c->running) {
                    uint32_t n = rnd(RAND_NODES);
                    while (c->node_pods[n].n == 0)
                        n = (n + 1) % RAND_NODES;
                    uint32_t p = c->node_pods[n].pods[0];
                    ks_cluster_complete(c, p, 0);
                    pl->pod_removed(inc, c, p);
                } else {
                    ks_cluster_bind(c, next, rnd((uint32_t)c->nnodes), 0);
                    pl->pod_added(inc, c, next++);
                }
            }
            checked++;
            int ok = ks_ipa_map_size(inc, KS_IPA_MAP_SCORE) == size;
            for (size_t i = 0; i < rec->n; i++) {
                int present = 0;
                ok &= ks_ipa_map_get(inc, KS_IPA_MAP_SCORE, rec->pairs[i].key,
                                     rec->pairs[i].value,
                                     &present) == rec->pairs[i].count &&
                      present;
            }
            for (size_t n = 0; n < c->nnodes; n++)
                ok &= pl->score(&call, &c->nodes[n]) == score_from(rec, c, n);
            mismatches += !ok;
            free(rec);
        }
        pl->destroy(inc);
        ks_cluster_destroy(c);
    }
    CU_ASSERT(checked > 20);
    CU_ASSERT_EQUAL(mismatches, 0);
}

/* The sums a lazy score term reads are rebuilt by another pod's PreFilter
 * (a node moved to another zone in between): the term is folded first, so
 * Score still gives what PreScore saw, read with the node's zone now. */
static void test_score_term_folded_before_rebuild(void)
{
    ks_cluster *c = ks_cluster_create();
    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        const char *labels[] = {"zone", i < 3 ? "z1" : "z2", "hostname",
                                name};
        add_node(c, name, labels, 4);
    }
    /* Existing pods: anti-affinity to "app=q" pods and a preference for
     * "app=p" pods, both per zone: one counter, one key, two uses. */
    ks_pod_spec *s = spec("", LBL("app", "s"));
    expr(term(&s->pod_anti_affinity, 0, "zone"), "app", KS_OP_IN, "q", NULL);
    expr(term(&s->pod_affinity, 7, "zone"), "app", KS_OP_IN, "p", NULL);
    const ks_pod_spec *existing = ks_cluster_adopt_spec(c, s);
    uint32_t incoming = add_pod(c, spec("", LBL("app", "p")));
    uint32_t other = add_pod(c, spec("", LBL("app", "q")));
    void *inst = pl->create(pl->default_args);
    for (int i = 0; i < 9; i++) {
        uint32_t p = add_pod(c, NULL);
        c->pods[p].spec = existing;
        ks_cluster_bind(c, p, (uint32_t)(i % 4), 0); /* z1: 7 pods, z2: 2 */
        pl->pod_added(inst, c, p);
    }
    ks_plugin_call call = {.args = pl->default_args, .instance = inst,
                           .cluster = c, .pod = &c->pods[incoming],
                           .k8s_minor = 36};
    uint32_t idx[6] = {0, 1, 2, 3, 4, 5};
    CU_ASSERT_EQUAL(pl->pre_score(&call, idx, 6).code, KS_STATUS_SUCCESS);
    CU_ASSERT_EQUAL(ks_ipa_map_get(inst, KS_IPA_MAP_SCORE, "zone", "z1", NULL),
                    49);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[4]), 14);
    /* n0 (3 pods) moves to z2; q's PreFilter rebuilds the zone sums */
    const char *moved[] = {"zone", "z2", "hostname", "n0"};
    ks_node_info info = {0};
    for (int i = 0; i < 4; i += 2)
        ks_labels_set(&info.labels, moved[i], moved[i + 1]);
    ks_cluster_set_node_info(c, 0, &info);
    ks_plugin_call oc = call;
    oc.pod = &c->pods[other];
    pl->pre_filter(&oc);
    CU_ASSERT_EQUAL(ks_ipa_map_get(inst, KS_IPA_MAP_EXISTING_ANTI, "zone",
                                   "z2", NULL),
                    5);
    /* PreScore's map: z1 49, z2 14, whatever moved since */
    CU_ASSERT_EQUAL(ks_ipa_map_get(inst, KS_IPA_MAP_SCORE, "zone", "z1", NULL),
                    49);
    CU_ASSERT_EQUAL(ks_ipa_map_get(inst, KS_IPA_MAP_SCORE, "zone", "z2", NULL),
                    14);
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[0]), 14); /* n0 now in z2 */
    CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[1]), 49);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

/* ---- suite --------------------------------------------------------------- */

void ks_suite_interpodaffinity(void)
{
    static const ks_test_case cases[] = {
        {"single: no rules (Skip)", test_single_no_rules},
        {"single: In matches", test_single_in},
        {"single: NotIn matches", test_single_not_in},
        {"single: other namespace", test_single_diff_namespace},
        {"single: selector mismatch", test_single_unmatching_selector},
        {"single: several operators", test_single_operators},
        {"single: expressions ANDed", test_single_anded},
        {"single: affinity and anti-affinity", test_single_aff_and_anti},
        {"single: with symmetry", test_single_aff_anti_symmetry},
        {"single: anti-affinity fails", test_single_anti_fails},
        {"single: symmetry fails", test_single_symmetry_fails},
        {"single: own label", test_single_own_label},
        {"single: existing anti respected",
         test_single_existing_anti_respected},
        {"single: existing anti satisfied (Skip)",
         test_single_existing_anti_satisfied},
        {"single: incoming anti symmetry",
         test_single_anti_symmetry_incoming},
        {"single: symmetry a1", test_single_symmetry_a1},
        {"single: symmetry a2", test_single_symmetry_a2},
        {"single: symmetry b1", test_single_symmetry_b1},
        {"single: symmetry b2", test_single_symmetry_b2},
        {"single: invalid label value", test_single_invalid_affinity},
        {"single: invalid second term", test_single_invalid_second_term},
        {"single: namespaceSelector", test_single_ns_selector},
        {"single: namespaceSelector no match",
         test_single_ns_selector_no_match},
        {"single: anti namespaceSelector", test_single_anti_ns_selector},
        {"single: anti all namespaces", test_single_anti_ns_selector_all},
        {"single: anti namespaceSelector no match",
         test_single_anti_ns_selector_no_match},
        {"multi: same topology", test_multi_same_topology},
        {"multi: first pod", test_multi_first_pod},
        {"multi: first pod needs keys", test_multi_first_pod_needs_keys},
        {"multi: anti same region", test_multi_anti_same_region},
        {"multi: anti any term", test_multi_anti_any_term},
        {"multi: anti nodeC", test_multi_anti_node_c},
        {"multi: anti other namespace", test_multi_anti_other_namespace},
        {"multi: existing invalid key (Skip)",
         test_multi_existing_invalid_key},
        {"multi: incoming invalid key", test_multi_incoming_invalid_key},
        {"multi: existing violates all", test_multi_existing_violates_all},
        {"multi: incoming violates one", test_multi_incoming_violates_one},
        {"multi: existing one invalid key",
         test_multi_existing_one_invalid_key},
        {"multi: incoming one invalid key",
         test_multi_incoming_one_invalid_key},
        {"multi: existing valid keys", test_multi_existing_valid_keys},
        {"multi: incoming valid keys", test_multi_incoming_valid_keys},
        {"multi: existing nodeC", test_multi_existing_node_c},
        {"multi: affinity all terms", test_multi_affinity_all_terms},
        {"multi: affinity same pod", test_multi_affinity_same_pod},
        {"Filter without PreFilter (Error)", test_pre_filter_disabled},
        {"add/remove: anti", test_add_remove_anti},
        {"add/remove: anti complex", test_add_remove_anti_complex},
        {"add/remove: affinity", test_add_remove_affinity},
        {"tpmap: nil", test_tpmap_nil},
        {"tpmap: no-op", test_tpmap_no_op},
        {"tpmap: no violation", test_tpmap_no_violation},
        {"tpmap: single term", test_tpmap_single_term},
        {"tpmap: multiple terms", test_tpmap_multiple_terms},
        {"tpmap: anti only", test_tpmap_anti_only},
        {"tpmap: partial 1", test_tpmap_partial_1},
        {"tpmap: partial 2", test_tpmap_partial_2},
        {"score: nil affinity (Skip)", test_pref_nil_affinity},
        {"score: matches topology", test_pref_matches_topology},
        {"score: same topology", test_pref_same_topology},
        {"score: more matches", test_pref_more_matches},
        {"score: operators", test_pref_operators},
        {"score: symmetry", test_pref_symmetry},
        {"score: symmetry namespaceSelector",
         test_pref_symmetry_ns_selector},
        {"score: anti symmetry namespaceSelector",
         test_pref_anti_symmetry_ns_selector},
        {"score: symmetry required", test_pref_symmetry_required},
        {"score: anti no match", test_pref_anti_no_match},
        {"score: anti no topology", test_pref_anti_no_topology},
        {"score: anti more matches", test_pref_anti_more_matches},
        {"score: anti symmetry", test_pref_anti_symmetry},
        {"score: affinity and anti", test_pref_aff_and_anti},
        {"score: same labels", test_pref_same_labels},
        {"score: all together", test_pref_all_together},
        {"score: partial nodes", test_pref_partial_nodes},
        {"score: invalid affinity (Error)", test_pref_invalid_affinity},
        {"score: invalid anti-affinity (Error)",
         test_pref_invalid_anti_affinity},
        {"score: namespaceSelector", test_pref_ns_selector},
        {"score: namespaceSelector and names",
         test_pref_ns_selector_and_names},
        {"score: anti namespaceSelector", test_pref_anti_ns_selector},
        {"score: anti namespaceSelector and names",
         test_pref_anti_ns_selector_and_names},
        {"score: ignore existing (Skip)", test_pref_ignore_existing},
        {"score: do not ignore existing", test_pref_do_not_ignore_existing},
        {"score: no nodes (Skip)", test_pref_no_nodes},
        {"hard weight: default", test_hard_default_weight},
        {"hard weight: zero (Skip)", test_hard_zero_weight},
        {"hard weight: no matching namespace",
         test_hard_no_matching_namespace},
        {"hard weight: matching namespaceSelector",
         test_hard_matching_ns_selector},
        {"hard weight: matching namespaces", test_hard_matching_namespaces},
        {"args: valid", test_args_valid},
        {"args: below min", test_args_below_min},
        {"args: above max", test_args_above_max},
        {"matchLabelKeys and mismatchLabelKeys", test_match_label_keys},
        {"default namespace label", test_default_namespace_label},
        {"NormalizeScore truncates", test_normalize_truncates},
        {"incremental equals recompute", test_incremental_equals_recompute},
        {"relabels equal recompute", test_relabels_equal_recompute},
        {"score state kept across events",
         test_score_state_kept_across_events},
        {"score term folded before a rebuild",
         test_score_term_folded_before_rebuild},
        {"signatures built once, evicted exactly",
         test_signatures_built_once_and_evicted},
        {NULL, NULL}};
    ks_test_add_suite("policies/interpodaffinity", cases);
}
