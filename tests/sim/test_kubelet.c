/* test_kubelet.c - a node's kubelet on the store: image pulls through the
 * node's queue, start, readiness, end, Lease renewals, a stopped kubelet,
 * status writes retried without etcd quorum; container exits under each
 * restartPolicy, CrashLoopBackOff timing and reset, readiness across
 * restarts, the Pulling/Pulled/BackOff rows of a pod event log; graceful
 * termination (Killing, SIGTERM or SIGKILL after the grace period, the
 * final delete) and liveness kills. */
#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/podevents.h"
#include "sim/store.h"
#include "tests/test_util.h"

#define S KS_SECOND

typedef struct world {
    ks_engine *e;
    ks_store *s;
    ks_kubelet *k;
} world;

/* 100 MB/s pulls with 1 s overhead, 0.5 s container start. */
static ks_kubelet_config pulling_config(void)
{
    ks_kubelet_config cfg = ks_kubelet_default_config();
    cfg.pull = (ks_pull_config){100e6, KS_SECOND, 0};
    cfg.start_latency = 500 * KS_MILLISECOND;
    return cfg;
}

static world setup_with(int members, const ks_kubelet_config *cfg)
{
    world w;
    w.e = ks_engine_create();
    ks_store_config sc = {members, 0};
    w.s = ks_store_create(w.e, &sc);
    ks_kinds_install(w.s);
    w.k = ks_kubelet_create(w.e, w.s, "n1", cfg);
    return w;
}

static world setup(int members)
{
    ks_kubelet_config cfg = pulling_config();
    return setup_with(members, &cfg);
}

/* No image, instant start: a container starts the instant it is decided,
 * so restart times are exact. */
static world setup_instant(int members)
{
    ks_kubelet_config cfg = ks_kubelet_default_config();
    return setup_with(members, &cfg);
}

static void teardown(world *w)
{
    ks_kubelet_destroy(w->k);
    ks_store_destroy(w->s);
    ks_engine_destroy(w->e);
}

/* A pod of restart policy `policy` whose container exits 0 after run and
 * crashes crash_after after each start (KS_TIME_NEVER: neither). */
