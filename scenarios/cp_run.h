/* cp_run.h - a scenario's whole cluster on the store (spec.controlPlane).
 *
 * Builds what docs/control-loop.md describes from a scenario: the store
 * (etcd members), a kubelet per node, the ReplicaSet, Deployment, node
 * lifecycle and EndpointSlice controllers, the kube-scheduler through its
 * informers (sched/store_bridge.h), Service traffic through kube-proxy,
 * the RBAC policy, the pod event log; then at t = 0 the manifests'
 * objects, and the scenario's actions at their times, each authorized as
 * the user it names.  The run driver (scenarios/run.c) samples the
 * scheduler's cluster view as in a scheduler-only run, and this module
 * adds per-Deployment and per-Service samples.
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

/* One per action (/actions): what was asked, by whom, and the outcome. */
typedef struct ks_cp_action_result {
    ks_time time;
    uint32_t action;   /* index in spec.actions */
    int allowed;       /* RBAC */
    int applied;       /* allowed and done */
    char reason[256];  /* denial or failure; "" when applied */
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

/* Appends the per-Deployment and per-Service samples for now. */
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
const ks_cp_action_result *ks_cp_run_action_results(const ks_cp_run *cp,
                                                    size_t *n);

#endif
