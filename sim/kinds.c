/* kinds.c - copies and frees of the shared object bodies. */
#include "sim/kinds.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

static void install_more(ks_store *s);
static void install_daemonset(ks_store *s);

static void labels_copy(ks_labels *dst, const ks_labels *src)
{
    *dst = (ks_labels){0};
    for (size_t i = 0; src && i < src->n; i++)
        ks_labels_set(dst, src->items[i].key, src->items[i].value);
}

void ks_label_selector_copy(ks_label_selector *dst,
                            const ks_label_selector *src)
{
    *dst = (ks_label_selector){0};
    labels_copy(&dst->match_labels, &src->match_labels);
    if (src->nexpressions) {
        dst->match_expressions =
            ks_xcalloc(src->nexpressions, sizeof *dst->match_expressions);
        dst->nexpressions = src->nexpressions;
    }
    for (size_t i = 0; i < src->nexpressions; i++) {
        const ks_requirement *r = &src->match_expressions[i];
        ks_requirement *d = &dst->match_expressions[i];
        d->key = ks_xstrdup(r->key);
        d->op = r->op;
        d->nvalues = r->nvalues;
        d->values = r->nvalues ? ks_xcalloc(r->nvalues, sizeof *d->values)
                               : NULL;
        for (size_t k = 0; k < r->nvalues; k++)
            d->values[k] = ks_xstrdup(r->values[k]);
    }
}

static char *dup_or_null(const char *s)
{
    return s ? ks_xstrdup(s) : NULL;
}

/* ---- template identity (controllers' "has the template changed") ---- */

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

/* A string with its terminator (NULL hashes as a lone 0xff byte). */
static uint64_t fnv_string(uint64_t h, const char *s)
{
    if (!s)
        return fnv_bytes(h, "\xff", 1);
    return fnv_bytes(h, s, strlen(s) + 1);
}

static int skipped(const char *key, const char *skip)
{
    return skip && strcmp(key, skip) == 0;
}

static uint64_t fnv_probe(uint64_t h, const ks_probe *p)
{
    h = fnv_bytes(h, &p->initial_delay_s, sizeof p->initial_delay_s);
    h = fnv_bytes(h, &p->period_s, sizeof p->period_s);
    h = fnv_bytes(h, &p->timeout_s, sizeof p->timeout_s);
    h = fnv_bytes(h, &p->success_threshold, sizeof p->success_threshold);
    return fnv_bytes(h, &p->failure_threshold, sizeof p->failure_threshold);
}

uint64_t ks_pod_template_hash(const ks_pod_template *t, const char *skip_label)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv_bytes(h, t->requests, sizeof t->requests);
    h = fnv_string(h, t->image);
    h = fnv_bytes(h, &t->image_size, sizeof t->image_size);
    h = fnv_bytes(h, &t->run_time, sizeof t->run_time);
    h = fnv_bytes(h, &t->priority, sizeof t->priority);
    h = fnv_bytes(h, &t->termination_grace_s, sizeof t->termination_grace_s);
    for (size_t i = 0; i < t->labels.n; i++)
        if (!skipped(t->labels.items[i].key, skip_label)) {
            h = fnv_string(h, t->labels.items[i].key);
            h = fnv_string(h, t->labels.items[i].value);
        }
    h = fnv_bytes(h, &t->ntolerations, sizeof t->ntolerations);
    for (size_t i = 0; i < t->ntolerations; i++) {
        const ks_toleration *x = &t->tolerations[i];
        h = fnv_string(h, x->key);
        h = fnv_string(h, x->value);
        h = fnv_bytes(h, &x->op, sizeof x->op);
        h = fnv_bytes(h, &x->effect, sizeof x->effect);
        h = fnv_bytes(h, &x->has_seconds, sizeof x->has_seconds);
        h = fnv_bytes(h, &x->toleration_seconds, sizeof x->toleration_seconds);
    }
    h = fnv_bytes(h, &t->restart_policy, sizeof t->restart_policy);
    h = fnv_bytes(h, &t->crashes, sizeof t->crashes);
    h = fnv_bytes(h, &t->crash_after, sizeof t->crash_after);
    h = fnv_bytes(h, &t->liveness, sizeof t->liveness);
    h = fnv_bytes(h, &t->unhealthy_after, sizeof t->unhealthy_after);
    h = fnv_bytes(h, &t->ignores_sigterm, sizeof t->ignores_sigterm);
    h = fnv_bytes(h, &t->has_readiness, sizeof t->has_readiness);
    h = fnv_probe(h, &t->readiness);
    h = fnv_bytes(h, &t->has_liveness, sizeof t->has_liveness);
    h = fnv_probe(h, &t->liveness_probe);
    /* the memory model only when set: a template without one keeps the
     * hash (and its pods the names) it had before the fields existed */
    if (t->memory_limit || t->memory_usage || t->memory_leak) {
        h = fnv_bytes(h, &t->memory_limit, sizeof t->memory_limit);
        h = fnv_bytes(h, &t->memory_usage, sizeof t->memory_usage);
        h = fnv_bytes(h, &t->memory_leak, sizeof t->memory_leak);
    }
    return h;
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_labels_but(const ks_labels *a, const ks_labels *b,
                           const char *skip)
{
    size_t i = 0, k = 0;
    for (;;) { /* both sorted by key */
        while (i < a->n && skipped(a->items[i].key, skip))
            i++;
        while (k < b->n && skipped(b->items[k].key, skip))
            k++;
        if (i == a->n || k == b->n)
            return i == a->n && k == b->n;
        if (strcmp(a->items[i].key, b->items[k].key) != 0 ||
            strcmp(a->items[i].value, b->items[k].value) != 0)
            return 0;
        i++;
        k++;
    }
}

