/* metrics.c - the scalar metrics of one run: the table and how each value
 * is computed from the run's dataset.
 *
 * One pass over /pods and /timeseries fills a context (counts, sums, the
 * latency sample); each table entry then reads its value from the context
 * or the dataset.  Adding a metric is adding one row to `metrics` below
 * (and, if it needs a new per-pod sum, one field to the context).
 *
 * Owner: the report helper (issue 4).
 */
#include "analysis/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "sim/xalloc.h"

/* What one pass over the run gives the metric functions. */
typedef struct metric_ctx {
    const ks_dataset *ds;
    size_t submitted;
    size_t scheduled;     /* scheduled_s is a number */
    size_t completed;     /* end_s is a number and not preempted */
    size_t preempted;     /* preempted_by >= 0 */
    size_t dropped;       /* end_s set but never scheduled */
    double *latency;      /* scheduled_s - submit_s of scheduled pods */
    double latency_sum;
    double latency_max;
    size_t started;
    double startup_sum;   /* start_s - submit_s */
    size_t waited;
    double queue_wait_sum;
    double attempts_sum;
} metric_ctx;

typedef double (*metric_fn)(metric_ctx *c);

typedef struct metric_def {
    const char *name;
    const char *unit;
    const char *description;
    metric_fn compute;
} metric_def;

static double ratio(double num, size_t den)
{
    return den ? num / (double)den : NAN;
}

/* ---- per-pod metrics ----------------------------------------------------- */

static double m_submitted(metric_ctx *c)
{
    return (double)c->submitted;
}

static double m_scheduled(metric_ctx *c)
{
    return (double)c->scheduled;
}

static double m_completed(metric_ctx *c)
{
    return (double)c->completed;
}

static double m_pending_end(metric_ctx *c)
{
    return (double)(c->submitted - c->scheduled);
}

static double m_scheduled_fraction(metric_ctx *c)
{
    return ratio((double)c->scheduled, c->submitted);
}

static double m_latency_mean(metric_ctx *c)
{
    return ratio(c->latency_sum, c->scheduled);
}

/* Quantiles reorder the latency sample in place: harmless, each one
 * selects from the whole set. */
static double m_latency_p50(metric_ctx *c)
{
    return ks_stats_quantile_inplace(c->latency, c->scheduled, 0.50);
}

static double m_latency_p95(metric_ctx *c)
{
    return ks_stats_quantile_inplace(c->latency, c->scheduled, 0.95);
}

static double m_latency_p99(metric_ctx *c)
{
    return ks_stats_quantile_inplace(c->latency, c->scheduled, 0.99);
}

static double m_latency_max(metric_ctx *c)
{
    return c->scheduled ? c->latency_max : NAN;
}

static double m_startup_mean(metric_ctx *c)
{
    return ratio(c->startup_sum, c->started);
}

static double m_queue_wait_mean(metric_ctx *c)
{
    return ratio(c->queue_wait_sum, c->waited);
}

static double m_attempts_mean(metric_ctx *c)
{
    return ratio(c->attempts_sum, c->submitted);
}

/* Every attempt but the one that bound a scheduled pod failed. */
static double m_failed_attempts(metric_ctx *c)
{
    return c->attempts_sum - (double)c->scheduled;
}

static double m_preemptions(metric_ctx *c)
{
    return (double)c->preempted;
}

/* ---- time series metrics ------------------------------------------------- */

typedef double (*sample_value)(const ks_sample *s);

static double s_cpu(const ks_sample *s)
{
    return s->cpu_allocated;
}

static double s_memory(const ks_sample *s)
{
    return s->memory_allocated;
}

static double s_pending(const ks_sample *s)
{
    return (double)s->pods_pending;
}

/* Time-weighted mean of a sampled value: each sample holds until the next
 * (a step function, as analysis/summary.c and the allocation figure read
 * it).  One sample, or samples spanning no time: that sample's value. */
