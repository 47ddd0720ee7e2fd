/* test_controllers.c - the ReplicaSet and Deployment controllers running
 * on the store: pods created and deleted by a ReplicaSet, a rolling update
 * step by step, and garbage collection of a deleted Deployment.
 *
 * There is no kubelet yet: a stub watches pods and, T after a pod is
 * created, marks it Running and Ready (ready_since = now).  Pods deleted by
 * the controllers leave the store at once (no graceful termination yet). */
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/deploy_controller.h"
#include "sim/controllers/deployment.h"
#include "sim/controllers/rs_controller.h"
#include "sim/engine.h"
#include "sim/store.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

#include "sim/kinds.h"

void ks_suite_controllers(void);

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixture: engine, store, both controllers, the kubelet stub ------- */

typedef struct fixture {
    ks_engine *e;
    ks_store *s;
    ks_rs_controller *rsc;
    ks_deploy_controller *dc;
    ks_time ready_delay; /* the stub's T */
    const char *never_ready_image; /* pods of this image never turn ready */
    int stub_watch;
} fixture;

static void stub_ready(ks_engine *e, void *ctx, uint64_t uid)
{
    fixture *f = ctx;
    ks_pod_body *b = ks_store_body(f->s, uid);
    if (!b || b->phase != KS_PHASE_PENDING)
        return;
    b->phase = KS_PHASE_RUNNING;
    b->ready = 1;
    b->ready_since = ks_engine_now(e);
    b->started = ks_engine_now(e);
    CU_ASSERT_EQUAL(ks_store_touch(f->s, uid), 0);
}

static void stub_on_pod(void *ctx, const ks_watch_event *ev)
{
    fixture *f = ctx;
    const ks_pod_body *b = ev->obj ? ev->obj->body : NULL;
    if (f->never_ready_image && b && b->spec.image &&
        strcmp(b->spec.image, f->never_ready_image) == 0)
        return; /* e.g. a crash loop: never Ready */
    if (ev->type == KS_WATCH_ADDED)
        ks_engine_after(f->e, f->ready_delay, stub_ready, f, ev->uid);
}

static void setup(fixture *f, ks_time ready_delay)
{
    memset(f, 0, sizeof *f);
    f->e = ks_engine_create();
    f->s = ks_store_create(f->e, NULL);
    ks_kinds_install(f->s);
    f->rsc = ks_rs_controller_create(f->e, f->s, NULL);
    f->dc = ks_deploy_controller_create(f->e, f->s, NULL);
    f->ready_delay = ready_delay;
    f->stub_watch = ks_store_watch(f->s, KS_KIND_POD, NULL, NULL, 0,
                                   stub_on_pod, f);
}

static void teardown(fixture *f)
{
    ks_deploy_controller_destroy(f->dc);
    ks_rs_controller_destroy(f->rsc);
    ks_store_destroy(f->s);
    ks_engine_destroy(f->e);
}

static void template_init(ks_pod_template *t, const char *app,
                          const char *image)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < KS_RES_COUNT; i++)
        t->requests[i] = -1;
    t->requests[KS_RES_CPU] = 100;
    t->image = ks_xstrdup(image);
    t->run_time = KS_TIME_NEVER;
    t->termination_grace_s = 30;
    ks_labels_set(&t->labels, "app", app);
}

/* The pods in the store, in creation order (free() it). */
static size_t pods(fixture *f, const ks_object ***out)
{
    size_t n;
    ks_store_list(f->s, KS_KIND_POD, NULL, NULL, out, &n);
    return n;
}

static int ready_pods(fixture *f)
{
    const ks_object **v;
    size_t n = pods(f, &v);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((const ks_pod_body *)v[i]->body)->ready != 0;
    free(v);
    return k;
}

/* ---- (1) ReplicaSet: create, then scale down by the ranking ------------- */

static void test_rs_create_and_scale_down(void)
{
    fixture f;
    setup(&f, 2 * KS_SECOND);
    ks_replicaset_body *rb = ks_xcalloc(1, sizeof *rb);
    rb->replicas = 5;
    ks_labels_set(&rb->selector.match_labels, "app", "web");
    template_init(&rb->template, "web", "nginx:1");
    ks_labels lab = {0};
    ks_labels_set(&lab, "app", "web");
    ks_object_spec spec = {KS_KIND_REPLICASET, "default", "web", &lab,
                           NULL, 0, NULL, rb};
    uint64_t rs = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f.s, &spec, &rs), 0);
    ks_labels_free(&lab);
    ks_engine_run(f.e, 10 * KS_SECOND);

    /* 5 pods in one sync, slow start 1, 2, 2, all at t = 0 (zero
     * latency), owned by the RS, named web-xxxxx with its labels */
    const ks_rs_controller_stats *st = ks_rs_controller_get_stats(f.rsc);
    CU_ASSERT_EQUAL(st->pods_created, 5);
    CU_ASSERT_EQUAL_FATAL(st->last_nbatches, 3);
    CU_ASSERT_EQUAL(st->last_batches[0], 1);
    CU_ASSERT_EQUAL(st->last_batches[1], 2);
    CU_ASSERT_EQUAL(st->last_batches[2], 2);
    const ks_object **v;
    size_t n = pods(&f, &v);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    uint64_t uid[5];
    for (size_t i = 0; i < n; i++) {
        uid[i] = v[i]->uid;
        CU_ASSERT_EQUAL(v[i]->created, 0);
        CU_ASSERT_EQUAL(strlen(v[i]->name), strlen("web-") + 5);
        CU_ASSERT_EQUAL(strncmp(v[i]->name, "web-", 4), 0);
        CU_ASSERT_STRING_EQUAL(ks_labels_get(&v[i]->labels, "app"), "web");
        CU_ASSERT_EQUAL_FATAL(v[i]->nowners, 1);
        CU_ASSERT_EQUAL(v[i]->owners[0].uid, rs);
        CU_ASSERT_TRUE(v[i]->owners[0].controller);
        for (size_t k = 0; k < i; k++)
            CU_ASSERT_STRING_NOT_EQUAL(v[i]->name, v[k]->name);
    }
    free(v);
    const ks_replicaset_body *sb = ks_store_get(f.s, rs)->body;
    CU_ASSERT_EQUAL(sb->status_replicas, 5);
    CU_ASSERT_EQUAL(sb->ready_replicas, 5);
    CU_ASSERT_EQUAL(sb->available_replicas, 5);

    /* pods 1 and 3 lose readiness, pod 0 restarted twice: the ranking
     * (ActivePodsWithRanks.Less) deletes not-ready pods first, then among
     * ready ones (same ready time) the one with more restarts */
    ks_pod_body *pb;
    pb = ks_store_body(f.s, uid[1]);
    pb->ready = 0;
    ks_store_touch(f.s, uid[1]);
    pb = ks_store_body(f.s, uid[3]);
    pb->ready = 0;
    ks_store_touch(f.s, uid[3]);
    pb = ks_store_body(f.s, uid[0]);
    pb->restarts = 2;
    ks_store_touch(f.s, uid[0]);
    ks_engine_run(f.e, 20 * KS_SECOND);
    CU_ASSERT_EQUAL(
        ((const ks_replicaset_body *)ks_store_get(f.s, rs)->body)->ready_replicas,
        3);

    ks_replicaset_body *nb = ks_replicaset_body_copy(ks_store_get(f.s, rs)->body);
    nb->replicas = 2;
    CU_ASSERT_EQUAL_FATAL(ks_store_update(f.s, rs, 0, nb, NULL, NULL), 0);
    ks_engine_run(f.e, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(st->pods_deleted, 3);
    CU_ASSERT_EQUAL(st->pods_created, 5);
    n = pods(&f, &v);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(v[0]->uid, uid[2]);
    CU_ASSERT_EQUAL(v[1]->uid, uid[4]);
    free(v);
    sb = ks_store_get(f.s, rs)->body;
    CU_ASSERT_EQUAL(sb->status_replicas, 2);
    CU_ASSERT_EQUAL(sb->available_replicas, 2);
    teardown(&f);
}

