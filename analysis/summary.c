/* summary.c - end-of-run numbers from the cluster and the time series. */
#include "analysis/summary.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/podevents.h"
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

/* Median and 99th percentile of v[0..n) (sorted in place), NaN if n is 0. */
static void quantiles(double *v, size_t n, double *p50, double *p99)
{
    if (n == 0) {
        *p50 = *p99 = NAN;
        return;
    }
    gsl_sort(v, 1, n);
    *p50 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.5);
    *p99 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99);
}

void ks_summary_add_startup(ks_summary *s, const ks_podevents *log)
{
    ks_time *lat;
    uint8_t *pulled;
    size_t n;
    ks_podevents_startup(log, &lat, &pulled, &n);
    double *cached = ks_xmalloc((n ? n : 1) * sizeof *cached);
    double *pull = ks_xmalloc((n ? n : 1) * sizeof *pull);
    size_t nc = 0, np = 0;
    for (size_t i = 0; i < n; i++) {
        if (pulled[i])
            pull[np++] = (double)lat[i] / 1e9;
        else
            cached[nc++] = (double)lat[i] / 1e9;
    }
    s->has_startup = 1;
    s->started_cached = nc;
    s->started_pulled = np;
    quantiles(cached, nc, &s->startup_p50, &s->startup_p99);
    quantiles(pull, np, &s->startup_pull_p50, &s->startup_pull_p99);
    free(cached);
    free(pull);
    free(lat);
    free(pulled);
}

static void print_startup(const char *label, uint64_t n, double p50,
                          double p99, FILE *out)
{
    if (n == 0)
        fprintf(out, "%s n/a (no pod)\n", label);
    else
        fprintf(out, "%s p50 %.3f s, p99 %.3f s (%llu pods)\n", label, p50,
                p99, (unsigned long long)n);
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
    if (s->has_startup) {
        print_startup("pod startup           ", s->started_cached,
                      s->startup_p50, s->startup_p99, out);
        print_startup("pod startup with pull ", s->started_pulled,
                      s->startup_pull_p50, s->startup_pull_p99, out);
    }
}
