/* test_plot.c - `ksim plot` (analysis/plot*.c): figures of a run and of a
 * sweep.
 *
 * The figures are drawn by the real gnuplot, from datasets written by
 * ks_output_write (hand-made runs whose numbers are known) and from a real
 * run of a small scenario.  Beyond "the files appear", these tests pin what
 * makes the feature usable: every figure in every format is a valid file of
 * the paper-column size, the kept scripts rerun by hand and switch format
 * with one variable, the heatmap's numbers are right, empty runs still give
 * figures, the sweep bars carry the right means and intervals, and a
 * missing or failing gnuplot (or terminal), or a bad input, is a clear
 * error with no half-written figure.
 *
 * Owner: the figures helper (issue 4).
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
#include "analysis/plot_heatmap.h"
#include "analysis/recorder.h"
#include "analysis/simulate.h"
#include "scenarios/scenario.h"
#include "sim/cluster.h"
#include "sim/xalloc.h"
#include "tests/suites.h"
#include "tests/test_util.h"

#define GiB (1024LL * 1024 * 1024)
#define NPODS 40
#define UNSCHEDULED 3 /* the last pods never get a node */

void ks_suite_plot(void);

/* The figures of a run without /scheduler_plugins rows (write_run's). */
static const char *const figures[] = {"allocation",  "pending",
                                      "queues",      "latency-cdf",
                                      "startup-cdf", "node-heatmap"};
#define NFIGURES 6

/* ---- fixtures ------------------------------------------------------------ */

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

static void step_second(ks_cluster *c, ks_time t, uint32_t *ids,
                        int unscheduled)
{
    int64_t req[KS_RES_COUNT] = {500, GiB, 1};
    for (int i = 0; i < NPODS; i++) {
        if (pod_submit(i) == t)
            ids[i] = ks_cluster_add_pod(c, t, req, 20 * KS_MINUTE, 0,
                                        (uint32_t)i);
        if (i < NPODS - unscheduled && pod_bind(i) == t)
            ks_cluster_bind(c, ids[i], (uint32_t)i % 2, t);
        if (i < NPODS - unscheduled && pod_bind(i) + 20 * KS_MINUTE == t)
            ks_cluster_complete(c, ids[i], t);
    }
}

/* Writes a 3 h run to path (with no pods and no samples if empty) in which
 * the last `unscheduled` pods never get a node. */
