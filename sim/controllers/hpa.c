/* hpa.c - HorizontalPodAutoscaler: replica calculator, stabilization and
 * scaling rules.  Upstream sources: see hpa.h. */
#include "sim/controllers/hpa.h"

#include <math.h>
#include <stdlib.h>

#include "sim/xalloc.h"

/* ---- replica calculator -------------------------------------------------- */

/* Tolerances.isWithin: inside [1 - down, 1 + up] nothing changes. */
static bool within_tolerance(double ratio, double tol_down, double tol_up)
{
    return (1.0 - tol_down) <= ratio && ratio <= (1.0 + tol_up);
}

/* GetResourceUtilizationRatio over the pods whose metric counts; usage[]
 * overrides the pods' own usage (for the missing/unready rebalancing). */
static int utilization_ratio(const ks_hpa_pod *pods, const int64_t *usage,
                             const bool *counted, int n, int32_t target,
                             double *ratio, int32_t *utilization)
{
    int64_t usage_total = 0, requests_total = 0;
    for (int i = 0; i < n; i++) {
        if (!counted[i])
            continue;
        usage_total += usage[i];
        requests_total += pods[i].request_milli;
    }
    if (requests_total == 0)
        return KS_EINVAL;
    /* Integer percent, truncated, as upstream. */
    *utilization = (int32_t)((usage_total * 100) / requests_total);
    *ratio = (double)*utilization / (double)target;
    return KS_OK;
}

typedef enum pod_group { POD_READY, POD_UNREADY, POD_MISSING, POD_IGNORED }
    pod_group;

/* groupPods, with the unready decision taken by the caller. */
static pod_group group_pod(const ks_hpa_pod *p)
{
    if (p->ignored)
        return POD_IGNORED;
    if (!p->has_metric)
        return p->unready ? POD_UNREADY : POD_MISSING;
    return p->unready ? POD_UNREADY : POD_READY;
}

int ks_hpa_resource_replicas(int32_t current, int32_t target_utilization,
                             double tol_down, double tol_up,
                             const ks_hpa_pod *pods, int n_pods,
                             int32_t *replicas, int32_t *utilization,
                             ks_error *err)
{
    if (n_pods <= 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "hpa: no pods returned by selector");
    if (target_utilization <= 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "hpa: target utilization must be positive");
    int64_t *usage = ks_xcalloc((size_t)n_pods, sizeof *usage);
    bool *counted = ks_xcalloc((size_t)n_pods, sizeof *counted);
    int ready = 0, unready = 0, missing = 0, n_metrics = 0;
    for (int i = 0; i < n_pods; i++) {
        pod_group g = group_pod(&pods[i]);
        ready += g == POD_READY;
        unready += g == POD_UNREADY;
        missing += g == POD_MISSING;
        counted[i] = g == POD_READY;
        usage[i] = pods[i].usage_milli;
        n_metrics += counted[i];
    }
    int rc = KS_OK;
    double ratio, new_ratio;
    int32_t util, ignored_util;
    if (n_metrics == 0) {
        rc = ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                          "hpa: did not receive metrics for targeted pods");
        goto out;
    }
    if (utilization_ratio(pods, usage, counted, n_pods, target_utilization,
                          &ratio, &util) != KS_OK) {
        rc = ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                          "hpa: no metrics returned matched known pods");
        goto out;
    }
    *utilization = util;
    bool up_with_unready = unready > 0 && ratio > 1.0;
    if (!up_with_unready && missing == 0) {
        *replicas = within_tolerance(ratio, tol_down, tol_up)
                        ? current
                        : (int32_t)ceil(ratio * (double)ready);
        goto out;
    }
    /* Missing metrics: 100% (or the target, if higher) of the request on a
     * scale-down, 0% on a scale-up; unready pods: 0% on a scale-up. */
    int64_t fallback = target_utilization > 100 ? target_utilization : 100;
    for (int i = 0; i < n_pods; i++) {
        pod_group g = group_pod(&pods[i]);
        if (g == POD_MISSING && ratio != 1.0) {
            usage[i] = ratio < 1.0 ? pods[i].request_milli * fallback / 100 : 0;
            counted[i] = true;
        } else if (g == POD_UNREADY && up_with_unready) {
            usage[i] = 0;
            counted[i] = true;
        }
    }
    int n_counted = 0;
    for (int i = 0; i < n_pods; i++)
        n_counted += counted[i];
    if (utilization_ratio(pods, usage, counted, n_pods, target_utilization,
                          &new_ratio, &ignored_util) != KS_OK) {
        rc = ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                          "hpa: no metrics returned matched known pods");
        goto out;
    }
    /* Keep the count if the rebalanced ratio is within tolerance or flips
     * the direction of the change. */
    if (within_tolerance(new_ratio, tol_down, tol_up) ||
        (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)) {
        *replicas = current;
        goto out;
    }
    int32_t r = (int32_t)ceil(new_ratio * (double)n_counted);
    if ((new_ratio < 1.0 && r > current) || (new_ratio > 1.0 && r < current))
        r = current;
    *replicas = r;
