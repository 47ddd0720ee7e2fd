/* test_report.c - run sets and `ksim report` (analysis/runset.c,
 * analysis/report.c, cli/cmd_report.c).
 *
 * The fixture is a fake sweep folder built in the test's scratch space:
 * index.csv plus one small HDF5 run per row, written with ks_output_write.
 * Each run has one pod whose scheduling latency is chosen, so the metric
 * latency_mean_s of a run is exactly that number:
 *
 *   policy   nodes   rep 0   rep 1    rep 2
 *   default  10      1.0     2.0      3.0
 *   fgd      10      0.5     1.5      2.0
 *   default  20      2.0     4.0      6.0
 *   fgd      20      1.0     failed   5.0
 *
 * Expected statistics were computed with Python 3's statistics module and
 * the t quantiles of test_stats.c (t_{2,0.975} = 4.302652729749464,
 * t_{1,0.975} = 12.706204736174696):
 *   default,10: mean 2, sd 1, half-width 4.302653 / sqrt(3) = 2.484138;
 *   fgd,10 - default,10 = {-0.5, -0.5, -1}: mean -2/3,
 *     sd 0.28867513459481287, half-width 0.717108, rel -1/3;
 *   fgd,20 - default,20 over replications 0 and 2 = {-1, -1}: mean -1, sd 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "analysis/metrics.h"
#include "analysis/output.h"
#include "analysis/recorder.h"
#include "analysis/report.h"
#include "analysis/runset.h"
#include "sim/cluster.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_report(void);

#define GiB (1024LL * 1024 * 1024)
#define T2 4.302652729749464

/* ---- fixtures ------------------------------------------------------------ */

static char *tmp(const char *rel)
{
    return ks_xstrdup(ks_test_tmp(rel));
}

static void sh(const char *fmt, const char *arg)
{
    char *cmd = ks_xasprintf(fmt, arg);
    ks_test_run(cmd, NULL, NULL);
    free(cmd);
}

