/* test_hpa_controller.c - the HorizontalPodAutoscaler on the store
 * (sim/controllers/hpa_controller.h) with the CPU usage model
 * (sim/usage.h), the Deployment and ReplicaSet controllers, two kubelets
 * and a test binder.
 *
 * The fixture: Deployment default/web of 2 pods requesting 100m CPU; pods
 * are created, bound and started in the instant their ReplicaSet asks
 * (no image, no start latency) and Ready 10 s later (readiness probe
 * initialDelaySeconds 10).  Each request costs 10 ms of CPU, so 40 rps is
 * 400m over the ready pods.  HPAs are created at t = 0, so they sync at
 * 15, 30, 45, ... s.  A pod's sample counts once it has been Ready for a
 * metric window (15 s) while within the CPU initialization period.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "sim/controllers/deploy_controller.h"
#include "sim/controllers/hpa_controller.h"
#include "sim/controllers/rs_controller.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/usage.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

#define S KS_SECOND
#define MAX_SYNCS 128

typedef struct sync_rec {
    ks_time t;
    uint64_t hpa;
    ks_hpa_sync_info info;
} sync_rec;

typedef struct fixture {
    ks_engine *e;
    ks_store *s;
    ks_kubelet *k[2];
    ks_rs_controller *rsc;
    ks_deploy_controller *dc;
    ks_usage *u;
    ks_hpa_controller *hc;
    int bind_watch;
    int bound;
    sync_rec syncs[MAX_SYNCS];
    int nsyncs;
} fixture;

/* A trivial scheduler: binds every new pending pod to n0, n1, n0, ... */
static void binder_on_pod(void *ctx, const ks_watch_event *ev)
{
    fixture *f = ctx;
    if (ev->type != KS_WATCH_ADDED || !ev->obj || ev->obj->node_name)
        return;
    const char *node = f->bound++ % 2 == 0 ? "n0" : "n1";
    CU_ASSERT_EQUAL(ks_store_update(f->s, ev->uid, 0, NULL, NULL, node), 0);
}

static void record_sync(void *ctx, uint64_t hpa, ks_time now,
                        const ks_hpa_sync_info *info)
{
    fixture *f = ctx;
    if (f->nsyncs < MAX_SYNCS)
        f->syncs[f->nsyncs] = (sync_rec){now, hpa, *info};
    f->nsyncs++;
}

static void setup_with(fixture *f, const ks_usage_config *uc,
                       const ks_hpa_controller_config *hcfg)
{
    memset(f, 0, sizeof *f);
    f->e = ks_engine_create();
    f->s = ks_store_create(f->e, NULL);
    ks_kinds_install(f->s);
    static const char *nodes[] = {"n0", "n1"};
    ks_kubelet_config kc = ks_kubelet_default_config();
    kc.start_latency = 0;
    kc.readiness.initial_delay_s = 10;
    for (int i = 0; i < 2; i++) {
        ks_object_spec ns = {KS_KIND_NODE, NULL, nodes[i], NULL, NULL, 0,
                             NULL, ks_xcalloc(1, sizeof(ks_node_body))};
        CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &ns, NULL), 0);
        f->k[i] = ks_kubelet_create(f->e, f->s, nodes[i], &kc);
    }
    f->bind_watch = ks_store_watch(f->s, KS_KIND_POD, NULL, NULL, 0,
                                   binder_on_pod, f);
    f->rsc = ks_rs_controller_create(f->e, f->s, NULL);
    f->dc = ks_deploy_controller_create(f->e, f->s, NULL);
    f->u = ks_usage_create(f->s, uc);
    f->hc = ks_hpa_controller_create(f->e, f->s, f->u, hcfg);
    ks_hpa_controller_set_hook(f->hc, record_sync, f);
}

static void setup(fixture *f) { setup_with(f, NULL, NULL); }

static void teardown(fixture *f)
{
    ks_hpa_controller_destroy(f->hc);
    ks_usage_destroy(f->u);
    ks_deploy_controller_destroy(f->dc);
    ks_rs_controller_destroy(f->rsc);
    ks_store_unwatch(f->s, f->bind_watch);
    for (int i = 0; i < 2; i++)
        ks_kubelet_destroy(f->k[i]);
    ks_store_destroy(f->s);
    ks_engine_destroy(f->e);
}

