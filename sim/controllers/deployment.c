/* deployment.c - the Deployment controller's decisions (see deployment.h).
 *
 * Upstream read (kubernetes/kubernetes; re-implemented, not copied):
 *   pkg/controller/deployment/util/deployment_util.go - ResolveFenceposts,
 *     MaxUnavailable, MaxSurge, NewRSNewReplicas, DeploymentComplete,
 *     ReplicaSetsByRevision, and deployment_util_test.go (TestResolveFenceposts,
 *     TestNewRSNewReplicas, TestMaxUnavailable, TestDeploymentComplete) in a
 *     current copy (it already tests GetTerminatingReplicaCountForReplicaSets);
 *     NewRSNewReplicas is unchanged since the extensions/v1beta1 days;
 *   pkg/controller/deployment/rolling.go - rolloutRolling and the
 *     reconcile/cleanup/scale-down functions (upstream commit 03e06024;
 *     current copies keep the same formulas, with ctx/logger added) and
 *     rolling_test.go (commit 00bdb3fa) for the ported tables;
 *   pkg/controller/deployment/sync.go - getNewReplicaSet (new RS sized with
 *     NewRSNewReplicas at creation), cleanupDeployment (ReplicaSetsByRevision
 *     order, as in current copies; old ones sorted by creation time);
 *   pkg/controller/deployment/recreate.go - rolloutRecreate, oldPodsRunning;
 *   k8s.io/apimachinery/pkg/util/intstr - GetScaledValueFromIntOrPercent;
 *   pkg/controller/deployment/sync.go scale and isScalingEvent, and
 *     util/deployment_util.go FindActiveOrLatest, IsSaturated,
 *     GetProportion, getReplicaSetFraction, SetReplicasAnnotations
 *     (current copies, klog.Logger arguments; the fraction falls back to
 *     status.replicas only when the max-replicas annotation is absent),
 *     controller_utils.go ReplicaSetsBySizeNewer / BySizeOlder, and
 *     sync_test.go TestScale (commit 003e8629) for the ported table;
 *   util/deployment_util.go DeploymentProgressing (ready pods count as
 *     progress too), DeploymentTimedOut, HasProgressDeadline
 *     (commit 277391ee) and progress.go requeueStuckDeployment (current
 *     copy: after < 1 s -> rate-limited now, else after + 1 s);
 *   staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go
 *     deploymentRevision (commit 04791b49).
 */
#include "sim/controllers/deployment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* ---- intstr ------------------------------------------------------------ */

ks_intstr ks_intstr_int(int32_t v)
{
    ks_intstr r = {KS_INTSTR_INT, v, NULL};
    return r;
}

ks_intstr ks_intstr_str(const char *s)
{
    ks_intstr r = {KS_INTSTR_STRING, 0, s};
    return r;
}

/* strconv.Atoi on the text before '%': optional sign, then digits only. */
static int parse_percent(const char *s, int64_t *out)
{
    size_t len = strlen(s);
    if (len == 0 || s[len - 1] != '%')
        return -1; /* "string is not a percentage" */
    size_t i = 0, end = len - 1;
    bool neg = false;
    if (i < end && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == end)
        return -1;
    int64_t v = 0;
    for (; i < end; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
        if (v > INT32_MAX)
            return -1;
    }
    *out = neg ? -v : v;
    return 0;
}

/* GetScaledValueFromIntOrPercent: the percentage is scaled in float64 and
 * rounded with math.Ceil / math.Floor, as upstream does. */
int ks_intstr_scaled(const ks_intstr *v, int total, bool round_up, int *out,
                     ks_error *err)
{
    *out = 0;
    if (!v || v->kind == KS_INTSTR_UNSET)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "nil value for IntOrString");
    if (v->kind == KS_INTSTR_INT) {
        *out = v->ival;
        return KS_OK;
    }
    int64_t pct;
    if (!v->sval || parse_percent(v->sval, &pct) != 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "invalid value for IntOrString: \"%s\" is not "
                            "a percentage",
                            v->sval ? v->sval : "");
    double x = (double)pct * (double)total / 100.0;
    *out = (int)(round_up ? ceil(x) : floor(x));
    return KS_OK;
}

/* ---- fenceposts -------------------------------------------------------- */

