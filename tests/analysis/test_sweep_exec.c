/* test_sweep_exec.c - running sweeps: runs and index, parallel workers,
 * interruption and resume, failed runs, stale runs. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/sweep_exec.h"
#include "scenarios/sweep.h"
#include "tests/test_util.h"

/* Small runs (about 0.1 s under the sanitizers), so that an
 * interrupted sweep is caught between runs. */
static const char base_scenario[] =
    "apiVersion: ksim.dev/v1\n"
    "kind: Scenario\n"
    "metadata: {name: small}\n"
    "spec:\n"
    "  seed: 3\n"
    "  duration: 1h\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - name: n\n"
    "        count: 6\n"
    "        allocatable: {cpu: \"8\", memory: 32Gi}\n"
    "  workloads:\n"
    "    - generator:\n"
    "        name: batch\n"
    "        arrivals: {process: poisson, rate: 0.5/s}\n"
    "        count: 300\n"
    "        duration: {dist: exponential, mean: 1m}\n"
    "        template:\n"
    "          requests:\n"
    "            cpu: {dist: uniform, min: 100m, max: \"2\"}\n"
    "            memory: 1Gi\n";

static const char most_allocated[] =
    "apiVersion: kubescheduler.config.k8s.io/v1\n"
    "kind: KubeSchedulerConfiguration\n"
    "profiles:\n"
    "  - schedulerName: default-scheduler\n"
    "    pluginConfig:\n"
    "      - name: NodeResourcesFit\n"
    "        args:\n"
    "          scoringStrategy:\n"
    "            type: MostAllocated\n";

/* 2 policies x 3 replications. */
static const char sweep_text[] =
    "apiVersion: ksim.dev/v1\n"
    "kind: Sweep\n"
    "metadata: {name: pol}\n"
    "spec:\n"
    "  scenario: base.yaml\n"
    "  replications: 3\n"
    "  parameters:\n"
    "    - name: policy\n"
    "      sets:\n"
    "        default: {}\n"
    "        packing: {scheduler.config: most.yaml}\n";

static char folder[1024];

/* The sweep's folder with its three files; returns the sweep path. */
static const char *setup(void)
{
    static char sweep[1200];
    snprintf(folder, sizeof folder, "%s", ks_test_tmp("sweep-exec"));
    mkdir(folder, 0777);
    char p[1200];
    snprintf(p, sizeof p, "%s/base.yaml", folder);
    ks_test_write_file(p, base_scenario);
    snprintf(p, sizeof p, "%s/most.yaml", folder);
    ks_test_write_file(p, most_allocated);
    snprintf(sweep, sizeof sweep, "%s/pol.yaml", folder);
    ks_test_write_file(sweep, sweep_text);
    return sweep;
}

static const char *out_dir(const char *name)
{
    static char d[1200];
    snprintf(d, sizeof d, "%s/%s", folder, name);
    char *cmd = malloc(strlen(d) + 16);
    sprintf(cmd, "rm -rf '%s'", d);
    ks_test_run(cmd, NULL, NULL);
    free(cmd);
    return d;
}

