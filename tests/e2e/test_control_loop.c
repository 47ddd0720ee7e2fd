/* test_control_loop.c - the control loop end to end on the store: a
 * Deployment's ReplicaSet creates pods, the scheduler binds them (its
 * informers and binder on the store), kubelets start them; a node whose
 * kubelet stops is tainted by the node lifecycle controller, its pods are
 * evicted and the ReplicaSet's replacements run on the other nodes;
 * graceful pod deletion across the components (ReplicaSet, EndpointSlice,
 * scheduler, kubelet); node-pressure eviction: the kubelet evicts a
 * leaking pod, taints its node, and the ReplicaSet's replacement runs on
 * another node. */
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

/* A web Deployment whose pods have terminationGracePeriodSeconds grace_s
 * and, with ignores_sigterm, run until SIGKILL when killed. */
static void deploy_ex(cluster *c, int replicas, int64_t grace_s,
                      int ignores_sigterm)
{
    ks_deployment_body *d = ks_xcalloc(1, sizeof *d);
    ks_deployment_body_defaults(d);
    d->replicas = replicas;
    d->template.termination_grace_s = grace_s;
    d->template.ignores_sigterm = ignores_sigterm;
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

/* Pods deleted at once when deleted (terminationGracePeriodSeconds 0). */
static void deploy(cluster *c, int replicas)
{
    deploy_ex(c, replicas, 0, 0);
}

typedef struct census {
    int pods, running, ready, terminating, on[NNODES];
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
        k.terminating += v[i]->deletion_time >= 0;
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

/* ---- a changing request rate (sim/traffic.h ks_traffic_set_rate) ------- */

typedef struct rate_run {
    ks_engine *e;
    ks_store *s;
    gsl_rng *r;
    ks_traffic *tr;
    int svc;
} rate_run;

static void rate_run_start(rate_run *x, double rate)
{
    x->e = ks_engine_create();
    x->s = ks_store_create(x->e, NULL);
    ks_kinds_install(x->s);
    x->r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(x->r, 11);
    x->tr = ks_traffic_create(x->e, x->s, x->r, NULL);
    x->svc = ks_traffic_add_service(x->tr, "default", "web", rate);
}

static uint64_t requests_at(rate_run *x, ks_time t)
{
    ks_engine_run(x->e, t);
    return ks_traffic_stats(x->tr, x->svc).requests;
}

static void rate_run_end(rate_run *x)
{
    ks_traffic_destroy(x->tr);
    ks_store_destroy(x->s);
    ks_engine_destroy(x->e);
    gsl_rng_free(x->r);
}

/* The rate changes at given times: requests follow it (Poisson counts
 * within 5 standard deviations), a rate of 0 sends none, a change to the
 * same rate leaves the stream exactly as it was (time rescaling, no extra
 * draw), and a run is reproducible.  No Service exists: every request is
 * rejected, which is all this needs. */
static void test_traffic_rate_changes(void)
{
    rate_run a, b, c;
    rate_run_start(&a, 20.0);
    rate_run_start(&b, 20.0);
    rate_run_start(&c, 20.0);
    CU_ASSERT_EQUAL_FATAL(a.svc, 0);
    /* b changes to the same rate twice: the same arrivals as a. */
    uint64_t a100 = requests_at(&a, 100 * KS_SECOND);
    ks_engine_run(b.e, 33 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(b.tr, b.svc, 20.0), 0);
    ks_engine_run(b.e, 66 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(b.tr, b.svc, 20.0), 0);
    CU_ASSERT_EQUAL(requests_at(&b, 100 * KS_SECOND), a100);
    CU_ASSERT(a100 > 2000 - 5 * 45 && a100 < 2000 + 5 * 45);
    /* c: 20/s for 100 s, then 0 for 100 s, then 100/s for 100 s, then
     * 20/s again. */
    CU_ASSERT_EQUAL(requests_at(&c, 100 * KS_SECOND), a100);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, c.svc, 0.0), 0);
    CU_ASSERT_EQUAL(requests_at(&c, 200 * KS_SECOND), a100);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, c.svc, 100.0), 0);
    uint64_t c300 = requests_at(&c, 300 * KS_SECOND);
    CU_ASSERT(c300 - a100 > 10000 - 5 * 100 && c300 - a100 < 10000 + 5 * 100);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, c.svc, 20.0), 0);
    uint64_t c400 = requests_at(&c, 400 * KS_SECOND);
    CU_ASSERT(c400 - c300 > 2000 - 5 * 45 && c400 - c300 < 2000 + 5 * 45);
    /* No Service: every request was rejected. */
    ks_service_stats st = ks_traffic_stats(c.tr, c.svc);
    CU_ASSERT_EQUAL(st.requests, st.rejected);
    /* Bad calls change nothing. */
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, 1, 5.0), -1);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, -1, 5.0), -1);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, c.svc, -1.0), -1);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, c.svc, 0.0 / 0.0), -1);
    CU_ASSERT_EQUAL(ks_traffic_add_service(c.tr, "default", "x", -1.0), -1);
    CU_ASSERT_EQUAL(ks_traffic_add_service(c.tr, "default", NULL, 1.0), -1);
    /* A Service added at rate 0 sends nothing until its rate is set. */
    int z = ks_traffic_add_service(c.tr, "default", "later", 0.0);
    CU_ASSERT_EQUAL(z, 1);
    ks_engine_run(c.e, 500 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_traffic_stats(c.tr, z).requests, 0);
    CU_ASSERT_EQUAL(ks_traffic_set_rate(c.tr, z, 10.0), 0);
    ks_engine_run(c.e, 600 * KS_SECOND);
    uint64_t zr = ks_traffic_stats(c.tr, z).requests;
    CU_ASSERT(zr > 1000 - 5 * 32 && zr < 1000 + 5 * 32);
    /* Reproducible: the same changes give the same counts. */
    rate_run d;
    rate_run_start(&d, 20.0);
    ks_engine_run(d.e, 100 * KS_SECOND);
    ks_traffic_set_rate(d.tr, d.svc, 0.0);
    ks_engine_run(d.e, 200 * KS_SECOND);
    ks_traffic_set_rate(d.tr, d.svc, 100.0);
    CU_ASSERT_EQUAL(requests_at(&d, 300 * KS_SECOND), c300);
    rate_run_end(&d);
    rate_run_end(&a);
    rate_run_end(&b);
    rate_run_end(&c);
}