static int write_run_n(const char *path, int empty, int unscheduled)
{
    static const char *const sources[] = {"web"};
    ks_cluster *c = ks_cluster_create();
    ks_recorder *rec = ks_recorder_create();
    int64_t alloc[KS_RES_COUNT] = {4000, 8 * GiB, 110};
    ks_cluster_add_node(c, "node-0", alloc, 0);
    ks_cluster_add_node(c, "node-1", alloc, 0);
    uint32_t ids[NPODS];
    for (ks_time t = 0; !empty && t <= 3 * KS_HOUR; t += KS_SECOND) {
        step_second(c, t, ids, unscheduled);
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

static int write_run(const char *path, int empty)
{
    return write_run_n(path, empty, UNSCHEDULED);
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

/* Bounds on a figure's bytes: more than an empty canvas, less than a
 * runaway file. */
#define FIGURE_MIN_BYTES 3000
#define FIGURE_MAX_BYTES (4 * 1024 * 1024)

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Whether needle occurs in bytes[0..n) (no memmem in POSIX). */
static int has_bytes(const char *bytes, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(bytes + i, needle, k) == 0)
            return 1;
    return 0;
}

/* A valid figure of the paper-column size in format ext: the format's
 * signature, its size (PNG 1050x720 px, SVG 336x230 px, PDF 252x172 pt,
 * i.e. 3.5in x 2.4in), a complete file and a plausible byte count. */
static int is_figure(const char *path, const char *ext)
{
    size_t n = 0;
    char *bytes = ks_test_read_file(path, &n);
    int ok = bytes && n > FIGURE_MIN_BYTES && n < FIGURE_MAX_BYTES;
    if (ok && strcmp(ext, "png") == 0) {
        const unsigned char *u = (const unsigned char *)bytes;
        ok = memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0 &&
             memcmp(bytes + 12, "IHDR", 4) == 0 && be32(u + 16) == 1050 &&
             be32(u + 20) == 720;
    } else if (ok && strcmp(ext, "svg") == 0) {
        char *svg = strstr(bytes, "<svg");
        ok = (strncmp(bytes, "<?xml", 5) == 0 || bytes == svg) && svg &&
             strstr(svg, "width=\"336\" height=\"230\"") &&
             strstr(svg, "</svg>");
    } else if (ok && strcmp(ext, "pdf") == 0) {
        ok = memcmp(bytes, "%PDF-", 5) == 0 &&
             has_bytes(bytes, n, "/MediaBox [ 0 0 252 172 ]") &&
             has_bytes(bytes + n - 8, 8, "%%EOF");
    } else if (ok) {
        ok = 0;
    }
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
        char *svg = in_dir(dir, figures[i], ".svg");
        CU_ASSERT_TRUE(is_png(png));
        CU_ASSERT_TRUE(is_figure(png, "png"));
        CU_ASSERT_FALSE(ks_test_file_exists(tmp));
        CU_ASSERT_FALSE(ks_test_file_exists(svg)); /* PNG only by default */
        free(svg);
        CU_ASSERT_TRUE(file_contains(gp, "set terminal pngcairo"));
        CU_ASSERT_TRUE(file_contains(gp, "if (!exists(\"fmt\")) fmt = 'png'"));
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

/* ---- tests --------------------------------------------------------------- */

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

/* ---- every figure from a real run, in every format ----------------------- */

/* A small real run: 3 nodes of 2 CPUs, 60 pods arriving faster than they
 * fit, so pods wait in the queues, some stay pending and NodeResourcesFit
 * rejects nodes. */
static const char real_scenario[] =
    "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: plot-real}\n"
    "spec:\n  seed: 7\n  duration: 10m\n  metrics: {interval: 10s}\n"
    "  cluster:\n    nodePools:\n"
    "      - {name: n, count: 3, allocatable: {cpu: \"2\", memory: 8Gi,"
    " pods: \"20\"}}\n"
    "  workloads:\n    - generator:\n        name: batch\n"
    "        arrivals: {rate: 1/s}\n        count: 60\n"
    "        duration: {dist: exponential, mean: 2m}\n"
    "        template: {requests: {cpu: 500m, memory: 1Gi}}\n";

static const char *const real_figures[] = {
    "allocation",  "pending",      "queues",           "latency-cdf",
    "startup-cdf", "node-heatmap", "plugin-rejections"};
#define NREAL (sizeof real_figures / sizeof real_figures[0])

static int simulate_real_run(const char *h5)
{
    ks_scenario *sc = NULL;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_scenario_load_buffer(real_scenario, strlen(real_scenario),
                                     "plot-real.yaml", &sc, &err);
    ks_simulate_options o = {.force = 1, .ksim_version = "0.1.0-test"};
    if (rc == 0)
        rc = ks_simulate_to_file(sc, &o, h5, NULL, &err);
    if (rc)
        ks_error_print(&err, stderr);
    ks_scenario_destroy(sc);
    return rc;
}

static void test_every_figure_every_format(void)
{
    char *h5 = fresh_path("plot-real.h5");
    char *dir = fresh_path("plot-real");
    CU_ASSERT_EQUAL_FATAL(simulate_real_run(h5), 0);
    ks_plot_options opt = {KS_PLOT_FORMATS_ALL, NULL, 0};
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run_with(h5, dir, &opt, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL(rc, 0);
    static const char *const exts[] = {"png", "svg", "pdf"};
    for (size_t i = 0; i < NREAL; i++) {
        for (int k = 0; k < 3; k++) {
            char *ext = ks_xasprintf(".%s", exts[k]);
            char *fig = in_dir(dir, real_figures[i], ext);
            char *tmp = ks_xasprintf("%s.tmp", fig);
            if (!is_figure(fig, exts[k]))
                fprintf(stderr, "\nnot a valid figure: %s\n", fig);
            CU_ASSERT_TRUE(is_figure(fig, exts[k]));
            CU_ASSERT_FALSE(ks_test_file_exists(tmp));
            free(tmp);
            free(fig);
            free(ext);
        }
    }
    /* The real run fills the queues and rejects nodes: the figures show
     * data, not notes. */
    char *dat = in_dir(dir, "plugin-rejections", ".dat");
    CU_ASSERT_TRUE(file_contains(dat, "\"NodeResourcesFit\" "));
    free(dat);
    char *gp = in_dir(dir, "queues", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "title 'unschedulable'"));
    CU_ASSERT_FALSE(file_contains(gp, "no metrics samples"));
    free(gp);
    gp = in_dir(dir, "allocation", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "title 'Pod slots'"));
    free(gp);
    free(dir);
    free(h5);
}

/* The kept script switches format through its fmt variable, and refuses
 * an unknown one with a message. */
static void test_script_switches_format(void)
{
    char *h5 = fresh_path("plot-fmt.h5");
    char *dir = fresh_path("plot-fmt");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_plot_run(h5, dir, &err), 0);
    char *cmd = ks_xasprintf("cd '%s' && '%s' -e \"fmt='pdf'\" pending.gp",
                             dir, ks_plot_gnuplot_command());
    CU_ASSERT_EQUAL(ks_test_run(cmd, NULL, NULL), 0);
    char *pdf = in_dir(dir, "pending", ".pdf");
    CU_ASSERT_TRUE(is_figure(pdf, "pdf"));
    free(pdf);
    free(cmd);
    cmd = ks_xasprintf("cd '%s' && '%s' -e \"fmt='gif'\" pending.gp", dir,
                       ks_plot_gnuplot_command());
    char *out = NULL, *errout = NULL;
    CU_ASSERT_NOT_EQUAL(ks_test_run(cmd, &out, &errout), 0);
    CU_ASSERT_PTR_NOT_NULL(errout ? strstr(errout, "unknown fmt 'gif'")
                                  : NULL);
    free(out);
    free(errout);
    free(cmd);
    free(dir);
    free(h5);
}

/* A gnuplot without pdfcairo: the real gnuplot, fed scripts that see a
 * terminal list without it.  PDF fails with a message naming the terminal
 * and leaves nothing; PNG from the same gnuplot still works. */
static void test_missing_terminal(void)
{
    char *h5 = fresh_path("plot-noterm.h5");
    char *dir = fresh_path("plot-noterm");
    char *fake = fresh_path("gnuplot-nopdf.sh");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    char *script = ks_xasprintf(
        "#!/bin/sh\n"
        "# runs %s on copies of the scripts that see no pdfcairo\n"
        "i=0\nfor a in \"$@\"; do\n"
        "  case \"$a\" in *.gp) i=$((i+1)); sed "
        "\"s/GPVAL_TERMINALS/'pngcairo png svg'/g\" \"$a\" > \".nopdf$i.gp\";"
        " a=\".nopdf$i.gp\";; esac\n"
        "  set -- \"$@\" \"$a\"; shift\ndone\nexec '%s' \"$@\"\n",
        ks_plot_gnuplot_command(), ks_plot_gnuplot_command());
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(fake, script), 0);
    CU_ASSERT_EQUAL_FATAL(chmod(fake, 0755), 0);
    char *old = save_env("KSIM_GNUPLOT");
    setenv("KSIM_GNUPLOT", fake, 1);
    ks_plot_options opt = {KS_PLOT_PDF, NULL, 0};
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run_with(h5, dir, &opt, &err);
    CU_ASSERT_EQUAL(rc, KS_EEXTERNAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no pdfcairo terminal"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "gnuplot-nox"));
    char *pdf = in_dir(dir, "allocation", ".pdf");
    char *tmp = in_dir(dir, "allocation", ".pdf.tmp");
    CU_ASSERT_FALSE(ks_test_file_exists(pdf));
    CU_ASSERT_FALSE(ks_test_file_exists(tmp));
    opt.formats = KS_PLOT_PNG;
    rc = ks_plot_run_with(h5, dir, &opt, &err);
    restore_env("KSIM_GNUPLOT", old);
    CU_ASSERT_EQUAL(rc, 0);
    char *png = in_dir(dir, "allocation", ".png");
    CU_ASSERT_TRUE(is_figure(png, "png"));
    free(png);
    free(tmp);
    free(pdf);
    free(script);
    free(fake);
    free(dir);
    free(h5);
}

static void test_parse_formats(void)
{
    unsigned f = 0;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_plot_parse_formats("png", &f, &err), 0);
    CU_ASSERT_EQUAL(f, KS_PLOT_PNG);
    CU_ASSERT_EQUAL(ks_plot_parse_formats("svg, pdf", &f, &err), 0);
    CU_ASSERT_EQUAL(f, KS_PLOT_SVG | KS_PLOT_PDF);
    CU_ASSERT_EQUAL(ks_plot_parse_formats("all", &f, &err), 0);
    CU_ASSERT_EQUAL(f, KS_PLOT_FORMATS_ALL);
    f = 99;
    CU_ASSERT_EQUAL(ks_plot_parse_formats("png,jpeg", &f, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(f, 99); /* untouched on error */
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'jpeg'"));
    CU_ASSERT_EQUAL(ks_plot_parse_formats("", &f, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_plot_parse_formats("png,", &f, &err), KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(ks_plot_format_ext(KS_PLOT_SVG), "svg");
    CU_ASSERT_PTR_NULL(ks_plot_format_ext(KS_PLOT_PNG | KS_PLOT_PDF));
}

/* ---- the heatmap's numbers ----------------------------------------------- */

static ks_pod_row pod_on(int32_t node, double scheduled, double end,
                         int64_t cpu)
{
    ks_pod_row p;
    memset(&p, 0, sizeof p);
    p.submit = 0;
    p.scheduled = scheduled;
    p.start = scheduled;
    p.end = end;
    p.node = node;
    p.cpu_request = cpu;
    return p;
}

/* 100 s in 4 bins of 25 s over 2 nodes (1000m and 2000m):
 *   node 0: 500m over [10, 60)    -> bins 15/25, 25/25, 10/25 of 50 %
 *           250m over [0, end)    -> 25 % throughout (NaN end)
 *   node 1: 2000m over [90, 300)  -> clipped to [90, 100): 10/25 of 100 %
 * and pods that must not count: never scheduled, on no node, on a node
 * that does not exist, without a CPU request, ending before they start. */
static void test_heatmap_known_cells(void)
{
    ks_node_row nodes[2];
    memset(nodes, 0, sizeof nodes);
    nodes[0].cpu_allocatable = 1000;
    nodes[1].cpu_allocatable = 2000;
    ks_pod_row pods[] = {
        pod_on(0, 10, 60, 500),   pod_on(0, 0, NAN, 250),
        pod_on(1, 90, 300, 2000), pod_on(0, NAN, NAN, 700),
        pod_on(-1, 5, 50, 700),   pod_on(7, 5, 50, 700),
        pod_on(1, 5, 50, 0),      pod_on(1, 50, 40, 700),
    };
    ks_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.nodes = nodes;
    ds.nnodes = 2;
    ds.pods = pods;
    ds.npods = sizeof pods / sizeof pods[0];
    ks_heatmap *hm = NULL;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_heatmap_build(&ds, 100.0, 4, 10, &hm, &err), 0);
    CU_ASSERT_EQUAL(hm->ncols, 4);
    CU_ASSERT_EQUAL(hm->nrows, 2);
    const double row0[4] = {0.25 + 0.5 * 15 / 25, 0.25 + 0.5,
                            0.25 + 0.5 * 10 / 25, 0.25};
    const double row1[4] = {0, 0, 0, 1.0 * 10 / 25};
    for (size_t c = 0; c < 4; c++) {
        CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 0, c), row0[c], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 1, c), row1[c], 1e-12);
    }
    CU_ASSERT_TRUE(isnan(ks_heatmap_at(hm, 2, 0)));
    CU_ASSERT_TRUE(isnan(ks_heatmap_at(hm, 0, 4)));
    ks_heatmap_destroy(hm);
}

