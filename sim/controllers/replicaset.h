/* replicaset.h - the ReplicaSet controller's decisions, as pure functions.
 *
 * Re-implements, from kube-controller-manager (kubernetes/kubernetes, read
 * at the copies cited in replicaset.c):
 *   - manageReplicas (pkg/controller/replicaset/replica_set.go): how many
 *     pods one sync creates or deletes (diff capped at burstReplicas = 500);
 *   - slowStartBatch (same file): creates in batches 1, 2, 4, ... that stop
 *     after the first batch with a failure;
 *   - getPodsToDelete / getPodsRankedByRelatedPodsOnSameNode (same file) and
 *     ActivePodsWithRanks.Less (pkg/controller/controller_utils.go): which
 *     pods a scale-down deletes, with LogarithmicScaleDown and
 *     PodDeletionCost on (their defaults since v1.22);
 *   - ControllerExpectations / UIDTrackingControllerExpectations
 *     (controller_utils.go): the controller does not sync a ReplicaSet again
 *     until it has observed the creates/deletes it issued, or 5 minutes pass;
 *   - podutil.IsPodAvailable (pkg/api/v1/pod/util.go): ready for longer than
 *     minReadySeconds, and the "+1 s" requeue of updatePod.
 *
 * How the lead calls it: on a sync of a ReplicaSet, check
 * ks_expectations_satisfied(); count the active pods (phase not
 * Succeeded/Failed, no deletionTimestamp); ks_rs_manage_diff() gives the
 * creates (>0) or deletes (<0).  For creates, run ks_rs_slow_start() with a
 * callback that issues one create, then ks_expectations_lower() by the
 * skipped count.  For deletes, describe the active pods as ks_rs_pod (rank
 * from ks_rs_rank_by_node() over the active pods of every ReplicaSet of the
 * same owner), call ks_rs_pods_to_delete(), and ks_expectations_expect_
 * deletions() with their UIDs.  Informer add/delete events call
 * ks_expectations_creation_observed() / _deletion_observed_uid().
 *
 * Nothing here reads a clock or keeps global state: "now" is an argument.
 * Ownership: ks_rs_pod borrows its uid string; the caller owns every array
 * passed in or out.  A ks_expectations owns its UID array: release it with
 * ks_expectations_clear().
 */
#ifndef KS_CONTROLLERS_REPLICASET_H
#define KS_CONTROLLERS_REPLICASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"

/* replica_set.go: BurstReplicas, the creates or deletes of one sync. */
#define KS_RS_BURST_REPLICAS 500
/* controller_utils.go: SlowStartInitialBatchSize. */
#define KS_RS_SLOW_START_INITIAL_BATCH 1
/* controller_utils.go: ExpectationsTimeout. */
#define KS_EXPECTATIONS_TIMEOUT (5 * KS_MINUTE)
/* A timestamp that is not set (Go's zero metav1.Time). */
#define KS_TIME_UNSET INT64_MIN

/* ---- manageReplicas ---------------------------------------------------- */

/* replicas - active, capped to +-burst: > 0 creates, < 0 deletes, 0 none.
 * burst <= 0 means KS_RS_BURST_REPLICAS. */
int ks_rs_manage_diff(int active, int replicas, int burst);

/* ---- slowStartBatch ---------------------------------------------------- */

/* One create attempt; attempt counts from 0 in the order issued.  Returns
 * true when the create succeeds. */
typedef bool (*ks_rs_create_fn)(void *ctx, int attempt);

/* The outcome of one slow-start run. */
typedef struct ks_rs_slow_start_result {
    int successes;  /* creates that succeeded */
    int attempted;  /* creates issued (whole batches, the failing one too) */
    int skipped;    /* count - successes: lower the expectations by this */
    int n_batches;  /* batches issued */
    bool failed;    /* a batch had a failure, so later batches were skipped */
} ks_rs_slow_start_result;

/* Issues count creates in batches of initial, 2*initial, 4*initial, ...
 * (each capped by what remains); every create of a batch is attempted (they
 * run concurrently upstream), and a batch with any failure ends the run.
 * batches (may be NULL) receives the size of each batch issued; it needs
 * room for ks_rs_slow_start_max_batches(count, initial) entries.  fn NULL
 * means every create succeeds.  initial <= 0 means 1. */
ks_rs_slow_start_result ks_rs_slow_start(int count, int initial,
                                         ks_rs_create_fn fn, void *ctx,
                                         int *batches);
/* Same, where the create with index fail_at (0-based) and every later one
 * fails; fail_at < 0 means none fails. */
ks_rs_slow_start_result ks_rs_slow_start_fail_at(int count, int initial,
                                                 int fail_at, int *batches);
/* The number of batches a run of count creates takes when none fails. */
int ks_rs_slow_start_max_batches(int count, int initial);

/* ---- which pods to delete ---------------------------------------------- */

typedef enum ks_rs_phase {
    KS_RS_PENDING = 0,
    KS_RS_UNKNOWN = 1,
    KS_RS_RUNNING = 2,
    KS_RS_SUCCEEDED = 3, /* not active: never ranked upstream */
    KS_RS_FAILED = 4
} ks_rs_phase;

