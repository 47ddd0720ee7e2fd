/* test_job_controller.c - the Job controller on the store
 * (sim/controllers/job_controller.h) with two kubelets and a test binder.
 *
 * Failures: pods whose container crashes (ks_pod_template.crashes,
 * restartPolicy Never: the kubelet reports Failed), and pods the controller
 * deletes itself, which upstream's isPodFailed counts as failed (deleting
 * and not succeeded).
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "sim/controllers/job_controller.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

#define S KS_SECOND
#define MAX_SYNCS 32

typedef struct sync_rec {
    ks_time t;
    int32_t active, succeeded, failed, created, deleted;
    ks_job_phase phase;
} sync_rec;

typedef struct fixture {
    ks_engine *e;
    ks_store *s;
    ks_kubelet *k[2];
    ks_job_controller *jc;
    int bind_watch;
    int pods_seen;   /* pods the binder saw created */
    int bound;       /* pods it bound */
    int skip_pod;    /* the binder leaves the skip_pod-th pod (1-based)
                        unbound; 0: none */
    sync_rec syncs[MAX_SYNCS];
    int nsyncs;
} fixture;

/* A trivial scheduler: binds every new pending pod to n0, n1, n0, ... */
static void binder_on_pod(void *ctx, const ks_watch_event *ev)
{
    fixture *f = ctx;
    if (ev->type != KS_WATCH_ADDED || !ev->obj || ev->obj->node_name)
        return;
    if (++f->pods_seen == f->skip_pod)
        return;
    const char *node = f->bound++ % 2 == 0 ? "n0" : "n1";
    CU_ASSERT_EQUAL(ks_store_update(f->s, ev->uid, 0, NULL, NULL, node), 0);
}

static void record_sync(void *ctx, uint64_t job, ks_time now,
                        const ks_job_status *st, const ks_job_sync_result *r)
{
    (void)job;
    fixture *f = ctx;
    if (f->nsyncs < MAX_SYNCS)
        f->syncs[f->nsyncs] = (sync_rec){now, st->active, st->succeeded,
                                         st->failed, r->creates_succeeded,
                                         r->deletes_succeeded, st->phase};
    f->nsyncs++;
}

static void setup(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->e = ks_engine_create();
    f->s = ks_store_create(f->e, NULL);
    ks_kinds_install(f->s);
    static const char *nodes[] = {"n0", "n1"};
    ks_kubelet_config kc = ks_kubelet_default_config();
    kc.start_latency = 0;
    for (int i = 0; i < 2; i++) {
        ks_object_spec ns = {KS_KIND_NODE, NULL, nodes[i], NULL, NULL, 0,
                             NULL, ks_xcalloc(1, sizeof(ks_node_body))};
        CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &ns, NULL), 0);
        f->k[i] = ks_kubelet_create(f->e, f->s, nodes[i], &kc);
    }
    f->bind_watch = ks_store_watch(f->s, KS_KIND_POD, NULL, NULL, 0,
                                   binder_on_pod, f);
    f->jc = ks_job_controller_create(f->e, f->s, NULL);
    ks_job_controller_set_hook(f->jc, record_sync, f);
}

static void teardown(fixture *f)
{
    ks_job_controller_destroy(f->jc);
    ks_store_unwatch(f->s, f->bind_watch);
    for (int i = 0; i < 2; i++)
        ks_kubelet_destroy(f->k[i]);
    ks_store_destroy(f->s);
    ks_engine_destroy(f->e);
}

static ks_job_body *job_body(int32_t completions, int32_t parallelism,
                             ks_time run_time)
{
    ks_job_body *b = ks_xcalloc(1, sizeof *b);
    ks_job_body_defaults(b);
    b->completions = completions;
    b->parallelism = parallelism;
    ks_labels_set(&b->selector.match_labels, "job", "batch");
    for (int i = 0; i < KS_RES_COUNT; i++)
        b->template.requests[i] = -1;
    b->template.run_time = run_time; /* no image: starts at once */
    b->template.termination_grace_s = 30;
    b->template.restart_policy = KS_RESTART_NEVER; /* Job pods: Never */
    ks_labels_set(&b->template.labels, "job", "batch");
    return b;
}

