/* test_kubelet.c - a node's kubelet on the store: image pulls through the
 * node's queue, start, readiness, end, Lease renewals, a stopped kubelet,
 * status writes retried without etcd quorum; container exits under each
 * restartPolicy, CrashLoopBackOff timing and reset, readiness across
 * restarts, the Pulling/Pulled/BackOff rows of a pod event log; graceful
 * termination (Killing, SIGTERM or SIGKILL after the grace period, the
 * final delete) and liveness kills; admission against the node's
 * allocatable (OutOfcpu, OutOfmemory, OutOfpods, extended resources,
 * NoExecute taints), OOM kills under CrashLoopBackOff, node-pressure
 * eviction (ranking, one pod per pass, MemoryPressure and its taint). */
#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/podevents.h"
#include "sim/store.h"
#include "sim/xalloc.h"
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

/* ---- admission ---------------------------------------------------------- */

/* Node name with allocatable cpu (millicores), memory and pods; further
 * resources through *extra (may be NULL). */
static uint64_t node_ex(world *w, const char *name, int64_t cpu, int64_t mem,
                        int64_t pods, void (*extra)(ks_node_body *))
{
    ks_node_body *b = ks_xcalloc(1, sizeof *b);
    b->allocatable[KS_RES_CPU] = cpu;
    b->allocatable[KS_RES_MEMORY] = mem;
    b->allocatable[KS_RES_PODS] = pods;
    b->ready = KS_READY_TRUE;
    if (extra)
        extra(b);
    ks_object_spec spec = {KS_KIND_NODE, NULL, name, NULL, NULL, 0, NULL, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

/* The pod spec the admission and memory tests vary: a server (Always, no
 * image) with no requests. */
static ks_pod_template plain_template(void)
{
    ks_pod_template t = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t.requests[r] = -1;
    t.run_time = KS_TIME_NEVER;
    t.crash_after = KS_TIME_NEVER;
    t.unhealthy_after = KS_TIME_NEVER;
    return t;
}

static uint64_t create_pod(world *w, const char *name, const char *node,
                           const ks_pod_template *t)
{
    ks_object_spec spec = {KS_KIND_POD, NULL, name, NULL, NULL, 0, node,
                           ks_pod_body_new(t)};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(w->s, &spec, &uid), 0);
    return uid;
}

/* A pod requesting cpu millicores and mem bytes (-1: none) that runs
 * for run (exit 0, OnFailure) or for ever. */
static uint64_t pod_req(world *w, const char *name, int64_t cpu, int64_t mem,
                        ks_time run)
{
    ks_pod_template t = plain_template();
    t.requests[KS_RES_CPU] = cpu;
    t.requests[KS_RES_MEMORY] = mem;
    t.run_time = run;
    t.restart_policy = KS_RESTART_ON_FAILURE;
    return create_pod(w, name, "n1", &t);
}

static const char *reason_of(world *w, uint64_t uid)
{
    const ks_pod_body *b = body(w, uid);
    return b && b->reason ? b->reason : "";
}

/* Node n1: 1000m, 1Gi, 3 pods.  a (600m) runs and ends at 30 s; b (600m)
 * is rejected OutOfcpu, c (400m: what is left exactly) runs, d (2Gi)
 * OutOfmemory, e (nothing) runs as the third pod, f OutOfpods.  At 40 s
 * a's room is free: g (600m) runs; h (5 CPUs) is OutOfpods, the pods
 * check coming first.  A rejected pod is Failed at once with the reason,
 * never started: Created, Scheduled, Failed rows. */
static void test_admission(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    node_ex(&w, "n1", 1000, 1LL << 30, 3, NULL);
    uint64_t a = pod_req(&w, "a", 600, -1, 30 * S);
    uint64_t b = pod_req(&w, "b", 600, -1, KS_TIME_NEVER);
    uint64_t c = pod_req(&w, "c", 400, -1, KS_TIME_NEVER);
    uint64_t d = pod_req(&w, "d", -1, 2LL << 30, KS_TIME_NEVER);
    uint64_t e = pod_req(&w, "e", -1, -1, KS_TIME_NEVER);
    uint64_t f = pod_req(&w, "f", -1, -1, KS_TIME_NEVER);
    ks_engine_run(w.e, 10 * S);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, c)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, e)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, b)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, b), "OutOfcpu");
    CU_ASSERT_EQUAL(body(&w, b)->started, -1);
    CU_ASSERT_EQUAL(body(&w, d)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, d), "OutOfmemory");
    CU_ASSERT_EQUAL(body(&w, f)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, f), "OutOfpods");
    CU_ASSERT_STRING_EQUAL(reason_of(&w, a), "");
    ks_engine_run(w.e, 40 * S);
    CU_ASSERT_EQUAL(body(&w, a)->phase, KS_PHASE_SUCCEEDED);
    uint64_t g = pod_req(&w, "g", 600, -1, KS_TIME_NEVER);
    uint64_t h = pod_req(&w, "h", 5000, -1, KS_TIME_NEVER);
    ks_engine_run(w.e, 50 * S);
    CU_ASSERT_EQUAL(body(&w, g)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, g)->started, 40 * S);
    CU_ASSERT_EQUAL(body(&w, h)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, h), "OutOfpods");
    const row want_b[] = {{KS_PE_CREATED, 0, ""},
                          {KS_PE_SCHEDULED, 0, ""},
                          {KS_PE_FAILED, 0, "OutOfcpu"}};
    check_rows(log, "default/b", want_b, 3);
    const row want_h[] = {{KS_PE_CREATED, 40 * S, ""},
                          {KS_PE_SCHEDULED, 40 * S, ""},
                          {KS_PE_FAILED, 40 * S, "OutOfpods"}};
    check_rows(log, "default/h", want_h, 3);
    /* a rejected pod deleted later goes at once */
    CU_ASSERT_EQUAL(ks_store_delete_graceful(w.s, b, KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    ks_engine_run(w.e, 51 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(w.s, b));
    teardown_logged(&w, log);
}

static void dongle_node(ks_node_body *b)
{
    b->allocatable[ks_resource_intern("example.com/dongle")] = 1;
    ks_node_body_add_taint(b, "dedicated", KS_EFFECT_NO_EXECUTE, 0);
}

/* Extended resources and taints: on n1, which has one example.com/dongle
 * and a dedicated:NoExecute taint, a pod asking for two dongles is
 * OutOfexample.com/dongle (resources are checked before taints); one
 * asking for a resource the node does not have at all is admitted (it is
 * dropped: removeMissingExtendedResources) when it tolerates the taint;
 * one that does not is refused "TaintToleration".  A Node object with no
 * allocatable at all is not checked. */
static void test_admission_extended_and_taints(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    node_ex(&w, "n1", 1000, 1LL << 30, 10, dongle_node);
    int dongle = ks_resource_intern("example.com/dongle");
    int absent = ks_resource_intern("example.com/absent");
    CU_ASSERT_FATAL(dongle >= KS_RES_BUILTIN && absent >= KS_RES_BUILTIN);
    ks_toleration tol = {(char *)"dedicated", KS_TOLERATION_EXISTS, NULL,
                         KS_EFFECT_NO_EXECUTE, 0, 0};
    ks_pod_template t = plain_template();
    t.requests[dongle] = 2;
    t.tolerations = &tol;
    t.ntolerations = 1;
    uint64_t two = create_pod(&w, "two", "n1", &t);
    t.requests[dongle] = -1;
    t.requests[absent] = 5;
    uint64_t abs = create_pod(&w, "absent", "n1", &t);
    t.tolerations = NULL;
    t.ntolerations = 0;
    uint64_t intol = create_pod(&w, "intolerant", "n1", &t);
    ks_engine_run(w.e, S);
    CU_ASSERT_EQUAL(body(&w, two)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, two), "OutOfexample.com/dongle");
    CU_ASSERT_EQUAL(body(&w, abs)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, intol)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, intol), "TaintToleration");
    teardown_logged(&w, log);

    /* a node that reports nothing: every pod runs */
    w = setup_instant(1);
    ks_object_spec ns = {KS_KIND_NODE, NULL, "n1", NULL, NULL, 0, NULL,
                         ks_xcalloc(1, sizeof(ks_node_body))};
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(w.s, &ns, NULL), 0);
    uint64_t p = pod_req(&w, "p", 600, 1LL << 30, KS_TIME_NEVER);
    ks_engine_run(w.e, S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    teardown(&w);
}

