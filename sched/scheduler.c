/* scheduler.c - the scheduling cycle: filter, score, select, bind.
 *
 * The scheduler is driven by three kinds of events: a cycle (one pod), the
 * one-second backoff flush and the 30-second unschedulable-leftover flush.
 * Each is armed only while it has work, so an idle scheduler costs no
 * events.  Buffers for feasible nodes and scores are sized to the cluster
 * once and reused: a cycle allocates nothing.
 */
#include "sched/scheduler.h"

#include <stdlib.h>
#include <string.h>

#include "policies/k8s/defaultpreemption.h"
#include "policies/k8s/noderesources_fit.h"
#include "policies/registry.h"
#include "sim/xalloc.h"

/* schedule_one.go: minFeasibleNodesToFind, minFeasibleNodesPercentageToFind */
#define MIN_FEASIBLE_NODES_TO_FIND 100
#define MIN_FEASIBLE_NODES_PERCENTAGE 5
/* scheduling_queue.go: the flush periods of backoffQ and leftover pods. */
#define BACKOFF_FLUSH_PERIOD KS_SECOND
#define LEFTOVER_FLUSH_PERIOD (30 * KS_SECOND)

/* A profile's running plugins: one instance each. */
typedef struct framework {
    const ks_profile_config *profile;
    ks_plugin_stats *stats; /* nplugins entries in the scheduler's array */
    uint32_t bit[KS_MAX_PROFILE_PLUGINS]; /* rejected_by bit of each plugin */
    void *instances[KS_MAX_PROFILE_PLUGINS];
    uint8_t skip_filter[KS_MAX_PROFILE_PLUGINS]; /* PreFilter said Skip */
    /* This cycle's call contexts, and the plugins whose Filter runs on
     * each node (enabled, implemented, not skipped), in profile order:
     * built once per cycle so the per-node loop does no bookkeeping. */
    ks_plugin_call calls[KS_MAX_PROFILE_PLUGINS];
    uint8_t active[KS_MAX_PROFILE_PLUGINS];
    size_t nactive;
} framework;

struct ks_scheduler {
    ks_engine *engine;
    ks_cluster *cluster;
    gsl_rng *tiebreak;
    ks_scheduler_config cfg;
    ks_bind_fn bind;
    void *bind_ctx;
    ks_queue *queue;
    size_t next_start_node; /* nextStartNodeIndex */
    uint32_t *feasible;     /* nnodes entries */
    uint8_t *unresolvable;  /* nnodes entries: this cycle's verdicts */
    int64_t *plugin_scores; /* nnodes entries, one plugin at a time */
    int64_t *total_scores;  /* nnodes entries */
    size_t buf_nodes;
    framework fw[KS_MAX_PROFILES];
    framework *cur; /* the profile of the pod in its cycle */
    int cycle_armed;
    int busy;             /* a cycle is in progress */
    int what_if;          /* preemption's dry run: no counters */
    int prefilter_rejected; /* this cycle's PreFilter rejected the pod */
    ks_evict_fn evict;
    void *evict_ctx;
    gsl_rng *preemption_rng;
    gsl_rng *plugin_rng; /* handed to plugins in ks_plugin_call.rng */
    ks_queue_sort_fn queue_sort; /* a QueueSort plugin's, or NULL */
    void *queue_sort_instance;
    ks_drop_fn on_drop;
    void *drop_ctx;
    uint32_t *node_rank; /* tie_break_node_order: rank of each node */
    size_t nranked;
    uint32_t cycle_nominated; /* node a PostFilter nominated, or none */
    /* Pending pods with a nominated node (from their preemption), and per
     * node how many: filters on a node count the nominated pods of equal
     * or higher priority as if they were there. */
    uint32_t *nominated;
    size_t nnominated, nominated_cap;
    uint32_t *nominated_on; /* per node */
    size_t nominated_on_cap;
    uint32_t *cycle_victims;
    size_t cycle_nvictims, cycle_victims_cap;
    uint32_t cycle_pod;   /* its pod */
    uint32_t cycle_node;  /* its decision, KS_NO_NODE = unschedulable */
    uint32_t cycle_rejected_by; /* plugins that rejected it this cycle */
    int backoff_armed;
    int leftover_armed;
    ks_scheduler_stats stats;
    ks_plugin_stats *plugin_stats;
    size_t nplugin_stats;
};

ks_scheduler_config ks_scheduler_default_config(void)
{
    ks_scheduler_config c = {0};
    c.percentage_of_nodes_to_score = 0;
    c.k8s_minor = 36;
    c.queue = ks_queue_default_config();
    c.profiles[0].scheduler_name = KS_DEFAULT_SCHEDULER_NAME;
    c.profiles[0].percentage_of_nodes_to_score = -1;
    c.profiles[0].plugins[0] =
        (ks_plugin_use){.plugin = &ks_plugin_noderesources_fit,
                        .filter = 1, .score = 1, .weight = 1};
    c.profiles[0].plugins[1] =
        (ks_plugin_use){.plugin = &ks_plugin_defaultpreemption,
                        .filter = 1};
    c.profiles[0].nplugins = 2;
    c.nprofiles = 1;
    return c;
}

size_t ks_num_feasible_nodes_to_find(int percentage, size_t nnodes)
{
    if (nnodes < MIN_FEASIBLE_NODES_TO_FIND)
        return nnodes;
    long pct = percentage;
    if (pct <= 0) {
        pct = 50 - (long)(nnodes / 125);
        if (pct < MIN_FEASIBLE_NODES_PERCENTAGE)
            pct = MIN_FEASIBLE_NODES_PERCENTAGE;
    }
    if (pct >= 100)
        return nnodes;
    size_t k = nnodes * (size_t)pct / 100;
    return k < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : k;
}