/* More nodes than rows: 5 nodes into at most 2 rows, of 3 and 2 nodes,
 * each row's value over the row's allocatable; 7 nodes into at most 3
 * rows: 3 rows of 3, 3 and 1; a row with nothing allocatable is 0. */
static void test_heatmap_row_bins(void)
{
    ks_node_row nodes[7];
    memset(nodes, 0, sizeof nodes);
    for (int i = 0; i < 7; i++)
        nodes[i].cpu_allocatable = 1000;
    ks_pod_row pods[] = {
        pod_on(0, 0, NAN, 1000), /* row 0: 1000 of 3000 */
        pod_on(4, 0, 30, 1500),  /* row 1: 1500 of 2000, half the time */
    };
    ks_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.nodes = nodes;
    ds.nnodes = 5;
    ds.pods = pods;
    ds.npods = 2;
    ks_heatmap *hm = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_heatmap_build(&ds, 60.0, 1, 2, &hm, NULL), 0);
    CU_ASSERT_EQUAL(hm->nrows, 2);
    CU_ASSERT_EQUAL(hm->row_first[0], 0);
    CU_ASSERT_EQUAL(hm->row_first[1], 3);
    CU_ASSERT_EQUAL(hm->row_first[2], 5);
    CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 0, 0), 1.0 / 3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 1, 0), 0.375, 1e-12);
    ks_heatmap_destroy(hm);
    ds.nnodes = 7;
    CU_ASSERT_EQUAL_FATAL(ks_heatmap_build(&ds, 60.0, 1, 3, &hm, NULL), 0);
    CU_ASSERT_EQUAL(hm->nrows, 3);
    CU_ASSERT_EQUAL(hm->row_first[1], 3);
    CU_ASSERT_EQUAL(hm->row_first[2], 6);
    CU_ASSERT_EQUAL(hm->row_first[3], 7);
    CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 1, 0), 1500.0 / 3000 / 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 2, 0), 0.0, 0);
    ks_heatmap_destroy(hm);
    ds.nnodes = 5;
    /* Nothing allocatable: 0, not a division by zero. */
    for (int i = 0; i < 7; i++)
        nodes[i].cpu_allocatable = 0;
    CU_ASSERT_EQUAL_FATAL(ks_heatmap_build(&ds, 60.0, 3, 200, &hm, NULL), 0);
    CU_ASSERT_EQUAL(hm->nrows, 5);
    CU_ASSERT_DOUBLE_EQUAL(ks_heatmap_at(hm, 0, 0), 0.0, 0);
    ks_heatmap_destroy(hm);
}

