/* test_export.c - `ksim export` (analysis/export.c, cli/cmd_export.c).
 *
 * Owner: the export module (issue 4).  The promise under test is "the
 * numbers round-trip": a small RFC 4180 reader below parses the CSV files
 * back and every value of /pods, /nodes, /timeseries and /scheduler_plugins
 * must equal what ks_output_read returns, doubles bit for bit and NaN as an
 * empty field.  Around it: meta/units/datasets.csv, odd strings through
 * quoting, datasets later layouts may add (nested groups, plain arrays,
 * other types), tables read in several slices, no overwrite without force,
 * and bad input files as errors naming the file.
 */
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <CUnit/CUnit.h>
#include <hdf5.h>

#include "analysis/export.h"
#include "analysis/output.h"
#include "analysis/recorder.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "sim/cluster.h"
#include "sim/xalloc.h"
#include "tests/suites.h"
#include "tests/test_util.h"

void ks_suite_export(void);

#define GiB (1024LL * 1024 * 1024)

/* ---- fixtures ----------------------------------------------------------- */

/* A scratch path (copied: ks_test_tmp's buffer is reused) with nothing at
 * it yet. */
static char *fresh_path(const char *rel)
{
    char *p = ks_xstrdup(ks_test_tmp(rel));
    char *cmd = ks_xasprintf("rm -rf '%s'", p);
    ks_test_run(cmd, NULL, NULL);
    free(cmd);
    return p;
}

static char *in_dir(const char *dir, const char *file)
{
    return ks_xasprintf("%s/%s", dir, file);
}

/* Strings that need every rule of RFC 4180. */
#define ODD_POD "web,frontend \"canary\"\nline2\r\nend"
#define ODD_NODE "node, \"b\""
#define ODD_PROFILE "sched,\"x\"\nprofile"

static const char *const sources[] = {"web", "batch,\"quoted\""};

static const char scenario_text[] =
    "apiVersion: ksim.dev/v1\n"
    "metadata: {name: \"unit, export\"}\n"
    "# a comment with \"quotes\", commas\r\n";

/* Times that are not short decimals in binary (1.234567891 s, 1/3 s ...),
 * a pod with an odd name, pods never scheduled (NaN), extreme integers. */
static ks_cluster *make_cluster(void)
{
    ks_cluster *c = ks_cluster_create();
    int64_t big[KS_RES_COUNT] = {3000, 8 * GiB, 110};
    int64_t small[KS_RES_COUNT] = {2000, 4 * GiB, 20};
    ks_cluster_add_node(c, "node-a", big, 0);
    ks_cluster_add_node(c, ODD_NODE, small, 0);
    ks_cluster_add_node(c, "node-c\nsecond line", small, 1);
    int64_t r0[KS_RES_COUNT] = {1000, 1 * GiB + 1, 1};
    int64_t r1[KS_RES_COUNT] = {1000, -1, 1};
    int64_t r2[KS_RES_COUNT] = {250, 512 * 1024 * 1024, 1};
    uint32_t p0 = ks_cluster_add_pod(c, 1234567891, r0, 60 * KS_SECOND, 0, 0);
    uint32_t p1 = ks_cluster_add_pod(c, 2 * KS_SECOND, r1, KS_HOUR, 0, 1);
    uint32_t p2 = ks_cluster_add_pod(c, 3 * KS_SECOND, r2, KS_HOUR, 0, 2);
    uint32_t p3 = ks_cluster_add_pod(c, 3 * KS_SECOND, r2, KS_HOUR, 1, 7);
    ks_cluster_bind(c, p0, 0, 2718281828);
    ks_cluster_bind(c, p1, 1, 2 * KS_SECOND + 1);
    ks_cluster_complete(c, p0, 100 * KS_SECOND + 333333333);
    c->pods[p0].cycle_time = 333333333;
    c->pods[p1].name = ODD_POD;
    c->pods[p2].attempts = 3;
    c->pods[p2].rejected_by = UINT32_MAX;
    c->pods[p2].priority = INT32_MIN;
    c->pods[p3].priority = -7;
    c->pods[p3].victims = 2;
    return c;
}

static ks_recorder *make_recorder(const ks_cluster *c)
{
    ks_recorder *rec = ks_recorder_create();
    ks_queue_gauges q = {INT64_MAX, 0, -1};
    ks_recorder_sample_queue(rec, c, &q, 0);
    ks_recorder_sample(rec, c, 2718281829);
    ks_recorder_sample(rec, c, 120 * KS_SECOND);
    return rec;
}

static const ks_plugin_stats plugin_stats[] = {
    {"default-scheduler", "NodeResourcesFit", 3, 100, 7, 90, 0, 0},
    {ODD_PROFILE, "Plugin,With\"Quote", (1ULL << 62) + 1, 0, 0,
     INT64_MAX, 0, 0},
};

static ks_run_info make_info(void)
{
    ks_run_info info = {
        .ksim_version = "0.1.0-test",
        .scenario_name = "unit, \"export\"",
        .scenario_path = "tests/unit.yaml",
        .scenario_text = scenario_text,
        .scenario_len = sizeof scenario_text - 1,
        .kubernetes_version = "v1.36",
        .seed = 18446744073709551557ULL, /* > INT64_MAX */
        .duration_s = 120.0,
        .end_time_s = 120.0,
        .events = 12345,
        .source_names = sources,
        .nsources = 2,
        .plugin_stats = plugin_stats,
        .nplugin_stats = 2,
    };
    return info;
}

static int write_fixture(const char *path)
{
    ks_cluster *c = make_cluster();
    ks_recorder *rec = make_recorder(c);
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_output_write(path, 1, &info, c, rec, &err);
    if (rc)
        ks_error_print(&err, stderr);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
    return rc;
}

static int export_quiet(const char *h5, const char *dir, int force,
                        ks_export_summary *sum)
{
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_export_csv(h5, dir, force, sum, &err);
    if (rc)
        ks_error_print(&err, stderr);
    return rc;
}

/* Does folder dir hold an entry starting with '.' (a leftover temp)? */
static int dir_has_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
            strcmp(e->d_name, "..") != 0)
            found = 1;
    closedir(d);
    return found;
}

/* ---- a small RFC 4180 reader -------------------------------------------- */

typedef struct csv_doc {
    char ***rows;   /* rows[0] is the header */
    size_t *ncols;
    size_t nrows;
} csv_doc;

static void csv_free(csv_doc *d)
{
    if (!d)
        return;
    for (size_t r = 0; r < d->nrows; r++) {
        for (size_t c = 0; c < d->ncols[r]; c++)
            free(d->rows[r][c]);
        free(d->rows[r]);
    }
    free(d->rows);
    free(d->ncols);
    free(d);
}

typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, char ch)
{
    b->s = ks_xgrow(b->s, &b->cap, b->n + 2, 1);
    b->s[b->n++] = ch;
    b->s[b->n] = '\0';
}

/* One field at *pp; NULL when malformed (an unterminated quote, text after
 * a closing quote, a quote or CR in an unquoted field). */
static char *csv_field(const char **pp)
{
    const char *p = *pp;
    sbuf b = {0};
    if (*p == '"') {
        for (p++;; p++) {
            if (*p == '\0')
                goto bad;
            if (*p == '"') {
                if (p[1] != '"')
                    break;
                p++;
            }
            sb_put(&b, *p);
        }
        p++;
        if (*p != ',' && *p != '\n' && *p != '\0')
            goto bad;
    } else {
        for (; *p && *p != ',' && *p != '\n'; p++) {
            if (*p == '"' || *p == '\r')
                goto bad;
            sb_put(&b, *p);
        }
    }
    *pp = p;
    return b.s ? b.s : ks_xstrdup("");
bad:
    free(b.s);
    return NULL;
}

/* Parses text; NULL if malformed or if the last line lacks its LF. */
static csv_doc *csv_parse(const char *text)
{
    csv_doc *d = ks_xcalloc(1, sizeof *d);
    size_t rcap = 0, ccap = 0;
    const char *p = text;
    while (*p) {
        char **fields = NULL;
        size_t nf = 0, fcap = 0;
        for (;;) {
            char *f = csv_field(&p);
            if (!f) {
                for (size_t i = 0; i < nf; i++)
                    free(fields[i]);
                free(fields);
                csv_free(d);
                return NULL;
            }
            fields = ks_xgrow(fields, &fcap, nf + 1, sizeof *fields);
            fields[nf++] = f;
            if (*p != ',')
                break;
            p++;
        }
        d->rows = ks_xgrow(d->rows, &rcap, d->nrows + 1, sizeof *d->rows);
        d->ncols = ks_xgrow(d->ncols, &ccap, d->nrows + 1, sizeof *d->ncols);
        d->rows[d->nrows] = fields;
        d->ncols[d->nrows++] = nf;
        if (*p != '\n') {
            csv_free(d);
            return NULL;
        }
        p++;
    }
    return d;
}

static csv_doc *csv_load(const char *dir, const char *file)
{
    char *path = in_dir(dir, file);
    char *text = ks_test_read_file(path, NULL);
    csv_doc *d = text ? csv_parse(text) : NULL;
    if (!d)
        fprintf(stderr, "cannot read CSV %s\n", path);
    free(text);
    free(path);
    return d;
}

static int csv_col(const csv_doc *d, const char *name)
{
    for (size_t c = 0; d->nrows && c < d->ncols[0]; c++)
        if (strcmp(d->rows[0][c], name) == 0)
            return (int)c;
    return -1;
}

/* The cell of data row i (0-based, after the header) in column name. */
static const char *cell(const csv_doc *d, size_t i, const char *name)
{
    int c = csv_col(d, name);
    if (c < 0 || i + 1 >= d->nrows || (size_t)c >= d->ncols[i + 1])
        return NULL;
    return d->rows[i + 1][c];
}

static size_t data_rows(const csv_doc *d)
{
    return d->nrows ? d->nrows - 1 : 0;
}

/* Every row has as many fields as the header. */
static int rectangular(const csv_doc *d)
{
    for (size_t r = 1; r < d->nrows; r++)
        if (d->ncols[r] != d->ncols[0])
            return 0;
    return d->nrows > 0;
}

/* The header is exactly names, in order. */
static int header_is(const csv_doc *d, const char *const *names, size_t n)
{
    if (!d->nrows || d->ncols[0] != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(d->rows[0][i], names[i]) != 0)
            return 0;
    return 1;
}

/* key,value lookup in meta.csv. */
static const char *meta_value(const csv_doc *d, const char *key)
{
    for (size_t r = 1; r < d->nrows; r++)
        if (d->ncols[r] == 2 && strcmp(d->rows[r][0], key) == 0)
            return d->rows[r][1];
    return NULL;
}

/* ---- exact comparisons -------------------------------------------------- */

/* Bit for bit; NaN must be an empty field. */
static int same_f64(const char *field, double want)
{
    if (!field)
        return 0;
    if (isnan(want))
        return field[0] == '\0';
    char *end;
    double got = strtod(field, &end);
    return field[0] && *end == '\0' && memcmp(&got, &want, sizeof got) == 0;
}

static int same_f32(const char *field, float want)
{
    if (!field)
        return 0;
    if (isnan(want))
        return field[0] == '\0';
    char *end;
    float got = strtof(field, &end);
    return field[0] && *end == '\0' && memcmp(&got, &want, sizeof got) == 0;
}

static int same_i64(const char *field, long long want)
{
    if (!field || !field[0])
        return 0;
    char *end;
    long long got = strtoll(field, &end, 10);
    return *end == '\0' && got == want;
}

static int same_u64(const char *field, unsigned long long want)
{
    if (!field || !field[0] || field[0] == '-')
        return 0;
    char *end;
    unsigned long long got = strtoull(field, &end, 10);
    return *end == '\0' && got == want;
}

static int same_str(const char *field, const char *want)
{
    return field && strcmp(field, want) == 0;
}

/* Counts mismatches, printing the first few. */
typedef struct tally {
    int bad;
} tally;

static void expect(tally *t, int ok, const char *table, size_t row,
                   const char *col)
{
    if (ok)
        return;
    if (t->bad++ < 5)
        fprintf(stderr, "export mismatch: %s row %zu column %s\n", table, row,
                col);
}

static const char *const pod_cols[] = {
    "name",          "submit_s",     "scheduled_s",          "start_s",
    "end_s",         "node",         "attempts",             "cpu_request_m",
    "memory_request_bytes", "cycle_time_s", "queue_wait_s", "rejected_by",
    "priority",      "preempted_by", "victims"};
static const char *const node_cols[] = {"name", "cpu_allocatable_m",
                                        "memory_allocatable_bytes",
                                        "pods_allocatable"};
static const char *const ts_cols[] = {
    "time_s",        "pods_pending",  "pods_running",
    "cpu_allocated", "memory_allocated", "queue_active",
    "queue_backoff", "queue_unschedulable"};