/* ---- (2) a rolling update, step by step ------------------------------- */

typedef struct recorder {
    fixture *f;
    uint64_t deploy, old_rs;
    ks_deploy_step steps[32];
    ks_time times[32];
    int nsteps;
    int32_t last_old, last_new;
    size_t max_pods;
    int min_ready;
} recorder;

/* Reads the store as each event is delivered (delay 0): the state between
 * engine events, i.e. after each controller sync. */
static void record(void *ctx, const ks_watch_event *ev)
{
    (void)ev;
    recorder *r = ctx;
    const ks_object **deps;
    size_t n;
    int32_t old = 0, nw = 0;
    ks_store_dependents(r->f->s, r->deploy, &deps, &n);
    for (size_t i = 0; i < n; i++) {
        if (!deps[i] || deps[i]->kind != KS_KIND_REPLICASET)
            continue;
        const ks_replicaset_body *b = deps[i]->body;
        if (deps[i]->uid == r->old_rs)
            old = b->replicas;
        else
            nw = b->replicas;
    }
    free(deps);
    if ((old != r->last_old || nw != r->last_new) && r->nsteps < 32) {
        r->steps[r->nsteps] = (ks_deploy_step){old, nw};
        r->times[r->nsteps++] = ks_engine_now(r->f->e);
    }
    r->last_old = old;
    r->last_new = nw;
    size_t np = ks_store_count(r->f->s, KS_KIND_POD);
    if (np > r->max_pods)
        r->max_pods = np;
    int rd = ready_pods(r->f);
    if (rd < r->min_ready)
        r->min_ready = rd;
}