/* Deployment `name` (app=name) of `replicas` pods, cpu_milli requested
 * each (-1: no CPU request). */
static uint64_t deploy(fixture *f, const char *name, int32_t replicas,
                       int64_t cpu_milli)
{
    ks_deployment_body *d = ks_xcalloc(1, sizeof *d);
    ks_deployment_body_defaults(d);
    d->replicas = replicas;
    ks_labels_set(&d->selector.match_labels, "app", name);
    for (int r = 0; r < KS_RES_COUNT; r++)
        d->template.requests[r] = -1;
    d->template.requests[KS_RES_CPU] = cpu_milli;
    d->template.run_time = KS_TIME_NEVER;
    d->template.termination_grace_s = 30;
    ks_labels_set(&d->template.labels, "app", name);
    ks_object_spec spec = {KS_KIND_DEPLOYMENT, "default", name, NULL, NULL,
                           0, NULL, d};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

/* 10 ms of CPU per request, base per pod, rps from t = 0. */
static int add_load(fixture *f, const char *name, int64_t base_milli,
                    double rps)
{
    ks_load_step step = {0, rps};
    ks_usage_workload w = {KS_KIND_DEPLOYMENT, "default", name, 10.0,
                           base_milli, &step, 1};
    int id = ks_usage_add(f->u, &w, NULL);
    CU_ASSERT_FATAL(id >= 0);
    return id;
}

static void set_load(fixture *f, int id, ks_time at, double rps)
{
    ks_load_step steps[2] = {{0, ks_usage_load_rps(f->u, id, at)},
                             {at, rps}};
    CU_ASSERT_EQUAL(ks_usage_set_profile(f->u, id, steps, 2, NULL), 0);
}

static ks_hpa_body *hpa_body(const char *target, int32_t min, int32_t max,
                             int32_t target_util)
{
    ks_hpa_body *b = ks_xcalloc(1, sizeof *b);
    ks_hpa_body_defaults(b);
    b->target_name = ks_xstrdup(target);
    b->min_replicas = min;
    b->max_replicas = max;
    b->target_utilization = target_util;
    return b;
}

static uint64_t create_hpa(fixture *f, const char *name, ks_hpa_body *b)
{
    ks_object_spec spec = {KS_KIND_HPA, "default", name, NULL, NULL, 0,
                           NULL, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

static int32_t replicas_of(fixture *f, const char *name)
{
    const ks_object *o =
        ks_store_find(f->s, KS_KIND_DEPLOYMENT, "default", name);
    return o ? ((const ks_deployment_body *)o->body)->replicas : -1;
}

static const ks_hpa_body *hpa_status(fixture *f, uint64_t uid)
{
    const ks_object *o = ks_store_get(f->s, uid);
    return o ? o->body : NULL;
}

typedef struct scale_step {
    int t;
    int32_t from, to;
} scale_step;

/* The rescales of HPA hpa recorded so far equal want[0..n). */
static void assert_rescales(fixture *f, uint64_t hpa, const scale_step *want,
                            int n)
{
    int k = 0;
    for (int i = 0; i < f->nsyncs && i < MAX_SYNCS; i++) {
        const sync_rec *r = &f->syncs[i];
        if (r->hpa != hpa || !r->info.rescaled)
            continue;
        CU_ASSERT_FATAL(k < n);
        CU_ASSERT_EQUAL(r->t, want[k].t * S);
        CU_ASSERT_EQUAL(r->info.current, want[k].from);
        CU_ASSERT_EQUAL(r->info.desired, want[k].to);
        k++;
    }
    CU_ASSERT_EQUAL(k, n);
}

static const sync_rec *sync_at(fixture *f, uint64_t hpa, int t)
{
    for (int i = 0; i < f->nsyncs && i < MAX_SYNCS; i++)
        if (f->syncs[i].hpa == hpa && f->syncs[i].t == t * S)
            return &f->syncs[i];
    return NULL;
}

/* ---- the usage model -------------------------------------------------- */

/* base + load / ready pods; not-ready pods only their base; the metric in
 * whole millicores rounded up, read at the instant asked; the profile's
 * steps; a pod of an unknown workload has no metric. */
static void test_usage_model(void)
{
    fixture f;
    ks_usage_config uc = {0, 5 * S};
    setup_with(&f, &uc, NULL);
    deploy(&f, "web", 3, 100);
    deploy(&f, "other", 1, 100);
    ks_load_step steps[] = {{0, 10}, {60 * S, 20}};
    ks_usage_workload w = {KS_KIND_DEPLOYMENT, "default", "web", 10.0, 7,
                           steps, 2};
    CU_ASSERT_EQUAL(ks_usage_add(f.u, &w, NULL), 0);
    CU_ASSERT_EQUAL(ks_usage_add(f.u, &w, NULL), KS_EEXIST);
    ks_usage_workload bad = w;
    bad.kind = KS_KIND_JOB;
    CU_ASSERT_EQUAL(ks_usage_add(f.u, &bad, NULL), KS_EINVAL);
    ks_load_step unsorted[] = {{10 * S, 1}, {0, 2}};
    CU_ASSERT_EQUAL(ks_usage_set_profile(f.u, 0, unsorted, 2, NULL),
                    KS_EINVAL);
    CU_ASSERT_DOUBLE_EQUAL(ks_usage_load_rps(f.u, 0, 59 * S), 10, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_usage_load_rps(f.u, 0, 60 * S), 20, 1e-12);

    /* t = 3 s: Running, not Ready (ready at 10 s), metrics 5 s after the
     * start: no sample yet, the model says base only. */
    ks_engine_run(f.e, 3 * S);
    const ks_object **v;
    size_t n;
    ks_label_selector sel = {0};
    ks_labels_set(&sel.match_labels, "app", "web");
    ks_store_list(f.s, KS_KIND_POD, "default", &sel, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    ks_pod_metric m;
    CU_ASSERT_EQUAL(ks_usage_pod_nanocores(f.u, v[0], 3 * S), 7000000);
    CU_ASSERT_EQUAL(ks_usage_pod_metric(f.u, v[0], 3 * S, &m), 0);
    free(v);

    /* t = 20 s: all Ready: 7m + 100m / 3 = 40.33m: 40333333 nanocores,
     * read as 41m. */
    ks_engine_run(f.e, 20 * S);
    ks_store_list(f.s, KS_KIND_POD, "default", &sel, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(ks_usage_pod_nanocores(f.u, v[i], 20 * S), 40333333);
        CU_ASSERT_EQUAL_FATAL(ks_usage_pod_metric(f.u, v[i], 20 * S, &m), 1);
        CU_ASSERT_EQUAL(m.usage_milli, 41);
        CU_ASSERT_EQUAL(m.timestamp, 20 * S);
        CU_ASSERT_EQUAL(m.window, 15 * S);
    }
    free(v);

    /* t = 60 s: 20 rps: 7m + 200m / 3. */
    ks_engine_run(f.e, 60 * S);
    ks_store_list(f.s, KS_KIND_POD, "default", &sel, &v, &n);
    CU_ASSERT_EQUAL(ks_usage_pod_nanocores(f.u, v[1], 60 * S), 73666666);
    free(v);

    /* The other Deployment is not modelled: no sample. */
    ks_labels_free(&sel.match_labels);
    ks_labels_set(&sel.match_labels, "app", "other");
    ks_store_list(f.s, KS_KIND_POD, "default", &sel, &v, &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(ks_usage_pod_nanocores(f.u, v[0], 60 * S), -1);
    CU_ASSERT_EQUAL(ks_usage_pod_metric(f.u, v[0], 60 * S, &m), 0);
    free(v);
    ks_label_selector_free(&sel);
    teardown(&f);
}

/* ---- scale-up ----------------------------------------------------------- */

/* 2 pods at 200% of 100m, target 50%, no behavior (the legacy rules):
 *   t=15  pods Ready since 10 s: no full window yet -> both unready:
 *         "did not receive metrics for any ready pods", no change.
 *   t=30  200% -> ratio 4 -> ceil(4 * 2) = 8, capped by the scale-up limit
 *         max(2 * 2, 4) = 4: 2 -> 4.  The new pods are Ready at 40 s.
 *   t=45  400m over 4 ready pods: the 2 counted ones at 100% (ratio 2);
 *         the 2 new ones unready (Ready 5 s ago) count 0% on a scale-up:
 *         50% -> within tolerance -> proposal 4; but the legacy
 *         stabilization keeps the highest recommendation of the last
 *         5 min (8, from t=30), capped by max(2 * 4, 4) = 8: 4 -> 8.
 *   t=60  400m over 8: the 4 counted pods at 50%: steady at 8. */
static void test_scale_up_legacy(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    add_load(&f, "web", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    ks_engine_run(f.e, 120 * S);

    static const scale_step want[] = {{30, 2, 4}, {45, 4, 8}};
    assert_rescales(&f, h, want, 2);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 8);
    const sync_rec *r = sync_at(&f, h, 15);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->info.error, KS_EINVAL);
    CU_ASSERT_EQUAL(r->info.utilization, -1);
    r = sync_at(&f, h, 30);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->info.utilization, 200);
    r = sync_at(&f, h, 45);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->info.utilization, 100);
    /* Syncs every 15 s from 15 s on, the first 15 s after creation. */
    CU_ASSERT_EQUAL(f.nsyncs, 8);
    for (int i = 0; i < f.nsyncs && i < MAX_SYNCS; i++)
        CU_ASSERT_EQUAL(f.syncs[i].t, (i + 1) * 15 * S);

    /* The status. */
    const ks_hpa_body *st = hpa_status(&f, h);
    CU_ASSERT_EQUAL(st->current_replicas, 8);
    CU_ASSERT_EQUAL(st->desired_replicas, 8);
    CU_ASSERT_EQUAL(st->last_scale_time, 45 * S);
    CU_ASSERT_EQUAL(st->current_utilization, 50);
    CU_ASSERT_TRUE(st->scaling_active);
    /* 8 pods running, all Ready. */
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 8);
    const ks_hpa_controller_stats *cs = ks_hpa_controller_get_stats(f.hc);
    CU_ASSERT_EQUAL(cs->rescales, 2);
    CU_ASSERT_EQUAL(cs->metric_errors, 1);
    CU_ASSERT_EQUAL(cs->throttled, 0);
    teardown(&f);
}

/* The same with spec.behavior at its defaults (scale-up window 0, Pods 4
 * and Percent 100 per 15 s, Max):
 *   t=30  proposal 8, limit max(2 + 4, 2 * 2) = 6: 2 -> 6 (new pods Ready
 *         at 40 s).
 *   t=45  400m / 6 = 66.7m -> 67m: the 2 counted pods at 67% (ratio
 *         1.34); with the 4 unready at 0%: 22% -> the direction flips:
 *         keep 6; the scale-up window 0 takes this proposal (no old 8).
 *   t=60  all 6 counted at 67%: ceil(1.34 * 6) = 9 (limit 10): 6 -> 9.
 *   t=75  400m / 9 -> 45m: 45% of 50%, within tolerance: steady at 9. */
static void test_scale_up_behavior(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    add_load(&f, "web", 0, 40);
    ks_hpa_body *b = hpa_body("web", 1, 10, 50);
    b->has_behavior = 1;
    uint64_t h = create_hpa(&f, "web", b);
    ks_engine_run(f.e, 150 * S);
    static const scale_step want[] = {{30, 2, 6}, {60, 6, 9}};
    assert_rescales(&f, h, want, 2);
    const sync_rec *r = sync_at(&f, h, 45);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->info.utilization, 67);
    CU_ASSERT_EQUAL(r->info.desired, 6);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 9);
    CU_ASSERT_EQUAL(hpa_status(&f, h)->current_utilization, 45);
    teardown(&f);
}