static const char *const plugin_cols[] = {
    "profile",      "plugin",
    "pre_filter_rejections", "filter_calls",
    "filter_rejections",     "score_calls",
    "reserve_rejections",    "permit_rejections",
    "time_share"};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void check_pods(const char *dir, const ks_dataset *ds, tally *t)
{
    csv_doc *d = csv_load(dir, "pods.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(header_is(d, pod_cols, NELEMS(pod_cols)));
    CU_ASSERT_TRUE(rectangular(d));
    CU_ASSERT_EQUAL(data_rows(d), ds->npods);
    for (size_t i = 0; i < ds->npods && i < data_rows(d); i++) {
        const ks_pod_row *p = &ds->pods[i];
#define E(ok, col) expect(t, ok, "pods", i, col)
        E(same_str(cell(d, i, "name"), p->name), "name");
        E(same_f64(cell(d, i, "submit_s"), p->submit), "submit_s");
        E(same_f64(cell(d, i, "scheduled_s"), p->scheduled), "scheduled_s");
        E(same_f64(cell(d, i, "start_s"), p->start), "start_s");
        E(same_f64(cell(d, i, "end_s"), p->end), "end_s");
        E(same_i64(cell(d, i, "node"), p->node), "node");
        E(same_u64(cell(d, i, "attempts"), p->attempts), "attempts");
        E(same_i64(cell(d, i, "cpu_request_m"), p->cpu_request),
          "cpu_request_m");
        E(same_i64(cell(d, i, "memory_request_bytes"), p->memory_request),
          "memory_request_bytes");
        E(same_f64(cell(d, i, "cycle_time_s"), p->cycle_time),
          "cycle_time_s");
        E(same_f64(cell(d, i, "queue_wait_s"), p->queue_wait),
          "queue_wait_s");
        E(same_u64(cell(d, i, "rejected_by"), p->rejected_by),
          "rejected_by");
        E(same_i64(cell(d, i, "priority"), p->priority), "priority");
        E(same_i64(cell(d, i, "preempted_by"), p->preempted_by),
          "preempted_by");
        E(same_u64(cell(d, i, "victims"), p->victims), "victims");
#undef E
    }
    csv_free(d);
}

static void check_nodes(const char *dir, const ks_dataset *ds, tally *t)
{
    csv_doc *d = csv_load(dir, "nodes.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(header_is(d, node_cols, NELEMS(node_cols)));
    CU_ASSERT_TRUE(rectangular(d));
    CU_ASSERT_EQUAL(data_rows(d), ds->nnodes);
    for (size_t i = 0; i < ds->nnodes && i < data_rows(d); i++) {
        const ks_node_row *n = &ds->nodes[i];
        expect(t, same_str(cell(d, i, "name"), n->name), "nodes", i, "name");
        expect(t,
               same_i64(cell(d, i, "cpu_allocatable_m"), n->cpu_allocatable),
               "nodes", i, "cpu");
        expect(t,
               same_i64(cell(d, i, "memory_allocatable_bytes"),
                        n->memory_allocatable),
               "nodes", i, "memory");
        expect(t,
               same_i64(cell(d, i, "pods_allocatable"), n->pods_allocatable),
               "nodes", i, "pods");
    }
    csv_free(d);
}

static void check_timeseries(const char *dir, const ks_dataset *ds, tally *t)
{
    csv_doc *d = csv_load(dir, "timeseries.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(header_is(d, ts_cols, NELEMS(ts_cols)));
    CU_ASSERT_TRUE(rectangular(d));
    CU_ASSERT_EQUAL(data_rows(d), ds->nsamples);
    for (size_t i = 0; i < ds->nsamples && i < data_rows(d); i++) {
        const ks_sample *s = &ds->samples[i];
#define E(ok, col) expect(t, ok, "timeseries", i, col)
        E(same_f64(cell(d, i, "time_s"), s->time), "time_s");
        E(same_i64(cell(d, i, "pods_pending"), s->pods_pending),
          "pods_pending");
        E(same_i64(cell(d, i, "pods_running"), s->pods_running),
          "pods_running");
        E(same_f64(cell(d, i, "cpu_allocated"), s->cpu_allocated),
          "cpu_allocated");
        E(same_f64(cell(d, i, "memory_allocated"), s->memory_allocated),
          "memory_allocated");
        E(same_i64(cell(d, i, "queue_active"), s->queue_active),
          "queue_active");
        E(same_i64(cell(d, i, "queue_backoff"), s->queue_backoff),
          "queue_backoff");
        E(same_i64(cell(d, i, "queue_unschedulable"), s->queue_unschedulable),
          "queue_unschedulable");
#undef E
    }
    csv_free(d);
}

static void check_plugins(const char *dir, const ks_dataset *ds, tally *t)
{
    csv_doc *d = csv_load(dir, "scheduler_plugins.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(header_is(d, plugin_cols, NELEMS(plugin_cols)));
    CU_ASSERT_TRUE(rectangular(d));
    CU_ASSERT_EQUAL(data_rows(d), ds->nplugins);
    for (size_t i = 0; i < ds->nplugins && i < data_rows(d); i++) {
        const ks_plugin_row *p = &ds->plugins[i];
#define E(ok, col) expect(t, ok, "scheduler_plugins", i, col)
        E(same_str(cell(d, i, "profile"), p->profile), "profile");
        E(same_str(cell(d, i, "plugin"), p->plugin), "plugin");
        E(same_i64(cell(d, i, "pre_filter_rejections"),
                   p->pre_filter_rejections),
          "pre_filter_rejections");
        E(same_i64(cell(d, i, "filter_calls"), p->filter_calls),
          "filter_calls");
        E(same_i64(cell(d, i, "filter_rejections"), p->filter_rejections),
          "filter_rejections");
        E(same_i64(cell(d, i, "score_calls"), p->score_calls), "score_calls");
        E(same_i64(cell(d, i, "reserve_rejections"), p->reserve_rejections),
          "reserve_rejections");
        E(same_i64(cell(d, i, "permit_rejections"), p->permit_rejections),
          "permit_rejections");
        E(same_f64(cell(d, i, "time_share"), p->time_share), "time_share");
#undef E
    }
    csv_free(d);
}

/* Exports h5 into dir and compares every number with ks_output_read. */
static void check_round_trip(const char *h5, const char *dir)
{
    ks_export_summary sum;
    CU_ASSERT_EQUAL_FATAL(export_quiet(h5, dir, 0, &sum), 0);
    CU_ASSERT_EQUAL(sum.nskipped, 0);
    CU_ASSERT_EQUAL(sum.nfiles, 7); /* 4 tables, meta, units, datasets */
    ks_export_summary_clear(&sum);
    ks_dataset *ds = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_output_read(h5, &ds, &err), 0);
    tally t = {0};
    check_pods(dir, ds, &t);
    check_nodes(dir, ds, &t);
    check_timeseries(dir, ds, &t);
    check_plugins(dir, ds, &t);
    CU_ASSERT_EQUAL(t.bad, 0);
    ks_dataset_destroy(ds);
    CU_ASSERT_FALSE(dir_has_hidden(dir));
}

/* ---- round trips -------------------------------------------------------- */

static void test_fixture_round_trip(void)
{
    char *h5 = fresh_path("export-fixture.h5");
    char *dir = fresh_path("export-fixture");
    CU_ASSERT_EQUAL_FATAL(write_fixture(h5), 0);
    check_round_trip(h5, dir);
    /* The cases the fixture was built for, as text. */
    csv_doc *d = csv_load(dir, "pods.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_STRING_EQUAL(cell(d, 1, "name"), ODD_POD);
    CU_ASSERT_STRING_EQUAL(cell(d, 3, "name"), "batch,\"quoted\"-7");
    CU_ASSERT_STRING_EQUAL(cell(d, 2, "scheduled_s"), ""); /* NaN */
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "submit_s"), "1.234567891");
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "cycle_time_s"), "0.333333333");
    CU_ASSERT_STRING_EQUAL(cell(d, 2, "rejected_by"), "4294967295");
    CU_ASSERT_STRING_EQUAL(cell(d, 2, "priority"), "-2147483648");
    CU_ASSERT_STRING_EQUAL(cell(d, 2, "node"), "-1");
    csv_free(d);
    d = csv_load(dir, "timeseries.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "queue_active"), "9223372036854775807");
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "queue_unschedulable"), "-1");
    csv_free(d);
    /* Quoting as written: doubled quotes, line breaks inside quotes. */
    char *path = in_dir(dir, "nodes.csv");
    char *text = ks_test_read_file(path, NULL);
    CU_ASSERT_TRUE(text && strstr(text, "\"node, \"\"b\"\"\","));
    CU_ASSERT_TRUE(text && strstr(text, "\"node-c\nsecond line\","));
    CU_ASSERT_TRUE(text && strstr(text, "node-a,3000,"));
    free(text);
    free(path);
    free(dir);
    free(h5);
}

