/* test_nodelifecycle.c - token bucket, rate-limited queue, node lifecycle
 * controller and taint eviction (sim/controllers/).
 *
 * Ported upstream tests are named in each case's comment; the timing
 * scenarios drive the controller on upstream's grids (monitor pass every
 * 5 s, tainting pass every 100 ms, kubelet Lease renewal every 10 s) with a
 * zero-latency store. */
#include <math.h>
#include <stdlib.h>

#include "sim/controllers/nodelifecycle.h"
#include "sim/controllers/ratelimit.h"
#include "sim/engine.h"
#include "tests/test_util.h"

void ks_suite_nodelifecycle(void);

#define S KS_SECOND
#define MS KS_MILLISECOND

/* ---- token bucket ------------------------------------------------------------ */

typedef struct allow_step {
    int t; /* in units of d = 100 ms after t0 */
    int n;
    int ok;
} allow_step;

static void run_allows(ks_token_bucket *b, const allow_step *steps, size_t n)
{
    const ks_time t0 = 1000 * S, d = 100 * MS;
    for (size_t i = 0; i < n; i++) {
        int ok = ks_token_bucket_try_accept_n(b, t0 + steps[i].t * d,
                                              steps[i].n);
        CU_ASSERT_EQUAL(ok, steps[i].ok);
        if (ok != steps[i].ok)
            fprintf(stderr, "step %zu: got %d\n", i, ok);
    }
}

/* golang/time rate_test.go TestLimiterBurst1. */
static void test_bucket_burst1(void)
{
    static const allow_step steps[] = {
        {0, 1, 1}, {0, 1, 0}, {0, 1, 0}, {1, 1, 1}, {1, 1, 0},
        {1, 1, 0}, {2, 2, 0}, {2, 1, 1}, {2, 1, 0}};
    ks_token_bucket b;
    ks_token_bucket_init(&b, 10, 1, 0);
    run_allows(&b, steps, sizeof steps / sizeof steps[0]);
}

/* golang/time rate_test.go TestLimiterBurst3. */
static void test_bucket_burst3(void)
{
    static const allow_step steps[] = {
        {0, 2, 1}, {0, 2, 0}, {0, 1, 1}, {0, 1, 0}, {1, 4, 0},
        {2, 1, 1}, {3, 1, 1}, {4, 1, 1}, {4, 1, 1}, {4, 1, 0},
        {4, 1, 0}, {9, 3, 1}, {9, 0, 1}};
    ks_token_bucket b;
    ks_token_bucket_init(&b, 10, 3, 0);
    run_allows(&b, steps, sizeof steps / sizeof steps[0]);
}

/* golang/time rate_test.go TestLimiterJumpBackwards. */
static void test_bucket_jump_backwards(void)
{
    static const allow_step steps[] = {
        {1, 1, 1}, {0, 1, 1}, {0, 1, 1}, {0, 1, 0}, {0, 1, 0}, {1, 1, 1},
        {1, 1, 0}, {1, 1, 0}, {2, 1, 1}, {2, 1, 0}, {2, 1, 0}};
    ks_token_bucket b;
    ks_token_bucket_init(&b, 10, 3, 0);
    run_allows(&b, steps, sizeof steps / sizeof steps[0]);
}

/* golang/time rate_test.go TestLimiter_noTruncationErrors. */
static void test_bucket_no_truncation(void)
{
    ks_token_bucket b;
    ks_token_bucket_init(&b, (float)0.7692307692307693, 1, 5 * S);
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&b, 5 * S));
}

/* The first time a driver polling every `step` gets a token. */
static ks_time first_grid_accept(ks_token_bucket b, ks_time from,
                                 ks_time step)
{
    for (ks_time t = from; t < from + 1000 * S; t += step)
        if (ks_token_bucket_try_accept(&b, t))
            return t;
    return KS_TIME_NEVER;
}

/* Hand-computed times for upstream's eviction rates with burst 1. */
static void test_bucket_eviction_rates(void)
{
    ks_token_bucket b;
    /* 0.1/s: full at start, then one token per 10 s.  float32(0.1) is a
     * hair above 0.1, so the token is there just before 10 s. */
    ks_token_bucket_init(&b, 0.1f, 1, 0);
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&b, 0));
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&b, 0));
    ks_time next = ks_token_bucket_next_available(&b, 0);
    CU_ASSERT(next > 9999999 * KS_MICROSECOND && next <= 10 * S);
    ks_token_bucket c = b;
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&c, next - 1));
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&c, next));
    CU_ASSERT_EQUAL(first_grid_accept(b, 0, 100 * MS), 10 * S);
    CU_ASSERT_EQUAL(first_grid_accept(b, 0, 5 * S), 10 * S);

    /* 0.01/s: float32(0.01) is a hair below 0.01, so 100 s is not quite
     * enough: the 100 ms tainting grid gets the token at 100.1 s. */
    ks_token_bucket_init(&b, 0.01f, 1, 0);
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&b, 0));
    next = ks_token_bucket_next_available(&b, 0);
    CU_ASSERT(next > 100 * S && next < 100 * S + 1 * MS);
    c = b;
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&c, next - 1));
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&c, next));
    CU_ASSERT_EQUAL(first_grid_accept(b, 0, 100 * MS), 100 * S + 100 * MS);

    /* Tokens do not pile up beyond the burst. */
    ks_token_bucket_init(&b, 0.1f, 1, 0);
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&b, 3600 * S));
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&b, 3600 * S));
    CU_ASSERT_DOUBLE_EQUAL(ks_token_bucket_tokens_at(&b, 3605 * S), 0.5, 1e-6);

    /* qps 0: flowcontrol's never limiter (QPS() reports 1). */
    ks_token_bucket_init(&b, 0, 1, 0);
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&b, 0));
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&b, 1000 * S));
    CU_ASSERT_EQUAL(ks_token_bucket_next_available(&b, 0), KS_TIME_NEVER);
    CU_ASSERT_EQUAL(ks_token_bucket_qps(&b), 1.0f);
}