/* ---- scale-down --------------------------------------------------------- */

/* After the legacy scale-up to 8, the load falls to 80m at 120 s: from
 * the sync at 120 s on the proposal is 2 (10% of 50%: ceil(0.2 * 8)), but
 * the stabilization keeps the highest recommendation of the last 5 min:
 * the 8 recommended at 105 s is older than the window only at 420 s
 * (the cutoff 405 - 300 = 105 still keeps it), so the HPA scales 8 -> 2
 * at 420 s, 300 s after the first low proposal, and stays there (2 pods
 * at 40%). */
static void test_scale_down_stabilized(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    int id = add_load(&f, "web", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    ks_engine_run(f.e, 100 * S);
    set_load(&f, id, 120 * S, 8);
    ks_engine_run(f.e, 419 * S);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 8);
    const ks_hpa_body *st = hpa_status(&f, h);
    CU_ASSERT_EQUAL(st->current_utilization, 10);
    CU_ASSERT_EQUAL(st->desired_replicas, 8);
    ks_engine_run(f.e, 700 * S);
    static const scale_step want[] = {{30, 2, 4}, {45, 4, 8}, {420, 8, 2}};
    assert_rescales(&f, h, want, 3);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 2);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 2);
    st = hpa_status(&f, h);
    CU_ASSERT_EQUAL(st->current_utilization, 40);
    CU_ASSERT_EQUAL(st->last_scale_time, 420 * S);
    teardown(&f);
}

