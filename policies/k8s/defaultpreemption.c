/* defaultpreemption.c - DefaultPreemption: victims, candidates, choice.
 *
 * Sources (Kubernetes v1.36): plugins/defaultpreemption/
 * default_preemption.go (PodEligibleToPreemptOthers, SelectVictimsOnNode,
 * calculateNumCandidates) and framework/preemption/preemption.go
 * (findCandidates, DryRunPreemption, pickOneNodeForPreemption).  Upstream
 * runs the dry run in parallel from a random offset and stops once it has
 * enough candidates; ksim walks the same nodes in the same order serially,
 * with the offset drawn from the `preemption` stream, so the result is
 * deterministic.
 *
 * Cost: one preemption attempt evaluates at most every node once; on a
 * node it takes off the lower-priority pods (O(pods on the node)) and runs
 * the filters once per reprieve attempt.
 */
#include "policies/k8s/defaultpreemption.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

static const ks_default_preemption_args default_args = {10, 100};

typedef struct candidate {
    uint32_t node;
    size_t first; /* index of its first victim in the instance's pool */
    size_t n;     /* victims */
    int64_t pdb_violations;
} candidate;

typedef struct dp_instance {
    uint32_t *pool; /* victims of all candidates, by candidate */
    size_t npool, pool_cap;
    candidate *cands;
    size_t ncands, cands_cap;
    uint32_t *scratch; /* potential victims on the node being examined */
    size_t scratch_cap;
    uint32_t *result; /* the chosen candidate's victims */
    size_t result_cap;
    int64_t *pdb_allowed; /* per budget: disruptionsAllowed now */
    int64_t *pdb_left;    /* per budget, while splitting one node's victims */
    size_t pdb_cap;
    uint8_t *violating;   /* per potential victim of the node examined */
    size_t violating_cap;
} dp_instance;

static void *dp_create(const void *args)
{
    (void)args;
    return ks_xcalloc(1, sizeof(dp_instance));
}

static void dp_destroy(void *instance)
{
    dp_instance *d = instance;
    if (!d)
        return;
    free(d->pool);
    free(d->cands);
    free(d->scratch);
    free(d->result);
    free(d->pdb_allowed);
    free(d->pdb_left);
    free(d->violating);
    free(d);
}

static ks_status dp_post_filter(const ks_plugin_call *call,
                                const ks_postfilter_env *env,
                                ks_postfilter_result *out);

const ks_plugin ks_plugin_defaultpreemption = {
    .name = "DefaultPreemption",
    .create = dp_create,
    .destroy = dp_destroy,
    .post_filter = dp_post_filter,
    .default_args = &default_args,
};

int32_t ks_preemption_num_candidates(const ks_default_preemption_args *a,
                                     int32_t n)
{
    int32_t k = (int32_t)((int64_t)n * a->min_candidate_nodes_percentage / 100);
    if (k < a->min_candidate_nodes_absolute)
        k = a->min_candidate_nodes_absolute;
    return k > n ? n : k;
}

/* A pod's start for the ordering: when it started, else when it was bound
 * (upstream uses status.startTime, set by the kubelet). */
static ks_time start_of(const ks_pod *p)
{
    return p->start >= 0 ? p->start : p->scheduled;
}

int ks_preemption_more_important(const ks_pod *a, const ks_pod *b)
{
    if (a->priority != b->priority)
        return a->priority > b->priority;
    return start_of(a) < start_of(b);
}

/* ---- victims on one node ------------------------------------------------- */

/* Most important first; the pod index breaks exact ties so the order is
 * total.  Insertion sort: a node holds at most a few hundred pods, and
 * qsort has no context argument. */
