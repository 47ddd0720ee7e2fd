/* build.h - turning loaded Kubernetes manifests into cluster state.
 *
 * Nodes become cluster nodes (allocatable by resource name, labels, taints,
 * images); pods bound to a known node (spec.nodeName) become existing
 * state, bound at the current time; other pods and the pods of workload
 * templates (replicas of a Deployment, ReplicaSet, StatefulSet or
 * ReplicationController; parallelism of a Job; one per eligible node of a
 * DaemonSet) become pending pods.  Used by scenarios (spec.cluster.nodes,
 * workloads[i].manifests) and by `ksim explain`.
 *
 * Two controller behaviours the scheduler depends on are built here:
 *   - DaemonSet pods (pkg/controller/daemon): one pod per node that should
 *     run it, pinned to that node by node affinity and scheduled by the
 *     scheduler (ks_build_daemon_pods);
 *   - the default selector of PodTopologySpread's default constraints
 *     (pkg/scheduler/framework/plugins/helper DefaultSelector): the merged
 *     selectors of the Services, ReplicationControllers, ReplicaSets and
 *     StatefulSets that select a pod (ks_default_selectors).
 *
 * Ownership: the cluster borrows the manifests' pod specs and names, so the
 * ks_manifests must outlive the cluster; DaemonSet pod specs are adopted
 * by the cluster.  A ks_default_selectors borrows its manifests and the
 * specs registered with it, and must outlive every scheduler it is
 * installed in.
 */
#ifndef KS_BUILD_H
#define KS_BUILD_H

#include <stdint.h>

#include "scenarios/manifests.h"
#include "sched/scheduler.h"
#include "sim/cluster.h"
#include "sim/error.h"

/* Adds every Node of m to c; pool is stored as each node's pool index.
 * Fails (KS_ERANGE, naming the file and line of the node) when a node names
 * more resources than ksim can hold. */
int ks_build_nodes(ks_cluster *c, const ks_manifests *m, uint32_t pool,
                   ks_error *err);

/* The node's allocatable as a resource vector (same errors). */
int ks_build_node_allocatable(const ks_manifest_node *mn,
                              int64_t alloc[KS_RES_COUNT], ks_error *err);

/* Adds every PodDisruptionBudget of m to c (borrowing its selectors). */
void ks_build_pdbs(ks_cluster *c, const ks_manifests *m);

/* The index of the node called name, or KS_NO_NODE. O(nodes). */
uint32_t ks_build_find_node(const ks_cluster *c, const char *name);

/* Adds one manifest pod (or a template's pod) at now with source/ordinal;
 * returns its index.  Its priority and spec come from mp; its name is
 * "namespace/name" (mp->name as given, qualified). */
uint32_t ks_build_pod(ks_cluster *c, const ks_manifest_pod *mp, ks_time now,
                      uint32_t source, uint32_t ordinal, ks_error *err);

/* ---- DaemonSets ----------------------------------------------------------
 *
 * Re-implements pkg/controller/daemon (daemon_controller.go
 * NodeShouldRunDaemonPod, predicates, NewPod, syncNodes; util/
 * daemonset_util.go AddOrUpdateDaemonPodTolerations and
 * ReplaceDaemonSetPodNodeNameNodeAffinity; Kubernetes v1.36, see build.c
 * for the versions read). */

/* NodeShouldRunDaemonPod's shouldRun for DaemonSet t on node of c: the
 * template's nodeName is unset or names the node; its nodeSelector and
 * required node affinity match the node (an unparsable term matches
 * nothing); every NoSchedule and NoExecute taint of the node is tolerated
 * by the template's tolerations plus the ones the controller adds.
 * node.spec.unschedulable is not looked at (the pods tolerate it). */
int ks_build_daemon_should_run(const ks_cluster *c, uint32_t node,
                               const ks_manifest_template *t);