static uint64_t pod_ex(world *w, const char *name, const char *node,
                       const char *image, ks_time run,
                       ks_restart_policy policy, ks_time crash_after)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.image = (char *)image;
    t.image_size = 200000000;
    t.run_time = run;
    t.restart_policy = policy;
    t.crashes = crash_after != KS_TIME_NEVER;
    t.crash_after = crash_after;
    ks_pod_body *b = ks_pod_body_new(&t);
    ks_object_spec spec = {KS_KIND_POD, NULL, name, NULL, NULL, 0, node, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

/* A server (restartPolicy Always, the default, never exits). */
static uint64_t pod(world *w, const char *name, const char *node,
                    const char *image, ks_time run)
{
    return pod_ex(w, name, node, image, run, KS_RESTART_ALWAYS,
                  KS_TIME_NEVER);
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
    /* a exits 0 after 60 s; OnFailure does not restart it. */
    uint64_t a = pod_ex(&w, "a", "n1", "app:1", 60 * KS_SECOND,
                        KS_RESTART_ON_FAILURE, KS_TIME_NEVER);
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
    CU_ASSERT_EQUAL(body(&w, a)->restarts, 0);
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

/* ---- restarts ----------------------------------------------------------- */

/* The statuses a pod's watchers see: one entry per distinct (phase, ready,
 * started, restarts), with the time it was delivered. */
#define MAX_SEEN 64

typedef struct seen {
    ks_time t;
    ks_phase phase;
    int ready;
    ks_time ready_since;
    ks_time started;
    int32_t restarts;
} seen;

typedef struct trace {
    ks_engine *e;
    uint64_t uid;
    seen v[MAX_SEEN];
    int n;
} trace;

static void on_trace(void *ctx, const ks_watch_event *ev)
{
    trace *tr = ctx;
    if (ev->uid != tr->uid || !ev->obj || !ev->obj->body)
        return;
    const ks_pod_body *b = ev->obj->body;
    seen now = {ks_engine_now(tr->e), b->phase, b->ready, b->ready_since,
                b->started, b->restarts};
    if (tr->n > 0) {
        const seen *l = &tr->v[tr->n - 1];
        if (l->phase == now.phase && l->ready == now.ready &&
            l->started == now.started && l->restarts == now.restarts)
            return;
    }
    CU_ASSERT_FATAL(tr->n < MAX_SEEN);
    tr->v[tr->n++] = now;
}

static int watch_pod(world *w, trace *tr, uint64_t uid)
{
    memset(tr, 0, sizeof *tr);
    tr->e = w->e;
    tr->uid = uid;
    return ks_store_watch(w->s, KS_KIND_POD, NULL, NULL, 0, on_trace, tr);
}

/* The start times of the successive container instances, as the watch saw
 * `started` change; the restart count of each must be its index. */
static int starts_of(const trace *tr, ks_time *starts, int max)
{
    int n = 0;
    for (int i = 0; i < tr->n && n < max; i++) {
        if (tr->v[i].started < 0 ||
            (n > 0 && tr->v[i].started == starts[n - 1]))
            continue;
        CU_ASSERT_EQUAL(tr->v[i].restarts, n);
        CU_ASSERT_EQUAL(tr->v[i].t, tr->v[i].started); /* reported at once */
        starts[n++] = tr->v[i].started;
    }
    return n;
}

/* restartPolicy Always, the container crashes 5 s after each start: the
 * first restart is immediate, then the waits from each exit are 10, 20,
 * 40, 80, 160, 300, 300 s (backoff.h; k8s-control-loop.md S7: restart
 * count 5 at 300 s, 7 at 700 s).  The pod stays Running, not Ready while
 * it waits. */
static void test_crashloop_backoff(void)
{
    world w = setup_instant(1);
    trace tr;
    uint64_t p = pod_ex(&w, "crash", "n1", NULL, KS_TIME_NEVER,
                        KS_RESTART_ALWAYS, 5 * S);
    int wt = watch_pod(&w, &tr, p);
    ks_engine_run(w.e, 15 * S); /* second exit at 10 s, waiting until 20 */
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_FALSE(body(&w, p)->ready);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 1);
    CU_ASSERT_EQUAL(body(&w, p)->started, 5 * S);
    ks_engine_run(w.e, 300 * S);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 5);
    ks_engine_run(w.e, 700 * S);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 7);
    ks_engine_run(w.e, 1000 * S);
    static const ks_time waits[] = {0, 10, 20, 40, 80, 160, 300, 300};
    ks_time starts[16];
    int n = starts_of(&tr, starts, 16);
    CU_ASSERT_EQUAL_FATAL(n, 9); /* 0, 5, 20, 45, 90, 175, 340, 645, 950 */
    CU_ASSERT_EQUAL(starts[0], 0);
    for (int i = 1; i < n; i++)
        CU_ASSERT_EQUAL(starts[i] - (starts[i - 1] + 5 * S), waits[i - 1] * S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 8);
    ks_store_unwatch(w.s, wt);
    teardown(&w);
}

/* A container that ran more than 600 s (the kubelet's HasExpiredFunc:
 * finished - last restart > 600 s) resets its back-off: every restart is
 * immediate.  At exactly 600 s the entry is kept: waits 10, then 20. */
static void test_crashloop_reset(void)
{
    world w = setup_instant(1);
    trace t601, t600;
    uint64_t a = pod_ex(&w, "long", "n1", NULL, KS_TIME_NEVER,
                        KS_RESTART_ALWAYS, 601 * S);
    uint64_t b = pod_ex(&w, "edge", "n1", NULL, KS_TIME_NEVER,
                        KS_RESTART_ALWAYS, 600 * S);
    int wa = watch_pod(&w, &t601, a);
    int wb = watch_pod(&w, &t600, b);
    ks_engine_run(w.e, 2000 * S);
    ks_time starts[8];
    int n = starts_of(&t601, starts, 8);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(starts[i], i * 601 * S); /* 0, 601, 1202, 1803 */
    n = starts_of(&t600, starts, 8);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    CU_ASSERT_EQUAL(starts[1], 600 * S);              /* at once */
    CU_ASSERT_EQUAL(starts[2], 1200 * S + 10 * S);    /* 10 s back-off */
    CU_ASSERT_EQUAL(starts[3], 1810 * S + 20 * S);    /* then 20 s */
    ks_store_unwatch(w.s, wa);
    ks_store_unwatch(w.s, wb);
    teardown(&w);
}

/* OnFailure: exit 0 ends the pod Succeeded; a crash restarts it (Running).
 * Never: a crash ends it Failed with no restart, exit 0 Succeeded.
 * Always: exit 0 restarts too, under the same back-off. */