static void sort_victims(const ks_cluster *c, uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        while (j > 0) {
            const ks_pod *a = &c->pods[x], *b = &c->pods[v[j - 1]];
            int before = ks_preemption_more_important(a, b) ||
                         (!ks_preemption_more_important(b, a) && x < v[j - 1]);
            if (!before)
                break;
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void pool_push(dp_instance *d, uint32_t pod)
{
    if (d->npool == d->pool_cap)
        d->pool = ks_xgrow(d->pool, &d->pool_cap, d->npool + 1,
                           sizeof *d->pool);
    d->pool[d->npool++] = pod;
}

/* ---- PodDisruptionBudgets --------------------------------------------------- */

static const char *ns_of(const ks_pod *p)
{
    return p->spec && p->spec->namespace_name ? p->spec->namespace_name
                                              : "default";
}

static int pdb_selects(const ks_pdb *b, const ks_pod *p)
{
    static const ks_labels none = {0};
    if (!b->selector)
        return 0;
    if (strcmp(b->namespace_name ? b->namespace_name : "default", ns_of(p)))
        return 0;
    return ks_label_selector_matches(b->selector,
                                     p->spec ? &p->spec->labels : &none);
}

/* GetScaledValueFromIntOrPercent, rounding up. */
static int64_t scaled(int percent, int32_t value, int64_t total)
{
    return percent ? (value * total + 99) / 100 : value;
}

/* The disruption controller's disruptionsAllowed for every budget, from
 * the pods now running (O(running pods x budgets), once per attempt). */
static void compute_pdb_allowed(dp_instance *d, const ks_cluster *c)
{
    if (c->npdbs > d->pdb_cap) {
        size_t cap = d->pdb_cap;
        d->pdb_allowed = ks_xgrow(d->pdb_allowed, &d->pdb_cap, c->npdbs,
                                  sizeof *d->pdb_allowed);
        d->pdb_left = ks_xgrow(d->pdb_left, &cap, c->npdbs,
                               sizeof *d->pdb_left);
    }
    for (size_t b = 0; b < c->npdbs; b++) {
        const ks_pdb *pdb = &c->pdbs[b];
        int64_t expected = 0, healthy = 0;
        for (size_t i = 0; i < c->npods; i++) {
            const ks_pod *p = &c->pods[i];
            if (p->phase != KS_POD_RUNNING || !pdb_selects(pdb, p))
                continue;
            expected++;
            healthy += !p->terminating;
        }
        int64_t desired = 0;
        if (pdb->max_unavailable_set)
            desired = expected - scaled(pdb->max_unavailable_percent,
                                        pdb->max_unavailable, expected);
        else if (pdb->min_available_set)
            desired = scaled(pdb->min_available_percent, pdb->min_available,
                             expected);
        else
            desired = INT64_MIN / 2; /* no bound given: never violated */
        int64_t allowed = healthy - desired;
        d->pdb_allowed[b] = allowed < 0 ? 0 : allowed;
    }
}

/* filterPodsWithPDBViolation: marks violating[i] for each victim (most
 * important first) that some budget selecting it cannot spare any more. */
static void split_by_pdb(dp_instance *d, const ks_cluster *c,
                         const uint32_t *victims, size_t n)
{
    d->violating = ks_xgrow(d->violating, &d->violating_cap, n ? n : 1, 1);
    if (c->npdbs)
        memcpy(d->pdb_left, d->pdb_allowed, c->npdbs * sizeof *d->pdb_left);
    for (size_t i = 0; i < n; i++) {
        const ks_pod *p = &c->pods[victims[i]];
        d->violating[i] = 0;
        for (size_t b = 0; b < c->npdbs; b++) {
            if (!pdb_selects(&c->pdbs[b], p))
                continue;
            if (d->pdb_left[b] <= 0)
                d->violating[i] = 1;
            else
                d->pdb_left[b]--;
        }
    }
}

/* SelectVictimsOnNode: returns 1 and appends a candidate if deleting some
 * lower-priority pods lets the preemptor fit on node. */
static int select_victims(dp_instance *d, const ks_plugin_call *call,
                          const ks_postfilter_env *env, uint32_t node)
{
    const ks_cluster *c = call->cluster;
    const ks_node_pods *np = ks_cluster_node_pods(c, &c->nodes[node]);
    size_t n = 0;
    d->scratch = ks_xgrow(d->scratch, &d->scratch_cap, np->n ? np->n : 1,
                          sizeof *d->scratch);
    for (uint32_t k = 0; k < np->n; k++)
        if (c->pods[np->pods[k]].priority < call->pod->priority)
            d->scratch[n++] = np->pods[k];
    if (n == 0)
        return 0; /* "No preemption victims found for incoming pod" */
    for (size_t i = 0; i < n; i++)
        env->detach(env->sched, d->scratch[i]);
    int fits = env->fits(env->sched, node);
    size_t first = d->npool;
    int64_t violations = 0;
    if (fits) {
        /* Reprieve the PDB-violating pods first, then the others, each
         * group most important first; a violating pod that cannot stay
         * counts as a PDB violation. */
        sort_victims(c, d->scratch, n);
        split_by_pdb(d, c, d->scratch, n);
        for (int pass = 1; pass >= 0; pass--) {
            for (size_t i = 0; i < n; i++) {
                if (d->violating[i] != pass)
                    continue;
                env->attach(env->sched, d->scratch[i]);
                if (env->fits(env->sched, node))
                    continue; /* reprieved: it stays */
                env->detach(env->sched, d->scratch[i]);
                pool_push(d, d->scratch[i]);
                violations += pass;
            }
        }
        /* Victims in importance order (upstream sorts them at the end). */
        sort_victims(c, &d->pool[first], d->npool - first);
    }
    /* Put the cluster back as it was. */
    for (size_t i = 0; i < n; i++) {
        int victim = 0;
        for (size_t k = first; k < d->npool && !victim; k++)
            victim = d->pool[k] == d->scratch[i];
        if (victim || !fits)
            env->attach(env->sched, d->scratch[i]);
    }
    if (!fits || d->npool == first)
        return 0;
    if (d->ncands == d->cands_cap)
        d->cands = ks_xgrow(d->cands, &d->cands_cap, d->ncands + 1,
                            sizeof *d->cands);
    d->cands[d->ncands++] =
        (candidate){node, first, d->npool - first, violations};
    return 1;
}

/* ---- choosing the node ------------------------------------------------------ */

/* The earliest start among the victims of the highest priority
 * (GetEarliestPodStartTime); victims are sorted by importance. */
static ks_time earliest_top_start(const ks_cluster *c, const uint32_t *v,
                                  size_t n)
{
    int32_t top = c->pods[v[0]].priority;
    ks_time earliest = start_of(&c->pods[v[0]]);
    for (size_t i = 1; i < n && c->pods[v[i]].priority == top; i++)
        if (start_of(&c->pods[v[i]]) < earliest)
            earliest = start_of(&c->pods[v[i]]);
    return earliest;
}

/* The score of candidate k under criterion crit (higher is better). */
static int64_t criterion(const dp_instance *d, const ks_cluster *c, size_t k,
                         int crit)
{
    const candidate *cd = &d->cands[k];
    const uint32_t *v = &d->pool[cd->first];
    switch (crit) {
    case 0: /* fewest PDB violations */
        return -cd->pdb_violations;
    case 1: /* lowest highest-priority victim */
        return -(int64_t)c->pods[v[0]].priority;
    case 2: { /* smallest sum of (priority + 2^31) */
        int64_t sum = 0;
        for (size_t i = 0; i < cd->n; i++)
            sum += (int64_t)c->pods[v[i]].priority + ((int64_t)INT32_MAX + 1);
        return -sum;
    }
    case 3: /* fewest victims */
        return -(int64_t)cd->n;
    default: /* latest earliest-start among the top-priority victims */
        return earliest_top_start(c, v, cd->n);
    }
}

/* pickOneNodeForPreemption: apply the criteria in order, keeping the
 * best-scoring candidates, until one remains; then the first. */
static size_t pick_candidate(dp_instance *d, const ks_cluster *c)
{
    size_t *keep = ks_xmalloc(d->ncands * sizeof *keep);
    size_t nkeep = d->ncands;
    for (size_t k = 0; k < nkeep; k++)
        keep[k] = k;
    for (int crit = 0; crit < 5 && nkeep > 1; crit++) {
        int64_t best = INT64_MIN;
        for (size_t k = 0; k < nkeep; k++) {
            int64_t v = criterion(d, c, keep[k], crit);
            if (v > best)
                best = v;
        }
        size_t m = 0;
        for (size_t k = 0; k < nkeep; k++)
            if (criterion(d, c, keep[k], crit) == best)
                keep[m++] = keep[k];
        nkeep = m;
    }
    size_t chosen = keep[0];
    free(keep);
    return chosen;
}

/* ---- PostFilter ---------------------------------------------------------------- */

/* PodEligibleToPreemptOthers: not with preemptionPolicy Never, and not
 * while victims it already caused on its nominated node are terminating. */
static int eligible(const ks_plugin_call *call, const ks_postfilter_env *env)
{
    const ks_pod *pod = call->pod;
    if (pod->spec && pod->spec->preemption_never)
        return 0;
    uint32_t nn = pod->nominated_node;
    if (nn != KS_NO_NODE && !env->unresolvable[nn]) {
        const ks_cluster *c = call->cluster;
        const ks_node_pods *np = ks_cluster_node_pods(c, &c->nodes[nn]);
        for (uint32_t k = 0; k < np->n; k++) {
            const ks_pod *p = &c->pods[np->pods[k]];
            if (p->terminating && p->priority < pod->priority)
                return 0;
        }
    }
    return 1;
}

static ks_status dp_post_filter(const ks_plugin_call *call,
                                const ks_postfilter_env *env,
                                ks_postfilter_result *out)
{
    dp_instance *d = call->instance;
    const ks_default_preemption_args *a =
        call->args ? call->args : &default_args;
    const ks_cluster *c = call->cluster;
    out->nominated_node = KS_NO_NODE;
    out->victims = NULL;
    out->nvictims = 0;
    if (!d || !eligible(call, env))
        return ks_status_make(KS_STATUS_UNSCHEDULABLE, 0,
                              "preemption: not eligible");
    /* No running pod has a lower priority: no node has a victim (upstream
     * finds the same by examining every node). */
    if (ks_cluster_lowest_running_priority(c) >= call->pod->priority)
        return ks_status_make(KS_STATUS_UNSCHEDULABLE, 0,
                              "preemption: 0 nodes are available");
    /* Nodes where preemption might help: not UnschedulableAndUnresolvable. */
    uint32_t *potential = ks_xmalloc((c->nnodes ? c->nnodes : 1) *
                                     sizeof *potential);
    size_t np = 0;
    for (size_t i = 0; i < c->nnodes; i++)
        if (!env->unresolvable[i])
            potential[np++] = (uint32_t)i;
    d->npool = d->ncands = 0;
    compute_pdb_allowed(d, c);
    if (np > 0) {
        int32_t want = ks_preemption_num_candidates(a, (int32_t)np);
        size_t offset = gsl_rng_uniform_int(env->rng, np);
        size_t nonviolating = 0;
        for (size_t i = 0; i < np; i++) {
            if (select_victims(d, call, env, potential[(offset + i) % np]) &&
                d->cands[d->ncands - 1].pdb_violations == 0)
                nonviolating++;
            /* DryRunPreemption stops once there is a non-violating
             * candidate and enough candidates in all. */
            if (nonviolating > 0 && d->ncands >= (size_t)want)
                break;
        }
    }
    free(potential);
    if (d->ncands == 0)
        return ks_status_make(KS_STATUS_UNSCHEDULABLE, 0,
                              "preemption: 0 nodes are available");
    const candidate *best = &d->cands[pick_candidate(d, c)];
    d->result = ks_xgrow(d->result, &d->result_cap, best->n,
                         sizeof *d->result);
    memcpy(d->result, &d->pool[best->first], best->n * sizeof *d->result);
    out->nominated_node = best->node;
    out->victims = d->result;
    out->nvictims = best->n;
    return ks_status_ok();
}
