/* test_objects.c - the matching rules of sim/objects.c against upstream's
 * own test tables (Kubernetes v1.36 behaviour):
 *   - staging/src/k8s.io/api/core/v1/toleration_test.go
 *     TestTolerationToleratesTaint (commit 19c6083b5c8b; its Gt/Lt rows need
 *     the alpha toleration operators, which ks_toleration_op lacks);
 *   - staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go
 *     TestSelectorMatches, TestSetMatches, TestRequirementSelectorMatching
 *     (commit 01d7e53f7ea4; string selectors translated to requirements:
 *     x=y -> matchLabels, x!=y -> NotIn, x -> Exists, !x -> DoesNotExist,
 *     x>1 / x<1 -> a node selector requirement, the only place ksim
 *     accepts Gt/Lt, as metav1.LabelSelector does not);
 *   - staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/
 *     nodeaffinity_test.go TestNodeSelectorMatch,
 *     TestPreferredSchedulingTermsScore, TestNodeSelectorRequirementsAsSelector,
 *     TestPodMatchesNodeSelectorAndAffinityTerms (commit 04791b490660);
 *   - pkg/scheduler/framework types_test.go TestHostPortInfo_Check and
 *     TestHostPortInfo_AddRemove;
 *   - pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go
 *     TestNormalizedImageName.
 *
 * Tests whose title starts with "KSIM BUG" fail against the current
 * sim/objects.c on purpose: upstream and ksim disagree there (see the
 * comment above each for the upstream rule and the fix).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/objects.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_objects(void);

/* ---- literals and builders --------------------------------------------- */

#define IN KS_OP_IN
#define NOT_IN KS_OP_NOT_IN
#define EXISTS KS_OP_EXISTS
#define NOT_EXISTS KS_OP_DOES_NOT_EXIST
#define GT KS_OP_GT
#define LT KS_OP_LT

typedef struct kv_lit {
    const char *key, *value;
} kv_lit;

/* A requirement; values end at the first NULL. */
typedef struct req_lit {
    const char *key;
    ks_selector_op op;
    const char *values[4];
} req_lit;

typedef struct term_lit {
    const req_lit *exprs;
    size_t nexprs;
    const req_lit *fields;
    size_t nfields;
} term_lit;

#define LIST(type, ...)                                                        \
    (const type[]){__VA_ARGS__},                                               \
        sizeof((const type[]){__VA_ARGS__}) / sizeof(type)
#define KVS(...) LIST(kv_lit, __VA_ARGS__)
#define REQS(...) LIST(req_lit, __VA_ARGS__)
#define TERMS(...) LIST(term_lit, __VA_ARGS__)
#define NONE NULL, 0

static ks_labels make_labels(const kv_lit *kv, size_t n)
{
    ks_labels l = {0};
    for (size_t i = 0; i < n; i++)
        ks_labels_set(&l, kv[i].key, kv[i].value);
    return l;
}

static void make_requirement(ks_requirement *r, const req_lit *lit)
{
    r->key = ks_xstrdup(lit->key);
    r->op = lit->op;
    size_t n = 0;
    while (n < 4 && lit->values[n])
        n++;
    r->values = n ? ks_xcalloc(n, sizeof *r->values) : NULL;
    for (size_t i = 0; i < n; i++)
        r->values[i] = ks_xstrdup(lit->values[i]);
    r->nvalues = n;
}

static ks_requirement *make_requirements(const req_lit *lits, size_t n)
{
    if (!n)
        return NULL;
    ks_requirement *r = ks_xcalloc(n, sizeof *r);
    for (size_t i = 0; i < n; i++)
        make_requirement(&r[i], &lits[i]);
    return r;
}

static ks_node_selector_term make_term(const term_lit *t)
{
    ks_node_selector_term term = {0};
    term.match_expressions = make_requirements(t->exprs, t->nexprs);
    term.nexpressions = t->nexprs;
    term.match_fields = make_requirements(t->fields, t->nfields);
    term.nfields = t->nfields;
    return term;
}

static ks_node_selector make_selector(const term_lit *terms, size_t n)
{
    ks_node_selector s = {0};
    if (n)
        s.terms = ks_xcalloc(n, sizeof *s.terms);
    for (size_t i = 0; i < n; i++)
        s.terms[i] = make_term(&terms[i]);
    s.nterms = n;
    return s;
}

/* A metav1.LabelSelector of matchLabels and matchExpressions. */
static int label_selector_matches(const kv_lit *ml, size_t nml,
                                  const req_lit *ex, size_t nex,
                                  const kv_lit *set, size_t nset)
{
    ks_label_selector sel = {0};
    sel.match_labels = make_labels(ml, nml);
    sel.match_expressions = make_requirements(ex, nex);
    sel.nexpressions = nex;
    ks_labels labels = make_labels(set, nset);
    int m = ks_label_selector_matches(&sel, &labels);
    ks_label_selector_free(&sel);
    ks_labels_free(&labels);
    return m;
}

/* Requirements as one node selector term (labels.Requirement with Gt and
 * Lt), against a node with these labels named "node". */