/* A run with one pod bound latency seconds after its submission. */
static int write_run(const char *path, const char *scenario, double latency,
                     uint64_t seed)
{
    static const char *const sources[] = {"w"};
    ks_cluster *c = ks_cluster_create();
    int64_t alloc[KS_RES_COUNT] = {4000, 8 * GiB, 110};
    int64_t req[KS_RES_COUNT] = {1000, 1 * GiB, 1};
    ks_cluster_add_node(c, "n0", alloc, 0);
    uint32_t p = ks_cluster_add_pod(c, KS_SECOND, req, KS_HOUR, 0, 0);
    ks_cluster_bind(c, p, 0, KS_SECOND + (ks_time)(latency * 1e9));
    ks_recorder *rec = ks_recorder_create();
    ks_recorder_sample(rec, c, 0);
    ks_recorder_sample(rec, c, 100 * KS_SECOND);
    ks_run_info info = {
        .ksim_version = "test", .scenario_name = scenario,
        .scenario_path = "s.yaml", .scenario_text = "s", .scenario_len = 1,
        .kubernetes_version = "v1.36", .seed = seed, .duration_s = 100,
        .end_time_s = 100, .events = 1, .source_names = sources,
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

static const char *const policies[] = {"default", "fgd"};
static const char *const nodes[] = {"10", "20"};
/* latency[nodes][policy][rep]; NAN marks the failed run. */
static const double latencies[2][2][3] = {
    {{1.0, 2.0, 3.0}, {0.5, 1.5, 2.0}},
    {{2.0, 4.0, 6.0}, {1.0, NAN, 5.0}},
};

/* Builds the sweep folder; returns its path (free it). Rows are in
 * nodes-major order, so groups appear as default,10  fgd,10  default,20
 * fgd,20. */
static char *make_sweep(const char *name)
{
    char *dir = tmp(name);
    sh("rm -rf '%s'", dir);
    char *runs = ks_xasprintf("%s/runs", dir);
    sh("mkdir -p '%s'", runs);
    char *index = ks_xasprintf("%s/index.csv", dir);
    FILE *f = fopen(index, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("run_id,file,policy,nodes,replication,seed,status,wall_time_s\n",
          f);
    int point = 0;
    for (int n = 0; n < 2; n++)
        for (int p = 0; p < 2; p++, point++)
            for (int r = 0; r < 3; r++) {
                double lat = latencies[n][p][r];
                char *file = ks_xasprintf("runs/p%04d-r%02d.h5", point, r);
                char *path = ks_xasprintf("%s/%s", dir, file);
                if (isnan(lat))
                    fprintf(f, "p%04d-r%02d,%s,%s,%s,%d,%d,\"failed: "
                               "node \"\"x\"\" crashed, badly\",0.5\n",
                            point, r, file, policies[p], nodes[n], r, 100 + r);
                else
                    fprintf(f, "p%04d-r%02d,%s,%s,%s,%d,%d,ok,1.25\n", point,
                            r, file, policies[p], nodes[n], r, 100 + r);
                if (!isnan(lat))
                    CU_ASSERT_EQUAL(write_run(path, "sweep", lat,
                                              (uint64_t)(100 + r)),
                                    0);
                free(file);
                free(path);
            }
    fclose(f);
    free(index);
    free(runs);
    return dir;
}

static ks_runset *load_sweep(const char *name, char **dir_out)
{
    char *dir = make_sweep(name);
    ks_runset *rs = NULL;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_runset_load_dir(dir, &rs, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL(rc, 0);
    if (dir_out)
        *dir_out = dir;
    else
        free(dir);
    return rs;
}

/* The report of rs with o, as a string. */
static char *report_string(const ks_runset *rs, const ks_report_options *o,
                           int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ks_error err;
    ks_error_clear(&err);
    *rc = ks_report_write(rs, o, f, &err);
    fclose(f);
    return buf;
}

/* ---- CSV reading for the checks ------------------------------------------ */

/* Splits one CSV line (RFC 4180 quotes) into at most max fields, written
 * into a scratch buffer; returns the count. */
static size_t split_csv(const char *line, char **fields, size_t max,
                        char *buf)
{
    size_t n = 0;
    const char *p = line;
    char *o = buf;
    while (n < max) {
        fields[n++] = o;
        if (*p == '"') {
            p++;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *o++ = *p++;
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',' && *p != '\n')
                *o++ = *p++;
        }
        *o++ = '\0';
        if (*p != ',')
            break;
        p++;
    }
    return n;
}

/* Column index of name in the header line. */
static int csv_col(const char *header, const char *name)
{
    char *fields[64];
    char buf[2048];
    size_t n = split_csv(header, fields, 64, buf);
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i], name) == 0)
            return (int)i;
    return -1;
}

/* The value in column col of the row for group and metric ("" if none). */
static double csv_value(const char *csv, const char *group,
                        const char *metric, const char *col)
{
    const char *nl = strchr(csv, '\n');
    char header[2048];
    snprintf(header, sizeof header, "%.*s", (int)(nl - csv), csv);
    int c = csv_col(header, col), cm = csv_col(header, "metric");
    CU_ASSERT_TRUE_FATAL(c >= 0 && cm >= 0);
    for (const char *line = nl + 1; *line; line = strchr(line, '\n') + 1) {
        char *fields[64];
        char buf[2048];
        size_t n = split_csv(line, fields, 64, buf);
        if ((size_t)c < n && strcmp(fields[0], group) == 0 &&
            strcmp(fields[cm], metric) == 0)
            return fields[c][0] ? strtod(fields[c], NULL) : NAN;
        if (!strchr(line, '\n'))
            break;
    }
    CU_FAIL("row not found");
    return NAN;
}

/* ---- run sets ------------------------------------------------------------ */