static uint64_t make_deployment(fixture *f, const char *name, int32_t replicas,
                                int recreate)
{
    ks_deployment_body *db = ks_xcalloc(1, sizeof *db);
    ks_deployment_body_defaults(db);
    db->replicas = replicas;
    if (recreate)
        db->strategy = KS_STRATEGY_RECREATE;
    ks_labels_set(&db->selector.match_labels, "app", name);
    template_init(&db->template, name, "img:1");
    ks_object_spec spec = {KS_KIND_DEPLOYMENT, "default", name, NULL, NULL,
                           0, NULL, db};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

static void change_image(fixture *f, uint64_t d, const char *image)
{
    ks_deployment_body *nb =
        ks_deployment_body_copy(ks_store_get(f->s, d)->body);
    free(nb->template.image);
    nb->template.image = ks_xstrdup(image);
    CU_ASSERT_EQUAL(ks_store_update(f->s, d, 0, nb, NULL, NULL), 0);
}

static const ks_deployment_body *dbody(fixture *f, uint64_t d)
{
    return ks_store_get(f->s, d)->body;
}

/* Required: a Deployment of 10 replicas with maxSurge 25% / maxUnavailable
 * 25% rolls out in the steps upstream takes (surge 3, unavailable 2: at
 * most 13 pods, at least 8 available).
 *
 * With the stub's T > 0, every pod created at one instant becomes ready T
 * later, all together, and the controllers react in zero time:
 *   t0      template changed.  Deployment sync: getNewReplicaSet creates
 *           the new RS at 3 and the same sync scales the old one 10 -> 8
 *           (maxScaledDown = 13 - 8 - 3 = 2) ............... (8, 3)
 *           The new RS's events resync the Deployment at once: 11 < 13 ->
 *           new grows by min(2, 7) ............................ (8, 5)
 *           then nothing (5 new pods unavailable: maxScaledDown 0).
 *   t0+T    the 5 new pods turn ready in one instant; the RS controller's
 *           queue coalesces their events into one sync and one status
 *           write, so the Deployment sees available 13: old 8 -> 3 (3, 5)
 *           and in the next sync 8 < 13: new -> 10 .......... (3, 10)
 *   t0+2T   the 5 newest pods ready: available 13, old 3 -> 0 (0, 10)
 * That is ks_deploy_rollout's lag-0 sequence, not the lag-1 one: the
 * driver's lag 1 makes pods created by a scale-up available one sync
 * later, a sync that here never happens in between (a scale-up of the new
 * RS needs no availability, and all pods of one instant turn ready
 * together).  The recorder reads the store between engine events, so the
 * transient (10, 3) inside the first sync (create before scale-down, the
 * upstream order) is not seen. */
static void test_rolling_update_steps(void)
{
    fixture f;
    const ks_time T = 2 * KS_SECOND;
    setup(&f, T);
    uint64_t d = make_deployment(&f, "web", 10, 0);
    ks_engine_run(f.e, 30 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(dbody(&f, d)->available_replicas, 10);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 1);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 10);

    const ks_object **v;
    size_t n;
    ks_store_list(f.s, KS_KIND_REPLICASET, NULL, NULL, &v, &n);
    recorder r = {.f = &f, .deploy = d, .old_rs = v[0]->uid,
                  .last_old = 10, .last_new = 0, .min_ready = 10};
    free(v);
    int w1 = ks_store_watch(f.s, KS_KIND_REPLICASET, NULL, NULL, 0, record, &r);
    int w2 = ks_store_watch(f.s, KS_KIND_POD, NULL, NULL, 0, record, &r);

    ks_time t0 = ks_engine_now(f.e);
    change_image(&f, d, "img:2");
    ks_engine_run(f.e, t0 + 60 * KS_SECOND);
    ks_store_unwatch(f.s, w1);
    ks_store_unwatch(f.s, w2);

    ks_deploy_spec spec = {10, KS_DEPLOY_ROLLING_UPDATE, ks_intstr_str("25%"),
                           ks_intstr_str("25%"), 10};
    ks_deploy_step want[32];
    int nwant = ks_deploy_rollout(&spec, 10, 0, want, 32, NULL);
    static const int32_t literal[][2] = {{8, 3}, {8, 5}, {3, 5}, {3, 10},
                                         {0, 10}};
    static const ks_time at[] = {0, 0, 1, 1, 2}; /* in units of T */
    CU_ASSERT_EQUAL_FATAL(nwant, (int)N_OF(literal));
    CU_ASSERT_EQUAL_FATAL(r.nsteps, nwant);
    for (int i = 0; i < nwant; i++) {
        CU_ASSERT_EQUAL(r.steps[i].old_replicas, want[i].old_replicas);
        CU_ASSERT_EQUAL(r.steps[i].new_replicas, want[i].new_replicas);
        CU_ASSERT_EQUAL(want[i].old_replicas, literal[i][0]);
        CU_ASSERT_EQUAL(want[i].new_replicas, literal[i][1]);
        CU_ASSERT_EQUAL(r.times[i], t0 + at[i] * T);
    }
    CU_ASSERT_TRUE(r.max_pods <= 13);
    CU_ASSERT_TRUE(r.min_ready >= 8);
    CU_ASSERT_EQUAL(r.max_pods, 13);
    CU_ASSERT_EQUAL(r.min_ready, 8);

    /* complete: 10 new pods, old RS kept at 0 (history limit 10) */
    const ks_deployment_body *db = dbody(&f, d);
    CU_ASSERT_EQUAL(db->updated_replicas, 10);
    CU_ASSERT_EQUAL(db->available_replicas, 10);
    CU_ASSERT_EQUAL(db->status_replicas, 10);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 2);
    n = pods(&f, &v);
    CU_ASSERT_EQUAL(n, 10);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_STRING_EQUAL(
            ((const ks_pod_body *)v[i]->body)->spec.image, "img:2");
    free(v);
    teardown(&f);
}

/* ---- (3) deleting the Deployment collects its RSs and pods -------------- */

static void test_delete_deployment_gc(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    uint64_t d = make_deployment(&f, "api", 3, 0);
    ks_engine_run(f.e, 10 * KS_SECOND);
    change_image(&f, d, "img:2"); /* two RSs to collect */
    ks_engine_run(f.e, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 2);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 3);
    uint64_t created = ks_rs_controller_get_stats(f.rsc)->pods_created;

    CU_ASSERT_EQUAL(ks_store_delete(f.s, d, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 60 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_DEPLOYMENT), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 0);
    /* nobody recreated anything meanwhile */
    CU_ASSERT_EQUAL(ks_rs_controller_get_stats(f.rsc)->pods_created, created);
    teardown(&f);
}

/* ---- extra: Recreate ------------------------------------------------------ */

/* recreate.go: old RS to 0, wait until its pods are gone, then the new RS
 * at full size; never old and new pods together. */
static void test_recreate(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    uint64_t d = make_deployment(&f, "job", 4, 1);
    ks_engine_run(f.e, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(dbody(&f, d)->available_replicas, 4);
    const ks_object **v;
    size_t n;
    ks_store_list(f.s, KS_KIND_REPLICASET, NULL, NULL, &v, &n);
    recorder r = {.f = &f, .deploy = d, .old_rs = v[0]->uid,
                  .last_old = 4, .last_new = 0, .min_ready = 4};
    free(v);
    int w = ks_store_watch(f.s, KS_KIND_REPLICASET, NULL, NULL, 0, record, &r);
    change_image(&f, d, "img:2");
    ks_engine_run(f.e, 60 * KS_SECOND);
    ks_store_unwatch(f.s, w);
    CU_ASSERT_EQUAL_FATAL(r.nsteps, 2);
    CU_ASSERT_EQUAL(r.steps[0].old_replicas, 0);
    CU_ASSERT_EQUAL(r.steps[0].new_replicas, 0);
    CU_ASSERT_EQUAL(r.steps[1].old_replicas, 0);
    CU_ASSERT_EQUAL(r.steps[1].new_replicas, 4);
    CU_ASSERT_EQUAL(r.min_ready, 0);
    CU_ASSERT_EQUAL(dbody(&f, d)->available_replicas, 4);
    CU_ASSERT_EQUAL(dbody(&f, d)->updated_replicas, 4);
    teardown(&f);
}

/* A Recreate rollout whose old pods stay Terminating (bound, nobody
 * confirms the kill) scales the new ReplicaSet up as soon as the last old
 * pod is really gone: the pod's deletion wakes the Deployment
 * (deletePod), since the ReplicaSet's status does not change then. */
static void test_recreate_waits_for_pods(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    uint64_t d = make_deployment(&f, "web", 2, 1);
    ks_engine_run(f.e, 10 * KS_SECOND);
    const ks_object **v;
    size_t n = pods(&f, &v);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    uint64_t old[2] = {v[0]->uid, v[1]->uid};
    free(v);
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(ks_store_update(f.s, old[i], 0, NULL, NULL, "n1"), 0);
    change_image(&f, d, "img:2");
    ks_engine_run(f.e, 20 * KS_SECOND);
    /* Old pods Terminating, nothing new yet. */
    n = pods(&f, &v);
    CU_ASSERT_EQUAL(n, 2);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT(v[i]->deletion_time >= 0);
    free(v);
    ks_engine_run(f.e, 100 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, old[0], KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 101 * KS_SECOND);
    CU_ASSERT_EQUAL(pods(&f, &v), 1); /* one old pod left: still waiting */
    free(v);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, old[1], KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 101 * KS_SECOND + KS_MILLISECOND);
    n = pods(&f, &v);
    CU_ASSERT_EQUAL(n, 2); /* the new ReplicaSet's pods, at once */
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_STRING_EQUAL(
            ((const ks_pod_body *)v[i]->body)->spec.image, "img:2");
    free(v);
    teardown(&f);
}

