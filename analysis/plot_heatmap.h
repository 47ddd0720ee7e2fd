/* plot_heatmap.h - per-node CPU allocation over time, rebuilt from /pods,
 * for the node-heatmap figure of `ksim plot`.
 *
 * A pod holds its cpu_request on its node from `scheduled` until `end` (a
 * NaN end means until the end of the run).  The run [0, span_s) is cut into
 * ncols equal time bins and the nodes, in /nodes order, into nrows rows of
 * k = ceil(nnodes / max_rows) consecutive nodes (the last row may hold
 * fewer): one node per row when there are at most max_rows nodes.
 * Cell (r, c) is the time average over bin c of the CPU requested on the
 * nodes of row r, as a fraction of their allocatable CPU (0 when they have
 * none): the integral of the requests over the bin divided by the bin's
 * length and the row's allocatable.
 *
 * Cost: O(P log P + nrows * ncols) for P pods - one sort of the pods'
 * start and end events, then a sweep that integrates each row's load only
 * over the bins between two of its events.
 *
 * Pods never bound, bound to a node not in /nodes, with no CPU request or
 * with no time on a node inside [0, span_s) are skipped.
 *
 * Owner: the figures helper (issue 4).  Ownership: ks_heatmap_build returns
 * a new heatmap freed with ks_heatmap_destroy (accepts NULL).
 */
#ifndef KS_PLOT_HEATMAP_H
#define KS_PLOT_HEATMAP_H

#include <stddef.h>

#include "analysis/output.h"
#include "sim/error.h"

typedef struct ks_heatmap {
    size_t ncols;      /* time bins; 0 when span_s is not > 0 */
    size_t nrows;      /* node rows; 0 when the dataset has no node */
    double span_s;     /* time covered: bin c is [c, c+1) * span_s / ncols */
    size_t *row_first; /* nrows + 1 entries: row r holds nodes
                          row_first[r] .. row_first[r + 1] - 1 */
    double *cpu;       /* nrows * ncols fractions, cpu[r * ncols + c] */
} ks_heatmap;

/* Builds the heatmap of ds over [0, span_s) with ncols = max_cols time bins
 * (when span_s > 0) and at most max_rows node rows.  Returns 0, or
 * KS_EINVAL when max_cols or max_rows is 0 or span_s is NaN. */
int ks_heatmap_build(const ks_dataset *ds, double span_s, size_t max_cols,
                     size_t max_rows, ks_heatmap **out, ks_error *err);

void ks_heatmap_destroy(ks_heatmap *hm);

/* The cell (r, c); NaN when out of range. */
double ks_heatmap_at(const ks_heatmap *hm, size_t r, size_t c);

#endif
