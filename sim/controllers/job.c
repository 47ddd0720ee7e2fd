/* job.c - the Job controller's syncJob/manageJob for NonIndexed Jobs.
 * Upstream: k8s:pkg/controller/job/job_controller.go (6ae037f1); see job.h
 * for what is and is not modelled. */
#include "sim/controllers/job.h"

#include <stddef.h>

void ks_job_spec_default(ks_job_spec *spec)
{
    spec->parallelism = 1;
    spec->completions = 1;
    spec->backoff_limit = KS_JOB_DEFAULT_BACKOFF_LIMIT;
    spec->active_deadline = KS_TIME_NEVER;
    spec->replace_only_failed = false;
    spec->restart_on_failure = false;
}

void ks_job_status_init(ks_job_status *st)
{
    st->phase = KS_JOB_RUNNING;
    st->reason = KS_JOB_REASON_NONE;
    st->active = st->succeeded = st->failed = st->terminating = 0;
    st->start_time = KS_TIME_NEVER;
    st->completion_time = KS_TIME_NEVER;
    st->finish_time = KS_TIME_NEVER;
    ks_job_backoff_init(&st->backoff);
}

void ks_job_observed_init(ks_job_observed *obs)
{
    obs->active = obs->terminating = 0;
    obs->new_succeeded_at = obs->new_failed_at = NULL;
    obs->n_new_succeeded = obs->n_new_failed = 0;
    obs->restart_count = 0;
    obs->expectations_satisfied = true;
    obs->job_deleting = false;
    obs->create_ok_limit = -1;
    obs->delete_ok_limit = -1;
}

const char *ks_job_phase_name(ks_job_phase phase)
{
    switch (phase) {
    case KS_JOB_RUNNING: return "Running";
    case KS_JOB_FAILURE_TARGET: return "FailureTarget";
    case KS_JOB_SUCCESS_CRITERIA_MET: return "SuccessCriteriaMet";
    case KS_JOB_COMPLETE: return "Complete";
    case KS_JOB_FAILED: return "Failed";
    }
    return "Unknown";
}

const char *ks_job_reason_name(ks_job_reason reason)
{
    switch (reason) {
    case KS_JOB_REASON_NONE: return "";
    case KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED: return "BackoffLimitExceeded";
    case KS_JOB_REASON_DEADLINE_EXCEEDED: return "DeadlineExceeded";
    }
    return "";
}

static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

int32_t ks_slow_start(int32_t diff, int32_t ok_limit, int32_t *batches,
                      int max_batches, int *n_batches, int32_t *attempted)
{
    int32_t ok = 0, tried = 0;
    int n = 0;
    int32_t batch = min32(diff, KS_SLOW_START_INITIAL_BATCH);
    while (diff > 0) {
        int32_t failed_in_batch = 0;
        for (int32_t i = 0; i < batch; i++) {
            tried++;
            if (ok_limit < 0 || ok < ok_limit)
                ok++;
            else
                failed_in_batch++;
        }
        if (n < max_batches)
            batches[n] = batch;
        n++;
        /* A failure stops slow start; pods never attempted are dropped
         * from the expectations and retried at a later sync. */
        if (failed_in_batch > 0 && diff - batch > 0)
            break;
        diff -= batch;
        batch = min32(2 * batch, diff);
    }
    *n_batches = n < max_batches ? n : max_batches;
    *attempted = tried;
    return ok;
}

static int32_t delete_pods(int32_t count, int32_t ok_limit,
                           ks_job_sync_result *out)
{
    int32_t ok = ok_limit < 0 ? count : min32(count, ok_limit);
    out->deletes_attempted += count;
    out->deletes_succeeded += ok;
    return ok;
}

static void requeue(ks_job_sync_result *out, ks_time after)
{
    if (after < out->requeue_after)
        out->requeue_after = after;
}

/* manageJob's target number of active pods. */
static int32_t want_active(const ks_job_spec *spec, int32_t active,
                           int32_t succeeded)
{
    if (spec->completions == KS_JOB_WORK_QUEUE)
        return succeeded > 0 ? active : spec->parallelism;
    int32_t want = spec->completions - succeeded;
    if (want > spec->parallelism)
        want = spec->parallelism;
    return want < 0 ? 0 : want;
}

/* manageJob (NonIndexed, not suspended): returns the new active count.
 * Deletion takes precedence over creation in one sync, as upstream. */
static int32_t manage_job(const ks_job_spec *spec, ks_job_status *st,
                          const ks_job_observed *obs, int32_t active,
                          ks_time now, ks_job_sync_result *out)
{
    int32_t want = want_active(spec, active, st->succeeded);
    int32_t rm = active - want;
    if (rm > 0) {
        rm = min32(rm, KS_JOB_MAX_POD_CREATE_DELETE);
        int32_t removed = delete_pods(rm, obs->delete_ok_limit, out);
        st->terminating += removed;
        return active - removed;
    }
    int32_t terminating = spec->replace_only_failed ? st->terminating : 0;
    int32_t diff = want - terminating - active;
    if (diff <= 0)
        return active;
    ks_time wait = ks_job_backoff_remaining(&st->backoff, now);
    if (wait > 0) {
        /* Upstream returns an active count of 0 here (not `active`), so
         * status.active reads 0 while creation backs off; reproduced. */
        requeue(out, wait);
        return 0;
    }
    diff = min32(diff, KS_JOB_MAX_POD_CREATE_DELETE);
    int32_t ok = ks_slow_start(diff, obs->create_ok_limit, out->batches,
                               KS_SLOW_START_MAX_BATCHES, &out->n_batches,
                               &out->creates_attempted);
    out->creates_succeeded = ok;
    return active + ok;
}

