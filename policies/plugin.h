/* plugin.h - scheduling plugins: tables of functions on extension points.
 *
 * A plugin is one ks_plugin table (ROSS's tw_lptype pattern): a name and
 * the extension points it implements, each NULL when not implemented.  The
 * framework (sched/scheduler.c) runs them as upstream's
 * framework/runtime/framework.go does (Kubernetes v1.36):
 *   PreFilter  once per cycle; may return SKIP (Filter then not run for this
 *              pod) or a rejection (every node gets it);
 *   Filter     per node, in profile order, until one rejects;
 *   PreScore   once per cycle over the feasible nodes; SKIP skips Score;
 *   Score      per feasible node, a raw score;
 *   NormalizeScore  over all raw scores of the plugin, in place, into
 *              [KS_MIN_NODE_SCORE, KS_MAX_NODE_SCORE];
 *   Reserve    when the cycle's chosen node is assumed, in profile order;
 *              a failure runs every Reserve plugin's Unreserve in reverse
 *              order and the pod is not bound;
 *   Permit     after Reserve: success lets the binding go on, a rejection
 *              unreserves as above (upstream's Wait needs another actor to
 *              allow the pod later: ksim treats it as a rejection).
 * Binding is DefaultBinder's: ksim's own, after the bind latency.
 * Plugins see the cluster read-only; they never bind or change state.
 *
 * Instances: a plugin may keep state across its calls (PreFilter results
 * read by Filter, scratch buffers): `create` makes an instance for a profile
 * from the plugin's args, `destroy` frees it.  The scheduler runs one cycle
 * at a time, so per-cycle state lives in the instance and is overwritten by
 * the next PreFilter/PreScore; no allocation per cycle is needed.
 *
 * Incremental state: plugins whose PreFilter/PreScore would otherwise
 * rescan every pod (PodTopologySpread, InterPodAffinity) keep counts in
 * their instance and are told when a pod is assumed on a node
 * (pod_added, after the cluster accounts it) and when a bound pod leaves
 * (pod_removed, after the cluster released it; pod->node still names the
 * node it was on).  Pods already bound when the scheduler starts are
 * reported through pod_added too.
 *
 * This is the in-tree form; issue 5 turns it into the public, installed
 * plugin API.  A plugin is one file and one entry in policies/registry.c.
 */
#ifndef KS_PLUGIN_H
#define KS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/cluster.h"

#define KS_MAX_NODE_SCORE 100
#define KS_MIN_NODE_SCORE 0

/* The framework's status codes (framework/interface.go Code). */
typedef enum ks_status_code {
    KS_STATUS_SUCCESS = 0,
    KS_STATUS_ERROR,
    KS_STATUS_UNSCHEDULABLE,
    KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
    KS_STATUS_SKIP
} ks_status_code;

/* A verdict: the code, a plugin-specific bit set of reasons (for metrics)
 * and a human-readable message as upstream words it (static storage or the
 * instance's buffer; valid until the plugin's next call; may be NULL on
 * success). */
typedef struct ks_status {
    ks_status_code code;
    uint32_t reasons;
    const char *message;
} ks_status;

/* What every call receives. */
typedef struct ks_plugin_call {
    const void *args;          /* the plugin's args: configured or default */
    void *instance;            /* from create(), or NULL */
    const ks_cluster *cluster; /* the scheduler's snapshot */
    const ks_pod *pod;         /* the pod being scheduled */
    int k8s_minor;             /* Kubernetes minor version, e.g. 36 */
    /* The run's "plugins" random stream, for policies that draw (Random,
     * power of two choices); NULL outside a run (tests, explain): such a
     * plugin must then behave deterministically. */
    gsl_rng *rng;
} ks_plugin_call;

/* What a PostFilter plugin (preemption) may do with the cycle that just
 * failed: read the per-node verdicts, and ask "what if" questions by taking
 * pods off a node and putting them back (the scheduler keeps every
 * plugin's incremental state in step), then asking whether the pod being
 * scheduled passes the profile's filters on a node. */
typedef struct ks_postfilter_env {
    const uint8_t *unresolvable; /* per node: UnschedulableAndUnresolvable */
    int (*fits)(void *sched, uint32_t node);
    void (*detach)(void *sched, uint32_t pod);
    void (*attach)(void *sched, uint32_t pod);
    void *sched;
    gsl_rng *rng; /* the `preemption` stream */
} ks_postfilter_env;

/* A PostFilter's outcome: the node nominated for the pod and the pods to
 * delete there (victims: the instance's buffer, valid until its next
 * call). */
typedef struct ks_postfilter_result {
    uint32_t nominated_node; /* KS_NO_NODE: nothing to do */
    const uint32_t *victims;
    size_t nvictims;
} ks_postfilter_result;

typedef struct ks_plugin {
    const char *name;
    void *(*create)(const void *args);
    void (*destroy)(void *instance);
    ks_status (*pre_filter)(const ks_plugin_call *call);
    ks_status (*filter)(const ks_plugin_call *call, const ks_node *node);
    ks_status (*pre_score)(const ks_plugin_call *call, const uint32_t *nodes,
                           size_t n);
    int64_t (*score)(const ks_plugin_call *call, const ks_node *node);
    void (*normalize)(const ks_plugin_call *call, int64_t *scores, size_t n);
    /* PostFilter: runs when no node passed the filters (DefaultPreemption). */
    ks_status (*post_filter)(const ks_plugin_call *call,
                             const ks_postfilter_env *env,
                             ks_postfilter_result *out);
    /* Reserve / Unreserve / Permit on the node chosen for call->pod.  A
     * Reserve plugin that chooses the GPUs of the node the pod uses
     * (sim/gpu.h) stores their bit set in *gpu_mask (left 0 otherwise: the
     * cluster then picks by best fit); a later plugin's choice wins. */
    ks_status (*reserve)(const ks_plugin_call *call, uint32_t node,
                         uint32_t *gpu_mask);
    void (*unreserve)(const ks_plugin_call *call, uint32_t node);
    ks_status (*permit)(const ks_plugin_call *call, uint32_t node);
    void (*pod_added)(void *instance, const ks_cluster *c, uint32_t pod);
    void (*pod_removed)(void *instance, const ks_cluster *c, uint32_t pod);
    /* A bound pod started terminating (a preemption victim): upstream
     * stops counting it for spreading at once, though it still holds its
     * resources until it is gone (pod_removed). */
    void (*pod_terminating)(void *instance, const ks_cluster *c,
                            uint32_t pod);
    /* Default args (static storage), used when the configuration gives
     * none. */
    const void *default_args;
    /* The default weight at Score in the default profile (default_plugins.go). */
    int64_t default_weight;
} ks_plugin;

/* Convenience constructors for statuses. */
static inline ks_status ks_status_ok(void)
{
    ks_status s = {KS_STATUS_SUCCESS, 0, NULL};
    return s;
}

static inline ks_status ks_status_make(ks_status_code code, uint32_t reasons,
                                       const char *message)
{
    ks_status s = {code, reasons, message};
    return s;
}

#endif
