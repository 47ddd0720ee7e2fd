/* test_probe.c - readiness and liveness timing with upstream defaults
 * (k8s-control-loop.md S8). */
#include "sim/probe.h"
#include "tests/test_util.h"

/* Healthy from `from` on, answering in 10 ms; hung (no answer) before. */
static ks_app_answer healthy_after(void *ctx, ks_time t)
{
    ks_time from = *(ks_time *)ctx;
    if (t >= from)
        return (ks_app_answer){1, 10 * KS_MILLISECOND};
    return (ks_app_answer){0, KS_TIME_NEVER};
}

/* Healthy until `until`, hung from then on. */
static ks_app_answer hangs_at(void *ctx, ks_time t)
{
    ks_time until = *(ks_time *)ctx;
    if (t < until)
        return (ks_app_answer){1, 10 * KS_MILLISECOND};
    return (ks_app_answer){0, KS_TIME_NEVER};
}

static void test_defaults(void)
{
    ks_probe p = ks_probe_default();
    CU_ASSERT_EQUAL(p.period_s, 10);
    CU_ASSERT_EQUAL(p.timeout_s, 1);
    CU_ASSERT_EQUAL(p.success_threshold, 1);
    CU_ASSERT_EQUAL(p.failure_threshold, 3);
    CU_ASSERT_EQUAL(p.initial_delay_s, 0);
}

/* Ready at the first probe that succeeds: probes at start + 10 k s. */
static void test_readiness(void)
{
    ks_probe p = ks_probe_default();
    ks_time from = 0;
    CU_ASSERT_EQUAL(ks_probe_ready_at(&p, 0, healthy_after, &from,
                                      KS_HOUR),
                    10 * KS_MILLISECOND);
    from = 25 * KS_SECOND; /* probes at 0, 10, 20 fail; 30 succeeds */
    CU_ASSERT_EQUAL(ks_probe_ready_at(&p, 0, healthy_after, &from,
                                      KS_HOUR),
                    30 * KS_SECOND + 10 * KS_MILLISECOND);
    /* initialDelaySeconds 15: the first probe is at 20 s. */
    p.initial_delay_s = 15;
    from = 0;
    CU_ASSERT_EQUAL(ks_probe_ready_at(&p, 5 * KS_SECOND, healthy_after,
                                      &from, KS_HOUR),
                    25 * KS_SECOND + 10 * KS_MILLISECOND);
    /* successThreshold 2: two successes in a row. */
    p = ks_probe_default();
    p.success_threshold = 2;
    CU_ASSERT_EQUAL(ks_probe_ready_at(&p, 0, healthy_after, &from, KS_HOUR),
                    10 * KS_SECOND + 10 * KS_MILLISECOND);
    /* Never healthy: never ready. */
    from = KS_TIME_NEVER;
    CU_ASSERT_EQUAL(ks_probe_ready_at(&p, 0, healthy_after, &from,
                                      KS_MINUTE),
                    KS_TIME_NEVER);
}

/* S8: the app hangs at 0 (container started at -s for s in [0, 10)): the
 * third failure is known 20 s after the first probe after the hang plus
 * the 1 s timeout: kill in (21, 31] s. */
static void test_liveness_kill_window(void)
{
    ks_probe p = ks_probe_default();
    ks_time hang = 0;
    for (ks_time s = 0; s < 10 * KS_SECOND; s += KS_SECOND / 2) {
        if (s == 0)
            continue; /* a probe exactly at the hang: below */
        ks_time kill = ks_probe_liveness_kill_at(&p, -s, hangs_at, &hang,
                                                 KS_HOUR);
        CU_ASSERT(kill > 21 * KS_SECOND && kill <= 31 * KS_SECOND);
    }
    /* Started exactly at the hang: probes 0, 10, 20 time out at 21 s. */
    CU_ASSERT_EQUAL(ks_probe_liveness_kill_at(&p, 0, hangs_at, &hang,
                                              KS_HOUR),
                    21 * KS_SECOND);
    /* A healthy app is never killed. */
    hang = KS_TIME_NEVER;
    CU_ASSERT_EQUAL(ks_probe_liveness_kill_at(&p, 0, hangs_at, &hang,
                                              KS_HOUR),
                    KS_TIME_NEVER);
}

void ks_suite_probe(void)
{
    static const ks_test_case cases[] = {
        {"defaults", test_defaults},
        {"readiness", test_readiness},
        {"liveness kill window (S8)", test_liveness_kill_window},
        {NULL, NULL}};
    ks_test_add_suite("sim/probe", cases);
}