/* spec.behavior.scaleDown of the HPA object drives the rules: window
 * 60 s, at most 2 pods per 60 s.  8 pods with 80m of load (10%): the
 * proposal is 2 from the sync at 30 s; the initial recommendation (8, at
 * the first sync, 15 s) leaves the 60 s window at 75 s: 8 -> 6 (the
 * policy's limit); then one step of 2 per 60 s: 6 -> 4 at 135 s (the
 * change at 75 s is no longer inside the period) and 4 -> 2 at 195 s. */
static void test_behavior_scale_down_policy(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 8, 100);
    add_load(&f, "web", 0, 8);
    ks_hpa_body *b = hpa_body("web", 1, 10, 50);
    b->has_behavior = 1;
    b->scale_down.stabilization_window_seconds = 60;
    b->scale_down.policies[0] = (ks_hpa_policy){false, 2, 60};
    b->scale_down.n_policies = 1;
    uint64_t h = create_hpa(&f, "web", b);
    ks_engine_run(f.e, 400 * S);
    static const scale_step want[] = {{75, 8, 6}, {135, 6, 4}, {195, 4, 2}};
    assert_rescales(&f, h, want, 3);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 2);
    CU_ASSERT_EQUAL(hpa_status(&f, h)->current_utilization, 40);
    teardown(&f);
}

