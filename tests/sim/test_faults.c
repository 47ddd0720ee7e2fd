/* test_faults.c - the fault injector: timed faults, overlaps, refusals,
 * failure processes and their common random numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/faults.h"
#include "tests/test_util.h"

typedef struct log_entry {
    ks_time t;
    int begin;
    ks_fault_kind kind;
    char target[32];
    int count;
} log_entry;

typedef struct handler {
    ks_engine *e;
    log_entry v[64];
    int n;
    const char *refuse; /* begin fails on this target */
} handler;

static void note(handler *h, int begin, ks_fault_kind k, const char *target,
                 int count)
{
    if (h->n >= 64)
        return;
    log_entry *x = &h->v[h->n++];
    x->t = ks_engine_now(h->e);
    x->begin = begin;
    x->kind = k;
    snprintf(x->target, sizeof x->target, "%s", target);
    x->count = count;
}

static int on_begin(void *ctx, ks_fault_kind k, const char *target, int count)
{
    handler *h = ctx;
    if (h->refuse && strcmp(target, h->refuse) == 0)
        return -1;
    note(h, 1, k, target, count);
    return 0;
}

static void on_end(void *ctx, ks_fault_kind k, const char *target, int count)
{
    note(ctx, 0, k, target, count);
}

static const ks_fault_ops ops = {on_begin, on_end};

/* A node crash at 10 s for 30 s and two etcd members down for good at
 * 20 s: handlers at those times, records in start order. */