static void test_heatmap_edges(void)
{
    ks_dataset ds;
    memset(&ds, 0, sizeof ds);
    ks_heatmap *hm = NULL;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_heatmap_build(&ds, 10.0, 0, 5, &hm, &err), KS_EINVAL);
    CU_ASSERT_PTR_NULL(hm);
    CU_ASSERT_EQUAL(ks_heatmap_build(&ds, NAN, 5, 5, &hm, &err), KS_EINVAL);
    /* No nodes, or a run of no length: an empty map. */
    CU_ASSERT_EQUAL_FATAL(ks_heatmap_build(&ds, 10.0, 5, 5, &hm, &err), 0);
    CU_ASSERT_EQUAL(hm->nrows, 0);
    ks_heatmap_destroy(hm);
    ks_node_row node;
    memset(&node, 0, sizeof node);
    node.cpu_allocatable = 1000;
    ds.nodes = &node;
    ds.nnodes = 1;
    CU_ASSERT_EQUAL_FATAL(ks_heatmap_build(&ds, 0.0, 5, 5, &hm, &err), 0);
    CU_ASSERT_EQUAL(hm->ncols, 0);
    CU_ASSERT_EQUAL(hm->nrows, 1);
    ks_heatmap_destroy(hm);
    ks_heatmap_destroy(NULL);
}