static uint64_t create_job(fixture *f, ks_job_body *b)
{
    ks_object_spec spec = {KS_KIND_JOB, "default", "batch", NULL, NULL, 0,
                           NULL, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

static size_t list_pods(fixture *f, const ks_object ***out)
{
    size_t n;
    ks_store_list(f->s, KS_KIND_POD, NULL, NULL, out, &n);
    return n;
}

/* completions 5, parallelism 2, pods run 10 s: the sequence job.h's own
 * driver derives (tests/sim/test_job_hpa.c, test_job_driver_completions),
 * now produced by store events.  Derivation (binder, kubelet start and
 * readiness all at the creation instant; every pod event queues the Job
 * 1 s later, the earliest pending time wins):
 *   t=0   Job ADDED -> sync at once: create 2 (active 2); the status write
 *         and the pods' ADDED/bind/Running/Ready events queue t=1.
 *   t=1   sync: nothing new (no status change, no write).
 *   t=10  both pods Succeeded -> t=11: succeeded 2, create min(2, 5-2)=2.
 *   t=12  sync for the creations and the status write: nothing new.
 *   t=21  -> t=22: succeeded 4, create min(2, 1)=1 (active 1).
 *   t=23  nothing new.
 *   t=32  -> t=33: succeeded 5, no pod active: Complete at 33 s.
 *   t=34  the batched sync of the Complete status write: a finished Job is
 *         left alone (one more sync than the driver, which stops at 33). */
static void test_job_completions_on_store(void)
{
    fixture f;
    setup(&f);
    uint64_t job = create_job(&f, job_body(5, 2, 10 * S));
    ks_engine_run(f.e, 120 * S);

    static const struct {
        int t;
        int32_t active, succeeded, created;
    } want[] = {{0, 2, 0, 2},  {1, 2, 0, 0},  {11, 2, 2, 2}, {12, 2, 2, 0},
                {22, 1, 4, 1}, {23, 1, 4, 0}, {33, 0, 5, 0}, {34, 0, 5, 0}};
    int n = (int)(sizeof want / sizeof want[0]);
    CU_ASSERT_EQUAL(f.nsyncs, n);
    for (int i = 0; i < n && i < f.nsyncs; i++) {
        CU_ASSERT_EQUAL(f.syncs[i].t, want[i].t * S);
        CU_ASSERT_EQUAL(f.syncs[i].active, want[i].active);
        CU_ASSERT_EQUAL(f.syncs[i].succeeded, want[i].succeeded);
        CU_ASSERT_EQUAL(f.syncs[i].created, want[i].created);
        CU_ASSERT_EQUAL(f.syncs[i].failed, 0);
    }
    CU_ASSERT_EQUAL(f.syncs[6].phase, KS_JOB_COMPLETE);

    /* The Job body carries the status. */
    const ks_object *jo = ks_store_get(f.s, job);
    CU_ASSERT_PTR_NOT_NULL_FATAL(jo);
    const ks_job_body *jb = jo->body;
    CU_ASSERT_EQUAL(jb->succeeded, 5);
    CU_ASSERT_EQUAL(jb->active, 0);
    CU_ASSERT_EQUAL(jb->failed, 0);
    CU_ASSERT_TRUE(jb->complete);
    CU_ASSERT_FALSE(jb->failed_condition);
    CU_ASSERT_EQUAL(jb->start_time, 0);
    CU_ASSERT_EQUAL(jb->completion_time, 33 * S);
    const ks_job_status *st = ks_job_controller_status(f.jc, job);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(st->phase, KS_JOB_COMPLETE);

    /* 5 pods, all Succeeded, named batch-xxxxx, template labels, owned by
     * the Job as controller, alternately on n0 / n1. */
    const ks_object **v;
    size_t np = list_pods(&f, &v);
    CU_ASSERT_EQUAL(np, 5);
    for (size_t i = 0; i < np; i++) {
        const ks_pod_body *pb = v[i]->body;
        CU_ASSERT_EQUAL(pb->phase, KS_PHASE_SUCCEEDED);
        CU_ASSERT_EQUAL(strlen(v[i]->name), strlen("batch-xxxxx"));
        CU_ASSERT_EQUAL(strncmp(v[i]->name, "batch-", 6), 0);
        CU_ASSERT_STRING_EQUAL(ks_labels_get(&v[i]->labels, "job"), "batch");
        CU_ASSERT_EQUAL_FATAL(v[i]->nowners, 1);
        CU_ASSERT_EQUAL(v[i]->owners[0].uid, job);
        CU_ASSERT_EQUAL(v[i]->owners[0].kind, KS_KIND_JOB);
        CU_ASSERT_TRUE(v[i]->owners[0].controller);
        CU_ASSERT_STRING_EQUAL(v[i]->node_name, i % 2 ? "n1" : "n0");
    }
    free(v);
    const ks_job_controller_stats *cs = ks_job_controller_get_stats(f.jc);
    CU_ASSERT_EQUAL(cs->pods_created, 5);
    CU_ASSERT_EQUAL(cs->pods_deleted, 0);
    CU_ASSERT_EQUAL(cs->status_writes, 4); /* t = 0, 11, 22, 33 */
    CU_ASSERT_EQUAL(cs->throttled, 0);
    teardown(&f);
}

/* Lowering parallelism deletes the excess active pods in
 * controller.ActivePods order (an unscheduled pod before running ones,
 * although it is the newest by creation order), the spec write syncing
 * at once (updateJob: generation changed); the deleted pod counts as
 * failed at the next sync (isPodFailed).  completions 4, parallelism 3,
 * pods run 10 s, the binder leaves the third pod unbound:
 *   t=0   create 3 (pods 1, 2 run; pod 3 Pending).
 *   t=5   parallelism -> 2: immediate sync deletes pod 3 (active 2).
 *   t=6   the DELETED event's batched sync: failed 1 (finished at 5).
 *   t=7   the batched sync of that status-only write: nothing new.
 *   t=11  pods 1, 2 Succeeded at 10: succeeded 2; the success after the
 *         failure clears the pod-failure back-off: create 2.
 *   t=22  succeeded 4: Complete with failed 1. */
static void test_job_scale_down_active_pods_order(void)
{
    fixture f;
    setup(&f);
    f.skip_pod = 3;
    uint64_t job = create_job(&f, job_body(4, 3, 10 * S));
    ks_engine_run(f.e, 5 * S - 1);
    const ks_object **v;
    size_t np = list_pods(&f, &v);
    CU_ASSERT_EQUAL_FATAL(np, 3);
    uint64_t pending_pod = v[2]->uid;
    CU_ASSERT_PTR_NULL(v[2]->node_name);
    free(v);

    const ks_object *jo = ks_store_get(f.s, job);
    ks_job_body *nb = ks_xcalloc(1, sizeof *nb);
    *nb = *(const ks_job_body *)jo->body;
    ks_label_selector_copy(&nb->selector,
                           &((const ks_job_body *)jo->body)->selector);
    memset(&nb->template, 0, sizeof nb->template);
    for (int i = 0; i < KS_RES_COUNT; i++)
        nb->template.requests[i] = -1;
    nb->template.run_time = 10 * S;
    nb->template.termination_grace_s = 30;
    nb->template.restart_policy = KS_RESTART_NEVER;
    ks_labels_set(&nb->template.labels, "job", "batch");
    nb->parallelism = 2;
    ks_engine_run(f.e, 5 * S);
    CU_ASSERT_EQUAL_FATAL(ks_store_update(f.s, job, 0, nb, NULL, NULL), 0);
    ks_engine_run(f.e, 8 * S);

    CU_ASSERT_PTR_NULL(ks_store_get(f.s, pending_pod));
    np = list_pods(&f, &v);
    CU_ASSERT_EQUAL(np, 2);
    for (size_t i = 0; i < np; i++)
        CU_ASSERT_PTR_NOT_NULL(v[i]->node_name);
    free(v);
    jo = ks_store_get(f.s, job);
    CU_ASSERT_EQUAL(((const ks_job_body *)jo->body)->failed, 1);
    CU_ASSERT_EQUAL(((const ks_job_body *)jo->body)->active, 2);

    ks_engine_run(f.e, 120 * S);
    static const struct {
        int t;
        int32_t active, succeeded, failed, created, deleted;
    } want[] = {{0, 3, 0, 0, 3, 0},  {1, 3, 0, 0, 0, 0},
                {5, 2, 0, 0, 0, 1},  {6, 2, 0, 1, 0, 0},
                {7, 2, 0, 1, 0, 0},
                {11, 2, 2, 1, 2, 0}, {12, 2, 2, 1, 0, 0},
                {22, 0, 4, 1, 0, 0}, {23, 0, 4, 1, 0, 0}};
    int n = (int)(sizeof want / sizeof want[0]);
    CU_ASSERT_EQUAL(f.nsyncs, n);
    for (int i = 0; i < n && i < f.nsyncs; i++) {
        CU_ASSERT_EQUAL(f.syncs[i].t, want[i].t * S);
        CU_ASSERT_EQUAL(f.syncs[i].active, want[i].active);
        CU_ASSERT_EQUAL(f.syncs[i].succeeded, want[i].succeeded);
        CU_ASSERT_EQUAL(f.syncs[i].failed, want[i].failed);
        CU_ASSERT_EQUAL(f.syncs[i].created, want[i].created);
        CU_ASSERT_EQUAL(f.syncs[i].deleted, want[i].deleted);
    }
    jo = ks_store_get(f.s, job);
    const ks_job_body *jb = jo->body;
    CU_ASSERT_TRUE(jb->complete);
    CU_ASSERT_EQUAL(jb->succeeded, 4);
    CU_ASSERT_EQUAL(jb->failed, 1);
    CU_ASSERT_EQUAL(jb->completion_time, 22 * S);
    CU_ASSERT_EQUAL(ks_job_controller_get_stats(f.jc)->pods_deleted, 1);
    teardown(&f);
}

/* A deleted Job: its state is dropped, its pods are left to the garbage
 * collector (Background), and nothing is synced afterwards. */
static void test_job_deleted(void)
{
    fixture f;
    setup(&f);
    uint64_t job = create_job(&f, job_body(2, 2, 100 * S));
    ks_engine_run(f.e, 2 * S);
    CU_ASSERT_PTR_NOT_NULL(ks_job_controller_status(f.jc, job));
    CU_ASSERT_EQUAL(ks_store_delete(f.s, job, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 10 * S);
    CU_ASSERT_PTR_NULL(ks_job_controller_status(f.jc, job));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 0);
    CU_ASSERT_EQUAL(ks_job_controller_get_stats(f.jc)->pods_created, 2);
    teardown(&f);
}

/* The client token bucket (qps 1, burst 3): the first sync has 3 tokens,
 * so slow start creates 1 + 2 and its next batch of 2 is refused (looks
 * like failed creates to the Job algorithm); the status write finds no
 * token and the Job is requeued when the next token is due.  Every pod is
 * created in the end and the status catches up. */
static void test_job_client_throttled(void)
{
    fixture f;
    setup(&f);
    ks_job_controller_destroy(f.jc);
    ks_job_controller_config cfg = {0, 1.0f, 3};
    f.jc = ks_job_controller_create(f.e, f.s, &cfg);
    ks_job_controller_set_hook(f.jc, record_sync, &f);
    uint64_t job = create_job(&f, job_body(5, 5, 100 * S));
    ks_engine_run(f.e, 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 3);
    CU_ASSERT_TRUE(f.nsyncs >= 1);
    CU_ASSERT_EQUAL(f.syncs[0].created, 3);
    ks_engine_run(f.e, 20 * S);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 5);
    const ks_job_controller_stats *cs = ks_job_controller_get_stats(f.jc);
    CU_ASSERT_TRUE(cs->throttled >= 1);
    CU_ASSERT_EQUAL(cs->pods_created, 5);
    const ks_job_body *jb = ks_store_get(f.s, job)->body;
    CU_ASSERT_EQUAL(jb->active, 5);
    CU_ASSERT_EQUAL(jb->succeeded, 0);
    ks_engine_run(f.e, 200 * S);
    jb = ks_store_get(f.s, job)->body;
    CU_ASSERT_TRUE(jb->complete);
    CU_ASSERT_EQUAL(jb->succeeded, 5);
    teardown(&f);
}

/* backoffLimit 2, every pod crashes 5 s after it starts (restartPolicy
 * Never: Failed): the store version of job.h's driver test
 * test_job_driver_backoff_limit (tests/sim/test_job_hpa.c).  Derivation:
 *   t=0   create pod 1; t=5 it fails -> t=6: failed 1, the pod-failure
 *         back-off (10 s from the failure at 5) requeues the Job at 15;
 *         status.active reads 0 meanwhile (upstream quirk kept by job.c).
 *   t=15  create pod 2; t=20 it fails -> t=21: failed 2, back-off 20 s
 *         from 20 -> requeue at 40.
 *   t=40  create pod 3; t=45 it fails -> t=46: failed 3 > 2: Failed
 *         (BackoffLimitExceeded), no pod left to terminate. */
static void test_job_backoff_limit_on_store(void)
{
    fixture f;
    setup(&f);
    ks_job_body *b = job_body(1, 1, KS_TIME_NEVER);
    b->backoff_limit = 2;
    b->template.crashes = 1;
    b->template.crash_after = 5 * S;
    uint64_t job = create_job(&f, b);
    ks_engine_run(f.e, 600 * S);
    const ks_job_status *st = ks_job_controller_status(f.jc, job);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(st->phase, KS_JOB_FAILED);
    CU_ASSERT_EQUAL(st->reason, KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED);
    CU_ASSERT_EQUAL(st->failed, 3);
    CU_ASSERT_EQUAL(st->finish_time, 46 * S);
    ks_time created[3];
    int n = 0;
    bool backing_off_zero = false;
    for (int i = 0; i < f.nsyncs && i < MAX_SYNCS; i++) {
        if (f.syncs[i].created > 0 && n < 3)
            created[n++] = f.syncs[i].t;
        if (f.syncs[i].t == 6 * S && f.syncs[i].active == 0)
            backing_off_zero = true;
    }
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(created[0], 0);
    CU_ASSERT_EQUAL(created[1], 15 * S);
    CU_ASSERT_EQUAL(created[2], 40 * S);
    CU_ASSERT_TRUE(backing_off_zero);
    const ks_job_body *jb = ks_store_get(f.s, job)->body;
    CU_ASSERT_TRUE(jb->failed_condition);
    CU_ASSERT_FALSE(jb->complete);
    CU_ASSERT_EQUAL(jb->failed, 3);
    CU_ASSERT_EQUAL(jb->succeeded, 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 3);
    teardown(&f);
}

void ks_suite_job_controller(void)
{
    static const ks_test_case cases[] = {
        {"completions 5, parallelism 2 on the store: the sync sequence of "
         "job.h's driver",
         test_job_completions_on_store},
        {"lower parallelism deletes by ActivePods order, counted as failed",
         test_job_scale_down_active_pods_order},
        {"backoffLimit 2 with crashing pods: back-off 10 s, 20 s, then "
         "Failed (job.h's driver sequence)",
         test_job_backoff_limit_on_store},
        {"a deleted Job is forgotten", test_job_deleted},
        {"client token bucket: throttled creates and status are retried",
         test_job_client_throttled},
        {NULL, NULL}};
    ks_test_add_suite("job_controller", cases);
}