/* ---- extra: client rate limit, informer delay, minReadySeconds --------- */

static uint64_t make_rs(fixture *f, const char *name, int32_t replicas,
                        int32_t min_ready_s)
{
    ks_replicaset_body *rb = ks_xcalloc(1, sizeof *rb);
    rb->replicas = replicas;
    rb->min_ready_s = min_ready_s;
    ks_labels_set(&rb->selector.match_labels, "app", name);
    template_init(&rb->template, name, "nginx:1");
    ks_object_spec spec = {KS_KIND_REPLICASET, "default", name, NULL, NULL,
                           0, NULL, rb};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

/* 70 pods through a QPS 20 / burst 30 client: 30 writes at t = 0, then
 * one every 50 ms; the expectations keep the total at exactly 70. */
static void test_rs_client_rate_limit(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    make_rs(&f, "big", 70, 0);
    ks_engine_run(f.e, 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 30);
    ks_engine_run(f.e, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 70);
    const ks_rs_controller_stats *st = ks_rs_controller_get_stats(f.rsc);
    CU_ASSERT_EQUAL(st->pods_created, 70);
    CU_ASSERT_TRUE(st->throttled > 0);
    const ks_object **v;
    size_t n = pods(&f, &v);
    /* then one token, so one pod, every 50 ms (to the float rounding of
     * rate.Limiter, which ratelimit.h reproduces: a nanosecond early);
     * the status write finds no token until the creates are done */
    CU_ASSERT_EQUAL_FATAL(n, 70);
    for (size_t k = 30; k < n; k++) {
        ks_time want = (ks_time)(k - 29) * 50 * KS_MILLISECOND;
        CU_ASSERT_TRUE(v[k]->created <= want &&
                       v[k]->created >= want - KS_MICROSECOND);
    }
    free(v);
    teardown(&f);
}

/* With informers 300 ms late the controllers still converge, and the
 * expectations stop the RS controller from creating twice while its own
 * creates are not yet observed. */
static void test_informer_delay(void)
{
    fixture f;
    memset(&f, 0, sizeof f);
    f.e = ks_engine_create();
    f.s = ks_store_create(f.e, NULL);
    ks_kinds_install(f.s);
    ks_rs_controller_config rc = {300 * KS_MILLISECOND, 0, 0, 0};
    ks_deploy_controller_config dc = {300 * KS_MILLISECOND, 0, 0};
    f.rsc = ks_rs_controller_create(f.e, f.s, &rc);
    f.dc = ks_deploy_controller_create(f.e, f.s, &dc);
    f.ready_delay = KS_SECOND;
    f.stub_watch = ks_store_watch(f.s, KS_KIND_POD, NULL, NULL, 0,
                                  stub_on_pod, &f);
    uint64_t d = make_deployment(&f, "web", 10, 0);
    ks_engine_run(f.e, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(dbody(&f, d)->available_replicas, 10);
    change_image(&f, d, "img:2");
    ks_engine_run(f.e, 90 * KS_SECOND);
    const ks_deployment_body *db = dbody(&f, d);
    CU_ASSERT_EQUAL(db->updated_replicas, 10);
    CU_ASSERT_EQUAL(db->available_replicas, 10);
    CU_ASSERT_EQUAL(db->status_replicas, 10);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 10);
    CU_ASSERT_EQUAL(ks_rs_controller_get_stats(f.rsc)->pods_created, 20);
    CU_ASSERT_EQUAL(ks_rs_controller_get_stats(f.rsc)->pods_deleted, 10);
    teardown(&f);
}

/* minReadySeconds 5: pods ready at T = 1 s count as available only after
 * more than 5 s; the RS is requeued then (updatePod's AddAfter), with no
 * other event to wake it. */
static void test_rs_min_ready(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    uint64_t rs = make_rs(&f, "slow", 3, 5);
    ks_engine_run(f.e, 5 * KS_SECOND);
    const ks_replicaset_body *b = ks_store_get(f.s, rs)->body;
    CU_ASSERT_EQUAL(b->ready_replicas, 3);
    CU_ASSERT_EQUAL(b->available_replicas, 0);
    ks_engine_run(f.e, 7 * KS_SECOND);
    b = ks_store_get(f.s, rs)->body;
    CU_ASSERT_EQUAL(b->available_replicas, 3);
    teardown(&f);
}

/* ---- Deployment: progress deadline, rollback, scaling, pause ------------ */

static void update_deployment(fixture *f, uint64_t d, const char *image,
                              int32_t replicas, int paused)
{
    ks_deployment_body *nb =
        ks_deployment_body_copy(ks_store_get(f->s, d)->body);
    if (image) {
        free(nb->template.image);
        nb->template.image = ks_xstrdup(image);
    }
    if (replicas >= 0)
        nb->replicas = replicas;
    if (paused >= 0)
        nb->paused = paused;
    CU_ASSERT_EQUAL(ks_store_update(f->s, d, 0, nb, NULL, NULL), 0);
}

/* The Deployment's ReplicaSet whose template has image (NULL: none). */
static const ks_object *rs_of_image(fixture *f, const char *image)
{
    const ks_object **v;
    size_t n;
    const ks_object *found = NULL;
    ks_store_list(f->s, KS_KIND_REPLICASET, NULL, NULL, &v, &n);
    for (size_t i = 0; i < n && !found; i++) {
        const ks_replicaset_body *b = v[i]->body;
        if (b->template.image && strcmp(b->template.image, image) == 0)
            found = v[i];
    }
    free(v);
    return found;
}

static const ks_replicaset_body *rsbody(fixture *f, const char *image)
{
    const ks_object *o = rs_of_image(f, image);
    return o ? o->body : NULL;
}

/* Pods of image in the store. */
static size_t pods_of_image(fixture *f, const char *image)
{
    const ks_object **v;
    size_t n = pods(f, &v), k = 0;
    for (size_t i = 0; i < n; i++)
        k += strcmp(((const ks_pod_body *)v[i]->body)->spec.image, image) ==
             0;
    free(v);
    return k;
}

static int reason_is(const ks_deployment_condition *c, const char *reason)
{
    return c->reason && strcmp(c->reason, reason) == 0;
}

/* Watches a Deployment's Progressing condition: every reason it takes (a
 * repeat collapsed), whether it was ever not True, and when it became
 * ProgressDeadlineExceeded. */
typedef struct cond_recorder {
    fixture *f;
    uint64_t deploy;
    const char *reasons[16];
    int nreasons;
    int not_true;
    ks_time first_transition;
    int transition_moved;
    ks_time timed_out_at;
} cond_recorder;

static void record_condition(void *ctx, const ks_watch_event *ev)
{
    cond_recorder *r = ctx;
    if (ev->uid != r->deploy || !ev->obj)
        return;
    const ks_deployment_condition *c =
        &((const ks_deployment_body *)ev->obj->body)->progressing;
    if (c->status == KS_DCOND_ABSENT)
        return;
    if (c->status != KS_DCOND_TRUE)
        r->not_true = 1;
    if (r->nreasons == 0)
        r->first_transition = c->last_transition;
    else if (c->last_transition != r->first_transition)
        r->transition_moved = 1;
    if ((r->nreasons == 0 ||
         strcmp(r->reasons[r->nreasons - 1], c->reason) != 0) &&
        r->nreasons < 16)
        r->reasons[r->nreasons++] = c->reason;
    if (reason_is(c, KS_DEPLOY_REASON_TIMED_OUT) && r->timed_out_at < 0)
        r->timed_out_at = ks_engine_now(r->f->e);
}

/* Required: new pods that never become ready.  A 10-replica Deployment
 * (25%/25%, progressDeadlineSeconds 60) rolls to an image whose pods never
 * turn Ready.  At t0 the rollout makes its last progress ((8, 5): the new
 * RS created, its pods created, old pods removed, all at t0), and the
 * Progressing condition is True ReplicaSetUpdated with lastUpdateTime t0.
 * Nothing changes after that; the sync that sees no new status requeues
 * the Deployment for lastUpdateTime + 60 s + 1 s (requeueStuckDeployment's
 * extra second), and that sync finds the deadline strictly passed
 * (DeploymentTimedOut: t0 + 60 s before now): Progressing=False
 * ProgressDeadlineExceeded at t0 + 61 s, and not a moment before.  The
 * rollout itself is not undone; `kubectl rollout undo` then brings back
 * the old template and the Deployment completes again. */
static void test_progress_deadline_exceeded(void)
{
    fixture f;
    setup(&f, 2 * KS_SECOND);
    f.never_ready_image = "img:bad";
    uint64_t d = make_deployment(&f, "web", 10, 0);
    ks_deployment_body *b = ks_store_body(f.s, d);
    b->progress_deadline_s = 60;
    ks_engine_run(f.e, 30 * KS_SECOND);
    const ks_deployment_body *db = dbody(&f, d);
    CU_ASSERT_EQUAL_FATAL(db->available_replicas, 10);
    CU_ASSERT_EQUAL(db->progressing.status, KS_DCOND_TRUE);
    CU_ASSERT_TRUE(reason_is(&db->progressing,
                             KS_DEPLOY_REASON_NEW_RS_AVAILABLE));
    CU_ASSERT_EQUAL(db->available.status, KS_DCOND_TRUE);
    CU_ASSERT_TRUE(reason_is(&db->available, KS_DEPLOY_REASON_MIN_AVAILABLE));

    cond_recorder r = {.f = &f, .deploy = d, .timed_out_at = -1};
    int w = ks_store_watch(f.s, KS_KIND_DEPLOYMENT, NULL, NULL, 0,
                           record_condition, &r);
    const ks_time t0 = ks_engine_now(f.e);
    CU_ASSERT_EQUAL(t0, 30 * KS_SECOND);
    change_image(&f, d, "img:bad");
    ks_engine_run(f.e, t0 + 10 * KS_SECOND);
    db = dbody(&f, d);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 8);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 5);
    CU_ASSERT_EQUAL(db->updated_replicas, 5);
    CU_ASSERT_EQUAL(db->available_replicas, 8);
    CU_ASSERT_EQUAL(db->progressing.status, KS_DCOND_TRUE);
    CU_ASSERT_TRUE(reason_is(&db->progressing, KS_DEPLOY_REASON_RS_UPDATED));
    CU_ASSERT_EQUAL(db->progressing.last_update, t0);
    /* the deadline passes at t0 + 60 s, nobody looks until t0 + 61 s */
    ks_engine_run(f.e, t0 + 61 * KS_SECOND - 1);
    CU_ASSERT_TRUE(reason_is(&dbody(&f, d)->progressing,
                             KS_DEPLOY_REASON_RS_UPDATED));
    ks_engine_run(f.e, t0 + 200 * KS_SECOND);
    db = dbody(&f, d);
    CU_ASSERT_EQUAL(r.timed_out_at, t0 + 61 * KS_SECOND);
    CU_ASSERT_EQUAL(db->progressing.status, KS_DCOND_FALSE);
    CU_ASSERT_TRUE(reason_is(&db->progressing, KS_DEPLOY_REASON_TIMED_OUT));
    CU_ASSERT_EQUAL(db->progressing.last_update, t0 + 61 * KS_SECOND);
    CU_ASSERT_EQUAL(db->progressing.last_transition, t0 + 61 * KS_SECOND);
    /* reasons: NewReplicaSetCreated (with the scale-down in the same sync)
     * then ReplicaSetUpdated, then the timeout */
    CU_ASSERT_EQUAL_FATAL(r.nreasons, 4);
    CU_ASSERT_STRING_EQUAL(r.reasons[0], KS_DEPLOY_REASON_NEW_RS_AVAILABLE);
    CU_ASSERT_STRING_EQUAL(r.reasons[1], KS_DEPLOY_REASON_NEW_RS_CREATED);
    CU_ASSERT_STRING_EQUAL(r.reasons[2], KS_DEPLOY_REASON_RS_UPDATED);
    CU_ASSERT_STRING_EQUAL(r.reasons[3], KS_DEPLOY_REASON_TIMED_OUT);
    /* the rollout stays where it was */
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 8);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 5);
    CU_ASSERT_EQUAL(db->available.status, KS_DCOND_TRUE); /* 8 >= 10 - 2 */

    /* kubectl rollout undo: the old RS is the new one again (revision 3)
     * and the unhealthy pods go first (cleanupUnhealthyReplicas) */
    ks_error err;
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 0, &err), 0);
    ks_engine_run(f.e, t0 + 300 * KS_SECOND);
    ks_store_unwatch(f.s, w);
    db = dbody(&f, d);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 10);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->revision, 3);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 0);
    CU_ASSERT_EQUAL(db->available_replicas, 10);
    CU_ASSERT_EQUAL(db->progressing.status, KS_DCOND_TRUE);
    CU_ASSERT_TRUE(reason_is(&db->progressing,
                             KS_DEPLOY_REASON_NEW_RS_AVAILABLE));
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:1"), 10);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 10);
    teardown(&f);
}