/* Time rescaling exactly: with the pending arrival at A and a change from
 * r1 to r2 at T, the arrival moves to T + (A - T) * r1 / r2; doubling the
 * rate at T = 0 halves every gap (the same draws). */
static void test_traffic_rescaling(void)
{
    rate_run a, b;
    rate_run_start(&a, 5.0);
    rate_run_start(&b, 10.0); /* set back to 5/s at 0: the same stream */
    CU_ASSERT_EQUAL(ks_traffic_set_rate(b.tr, b.svc, 5.0), 0);
    uint64_t a60 = requests_at(&a, 60 * KS_SECOND);
    uint64_t b60 = requests_at(&b, 60 * KS_SECOND);
    /* b's first gap was drawn at 10/s and stretched to 5/s: the same
     * arrival time within a nanosecond of rounding, then the same draws
     * at the same rate. */
    CU_ASSERT(a60 == b60 || a60 == b60 + 1 || a60 + 1 == b60);
    rate_run_end(&a);
    rate_run_end(&b);
}

/* ---- graceful pod deletion ---------------------------------------------- */

/* The scheduler's accounting of CPU on node `name`. */
static int64_t cpu_requested(cluster *c, const char *name)
{
    const ks_cluster *cl = ks_store_bridge_cluster(c->sched);
    for (uint32_t n = 0; n < cl->nnodes; n++)
        if (strcmp(cl->nodes[n].name, name) == 0)
            return cl->nodes[n].requested[KS_RES_CPU];
    CU_FAIL("no such node");
    return -1;
}

/* Whether the Service's EndpointSlice lists pod. */
static int in_slice(cluster *c, uint64_t pod, size_t *nendpoints)
{
    const ks_object **v;
    size_t n;
    int found = 0;
    ks_store_list(c->s, KS_KIND_ENDPOINTSLICE, NULL, NULL, &v, &n);
    CU_ASSERT_EQUAL(n, 1);
    for (size_t i = 0; i < n; i++) {
        const ks_endpointslice_body *b = v[i]->body;
        *nendpoints = b->nendpoints;
        for (size_t k = 0; k < b->nendpoints; k++)
            found |= b->endpoints[k].pod == pod;
    }
    free(v);
    return found;
}

