/* test_rs_deployment.c - the ReplicaSet and Deployment controllers'
 * algorithms (sim/controllers/replicaset.h, deployment.h), with upstream's
 * test tables ported where they exist (each case names the Go test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/deployment.h"
#include "sim/controllers/replicaset.h"
#include "sim/engine.h"
#include "tests/test_util.h"

void ks_suite_rs_deployment(void);

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A reference "now" far enough from 0 that "a month ago" is positive. */
#define NOW ((ks_time)400 * 24 * KS_HOUR)
#define DAY (24 * KS_HOUR)

static ks_rs_pod pod(int node, ks_rs_phase phase, bool ready, int restarts,
                     ks_time ready_since, ks_time created, int cost)
{
    ks_rs_pod p;
    memset(&p, 0, sizeof p);
    p.node = node;
    p.phase = phase;
    p.ready = ready;
    p.restarts = restarts;
    p.ready_since = ready_since;
    p.created = created;
    p.deletion_cost = cost;
    p.uid = NULL;
    return p;
}

/* ---- ActivePodsWithRanks.Less ------------------------------------------ */

/* The pods of controller_utils_test.go TestSortingActivePodsWithRanks
 * (its pod() helper: restarts only recorded for ready pods; no UIDs). */
#define T_UNSET KS_TIME_UNSET
#define THEN_1MONTH (NOW - 30 * DAY)
#define THEN_2H (NOW - 2 * KS_HOUR)
#define THEN_5H (NOW - 5 * KS_HOUR)
#define THEN_8H (NOW - 8 * KS_HOUR)
enum {
    UNSCHEDULED, SCHEDULED_PENDING, UNKNOWN_PHASE, RUNNING_NOT_READY,
    READY_NO_LTT, READY_NOW, READY_THEN, READY_NOW_HIGH_RESTARTS,
    READY_NOW_CREATED_THEN, LOW_COST, HIGH_COST, UNSCHEDULED_5H,
    UNSCHEDULED_8H, READY_2H, READY_5H, READY_10H, N_RANK_PODS
};

static void rank_pods(ks_rs_pod *p)
{
    p[UNSCHEDULED] = pod(-1, KS_RS_PENDING, false, 0, T_UNSET, T_UNSET, 0);
    p[SCHEDULED_PENDING] = pod(0, KS_RS_PENDING, false, 0, T_UNSET, T_UNSET, 0);
    p[UNKNOWN_PHASE] = pod(0, KS_RS_UNKNOWN, false, 0, T_UNSET, T_UNSET, 0);
    p[RUNNING_NOT_READY] = pod(0, KS_RS_RUNNING, false, 0, T_UNSET, T_UNSET, 0);
    p[READY_NO_LTT] = pod(0, KS_RS_RUNNING, true, 0, T_UNSET, T_UNSET, 0);
    p[READY_NOW] = pod(0, KS_RS_RUNNING, true, 0, NOW, NOW, 0);
    p[READY_THEN] = pod(0, KS_RS_RUNNING, true, 0, THEN_1MONTH, THEN_1MONTH, 0);
    p[READY_NOW_HIGH_RESTARTS] = pod(0, KS_RS_RUNNING, true, 9001, NOW, NOW, 0);
    p[READY_NOW_CREATED_THEN] =
        pod(0, KS_RS_RUNNING, true, 0, NOW, THEN_1MONTH, 0);
    p[LOW_COST] = pod(0, KS_RS_RUNNING, true, 0, NOW, THEN_1MONTH, 10);
    p[HIGH_COST] = pod(0, KS_RS_RUNNING, true, 0, NOW, THEN_1MONTH, 100);
    p[UNSCHEDULED_5H] = pod(-1, KS_RS_PENDING, false, 0, THEN_5H, THEN_5H, 0);
    p[UNSCHEDULED_8H] = pod(-1, KS_RS_PENDING, false, 0, THEN_8H, THEN_8H, 0);
    p[READY_2H] = pod(-1, KS_RS_RUNNING, true, 0, THEN_2H, THEN_1MONTH, 0);
    p[READY_5H] = pod(-1, KS_RS_RUNNING, true, 0, THEN_5H, THEN_1MONTH, 0);
    p[READY_10H] = pod(-1, KS_RS_RUNNING, true, 0, THEN_8H, THEN_1MONTH, 0);
}

/* TestSortingActivePodsWithRanks, equalityTests: rank 1 each, neither is
 * less.  5 h and 8 h ago share the log2 bucket (2^44 ns ~ 4.9 h .. 9.8 h)
 * and the UIDs are equal, so those pairs tie. */
static void test_ranks_equality(void)
{
    ks_rs_pod p[N_RANK_PODS];
    rank_pods(p);
    static const int eq[][2] = {
        {UNSCHEDULED, UNSCHEDULED},
        {SCHEDULED_PENDING, SCHEDULED_PENDING},
        {UNKNOWN_PHASE, UNKNOWN_PHASE},
        {RUNNING_NOT_READY, RUNNING_NOT_READY},
        {READY_NOW_CREATED_THEN, READY_NOW_CREATED_THEN},
        {READY_NOW, READY_NOW},
        {READY_THEN, READY_THEN},
        {READY_NOW_HIGH_RESTARTS, READY_NOW_HIGH_RESTARTS},
        {READY_NOW_CREATED_THEN, READY_NOW_CREATED_THEN},
        {UNSCHEDULED_5H, UNSCHEDULED_8H},
        {READY_5H, READY_10H},
    };
    for (size_t i = 0; i < N_OF(eq); i++) {
        ks_rs_pod a = p[eq[i][0]], b = p[eq[i][1]];
        a.rank = b.rank = 1;
        CU_ASSERT_FALSE(ks_rs_pod_less(&a, &b, NOW));
        CU_ASSERT_FALSE(ks_rs_pod_less(&b, &a, NOW));
    }
}

/* TestSortingActivePodsWithRanks, inequalityTests (all with both gates on;
 * the one case that turns PodDeletionCost off is not ported: ksim keeps
 * the gate at its default, on). */
static void test_ranks_inequality(void)
{
    ks_rs_pod p[N_RANK_PODS];
    rank_pods(p);
    static const int ineq[][4] = { /* lesser, rank, greater, rank */
        {UNSCHEDULED, 1, SCHEDULED_PENDING, 2},
        {UNSCHEDULED, 2, SCHEDULED_PENDING, 1},
        {SCHEDULED_PENDING, 1, UNKNOWN_PHASE, 2},
        {UNKNOWN_PHASE, 1, RUNNING_NOT_READY, 2},
        {RUNNING_NOT_READY, 1, READY_NO_LTT, 1},
        {READY_NO_LTT, 1, READY_NOW, 1},
        {READY_NOW, 2, READY_NO_LTT, 1},
        {READY_NOW, 1, READY_THEN, 1},
        {READY_NOW, 2, READY_THEN, 1},
        {READY_NOW_HIGH_RESTARTS, 1, READY_NOW, 1},
        {READY_NOW, 2, READY_NOW_HIGH_RESTARTS, 1},
        {READY_NOW, 1, READY_NOW_CREATED_THEN, 1},
        {READY_NOW_CREATED_THEN, 2, READY_NOW, 1},
        {LOW_COST, 2, HIGH_COST, 1},
        {READY_2H, 1, READY_5H, 1},
    };
    for (size_t i = 0; i < N_OF(ineq); i++) {
        ks_rs_pod a = p[ineq[i][0]], b = p[ineq[i][2]];
        a.rank = ineq[i][1];
        b.rank = ineq[i][3];
        CU_ASSERT_TRUE(ks_rs_pod_less(&a, &b, NOW));
        CU_ASSERT_FALSE(ks_rs_pod_less(&b, &a, NOW));
    }
}

/* Same log2 bucket: the UID decides (LogarithmicScaleDown's pseudo-random
 * tie-break); without a reference time the younger goes first. */