static double time_mean(const ks_dataset *ds, sample_value f)
{
    const ks_sample *v = ds->samples;
    size_t n = ds->nsamples;
    if (n == 0)
        return NAN;
    double span = v[n - 1].time - v[0].time;
    if (!(span > 0))
        return f(&v[0]);
    double sum = 0;
    for (size_t i = 0; i + 1 < n; i++)
        sum += f(&v[i]) * (v[i + 1].time - v[i].time);
    return sum / span;
}

static double sample_max(const ks_dataset *ds, sample_value f)
{
    if (ds->nsamples == 0)
        return NAN;
    double m = f(&ds->samples[0]);
    for (size_t i = 1; i < ds->nsamples; i++)
        if (f(&ds->samples[i]) > m)
            m = f(&ds->samples[i]);
    return m;
}

static double m_cpu_alloc_mean(metric_ctx *c)
{
    return time_mean(c->ds, s_cpu);
}

static double m_memory_alloc_mean(metric_ctx *c)
{
    return time_mean(c->ds, s_memory);
}

static double m_cpu_alloc_max(metric_ctx *c)
{
    return sample_max(c->ds, s_cpu);
}

static double m_memory_alloc_max(metric_ctx *c)
{
    return sample_max(c->ds, s_memory);
}

static double m_pending_mean(metric_ctx *c)
{
    return time_mean(c->ds, s_pending);
}

static double m_dropped(metric_ctx *c)
{
    return (double)c->dropped;
}

/* ---- GPU metrics (/gpu_alloc, runs on clusters with GPUs) ---------------- */

/* The /gpu_alloc row of arrived demand pct, or NULL. */
static const ks_gpu_alloc_row *gpu_row(const metric_ctx *c, int pct)
{
    const ks_dataset *ds = c->ds;
    if (!ds->gpu_alloc || pct < 0 || (size_t)pct >= ds->ngpu_alloc)
        return NULL;
    return &ds->gpu_alloc[pct];
}

static double m_gpu_unalloc_100(metric_ctx *c)
{
    const ks_gpu_alloc_row *r = gpu_row(c, 100);
    return r ? 100.0 - r->alloc_pct : NAN;
}

static double m_gpu_frag_100(metric_ctx *c)
{
    const ks_gpu_alloc_row *r = gpu_row(c, 100);
    return r ? r->frag_pct : NAN;
}

static double m_gpu_frag_ratio_100(metric_ctx *c)
{
    const ks_gpu_alloc_row *r = gpu_row(c, 100);
    return r ? r->frag_ratio_pct : NAN;
}

/* ---- the table ----------------------------------------------------------- */

static const metric_def metrics[] = {
    {"pods_submitted", "pods", "pods created during the run (rows of /pods)",
     m_submitted},
    {"pods_scheduled", "pods", "pods bound to a node at some point",
     m_scheduled},
    {"pods_completed", "pods",
     "pods that ran to completion (end_s set, not preempted)", m_completed},
    {"pods_pending_end", "pods", "pods never bound by the end of the run",
     m_pending_end},
    {"scheduled_fraction", "fraction", "pods_scheduled / pods_submitted",
     m_scheduled_fraction},
    {"latency_mean_s", "s",
     "mean scheduling latency (submit to bind) of scheduled pods",
     m_latency_mean},
    {"latency_p50_s", "s", "median scheduling latency of scheduled pods",
     m_latency_p50},
    {"latency_p95_s", "s", "95th percentile of scheduling latency",
     m_latency_p95},
    {"latency_p99_s", "s", "99th percentile of scheduling latency",
     m_latency_p99},
    {"latency_max_s", "s", "largest scheduling latency", m_latency_max},
    {"startup_mean_s", "s",
     "mean time from submit to running, over pods that started",
     m_startup_mean},
    {"queue_wait_mean_s", "s",
     "mean time scheduled pods waited in the scheduling queue",
     m_queue_wait_mean},
    {"attempts_mean", "count", "scheduling attempts per submitted pod",
     m_attempts_mean},
    {"failed_attempts", "count",
     "scheduling cycles that did not bind their pod (all pods)",
     m_failed_attempts},
    {"preemptions", "pods", "pods deleted by a preemption (victims)",
     m_preemptions},
    {"cpu_alloc_mean", "fraction",
     "time-weighted mean of CPU requested / allocatable", m_cpu_alloc_mean},
    {"memory_alloc_mean", "fraction",
     "time-weighted mean of memory requested / allocatable",
     m_memory_alloc_mean},
    {"cpu_alloc_max", "fraction", "largest sampled CPU allocation",
     m_cpu_alloc_max},
    {"memory_alloc_max", "fraction", "largest sampled memory allocation",
     m_memory_alloc_max},
    {"pending_mean", "pods", "time-weighted mean of pending pods",
     m_pending_mean},
    {"pods_dropped", "pods",
     "pods deleted because they fit nowhere (onUnschedulable: Drop)",
     m_dropped},
    {"gpu_unalloc_100_pct", "percent",
     "unallocated GPU when the arrived GPU demand is 100 % of capacity "
     "(100 - /gpu_alloc.alloc_pct; the FGD paper's bar figures)",
     m_gpu_unalloc_100},
    {"gpu_frag_100_pct", "percent",
     "fragmented GPU, % of capacity, at 100 % arrived GPU demand",
     m_gpu_frag_100},
    {"gpu_frag_ratio_100_pct", "percent",
     "fragmented share of idle GPU at 100 % arrived GPU demand",
     m_gpu_frag_ratio_100},
};