/* ---- bounds ------------------------------------------------------------- */

/* minReplicas 3, maxReplicas 5 on 2 pods at 200%:
 *   t=15  2 < min: 2 -> 3 without metrics (new pod Ready at 25 s).
 *   t=30  the 2 old pods at 134% with the new one unready: 89% of 50% ->
 *         ceil(1.78 * 3) = 6, within the limit max(2 * 3, 4) = 6 but over
 *         max: 3 -> 5; it stays at 5 however high the load (80%).
 *   load 0 from 100 s: proposals 0; the last high one (t=90) leaves the
 *         window after 390 s: 5 -> 3 (min) at 405 s, never below.
 * A second Deployment above its HPA's max (7 > 5) is brought to 5 at its
 * first sync, with no metrics at all. */
static void test_min_max_bounds(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    deploy(&f, "big", 7, 100);
    int id = add_load(&f, "web", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 3, 5, 50));
    uint64_t hb = create_hpa(&f, "big", hpa_body("big", 1, 5, 50));
    ks_engine_run(f.e, 95 * S);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 5);
    CU_ASSERT_EQUAL(hpa_status(&f, h)->current_utilization, 80);
    set_load(&f, id, 100 * S, 0);
    ks_engine_run(f.e, 900 * S);
    static const scale_step want[] = {{15, 2, 3}, {30, 3, 5}, {405, 5, 3}};
    assert_rescales(&f, h, want, 3);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 3);
    CU_ASSERT_EQUAL(hpa_status(&f, h)->current_utilization, 0);
    static const scale_step want_big[] = {{15, 7, 5}};
    assert_rescales(&f, hb, want_big, 1);
    CU_ASSERT_EQUAL(replicas_of(&f, "big"), 5);
    /* "big" has no load model: its later syncs fail on metrics. */
    const ks_hpa_body *sb = hpa_status(&f, hb);
    CU_ASSERT_EQUAL(sb->current_replicas, 5);
    CU_ASSERT_EQUAL(sb->desired_replicas, 5);
    CU_ASSERT_FALSE(sb->scaling_active);
    teardown(&f);
}