/* ResolveFenceposts: nil values default to 0 (intstr.ValueOrDefault). */
int ks_deploy_resolve_fenceposts(const ks_intstr *max_surge,
                                 const ks_intstr *max_unavailable,
                                 int32_t desired, int32_t *surge,
                                 int32_t *unavailable, ks_error *err)
{
    ks_intstr zero = ks_intstr_int(0);
    if (!max_surge || max_surge->kind == KS_INTSTR_UNSET)
        max_surge = &zero;
    if (!max_unavailable || max_unavailable->kind == KS_INTSTR_UNSET)
        max_unavailable = &zero;
    *surge = *unavailable = 0;
    int s, u, rc;
    if ((rc = ks_intstr_scaled(max_surge, desired, true, &s, err)) != 0)
        return rc;
    if ((rc = ks_intstr_scaled(max_unavailable, desired, false, &u, err)) != 0)
        return rc;
    /* Validation forbids both 0, but rounding down can make unavailable 0;
     * upstream then allows 1 unavailable in case surge is blocked (quota). */
    if (s == 0 && u == 0)
        u = 1;
    *surge = s;
    *unavailable = u;
    return KS_OK;
}

int32_t ks_deploy_max_unavailable(const ks_deploy_spec *d)
{
    if (d->strategy != KS_DEPLOY_ROLLING_UPDATE || d->replicas == 0)
        return 0;
    int32_t s, u;
    if (ks_deploy_resolve_fenceposts(&d->max_surge, &d->max_unavailable,
                                     d->replicas, &s, &u, NULL) != 0)
        return 0;
    return u > d->replicas ? d->replicas : u;
}

int32_t ks_deploy_max_surge(const ks_deploy_spec *d)
{
    if (d->strategy != KS_DEPLOY_ROLLING_UPDATE)
        return 0;
    int32_t s, u;
    if (ks_deploy_resolve_fenceposts(&d->max_surge, &d->max_unavailable,
                                     d->replicas, &s, &u, NULL) != 0)
        return 0;
    return s;
}

int ks_deploy_new_rs_new_replicas(const ks_deploy_spec *d,
                                  int32_t all_replicas,
                                  int32_t new_rs_replicas, int32_t *out,
                                  ks_error *err)
{
    *out = 0;
    if (d->strategy == KS_DEPLOY_RECREATE) {
        *out = d->replicas;
        return KS_OK;
    }
    /* NewRSNewReplicas scales maxSurge itself (rounding up), without the
     * fencepost fix-up. */
    int surge;
    int rc = ks_intstr_scaled(&d->max_surge, d->replicas, true, &surge, err);
    if (rc != 0)
        return rc;
    int32_t max_total = d->replicas + surge;
    if (all_replicas >= max_total) {
        *out = new_rs_replicas; /* cannot scale up */
        return KS_OK;
    }
    int32_t up = max_total - all_replicas;
    int32_t room = d->replicas - new_rs_replicas;
    *out = new_rs_replicas + (up < room ? up : room);
    return KS_OK;
}

/* ---- rolling update ---------------------------------------------------- */

static bool is_old(const ks_deploy_rs *rs, size_t i, int new_idx)
{
    return (int)i != new_idx && !rs[i].deleted;
}

static int32_t sum_replicas(const ks_deploy_rs *rs, size_t n)
{
    int32_t s = 0;
    for (size_t i = 0; i < n; i++)
        if (!rs[i].deleted)
            s += rs[i].replicas;
    return s;
}

/* ReplicaSetsByCreationTimestamp (ties by name; here by index, the
 * caller's stand-in for the name order). */
static int by_creation(const ks_deploy_rs *rs, size_t a, size_t b)
{
    if (rs[a].created != rs[b].created)
        return rs[a].created < rs[b].created ? -1 : 1;
    return a < b ? -1 : (a > b);
}

/* ReplicaSetsByRevision: revision, then creation time. */
static int by_revision(const ks_deploy_rs *rs, size_t a, size_t b)
{
    if (rs[a].revision != rs[b].revision)
        return rs[a].revision < rs[b].revision ? -1 : 1;
    return by_creation(rs, a, b);
}

/* The old RSs' indices in the order cmp gives (insertion sort: few RSs). */
static size_t old_order(const ks_deploy_rs *rs, size_t n, int new_idx,
                        int (*cmp)(const ks_deploy_rs *, size_t, size_t),
                        size_t *order)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_old(rs, i, new_idx))
            continue;
        size_t j = m++;
        while (j > 0 && cmp(rs, i, order[j - 1]) < 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return m;
}

