/* job_controller.c - the Job controller on the store (see job_controller.h).
 *
 * Upstream re-implemented (kubernetes/kubernetes,
 * pkg/controller/job/job_controller.go, the copy read at 6ae037f1 for
 * job.c): addPod / updatePod / deletePod (controller-owner resolution,
 * expectations observed, enqueueSyncJobBatched; deletePod skips finished
 * Jobs), addJob / deleteJob (enqueueSyncJobImmediately), updateJob
 * (immediate on a generation change, else batched), enqueueSyncJobInternal
 * (queue.AddAfter: the earliest pending time wins), processNextWorkItem
 * (Forget on success, AddRateLimited on error), syncJob's pod listing and
 * status write around the decisions of job.c (manageJob, slowStartBatch,
 * activePodsForRemoval with controller.ActivePods order).
 */
#include "sim/controllers/job_controller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/ratelimit.h"
#include "sim/controllers/replicaset.h"
#include "sim/kinds.h"
#include "sim/workqueue.h"
#include "sim/xalloc.h"

/* A pod that left the store before the Job counted it. */
typedef struct gone_pod {
    ks_time at;
    bool failed;
} gone_pod;

typedef struct job_state {
    uint64_t uid;
    uint64_t generation;  /* last seen by the Job informer */
    ks_time waiting_at;   /* earliest delayed add, KS_TIME_NEVER if none */
    ks_job_status st;
    ks_expectations e;
    gone_pod *gone;
    size_t ngone, cap_gone;
} job_state;

/* The informer's view of one pod of a Job. */
typedef struct pod_entry {
    uint64_t uid, job;
    ks_time finished_at; /* first observed terminal, KS_TIME_NEVER */
    bool succeeded;      /* the terminal phase was Succeeded */
    bool counted;        /* already in the Job's succeeded / failed */
} pod_entry;

struct ks_job_controller {
    ks_engine *engine;
    ks_store *store;
    ks_job_controller_config cfg;
    ks_workqueue *queue;
    ks_token_bucket bucket;
    int watch_job, watch_pod;
    ks_event_id worker_ev;
    ks_time worker_at; /* KS_TIME_NEVER when no worker event is pending */
    /* The workers wait for the client's rate limiter until then (client-go
     * blocks them in the limiter's Wait): a throttled sync holds the queue
     * instead of every queued key failing for a token. */
    ks_time blocked_until;
    job_state **jobs;  /* sorted by uid; pointers stay valid */
    size_t njobs, cap_jobs;
    pod_entry *pods;   /* sorted by uid */
    size_t npods, cap_pods;
    uint64_t name_counter;
    ks_job_sync_hook hook;
    void *hook_ctx;
    ks_job_controller_stats stats;
};

/* ---- sorted maps -------------------------------------------------------- */

