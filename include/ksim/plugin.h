/* ksim/plugin.h - ksim's public plugin API: write scheduling plugins in C.
 *
 * A plugin is one ksim_plugin descriptor: a name and the extension points
 * it implements (PreFilter, Filter, PreScore, Score, NormalizeScore,
 * QueueSort), each NULL when not implemented.  ksim runs it inside its
 * re-implementation of the kube-scheduler framework exactly as it runs its
 * own plugins (docs/scheduler.md), at the points a KubeSchedulerConfiguration
 * enables it, with the args of the configuration's pluginConfig.
 *
 * A plugin is either compiled into ksim (ks_api_plugin_register, or one
 * entry in policies/registry.c) or built out of tree as a shared object
 * that exports ksim_plugin_entry (KSIM_PLUGINS below) and is named in the
 * configuration:
 *
 *     pluginConfig:
 *       - name: LeastPods
 *         args: {ksim.dev/sharedObject: ./libleastpods.so, prefer: most}
 *
 * docs/plugins.md walks through writing, building, configuring and
 * testing one; examples/plugins/leastpods/ is a complete example.
 *
 * Everything a plugin reads comes through the ksim_api function table
 * handed to create() and found in every call (call->api): a plugin links
 * against nothing from ksim, so one .so works with the ksim binary, the
 * test runner and a sanitizer build alike.
 *
 * Rules (docs/plugins.md, "Determinism"): plugins see the cluster
 * read-only; handles (ksim_node, ksim_pod, ksim_cluster pointers) are
 * valid only during the call that received them (keep indices instead);
 * no wall clock, no unseeded randomness (use api->uniform), no global
 * state shared between instances.
 *
 * ABI: this header includes only <stddef.h> and <stdint.h>.  A descriptor
 * starts with KSIM_PLUGIN_HEADER (the ABI version it was built for and its
 * size); ksim refuses a descriptor of another ABI version.  Within one ABI
 * version the ksim_api table and the descriptor only grow at the end: a
 * plugin may use an api function only when api->size covers it.
 */
#ifndef KSIM_PLUGIN_H
#define KSIM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KSIM_PLUGIN_ABI_VERSION 1

/* The symbol a shared object exports (see KSIM_PLUGINS). */
#define KSIM_PLUGIN_ENTRY_SYMBOL "ksim_plugin_entry"

/* Scores after NormalizeScore are in [KSIM_MIN_NODE_SCORE,
 * KSIM_MAX_NODE_SCORE]; a score outside fails the cycle, as in
 * kube-scheduler. */
#define KSIM_MAX_NODE_SCORE 100
#define KSIM_MIN_NODE_SCORE 0

/* Capacity of one GPU in milli-GPU (the unit of the GPU-sharing traces). */
#define KSIM_GPU_MILLI 1000

/* ---- handles ----------------------------------------------------------- */

/* Opaque: read them through the ksim_api functions. */
typedef struct ksim_cluster ksim_cluster;
typedef struct ksim_node ksim_node;
typedef struct ksim_pod ksim_pod;

/* Resource ids, for the *_allocatable / *_requested / *_request
 * functions.  The four built-in ones are fixed; others (nvidia.com/gpu,
 * hugepages-2Mi, ...) get an id when an input first names them: look them
 * up with api->resource_lookup (-1 when nothing names it: every amount of
 * an id out of range reads 0).  Units: millicores for cpu, bytes for
 * memory and storage, counts otherwise. */
typedef int ksim_resource;
enum {
    KSIM_RES_CPU = 0,
    KSIM_RES_MEMORY = 1,
    KSIM_RES_PODS = 2,
    KSIM_RES_EPHEMERAL_STORAGE = 3
};

/* ---- statuses ------------------------------------------------------------ */

/* The framework's status codes (upstream framework/interface.go Code). */
typedef enum ksim_code {
    KSIM_SUCCESS = 0,
    KSIM_ERROR = 1,                /* the cycle fails; the pod backs off */
    KSIM_UNSCHEDULABLE = 2,        /* rejected; preemption may help */
    KSIM_UNSCHEDULABLE_AND_UNRESOLVABLE = 3, /* rejected; preemption won't */
    KSIM_SKIP = 4 /* PreFilter: skip this Filter; PreScore: skip this Score */
} ksim_code;

/* A verdict.  message: static storage or the instance's own buffer, valid
 * until the plugin's next call; NULL is fine on success. */
typedef struct ksim_status {
    int32_t code; /* a ksim_code */
    const char *message;
} ksim_status;

/* ---- calls --------------------------------------------------------------- */

typedef struct ksim_api ksim_api;

