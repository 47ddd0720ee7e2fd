/* test_job_hpa.c - kubelet CrashLoopBackOff, Job pod-failure back-off, the
 * Job controller's sync and the HorizontalPodAutoscaler (suite job_hpa). */
#include <stdlib.h>

#include "sim/controllers/backoff.h"
#include "sim/controllers/hpa.h"
#include "sim/controllers/job.h"
#include "sim/engine.h"
#include "tests/test_util.h"

void ks_suite_job_hpa(void);

#define S KS_SECOND

/* ---- CrashLoopBackOff ---------------------------------------------------- */

/* A container that crashes the moment it starts (run time 0).  Simulates
 * the kubelet's decision at each moment the container may restart (v1.35+
 * requeues exactly at back-off expiry) and returns the waits between a
 * crash and the next start. */
static void crash_loop_gaps(const ks_crashloop_config *cfg, ks_time run_time,
                            int n, ks_time *gaps)
{
    ks_crashloop b;
    ks_crashloop_init(&b);
    ks_time finished = run_time; /* first start at 0 */
    for (int i = 0; i < n; i++) {
        ks_time now = ks_crashloop_ready_at(&b, cfg, finished);
        CU_ASSERT_FALSE(ks_crashloop_in_backoff(&b, cfg, finished, now));
        if (now > finished)
            CU_ASSERT_TRUE(ks_crashloop_in_backoff(&b, cfg, finished, now - 1));
        ks_crashloop_next(&b, cfg, finished, now);
        gaps[i] = now - finished;
        finished = now + run_time;
    }
}

/* Scenario S7 of the reference: restart #1 is immediate (no back-off entry
 * exists before the first Next), then 10, 20, 40, 80, 160, 300, 300 s. */
static void test_crashloop_sequence(void)
{
    ks_crashloop_config cfg = ks_crashloop_config_default();
    ks_time gaps[9];
    crash_loop_gaps(&cfg, 0, 9, gaps);
    const ks_time want[9] = {0, 10, 20, 40, 80, 160, 300, 300, 300};
    for (int i = 0; i < 9; i++)
        CU_ASSERT_EQUAL(gaps[i], want[i] * S);
    /* Restart times 0, 10, 30, 70, 150, 310, 610, 910: restartCount 5 at
     * t = 300 s as in the reference. */
    ks_time t = 0;
    int restarts_by_300 = 0;
    for (int i = 0; i < 9; i++) {
        t += gaps[i];
        restarts_by_300 += t <= 300 * S;
    }
    CU_ASSERT_EQUAL(restarts_by_300, 5);
}

/* The entry resets when the container finished more than 600 s after its
 * last restart (kubelet HasExpiredFunc), not at exactly 600 s. */
static void test_crashloop_reset(void)
{
    ks_crashloop_config cfg = ks_crashloop_config_default();
    ks_crashloop b;
    ks_crashloop_init(&b);
    /* Build up to 80 s: restarts at 0, 10, 30, 70. */
    ks_time fin = 0;
    for (int i = 0; i < 4; i++) {
        ks_time now = ks_crashloop_ready_at(&b, &cfg, fin);
        ks_crashloop_next(&b, &cfg, fin, now);
        fin = now;
    }
    CU_ASSERT_EQUAL(b.backoff, 80 * S);
    CU_ASSERT_EQUAL(b.last_update, 70 * S);
    /* Runs exactly 600 s: still in back-off, the next wait is 160 s. */
    ks_crashloop c = b;
    ks_time f1 = 70 * S + 600 * S;
    CU_ASSERT_TRUE(ks_crashloop_in_backoff(&c, &cfg, f1, f1));
    CU_ASSERT_EQUAL(ks_crashloop_ready_at(&c, &cfg, f1), f1 + 80 * S);
    ks_crashloop_next(&c, &cfg, f1, f1 + 80 * S);
    CU_ASSERT_EQUAL(c.backoff, 160 * S);
    /* Runs 600 s + 1 ns: restarted at once, back-off back to 10 s. */
    ks_time f2 = f1 + 1;
    CU_ASSERT_FALSE(ks_crashloop_in_backoff(&b, &cfg, f2, f2));
    CU_ASSERT_EQUAL(ks_crashloop_ready_at(&b, &cfg, f2), f2);
    ks_crashloop_next(&b, &cfg, f2, f2);
    CU_ASSERT_EQUAL(b.backoff, 10 * S);
    /* ... so the following immediate crash waits 10 s again. */
    CU_ASSERT_EQUAL(ks_crashloop_ready_at(&b, &cfg, f2), f2 + 10 * S);
}

/* newCrashLoopBackOff with the alpha gates (off by default in v1.36). */
static void test_crashloop_gates(void)
{
    ks_crashloop_config cfg;
    CU_ASSERT_EQUAL(ks_crashloop_config_for(false, false, 0, &cfg), KS_OK);
    CU_ASSERT_EQUAL(cfg.initial, 10 * S);
    CU_ASSERT_EQUAL(cfg.max, 300 * S);
    CU_ASSERT_EQUAL(cfg.reset_after, 600 * S);
    CU_ASSERT_EQUAL(ks_crashloop_config_for(true, false, 0, &cfg), KS_OK);
    CU_ASSERT_EQUAL(cfg.initial, 1 * S);
    CU_ASSERT_EQUAL(cfg.max, 60 * S);
    ks_time gaps[9];
    crash_loop_gaps(&cfg, 0, 9, gaps);
    const ks_time want[9] = {0, 1, 2, 4, 8, 16, 32, 60, 60};
    for (int i = 0; i < 9; i++)
        CU_ASSERT_EQUAL(gaps[i], want[i] * S);
    CU_ASSERT_EQUAL(ks_crashloop_config_for(false, true, 5 * S, &cfg), KS_OK);
    CU_ASSERT_EQUAL(cfg.initial, 5 * S); /* lowered to the max */
    CU_ASSERT_EQUAL(cfg.max, 5 * S);
    CU_ASSERT_EQUAL(ks_crashloop_config_for(true, true, 30 * S, &cfg), KS_OK);
    CU_ASSERT_EQUAL(cfg.initial, 1 * S);
    CU_ASSERT_EQUAL(cfg.max, 30 * S);
    CU_ASSERT_EQUAL(ks_crashloop_config_for(false, true, 301 * S, &cfg),
                    KS_EINVAL);
    CU_ASSERT_EQUAL(ks_crashloop_config_for(false, true, 0, &cfg), KS_EINVAL);
}