int32_t ks_deploy_cleanup_unhealthy(ks_deploy_rs *rs, size_t n, int new_idx,
                                    int32_t max_cleanup)
{
    size_t *order = ks_xmalloc((n ? n : 1) * sizeof *order);
    size_t m = old_order(rs, n, new_idx, by_creation, order);
    int32_t total = 0;
    for (size_t k = 0; k < m && total < max_cleanup; k++) {
        ks_deploy_rs *t = &rs[order[k]];
        if (t->replicas == 0 || t->replicas == t->available)
            continue; /* nothing to scale / no unhealthy replicas */
        int32_t unhealthy = t->replicas - t->available;
        int32_t down = max_cleanup - total < unhealthy ? max_cleanup - total
                                                       : unhealthy;
        if (down < 0) { /* more available than replicas: upstream errors */
            free(order);
            return -1;
        }
        t->replicas -= down;
        total += down;
    }
    free(order);
    return total;
}

int32_t ks_deploy_scale_down_old_rolling(const ks_deploy_spec *d,
                                         ks_deploy_rs *rs, size_t n,
                                         int new_idx)
{
    int32_t min_available = d->replicas - ks_deploy_max_unavailable(d);
    int32_t available = 0;
    for (size_t i = 0; i < n; i++)
        if (!rs[i].deleted)
            available += rs[i].available;
    if (available <= min_available)
        return 0;
    size_t *order = ks_xmalloc((n ? n : 1) * sizeof *order);
    size_t m = old_order(rs, n, new_idx, by_creation, order);
    int32_t want = available - min_available, total = 0;
    for (size_t k = 0; k < m && total < want; k++) {
        ks_deploy_rs *t = &rs[order[k]];
        if (t->replicas == 0)
            continue;
        int32_t down = t->replicas < want - total ? t->replicas : want - total;
        t->replicas -= down;
        total += down;
    }
    free(order);
    return total;
}

int ks_deploy_reconcile_new(const ks_deploy_spec *d, ks_deploy_rs *rs,
                            size_t n, int new_idx, bool *scaled,
                            ks_error *err)
{
    *scaled = false;
    if (new_idx < 0 || (size_t)new_idx >= n)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0, "no new ReplicaSet");
    ks_deploy_rs *nrs = &rs[new_idx];
    if (nrs->replicas == d->replicas)
        return KS_OK;
    if (nrs->replicas > d->replicas) {
        nrs->replicas = d->replicas;
        *scaled = true;
        return KS_OK;
    }
    int32_t count;
    int rc = ks_deploy_new_rs_new_replicas(d, sum_replicas(rs, n),
                                           nrs->replicas, &count, err);
    if (rc != 0)
        return rc;
    /* scaleReplicaSetAndRecordEvent: same size is no scale */
    *scaled = count != nrs->replicas;
    nrs->replicas = count;
    return KS_OK;
}

int32_t ks_deploy_reconcile_old(const ks_deploy_spec *d, ks_deploy_rs *rs,
                                size_t n, int new_idx)
{
    int32_t old_pods = 0;
    for (size_t i = 0; i < n; i++)
        if (is_old(rs, i, new_idx))
            old_pods += rs[i].replicas;
    if (old_pods == 0)
        return 0;
    int32_t all = sum_replicas(rs, n);
    int32_t min_available = d->replicas - ks_deploy_max_unavailable(d);
    int32_t new_unavailable = 0;
    if (new_idx >= 0)
        new_unavailable = rs[new_idx].replicas - rs[new_idx].available;
    /* Unavailable new pods count against the budget, so a crash-looping
     * new RS does not let the old RSs shrink further. */
    int32_t max_scaled_down = all - min_available - new_unavailable;
    if (max_scaled_down <= 0)
        return 0;
    /* Unhealthy old replicas go first: removing them costs no
     * availability, and they would otherwise block the rollout. */
    int32_t cleaned = ks_deploy_cleanup_unhealthy(rs, n, new_idx,
                                                  max_scaled_down);
    if (cleaned < 0)
        return 0;
    return cleaned + ks_deploy_scale_down_old_rolling(d, rs, n, new_idx);
}

int64_t ks_deploy_next_revision(const ks_deploy_rs *rs, size_t n, int new_idx)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (is_old(rs, i, new_idx) && rs[i].revision > max)
            max = rs[i].revision;
    return max + 1;
}

/* getNewReplicaSet with createIfNotExisted: sized by NewRSNewReplicas over
 * the old RSs plus itself at 0. */