static void test_ranks_uid_tiebreak(void)
{
    ks_rs_pod a = pod(0, KS_RS_RUNNING, true, 0, THEN_5H, THEN_1MONTH, 0);
    ks_rs_pod b = pod(0, KS_RS_RUNNING, true, 0, THEN_8H, THEN_1MONTH, 0);
    a.uid = "bbbb";
    b.uid = "aaaa";
    CU_ASSERT_TRUE(ks_rs_pod_less(&b, &a, NOW));
    CU_ASSERT_FALSE(ks_rs_pod_less(&a, &b, NOW));
    CU_ASSERT_TRUE(ks_rs_pod_less(&a, &b, KS_TIME_UNSET));
    /* different buckets: 2 h (2^42) before 5 h (2^44), whatever the UIDs */
    ks_rs_pod c = pod(0, KS_RS_RUNNING, true, 0, THEN_2H, THEN_1MONTH, 0);
    c.uid = "zzzz";
    CU_ASSERT_TRUE(ks_rs_pod_less(&c, &a, NOW));
    CU_ASSERT_FALSE(ks_rs_pod_less(&a, &c, NOW));
}

/* controller_utils_test.go TestSortingActivePods ("Sorts by active pod"):
 * the rank-less ordering, which is ks_rs_pod_less with equal ranks, no
 * deletion costs and no reference time (plain time comparisons).  Sorted
 * from several input orders, as upstream sorts 20 random permutations. */
static void test_sorting_active_pods(void)
{
    enum { NP = 9 };
    const ks_time then = NOW - DAY;
    ks_rs_pod want[NP] = {
        pod(-1, KS_RS_PENDING, false, 0, T_UNSET, T_UNSET, 0), /* unscheduled */
        pod(1, KS_RS_PENDING, false, 0, T_UNSET, T_UNSET, 0), /* scheduledButPending */
        pod(0, KS_RS_UNKNOWN, false, 0, T_UNSET, T_UNSET, 0), /* unknownPhase */
        pod(0, KS_RS_RUNNING, false, 0, T_UNSET, T_UNSET, 0), /* runningButNotReady */
        pod(0, KS_RS_RUNNING, true, 3, T_UNSET, T_UNSET, 0), /* runningNoLastTransitionTime */
        pod(0, KS_RS_RUNNING, true, 3, NOW, T_UNSET, 0), /* runningWithLastTransitionTime */
        pod(0, KS_RS_RUNNING, true, 3, then, T_UNSET, 0), /* runningLongerTime */
        pod(0, KS_RS_RUNNING, true, 2, then, NOW, 0), /* lowerContainerRestartCount */
        pod(0, KS_RS_RUNNING, true, 2, then, then, 0), /* oldest */
    };
    for (int perm = 0; perm < 2 * NP; perm++) {
        ks_rs_pod in[NP];
        size_t from[NP];
        for (int i = 0; i < NP; i++) {
            int j = perm < NP ? (i + perm) % NP : (NP - 1 - i + perm) % NP;
            in[i] = want[j];
            from[i] = (size_t)j;
        }
        size_t out[NP];
        CU_ASSERT_EQUAL(ks_rs_pods_to_delete(in, NP, NP - 1, KS_TIME_UNSET,
                                             out),
                        NP - 1);
        for (int k = 0; k < NP - 1; k++)
            CU_ASSERT_EQUAL(from[out[k]], (size_t)k);
    }
}

/* ---- getPodsToDelete --------------------------------------------------- */

/* replica_set_test.go TestGetPodsToDelete: the pods of its table (ready pods
 * without lastTransitionTime; nodes "fake-node" 0, "fake-node-1" 1,
 * "fake-node-2" 2), ranked over `related` (defaults to the pods). */
enum { UNSCHED_PENDING, SCHED_PENDING, SCHED_NOT_READY, READY_NODE1,
       READY_NODE2 };

static ks_rs_pod delete_pod(int kind)
{
    switch (kind) {
    case UNSCHED_PENDING:
        return pod(-1, KS_RS_PENDING, false, 0, T_UNSET, T_UNSET, 0);
    case SCHED_PENDING:
        return pod(0, KS_RS_PENDING, false, 0, T_UNSET, T_UNSET, 0);
    case SCHED_NOT_READY:
        return pod(0, KS_RS_RUNNING, false, 0, T_UNSET, T_UNSET, 0);
    case READY_NODE1:
        return pod(1, KS_RS_RUNNING, true, 0, T_UNSET, T_UNSET, 0);
    default:
        return pod(2, KS_RS_RUNNING, true, 0, T_UNSET, T_UNSET, 0);
    }
}

typedef struct delete_case {
    const char *name;
    int n_pods;
    int pods[6];
    int n_related; /* -1: the pods themselves */
    int related[6];
    int diff;
    int want[6]; /* kinds, in deletion order */
} delete_case;

static void test_get_pods_to_delete(void)
{
    static const delete_case cases[] = {
        {"len(pods) = 0", 0, {0}, -1, {0}, 0, {0}},
        {"diff = len(pods)", 2, {SCHED_NOT_READY, READY_NODE1}, -1, {0}, 2,
         {SCHED_NOT_READY, READY_NODE1}},
        {"diff < len(pods)", 2, {READY_NODE1, SCHED_NOT_READY}, -1, {0}, 1,
         {SCHED_NOT_READY}},
        {"various, diff = len(pods)", 6,
         {READY_NODE1, READY_NODE1, READY_NODE2, SCHED_NOT_READY,
          SCHED_PENDING, UNSCHED_PENDING},
         -1, {0}, 6,
         {READY_NODE1, READY_NODE1, READY_NODE2, SCHED_NOT_READY,
          SCHED_PENDING, UNSCHED_PENDING}},
        {"various, diff = len(pods), related empty", 6,
         {READY_NODE1, READY_NODE1, READY_NODE2, SCHED_NOT_READY,
          SCHED_PENDING, UNSCHED_PENDING},
         0, {0}, 6,
         {READY_NODE1, READY_NODE1, READY_NODE2, SCHED_NOT_READY,
          SCHED_PENDING, UNSCHED_PENDING}},
        {"scheduled vs unscheduled", 2, {SCHED_PENDING, UNSCHED_PENDING}, -1,
         {0}, 1, {UNSCHED_PENDING}},
        {"ready vs not-ready", 3,
         {READY_NODE1, SCHED_NOT_READY, SCHED_NOT_READY}, -1, {0}, 2,
         {SCHED_NOT_READY, SCHED_NOT_READY}},
        {"ready and colocated vs not colocated", 2, {READY_NODE1, READY_NODE2},
         3, {READY_NODE1, READY_NODE2, READY_NODE2}, 1, {READY_NODE2}},
        {"pending vs running", 2, {SCHED_PENDING, SCHED_NOT_READY}, -1, {0}, 1,
         {SCHED_PENDING}},
        {"various, diff < len(pods)", 5,
         {READY_NODE1, READY_NODE2, SCHED_NOT_READY, SCHED_PENDING,
          UNSCHED_PENDING},
         -1, {0}, 3, {UNSCHED_PENDING, SCHED_PENDING, SCHED_NOT_READY}},
    };
    for (size_t c = 0; c < N_OF(cases); c++) {
        const delete_case *t = &cases[c];
        ks_rs_pod pods[6];
        int nodes[6];
        for (int i = 0; i < t->n_pods; i++)
            pods[i] = delete_pod(t->pods[i]);
        const int *rel_kinds = t->n_related < 0 ? t->pods : t->related;
        int n_rel = t->n_related < 0 ? t->n_pods : t->n_related;
        for (int i = 0; i < n_rel; i++)
            nodes[i] = delete_pod(rel_kinds[i]).node;
        ks_rs_rank_by_node(pods, (size_t)t->n_pods, nodes, (size_t)n_rel);
        size_t out[6];
        size_t got = ks_rs_pods_to_delete(pods, (size_t)t->n_pods,
                                          (size_t)t->diff, NOW, out);
        CU_ASSERT_EQUAL_FATAL(got, (size_t)t->diff);
        for (int k = 0; k < t->diff; k++) {
            if (t->pods[out[k]] != t->want[k])
                fprintf(stderr, "case %s: position %d\n", t->name, k);
            CU_ASSERT_EQUAL(t->pods[out[k]], t->want[k]);
        }
    }
}

/* Ranks count the related pods per node, unassigned ones together. */
static void test_rank_by_node(void)
{
    ks_rs_pod p[3] = {pod(4, KS_RS_RUNNING, true, 0, NOW, NOW, 0),
                      pod(-1, KS_RS_PENDING, false, 0, T_UNSET, NOW, 0),
                      pod(7, KS_RS_RUNNING, true, 0, NOW, NOW, 0)};
    const int related[] = {4, 4, 4, -1, -1, 9};
    ks_rs_rank_by_node(p, 3, related, N_OF(related));
    CU_ASSERT_EQUAL(p[0].rank, 3);
    CU_ASSERT_EQUAL(p[1].rank, 2);
    CU_ASSERT_EQUAL(p[2].rank, 0);
}