static int same_tolerations(const ks_pod_template *a, const ks_pod_template *b)
{
    if (a->ntolerations != b->ntolerations)
        return 0;
    for (size_t i = 0; i < a->ntolerations; i++) {
        const ks_toleration *x = &a->tolerations[i], *y = &b->tolerations[i];
        if (!same_string(x->key, y->key) || !same_string(x->value, y->value) ||
            x->op != y->op || x->effect != y->effect ||
            x->has_seconds != y->has_seconds ||
            x->toleration_seconds != y->toleration_seconds)
            return 0;
    }
    return 1;
}

static int same_probe(const ks_probe *a, const ks_probe *b)
{
    return a->initial_delay_s == b->initial_delay_s &&
           a->period_s == b->period_s && a->timeout_s == b->timeout_s &&
           a->success_threshold == b->success_threshold &&
           a->failure_threshold == b->failure_threshold;
}

int ks_pod_template_equal(const ks_pod_template *a, const ks_pod_template *b,
                          const char *skip_label)
{
    return memcmp(a->requests, b->requests, sizeof a->requests) == 0 &&
           same_string(a->image, b->image) && a->image_size == b->image_size &&
           a->run_time == b->run_time && a->priority == b->priority &&
           a->termination_grace_s == b->termination_grace_s &&
           same_labels_but(&a->labels, &b->labels, skip_label) &&
           same_tolerations(a, b) && a->restart_policy == b->restart_policy &&
           a->crashes == b->crashes && a->crash_after == b->crash_after &&
           a->liveness == b->liveness &&
           a->unhealthy_after == b->unhealthy_after &&
           a->ignores_sigterm == b->ignores_sigterm &&
           a->has_readiness == b->has_readiness &&
           same_probe(&a->readiness, &b->readiness) &&
           a->has_liveness == b->has_liveness &&
           same_probe(&a->liveness_probe, &b->liveness_probe) &&
           a->memory_limit == b->memory_limit &&
           a->memory_usage == b->memory_usage &&
           a->memory_leak == b->memory_leak;
}

void ks_pod_template_copy(ks_pod_template *dst, const ks_pod_template *src)
{
    *dst = *src; /* plain values too: restart_policy, crashes, crash_after,
                    the probe settings */
    dst->image = dup_or_null(src->image);
    labels_copy(&dst->labels, &src->labels);
    dst->tolerations = src->ntolerations
                           ? ks_xcalloc(src->ntolerations,
                                        sizeof *dst->tolerations)
                           : NULL;
    for (size_t i = 0; i < src->ntolerations; i++) {
        dst->tolerations[i] = src->tolerations[i];
        dst->tolerations[i].key = dup_or_null(src->tolerations[i].key);
        dst->tolerations[i].value = dup_or_null(src->tolerations[i].value);
    }
}

void ks_pod_template_free(ks_pod_template *t)
{
    free(t->image);
    ks_labels_free(&t->labels);
    for (size_t i = 0; i < t->ntolerations; i++)
        ks_toleration_free(&t->tolerations[i]);
    free(t->tolerations);
    t->image = NULL;
    t->tolerations = NULL;
    t->ntolerations = 0;
}

