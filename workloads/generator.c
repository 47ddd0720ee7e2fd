/* generator.c - Poisson pod arrivals with sampled durations and requests.
 *
 * Interarrival times are Exp(1/rate); each arrival creates one pod and
 * schedules the next, so at most one arrival event per generator is ever
 * pending.  A pod takes the generator's drawn requests, the rest from its
 * Kubernetes template (generator.h), and points at the template's spec.
 */
#include "workloads/generator.h"

#include <math.h>
#include <stdlib.h>

#include "sim/xalloc.h"

struct ks_pod_source {
    const ks_generator *gen;
    uint32_t source;
    ks_engine *engine;
    ks_cluster *cluster;
    gsl_rng *arrivals;
    gsl_rng *durations;
    gsl_rng *requests;
    ks_time stop;
    uint64_t created;
    ks_pod_created_fn on_created;
    void *ctx;
};

static gsl_rng *named_stream(ks_rngs *rngs, const char *kind,
                             const char *name)
{
    char *full = ks_xasprintf("%s/%s", kind, name);
    gsl_rng *r = ks_rngs_stream(rngs, full);
    free(full);
    return r;
}

ks_pod_source *ks_pod_source_create(const ks_generator *gen, uint32_t source,
                                    ks_engine *engine, ks_cluster *cluster,
                                    ks_rngs *rngs, ks_time end,
                                    ks_pod_created_fn created, void *ctx)
{
    ks_pod_source *src = ks_xcalloc(1, sizeof *src);
    src->gen = gen;
    src->source = source;
    src->engine = engine;
    src->cluster = cluster;
    src->arrivals = named_stream(rngs, "arrivals", gen->name);
    src->durations = named_stream(rngs, "durations", gen->name);
    src->requests = named_stream(rngs, "requests", gen->name);
    src->stop = gen->stop < end ? gen->stop : end;
    src->on_created = created;
    src->ctx = ctx;
    return src;
}

void ks_pod_source_destroy(ks_pod_source *src)
{
    free(src);
}

/* Seconds as a double to nanoseconds, saturating instead of overflowing. */
static ks_time seconds_to_time(double s)
{
    if (!(s > 0))
        return 0;
    if (s >= 9.2e9)
        return KS_TIME_NEVER;
    return (ks_time)llround(s * 1e9);
}

static int64_t sample_request(const ks_dist *d, gsl_rng *rng)
{
    double v = ks_dist_sample(d, rng);
    if (!(v > 0))
        return 0;
    if (v >= 9.2e18)
        return INT64_MAX;
    return (int64_t)llround(v);
}

static void schedule_next(ks_pod_source *src);

static void on_arrival(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_pod_source *src = ctx;
    const ks_generator *g = src->gen;
    int64_t request[KS_RES_COUNT];
    /* Draw in a fixed order (duration, then resources by index) so a
     * stream's sequence depends only on the scenario. */
    ks_time duration = seconds_to_time(ks_dist_sample(&g->duration,
                                                      src->durations));
    for (int r = 0; r < KS_RES_COUNT; r++)
        request[r] = g->has_request[r]
                         ? sample_request(&g->request[r], src->requests)
                     : g->has_template_request[r] ? g->template_request[r]
                                                  : -1;
    uint32_t pod = ks_cluster_add_pod(src->cluster, ks_engine_now(e), request,
                                      duration, src->source,
                                      (uint32_t)src->created);
    if (g->gpu_count > 0)
        ks_cluster_set_pod_gpus(src->cluster, pod, (unsigned)g->gpu_count,
                                (unsigned)g->gpu_milli, g->gpu_models);
    ks_pod *p = &src->cluster->pods[pod];
    p->priority = g->spec ? g->spec->priority : g->priority;
    if (g->spec) {
        p->spec = g->spec;
        /* The template's per-container non-zero view for what the
         * generator does not draw (a drawn value is the request itself). */
        if (!g->has_request[KS_RES_CPU])
            p->nonzero_request[KS_RES_CPU] = g->template_nonzero_cpu;
        if (!g->has_request[KS_RES_MEMORY])
            p->nonzero_request[KS_RES_MEMORY] = g->template_nonzero_memory;
    }
    src->created++;
    src->on_created(src->ctx, pod);
    schedule_next(src);
}

static void schedule_next(ks_pod_source *src)
{
    const ks_generator *g = src->gen;
    if (g->count > 0 && src->created >= (uint64_t)g->count)
        return;
    if (!(g->rate_per_second > 0))
        return;
    ks_time now = ks_engine_now(src->engine);
    ks_time base = now < g->start ? g->start : now;
    double gap = gsl_ran_exponential(src->arrivals, 1.0 / g->rate_per_second);
    ks_time dt = seconds_to_time(gap);
    if (dt > src->stop - base || base + dt >= src->stop)
        return;
    ks_engine_at(src->engine, base + dt, on_arrival, src, 0);
}

void ks_pod_source_start(ks_pod_source *src)
{
    schedule_next(src);
}

uint64_t ks_pod_source_count(const ks_pod_source *src)
{
    return src->created;
}
