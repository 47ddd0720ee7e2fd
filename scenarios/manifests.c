/* manifests.c - reads Kubernetes objects (kubectl YAML) into ksim's
 * structs, strictly, and computes what the scheduler derives from them.
 *
 * The YAML tree comes from scenarios/yaml_tree (ks_yt_parse_stream); the
 * functions below walk it one Kubernetes type at a time.  Each type has a
 * table of its real field names (field_def), so a misspelt key is an error
 * at its line and column, a known key ksim ignores becomes a warning (or is
 * skipped silently when it cannot change a simulation: bookkeeping,
 * container runtime details) and a key ksim reads is converted exactly.
 *
 * Sources (Kubernetes v1.36):
 *   - field names: the v1.36 OpenAPI schema of k8s.io/api (core/v1
 *     types.go, apps/v1, batch/v1, policy/v1, scheduling/v1 and
 *     apimachinery meta/v1), as packaged by kubernetes-models 5.1.0; the
 *     fields up to v1.27 were checked against types.go itself.
 *   - API defaulting: pkg/apis/core/v1/defaults.go SetDefaults_Pod
 *     (requests default to limits; pod-level hugepage limits and requests;
 *     hostNetwork ports), SetDefaults_ResourceList (quantities rounded up
 *     to milli units), SetDefaults_NodeStatus (allocatable from capacity),
 *     apps/v1 and batch/v1 defaults (replicas, parallelism, completions).
 *   - effective requests: staging/src/k8s.io/component-helpers/resource/
 *     helpers.go PodRequests and AggregateContainerRequests, called as
 *     pkg/scheduler/framework/types.go PodInfo.calculateResource does
 *     (UseStatusResources: InPlacePodVerticalScaling is GA; pod-level
 *     resources on: PodLevelResources is beta and on by default), with
 *     getNonMissingContainerRequests for the non-zero view.
 *   - priorities: plugin/pkg/admission/priority/admission.go.
 *   - host ports: pkg/scheduler/util GetHostPorts.
 *   - workload selectors: pkg/apis/apps/validation (a given selector is
 *     non-empty and matches the template's labels), pkg/apis/core/v1
 *     defaults.go SetDefaults_ReplicationController (selector from the
 *     template's labels) and core validation of ReplicationControllers;
 *     the Deployment controller's new ReplicaSet (pkg/controller/deployment
 *     sync.go getNewReplicaSet: template labels and selector plus
 *     pod-template-hash; the hash's alphabet from apimachinery
 *     util/rand SafeEncodeString).
 *   - control-plane fields: pkg/apis/apps/v1/defaults.go
 *     SetDefaults_Deployment (strategy RollingUpdate with 25%/25%,
 *     revisionHistoryLimit 10, progressDeadlineSeconds 600),
 *     pkg/apis/batch/v1/defaults.go SetDefaults_Job (backoffLimit 6),
 *     pkg/apis/core/v1/defaults.go SetDefaults_PodSpec (restartPolicy
 *     Always); pkg/apis/apps/validation/validation.go
 *     (ValidateDeploymentSpec, ValidateDeploymentStrategy,
 *     ValidateRollingUpdateDeployment, ValidatePositiveIntOrPercent,
 *     IsNotMoreThan100Percent, ValidatePodTemplateSpecForReplicaSet and
 *     the StatefulSet / DaemonSet checks: restartPolicy Always),
 *     pkg/apis/batch/validation/validation.go validateJobSpec (backoffLimit
 *     and activeDeadlineSeconds non-negative, restartPolicy OnFailure or
 *     Never) and core validation's ValidatePodTemplateSpecForRC.
 *   - pod lifecycle fields: pkg/apis/core/v1/defaults.go SetDefaults_PodSpec
 *     (terminationGracePeriodSeconds 30), SetDefaults_Probe (a 0 timeout,
 *     period, success or failure threshold becomes 1, 10, 1, 3) and
 *     SetDefaults_HTTPGetAction (scheme HTTP); pkg/apis/core/validation/
 *     validation.go validateProbe (the timings non-negative, a probe's own
 *     terminationGracePeriodSeconds > 0), validateLivenessProbe
 *     (successThreshold 1), validateReadinessProbe (no
 *     terminationGracePeriodSeconds), validateHandler (exactly one of exec,
 *     httpGet, tcpSocket, grpc) with validateExecAction,
 *     validateHTTPGetAction, ValidatePortNumOrName (apimachinery
 *     IsValidPortNum / IsValidPortName), and validateInitContainers (no
 *     probes on an init container that is not a sidecar).  A negative
 *     terminationGracePeriodSeconds, which the API server still accepts
 *     and treats as 1 s (kubernetes/kubernetes#103476), is refused.
 *   - DaemonSet: pkg/apis/apps/v1/defaults.go SetDefaults_DaemonSet
 *     (updateStrategy RollingUpdate, maxUnavailable 1, maxSurge 0) and
 *     pkg/apis/apps/validation/validation.go ValidateDaemonSetSpec
 *     (minReadySeconds >= 0), ValidateDaemonSetUpdateStrategy and
 *     ValidateRollingUpdateDaemonSet (each value an integer >= 0 or a
 *     percentage of at most 100%, exactly one of them non-zero).
 *   - HorizontalPodAutoscaler (autoscaling/v2): pkg/apis/autoscaling/v2/
 *     defaults.go (SetDefaults_HorizontalPodAutoscaler: minReplicas 1, a
 *     cpu Utilization metric of 80 % when none is given;
 *     SetDefaults_HorizontalPodAutoscalerBehavior with
 *     GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: the unset parts
 *     of a given behavior filled in) and pkg/apis/autoscaling/validation/
 *     validation.go (validateHorizontalPodAutoscalerSpec,
 *     ValidateCrossVersionObjectReference, validateMetricSpec,
 *     validateResourceSource, validateMetricTarget, validateBehavior,
 *     validateScalingRules, validateScalingPolicy with MaxPeriodSeconds
 *     1800 and MaxStabilizationWindowSeconds 3600; minReplicas >= 1, the
 *     HPAScaleToZero gate being off by default).
 */
#include "scenarios/manifests.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/yaml_tree.h"
#include "sim/duration.h"
#include "sim/quantity.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

/* pkg/scheduler/util: what a container without a cpu / memory request
 * counts as in the scheduler's non-zero view. */
#define DEFAULT_MILLI_CPU_REQUEST 100
#define DEFAULT_MEMORY_REQUEST (200LL * 1024 * 1024)
/* pkg/apis/scheduling: SystemCriticalPriority and the node-critical one. */
#define SYSTEM_CLUSTER_CRITICAL 2000000000
#define SYSTEM_NODE_CRITICAL (SYSTEM_CLUSTER_CRITICAL + 1000)
/* HighestUserDefinablePriority: user classes may not go above it. */
#define HIGHEST_USER_PRIORITY 1000000000
#define MILLI 1000
/* core/v1 DefaultTerminationGracePeriodSeconds. */
#define DEFAULT_TERMINATION_GRACE_S 30

#define QUOTED(s, buf) ks_yt_quote((s), (buf), sizeof(buf))

/* ---- the schema -------------------------------------------------------- */

/* A field of a Kubernetes type.  Fields a reader handles are named in the
 * reader's own list; the others warn when they carry a value, unless
 * `silent` (no effect on scheduling, pod lifecycle or controllers). */
typedef struct field_def {
    const char *key;
    int silent;
} field_def;

typedef struct type_def {
    const char *name; /* as in messages: "Container", "PodSpec" */
    const field_def *fields;
} type_def;

#define S 1 /* silent */
#define W 0 /* warns unless read */

static const field_def object_meta_fields[] = {
    {"annotations", W}, {"creationTimestamp", S},
    {"deletionGracePeriodSeconds", W}, {"deletionTimestamp", W},
    {"finalizers", W}, {"generateName", S}, {"generation", S},
    {"labels", W}, {"managedFields", S}, {"name", W}, {"namespace", W},
    {"ownerReferences", W}, {"resourceVersion", S}, {"selfLink", S},
    {"uid", S},
    /* Removed from the schema (v1.25 and v1.14) but printed by older
     * clusters' kubectl: accepted so old dumps load. */
    {"clusterName", S}, {"initializers", S},
    {NULL, 0}};
static const type_def t_object_meta = {"ObjectMeta", object_meta_fields};

static const field_def owner_reference_fields[] = {
    {"apiVersion", S}, {"blockOwnerDeletion", S}, {"controller", W},
    {"kind", W}, {"name", W}, {"uid", S}, {NULL, 0}};
static const type_def t_owner_reference = {"OwnerReference",
                                         owner_reference_fields};

/* Pod, Node, PodDisruptionBudget and the workloads share this shape. */
static const field_def object_fields[] = {
    {"apiVersion", W}, {"kind", W}, {"metadata", W}, {"spec", W},
    {"status", W}, {NULL, 0}};

static const field_def list_fields[] = {
    {"apiVersion", W}, {"kind", W}, {"items", W}, {"metadata", S},
    {NULL, 0}};
static const type_def t_list_type = {"List", list_fields};

static const field_def pod_spec_fields[] = {
    {"activeDeadlineSeconds", W}, {"affinity", W},
    {"automountServiceAccountToken", S}, {"containers", W},
    {"dnsConfig", S}, {"dnsPolicy", S}, {"enableServiceLinks", S},
    {"ephemeralContainers", W}, {"hostAliases", S}, {"hostIPC", S},
    {"hostNetwork", W}, {"hostPID", S}, {"hostUsers", S}, {"hostname", S},
    {"hostnameOverride", S}, {"imagePullSecrets", S},
    {"initContainers", W}, {"nodeName", W}, {"nodeSelector", W},
    {"os", W}, {"overhead", W}, {"preemptionPolicy", W}, {"priority", W},
    {"priorityClassName", W}, {"readinessGates", W},
    {"resourceClaims", W}, {"resources", W}, {"restartPolicy", W},
    {"runtimeClassName", W}, {"schedulerName", W},
    {"schedulingGates", W}, {"schedulingGroup", W},
    {"securityContext", S}, {"serviceAccount", S},
    {"serviceAccountName", S}, {"setHostnameAsFQDN", S},
    {"shareProcessNamespace", S}, {"subdomain", S},
    {"terminationGracePeriodSeconds", W}, {"tolerations", W},
    {"topologySpreadConstraints", W}, {"volumes", W}, {NULL, 0}};
static const type_def t_pod_spec = {"PodSpec", pod_spec_fields};

static const field_def container_fields[] = {
    {"args", S}, {"command", S}, {"env", S}, {"envFrom", S}, {"image", W},
    {"imagePullPolicy", S}, {"lifecycle", W}, {"livenessProbe", W},
    {"name", W}, {"ports", W}, {"readinessProbe", W}, {"resizePolicy", W},
    {"resources", W}, {"restartPolicy", W}, {"restartPolicyRules", W},
    {"securityContext", S}, {"startupProbe", W}, {"stdin", S},
    {"stdinOnce", S}, {"terminationMessagePath", S},
    {"terminationMessagePolicy", S}, {"tty", S}, {"volumeDevices", S},
    {"volumeMounts", S}, {"workingDir", S}, {NULL, 0}};
static const type_def t_container = {"Container", container_fields};

/* Probe and its handlers (v1.36).  The timings are read; the handler is
 * checked and warns (the application model answers every kind alike); a
 * probe's own terminationGracePeriodSeconds warns. */
static const field_def probe_fields[] = {
    {"exec", W}, {"failureThreshold", W}, {"grpc", W}, {"httpGet", W},
    {"initialDelaySeconds", W}, {"periodSeconds", W},
    {"successThreshold", W}, {"tcpSocket", W},
    {"terminationGracePeriodSeconds", W}, {"timeoutSeconds", W},
    {NULL, 0}};
static const type_def t_probe = {"Probe", probe_fields};
static const field_def exec_action_fields[] = {{"command", W}, {NULL, 0}};
static const type_def t_exec_action = {"ExecAction", exec_action_fields};
static const field_def http_get_action_fields[] = {
    {"host", W}, {"httpHeaders", W}, {"path", W}, {"port", W},
    {"scheme", W}, {NULL, 0}};
static const type_def t_http_get_action = {"HTTPGetAction",
                                           http_get_action_fields};
static const field_def http_header_fields[] = {{"name", W}, {"value", W},
                                               {NULL, 0}};
static const type_def t_http_header = {"HTTPHeader", http_header_fields};
static const field_def tcp_socket_action_fields[] = {{"host", W},
                                                     {"port", W}, {NULL, 0}};
static const type_def t_tcp_socket_action = {"TCPSocketAction",
                                             tcp_socket_action_fields};
static const field_def grpc_action_fields[] = {{"port", W}, {"service", W},
                                               {NULL, 0}};
static const type_def t_grpc_action = {"GRPCAction", grpc_action_fields};

static const field_def resource_requirements_fields[] = {
    {"claims", W}, {"limits", W}, {"requests", W}, {NULL, 0}};
static const type_def t_resource_requirements = {
    "ResourceRequirements", resource_requirements_fields};

static const field_def container_port_fields[] = {
    {"containerPort", W}, {"hostIP", W}, {"hostPort", W}, {"name", S},
    {"protocol", W}, {NULL, 0}};
static const type_def t_container_port = {"ContainerPort",
                                        container_port_fields};

static const field_def affinity_fields[] = {
    {"nodeAffinity", W}, {"podAffinity", W}, {"podAntiAffinity", W},
    {NULL, 0}};
static const type_def t_affinity = {"Affinity", affinity_fields};

/* NodeAffinity, PodAffinity and PodAntiAffinity have the same two keys. */
static const field_def affinity_kind_fields[] = {
    {"preferredDuringSchedulingIgnoredDuringExecution", W},
    {"requiredDuringSchedulingIgnoredDuringExecution", W}, {NULL, 0}};
static const type_def t_node_affinity = {"NodeAffinity", affinity_kind_fields};
static const type_def t_pod_affinity = {"PodAffinity", affinity_kind_fields};
static const type_def t_pod_anti_affinity = {"PodAntiAffinity",
                                           affinity_kind_fields};

static const field_def node_selector_fields[] = {{"nodeSelectorTerms", W},
                                                 {NULL, 0}};
static const type_def t_node_selector = {"NodeSelector", node_selector_fields};

static const field_def node_selector_term_fields[] = {
    {"matchExpressions", W}, {"matchFields", W}, {NULL, 0}};
static const type_def t_node_selector_term = {"NodeSelectorTerm",
                                            node_selector_term_fields};

static const field_def requirement_fields[] = {
    {"key", W}, {"operator", W}, {"values", W}, {NULL, 0}};
static const type_def t_node_selector_requirement = {"NodeSelectorRequirement",
                                                   requirement_fields};
static const type_def t_label_selector_requirement = {
    "LabelSelectorRequirement", requirement_fields};

static const field_def preferred_term_fields[] = {
    {"preference", W}, {"weight", W}, {NULL, 0}};
static const type_def t_preferred_scheduling_term = {"PreferredSchedulingTerm",
                                                   preferred_term_fields};

static const field_def pod_affinity_term_fields[] = {
    {"labelSelector", W}, {"matchLabelKeys", W}, {"mismatchLabelKeys", W},
    {"namespaceSelector", W}, {"namespaces", W}, {"topologyKey", W},
    {NULL, 0}};
static const type_def t_pod_affinity_term = {"PodAffinityTerm",
                                           pod_affinity_term_fields};

static const field_def weighted_term_fields[] = {
    {"podAffinityTerm", W}, {"weight", W}, {NULL, 0}};
static const type_def t_weighted_pod_affinity_term = {"WeightedPodAffinityTerm",
                                                    weighted_term_fields};

static const field_def label_selector_fields[] = {
    {"matchExpressions", W}, {"matchLabels", W}, {NULL, 0}};
static const type_def t_label_selector = {"LabelSelector",
                                        label_selector_fields};

static const field_def toleration_fields[] = {
    {"effect", W}, {"key", W}, {"operator", W}, {"tolerationSeconds", W},
    {"value", W}, {NULL, 0}};
static const type_def t_toleration = {"Toleration", toleration_fields};

static const field_def spread_fields[] = {
    {"labelSelector", W}, {"matchLabelKeys", W}, {"maxSkew", W},
    {"minDomains", W}, {"nodeAffinityPolicy", W}, {"nodeTaintsPolicy", W},
    {"topologyKey", W}, {"whenUnsatisfiable", W}, {NULL, 0}};
static const type_def t_spread_constraint = {"TopologySpreadConstraint",
                                           spread_fields};

static const field_def pod_status_fields[] = {
    {"allocatedResources", W}, {"conditions", S}, {"containerStatuses", S},
    {"ephemeralContainerStatuses", S}, {"extendedResourceClaimStatus", W},
    {"hostIP", S}, {"hostIPs", S}, {"initContainerStatuses", S},
    {"message", S}, {"nodeAllocatableResourceClaimStatuses", W},
    {"nominatedNodeName", W}, {"observedGeneration", S}, {"phase", W},
    {"podIP", S}, {"podIPs", S}, {"qosClass", S}, {"reason", S},
    {"resize", S}, {"resourceClaimStatuses", W}, {"resources", W},
    {"startTime", S}, {NULL, 0}};
static const type_def t_pod_status = {"PodStatus", pod_status_fields};

static const field_def pod_condition_fields[] = {
    {"lastProbeTime", S}, {"lastTransitionTime", S}, {"message", S},
    {"observedGeneration", S}, {"reason", S}, {"status", S}, {"type", S},
    {NULL, 0}};
static const type_def t_pod_condition = {"PodCondition", pod_condition_fields};

static const field_def container_status_fields[] = {
    {"allocatedResources", S}, {"allocatedResourcesStatus", S},
    {"containerID", S}, {"image", S}, {"imageID", S}, {"lastState", S},
    {"name", S}, {"ready", S}, {"resources", S}, {"restartCount", S},
    {"started", S}, {"state", S}, {"stopSignal", S}, {"user", S},
    {"volumeMounts", S}, {NULL, 0}};
static const type_def t_container_status = {"ContainerStatus",
                                          container_status_fields};

/* In a container status, only the actuated requests matter. */
static const field_def status_requirements_fields[] = {
    {"claims", S}, {"limits", S}, {"requests", S}, {NULL, 0}};
static const type_def t_status_requirements = {"ResourceRequirements",
                                             status_requirements_fields};

static const field_def node_spec_fields[] = {
    {"configSource", S}, {"externalID", S}, {"podCIDR", S},
    {"podCIDRs", S}, {"providerID", S}, {"taints", W},
    {"unschedulable", W}, {NULL, 0}};
static const type_def t_node_spec = {"NodeSpec", node_spec_fields};

static const field_def taint_fields[] = {
    {"effect", W}, {"key", W}, {"timeAdded", S}, {"value", W}, {NULL, 0}};
static const type_def t_taint_type = {"Taint", taint_fields};

static const field_def node_status_fields[] = {
    {"addresses", S}, {"allocatable", W}, {"capacity", W},
    {"conditions", W}, {"config", S}, {"daemonEndpoints", S},
    {"declaredFeatures", W}, {"features", S}, {"images", W},
    {"nodeInfo", S}, {"phase", S}, {"runtimeHandlers", S},
    {"volumesAttached", W}, {"volumesInUse", W}, {NULL, 0}};
static const type_def t_node_status = {"NodeStatus", node_status_fields};

static const field_def container_image_fields[] = {
    {"names", W}, {"sizeBytes", W}, {NULL, 0}};
static const type_def t_container_image = {"ContainerImage",
                                         container_image_fields};

static const field_def priority_class_fields[] = {
    {"apiVersion", W}, {"description", S}, {"globalDefault", W},
    {"kind", W}, {"metadata", W}, {"preemptionPolicy", W}, {"value", W},
    {NULL, 0}};
static const type_def t_priority_class_type = {"PriorityClass",
                                             priority_class_fields};

static const field_def pdb_spec_fields[] = {
    {"maxUnavailable", W}, {"minAvailable", W}, {"selector", W},
    {"unhealthyPodEvictionPolicy", W}, {NULL, 0}};
static const type_def t_pdb_spec = {"PodDisruptionBudgetSpec",
                                  pdb_spec_fields};

static const field_def pod_template_fields[] = {{"metadata", W},
                                                {"spec", W}, {NULL, 0}};
static const type_def t_pod_template = {"PodTemplateSpec",
                                      pod_template_fields};

static const field_def deployment_strategy_fields[] = {
    {"rollingUpdate", W}, {"type", W}, {NULL, 0}};
static const type_def t_deployment_strategy = {"DeploymentStrategy",
                                             deployment_strategy_fields};
static const field_def rolling_update_deployment_fields[] = {
    {"maxSurge", W}, {"maxUnavailable", W}, {NULL, 0}};
static const type_def t_rolling_update_deployment = {
    "RollingUpdateDeployment", rolling_update_deployment_fields};

static const field_def deployment_spec_fields[] = {
    {"minReadySeconds", W}, {"paused", W}, {"progressDeadlineSeconds", W},
    {"replicas", W}, {"revisionHistoryLimit", S}, {"selector", W},
    {"strategy", W}, {"template", W}, {NULL, 0}};
static const field_def replica_set_spec_fields[] = {
    {"minReadySeconds", W}, {"replicas", W}, {"selector", W},
    {"template", W}, {NULL, 0}};
static const field_def stateful_set_spec_fields[] = {
    {"minReadySeconds", W}, {"ordinals", W},
    {"persistentVolumeClaimRetentionPolicy", W},
    {"podManagementPolicy", W}, {"replicas", W},
    {"revisionHistoryLimit", S}, {"selector", W}, {"serviceName", S},
    {"template", W}, {"updateStrategy", W}, {"volumeClaimTemplates", W},
    {NULL, 0}};
static const field_def daemon_set_spec_fields[] = {
    {"minReadySeconds", W}, {"revisionHistoryLimit", S}, {"selector", W},
    {"template", W}, {"updateStrategy", W}, {NULL, 0}};
