/* job.h - the Job controller's reconcile step (NonIndexed Jobs).
 *
 * Re-implements syncJob + manageJob of kube-controller-manager's Job
 * controller, k8s:pkg/controller/job/job_controller.go (read at 6ae037f1,
 * a v1.31+ copy with JobManagedBy / JobPodReplacementPolicy), for
 * completionMode NonIndexed, without podFailurePolicy, successPolicy,
 * suspend or backoffLimitPerIndex.  Defaults of v1.36: the JobPodReplacement-
 * Policy and JobManagedBy gates are on, so terminal conditions are delayed:
 * a failing Job first gets FailureTarget (a succeeding one
 * SuccessCriteriaMet) and only becomes Failed / Complete once no pod of it
 * is still terminating (delayTerminalCondition).
 *
 * What one sync decides (all upstream):
 *   - counts: succeeded/failed grow by the pods that finished since the last
 *     sync; startTime is set at the first sync;
 *   - failed > backoffLimit -> BackoffLimitExceeded; else now - startTime >=
 *     activeDeadlineSeconds -> DeadlineExceeded (else requeue at the
 *     deadline); a finishing Job deletes all active pods and counts them as
 *     failed;
 *   - wantActive = completions unset ("work queue"): parallelism until the
 *     first success, then the current active count (no new pods);
 *     otherwise min(parallelism, completions - succeeded), >= 0;
 *   - too many active -> delete the excess (max 500 per sync); too few ->
 *     wait for the pod-failure back-off (backoff.h), then create
 *     min(diff, 500) pods in slow-start batches 1, 2, 4, ... (the first
 *     failed batch skips the rest);
 *   - Complete when succeeded >= completions (or, work queue, any success)
 *     and no pod is active.
 *
 * How the lead calls it: keep a ks_job_status per Job (ks_job_status_init).
 * On each sync of the Job (Job add: at once; any pod event of the Job:
 * batched, KS_JOB_SYNC_BATCH_PERIOD later; or result.requeue_after) fill a
 * ks_job_observed from the store and call ks_job_sync.  Then issue
 * result.creates_succeeded pod creations (result.batches[] gives the
 * slow-start batch sizes) and delete result.deletes_succeeded active pods,
 * choosing them by controller.ActivePods order (unscheduled, pending,
 * not-ready first).  A pod counts as "new failed" at the first sync that
 * sees it Failed OR carrying a deletionTimestamp while not Succeeded
 * (isPodFailed), except the pods this module already counted itself
 * (result.counted_as_failed: active pods deleted by a finishing Job).
 *
 * Plain values only: no allocation, no global state.
 */
#ifndef KS_CONTROLLERS_JOB_H
#define KS_CONTROLLERS_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/controllers/backoff.h"
#include "sim/engine.h"
#include "sim/error.h"

#define KS_JOB_WORK_QUEUE (-1)               /* spec.completions unset */
#define KS_JOB_MAX_POD_CREATE_DELETE 500     /* MaxPodCreateDeletePerSync */
#define KS_JOB_SYNC_BATCH_PERIOD KS_SECOND   /* syncJobBatchPeriod */
#define KS_JOB_DEFAULT_BACKOFF_LIMIT 6
#define KS_SLOW_START_INITIAL_BATCH 1        /* SlowStartInitialBatchSize */
#define KS_SLOW_START_MAX_BATCHES 32

typedef enum ks_job_phase {
    KS_JOB_RUNNING,
    KS_JOB_FAILURE_TARGET,       /* interim: will be Failed */
    KS_JOB_SUCCESS_CRITERIA_MET, /* interim: will be Complete */
    KS_JOB_COMPLETE,
    KS_JOB_FAILED,
} ks_job_phase;

typedef enum ks_job_reason {
    KS_JOB_REASON_NONE,
    KS_JOB_REASON_BACKOFF_LIMIT_EXCEEDED,
    KS_JOB_REASON_DEADLINE_EXCEEDED,
} ks_job_reason;