/* Required: a rollout that progresses keeps Progressing=True the whole
 * time (its lastTransitionTime never moves), goes NewReplicaSetCreated ->
 * ReplicaSetUpdated -> NewReplicaSetAvailable for the creation and again
 * for the template change, and never times out even with a deadline
 * shorter than the rollout (each step is progress). */
static void test_progressing_rollout(void)
{
    fixture f;
    const ks_time T = 2 * KS_SECOND;
    setup(&f, T);
    cond_recorder r = {.f = &f, .timed_out_at = -1};
    int w = ks_store_watch(f.s, KS_KIND_DEPLOYMENT, NULL, NULL, 0,
                           record_condition, &r);
    ks_deployment_body *db0 = ks_xcalloc(1, sizeof *db0);
    ks_deployment_body_defaults(db0);
    db0->replicas = 10;
    db0->progress_deadline_s = 3; /* > T: every step makes progress */
    ks_labels_set(&db0->selector.match_labels, "app", "web");
    template_init(&db0->template, "web", "img:1");
    ks_object_spec spec = {KS_KIND_DEPLOYMENT, "default", "web", NULL, NULL,
                           0, NULL, db0};
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f.s, &spec, &r.deploy), 0);
    ks_engine_run(f.e, 30 * KS_SECOND);
    change_image(&f, r.deploy, "img:2");
    ks_engine_run(f.e, 90 * KS_SECOND);
    ks_store_unwatch(f.s, w);
    static const char *const want[] = {
        KS_DEPLOY_REASON_NEW_RS_CREATED, KS_DEPLOY_REASON_RS_UPDATED,
        KS_DEPLOY_REASON_NEW_RS_AVAILABLE, KS_DEPLOY_REASON_NEW_RS_CREATED,
        KS_DEPLOY_REASON_RS_UPDATED, KS_DEPLOY_REASON_NEW_RS_AVAILABLE};
    CU_ASSERT_EQUAL_FATAL(r.nreasons, (int)N_OF(want));
    for (size_t i = 0; i < N_OF(want); i++)
        CU_ASSERT_STRING_EQUAL(r.reasons[i], want[i]);
    CU_ASSERT_FALSE(r.not_true);
    CU_ASSERT_FALSE(r.transition_moved);
    CU_ASSERT_EQUAL(r.first_transition, 0);
    CU_ASSERT_EQUAL(r.timed_out_at, -1);
    const ks_deployment_body *db = dbody(&f, r.deploy);
    CU_ASSERT_EQUAL(db->updated_replicas, 10);
    CU_ASSERT_EQUAL(db->available_replicas, 10);
    /* completion at t0 + 2T (the last old pods gone): 30 s + 4 s */
    CU_ASSERT_EQUAL(db->progressing.last_update, 34 * KS_SECOND);
    CU_ASSERT_EQUAL(db->available.status, KS_DCOND_TRUE);
    teardown(&f);
}