static void test_restart_policies(void)
{
    world w = setup_instant(1);
    uint64_t of_ok = pod_ex(&w, "of-ok", "n1", NULL, 30 * S,
                            KS_RESTART_ON_FAILURE, KS_TIME_NEVER);
    uint64_t of_crash = pod_ex(&w, "of-crash", "n1", NULL, 30 * S,
                               KS_RESTART_ON_FAILURE, 5 * S);
    uint64_t nv_crash = pod_ex(&w, "nv-crash", "n1", NULL, 30 * S,
                               KS_RESTART_NEVER, 5 * S);
    uint64_t nv_ok = pod_ex(&w, "nv-ok", "n1", NULL, 30 * S,
                            KS_RESTART_NEVER, KS_TIME_NEVER);
    uint64_t al_ok = pod_ex(&w, "al-ok", "n1", NULL, 30 * S,
                            KS_RESTART_ALWAYS, KS_TIME_NEVER);
    ks_engine_run(w.e, 7 * S);
    CU_ASSERT_EQUAL(body(&w, of_crash)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, of_crash)->restarts, 1);
    CU_ASSERT_EQUAL(body(&w, of_crash)->started, 5 * S);
    CU_ASSERT_EQUAL(body(&w, nv_crash)->phase, KS_PHASE_FAILED);
    CU_ASSERT_EQUAL(body(&w, nv_crash)->restarts, 0);
    CU_ASSERT_FALSE(body(&w, nv_crash)->ready);
    ks_engine_run(w.e, 31 * S);
    CU_ASSERT_EQUAL(body(&w, of_ok)->phase, KS_PHASE_SUCCEEDED);
    CU_ASSERT_EQUAL(body(&w, nv_ok)->phase, KS_PHASE_SUCCEEDED);
    CU_ASSERT_EQUAL(body(&w, al_ok)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, al_ok)->restarts, 1);
    CU_ASSERT_EQUAL(body(&w, al_ok)->started, 30 * S);
    /* Always after exit 0 at 60 s: back-off 10 s -> started at 70 s. */
    ks_engine_run(w.e, 69 * S);
    CU_ASSERT_FALSE(body(&w, al_ok)->ready);
    CU_ASSERT_EQUAL(body(&w, al_ok)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, al_ok)->restarts, 1);
    ks_engine_run(w.e, 71 * S);
    CU_ASSERT_EQUAL(body(&w, al_ok)->restarts, 2);
    CU_ASSERT_EQUAL(body(&w, al_ok)->started, 70 * S);
    ks_engine_run(w.e, 1000 * S);
    CU_ASSERT_EQUAL(body(&w, of_ok)->phase, KS_PHASE_SUCCEEDED);
    CU_ASSERT_EQUAL(body(&w, of_ok)->restarts, 0);
    CU_ASSERT_FALSE(body(&w, of_ok)->ready);
    CU_ASSERT_EQUAL(body(&w, of_crash)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, nv_crash)->phase, KS_PHASE_FAILED);
    CU_ASSERT_EQUAL(body(&w, nv_crash)->restarts, 0);
    CU_ASSERT_EQUAL(body(&w, nv_crash)->started, 0);
    CU_ASSERT_EQUAL(body(&w, nv_ok)->restarts, 0);
    teardown(&w);
}

/* Readiness probe with a 3 s initial delay (probes at start + 0, skipped,
 * and + 10 s); the container crashes 30 s after each start.  Ready at 10,
 * not ready at the crash (30), Ready at the restarted container's first
 * counted probe (40); the second crash (60) waits 10 s, the container
 * restarts at 70 and is Ready at 80. */
static void test_readiness_across_restarts(void)
{
    ks_kubelet_config cfg = ks_kubelet_default_config();
    cfg.readiness.initial_delay_s = 3;
    world w = setup_with(1, &cfg);
    trace tr;
    uint64_t p = pod_ex(&w, "r", "n1", NULL, KS_TIME_NEVER, KS_RESTART_ALWAYS,
                        30 * S);
    int wt = watch_pod(&w, &tr, p);
    ks_engine_run(w.e, 65 * S);
    CU_ASSERT_FALSE(body(&w, p)->ready); /* in back-off */
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    ks_engine_run(w.e, 85 * S);
    CU_ASSERT_TRUE(body(&w, p)->ready);
    CU_ASSERT_EQUAL(body(&w, p)->ready_since, 80 * S);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 2);
    /* The Ready transitions the watch saw. */
    static const struct {
        ks_time t;
        int ready;
    } want[] = {{10, 1}, {30, 0}, {40, 1}, {60, 0}, {80, 1}};
    int k = 0, last = 0;
    for (int i = 0; i < tr.n; i++) {
        if (tr.v[i].ready == last)
            continue;
        last = tr.v[i].ready;
        CU_ASSERT_FATAL(k < 5);
        CU_ASSERT_EQUAL(tr.v[i].t, want[k].t * S);
        CU_ASSERT_EQUAL(tr.v[i].ready, want[k].ready);
        if (tr.v[i].ready)
            CU_ASSERT_EQUAL(tr.v[i].ready_since, want[k].t * S);
        k++;
    }
    CU_ASSERT_EQUAL(k, 5);
    ks_store_unwatch(w.s, wt);
    teardown(&w);
}

