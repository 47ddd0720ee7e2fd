/* test_cli.c - the `ksim` binary as a user runs it: exit statuses, error
 * locations, output files written only on success, --force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_util.h"

static const char tiny[] =
    "apiVersion: ksim.dev/v1\n"
    "kind: Scenario\n"
    "metadata: {name: tiny}\n"
    "spec:\n"
    "  seed: 3\n"
    "  duration: 10m\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - {name: n, count: 3, allocatable: {cpu: \"4\", memory: 16Gi}}\n"
    "  workloads:\n"
    "    - generator:\n"
    "        arrivals: {process: poisson, rate: 1/s}\n"
    "        duration: {dist: exponential, mean: 1m}\n"
    "        template:\n"
    "          requests: {cpu: 500m, memory: 1Gi}\n";

/* Line 8, column 5: the unknown key "nodePool". */
static const char bad_key[] =
    "apiVersion: ksim.dev/v1\n"
    "kind: Scenario\n"
    "metadata: {name: bad}\n"
    "spec:\n"
    "  duration: 10m\n"
    "  cluster:\n"
    "    nodePools: [{name: n, count: 1, allocatable: {cpu: 1, memory: 1Gi}}]\n"
    "    nodePool: []\n";

static char *path_copy(const char *rel)
{
    return strdup(ks_test_tmp(rel));
}

static int run(const char *args, char **out, char **err)
{
    char cmd[16384];
    /* The binary's path and the arguments always fit; a cut command
     * would fail the test rather than run something else. */
    if (snprintf(cmd, sizeof cmd, "'%s' %s", ks_test_ksim(), args) >=
        (int)sizeof cmd)
        return -1;
    return ks_test_run(cmd, out, err);
}

static void test_help_and_version(void)
{
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run("--help", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: ksim"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(run("run --help", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--seed"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(run("plot --help", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "gnuplot"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(run("version", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ksim "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "HDF5"));
    free(out);
    free(err);
}

static void test_usage_errors(void)
{
    CU_ASSERT_EQUAL(run("", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run("frobnicate", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run("run", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run("run a.yaml b.yaml", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run("run --bogus x.yaml", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run("plot", NULL, NULL), 2);
}

static void test_bad_scenario(void)
{
    char *scen = path_copy("cli-bad.yaml");
    char *h5 = path_copy("cli-bad.h5");
    remove(h5);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scen, bad_key), 0);
    char args[9000], want[4200];
    snprintf(args, sizeof args, "run '%s' -o '%s' --no-plot", scen, h5);
    char *err = NULL;
    CU_ASSERT_EQUAL(run(args, NULL, &err), 2);
    snprintf(want, sizeof want, "%s:8:5: ", scen);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, want));
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "nodePool"));
    CU_ASSERT_FALSE(ks_test_file_exists(h5));
    free(err);

    /* A missing file is bad input too. */
    CU_ASSERT_EQUAL(run("run /nonexistent/scenario.yaml --no-plot", NULL,
                        NULL), 2);
    /* So is an unsupported Kubernetes version. */
    snprintf(args, sizeof args, "run '%s' --kubernetes-version 1.20", scen);
    CU_ASSERT_EQUAL(run(args, NULL, NULL), 2);
    /* So is a malformed seed. */
    snprintf(args, sizeof args, "run '%s' --seed 12abc", scen);
    CU_ASSERT_EQUAL(run(args, NULL, NULL), 2);
    free(scen);
    free(h5);
}

static void test_run_and_force(void)
{
    char *scen = path_copy("cli-tiny.yaml");
    char *h5 = path_copy("cli-tiny.h5");
    remove(h5);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scen, tiny), 0);
    char args[9000];
    snprintf(args, sizeof args, "run '%s' -o '%s' --no-plot", scen, h5);
    char *out = NULL;
    CU_ASSERT_EQUAL(run(args, &out, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "pods submitted"));
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "scheduling latency"));
    CU_ASSERT(ks_test_file_exists(h5));
    free(out);

    size_t n1, n2;
    char *before = ks_test_read_file(h5, &n1);
    char *err = NULL;
    CU_ASSERT_EQUAL(run(args, NULL, &err), 2); /* exists, no --force */
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--force"));
    free(err);
    char *after = ks_test_read_file(h5, &n2);
    CU_ASSERT(before && after && n1 == n2 && memcmp(before, after, n1) == 0);
    free(after);

    snprintf(args, sizeof args,
             "run '%s' -o '%s' --no-plot --force --seed 4 "
             "--kubernetes-version 1.35",
             scen, h5);
    CU_ASSERT_EQUAL(run(args, NULL, NULL), 0);
    after = ks_test_read_file(h5, &n2);
    CU_ASSERT(after && (n1 != n2 || memcmp(before, after, n1) != 0));
    free(after);
    free(before);
    free(scen);
    free(h5);
}