static int create_new_rs(const ks_deploy_spec *d, ks_deploy_rs *rs,
                         size_t *n, size_t cap, int *new_idx, ks_time now,
                         ks_error *err)
{
    if (*n >= cap)
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "no room for the new ReplicaSet");
    int32_t count;
    int rc = ks_deploy_new_rs_new_replicas(d, sum_replicas(rs, *n), 0,
                                           &count, err);
    if (rc != 0)
        return rc;
    ks_deploy_rs *nrs = &rs[*n];
    memset(nrs, 0, sizeof *nrs);
    nrs->replicas = count;
    nrs->revision = ks_deploy_next_revision(rs, *n, -1);
    nrs->created = now;
    /* SetNewReplicaSetAnnotations(exists = false) */
    ks_deploy_set_replicas_annotations(d, nrs);
    *new_idx = (int)*n;
    (*n)++;
    return KS_OK;
}

/* The replicas before a sync, to annotate what it scaled (every
 * scaleReplicaSetAndRecordEvent goes through scaleReplicaSet, which sets
 * the replica annotations with the size). */
static int32_t *replicas_before(const ks_deploy_rs *rs, size_t n)
{
    int32_t *before = ks_xmalloc((n ? n : 1) * sizeof *before);
    for (size_t i = 0; i < n; i++)
        before[i] = rs[i].replicas;
    return before;
}

static void annotate_scaled(const ks_deploy_spec *d, ks_deploy_rs *rs,
                            size_t n, int32_t *before)
{
    for (size_t i = 0; i < n; i++)
        if (rs[i].replicas != before[i])
            ks_deploy_set_replicas_annotations(d, &rs[i]);
    free(before);
}

static int rolling_sync(const ks_deploy_spec *d, ks_deploy_rs *rs, size_t *n,
                        size_t cap, int *new_idx, ks_time now,
                        ks_deploy_sync_result *out, ks_error *err)
{
    int rc;
    if (*new_idx < 0) {
        if ((rc = create_new_rs(d, rs, n, cap, new_idx, now, err)) != 0)
            return rc;
        out->created_new = true;
    }
    out->new_idx = *new_idx;
    bool scaled;
    if ((rc = ks_deploy_reconcile_new(d, rs, *n, *new_idx, &scaled, err)) != 0)
        return rc;
    if (scaled) {
        out->action = KS_DEPLOY_SCALED_UP_NEW;
        return KS_OK;
    }
    out->scaled_down = ks_deploy_reconcile_old(d, rs, *n, *new_idx);
    if (out->scaled_down > 0)
        out->action = KS_DEPLOY_SCALED_DOWN_OLD;
    return KS_OK;
}

int ks_deploy_rolling_sync(const ks_deploy_spec *d, ks_deploy_rs *rs,
                           size_t *n, size_t cap, int *new_idx, ks_time now,
                           ks_deploy_sync_result *out, ks_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n0 = *n;
    int32_t *before = replicas_before(rs, n0);
    int rc = rolling_sync(d, rs, n, cap, new_idx, now, out, err);
    annotate_scaled(d, rs, n0, before);
    return rc;
}

/* ---- recreate ---------------------------------------------------------- */

bool ks_deploy_old_pods_running(const ks_deploy_rs *rs, size_t n, int new_idx,
                                int32_t old_pods_not_terminal)
{
    int32_t actual = 0;
    for (size_t i = 0; i < n; i++)
        if (is_old(rs, i, new_idx))
            actual += rs[i].status_replicas;
    return actual > 0 || old_pods_not_terminal > 0;
}

static int recreate_sync(const ks_deploy_spec *d, ks_deploy_rs *rs,
                         size_t *n, size_t cap, int *new_idx,
                         int32_t old_pods_running, ks_time now,
                         ks_deploy_sync_result *out, ks_error *err)
{
    out->new_idx = *new_idx;
    /* 1. every old RS to 0 in one sync */
    for (size_t i = 0; i < *n; i++) {
        if (!is_old(rs, i, *new_idx) || rs[i].replicas == 0)
            continue;
        out->scaled_down += rs[i].replicas;
        rs[i].replicas = 0;
    }
    if (out->scaled_down > 0) {
        out->action = KS_DEPLOY_SCALED_DOWN_OLD;
        return KS_OK;
    }
    /* 2. no new pod while any old one may still run */
    if (ks_deploy_old_pods_running(rs, *n, *new_idx, old_pods_running)) {
        out->action = KS_DEPLOY_WAIT_OLD_PODS;
        return KS_OK;
    }
    /* 3. create the new RS at full size, or scale it there */
    if (*new_idx < 0) {
        int rc = create_new_rs(d, rs, n, cap, new_idx, now, err);
        if (rc != 0)
            return rc;
        out->created_new = true;
        out->new_idx = *new_idx;
        out->action = KS_DEPLOY_CREATED_NEW;
        return KS_OK;
    }
    if (rs[*new_idx].replicas != d->replicas) {
        rs[*new_idx].replicas = d->replicas;
        out->action = KS_DEPLOY_SCALED_UP_NEW;
    }
    return KS_OK;
}