static int execute(const char *sweep, const char *dir, unsigned jobs,
                   ks_sweep_outcome *out)
{
    ks_sweep *sw = NULL;
    ks_error err;
    int rc = ks_sweep_load_file(sweep, &sw, &err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ks_sweep_exec_options o = {.outdir = dir, .jobs = jobs,
                               .ksim_version = PACKAGE_VERSION};
    rc = ks_sweep_execute(sw, &o, out, &err);
    ks_sweep_destroy(sw);
    return rc;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* The index without its last column (wall times differ between runs). */
static char *index_without_wall(const char *dir)
{
    char p[1300];
    snprintf(p, sizeof p, "%s/index.csv", dir);
    char *t = ks_test_read_file(p, NULL);
    if (!t)
        return NULL;
    char *out = malloc(strlen(t) + 1), *o = out;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        char *comma = strrchr(line, ',');
        size_t n = comma ? (size_t)(comma - line) : strlen(line);
        memcpy(o, line, n);
        o += n;
        *o++ = '\n';
    }
    *o = '\0';
    free(t);
    return out;
}

static int same_run_files(const char *a, const char *b, size_t nruns)
{
    static const char *const ids[] = {"p0000-r00", "p0000-r01", "p0000-r02",
                                      "p0001-r00", "p0001-r01", "p0001-r02"};
    for (size_t i = 0; i < nruns; i++) {
        char pa[1300], pb[1300];
        snprintf(pa, sizeof pa, "%s/runs/%s.h5", a, ids[i]);
        snprintf(pb, sizeof pb, "%s/runs/%s.h5", b, ids[i]);
        if (!ks_test_same_bytes(pa, pb))
            return 0;
    }
    return 1;
}

static char reference[1200];

/* 2 policies x 3 seeds: 6 runs, 6 index rows, seeds paired. */
static void test_six_runs_and_index(void)
{
    const char *sweep = setup();
    snprintf(reference, sizeof reference, "%s", out_dir("ref"));
    ks_sweep_outcome out;
    CU_ASSERT_EQUAL_FATAL(execute(sweep, reference, 2, &out), 0);
    CU_ASSERT_EQUAL(out.runs, 6);
    CU_ASSERT_EQUAL(out.ran, 6);
    CU_ASSERT_EQUAL(out.failed, 0);
    char *idx = index_without_wall(reference);
    CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
    CU_ASSERT_EQUAL(count_lines(idx), 7);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(idx, "run_id,file,policy,replication,seed,status\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(idx, "p0000-r00,runs/p0000-r00.h5,default,"
                                       "0,3,ok\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(idx, "p0001-r02,runs/p0001-r02.h5,packing,"
                                       "2,5,ok\n"));
    free(idx);
    char p[1300];
    snprintf(p, sizeof p, "%s/sweep.yaml", reference);
    CU_ASSERT_TRUE(ks_test_file_exists(p));
    /* The two policies really differ (same seed, other placements). */
    char a[1300], b[1300];
    snprintf(a, sizeof a, "%s/runs/p0000-r00.h5", reference);
    snprintf(b, sizeof b, "%s/runs/p0001-r00.h5", reference);
    CU_ASSERT_FALSE(ks_test_same_bytes(a, b));
}

static void test_jobs_do_not_change_results(void)
{
    const char *sweep = setup();
    const char *dir = out_dir("serial");
    ks_sweep_outcome out;
    CU_ASSERT_EQUAL_FATAL(execute(sweep, dir, 1, &out), 0);
    CU_ASSERT_TRUE(same_run_files(reference, dir, 6));
    char *x = index_without_wall(reference), *y = index_without_wall(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_STRING_EQUAL(x, y);
    free(x);
    free(y);
}

static size_t count_run_files(const char *dir)
{
    char p[1300];
    snprintf(p, sizeof p, "%s/runs", dir);
    DIR *d = opendir(p);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] == 'p' && strstr(e->d_name, ".h5") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* `ksim sweep` killed after its first run, then run again: the same files
 * as the uninterrupted sweep, and the resumed part skips what was done. */
static void test_killed_and_resumed(void)
{
    const char *sweep = setup();
    char sweep_path[1200], dir[1200];
    snprintf(sweep_path, sizeof sweep_path, "%s", sweep);
    snprintf(dir, sizeof dir, "%s", out_dir("killed"));
    char ksim[1200];
    snprintf(ksim, sizeof ksim, "%s", ks_test_ksim());
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(ksim, ksim, "sweep", sweep_path, "-j", "1", "-o", dir,
              (char *)NULL);
        _exit(127);
    }
    size_t done = 0;
    for (int i = 0; i < 60000 && done == 0; i++) {
        sleep_ms(2);
        done = count_run_files(dir);
    }
    /* Only the sweep: its running worker must die with it (PDEATHSIG),
     * or it would finish a run behind the resumed sweep's back. */
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    sleep_ms(50); /* let the worker's own death land */
    CU_ASSERT_TRUE(WIFSIGNALED(status));
    size_t before = count_run_files(dir);
    CU_ASSERT(before >= 1 && before < 6);

    char *cmd = malloc(4000), *out = NULL;
    snprintf(cmd, 4000, "'%s' sweep '%s' -j 2 -o '%s'", ksim, sweep_path,
             dir);
    CU_ASSERT_EQUAL(ks_test_run(cmd, &out, NULL), 0);
    char expect[64];
    snprintf(expect, sizeof expect, "%zu complete before", before);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, expect) : NULL);
    free(out);
    free(cmd);
    CU_ASSERT_TRUE(same_run_files(reference, dir, 6));
    char *x = index_without_wall(reference), *y = index_without_wall(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_STRING_EQUAL(x, y);
    free(x);
    free(y);
}