/* kubectl delete pod of a 2-replica Deployment at 30 s, grace 30 s, the
 * container ignoring SIGTERM: the pod is Terminating at once; the
 * ReplicaSet creates its replacement at once (a terminating pod is not
 * active), the EndpointSlice drops it at once, the scheduler keeps its
 * 500m on its node until it is gone: the kubelet kills it (Killing at
 * 30 s), SIGKILL and the final delete at 60 s.  The replacement goes to
 * the free node. */
static void test_graceful_pod_deletion(void)
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
    deploy_ex(&c, 2, 30, 1);
    ks_engine_run(c.e, 30 * KS_SECOND);
    census k = count(&c);
    CU_ASSERT_EQUAL(k.ready, 2);
    const ks_object **v;
    size_t n, ne = 0;
    ks_store_list(c.s, KS_KIND_POD, NULL, NULL, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    uint64_t victim = v[0]->uid;
    char node[24];
    snprintf(node, sizeof node, "%s", v[0]->node_name);
    free(v);
    CU_ASSERT_TRUE(in_slice(&c, victim, &ne));
    CU_ASSERT_EQUAL(cpu_requested(&c, node), 500);

    CU_ASSERT_EQUAL(ks_store_delete_graceful(c.s, victim,
                                             KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    ks_engine_run(c.e, 30 * KS_SECOND);
    const ks_object *o = ks_store_get(c.s, victim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->deletion_time, 60 * KS_SECOND);
    CU_ASSERT_EQUAL(((const ks_pod_body *)o->body)->phase, KS_PHASE_RUNNING);
    k = count(&c);
    CU_ASSERT_EQUAL(k.pods, 3);
    CU_ASSERT_EQUAL(k.terminating, 1);
    ks_store_list(c.s, KS_KIND_POD, NULL, NULL, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(v[2]->created, 30 * KS_SECOND); /* the replacement */
    free(v);
    CU_ASSERT_FALSE(in_slice(&c, victim, &ne));
    CU_ASSERT_EQUAL(ne, 1); /* the other; the replacement not bound yet */
    CU_ASSERT_EQUAL(cpu_requested(&c, node), 500);

    ks_engine_run(c.e, 60 * KS_SECOND - 1);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(c.s, victim));
    CU_ASSERT_EQUAL(cpu_requested(&c, node), 500);
    k = count(&c);
    CU_ASSERT_EQUAL(k.ready, 3); /* the replacement runs on the free node */
    for (int i = 0; i < NNODES; i++)
        CU_ASSERT_EQUAL(k.on[i], 1);
    ks_engine_run(c.e, 60 * KS_SECOND);
    CU_ASSERT_PTR_NULL(ks_store_get(c.s, victim));
    CU_ASSERT_EQUAL(cpu_requested(&c, node), 0);
    k = count(&c);
    CU_ASSERT_EQUAL(k.pods, 2);
    CU_ASSERT_EQUAL(k.terminating, 0);
    ks_endpointslice_controller_destroy(esc);
    teardown(&c);
}

/* A pod the scheduler cannot place (no node has 100 CPUs) is deleted at
 * once even with a grace period: CheckGracefulDelete gives an unscheduled
 * pod 0. */
static void test_unscheduled_pod_deleted_at_once(void)
{
    cluster c;
    setup(&c);
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.requests[KS_RES_CPU] = 100000;
    t.run_time = KS_TIME_NEVER;
    t.termination_grace_s = 30;
    ks_object_spec spec = {KS_KIND_POD, "default", "big", NULL, NULL, 0,
                           NULL, ks_pod_body_new(&t)};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(c.s, &spec, &uid), 0);
    ks_engine_run(c.e, 10 * KS_SECOND);
    CU_ASSERT_PTR_NULL(ks_store_get(c.s, uid)->node_name);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(c.s, uid,
                                             KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    CU_ASSERT_PTR_NULL(ks_store_get(c.s, uid));
    ks_engine_run(c.e, 20 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_count(c.s, KS_KIND_POD), 0);
    teardown(&c);
}

/* As test_node_failure_replaced with grace 30 s: the taint manager's
 * deletions leave node-0's pods Terminating for good (their kubelet never
 * confirms, nothing force-deletes them), while the replacements run on
 * the other nodes. */
static void test_stopped_kubelet_pods_stay_terminating(void)
{
    cluster c;
    setup(&c);
    deploy_ex(&c, 6, 30, 0);
    ks_engine_run(c.e, 100 * KS_SECOND);
    ks_kubelet_stop(c.k[0]);
    ks_engine_run(c.e, 1000 * KS_SECOND);
    census k = count(&c);
    CU_ASSERT_EQUAL(k.pods, 8);
    CU_ASSERT_EQUAL(k.terminating, 2);
    CU_ASSERT_EQUAL(k.on[0], 2);
    CU_ASSERT_EQUAL(k.on[1] + k.on[2], 6);
    CU_ASSERT_EQUAL(k.ready, 6);
    CU_ASSERT_EQUAL(k.running, 8); /* node-0's last report */
    teardown(&c);
}

/* ---- node-pressure eviction ---------------------------------------------- */

#define GI (1LL << 30)
#define MI (1LL << 20)

static const ks_pod_body *pod_body_of(cluster *c, uint64_t uid)
{
    const ks_object *o = ks_store_get(c->s, uid);
    return o ? o->body : NULL;
}

/* Three web pods (1Gi request, 1Gi at start growing 50Mi/s, no limit)
 * spread one per node; at 10 s a Guaranteed db pod (12Gi request, limit
 * and usage) is bound to node-0.  node-0's pods use 13Gi + 50Mi/s after
 * web's start: more than its 16Gi allocatable 61.44 s after it.  The
 * kubelet's pass that sees it (70 s) evicts the web pod (it exceeds its
 * request, db does not though it uses far more): Failed, reason Evicted,
 * kept in the API; node-0 gets MemoryPressure and the memory-pressure
 * NoSchedule taint in the same pass, so the ReplicaSet's replacement
 * (the Failed pod is not active) is scheduled on node-1 or node-2 and
 * runs; the Deployment has 3 ready pods again. */
static void test_node_pressure_eviction(void)
{
    cluster c;
    setup(&c);
    ks_deployment_body *d = ks_xcalloc(1, sizeof *d);
    ks_deployment_body_defaults(d);
    d->replicas = 3;
    ks_labels_set(&d->selector.match_labels, "app", "web");
    for (int r = 0; r < KS_RES_COUNT; r++)
        d->template.requests[r] = -1;
    d->template.requests[KS_RES_CPU] = 500;
    d->template.requests[KS_RES_MEMORY] = GI;
    d->template.memory_usage = GI;
    d->template.memory_leak = 50 * MI;
    d->template.image = ks_xstrdup("web:1");
    d->template.run_time = KS_TIME_NEVER;
    ks_labels_set(&d->template.labels, "app", "web");
    ks_object_spec dspec = {KS_KIND_DEPLOYMENT, "default", "web", NULL, NULL,
                            0, NULL, d};
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(c.s, &dspec, NULL), 0);
    ks_engine_run(c.e, 10 * KS_SECOND);
    census k = count(&c);
    CU_ASSERT_EQUAL(k.ready, 3);
    for (int i = 0; i < NNODES; i++)
        CU_ASSERT_EQUAL(k.on[i], 1);
    const ks_object **v;
    size_t n;
    ks_store_list(c.s, KS_KIND_POD, NULL, NULL, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    uint64_t victim = 0;
    ks_time started = -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i]->node_name, "node-0")) {
            victim = v[i]->uid;
            started = ((const ks_pod_body *)v[i]->body)->started;
        }
    free(v);
    CU_ASSERT_FATAL(victim != 0 && started >= 0);

    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.requests[KS_RES_CPU] = 100;
    t.requests[KS_RES_MEMORY] = 12 * GI;
    t.memory_limit = 12 * GI;
    t.memory_usage = 12 * GI;
    t.run_time = KS_TIME_NEVER;
    t.crash_after = KS_TIME_NEVER;
    t.unhealthy_after = KS_TIME_NEVER;
    ks_object_spec pspec = {KS_KIND_POD, "default", "db", NULL, NULL, 0,
                            "node-0", ks_pod_body_new(&t)};
    uint64_t db = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(c.s, &pspec, &db), 0);

    /* web started at 1.1 s (bind 100 ms, start 1 s): the threshold is
     * met from 62.54 s; node-0's kubelet passes every 10 s from 0, and
     * the pass at 70 s evicts. */
    CU_ASSERT_EQUAL(started, 1100 * KS_MILLISECOND);
    const ks_time pass = 70 * KS_SECOND;
    ks_engine_run(c.e, pass - 1);
    CU_ASSERT_EQUAL(pod_body_of(&c, victim)->phase, KS_PHASE_RUNNING);
    const ks_object *n0 = ks_store_find(c.s, KS_KIND_NODE, NULL, "node-0");
    CU_ASSERT_FALSE(((const ks_node_body *)n0->body)->memory_pressure);
    ks_engine_run(c.e, pass);
    CU_ASSERT_EQUAL(pod_body_of(&c, victim)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(pod_body_of(&c, victim)->reason, "Evicted");
    n0 = ks_store_find(c.s, KS_KIND_NODE, NULL, "node-0");
    const ks_node_body *nb = n0->body;
    CU_ASSERT_TRUE(nb->memory_pressure);
    CU_ASSERT_EQUAL_FATAL(nb->ntaints, 1);
    CU_ASSERT_STRING_EQUAL(nb->taints[0].key,
                           "node.kubernetes.io/memory-pressure");
    CU_ASSERT_EQUAL(nb->taints[0].effect, KS_EFFECT_NO_SCHEDULE);

    ks_engine_run(c.e, pass + 20 * KS_SECOND);
    CU_ASSERT_EQUAL(pod_body_of(&c, db)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(pod_body_of(&c, db)->restarts, 0);
    CU_ASSERT_EQUAL(pod_body_of(&c, victim)->phase, KS_PHASE_FAILED);
    k = count(&c);
    CU_ASSERT_EQUAL(k.pods, 5);   /* 3 web, the evicted one, db */
    CU_ASSERT_EQUAL(k.running, 4);
    CU_ASSERT_EQUAL(k.ready, 4);
    CU_ASSERT_EQUAL(k.on[0], 2);  /* db and the evicted pod */
    CU_ASSERT_EQUAL(k.on[1] + k.on[2], 3);
    ks_store_list(c.s, KS_KIND_POD, NULL, NULL, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    CU_ASSERT_EQUAL(v[4]->created, pass); /* the replacement, at once */
    CU_ASSERT_PTR_NOT_NULL(v[4]->node_name);
    if (v[4]->node_name)
        CU_ASSERT_STRING_NOT_EQUAL(v[4]->node_name, "node-0");
    free(v);
    const ks_object *dep = ks_store_find(c.s, KS_KIND_DEPLOYMENT, "default",
                                         "web");
    CU_ASSERT_EQUAL(((const ks_deployment_body *)dep->body)->ready_replicas,
                    3);
    teardown(&c);
}

void ks_suite_control_loop(void)
{
    static const ks_test_case cases[] = {
        {"a Deployment's pods scheduled and running", test_deployment_runs},
        {"a failed node's pods are replaced", test_node_failure_replaced},
        {"Service traffic through kube-proxy", test_service_traffic},
        {"traffic rate changes", test_traffic_rate_changes},
        {"traffic rate change rescales the pending arrival",
         test_traffic_rescaling},
        {"a pod deleted gracefully: Terminating, replaced, out of the "
         "slice, its room kept until gone",
         test_graceful_pod_deletion},
        {"an unscheduled pod is deleted at once",
         test_unscheduled_pod_deleted_at_once},
        {"a stopped kubelet's evicted pods stay Terminating",
         test_stopped_kubelet_pods_stay_terminating},
        {"node-pressure eviction: the leaking pod evicted, the node "
         "tainted, the replacement elsewhere",
         test_node_pressure_eviction},
        {NULL, NULL}};
    ks_test_add_suite("e2e/control_loop", cases);
}
