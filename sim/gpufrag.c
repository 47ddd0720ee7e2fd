/* gpufrag.c - typical pods, a node's GPU fragment, and the cluster tracker.
 *
 * Re-implemented (not copied) from hkust-adsl/kubernetes-scheduler-simulator:
 * pkg/utils/frag.go (GetTypicalPods, NodeGpuShareFragAmount,
 * GetNodePodFrag, CanNodeHostPodOnGpuMemory, GetGpuFragMilliByNodeResAndPodRes,
 * FragAmountSumExceptQ3) and pkg/type/resource.go (TargetPodList.Less,
 * PodResource.Less).  See gpufrag.h for the definitions.
 *
 * Hot path: FGD evaluates F_N thousands of times per decision, so a
 * workload keeps its typical pods as parallel arrays and the distinct
 * per-GPU milli they ask for; one evaluation sorts the node's (at most
 * KS_MAX_NODE_GPUS) free milli once, derives for every distinct ask how
 * many GPUs are large enough and how much idle milli is too small, and
 * then visits each typical pod in O(1).
 */
#include "sim/gpufrag.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/gpu.h"
#include "sim/xalloc.h"

#define NO_ASK 0xFFFF /* a CPU-only typical pod has no per-GPU ask */

struct ks_frag_workload {
    ks_frag_typical *typ;
    size_t ntyp;
    size_t nshapes, npods, covered;
    /* The typical pods again, as parallel arrays for the hot loop. */
    int64_t *cpu;
    uint8_t *count;
    uint16_t *ask;   /* index into asks[], NO_ASK for CPU-only pods */
    uint64_t *models;
    double *p;
    uint16_t *asks;  /* distinct per-GPU milli asked, ascending: at most
                        KS_GPU_MILLI of them (1..KS_GPU_MILLI) */
    size_t nasks;
};

static const char *const class_names[KS_FRAG_NCLASSES] = {
    "q1_lack_both", "q2_lack_gpu",  "q3_satisfied", "q4_lack_cpu",
    "xl_satisfied", "xr_lack_cpu", "no_access"};

const char *ks_frag_class_name(ks_frag_class c)
{
    return (unsigned)c < KS_FRAG_NCLASSES ? class_names[c] : "";
}

/* ---- typical pods ------------------------------------------------------- */

/* PodResource.Less order on (cpu, m, n, models): -1, 0 or 1. */
static int shape_cmp(const ks_frag_pod *a, const ks_frag_pod *b)
{
    if (a->cpu != b->cpu)
        return a->cpu < b->cpu ? -1 : 1;
    if (a->gpu_milli != b->gpu_milli)
        return a->gpu_milli < b->gpu_milli ? -1 : 1;
    if (a->gpu_count != b->gpu_count)
        return a->gpu_count < b->gpu_count ? -1 : 1;
    if (a->gpu_models != b->gpu_models)
        return a->gpu_models < b->gpu_models ? -1 : 1;
    return 0;
}

static int shape_qsort(const void *a, const void *b)
{
    return shape_cmp(a, b);
}

/* sort.Reverse(TargetPodList): count descending, then shape descending. */
static int typical_qsort(const void *a, const void *b)
{
    const ks_frag_typical *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return -shape_cmp(&x->pod, &y->pod);
}

static int normalize_shape(const ks_frag_pod *in, ks_frag_pod *out,
                           size_t i, ks_error *err)
{
    if (in->cpu < 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "typical pods: pod %zu has negative CPU", i);
    if (in->gpu_milli > KS_GPU_MILLI || in->gpu_count > KS_MAX_NODE_GPUS)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "typical pods: pod %zu asks for %u GPUs of %u "
                            "milli (at most %d of %d)", i,
                            (unsigned)in->gpu_count, (unsigned)in->gpu_milli,
                            KS_MAX_NODE_GPUS, KS_GPU_MILLI);
    *out = *in;
    if (out->gpu_count == 0 || out->gpu_milli == 0)
        out->gpu_count = 0, out->gpu_milli = 0;
    return 0;
}

