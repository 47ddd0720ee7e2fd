/* kubelet.c - a node's kubelet: admission, pod start pipeline, container
 * exits and restarts under CrashLoopBackOff, liveness and OOM kills,
 * graceful termination, node-pressure eviction, status writes, event
 * recording, Lease.
 *
 * A pod's life on the node is a chain of engine events at the times things
 * happen, each carrying the pod's uid, the container attempt it belongs to
 * and a step (image pull started or done, container started, Ready, exited,
 * back-off over).  Attempt n is the n-th container instance (0 the first
 * start); it is bumped when a restart is decided, so an event of an earlier
 * instance, or of a pod deleted meanwhile (no record), does nothing.
 *
 * Each change of what the kubelet reports (phase, Ready, start time,
 * restart count) is queued as a status due status_delay later; a status
 * write then writes the newest due status, as the status manager writes
 * its latest cached status.  A write refused (etcd without quorum) is
 * retried at the next status sync (10 s).
 *
 * Upstream behaviour re-implemented here:
 *  - k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions:
 *    an exited container is restarted when
 *    kubecontainer.ShouldContainerBeRestarted says so (pkg/kubelet/container/
 *    helpers.go: never under Never, not after exit 0 under OnFailure);
 *    doBackOff: a restart waits while flowcontrol's IsInBackOffSince(the
 *    exited container's FinishedAt) holds, recording the BackOff event
 *    (waiting reason CrashLoopBackOff), else Next(FinishedAt) and start.
 *    v1.35+ requeues the pod exactly at back-off expiry (kubernetes#133066),
 *    which is when the restart is tried again here.
 *  - k8s:pkg/kubelet/kubelet.go newCrashLoopBackOff: the back-off values
 *    (sim/controllers/backoff.h).
 *  - k8s:pkg/kubelet/kubelet_pods.go getPhase: with every container exited,
 *    Always (restarting) stays Running, all exits 0 is Succeeded, Never
 *    with a failure is Failed, OnFailure with a failure stays Running.
 *  - k8s:pkg/kubelet/images/image_manager.go EnsureImageExists: Pulling
 *    before a registry pull, Pulled after it, Pulled "already present on
 *    machine" when the policy lets the node's copy serve.
 *  - k8s:pkg/kubelet/prober/prober_manager.go UpdatePodStatus: a started
 *    container is not ready until its readiness probe succeeds, and the
 *    probe is triggered at once when the container (re)starts.
 *  - Termination (read at master fde2d3c4, v1.34): pod_workers.go
 *    calculateEffectiveGracePeriod (deletionGracePeriodSeconds, at least
 *    1 s, only ever shortened), kuberuntime_container.go killContainer
 *    (the Killing event, "Stopping container" or, for a liveness failure,
 *    "failed liveness probe, will be restarted" with the pod's
 *    terminationGracePeriodSeconds, at least minimumGracePeriodInSeconds
 *    = 2 s; SIGTERM, SIGKILL when the grace period ends),
 *    status_manager.go TerminatePod (a terminal pod that was Pending or
 *    Running is Failed), kubelet_pods.go getPhase with podIsTerminal (all
 *    exits 0: Succeeded, else Failed), status_manager.go canBeDeleted and
 *    syncPod (once the terminal status is written, the pod is deleted
 *    with grace 0).
 *  - Liveness: kuberuntime_manager.go computePodActions kills a container
 *    whose liveness probe failed and restarts it unless the policy is
 *    Never (shouldRestartOnFailure), through doBackOff as any restart.
 *    A step carries the instance it was planned for, so a kill decided
 *    for an instance that crashed meanwhile does nothing.
 *  - Admission (predicate.go read at master 00991fb9, newer than v1.34;
 *    the rest at 008b3652, v1.34): kubelet.go
 *    HandlePodAdditions and canAdmitPod over the admit handlers in the
 *    order NewMainKubelet adds them (the eviction manager's Admit, then
 *    lifecycle/predicate.go's), filterOutInactivePods for the pods that
 *    count, scheduler.AdmissionCheck with noderesources.Fits, and
 *    rejectPod (Failed with the reason).
 *  - Memory and eviction (pkg/kubelet/eviction: eviction_manager.go read
 *    at master 0239cd73, newer than v1.34, helpers.go at 008b3652,
 *    v1.34): eviction_manager.go Start (the loop,
 *    waitForPodsCleanup), synchronize (one pod per pass), evictPod
 *    (the Evicted event, TerminatePodAbnormallyAndWait with the status
 *    Failed/Evicted), immediateEvictionGracePeriodSeconds
 *    (kubernetes#124063, v1.31), helpers.go thresholdsMet,
 *    nodeConditionsObservedSince and rankMemoryPressure; the defaults
 *    memory.available<100Mi and evictionPressureTransitionPeriod 5m
 *    (pkg/kubelet/apis/config/v1beta1 defaults).  An OOM kill is the
 *    kernel's: the container's last state is terminated, reason
 *    OOMKilled, exit code 137.
 */
#include "sim/kubelet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

#define STATUS_SYNC_PERIOD (10 * KS_SECOND) /* status_manager.go syncPeriod */

/* eviction_manager.go: the grace period of a hard eviction
 * (immediateEvictionGracePeriodSeconds), the poll of waitForPodsCleanup
 * (podCleanupPollFreq) and its timeout (podCleanupTimeout). */
#define IMMEDIATE_EVICTION_GRACE_S 1
#define CLEANUP_POLL (1 * KS_SECOND)
#define CLEANUP_TIMEOUT (30 * KS_SECOND)

/* scheduling.SystemCriticalPriority: kubelettypes.IsCriticalPod. */
#define SYSTEM_CRITICAL_PRIORITY 2000000000

#define MEMORY_PRESSURE_TAINT "node.kubernetes.io/memory-pressure"

/* Event arguments: uid << 24 | attempt (20 bits) << 4 | step.  Store uids
 * are handed out from 1 in creation order, far below 2^40. */
#define ATTEMPT_MASK 0xFFFFFu

