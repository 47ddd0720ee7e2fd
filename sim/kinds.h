/* kinds.h - the bodies of the store's objects (sim/store.h) that the
 * control-loop components share: Pod, ReplicaSet, Deployment, Lease.
 *
 * A body is the kind-specific part of an object; the header (name,
 * namespace, labels, owners, resourceVersion) is the store's.  Bodies are
 * plain structs with owned strings; ks_kinds_install registers their copy
 * and free functions with a store.  Components change an object by writing
 * a new body (ks_store_update, a spec change: generation bumps) or by
 * changing the body in place and calling ks_store_touch (a status write).
 *
 * Only what the controllers, the kubelet and the scheduler read is here;
 * later issues add kinds and fields.
 */
#ifndef KS_KINDS_H
#define KS_KINDS_H

#include <stdint.h>

#include "sim/controllers/hpa.h"
#include "sim/engine.h"
#include "sim/objects.h"
#include "sim/probe.h"
#include "sim/resources.h"
#include "sim/store.h"

/* ---- Pod ------------------------------------------------------------------ */

typedef enum ks_phase {
    KS_PHASE_PENDING = 0,
    KS_PHASE_RUNNING,
    KS_PHASE_SUCCEEDED,
    KS_PHASE_FAILED
} ks_phase;

/* spec.restartPolicy (core/v1; API default Always). */
typedef enum ks_restart_policy {
    KS_RESTART_ALWAYS = 0,
    KS_RESTART_ON_FAILURE,
    KS_RESTART_NEVER
} ks_restart_policy;

/* The pod template of workloads and the pod spec of pods. */
typedef struct ks_pod_template {
    int64_t requests[KS_RES_COUNT]; /* -1: not requested */
    char *image;                    /* one container; NULL: none */
    int64_t image_size;             /* bytes */
    ks_time run_time;               /* KS_TIME_NEVER: a server */
    int32_t priority;
    int64_t termination_grace_s;    /* default 30 */
    ks_labels labels;               /* template.metadata.labels */
    ks_toleration *tolerations;     /* owned */
    size_t ntolerations;
    ks_restart_policy restart_policy; /* 0: Always, the API default */
    /* The container's failure model: when crashes is set, every run of
     * the container exits non-zero crash_after after it started
     * (KS_TIME_NEVER: it never does), unless a finite run_time ends it
     * first with exit code 0 (a tie is a crash).  A zeroed template
     * never crashes. */
    int crashes;
    ks_time crash_after;
    /* Liveness (sim/kubelet.h): with liveness set the container has a
     * liveness probe (liveness_probe when has_liveness, else the
     * kubelet's settings), and its application hangs unhealthy_after
     * after each start (KS_TIME_NEVER: never): its probes, liveness and
     * readiness, time out from then on. */
    int liveness;
    ks_time unhealthy_after;
    /* The container's own probe settings (a manifest's readinessProbe,
     * livenessProbe); has_* 0, as in a zeroed template: the kubelet's
     * configured ones. */
    int has_readiness;
    ks_probe readiness;
    int has_liveness;
    ks_probe liveness_probe;
    /* The container ignores SIGTERM: a kill stops it only with SIGKILL
     * at the end of the grace period, exit 137 (else it exits 0 on
     * SIGTERM at once). */
    int ignores_sigterm;
    /* Memory (sim/kubelet.h): the container's limit (resources.limits.
     * memory, bytes; 0: none) and its usage model: memory_usage bytes at
     * each start, growing by memory_leak bytes per second (0: steady).
     * The kubelet OOM-kills the container (exit 137, OOMKilled) when its
     * growing usage reaches the limit (at once when it starts above it;
     * steady at the limit it lives), and its node-pressure eviction
     * ranks pods by this usage.  A zeroed template uses no memory. */
    int64_t memory_limit;
    int64_t memory_usage;
    int64_t memory_leak;
} ks_pod_template;

typedef struct ks_pod_body {
    ks_pod_template spec;
    /* status, written by the kubelet (and the scheduler's binding sets
     * the object's node_name) */
    ks_phase phase;
    int ready;               /* the Ready condition */
    ks_time ready_since;     /* lastTransitionTime of Ready=True, -1 */
    ks_time started;         /* containers started, -1 */
    int32_t restarts;
    char *reason;            /* status.reason (owned; NULL: none): the
                                kubelet's "OutOfcpu", "Evicted", ... */
} ks_pod_body;

/* ---- ReplicaSet ------------------------------------------------------------ */

typedef struct ks_replicaset_body {
    int32_t replicas;        /* spec.replicas */
    int32_t min_ready_s;     /* spec.minReadySeconds */
    ks_label_selector selector;
    ks_pod_template template;
    int64_t revision;        /* deployment.kubernetes.io/revision */
    /* deployment.kubernetes.io/desired-replicas and max-replicas, which the
     * Deployment controller writes with every scale (replicas_annotated 0:
     * absent, as on a ReplicaSet no Deployment scaled) */
    int replicas_annotated;
    int32_t desired_replicas;
    int32_t max_replicas;
    /* status */
    int32_t status_replicas;
    int32_t ready_replicas;
    int32_t available_replicas;
    uint64_t observed_generation;
} ks_replicaset_body;