/* Groups the sorted shapes into (shape, count) runs; returns how many. */
static size_t group_shapes(const ks_frag_pod *sorted, size_t n,
                           ks_frag_typical *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && shape_cmp(&out[k - 1].pod, &sorted[i]) == 0) {
            out[k - 1].count++;
            continue;
        }
        out[k].pod = sorted[i];
        out[k].count = 1;
        out[k].p = 0;
        k++;
    }
    return k;
}

/* GetTypicalPods with podIncreaseStep 1: take shapes in order while the
 * running count is below threshold% of the pods; then p = count / total,
 * renormalized by the covered share unless every shape was taken.  The
 * doubles are computed as the authors' Go does. */
static size_t cut_typical(ks_frag_typical *t, size_t nshapes, size_t npods,
                          int threshold_pct, size_t *covered)
{
    double total = (double)npods;
    double expected = (double)threshold_pct * total / 100.0;
    double cum = 0;
    size_t i = 0;
    while (cum < expected && i < nshapes) {
        cum += (double)t[i].count;
        t[i].p = (double)t[i].count / total;
        i++;
    }
    *covered = (size_t)cum;
    if (i < nshapes)
        for (size_t j = 0; j < i; j++)
            t[j].p /= cum / total;
    return i;
}

static int ask_qsort(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* The parallel arrays and the distinct asks of the hot loop. */
static void index_typical(ks_frag_workload *w)
{
    size_t n = w->ntyp ? w->ntyp : 1;
    w->cpu = ks_xmalloc(n * sizeof *w->cpu);
    w->count = ks_xmalloc(n * sizeof *w->count);
    w->ask = ks_xmalloc(n * sizeof *w->ask);
    w->models = ks_xmalloc(n * sizeof *w->models);
    w->p = ks_xmalloc(n * sizeof *w->p);
    w->asks = ks_xmalloc(n * sizeof *w->asks);
    w->nasks = 0;
    for (size_t k = 0; k < w->ntyp; k++)
        if (w->typ[k].pod.gpu_milli)
            w->asks[w->nasks++] = w->typ[k].pod.gpu_milli;
    qsort(w->asks, w->nasks, sizeof *w->asks, ask_qsort);
    size_t d = 0;
    for (size_t i = 0; i < w->nasks; i++)
        if (d == 0 || w->asks[d - 1] != w->asks[i])
            w->asks[d++] = w->asks[i];
    w->nasks = d;
    for (size_t k = 0; k < w->ntyp; k++) {
        const ks_frag_pod *p = &w->typ[k].pod;
        w->cpu[k] = p->cpu;
        w->count[k] = p->gpu_count;
        w->models[k] = p->gpu_models;
        w->p[k] = w->typ[k].p;
        w->ask[k] = NO_ASK;
        for (size_t i = 0; p->gpu_milli && i < w->nasks; i++)
            if (w->asks[i] == p->gpu_milli)
                w->ask[k] = (uint16_t)i;
    }
}

int ks_frag_workload_create(const ks_frag_pod *pods, size_t n,
                            int threshold_pct, ks_frag_workload **out,
                            ks_error *err)
{
    *out = NULL;
    if (threshold_pct < 1 || threshold_pct > 100)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "typical pods: threshold %d%% not in 1..100",
                            threshold_pct);
    ks_frag_pod *sorted = ks_xmalloc((n ? n : 1) * sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        int rc = normalize_shape(&pods[i], &sorted[i], i, err);
        if (rc) {
            free(sorted);
            return rc;
        }
    }
    qsort(sorted, n, sizeof *sorted, shape_qsort);
    ks_frag_workload *w = ks_xcalloc(1, sizeof *w);
    w->typ = ks_xmalloc((n ? n : 1) * sizeof *w->typ);
    w->nshapes = group_shapes(sorted, n, w->typ);
    free(sorted);
    qsort(w->typ, w->nshapes, sizeof *w->typ, typical_qsort);
    w->npods = n;
    w->ntyp = cut_typical(w->typ, w->nshapes, n, threshold_pct, &w->covered);
    index_typical(w);
    *out = w;
    return 0;
}

void ks_frag_workload_destroy(ks_frag_workload *w)
{
    if (!w)
        return;
    free(w->typ);
    free(w->cpu);
    free(w->count);
    free(w->ask);
    free(w->models);
    free(w->p);
    free(w->asks);
    free(w);
}

