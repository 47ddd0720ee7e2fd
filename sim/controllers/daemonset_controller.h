/* daemonset_controller.h - the DaemonSet controller, event-driven on the
 * store.
 *
 * Re-implements kube-controller-manager's DaemonSetsController
 * (kubernetes/kubernetes pkg/controller/daemon/daemon_controller.go read at
 * 0033f658085b, and a newer copy whose shouldIgnoreNodeUpdate compares
 * only labels and taints; update.go in a recent copy with the maxSurge
 * path (DaemonSetUpdateSurge, GA since v1.25); util/daemonset_util.go at
 * 05c351a9037b) with the machinery of the ReplicaSet controller
 * (sim/controllers/rs_controller.h): store watches as informers, a work
 * queue of DaemonSet uids, one worker.
 *
 *   informers  DaemonSets (every event queues the DaemonSet; DELETED drops
 *              its expectations), Pods (addPod / updatePod / deletePod: a
 *              pod whose controller owner is a DaemonSet queues it; ADDED
 *              observes a creation, DELETED a deletion; a pod that turns
 *              ready with minReadySeconds > 0 requeues the DaemonSet
 *              minReadySeconds + 1 s later) and Nodes (addNode queues every
 *              DaemonSet that should run on the new node; updateNode, when
 *              the node's labels or taints changed, queues the DaemonSets
 *              whose shouldRun or shouldContinueRunning changed).  Upstream
 *              has no node delete handler: see "deleted nodes" below.  The
 *              controller keeps the pod -> owner map, each pod's last ready
 *              flag and each node's last labels and taints (its informer
 *              caches), because an event carries only the current object.
 *   which nodes  nodeShouldRunDaemonPod on the pod NewPod would make: the
 *              template's tolerations plus AddOrUpdateDaemonPodTolerations
 *              (node.kubernetes.io/not-ready and unreachable NoExecute, and
 *              disk-pressure, memory-pressure, pid-pressure, unschedulable
 *              NoSchedule, all Exists without tolerationSeconds;
 *              network-unavailable NoSchedule with hostNetwork).  shouldRun:
 *              the body's nodeSelector and required node affinity match the
 *              Node object's labels (plus kubernetes.io/hostname=<name> when
 *              it has none) and name, and every NoSchedule / NoExecute taint
 *              is tolerated; shouldContinueRunning: selector and affinity
 *              match and every NoExecute taint is tolerated.
 *   sync       syncDaemonSet: a DaemonSet whose selector is empty (selects
 *              everything) or that is being deleted is left alone; with
 *              unsatisfied expectations only the status is written;
 *              otherwise manage (podsShouldBeOnNode over the nodes in
 *              creation order: create where a pod should run and none is;
 *              delete Failed pods, with the failed-pods back-off of 1 s
 *              doubling to 15 min per DaemonSet, generation and node, and
 *              Succeeded pods; delete all but the oldest running pod of a
 *              node, or with surge keep the oldest old and oldest new pod
 *              until the new one is available; delete every pod of a node
 *              that should not continue running), syncNodes (expectations
 *              set to the creates and deletes, each capped at burstReplicas
 *              250; creates in slow-start batches 1, 2, 4, ...; deletes
 *              Background), then, when the expectations are satisfied and
 *              the strategy is RollingUpdate, rollingUpdate; then the
 *              status.
 *   rolling    rollingUpdate (update.go): maxUnavailable and maxSurge
 *              scaled against desiredNumberScheduled (percentages rounded
 *              up; both 0 -> maxUnavailable 1).  Without surge, old pods
 *              that are not available are deleted at once and old
 *              available ones only while the unavailable count (nodes with
 *              no pod, with an unavailable new pod, with both an old and a
 *              new pod, or with excess pods) stays under maxUnavailable;
 *              manage creates the replacements.  With surge, a new pod is
 *              created next to an old one (at once where the old one is
 *              unavailable, else up to maxSurge at a time) and the old one
 *              deleted when the new one is available.  OnDelete replaces
 *              nothing: a pod the user deletes comes back new.  Pods are
 *              "updated" when their controller-revision-hash label equals
 *              the DaemonSet's current hash (util.IsPodUpdated).
 *   status     desiredNumberScheduled (nodes that should run a pod),
 *              currentNumberScheduled (of those, nodes with a pod),
 *              numberMisscheduled, numberReady / numberAvailable /
 *              updatedNumberScheduled of each node's oldest pod,
 *              numberUnavailable = desired - available, observedGeneration
 *              (not raised while expectations are pending), written with
 *              ks_store_touch only when something changed; requeued after
 *              minReadySeconds while ready != available.
 *   client     every store write takes a token from a token bucket (client
 *              QPS 20, burst 30 by default, as the controller-manager's
 *              kube-api-qps / kube-api-burst).  A write without a token is
 *              not issued: a create counts as a failed one (slow start
 *              stops, expectations lowered), a delete as observed, and the
 *              DaemonSet is requeued when the next token is due.  A write
 *              the store refuses requeues it rate-limited (AddRateLimited).
 *
 * Pods.  Each pod is a store object named <ds-name>-<5 chars> (upstream's
 * GenerateName alphabet, from a deterministic counter), labelled with the
 * template's labels plus controller-revision-hash=<hash>, with the
 * template as its body plus the daemon tolerations, and a controller owner
 * reference to the DaemonSet.
 *
 * SIMPLIFICATION: daemon pods are created already bound (the Pod object's
 * node_name set).  Since v1.12 upstream creates them unbound with a
 * required node affinity matchFields metadata.name=<node>
 * (ReplaceDaemonSetPodNodeNameNodeAffinity) and lets the default scheduler
 * bind them; ksim's pod template has no node affinity and the scheduler
 * bridge (sched/store_bridge.h) copies only tolerations into the scheduler
 * and skips pods that already have a node.  Consequences: no scheduling
 * latency and no scheduler check of resources, host ports or volumes for
 * daemon pods (such a pod would stay Pending upstream, it runs here: the
 * kubelet has no admission yet), and the scheduler's cluster view does
 * not account the daemon pods' requests.
 *
 * The hash.  Upstream's current ControllerRevision hash is ComputeHash of
 * the template (FNV-32a of its printed form) and names the revision;
 * here it is an FNV-1a of the template, nodeSelector, required affinity
 * and hostNetwork written in the GenerateName alphabet, so a reverted
 * template gets its old hash back as upstream's revision matching does.
 * No ControllerRevision objects are stored (no history, no
 * revisionHistoryLimit), and templateGeneration labels are not written.
 *
 * Deleted nodes.  Upstream the DaemonSet controller ignores a deleted
 * node; the pod GC controller (pkg/controller/podgc/gc_controller.go,
 * gcOrphaned) deletes pods bound to nodes that no longer exist, after its
 * 40 s quarantine, and the pod's deletion syncs the DaemonSet.  ksim has
 * no pod GC yet, so this controller stands in for it for daemon pods only:
 * orphan_gc_delay (default 40 s) after a Node's DELETED event, the pods of
 * every DaemonSet still bound to that node name are deleted (Background,
 * not through the client's token bucket: upstream's pod GC has its own
 * client) unless a node of that name exists again.  Pods of other
 * controllers on a deleted node are left alone.
 *
 * Not modelled: adoption / orphaning of pods by selector, ControllerRevision
 * history, template.spec.nodeName, graceful termination (pods leave the
 * store at once), the SelectingAll event.  A sync takes zero simulated time
 * and reads the store itself (the informer delay delays the trigger, not
 * the data), as in rs_controller.  Node iteration in rollingUpdate follows
 * node creation order (then nodes gone from the store, by pod creation),
 * where upstream ranges over a Go map.
 *
 * Deterministic: no clock, no randomness.  Ownership: the controller owns
 * its queue, caches, expectations and back-off entries; engine and store
 * are borrowed and must outlive it.  Requires ks_kinds_install on the
 * store.  Destroy it before the engine (its watches are removed and its
 * pending events cancelled).
 */
