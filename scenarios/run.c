/* run.c - building a cluster from a scenario and running it.
 *
 * Event flow: arrival (pod source) -> scheduler cycle -> bind -> pod end
 * (after its duration) -> resources freed, unschedulable pods moved.  A
 * pod's end event is scheduled at bind time; ends after the run's duration
 * simply never fire.
 *
 * Pod specs are registered with a ks_default_selectors (scenarios/build.h)
 * installed in the scheduler's PodTopologySpread instances, so the default
 * profile's system default constraints spread the pods that Services,
 * ReplicaSets, StatefulSets and ReplicationControllers select.
 */
#include "scenarios/run.h"

#include "policies/research/fgd.h"
#include "policies/research/gpushare.h"
#include "sim/gpufrag.h"
#include "sim/gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/xalloc.h"
#include "scenarios/build.h"
#include "scenarios/cp_run.h"
#include "workloads/generator.h"
#include "workloads/trace_source.h"
#include "workloads/traces/transform.h"

struct ks_run {
    const ks_scenario *sc;
    ks_run_options opt;
    uint64_t seed;
    ks_engine *engine;
    ks_rngs *rngs;
    ks_cluster *cluster;
    ks_scheduler *scheduler;
    ks_pod_source **sources;
    const char **source_names;
    size_t nsources;
    ks_time end;
    ks_schedconfig *default_config; /* when the scenario names none */
    ks_default_selectors *selectors; /* PodTopologySpread's default ones */
    char k8s_version[16];
    int build_failed;
    ks_error build_error;
    ks_event_id *life;   /* per pod: its pending bound or end event */
    size_t life_cap;
    int failed;
    ks_error check_error;
    /* Trace workloads: each one's pods after the seeded steps (owned) and
     * its running source; FGD's typical pods over their original pods and
     * the cluster's fragmentation kept up to date (NULL without traces). */
    ks_trace_pods *trace_pods;
    ks_trace_source **trace_sources;
    size_t ntraces;
    ks_frag_workload *frag_workload;
    ks_frag_tracker *frag;
    /* spec.controlPlane: the whole cluster on the store; its scheduler
     * and cluster view replace run->scheduler's and run->cluster's. */
    ks_cp_run *cp;
};

/* The cluster the scheduler sees (the store bridge's in a control-plane
 * run). */
static const ks_cluster *view(const ks_run *run)
{
    return run->cp ? ks_cp_run_cluster(run->cp) : run->cluster;
}

/* spec.cluster.traceNodes (after the pools): cpu, memory, pods and GPUs
 * of each node of the trace's list. */
static void build_trace_nodes(ks_run *run)
{
    const ks_trace_node_spec *t = run->sc->trace_nodes;
    if (!t)
        return;
    uint32_t pool = (uint32_t)run->sc->npools;
    for (size_t i = 0; i < t->nodes.n; i++) {
        const ks_trace_node *tn = &t->nodes.v[i];
        int64_t alloc[KS_RES_COUNT] = {0};
        alloc[KS_RES_CPU] = tn->cpu_milli;
        alloc[KS_RES_MEMORY] = tn->memory_bytes;
        alloc[KS_RES_PODS] = t->pods;
        uint32_t n = ks_cluster_add_node(run->cluster, tn->name, alloc, pool);
        if (tn->gpu_count > 0) {
            int model = ks_gpu_model_intern(tn->gpu_model);
            ks_cluster_set_node_gpus(run->cluster, n, (unsigned)tn->gpu_count,
                                     model > 0 ? model : 0);
        }
        ks_node_info info = {0};
        ks_labels_set(&info.labels, "kubernetes.io/hostname", tn->name);
        ks_cluster_set_node_info(run->cluster, n, &info);
    }
}

/* Node manifests of spec.cluster.nodes (after the pools). */
static int build_manifest_nodes(ks_run *run, ks_error *err)
{
    const ks_scenario *sc = run->sc;
    if (!sc->manifests || sc->manifest_nodes_end == sc->manifest_nodes_begin)
        return 0;
    ks_manifests view = *sc->manifests;
    view.nodes += sc->manifest_nodes_begin;
    view.nnodes = sc->manifest_nodes_end - sc->manifest_nodes_begin;
    return ks_build_nodes(run->cluster, &view, (uint32_t)sc->npools, err);
}