static void test_load_dir(void)
{
    ks_runset *rs = load_sweep("report-sweep", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL(ks_runset_nparams(rs), 2);
    CU_ASSERT_STRING_EQUAL(ks_runset_param(rs, 0), "policy");
    CU_ASSERT_STRING_EQUAL(ks_runset_param(rs, 1), "nodes");
    CU_ASSERT_EQUAL(ks_runset_nruns(rs), 12);
    CU_ASSERT_EQUAL(ks_runset_nfailed(rs), 1);
    CU_ASSERT_EQUAL_FATAL(ks_runset_ngroups(rs), 4);
    CU_ASSERT_STRING_EQUAL(ks_runset_group_label(rs, 0),
                           "policy=default, nodes=10");
    CU_ASSERT_STRING_EQUAL(ks_runset_group_label(rs, 3),
                           "policy=fgd, nodes=20");
    CU_ASSERT_STRING_EQUAL(ks_runset_group_value(rs, 1, 0), "fgd");
    CU_ASSERT_STRING_EQUAL(ks_runset_group_value(rs, 2, 1), "20");
    CU_ASSERT_EQUAL(ks_runset_group_nruns(rs, 3), 3);
    CU_ASSERT_EQUAL(ks_runset_group_nok(rs, 3), 2);
    CU_ASSERT_EQUAL(ks_runset_nreps(rs), 3);
    int m = ks_metric_find("latency_mean_s");
    const double *v = ks_runset_values(rs, 1, (size_t)m);
    CU_ASSERT_DOUBLE_EQUAL(v[0], 0.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(v[1], 1.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(v[2], 2.0, 1e-9);
    v = ks_runset_values(rs, 3, (size_t)m);
    CU_ASSERT_DOUBLE_EQUAL(v[0], 1.0, 1e-9);
    CU_ASSERT_TRUE(isnan(v[1]));
    CU_ASSERT_DOUBLE_EQUAL(v[2], 5.0, 1e-9);
    CU_ASSERT_PTR_NULL(ks_runset_values(rs, 4, 0));
    CU_ASSERT_PTR_NULL(ks_runset_values(rs, 0, ks_metric_count()));
    /* The failed run: kept, with its status (quotes undone), NaN metrics. */
    const ks_runset_run *r = ks_runset_run_at(rs, 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->run_id, "p0003-r01");
    CU_ASSERT_EQUAL(r->ok, 0);
    CU_ASSERT_STRING_EQUAL(r->status, "failed: node \"x\" crashed, badly");
    CU_ASSERT_EQUAL(r->group, 3);
    CU_ASSERT_EQUAL(r->replication, 1);
    CU_ASSERT_EQUAL(r->seed, 101);
    CU_ASSERT_DOUBLE_EQUAL(r->wall_time_s, 0.5, 0);
    CU_ASSERT_TRUE(isnan(ks_runset_run_metrics(rs, 10)[m]));
    CU_ASSERT_PTR_NOT_NULL(strstr(ks_runset_run_at(rs, 0)->path,
                                  "/runs/p0000-r00.h5"));
    /* Lookups. */
    CU_ASSERT_EQUAL(ks_runset_param_index(rs, "nodes"), 1);
    CU_ASSERT_EQUAL(ks_runset_param_index(rs, "zones"), -1);
    CU_ASSERT_EQUAL(ks_runset_find_group(rs, 0, "fgd"), 1);
    CU_ASSERT_EQUAL(ks_runset_find_group(rs, 1, "30"), -1);
    CU_ASSERT_EQUAL(ks_runset_find_group_with(rs, 3, 0, "default"), 2);
    CU_ASSERT_EQUAL(ks_runset_find_group_with(rs, 1, 0, "default"), 0);
    CU_ASSERT_EQUAL(ks_runset_find_group_with(rs, 1, 0, "other"), -1);
    ks_runset_destroy(rs);
}

static void test_load_files(void)
{
    char *a0 = tmp("report-files-a0.h5");
    char *b0 = tmp("report-files-b0.h5");
    char *a1 = tmp("report-files-a1.h5");
    CU_ASSERT_EQUAL_FATAL(write_run(a0, "alpha", 1.0, 1), 0);
    CU_ASSERT_EQUAL_FATAL(write_run(b0, "beta", 4.0, 1), 0);
    CU_ASSERT_EQUAL_FATAL(write_run(a1, "alpha", 3.0, 2), 0);
    const char *files[] = {a0, b0, a1};
    ks_runset *rs = NULL;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_runset_load_files(files, 3, &rs, &err), 0);
    CU_ASSERT_EQUAL(ks_runset_nparams(rs), 1);
    CU_ASSERT_STRING_EQUAL(ks_runset_param(rs, 0), "scenario");
    CU_ASSERT_EQUAL_FATAL(ks_runset_ngroups(rs), 2);
    CU_ASSERT_STRING_EQUAL(ks_runset_group_label(rs, 0), "scenario=alpha");
    CU_ASSERT_STRING_EQUAL(ks_runset_group_label(rs, 1), "scenario=beta");
    CU_ASSERT_EQUAL(ks_runset_group_nruns(rs, 0), 2);
    CU_ASSERT_EQUAL(ks_runset_nreps(rs), 2);
    CU_ASSERT_EQUAL(ks_runset_run_at(rs, 2)->replication, 1);
    CU_ASSERT_EQUAL(ks_runset_run_at(rs, 2)->seed, 2);
    CU_ASSERT_TRUE(isnan(ks_runset_run_at(rs, 2)->wall_time_s));
    const double *v =
        ks_runset_values(rs, 0, (size_t)ks_metric_find("latency_mean_s"));
    CU_ASSERT_DOUBLE_EQUAL(v[0], 1.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(v[1], 3.0, 1e-9);
    v = ks_runset_values(rs, 1, (size_t)ks_metric_find("latency_mean_s"));
    CU_ASSERT_DOUBLE_EQUAL(v[0], 4.0, 1e-9);
    CU_ASSERT_TRUE(isnan(v[1]));
    ks_runset_destroy(rs);
    /* A missing file fails the load, naming the file. */
    char *none = tmp("report-files-none.h5");
    const char *bad[] = {a0, none};
    CU_ASSERT_EQUAL(ks_runset_load_files(bad, 2, &rs, &err), KS_ENOENT);
    CU_ASSERT_PTR_NULL(rs);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "report-files-none.h5"));
    CU_ASSERT_EQUAL(ks_runset_load_files(bad, 0, &rs, &err), KS_EINVAL);
    free(none);
    free(a0);
    free(b0);
    free(a1);
}

/* Reading runs in worker processes gives the same set as reading them in
 * this one, whatever the number of workers; an unreadable run is reported
 * the same way too (the first bad run in index order). */
static void test_parallel_equals_serial(void)
{
    char *dir = make_sweep("report-jobs");
    ks_runset *one = NULL, *many = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_runset_load_dir_jobs(dir, 1, &one, &err), 0);
    size_t nm = ks_metric_count();
    for (unsigned jobs = 2; jobs <= 5; jobs += 3) {
        CU_ASSERT_EQUAL_FATAL(ks_runset_load_dir_jobs(dir, jobs, &many, &err),
                              0);
        CU_ASSERT_EQUAL(ks_runset_nruns(many), ks_runset_nruns(one));
        for (size_t i = 0; i < ks_runset_nruns(one); i++) {
            const double *a = ks_runset_run_metrics(one, i);
            const double *b = ks_runset_run_metrics(many, i);
            for (size_t m = 0; m < nm; m++)
                CU_ASSERT_TRUE((isnan(a[m]) && isnan(b[m])) || a[m] == b[m]);
        }
        ks_runset_destroy(many);
    }
    ks_runset_destroy(one);
    /* Files, in workers: same groups and values as one process. */
    const char *files[12];
    char *paths[12];
    size_t n = 0;
    for (int point = 0; point < 4; point++)
        for (int r = 0; r < 3; r++)
            if (!(point == 3 && r == 1)) {
                paths[n] = ks_xasprintf("%s/runs/p%04d-r%02d.h5", dir, point,
                                        r);
                files[n] = paths[n];
                n++;
            }
    CU_ASSERT_EQUAL_FATAL(ks_runset_load_files_jobs(files, n, 1, &one, &err),
                          0);
    CU_ASSERT_EQUAL_FATAL(ks_runset_load_files_jobs(files, n, 4, &many, &err),
                          0);
    CU_ASSERT_EQUAL(ks_runset_ngroups(many), 1);
    CU_ASSERT_STRING_EQUAL(ks_runset_group_label(many, 0), "scenario=sweep");
    CU_ASSERT_EQUAL(ks_runset_nreps(many), 11);
    CU_ASSERT_EQUAL(ks_runset_run_at(many, 4)->seed, 101);
    for (size_t m = 0; m < nm; m++)
        for (size_t k = 0; k < 11; k++) {
            double a = ks_runset_values(one, 0, m)[k];
            double b = ks_runset_values(many, 0, m)[k];
            CU_ASSERT_TRUE((isnan(a) && isnan(b)) || a == b);
        }
    ks_runset_destroy(one);
    ks_runset_destroy(many);
    /* Two broken runs: the first in order is the error. */
    ks_test_write_file(paths[5], "broken");
    ks_test_write_file(paths[9], "broken too");
    CU_ASSERT_TRUE(ks_runset_load_files_jobs(files, n, 4, &many, &err) < 0);
    CU_ASSERT_PTR_NULL(many);
    CU_ASSERT_STRING_EQUAL(err.file, paths[5]);
    CU_ASSERT_TRUE(ks_runset_load_dir_jobs(dir, 3, &many, &err) < 0);
    CU_ASSERT_PTR_NULL(many);
    CU_ASSERT_STRING_EQUAL(err.file, paths[5]);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(dir);
}