/* ---- Job pod-failure back-off ------------------------------------------- */

/* Mirrors upstream backoff_utils_test.go TestGetRemainingBackoffTime
 * shapes: 10 s doubling, capped at 10 min. */
static void test_job_backoff_durations(void)
{
    CU_ASSERT_EQUAL(ks_job_backoff_duration(0), 0);
    CU_ASSERT_EQUAL(ks_job_backoff_duration(1), 10 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_duration(2), 20 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_duration(3), 40 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_duration(6), 320 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_duration(7), 600 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_duration(50), 600 * S);

    ks_job_backoff rec;
    ks_job_backoff_init(&rec);
    CU_ASSERT_EQUAL(ks_job_backoff_remaining(&rec, 5 * S), 0);
    ks_time f[] = {100 * S, 90 * S};
    ks_job_backoff_update(&rec, NULL, 0, f, 2);
    CU_ASSERT_EQUAL(rec.failures_after_last_success, 2);
    CU_ASSERT_EQUAL(rec.last_failure_time, 100 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_remaining(&rec, 105 * S), 15 * S);
    CU_ASSERT_EQUAL(ks_job_backoff_remaining(&rec, 120 * S), 0);
    CU_ASSERT_EQUAL(ks_job_backoff_remaining(&rec, 200 * S), 0);
    /* A success resets, keeping failures that finished after it. */
    ks_time ok[] = {150 * S};
    ks_time f2[] = {140 * S, 160 * S, 170 * S};
    ks_job_backoff_update(&rec, ok, 1, f2, 3);
    CU_ASSERT_EQUAL(rec.failures_after_last_success, 2);
    CU_ASSERT_EQUAL(rec.last_failure_time, 170 * S);
    ks_job_backoff_update(&rec, ok, 1, NULL, 0);
    CU_ASSERT_EQUAL(rec.failures_after_last_success, 0);
    CU_ASSERT_EQUAL(rec.last_failure_time, KS_TIME_NEVER);
}

/* ---- Job controller: TestControllerSyncJob rows -------------------------- */

typedef struct sync_row {
    const char *name;
    int32_t parallelism, completions, backoff_limit;
    bool deleting;
    int32_t create_ok_limit, delete_ok_limit; /* -1: no API error */
    int32_t pending, active, succeeded, failed;
    int32_t want_creates, want_deletes, want_active, want_succeeded,
        want_failed;
    ks_job_phase want_phase;
    ks_job_reason want_reason;
} sync_row;

/* Rows of upstream job_controller_test.go TestControllerSyncJob (the
 * counts columns; "failed pod", "job finish" and "more active pods than
 * completions" from its older positional form).  Condition columns: with
 * the v1.36 gates a finished Job with no terminating pod becomes
 * Complete / Failed in the same sync.  "with controller error" rows model
 * FakePodControl.Err (every call fails: creates attempted = 1, first
 * slow-start batch).  Pending and running pods are both active. */
static const sync_row sync_rows[] = {
    {"job start", 2, 5, 6, false, -1, -1, 0, 0, 0, 0, 2, 0, 2, 0, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"WQ job start", 2, KS_JOB_WORK_QUEUE, 6, false, -1, -1, 0, 0, 0, 0, 2, 0,
     2, 0, 0, KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"pending pods", 2, 5, 6, false, -1, -1, 2, 0, 0, 0, 0, 0, 2, 0, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"correct # of pods", 2, 5, 6, false, -1, -1, 0, 2, 0, 0, 0, 0, 2, 0, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"WQ job: correct # of pods", 2, KS_JOB_WORK_QUEUE, 6, false, -1, -1, 0, 2,
     0, 0, 0, 0, 2, 0, 0, KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"too few active pods", 2, 5, 6, false, -1, -1, 0, 1, 1, 0, 1, 0, 2, 1, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"too few active pods with a dynamic job", 2, KS_JOB_WORK_QUEUE, 6, false,
     -1, -1, 0, 1, 0, 0, 1, 0, 2, 0, 0, KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"too few active pods, with controller error", 2, 5, 6, false, 0, -1, 0,
     1, 1, 0, 1, 0, 1, 1, 0, KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"too many active pods", 2, 5, 6, false, -1, -1, 0, 3, 0, 0, 0, 1, 2, 0, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"too many active pods, with controller error", 2, 5, 6, false, -1, 0, 0,
     3, 0, 0, 0, 1, 3, 0, 0, KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"failed pod", 2, 5, 6, false, -1, -1, 0, 1, 1, 1, 1, 0, 2, 1, 1,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"job finish", 2, 5, 6, false, -1, -1, 0, 0, 5, 0, 0, 0, 0, 5, 0,
     KS_JOB_COMPLETE, KS_JOB_REASON_NONE},
    {"more active pods than completions", 2, 5, 6, false, -1, -1, 0, 10, 0, 0,
     0, 8, 2, 0, 0, KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"status change", 2, 5, 6, false, -1, -1, 0, 2, 2, 0, 0, 0, 2, 2, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"deleting job", 2, 5, 6, true, -1, -1, 1, 1, 1, 0, 0, 0, 2, 1, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"limited pods", 100, 200, 6, false, 10, -1, 0, 0, 0, 0, 10, 0, 10, 0, 0,
     KS_JOB_RUNNING, KS_JOB_REASON_NONE},
    {"too many job failures", 2, 5, 0, true, -1, -1, 0, 0, 0, 1, 0, 0, 0, 0, 1,
     KS_JOB_FAILED, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED},
};