static void build_nodes(ks_run *run)
{
    const ks_scenario *sc = run->sc;
    for (size_t p = 0; p < sc->npools; p++) {
        const ks_node_pool *pool = &sc->pools[p];
        for (int64_t i = 0; i < pool->count; i++) {
            char name[128];
            snprintf(name, sizeof name, "%s-%lld", pool->name, (long long)i);
            uint32_t n = ks_cluster_add_node(run->cluster, name,
                                             pool->allocatable, (uint32_t)p);
            if (pool->gpu_count > 0)
                ks_cluster_set_node_gpus(run->cluster, n,
                                         (unsigned)pool->gpu_count,
                                         ks_gpu_model_intern(pool->gpu_model));
            /* The pool's labels, plus the well-known hostname label every
             * kubelet sets (topology spread and affinity use it). */
            ks_node_info info = {0};
            for (size_t k = 0; k < pool->nlabels; k++)
                ks_labels_set(&info.labels, pool->labels[k].key,
                              pool->labels[k].value);
            if (!ks_labels_get(&info.labels, "kubernetes.io/hostname"))
                ks_labels_set(&info.labels, "kubernetes.io/hostname", name);
            ks_cluster_set_node_info(run->cluster, n, &info);
        }
    }
}

/* Remembers pod's next lifecycle event, so preemption can cancel it. */
static void set_life(ks_run *run, uint32_t pod, ks_event_id id)
{
    if (pod >= run->life_cap) {
        size_t old = run->life_cap;
        run->life = ks_xgrow(run->life, &run->life_cap, (size_t)pod + 1,
                             sizeof *run->life);
        memset(run->life + old, 0, (run->life_cap - old) * sizeof *run->life);
    }
    run->life[pod] = id;
}

static void on_pod_end(ks_engine *e, void *ctx, uint64_t pod)
{
    ks_run *run = ctx;
    ks_cluster_complete(run->cluster, (uint32_t)pod, ks_engine_now(e));
    if (run->frag)
        ks_frag_tracker_update(run->frag, run->cluster,
                               run->cluster->pods[pod].node);
    ks_scheduler_assigned_pod_deleted(run->scheduler, (uint32_t)pod);
}

/* The binding completed: the pod starts and runs for its duration.  (The
 * kubelet's start-up path comes with the control loop, issue 6.) */
static void on_bound(ks_engine *e, void *ctx, uint64_t pod)
{
    ks_run *run = ctx;
    ks_cluster_start(run->cluster, (uint32_t)pod, ks_engine_now(e));
    set_life(run, (uint32_t)pod,
             ks_engine_after(e, run->cluster->pods[pod].duration, on_pod_end,
                             run, pod));
}

/* The scheduler assumed pod on node: it counts there from now on. */
static void on_drop(void *ctx, uint32_t pod)
{
    ks_run *run = ctx;
    if (run->opt.on_drop)
        run->opt.on_drop(run->opt.bind_ctx, run->cluster, pod,
                         ks_engine_now(run->engine));
}

void ks_run_gpu_frag(ks_run *run, double *frag_milli, int64_t *idle_milli)
{
    const ks_cluster *c = run->cluster;
    *idle_milli = c->total_gpu_milli - c->used_gpu_milli;
    *frag_milli = run->frag ? ks_frag_tracker_amount(run->frag) : 0;
}

static void on_bind(void *ctx, uint32_t pod, uint32_t node)
{
    ks_run *run = ctx;
    ks_time now = ks_engine_now(run->engine);
    ks_cluster_bind(run->cluster, pod, node, now);
    if (run->frag)
        ks_frag_tracker_update(run->frag, run->cluster, node);
    if (run->opt.on_bind)
        run->opt.on_bind(run->opt.bind_ctx, run->cluster, pod, node, now);
    set_life(run, pod,
             ks_engine_after(run->engine, run->sc->bind_latency, on_bound, run,
                             pod));
}

/* A preemption victim's graceful termination is over: it is gone. */
static void on_evicted(ks_engine *e, void *ctx, uint64_t pod)
{
    ks_run *run = ctx;
    ks_cluster_evict(run->cluster, (uint32_t)pod, ks_engine_now(e));
    if (run->frag)
        ks_frag_tracker_update(run->frag, run->cluster,
                               run->cluster->pods[pod].node);
    ks_scheduler_assigned_pod_deleted(run->scheduler, (uint32_t)pod);
}