/* ---- Deployment ------------------------------------------------------------- */

typedef enum ks_strategy_type {
    KS_STRATEGY_ROLLING_UPDATE = 0,
    KS_STRATEGY_RECREATE
} ks_strategy_type;

/* An int-or-percent ("25%" or 3). */
typedef struct ks_int_or_percent {
    int is_percent;
    int32_t value;
} ks_int_or_percent;

/* A Deployment condition's status (core/v1 ConditionStatus; ABSENT: no
 * condition of that type). */
typedef enum ks_dcond_status {
    KS_DCOND_ABSENT = 0,
    KS_DCOND_TRUE,
    KS_DCOND_FALSE,
    KS_DCOND_UNKNOWN
} ks_dcond_status;

/* A DeploymentCondition without its message: reason is a static string
 * (upstream's reasons, KS_DEPLOY_REASON_* in controllers/deployment.h);
 * the times are whole seconds, as metav1.Time is serialized. */
typedef struct ks_deployment_condition {
    ks_dcond_status status;
    const char *reason;
    ks_time last_update;
    ks_time last_transition;
} ks_deployment_condition;

typedef struct ks_deployment_body {
    int32_t replicas;
    int32_t min_ready_s;
    int32_t revision_history_limit; /* default 10 */
    int32_t progress_deadline_s;    /* default 600 */
    int paused;
    ks_strategy_type strategy;
    ks_int_or_percent max_surge;       /* default 25% */
    ks_int_or_percent max_unavailable; /* default 25% */
    ks_label_selector selector;
    ks_pod_template template;
    /* status */
    int32_t status_replicas;
    int32_t updated_replicas;
    int32_t ready_replicas;
    int32_t available_replicas;
    uint64_t observed_generation;
    ks_deployment_condition progressing; /* conditions[type=Progressing] */
    ks_deployment_condition available;   /* conditions[type=Available] */
} ks_deployment_body;

/* ---- Job ------------------------------------------------------------------------ */

typedef struct ks_job_body {
    int32_t parallelism;      /* default 1 */
    int32_t completions;      /* default 1; -1: unset (work queue) */
    int32_t backoff_limit;    /* default 6 */
    ks_time active_deadline;  /* KS_TIME_NEVER: unset */
    ks_label_selector selector;
    ks_pod_template template;
    /* status */
    int32_t active, succeeded, failed;
    int complete, failed_condition; /* Complete / Failed conditions */
    ks_time start_time, completion_time; /* -1: not yet */
} ks_job_body;

/* batch/v1 defaults (parallelism 1, completions 1, backoffLimit 6). */
void ks_job_body_defaults(ks_job_body *b);
void ks_job_body_free(void *b);

/* ---- DaemonSet ------------------------------------------------------------------- */

/* spec.updateStrategy.type (apps/v1; default RollingUpdate). */
typedef enum ks_ds_update_strategy {
    KS_DS_ROLLING_UPDATE = 0,
    KS_DS_ON_DELETE
} ks_ds_update_strategy;

typedef struct ks_daemonset_body {
    ks_label_selector selector;
    ks_pod_template template;
    /* template.spec fields the pod template does not carry, read by the
     * controller's node predicates (nodeShouldRunDaemonPod) and its pods'
     * tolerations: nodeSelector, the required node affinity and
     * hostNetwork (the network-unavailable toleration). */
    ks_labels node_selector;
    int has_required_affinity;
    ks_node_selector required_affinity;
    int host_network;
    ks_ds_update_strategy strategy;
    ks_int_or_percent max_unavailable; /* RollingUpdate; default 1 */
    ks_int_or_percent max_surge;       /* RollingUpdate; default 0 */
    int32_t min_ready_s;               /* spec.minReadySeconds */
    /* status */
    int32_t desired_number_scheduled;
    int32_t current_number_scheduled;
    int32_t number_misscheduled;
    int32_t number_ready;
    int32_t number_available;
    int32_t number_unavailable;
    int32_t updated_number_scheduled;
    uint64_t observed_generation;
} ks_daemonset_body;

/* apps/v1 SetDefaults_DaemonSet: RollingUpdate, maxUnavailable 1,
 * maxSurge 0. */
void ks_daemonset_body_defaults(ks_daemonset_body *b);
ks_daemonset_body *ks_daemonset_body_copy(const ks_daemonset_body *b);
void ks_daemonset_body_free(void *b);

/* ---- Service and EndpointSlice ------------------------------------------------------ */

typedef struct ks_service_body {
    ks_labels selector; /* spec.selector (a label set); empty: none */
} ks_service_body;

/* One endpoint: a pod and whether it is ready (conditions.ready). */
typedef struct ks_endpoint {
    uint64_t pod;   /* the pod's uid */
    int ready;
    char *node;     /* nodeName */
} ks_endpoint;

