/* run.h - one simulation run of a scenario: cluster, scheduler, workloads.
 *
 * ks_run wires the modules together the way DESIGN.md draws them: pod
 * sources create pods, the scheduler binds them, bound pods run for their
 * duration and finish, and finished pods free their resources and wake the
 * unschedulable ones.  A sampler callback is called at t = 0, every metrics
 * interval and at the end (the CLI passes the analysis recorder).
 *
 * Ownership: ks_run borrows the scenario (it must outlive the run) and owns
 * everything else it creates.
 */
#ifndef KS_RUN_H
#define KS_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "sched/scheduler.h"
#include "scenarios/scenario.h"
#include "sim/cluster.h"
#include "sim/error.h"

/* Called at each metrics sample: the cluster and the scheduling queue's
 * lengths (active, backoff, unschedulable). */
typedef void (*ks_sample_fn)(void *ctx, const ks_cluster *c,
                             const int64_t queue[3], ks_time now);
typedef void (*ks_bind_observer_fn)(void *ctx, const ks_cluster *c,
                                    uint32_t pod, uint32_t node, ks_time now);

typedef struct ks_run_options {
    int seed_set;  /* use seed instead of the scenario's spec.seed */
    uint64_t seed;
    ks_sample_fn sample;       /* may be NULL */
    void *sample_ctx;
    ks_bind_observer_fn on_bind; /* may be NULL; called after each bind */
    void *bind_ctx;
    /* May be NULL; called after the scheduler dropped a pod
     * (spec.scheduler.onUnschedulable: Drop), with bind_ctx. */
    void (*on_drop)(void *ctx, const ks_cluster *c, uint32_t pod,
                    ks_time now);
    int check_invariants; /* verify the cluster's sums at every sample */
    int k8s_minor;        /* > 0: simulate this Kubernetes minor version
                             instead of the scenario's kubernetesVersion */
} ks_run_options;

typedef struct ks_run ks_run;

/* Builds the cluster and the components; nothing runs yet. */
ks_run *ks_run_create(const ks_scenario *sc, const ks_run_options *opt);
void ks_run_destroy(ks_run *run); /* accepts NULL */

/* Runs to the scenario's duration.  Returns 0, or KS_ESTATE if an invariant
 * check failed (err says which). */
int ks_run_execute(ks_run *run, ks_error *err);

const ks_cluster *ks_run_cluster(const ks_run *run);
/* The control-plane components of a spec.controlPlane run
 * (scenarios/cp_run.h), NULL otherwise. */
struct ks_cp_run;
const struct ks_cp_run *ks_run_control_plane(const ks_run *run);
/* The Kubernetes version simulated, "1.<minor>" (the scenario's, or the
 * override of ks_run_options.k8s_minor). */
const char *ks_run_kubernetes_version(const ks_run *run);
uint64_t ks_run_seed(const ks_run *run);
ks_time ks_run_end_time(const ks_run *run);
uint64_t ks_run_events(const ks_run *run);
const ks_scheduler_stats *ks_run_scheduler_stats(const ks_run *run);
const ks_plugin_stats *ks_run_plugin_stats(const ks_run *run, size_t *n);

/* The cluster's GPU fragmentation now (sim/gpufrag.h, over the typical
 * pods of the run's trace workload; 0 without one) and its idle GPU
 * milli.  Kept up to date incrementally: O(1) after each placement. */
void ks_run_gpu_frag(ks_run *run, double *frag_milli, int64_t *idle_milli);
/* Pod source names, indexed by ks_pod.source. */
const char *const *ks_run_source_names(const ks_run *run);
size_t ks_run_nsources(const ks_run *run);

#endif
