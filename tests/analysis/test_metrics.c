/* test_metrics.c - the scalar metrics of a run (analysis/metrics.c).
 *
 * A hand-made dataset whose every metric was worked out by hand (in the
 * comments below), the empty run (undefined metrics are NaN, counts 0), the
 * table's own consistency, and a run written to HDF5 and read back through
 * ks_metrics_read giving exactly the metrics of the in-memory dataset.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "analysis/metrics.h"
#include "analysis/output.h"
#include "analysis/recorder.h"
#include "sim/cluster.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_metrics(void);

#define CLOSE(a, b) CU_ASSERT_DOUBLE_EQUAL((a), (b), 1e-12)

static double metric(const double *v, const char *name)
{
    int i = ks_metric_find(name);
    CU_ASSERT_TRUE_FATAL(i >= 0);
    return v[i];
}

static ks_pod_row pod(double submit, double scheduled, double start,
                      double end, uint32_t attempts, double queue_wait,
                      int32_t preempted_by)
{
    ks_pod_row p = {.submit = submit, .scheduled = scheduled, .start = start,
                    .end = end, .attempts = attempts,
                    .queue_wait = queue_wait, .preempted_by = preempted_by,
                    .node = isnan(scheduled) ? -1 : 0};
    return p;
}

/* Five pods:
 *   p0 submit 0, bound 1, started 2, ended 10, 1 attempt, waited 0.5
 *   p1 submit 1, bound 4, started 5, running,   3 attempts, waited 2
 *   p2 submit 2, never bound,                    4 attempts
 *   p3 submit 3, bound 3.5, started 4, ended 6 preempted by p1, 1 attempt,
 *      waited 0.25
 *   p4 submit 5, never bound, 0 attempts
 * Samples (t, cpu, memory, pending): (0, .2, .1, 1), (10, .5, .3, 3),
 * (40, .1, .4, 0). */
static ks_dataset *hand_dataset(void)
{
    ks_dataset *ds = ks_xcalloc(1, sizeof *ds);
    ds->npods = 5;
    ds->pods = ks_xcalloc(5, sizeof *ds->pods);
    ds->pods[0] = pod(0, 1, 2, 10, 1, 0.5, -1);
    ds->pods[1] = pod(1, 4, 5, NAN, 3, 2.0, -1);
    ds->pods[2] = pod(2, NAN, NAN, NAN, 4, NAN, -1);
    ds->pods[3] = pod(3, 3.5, 4, 6, 1, 0.25, 1);
    ds->pods[4] = pod(5, NAN, NAN, NAN, 0, NAN, -1);
    ds->nsamples = 3;
    ds->samples = ks_xcalloc(3, sizeof *ds->samples);
    ds->samples[0] = (ks_sample){.time = 0, .cpu_allocated = 0.2,
                                 .memory_allocated = 0.1, .pods_pending = 1};
    ds->samples[1] = (ks_sample){.time = 10, .cpu_allocated = 0.5,
                                 .memory_allocated = 0.3, .pods_pending = 3};
    ds->samples[2] = (ks_sample){.time = 40, .cpu_allocated = 0.1,
                                 .memory_allocated = 0.4, .pods_pending = 0};
    return ds;
}

static void test_hand_computed(void)
{
    ks_dataset *ds = hand_dataset();
    double *v = ks_xmalloc(ks_metric_count() * sizeof *v);
    ks_metrics_compute(ds, v);
    CLOSE(metric(v, "pods_submitted"), 5);
    CLOSE(metric(v, "pods_scheduled"), 3);
    CLOSE(metric(v, "pods_completed"), 1); /* p3 was preempted */
    CLOSE(metric(v, "pods_pending_end"), 2);
    CLOSE(metric(v, "scheduled_fraction"), 0.6);
    /* Latencies {1, 3, 0.5}: mean 1.5; sorted {0.5, 1, 3}: p50 = 1,
     * p95 at h = 2 * 0.95 = 1.9: 1 + 0.9 * 2 = 2.8, p99: 1 + 0.98 * 2. */
    CLOSE(metric(v, "latency_mean_s"), 1.5);
    CLOSE(metric(v, "latency_p50_s"), 1.0);
    CLOSE(metric(v, "latency_p95_s"), 2.8);
    CLOSE(metric(v, "latency_p99_s"), 2.96);
    CLOSE(metric(v, "latency_max_s"), 3.0);
    /* Startups 2, 4, 1. */
    CLOSE(metric(v, "startup_mean_s"), 7.0 / 3);
    CLOSE(metric(v, "queue_wait_mean_s"), 2.75 / 3);
    CLOSE(metric(v, "attempts_mean"), 9.0 / 5);
    CLOSE(metric(v, "failed_attempts"), 6);
    CLOSE(metric(v, "preemptions"), 1);
    /* Steps: cpu .2 for 10 s, .5 for 30 s over 40 s. */
    CLOSE(metric(v, "cpu_alloc_mean"), (0.2 * 10 + 0.5 * 30) / 40);
    CLOSE(metric(v, "memory_alloc_mean"), (0.1 * 10 + 0.3 * 30) / 40);
    CLOSE(metric(v, "cpu_alloc_max"), 0.5);
    CLOSE(metric(v, "memory_alloc_max"), 0.4);
    CLOSE(metric(v, "pending_mean"), (1.0 * 10 + 3.0 * 30) / 40);
    free(v);
    ks_dataset_destroy(ds);
}

