/* test_output.c - the recorder and the HDF5 run dataset (analysis/output.c).
 *
 * The dataset is ksim's product: these tests pin that what is written is
 * what is read back (every field, NaNs included), that the same run gives
 * the same bytes, that writing is atomic (no partial file, no stray
 * temporary, no overwrite without force) and that a corrupt or foreign file
 * is an error, never a crash.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <hdf5.h>

#include "analysis/output.h"
#include "analysis/recorder.h"
#include "sim/cluster.h"
#include "sim/xalloc.h"
#include "tests/suites.h"
#include "tests/test_util.h"

#define GiB (1024LL * 1024 * 1024)

/* ---- fixtures ---------------------------------------------------------------- */

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

static const char *const sources[] = {"web", "batch"};

/* Three nodes (one with a name too long for the table) and four pods: one
 * succeeded, one running without a memory request, two pending (one from
 * the second source, never scheduled). */
static ks_cluster *make_cluster(void)
{
    ks_cluster *c = ks_cluster_create();
    int64_t big[KS_RES_COUNT] = {4000, 8 * GiB, 110};
    int64_t small[KS_RES_COUNT] = {2000, 4 * GiB, 20};
    ks_cluster_add_node(c, "node-a", big, 0);
    ks_cluster_add_node(c, "node-b", small, 0);
    ks_cluster_add_node(c,
                        "node-with-a-very-long-name-0123456789-0123456789-"
                        "0123456789-0123456789",
                        small, 1);
    int64_t r0[KS_RES_COUNT] = {500, 1 * GiB, 1};
    int64_t r1[KS_RES_COUNT] = {1000, -1, 1};
    int64_t r2[KS_RES_COUNT] = {250, 512 * 1024 * 1024, 1};
    uint32_t p0 = ks_cluster_add_pod(c, 0, r0, 60 * KS_SECOND, 0, 0);
    uint32_t p1 = ks_cluster_add_pod(c, 2 * KS_SECOND, r1, KS_HOUR, 0, 1);
    uint32_t p2 = ks_cluster_add_pod(c, 3 * KS_SECOND, r2, KS_HOUR, 0, 2);
    ks_cluster_add_pod(c, 3 * KS_SECOND, r2, KS_HOUR, 1, 7);
    ks_cluster_bind(c, p0, 0, 1500 * KS_MILLISECOND);
    ks_cluster_bind(c, p1, 1, 2 * KS_SECOND);
    ks_cluster_complete(c, p0, 100 * KS_SECOND);
    c->pods[p2].attempts = 3;
    return c;
}

static ks_recorder *make_recorder(const ks_cluster *c)
{
    ks_recorder *rec = ks_recorder_create();
    ks_recorder_sample(rec, c, 0);
    ks_recorder_sample(rec, c, 90 * KS_SECOND);
    ks_recorder_sample(rec, c, 120 * KS_SECOND);
    return rec;
}

static const char scenario_text[] = "apiVersion: ksim/v1\nname: unit\n";

static ks_run_info make_info(void)
{
    ks_run_info info = {
        .ksim_version = "0.1.0-test",
        .scenario_name = "unit",
        .scenario_path = "tests/unit.yaml",
        .scenario_text = scenario_text,
        .scenario_len = sizeof scenario_text - 1,
        .kubernetes_version = "v1.36",
        .seed = 18446744073709551557ULL, /* > INT64_MAX: stays unsigned */
        .duration_s = 120.0,
        .end_time_s = 120.0,
        .events = 12345,
        .source_names = sources,
        .nsources = 2,
    };
    return info;
}

static int write_fixture(const char *path, int force)
{
    ks_cluster *c = make_cluster();
    ks_recorder *rec = make_recorder(c);
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_output_write(path, force, &info, c, rec, &err);
    if (rc)
        ks_error_print(&err, stderr);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
    return rc;
}

/* Does folder dir hold an entry starting with prefix (a leftover temp)? */
static int dir_has_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            found = 1;
    closedir(d);
    return found;
}

/* ---- recorder ------------------------------------------------------------------ */