/* activeQ's order when a QueueSort plugin replaces PrioritySort. */
static int queue_less(void *ctx, uint32_t a, ks_time ta, uint32_t b,
                      ks_time tb)
{
    ks_scheduler *s = ctx;
    return s->queue_sort(s->queue_sort_instance, s->cluster, s->plugin_rng,
                         a, ta, b, tb);
}

ks_scheduler *ks_scheduler_create(ks_engine *engine, ks_cluster *cluster,
                                  gsl_rng *tiebreak,
                                  const ks_scheduler_config *cfg,
                                  ks_bind_fn bind, void *bind_ctx)
{
    ks_scheduler *s = ks_xcalloc(1, sizeof *s);
    s->engine = engine;
    s->cluster = cluster;
    s->tiebreak = tiebreak;
    s->cfg = cfg ? *cfg : ks_scheduler_default_config();
    s->bind = bind;
    s->bind_ctx = bind_ctx;
    s->queue = ks_queue_create(&s->cfg.queue);
    for (size_t p = 0; p < s->cfg.nprofiles; p++)
        s->nplugin_stats += s->cfg.profiles[p].nplugins;
    s->plugin_stats = ks_xcalloc(s->nplugin_stats ? s->nplugin_stats : 1,
                                 sizeof *s->plugin_stats);
    size_t next_stat = 0;
    for (size_t p = 0; p < s->cfg.nprofiles; p++) {
        ks_profile_config *prof = &s->cfg.profiles[p];
        s->fw[p].profile = prof;
        s->fw[p].stats = &s->plugin_stats[next_stat];
        next_stat += prof->nplugins;
        for (size_t i = 0; i < prof->nplugins; i++) {
            int idx = ks_plugin_index(prof->plugins[i].plugin);
            s->fw[p].bit[i] = idx >= 0 && idx < 32 ? 1u << idx : 0;
            s->fw[p].stats[i].profile = prof->scheduler_name
                                            ? prof->scheduler_name
                                            : KS_DEFAULT_SCHEDULER_NAME;
            s->fw[p].stats[i].plugin = prof->plugins[i].plugin->name;
        }
        for (size_t i = 0; i < prof->nplugins; i++) {
            ks_plugin_use *u = &prof->plugins[i];
            if (!u->args)
                u->args = u->plugin->default_args;
            if (u->plugin->create)
                s->fw[p].instances[i] = u->plugin->create(u->args);
        }
        if (prof->queue_sort && prof->queue_sort_use < prof->nplugins &&
            !s->queue_sort) {
            s->queue_sort = prof->queue_sort;
            s->queue_sort_instance = s->fw[p].instances[prof->queue_sort_use];
        }
    }
    if (s->queue_sort)
        ks_queue_set_less(s->queue, queue_less, s);
    return s;
}

void ks_scheduler_destroy(ks_scheduler *s)
{
    if (!s)
        return;
    for (size_t p = 0; p < s->cfg.nprofiles; p++) {
        const ks_profile_config *prof = &s->cfg.profiles[p];
        for (size_t i = 0; i < prof->nplugins; i++)
            if (prof->plugins[i].plugin->destroy)
                prof->plugins[i].plugin->destroy(s->fw[p].instances[i]);
    }
    ks_queue_destroy(s->queue);
    free(s->plugin_stats);
    free(s->feasible);
    free(s->unresolvable);
    free(s->cycle_victims);
    free(s->nominated);
    free(s->nominated_on);
    free(s->plugin_scores);
    free(s->total_scores);
    free(s->node_rank);
    free(s);
}

static void ensure_buffers(ks_scheduler *s)
{
    size_t n = s->cluster->nnodes;
    if (n <= s->buf_nodes)
        return;
    s->feasible = ks_xrealloc(s->feasible, n * sizeof *s->feasible);
    s->unresolvable = ks_xrealloc(s->unresolvable, n);
    s->plugin_scores = ks_xrealloc(s->plugin_scores, n * sizeof(int64_t));
    s->total_scores = ks_xrealloc(s->total_scores, n * sizeof(int64_t));
    s->buf_nodes = n;
}

/* The call context of profile plugin i for pod. */
static ks_plugin_call plugin_call(const ks_scheduler *s, size_t i,
                                  const ks_pod *pod)
{
    ks_plugin_call call = {
        .args = s->cur->profile->plugins[i].args,
        .instance = s->cur->instances[i],
        .cluster = s->cluster,
        .pod = pod,
        .k8s_minor = s->cfg.k8s_minor,
        .rng = s->plugin_rng,
    };
    return call;
}

/* ---- filtering --------------------------------------------------------- */

/* RunPreFilterPlugins: Skip marks the plugin's Filter as not run for this
 * pod; any other non-success rejects the pod on every node. */
static int run_pre_filters(ks_scheduler *s, const ks_pod *pod)
{
    framework *fw = s->cur;
    fw->nactive = 0;
    for (size_t i = 0; i < fw->profile->nplugins; i++) {
        const ks_plugin_use *u = &fw->profile->plugins[i];
        fw->calls[i] = plugin_call(s, i, pod);
        fw->skip_filter[i] = 0;
        if (!u->filter || !u->plugin->pre_filter)
            continue;
        ks_status st = u->plugin->pre_filter(&fw->calls[i]);
        if (st.code == KS_STATUS_SKIP) {
            fw->skip_filter[i] = 1;
        } else if (st.code != KS_STATUS_SUCCESS) {
            /* No filter state for this pod: preemption cannot evaluate
             * nodes either (upstream's filters fail to read it). */
            s->prefilter_rejected = 1;
            if (!s->what_if)
                fw->stats[i].pre_filter_rejections++;
            s->cycle_rejected_by |= fw->bit[i];
            /* Every node gets the PreFilter's status. */
            memset(s->unresolvable,
                   st.code == KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                   s->cluster->nnodes);
            return 0;
        }
    }
    for (size_t i = 0; i < fw->profile->nplugins; i++) {
        const ks_plugin_use *u = &fw->profile->plugins[i];
        if (u->filter && u->plugin->filter && !fw->skip_filter[i])
            fw->active[fw->nactive++] = (uint8_t)i;
    }
    return 1;
}