static void test_job_sync_rows(void)
{
    const ks_time now = 3600 * S;
    for (size_t i = 0; i < sizeof sync_rows / sizeof sync_rows[0]; i++) {
        const sync_row *r = &sync_rows[i];
        ks_job_spec spec;
        ks_job_spec_default(&spec);
        spec.parallelism = r->parallelism;
        spec.completions = r->completions;
        spec.backoff_limit = r->backoff_limit;
        ks_job_status st;
        ks_job_status_init(&st);
        ks_time succ_at[8], fail_at[8];
        for (int k = 0; k < 8; k++)
            succ_at[k] = fail_at[k] = 0; /* finished long ago */
        ks_job_observed obs;
        ks_job_observed_init(&obs);
        obs.active = r->pending + r->active;
        obs.new_succeeded_at = succ_at;
        obs.n_new_succeeded = r->succeeded;
        obs.new_failed_at = fail_at;
        obs.n_new_failed = r->failed;
        obs.job_deleting = r->deleting;
        obs.create_ok_limit = r->create_ok_limit;
        obs.delete_ok_limit = r->delete_ok_limit;
        ks_job_sync_result res;
        CU_ASSERT_EQUAL_FATAL(ks_job_sync(&spec, &st, &obs, now, &res, NULL),
                              KS_OK);
        int bad = 0;
        if (r->create_ok_limit > 0) /* FakePodControl CreateLimit */
            bad |= res.creates_succeeded != r->want_creates;
        else
            bad |= res.creates_attempted != r->want_creates;
        bad |= res.deletes_attempted != r->want_deletes;
        bad |= st.active != r->want_active;
        bad |= st.succeeded != r->want_succeeded;
        bad |= st.failed != r->want_failed;
        bad |= st.phase != r->want_phase;
        bad |= st.reason != r->want_reason;
        bad |= st.start_time != now;
        if (bad)
            fprintf(stderr, "\nTestControllerSyncJob row \"%s\": creates %d/%d "
                    "deletes %d active %d succ %d failed %d phase %s %s\n",
                    r->name, res.creates_attempted, res.creates_succeeded,
                    res.deletes_attempted, st.active, st.succeeded, st.failed,
                    ks_job_phase_name(st.phase), ks_job_reason_name(st.reason));
        CU_ASSERT_FALSE(bad);
    }
}

/* The "limited pods" row's slow-start check: creates go out in batches of
 * 1, 2, 4, 8 and stop at the batch that failed. */
static void test_slow_start(void)
{
    int32_t b[KS_SLOW_START_MAX_BATCHES], attempted;
    int n;
    CU_ASSERT_EQUAL(ks_slow_start(100, 10, b, KS_SLOW_START_MAX_BATCHES, &n,
                                  &attempted), 10);
    CU_ASSERT_EQUAL(attempted, 15);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(b[3], 8);
    /* 500 creates: 1+2+4+...+128+245, nine batches (reference S14). */
    CU_ASSERT_EQUAL(ks_slow_start(500, -1, b, KS_SLOW_START_MAX_BATCHES, &n,
                                  &attempted), 500);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_EQUAL(b[0], 1);
    CU_ASSERT_EQUAL(b[7], 128);
    CU_ASSERT_EQUAL(b[8], 245);
    CU_ASSERT_EQUAL(ks_slow_start(0, -1, b, KS_SLOW_START_MAX_BATCHES, &n,
                                  &attempted), 0);
    CU_ASSERT_EQUAL(n, 0);
    /* A failure in the last batch skips nothing. */
    CU_ASSERT_EQUAL(ks_slow_start(3, 2, b, KS_SLOW_START_MAX_BATCHES, &n,
                                  &attempted), 2);
    CU_ASSERT_EQUAL(attempted, 3);
}

/* Job creation beyond 500 pods per sync is capped (MaxPodCreateDelete). */
static void test_job_create_cap(void)
{
    ks_job_spec spec;
    ks_job_spec_default(&spec);
    spec.parallelism = 600;
    spec.completions = 1000;
    ks_job_status st;
    ks_job_status_init(&st);
    ks_job_observed obs;
    ks_job_observed_init(&obs);
    ks_job_sync_result res;
    CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &obs, 0, &res, NULL), KS_OK);
    CU_ASSERT_EQUAL(res.creates_succeeded, 500);
    CU_ASSERT_EQUAL(st.active, 500);
    /* Bad specs are errors, not aborts. */
    spec.parallelism = -1;
    ks_error e;
    CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &obs, 0, &res, &e), KS_EINVAL);
}

/* Rows of upstream TestSyncJobPastDeadline (parallelism, completions,
 * activeDeadlineSeconds, startTime seconds ago, backoffLimit; active,
 * succeeded, failed pods -> deletions, active, succeeded, failed, reason).
 * With v1.36 gates the Job first becomes FailureTarget while the deleted
 * pods terminate. */
