/* fgd.c - FGD: the score, the GPU choice at Reserve, and their memo.
 *
 * Formulas from the authors' simulator (hkust-adsl/kubernetes-scheduler-
 * simulator): pkg/simulator/plugin/fgd_score.go
 * (calculateGpuShareFragExtendScore), plugin_utils.go (sigmoid),
 * pkg/type/resource.go (NodeResource.Sub, SortedMilliGpuLeftIndexList);
 * see fgd.h.
 *
 * Speed: the openb experiment scores ~11k pods on ~1.2k nodes with ~35
 * typical pods.  Three things keep that fast:
 *   - F_N(before) is cached per node usage version (a ks_frag_tracker);
 *   - scores are memoized per pod shape: up to MEMO_SLOTS shapes, each
 *     with one entry per node stamped with the node's usage version (a
 *     node's score for a shape holds until the node changes), the least
 *     recently used shape evicted when full;
 *   - a sharing pod tries each distinct free value once: GPUs with equal
 *     free milli give the same "after" multiset, hence the same score,
 *     and the first of them already holds the tie.
 */
#include "policies/research/fgd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/gpu.h"
#include "sim/xalloc.h"

#define MEMO_SLOTS 128

typedef struct memo_entry {
    uint64_t stamp; /* node version + 1; 0: empty */
    int32_t score;
    int32_t gpu;
} memo_entry;

typedef struct memo_slot {
    ks_frag_pod key;
    uint64_t used; /* tick of the last lookup */
    memo_entry *e;
    size_t cap;
} memo_slot;

typedef struct fgd_instance {
    const ks_frag_workload *w;
    ks_frag_tracker *before; /* F_N(before), per node version */
    memo_slot slot[MEMO_SLOTS];
    size_t nslots;
    uint64_t tick;
    memo_slot *cur; /* the slot of the last pod shape looked up */
} fgd_instance;

/* ---- the formula -------------------------------------------------------- */

/* int64(sigmoid((before - after) / 1000) * MaxNodeScore), as Go computes. */
static int64_t sigmoid_score(double before, double after)
{
    double x = (before - after) / 1000;
    return (int64_t)(1.0 / (1.0 + exp(-x)) * (double)KS_MAX_NODE_SCORE);
}

static int model_ok(uint64_t models, int model)
{
    return models == 0 ||
           (model > 0 && model <= KS_MAX_GPU_MODELS &&
            (models & KS_GPU_MODEL_BIT(model)) != 0);
}

/* A sharing pod: the best GPU among those with free >= m. */
static int64_t score_sharing(const ks_frag_workload *w, double before,
                             int64_t cpu_left, const uint16_t *free,
                             unsigned gpus, int model, const ks_frag_pod *pod,
                             int *gpu)
{
    uint16_t tmp[KS_MAX_NODE_GPUS], seen[KS_MAX_NODE_GPUS];
    unsigned nseen = 0;
    int64_t best = 0;
    *gpu = -1;
    memcpy(tmp, free, gpus * sizeof *tmp);
    for (unsigned i = 0; i < gpus; i++) {
        if (free[i] < pod->gpu_milli)
            continue;
        unsigned j = 0;
        while (j < nseen && seen[j] != free[i])
            j++;
        if (j < nseen)
            continue; /* same multiset as an earlier GPU: not better */
        seen[nseen++] = free[i];
        tmp[i] = (uint16_t)(free[i] - pod->gpu_milli);
        double after = ks_frag_node(w, cpu_left - pod->cpu, tmp, gpus, model);
        tmp[i] = free[i];
        int64_t s = sigmoid_score(before, after);
        if (*gpu < 0 || s > best) {
            best = s;
            *gpu = (int)i;
        }
    }
    return best;
}

/* Any other pod: NodeResource.Sub (CPU, then the GPUs with the least free
 * milli that fit, in stable ascending order); unchanged when the node
 * lacks CPU or GPU count, partial when the GPUs run out (errors that the
 * authors' score ignores). */