static size_t job_find(const ks_job_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->njobs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->jobs[mid]->uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static job_state *job_get(const ks_job_controller *c, uint64_t uid)
{
    size_t i = job_find(c, uid);
    return i < c->njobs && c->jobs[i]->uid == uid ? c->jobs[i] : NULL;
}

static job_state *job_state_of(ks_job_controller *c, uint64_t uid)
{
    size_t i = job_find(c, uid);
    if (i < c->njobs && c->jobs[i]->uid == uid)
        return c->jobs[i];
    job_state *js = ks_xcalloc(1, sizeof *js);
    js->uid = uid;
    js->waiting_at = KS_TIME_NEVER;
    ks_job_status_init(&js->st);
    c->jobs = ks_xgrow(c->jobs, &c->cap_jobs, c->njobs + 1, sizeof *c->jobs);
    memmove(&c->jobs[i + 1], &c->jobs[i], (c->njobs - i) * sizeof *c->jobs);
    c->jobs[i] = js;
    c->njobs++;
    return js;
}

static void job_state_free(job_state *js)
{
    ks_expectations_clear(&js->e);
    free(js->gone);
    free(js);
}

/* The Job is gone: forget its state (DeleteExpectations and more). */
static void job_drop(ks_job_controller *c, uint64_t uid)
{
    size_t i = job_find(c, uid);
    if (i >= c->njobs || c->jobs[i]->uid != uid)
        return;
    job_state_free(c->jobs[i]);
    memmove(&c->jobs[i], &c->jobs[i + 1],
            (c->njobs - i - 1) * sizeof *c->jobs);
    c->njobs--;
}

static size_t pod_find(const ks_job_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->npods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->pods[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The entry of pod uid, created for Job job when missing. */
static pod_entry *pod_of(ks_job_controller *c, uint64_t uid, uint64_t job)
{
    size_t i = pod_find(c, uid);
    if (i < c->npods && c->pods[i].uid == uid) {
        c->pods[i].job = job;
        return &c->pods[i];
    }
    c->pods = ks_xgrow(c->pods, &c->cap_pods, c->npods + 1, sizeof *c->pods);
    memmove(&c->pods[i + 1], &c->pods[i], (c->npods - i) * sizeof *c->pods);
    c->pods[i] = (pod_entry){uid, job, KS_TIME_NEVER, false, false};
    c->npods++;
    return &c->pods[i];
}

/* Removes pod uid's entry into *out; returns 0 if it was unknown. */
static int pod_take(ks_job_controller *c, uint64_t uid, pod_entry *out)
{
    size_t i = pod_find(c, uid);
    if (i >= c->npods || c->pods[i].uid != uid)
        return 0;
    *out = c->pods[i];
    memmove(&c->pods[i], &c->pods[i + 1],
            (c->npods - i - 1) * sizeof *c->pods);
    c->npods--;
    return 1;
}

/* ---- queue and worker --------------------------------------------------- */

static void on_worker(ks_engine *e, void *ctx, uint64_t arg);

static ks_time next_waiting(const ks_job_controller *c)
{
    ks_time t = KS_TIME_NEVER;
    for (size_t i = 0; i < c->njobs; i++)
        if (c->jobs[i]->waiting_at < t)
            t = c->jobs[i]->waiting_at;
    return t;
}

/* Makes sure a worker event is pending for the earliest due key. */
static void kick(ks_job_controller *c)
{
    ks_time now = ks_engine_now(c->engine);
    ks_time at = KS_TIME_NEVER;
    if (ks_workqueue_len(c->queue)) {
        at = now;
    } else {
        at = ks_workqueue_next_ready(c->queue);
        ks_time w = next_waiting(c);
        if (w < at)
            at = w;
    }
    if (at == KS_TIME_NEVER)
        return;
    if (at < c->blocked_until)
        at = c->blocked_until;
    if (at < now)
        at = now;
    if (at >= c->worker_at)
        return;
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    c->worker_at = at;
    c->worker_ev = ks_engine_at(c->engine, at, on_worker, c, 0);
}

/* queue.AddAfter(key, at - now): a key already waiting keeps the earlier
 * of its two times (client-go delaying queue), so a batch period's events
 * make one sync. */
static void enqueue_at(ks_job_controller *c, uint64_t job, ks_time at)
{
    if (at <= ks_engine_now(c->engine)) {
        ks_workqueue_add(c->queue, job);
    } else {
        job_state *js = job_state_of(c, job);
        if (at < js->waiting_at)
            js->waiting_at = at;
    }
    kick(c);
}

static void enqueue_batched(ks_job_controller *c, uint64_t job)
{
    enqueue_at(c, job, ks_engine_now(c->engine) + KS_JOB_SYNC_BATCH_PERIOD);
}

/* Moves the waiting keys that are due into the queue. */
static void move_due(ks_job_controller *c, ks_time now)
{
    for (size_t i = 0; i < c->njobs; i++)
        if (c->jobs[i]->waiting_at <= now) {
            c->jobs[i]->waiting_at = KS_TIME_NEVER;
            ks_workqueue_add(c->queue, c->jobs[i]->uid);
        }
}

/* ---- informers ---------------------------------------------------------- */

static uint64_t controller_job(const ks_object *o)
{
    for (size_t i = 0; o && i < o->nowners; i++)
        if (o->owners[i].controller && o->owners[i].kind == KS_KIND_JOB)
            return o->owners[i].uid;
    return 0;
}

static bool job_finished(const ks_object *job)
{
    const ks_job_body *b = job->body;
    return b && (b->complete || b->failed_condition);
}

/* resolveControllerRef: the Job object, NULL when gone. */
static const ks_object *resolve_job(const ks_job_controller *c, uint64_t uid)
{
    const ks_object *o = uid ? ks_store_get(c->store, uid) : NULL;
    return o && o->kind == KS_KIND_JOB ? o : NULL;
}

static void on_job_event(void *ctx, const ks_watch_event *ev)
{
    ks_job_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        enqueue_at(c, ev->uid, ks_engine_now(c->engine));
        return;
    }
    if (!ev->obj) /* deleted meanwhile: its DELETED event follows */
        return;
    job_state *js = job_state_of(c, ev->uid);
    bool spec_changed = ev->type == KS_WATCH_ADDED ||
                        ev->obj->generation != js->generation;
    js->generation = ev->obj->generation;
    if (spec_changed)
        enqueue_at(c, ev->uid, ks_engine_now(c->engine));
    else
        enqueue_batched(c, ev->uid);
}

static void pod_deleted(ks_job_controller *c, uint64_t uid)
{
    pod_entry pe;
    if (!pod_take(c, uid, &pe))
        return;
    const ks_object *job = resolve_job(c, pe.job);
    if (!job || job_finished(job))
        return;
    job_state *js = job_state_of(c, pe.job);
    ks_expectations_deletion_observed_uid(&js->e, uid);
    if (!pe.counted) {
        js->gone = ks_xgrow(js->gone, &js->cap_gone, js->ngone + 1,
                            sizeof *js->gone);
        js->gone[js->ngone++] = (gone_pod){
            pe.finished_at != KS_TIME_NEVER ? pe.finished_at
                                            : ks_engine_now(c->engine),
            !(pe.finished_at != KS_TIME_NEVER && pe.succeeded)};
    }
    enqueue_batched(c, pe.job);
}

static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_job_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        pod_deleted(c, ev->uid);
        return;
    }
    if (!ev->obj)
        return;
    uint64_t job = controller_job(ev->obj);
    if (!job) { /* orphan: no adoption in this version */
        pod_entry gone;
        pod_take(c, ev->uid, &gone);
        return;
    }
    if (!resolve_job(c, job))
        return;
    pod_entry *pe = pod_of(c, ev->uid, job);
    const ks_pod_body *b = ev->obj->body;
    if (b && pe->finished_at == KS_TIME_NEVER &&
        (b->phase == KS_PHASE_SUCCEEDED || b->phase == KS_PHASE_FAILED)) {
        /* No finish time in the pod: the observation time stands in. */
        pe->finished_at = ks_engine_now(c->engine);
        pe->succeeded = b->phase == KS_PHASE_SUCCEEDED;
    }
    job_state *js = job_state_of(c, job);
    if (ev->obj->deletion_time >= 0)
        ks_expectations_deletion_observed_uid(&js->e, ev->uid);
    else if (ev->type == KS_WATCH_ADDED)
        ks_expectations_creation_observed(&js->e);
    enqueue_batched(c, job);
}