/* Required: `kubectl rollout undo` to the previous revision.  After
 * img:1 (revision 1) -> img:2 (revision 2), the undo writes img:1 back
 * into the Deployment; the controller finds the revision-1 ReplicaSet as
 * the new one, gives it revision 3 (max + 1, as getNewReplicaSet does for
 * a rolled-back RS) and scales it back up from 0 while the revision-2 RS
 * goes to 0; no ReplicaSet is created.  --to-revision=2 then goes forward
 * again (revision 4), and undoing to the current revision is skipped. */
static void test_rollback(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    uint64_t d = make_deployment(&f, "api", 4, 0);
    ks_engine_run(f.e, 10 * KS_SECOND);
    change_image(&f, d, "img:2");
    ks_engine_run(f.e, 30 * KS_SECOND);
    const ks_object *rs1 = rs_of_image(&f, "img:1"),
                    *rs2 = rs_of_image(&f, "img:2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs2);
    uint64_t u1 = rs1->uid, u2 = rs2->uid;
    const ks_replicaset_body *b1 = rs1->body, *b2 = rs2->body;
    CU_ASSERT_EQUAL(b1->revision, 1);
    CU_ASSERT_EQUAL(b1->replicas, 0);
    CU_ASSERT_EQUAL(b2->revision, 2);
    CU_ASSERT_EQUAL(b2->replicas, 4);
    uint64_t gen = ks_store_get(f.s, d)->generation;

    ks_error err;
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 0, &err), 0);
    CU_ASSERT_EQUAL(ks_store_get(f.s, d)->generation, gen + 1);
    CU_ASSERT_STRING_EQUAL(dbody(&f, d)->template.image, "img:1");
    ks_engine_run(f.e, 60 * KS_SECOND);
    b1 = ks_store_get(f.s, u1)->body;
    b2 = ks_store_get(f.s, u2)->body;
    CU_ASSERT_EQUAL(b1->replicas, 4);
    CU_ASSERT_EQUAL(b1->revision, 3);
    CU_ASSERT_EQUAL(b2->replicas, 0);
    CU_ASSERT_EQUAL(b2->revision, 2);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 2);
    CU_ASSERT_EQUAL(ks_deploy_controller_get_stats(f.dc)->rs_created, 2);
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:1"), 4);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 4);
    const ks_deployment_body *db = dbody(&f, d);
    CU_ASSERT_EQUAL(db->updated_replicas, 4);
    CU_ASSERT_EQUAL(db->available_replicas, 4);
    CU_ASSERT_TRUE(reason_is(&db->progressing,
                             KS_DEPLOY_REASON_NEW_RS_AVAILABLE));

    /* --to-revision=2 */
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 2, &err), 0);
    ks_engine_run(f.e, 90 * KS_SECOND);
    b1 = ks_store_get(f.s, u1)->body;
    b2 = ks_store_get(f.s, u2)->body;
    CU_ASSERT_EQUAL(b2->replicas, 4);
    CU_ASSERT_EQUAL(b2->revision, 4);
    CU_ASSERT_EQUAL(b1->replicas, 0);
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:2"), 4);

    /* already there: skipped, nothing written */
    gen = ks_store_get(f.s, d)->generation;
    memset(&err, 0, sizeof err);
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 4, &err), 1);
    CU_ASSERT_EQUAL(err.code, KS_OK);
    CU_ASSERT_STRING_EQUAL(err.msg, "skipped rollback (current template "
                                    "already matches revision 4)");
    CU_ASSERT_EQUAL(ks_store_get(f.s, d)->generation, gen);
    /* revision 3 (the first RS) is the previous one now */
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 0, NULL), 0);
    CU_ASSERT_STRING_EQUAL(dbody(&f, d)->template.image, "img:1");
    teardown(&f);
}

