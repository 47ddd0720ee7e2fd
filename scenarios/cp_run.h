/* cp_run.h - a scenario's whole cluster on the store (spec.controlPlane).
 *
 * Builds what docs/control-loop.md describes from a scenario: the store
 * (etcd members), a kubelet per node, the ReplicaSet, Deployment, Job,
 * DaemonSet, node lifecycle and EndpointSlice controllers, the
 * kube-scheduler through its informers (sched/store_bridge.h), Service
 * traffic through kube-proxy (each item's rate changed at its profile's
 * times), the RBAC policy, the pod event log; when the manifests hold
 * HorizontalPodAutoscalers, the CPU usage model (sim/usage.h) and the HPA
 * controller (sim/controllers/hpa_controller.h); then at t = 0 the
 * manifests' objects, and the scenario's actions at their times, each
 * authorized as the user it names.  The run driver (scenarios/run.c)
 * samples the scheduler's cluster view as in a scheduler-only run, and
 * this module adds per-Deployment, per-Service and per-HPA samples.
 *
 * The usage model (runs with HPAs only): every unowned Deployment or
 * ReplicaSet of the manifests whose pod template carries
 * ksim.io/cpu-per-request or ksim.io/cpu-base is a workload of the
 * model, with that cost and base; its load over time is the sum of the
 * rates (profiles included) of the spec.traffic items whose Service
 * selects its pods.  A Service selecting the pods of two workloads, one
 * of them annotated, is an error at the traffic item (the model cannot
 * yet split a Service's requests between workloads).  Workloads without
 * the annotations have no CPU metric: an HPA on them reports a metrics
 * error and keeps their replicas.
 *
 * Ownership: owns every component it creates; engine, random streams and
 * scenario are borrowed and must outlive it.
 */
#ifndef KS_CP_RUN_H
#define KS_CP_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "sched/scheduler.h"
#include "scenarios/scenario.h"
#include "sim/cluster.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/podevents.h"
#include "sim/rng.h"

/* One per Deployment per metrics sample (/deployments). */
typedef struct ks_cp_deployment_sample {
    ks_time time;
    uint32_t deployment; /* index in ks_cp_run_deployment_name */
    int32_t replicas;    /* spec.replicas */
    int32_t updated;
    int32_t ready;
    int32_t available;
} ks_cp_deployment_sample;

/* One per Service with traffic per metrics sample (/services). */
typedef struct ks_cp_service_sample {
    ks_time time;
    uint32_t service;   /* index in spec.traffic */
    int32_t ready_endpoints;
    uint64_t requests, ok, failed, rejected; /* cumulative */
    ks_time zero_endpoints;                  /* cumulative */
} ks_cp_service_sample;

/* One per HorizontalPodAutoscaler per metrics sample (/hpas): its status
 * as the HPA controller last wrote it. */
typedef struct ks_cp_hpa_sample {
    ks_time time;
    uint32_t hpa;               /* index in ks_cp_run_hpa_name */
    int32_t current_replicas;   /* status.currentReplicas */
    int32_t desired_replicas;   /* status.desiredReplicas */
    int32_t cpu_utilization;    /* percent of requests, -1: none */
} ks_cp_hpa_sample;

/* One per action (/actions): what was asked, by whom, and the outcome. */
typedef struct ks_cp_action_result {
    ks_time time;
    uint32_t action;   /* index in spec.actions */
    int allowed;       /* RBAC */
    int applied;       /* allowed and done */
    char reason[256];  /* denial, failure or a skipped rollback's message;
                          "" when applied */
} ks_cp_action_result;

typedef struct ks_cp_run ks_cp_run;

/* Builds the components and the nodes (not yet the workloads).  cfg is
 * the scheduler's configuration (borrowed: its args must outlive the
 * run).  NULL with err on failure (an RBAC file that does not load). */
ks_cp_run *ks_cp_run_create(const ks_scenario *sc, ks_engine *e,
                            ks_rngs *rngs, const ks_scheduler_config *cfg,
                            ks_error *err);
void ks_cp_run_destroy(ks_cp_run *cp); /* accepts NULL */

/* Creates the workloads' objects now and plans the actions and the
 * traffic.  Returns 0, or an error naming the manifest at fault. */
int ks_cp_run_start(ks_cp_run *cp, ks_error *err);

/* Appends the per-Deployment, per-Service and per-HPA samples for now
 * (once per instant). */
void ks_cp_run_sample(ks_cp_run *cp, ks_time now);

const ks_cluster *ks_cp_run_cluster(const ks_cp_run *cp);
ks_scheduler *ks_cp_run_scheduler(ks_cp_run *cp);
const ks_podevents *ks_cp_run_events(const ks_cp_run *cp);

const ks_cp_deployment_sample *ks_cp_run_deployment_samples(
    const ks_cp_run *cp, size_t *n);
/* "namespace/name" of the i-th Deployment seen by the samples. */
const char *ks_cp_run_deployment_name(const ks_cp_run *cp, uint32_t i);
const ks_cp_service_sample *ks_cp_run_service_samples(const ks_cp_run *cp,
                                                      size_t *n);
const ks_cp_hpa_sample *ks_cp_run_hpa_samples(const ks_cp_run *cp, size_t *n);
/* "namespace/name" of the i-th HPA seen by the samples. */
const char *ks_cp_run_hpa_name(const ks_cp_run *cp, uint32_t i);
const ks_cp_action_result *ks_cp_run_action_results(const ks_cp_run *cp,
                                                    size_t *n);

#endif