static int term_requirements_match(const req_lit *ex, size_t nex,
                                   const kv_lit *set, size_t nset)
{
    term_lit t = {ex, nex, NONE};
    ks_node_selector_term term = make_term(&t);
    ks_labels labels = make_labels(set, nset);
    int m = ks_node_selector_term_matches(&term, &labels, "node");
    ks_node_selector_term_free(&term);
    ks_labels_free(&labels);
    return m;
}

/* One CUnit test per upstream case: fn, the upstream name, the runner and
 * its arguments. */
#define CASE(fn, title, runner, ...)                                           \
    static const char fn##_title[] = title;                                    \
    static void fn(void) { runner(__VA_ARGS__); }
#define ENTRY(fn) {fn##_title, fn}

/* ---- tolerations ----------------------------------------------------------- */

#define NS KS_EFFECT_NO_SCHEDULE
#define NE KS_EFFECT_NO_EXECUTE
#define EQ KS_TOLERATION_EQUAL
#define EX KS_TOLERATION_EXISTS

static void run_tolerates(const char *tkey, ks_toleration_op op,
                          const char *tvalue, ks_taint_effect teffect,
                          const char *key, const char *value,
                          ks_taint_effect effect, int want)
{
    ks_toleration tol = {.key = (char *)tkey, .op = op,
                         .value = (char *)tvalue, .effect = teffect};
    ks_taint taint = {.key = (char *)key, .value = (char *)value,
                      .effect = effect};
    CU_ASSERT_EQUAL(ks_toleration_tolerates(&tol, &taint), want);
    CU_ASSERT_EQUAL(ks_tolerations_tolerate(&tol, 1, &taint), want);
}

/* toleration_test.go TestTolerationToleratesTaint rows (toleration key,
 * operator, value, effect; taint key, value, effect; tolerated). */
CASE(tol_exists_no_value,
     "toleration and taint have the same key and effect, and operator is "
     "Exists, and taint has no value, expect tolerated",
     run_tolerates, "foo", EX, NULL, NS, "foo", NULL, NS, 1)
CASE(tol_exists_some_value,
     "toleration and taint have the same key and effect, and operator is "
     "Exists, and taint has some value, expect tolerated",
     run_tolerates, "foo", EX, NULL, NS, "foo", "bar", NS, 1)
CASE(tol_empty_key_exists,
     "toleration and taint have the same effect, toleration has empty key "
     "and operator is Exists, means match all taints, expect tolerated",
     run_tolerates, "", EX, NULL, NS, "foo", "bar", NS, 1)
CASE(tol_equal_same,
     "toleration and taint have the same key, effect and value, and "
     "operator is Equal, expect tolerated",
     run_tolerates, "foo", EQ, "bar", NS, "foo", "bar", NS, 1)
CASE(tol_equal_other_value,
     "toleration and taint have the same key and effect, but different "
     "values, and operator is Equal, expect not tolerated",
     run_tolerates, "foo", EQ, "value1", NS, "foo", "value2", NS, 0)
CASE(tol_equal_other_effect,
     "toleration and taint have the same key and value, but different "
     "effects, and operator is Equal, expect not tolerated",
     run_tolerates, "foo", EQ, "bar", NS, "foo", "bar", NE, 0)

/* ---- label selectors ------------------------------------------------------- */