static void test_job_past_deadline_rows(void)
{
    static const struct {
        const char *name;
        int32_t par, comp, deadline, started, limit, act, succ, fail;
        int32_t want_del, want_act, want_succ, want_fail;
        ks_job_reason reason;
    } rows[] = {
        {"activeDeadlineSeconds less than single pod execution", 1, 1, 10, 15,
         6, 1, 0, 0, 1, 0, 0, 1, KS_JOB_REASON_DEADLINE_EXCEEDED},
        {"activeDeadlineSeconds bigger than single pod execution", 1, 2, 10,
         15, 6, 1, 1, 0, 1, 0, 1, 1, KS_JOB_REASON_DEADLINE_EXCEEDED},
        {"activeDeadlineSeconds times-out before any pod starts", 1, 1, 10, 10,
         6, 0, 0, 0, 0, 0, 0, 0, KS_JOB_REASON_DEADLINE_EXCEEDED},
        {"activeDeadlineSeconds with backofflimit reach", 1, 1, 1, 10, 0, 0, 0,
         1, 0, 0, 0, 1, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED},
    };
    const ks_time now = 1000 * S;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ks_job_spec spec;
        ks_job_spec_default(&spec);
        spec.parallelism = rows[i].par;
        spec.completions = rows[i].comp;
        spec.backoff_limit = rows[i].limit;
        spec.active_deadline = rows[i].deadline * S;
        ks_job_status st;
        ks_job_status_init(&st);
        st.start_time = now - rows[i].started * S;
        ks_time at[2] = {0, 0};
        ks_job_observed obs;
        ks_job_observed_init(&obs);
        obs.active = rows[i].act;
        obs.new_succeeded_at = at;
        obs.n_new_succeeded = rows[i].succ;
        obs.new_failed_at = at;
        obs.n_new_failed = rows[i].fail;
        ks_job_sync_result res;
        CU_ASSERT_EQUAL_FATAL(ks_job_sync(&spec, &st, &obs, now, &res, NULL),
                              KS_OK);
        CU_ASSERT_EQUAL(res.creates_attempted, 0);
        CU_ASSERT_EQUAL(res.deletes_attempted, rows[i].want_del);
        CU_ASSERT_EQUAL(st.active, rows[i].want_act);
        CU_ASSERT_EQUAL(st.succeeded, rows[i].want_succ);
        CU_ASSERT_EQUAL(st.failed, rows[i].want_fail);
        CU_ASSERT_EQUAL(st.reason, rows[i].reason);
        CU_ASSERT_EQUAL(st.phase, rows[i].want_del > 0 ? KS_JOB_FAILURE_TARGET
                                                       : KS_JOB_FAILED);
        if (rows[i].want_del > 0) {
            /* The deleted pod terminates: Failed, not counted twice. */
            ks_job_observed later;
            ks_job_observed_init(&later);
            CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &later, now + 30 * S, &res,
                                        NULL), KS_OK);
            CU_ASSERT_EQUAL(st.phase, KS_JOB_FAILED);
            CU_ASSERT_EQUAL(st.failed, rows[i].want_fail);
            CU_ASSERT_TRUE(res.finished);
            CU_ASSERT_EQUAL(st.finish_time, now + 30 * S);
        }
    }
}

/* ---- Job controller: a deterministic timed driver ------------------------ */

#define MAX_PODS 64
#define MAX_SYNCS 64

/* A miniature cluster around ks_job_sync: pods start the moment they are
 * created and finish after run_time (succeeding, or failing when fail is
 * set); pods deleted by the controller terminate after grace.  The Job is
 * synced at once when created and KS_JOB_SYNC_BATCH_PERIOD after any pod
 * event (creation, finish), or at the requeue time the sync asks for; the
 * earliest pending time wins, as in the delaying workqueue.  Expectations
 * are always satisfied (zero API latency). */
typedef struct job_driver {
    ks_job_spec spec;
    ks_job_status st;
    ks_time run_time, grace;
    bool fail;
    ks_time pod_end[MAX_PODS]; /* finish (or termination) time */
    bool pod_deleted[MAX_PODS];
    bool pod_reported[MAX_PODS];
    int n_pods;
    ks_time pending[4 * MAX_PODS + MAX_SYNCS]; /* batched sync times */
    int n_pending;
    ks_time requeue; /* timed requeue asked by the last sync */
    int n_syncs;
    ks_time sync_at[MAX_SYNCS];
    int32_t active_at[MAX_SYNCS], succeeded_at[MAX_SYNCS],
        created_at_sync[MAX_SYNCS];
} job_driver;

/* A pod event at time t: the Job is synced KS_JOB_SYNC_BATCH_PERIOD later
 * (enqueueSyncJobBatched). */
static void pod_event(job_driver *d, ks_time t)
{
    d->pending[d->n_pending++] = t + KS_JOB_SYNC_BATCH_PERIOD;
}

static ks_time next_sync_time(const job_driver *d)
{
    ks_time t = d->requeue;
    for (int i = 0; i < d->n_pending; i++)
        if (d->pending[i] < t)
            t = d->pending[i];
    return t;
}

/* The sync at `now` consumes every queued request due by then. */
static void consume_pending(job_driver *d, ks_time now)
{
    int k = 0;
    for (int i = 0; i < d->n_pending; i++)
        if (d->pending[i] > now)
            d->pending[k++] = d->pending[i];
    d->n_pending = k;
    if (d->requeue <= now)
        d->requeue = KS_TIME_NEVER;
}

static void observe(job_driver *d, ks_time now, ks_job_observed *obs,
                    ks_time *succ, ks_time *fail)
{
    ks_job_observed_init(obs);
    int ns = 0, nf = 0;
    for (int i = 0; i < d->n_pods; i++) {
        bool done = d->pod_end[i] <= now;
        if (!done && !d->pod_deleted[i]) {
            obs->active++;
            continue;
        }
        if (!done)
            obs->terminating++;
        if (d->pod_reported[i])
            continue;
        /* isPodFailed: deleted and not succeeded counts as failed. */
        d->pod_reported[i] = true;
        if (d->pod_deleted[i] || d->fail)
            fail[nf++] = d->pod_end[i] <= now ? d->pod_end[i] : now;
        else
            succ[ns++] = d->pod_end[i];
    }
    obs->new_succeeded_at = succ;
    obs->n_new_succeeded = ns;
    obs->new_failed_at = fail;
    obs->n_new_failed = nf;
}

