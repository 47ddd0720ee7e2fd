/* leastpods.c - an out-of-tree ksim plugin: place pods by how many pods
 * each node already runs.
 *
 * LeastPods is a Filter and a Score plugin written against ksim's public
 * plugin API (<ksim/plugin.h>, docs/plugins.md).  Its pluginConfig args:
 *
 *   prefer   "fewest" (default): the node with the fewest pods scores
 *            highest, spreading pods; "most": the busiest node scores
 *            highest, packing them.
 *   maxPods  Filter: a node already running maxPods pods is rejected
 *            (default 0: no limit).
 *
 * Raw scores are the nodes' pod counts; NormalizeScore maps them onto
 * [0, 100] relative to the busiest feasible node.  The plugin allocates
 * one small instance per profile (with ksim's allocator, api->alloc) and
 * nothing per cycle.
 *
 * Build: make (see the Makefile beside this file).  Use it in a
 * KubeSchedulerConfiguration:
 *
 *   profiles:
 *     - plugins:
 *         score: {enabled: [{name: LeastPods, weight: 5}]}
 *       pluginConfig:
 *         - name: LeastPods
 *           args: {ksim.dev/sharedObject: ./libleastpods.so, prefer: most}
 */
#include <stdio.h>
#include <string.h>

#include <ksim/plugin.h>

typedef struct leastpods {
    const ksim_api *api;
    int most;        /* prefer: most */
    int64_t max_pods; /* 0: no limit */
} leastpods;

static int lp_create(const ksim_api *api, const char *args, void **instance,
                     char *err, size_t err_size)
{
    char prefer[16] = "fewest";
    int64_t max_pods = 0;
    int rc = api->args_string(args, "/prefer", prefer, sizeof prefer);
    if (rc < 0 || (strcmp(prefer, "fewest") && strcmp(prefer, "most"))) {
        snprintf(err, err_size, "prefer must be \"fewest\" or \"most\"");
        return 1;
    }
    rc = api->args_int(args, "/maxPods", &max_pods);
    if (rc < 0 || max_pods < 0) {
        snprintf(err, err_size, "maxPods must be a non-negative integer");
        return 1;
    }
    leastpods *lp = api->alloc(sizeof *lp);
    lp->api = api;
    lp->most = strcmp(prefer, "most") == 0;
    lp->max_pods = max_pods;
    *instance = lp;
    return 0;
}

static void lp_destroy(void *instance)
{
    const leastpods *lp = instance;
    if (lp)
        lp->api->release(instance);
}

static ksim_status lp_filter(const ksim_call *call, const ksim_node *node)
{
    const leastpods *lp = call->instance;
    ksim_status st = {KSIM_SUCCESS, NULL};
    if (lp->max_pods > 0 &&
        (int64_t)lp->api->node_pod_count(call->cluster, node) >= lp->max_pods) {
        st.code = KSIM_UNSCHEDULABLE;
        st.message = "node(s) already run maxPods pods (LeastPods)";
    }
    return st;
}

static int64_t lp_score(const ksim_call *call, const ksim_node *node)
{
    return (int64_t)call->api->node_pod_count(call->cluster, node);
}

static void lp_normalize(const ksim_call *call, const ksim_node *const *nodes,
                         int64_t *scores, size_t n)
{
    const leastpods *lp = call->instance;
    int64_t max = 0;
    (void)nodes;
    for (size_t i = 0; i < n; i++)
        if (scores[i] > max)
            max = scores[i];
    for (size_t i = 0; i < n; i++) {
        int64_t s = max ? scores[i] * KSIM_MAX_NODE_SCORE / max : 0;
        scores[i] = lp->most ? s : KSIM_MAX_NODE_SCORE - s;
    }
}

static const ksim_plugin leastpods_plugin = {
    KSIM_PLUGIN_HEADER,
    .name = "LeastPods",
    .create = lp_create,
    .destroy = lp_destroy,
    .filter = lp_filter,
    .score = lp_score,
    .normalize = lp_normalize,
};

KSIM_PLUGINS(&leastpods_plugin)