static void test_recorder_fractions(void)
{
    ks_cluster *c = make_cluster();
    ks_recorder *rec = make_recorder(c);
    CU_ASSERT_EQUAL_FATAL(rec->nsamples, 3);
    const ks_sample *s = &rec->samples[2];
    CU_ASSERT_DOUBLE_EQUAL(s->time, 120.0, 1e-12);
    CU_ASSERT_EQUAL(s->pods_pending, 2);
    CU_ASSERT_EQUAL(s->pods_running, 1);
    /* Only p1 (1000m, no memory request) holds resources now. */
    CU_ASSERT_DOUBLE_EQUAL(s->cpu_allocated, 1000.0 / 8000.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s->memory_allocated, 0.0, 1e-12);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
}

static void test_recorder_same_time_replaces(void)
{
    ks_cluster *c = ks_cluster_create();
    int64_t alloc[KS_RES_COUNT] = {1000, GiB, 10};
    int64_t req[KS_RES_COUNT] = {500, GiB / 4, 1};
    ks_cluster_add_node(c, "n", alloc, 0);
    ks_recorder *rec = ks_recorder_create();
    ks_recorder_sample(rec, c, 0);
    uint32_t p = ks_cluster_add_pod(c, 5 * KS_SECOND, req, KS_HOUR, 0, 0);
    ks_recorder_sample(rec, c, 5 * KS_SECOND);
    ks_cluster_bind(c, p, 0, 5 * KS_SECOND);
    ks_recorder_sample(rec, c, 5 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(rec->nsamples, 2);
    CU_ASSERT_EQUAL(rec->samples[1].pods_pending, 0);
    CU_ASSERT_EQUAL(rec->samples[1].pods_running, 1);
    CU_ASSERT_DOUBLE_EQUAL(rec->samples[1].cpu_allocated, 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(rec->samples[1].memory_allocated, 0.25, 1e-12);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
}

static void test_recorder_empty_cluster_is_zero(void)
{
    ks_cluster *c = ks_cluster_create();
    ks_recorder *rec = ks_recorder_create();
    ks_recorder_sample(rec, c, 0);
    CU_ASSERT_EQUAL_FATAL(rec->nsamples, 1);
    CU_ASSERT_EQUAL(rec->samples[0].cpu_allocated, 0.0);
    CU_ASSERT_EQUAL(rec->samples[0].memory_allocated, 0.0);
    CU_ASSERT_FALSE(isnan(rec->samples[0].cpu_allocated));
    ks_recorder_destroy(rec);
    ks_recorder_destroy(NULL);
    ks_cluster_destroy(c);
}

/* ---- round trip ------------------------------------------------------------------ */

static double secs(ks_time t)
{
    return t < 0 ? NAN : (double)t / 1e9;
}

/* Equal, or both NaN. */
static int same_time(double got, double want)
{
    return isnan(want) ? isnan(got) : got == want;
}

static void check_pods(const ks_dataset *ds, const ks_cluster *c)
{
    CU_ASSERT_EQUAL_FATAL(ds->npods, c->npods);
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        const ks_pod_row *r = &ds->pods[i];
        char want[KS_NAME_MAX];
        snprintf(want, sizeof want, "%s-%u", sources[p->source],
                 (unsigned)p->ordinal);
        CU_ASSERT_STRING_EQUAL(r->name, want);
        CU_ASSERT(same_time(r->submit, secs(p->submit)));
        CU_ASSERT(same_time(r->scheduled, secs(p->scheduled)));
        CU_ASSERT(same_time(r->start, secs(p->start)));
        CU_ASSERT(same_time(r->end, secs(p->end)));
        CU_ASSERT_EQUAL(r->node, p->node == KS_NO_NODE ? -1 : (int)p->node);
        CU_ASSERT_EQUAL(r->attempts, p->attempts);
        CU_ASSERT_EQUAL(r->cpu_request, p->request[KS_RES_CPU]);
        CU_ASSERT_EQUAL(r->memory_request, p->request[KS_RES_MEMORY]);
    }
    /* The cases the fixture was built for. */
    CU_ASSERT_STRING_EQUAL(ds->pods[3].name, "batch-7");
    CU_ASSERT_DOUBLE_EQUAL(ds->pods[0].scheduled, 1.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ds->pods[0].end, 100.0, 1e-12);
    CU_ASSERT(isnan(ds->pods[1].end));
    CU_ASSERT(isnan(ds->pods[2].scheduled));
    CU_ASSERT_EQUAL(ds->pods[2].node, -1);
    CU_ASSERT_EQUAL(ds->pods[2].attempts, 3);
    CU_ASSERT_EQUAL(ds->pods[1].memory_request, 0);
}

static void check_nodes(const ks_dataset *ds, const ks_cluster *c)
{
    CU_ASSERT_EQUAL_FATAL(ds->nnodes, c->nnodes);
    for (size_t i = 0; i < c->nnodes; i++) {
        const ks_node *n = &c->nodes[i];
        const ks_node_row *r = &ds->nodes[i];
        CU_ASSERT_EQUAL(strncmp(r->name, n->name, KS_NAME_MAX - 1), 0);
        CU_ASSERT(strlen(r->name) <= KS_NAME_MAX - 1);
        CU_ASSERT_EQUAL(r->cpu_allocatable, n->allocatable[KS_RES_CPU]);
        CU_ASSERT_EQUAL(r->memory_allocatable, n->allocatable[KS_RES_MEMORY]);
        CU_ASSERT_EQUAL(r->pods_allocatable, n->allocatable[KS_RES_PODS]);
    }
    CU_ASSERT_EQUAL(strlen(ds->nodes[2].name), KS_NAME_MAX - 1);
}

static void check_samples(const ks_dataset *ds, const ks_recorder *rec)
{
    CU_ASSERT_EQUAL_FATAL(ds->nsamples, rec->nsamples);
    for (size_t i = 0; i < rec->nsamples; i++) {
        const ks_sample *a = &ds->samples[i], *b = &rec->samples[i];
        CU_ASSERT_EQUAL(a->time, b->time);
        CU_ASSERT_EQUAL(a->pods_pending, b->pods_pending);
        CU_ASSERT_EQUAL(a->pods_running, b->pods_running);
        CU_ASSERT_EQUAL(a->cpu_allocated, b->cpu_allocated);
        CU_ASSERT_EQUAL(a->memory_allocated, b->memory_allocated);
    }
}

static void check_meta(const ks_dataset *ds, const ks_run_info *info)
{
    CU_ASSERT_STRING_EQUAL(ds->ksim_version, info->ksim_version);
    CU_ASSERT_STRING_EQUAL(ds->scenario_name, info->scenario_name);
    CU_ASSERT_STRING_EQUAL(ds->scenario, info->scenario_text);
    CU_ASSERT_STRING_EQUAL(ds->kubernetes_version, info->kubernetes_version);
    CU_ASSERT_EQUAL(ds->layout_version, KS_OUTPUT_LAYOUT_VERSION);
    CU_ASSERT_EQUAL(ds->seed, info->seed);
    CU_ASSERT_EQUAL(ds->duration_s, info->duration_s);
    CU_ASSERT_EQUAL(ds->end_time_s, info->end_time_s);
}

static void test_round_trip(void)
{
    char *path = fresh_path("output-roundtrip.h5");
    ks_cluster *c = make_cluster();
    ks_recorder *rec = make_recorder(c);
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_output_write(path, 0, &info, c, rec, &err), 0);
    ks_dataset *ds = NULL;
    int rc = ks_output_read(path, &ds, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    check_meta(ds, &info);
    check_pods(ds, c);
    check_nodes(ds, c);
    check_samples(ds, rec);
    ks_dataset_destroy(ds);
    ks_dataset_destroy(NULL);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
    free(path);
}

static void test_zero_rows(void)
{
    char *path = fresh_path("output-empty.h5");
    ks_cluster *c = ks_cluster_create();
    ks_recorder *rec = ks_recorder_create();
    ks_run_info info = make_info();
    info.scenario_text = NULL;
    info.source_names = NULL;
    info.nsources = 0;
    info.kubernetes_version = NULL;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(ks_output_write(path, 0, &info, c, rec, &err), 0);
    ks_dataset *ds = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_output_read(path, &ds, &err), 0);
    CU_ASSERT_EQUAL(ds->npods, 0);
    CU_ASSERT_EQUAL(ds->nnodes, 0);
    CU_ASSERT_EQUAL(ds->nsamples, 0);
    CU_ASSERT_STRING_EQUAL(ds->scenario, "");
    CU_ASSERT_STRING_EQUAL(ds->kubernetes_version, "");
    ks_dataset_destroy(ds);
    /* A NULL recorder is an empty time series. */
    CU_ASSERT_EQUAL(ks_output_write(path, 1, &info, c, NULL, &err), 0);
    ks_recorder_destroy(rec);
    ks_cluster_destroy(c);
    free(path);
}