static void test_plot(void)
{
    char *scen = path_copy("cli-plot.yaml");
    char *h5 = path_copy("cli-plot.h5");
    char *dir = path_copy("cli-plot-figs");
    remove(h5);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scen, tiny), 0);
    char args[16384];
    snprintf(args, sizeof args, "run '%s' -o '%s' --figures '%s'", scen, h5,
             dir);
    CU_ASSERT_EQUAL(run(args, NULL, NULL), 0);
    char png[8400];
    snprintf(png, sizeof png, "%s/allocation.png", dir);
    CU_ASSERT(ks_test_file_exists(png));

    /* Without gnuplot, `ksim plot` fails with a clear message (exit 1). */
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "KSIM_GNUPLOT=/nonexistent/gnuplot '%s' plot '%s' -o '%s'",
             ks_test_ksim(), h5, dir);
    char *err = NULL;
    CU_ASSERT_EQUAL(ks_test_run(cmd, NULL, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "gnuplot"));
    free(err);
    /* A file that is not a dataset is bad input or a failure, never a
     * crash. */
    snprintf(args, sizeof args, "plot '%s'", scen);
    int rc = run(args, NULL, NULL);
    CU_ASSERT(rc == 1 || rc == 2);
    free(scen);
    free(h5);
    free(dir);
}

/* validate: the examples are valid; a bad scenario gives FILE:LINE:COL and
 * exit 2, and nothing runs. */
static void test_validate(void)
{
    char args[9000];
    char *out = NULL, *err = NULL;
    char quick[4096];
    snprintf(quick, sizeof quick, "%s",
             ks_test_src("scenarios/examples/quickstart.yaml"));
    snprintf(args, sizeof args, "validate '%s' '%s'", quick,
             ks_test_src("scenarios/examples/sweep/policies.yaml"));
    CU_ASSERT_EQUAL(run(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "ok (scenario quickstart)"));
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "ok (sweep policies: 4 points "
                                              "x 3 replications)"));
    free(out);
    free(err);
    char *scen = path_copy("cli-validate-bad.yaml");
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scen, bad_key), 0);
    snprintf(args, sizeof args, "validate '%s' '%s'", quick, scen);
    out = err = NULL;
    CU_ASSERT_EQUAL(run(args, &out, &err), 2);
    char want[4200];
    snprintf(want, sizeof want, "%s:8:5: ", scen);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, want));
    free(out);
    free(err);
    free(scen);
    CU_ASSERT_EQUAL(run("validate", NULL, NULL), 2);
    CU_ASSERT_EQUAL(run("validate /nonexistent.yaml", NULL, NULL), 2);
}

void ks_suite_cli(void)
{
    static const ks_test_case cases[] = {
        {"help and version", test_help_and_version},
        {"usage errors exit 2", test_usage_errors},
        {"bad scenario: FILE:LINE:COL, exit 2, no output",
         test_bad_scenario},
        {"run, existing output, --force", test_run_and_force},
        {"plot, and gnuplot missing", test_plot},
        {"validate scenarios and sweeps", test_validate},
        {NULL, NULL},
    };
    ks_test_add_suite("cli", cases);
}