int ks_deploy_recreate_sync(const ks_deploy_spec *d, ks_deploy_rs *rs,
                            size_t *n, size_t cap, int *new_idx,
                            int32_t old_pods_running, ks_time now,
                            ks_deploy_sync_result *out, ks_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n0 = *n;
    int32_t *before = replicas_before(rs, n0);
    int rc = recreate_sync(d, rs, n, cap, new_idx, old_pods_running, now, out,
                           err);
    annotate_scaled(d, rs, n0, before);
    return rc;
}

/* ---- completion and history -------------------------------------------- */

bool ks_deploy_complete(int32_t replicas, int32_t updated,
                        int32_t status_replicas, int32_t available)
{
    return updated == replicas && status_replicas == replicas &&
           available == replicas;
}

size_t ks_deploy_cleanup_history(const ks_deploy_spec *d, ks_deploy_rs *rs,
                                 size_t n, int new_idx, size_t *out)
{
    if (d->revision_history_limit < 0 ||
        d->revision_history_limit == INT32_MAX)
        return 0; /* !HasRevisionHistoryLimit */
    size_t *order = ks_xmalloc((n ? n : 1) * sizeof *order);
    size_t m = old_order(rs, n, new_idx, by_revision, order);
    size_t done = 0;
    if (m > (size_t)d->revision_history_limit) {
        size_t diff = m - (size_t)d->revision_history_limit;
        for (size_t k = 0; k < diff; k++) {
            ks_deploy_rs *t = &rs[order[k]];
            /* only RSs with no pods left, asked or present */
            if (t->status_replicas != 0 || t->replicas != 0)
                continue;
            t->deleted = true;
            out[done++] = order[k];
        }
    }
    free(order);
    return done;
}

/* ---- scaling ----------------------------------------------------------- */

bool ks_deploy_set_replicas_annotations(const ks_deploy_spec *d,
                                        ks_deploy_rs *r)
{
    int32_t max = d->replicas + ks_deploy_max_surge(d);
    if (r->annotated && r->desired_replicas == d->replicas &&
        r->max_replicas == max)
        return false;
    r->annotated = true;
    r->desired_replicas = d->replicas;
    r->max_replicas = max;
    return true;
}

/* FilterActiveReplicaSets: spec.replicas > 0. */
static bool is_active(const ks_deploy_rs *r)
{
    return !r->deleted && r->replicas > 0;
}

bool ks_deploy_is_scaling_event(const ks_deploy_spec *d,
                                const ks_deploy_rs *rs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_active(&rs[i]) && rs[i].annotated &&
            rs[i].desired_replicas != d->replicas)
            return true;
    return false;
}

bool ks_deploy_is_saturated(const ks_deploy_spec *d, const ks_deploy_rs *r)
{
    return r && r->annotated && r->replicas == d->replicas &&
           r->desired_replicas == d->replicas && r->available == d->replicas;
}

/* integer.RoundToInt32: half away from zero. */
static int32_t round_to_int32(double a)
{
    return a < 0 ? (int32_t)(a - 0.5) : (int32_t)(a + 0.5);
}

/* getReplicaSetFraction. */
static int32_t rs_fraction(const ks_deploy_spec *d, const ks_deploy_rs *r,
                           int32_t status_replicas)
{
    if (d->replicas == 0)
        return -r->replicas; /* scaling to zero: all of it */
    int32_t max_now = d->replicas + ks_deploy_max_surge(d);
    int32_t max_before = r->annotated ? r->max_replicas : status_replicas;
    if (max_before == 0)
        return 0;
    double size = (double)((int64_t)r->replicas * max_now) / max_before;
    return round_to_int32(size) - r->replicas;
}