/* Preemption deleted victim: it stops running (its own end or start will
 * not come) and frees its resources after the grace period. */
static void on_evict(void *ctx, uint32_t victim, uint32_t preemptor)
{
    (void)preemptor;
    ks_run *run = ctx;
    if (victim < run->life_cap)
        ks_engine_cancel(run->engine, run->life[victim]);
    set_life(run, victim,
             ks_engine_after(run->engine, run->sc->victim_grace, on_evicted,
                             run, victim));
}

static void on_pod_created(void *ctx, uint32_t pod)
{
    ks_run *run = ctx;
    ks_scheduler_pod_added(run->scheduler, pod);
}

/* Node name -> index, sorted by name, for binding manifest pods. */
typedef struct named_node {
    const char *name;
    uint32_t index;
} named_node;

static int cmp_named_node(const void *a, const void *b)
{
    return strcmp(((const named_node *)a)->name,
                  ((const named_node *)b)->name);
}

static uint32_t find_node(const named_node *map, size_t n, const char *name)
{
    named_node key = {name, 0};
    const named_node *hit = bsearch(&key, map, n, sizeof *map, cmp_named_node);
    return hit ? hit->index : KS_NO_NODE;
}

/* One manifest pod: existing state if bound to a known node, else
 * pending; pods that already finished are skipped.  Its spec is registered
 * for its default selector (a template's is registered with the
 * template). */
static int add_manifest_pod(ks_run *run, const ks_manifest_pod *mp,
                            uint32_t source, uint32_t ordinal,
                            const named_node *map, size_t nmap, ks_error *err)
{
    if (mp->phase && (strcmp(mp->phase, "Succeeded") == 0 ||
                      strcmp(mp->phase, "Failed") == 0))
        return 0;
    ks_time now = ks_engine_now(run->engine);
    ks_default_selectors_add_pod(run->selectors, mp->spec,
                                 mp->owner_api_version, mp->owner_kind,
                                 mp->owner_name);
    uint32_t p = ks_build_pod(run->cluster, mp, now, source, ordinal, err);
    if (p == KS_NO_POD)
        return KS_ERANGE;
    uint32_t node = mp->node_name ? find_node(map, nmap, mp->node_name)
                                  : KS_NO_NODE;
    if (node != KS_NO_NODE) {
        ks_cluster_bind(run->cluster, p, node, now);
        ks_cluster_start(run->cluster, p, now);
        ks_scheduler_pod_bound_elsewhere(run->scheduler, p);
    } else {
        ks_scheduler_pod_added(run->scheduler, p);
    }
    return 0;
}

/* The DaemonSet controller's pods (ks_build_daemon_pods), added as
 * manifest pods. */
typedef struct daemon_ctx {
    ks_run *run;
    uint32_t source;
    uint32_t *ordinal;
    const named_node *map;
    size_t nmap;
    ks_error *err;
} daemon_ctx;

static int add_daemon_pod(void *ctx, const ks_manifest_pod *mp)
{
    daemon_ctx *d = ctx;
    return add_manifest_pod(d->run, mp, d->source, (*d->ordinal)++, d->map,
                            d->nmap, d->err);
}

/* spec.workloads[i].manifests, all at t = 0: pods, then the replicas of
 * workload templates (a ReplicaSet owned by a Deployment in the same files
 * is the Deployment's: its pods are not created twice), and one pod per
 * node that should run each DaemonSet (nodes as they are at t = 0).
 * Template pods are named "<namespace>/<name>-<k>", DaemonSet pods
 * "<namespace>/<name>-<node>". */
