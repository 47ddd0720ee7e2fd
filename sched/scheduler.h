/* scheduler.h - the kube-scheduler's scheduling cycle in simulated time.
 *
 * One cycle per event: pop a pod from the queue (sched/queue.h), run the
 * profile's Filter plugins over the nodes starting at the rotating
 * nextStartNodeIndex until numFeasibleNodesToFind feasible nodes are found
 * (percentageOfNodesToScore), score them (Score, NormalizeScore, weights),
 * pick the highest total (ties broken uniformly at random from the
 * `tiebreak` stream) and bind.  A pod no node accepts goes back to the
 * queue as unschedulable.  Follows pkg/scheduler/schedule_one.go (v1.36).
 * A cycle takes simulated time (the throughput model in the config); the
 * scheduler handles one cycle at a time, and cluster events that arrive
 * during a cycle send a pod that failed it to backoffQ rather than to the
 * unschedulable pool, as upstream's moveRequestCycle does.
 *
 * The scheduler never touches pods' lifecycles: binding is reported through
 * the bind callback, and the owner tells the scheduler about new pods and
 * finished ones.
 *
 * Ownership: the scheduler borrows the engine, cluster and RNG (they must
 * outlive it) and owns its queue and buffers.
 */
#ifndef KS_SCHEDULER_H
#define KS_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "policies/plugin.h"
#include "sched/queue.h"
#include "sim/cluster.h"
#include "sim/engine.h"

#define KS_MAX_PROFILE_PLUGINS 24
#define KS_MAX_PROFILES 8
#define KS_DEFAULT_SCHEDULER_NAME "default-scheduler"

/* A QueueSort plugin's order (public-API plugins:
 * ks_external_queue_less): nonzero when pod a, queued at ta, goes before
 * pod b.  rng: the plugins' stream (ks_scheduler_set_plugin_rng). */
typedef int (*ks_queue_sort_fn)(void *instance, const ks_cluster *c,
                                gsl_rng *rng, uint32_t a, ks_time ta,
                                uint32_t b, ks_time tb);

/* One plugin of a profile, in profile order: where it is enabled, its args
 * and its Score weight.  A plugin has one instance per profile, shared by
 * all its extension points (as upstream, where PreFilter state is read by
 * Filter). */
typedef struct ks_plugin_use {
    const ks_plugin *plugin;
    const void *args; /* NULL: the plugin's default args */
    int filter;       /* enabled at PreFilter and Filter */
    int score;        /* enabled at PreScore, Score and NormalizeScore */
    int64_t weight;   /* Score weight; 0 is treated as 1 as upstream does */
    int reserve;      /* enabled at Reserve (and its Unreserve) */
    int permit;       /* enabled at Permit */
} ks_plugin_use;

/* One profile (KubeSchedulerConfiguration profiles[i]): the pods whose
 * spec.schedulerName is scheduler_name are scheduled with its plugins. */
typedef struct ks_profile_config {
    const char *scheduler_name; /* borrowed; NULL = "default-scheduler" */
    int percentage_of_nodes_to_score; /* -1: the global value */
    ks_plugin_use plugins[KS_MAX_PROFILE_PLUGINS];
    size_t nplugins;
    /* QueueSort: when set, plugins[queue_sort_use]'s instance orders
     * activeQ through queue_sort instead of PrioritySort (the first
     * profile's; upstream requires every profile to have the same). */
    ks_queue_sort_fn queue_sort;
    size_t queue_sort_use;
} ks_profile_config;

typedef struct ks_scheduler_config {
    /* percentageOfNodesToScore: 0 = adaptive (50 - nodes/125, min 5). */
    int percentage_of_nodes_to_score;
    int k8s_minor; /* Kubernetes minor version of the formulas, e.g. 36 */
    /* Throughput model: a cycle takes cycle_base + cycle_per_node x (nodes
     * filtered) of simulated time; the decision is made on the state at
     * the cycle's start and the pod is assumed at its end.  Both 0: cycles
     * are instantaneous. */
    ks_time cycle_base;
    ks_time cycle_per_node;
    /* A pod no node passes is deleted (ks_cluster_drop) instead of waiting
     * in the unschedulable pool: the FGD experiment's protocol. */
    int drop_unschedulable;
    /* Among the top-scored nodes, pick the first in a random node order
     * drawn once per run from the tiebreak stream (the FGD simulator's
     * random name prefixes) instead of a fresh uniform draw per decision
     * (kube-scheduler's selectHost). */
    int tie_break_node_order;
    ks_queue_config queue;
    ks_profile_config profiles[KS_MAX_PROFILES];
    size_t nprofiles;
} ks_scheduler_config;

