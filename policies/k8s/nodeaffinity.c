/* nodeaffinity.c - NodeAffinity: nodeSelector and node affinity, required
 * (Filter) and preferred (Score).
 *
 * Re-implemented from (never copied) upstream Kubernetes:
 *   pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go
 *     (commit 00d375050338, the v1.36 tree): PreFilter, Filter, PreScore,
 *     Score, NormalizeScore, New;
 *   staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/
 *     nodeaffinity.go (commit 1ca8f84eede9): NodeSelector,
 *     LazyErrorNodeSelector, PreferredSchedulingTerms, RequiredNodeAffinity;
 *   staging/src/k8s.io/apimachinery/pkg/labels/selector.go (commit
 *     008b3652959c) NewRequirement and pkg/util/validation IsQualifiedName /
 *     IsValidLabelValue: what makes a term fail to parse.
 * Summary in nodeaffinity.h.
 *
 * Parsing: upstream parses each term once; a term with a parse error never
 * matches (Filter ignores the error; an error in a pod's preferred terms
 * fails PreScore).  Here the per-term verdict ("parses") is computed once
 * per cycle into instance buffers (PreFilter for required terms, PreScore
 * for preferred ones) and once at create for the args' added terms, so
 * Filter and Score do no parsing and no allocation per node.
 */
#include "policies/k8s/nodeaffinity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/helper.h"
#include "sim/xalloc.h"

/* node_affinity.go: ErrReasonPod, errReasonEnforced, errReasonConflict. */
static const char msg_pod[] =
    "node(s) didn't match Pod's node affinity/selector";
static const char msg_enforced[] =
    "node(s) didn't match scheduler-enforced node affinity";
static const char msg_conflict[] = "pod affinity terms conflict";

/* metav1.ObjectNameField */
static const char object_name_field[] = "metadata.name";

static const ks_nodeaffinity_args default_args = {{0}};

/* Per-term verdicts of one term list, reused across cycles. */
typedef struct term_flags {
    uint8_t *ok;
    size_t cap;
} term_flags;

typedef struct na_instance {
    const ks_nodeaffinity_args *args;
    term_flags added_required;  /* parses, per added required term */
    term_flags added_preferred; /* counts at Score, per added term */
    /* PreFilter state: verdicts of the pod's required terms. */
    const ks_pod_spec *filter_spec;
    int filter_ready;
    term_flags required;
    /* PreScore state: which pod preferred terms count, and whether one of
     * them failed to parse (upstream: PreScore returns an Error). */
    const ks_pod_spec *score_spec;
    int score_ready;
    int score_error;
    size_t score_error_term;
    term_flags preferred;
    char msg[160];
} na_instance;

int ks_nodeaffinity_term_parses(const ks_node_selector_term *t)
{
    return ks_node_selector_term_parses(t);
}

static int term_is_empty(const ks_node_selector_term *t)
{
    return t->nexpressions == 0 && t->nfields == 0;
}

/* NewPreferredSchedulingTerms keeps a term when its weight is non-zero, it
 * is not empty and it parses. */
static int preferred_counts(const ks_preferred_term *p)
{
    return p->weight != 0 && !term_is_empty(&p->term) &&
           ks_nodeaffinity_term_parses(&p->term);
}

/* A kept-or-failed preferred term: weight non-zero and not empty, but
 * unparsable (NewPreferredSchedulingTerms returns an error). */
static int preferred_fails(const ks_preferred_term *p)
{
    return p->weight != 0 && !term_is_empty(&p->term) &&
           !ks_nodeaffinity_term_parses(&p->term);
}

/* ---- per-term verdict buffers ------------------------------------------- */

static uint8_t *flags_reserve(term_flags *f, size_t n)
{
    if (n > f->cap)
        f->ok = ks_xgrow(f->ok, &f->cap, n, sizeof *f->ok);
    return f->ok;
}

static void fill_required(term_flags *f, const ks_node_selector *s)
{
    uint8_t *ok = flags_reserve(f, s->nterms);
    for (size_t i = 0; i < s->nterms; i++)
        ok[i] = (uint8_t)ks_nodeaffinity_term_parses(&s->terms[i]);
}

/* Fills the counts-at-Score verdicts; returns the index of the first term
 * that fails to parse, or SIZE_MAX. */