/* A pod deleted while it waits in back-off: its pending events do nothing;
 * a crash-looping pod's status writes refused without quorum are retried
 * at the next status sync with the newest status. */
static void test_stale_events_and_retry(void)
{
    world w = setup_instant(3);
    uint64_t gone = pod_ex(&w, "gone", "n1", NULL, KS_TIME_NEVER,
                           KS_RESTART_ALWAYS, 5 * S);
    ks_engine_run(w.e, 12 * S); /* exits at 5 and 10; back-off until 20 */
    CU_ASSERT_EQUAL(body(&w, gone)->restarts, 1);
    CU_ASSERT_EQUAL(ks_store_delete(w.s, gone, KS_PROPAGATE_BACKGROUND), 0);
    uint64_t rev = ks_store_revision(w.s);
    ks_engine_run(w.e, 100 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, gone));
    /* Only Lease renewals wrote since. */
    CU_ASSERT_EQUAL(ks_store_revision(w.s) - rev, 9);

    /* At 100 s a pod starts and quorum is lost; the container crashes at
     * 107 (restarted at once) and 114 (back-off until 124); quorum is
     * back at 115.  The refused writes are retried at 110 (refused again)
     * and 120, which writes the newest status due: Running, restarts 1,
     * started 107, not ready.  The restart at 124 is written at once. */
    trace tr;
    uint64_t p = pod_ex(&w, "p", "n1", NULL, KS_TIME_NEVER, KS_RESTART_ALWAYS,
                        7 * S);
    ks_store_members_down(w.s, 2);
    int wt = watch_pod(&w, &tr, p);
    ks_engine_run(w.e, 115 * S);
    ks_store_members_down(w.s, -2);
    ks_engine_run(w.e, 119 * S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_PENDING);
    CU_ASSERT_EQUAL(body(&w, p)->started, -1);
    ks_engine_run(w.e, 121 * S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 1);
    CU_ASSERT_EQUAL(body(&w, p)->started, 107 * S);
    CU_ASSERT_FALSE(body(&w, p)->ready);
    ks_engine_run(w.e, 125 * S);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 2);
    CU_ASSERT_EQUAL(body(&w, p)->started, 124 * S);
    CU_ASSERT_TRUE(body(&w, p)->ready);
    CU_ASSERT_EQUAL_FATAL(tr.n, 3);
    CU_ASSERT_EQUAL(tr.v[0].t, 120 * S);
    CU_ASSERT_EQUAL(tr.v[1].t, 124 * S);
    CU_ASSERT_FALSE(tr.v[1].ready);
    CU_ASSERT_EQUAL(tr.v[2].t, 124 * S);
    CU_ASSERT_TRUE(tr.v[2].ready);
    ks_store_unwatch(w.s, wt);
    teardown(&w);
}

/* ---- event recording ---------------------------------------------------- */

typedef struct row {
    ks_pod_event_kind kind;
    ks_time t;
    const char *reason;
} row;

/* Pod a pulls app:1 (200 MB, 3 s) and crashes 5 s after each start (0.5 s
 * start latency): Pulling at 0, Pulled at 3, started 3.5, crash 8.5,
 * restarted 9, crash 14, BackOff (10 s), started 24.5, crash 29.5,
 * BackOff (20 s).  Pod b of the cached image later: Pulled "already
 * present on machine", no Pulling; only a's start counts as pulled. */
