/* hpa.h - the HorizontalPodAutoscaler controller for a resource
 * utilization metric (e.g. CPU, autoscaling/v2 Resource/Utilization).
 *
 * Re-implements, from kube-controller-manager:
 *   - replica_calculator.go GetResourceReplicas and Tolerances.isWithin
 *     (k8s:pkg/controller/podautoscaler/replica_calculator.go, a current
 *     copy with configurable tolerances), with metrics/utilization.go
 *     GetResourceUtilizationRatio (integer percent: sum(usage) * 100 /
 *     sum(requests), truncated);
 *   - horizontal.go reconcileAutoscaler's replica decision,
 *     recordInitialRecommendation, normalizeDesiredReplicas (no behavior:
 *     max recommendation over the downscale window, scale-up limit
 *     max(2 * current, 4)), normalizeDesiredReplicasWithBehaviors
 *     (stabilizeRecommendationWithBehaviors, convertDesiredReplicasWith-
 *     BehaviorRate, calculateScale{Up,Down}Limit..., storeScaleEvent,
 *     getReplicasChangePerPeriod), read in a current kubernetes copy of
 *     horizontal.go;
 *   - defaults: k8s:pkg/apis/autoscaling/v2/defaults.go (behavior rules
 *     are filled in only when spec.behavior is set: scale-up window 0 s,
 *     policies Pods 4 / 15 s and Percent 100 / 15 s, selectPolicy Max;
 *     scale-down window = the controller's 300 s, Percent 100 / 15 s) and
 *     podautoscaler/config/v1alpha1/defaults.go (sync period 15 s,
 *     tolerance 0.1, downscale stabilization 5 min).
 *
 * Not modelled: several metrics (upstream takes the max proposal), the
 * other metric types, conditions/events, the CPU initialization period
 * rules of groupPods (the caller marks each pod `unready`: Pending, or
 * not-yet-ready CPU per cpuInitializationPeriod / initial readiness delay)
 * and scaling to/from zero.
 *
 * How the lead calls it: one ks_hpa per HorizontalPodAutoscaler object,
 * created from its spec.  Every KS_HPA_SYNC_PERIOD call ks_hpa_reconcile
 * with the target's current spec.replicas and its pods' metrics as
 * metrics-server last reported them; if *desired != current, scale the
 * target to *desired.  The ks_hpa keeps the controller's in-memory
 * recommendation and scale-event history (lost on a controller restart,
 * as upstream: destroy and create it again).
 */
#ifndef KS_CONTROLLERS_HPA_H
#define KS_CONTROLLERS_HPA_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/error.h"

#define KS_HPA_SYNC_PERIOD (15 * KS_SECOND)
#define KS_HPA_TOLERANCE 0.1
#define KS_HPA_DOWNSCALE_STABILIZATION (300 * KS_SECOND)
#define KS_HPA_SCALE_UP_LIMIT_FACTOR 2.0  /* legacy, no behavior */
#define KS_HPA_SCALE_UP_LIMIT_MINIMUM 4.0 /* legacy, no behavior */
#define KS_HPA_MAX_POLICIES 8

/* One pod of the scale target as the replica calculator sees it. */
typedef struct ks_hpa_pod {
    int64_t request_milli; /* sum of the containers' requests */
    int64_t usage_milli;   /* metrics-server usage, if has_metric */
    bool has_metric;
    bool unready; /* Pending, or CPU not yet initialised (see above) */
    bool ignored; /* deletionTimestamp set or phase Failed */
} ks_hpa_pod;

/* GetResourceReplicas.  tol_down / tol_up: the scale-down / scale-up
 * tolerances (both KS_HPA_TOLERANCE by default).  Fills *replicas and the
 * observed *utilization (percent).  Errors (KS_EINVAL): no pods, no
 * metrics for the ready pods, requests summing to 0. */
int ks_hpa_resource_replicas(int32_t current, int32_t target_utilization,
                             double tol_down, double tol_up,
                             const ks_hpa_pod *pods, int n_pods,
                             int32_t *replicas, int32_t *utilization,
                             ks_error *err);

typedef enum ks_hpa_select {
    KS_HPA_SELECT_MAX, /* default */
    KS_HPA_SELECT_MIN,
    KS_HPA_SELECT_DISABLED,
} ks_hpa_select;

typedef struct ks_hpa_policy {
    bool percent;          /* Percent policy, else Pods */
    int32_t value;         /* pods or percent */
    int32_t period_seconds;
} ks_hpa_policy;

typedef struct ks_hpa_rules {
    int32_t stabilization_window_seconds; /* < 0: unset (controller's) */
    ks_hpa_select select;
    ks_hpa_policy policies[KS_HPA_MAX_POLICIES];
    int n_policies;
} ks_hpa_rules;

typedef struct ks_hpa_spec {
    int32_t min_replicas;       /* default 1 */
    int32_t max_replicas;
    int32_t target_utilization; /* percent of requests, default 80 */
    double tolerance_down;      /* default 0.1 */
    double tolerance_up;        /* default 0.1 */
    bool has_behavior;          /* spec.behavior set */
    ks_hpa_rules scale_up;      /* used when has_behavior */
    ks_hpa_rules scale_down;
    ks_time downscale_window;   /* controller flag, default 300 s */
} ks_hpa_spec;

/* API and controller defaults; max_replicas must still be set.  Behavior
 * is unset (has_behavior false) but scale_up/scale_down hold the default
 * rules, so setting has_behavior = true gives the defaulted behavior. */
void ks_hpa_spec_default(ks_hpa_spec *spec);

typedef struct ks_hpa ks_hpa;

/* Returns NULL with *err filled (KS_EINVAL) for an invalid spec.  The
 * ks_hpa copies the spec; free with ks_hpa_destroy (NULL allowed). */
ks_hpa *ks_hpa_create(const ks_hpa_spec *spec, ks_error *err);
void ks_hpa_destroy(ks_hpa *h);

/* One reconcileAutoscaler.  current: the target's spec.replicas.  On
 * success *desired is the replica count to set (== current: no change)
 * and *utilization the observed utilization (or -1 when no metric was
 * computed).  A metrics error leaves the history unchanged. */
int ks_hpa_reconcile(ks_hpa *h, int32_t current, const ks_hpa_pod *pods,
                     int n_pods, ks_time now, int32_t *desired,
                     int32_t *utilization, ks_error *err);

/* The normalization step alone (stabilization + rate limits + min/max),
 * recording the recommendation; what reconcile applies to a metric
 * proposal.  Exposed for tests and for callers with their own metrics. */
int32_t ks_hpa_normalize(ks_hpa *h, int32_t current, int32_t proposed,
                         ks_time now);

/* storeScaleEvent: records a scale from prev to next at now (reconcile
 * does this itself when it rescales). */
void ks_hpa_record_scale(ks_hpa *h, int32_t prev, int32_t next, ks_time now);

#endif