const ks_frag_typical *ks_frag_workload_typical(const ks_frag_workload *w,
                                                size_t *n)
{
    *n = w->ntyp;
    return w->typ;
}

size_t ks_frag_workload_shapes(const ks_frag_workload *w)
{
    return w->nshapes;
}

size_t ks_frag_workload_pods(const ks_frag_workload *w)
{
    return w->npods;
}

size_t ks_frag_workload_covered(const ks_frag_workload *w)
{
    return w->covered;
}

/* ---- a node's fragment -------------------------------------------------- */

/* Whether a pod accepting models may use a node of model
 * (IsNodeAccessibleToPodByType: any model when the pod names none; a node
 * without GPUs has no model). */
static int model_ok(uint64_t models, int model)
{
    return models == 0 ||
           (model > 0 && model <= KS_MAX_GPU_MODELS &&
            (models & KS_GPU_MODEL_BIT(model)) != 0);
}

/* NodeGpuShareFragAmount: the seven class amounts of one node state in
 * b[], in frag.go's accumulation order; returns FragAmountSumExceptQ3. */
static double frag_classes(const ks_frag_workload *w, int64_t cpu_left,
                           const uint16_t *free, unsigned gpus, int model,
                           double b[KS_FRAG_NCLASSES])
{
    for (int c = 0; c < KS_FRAG_NCLASSES; c++)
        b[c] = 0;
    if (gpus > KS_MAX_NODE_GPUS)
        gpus = KS_MAX_NODE_GPUS;
    /* Sort the free milli ascending (insertion sort: at most 32). */
    uint16_t a[KS_MAX_NODE_GPUS];
    int64_t idle = 0;
    for (unsigned i = 0; i < gpus; i++) {
        uint16_t v = free[i];
        unsigned j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
        idle += v;
    }
    /* For each distinct ask: GPUs with at least that much free, and the
     * idle milli on the GPUs with less. */
    uint8_t enough[KS_GPU_MILLI];
    int64_t small[KS_GPU_MILLI];
    size_t pos = 0;
    int64_t sum = 0;
    for (size_t d = 0; d < w->nasks; d++) {
        while (pos < gpus && a[pos] < w->asks[d])
            sum += a[pos++];
        small[d] = sum;
        enough[d] = (uint8_t)(gpus - pos);
    }
    double g = (double)idle;
    for (size_t k = 0; k < w->ntyp; k++) {
        double p = w->p[k];
        int cpu_ok = cpu_left >= w->cpu[k];
        uint16_t d = w->ask[k];
        if (d == NO_ASK)
            b[cpu_ok ? KS_FRAG_XL_SATISFIED : KS_FRAG_XR_LACK_CPU] += p * g;
        else if (!model_ok(w->models[k], model))
            b[KS_FRAG_NO_ACCESS] += p * g;
        else if (enough[d] >= w->count[k] && cpu_ok) {
            b[KS_FRAG_Q2_LACK_GPU] += p * (double)small[d];
            b[KS_FRAG_Q3_SATISFIED] += p * (double)(idle - small[d]);
        } else if (enough[d] >= w->count[k])
            b[KS_FRAG_Q4_LACK_CPU] += p * g;
        else
            b[cpu_ok ? KS_FRAG_Q2_LACK_GPU : KS_FRAG_Q1_LACK_BOTH] += p * g;
    }
    double f = 0;
    for (int c = 0; c < KS_FRAG_NCLASSES; c++)
        if (c != KS_FRAG_Q3_SATISFIED)
            f += b[c];
    return f;
}

double ks_frag_node_classes(const ks_frag_workload *w, int64_t cpu_left,
                            const uint16_t *free, unsigned gpu_count,
                            int model, double out[KS_FRAG_NCLASSES])
{
    return frag_classes(w, cpu_left, free, gpu_count, model, out);
}

double ks_frag_node(const ks_frag_workload *w, int64_t cpu_left,
                    const uint16_t *free, unsigned gpu_count, int model)
{
    double b[KS_FRAG_NCLASSES];
    return frag_classes(w, cpu_left, free, gpu_count, model, b);
}