/* ---- rate-limited timed queue --------------------------------------------------- */

static void queue_always(ks_rl_queue *q)
{
    /* flowcontrol.NewFakeAlwaysRateLimiter, approximated by a bucket that
     * never runs dry within a test (QPS() of fakeAlways is 1). */
    ks_token_bucket_init(&q->limiter, 1e9f, 1 << 20, 0);
    q->limiter.qps = 1;
}

typedef struct rec_ctx {
    int order[16];
    int n;
    int calls;
    int retry_value; /* value to retry once (or -1) */
    int retried;
    ks_time retry_wait;
    ks_rl_queue *remove_from; /* TestTryRemovingWhileTry */
} rec_ctx;

static int rec_fn(void *vctx, int value, ks_time now, ks_time *retry_wait)
{
    (void)now;
    rec_ctx *c = vctx;
    c->calls++;
    if (value == c->retry_value && !c->retried) {
        c->retried = 1;
        if (c->remove_from)
            ks_rl_queue_remove(c->remove_from, value);
        *retry_wait = c->retry_wait;
        return 0;
    }
    c->order[c->n++] = value;
    return 1;
}

/* rate_limited_queue_test.go TestAddNode, TestDelNode, TestTry,
 * TestAddAfterTry, TestClear. */
static void test_queue_add_del_try(void)
{
    ks_rl_queue q;
    ks_rl_queue_init(&q, 0.1f, 0);
    queue_always(&q);
    CU_ASSERT_TRUE(ks_rl_queue_add(&q, 1, 1 * MS));
    CU_ASSERT_TRUE(ks_rl_queue_add(&q, 2, 2 * MS));
    CU_ASSERT_TRUE(ks_rl_queue_add(&q, 3, 3 * MS));
    CU_ASSERT_FALSE(ks_rl_queue_add(&q, 2, 4 * MS)); /* unique */
    CU_ASSERT_EQUAL(ks_rl_queue_len(&q), 3);
    CU_ASSERT_TRUE(ks_rl_queue_remove(&q, 2));
    CU_ASSERT_FALSE(ks_rl_queue_has(&q, 2));
    CU_ASSERT_EQUAL(ks_rl_queue_len(&q), 2);

    rec_ctx c = {.retry_value = -1};
    CU_ASSERT_EQUAL(ks_rl_queue_try(&q, 10 * MS, rec_fn, &c), 2);
    CU_ASSERT_EQUAL(c.n, 2);
    CU_ASSERT_EQUAL(c.order[0], 1);
    CU_ASSERT_EQUAL(c.order[1], 3);
    /* TestAddAfterTry: processed values stay in the set until removed. */
    CU_ASSERT_FALSE(ks_rl_queue_add(&q, 1, 20 * MS));
    c = (rec_ctx){.retry_value = -1};
    CU_ASSERT_EQUAL(ks_rl_queue_try(&q, 30 * MS, rec_fn, &c), 0);
    CU_ASSERT_TRUE(ks_rl_queue_remove(&q, 1));
    CU_ASSERT_TRUE(ks_rl_queue_add(&q, 1, 40 * MS));
    CU_ASSERT_EQUAL(ks_rl_queue_len(&q), 1);
    /* TestClear. */
    ks_rl_queue_clear(&q);
    CU_ASSERT_EQUAL(ks_rl_queue_len(&q), 0);
    CU_ASSERT_FALSE(ks_rl_queue_has(&q, 3));
    ks_rl_queue_fini(&q);
}

/* rate_limited_queue_test.go TestTryOrdering: a retried value goes back at
 * now + wait + 1 ns and is processed when due. */
static void test_queue_try_ordering(void)
{
    ks_rl_queue q;
    ks_rl_queue_init(&q, 0.1f, 0);
    queue_always(&q);
    ks_rl_queue_add(&q, 1, 1 * MS);
    ks_rl_queue_add(&q, 2, 2 * MS);
    ks_rl_queue_add(&q, 3, 3 * MS);
    rec_ctx c = {.retry_value = 2, .retry_wait = 2 * MS};
    ks_rl_queue_try(&q, 4 * MS, rec_fn, &c);
    CU_ASSERT_EQUAL(c.calls, 3);
    CU_ASSERT_EQUAL(c.n, 2);
    CU_ASSERT_EQUAL(c.order[0], 1);
    CU_ASSERT_EQUAL(c.order[1], 3);
    CU_ASSERT_EQUAL(ks_rl_queue_next_due(&q, 4 * MS), 6 * MS + 1);
    ks_rl_queue_try(&q, 6 * MS, rec_fn, &c); /* not yet due */
    CU_ASSERT_EQUAL(c.calls, 3);
    ks_rl_queue_try(&q, 6 * MS + 1, rec_fn, &c);
    CU_ASSERT_EQUAL(c.calls, 4);
    CU_ASSERT_EQUAL(c.order[2], 2);
    ks_rl_queue_fini(&q);
}

/* rate_limited_queue_test.go TestTryRemovingWhileTry. */
static void test_queue_remove_while_try(void)
{
    ks_rl_queue q;
    ks_rl_queue_init(&q, 0.1f, 0);
    queue_always(&q);
    ks_rl_queue_add(&q, 1, 0);
    ks_rl_queue_add(&q, 2, 0);
    ks_rl_queue_add(&q, 3, 0);
    rec_ctx c = {.retry_value = 2, .retry_wait = 1 * MS, .remove_from = &q};
    ks_rl_queue_try(&q, 0, rec_fn, &c);
    ks_rl_queue_try(&q, 10 * MS, rec_fn, &c);
    CU_ASSERT_EQUAL(c.calls, 3);
    CU_ASSERT_EQUAL(c.n, 2);
    CU_ASSERT_EQUAL(c.order[0], 1);
    CU_ASSERT_EQUAL(c.order[1], 3);
    ks_rl_queue_fini(&q);
}