/* ---- Node ----------------------------------------------------------------- */

int ks_node_body_add_taint(ks_node_body *b, const char *key,
                           ks_taint_effect effect, ks_time at)
{
    for (size_t i = 0; i < b->ntaints; i++)
        if (b->taints[i].effect == effect && !strcmp(b->taints[i].key, key))
            return 0;
    b->taints = ks_xrealloc(b->taints, (b->ntaints + 1) * sizeof *b->taints);
    b->taint_added = ks_xrealloc(b->taint_added,
                                 (b->ntaints + 1) * sizeof *b->taint_added);
    b->taints[b->ntaints] = (ks_taint){ks_xstrdup(key), NULL, effect};
    b->taint_added[b->ntaints] = at;
    b->ntaints++;
    return 1;
}

int ks_node_body_remove_taint(ks_node_body *b, const char *key,
                              ks_taint_effect effect)
{
    for (size_t i = 0; i < b->ntaints; i++)
        if (b->taints[i].effect == effect && !strcmp(b->taints[i].key, key)) {
            ks_taint_free(&b->taints[i]);
            b->taints[i] = b->taints[b->ntaints - 1];
            b->taint_added[i] = b->taint_added[b->ntaints - 1];
            b->ntaints--;
            return 1;
        }
    return 0;
}

void ks_node_body_free(void *p)
{
    ks_node_body *b = p;
    if (!b)
        return;
    for (size_t i = 0; i < b->ntaints; i++)
        ks_taint_free(&b->taints[i]);
    free(b->taints);
    free(b->taint_added);
    free(b->zone);
    free(b);
}

static void *node_copy(const void *p)
{
    const ks_node_body *src = p;
    ks_node_body *b = ks_xcalloc(1, sizeof *b);
    memcpy(b->allocatable, src->allocatable, sizeof b->allocatable);
    b->ready = src->ready;
    b->zone = dup_or_null(src->zone);
    b->memory_pressure = src->memory_pressure;
    for (size_t i = 0; i < src->ntaints; i++)
        ks_node_body_add_taint(b, src->taints[i].key, src->taints[i].effect,
                               src->taint_added[i]);
    return b;
}

ks_pod_body *ks_pod_body_new(const ks_pod_template *spec)
{
    ks_pod_body *b = ks_xcalloc(1, sizeof *b);
    ks_pod_template_copy(&b->spec, spec);
    b->phase = KS_PHASE_PENDING;
    b->ready_since = -1;
    b->started = -1;
    return b;
}

void ks_pod_body_free(void *p)
{
    ks_pod_body *b = p;
    if (!b)
        return;
    ks_pod_template_free(&b->spec);
    free(b->reason);
    free(b);
}

static void *pod_copy(const void *p)
{
    const ks_pod_body *src = p;
    ks_pod_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    ks_pod_template_copy(&b->spec, &src->spec);
    b->reason = dup_or_null(src->reason);
    return b;
}

ks_replicaset_body *ks_replicaset_body_copy(const ks_replicaset_body *src)
{
    ks_replicaset_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    ks_label_selector_copy(&b->selector, &src->selector);
    ks_pod_template_copy(&b->template, &src->template);
    return b;
}

void ks_replicaset_body_free(void *p)
{
    ks_replicaset_body *b = p;
    if (!b)
        return;
    ks_label_selector_free(&b->selector);
    ks_pod_template_free(&b->template);
    free(b);
}

ks_deployment_body *ks_deployment_body_copy(const ks_deployment_body *src)
{
    ks_deployment_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    ks_label_selector_copy(&b->selector, &src->selector);
    ks_pod_template_copy(&b->template, &src->template);
    return b;
}

void ks_deployment_body_free(void *p)
{
    ks_deployment_body *b = p;
    if (!b)
        return;
    ks_label_selector_free(&b->selector);
    ks_pod_template_free(&b->template);
    free(b);
}

void ks_lease_body_free(void *p)
{
    ks_lease_body *b = p;
    if (!b)
        return;
    free(b->holder);
    free(b);
}

/* ---- HorizontalPodAutoscaler ----------------------------------------------- */