static const char small_scenario[] =
    "apiVersion: ksim.dev/v1\n"
    "kind: Scenario\n"
    "metadata: {name: export-small}\n"
    "spec:\n"
    "  seed: 7\n"
    "  duration: 20m\n"
    "  kubernetesVersion: \"1.36\"\n"
    "  metrics: {interval: 30s}\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - {name: small, count: 3,\n"
    "         allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n"
    "  workloads:\n"
    "    - generator:\n"
    "        name: batch\n"
    "        arrivals: {process: poisson, rate: 0.5/s}\n"
    "        count: 300\n"
    "        duration: {dist: exponential, mean: 5m}\n"
    "        template:\n"
    "          requests:\n"
    "            cpu: {dist: uniform, min: 100m, max: \"2\"}\n"
    "            memory: {dist: lognormal, median: 1Gi, sigma: 0.5}\n";

static void sample(void *ctx, const ks_cluster *c, const int64_t queue[3],
                   ks_time now)
{
    const ks_queue_gauges q = {queue[0], queue[1], queue[2]};
    ks_recorder_sample_queue(ctx, c, &q, now);
}

/* A real (small, overloaded) run: random times, pending pods, the real
 * scheduler's plugin table. */
static void test_scenario_round_trip(void)
{
    char *h5 = fresh_path("export-scenario.h5");
    char *dir = fresh_path("export-scenario");
    ks_scenario *sc = NULL;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_scenario_load_buffer(small_scenario, sizeof small_scenario - 1,
                                     "export-small.yaml", &sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ks_recorder *rec = ks_recorder_create();
    ks_run_options opt = {.sample = sample, .sample_ctx = rec};
    ks_run *run = ks_run_create(sc, &opt);
    rc = ks_run_execute(run, &err);
    if (!rc)
        rc = ks_output_write_run(h5, 1, "test", sc, run, rec, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ks_run_destroy(run);
    ks_recorder_destroy(rec);
    ks_scenario_destroy(sc);

    check_round_trip(h5, dir);
    ks_dataset *ds = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_output_read(h5, &ds, &err), 0);
    /* The run is what the test claims: some pods never scheduled, and
     * plugin rows from the real scheduler. */
    size_t pending = 0;
    for (size_t i = 0; i < ds->npods; i++)
        pending += isnan(ds->pods[i].scheduled);
    CU_ASSERT(pending > 0 && pending < ds->npods);
    CU_ASSERT(ds->nplugins > 0);
    CU_ASSERT(ds->nsamples > 10);
    ks_dataset_destroy(ds);
    free(dir);
    free(h5);
}

/* ---- meta.csv, units.csv, datasets.csv ---------------------------------- */

static int has_unit(const csv_doc *d, const char *dataset, const char *field,
                    const char *unit)
{
    for (size_t r = 1; r < d->nrows; r++)
        if (d->ncols[r] == 3 && strcmp(d->rows[r][0], dataset) == 0 &&
            strcmp(d->rows[r][1], field) == 0)
            return strcmp(d->rows[r][2], unit) == 0;
    return 0;
}

static void test_meta_units_index(void)
{
    char *h5 = fresh_path("export-meta.h5");
    char *dir = fresh_path("export-meta");
    CU_ASSERT_EQUAL_FATAL(write_fixture(h5), 0);
    CU_ASSERT_EQUAL_FATAL(export_quiet(h5, dir, 0, NULL), 0);

    csv_doc *m = csv_load(dir, "meta.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    static const char *const kv[] = {"key", "value"};
    CU_ASSERT_TRUE(header_is(m, kv, 2));
    CU_ASSERT_TRUE(same_str(meta_value(m, "seed"), "18446744073709551557"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "layout_version"), "1"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "events"), "12345"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "duration_s"), "120"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "ksim_version"), "0.1.0-test"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "scenario_name"),
                            "unit, \"export\""));
    /* The scenario text byte for byte, CR LF included. */
    CU_ASSERT_TRUE(same_str(meta_value(m, "scenario"), scenario_text));
    CU_ASSERT_PTR_NOT_NULL(meta_value(m, "rejected_by_bits[0]"));
    csv_free(m);

    csv_doc *u = csv_load(dir, "units.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    static const char *const uh[] = {"dataset", "field", "unit"};
    CU_ASSERT_TRUE(header_is(u, uh, 3));
    CU_ASSERT_TRUE(has_unit(u, "/pods", "cpu_request_m", "millicores"));
    CU_ASSERT_TRUE(has_unit(u, "/pods", "submit_s", "s"));
    CU_ASSERT_TRUE(has_unit(u, "/nodes", "memory_allocatable_bytes",
                            "bytes"));
    CU_ASSERT_TRUE(has_unit(u, "/timeseries", "cpu_allocated", "fraction"));
    CU_ASSERT_TRUE(has_unit(u, "/scheduler_plugins", "plugin", "-"));
    /* One row per column of every table. */
    CU_ASSERT_EQUAL(data_rows(u), NELEMS(pod_cols) + NELEMS(node_cols) +
                                      NELEMS(ts_cols) + NELEMS(plugin_cols));
    csv_free(u);

    csv_doc *x = csv_load(dir, "datasets.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    static const char *const xh[] = {"dataset", "file", "rows",
                                     "description"};
    CU_ASSERT_TRUE(header_is(x, xh, 4));
    CU_ASSERT_EQUAL(data_rows(x), 4);
    int found = 0;
    for (size_t i = 0; i < data_rows(x); i++)
        if (same_str(cell(x, i, "dataset"), "/pods")) {
            found = 1;
            CU_ASSERT_TRUE(same_str(cell(x, i, "file"), "pods.csv"));
            CU_ASSERT_TRUE(same_str(cell(x, i, "rows"), "4"));
            CU_ASSERT(strlen(cell(x, i, "description")) > 20);
        }
    CU_ASSERT_TRUE(found);
    csv_free(x);
    free(dir);
    free(h5);
}