/* ---- memory: OOM kills -------------------------------------------------- */

#define MI (1LL << 20)

/* A server with a memory limit and usage model. */
static uint64_t pod_mem(world *w, const char *name, ks_restart_policy policy,
                        int64_t limit, int64_t usage, int64_t leak)
{
    ks_pod_template t = plain_template();
    t.restart_policy = policy;
    t.memory_limit = limit;
    t.memory_usage = usage;
    t.memory_leak = leak;
    return create_pod(w, name, "n1", &t);
}

/* Limit 200Mi, 100Mi at each start growing 10Mi/s: the cgroup's OOM
 * killer ends the container 10 s after each start (exit 137).  Always:
 * restarted at once (10 s), killed at 20, back-off 10 s (started 30),
 * killed at 40, back-off 20 s (60), 70, back-off 40 s (110), 120.  Never:
 * Failed at 10 s.  Without a limit the container only grows. */
static void test_oom_kill(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    trace tr;
    uint64_t p = pod_mem(&w, "leak", KS_RESTART_ALWAYS, 200 * MI, 100 * MI,
                         10 * MI);
    int wt = watch_pod(&w, &tr, p);
    uint64_t nv = pod_mem(&w, "never", KS_RESTART_NEVER, 200 * MI, 100 * MI,
                          10 * MI);
    uint64_t nl = pod_mem(&w, "nolimit", KS_RESTART_ALWAYS, 0, 100 * MI,
                          10 * MI);
    ks_engine_run(w.e, 10 * S - 1);
    CU_ASSERT_EQUAL(body(&w, p)->restarts, 0);
    ks_engine_run(w.e, 125 * S);
    static const ks_time want_starts[] = {0, 10, 30, 60, 110};
    ks_time starts[16];
    int n = starts_of(&tr, starts, 16);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(starts[i], want_starts[i] * S);
    CU_ASSERT_EQUAL(body(&w, p)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_FALSE(body(&w, p)->ready); /* back-off until 200 s */
    CU_ASSERT_EQUAL(body(&w, nv)->phase, KS_PHASE_FAILED);
    CU_ASSERT_EQUAL(body(&w, nv)->restarts, 0);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, nv), "");
    CU_ASSERT_EQUAL(body(&w, nl)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, nl)->restarts, 0);
    const char *oom = "OOMKilled", *clb = "CrashLoopBackOff";
    const row want[] = {
        {KS_PE_CREATED, 0, ""},         {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},         {KS_PE_READY, 0, ""},
        {KS_PE_OOM_KILLED, 10 * S, oom}, {KS_PE_NOT_READY, 10 * S, ""},
        {KS_PE_STARTED, 10 * S, ""},    {KS_PE_READY, 10 * S, ""},
        {KS_PE_OOM_KILLED, 20 * S, oom}, {KS_PE_NOT_READY, 20 * S, ""},
        {KS_PE_BACK_OFF, 20 * S, clb},  {KS_PE_STARTED, 30 * S, ""},
        {KS_PE_READY, 30 * S, ""},      {KS_PE_OOM_KILLED, 40 * S, oom},
        {KS_PE_NOT_READY, 40 * S, ""},  {KS_PE_BACK_OFF, 40 * S, clb},
        {KS_PE_STARTED, 60 * S, ""},    {KS_PE_READY, 60 * S, ""},
        {KS_PE_OOM_KILLED, 70 * S, oom}, {KS_PE_NOT_READY, 70 * S, ""},
        {KS_PE_BACK_OFF, 70 * S, clb},  {KS_PE_STARTED, 110 * S, ""},
        {KS_PE_READY, 110 * S, ""},     {KS_PE_OOM_KILLED, 120 * S, oom},
        {KS_PE_NOT_READY, 120 * S, ""}, {KS_PE_BACK_OFF, 120 * S, clb}};
    check_rows(log, "default/leak", want, sizeof want / sizeof *want);
    const row want_nv[] = {
        {KS_PE_CREATED, 0, ""},         {KS_PE_SCHEDULED, 0, ""},
        {KS_PE_STARTED, 0, ""},         {KS_PE_READY, 0, ""},
        {KS_PE_OOM_KILLED, 10 * S, oom}, {KS_PE_NOT_READY, 10 * S, ""},
        {KS_PE_FAILED, 10 * S, ""}};
    check_rows(log, "default/never", want_nv, 7);
    ks_store_unwatch(w.s, wt);
    teardown_logged(&w, log);
}