void ks_hpa_body_defaults(ks_hpa_body *b)
{
    ks_hpa_spec spec;
    ks_hpa_spec_default(&spec);
    b->target_kind = KS_KIND_DEPLOYMENT;
    b->min_replicas = spec.min_replicas;
    b->target_utilization = spec.target_utilization;
    b->has_behavior = 0;
    b->scale_up = spec.scale_up;
    b->scale_down = spec.scale_down;
    b->last_scale_time = -1;
    b->current_utilization = -1;
}

ks_hpa_body *ks_hpa_body_copy(const ks_hpa_body *src)
{
    ks_hpa_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    b->target_name = dup_or_null(src->target_name);
    return b;
}

void ks_hpa_body_free(void *p)
{
    ks_hpa_body *b = p;
    if (!b)
        return;
    free(b->target_name);
    free(b);
}

static void *hpa_copy(const void *p) { return ks_hpa_body_copy(p); }

static void *rs_copy(const void *p) { return ks_replicaset_body_copy(p); }
static void *deploy_copy(const void *p) { return ks_deployment_body_copy(p); }

static void *lease_copy(const void *p)
{
    const ks_lease_body *src = p;
    ks_lease_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    b->holder = src->holder ? ks_xstrdup(src->holder) : NULL;
    return b;
}

/* k8s:pkg/registry/core/pod/strategy.go CheckGracefulDelete (master
 * 008b3652, v1.34): the request's grace period, else the pod's
 * terminationGracePeriodSeconds; 0 for a pod not scheduled or already
 * terminal; a negative period becomes 1. */
static int64_t pod_grace(const ks_object *o, int64_t requested_s)
{
    const ks_pod_body *b = o->body;
    int64_t period = requested_s >= 0 ? requested_s
                                      : b ? b->spec.termination_grace_s : 0;
    if (!o->node_name || (b && (b->phase == KS_PHASE_SUCCEEDED ||
                                b->phase == KS_PHASE_FAILED)))
        period = 0;
    return period < 0 ? 1 : period;
}

void ks_kinds_install(ks_store *s)
{
    const ks_kind_ops pod = {pod_copy, ks_pod_body_free};
    const ks_kind_ops rs = {rs_copy, ks_replicaset_body_free};
    const ks_kind_ops deploy = {deploy_copy, ks_deployment_body_free};
    const ks_kind_ops lease = {lease_copy, ks_lease_body_free};
    ks_store_set_kind_ops(s, KS_KIND_POD, &pod);
    ks_store_set_grace_fn(s, KS_KIND_POD, pod_grace);
    ks_store_set_kind_ops(s, KS_KIND_REPLICASET, &rs);
    ks_store_set_kind_ops(s, KS_KIND_DEPLOYMENT, &deploy);
    ks_store_set_kind_ops(s, KS_KIND_LEASE, &lease);
    const ks_kind_ops hpa = {hpa_copy, ks_hpa_body_free};
    ks_store_set_kind_ops(s, KS_KIND_HPA, &hpa);
    const ks_kind_ops node = {node_copy, ks_node_body_free};
    ks_store_set_kind_ops(s, KS_KIND_NODE, &node);
    install_more(s);
    install_daemonset(s);
}

void ks_deployment_body_defaults(ks_deployment_body *b)
{
    b->replicas = 1;
    b->revision_history_limit = 10;
    b->progress_deadline_s = 600;
    b->strategy = KS_STRATEGY_ROLLING_UPDATE;
    b->max_surge = (ks_int_or_percent){1, 25};
    b->max_unavailable = (ks_int_or_percent){1, 25};
}

/* ---- Job, Service, EndpointSlice ---------------------------------------------- */

void ks_job_body_defaults(ks_job_body *b)
{
    b->parallelism = 1;
    b->completions = 1;
    b->backoff_limit = 6;
    b->active_deadline = KS_TIME_NEVER;
    b->start_time = b->completion_time = -1;
}

void ks_job_body_free(void *p)
{
    ks_job_body *b = p;
    if (!b)
        return;
    ks_label_selector_free(&b->selector);
    ks_pod_template_free(&b->template);
    free(b);
}

static void *job_copy(const void *p)
{
    const ks_job_body *src = p;
    ks_job_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    ks_label_selector_copy(&b->selector, &src->selector);
    ks_pod_template_copy(&b->template, &src->template);
    return b;
}

void ks_service_body_free(void *p)
{
    ks_service_body *b = p;
    if (!b)
        return;
    ks_labels_free(&b->selector);
    free(b);
}