static int add_manifest_workloads(ks_run *run, ks_error *err)
{
    const ks_scenario *sc = run->sc;
    if (sc->manifests)
        ks_build_pdbs(run->cluster, sc->manifests);
    if (sc->nmanifest_workloads == 0)
        return 0;
    size_t nmap = run->cluster->nnodes;
    named_node *map = ks_xmalloc((nmap ? nmap : 1) * sizeof *map);
    for (size_t i = 0; i < nmap; i++)
        map[i] = (named_node){run->cluster->nodes[i].name, (uint32_t)i};
    qsort(map, nmap, sizeof *map, cmp_named_node);
    int rc = 0;
    for (size_t w = 0; w < sc->nmanifest_workloads && !rc; w++) {
        const ks_manifest_workload *mw = &sc->manifest_workloads[w];
        uint32_t source = (uint32_t)(sc->ngenerators + w);
        uint32_t ordinal = 0;
        for (size_t i = mw->pods_begin; i < mw->pods_end && !rc; i++)
            rc = add_manifest_pod(run, &sc->manifests->pods[i], source,
                                  ordinal++, map, nmap, err);
        for (size_t t = mw->templates_begin; t < mw->templates_end && !rc;
             t++) {
            const ks_manifest_template *mt = &sc->manifests->templates[t];
            if (mt->owner_kind)
                continue;
            if (strcmp(mt->kind, "DaemonSet") == 0) {
                daemon_ctx d = {run, source, &ordinal, map, nmap, err};
                int made = ks_build_daemon_pods(run->cluster, sc->manifests,
                                                mt, add_daemon_pod, &d);
                rc = made < 0 ? made : 0;
                continue;
            }
            ks_default_selectors_add_template(run->selectors, mt);
            for (int32_t k = 0; k < mt->replicas && !rc; k++) {
                /* ks_build_pod qualifies it with the namespace. */
                char *name = ks_xasprintf("%s-%d", mt->name, k);
                ks_manifest_pod pod = mt->pod;
                pod.name = name;
                rc = add_manifest_pod(run, &pod, source, ordinal++, map, nmap,
                                      err);
                free(name);
            }
        }
    }
    free(map);
    return rc;
}

static void take_sample(ks_run *run, ks_time now)
{
    if (run->opt.check_invariants && !run->failed) {
        char why[512];
        if (ks_cluster_check(view(run), why, sizeof why) != 0) {
            run->failed = 1;
            ks_error_set(&run->check_error, KS_ESTATE, NULL, 0, 0,
                         "invariant violated at t=%.3fs: %s",
                         (double)now / 1e9, why);
            ks_engine_stop(run->engine);
        }
    }
    if (run->opt.sample) {
        const ks_queue *q = ks_scheduler_queue(run->scheduler);
        const int64_t lengths[3] = {
            (int64_t)ks_queue_active_len(q), (int64_t)ks_queue_backoff_len(q),
            (int64_t)ks_queue_unschedulable_len(q)};
        run->opt.sample(run->opt.sample_ctx, view(run), lengths, now);
    }
    if (run->cp)
        ks_cp_run_sample(run->cp, now);
}

static void on_sample(ks_engine *e, void *ctx, uint64_t arg)
{
    ks_run *run = ctx;
    ks_time now = ks_engine_now(e);
    take_sample(run, now);
    ks_time next = (ks_time)(arg + 1) * run->sc->metrics_interval;
    if (next < run->end)
        ks_engine_at(e, next, on_sample, run, arg + 1);
}

/* "1.35" -> 35; the loader accepts only supported versions. */
static int kubernetes_minor(const char *version)
{
    const char *dot = version ? strchr(version, '.') : NULL;
    return dot ? atoi(dot + 1) : 36;
}

/* A cluster with GPUs: every profile filters GPU pods with GpuShare (the
 * per-GPU fit no kube-scheduler plugin knows), after its own filters,
 * unless its configuration already has it. */
static void add_gpu_filter(ks_scheduler_config *cfg)
{
    for (size_t p = 0; p < cfg->nprofiles; p++) {
        ks_profile_config *prof = &cfg->profiles[p];
        int has = 0;
        for (size_t i = 0; i < prof->nplugins; i++)
            has |= prof->plugins[i].plugin == &ks_plugin_gpushare;
        if (has || prof->nplugins == KS_MAX_PROFILE_PLUGINS)
            continue;
        prof->plugins[prof->nplugins++] =
            (ks_plugin_use){.plugin = &ks_plugin_gpushare, .filter = 1};
    }
}

/* ---- trace workloads ---------------------------------------------------- */

static int cmp_pod_name(const void *a, const void *b)
{
    const ks_trace_pod *x = a, *y = b;
    return strcmp(x->name, y->name);
}