/* ---- tolerance ---------------------------------------------------------- */

/* 2 pods using 4m each plus 100m of load: 54% against 50% is a ratio of
 * 1.08, inside the 0.1 tolerance: no scaling for 10 minutes.  At 64%
 * (ratio 1.28) it scales: ceil(1.28 * 2) = 3. */
static void test_tolerance(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    int id = add_load(&f, "web", 4, 10);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    ks_engine_run(f.e, 600 * S);
    assert_rescales(&f, h, NULL, 0);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 2);
    const ks_hpa_body *st = hpa_status(&f, h);
    CU_ASSERT_EQUAL(st->current_utilization, 54);
    CU_ASSERT_EQUAL(st->desired_replicas, 2);
    CU_ASSERT_EQUAL(st->last_scale_time, -1);
    CU_ASSERT_TRUE(st->scaling_active);
    set_load(&f, id, 601 * S, 12);
    ks_engine_run(f.e, 700 * S);
    static const scale_step want[] = {{615, 2, 3}};
    assert_rescales(&f, h, want, 1);
    teardown(&f);
}

/* ---- deletion ----------------------------------------------------------- */

/* Deleted at 35 s, after its first scale: the sync pending for 45 s finds
 * it gone and forgets it; nothing scales the Deployment any more. */
static void test_delete_stops_scaling(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    add_load(&f, "web", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    ks_engine_run(f.e, 35 * S);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 4);
    CU_ASSERT_EQUAL(ks_hpa_controller_tracked(f.hc), 1);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, h, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 600 * S);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 4);
    CU_ASSERT_EQUAL(ks_hpa_controller_tracked(f.hc), 0);
    const ks_hpa_controller_stats *cs = ks_hpa_controller_get_stats(f.hc);
    CU_ASSERT_EQUAL(cs->syncs, 3); /* 15, 30 and the one finding it gone */
    CU_ASSERT_EQUAL(cs->rescales, 1);
    CU_ASSERT_EQUAL(f.nsyncs, 2); /* the hook sees existing HPAs only */
    teardown(&f);
}

/* ---- missing metrics and requests --------------------------------------- */

/* No usage model for the Deployment: every pod is missing its sample, so
 * no ready pod has one: the HPA keeps the count and reports ScalingActive
 * false with no utilization.  Pods without a CPU request fail the same
 * way (calculatePodRequests). */
