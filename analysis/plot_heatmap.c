/* plot_heatmap.c - per-node CPU allocation over time, rebuilt from /pods
 * (see plot_heatmap.h).
 *
 * Each placed pod gives two events on its row, +request when it is bound
 * and -request when it ends.  The events are sorted by (row, time); each
 * row's load (an exact integer sum of millicores) is then piecewise
 * constant between consecutive events, and each constant piece is added to
 * the bins it overlaps.  A row's pieces are disjoint, so a row costs its
 * events plus its bins, never events x bins.
 *
 * Owner: the figures helper (issue 4).
 */
#include "analysis/plot_heatmap.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/xalloc.h"

typedef struct load_event {
    double t;
    size_t row;
    int64_t delta; /* millicores */
} load_event;

static int cmp_event(const void *a, const void *b)
{
    const load_event *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

/* Rows of per_row consecutive nodes (the last may have fewer); row_of
 * (may be NULL) gets each node's row. */
static void assign_rows(ks_heatmap *hm, size_t nnodes, size_t per_row,
                        size_t *row_of)
{
    for (size_t r = 0; r <= hm->nrows; r++)
        hm->row_first[r] = r * per_row < nnodes ? r * per_row : nnodes;
    for (size_t r = 0; row_of && r < hm->nrows; r++)
        for (size_t n = hm->row_first[r]; n < hm->row_first[r + 1]; n++)
            row_of[n] = r;
}

/* The pods' events, clipped to [0, span); returns how many. */
static size_t collect_events(const ks_dataset *ds, double span,
                             const size_t *row_of, load_event *ev)
{
    size_t n = 0;
    for (size_t i = 0; i < ds->npods; i++) {
        const ks_pod_row *p = &ds->pods[i];
        if (p->node < 0 || (size_t)p->node >= ds->nnodes ||
            p->cpu_request <= 0 || !isfinite(p->scheduled))
            continue;
        double from = p->scheduled < 0 ? 0 : p->scheduled;
        double to = isnan(p->end) || p->end > span ? span : p->end;
        if (!(to > from))
            continue;
        size_t row = row_of[p->node];
        ev[n++] = (load_event){from, row, p->cpu_request};
        ev[n++] = (load_event){to, row, -p->cpu_request};
    }
    return n;
}

/* Adds load * overlap of [a, b) with each bin to the row's cells. */
static void integrate(double *cells, size_t ncols, double width, double a,
                      double b, double load)
{
    if (!(b > a) || load == 0)
        return;
    size_t c0 = (size_t)(a / width);
    size_t c1 = (size_t)(b / width);
    if (c0 >= ncols)
        c0 = ncols - 1;
    if (c1 >= ncols)
        c1 = ncols - 1;
    for (size_t c = c0; c <= c1; c++) {
        double lo = (double)c * width, hi = (double)(c + 1) * width;
        if (c == ncols - 1)
            hi = b > hi ? b : hi;
        lo = a > lo ? a : lo;
        hi = b < hi ? b : hi;
        if (hi > lo)
            cells[c] += load * (hi - lo);
    }
}

/* Sweeps the sorted events: each row's integrated load per bin. */
static void sweep(ks_heatmap *hm, const load_event *ev, size_t nev)
{
    double width = hm->span_s / (double)hm->ncols;
    size_t i = 0;
    while (i < nev) {
        size_t row = ev[i].row;
        double *cells = hm->cpu + row * hm->ncols;
        int64_t load = 0;
        double last = 0;
        for (; i < nev && ev[i].row == row; i++) {
            integrate(cells, hm->ncols, width, last, ev[i].t, (double)load);
            load += ev[i].delta;
            last = ev[i].t;
        }
        integrate(cells, hm->ncols, width, last, hm->span_s, (double)load);
    }
}

/* Integrated millicore-seconds to fractions of the row's allocatable. */
static void normalize(ks_heatmap *hm, const ks_dataset *ds)
{
    double width = hm->span_s / (double)hm->ncols;
    for (size_t r = 0; r < hm->nrows; r++) {
        double alloc = 0;
        for (size_t n = hm->row_first[r]; n < hm->row_first[r + 1]; n++)
            alloc += (double)ds->nodes[n].cpu_allocatable;
        double *cells = hm->cpu + r * hm->ncols;
        for (size_t c = 0; c < hm->ncols; c++)
            cells[c] = alloc > 0 ? cells[c] / (width * alloc) : 0.0;
    }
}

int ks_heatmap_build(const ks_dataset *ds, double span_s, size_t max_cols,
                     size_t max_rows, ks_heatmap **out, ks_error *err)
{
    *out = NULL;
    if (max_cols == 0 || max_rows == 0 || isnan(span_s))
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "heatmap needs at least one row and one column "
                            "and a time span");
    ks_heatmap *hm = ks_xcalloc(1, sizeof *hm);
    hm->span_s = span_s;
    hm->ncols = span_s > 0 && isfinite(span_s) ? max_cols : 0;
    /* Equal rows read more easily than rows of floor and ceil sizes. */
    size_t per_row = (ds->nnodes + max_rows - 1) / max_rows;
    hm->nrows = per_row ? (ds->nnodes + per_row - 1) / per_row : 0;
    hm->row_first = ks_xcalloc(hm->nrows + 1, sizeof *hm->row_first);
    hm->cpu = ks_xcalloc(hm->nrows * hm->ncols + 1, sizeof *hm->cpu);
    if (hm->nrows > 0 && hm->ncols > 0) {
        size_t *row_of = ks_xcalloc(ds->nnodes, sizeof *row_of);
        load_event *ev = ks_xcalloc(2 * ds->npods + 1, sizeof *ev);
        assign_rows(hm, ds->nnodes, per_row, row_of);
        size_t nev = collect_events(ds, span_s, row_of, ev);
        qsort(ev, nev, sizeof *ev, cmp_event);
        sweep(hm, ev, nev);
        normalize(hm, ds);
        free(ev);
        free(row_of);
    } else {
        assign_rows(hm, ds->nnodes, per_row, NULL);
    }
    *out = hm;
    return 0;
}

void ks_heatmap_destroy(ks_heatmap *hm)
{
    if (!hm)
        return;
    free(hm->row_first);
    free(hm->cpu);
    free(hm);
}

double ks_heatmap_at(const ks_heatmap *hm, size_t r, size_t c)
{
    if (!hm || r >= hm->nrows || c >= hm->ncols)
        return NAN;
    return hm->cpu[r * hm->ncols + c];
}