/* A scenario text beyond the 64 KiB object-header limit of compact
 * attribute storage. */
static void test_large_scenario(void)
{
    char *path = fresh_path("output-large.h5");
    size_t n = 200 * 1024;
    char *text = ks_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        text[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    text[n] = '\0';
    ks_cluster *c = make_cluster();
    ks_run_info info = make_info();
    info.scenario_text = text;
    info.scenario_len = n;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_output_write(path, 0, &info, c, NULL, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ks_dataset *ds = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_output_read(path, &ds, &err), 0);
    CU_ASSERT_EQUAL(strlen(ds->scenario), n);
    CU_ASSERT_STRING_EQUAL(ds->scenario, text);
    ks_dataset_destroy(ds);
    ks_cluster_destroy(c);
    free(text);
    free(path);
}

/* ---- determinism --------------------------------------------------------------- */

static void test_deterministic_bytes(void)
{
    char *a = fresh_path("output-det-a.h5");
    char *b = fresh_path("output-det-b.h5");
    CU_ASSERT_EQUAL_FATAL(write_fixture(a, 0), 0);
    /* Wait past the 1 s resolution of HDF5 object timestamps, so a
     * timestamp left enabled anywhere shows up as a difference. */
    struct timespec pause = {1, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CU_ASSERT_EQUAL_FATAL(write_fixture(b, 0), 0);
    CU_ASSERT_TRUE(ks_test_same_bytes(a, b));
    free(a);
    free(b);
}

/* ---- the layout as other tools see it ---------------------------------------- */

static int obj_tracks_times(hid_t plist)
{
    hbool_t track = 1;
    if (plist < 0 || H5Pget_obj_track_times(plist, &track) < 0)
        return -1;
    H5Pclose(plist);
    return track ? 1 : 0;
}

/* The `units` attribute: one string per field, in field order. */
static void check_units(hid_t file, const char *dset, const char *field,
                        const char *unit)
{
    hid_t d = H5Dopen2(file, dset, H5P_DEFAULT);
    CU_ASSERT_FATAL(d >= 0);
    hid_t ftype = H5Dget_type(d);
    int nmembers = H5Tget_nmembers(ftype);
    int idx = H5Tget_member_index(ftype, field);
    CU_ASSERT(idx >= 0);
    hid_t a = H5Aopen(d, "units", H5P_DEFAULT);
    CU_ASSERT_FATAL(a >= 0);
    hid_t space = H5Aget_space(a);
    CU_ASSERT_EQUAL(H5Sget_simple_extent_npoints(space), nmembers);
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, H5T_VARIABLE);
    char **units = ks_xcalloc((size_t)nmembers, sizeof *units);
    CU_ASSERT(H5Aread(a, st, units) >= 0);
    if (idx >= 0 && units[idx])
        CU_ASSERT_STRING_EQUAL(units[idx], unit);
    H5Dvlen_reclaim(st, space, H5P_DEFAULT, units);
    free(units);
    CU_ASSERT(H5Aexists(d, "description") > 0);
    CU_ASSERT_EQUAL(obj_tracks_times(H5Dget_create_plist(d)), 0);
    H5Tclose(st);
    H5Sclose(space);
    H5Aclose(a);
    H5Tclose(ftype);
    H5Dclose(d);
}

static void test_layout_attributes(void)
{
    char *path = fresh_path("output-layout.h5");
    CU_ASSERT_EQUAL_FATAL(write_fixture(path, 0), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CU_ASSERT_FATAL(file >= 0);
    check_units(file, "/pods", "submit_s", "s");
    check_units(file, "/pods", "cpu_request_m", "millicores");
    check_units(file, "/pods", "memory_request_bytes", "bytes");
    check_units(file, "/nodes", "pods_allocatable", "pods");
    check_units(file, "/timeseries", "cpu_allocated", "fraction");
    hid_t g = H5Gopen2(file, "/meta", H5P_DEFAULT);
    CU_ASSERT_EQUAL(obj_tracks_times(H5Gget_create_plist(g)), 0);
    /* Attributes the reader does not return: check them here. */
    uint64_t events = 0;
    hid_t a = H5Aopen(g, "events", H5P_DEFAULT);
    CU_ASSERT(H5Aread(a, H5T_NATIVE_UINT64, &events) >= 0);
    CU_ASSERT_EQUAL(events, 12345);
    H5Aclose(a);
    CU_ASSERT(H5Aexists(g, "scenario_path") > 0);
    H5Gclose(g);
    /* The pods table is chunked and, where the filter exists, compressed. */
    hid_t d = H5Dopen2(file, "/pods", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(d);
    CU_ASSERT_EQUAL(H5Pget_layout(dcpl), H5D_CHUNKED);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
        CU_ASSERT(H5Pget_nfilters(dcpl) >= 1);
    H5Pclose(dcpl);
    H5Dclose(d);
    H5Fclose(file);
    free(path);
}

/* ---- atomic writing ----------------------------------------------------------- */

static void test_exists_needs_force(void)
{
    char *path = fresh_path("output-exists.h5");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, "precious\n"), 0);
    ks_cluster *c = make_cluster();
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_output_write(path, 0, &info, c, NULL, &err),
                    KS_EEXIST);
    CU_ASSERT_EQUAL(err.code, KS_EEXIST);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "--force"));
    char *text = ks_test_read_file(path, NULL);
    CU_ASSERT_STRING_EQUAL(text ? text : "", "precious\n");
    free(text);
    CU_ASSERT_FALSE(dir_has_prefix(ks_test_tmp(""), ".output-exists.h5."));
    /* With force the file is replaced by a dataset. */
    CU_ASSERT_EQUAL(ks_output_write(path, 1, &info, c, NULL, &err), 0);
    ks_dataset *ds = NULL;
    CU_ASSERT_EQUAL(ks_output_read(path, &ds, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(ds);
    if (ds)
        CU_ASSERT_EQUAL(ds->npods, c->npods);
    ks_dataset_destroy(ds);
    CU_ASSERT_FALSE(dir_has_prefix(ks_test_tmp(""), ".output-exists.h5."));
    ks_cluster_destroy(c);
    free(path);
}

static void test_creates_missing_folders(void)
{
    char *top = fresh_path("output-new");
    char *path = ks_xasprintf("%s/a/b/run.h5", top);
    CU_ASSERT_EQUAL(write_fixture(path, 0), 0);
    CU_ASSERT_TRUE(ks_test_file_exists(path));
    free(path);
    free(top);
}

/* A folder component that is a regular file: nothing can be created, and
 * the error says so instead of crashing or leaving debris. */
static void test_folder_is_a_file(void)
{
    char *blocker = fresh_path("output-blocker");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(blocker, "not a folder\n"), 0);
    char *path = ks_xasprintf("%s/sub/run.h5", blocker);
    ks_cluster *c = make_cluster();
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_output_write(path, 1, &info, c, NULL, &err);
    CU_ASSERT(rc < 0);
    CU_ASSERT_EQUAL(err.code, rc);
    CU_ASSERT(err.msg[0] != '\0');
    CU_ASSERT_FALSE(ks_test_file_exists(path));
    char *text = ks_test_read_file(blocker, NULL);
    CU_ASSERT_STRING_EQUAL(text ? text : "", "not a folder\n");
    free(text);
    ks_cluster_destroy(c);
    free(path);
    free(blocker);
}

