/* summary.c - end-of-run numbers from the cluster and the time series. */
#include "analysis/summary.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/xalloc.h"

static void latency_quantiles(const ks_cluster *c, ks_summary *s)
{
    double *lat = ks_xmalloc((c->npods ? c->npods : 1) * sizeof(double));
    size_t n = 0;
    for (size_t i = 0; i < c->npods; i++)
        if (c->pods[i].scheduled >= 0)
            lat[n++] = (double)(c->pods[i].scheduled - c->pods[i].submit) / 1e9;
    s->scheduled = n;
    if (n == 0) {
        s->latency_p50 = s->latency_p99 = NAN;
    } else {
        gsl_sort(lat, 1, n);
        s->latency_p50 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.5);
        s->latency_p99 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.99);
    }
    free(lat);
}

/* Each sample's value holds until the next sample (a step function). */
static void mean_allocation(const ks_recorder *rec, ks_summary *s)
{
    s->mean_cpu_allocated = s->mean_memory_allocated = 0;
    if (!rec || rec->nsamples == 0)
        return;
    const ks_sample *v = rec->samples;
    size_t n = rec->nsamples;
    double span = v[n - 1].time - v[0].time;
    if (span <= 0) {
        s->mean_cpu_allocated = v[0].cpu_allocated;
        s->mean_memory_allocated = v[0].memory_allocated;
        return;
    }
    double cpu = 0, mem = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double dt = v[i + 1].time - v[i].time;
        cpu += v[i].cpu_allocated * dt;
        mem += v[i].memory_allocated * dt;
    }
    s->mean_cpu_allocated = cpu / span;
    s->mean_memory_allocated = mem / span;
}

void ks_summary_compute(const ks_cluster *c, const ks_recorder *rec,
                        ks_summary *out)
{
    *out = (ks_summary){0};
    out->nodes = c->nnodes;
    out->submitted = c->npods;
    out->completed = c->succeeded;
    out->running = c->running;
    out->pending = c->pending;
    latency_quantiles(c, out);
    mean_allocation(rec, out);
}

void ks_summary_print(const ks_summary *s, FILE *out)
{
    fprintf(out, "nodes                 %llu\n", (unsigned long long)s->nodes);
    fprintf(out, "pods submitted        %llu\n",
            (unsigned long long)s->submitted);
    fprintf(out, "pods scheduled        %llu\n",
            (unsigned long long)s->scheduled);
    fprintf(out, "pods completed        %llu\n",
            (unsigned long long)s->completed);
    fprintf(out, "pods running at end   %llu\n",
            (unsigned long long)s->running);
    fprintf(out, "pods still pending    %llu\n",
            (unsigned long long)s->pending);
    if (isnan(s->latency_p50))
        fprintf(out, "scheduling latency    n/a (no pod scheduled)\n");
    else
        fprintf(out, "scheduling latency    p50 %.3f s, p99 %.3f s\n",
                s->latency_p50, s->latency_p99);
    fprintf(out, "mean allocation       cpu %.1f%%, memory %.1f%%\n",
            100 * s->mean_cpu_allocated, 100 * s->mean_memory_allocated);
}