/* The memory fields are part of a template's identity (a change is a
 * rollout). */
static void test_memory_template_identity(void)
{
    ks_pod_template a = plain_template(), b;
    for (int field = 0; field < 3; field++) {
        b = a;
        switch (field) {
        case 0: b.memory_limit = MI; break;
        case 1: b.memory_usage = MI; break;
        case 2: b.memory_leak = MI; break;
        }
        CU_ASSERT_FALSE(ks_pod_template_equal(&a, &b, NULL));
        CU_ASSERT_NOT_EQUAL(ks_pod_template_hash(&a, NULL),
                            ks_pod_template_hash(&b, NULL));
        ks_pod_template c;
        ks_pod_template_copy(&c, &b);
        CU_ASSERT_TRUE(ks_pod_template_equal(&b, &c, NULL));
        ks_pod_template_free(&c);
    }
}

/* ---- node-pressure eviction --------------------------------------------- */

/* A pod with a memory request (-1: none), usage model and priority. */
static uint64_t pod_usage(world *w, const char *name, int64_t request,
                          int64_t limit, int64_t usage, int64_t leak,
                          int32_t priority)
{
    ks_pod_template t = plain_template();
    t.requests[KS_RES_MEMORY] = request;
    t.memory_limit = limit;
    t.memory_usage = usage;
    t.memory_leak = leak;
    t.priority = priority;
    t.termination_grace_s = 30;
    return create_pod(w, name, "n1", &t);
}