/* The target is a folder: the whole file is written, the final rename
 * fails, and the temporary file must not be left behind. */
static void test_failed_install_removes_temp(void)
{
    char *path = fresh_path("output-isdir.h5");
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0777), 0);
    ks_cluster *c = make_cluster();
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_output_write(path, 0, &info, c, NULL, &err),
                    KS_EEXIST);
    int rc = ks_output_write(path, 1, &info, c, NULL, &err);
    CU_ASSERT(rc < 0);
    CU_ASSERT_FALSE(dir_has_prefix(ks_test_tmp(""), ".output-isdir.h5."));
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    ks_cluster_destroy(c);
    free(path);
}

static void test_path_must_name_a_file(void)
{
    ks_cluster *c = ks_cluster_create();
    ks_run_info info = make_info();
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_output_write("", 1, &info, c, NULL, &err), KS_EINVAL);
    char *dir = ks_xasprintf("%s/", ks_test_tmp("output-slash"));
    CU_ASSERT_EQUAL(ks_output_write(dir, 1, &info, c, NULL, &err), KS_EINVAL);
    free(dir);
    ks_cluster_destroy(c);
}

/* ---- reading bad files ----------------------------------------------------------- */

static int read_fails(const char *path, int want)
{
    ks_dataset *ds = (ks_dataset *)1;
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_output_read(path, &ds, &err);
    int ok = rc < 0 && ds == NULL && err.code == rc && err.msg[0] != '\0' &&
             strcmp(err.file, path) == 0 && (want == 0 || rc == want);
    if (!ok)
        fprintf(stderr, "read_fails(%s): rc %d, msg '%s'\n", path, rc,
                err.msg);
    return ok;
}

