/* simulate.c - one run of a scenario from start to its dataset on disk. */
#include "analysis/simulate.h"

#include "analysis/output.h"
#include "analysis/recorder.h"
#include "scenarios/cp_run.h"

typedef struct sampler {
    ks_recorder *rec;
    const ks_simulate_options *opt;
    ks_run *run;
    ks_time end;
} sampler;

static void sample(void *ctx, const ks_cluster *c, const int64_t queue[3],
                   ks_time now)
{
    sampler *s = ctx;
    const ks_queue_gauges q = {queue[0], queue[1], queue[2]};
    ks_recorder_sample_queue(s->rec, c, &q, now);
    if (s->opt->progress && s->run)
        s->opt->progress(s->opt->progress_ctx, now, s->end,
                         ks_run_events(s->run));
}

/* A pod was placed or dropped: one /gpu_alloc event. */
static void gpu_event(sampler *s, const ks_cluster *c, uint32_t pod)
{
    if (!s->rec->gpu_enabled || !s->run)
        return;
    const ks_pod *p = &c->pods[pod];
    double frag;
    int64_t idle;
    ks_run_gpu_frag(s->run, &frag, &idle);
    ks_gpu_alloc_event(&s->rec->gpu, (int64_t)p->gpu_count * p->gpu_milli,
                       c->used_gpu_milli, frag, idle);
}

static void bound(void *ctx, const ks_cluster *c, uint32_t pod,
                  uint32_t node, ks_time now)
{
    (void)node;
    (void)now;
    gpu_event(ctx, c, pod);
}

static void dropped(void *ctx, const ks_cluster *c, uint32_t pod, ks_time now)
{
    (void)now;
    gpu_event(ctx, c, pod);
}

int ks_simulate_to_file(const ks_scenario *sc, const ks_simulate_options *o,
                        const char *out, ks_simulate_result *res,
                        ks_error *err)
{
    sampler s = {ks_recorder_create(), o, NULL, sc->duration};
    ks_run_options opt = {
        .seed_set = o->seed_set,
        .seed = o->seed,
        .sample = sample,
        .sample_ctx = &s,
        .check_invariants = o->check_invariants,
        .k8s_minor = o->k8s_minor,
        .on_bind = bound,
        .on_drop = dropped,
        .bind_ctx = &s,
    };
    ks_run *run = ks_run_create(sc, &opt);
    s.run = run;
    int64_t gpus = ks_run_cluster(run)->total_gpu_milli;
    if (gpus > 0) {
        ks_gpu_alloc_init(&s.rec->gpu, gpus);
        s.rec->gpu_enabled = 1;
    }
    ks_error_clear(err);
    int rc = ks_run_execute(run, err);
    if (rc == 0)
        rc = ks_output_write_run(out, o->force,
                                 o->ksim_version ? o->ksim_version : "unknown",
                                 sc, run, s.rec, err);
    if (rc == 0 && res) {
        res->seed = ks_run_seed(run);
        res->end_time = ks_run_end_time(run);
        res->events = ks_run_events(run);
        ks_summary_compute(ks_run_cluster(run), s.rec, &res->summary);
        if (ks_run_control_plane(run))
            ks_summary_add_startup(&res->summary,
                                   ks_cp_run_events(ks_run_control_plane(run)));
    }
    ks_run_destroy(run);
    ks_recorder_destroy(s.rec);
    return rc;
}