int32_t ks_deploy_proportion(const ks_deploy_spec *d, const ks_deploy_rs *r,
                             int32_t status_replicas, int32_t to_add,
                             int32_t added)
{
    if (!r || r->replicas == 0 || to_add == 0 || to_add == added)
        return 0;
    int32_t fraction = rs_fraction(d, r, status_replicas);
    int32_t allowed = to_add - added;
    /* never more than is left to add, nor to remove */
    if (to_add > 0)
        return fraction < allowed ? fraction : allowed;
    return fraction > allowed ? fraction : allowed;
}

/* ReplicaSetsBySizeNewer (newer < 0) / BySizeOlder: bigger first, then by
 * creation (index as the name's stand-in), newest or oldest first. */
static int by_size(const ks_deploy_rs *rs, size_t a, size_t b, bool newer)
{
    if (rs[a].replicas != rs[b].replicas)
        return rs[a].replicas > rs[b].replicas ? -1 : 1;
    return newer ? by_creation(rs, b, a) : by_creation(rs, a, b);
}

/* FindActiveOrLatest: the only active RS, or the newest when none is (the
 * new one first); -1 when several are active or there is no RS. */
static int active_or_latest(const ks_deploy_rs *rs, size_t n, int new_idx)
{
    int active = -1, nactive = 0, newest_old = -1;
    for (size_t i = 0; i < n; i++) {
        if (rs[i].deleted)
            continue;
        if (is_active(&rs[i])) {
            active = (int)i;
            nactive++;
        }
        if ((int)i != new_idx &&
            (newest_old < 0 || by_creation(rs, (size_t)newest_old, i) < 0))
            newest_old = (int)i;
    }
    if (nactive == 1)
        return active;
    if (nactive > 1)
        return -1;
    return new_idx >= 0 ? new_idx : newest_old;
}

/* scaleReplicaSetAndRecordEvent: nothing when the size is the same. */
static int scale_one(const ks_deploy_spec *d, ks_deploy_rs *r,
                     int32_t replicas)
{
    if (r->replicas == replicas)
        return 0;
    r->replicas = replicas;
    ks_deploy_set_replicas_annotations(d, r);
    return 1;
}

