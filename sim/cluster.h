/* cluster.h - the simulated cluster's nodes and pods, as flat arrays.
 *
 * Nodes and pods are addressed by dense indices (uint32) into arrays, so the
 * scheduler's per-node loops walk contiguous memory.  Each node keeps its
 * allocatable, its requested (actual requests of the pods bound to it) and
 * its non-zero requested (with the scheduler's defaults for missing
 * requests), updated incrementally on bind and release: nothing rescans
 * pods.  Cluster-wide counters (pending, running, allocated) are kept the
 * same way for the metrics.
 *
 * Ownership: the cluster owns its arrays and name strings.
 */
#ifndef KS_CLUSTER_H
#define KS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/objects.h"
#include "sim/resources.h"

#define KS_NO_NODE UINT32_MAX

typedef struct ks_node {
    int64_t allocatable[KS_RES_COUNT];
    int64_t requested[KS_RES_COUNT];         /* actual requests, pods = count */
    int64_t nonzero_requested[KS_RES_COUNT]; /* with non-zero defaults */
    char *name;
    uint32_t pool; /* index of the node pool (or source) it came from */
    /* Bumped whenever requested / nonzero_requested change: a score
     * computed at one version holds until the next (score_memo.h). */
    uint64_t version;
    /* GPUs (sim/gpu.h): how many, their model id, the index of the first
     * in ks_cluster.gpu_free, and the free milli summed over them. */
    uint8_t gpu_count;
    uint8_t gpu_model;
    uint32_t gpu_first;
    int64_t gpu_free_total;
} ks_node;

typedef enum ks_pod_phase {
    KS_POD_PENDING = 0, /* submitted, not bound */
    KS_POD_RUNNING,     /* bound and running */
    KS_POD_SUCCEEDED,   /* ran to completion; resources released */
    KS_POD_PREEMPTED,   /* deleted by preemption; resources released */
    KS_POD_DROPPED      /* never bound: deleted when it fit nowhere (the
                           scheduler's Drop mode, the FGD protocol) */
} ks_pod_phase;

#define KS_NO_POD UINT32_MAX

typedef struct ks_pod {
    const ks_pod_spec *spec; /* shared, borrowed; NULL = empty */
    const char *name;        /* "namespace/name" of a manifest pod (borrowed),
                                NULL: named after its source and ordinal */
    int64_t request[KS_RES_COUNT];         /* actual; pods = 1 */
    int64_t nonzero_request[KS_RES_COUNT]; /* scoring view (defaults) */
    ks_time duration;  /* run time once started */
    ks_time submit;    /* times in ns; -1 = not yet */
    ks_time scheduled; /* bind decision */
    ks_time start;
    ks_time end;
    uint32_t node;     /* KS_NO_NODE while pending */
    uint32_t node_pos; /* index in its node's pod list while bound */
    uint32_t attempts; /* scheduling attempts (cycles that popped it) */
    uint32_t rejected_by; /* bit i: registry plugin i rejected it (ever) */
    ks_time cycle_time;   /* simulated time its scheduling cycles took */
    uint32_t source;   /* generator index */
    uint32_t ordinal;  /* index within its generator, for its name */
    int32_t priority;
    uint32_t nominated_node; /* status.nominatedNodeName, KS_NO_NODE if none */
    uint32_t preempted_by;   /* the preemptor that evicted it, or KS_NO_POD */
    uint32_t victims;        /* pods this pod preempted */
    uint8_t phase;     /* ks_pod_phase */
    uint8_t terminating; /* deletion in progress (still holds resources) */
    /* GPU request (sim/gpu.h): gpu_count GPUs with gpu_milli each, of a
     * model in gpu_models (bit set of model ids; 0 = any); gpu_mask is the
     * GPUs of its node it uses while bound (0 until placed). */
    uint8_t gpu_count;
    uint16_t gpu_milli;
    uint64_t gpu_models;
    uint32_t gpu_mask;
} ks_pod;

/* The pods bound to one node, in no particular order (removal swaps the
 * last one in). */
typedef struct ks_node_pods {
    uint32_t *pods;
    uint32_t n;
    uint32_t cap;
} ks_node_pods;

/* A PodDisruptionBudget (policy/v1) as preemption reads it.  Strings and
 * the selector are borrowed from the loaded manifests. */
typedef struct ks_pdb {
    const char *namespace_name;        /* NULL = "default" */
    const ks_label_selector *selector; /* NULL selects no pod */
    int min_available_set, min_available_percent;
    int32_t min_available;
    int max_unavailable_set, max_unavailable_percent;
    int32_t max_unavailable;
} ks_pdb;