/* ---- client ------------------------------------------------------------- */

static bool unlimited(const ks_job_controller *c)
{
    return c->cfg.qps < 0;
}

/* Takes a write token, or returns 0 (and the time one is due in *retry). */
static int take_token(ks_job_controller *c, ks_time *retry)
{
    if (unlimited(c))
        return 1;
    ks_time now = ks_engine_now(c->engine);
    if (ks_token_bucket_try_accept(&c->bucket, now))
        return 1;
    ks_time t = ks_token_bucket_next_available(&c->bucket, now);
    if (t < *retry)
        *retry = t;
    return 0;
}

/* The writes the client can issue now without waiting (-1: unlimited),
 * counted on a copy of the bucket with the very predicate take_token uses
 * (so rounding cannot make the two disagree), up to one sync's maximum. */
static int32_t tokens_now(const ks_job_controller *c)
{
    if (unlimited(c))
        return -1;
    ks_token_bucket probe = c->bucket;
    ks_time now = ks_engine_now(c->engine);
    int32_t n = 0;
    while (n <= KS_JOB_MAX_POD_CREATE_DELETE &&
           ks_token_bucket_try_accept(&probe, now))
        n++;
    return n;
}

/* "<job>-xxxxx" with upstream's GenerateName alphabet (utilrand). */
static char *pod_name(ks_job_controller *c, const char *job_name)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t x = ++c->name_counter * 0x9e3779b97f4a7c15ull;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    char suffix[6];
    for (int i = 0; i < 5; i++) {
        suffix[i] = alphabet[x % 27];
        x /= 27;
    }
    suffix[5] = '\0';
    size_t len = strlen(job_name) + 7;
    char *name = ks_xmalloc(len);
    snprintf(name, len, "%s-%s", job_name, suffix);
    return name;
}

