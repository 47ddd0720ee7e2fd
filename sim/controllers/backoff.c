/* backoff.c - kubelet CrashLoopBackOff and Job pod-failure back-off.
 * Sources and semantics: see backoff.h. */
#include "sim/controllers/backoff.h"

#include "sim/error.h"

ks_crashloop_config ks_crashloop_config_default(void)
{
    ks_crashloop_config cfg = {KS_CRASHLOOP_INITIAL, KS_CRASHLOOP_MAX,
                               KS_CRASHLOOP_RESET};
    return cfg;
}

/* k8s:pkg/kubelet/kubelet.go newCrashLoopBackOff: the reduced decay gate
 * changes both values; the per-node max gate then overrides the max and
 * lowers the initial to it if needed.  The reset stays 600 s either way. */
int ks_crashloop_config_for(bool reduce_decay_gate, bool kubelet_max_gate,
                            ks_time max_restart_period,
                            ks_crashloop_config *out)
{
    ks_crashloop_config cfg = ks_crashloop_config_default();
    if (reduce_decay_gate) {
        cfg.initial = KS_CRASHLOOP_REDUCED_INITIAL;
        cfg.max = KS_CRASHLOOP_REDUCED_MAX;
    }
    if (kubelet_max_gate) {
        if (max_restart_period < KS_SECOND ||
            max_restart_period > 300 * KS_SECOND)
            return KS_EINVAL;
        cfg.max = max_restart_period;
        if (cfg.max < cfg.initial)
            cfg.initial = cfg.max;
    }
    *out = cfg;
    return KS_OK;
}

void ks_crashloop_init(ks_crashloop *b)
{
    b->has_entry = false;
    b->backoff = 0;
    b->last_update = 0;
}

/* The kubelet's HasExpiredFunc: the container ran long enough since the
 * last restart that the crash loop is considered over. */
static bool crashloop_expired(const ks_crashloop *b,
                              const ks_crashloop_config *cfg,
                              ks_time finished_at)
{
    return finished_at - b->last_update > cfg->reset_after;
}

bool ks_crashloop_in_backoff(const ks_crashloop *b,
                             const ks_crashloop_config *cfg,
                             ks_time finished_at, ks_time now)
{
    if (!b->has_entry || crashloop_expired(b, cfg, finished_at))
        return false;
    return now - finished_at < b->backoff;
}

ks_time ks_crashloop_ready_at(const ks_crashloop *b,
                              const ks_crashloop_config *cfg,
                              ks_time finished_at)
{
    if (!b->has_entry || crashloop_expired(b, cfg, finished_at))
        return finished_at;
    return finished_at + b->backoff;
}

void ks_crashloop_next(ks_crashloop *b, const ks_crashloop_config *cfg,
                       ks_time finished_at, ks_time now)
{
    if (!b->has_entry || crashloop_expired(b, cfg, finished_at)) {
        b->has_entry = true;
        b->backoff = cfg->initial;
    } else {
        ks_time doubled = 2 * b->backoff;
        b->backoff = doubled < cfg->max ? doubled : cfg->max;
    }
    b->last_update = now;
}

void ks_job_backoff_init(ks_job_backoff *rec)
{
    rec->failures_after_last_success = 0;
    rec->last_failure_time = KS_TIME_NEVER;
}

static ks_time latest(const ks_time *t, int n)
{
    ks_time m = t[0];
    for (int i = 1; i < n; i++)
        if (t[i] > m)
            m = t[i];
    return m;
}

/* backoff_utils.go newBackoffRecord: a success wipes the record, except for
 * failures that finished strictly after the latest success. */
void ks_job_backoff_update(ks_job_backoff *rec, const ks_time *succeeded_at,
                           int n_succeeded, const ks_time *failed_at,
                           int n_failed)
{
    if (n_succeeded == 0) {
        if (n_failed == 0)
            return;
        rec->failures_after_last_success += n_failed;
        rec->last_failure_time = latest(failed_at, n_failed);
        return;
    }
    ks_time last_success = latest(succeeded_at, n_succeeded);
    rec->failures_after_last_success = 0;
    rec->last_failure_time = KS_TIME_NEVER;
    for (int i = 0; i < n_failed; i++) {
        if (failed_at[i] <= last_success)
            continue;
        rec->failures_after_last_success++;
        if (rec->last_failure_time == KS_TIME_NEVER ||
            failed_at[i] > rec->last_failure_time)
            rec->last_failure_time = failed_at[i];
    }
}

ks_time ks_job_backoff_duration(int32_t failures)
{
    if (failures <= 0)
        return 0;
    ks_time d = KS_JOB_POD_FAILURE_BACKOFF;
    for (int32_t i = 1; i < failures; i++) {
        d *= 2;
        if (d >= KS_JOB_POD_FAILURE_BACKOFF_MAX)
            return KS_JOB_POD_FAILURE_BACKOFF_MAX;
    }
    return d;
}

/* getRemainingTimeForFailuresCount: backoff minus the time since the last
 * failure, never negative. */
ks_time ks_job_backoff_remaining(const ks_job_backoff *rec, ks_time now)
{
    if (rec->failures_after_last_success == 0 ||
        rec->last_failure_time == KS_TIME_NEVER)
        return 0;
    ks_time d = ks_job_backoff_duration(rec->failures_after_last_success);
    ks_time elapsed = now - rec->last_failure_time;
    return d < elapsed ? 0 : d - elapsed;
}