/* The figure's data file carries the same numbers, in %, one block per
 * node: write_run binds pods alternately on its 2 nodes of 4000m. */
static void test_heatmap_figure_data(void)
{
    char *h5 = fresh_path("plot-heat.h5");
    char *dir = fresh_path("plot-heat");
    CU_ASSERT_EQUAL_FATAL(write_run(h5, 0), 0);
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_plot_run(h5, dir, &err), 0);
    char *dat = in_dir(dir, "node-heatmap", ".dat");
    char *text = ks_test_read_file(dat, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "# time[h] node[index] "
                                        "cpu_allocated[%]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "# row 1: node 1 (node-1)"));
    /* 200 bins x 2 rows; values between 0 and 100 %, some non-zero. */
    size_t lines = 0, nonzero = 0;
    int in_range = 1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        double t, v, node;
        if (sscanf(line, "%lf %lf %lf", &t, &node, &v) != 3)
            continue;
        lines++;
        nonzero += v > 0;
        in_range &= v >= 0 && v <= 100 && t > 0 && t < 3 &&
                    (node == 0 || node == 1);
    }
    CU_ASSERT_EQUAL(lines, 400);
    CU_ASSERT_TRUE(nonzero > 0);
    CU_ASSERT_TRUE(in_range);
    char *gp = in_dir(dir, "node-heatmap", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "with image"));
    CU_ASSERT_TRUE(file_contains(gp, "set ytics ('node-0' 0, 'node-1' 1)"));
    free(gp);
    free(text);
    free(dat);
    free(dir);
    free(h5);
}

