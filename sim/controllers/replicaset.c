/* replicaset.c - the ReplicaSet controller's decisions (see replicaset.h).
 *
 * Upstream read (kubernetes/kubernetes, re-implemented, not copied):
 *   pkg/controller/replicaset/replica_set_test.go at commit 003e8629
 *     (TestGetPodsToDelete, TestSlowStartBatch, the ported tables);
 *   pkg/controller/replicaset/replica_set.go - manageReplicas,
 *     slowStartBatch, getPodsToDelete, getPodsRankedByRelatedPodsOnSameNode,
 *     updatePod - and pkg/controller/controller_utils.go -
 *     ActivePodsWithRanks.Less, afterOrZero, logarithmicRankDiff,
 *     podReadyTime, maxContainerRestarts: the index holds only an old
 *     upstream copy of these files (1f8996f8), so the v1.22+ versions (with
 *     the LogarithmicScaleDown and PodDeletionCost gates) were read in
 *     verbatim copies of upstream in other repositories, and checked against
 *     upstream's own tests (controller_utils_test.go
 *     TestSortingActivePodsWithRanks, replica_set_test.go above);
 *   controller_utils.go ControllerExpectations and
 *     UIDTrackingControllerExpectations at 1f8996f8 (unchanged since but for
 *     logging and the injected clock);
 *   pkg/api/v1/pod/util.go - IsPodAvailable.
 */
#include "sim/controllers/replicaset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* ---- manageReplicas ---------------------------------------------------- */

/* manageReplicas: diff = len(filteredPods) - replicas; a negative diff is
 * creates, a positive one deletes, each capped at burstReplicas. */
int ks_rs_manage_diff(int active, int replicas, int burst)
{
    if (burst <= 0)
        burst = KS_RS_BURST_REPLICAS;
    int diff = replicas - active;
    if (diff > burst)
        return burst;
    if (diff < -burst)
        return -burst;
    return diff;
}

/* ---- slowStartBatch ---------------------------------------------------- */

static int min_int(int a, int b) { return a < b ? a : b; }

int ks_rs_slow_start_max_batches(int count, int initial)
{
    if (initial <= 0)
        initial = KS_RS_SLOW_START_INITIAL_BATCH;
    int n = 0;
    int remaining = count;
    for (int size = min_int(remaining, initial); size > 0;
         size = min_int(2 * size, remaining)) {
        n++;
        remaining -= size;
    }
    return n;
}

/* slowStartBatch: batchSize starts at min(remaining, initial) and doubles,
 * capped by what remains; the whole batch runs (concurrently upstream, in
 * index order here), successes are counted, and a batch with any error ends
 * the run. */
ks_rs_slow_start_result ks_rs_slow_start(int count, int initial,
                                         ks_rs_create_fn fn, void *ctx,
                                         int *batches)
{
    ks_rs_slow_start_result r = {0, 0, 0, 0, false};
    if (initial <= 0)
        initial = KS_RS_SLOW_START_INITIAL_BATCH;
    int remaining = count;
    for (int size = min_int(remaining, initial); size > 0;
         size = min_int(2 * size, remaining)) {
        int errors = 0;
        for (int i = 0; i < size; i++) {
            bool ok = fn ? fn(ctx, r.attempted) : true;
            r.attempted++;
            if (!ok)
                errors++;
        }
        if (batches)
            batches[r.n_batches] = size;
        r.n_batches++;
        r.successes += size - errors;
        if (errors > 0) {
            r.failed = true;
            break;
        }
        remaining -= size;
    }
    r.skipped = count > r.successes ? count - r.successes : 0;
    return r;
}

static bool fails_from(void *ctx, int attempt)
{
    return attempt < *(const int *)ctx;
}

ks_rs_slow_start_result ks_rs_slow_start_fail_at(int count, int initial,
                                                 int fail_at, int *batches)
{
    if (fail_at < 0)
        return ks_rs_slow_start(count, initial, NULL, NULL, batches);
    return ks_rs_slow_start(count, initial, fails_from, &fail_at, batches);
}

/* ---- ActivePodsWithRanks.Less ------------------------------------------ */

/* afterOrZero: is t1 after t2, where an unset time counts as after any set
 * one (so pods with no timestamp go first). */
static bool after_or_zero(ks_time t1, ks_time t2)
{
    if (t1 == KS_TIME_UNSET || t2 == KS_TIME_UNSET)
        return t1 == KS_TIME_UNSET;
    return t1 > t2;
}