/* rate_limited_queue_test.go TestSwapLimiter, plus the drain rule. */
static void test_queue_swap_limiter(void)
{
    ks_rl_queue q;
    ks_rl_queue_init(&q, 0.1f, 0);
    queue_always(&q);
    CU_ASSERT_EQUAL(ks_token_bucket_qps(&q.limiter), 1.0f);
    ks_rl_queue_swap_limiter(&q, 0, 0);
    CU_ASSERT_EQUAL(ks_token_bucket_qps(&q.limiter), 1.0f); /* fakeNever */
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&q.limiter, 0));
    ks_rl_queue_swap_limiter(&q, 5.5f, 0);
    CU_ASSERT_EQUAL(ks_token_bucket_qps(&q.limiter), 5.5f);
    /* From the never limiter (no token) the new bucket starts drained. */
    CU_ASSERT_FALSE(ks_token_bucket_try_accept(&q.limiter, 0));
    ks_token_bucket before = q.limiter;
    ks_rl_queue_swap_limiter(&q, 5.5f, 7 * S); /* same QPS: untouched */
    CU_ASSERT_EQUAL(q.limiter.last, before.last);
    CU_ASSERT_EQUAL(q.limiter.tokens, before.tokens);
    /* From a bucket that still has its token, the new one starts full. */
    ks_rl_queue_init(&q, 0.1f, 0);
    ks_rl_queue_swap_limiter(&q, 0.01f, 5 * S);
    CU_ASSERT_TRUE(ks_token_bucket_try_accept(&q.limiter, 5 * S));
    ks_rl_queue_fini(&q);
}

/* ---- zone state and rates ----------------------------------------------------- */

/* ComputeZoneState, with the zone compositions of node_lifecycle_controller
 * _test.go TestMonitorNodeHealthEvictPodsWithDisruption and the threshold
 * edges. */
static void test_compute_zone_state(void)
{
    const ks_cond_status T = KS_COND_TRUE, U = KS_COND_UNKNOWN,
                         F = KS_COND_FALSE, N = KS_COND_NONE;
    const float th = 0.55f;
    int nr = -1;
    ks_cond_status uu[] = {U, U};
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(uu, 2, th, &nr),
                    KS_ZONE_FULL_DISRUPTION);
    CU_ASSERT_EQUAL(nr, 2);
    ks_cond_status ut[] = {U, T};
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(ut, 2, th, NULL),
                    KS_ZONE_NORMAL);
    ks_cond_status p[] = {U, U, U, U, T};
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(p, 5, th, &nr),
                    KS_ZONE_PARTIAL_DISRUPTION);
    CU_ASSERT_EQUAL(nr, 4);
    ks_cond_status two[] = {U, F, T}; /* 67% but only 2 not ready */
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(two, 3, th, NULL),
                    KS_ZONE_NORMAL);
    ks_cond_status half[] = {U, N, F, T, T, T}; /* 50% < 55% */
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(half, 6, th, NULL),
                    KS_ZONE_NORMAL);
    ks_cond_status z20[20];
    for (int i = 0; i < 20; i++)
        z20[i] = i < 11 ? U : T; /* exactly 0.55 in float32 */
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(z20, 20, th, NULL),
                    KS_ZONE_PARTIAL_DISRUPTION);
    z20[10] = T; /* 10/20 */
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(z20, 20, th, NULL),
                    KS_ZONE_NORMAL);
    ks_cond_status none[] = {N};
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(none, 1, th, NULL),
                    KS_ZONE_FULL_DISRUPTION);
    CU_ASSERT_EQUAL(ks_nlc_compute_zone_state(NULL, 0, th, NULL),
                    KS_ZONE_NORMAL);
}

/* HealthyQPSFunc / ReducedQPSFunc / setLimiterInZone. */
static void test_zone_rates(void)
{
    ks_nlc_config cfg;
    ks_nlc_config_default(&cfg);
    CU_ASSERT_EQUAL(ks_nlc_zone_qps(&cfg, KS_ZONE_NORMAL, 10), 0.1f);
    CU_ASSERT_EQUAL(ks_nlc_zone_qps(&cfg, KS_ZONE_FULL_DISRUPTION, 10), 0.1f);
    CU_ASSERT_EQUAL(ks_nlc_zone_qps(&cfg, KS_ZONE_PARTIAL_DISRUPTION, 50), 0);
    CU_ASSERT_EQUAL(ks_nlc_zone_qps(&cfg, KS_ZONE_PARTIAL_DISRUPTION, 51),
                    0.01f);
    CU_ASSERT_EQUAL(ks_nlc_zone_qps(&cfg, KS_ZONE_INITIAL, 51), -1);
    CU_ASSERT_STRING_EQUAL(ks_nlc_noschedule_taint_for(KS_COND_UNKNOWN),
                           KS_TAINT_KEY_UNREACHABLE);
    CU_ASSERT_STRING_EQUAL(ks_nlc_noschedule_taint_for(KS_COND_FALSE),
                           KS_TAINT_KEY_NOT_READY);
    CU_ASSERT_PTR_NULL(ks_nlc_noschedule_taint_for(KS_COND_TRUE));
    CU_ASSERT_EQUAL(cfg.monitor_grace, 50 * S);
    CU_ASSERT_EQUAL(cfg.startup_grace, 60 * S);
    CU_ASSERT_EQUAL(cfg.monitor_period, 5 * S);
}