/* ---- slow start, burst ------------------------------------------------- */

/* replica_set_test.go TestSlowStartBatch: fn fails once callLimit calls
 * succeeded; the call counts include the failing batch. */
static void test_slow_start_batch(void)
{
    static const int t[][4] = { /* count, callLimit, successes, calls */
        {10, 0, 0, 1},
        {10, 10, 10, 10}, /* 1 + 2 + 4 + 3 */
        {10, 5, 5, 7},    /* 1 + 2 + 4, the last batch fails twice */
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        int batches[32];
        ks_rs_slow_start_result r =
            ks_rs_slow_start_fail_at(t[i][0], 1, t[i][1], batches);
        CU_ASSERT_EQUAL(r.successes, t[i][2]);
        CU_ASSERT_EQUAL(r.attempted, t[i][3]);
        CU_ASSERT_EQUAL(r.failed, t[i][2] < t[i][0]);
        CU_ASSERT_EQUAL(r.skipped, t[i][0] - t[i][2]);
    }
    /* 500 creates: 1+2+4+8+16+32+64+128+245 (k8s-control-loop.md 2.2) */
    int b[32];
    ks_rs_slow_start_result r = ks_rs_slow_start(500, 1, NULL, NULL, b);
    static const int want[] = {1, 2, 4, 8, 16, 32, 64, 128, 245};
    CU_ASSERT_EQUAL_FATAL(r.n_batches, 9);
    CU_ASSERT_EQUAL(ks_rs_slow_start_max_batches(500, 1), 9);
    for (int i = 0; i < 9; i++)
        CU_ASSERT_EQUAL(b[i], want[i]);
    CU_ASSERT_EQUAL(r.successes, 500);
    CU_ASSERT_FALSE(r.failed);
    /* a failure in batch 4 (index 9) ends the run after that batch */
    r = ks_rs_slow_start_fail_at(500, 1, 9, b);
    CU_ASSERT_EQUAL(r.n_batches, 4);
    CU_ASSERT_EQUAL(r.attempted, 15);
    CU_ASSERT_EQUAL(r.successes, 9);
    CU_ASSERT_EQUAL(r.skipped, 491);
    CU_ASSERT_EQUAL(ks_rs_slow_start(0, 1, NULL, NULL, b).n_batches, 0);
}

/* TestSyncReplicaSetCreateFailures: a quota of 10 creates for 100 wanted;
 * the calls stay below the batch sums up to the limit. */
static void test_create_failures_bounded(void)
{
    int b[32];
    ks_rs_slow_start_result r = ks_rs_slow_start_fail_at(100, 1, 10, b);
    CU_ASSERT_EQUAL(r.successes, 10);
    int limit = 0;
    for (int pass = 0; limit <= 10; pass++)
        limit += 1 << pass;
    CU_ASSERT_TRUE(r.attempted <= limit);
}

static void test_manage_diff(void)
{
    CU_ASSERT_EQUAL(ks_rs_manage_diff(2, 2, 0), 0);
    CU_ASSERT_EQUAL(ks_rs_manage_diff(0, 3, 0), 3);
    CU_ASSERT_EQUAL(ks_rs_manage_diff(5, 3, 0), -2);
    CU_ASSERT_EQUAL(ks_rs_manage_diff(0, 1000, 0), 500);
    CU_ASSERT_EQUAL(ks_rs_manage_diff(1000, 0, 0), -500);
    CU_ASSERT_EQUAL(ks_rs_manage_diff(0, 1000, 250), 250);
}

/* ---- expectations, availability ---------------------------------------- */

/* The lifecycle of controller_utils_test.go TestControllerExpectations and
 * TestUIDExpectations, on simulated time. */
static void test_expectations(void)
{
    ks_expectations e;
    memset(&e, 0, sizeof e);
    CU_ASSERT_TRUE(ks_expectations_satisfied(&e, 0)); /* never recorded */
    ks_expectations_creation_observed(&e); /* no-op when not recorded */
    CU_ASSERT_FALSE(e.recorded);

    ks_expectations_expect_creations(&e, 3, 10 * KS_SECOND);
    CU_ASSERT_FALSE(ks_expectations_satisfied(&e, 11 * KS_SECOND));
    ks_expectations_creation_observed(&e);
    ks_expectations_creation_observed(&e);
    CU_ASSERT_FALSE(ks_expectations_satisfied(&e, 12 * KS_SECOND));
    ks_expectations_creation_observed(&e);
    CU_ASSERT_TRUE(ks_expectations_fulfilled(&e));
    CU_ASSERT_TRUE(ks_expectations_satisfied(&e, 13 * KS_SECOND));

    /* the TTL: satisfied only strictly after 5 minutes */
    ks_expectations_expect_creations(&e, 2, 0);
    CU_ASSERT_FALSE(ks_expectations_satisfied(&e, KS_EXPECTATIONS_TIMEOUT));
    CU_ASSERT_TRUE(ks_expectations_satisfied(&e, KS_EXPECTATIONS_TIMEOUT + 1));

    /* UID-tracked deletions: only the expected pods count, once each */
    const uint64_t uids[] = {7, 8, 7};
    ks_expectations_expect_deletions(&e, uids, N_OF(uids), 0);
    CU_ASSERT_EQUAL(e.del, 2);
    CU_ASSERT_EQUAL(e.add, 0);
    ks_expectations_deletion_observed_uid(&e, 9);
    ks_expectations_deletion_observed_uid(&e, 7);
    ks_expectations_deletion_observed_uid(&e, 7);
    CU_ASSERT_FALSE(ks_expectations_satisfied(&e, KS_SECOND));
    ks_expectations_deletion_observed_uid(&e, 8);
    CU_ASSERT_TRUE(ks_expectations_satisfied(&e, KS_SECOND));

    /* skipped slow-start creates lower the adds */
    ks_expectations_expect_creations(&e, 10, 0);
    ks_expectations_lower(&e, 4, 0);
    CU_ASSERT_EQUAL(e.add, 6);
    ks_expectations_raise(&e, 1, 2);
    CU_ASSERT_EQUAL(e.add, 7);
    CU_ASSERT_EQUAL(e.del, 2);
    ks_expectations_clear(&e);
    CU_ASSERT_FALSE(e.recorded);
    CU_ASSERT_TRUE(ks_expectations_satisfied(&e, 0));
    ks_expectations_clear(NULL);
}

/* IsPodAvailable: strictly longer than minReadySeconds. */
static void test_pod_available(void)
{
    CU_ASSERT_FALSE(ks_pod_available(false, 0, 0, KS_HOUR));
    CU_ASSERT_TRUE(ks_pod_available(true, KS_TIME_UNSET, 0, 0));
    CU_ASSERT_FALSE(ks_pod_available(true, KS_TIME_UNSET, 5, KS_HOUR));
    CU_ASSERT_FALSE(ks_pod_available(true, 0, 5, 5 * KS_SECOND));
    CU_ASSERT_TRUE(ks_pod_available(true, 0, 5, 5 * KS_SECOND + 1));
    CU_ASSERT_EQUAL(ks_rs_available_requeue_delay(0), 0);
    CU_ASSERT_EQUAL(ks_rs_available_requeue_delay(10), 11 * KS_SECOND);
}

/* ---- Deployment: fenceposts, new replicas ------------------------------ */

/* deployment_util_test.go TestResolveFenceposts (current table, with the
 * nil cases) plus the older table's "5"/"1" case: a string without '%' is
 * an error. */