/* The seeded steps of a trace workload on a copy of its pods: shuffle
 * (by name, then a permutation) or the FGD inflation (which shuffles
 * too), sampling, time scaling; the original (sampled) pods also feed the
 * typical pods of FGD's fragmentation measure (*orig). */
static int prepare_trace(ks_run *run, const ks_trace_workload *w,
                         ks_trace_pods *out, ks_trace_pods *orig,
                         ks_error *err)
{
    char *stream = ks_xasprintf("trace/%s", w->name);
    gsl_rng *rng = ks_rngs_stream(run->rngs, stream);
    free(stream);
    ks_trace_pods list = {0};
    for (size_t i = 0; i < w->pods.n; i++)
        ks_trace_pods_push(&list, &w->pods.v[i]);
    int rc = 0;
    if (w->sample < 1)
        rc = ks_trace_sample(&list, w->sample, rng, err);
    for (size_t i = 0; !rc && i < list.n; i++)
        ks_trace_pods_push(orig, &list.v[i]);
    if (!rc && w->inflate > 0) {
        rc = ks_trace_inflate(&list, run->cluster->total_gpu_milli,
                              w->inflate, rng, out, NULL, err);
        ks_trace_pods_free(&list);
        if (rc)
            ks_error_set(err, rc, w->path, 0, 0,
                         "trace %s: cannot inflate: %s", w->name, err->msg);
        return rc;
    }
    if (!rc && w->shuffle) {
        qsort(list.v, list.n, sizeof *list.v, cmp_pod_name);
        gsl_ran_shuffle(rng, list.v, list.n, sizeof *list.v);
    }
    if (!rc && w->time_scale != 1)
        rc = ks_trace_scale_arrivals(&list, w->time_scale, err);
    if (!rc && !w->sequential && !w->shuffle)
        ks_trace_sort_by_arrival(&list);
    if (rc) {
        ks_trace_pods_free(&list);
        return rc;
    }
    *out = list;
    return 0;
}

/* FGD's typical pods over every trace's original pods, installed in each
 * profile running FGD, and the fragmentation tracker of the metrics. */
static int set_up_fragmentation(ks_run *run, const ks_trace_pods *orig,
                                ks_error *err)
{
    if (orig->n == 0)
        return 0;
    ks_frag_pod *pods = ks_xmalloc(orig->n * sizeof *pods);
    for (size_t i = 0; i < orig->n; i++) {
        const ks_trace_pod *r = &orig->v[i];
        int bad = 0;
        pods[i] = (ks_frag_pod){r->cpu_milli,
                                (uint16_t)(r->gpu_count > 0 ? r->gpu_milli : 0),
                                (uint8_t)(r->gpu_milli > 0 ? r->gpu_count : 0),
                                ks_gpu_models_mask(r->gpu_models, &bad)};
    }
    int rc = ks_frag_workload_create(pods, orig->n,
                                     KS_FRAG_TYPICAL_THRESHOLD_PCT,
                                     &run->frag_workload, err);
    free(pods);
    if (rc)
        return rc;
    for (size_t p = 0; p < KS_MAX_PROFILES; p++) {
        void *inst = ks_scheduler_plugin_instance(run->scheduler, p,
                                                  &ks_plugin_fgd);
        if (inst)
            ks_fgd_set_workload(inst, run->frag_workload);
    }
    run->frag = ks_frag_tracker_create(run->frag_workload);
    ks_frag_tracker_sync(run->frag, run->cluster);
    return 0;
}

static int prepare_traces(ks_run *run, ks_error *err)
{
    const ks_scenario *sc = run->sc;
    run->ntraces = sc->ntraces;
    if (sc->ntraces == 0)
        return 0;
    run->trace_pods = ks_xcalloc(sc->ntraces, sizeof *run->trace_pods);
    run->trace_sources = ks_xcalloc(sc->ntraces, sizeof *run->trace_sources);
    ks_trace_pods orig = {0};
    int rc = 0;
    for (size_t i = 0; i < sc->ntraces && !rc; i++) {
        const ks_trace_workload *w = &sc->traces[i];
        if ((rc = prepare_trace(run, w, &run->trace_pods[i], &orig, err)))
            break;
        ks_trace_source_options o = {
            .sequential = w->sequential || w->shuffle || w->inflate > 0,
            .interval = w->interval,
            .never_end = w->never_end,
            .source = (uint32_t)(sc->ngenerators + sc->nmanifest_workloads +
                                 i),
            .end = run->end,
        };
        run->trace_sources[i] = ks_trace_source_create(
            &run->trace_pods[i], &o, run->engine, run->cluster,
            on_pod_created, run);
        run->source_names[o.source] = w->name;
    }
    if (!rc)
        rc = set_up_fragmentation(run, &orig, err);
    ks_trace_pods_free(&orig);
    return rc;
}