typedef enum step {
    STEP_PULLING = 0, /* record Pulling (attempt 0) */
    STEP_PULLED,      /* record Pulled (attempt 0) */
    STEP_START,       /* the container of this attempt is running */
    STEP_READY,       /* its readiness probe succeeded */
    STEP_EXIT,        /* it exited */
    STEP_BACKOFF,     /* record BackOff */
    STEP_RESTART,     /* its back-off expired: restart */
    STEP_WRITE,       /* a status is due (any attempt) */
    STEP_RETRY,       /* the status sync after a refused write */
    STEP_UNREADY,     /* its readiness probe failed failureThreshold times */
    STEP_KILL,        /* its liveness probe did: kill it */
    STEP_STOPPED      /* the killed instance is gone (SIGKILL) */
} step;

typedef enum container_state {
    C_CREATING = 0, /* image, sandbox, create/start under way */
    C_RUNNING,
    C_STOPPING,     /* killed, running until it exits (SIGKILL) */
    C_BACKOFF,      /* exited, waiting for its back-off */
    C_DONE          /* exited for good: the pod is terminal */
} container_state;

/* What the kubelet reports: the status fields of ks_pod_body (reason
 * points to the record's own copy). */
typedef struct pod_status {
    ks_phase phase;
    int ready;
    ks_time ready_since;
    ks_time started;
    int32_t restarts;
    const char *reason;
} pod_status;

/* A status to write once `due` (the change's time + status_delay). */
typedef struct report {
    ks_time due;
    pod_status st;
} report;

typedef struct pod_rec {
    uint64_t uid;
    /* the pod's spec (immutable) */
    ks_restart_policy policy;
    ks_time run_time;
    int crashes;
    ks_time crash_after;
    int liveness;            /* a liveness probe */
    ks_time unhealthy_after; /* the application hangs then */
    int ignores_sigterm;
    int64_t grace_s;         /* terminationGracePeriodSeconds */
    ks_probe readiness;      /* the template's probes, else the config's */
    ks_probe liveness_probe;
    int64_t requests[KS_RES_COUNT]; /* 0: none */
    int32_t priority;
    int64_t memory_limit;    /* 0: none */
    int64_t memory_usage;    /* at each start */
    int64_t memory_leak;     /* bytes per second */
    int image_pulled;        /* the first start pulled its image */
    /* the container */
    uint32_t attempt;        /* instance; the restart count once started */
    container_state state;
    int exit_code;           /* of the running instance's planned exit */
    int exit_oom;            /* that exit is an OOM kill */
    ks_time finished;        /* FinishedAt of the last exited instance */
    ks_crashloop backoff;
    /* killing: the stopping instance exits at stop_at; unhealthy: it was
     * killed by its liveness probe */
    ks_time stop_at;
    int unhealthy;
    /* termination: the pod is being deleted (kill_grace_s: the effective
     * grace period, only ever shortened); final: terminated, to be
     * deleted once its last status is written */
    int terminating;
    int64_t kill_grace_s;
    int final;
    /* evicted (or rejected): the pod is Failed with status reason
     * `reason` (owned), whatever its container's exit */
    int evicted;
    char *reason;
    /* its status: current, and queued for writing in due order */
    pod_status st;
    report *reports;
    size_t nreports, reports_cap;
    int retrying;            /* a STEP_RETRY is pending */
} pod_rec;

struct ks_kubelet {
    ks_engine *engine;
    ks_store *store;
    char *node;
    ks_kubelet_config cfg;
    ks_image_cache *images;
    uint64_t lease;
    int watch;
    int stopped;
    pod_rec *pods;
    size_t npods, pods_cap;
    /* the eviction manager: its next pass (KS_TIME_NEVER: none planned)
     * and when the loop would run next while idle; the pod whose cleanup
     * it waits for (0: none) until cleanup_deadline; when the memory
     * threshold was last met (-1: never) and the MemoryPressure
     * condition it derives */
    ks_time hk_at;
    ks_time hk_next;
    uint64_t cleanup_uid;
    ks_time cleanup_deadline;
    ks_time pressure_seen;
    int memory_pressure;
};

ks_kubelet_config ks_kubelet_default_config(void)
{
    ks_kubelet_config c = {0};
    c.pull = (ks_pull_config){0, 0, 0};
    c.lease_renew = 10 * KS_SECOND;
    c.lease_duration_s = 40;
    c.readiness = ks_probe_default();
    c.liveness = ks_probe_default();
    c.crashloop = ks_crashloop_config_default();
    c.events = NULL;
    c.eviction_hard_memory = 100LL << 20;
    c.housekeeping = 10 * KS_SECOND;
    c.pressure_transition = 5 * KS_MINUTE;
    return c;
}

static pod_rec *find_pod(ks_kubelet *k, uint64_t uid)
{
    for (size_t i = 0; i < k->npods; i++)
        if (k->pods[i].uid == uid)
            return &k->pods[i];
    return NULL;
}

static void forget_pod(ks_kubelet *k, uint64_t uid)
{
    for (size_t i = 0; i < k->npods; i++)
        if (k->pods[i].uid == uid) {
            free(k->pods[i].reports);
            free(k->pods[i].reason);
            k->pods[i] = k->pods[--k->npods];
            return;
        }
}

static ks_time add_time(ks_time t, ks_time d)
{
    if (t == KS_TIME_NEVER || d == KS_TIME_NEVER || d >= KS_TIME_NEVER - t)
        return KS_TIME_NEVER;
    return t + d;
}

static void on_step(ks_engine *e, void *ctx, uint64_t arg);

static void schedule(ks_kubelet *k, const pod_rec *r, ks_time at, step st)
{
    uint64_t arg = r->uid << 24 | (uint64_t)(r->attempt & ATTEMPT_MASK) << 4 |
                   (uint64_t)st;
    ks_engine_at(k->engine, at, on_step, k, arg);
}

static void record(ks_kubelet *k, const ks_object *o, ks_pod_event_kind kind,
                   const char *reason)
{
    if (k->cfg.events)
        ks_podevents_record(k->cfg.events, o, kind, reason);
}

/* ---- status writes ---------------------------------------------------------- */