/* logarithmicRankDiff: int64(log2(now - t)) in nanoseconds (Go's Duration
 * unit, so the buckets are upstream's), -1 for t at or after now. */
static int64_t log_rank(ks_time t, ks_time now)
{
    ks_time d = now - t;
    if (d <= 0)
        return -1;
    return (int64_t)log2((double)d);
}

static int compare_uid(const ks_rs_pod *a, const ks_rs_pod *b)
{
    const char *ua = a->uid ? a->uid : "";
    const char *ub = b->uid ? b->uid : "";
    return strcmp(ua, ub); /* byte order, as Go compares strings */
}

/* The time rules 6 and 8: younger first; with a reference time, times in the
 * same power-of-two age bucket tie, and ties go by UID (pseudo-random, so a
 * scale-down does not always hit the same replicas).  Only called when the
 * two times differ. */
static bool time_less(ks_time ta, ks_time tb, const ks_rs_pod *a,
                      const ks_rs_pod *b, ks_time now)
{
    if (now == KS_TIME_UNSET || ta == KS_TIME_UNSET || tb == KS_TIME_UNSET)
        return after_or_zero(ta, tb);
    int64_t diff = log_rank(ta, now) - log_rank(tb, now);
    if (diff == 0)
        return compare_uid(a, b) < 0;
    return diff < 0;
}

static int phase_ordinal(ks_rs_phase p)
{
    /* podPhaseToOrdinal knows Pending 0, Unknown 1, Running 2; any other
     * phase reads as the map's zero value. */
    switch (p) {
    case KS_RS_UNKNOWN:
        return 1;
    case KS_RS_RUNNING:
        return 2;
    default:
        return 0;
    }
}

bool ks_rs_pod_less(const ks_rs_pod *a, const ks_rs_pod *b, ks_time now)
{
    /* 1. unassigned < assigned */
    bool a_unassigned = a->node < 0, b_unassigned = b->node < 0;
    if (a_unassigned != b_unassigned)
        return a_unassigned;
    /* 2. Pending < Unknown < Running */
    int pa = phase_ordinal(a->phase), pb = phase_ordinal(b->phase);
    if (pa != pb)
        return pa < pb;
    /* 3. not ready < ready */
    if (a->ready != b->ready)
        return !a->ready;
    /* 4. lower pod-deletion-cost first (PodDeletionCost, on by default) */
    if (a->deletion_cost != b->deletion_cost)
        return a->deletion_cost < b->deletion_cost;
    /* 5. doubled up (more related pods on the node) first */
    if (a->rank != b->rank)
        return a->rank > b->rank;
    /* 6. both ready: ready for a shorter time first (podReadyTime is the
     * zero time for a ready pod without lastTransitionTime) */
    if (a->ready && b->ready && a->ready_since != b->ready_since)
        return time_less(a->ready_since, b->ready_since, a, b, now);
    /* 7. more container restarts first */
    if (a->restarts != b->restarts)
        return a->restarts > b->restarts;
    /* 8. created more recently first */
    if (a->created != b->created)
        return time_less(a->created, b->created, a, b, now);
    return false;
}

/* ---- getPodsToDelete --------------------------------------------------- */

void ks_rs_rank_by_node(ks_rs_pod *pods, size_t n, const int *related_nodes,
                        size_t n_related)
{
    /* O(n * n_related) without a map: a ReplicaSet's pods are few compared
     * with a sync's cost, and no hash order can leak into results. */
    for (size_t i = 0; i < n; i++) {
        int node = pods[i].node < 0 ? -1 : pods[i].node;
        int count = 0;
        for (size_t j = 0; j < n_related; j++) {
            int rn = related_nodes[j] < 0 ? -1 : related_nodes[j];
            if (rn == node)
                count++;
        }
        pods[i].rank = count;
    }
}

/* Stable merge sort of indices by ks_rs_pod_less: it needs only "less",
 * never assumes more of the comparator, and keeps equal pods in input order
 * so the result is deterministic. */
static void merge_sort(size_t *idx, size_t *tmp, size_t n,
                       const ks_rs_pod *pods, ks_time now)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    merge_sort(idx, tmp, half, pods, now);
    merge_sort(idx + half, tmp, n - half, pods, now);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) {
        if (ks_rs_pod_less(&pods[idx[j]], &pods[idx[i]], now))
            tmp[k++] = idx[j++];
        else
            tmp[k++] = idx[i++];
    }
    while (i < half)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