/* ---- sweep figures ------------------------------------------------------- */

/* A sweep folder of 7 runs: policy=default with 3 replications of 37/40
 * pods scheduled, policy=fgd with 40/40, 38/40 and 36/40, and a failed
 * fourth fgd replication without a file. */
static void write_sweep(const char *dir)
{
    static const int unscheduled[2][3] = {{3, 3, 3}, {0, 2, 4}};
    static const char *const policy[2] = {"default", "fgd"};
    char *runs = ks_xasprintf("%s/runs", dir);
    char *cmd = ks_xasprintf("mkdir -p '%s'", runs);
    CU_ASSERT_EQUAL_FATAL(ks_test_run(cmd, NULL, NULL), 0);
    char *index = ks_xstrdup("run_id,file,policy,replication,seed,status,"
                             "wall_time_s\n");
    for (int g = 0; g < 2; g++) {
        for (int r = 0; r < 3; r++) {
            char *file = ks_xasprintf("runs/p%04d-r%02d.h5", g, r);
            char *path = ks_xasprintf("%s/%s", dir, file);
            CU_ASSERT_EQUAL_FATAL(write_run_n(path, 0, unscheduled[g][r]), 0);
            char *next = ks_xasprintf("%sp%04d-r%02d,%s,%s,%d,%d,ok,0.5\n",
                                      index, g, r, file, policy[g], r, r + 1);
            free(index);
            index = next;
            free(path);
            free(file);
        }
    }
    char *next = ks_xasprintf("%sp0001-r03,runs/p0001-r03.h5,fgd,3,4,"
                              "\"failed: boom, really\",0.1\n",
                              index);
    free(index);
    index = next;
    char *path = ks_xasprintf("%s/index.csv", dir);
    CU_ASSERT_EQUAL(ks_test_write_file(path, index), 0);
    free(path);
    free(index);
    free(cmd);
    free(runs);
}

/* The data line of a group in a bars .dat: "G "label" mean lo hi n". */
static int bars_line(const char *text, int group, double *mean, double *lo,
                     double *hi, int *n)
{
    char key[32];
    snprintf(key, sizeof key, "\n%d \"", group);
    const char *line = strstr(text, key);
    if (!line)
        return 0;
    const char *after = strchr(strchr(line + 1, '"') + 1, '"');
    return after && sscanf(after + 1, "%lf %lf %lf %d", mean, lo, hi, n) == 4;
}

