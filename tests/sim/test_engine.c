/* test_engine.c - the event loop: clock, ordering, cancellation, limits. */
#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "tests/test_util.h"

typedef struct trace {
    ks_time times[64];
    uint64_t args[64];
    int n;
    ks_event_id to_cancel;
} trace;

static void record(ks_engine *e, void *ctx, uint64_t arg)
{
    trace *t = ctx;
    t->times[t->n] = ks_engine_now(e);
    t->args[t->n++] = arg;
}

static void test_order_and_clock(void)
{
    ks_engine *e = ks_engine_create();
    trace t = {0};
    ks_engine_at(e, 30, record, &t, 3);
    ks_engine_at(e, 10, record, &t, 1);
    ks_engine_at(e, 20, record, &t, 2);
    ks_engine_at(e, 10, record, &t, 11); /* tie: after arg 1 */
    CU_ASSERT_EQUAL(ks_engine_pending(e), 4);
    CU_ASSERT_EQUAL(ks_engine_run(e, KS_TIME_NEVER), 4);
    CU_ASSERT_EQUAL(t.n, 4);
    const uint64_t want[] = {1, 11, 2, 3};
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(t.args[i], want[i]);
    CU_ASSERT_EQUAL(t.times[0], 10);
    CU_ASSERT_EQUAL(t.times[3], 30);
    CU_ASSERT_EQUAL(ks_engine_now(e), 30); /* no events left: clock stays */
    CU_ASSERT_EQUAL(ks_engine_events_run(e), 4);
    ks_engine_destroy(e);
}

static void chain(ks_engine *e, void *ctx, uint64_t arg)
{
    record(e, ctx, arg);
    if (arg < 5)
        ks_engine_after(e, KS_SECOND, chain, ctx, arg + 1);
}

/* The time limit: events at the limit run, later ones stay pending, and
 * the clock ends at the limit. */
static void test_until(void)
{
    ks_engine *e = ks_engine_create();
    trace t = {0};
    ks_engine_at(e, 0, chain, &t, 0);
    ks_engine_run(e, 3 * KS_SECOND);
    CU_ASSERT_EQUAL(t.n, 4); /* t = 0, 1, 2, 3 s */
    CU_ASSERT_EQUAL(ks_engine_now(e), 3 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_engine_pending(e), 1);
    ks_engine_run(e, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(t.n, 6);
    CU_ASSERT_EQUAL(ks_engine_now(e), 5 * KS_SECOND);
    ks_engine_destroy(e);
}

static void canceller(ks_engine *e, void *ctx, uint64_t arg)
{
    trace *t = ctx;
    record(e, ctx, arg);
    CU_ASSERT_EQUAL(ks_engine_cancel(e, t->to_cancel), 0);
}

static void test_cancel_from_handler(void)
{
    ks_engine *e = ks_engine_create();
    trace t = {0};
    ks_engine_at(e, 5, canceller, &t, 1);
    t.to_cancel = ks_engine_at(e, 5, record, &t, 2); /* same time, later */
    ks_engine_at(e, 6, record, &t, 3);
    ks_engine_run(e, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_EQUAL(t.args[0], 1);
    CU_ASSERT_EQUAL(t.args[1], 3);
    CU_ASSERT_EQUAL(ks_engine_cancel(e, t.to_cancel), KS_ENOENT);
    ks_engine_destroy(e);
}

static void schedule_past(ks_engine *e, void *ctx, uint64_t arg)
{
    record(e, ctx, arg);
    if (arg == 0)
        ks_engine_at(e, 1, record, ctx, 1); /* in the past: clamped */
}

static void test_past_is_clamped(void)
{
    ks_engine *e = ks_engine_create();
    trace t = {0};
    ks_engine_at(e, 100, schedule_past, &t, 0);
    ks_engine_run(e, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_EQUAL(t.times[1], 100);
    ks_engine_destroy(e);
}

static void stopper(ks_engine *e, void *ctx, uint64_t arg)
{
    record(e, ctx, arg);
    ks_engine_stop(e);
}

static void test_stop(void)
{
    ks_engine *e = ks_engine_create();
    trace t = {0};
    ks_engine_at(e, 1, stopper, &t, 1);
    ks_engine_at(e, 2, record, &t, 2);
    CU_ASSERT_EQUAL(ks_engine_run(e, KS_TIME_NEVER), 1);
    CU_ASSERT_EQUAL(t.n, 1);
    CU_ASSERT_EQUAL(ks_engine_run(e, KS_TIME_NEVER), 1);
    CU_ASSERT_EQUAL(t.n, 2);
    ks_engine_destroy(e);
}

void ks_suite_engine(void)
{
    static const ks_test_case cases[] = {
        {"order, ties and clock", test_order_and_clock},
        {"run until a time limit", test_until},
        {"cancel from a handler", test_cancel_from_handler},
        {"past times are clamped to now", test_past_is_clamped},
        {"stop", test_stop},
        {NULL, NULL},
    };
    ks_test_add_suite("sim/engine", cases);
}
