/* probe.c - probe ticks and thresholds in closed form. */
#include "sim/probe.h"

ks_probe ks_probe_default(void)
{
    return (ks_probe){0, 10, 1, 1, 3};
}

/* The first tick at which the worker actually probes: ticks are started
 * + k x period; the worker skips while int(seconds run) < initialDelay. */
static ks_time first_probe(const ks_probe *p, ks_time started)
{
    ks_time period = (ks_time)p->period_s * KS_SECOND;
    if (period <= 0)
        period = KS_SECOND;
    ks_time delay = (ks_time)p->initial_delay_s * KS_SECOND;
    if (delay <= 0)
        return started;
    /* Smallest k with k * period >= delay (truncation to whole seconds
     * makes "run >= delay" the condition). */
    ks_time k = (delay + period - 1) / period;
    return started + k * period;
}

/* The outcome of the probe sent at t: success, and when it is known. */
static int probe_result(const ks_probe *p, ks_app_fn app, void *ctx,
                        ks_time t, ks_time *known)
{
    ks_app_answer a = app(ctx, t);
    ks_time timeout = (ks_time)(p->timeout_s > 0 ? p->timeout_s : 1) *
                      KS_SECOND;
    if (a.latency >= timeout || a.latency < 0) {
        *known = t + timeout;
        return 0;
    }
    *known = t + a.latency;
    return a.healthy;
}

static ks_time scan(const ks_probe *p, ks_time started, ks_app_fn app,
                    void *ctx, ks_time horizon, int want_success,
                    int32_t threshold)
{
    ks_time period = (ks_time)(p->period_s > 0 ? p->period_s : 1) *
                     KS_SECOND;
    int32_t run = 0;
    if (threshold < 1)
        threshold = 1;
    for (ks_time t = first_probe(p, started); t <= horizon; t += period) {
        ks_time known;
        int ok = probe_result(p, app, ctx, t, &known);
        run = ok == want_success ? run + 1 : 0;
        if (run >= threshold)
            return known;
    }
    return KS_TIME_NEVER;
}

ks_time ks_probe_ready_at(const ks_probe *p, ks_time started, ks_app_fn app,
                          void *ctx, ks_time horizon)
{
    return scan(p, started, app, ctx, horizon, 1, p->success_threshold);
}

ks_time ks_probe_liveness_kill_at(const ks_probe *p, ks_time started,
                                  ks_app_fn app, void *ctx, ks_time horizon)
{
    return scan(p, started, app, ctx, horizon, 0, p->failure_threshold);
}