#define NMETRICS (sizeof metrics / sizeof metrics[0])

size_t ks_metric_count(void)
{
    return NMETRICS;
}

const char *ks_metric_name(size_t i)
{
    return i < NMETRICS ? metrics[i].name : NULL;
}

const char *ks_metric_unit(size_t i)
{
    return i < NMETRICS ? metrics[i].unit : NULL;
}

const char *ks_metric_description(size_t i)
{
    return i < NMETRICS ? metrics[i].description : NULL;
}

int ks_metric_find(const char *name)
{
    for (size_t i = 0; i < NMETRICS; i++)
        if (strcmp(metrics[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- computing ----------------------------------------------------------- */

static void add_pod(metric_ctx *c, const ks_pod_row *p)
{
    c->attempts_sum += p->attempts;
    if (p->preempted_by >= 0)
        c->preempted++;
    else if (!isnan(p->end) && isnan(p->scheduled))
        c->dropped++; /* never bound: deleted when it fit nowhere */
    else if (!isnan(p->end))
        c->completed++;
    if (!isnan(p->start)) {
        c->started++;
        c->startup_sum += p->start - p->submit;
    }
    if (isnan(p->scheduled))
        return;
    double lat = p->scheduled - p->submit;
    c->latency[c->scheduled++] = lat;
    c->latency_sum += lat;
    if (c->scheduled == 1 || lat > c->latency_max)
        c->latency_max = lat;
    if (!isnan(p->queue_wait)) {
        c->waited++;
        c->queue_wait_sum += p->queue_wait;
    }
}

void ks_metrics_compute(const ks_dataset *ds, double *out)
{
    metric_ctx c = {.ds = ds, .submitted = ds->npods};
    c.latency = ks_xmalloc((ds->npods ? ds->npods : 1) * sizeof(double));
    for (size_t i = 0; i < ds->npods; i++)
        add_pod(&c, &ds->pods[i]);
    for (size_t i = 0; i < NMETRICS; i++)
        out[i] = metrics[i].compute(&c);
    free(c.latency);
}

int ks_metrics_read(const char *path, double *out, char **scenario_name,
                    unsigned long long *seed, ks_error *err)
{
    ks_dataset *ds = NULL;
    int rc = ks_output_read(path, &ds, err);
    if (rc)
        return rc;
    ks_metrics_compute(ds, out);
    if (scenario_name)
        *scenario_name = ks_xstrdup(ds->scenario_name ? ds->scenario_name
                                                      : "");
    if (seed)
        *seed = ds->seed;
    ks_dataset_destroy(ds);
    return 0;
}
