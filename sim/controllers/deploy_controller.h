/* deploy_controller.h - the Deployment controller, event-driven on the store.
 *
 * Runs the decisions of sim/controllers/deployment.h the way
 * kube-controller-manager runs DeploymentController
 * (pkg/controller/deployment/deployment_controller.go, sync.go, rolling.go,
 * recreate.go, progress.go; kubernetes/kubernetes, the copies cited in
 * deployment.c).
 *
 *   informers  store watches on Deployments (queue the uid) and ReplicaSets
 *              (queue the uid of the ReplicaSet's controller Deployment:
 *              addReplicaSet / updateReplicaSet / deleteReplicaSet), with the
 *              configured delivery delay.  A pod -> owner style map keeps
 *              each ReplicaSet's Deployment for DELETED events, which carry
 *              no object.  Pods are not watched: a Recreate rollout waiting
 *              for old pods is woken by the old ReplicaSets' status writes
 *              (upstream also requeues on pod deletion; same effect here
 *              because the ReplicaSet controller writes status on every
 *              change of its pods).
 *   queue      sim/workqueue.h, keys = Deployment uids; one worker engine
 *              event per key, zero simulated time per sync, as in
 *              rs_controller.h.  The sync reads the store itself.
 *   sync       syncDeployment: a Deployment being deleted is left alone (the
 *              store's garbage collector removes its ReplicaSets and their
 *              pods).  Its ReplicaSets are the ones whose controller owner
 *              ref names it (no adoption by selector in this version).  The
 *              new ReplicaSet is the oldest one whose pod template equals the
 *              Deployment's (every ks_pod_template field: requests, image,
 *              image size, run time, priority, grace period, labels but
 *              pod-template-hash), which stands in for upstream's
 *              EqualIgnoreHash.  Then, as upstream:
 *                - checkPausedConditions: Progressing=Unknown
 *                  DeploymentPaused while paused, DeploymentResumed once
 *                  resumed (unless ProgressDeadlineExceeded);
 *                - getNewReplicaSet on an existing new ReplicaSet: revision
 *                  max + 1 when it is not the highest (a rolled-back one
 *                  gets a new number), minReadySeconds synced;
 *                - paused, or a scaling event (an active ReplicaSet
 *                  annotated with other desired replicas): sync(), i.e.
 *                  ks_deploy_scale (one active ReplicaSet takes the new
 *                  size; several share it in proportion, leftover to the
 *                  biggest), cleanupDeployment when paused, the status
 *                  without progress estimation.  A paused Deployment thus
 *                  scales but never rolls;
 *                - otherwise one ks_deploy_rolling_sync or
 *                  ks_deploy_recreate_sync, then syncRolloutStatus.
 *              The writes follow upstream's order: create the new
 *              ReplicaSet (getNewReplicaSet: name <deployment>-<10-char
 *              template hash>, with upstream's collisionCount bump on a
 *              name clash; labels = template labels; selector, template and
 *              minReadySeconds copied; revision; desired-/max-replicas
 *              annotations; controller + blockOwnerDeletion owner ref),
 *              then the new one's update, then the old ones' (each a
 *              ks_store_update of a copied body; every scale also writes
 *              the replica annotations, as scaleReplicaSet does).  When a
 *              rollout sync scaled nothing and the Deployment's last status
 *              is complete, cleanupDeployment deletes the old ReplicaSets
 *              beyond revisionHistoryLimit (Background).
 *   status     calculateStatus (replicas, updated, ready, available from the
 *              ReplicaSets' status; observedGeneration; Available =
 *              MinimumReplicasAvailable when available >= replicas -
 *              maxUnavailable) and, after a rollout sync, the Progressing
 *              condition of syncRolloutStatus (progress.go): True
 *              NewReplicaSetCreated / FoundNewReplicaSet, True
 *              ReplicaSetUpdated with lastUpdateTime moved at every
 *              progress (more updated, ready or available pods, fewer old
 *              ones), True NewReplicaSetAvailable when complete, False
 *              ProgressDeadlineExceeded at the first sync strictly after
 *              lastUpdateTime + progressDeadlineSeconds.  Condition times
 *              are whole seconds (metav1.Time).  A rollout sync that
 *              changes no status requeues the key for that check
 *              (requeueStuckDeployment: at the deadline plus one second, or
 *              rate-limited when less than a second is left).  The status
 *              is written with ks_store_touch when it changed.  As upstream,
 *              checkPausedConditions and getNewReplicaSet (FoundNewReplica-
 *              Set, NewReplicaSetCreated) write the Progressing condition
 *              on their own, and a later status write of the same sync then
 *              fails as upstream's does (its copy of the Deployment has a
 *              stale resourceVersion: a conflict): the sync ends there and
 *              the key is requeued rate-limited (write_errors counts it).
 *   client     a token bucket per controller (QPS 20, burst 30) for every
 *              write; a sync that runs out stops and requeues the key when
 *              the next token is due (upstream blocks the worker instead).
 *              A refused write requeues rate-limited.
 *
 * ks_deployment_rollback is `kubectl rollout undo` (client side, as
 * kubectl has done it since the rollback subresource went away): it
 * patches the Deployment's template, and the controller above does the
 * rest.
 *
 * Not in this version: adoption/orphaning by selector, the ReplicaFailure
 * condition, the deprecated spec.rollbackTo (extensions/v1beta1), the
 * revision-history annotation, annotations copied between Deployment and
 * ReplicaSets, condition messages.
 *
 * Deterministic; the controller owns its queue and caches; engine and store
 * are borrowed and must outlive it.
 */