/* The configured profiles (or kube-scheduler's default profile) with the
 * scenario's and the options' overrides.  *defaults receives the default
 * configuration when the scenario names none (freed with the run). */
static ks_scheduler_config scheduler_config(ks_run *run,
                                            ks_schedconfig **defaults)
{
    const ks_scenario *sc = run->sc;
    *defaults = NULL;
    const ks_schedconfig *sconf = sc->scheduler_config;
    if (!sconf)
        sconf = *defaults =
            ks_schedconfig_default(kubernetes_minor(sc->kubernetes_version));
    ks_scheduler_config cfg = *ks_schedconfig_get(sconf);
    cfg.k8s_minor = run->opt.k8s_minor > 0
                        ? run->opt.k8s_minor
                        : kubernetes_minor(sc->kubernetes_version);
    snprintf(run->k8s_version, sizeof run->k8s_version, "1.%d", cfg.k8s_minor);
    cfg.cycle_base = sc->cycle_base;
    cfg.drop_unschedulable = sc->drop_unschedulable;
    cfg.tie_break_node_order = sc->tie_break_node_order;
    cfg.cycle_per_node = sc->cycle_per_node;
    return cfg;
}

/* spec.controlPlane: the components of scenarios/cp_run.h build the
 * nodes and own the scheduler. */
static ks_run *create_control_plane(ks_run *run)
{
    ks_scheduler_config cfg = scheduler_config(run, &run->default_config);
    ks_error_clear(&run->build_error);
    run->cp = ks_cp_run_create(run->sc, run->engine, run->rngs, &cfg,
                               &run->build_error);
    if (!run->cp)
        run->build_failed = 1;
    else
        run->scheduler = ks_cp_run_scheduler(run->cp);
    run->source_names = ks_xcalloc(1, sizeof *run->source_names);
    return run;
}

ks_run *ks_run_create(const ks_scenario *sc, const ks_run_options *opt)
{
    ks_run *run = ks_xcalloc(1, sizeof *run);
    run->sc = sc;
    if (opt)
        run->opt = *opt;
    run->seed = run->opt.seed_set ? run->opt.seed : sc->seed;
    run->end = sc->duration;
    run->engine = ks_engine_create();
    run->rngs = ks_rngs_create(run->seed);
    run->cluster = ks_cluster_create();
    if (sc->control_plane)
        return create_control_plane(run);
    build_nodes(run);
    build_trace_nodes(run);
    ks_error_clear(&run->build_error);
    if (build_manifest_nodes(run, &run->build_error) != 0)
        run->build_failed = 1;
    ks_schedconfig *defaults;
    ks_scheduler_config cfg = scheduler_config(run, &defaults);
    if (run->cluster->total_gpu_milli > 0)
        add_gpu_filter(&cfg);
    run->scheduler = ks_scheduler_create(run->engine, run->cluster,
                                         ks_rngs_stream(run->rngs, "tiebreak"),
                                         &cfg, on_bind, run);
    ks_scheduler_set_drop_observer(run->scheduler, on_drop, run);
    ks_scheduler_set_plugin_rng(run->scheduler,
                                ks_rngs_stream(run->rngs, "plugins"));
    ks_scheduler_set_evict(run->scheduler, on_evict, run,
                           ks_rngs_stream(run->rngs, "preemption"));
    run->default_config = defaults; /* args the scheduler points into */
    run->selectors = ks_default_selectors_create(sc->manifests);
    ks_default_selectors_install(run->selectors, run->scheduler);
    run->nsources = sc->ngenerators;
    run->sources = ks_xcalloc(run->nsources + 1, sizeof *run->sources);
    /* Names of every pod source: generators, manifest workloads (their
     * pods are named after their objects: NULL), traces. */
    run->source_names = ks_xcalloc(sc->ngenerators + sc->nmanifest_workloads +
                                       sc->ntraces + 1,
                                   sizeof *run->source_names);
    for (size_t i = 0; i < sc->ngenerators; i++) {
        run->sources[i] = ks_pod_source_create(
            &sc->generators[i], (uint32_t)i, run->engine, run->cluster,
            run->rngs, run->end, on_pod_created, run);
        run->source_names[i] = sc->generators[i].name;
        ks_default_selectors_add_pod(run->selectors, sc->generators[i].spec,
                                     NULL, NULL, NULL);
    }
    if (!run->build_failed && prepare_traces(run, &run->build_error) != 0)
        run->build_failed = 1;
    return run;
}