static size_t fill_preferred(term_flags *f, const ks_preferred_term *p,
                             size_t n)
{
    uint8_t *ok = flags_reserve(f, n);
    size_t first_bad = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        ok[i] = (uint8_t)preferred_counts(&p[i]);
        if (first_bad == SIZE_MAX && preferred_fails(&p[i]))
            first_bad = i;
    }
    return first_bad;
}

/* ---- matching ---------------------------------------------------------- */

/* LazyErrorNodeSelector.Match: any term that parses and matches.  ok holds
 * the per-term parse verdicts, or is NULL to parse here. */
static int selector_matches(const ks_node_selector *s, const uint8_t *ok,
                            const ks_labels *labels, const char *name)
{
    for (size_t i = 0; i < s->nterms; i++) {
        int parses = ok ? ok[i] : ks_nodeaffinity_term_parses(&s->terms[i]);
        if (parses &&
            ks_node_selector_term_matches_parsed(&s->terms[i], labels, name))
            return 1;
    }
    return 0;
}

/* labels.SelectorFromSet(pod.Spec.NodeSelector): every pair equal. */
static int node_selector_matches(const ks_labels *sel, const ks_labels *labels)
{
    for (size_t i = 0; i < sel->n; i++) {
        const char *v = ks_labels_get(labels, sel->items[i].key);
        if (!v || strcmp(v, sel->items[i].value) != 0)
            return 0;
    }
    return 1;
}

/* PreferredSchedulingTerms.Score: the weights of the counted terms that
 * match. */
static int64_t preferred_sum(const ks_preferred_term *p, size_t n,
                             const uint8_t *ok, const ks_labels *labels,
                             const char *name)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        int counts = ok ? ok[i] : preferred_counts(&p[i]);
        if (counts &&
            ks_node_selector_term_matches_parsed(&p[i].term, labels, name))
            sum += p[i].weight;
    }
    return sum;
}

/* ---- PreFilterResult (metadata.name In matchFields) --------------------- */

static int is_name_in(const ks_requirement *r)
{
    return r->op == KS_OP_IN && r->key &&
           strcmp(r->key, object_name_field) == 0;
}

static int values_contain(const ks_requirement *r, const char *v)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (r->values[i] && strcmp(r->values[i], v) == 0)
            return 1;
    return 0;
}

/* True if name is in every metadata.name In requirement of the term (and
 * the term has one). */
static int term_allows_name(const ks_node_selector_term *t, const char *name)
{
    int seen = 0;
    for (size_t i = 0; i < t->nfields; i++) {
        if (!is_name_in(&t->match_fields[i]))
            continue;
        seen = 1;
        if (!values_contain(&t->match_fields[i], name))
            return 0;
    }
    return seen;
}

static int term_has_name_in(const ks_node_selector_term *t)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (is_name_in(&t->match_fields[i]))
            return 1;
    return 0;
}

/* The intersection of the term's metadata.name In value sets is not
 * empty: some value of the first such requirement is in all of them. */
static int term_names_nonempty(const ks_node_selector_term *t)
{
    for (size_t i = 0; i < t->nfields; i++) {
        const ks_requirement *first = &t->match_fields[i];
        if (!is_name_in(first))
            continue;
        for (size_t v = 0; v < first->nvalues; v++)
            if (first->values[v] && term_allows_name(t, first->values[v]))
                return 1;
        return 0;
    }
    return 0;
}

/* node_affinity.go PreFilter: a term without a metadata.name In field
 * leaves every node eligible (terms are ORed); otherwise the result is the
 * union of the terms' name sets, and an empty union is a conflict. */
int ks_nodeaffinity_name_result(const ks_pod_spec *spec)
{
    if (!spec || !spec->node_affinity.has_required)
        return 0;
    const ks_node_selector *s = &spec->node_affinity.required;
    if (s->nterms == 0)
        return 0;
    int any = 0;
    for (size_t i = 0; i < s->nterms; i++) {
        if (!term_has_name_in(&s->terms[i]))
            return 0;
        if (term_names_nonempty(&s->terms[i]))
            any = 1;
    }
    return any ? 1 : -1;
}

int ks_nodeaffinity_name_allowed(const ks_pod_spec *spec, const char *name)
{
    if (!spec || !spec->node_affinity.has_required)
        return 0;
    const ks_node_selector *s = &spec->node_affinity.required;
    for (size_t i = 0; i < s->nterms; i++)
        if (term_allows_name(&s->terms[i], name))
            return 1;
    return 0;
}

/* ---- args ---------------------------------------------------------------- */

