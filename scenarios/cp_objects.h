/* cp_objects.h - the objects of loaded Kubernetes manifests, created on the
 * store (sim/store.h) for a cluster run "on the store".
 *
 * scenarios/manifests.h reads manifests into ks_manifests; this module
 * writes what a `kubectl apply` of them would have stored, as the bodies of
 * sim/kinds.h, so the controllers, the kubelets and the scheduler bridge
 * take it from there:
 *
 *   Deployment   ks_deployment_body: replicas, strategy with maxSurge and
 *                maxUnavailable, minReadySeconds, progressDeadlineSeconds,
 *                revisionHistoryLimit, paused, selector, template.  The
 *                template is the one written: without the pod-template-hash
 *                label the loader adds for the scheduler-only runs (the
 *                Deployment controller on the store names and labels its
 *                ReplicaSets itself).
 *   ReplicaSet   ks_replicaset_body: replicas, minReadySeconds, selector,
 *                template (revision 0: no Deployment owns it).
 *   Job          ks_job_body: parallelism, completions (-1: a work queue),
 *                backoffLimit, activeDeadlineSeconds, and the selector the
 *                API server generates (pkg/registry/batch/job/strategy.go
 *                generateSelector): the template gains the labels
 *                batch.kubernetes.io/controller-uid=<uid>,
 *                batch.kubernetes.io/job-name=<name> and their legacy forms
 *                controller-uid and job-name, and the selector is
 *                matchLabels batch.kubernetes.io/controller-uid=<uid>.  The
 *                uid is the store's (decimal), known once the Job is
 *                created, so the body is completed in place right after the
 *                create, before any watch has seen it.
 *   DaemonSet    ks_daemonset_body: selector, template, and the
 *                template.spec fields ks_pod_template does not carry that
 *                the DaemonSet controller's node predicates read
 *                (nodeSelector, the required node affinity, hostNetwork);
 *                updateStrategy (RollingUpdate with maxUnavailable and
 *                maxSurge, or OnDelete) and minReadySeconds as the loader
 *                defaulted them (apps/v1: RollingUpdate, 1, 0; a value
 *                left unset takes that default).  The controller
 *                (sim/controllers/daemonset_controller.h) makes the pods.
 *   Service      ks_service_body: spec.selector (absent, null or {} select
 *                nothing here: the body cannot say "every pod of the
 *                namespace", and the API server's protobuf storage reads an
 *                empty map back as none).
 *   HorizontalPodAutoscaler
 *                ks_hpa_body (ks_cp_create_hpas): scaleTargetRef kind and
 *                name, minReplicas, maxReplicas, the cpu averageUtilization
 *                and the behavior, as the loader defaulted them
 *                (autoscaling/v2 defaults.go); the status empty (no scale
 *                yet, no utilization).  The target need not exist: the
 *                API server does not check, the HPA controller reports it
 *                (FailedGetScale).
 *   Pod          ks_pod_body of the pod's template (ks_cp_create_pods).
 *   Namespace    one per namespace the created objects live in ("default"
 *                included), unless the store has it; no body.
 *
 * The pod template (ks_cp_pod_template): requests from the manifest pod's
 * effective requests (cpu in millicores, the rest in base units, the names
 * registered with ks_resource_intern; -1 for what it does not request;
 * "pods" is not a container resource: the scheduler counts one per pod),
 * priority (resolved: call ks_manifests_resolve_priorities first), labels,
 * tolerations, the first container's image, ksim.io/image-size (0 when
 * absent), ksim.io/run-time (KS_TIME_NEVER when absent), restartPolicy and
 * ksim.io/crash-after (crashes and crash_after; no crash when absent),
 * terminationGracePeriodSeconds (30 when the pod does not say), the first
 * container's readinessProbe and livenessProbe timings (has_readiness,
 * has_liveness; without one the kubelet's settings apply), liveness set
 * when it has a livenessProbe, ksim.io/unhealthy-after (unhealthy_after;
 * KS_TIME_NEVER when absent: the application never hangs) and
 * ksim.io/ignores-sigterm.
 *
 * Validation the loader leaves to this step: a Job whose template gives no
 * restartPolicy has the API default Always, which batch validation refuses
 * (the scheduler-only runs accept such Jobs, so the loader does too).
 *
 * Not simulated on the store yet: StatefulSet and ReplicationController
 * (KS_EINVAL naming the object).  A template with a
 * controller owner (a ReplicaSet of a Deployment, a Job of a CronJob) is
 * skipped, as the scheduler-only runs skip it: its owner makes its own.
 *
 * Errors: 0 or a negative ks_err, with err (may be NULL) naming the
 * manifest's FILE:LINE:COL and the object.  Every template and Service of
 * the range is checked before anything is written, so a bad input creates
 * nothing; a store write that fails (no etcd quorum, a name that exists)
 * stops there, leaving the objects created before it.
 *
 * Ownership: the store adopts every body; m is only read and may be freed
 * afterwards.  The store needs ks_kinds_install.
 */
#ifndef KS_CP_OBJECTS_H
#define KS_CP_OBJECTS_H

#include <stddef.h>

#include "scenarios/manifests.h"
#include "sim/error.h"
#include "sim/kinds.h"
#include "sim/store.h"

/* Creates the workloads m->templates[begin, end) (and their namespaces). */
int ks_cp_create_templates(ks_store *s, const ks_manifests *m, size_t begin,
                           size_t end, ks_error *err);

/* Creates the Services m->services[begin, end) (and their namespaces). */
int ks_cp_create_services(ks_store *s, const ks_manifests *m, size_t begin,
                          size_t end, ks_error *err);

/* Creates the HorizontalPodAutoscalers m->hpas[begin, end) (and their
 * namespaces).  Each is checked first (a target kind other than
 * Deployment or ReplicaSet, or bounds the loader would have refused, are
 * KS_EINVAL naming the HPA), so a bad input creates nothing. */
int ks_cp_create_hpas(ks_store *s, const ks_manifests *m, size_t begin,
                      size_t end, ks_error *err);

/* Creates the Pods m->pods[begin, end) (and their namespaces): each a Pod
 * object labelled with its labels, its body ks_pod_body_new of its
 * template (Pending), bound to spec.nodeName when it names one (then the
 * node's kubelet runs it and the scheduler never sees it).  A pod with a
 * controller owner is skipped (its owner makes it), and so is a pod whose
 * status.phase is Succeeded or Failed (it would run again). */
int ks_cp_create_pods(ks_store *s, const ks_manifests *m, size_t begin,
                      size_t end, ks_error *err);

/* Fills *out (zeroed by the call; free it with ks_pod_template_free) with
 * the store's template of manifest pod mp, as described above.  Fails with
 * KS_ESTATE when mp's priority was not resolved or its spec was adopted,
 * KS_ERANGE when it names more resources than a vector holds; out is then
 * empty. */
int ks_cp_pod_template(const ks_manifest_pod *mp, ks_pod_template *out,
                       ks_error *err);

#endif