void ks_run_destroy(ks_run *run)
{
    if (!run)
        return;
    for (size_t i = 0; i < run->nsources; i++)
        ks_pod_source_destroy(run->sources[i]);
    free(run->sources);
    for (size_t i = 0; i < run->ntraces; i++) {
        if (run->trace_sources)
            ks_trace_source_destroy(run->trace_sources[i]);
        if (run->trace_pods)
            ks_trace_pods_free(&run->trace_pods[i]);
    }
    free(run->trace_sources);
    free(run->trace_pods);
    ks_frag_tracker_destroy(run->frag);
    free(run->source_names);
    free(run->life);
    if (run->cp)
        ks_cp_run_destroy(run->cp); /* with its scheduler */
    else
        ks_scheduler_destroy(run->scheduler);
    ks_default_selectors_destroy(run->selectors); /* after its users */
    ks_schedconfig_destroy(run->default_config);
    ks_frag_workload_destroy(run->frag_workload); /* after the scheduler */
    ks_cluster_destroy(run->cluster);
    ks_rngs_destroy(run->rngs);
    ks_engine_destroy(run->engine);
    free(run);
}

int ks_run_execute(ks_run *run, ks_error *err)
{
    ks_error_clear(&run->check_error);
    if (!run->build_failed && !run->cp &&
        add_manifest_workloads(run, &run->build_error) != 0)
        run->build_failed = 1;
    if (!run->build_failed && run->cp &&
        ks_cp_run_start(run->cp, &run->build_error) != 0)
        run->build_failed = 1;
    if (run->build_failed) {
        if (err)
            *err = run->build_error;
        return run->build_error.code ? run->build_error.code : KS_ERANGE;
    }
    ks_engine_at(run->engine, 0, on_sample, run, 0);
    for (size_t i = 0; i < run->nsources; i++)
        ks_pod_source_start(run->sources[i]);
    for (size_t i = 0; i < run->ntraces; i++)
        if (run->trace_sources[i])
            ks_trace_source_start(run->trace_sources[i]);
    if (run->frag) /* manifest pods bound at t = 0 */
        ks_frag_tracker_sync(run->frag, run->cluster);
    ks_engine_run(run->engine, run->end);
    if (run->failed) {
        if (err)
            *err = run->check_error;
        return KS_ESTATE;
    }
    take_sample(run, ks_engine_now(run->engine));
    if (run->failed) {
        if (err)
            *err = run->check_error;
        return KS_ESTATE;
    }
    return 0;
}

const char *ks_run_kubernetes_version(const ks_run *run)
{
    return run->k8s_version;
}

const ks_cluster *ks_run_cluster(const ks_run *run)
{
    return view(run);
}

const struct ks_cp_run *ks_run_control_plane(const ks_run *run)
{
    return run->cp;
}

uint64_t ks_run_seed(const ks_run *run)
{
    return run->seed;
}

ks_time ks_run_end_time(const ks_run *run)
{
    return ks_engine_now(run->engine);
}

uint64_t ks_run_events(const ks_run *run)
{
    return ks_engine_events_run(run->engine);
}

const ks_scheduler_stats *ks_run_scheduler_stats(const ks_run *run)
{
    return ks_scheduler_get_stats(run->scheduler);
}

const char *const *ks_run_source_names(const ks_run *run)
{
    return run->source_names;
}

size_t ks_run_nsources(const ks_run *run)
{
    const ks_scenario *sc = run->sc;
    return sc->ngenerators + sc->nmanifest_workloads + sc->ntraces;
}

const ks_plugin_stats *ks_run_plugin_stats(const ks_run *run, size_t *n)
{
    return ks_scheduler_plugin_stats(run->scheduler, n);
}
