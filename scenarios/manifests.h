/* manifests.h - loads Kubernetes manifests (kubectl get -o yaml output,
 * hand-written YAML) into the objects ksim simulates.
 *
 * Input: one or more YAML documents separated by `---`, each a Kubernetes
 * object or a `kind: List` (or a typed list such as PodList) of objects,
 * exactly as kubectl prints them.  Kinds read: v1 Node, v1 Pod, v1 Service,
 * v1 ReplicationController, scheduling.k8s.io/v1 PriorityClass, policy/v1
 * PodDisruptionBudget, apps/v1 Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, batch/v1 Job and autoscaling/v2 HorizontalPodAutoscaler
 * (another autoscaling version of it is skipped with a warning).  Every
 * other kind is skipped with one warning per kind.
 *
 * Strictness: every field is checked against the real Kubernetes schema
 * (v1.36).  A field ksim reads is converted exactly (quantities with
 * sim/quantity.h); a real Kubernetes field ksim does not model is accepted
 * and listed once in the warnings ("Pod spec.containers[].startupProbe (not
 * modelled)"); a key that is no Kubernetes field is an error at its
 * FILE:LINE:COL, as is a value of the wrong type or an apiVersion that does
 * not serve the kind.  docs/manifests.md lists what is read and ignored.
 *
 * Defaulting: the API server's defaulting that changes scheduling is
 * applied while loading (container requests default to limits, pod-level
 * requests default from limits and containers, hostNetwork ports become
 * host ports, workload replicas default to 1, a ReplicationController's
 * selector defaults to its template's labels), so a hand-written manifest
 * gives the pod the API server would have stored.  A Deployment's template
 * is stored as the ReplicaSet its controller creates would carry it: with a
 * pod-template-hash label (see ks_manifest_template).  The fields a
 * control-plane simulation needs (strategy, minReadySeconds,
 * progressDeadlineSeconds, backoffLimit, restartPolicy,
 * terminationGracePeriodSeconds, the first container's readiness and
 * liveness probes, a DaemonSet's updateStrategy, ...) are read with their
 * apps/v1, batch/v1 and core/v1 defaults and validated as the API server
 * validates them.
 *
 * ksim's own inputs: annotations of a pod's (or a pod template's) metadata
 * under ksim.io/ say what Kubernetes cannot (KS_ANNOTATION_* below); a bad
 * value, or an unknown ksim.io/ key, is an error at its FILE:LINE:COL.  Other
 * annotations are accepted and warned about as not modelled.
 *
 * Ownership: a ks_manifests (zero-initialize it) owns everything in it and
 * is released with ks_manifests_free.  Each pod's spec is a separate
 * ks_xcalloc allocation so a cluster can adopt it (ks_cluster_adopt_spec):
 * set the pod's spec pointer to NULL after adopting.  The `file` members
 * point at names owned by the set (files[]).
 */
#ifndef KS_MANIFESTS_H
#define KS_MANIFESTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/controllers/hpa.h"
#include "sim/error.h"
#include "sim/objects.h"

/* One resource amount in the units the kube-scheduler reads: "cpu" in
 * millicores (Quantity.MilliValue), every other resource in base units
 * (Quantity.Value: bytes, counts). */
typedef struct ks_resource_amount {
    char *name;
    int64_t value;
} ks_resource_amount;

/* The value of resource name in list, or def when absent. */
int64_t ks_resource_amount_get(const ks_resource_amount *list, size_t n,
                               const char *name, int64_t def);

typedef struct ks_manifest_node {
    char *name;
    ks_node_info info; /* labels, spec.taints, spec.unschedulable, images */
    /* status.allocatable, or status.capacity when allocatable is absent
     * (the API server's NodeStatus defaulting, which NodeInfo then reads). */
    ks_resource_amount *allocatable;
    size_t nallocatable;
    ks_resource_amount *capacity;
    size_t ncapacity;
    const char *file;
    int line, col; /* where the object starts */
} ks_manifest_node;

/* ksim.io/ annotations of a pod's or pod template's metadata.  Values are
 * strings, as every annotation's. */
/* A Go duration ("90s", "5m", "1h30m"; >= 0): the container exits with
 * code 0 this long after it starts.  Absent: it runs until stopped. */
#define KS_ANNOTATION_RUN_TIME "ksim.io/run-time"
/* A quantity of bytes ("300Mi", "1.5Gi"; >= 0): the size of the image the
 * kubelet pulls.  Absent: unknown (the caller's default). */