/* Runs the profile's filters on node: KS_STATUS_SUCCESS or the first
 * rejection's code (which ends the chain). */
static ks_status_code run_filters(ks_scheduler *s, const ks_node *node)
{
    framework *fw = s->cur;
    for (size_t k = 0; k < fw->nactive; k++) {
        size_t i = fw->active[k];
        const ks_plugin_use *u = &fw->profile->plugins[i];
        if (!s->what_if)
            fw->stats[i].filter_calls++;
        ks_status_code code = u->plugin->filter(&fw->calls[i], node).code;
        if (code != KS_STATUS_SUCCESS) {
            if (!s->what_if) {
                fw->stats[i].filter_rejections++;
                s->cycle_rejected_by |= fw->bit[i];
            }
            return code;
        }
    }
    return KS_STATUS_SUCCESS;
}

/* ---- nominated pods ------------------------------------------------------- */

static void notify_plugins(ks_scheduler *s, uint32_t pod, int added);

static void unnominate(ks_scheduler *s, uint32_t pod)
{
    ks_pod *p = &s->cluster->pods[pod];
    if (p->nominated_node == KS_NO_NODE)
        return;
    for (size_t i = 0; i < s->nnominated; i++)
        if (s->nominated[i] == pod) {
            s->nominated[i] = s->nominated[--s->nnominated];
            break;
        }
    if (p->nominated_node < s->nominated_on_cap)
        s->nominated_on[p->nominated_node]--;
    p->nominated_node = KS_NO_NODE;
}

static void nominate(ks_scheduler *s, uint32_t pod, uint32_t node)
{
    unnominate(s, pod);
    if (node >= s->nominated_on_cap) {
        size_t old = s->nominated_on_cap;
        s->nominated_on = ks_xgrow(s->nominated_on, &s->nominated_on_cap,
                                   s->cluster->nnodes > node + 1
                                       ? s->cluster->nnodes
                                       : (size_t)node + 1,
                                   sizeof *s->nominated_on);
        memset(s->nominated_on + old, 0,
               (s->nominated_on_cap - old) * sizeof *s->nominated_on);
    }
    s->nominated = ks_xgrow(s->nominated, &s->nominated_cap,
                            s->nnominated + 1, sizeof *s->nominated);
    s->nominated[s->nnominated++] = pod;
    s->nominated_on[node]++;
    s->cluster->pods[pod].nominated_node = node;
}

/* A pending pod counted on node for the filters' eyes only: the cluster
 * accounts it there and the plugins hear of it, as upstream's
 * addNominatedPods adds it to a copy of the node and of the cycle state. */
static void virtual_add(ks_scheduler *s, uint32_t pod, uint32_t node)
{
    s->cluster->pods[pod].node = node;
    ks_cluster_attach(s->cluster, pod);
    notify_plugins(s, pod, 1);
}

static void virtual_remove(ks_scheduler *s, uint32_t pod)
{
    ks_cluster_detach(s->cluster, pod);
    notify_plugins(s, pod, 0);
    s->cluster->pods[pod].node = KS_NO_NODE;
}

/* RunFilterPluginsWithNominatedPods: if pods nominated to node have at
 * least the pod's priority, the filters must pass both with them there and
 * without them. */
static ks_status_code filters_with_nominated(ks_scheduler *s,
                                             const ks_pod *pod,
                                             uint32_t node)
{
    const ks_node *n = &s->cluster->nodes[node];
    if (node >= s->nominated_on_cap || s->nominated_on[node] == 0)
        return run_filters(s, n);
    uint32_t self = (uint32_t)(pod - s->cluster->pods);
    uint32_t added[64];
    size_t nadded = 0;
    for (size_t i = 0; i < s->nnominated && nadded < 64; i++) {
        uint32_t q = s->nominated[i];
        const ks_pod *qp = &s->cluster->pods[q];
        if (q != self && qp->nominated_node == node &&
            qp->phase == KS_POD_PENDING && qp->priority >= pod->priority)
            added[nadded++] = q;
    }
    if (nadded == 0)
        return run_filters(s, n);
    for (size_t i = 0; i < nadded; i++)
        virtual_add(s, added[i], node);
    ks_status_code code = run_filters(s, n);
    for (size_t i = nadded; i-- > 0;)
        virtual_remove(s, added[i]);
    return code != KS_STATUS_SUCCESS ? code : run_filters(s, n);
}

static int node_passes_filters(ks_scheduler *s, const ks_pod *pod,
                               const ks_node *node)
{
    ks_status_code code =
        filters_with_nominated(s, pod, (uint32_t)(node - s->cluster->nodes));
    s->unresolvable[node - s->cluster->nodes] =
        code == KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE;
    return code == KS_STATUS_SUCCESS;
}

/* findNodesThatPassFilters, examined in order (upstream runs it in
 * parallel; a deterministic simulator walks the same order serially and
 * stops at the same count).  Returns the number of feasible nodes. */
static size_t find_feasible_nodes(ks_scheduler *s, const ks_pod *pod)
{
    size_t n = s->cluster->nnodes;
    if (n == 0 || !run_pre_filters(s, pod))
        return 0;
    /* A pod with a nominated node (from an earlier preemption) tries it
     * first; if it fits there it is the only feasible node
     * (schedule_one.go evaluateNominatedNode). */
    if (pod->nominated_node < n) {
        s->stats.nodes_evaluated++;
        if (node_passes_filters(s, pod, &s->cluster->nodes[pod->nominated_node])) {
            s->feasible[0] = pod->nominated_node;
            return 1;
        }
    }
    int pct = s->cur->profile->percentage_of_nodes_to_score;
    if (pct < 0)
        pct = s->cfg.percentage_of_nodes_to_score;
    size_t want = ks_num_feasible_nodes_to_find(pct, n);
    size_t found = 0, examined = 0;
    for (; examined < n && found < want; examined++) {
        size_t idx = (s->next_start_node + examined) % n;
        if (node_passes_filters(s, pod, &s->cluster->nodes[idx]))
            s->feasible[found++] = (uint32_t)idx;
    }
    s->stats.nodes_evaluated += examined;
    s->next_start_node = (s->next_start_node + examined) % n;
    return found;
}

