/* test_fgd.c - the FGD experiment's short variant (60 openb nodes, 400
 * trace pods inflated to 1.3x GPU capacity, one by one, dropped when they
 * fit nowhere) under each of the paper's six policies, and trace errors in
 * scenarios. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/output.h"
#include "analysis/simulate.h"
#include "scenarios/scenario.h"
#include "tests/test_util.h"

static const char *const policies[] = {"fgd",        "bestfit",
                                       "dotproduct", "gpupacking",
                                       "gpuclustering", "random"};

/* The short scenario with scheduler.config pointing at fgd/<policy>.yaml,
 * run with seed; returns its dataset. */
static ks_dataset *run_policy(const char *policy, uint64_t seed)
{
    char path[4096];
    snprintf(path, sizeof path, "%s",
             ks_test_src("scenarios/examples/fgd-openb-short.yaml"));
    size_t len;
    char *text = ks_test_read_file(path, &len);
    if (!text)
        return NULL;
    char *at = strstr(text, "fgd/fgd.yaml");
    char *edited = malloc(len + 64);
    snprintf(edited, len + 64, "%.*sfgd/%s.yaml%s", (int)(at - text), text,
             policy, at + strlen("fgd/fgd.yaml"));
    free(text);
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_buffer(edited, strlen(edited), path, &sc, &err);
    free(edited);
    if (rc) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col,
                err.msg);
        return NULL;
    }
    ks_simulate_options o = {.force = 1, .ksim_version = "test",
                             .seed_set = 1, .seed = seed,
                             .check_invariants = 1};
    char out[4096];
    snprintf(out, sizeof out, "%s", ks_test_tmp("fgd-short.h5"));
    rc = ks_simulate_to_file(sc, &o, out, NULL, &err);
    ks_scenario_destroy(sc);
    ks_dataset *ds = NULL;
    if (!rc)
        rc = ks_output_read(out, &ds, &err);
    if (rc)
        fprintf(stderr, "%s: %s\n", policy, err.msg);
    return ds;
}

/* Every pod is placed or dropped (none pending, none ends); allocation at
 * 100 % arrived demand is plausible; events cover the arrivals. */
static void check_run(const char *policy, const ks_dataset *ds)
{
    CU_ASSERT_EQUAL_FATAL(ds->ngpu_alloc, 131);
    size_t placed = 0, dropped = 0;
    for (size_t i = 0; i < ds->npods; i++) {
        const ks_pod_row *p = &ds->pods[i];
        if (!isnan(p->scheduled))
            placed++;
        else if (!isnan(p->end))
            dropped++;
        CU_ASSERT(isnan(p->scheduled) || isnan(p->end));
    }
    CU_ASSERT_EQUAL(placed + dropped, ds->npods);
    CU_ASSERT(dropped > 0); /* 130 % of the capacity cannot all fit */
    int64_t events = 0;
    for (size_t k = 0; k < ds->ngpu_alloc; k++)
        events += ds->gpu_alloc[k].events;
    CU_ASSERT(events > (int64_t)ds->npods / 2);
    double a = ds->gpu_alloc[100].alloc_pct;
    if (!(a > 60 && a <= 100)) {
        fprintf(stderr, "%s: alloc at 100%% = %g\n", policy, a);
        CU_FAIL("allocation at 100 % arrived");
    }
    /* Fragmentation is measured for every policy. */
    CU_ASSERT(ds->gpu_alloc[100].frag_pct >= 0);
    CU_ASSERT(ds->gpu_alloc[100].frag_ratio_pct >= 0 &&
              ds->gpu_alloc[100].frag_ratio_pct <= 100 + 1e-9);
}

static void test_six_policies(void)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        ks_dataset *ds = run_policy(policies[i], 42);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
        check_run(policies[i], ds);
        ks_dataset_destroy(ds);
    }
}

/* Same seed, same workload under two policies (common random numbers):
 * the same pods arrive in the same order; another seed shuffles them
 * differently. */