static const field_def daemon_set_update_strategy_fields[] = {
    {"rollingUpdate", W}, {"type", W}, {NULL, 0}};
static const type_def t_daemon_set_update_strategy = {
    "DaemonSetUpdateStrategy", daemon_set_update_strategy_fields};
static const field_def rolling_update_daemon_set_fields[] = {
    {"maxSurge", W}, {"maxUnavailable", W}, {NULL, 0}};
static const type_def t_rolling_update_daemon_set = {
    "RollingUpdateDaemonSet", rolling_update_daemon_set_fields};
static const field_def job_spec_fields[] = {
    {"activeDeadlineSeconds", W}, {"backoffLimit", W},
    {"backoffLimitPerIndex", W}, {"completionMode", W},
    {"completions", W}, {"managedBy", W}, {"manualSelector", W},
    {"maxFailedIndexes", W}, {"parallelism", W}, {"podFailurePolicy", W},
    {"podReplacementPolicy", W}, {"selector", W}, {"successPolicy", W},
    {"suspend", W}, {"template", W}, {"ttlSecondsAfterFinished", W},
    {NULL, 0}};

/* ServiceSpec and ServiceStatus (v1.36).  Only spec.selector is read;
 * topologyKeys (removed in v1.22) is accepted so old dumps load. */
static const field_def service_spec_fields[] = {
    {"allocateLoadBalancerNodePorts", W}, {"clusterIP", W},
    {"clusterIPs", W}, {"externalIPs", W}, {"externalName", W},
    {"externalTrafficPolicy", W}, {"healthCheckNodePort", W},
    {"internalTrafficPolicy", W}, {"ipFamilies", W},
    {"ipFamilyPolicy", W}, {"loadBalancerClass", W},
    {"loadBalancerIP", W}, {"loadBalancerSourceRanges", W}, {"ports", W},
    {"publishNotReadyAddresses", W}, {"selector", W},
    {"sessionAffinity", W}, {"sessionAffinityConfig", W},
    {"topologyKeys", S}, {"trafficDistribution", W}, {"type", W},
    {NULL, 0}};
static const type_def t_service_spec = {"ServiceSpec", service_spec_fields};

static const field_def service_status_fields[] = {
    {"conditions", S}, {"loadBalancer", S}, {NULL, 0}};
static const type_def t_service_status = {"ServiceStatus",
                                        service_status_fields};

static const field_def replication_controller_spec_fields[] = {
    {"minReadySeconds", W}, {"replicas", W}, {"selector", W},
    {"template", W}, {NULL, 0}};

/* autoscaling/v2 (v1.36).  selectionStrategy is an alpha field (the pods
 * an HPA counts); tolerance an alpha one (per-HPA tolerance): both are
 * accepted and warn. */
static const field_def hpa_spec_fields[] = {
    {"behavior", W}, {"maxReplicas", W}, {"metrics", W}, {"minReplicas", W},
    {"scaleTargetRef", W}, {"selectionStrategy", W}, {NULL, 0}};
static const type_def t_hpa_spec = {"HorizontalPodAutoscalerSpec",
                                    hpa_spec_fields};
static const field_def cross_version_ref_fields[] = {
    {"apiVersion", W}, {"kind", W}, {"name", W}, {NULL, 0}};
static const type_def t_cross_version_ref = {"CrossVersionObjectReference",
                                             cross_version_ref_fields};
static const field_def metric_spec_fields[] = {
    {"containerResource", W}, {"external", W}, {"object", W}, {"pods", W},
    {"resource", W}, {"type", W}, {NULL, 0}};
static const type_def t_metric_spec = {"MetricSpec", metric_spec_fields};
static const field_def resource_metric_fields[] = {
    {"name", W}, {"target", W}, {NULL, 0}};
static const type_def t_resource_metric = {"ResourceMetricSource",
                                           resource_metric_fields};
static const field_def metric_target_fields[] = {
    {"averageUtilization", W}, {"averageValue", W}, {"type", W},
    {"value", W}, {NULL, 0}};
static const type_def t_metric_target = {"MetricTarget",
                                         metric_target_fields};
static const field_def hpa_behavior_fields[] = {
    {"scaleDown", W}, {"scaleUp", W}, {NULL, 0}};
static const type_def t_hpa_behavior = {"HorizontalPodAutoscalerBehavior",
                                        hpa_behavior_fields};
static const field_def scaling_rules_fields[] = {
    {"policies", W}, {"selectPolicy", W}, {"stabilizationWindowSeconds", W},
    {"tolerance", W}, {NULL, 0}};
static const type_def t_scaling_rules = {"HPAScalingRules",
                                         scaling_rules_fields};
static const field_def scaling_policy_fields[] = {
    {"periodSeconds", W}, {"type", W}, {"value", W}, {NULL, 0}};
static const type_def t_scaling_policy = {"HPAScalingPolicy",
                                          scaling_policy_fields};

#undef S
#undef W

/* ---- the loader's state ------------------------------------------------ */

/* A set of strings (borrowed), for warnings already given. */
typedef struct strset {
    const char **slots;
    size_t cap, n;
} strset;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int strset_has(const strset *set, const char *s)
{
    if (!set->cap)
        return 0;
    for (size_t i = hash_str(s) & (set->cap - 1);;
         i = (i + 1) & (set->cap - 1)) {
        if (!set->slots[i])
            return 0;
        if (!strcmp(set->slots[i], s))
            return 1;
    }
}

static void strset_put(strset *set, const char *s)
{
    if (2 * (set->n + 1) > set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 64;
        const char **slots = ks_xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i])
                continue;
            size_t j = hash_str(set->slots[i]) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t i = hash_str(s) & (set->cap - 1);
    while (set->slots[i])
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = s;
    set->n++;
}

/* Growable arrays of the result, with their capacities. */
typedef struct caps {
    size_t nodes, pods, templates, classes, pdbs, services, hpas, warnings;
} caps;

typedef struct ld {
    ks_yt_ctx c;
    ks_manifests *out;   /* the objects of this input, merged on success */
    caps cap;
    strset warned;
    const char *file;    /* owned by out->files */
    const char *kind;    /* kind of the object being read, for warnings */
    const ks_yt_node *obj; /* its root, for warning paths */
} ld;

/* ---- warnings and errors ----------------------------------------------- */

static void add_warning(ld *l, const char *text)
{
    if (strset_has(&l->warned, text))
        return;
    ks_manifests *m = l->out;
    m->warnings = ks_xgrow(m->warnings, &l->cap.warnings, m->nwarnings + 1,
                           sizeof *m->warnings);
    char *copy = ks_xstrdup(text);
    m->warnings[m->nwarnings++] = copy;
    strset_put(&l->warned, copy);
}

/* The path of n below the object being read, with sequence indices
 * dropped: "spec.containers[].livenessProbe". */
static void pattern_into(const ld *l, const ks_yt_node *n, char *buf,
                         size_t size, size_t *o)
{
    if (!n || n == l->obj || !n->parent)
        return;
    pattern_into(l, n->parent, buf, size, o);
    int w;
    if (n->parent->kind == KS_YT_SEQUENCE)
        w = snprintf(buf + *o, size - *o, "[]");
    else
        w = snprintf(buf + *o, size - *o, "%s%s",
                     n->parent == l->obj ? "" : ".", n->key->text);
    if (w > 0)
        *o = (size_t)w < size - *o ? *o + (size_t)w : size - 1;
}

static void warn_unmodelled(ld *l, const ks_yt_node *value)
{
    char path[512], text[600];
    size_t o = 0;
    path[0] = '\0';
    pattern_into(l, value, path, sizeof path, &o);
    snprintf(text, sizeof text, "%s %s (not modelled)", l->kind, path);
    add_warning(l, text);
}

/* The classic edit distance, for "did you mean"; keys are short. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *closest_field(const type_def *t, const char *key)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX, len = strlen(key);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    for (size_t i = 0; t->fields[i].key; i++) {
        size_t d = edit_distance(key, t->fields[i].key);
        if (d < best_d) {
            best_d = d;
            best = t->fields[i].key;
        }
    }
    return best_d <= limit ? best : NULL;
}

static int is_listed(const char *const *keys, const char *key)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (!strcmp(keys[i], key))
            return 1;
    return 0;
}

/* An empty value (null, {}, []) says nothing, so it does not warn. */
static int is_empty_value(const ks_yt_node *v)
{
    return ks_yt_is_null(v) ||
           (v->kind != KS_YT_SCALAR && v->n == 0);
}

/* Checks that map is a mapping whose keys are all fields of type t; the
 * fields in reads are the caller's, the other non-silent ones warn. */
static int check_fields(ld *l, const ks_yt_node *map, const type_def *t,
                        const char *const *reads)
{
    int rc = ks_yt_expect(&l->c, map, KS_YT_MAPPING);
    if (rc)
        return rc;
    for (size_t i = 0; i < map->n; i++) {
        const ks_yt_node *item = map->items[i];
        const char *key = item->key->text;
        size_t f = 0;
        while (t->fields[f].key && strcmp(t->fields[f].key, key))
            f++;
        if (!t->fields[f].key) {
            char q[96], hint[160] = "";
            const char *near = closest_field(t, key);
            if (near)
                snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", near);
            return ks_yt_fail_key(&l->c, item, KS_EPARSE,
                                  "%s has no field %s%s", t->name,
                                  QUOTED(key, q), hint);
        }
        if (!t->fields[f].silent && !is_listed(reads, key) &&
            !is_empty_value(item))
            warn_unmodelled(l, item);
    }
    return 0;
}

/* The value of key in map, or NULL when absent or null (Go reads a JSON
 * null as the zero value, i.e. unset). */
static const ks_yt_node *val(const ks_yt_node *map, const char *key)
{
    const ks_yt_node *v = ks_yt_get(map, key);
    return v && !ks_yt_is_null(v) ? v : NULL;
}

static int require(ld *l, const ks_yt_node *map, const char *key,
                   const ks_yt_node **out)
{
    *out = val(map, key);
    if (!*out)
        return ks_yt_fail_missing(&l->c, map, key);
    return 0;
}

/* ---- scalars ----------------------------------------------------------- */

/* How YAML 1.1 (go-yaml v2, which sigs.k8s.io/yaml uses) resolves a plain
 * scalar, as far as it matters for fields of type string: Kubernetes turns
 * a boolean into "true"/"false" and an integer into its decimal digits;
 * other numbers (1.0, 010, 0x1f, 1e3) would change their text, so they are
 * refused with a hint to quote them. */
typedef enum y11 { Y11_STRING, Y11_TRUE, Y11_FALSE, Y11_INT, Y11_NUMBER } y11;

/* Digits of a base (2, 8, 10, 16), with Go's single underscores between
 * them; at least one digit. */
static int is_digits(const char *s, int base, int underscores)
{
    int any = 0;
    for (; *s; s++) {
        int c = *s, d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : 99;
        if (c == '_' && underscores && any && s[1] && s[1] != '_')
            continue;
        if (d >= base)
            return 0;
        any = 1;
    }
    return any;
}

/* What strconv.ParseInt(s, 0, 64) accepts (sign, 0x / 0o / 0b / 0
 * prefixes, underscores with a prefix). */
static int is_go_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return is_digits(s + 2, 16, 1);
    if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
        return is_digits(s + 2, 8, 1);
    if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
        return is_digits(s + 2, 2, 1);
    if (s[0] == '0' && s[1])
        return is_digits(s + 1, 8, 1);
    return is_digits(s, 10, 0);
}

/* go-yaml v2's float pattern:
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_yaml_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (*s == '.') {
        if (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF"))
            return 1;
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        s += strspn(s, "0123456789");
    } else {
        size_t d = strspn(s, "0123456789");
        if (!d)
            return 0;
        s += d;
        if (*s == '.')
            s += 1 + strspn(s + 1, "0123456789");
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        size_t d = strspn(s, "0123456789");
        if (!d)
            return 0;
        s += d;
    }
    return *s == '\0';
}

static y11 classify_plain(const char *t)
{
    static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on", "On", "ON", NULL};
    static const char *const no[] = {"n", "N", "no", "No", "NO", "false",
                                     "False", "FALSE", "off", "Off", "OFF",
                                     NULL};
    for (size_t i = 0; yes[i]; i++)
        if (!strcmp(t, yes[i]))
            return Y11_TRUE;
    for (size_t i = 0; no[i]; i++)
        if (!strcmp(t, no[i]))
            return Y11_FALSE;
    const char *p = t + (*t == '-' || *t == '+');
    size_t digits = strspn(p, "0123456789");
    if (digits && !p[digits] && (p[0] != '0' || digits == 1))
        return Y11_INT;
    if (is_go_int(t) || is_yaml_float(t) || !strcmp(t, ".nan") ||
        !strcmp(t, ".NaN") || !strcmp(t, ".NAN"))
        return Y11_NUMBER;
    return Y11_STRING;
}

/* A string field.  Null leaves *out NULL (unset). */
static int get_str(ld *l, const ks_yt_node *n, const char **out)
{
    *out = NULL;
    if (!n || ks_yt_is_null(n))
        return 0;
    if (n->kind != KS_YT_SCALAR)
        return ks_yt_fail(&l->c, n, KS_EPARSE, "expected a string, got %s",
                          ks_yt_describe(n));
    if (n->quoted) {
        *out = n->text;
        return 0;
    }
    char q[96];
    switch (classify_plain(n->text)) {
    case Y11_TRUE:
        *out = "true";
        return 0;
    case Y11_FALSE:
        *out = "false";
        return 0;
    case Y11_INT:
        *out = n->text + (n->text[0] == '+');
        return 0;
    case Y11_NUMBER:
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "%s is a number in YAML, which Kubernetes would "
                          "turn into different text; quote it",
                          QUOTED(n->text, q));
    case Y11_STRING:
        break;
    }
    *out = n->text;
    return 0;
}

static int dup_str(ld *l, const ks_yt_node *n, char **out)
{
    const char *s;
    int rc = get_str(l, n, &s);
    if (!rc && s)
        *out = ks_xstrdup(s);
    return rc;
}

/* A non-empty string. */
static int get_name(ld *l, const ks_yt_node *n, const char **out)
{
    int rc = get_str(l, n, out);
    if (!rc && (!*out || !**out))
        return ks_yt_fail(&l->c, n, KS_EINVAL, "must not be empty");
    return rc;
}

static int get_bool(ld *l, const ks_yt_node *n, int *out)
{
    if (!n || ks_yt_is_null(n))
        return 0;
    if (n->kind == KS_YT_SCALAR && !n->quoted) {
        y11 k = classify_plain(n->text);
        if (k == Y11_TRUE || k == Y11_FALSE) {
            *out = k == Y11_TRUE;
            return 0;
        }
    }
    char q[96];
    return ks_yt_fail(&l->c, n, KS_EPARSE, "expected true or false, got %s",
                      n->kind == KS_YT_SCALAR ? QUOTED(n->text, q)
                                              : ks_yt_describe(n));
}

/* Parses [-+]digits[.digits][(e|E)[-+]digits] exactly; fails unless the
 * value is an integer that fits in int64. */
static int parse_integral(const char *s, int64_t *out)
{
    int neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    char digits[64];
    size_t nd = 0, frac = 0;
    int any = 0;
    for (; *s >= '0' && *s <= '9'; s++, any = 1)
        if (nd < sizeof digits - 1 && (nd || *s != '0'))
            digits[nd++] = *s;
        else if (nd >= sizeof digits - 1)
            return KS_ERANGE;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, any = 1) {
            if (nd >= sizeof digits - 1)
                return KS_ERANGE;
            digits[nd++] = *s; /* trailing zeros are dropped below */
            frac++;
        }
    }
    if (!any)
        return KS_EPARSE;
    long exp = 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        int eneg = *s == '-';
        if (*s == '-' || *s == '+')
            s++;
        if (*s < '0' || *s > '9')
            return KS_EPARSE;
        for (; *s >= '0' && *s <= '9'; s++)
            if (exp < 1000)
                exp = exp * 10 + (*s - '0');
        if (eneg)
            exp = -exp;
    }
    if (*s)
        return KS_EPARSE;
    /* value = digits * 10^(exp - frac) */
    long shift = exp - (long)frac;
    while (shift < 0 && nd > 0) {
        if (digits[nd - 1] != '0')
            return KS_EINVAL; /* a fraction */
        nd--;
        shift++;
    }
    if (nd == 0) {
        *out = 0;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < nd; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return KS_ERANGE;
        v = v * 10 + (uint64_t)(digits[i] - '0');
    }
    for (; shift > 0; shift--) {
        if (v > UINT64_MAX / 10)
            return KS_ERANGE;
        v *= 10;
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return KS_ERANGE;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* An integer field in [min, max].  Besides 12 it accepts the float forms
 * of an integer (2e+09, 1.194914199e+09) that some tools print, as
 * Kubernetes does: YAML reads them as numbers and JSON stores whole numbers
 * without a fraction. */
static int get_int(ld *l, const ks_yt_node *n, int64_t min, int64_t max,
                   int64_t *out)
{
    char q[96];
    if (n->kind != KS_YT_SCALAR || n->quoted || ks_yt_is_null(n))
        return ks_yt_fail(&l->c, n, KS_EPARSE, "expected an integer, got %s",
                          n->kind == KS_YT_SCALAR && n->quoted
                              ? "a quoted string"
                              : ks_yt_describe(n));
    const char *t = n->text;
    const char *p = t + (*t == '-' || *t == '+');
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "%s: a leading zero makes YAML 1.1 read an octal "
                          "number; write the decimal value",
                          QUOTED(t, q));
    int64_t v;
    int rc = parse_integral(t, &v);
    if (rc == KS_EINVAL)
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "expected an integer, got %s (a fraction)",
                          QUOTED(t, q));
    if (rc == KS_EPARSE)
        return ks_yt_fail(&l->c, n, KS_EPARSE, "expected an integer, got %s",
                          QUOTED(t, q));
    if (rc || v < min || v > max)
        return ks_yt_fail(&l->c, n, KS_ERANGE,
                          "must be between %lld and %lld, got %s",
                          (long long)min, (long long)max, QUOTED(t, q));
    *out = v;
    return 0;
}

static int get_int32(ld *l, const ks_yt_node *n, int64_t min, int32_t *out)
{
    int64_t v;
    int rc = get_int(l, n, min, INT32_MAX, &v);
    if (!rc)
        *out = (int32_t)v;
    return rc;
}

/* One of names (NULL-terminated); "" is a valid name when listed. */
static int get_enum(ld *l, const ks_yt_node *n, const char *what,
                    const char *const *names, int *out)
{
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    if (!s)
        s = "";
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], s)) {
            *out = i;
            return 0;
        }
    char q[96], list[256];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; names[i]; i++)
        if (names[i][0] && o < sizeof list)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                                  o ? ", " : "", names[i]);
    return ks_yt_fail(&l->c, n, KS_EINVAL,
                      "unknown %s %s (expected one of: %s)", what, QUOTED(s, q),
                      list);
}

/* A resource quantity at scale (3: milli units, 0: base units); Quantity
 * accepts a YAML number or string. */
static int get_quantity(ld *l, const ks_yt_node *n, int scale, int64_t *out)
{
    char q[96];
    /* YAML 1.1 reads a plain 010 as 8 and 0x10 as 16; the quantity text
     * would say otherwise. */
    if (n->kind == KS_YT_SCALAR && !n->quoted &&
        classify_plain(n->text) == Y11_NUMBER && is_go_int(n->text))
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "%s is an octal, hex or binary number in YAML "
                          "1.1; write the decimal value or quote it",
                          QUOTED(n->text, q));
    int rc = ks_yt_quantity(&l->c, n, scale, out);
    if (rc)
        return rc;
    if (*out < 0)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "must not be negative, got %s",
                          QUOTED(n->text, q));
    return 0;
}

/* ---- lists and maps ---------------------------------------------------- */

static int expect_seq(ld *l, const ks_yt_node *n)
{
    return ks_yt_expect(&l->c, n, KS_YT_SEQUENCE);
}

static int read_string_list(ld *l, const ks_yt_node *n, char ***out,
                            size_t *nout)
{
    if (!n)
        return 0;
    int rc = expect_seq(l, n);
    if (rc)
        return rc;
    if (!n->n)
        return 0;
    *out = ks_xcalloc(n->n, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if ((rc = get_str(l, n->items[i], &s)))
            return rc;
        (*out)[(*nout)++] = ks_xstrdup(s ? s : "");
    }
    return 0;
}

/* map[string]string: labels, nodeSelector, matchLabels.  A null value is
 * the empty string, as Go stores it. */
static int read_string_map(ld *l, const ks_yt_node *n, ks_labels *out)
{
    if (!n)
        return 0;
    int rc = ks_yt_expect(&l->c, n, KS_YT_MAPPING);
    if (rc)
        return rc;
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if ((rc = get_str(l, n->items[i], &s)))
            return rc;
        ks_labels_set(out, n->items[i]->key->text, s ? s : "");
    }
    return 0;
}

/* ---- selectors and affinity --------------------------------------------- */

static const char *const label_ops[] = {"In", "NotIn", "Exists",
                                        "DoesNotExist", NULL};
static const char *const node_ops[] = {"In", "NotIn", "Exists",
                                       "DoesNotExist", "Gt", "Lt", NULL};

static int read_requirement(ld *l, const ks_yt_node *n, const type_def *t,
                            const char *const *ops, ks_requirement *r)
{
    static const char *const reads[] = {"key", "operator", "values", NULL};
    const ks_yt_node *key, *op;
    int rc, opi = 0;
    if ((rc = check_fields(l, n, t, reads)) ||
        (rc = require(l, n, "key", &key)) ||
        (rc = require(l, n, "operator", &op)) ||
        (rc = dup_str(l, key, &r->key)) ||
        (rc = get_enum(l, op, "operator", ops, &opi)))
        return rc;
    r->op = (ks_selector_op)opi;
    return read_string_list(l, val(n, "values"), &r->values, &r->nvalues);
}

