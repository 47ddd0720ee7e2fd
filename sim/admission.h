/* admission.h - two of kube-apiserver's default mutating admission plugins.
 *
 * Re-implements, as pure functions over explicit inputs:
 *   - DefaultTolerationSeconds
 *     (plugin/pkg/admission/defaulttolerationseconds/admission.go, read at
 *     aed80471): on pod create and update, a pod that does not already
 *     tolerate node.kubernetes.io/not-ready:NoExecute (resp. unreachable)
 *     gets an Exists toleration for it with tolerationSeconds 300 (the
 *     --default-not-ready-toleration-seconds and
 *     --default-unreachable-toleration-seconds flags).  "Already tolerates"
 *     is upstream's exact test: some toleration whose key is that taint's key
 *     or empty, and whose effect is NoExecute or empty; operator and value
 *     are not looked at.  The new tolerations are appended, not-ready first.
 *   - Priority (plugin/pkg/admission/priority/admission.go, read at the
 *     version with PreemptionPolicy support, acd88a09 and later): on pod
 *     create, resolve spec.priorityClassName against the PriorityClasses
 *     (no name: the globalDefault class with the lowest value, whose name is
 *     then written to the pod, or priority 0 and PreemptLowerPriority when
 *     there is none); refuse an unknown class and a pod that sets a priority
 *     or preemptionPolicy differing from the computed one.  Also the
 *     PriorityClass validation that only one globalDefault may exist.
 *     The system classes system-cluster-critical and system-node-critical are
 *     ordinary PriorityClass objects created by the apiserver at start:
 *     include ks_priority_system_classes() in the list to model them.
 *
 * How the lead calls it: on a pod create, run ks_admit_pod_priority and
 * ks_admit_default_toleration_seconds after authorization and before
 * validation/persisting; on any error, apply nothing and return err->msg
 * (the message a Kubernetes client would see) to the requester.
 *
 * Errors are values: KS_ENOENT (unknown PriorityClass), KS_EINVAL (a
 * forbidden priority or preemption policy, a second default class); the
 * message in ks_error is upstream's Forbidden message, e.g.
 *   pods "web-1" is forbidden: no PriorityClass with name gold was found
 * Ownership: the toleration array is the pod's (ks_pod_spec's, freed with
 * free()); added tolerations have strings allocated with ks_xstrdup.  All
 * other inputs are borrowed.
 */
#ifndef KS_ADMISSION_H
#define KS_ADMISSION_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/objects.h"

#define KS_TAINT_NODE_NOT_READY "node.kubernetes.io/not-ready"
#define KS_TAINT_NODE_UNREACHABLE "node.kubernetes.io/unreachable"
#define KS_DEFAULT_NOT_READY_TOLERATION_SECONDS 300
#define KS_DEFAULT_UNREACHABLE_TOLERATION_SECONDS 300

/* DefaultTolerationSeconds.Admit on a pod's tolerations: appends the missing
 * default tolerations to *tols (growing it) and returns how many were added
 * (0, 1 or 2). */
int ks_admit_default_toleration_seconds(ks_toleration **tols, size_t *ntols,
                                        int64_t not_ready_seconds,
                                        int64_t unreachable_seconds);

/* scheduling.k8s.io PriorityClass values (pkg/apis/scheduling/types.go). */
#define KS_HIGHEST_USER_DEFINABLE_PRIORITY 1000000000
#define KS_SYSTEM_CRITICAL_PRIORITY 2000000000
#define KS_SYSTEM_CLUSTER_CRITICAL "system-cluster-critical"
#define KS_SYSTEM_NODE_CRITICAL "system-node-critical"

typedef enum ks_preemption_policy {
    KS_PREEMPTION_UNSET = 0,
    KS_PREEMPT_LOWER_PRIORITY,
    KS_PREEMPT_NEVER
} ks_preemption_policy;

typedef struct ks_priority_class {
    const char *name;
    int32_t value;
    int global_default;
    ks_preemption_policy preemption_policy; /* UNSET: the class has none */
} ks_priority_class;

/* The two built-in classes: system-cluster-critical (2000000000) and
 * system-node-critical (2000001000).  A static array of *n entries. */
const ks_priority_class *ks_priority_system_classes(size_t *n);

/* The part of a pod the Priority plugin reads and writes. */
typedef struct ks_priority_pod {
    const char *name;                /* for messages; NULL or "" if unknown */
    const char *priority_class_name; /* NULL or "" = none */
    int has_priority;                /* spec.priority set by the client */
    int32_t priority;
    ks_preemption_policy preemption_policy; /* UNSET if not set */
} ks_priority_pod;

typedef struct ks_priority_result {
    int32_t priority;
    /* The class name the pod ends up with: its own, the default class's, or
     * NULL (no name and no default class).  Borrowed from the inputs. */
    const char *priority_class_name;
    /* The policy the pod ends up with: the class's, the pod's own when the
     * class has none, or PreemptLowerPriority with no default class. */
    ks_preemption_policy preemption_policy;
} ks_priority_result;

/* Priority.admitPod on create.  Returns 0 and fills out, or an error. */
int ks_admit_pod_priority(const ks_priority_class *classes, size_t nclasses,
                          const ks_priority_pod *pod, ks_priority_result *out,
                          ks_error *err);

/* Priority.validatePriorityClass on create (is_update 0) or update: a
 * globalDefault class is refused while another default exists. */
int ks_validate_priority_class(const ks_priority_class *classes,
                               size_t nclasses, const ks_priority_class *pc,
                               int is_update, ks_error *err);

#endif