/* One profile, "default-scheduler", with NodeResourcesFit as the only Filter
 * and Score plugin (LeastAllocated, cpu:1 memory:1, weight 1) and
 * DefaultPreemption as PostFilter; the full
 * default profile is built by the scheduler configuration
 * (scenarios/schedconfig.h). */
ks_scheduler_config ks_scheduler_default_config(void);

/* numFeasibleNodesToFind from schedule_one.go: all nodes below 100; else
 * n * pct / 100 with the adaptive pct when 0, and at least 100. */
size_t ks_num_feasible_nodes_to_find(int percentage, size_t nnodes);

/* Called when the scheduler assumes pod on node (at the end of its cycle,
 * engine time): the owner accounts it on the node at once, so the next
 * cycle sees it, and completes the binding asynchronously. */
typedef void (*ks_bind_fn)(void *ctx, uint32_t pod, uint32_t node);

typedef struct ks_scheduler ks_scheduler;

/* Called when a PostFilter (preemption) decided to delete victim so that
 * preemptor can run: the owner deletes it gracefully and, once it is gone,
 * calls ks_scheduler_assigned_pod_deleted. */
typedef void (*ks_evict_fn)(void *ctx, uint32_t victim, uint32_t preemptor);

typedef struct ks_scheduler_stats {
    uint64_t cycles;          /* scheduling attempts */
    uint64_t failed_cycles;   /* attempts that found no feasible node */
    uint64_t nodes_evaluated; /* Filter calls over all cycles */
    uint64_t preemptions;     /* cycles whose PostFilter nominated a node */
    uint64_t victims;         /* pods deleted by preemption */
} ks_scheduler_stats;

ks_scheduler *ks_scheduler_create(ks_engine *engine, ks_cluster *cluster,
                                  gsl_rng *tiebreak,
                                  const ks_scheduler_config *cfg,
                                  ks_bind_fn bind, void *bind_ctx);
void ks_scheduler_destroy(ks_scheduler *s); /* accepts NULL */

/* Sets who deletes preemption victims, and the random stream preemption
 * draws its starting offset from (borrowed); without them, PostFilter
 * plugins do not run. */
void ks_scheduler_set_evict(ks_scheduler *s, ks_evict_fn evict, void *ctx,
                            gsl_rng *preemption);

/* A pod was created.  It waits to be scheduled if one of the profiles is
 * its spec.schedulerName; pods of other schedulers are left alone, as
 * upstream. */
void ks_scheduler_pod_added(ks_scheduler *s, uint32_t pod);

/* A pod bound without this scheduler (spec.nodeName set in a manifest, an
 * existing pod of a cluster dump): plugins with incremental state count
 * it.  The owner has already accounted it in the cluster. */
void ks_scheduler_pod_bound_elsewhere(ks_scheduler *s, uint32_t pod);

/* A scheduled pod finished or was deleted: its resources are free, so the
 * unschedulable pods are moved back to be retried. */
void ks_scheduler_assigned_pod_deleted(ks_scheduler *s, uint32_t pod);

const ks_scheduler_stats *ks_scheduler_get_stats(const ks_scheduler *s);

/* Per profile plugin counters (deterministic: counts, not wall time). */
typedef struct ks_plugin_stats {
    const char *profile;      /* schedulerName */
    const char *plugin;       /* plugin name */
    uint64_t pre_filter_rejections; /* cycles its PreFilter rejected */
    uint64_t filter_calls;    /* nodes its Filter ran on */
    uint64_t filter_rejections; /* nodes its Filter rejected */
    uint64_t score_calls;     /* nodes it scored */
    uint64_t reserve_rejections; /* cycles its Reserve failed */
    uint64_t permit_rejections;  /* cycles its Permit rejected */
} ks_plugin_stats;