static void test_read_missing(void)
{
    char *path = fresh_path("output-missing.h5");
    CU_ASSERT_TRUE(read_fails(path, KS_ENOENT));
    free(path);
}

static void test_read_not_hdf5(void)
{
    char *path = fresh_path("output-text.h5");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, "name: not hdf5\n"), 0);
    CU_ASSERT_TRUE(read_fails(path, KS_EHDF5));
    free(path);
}

static void test_read_truncated(void)
{
    char *good = fresh_path("output-whole.h5");
    CU_ASSERT_EQUAL_FATAL(write_fixture(good, 0), 0);
    size_t n = 0;
    char *bytes = ks_test_read_file(good, &n);
    CU_ASSERT_FATAL(bytes != NULL && n > 1000);
    char *bad = fresh_path("output-truncated.h5");
    FILE *f = fopen(bad, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(bytes, 1, n / 2, f);
    fclose(f);
    CU_ASSERT_TRUE(read_fails(bad, 0));
    /* The signature followed by garbage. */
    f = fopen(bad, "wb");
    fwrite(bytes, 1, 8, f);
    for (size_t i = 8; i < n; i++)
        fputc((int)((i * 2654435761u) >> 13) & 0xff, f);
    fclose(f);
    CU_ASSERT_TRUE(read_fails(bad, 0));
    free(bytes);
    free(bad);
    free(good);
}

/* An HDF5 file that is not a ksim dataset, and one from a future layout. */
static void test_read_foreign_hdf5(void)
{
    char *path = fresh_path("output-foreign.h5");
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CU_ASSERT_FATAL(file >= 0);
    H5Fclose(file);
    CU_ASSERT_TRUE(read_fails(path, KS_EHDF5));

    file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(file, "/meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(g, "layout_version", H5T_STD_I64LE, space,
                         H5P_DEFAULT, H5P_DEFAULT);
    int64_t v = KS_OUTPUT_LAYOUT_VERSION + 1;
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Sclose(space);
    H5Gclose(g);
    H5Fclose(file);
    CU_ASSERT_TRUE(read_fails(path, KS_EINVAL));
    free(path);
}

void ks_suite_output(void)
{
    static const ks_test_case cases[] = {
        {"recorder fractions", test_recorder_fractions},
        {"recorder same time replaces", test_recorder_same_time_replaces},
        {"recorder empty cluster is 0", test_recorder_empty_cluster_is_zero},
        {"round trip every field", test_round_trip},
        {"zero rows", test_zero_rows},
        {"200 KiB scenario text", test_large_scenario},
        {"byte-identical output", test_deterministic_bytes},
        {"units, description, no timestamps", test_layout_attributes},
        {"existing file needs force", test_exists_needs_force},
        {"creates missing folders", test_creates_missing_folders},
        {"folder component is a file", test_folder_is_a_file},
        {"failed rename removes temp", test_failed_install_removes_temp},
        {"path must name a file", test_path_must_name_a_file},
        {"read missing file", test_read_missing},
        {"read non-HDF5 file", test_read_not_hdf5},
        {"read truncated or garbled file", test_read_truncated},
        {"read foreign HDF5 file", test_read_foreign_hdf5},
        {NULL, NULL},
    };
    ks_test_add_suite("output", cases);
}