/* ---- scoring and selection -------------------------------------------- */

/* Runs PreScore, Score and NormalizeScore; returns 0, or -1 if a PreScore
 * failed with an error or a plugin's normalized score left
 * [KS_MIN_NODE_SCORE, KS_MAX_NODE_SCORE] (upstream's RunScorePlugins then
 * fails the whole cycle). */
static int score_nodes(ks_scheduler *s, size_t nfeasible)
{
    for (size_t i = 0; i < nfeasible; i++)
        s->total_scores[i] = 0;
    const ks_profile_config *prof = s->cur->profile;
    for (size_t p = 0; p < prof->nplugins; p++) {
        const ks_plugin_use *u = &prof->plugins[p];
        if (!u->score || !u->plugin->score)
            continue;
        const ks_plugin_call *call = &s->cur->calls[p];
        if (u->plugin->pre_score) {
            ks_status st = u->plugin->pre_score(call, s->feasible, nfeasible);
            if (st.code == KS_STATUS_SKIP)
                continue;
            if (st.code != KS_STATUS_SUCCESS)
                return -1;
        }
        for (size_t i = 0; i < nfeasible; i++)
            s->plugin_scores[i] = u->plugin->score(
                call, &s->cluster->nodes[s->feasible[i]]);
        s->cur->stats[p].score_calls += nfeasible;
        if (u->plugin->normalize)
            u->plugin->normalize(call, s->plugin_scores, nfeasible);
        int64_t weight = u->weight ? u->weight : 1;
        for (size_t i = 0; i < nfeasible; i++) {
            if (s->plugin_scores[i] < KS_MIN_NODE_SCORE ||
                s->plugin_scores[i] > KS_MAX_NODE_SCORE)
                return -1;
            s->total_scores[i] += s->plugin_scores[i] * weight;
        }
    }
    return 0;
}

/* A random order of the nodes, drawn once from the tiebreak stream
 * (Fisher-Yates); nodes added later rank after all of these, by index. */
static void rank_nodes(ks_scheduler *s)
{
    size_t n = s->cluster->nnodes;
    s->node_rank = ks_xrealloc(s->node_rank, (n ? n : 1) * sizeof *s->node_rank);
    uint32_t *order = ks_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (size_t i = n; i > 1; i--) {
        size_t j = gsl_rng_uniform_int(s->tiebreak, i);
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t r = 0; r < n; r++)
        s->node_rank[order[r]] = (uint32_t)r;
    free(order);
    s->nranked = n;
}

static uint32_t rank_of(const ks_scheduler *s, uint32_t node)
{
    return node < s->nranked ? s->node_rank[node] : node;
}

/* Among the nodes scoring best, the first in the run's node order. */
static uint32_t first_in_node_order(ks_scheduler *s, size_t nfeasible,
                                    int64_t best)
{
    if (!s->node_rank)
        rank_nodes(s);
    uint32_t pick = KS_NO_NODE, pick_rank = UINT32_MAX;
    for (size_t i = 0; i < nfeasible; i++)
        if (s->total_scores[i] == best &&
            rank_of(s, s->feasible[i]) < pick_rank) {
            pick = s->feasible[i];
            pick_rank = rank_of(s, pick);
        }
    return pick;
}

/* The highest total score; among equal ones, each is chosen with equal
 * probability (as selectHost's reservoir sampling did up to v1.34, and as
 * k8s-scheduler.md recommends for v1.35+, whose heap order is arbitrary).
 * The reservoir draws once per tie; counting the ties and drawing once
 * gives the same uniform choice at a fraction of the cost when many
 * identical nodes tie. */
static uint32_t select_host(ks_scheduler *s, size_t nfeasible)
{
    int64_t best = s->total_scores[0];
    unsigned long ties = 1;
    for (size_t i = 1; i < nfeasible; i++) {
        if (s->total_scores[i] > best) {
            best = s->total_scores[i];
            ties = 1;
        } else if (s->total_scores[i] == best) {
            ties++;
        }
    }
    if (s->cfg.tie_break_node_order && ties > 1)
        return first_in_node_order(s, nfeasible, best);
    unsigned long pick = ties > 1 ? gsl_rng_uniform_int(s->tiebreak, ties) : 0;
    for (size_t i = 0;; i++)
        if (s->total_scores[i] == best && pick-- == 0)
            return s->feasible[i];
}

/* ---- event handlers ---------------------------------------------------- */

static void arm_timers(ks_scheduler *s);

static void on_cycle_end(ks_engine *e, void *ctx, uint64_t arg);
static void notify_plugins(ks_scheduler *s, uint32_t pod, int added);
static ks_status_code run_filters(ks_scheduler *s, const ks_node *node);
static void notify_terminating(ks_scheduler *s, uint32_t pod);

#define CYCLE_ERROR (KS_NO_NODE - 1)

/* ---- PostFilter (preemption) ----------------------------------------------- */

static int what_if_fits(void *sched, uint32_t node)
{
    ks_scheduler *s = sched;
    return filters_with_nominated(s, &s->cluster->pods[s->cycle_pod], node) ==
           KS_STATUS_SUCCESS;
}

static void what_if_detach(void *sched, uint32_t pod)
{
    ks_scheduler *s = sched;
    ks_cluster_detach(s->cluster, pod);
    notify_plugins(s, pod, 0);
}