static int64_t score_other(const ks_frag_workload *w, double before,
                           int64_t cpu_left, const uint16_t *free,
                           unsigned gpus, int model, const ks_frag_pod *pod)
{
    if (cpu_left < pod->cpu || gpus < pod->gpu_count)
        return sigmoid_score(before, before);
    uint16_t tmp[KS_MAX_NODE_GPUS];
    unsigned order[KS_MAX_NODE_GPUS];
    memcpy(tmp, free, gpus * sizeof *tmp);
    for (unsigned i = 0; i < gpus; i++) { /* stable insertion sort */
        unsigned j = i;
        for (; j > 0 && free[order[j - 1]] > free[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    unsigned want = pod->gpu_count;
    for (unsigned k = 0; k < gpus && want > 0; k++)
        if (tmp[order[k]] >= pod->gpu_milli) {
            tmp[order[k]] = (uint16_t)(tmp[order[k]] - pod->gpu_milli);
            want--;
        }
    double after = ks_frag_node(w, cpu_left - pod->cpu, tmp, gpus, model);
    return sigmoid_score(before, after);
}

static int64_t score_with_before(const ks_frag_workload *w, double before,
                                 int64_t cpu_left, const uint16_t *free,
                                 unsigned gpus, int model,
                                 const ks_frag_pod *pod, int *gpu)
{
    *gpu = -1;
    if (gpus > KS_MAX_NODE_GPUS)
        gpus = KS_MAX_NODE_GPUS;
    if (!model_ok(pod->gpu_models, model))
        return KS_MIN_NODE_SCORE;
    if (ks_gpu_is_sharing(pod->gpu_count, pod->gpu_milli) && pod->gpu_milli)
        return score_sharing(w, before, cpu_left, free, gpus, model, pod,
                             gpu);
    return score_other(w, before, cpu_left, free, gpus, model, pod);
}

int64_t ks_fgd_score_state(const ks_frag_workload *w, int64_t cpu_left,
                           const uint16_t *free, unsigned gpu_count,
                           int model, const ks_frag_pod *pod, int *gpu)
{
    double before = ks_frag_node(w, cpu_left, free, gpu_count, model);
    return score_with_before(w, before, cpu_left, free, gpu_count, model,
                             pod, gpu);
}

/* ---- the memo ----------------------------------------------------------- */

static int same_shape(const ks_frag_pod *a, const ks_frag_pod *b)
{
    return a->cpu == b->cpu && a->gpu_milli == b->gpu_milli &&
           a->gpu_count == b->gpu_count && a->gpu_models == b->gpu_models;
}

/* The slot of shape key: found, new, or the least recently used one
 * emptied for it. */
static memo_slot *slot_for(fgd_instance *inst, const ks_frag_pod *key)
{
    inst->tick++;
    if (inst->cur && same_shape(&inst->cur->key, key)) {
        inst->cur->used = inst->tick;
        return inst->cur;
    }
    memo_slot *s = NULL;
    for (size_t i = 0; i < inst->nslots && !s; i++)
        if (same_shape(&inst->slot[i].key, key))
            s = &inst->slot[i];
    if (!s && inst->nslots < MEMO_SLOTS)
        s = &inst->slot[inst->nslots++];
    if (!s) {
        s = &inst->slot[0];
        for (size_t i = 1; i < MEMO_SLOTS; i++)
            if (inst->slot[i].used < s->used)
                s = &inst->slot[i];
        s->used = 0;
    }
    if (s->used == 0) { /* new or evicted: no entry is valid */
        s->key = *key;
        if (s->cap)
            memset(s->e, 0, s->cap * sizeof *s->e);
    }
    s->used = inst->tick;
    inst->cur = s;
    return s;
}

static memo_entry *entry_for(memo_slot *s, size_t node, size_t nnodes)
{
    if (node >= s->cap) {
        size_t old = s->cap;
        s->e = ks_xgrow(s->e, &s->cap, nnodes > node ? nnodes : node + 1,
                        sizeof *s->e);
        memset(s->e + old, 0, (s->cap - old) * sizeof *s->e);
    }
    return &s->e[node];
}

static void forget_all(fgd_instance *inst)
{
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        free(inst->slot[i].e);
        inst->slot[i] = (memo_slot){0};
    }
    inst->nslots = 0;
    inst->cur = NULL;
}

/* ---- the plugin --------------------------------------------------------- */

static void *fgd_create(const void *args)
{
    (void)args;
    return ks_xcalloc(1, sizeof(fgd_instance));
}

static void fgd_destroy(void *instance)
{
    fgd_instance *inst = instance;
    if (!inst)
        return;
    forget_all(inst);
    ks_frag_tracker_destroy(inst->before);
    free(inst);
}

void ks_fgd_set_workload(void *instance, const ks_frag_workload *w)
{
    fgd_instance *inst = instance;
    if (!inst)
        return;
    forget_all(inst);
    ks_frag_tracker_destroy(inst->before);
    inst->before = w ? ks_frag_tracker_create(w) : NULL;
    inst->w = w;
}

/* PodRequestsAndLimits empty: no CPU, memory or GPU asked. */
static int requests_nothing(const ks_pod *pod)
{
    return pod->request[KS_RES_CPU] == 0 && pod->request[KS_RES_MEMORY] == 0 &&
           pod->gpu_count == 0;
}

/* The score of the call's pod on node and the GPU it would take there,
 * memoized. */
static int64_t memo_score(fgd_instance *inst, const ks_cluster *c,
                          uint32_t node, const ks_pod *pod, int *gpu)
{
    ks_frag_pod key = ks_frag_pod_of(pod);
    memo_slot *s = slot_for(inst, &key);
    memo_entry *e = entry_for(s, node, c->nnodes);
    const ks_node *n = &c->nodes[node];
    if (e->stamp == n->version + 1) {
        *gpu = e->gpu;
        return e->score;
    }
    double before = ks_frag_tracker_node(inst->before, c, node);
    int64_t score = score_with_before(
        inst->w, before, n->allocatable[KS_RES_CPU] - n->requested[KS_RES_CPU],
        ks_gpu_free(c, node), n->gpu_count, n->gpu_model, &key, gpu);
    *e = (memo_entry){n->version + 1, (int32_t)score, (int32_t)*gpu};
    return score;
}

static int64_t fgd_score(const ks_plugin_call *call, const ks_node *node)
{
    fgd_instance *inst = call->instance;
    if (!inst || !inst->w)
        return KS_MIN_NODE_SCORE;
    if (requests_nothing(call->pod))
        return KS_MAX_NODE_SCORE;
    int gpu;
    return memo_score(inst, call->cluster,
                      (uint32_t)(node - call->cluster->nodes), call->pod,
                      &gpu);
}

/* allocateGpuIdBasedOnFGDScore: a sharing pod takes the GPU its score
 * chose; other pods keep the default choice. */
static ks_status fgd_reserve(const ks_plugin_call *call, uint32_t node,
                             uint32_t *gpu_mask)
{
    fgd_instance *inst = call->instance;
    const ks_pod *pod = call->pod;
    if (!inst || !inst->w || !gpu_mask || node >= call->cluster->nnodes ||
        !ks_gpu_is_sharing(pod->gpu_count, pod->gpu_milli) ||
        pod->gpu_milli == 0)
        return ks_status_ok();
    int gpu;
    memo_score(inst, call->cluster, node, pod, &gpu);
    if (gpu >= 0)
        *gpu_mask = UINT32_C(1) << gpu;
    return ks_status_ok();
}

const ks_plugin ks_plugin_fgd = {
    .name = "FGD",
    .create = fgd_create,
    .destroy = fgd_destroy,
    .score = fgd_score,
    .reserve = fgd_reserve,
    .default_weight = 1,
};
