/* job_controller.h - the Job controller, event-driven on the store.
 *
 * Runs the decisions of sim/controllers/job.h (ks_job_sync) the way
 * kube-controller-manager runs the Job controller
 * (k8s:pkg/controller/job/job_controller.go, read at 6ae037f1 as for job.c):
 * informers, a work queue, a worker, writes.  NonIndexed Jobs only.
 *
 *   informers  two store watches (Jobs, Pods) with the configured delivery
 *              delay.  Job ADDED / DELETED and a Job MODIFIED that changed
 *              its generation (a spec write) queue the Job at once
 *              (enqueueSyncJobImmediately); a status-only MODIFIED queues it
 *              KS_JOB_SYNC_BATCH_PERIOD (1 s) later (updateJob ->
 *              enqueueSyncJobBatched).  A pod event queues the uid of the
 *              pod's controller owner when it is a Job, 1 s later (addPod /
 *              updatePod / deletePod -> enqueueSyncJobBatched), after
 *              recording the creation / deletion in the Job's
 *              expectations; deletePod of a finished Job queues nothing.
 *              Delayed adds keep only the earliest pending time per Job, as
 *              client-go's delaying queue (waitingForQueue) does, so the
 *              events of one batch period coalesce into one sync.
 *   pod cache  pod uid -> Job uid, the time the controller first OBSERVED
 *              the pod terminal (the kubelet stores no finish time, so this
 *              stands for the container's finishedAt; with informer delay 0
 *              it is the kubelet's write time), and whether the pod has
 *              already been counted in the Job's succeeded / failed.  A pod
 *              that leaves the store uncounted (deleted by the controller or
 *              by anyone else before the Job synced) is remembered and
 *              counted at the next sync: failed unless it had Succeeded
 *              (upstream keeps such pods with the job-tracking finalizer
 *              until counted; isPodFailed counts a deleted, not succeeded
 *              pod as failed).
 *   sync       the Job's controller state (ks_job_status) lives here; a
 *              sync fills ks_job_observed from the store (active = pods not
 *              Succeeded/Failed and not deleting; terminating = deleting
 *              and not terminal; new succeeded / failed = terminal pods not
 *              counted yet, with their finish times), calls ks_job_sync,
 *              creates result.creates_succeeded pods (each named
 *              <job>-<5 chars>, labels of the template, body
 *              ks_pod_body_new(&template), controller owner ref to the Job)
 *              and deletes result.deletes_succeeded active pods chosen by
 *              controller.ActivePods order (ks_rs_pod_less without ranks:
 *              unscheduled, pending, not ready, ready more recently, more
 *              restarts, newer first), Background, at once.  Then the Job
 *              body's status (active, succeeded, failed, Complete / Failed
 *              conditions, startTime, completionTime) is written with
 *              ks_store_touch when it changed, and the Job is requeued at
 *              result.requeue_after.
 *   client     every write takes a token from a token bucket (client QPS 20,
 *              burst 30 by default).  Upstream the worker blocks for a
 *              token; here the tokens available at the start of the sync
 *              bound result.creates/deletes (ks_job_observed create_ok_limit
 *              / delete_ok_limit, so a throttled create looks to the Job
 *              algorithm like a failed one: slow start stops) and the Job is
 *              requeued when the next token is due.  Without etcd quorum no
 *              write is attempted (limits 0) and the Job is requeued
 *              rate-limited (AddRateLimited on a sync error).
 *
 *   spec       parallelism, completions (< 0: work queue), backoffLimit,
 *              activeDeadline of ks_job_body; the template's restartPolicy
 *              OnFailure makes the restart counts of the Pending / Running
 *              pods count against backoffLimit (ks_job_observed
 *              restart_count); Job pods should use Never or OnFailure.
 *
 * Not modelled: podFailurePolicy, podReplacementPolicy Failed, Indexed Jobs,
 * suspend, adoption of orphan pods by selector, the orphan-pod finalizer
 * queue, the pod-failure back-off's per-pod finishedAt (the observed time
 * is used).  A sync takes zero simulated time and reads the store itself
 * (the informer delay delays the trigger, not the data).
 *
 * Deterministic: no clock, no randomness; the pod-name counter is per
 * controller.  Ownership: the controller owns its queue, caches and Job
 * states; engine and store are borrowed and must outlive it.  Requires
 * ks_kinds_install on the store.  Destroy it before the engine.
 */
#ifndef KS_CONTROLLERS_JOB_CONTROLLER_H
#define KS_CONTROLLERS_JOB_CONTROLLER_H

#include <stdint.h>

#include "sim/controllers/job.h"
#include "sim/engine.h"
#include "sim/store.h"

typedef struct ks_job_controller_config {
    ks_time informer_delay; /* watch delivery delay, default 0 */
    float qps;              /* client QPS; 0 -> 20; < 0 -> unlimited */
    int burst;              /* client burst; 0 -> 30 */
} ks_job_controller_config;

typedef struct ks_job_controller_stats {
    uint64_t syncs;         /* keys reconciled (including gone Jobs) */
    uint64_t pods_created;
    uint64_t pods_deleted;
    uint64_t status_writes;
    uint64_t throttled;     /* syncs limited by the client token bucket */
    uint64_t write_errors;  /* writes the store refused */
} ks_job_controller_stats;

/* Called after every sync of an existing Job with the Job's uid, the time,
 * its controller status after the sync and the sync's result (for traces
 * and tests). */
typedef void (*ks_job_sync_hook)(void *ctx, uint64_t job, ks_time now,
                                 const ks_job_status *st,
                                 const ks_job_sync_result *res);

typedef struct ks_job_controller ks_job_controller;

/* cfg may be NULL (defaults). */
ks_job_controller *ks_job_controller_create(ks_engine *engine,
                                            ks_store *store,
                                            const ks_job_controller_config *cfg);
void ks_job_controller_destroy(ks_job_controller *c); /* accepts NULL */

void ks_job_controller_set_hook(ks_job_controller *c, ks_job_sync_hook fn,
                                void *ctx);

/* The controller's status of Job uid, NULL if it never synced it (or the
 * Job is gone). */
const ks_job_status *ks_job_controller_status(const ks_job_controller *c,
                                              uint64_t job);

const ks_job_controller_stats *ks_job_controller_get_stats(
    const ks_job_controller *c);

#endif