static void what_if_attach(void *sched, uint32_t pod)
{
    ks_scheduler *s = sched;
    ks_cluster_attach(s->cluster, pod);
    notify_plugins(s, pod, 1);
}

/* RunPostFilterPlugins: the first plugin that nominates a node wins; its
 * victims are deleted when the cycle ends. */
static void run_post_filters(ks_scheduler *s, const ks_pod *pod)
{
    s->cycle_nominated = KS_NO_NODE;
    s->cycle_nvictims = 0;
    /* Dropping unschedulable pods (the FGD protocol) preempts nothing. */
    if (!s->evict || !s->preemption_rng || s->prefilter_rejected ||
        s->cfg.drop_unschedulable)
        return;
    ks_postfilter_env env = {s->unresolvable, what_if_fits, what_if_detach,
                             what_if_attach, s, s->preemption_rng};
    const ks_profile_config *prof = s->cur->profile;
    for (size_t i = 0; i < prof->nplugins; i++) {
        const ks_plugin_use *u = &prof->plugins[i];
        if (!u->filter || !u->plugin->post_filter)
            continue;
        ks_plugin_call call = plugin_call(s, i, pod);
        ks_postfilter_result res;
        s->what_if = 1;
        ks_status st = u->plugin->post_filter(&call, &env, &res);
        s->what_if = 0;
        if (st.code != KS_STATUS_SUCCESS || res.nominated_node == KS_NO_NODE)
            continue;
        s->cycle_nominated = res.nominated_node;
        s->cycle_victims = ks_xgrow(s->cycle_victims, &s->cycle_victims_cap,
                                    res.nvictims ? res.nvictims : 1,
                                    sizeof *s->cycle_victims);
        memcpy(s->cycle_victims, res.victims,
               res.nvictims * sizeof *s->cycle_victims);
        s->cycle_nvictims = res.nvictims;
        return;
    }
}

/* PrepareCandidate: nominate the node and delete the victims. */
static void apply_preemption(ks_scheduler *s)
{
    ks_pod *pod = &s->cluster->pods[s->cycle_pod];
    /* Lower-priority pods nominated to that node lose their nomination
     * (getLowerPriorityNominatedPods). */
    for (size_t i = 0; i < s->nnominated;) {
        const ks_pod *q = &s->cluster->pods[s->nominated[i]];
        if (q->nominated_node == s->cycle_nominated &&
            q->priority < pod->priority && s->nominated[i] != s->cycle_pod)
            unnominate(s, s->nominated[i]); /* moves another into slot i */
        else
            i++;
    }
    nominate(s, s->cycle_pod, s->cycle_nominated);
    s->stats.preemptions++;
    for (size_t i = 0; i < s->cycle_nvictims; i++) {
        ks_pod *v = &s->cluster->pods[s->cycle_victims[i]];
        if (v->phase != KS_POD_RUNNING || v->terminating)
            continue; /* already gone or going during the cycle */
        v->terminating = 1;
        v->preempted_by = s->cycle_pod;
        notify_terminating(s, s->cycle_victims[i]);
        pod->victims++;
        s->stats.victims++;
        s->evict(s->evict_ctx, s->cycle_victims[i], s->cycle_pod);
    }
}

/* The decision for pod: a node, KS_NO_NODE (rejected) or CYCLE_ERROR (a
 * plugin failed).  Sets *examined to the number of nodes filtered (for the
 * cycle's cost). */
static uint32_t decide(ks_scheduler *s, const ks_pod *pod, uint64_t *examined)
{
    uint64_t before = s->stats.nodes_evaluated;
    ensure_buffers(s);
    size_t nfeasible = find_feasible_nodes(s, pod);
    *examined = s->stats.nodes_evaluated - before;
    if (nfeasible == 0) {
        run_post_filters(s, pod);
        return KS_NO_NODE;
    }
    if (nfeasible == 1) /* one feasible node: no scoring, as upstream */
        return s->feasible[0];
    if (score_nodes(s, nfeasible) != 0)
        return CYCLE_ERROR;
    return select_host(s, nfeasible);
}

/* The framework of the profile named by the pod's schedulerName, or NULL
 * if no profile has that name. */
static framework *profile_of(ks_scheduler *s, const ks_pod *pod)
{
    const char *name = pod->spec && pod->spec->scheduler_name
                           ? pod->spec->scheduler_name
                           : KS_DEFAULT_SCHEDULER_NAME;
    for (size_t p = 0; p < s->cfg.nprofiles; p++) {
        const char *pn = s->cfg.profiles[p].scheduler_name
                             ? s->cfg.profiles[p].scheduler_name
                             : KS_DEFAULT_SCHEDULER_NAME;
        if (strcmp(pn, name) == 0)
            return &s->fw[p];
    }
    return NULL;
}

/* Starts a cycle: pops a pod and decides on the state at this instant; the
 * decision takes effect when the cycle ends. */
static void start_cycle(ks_scheduler *s)
{
    ks_time now = ks_engine_now(s->engine);
    uint32_t pod_idx = ks_queue_pop(s->queue, now);
    if (pod_idx == KS_QUEUE_NONE)
        return;
    ks_pod *pod = &s->cluster->pods[pod_idx];
    if (pod->phase != KS_POD_PENDING) {
        /* Deleted while queued (the informer's delete removes it from the
         * queue upstream): nothing to schedule; try the next one. */
        ks_queue_done(s->queue, pod_idx);
        arm_timers(s);
        return;
    }
    pod->attempts++;
    s->stats.cycles++;
    s->cur = profile_of(s, pod);
    uint64_t examined = 0;
    s->busy = 1;
    s->cycle_pod = pod_idx;
    s->cycle_rejected_by = 0;
    s->cycle_nominated = KS_NO_NODE;
    s->prefilter_rejected = 0;
    s->cycle_node = decide(s, pod, &examined);
    ks_time cost = s->cfg.cycle_base + s->cfg.cycle_per_node * (ks_time)examined;
    pod->cycle_time += cost;
    ks_engine_after(s->engine, cost, on_cycle_end, s, 0);
}