static void test_resolve_fenceposts(void)
{
    static const struct {
        const char *surge, *unavail; /* NULL: nil */
        int32_t desired, want_surge, want_unavail;
        bool error;
    } t[] = {
        {"0%", "0%", 0, 0, 1, false},
        {"39%", "39%", 10, 4, 3, false},
        {"oops", "39%", 10, 0, 0, true},
        {"55%", "urg", 10, 0, 0, true},
        {NULL, "39%", 10, 0, 3, false},
        {"39%", NULL, 10, 4, 0, false},
        {NULL, NULL, 10, 0, 1, false},
        {"5", "1", 7, 0, 0, true},
        {"25%", "25%", 10, 3, 2, false}, /* ceil 2.5, floor 2.5 */
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_intstr s = t[i].surge ? ks_intstr_str(t[i].surge) : (ks_intstr){0};
        ks_intstr u =
            t[i].unavail ? ks_intstr_str(t[i].unavail) : (ks_intstr){0};
        int32_t gs = -7, gu = -7;
        ks_error err;
        int rc = ks_deploy_resolve_fenceposts(&s, &u, t[i].desired, &gs, &gu,
                                              &err);
        CU_ASSERT_EQUAL(rc != 0, t[i].error);
        if (rc != 0)
            CU_ASSERT_EQUAL(rc, KS_EINVAL);
        CU_ASSERT_EQUAL(gs, t[i].want_surge);
        CU_ASSERT_EQUAL(gu, t[i].want_unavail);
    }
    /* integers pass through */
    ks_intstr one = ks_intstr_int(1);
    int32_t gs, gu;
    CU_ASSERT_EQUAL(ks_deploy_resolve_fenceposts(&one, &one, 2, &gs, &gu,
                                                 NULL), 0);
    CU_ASSERT_EQUAL(gs, 1);
    CU_ASSERT_EQUAL(gu, 1);
}

static ks_deploy_spec rolling(int32_t replicas, ks_intstr surge,
                              ks_intstr unavail)
{
    ks_deploy_spec d;
    memset(&d, 0, sizeof d);
    d.replicas = replicas;
    d.strategy = KS_DEPLOY_ROLLING_UPDATE;
    d.max_surge = surge;
    d.max_unavailable = unavail;
    d.revision_history_limit = KS_DEPLOY_DEFAULT_REVISION_HISTORY_LIMIT;
    return d;
}

/* deployment_util_test.go TestMaxUnavailable (maxSurge 1). */
static void test_max_unavailable(void)
{
    static const struct {
        int32_t replicas;
        bool pct;
        int32_t v;
        const char *s;
        int32_t want;
    } t[] = {
        {10, false, 5, NULL, 5},    {10, false, 10, NULL, 10},
        {5, false, 10, NULL, 5},    {0, false, 10, NULL, 0},
        {10, true, 0, "50%", 5},    {10, true, 0, "100%", 10},
        {5, true, 0, "100%", 5},
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_deploy_spec d = rolling(t[i].replicas, ks_intstr_int(1),
                                   t[i].pct ? ks_intstr_str(t[i].s)
                                            : ks_intstr_int(t[i].v));
        CU_ASSERT_EQUAL(ks_deploy_max_unavailable(&d), t[i].want);
    }
    ks_deploy_spec r;
    memset(&r, 0, sizeof r);
    r.strategy = KS_DEPLOY_RECREATE;
    CU_ASSERT_EQUAL(ks_deploy_max_unavailable(&r), 0);
    CU_ASSERT_EQUAL(ks_deploy_max_surge(&r), 0);
    ks_deploy_spec d = rolling(10, ks_intstr_str("25%"), ks_intstr_str("25%"));
    CU_ASSERT_EQUAL(ks_deploy_max_surge(&d), 3);
    CU_ASSERT_EQUAL(ks_deploy_max_unavailable(&d), 2);
}

/* deployment_util_test.go TestNewRSNewReplicas: allRSs holds only a 5-replica
 * RS (not the new one). */
static void test_new_rs_new_replicas(void)
{
    static const struct {
        ks_deploy_strategy strategy;
        int32_t dep, new_rs, surge, want;
    } t[] = {
        {KS_DEPLOY_ROLLING_UPDATE, 1, 5, 1, 5}, /* cannot scale up */
        {KS_DEPLOY_ROLLING_UPDATE, 6, 2, 10, 6}, /* up to depReplicas */
        {KS_DEPLOY_RECREATE, 3, 1, 1, 3},
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_deploy_spec d = rolling(t[i].dep, ks_intstr_int(t[i].surge),
                                   ks_intstr_int(1));
        d.strategy = t[i].strategy;
        int32_t got = -1;
        CU_ASSERT_EQUAL(ks_deploy_new_rs_new_replicas(&d, 5, t[i].new_rs, &got,
                                                      NULL), 0);
        CU_ASSERT_EQUAL(got, t[i].want);
    }
}

/* ---- Deployment: rolling.go -------------------------------------------- */

static ks_deploy_rs rs_of(int32_t replicas, int32_t available, ks_time created)
{
    ks_deploy_rs r;
    memset(&r, 0, sizeof r);
    r.replicas = r.status_replicas = replicas;
    r.available = available;
    r.created = created;
    return r;
}

/* rolling_test.go TestDeploymentController_reconcileNewReplicaSet
 * (maxUnavailable 0; allRSs = {new, old}). */
static void test_reconcile_new_rs(void)
{
    static const int t[][6] = { /* dep, surge, old, new, scaled, want */
        {10, 0, 10, 0, 0, 0},
        {10, 2, 10, 0, 1, 2},
        {10, 2, 5, 0, 1, 7},
        {10, 2, 10, 2, 0, 2},
        {10, 2, 2, 11, 1, 10}, /* scale down to replicas */
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_deploy_spec d = rolling(t[i][0], ks_intstr_int(t[i][1]),
                                   ks_intstr_int(0));
        ks_deploy_rs rs[2] = {rs_of(t[i][3], 0, 1), rs_of(t[i][2], 0, 0)};
        bool scaled;
        CU_ASSERT_EQUAL(ks_deploy_reconcile_new(&d, rs, 2, 0, &scaled, NULL),
                        0);
        CU_ASSERT_EQUAL(scaled, t[i][4] != 0);
        CU_ASSERT_EQUAL(rs[0].replicas, t[i][5]);
    }
}

/* rolling_test.go TestDeploymentController_reconcileOldReplicaSets
 * (maxSurge 0), with the expected old replicas checked too. */
static void test_reconcile_old_rs(void)
{
    static const int t[][7] = {
        /* dep, maxUnavail, old, new, readyOld, readyNew, wantOld (-1 no) */
        {10, 0, 10, 0, 10, 0, 9},
        {10, 2, 10, 0, 10, 0, 8},
        {10, 2, 10, 0, 8, 0, 8},  /* unhealthy cleaned up */
        {10, 2, 10, 0, 9, 0, 8},  /* 1 unhealthy + 1 ready */
        {10, 2, 8, 2, 8, 0, -1},  /* new RS's unavailable pods block */
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_deploy_spec d = rolling(t[i][0], ks_intstr_int(0),
                                   ks_intstr_int(t[i][1]));
        ks_deploy_rs rs[2] = {rs_of(t[i][2], t[i][4], 0),
                              rs_of(t[i][3], t[i][5], 1)};
        int32_t down = ks_deploy_reconcile_old(&d, rs, 2, 1);
        if (t[i][6] < 0) {
            CU_ASSERT_EQUAL(down, 0);
            CU_ASSERT_EQUAL(rs[0].replicas, t[i][2]);
        } else {
            CU_ASSERT_TRUE(down > 0);
            CU_ASSERT_EQUAL(rs[0].replicas, t[i][6]);
        }
    }
}

/* rolling.go's worked example in reconcileOldReplicaSets (10 replicas,
 * maxUnavailable 2, maxSurge 3): a crash-looping new RS's unavailable pods
 * keep old RSs from shrinking; after a rollback they are the old RS and 4
 * of them go (13 - 8 - 1). */
static void test_reconcile_old_crashloop_example(void)
{
    ks_deploy_spec d = rolling(10, ks_intstr_int(3), ks_intstr_int(2));
    /* old RS of 8 with one pod lost to a node failure; new RS of 5 that
     * never becomes available: 13 - 8 - 5 = 0, nothing scales */
    ks_deploy_rs rs[2] = {rs_of(8, 7, 0), rs_of(5, 0, 1)};
    CU_ASSERT_EQUAL(ks_deploy_reconcile_old(&d, rs, 2, 1), 0);
    CU_ASSERT_EQUAL(rs[0].replicas, 8);
    /* rollback: the good RS is the new one again (1 unavailable) */
    CU_ASSERT_EQUAL(ks_deploy_reconcile_old(&d, rs, 2, 0), 4);
    CU_ASSERT_EQUAL(rs[1].replicas, 1);
    CU_ASSERT_EQUAL(rs[0].replicas, 8);
}

/* rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas. */
static void test_cleanup_unhealthy(void)
{
    static const int t[][4] = { /* old, ready, maxCleanup, want */
        {10, 8, 1, 1}, {10, 8, 3, 2}, {10, 8, 0, 0}, {10, 10, 3, 0},
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_deploy_rs rs[1] = {rs_of(t[i][0], t[i][1], 0)};
        CU_ASSERT_EQUAL(ks_deploy_cleanup_unhealthy(rs, 1, -1, t[i][2]),
                        t[i][3]);
        CU_ASSERT_EQUAL(rs[0].replicas, t[i][0] - t[i][3]);
    }
    /* more available than replicas: upstream's invalid-request error */
    ks_deploy_rs odd[1] = {rs_of(3, 5, 0)};
    CU_ASSERT_EQUAL(ks_deploy_cleanup_unhealthy(odd, 1, -1, 4), -1);
}

/* rolling_test.go TestDeploymentController_
 * scaleDownOldReplicaSetsForRollingUpdate (maxSurge 0; allRSs = {old}). */
static void test_scale_down_old_rolling(void)
{
    static const int t[][5] = { /* dep, maxUnavail, ready, old, wantOld */
        {10, 0, 10, 10, 9},
        {10, 2, 10, 10, 8},
        {10, 2, 8, 10, 10},
        {10, 2, 10, 0, 0},
        {10, 2, 1, 10, 10},
    };
    for (size_t i = 0; i < N_OF(t); i++) {
        ks_deploy_spec d = rolling(t[i][0], ks_intstr_int(0),
                                   ks_intstr_int(t[i][1]));
        ks_deploy_rs rs[1] = {rs_of(t[i][3], t[i][2], 0)};
        int32_t down = ks_deploy_scale_down_old_rolling(&d, rs, 1, -1);
        CU_ASSERT_EQUAL(down, t[i][3] - t[i][4]);
        CU_ASSERT_EQUAL(rs[0].replicas, t[i][4]);
    }
}

/* Old RSs shrink oldest first, whatever their order in the array. */
static void test_scale_down_oldest_first(void)
{
    ks_deploy_spec d = rolling(10, ks_intstr_int(0), ks_intstr_int(2));
    ks_deploy_rs rs[3] = {rs_of(5, 5, 20), rs_of(5, 5, 10), rs_of(0, 0, 30)};
    /* available 10 > minAvailable 8: 2 go, from the RS created at 10 */
    CU_ASSERT_EQUAL(ks_deploy_scale_down_old_rolling(&d, rs, 3, 2), 2);
    CU_ASSERT_EQUAL(rs[1].replicas, 3);
    CU_ASSERT_EQUAL(rs[0].replicas, 5);
}

/* Required: a Deployment of 10 replicas, maxSurge 25% / maxUnavailable 25%,
 * rolls out in the steps upstream takes.
 *
 * Fenceposts: surge = ceil(25% x 10) = ceil(2.5) = 3, unavailable =
 * floor(2.5) = 2, so at most 13 pods and at least minAvailable = 8.
 *
 * Sync 1 (template changed): getNewReplicaSet creates the new RS sized by
 * NewRSNewReplicas = min(13 - 10, 10 - 0) = 3.  reconcileNewReplicaSet then
 * has nothing to do (13 pods already), so the same sync goes on to
 * reconcileOldReplicaSets: all = 13, the 3 new pods are not available yet,
 * maxScaledDown = 13 - 8 - 3 = 2; no unhealthy old pods; available 10 > 8,
 * so the old RS shrinks by 2 -> (old 8, new 3).
 *
 * lag 0 (pods available at once after each sync):
 *   sync 2: 11 < 13, the new RS grows by min(2, 7) -> (8, 5)
 *   sync 3: 13 pods, none unavailable: maxScaledDown = 13 - 8 - 0 = 5,
 *           available 13 - 8 = 5 excess -> old 3 -> (3, 5)
 *   sync 4: 8 < 13, new grows by min(5, 5) -> (3, 10)
 *   sync 5: available 13 > 8, old shrinks by min(3, 5) -> (0, 10)
 *   sync 6: nothing left to do.
 *
 * lag 1 (pods created in a sync become available after the next sync):
 *   sync 2: (8, 5); sync 3: 2 new pods unavailable, maxScaledDown =
 *   13 - 8 - 2 = 3, available 8 + 3 = 11, excess 3 -> (5, 5);
 *   sync 4: new + min(3, 5) -> (5, 8); sync 5: 3 unavailable, max 2,
 *   available 10, excess 2 -> (3, 8); sync 6: new + 2 -> (3, 10);
 *   sync 7: 2 unavailable, max 3, available 11, excess 3 -> (0, 10). */
static void test_rollout_10_replicas_25pct(void)
{
    ks_deploy_spec d = rolling(10, ks_intstr_str("25%"), ks_intstr_str("25%"));
    ks_deploy_step steps[32];
    ks_error err;

    static const int32_t want0[][2] = {{8, 3}, {8, 5}, {3, 5}, {3, 10},
                                       {0, 10}};
    int n = ks_deploy_rollout(&d, 10, 0, steps, 32, &err);
    CU_ASSERT_EQUAL_FATAL(n, (int)N_OF(want0));
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(steps[i].old_replicas, want0[i][0]);
        CU_ASSERT_EQUAL(steps[i].new_replicas, want0[i][1]);
    }

    static const int32_t want1[][2] = {{8, 3}, {8, 5}, {5, 5}, {5, 8},
                                       {3, 8}, {3, 10}, {0, 10}};
    n = ks_deploy_rollout(&d, 10, 1, steps, 32, &err);
    CU_ASSERT_EQUAL_FATAL(n, (int)N_OF(want1));
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(steps[i].old_replicas, want1[i][0]);
        CU_ASSERT_EQUAL(steps[i].new_replicas, want1[i][1]);
        /* never more than 13 pods, never fewer than 8 asked for */
        CU_ASSERT_TRUE(steps[i].old_replicas + steps[i].new_replicas <= 13);
        CU_ASSERT_TRUE(steps[i].old_replicas + steps[i].new_replicas >= 8);
    }
    CU_ASSERT_EQUAL(ks_deploy_rollout(&d, 10, 0, steps, 2, &err), KS_ERANGE);
}

/* maxSurge 0 / maxUnavailable 1 on 3 replicas: one pod at a time, old
 * first (nothing can be added before something goes). */
static void test_rollout_surge_zero(void)
{
    ks_deploy_spec d = rolling(3, ks_intstr_int(0), ks_intstr_int(1));
    ks_deploy_step steps[16];
    static const int32_t want[][2] = {{2, 0}, {2, 1}, {1, 1}, {1, 2},
                                      {0, 2}, {0, 3}};
    int n = ks_deploy_rollout(&d, 3, 0, steps, 16, NULL);
    CU_ASSERT_EQUAL_FATAL(n, (int)N_OF(want));
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(steps[i].old_replicas, want[i][0]);
        CU_ASSERT_EQUAL(steps[i].new_replicas, want[i][1]);
    }
}

/* ---- Recreate, completion, revisions, history -------------------------- */

/* recreate.go: old RSs to 0 in one sync, wait while old pods run (even
 * Terminating/Unknown ones), then the new RS at full size. */
