/* test_kubelet.c - a node's kubelet on the store: image pulls through the
 * node's queue, start, readiness, end, Lease renewals, a stopped kubelet,
 * status writes retried without etcd quorum. */
#include <stdlib.h>

#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/store.h"
#include "tests/test_util.h"

typedef struct world {
    ks_engine *e;
    ks_store *s;
    ks_kubelet *k;
} world;

static world setup(int members)
{
    world w;
    w.e = ks_engine_create();
    ks_store_config sc = {members, 0};
    w.s = ks_store_create(w.e, &sc);
    ks_kinds_install(w.s);
    ks_kubelet_config cfg = ks_kubelet_default_config();
    cfg.pull = (ks_pull_config){100e6, KS_SECOND, 0}; /* 100 MB/s, 1 s */
    cfg.start_latency = 500 * KS_MILLISECOND;
    w.k = ks_kubelet_create(w.e, w.s, "n1", &cfg);
    return w;
}

static void teardown(world *w)
{
    ks_kubelet_destroy(w->k);
    ks_store_destroy(w->s);
    ks_engine_destroy(w->e);
}

static uint64_t pod(world *w, const char *name, const char *node,
                    const char *image, ks_time run)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.image = (char *)image;
    t.image_size = 200000000;
    t.run_time = run;
    ks_pod_body *b = ks_pod_body_new(&t);
    ks_object_spec spec = {KS_KIND_POD, NULL, name, NULL, NULL, 0, node, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

static const ks_pod_body *body(world *w, uint64_t uid)
{
    const ks_object *o = ks_store_get(w->s, uid);
    return o ? o->body : NULL;
}

/* Pull 200 MB at 100 MB/s + 1 s = 3 s, start 0.5 s later, ready at the
 * first probe (at start); a second pod of the same image shares the pull;
 * a pod of another node is not this kubelet's. */
static void test_pod_pipeline(void)
{
    world w = setup(1);
    uint64_t a = pod(&w, "a", "n1", "app:1", 60 * KS_SECOND);
    uint64_t other = pod(&w, "x", "n2", "app:1", KS_TIME_NEVER);
    ks_engine_run(w.e, KS_SECOND);
    uint64_t b = pod(&w, "b", "n1", "app:1", KS_TIME_NEVER);
    ks_engine_run(w.e, 3400 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_PENDING);
    ks_engine_run(w.e, 3500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, a)->started, 3500 * KS_MILLISECOND);
    CU_ASSERT_TRUE(body(&w, a)->ready);
    CU_ASSERT_EQUAL(body(&w, a)->ready_since, 3500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(body(&w, b)->started, 3500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(body(&w, other)->phase, KS_PHASE_PENDING);
    ks_engine_run(w.e, 64 * KS_SECOND);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_SUCCEEDED);
    CU_ASSERT_FALSE(body(&w, a)->ready);
    CU_ASSERT_EQUAL(body(&w, b)->phase, KS_PHASE_RUNNING);
    /* Cached now: a later pod of the image starts after 0.5 s. */
    uint64_t c = pod(&w, "c", "n1", "app:1", KS_TIME_NEVER);
    ks_engine_run(w.e, 65 * KS_SECOND);
    CU_ASSERT_EQUAL(body(&w, c)->started, 64 * KS_SECOND +
                                              500 * KS_MILLISECOND);
    teardown(&w);
}

/* Renewals every 10 s; a stopped kubelet stops renewing and reporting. */
static void test_lease_and_stop(void)
{
    world w = setup(1);
    const ks_object *lease =
        ks_store_find(w.s, KS_KIND_LEASE, "kube-node-lease", "n1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lease);
    uint64_t lu = lease->uid;
    ks_engine_run(w.e, 35 * KS_SECOND);
    const ks_lease_body *l = ks_store_get(w.s, lu)->body;
    CU_ASSERT_EQUAL(l->renew_time, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(l->duration_s, 40);
    ks_kubelet_stop(w.k);
    uint64_t p = pod(&w, "late", "n1", "app:1", KS_TIME_NEVER);
    ks_engine_run(w.e, 100 * KS_SECOND);
    CU_ASSERT_EQUAL(((const ks_lease_body *)ks_store_get(w.s, lu)->body)
                        ->renew_time,
                    30 * KS_SECOND);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_PENDING);
    teardown(&w);
}

/* Without quorum the status write waits for the next status sync. */
static void test_status_retry_without_quorum(void)
{
    world w = setup(3);
    uint64_t a = pod(&w, "a", "n1", "app:1", KS_TIME_NEVER);
    ks_store_members_down(w.s, 2);
    ks_engine_run(w.e, 5 * KS_SECOND);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_PENDING);
    ks_store_members_down(w.s, -2);
    ks_engine_run(w.e, 14 * KS_SECOND);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_RUNNING);
    /* The container did start at 3.5 s; only the report was late. */
    CU_ASSERT_EQUAL(body(&w, a)->started, 3500 * KS_MILLISECOND);
    teardown(&w);
}

void ks_suite_kubelet(void)
{
    static const ks_test_case cases[] = {
        {"pull, start, ready, end", test_pod_pipeline},
        {"Lease renewals and a stopped kubelet", test_lease_and_stop},
        {"status retried without quorum", test_status_retry_without_quorum},
        {NULL, NULL}};
    ks_test_add_suite("sim/kubelet", cases);
}