static int read_requirements(ld *l, const ks_yt_node *n, const type_def *t,
                             const char *const *ops, ks_requirement **out,
                             size_t *nout)
{
    if (!n)
        return 0;
    int rc = expect_seq(l, n);
    if (rc || !n->n)
        return rc;
    *out = ks_xcalloc(n->n, sizeof **out);
    *nout = n->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < n->n; i++)
        if ((rc = read_requirement(l, n->items[i], t, ops, &(*out)[i])))
            return rc;
    return 0;
}

static int read_label_selector(ld *l, const ks_yt_node *n,
                               ks_label_selector *sel)
{
    static const char *const reads[] = {"matchLabels", "matchExpressions",
                                        NULL};
    int rc = check_fields(l, n, &t_label_selector, reads);
    if (!rc)
        rc = read_string_map(l, val(n, "matchLabels"), &sel->match_labels);
    if (!rc)
        rc = read_requirements(l, val(n, "matchExpressions"),
                               &t_label_selector_requirement, label_ops,
                               &sel->match_expressions, &sel->nexpressions);
    return rc;
}

/* An optional *LabelSelector: has is set when the field is given. */
static int read_optional_selector(ld *l, const ks_yt_node *n, int *has,
                                  ks_label_selector *sel)
{
    if (!n)
        return 0;
    *has = 1;
    return read_label_selector(l, n, sel);
}

static int read_node_selector_term(ld *l, const ks_yt_node *n,
                                   ks_node_selector_term *t)
{
    static const char *const reads[] = {"matchExpressions", "matchFields",
                                        NULL};
    int rc = check_fields(l, n, &t_node_selector_term, reads);
    if (!rc)
        rc = read_requirements(l, val(n, "matchExpressions"),
                               &t_node_selector_requirement, node_ops,
                               &t->match_expressions, &t->nexpressions);
    if (!rc)
        rc = read_requirements(l, val(n, "matchFields"),
                               &t_node_selector_requirement, node_ops,
                               &t->match_fields, &t->nfields);
    return rc;
}

static int read_node_affinity(ld *l, const ks_yt_node *n, ks_node_affinity *a)
{
    static const char *const reads[] = {
        "requiredDuringSchedulingIgnoredDuringExecution",
        "preferredDuringSchedulingIgnoredDuringExecution", NULL};
    static const char *const sel_reads[] = {"nodeSelectorTerms", NULL};
    static const char *const pref_reads[] = {"weight", "preference", NULL};
    int rc = check_fields(l, n, &t_node_affinity, reads);
    if (rc)
        return rc;
    const ks_yt_node *req = val(n, reads[0]), *pref = val(n, reads[1]);
    if (req) {
        const ks_yt_node *terms;
        if ((rc = check_fields(l, req, &t_node_selector, sel_reads)) ||
            (rc = require(l, req, "nodeSelectorTerms", &terms)) ||
            (rc = expect_seq(l, terms)))
            return rc;
        a->has_required = 1;
        if (terms->n)
            a->required.terms = ks_xcalloc(terms->n, sizeof *a->required.terms);
        a->required.nterms = terms->n; /* zeroed: freeing all is safe */
        for (size_t i = 0; i < terms->n; i++)
            if ((rc = read_node_selector_term(l, terms->items[i],
                                              &a->required.terms[i])))
                return rc;
    }
    if (!pref)
        return 0;
    if ((rc = expect_seq(l, pref)) || !pref->n)
        return rc;
    a->preferred = ks_xcalloc(pref->n, sizeof *a->preferred);
    a->npreferred = pref->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < pref->n; i++) {
        const ks_yt_node *p = pref->items[i], *w, *t;
        if ((rc = check_fields(l, p, &t_preferred_scheduling_term,
                               pref_reads)) ||
            (rc = require(l, p, "weight", &w)) ||
            (rc = require(l, p, "preference", &t)) ||
            (rc = get_int32(l, w, 1, &a->preferred[i].weight)))
            return rc;
        if (a->preferred[i].weight > 100)
            return ks_yt_fail(&l->c, w, KS_ERANGE,
                              "must be between 1 and 100, got %s", w->text);
        if ((rc = read_node_selector_term(l, t, &a->preferred[i].term)))
            return rc;
    }
    return 0;
}

static int read_pod_affinity_term(ld *l, const ks_yt_node *n,
                                  ks_pod_affinity_term *t)
{
    static const char *const reads[] = {
        "labelSelector", "namespaces", "namespaceSelector", "topologyKey",
        "matchLabelKeys", "mismatchLabelKeys", NULL};
    const ks_yt_node *key;
    int rc;
    if ((rc = check_fields(l, n, &t_pod_affinity_term, reads)) ||
        (rc = read_optional_selector(l, val(n, "labelSelector"),
                                     &t->has_label_selector,
                                     &t->label_selector)) ||
        (rc = read_string_list(l, val(n, "namespaces"), &t->namespaces,
                               &t->nnamespaces)) ||
        (rc = read_optional_selector(l, val(n, "namespaceSelector"),
                                     &t->has_namespace_selector,
                                     &t->namespace_selector)) ||
        (rc = require(l, n, "topologyKey", &key)) ||
        (rc = dup_str(l, key, &t->topology_key)) ||
        (rc = read_string_list(l, val(n, "matchLabelKeys"),
                               &t->match_label_keys, &t->nmatch_label_keys)))
        return rc;
    return read_string_list(l, val(n, "mismatchLabelKeys"),
                            &t->mismatch_label_keys, &t->nmismatch_label_keys);
}

static int read_pod_affinity(ld *l, const ks_yt_node *n, const type_def *t,
                             ks_pod_affinity *a)
{
    static const char *const reads[] = {
        "requiredDuringSchedulingIgnoredDuringExecution",
        "preferredDuringSchedulingIgnoredDuringExecution", NULL};
    static const char *const w_reads[] = {"weight", "podAffinityTerm", NULL};
    int rc = check_fields(l, n, t, reads);
    if (rc)
        return rc;
    const ks_yt_node *req = val(n, reads[0]), *pref = val(n, reads[1]);
    if (req) {
        if ((rc = expect_seq(l, req)))
            return rc;
        if (req->n)
            a->required = ks_xcalloc(req->n, sizeof *a->required);
        a->nrequired = req->n; /* zeroed: freeing all is safe */
        for (size_t i = 0; i < req->n; i++)
            if ((rc = read_pod_affinity_term(l, req->items[i],
                                             &a->required[i])))
                return rc;
    }
    if (!pref)
        return 0;
    if ((rc = expect_seq(l, pref)) || !pref->n)
        return rc;
    a->preferred = ks_xcalloc(pref->n, sizeof *a->preferred);
    a->npreferred = pref->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < pref->n; i++) {
        const ks_yt_node *p = pref->items[i], *w, *term;
        if ((rc = check_fields(l, p, &t_weighted_pod_affinity_term, w_reads)) ||
            (rc = require(l, p, "weight", &w)) ||
            (rc = require(l, p, "podAffinityTerm", &term)) ||
            (rc = get_int32(l, w, 1, &a->preferred[i].weight)))
            return rc;
        if (a->preferred[i].weight > 100)
            return ks_yt_fail(&l->c, w, KS_ERANGE,
                              "must be between 1 and 100, got %s", w->text);
        if ((rc = read_pod_affinity_term(l, term, &a->preferred[i].term)))
            return rc;
    }
    return 0;
}

static int read_affinity(ld *l, const ks_yt_node *n, ks_pod_spec *spec)
{
    static const char *const reads[] = {"nodeAffinity", "podAffinity",
                                        "podAntiAffinity", NULL};
    int rc = check_fields(l, n, &t_affinity, reads);
    const ks_yt_node *v;
    if (!rc && (v = val(n, "nodeAffinity")))
        rc = read_node_affinity(l, v, &spec->node_affinity);
    if (!rc && (v = val(n, "podAffinity")))
        rc = read_pod_affinity(l, v, &t_pod_affinity, &spec->pod_affinity);
    if (!rc && (v = val(n, "podAntiAffinity")))
        rc = read_pod_affinity(l, v, &t_pod_anti_affinity,
                               &spec->pod_anti_affinity);
    return rc;
}

/* ---- taints, tolerations, spread ---------------------------------------- */

static const char *const effects[] = {"", "NoSchedule", "PreferNoSchedule",
                                      "NoExecute", NULL};

static int read_tolerations(ld *l, const ks_yt_node *n, ks_pod_spec *spec)
{
    static const char *const reads[] = {"key", "operator", "value", "effect",
                                        "tolerationSeconds", NULL};
    static const char *const ops[] = {"", "Equal", "Exists", NULL};
    int rc = expect_seq(l, n);
    if (rc || !n->n)
        return rc;
    spec->tolerations = ks_xcalloc(n->n, sizeof *spec->tolerations);
    spec->ntolerations = n->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *t = n->items[i], *v;
        ks_toleration *tol = &spec->tolerations[i];
        int op = 0, eff = 0;
        if ((rc = check_fields(l, t, &t_toleration, reads)) ||
            (rc = dup_str(l, val(t, "key"), &tol->key)) ||
            (rc = dup_str(l, val(t, "value"), &tol->value)))
            return rc;
        if ((v = val(t, "operator")) &&
            (rc = get_enum(l, v, "operator", ops, &op)))
            return rc;
        if ((v = val(t, "effect")) &&
            (rc = get_enum(l, v, "effect", effects, &eff)))
            return rc;
        tol->op = op == 2 ? KS_TOLERATION_EXISTS : KS_TOLERATION_EQUAL;
        tol->effect = (ks_taint_effect)eff;
        if ((v = val(t, "tolerationSeconds"))) {
            if ((rc = get_int(l, v, INT64_MIN, INT64_MAX,
                              &tol->toleration_seconds)))
                return rc;
            tol->has_seconds = 1;
        }
    }
    return 0;
}

static int read_taints(ld *l, const ks_yt_node *n, ks_node_info *info)
{
    static const char *const reads[] = {"key", "value", "effect", NULL};
    int rc = expect_seq(l, n);
    if (rc || !n->n)
        return rc;
    info->taints = ks_xcalloc(n->n, sizeof *info->taints);
    info->ntaints = n->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *t = n->items[i], *key, *eff;
        ks_taint *taint = &info->taints[i];
        int e = 0;
        if ((rc = check_fields(l, t, &t_taint_type, reads)) ||
            (rc = require(l, t, "key", &key)) ||
            (rc = require(l, t, "effect", &eff)) ||
            (rc = dup_str(l, key, &taint->key)) ||
            (rc = dup_str(l, val(t, "value"), &taint->value)) ||
            (rc = get_enum(l, eff, "effect", effects + 1, &e)))
            return rc;
        taint->effect = (ks_taint_effect)(e + 1);
    }
    return 0;
}

static int read_spread(ld *l, const ks_yt_node *n, ks_pod_spec *spec)
{
    static const char *const reads[] = {
        "maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector",
        "minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy",
        "matchLabelKeys", NULL};
    static const char *const whens[] = {"DoNotSchedule", "ScheduleAnyway",
                                        NULL};
    static const char *const policies[] = {"Honor", "Ignore", NULL};
    int rc = expect_seq(l, n);
    if (rc || !n->n)
        return rc;
    spec->spread = ks_xcalloc(n->n, sizeof *spec->spread);
    spec->nspread = n->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *c = n->items[i], *skew, *key, *when, *v;
        ks_topology_spread *t = &spec->spread[i];
        int w = 0, pol;
        if ((rc = check_fields(l, c, &t_spread_constraint, reads)) ||
            (rc = require(l, c, "maxSkew", &skew)) ||
            (rc = require(l, c, "topologyKey", &key)) ||
            (rc = require(l, c, "whenUnsatisfiable", &when)) ||
            (rc = get_int32(l, skew, 1, &t->max_skew)) ||
            (rc = dup_str(l, key, &t->topology_key)) ||
            (rc = get_enum(l, when, "whenUnsatisfiable", whens, &w)) ||
            (rc = read_optional_selector(l, val(c, "labelSelector"),
                                         &t->has_label_selector,
                                         &t->label_selector)) ||
            (rc = read_string_list(l, val(c, "matchLabelKeys"),
                                   &t->match_label_keys,
                                   &t->nmatch_label_keys)))
            return rc;
        t->when_unsatisfiable = (ks_when_unsatisfiable)w;
        if ((v = val(c, "minDomains")) &&
            (rc = get_int32(l, v, 1, &t->min_domains)))
            return rc;
        t->node_affinity_policy = KS_POLICY_HONOR;
        t->node_taints_policy = KS_POLICY_IGNORE;
        if ((v = val(c, "nodeAffinityPolicy"))) {
            if ((rc = get_enum(l, v, "policy", policies, &pol)))
                return rc;
            t->node_affinity_policy = (ks_inclusion_policy)pol;
        }
        if ((v = val(c, "nodeTaintsPolicy"))) {
            if ((rc = get_enum(l, v, "policy", policies, &pol)))
                return rc;
            t->node_taints_policy = (ks_inclusion_policy)pol;
        }
    }
    return 0;
}

/* ---- resource lists ----------------------------------------------------- */

/* A ResourceList being computed: amounts in milli units for every
 * resource (SetDefaults_ResourceList rounds each quantity up to milli
 * units, so sums and maxima in milli units are exact); names borrow from
 * the YAML tree. */
typedef struct rl_item {
    const char *name;
    int64_t milli;
    const ks_yt_node *at; /* the value in the input, for messages */
} rl_item;

typedef struct rl {
    rl_item *items;
    size_t n, cap;
    int given; /* the map was present (Go: non-nil) */
} rl;

static void rl_free(rl *r)
{
    free(r->items);
    *r = (rl){0};
}

static rl_item *rl_find(const rl *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].name, name))
            return &r->items[i];
    return NULL;
}

static void rl_set(rl *r, const char *name, int64_t milli,
                   const ks_yt_node *at)
{
    rl_item *it = rl_find(r, name);
    if (!it) {
        r->items = ks_xgrow(r->items, &r->cap, r->n + 1, sizeof *r->items);
        it = &r->items[r->n++];
        it->name = name;
    }
    it->milli = milli;
    it->at = at;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* addResourceList */
static void rl_add(rl *dst, const rl *src)
{
    for (size_t i = 0; i < src->n; i++) {
        rl_item *it = rl_find(dst, src->items[i].name);
        if (it)
            it->milli = sat_add(it->milli, src->items[i].milli);
        else
            rl_set(dst, src->items[i].name, src->items[i].milli, NULL);
    }
}

/* maxResourceList */
static void rl_max(rl *dst, const rl *src)
{
    for (size_t i = 0; i < src->n; i++) {
        rl_item *it = rl_find(dst, src->items[i].name);
        if (!it)
            rl_set(dst, src->items[i].name, src->items[i].milli, NULL);
        else if (src->items[i].milli > it->milli)
            it->milli = src->items[i].milli;
    }
}

static void rl_copy(rl *dst, const rl *src)
{
    dst->n = 0;
    rl_add(dst, src);
    dst->given = src->given;
}

static int read_resource_list(ld *l, const ks_yt_node *n, rl *out)
{
    if (!n)
        return 0;
    int rc = ks_yt_expect(&l->c, n, KS_YT_MAPPING);
    if (rc)
        return rc;
    out->given = 1;
    for (size_t i = 0; i < n->n; i++) {
        int64_t v;
        const ks_yt_node *q = n->items[i];
        if (ks_yt_is_null(q))
            continue;
        if ((rc = get_quantity(l, q, 3, &v)))
            return rc;
        rl_set(out, q->key->text, v, q);
    }
    return 0;
}

/* The scheduler's units: cpu in millicores, the rest in base units
 * (Quantity.Value rounds up). */
static int64_t to_scheduler_units(const char *name, int64_t milli)
{
    if (!strcmp(name, "cpu"))
        return milli;
    return milli / MILLI + (milli % MILLI != 0);
}

static void rl_export(const rl *r, ks_resource_amount **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!r->n)
        return;
    *out = ks_xcalloc(r->n, sizeof **out);
    for (size_t i = 0; i < r->n; i++) {
        (*out)[i].name = ks_xstrdup(r->items[i].name);
        (*out)[i].value = to_scheduler_units(r->items[i].name,
                                             r->items[i].milli);
    }
    *nout = r->n;
}

/* A node's ResourceList, read straight into scheduler units. */
static int read_node_resources(ld *l, const ks_yt_node *n,
                               ks_resource_amount **out, size_t *nout)
{
    int rc = ks_yt_expect(&l->c, n, KS_YT_MAPPING);
    if (rc || !n->n)
        return rc;
    *out = ks_xcalloc(n->n, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *q = n->items[i];
        const char *name = q->key->text;
        int64_t v;
        if ((rc = get_quantity(l, q, strcmp(name, "cpu") ? 0 : 3, &v)))
            return rc;
        (*out)[*nout].name = ks_xstrdup(name);
        (*out)[*nout].value = v;
        (*nout)++;
    }
    return 0;
}

int64_t ks_resource_amount_get(const ks_resource_amount *list, size_t n,
                               const char *name, int64_t def)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].name, name))
            return list[i].value;
    return def;
}

/* ---- containers and the pod's effective request ------------------------- */

/* One container as the request computation needs it. */
typedef struct ctr {
    const char *name;
    rl req, lim;     /* spec, requests already defaulted from limits */
    int restartable; /* an init container with restartPolicy: Always */
    rl allocated;    /* status allocatedResources (given: present) */
    rl actuated;     /* status resources.requests (given: present) */
    int has_status;
} ctr;

typedef struct pod_res {
    ctr *init, *regular;
    size_t ninit, nregular;
    rl pod_req, pod_lim; /* spec.resources (pod-level) */
    int has_pod_resources;
    rl overhead;
    int resize_infeasible; /* condition PodResizePending, reason Infeasible */
} pod_res;

static void ctr_free(ctr *c)
{
    rl_free(&c->req);
    rl_free(&c->lim);
    rl_free(&c->allocated);
    rl_free(&c->actuated);
}

static void pod_res_free(pod_res *p)
{
    for (size_t i = 0; i < p->ninit; i++)
        ctr_free(&p->init[i]);
    for (size_t i = 0; i < p->nregular; i++)
        ctr_free(&p->regular[i]);
    free(p->init);
    free(p->regular);
    rl_free(&p->pod_req);
    rl_free(&p->pod_lim);
    rl_free(&p->overhead);
}

static int read_requirements_of(ld *l, const ks_yt_node *n, rl *req, rl *lim,
                                int *given)
{
    static const char *const reads[] = {"requests", "limits", NULL};
    int rc = check_fields(l, n, &t_resource_requirements, reads);
    if (!rc)
        rc = read_resource_list(l, val(n, "requests"), req);
    if (!rc)
        rc = read_resource_list(l, val(n, "limits"), lim);
    if (given)
        *given = 1;
    return rc;
}

/* SetDefaults_Pod: a limit without a request makes the request; then the
 * validation rule that a request never exceeds its limit. */
static int default_requests(ld *l, ctr *c)
{
    char q[96];
    for (size_t i = 0; i < c->lim.n; i++) {
        const rl_item *lim = &c->lim.items[i];
        rl_item *req = rl_find(&c->req, lim->name);
        if (!req) {
            rl_set(&c->req, lim->name, lim->milli, lim->at);
            continue;
        }
        if (req->milli > lim->milli && req->at && lim->at)
            return ks_yt_fail(&l->c, req->at, KS_EINVAL,
                              "must be less than or equal to %s limit of %s",
                              lim->name, QUOTED(lim->at->text, q));
    }
    return 0;
}

static const char *const protocols[] = {"TCP", "UDP", "SCTP", NULL};

/* GetHostPorts keeps ports with hostPort > 0; with hostNetwork the API
 * server made every container port a host port. */
static int read_ports(ld *l, const ks_yt_node *n, int host_network,
                      int keep, ks_pod_spec *spec)
{
    static const char *const reads[] = {"containerPort", "hostPort",
                                        "hostIP", "protocol", NULL};
    int rc = expect_seq(l, n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *p = n->items[i], *cp, *v;
        int32_t cport, host_port = 0;
        int proto = 0;
        const char *ip = NULL;
        if ((rc = check_fields(l, p, &t_container_port, reads)) ||
            (rc = require(l, p, "containerPort", &cp)) ||
            (rc = get_int32(l, cp, 1, &cport)))
            return rc;
        if ((v = val(p, "hostPort")) && (rc = get_int32(l, v, 0, &host_port)))
            return rc;
        if ((v = val(p, "protocol")) &&
            (rc = get_enum(l, v, "protocol", protocols, &proto)))
            return rc;
        if ((rc = get_str(l, val(p, "hostIP"), &ip)))
            return rc;
        if (host_network && host_port == 0)
            host_port = cport;
        if (!keep || host_port <= 0)
            continue;
        spec->host_ports = ks_xrealloc(spec->host_ports,
                                       (spec->nhost_ports + 1) *
                                           sizeof *spec->host_ports);
        ks_host_port *hp = &spec->host_ports[spec->nhost_ports++];
        hp->host_ip = ip && *ip ? ks_xstrdup(ip) : NULL;
        hp->protocol = (ks_protocol)proto;
        hp->port = host_port;
    }
    return 0;
}

/* ---- probes ------------------------------------------------------------ */

/* apimachinery IsValidPortName: an IANA service name. */
static const char *port_name_problem(const char *s)
{
    size_t len = strlen(s);
    int letter = 0;
    if (len == 0 || len > 15)
        return "must be no more than 15 characters";
    for (const char *p = s; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            letter = 1;
        else if (!(*p >= '0' && *p <= '9') && *p != '-')
            return "must contain only alpha-numeric characters (a-z, "
                   "0-9), and hyphens (-)";
    }
    if (strstr(s, "--"))
        return "must not contain consecutive hyphens";
    if (!letter)
        return "must contain at least one letter (a-z)";
    if (s[0] == '-' || s[len - 1] == '-')
        return "must not begin or end with a hyphen";
    return NULL;
}