/* selector_test.go TestSelectorMatches: every expectMatch/expectNoMatch. */
static void test_selector_matches(void)
{
    /* expectMatch(t, "", Set{"x": "y"}) */
    CU_ASSERT(label_selector_matches(NONE, NONE, KVS({"x", "y"})));
    /* expectMatch(t, "x=y", Set{"x": "y"}) */
    CU_ASSERT(label_selector_matches(KVS({"x", "y"}), NONE, KVS({"x", "y"})));
    /* expectMatch(t, "x=y,z=w", Set{"x": "y", "z": "w"}) */
    CU_ASSERT(label_selector_matches(KVS({"x", "y"}, {"z", "w"}), NONE,
                                     KVS({"x", "y"}, {"z", "w"})));
    /* expectMatch(t, "x!=y,z!=w", Set{"x": "z", "z": "a"}) */
    CU_ASSERT(label_selector_matches(
        NONE, REQS({"x", NOT_IN, {"y"}}, {"z", NOT_IN, {"w"}}),
        KVS({"x", "z"}, {"z", "a"})));
    /* expectMatch(t, "notin=in", Set{"notin": "in"}) */
    CU_ASSERT(label_selector_matches(KVS({"notin", "in"}), NONE,
                                     KVS({"notin", "in"})));
    /* expectMatch(t, "x", Set{"x": "z"}) */
    CU_ASSERT(label_selector_matches(NONE, REQS({"x", EXISTS, {NULL}}),
                                     KVS({"x", "z"})));
    /* expectMatch(t, "!x", Set{"y": "z"}) */
    CU_ASSERT(label_selector_matches(NONE, REQS({"x", NOT_EXISTS, {NULL}}),
                                     KVS({"y", "z"})));
    /* expectMatch(t, "x>1", Set{"x": "2"}) */
    CU_ASSERT(term_requirements_match(REQS({"x", GT, {"1"}}), KVS({"x", "2"})));
    /* expectMatch(t, "x<1", Set{"x": "0"}) */
    CU_ASSERT(term_requirements_match(REQS({"x", LT, {"1"}}), KVS({"x", "0"})));
    /* expectNoMatch(t, "x=z", Set{}) */
    CU_ASSERT(!label_selector_matches(KVS({"x", "z"}), NONE, NONE));
    /* expectNoMatch(t, "x=y", Set{"x": "z"}) */
    CU_ASSERT(!label_selector_matches(KVS({"x", "y"}), NONE, KVS({"x", "z"})));
    /* expectNoMatch(t, "x=y,z=w", Set{"x": "w", "z": "w"}) */
    CU_ASSERT(!label_selector_matches(KVS({"x", "y"}, {"z", "w"}), NONE,
                                      KVS({"x", "w"}, {"z", "w"})));
    /* expectNoMatch(t, "x!=y,z!=w", Set{"x": "z", "z": "w"}) */
    CU_ASSERT(!label_selector_matches(
        NONE, REQS({"x", NOT_IN, {"y"}}, {"z", NOT_IN, {"w"}}),
        KVS({"x", "z"}, {"z", "w"})));
    /* expectNoMatch(t, "x", Set{"y": "z"}) */
    CU_ASSERT(!label_selector_matches(NONE, REQS({"x", EXISTS, {NULL}}),
                                      KVS({"y", "z"})));
    /* expectNoMatch(t, "!x", Set{"x": "z"}) */
    CU_ASSERT(!label_selector_matches(NONE, REQS({"x", NOT_EXISTS, {NULL}}),
                                      KVS({"x", "z"})));
    /* expectNoMatch(t, "x>1", Set{"x": "0"}) */
    CU_ASSERT(!term_requirements_match(REQS({"x", GT, {"1"}}),
                                       KVS({"x", "0"})));
    /* expectNoMatch(t, "x<1", Set{"x": "2"}) */
    CU_ASSERT(!term_requirements_match(REQS({"x", LT, {"1"}}),
                                       KVS({"x", "2"})));

    /* labelset := Set{"foo": "bar", "baz": "blah"} */
#define LABELSET KVS({"foo", "bar"}, {"baz", "blah"})
    /* expectMatch(t, "foo=bar", labelset) */
    CU_ASSERT(label_selector_matches(KVS({"foo", "bar"}), NONE, LABELSET));
    /* expectMatch(t, "baz=blah", labelset) */
    CU_ASSERT(label_selector_matches(KVS({"baz", "blah"}), NONE, LABELSET));
    /* expectMatch(t, "foo=bar,baz=blah", labelset) */
    CU_ASSERT(label_selector_matches(KVS({"foo", "bar"}, {"baz", "blah"}),
                                     NONE, LABELSET));
    /* expectNoMatch(t, "foo=blah", labelset) */
    CU_ASSERT(!label_selector_matches(KVS({"foo", "blah"}), NONE, LABELSET));
    /* expectNoMatch(t, "baz=bar", labelset) */
    CU_ASSERT(!label_selector_matches(KVS({"baz", "bar"}), NONE, LABELSET));
    /* expectNoMatch(t, "foo=bar,foobar=bar,baz=blah", labelset) */
    CU_ASSERT(!label_selector_matches(
        KVS({"foo", "bar"}, {"foobar", "bar"}, {"baz", "blah"}), NONE,
        LABELSET));
}

/* selector_test.go TestSetMatches (SelectorFromSet = matchLabels). */
static void test_set_matches(void)
{
    CU_ASSERT(label_selector_matches(NONE, NONE, LABELSET));
    CU_ASSERT(label_selector_matches(KVS({"foo", "bar"}), NONE, LABELSET));
    CU_ASSERT(label_selector_matches(KVS({"baz", "blah"}), NONE, LABELSET));
    CU_ASSERT(label_selector_matches(KVS({"foo", "bar"}, {"baz", "blah"}),
                                     NONE, LABELSET));
}
#undef LABELSET

/* selector_test.go TestRequirementSelectorMatching, every row but the
 * first (a zero Requirement, which ks_requirement cannot express). */
static void test_requirement_selector_matching(void)
{
    /* {x: foo, y: baz}: x in (foo), y notin (alpha) -> true */
    CU_ASSERT(label_selector_matches(
        NONE, REQS({"x", IN, {"foo"}}, {"y", NOT_IN, {"alpha"}}),
        KVS({"x", "foo"}, {"y", "baz"})));
    /* {x: foo, y: baz}: x in (foo), y in (alpha) -> false */
    CU_ASSERT(!label_selector_matches(
        NONE, REQS({"x", IN, {"foo"}}, {"y", IN, {"alpha"}}),
        KVS({"x", "foo"}, {"y", "baz"})));
    /* {y: ""}: x notin (""), y exists -> true */
    CU_ASSERT(label_selector_matches(
        NONE, REQS({"x", NOT_IN, {""}}, {"y", EXISTS, {NULL}}),
        KVS({"y", ""})));
    /* {y: ""}: !x, y exists -> true */
    CU_ASSERT(label_selector_matches(
        NONE, REQS({"x", NOT_EXISTS, {NULL}}, {"y", EXISTS, {NULL}}),
        KVS({"y", ""})));
    /* {y: ""}: x notin (""), !y -> false */
    CU_ASSERT(!label_selector_matches(
        NONE, REQS({"x", NOT_IN, {""}}, {"y", NOT_EXISTS, {NULL}}),
        KVS({"y", ""})));
    /* {y: baz}: x in ("") -> false */
    CU_ASSERT(!label_selector_matches(NONE, REQS({"x", IN, {""}}),
                                      KVS({"y", "baz"})));
    /* {z: 2}: z > 1 -> true */
    CU_ASSERT(term_requirements_match(REQS({"z", GT, {"1"}}), KVS({"z", "2"})));
    /* {z: v2}: z > 1 -> false (not an integer) */
    CU_ASSERT(!term_requirements_match(REQS({"z", GT, {"1"}}),
                                       KVS({"z", "v2"})));
}