/* Writes text as DIR/index.csv of a fresh folder with one real run
 * (runs/a.h5) and loads it; returns the load's code, err filled. */
static int load_index(const char *text, ks_error *err)
{
    char *dir = tmp("report-badindex");
    sh("rm -rf '%s'", dir);
    sh("mkdir -p '%s/runs'", dir);
    char *run = ks_xasprintf("%s/runs/a.h5", dir);
    write_run(run, "s", 1.0, 1);
    char *index = ks_xasprintf("%s/index.csv", dir);
    ks_test_write_file(index, text);
    ks_runset *rs = NULL;
    ks_error_clear(err);
    int rc = ks_runset_load_dir(dir, &rs, err);
    CU_ASSERT_TRUE(rc != 0 || rs != NULL);
    ks_runset_destroy(rs);
    free(index);
    free(run);
    free(dir);
    return rc;
}

static void expect_parse_error(const char *text, int line, const char *what)
{
    ks_error err;
    CU_ASSERT_EQUAL(load_index(text, &err), KS_EPARSE);
    CU_ASSERT_EQUAL(err.line, line);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "index.csv"));
    if (!strstr(err.msg, what))
        fprintf(stderr, "\nmessage '%s' lacks '%s'\n", err.msg, what);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, what));
}

#define HEAD "run_id,file,policy,replication,seed,status,wall_time_s\n"