/* What every extension point receives. */
typedef struct ksim_call {
    const ksim_api *api;
    const ksim_cluster *cluster; /* the scheduler's view, read-only */
    const ksim_pod *pod;         /* the pod being scheduled; NULL in less() */
    void *instance;              /* what create() returned */
    int k8s_minor;               /* Kubernetes minor simulated, e.g. 36 */
    const void *host;            /* private to ksim */
} ksim_call;

/* A pod waiting in activeQ, for QueueSort. */
typedef struct ksim_queued_pod {
    const ksim_pod *pod;
    int64_t timestamp; /* queue timestamp, ns of simulated time: when it
                          arrived or last failed */
} ksim_queued_pod;

/* ---- the plugin descriptor ----------------------------------------------- */

typedef struct ksim_plugin {
    /* KSIM_PLUGIN_HEADER: always first. */
    uint32_t abi_version;
    uint32_t size;
    /* The name configurations use ("LeastPods"): unique among plugins. */
    const char *name;
    /* Makes an instance for one profile from the plugin's pluginConfig
     * args as JSON text ("{}" without args; never NULL).  Returns 0 and
     * *instance (NULL is fine for a plugin without state), or nonzero with
     * a one-line reason in err[0..err_size) for bad args: ksim reports it
     * at the args in the configuration.  ksim also calls it once when the
     * configuration is loaded to check the args, then destroys that
     * instance: keep create free of side effects.  May be NULL. */
    int (*create)(const ksim_api *api, const char *args_json,
                  void **instance, char *err, size_t err_size);
    void (*destroy)(void *instance); /* may be NULL */
    /* PreFilter: once per cycle.  SKIP: Filter is not run for this pod;
     * a rejection rejects the pod on every node. */
    ksim_status (*pre_filter)(const ksim_call *call);
    /* Filter: may call->pod run on node? */
    ksim_status (*filter)(const ksim_call *call, const ksim_node *node);
    /* PreScore: once per cycle over the feasible nodes.  SKIP: no Score
     * for this pod; an ERROR fails the cycle.  Needs score. */
    ksim_status (*pre_score)(const ksim_call *call,
                             const ksim_node *const *nodes, size_t n);
    /* Score: a raw score of node for call->pod. */
    int64_t (*score)(const ksim_call *call, const ksim_node *node);
    /* NormalizeScore: rewrites the raw scores (scores[i] is nodes[i]'s,
     * the nodes PreScore saw) into [KSIM_MIN_NODE_SCORE,
     * KSIM_MAX_NODE_SCORE].  Needs score. */
    void (*normalize)(const ksim_call *call, const ksim_node *const *nodes,
                      int64_t *scores, size_t n);
    /* QueueSort: nonzero when a must be tried before b (replaces
     * PrioritySort; every profile shares it).  When neither is before the
     * other, the earlier-created pod goes first. */
    int (*less)(const ksim_call *call, const ksim_queued_pod *a,
                const ksim_queued_pod *b);
} ksim_plugin;

#define KSIM_PLUGIN_HEADER                                                     \
    .abi_version = KSIM_PLUGIN_ABI_VERSION, .size = sizeof(ksim_plugin)

/* ---- what ksim offers plugins ----------------------------------------------
 *
 * Every function takes the cluster first; node and pod handles come from
 * the call or from these functions.  Out-of-range arguments read as 0,
 * NULL or "" rather than crash.  The table is static: keep the pointer.
 */
struct ksim_api {
    uint32_t abi_version; /* KSIM_PLUGIN_ABI_VERSION of the running ksim */
    uint32_t size;        /* sizeof its ksim_api: functions are appended */

    /* Memory: zeroed, never NULL (ksim stops on exhaustion, as it does
     * for its own allocations), and its release (NULL is fine).  Use them
     * for instances and buffers so allocations are ksim's and checked by
     * its sanitizer builds. */
    void *(*alloc)(size_t size);
    void (*release)(void *p);

    /* Resources. */
    int (*resource_count)(void); /* ids are 0 .. count-1 */
    const char *(*resource_name)(ksim_resource r); /* "" out of range */
    ksim_resource (*resource_lookup)(const char *name); /* -1: unknown */

    /* The cluster: nodes and pods by dense index. */
    size_t (*node_count)(const ksim_cluster *c);
    const ksim_node *(*node_at)(const ksim_cluster *c, size_t i);
    size_t (*pod_count)(const ksim_cluster *c); /* every pod, any phase */
    const ksim_pod *(*pod_at)(const ksim_cluster *c, size_t i);