/* ValidatePortNumOrName: an integer 1..65535 or a port name (an
 * intstr.IntOrString: a quoted number is a name). */
static int read_probe_port(ld *l, const ks_yt_node *n)
{
    char q[96];
    if (n->kind == KS_YT_SCALAR && !n->quoted &&
        classify_plain(n->text) == Y11_INT) {
        int64_t port;
        return get_int(l, n, 1, 65535, &port);
    }
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    const char *why = port_name_problem(s ? s : "");
    if (why)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "invalid port name %s: %s (or give a number "
                          "1..65535)",
                          QUOTED(s ? s : "", q), why);
    return 0;
}

/* One handler of a probe, checked as validateHandler's per-kind checks
 * do (what it holds is not modelled). */
static int read_probe_handler(ld *l, const ks_yt_node *n,
                              ks_manifest_probe_handler kind)
{
    static const char *const exec_reads[] = {"command", NULL};
    static const char *const http_reads[] = {"host", "httpHeaders", "path",
                                             "port", "scheme", NULL};
    static const char *const header_reads[] = {"name", "value", NULL};
    static const char *const tcp_reads[] = {"host", "port", NULL};
    static const char *const grpc_reads[] = {"port", "service", NULL};
    /* "" is the zero value, which SetDefaults_HTTPGetAction makes HTTP. */
    static const char *const schemes[] = {"HTTP", "HTTPS", "", NULL};
    const ks_yt_node *v, *port;
    const char *s;
    char **words = NULL;
    size_t nwords = 0;
    int scheme, rc;
    switch (kind) {
    case KS_MANIFEST_PROBE_EXEC:
        if ((rc = check_fields(l, n, &t_exec_action, exec_reads)) ||
            (rc = require(l, n, "command", &v)))
            return rc;
        rc = read_string_list(l, v, &words, &nwords);
        for (size_t i = 0; i < nwords; i++)
            free(words[i]);
        free(words);
        if (!rc && nwords == 0)
            rc = ks_yt_fail(&l->c, v, KS_EINVAL, "must not be empty");
        return rc;
    case KS_MANIFEST_PROBE_HTTP_GET:
        if ((rc = check_fields(l, n, &t_http_get_action, http_reads)) ||
            (rc = require(l, n, "port", &port)) ||
            (rc = read_probe_port(l, port)) ||
            (rc = get_str(l, val(n, "host"), &s)) ||
            (rc = get_str(l, val(n, "path"), &s)))
            return rc;
        if ((v = val(n, "scheme")) &&
            (rc = get_enum(l, v, "scheme", schemes, &scheme)))
            return rc;
        if ((v = val(n, "httpHeaders"))) {
            if ((rc = expect_seq(l, v)))
                return rc;
            for (size_t i = 0; i < v->n; i++) {
                const ks_yt_node *h = v->items[i], *name;
                if ((rc = check_fields(l, h, &t_http_header,
                                       header_reads)) ||
                    (rc = require(l, h, "name", &name)) ||
                    (rc = get_name(l, name, &s)) ||
                    (rc = get_str(l, val(h, "value"), &s)))
                    return rc;
            }
        }
        return 0;
    case KS_MANIFEST_PROBE_TCP_SOCKET:
        if ((rc = check_fields(l, n, &t_tcp_socket_action, tcp_reads)) ||
            (rc = require(l, n, "port", &port)) ||
            (rc = read_probe_port(l, port)))
            return rc;
        return get_str(l, val(n, "host"), &s);
    case KS_MANIFEST_PROBE_GRPC: {
        int64_t p;
        /* GRPCAction.port is an int32, not an IntOrString. */
        if ((rc = check_fields(l, n, &t_grpc_action, grpc_reads)) ||
            (rc = require(l, n, "port", &port)) ||
            (rc = get_int(l, port, 1, 65535, &p)))
            return rc;
        return get_str(l, val(n, "service"), &s);
    }
    }
    return 0;
}

/* A readinessProbe or livenessProbe: SetDefaults_Probe, then
 * validateProbe with validateLivenessProbe / validateReadinessProbe. */
static int read_probe(ld *l, const ks_yt_node *n, int liveness,
                      ks_manifest_probe *p)
{
    static const char *const reads[] = {
        "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
        "successThreshold", "failureThreshold", NULL};
    /* In ks_manifest_probe_handler order, which is validateHandler's. */
    static const char *const handlers[] = {"exec", "httpGet", "tcpSocket",
                                           "grpc", NULL};
    const ks_yt_node *v;
    int nhandlers = 0, rc;
    memset(p, 0, sizeof *p);
    if ((rc = check_fields(l, n, &t_probe, reads)))
        return rc;
    for (int h = 0; handlers[h]; h++) {
        if (!(v = val(n, handlers[h])))
            continue;
        if (nhandlers++)
            return ks_yt_fail(&l->c, v, KS_EINVAL,
                              "may not specify more than 1 handler type");
        p->handler = (ks_manifest_probe_handler)h;
        if ((rc = read_probe_handler(l, v, p->handler)))
            return rc;
    }
    if (!nhandlers)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "must specify a handler type (exec, httpGet, "
                          "tcpSocket or grpc)");
    struct {
        const char *key;
        int32_t *to;
        int32_t def; /* SetDefaults_Probe: for 0 */
    } timing[] = {{"initialDelaySeconds", &p->initial_delay_s, 0},
                  {"periodSeconds", &p->period_s, 10},
                  {"timeoutSeconds", &p->timeout_s, 1},
                  {"successThreshold", &p->success_threshold, 1},
                  {"failureThreshold", &p->failure_threshold, 3}};
    for (size_t i = 0; i < sizeof timing / sizeof timing[0]; i++) {
        if ((v = val(n, timing[i].key)) &&
            (rc = get_int32(l, v, 0, timing[i].to)))
            return rc;
        if (*timing[i].to == 0)
            *timing[i].to = timing[i].def;
    }
    if (liveness && p->success_threshold != 1)
        return ks_yt_fail(&l->c, val(n, "successThreshold"), KS_EINVAL,
                          "must be 1");
    if ((v = val(n, "terminationGracePeriodSeconds"))) {
        int64_t grace;
        if (!liveness)
            return ks_yt_fail(&l->c, v, KS_EINVAL,
                              "must not be set for readinessProbes");
        if ((rc = get_int(l, v, INT64_MIN, INT64_MAX, &grace)))
            return rc;
        if (grace <= 0)
            return ks_yt_fail(&l->c, v, KS_EINVAL, "must be greater than 0");
    }
    return 0;
}

/* A container's readinessProbe or livenessProbe n (absent: NULL): checked
 * always; kept in *out (and *has set) for the first regular container
 * (out not NULL), else listed as not modelled.  An init container may
 * have one only as a sidecar (validateInitContainers). */
static int read_container_probe(ld *l, const ks_yt_node *n, int liveness,
                                int is_init, int restartable, int *has,
                                ks_manifest_probe *out)
{
    ks_manifest_probe scratch;
    if (!n)
        return 0;
    if (is_init && !restartable)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "may not be set for init containers without "
                          "restartPolicy=Always");
    int rc = read_probe(l, n, liveness, out ? out : &scratch);
    if (rc)
        return rc;
    if (out)
        *has = 1;
    else
        warn_unmodelled(l, n);
    return 0;
}

/* One container; keep (not NULL for the pod's first regular container)
 * receives its probes. */
static int read_container(ld *l, const ks_yt_node *n, int is_init,
                          int host_network, ctr *c, ks_pod_spec *spec,
                          ks_manifest_pod *keep)
{
    static const char *const reads[] = {"name", "image", "ports",
                                        "resources", "restartPolicy",
                                        "readinessProbe", "livenessProbe",
                                        NULL};
    static const char *const policies[] = {"Always", "OnFailure", "Never",
                                           NULL};
    const ks_yt_node *name, *v;
    const char *image = NULL;
    int rc;
    if ((rc = check_fields(l, n, &t_container, reads)) ||
        (rc = require(l, n, "name", &name)) ||
        (rc = get_name(l, name, &c->name)) ||
        (rc = get_str(l, val(n, "image"), &image)))
        return rc;
    if ((v = val(n, "restartPolicy"))) {
        int pol;
        if ((rc = get_enum(l, v, "restartPolicy", policies, &pol)))
            return rc;
        c->restartable = is_init && pol == 0;
    }
    if ((rc = read_container_probe(
             l, val(n, "readinessProbe"), 0, is_init, c->restartable,
             keep ? &keep->has_readiness_probe : NULL,
             keep ? &keep->readiness_probe : NULL)) ||
        (rc = read_container_probe(
             l, val(n, "livenessProbe"), 1, is_init, c->restartable,
             keep ? &keep->has_liveness_probe : NULL,
             keep ? &keep->liveness_probe : NULL)))
        return rc;
    if ((v = val(n, "resources")) &&
        (rc = read_requirements_of(l, v, &c->req, &c->lim, NULL)))
        return rc;
    if ((rc = default_requests(l, c)))
        return rc;
    /* Only containers that run for the pod's whole life hold host ports. */
    if ((v = val(n, "ports")) &&
        (rc = read_ports(l, v, host_network, !is_init || c->restartable,
                         spec)))
        return rc;
    spec->images[spec->nimages++] = ks_image_normalize(image ? image : "");
    spec->ncontainers++;
    return 0;
}

/* The containers (or init containers) of a pod; pod (NULL for init
 * containers) keeps the first regular container's probes. */
static int read_containers(ld *l, const ks_yt_node *n, int is_init,
                           int host_network, ctr **out, size_t *nout,
                           ks_pod_spec *spec, ks_manifest_pod *pod)
{
    if (!n)
        return 0;
    int rc = expect_seq(l, n);
    if (rc || !n->n)
        return rc;
    *out = ks_xcalloc(n->n, sizeof **out);
    spec->images = ks_xrealloc(spec->images, (spec->nimages + n->n) *
                                                 sizeof *spec->images);
    *nout = n->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < n->n; i++)
        if ((rc = read_container(l, n->items[i], is_init, host_network,
                                 &(*out)[i], spec, i == 0 ? pod : NULL)))
            return rc;
    return 0;
}

/* ---- PodRequests --------------------------------------------------------- */

static int is_hugepages(const char *name)
{
    return !strncmp(name, "hugepages-", 10);
}

/* IsSupportedPodLevelResource: cpu, memory, hugepages-*. */
static int pod_level_supported(const char *name)
{
    return !strcmp(name, "cpu") || !strcmp(name, "memory") ||
           is_hugepages(name);
}

/* IsOvercommitAllowed: native resources other than hugepages. */
static int overcommit_allowed(const char *name)
{
    int native = !strchr(name, '/') || !strncmp(name, "kubernetes.io/", 14);
    return native && !is_hugepages(name);
}

static int pod_level_requests_set(const pod_res *p)
{
    for (size_t i = 0; i < p->pod_req.n; i++)
        if (pod_level_supported(p->pod_req.items[i].name))
            return 1;
    return 0;
}

/* Which list of a container the aggregation reads. */
typedef enum which { W_SPEC_REQ, W_SPEC_LIM, W_ALLOCATED, W_ACTUATED } which;

/* containerSpecRequests, containerSpecLimits, containerAllocatedRequests,
 * containerActuatedRequests; NULL stands for a nil list. */
static const rl *container_list(const ctr *c, which w, int infeasible)
{
    switch (w) {
    case W_SPEC_REQ:
        return &c->req;
    case W_SPEC_LIM:
        return &c->lim;
    case W_ALLOCATED:
        if (c->allocated.given)
            return &c->allocated;
        return infeasible ? NULL : &c->req;
    case W_ACTUATED:
        if (c->actuated.given)
            return &c->actuated;
        if (c->allocated.given)
            return &c->allocated;
        return infeasible ? NULL : &c->req;
    }
    return NULL;
}

/* applyNonMissing: the container's list plus the defaults for what it
 * does not name (an explicit 0 stays 0). */
static void container_view(const ctr *c, which w, int infeasible,
                           const rl *non_missing, rl *out)
{
    const rl *src = container_list(c, w, infeasible);
    out->n = 0;
    if (src)
        rl_add(out, src);
    for (size_t i = 0; non_missing && i < non_missing->n; i++)
        if (!src || !rl_find(src, non_missing->items[i].name))
            rl_set(out, non_missing->items[i].name,
                   non_missing->items[i].milli, NULL);
}

/* aggregateContainerResourcesByFn: regular containers and sidecars add up;
 * each init container needs its own amount plus the sidecars started
 * before it; the pod needs the larger of the two, per resource. */
static void aggregate(const pod_res *p, which w, const rl *non_missing,
                      rl *out)
{
    int infeasible = (w == W_ALLOCATED || w == W_ACTUATED) &&
                     p->resize_infeasible;
    rl view = {0}, sidecars = {0}, init_max = {0}, use = {0};
    out->n = 0;
    for (size_t i = 0; i < p->nregular; i++) {
        container_view(&p->regular[i], w, infeasible, non_missing, &view);
        rl_add(out, &view);
    }
    for (size_t i = 0; i < p->ninit; i++) {
        container_view(&p->init[i], w, infeasible, non_missing, &view);
        if (p->init[i].restartable) {
            rl_add(out, &view);
            rl_add(&sidecars, &view);
            rl_copy(&use, &sidecars);
        } else {
            rl_copy(&use, &view);
            rl_add(&use, &sidecars);
        }
        rl_max(&init_max, &use);
    }
    rl_max(out, &init_max);
    rl_free(&view);
    rl_free(&sidecars);
    rl_free(&init_max);
    rl_free(&use);
}

/* PodRequests with UseStatusResources (InPlacePodVerticalScaling is GA):
 * per resource the max of the spec, allocated and actuated aggregates
 * (only allocated and actuated while a resize is infeasible), pod-level
 * requests replacing what they name, plus overhead. */
static void pod_requests(const pod_res *p, const rl *non_missing, rl *out)
{
    rl spec = {0}, allocated = {0}, actuated = {0};
    aggregate(p, W_SPEC_REQ, non_missing, &spec);
    aggregate(p, W_ALLOCATED, non_missing, &allocated);
    aggregate(p, W_ACTUATED, non_missing, &actuated);
    out->n = 0;
    if (p->resize_infeasible) {
        rl_add(out, &actuated);
        rl_max(out, &allocated);
    } else {
        rl_add(out, &spec);
        rl_max(out, &actuated);
        rl_max(out, &allocated);
    }
    if (pod_level_requests_set(p))
        for (size_t i = 0; i < p->pod_req.n; i++)
            if (pod_level_supported(p->pod_req.items[i].name))
                rl_set(out, p->pod_req.items[i].name,
                       p->pod_req.items[i].milli, NULL);
    rl_add(out, &p->overhead);
    rl_free(&spec);
    rl_free(&allocated);
    rl_free(&actuated);
}

/* defaultHugePagePodLimits then defaultPodRequests (SetDefaults_Pod, after
 * the container defaults): pod-level hugepage limits come from the
 * containers' limits; pod-level requests from the containers' requests
 * (overcommittable resources) and else from the pod-level limits. */
static void default_pod_level(pod_res *p)
{
    if (!p->has_pod_resources || (!p->pod_lim.n && !p->pod_req.n))
        return;
    rl agg = {0};
    aggregate(p, W_SPEC_LIM, NULL, &agg);
    for (size_t i = 0; i < agg.n; i++) {
        const rl_item *it = &agg.items[i];
        if (!is_hugepages(it->name) || rl_find(&p->pod_req, it->name) ||
            rl_find(&p->pod_lim, it->name))
            continue;
        rl_set(&p->pod_lim, it->name, it->milli, NULL);
    }
    if (p->pod_lim.n) {
        aggregate(p, W_SPEC_REQ, NULL, &agg);
        for (size_t i = 0; i < agg.n; i++) {
            const rl_item *it = &agg.items[i];
            if (!rl_find(&p->pod_req, it->name) &&
                pod_level_supported(it->name) && overcommit_allowed(it->name))
                rl_set(&p->pod_req, it->name, it->milli, NULL);
        }
        for (size_t i = 0; i < p->pod_lim.n; i++) {
            const rl_item *it = &p->pod_lim.items[i];
            if (!rl_find(&p->pod_req, it->name) &&
                pod_level_supported(it->name))
                rl_set(&p->pod_req, it->name, it->milli, NULL);
        }
    }
    rl_free(&agg);
}

/* PodInfo.calculateResource: the requests, and the non-zero view where
 * each container missing a cpu / memory request counts 100m / 200Mi
 * (with pod-level requests, only for what neither level sets). */
static void effective_requests(pod_res *p, ks_manifest_pod *pod)
{
    rl req = {0}, non_missing = {0}, non0 = {0};
    default_pod_level(p);
    pod_requests(p, NULL, &req);
    int pod_level = pod_level_requests_set(p);
    if (!pod_level || !rl_find(&req, "cpu"))
        rl_set(&non_missing, "cpu", DEFAULT_MILLI_CPU_REQUEST, NULL);
    if (!pod_level || !rl_find(&req, "memory"))
        rl_set(&non_missing, "memory", DEFAULT_MEMORY_REQUEST * MILLI, NULL);
    if (non_missing.n)
        pod_requests(p, &non_missing, &non0);
    else
        rl_copy(&non0, &req);
    rl_export(&req, &pod->requests, &pod->nrequests);
    const rl_item *cpu = rl_find(&non0, "cpu"), *mem = rl_find(&non0, "memory");
    pod->nonzero_requests = ks_xcalloc(2, sizeof *pod->nonzero_requests);
    pod->nonzero_requests[0].name = ks_xstrdup("cpu");
    pod->nonzero_requests[0].value = cpu ? cpu->milli : 0;
    pod->nonzero_requests[1].name = ks_xstrdup("memory");
    pod->nonzero_requests[1].value =
        mem ? to_scheduler_units("memory", mem->milli) : 0;
    pod->nnonzero_requests = 2;
    rl_free(&req);
    rl_free(&non_missing);
    rl_free(&non0);
}

/* ---- pod status -----------------------------------------------------------
 */

static ctr *find_ctr(pod_res *p, const char *name)
{
    for (size_t i = 0; i < p->nregular; i++)
        if (!strcmp(p->regular[i].name, name))
            return &p->regular[i];
    for (size_t i = 0; i < p->ninit; i++)
        if (!strcmp(p->init[i].name, name))
            return &p->init[i];
    return NULL;
}

/* status.containerStatuses / initContainerStatuses: the resize state
 * (allocatedResources, resources.requests) of the container of that name;
 * the first status naming a container wins, as findContainerStatus. */
static int read_container_statuses(ld *l, const ks_yt_node *n, pod_res *p)
{
    if (!n)
        return 0;
    int rc = expect_seq(l, n);
    for (size_t i = 0; !rc && i < n->n; i++) {
        const ks_yt_node *s = n->items[i], *name, *v;
        const char *cname;
        if ((rc = check_fields(l, s, &t_container_status, NULL)) ||
            (rc = require(l, s, "name", &name)) ||
            (rc = get_name(l, name, &cname)))
            return rc;
        ctr *c = find_ctr(p, cname);
        rl alloc = {0}, act = {0};
        if ((v = val(s, "allocatedResources")))
            rc = read_resource_list(l, v, &alloc);
        if (!rc && (v = val(s, "resources")) &&
            !(rc = check_fields(l, v, &t_status_requirements, NULL)))
            rc = read_resource_list(l, val(v, "requests"), &act);
        if (!rc && c && !c->has_status) {
            c->has_status = 1;
            c->allocated = alloc;
            c->actuated = act;
        } else {
            rl_free(&alloc);
            rl_free(&act);
        }
    }
    return rc;
}

static int read_conditions(ld *l, const ks_yt_node *n, pod_res *p)
{
    if (!n)
        return 0;
    int rc = expect_seq(l, n);
    for (size_t i = 0; !rc && i < n->n; i++) {
        const ks_yt_node *c = n->items[i];
        const char *type = NULL, *reason = NULL;
        if ((rc = check_fields(l, c, &t_pod_condition, NULL)) ||
            (rc = get_str(l, val(c, "type"), &type)) ||
            (rc = get_str(l, val(c, "reason"), &reason)))
            return rc;
        /* IsPodResizeInfeasible looks at the first such condition. */
        if (type && !strcmp(type, "PodResizePending")) {
            p->resize_infeasible = reason && !strcmp(reason, "Infeasible");
            return 0;
        }
    }
    return rc;
}

static int read_pod_status(ld *l, const ks_yt_node *n, pod_res *p,
                           ks_manifest_pod *pod)
{
    static const char *const reads[] = {"phase", NULL};
    int rc = check_fields(l, n, &t_pod_status, reads);
    if (!rc)
        rc = dup_str(l, val(n, "phase"), &pod->phase);
    if (!rc)
        rc = read_conditions(l, val(n, "conditions"), p);
    if (!rc)
        rc = read_container_statuses(l, val(n, "containerStatuses"), p);
    if (!rc)
        rc = read_container_statuses(l, val(n, "initContainerStatuses"), p);
    return rc;
}

/* ---- the pod spec ---------------------------------------------------------
 */

static int read_pod_level_resources(ld *l, const ks_yt_node *n, pod_res *p)
{
    return read_requirements_of(l, n, &p->pod_req, &p->pod_lim,
                                &p->has_pod_resources);
}

/* Reads spec (a PodSpec) and status (may be NULL) into pod: its ks_pod_spec,
 * scheduling fields and effective requests.  namespace and labels come
 * from the caller's metadata. */
