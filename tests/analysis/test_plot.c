/* test_plot.c - `ksim plot` (analysis/plot.c): figures from a run dataset.
 *
 * The figures are drawn from a real dataset written by ks_output_write, by
 * the real gnuplot.  Beyond "three PNGs appear", these tests pin what makes
 * the feature usable: the kept scripts rerun by hand, empty runs still give
 * figures, and a missing or failing gnuplot, or a bad input file, is a clear
 * error with no half-written PNG.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "analysis/output.h"
#include "analysis/plot.h"
#include "analysis/recorder.h"
#include "sim/cluster.h"
#include "sim/xalloc.h"
#include "tests/suites.h"
#include "tests/test_util.h"

#define GiB (1024LL * 1024 * 1024)
#define NPODS 40
#define UNSCHEDULED 3 /* the last pods never get a node */

static const char *const figures[] = {"allocation", "pending",
                                      "latency-cdf"};
#define NFIGURES 3

/* ---- fixtures ------------------------------------------------------------------ */

static char *fresh_path(const char *rel)
{
    char *p = ks_xstrdup(ks_test_tmp(rel));
    char *cmd = ks_xasprintf("rm -rf '%s'", p);
    ks_test_run(cmd, NULL, NULL);
    free(cmd);
    return p;
}

/* Pod i arrives at 240 i s, waits i*i/4 s for a node (0 s up to 6 min:
 * a spread that calls for a log axis) and runs 20 min; the run lasts 3 h,
 * sampled every 5 min. */
static ks_time pod_submit(int i) { return (ks_time)i * 240 * KS_SECOND; }
static ks_time pod_bind(int i)
{
    return pod_submit(i) + (ks_time)(i * i / 4) * KS_SECOND;
}

static void step_second(ks_cluster *c, ks_time t, uint32_t *ids)
{
    int64_t req[KS_RES_COUNT] = {500, GiB, 1};
    for (int i = 0; i < NPODS; i++) {
        if (pod_submit(i) == t)
            ids[i] = ks_cluster_add_pod(c, t, req, 20 * KS_MINUTE, 0,
                                        (uint32_t)i);
        if (i < NPODS - UNSCHEDULED && pod_bind(i) == t)
            ks_cluster_bind(c, ids[i], (uint32_t)i % 2, t);
        if (i < NPODS - UNSCHEDULED && pod_bind(i) + 20 * KS_MINUTE == t)
            ks_cluster_complete(c, ids[i], t);
    }
}

