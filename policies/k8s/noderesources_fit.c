/* noderesources_fit.c - NodeResourcesFit: does the pod fit, and how well.
 *
 * Re-implemented from kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/noderesources (v1.35/v1.36 trees):
 *   fit.go (fitsRequest, Filter; read at the v1.36 tree with
 *     DRA-extended-resource and SignPlugin code),
 *   resource_allocation.go (score, calculateResourceAllocatableRequest),
 *   least_allocated.go (leastResourceScorer, leastRequestedScore),
 *   most_allocated.go (mostResourceScorer, mostRequestedScore),
 *   requested_to_capacity_ratio.go at commit 0a295a8d22eb
 *     (scaledUtilization, buildRequestedToCapacityRatioScorerFunction),
 *   apis/config/validation/validation_pluginargs.go (validateResources,
 *     validateFunctionShape),
 *   pkg/apis/core/v1/helper/helpers.go (IsExtendedResourceName).
 * See the header for the formulas.  The score path allocates nothing.
 */
#include "policies/k8s/noderesources_fit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/score_memo.h"
#include "sim/xalloc.h"

static const ks_fit_args default_args = {
    .strategy = KS_FIT_LEAST_ALLOCATED,
    .weight = {[KS_RES_CPU] = 1, [KS_RES_MEMORY] = 1, [KS_RES_PODS] = 0},
};

static void *fit_create(const void *args);
static ks_status fit_pre_score(const ks_plugin_call *call,
                               const uint32_t *nodes, size_t n);
static void fit_destroy(void *instance);

const ks_plugin ks_plugin_noderesources_fit = {
    .name = "NodeResourcesFit",
    .create = fit_create,
    .destroy = fit_destroy,
    .filter = ks_fit_filter,
    .pre_score = fit_pre_score,
    .score = ks_fit_score,
    .default_args = &default_args,
    .default_weight = 1,
};

/* The instance holds the message of the last rejection, which names the
 * resources (upstream: "Insufficient <name>" joined with ", "). */
typedef struct fit_instance {
    char msg[512];
    /* PreScore's per-pod view, reused for every node scored: the weights
     * after dropping "pods" and unrequested scalar resources, and the
     * number of resources that can carry weight. */
    const ks_pod *scored_pod;
    int64_t weight[KS_RES_COUNT];
    int nres;
    ks_score_memo memo; /* scores of earlier cycles still valid */
} fit_instance;

static void *fit_create(const void *args)
{
    (void)args;
    return ks_xcalloc(1, sizeof(fit_instance));
}

static void fit_destroy(void *instance)
{
    fit_instance *inst = instance;
    if (inst)
        ks_score_memo_free(&inst->memo);
    free(inst);
}

static const ks_fit_args *args_of(const ks_plugin_call *call)
{
    return call->args ? call->args : &default_args;
}

/* ---- args ---------------------------------------------------------------- */

/* validateFunctionShape: non-empty, utilizations strictly increasing and in
 * 0..100, scores in 0..MaxCustomPriorityScore. */
static int validate_shape(const ks_fit_args *a, ks_error *err)
{
    if (a->nshape == 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "scoringStrategy.requestedToCapacityRatio.shape: "
                            "at least one point must be specified");
    if (a->nshape > KS_FIT_MAX_SHAPE)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "scoringStrategy.requestedToCapacityRatio.shape: "
                            "more than %d points", KS_FIT_MAX_SHAPE);
    for (size_t i = 0; i < a->nshape; i++) {
        const ks_shape_point *p = &a->shape[i];
        if (i > 0 && a->shape[i - 1].utilization >= p->utilization)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "scoringStrategy.requestedToCapacityRatio."
                                "shape[%zu].utilization: utilization values "
                                "must be sorted in increasing order", i);
        if (p->utilization < 0 || p->utilization > 100)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "scoringStrategy.requestedToCapacityRatio."
                                "shape[%zu].utilization: not in valid range "
                                "[0, 100]", i);
        if (p->score < 0 || p->score > KS_FIT_MAX_CUSTOM_PRIORITY_SCORE)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "scoringStrategy.requestedToCapacityRatio."
                                "shape[%zu].score: not in valid range [0, %d]",
                                i, KS_FIT_MAX_CUSTOM_PRIORITY_SCORE);
    }
    return 0;
}