/* ---- force, atomicity, determinism -------------------------------------- */

static void test_existing_needs_force(void)
{
    char *h5 = fresh_path("export-force.h5");
    char *dir = fresh_path("export-force");
    CU_ASSERT_EQUAL_FATAL(write_fixture(h5), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0777), 0);
    char *nodes = in_dir(dir, "nodes.csv");
    char *pods = in_dir(dir, "pods.csv");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(nodes, "precious\n"), 0);

    ks_error err;
    ks_error_clear(&err);
    ks_export_summary sum;
    CU_ASSERT_EQUAL(ks_export_csv(h5, dir, 0, &sum, &err), KS_EEXIST);
    CU_ASSERT_EQUAL(err.code, KS_EEXIST);
    CU_ASSERT_STRING_EQUAL(err.file, nodes);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "--force"));
    CU_ASSERT_EQUAL(sum.nfiles, 0);
    /* Nothing written: not even the files that did not exist. */
    char *text = ks_test_read_file(nodes, NULL);
    CU_ASSERT_STRING_EQUAL(text ? text : "", "precious\n");
    free(text);
    CU_ASSERT_FALSE(ks_test_file_exists(pods));
    CU_ASSERT_FALSE(dir_has_hidden(dir));

    /* With force every file is (re)written. */
    CU_ASSERT_EQUAL(ks_export_csv(h5, dir, 1, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.nfiles, 7);
    ks_export_summary_clear(&sum);
    ks_export_summary_clear(NULL);
    text = ks_test_read_file(nodes, NULL);
    CU_ASSERT_TRUE(text && strstr(text, "cpu_allocatable_m"));
    free(text);
    CU_ASSERT_TRUE(ks_test_file_exists(pods));
    CU_ASSERT_FALSE(dir_has_hidden(dir));

    /* The same file gives the same bytes. */
    char *dir2 = fresh_path("export-force-again");
    CU_ASSERT_EQUAL(export_quiet(h5, dir2, 0, NULL), 0);
    static const char *const files[] = {"pods.csv", "nodes.csv",
                                        "timeseries.csv", "meta.csv",
                                        "units.csv", "datasets.csv"};
    for (size_t i = 0; i < NELEMS(files); i++) {
        char *a = in_dir(dir, files[i]), *b = in_dir(dir2, files[i]);
        CU_ASSERT_TRUE(ks_test_same_bytes(a, b));
        free(a);
        free(b);
    }
    free(dir2);
    free(pods);
    free(nodes);
    free(dir);
    free(h5);
}

/* The output folder is a regular file: a clear error, nothing else. */
static void test_output_folder_is_a_file(void)
{
    char *h5 = fresh_path("export-blocked.h5");
    char *dir = fresh_path("export-blocked");
    CU_ASSERT_EQUAL_FATAL(write_fixture(h5), 0);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(dir, "a file\n"), 0);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_export_csv(h5, dir, 1, NULL, &err);
    CU_ASSERT(rc < 0);
    CU_ASSERT_EQUAL(err.code, rc);
    CU_ASSERT(err.msg[0] != '\0');
    free(dir);
    free(h5);
}

/* ---- bad input ---------------------------------------------------------- */

static int export_fails(const char *h5, const char *dir, int want)
{
    ks_error err;
    ks_error_clear(&err);
    ks_export_summary sum;
    int rc = ks_export_csv(h5, dir, 0, &sum, &err);
    int ok = rc < 0 && err.code == rc && err.msg[0] != '\0' &&
             strcmp(err.file, h5) == 0 && (want == 0 || rc == want) &&
             sum.nfiles == 0 && !ks_test_file_exists(dir);
    if (!ok)
        fprintf(stderr, "export_fails(%s): rc %d, msg '%s'\n", h5, rc,
                err.msg);
    return ok;
}

static void test_bad_input(void)
{
    char *dir = fresh_path("export-bad-out");
    char *missing = fresh_path("export-missing.h5");
    CU_ASSERT_TRUE(export_fails(missing, dir, KS_ENOENT));
    CU_ASSERT_TRUE(ks_err_is_input(KS_ENOENT));

    char *text = fresh_path("export-text.h5");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(text, "name: not hdf5\n"), 0);
    CU_ASSERT_TRUE(export_fails(text, dir, KS_EINVAL));
    CU_ASSERT_TRUE(ks_err_is_input(KS_EINVAL));

    char *folder = fresh_path("export-folder.h5");
    CU_ASSERT_EQUAL_FATAL(mkdir(folder, 0777), 0);
    CU_ASSERT_TRUE(export_fails(folder, dir, KS_EINVAL));

    /* The first half of a real file. */
    char *good = fresh_path("export-whole.h5");
    CU_ASSERT_EQUAL_FATAL(write_fixture(good), 0);
    size_t n = 0;
    char *bytes = ks_test_read_file(good, &n);
    CU_ASSERT_FATAL(bytes != NULL && n > 1000);
    char *cut = fresh_path("export-truncated.h5");
    FILE *f = fopen(cut, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(bytes, 1, n / 2, f);
    fclose(f);
    CU_ASSERT_TRUE(export_fails(cut, dir, 0));
    free(bytes);
    free(cut);
    free(good);
    free(folder);
    free(text);
    free(missing);
    free(dir);
}

/* A dataset whose data cannot be read (its external data file is gone):
 * the export fails naming it, and no CSV file appears, not even those of
 * the datasets read before it. */
static void test_unreadable_dataset(void)
{
    char *h5 = fresh_path("export-external.h5");
    char *ext = fresh_path("export-external.bin");
    char *dir = fresh_path("export-external");
    hid_t file = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(file >= 0);
    int64_t v[4] = {1, 2, 3, 4};
    hsize_t four = 4;
    hid_t space = H5Screate_simple(1, &four, NULL);
    hid_t d = H5Dcreate2(file, "a", H5T_STD_I64LE, space, H5P_DEFAULT,
                         H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       v) >= 0);
    H5Dclose(d);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, ext, 0, sizeof v);
    d = H5Dcreate2(file, "b", H5T_STD_I64LE, space, H5P_DEFAULT, dcpl,
                   H5P_DEFAULT);
    CU_ASSERT(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       v) >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    CU_ASSERT_EQUAL_FATAL(remove(ext), 0);

    ks_error err;
    ks_error_clear(&err);
    int rc = ks_export_csv(h5, dir, 0, NULL, &err);
    CU_ASSERT_EQUAL(rc, KS_EHDF5);
    CU_ASSERT_STRING_EQUAL(err.file, h5);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/b"));
    char *a = in_dir(dir, "a.csv");
    CU_ASSERT_FALSE(ks_test_file_exists(a));
    CU_ASSERT_FALSE(dir_has_hidden(dir));
    free(a);
    free(dir);
    free(ext);
    free(h5);
}