/* ---- Reserve and Permit ------------------------------------------------ */

/* RunReservePluginsUnreserve: every enabled Reserve plugin, in reverse
 * profile order (upstream calls them all, whichever failed). */
static void run_unreserve(ks_scheduler *s, const ks_pod *pod, uint32_t node)
{
    const ks_profile_config *prof = s->cur->profile;
    for (size_t i = prof->nplugins; i-- > 0;) {
        const ks_plugin_use *u = &prof->plugins[i];
        if (u->reserve && u->plugin->unreserve) {
            ks_plugin_call call = plugin_call(s, i, pod);
            u->plugin->unreserve(&call, node);
        }
    }
}

/* The first non-success of the enabled plugins at Reserve (permit 0) or
 * Permit (permit 1); *who is its plugin index. */
static ks_status_code run_point(ks_scheduler *s, const ks_pod *pod,
                                uint32_t node, int permit, size_t *who,
                                uint32_t *gpu_mask)
{
    const ks_profile_config *prof = s->cur->profile;
    for (size_t i = 0; i < prof->nplugins; i++) {
        const ks_plugin_use *u = &prof->plugins[i];
        ks_plugin_call call = plugin_call(s, i, pod);
        ks_status st = {KS_STATUS_SUCCESS, 0, NULL};
        if (!permit && u->reserve && u->plugin->reserve)
            st = u->plugin->reserve(&call, node, gpu_mask);
        else if (permit && u->permit && u->plugin->permit)
            st = u->plugin->permit(&call, node);
        if (st.code != KS_STATUS_SUCCESS && st.code != KS_STATUS_SKIP) {
            *who = i;
            return st.code;
        }
    }
    return KS_STATUS_SUCCESS;
}

/* Reserve then Permit on the cycle's node.  On a failure every Reserve
 * plugin unreserves, the failing plugin is recorded as the pod's rejector
 * and the pod goes back to the queue: unschedulable for a rejection,
 * backoff for an error (schedule_one.go schedulingCycle). */
static ks_status_code reserve_and_permit(ks_scheduler *s)
{
    if (!s->cur)
        return KS_STATUS_SUCCESS;
    ks_pod *pod = &s->cluster->pods[s->cycle_pod];
    size_t who = 0;
    int permit = 0;
    uint32_t gpu_mask = 0;
    ks_status_code code = run_point(s, pod, s->cycle_node, 0, &who,
                                    &gpu_mask);
    if (code == KS_STATUS_SUCCESS) {
        permit = 1;
        code = run_point(s, pod, s->cycle_node, 1, &who, NULL);
    }
    if (code == KS_STATUS_SUCCESS) {
        pod->gpu_mask = gpu_mask; /* 0: the cluster's best fit at bind */
        return code;
    }
    run_unreserve(s, pod, s->cycle_node);
    ks_time now = ks_engine_now(s->engine);
    if (permit)
        s->cur->stats[who].permit_rejections++;
    else
        s->cur->stats[who].reserve_rejections++;
    if (code == KS_STATUS_ERROR) {
        ks_queue_error(s->queue, s->cycle_pod, now);
    } else {
        pod->rejected_by |= s->cur->bit[who];
        ks_queue_unschedulable(s->queue, s->cycle_pod, now);
    }
    return code;
}

static void on_cycle_end(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_scheduler *s = ctx;
    s->busy = 0;
    if (s->cycle_node == KS_NO_NODE && s->cfg.drop_unschedulable) {
        s->stats.failed_cycles++;
        s->cluster->pods[s->cycle_pod].rejected_by |= s->cycle_rejected_by;
        ks_queue_done(s->queue, s->cycle_pod);
        unnominate(s, s->cycle_pod);
        ks_cluster_drop(s->cluster, s->cycle_pod, ks_engine_now(e));
        if (s->on_drop)
            s->on_drop(s->drop_ctx, s->cycle_pod);
    } else if (s->cycle_node == KS_NO_NODE) {
        s->stats.failed_cycles++;
        s->cluster->pods[s->cycle_pod].rejected_by |= s->cycle_rejected_by;
        if (s->cycle_nominated != KS_NO_NODE)
            apply_preemption(s);
        ks_queue_unschedulable(s->queue, s->cycle_pod, ks_engine_now(e));
    } else if (s->cycle_node == CYCLE_ERROR) {
        s->stats.failed_cycles++;
        ks_queue_error(s->queue, s->cycle_pod, ks_engine_now(e));
    } else if (!s->what_if && reserve_and_permit(s) != KS_STATUS_SUCCESS) {
        s->stats.failed_cycles++;
    } else {
        ks_queue_done(s->queue, s->cycle_pod);
        unnominate(s, s->cycle_pod);
        s->bind(s->bind_ctx, s->cycle_pod, s->cycle_node);
        notify_plugins(s, s->cycle_pod, 1);
    }
    arm_timers(s);
}

/* Tells every plugin instance that keeps incremental state. */
static void notify_plugins(ks_scheduler *s, uint32_t pod, int added)
{
    for (size_t p = 0; p < s->cfg.nprofiles; p++) {
        const ks_profile_config *prof = s->fw[p].profile;
        for (size_t i = 0; i < prof->nplugins; i++) {
            const ks_plugin *pl = prof->plugins[i].plugin;
            if (added && pl->pod_added)
                pl->pod_added(s->fw[p].instances[i], s->cluster, pod);
            else if (!added && pl->pod_removed)
                pl->pod_removed(s->fw[p].instances[i], s->cluster, pod);
        }
    }
}