static int create_pod(ks_job_controller *c, const ks_object *job)
{
    const ks_job_body *jb = job->body;
    ks_owner_ref owner = {job->uid, KS_KIND_JOB, 1, 1};
    int rc = KS_EEXIST;
    for (int tries = 0; tries < 8 && rc == KS_EEXIST; tries++) {
        char *name = pod_name(c, job->name);
        ks_object_spec spec = {KS_KIND_POD, job->namespace_name, name,
                               &jb->template.labels, &owner, 1, NULL,
                               ks_pod_body_new(&jb->template)};
        rc = ks_store_create_object(c->store, &spec, NULL);
        free(name);
    }
    return rc;
}

/* ---- sync --------------------------------------------------------------- */

/* The pods of one sync, split as ks_job_observed wants them. */
typedef struct pod_view {
    const ks_object **active;
    size_t nactive;
    ks_time *succ, *fail;
    int nsucc, nfail;
    int32_t terminating;
    int32_t restarts; /* of the Pending / Running pods */
} pod_view;

static void count_finished(pod_view *v, pod_entry *pe, bool failed,
                           ks_time at)
{
    pe->counted = true;
    if (failed)
        v->fail[v->nfail++] = at;
    else
        v->succ[v->nsucc++] = at;
}

/* Lists the Job's pods (free v->active, v->succ, v->fail). */
static void observe_pods(ks_job_controller *c, job_state *js, pod_view *v)
{
    ks_time now = ks_engine_now(c->engine);
    const ks_object **deps;
    size_t n;
    ks_store_dependents(c->store, js->uid, &deps, &n);
    memset(v, 0, sizeof *v);
    v->active = deps;
    v->succ = ks_xcalloc(n + js->ngone + 1, sizeof *v->succ);
    v->fail = ks_xcalloc(n + js->ngone + 1, sizeof *v->fail);
    for (size_t i = 0; i < n; i++) {
        const ks_object *p = deps[i];
        if (!p || p->kind != KS_KIND_POD || controller_job(p) != js->uid)
            continue;
        const ks_pod_body *b = p->body;
        pod_entry *pe = pod_of(c, p->uid, js->uid);
        bool terminal = b && (b->phase == KS_PHASE_SUCCEEDED ||
                              b->phase == KS_PHASE_FAILED);
        if (terminal) {
            if (pe->finished_at == KS_TIME_NEVER) { /* informer lags */
                pe->finished_at = now;
                pe->succeeded = b->phase == KS_PHASE_SUCCEEDED;
            }
            if (!pe->counted)
                count_finished(v, pe, b->phase == KS_PHASE_FAILED,
                               pe->finished_at);
        } else if (p->deletion_time >= 0) {
            /* isPodFailed: deleting and not succeeded counts as failed
             * (podReplacementPolicy TerminatingOrFailed). */
            v->terminating++;
            if (!pe->counted)
                count_finished(v, pe, true, now);
        } else {
            v->active[v->nactive++] = p;
        }
        if (!terminal && b)
            v->restarts += b->restarts;
    }
    for (size_t i = 0; i < js->ngone; i++) {
        if (js->gone[i].failed)
            v->fail[v->nfail++] = js->gone[i].at;
        else
            v->succ[v->nsucc++] = js->gone[i].at;
    }
    js->ngone = 0;
}

