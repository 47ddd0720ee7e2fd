/* cp_objects.c - store objects (sim/kinds.h bodies) from loaded manifests.
 *
 * What the API server would store for each object is described in
 * cp_objects.h.  Upstream sources read (re-implemented, never copied):
 *   - pkg/apis/apps/v1/defaults.go SetDefaults_Deployment and
 *     pkg/apis/batch/v1/defaults.go SetDefaults_Job: the defaults the
 *     loader applied, carried into the bodies; SetDefaults_DaemonSet
 *     (RollingUpdate, maxUnavailable 1, maxSurge 0) for a DaemonSet whose
 *     strategy the loader did not fill in (a ks_manifests built by hand);
 *   - pkg/apis/core/v1/defaults.go SetDefaults_PodSpec
 *     (terminationGracePeriodSeconds 30) and SetDefaults_Probe, applied by
 *     the loader, carried into ks_pod_template;
 *   - pkg/apis/batch/validation/validation.go validateJobSpec: a Job's
 *     template needs restartPolicy OnFailure or Never;
 *   - pkg/registry/batch/job/strategy.go generateSelector: the labels and
 *     selector the API server gives a Job without manualSelector;
 *   - pkg/apis/autoscaling/v2/defaults.go and pkg/apis/autoscaling/
 *     validation/validation.go: the HPA fields the loader defaulted and
 *     validated, carried into ks_hpa_body (checked again here, as a
 *     ks_manifests may be built by hand).
 */
#include "scenarios/cp_objects.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/resources.h"
#include "sim/xalloc.h"

/* generateSelector's label keys (batch/v1 types.go). */
#define JOB_CONTROLLER_UID "batch.kubernetes.io/controller-uid"
#define JOB_NAME "batch.kubernetes.io/job-name"
#define LEGACY_CONTROLLER_UID "controller-uid"
#define LEGACY_JOB_NAME "job-name"

/* core/v1 DefaultTerminationGracePeriodSeconds. */
#define DEFAULT_TERMINATION_GRACE_S 30

static const char *ns_or_default(const char *ns)
{
    return ns ? ns : "default";
}

/* ---- the pod template ------------------------------------------------------ */

static ks_restart_policy restart_policy_of(ks_manifest_restart_policy p)
{
    switch (p) {
    case KS_MANIFEST_RESTART_ON_FAILURE:
        return KS_RESTART_ON_FAILURE;
    case KS_MANIFEST_RESTART_NEVER:
        return KS_RESTART_NEVER;
    case KS_MANIFEST_RESTART_ALWAYS:
        break;
    }
    return KS_RESTART_ALWAYS;
}

/* A loaded probe's timings (sim/probe.h's settings). */
static ks_probe probe_of(const ks_manifest_probe *p)
{
    return (ks_probe){p->initial_delay_s, p->period_s, p->timeout_s,
                      p->success_threshold, p->failure_threshold};
}

/* The labels of src without key drop (NULL: all of them), into dst. */
static void labels_without(ks_labels *dst, const ks_labels *src,
                           const char *drop)
{
    *dst = (ks_labels){0};
    for (size_t i = 0; i < src->n; i++)
        if (!drop || strcmp(src->items[i].key, drop) != 0)
            ks_labels_set(dst, src->items[i].key, src->items[i].value);
}