static void notify_terminating(ks_scheduler *s, uint32_t pod)
{
    for (size_t p = 0; p < s->cfg.nprofiles; p++) {
        const ks_profile_config *prof = s->fw[p].profile;
        for (size_t i = 0; i < prof->nplugins; i++)
            if (prof->plugins[i].plugin->pod_terminating)
                prof->plugins[i].plugin->pod_terminating(s->fw[p].instances[i],
                                                         s->cluster, pod);
    }
}

static void on_cycle(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)arg;
    ks_scheduler *s = ctx;
    s->cycle_armed = 0;
    start_cycle(s);
    arm_timers(s);
}

static void on_backoff_flush(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_scheduler *s = ctx;
    s->backoff_armed = 0;
    ks_queue_flush_backoff(s->queue, ks_engine_now(e));
    arm_timers(s);
}

static void on_leftover_flush(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_scheduler *s = ctx;
    s->leftover_armed = 0;
    ks_queue_flush_unschedulable_leftover(s->queue, ks_engine_now(e));
    arm_timers(s);
}

/* The next multiple of period strictly after now: upstream's periodic
 * flushes tick on a fixed grid from scheduler start (t = 0). */
static ks_time next_tick(ks_time now, ks_time period)
{
    return (now / period + 1) * period;
}

static void arm_timers(ks_scheduler *s)
{
    ks_time now = ks_engine_now(s->engine);
    int runnable = ks_queue_can_pop(s->queue);
    if (runnable && !s->cycle_armed && !s->busy) {
        s->cycle_armed = 1;
        ks_engine_at(s->engine, now, on_cycle, s, 0);
    }
    if (ks_queue_backoff_len(s->queue) && !s->backoff_armed) {
        s->backoff_armed = 1;
        ks_engine_at(s->engine, next_tick(now, BACKOFF_FLUSH_PERIOD),
                     on_backoff_flush, s, 0);
    }
    if (ks_queue_unschedulable_len(s->queue) && !s->leftover_armed) {
        s->leftover_armed = 1;
        ks_engine_at(s->engine, next_tick(now, LEFTOVER_FLUSH_PERIOD),
                     on_leftover_flush, s, 0);
    }
}

/* ---- API ----------------------------------------------------------------- */

void ks_scheduler_pod_added(ks_scheduler *s, uint32_t pod)
{
    if (!profile_of(s, &s->cluster->pods[pod]))
        return; /* another scheduler's pod */
    ks_queue_add(s->queue, pod, s->cluster->pods[pod].priority,
                 ks_engine_now(s->engine));
    arm_timers(s);
}

void ks_scheduler_pod_bound_elsewhere(ks_scheduler *s, uint32_t pod)
{
    notify_plugins(s, pod, 1);
}

void ks_scheduler_assigned_pod_deleted(ks_scheduler *s, uint32_t pod)
{
    notify_plugins(s, pod, 0);
    /* NodeResourcesFit's QueueingHint: any deletion -> Queue */
    ks_queue_move_all(s->queue, ks_engine_now(s->engine));
    arm_timers(s);
}

void ks_scheduler_cluster_changed(ks_scheduler *s)
{
    ks_queue_move_all(s->queue, ks_engine_now(s->engine));
    arm_timers(s);
}

const ks_scheduler_stats *ks_scheduler_get_stats(const ks_scheduler *s)
{
    return &s->stats;
}

const ks_queue *ks_scheduler_queue(const ks_scheduler *s)
{
    return s->queue;
}

void ks_scheduler_set_evict(ks_scheduler *s, ks_evict_fn evict, void *ctx,
                            gsl_rng *preemption)
{
    s->evict = evict;
    s->evict_ctx = ctx;
    s->preemption_rng = preemption;
}

const ks_plugin_stats *ks_scheduler_plugin_stats(const ks_scheduler *s,
                                                 size_t *n)
{
    *n = s->nplugin_stats;
    return s->plugin_stats;
}

/* ---- explain ------------------------------------------------------------- */

static void copy_message(char *dst, const char *msg)
{
    snprintf(dst, KS_EXPLAIN_MSG_MAX, "%s", msg ? msg : "");
}

/* Every Filter plugin on node, without stopping at the first rejection. */
static void explain_filters(ks_scheduler *s, ks_explain_node *en)
{
    framework *fw = s->cur;
    const ks_node *node = &s->cluster->nodes[en->node];
    en->feasible = 1;
    for (size_t i = 0; i < fw->profile->nplugins; i++) {
        const ks_plugin_use *u = &fw->profile->plugins[i];
        if (!u->filter || !u->plugin->filter || fw->skip_filter[i])
            continue;
        ks_status st = u->plugin->filter(&fw->calls[i], node);
        en->filter[i].ran = 1;
        en->filter[i].code = st.code;
        copy_message(en->filter[i].message, st.message);
        if (st.code != KS_STATUS_SUCCESS)
            en->feasible = 0;
    }
}

/* Score plugins over the nodes marked scored, recording each stage. */
static void explain_scores(ks_scheduler *s, ks_explain *out)
{
    size_t n = 0;
    for (size_t k = 0; k < out->nnodes; k++)
        if (out->nodes[k].scored)
            s->feasible[n++] = out->nodes[k].node;
    if (n == 0)
        return;
    const ks_profile_config *prof = s->cur->profile;
    for (size_t p = 0; p < prof->nplugins; p++) {
        const ks_plugin_use *u = &prof->plugins[p];
        if (!u->score || !u->plugin->score)
            continue;
        const ks_plugin_call *call = &s->cur->calls[p];
        if (u->plugin->pre_score &&
            u->plugin->pre_score(call, s->feasible, n).code != KS_STATUS_SUCCESS)
            continue; /* Skip (or an error: the plugin contributes nothing) */
        int64_t *raw = ks_xmalloc(n * sizeof *raw);
        for (size_t i = 0; i < n; i++)
            raw[i] = s->plugin_scores[i] =
                u->plugin->score(call, &s->cluster->nodes[s->feasible[i]]);
        if (u->plugin->normalize)
            u->plugin->normalize(call, s->plugin_scores, n);
        int64_t weight = u->weight ? u->weight : 1;
        size_t i = 0;
        for (size_t k = 0; k < out->nnodes; k++) {
            ks_explain_node *en = &out->nodes[k];
            if (!en->scored)
                continue;
            en->score[p] = (ks_explain_score){1, raw[i], s->plugin_scores[i],
                                              s->plugin_scores[i] * weight};
            en->total += s->plugin_scores[i] * weight;
            i++;
        }
        free(raw);
    }
}