static ks_rs_phase rs_phase(const ks_pod_body *b)
{
    if (b && b->phase == KS_PHASE_RUNNING)
        return KS_RS_RUNNING;
    return KS_RS_PENDING; /* active pods are never terminal */
}

/* Sorts active pods by controller.ActivePods (stable insertion sort:
 * equal pods keep creation order; upstream's sort is not stable). */
static void sort_active_pods(const ks_object **pods, size_t n)
{
    ks_rs_pod *rp = ks_xcalloc(n + 1, sizeof *rp);
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *b = pods[i]->body;
        rp[i] = (ks_rs_pod){
            .node = pods[i]->node_name ? 0 : -1,
            .phase = rs_phase(b),
            .ready = b && b->ready,
            .ready_since = b && b->ready_since >= 0 ? b->ready_since
                                                    : KS_TIME_UNSET,
            .restarts = b ? b->restarts : 0,
            .created = pods[i]->created};
    }
    for (size_t i = 1; i < n; i++) {
        ks_rs_pod key = rp[i];
        const ks_object *kp = pods[i];
        size_t j = i;
        /* no ranks, no deletion cost, no log scale: plain ActivePods */
        while (j > 0 && ks_rs_pod_less(&key, &rp[j - 1], KS_TIME_UNSET)) {
            rp[j] = rp[j - 1];
            pods[j] = pods[j - 1];
            j--;
        }
        rp[j] = key;
        pods[j] = kp;
    }
    free(rp);
}

/* Deletes the first k active pods (ActivePods order); returns how many
 * the store refused. */
static int delete_pods(ks_job_controller *c, job_state *js,
                       const ks_object **active, size_t nactive, size_t k,
                       bool counted, ks_time *retry)
{
    ks_time now = ks_engine_now(c->engine);
    if (k > nactive)
        k = nactive;
    sort_active_pods(active, nactive);
    uint64_t *victims = ks_xcalloc(k + 1, sizeof *victims);
    for (size_t i = 0; i < k; i++)
        victims[i] = active[i]->uid;
    ks_expectations_expect_deletions(&js->e, victims, k, now);
    int errors = 0;
    for (size_t i = 0; i < k; i++) {
        /* A finishing Job counted them as failed itself. */
        pod_of(c, victims[i], js->uid)->counted = counted;
        int rc = take_token(c, retry)
                     ? ks_store_delete_graceful(c->store, victims[i],
                                                KS_PROPAGATE_BACKGROUND,
                                                KS_GRACE_DEFAULT)
                     : KS_EUNAVAILABLE;
        if (rc == 0) {
            c->stats.pods_deleted++;
            continue;
        }
        errors++;
        ks_expectations_deletion_observed_uid(&js->e, victims[i]);
    }
    free(victims);
    return errors;
}