typedef struct ks_job_spec {
    int32_t parallelism;     /* >= 0 */
    int32_t completions;     /* >= 0, or KS_JOB_WORK_QUEUE */
    int32_t backoff_limit;   /* >= 0 */
    ks_time active_deadline; /* KS_TIME_NEVER when unset */
    /* podReplacementPolicy: Failed (replace a pod only once it is terminal;
     * terminating pods then hold their slot and are not "failed"). */
    bool replace_only_failed;
    /* restartPolicy OnFailure: then the containers' restart counts also
     * count against backoffLimit (pastBackoffLimitOnFailure). */
    bool restart_on_failure;
} ks_job_spec;

/* API defaulting (batch/v1): parallelism 1, completions 1, backoffLimit 6,
 * no deadline, podReplacementPolicy TerminatingOrFailed, restart Never. */
void ks_job_spec_default(ks_job_spec *spec);

typedef struct ks_job_status {
    ks_job_phase phase;
    ks_job_reason reason; /* of FAILURE_TARGET / FAILED */
    int32_t active;
    int32_t succeeded;
    int32_t failed;
    int32_t terminating;
    ks_time start_time;      /* KS_TIME_NEVER before the first sync */
    ks_time completion_time; /* KS_TIME_NEVER unless COMPLETE */
    ks_time finish_time;     /* time of COMPLETE or FAILED */
    ks_job_backoff backoff;  /* controller memory, not API status */
} ks_job_status;

void ks_job_status_init(ks_job_status *st);

/* What the controller's informer shows at sync time. */
typedef struct ks_job_observed {
    int32_t active;      /* FilterActivePods: not terminal, not deleting */
    int32_t terminating; /* deletionTimestamp set and not terminal */
    /* Pods that finished since the last sync, by finish time. */
    const ks_time *new_succeeded_at;
    int n_new_succeeded;
    const ks_time *new_failed_at;
    int n_new_failed;
    /* Sum of container restart counts of Pending/Running pods (used only
     * with spec.restart_on_failure). */
    int32_t restart_count;
    bool expectations_satisfied; /* all earlier creates/deletes observed */
    bool job_deleting;           /* the Job has a deletionTimestamp */
    /* Fault injection: how many creates / deletes the apiserver accepts
     * in this sync before failing (-1: all). */
    int32_t create_ok_limit;
    int32_t delete_ok_limit;
} ks_job_observed;

/* An observation with no pods, expectations satisfied, no API errors. */
void ks_job_observed_init(ks_job_observed *obs);

typedef struct ks_job_sync_result {
    int32_t creates_attempted;
    int32_t creates_succeeded;
    int32_t batches[KS_SLOW_START_MAX_BATCHES]; /* attempted batch sizes */
    int n_batches;
    int32_t deletes_attempted;
    int32_t deletes_succeeded;
    int32_t counted_as_failed; /* deleted active pods counted as failed */
    ks_time requeue_after;     /* KS_TIME_NEVER: no timed requeue */
    bool finished;             /* became COMPLETE or FAILED in this sync */
} ks_job_sync_result;

/* One syncJob.  Updates *status, fills *out.  A finished Job (COMPLETE or
 * FAILED) is left alone.  Returns KS_EINVAL (nothing changed) for an
 * invalid spec or observation. */
int ks_job_sync(const ks_job_spec *spec, ks_job_status *status,
                const ks_job_observed *obs, ks_time now,
                ks_job_sync_result *out, ks_error *err);

/* Slow-start creation (controller slowStartBatch as used by manageJob and
 * the ReplicaSet controller): attempts `diff` creations in batches of
 * 1, 2, 4, ...; the first `ok_limit` attempts succeed and later ones fail
 * (ok_limit < 0: all succeed); a batch with a failure stops the batches
 * after it.  Fills batches[] (at most max_batches entries, sizes of the
 * batches attempted) and *n_batches, *attempted; returns the successes. */
int32_t ks_slow_start(int32_t diff, int32_t ok_limit, int32_t *batches,
                      int max_batches, int *n_batches, int32_t *attempted);

const char *ks_job_phase_name(ks_job_phase phase);
const char *ks_job_reason_name(ks_job_reason reason);

#endif
