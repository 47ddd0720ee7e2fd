/* test_control_loop.c - the control loop end to end on the store: a
 * Deployment's ReplicaSet creates pods, the scheduler binds them (its
 * informers and binder on the store), kubelets start them; a node whose
 * kubelet stops is tainted by the node lifecycle controller, its pods are
 * evicted and the ReplicaSet's replacements run on the other nodes. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sched/store_bridge.h"
#include "scenarios/schedconfig.h"
#include "sim/controllers/deploy_controller.h"
#include "sim/controllers/endpointslice_controller.h"
#include "sim/controllers/nodelife_controller.h"
#include "sim/controllers/rs_controller.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/store.h"
#include "sim/traffic.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

#define NNODES 3

typedef struct cluster {
    ks_engine *e;
    ks_store *s;
    gsl_rng *rng;
    ks_kubelet *k[NNODES];
    ks_rs_controller *rsc;
    ks_deploy_controller *dc;
    ks_nodelife_controller *nlc;
    ks_store_bridge *sched;
    ks_schedconfig *profile; /* kube-scheduler's default profile */
} cluster;

static void setup(cluster *c)
{
    c->e = ks_engine_create();
    ks_store_config sc = {3, 0};
    c->s = ks_store_create(c->e, &sc);
    ks_kinds_install(c->s);
    c->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(c->rng, 1);
    c->rsc = ks_rs_controller_create(c->e, c->s, NULL);
    c->dc = ks_deploy_controller_create(c->e, c->s, NULL);
    c->nlc = ks_nodelife_controller_create(c->e, c->s, NULL, 0);
    ks_store_bridge_config bc = {0, 100 * KS_MILLISECOND};
    c->profile = ks_schedconfig_default(36);
    c->sched = ks_store_bridge_create(c->e, c->s,
                                      ks_schedconfig_get(c->profile), c->rng,
                                      &bc);
    for (int i = 0; i < NNODES; i++) {
        char name[24];
        snprintf(name, sizeof name, "node-%d", i);
        ks_node_body *b = ks_xcalloc(1, sizeof *b);
        b->allocatable[KS_RES_CPU] = 4000;
        b->allocatable[KS_RES_MEMORY] = 16LL << 30;
        b->allocatable[KS_RES_PODS] = 110;
        b->ready = KS_READY_TRUE;
        b->zone = ks_xstrdup("a");
        ks_object_spec spec = {KS_KIND_NODE, NULL, name, NULL, NULL, 0, NULL,
                               b};
        CU_ASSERT_EQUAL(ks_store_create_object(c->s, &spec, NULL), 0);
        ks_kubelet_config kc = ks_kubelet_default_config();
        kc.start_latency = KS_SECOND;
        c->k[i] = ks_kubelet_create(c->e, c->s, name, &kc);
    }
}

static void teardown(cluster *c)
{
    ks_store_bridge_destroy(c->sched);
    ks_schedconfig_destroy(c->profile);
    ks_nodelife_controller_destroy(c->nlc);
    ks_deploy_controller_destroy(c->dc);
    ks_rs_controller_destroy(c->rsc);
    for (int i = 0; i < NNODES; i++)
        ks_kubelet_destroy(c->k[i]);
    ks_store_destroy(c->s);
    gsl_rng_free(c->rng);
    ks_engine_destroy(c->e);
}

static void deploy(cluster *c, int replicas)
{
    ks_deployment_body *d = ks_xcalloc(1, sizeof *d);
    ks_deployment_body_defaults(d);
    d->replicas = replicas;
    ks_labels_set(&d->selector.match_labels, "app", "web");
    for (int r = 0; r < KS_RES_COUNT; r++)
        d->template.requests[r] = -1;
    d->template.requests[KS_RES_CPU] = 500;
    d->template.requests[KS_RES_MEMORY] = 1LL << 30;
    d->template.image = ks_xstrdup("web:1");
    d->template.run_time = KS_TIME_NEVER;
    ks_labels_set(&d->template.labels, "app", "web");
    ks_object_spec spec = {KS_KIND_DEPLOYMENT, "default", "web", NULL, NULL,
                           0, NULL, d};
    CU_ASSERT_EQUAL(ks_store_create_object(c->s, &spec, NULL), 0);
}

typedef struct census {
    int pods, running, ready, on[NNODES];
} census;

static census count(cluster *c)
{
    census k = {0};
    const ks_object **v;
    size_t n;
    ks_store_list(c->s, KS_KIND_POD, NULL, NULL, &v, &n);
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *b = v[i]->body;
        k.pods++;
        k.running += b->phase == KS_PHASE_RUNNING;
        k.ready += b->ready;
        if (v[i]->node_name)
            k.on[v[i]->node_name[5] - '0']++;
    }
    free(v);
    return k;
}