static ks_job_spec spec_of(const ks_job_body *b)
{
    ks_job_spec s;
    ks_job_spec_default(&s);
    s.parallelism = b->parallelism;
    s.completions = b->completions < 0 ? KS_JOB_WORK_QUEUE : b->completions;
    s.backoff_limit = b->backoff_limit;
    s.active_deadline = b->active_deadline;
    /* restartPolicy OnFailure: container restarts count against
     * backoffLimit (pastBackoffLimitOnFailure). */
    s.restart_on_failure = b->template.restart_policy == KS_RESTART_ON_FAILURE;
    return s;
}

static ks_time time_or_unset(ks_time t)
{
    return t == KS_TIME_NEVER ? -1 : t;
}

/* Writes the status into the Job body when it changed; 0 or an error. */
static int write_status(ks_job_controller *c, uint64_t uid,
                        const ks_job_status *st, ks_time *retry)
{
    ks_job_body *b = ks_store_body(c->store, uid);
    if (!b)
        return 0;
    ks_job_body want = *b;
    want.active = st->active;
    want.succeeded = st->succeeded;
    want.failed = st->failed;
    want.complete = st->phase == KS_JOB_COMPLETE;
    want.failed_condition = st->phase == KS_JOB_FAILED;
    want.start_time = time_or_unset(st->start_time);
    want.completion_time = time_or_unset(st->completion_time);
    if (want.active == b->active && want.succeeded == b->succeeded &&
        want.failed == b->failed && want.complete == b->complete &&
        want.failed_condition == b->failed_condition &&
        want.start_time == b->start_time &&
        want.completion_time == b->completion_time)
        return 0;
    if (!take_token(c, retry))
        return 0;
    b->active = want.active;
    b->succeeded = want.succeeded;
    b->failed = want.failed;
    b->complete = want.complete;
    b->failed_condition = want.failed_condition;
    b->start_time = want.start_time;
    b->completion_time = want.completion_time;
    int rc = ks_store_touch(c->store, uid);
    if (rc == 0)
        c->stats.status_writes++;
    return rc;
}

static void sync_job(ks_job_controller *c, uint64_t uid)
{
    ks_time now = ks_engine_now(c->engine);
    c->stats.syncs++;
    const ks_object *job = resolve_job(c, uid);
    if (!job) {
        job_drop(c, uid);
        ks_workqueue_forget(c->queue, uid);
        return;
    }
    job_state *js = job_state_of(c, uid);
    ks_job_spec spec = spec_of(job->body);
    pod_view v;
    observe_pods(c, js, &v);

    bool quorum = ks_store_has_quorum(c->store);
    int32_t limit = quorum ? tokens_now(c) : 0;
    ks_job_observed obs;
    ks_job_observed_init(&obs);
    obs.active = (int32_t)v.nactive;
    obs.terminating = v.terminating;
    obs.restart_count = v.restarts;
    obs.new_succeeded_at = v.succ;
    obs.n_new_succeeded = v.nsucc;
    obs.new_failed_at = v.fail;
    obs.n_new_failed = v.nfail;
    obs.expectations_satisfied = ks_expectations_satisfied(&js->e, now);
    obs.job_deleting = job->deletion_time >= 0;
    obs.create_ok_limit = limit;
    obs.delete_ok_limit = limit;
    ks_job_sync_result res;
    if (ks_job_sync(&spec, &js->st, &obs, now, &res, NULL) != KS_OK) {
        /* invalid spec: upstream's validation would have refused it */
        free(v.active);
        free(v.succ);
        free(v.fail);
        ks_workqueue_forget(c->queue, uid);
        return;
    }

    ks_time retry = KS_TIME_NEVER;
    int errors = 0;
    if (res.creates_succeeded > 0) {
        ks_expectations_expect_creations(&js->e, res.creates_succeeded, now);
        for (int32_t i = 0; i < res.creates_succeeded; i++) {
            int rc = take_token(c, &retry) ? create_pod(c, job)
                                           : KS_EUNAVAILABLE;
            if (rc == 0) {
                c->stats.pods_created++;
            } else {
                errors++;
                ks_expectations_lower(&js->e, 1, 0);
            }
        }
    }
    if (res.deletes_succeeded > 0)
        errors += delete_pods(c, js, v.active, v.nactive,
                              (size_t)res.deletes_succeeded,
                              res.counted_as_failed > 0, &retry);
    free(v.active);
    free(v.succ);
    free(v.fail);

    /* The pod writes did not touch the Job object: job is still valid. */
    if (write_status(c, uid, &js->st, &retry) != 0)
        errors++;
    c->stats.write_errors += (uint64_t)errors;
    bool limited = res.creates_attempted > res.creates_succeeded ||
                   res.deletes_attempted > res.deletes_succeeded;
    if (res.requeue_after != KS_TIME_NEVER)
        enqueue_at(c, uid, now + res.requeue_after);
    if (quorum && limited && retry == KS_TIME_NEVER && !unlimited(c))
        retry = ks_token_bucket_next_available(&c->bucket, now);
    if (retry != KS_TIME_NEVER && retry <= now)
        retry = now + 1; /* never spin within one instant */
    if (c->hook)
        c->hook(c->hook_ctx, uid, now, &js->st, &res);
    if (!quorum || errors) {
        ks_workqueue_add_rate_limited(c->queue, uid, now);
    } else if (retry != KS_TIME_NEVER) {
        c->stats.throttled++;
        c->blocked_until = retry;
        ks_workqueue_forget(c->queue, uid);
        enqueue_at(c, uid, retry);
    } else {
        ks_workqueue_forget(c->queue, uid);
    }
}

