/* test_nodeaffinity.c - NodeAffinity against the upstream test tables.
 *
 * Each case ports one case of
 * pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go
 * (commit 022462ccaeb5; plugin read at 00d375050338): TestNodeAffinity
 * (PreFilter, PreFilterResult and Filter on one node) and
 * TestNodeAffinityPriority (PreScore, Score and NormalizeScore over a few
 * nodes).  The st/v1 builders become the static helpers below.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/nodeaffinity.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_nodeaffinity(void);

/* ---- builders -------------------------------------------------------- */

static ks_pod_spec *new_spec(void)
{
    return ks_xcalloc(1, sizeof(ks_pod_spec));
}

/* Appends a requirement; the values are a NULL-terminated list. */
static void add_requirement(ks_requirement **arr, size_t *n, const char *key,
                            ks_selector_op op, va_list ap)
{
    *arr = ks_xrealloc(*arr, (*n + 1) * sizeof **arr);
    ks_requirement *r = &(*arr)[(*n)++];
    *r = (ks_requirement){0};
    r->key = ks_xstrdup(key);
    r->op = op;
    for (const char *v; (v = va_arg(ap, const char *)) != NULL;) {
        r->values = ks_xrealloc(r->values, (r->nvalues + 1) * sizeof(char *));
        r->values[r->nvalues++] = ks_xstrdup(v);
    }
}

/* matchExpressions entry: expr(t, "foo", KS_OP_IN, "bar", "value2", NULL) */
static void expr(ks_node_selector_term *t, const char *key, ks_selector_op op,
                 ...)
{
    va_list ap;
    va_start(ap, op);
    add_requirement(&t->match_expressions, &t->nexpressions, key, op, ap);
    va_end(ap);
}

/* matchFields entry on metav1.ObjectNameField. */
static void name_field(ks_node_selector_term *t, ks_selector_op op, ...)
{
    va_list ap;
    va_start(ap, op);
    add_requirement(&t->match_fields, &t->nfields, "metadata.name", op, ap);
    va_end(ap);
}

/* A new empty required term (fill it before adding the next one: the
 * array may move). */
static ks_node_selector_term *required_term(ks_node_affinity *a)
{
    a->has_required = 1;
    ks_node_selector *s = &a->required;
    s->terms = ks_xrealloc(s->terms, (s->nterms + 1) * sizeof *s->terms);
    ks_node_selector_term *t = &s->terms[s->nterms++];
    *t = (ks_node_selector_term){0};
    return t;
}

static ks_node_selector_term *preferred_term(ks_node_affinity *a,
                                             int32_t weight)
{
    a->preferred =
        ks_xrealloc(a->preferred, (a->npreferred + 1) * sizeof *a->preferred);
    ks_preferred_term *p = &a->preferred[a->npreferred++];
    *p = (ks_preferred_term){0};
    p->weight = weight;
    return &p->term;
}

/* key, value pairs, NULL-terminated. */
static void set_labels(ks_labels *l, const char *const *kv)
{
    for (; kv && kv[0]; kv += 2)
        ks_labels_set(l, kv[0], kv[1]);
}

static const int64_t node_alloc[KS_RES_COUNT] = {
    [KS_RES_CPU] = 4000000, [KS_RES_MEMORY] = 1LL << 34, [KS_RES_PODS] = 110};

static uint32_t add_node(ks_cluster *c, const char *name,
                         const char *const *labels)
{
    uint32_t n = ks_cluster_add_node(c, name, node_alloc, 0);
    ks_node_info info = {0};
    set_labels(&info.labels, labels);
    ks_cluster_set_node_info(c, n, &info);
    return n;
}

/* A pending pod with spec (adopted by the cluster; NULL = empty pod). */
static const ks_pod *add_pod(ks_cluster *c, ks_pod_spec *spec)
{
    static const int64_t none[KS_RES_COUNT] = {0};
    uint32_t p = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
    if (spec)
        c->pods[p].spec = ks_cluster_adopt_spec(c, spec);
    return &c->pods[p];
}