static void test_recreate_order(void)
{
    ks_deploy_spec d = rolling(4, ks_intstr_int(0), ks_intstr_int(0));
    d.strategy = KS_DEPLOY_RECREATE;
    ks_deploy_rs rs[3] = {rs_of(3, 3, 0), rs_of(1, 1, 5)};
    rs[0].revision = 1;
    rs[1].revision = 2;
    size_t n = 2;
    int new_idx = -1;
    ks_deploy_sync_result r;
    CU_ASSERT_EQUAL(ks_deploy_recreate_sync(&d, rs, &n, 3, &new_idx, 0,
                                            KS_SECOND, &r, NULL), 0);
    CU_ASSERT_EQUAL(r.action, KS_DEPLOY_SCALED_DOWN_OLD);
    CU_ASSERT_EQUAL(r.scaled_down, 4);
    CU_ASSERT_EQUAL(rs[0].replicas + rs[1].replicas, 0);
    /* the pods are still there (status.replicas): wait */
    CU_ASSERT_EQUAL(ks_deploy_recreate_sync(&d, rs, &n, 3, &new_idx, 0,
                                            2 * KS_SECOND, &r, NULL), 0);
    CU_ASSERT_EQUAL(r.action, KS_DEPLOY_WAIT_OLD_PODS);
    /* status says 0 but one pod is still Terminating: wait */
    rs[0].status_replicas = rs[1].status_replicas = 0;
    CU_ASSERT_EQUAL(ks_deploy_recreate_sync(&d, rs, &n, 3, &new_idx, 1,
                                            3 * KS_SECOND, &r, NULL), 0);
    CU_ASSERT_EQUAL(r.action, KS_DEPLOY_WAIT_OLD_PODS);
    CU_ASSERT_EQUAL(new_idx, -1);
    /* all gone: the new RS, at full size, revision max + 1 */
    CU_ASSERT_EQUAL(ks_deploy_recreate_sync(&d, rs, &n, 3, &new_idx, 0,
                                            4 * KS_SECOND, &r, NULL), 0);
    CU_ASSERT_EQUAL(r.action, KS_DEPLOY_CREATED_NEW);
    CU_ASSERT_EQUAL(new_idx, 2);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_EQUAL(rs[2].replicas, 4);
    CU_ASSERT_EQUAL(rs[2].revision, 3);
    CU_ASSERT_EQUAL(rs[2].created, 4 * KS_SECOND);
    /* then steady */
    CU_ASSERT_EQUAL(ks_deploy_recreate_sync(&d, rs, &n, 3, &new_idx, 0,
                                            5 * KS_SECOND, &r, NULL), 0);
    CU_ASSERT_EQUAL(r.action, KS_DEPLOY_NOTHING);
    /* no room for a new RS is an error, not a crash */
    ks_deploy_rs one[1] = {rs_of(0, 0, 0)};
    size_t n1 = 1;
    int ni = -1;
    CU_ASSERT_EQUAL(ks_deploy_recreate_sync(&d, one, &n1, 1, &ni, 0, 0, &r,
                                            NULL), KS_ERANGE);
}

/* deployment_util_test.go TestDeploymentComplete
 * (desired, current, updated, available). */
static void test_deployment_complete(void)
{
    CU_ASSERT_FALSE(ks_deploy_complete(5, 5, 5, 4));
    CU_ASSERT_FALSE(ks_deploy_complete(5, 5, 5, 3));
    CU_ASSERT_TRUE(ks_deploy_complete(5, 5, 5, 5));
    CU_ASSERT_FALSE(ks_deploy_complete(5, 4, 5, 5));
    CU_ASSERT_FALSE(ks_deploy_complete(1, 1, 2, 1));
    CU_ASSERT_FALSE(ks_deploy_complete(1, 1, 1, 0));
}

/* sync.go cleanupDeployment: revisionHistoryLimit 2 over 5 old RSs looks at
 * the 3 lowest revisions and deletes those without pods. */
static void test_revision_history(void)
{
    ks_deploy_spec d = rolling(1, ks_intstr_int(1), ks_intstr_int(0));
    d.revision_history_limit = 2;
    ks_deploy_rs rs[6];
    const int64_t revs[6] = {4, 1, 3, 2, 5, 6};
    for (int i = 0; i < 6; i++) {
        rs[i] = rs_of(0, 0, (ks_time)i);
        rs[i].revision = revs[i];
    }
    rs[2].status_replicas = 1; /* revision 3 still has a pod */
    rs[5].replicas = 1;        /* the new RS, revision 6 */
    CU_ASSERT_EQUAL(ks_deploy_next_revision(rs, 6, 5), 6);
    CU_ASSERT_EQUAL(ks_deploy_next_revision(rs, 6, -1), 7);
    size_t out[6];
    size_t k = ks_deploy_cleanup_history(&d, rs, 6, 5, out);
    CU_ASSERT_EQUAL_FATAL(k, 2);
    CU_ASSERT_EQUAL(out[0], 1); /* revision 1 */
    CU_ASSERT_EQUAL(out[1], 3); /* revision 2; 3 is kept (a pod left) */
    CU_ASSERT_TRUE(rs[1].deleted && rs[3].deleted);
    CU_ASSERT_FALSE(rs[2].deleted);
    /* within the limit now (3 live old RSs - 2 = 1: revision 3, not empty) */
    CU_ASSERT_EQUAL(ks_deploy_cleanup_history(&d, rs, 6, 5, out), 0);
    d.revision_history_limit = -1; /* nil: keep everything */
    CU_ASSERT_EQUAL(ks_deploy_cleanup_history(&d, rs, 6, 5, out), 0);
}

static void test_intstr_scaled(void)
{
    int v;
    ks_intstr s = ks_intstr_str("-10%");
    CU_ASSERT_EQUAL(ks_intstr_scaled(&s, 25, false, &v, NULL), 0);
    CU_ASSERT_EQUAL(v, -3); /* floor(-2.5) */
    s = ks_intstr_str("%");
    CU_ASSERT_EQUAL(ks_intstr_scaled(&s, 25, false, &v, NULL), KS_EINVAL);
    s = ks_intstr_str("1x%");
    CU_ASSERT_EQUAL(ks_intstr_scaled(&s, 25, false, &v, NULL), KS_EINVAL);
    ks_intstr unset = {0};
    CU_ASSERT_EQUAL(ks_intstr_scaled(&unset, 25, false, &v, NULL), KS_EINVAL);
}

/* ---- Deployment: scaling (sync.go scale) ------------------------------- */

/* One row of sync_test.go TestScale (commit 003e8629).  newDeployment
 * there has maxSurge = maxUnavailable = 0 unless given; the RSs carry the
 * replica annotations of the old Deployment (desired = its replicas, max =
 * desired + its maxSurge), or the desired override. */
typedef struct scale_row {
    const char *name;
    int32_t replicas, surge;         /* the Deployment now */
    int32_t old_replicas, old_surge; /* before: the RSs' annotations */
    int nrs;                         /* RSs: [0] the new one if has_new */
    int has_new;
    int32_t size[3];                 /* spec.replicas */
    int hours[3];                    /* creationTimestamp, hours */
    int32_t want[3];
    int32_t desired[3];              /* 0: the old Deployment's */
    int broken;                      /* the new RS has no available pod */
} scale_row;

static void test_scale_table(void)
{
    /* timestamps: new 2h, old 1h, older 0h */
    static const scale_row t[] = {
        {"normal scaling event: 10 -> 12", 12, 0, 10, 0, 1, 1, {10}, {2},
         {12}, {0}, 0},
        {"normal scaling event: 10 -> 5", 5, 0, 10, 0, 1, 1, {10}, {2}, {5},
         {0}, 0},
        {"proportional scaling: 5 -> 10", 10, 0, 5, 0, 2, 1, {2, 3}, {2, 1},
         {4, 6}, {0}, 0},
        {"proportional scaling: 5 -> 3", 3, 0, 5, 0, 2, 1, {2, 3}, {2, 1},
         {1, 2}, {0}, 0},
        {"proportional scaling: 9 -> 4", 4, 0, 9, 0, 2, 1, {8, 1}, {2, 1},
         {4, 0}, {0}, 0},
        {"proportional scaling: 7 -> 10", 10, 0, 7, 0, 3, 1, {2, 3, 2},
         {2, 1, 0}, {3, 4, 3}, {0}, 0},
        {"proportional scaling: 13 -> 8", 8, 0, 13, 0, 3, 1, {2, 8, 3},
         {2, 1, 0}, {1, 5, 2}, {0}, 0},
        {"leftover distribution: 3 -> 4", 4, 0, 3, 0, 3, 1, {1, 1, 1},
         {2, 1, 0}, {2, 1, 1}, {0}, 0},
        {"leftover distribution: 3 -> 2", 2, 0, 3, 0, 3, 1, {1, 1, 1},
         {2, 1, 0}, {1, 1, 0}, {0}, 0},
        {"proportional scaling (no new rs): 4 -> 5", 5, 0, 4, 0, 2, 0,
         {2, 2}, {1, 0}, {3, 2}, {0}, 0},
        {"proportional scaling: 6 -> 0", 0, 0, 6, 0, 3, 1, {3, 2, 1},
         {2, 1, 0}, {0, 0, 0}, {0}, 0},
        {"proportional scaling: 0 -> 6", 6, 0, 6, 0, 3, 1, {0, 0, 0},
         {2, 1, 0}, {6, 0, 0}, {0}, 0},
        {"failed rs update", 5, 0, 5, 0, 3, 1, {2, 1, 1}, {2, 1, 0},
         {2, 2, 1}, {0, 3, 0}, 0},
        {"deployment with surge pods", 20, 2, 10, 2, 2, 1, {6, 6}, {2, 1},
         {11, 11}, {0}, 0},
        {"change both surge and size", 50, 6, 10, 3, 2, 1, {5, 8}, {2, 1},
         {22, 34}, {0}, 0},
        {"change both size and template", 14, 0, 10, 0, 2, 0, {7, 3}, {2, 1},
         {10, 4}, {0}, 0},
        {"saturated but broken new replica set does not affect old pods", 2,
         1, 2, 1, 2, 1, {2, 1}, {2, 1}, {2, 1}, {0}, 1},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        ks_deploy_spec d = rolling(t[i].replicas, ks_intstr_int(t[i].surge),
                                   ks_intstr_int(0));
        /* "broken" has maxUnavailable 1 */
        if (t[i].broken)
            d.max_unavailable = ks_intstr_int(1);
        ks_deploy_rs rs[3];
        for (int k = 0; k < t[i].nrs; k++) {
            rs[k] = rs_of(t[i].size[k], t[i].size[k],
                          (ks_time)t[i].hours[k] * KS_HOUR);
            int32_t desired = t[i].desired[k] ? t[i].desired[k]
                                              : t[i].old_replicas;
            rs[k].annotated = true;
            rs[k].desired_replicas = desired;
            rs[k].max_replicas = desired + t[i].old_surge;
        }
        if (t[i].broken)
            rs[0].available = 0;
        ks_deploy_scale(&d, rs, (size_t)t[i].nrs, t[i].has_new ? 0 : -1, 0);
        for (int k = 0; k < t[i].nrs; k++) {
            if (rs[k].replicas != t[i].want[k])
                fprintf(stderr, "\n  TestScale %s: RS %d: %d, want %d\n",
                        t[i].name, k, rs[k].replicas, t[i].want[k]);
            CU_ASSERT_EQUAL(rs[k].replicas, t[i].want[k]);
        }
    }
}