static void test_bad_index(void)
{
    expect_parse_error("", 1, "empty index");
    expect_parse_error("run_id,file,replication,seed,status\n", 1,
                       "expected run_id,file");
    expect_parse_error("id,file,replication,seed,status,wall_time_s\n", 1,
                       "'id', expected 'run_id'");
    expect_parse_error("run_id,file,p,replication,seed,state,wall_time_s\n",
                       1, "'state', expected 'status'");
    expect_parse_error("run_id,file,p,p,replication,seed,status,wall_time_s\n",
                       1, "'p' appears twice");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,ok\n", 2, "row has 6 columns");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,ok,1\n"
                            "b,runs/a.h5,x,-1,1,ok,1\n",
                       3, "replication");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,ok,1\n"
                            "b,runs/a.h5,x,100000,1,ok,1\n",
                       3, "replication");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1x,ok,1\n", 2, "seed");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,done,1\n", 2, "status");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,ok,fast\n", 2, "wall_time_s");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,ok,1\n"
                            "b,runs/a.h5,x,0,2,ok,1\n",
                       3, "replication 0 of policy=x appears twice");
    expect_parse_error(HEAD "a,runs/a.h5,x,0,1,ok,1\n"
                            "b,runs/a.h5,\"x\n,0,1,ok,1\n",
                       3, "unterminated quoted field");
    expect_parse_error(HEAD "a,runs/a.h5,\"x\"y,0,1,ok,1\n", 2,
                       "after a quoted field");
    expect_parse_error(HEAD ",runs/a.h5,x,0,1,ok,1\n", 2, "empty run_id");
}