/* Writes a 3 h run to path (with no pods and no samples if empty). */
static int write_run(const char *path, int empty)
{
    static const char *const sources[] = {"web"};
    ks_cluster *c = ks_cluster_create();
    ks_recorder *rec = ks_recorder_create();
    int64_t alloc[KS_RES_COUNT] = {4000, 8 * GiB, 110};
    ks_cluster_add_node(c, "node-0", alloc, 0);
    ks_cluster_add_node(c, "node-1", alloc, 0);
    uint32_t ids[NPODS];
    for (ks_time t = 0; !empty && t <= 3 * KS_HOUR; t += KS_SECOND) {
        step_second(c, t, ids);
        if (t % (5 * KS_MINUTE) == 0)
            ks_recorder_sample(rec, c, t);
    }
    ks_run_info info = {
        .ksim_version = "0.1.0-test",
        .scenario_name = "plot-test",
        .scenario_path = "tests/plot.yaml",
        .scenario_text = "name: plot-test\n",
        .scenario_len = 16,
        .kubernetes_version = "v1.36",
        .seed = 1,
        .duration_s = 3 * 3600.0,
        .end_time_s = empty ? 0.0 : 3 * 3600.0,
        .events = 100,
        .source_names = sources,
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

static char *in_dir(const char *dir, const char *name, const char *ext)
{
    return ks_xasprintf("%s/%s%s", dir, name, ext);
}

/* A real PNG of some substance: the signature and more than a blank
 * canvas's bytes. */
static int is_png(const char *path)
{
    size_t n = 0;
    char *bytes = ks_test_read_file(path, &n);
    int ok = bytes && n > 2000 && memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0;
    free(bytes);
    return ok;
}

static int file_contains(const char *path, const char *needle)
{
    char *text = ks_test_read_file(path, NULL);
    int found = text && strstr(text, needle) != NULL;
    free(text);
    return found;
}

static void check_figures(const char *dir)
{
    for (int i = 0; i < NFIGURES; i++) {
        char *png = in_dir(dir, figures[i], ".png");
        char *tmp = in_dir(dir, figures[i], ".png.tmp");
        char *gp = in_dir(dir, figures[i], ".gp");
        char *dat = in_dir(dir, figures[i], ".dat");
        CU_ASSERT_TRUE(is_png(png));
        CU_ASSERT_FALSE(ks_test_file_exists(tmp));
        CU_ASSERT_TRUE(file_contains(gp, "set terminal pngcairo"));
        CU_ASSERT_TRUE(file_contains(gp, ".dat"));
        char *head = ks_test_read_file(dat, NULL);
        CU_ASSERT(head != NULL && head[0] == '#');
        free(head);
        free(png);
        free(tmp);
        free(gp);
        free(dat);
    }
}

static int no_png(const char *dir)
{
    int none = 1;
    for (int i = 0; i < NFIGURES; i++) {
        char *png = in_dir(dir, figures[i], ".png");
        char *tmp = in_dir(dir, figures[i], ".png.tmp");
        if (ks_test_file_exists(png) || ks_test_file_exists(tmp))
            none = 0;
        free(png);
        free(tmp);
    }
    return none;
}

static char *save_env(const char *name)
{
    const char *v = getenv(name);
    return v ? ks_xstrdup(v) : NULL;
}

static void restore_env(const char *name, char *old)
{
    if (old)
        setenv(name, old, 1);
    else
        unsetenv(name);
    free(old);
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_figures_from_dataset(void)
{
    char *h5 = fresh_path("plot-run.h5");
    char *top = fresh_path("plot-out");
    char *dir = ks_xasprintf("%s/nested/figs", top);
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run(h5, dir, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    check_figures(dir);
    /* A 3 h run is drawn in hours; units on every axis. */
    char *gp = in_dir(dir, "allocation", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "set xlabel 'Time (h)'"));
    CU_ASSERT_TRUE(file_contains(gp, "(% of allocatable)"));
    free(gp);
    gp = in_dir(dir, "latency-cdf", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "set logscale x"));
    CU_ASSERT_TRUE(file_contains(gp, "(s, log scale)"));
    CU_ASSERT_TRUE(file_contains(gp, "37 of 40 pods scheduled"));
    free(gp);
    char *dat = in_dir(dir, "allocation", ".dat");
    CU_ASSERT_TRUE(file_contains(dat, "# time[h] cpu_allocated[%]"));
    free(dat);
    free(dir);
    free(top);
    free(h5);
}

/* The kept script is self-contained: rerun by hand in its folder, it
 * redraws the figure. */
static void test_script_reruns_by_hand(void)
{
    char *h5 = fresh_path("plot-rerun.h5");
    char *dir = fresh_path("plot-rerun");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_plot_run(h5, dir, &err), 0);
    char *png = in_dir(dir, "pending", ".png");
    CU_ASSERT_EQUAL(unlink(png), 0);
    char *cmd = ks_xasprintf("cd '%s' && '%s' pending.gp", dir,
                             ks_plot_gnuplot_command());
    CU_ASSERT_EQUAL(ks_test_run(cmd, NULL, NULL), 0);
    CU_ASSERT_TRUE(is_png(png));
    free(cmd);
    free(png);
    free(dir);
    free(h5);
}

/* A run with no pods and no samples still gets its three figures, each
 * with a note instead of a gnuplot error. */
static void test_empty_run(void)
{
    char *h5 = fresh_path("plot-empty.h5");
    char *dir = fresh_path("plot-empty");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 1), 0);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run(h5, dir, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    check_figures(dir);
    char *gp = in_dir(dir, "latency-cdf", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "no pod was scheduled"));
    free(gp);
    free(dir);
    free(h5);
}