/* ---- datasets later layouts may add ------------------------------------- */

typedef struct odd_row {
    char name[16];
    char *note;
    int8_t i8;
    uint64_t u64;
    float f32;
    double f64;
    int16_t arr[3];
    struct {
        int32_t a;
        double b;
    } inner;
} odd_row;

#define NODD 5
static const char *const odd_names[NODD] = {"plain", "a,b", "say \"hi\"",
                                            "two\nlines", "cr\rhere"};
static const char *const odd_notes[NODD] = {"", " lead space", "x,\"y\"\r\n",
                                            "\xc3\xa9t\xc3\xa9", "tab\there"};

static odd_row odd_value(int i)
{
    static const double f64s[NODD] = {0.1, -0.0, 4.9406564584124654e-324,
                                      DBL_MAX, 1.0 / 3.0};
    static const float f32s[NODD] = {0.1f, FLT_MIN, -FLT_MAX, 16777217.0f,
                                     1.0f / 3.0f};
    odd_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", odd_names[i]);
    r.note = (char *)odd_notes[i];
    r.i8 = i == 0 ? INT8_MIN : (int8_t)(i * 31);
    r.u64 = i == 0 ? UINT64_MAX : (uint64_t)i * 1000000007ULL;
    r.f32 = f32s[i];
    r.f64 = f64s[i];
    for (int k = 0; k < 3; k++)
        r.arr[k] = (int16_t)(i * 100 - k);
    r.inner.a = -i;
    r.inner.b = i == 3 ? NAN : i == 4 ? -INFINITY : i * 1.1;
    return r;
}

static hid_t odd_type(void)
{
    hid_t name = H5Tcopy(H5T_C_S1);
    H5Tset_size(name, 16);
    hid_t vstr = H5Tcopy(H5T_C_S1);
    H5Tset_size(vstr, H5T_VARIABLE);
    hsize_t three = 3;
    hid_t arr = H5Tarray_create2(H5T_NATIVE_INT16, 1, &three);
    hid_t inner = H5Tcreate(H5T_COMPOUND, sizeof(((odd_row *)0)->inner));
    H5Tinsert(inner, "a", 0, H5T_NATIVE_INT32);
    H5Tinsert(inner, "b", sizeof(double), H5T_NATIVE_DOUBLE);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(odd_row));
    H5Tinsert(t, "name", offsetof(odd_row, name), name);
    H5Tinsert(t, "note", offsetof(odd_row, note), vstr);
    H5Tinsert(t, "i8", offsetof(odd_row, i8), H5T_NATIVE_INT8);
    H5Tinsert(t, "u64", offsetof(odd_row, u64), H5T_NATIVE_UINT64);
    H5Tinsert(t, "f32", offsetof(odd_row, f32), H5T_NATIVE_FLOAT);
    H5Tinsert(t, "f64", offsetof(odd_row, f64), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "arr", offsetof(odd_row, arr), arr);
    H5Tinsert(t, "inner", offsetof(odd_row, inner), inner);
    H5Tclose(name);
    H5Tclose(vstr);
    H5Tclose(arr);
    H5Tclose(inner);
    return t;
}