static void apply_result(job_driver *d, const ks_job_sync_result *res,
                         ks_time now)
{
    for (int k = 0, i = d->n_pods - 1; k < res->deletes_succeeded && i >= 0;
         i--) {
        if (d->pod_end[i] > now && !d->pod_deleted[i]) {
            d->pod_deleted[i] = true;
            /* A finishing Job counted it already; otherwise the next sync
             * sees it deleting and counts it as failed. */
            d->pod_reported[i] = res->counted_as_failed > 0;
            d->pod_end[i] = now + d->grace;
            pod_event(d, now);            /* deletionTimestamp set */
            pod_event(d, d->pod_end[i]);  /* terminated */
            k++;
        }
    }
    for (int k = 0; k < res->creates_succeeded && d->n_pods < MAX_PODS; k++) {
        int i = d->n_pods++;
        d->pod_end[i] = now + d->run_time;
        d->pod_deleted[i] = false;
        d->pod_reported[i] = false;
        pod_event(d, now);          /* addPod */
        pod_event(d, d->pod_end[i]); /* finished */
    }
    if (res->requeue_after != KS_TIME_NEVER &&
        now + res->requeue_after < d->requeue)
        d->requeue = now + res->requeue_after;
}

static void drive_job(job_driver *d, ks_time until)
{
    ks_job_status_init(&d->st);
    d->n_pods = d->n_syncs = d->n_pending = 0;
    d->requeue = 0; /* addJob: synced at once */
    while (d->st.phase != KS_JOB_COMPLETE && d->st.phase != KS_JOB_FAILED) {
        ks_time now = next_sync_time(d);
        if (now == KS_TIME_NEVER || now > until)
            break;
        consume_pending(d, now);
        ks_time succ[MAX_PODS], fail[MAX_PODS];
        ks_job_observed obs;
        observe(d, now, &obs, succ, fail);
        ks_job_sync_result res;
        CU_ASSERT_EQUAL_FATAL(
            ks_job_sync(&d->spec, &d->st, &obs, now, &res, NULL), KS_OK);
        apply_result(d, &res, now);
        if (d->n_syncs < MAX_SYNCS) {
            d->sync_at[d->n_syncs] = now;
            d->active_at[d->n_syncs] = d->st.active;
            d->succeeded_at[d->n_syncs] = d->st.succeeded;
            d->created_at_sync[d->n_syncs] = res.creates_succeeded;
        }
        d->n_syncs++;
    }
}

/* Required: completions 5, parallelism 2, every pod runs 10 s and
 * succeeds.  Syncs at 0 (create 2), 1 (creation events), 11 (2 done,
 * create 2), 12, 22 (4 done, create 1), 23, 33 (5 done: Complete). */
static void test_job_driver_completions(void)
{
    job_driver *d = calloc(1, sizeof *d);
    ks_job_spec_default(&d->spec);
    d->spec.parallelism = 2;
    d->spec.completions = 5;
    d->run_time = 10 * S;
    d->grace = 30 * S;
    drive_job(d, 3600 * S);
    static const struct {
        int t;
        int32_t active, succeeded, created;
    } want[] = {{0, 2, 0, 2},  {1, 2, 0, 0},  {11, 2, 2, 2}, {12, 2, 2, 0},
                {22, 1, 4, 1}, {23, 1, 4, 0}, {33, 0, 5, 0}};
    int n = (int)(sizeof want / sizeof want[0]);
    CU_ASSERT_EQUAL_FATAL(d->n_syncs, n);
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(d->sync_at[i], want[i].t * S);
        CU_ASSERT_EQUAL(d->active_at[i], want[i].active);
        CU_ASSERT_EQUAL(d->succeeded_at[i], want[i].succeeded);
        CU_ASSERT_EQUAL(d->created_at_sync[i], want[i].created);
    }
    CU_ASSERT_EQUAL(d->st.phase, KS_JOB_COMPLETE);
    CU_ASSERT_EQUAL(d->st.completion_time, 33 * S);
    CU_ASSERT_EQUAL(d->n_pods, 5);
    free(d);
}

/* backoffLimit 2, every pod fails after 5 s: replacement pods wait for the
 * pod-failure back-off (10 s, then 20 s, from the failure), and the third
 * failure (> backoffLimit) fails the Job with BackoffLimitExceeded. */
static void test_job_driver_backoff_limit(void)
{
    job_driver *d = calloc(1, sizeof *d);
    ks_job_spec_default(&d->spec);
    d->spec.backoff_limit = 2;
    d->run_time = 5 * S;
    d->grace = 30 * S;
    d->fail = true;
    drive_job(d, 3600 * S);
    CU_ASSERT_EQUAL(d->st.phase, KS_JOB_FAILED);
    CU_ASSERT_EQUAL(d->st.reason, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED);
    CU_ASSERT_EQUAL(d->st.failed, 3);
    CU_ASSERT_EQUAL(d->n_pods, 3);
    /* Pods created at 0, 15 (= failure at 5 + 10 s), 40 (= 20 + 20 s). */
    ks_time created[3];
    int n = 0;
    for (int i = 0; i < d->n_syncs && i < MAX_SYNCS; i++)
        if (d->created_at_sync[i] > 0 && n < 3)
            created[n++] = d->sync_at[i];
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(created[0], 0);
    CU_ASSERT_EQUAL(created[1], 15 * S);
    CU_ASSERT_EQUAL(created[2], 40 * S);
    /* Failed at the batched sync after the third failure (45 + 1 s). */
    CU_ASSERT_EQUAL(d->st.finish_time, 46 * S);
    /* While backing off, status.active reads 0 (upstream quirk). */
    CU_ASSERT_EQUAL(d->sync_at[2], 6 * S);
    CU_ASSERT_EQUAL(d->active_at[2], 0);
    free(d);
}

/* activeDeadlineSeconds 30 with a 100 s pod: DeadlineExceeded at 30 s, the
 * pod is deleted (FailureTarget) and the Job is Failed once it has
 * terminated (grace 30 s) at the batched sync 61 s. */