/* The counters of every profile's plugins, in profile then plugin order;
 * *n receives the count.  Valid until the scheduler is destroyed. */
const ks_plugin_stats *ks_scheduler_plugin_stats(const ks_scheduler *s,
                                                 size_t *n);
const ks_queue *ks_scheduler_queue(const ks_scheduler *s);

/* The instance of plugin in profile p (profile order), or NULL when p is
 * out of range, the profile does not run plugin or the plugin keeps no
 * instance.  For hooks a plugin offers beyond plugin.h, such as
 * ks_pts_set_selector_source. */
void *ks_scheduler_plugin_instance(ks_scheduler *s, size_t profile,
                                   const ks_plugin *plugin);

/* A node was added or changed: the unschedulable pods are moved to be
 * tried again (the NodeAdd / NodeUpdate queueing hints). */
void ks_scheduler_cluster_changed(ks_scheduler *s);

/* Called after the scheduler dropped pod (drop_unschedulable). */
typedef void (*ks_drop_fn)(void *ctx, uint32_t pod);
void ks_scheduler_set_drop_observer(ks_scheduler *s, ks_drop_fn fn,
                                    void *ctx);

/* The random stream plugins receive in ks_plugin_call.rng (borrowed; NULL
 * by default). */
void ks_scheduler_set_plugin_rng(ks_scheduler *s, gsl_rng *rng);

/* ---- explain: one decision with every plugin's verdict and score ------- */

#define KS_EXPLAIN_MSG_MAX 160

/* One plugin's verdict on one node (Filter), or its score there. */
typedef struct ks_explain_filter {
    int ran;                 /* 0: not enabled at Filter, or PreFilter Skip */
    ks_status_code code;
    char message[KS_EXPLAIN_MSG_MAX];
} ks_explain_filter;

typedef struct ks_explain_score {
    int ran;                 /* 0: not enabled at Score, or PreScore Skip */
    int64_t raw, normalized, weighted;
} ks_explain_score;

typedef struct ks_explain_node {
    uint32_t node;
    int feasible;            /* every Filter passed */
    int scored;
    ks_explain_filter filter[KS_MAX_PROFILE_PLUGINS];
    ks_explain_score score[KS_MAX_PROFILE_PLUGINS];
    int64_t total;
} ks_explain_node;

typedef struct ks_explain {
    const ks_profile_config *profile; /* NULL: no profile for the pod */
    /* PreFilter rejection (then no node is feasible), else empty. */
    char prefilter_plugin[64];
    char prefilter_message[KS_EXPLAIN_MSG_MAX];
    ks_explain_node *nodes;  /* the evaluated nodes, in the order given */
    size_t nnodes;
    uint32_t selected;       /* KS_NO_NODE when none is feasible */
    uint32_t preemption_node; /* PostFilter's nomination, or KS_NO_NODE */
    uint32_t *victims;
    size_t nvictims;
} ks_explain;

/* Explains the decision for pending pod: PreFilter, then every Filter
 * plugin on every candidate node (all of them, not stopping at the first
 * rejection, so each verdict is shown), Score and NormalizeScore on the
 * feasible nodes (or on every candidate with score_all, a diagnostic:
 * what a rejected node would have scored), the node selectHost picks among
 * the feasible ones, and if none is feasible, what preemption would do
 * (nothing is deleted).  candidates NULL means every node.  Unlike a real
 * cycle, every candidate is evaluated (no percentageOfNodesToScore
 * sampling).  Changes nothing in the cluster.  Returns KS_EINVAL for a
 * pod or candidate out of range or a repeated candidate.  Free with
 * ks_explain_free. */
int ks_scheduler_explain(ks_scheduler *s, uint32_t pod,
                         const uint32_t *candidates, size_t ncandidates,
                         int score_all, ks_explain *out);
void ks_explain_free(ks_explain *e);

#endif