static int has_taint(const ks_node_body *nb, const char *key,
                     ks_taint_effect effect)
{
    for (size_t i = 0; i < nb->ntaints; i++)
        if (!strcmp(nb->taints[i].key, key) && nb->taints[i].effect == effect)
            return 1;
    return 0;
}

/* Node n1 has 1Gi allocatable: capacity 1Gi + 100Mi, so memory.available
 * < 100Mi once the pods use more than 1Gi.  A Guaranteed pod (512Mi
 * request = limit = usage), a Burstable one under its 256Mi request
 * (128Mi) and a BestEffort one from 100Mi growing 10Mi/s: 740Mi at 0,
 * 1040Mi at 30 s, the pass that evicts the BestEffort pod (it exceeds its
 * request; the others do not, though the Guaranteed one uses more):
 * Evicted, Killing, Failed with reason Evicted, the object kept.  The
 * node has MemoryPressure and the memory-pressure NoSchedule taint from
 * 30 s until the first pass 5 min after the last pressure seen (331 s);
 * meanwhile a BestEffort pod is refused (reason Evicted) and a
 * Burstable one admitted; after it, a BestEffort pod runs. */
static void test_eviction_memory_pressure(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    uint64_t n1 = node_ex(&w, "n1", 4000, 1LL << 30, 110, NULL);
    uint64_t g = pod_usage(&w, "guaranteed", 512 * MI, 512 * MI, 512 * MI, 0,
                           0);
    uint64_t bu = pod_usage(&w, "burstable", 256 * MI, 0, 128 * MI, 0, 0);
    uint64_t be = pod_usage(&w, "besteffort", -1, 0, 100 * MI, 10 * MI, 0);
    ks_engine_run(w.e, 30 * S - 1);
    CU_ASSERT_EQUAL(body(&w, be)->phase, KS_PHASE_RUNNING);
    const ks_node_body *nb = ks_store_get(w.s, n1)->body;
    CU_ASSERT_FALSE(nb->memory_pressure);
    CU_ASSERT_EQUAL(nb->ntaints, 0);
    ks_engine_run(w.e, 30 * S);
    CU_ASSERT_EQUAL(body(&w, be)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, be), "Evicted");
    CU_ASSERT_EQUAL(body(&w, g)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, bu)->phase, KS_PHASE_RUNNING);
    nb = ks_store_get(w.s, n1)->body;
    CU_ASSERT_TRUE(nb->memory_pressure);
    CU_ASSERT_TRUE(has_taint(nb, "node.kubernetes.io/memory-pressure",
                             KS_EFFECT_NO_SCHEDULE));
    const row want_be[] = {{KS_PE_CREATED, 0, ""},
                           {KS_PE_SCHEDULED, 0, ""},
                           {KS_PE_STARTED, 0, ""},
                           {KS_PE_READY, 0, ""},
                           {KS_PE_EVICTED, 30 * S, "Evicted"},
                           {KS_PE_KILLING, 30 * S, ""},
                           {KS_PE_NOT_READY, 30 * S, ""},
                           {KS_PE_FAILED, 30 * S, "Evicted"}};
    check_rows(log, "default/besteffort", want_be, 8);

    ks_engine_run(w.e, 100 * S);
    uint64_t late_be = pod_usage(&w, "late-be", -1, 0, 0, 0, 0);
    uint64_t late_bu = pod_usage(&w, "late-bu", MI, 0, 0, 0, 0);
    ks_engine_run(w.e, 331 * S - 1);
    CU_ASSERT_EQUAL(body(&w, late_be)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, late_be), "Evicted");
    CU_ASSERT_EQUAL(body(&w, late_bu)->phase, KS_PHASE_RUNNING);
    nb = ks_store_get(w.s, n1)->body;
    CU_ASSERT_TRUE(nb->memory_pressure);
    ks_engine_run(w.e, 331 * S);
    nb = ks_store_get(w.s, n1)->body;
    CU_ASSERT_FALSE(nb->memory_pressure);
    CU_ASSERT_EQUAL(nb->ntaints, 0);
    uint64_t after = pod_usage(&w, "after", -1, 0, 0, 0, 0);
    ks_engine_run(w.e, 340 * S);
    CU_ASSERT_EQUAL(body(&w, after)->phase, KS_PHASE_RUNNING);
    /* the evicted pod stays, Failed, never restarted */
    CU_ASSERT_EQUAL(body(&w, be)->phase, KS_PHASE_FAILED);
    CU_ASSERT_EQUAL(body(&w, be)->restarts, 0);
    teardown_logged(&w, log);
}