static void test_common_random_numbers(void)
{
    ks_dataset *a = run_policy("fgd", 42), *b = run_policy("bestfit", 42);
    ks_dataset *c = run_policy("fgd", 43);
    CU_ASSERT_FATAL(a && b && c);
    CU_ASSERT_EQUAL(a->npods, b->npods);
    int same = a->npods == b->npods;
    for (size_t i = 0; same && i < a->npods; i++)
        same = a->pods[i].cpu_request == b->pods[i].cpu_request &&
               a->pods[i].submit == b->pods[i].submit;
    CU_ASSERT_TRUE(same);
    int differ = a->npods != c->npods;
    for (size_t i = 0; !differ && i < a->npods; i++)
        differ = a->pods[i].cpu_request != c->pods[i].cpu_request;
    CU_ASSERT_TRUE(differ);
    ks_dataset_destroy(a);
    ks_dataset_destroy(b);
    ks_dataset_destroy(c);
}

/* A malformed trace row is a load error naming the trace file and row. */
static void test_bad_trace_row(void)
{
    char csv[4096];
    snprintf(csv, sizeof csv, "%s", ks_test_tmp("bad-openb.csv"));
    ks_test_write_file(csv, "name,cpu_milli,memory_mib,num_gpu,gpu_milli,"
                            "gpu_spec,qos,pod_phase,creation_time,"
                            "deletion_time,scheduled_time\n"
                            "p0,1000,1024,1,500,,LS,Running,0,10,0\n"
                            "p1,lots,1024,1,500,,LS,Running,0,10,0\n");
    char yaml[8192];
    snprintf(yaml, sizeof yaml,
             "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: b}\n"
             "spec:\n  duration: 1m\n  cluster:\n    nodePools:\n"
             "      - {name: a, count: 1, allocatable: {cpu: 1, memory: 1Gi}}\n"
             "  workloads:\n    - trace: {format: openb, file: '%s'}\n",
             csv);
    ks_scenario *sc = NULL;
    ks_error err;
    CU_ASSERT_NOT_EQUAL(ks_scenario_load_buffer(yaml, strlen(yaml), "s.yaml",
                                                &sc, &err),
                        0);
    CU_ASSERT_STRING_EQUAL(err.file, csv);
    CU_ASSERT_EQUAL(err.line, 3);
    /* A missing file is reported at the scenario's key. */
    snprintf(yaml, sizeof yaml,
             "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: b}\n"
             "spec:\n  duration: 1m\n  cluster:\n    nodePools:\n"
             "      - {name: a, count: 1, allocatable: {cpu: 1, memory: 1Gi}}\n"
             "  workloads:\n    - trace: {format: openb, file: nope.csv}\n");
    CU_ASSERT_NOT_EQUAL(ks_scenario_load_buffer(yaml, strlen(yaml), "s.yaml",
                                                &sc, &err),
                        0);
    CU_ASSERT_STRING_EQUAL(err.file, "s.yaml");
    CU_ASSERT_EQUAL(err.line, 10);
    snprintf(yaml, sizeof yaml,
             "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: b}\n"
             "spec:\n  duration: 1m\n  cluster:\n    nodePools:\n"
             "      - {name: a, count: 1, allocatable: {cpu: 1, memory: 1Gi}}\n"
             "  workloads:\n    - trace: {format: borg, file: x.csv}\n");
    CU_ASSERT_NOT_EQUAL(ks_scenario_load_buffer(yaml, strlen(yaml), "s.yaml",
                                                &sc, &err),
                        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown trace format"));
}

void ks_suite_fgd(void)
{
    static const ks_test_case cases[] = {
        {"short FGD experiment under six policies", test_six_policies},
        {"common random numbers across policies", test_common_random_numbers},
        {"bad trace rows and files", test_bad_trace_row},
        {NULL, NULL}};
    ks_test_add_suite("e2e/fgd", cases);
}