static void test_empty_run(void)
{
    ks_dataset *ds = ks_xcalloc(1, sizeof *ds);
    double *v = ks_xmalloc(ks_metric_count() * sizeof *v);
    ks_metrics_compute(ds, v);
    CLOSE(metric(v, "pods_submitted"), 0);
    CLOSE(metric(v, "pods_pending_end"), 0);
    CLOSE(metric(v, "preemptions"), 0);
    CLOSE(metric(v, "failed_attempts"), 0);
    CU_ASSERT_TRUE(isnan(metric(v, "scheduled_fraction")));
    CU_ASSERT_TRUE(isnan(metric(v, "latency_mean_s")));
    CU_ASSERT_TRUE(isnan(metric(v, "latency_p99_s")));
    CU_ASSERT_TRUE(isnan(metric(v, "latency_max_s")));
    CU_ASSERT_TRUE(isnan(metric(v, "attempts_mean")));
    CU_ASSERT_TRUE(isnan(metric(v, "cpu_alloc_mean")));
    CU_ASSERT_TRUE(isnan(metric(v, "cpu_alloc_max")));
    free(v);
    ks_dataset_destroy(ds);
}

/* One sample, or samples at one instant: that sample's value. */
static void test_single_sample(void)
{
    ks_dataset *ds = ks_xcalloc(1, sizeof *ds);
    ds->nsamples = 2;
    ds->samples = ks_xcalloc(2, sizeof *ds->samples);
    ds->samples[0] = (ks_sample){.time = 5, .cpu_allocated = 0.7};
    ds->samples[1] = (ks_sample){.time = 5, .cpu_allocated = 0.9};
    double *v = ks_xmalloc(ks_metric_count() * sizeof *v);
    ks_metrics_compute(ds, v);
    CLOSE(metric(v, "cpu_alloc_mean"), 0.7);
    CLOSE(metric(v, "cpu_alloc_max"), 0.9);
    free(v);
    ks_dataset_destroy(ds);
}

