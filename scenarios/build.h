/* build.h - turning loaded Kubernetes manifests into cluster state.
 *
 * Nodes become cluster nodes (allocatable by resource name, labels, taints,
 * images); pods bound to a known node (spec.nodeName) become existing
 * state, bound at the current time; other pods and the pods of workload
 * templates (replicas of a Deployment, ReplicaSet, StatefulSet; parallelism
 * of a Job) become pending pods.  Used by scenarios (spec.cluster.nodes,
 * workloads[i].manifests) and by `ksim explain`.
 *
 * Ownership: the cluster borrows the manifests' pod specs and names, so the
 * ks_manifests must outlive the cluster.
 */
#ifndef KS_BUILD_H
#define KS_BUILD_H

#include <stdint.h>

#include "scenarios/manifests.h"
#include "sim/cluster.h"
#include "sim/error.h"

/* Adds every Node of m to c; pool is stored as each node's pool index.
 * Fails (KS_ERANGE, naming the file and line of the node) when a node names
 * more resources than ksim can hold. */
int ks_build_nodes(ks_cluster *c, const ks_manifests *m, uint32_t pool,
                   ks_error *err);

/* Adds every PodDisruptionBudget of m to c (borrowing its selectors). */
void ks_build_pdbs(ks_cluster *c, const ks_manifests *m);

/* The index of the node called name, or KS_NO_NODE. O(nodes). */
uint32_t ks_build_find_node(const ks_cluster *c, const char *name);

/* Adds one manifest pod (or a template's pod) at now with source/ordinal;
 * returns its index.  Its priority and spec come from mp; its name is
 * "namespace/name" (mp->name as given, qualified). */
uint32_t ks_build_pod(ks_cluster *c, const ks_manifest_pod *mp, ks_time now,
                      uint32_t source, uint32_t ordinal, ks_error *err);

#endif