#define KS_ANNOTATION_IMAGE_SIZE "ksim.io/image-size"
/* A Go duration (> 0): the container crashes (exits non-zero) this long
 * after each start, unless a shorter run-time ends it first.  Absent: it
 * never crashes. */
#define KS_ANNOTATION_CRASH_AFTER "ksim.io/crash-after"
/* The CPU usage model (sim/usage.h) of a Deployment's or ReplicaSet's
 * pods, the HorizontalPodAutoscaler's input.  cpu-per-request: a Go
 * duration (>= 0) of CPU time each request to the pods costs ("10ms": a
 * load of 100 requests per second keeps one core busy); cpu-base: a CPU
 * quantity (>= 0, "5m") every running pod uses on its own.  Absent: 0;
 * a workload with neither has no CPU metric. */
#define KS_ANNOTATION_CPU_PER_REQUEST "ksim.io/cpu-per-request"
#define KS_ANNOTATION_CPU_BASE "ksim.io/cpu-base"
/* A Go duration (> 0): the application hangs this long after each start
 * of its container, so its probes time out from then on (a liveness
 * probe then gets the container killed and restarted).  Absent: it never
 * hangs. */
#define KS_ANNOTATION_UNHEALTHY_AFTER "ksim.io/unhealthy-after"
/* "true" or "false" (default): the container ignores SIGTERM, so a kill
 * stops it only with SIGKILL at the end of the grace period. */
#define KS_ANNOTATION_IGNORES_SIGTERM "ksim.io/ignores-sigterm"

/* spec.restartPolicy (core/v1 RestartPolicy). */
typedef enum ks_manifest_restart_policy {
    KS_MANIFEST_RESTART_ALWAYS = 0,
    KS_MANIFEST_RESTART_ON_FAILURE,
    KS_MANIFEST_RESTART_NEVER
} ks_manifest_restart_policy;

/* The handler of a probe (exactly one per probe; read and checked, not
 * modelled: ksim's application answers every kind alike). */
typedef enum ks_manifest_probe_handler {
    KS_MANIFEST_PROBE_EXEC = 0,
    KS_MANIFEST_PROBE_HTTP_GET,
    KS_MANIFEST_PROBE_TCP_SOCKET,
    KS_MANIFEST_PROBE_GRPC
} ks_manifest_probe_handler;

/* A container's readinessProbe or livenessProbe after core/v1
 * SetDefaults_Probe (a 0 or absent value takes the default) and
 * validateProbe (every value >= 0; a liveness probe's successThreshold
 * 1).  Whole seconds. */
typedef struct ks_manifest_probe {
    ks_manifest_probe_handler handler;
    int32_t initial_delay_s;   /* initialDelaySeconds, default 0 */
    int32_t period_s;          /* periodSeconds, default 10 */
    int32_t timeout_s;         /* timeoutSeconds, default 1 */
    int32_t success_threshold; /* successThreshold, default 1 */
    int32_t failure_threshold; /* failureThreshold, default 3 */
} ks_manifest_probe;

