/* test_gpu.c - GPU scenarios end to end: pools with GPUs, sharing and
 * whole-GPU generator pods, GpuShare in the default profile, /gpu_alloc,
 * and the scenario keys' errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/output.h"
#include "analysis/simulate.h"
#include "scenarios/scenario.h"
#include "tests/test_util.h"

static ks_dataset *run_example(const char *rel, const char *out)
{
    ks_scenario *sc = NULL;
    ks_error err;
    if (ks_scenario_load_file(ks_test_src(rel), &sc, &err) != 0) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.col,
                err.msg);
        return NULL;
    }
    ks_simulate_options o = {.force = 1, .ksim_version = "test",
                             .check_invariants = 1};
    char path[4096];
    snprintf(path, sizeof path, "%s", ks_test_tmp(out));
    int rc = ks_simulate_to_file(sc, &o, path, NULL, &err);
    ks_scenario_destroy(sc);
    ks_dataset *ds = NULL;
    if (rc == 0)
        rc = ks_output_read(path, &ds, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    return ds;
}

/* Every pod is decided once: 460 events; allocation never exceeds the
 * capacity and grows with the arrived demand at first. */
static void test_gpu_sharing_example(void)
{
    ks_dataset *ds = run_example("scenarios/examples/gpu-sharing.yaml",
                                 "gpu-sharing.h5");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL_FATAL(ds->ngpu_alloc, 131);
    int64_t events = 0;
    int bounded = 1;
    for (size_t k = 0; k < ds->ngpu_alloc; k++) {
        const ks_gpu_alloc_row *r = &ds->gpu_alloc[k];
        CU_ASSERT_EQUAL(r->arrived_pct, (int32_t)k);
        events += r->events;
        if (!isnan(r->alloc_pct))
            bounded &= r->alloc_pct >= 0 && r->alloc_pct <= 100.0 + 1e-9;
    }
    CU_ASSERT_TRUE(bounded);
    /* Arrived demand: 60 x 2000 + 400 x 300 = 240000 milli of 80000:
     * beyond 130 % some events are not binned. */
    CU_ASSERT(events > 0 && events <= 460);
    CU_ASSERT_EQUAL(ds->npods, 460);
    ks_dataset_destroy(ds);
}

/* A cluster without GPUs writes no /gpu_alloc. */
static void test_no_gpus_no_dataset(void)
{
    ks_dataset *ds = run_example("scenarios/examples/zone-spread.yaml",
                                 "zone-spread-gpu.h5");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    CU_ASSERT_EQUAL(ds->ngpu_alloc, 0);
    CU_ASSERT_PTR_NULL(ds->gpu_alloc);
    ks_dataset_destroy(ds);
}

static void expect_error(const char *yaml, int line, const char *word)
{
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_buffer(yaml, strlen(yaml), "gpu.yaml", &sc,
                                     &err);
    CU_ASSERT_NOT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(err.line, line);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, word));
    ks_scenario_destroy(sc);
}

#define HEAD                                                                   \
    "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: g}\n"          \
    "spec:\n  duration: 1m\n  cluster:\n    nodePools:\n"

static void test_errors(void)
{
    expect_error(HEAD "      - {name: a, count: 1, allocatable: {cpu: 1, "
                      "memory: 1Gi}, gpus: {count: 99}}\n",
                 8, "");
    expect_error(HEAD "      - {name: a, count: 1, allocatable: {cpu: 1, "
                      "memory: 1Gi}, gpus: {count: 2, model: \"A|B\"}}\n",
                 8, "bad GPU model");
    expect_error(HEAD "      - {name: a, count: 1, allocatable: {cpu: 1, "
                      "memory: 1Gi}}\n"
                      "  workloads:\n    - generator:\n"
                      "        arrivals: {process: poisson, rate: 1/s}\n"
                      "        duration: {dist: constant, value: 1m}\n"
                      "        template: {gpu: {count: 2, milli: 500}}\n",
                 13, "count 1");
    expect_error(HEAD "      - {name: a, count: 1, allocatable: {cpu: 1, "
                      "memory: 1Gi}}\n"
                      "  scheduler: {onUnschedulable: Forget}\n",
                 9, "onUnschedulable");
}

void ks_suite_gpu_e2e(void)
{
    static const ks_test_case cases[] = {
        {"the gpu-sharing example", test_gpu_sharing_example},
        {"no GPUs, no /gpu_alloc", test_no_gpus_no_dataset},
        {"GPU keys' errors", test_errors},
        {NULL, NULL}};
    ks_test_add_suite("e2e/gpu", cases);
}