/* ---- deterministic cluster driver ------------------------------------------------ */

typedef struct drv_node {
    int zone;
    ks_time phase;     /* lease renewals at phase + k * 10 s */
    ks_time stop_at;   /* no renewal after this (KS_TIME_NEVER: never stops) */
    ks_time resume_at; /* renewals and Ready status again from here */
    int excluded;
    /* results: first time of each action (KS_TIME_NEVER if none) */
    ks_time unknown_at, pods_not_ready_at, taint_at, untaint_at;
} drv_node;

typedef struct drv_log {
    ks_time enter_master, exit_master;
    ks_zone_state last_zone_state[4];
} drv_log;

static void drv_init(drv_node *n, int count, int zone)
{
    for (int i = 0; i < count; i++)
        n[i] = (drv_node){.zone = zone,
                          .stop_at = KS_TIME_NEVER,
                          .resume_at = KS_TIME_NEVER,
                          .unknown_at = KS_TIME_NEVER,
                          .pods_not_ready_at = KS_TIME_NEVER,
                          .taint_at = KS_TIME_NEVER,
                          .untaint_at = KS_TIME_NEVER};
}

static void first(ks_time *slot, ks_time t)
{
    if (*slot == KS_TIME_NEVER)
        *slot = t;
}

/* Runs 0..end on the 100 ms grid: kubelets first, then the 5 s monitor
 * pass, then the tainting pass, all with zero store latency. */
static ks_nlc *drive(drv_node *nodes, int n, int n_zones, ks_time end,
                     drv_log *log)
{
    ks_nlc *nlc = ks_nlc_create(NULL, n_zones);
    ks_nlc_actions acts = {0};
    *log = (drv_log){KS_TIME_NEVER, KS_TIME_NEVER, {0}};
    for (int i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(ks_nlc_add_node(nlc, i, nodes[i].zone, -3600 * S,
                                        nodes[i].excluded),
                        0);
        ks_nlc_observe_status(nlc, i, KS_COND_TRUE, -10 * S, -3600 * S);
    }
    for (ks_time t = 0; t <= end; t += 100 * MS) {
        for (int i = 0; i < n; i++) {
            drv_node *d = &nodes[i];
            int alive = t <= d->stop_at || t >= d->resume_at;
            if (!alive || t < d->phase || (t - d->phase) % (10 * S) != 0)
                continue;
            ks_nlc_observe_lease(nlc, i, t);
            if (t >= d->resume_at) /* kubelet posts Ready again */
                ks_nlc_observe_status(nlc, i, KS_COND_TRUE, t, t);
        }
        ks_nlc_actions_clear(&acts);
        if (t % (5 * S) == 0)
            ks_nlc_monitor(nlc, t, &acts);
        ks_nlc_tainting_pass(nlc, t, &acts);
        for (size_t k = 0; k < acts.n; k++) {
            const ks_nlc_action *a = &acts.v[k];
            drv_node *d = a->node >= 0 && a->node < n ? &nodes[a->node] : NULL;
            switch (a->kind) {
            case KS_NLC_STATUS_UNKNOWN:
                first(&d->unknown_at, a->at);
                break;
            case KS_NLC_PODS_NOT_READY:
                first(&d->pods_not_ready_at, a->at);
                break;
            case KS_NLC_TAINT_UNREACHABLE:
            case KS_NLC_TAINT_NOT_READY:
                first(&d->taint_at, a->at);
                break;
            case KS_NLC_UNTAINT:
                first(&d->untaint_at, a->at);
                break;
            case KS_NLC_ZONE_STATE:
                if (a->node < 4)
                    log->last_zone_state[a->node] = a->state;
                break;
            case KS_NLC_ENTER_MASTER_DISRUPTION:
                first(&log->enter_master, a->at);
                break;
            case KS_NLC_EXIT_MASTER_DISRUPTION:
                first(&log->exit_master, a->at);
                break;
            }
        }
    }
    ks_nlc_actions_free(&acts);
    return nlc;
}

/* The pod's deletion time under the DefaultTolerationSeconds tolerations,
 * for a node whose unreachable:NoExecute taint was added at taint_at. */
static ks_time default_pod_deletion(ks_time taint_at)
{
    ks_toleration tols[2];
    ks_default_noexec_tolerations(tols);
    ks_taint taint = {.key = KS_TAINT_KEY_UNREACHABLE,
                      .effect = KS_EFFECT_NO_EXECUTE};
    return ks_taint_eviction_deletion_time(&taint, &taint_at, 1, tols, 2);
}

/* Required: a node that stops renewing its Lease is marked NotReady
 * (Ready=Unknown), tainted, and its pods evicted at the times upstream
 * defaults imply.  The controller records probeTimestamp = its own clock
 * at the first pass that sees the last renewal (the first 5 s pass at or
 * after t0); the first pass with now > probe + 50 s flips Ready to Unknown
 * (probe + 55 s on an exact grid); processTaintBaseEviction acts on the
 * status observed before that flip, so the node is queued one pass later
 * (probe + 60 s) and, first in its zone with a full bucket, tainted
 * unreachable:NoExecute at once; the taint manager deletes its pods 300 s
 * later (DefaultTolerationSeconds). */