/* The finish condition syncJob derives before managing pods: an interim
 * condition already recorded, else backoffLimit, else the deadline. */
static ks_job_phase finish_condition(const ks_job_spec *spec,
                                     const ks_job_status *st,
                                     const ks_job_observed *obs, ks_time now,
                                     ks_job_reason *reason,
                                     ks_job_sync_result *out)
{
    if (st->phase == KS_JOB_SUCCESS_CRITERIA_MET ||
        st->phase == KS_JOB_FAILURE_TARGET) {
        *reason = st->reason;
        return st->phase;
    }
    bool past_restarts = false;
    if (spec->restart_on_failure)
        past_restarts = spec->backoff_limit == 0
                            ? obs->restart_count > 0
                            : obs->restart_count >= spec->backoff_limit;
    if (st->failed > spec->backoff_limit || past_restarts) {
        *reason = KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED;
        return KS_JOB_FAILURE_TARGET;
    }
    if (spec->active_deadline != KS_TIME_NEVER) {
        ks_time ran = now - st->start_time;
        if (ran >= spec->active_deadline) {
            *reason = KS_JOB_REASON_DEADLINE_EXCEEDED;
            return KS_JOB_FAILURE_TARGET;
        }
        requeue(out, spec->active_deadline - ran);
    }
    *reason = KS_JOB_REASON_NONE;
    return KS_JOB_RUNNING;
}

static bool job_complete(const ks_job_spec *spec, const ks_job_status *st,
                         int32_t active)
{
    if (spec->completions == KS_JOB_WORK_QUEUE)
        return st->succeeded > 0 && active == 0;
    return st->succeeded >= spec->completions && active == 0;
}

static int check_inputs(const ks_job_spec *spec, const ks_job_observed *obs,
                        ks_error *err)
{
    if (spec->parallelism < 0 || spec->backoff_limit < 0 ||
        (spec->completions < 0 && spec->completions != KS_JOB_WORK_QUEUE))
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "job: negative parallelism, completions or "
                            "backoffLimit");
    if (obs->active < 0 || obs->terminating < 0 || obs->n_new_failed < 0 ||
        obs->n_new_succeeded < 0 ||
        (obs->n_new_failed > 0 && !obs->new_failed_at) ||
        (obs->n_new_succeeded > 0 && !obs->new_succeeded_at))
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "job: invalid pod observation");
    return KS_OK;
}

int ks_job_sync(const ks_job_spec *spec, ks_job_status *st,
                const ks_job_observed *obs, ks_time now,
                ks_job_sync_result *out, ks_error *err)
{
    int rc = check_inputs(spec, obs, err);
    if (rc != KS_OK)
        return rc;
    *out = (ks_job_sync_result){0};
    out->requeue_after = KS_TIME_NEVER;
    if (st->phase == KS_JOB_COMPLETE || st->phase == KS_JOB_FAILED)
        return KS_OK; /* IsJobFinished: never redo the termination */

    st->succeeded += obs->n_new_succeeded;
    st->failed += obs->n_new_failed;
    st->terminating = obs->terminating;
    if (st->start_time == KS_TIME_NEVER)
        st->start_time = now;
    ks_job_backoff_update(&st->backoff, obs->new_succeeded_at,
                          obs->n_new_succeeded, obs->new_failed_at,
                          obs->n_new_failed);

    ks_job_reason reason;
    ks_job_phase cond = finish_condition(spec, st, obs, now, &reason, out);
    int32_t active = obs->active;
    if (cond != KS_JOB_RUNNING) {
        /* A finishing Job deletes every active pod; it may be declared
         * finished only when all deletes went out and nothing is pending
         * in the expectations. */
        int32_t deleted = delete_pods(active, obs->delete_ok_limit, out);
        if (deleted != active || !obs->expectations_satisfied)
            cond = KS_JOB_RUNNING;
        active -= deleted;
        st->terminating += deleted;
        if (cond == KS_JOB_FAILURE_TARGET) {
            /* trackJobStatusAndRemoveFinalizers: once the Job is failing,
             * every non-terminated pod counts as failed. */
            st->failed += deleted;
            out->counted_as_failed = deleted;
        }
    } else {
        if (obs->expectations_satisfied && !obs->job_deleting)
            active = manage_job(spec, st, obs, active, now, out);
        if (job_complete(spec, st, active))
            cond = KS_JOB_SUCCESS_CRITERIA_MET;
    }
    st->active = active;
    if (cond == KS_JOB_RUNNING)
        return KS_OK;

    /* delayTerminalCondition (JobPodReplacementPolicy/JobManagedBy on):
     * record the interim condition, finish once nothing terminates. */
    st->phase = cond;
    st->reason = cond == KS_JOB_FAILURE_TARGET ? reason : KS_JOB_REASON_NONE;
    if (st->terminating > 0)
        return KS_OK;
    st->phase = cond == KS_JOB_FAILURE_TARGET ? KS_JOB_FAILED
                                              : KS_JOB_COMPLETE;
    st->finish_time = now;
    if (st->phase == KS_JOB_COMPLETE)
        st->completion_time = now;
    out->finished = true;
    return KS_OK;
}