static ks_plugin_call make_call(const ks_cluster *c, const ks_pod *pod,
                                const ks_nodeaffinity_args *args, void *inst)
{
    ks_plugin_call call = {.args = args, .instance = inst, .cluster = c,
                           .pod = pod, .k8s_minor = 36};
    return call;
}

/* ---- TestNodeAffinity runner --------------------------------------------- */

typedef struct filter_case {
    ks_pod_spec *spec;       /* NULL = &v1.Pod{} */
    const char *node_name;   /* "" when upstream leaves it unset */
    const char *labels[9];   /* key, value pairs */
    const ks_nodeaffinity_args *args; /* NULL = default (none added) */
    int run_pre_filter;
    ks_status_code want_pre; /* wantPreFilterStatus (nil = SUCCESS) */
    const char *want_pre_msg;
    int want_result;         /* wantPreFilterResult: 0 nil, 1 NodeNames */
    const char *want_names[4];
    ks_status_code want;     /* wantStatus of Filter (nil = SUCCESS) */
    const char *want_msg;
} filter_case;

static const char msg_pod[] =
    "node(s) didn't match Pod's node affinity/selector";
static const char msg_enforced[] =
    "node(s) didn't match scheduler-enforced node affinity";
static const char msg_conflict[] = "pod affinity terms conflict";

static void check_status(ks_status got, ks_status_code code, const char *msg)
{
    CU_ASSERT_EQUAL(got.code, code);
    if (msg) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(got.message);
        CU_ASSERT_STRING_EQUAL(got.message, msg);
    }
}

/* As the upstream loop: PreFilter when asked (status and result), then
 * Filter on the one node whatever PreFilter said. */