/* Gt and Lt have no place in a metav1.LabelSelector
 * (LabelSelectorAsSelector rejects them): they never match there. */
static void test_label_selector_rejects_gt(void)
{
    CU_ASSERT(!label_selector_matches(NONE, REQS({"z", GT, {"1"}}),
                                      KVS({"z", "2"})));
}

/* ---- node selector terms -------------------------------------------------- */

static int selector_matches(const term_lit *terms, size_t nterms,
                            const kv_lit *set, size_t nset,
                            const char *node_name)
{
    ks_node_selector s = make_selector(terms, nterms);
    ks_labels labels = make_labels(set, nset);
    int m = ks_node_selector_matches(&s, &labels, node_name);
    ks_node_selector_free(&s);
    ks_labels_free(&labels);
    return m;
}

static void run_node_selector(const term_lit *terms, size_t nterms,
                              const kv_lit *set, size_t nset,
                              const char *node_name, int want)
{
    CU_ASSERT_EQUAL(selector_matches(terms, nterms, set, nset, node_name),
                    want);
}

/* nodeaffinity_test.go TestNodeSelectorMatch "node matches field selector,
 * but not labels" */
CASE(ns_field_not_labels, "node matches field selector, but not labels",
     run_node_selector,
     TERMS({REQS({"label_1", IN, {"label_1_val"}}),
            REQS({"metadata.name", IN, {"host_1"}})}),
     NONE, "host_1", 0)
/* TestNodeSelectorMatch "node matches field selector and label selector" */
CASE(ns_field_and_labels, "node matches field selector and label selector",
     run_node_selector,
     TERMS({REQS({"label_1", IN, {"label_1_val"}}),
            REQS({"metadata.name", IN, {"host_1"}})}),
     KVS({"label_1", "label_1_val"}), "host_1", 1)
/* TestNodeSelectorMatch "second term matches" */
CASE(ns_second_term, "second term matches", run_node_selector,
     TERMS({REQS({"label_1", IN, {"label_1_val"}}), NONE},
           {NONE, REQS({"metadata.name", IN, {"host_1"}})}),
     NONE, "host_1", 1)

/* KSIM BUG (sim/objects.c).  TestNodeSelectorMatch "invalid field selector
 * and label selector": a matchFields In/NotIn must have exactly one value
 * (nodeSelectorRequirementsAsFieldSelector: "must have one element"), and
 * a term that fails to parse matches nothing (LazyErrorNodeSelector, the
 * form the scheduler uses, skips it).  Upstream rejects this selector
 * outright; under the lazy rule node host_1 without labels matches no
 * term.  ksim accepts In (host_1, host_2) and matches host_1.
 * Fix: in ks_node_selector_term_matches, return 0 for a match_fields
 * requirement with nvalues != 1 (and compare that single value). */
CASE(ns_bug_field_two_values,
     "KSIM BUG (sim/objects.c): invalid field selector and label selector "
     "(matchFields In with two values must match nothing)",
     run_node_selector,
     TERMS({NONE, REQS({"metadata.name", IN, {"host_1", "host_2"}})},
           {REQS({"label_1", IN, {"label_1_val"}}),
            REQS({"metadata.name", IN, {"host_1"}})},
           {REQS({"invalid key", IN, {"label_value"}}), NONE}),
     NONE, "host_1", 0)

/* TestPreferredSchedulingTermsScore "first and third term match": the
 * score is the sum of the weights of the matching terms (5 + 11). */
static void test_preferred_terms_score(void)
{
    static const int32_t weight[3] = {5, 7, 11};
    const term_lit terms[3] = {
        {NONE, REQS({"metadata.name", IN, {"host_1"}})},
        {REQS({"unknown_label", IN, {"unknown_label_val"}}), NONE},
        {REQS({"label_1", IN, {"label_1_val"}}), NONE},
    };
    ks_labels labels = make_labels(KVS({"label_1", "label_1_val"}));
    int64_t score = 0;
    for (int i = 0; i < 3; i++) {
        ks_node_selector_term t = make_term(&terms[i]);
        if (ks_node_selector_term_matches(&t, &labels, "host_1"))
            score += weight[i];
        ks_node_selector_term_free(&t);
    }
    CU_ASSERT_EQUAL(score, 16);
    ks_labels_free(&labels);
}

