/* gpu_alloc.h - GPU allocation against arrived GPU demand, per pod event.
 *
 * The FGD paper's measure (Weng et al., ATC '23; the authors' simulator
 * logs it after every pod and experiments/analysis/merge_alloc_discrete.py
 * bins it): after each pod is placed or dropped, the arrived GPU demand
 * (the GPU milli of every pod decided so far, placed or not), the
 * allocated GPU milli and the cluster's GPU fragmentation (sim/gpufrag.h).
 * The events are binned by the arrived demand as an integer percentage of
 * the cluster's GPU capacity, round(100 x arrived / capacity), 0..130; each
 * bin holds the mean of the events in it.  The output's /gpu_alloc table
 * has one row per bin (docs/output.md); a bin without events takes the
 * mean of its neighbours' (k-1..k+1) events, as the authors' script does,
 * and NaN when those are empty too.
 *
 * Ownership: the recorder owns its bins.
 */
#ifndef KS_GPU_ALLOC_H
#define KS_GPU_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define KS_GPU_ALLOC_MAX_PCT 130

/* One row of /gpu_alloc. */
typedef struct ks_gpu_alloc_row {
    int32_t arrived_pct;   /* the bin: arrived GPU demand, % of capacity */
    double alloc_pct;      /* allocated GPU milli, % of capacity */
    double frag_pct;       /* fragmented GPU milli, % of capacity */
    double frag_ratio_pct; /* fragmented share of the idle GPU milli, % */
    int64_t events;        /* pod events in the bin (0: neighbours used) */
} ks_gpu_alloc_row;

typedef struct ks_gpu_alloc {
    int64_t capacity_milli; /* the cluster's GPU capacity */
    int64_t arrived_milli;  /* demand decided so far */
    double sum_alloc[KS_GPU_ALLOC_MAX_PCT + 1];
    double sum_frag[KS_GPU_ALLOC_MAX_PCT + 1];
    double sum_ratio[KS_GPU_ALLOC_MAX_PCT + 1];
    int64_t count[KS_GPU_ALLOC_MAX_PCT + 1];
} ks_gpu_alloc;

/* Starts recording for a cluster of capacity_milli GPU milli (> 0). */
void ks_gpu_alloc_init(ks_gpu_alloc *g, int64_t capacity_milli);

/* One pod decided: demand_milli is its GPU request (count x milli, 0 for a
 * CPU-only pod); used, frag and idle are the cluster's allocated,
 * fragmented and idle GPU milli after the decision. */
void ks_gpu_alloc_event(ks_gpu_alloc *g, int64_t demand_milli, int64_t used,
                        double frag, int64_t idle);

/* The table: KS_GPU_ALLOC_MAX_PCT + 1 rows into rows. */
void ks_gpu_alloc_rows(const ks_gpu_alloc *g, ks_gpu_alloc_row *rows);

#endif