#ifndef KS_CONTROLLERS_DEPLOY_CONTROLLER_H
#define KS_CONTROLLERS_DEPLOY_CONTROLLER_H

#include <stdint.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/store.h"

typedef struct ks_deploy_controller_config {
    ks_time informer_delay; /* watch delivery delay, default 0 */
    float qps;              /* client QPS; 0 -> 20; < 0 -> unlimited */
    int burst;              /* client burst; 0 -> 30 */
} ks_deploy_controller_config;

typedef struct ks_deploy_controller_stats {
    uint64_t syncs;
    uint64_t rs_created;
    uint64_t rs_scaled;      /* spec.replicas updates of ReplicaSets */
    uint64_t rs_deleted;     /* by revision history cleanup */
    uint64_t status_writes;
    uint64_t throttled;
    uint64_t write_errors;
} ks_deploy_controller_stats;

typedef struct ks_deploy_controller ks_deploy_controller;

/* cfg may be NULL (defaults). */
ks_deploy_controller *ks_deploy_controller_create(
    ks_engine *engine, ks_store *store,
    const ks_deploy_controller_config *cfg);
void ks_deploy_controller_destroy(ks_deploy_controller *c); /* NULL ok */

const ks_deploy_controller_stats *ks_deploy_controller_get_stats(
    const ks_deploy_controller *c);

/* `kubectl rollout undo deployment/NAME [--to-revision=N]`
 * (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go,
 * DeploymentRollbacker.Rollback): finds the Deployment's ReplicaSet of
 * revision to_revision (0: the previous revision, the second highest) and
 * writes that ReplicaSet's pod template, without pod-template-hash, as the
 * Deployment's (one ks_store_update: a spec change, generation bumped).
 * Returns 0 when rolled back; 1 when skipped, the template already being
 * that revision's (err->code KS_OK, err->msg "skipped rollback (current
 * template already matches revision N)", N as given); or a negative
 * ks_err with upstream's message:
 *   KS_ENOENT   "unable to find specified revision N in history" (also for
 *               N < 0), "no rollout history found for deployment \"NAME\""
 *               (N = 0 without a previous revision), or no such Deployment;
 *   KS_ESTATE   "you cannot rollback a paused deployment; resume it first
 *               with 'kubectl rollout resume deployment/NAME' and try
 *               again";
 *   a store error (no quorum) as "failed restoring revision N: ...".
 * err may be NULL. */
int ks_deployment_rollback(ks_store *s, uint64_t deployment_uid,
                           int64_t to_revision, ks_error *err);

#endif