/* A pod, or the pod a workload's template stamps out. */
typedef struct ks_manifest_pod {
    char *name;        /* NULL for a template's pod */
    ks_pod_spec *spec; /* owned, ks_xcalloc'd; NULL once adopted */
    /* The effective request (component-helpers resource.PodRequests as the
     * scheduler's PodInfo.CalculateResource calls it, after API
     * defaulting): per resource, max(sum of regular containers and
     * sidecars, each init container plus the sidecars started before it),
     * pod-level requests replacing cpu/memory/hugepages when set, plus
     * overhead; with the in-place resize state of status.containerStatuses
     * (max of spec, allocated and actuated requests). */
    ks_resource_amount *requests;
    size_t nrequests;
    /* The scheduler's non-zero view: exactly two entries, "cpu" and
     * "memory", computed like requests but with 100m / 200Mi for each
     * container that requests no cpu / memory. */
    ks_resource_amount *nonzero_requests;
    size_t nnonzero_requests;
    char *node_name; /* spec.nodeName, NULL when unbound */
    char *phase;     /* status.phase, NULL when absent */
    /* spec.priorityClassName; after ks_manifests_resolve_priorities the
     * class that gave the priority (the global default when it applied). */
    char *priority_class_name;
    /* spec.priority as read (has_priority 0 when absent); after resolving,
     * the pod's priority (has_priority 1, also in spec->priority). */
    int has_priority;
    int32_t priority;
    /* spec.preemptionPolicy was given (else it comes from the class); the
     * value is spec->preemption_never. */
    int has_preemption_policy;
    /* The controller ownerReference (controller: true), NULL when none:
     * its apiVersion, kind and name (upstream's DefaultSelector follows it
     * to the pod's ReplicaSet, StatefulSet or ReplicationController). */
    char *owner_api_version;
    char *owner_kind;
    char *owner_name;
    int host_network; /* spec.hostNetwork (DaemonSet tolerations) */
    /* The image of the first regular container (spec.containers[0].image)
     * as written; NULL when it names none. */
    char *image;
    /* spec.restartPolicy; Always when absent or "" (core/v1
     * SetDefaults_PodSpec).  has_restart_policy: it was given.  Workload
     * templates are validated as the API server does: Deployment,
     * ReplicaSet, StatefulSet, DaemonSet and ReplicationController need
     * Always, a Job OnFailure or Never (a Job that gives none gets the
     * default Always, which its validation refuses: see
     * scenarios/cp_objects.h). */
    ks_manifest_restart_policy restart_policy;
    int has_restart_policy;
    /* spec.terminationGracePeriodSeconds: 30 when absent (core/v1
     * SetDefaults_PodSpec), else as given (>= 0).  has_termination_grace:
     * it was given. */
    int64_t termination_grace_s;
    int has_termination_grace;
    /* The first regular container's readinessProbe and livenessProbe
     * (has_* 0: none).  The probes of other containers are checked the
     * same way and listed as not modelled. */
    int has_readiness_probe;
    ks_manifest_probe readiness_probe;
    int has_liveness_probe;
    ks_manifest_probe liveness_probe;
    /* The ksim.io/ annotations (see KS_ANNOTATION_*); has_* 0 when
     * absent.  Durations in nanoseconds, the image size in bytes. */
    int has_run_time;
    int64_t run_time_ns;
    int has_image_size;
    int64_t image_size;
    int has_crash_after;
    int64_t crash_after_ns;
    int has_cpu_per_request;
    int64_t cpu_per_request_ns; /* CPU nanoseconds per request */
    int has_cpu_base;
    int64_t cpu_base_milli;     /* millicores */
    int has_unhealthy_after;
    int64_t unhealthy_after_ns;
    int ignores_sigterm;        /* ksim.io/ignores-sigterm: "true" */
    const char *file;
    int line, col;
} ks_manifest_pod;

/* An intstr.IntOrString as PodDisruptionBudget and the Deployment strategy
 * use it (set: given or defaulted).  Named apart from sim/kinds.h's
 * ks_int_or_percent so that both headers can be included together. */
typedef struct ks_manifest_int_or_percent {
    int set;
    int is_percent; /* value is a percentage */
    int32_t value;
} ks_manifest_int_or_percent;

/* spec.strategy.type of a Deployment (RollingUpdate or Recreate),
 * spec.updateStrategy.type of a DaemonSet (RollingUpdate or OnDelete). */
typedef enum ks_manifest_strategy {
    KS_MANIFEST_ROLLING_UPDATE = 0,
    KS_MANIFEST_RECREATE,
    KS_MANIFEST_ON_DELETE
} ks_manifest_strategy;

