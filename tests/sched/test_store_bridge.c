/* test_store_bridge.c - the scheduler's informers on the store: pending
 * pods are scheduled and bound, pods bound by their creator and pods that
 * ended are accounted as the scheduler's cache does. */
#include <stdlib.h>

#include "sched/store_bridge.h"
#include "sim/kinds.h"
#include "sim/store.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

typedef struct world {
    ks_engine *e;
    ks_store *s;
    gsl_rng *rng;
    ks_store_bridge *b;
} world;

static void add_node(world *w, const char *name, int64_t cpu)
{
    ks_node_body *nb = ks_xcalloc(1, sizeof *nb);
    nb->allocatable[KS_RES_CPU] = cpu;
    nb->allocatable[KS_RES_MEMORY] = 8LL << 30;
    nb->allocatable[KS_RES_PODS] = 110;
    nb->ready = KS_READY_TRUE;
    ks_object_spec spec = {KS_KIND_NODE, NULL, name, NULL, NULL, 0, NULL, nb};
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, NULL), 0);
}

static world setup(void)
{
    world w;
    w.e = ks_engine_create();
    ks_store_config sc = {1, 0};
    w.s = ks_store_create(w.e, &sc);
    ks_kinds_install(w.s);
    w.rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(w.rng, 1);
    w.b = ks_store_bridge_create(w.e, w.s, NULL, w.rng, NULL);
    add_node(&w, "a", 1000);
    add_node(&w, "b", 1000);
    return w;
}

static void teardown(world *w)
{
    ks_store_bridge_destroy(w->b);
    ks_store_destroy(w->s);
    gsl_rng_free(w->rng);
    ks_engine_destroy(w->e);
}

static uint64_t pod(world *w, const char *name, int64_t cpu, const char *node)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.requests[KS_RES_CPU] = cpu;
    ks_object_spec spec = {KS_KIND_POD, "default", name, NULL, NULL, 0, node,
                           ks_pod_body_new(&t)};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

static const char *node_of(world *w, uint64_t uid)
{
    const ks_object *o = ks_store_get(w->s, uid);
    return o ? o->node_name : NULL;
}

/* A pod bound by its creator takes its node's room: the next pod that
 * needs the room goes to the other node. */
static void test_bound_elsewhere_accounted(void)
{
    world w = setup();
    pod(&w, "daemon", 800, "a");
    ks_engine_run(w.e, KS_SECOND);
    const ks_cluster *c = ks_store_bridge_cluster(w.b);
    CU_ASSERT_EQUAL(c->nodes[0].requested[KS_RES_CPU], 800);
    uint64_t p = pod(&w, "web", 500, NULL);
    ks_engine_run(w.e, 2 * KS_SECOND);
    CU_ASSERT_PTR_NOT_NULL_FATAL(node_of(&w, p));
    CU_ASSERT_STRING_EQUAL(node_of(&w, p), "b");
    CU_ASSERT_EQUAL(ks_store_bridge_bindings(w.b), 1);
    teardown(&w);
}

/* A pod bound to a node the scheduler does not know is ignored. */
static void test_bound_to_unknown_node(void)
{
    world w = setup();
    pod(&w, "stray", 800, "nowhere");
    ks_engine_run(w.e, KS_SECOND);
    const ks_cluster *c = ks_store_bridge_cluster(w.b);
    CU_ASSERT_EQUAL(c->npods, 0);
    teardown(&w);
}

/* A pod that ends (Succeeded) frees its room for a pending one, as its
 * deletion would; a later deletion changes nothing more. */
static void test_terminal_pod_frees(void)
{
    world w = setup();
    uint64_t a = pod(&w, "job-a", 900, NULL);
    uint64_t b = pod(&w, "job-b", 900, NULL);
    ks_engine_run(w.e, KS_SECOND);
    uint64_t c3 = pod(&w, "late", 900, NULL);
    ks_engine_run(w.e, 2 * KS_SECOND);
    CU_ASSERT_PTR_NULL(node_of(&w, c3)); /* no room */
    CU_ASSERT_PTR_NOT_NULL(node_of(&w, a));
    CU_ASSERT_PTR_NOT_NULL(node_of(&w, b));
    ks_pod_body *pb = ks_store_body(w.s, a);
    pb->phase = KS_PHASE_SUCCEEDED;
    CU_ASSERT_EQUAL(ks_store_touch(w.s, a), 0);
    ks_engine_run(w.e, 30 * KS_SECOND);
    CU_ASSERT_PTR_NOT_NULL_FATAL(node_of(&w, c3));
    CU_ASSERT_STRING_EQUAL(node_of(&w, c3), node_of(&w, a));
    CU_ASSERT_EQUAL(ks_store_delete(w.s, a, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(w.e, 31 * KS_SECOND);
    const ks_cluster *c = ks_store_bridge_cluster(w.b);
    int64_t total = c->nodes[0].requested[KS_RES_CPU] +
                    c->nodes[1].requested[KS_RES_CPU];
    CU_ASSERT_EQUAL(total, 1800); /* b and late, counted once each */
    teardown(&w);
}

void ks_suite_store_bridge(void)
{
    static const ks_test_case cases[] = {
        {"pods bound by their creator are accounted",
         test_bound_elsewhere_accounted},
        {"pods bound to unknown nodes are ignored", test_bound_to_unknown_node},
        {"terminal pods free their room", test_terminal_pod_frees},
        {NULL, NULL}};
    ks_test_add_suite("sched/store_bridge", cases);
}