static int read_pod(ld *l, const ks_yt_node *spec_node,
                    const ks_yt_node *status, ks_manifest_pod *pod)
{
    static const char *const reads[] = {
        "affinity", "containers", "hostNetwork", "initContainers",
        "nodeName", "nodeSelector", "overhead", "preemptionPolicy",
        "priority", "priorityClassName", "resources", "restartPolicy",
        "schedulerName", "terminationGracePeriodSeconds", "tolerations",
        "topologySpreadConstraints", NULL};
    static const char *const preemption[] = {"PreemptLowerPriority", "Never",
                                             NULL};
    /* In ks_manifest_restart_policy order; "" is the zero value, which
     * SetDefaults_PodSpec turns into Always. */
    static const char *const restart[] = {"Always", "OnFailure", "Never", "",
                                          NULL};
    ks_pod_spec *spec = pod->spec;
    pod_res p = {0};
    const ks_yt_node *containers, *v;
    const char *image = NULL;
    int host_network = 0, rc;
    if ((rc = check_fields(l, spec_node, &t_pod_spec, reads)) ||
        (rc = require(l, spec_node, "containers", &containers)) ||
        (rc = get_bool(l, val(spec_node, "hostNetwork"), &host_network)) ||
        (rc = read_containers(l, val(spec_node, "initContainers"), 1,
                              host_network, &p.init, &p.ninit, spec,
                              NULL)) ||
        (rc = read_containers(l, containers, 0, host_network, &p.regular,
                              &p.nregular, spec, pod)) ||
        (rc = dup_str(l, val(spec_node, "nodeName"), &spec->node_name)) ||
        (rc = read_string_map(l, val(spec_node, "nodeSelector"),
                              &spec->node_selector)) ||
        (rc = dup_str(l, val(spec_node, "schedulerName"),
                      &spec->scheduler_name)) ||
        (rc = dup_str(l, val(spec_node, "priorityClassName"),
                      &pod->priority_class_name)) ||
        (rc = read_resource_list(l, val(spec_node, "overhead"), &p.overhead)))
        goto out;
    if (!p.nregular) {
        rc = ks_yt_fail(&l->c, containers, KS_EINVAL,
                        "a pod needs at least one container");
        goto out;
    }
    /* The image the kubelet pulls for the pod's (one modelled) container;
     * read_container already checked the field. */
    if ((rc = get_str(l, val(containers->items[0], "image"), &image)))
        goto out;
    if (image && *image)
        pod->image = ks_xstrdup(image);
    if ((v = val(spec_node, "restartPolicy"))) {
        int pol;
        if ((rc = get_enum(l, v, "restartPolicy", restart, &pol)))
            goto out;
        pod->has_restart_policy = 1;
        pod->restart_policy = pol == 3 ? KS_MANIFEST_RESTART_ALWAYS
                                       : (ks_manifest_restart_policy)pol;
    }
    /* SetDefaults_PodSpec; seconds that fit in ks_time nanoseconds.  (The
     * API server takes a negative period and treats it as 1 s; a written
     * negative grace period is a mistake, refused here.) */
    pod->termination_grace_s = DEFAULT_TERMINATION_GRACE_S;
    if ((v = val(spec_node, "terminationGracePeriodSeconds"))) {
        if ((rc = get_int(l, v, 0, INT64_MAX / 1000000000,
                          &pod->termination_grace_s)))
            goto out;
        pod->has_termination_grace = 1;
    }
    if ((v = val(spec_node, "resources")) &&
        (rc = read_pod_level_resources(l, v, &p)))
        goto out;
    if ((v = val(spec_node, "affinity")) && (rc = read_affinity(l, v, spec)))
        goto out;
    if ((v = val(spec_node, "tolerations")) &&
        (rc = read_tolerations(l, v, spec)))
        goto out;
    if ((v = val(spec_node, "topologySpreadConstraints")) &&
        (rc = read_spread(l, v, spec)))
        goto out;
    if ((v = val(spec_node, "priority"))) {
        if ((rc = get_int32(l, v, INT32_MIN, &pod->priority)))
            goto out;
        pod->has_priority = 1;
        spec->priority = pod->priority;
    }
    if ((v = val(spec_node, "preemptionPolicy"))) {
        int pol;
        if ((rc = get_enum(l, v, "preemptionPolicy", preemption, &pol)))
            goto out;
        pod->has_preemption_policy = 1;
        spec->preemption_never = pol == 1;
    }
    if (status && (rc = read_pod_status(l, status, &p, pod)))
        goto out;
    /* "" is the Go zero value: unset. */
    if (spec->node_name && !*spec->node_name) {
        free(spec->node_name);
        spec->node_name = NULL;
    }
    if (spec->scheduler_name && !*spec->scheduler_name) {
        free(spec->scheduler_name);
        spec->scheduler_name = NULL;
    }
    if (spec->node_name)
        pod->node_name = ks_xstrdup(spec->node_name);
    pod->host_network = host_network;
    /* The kubelet models a hang through the liveness probe only. */
    if (pod->has_unhealthy_after && !pod->has_liveness_probe) {
        char text[300];
        snprintf(text, sizeof text,
                 "%s " KS_ANNOTATION_UNHEALTHY_AFTER " without a "
                 "livenessProbe on the first container: no effect (a hang "
                 "is modelled only with a liveness probe)",
                 l->kind);
        add_warning(l, text);
    }
    effective_requests(&p, pod);
out:
    pod_res_free(&p);
    return rc;
}

/* ---- metadata --------------------------------------------------------------
 */

typedef struct meta {
    const char *name, *namespace_name;
    const ks_yt_node *labels;
    const ks_yt_node *owners;
    const ks_yt_node *annotations;
} meta;

/* Reads metadata (required unless optional) with the keys in reads
 * handled by the caller. */
static int read_meta(ld *l, const ks_yt_node *obj, const char *const *reads,
                     int optional, meta *m)
{
    const ks_yt_node *md = val(obj, "metadata"), *name;
    memset(m, 0, sizeof *m);
    if (!md)
        return optional ? 0 : ks_yt_fail_missing(&l->c, obj, "metadata");
    int rc = check_fields(l, md, &t_object_meta, reads);
    if (rc)
        return rc;
    if (!optional && ((rc = require(l, md, "name", &name)) ||
                      (rc = get_name(l, name, &m->name))))
        return rc;
    if ((rc = get_str(l, val(md, "namespace"), &m->namespace_name)))
        return rc;
    if (m->namespace_name && !*m->namespace_name)
        m->namespace_name = NULL;
    m->labels = val(md, "labels");
    m->owners = val(md, "ownerReferences");
    m->annotations = val(md, "annotations");
    return 0;
}

/* ---- ksim.io/ annotations ----------------------------------------------------
 */

static const field_def ksim_annotation_fields[] = {
    {KS_ANNOTATION_RUN_TIME, 0}, {KS_ANNOTATION_IMAGE_SIZE, 0},
    {KS_ANNOTATION_CRASH_AFTER, 0}, {KS_ANNOTATION_CPU_PER_REQUEST, 0},
    {KS_ANNOTATION_CPU_BASE, 0}, {KS_ANNOTATION_UNHEALTHY_AFTER, 0},
    {KS_ANNOTATION_IGNORES_SIGTERM, 0}, {NULL, 0}};
static const type_def t_ksim_annotations = {"ksim annotations",
                                          ksim_annotation_fields};

/* An annotation value that is a Go duration (sim/duration.h): >= 0, or
 * > 0 when positive. */
static int annotation_duration(ld *l, const ks_yt_node *n, int positive,
                               int64_t *out)
{
    char q[96];
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    if (!s || !*s)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "needs a duration such as \"90s\" or \"5m\"");
    int64_t ns;
    rc = ks_duration_parse(s, &ns);
    if (rc == KS_ERANGE)
        return ks_yt_fail(&l->c, n, KS_ERANGE,
                          "duration %s is too long (at most about 292 "
                          "years)",
                          QUOTED(s, q));
    if (rc)
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "invalid duration %s (expected a Go duration such "
                          "as \"90s\", \"5m\" or \"1h30m\")",
                          QUOTED(s, q));
    if (ns < 0 || (positive && ns == 0))
        return ks_yt_fail(&l->c, n, KS_ERANGE, "must be %s, got %s",
                          positive ? "greater than 0" : "0 or more",
                          QUOTED(s, q));
    *out = ns;
    return 0;
}

/* An annotation value that is a quantity of bytes (sim/quantity.h), >= 0. */
static int annotation_bytes(ld *l, const ks_yt_node *n, int64_t *out)
{
    char q[96];
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    if (!s || !*s)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "needs a quantity of bytes such as \"300Mi\"");
    int64_t v;
    rc = ks_quantity_parse(s, 0, &v);
    if (rc == KS_ERANGE)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "quantity %s is too large",
                          QUOTED(s, q));
    if (rc)
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "invalid quantity %s (expected bytes such as "
                          "\"300Mi\", \"1.5Gi\" or \"500M\")",
                          QUOTED(s, q));
    if (v < 0)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "must not be negative, got %s",
                          QUOTED(s, q));
    *out = v;
    return 0;
}

/* An annotation value that is a CPU quantity (sim/quantity.h) in
 * millicores, >= 0. */
static int annotation_cpu(ld *l, const ks_yt_node *n, int64_t *out)
{
    char q[96];
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    if (!s || !*s)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "needs a CPU quantity such as \"5m\" or \"0.1\"");
    int64_t v;
    rc = ks_quantity_parse(s, 3, &v);
    if (rc == KS_ERANGE)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "quantity %s is too large",
                          QUOTED(s, q));
    if (rc)
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "invalid quantity %s (expected CPU such as \"5m\", "
                          "\"0.1\" or \"1\")",
                          QUOTED(s, q));
    if (v < 0)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "must not be negative, got %s",
                          QUOTED(s, q));
    *out = v;
    return 0;
}

/* An annotation value that is "true" or "false". */
static int annotation_bool(ld *l, const ks_yt_node *n, int *out)
{
    char q[96];
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    if (s && !strcmp(s, "true"))
        *out = 1;
    else if (s && !strcmp(s, "false"))
        *out = 0;
    else
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "must be \"true\" or \"false\", got %s",
                          QUOTED(s ? s : "", q));
    return 0;
}

/* metadata.annotations of a pod or pod template: the ksim.io/ keys are
 * read (another key under ksim.io/ is an error, likely a typo); any other
 * annotation makes the usual "not modelled" warning. */
static int read_annotations(ld *l, const ks_yt_node *n, ks_manifest_pod *pod)
{
    if (!n)
        return 0;
    int rc = ks_yt_expect(&l->c, n, KS_YT_MAPPING);
    if (rc)
        return rc;
    int others = 0;
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *v = n->items[i];
        const char *key = v->key->text;
        if (strncmp(key, "ksim.io/", 8) != 0) {
            others = 1;
            continue;
        }
        if (!strcmp(key, KS_ANNOTATION_RUN_TIME)) {
            rc = annotation_duration(l, v, 0, &pod->run_time_ns);
            pod->has_run_time = !rc;
        } else if (!strcmp(key, KS_ANNOTATION_IMAGE_SIZE)) {
            rc = annotation_bytes(l, v, &pod->image_size);
            pod->has_image_size = !rc;
        } else if (!strcmp(key, KS_ANNOTATION_CRASH_AFTER)) {
            rc = annotation_duration(l, v, 1, &pod->crash_after_ns);
            pod->has_crash_after = !rc;
        } else if (!strcmp(key, KS_ANNOTATION_CPU_PER_REQUEST)) {
            rc = annotation_duration(l, v, 0, &pod->cpu_per_request_ns);
            pod->has_cpu_per_request = !rc;
        } else if (!strcmp(key, KS_ANNOTATION_CPU_BASE)) {
            rc = annotation_cpu(l, v, &pod->cpu_base_milli);
            pod->has_cpu_base = !rc;
        } else if (!strcmp(key, KS_ANNOTATION_UNHEALTHY_AFTER)) {
            rc = annotation_duration(l, v, 1, &pod->unhealthy_after_ns);
            pod->has_unhealthy_after = !rc;
        } else if (!strcmp(key, KS_ANNOTATION_IGNORES_SIGTERM)) {
            rc = annotation_bool(l, v, &pod->ignores_sigterm);
        } else {
            char q[96], hint[160] = "";
            const char *near = closest_field(&t_ksim_annotations, key);
            if (near)
                snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", near);
            rc = ks_yt_fail_key(&l->c, v, KS_EINVAL,
                                "unknown ksim annotation %s%s; ksim reads "
                                "%s, %s, %s, %s, %s, %s and %s",
                                QUOTED(key, q), hint, KS_ANNOTATION_RUN_TIME,
                                KS_ANNOTATION_IMAGE_SIZE,
                                KS_ANNOTATION_CRASH_AFTER,
                                KS_ANNOTATION_CPU_PER_REQUEST,
                                KS_ANNOTATION_CPU_BASE,
                                KS_ANNOTATION_UNHEALTHY_AFTER,
                                KS_ANNOTATION_IGNORES_SIGTERM);
        }
        if (rc)
            return rc;
    }
    if (others)
        warn_unmodelled(l, n);
    return 0;
}

/* The controller among the owner references (controller: true):
 * metav1.GetControllerOf, the first one.  api (may be NULL) receives its
 * apiVersion. */
static int read_owner(ld *l, const ks_yt_node *n, char **api,
                      char **owner_kind, char **owner_name)
{
    static const char *const reads[] = {"apiVersion", "kind", "name",
                                        "controller", NULL};
    if (!n)
        return 0;
    int rc = expect_seq(l, n);
    for (size_t i = 0; !rc && i < n->n; i++) {
        const ks_yt_node *o = n->items[i], *kind, *name;
        int controller = 0;
        if ((rc = check_fields(l, o, &t_owner_reference, reads)) ||
            (rc = require(l, o, "kind", &kind)) ||
            (rc = require(l, o, "name", &name)) ||
            (rc = get_bool(l, val(o, "controller"), &controller)))
            return rc;
        if (!controller || *owner_kind)
            continue;
        if (!(rc = dup_str(l, kind, owner_kind)) &&
            !(rc = dup_str(l, name, owner_name)) && api)
            rc = dup_str(l, val(o, "apiVersion"), api);
    }
    return rc;
}

/* ---- objects ----------------------------------------------------------------
 */

/* The top-level fields of an object of kind (a compound literal: lives
 * for the enclosing block). */
#define OBJECT_TYPE(kind) (&(type_def){(kind), object_fields})

static void set_place(const ks_yt_node *obj, const ld *l, const char **file,
                      int *line, int *col)
{
    *file = l->file;
    *line = obj->line;
    *col = obj->col;
}

static int load_node(ld *l, const ks_yt_node *obj)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "spec", "status", NULL};
    static const char *const meta_reads[] = {"name", "namespace", "labels",
                                             NULL};
    static const char *const spec_reads[] = {"taints", "unschedulable", NULL};
    static const char *const status_reads[] = {"allocatable", "capacity",
                                               "images", NULL};
    static const char *const image_reads[] = {"names", "sizeBytes", NULL};
    ks_manifests *m = l->out;
    m->nodes = ks_xgrow(m->nodes, &l->cap.nodes, m->nnodes + 1,
                        sizeof *m->nodes);
    ks_manifest_node *node = &m->nodes[m->nnodes++];
    memset(node, 0, sizeof *node);
    set_place(obj, l, &node->file, &node->line, &node->col);
    meta md;
    const ks_yt_node *spec = val(obj, "spec"), *status = val(obj, "status"), *v;
    int rc;
    if ((rc = check_fields(l, obj, OBJECT_TYPE("Node"), reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)) ||
        (rc = read_string_map(l, md.labels, &node->info.labels)))
        return rc;
    node->name = ks_xstrdup(md.name);
    if (spec) {
        if ((rc = check_fields(l, spec, &t_node_spec, spec_reads)) ||
            (rc = get_bool(l, val(spec, "unschedulable"),
                           &node->info.unschedulable)))
            return rc;
        if ((v = val(spec, "taints")) && (rc = read_taints(l, v, &node->info)))
            return rc;
    }
    if (!status)
        return 0;
    if ((rc = check_fields(l, status, &t_node_status, status_reads)))
        return rc;
    if ((v = val(status, "capacity")) &&
        (rc = read_node_resources(l, v, &node->capacity, &node->ncapacity)))
        return rc;
    if ((v = val(status, "allocatable")) &&
        (rc = read_node_resources(l, v, &node->allocatable,
                                  &node->nallocatable)))
        return rc;
    /* SetDefaults_NodeStatus: no allocatable means all of capacity. */
    if (!v && node->ncapacity) {
        node->allocatable = ks_xcalloc(node->ncapacity,
                                       sizeof *node->allocatable);
        for (size_t i = 0; i < node->ncapacity; i++) {
            node->allocatable[i].name = ks_xstrdup(node->capacity[i].name);
            node->allocatable[i].value = node->capacity[i].value;
        }
        node->nallocatable = node->ncapacity;
    }
    if (!(v = val(status, "images")))
        return 0;
    if ((rc = expect_seq(l, v)) || !v->n)
        return rc;
    ks_node_info *info = &node->info;
    info->images = ks_xcalloc(v->n, sizeof *info->images);
    info->nimages = v->n; /* zeroed: freeing all is safe */
    for (size_t i = 0; i < v->n; i++) {
        const ks_yt_node *img = v->items[i], *size;
        if ((rc = check_fields(l, img, &t_container_image, image_reads)) ||
            (rc = read_string_list(l, val(img, "names"),
                                   &info->images[i].names,
                                   &info->images[i].nnames)))
            return rc;
        if ((size = val(img, "sizeBytes")) &&
            (rc = get_int(l, size, 0, INT64_MAX, &info->images[i].size_bytes)))
            return rc;
    }
    return 0;
}

/* A fresh pod in the result, its spec allocated for a cluster to adopt. */
static ks_manifest_pod *new_pod(ld *l, const ks_yt_node *obj)
{
    ks_manifests *m = l->out;
    m->pods = ks_xgrow(m->pods, &l->cap.pods, m->npods + 1, sizeof *m->pods);
    ks_manifest_pod *pod = &m->pods[m->npods++];
    memset(pod, 0, sizeof *pod);
    pod->spec = ks_xcalloc(1, sizeof *pod->spec);
    set_place(obj, l, &pod->file, &pod->line, &pod->col);
    return pod;
}

static int load_pod(ld *l, const ks_yt_node *obj)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "spec", "status", NULL};
    static const char *const meta_reads[] = {"name", "namespace", "labels",
                                             "ownerReferences", "annotations",
                                             NULL};
    ks_manifest_pod *pod = new_pod(l, obj);
    const ks_yt_node *spec;
    meta md;
    int rc;
    if ((rc = check_fields(l, obj, OBJECT_TYPE("Pod"), reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)) ||
        (rc = require(l, obj, "spec", &spec)))
        return rc;
    pod->name = ks_xstrdup(md.name);
    if (md.namespace_name)
        pod->spec->namespace_name = ks_xstrdup(md.namespace_name);
    if ((rc = read_string_map(l, md.labels, &pod->spec->labels)) ||
        (rc = read_annotations(l, md.annotations, pod)) ||
        (rc = read_owner(l, md.owners, &pod->owner_api_version,
                         &pod->owner_kind, &pod->owner_name)))
        return rc;
    return read_pod(l, spec, val(obj, "status"), pod);
}

static int load_priority_class(ld *l, const ks_yt_node *obj)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "value", "globalDefault",
                                        "preemptionPolicy", NULL};
    static const char *const meta_reads[] = {"name", "namespace", NULL};
    static const char *const preemption[] = {"PreemptLowerPriority", "Never",
                                             NULL};
    ks_manifests *m = l->out;
    m->priority_classes = ks_xgrow(m->priority_classes, &l->cap.classes,
                                   m->npriority_classes + 1,
                                   sizeof *m->priority_classes);
    ks_manifest_priority_class *pc =
        &m->priority_classes[m->npriority_classes++];
    memset(pc, 0, sizeof *pc);
    set_place(obj, l, &pc->file, &pc->line, &pc->col);
    const ks_yt_node *value, *v;
    meta md;
    int rc, pol;
    if ((rc = check_fields(l, obj, &t_priority_class_type, reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)) ||
        (rc = require(l, obj, "value", &value)) ||
        (rc = get_int32(l, value, INT32_MIN, &pc->value)) ||
        (rc = get_bool(l, val(obj, "globalDefault"), &pc->global_default)))
        return rc;
    pc->name = ks_xstrdup(md.name);
    if ((v = val(obj, "preemptionPolicy"))) {
        if ((rc = get_enum(l, v, "preemptionPolicy", preemption, &pol)))
            return rc;
        pc->preemption_never = pol == 1;
    }
    /* The API server creates the two system classes itself and reserves
     * the prefix; user classes stay at or below HighestUserDefinablePriority.
     */
    int32_t system = !strcmp(pc->name, "system-node-critical")
                         ? SYSTEM_NODE_CRITICAL
                     : !strcmp(pc->name, "system-cluster-critical")
                         ? SYSTEM_CLUSTER_CRITICAL
                         : 0;
    char q[96];
    if (system && pc->value != system)
        return ks_yt_fail(&l->c, value, KS_EINVAL,
                          "the system class %s has the value %d",
                          QUOTED(pc->name, q), system);
    if (!system && !strncmp(pc->name, "system-", 7))
        return ks_yt_fail(&l->c, val(obj, "metadata"), KS_EINVAL,
                          "priority class names with the \"system-\" prefix "
                          "are reserved for the system");
    if (!system && pc->value > HIGHEST_USER_PRIORITY)
        return ks_yt_fail(&l->c, value, KS_ERANGE,
                          "maximum allowed value of a user defined priority "
                          "is %d",
                          HIGHEST_USER_PRIORITY);
    return 0;
}