out:
    free(usage);
    free(counted);
    return rc;
}

/* ---- controller state ---------------------------------------------------- */

typedef struct hpa_rec {
    int32_t replicas;
    ks_time at;
} hpa_rec;

typedef struct hpa_event {
    int32_t change;
    ks_time at;
    bool outdated;
} hpa_event;

typedef struct event_list {
    hpa_event *v;
    size_t n, cap;
} event_list;

struct ks_hpa {
    ks_hpa_spec spec;
    hpa_rec *recs; /* timestampedRecommendation list; NULL = none yet */
    size_t n_recs, cap_recs;
    event_list up, down;
};

static ks_hpa_rules default_scale_up(void)
{
    ks_hpa_rules r = {0, KS_HPA_SELECT_MAX, {{false, 4, 15}, {true, 100, 15}},
                      2};
    return r;
}

static ks_hpa_rules default_scale_down(void)
{
    ks_hpa_rules r = {-1, KS_HPA_SELECT_MAX, {{true, 100, 15}}, 1};
    return r;
}

void ks_hpa_spec_default(ks_hpa_spec *spec)
{
    spec->min_replicas = 1;
    spec->max_replicas = 0;
    spec->target_utilization = 80; /* DefaultCPUUtilization */
    spec->tolerance_down = KS_HPA_TOLERANCE;
    spec->tolerance_up = KS_HPA_TOLERANCE;
    spec->has_behavior = false;
    spec->scale_up = default_scale_up();
    spec->scale_down = default_scale_down();
    spec->downscale_window = KS_HPA_DOWNSCALE_STABILIZATION;
}

static bool rules_valid(const ks_hpa_rules *r)
{
    if (r->n_policies < 0 || r->n_policies > KS_HPA_MAX_POLICIES)
        return false;
    for (int i = 0; i < r->n_policies; i++)
        if (r->policies[i].value <= 0 || r->policies[i].period_seconds <= 0)
            return false;
    return true;
}

ks_hpa *ks_hpa_create(const ks_hpa_spec *spec, ks_error *err)
{
    if (spec->min_replicas < 0 || spec->max_replicas < 1 ||
        spec->min_replicas > spec->max_replicas ||
        spec->target_utilization <= 0 || spec->tolerance_down < 0 ||
        spec->tolerance_up < 0 || spec->downscale_window < 0 ||
        !rules_valid(&spec->scale_up) || !rules_valid(&spec->scale_down)) {
        ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                     "hpa: invalid spec (replica bounds, target, tolerance "
                     "or scaling policies)");
        return NULL;
    }
    ks_hpa *h = ks_xcalloc(1, sizeof *h);
    h->spec = *spec;
    /* maybeInitScaleDownStabilizationWindow */
    if (h->spec.scale_down.stabilization_window_seconds < 0)
        h->spec.scale_down.stabilization_window_seconds =
            (int32_t)(spec->downscale_window / KS_SECOND);
    if (h->spec.scale_up.stabilization_window_seconds < 0)
        h->spec.scale_up.stabilization_window_seconds = 0;
    return h;
}

void ks_hpa_destroy(ks_hpa *h)
{
    if (!h)
        return;
    free(h->recs);
    free(h->up.v);
    free(h->down.v);
    free(h);
}

static void append_rec(ks_hpa *h, int32_t replicas, ks_time now)
{
    h->recs = ks_xgrow(h->recs, &h->cap_recs, h->n_recs + 1, sizeof *h->recs);
    h->recs[h->n_recs++] = (hpa_rec){replicas, now};
}

/* recordInitialRecommendation: the first sync seeds the history with the
 * current count, so a fresh HPA does not scale down at once. */