static void test_timed_faults(void)
{
    handler h = {0};
    h.e = ks_engine_create();
    ks_faults *f = ks_faults_create(h.e, NULL, &ops, &h);
    ks_faults_at(f, 20 * KS_SECOND, KS_FAULT_ETCD_DOWN, "etcd", 2,
                 KS_TIME_NEVER);
    ks_faults_at(f, 10 * KS_SECOND, KS_FAULT_NODE_CRASH, "node-1", 0,
                 30 * KS_SECOND);
    ks_engine_run(h.e, 100 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(h.n, 3);
    CU_ASSERT(h.v[0].begin && h.v[0].t == 10 * KS_SECOND &&
              h.v[0].kind == KS_FAULT_NODE_CRASH);
    CU_ASSERT_STRING_EQUAL(h.v[0].target, "node-1");
    CU_ASSERT(h.v[1].begin && h.v[1].t == 20 * KS_SECOND &&
              h.v[1].count == 2);
    CU_ASSERT(!h.v[2].begin && h.v[2].t == 40 * KS_SECOND);
    size_t n;
    const ks_fault_record *r = ks_faults_records(f, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(r[0].start, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(r[0].end, 40 * KS_SECOND);
    CU_ASSERT_STRING_EQUAL(ks_faults_target_name(f, r[0].target), "node-1");
    CU_ASSERT_EQUAL(r[1].end, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(r[1].kind, KS_FAULT_ETCD_DOWN);
    CU_ASSERT(r[0].applied && r[1].applied);
    CU_ASSERT_STRING_EQUAL(ks_fault_kind_name(KS_FAULT_ZONE_OUTAGE),
                           "zoneOutage");
    CU_ASSERT_EQUAL(ks_fault_kind_lookup("kubeletStop"),
                    KS_FAULT_KUBELET_STOP);
    CU_ASSERT_EQUAL(ks_fault_kind_lookup("meteor"), -1);
    ks_faults_destroy(f);
    ks_engine_destroy(h.e);
}

/* Overlapping crashes of one node: down with the first, up with the last;
 * a refused begin is recorded not applied and never ended. */
static void test_overlap_and_refusal(void)
{
    handler h = {0};
    h.e = ks_engine_create();
    h.refuse = "ghost";
    ks_faults *f = ks_faults_create(h.e, NULL, &ops, &h);
    ks_faults_at(f, 10 * KS_SECOND, KS_FAULT_NODE_CRASH, "n", 0,
                 20 * KS_SECOND);
    ks_faults_at(f, 20 * KS_SECOND, KS_FAULT_NODE_CRASH, "n", 0,
                 30 * KS_SECOND);
    ks_faults_at(f, 15 * KS_SECOND, KS_FAULT_NODE_CRASH, "ghost", 0,
                 5 * KS_SECOND);
    ks_engine_run(h.e, 100 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(h.n, 2);
    CU_ASSERT(h.v[0].begin && h.v[0].t == 10 * KS_SECOND);
    CU_ASSERT(!h.v[1].begin && h.v[1].t == 50 * KS_SECOND);
    size_t n;
    const ks_fault_record *r = ks_faults_records(f, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(ks_faults_target_name(f, r[1].target), "ghost");
    CU_ASSERT_EQUAL(r[1].applied, 0);
    CU_ASSERT_EQUAL(r[1].end, 20 * KS_SECOND);
    CU_ASSERT_EQUAL(r[2].applied, 1);
    ks_faults_destroy(f);
    ks_engine_destroy(h.e);
}

/* Constant MTBF 100 s and MTTR 10 s from 0 to 350 s: down at 100-110,
 * 210-220, 320-330. */
static void test_process_constant(void)
{
    handler h = {0};
    h.e = ks_engine_create();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    ks_faults *f = ks_faults_create(h.e, rng, &ops, &h);
    ks_dist mtbf, mttr;
    ks_dist_init_constant(&mtbf, 100);
    ks_dist_init_constant(&mttr, 10);
    ks_faults_process(f, KS_FAULT_KUBELET_STOP, "n", 0, &mtbf, &mttr, 0,
                      350 * KS_SECOND);
    ks_engine_run(h.e, 1000 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(h.n, 6);
    ks_time want[6] = {100, 110, 210, 220, 320, 330};
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(h.v[i].t, want[i] * KS_SECOND);
        CU_ASSERT_EQUAL(h.v[i].begin, i % 2 == 0);
    }
    ks_faults_destroy(f);
    gsl_rng_free(rng);
    ks_engine_destroy(h.e);
}

/* Exponential processes: drawn when added, so the same seed gives the same
 * faults whatever else happens; the mean time between failures matches. */
static void timeline(uint64_t seed, ks_time *starts, size_t *n)
{
    ks_engine *e = ks_engine_create();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    ks_faults *f = ks_faults_create(e, rng, NULL, NULL);
    ks_dist mtbf, mttr;
    ks_dist_init(&mtbf, KS_DIST_EXPONENTIAL, 3600, 0);
    ks_dist_init(&mttr, KS_DIST_EXPONENTIAL, 60, 0);
    ks_faults_process(f, KS_FAULT_NODE_CRASH, "a", 0, &mtbf, &mttr, 0,
                      1000 * KS_HOUR);
    ks_faults_process(f, KS_FAULT_NODE_CRASH, "b", 0, &mtbf, &mttr, 0,
                      1000 * KS_HOUR);
    ks_engine_run(e, 1000 * KS_HOUR);
    size_t m;
    const ks_fault_record *r = ks_faults_records(f, &m);
    *n = m < 4096 ? m : 4096;
    for (size_t i = 0; i < *n; i++)
        starts[i] = r[i].start;
    ks_faults_destroy(f);
    gsl_rng_free(rng);
    ks_engine_destroy(e);
}

static void test_process_random(void)
{
    static ks_time a[4096], b[4096], c[4096];
    size_t na, nb, nc;
    timeline(5, a, &na);
    timeline(5, b, &nb);
    timeline(6, c, &nc);
    CU_ASSERT_EQUAL_FATAL(na, nb);
    CU_ASSERT(memcmp(a, b, na * sizeof *a) == 0);
    CU_ASSERT(na != nc || memcmp(a, c, na * sizeof *a) != 0);
    /* Two nodes x 1000 h / (1 h + 1 min) ~ 1967 failures; 5 sigma. */
    CU_ASSERT(na > 1967 - 5 * 45 && na < 1967 + 5 * 45);
}

void ks_suite_faults(void)
{
    static const ks_test_case cases[] = {
        {"timed faults", test_timed_faults},
        {"overlaps and refusals", test_overlap_and_refusal},
        {"constant failure process", test_process_constant},
        {"random processes: same seed, same faults", test_process_random},
        {NULL, NULL}};
    ks_test_add_suite("sim/faults", cases);
}