/* The spec of t's pod for node_name, a new ks_xcalloc'd deep copy of the
 * template's spec (for ks_cluster_adopt_spec; free it with
 * ks_pod_spec_free and free otherwise) with:
 *   - AddOrUpdateDaemonPodTolerations: Exists tolerations, without
 *     tolerationSeconds, of node.kubernetes.io/not-ready and unreachable
 *     (NoExecute), disk-pressure, memory-pressure, pid-pressure and
 *     unschedulable (NoSchedule), and network-unavailable (NoSchedule)
 *     when the template has hostNetwork; a template toleration with the
 *     same key, operator, value and effect is replaced by it, unless it is
 *     already equal (then nothing changes for that toleration);
 *   - ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity
 *     becomes the single term matchFields metadata.name In [node_name]
 *     (preferred terms and nodeSelector are kept). */
ks_pod_spec *ks_build_daemon_spec(const ks_manifest_template *t,
                                  const char *node_name);

/* Receives one pod to create (a view: valid during the call only).
 * Returns 0 or a negative ks_err, which stops the expansion. */
typedef int (*ks_build_pod_fn)(void *ctx, const ks_manifest_pod *mp);

/* What the DaemonSet controller's first sync does for t at the nodes c has
 * now: for each node, in cluster order, that should run a pod of t and
 * runs none yet (no non-terminal pod of m whose controller is t targets
 * it, by spec.nodeName or by its matchFields metadata.name affinity, as
 * GetTargetNodeName reads it), one pod: named "<t->name>-<node name>",
 * its spec from ks_build_daemon_spec (adopted by c), requests and priority
 * from the template.  add is called with each.  Returns the number of
 * pods made, or add's error. */
int ks_build_daemon_pods(ks_cluster *c, const ks_manifests *m,
                         const ks_manifest_template *t, ks_build_pod_fn add,
                         void *ctx);

/* ---- default selectors (PodTopologySpread) -------------------------------
 *
 * Re-implements pkg/scheduler/framework/plugins/helper/spread.go
 * (DefaultSelector, GetPodServices; Kubernetes v1.36):
 *   - the Services of the pod's namespace whose non-null selector matches
 *     the pod's labels: their selectors merged into one label set;
 *   - then the pod's controller ownerReference, looked up by name in the
 *     pod's namespace: a v1 ReplicationController merges its selector into
 *     that set; an apps/v1 ReplicaSet or StatefulSet adds the requirements
 *     of its spec.selector (nothing when it has none); any other owner, or
 *     one not loaded, adds nothing.
 * The result has no requirement when nothing selects the pod: then the
 * default constraints give no constraint (buildDefaultConstraints).
 * Pods of a workload template are owned by the workload itself; a
 * Deployment's pods by the ReplicaSet it creates (its selector plus
 * pod-template-hash).  Generator pods have no owner.
 *
 * Selectors are computed once per registered spec, the first time the
 * scheduler asks (bound pods never do), O(Services + log templates). */

typedef struct ks_default_selectors ks_default_selectors;

/* m gives the Services and the owners (may be NULL: none). */
ks_default_selectors *ks_default_selectors_create(const ks_manifests *m);
void ks_default_selectors_destroy(ks_default_selectors *d); /* accepts NULL */

/* Registers the pods that share spec (its namespace and labels), whose
 * controller owner is owner_api_version/owner_kind/owner_name (kind NULL:
 * no owner).  The strings are copied.  A spec registered twice keeps its
 * first registration.  spec NULL is ignored. */
void ks_default_selectors_add_pod(ks_default_selectors *d,
                                  const ks_pod_spec *spec,
                                  const char *owner_api_version,
                                  const char *owner_kind,
                                  const char *owner_name);

/* Registers the pods workload template t stamps out (t->pod.spec). */
void ks_default_selectors_add_template(ks_default_selectors *d,
                                       const ks_manifest_template *t);

/* The default selector of the pods of spec, NULL when it has no
 * requirement or spec is not registered.  Valid while d lives. */
const ks_label_selector *ks_default_selectors_get(ks_default_selectors *d,
                                                  const ks_pod_spec *spec);

/* Makes d the selector source (ks_pts_set_selector_source) of every
 * PodTopologySpread instance of s's profiles. */
void ks_default_selectors_install(ks_default_selectors *d, ks_scheduler *s);

#endif
