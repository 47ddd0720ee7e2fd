/* transform.c - arrival scaling, sampling and FGD inflation of a loaded
 * pod list (see transform.h).
 *
 * The inflation follows the authors' simulator step by step
 * (hkust-adsl/kubernetes-scheduler-simulator, pkg/simulator: SortClusterPods
 * and TunePodsByNodeTotalResource with tuneUpPods / tuneDownPods), with GSL
 * in place of Go's math/rand: the same procedure, not the same draws.
 */
#include "workloads/traces/transform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/xalloc.h"

int ks_trace_scale_time(ks_time t, double factor, ks_time *out)
{
    if (!isfinite(factor) || factor < 0)
        return KS_ERANGE;
    if (t == KS_TIME_NEVER) {
        *out = t;
        return 0;
    }
    /* long double keeps 64 bits of mantissa on x86-64: exact products of
     * ns counts up to 2^63 with ordinary factors. */
    long double v = (long double)t * (long double)factor;
    if (v >= (long double)INT64_MAX || v <= (long double)INT64_MIN)
        return KS_ERANGE;
    *out = (ks_time)llroundl(v);
    return 0;
}

int ks_trace_scale_arrivals(ks_trace_pods *list, double factor,
                            ks_error *err)
{
    if (!isfinite(factor) || factor < 0)
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "arrival scaling factor must be >= 0, got %g",
                            factor);
    ks_time *scaled = ks_xmalloc((list->n ? list->n : 1) * sizeof *scaled);
    for (size_t i = 0; i < list->n; i++) {
        if (ks_trace_scale_time(list->v[i].arrival, factor, &scaled[i]) ||
            scaled[i] == KS_TIME_NEVER) {
            free(scaled);
            return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                                "pod %s: arrival x %g is beyond the time range",
                                list->v[i].name, factor);
        }
    }
    for (size_t i = 0; i < list->n; i++)
        list->v[i].arrival = scaled[i];
    free(scaled);
    return 0;
}

int ks_trace_sample(ks_trace_pods *list, double p, gsl_rng *rng,
                    ks_error *err)
{
    if (!(p >= 0 && p <= 1))
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "sampling probability must be in [0, 1], got %g",
                            p);
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++)
        if (gsl_rng_uniform(rng) < p)
            list->v[kept++] = list->v[i];
    list->n = kept;
    return 0;
}

int ks_trace_sample_every(ks_trace_pods *list, size_t k, ks_error *err)
{
    if (k == 0)
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "sampling step must be >= 1, got 0");
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i += k)
        list->v[kept++] = list->v[i];
    list->n = kept;
    return 0;
}

static int64_t pod_gpu_milli(const ks_trace_pod *p)
{
    return (int64_t)p->gpu_count * p->gpu_milli * p->instances;
}

int64_t ks_trace_pods_gpu_milli(const ks_trace_pods *list)
{
    int64_t total = 0;
    for (size_t i = 0; i < list->n; i++)
        total += pod_gpu_milli(&list->v[i]);
    return total;
}

int64_t ks_trace_nodes_gpu_milli(const ks_trace_nodes *list)
{
    int64_t total = 0;
    for (size_t i = 0; i < list->n; i++)
        total += (int64_t)list->v[i].gpu_count * 1000;
    return total;
}

/* ---- inflation ------------------------------------------------------------ */

typedef struct name_key {
    const char *name;
    size_t index;
} name_key;

static int cmp_name(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index; /* input order */
}

/* Appends a clone of p named <name>-tuned-<i>. */
static void push_clone(ks_trace_pods *out, const ks_trace_pod *p, size_t i)
{
    size_t n = strlen(p->name) + 32;
    char *name = ks_xmalloc(n);
    snprintf(name, n, "%s-tuned-%zu", p->name, i);
    ks_trace_pod clone = *p;
    clone.name = name;
    ks_trace_pods_push(out, &clone);
    free(name);
}

/* tuneUpPods: append clones drawn from the name-sorted originals until the
 * next one's per-GPU milli would take the total past the target. */
static void tune_up(const ks_trace_pods *in, const size_t *by_name,
                    gsl_rng *rng, ks_trace_pods *out,
                    ks_trace_inflate_info *info)
{
    for (size_t i = 0;; i++) {
        const ks_trace_pod *p =
            &in->v[by_name[gsl_rng_uniform_int(rng, in->n)]];
        if ((double)(info->after + p->gpu_milli) > info->target) {
            info->stop_gpu_milli = p->gpu_milli;
            return;
        }
        info->after += pod_gpu_milli(p);
        push_clone(out, p, i);
        info->cloned++;
    }
}

/* tuneDownPods: remove pods drawn from the current list until the total
 * is not above the target. */
static void tune_down(gsl_rng *rng, ks_trace_pods *out,
                      ks_trace_inflate_info *info)
{
    while ((double)info->after > info->target && out->n > 0) {
        size_t k = gsl_rng_uniform_int(rng, out->n);
        info->after -= pod_gpu_milli(&out->v[k]);
        memmove(&out->v[k], &out->v[k + 1],
                (out->n - k - 1) * sizeof *out->v);
        out->n--;
        info->removed++;
    }
}

int ks_trace_inflate(const ks_trace_pods *in, int64_t capacity_gpu_milli,
                     double ratio, gsl_rng *rng, ks_trace_pods *out,
                     ks_trace_inflate_info *info, ks_error *err)
{
    if (capacity_gpu_milli <= 0)
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "inflation: the cluster has no GPU capacity");
    if (!isfinite(ratio) || ratio <= 0)
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "inflation ratio must be > 0, got %g", ratio);
    if (out == in)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "inflation: the output list must not be the input");
    if (in->n == 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "inflation: the trace has no pods");
    ks_trace_inflate_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    info->target = ratio * (double)capacity_gpu_milli;
    info->before = ks_trace_pods_gpu_milli(in);
    info->after = info->before;
    info->stop_gpu_milli = -1;
    if (info->before == 0 && info->target > 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "inflation: the pods request no GPU");

    size_t n = in->n;
    name_key *keys = ks_xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        keys[i].name = in->v[i].name;
        keys[i].index = i;
    }
    qsort(keys, n, sizeof *keys, cmp_name);
    size_t *by_name = ks_xmalloc(n * sizeof *by_name);
    for (size_t i = 0; i < n; i++)
        by_name[i] = keys[i].index;
    free(keys);
    size_t *order = ks_xmalloc(n * sizeof *order);
    memcpy(order, by_name, n * sizeof *order);
    gsl_ran_shuffle(rng, order, n, sizeof *order);

    ks_trace_pods_free(out);
    for (size_t i = 0; i < n; i++)
        ks_trace_pods_push(out, &in->v[order[i]]);
    if ((double)info->after < info->target)
        tune_up(in, by_name, rng, out, info);
    else if ((double)info->after > info->target)
        tune_down(rng, out, info);
    free(order);
    free(by_name);
    return 0;
}