static void *service_copy(const void *p)
{
    const ks_service_body *src = p;
    ks_service_body *b = ks_xcalloc(1, sizeof *b);
    labels_copy(&b->selector, &src->selector);
    return b;
}

void ks_endpointslice_body_free(void *p)
{
    ks_endpointslice_body *b = p;
    if (!b)
        return;
    for (size_t i = 0; i < b->nendpoints; i++)
        free(b->endpoints[i].node);
    free(b->endpoints);
    free(b);
}

static void *endpointslice_copy(const void *p)
{
    const ks_endpointslice_body *src = p;
    ks_endpointslice_body *b = ks_xcalloc(1, sizeof *b);
    b->service = src->service;
    b->nendpoints = src->nendpoints;
    b->endpoints = src->nendpoints
                       ? ks_xcalloc(src->nendpoints, sizeof *b->endpoints)
                       : NULL;
    for (size_t i = 0; i < src->nendpoints; i++) {
        b->endpoints[i] = src->endpoints[i];
        b->endpoints[i].node = dup_or_null(src->endpoints[i].node);
    }
    return b;
}

static void install_more(ks_store *s)
{
    const ks_kind_ops job = {job_copy, ks_job_body_free};
    const ks_kind_ops svc = {service_copy, ks_service_body_free};
    const ks_kind_ops eps = {endpointslice_copy, ks_endpointslice_body_free};
    ks_store_set_kind_ops(s, KS_KIND_JOB, &job);
    ks_store_set_kind_ops(s, KS_KIND_SERVICE, &svc);
    ks_store_set_kind_ops(s, KS_KIND_ENDPOINTSLICE, &eps);
}

/* ---- DaemonSet ------------------------------------------------------------------ */

void ks_daemonset_body_defaults(ks_daemonset_body *b)
{
    b->strategy = KS_DS_ROLLING_UPDATE;
    b->max_unavailable = (ks_int_or_percent){0, 1};
    b->max_surge = (ks_int_or_percent){0, 0};
}

static void ds_requirements_copy(ks_requirement **dst, size_t *ndst,
                                 const ks_requirement *src, size_t n)
{
    *dst = n ? ks_xcalloc(n, sizeof **dst) : NULL;
    *ndst = n;
    for (size_t i = 0; i < n; i++) {
        ks_requirement *d = &(*dst)[i];
        d->key = ks_xstrdup(src[i].key);
        d->op = src[i].op;
        d->nvalues = src[i].nvalues;
        d->values = src[i].nvalues
                        ? ks_xcalloc(src[i].nvalues, sizeof *d->values)
                        : NULL;
        for (size_t k = 0; k < src[i].nvalues; k++)
            d->values[k] = ks_xstrdup(src[i].values[k]);
    }
}

ks_daemonset_body *ks_daemonset_body_copy(const ks_daemonset_body *src)
{
    ks_daemonset_body *b = ks_xmalloc(sizeof *b);
    *b = *src;
    ks_label_selector_copy(&b->selector, &src->selector);
    ks_pod_template_copy(&b->template, &src->template);
    labels_copy(&b->node_selector, &src->node_selector);
    const ks_node_selector *ra = &src->required_affinity;
    b->required_affinity.nterms = ra->nterms;
    b->required_affinity.terms =
        ra->nterms ? ks_xcalloc(ra->nterms, sizeof *ra->terms) : NULL;
    for (size_t i = 0; i < ra->nterms; i++) {
        ks_node_selector_term *t = &b->required_affinity.terms[i];
        ds_requirements_copy(&t->match_expressions, &t->nexpressions,
                             ra->terms[i].match_expressions,
                             ra->terms[i].nexpressions);
        ds_requirements_copy(&t->match_fields, &t->nfields,
                             ra->terms[i].match_fields, ra->terms[i].nfields);
    }
    return b;
}

void ks_daemonset_body_free(void *p)
{
    ks_daemonset_body *b = p;
    if (!b)
        return;
    ks_label_selector_free(&b->selector);
    ks_pod_template_free(&b->template);
    ks_labels_free(&b->node_selector);
    ks_node_selector_free(&b->required_affinity);
    free(b);
}

static void *daemonset_copy(const void *p)
{
    return ks_daemonset_body_copy(p);
}

static void install_daemonset(ks_store *s)
{
    const ks_kind_ops ds = {daemonset_copy, ks_daemonset_body_free};
    ks_store_set_kind_ops(s, KS_KIND_DAEMONSET, &ds);
}
