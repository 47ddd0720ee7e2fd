/* test_summary.c - the end-of-run summary: pod startup latencies of a
 * whole-cluster run, split by image pull, and how they print. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/summary.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/podevents.h"
#include "sim/store.h"
#include "tests/test_util.h"

static uint64_t pod(ks_store *s, const char *name, const char *image)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.run_time = KS_TIME_NEVER;
    t.image = (char *)image;
    t.image_size = 100000000; /* 1 s at 100 MB/s */
    ks_object_spec spec = {KS_KIND_POD, "default", name, NULL, NULL, 0, "n1",
                           ks_pod_body_new(&t)};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(s, &spec, &uid), 0);
    return uid;
}

/* Two pods of one image on one node: the first pulls it (1 s), the second
 * finds it cached; a third without image never pulls.  Startup = start
 * latency 0.5 s, plus the pull for the first (the second waits for the
 * same pull: serialized pulls share one download). */
static void test_startup_latencies(void)
{
    ks_engine *e = ks_engine_create();
    ks_store_config sc = {1, 0};
    ks_store *s = ks_store_create(e, &sc);
    ks_kinds_install(s);
    ks_podevents *log = ks_podevents_create(e, s);
    ks_kubelet_config kc = ks_kubelet_default_config();
    kc.pull = (ks_pull_config){100e6, 0, 0};
    kc.start_latency = 500 * KS_MILLISECOND;
    kc.events = log;
    ks_kubelet *k = ks_kubelet_create(e, s, "n1", &kc);
    pod(s, "a", "app:v1");
    pod(s, "c", NULL);
    ks_engine_run(e, 5 * KS_SECOND);
    pod(s, "b", "app:v1");
    ks_engine_run(e, 10 * KS_SECOND);
    ks_summary sum = {0};
    ks_summary_add_startup(&sum, log);
    CU_ASSERT_EQUAL(sum.has_startup, 1);
    CU_ASSERT_EQUAL(sum.started_pulled, 1);
    CU_ASSERT_EQUAL(sum.started_cached, 2);
    CU_ASSERT_DOUBLE_EQUAL(sum.startup_pull_p50, 1.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(sum.startup_p50, 0.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(sum.startup_p99, 0.5, 1e-9);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    ks_summary_print(&sum, out);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "pod startup            p50 0.500 s, "
                                        "p99 0.500 s (2 pods)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "pod startup with pull  p50 1.500 s"));
    free(text);
    ks_kubelet_destroy(k);
    ks_podevents_destroy(log);
    ks_store_destroy(s);
    ks_engine_destroy(e);
}

/* No pod started: n/a, and a scheduler-only summary prints no startup. */
static void test_no_startup(void)
{
    ks_engine *e = ks_engine_create();
    ks_store_config sc = {1, 0};
    ks_store *s = ks_store_create(e, &sc);
    ks_kinds_install(s);
    ks_podevents *log = ks_podevents_create(e, s);
    ks_summary sum = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ks_summary_print(&sum, out);
    fclose(out);
    CU_ASSERT_PTR_NULL(strstr(text, "pod startup"));
    free(text);
    ks_summary_add_startup(&sum, log);
    CU_ASSERT(isnan(sum.startup_p50) && isnan(sum.startup_pull_p99));
    out = open_memstream(&text, &len);
    ks_summary_print(&sum, out);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "pod startup            n/a"));
    free(text);
    ks_podevents_destroy(log);
    ks_store_destroy(s);
    ks_engine_destroy(e);
}

void ks_suite_summary(void)
{
    static const ks_test_case cases[] = {
        {"pod startup latencies by image pull", test_startup_latencies},
        {"no pod started", test_no_startup},
        {NULL, NULL}};
    ks_test_add_suite("analysis/summary", cases);
}
