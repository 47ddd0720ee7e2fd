/* gpu_alloc.c - GPU allocation against arrived demand, binned per %. */
#include "analysis/gpu_alloc.h"

#include <math.h>
#include <string.h>

void ks_gpu_alloc_init(ks_gpu_alloc *g, int64_t capacity_milli)
{
    memset(g, 0, sizeof *g);
    g->capacity_milli = capacity_milli;
}

void ks_gpu_alloc_event(ks_gpu_alloc *g, int64_t demand_milli, int64_t used,
                        double frag, int64_t idle)
{
    if (g->capacity_milli <= 0)
        return;
    g->arrived_milli += demand_milli;
    double cap = (double)g->capacity_milli;
    /* merge_alloc_discrete.py: arrive_ratio = round(arrived / GPUs / 10). */
    long k = lround(100.0 * (double)g->arrived_milli / cap);
    if (k < 0 || k > KS_GPU_ALLOC_MAX_PCT)
        return;
    g->sum_alloc[k] += 100.0 * (double)used / cap;
    g->sum_frag[k] += 100.0 * frag / cap;
    g->sum_ratio[k] += idle > 0 ? 100.0 * frag / (double)idle : 0.0;
    g->count[k]++;
}

void ks_gpu_alloc_rows(const ks_gpu_alloc *g, ks_gpu_alloc_row *rows)
{
    for (int k = 0; k <= KS_GPU_ALLOC_MAX_PCT; k++) {
        ks_gpu_alloc_row *r = &rows[k];
        r->arrived_pct = k;
        r->events = g->count[k];
        double a = 0, f = 0, q = 0;
        int64_t n = 0;
        for (int j = k - 1; j <= k + 1; j++) {
            if (j < 0 || j > KS_GPU_ALLOC_MAX_PCT || (g->count[k] && j != k))
                continue;
            a += g->sum_alloc[j];
            f += g->sum_frag[j];
            q += g->sum_ratio[j];
            n += g->count[j];
        }
        r->alloc_pct = n ? a / (double)n : NAN;
        r->frag_pct = n ? f / (double)n : NAN;
        r->frag_ratio_pct = n ? q / (double)n : NAN;
    }
}