static void test_index_variants(void)
{
    ks_error err;
    /* CRLF line ends, a byte order mark, blank lines, a quoted line break
     * in a failed status (the next row's line number still counts it),
     * no wall time, no parameters at all. */
    CU_ASSERT_EQUAL(load_index("\xEF\xBB\xBF" "run_id,file,replication,seed,"
                               "status,wall_time_s\r\n"
                               "a,runs/a.h5,0,1,ok,\r\n\r\n"
                               "b,runs/b.h5,1,2,\"failed: x\ny\",3\r\n",
                               &err),
                    0);
    /* An ok run whose file is missing fails the load, naming the file. */
    CU_ASSERT_EQUAL(load_index(HEAD "a,runs/missing.h5,x,0,1,ok,1\n", &err),
                    KS_ENOENT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "runs/missing.h5"));
    /* A failed run's file is not read. */
    CU_ASSERT_EQUAL(load_index(HEAD "a,runs/missing.h5,x,0,1,failed: x,1\n",
                               &err),
                    0);
    /* A pending run (an index written while the sweep runs) is kept and
     * not read. */
    CU_ASSERT_EQUAL(load_index(HEAD "a,runs/a.h5,x,0,1,ok,1\n"
                                    "b,runs/b.h5,x,1,2,pending,\n",
                               &err),
                    0);
    /* Header only: an empty set. */
    CU_ASSERT_EQUAL(load_index(HEAD, &err), 0);
    /* No index at all. */
    ks_runset *rs = NULL;
    char *dir = tmp("report-noindex");
    sh("mkdir -p '%s'", dir);
    CU_ASSERT_EQUAL(ks_runset_load_dir(dir, &rs, &err), KS_ENOENT);
    CU_ASSERT_PTR_NULL(rs);
    free(dir);
}

/* ---- the report ---------------------------------------------------------- */

static const size_t *latency_metric(void)
{
    static size_t m;
    m = (size_t)ks_metric_find("latency_mean_s");
    return &m;
}

static void test_csv_values(void)
{
    ks_runset *rs = load_sweep("report-csv", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ks_report_options o;
    ks_report_options_init(&o);
    o.format = KS_REPORT_CSV;
    o.baseline_param = "policy";
    o.baseline_value = "default";
    int rc;
    char *csv = report_string(rs, &o, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    /* One header plus one row per group and metric. */
    size_t lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_EQUAL(lines, 1 + 4 * ks_metric_count());
    CU_ASSERT_EQUAL(strncmp(csv, "group,policy,nodes,metric,unit,n,", 33), 0);
    const char *d10 = "policy=default, nodes=10", *f10 = "policy=fgd, nodes=10";
    const char *f20 = "policy=fgd, nodes=20";
    const char *m = "latency_mean_s";
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "n"), 3, 0);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "mean"), 2.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "sd"), 1.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "ci_half"), T2 / sqrt(3.0),
                           1e-7);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "ci_low"),
                           2 - T2 / sqrt(3.0), 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "median"), 2.0, 1e-9);
    /* p95 of {1, 2, 3}: 2 + 0.9 * 1. */
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "p95"), 2.9, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "level"), 0.95, 0);
    /* The baseline has no difference. */
    CU_ASSERT_TRUE(isnan(csv_value(csv, d10, m, "diff_mean")));
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f10, m, "pairs"), 3, 0);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f10, m, "diff_mean"), -2.0 / 3,
                           1e-9);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f10, m, "diff_sd"),
                           0.28867513459481287, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f10, m, "diff_ci_high"),
                           -2.0 / 3 + T2 * 0.28867513459481287 / sqrt(3.0),
                           1e-7);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f10, m, "rel_diff"), -1.0 / 3,
                           1e-9);
    /* fgd,20 pairs with default,20 over replications 0 and 2 only. */
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f20, m, "n"), 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f20, m, "n_missing"), 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f20, m, "pairs"), 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f20, m, "diff_mean"), -1.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, f20, m, "diff_sd"), 0.0, 1e-9);
    /* Replications for a half-width of 5% of the mean: default,10 has
     * sd 1, mean 2, target 0.1: t_{n-1} / sqrt(n) <= 0.1 first at
     * n = 387 (test_stats.c, the same condition scaled by 10). */
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "reps_needed"), 387, 0);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, d10, m, "reps_capped"), 0, 0);
    free(csv);
    ks_runset_destroy(rs);
}