/* selectHost over the feasible nodes' totals. */
static uint32_t explain_select(ks_scheduler *s, const ks_explain *out)
{
    size_t n = 0;
    for (size_t k = 0; k < out->nnodes; k++)
        if (out->nodes[k].feasible) {
            s->feasible[n] = out->nodes[k].node;
            s->total_scores[n++] = out->nodes[k].total;
        }
    if (n == 0)
        return KS_NO_NODE;
    return n == 1 ? s->feasible[0] : select_host(s, n);
}

static void explain_preemption(ks_scheduler *s, uint32_t pod_idx,
                               ks_explain *out)
{
    /* The PostFilter reads the per-node verdicts of the cycle; nodes that
     * were not evaluated (not candidates) cannot be chosen. */
    memset(s->unresolvable, 1, s->cluster->nnodes);
    for (size_t k = 0; k < out->nnodes; k++) {
        const ks_explain_node *en = &out->nodes[k];
        int unresolvable = 0;
        for (size_t i = 0; i < KS_MAX_PROFILE_PLUGINS; i++)
            if (en->filter[i].ran &&
                en->filter[i].code == KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE)
                unresolvable = 1;
        s->unresolvable[en->node] = (uint8_t)unresolvable;
    }
    s->cycle_pod = pod_idx;
    run_post_filters(s, &s->cluster->pods[pod_idx]);
    out->preemption_node = s->cycle_nominated;
    if (s->cycle_nominated != KS_NO_NODE && s->cycle_nvictims) {
        out->victims = ks_xmalloc(s->cycle_nvictims * sizeof *out->victims);
        memcpy(out->victims, s->cycle_victims,
               s->cycle_nvictims * sizeof *out->victims);
        out->nvictims = s->cycle_nvictims;
    }
}

int ks_scheduler_explain(ks_scheduler *s, uint32_t pod_idx,
                         const uint32_t *candidates, size_t ncandidates,
                         int score_all, ks_explain *out)
{
    *out = (ks_explain){0};
    out->selected = out->preemption_node = KS_NO_NODE;
    if (pod_idx >= s->cluster->npods)
        return KS_EINVAL;
    ks_pod *pod = &s->cluster->pods[pod_idx];
    s->cur = profile_of(s, pod);
    if (!s->cur)
        return 0; /* another scheduler's pod: nothing to explain */
    out->profile = s->cur->profile;
    ensure_buffers(s);
    s->cycle_rejected_by = 0;
    s->prefilter_rejected = 0;
    size_t n = candidates ? ncandidates : s->cluster->nnodes;
    if (candidates) { /* each a node, at most once */
        uint8_t *seen = ks_xcalloc(s->cluster->nnodes ? s->cluster->nnodes : 1, 1);
        int bad = 0;
        for (size_t k = 0; k < n && !bad; k++) {
            bad = candidates[k] >= s->cluster->nnodes || seen[candidates[k]];
            if (!bad)
                seen[candidates[k]] = 1;
        }
        free(seen);
        if (bad)
            return KS_EINVAL;
    }
    out->nodes = ks_xcalloc(n ? n : 1, sizeof *out->nodes);
    out->nnodes = n;
    for (size_t k = 0; k < n; k++)
        out->nodes[k].node = candidates ? candidates[k] : (uint32_t)k;
    s->what_if = 1; /* explaining is not scheduling: no counters */
    if (!run_pre_filters(s, pod)) {
        const framework *fw = s->cur;
        for (size_t i = 0; i < fw->profile->nplugins; i++) {
            const ks_plugin_use *u = &fw->profile->plugins[i];
            if (!u->filter || !u->plugin->pre_filter)
                continue;
            ks_status st = u->plugin->pre_filter(&fw->calls[i]);
            if (st.code != KS_STATUS_SUCCESS && st.code != KS_STATUS_SKIP) {
                snprintf(out->prefilter_plugin, sizeof out->prefilter_plugin,
                         "%s", u->plugin->name);
                copy_message(out->prefilter_message, st.message);
                break;
            }
        }
        s->what_if = 0;
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        explain_filters(s, &out->nodes[k]);
        out->nodes[k].scored = out->nodes[k].feasible || score_all;
    }
    explain_scores(s, out);
    out->selected = explain_select(s, out);
    if (out->selected == KS_NO_NODE)
        explain_preemption(s, pod_idx, out);
    s->what_if = 0;
    return 0;
}

void ks_explain_free(ks_explain *e)
{
    if (!e)
        return;
    free(e->nodes);
    free(e->victims);
    *e = (ks_explain){0};
}

void ks_scheduler_set_drop_observer(ks_scheduler *s, ks_drop_fn fn,
                                    void *ctx)
{
    s->on_drop = fn;
    s->drop_ctx = ctx;
}

void ks_scheduler_set_plugin_rng(ks_scheduler *s, gsl_rng *rng)
{
    s->plugin_rng = rng;
}

void *ks_scheduler_plugin_instance(ks_scheduler *s, size_t profile,
                                   const ks_plugin *plugin)
{
    if (profile >= s->cfg.nprofiles)
        return NULL;
    const ks_profile_config *prof = &s->cfg.profiles[profile];
    for (size_t i = 0; i < prof->nplugins; i++)
        if (prof->plugins[i].plugin == plugin)
            return s->fw[profile].instances[i];
    return NULL;
}