static void run_filter_case(const filter_case *tc)
{
    const ks_plugin *pl = &ks_plugin_nodeaffinity;
    ks_cluster *c = ks_cluster_create();
    uint32_t n = add_node(c, tc->node_name, tc->labels);
    const ks_pod *pod = add_pod(c, tc->spec);
    const ks_nodeaffinity_args *args =
        tc->args ? tc->args : pl->default_args;
    void *inst = pl->create(args);
    ks_plugin_call call = make_call(c, pod, args, inst);
    if (tc->run_pre_filter) {
        check_status(pl->pre_filter(&call), tc->want_pre, tc->want_pre_msg);
        CU_ASSERT_EQUAL(ks_nodeaffinity_name_result(pod->spec) == 1,
                        tc->want_result);
        for (const char *const *nm = tc->want_names; *nm; nm++)
            CU_ASSERT_TRUE(ks_nodeaffinity_name_allowed(pod->spec, *nm));
        if (tc->want_result)
            CU_ASSERT_FALSE(
                ks_nodeaffinity_name_allowed(pod->spec, "node-not-listed"));
    }
    check_status(pl->filter(&call, &c->nodes[n]), tc->want, tc->want_msg);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

/* ---- TestNodeAffinity cases --------------------------------------------- */

static ks_pod_spec *spec_node_selector(const char *const *kv)
{
    ks_pod_spec *s = new_spec();
    set_labels(&s->node_selector, kv);
    return s;
}

/* node_affinity_test.go TestNodeAffinity "missing labels" */
static void test_missing_labels(void)
{
    run_filter_case(&(filter_case){
        .spec = spec_node_selector((const char *[]){"foo", "bar", NULL}),
        .node_name = "", .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "same labels" */
static void test_same_labels(void)
{
    run_filter_case(&(filter_case){
        .spec = spec_node_selector((const char *[]){"foo", "bar", NULL}),
        .node_name = "", .labels = {"foo", "bar"}, .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "node labels are superset" */
static void test_labels_superset(void)
{
    run_filter_case(&(filter_case){
        .spec = spec_node_selector((const char *[]){"foo", "bar", NULL}),
        .node_name = "", .labels = {"foo", "bar", "baz", "blah"},
        .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "node labels are subset" */
static void test_labels_subset(void)
{
    run_filter_case(&(filter_case){
        .spec = spec_node_selector(
            (const char *[]){"foo", "bar", "baz", "blah", NULL}),
        .node_name = "", .labels = {"foo", "bar"}, .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with matchExpressions using
 * In operator that matches the existing node" */
static void test_in_matches(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "foo", KS_OP_IN, "bar", "value2",
         NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with matchExpressions using
 * Gt operator that matches the existing node" */
static void test_gt_matches(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "kernel-version", KS_OP_GT, "0204",
         NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"kernel-version", "0206"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with matchExpressions using
 * NotIn operator that matches the existing node" */
static void test_not_in_matches(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "mem-type", KS_OP_NOT_IN, "DDR",
         "DDR2", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"mem-type", "DDR3"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with matchExpressions using
 * Exists operator that matches the existing node" */
static void test_exists_matches(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "GPU", KS_OP_EXISTS, NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"GPU", "NVIDIA-GRID-K1"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with affinity that don't
 * match node's labels won't schedule onto the node" */
static void test_affinity_no_match(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "foo", KS_OP_IN, "value1",
         "value2", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "", .labels = {"foo", "bar"},
        .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with empty MatchExpressions
 * is not a valid value will match no objects and won't schedule onto the
 * node" */
static void test_empty_match_expressions(void)
{
    ks_pod_spec *s = new_spec();
    (void)required_term(&s->node_affinity);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "", .labels = {"foo", "bar"},
        .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with no Affinity will
 * schedule onto a node" */
static void test_no_affinity(void)
{
    run_filter_case(&(filter_case){.spec = NULL, .node_name = "",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1,
                                   .want_pre = KS_STATUS_SKIP});
}

/* node_affinity_test.go TestNodeAffinity "Pod with Affinity but nil
 * NodeSelector will schedule onto a node" (an affinity with only
 * preferred terms: no required selector) */
static void test_affinity_nil_selector(void)
{
    ks_pod_spec *s = new_spec(); /* NodeAffinity{Required: nil} */
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1,
                                   .want_pre = KS_STATUS_SKIP});
}

/* node_affinity_test.go TestNodeAffinity "Pod with multiple
 * matchExpressions ANDed that matches the existing node" */
static void test_anded_match(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    expr(t, "GPU", KS_OP_EXISTS, NULL);
    expr(t, "GPU", KS_OP_NOT_IN, "AMD", "INTER", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"GPU", "NVIDIA-GRID-K1"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with multiple
 * matchExpressions ANDed that doesn't match the existing node" */
static void test_anded_no_match(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    expr(t, "GPU", KS_OP_EXISTS, NULL);
    expr(t, "GPU", KS_OP_IN, "AMD", "INTER", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "", .labels = {"GPU", "NVIDIA-GRID-K1"},
        .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with multiple
 * NodeSelectorTerms ORed in affinity, matches the node's labels and will
 * schedule onto the node" */
static void test_terms_ored(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "foo", KS_OP_IN, "bar", "value2",
         NULL);
    expr(required_term(&s->node_affinity), "diffkey", KS_OP_IN, "wrong",
         "value2", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with an Affinity and a
 * PodSpec.NodeSelector(the old thing that we are deprecating) both are
 * satisfied, will schedule onto the node" */
static void test_affinity_and_selector(void)
{
    ks_pod_spec *s = spec_node_selector((const char *[]){"foo", "bar", NULL});
    expr(required_term(&s->node_affinity), "foo", KS_OP_EXISTS, NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with an Affinity matches
 * node's labels but the PodSpec.NodeSelector(the old thing that we are
 * deprecating) is not satisfied, won't schedule onto the node" */
static void test_affinity_but_not_selector(void)
{
    ks_pod_spec *s = spec_node_selector((const char *[]){"foo", "bar", NULL});
    expr(required_term(&s->node_affinity), "foo", KS_OP_EXISTS, NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "", .labels = {"foo", "barrrrrr"},
        .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with an invalid value in
 * Affinity term won't be scheduled onto the node" */
static void test_invalid_value(void)
{
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "foo", KS_OP_NOT_IN,
         "invalid value: ___@#$%^", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "", .labels = {"foo", "bar"},
        .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with matchFields using In
 * operator that matches the existing node" */
static void test_fields_in_matches(void)
{
    ks_pod_spec *s = new_spec();
    name_field(required_term(&s->node_affinity), KS_OP_IN, "node1", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "node1",
                                   .run_pre_filter = 1, .want_result = 1,
                                   .want_names = {"node1"}});
}

/* node_affinity_test.go TestNodeAffinity "Pod with matchFields using In
 * operator that does not match the existing node" */
static void test_fields_in_no_match(void)
{
    ks_pod_spec *s = new_spec();
    name_field(required_term(&s->node_affinity), KS_OP_IN, "node1", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "node2", .run_pre_filter = 1,
        .want_result = 1, .want_names = {"node1"},
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with two terms: matchFields
 * does not match, but matchExpressions matches" */
static void test_two_terms_expressions_match(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    name_field(t, KS_OP_IN, "node1", NULL);
    name_field(t, KS_OP_IN, "node2", NULL);
    expr(required_term(&s->node_affinity), "foo", KS_OP_IN, "bar", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "node2",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1});
}

/* node_affinity_test.go TestNodeAffinity "Pod with one term: matchFields
 * does not match, but matchExpressions matches" */
static void test_one_term_fields_no_match(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    name_field(t, KS_OP_IN, "node1", NULL);
    expr(t, "foo", KS_OP_IN, "bar", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "node2", .labels = {"foo", "bar"},
        .run_pre_filter = 1, .want_result = 1, .want_names = {"node1"},
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with one term: both
 * matchFields and matchExpressions match" */
static void test_one_term_both_match(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    name_field(t, KS_OP_IN, "node1", NULL);
    expr(t, "foo", KS_OP_IN, "bar", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "node1",
                                   .labels = {"foo", "bar"},
                                   .run_pre_filter = 1, .want_result = 1,
                                   .want_names = {"node1"}});
}

/* node_affinity_test.go TestNodeAffinity "Pod with two terms: both
 * matchFields and matchExpressions do not match" */
static void test_two_terms_no_match(void)
{
    ks_pod_spec *s = new_spec();
    name_field(required_term(&s->node_affinity), KS_OP_IN, "node1", NULL);
    expr(required_term(&s->node_affinity), "foo", KS_OP_IN,
         "not-match-to-bar", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "node2", .labels = {"foo", "bar"},
        .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* node_affinity_test.go TestNodeAffinity "Pod with two terms of node.Name
 * affinity" */
static void test_two_name_terms(void)
{
    ks_pod_spec *s = new_spec();
    name_field(required_term(&s->node_affinity), KS_OP_IN, "node1", NULL);
    name_field(required_term(&s->node_affinity), KS_OP_IN, "node2", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "node2",
                                   .run_pre_filter = 1, .want_result = 1,
                                   .want_names = {"node1", "node2"}});
}

/* node_affinity_test.go TestNodeAffinity "Pod with two conflicting mach
 * field requirements" */
static void test_conflicting_fields(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    name_field(t, KS_OP_IN, "node1", NULL);
    name_field(t, KS_OP_IN, "node2", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "node2", .labels = {"foo", "bar"},
        .run_pre_filter = 1,
        .want_pre = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
        .want_pre_msg = msg_conflict,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
}

/* AddedAffinity.Required: matchFields metadata.name In node2. */
static void added_required_node2(ks_nodeaffinity_args *a)
{
    name_field(required_term(&a->added_affinity), KS_OP_IN, "node2", NULL);
}

/* node_affinity_test.go TestNodeAffinity "Matches added affinity and Pod's
 * node affinity" */
static void test_added_and_pod_match(void)
{
    ks_nodeaffinity_args a = {0};
    added_required_node2(&a);
    CU_ASSERT_EQUAL(ks_nodeaffinity_args_validate(&a, NULL), 0);
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "zone", KS_OP_IN, "foo", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "node2",
                                   .labels = {"zone", "foo"}, .args = &a,
                                   .run_pre_filter = 1});
    ks_nodeaffinity_args_free(&a);
}

/* node_affinity_test.go TestNodeAffinity "Matches added affinity but not
 * Pod's node affinity" */
static void test_added_match_pod_not(void)
{
    ks_nodeaffinity_args a = {0};
    added_required_node2(&a);
    ks_pod_spec *s = new_spec();
    expr(required_term(&s->node_affinity), "zone", KS_OP_IN, "bar", NULL);
    run_filter_case(&(filter_case){
        .spec = s, .node_name = "node2", .labels = {"zone", "foo"},
        .args = &a, .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE, .want_msg = msg_pod});
    ks_nodeaffinity_args_free(&a);
}

/* node_affinity_test.go TestNodeAffinity "Doesn't match added affinity" */
static void test_added_no_match(void)
{
    ks_nodeaffinity_args *a = ks_nodeaffinity_args_create();
    expr(required_term(&a->added_affinity), "zone", KS_OP_IN, "bar", NULL);
    run_filter_case(&(filter_case){
        .spec = NULL, .node_name = "node2", .labels = {"zone", "foo"},
        .args = a, .run_pre_filter = 1,
        .want = KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
        .want_msg = msg_enforced});
    ks_nodeaffinity_args_destroy(a);
}

/* node_affinity_test.go TestNodeAffinity "Matches node selector correctly
 * even if PreFilter is not called" */
static void test_selector_without_pre_filter(void)
{
    run_filter_case(&(filter_case){
        .spec = spec_node_selector((const char *[]){"foo", "bar", NULL}),
        .node_name = "", .labels = {"foo", "bar", "baz", "blah"},
        .run_pre_filter = 0});
}

/* node_affinity_test.go TestNodeAffinity "Matches node affinity correctly
 * even if PreFilter is not called" */
static void test_affinity_without_pre_filter(void)
{
    ks_pod_spec *s = new_spec();
    ks_node_selector_term *t = required_term(&s->node_affinity);
    expr(t, "GPU", KS_OP_EXISTS, NULL);
    expr(t, "GPU", KS_OP_NOT_IN, "AMD", "INTER", NULL);
    run_filter_case(&(filter_case){.spec = s, .node_name = "",
                                   .labels = {"GPU", "NVIDIA-GRID-K1"},
                                   .run_pre_filter = 0});
}

/* ---- TestNodeAffinityPriority runner ------------------------------------ */

typedef struct node_def {
    const char *name;
    const char *const *labels;
} node_def;

static const char *const label1[] = {"foo", "bar", NULL};
static const char *const label2[] = {"key", "value", NULL};
static const char *const label3[] = {"az", "az1", NULL};
static const char *const label4[] = {"abc", "az11", "def", "az22", NULL};
static const char *const label5[] = {"foo", "bar", "key", "value", "az", "az1",
                                     NULL};

/* affinity1: preferred weight 2, foo In bar. */
static void affinity1(ks_node_affinity *a)
{
    expr(preferred_term(a, 2), "foo", KS_OP_IN, "bar", NULL);
}

/* affinity2: 2 for foo=bar, 4 for key=value, 5 for all three labels. */
static void affinity2(ks_node_affinity *a)
{
    expr(preferred_term(a, 2), "foo", KS_OP_IN, "bar", NULL);
    expr(preferred_term(a, 4), "key", KS_OP_IN, "value", NULL);
    ks_node_selector_term *t = preferred_term(a, 5);
    expr(t, "foo", KS_OP_IN, "bar", NULL);
    expr(t, "key", KS_OP_IN, "value", NULL);
    expr(t, "az", KS_OP_IN, "az1", NULL);
}

/* As the upstream loop: PreScore when asked, Score on every node, then
 * NormalizeScore; compares the normalized list. */
static void run_score_case(ks_pod_spec *spec, const node_def *nodes, size_t n,
                           const ks_nodeaffinity_args *args, int run_pre_score,
                           ks_status_code want_pre, const int64_t *want)
{
    const ks_plugin *pl = &ks_plugin_nodeaffinity;
    ks_cluster *c = ks_cluster_create();
    uint32_t idx[8];
    for (size_t i = 0; i < n; i++)
        idx[i] = add_node(c, nodes[i].name, nodes[i].labels);
    const ks_pod *pod = add_pod(c, spec);
    if (!args)
        args = pl->default_args;
    void *inst = pl->create(args);
    ks_plugin_call call = make_call(c, pod, args, inst);
    if (run_pre_score)
        CU_ASSERT_EQUAL(pl->pre_score(&call, idx, n).code, want_pre);
    int64_t scores[8];
    for (size_t i = 0; i < n; i++)
        scores[i] = pl->score(&call, &c->nodes[idx[i]]);
    pl->normalize(&call, scores, n);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(scores[i], want[i]);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

/* node_affinity_test.go TestNodeAffinityPriority "all nodes are same
 * priority as NodeAffinity is nil" (v1.36's PreScore returns Skip here) */
static void test_priority_nil_affinity(void)
{
    const node_def nodes[] = {
        {"node1", label1}, {"node2", label2}, {"node3", label3}};
    run_score_case(NULL, nodes, 3, NULL, 1, KS_STATUS_SKIP,
                   (const int64_t[]){0, 0, 0});
}

/* node_affinity_test.go TestNodeAffinityPriority "no node matches
 * preferred scheduling requirements in NodeAffinity of pod so all nodes'
 * priority is zero" */
static void test_priority_no_match(void)
{
    ks_pod_spec *s = new_spec();
    affinity1(&s->node_affinity);
    const node_def nodes[] = {
        {"node1", label4}, {"node2", label2}, {"node3", label3}};
    run_score_case(s, nodes, 3, NULL, 1, KS_STATUS_SUCCESS,
                   (const int64_t[]){0, 0, 0});
}

/* node_affinity_test.go TestNodeAffinityPriority "only node1 matches the
 * preferred scheduling requirements of pod" */
static void test_priority_only_node1(void)
{
    ks_pod_spec *s = new_spec();
    affinity1(&s->node_affinity);
    const node_def nodes[] = {
        {"node1", label1}, {"node2", label2}, {"node3", label3}};
    run_score_case(s, nodes, 3, NULL, 1, KS_STATUS_SUCCESS,
                   (const int64_t[]){KS_MAX_NODE_SCORE, 0, 0});
}

/* node_affinity_test.go TestNodeAffinityPriority "all nodes matches the
 * preferred scheduling requirements of pod but with different priorities "
 * (raw 2, 11, 4) */
static void test_priority_different(void)
{
    ks_pod_spec *s = new_spec();
    affinity2(&s->node_affinity);
    const node_def nodes[] = {
        {"node1", label1}, {"node5", label5}, {"node2", label2}};
    run_score_case(s, nodes, 3, NULL, 1, KS_STATUS_SUCCESS,
                   (const int64_t[]){18, KS_MAX_NODE_SCORE, 36});
}

/* node_affinity_test.go TestNodeAffinityPriority "added affinity" */
static void test_priority_added(void)
{
    ks_nodeaffinity_args a = {0};
    affinity1(&a.added_affinity);
    const node_def nodes[] = {{"node1", label1}, {"node2", label2}};
    run_score_case(NULL, nodes, 2, &a, 1, KS_STATUS_SUCCESS,
                   (const int64_t[]){KS_MAX_NODE_SCORE, 0});
    ks_nodeaffinity_args_free(&a);
}

/* node_affinity_test.go TestNodeAffinityPriority "added affinity and pod
 * has default affinity" (raw 2, 3, 5) */
static void test_priority_added_and_pod(void)
{
    ks_nodeaffinity_args a = {0};
    expr(preferred_term(&a.added_affinity, 3), "key", KS_OP_IN, "value",
         NULL);
    ks_pod_spec *s = new_spec();
    affinity1(&s->node_affinity);
    const node_def nodes[] = {
        {"node1", label1}, {"node2", label2}, {"node3", label5}};
    run_score_case(s, nodes, 3, &a, 1, KS_STATUS_SUCCESS,
                   (const int64_t[]){40, 60, KS_MAX_NODE_SCORE});
    ks_nodeaffinity_args_free(&a);
}

/* node_affinity_test.go TestNodeAffinityPriority "calculate the priorities
 * correctly even if PreScore is not called" */
static void test_priority_without_pre_score(void)
{
    ks_pod_spec *s = new_spec();
    affinity2(&s->node_affinity);
    const node_def nodes[] = {
        {"node1", label1}, {"node5", label5}, {"node2", label2}};
    run_score_case(s, nodes, 3, NULL, 0, KS_STATUS_SUCCESS,
                   (const int64_t[]){18, KS_MAX_NODE_SCORE, 36});
}

/* ---- beyond the upstream tables: parse rules worked from the sources ----- */

/* labels.NewRequirement (selector.go) and nodeSelectorRequirementsAs-
 * FieldSelector (component-helpers nodeaffinity.go): what fails to parse. */
static void test_term_parse_rules(void)
{
    ks_node_affinity a = {0};
    ks_node_selector_term *t;
    t = required_term(&a); /* 0: NotIn without values */
    expr(t, "foo", KS_OP_NOT_IN, NULL);
    t = required_term(&a); /* 1: Exists with a value */
    expr(t, "foo", KS_OP_EXISTS, "x", NULL);
    t = required_term(&a); /* 2: Gt with a non-integer */
    expr(t, "foo", KS_OP_GT, "1.5", NULL);
    t = required_term(&a); /* 3: Gt -1 is not a valid label value */
    expr(t, "foo", KS_OP_GT, "-1", NULL);
    t = required_term(&a); /* 4: matchFields In with two names */
    name_field(t, KS_OP_IN, "node1", "node2", NULL);
    t = required_term(&a); /* 5: matchFields Exists */
    name_field(t, KS_OP_EXISTS, NULL);
    t = required_term(&a); /* 6: bad key (two slashes) */
    expr(t, "a/b/c", KS_OP_EXISTS, NULL);
    t = required_term(&a); /* 7: prefixed key, ok */
    expr(t, "topology.kubernetes.io/zone", KS_OP_IN, "us-east-1a", "", NULL);
    t = required_term(&a); /* 8: uppercase prefix is not a DNS subdomain */
    expr(t, "Example.com/zone", KS_OP_EXISTS, NULL);
    char long_value[65];
    memset(long_value, 'a', 64);
    long_value[64] = '\0';
    t = required_term(&a); /* 9: 64-character value (at most 63) */
    expr(t, "foo", KS_OP_IN, long_value, NULL);
    t = required_term(&a); /* 10: Lt +7 parses as an integer but '+' is not
                              a label value character */
    expr(t, "foo", KS_OP_LT, "+7", NULL);
    t = required_term(&a); /* 11: Lt 7 */
    expr(t, "foo", KS_OP_LT, "7", NULL);
    const int want[] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};
    for (size_t i = 0; i < a.required.nterms; i++)
        CU_ASSERT_EQUAL(ks_nodeaffinity_term_parses(&a.required.terms[i]),
                        want[i]);
    ks_nodeaffinity_args args = {.added_affinity = a};
    CU_ASSERT_EQUAL(ks_nodeaffinity_args_validate(&args, NULL), KS_EINVAL);
    ks_nodeaffinity_args_free(&args);
}

/* A pod preferred term that fails to parse makes PreScore an Error
 * (NewPreferredSchedulingTerms returns the parse error); weight-0 terms
 * are not parsed at all. */
static void test_preferred_parse_error(void)
{
    ks_pod_spec *s = new_spec();
    expr(preferred_term(&s->node_affinity, 0), "foo", KS_OP_NOT_IN, NULL);
    expr(preferred_term(&s->node_affinity, 7), "foo", KS_OP_IN, "bar", NULL);
    const node_def nodes[] = {{"node1", label1}, {"node2", label2}};
    run_score_case(s, nodes, 2, NULL, 1, KS_STATUS_SUCCESS,
                   (const int64_t[]){KS_MAX_NODE_SCORE, 0});
    s = new_spec();
    expr(preferred_term(&s->node_affinity, 3), "foo", KS_OP_NOT_IN, NULL);
    run_score_case(s, nodes, 2, NULL, 1, KS_STATUS_ERROR,
                   (const int64_t[]){0, 0});
}

void ks_suite_nodeaffinity(void)
{
    static const ks_test_case cases[] = {
        {"Filter: missing labels", test_missing_labels},
        {"Filter: same labels", test_same_labels},
        {"Filter: node labels are superset", test_labels_superset},
        {"Filter: node labels are subset", test_labels_subset},
        {"Filter: In matches", test_in_matches},
        {"Filter: Gt matches", test_gt_matches},
        {"Filter: NotIn matches", test_not_in_matches},
        {"Filter: Exists matches", test_exists_matches},
        {"Filter: affinity does not match", test_affinity_no_match},
        {"Filter: empty MatchExpressions", test_empty_match_expressions},
        {"Filter: no affinity (Skip)", test_no_affinity},
        {"Filter: affinity with nil selector (Skip)",
         test_affinity_nil_selector},
        {"Filter: expressions ANDed match", test_anded_match},
        {"Filter: expressions ANDed no match", test_anded_no_match},
        {"Filter: terms ORed", test_terms_ored},
        {"Filter: affinity and nodeSelector", test_affinity_and_selector},
        {"Filter: affinity but not nodeSelector",
         test_affinity_but_not_selector},
        {"Filter: invalid value", test_invalid_value},
        {"Filter: matchFields In matches", test_fields_in_matches},
        {"Filter: matchFields In no match", test_fields_in_no_match},
        {"Filter: two terms, expressions match",
         test_two_terms_expressions_match},
        {"Filter: one term, fields no match", test_one_term_fields_no_match},
        {"Filter: one term, both match", test_one_term_both_match},
        {"Filter: two terms, no match", test_two_terms_no_match},
        {"Filter: two node.Name terms", test_two_name_terms},
        {"Filter: conflicting fields", test_conflicting_fields},
        {"Filter: added and pod affinity match", test_added_and_pod_match},
        {"Filter: added matches, pod does not", test_added_match_pod_not},
        {"Filter: added does not match", test_added_no_match},
        {"Filter: nodeSelector without PreFilter",
         test_selector_without_pre_filter},
        {"Filter: affinity without PreFilter",
         test_affinity_without_pre_filter},
        {"Score: nil affinity", test_priority_nil_affinity},
        {"Score: no node matches", test_priority_no_match},
        {"Score: only node1 matches", test_priority_only_node1},
        {"Score: different priorities", test_priority_different},
        {"Score: added affinity", test_priority_added},
        {"Score: added and pod affinity", test_priority_added_and_pod},
        {"Score: without PreScore", test_priority_without_pre_score},
        {"term parse rules", test_term_parse_rules},
        {"preferred parse error", test_preferred_parse_error},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/nodeaffinity", cases);
}