/* A run that cannot be written fails, is recorded, and the rest go on. */
static void test_failed_run_is_recorded(void)
{
    const char *sweep = setup();
    const char *dir = out_dir("failing");
    char p[1300];
    snprintf(p, sizeof p, "%s/runs/p0001-r01.h5", dir);
    char *cmd = malloc(4000);
    snprintf(cmd, 4000, "mkdir -p '%s/sub'", p);
    ks_test_run(cmd, NULL, NULL);
    ks_sweep_outcome out;
    CU_ASSERT_EQUAL_FATAL(execute(sweep, dir, 2, &out), 0);
    CU_ASSERT_EQUAL(out.failed, 1);
    CU_ASSERT_EQUAL(out.ran, 5);
    char *idx = index_without_wall(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(idx);
    CU_ASSERT_PTR_NOT_NULL(strstr(idx, "p0001-r01,runs/p0001-r01.h5,packing,"
                                       "1,4,failed: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(idx, "p0001-r02,runs/p0001-r02.h5,packing,"
                                       "2,5,ok\n"));
    free(idx);
    /* The CLI says so with exit status 1. */
    snprintf(cmd, 4000, "'%s' sweep '%s' -o '%s' 2>/dev/null", ks_test_ksim(),
             sweep, dir);
    CU_ASSERT_EQUAL(ks_test_run(cmd, NULL, NULL), 1);
    free(cmd);
}

/* A stored run of another scenario is not taken as complete. */
static void test_changed_sweep_reruns(void)
{
    const char *sweep = setup();
    char dir[1200];
    snprintf(dir, sizeof dir, "%s", out_dir("changed"));
    char *cmd = malloc(4000);
    snprintf(cmd, 4000, "cp -r '%s/.' '%s'", reference, dir);
    mkdir(dir, 0777);
    ks_test_run(cmd, NULL, NULL);
    free(cmd);
    /* Same sweep: everything is complete. */
    ks_sweep_outcome out;
    CU_ASSERT_EQUAL_FATAL(execute(sweep, dir, 1, &out), 0);
    CU_ASSERT_EQUAL(out.skipped, 6);
    CU_ASSERT_EQUAL(out.ran, 0);
    /* The base scenario changes: every run is stale. */
    char p[1300];
    snprintf(p, sizeof p, "%s/base.yaml", folder);
    char *text = ks_test_read_file(p, NULL);
    char *edited = malloc(strlen(text) + 8);
    strcpy(edited, text);
    char *at = strstr(edited, "count: 6");
    at[7] = '7';
    ks_test_write_file(p, edited);
    CU_ASSERT_EQUAL_FATAL(execute(sweep, dir, 2, &out), 0);
    CU_ASSERT_EQUAL(out.skipped, 0);
    CU_ASSERT_EQUAL(out.ran, 6);
    ks_test_write_file(p, text);
    free(edited);
    free(text);
}

void ks_suite_sweep_exec(void)
{
    static const ks_test_case cases[] = {
        {"2 policies x 3 seeds: 6 runs and an index", test_six_runs_and_index},
        {"-j does not change the results", test_jobs_do_not_change_results},
        {"killed half-way and resumed: the same files", test_killed_and_resumed},
        {"a failed run is recorded, the rest go on", test_failed_run_is_recorded},
        {"a stored run of another scenario is run again", test_changed_sweep_reruns},
        {NULL, NULL}};
    ks_test_add_suite("analysis/sweep_exec", cases);
}
