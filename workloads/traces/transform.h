/* transform.h - reshaping a loaded pod list: arrival-time scaling,
 * sampling, and the FGD paper's inflation to a multiple of the cluster's
 * GPU capacity.
 *
 * Randomness comes from the gsl_rng the caller passes (a named stream of
 * sim/rng.h, so the same seed gives the same list); nothing here reads a
 * clock.
 *
 * Ownership: the functions change the list they are given in place, except
 * ks_trace_inflate, which fills a new list *out (owned by the caller,
 * ks_trace_pods_free) and leaves its input alone.
 */
#ifndef KS_TRACE_TRANSFORM_H
#define KS_TRACE_TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/error.h"
#include "workloads/traces/trace.h"

/* t x factor rounded to the nearest ns (factor >= 0 and finite; 0.5 makes
 * arrivals twice as dense).  KS_TIME_NEVER stays never.  KS_ERANGE for a
 * bad factor or a result past int64 ns. */
int ks_trace_scale_time(ks_time t, double factor, ks_time *out);

/* Multiplies every pod's arrival by factor (durations are unchanged).  On
 * error (err says which pod) the list is unchanged. */
int ks_trace_scale_arrivals(ks_trace_pods *list, double factor,
                            ks_error *err);

/* Keeps each pod with probability p (0..1), in order: one
 * gsl_rng_uniform draw per pod, kept when below p.  KS_ERANGE for a bad p. */
int ks_trace_sample(ks_trace_pods *list, double p, gsl_rng *rng,
                    ks_error *err);

/* Keeps pods 0, k, 2k, ... (k >= 1; KS_ERANGE for 0). */
int ks_trace_sample_every(ks_trace_pods *list, size_t k, ks_error *err);

/* The GPU request of a list as the FGD simulator counts it: the sum of
 * gpu_count x gpu_milli (x instances) in milli-GPUs. */
int64_t ks_trace_pods_gpu_milli(const ks_trace_pods *list);
/* The GPU capacity of a node list: the sum of gpu_count x 1000. */
int64_t ks_trace_nodes_gpu_milli(const ks_trace_nodes *list);

/* What ks_trace_inflate did. */
typedef struct ks_trace_inflate_info {
    double target;       /* ratio x capacity, milli-GPUs */
    int64_t before;      /* ks_trace_pods_gpu_milli of the input */
    int64_t after;       /* ... of the output */
    size_t cloned;       /* clones appended */
    size_t removed;      /* pods removed (the input was above the target) */
    int32_t stop_gpu_milli; /* per-GPU milli of the drawn clone that
                               stopped the cloning; -1 when none was drawn */
} ks_trace_inflate_info;

/* The FGD experiment's workload (Weng et al., ATC '23; the authors'
 * simulator's SortClusterPods + TunePodsByNodeTotalResource):
 *   1. the pods sorted by name (ties: input order), then shuffled with
 *      rng (gsl_ran_shuffle);
 *   2. while the GPU request is below ratio x capacity_gpu_milli: draw a
 *      pod uniformly, with replacement, from the original name-sorted
 *      list (CPU-only pods included) and append a clone named
 *      <name>-tuned-<i> (i = 0, 1, ...), unless the request plus the
 *      clone's PER-GPU milli would exceed the target, which stops it.  The
 *      check uses gpu_milli, not gpu_count x gpu_milli, as the authors'
 *      code does: a multi-GPU clone can overshoot the target;
 *   3. if the request is above the target instead, pods drawn uniformly
 *      from the current list are removed until it is not.
 * capacity_gpu_milli > 0 and ratio > 0 (KS_ERANGE otherwise); KS_EINVAL
 * when there are no pods, or no GPU request to grow.  *out is replaced
 * (freed first; it must not be in).  info may be NULL. */
int ks_trace_inflate(const ks_trace_pods *in, int64_t capacity_gpu_milli,
                     double ratio, gsl_rng *rng, ks_trace_pods *out,
                     ks_trace_inflate_info *info, ks_error *err);

#endif