static void test_table(void)
{
    size_t n = ks_metric_count();
    CU_ASSERT_TRUE(n >= 10 && n <= 40);
    for (size_t i = 0; i < n; i++) {
        const char *name = ks_metric_name(i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(name);
        CU_ASSERT_TRUE(strlen(name) > 0);
        CU_ASSERT_TRUE(strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
                       strlen(name));
        CU_ASSERT_TRUE(strlen(ks_metric_unit(i)) > 0);
        CU_ASSERT_TRUE(strlen(ks_metric_description(i)) > 10);
        CU_ASSERT_EQUAL(ks_metric_find(name), (int)i); /* names unique */
    }
    CU_ASSERT_PTR_NULL(ks_metric_name(n));
    CU_ASSERT_PTR_NULL(ks_metric_unit(n));
    CU_ASSERT_PTR_NULL(ks_metric_description(n));
    CU_ASSERT_EQUAL(ks_metric_find("no_such_metric"), -1);
    CU_ASSERT_EQUAL(ks_metric_find(""), -1);
}

/* docs/report.md documents every metric (a new table entry needs a row
 * there too). */
static void test_documented(void)
{
    char *doc = ks_test_read_file(ks_test_src("docs/report.md"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    for (size_t i = 0; i < ks_metric_count(); i++) {
        char *row = ks_xasprintf("| `%s` | %s |", ks_metric_name(i),
                                 ks_metric_unit(i));
        if (!strstr(doc, row))
            fprintf(stderr, "\ndocs/report.md lacks the row '%s'\n", row);
        CU_ASSERT_PTR_NOT_NULL(strstr(doc, row));
        free(row);
    }
    free(doc);
}

/* ---- through the HDF5 file ----------------------------------------------- */

#define GiB (1024LL * 1024 * 1024)

static int write_run(const char *path)
{
    static const char *const sources[] = {"web"};
    ks_cluster *c = ks_cluster_create();
    int64_t alloc[KS_RES_COUNT] = {4000, 8 * GiB, 110};
    ks_cluster_add_node(c, "n0", alloc, 0);
    int64_t req[KS_RES_COUNT] = {500, 1 * GiB, 1};
    ks_recorder *rec = ks_recorder_create();
    ks_recorder_sample(rec, c, 0);
    for (uint32_t i = 0; i < 6; i++) {
        uint32_t p = ks_cluster_add_pod(c, i * KS_SECOND, req, KS_HOUR, 0, i);
        if (i < 5)
            ks_cluster_bind(c, p, 0, i * KS_SECOND + (i + 1) * 250 *
                                                         KS_MILLISECOND);
    }
    ks_recorder_sample(rec, c, 30 * KS_SECOND);
    ks_cluster_complete(c, 0, 40 * KS_SECOND);
    ks_recorder_sample(rec, c, 60 * KS_SECOND);
    ks_run_info info = {
        .ksim_version = "test", .scenario_name = "metrics-test",
        .scenario_path = "x.yaml", .scenario_text = "x", .scenario_len = 1,
        .kubernetes_version = "v1.36", .seed = 77, .duration_s = 60,
        .end_time_s = 60, .events = 1, .source_names = sources,
        .nsources = 1,
    };
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_output_write(path, 1, &info, c, rec, &err);
    if (rc)
        ks_error_print(&err, stderr);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
    return rc;
}

static void test_read_matches_dataset(void)
{
    char *path = ks_xstrdup(ks_test_tmp("metrics-run.h5"));
    CU_ASSERT_EQUAL_FATAL(write_run(path), 0);
    size_t n = ks_metric_count();
    double *a = ks_xmalloc(n * sizeof *a), *b = ks_xmalloc(n * sizeof *b);
    char *scenario = NULL;
    unsigned long long seed = 0;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_metrics_read(path, a, &scenario, &seed, &err), 0);
    CU_ASSERT_STRING_EQUAL(scenario, "metrics-test");
    CU_ASSERT_EQUAL(seed, 77);
    ks_dataset *ds = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_output_read(path, &ds, &err), 0);
    ks_metrics_compute(ds, b);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_TRUE((isnan(a[i]) && isnan(b[i])) || a[i] == b[i]);
    /* Latencies 0.25, 0.5, ..., 1.25 s: mean 0.75; one pod never bound. */
    CLOSE(metric(a, "pods_submitted"), 6);
    CLOSE(metric(a, "pods_pending_end"), 1);
    CLOSE(metric(a, "latency_mean_s"), 0.75);
    CLOSE(metric(a, "latency_max_s"), 1.25);
    CLOSE(metric(a, "pods_completed"), 1);
    ks_dataset_destroy(ds);
    free(scenario);
    free(a);
    free(b);
    free(path);
}

static void test_read_errors(void)
{
    double *v = ks_xmalloc(ks_metric_count() * sizeof *v);
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_metrics_read(ks_test_tmp("metrics-none.h5"), v, NULL,
                                    NULL, &err),
                    KS_ENOENT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "metrics-none.h5"));
    const char *junk = ks_test_tmp("metrics-junk.h5");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(junk, "not hdf5\n"), 0);
    CU_ASSERT_TRUE(ks_metrics_read(junk, v, NULL, NULL, &err) < 0);
    free(v);
}

/* GPU metrics read /gpu_alloc at 100 % arrived; a dropped pod (end set,
 * never scheduled) is dropped, not completed. */
static void test_gpu_and_dropped(void)
{
    ks_pod_row pods[2] = {pod(0, 1, 2, 10, 1, 1, -1),
                          pod(0, NAN, NAN, 5, 1, NAN, -1)};
    ks_gpu_alloc_row rows[131];
    for (int k = 0; k < 131; k++)
        rows[k] = (ks_gpu_alloc_row){k, k * 0.9, 2.0, 40.0, 1};
    ks_dataset ds = {0};
    ds.pods = pods;
    ds.npods = 2;
    ds.gpu_alloc = rows;
    ds.ngpu_alloc = 131;
    double *v = calloc(ks_metric_count(), sizeof *v);
    ks_metrics_compute(&ds, v);
    CLOSE(metric(v, "pods_completed"), 1);
    CLOSE(metric(v, "pods_dropped"), 1);
    CLOSE(metric(v, "gpu_unalloc_100_pct"), 10);
    CLOSE(metric(v, "gpu_frag_100_pct"), 2);
    CLOSE(metric(v, "gpu_frag_ratio_100_pct"), 40);
    ds.gpu_alloc = NULL;
    ds.ngpu_alloc = 0;
    ks_metrics_compute(&ds, v);
    CU_ASSERT_TRUE(isnan(metric(v, "gpu_unalloc_100_pct")));
    free(v);
}

void ks_suite_metrics(void)
{
    static const ks_test_case cases[] = {
        {"hand-computed run", test_hand_computed},
        {"empty run", test_empty_run},
        {"samples at one instant", test_single_sample},
        {"table names, units, descriptions", test_table},
        {"every metric documented", test_documented},
        {"read from HDF5 equals dataset", test_read_matches_dataset},
        {"read errors", test_read_errors},
        {"GPU metrics and dropped pods", test_gpu_and_dropped},
        {NULL, NULL},
    };
    ks_test_add_suite("metrics", cases);
}