/* Required: a Deployment of 10 (25%/25%: surge 3) in the middle of a
 * rollout at (8 old, 5 new), scaled to 20 (surge 5): 25 - 13 = 12 more
 * pods, the old RS first (bigger): round(8 * 25 / 13 = 15.38) = 15 (+7),
 * then the new one round(5 * 25 / 13 = 9.62) = 10 (+5, all that is left);
 * no leftover.  Both get desired 20 / max 25, so the next sync is no
 * scaling event.  Scaling back to 10 removes 15 pods: the old RS first,
 * round(15 * 13 / 25 = 7.8) = 8, the new one round(10 * 13 / 25 = 5.2) =
 * 5: back at (8, 5). */
static void test_scale_mid_rollout(void)
{
    ks_deploy_spec d10 = rolling(10, ks_intstr_str("25%"),
                                 ks_intstr_str("25%"));
    ks_deploy_rs rs[2] = {rs_of(8, 8, 0), rs_of(5, 0, KS_SECOND)};
    for (int k = 0; k < 2; k++)
        CU_ASSERT_TRUE(ks_deploy_set_replicas_annotations(&d10, &rs[k]));
    CU_ASSERT_FALSE(ks_deploy_set_replicas_annotations(&d10, &rs[0]));
    CU_ASSERT_EQUAL(rs[0].desired_replicas, 10);
    CU_ASSERT_EQUAL(rs[0].max_replicas, 13);
    CU_ASSERT_FALSE(ks_deploy_is_scaling_event(&d10, rs, 2));
    ks_deploy_spec d20 = d10;
    d20.replicas = 20;
    CU_ASSERT_TRUE(ks_deploy_is_scaling_event(&d20, rs, 2));
    CU_ASSERT_EQUAL(ks_deploy_proportion(&d20, &rs[0], 0, 12, 0), 7);
    CU_ASSERT_EQUAL(ks_deploy_proportion(&d20, &rs[1], 0, 12, 7), 5);
    CU_ASSERT_EQUAL(ks_deploy_proportion(&d20, &rs[1], 0, 12, 12), 0);
    CU_ASSERT_EQUAL(ks_deploy_scale(&d20, rs, 2, 1, 13), 2);
    CU_ASSERT_EQUAL(rs[0].replicas, 15);
    CU_ASSERT_EQUAL(rs[1].replicas, 10);
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(rs[k].desired_replicas, 20);
        CU_ASSERT_EQUAL(rs[k].max_replicas, 25);
    }
    CU_ASSERT_FALSE(ks_deploy_is_scaling_event(&d20, rs, 2));
    CU_ASSERT_EQUAL(ks_deploy_scale(&d10, rs, 2, 1, 25), 2);
    CU_ASSERT_EQUAL(rs[0].replicas, 8);
    CU_ASSERT_EQUAL(rs[1].replicas, 5);
    /* an inactive RS is no scaling event, and without annotations the
     * share is taken over status.replicas */
    ks_deploy_rs plain[2] = {rs_of(4, 4, 0), rs_of(0, 0, 1)};
    plain[1].annotated = true;
    plain[1].desired_replicas = 3;
    CU_ASSERT_FALSE(ks_deploy_is_scaling_event(&d10, plain, 2));
    CU_ASSERT_EQUAL(ks_deploy_proportion(&d10, &plain[0], 4, 9, 0),
                    9); /* 4 * 13 / 4 = 13: +9 */
    CU_ASSERT_EQUAL(ks_deploy_proportion(&d10, &plain[0], 0, 9, 0), 0);
    /* IsSaturated (TestAnnotationUtils) */
    ks_deploy_spec d1 = rolling(1, ks_intstr_int(1), ks_intstr_int(0));
    ks_deploy_rs sat = rs_of(1, 1, 0);
    CU_ASSERT_FALSE(ks_deploy_is_saturated(&d1, &sat));
    sat.annotated = true;
    sat.desired_replicas = 1;
    CU_ASSERT_TRUE(ks_deploy_is_saturated(&d1, &sat));
    sat.available = 0;
    CU_ASSERT_FALSE(ks_deploy_is_saturated(&d1, &sat));
}

/* A saturated new RS takes the old RSs to 0 (scale's adoption case); with
 * Recreate several active RSs are left alone. */
static void test_scale_saturated_and_recreate(void)
{
    ks_deploy_spec d = rolling(3, ks_intstr_int(1), ks_intstr_int(0));
    ks_deploy_rs rs[3] = {rs_of(2, 2, 0), rs_of(1, 1, 1), rs_of(3, 3, 2)};
    rs[2].annotated = true;
    rs[2].desired_replicas = 3;
    CU_ASSERT_EQUAL(ks_deploy_scale(&d, rs, 3, 2, 0), 2);
    CU_ASSERT_EQUAL(rs[0].replicas, 0);
    CU_ASSERT_EQUAL(rs[1].replicas, 0);
    CU_ASSERT_EQUAL(rs[2].replicas, 3);
    CU_ASSERT_TRUE(rs[0].annotated && rs[0].desired_replicas == 3 &&
                   rs[0].max_replicas == 4);
    d.strategy = KS_DEPLOY_RECREATE;
    ks_deploy_rs two[2] = {rs_of(2, 2, 0), rs_of(2, 0, 1)};
    CU_ASSERT_EQUAL(ks_deploy_scale(&d, two, 2, 1, 4), 0);
    CU_ASSERT_EQUAL(two[0].replicas + two[1].replicas, 4);
}

/* The rolling and Recreate syncs annotate what they scale and create. */
static void test_sync_annotates(void)
{
    ks_deploy_spec d = rolling(10, ks_intstr_str("25%"), ks_intstr_str("25%"));
    ks_deploy_rs rs[2] = {rs_of(10, 10, 0)};
    size_t n = 1;
    int new_idx = -1;
    ks_deploy_sync_result r;
    CU_ASSERT_EQUAL(ks_deploy_rolling_sync(&d, rs, &n, 2, &new_idx, KS_SECOND,
                                           &r, NULL), 0);
    CU_ASSERT_EQUAL(rs[0].replicas, 8);
    CU_ASSERT_EQUAL(rs[1].replicas, 3);
    for (int k = 0; k < 2; k++)
        CU_ASSERT_TRUE(rs[k].annotated && rs[k].desired_replicas == 10 &&
                       rs[k].max_replicas == 13);
}