static void test_deployment_runs(void)
{
    cluster c;
    setup(&c);
    deploy(&c, 6);
    ks_engine_run(c.e, 30 * KS_SECOND);
    census k = count(&c);
    CU_ASSERT_EQUAL(k.pods, 6);
    CU_ASSERT_EQUAL(k.running, 6);
    CU_ASSERT_EQUAL(k.ready, 6);
    /* The default scheduler spreads equal pods: 2 per node. */
    for (int i = 0; i < NNODES; i++)
        CU_ASSERT_EQUAL(k.on[i], 2);
    CU_ASSERT_EQUAL(ks_store_bridge_bindings(c.sched), 6);
    teardown(&c);
}

/* node-0's kubelet stops at 100 s: Unknown at 160 s, tainted at 165 s
 * (pods without tolerations are evicted then), replacements scheduled on
 * the two healthy nodes (the tainted one is filtered out) and running. */
static void test_node_failure_replaced(void)
{
    cluster c;
    setup(&c);
    deploy(&c, 6);
    ks_engine_run(c.e, 100 * KS_SECOND);
    ks_kubelet_stop(c.k[0]);
    ks_engine_run(c.e, 164 * KS_SECOND);
    census k = count(&c);
    CU_ASSERT_EQUAL(k.on[0], 2);
    CU_ASSERT_EQUAL(k.ready, 4); /* node-0's pods marked not ready */
    ks_engine_run(c.e, 200 * KS_SECOND);
    k = count(&c);
    CU_ASSERT_EQUAL(k.pods, 6);
    CU_ASSERT_EQUAL(k.on[0], 0);
    CU_ASSERT_EQUAL(k.on[1] + k.on[2], 6);
    CU_ASSERT_EQUAL(k.ready, 6);
    teardown(&c);
}

/* A Service over the Deployment: requests through kube-proxy succeed once
 * endpoints are ready; scaling down deletes pods at once while kube-proxy
 * learns of it 500 ms later: requests to the deleted pods fail in that
 * window only. */
static void test_service_traffic(void)
{
    cluster c;
    setup(&c);
    ks_endpointslice_controller *esc =
        ks_endpointslice_controller_create(c.e, c.s, 0);
    ks_service_body *sb = ks_xcalloc(1, sizeof *sb);
    ks_labels_set(&sb->selector, "app", "web");
    ks_object_spec spec = {KS_KIND_SERVICE, "default", "web", NULL, NULL, 0,
                           NULL, sb};
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(c.s, &spec, NULL), 0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    ks_traffic_config tc = {{KS_PROXY_IPTABLES, 0}, 500 * KS_MILLISECOND};
    ks_traffic *tr = ks_traffic_create(c.e, c.s, r, &tc);
    int svc = ks_traffic_add_service(tr, "default", "web", 20.0);
    deploy(&c, 6);
    ks_engine_run(c.e, 60 * KS_SECOND);
    ks_service_stats a = ks_traffic_stats(tr, svc);
    /* Before the first pod is ready and programmed: rejected. */
    CU_ASSERT(a.rejected > 0);
    CU_ASSERT(a.zero_endpoints > 0 && a.zero_endpoints < 5 * KS_SECOND);
    CU_ASSERT_EQUAL(a.failed, 0);
    CU_ASSERT(a.ok > 1000);
    /* Scale to 3. */
    const ks_object *d = ks_store_find(c.s, KS_KIND_DEPLOYMENT, "default",
                                       "web");
    ks_deployment_body *nb = ks_deployment_body_copy(d->body);
    nb->replicas = 3;
    CU_ASSERT_EQUAL(ks_store_update(c.s, d->uid, 0, nb, NULL, NULL), 0);
    ks_engine_run(c.e, 61 * KS_SECOND);
    ks_service_stats b = ks_traffic_stats(tr, svc);
    CU_ASSERT(b.failed > 0);     /* stale backends in the 500 ms window */
    CU_ASSERT(b.failed <= 20);   /* at most the requests of that window */
    ks_engine_run(c.e, 90 * KS_SECOND);
    ks_service_stats z = ks_traffic_stats(tr, svc);
    CU_ASSERT_EQUAL(z.failed, b.failed); /* none once programmed */
    CU_ASSERT_EQUAL(z.rejected, a.rejected);
    CU_ASSERT(ks_endpointslice_controller_writes(esc) >= 2);
    ks_traffic_destroy(tr);
    ks_endpointslice_controller_destroy(esc);
    gsl_rng_free(r);
    teardown(&c);
}

void ks_suite_control_loop(void)
{
    static const ks_test_case cases[] = {
        {"a Deployment's pods scheduled and running", test_deployment_runs},
        {"a failed node's pods are replaced", test_node_failure_replaced},
        {"Service traffic through kube-proxy", test_service_traffic},
        {NULL, NULL}};
    ks_test_add_suite("e2e/control_loop", cases);
}