static void test_pod_events(void)
{
    ks_engine *e = ks_engine_create();
    ks_store *s = ks_store_create(e, NULL);
    ks_kinds_install(s);
    ks_podevents *log = ks_podevents_create(e, s);
    ks_kubelet_config cfg = pulling_config();
    cfg.events = log;
    world w = {e, s, ks_kubelet_create(e, s, "n1", &cfg)};
    pod_ex(&w, "a", "n1", "app:1", KS_TIME_NEVER, KS_RESTART_ALWAYS, 5 * S);
    ks_engine_run(e, 40 * S);
    pod(&w, "b", "n1", "app:1", KS_TIME_NEVER);
    ks_engine_run(e, 45 * S);

    const ks_time ms = KS_MILLISECOND;
    static const char *present = "already present on machine";
    const row want_a[] = {
        {KS_PE_CREATED, 0, ""},         {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_PULLING, 0, ""},         {KS_PE_PULLED, 3 * S, ""},
        {KS_PE_STARTED, 3500 * ms, ""}, {KS_PE_READY, 3500 * ms, ""},
        {KS_PE_NOT_READY, 8500 * ms, ""}, {KS_PE_STARTED, 9 * S, ""},
        {KS_PE_READY, 9 * S, ""},       {KS_PE_NOT_READY, 14 * S, ""},
        {KS_PE_BACK_OFF, 14 * S, "CrashLoopBackOff"},
        {KS_PE_STARTED, 24500 * ms, ""}, {KS_PE_READY, 24500 * ms, ""},
        {KS_PE_NOT_READY, 29500 * ms, ""},
        {KS_PE_BACK_OFF, 29500 * ms, "CrashLoopBackOff"}};
    const row want_b[] = {
        {KS_PE_CREATED, 40 * S, ""},  {KS_PE_SCHEDULED, 40 * S, ""},
        {KS_PE_PULLED, 40 * S, present}, {KS_PE_STARTED, 40500 * ms, ""},
        {KS_PE_READY, 40500 * ms, ""}};
    const ks_pod_event *rows = ks_podevents_rows(log);
    size_t n = ks_podevents_count(log), ka = 0, kb = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = ks_podevents_pod_name(log, rows[i].pod);
        const row *want;
        if (strcmp(name, "default/a") == 0) {
            CU_ASSERT_FATAL(ka < sizeof want_a / sizeof *want_a);
            want = &want_a[ka++];
        } else {
            CU_ASSERT_STRING_EQUAL_FATAL(name, "default/b");
            CU_ASSERT_FATAL(kb < sizeof want_b / sizeof *want_b);
            want = &want_b[kb++];
        }
        CU_ASSERT_EQUAL(rows[i].kind, want->kind);
        CU_ASSERT_EQUAL(rows[i].time, want->t);
        CU_ASSERT_STRING_EQUAL(ks_podevents_reason(log, rows[i].reason),
                               want->reason);
        if (rows[i].kind != KS_PE_CREATED)
            CU_ASSERT_STRING_EQUAL(ks_podevents_node_name(log, rows[i].node),
                                   "n1");
    }
    CU_ASSERT_EQUAL(ka, sizeof want_a / sizeof *want_a);
    CU_ASSERT_EQUAL(kb, sizeof want_b / sizeof *want_b);

    ks_time *lat;
    uint8_t *pulled;
    size_t np;
    ks_podevents_startup(log, &lat, &pulled, &np);
    CU_ASSERT_EQUAL_FATAL(np, 2);
    CU_ASSERT_EQUAL(lat[0], 3500 * ms);
    CU_ASSERT_TRUE(pulled[0]);
    CU_ASSERT_EQUAL(lat[1], 500 * ms);
    CU_ASSERT_FALSE(pulled[1]);
    free(lat);
    free(pulled);
    ks_kubelet_destroy(w.k);
    ks_podevents_destroy(log);
    ks_store_destroy(s);
    ks_engine_destroy(e);
}

/* ---- graceful termination and liveness ---------------------------------- */

/* A server pod (no image, Always) with grace 30 s and the given
 * termination and liveness behaviour. */