/* TestNodeSelectorRequirementsAsSelector: foo In (bar, baz) is
 * "foo in (baz,bar)"; foo Gt 1 is "foo>1"; bar Lt 7 is "bar<7". */
static void test_requirements_as_selector(void)
{
    CU_ASSERT(term_requirements_match(REQS({"foo", IN, {"bar", "baz"}}),
                                      KVS({"foo", "baz"})));
    CU_ASSERT(term_requirements_match(REQS({"foo", IN, {"bar", "baz"}}),
                                      KVS({"foo", "bar"})));
    CU_ASSERT(!term_requirements_match(REQS({"foo", IN, {"bar", "baz"}}),
                                       KVS({"foo", "qux"})));
    CU_ASSERT(term_requirements_match(REQS({"foo", GT, {"1"}}),
                                      KVS({"foo", "2"})));
    CU_ASSERT(!term_requirements_match(REQS({"foo", GT, {"1"}}),
                                       KVS({"foo", "1"})));
    CU_ASSERT(term_requirements_match(REQS({"bar", LT, {"7"}}),
                                      KVS({"bar", "6"})));
    CU_ASSERT(!term_requirements_match(REQS({"bar", LT, {"7"}}),
                                       KVS({"bar", "7"})));
    /* A missing label never satisfies Gt/Lt. */
    CU_ASSERT(!term_requirements_match(REQS({"bar", LT, {"7"}}), NONE));
}

/* KSIM BUG (sim/objects.c).  TestNodeSelectorRequirementsAsSelector, the
 * row Exists with values [bar, baz]: labels.NewRequirement fails ("values
 * set must be empty for exists and does not exist"), so the term matches
 * nothing; ksim ignores the values and matches a node with label foo.
 * Fix: in ks_node_selector_term_matches, validate each match_expressions
 * requirement as labels.NewRequirement does (In/NotIn: >= 1 value;
 * Exists/DoesNotExist: none; Gt/Lt: exactly one integer) and return 0 for
 * the term if one is invalid. */
static void test_bug_exists_with_values(void)
{
    CU_ASSERT(!term_requirements_match(
        REQS({"foo", EXISTS, {"bar", "baz"}}), KVS({"foo", "x"})));
}

/* ---- required node affinity (nodeSelector AND affinity terms) ------------ */

/* GetRequiredNodeAffinity(pod).Match(node): every nodeSelector entry must
 * be a node label with that value, then the required terms (if set) must
 * match. */
static void run_affinity(const kv_lit *nsel, size_t nnsel, int has_required,
                         const term_lit *terms, size_t nterms,
                         const kv_lit *set, size_t nset,
                         const char *node_name, int want)
{
    ks_labels labels = make_labels(set, nset);
    int got = 1;
    for (size_t i = 0; i < nnsel; i++) {
        const char *v = ks_labels_get(&labels, nsel[i].key);
        if (!v || strcmp(v, nsel[i].value) != 0)
            got = 0;
    }
    if (got && has_required) {
        ks_node_selector s = make_selector(terms, nterms);
        got = ks_node_selector_matches(&s, &labels, node_name);
        ks_node_selector_free(&s);
    }
    CU_ASSERT_EQUAL(got, want);
    ks_labels_free(&labels);
}

#define NO_AFFINITY 0, NONE
#define REQUIRED(...) 1, TERMS(__VA_ARGS__)

/* nodeaffinity_test.go TestPodMatchesNodeSelectorAndAffinityTerms rows
 * (pod nodeSelector, required terms, node labels, node name, want). */
CASE(aff_no_selector, "no selector", run_affinity, NONE, NO_AFFINITY, NONE,
     "", 1)
CASE(aff_missing_labels, "missing labels", run_affinity, KVS({"foo", "bar"}),
     NO_AFFINITY, NONE, "", 0)
CASE(aff_same_labels, "same labels", run_affinity, KVS({"foo", "bar"}),
     NO_AFFINITY, KVS({"foo", "bar"}), "", 1)
CASE(aff_superset, "node labels are superset", run_affinity,
     KVS({"foo", "bar"}), NO_AFFINITY, KVS({"foo", "bar"}, {"baz", "blah"}),
     "", 1)
CASE(aff_subset, "node labels are subset", run_affinity,
     KVS({"foo", "bar"}, {"baz", "blah"}), NO_AFFINITY, KVS({"foo", "bar"}),
     "", 0)
CASE(aff_in, "Pod with matchExpressions using In operator that matches the "
     "existing node",
     run_affinity, NONE,
     REQUIRED({REQS({"foo", IN, {"bar", "value2"}}), NONE}),
     KVS({"foo", "bar"}), "", 1)
CASE(aff_gt, "Pod with matchExpressions using Gt operator that matches the "
     "existing node",
     run_affinity, NONE,
     REQUIRED({REQS({"kernel-version", GT, {"0204"}}), NONE}),
     KVS({"kernel-version", "0206"}), "", 1)
CASE(aff_not_in, "Pod with matchExpressions using NotIn operator that "
     "matches the existing node",
     run_affinity, NONE,
     REQUIRED({REQS({"mem-type", NOT_IN, {"DDR", "DDR2"}}), NONE}),
     KVS({"mem-type", "DDR3"}), "", 1)