    /* Nodes. */
    size_t (*node_index)(const ksim_cluster *c, const ksim_node *n);
    const char *(*node_name)(const ksim_cluster *c, const ksim_node *n);
    int64_t (*node_allocatable)(const ksim_cluster *c, const ksim_node *n,
                                ksim_resource r);
    /* The requests of the pods bound to the node (pods: their count). */
    int64_t (*node_requested)(const ksim_cluster *c, const ksim_node *n,
                              ksim_resource r);
    /* The same with the scheduler's defaults for unset cpu and memory
     * requests (100m, 200Mi), as the scoring plugins read it. */
    int64_t (*node_nonzero_requested)(const ksim_cluster *c,
                                      const ksim_node *n, ksim_resource r);
    /* The value of label key, NULL when the node has no such label. */
    const char *(*node_label)(const ksim_cluster *c, const ksim_node *n,
                              const char *key);
    size_t (*node_taint_count)(const ksim_cluster *c, const ksim_node *n);
    int (*node_unschedulable)(const ksim_cluster *c, const ksim_node *n);
    /* The pods bound to the node, in no particular order. */
    size_t (*node_pod_count)(const ksim_cluster *c, const ksim_node *n);
    const ksim_pod *(*node_pod_at)(const ksim_cluster *c, const ksim_node *n,
                                   size_t i);
    /* GPUs: how many, their model ("" for none) and each one's free
     * milli-GPU (0 .. KSIM_GPU_MILLI). */
    unsigned (*node_gpu_count)(const ksim_cluster *c, const ksim_node *n);
    const char *(*node_gpu_model)(const ksim_cluster *c, const ksim_node *n);
    int64_t (*node_gpu_free_milli)(const ksim_cluster *c, const ksim_node *n,
                                   unsigned gpu);

    /* Pods. */
    size_t (*pod_index)(const ksim_cluster *c, const ksim_pod *p);
    /* metadata.name of a manifest pod; NULL for a generated pod (name it
     * by pod_index). */
    const char *(*pod_name)(const ksim_cluster *c, const ksim_pod *p);
    const char *(*pod_namespace)(const ksim_cluster *c, const ksim_pod *p);
    int32_t (*pod_priority)(const ksim_cluster *c, const ksim_pod *p);
    /* The pod's requests (pods: 1) and their non-zero scoring view. */
    int64_t (*pod_request)(const ksim_cluster *c, const ksim_pod *p,
                           ksim_resource r);
    int64_t (*pod_nonzero_request)(const ksim_cluster *c, const ksim_pod *p,
                                   ksim_resource r);
    const char *(*pod_label)(const ksim_cluster *c, const ksim_pod *p,
                             const char *key);
    /* The node the pod is bound to, NULL while it is pending. */
    const ksim_node *(*pod_node)(const ksim_cluster *c, const ksim_pod *p);
    /* GPU request: how many GPUs, the milli-GPU wanted on each, and whether
     * node's GPU model is one the pod accepts. */
    unsigned (*pod_gpu_count)(const ksim_cluster *c, const ksim_pod *p);
    int64_t (*pod_gpu_milli)(const ksim_cluster *c, const ksim_pod *p);
    int (*pod_gpu_model_allowed)(const ksim_cluster *c, const ksim_pod *p,
                                 const ksim_node *n);

    /* Args: typed reads of the JSON text create() received, at a JSON
     * Pointer (RFC 6901: "/weight", "/scoring/resources/0/name").  Each
     * returns 1 and stores the value, 0 when the pointer names nothing,
     * -1 when the value has another type (or the text is not JSON, or a
     * string does not fit buf with its NUL). */
    int (*args_int)(const char *args_json, const char *pointer,
                    int64_t *out);
    int (*args_double)(const char *args_json, const char *pointer,
                       double *out); /* integers too */
    int (*args_bool)(const char *args_json, const char *pointer, int *out);
    int (*args_string)(const char *args_json, const char *pointer, char *buf,
                       size_t size);

    /* Randomness: draws from the run's "plugins" stream (seeded from the
     * scenario's seed, shared by all plugins in the order they draw),
     * uniform in [0, 1) and in [0, n) (0 when n is 0; both 0 outside a
     * run, where no stream is set). */
    double (*uniform)(const ksim_call *call);
    uint64_t (*uniform_int)(const ksim_call *call, uint64_t n);
};

/* ---- shared objects ----------------------------------------------------- */

/* What a shared object exports: its plugins, a NULL-terminated list. */
const ksim_plugin *const *ksim_plugin_entry(void);

#if defined(__GNUC__)
#define KSIM_EXPORT __attribute__((visibility("default")))
#else
#define KSIM_EXPORT
#endif

/* KSIM_PLUGINS(&my_plugin, &my_other_plugin) defines the entry point. */
#define KSIM_PLUGINS(...)                                                      \
    KSIM_EXPORT const ksim_plugin *const *ksim_plugin_entry(void)              \
    {                                                                          \
        static const ksim_plugin *const ksim_list_[] = {__VA_ARGS__, NULL};    \
        return ksim_list_;                                                     \
    }

#ifdef __cplusplus
}
#endif

#endif
