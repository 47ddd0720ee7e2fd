/* test_podevents.c - the pod lifecycle event log: rows derived from Pod
 * objects' status (with a kubelet running them), rows recorded by
 * components, interning, startup latency. */
#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/podevents.h"
#include "sim/store.h"
#include "tests/test_util.h"

typedef struct world {
    ks_engine *e;
    ks_store *s;
    ks_podevents *log;
    ks_kubelet *k;
} world;

static world setup(void)
{
    world w;
    w.e = ks_engine_create();
    ks_store_config sc = {1, 0};
    w.s = ks_store_create(w.e, &sc);
    ks_kinds_install(w.s);
    w.log = ks_podevents_create(w.e, w.s);
    ks_kubelet_config cfg = ks_kubelet_default_config();
    cfg.start_latency = 500 * KS_MILLISECOND;
    w.k = ks_kubelet_create(w.e, w.s, "n1", &cfg);
    return w;
}

static void teardown(world *w)
{
    ks_kubelet_destroy(w->k);
    ks_podevents_destroy(w->log);
    ks_store_destroy(w->s);
    ks_engine_destroy(w->e);
}

static uint64_t pod(world *w, const char *name, ks_time run)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.run_time = run;
    t.restart_policy = KS_RESTART_NEVER; /* ends Succeeded */
    ks_pod_body *b = ks_pod_body_new(&t);
    ks_object_spec spec = {KS_KIND_POD, "default", name, NULL, NULL, 0, NULL,
                           b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

static void expect_row(world *w, size_t i, ks_time t, const char *pod_name,
                       const char *node, ks_pod_event_kind kind,
                       const char *reason)
{
    CU_ASSERT_FATAL(i < ks_podevents_count(w->log));
    const ks_pod_event *r = &ks_podevents_rows(w->log)[i];
    CU_ASSERT_EQUAL(r->time, t);
    CU_ASSERT_STRING_EQUAL(ks_podevents_pod_name(w->log, r->pod), pod_name);
    CU_ASSERT_STRING_EQUAL(ks_podevents_node_name(w->log, r->node), node);
    CU_ASSERT_EQUAL(r->kind, kind);
    CU_ASSERT_STRING_EQUAL(ks_podevents_reason(w->log, r->reason), reason);
}

/* Created at 0, bound at 1 s, started 0.5 s later, ready at the first
 * probe (period 10 s, no initial delay: at once), succeeded after its 5 s
 * run, deleted at 20 s. */
static void test_lifecycle_rows(void)
{
    world w = setup();
    uint64_t uid = pod(&w, "a", 5 * KS_SECOND);
    ks_engine_run(w.e, KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_update(w.s, uid, 0, NULL, NULL, "n1"), 0);
    ks_engine_run(w.e, 20 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_delete(w.s, uid, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(w.e, 21 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_podevents_count(w.log), 7);
    ks_time st = KS_SECOND + 500 * KS_MILLISECOND;
    expect_row(&w, 0, 0, "default/a", "", KS_PE_CREATED, "");
    expect_row(&w, 1, KS_SECOND, "default/a", "n1", KS_PE_SCHEDULED, "");
    expect_row(&w, 2, st, "default/a", "n1", KS_PE_STARTED, "");
    const ks_pod_event *r = ks_podevents_rows(w.log);
    CU_ASSERT_EQUAL(r[3].kind, KS_PE_READY);
    CU_ASSERT(r[3].time >= st && r[3].time < st + 5 * KS_SECOND);
    /* Succeeded clears Ready: NotReady then Succeeded, at the end. */
    CU_ASSERT_EQUAL(r[4].kind, KS_PE_NOT_READY);
    expect_row(&w, 5, st + 5 * KS_SECOND, "default/a", "n1",
               KS_PE_SUCCEEDED, "");
    expect_row(&w, 6, 20 * KS_SECOND, "default/a", "n1", KS_PE_DELETED, "");
    for (size_t i = 1; i < ks_podevents_count(w.log); i++)
        CU_ASSERT(r[i].time >= r[i - 1].time);
    teardown(&w);
}

/* Rows recorded by components carry their reason; reasons and nodes are
 * interned once; a component's row for a pod the log has not seen yet
 * comes after that pod's Created row. */
static void test_recorded_rows(void)
{
    world w = setup();
    uint64_t a = pod(&w, "a", KS_TIME_NEVER);
    uint64_t b = pod(&w, "b", KS_TIME_NEVER);
    ks_podevents_record(w.log, ks_store_get(w.s, a), KS_PE_EVICTED,
                        "TaintManagerEviction");
    ks_podevents_record(w.log, ks_store_get(w.s, b), KS_PE_EVICTED,
                        "TaintManagerEviction");
    ks_podevents_record(w.log, ks_store_get(w.s, b), KS_PE_BACK_OFF, NULL);
    ks_podevents_record(w.log, NULL, KS_PE_BACK_OFF, NULL); /* ignored */
    ks_engine_run(w.e, KS_SECOND);
    CU_ASSERT_EQUAL(ks_podevents_count(w.log), 5);
    /* The watch delivers at the engine's next step: each pod's Created
     * row is written by its first recorded row. */
    expect_row(&w, 0, 0, "default/a", "", KS_PE_CREATED, "");
    expect_row(&w, 1, 0, "default/a", "", KS_PE_EVICTED,
               "TaintManagerEviction");
    expect_row(&w, 2, 0, "default/b", "", KS_PE_CREATED, "");
    expect_row(&w, 3, 0, "default/b", "", KS_PE_EVICTED,
               "TaintManagerEviction");
    expect_row(&w, 4, 0, "default/b", "", KS_PE_BACK_OFF, "");
    const ks_pod_event *r = ks_podevents_rows(w.log);
    CU_ASSERT_EQUAL(r[1].reason, r[3].reason);
    CU_ASSERT_STRING_EQUAL(ks_pod_event_name(KS_PE_OOM_KILLED), "OOMKilled");
    CU_ASSERT_STRING_EQUAL(ks_pod_event_name(KS_PE_NOT_READY), "NotReady");
    CU_ASSERT_EQUAL(ks_podevents_npods(w.log), 2);
    teardown(&w);
}

/* Startup latency: created -> first start, flagged when a pull came
 * first; pods never started are left out. */
static void test_startup_latency(void)
{
    world w = setup();
    uint64_t a = pod(&w, "a", KS_TIME_NEVER);
    uint64_t b = pod(&w, "b", KS_TIME_NEVER);
    (void)pod(&w, "never-bound", KS_TIME_NEVER);
    ks_engine_run(w.e, 2 * KS_SECOND);
    ks_podevents_record(w.log, ks_store_get(w.s, b), KS_PE_PULLING, NULL);
    CU_ASSERT_EQUAL(ks_store_update(w.s, a, 0, NULL, NULL, "n1"), 0);
    CU_ASSERT_EQUAL(ks_store_update(w.s, b, 0, NULL, NULL, "n1"), 0);
    ks_engine_run(w.e, 10 * KS_SECOND);
    ks_time *lat;
    uint8_t *pulled;
    size_t n;
    ks_podevents_startup(w.log, &lat, &pulled, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(lat[0], 2 * KS_SECOND + 500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(lat[1], 2 * KS_SECOND + 500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(pulled[0], 0);
    CU_ASSERT_EQUAL(pulled[1], 1);
    free(lat);
    free(pulled);
    teardown(&w);
}

void ks_suite_podevents(void)
{
    static const ks_test_case cases[] = {
        {"status transitions become rows", test_lifecycle_rows},
        {"rows recorded by components", test_recorded_rows},
        {"pod startup latency", test_startup_latency},
        {NULL, NULL}};
    ks_test_add_suite("sim/podevents", cases);
}