/* What ActivePodsWithRanks.Less reads of one pod. */
typedef struct ks_rs_pod {
    int node;             /* node id; < 0 = not assigned (no nodeName) */
    ks_rs_phase phase;
    bool ready;           /* PodReady condition True */
    ks_time ready_since;  /* its lastTransitionTime, or KS_TIME_UNSET */
    int restarts;         /* highest restartCount of its containers */
    ks_time created;      /* creationTimestamp, or KS_TIME_UNSET */
    int deletion_cost;    /* controller.kubernetes.io/pod-deletion-cost */
    const char *uid;      /* borrowed; NULL reads as "" */
    int rank;             /* active related pods on the same node */
} ks_rs_pod;

/* ActivePodsWithRanks.Less: true when a should be deleted before b.  now
 * is the reference time of the log2 comparisons; KS_TIME_UNSET compares
 * the times directly (upstream's zero Now). */
bool ks_rs_pod_less(const ks_rs_pod *a, const ks_rs_pod *b, ks_time now);

/* Sets pods[i].rank = the number of related pods on pods[i].node
 * (unassigned pods count the unassigned related pods, as upstream's map
 * keyed by nodeName "" does).  related_nodes are the node ids of the
 * ACTIVE pods of every ReplicaSet with the same controller owner (the
 * caller filters them); they include the pods being ranked. */
void ks_rs_rank_by_node(ks_rs_pod *pods, size_t n, const int *related_nodes,
                        size_t n_related);

/* getPodsToDelete: writes to out the indices (into pods) of the diff pods
 * to delete, first to delete first.  When diff < n the pods are sorted by
 * ks_rs_pod_less (ties keep input order: upstream's sort is not stable, so
 * pods that compare equal may come out in another order there); when
 * diff >= n, all n are returned in input order, unsorted, as upstream does.
 * Returns the number written, min(diff, n) (0 when diff <= 0). */
size_t ks_rs_pods_to_delete(const ks_rs_pod *pods, size_t n, size_t diff,
                            ks_time now, size_t *out);

/* ---- availability ------------------------------------------------------ */

/* IsPodAvailable: ready, and minReadySeconds is 0 or the pod has been ready
 * for strictly longer than it (ready_since + minReady < now). */
bool ks_pod_available(bool ready, ks_time ready_since,
                      int32_t min_ready_seconds, ks_time now);
/* updatePod: when a pod turns ready and minReadySeconds > 0, the ReplicaSet
 * is requeued after minReadySeconds + 1 s; returns that delay, or 0 when
 * min_ready_seconds <= 0 (no requeue). */
ks_time ks_rs_available_requeue_delay(int32_t min_ready_seconds);

/* ---- expectations ------------------------------------------------------ */

/* The expectations of one controller key (one ReplicaSet).  Zero-initialise
 * (= "never recorded"). */
typedef struct ks_expectations {
    bool recorded;     /* SetExpectations was called and not deleted since */
    int64_t add;       /* creates not yet observed */
    int64_t del;       /* deletes not yet observed */
    ks_time timestamp; /* when they were set (the TTL counts from here) */
    uint64_t *uids;    /* UIDTracking: pods whose deletion is expected */
    size_t n_uids, cap_uids;
} ks_expectations;

/* SetExpectations: replaces the counts and restarts the TTL; the UID set
 * is kept (only expect_deletions replaces it, as upstream). */
void ks_expectations_set(ks_expectations *e, int64_t add, int64_t del,
                         ks_time now);
void ks_expectations_expect_creations(ks_expectations *e, int64_t adds,
                                      ks_time now);
/* UIDTrackingControllerExpectations.ExpectDeletions: del = the number of
 * distinct uids. */
void ks_expectations_expect_deletions(ks_expectations *e,
                                      const uint64_t *uids, size_t n,
                                      ks_time now);
/* LowerExpectations / RaiseExpectations: no-ops when nothing recorded. */
void ks_expectations_lower(ks_expectations *e, int64_t add, int64_t del);
void ks_expectations_raise(ks_expectations *e, int64_t add, int64_t del);
void ks_expectations_creation_observed(ks_expectations *e);
/* Counts a deletion only if uid is an expected one (once per uid). */
void ks_expectations_deletion_observed_uid(ks_expectations *e, uint64_t uid);
/* add <= 0 && del <= 0. */
bool ks_expectations_fulfilled(const ks_expectations *e);
/* More than KS_EXPECTATIONS_TIMEOUT since they were set. */
bool ks_expectations_expired(const ks_expectations *e, ks_time now);
/* SatisfiedExpectations: true (sync) when never recorded, fulfilled or
 * expired. */
bool ks_expectations_satisfied(const ks_expectations *e, ks_time now);
/* DeleteExpectations: back to "never recorded"; frees the UID array.
 * Accepts NULL. */
void ks_expectations_clear(ks_expectations *e);

#endif