static void test_sweep_figures(void)
{
    char *sweep = fresh_path("plot-sweep");
    write_sweep(sweep);
    CU_ASSERT_TRUE(ks_plot_is_sweep(sweep));
    char *h5 = ks_xasprintf("%s/runs/p0000-r00.h5", sweep);
    CU_ASSERT_FALSE(ks_plot_is_sweep(h5));
    free(h5);
    char *out = ks_xasprintf("%s/figures", sweep);
    static const char *const metrics[] = {"scheduled_fraction",
                                          "latency_p99_s"};
    ks_plot_options opt = {KS_PLOT_PNG | KS_PLOT_PDF, metrics, 2};
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_sweep(sweep, out, &opt, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    static const char *const figs[] = {
        "bars-scheduled_fraction", "box-scheduled_fraction",
        "bars-latency_p99_s", "box-latency_p99_s"};
    for (int i = 0; i < 4; i++) {
        char *png = in_dir(out, figs[i], ".png");
        char *pdf = in_dir(out, figs[i], ".pdf");
        CU_ASSERT_TRUE(is_figure(png, "png"));
        CU_ASSERT_TRUE(is_figure(pdf, "pdf"));
        free(pdf);
        free(png);
    }
    /* Means and 95% t intervals: default 0.925 x3 (no spread); fgd 1.0,
     * 0.95, 0.9: mean 0.95, sd 0.05, half-width t_{2,0.975} 0.05/sqrt(3)
     * = 4.302652729749464 * 0.05 / 1.7320508075688772. */
    char *dat = in_dir(out, "bars-scheduled_fraction", ".dat");
    char *text = ks_test_read_file(dat, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    double mean = 0, lo = 0, hi = 0;
    int n = 0;
    CU_ASSERT_TRUE(bars_line(text, 1, &mean, &lo, &hi, &n));
    CU_ASSERT_DOUBLE_EQUAL(mean, 0.925, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.925, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.925, 1e-9);
    CU_ASSERT_EQUAL(n, 3);
    double half = 4.302652729749464 * 0.05 / 1.7320508075688772;
    CU_ASSERT_TRUE(bars_line(text, 2, &mean, &lo, &hi, &n));
    CU_ASSERT_DOUBLE_EQUAL(mean, 0.95, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.95 - half, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.95 + half, 1e-7);
    CU_ASSERT_EQUAL(n, 3); /* the failed run has no value */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "2 \"fgd\" "));
    free(text);
    free(dat);
    /* The box data: fgd's quartiles of {1.0, 0.95, 0.9} (type 7: 0.925,
     * 0.95, 0.975), whiskers at the extremes; then one line per
     * replication with a value (6).  The scripts name the parameter and
     * the failed run. */
    dat = in_dir(out, "box-scheduled_fraction", ".dat");
    text = ks_test_read_file(dat, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "\n2 \"fgd\" 0.9 0.925 0.95 0.975 1 3\n"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "\n1 \"default\" 0.925 0.925 0.925 0.925 0.925 3\n"));
    char *values_block = strstr(text, "\n\n\n# group[index] replication");
    CU_ASSERT_PTR_NOT_NULL_FATAL(values_block);
    size_t values = 0;
    for (char *line = strtok(values_block, "\n"); line;
         line = strtok(NULL, "\n"))
        values += line[0] != '#';
    CU_ASSERT_EQUAL(values, 6);
    free(text);
    free(dat);
    char *gp = in_dir(out, "box-scheduled_fraction", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "with candlesticks"));
    CU_ASSERT_TRUE(file_contains(gp, "set xlabel 'policy'"));
    CU_ASSERT_TRUE(file_contains(gp, "('default' 1, 'fgd' 2)"));
    CU_ASSERT_TRUE(file_contains(gp, "1 failed run left out"));
    free(gp);
    gp = in_dir(out, "bars-scheduled_fraction", ".gp");
    CU_ASSERT_TRUE(file_contains(gp, "with yerrorbars"));
    CU_ASSERT_TRUE(file_contains(gp, "scheduled_fraction (fraction)"));
    free(gp);
    free(out);
    free(sweep);
}

/* Default metrics, an unknown metric, a folder that is no sweep. */
static void test_sweep_errors_and_defaults(void)
{
    char *sweep = fresh_path("plot-sweep2");
    write_sweep(sweep);
    char *out = ks_xasprintf("%s/figs", sweep);
    static const char *const bad[] = {"scheduled_fraction", "nonsense_s"};
    ks_plot_options opt = {KS_PLOT_PNG, bad, 2};
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_plot_sweep(sweep, out, &opt, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown metric 'nonsense_s'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "latency_p99_s"));
    CU_ASSERT_FALSE(ks_test_file_exists(out));
    /* Defaults, drawn by a missing gnuplot: the data and scripts of every
     * default metric are written, then the usual clear error. */
    char *old = save_env("KSIM_GNUPLOT");
    setenv("KSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
    int rc = ks_plot_sweep(sweep, out, NULL, &err);
    restore_env("KSIM_GNUPLOT", old);
    CU_ASSERT_EQUAL(rc, KS_EEXTERNAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "gnuplot not found"));
    static const char *const defaults[] = {"latency_p99_s", "cpu_alloc_mean",
                                           "scheduled_fraction",
                                           "pending_mean"};
    for (int i = 0; i < 4; i++) {
        char *name = ks_xasprintf("bars-%s", defaults[i]);
        char *gp = in_dir(out, name, ".gp");
        char *png = in_dir(out, name, ".png");
        CU_ASSERT_TRUE(ks_test_file_exists(gp));
        CU_ASSERT_FALSE(ks_test_file_exists(png));
        free(png);
        free(gp);
        free(name);
    }
    /* Every run failed: the figures are drawn, with a note. */
    char *failed = fresh_path("plot-sweep-failed");
    CU_ASSERT_EQUAL_FATAL(mkdir(failed, 0777), 0);
    char *index = ks_xasprintf("%s/index.csv", failed);
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(index,
                           "run_id,file,policy,replication,seed,status,"
                           "wall_time_s\n"
                           "a,runs/a.h5,x,0,1,failed: no,0\n"
                           "b,runs/b.h5,y,0,1,failed: no,0\n"),
        0);
    char *fout = ks_xasprintf("%s/figures", failed);
    static const char *const one[] = {"latency_p99_s"};
    ks_plot_options opt1 = {KS_PLOT_PNG, one, 1};
    rc = ks_plot_sweep(failed, fout, &opt1, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL(rc, 0);
    char *png = in_dir(fout, "box-latency_p99_s", ".png");
    char *gp = in_dir(fout, "bars-latency_p99_s", ".gp");
    CU_ASSERT_TRUE(is_figure(png, "png"));
    CU_ASSERT_TRUE(file_contains(gp, "no run of the sweep has this metric"));
    CU_ASSERT_TRUE(file_contains(gp, "2 failed runs left out"));
    free(gp);
    free(png);
    free(fout);
    free(index);
    free(failed);
    /* Not a sweep folder: the runset's error, nothing drawn. */
    char *empty = fresh_path("plot-not-a-sweep");
    CU_ASSERT_FALSE(ks_plot_is_sweep(empty));
    CU_ASSERT_NOT_EQUAL(ks_plot_sweep(empty, out, NULL, &err), 0);
    CU_ASSERT(err.msg[0] != '\0');
    free(empty);
    free(out);
    free(sweep);
}