static int same_reason(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Writes the newest status due by now; without quorum, retries at the next
 * status sync.  A terminated pod being deleted is deleted (grace 0) once
 * its last status is written: the status manager's syncPod, canBeDeleted
 * holding until the API shows the terminal phase. */
static void flush_reports(ks_kubelet *k, pod_rec *r)
{
    ks_time now = ks_engine_now(k->engine);
    size_t n = 0;
    while (n < r->nreports && r->reports[n].due <= now)
        n++;
    int delete = r->final && r->nreports == n;
    if (n == 0 && !delete)
        return;
    ks_pod_body *b = ks_store_body(k->store, r->uid);
    if (!b)
        return;
    if (!ks_store_has_quorum(k->store)) {
        if (!r->retrying) {
            r->retrying = 1;
            schedule(k, r, now + STATUS_SYNC_PERIOD, STEP_RETRY);
        }
        return;
    }
    if (n > 0) {
        const pod_status *st = &r->reports[n - 1].st;
        b->phase = st->phase;
        b->ready = st->ready;
        b->ready_since = st->ready_since;
        b->started = st->started;
        b->restarts = st->restarts;
        if (!same_reason(b->reason, st->reason)) {
            free(b->reason);
            b->reason = st->reason ? ks_xstrdup(st->reason) : NULL;
        }
        ks_store_touch(k->store, r->uid);
        memmove(r->reports, r->reports + n,
                (r->nreports - n) * sizeof *r->reports);
        r->nreports -= n;
    }
    if (delete)
        ks_store_delete(k->store, r->uid, KS_PROPAGATE_BACKGROUND);
}

/* Queues the current status for writing status_delay from now (at once
 * when there is no delay, so that watchers see it before anything else
 * this instant brings). */
static void report_status(ks_kubelet *k, pod_rec *r)
{
    ks_time due = add_time(ks_engine_now(k->engine), k->cfg.status_delay);
    r->reports = ks_xgrow(r->reports, &r->reports_cap, r->nreports + 1,
                          sizeof *r->reports);
    r->reports[r->nreports++] = (report){due, r->st};
    if (k->cfg.status_delay <= 0)
        flush_reports(k, r);
    else
        schedule(k, r, due, STEP_WRITE);
}

/* ---- the container ------------------------------------------------------ */

/* The application: healthy and answering at once until it hangs (at the
 * time ctx points to), then its probes time out. */
static ks_app_answer app_answer(void *ctx, ks_time t)
{
    ks_time hang = *(const ks_time *)ctx;
    return t >= hang ? (ks_app_answer){0, KS_TIME_NEVER}
                     : (ks_app_answer){1, 0};
}

/* When probe p of a container started at `started` has failed
 * failureThreshold times in a row, the application hanging at hang, if
 * that is before `before`; else KS_TIME_NEVER. */
static ks_time failed_at(const ks_probe *p, ks_time started, ks_time hang,
                         ks_time before)
{
    if (hang == KS_TIME_NEVER || hang >= before)
        return KS_TIME_NEVER;
    ks_time period = (ks_time)(p->period_s > 0 ? p->period_s : 1) *
                     KS_SECOND;
    ks_time first = add_time(started, (ks_time)p->initial_delay_s *
                                          KS_SECOND + period);
    ks_time from = hang > first ? hang : first;
    int32_t th = p->failure_threshold > 0 ? p->failure_threshold : 1;
    ks_time horizon = add_time(from, (ks_time)th * period);
    ks_time t = ks_probe_liveness_kill_at(p, started, app_answer, &hang,
                                          horizon);
    return t < before ? t : KS_TIME_NEVER;
}

/* ---- memory ------------------------------------------------------------- */

/* floor(rate * dt / 1 s): what rate bytes per second add up to in dt
 * nanoseconds (rate, dt >= 0), saturating at INT64_MAX.  Exact: whole
 * seconds and the remainder are multiplied apart. */
static int64_t grown(int64_t rate, ks_time dt)
{
    if (rate <= 0 || dt <= 0)
        return 0;
    int64_t secs = dt / KS_SECOND, ns = dt % KS_SECOND;
    if (secs > 0 && rate > INT64_MAX / secs)
        return INT64_MAX;
    int64_t whole = rate * secs;
    /* rate * ns / 1 s = (rate / 1 s) * ns + (rate % 1 s) * ns / 1 s */
    int64_t hi = rate / KS_SECOND, lo = rate % KS_SECOND;
    if (hi > 0 && ns > INT64_MAX / hi)
        return INT64_MAX;
    int64_t part = hi * ns + lo * ns / KS_SECOND;
    return whole > INT64_MAX - part ? INT64_MAX : whole + part;
}

/* The first dt >= 0 with grown(rate, dt) >= d (d >= 0, rate > 0):
 * ceil(d * 1 s / rate), KS_TIME_NEVER beyond the clock. */
static ks_time time_to_grow(int64_t d, int64_t rate)
{
    int64_t q = d / rate, rem = d % rate;
    if (q > KS_TIME_NEVER / KS_SECOND - 1)
        return KS_TIME_NEVER;
    ks_time t = q * KS_SECOND;
    if (rem > 0) {
        /* ceil(rem * 1 s / rate) with rem < rate, at most 1 s; exact in
         * integers unless rate exceeds ~9.2 GB/s */
        if (rem <= INT64_MAX / KS_SECOND)
            t += (rem * KS_SECOND + rate - 1) / rate;
        else
            t += (ks_time)((long double)rem * KS_SECOND / rate + 0.999999L);
    }
    return t;
}

/* The container's memory usage now: memory_usage at its start plus the
 * leak since, up to its limit (it is OOM-killed there); 0 when no
 * container runs. */
static int64_t memory_used(const pod_rec *r, ks_time now)
{
    if (r->state != C_RUNNING && r->state != C_STOPPING)
        return 0;
    int64_t g = grown(r->memory_leak, now - r->st.started);
    int64_t u = r->memory_usage > INT64_MAX - g ? INT64_MAX
                                                : r->memory_usage + g;
    return r->memory_limit > 0 && u > r->memory_limit ? r->memory_limit : u;
}

/* When the instance started at `now` reaches its memory limit and its
 * growth needs more (the cgroup's OOM killer): at once when it starts
 * above it, KS_TIME_NEVER without a limit, or without growth at or under
 * it (a Guaranteed pod using exactly its limit lives). */
static ks_time oom_at(const pod_rec *r, ks_time now)
{
    if (r->memory_limit <= 0)
        return KS_TIME_NEVER;
    if (r->memory_usage > r->memory_limit)
        return now;
    if (r->memory_leak <= 0)
        return KS_TIME_NEVER;
    return add_time(now, time_to_grow(r->memory_limit - r->memory_usage,
                                      r->memory_leak));
}

/* The instance r->attempt runs from now: Running with its restart count,
 * not Ready until its readiness probe succeeds; its exit is planned from
 * the failure model (a crash first when both are due at once), or the
 * OOM kill when its memory reaches the limit before, and, when the
 * application hangs before, its readiness failure and liveness kill. */
static void container_started(ks_kubelet *k, pod_rec *r, ks_time now)
{
    r->state = C_RUNNING;
    r->unhealthy = 0;
    r->st.phase = KS_PHASE_RUNNING;
    r->st.started = now;
    r->st.restarts = (int32_t)r->attempt;
    r->st.ready = 0;
    report_status(k, r);
    ks_time exit_at = KS_TIME_NEVER;
    r->exit_code = 0;
    if (r->run_time >= 0)
        exit_at = add_time(now, r->run_time);
    if (r->crashes && r->crash_after >= 0) {
        ks_time crash_at = add_time(now, r->crash_after);
        if (crash_at != KS_TIME_NEVER && crash_at <= exit_at) {
            exit_at = crash_at;
            r->exit_code = 1;
        }
    }
    r->exit_oom = 0;
    ks_time oom = oom_at(r, now);
    if (oom < exit_at) {
        exit_at = oom;
        r->exit_code = 137; /* SIGKILL from the kernel */
        r->exit_oom = 1;
    }
    ks_time hang = r->liveness && r->unhealthy_after >= 0
                       ? add_time(now, r->unhealthy_after)
                       : KS_TIME_NEVER;
    ks_time horizon = add_time(now, KS_HOUR);
    if (exit_at < horizon)
        horizon = exit_at;
    if (hang < horizon)
        horizon = hang;
    ks_time ready_at = ks_probe_ready_at(&r->readiness, now, app_answer,
                                         &hang, horizon);
    if (ready_at != KS_TIME_NEVER && ready_at < exit_at)
        schedule(k, r, ready_at, STEP_READY);
    ks_time unready_at = failed_at(&r->readiness, now, hang, exit_at);
    if (ready_at != KS_TIME_NEVER && unready_at != KS_TIME_NEVER)
        schedule(k, r, unready_at, STEP_UNREADY);
    ks_time kill_at = r->liveness
                          ? failed_at(&r->liveness_probe, now, hang, exit_at)
                          : KS_TIME_NEVER;
    if (kill_at != KS_TIME_NEVER)
        schedule(k, r, kill_at, STEP_KILL);
    if (exit_at != KS_TIME_NEVER)
        schedule(k, r, exit_at, STEP_EXIT);
}

/* kubecontainer.ShouldContainerBeRestarted for an exited container. */
static int should_restart(ks_restart_policy policy, int exit_code)
{
    switch (policy) {
    case KS_RESTART_NEVER:
        return 0;
    case KS_RESTART_ON_FAILURE:
        return exit_code != 0;
    case KS_RESTART_ALWAYS:
    default:
        return 1;
    }
}

/* doBackOff and the start that follows: restart now unless the exited
 * instance's back-off still runs, in which case the pod waits
 * (CrashLoopBackOff) until it expires. */
static void try_restart(ks_kubelet *k, pod_rec *r, ks_time now)
{
    const ks_crashloop_config *cl = &k->cfg.crashloop;
    if (ks_crashloop_in_backoff(&r->backoff, cl, r->finished, now)) {
        r->state = C_BACKOFF;
        schedule(k, r, now, STEP_BACKOFF);
        schedule(k, r, ks_crashloop_ready_at(&r->backoff, cl, r->finished),
                 STEP_RESTART);
        return;
    }
    ks_crashloop_next(&r->backoff, cl, r->finished, now);
    r->attempt++;
    r->state = C_CREATING;
    schedule(k, r, add_time(now, k->cfg.start_latency), STEP_START);
}

/* The running (or stopping) instance exited with r->exit_code: not Ready;
 * restarted, or the pod ends (kubelet_pods.go getPhase): for good when
 * it is being deleted (then deleted once that status is written) or
 * evicted (Failed), after a liveness kill unless the policy is Never,
 * else as the policy says (an OOM kill is a failure, exit 137). */
static void container_exited(ks_kubelet *k, pod_rec *r, ks_time now)
{
    r->finished = now;
    r->st.ready = 0;
    int restart = r->terminating || r->evicted ? 0
                  : r->unhealthy ? r->policy != KS_RESTART_NEVER
                                 : should_restart(r->policy, r->exit_code);
    r->unhealthy = 0;
    if (!restart) {
        r->state = C_DONE;
        r->st.phase = r->exit_code == 0 && !r->evicted ? KS_PHASE_SUCCEEDED
                                                       : KS_PHASE_FAILED;
        r->final = r->terminating;
        report_status(k, r);
        return;
    }
    report_status(k, r); /* still Running: restarting */
    try_restart(k, r, now);
}

/* The stopping instance is gone: it exited 0 on SIGTERM, or SIGKILL
 * ended it (137) when it ignores SIGTERM. */
static void container_stopped(ks_kubelet *k, pod_rec *r, ks_time now)
{
    r->exit_code = r->ignores_sigterm ? 137 : 0;
    r->exit_oom = 0;
    container_exited(k, r, now);
}

/* killContainer: the Killing event, SIGTERM, and SIGKILL grace_s later;
 * a container already stopping only has its end brought forward. */
static void kill_container(ks_kubelet *k, pod_rec *r, const ks_object *o,
                           int64_t grace_s, const char *reason)
{
    ks_time now = ks_engine_now(k->engine);
    ks_time stop = r->ignores_sigterm
                       ? add_time(now, grace_s > KS_TIME_NEVER / KS_SECOND
                                           ? KS_TIME_NEVER
                                           : (ks_time)grace_s * KS_SECOND)
                       : now;
    if (r->state == C_STOPPING && r->stop_at <= stop)
        return;
    record(k, o, KS_PE_KILLING, reason);
    r->state = C_STOPPING;
    r->stop_at = stop;
    if (stop <= now)
        container_stopped(k, r, now);
    else if (stop != KS_TIME_NEVER)
        schedule(k, r, stop, STEP_STOPPED);
}

/* The pod is being deleted (deletionTimestamp set): kill its container
 * with the effective grace period, or, with none running, end it at once
 * (TerminatePod: Failed unless its last exit was 0); a later, shorter
 * grace period brings the kill forward. */
static void terminate(ks_kubelet *k, pod_rec *r, const ks_object *o)
{
    int64_t grace = o->deletion_grace_s >= 1 ? o->deletion_grace_s : 1;
    if (r->terminating && grace >= r->kill_grace_s)
        return;
    r->terminating = 1;
    r->kill_grace_s = grace;
    switch (r->state) {
    case C_RUNNING:
    case C_STOPPING:
        kill_container(k, r, o, grace, NULL);
        break;
    case C_CREATING:
    case C_BACKOFF:
        r->state = C_DONE;
        r->st.ready = 0;
        r->st.phase = r->finished >= 0 && r->exit_code == 0
                          ? KS_PHASE_SUCCEEDED
                          : KS_PHASE_FAILED;
        r->final = 1;
        report_status(k, r);
        break;
    case C_DONE:
        r->final = 1;
        flush_reports(k, r);
        break;
    }
}

static void on_step(ks_engine *e, void *ctx, uint64_t arg)
{
    ks_kubelet *k = ctx;
    if (k->stopped)
        return;
    pod_rec *r = find_pod(k, arg >> 24);
    if (!r)
        return; /* deleted meanwhile */
    step st = (step)(arg & 15);
    if (st == STEP_RETRY)
        r->retrying = 0;
    if (st == STEP_WRITE || st == STEP_RETRY) {
        flush_reports(k, r);
        return;
    }
    if (((arg >> 4) & ATTEMPT_MASK) != (r->attempt & ATTEMPT_MASK))
        return; /* an earlier instance's */
    const ks_object *o = ks_store_get(k->store, r->uid);
    if (!o)
        return; /* deleted, the watch event not yet delivered */
    ks_time now = ks_engine_now(e);
    switch (st) {
    case STEP_PULLING:
        if (!r->terminating && !r->evicted)
            record(k, o, KS_PE_PULLING, NULL);
        break;
    case STEP_PULLED:
        if (!r->terminating && !r->evicted)
            record(k, o, KS_PE_PULLED,
                   r->image_pulled ? NULL : "already present on machine");
        break;
    case STEP_START:
        if (r->state == C_CREATING)
            container_started(k, r, now);
        break;
    case STEP_READY:
        if (r->state == C_RUNNING) {
            r->st.ready = 1;
            r->st.ready_since = now;
            report_status(k, r);
        }
        break;
    case STEP_UNREADY:
        if ((r->state == C_RUNNING || r->state == C_STOPPING) &&
            r->st.ready) {
            r->st.ready = 0;
            report_status(k, r);
        }
        break;
    case STEP_KILL:
        /* killContainer with the pod's grace period, at least 2 s */
        if (r->state == C_RUNNING) {
            r->unhealthy = 1;
            kill_container(k, r, o, r->grace_s > 2 ? r->grace_s : 2,
                           "Unhealthy");
        }
        break;
    case STEP_STOPPED:
        if (r->state == C_STOPPING && now >= r->stop_at)
            container_stopped(k, r, now);
        break;
    case STEP_EXIT:
        /* its own exit, also while it stops (before SIGKILL) */
        if (r->state == C_RUNNING || r->state == C_STOPPING) {
            if (r->exit_oom)
                record(k, o, KS_PE_OOM_KILLED, "OOMKilled");
            container_exited(k, r, now);
        }
        break;
    case STEP_BACKOFF:
        if (r->state == C_BACKOFF)
            record(k, o, KS_PE_BACK_OFF, "CrashLoopBackOff");
        break;
    case STEP_RESTART:
        if (r->state == C_BACKOFF)
            try_restart(k, r, now);
        break;
    default:
        break;
    }
}

/* A record for pod o, in state C_CREATING, with its spec. */
static pod_rec *new_rec(ks_kubelet *k, const ks_object *o)
{
    const ks_pod_body *b = o->body;
    k->pods = ks_xgrow(k->pods, &k->pods_cap, k->npods + 1, sizeof *k->pods);
    pod_rec *r = &k->pods[k->npods++];
    memset(r, 0, sizeof *r);
    r->uid = o->uid;
    r->policy = b->spec.restart_policy;
    r->run_time = b->spec.run_time;
    r->crashes = b->spec.crashes;
    r->crash_after = b->spec.crash_after;
    r->liveness = b->spec.liveness;
    r->unhealthy_after = b->spec.unhealthy_after;
    r->ignores_sigterm = b->spec.ignores_sigterm;
    r->grace_s = b->spec.termination_grace_s;
    r->readiness = b->spec.has_readiness ? b->spec.readiness
                                         : k->cfg.readiness;
    r->liveness_probe = b->spec.has_liveness ? b->spec.liveness_probe
                                             : k->cfg.liveness;
    for (int i = 0; i < KS_RES_COUNT; i++)
        r->requests[i] = b->spec.requests[i] > 0 ? b->spec.requests[i] : 0;
    r->priority = b->spec.priority;
    r->memory_limit = b->spec.memory_limit > 0 ? b->spec.memory_limit : 0;
    r->memory_usage = b->spec.memory_usage > 0 ? b->spec.memory_usage : 0;
    r->memory_leak = b->spec.memory_leak > 0 ? b->spec.memory_leak : 0;
    r->state = C_CREATING;
    r->finished = -1;
    ks_crashloop_init(&r->backoff);
    r->st = (pod_status){KS_PHASE_PENDING, 0, -1, -1, 0, NULL};
    return r;
}

/* The pod ends Failed with status reason `reason` and no container
 * running. */
static void fail_pod(ks_kubelet *k, pod_rec *r, const char *reason)
{
    r->evicted = 1;
    if (!r->reason) /* queued reports point to it: set once */
        r->reason = ks_xstrdup(reason);
    r->st.reason = r->reason;
    r->st.phase = KS_PHASE_FAILED;
    r->st.ready = 0;
}

/* Plans a newly bound pod's first start: sandbox, image, container.
 * Returns its record, NULL when it cannot start (ErrImageNeverPull: it
 * stays Pending). */
static pod_rec *admit(ks_kubelet *k, const ks_object *o)
{
    const ks_pod_body *b = o->body;
    ks_time now = ks_engine_now(k->engine);
    ks_time t = add_time(now, k->cfg.sandbox_latency);
    ks_pull_result pr = {0, 0, t, t};
    if (b->spec.image) {
        pr = ks_image_cache_request(k->images, b->spec.image,
                                    b->spec.image_size,
                                    ks_default_pull_policy(b->spec.image), t);
        if (pr.error)
            return NULL;
    }
    pod_rec *r = new_rec(k, o);
    r->image_pulled = pr.pulled;
    if (b->spec.image) {
        if (pr.pulled)
            schedule(k, r, t, STEP_PULLING);
        schedule(k, r, pr.ready, STEP_PULLED);
    }
    schedule(k, r, add_time(pr.ready, k->cfg.start_latency), STEP_START);
    return r;
}

/* ---- admission ---------------------------------------------------------- */

static const ks_node_body *node_body(const ks_kubelet *k)
{
    const ks_object *n = ks_store_find(k->store, KS_KIND_NODE, NULL, k->node);
    return n ? n->body : NULL;
}

/* A pod the kubelet runs: admitted and not terminated (kubelet.go
 * filterOutInactivePods: a pod being killed still counts). */
static int active(const pod_rec *r)
{
    return r->state != C_DONE;
}

static int has_memory_model(const pod_rec *r)
{
    return r->memory_usage > 0 || r->memory_leak > 0;
}

/* Why pod o may not run here (HandlePodAdditions, canAdmitPod over the
 * admit handlers in their order), or NULL: the eviction manager's Admit
 * first (under MemoryPressure a BestEffort pod is refused unless it
 * tolerates the memory-pressure taint or is critical: reason "Evicted"),
 * then the predicate handler (lifecycle/predicate.go Admit and
 * generalFilter): noderesources.Fits
 * against the node's allocatable minus the requests of the active pods,
 * its first failure becoming OutOfpods, OutOfcpu, OutOfmemory,
 * OutOfephemeral-storage or OutOf<name> (extended resources the node
 * does not have at all are dropped first: removeMissingExtendedResources),
 * then an untolerated NoExecute taint ("TaintToleration").  Without a
 * Node object, or with one that reports no allocatable at all (a node
 * whose status was never written, as test fixtures have; upstream it
 * would admit nothing), the resources are not checked.  buf holds a
 * built reason. */
static const char *rejection(const ks_kubelet *k, const ks_object *o,
                             char *buf, size_t nbuf)
{
    const ks_pod_body *b = o->body;
    const ks_pod_template *t = &b->spec;
    /* v1qos.GetPodQOS: no cpu or memory requests or limits */
    int best_effort = t->requests[KS_RES_CPU] <= 0 &&
                      t->requests[KS_RES_MEMORY] <= 0 && t->memory_limit <= 0;
    ks_taint mp = {(char *)MEMORY_PRESSURE_TAINT, NULL, KS_EFFECT_NO_SCHEDULE};
    if (k->memory_pressure && best_effort &&
        t->priority < SYSTEM_CRITICAL_PRIORITY &&
        !ks_tolerations_tolerate(t->tolerations, t->ntolerations, &mp))
        return "Evicted";
    const ks_node_body *nb = node_body(k);
    if (!nb)
        return NULL;
    int reported = 0;
    for (int res = 0; res < KS_RES_COUNT; res++)
        reported |= nb->allocatable[res] != 0;
    if (!reported)
        return NULL;
    int64_t used[KS_RES_COUNT] = {0};
    int64_t npods = 0;
    for (size_t i = 0; i < k->npods; i++) {
        const pod_rec *r = &k->pods[i];
        if (r->uid == o->uid || !active(r))
            continue;
        npods++;
        for (int res = 0; res < KS_RES_COUNT; res++)
            used[res] += r->requests[res];
    }
    /* fit.go fitsRequest: pods first, then cpu, memory, ephemeral
     * storage and the scalar resources (in resource id order here, map
     * order upstream); a request fits when it is at most what is left */
    if (npods + 1 > nb->allocatable[KS_RES_PODS])
        return "OutOfpods";
    int nres = ks_resource_count();
    for (int res = 0; res < nres; res++) {
        int64_t want = t->requests[res];
        if (res == KS_RES_PODS || want <= 0)
            continue;
        if (ks_resource_is_extended(res) && nb->allocatable[res] <= 0)
            continue; /* removeMissingExtendedResources */
        if (want <= nb->allocatable[res] - used[res])
            continue;
        switch (res) {
        case KS_RES_CPU:
            return "OutOfcpu";
        case KS_RES_MEMORY:
            return "OutOfmemory";
        case KS_RES_EPHEMERAL_STORAGE:
            return "OutOfephemeral-storage";
        default:
            snprintf(buf, nbuf, "OutOf%s", ks_resource_name(res));
            return buf;
        }
    }
    for (size_t i = 0; i < nb->ntaints; i++)
        if (nb->taints[i].effect == KS_EFFECT_NO_EXECUTE &&
            !ks_tolerations_tolerate(t->tolerations, t->ntolerations,
                                     &nb->taints[i]))
            return "TaintToleration";
    return NULL;
}

/* rejectPod: the pod is Failed with the reason at once, its container
 * never started. */
static void reject(ks_kubelet *k, const ks_object *o, const char *reason)
{
    pod_rec *r = new_rec(k, o);
    r->state = C_DONE;
    fail_pod(k, r, reason);
    report_status(k, r);
}

/* ---- node-pressure eviction --------------------------------------------- */

static void on_housekeeping(ks_engine *e, void *ctx, uint64_t arg);

static void plan_housekeeping(ks_kubelet *k, ks_time at)
{
    k->hk_at = at;
    ks_engine_at(k->engine, at, on_housekeeping, k, (uint64_t)at);
}

/* Whether the eviction manager has anything to watch: a pod using
 * memory, or a pressure condition to clear.  While it has not, its
 * passes are skipped (they could find nothing), keeping their grid. */
static int needs_housekeeping(const ks_kubelet *k)
{
    if (k->memory_pressure || k->cleanup_uid)
        return 1;
    for (size_t i = 0; i < k->npods; i++)
        if (active(&k->pods[i]) && has_memory_model(&k->pods[i]))
            return 1;
    return 0;
}

/* Plans the next pass on the loop's grid if none is planned and one is
 * needed. */
static void wake_housekeeping(ks_kubelet *k)
{
    if (k->hk_at != KS_TIME_NEVER || k->cfg.eviction_hard_memory < 0 ||
        !needs_housekeeping(k))
        return;
    ks_time now = ks_engine_now(k->engine);
    ks_time at = k->hk_next;
    if (at < now) {
        ks_time period = k->cfg.housekeeping;
        at += (now - at + period - 1) / period * period;
    }
    plan_housekeeping(k, at);
}

/* The MemoryPressure condition and, in place of the node lifecycle
 * controller's TaintNodesByCondition, the memory-pressure NoSchedule
 * taint, written to the Node object when they differ from it (a status
 * write; without quorum the next pass retries). */
static void sync_node(ks_kubelet *k)
{
    const ks_object *n = ks_store_find(k->store, KS_KIND_NODE, NULL, k->node);
    if (!n || !ks_store_has_quorum(k->store))
        return;
    ks_node_body *nb = ks_store_body(k->store, n->uid);
    ks_time now = ks_engine_now(k->engine);
    int changed = nb->memory_pressure != k->memory_pressure;
    nb->memory_pressure = k->memory_pressure;
    if (k->memory_pressure)
        changed |= ks_node_body_add_taint(nb, MEMORY_PRESSURE_TAINT,
                                          KS_EFFECT_NO_SCHEDULE, now);
    else
        changed |= ks_node_body_remove_taint(nb, MEMORY_PRESSURE_TAINT,
                                             KS_EFFECT_NO_SCHEDULE);
    if (changed)
        ks_store_touch(k->store, n->uid);
}

/* A candidate for eviction with its memory usage and request. */
typedef struct candidate {
    pod_rec *r;
    int64_t usage;
    int64_t request;
} candidate;

/* helpers.go rankMemoryPressure: orderedBy(exceedMemoryRequests,
 * priority, memory): pods whose usage exceeds their memory request
 * first, then lower priority first, then the larger usage above the
 * request first; ties in creation order (uid), where upstream's
 * sort.Sort leaves them unspecified. */
static int rank_cmp(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    int ea = a->usage > a->request, eb = b->usage > b->request;
    if (ea != eb)
        return ea ? -1 : 1;
    if (a->r->priority != b->r->priority)
        return a->r->priority < b->r->priority ? -1 : 1;
    int64_t oa = a->usage - a->request, ob = b->usage - b->request;
    if (oa != ob)
        return oa > ob ? -1 : 1;
    return a->r->uid < b->r->uid ? -1 : a->r->uid > b->r->uid;
}

/* evictPod: the Evicted event, then the pod worker's termination with
 * the status function applied first (syncTerminatingPod): the pod is
 * Failed, reason "Evicted", at once, and its container is killed with
 * the hard eviction's grace period; it is not restarted. */
static void evict(ks_kubelet *k, pod_rec *r, const ks_object *o)
{
    record(k, o, KS_PE_EVICTED, "Evicted");
    fail_pod(k, r, "Evicted");
    if (r->state == C_RUNNING || r->state == C_STOPPING) {
        report_status(k, r);
        kill_container(k, r, o, IMMEDIATE_EVICTION_GRACE_S, NULL);
        return;
    }
    r->state = C_DONE; /* no container running */
    r->final = r->terminating;
    report_status(k, r);
}

/* eviction_manager.go synchronize for the memory.available hard
 * threshold.  The node's memory signal:
 * ksim's Node has only allocatable, which upstream is capacity minus the
 * reservations minus the hard threshold; with no reservations and no
 * system daemons using memory, capacity = allocatable + threshold and
 * the working set is the pods' usage, so available = allocatable +
 * threshold - usage, below the threshold exactly when the pods use more
 * than allocatable (allocatableMemory.available gives the same).  The
 * condition holds while the threshold was met within the pressure
 * transition period.  When met, the active pods are ranked
 * (rank_cmp) and the first that is not critical is evicted: one per
 * pass.  Returns the evicted pod's uid, or 0. */
static uint64_t synchronize(ks_kubelet *k, ks_time now)
{
    const ks_node_body *nb = node_body(k);
    int64_t allocatable = nb ? nb->allocatable[KS_RES_MEMORY] : 0;
    if (allocatable <= 0)
        return 0; /* no node, no signal */
    int64_t threshold = k->cfg.eviction_hard_memory;
    int64_t working = 0;
    for (size_t i = 0; i < k->npods; i++) {
        int64_t u = memory_used(&k->pods[i], now);
        working = working > INT64_MAX - u ? INT64_MAX : working + u;
    }
    int64_t capacity = allocatable > INT64_MAX - threshold
                           ? INT64_MAX
                           : allocatable + threshold;
    int met = capacity - working < threshold;
    if (met)
        k->pressure_seen = now;
    k->memory_pressure = k->pressure_seen >= 0 &&
                         now - k->pressure_seen < k->cfg.pressure_transition;
    sync_node(k);
    if (!met)
        return 0;
    candidate *c = ks_xmalloc((k->npods ? k->npods : 1) * sizeof *c);
    size_t n = 0;
    for (size_t i = 0; i < k->npods; i++) {
        pod_rec *r = &k->pods[i];
        if (!active(r) || r->evicted)
            continue;
        c[n++] = (candidate){r, memory_used(r, now),
                             r->requests[KS_RES_MEMORY]};
    }
    qsort(c, n, sizeof *c, rank_cmp);
    uint64_t victim = 0;
    for (size_t i = 0; i < n && !victim; i++) {
        if (c[i].r->priority >= SYSTEM_CRITICAL_PRIORITY)
            continue; /* evictPod refuses critical pods */
        const ks_object *o = ks_store_get(k->store, c[i].r->uid);
        if (!o)
            continue;
        victim = c[i].r->uid;
        evict(k, c[i].r, o);
    }
    free(c);
    return victim;
}

/* The eviction manager's loop (Start): a pass every housekeeping
 * interval; after an eviction, waitForPodsCleanup polls every second
 * until the evicted pod's container is gone (at most 30 s) and the next
 * pass follows at once. */
static void on_housekeeping(ks_engine *e, void *ctx, uint64_t arg)
{
    ks_kubelet *k = ctx;
    ks_time now = ks_engine_now(e);
    if (k->stopped || (ks_time)arg != k->hk_at)
        return;
    k->hk_at = KS_TIME_NEVER;
    if (k->cleanup_uid) {
        const pod_rec *r = find_pod(k, k->cleanup_uid);
        if (r && (r->state == C_RUNNING || r->state == C_STOPPING) &&
            now < k->cleanup_deadline) {
            plan_housekeeping(k, now + CLEANUP_POLL);
            return;
        }
        k->cleanup_uid = 0;
    }
    uint64_t victim = synchronize(k, now);
    if (victim) {
        k->cleanup_uid = victim;
        k->cleanup_deadline = now + CLEANUP_TIMEOUT;
        plan_housekeeping(k, now + CLEANUP_POLL);
        return;
    }
    k->hk_next = now + k->cfg.housekeeping;
    wake_housekeeping(k);
}

/* ---- pods --------------------------------------------------------------- */

/* A pod of this node: admitted or rejected when first seen, then
 * started; terminated once it has a deletionTimestamp (one that has it
 * when first seen never starts: HandlePodAdditions sends it straight to
 * termination). */
static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_kubelet *k = ctx;
    if (k->stopped)
        return;
    if (ev->type == KS_WATCH_DELETED) {
        forget_pod(k, ev->uid);
        return;
    }
    const ks_object *o = ev->obj;
    if (!o || !o->body || !o->node_name || strcmp(o->node_name, k->node))
        return;
    pod_rec *r = find_pod(k, ev->uid);
    if (!r && o->deletion_time >= 0) {
        r = new_rec(k, o);
    } else if (!r) {
        char buf[64];
        const char *why = rejection(k, o, buf, sizeof buf);
        if (why) {
            reject(k, o, why);
            return;
        }
        r = admit(k, o);
        if (r && has_memory_model(r))
            wake_housekeeping(k);
    }
    if (r && o->deletion_time >= 0)
        terminate(k, r, o);
}