static void write_ds(hid_t loc, const char *name, hid_t type, int rank,
                     const hsize_t *dims, const void *data)
{
    hid_t space = rank ? H5Screate_simple(rank, dims, NULL)
                       : H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    CU_ASSERT_FATAL(d >= 0);
    if (data)
        CU_ASSERT(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(d);
    H5Sclose(space);
}

static void write_str_attr(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &value);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/* A file with the kinds of datasets a later layout might add. */
static void write_generic_file(const char *path)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(file >= 0);
    hid_t g = H5Gcreate2(file, "/g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t sub = H5Gcreate2(g, "sub", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

    odd_row rows[NODD];
    for (int i = 0; i < NODD; i++)
        rows[i] = odd_value(i);
    hid_t ot = odd_type();
    hsize_t n = NODD;
    write_ds(sub, "odd", ot, 1, &n, rows);
    hid_t d = H5Dopen2(sub, "odd", H5P_DEFAULT);
    const char *units[8] = {"-", "-", "count", "bytes", "s", "s", "m", "x"};
    hid_t vt = H5Tcopy(H5T_C_S1);
    H5Tset_size(vt, H5T_VARIABLE);
    hsize_t eight = 8;
    hid_t us = H5Screate_simple(1, &eight, NULL);
    hid_t a = H5Acreate2(d, "units", vt, us, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, vt, units);
    H5Aclose(a);
    H5Sclose(us);
    write_str_attr(d, "description", "odd rows, \"quoted\"");
    H5Dclose(d);
    H5Tclose(ot);

    double vec[5] = {0.1, NAN, INFINITY, -1e-300, 2.5};
    hsize_t five = 5;
    write_ds(file, "vec", H5T_NATIVE_DOUBLE, 1, &five, vec);
    H5Lcreate_soft("/vec", file, "link_to_vec", H5P_DEFAULT, H5P_DEFAULT);

    int32_t matrix[3][4];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            matrix[i][j] = i * 10 + j - 5;
    hsize_t mdims[2] = {3, 4};
    write_ds(file, "matrix", H5T_STD_I32BE, 2, mdims, NULL);
    d = H5Dopen2(file, "matrix", H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, matrix);
    H5Dclose(d);

    int64_t clash[2] = {1, 2};
    hsize_t two = 2;
    write_ds(file, "units", H5T_NATIVE_INT64, 1, &two, clash);
    write_ds(file, "Weird name!", H5T_NATIVE_INT64, 1, &two, clash);

    double scalar = -0.0;
    write_ds(file, "scalar", H5T_NATIVE_DOUBLE, 0, NULL, &scalar);

    hid_t opaque = H5Tcreate(H5T_OPAQUE, 4);
    H5Tset_tag(opaque, "blob");
    uint32_t blob[2] = {1, 2};
    write_ds(file, "blob", opaque, 1, &two, blob);
    H5Tclose(opaque);

    hid_t e = H5Tenum_create(H5T_NATIVE_INT8);
    int8_t no = 0, yes = 1;
    H5Tenum_insert(e, "FALSE", &no);
    H5Tenum_insert(e, "TRUE", &yes);
    int8_t flags[3] = {1, 0, 7};
    hsize_t three = 3;
    write_ds(file, "flags", e, 1, &three, flags);
    H5Tclose(e);

    hid_t sp = H5Tcopy(H5T_C_S1);
    H5Tset_size(sp, 6);
    H5Tset_strpad(sp, H5T_STR_SPACEPAD);
    write_ds(file, "padded", sp, 1, &two, "ab    cdefgh");
    H5Tclose(sp);

    hid_t m = H5Gcreate2(file, "/meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    write_str_attr(m, "note", "a, \"b\"\nc");
    int32_t ints[3] = {-1, 0, 7};
    hid_t is = H5Screate_simple(1, &three, NULL);
    a = H5Acreate2(m, "ints", H5T_STD_I32LE, is, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT32, ints);
    H5Aclose(a);
    H5Sclose(is);
    hid_t ss = H5Screate(H5S_SCALAR);
    double nan = NAN;
    a = H5Acreate2(m, "nothing", H5T_IEEE_F64LE, ss, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &nan);
    H5Aclose(a);
    H5Sclose(ss);
    H5Gclose(m);

    H5Tclose(vt);
    H5Gclose(sub);
    H5Gclose(g);
    H5Fclose(file);
}

static void check_odd(const char *dir)
{
    csv_doc *d = csv_load(dir, "g_sub_odd.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const char *const cols[] = {
        "name",   "note",   "i8",     "u64",     "f32",    "f64",
        "arr[0]", "arr[1]", "arr[2]", "inner.a", "inner.b"};
    CU_ASSERT_TRUE(header_is(d, cols, NELEMS(cols)));
    CU_ASSERT_TRUE(rectangular(d));
    CU_ASSERT_EQUAL_FATAL(data_rows(d), NODD);
    tally t = {0};
    for (size_t i = 0; i < NODD; i++) {
        odd_row r = odd_value((int)i);
#define E(ok, col) expect(&t, ok, "odd", i, col)
        E(same_str(cell(d, i, "name"), odd_names[i]), "name");
        E(same_str(cell(d, i, "note"), odd_notes[i]), "note");
        E(same_i64(cell(d, i, "i8"), r.i8), "i8");
        E(same_u64(cell(d, i, "u64"), r.u64), "u64");
        E(same_f32(cell(d, i, "f32"), r.f32), "f32");
        E(same_f64(cell(d, i, "f64"), r.f64), "f64");
        E(same_i64(cell(d, i, "arr[0]"), r.arr[0]), "arr[0]");
        E(same_i64(cell(d, i, "arr[2]"), r.arr[2]), "arr[2]");
        E(same_i64(cell(d, i, "inner.a"), r.inner.a), "inner.a");
        E(same_f64(cell(d, i, "inner.b"), r.inner.b), "inner.b");
#undef E
    }
    CU_ASSERT_EQUAL(t.bad, 0);
    /* Short forms where they are exact; float precision for floats. */
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "f64"), "0.1");
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "f32"), "0.1");
    CU_ASSERT_STRING_EQUAL(cell(d, 1, "f64"), "-0");
    CU_ASSERT_STRING_EQUAL(cell(d, 0, "u64"), "18446744073709551615");
    CU_ASSERT_STRING_EQUAL(cell(d, 3, "inner.b"), "");
    CU_ASSERT_STRING_EQUAL(cell(d, 4, "inner.b"), "-inf");
    csv_free(d);
}