double ks_frag_cluster_node(const ks_frag_workload *w, const ks_cluster *c,
                            uint32_t node)
{
    const ks_node *n = &c->nodes[node];
    int64_t cpu_left = n->allocatable[KS_RES_CPU] - n->requested[KS_RES_CPU];
    return ks_frag_node(w, cpu_left, ks_gpu_free(c, node), n->gpu_count,
                        n->gpu_model);
}

ks_frag_pod ks_frag_pod_of(const ks_pod *pod)
{
    ks_frag_pod p = {pod->nonzero_request[KS_RES_CPU], pod->gpu_milli,
                     pod->gpu_count, pod->gpu_models};
    if (p.gpu_count == 0 || p.gpu_milli == 0)
        p.gpu_count = 0, p.gpu_milli = 0;
    return p;
}

/* ---- the tracker -------------------------------------------------------- */

/* Fixed-point scale of the sums: 1e-6 milli GPU. */
#define FIX_SCALE 1e6

struct ks_frag_tracker {
    const ks_frag_workload *w;
    size_t cap;
    uint64_t *stamp; /* node version + 1; 0: not counted yet */
    double *f;       /* F_N */
    int64_t *fix;    /* F_N in fixed point, as summed */
    int64_t *idle;   /* G_N */
    int64_t sum_fix, sum_idle;
};

ks_frag_tracker *ks_frag_tracker_create(const ks_frag_workload *w)
{
    ks_frag_tracker *t = ks_xcalloc(1, sizeof *t);
    t->w = w;
    return t;
}

void ks_frag_tracker_destroy(ks_frag_tracker *t)
{
    if (!t)
        return;
    free(t->stamp);
    free(t->f);
    free(t->fix);
    free(t->idle);
    free(t);
}

static void grow(ks_frag_tracker *t, size_t nnodes)
{
    if (nnodes <= t->cap)
        return;
    size_t old = t->cap, cap = t->cap;
    t->stamp = ks_xgrow(t->stamp, &cap, nnodes, sizeof *t->stamp);
    t->f = ks_xrealloc(t->f, cap * sizeof *t->f);
    t->fix = ks_xrealloc(t->fix, cap * sizeof *t->fix);
    t->idle = ks_xrealloc(t->idle, cap * sizeof *t->idle);
    for (size_t i = old; i < cap; i++) {
        t->stamp[i] = 0;
        t->f[i] = 0;
        t->fix[i] = 0;
        t->idle[i] = 0;
    }
    t->cap = cap;
}

void ks_frag_tracker_update(ks_frag_tracker *t, const ks_cluster *c,
                            uint32_t node)
{
    if (node >= c->nnodes)
        return;
    grow(t, c->nnodes);
    const ks_node *n = &c->nodes[node];
    if (t->stamp[node] == n->version + 1)
        return;
    double f = ks_frag_cluster_node(t->w, c, node);
    int64_t fix = (int64_t)llround(f * FIX_SCALE);
    t->sum_fix += fix - t->fix[node];
    t->sum_idle += n->gpu_free_total - t->idle[node];
    t->f[node] = f;
    t->fix[node] = fix;
    t->idle[node] = n->gpu_free_total;
    t->stamp[node] = n->version + 1;
}

void ks_frag_tracker_sync(ks_frag_tracker *t, const ks_cluster *c)
{
    for (size_t i = 0; i < c->nnodes; i++)
        ks_frag_tracker_update(t, c, (uint32_t)i);
}

double ks_frag_tracker_node(ks_frag_tracker *t, const ks_cluster *c,
                            uint32_t node)
{
    if (node >= c->nnodes)
        return 0;
    ks_frag_tracker_update(t, c, node);
    return t->f[node];
}

double ks_frag_tracker_amount(const ks_frag_tracker *t)
{
    return (double)t->sum_fix / FIX_SCALE;
}

int64_t ks_frag_tracker_idle(const ks_frag_tracker *t)
{
    return t->sum_idle;
}

double ks_frag_tracker_ratio(const ks_frag_tracker *t)
{
    return t->sum_idle > 0 ? ks_frag_tracker_amount(t) / (double)t->sum_idle
                           : 0;
}