static void test_lease_stops_table(void)
{
    static const struct {
        double phase_s, t0_s;     /* renewal phase, last renewal */
        double unknown_s, taint_s, delete_s;
    } rows[] = {
        {0.0, 100.0, 155, 160, 460},
        {2.5, 102.5, 160, 165, 465},
        {7.3, 107.3, 165, 170, 470},
        {9.9, 109.9, 165, 170, 470},
        {5.0, 205.0, 260, 265, 565},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        drv_node nodes[3];
        drv_init(nodes, 3, 0);
        nodes[0].phase = (ks_time)llround(rows[r].phase_s * 1e3) * MS;
        nodes[0].stop_at = (ks_time)llround(rows[r].t0_s * 1e3) * MS;
        drv_log log;
        ks_nlc *nlc = drive(nodes, 3, 1, 700 * S, &log);
        ks_time want_u = (ks_time)(rows[r].unknown_s * 1e3) * MS;
        ks_time want_t = (ks_time)(rows[r].taint_s * 1e3) * MS;
        ks_time want_d = (ks_time)(rows[r].delete_s * 1e3) * MS;
        CU_ASSERT_EQUAL(nodes[0].unknown_at, want_u);
        CU_ASSERT_EQUAL(nodes[0].pods_not_ready_at, want_u);
        CU_ASSERT_EQUAL(nodes[0].taint_at, want_t);
        CU_ASSERT_EQUAL(default_pod_deletion(nodes[0].taint_at), want_d);
        CU_ASSERT_EQUAL(ks_nlc_node_ready(nlc, 0), KS_COND_UNKNOWN);
        CU_ASSERT_EQUAL(ks_nlc_node_noexec_taints(nlc, 0),
                        KS_NLC_TAINT_BIT_UNREACHABLE);
        /* The healthy nodes are untouched, the zone stays Normal. */
        CU_ASSERT_EQUAL(nodes[1].unknown_at, KS_TIME_NEVER);
        CU_ASSERT_EQUAL(nodes[2].taint_at, KS_TIME_NEVER);
        CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 0), KS_ZONE_NORMAL);
        if (nodes[0].unknown_at != want_u || nodes[0].taint_at != want_t)
            fprintf(stderr, "row %zu: unknown %lld taint %lld\n", r,
                    (long long)nodes[0].unknown_at,
                    (long long)nodes[0].taint_at);
        ks_nlc_destroy(nlc);
    }
}

/* A node that never posts Ready: node-startup-grace-period (60 s) from its
 * creation, then Unknown (NodeStatusNeverUpdated) and, since the observed
 * fake condition is already Unknown, queued and tainted in the same pass.
 * Node 1 is healthy (alone, node 0 would put the cluster in master
 * disruption mode and nothing would be tainted). */
static void test_startup_grace(void)
{
    ks_nlc *nlc = ks_nlc_create(NULL, 1);
    ks_nlc_actions acts = {0};
    ks_nlc_add_node(nlc, 0, 0, 2 * S, 0);
    ks_nlc_add_node(nlc, 1, 0, -3600 * S, 0);
    ks_nlc_observe_status(nlc, 1, KS_COND_TRUE, 0, -3600 * S);
    ks_time unknown = KS_TIME_NEVER, taint = KS_TIME_NEVER;
    for (ks_time t = 0; t <= 100 * S; t += 100 * MS) {
        if (t % (10 * S) == 0)
            ks_nlc_observe_lease(nlc, 1, t);
        ks_nlc_actions_clear(&acts);
        if (t % (5 * S) == 0)
            ks_nlc_monitor(nlc, t, &acts);
        ks_nlc_tainting_pass(nlc, t, &acts);
        for (size_t k = 0; k < acts.n; k++) {
            if (acts.v[k].kind == KS_NLC_STATUS_UNKNOWN)
                first(&unknown, acts.v[k].at);
            if (acts.v[k].kind == KS_NLC_TAINT_UNREACHABLE)
                first(&taint, acts.v[k].at);
            CU_ASSERT_NOT_EQUAL(acts.v[k].kind, KS_NLC_PODS_NOT_READY);
        }
    }
    CU_ASSERT_EQUAL(unknown, 65 * S); /* first pass > 2 s + 60 s */
    CU_ASSERT_EQUAL(taint, 65 * S);
    ks_nlc_actions_free(&acts);
    ks_nlc_destroy(nlc);
}

/* Several nodes of a 10-node zone (another zone healthy) fail together:
 * 3/10 keeps the zone Normal, the queue taints one node per 10 s, the
 * first at once (first in its zone, bucket full). */
static void test_zone_normal_rate(void)
{
    drv_node nodes[20];
    drv_init(nodes, 10, 0);
    drv_init(nodes + 10, 10, 1);
    for (int i = 0; i < 3; i++)
        nodes[i].stop_at = 100 * S;
    drv_log log;
    ks_nlc *nlc = drive(nodes, 20, 2, 700 * S, &log);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(nodes[i].unknown_at, 155 * S);
        CU_ASSERT_EQUAL(nodes[i].taint_at, (160 + 10 * i) * S);
        CU_ASSERT_EQUAL(default_pod_deletion(nodes[i].taint_at),
                        (460 + 10 * i) * S);
    }
    CU_ASSERT_EQUAL(nodes[3].unknown_at, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 0), KS_ZONE_NORMAL);
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 1), KS_ZONE_NORMAL);
    CU_ASSERT_EQUAL(log.enter_master, KS_TIME_NEVER);
    ks_nlc_destroy(nlc);
}

/* PartialDisruption in a small zone stops tainting (rate 0); when the rest
 * of the zone fails it becomes FullDisruption, which (another zone being
 * Normal) restores 0.1/s.  The swap from the never limiter drains the new
 * bucket, so the first taint comes 10 s after the FullDisruption pass, not
 * at once. */