int ks_fit_args_validate(const ks_fit_args *a, ks_error *err)
{
    if ((unsigned)a->strategy > KS_FIT_REQUESTED_TO_CAPACITY_RATIO)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "scoringStrategy.type: unsupported value %d",
                            (int)a->strategy);
    for (int r = 0; r < KS_RES_COUNT; r++)
        if (a->weight[r] < 0 || a->weight[r] > KS_MAX_NODE_SCORE)
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "scoringStrategy.resources[%s].weight: "
                                "resource weight of %s not in valid range "
                                "(0, 100]",
                                ks_resource_name((ks_resource)r),
                                ks_resource_name((ks_resource)r));
    if (a->strategy == KS_FIT_REQUESTED_TO_CAPACITY_RATIO)
        return validate_shape(a, err);
    return 0;
}

/* ---- ignored resources ------------------------------------------------------ */

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* IsDNS1123Subdomain: dot-separated labels of [a-z0-9-], each starting and
 * ending with [a-z0-9], at most 253 characters in all. */
static int is_dns1123_subdomain(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!is_lower_alnum(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        if (i == start || !is_lower_alnum(s[start]) ||
            !is_lower_alnum(s[i - 1]))
            return 0;
        start = i + 1;
    }
    return 1;
}

/* The name part of a qualified name: 1..63 of [A-Za-z0-9-_.], starting and
 * ending alphanumeric. */