size_t ks_rs_pods_to_delete(const ks_rs_pod *pods, size_t n, size_t diff,
                            ks_time now, size_t *out)
{
    if (diff == 0 || n == 0)
        return 0;
    if (diff >= n) {
        /* upstream skips the sort when every pod goes */
        for (size_t i = 0; i < n; i++)
            out[i] = i;
        return n;
    }
    size_t *idx = ks_xmalloc(n * sizeof *idx);
    size_t *tmp = ks_xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    merge_sort(idx, tmp, n, pods, now);
    memcpy(out, idx, diff * sizeof *out);
    free(tmp);
    free(idx);
    return diff;
}

/* ---- availability ------------------------------------------------------ */

/* IsPodAvailable: minReadySeconds == 0, or lastTransitionTime set and
 * lastTransitionTime + minReadySeconds strictly Before(now). */
bool ks_pod_available(bool ready, ks_time ready_since,
                      int32_t min_ready_seconds, ks_time now)
{
    if (!ready)
        return false;
    if (min_ready_seconds <= 0)
        return true;
    if (ready_since == KS_TIME_UNSET)
        return false;
    return ready_since + (ks_time)min_ready_seconds * KS_SECOND < now;
}

/* updatePod: "+1 s" so the recount happens after the pod is available even
 * with millisecond skew between the clocks involved. */
ks_time ks_rs_available_requeue_delay(int32_t min_ready_seconds)
{
    if (min_ready_seconds <= 0)
        return 0;
    return (ks_time)min_ready_seconds * KS_SECOND + KS_SECOND;
}

/* ---- expectations ------------------------------------------------------ */

void ks_expectations_set(ks_expectations *e, int64_t add, int64_t del,
                         ks_time now)
{
    e->recorded = true;
    e->add = add;
    e->del = del;
    e->timestamp = now;
    /* the UID set is separate upstream (uidStore): only ExpectDeletions
     * replaces it */
}

void ks_expectations_expect_creations(ks_expectations *e, int64_t adds,
                                      ks_time now)
{
    ks_expectations_set(e, adds, 0, now);
}

static bool has_uid(const ks_expectations *e, uint64_t uid, size_t *at)
{
    for (size_t i = 0; i < e->n_uids; i++) {
        if (e->uids[i] == uid) {
            if (at)
                *at = i;
            return true;
        }
    }
    return false;
}

void ks_expectations_expect_deletions(ks_expectations *e,
                                      const uint64_t *uids, size_t n,
                                      ks_time now)
{
    ks_expectations_set(e, 0, 0, now);
    e->n_uids = 0; /* upstream clobbers the previous set */
    for (size_t i = 0; i < n; i++) {
        if (has_uid(e, uids[i], NULL))
            continue; /* a set: duplicates count once */
        e->uids = ks_xgrow(e->uids, &e->cap_uids, e->n_uids + 1,
                           sizeof *e->uids);
        e->uids[e->n_uids++] = uids[i];
    }
    e->del = (int64_t)e->n_uids;
}

void ks_expectations_lower(ks_expectations *e, int64_t add, int64_t del)
{
    if (!e->recorded)
        return;
    e->add -= add;
    e->del -= del;
}

void ks_expectations_raise(ks_expectations *e, int64_t add, int64_t del)
{
    if (!e->recorded)
        return;
    e->add += add;
    e->del += del;
}

void ks_expectations_creation_observed(ks_expectations *e)
{
    ks_expectations_lower(e, 1, 0);
}

void ks_expectations_deletion_observed_uid(ks_expectations *e, uint64_t uid)
{
    size_t at;
    if (!has_uid(e, uid, &at))
        return;
    ks_expectations_lower(e, 0, 1);
    e->uids[at] = e->uids[--e->n_uids];
}

bool ks_expectations_fulfilled(const ks_expectations *e)
{
    return e->add <= 0 && e->del <= 0;
}

bool ks_expectations_expired(const ks_expectations *e, ks_time now)
{
    return now - e->timestamp > KS_EXPECTATIONS_TIMEOUT;
}

bool ks_expectations_satisfied(const ks_expectations *e, ks_time now)
{
    if (!e->recorded)
        return true;
    return ks_expectations_fulfilled(e) || ks_expectations_expired(e, now);
}

void ks_expectations_clear(ks_expectations *e)
{
    if (!e)
        return;
    free(e->uids);
    memset(e, 0, sizeof *e);
}
