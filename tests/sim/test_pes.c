/* test_pes.c - the pending-event set: order, ties, cancellation, growth. */
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "sim/error.h"
#include "sim/pes.h"
#include "tests/test_util.h"

static void noop(struct ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)ctx;
    (void)arg;
}

static void test_empty(void)
{
    ks_pes *q = ks_pes_create();
    ks_event ev;
    CU_ASSERT_EQUAL(ks_pes_size(q), 0);
    CU_ASSERT_EQUAL(ks_pes_pop(q, &ev), 0);
    CU_ASSERT_EQUAL(ks_pes_peek_time(q), INT64_MAX);
    CU_ASSERT_EQUAL(ks_pes_cancel(q, 0), KS_ENOENT);
    ks_pes_destroy(q);
    ks_pes_destroy(NULL);
}

static void test_time_order(void)
{
    ks_pes *q = ks_pes_create();
    const int64_t times[] = {50, 10, 40, 30, 20, 60, 0};
    for (int i = 0; i < 7; i++)
        ks_pes_push(q, times[i], noop, NULL, (uint64_t)i);
    CU_ASSERT_EQUAL(ks_pes_peek_time(q), 0);
    int64_t last = -1;
    ks_event ev;
    int n = 0;
    while (ks_pes_pop(q, &ev)) {
        CU_ASSERT(ev.time >= last);
        CU_ASSERT_EQUAL(ev.time, times[ev.arg]);
        last = ev.time;
        n++;
    }
    CU_ASSERT_EQUAL(n, 7);
    ks_pes_destroy(q);
}

/* Events at the same time leave in the order they were pushed. */
static void test_ties_fifo(void)
{
    ks_pes *q = ks_pes_create();
    for (uint64_t i = 0; i < 1000; i++)
        ks_pes_push(q, (int64_t)(i % 3), noop, NULL, i);
    ks_event ev;
    uint64_t expect_time = 0, last_arg[3] = {0, 0, 0};
    int first[3] = {1, 1, 1};
    while (ks_pes_pop(q, &ev)) {
        CU_ASSERT(ev.time >= (int64_t)expect_time);
        expect_time = (uint64_t)ev.time;
        if (!first[ev.time])
            CU_ASSERT(ev.arg > last_arg[ev.time]);
        first[ev.time] = 0;
        last_arg[ev.time] = ev.arg;
    }
    ks_pes_destroy(q);
}

static void test_cancel(void)
{
    ks_pes *q = ks_pes_create();
    ks_event_id a = ks_pes_push(q, 10, noop, NULL, 1);
    ks_event_id b = ks_pes_push(q, 5, noop, NULL, 2);
    ks_event_id c = ks_pes_push(q, 10, noop, NULL, 3);
    CU_ASSERT_EQUAL(ks_pes_size(q), 3);
    CU_ASSERT_EQUAL(ks_pes_cancel(q, b), 0);
    CU_ASSERT_EQUAL(ks_pes_cancel(q, b), KS_ENOENT); /* twice */
    CU_ASSERT_EQUAL(ks_pes_size(q), 2);
    CU_ASSERT_EQUAL(ks_pes_peek_time(q), 10);
    ks_event ev;
    CU_ASSERT_EQUAL(ks_pes_pop(q, &ev), 1);
    CU_ASSERT_EQUAL(ev.arg, 1);
    CU_ASSERT_EQUAL(ev.id, a);
    CU_ASSERT_EQUAL(ks_pes_cancel(q, a), KS_ENOENT); /* already fired */
    CU_ASSERT_EQUAL(ks_pes_cancel(q, c), 0);
    CU_ASSERT_EQUAL(ks_pes_pop(q, &ev), 0);
    CU_ASSERT_EQUAL(ks_pes_size(q), 0);
    ks_pes_destroy(q);
}

/* A cancelled event's slot is reused; the old id must not cancel the new
 * event that took the slot. */
static void test_stale_id_after_reuse(void)
{
    ks_pes *q = ks_pes_create();
    ks_event_id a = ks_pes_push(q, 1, noop, NULL, 1);
    ks_event ev;
    CU_ASSERT_EQUAL(ks_pes_pop(q, &ev), 1);
    ks_event_id b = ks_pes_push(q, 2, noop, NULL, 2);
    CU_ASSERT_NOT_EQUAL(a, b);
    CU_ASSERT_EQUAL(ks_pes_cancel(q, a), KS_ENOENT);
    CU_ASSERT_EQUAL(ks_pes_size(q), 1);
    CU_ASSERT_EQUAL(ks_pes_pop(q, &ev), 1);
    CU_ASSERT_EQUAL(ev.arg, 2);
    ks_pes_destroy(q);
}

/* Random pushes, pops and cancels against a brute-force model. */
static void test_random_against_model(void)
{
    enum { N = 4000 };
    ks_pes *q = ks_pes_create();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    int64_t *mtime = calloc(N, sizeof *mtime);
    ks_event_id *ids = calloc(N, sizeof *ids);
    int *alive = calloc(N, sizeof *alive);
    size_t pushed = 0, live = 0, mismatches = 0;
    for (int step = 0; step < 12000; step++) {
        unsigned op = (unsigned)gsl_rng_uniform_int(r, 10);
        if (op < 5 && pushed < N) {
            mtime[pushed] = (int64_t)gsl_rng_uniform_int(r, 1000);
            ids[pushed] = ks_pes_push(q, mtime[pushed], noop, NULL, pushed);
            alive[pushed++] = 1;
            live++;
        } else if (op < 7 && pushed) {
            size_t k = gsl_rng_uniform_int(r, pushed);
            int rc = ks_pes_cancel(q, ids[k]);
            mismatches += (rc == 0) != alive[k];
            if (alive[k]) {
                alive[k] = 0;
                live--;
            }
        } else {
            /* Model: the earliest (time, push order) live event. */
            size_t best = N;
            for (size_t i = 0; i < pushed; i++)
                if (alive[i] && (best == N || mtime[i] < mtime[best]))
                    best = i;
            ks_event ev;
            int got = ks_pes_pop(q, &ev);
            if (best == N) {
                mismatches += got != 0;
            } else {
                mismatches += !got || ev.arg != best;
                alive[best] = 0;
                live--;
            }
        }
        mismatches += ks_pes_size(q) != live;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    free(mtime);
    free(ids);
    free(alive);
    gsl_rng_free(r);
    ks_pes_destroy(q);
}

/* Growth past the initial capacity keeps order. */
static void test_many(void)
{
    ks_pes *q = ks_pes_create();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < 100000; i++)
        ks_pes_push(q, (int64_t)gsl_rng_uniform_int(r, 1u << 30), noop, NULL,
                    (uint64_t)i);
    ks_event ev, prev = {0};
    int ok = 1, n = 0;
    while (ks_pes_pop(q, &ev)) {
        if (n && (ev.time < prev.time ||
                  (ev.time == prev.time && ev.arg < prev.arg)))
            ok = 0;
        prev = ev;
        n++;
    }
    CU_ASSERT(ok);
    CU_ASSERT_EQUAL(n, 100000);
    gsl_rng_free(r);
    ks_pes_destroy(q);
}

void ks_suite_pes(void)
{
    static const ks_test_case cases[] = {
        {"empty set", test_empty},
        {"time order", test_time_order},
        {"ties leave in push order", test_ties_fifo},
        {"cancel", test_cancel},
        {"stale id after slot reuse", test_stale_id_after_reuse},
        {"random ops against a model", test_random_against_model},
        {"100k events", test_many},
        {NULL, NULL},
    };
    ks_test_add_suite("sim/pes", cases);
}