static void test_job_driver_deadline(void)
{
    job_driver *d = calloc(1, sizeof *d);
    ks_job_spec_default(&d->spec);
    d->spec.active_deadline = 30 * S;
    d->run_time = 100 * S;
    d->grace = 30 * S;
    drive_job(d, 3600 * S);
    CU_ASSERT_EQUAL(d->st.phase, KS_JOB_FAILED);
    CU_ASSERT_EQUAL(d->st.reason, KS_JOB_REASON_DEADLINE_EXCEEDED);
    CU_ASSERT_EQUAL(d->st.failed, 1);
    CU_ASSERT_EQUAL(d->st.succeeded, 0);
    CU_ASSERT_EQUAL(d->n_pods, 1);
    CU_ASSERT_EQUAL(d->st.finish_time, 61 * S);
    int saw_deadline_sync = 0;
    for (int i = 0; i < d->n_syncs && i < MAX_SYNCS; i++)
        saw_deadline_sync |= d->sync_at[i] == 30 * S;
    CU_ASSERT_TRUE(saw_deadline_sync);
    free(d);
}

/* Work-queue Job (completions unset): once one pod succeeded no new pod is
 * created; complete when the others have finished. */
static void test_job_work_queue(void)
{
    ks_job_spec spec;
    ks_job_spec_default(&spec);
    spec.parallelism = 3;
    spec.completions = KS_JOB_WORK_QUEUE;
    ks_job_status st;
    ks_job_status_init(&st);
    ks_job_observed obs;
    ks_job_observed_init(&obs);
    ks_job_sync_result res;
    CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &obs, 0, &res, NULL), KS_OK);
    CU_ASSERT_EQUAL(res.creates_succeeded, 3);
    ks_time t1[] = {10 * S};
    obs.active = 1; /* one succeeded, one failed, one still running */
    obs.new_succeeded_at = t1;
    obs.n_new_succeeded = 1;
    obs.new_failed_at = t1;
    obs.n_new_failed = 1;
    CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &obs, 11 * S, &res, NULL), KS_OK);
    CU_ASSERT_EQUAL(res.creates_attempted, 0);
    CU_ASSERT_EQUAL(st.active, 1);
    CU_ASSERT_EQUAL(st.phase, KS_JOB_RUNNING);
    ks_job_observed_init(&obs);
    CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &obs, 20 * S, &res, NULL), KS_OK);
    CU_ASSERT_EQUAL(st.phase, KS_JOB_COMPLETE);
    CU_ASSERT_EQUAL(st.succeeded, 1);
    /* A finished Job is left alone. */
    obs.active = 5;
    CU_ASSERT_EQUAL(ks_job_sync(&spec, &st, &obs, 30 * S, &res, NULL), KS_OK);
    CU_ASSERT_EQUAL(res.creates_attempted + res.deletes_attempted, 0);
    CU_ASSERT_EQUAL(st.active, 0);
}

/* ---- HPA: replica calculator rows --------------------------------------- */

/* Upstream replica_calculator_test.go cases (requests 1 core each unless
 * noted; makePodMetricLevels doubles usage and requests alike, which the
 * ratio cancels).  u: unready (readiness False / Pending), x: ignored
 * (Failed or deleting), m: metric missing. */
static void test_hpa_replica_calc_rows(void)
{
    static const struct {
        const char *name;
        int32_t current, target, want, want_util;
        int n;
        int64_t req[7], use[7];
        const char *flags; /* per pod: '.', 'u', 'x', 'm' */
    } rows[] = {
        {"TestReplicaCalcScaleUp", 3, 30, 5, 50, 3, {1000, 1000, 1000},
         {300, 500, 700}, "..."},
        {"TestReplicaCalcScaleUpUnreadyLessScale", 3, 30, 4, 60, 3,
         {1000, 1000, 1000}, {300, 500, 700}, "u.."},
        {"TestReplicaCalcScaleUpUnreadyNoScale", 3, 30, 3, 40, 3,
         {1000, 1000, 1000}, {400, 500, 700}, ".uu"},
        {"TestReplicaCalcScaleUpIgnoresFailedPods", 2, 30, 4, 60, 4,
         {1000, 1000, 1000, 1000}, {500, 700, 0, 0}, "..xx"},
        {"TestReplicaCalcScaleUpIgnoresDeletionPods", 2, 30, 4, 60, 4,
         {1000, 1000, 1000, 1000}, {500, 700, 0, 0}, "..xx"},
        {"TestReplicaCalcScaleDown", 5, 50, 3, 28, 5,
         {1000, 1000, 1000, 1000, 1000}, {100, 300, 500, 250, 250}, "....."},
        {"TestReplicaCalcScaleDownExcludeUnreadyPods", 5, 50, 2, 30, 5,
         {1000, 1000, 1000, 1000, 1000}, {100, 300, 500, 250, 250}, "...uu"},
        {"TestReplicaCalcScaleDownExcludeUnscheduledPods", 5, 50, 1, 10, 5,
         {1000, 1000, 1000, 1000, 1000}, {100, 0, 0, 0, 0}, ".uuuu"},
        {"TestReplicaCalcTolerance", 3, 100, 3, 102, 3, {900, 1000, 1100},
         {1010, 1030, 1020}, "..."},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ks_hpa_pod pods[7];
        for (int k = 0; k < rows[i].n; k++) {
            char f = rows[i].flags[k];
            pods[k] = (ks_hpa_pod){rows[i].req[k], rows[i].use[k],
                                   f != 'm' && f != 'x', f == 'u', f == 'x'};
            if (f == 'u' && rows[i].use[k] == 0)
                pods[k].has_metric = false; /* Pending: no metric */
        }
        int32_t got = -1, util = -1;
        CU_ASSERT_EQUAL(ks_hpa_resource_replicas(
                            rows[i].current, rows[i].target, KS_HPA_TOLERANCE,
                            KS_HPA_TOLERANCE, pods, rows[i].n, &got, &util,
                            NULL),
                        KS_OK);
        if (got != rows[i].want || util != rows[i].want_util)
            fprintf(stderr, "\n%s: replicas %d util %d\n", rows[i].name, got,
                    util);
        CU_ASSERT_EQUAL(got, rows[i].want);
        CU_ASSERT_EQUAL(util, rows[i].want_util);
    }
}