#ifndef KS_CONTROLLERS_DAEMONSET_CONTROLLER_H
#define KS_CONTROLLERS_DAEMONSET_CONTROLLER_H

#include <stdint.h>

#include "sim/engine.h"
#include "sim/kinds.h"
#include "sim/store.h"

/* daemon_controller.go: BurstReplicas. */
#define KS_DS_BURST_REPLICAS 250
/* podgc gc_controller.go: quarantineTime. */
#define KS_DS_ORPHAN_GC_DELAY (40 * KS_SECOND)
/* kube-controller-manager's failedPodsBackoff: NewBackOff(1 s, 15 min). */
#define KS_DS_FAILED_BACKOFF_INITIAL KS_SECOND
#define KS_DS_FAILED_BACKOFF_MAX (15 * KS_MINUTE)

typedef struct ks_daemonset_controller_config {
    ks_time informer_delay;  /* watch delivery delay, default 0 */
    float qps;               /* client QPS; 0 -> 20; < 0 -> unlimited */
    int burst;               /* client burst; 0 -> 30 */
    int burst_replicas;      /* creates / deletes per sync; 0 -> 250 */
    /* pod GC stand-in delay after a node is deleted; 0 -> 40 s,
     * negative -> at once, KS_TIME_NEVER -> never. */
    ks_time orphan_gc_delay;
} ks_daemonset_controller_config;

typedef struct ks_daemonset_controller_stats {
    uint64_t syncs;          /* keys reconciled */
    uint64_t pods_created;
    uint64_t pods_deleted;   /* by manage and rollingUpdate */
    uint64_t orphans_deleted; /* by the pod GC stand-in */
    uint64_t status_writes;
    uint64_t throttled;      /* syncs cut short waiting for a token */
    uint64_t write_errors;   /* writes the store refused */
    int last_batches[16];    /* slow-start batch sizes of the last create run */
    int last_nbatches;
} ks_daemonset_controller_stats;

typedef struct ks_daemonset_controller ks_daemonset_controller;

/* cfg may be NULL (defaults). */
ks_daemonset_controller *ks_daemonset_controller_create(
    ks_engine *engine, ks_store *store,
    const ks_daemonset_controller_config *cfg);
void ks_daemonset_controller_destroy(ks_daemonset_controller *c); /* NULL ok */

const ks_daemonset_controller_stats *ks_daemonset_controller_get_stats(
    const ks_daemonset_controller *c);

/* nodeShouldRunDaemonPod for a DaemonSet body and a Node object (both as
 * stored): *should_run and *should_continue as described above. */
void ks_daemonset_node_should_run(const ks_daemonset_body *ds,
                                  const ks_object *node, int *should_run,
                                  int *should_continue);

#endif