typedef struct ks_manifest_template {
    char *kind; /* "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
                   "Job", "ReplicationController" */
    char *name;
    char *namespace_name; /* NULL = "default" */
    /* spec.replicas (default 1); Job: spec.parallelism as defaulted (1);
     * DaemonSet: -1 (one pod per eligible node). */
    int32_t replicas;
    /* Job: spec.completions as defaulted (1 when neither parallelism nor
     * completions is set; -1 when unset: a work queue).  Others: -1. */
    int32_t completions;
    /* The workload's controller ownerReference (a ReplicaSet's
     * Deployment: its pods come from the owner, not from both), NULL when
     * none. */
    char *owner_kind;
    char *owner_name;
    /* spec.selector (Deployment, ReplicaSet, StatefulSet, DaemonSet: a
     * LabelSelector; ReplicationController: its map as matchLabels,
     * defaulted to the template's labels).  has_selector 0 when absent.
     * When given it is non-empty and matches the template's labels, as
     * apps validation demands. */
    int has_selector;
    ks_label_selector selector;
    /* Deployment: the pod-template-hash of the ReplicaSet its controller
     * creates.  The template's labels carry it (pod.spec->labels) and the
     * ReplicaSet's selector is spec.selector plus pod-template-hash=<it>.
     * Upstream hashes Go's printed form of the template (ComputeHash); ksim
     * cannot, so the value is FNV-32a of "namespace/name" in the same
     * alphabet (rand.SafeEncodeString of the decimal number).  NULL for
     * other kinds. */
    char *pod_template_hash;
    /* Deployment, ReplicaSet and DaemonSet: spec.minReadySeconds (>= 0,
     * default 0); 0 for other kinds. */
    int32_t min_ready_seconds;
    /* Deployment, as apps/v1 SetDefaults_Deployment leaves them and apps
     * validation (ValidateDeploymentSpec) accepts them (0 for other kinds
     * but the DaemonSet's strategy below).  spec.paused (default false);
     * spec.progressDeadlineSeconds (default 600; greater than
     * minReadySeconds); spec.revisionHistoryLimit (default 10);
     * spec.strategy.type (default RollingUpdate) and, for RollingUpdate,
     * rollingUpdate.maxSurge and maxUnavailable (each defaults to 25%; not
     * both 0; maxUnavailable at most 100%).  With Recreate both are unset
     * (rollingUpdate must not be given).
     * DaemonSet: spec.updateStrategy as apps/v1 SetDefaults_DaemonSet
     * leaves it and ValidateDaemonSetUpdateStrategy accepts it: type
     * (default RollingUpdate) and, for RollingUpdate, maxUnavailable
     * (default 1) and maxSurge (default 0), each at most 100%, exactly one
     * of them non-zero.  With OnDelete they are unset unless
     * rollingUpdate is given (then as given, not defaulted). */
    int paused;
    int32_t progress_deadline_seconds;
    int32_t revision_history_limit;
    ks_manifest_strategy strategy;
    ks_manifest_int_or_percent max_surge;
    ks_manifest_int_or_percent max_unavailable;
    /* Job only (batch/v1 SetDefaults_Job; 0 for other kinds):
     * spec.backoffLimit, default 6. */
    int32_t backoff_limit;
    /* Job: spec.activeDeadlineSeconds (>= 0), -1 when unset (every kind
     * else: -1). */
    int64_t active_deadline_seconds;
    ks_manifest_pod pod; /* the template: no name, phase or owner */
    const char *file;
    int line, col;
} ks_manifest_template;

/* A v1 Service: only its spec.selector matters to the scheduler (the
 * default selector of PodTopologySpread's system default constraints). */
typedef struct ks_manifest_service {
    char *namespace_name; /* NULL = "default" */
    char *name;
    /* spec.selector: has_selector 0 when absent or null (selects nothing);
     * an empty map selects every pod of the namespace. */
    int has_selector;
    ks_labels selector;
    const char *file;
    int line, col;
} ks_manifest_service;

typedef struct ks_manifest_priority_class {
    char *name;
    int32_t value;
    int global_default;
    int preemption_never; /* preemptionPolicy: Never */
    const char *file;
    int line, col;
} ks_manifest_priority_class;

typedef struct ks_manifest_pdb {
    char *namespace_name; /* NULL = "default" */
    char *name;
    /* policy/v1: a null selector selects no pod, an empty one every pod of
     * the namespace. */
    int has_selector;
    ks_label_selector selector;
    ks_manifest_int_or_percent min_available; /* percentages 0..100 */
    ks_manifest_int_or_percent max_unavailable;
    const char *file;
    int line, col;
} ks_manifest_pdb;

/* An autoscaling/v2 HorizontalPodAutoscaler, defaulted as
 * pkg/apis/autoscaling/v2/defaults.go does and validated as
 * pkg/apis/autoscaling/validation does.  One metric is modelled: Resource
 * cpu with a Utilization target (no metrics: the default, 80 %). */