static uint64_t pod_tl(world *w, const char *name, ks_restart_policy policy,
                       int ignores_sigterm, int liveness,
                       ks_time unhealthy_after)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.run_time = KS_TIME_NEVER;
    t.restart_policy = policy;
    t.termination_grace_s = 30;
    t.ignores_sigterm = ignores_sigterm;
    t.liveness = liveness;
    t.unhealthy_after = unhealthy_after;
    ks_pod_body *b = ks_pod_body_new(&t);
    ks_object_spec spec = {KS_KIND_POD, NULL, name, NULL, NULL, 0, "n1", b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

/* A world with an instant kubelet (optionally a pod watch delay) and a
 * pod event log. */
static world setup_logged(ks_podevents **log, ks_time watch_delay)
{
    world w;
    w.e = ks_engine_create();
    w.s = ks_store_create(w.e, NULL);
    ks_kinds_install(w.s);
    *log = ks_podevents_create(w.e, w.s);
    ks_kubelet_config cfg = ks_kubelet_default_config();
    cfg.events = *log;
    cfg.watch_delay = watch_delay;
    w.k = ks_kubelet_create(w.e, w.s, "n1", &cfg);
    return w;
}

static void teardown_logged(world *w, ks_podevents *log)
{
    ks_kubelet_destroy(w->k);
    ks_podevents_destroy(log);
    ks_store_destroy(w->s);
    ks_engine_destroy(w->e);
}

/* Checks pod name's rows in the log against want[0..n). */
static void check_rows(ks_podevents *log, const char *name, const row *want,
                       size_t n)
{
    const ks_pod_event *rows = ks_podevents_rows(log);
    size_t k = 0;
    for (size_t i = 0; i < ks_podevents_count(log); i++) {
        if (strcmp(ks_podevents_pod_name(log, rows[i].pod), name))
            continue;
        CU_ASSERT_FATAL(k < n);
        CU_ASSERT_EQUAL(rows[i].kind, want[k].kind);
        CU_ASSERT_EQUAL(rows[i].time, want[k].t);
        CU_ASSERT_STRING_EQUAL(ks_podevents_reason(log, rows[i].reason),
                               want[k].reason);
        k++;
    }
    CU_ASSERT_EQUAL(k, n);
}

/* Deleted at 10 s with its 30 s: pod a exits on SIGTERM, so the kubelet's
 * Killing, the terminal status and the final delete (grace 0) all come
 * at 10 s; pod b ignores SIGTERM: Terminating and Running until SIGKILL at
 * 40 s, then deleted.  Pod c, deleted at 10 s with 30 s and again at 20 s
 * with 5 s, is killed at 25 s (Killing at 10 and 20). */
static void test_graceful_termination(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    uint64_t a = pod_tl(&w, "a", KS_RESTART_ALWAYS, 0, 0, 0);
    uint64_t b = pod_tl(&w, "b", KS_RESTART_ALWAYS, 1, 0, 0);
    uint64_t c = pod_tl(&w, "c", KS_RESTART_ALWAYS, 1, 0, 0);
    ks_engine_run(w.e, 10 * S);
    CU_ASSERT_TRUE(body(&w, a)->ready);
    for (uint64_t p = a; p <= c; p++)
        CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, p,
                                                 KS_PROPAGATE_BACKGROUND,
                                                 KS_GRACE_DEFAULT),
                        0);
    /* Terminating: still there with its deadline until the kubelet acts */
    const ks_object *o = ks_store_get(w.s, a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->deletion_time, 40 * S);
    CU_ASSERT_EQUAL(o->deletion_grace_s, 30);
    ks_engine_run(w.e, 10 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, a));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ks_store_get(w.s, b));
    CU_ASSERT_EQUAL(body(&w, b)->phase, KS_PHASE_RUNNING);
    ks_engine_run(w.e, 20 * S);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, c, KS_PROPAGATE_BACKGROUND,
                                             5),
                    0);
    CU_ASSERT_EQUAL(ks_store_get(w.s, c)->deletion_time, 15 * S);
    ks_engine_run(w.e, 25 * S - 1);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(w.s, c));
    ks_engine_run(w.e, 25 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, c));
    ks_engine_run(w.e, 40 * S - 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ks_store_get(w.s, b));
    CU_ASSERT_TRUE(ks_store_get(w.s, b)->deletion_time >= 0);
    CU_ASSERT_EQUAL(body(&w, b)->phase, KS_PHASE_RUNNING);
    ks_engine_run(w.e, 40 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, b));
    CU_ASSERT_EQUAL(ks_store_count(w.s, KS_KIND_POD), 0);
    /* The status written at the kill reached nobody (the pod was deleted
     * in the same instant): Killing, then Deleted. */
    const row want_a[] = {
        {KS_PE_CREATED, 0, ""},        {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},        {KS_PE_READY, 0, ""},
        {KS_PE_KILLING, 10 * S, ""},   {KS_PE_DELETED, 10 * S, ""}};
    check_rows(log, "default/a", want_a, 6);
    const row want_b[] = {
        {KS_PE_CREATED, 0, ""},        {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},        {KS_PE_READY, 0, ""},
        {KS_PE_KILLING, 10 * S, ""},   {KS_PE_DELETED, 40 * S, ""}};
    check_rows(log, "default/b", want_b, 6);
    const row want_c[] = {
        {KS_PE_CREATED, 0, ""},        {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},        {KS_PE_READY, 0, ""},
        {KS_PE_KILLING, 10 * S, ""},   {KS_PE_KILLING, 20 * S, ""},
        {KS_PE_DELETED, 25 * S, ""}};
    check_rows(log, "default/c", want_c, 7);
    teardown_logged(&w, log);
}