int ks_deploy_scale(const ks_deploy_spec *d, ks_deploy_rs *rs, size_t n,
                    int new_idx, int32_t status_replicas)
{
    int one = active_or_latest(rs, n, new_idx);
    if (one >= 0)
        return scale_one(d, &rs[one], d->replicas);
    if (new_idx >= 0 && ks_deploy_is_saturated(d, &rs[new_idx])) {
        int scaled = 0;
        for (size_t i = 0; i < n; i++)
            if ((int)i != new_idx && is_active(&rs[i]))
                scaled += scale_one(d, &rs[i], 0);
        return scaled;
    }
    if (d->strategy != KS_DEPLOY_ROLLING_UPDATE)
        return 0;
    size_t *order = ks_xmalloc((n ? n : 1) * sizeof *order);
    int32_t *size = ks_xmalloc((n ? n : 1) * sizeof *size);
    size_t m = 0;
    int32_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (is_active(&rs[i])) {
            order[m++] = i;
            total += rs[i].replicas;
        }
    int32_t allowed = d->replicas > 0 ? d->replicas + ks_deploy_max_surge(d)
                                      : 0;
    int32_t to_add = allowed - total, added = 0;
    if (to_add != 0) /* insertion sort: few RSs */
        for (size_t k = 1; k < m; k++)
            for (size_t j = k; j > 0 && by_size(rs, order[j], order[j - 1],
                                                to_add > 0) < 0;
                 j--) {
                size_t t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
    for (size_t k = 0; k < m; k++) {
        const ks_deploy_rs *r = &rs[order[k]];
        int32_t p = ks_deploy_proportion(d, r, status_replicas, to_add, added);
        size[k] = r->replicas + p;
        added += p;
    }
    int scaled = 0;
    for (size_t k = 0; k < m; k++) {
        ks_deploy_rs *r = &rs[order[k]];
        if (k == 0 && to_add != 0) { /* the leftover to the biggest */
            size[k] += to_add - added;
            if (size[k] < 0)
                size[k] = 0;
        }
        /* scaleReplicaSet: the size and the annotations, even unchanged */
        scaled += r->replicas != size[k];
        r->replicas = size[k];
        ks_deploy_set_replicas_annotations(d, r);
    }
    free(size);
    free(order);
    return scaled;
}

/* ---- progress ------------------------------------------------------------ */

bool ks_deploy_has_progress_deadline(int32_t deadline_s)
{
    return deadline_s > 0 && deadline_s != INT32_MAX;
}

bool ks_deploy_progressing(const ks_deploy_counts *before,
                           const ks_deploy_counts *now)
{
    int32_t old_before = before->replicas - before->updated;
    int32_t old_now = now->replicas - now->updated;
    return now->updated > before->updated || old_now < old_before ||
           now->ready > before->ready || now->available > before->available;
}

static bool reason_is(const char *reason, const char *want)
{
    return reason && strcmp(reason, want) == 0;
}

bool ks_deploy_timed_out(int32_t deadline_s, const char *reason,
                         ks_time last_update, ks_time now)
{
    if (!ks_deploy_has_progress_deadline(deadline_s) || !reason)
        return false;
    /* a finished rollout is not estimated (a stale cache may still show it
     * while the new RS is being created) */
    if (reason_is(reason, KS_DEPLOY_REASON_NEW_RS_AVAILABLE))
        return false;
    if (reason_is(reason, KS_DEPLOY_REASON_TIMED_OUT))
        return true;
    return last_update + (ks_time)deadline_s * KS_SECOND < now;
}

ks_time ks_deploy_progress_recheck(int32_t deadline_s, const char *reason,
                                   ks_time last_update, bool complete,
                                   ks_time now)
{
    if (!ks_deploy_has_progress_deadline(deadline_s) || !reason || complete ||
        reason_is(reason, KS_DEPLOY_REASON_TIMED_OUT))
        return -1;
    ks_time after = last_update + (ks_time)deadline_s * KS_SECOND - now;
    if (after < KS_SECOND)
        return 0;
    /* "Add a second to avoid milliseconds skew in AddAfter" */
    return after + KS_SECOND;
}

/* ---- rollback ------------------------------------------------------------ */

int ks_deploy_rollback_target(const ks_deploy_rs *rs, size_t n,
                              int64_t to_revision)
{
    if (to_revision < 0)
        return -1;
    int latest = -1, previous = -1;
    int64_t latest_rev = -1, previous_rev = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t v = rs[i].revision;
        if (to_revision > 0) {
            if (v == to_revision)
                return (int)i;
        } else if (latest_rev < v) {
            previous = latest;
            previous_rev = latest_rev;
            latest = (int)i;
            latest_rev = v;
        } else if (previous_rev < v) {
            previous = (int)i;
            previous_rev = v;
        }
    }
    if (to_revision > 0)
        return -1;
    return previous >= 0 ? previous : -2;
}

/* ---- driver ------------------------------------------------------------ */

int ks_deploy_rollout(const ks_deploy_spec *d, int32_t old_replicas, int lag,
                      ks_deploy_step *steps, int max_steps, ks_error *err)
{
    ks_deploy_rs rs[2];
    int32_t before[2];
    size_t n = 1;
    int new_idx = -1, recorded = 0;
    memset(rs, 0, sizeof rs);
    rs[0].replicas = rs[0].status_replicas = rs[0].available = old_replicas;
    rs[0].revision = 1;
    for (int sync = 0; sync < 1000; sync++) {
        before[0] = rs[0].replicas;
        before[1] = n == 2 ? rs[1].replicas : 0;
        ks_deploy_sync_result r;
        int rc = ks_deploy_rolling_sync(d, rs, &n, 2, &new_idx,
                                        (ks_time)(sync + 1) * KS_SECOND, &r,
                                        err);
        if (rc != 0)
            return rc;
        if (!r.created_new && r.action == KS_DEPLOY_NOTHING)
            return recorded;
        if (recorded >= max_steps)
            return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                                "more than %d rollout steps", max_steps);
        steps[recorded].old_replicas = rs[0].replicas;
        steps[recorded].new_replicas = rs[new_idx].replicas;
        recorded++;
        /* Pods become available: at once (lag 0), or those that existed
         * before this sync (lag 1); deleted pods are gone at once. */
        for (size_t i = 0; i < n; i++) {
            int32_t ready = lag > 0 && before[i] < rs[i].replicas
                                ? before[i]
                                : rs[i].replicas;
            rs[i].available = ready;
            rs[i].status_replicas = rs[i].replicas;
        }
    }
    return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                        "rollout did not settle in 1000 syncs");
}