CASE(aff_exists, "Pod with matchExpressions using Exists operator that "
     "matches the existing node",
     run_affinity, NONE, REQUIRED({REQS({"GPU", EXISTS, {NULL}}), NONE}),
     KVS({"GPU", "NVIDIA-GRID-K1"}), "", 1)
CASE(aff_no_match, "Pod with affinity that don't match node's labels won't "
     "schedule onto the node",
     run_affinity, NONE,
     REQUIRED({REQS({"foo", IN, {"value1", "value2"}}), NONE}),
     KVS({"foo", "bar"}), "", 0)
CASE(aff_nil_terms, "Pod with a nil []NodeSelectorTerm in affinity, can't "
     "match the node's labels and won't schedule onto the node",
     run_affinity, NONE, 1, NONE, KVS({"foo", "bar"}), "", 0)
CASE(aff_empty_terms, "Pod with an empty []NodeSelectorTerm in affinity, "
     "can't match the node's labels and won't schedule onto the node",
     run_affinity, NONE, 1, NONE, KVS({"foo", "bar"}), "", 0)
CASE(aff_empty_expressions, "Pod with empty MatchExpressions is not a valid "
     "value will match no objects and won't schedule onto the node",
     run_affinity, NONE, REQUIRED({NONE, NONE}), KVS({"foo", "bar"}), "", 0)
CASE(aff_no_affinity, "Pod with no Affinity will schedule onto a node",
     run_affinity, NONE, NO_AFFINITY, KVS({"foo", "bar"}), "", 1)
CASE(aff_nil_required, "Pod with Affinity but nil NodeSelector will "
     "schedule onto a node",
     run_affinity, NONE, NO_AFFINITY, KVS({"foo", "bar"}), "", 1)
CASE(aff_anded_match, "Pod with multiple matchExpressions ANDed that "
     "matches the existing node",
     run_affinity, NONE,
     REQUIRED({REQS({"GPU", EXISTS, {NULL}},
                    {"GPU", NOT_IN, {"AMD", "INTER"}}),
               NONE}),
     KVS({"GPU", "NVIDIA-GRID-K1"}), "", 1)
CASE(aff_anded_no_match, "Pod with multiple matchExpressions ANDed that "
     "doesn't match the existing node",
     run_affinity, NONE,
     REQUIRED({REQS({"GPU", EXISTS, {NULL}}, {"GPU", IN, {"AMD", "INTER"}}),
               NONE}),
     KVS({"GPU", "NVIDIA-GRID-K1"}), "", 0)
CASE(aff_ored, "Pod with multiple NodeSelectorTerms ORed in affinity, "
     "matches the node's labels and will schedule onto the node",
     run_affinity, NONE,
     REQUIRED({REQS({"foo", IN, {"bar", "value2"}}), NONE},
              {REQS({"diffkey", IN, {"wrong", "value2"}}), NONE}),
     KVS({"foo", "bar"}), "", 1)
CASE(aff_both_satisfied, "Pod with an Affinity and a PodSpec.NodeSelector"
     "(the old thing that we are deprecating) both are satisfied, will "
     "schedule onto the node",
     run_affinity, KVS({"foo", "bar"}),
     REQUIRED({REQS({"foo", EXISTS, {NULL}}), NONE}), KVS({"foo", "bar"}), "",
     1)
CASE(aff_selector_unsatisfied, "Pod with an Affinity matches node's labels "
     "but the PodSpec.NodeSelector(the old thing that we are deprecating) is "
     "not satisfied, won't schedule onto the node",
     run_affinity, KVS({"foo", "bar"}),
     REQUIRED({REQS({"foo", EXISTS, {NULL}}), NONE}),
     KVS({"foo", "barrrrrr"}), "", 0)
/* KSIM BUG (sim/objects.c).  "Pod with an invalid value in Affinity term
 * won't be scheduled onto the node": labels.NewRequirement validates each
 * value as a label value (validateLabelValue: at most 63 characters,
 * empty or alphanumeric at both ends with '-', '_', '.' inside) and the
 * key as a qualified name; the term then fails to parse and matches
 * nothing.  ksim does not validate, so NotIn ("invalid value: ___@#$%^")
 * holds for foo=bar.  Fix: validate keys and values of match_expressions
 * requirements (apimachinery validation.IsQualifiedName and
 * IsValidLabelValue) and let an invalid term match nothing. */
CASE(aff_bug_invalid_value, "KSIM BUG (sim/objects.c): Pod with an invalid "
     "value in Affinity term won't be scheduled onto the node",
     run_affinity, NONE,
     REQUIRED({REQS({"foo", NOT_IN, {"invalid value: ___@#$%^"}}), NONE}),
     KVS({"foo", "bar"}), "", 0)
CASE(aff_fields_in, "Pod with matchFields using In operator that matches "
     "the existing node",
     run_affinity, NONE,
     REQUIRED({NONE, REQS({"metadata.name", IN, {"node_1"}})}), NONE,
     "node_1", 1)
