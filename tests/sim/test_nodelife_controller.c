/* test_nodelife_controller.c - a node whose kubelet stops: NotReady
 * (Unknown), the NoExecute taint, and its pods deleted at the times the
 * upstream defaults give (k8s-control-loop.md S1, with the corrections
 * the algorithm's tests document: Unknown at the first 5 s pass more than
 * 50 s after the last observed renewal, the taint one pass later, pods
 * with the default 300 s tolerations deleted 300 s after the taint). */
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/nodelife_controller.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/store.h"
#include "tests/test_util.h"

#define NNODES 3

typedef struct world {
    ks_engine *e;
    ks_store *s;
    ks_kubelet *k[NNODES];
    ks_nodelife_controller *nlc;
} world;

static void setup(world *w)
{
    w->e = ks_engine_create();
    ks_store_config sc = {1, 0};
    w->s = ks_store_create(w->e, &sc);
    ks_kinds_install(w->s);
    w->nlc = ks_nodelife_controller_create(w->e, w->s, NULL, 0);
    for (int i = 0; i < NNODES; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        ks_node_body *b = calloc(1, sizeof *b);
        b->ready = KS_READY_TRUE;
        b->zone = strdup("a");
        ks_object_spec spec = {KS_KIND_NODE, NULL, name, NULL, NULL, 0,
                               NULL, b};
        CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, NULL), 0);
        w->k[i] = ks_kubelet_create(w->e, w->s, name, NULL);
    }
}

static void teardown(world *w)
{
    ks_nodelife_controller_destroy(w->nlc);
    for (int i = 0; i < NNODES; i++)
        ks_kubelet_destroy(w->k[i]);
    ks_store_destroy(w->s);
    ks_engine_destroy(w->e);
}

static uint64_t pod_on(world *w, const char *name, const char *node,
                       int default_tolerations)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.run_time = KS_TIME_NEVER;
    ks_toleration tols[2];
    if (default_tolerations) {
        ks_default_noexec_tolerations(tols);
        t.tolerations = tols;
        t.ntolerations = 2;
    }
    ks_pod_body *b = ks_pod_body_new(&t);
    ks_object_spec spec = {KS_KIND_POD, NULL, name, NULL, NULL, 0, node, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

static const ks_node_body *node(world *w, const char *name)
{
    const ks_object *o = ks_store_find(w->s, KS_KIND_NODE, NULL, name);
    return o ? o->body : NULL;
}

static void test_node_crash(void)
{
    world w;
    setup(&w);
    uint64_t tolerant = pod_on(&w, "web", "n0", 1);
    uint64_t bare = pod_on(&w, "bare", "n0", 0);
    uint64_t elsewhere = pod_on(&w, "other", "n1", 1);
    /* The kubelet of n0 renews at 10, 20, ..., 100 s, then stops.  The
     * controller's pass at 100 s runs before it sees the 100 s renewal,
     * so its probe time is 105 s (the first pass that saw it): Unknown at
     * the first pass more than 50 s later, 160 s; the taint one pass
     * later, 165 s (the zone stays Normal: 1 of 3 nodes down). */
    ks_engine_run(w.e, 100 * KS_SECOND);
    ks_kubelet_stop(w.k[0]);
    ks_engine_run(w.e, 159 * KS_SECOND);
    CU_ASSERT_EQUAL(node(&w, "n0")->ready, KS_READY_TRUE);
    ks_engine_run(w.e, 160 * KS_SECOND);
    CU_ASSERT_EQUAL(node(&w, "n0")->ready, KS_READY_UNKNOWN);
    /* Pods of the node are marked not ready at once. */
    CU_ASSERT_FALSE(((const ks_pod_body *)ks_store_get(w.s, tolerant)->body)
                        ->ready);
    CU_ASSERT_EQUAL(node(&w, "n0")->ntaints, 0);
    ks_engine_run(w.e, 165 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(node(&w, "n0")->ntaints, 1);
    CU_ASSERT_STRING_EQUAL(node(&w, "n0")->taints[0].key,
                           "node.kubernetes.io/unreachable");
    /* No toleration: deleted when tainted. */
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, bare));
    ks_engine_run(w.e, 464 * KS_SECOND);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(w.s, tolerant));
    ks_engine_run(w.e, 465 * KS_SECOND);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, tolerant));
    /* The healthy nodes and their pods are untouched. */
    CU_ASSERT_EQUAL(node(&w, "n1")->ready, KS_READY_TRUE);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(w.s, elsewhere));
    const ks_nodelife_stats *st = ks_nodelife_controller_stats(w.nlc);
    CU_ASSERT_EQUAL(st->unknown, 1);
    CU_ASSERT_EQUAL(st->tainted, 1);
    CU_ASSERT_EQUAL(st->evicted, 2);
    teardown(&w);
}

void ks_suite_nodelife_controller(void)
{
    static const ks_test_case cases[] = {
        {"a stopped kubelet: NotReady, taint, evictions", test_node_crash},
        {NULL, NULL}};
    ks_test_add_suite("sim/nodelife_controller", cases);
}