static void test_zone_partial_then_full(void)
{
    drv_node nodes[20];
    drv_init(nodes, 10, 0);
    drv_init(nodes + 10, 10, 1);
    for (int i = 0; i < 6; i++)
        nodes[i].stop_at = 100 * S;
    for (int i = 6; i < 10; i++)
        nodes[i].stop_at = 200 * S;
    drv_log log;
    ks_nlc *nlc = drive(nodes, 20, 2, 250 * S, &log);
    /* 6/10 Unknown at 155: Partial, limiter 0, nothing tainted by 250 s. */
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(nodes[i].unknown_at, 155 * S);
        CU_ASSERT_EQUAL(nodes[i].taint_at, KS_TIME_NEVER);
    }
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 0), KS_ZONE_PARTIAL_DISRUPTION);
    CU_ASSERT_EQUAL(ks_nlc_zone_limiter_qps(nlc, 0), 0);
    ks_nlc_destroy(nlc);

    drv_init(nodes, 10, 0);
    drv_init(nodes + 10, 10, 1);
    for (int i = 0; i < 6; i++)
        nodes[i].stop_at = 100 * S;
    for (int i = 6; i < 10; i++)
        nodes[i].stop_at = 200 * S;
    nlc = drive(nodes, 20, 2, 800 * S, &log);
    for (int i = 6; i < 10; i++)
        CU_ASSERT_EQUAL(nodes[i].unknown_at, 255 * S);
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 0), KS_ZONE_FULL_DISRUPTION);
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 1), KS_ZONE_NORMAL);
    CU_ASSERT_EQUAL(ks_nlc_zone_limiter_qps(nlc, 0), 0.1f);
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(nodes[i].taint_at, (265 + 10 * i) * S);
        if (nodes[i].taint_at != (265 + 10 * i) * S)
            fprintf(stderr, "node %d taint %lld\n", i,
                    (long long)nodes[i].taint_at);
    }
    CU_ASSERT_EQUAL(default_pod_deletion(nodes[9].taint_at), 655 * S);
    CU_ASSERT_EQUAL(log.enter_master, KS_TIME_NEVER);
    ks_nlc_destroy(nlc);
}

/* PartialDisruption in a zone of more than 50 nodes: secondary rate
 * 0.01/s.  The 0.1 bucket still held its token at the swap, so the new one
 * starts full (first taint at once); then float32(0.01) makes each further
 * token arrive just after 100 s: 100.1 s on the 100 ms grid. */
static void test_zone_large_partial(void)
{
    enum { NA = 60, NB = 10 };
    drv_node nodes[NA + NB];
    drv_init(nodes, NA, 0);
    drv_init(nodes + NA, NB, 1);
    for (int i = 0; i < 40; i++)
        nodes[i].stop_at = 100 * S;
    drv_log log;
    ks_nlc *nlc = drive(nodes, NA + NB, 2, 400 * S, &log);
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 0), KS_ZONE_PARTIAL_DISRUPTION);
    CU_ASSERT_EQUAL(ks_nlc_zone_limiter_qps(nlc, 0), 0.01f);
    CU_ASSERT_EQUAL(nodes[0].taint_at, 160 * S);
    CU_ASSERT_EQUAL(nodes[1].taint_at, 260 * S + 100 * MS);
    CU_ASSERT_EQUAL(nodes[2].taint_at, 360 * S + 200 * MS);
    CU_ASSERT_EQUAL(nodes[3].taint_at, KS_TIME_NEVER);
    ks_nlc_destroy(nlc);
}

/* Every zone FullDisruption: master disruption mode removes NoExecute
 * taints and stops tainting; the first node back exits it, resets every
 * probe timestamp and restores 0.1/s from a drained bucket. */
static void test_master_disruption(void)
{
    drv_node nodes[3];
    drv_init(nodes, 3, 0);
    nodes[0].stop_at = 100 * S;
    nodes[1].stop_at = 150 * S;
    nodes[2].stop_at = 150 * S;
    nodes[1].resume_at = 400 * S;
    drv_log log;
    ks_nlc *nlc = drive(nodes, 3, 1, 500 * S, &log);
    CU_ASSERT_EQUAL(nodes[0].unknown_at, 155 * S);
    CU_ASSERT_EQUAL(nodes[0].taint_at, 160 * S);
    CU_ASSERT_EQUAL(nodes[1].unknown_at, 205 * S);
    CU_ASSERT_EQUAL(nodes[2].unknown_at, 205 * S);
    CU_ASSERT_EQUAL(log.enter_master, 205 * S);
    CU_ASSERT_EQUAL(nodes[0].untaint_at, 205 * S);
    CU_ASSERT_EQUAL(log.exit_master, 400 * S);
    CU_ASSERT_EQUAL(ks_nlc_node_probe_time(nlc, 2), 400 * S);
    CU_ASSERT_EQUAL(ks_nlc_node_ready(nlc, 1), KS_COND_TRUE);
    CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, 0), KS_ZONE_NORMAL);
    /* After the exit, nodes 0 and 2 are tainted again at 10 s spacing. */
    CU_ASSERT_EQUAL(ks_nlc_node_noexec_taints(nlc, 0),
                    KS_NLC_TAINT_BIT_UNREACHABLE);
    CU_ASSERT_EQUAL(ks_nlc_node_noexec_taints(nlc, 2),
                    KS_NLC_TAINT_BIT_UNREACHABLE);
    CU_ASSERT_EQUAL(ks_nlc_node_noexec_taints(nlc, 1), 0);
    CU_ASSERT_EQUAL(nodes[2].taint_at, 420 * S); /* node 0 went at 410 s */
    CU_ASSERT_EQUAL(nodes[2].untaint_at, KS_TIME_NEVER);
    ks_nlc_destroy(nlc);
}

/* node_lifecycle_controller_test.go TestMonitorNodeHealthEvictPodsWithDisruption
 * cases 1-5: two passes an hour apart on nodes created long ago; zone states
 * after each, then whether any node gets tainted (upstream retries the
 * eviction for up to a minute; here tainting passes run for 20 s). */