/* Required: kubectl's errors. */
static void test_rollback_errors(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    uint64_t d = make_deployment(&f, "solo", 2, 0);
    ks_engine_run(f.e, 10 * KS_SECOND);
    ks_error err;
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 0, &err), KS_ENOENT);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "no rollout history found for deployment \"solo\"");
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 5, &err), KS_ENOENT);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "unable to find specified revision 5 in history");
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, -1, &err), KS_ENOENT);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "unable to find specified revision -1 in history");
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 1, &err), 1);
    CU_ASSERT_STRING_EQUAL(err.msg, "skipped rollback (current template "
                                    "already matches revision 1)");
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, 999999, 0, &err), KS_ENOENT);
    /* a paused Deployment is refused once the revision is found */
    update_deployment(&f, d, NULL, -1, 1);
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 1, &err), KS_ESTATE);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "you cannot rollback a paused deployment; resume "
                           "it first with 'kubectl rollout resume "
                           "deployment/solo' and try again");
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 7, &err), KS_ENOENT);
    /* no quorum: the patch fails */
    update_deployment(&f, d, "img:2", -1, 0);
    ks_engine_run(f.e, 30 * KS_SECOND);
    ks_store_members_down(f.s, 1);
    CU_ASSERT_EQUAL(ks_deployment_rollback(f.s, d, 0, &err),
                    KS_EUNAVAILABLE);
    CU_ASSERT_STRING_EQUAL(err.msg, "failed restoring revision 0: service "
                                    "unavailable");
    ks_store_members_down(f.s, -1);
    teardown(&f);
}

/* Required: proportional scaling in the middle of a rollout.  10 replicas,
 * 25%/25%: right after the template change the RSs are at (8 old, 5 new)
 * (the steps of test_rolling_update_steps), the 5 new pods not ready yet.
 * Scaled to 20 then (maxSurge 5, 25 pods allowed): a scaling event (the
 * RSs' desired-replicas annotation says 10), so sync.go's scale spreads
 * the 12 new pods in proportion to the RSs' sizes over their max-replicas
 * annotation 13: old 8 -> round(8 * 25 / 13) = 15, new 5 -> 10, both in
 * one sync (sync_test.go TestScale's "change both surge and size" is the
 * same arithmetic: (8, 5) at 10 + 3 -> (34, 22) at 50 + 6).  The rollout
 * then goes on at 20 and completes, never above 25 pods. */
static void test_scale_mid_rollout(void)
{
    fixture f;
    const ks_time T = 2 * KS_SECOND;
    setup(&f, T);
    uint64_t d = make_deployment(&f, "web", 10, 0);
    ks_engine_run(f.e, 30 * KS_SECOND);
    const ks_object *old = rs_of_image(&f, "img:1");
    recorder r = {.f = &f, .deploy = d, .old_rs = old->uid,
                  .last_old = 10, .last_new = 0, .min_ready = 10};
    int w1 = ks_store_watch(f.s, KS_KIND_REPLICASET, NULL, NULL, 0, record, &r);
    int w2 = ks_store_watch(f.s, KS_KIND_POD, NULL, NULL, 0, record, &r);
    ks_time t0 = ks_engine_now(f.e);
    change_image(&f, d, "img:2");
    ks_engine_run(f.e, t0 + T / 2);
    CU_ASSERT_EQUAL_FATAL(r.nsteps, 2);
    CU_ASSERT_EQUAL(r.steps[1].old_replicas, 8);
    CU_ASSERT_EQUAL(r.steps[1].new_replicas, 5);
    update_deployment(&f, d, NULL, 20, -1);
    ks_engine_run(f.e, t0 + T / 2);
    CU_ASSERT_EQUAL_FATAL(r.nsteps, 3);
    CU_ASSERT_EQUAL(r.steps[2].old_replicas, 15);
    CU_ASSERT_EQUAL(r.steps[2].new_replicas, 10);
    CU_ASSERT_EQUAL(r.times[2], t0 + T / 2);
    const ks_replicaset_body *ob = rsbody(&f, "img:1"),
                             *nb = rsbody(&f, "img:2");
    CU_ASSERT_TRUE(ob->replicas_annotated && ob->desired_replicas == 20 &&
                   ob->max_replicas == 25);
    CU_ASSERT_TRUE(nb->replicas_annotated && nb->desired_replicas == 20 &&
                   nb->max_replicas == 25);
    ks_engine_run(f.e, t0 + 120 * KS_SECOND);
    ks_store_unwatch(f.s, w1);
    ks_store_unwatch(f.s, w2);
    CU_ASSERT_EQUAL(r.last_old, 0);
    CU_ASSERT_EQUAL(r.last_new, 20);
    CU_ASSERT_TRUE(r.max_pods <= 25);
    const ks_deployment_body *db = dbody(&f, d);
    CU_ASSERT_EQUAL(db->updated_replicas, 20);
    CU_ASSERT_EQUAL(db->available_replicas, 20);
    CU_ASSERT_TRUE(reason_is(&db->progressing,
                             KS_DEPLOY_REASON_NEW_RS_AVAILABLE));
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:2"), 20);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 20);
    teardown(&f);
}