static void on_worker(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_job_controller *c = ctx;
    ks_time now = ks_engine_now(e);
    c->worker_at = KS_TIME_NEVER;
    move_due(c, now);
    uint64_t key = ks_workqueue_get(c->queue, now);
    if (key) {
        sync_job(c, key);
        ks_workqueue_done(c->queue, key);
    }
    kick(c);
}

/* ---- lifecycle ---------------------------------------------------------- */

ks_job_controller *ks_job_controller_create(ks_engine *engine,
                                            ks_store *store,
                                            const ks_job_controller_config *cfg)
{
    ks_job_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = engine;
    c->store = store;
    if (cfg)
        c->cfg = *cfg;
    if (c->cfg.qps == 0)
        c->cfg.qps = 20;
    if (c->cfg.burst <= 0)
        c->cfg.burst = 30;
    if (c->cfg.qps > 0)
        ks_token_bucket_init(&c->bucket, c->cfg.qps, c->cfg.burst,
                             ks_engine_now(engine));
    ks_workqueue_config qc = ks_workqueue_default_config();
    c->queue = ks_workqueue_create(&qc);
    c->worker_at = KS_TIME_NEVER;
    c->watch_job = ks_store_watch(store, KS_KIND_JOB, NULL, NULL,
                                  c->cfg.informer_delay, on_job_event, c);
    c->watch_pod = ks_store_watch(store, KS_KIND_POD, NULL, NULL,
                                  c->cfg.informer_delay, on_pod_event, c);
    return c;
}

void ks_job_controller_destroy(ks_job_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watch_job);
    ks_store_unwatch(c->store, c->watch_pod);
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    for (size_t i = 0; i < c->njobs; i++)
        job_state_free(c->jobs[i]);
    free(c->jobs);
    free(c->pods);
    ks_workqueue_destroy(c->queue);
    free(c);
}

void ks_job_controller_set_hook(ks_job_controller *c, ks_job_sync_hook fn,
                                void *ctx)
{
    c->hook = fn;
    c->hook_ctx = ctx;
}

const ks_job_status *ks_job_controller_status(const ks_job_controller *c,
                                              uint64_t job)
{
    const job_state *js = job_get(c, job);
    return js && js->st.start_time != KS_TIME_NEVER ? &js->st : NULL;
}

const ks_job_controller_stats *ks_job_controller_get_stats(
    const ks_job_controller *c)
{
    return &c->stats;
}