static void test_missing_metrics(void)
{
    fixture f;
    setup(&f);
    deploy(&f, "web", 2, 100);
    deploy(&f, "noreq", 2, -1);
    add_load(&f, "noreq", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    uint64_t hn = create_hpa(&f, "noreq", hpa_body("noreq", 1, 10, 50));
    ks_engine_run(f.e, 120 * S);
    assert_rescales(&f, h, NULL, 0);
    assert_rescales(&f, hn, NULL, 0);
    CU_ASSERT_EQUAL(replicas_of(&f, "web"), 2);
    CU_ASSERT_EQUAL(replicas_of(&f, "noreq"), 2);
    for (int k = 0; k < 2; k++) {
        const ks_hpa_body *st = hpa_status(&f, k ? hn : h);
        CU_ASSERT_EQUAL(st->current_replicas, 2);
        CU_ASSERT_EQUAL(st->current_utilization, -1);
        CU_ASSERT_FALSE(st->scaling_active);
    }
    const ks_hpa_controller_stats *cs = ks_hpa_controller_get_stats(f.hc);
    CU_ASSERT_EQUAL(cs->metric_errors, 16); /* 8 syncs each */
    /* Status written once each: nothing changes after the first sync. */
    CU_ASSERT_EQUAL(cs->status_writes, 2);
    teardown(&f);
}

/* A metric that appears 40 s after the container starts: at 15 s and 30 s
 * the pods are Running without a sample (missing, not unready) and no
 * ready pod has one; at 45 s they count (200%): 2 -> 4; at 60 s the new
 * pods are missing and count 0% on this scale-up (50%: within tolerance,
 * proposal 4), the legacy stabilization keeps 8: 4 -> 8. */
static void test_metric_delay_missing_pods(void)
{
    fixture f;
    ks_usage_config uc = {0, 40 * S};
    setup_with(&f, &uc, NULL);
    deploy(&f, "web", 2, 100);
    add_load(&f, "web", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    ks_engine_run(f.e, 120 * S);
    static const scale_step want[] = {{45, 2, 4}, {60, 4, 8}};
    assert_rescales(&f, h, want, 2);
    const sync_rec *r = sync_at(&f, h, 30);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_NOT_EQUAL(r->info.error, 0);
    r = sync_at(&f, h, 60);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->info.utilization, 100);
    teardown(&f);
}

/* ---- client rate limits ------------------------------------------------- */

/* QPS 0.05, burst 3: the sync at 15 s uses 2 calls (GET scale, status);
 * at 30 s the bucket holds 1.75 tokens, so the sync waits until it holds
 * 3 (55 s), then rescales (3 calls); the next one waits from 70 s
 * (0.75 tokens) to 115 s, and the one after from 130 s to 175 s.  Times
 * within float32 slack of upstream's rate limiter. */
static void test_client_rate_limit(void)
{
    fixture f;
    ks_hpa_controller_config cfg = ks_hpa_controller_default_config();
    cfg.qps = 0.05f;
    cfg.burst = 3;
    setup_with(&f, NULL, &cfg);
    deploy(&f, "web", 2, 100);
    add_load(&f, "web", 0, 40);
    uint64_t h = create_hpa(&f, "web", hpa_body("web", 1, 10, 50));
    ks_engine_run(f.e, 140 * S);
    CU_ASSERT_EQUAL_FATAL(f.nsyncs, 3);
    CU_ASSERT_EQUAL(f.syncs[0].t, 15 * S);
    ks_time slack = KS_SECOND / 1000;
    CU_ASSERT(llabs(f.syncs[1].t - 55 * S) < slack);
    CU_ASSERT(f.syncs[1].info.rescaled);
    CU_ASSERT(llabs(f.syncs[2].t - 115 * S) < slack);
    CU_ASSERT_EQUAL(f.syncs[2].hpa, h);
    const ks_hpa_controller_stats *cs = ks_hpa_controller_get_stats(f.hc);
    CU_ASSERT_EQUAL(cs->throttled, 3);
    teardown(&f);
}

void ks_suite_hpa_controller(void)
{
    static const ks_test_case cases[] = {
        {"usage model: base plus load over ready pods, metric rounding, "
         "profile steps, unknown workloads",
         test_usage_model},
        {"scale-up 2 -> 4 -> 8 at 30 s and 45 s (no behavior)",
         test_scale_up_legacy},
        {"scale-up 2 -> 6 -> 9 at 30 s and 60 s (default behavior)",
         test_scale_up_behavior},
        {"scale-down only after the 5-minute stabilization window",
         test_scale_down_stabilized},
        {"spec.behavior scale-down window and Pods policy",
         test_behavior_scale_down_policy},
        {"minReplicas and maxReplicas hold", test_min_max_bounds},
        {"54% against 50% stays within tolerance", test_tolerance},
        {"deleting the HPA stops scaling", test_delete_stops_scaling},
        {"missing metrics and missing requests keep the count",
         test_missing_metrics},
        {"pods without a sample count as missing (0% on scale-up)",
         test_metric_delay_missing_pods},
        {"client QPS/burst postpone syncs", test_client_rate_limit},
        {NULL, NULL}};
    ks_test_add_suite("hpa_controller", cases);
}