static void record_initial(ks_hpa *h, int32_t current, ks_time now)
{
    if (h->n_recs == 0)
        append_rec(h, current, now);
}

/* Replaces the last too-old sample (index old >= 0) or appends. */
static void store_rec(ks_hpa *h, long old, int32_t replicas, ks_time now)
{
    if (old >= 0)
        h->recs[old] = (hpa_rec){replicas, now};
    else
        append_rec(h, replicas, now);
}

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

/* ---- no behavior: normalizeDesiredReplicas ------------------------------- */

static int32_t stabilize_legacy(ks_hpa *h, int32_t proposed, ks_time now)
{
    int32_t best = proposed;
    long old = -1;
    ks_time cutoff = now - h->spec.downscale_window;
    for (size_t i = 0; i < h->n_recs; i++) {
        if (h->recs[i].at < cutoff)
            old = (long)i;
        else if (h->recs[i].replicas > best)
            best = h->recs[i].replicas;
    }
    store_rec(h, old, proposed, now);
    return best;
}

/* convertDesiredReplicasWithRules */
static int32_t clamp_legacy(const ks_hpa_spec *s, int32_t current,
                            int32_t desired)
{
    double limit = fmax(KS_HPA_SCALE_UP_LIMIT_FACTOR * (double)current,
                        KS_HPA_SCALE_UP_LIMIT_MINIMUM);
    int32_t max_allowed = min32(s->max_replicas, (int32_t)limit);
    if (desired < s->min_replicas)
        return s->min_replicas;
    if (desired > max_allowed)
        return max_allowed;
    return desired;
}

/* ---- behavior: normalizeDesiredReplicasWithBehaviors --------------------- */

static int32_t stabilize_behavior(ks_hpa *h, int32_t current,
                                  int32_t proposed, ks_time now)
{
    ks_time up_cut =
        now - h->spec.scale_up.stabilization_window_seconds * KS_SECOND;
    ks_time down_cut =
        now - h->spec.scale_down.stabilization_window_seconds * KS_SECOND;
    int32_t up = proposed, down = proposed;
    long old = -1;
    for (size_t i = 0; i < h->n_recs; i++) {
        const hpa_rec *r = &h->recs[i];
        if (r->at > up_cut)
            up = min32(r->replicas, up);
        if (r->at > down_cut)
            down = max32(r->replicas, down);
        if (r->at < up_cut && r->at < down_cut)
            old = (long)i;
    }
    int32_t rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    store_rec(h, old, proposed, now);
    return rec;
}

/* getReplicasChangePerPeriod: changes strictly inside the last period. */
static int32_t change_in_period(const event_list *ev, int32_t period_s,
                                ks_time now)
{
    ks_time cutoff = now - period_s * KS_SECOND;
    int32_t sum = 0;
    for (size_t i = 0; i < ev->n; i++)
        if (ev->v[i].at > cutoff)
            sum += ev->v[i].change;
    return sum;
}

static int32_t pick(bool take_max, int32_t a, int32_t b)
{
    return take_max ? max32(a, b) : min32(a, b);
}

/* calculateScaleUpLimitWithScalingRules */
static int32_t scale_up_limit(const ks_hpa *h, int32_t current, ks_time now)
{
    const ks_hpa_rules *r = &h->spec.scale_up;
    if (r->select == KS_HPA_SELECT_DISABLED)
        return current;
    bool use_max = r->select == KS_HPA_SELECT_MAX;
    int32_t result = use_max ? INT32_MIN : INT32_MAX;
    for (int i = 0; i < r->n_policies; i++) {
        const ks_hpa_policy *p = &r->policies[i];
        int32_t start = current -
                        change_in_period(&h->up, p->period_seconds, now) +
                        change_in_period(&h->down, p->period_seconds, now);
        int32_t proposed =
            p->percent
                ? (int32_t)ceil((double)start * (1.0 + p->value / 100.0))
                : start + p->value;
        result = pick(use_max, result, proposed);
    }
    return result;
}

/* calculateScaleDownLimitWithBehaviors: for scale-down the "max change"
 * policy gives the lowest count. */