static int is_qualified_name_part(const char *s, size_t len)
{
    if (len == 0 || len > 63 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* IsExtendedResourceName: not native (has a '/', outside kubernetes.io/),
 * no "requests." prefix, and "requests." + name a qualified name. */
static int is_extended_resource_name(const char *name)
{
    static const char req_prefix[] = "requests.";
    const char *slash = strchr(name, '/');
    if (!slash || strstr(name, "kubernetes.io/"))
        return 0;
    if (strncmp(name, req_prefix, sizeof req_prefix - 1) == 0)
        return 0;
    if (strchr(slash + 1, '/'))
        return 0;
    size_t prefix_len = (size_t)(slash - name);
    char prefix[256 + sizeof req_prefix];
    if (prefix_len + sizeof req_prefix > sizeof prefix)
        return 0;
    memcpy(prefix, req_prefix, sizeof req_prefix - 1);
    memcpy(prefix + sizeof req_prefix - 1, name, prefix_len);
    return is_dns1123_subdomain(prefix, prefix_len + sizeof req_prefix - 1) &&
           is_qualified_name_part(slash + 1, strlen(slash + 1));
}

static int in_list(const char *const *list, size_t n, const char *s,
                   size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && strncmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

int ks_fit_resource_ignored(const ks_fit_args *a, const char *name)
{
    /* fit.go fitsRequest: only scalar resources that are extended resources
     * consult ignoredResources / ignoredResourceGroups. */
    if (!is_extended_resource_name(name))
        return 0;
    size_t group_len = (size_t)(strchr(name, '/') - name);
    return in_list(a->ignored_resources, a->nignored_resources, name,
                   strlen(name)) ||
           in_list(a->ignored_resource_groups, a->nignored_resource_groups,
                   name, group_len);
}

/* ---- Filter --------------------------------------------------------------- */

static uint32_t insufficient_bit(int r)
{
    switch (r) {
    case KS_RES_CPU:
        return KS_FIT_INSUFFICIENT_CPU;
    case KS_RES_MEMORY:
        return KS_FIT_INSUFFICIENT_MEMORY;
    case KS_RES_EPHEMERAL_STORAGE:
        return KS_FIT_INSUFFICIENT_EPHEMERAL_STORAGE;
    default:
        return KS_FIT_INSUFFICIENT_SCALAR;
    }
}

/* cpu, memory and ephemeral-storage are checked whatever the args say; the
 * others are scalar resources, checked unless ignored (fit.go
 * fitsRequest). */
static int always_checked(int r)
{
    return r == KS_RES_CPU || r == KS_RES_MEMORY ||
           r == KS_RES_EPHEMERAL_STORAGE;
}

static void append(char *buf, size_t size, const char *what, const char *name)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s%s", len ? ", " : "", what, name);
}

/* The upstream message: one "Too many pods" / "Insufficient <name>" per
 * failing resource, in fitsRequest's order (pods, cpu, memory,
 * ephemeral-storage, then scalar resources), joined with ", ". */
static const char *fit_message(fit_instance *inst, const ks_pod *pod,
                               const ks_node *node, uint32_t reasons,
                               int nres)
{
    static const char generic[] = "Insufficient resources";
    /* The common rejections (pods, cpu, memory, ephemeral-storage) have
     * fixed texts: no formatting on the filter's hot path. */
    static const char *const fixed[16] = {
        "",
        "Too many pods",
        "Insufficient cpu",
        "Too many pods, Insufficient cpu",
        "Insufficient memory",
        "Too many pods, Insufficient memory",
        "Insufficient cpu, Insufficient memory",
        "Too many pods, Insufficient cpu, Insufficient memory",
        "Insufficient ephemeral-storage",
        "Too many pods, Insufficient ephemeral-storage",
        "Insufficient cpu, Insufficient ephemeral-storage",
        "Too many pods, Insufficient cpu, Insufficient ephemeral-storage",
        "Insufficient memory, Insufficient ephemeral-storage",
        "Too many pods, Insufficient memory, Insufficient ephemeral-storage",
        "Insufficient cpu, Insufficient memory, "
        "Insufficient ephemeral-storage",
        "Too many pods, Insufficient cpu, Insufficient memory, "
        "Insufficient ephemeral-storage",
    };
    if (!(reasons & KS_FIT_INSUFFICIENT_SCALAR))
        return fixed[reasons & 15];
    if (!inst)
        return generic;
    inst->msg[0] = '\0';
    if (reasons & KS_FIT_TOO_MANY_PODS)
        append(inst->msg, sizeof inst->msg, "Too many pods", "");
    for (int r = 0; r < nres; r++) {
        if (r == KS_RES_PODS || pod->request[r] <= 0)
            continue;
        if (pod->request[r] > node->allocatable[r] - node->requested[r] &&
            (reasons & insufficient_bit(r)))
            append(inst->msg, sizeof inst->msg, "Insufficient ",
                   ks_resource_name(r));
    }
    return inst->msg;
}

ks_status ks_fit_filter(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod *pod = call->pod;
    const ks_fit_args *a = args_of(call);
    ks_status st = ks_status_ok();
    int unresolvable = 0;
    if (node->requested[KS_RES_PODS] + 1 > node->allocatable[KS_RES_PODS]) {
        st.reasons |= KS_FIT_TOO_MANY_PODS;
        /* Not unresolvable: preempting a pod frees a slot. */
    }
    int nres = ks_resource_count();
    for (int r = 0; r < nres; r++) {
        if (r == KS_RES_PODS || pod->request[r] <= 0)
            continue;
        if (!always_checked(r) &&
            ks_fit_resource_ignored(a, ks_resource_name((ks_resource)r)))
            continue;
        if (pod->request[r] > node->allocatable[r] - node->requested[r]) {
            st.reasons |= insufficient_bit(r);
            if (pod->request[r] > node->allocatable[r])
                unresolvable = 1;
        }
    }
    if (st.reasons) {
        st.code = unresolvable ? KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE
                               : KS_STATUS_UNSCHEDULABLE;
        st.message = fit_message(call->instance, pod, node, st.reasons, nres);
    }
    return st;
}

/* ---- Score ---------------------------------------------------------------- */

/* least_allocated.go leastRequestedScore: (capacity - requested) *
 * MaxNodeScore / capacity, 0 when over capacity or without capacity. */
static int64_t least_requested(int64_t requested, int64_t capacity)
{
    if (capacity == 0 || requested > capacity)
        return 0;
    return (capacity - requested) * KS_MAX_NODE_SCORE / capacity;
}

/* most_allocated.go mostRequestedScore: requested is capped at capacity
 * because pods without requests count with the non-zero defaults. */
static int64_t most_requested(int64_t requested, int64_t capacity)
{
    if (capacity == 0)
        return 0;
    if (requested > capacity)
        requested = capacity;
    return requested * KS_MAX_NODE_SCORE / capacity;
}

/* leastResourceScorer / mostResourceScorer: a weighted mean (integer
 * division) over the resources the node has. */
static int64_t weighted_mean(int64_t (*resource_score)(int64_t, int64_t),
                             const int64_t *requested,
                             const int64_t *allocatable,
                             const int64_t *weight, int n)
{
    int64_t score = 0, weight_sum = 0;
    for (int i = 0; i < n; i++) {
        if (weight[i] == 0 || allocatable[i] == 0)
            continue;
        score += resource_score(requested[i], allocatable[i]) * weight[i];
        weight_sum += weight[i];
    }
    return weight_sum ? score / weight_sum : 0;
}

int64_t ks_least_allocated_score(const int64_t *requested,
                                 const int64_t *allocatable,
                                 const int64_t *weight, int n)
{
    return weighted_mean(least_requested, requested, allocatable, weight, n);
}

int64_t ks_most_allocated_score(const int64_t *requested,
                                const int64_t *allocatable,
                                const int64_t *weight, int n)
{
    return weighted_mean(most_requested, requested, allocatable, weight, n);
}

/* requested_to_capacity_ratio.go scaledUtilization.  For 0 < requested <
 * capacity the quotient floor(requested * max / capacity) is taken by
 * binary long division over max's bits in uint64: every partial remainder
 * stays below 2 * capacity < 2^64, so it is exact where requested * max
 * would overflow (upstream uses a 128-bit product for the same reason). */
int64_t ks_scaled_utilization(int64_t requested, int64_t capacity,
                              int64_t max)
{
    if (capacity <= 0 || requested <= 0)
        return 0;
    if (requested >= capacity)
        return max;
    if (requested <= INT64_MAX / max)
        return requested * max / capacity;
    uint64_t c = (uint64_t)capacity, r = (uint64_t)requested;
    uint64_t m = (uint64_t)max, q = 0, rem = 0;
    for (int bit = 63; bit >= 0; bit--) {
        q <<= 1;
        rem <<= 1;
        if (rem >= c) {
            rem -= c;
            q++;
        }
        if ((m >> bit) & 1) {
            rem += r;
            if (rem >= c) {
                rem -= c;
                q++;
            }
        }
    }
    return (int64_t)q;
}

void ks_fit_scale_shape(const ks_shape_point *in, size_t n,
                        ks_shape_point *out)
{
    /* MaxNodeScore / MaxCustomPriorityScore = 10 (requestedToCapacityRatio-
     * Scorer): the configured 0..10 scores become 0..100. */
    for (size_t i = 0; i < n; i++) {
        out[i].utilization = in[i].utilization;
        out[i].score = in[i].score *
                       (KS_MAX_NODE_SCORE / KS_FIT_MAX_CUSTOM_PRIORITY_SCORE);
    }
}

/* resourceScoringFunction: utilization 100 when over capacity. */
static int64_t rtcr_resource_score(int64_t requested, int64_t capacity,
                                   const ks_shape_point *shape, size_t n)
{
    if (capacity == 0 || requested > capacity)
        return ks_broken_linear(shape, n, 100);
    return ks_broken_linear(shape, n,
                            ks_scaled_utilization(requested, capacity, 100));
}

int64_t ks_requested_to_capacity_ratio_score(const int64_t *requested,
                                             const int64_t *allocatable,
                                             const int64_t *weight, int n,
                                             const ks_shape_point *shape,
                                             size_t nshape)
{
    int64_t score = 0, weight_sum = 0;
    for (int i = 0; i < n; i++) {
        if (weight[i] == 0 || allocatable[i] == 0)
            continue;
        int64_t s = rtcr_resource_score(requested[i], allocatable[i], shape,
                                        nshape);
        /* Resources whose shape score is 0 do not enter the mean. */
        if (s > 0) {
            score += s * weight[i];
            weight_sum += weight[i];
        }
    }
    if (weight_sum == 0)
        return 0;
    /* int64(math.Round(score / weightSum)): both are non-negative, so
     * rounding half away from zero is floor(x + 1/2), taken exactly in
     * integers (the float quotient cannot cross a .5 boundary: its error is
     * far below 1 / (2 * weightSum)). */
    return (2 * score + weight_sum) / (2 * weight_sum);
}

/* The weights the pod is scored with; returns the number of resources to
 * look at (the last one with a weight, plus one). */
static int effective_weights(const ks_fit_args *a, const ks_pod *pod,
                             int64_t weight[KS_RES_COUNT])
{
    int nres = ks_resource_count(), last = 0;
    for (int r = 0; r < nres; r++) {
        weight[r] = a->weight[r];
        /* A scalar resource the pod does not request is skipped: it
         * neither scores nor counts its weight (resource_allocation.go). */
        if (ks_resource_is_scalar(r) && pod->request[r] == 0)
            weight[r] = 0;
        /* calculateResourceAllocatableRequest knows cpu, memory,
         * ephemeral-storage and scalar resources; "pods" is none of them
         * and yields (0, 0), i.e. it is never scored. */
        if (r == KS_RES_PODS)
            weight[r] = 0;
        if (weight[r])
            last = r + 1;
    }
    return last;
}

static ks_status fit_pre_score(const ks_plugin_call *call,
                               const uint32_t *nodes, size_t n)
{
    (void)nodes;
    (void)n;
    fit_instance *inst = call->instance;
    if (inst) {
        inst->nres = effective_weights(args_of(call), call->pod, inst->weight);
        inst->scored_pod = call->pod;
        /* The score reads the weights and the pod's non-zero requests of
         * the first nres resources: equal numbers, equal scores. */
        int64_t key[KS_SCORE_MEMO_KEY_MAX];
        size_t nkey = 0;
        key[nkey++] = inst->nres;
        for (int r = 0; r < inst->nres; r++) {
            key[nkey++] = inst->weight[r];
            key[nkey++] = call->pod->nonzero_request[r];
        }
        ks_score_memo_begin(&inst->memo, key, nkey, call->cluster->nnodes);
    }
    return ks_status_ok();
}

/* The score of pod on node under the strategy of a, with the weights of
 * the first nres resources. */
static int64_t fit_score(const ks_fit_args *a, const ks_pod *pod,
                         const ks_node *node, const int64_t *weight, int nres)
{
    int64_t requested[KS_RES_COUNT];
    for (int r = 0; r < nres; r++)
        requested[r] = node->nonzero_requested[r] + pod->nonzero_request[r];
    switch (a->strategy) {
    case KS_FIT_MOST_ALLOCATED:
        return ks_most_allocated_score(requested, node->allocatable, weight,
                                       nres);
    case KS_FIT_REQUESTED_TO_CAPACITY_RATIO: {
        size_t n = a->nshape;
        if (n == 0 || n > KS_FIT_MAX_SHAPE)
            return 0; /* invalid args: ks_fit_args_validate rejects them */
        ks_shape_point shape[KS_FIT_MAX_SHAPE];
        ks_fit_scale_shape(a->shape, n, shape);
        return ks_requested_to_capacity_ratio_score(
            requested, node->allocatable, weight, nres, shape, n);
    }
    case KS_FIT_LEAST_ALLOCATED:
    default:
        return ks_least_allocated_score(requested, node->allocatable, weight,
                                        nres);
    }
}

int64_t ks_fit_score(const ks_plugin_call *call, const ks_node *node)
{
    const ks_pod *pod = call->pod;
    const ks_fit_args *a = args_of(call);
    fit_instance *inst = call->instance;
    if (inst && inst->scored_pod == pod) {
        int64_t score;
        if (ks_score_memo_get(&inst->memo, call->cluster, node, &score))
            return score;
        score = fit_score(a, pod, node, inst->weight, inst->nres);
        ks_score_memo_put(&inst->memo, call->cluster, node, score);
        return score;
    }
    int64_t weight[KS_RES_COUNT];
    int nres = effective_weights(a, pod, weight);
    return fit_score(a, pod, node, weight, nres);
}
