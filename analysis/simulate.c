/* simulate.c - one run of a scenario from start to its dataset on disk. */
#include "analysis/simulate.h"

#include "analysis/output.h"
#include "analysis/recorder.h"

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
    };
    ks_run *run = ks_run_create(sc, &opt);
    s.run = run;
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
    }
    ks_run_destroy(run);
    ks_recorder_destroy(s.rec);
    return rc;
}