/* ---- the node Lease ---------------------------------------------------------- */

static void on_renew(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_kubelet *k = ctx;
    if (k->stopped)
        return;
    ks_lease_body *l = ks_store_body(k->store, k->lease);
    if (l && ks_store_has_quorum(k->store)) {
        l->renew_time = ks_engine_now(e);
        ks_store_touch(k->store, k->lease);
    }
    ks_engine_after(e, k->cfg.lease_renew, on_renew, k, 0);
}

static void create_lease(ks_kubelet *k)
{
    ks_lease_body *l = ks_xcalloc(1, sizeof *l);
    l->holder = ks_xstrdup(k->node);
    l->duration_s = k->cfg.lease_duration_s;
    l->renew_time = l->acquire_time = ks_engine_now(k->engine);
    ks_object_spec spec = {KS_KIND_LEASE, "kube-node-lease", k->node, NULL,
                           NULL, 0, NULL, l};
    if (ks_store_create_object(k->store, &spec, &k->lease) != 0)
        k->lease = 0;
}

ks_kubelet *ks_kubelet_create(ks_engine *e, ks_store *s, const char *node_name,
                              const ks_kubelet_config *cfg)
{
    ks_kubelet *k = ks_xcalloc(1, sizeof *k);
    k->engine = e;
    k->store = s;
    k->node = ks_xstrdup(node_name);
    k->cfg = cfg ? *cfg : ks_kubelet_default_config();
    if (k->cfg.lease_renew <= 0)
        k->cfg.lease_renew = 10 * KS_SECOND;
    if (k->cfg.crashloop.initial <= 0 || k->cfg.crashloop.max <= 0 ||
        k->cfg.crashloop.reset_after <= 0)
        k->cfg.crashloop = ks_crashloop_config_default();
    if (k->cfg.housekeeping <= 0)
        k->cfg.housekeeping = 10 * KS_SECOND;
    if (k->cfg.pressure_transition < 0)
        k->cfg.pressure_transition = 0;
    k->hk_at = KS_TIME_NEVER;
    k->hk_next = ks_engine_now(e); /* the loop starts with the kubelet */
    k->pressure_seen = -1;
    k->images = ks_image_cache_create(&k->cfg.pull);
    k->watch = ks_store_watch(s, KS_KIND_POD, NULL, node_name,
                              k->cfg.watch_delay, on_pod_event, k);
    create_lease(k);
    ks_engine_after(e, k->cfg.lease_renew, on_renew, k, 0);
    return k;
}

void ks_kubelet_stop(ks_kubelet *k)
{
    k->stopped = 1;
}

void ks_kubelet_destroy(ks_kubelet *k)
{
    if (!k)
        return;
    ks_store_unwatch(k->store, k->watch);
    ks_image_cache_destroy(k->images);
    for (size_t i = 0; i < k->npods; i++) {
        free(k->pods[i].reports);
        free(k->pods[i].reason);
    }
    free(k->pods);
    free(k->node);
    free(k);
}

ks_image_cache *ks_kubelet_images(ks_kubelet *k)
{
    return k->images;
}