static void test_default_baseline_is_first_group(void)
{
    ks_runset *rs = load_sweep("report-first", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ks_report_options o;
    ks_report_options_init(&o);
    o.format = KS_REPORT_CSV;
    o.metrics = latency_metric();
    o.nmetrics = 1;
    int rc;
    char *csv = report_string(rs, &o, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    /* default,20 - default,10 = {1, 2, 3}: mean 2. */
    CU_ASSERT_DOUBLE_EQUAL(csv_value(csv, "policy=default, nodes=20",
                                     "latency_mean_s", "diff_mean"),
                           2.0, 1e-9);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",\"policy=default, nodes=10\",3,"));
    /* One metric: header plus 4 rows. */
    size_t lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_EQUAL(lines, 5);
    free(csv);
    ks_runset_destroy(rs);
}

static void test_text_and_latex(void)
{
    ks_runset *rs = load_sweep("report-text", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ks_report_options o;
    ks_report_options_init(&o);
    o.baseline_param = "policy";
    o.baseline_value = "default";
    o.source = "results/sweep";
    int rc;
    char *text = report_string(rs, &o, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "ksim report: results/sweep\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "runs: 12 in 4 groups, 1 failed; "
                                        "varied: policy, nodes\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nlatency_mean_s [s]: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "paired differences"));
    /* fgd,10 - default,10: -0.66667 [-1.3839, 0.050441], not significant;
     * fgd,20 - default,20: -1 with sd 0, an interval of width 0 that
     * excludes 0. */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "-0.66667"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "-33.3%"));
    const char *diffs = strstr(text, "paired differences");
    CU_ASSERT_PTR_NOT_NULL_FATAL(diffs);
    diffs = strstr(diffs, "\nlatency_mean_s [s]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(diffs);
    const char *row = strstr(diffs, "  policy=fgd, nodes=20 ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    const char *eol = strchr(row, '\n');
    CU_ASSERT_TRUE(eol && eol[-1] == '*');
    row = strstr(diffs, "  policy=fgd, nodes=10 ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    eol = strchr(row, '\n');
    CU_ASSERT_TRUE(eol && eol[-1] != '*' && eol[-1] != ' ');
    /* The baseline groups have no difference row. */
    CU_ASSERT_PTR_NULL(strstr(diffs, "  policy=default, nodes=10 "));
    /* Repeatable byte for byte. */
    char *again = report_string(rs, &o, &rc);
    CU_ASSERT_STRING_EQUAL(text, again);
    free(again);

    o.format = KS_REPORT_LATEX;
    o.metrics = latency_metric();
    o.nmetrics = 1;
    char *tex = report_string(rs, &o, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(tex, "\\begin{tabular}{lrrrrrr}\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(tex, "\\toprule\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(tex, "\\midrule\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(tex, "\\bottomrule\n\\end{tabular}\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(tex, "latency\\_mean\\_s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(tex, "95\\% CI"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(tex, "policy=default, nodes=10 & 3 & $2$ & [$-0.4841$, "
                    "$4.484$] & $2$ & $2.9$ & -- \\\\\n"));
    /* No unescaped underscore or percent outside comment lines. */
    for (const char *line = tex; *line;) {
        const char *end = strchr(line, '\n');
        if (line[0] != '%')
            for (const char *p = line; p < end; p++)
                if ((*p == '_' || *p == '%') && (p == line || p[-1] != '\\'))
                    CU_FAIL("unescaped _ or % in LaTeX");
        line = end + 1;
    }
    free(tex);
    free(text);
    ks_runset_destroy(rs);
}

static void test_bad_options(void)
{
    ks_runset *rs = load_sweep("report-opts", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ks_report_options o;
    ks_report_options_init(&o);
    ks_error err;
    ks_error_clear(&err);
    o.baseline_param = "zones";
    o.baseline_value = "3";
    CU_ASSERT_EQUAL(ks_report_write(rs, &o, stdout, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "varied: policy, nodes"));
    o.baseline_param = "policy";
    o.baseline_value = "random";
    CU_ASSERT_EQUAL(ks_report_write(rs, &o, stdout, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "policy=random"));
    ks_report_options_init(&o);
    o.level = 1;
    CU_ASSERT_EQUAL(ks_report_write(rs, &o, stdout, &err), KS_ERANGE);
    ks_report_options_init(&o);
    size_t bad = ks_metric_count();
    o.metrics = &bad;
    o.nmetrics = 1;
    CU_ASSERT_EQUAL(ks_report_write(rs, &o, stdout, &err), KS_EINVAL);
    ks_runset_destroy(rs);
}

/* ---- the command --------------------------------------------------------- */

/* Runs `ksim report ARGS` (the built binary); returns its exit status and
 * its stdout in *out (free it; may be NULL). */
static int run_cmd(const char *args, char **out)
{
    char *cmd = ks_xasprintf("'%s' report %s", ks_test_ksim(), args);
    int status = ks_test_run(cmd, out, NULL);
    free(cmd);
    return status;
}

static void test_command(void)
{
    char *dir = make_sweep("report-cmd");
    char *out = NULL;
    CU_ASSERT_EQUAL(run_cmd("--help", &out), 0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "usage: ksim report"));
    free(out);
    char *args = ks_xasprintf("--csv --metric latency_mean_s,pods_scheduled "
                              "--baseline policy=default --level 0.9 '%s'",
                              dir);
    CU_ASSERT_EQUAL(run_cmd(args, &out), 0);
    free(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    /* 1 header + 4 groups x 2 metrics, in the order asked. */
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_EQUAL(lines, 9);
    const char *first = strstr(out, "latency_mean_s");
    const char *second = strstr(out, "pods_scheduled");
    CU_ASSERT_TRUE(first && second && first < second);
    CU_ASSERT_DOUBLE_EQUAL(csv_value(out, "policy=default, nodes=10",
                                     "latency_mean_s", "level"),
                           0.9, 0);
    free(out);
    args = ks_xasprintf("--latex -m latency_p99_s '%s'", dir);
    CU_ASSERT_EQUAL(run_cmd(args, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\\bottomrule"));
    free(args);
    free(out);
    args = ks_xasprintf("'%s'", dir);
    CU_ASSERT_EQUAL(run_cmd(args, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "paired differences"));
    free(args);
    free(out);
    CU_ASSERT_EQUAL(run_cmd("--list-metrics", &out), 0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "cpu_alloc_mean"));
    free(out);

    /* Usage and input errors: 2. */
    static const char *const usage[] = {
        "",                           /* nothing to report */
        "--metric speed '%s'",        /* unknown metric */
        "--level 95 '%s'",            /* a percentage, not a fraction */
        "--baseline policy '%s'",     /* not PARAM=VALUE */
        "--baseline zones=3 '%s'",    /* not a varied parameter */
        "--frobnicate '%s'",          /* unknown option */
        "'%s' '%s'",                  /* a folder must be alone */
        "'%s/no-such-run.h5'",        /* missing file */
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        args = ks_xasprintf(usage[i], dir, dir);
        int st = run_cmd(args, NULL);
        if (st != 2)
            fprintf(stderr, "\nksim report %s: exit %d\n", args, st);
        CU_ASSERT_EQUAL(st, 2);
        free(args);
    }
    /* A corrupt run file is a runtime failure: 1. */
    char *junk = tmp("report-cmd-junk.h5");
    ks_test_write_file(junk, "junk");
    args = ks_xasprintf("'%s'", junk);
    CU_ASSERT_EQUAL(run_cmd(args, NULL), 1);
    free(args);
    free(junk);
    free(dir);
}

void ks_suite_report(void)
{
    static const ks_test_case cases[] = {
        {"sweep folder", test_load_dir},
        {"run files", test_load_files},
        {"bad index.csv names file:line", test_bad_index},
        {"index.csv variants", test_index_variants},
        {"worker processes read the same", test_parallel_equals_serial},
        {"CSV statistics and paired differences", test_csv_values},
        {"default baseline is the first group",
         test_default_baseline_is_first_group},
        {"text and LaTeX", test_text_and_latex},
        {"bad options", test_bad_options},
        {"ksim report command", test_command},
        {NULL, NULL},
    };
    ks_test_add_suite("report", cases);
}
