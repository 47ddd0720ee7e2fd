/* deploy_controller.h - the Deployment controller, event-driven on the store.
 *
 * Runs the decisions of sim/controllers/deployment.h the way
 * kube-controller-manager runs DeploymentController
 * (pkg/controller/deployment/deployment_controller.go, sync.go, rolling.go,
 * recreate.go; kubernetes/kubernetes, the copies cited in deployment.c).
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
 *              image size, run time, priority, grace period, labels), which
 *              stands in for upstream's pod-template-hash comparison.
 *              Unless paused, one ks_deploy_rolling_sync or
 *              ks_deploy_recreate_sync decides the new spec replicas, then
 *              the writes follow upstream's order: create the new
 *              ReplicaSet (getNewReplicaSet: name <deployment>-<10-char
 *              template hash>, with upstream's collisionCount bump on a
 *              name clash; labels = template labels; selector, template and
 *              minReadySeconds copied; revision; controller +
 *              blockOwnerDeletion owner ref), then the new one's scale, then
 *              the old ones' (each a ks_store_update of a copied body).  An
 *              existing new ReplicaSet whose revision is not the highest gets
 *              max + 1 (getNewReplicaSet's revision sync).  When the sync
 *              scaled nothing and the Deployment's last status is complete,
 *              cleanupDeployment deletes the old ReplicaSets beyond
 *              revisionHistoryLimit (Background).  Then the status
 *              (replicas, updated, ready, available from the ReplicaSets'
 *              status; observedGeneration) is written with ks_store_touch
 *              when it changed.
 *   client     a token bucket per controller (QPS 20, burst 30) for every
 *              write; a sync that runs out stops and requeues the key when
 *              the next token is due (upstream blocks the worker instead).
 *              A refused write requeues rate-limited.
 *
 * Not in this version: proportional scaling of several ReplicaSets on a
 * replicas change mid-rollout (the new ReplicaSet alone absorbs it),
 * scaling while paused (a paused Deployment only gets its status written;
 * upstream's sync() still applies replica changes), progress deadline
 * conditions, rollback, adoption/orphaning by selector.
 *
 * Deterministic; the controller owns its queue and caches; engine and store
 * are borrowed and must outlive it.
 */
#ifndef KS_CONTROLLERS_DEPLOY_CONTROLLER_H
#define KS_CONTROLLERS_DEPLOY_CONTROLLER_H

#include <stdint.h>

#include "sim/engine.h"
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

#endif