/* Tolerance edges on 10 pods, 50% target: ratios 0.9 and 1.1 exactly keep
 * the count (isWithin is inclusive); 0.88 and 1.12 change it.  445m reads
 * as 44% (integer percent, truncated).  Missing metrics on a scale-down
 * count as 100% of the request. */
static void test_hpa_tolerance_and_missing(void)
{
    ks_hpa_pod p[10];
    int32_t r, u;
    const int64_t use[5][2] = {
        {450, 10}, {550, 10}, {440, 9}, {560, 12}, {445, 9}};
    for (int c = 0; c < 5; c++) {
        for (int k = 0; k < 10; k++)
            p[k] = (ks_hpa_pod){1000, use[c][0], true, false, false};
        CU_ASSERT_EQUAL(ks_hpa_resource_replicas(10, 50, 0.1, 0.1, p, 10, &r,
                                                 &u, NULL), KS_OK);
        CU_ASSERT_EQUAL(r, use[c][1]);
    }
    /* 2 pods at 20% of a 50% target (ratio 0.4), 2 without metrics: they
     * count as 100%, ratio (20+20+100+100)/4 = 60% / 50 = 1.2 flips the
     * direction, so the count is kept. */
    for (int k = 0; k < 4; k++)
        p[k] = (ks_hpa_pod){1000, 200, k < 2, false, false};
    CU_ASSERT_EQUAL(ks_hpa_resource_replicas(4, 50, 0.1, 0.1, p, 4, &r, &u,
                                             NULL), KS_OK);
    CU_ASSERT_EQUAL(r, 4);
    CU_ASSERT_EQUAL(u, 20);
    /* No metrics at all, or no pods: errors. */
    for (int k = 0; k < 4; k++)
        p[k].has_metric = false;
    ks_error e;
    CU_ASSERT_EQUAL(ks_hpa_resource_replicas(4, 50, 0.1, 0.1, p, 4, &r, &u,
                                             &e), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_hpa_resource_replicas(4, 50, 0.1, 0.1, p, 0, &r, &u,
                                             &e), KS_EINVAL);
}

/* ---- HPA: stabilization and rate limits over time ------------------------ */

typedef struct hpa_run {
    int32_t replicas[64];
    int n;
} hpa_run;

/* Load in millicores per sync (total across pods, spread evenly), each pod
 * requesting 1 core; HPA synced every 15 s from t = 0. */
static void run_hpa(ks_hpa *h, int32_t start, const int64_t *load, int n,
                    hpa_run *out)
{
    int32_t cur = start;
    for (int i = 0; i < n; i++) {
        ks_hpa_pod pods[64];
        for (int k = 0; k < cur; k++)
            pods[k] = (ks_hpa_pod){1000, load[i] / cur, true, false, false};
        int32_t desired, util;
        CU_ASSERT_EQUAL_FATAL(ks_hpa_reconcile(h, cur, pods, cur,
                                               (ks_time)i * KS_HPA_SYNC_PERIOD,
                                               &desired, &util, NULL),
                              KS_OK);
        cur = desired;
        out->replicas[i] = cur;
    }
    out->n = n;
}

/* Reference S13 with the default behavior: 4 pods at 50% of a 50% target;
 * the load doubles at t = 15 s -> 8 replicas; it returns to baseline at
 * t = 60 s (recommendation 4) but the 300 s window holds 8 until the last
 * recommendation of 8 (t = 45 s) has left it: scale to 4 at t = 345 s. */