CASE(aff_fields_in_no_match, "Pod with matchFields using In operator that "
     "does not match the existing node",
     run_affinity, NONE,
     REQUIRED({NONE, REQS({"metadata.name", IN, {"node_1"}})}), NONE,
     "node_2", 0)
CASE(aff_two_terms_expr, "Pod with two terms: matchFields does not match, "
     "but matchExpressions matches",
     run_affinity, NONE,
     REQUIRED({NONE, REQS({"metadata.name", IN, {"node_1"}})},
              {REQS({"foo", IN, {"bar"}}), NONE}),
     KVS({"foo", "bar"}), "node_2", 1)
CASE(aff_one_term_fields_fail, "Pod with one term: matchFields does not "
     "match, but matchExpressions matches",
     run_affinity, NONE,
     REQUIRED({REQS({"foo", IN, {"bar"}}),
               REQS({"metadata.name", IN, {"node_1"}})}),
     KVS({"foo", "bar"}), "node_2", 0)
CASE(aff_one_term_both, "Pod with one term: both matchFields and "
     "matchExpressions match",
     run_affinity, NONE,
     REQUIRED({REQS({"foo", IN, {"bar"}}),
               REQS({"metadata.name", IN, {"node_1"}})}),
     KVS({"foo", "bar"}), "node_1", 1)
CASE(aff_two_terms_neither, "Pod with two terms: both matchFields and "
     "matchExpressions do not match",
     run_affinity, NONE,
     REQUIRED({NONE, REQS({"metadata.name", IN, {"node_1"}})},
              {REQS({"foo", IN, {"not-match-to-bar"}}), NONE}),
     KVS({"foo", "bar"}), "node_2", 0)

/* ---- host ports -------------------------------------------------------- */

#define TCP KS_PROTO_TCP
#define UDP KS_PROTO_UDP

typedef struct port_lit {
    ks_protocol protocol; /* upstream's "" is TCP (sanitize) */
    const char *ip;       /* "" is 0.0.0.0 */
    int32_t port;
} port_lit;

#define PORTS(...) LIST(port_lit, __VA_ARGS__)

/* HostPortInfo.CheckConflict after Add of every `added` port: a conflict
 * with any of them. */
static void run_host_ports(const port_lit *added, size_t nadded,
                           port_lit check, int want)
{
    ks_host_port c = {.host_ip = (char *)check.ip,
                      .protocol = check.protocol,
                      .port = check.port};
    int got = 0;
    for (size_t i = 0; i < nadded; i++) {
        ks_host_port a = {.host_ip = (char *)added[i].ip,
                          .protocol = added[i].protocol,
                          .port = added[i].port};
        got |= ks_host_ports_conflict(&a, &c);
        /* The rule is symmetric: the existing port against the new one. */
        CU_ASSERT_EQUAL(ks_host_ports_conflict(&a, &c),
                        ks_host_ports_conflict(&c, &a));
    }
    CU_ASSERT_EQUAL(got, want);
}

#define PORT(proto, ip, port) ((port_lit){proto, ip, port})

/* types_test.go TestHostPortInfo_Check rows. */
CASE(hp_empty_check, "empty check should check 0.0.0.0 and TCP",
     run_host_ports, PORTS({TCP, "127.0.0.1", 80}), PORT(TCP, "", 81), 0)
CASE(hp_empty_check_conflict,
     "empty check should check 0.0.0.0 and TCP (conflicted)", run_host_ports,
     PORTS({TCP, "127.0.0.1", 80}), PORT(TCP, "", 80), 1)
CASE(hp_empty_port, "empty port check should pass", run_host_ports,
     PORTS({TCP, "127.0.0.1", 80}), PORT(TCP, "", 0), 0)
CASE(hp_any_checks_all, "0.0.0.0 should check all registered IPs",
     run_host_ports, PORTS({TCP, "127.0.0.1", 80}), PORT(TCP, "0.0.0.0", 80),
     1)
CASE(hp_any_other_protocol,
     "0.0.0.0 with different protocol should be allowed", run_host_ports,
     PORTS({UDP, "127.0.0.1", 80}), PORT(TCP, "0.0.0.0", 80), 0)
CASE(hp_any_other_port, "0.0.0.0 with different port should be allowed",
     run_host_ports,
     PORTS({TCP, "127.0.0.1", 79}, {TCP, "127.0.0.1", 81},
           {TCP, "127.0.0.1", 82}),
     PORT(TCP, "0.0.0.0", 80), 0)
CASE(hp_ip_checks_any, "normal ip should check all registered 0.0.0.0",
     run_host_ports, PORTS({TCP, "0.0.0.0", 80}), PORT(TCP, "127.0.0.1", 80),
     1)
CASE(hp_ip_other_any, "normal ip with different port/protocol should be "
     "allowed (0.0.0.0)",
     run_host_ports,
     PORTS({TCP, "0.0.0.0", 79}, {UDP, "0.0.0.0", 80}, {TCP, "0.0.0.0", 81},
           {TCP, "0.0.0.0", 82}),
     PORT(TCP, "127.0.0.1", 80), 0)