/* Pods with no container running end at once, without Killing: one in
 * CrashLoopBackOff, one deleted before the kubelet (watch delay 1 s) has
 * seen it (never started: no Started row).  A stopped kubelet confirms
 * nothing: its deleted pod stays Terminating. */
static void test_termination_without_container(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, S);
    uint64_t crash = pod_ex(&w, "crash", "n1", NULL, KS_TIME_NEVER,
                            KS_RESTART_ALWAYS, 5 * S);
    /* its spec as if created with the default grace period */
    ks_pod_body *cb = ks_store_body(w.s, crash);
    cb->spec.termination_grace_s = 30;
    /* seen at 1 s: crashes at 6 (restarted) and 11 (back-off until 21) */
    ks_engine_run(w.e, 15 * S);
    CU_ASSERT_EQUAL(body(&w, crash)->restarts, 1);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, crash,
                                             KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    uint64_t late = pod_tl(&w, "late", KS_RESTART_ALWAYS, 0, 0, 0);
    ks_engine_run(w.e, 15 * S + 500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, late,
                                             KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    ks_engine_run(w.e, 16 * S - 1);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(w.s, crash));
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(w.s, late));
    ks_engine_run(w.e, 16 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, crash));
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, late));
    const row want_late[] = {{KS_PE_CREATED, 15 * S, ""},
                             {KS_PE_SCHEDULED, 15 * S, ""},
                             {KS_PE_DELETED, 16 * S, ""}};
    check_rows(log, "default/late", want_late, 3);
    const ks_pod_event *rows = ks_podevents_rows(log);
    for (size_t i = 0; i < ks_podevents_count(log); i++)
        CU_ASSERT_NOT_EQUAL(rows[i].kind, KS_PE_KILLING);

    uint64_t p = pod_tl(&w, "p", KS_RESTART_ALWAYS, 0, 0, 0);
    ks_engine_run(w.e, 30 * S);
    CU_ASSERT_TRUE(body(&w, p)->ready);
    ks_kubelet_stop(w.k);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, p, KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    ks_engine_run(w.e, 1000 * S);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ks_store_get(w.s, p));
    CU_ASSERT_EQUAL(ks_store_get(w.s, p)->deletion_time, 60 * S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    teardown_logged(&w, log);
}

/* The application hangs 60 s after each start; default probes (period
 * 10 s, timeout 1 s, failureThreshold 3) at start + 0, 10, ...: those of
 * 60, 70 and 80 s time out 1 s later, so at 81 s the pod is not Ready and
 * its container is killed (Killing "Unhealthy"); it exits on SIGTERM and
 * restarts at once (restart count 1), is Ready at once, hangs at 141 s,
 * is killed at 162 s and restarts after the 10 s back-off, at 172 s. */
static void test_liveness_kill(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    uint64_t p = pod_tl(&w, "p", KS_RESTART_ALWAYS, 0, 1, 60 * S);
    uint64_t healthy = pod_tl(&w, "healthy", KS_RESTART_ALWAYS, 0, 1,
                              KS_TIME_NEVER);
    ks_engine_run(w.e, 81 * S - 1);
    CU_ASSERT_TRUE(body(&w, p)->ready);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 0);
    ks_engine_run(w.e, 81 * S);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 1);
    CU_ASSERT_EQUAL(body(&w, p)->started, 81 * S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    ks_engine_run(w.e, 200 * S);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 2);
    CU_ASSERT_EQUAL(body(&w, p)->started, 172 * S);
    CU_ASSERT_EQUAL(body(&w, healthy)->restarts, 0);
    const row want[] = {
        {KS_PE_CREATED, 0, ""},
        {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},
        {KS_PE_READY, 0, ""},
        {KS_PE_KILLING, 81 * S, "Unhealthy"},
        {KS_PE_NOT_READY, 81 * S, ""},
        {KS_PE_STARTED, 81 * S, ""},
        {KS_PE_READY, 81 * S, ""},
        {KS_PE_KILLING, 162 * S, "Unhealthy"},
        {KS_PE_NOT_READY, 162 * S, ""},
        {KS_PE_BACK_OFF, 162 * S, "CrashLoopBackOff"},
        {KS_PE_STARTED, 172 * S, ""},
        {KS_PE_READY, 172 * S, ""}};
    check_rows(log, "default/p", want, sizeof want / sizeof *want);
    teardown_logged(&w, log);
}