/* An IntOrString of a PodDisruptionBudget: an integer >= 0 or "N%". */
static int read_int_or_percent(ld *l, const ks_yt_node *n,
                               ks_manifest_int_or_percent *out)
{
    char q[96];
    if (!n)
        return 0;
    out->set = 1;
    if (n->kind == KS_YT_SCALAR && !n->quoted &&
        classify_plain(n->text) == Y11_INT)
        return get_int32(l, n, 0, &out->value);
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    size_t len = strlen(s);
    int64_t v;
    if (len < 2 || s[len - 1] != '%' || len > 12) {
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "must be an integer or percentage (e.g '5%%'), "
                          "got %s",
                          QUOTED(s, q));
    }
    char digits[16];
    memcpy(digits, s, len - 1);
    digits[len - 1] = '\0';
    if (strspn(digits, "0123456789") != len - 1 ||
        parse_integral(digits, &v) || v > 100)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "must be an integer or a percentage between 0%% "
                          "and 100%%, got %s",
                          QUOTED(s, q));
    out->is_percent = 1;
    out->value = (int32_t)v;
    return 0;
}

static int load_pdb(ld *l, const ks_yt_node *obj)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "spec", NULL};
    static const char *const meta_reads[] = {"name", "namespace", NULL};
    static const char *const spec_reads[] = {"selector", "minAvailable",
                                             "maxUnavailable", NULL};
    ks_manifests *m = l->out;
    m->pdbs = ks_xgrow(m->pdbs, &l->cap.pdbs, m->npdbs + 1, sizeof *m->pdbs);
    ks_manifest_pdb *pdb = &m->pdbs[m->npdbs++];
    memset(pdb, 0, sizeof *pdb);
    set_place(obj, l, &pdb->file, &pdb->line, &pdb->col);
    const ks_yt_node *spec;
    meta md;
    int rc;
    if ((rc = check_fields(l, obj, OBJECT_TYPE("PodDisruptionBudget"),
                           reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)))
        return rc;
    pdb->name = ks_xstrdup(md.name);
    if (md.namespace_name)
        pdb->namespace_name = ks_xstrdup(md.namespace_name);
    if (!(spec = val(obj, "spec")))
        return 0;
    if ((rc = check_fields(l, spec, &t_pdb_spec, spec_reads)) ||
        (rc = read_optional_selector(l, val(spec, "selector"),
                                     &pdb->has_selector, &pdb->selector)) ||
        (rc = read_int_or_percent(l, val(spec, "minAvailable"),
                                  &pdb->min_available)) ||
        (rc = read_int_or_percent(l, val(spec, "maxUnavailable"),
                                  &pdb->max_unavailable)))
        return rc;
    if (pdb->min_available.set && pdb->max_unavailable.set)
        return ks_yt_fail(&l->c, val(spec, "maxUnavailable"), KS_EINVAL,
                          "minAvailable and maxUnavailable cannot be both "
                          "set");
    return 0;
}

/* ---- workloads
 * ---------------------------------------------------------------- */

typedef enum selector_kind {
    SELECTOR_NOT_READ = 0,
    SELECTOR_LABEL_SELECTOR, /* apps/v1: a metav1.LabelSelector */
    SELECTOR_MAP             /* v1 ReplicationController: map[string]string */
} selector_kind;

/* The spec fields each kind's reader handles. */
static const char *const deployment_reads[] = {
    "replicas", "template", "selector", "minReadySeconds", "paused",
    "progressDeadlineSeconds", "revisionHistoryLimit", "strategy", NULL};
static const char *const replica_set_reads[] = {
    "replicas", "template", "selector", "minReadySeconds", NULL};
static const char *const selector_reads[] = {"replicas", "template",
                                             "selector", NULL};
static const char *const daemon_set_reads[] = {
    "template", "selector", "minReadySeconds", "updateStrategy", NULL};
static const char *const job_reads[] = {
    "replicas", "template", "parallelism", "completions", "backoffLimit",
    "activeDeadlineSeconds", NULL};

typedef struct workload_def {
    const char *kind;
    const field_def *spec_fields;
    selector_kind selector;
    const char *const *spec_reads;
} workload_def;

static const workload_def workloads[] = {
    {"Deployment", deployment_spec_fields, SELECTOR_LABEL_SELECTOR,
     deployment_reads},
    {"ReplicaSet", replica_set_spec_fields, SELECTOR_LABEL_SELECTOR,
     replica_set_reads},
    {"StatefulSet", stateful_set_spec_fields, SELECTOR_LABEL_SELECTOR,
     selector_reads},
    {"DaemonSet", daemon_set_spec_fields, SELECTOR_LABEL_SELECTOR,
     daemon_set_reads},
    {"Job", job_spec_fields, SELECTOR_NOT_READ, job_reads},
    {"ReplicationController", replication_controller_spec_fields,
     SELECTOR_MAP, selector_reads},
    {NULL, NULL, SELECTOR_NOT_READ, NULL}};

/* Reads a PodTemplateSpec's metadata (labels; the namespace when own_ns,
 * else ns) and spec into pod; *labels_at gets the node of its labels, or
 * of the template when it has none (for selector errors). */
static int read_template(ld *l, const ks_yt_node *n, const char *ns,
                         int own_ns, ks_manifest_pod *pod,
                         const ks_yt_node **labels_at)
{
    /* A template's name and namespace are ignored by the controllers. */
    static const char *const meta_reads[] = {"name", "namespace", "labels",
                                             "annotations", NULL};
    const ks_yt_node *spec;
    meta md;
    int rc;
    if ((rc = read_meta(l, n, meta_reads, 1, &md)) ||
        (rc = require(l, n, "spec", &spec)))
        return rc;
    if (own_ns)
        ns = md.namespace_name;
    if (ns)
        pod->spec->namespace_name = ks_xstrdup(ns);
    if (labels_at)
        *labels_at = md.labels ? md.labels : n;
    if ((rc = read_string_map(l, md.labels, &pod->spec->labels)) ||
        (rc = read_annotations(l, md.annotations, pod)))
        return rc;
    return read_pod(l, spec, NULL, pod);
}

/* labels.NewRequirement's checks for a LabelSelector (what
 * metav1.LabelSelectorAsSelector and apps validation refuse): valid label
 * keys and values, values for In and NotIn, none for Exists and
 * DoesNotExist.  The node-selector term check applies the same rules. */
static int label_selector_valid(const ks_label_selector *sel)
{
    for (size_t i = 0; i < sel->match_labels.n; i++) {
        char *values[1] = {sel->match_labels.items[i].value};
        ks_requirement r = {sel->match_labels.items[i].key, KS_OP_IN, values,
                            1};
        ks_node_selector_term t = {&r, 1, NULL, 0};
        if (!ks_node_selector_term_parses(&t))
            return 0;
    }
    for (size_t i = 0; i < sel->nexpressions; i++) {
        ks_requirement r = sel->match_expressions[i];
        ks_node_selector_term t = {&r, 1, NULL, 0};
        if (!ks_node_selector_term_parses(&t))
            return 0;
    }
    return 1;
}

/* The API server's check of a workload's selector against its template
 * (apps validation ValidateDeploymentSpec & co., core validation of a
 * ReplicationController): non-empty, valid, and matching the template's
 * labels. */
static int check_selector(ld *l, const workload_def *w,
                          const ks_manifest_template *t,
                          const ks_yt_node *sel_node,
                          const ks_yt_node *labels_at)
{
    char kind[48];
    size_t i = 0;
    for (; w->kind[i] && i + 1 < sizeof kind; i++)
        kind[i] = (char)(w->kind[i] >= 'A' && w->kind[i] <= 'Z'
                             ? w->kind[i] - 'A' + 'a'
                             : w->kind[i]);
    kind[i] = '\0';
    /* The API server's ReplicaSet validation says "deployment" too. */
    if (!strcmp(kind, "replicaset"))
        snprintf(kind, sizeof kind, "deployment");
    const ks_label_selector *sel = &t->selector;
    if (sel->match_labels.n == 0 && sel->nexpressions == 0)
        return ks_yt_fail(&l->c, sel_node, KS_EINVAL,
                          "empty selector is invalid for %s", kind);
    if (!label_selector_valid(sel))
        return ks_yt_fail(&l->c, sel_node, KS_EINVAL,
                          "invalid label selector (keys and values must be "
                          "valid label names; In and NotIn need values, "
                          "Exists and DoesNotExist take none)");
    if (!ks_label_selector_matches(sel, &t->pod.spec->labels))
        return ks_yt_fail(&l->c, labels_at, KS_EINVAL,
                          "selector does not match template `labels`");
    return 0;
}

/* The pod-template-hash ksim gives a Deployment's ReplicaSet (see
 * manifests.h): FNV-32a of "namespace/name", printed in decimal and each
 * digit mapped through SafeEncodeString's alphabet. */
static char *template_hash(const char *ns, const char *name)
{
    static const char alphanums[] = "bcdfghjklmnpqrstvwxz2456789";
    uint32_t h = 2166136261u;
    char *key = ks_xasprintf("%s/%s", ns ? ns : "default", name);
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    free(key);
    char digits[16];
    snprintf(digits, sizeof digits, "%u", (unsigned)h);
    for (char *p = digits; *p; p++)
        *p = alphanums[(unsigned char)*p % (sizeof alphanums - 1)];
    return ks_xstrdup(digits);
}

/* spec.selector of a workload, checked against its template. */
static int read_workload_selector(ld *l, const ks_yt_node *spec,
                                  const workload_def *w,
                                  ks_manifest_template *t,
                                  const ks_yt_node *labels_at)
{
    const ks_yt_node *sel = val(spec, "selector");
    int rc;
    switch (w->selector) {
    case SELECTOR_NOT_READ:
        return 0;
    case SELECTOR_LABEL_SELECTOR:
        if (!sel)
            return 0;
        if ((rc = read_optional_selector(l, sel, &t->has_selector,
                                         &t->selector)))
            return rc;
        return check_selector(l, w, t, sel, labels_at);
    case SELECTOR_MAP:
        if ((rc = read_string_map(l, sel, &t->selector.match_labels)))
            return rc;
        /* SetDefaults_ReplicationController: an empty selector is the
         * template's labels. */
        if (t->selector.match_labels.n == 0) {
            const ks_labels *tl = &t->pod.spec->labels;
            for (size_t i = 0; i < tl->n; i++)
                ks_labels_set(&t->selector.match_labels, tl->items[i].key,
                              tl->items[i].value);
        }
        t->has_selector = 1;
        return check_selector(l, w, t, sel ? sel : spec, labels_at);
    }
    return 0;
}

/* ---- control-plane fields of workloads ----------------------------------- */

/* maxSurge / maxUnavailable of a RollingUpdateDeployment: an integer >= 0
 * or a percent string (ValidatePositiveIntOrPercent: IsValidPercent's
 * [0-9]+%, any size; the 100% bound is the caller's). */
static int read_rolling_value(ld *l, const ks_yt_node *n,
                              ks_manifest_int_or_percent *out)
{
    char q[96];
    out->set = 1;
    out->is_percent = 0;
    if (n->kind == KS_YT_SCALAR && !n->quoted &&
        classify_plain(n->text) == Y11_INT)
        return get_int32(l, n, 0, &out->value);
    const char *s;
    int rc = get_str(l, n, &s);
    if (rc)
        return rc;
    size_t len = s ? strlen(s) : 0;
    if (len < 2 || s[len - 1] != '%' || strspn(s, "0123456789") != len - 1)
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "must be an integer or a percent string (digits "
                          "followed by %%, e.g. '25%%'), got %s",
                          QUOTED(s ? s : "", q));
    char digits[16];
    int64_t v;
    if (len - 1 >= sizeof digits)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "percentage %s is too large",
                          QUOTED(s, q));
    memcpy(digits, s, len - 1);
    digits[len - 1] = '\0';
    if (parse_integral(digits, &v) || v > INT32_MAX)
        return ks_yt_fail(&l->c, n, KS_ERANGE, "percentage %s is too large",
                          QUOTED(s, q));
    out->is_percent = 1;
    out->value = (int32_t)v;
    return 0;
}

/* spec.strategy: SetDefaults_Deployment, then ValidateDeploymentStrategy
 * and ValidateRollingUpdateDeployment. */
static int read_deployment_strategy(ld *l, const ks_yt_node *strategy,
                                    ks_manifest_template *t)
{
    static const char *const reads[] = {"type", "rollingUpdate", NULL};
    static const char *const ru_reads[] = {"maxSurge", "maxUnavailable",
                                           NULL};
    /* In ks_manifest_strategy order; "" defaults to RollingUpdate. */
    static const char *const types[] = {"RollingUpdate", "Recreate", "",
                                        NULL};
    const ks_yt_node *ru = NULL, *v, *unavail_at = NULL;
    int type = 0, rc;
    t->strategy = KS_MANIFEST_ROLLING_UPDATE;
    if (strategy) {
        if ((rc = check_fields(l, strategy, &t_deployment_strategy, reads)))
            return rc;
        if ((v = val(strategy, "type")) &&
            (rc = get_enum(l, v, "strategy type", types, &type)))
            return rc;
        if (type == 1)
            t->strategy = KS_MANIFEST_RECREATE;
        ru = val(strategy, "rollingUpdate");
    }
    if (t->strategy == KS_MANIFEST_RECREATE) {
        if (ru)
            return ks_yt_fail(&l->c, ru, KS_EINVAL,
                              "may not be specified when strategy `type` is "
                              "'Recreate'");
        return 0;
    }
    if (ru) {
        if ((rc = check_fields(l, ru, &t_rolling_update_deployment,
                               ru_reads)))
            return rc;
        if ((v = val(ru, "maxSurge")) &&
            (rc = read_rolling_value(l, v, &t->max_surge)))
            return rc;
        if ((unavail_at = val(ru, "maxUnavailable")) &&
            (rc = read_rolling_value(l, unavail_at, &t->max_unavailable)))
            return rc;
    }
    if (!t->max_surge.set)
        t->max_surge = (ks_manifest_int_or_percent){1, 1, 25};
    if (!t->max_unavailable.set)
        t->max_unavailable = (ks_manifest_int_or_percent){1, 1, 25};
    /* Both 0 means both were given (the defaults are 25%). */
    if (t->max_surge.value == 0 && t->max_unavailable.value == 0)
        return ks_yt_fail(&l->c, unavail_at, KS_EINVAL,
                          "may not be 0 when `maxSurge` is 0");
    if (t->max_unavailable.is_percent && t->max_unavailable.value > 100)
        return ks_yt_fail(&l->c, unavail_at, KS_EINVAL,
                          "must not be greater than 100%%");
    return 0;
}

/* A Deployment's spec fields besides replicas, selector and template, with
 * apps/v1 defaults and ValidateDeploymentSpec's checks. */
static int read_deployment_spec(ld *l, const ks_yt_node *spec,
                                ks_manifest_template *t)
{
    const ks_yt_node *min_ready = val(spec, "minReadySeconds");
    const ks_yt_node *deadline = val(spec, "progressDeadlineSeconds");
    const ks_yt_node *v;
    int rc;
    t->progress_deadline_seconds = 600;
    t->revision_history_limit = 10;
    if ((min_ready && (rc = get_int32(l, min_ready, 0,
                                      &t->min_ready_seconds))) ||
        (deadline && (rc = get_int32(l, deadline, 0,
                                     &t->progress_deadline_seconds))) ||
        ((v = val(spec, "revisionHistoryLimit")) &&
         (rc = get_int32(l, v, 0, &t->revision_history_limit))) ||
        (rc = get_bool(l, val(spec, "paused"), &t->paused)))
        return rc;
    /* The default deadline takes part in the check too. */
    if (t->progress_deadline_seconds <= t->min_ready_seconds)
        return deadline ? ks_yt_fail(&l->c, deadline, KS_EINVAL,
                                     "must be greater than minReadySeconds")
                        : ks_yt_fail(&l->c, min_ready, KS_EINVAL,
                                     "must be less than "
                                     "progressDeadlineSeconds (600 when not "
                                     "given)");
    return read_deployment_strategy(l, val(spec, "strategy"), t);
}

/* A DaemonSet's minReadySeconds (>= 0) and updateStrategy:
 * SetDefaults_DaemonSet, then ValidateDaemonSetUpdateStrategy and
 * ValidateRollingUpdateDaemonSet. */
static int read_daemonset_spec(ld *l, const ks_yt_node *spec,
                               ks_manifest_template *t)
{
    static const char *const reads[] = {"type", "rollingUpdate", NULL};
    static const char *const ru_reads[] = {"maxSurge", "maxUnavailable",
                                           NULL};
    /* RollingUpdate, OnDelete; "" defaults to RollingUpdate. */
    static const char *const types[] = {"RollingUpdate", "OnDelete", "",
                                        NULL};
    const ks_yt_node *strategy = val(spec, "updateStrategy"), *ru = NULL;
    const ks_yt_node *v, *surge_at = NULL, *unavail_at = NULL;
    int type = 0, rc;
    if ((v = val(spec, "minReadySeconds")) &&
        (rc = get_int32(l, v, 0, &t->min_ready_seconds)))
        return rc;
    t->strategy = KS_MANIFEST_ROLLING_UPDATE;
    if (strategy) {
        if ((rc = check_fields(l, strategy, &t_daemon_set_update_strategy,
                               reads)))
            return rc;
        if ((v = val(strategy, "type")) &&
            (rc = get_enum(l, v, "updateStrategy type", types, &type)))
            return rc;
        if (type == 1)
            t->strategy = KS_MANIFEST_ON_DELETE;
        ru = val(strategy, "rollingUpdate");
    }
    if (ru) {
        if ((rc = check_fields(l, ru, &t_rolling_update_daemon_set,
                               ru_reads)))
            return rc;
        if ((surge_at = val(ru, "maxSurge")) &&
            (rc = read_rolling_value(l, surge_at, &t->max_surge)))
            return rc;
        if ((unavail_at = val(ru, "maxUnavailable")) &&
            (rc = read_rolling_value(l, unavail_at, &t->max_unavailable)))
            return rc;
    }
    /* OnDelete: nothing defaulted, nothing more checked. */
    if (t->strategy == KS_MANIFEST_ON_DELETE)
        return 0;
    if (!t->max_unavailable.set)
        t->max_unavailable = (ks_manifest_int_or_percent){1, 0, 1};
    if (!t->max_surge.set)
        t->max_surge = (ks_manifest_int_or_percent){1, 0, 0};
    /* IsNotMoreThan100Percent for both; a value > 100% is one given. */
    if (t->max_unavailable.is_percent && t->max_unavailable.value > 100)
        return ks_yt_fail(&l->c, unavail_at, KS_EINVAL,
                          "must not be greater than 100%%");
    if (t->max_surge.is_percent && t->max_surge.value > 100)
        return ks_yt_fail(&l->c, surge_at, KS_EINVAL,
                          "must not be greater than 100%%");
    /* Exactly one non-zero: a non-zero maxSurge was given, and so was a
     * zero maxUnavailable (the defaults are 0 and 1). */
    if (t->max_surge.value != 0 && t->max_unavailable.value != 0)
        return ks_yt_fail(&l->c, surge_at, KS_EINVAL,
                          "may not be set when maxUnavailable is non-zero");
    if (t->max_surge.value == 0 && t->max_unavailable.value == 0)
        return ks_yt_fail(&l->c, unavail_at, KS_EINVAL,
                          "cannot be 0 when maxSurge is 0");
    return 0;
}

/* A Job's backoffLimit (default 6) and activeDeadlineSeconds, both >= 0
 * (validateJobSpec). */
static int read_job_spec(ld *l, const ks_yt_node *spec,
                         ks_manifest_template *t)
{
    const ks_yt_node *v;
    int rc;
    t->backoff_limit = 6;
    if ((v = val(spec, "backoffLimit")) &&
        (rc = get_int32(l, v, 0, &t->backoff_limit)))
        return rc;
    /* Seconds that fit in ks_time nanoseconds (292 years). */
    if ((v = val(spec, "activeDeadlineSeconds")) &&
        (rc = get_int(l, v, 0, INT64_MAX / 1000000000,
                      &t->active_deadline_seconds)))
        return rc;
    return 0;
}

/* The restart policy a workload's template may have: Always for the apps
 * kinds (ValidatePodTemplateSpecForReplicaSet, the StatefulSet and
 * DaemonSet specs) and ReplicationControllers (ValidatePodTemplateSpecForRC),
 * OnFailure or Never for a Job (validateJobSpec).  A Job without one is
 * left to the store (see manifests.h). */
static int check_restart_policy(ld *l, const workload_def *w,
                                const ks_yt_node *tmpl,
                                const ks_manifest_pod *pod)
{
    static const char *const names[] = {"Always", "OnFailure", "Never"};
    const ks_yt_node *spec = val(tmpl, "spec");
    const ks_yt_node *at = spec ? val(spec, "restartPolicy") : NULL;
    if (!at)
        return 0; /* the default, Always */
    if (!strcmp(w->kind, "Job")) {
        if (pod->restart_policy == KS_MANIFEST_RESTART_ALWAYS)
            return ks_yt_fail(&l->c, at, KS_EINVAL,
                              "Unsupported value: \"Always\": supported "
                              "values: \"OnFailure\", \"Never\"");
        return 0;
    }
    if (pod->restart_policy != KS_MANIFEST_RESTART_ALWAYS)
        return ks_yt_fail(&l->c, at, KS_EINVAL,
                          "Unsupported value: \"%s\": supported values: "
                          "\"Always\"",
                          names[pod->restart_policy]);
    return 0;
}