CASE(hp_ip_other, "normal ip with different port/protocol should be allowed",
     run_host_ports,
     PORTS({TCP, "127.0.0.1", 79}, {UDP, "127.0.0.1", 80},
           {TCP, "127.0.0.1", 81}, {TCP, "127.0.0.1", 82}),
     PORT(TCP, "127.0.0.1", 80), 0)
/* KSIM BUG (sim/objects.c).  TestHostPortInfo_AddRemove "normal add case"
 * adds (TCP, 0.0.0.0, 0) and (TCP, 0.0.0.0, -1) and expects them not
 * recorded (length 8 of 10): HostPortInfo.Add and CheckConflict ignore
 * ports <= 0, so such a port never conflicts.  ksim reports two port-0
 * entries as conflicting.  (Loaders should not list them - objects.h says
 * containers without a hostPort are not listed - but the rule itself
 * differs.)  Fix: in ks_host_ports_conflict, return 0 when either port is
 * <= 0. */
CASE(hp_bug_port_zero, "KSIM BUG (sim/objects.c): normal add case (ports 0 "
     "and -1 are not recorded, so never conflict)",
     run_host_ports, PORTS({TCP, "0.0.0.0", 0}, {TCP, "0.0.0.0", -1}),
     PORT(TCP, "0.0.0.0", 0), 0)

/* ---- image names ---------------------------------------------------------- */

static void run_normalize(const char *in, const char *want)
{
    char *got = ks_image_normalize(in);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

/* getImageFakeDigest("root") = "sha256:" + hex(sha256("root")). */
#define ROOT_DIGEST                                                            \
    "sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2"

/* image_locality_test.go TestNormalizedImageName rows. */
CASE(img_latest_1, "add :latest postfix 1", run_normalize, "root",
     "root:latest")
CASE(img_latest_2, "add :latest postfix 2", run_normalize, "gcr.io:5000/root",
     "gcr.io:5000/root:latest")
CASE(img_keep_1, "keep it as is 1", run_normalize, "root:tag", "root:tag")
CASE(img_keep_2, "keep it as is 2", run_normalize, "root@" ROOT_DIGEST,
     "root@" ROOT_DIGEST)

/* ---- the suite -------------------------------------------------------------- */

void ks_suite_objects(void)
{
    static const ks_test_case cases[] = {
        ENTRY(tol_exists_no_value),
        ENTRY(tol_exists_some_value),
        ENTRY(tol_empty_key_exists),
        ENTRY(tol_equal_same),
        ENTRY(tol_equal_other_value),
        ENTRY(tol_equal_other_effect),
        {"TestSelectorMatches", test_selector_matches},
        {"TestSetMatches", test_set_matches},
        {"TestRequirementSelectorMatching", test_requirement_selector_matching},
        {"LabelSelector never matches with Gt/Lt",
         test_label_selector_rejects_gt},
        ENTRY(ns_field_not_labels),
        ENTRY(ns_field_and_labels),
        ENTRY(ns_second_term),
        ENTRY(ns_bug_field_two_values),
        {"TestPreferredSchedulingTermsScore: first and third term match",
         test_preferred_terms_score},
        {"TestNodeSelectorRequirementsAsSelector",
         test_requirements_as_selector},
        {"KSIM BUG (sim/objects.c): TestNodeSelectorRequirementsAsSelector "
         "(Exists with values must match nothing)",
         test_bug_exists_with_values},
        ENTRY(aff_no_selector),
        ENTRY(aff_missing_labels),
        ENTRY(aff_same_labels),
        ENTRY(aff_superset),
        ENTRY(aff_subset),
        ENTRY(aff_in),
        ENTRY(aff_gt),
        ENTRY(aff_not_in),
        ENTRY(aff_exists),
        ENTRY(aff_no_match),
        ENTRY(aff_nil_terms),
        ENTRY(aff_empty_terms),
        ENTRY(aff_empty_expressions),
        ENTRY(aff_no_affinity),
        ENTRY(aff_nil_required),
        ENTRY(aff_anded_match),
        ENTRY(aff_anded_no_match),
        ENTRY(aff_ored),
        ENTRY(aff_both_satisfied),
        ENTRY(aff_selector_unsatisfied),
        ENTRY(aff_bug_invalid_value),
        ENTRY(aff_fields_in),
        ENTRY(aff_fields_in_no_match),
        ENTRY(aff_two_terms_expr),
        ENTRY(aff_one_term_fields_fail),
        ENTRY(aff_one_term_both),
        ENTRY(aff_two_terms_neither),
        ENTRY(hp_empty_check),
        ENTRY(hp_empty_check_conflict),
        ENTRY(hp_empty_port),
        ENTRY(hp_any_checks_all),
        ENTRY(hp_any_other_protocol),
        ENTRY(hp_any_other_port),
        ENTRY(hp_ip_checks_any),
        ENTRY(hp_ip_other_any),
        ENTRY(hp_ip_other),
        ENTRY(hp_bug_port_zero),
        ENTRY(img_latest_1),
        ENTRY(img_latest_2),
        ENTRY(img_keep_1),
        ENTRY(img_keep_2),
        {NULL, NULL},
    };
    ks_test_add_suite("sim/objects", cases);
}