typedef struct ks_endpointslice_body {
    uint64_t service; /* the Service's uid (kubernetes.io/service-name) */
    ks_endpoint *endpoints;
    size_t nendpoints;
} ks_endpointslice_body;

void ks_service_body_free(void *b);
void ks_endpointslice_body_free(void *b);

/* ---- Node ----------------------------------------------------------------------- */

/* The Ready condition's status (core/v1 ConditionStatus; NONE: never
 * posted). */
typedef enum ks_ready_status {
    KS_READY_NONE = 0,
    KS_READY_TRUE,
    KS_READY_FALSE,
    KS_READY_UNKNOWN
} ks_ready_status;

typedef struct ks_node_body {
    int64_t allocatable[KS_RES_COUNT]; /* status.allocatable */
    ks_ready_status ready;
    ks_taint *taints;      /* owned; taint_added[i]: when taints[i] came */
    ks_time *taint_added;
    size_t ntaints;
    char *zone;            /* topology.kubernetes.io/zone, NULL: none */
    int memory_pressure;   /* the MemoryPressure condition is True (the
                              kubelet's eviction manager) */
} ks_node_body;

/* Adds (or keeps) a taint key:effect added at `at`; removes one.  Return
 * 1 when the set changed. */
int ks_node_body_add_taint(ks_node_body *b, const char *key,
                           ks_taint_effect effect, ks_time at);
int ks_node_body_remove_taint(ks_node_body *b, const char *key,
                              ks_taint_effect effect);
void ks_node_body_free(void *b);

/* ---- Lease -------------------------------------------------------------------- */

typedef struct ks_lease_body {
    char *holder;
    int32_t duration_s;   /* leaseDurationSeconds */
    ks_time renew_time;
    ks_time acquire_time;
} ks_lease_body;

/* ---- HorizontalPodAutoscaler --------------------------------------------------- */

/* autoscaling/v2 with one metric: Resource cpu, target type Utilization
 * (averageUtilization, percent of the pods' requests). */
typedef struct ks_hpa_body {
    ks_kind target_kind;        /* scaleTargetRef.kind: KS_KIND_DEPLOYMENT
                                   or KS_KIND_REPLICASET */
    char *target_name;          /* scaleTargetRef.name, same namespace */
    int32_t min_replicas;       /* default 1 */
    int32_t max_replicas;
    int32_t target_utilization; /* averageUtilization, default 80 */
    int has_behavior;           /* spec.behavior set (else the legacy rules) */
    ks_hpa_rules scale_up;      /* spec.behavior (sim/controllers/hpa.h) */
    ks_hpa_rules scale_down;
    /* status, written by the HPA controller */
    int32_t current_replicas;
    int32_t desired_replicas;
    ks_time last_scale_time;     /* -1: never scaled */
    int32_t current_utilization; /* currentMetrics averageUtilization; -1:
                                    none (no metric computed) */
    int scaling_active;          /* ScalingActive condition: a replica
                                    count was computed from the metric */
} ks_hpa_body;

/* autoscaling/v2 defaults: minReplicas 1, target CPU 80%, no behavior
 * (scale_up / scale_down hold the defaulted rules, so setting
 * has_behavior = 1 gives the defaulted behavior); target Deployment;
 * status empty (last_scale_time and current_utilization -1). */
void ks_hpa_body_defaults(ks_hpa_body *b);
ks_hpa_body *ks_hpa_body_copy(const ks_hpa_body *b);
void ks_hpa_body_free(void *b);

/* ---- helpers ---------------------------------------------------------------- */

/* Registers the copy/free functions of these kinds with s. */
void ks_kinds_install(ks_store *s);

/* Deep copies and frees (the free functions free the struct too). */
void ks_pod_template_copy(ks_pod_template *dst, const ks_pod_template *src);
/* Whether two templates are the same pod spec (every field; labels but
 * skip_label, NULL: all), and a hash of the same: what controllers use to
 * tell a new template (a rollout) from the current one.  A field added to
 * ks_pod_template must be added to both. */
int ks_pod_template_equal(const ks_pod_template *a, const ks_pod_template *b,
                          const char *skip_label);
uint64_t ks_pod_template_hash(const ks_pod_template *t, const char *skip_label);
void ks_pod_template_free(ks_pod_template *t);
ks_pod_body *ks_pod_body_new(const ks_pod_template *spec);
ks_replicaset_body *ks_replicaset_body_copy(const ks_replicaset_body *b);
ks_deployment_body *ks_deployment_body_copy(const ks_deployment_body *b);
void ks_pod_body_free(void *b);
void ks_replicaset_body_free(void *b);
void ks_deployment_body_free(void *b);
void ks_lease_body_free(void *b);

/* Deployment defaults (apps/v1): replicas 1, RollingUpdate 25%/25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600. */
void ks_deployment_body_defaults(ks_deployment_body *b);

/* A selector copy (for bodies). */
void ks_label_selector_copy(ks_label_selector *dst,
                            const ks_label_selector *src);

#endif