static void test_disruption_table(void)
{
    const ks_cond_status U = KS_COND_UNKNOWN, T = KS_COND_TRUE;
    static const struct {
        const char *name;
        int n, zone[2], excluded[2];
        ks_cond_status before[2], after[2];
        ks_zone_state init[2], follow[2];
        int evict;
    } rows[] = {
        {"only zone is down", 2, {0, 0}, {0, 0}, {U, U}, {U, U},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_INITIAL},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_INITIAL}, 0},
        {"both zones down", 2, {0, 1}, {0, 0}, {U, U}, {U, U},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_FULL_DISRUPTION},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_FULL_DISRUPTION}, 0},
        {"one zone down", 2, {0, 1}, {0, 0}, {U, T}, {U, T},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_NORMAL},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_NORMAL}, 1},
        {"only the excluded (master) node healthy", 2, {0, 0}, {0, 1},
         {U, T}, {U, T},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_INITIAL},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_INITIAL}, 0},
        {"both zones down, one comes back", 2, {0, 1}, {0, 0}, {U, U},
         {U, T},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_FULL_DISRUPTION},
         {KS_ZONE_FULL_DISRUPTION, KS_ZONE_NORMAL}, 1},
    };
    const ks_time now0 = 100000 * S, later = now0 + 3600 * S;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        ks_nlc *nlc = ks_nlc_create(NULL, 2);
        ks_nlc_actions acts = {0};
        for (int i = 0; i < rows[r].n; i++) {
            ks_nlc_add_node(nlc, i, rows[r].zone[i], 0, rows[r].excluded[i]);
            ks_nlc_observe_status(nlc, i, rows[r].before[i], now0, now0);
        }
        ks_nlc_monitor(nlc, now0, &acts);
        for (int z = 0; z < 2; z++)
            CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, z), rows[r].init[z]);
        for (int i = 0; i < rows[r].n; i++) {
            ks_time hb = rows[r].after[i] == T ? now0 + 3600 * S : now0;
            ks_nlc_observe_status(nlc, i, rows[r].after[i], hb, now0);
        }
        ks_nlc_monitor(nlc, later, &acts);
        for (int z = 0; z < 2; z++) {
            CU_ASSERT_EQUAL(ks_nlc_zone_state(nlc, z), rows[r].follow[z]);
            if (ks_nlc_zone_state(nlc, z) != rows[r].follow[z])
                fprintf(stderr, "%s: zone %d is %s\n", rows[r].name, z,
                        ks_zone_state_name(ks_nlc_zone_state(nlc, z)));
        }
        ks_nlc_actions_clear(&acts);
        for (ks_time t = later; t <= later + 20 * S; t += 100 * MS)
            ks_nlc_tainting_pass(nlc, t, &acts);
        int tainted = 0;
        for (size_t k = 0; k < acts.n; k++)
            tainted |= acts.v[k].kind == KS_NLC_TAINT_UNREACHABLE;
        CU_ASSERT_EQUAL(tainted, rows[r].evict);
        ks_nlc_actions_free(&acts);
        ks_nlc_destroy(nlc);
    }
}

/* A node that recovers: its kubelet posts Ready again, the next pass
 * removes the NoExecute taint (markNodeAsReachable). */
static void test_recovery_untaints(void)
{
    drv_node nodes[3];
    drv_init(nodes, 3, 0);
    nodes[0].stop_at = 100 * S;
    nodes[0].resume_at = 300 * S;
    drv_log log;
    ks_nlc *nlc = drive(nodes, 3, 1, 400 * S, &log);
    CU_ASSERT_EQUAL(nodes[0].taint_at, 160 * S);
    CU_ASSERT_EQUAL(nodes[0].untaint_at, 300 * S);
    CU_ASSERT_EQUAL(ks_nlc_node_ready(nlc, 0), KS_COND_TRUE);
    CU_ASSERT_EQUAL(ks_nlc_node_noexec_taints(nlc, 0), 0);
    ks_nlc_destroy(nlc);
}

/* ---- taint eviction ------------------------------------------------------------ */

/* taint_eviction_test.go TestGetMinTolerationTime. */
static void test_min_toleration_time(void)
{
    ks_toleration none = {0}, one = {.has_seconds = 1, .toleration_seconds = 1},
                  two = {.has_seconds = 1, .toleration_seconds = 2};
    const ks_toleration *c1[] = {&none};
    const ks_toleration *c2[] = {&one, &two};
    const ks_toleration *c3[] = {&one, &none};
    const ks_toleration *c4[] = {&none, &one};
    CU_ASSERT_EQUAL(ks_taint_eviction_min_toleration(NULL, 0), 0);
    CU_ASSERT_EQUAL(ks_taint_eviction_min_toleration(c1, 1), -1);
    CU_ASSERT_EQUAL(ks_taint_eviction_min_toleration(c2, 2), 1 * S);
    CU_ASSERT_EQUAL(ks_taint_eviction_min_toleration(c3, 2), 1 * S);
    CU_ASSERT_EQUAL(ks_taint_eviction_min_toleration(c4, 2), 1 * S);
    ks_toleration zero = {.has_seconds = 1, .toleration_seconds = 0};
    const ks_toleration *c5[] = {&two, &zero};
    CU_ASSERT_EQUAL(ks_taint_eviction_min_toleration(c5, 2), 0);
}

