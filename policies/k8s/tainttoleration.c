/* tainttoleration.c - TaintToleration: may the pod land on a tainted node,
 * and how much does it mind the node's soft taints.
 *
 * Re-implemented from pkg/scheduler/framework/plugins/tainttoleration/
 * taint_toleration.go (Kubernetes v1.36 tree, the one tested by
 * taint_toleration_test.go at commit 04c0d74f8e8b) and the helpers it calls
 * in component-helpers/scheduling/corev1/helpers.go
 * (FindMatchingUntoleratedTaint, TolerationsTolerateTaint) and
 * plugins/helper/taint.go (DoNotScheduleTaintsFilterFunc).  See the header
 * for the summary.
 */
#include "policies/k8s/tainttoleration.h"

#include <stdio.h>
#include <stdlib.h>

#include "policies/k8s/helper.h"
#include "sim/xalloc.h"

typedef struct taint_toleration {
    /* PreScore's result: the pod's tolerations with an empty or
     * PreferNoSchedule effect (pointers into the pod's spec), for pod. */
    const ks_pod *pod;
    const ks_toleration **prefer;
    size_t nprefer;
    size_t cap;
    /* The pre-v1.35 Filter message names the taint. */
    char message[512];
} taint_toleration;

const ks_plugin ks_plugin_tainttoleration = {
    .name = "TaintToleration",
    .create = ks_taint_toleration_create,
    .destroy = ks_taint_toleration_destroy,
    .filter = ks_taint_toleration_filter,
    .pre_score = ks_taint_toleration_pre_score,
    .score = ks_taint_toleration_score,
    .normalize = ks_taint_toleration_normalize,
    .default_args = NULL,
    .default_weight = 3,
};

void *ks_taint_toleration_create(const void *args)
{
    (void)args;
    return ks_xcalloc(1, sizeof(taint_toleration));
}

void ks_taint_toleration_destroy(void *instance)
{
    taint_toleration *tt = instance;
    if (!tt)
        return;
    free(tt->prefer);
    free(tt);
}

static const ks_toleration *pod_tolerations(const ks_pod *pod, size_t *n)
{
    if (!pod || !pod->spec) {
        *n = 0;
        return NULL;
    }
    *n = pod->spec->ntolerations;
    return pod->spec->tolerations;
}

/* DoNotScheduleTaintsFilterFunc: Filter only looks at hard taints. */
static int is_do_not_schedule(const ks_taint *t)
{
    return t->effect == KS_EFFECT_NO_SCHEDULE ||
           t->effect == KS_EFFECT_NO_EXECUTE;
}

/* FindMatchingUntoleratedTaint: the first hard taint (in node order) that
 * no toleration tolerates, or NULL. */
static const ks_taint *first_untolerated(const ks_node_info *info,
                                         const ks_toleration *tols,
                                         size_t ntols)
{
    for (size_t i = 0; i < info->ntaints; i++) {
        const ks_taint *t = &info->taints[i];
        if (is_do_not_schedule(t) && !ks_tolerations_tolerate(tols, ntols, t))
            return t;
    }
    return NULL;
}

ks_status ks_taint_toleration_filter(const ks_plugin_call *call,
                                     const ks_node *node)
{
    size_t ntols;
    const ks_toleration *tols = pod_tolerations(call->pod, &ntols);
    const ks_taint *t =
        first_untolerated(ks_cluster_node_info(call->cluster, node), tols,
                          ntols);
    if (!t)
        return ks_status_ok();
    /* kubernetes PR #134740 (v1.35) dropped the taint from the message:
     * taint keys and values may be sensitive. */
    const char *msg = "node(s) had untolerated taint(s)";
    taint_toleration *tt = call->instance;
    if (tt && call->k8s_minor > 0 && call->k8s_minor < 35) {
        snprintf(tt->message, sizeof tt->message,
                 "node(s) had untolerated taint {%s: %s}",
                 t->key ? t->key : "", t->value ? t->value : "");
        msg = tt->message;
    }
    return ks_status_make(KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE,
                          KS_TAINT_UNTOLERATED, msg);
}

/* getAllTolerationPreferNoSchedule: an empty effect matches every effect,
 * PreferNoSchedule included. */
static int applies_to_prefer_no_schedule(const ks_toleration *tol)
{
    return tol->effect == KS_EFFECT_ALL ||
           tol->effect == KS_EFFECT_PREFER_NO_SCHEDULE;
}

ks_status ks_taint_toleration_pre_score(const ks_plugin_call *call,
                                        const uint32_t *nodes, size_t n)
{
    (void)nodes;
    (void)n;
    taint_toleration *tt = call->instance;
    if (!tt)
        return ks_status_ok(); /* Score then filters on the fly */
    size_t ntols;
    const ks_toleration *tols = pod_tolerations(call->pod, &ntols);
    tt->pod = call->pod;
    tt->nprefer = 0;
    if (ntols > tt->cap)
        tt->prefer = ks_xgrow(tt->prefer, &tt->cap, ntols, sizeof *tt->prefer);
    for (size_t i = 0; i < ntols; i++)
        if (applies_to_prefer_no_schedule(&tols[i]))
            tt->prefer[tt->nprefer++] = &tols[i];
    return ks_status_ok();
}

/* True if one of the PreScore tolerations tolerates t. */
static int prefer_tolerated(const taint_toleration *tt, const ks_taint *t)
{
    for (size_t i = 0; i < tt->nprefer; i++)
        if (ks_toleration_tolerates(tt->prefer[i], t))
            return 1;
    return 0;
}

/* The same, without PreScore state: filter the tolerations as we go. */
static int prefer_tolerated_direct(const ks_pod *pod, const ks_taint *t)
{
    size_t ntols;
    const ks_toleration *tols = pod_tolerations(pod, &ntols);
    for (size_t i = 0; i < ntols; i++)
        if (applies_to_prefer_no_schedule(&tols[i]) &&
            ks_toleration_tolerates(&tols[i], t))
            return 1;
    return 0;
}

/* countIntolerableTaintsPreferNoSchedule. */
int64_t ks_taint_toleration_score(const ks_plugin_call *call,
                                  const ks_node *node)
{
    const taint_toleration *tt = call->instance;
    int have_state = tt && tt->pod == call->pod;
    const ks_node_info *info = ks_cluster_node_info(call->cluster, node);
    int64_t count = 0;
    for (size_t i = 0; i < info->ntaints; i++) {
        const ks_taint *t = &info->taints[i];
        if (t->effect != KS_EFFECT_PREFER_NO_SCHEDULE)
            continue;
        int tolerated = have_state ? prefer_tolerated(tt, t)
                                   : prefer_tolerated_direct(call->pod, t);
        if (!tolerated)
            count++;
    }
    return count;
}

void ks_taint_toleration_normalize(const ks_plugin_call *call,
                                   int64_t *scores, size_t n)
{
    (void)call;
    ks_default_normalize_score(KS_MAX_NODE_SCORE, 1, scores, n);
}