static int load_workload(ld *l, const ks_yt_node *obj, const workload_def *w)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "spec", NULL};
    /* A workload's own labels select nothing: read and dropped. */
    static const char *const meta_reads[] = {"name", "namespace", "labels",
                                             "ownerReferences", NULL};
    static const char *const tmpl_reads[] = {"metadata", "spec", NULL};
    ks_manifests *m = l->out;
    m->templates = ks_xgrow(m->templates, &l->cap.templates,
                            m->ntemplates + 1, sizeof *m->templates);
    ks_manifest_template *t = &m->templates[m->ntemplates++];
    memset(t, 0, sizeof *t);
    t->kind = ks_xstrdup(w->kind);
    t->pod.spec = ks_xcalloc(1, sizeof *t->pod.spec);
    set_place(obj, l, &t->file, &t->line, &t->col);
    t->pod.file = t->file;
    t->pod.line = t->line;
    t->pod.col = t->col;
    type_def spec_type = {NULL, w->spec_fields};
    char spec_name[48];
    snprintf(spec_name, sizeof spec_name, "%sSpec", w->kind);
    spec_type.name = spec_name;
    const ks_yt_node *spec, *tmpl, *v, *labels_at = NULL;
    meta md;
    int rc;
    if ((rc = check_fields(l, obj, OBJECT_TYPE(w->kind), reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)) ||
        (rc = require(l, obj, "spec", &spec)) ||
        (rc = check_fields(l, spec, &spec_type, w->spec_reads)) ||
        (rc = require(l, spec, "template", &tmpl)))
        return rc;
    t->name = ks_xstrdup(md.name);
    if (md.namespace_name)
        t->namespace_name = ks_xstrdup(md.namespace_name);
    if ((rc = read_owner(l, md.owners, NULL, &t->owner_kind,
                         &t->owner_name)))
        return rc;
    t->completions = -1;
    t->active_deadline_seconds = -1;
    if (!strcmp(w->kind, "DaemonSet")) {
        t->replicas = -1;
    } else if (!strcmp(w->kind, "Job")) {
        /* batch/v1 SetDefaults_Job: neither set means one pod, once. */
        const ks_yt_node *par = val(spec, "parallelism");
        const ks_yt_node *comp = val(spec, "completions");
        t->replicas = 1;
        if (par && (rc = get_int32(l, par, 0, &t->replicas)))
            return rc;
        if (comp && (rc = get_int32(l, comp, 0, &t->completions)))
            return rc;
        if (!par && !comp)
            t->completions = 1;
        if ((rc = read_job_spec(l, spec, t)))
            return rc;
    } else {
        t->replicas = 1;
        if ((v = val(spec, "replicas")) &&
            (rc = get_int32(l, v, 0, &t->replicas)))
            return rc;
    }
    if (!strcmp(w->kind, "Deployment") &&
        (rc = read_deployment_spec(l, spec, t)))
        return rc;
    if (!strcmp(w->kind, "ReplicaSet") && (v = val(spec, "minReadySeconds")) &&
        (rc = get_int32(l, v, 0, &t->min_ready_seconds)))
        return rc;
    if (!strcmp(w->kind, "DaemonSet") &&
        (rc = read_daemonset_spec(l, spec, t)))
        return rc;
    if ((rc = check_fields(l, tmpl, &t_pod_template, tmpl_reads)) ||
        (rc = read_template(l, tmpl, md.namespace_name, 0, &t->pod,
                            &labels_at)) ||
        (rc = check_restart_policy(l, w, tmpl, &t->pod)) ||
        (rc = read_workload_selector(l, spec, w, t, labels_at)))
        return rc;
    if (!strcmp(w->kind, "Deployment")) {
        /* The ReplicaSet the Deployment controller creates carries the
         * template with pod-template-hash added (getNewReplicaSet). */
        t->pod_template_hash = template_hash(t->namespace_name, t->name);
        ks_labels_set(&t->pod.spec->labels, "pod-template-hash",
                      t->pod_template_hash);
    }
    return 0;
}

/* A Service (v1): its selector; every other spec field warns. */
static int load_service(ld *l, const ks_yt_node *obj)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "spec", "status", NULL};
    /* A Service's own labels select nothing: read and dropped. */
    static const char *const meta_reads[] = {"name", "namespace", "labels",
                                             NULL};
    static const char *const spec_reads[] = {"selector", NULL};
    ks_manifests *m = l->out;
    m->services = ks_xgrow(m->services, &l->cap.services, m->nservices + 1,
                           sizeof *m->services);
    ks_manifest_service *svc = &m->services[m->nservices++];
    memset(svc, 0, sizeof *svc);
    set_place(obj, l, &svc->file, &svc->line, &svc->col);
    const ks_yt_node *spec = val(obj, "spec"), *status = val(obj, "status"),
                     *sel;
    meta md;
    int rc;
    if ((rc = check_fields(l, obj, OBJECT_TYPE("Service"), reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)))
        return rc;
    svc->name = ks_xstrdup(md.name);
    if (md.namespace_name)
        svc->namespace_name = ks_xstrdup(md.namespace_name);
    if (status && (rc = check_fields(l, status, &t_service_status, NULL)))
        return rc;
    if (!spec)
        return 0;
    if ((rc = check_fields(l, spec, &t_service_spec, spec_reads)))
        return rc;
    /* A null selector selects nothing; {} selects every pod of the
     * namespace (GetPodServices). */
    if (!(sel = val(spec, "selector")))
        return 0;
    svc->has_selector = 1;
    return read_string_map(l, sel, &svc->selector);
}

/* ---- HorizontalPodAutoscaler
 * ---------------------------------------------------------- */

/* validation.go: the largest policy period and stabilization window. */
#define HPA_MAX_PERIOD_SECONDS 1800
#define HPA_MAX_STABILIZATION_SECONDS 3600

/* pathvalidation.IsValidPathSegmentName, as ValidateCrossVersionObjectReference
 * applies it to the target's kind and name. */
static int check_path_segment(ld *l, const ks_yt_node *n, const char *s)
{
    if (!strcmp(s, ".") || !strcmp(s, ".."))
        return ks_yt_fail(&l->c, n, KS_EINVAL, "may not be '%s'", s);
    if (strchr(s, '/'))
        return ks_yt_fail(&l->c, n, KS_EINVAL, "may not contain '/'");
    if (strchr(s, '%'))
        return ks_yt_fail(&l->c, n, KS_EINVAL, "may not contain '%%'");
    return 0;
}

/* The index of s in names (NULL-terminated), or -1. */
static int name_index(const char *s, const char *const *names)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

/* spec.scaleTargetRef: a Deployment or a ReplicaSet (apps/v1). */
static int read_scale_target(ld *l, const ks_yt_node *ref,
                             ks_manifest_hpa *hpa)
{
    static const char *const reads[] = {"apiVersion", "kind", "name", NULL};
    const ks_yt_node *kind, *name, *api = val(ref, "apiVersion");
    const char *k, *nm, *a = NULL;
    char q[96], q2[96];
    int rc;
    if ((rc = check_fields(l, ref, &t_cross_version_ref, reads)) ||
        (rc = require(l, ref, "kind", &kind)) ||
        (rc = get_name(l, kind, &k)) ||
        (rc = check_path_segment(l, kind, k)) ||
        (rc = require(l, ref, "name", &name)) ||
        (rc = get_name(l, name, &nm)) ||
        (rc = check_path_segment(l, name, nm)) ||
        (rc = get_str(l, api, &a)))
        return rc;
    if (strcmp(k, "Deployment") && strcmp(k, "ReplicaSet"))
        return ks_yt_fail(&l->c, kind, KS_EINVAL,
                          "ksim scales a Deployment or a ReplicaSet, not %s",
                          QUOTED(k, q));
    if (a && strcmp(a, "apps/v1"))
        return ks_yt_fail(&l->c, api, KS_EINVAL,
                          "unsupported apiVersion %s for kind %s (ksim reads "
                          "apps/v1)",
                          QUOTED(a, q), QUOTED(k, q2));
    hpa->target_kind = ks_xstrdup(k);
    hpa->target_name = ks_xstrdup(nm);
    return 0;
}

/* A MetricTarget of the cpu Resource metric: type Utilization with
 * averageUtilization (validateMetricTarget, validateResourceSource). */
static int read_metric_target(ld *l, const ks_yt_node *t,
                              ks_manifest_hpa *hpa)
{
    static const char *const reads[] = {"type", "averageUtilization",
                                        "averageValue", NULL};
    static const char *const types[] = {"Utilization", "Value",
                                        "AverageValue", NULL};
    const ks_yt_node *type, *util, *avg = val(t, "averageValue");
    int idx, rc;
    if ((rc = check_fields(l, t, &t_metric_target, reads)) ||
        (rc = require(l, t, "type", &type)))
        return rc;
    const char *ts;
    if ((rc = get_str(l, type, &ts)))
        return rc;
    if ((idx = name_index(ts, types)) < 0)
        return ks_yt_fail(&l->c, type, KS_EINVAL,
                          "must be either Utilization, Value, or "
                          "AverageValue");
    if (idx != 0)
        return ks_yt_fail(&l->c, type, KS_EINVAL,
                          "target type %s is not supported: ksim models a "
                          "cpu target of type Utilization "
                          "(averageUtilization)",
                          types[idx]);
    if (!(util = val(t, "averageUtilization"))) {
        if (avg)
            return ks_yt_fail(&l->c, avg, KS_EINVAL,
                              "an averageValue target is not supported: "
                              "ksim models averageUtilization");
        return ks_yt_fail(&l->c, t, KS_EINVAL,
                          "missing averageUtilization: must set either a "
                          "target raw value or a target utilization");
    }
    if ((rc = get_int32(l, util, INT32_MIN, &hpa->target_utilization)))
        return rc;
    if (hpa->target_utilization < 1)
        return ks_yt_fail(&l->c, util, KS_EINVAL, "must be greater than 0");
    if (avg)
        return ks_yt_fail(&l->c, avg, KS_EINVAL,
                          "may not set both a target raw value and a target "
                          "utilization");
    return 0;
}

/* One MetricSpec (validateMetricSpec): ksim models Resource cpu only. */
static int read_metric(ld *l, const ks_yt_node *n, ks_manifest_hpa *hpa)
{
    /* In validMetricSourceTypes order; the key each type populates. */
    static const char *const types[] = {"ContainerResource", "External",
                                        "Object", "Pods", "Resource", NULL};
    static const char *const sources[] = {"containerResource", "external",
                                          "object", "pods", "resource"};
    static const char *const reads[] = {"type", "containerResource",
                                        "external", "object", "pods",
                                        "resource", NULL};
    static const char *const res_reads[] = {"name", "target", NULL};
    const ks_yt_node *type, *res, *name, *target;
    const char *rname;
    char q[96];
    int idx, rc;
    if ((rc = check_fields(l, n, &t_metric_spec, reads)) ||
        (rc = require(l, n, "type", &type)))
        return rc;
    const char *ts;
    if ((rc = get_str(l, type, &ts)))
        return rc;
    if ((idx = name_index(ts, types)) < 0)
        return ks_yt_fail(&l->c, type, KS_EINVAL,
                          "Unsupported value: supported values: "
                          "\"ContainerResource\", \"External\", \"Object\", "
                          "\"Pods\", \"Resource\"");
    if (idx != 4)
        return ks_yt_fail(&l->c, type, KS_EINVAL,
                          "metric type %s is not supported: ksim models one "
                          "metric, type Resource (name cpu, target type "
                          "Utilization)",
                          types[idx]);
    for (int i = 0; i < 4; i++) {
        const ks_yt_node *other = val(n, sources[i]);
        if (other)
            return ks_yt_fail_key(&l->c, other, KS_EINVAL,
                                  "must populate the given metric source "
                                  "only (type Resource: resource)");
    }
    if (!(res = val(n, "resource")))
        return ks_yt_fail(&l->c, n, KS_EINVAL,
                          "missing resource: must populate information for "
                          "the given metric source");
    if ((rc = check_fields(l, res, &t_resource_metric, res_reads)) ||
        (rc = require(l, res, "name", &name)) ||
        (rc = get_name(l, name, &rname)))
        return rc;
    if (strcmp(rname, "cpu"))
        return ks_yt_fail(&l->c, name, KS_EINVAL,
                          "resource %s is not supported: ksim models the cpu "
                          "usage of pods",
                          QUOTED(rname, q));
    if ((rc = require(l, res, "target", &target)))
        return rc;
    return read_metric_target(l, target, hpa);
}

/* spec.metrics: none is SetDefaults_HorizontalPodAutoscaler's cpu at 80 %;
 * one Resource cpu metric is modelled. */
static int read_metrics(ld *l, const ks_yt_node *n, ks_manifest_hpa *hpa)
{
    int rc;
    if (!n)
        return 0;
    if ((rc = expect_seq(l, n)) || n->n == 0)
        return rc;
    if ((rc = read_metric(l, n->items[0], hpa)))
        return rc;
    if (n->n > 1)
        return ks_yt_fail(&l->c, n->items[1], KS_EINVAL,
                          "ksim models one metric (Resource cpu), this HPA "
                          "has %zu",
                          n->n);
    return 0;
}

/* One HPAScalingPolicy (validateScalingPolicy). */
static int read_scaling_policy(ld *l, const ks_yt_node *n, ks_hpa_policy *p)
{
    static const char *const reads[] = {"type", "value", "periodSeconds",
                                        NULL};
    static const char *const types[] = {"Pods", "Percent", NULL};
    const ks_yt_node *type, *value, *period;
    int idx, rc;
    if ((rc = check_fields(l, n, &t_scaling_policy, reads)) ||
        (rc = require(l, n, "type", &type)))
        return rc;
    const char *ts;
    if ((rc = get_str(l, type, &ts)))
        return rc;
    if ((idx = name_index(ts, types)) < 0)
        return ks_yt_fail(&l->c, type, KS_EINVAL,
                          "Unsupported value: supported values: "
                          "\"Percent\", \"Pods\"");
    p->percent = idx == 1;
    if ((rc = require(l, n, "value", &value)) ||
        (rc = get_int32(l, value, INT32_MIN, &p->value)))
        return rc;
    if (p->value <= 0)
        return ks_yt_fail(&l->c, value, KS_EINVAL,
                          "must be greater than zero");
    if ((rc = require(l, n, "periodSeconds", &period)) ||
        (rc = get_int32(l, period, INT32_MIN, &p->period_seconds)))
        return rc;
    if (p->period_seconds <= 0)
        return ks_yt_fail(&l->c, period, KS_EINVAL,
                          "must be greater than zero");
    if (p->period_seconds > HPA_MAX_PERIOD_SECONDS)
        return ks_yt_fail(&l->c, period, KS_EINVAL,
                          "must be less than or equal to %d",
                          HPA_MAX_PERIOD_SECONDS);
    return 0;
}

/* behavior.scaleUp or scaleDown over the defaulted rules in *r
 * (copyHPAScalingRules: what is given replaces the default, a given
 * policy list replaces the whole default list), then
 * validateScalingRules. */
static int read_scaling_rules(ld *l, const ks_yt_node *n, ks_hpa_rules *r)
{
    static const char *const reads[] = {"policies", "selectPolicy",
                                        "stabilizationWindowSeconds", NULL};
    static const char *const selects[] = {"Max", "Min", "Disabled", NULL};
    const ks_yt_node *v;
    int rc, idx;
    if (!n)
        return 0;
    if ((rc = check_fields(l, n, &t_scaling_rules, reads)))
        return rc;
    if ((v = val(n, "stabilizationWindowSeconds"))) {
        if ((rc = get_int32(l, v, INT32_MIN,
                            &r->stabilization_window_seconds)))
            return rc;
        if (r->stabilization_window_seconds < 0)
            return ks_yt_fail(&l->c, v, KS_EINVAL,
                              "must be greater than or equal to zero");
        if (r->stabilization_window_seconds > HPA_MAX_STABILIZATION_SECONDS)
            return ks_yt_fail(&l->c, v, KS_EINVAL,
                              "must be less than or equal to %d",
                              HPA_MAX_STABILIZATION_SECONDS);
    }
    if ((v = val(n, "selectPolicy"))) {
        const char *ss;
        if ((rc = get_str(l, v, &ss)))
            return rc;
        if ((idx = name_index(ss, selects)) < 0)
            return ks_yt_fail(&l->c, v, KS_EINVAL,
                              "Unsupported value: supported values: "
                              "\"Disabled\", \"Max\", \"Min\"");
        r->select = idx == 0   ? KS_HPA_SELECT_MAX
                    : idx == 1 ? KS_HPA_SELECT_MIN
                                 : KS_HPA_SELECT_DISABLED;
    }
    /* A null list is unset (the defaults stay); [] is given and empty. */
    if (!(v = val(n, "policies")))
        return 0;
    if ((rc = expect_seq(l, v)))
        return rc;
    if (v->n == 0)
        return ks_yt_fail(&l->c, v, KS_EINVAL,
                          "must specify at least one Policy");
    if (v->n > KS_HPA_MAX_POLICIES)
        return ks_yt_fail(&l->c, v->items[KS_HPA_MAX_POLICIES], KS_EINVAL,
                          "ksim models at most %d policies per direction",
                          KS_HPA_MAX_POLICIES);
    r->n_policies = 0;
    for (size_t i = 0; i < v->n; i++)
        if ((rc = read_scaling_policy(l, v->items[i],
                                      &r->policies[r->n_policies++])))
            return rc;
    return 0;
}

static int read_behavior(ld *l, const ks_yt_node *n, ks_manifest_hpa *hpa)
{
    static const char *const reads[] = {"scaleUp", "scaleDown", NULL};
    int rc;
    if (!n)
        return 0;
    if ((rc = check_fields(l, n, &t_hpa_behavior, reads)))
        return rc;
    hpa->has_behavior = 1; /* SetDefaults_HorizontalPodAutoscalerBehavior */
    if ((rc = read_scaling_rules(l, val(n, "scaleUp"), &hpa->scale_up)))
        return rc;
    return read_scaling_rules(l, val(n, "scaleDown"), &hpa->scale_down);
}

/* An autoscaling/v2 HorizontalPodAutoscaler: defaulted, then validated as
 * validateHorizontalPodAutoscalerSpec does (in its order). */
static int load_hpa(ld *l, const ks_yt_node *obj)
{
    static const char *const reads[] = {"apiVersion", "kind", "metadata",
                                        "spec", NULL};
    /* An HPA's own labels select nothing: read and dropped. */
    static const char *const meta_reads[] = {"name", "namespace", "labels",
                                             NULL};
    static const char *const spec_reads[] = {
        "scaleTargetRef", "minReplicas", "maxReplicas", "metrics",
        "behavior", NULL};
    ks_manifests *m = l->out;
    m->hpas = ks_xgrow(m->hpas, &l->cap.hpas, m->nhpas + 1, sizeof *m->hpas);
    ks_manifest_hpa *hpa = &m->hpas[m->nhpas++];
    memset(hpa, 0, sizeof *hpa);
    set_place(obj, l, &hpa->file, &hpa->line, &hpa->col);
    ks_hpa_spec def;
    ks_hpa_spec_default(&def);
    hpa->min_replicas = def.min_replicas;
    hpa->target_utilization = def.target_utilization;
    hpa->scale_up = def.scale_up;
    hpa->scale_down = def.scale_down;
    const ks_yt_node *spec, *ref, *max, *min;
    meta md;
    int rc;
    if ((rc = check_fields(l, obj, OBJECT_TYPE("HorizontalPodAutoscaler"),
                           reads)) ||
        (rc = read_meta(l, obj, meta_reads, 0, &md)))
        return rc;
    hpa->name = ks_xstrdup(md.name);
    if (md.namespace_name)
        hpa->namespace_name = ks_xstrdup(md.namespace_name);
    if ((rc = require(l, obj, "spec", &spec)) ||
        (rc = check_fields(l, spec, &t_hpa_spec, spec_reads)) ||
        (rc = require(l, spec, "scaleTargetRef", &ref)) ||
        (rc = require(l, spec, "maxReplicas", &max)))
        return rc;
    if ((min = val(spec, "minReplicas"))) {
        if ((rc = get_int32(l, min, INT32_MIN, &hpa->min_replicas)))
            return rc;
        if (hpa->min_replicas < 1)
            return ks_yt_fail(&l->c, min, KS_EINVAL,
                              "must be greater than or equal to 1");
    }
    if ((rc = get_int32(l, max, INT32_MIN, &hpa->max_replicas)))
        return rc;
    if (hpa->max_replicas < 1)
        return ks_yt_fail(&l->c, max, KS_EINVAL, "must be greater than 0");
    if (hpa->max_replicas < hpa->min_replicas)
        return ks_yt_fail(&l->c, max, KS_EINVAL,
                          "must be greater than or equal to `minReplicas`");
    if ((rc = read_scale_target(l, ref, hpa)) ||
        (rc = read_metrics(l, val(spec, "metrics"), hpa)))
        return rc;
    return read_behavior(l, val(spec, "behavior"), hpa);
}

/* ---- documents and lists
 * ------------------------------------------------------ */

typedef struct kind_def {
    const char *kind;
    const char *api_version;
} kind_def;

static const kind_def kinds[] = {
    {"Node", "v1"},
    {"Pod", "v1"},
    {"Service", "v1"},
    {"ReplicationController", "v1"},
    {"PriorityClass", "scheduling.k8s.io/v1"},
    {"PodDisruptionBudget", "policy/v1"},
    {"Deployment", "apps/v1"},
    {"ReplicaSet", "apps/v1"},
    {"StatefulSet", "apps/v1"},
    {"DaemonSet", "apps/v1"},
    {"Job", "batch/v1"},
    {"HorizontalPodAutoscaler", "autoscaling/v2"},
    {NULL, NULL}};

static int load_known(ld *l, const ks_yt_node *obj, const char *kind)
{
    if (!strcmp(kind, "Node"))
        return load_node(l, obj);
    if (!strcmp(kind, "Pod"))
        return load_pod(l, obj);
    if (!strcmp(kind, "PriorityClass"))
        return load_priority_class(l, obj);
    if (!strcmp(kind, "PodDisruptionBudget"))
        return load_pdb(l, obj);
    if (!strcmp(kind, "Service"))
        return load_service(l, obj);
    if (!strcmp(kind, "HorizontalPodAutoscaler"))
        return load_hpa(l, obj);
    for (size_t i = 0; workloads[i].kind; i++)
        if (!strcmp(kind, workloads[i].kind))
            return load_workload(l, obj, &workloads[i]);
    return 0;
}