ks_nodeaffinity_args *ks_nodeaffinity_args_create(void)
{
    return ks_xcalloc(1, sizeof(ks_nodeaffinity_args));
}

void ks_nodeaffinity_args_free(ks_nodeaffinity_args *a)
{
    if (a)
        ks_node_affinity_free(&a->added_affinity);
}

void ks_nodeaffinity_args_destroy(ks_nodeaffinity_args *a)
{
    ks_nodeaffinity_args_free(a);
    free(a);
}

/* validation.ValidateNodeAffinityArgs: the added terms must parse (as
 * nodeaffinity.NewNodeSelector and NewPreferredSchedulingTerms require). */
int ks_nodeaffinity_args_validate(const ks_nodeaffinity_args *a, ks_error *err)
{
    if (!a)
        return 0;
    const ks_node_affinity *af = &a->added_affinity;
    if (af->has_required)
        for (size_t i = 0; i < af->required.nterms; i++) {
            const ks_node_selector_term *t = &af->required.terms[i];
            if (!term_is_empty(t) && !ks_nodeaffinity_term_parses(t))
                return ks_error_set(
                    err, KS_EINVAL, NULL, 0, 0,
                    "addedAffinity.requiredDuringSchedulingIgnoredDuring"
                    "Execution.nodeSelectorTerms[%zu]: invalid node selector "
                    "term",
                    i);
        }
    for (size_t i = 0; i < af->npreferred; i++)
        if (preferred_fails(&af->preferred[i]))
            return ks_error_set(
                err, KS_EINVAL, NULL, 0, 0,
                "addedAffinity.preferredDuringSchedulingIgnoredDuring"
                "Execution[%zu]: invalid node selector term",
                i);
    return 0;
}

static const ks_nodeaffinity_args *args_of(const ks_plugin_call *call)
{
    return call->args ? call->args : &default_args;
}

/* ---- instance ------------------------------------------------------------ */

static void *na_create(const void *args)
{
    na_instance *in = ks_xcalloc(1, sizeof *in);
    in->args = args ? args : &default_args;
    const ks_node_affinity *af = &in->args->added_affinity;
    if (af->has_required)
        fill_required(&in->added_required, &af->required);
    (void)fill_preferred(&in->added_preferred, af->preferred, af->npreferred);
    return in;
}

static void na_destroy(void *instance)
{
    na_instance *in = instance;
    if (!in)
        return;
    free(in->added_required.ok);
    free(in->added_preferred.ok);
    free(in->required.ok);
    free(in->preferred.ok);
    free(in);
}

/* The instance's verdicts for the added terms, valid only when the call's
 * args are the ones the instance was made from. */
static const na_instance *instance_for(const ks_plugin_call *call)
{
    const na_instance *in = call->instance;
    return in && in->args == args_of(call) ? in : NULL;
}

/* The pod's required-term verdicts: computed by PreFilter, or here when
 * Filter runs without it (upstream's fallback in Filter). */
static const uint8_t *required_flags(na_instance *in, const ks_pod_spec *spec)
{
    if (!in->filter_ready || in->filter_spec != spec) {
        fill_required(&in->required, &spec->node_affinity.required);
        in->filter_spec = spec;
        in->filter_ready = 1;
    }
    return in->required.ok;
}

/* The pod's preferred-term verdicts: computed by PreScore, or here when
 * Score runs without it. */
static const uint8_t *preferred_flags(na_instance *in, const ks_pod_spec *spec)
{
    if (!in->score_ready || in->score_spec != spec) {
        size_t bad =
            fill_preferred(&in->preferred, spec->node_affinity.preferred,
                           spec->node_affinity.npreferred);
        in->score_error = bad != SIZE_MAX;
        in->score_error_term = bad;
        in->score_spec = spec;
        in->score_ready = 1;
    }
    return in->preferred.ok;
}

/* ---- extension points ---------------------------------------------------- */

static ks_status na_pre_filter(const ks_plugin_call *call)
{
    const ks_nodeaffinity_args *a = args_of(call);
    const ks_pod_spec *spec = call->pod->spec;
    int pod_required = spec && spec->node_affinity.has_required;
    if (!pod_required && !a->added_affinity.has_required &&
        (!spec || spec->node_selector.n == 0))
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    na_instance *in = call->instance;
    if (in && spec) {
        in->filter_ready = 0; /* a new cycle: always recompute */
        (void)required_flags(in, spec);
    }
    /* The PreFilterResult narrowing (ks_nodeaffinity_name_result == 1) is
     * not returned: the framework ignores PreFilterResult for now, and
     * Filter rejects the other nodes with the same status.  A conflict is
     * a rejection, which the framework does honour. */
    if (ks_nodeaffinity_name_result(spec) < 0)
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_NA_CONFLICT, msg_conflict);
    return ks_status_ok();
}

