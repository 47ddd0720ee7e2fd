/* plugin.h - scheduling plugins: tables of functions on extension points.
 *
 * A plugin is one ks_plugin table (ROSS's tw_lptype pattern): a name and the
 * extension points it implements, each NULL when not implemented.  The
 * framework (sched/scheduler.c) runs Filter plugins in profile order until
 * one rejects, then Score and NormalizeScore, then sums score x weight, as
 * upstream's framework/runtime/framework.go does.  Plugins see the cluster
 * read-only; they never bind or change state.
 *
 * This is the in-tree form; issue 5 turns it into the public, installed
 * plugin API.  A plugin is one file and one entry in policies/registry.c.
 */
#ifndef KS_PLUGIN_H
#define KS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

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

/* A filter verdict: the code and, for rejections, a plugin-specific bit set
 * of reasons (for explain and metrics). */
typedef struct ks_status {
    ks_status_code code;
    uint32_t reasons;
} ks_status;

typedef struct ks_plugin {
    const char *name;
    /* Filter: may the pod run on the node? */
    ks_status (*filter)(const void *args, const ks_cluster *c,
                        const ks_pod *pod, const ks_node *node);
    /* Score: a raw score for a feasible node. */
    int64_t (*score)(const void *args, const ks_cluster *c, const ks_pod *pod,
                     const ks_node *node);
    /* NormalizeScore: rescales the raw scores of all feasible nodes in place
     * to [KS_MIN_NODE_SCORE, KS_MAX_NODE_SCORE]. */
    void (*normalize)(const void *args, int64_t *scores, size_t n);
    /* Default args (borrowed; static storage), passed back to each call. */
    const void *default_args;
} ks_plugin;

#endif