static void test_deletion_times(void)
{
    char unreach[] = KS_TAINT_KEY_UNREACHABLE, notready[] = KS_TAINT_KEY_NOT_READY,
         dedicated[] = "dedicated", gpu[] = "gpu";
    ks_taint t_unreach = {.key = unreach, .effect = KS_EFFECT_NO_EXECUTE};
    ks_taint t_notready = {.key = notready, .effect = KS_EFFECT_NO_EXECUTE};
    ks_taint t_ded = {.key = dedicated, .effect = KS_EFFECT_NO_EXECUTE};
    ks_taint t_sched = {.key = gpu, .effect = KS_EFFECT_NO_SCHEDULE};
    ks_toleration def[2];
    ks_default_noexec_tolerations(def);
    ks_time at100 = 100 * S;

    /* No toleration: deleted at once. */
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(&t_unreach, &at100, 1,
                                                    NULL, 0),
                    100 * S);
    /* Default tolerations: +300 s, for either taint. */
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(&t_unreach, &at100, 1,
                                                    def, 2),
                    400 * S);
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(&t_notready, &at100, 1,
                                                    def, 2),
                    400 * S);
    /* NoSchedule taints are not the taint manager's business. */
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(&t_sched, &at100, 1,
                                                    NULL, 0),
                    KS_TIME_NEVER);
    /* A custom toleration listed first wins for its taint. */
    ks_toleration custom[3] = {{.key = unreach,
                                .op = KS_TOLERATION_EXISTS,
                                .effect = KS_EFFECT_NO_EXECUTE,
                                .has_seconds = 1,
                                .toleration_seconds = 60},
                               def[0], def[1]};
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(&t_unreach, &at100, 1,
                                                    custom, 3),
                    160 * S);
    /* Tolerate everything forever (DaemonSet style, no seconds). */
    ks_toleration all = {.op = KS_TOLERATION_EXISTS};
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(&t_unreach, &at100, 1,
                                                    &all, 1),
                    KS_TIME_NEVER);
    /* A second, untolerated taint added later deletes at its add time. */
    ks_taint two[2] = {t_unreach, t_ded};
    ks_time added[2] = {100 * S, 200 * S};
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(two, added, 2, def, 2),
                    200 * S);
    /* ...but added after the scheduled deletion, it changes nothing. */
    added[1] = 500 * S;
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(two, added, 2, def, 2),
                    400 * S);
    /* A later taint with a shorter toleration: processPodOnNode keeps the
     * earlier-created schedule (created 100 s, fires 400 s), as upstream. */
    ks_toleration ded_tol[3] = {def[0], def[1],
                                {.key = dedicated,
                                 .op = KS_TOLERATION_EXISTS,
                                 .effect = KS_EFFECT_NO_EXECUTE,
                                 .has_seconds = 1,
                                 .toleration_seconds = 50}};
    added[1] = 200 * S;
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(two, added, 2, ded_tol, 3),
                    400 * S);
    /* Both taints at once: the minimum over the matching tolerations. */
    added[1] = 100 * S;
    CU_ASSERT_EQUAL(ks_taint_eviction_deletion_time(two, added, 2, ded_tol, 3),
                    150 * S);

    /* process_pod: removing the taints cancels. */
    ks_eviction_work w = {0};
    ks_taint_eviction_process_pod(&t_unreach, 1, def, 2, 10 * S, &w);
    CU_ASSERT_TRUE(w.scheduled);
    CU_ASSERT_EQUAL(w.fire_at, 310 * S);
    ks_taint_eviction_process_pod(NULL, 0, def, 2, 20 * S, &w);
    CU_ASSERT_FALSE(w.scheduled);
    /* GetMatchingTolerations picks the first tolerating toleration. */
    size_t used[2];
    CU_ASSERT_TRUE(ks_taint_eviction_matching(two, 2, ded_tol, 3, used));
    CU_ASSERT_EQUAL(used[0], 1);
    CU_ASSERT_EQUAL(used[1], 2);
    CU_ASSERT_FALSE(ks_taint_eviction_matching(two, 2, def, 2, used));
    CU_ASSERT_TRUE(ks_taint_eviction_matching(NULL, 0, NULL, 0, NULL));
}

void ks_suite_nodelifecycle(void)
{
    static const ks_test_case cases[] = {
        {"token bucket: TestLimiterBurst1", test_bucket_burst1},
        {"token bucket: TestLimiterBurst3", test_bucket_burst3},
        {"token bucket: TestLimiterJumpBackwards", test_bucket_jump_backwards},
        {"token bucket: TestLimiter_noTruncationErrors",
         test_bucket_no_truncation},
        {"token bucket: eviction rates in simulated time",
         test_bucket_eviction_rates},
        {"queue: add, remove, try, clear", test_queue_add_del_try},
        {"queue: TestTryOrdering", test_queue_try_ordering},
        {"queue: TestTryRemovingWhileTry", test_queue_remove_while_try},
        {"queue: TestSwapLimiter and the drain rule", test_queue_swap_limiter},
        {"ComputeZoneState", test_compute_zone_state},
        {"zone rates (setLimiterInZone)", test_zone_rates},
        {"lease stops: Unknown, taint, deletion times",
         test_lease_stops_table},
        {"node-startup-grace-period", test_startup_grace},
        {"zone Normal: one taint per 10 s", test_zone_normal_rate},
        {"zone PartialDisruption then FullDisruption",
         test_zone_partial_then_full},
        {"large zone PartialDisruption: 0.01/s", test_zone_large_partial},
        {"master disruption mode", test_master_disruption},
        {"TestMonitorNodeHealthEvictPodsWithDisruption", test_disruption_table},
        {"recovery removes the NoExecute taint", test_recovery_untaints},
        {"TestGetMinTolerationTime", test_min_toleration_time},
        {"pod deletion times", test_deletion_times},
        {NULL, NULL}};
    ks_test_add_suite("sim/nodelifecycle", cases);
}