static ks_status na_filter(const ks_plugin_call *call, const ks_node *node)
{
    const ks_nodeaffinity_args *a = args_of(call);
    const ks_node_info *info = ks_cluster_node_info(call->cluster, node);
    const na_instance *ci = instance_for(call);
    if (a->added_affinity.has_required &&
        !selector_matches(&a->added_affinity.required,
                          ci ? ci->added_required.ok : NULL, &info->labels,
                          node->name))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_NA_ENFORCED_MISMATCH, msg_enforced);
    const ks_pod_spec *spec = call->pod->spec;
    if (!spec)
        return ks_status_ok();
    if (!node_selector_matches(&spec->node_selector, &info->labels))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                              KS_NA_POD_MISMATCH, msg_pod);
    if (spec->node_affinity.has_required) {
        na_instance *in = call->instance;
        const uint8_t *ok = in ? required_flags(in, spec) : NULL;
        if (!selector_matches(&spec->node_affinity.required, ok, &info->labels,
                              node->name))
            return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                                  KS_NA_POD_MISMATCH, msg_pod);
    }
    return ks_status_ok();
}

static ks_status na_pre_score(const ks_plugin_call *call, const uint32_t *nodes,
                              size_t n)
{
    (void)nodes;
    (void)n;
    const ks_nodeaffinity_args *a = args_of(call);
    const ks_pod_spec *spec = call->pod->spec;
    size_t npref = spec ? spec->node_affinity.npreferred : 0;
    if (npref == 0 && a->added_affinity.npreferred == 0)
        return ks_status_make(KS_STATUS_SKIP, 0, NULL);
    na_instance *in = call->instance;
    if (!in || !spec)
        return ks_status_ok();
    in->score_ready = 0; /* a new cycle: always recompute */
    (void)preferred_flags(in, spec);
    if (in->score_error) {
        snprintf(in->msg, sizeof in->msg,
                 "preferredDuringSchedulingIgnoredDuringExecution[%zu]: "
                 "invalid node selector term",
                 in->score_error_term);
        return ks_status_make(KS_STATUS_ERROR, 0, in->msg);
    }
    return ks_status_ok();
}

/* True if one of the pod's counted preferred terms failed to parse, which
 * upstream reports as an Error (no scores at all); here Score gives 0. */
static int pod_preferred_error(na_instance *in, const ks_pod_spec *spec)
{
    if (in) {
        (void)preferred_flags(in, spec);
        return in->score_error;
    }
    for (size_t i = 0; i < spec->node_affinity.npreferred; i++)
        if (preferred_fails(&spec->node_affinity.preferred[i]))
            return 1;
    return 0;
}

static int64_t na_score(const ks_plugin_call *call, const ks_node *node)
{
    const ks_nodeaffinity_args *a = args_of(call);
    const ks_node_info *info = ks_cluster_node_info(call->cluster, node);
    const ks_pod_spec *spec = call->pod->spec;
    na_instance *in = call->instance;
    if (spec && spec->node_affinity.npreferred && pod_preferred_error(in, spec))
        return 0;
    const na_instance *ci = instance_for(call);
    int64_t count = preferred_sum(a->added_affinity.preferred,
                                  a->added_affinity.npreferred,
                                  ci ? ci->added_preferred.ok : NULL,
                                  &info->labels, node->name);
    if (spec && spec->node_affinity.npreferred)
        count += preferred_sum(spec->node_affinity.preferred,
                               spec->node_affinity.npreferred,
                               in ? in->preferred.ok : NULL, &info->labels,
                               node->name);
    return count;
}

static void na_normalize(const ks_plugin_call *call, int64_t *scores, size_t n)
{
    (void)call;
    ks_default_normalize_score(KS_MAX_NODE_SCORE, 0, scores, n);
}

const ks_plugin ks_plugin_nodeaffinity = {
    .name = "NodeAffinity",
    .create = na_create,
    .destroy = na_destroy,
    .pre_filter = na_pre_filter,
    .filter = na_filter,
    .pre_score = na_pre_score,
    .score = na_score,
    .normalize = na_normalize,
    .default_args = &default_args,
    .default_weight = 2,
};