/* Liveness kills with the pod's grace period: ignoring SIGTERM, the
 * container killed at 81 s runs until SIGKILL at 111 s (Ready until its
 * readiness probe fails, at 81 s too), then restarts (Always), or, under
 * Never, ends the pod: Failed after SIGKILL (137), Succeeded after an
 * exit on SIGTERM (0).  A pod deleted while its killed container waits
 * for SIGKILL keeps the earlier end and is deleted then. */
static void test_liveness_grace_and_policies(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    uint64_t slow = pod_tl(&w, "slow", KS_RESTART_ALWAYS, 1, 1, 60 * S);
    uint64_t nv_kill = pod_tl(&w, "nv-kill", KS_RESTART_NEVER, 1, 1, 60 * S);
    uint64_t nv_term = pod_tl(&w, "nv-term", KS_RESTART_NEVER, 0, 1, 60 * S);
    uint64_t del = pod_tl(&w, "del", KS_RESTART_ALWAYS, 1, 1, 60 * S);
    ks_engine_run(w.e, 90 * S);
    CU_ASSERT_FALSE(body(&w, slow)->ready);
    CU_ASSERT_EQUAL(body(&w, slow)->restarts, 0);
    CU_ASSERT_EQUAL(body(&w, nv_term)->phase, KS_PHASE_SUCCEEDED);
    CU_ASSERT_EQUAL(body(&w, nv_kill)->phase, KS_PHASE_RUNNING);
    /* deleted at 90 s with 30 s: SIGKILL stays at 111 s */
    CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, del,
                                             KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    ks_engine_run(w.e, 111 * S - 1);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(w.s, del));
    ks_engine_run(w.e, 111 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, del));
    CU_ASSERT_EQUAL(body(&w, slow)->restarts, 1);
    CU_ASSERT_EQUAL(body(&w, slow)->started, 111 * S);
    CU_ASSERT_EQUAL(body(&w, nv_kill)->phase, KS_PHASE_FAILED);
    CU_ASSERT_EQUAL(body(&w, nv_kill)->restarts, 0);
    const row want_slow[] = {
        {KS_PE_CREATED, 0, ""},
        {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},
        {KS_PE_READY, 0, ""},
        {KS_PE_KILLING, 81 * S, "Unhealthy"},
        {KS_PE_NOT_READY, 81 * S, ""},
        {KS_PE_STARTED, 111 * S, ""},
        {KS_PE_READY, 111 * S, ""}};
    check_rows(log, "default/slow", want_slow, 8);
    const row want_del[] = {
        {KS_PE_CREATED, 0, ""},
        {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},
        {KS_PE_READY, 0, ""},
        {KS_PE_KILLING, 81 * S, "Unhealthy"},
        {KS_PE_NOT_READY, 81 * S, ""},
        {KS_PE_DELETED, 111 * S, ""}};
    check_rows(log, "default/del", want_del, 7);
    teardown_logged(&w, log);
}

void ks_suite_kubelet(void)
{
    static const ks_test_case cases[] = {
        {"pull, start, ready, end", test_pod_pipeline},
        {"Lease renewals and a stopped kubelet", test_lease_and_stop},
        {"status retried without quorum", test_status_retry_without_quorum},
        {"CrashLoopBackOff: 0, 10, 20, ... 300 s", test_crashloop_backoff},
        {"CrashLoopBackOff reset after 600 s", test_crashloop_reset},
        {"restart policies", test_restart_policies},
        {"readiness across restarts", test_readiness_across_restarts},
        {"stale events, retried writes in a crash loop",
         test_stale_events_and_retry},
        {"Pulling, Pulled, BackOff in the pod event log", test_pod_events},
        {"graceful termination: Killing, SIGTERM or SIGKILL, final delete",
         test_graceful_termination},
        {"termination with no container running; a stopped kubelet",
         test_termination_without_container},
        {"liveness kill at 81 s and restart", test_liveness_kill},
        {"liveness kill: grace period, restart policies, deletion",
         test_liveness_grace_and_policies},
        {NULL, NULL}};
    ks_test_add_suite("sim/kubelet", cases);
}