typedef struct ks_cluster {
    ks_node *nodes;
    ks_node_info *node_info; /* parallel to nodes: the cold, descriptive part */
    ks_node_pods *node_pods; /* parallel to nodes: pods bound there */
    size_t nnodes;
    size_t nodes_cap;
    /* Bumped whenever a node is added or its labels, taints or images
     * change (ks_cluster_set_node_info): plugins that cache per-node label
     * lookups (topology domains) refresh them only when it moves. */
    uint64_t node_info_version;
    ks_pod_spec **specs;     /* owned; pods point into them */
    ks_pdb *pdbs;            /* owned array (contents borrowed) */
    size_t npdbs;
    char **strings;          /* owned, see ks_cluster_keep_string */
    size_t nstrings, strings_cap;
    size_t nspecs;
    ks_pod *pods;
    size_t npods;
    size_t pods_cap;
    int64_t total_allocatable[KS_RES_COUNT];
    int64_t total_requested[KS_RES_COUNT];
    size_t pending;   /* pods in KS_POD_PENDING */
    size_t running;   /* pods in KS_POD_RUNNING */
    size_t succeeded; /* pods in KS_POD_SUCCEEDED */
    size_t preempted; /* pods in KS_POD_PREEMPTED */
    size_t dropped;   /* pods in KS_POD_DROPPED */
    /* Running pods per priority value (a handful of distinct values), so
     * preemption can tell in O(1) whether any pod could be a victim. */
    int32_t *prio_value;
    size_t *prio_running;
    size_t nprio, prio_cap;
    /* Free milli of every GPU, node by node (ks_node.gpu_first), and the
     * cluster's GPU capacity and use in milli. */
    uint16_t *gpu_free;
    size_t ngpus, gpus_cap;
    int64_t total_gpu_milli;
    int64_t used_gpu_milli;
} ks_cluster;

ks_cluster *ks_cluster_create(void);
void ks_cluster_destroy(ks_cluster *c); /* accepts NULL */

/* Adds a node (name copied); returns its index. */
uint32_t ks_cluster_add_node(ks_cluster *c, const char *name,
                             const int64_t allocatable[KS_RES_COUNT],
                             uint32_t pool);

/* Gives the node just added count GPUs (at most KS_MAX_NODE_GPUS) of
 * model (an id of sim/gpu.h), all free.  Call before any other node is
 * added. */
void ks_cluster_set_node_gpus(ks_cluster *c, uint32_t node, unsigned count,
                              int model);

/* Sets a pending pod's GPU request (sim/gpu.h): count GPUs (0 for none)
 * with milli each (1..KS_GPU_MILLI), of a model in models (0 = any). */
void ks_cluster_set_pod_gpus(ks_cluster *c, uint32_t pod, unsigned count,
                             unsigned milli, uint64_t models);

/* Gives node its labels, taints, images...: takes ownership of *info's
 * contents (and zeroes *info). */
void ks_cluster_set_node_info(ks_cluster *c, uint32_t node, ks_node_info *info);

/* The descriptive part of node (by pointer into nodes). */
static inline const ks_node_info *ks_cluster_node_info(const ks_cluster *c,
                                                       const ks_node *node)
{
    return &c->node_info[node - c->nodes];
}

/* The pods bound to node (by pointer into nodes). */
static inline const ks_node_pods *ks_cluster_node_pods(const ks_cluster *c,
                                                       const ks_node *node)
{
    return &c->node_pods[node - c->nodes];
}

/* Adds a PodDisruptionBudget (copied; its strings and selector are
 * borrowed and must outlive the cluster). */
void ks_cluster_add_pdb(ks_cluster *c, const ks_pdb *pdb);

/* Keeps s (allocated with ks_xmalloc & co) until the cluster is destroyed
 * and returns it: storage for names pods borrow. */
const char *ks_cluster_keep_string(ks_cluster *c, char *s);

/* Adopts a pod spec (takes ownership of the allocation, which must come from
 * ks_xmalloc); returns it for pods to point at.  Stable for the cluster's
 * life. */
const ks_pod_spec *ks_cluster_adopt_spec(ks_cluster *c, ks_pod_spec *spec);

/* Adds a pending pod submitted at now with the given actual requests (a
 * negative value means "not requested": 0 for fitting, the scheduler's
 * default for scoring).  Returns its index.  The pods array may move. */
uint32_t ks_cluster_add_pod(ks_cluster *c, ks_time now,
                            const int64_t request[KS_RES_COUNT],
                            ks_time duration, uint32_t source,
                            uint32_t ordinal);

/* Binds (assumes) a pending pod on node at now (the caller checked it
 * fits): its requests count on the node from now on and it is marked
 * running; its start time is set by ks_cluster_start.  A pod asking for
 * GPUs takes them from the GPUs in its gpu_mask, or, when that is 0 or not
 * a valid choice, from ks_gpu_select_best's. */
void ks_cluster_bind(ks_cluster *c, uint32_t pod, uint32_t node, ks_time now);

/* The pod's binding completed and its containers started at now. */
void ks_cluster_start(ks_cluster *c, uint32_t pod, ks_time now);

/* Marks a running pod succeeded at now and releases its resources. */
void ks_cluster_complete(ks_cluster *c, uint32_t pod, ks_time now);

/* The lowest priority among running pods, or INT32_MAX if none run. */
int32_t ks_cluster_lowest_running_priority(const ks_cluster *c);

/* Marks a running pod deleted by preemption at now (its graceful
 * termination is over) and releases its resources. */
void ks_cluster_evict(ks_cluster *c, uint32_t pod, ks_time now);

/* Deletes a pending pod at now that was never bound (it fit nowhere and
 * the scheduler drops such pods): its end time is now. */
void ks_cluster_drop(ks_cluster *c, uint32_t pod, ks_time now);

/* What-if support for preemption: takes a bound pod's requests off its
 * node (and out of the node's pod list) without changing its phase, and
 * puts them back.  Node-level only: cluster totals are untouched.  Every
 * detach must be undone by an attach before anything else reads the
 * cluster. */
void ks_cluster_detach(ks_cluster *c, uint32_t pod);
void ks_cluster_attach(ks_cluster *c, uint32_t pod);

/* Checks the invariants (requested == sum over bound pods, no node over
 * allocatable, counters match phases).  O(pods); for tests and --check. */
int ks_cluster_check(const ks_cluster *c, char *why, size_t why_size);

#endif