static void test_missing_gnuplot(void)
{
    char *h5 = fresh_path("plot-nognuplot.h5");
    char *dir = fresh_path("plot-nognuplot");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    char *old = save_env("KSIM_GNUPLOT");
    setenv("KSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
    CU_ASSERT_STRING_EQUAL(ks_plot_gnuplot_command(), "/nonexistent/gnuplot");
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run(h5, dir, &err);
    restore_env("KSIM_GNUPLOT", old);
    CU_ASSERT_EQUAL(rc, KS_EEXTERNAL);
    CU_ASSERT_EQUAL(err.code, KS_EEXTERNAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "gnuplot not found"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/nonexistent/gnuplot"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "KSIM_GNUPLOT"));
    CU_ASSERT_TRUE(no_png(dir));
    /* The scripts and data are there, to draw elsewhere. */
    char *gp = in_dir(dir, "allocation", ".gp");
    CU_ASSERT_TRUE(ks_test_file_exists(gp));
    free(gp);
    free(dir);
    free(h5);
}

/* gnuplot runs but fails: its exit status is in the message and no PNG,
 * not even a temporary one, is left. */
static void test_failing_gnuplot(void)
{
    char *h5 = fresh_path("plot-failing.h5");
    char *dir = fresh_path("plot-failing");
    char *fake = fresh_path("fake-gnuplot.sh");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    /* A "gnuplot" that starts the PNG, complains and fails. */
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(fake, "#!/bin/sh\n"
                                 "echo partial > allocation.png.tmp\n"
                                 "echo 'line 3: unknown terminal' >&2\n"
                                 "exit 3\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(chmod(fake, 0755), 0);
    char *old = save_env("KSIM_GNUPLOT");
    setenv("KSIM_GNUPLOT", fake, 1);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run(h5, dir, &err);
    restore_env("KSIM_GNUPLOT", old);
    CU_ASSERT_EQUAL(rc, KS_EEXTERNAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "gnuplot failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "exit status 3"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown terminal"));
    CU_ASSERT_TRUE(no_png(dir));
    free(fake);
    free(dir);
    free(h5);
}

static void test_bad_input(void)
{
    char *text = fresh_path("plot-not-hdf5.h5");
    char *dir = fresh_path("plot-bad");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(text, "just text\n"), 0);
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_plot_run(text, dir, &err), KS_EHDF5);
    CU_ASSERT(err.msg[0] != '\0');
    CU_ASSERT_TRUE(no_png(dir));
    char *missing = fresh_path("plot-missing.h5");
    CU_ASSERT_EQUAL(ks_plot_run(missing, dir, &err), KS_ENOENT);
    free(missing);
    free(dir);
    free(text);
}

static void test_gnuplot_command(void)
{
    char *old = save_env("KSIM_GNUPLOT");
    unsetenv("KSIM_GNUPLOT");
    const char *def = ks_plot_gnuplot_command();
    CU_ASSERT(def != NULL && def[0] != '\0');
    setenv("KSIM_GNUPLOT", "", 1);
    CU_ASSERT_STRING_EQUAL(ks_plot_gnuplot_command(), def);
    setenv("KSIM_GNUPLOT", "/opt/gp/bin/gnuplot", 1);
    CU_ASSERT_STRING_EQUAL(ks_plot_gnuplot_command(), "/opt/gp/bin/gnuplot");
    restore_env("KSIM_GNUPLOT", old);
}

/* No shell is involved: a folder name with spaces and quotes works. */
static void test_odd_folder_name(void)
{
    char *h5 = fresh_path("plot-odd.h5");
    char *dir = ks_xstrdup(ks_test_tmp("plot odd 'name' $x"));
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run(h5, dir, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL(rc, 0);
    char *png = in_dir(dir, "allocation", ".png");
    CU_ASSERT_TRUE(is_png(png));
    free(png);
    free(dir);
    free(h5);
}

void ks_suite_plot(void)
{
    static const ks_test_case cases[] = {
        {"figures from a dataset", test_figures_from_dataset},
        {"kept script reruns by hand", test_script_reruns_by_hand},
        {"empty run still plots", test_empty_run},
        {"missing gnuplot", test_missing_gnuplot},
        {"failing gnuplot", test_failing_gnuplot},
        {"bad input file", test_bad_input},
        {"gnuplot command", test_gnuplot_command},
        {"odd folder name", test_odd_folder_name},
        {NULL, NULL},
    };
    ks_test_add_suite("plot", cases);
}