/* The template of mp, its labels without drop_label (may be NULL). */
static int pod_template(const ks_manifest_pod *mp, const char *drop_label,
                        ks_pod_template *out, ks_error *err)
{
    *out = (ks_pod_template){0};
    if (!mp->spec)
        return ks_error_set(err, KS_ESTATE, mp->file, mp->line, mp->col,
                            "the pod's spec was adopted by a cluster");
    if (!mp->has_priority)
        return ks_error_set(err, KS_ESTATE, mp->file, mp->line, mp->col,
                            "the pod's priority is not resolved (call "
                            "ks_manifests_resolve_priorities first)");
    /* A view borrowing mp's strings and arrays; ks_pod_template_copy
     * makes the owned copy (so fields added to the template later are
     * copied too). */
    ks_pod_template view = {0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        view.requests[r] = -1;
    for (size_t i = 0; i < mp->nrequests; i++) {
        int r = ks_resource_intern(mp->requests[i].name);
        if (r < 0)
            return ks_error_set(err, KS_ERANGE, mp->file, mp->line, mp->col,
                                "cannot track resource %s (more than %d "
                                "resource names in the run)",
                                mp->requests[i].name, KS_RES_COUNT);
        view.requests[r] = mp->requests[i].value;
    }
    view.image = mp->image;
    view.image_size = mp->has_image_size ? mp->image_size : 0;
    view.run_time = mp->has_run_time ? (ks_time)mp->run_time_ns
                                     : KS_TIME_NEVER;
    view.priority = mp->priority;
    view.termination_grace_s = mp->has_termination_grace
                                   ? mp->termination_grace_s
                                   : DEFAULT_TERMINATION_GRACE_S;
    view.tolerations = mp->spec->tolerations;
    view.ntolerations = mp->spec->ntolerations;
    view.restart_policy = restart_policy_of(mp->restart_policy);
    view.crashes = mp->has_crash_after;
    view.crash_after = mp->has_crash_after ? (ks_time)mp->crash_after_ns
                                           : KS_TIME_NEVER;
    /* A livenessProbe gives the container its liveness model; the
     * application hangs ksim.io/unhealthy-after after each start. */
    view.liveness = mp->has_liveness_probe;
    view.unhealthy_after = mp->has_unhealthy_after
                               ? (ks_time)mp->unhealthy_after_ns
                               : KS_TIME_NEVER;
    view.ignores_sigterm = mp->ignores_sigterm;
    view.has_readiness = mp->has_readiness_probe;
    if (view.has_readiness)
        view.readiness = probe_of(&mp->readiness_probe);
    view.has_liveness = mp->has_liveness_probe;
    if (view.has_liveness)
        view.liveness_probe = probe_of(&mp->liveness_probe);
    labels_without(&view.labels, &mp->spec->labels, drop_label);
    ks_pod_template_copy(out, &view);
    ks_labels_free(&view.labels);
    return 0;
}

int ks_cp_pod_template(const ks_manifest_pod *mp, ks_pod_template *out,
                       ks_error *err)
{
    ks_error_clear(err);
    return pod_template(mp, NULL, out, err);
}

/* ---- checks before writing ---------------------------------------------------- */

typedef enum what {
    WHAT_SKIP = 0, /* owned by a controller: its owner makes it */
    WHAT_DEPLOYMENT,
    WHAT_REPLICASET,
    WHAT_JOB,
    WHAT_DAEMONSET
} what;

/* What t becomes on the store, or an error. */
static int classify(const ks_manifest_template *t, what *out, ks_error *err)
{
    const char *ns = ns_or_default(t->namespace_name);
    *out = WHAT_SKIP;
    if (!strcmp(t->kind, "Deployment"))
        *out = WHAT_DEPLOYMENT;
    else if (!strcmp(t->kind, "ReplicaSet"))
        *out = WHAT_REPLICASET;
    else if (!strcmp(t->kind, "Job"))
        *out = WHAT_JOB;
    else if (!strcmp(t->kind, "DaemonSet"))
        *out = WHAT_DAEMONSET;
    else
        return ks_error_set(err, KS_EINVAL, t->file, t->line, t->col,
                            "%s %s/%s: kind %s is not yet simulated on the "
                            "store (Deployment, ReplicaSet, DaemonSet and "
                            "Job are)",
                            t->kind, ns, t->name, t->kind);
    if (t->owner_kind) {
        *out = WHAT_SKIP;
        return 0;
    }
    if (*out != WHAT_JOB && !t->has_selector)
        return ks_error_set(err, KS_EINVAL, t->file, t->line, t->col,
                            "%s %s/%s: spec.selector is required (apps/v1)",
                            t->kind, ns, t->name);
    if (*out == WHAT_JOB &&
        t->pod.restart_policy == KS_MANIFEST_RESTART_ALWAYS)
        return ks_error_set(err, KS_EINVAL, t->file, t->line, t->col,
                            "Job %s/%s: spec.template.spec.restartPolicy: "
                            "Unsupported value: \"Always\"%s: supported "
                            "values: \"OnFailure\", \"Never\"",
                            ns, t->name,
                            t->pod.has_restart_policy ? ""
                                                      : " (the default)");
    if (!t->pod.spec)
        return ks_error_set(err, KS_ESTATE, t->file, t->line, t->col,
                            "%s %s/%s: its pod spec was adopted by a cluster",
                            t->kind, ns, t->name);
    if (!t->pod.has_priority)
        return ks_error_set(err, KS_ESTATE, t->file, t->line, t->col,
                            "%s %s/%s: its priority is not resolved (call "
                            "ks_manifests_resolve_priorities first)",
                            t->kind, ns, t->name);
    return 0;
}

/* ---- writes ------------------------------------------------------------------- */

/* Creates Namespace ns unless the store has it. */
static int ensure_namespace(ks_store *s, const char *ns, const char *file,
                            int line, int col, ks_error *err)
{
    if (ks_store_find(s, KS_KIND_NAMESPACE, NULL, ns))
        return 0;
    ks_object_spec spec = {.kind = KS_KIND_NAMESPACE, .name = ns};
    int rc = ks_store_create_object(s, &spec, NULL);
    if (rc)
        return ks_error_set(err, rc, file, line, col,
                            "cannot create Namespace %s on the store: %s", ns,
                            ks_strerror(rc));
    return 0;
}

/* Creates the object (its namespace must exist); the store adopts body
 * or frees it. */
static int create(ks_store *s, ks_kind kind, const char *ns, const char *name,
                  void *body, const char *file, int line, int col,
                  uint64_t *uid, ks_error *err)
{
    ks_object_spec spec = {
        .kind = kind, .namespace_name = ns, .name = name, .body = body};
    int rc = ks_store_create_object(s, &spec, uid);
    if (rc)
        return ks_error_set(err, rc, file, line, col,
                            "cannot create %s %s/%s on the store: %s",
                            ks_kind_name(kind), ns, name, ks_strerror(rc));
    return 0;
}

static void *deployment_body(const ks_manifest_template *t,
                             const ks_pod_template *tmpl)
{
    ks_deployment_body *b = ks_xcalloc(1, sizeof *b);
    ks_deployment_body_defaults(b);
    b->replicas = t->replicas;
    b->min_ready_s = t->min_ready_seconds;
    b->revision_history_limit = t->revision_history_limit;
    b->progress_deadline_s = t->progress_deadline_seconds;
    b->paused = t->paused;
    if (t->strategy == KS_MANIFEST_RECREATE) {
        /* rollingUpdate is nil: nothing to surge or take down. */
        b->strategy = KS_STRATEGY_RECREATE;
        b->max_surge = (ks_int_or_percent){0, 0};
        b->max_unavailable = (ks_int_or_percent){0, 0};
    } else {
        b->strategy = KS_STRATEGY_ROLLING_UPDATE;
        b->max_surge = (ks_int_or_percent){t->max_surge.is_percent,
                                           t->max_surge.value};
        b->max_unavailable = (ks_int_or_percent){t->max_unavailable.is_percent,
                                                 t->max_unavailable.value};
    }
    ks_label_selector_copy(&b->selector, &t->selector);
    b->template = *tmpl; /* moved */
    return b;
}

static void *replicaset_body(const ks_manifest_template *t,
                             const ks_pod_template *tmpl)
{
    ks_replicaset_body *b = ks_xcalloc(1, sizeof *b);
    b->replicas = t->replicas;
    b->min_ready_s = t->min_ready_seconds;
    ks_label_selector_copy(&b->selector, &t->selector);
    b->template = *tmpl; /* moved */
    return b;
}

static void *job_body(const ks_manifest_template *t,
                      const ks_pod_template *tmpl)
{
    ks_job_body *b = ks_xcalloc(1, sizeof *b);
    ks_job_body_defaults(b);
    b->parallelism = t->replicas;
    b->completions = t->completions;
    b->backoff_limit = t->backoff_limit;
    if (t->active_deadline_seconds >= 0)
        b->active_deadline = (ks_time)t->active_deadline_seconds * KS_SECOND;
    b->template = *tmpl; /* moved; the selector comes after the create */
    return b;
}

/* The DaemonSet: updateStrategy and minReadySeconds as loaded (a value the
 * loader left unset takes the apps/v1 default: RollingUpdate,
 * maxUnavailable 1, maxSurge 0), the selector, the template, and the
 * template.spec fields the controller's node predicates read
 * (nodeSelector, the required node affinity, hostNetwork).  tmpl is
 * consumed. */
static void *daemonset_body(const ks_manifest_template *t,
                            ks_pod_template *tmpl)
{
    /* A view borrowing t's selector and affinity and tmpl; the copy owns
     * everything. */
    ks_daemonset_body view = {0};
    ks_daemonset_body_defaults(&view);
    view.min_ready_s = t->min_ready_seconds;
    view.strategy = t->strategy == KS_MANIFEST_ON_DELETE
                        ? KS_DS_ON_DELETE
                        : KS_DS_ROLLING_UPDATE;
    if (t->max_unavailable.set)
        view.max_unavailable = (ks_int_or_percent){
            t->max_unavailable.is_percent, t->max_unavailable.value};
    if (t->max_surge.set)
        view.max_surge = (ks_int_or_percent){t->max_surge.is_percent,
                                             t->max_surge.value};
    view.selector = t->selector;
    view.template = *tmpl;
    view.node_selector = t->pod.spec->node_selector;
    view.has_required_affinity = t->pod.spec->node_affinity.has_required;
    if (view.has_required_affinity)
        view.required_affinity = t->pod.spec->node_affinity.required;
    view.host_network = t->pod.host_network;
    ks_daemonset_body *b = ks_daemonset_body_copy(&view);
    ks_pod_template_free(tmpl);
    return b;
}

/* generateSelector, with the uid the store gave the Job: done in place
 * before any watch delivers the Job (deliveries go through the engine). */
static void generate_job_selector(ks_store *s, uint64_t uid,
                                  const char *name)
{
    ks_job_body *b = ks_store_body(s, uid);
    char id[24];
    snprintf(id, sizeof id, "%" PRIu64, uid);
    ks_labels_set(&b->template.labels, JOB_CONTROLLER_UID, id);
    ks_labels_set(&b->template.labels, JOB_NAME, name);
    ks_labels_set(&b->template.labels, LEGACY_CONTROLLER_UID, id);
    ks_labels_set(&b->template.labels, LEGACY_JOB_NAME, name);
    ks_label_selector_free(&b->selector);
    b->selector = (ks_label_selector){0};
    ks_labels_set(&b->selector.match_labels, JOB_CONTROLLER_UID, id);
}

static int create_template(ks_store *s, const ks_manifest_template *t, what w,
                           ks_error *err)
{
    const char *ns = ns_or_default(t->namespace_name);
    ks_pod_template tmpl;
    if (w == WHAT_SKIP)
        return 0;
    int rc = ensure_namespace(s, ns, t->file, t->line, t->col, err);
    if (rc)
        return rc;
    /* The Deployment's own template, without the loader's hash label. */
    rc = pod_template(&t->pod,
                          w == WHAT_DEPLOYMENT && t->pod_template_hash
                              ? "pod-template-hash"
                              : NULL,
                          &tmpl, err);
    if (rc) {
        ks_pod_template_free(&tmpl);
        return rc;
    }
    void *body;
    ks_kind kind;
    switch (w) {
    case WHAT_DEPLOYMENT:
        body = deployment_body(t, &tmpl);
        kind = KS_KIND_DEPLOYMENT;
        break;
    case WHAT_REPLICASET:
        body = replicaset_body(t, &tmpl);
        kind = KS_KIND_REPLICASET;
        break;
    case WHAT_JOB:
        body = job_body(t, &tmpl);
        kind = KS_KIND_JOB;
        break;
    case WHAT_DAEMONSET:
        body = daemonset_body(t, &tmpl);
        kind = KS_KIND_DAEMONSET;
        break;
    case WHAT_SKIP:
    default:
        ks_pod_template_free(&tmpl);
        return 0; /* not reached: skipped above */
    }
    uint64_t uid = 0;
    if ((rc = create(s, kind, ns, t->name, body, t->file, t->line, t->col,
                     &uid, err)))
        return rc;
    if (w == WHAT_JOB)
        generate_job_selector(s, uid, t->name);
    return 0;
}

int ks_cp_create_templates(ks_store *s, const ks_manifests *m, size_t begin,
                           size_t end, ks_error *err)
{
    ks_error_clear(err);
    if (begin > end || end > m->ntemplates)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "templates [%zu, %zu) out of the %zu loaded",
                            begin, end, m->ntemplates);
    what *plan = ks_xcalloc(end - begin + 1, sizeof *plan);
    int rc = 0;
    for (size_t i = begin; i < end && !rc; i++)
        rc = classify(&m->templates[i], &plan[i - begin], err);
    for (size_t i = begin; i < end && !rc; i++)
        rc = create_template(s, &m->templates[i], plan[i - begin], err);
    free(plan);
    return rc;
}

