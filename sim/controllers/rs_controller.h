/* rs_controller.h - the ReplicaSet controller, event-driven on the store.
 *
 * Runs the decisions of sim/controllers/replicaset.h the way
 * kube-controller-manager runs ReplicaSetController
 * (pkg/controller/replicaset/replica_set.go, kubernetes/kubernetes master as
 * read for replicaset.c): informers, a work queue, a worker, writes.
 *
 *   informers  two store watches (ReplicaSets, Pods) with the configured
 *              delivery delay.  A ReplicaSet event queues its uid; a pod
 *              event queues the uid of the pod's controller owner when it
 *              is a ReplicaSet (addPod/updatePod/deletePod), after recording
 *              the creation/deletion as observed in its expectations.  A
 *              pod that turns ready with minReadySeconds > 0 requeues the
 *              ReplicaSet at ready_since + minReadySeconds + 1 s (updatePod's
 *              AddAfter; equal to upstream's "event time + ..." when the
 *              informer delay is 0).  The controller keeps a pod -> owner
 *              map (its informer cache) because a DELETED event carries no
 *              object.
 *   queue      sim/workqueue.h, keys = ReplicaSet uids.
 *   worker     one engine event per key taken; it is scheduled at the time
 *              a key is due and again after each key while keys remain, so
 *              events of the same instant queued before it coalesce into one
 *              sync (as the dedup of client-go's queue does).  A sync takes
 *              zero simulated time in this version.  The sync reads the
 *              store itself (not a delayed copy): the informer delay delays
 *              the trigger, not the data (a simplification).
 *   sync       syncReplicaSet: expectations satisfied and the ReplicaSet not
 *              deleting -> manageReplicas: ks_rs_manage_diff over the active
 *              pods it controls (owner-ref controller = it; no adoption of
 *              orphans by selector in this version); creates in slow-start
 *              batches (ks_rs_slow_start), each pod a store object named
 *              <rs-name>-<5 chars> (upstream's GenerateName alphabet, from a
 *              deterministic counter hash), labels = template labels, body
 *              ks_pod_body_new(&template), controller owner ref to the RS;
 *              deletes the pods ks_rs_pods_to_delete ranks first (related
 *              pods = active pods of every ReplicaSet with the same
 *              controller owner), Background, at once (no graceful
 *              termination yet: the pod object leaves the store in the same
 *              instant).  Then the status (replicas = active pods listed at
 *              the start of the sync, ready, available with minReadySeconds
 *              at now, observedGeneration) is written with ks_store_touch
 *              when it changed, and the key is requeued after
 *              minReadySeconds when all are ready but not all available
 *              (syncReplicaSet's AddAfter).
 *   client     every store write takes a token from a token bucket (client
 *              QPS 20, burst 30 by default, as the controller-manager's
 *              kube-api-qps/burst).  Upstream the worker blocks until a
 *              token comes; here the sync stops issuing writes, lowers the
 *              expectations by what it did not issue, and requeues the key
 *              at the time the next token is due.  A write the store refuses
 *              (no quorum, ...) requeues the key rate-limited
 *              (AddRateLimited).
 *
 * Deterministic: no clock, no randomness; the pod-name counter is per
 * controller.  Ownership: the controller owns its queue, expectations and
 * caches; engine and store are borrowed and must outlive it.  Destroy it
 * before the engine (its watches are removed and its pending worker event
 * cancelled).
 */
#ifndef KS_CONTROLLERS_RS_CONTROLLER_H
#define KS_CONTROLLERS_RS_CONTROLLER_H

#include <stdint.h>

#include "sim/engine.h"
#include "sim/store.h"

typedef struct ks_rs_controller_config {
    ks_time informer_delay; /* watch delivery delay, default 0 */
    float qps;              /* client QPS; 0 -> 20; < 0 -> unlimited */
    int burst;              /* client burst; 0 -> 30 */
    int burst_replicas;     /* creates/deletes per sync; 0 -> 500 */
} ks_rs_controller_config;

typedef struct ks_rs_controller_stats {
    uint64_t syncs;          /* keys reconciled */
    uint64_t pods_created;
    uint64_t pods_deleted;
    uint64_t status_writes;
    uint64_t throttled;      /* syncs cut short waiting for a token */
    uint64_t write_errors;   /* writes the store refused */
    int last_batches[16];    /* slow-start batch sizes of the last create run */
    int last_nbatches;
} ks_rs_controller_stats;

typedef struct ks_rs_controller ks_rs_controller;

/* cfg may be NULL (defaults). */
ks_rs_controller *ks_rs_controller_create(ks_engine *engine, ks_store *store,
                                          const ks_rs_controller_config *cfg);
void ks_rs_controller_destroy(ks_rs_controller *c); /* accepts NULL */

const ks_rs_controller_stats *ks_rs_controller_get_stats(
    const ks_rs_controller *c);

#endif
