/* trace_source.c - pods replayed from a trace's records, one arrival
 * event at a time (the next one is scheduled when a record is created, so
 * the event set holds one entry per trace). */
#include "workloads/trace_source.h"

#include <stdlib.h>

#include "sim/gpu.h"
#include "sim/xalloc.h"

struct ks_trace_source {
    const ks_trace_pods *pods;
    ks_trace_source_options opt;
    ks_engine *engine;
    ks_cluster *cluster;
    ks_pod_created_fn on_created;
    void *ctx;
    size_t next;      /* next record */
    uint32_t ordinal; /* pods created so far */
};

ks_trace_source *ks_trace_source_create(const ks_trace_pods *pods,
                                        const ks_trace_source_options *opt,
                                        ks_engine *engine, ks_cluster *cluster,
                                        ks_pod_created_fn created, void *ctx)
{
    ks_trace_source *src = ks_xcalloc(1, sizeof *src);
    src->pods = pods;
    src->opt = *opt;
    src->engine = engine;
    src->cluster = cluster;
    src->on_created = created;
    src->ctx = ctx;
    return src;
}

void ks_trace_source_destroy(ks_trace_source *src)
{
    free(src);
}

static ks_time arrival_of(const ks_trace_source *src, size_t i)
{
    if (!src->opt.sequential)
        return src->pods->v[i].arrival;
    /* Saturate instead of overflowing on absurd lists. */
    if (src->opt.interval > 0 &&
        (ks_time)i > (KS_TIME_NEVER - 1) / src->opt.interval)
        return KS_TIME_NEVER;
    return (ks_time)i * src->opt.interval;
}

static void on_arrival(ks_engine *e, void *ctx, uint64_t arg);

static void schedule_next(ks_trace_source *src)
{
    if (src->next >= src->pods->n)
        return;
    ks_time at = arrival_of(src, src->next);
    if (at >= src->opt.end)
        return;
    ks_time now = ks_engine_now(src->engine);
    ks_engine_at(src->engine, at > now ? at : now, on_arrival, src, 0);
}

static void create_pod(ks_trace_source *src, const ks_trace_pod *rec,
                       uint64_t gpu_models, ks_time now)
{
    int64_t request[KS_RES_COUNT];
    for (int r = 0; r < KS_RES_COUNT; r++)
        request[r] = -1;
    request[KS_RES_CPU] = rec->cpu_milli;
    request[KS_RES_MEMORY] = rec->memory_bytes;
    ks_time duration = src->opt.never_end ? KS_TIME_NEVER : rec->duration;
    uint32_t pod = ks_cluster_add_pod(src->cluster, now, request, duration,
                                      src->opt.source, src->ordinal++);
    if (rec->gpu_count > 0 && rec->gpu_milli > 0)
        ks_cluster_set_pod_gpus(src->cluster, pod, (unsigned)rec->gpu_count,
                                (unsigned)rec->gpu_milli, gpu_models);
    src->cluster->pods[pod].priority = rec->priority;
    src->on_created(src->ctx, pod);
}

static void on_arrival(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_trace_source *src = ctx;
    const ks_trace_pod *rec = &src->pods->v[src->next++];
    int bad = 0;
    uint64_t models = ks_gpu_models_mask(rec->gpu_models, &bad);
    int64_t n = rec->instances > 0 ? rec->instances : 1;
    for (int64_t k = 0; k < n; k++)
        create_pod(src, rec, bad ? 0 : models, ks_engine_now(e));
    schedule_next(src);
}

void ks_trace_source_start(ks_trace_source *src)
{
    schedule_next(src);
}