int ks_cp_create_services(ks_store *s, const ks_manifests *m, size_t begin,
                          size_t end, ks_error *err)
{
    ks_error_clear(err);
    if (begin > end || end > m->nservices)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "services [%zu, %zu) out of the %zu loaded",
                            begin, end, m->nservices);
    for (size_t i = begin; i < end; i++) {
        const ks_manifest_service *svc = &m->services[i];
        const char *ns = ns_or_default(svc->namespace_name);
        int rc = ensure_namespace(s, ns, svc->file, svc->line, svc->col, err);
        if (rc)
            return rc;
        ks_service_body *b = ks_xcalloc(1, sizeof *b);
        if (svc->has_selector)
            labels_without(&b->selector, &svc->selector, NULL);
        if ((rc = create(s, KS_KIND_SERVICE, ns, svc->name, b, svc->file,
                         svc->line, svc->col, NULL, err)))
            return rc;
    }
    return 0;
}

/* ---- HorizontalPodAutoscalers --------------------------------------------------- */

/* What validateHorizontalPodAutoscalerSpec and the loader guarantee, for
 * an HPA that did not come from the loader. */
static int check_hpa(const ks_manifest_hpa *h, ks_error *err)
{
    const char *ns = ns_or_default(h->namespace_name);
    const char *why = NULL;
    if (!h->name || !h->target_name || !h->target_kind)
        why = "a name and a scaleTargetRef kind and name are required";
    else if (strcmp(h->target_kind, "Deployment") &&
             strcmp(h->target_kind, "ReplicaSet"))
        why = "ksim scales a Deployment or a ReplicaSet";
    else if (h->min_replicas < 1 || h->max_replicas < h->min_replicas)
        why = "needs 1 <= minReplicas <= maxReplicas";
    else if (h->target_utilization < 1)
        why = "averageUtilization must be greater than 0";
    else if (h->scale_up.n_policies < 0 ||
             h->scale_up.n_policies > KS_HPA_MAX_POLICIES ||
             h->scale_down.n_policies < 0 ||
             h->scale_down.n_policies > KS_HPA_MAX_POLICIES)
        why = "too many scaling policies";
    if (why)
        return ks_error_set(err, KS_EINVAL, h->file, h->line, h->col,
                            "HorizontalPodAutoscaler %s/%s: %s", ns,
                            h->name ? h->name : "", why);
    return 0;
}