/* A GPU sweep (the short FGD experiment, 2 policies x 2 seeds): the
 * gpu-unallocated figure, 131 rows of medians and quartiles per group. */
static void test_sweep_gpu_figure(void)
{
    char dir[4096], sweep[4200];
    snprintf(dir, sizeof dir, "%s", ks_test_tmp("gpu-sweep"));
    char *cmd = ks_xasprintf("rm -rf '%s'", dir);
    ks_test_run(cmd, NULL, NULL);
    free(cmd);
    mkdir(dir, 0777);
    snprintf(sweep, sizeof sweep, "%s/s.yaml", dir);
    char *text = ks_xasprintf(
        "apiVersion: ksim.dev/v1\nkind: Sweep\nmetadata: {name: g}\n"
        "spec:\n  scenario: '%s'\n  replications: 2\n  parameters:\n"
        "    - name: policy\n      sets:\n"
        "        FGD: {scheduler.config: fgd/fgd.yaml}\n"
        "        Random: {scheduler.config: fgd/random.yaml}\n",
        ks_test_src("scenarios/examples/fgd-openb-short.yaml"));
    ks_test_write_file(sweep, text);
    free(text);
    char *out = ks_xasprintf("%s/out", dir);
    cmd = ks_xasprintf("'%s' sweep '%s' -o '%s' >/dev/null 2>&1",
                       ks_test_ksim(), sweep, out);
    CU_ASSERT_EQUAL_FATAL(ks_test_run(cmd, NULL, NULL), 0);
    free(cmd);
    char *figs = ks_xasprintf("%s/figures", out);
    ks_plot_options opt = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_plot_sweep(out, figs, &opt, &err), 0);
    char *png = ks_xasprintf("%s/gpu-unallocated.png", figs);
    CU_ASSERT_TRUE(is_png(png));
    char *dat = ks_xasprintf("%s/gpu-unallocated.dat", figs);
    char *d = ks_test_read_file(dat, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    size_t rows = 0;
    for (char *line = strtok(d, "\n"); line; line = strtok(NULL, "\n"))
        if (line[0] != '#') {
            rows++;
            /* arrived + 3 columns per group (2 groups) */
            int fields = 0;
            for (char *t = line; *t;) {
                while (*t == ' ')
                    t++;
                if (!*t)
                    break;
                fields++;
                while (*t && *t != ' ')
                    t++;
            }
            CU_ASSERT_EQUAL(fields, 7);
        }
    CU_ASSERT_EQUAL(rows, 131);
    free(d);
    free(dat);
    free(png);
    free(figs);
    free(out);
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
        {"every figure in every format", test_every_figure_every_format},
        {"kept script switches format", test_script_switches_format},
        {"missing terminal", test_missing_terminal},
        {"format lists", test_parse_formats},
        {"heatmap cells", test_heatmap_known_cells},
        {"heatmap row bins", test_heatmap_row_bins},
        {"heatmap edges", test_heatmap_edges},
        {"heatmap figure data", test_heatmap_figure_data},
        {"sweep figures", test_sweep_figures},
        {"sweep errors and defaults", test_sweep_errors_and_defaults},
        {"GPU sweep figure", test_sweep_gpu_figure},
        {NULL, NULL},
    };
    ks_test_add_suite("plot", cases);
}