static void check_plain_arrays(const char *dir)
{
    csv_doc *d = csv_load(dir, "vec.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const char *const value[] = {"value"};
    CU_ASSERT_TRUE(header_is(d, value, 1));
    CU_ASSERT_EQUAL(data_rows(d), 5);
    CU_ASSERT_TRUE(same_f64(cell(d, 0, "value"), 0.1));
    CU_ASSERT_TRUE(same_str(cell(d, 1, "value"), ""));
    CU_ASSERT_TRUE(same_str(cell(d, 2, "value"), "inf"));
    CU_ASSERT_TRUE(same_f64(cell(d, 3, "value"), -1e-300));
    csv_free(d);

    d = csv_load(dir, "matrix.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const char *const mcols[] = {"value[0]", "value[1]", "value[2]",
                                        "value[3]"};
    CU_ASSERT_TRUE(header_is(d, mcols, 4));
    CU_ASSERT_EQUAL_FATAL(data_rows(d), 3);
    int bad = 0;
    for (size_t i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            bad += !same_i64(d->rows[i + 1][j], (long long)i * 10 + j - 5);
    CU_ASSERT_EQUAL(bad, 0);
    csv_free(d);

    d = csv_load(dir, "scalar.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(data_rows(d), 1);
    CU_ASSERT_TRUE(same_f64(cell(d, 0, "value"), -0.0));
    csv_free(d);

    d = csv_load(dir, "flags.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(same_str(cell(d, 0, "value"), "TRUE"));
    CU_ASSERT_TRUE(same_str(cell(d, 1, "value"), "FALSE"));
    CU_ASSERT_TRUE(same_str(cell(d, 2, "value"), "7")); /* no name */
    csv_free(d);

    d = csv_load(dir, "padded.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_TRUE(same_str(cell(d, 0, "value"), "ab"));
    CU_ASSERT_TRUE(same_str(cell(d, 1, "value"), "cdefgh"));
    csv_free(d);
}

static void check_generic_index(const char *dir)
{
    csv_doc *x = csv_load(dir, "datasets.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    /* Depth first in name order; the soft link is not a second copy, the
     * opaque dataset is not there. */
    static const char *const want[][2] = {
        {"/Weird name!", "Weird_name_.csv"}, {"/flags", "flags.csv"},
        {"/g/sub/odd", "g_sub_odd.csv"},     {"/matrix", "matrix.csv"},
        {"/padded", "padded.csv"},           {"/scalar", "scalar.csv"},
        {"/units", "units_2.csv"},           {"/vec", "vec.csv"}};
    CU_ASSERT_EQUAL(data_rows(x), NELEMS(want));
    for (size_t i = 0; i < NELEMS(want) && i < data_rows(x); i++) {
        CU_ASSERT_TRUE(same_str(cell(x, i, "dataset"), want[i][0]));
        CU_ASSERT_TRUE(same_str(cell(x, i, "file"), want[i][1]));
    }
    csv_free(x);

    csv_doc *u = csv_load(dir, "units.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_TRUE(has_unit(u, "/g/sub/odd", "f32", "s"));
    CU_ASSERT_TRUE(has_unit(u, "/g/sub/odd", "arr[1]", "m"));
    CU_ASSERT_TRUE(has_unit(u, "/g/sub/odd", "inner.b", "x"));
    csv_free(u);

    csv_doc *m = csv_load(dir, "meta.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_TRUE(same_str(meta_value(m, "note"), "a, \"b\"\nc"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "ints[0]"), "-1"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "ints[2]"), "7"));
    CU_ASSERT_TRUE(same_str(meta_value(m, "nothing"), ""));
    csv_free(m);
}

static void test_generic_datasets(void)
{
    char *h5 = fresh_path("export-generic.h5");
    char *dir = fresh_path("export-generic");
    write_generic_file(h5);
    ks_export_summary sum;
    CU_ASSERT_EQUAL_FATAL(export_quiet(h5, dir, 0, &sum), 0);
    CU_ASSERT_EQUAL(sum.nfiles, 11);
    CU_ASSERT_EQUAL_FATAL(sum.nskipped, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(sum.skipped[0], "/blob"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sum.skipped[0], "opaque"));
    ks_export_summary_clear(&sum);
    check_odd(dir);
    check_plain_arrays(dir);
    check_generic_index(dir);
    char *blob = in_dir(dir, "blob.csv");
    CU_ASSERT_FALSE(ks_test_file_exists(blob));
    free(blob);
    free(dir);
    free(h5);
}

/* ---- a table read in several slices ------------------------------------- */

#define NBIG 150000 /* more than two slices of 65536 rows */

typedef struct big_row {
    int64_t i;
    double x;
    char *s;
} big_row;

static void test_many_rows(void)
{
    char *h5 = fresh_path("export-big.h5");
    char *dir = fresh_path("export-big");
    hid_t vs = H5Tcopy(H5T_C_S1);
    H5Tset_size(vs, H5T_VARIABLE);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(big_row));
    H5Tinsert(t, "i", offsetof(big_row, i), H5T_NATIVE_INT64);
    H5Tinsert(t, "x", offsetof(big_row, x), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "s", offsetof(big_row, s), vs);
    big_row *rows = ks_xcalloc(NBIG, sizeof *rows);
    for (size_t i = 0; i < NBIG; i++) {
        rows[i].i = (int64_t)i - 7;
        rows[i].x = (double)i / 3.0 + 1e-9;
        rows[i].s = ks_xasprintf(i % 1000 ? "r%zu" : "r,%zu", i);
    }
    hid_t file = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = NBIG, chunk = 4096;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    hid_t d = H5Dcreate2(file, "rows", t, space, H5P_DEFAULT, dcpl,
                         H5P_DEFAULT);
    CU_ASSERT(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);

    CU_ASSERT_EQUAL_FATAL(export_quiet(h5, dir, 0, NULL), 0);
    csv_doc *doc = csv_load(dir, "rows.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL_FATAL(data_rows(doc), NBIG);
    CU_ASSERT_TRUE(rectangular(doc));
    tally tl = {0};
    for (size_t i = 0; i < NBIG; i++) {
        char **f = doc->rows[i + 1];
        expect(&tl, same_i64(f[0], rows[i].i), "rows", i, "i");
        expect(&tl, same_f64(f[1], rows[i].x), "rows", i, "x");
        expect(&tl, same_str(f[2], rows[i].s), "rows", i, "s");
    }
    CU_ASSERT_EQUAL(tl.bad, 0);
    csv_free(doc);
    for (size_t i = 0; i < NBIG; i++)
        free(rows[i].s);
    free(rows);
    H5Tclose(t);
    H5Tclose(vs);
    free(dir);
    free(h5);
}

/* ---- the command line --------------------------------------------------- */

static int ksim(const char *args, char **out, char **err)
{
    char *cmd = ks_xasprintf("'%s' %s", ks_test_ksim(), args);
    int rc = ks_test_run(cmd, out, err);
    free(cmd);
    return rc;
}

static void test_cli(void)
{
    char *h5 = fresh_path("export-cli.h5");
    char *dir = fresh_path("export-cli");
    char *text = fresh_path("export-cli.txt");
    CU_ASSERT_EQUAL_FATAL(write_fixture(h5), 0);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(text, "not hdf5\n"), 0);
    char *out = NULL, *err = NULL, *args;

    CU_ASSERT_EQUAL(ksim("export --help", &out, NULL), 0);
    CU_ASSERT_TRUE(out && strstr(out, "--csv DIR"));
    free(out);
    CU_ASSERT_EQUAL(ksim("help export", &out, NULL), 0);
    CU_ASSERT_TRUE(out && strstr(out, "ksim export"));
    free(out);
    CU_ASSERT_EQUAL(ksim("export", NULL, NULL), 2);
    args = ks_xasprintf("export '%s'", h5);
    CU_ASSERT_EQUAL(ksim(args, NULL, &err), 2); /* no --csv */
    CU_ASSERT_TRUE(err && strstr(err, "--csv"));
    free(err);
    free(args);

    args = ks_xasprintf("export '%s' --csv '%s'", text, dir);
    CU_ASSERT_EQUAL(ksim(args, NULL, &err), 2);
    CU_ASSERT_TRUE(err && strstr(err, text));
    CU_ASSERT_TRUE(err && strstr(err, "HDF5"));
    free(err);
    free(args);
    args = ks_xasprintf("export '%s.missing' --csv '%s'", h5, dir);
    CU_ASSERT_EQUAL(ksim(args, NULL, &err), 2);
    CU_ASSERT_TRUE(err && strstr(err, ".missing"));
    free(err);
    free(args);

    args = ks_xasprintf("export '%s' --csv '%s'", h5, dir);
    CU_ASSERT_EQUAL(ksim(args, &out, &err), 0);
    CU_ASSERT_TRUE(out && strstr(out, "pods.csv"));
    CU_ASSERT_TRUE(err && err[0] == '\0');
    free(out);
    free(err);
    CU_ASSERT_EQUAL(ksim(args, NULL, &err), 2); /* exists */
    CU_ASSERT_TRUE(err && strstr(err, "--force"));
    free(err);
    free(args);
    args = ks_xasprintf("export --force '%s' --csv '%s'", h5, dir);
    CU_ASSERT_EQUAL(ksim(args, NULL, NULL), 0);
    free(args);
    free(text);
    free(dir);
    free(h5);
}

void ks_suite_export(void)
{
    static const ks_test_case cases[] = {
        {"fixture round-trips the numbers", test_fixture_round_trip},
        {"real run round-trips the numbers", test_scenario_round_trip},
        {"meta, units and datasets files", test_meta_units_index},
        {"existing files need force", test_existing_needs_force},
        {"output folder is a file", test_output_folder_is_a_file},
        {"bad input files", test_bad_input},
        {"unreadable dataset writes nothing", test_unreadable_dataset},
        {"datasets of other shapes and types", test_generic_datasets},
        {"table read in several slices", test_many_rows},
        {"command line", test_cli},
        {NULL, NULL},
    };
    ks_test_add_suite("export", cases);
}