/* Required: pause.  A Deployment stuck mid-rollout at (8, 5) (new pods
 * never ready) is paused: Progressing=Unknown DeploymentPaused.  Scaled to
 * 20 while paused it still scales, proportionally ((15, 10), as above);
 * its template changed while paused starts no rollout (no ReplicaSet, no
 * pod of the new image).  Resumed (DeploymentResumed), it rolls to the
 * last template and completes at 20. */
static void test_paused(void)
{
    fixture f;
    setup(&f, KS_SECOND);
    f.never_ready_image = "img:bad";
    uint64_t d = make_deployment(&f, "web", 10, 0);
    ks_engine_run(f.e, 20 * KS_SECOND);
    change_image(&f, d, "img:bad");
    ks_engine_run(f.e, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 8);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 5);

    update_deployment(&f, d, NULL, -1, 1);
    ks_engine_run(f.e, 35 * KS_SECOND);
    const ks_deployment_body *db = dbody(&f, d);
    CU_ASSERT_EQUAL(db->progressing.status, KS_DCOND_UNKNOWN);
    CU_ASSERT_TRUE(reason_is(&db->progressing, KS_DEPLOY_REASON_PAUSED));
    CU_ASSERT_EQUAL(db->progressing.last_update, 30 * KS_SECOND);

    update_deployment(&f, d, NULL, 20, -1);
    ks_engine_run(f.e, 45 * KS_SECOND);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 15);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 10);
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:1"), 15);
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:bad"), 10);

    update_deployment(&f, d, "img:3", -1, -1);
    ks_engine_run(f.e, 100 * KS_SECOND);
    CU_ASSERT_PTR_NULL(rs_of_image(&f, "img:3"));
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:3"), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 2);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 15);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 10);
    db = dbody(&f, d);
    /* paused for 70 s with a 600 s deadline: still Unknown, no timeout */
    CU_ASSERT_TRUE(reason_is(&db->progressing, KS_DEPLOY_REASON_PAUSED));
    CU_ASSERT_EQUAL(db->updated_replicas, 0); /* img:3 has no RS */

    cond_recorder r = {.f = &f, .deploy = d, .timed_out_at = -1};
    int w = ks_store_watch(f.s, KS_KIND_DEPLOYMENT, NULL, NULL, 0,
                           record_condition, &r);
    update_deployment(&f, d, NULL, -1, 0);
    ks_engine_run(f.e, 200 * KS_SECOND);
    ks_store_unwatch(f.s, w);
    /* the resuming sync writes DeploymentResumed, creates the img:3 RS
     * and then fails to write NewReplicaSetCreated (a conflict, as
     * upstream's stale copy does); the condition stays Resumed until the
     * first progress */
    static const char *const want[] = {
        KS_DEPLOY_REASON_PAUSED, KS_DEPLOY_REASON_RESUMED,
        KS_DEPLOY_REASON_RS_UPDATED, KS_DEPLOY_REASON_NEW_RS_AVAILABLE};
    CU_ASSERT_EQUAL_FATAL(r.nreasons, (int)N_OF(want));
    for (size_t i = 0; i < N_OF(want); i++)
        CU_ASSERT_STRING_EQUAL(r.reasons[i], want[i]);
    CU_ASSERT_EQUAL(rsbody(&f, "img:3")->replicas, 20);
    CU_ASSERT_EQUAL(rsbody(&f, "img:1")->replicas, 0);
    CU_ASSERT_EQUAL(rsbody(&f, "img:bad")->replicas, 0);
    CU_ASSERT_EQUAL(pods_of_image(&f, "img:3"), 20);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 20);
    db = dbody(&f, d);
    CU_ASSERT_EQUAL(db->available_replicas, 20);
    CU_ASSERT_EQUAL(db->updated_replicas, 20);
    teardown(&f);
}

void ks_suite_controllers(void)
{
    static const ks_test_case cases[] = {
        {"ReplicaSet: 5 pods, scale to 2 by the ranking",
         test_rs_create_and_scale_down},
        {"Deployment 10, 25%/25%: rolling update steps",
         test_rolling_update_steps},
        {"deleting a Deployment collects its RSs and pods",
         test_delete_deployment_gc},
        {"Deployment Recreate: old to 0, then new", test_recreate},
        {"Deployment Recreate: woken when its old pods are gone",
         test_recreate_waits_for_pods},
        {"ReplicaSet: client QPS 20 / burst 30", test_rs_client_rate_limit},
        {"informers 300 ms late: converge, no double create",
         test_informer_delay},
        {"ReplicaSet: minReadySeconds requeue", test_rs_min_ready},
        {"Deployment: ProgressDeadlineExceeded 60 s after the last progress "
         "(+1 s requeue), then rollout undo",
         test_progress_deadline_exceeded},
        {"Deployment: Progressing stays True through a rollout",
         test_progressing_rollout},
        {"Deployment: rollout undo to the previous and a given revision",
         test_rollback},
        {"Deployment: rollout undo errors", test_rollback_errors},
        {"Deployment: 10 -> 20 mid-rollout scales (8, 5) to (15, 10)",
         test_scale_mid_rollout},
        {"Deployment: paused scales proportionally, does not roll; resumes",
         test_paused},
        {NULL, NULL}};
    ks_test_add_suite("sim/controllers", cases);
}
