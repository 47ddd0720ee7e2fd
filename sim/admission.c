/* admission.c - DefaultTolerationSeconds and Priority admission (see
 * admission.h for the upstream files and versions read). */
#include "sim/admission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* ---- DefaultTolerationSeconds -------------------------------------------- */

static int key_is(const char *key, const char *want)
{
    return !key || !*key || strcmp(key, want) == 0;
}

static int effect_is_no_execute_or_all(ks_taint_effect e)
{
    return e == KS_EFFECT_NO_EXECUTE || e == KS_EFFECT_ALL;
}

static void append_exists_no_execute(ks_toleration **tols, size_t *ntols,
                                     const char *key, int64_t seconds)
{
    *tols = ks_xrealloc(*tols, (*ntols + 1) * sizeof **tols);
    (*tols)[(*ntols)++] = (ks_toleration){
        .key = ks_xstrdup(key),
        .op = KS_TOLERATION_EXISTS,
        .value = NULL,
        .effect = KS_EFFECT_NO_EXECUTE,
        .has_seconds = 1,
        .toleration_seconds = seconds,
    };
}

/* defaulttolerationseconds Plugin.Admit: the per-taint test deliberately
 * ignores operator and value, as upstream does. */
int ks_admit_default_toleration_seconds(ks_toleration **tols, size_t *ntols,
                                        int64_t not_ready_seconds,
                                        int64_t unreachable_seconds)
{
    int not_ready = 0, unreachable = 0;
    for (size_t i = 0; i < *ntols; i++) {
        const ks_toleration *t = &(*tols)[i];
        if (!effect_is_no_execute_or_all(t->effect))
            continue;
        if (key_is(t->key, KS_TAINT_NODE_NOT_READY))
            not_ready = 1;
        if (key_is(t->key, KS_TAINT_NODE_UNREACHABLE))
            unreachable = 1;
    }
    int added = 0;
    if (!not_ready) {
        append_exists_no_execute(tols, ntols, KS_TAINT_NODE_NOT_READY,
                                 not_ready_seconds);
        added++;
    }
    if (!unreachable) {
        append_exists_no_execute(tols, ntols, KS_TAINT_NODE_UNREACHABLE,
                                 unreachable_seconds);
        added++;
    }
    return added;
}

/* ---- Priority ------------------------------------------------------------- */

/* pkg/apis/scheduling SystemPriorityClasses(): cluster-critical at
 * SystemCriticalPriority, node-critical 1000 above it. */
static const ks_priority_class system_classes[] = {
    {KS_SYSTEM_CLUSTER_CRITICAL, KS_SYSTEM_CRITICAL_PRIORITY, 0,
     KS_PREEMPT_LOWER_PRIORITY},
    {KS_SYSTEM_NODE_CRITICAL, KS_SYSTEM_CRITICAL_PRIORITY + 1000, 0,
     KS_PREEMPT_LOWER_PRIORITY},
};

const ks_priority_class *ks_priority_system_classes(size_t *n)
{
    *n = sizeof system_classes / sizeof system_classes[0];
    return system_classes;
}

static const char *policy_name(ks_preemption_policy p)
{
    return p == KS_PREEMPT_NEVER ? "Never" : "PreemptLowerPriority";
}

/* getDefaultPriorityClass: among globalDefault classes, the lowest value
 * (several can exist after a race); the first in list order on ties. */
static const ks_priority_class *default_class(const ks_priority_class *cs,
                                              size_t n)
{
    const ks_priority_class *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (cs[i].global_default && (!best || best->value > cs[i].value))
            best = &cs[i];
    return best;
}

static const ks_priority_class *find_class(const ks_priority_class *cs,
                                           size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (cs[i].name && strcmp(cs[i].name, name) == 0)
            return &cs[i];
    return NULL;
}

/* admission.NewForbidden for a pod: apierrors.NewForbidden("pods", name). */
static int pod_forbidden(ks_error *err, int code, const ks_priority_pod *pod,
                         const char *what)
{
    if (pod->name && *pod->name)
        return ks_error_set(err, code, NULL, 0, 0,
                            "pods \"%s\" is forbidden: %s", pod->name, what);
    return ks_error_set(err, code, NULL, 0, 0, "pods is forbidden: %s", what);
}

int ks_admit_pod_priority(const ks_priority_class *classes, size_t nclasses,
                          const ks_priority_pod *pod, ks_priority_result *out,
                          ks_error *err)
{
    int32_t priority;
    const char *class_name = NULL;
    ks_preemption_policy policy;
    char what[KS_ERROR_MSG_MAX];
    if (!pod->priority_class_name || !*pod->priority_class_name) {
        const ks_priority_class *d = default_class(classes, nclasses);
        if (d) {
            priority = d->value;
            class_name = d->name;
            policy = d->preemption_policy;
        } else {
            /* DefaultPriorityWhenNoDefaultClassExists */
            priority = 0;
            policy = KS_PREEMPT_LOWER_PRIORITY;
        }
    } else {
        const ks_priority_class *pc =
            find_class(classes, nclasses, pod->priority_class_name);
        if (!pc) {
            snprintf(what, sizeof what, "no PriorityClass with name %s was found",
                     pod->priority_class_name);
            return pod_forbidden(err, KS_ENOENT, pod, what);
        }
        priority = pc->value;
        class_name = pc->name;
        policy = pc->preemption_policy;
    }
    if (pod->has_priority && pod->priority != priority) {
        snprintf(what, sizeof what,
                 "the integer value of priority (%d) must not be provided in "
                 "pod spec; priority admission controller computed %d from the "
                 "given PriorityClass name",
                 (int)pod->priority, (int)priority);
        return pod_forbidden(err, KS_EINVAL, pod, what);
    }
    if (policy == KS_PREEMPTION_UNSET) {
        policy = pod->preemption_policy; /* a nil class policy leaves it */
    } else if (pod->preemption_policy != KS_PREEMPTION_UNSET &&
               pod->preemption_policy != policy) {
        snprintf(what, sizeof what,
                 "the string value of PreemptionPolicy (%s) must not be "
                 "provided in pod spec; priority admission controller computed "
                 "%s from the given PriorityClass name",
                 policy_name(pod->preemption_policy), policy_name(policy));
        return pod_forbidden(err, KS_EINVAL, pod, what);
    }
    out->priority = priority;
    out->priority_class_name = class_name;
    out->preemption_policy = policy;
    return KS_OK;
}

int ks_validate_priority_class(const ks_priority_class *classes,
                               size_t nclasses, const ks_priority_class *pc,
                               int is_update, ks_error *err)
{
    if (!pc->global_default)
        return KS_OK;
    const ks_priority_class *d = default_class(classes, nclasses);
    if (!d)
        return KS_OK;
    if (!is_update || strcmp(d->name, pc->name) != 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "priorityclasses.scheduling.k8s.io \"%s\" is "
                            "forbidden: PriorityClass %s is already marked as "
                            "default. Only one default can exist",
                            pc->name, d->name);
    return KS_OK;
}
