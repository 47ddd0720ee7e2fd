/* hpa_controller.h - the HorizontalPodAutoscaler controller, on the store.
 *
 * Runs the decisions of sim/controllers/hpa.h (replica calculator,
 * tolerance, stabilization, scaling rules) the way kube-controller-manager
 * runs HorizontalController (k8s:pkg/controller/podautoscaler/
 * horizontal.go, replica_calculator.go; read for hpa.c and, for the
 * queueing, the stored kubernetes copy of horizontal.go): an HPA informer,
 * a timer-driven queue, one worker, the /scale subresource and status
 * writes.  One metric: Resource cpu with a Utilization target
 * (ks_hpa_body in sim/kinds.h); pod CPU comes from the usage model
 * (sim/usage.h) as the metrics API would report it.
 *
 *   queue      enqueueHPA and processNextWorkItem both call AddRateLimited
 *              with NewDefaultHPARateLimiter(resyncPeriod), a fixed
 *              interval: every add is due sync_period (15 s,
 *              --horizontal-pod-autoscaler-sync-period) later and a key
 *              already waiting keeps its earlier time.  So an HPA is first
 *              reconciled 15 s after it is created, then every 15 s; its
 *              own status writes and spec updates do not make it sooner.
 *              Deleting the HPA (deleteHPA: queue.Forget) leaves the
 *              pending sync; that sync finds the HPA gone, forgets its
 *              recommendations and scale events (reconcileKey) and does
 *              not requeue: scaling stops.
 *   informers  store watches on HPAs (the queue above) and on pods: the
 *              pod cache keeps, per pod, the first container start seen
 *              (pod.status.startTime: the kubelet here moves `started` at
 *              each restart, upstream's startTime does not move) and when
 *              the pod was last seen to turn not Ready (the Ready
 *              condition's lastTransitionTime, which ks_pod_body only has
 *              for Ready=True; a pod never Ready counts its transition at
 *              its start, as the kubelet's first status sets both).
 *   sync       reconcileAutoscaler: GET the target's scale (spec.replicas
 *              and selector of the Deployment or ReplicaSet named in
 *              scaleTargetRef, read from the store); list the pods the
 *              selector matches in the HPA's namespace; group them as
 *              groupPods does (deleting or Failed: ignored; Pending:
 *              unready; no sample: missing; CPU within
 *              cpu_init_period (5 min) of the start: unready unless Ready
 *              and the sample's window started after the Ready transition;
 *              after it: unready only when not Ready and the transition
 *              came within initial_readiness_delay (30 s) of the start);
 *              calculatePodRequests (a pod without a CPU request is an
 *              error); ks_hpa_reconcile (bounds, the replica calculator,
 *              normalizeDesiredReplicas or ...WithBehaviors).  When the
 *              count changes, spec.replicas of the target is written
 *              through the store (the /scale update: a spec write with the
 *              resourceVersion read, generation bumped); then the status
 *              (setStatus: currentReplicas = the scale's spec.replicas,
 *              desiredReplicas, lastScaleTime on a rescale,
 *              currentUtilization, ScalingActive) is written with
 *              ks_store_touch when it changed (updateStatusIfNeeded).  A
 *              metrics error (no pods, no sample for any ready pod, a
 *              missing request) keeps the replicas, sets currentReplicas,
 *              clears the utilization and ScalingActive.
 *   client     the controller-manager's client limits (QPS 20, burst 30
 *              by default; each controller has its own client): a sync
 *              makes at most three calls (GET scale, UPDATE scale, UPDATE
 *              status).  Upstream the worker blocks for each token; here a
 *              sync starts only when the bucket holds three tokens (the
 *              burst, if smaller), else it is postponed to when it does
 *              (stats.throttled), and its calls take them one by one
 *              (unused ones stay).  The metrics API has its own client
 *              upstream and pods come from the informer: neither takes a
 *              token.
 *
 * Simplifications: one metric type; a sync takes zero simulated time and
 * reads the store itself (the informer delay delays the triggers, not the
 * data); no events or conditions other than ScalingActive; a spec change
 * of the HPA (generation bump) restarts its ks_hpa, losing its
 * recommendation and scale-event history (upstream keeps them); a scale
 * write the store refuses is still recorded as a scale event by
 * ks_hpa_reconcile (upstream records only successful ones).
 *
 * Deterministic: HPAs due at the same instant sync in uid order.
 * Ownership: the controller owns its states and caches; engine, store
 * and usage model are borrowed and must outlive it.  Requires
 * ks_kinds_install on the store.  Destroy it before the engine.
 */
#ifndef KS_CONTROLLERS_HPA_CONTROLLER_H
#define KS_CONTROLLERS_HPA_CONTROLLER_H

#include <stdint.h>

#include "sim/engine.h"
#include "sim/store.h"
#include "sim/usage.h"

typedef struct ks_hpa_controller_config {
    ks_time informer_delay;          /* watch delivery delay, default 0 */
    ks_time sync_period;             /* 15 s (0 -> 15 s) */
    ks_time downscale_window;        /* downscale stabilization, 5 min */
    double tolerance;                /* 0.1 */
    ks_time cpu_init_period;         /* cpu-initialization-period, 5 min */
    ks_time initial_readiness_delay; /* initial-readiness-delay, 30 s */
    float qps;                       /* client QPS; 0 -> 20; < 0: unlimited */
    int burst;                       /* client burst; 0 -> 30 */
} ks_hpa_controller_config;

/* kube-controller-manager's defaults. */
ks_hpa_controller_config ks_hpa_controller_default_config(void);

typedef struct ks_hpa_controller_stats {
    uint64_t syncs;          /* reconciles, including those of gone HPAs */
    uint64_t rescales;       /* scale writes that succeeded */
    uint64_t status_writes;
    uint64_t metric_errors;  /* syncs whose replica count failed */
    uint64_t target_errors;  /* scale target missing or of a wrong kind */
    uint64_t throttled;      /* syncs postponed for client tokens */
    uint64_t write_errors;   /* writes the store refused */
} ks_hpa_controller_stats;

/* What one reconcile of an existing HPA decided (for traces and tests). */
typedef struct ks_hpa_sync_info {
    int32_t current;     /* the target's spec.replicas */
    int32_t desired;     /* what it was set to (== current: unchanged) */
    int32_t utilization; /* percent, -1 when none was computed */
    int rescaled;        /* the scale write happened */
    int error;           /* 0, or the metrics/target error code */
} ks_hpa_sync_info;

typedef void (*ks_hpa_sync_hook)(void *ctx, uint64_t hpa, ks_time now,
                                 const ks_hpa_sync_info *info);

typedef struct ks_hpa_controller ks_hpa_controller;

/* cfg may be NULL (defaults); usage may be NULL (no pod has a metric). */
ks_hpa_controller *ks_hpa_controller_create(ks_engine *engine,
                                            ks_store *store, ks_usage *usage,
                                            const ks_hpa_controller_config *cfg);
void ks_hpa_controller_destroy(ks_hpa_controller *c); /* accepts NULL */

void ks_hpa_controller_set_hook(ks_hpa_controller *c, ks_hpa_sync_hook fn,
                                void *ctx);

/* HPAs the controller tracks (a deleted one until its pending sync). */
size_t ks_hpa_controller_tracked(const ks_hpa_controller *c);

const ks_hpa_controller_stats *ks_hpa_controller_get_stats(
    const ks_hpa_controller *c);

#endif
