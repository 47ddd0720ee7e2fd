/* test_quickstart.c - the quickstart scenario end to end, with the
 * invariants a real cluster keeps checked during the run: every pod bound
 * at most once, no node over its allocatable at any time, finished pods
 * free their resources; and determinism of the whole dataset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/output.h"
#include "analysis/recorder.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "tests/test_util.h"

#define QUICKSTART "scenarios/examples/quickstart.yaml"

typedef struct bind_check {
    unsigned char *bound; /* per pod */
    size_t cap;
    int double_binds;
    int over_allocatable;
    uint64_t binds;
} bind_check;

static void check_bind(void *ctx, const ks_cluster *c, uint32_t pod,
                       uint32_t node, ks_time now)
{
    (void)now;
    bind_check *b = ctx;
    if (pod >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap <= pod)
            cap *= 2;
        b->bound = realloc(b->bound, cap);
        memset(b->bound + b->cap, 0, cap - b->cap);
        b->cap = cap;
    }
    b->double_binds += b->bound[pod];
    b->bound[pod] = 1;
    b->binds++;
    for (int r = 0; r < KS_RES_COUNT; r++)
        if (c->nodes[node].requested[r] > c->nodes[node].allocatable[r])
            b->over_allocatable++;
}

static ks_scenario *load_quickstart(void)
{
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_file(ks_test_src(QUICKSTART), &sc, &err);
    if (rc != 0)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return sc;
}

static void test_invariants(void)
{
    ks_scenario *sc = load_quickstart();
    bind_check b = {0};
    ks_run_options opt = {.on_bind = check_bind, .bind_ctx = &b,
                          .check_invariants = 1};
    ks_run *run = ks_run_create(sc, &opt);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_run_execute(run, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL(rc, 0); /* sums matched at every sample */
    const ks_cluster *c = ks_run_cluster(run);
    CU_ASSERT(c->npods > 1000);
    CU_ASSERT(c->succeeded > 500);
    CU_ASSERT_EQUAL(b.double_binds, 0);
    CU_ASSERT_EQUAL(b.over_allocatable, 0);
    CU_ASSERT_EQUAL(b.binds, c->running + c->succeeded);
    CU_ASSERT_EQUAL(ks_run_end_time(run), sc->duration);

    /* Finished pods ran exactly their duration and are no longer counted
     * on their node: the requested sums equal the running pods' requests. */
    int64_t running_cpu = 0;
    int bad_times = 0;
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->phase == KS_POD_SUCCEEDED)
            bad_times += p->end - p->start != p->duration;
        if (p->phase == KS_POD_RUNNING)
            running_cpu += p->request[KS_RES_CPU];
        if (p->phase != KS_POD_PENDING)
            bad_times += p->scheduled < p->submit;
    }
    CU_ASSERT_EQUAL(bad_times, 0);
    CU_ASSERT_EQUAL(c->total_requested[KS_RES_CPU], running_cpu);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(c, why, sizeof why), 0);
    free(b.bound);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

static void sample(void *ctx, const ks_cluster *c,
                   const int64_t queue[3], ks_time now)
{
    const ks_queue_gauges q = {queue[0], queue[1], queue[2]};
    ks_recorder_sample_queue(ctx, c, &q, now);
}

/* Runs the quickstart with seed and writes it to path. */
static int run_to_file(const ks_scenario *sc, uint64_t seed, const char *path)
{
    ks_recorder *rec = ks_recorder_create();
    ks_run_options opt = {.seed_set = 1, .seed = seed, .sample = sample,
                          .sample_ctx = rec};
    ks_run *run = ks_run_create(sc, &opt);
    ks_error err;
    int rc = ks_run_execute(run, &err);
    if (rc == 0) {
        rc = ks_output_write_run(path, 1, "test", sc, run, rec, &err);
    }
    if (rc)
        ks_error_print(&err, stderr);
    ks_run_destroy(run);
    ks_recorder_destroy(rec);
    return rc;
}

static void test_determinism(void)
{
    ks_scenario *sc = load_quickstart();
    char a[4200], b[4200], d[4200];
    snprintf(a, sizeof a, "%s", ks_test_tmp("qs-seed42-a.h5"));
    snprintf(b, sizeof b, "%s", ks_test_tmp("qs-seed42-b.h5"));
    snprintf(d, sizeof d, "%s", ks_test_tmp("qs-seed43.h5"));
    CU_ASSERT_EQUAL_FATAL(run_to_file(sc, 42, a), 0);
    CU_ASSERT_EQUAL_FATAL(run_to_file(sc, 42, b), 0);
    CU_ASSERT_EQUAL_FATAL(run_to_file(sc, 43, d), 0);
    CU_ASSERT(ks_test_same_bytes(a, b));
    CU_ASSERT(!ks_test_same_bytes(a, d));

    /* The datasets differ in content, not only in the stored seed. */
    ks_dataset *da = NULL, *dd = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_output_read(a, &da, &err), 0);
    CU_ASSERT_EQUAL_FATAL(ks_output_read(d, &dd, &err), 0);
    int differ = da->npods != dd->npods;
    for (size_t i = 0; !differ && i < da->npods; i++)
        differ = da->pods[i].submit != dd->pods[i].submit;
    CU_ASSERT(differ);
    CU_ASSERT_EQUAL(da->seed, 42);
    /* The scheduling metrics are there and consistent. */
    /* kube-scheduler's default profile: every plugin ksim simulates. */
    CU_ASSERT(da->nplugins >= 8);
    int fit = -1;
    for (size_t i = 0; i < da->nplugins; i++)
        if (strcmp(da->plugins[i].plugin, "NodeResourcesFit") == 0)
            fit = (int)i;
    CU_ASSERT_FATAL(fit >= 0);
    CU_ASSERT(da->plugins[fit].filter_calls > 0);
    CU_ASSERT(da->plugins[fit].score_calls > 0);
    /* Time shares: calls over all calls, summing to 1. */
    double shares = 0, calls = 0;
    for (size_t i = 0; i < da->nplugins; i++) {
        shares += da->plugins[i].time_share;
        calls += (double)(da->plugins[i].filter_calls +
                          da->plugins[i].score_calls);
    }
    CU_ASSERT_DOUBLE_EQUAL(shares, 1.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(da->plugins[fit].time_share,
                           (double)(da->plugins[fit].filter_calls +
                                    da->plugins[fit].score_calls) / calls,
                           1e-12);
    CU_ASSERT_EQUAL(da->plugins[fit].reserve_rejections, 0);
    int consistent = 1;
    for (size_t i = 0; i < da->npods; i++) {
        const ks_pod_row *p = &da->pods[i];
        if (!isnan(p->scheduled))
            consistent &= p->cycle_time > 0 && p->queue_wait >= -1e-9 &&
                          fabs(p->submit + p->queue_wait + p->cycle_time -
                               p->scheduled) < 1e-6;
    }
    CU_ASSERT(consistent);
    CU_ASSERT_EQUAL(dd->seed, 43);
    ks_dataset_destroy(da);
    ks_dataset_destroy(dd);
    ks_scenario_destroy(sc);
}

void ks_suite_quickstart(void)
{
    static const ks_test_case cases[] = {
        {"invariants hold throughout", test_invariants},
        {"same seed same bytes, other seed other data", test_determinism},
        {NULL, NULL},
    };
    ks_test_add_suite("e2e/quickstart", cases);
}