typedef struct ks_manifest_hpa {
    char *namespace_name; /* NULL = "default" */
    char *name;
    /* spec.scaleTargetRef: kind "Deployment" or "ReplicaSet" (apps/v1),
     * in the HPA's namespace. */
    char *target_kind;
    char *target_name;
    int32_t min_replicas;       /* >= 1, default 1 */
    int32_t max_replicas;       /* >= min_replicas */
    int32_t target_utilization; /* averageUtilization > 0, default 80 */
    /* spec.behavior: has_behavior 0 when absent (the legacy rules; the
     * rules below then hold the defaults, as ks_hpa_spec_default gives
     * them).  When set, each direction is GenerateHPAScale{Up,Down}Rules
     * of what was given: scale-up window 0, scale-down window -1 (the
     * controller's, 300 s), selectPolicy Max, the default policies when
     * none are given. */
    int has_behavior;
    ks_hpa_rules scale_up;
    ks_hpa_rules scale_down;
    const char *file;
    int line, col;
} ks_manifest_hpa;

typedef struct ks_manifests {
    ks_manifest_node *nodes;
    size_t nnodes;
    ks_manifest_pod *pods;
    size_t npods;
    ks_manifest_template *templates;
    size_t ntemplates;
    ks_manifest_priority_class *priority_classes;
    size_t npriority_classes;
    ks_manifest_pdb *pdbs;
    size_t npdbs;
    ks_manifest_service *services;
    size_t nservices;
    ks_manifest_hpa *hpas;
    size_t nhpas;
    /* Each unmodelled field (by kind and path pattern) and each skipped
     * kind, once, in the order first met. */
    char **warnings;
    size_t nwarnings;
    char **files; /* names of the inputs loaded, in order */
    size_t nfiles;
} ks_manifests;

/* Reads path and appends its objects to *into.  On error *into is left as
 * it was and err says where (FILE:LINE:COL) and why. */
int ks_manifests_load_file(const char *path, ks_manifests *into,
                           ks_error *err);
/* Same for buf[0..len); name is the file name used in messages. */
int ks_manifests_load_buffer(const char *buf, size_t len, const char *name,
                             ks_manifests *into, ks_error *err);

/* Gives every pod and template its priority as the Priority admission
 * plugin does: the value of its priorityClassName (system-node-critical
 * and system-cluster-critical are built in), else of the globalDefault
 * class (whose name it then takes), else 0; and preemptionPolicy from the
 * class.  A pod that already carries spec.priority (an admitted object from
 * a dump) keeps it when its class is not loaded (one warning per class) or
 * when it names no class; it must agree with a loaded class.  Otherwise a
 * missing class is an error naming the pod.  Call after loading every
 * file; calling again changes nothing. */
int ks_manifests_resolve_priorities(ks_manifests *m, ks_error *err);

/* Priority admission (as ks_manifests_resolve_priorities does it) for one
 * pod that is not in a set, such as a scenario generator's template: the
 * classes of m (NULL: only the two system classes); who names the pod in
 * errors.  A warning about a class not loaded goes to m (if any). */
int ks_manifests_admit(ks_manifests *m, ks_manifest_pod *pod, const char *who,
                       ks_error *err);

void ks_manifests_free(ks_manifests *m); /* accepts NULL; leaves *m zeroed */

/* ---- a pod template inside another document ----------------------------- */

struct ks_yt_node;

/* Reads a Kubernetes PodTemplateSpec given as the mapping tmpl of an
 * already parsed YAML tree (scenarios/yaml_tree.h), such as a scenario
 * generator's template: its `metadata` (labels; may be absent) and `spec`
 * (required: a pod needs a container) with the same readers, schema,
 * defaulting and effective requests as a workload's spec.template.  Other
 * keys of tmpl are the caller's business (check them first).  Unlike a
 * workload's template, metadata.namespace is honoured (NULL = "default").
 * Errors carry file and the LINE:COL of the offending node, with its path
 * from the document root.  Warnings name the object as kind and give paths
 * relative to tmpl ("generator template spec.volumes (not modelled)");
 * they are appended to warnings_into's list (NULL: dropped).  out must be
 * zeroed; its spec is a separate ks_xcalloc allocation and its file points
 * at file, which must outlive it.  Free out with ks_manifest_pod_free,
 * also after an error (it may hold part of the pod). */
int ks_manifests_read_pod_template(const struct ks_yt_node *tmpl,
                                   const char *file, const char *kind,
                                   ks_manifests *warnings_into,
                                   ks_manifest_pod *out, ks_error *err);

/* Frees what pod holds (its spec unless adopted) and zeroes it. */
void ks_manifest_pod_free(ks_manifest_pod *pod);

#endif