static ks_hpa_body *hpa_body(const ks_manifest_hpa *h)
{
    ks_hpa_body view;
    memset(&view, 0, sizeof view);
    ks_hpa_body_defaults(&view);
    view.target_kind = !strcmp(h->target_kind, "ReplicaSet")
                           ? KS_KIND_REPLICASET
                           : KS_KIND_DEPLOYMENT;
    view.target_name = h->target_name; /* borrowed: the copy owns it */
    view.min_replicas = h->min_replicas;
    view.max_replicas = h->max_replicas;
    view.target_utilization = h->target_utilization;
    view.has_behavior = h->has_behavior;
    view.scale_up = h->scale_up;
    view.scale_down = h->scale_down;
    return ks_hpa_body_copy(&view);
}

int ks_cp_create_hpas(ks_store *s, const ks_manifests *m, size_t begin,
                      size_t end, ks_error *err)
{
    ks_error_clear(err);
    if (begin > end || end > m->nhpas)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "HPAs [%zu, %zu) out of the %zu loaded", begin,
                            end, m->nhpas);
    for (size_t i = begin; i < end; i++) {
        int rc = check_hpa(&m->hpas[i], err);
        if (rc)
            return rc;
    }
    for (size_t i = begin; i < end; i++) {
        const ks_manifest_hpa *h = &m->hpas[i];
        const char *ns = ns_or_default(h->namespace_name);
        int rc = ensure_namespace(s, ns, h->file, h->line, h->col, err);
        if (!rc)
            rc = create(s, KS_KIND_HPA, ns, h->name, hpa_body(h), h->file,
                        h->line, h->col, NULL, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- bare pods ------------------------------------------------------------------ */

/* Whether mp becomes a Pod object: not owned by a controller (its owner
 * makes it) and not finished (it would run again). */
static int pod_wanted(const ks_manifest_pod *mp)
{
    if (mp->owner_kind)
        return 0;
    return !mp->phase || (strcmp(mp->phase, "Succeeded") != 0 &&
                          strcmp(mp->phase, "Failed") != 0);
}

static const char *pod_namespace(const ks_manifest_pod *mp)
{
    return ns_or_default(mp->spec ? mp->spec->namespace_name : NULL);
}

int ks_cp_create_pods(ks_store *s, const ks_manifests *m, size_t begin,
                      size_t end, ks_error *err)
{
    ks_error_clear(err);
    if (begin > end || end > m->npods)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "pods [%zu, %zu) out of the %zu loaded", begin,
                            end, m->npods);
    for (size_t i = begin; i < end; i++) {
        const ks_manifest_pod *mp = &m->pods[i];
        if (!pod_wanted(mp))
            continue;
        if (!mp->spec || !mp->has_priority)
            return ks_error_set(err, KS_ESTATE, mp->file, mp->line, mp->col,
                                "Pod %s/%s: %s", pod_namespace(mp), mp->name,
                                !mp->spec ? "its spec was adopted by a "
                                            "cluster"
                                          : "its priority is not resolved "
                                            "(call "
                                            "ks_manifests_resolve_priorities "
                                            "first)");
    }
    for (size_t i = begin; i < end; i++) {
        const ks_manifest_pod *mp = &m->pods[i];
        if (!pod_wanted(mp))
            continue;
        const char *ns = pod_namespace(mp);
        ks_pod_template tmpl;
        int rc = ensure_namespace(s, ns, mp->file, mp->line, mp->col, err);
        if (!rc)
            rc = pod_template(mp, NULL, &tmpl, err);
        if (rc)
            return rc;
        ks_pod_body *b = ks_pod_body_new(&tmpl);
        ks_object_spec spec = {.kind = KS_KIND_POD,
                               .namespace_name = ns,
                               .name = mp->name,
                               .labels = &tmpl.labels,
                               .node_name = mp->node_name,
                               .body = b};
        rc = ks_store_create_object(s, &spec, NULL); /* adopts or frees b */
        ks_pod_template_free(&tmpl);
        if (rc)
            return ks_error_set(err, rc, mp->file, mp->line, mp->col,
                                "cannot create Pod %s/%s on the store: %s",
                                ns, mp->name, ks_strerror(rc));
    }
    return 0;
}