/* deployment_util_test.go TestDeploymentProgressing (current table:
 * before (replicas, updated, ready, available), now, progressing). */
static void test_deployment_progressing(void)
{
    static const int32_t t[][9] = {
        {10, 4, 4, 4, 10, 6, 4, 4, 1},   /* updated pods */
        {10, 4, 4, 4, 10, 4, 4, 4, 0},   /* not progressing */
        {10, 4, 6, 6, 8, 4, 6, 6, 1},    /* old pods removed */
        {10, 7, 3, 3, 10, 6, 3, 3, 0},   /* less new pods */
        {10, 4, 7, 7, 8, 8, 5, 5, 1},    /* less overall, more new */
        {10, 10, 9, 8, 10, 10, 10, 8, 1}, /* more ready pods */
        {10, 10, 10, 9, 10, 10, 10, 10, 1}, /* more available pods */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        ks_deploy_counts before = {t[i][0], t[i][1], t[i][2], t[i][3]};
        ks_deploy_counts now = {t[i][4], t[i][5], t[i][6], t[i][7]};
        CU_ASSERT_EQUAL(ks_deploy_progressing(&before, &now), t[i][8] != 0);
    }
}

/* deployment_util_test.go TestDeploymentTimedOut (nil deadline: 0 here),
 * and requeueStuckDeployment's delay. */
static void test_deployment_timed_out(void)
{
    const ks_time m1s9 = 69 * KS_SECOND, m1s11 = 71 * KS_SECOND,
                  m1s20 = 80 * KS_SECOND;
    CU_ASSERT_FALSE(ks_deploy_timed_out(0, "", m1s9, m1s20));
    CU_ASSERT_FALSE(ks_deploy_timed_out(INT32_MAX, "", m1s9, m1s20));
    CU_ASSERT_TRUE(ks_deploy_timed_out(10, "", m1s9, m1s20));
    CU_ASSERT_FALSE(ks_deploy_timed_out(10, "", m1s11, m1s20));
    CU_ASSERT_FALSE(ks_deploy_timed_out(0, KS_DEPLOY_REASON_NEW_RS_AVAILABLE,
                                        0, m1s20));
    /* strictly after the deadline; no condition: no base to estimate */
    CU_ASSERT_FALSE(ks_deploy_timed_out(10, "", 70 * KS_SECOND, m1s20));
    CU_ASSERT_TRUE(ks_deploy_timed_out(10, "", 70 * KS_SECOND, m1s20 + 1));
    CU_ASSERT_FALSE(ks_deploy_timed_out(10, NULL, 0, m1s20));
    CU_ASSERT_TRUE(ks_deploy_timed_out(10, KS_DEPLOY_REASON_TIMED_OUT, m1s20,
                                       m1s20));
    CU_ASSERT_FALSE(ks_deploy_timed_out(10,
                                        KS_DEPLOY_REASON_NEW_RS_AVAILABLE, 0,
                                        m1s20));
    /* progress.go: lastUpdate 00:00, deadline 600 s, now 03:00 -> 7 min,
     * plus the extra second */
    CU_ASSERT_EQUAL(ks_deploy_progress_recheck(600,
                                               KS_DEPLOY_REASON_RS_UPDATED, 0,
                                               false, 3 * KS_MINUTE),
                    7 * KS_MINUTE + KS_SECOND);
    CU_ASSERT_EQUAL(ks_deploy_progress_recheck(
                        600, KS_DEPLOY_REASON_RS_UPDATED, 0, false,
                        600 * KS_SECOND - KS_SECOND / 2),
                    0);
    CU_ASSERT_EQUAL(ks_deploy_progress_recheck(
                        600, KS_DEPLOY_REASON_RS_UPDATED, 0, true, 0),
                    -1);
    CU_ASSERT_EQUAL(ks_deploy_progress_recheck(
                        600, KS_DEPLOY_REASON_TIMED_OUT, 0, false, 0),
                    -1);
    CU_ASSERT_EQUAL(ks_deploy_progress_recheck(600, NULL, 0, false, 0), -1);
    CU_ASSERT_EQUAL(ks_deploy_progress_recheck(
                        0, KS_DEPLOY_REASON_RS_UPDATED, 0, false, 0),
                    -1);
}

/* kubectl rollback.go deploymentRevision: the previous revision by
 * default, a given one, and the two errors. */
static void test_rollback_target(void)
{
    ks_deploy_rs rs[4];
    const int64_t revs[4] = {1, 3, 2, 4}; /* old ones by creation, new */
    for (int i = 0; i < 4; i++) {
        rs[i] = rs_of(0, 0, (ks_time)i);
        rs[i].revision = revs[i];
    }
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 4, 0), 1); /* rev 3 */
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 4, 2), 2);
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 4, 4), 3);
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 4, 5), -1);
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 4, -1), -1);
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 1, 0), -2);
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 0, 0), -2);
    /* the one-pass scan: the highest seen first leaves a later lower one
     * as the previous revision */
    const int64_t later[3] = {5, 2, 4};
    for (int i = 0; i < 3; i++)
        rs[i].revision = later[i];
    CU_ASSERT_EQUAL(ks_deploy_rollback_target(rs, 3, 0), 2); /* rev 4 */
}

void ks_suite_rs_deployment(void)
{
    static const ks_test_case cases[] = {
        {"ActivePodsWithRanks equality (TestSortingActivePodsWithRanks)",
         test_ranks_equality},
        {"ActivePodsWithRanks inequality (TestSortingActivePodsWithRanks)",
         test_ranks_inequality},
        {"log2 buckets tie-break by UID", test_ranks_uid_tiebreak},
        {"rank-less order (TestSortingActivePods)", test_sorting_active_pods},
        {"ReplicaSet scale-down deletes the pods upstream's ranking picks "
         "(TestGetPodsToDelete)",
         test_get_pods_to_delete},
        {"ranks count related pods per node", test_rank_by_node},
        {"slow start batches (TestSlowStartBatch)", test_slow_start_batch},
        {"create failures bounded (TestSyncReplicaSetCreateFailures)",
         test_create_failures_bounded},
        {"manageReplicas diff and burst", test_manage_diff},
        {"expectations: counts, UIDs, 5 min TTL", test_expectations},
        {"minReadySeconds availability", test_pod_available},
        {"ResolveFenceposts (TestResolveFenceposts)", test_resolve_fenceposts},
        {"MaxUnavailable (TestMaxUnavailable)", test_max_unavailable},
        {"NewRSNewReplicas (TestNewRSNewReplicas)", test_new_rs_new_replicas},
        {"reconcileNewReplicaSet table", test_reconcile_new_rs},
        {"reconcileOldReplicaSets table", test_reconcile_old_rs},
        {"reconcileOldReplicaSets crash-loop example",
         test_reconcile_old_crashloop_example},
        {"cleanupUnhealthyReplicas table", test_cleanup_unhealthy},
        {"scaleDownOldReplicaSetsForRollingUpdate table",
         test_scale_down_old_rolling},
        {"old ReplicaSets scale down oldest first",
         test_scale_down_oldest_first},
        {"10 replicas, 25%/25% roll out in upstream's steps",
         test_rollout_10_replicas_25pct},
        {"maxSurge 0 rolls one pod at a time", test_rollout_surge_zero},
        {"Recreate: scale down, wait, create", test_recreate_order},
        {"DeploymentComplete (TestDeploymentComplete)",
         test_deployment_complete},
        {"revision numbering and history cleanup", test_revision_history},
        {"intstr percentages", test_intstr_scaled},
        {"scale (TestScale)", test_scale_table},
        {"10 -> 20 at (8 old, 5 new), 25%: proportional (15, 10)",
         test_scale_mid_rollout},
        {"scale: saturated new RS, Recreate",
         test_scale_saturated_and_recreate},
        {"syncs write the replica annotations", test_sync_annotates},
        {"DeploymentProgressing (TestDeploymentProgressing)",
         test_deployment_progressing},
        {"DeploymentTimedOut (TestDeploymentTimedOut), requeue delay",
         test_deployment_timed_out},
        {"kubectl rollout undo: which revision", test_rollback_target},
        {NULL, NULL},
    };
    ks_test_add_suite("rs_deployment", cases);
}