/* Ranking (rankMemoryPressure) and one eviction per pass: from 5 s, hi
 * (priority 1000, 700Mi), lo-small (300Mi), lo-big (400Mi, ignores
 * SIGTERM) and a critical pod (50Mi), none with a request: 1450Mi on
 * 1Gi.  The pass at 10 s evicts lo-big (lowest priority, most above its
 * request), killed with the 1 s grace period (SIGKILL at 11 s although its
 * own is 30 s); the cleanup poll at 11 s finds it gone and the pass
 * evicts lo-small (1050Mi left); at 12 s 750Mi: no more.  hi, using most,
 * and the critical pod stay. */
static void test_eviction_ranking(void)
{
    ks_podevents *log;
    world w = setup_logged(&log, 0);
    node_ex(&w, "n1", 4000, 1LL << 30, 110, NULL);
    ks_engine_run(w.e, 5 * S);
    uint64_t hi = pod_usage(&w, "hi", -1, 0, 700 * MI, 0, 1000);
    uint64_t small = pod_usage(&w, "lo-small", -1, 0, 300 * MI, 0, 0);
    ks_pod_template t = plain_template();
    t.memory_usage = 400 * MI;
    t.termination_grace_s = 30;
    t.ignores_sigterm = 1;
    uint64_t big = create_pod(&w, "lo-big", "n1", &t);
    uint64_t crit = pod_usage(&w, "crit", -1, 0, 50 * MI, 0, 2000000000);
    ks_engine_run(w.e, 100 * S);
    CU_ASSERT_EQUAL(body(&w, big)->phase, KS_PHASE_FAILED);
    CU_ASSERT_EQUAL(body(&w, small)->phase, KS_PHASE_FAILED);
    CU_ASSERT_STRING_EQUAL(reason_of(&w, small), "Evicted");
    CU_ASSERT_EQUAL(body(&w, hi)->phase, KS_PHASE_RUNNING);
    CU_ASSERT_EQUAL(body(&w, crit)->phase, KS_PHASE_RUNNING);
    const row want_big[] = {{KS_PE_CREATED, 5 * S, ""},
                            {KS_PE_SCHEDULED, 5 * S, ""},
                            {KS_PE_STARTED, 5 * S, ""},
                            {KS_PE_READY, 5 * S, ""},
                            {KS_PE_EVICTED, 10 * S, "Evicted"},
                            {KS_PE_KILLING, 10 * S, ""},
                            {KS_PE_NOT_READY, 10 * S, ""},
                            {KS_PE_FAILED, 10 * S, "Evicted"}};
    check_rows(log, "default/lo-big", want_big, 8);
    const row want_small[] = {{KS_PE_CREATED, 5 * S, ""},
                              {KS_PE_SCHEDULED, 5 * S, ""},
                              {KS_PE_STARTED, 5 * S, ""},
                              {KS_PE_READY, 5 * S, ""},
                              {KS_PE_EVICTED, 11 * S, "Evicted"},
                              {KS_PE_KILLING, 11 * S, ""},
                              {KS_PE_NOT_READY, 11 * S, ""},
                              {KS_PE_FAILED, 11 * S, "Evicted"}};
    check_rows(log, "default/lo-small", want_small, 8);
    const ks_pod_event *rows = ks_podevents_rows(log);
    int evictions = 0;
    for (size_t i = 0; i < ks_podevents_count(log); i++)
        evictions += rows[i].kind == KS_PE_EVICTED;
    CU_ASSERT_EQUAL(evictions, 2);
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
        {"admission: OutOfcpu, OutOfmemory, OutOfpods, room freed",
         test_admission},
        {"admission: extended resources, NoExecute taints, no status",
         test_admission_extended_and_taints},
        {"OOM kills at the memory limit under CrashLoopBackOff",
         test_oom_kill},
        {"memory fields in the template identity",
         test_memory_template_identity},
        {"node-pressure eviction: MemoryPressure, taint, admission",
         test_eviction_memory_pressure},
        {"node-pressure eviction: ranking, one pod per pass",
         test_eviction_ranking},
        {NULL, NULL}};
    ks_test_add_suite("sim/kubelet", cases);
}