static int is_list_kind(const char *kind)
{
    size_t n = strlen(kind);
    return n >= 4 && !strcmp(kind + n - 4, "List");
}

static int load_object(ld *l, const ks_yt_node *obj, const char *list_api,
                       const char *list_kind);

/* kind: List (what kubectl prints) or a typed list such as PodList, whose
 * items may leave out their apiVersion and kind. */
static int load_list(ld *l, const ks_yt_node *obj, const ks_yt_node *api_node,
                     const char *api, const char *kind)
{
    static const char *const reads[] = {"apiVersion", "kind", "items", NULL};
    char q[96];
    int rc = check_fields(l, obj, &t_list_type, reads);
    if (rc)
        return rc;
    char item_kind[128] = "";
    if (strcmp(kind, "List")) {
        size_t n = strlen(kind) - 4;
        if (n >= sizeof item_kind)
            n = sizeof item_kind - 1;
        memcpy(item_kind, kind, n);
        item_kind[n] = '\0';
    } else if (strcmp(api, "v1")) {
        return ks_yt_fail(&l->c, api_node, KS_EINVAL,
                          "unsupported apiVersion %s for kind List "
                          "(expected \"v1\")",
                          QUOTED(api, q));
    }
    const ks_yt_node *items = val(obj, "items");
    if (!items)
        return 0;
    if ((rc = expect_seq(l, items)))
        return rc;
    for (size_t i = 0; i < items->n; i++)
        if ((rc = load_object(l, items->items[i], item_kind[0] ? api : NULL,
                              item_kind[0] ? item_kind : NULL)))
            return rc;
    return 0;
}

static int load_object(ld *l, const ks_yt_node *obj, const char *list_api,
                       const char *list_kind)
{
    int rc = ks_yt_expect(&l->c, obj, KS_YT_MAPPING);
    if (rc)
        return rc;
    int in_list = list_api || list_kind || (obj->parent != NULL);
    const ks_yt_node *api_node = val(obj, "apiVersion");
    const ks_yt_node *kind_node = val(obj, "kind");
    const char *api = list_api, *kind = list_kind;
    if (api_node && (rc = get_name(l, api_node, &api)))
        return rc;
    if (kind_node && (rc = get_name(l, kind_node, &kind)))
        return rc;
    if (!api)
        return ks_yt_fail_missing(&l->c, obj, "apiVersion");
    if (!kind)
        return ks_yt_fail_missing(&l->c, obj, "kind");
    const ks_yt_node *where = api_node ? api_node : obj;
    char q[96], q2[96];
    if (is_list_kind(kind)) {
        if (in_list)
            return ks_yt_fail(&l->c, kind_node ? kind_node : obj, KS_EINVAL,
                              "a %s cannot hold another list", "List");
        return load_list(l, obj, where, api, kind);
    }
    l->kind = kind;
    l->obj = obj;
    for (size_t i = 0; kinds[i].kind; i++) {
        if (strcmp(kinds[i].kind, kind))
            continue;
        /* autoscaling/v1, v2beta1, v2beta2 HPAs (old dumps): skipped as
         * kinds ksim does not read are. */
        if (strcmp(kinds[i].api_version, api) &&
            !strcmp(kind, "HorizontalPodAutoscaler") &&
            !strncmp(api, "autoscaling/", 12)) {
            char text[200];
            snprintf(text, sizeof text,
                     "kind HorizontalPodAutoscaler %s: not modelled (ksim "
                     "reads autoscaling/v2), skipped",
                     api);
            add_warning(l, text);
            return 0;
        }
        if (strcmp(kinds[i].api_version, api))
            return ks_yt_fail(&l->c, where, KS_EINVAL,
                              "unsupported apiVersion %s for kind %s "
                              "(ksim reads %s)",
                              QUOTED(api, q), QUOTED(kind, q2),
                              kinds[i].api_version);
        return load_known(l, obj, kind);
    }
    char text[200];
    snprintf(text, sizeof text, "kind %s: not modelled yet, skipped", kind);
    add_warning(l, text);
    return 0;
}

/* ---- duplicates and merging
 * --------------------------------------------------- */

typedef struct keyed {
    char *key;
    int is_new; /* from the input being loaded */
    size_t index;
    const char *file;
    int line, col;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    if (a->is_new != b->is_new)
        return a->is_new - b->is_new;
    return (a->index > b->index) - (a->index < b->index);
}

typedef struct keys {
    keyed *v;
    size_t n, cap;
} keys;

static void keys_add(keys *k, char *key, int is_new, size_t index,
                     const char *file, int line, int col)
{
    k->v = ks_xgrow(k->v, &k->cap, k->n + 1, sizeof *k->v);
    k->v[k->n++] = (keyed){key, is_new, index, file, line, col};
}

/* Sorts the keys and fails at the first new object whose key an earlier
 * one already has. */
static int keys_check(keys *k, const char *what, ks_error *err)
{
    int rc = 0;
    if (k->n)
        qsort(k->v, k->n, sizeof *k->v, cmp_keyed);
    const keyed *dup = NULL, *first = NULL;
    for (size_t i = 1; i < k->n; i++) {
        if (strcmp(k->v[i].key, k->v[i - 1].key) || !k->v[i].is_new)
            continue;
        size_t j = i;
        while (j > 0 && !strcmp(k->v[j - 1].key, k->v[i].key))
            j--;
        if (!dup || k->v[i].line < dup->line) {
            dup = &k->v[i];
            first = &k->v[j];
        }
    }
    if (dup)
        rc = ks_error_set(err, KS_EEXIST, dup->file, dup->line, dup->col,
                          "duplicate %s %s (first defined at %s:%d)", what,
                          dup->key, first->file, first->line);
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].key);
    free(k->v);
    *k = (keys){0};
    return rc;
}

static char *ns_key(const char *ns, const char *name)
{
    return ks_xasprintf("%s/%s", ns ? ns : "default", name);
}

static int check_duplicates(const ks_manifests *old, const ks_manifests *add,
                            ks_error *err)
{
    keys k = {0};
    int rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->nnodes; i++)
            keys_add(&k, ks_xstrdup(m->nodes[i].name), is_new, i,
                     m->nodes[i].file, m->nodes[i].line, m->nodes[i].col);
    }
    if ((rc = keys_check(&k, "Node", err)))
        return rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->npods; i++)
            keys_add(
                &k,
                ns_key(m->pods[i].spec ? m->pods[i].spec->namespace_name : NULL,
                       m->pods[i].name),
                is_new, i, m->pods[i].file, m->pods[i].line, m->pods[i].col);
    }
    if ((rc = keys_check(&k, "Pod", err)))
        return rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->ntemplates; i++) {
            const ks_manifest_template *t = &m->templates[i];
            char *nk = ns_key(t->namespace_name, t->name);
            keys_add(&k, ks_xasprintf("%s %s", t->kind, nk), is_new, i,
                     t->file, t->line, t->col);
            free(nk);
        }
    }
    if ((rc = keys_check(&k, "workload", err)))
        return rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->npriority_classes; i++)
            keys_add(&k, ks_xstrdup(m->priority_classes[i].name), is_new, i,
                     m->priority_classes[i].file, m->priority_classes[i].line,
                     m->priority_classes[i].col);
    }
    if ((rc = keys_check(&k, "PriorityClass", err)))
        return rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->npdbs; i++)
            keys_add(&k, ns_key(m->pdbs[i].namespace_name, m->pdbs[i].name),
                     is_new, i, m->pdbs[i].file, m->pdbs[i].line,
                     m->pdbs[i].col);
    }
    if ((rc = keys_check(&k, "PodDisruptionBudget", err)))
        return rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->nservices; i++)
            keys_add(&k,
                     ns_key(m->services[i].namespace_name,
                            m->services[i].name),
                     is_new, i, m->services[i].file, m->services[i].line,
                     m->services[i].col);
    }
    if ((rc = keys_check(&k, "Service", err)))
        return rc;
    for (int is_new = 0; is_new < 2; is_new++) {
        const ks_manifests *m = is_new ? add : old;
        for (size_t i = 0; i < m->nhpas; i++)
            keys_add(&k, ns_key(m->hpas[i].namespace_name, m->hpas[i].name),
                     is_new, i, m->hpas[i].file, m->hpas[i].line,
                     m->hpas[i].col);
    }
    return keys_check(&k, "HorizontalPodAutoscaler", err);
}

/* Appends src[0..n) (elements of size sz) to *dst holding *dn. */
static void *append_all(void *dst, size_t *dn, const void *src, size_t n,
                        size_t sz)
{
    if (!n)
        return dst;
    dst = ks_xrealloc(dst, (*dn + n) * sz);
    memcpy((char *)dst + *dn * sz, src, n * sz);
    *dn += n;
    return dst;
}

/* Moves everything of add into into; add is left empty. */
static void merge(ks_manifests *into, ks_manifests *add)
{
    into->nodes = append_all(into->nodes, &into->nnodes, add->nodes,
                             add->nnodes, sizeof *add->nodes);
    into->pods = append_all(into->pods, &into->npods, add->pods, add->npods,
                            sizeof *add->pods);
    into->templates = append_all(into->templates, &into->ntemplates,
                                 add->templates, add->ntemplates,
                                 sizeof *add->templates);
    into->priority_classes = append_all(
        into->priority_classes, &into->npriority_classes,
        add->priority_classes, add->npriority_classes,
        sizeof *add->priority_classes);
    into->pdbs = append_all(into->pdbs, &into->npdbs, add->pdbs, add->npdbs,
                            sizeof *add->pdbs);
    into->services = append_all(into->services, &into->nservices,
                                add->services, add->nservices,
                                sizeof *add->services);
    into->hpas = append_all(into->hpas, &into->nhpas, add->hpas, add->nhpas,
                            sizeof *add->hpas);
    into->files = append_all(into->files, &into->nfiles, add->files,
                             add->nfiles, sizeof *add->files);
    for (size_t i = 0; i < add->nwarnings; i++) {
        size_t j = 0;
        while (j < into->nwarnings &&
               strcmp(into->warnings[j], add->warnings[i]))
            j++;
        if (j < into->nwarnings) {
            free(add->warnings[i]);
            continue;
        }
        into->warnings = ks_xrealloc(
            into->warnings, (into->nwarnings + 1) * sizeof *into->warnings);
        into->warnings[into->nwarnings++] = add->warnings[i];
    }
    free(add->nodes);
    free(add->pods);
    free(add->templates);
    free(add->priority_classes);
    free(add->pdbs);
    free(add->services);
    free(add->hpas);
    free(add->files);
    free(add->warnings);
    memset(add, 0, sizeof *add);
}

/* ---- entry points
 * ---------------------------------------------------------------- */

int ks_manifests_load_buffer(const char *buf, size_t len, const char *name,
                             ks_manifests *into, ks_error *err)
{
    ks_error_clear(err);
    ks_manifests add = {0};
    ld l;
    memset(&l, 0, sizeof l);
    l.out = &add;
    add.files = ks_xcalloc(1, sizeof *add.files);
    add.files[0] = ks_xstrdup(name ? name : "<manifests>");
    add.nfiles = 1;
    l.file = add.files[0];
    l.c.file = l.file;
    l.c.err = err;
    ks_yt_node **docs = NULL;
    size_t ndocs = 0;
    int rc = ks_yt_parse_stream(buf, len, l.file, &docs, &ndocs, err);
    if (!rc && !ndocs)
        rc = ks_error_set(err, KS_EPARSE, l.file, 1, 1,
                          "no Kubernetes object in the input");
    for (size_t i = 0; !rc && i < ndocs; i++)
        rc = load_object(&l, docs[i], NULL, NULL);
    ks_yt_free_stream(docs, ndocs);
    free(l.warned.slots);
    if (!rc)
        rc = check_duplicates(into, &add, err);
    if (rc) {
        ks_manifests_free(&add);
        return rc;
    }
    merge(into, &add);
    return 0;
}

int ks_manifests_load_file(const char *path, ks_manifests *into,
                           ks_error *err)
{
    ks_error_clear(err);
    char *text;
    size_t len;
    int rc = ks_read_file(path, "manifests", &text, &len, err);
    if (!rc)
        rc = ks_manifests_load_buffer(text, len, path, into, err);
    free(text);
    return rc;
}

/* ---- priorities
 * ----------------------------------------------------------------- */

typedef struct pclass {
    const char *name;
    int32_t value;
    int preemption_never;
} pclass;

static int find_class(const ks_manifests *m, const char *name, pclass *out)
{
    for (size_t i = 0; i < m->npriority_classes; i++)
        if (!strcmp(m->priority_classes[i].name, name)) {
            out->name = m->priority_classes[i].name;
            out->value = m->priority_classes[i].value;
            out->preemption_never = m->priority_classes[i].preemption_never;
            return 1;
        }
    /* The API server always has the two system classes. */
    if (!strcmp(name, "system-node-critical") ||
        !strcmp(name, "system-cluster-critical")) {
        out->name = name;
        out->value = name[7] == 'n' ? SYSTEM_NODE_CRITICAL
                                    : SYSTEM_CLUSTER_CRITICAL;
        out->preemption_never = 0;
        return 1;
    }
    return 0;
}

/* getDefaultPriorityClass: of several global defaults (a race the
 * admission check cannot rule out), the one with the lowest value. */
static const ks_manifest_priority_class *default_class(const ks_manifests *m)
{
    const ks_manifest_priority_class *best = NULL;
    for (size_t i = 0; i < m->npriority_classes; i++) {
        const ks_manifest_priority_class *pc = &m->priority_classes[i];
        if (pc->global_default && (!best || pc->value < best->value))
            best = pc;
    }
    return best;
}

static void push_warning(ks_manifests *m, const char *text)
{
    for (size_t i = 0; i < m->nwarnings; i++)
        if (!strcmp(m->warnings[i], text))
            return;
    m->warnings = ks_xrealloc(m->warnings,
                              (m->nwarnings + 1) * sizeof *m->warnings);
    m->warnings[m->nwarnings++] = ks_xstrdup(text);
}

/* The Priority admission plugin for one pod (who names it in errors). */
static int admit(ks_manifests *m, ks_manifest_pod *pod, const char *who,
                 ks_error *err)
{
    pclass pc = {0};
    int have = 0;
    const char *name = pod->priority_class_name;
    if (name && *name) {
        have = find_class(m, name, &pc);
        if (!have && !pod->has_priority)
            return ks_error_set(err, KS_ENOENT, pod->file, pod->line,
                                pod->col,
                                "%s: no PriorityClass with name %s was found",
                                who, name);
        if (!have) {
            char text[300];
            snprintf(text, sizeof text,
                     "PriorityClass %s not loaded: its pods keep their "
                     "spec.priority",
                     name);
            push_warning(m, text);
        }
    } else {
        const ks_manifest_priority_class *d = default_class(m);
        /* An admitted pod (it carries spec.priority) keeps its value: the
         * default class may have come after it. */
        if (d && !pod->has_priority) {
            pc.name = d->name;
            pc.value = d->value;
            pc.preemption_never = d->preemption_never;
            have = 1;
            free(pod->priority_class_name);
            pod->priority_class_name = ks_xstrdup(d->name);
        }
    }
    if (have) {
        if (pod->has_priority && pod->priority != pc.value)
            return ks_error_set(
                err, KS_EINVAL, pod->file, pod->line, pod->col,
                "%s: the integer value of priority (%d) must not be provided "
                "in pod spec; priority admission controller computed %d "
                "from the given PriorityClass name",
                who, pod->priority, pc.value);
        if (pod->has_preemption_policy &&
            pod->spec->preemption_never != pc.preemption_never)
            return ks_error_set(
                err, KS_EINVAL, pod->file, pod->line, pod->col,
                "%s: the string value of PreemptionPolicy (%s) must not be "
                "provided in pod spec; priority admission controller "
                "computed %s from the given PriorityClass name",
                who,
                pod->spec->preemption_never ? "Never" : "PreemptLowerPriority",
                pc.preemption_never ? "Never" : "PreemptLowerPriority");
        pod->priority = pc.value;
        pod->spec->preemption_never = pc.preemption_never;
    } else if (!pod->has_priority) {
        pod->priority = 0; /* DefaultPriorityWhenNoDefaultClassExists */
    }
    pod->has_priority = 1;
    pod->spec->priority = pod->priority;
    return 0;
}

int ks_manifests_resolve_priorities(ks_manifests *m, ks_error *err)
{
    ks_error_clear(err);
    char who[400];
    for (size_t i = 0; i < m->npods; i++) {
        ks_manifest_pod *pod = &m->pods[i];
        if (!pod->spec)
            return ks_error_set(err, KS_ESTATE, pod->file, pod->line,
                                pod->col,
                                "pod %s was adopted before its priority "
                                "was resolved",
                                pod->name);
        snprintf(who, sizeof who, "pod %s/%s",
                 pod->spec->namespace_name ? pod->spec->namespace_name
                                           : "default",
                 pod->name);
        int rc = admit(m, pod, who, err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < m->ntemplates; i++) {
        ks_manifest_template *t = &m->templates[i];
        if (!t->pod.spec)
            continue;
        snprintf(who, sizeof who, "%s %s/%s", t->kind,
                 t->namespace_name ? t->namespace_name : "default", t->name);
        int rc = admit(m, &t->pod, who, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- freeing
 * ---------------------------------------------------------------------- */

static void free_amounts(ks_resource_amount *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i].name);
    free(a);
}

static void free_pod(ks_manifest_pod *pod)
{
    free(pod->name);
    if (pod->spec) {
        ks_pod_spec_free(pod->spec);
        free(pod->spec);
    }
    free_amounts(pod->requests, pod->nrequests);
    free_amounts(pod->nonzero_requests, pod->nnonzero_requests);
    free(pod->node_name);
    free(pod->phase);
    free(pod->priority_class_name);
    free(pod->owner_api_version);
    free(pod->owner_kind);
    free(pod->owner_name);
    free(pod->image);
}

void ks_manifests_free(ks_manifests *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nnodes; i++) {
        ks_manifest_node *n = &m->nodes[i];
        free(n->name);
        ks_node_info_free(&n->info);
        free_amounts(n->allocatable, n->nallocatable);
        free_amounts(n->capacity, n->ncapacity);
    }
    free(m->nodes);
    for (size_t i = 0; i < m->npods; i++)
        free_pod(&m->pods[i]);
    free(m->pods);
    for (size_t i = 0; i < m->ntemplates; i++) {
        free(m->templates[i].kind);
        free(m->templates[i].name);
        free(m->templates[i].namespace_name);
        free(m->templates[i].owner_kind);
        free(m->templates[i].owner_name);
        ks_label_selector_free(&m->templates[i].selector);
        free(m->templates[i].pod_template_hash);
        free_pod(&m->templates[i].pod);
    }
    free(m->templates);
    for (size_t i = 0; i < m->nservices; i++) {
        free(m->services[i].namespace_name);
        free(m->services[i].name);
        ks_labels_free(&m->services[i].selector);
    }
    free(m->services);
    for (size_t i = 0; i < m->nhpas; i++) {
        free(m->hpas[i].namespace_name);
        free(m->hpas[i].name);
        free(m->hpas[i].target_kind);
        free(m->hpas[i].target_name);
    }
    free(m->hpas);
    for (size_t i = 0; i < m->npriority_classes; i++)
        free(m->priority_classes[i].name);
    free(m->priority_classes);
    for (size_t i = 0; i < m->npdbs; i++) {
        free(m->pdbs[i].namespace_name);
        free(m->pdbs[i].name);
        ks_label_selector_free(&m->pdbs[i].selector);
    }
    free(m->pdbs);
    for (size_t i = 0; i < m->nwarnings; i++)
        free(m->warnings[i]);
    free(m->warnings);
    for (size_t i = 0; i < m->nfiles; i++)
        free(m->files[i]);
    free(m->files);
    memset(m, 0, sizeof *m);
}

void ks_manifest_pod_free(ks_manifest_pod *pod)
{
    if (!pod)
        return;
    free_pod(pod);
    memset(pod, 0, sizeof *pod);
}

int ks_manifests_admit(ks_manifests *m, ks_manifest_pod *pod, const char *who,
                       ks_error *err)
{
    ks_error_clear(err);
    if (!pod->spec)
        return ks_error_set(err, KS_ESTATE, pod->file, pod->line, pod->col,
                            "%s was adopted before its priority was "
                            "resolved",
                            who);
    /* No set: only the built-in classes exist; a warning has nowhere to
     * go and is dropped with the empty set. */
    ks_manifests none = {0};
    int rc = admit(m ? m : &none, pod, who, err);
    ks_manifests_free(&none);
    return rc;
}

/* ---- a pod template inside another document ------------------------------
 */

int ks_manifests_read_pod_template(const ks_yt_node *tmpl, const char *file,
                                   const char *kind,
                                   ks_manifests *warnings_into,
                                   ks_manifest_pod *out, ks_error *err)
{
    ks_error_clear(err);
    ks_manifests add = {0};
    ld l;
    memset(&l, 0, sizeof l);
    l.out = &add;
    l.file = file;
    l.c.file = file;
    l.c.err = err;
    l.kind = kind;
    l.obj = tmpl;
    out->spec = ks_xcalloc(1, sizeof *out->spec);
    set_place(tmpl, &l, &out->file, &out->line, &out->col);
    int rc = ks_yt_expect(&l.c, tmpl, KS_YT_MAPPING);
    if (!rc)
        rc = read_template(&l, tmpl, NULL, 1, out, NULL);
    free(l.warned.slots);
    if (!rc && warnings_into)
        merge(warnings_into, &add); /* only warnings were added */
    ks_manifests_free(&add);
    return rc;
}