static int32_t scale_down_limit(const ks_hpa *h, int32_t current, ks_time now)
{
    const ks_hpa_rules *r = &h->spec.scale_down;
    if (r->select == KS_HPA_SELECT_DISABLED)
        return current;
    bool use_max_change = r->select == KS_HPA_SELECT_MAX;
    int32_t result = use_max_change ? INT32_MAX : INT32_MIN;
    for (int i = 0; i < r->n_policies; i++) {
        const ks_hpa_policy *p = &r->policies[i];
        int32_t start = current -
                        change_in_period(&h->up, p->period_seconds, now) +
                        change_in_period(&h->down, p->period_seconds, now);
        int32_t proposed =
            p->percent ? (int32_t)((double)start * (1.0 - p->value / 100.0))
                       : start - p->value;
        result = pick(!use_max_change, result, proposed);
    }
    return result;
}

/* convertDesiredReplicasWithBehaviorRate */
static int32_t clamp_behavior(const ks_hpa *h, int32_t current,
                              int32_t desired, ks_time now)
{
    const ks_hpa_spec *s = &h->spec;
    if (desired > current) {
        int32_t limit = max32(scale_up_limit(h, current, now), current);
        int32_t max_allowed = min32(s->max_replicas, limit);
        return desired > max_allowed ? max_allowed : desired;
    }
    if (desired < current) {
        int32_t limit = min32(scale_down_limit(h, current, now), current);
        int32_t min_allowed = max32(s->min_replicas, limit);
        return desired < min_allowed ? min_allowed : desired;
    }
    return desired;
}

int32_t ks_hpa_normalize(ks_hpa *h, int32_t current, int32_t proposed,
                         ks_time now)
{
    if (!h->spec.has_behavior)
        return clamp_legacy(&h->spec, current,
                            stabilize_legacy(h, proposed, now));
    int32_t stabilized = stabilize_behavior(h, current, proposed, now);
    return clamp_behavior(h, current, stabilized, now);
}

static int32_t longest_period(const ks_hpa_rules *r)
{
    int32_t longest = 0;
    for (int i = 0; i < r->n_policies; i++)
        longest = max32(longest, r->policies[i].period_seconds);
    return longest;
}

/* storeScaleEvent: mark events older than the longest policy period
 * outdated, reuse the last outdated slot, else append. */
static void store_event(event_list *ev, int32_t longest_s, int32_t change,
                        ks_time now)
{
    ks_time cutoff = now - longest_s * KS_SECOND;
    long old = -1;
    for (size_t i = 0; i < ev->n; i++) {
        if (ev->v[i].at < cutoff)
            ev->v[i].outdated = true;
        if (ev->v[i].outdated)
            old = (long)i;
    }
    hpa_event e = {change, now, false};
    if (old >= 0) {
        ev->v[old] = e;
        return;
    }
    ev->v = ks_xgrow(ev->v, &ev->cap, ev->n + 1, sizeof *ev->v);
    ev->v[ev->n++] = e;
}

void ks_hpa_record_scale(ks_hpa *h, int32_t prev, int32_t next, ks_time now)
{
    if (!h->spec.has_behavior)
        return; /* the events are only read by the behavior rules */
    if (next > prev)
        store_event(&h->up, longest_period(&h->spec.scale_up), next - prev,
                    now);
    else
        store_event(&h->down, longest_period(&h->spec.scale_down),
                    prev - next, now);
}

int ks_hpa_reconcile(ks_hpa *h, int32_t current, const ks_hpa_pod *pods,
                     int n_pods, ks_time now, int32_t *desired,
                     int32_t *utilization, ks_error *err)
{
    const ks_hpa_spec *s = &h->spec;
    *utilization = -1;
    record_initial(h, current, now);
    int32_t want;
    if (current == 0 && s->min_replicas != 0) {
        *desired = 0; /* autoscaling disabled for a target scaled to 0 */
        return KS_OK;
    } else if (current > s->max_replicas) {
        want = s->max_replicas;
    } else if (current < s->min_replicas) {
        want = s->min_replicas;
    } else {
        int32_t proposal = 0;
        int rc = ks_hpa_resource_replicas(current, s->target_utilization,
                                          s->tolerance_down, s->tolerance_up,
                                          pods, n_pods, &proposal,
                                          utilization, err);
        if (rc != KS_OK)
            return rc;
        want = ks_hpa_normalize(h, current, proposal, now);
    }
    if (want != current)
        ks_hpa_record_scale(h, current, want, now);
    *desired = want;
    return KS_OK;
}