static void test_hpa_stabilization_window(void)
{
    ks_hpa_spec spec;
    ks_hpa_spec_default(&spec);
    spec.max_replicas = 20;
    spec.target_utilization = 50;
    spec.has_behavior = true;
    ks_hpa *h = ks_hpa_create(&spec, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    int64_t load[30];
    for (int i = 0; i < 30; i++)
        load[i] = i == 0 ? 2000 : (i < 4 ? 4000 : 2000);
    hpa_run run;
    run_hpa(h, 4, load, 30, &run);
    CU_ASSERT_EQUAL(run.replicas[0], 4);
    for (int i = 1; i <= 22; i++) /* t = 15 .. 330 s */
        CU_ASSERT_EQUAL(run.replicas[i], 8);
    CU_ASSERT_EQUAL(run.replicas[23], 4); /* t = 345 s */
    CU_ASSERT_EQUAL(run.replicas[29], 4);
    ks_hpa_destroy(h);

    /* Without spec.behavior (legacy normalizeDesiredReplicas) a record
     * exactly at the cutoff still counts: scale down one sync later. */
    spec.has_behavior = false;
    h = ks_hpa_create(&spec, NULL);
    run_hpa(h, 4, load, 30, &run);
    CU_ASSERT_EQUAL(run.replicas[1], 8);
    CU_ASSERT_EQUAL(run.replicas[23], 8);
    CU_ASSERT_EQUAL(run.replicas[24], 4); /* t = 360 s */
    ks_hpa_destroy(h);
    ks_hpa_destroy(NULL);
}

/* Scale-up rate: default behavior allows max(+4 pods, +100%) per 15 s;
 * without behavior the cap is max(2 * current, 4) per sync.  From 1 pod
 * with a demand of 19 pods: 1 -> 5 -> 10 -> 19 versus 1 -> 4 -> 8 -> 16
 * -> 19.  A ratio inside the tolerance never changes the count. */
static void test_hpa_scale_up_rate(void)
{
    ks_hpa_spec spec;
    ks_hpa_spec_default(&spec);
    spec.max_replicas = 30;
    spec.target_utilization = 100;
    spec.has_behavior = true;
    int64_t load[5] = {19000, 19000, 19000, 19000, 19000};
    ks_hpa *h = ks_hpa_create(&spec, NULL);
    hpa_run run;
    run_hpa(h, 1, load, 5, &run);
    CU_ASSERT_EQUAL(run.replicas[0], 5);
    CU_ASSERT_EQUAL(run.replicas[1], 10);
    CU_ASSERT_EQUAL(run.replicas[2], 19);
    CU_ASSERT_EQUAL(run.replicas[4], 19);
    ks_hpa_destroy(h);

    spec.has_behavior = false;
    h = ks_hpa_create(&spec, NULL);
    run_hpa(h, 1, load, 5, &run);
    CU_ASSERT_EQUAL(run.replicas[0], 4);
    CU_ASSERT_EQUAL(run.replicas[1], 8);
    CU_ASSERT_EQUAL(run.replicas[2], 16);
    CU_ASSERT_EQUAL(run.replicas[3], 19);
    ks_hpa_destroy(h);

    /* maxReplicas clamp; 10% over target stays put. */
    spec.max_replicas = 6;
    h = ks_hpa_create(&spec, NULL);
    run_hpa(h, 4, load, 2, &run);
    CU_ASSERT_EQUAL(run.replicas[0], 6);
    CU_ASSERT_EQUAL(run.replicas[1], 6);
    ks_hpa_destroy(h);
    spec.max_replicas = 30;
    h = ks_hpa_create(&spec, NULL);
    int64_t near[3] = {4400, 4400, 3600};
    run_hpa(h, 4, near, 3, &run);
    CU_ASSERT_EQUAL(run.replicas[0], 4);
    CU_ASSERT_EQUAL(run.replicas[2], 4);
    ks_hpa_destroy(h);
}

/* minReplicas / maxReplicas outside the range, a target at 0 replicas,
 * and invalid specs. */
static void test_hpa_bounds(void)
{
    ks_hpa_spec spec;
    ks_hpa_spec_default(&spec);
    spec.min_replicas = 2;
    spec.max_replicas = 5;
    ks_hpa *h = ks_hpa_create(&spec, NULL);
    ks_hpa_pod pods[8];
    for (int k = 0; k < 8; k++)
        pods[k] = (ks_hpa_pod){1000, 10, true, false, false};
    int32_t d, u;
    CU_ASSERT_EQUAL(ks_hpa_reconcile(h, 8, pods, 8, 0, &d, &u, NULL), KS_OK);
    CU_ASSERT_EQUAL(d, 5);
    CU_ASSERT_EQUAL(ks_hpa_reconcile(h, 1, pods, 1, 15 * S, &d, &u, NULL),
                    KS_OK);
    CU_ASSERT_EQUAL(d, 2);
    CU_ASSERT_EQUAL(ks_hpa_reconcile(h, 0, pods, 0, 30 * S, &d, &u, NULL),
                    KS_OK);
    CU_ASSERT_EQUAL(d, 0); /* scaled to zero by hand: HPA disabled */
    ks_hpa_destroy(h);
    spec.min_replicas = 6;
    ks_error e;
    CU_ASSERT_PTR_NULL(ks_hpa_create(&spec, &e));
    CU_ASSERT_EQUAL(e.code, KS_EINVAL);
    /* Low load: the behavior scale-down limit (100% per 15 s) does not
     * bind, minReplicas does, after the 300 s window. */
    ks_hpa_spec_default(&spec);
    spec.min_replicas = 2;
    spec.max_replicas = 10;
    spec.has_behavior = true;
    h = ks_hpa_create(&spec, NULL);
    int64_t low[25];
    for (int i = 0; i < 25; i++)
        low[i] = 100;
    hpa_run run;
    run_hpa(h, 10, low, 25, &run);
    CU_ASSERT_EQUAL(run.replicas[19], 10); /* t = 285 s, window holds 10 */
    CU_ASSERT_EQUAL(run.replicas[20], 2);  /* t = 300 s */
    ks_hpa_destroy(h);
}

void ks_suite_job_hpa(void)
{
    static const ks_test_case cases[] = {
        {"CrashLoopBackOff restarts at 10, 20, 40, 80, 160, 300, 300 s "
         "(after an immediate first restart)",
         test_crashloop_sequence},
        {"CrashLoopBackOff resets after running > 10 min", test_crashloop_reset},
        {"CrashLoopBackOff feature gates", test_crashloop_gates},
        {"Job pod-failure back-off 10 s doubling to 10 min",
         test_job_backoff_durations},
        {"Job: TestControllerSyncJob rows", test_job_sync_rows},
        {"Job: slow-start batches", test_slow_start},
        {"Job: 500 creates per sync", test_job_create_cap},
        {"Job: TestSyncJobPastDeadline rows", test_job_past_deadline_rows},
        {"a Job with completions 5 and parallelism 2 runs as upstream",
         test_job_driver_completions},
        {"Job: backoffLimit with pod-failure back-off",
         test_job_driver_backoff_limit},
        {"Job: activeDeadlineSeconds", test_job_driver_deadline},
        {"Job: work queue (completions unset)", test_job_work_queue},
        {"HPA: replica_calculator_test rows", test_hpa_replica_calc_rows},
        {"HPA: tolerance edges and missing metrics",
         test_hpa_tolerance_and_missing},
        {"HPA: 300 s scale-down stabilization", test_hpa_stabilization_window},
        {"HPA: scale-up rate limits", test_hpa_scale_up_rate},
        {"HPA: min/max bounds", test_hpa_bounds},
        {NULL, NULL},
    };
    ks_test_add_suite("sim/job_hpa", cases);
}
