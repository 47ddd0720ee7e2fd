/* plot.c - `ksim plot RUN.h5`: the figures of one run, drawn by gnuplot.
 *
 * Every figure is one entry of the table `figures` below: a name, whether
 * the dataset has what it shows, and two writers, one for NAME.dat and one
 * for NAME.gp (plot_gnuplot.c writes the files and runs gnuplot).  The time
 * series figures are themselves tables of series, each with its own
 * presence test, so a series the dataset lacks (pod slots on nodes without
 * a pod limit; later, a Service's available replicas or request success)
 * is left out of its figure, and a figure with no series left is not
 * drawn.  A new figure or series is one more table entry.
 *
 * All data and scripts are written before gnuplot runs: they are useful
 * even without gnuplot, e.g. to draw the figures on another machine.
 *
 * Owner: the figures helper (issue 4).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "analysis/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/output.h"
#include "analysis/plot_gnuplot.h"
#include "analysis/plot_heatmap.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

/* The CDF keeps at most this many points: beyond it the curve looks the
 * same and the .dat file would grow with the pod count. */
#define CDF_MAX_POINTS 10000
/* Heatmap resolution: time bins, and node rows at most (more nodes share
 * rows).  About the pixels a column-wide figure has for its plot area. */
#define HEATMAP_COLS 200
#define HEATMAP_ROWS 200
/* Up to this many one-node rows, the heatmap's y axis names the nodes. */
#define HEATMAP_NAMED_ROWS 12

/* ---- what every figure sees ---------------------------------------------- */

/* The time axis: hours for runs over 2 h, minutes over 2 min, else
 * seconds, so tick labels stay short and readable. */
typedef struct time_axis {
    double per;       /* seconds per unit */
    const char *unit; /* "h", "min", "s" */
    double span;      /* the run's length in that unit */
    double span_s;    /* the same in seconds */
} time_axis;

/* A sorted sample of latencies (seconds). */
typedef struct latencies {
    double *v;
    size_t n;
} latencies;

typedef struct run_ctx {
    const ks_dataset *ds;
    time_axis t;
    latencies scheduling; /* scheduled - submit */
    latencies startup;    /* start - submit */
    ks_heatmap *heat;
    double pods_allocatable; /* over all nodes */
} run_ctx;

static time_axis time_axis_of(const ks_dataset *ds)
{
    double span = ds->end_time_s;
    if (ds->nsamples > 0 && ds->samples[ds->nsamples - 1].time > span)
        span = ds->samples[ds->nsamples - 1].time;
    if (!(span > 0) || !isfinite(span)) /* a damaged file: no length */
        span = 0;
    if (span > 2 * 3600.0)
        return (time_axis){3600.0, "h", span / 3600.0, span};
    if (span > 2 * 60.0)
        return (time_axis){60.0, "min", span / 60.0, span};
    return (time_axis){1.0, "s", span, span};
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* to - submit for every pod where both are known, sorted. */
static latencies latencies_of(const ks_dataset *ds, int startup)
{
    latencies l = {ks_xcalloc(ds->npods + 1, sizeof(double)), 0};
    for (size_t i = 0; i < ds->npods; i++) {
        const ks_pod_row *p = &ds->pods[i];
        double to = startup ? p->start : p->scheduled;
        if (isfinite(to) && isfinite(p->submit))
            l.v[l.n++] = to - p->submit;
    }
    qsort(l.v, l.n, sizeof(double), cmp_double);
    return l;
}

static char *figure_title(const run_ctx *rc, const char *what)
{
    const char *scenario = rc->ds->scenario_name;
    return scenario && scenario[0] ? ks_xasprintf("%s: %s", scenario, what)
                                   : ks_xstrdup(what);
}

static void preamble(FILE *gp, const run_ctx *rc, const char *name,
                     const char *what, const char *title)
{
    char *full = figure_title(rc, title);
    ks_gp_preamble(gp, name, what, full);
    free(full);
}

/* A tick step of 1, 2 or 5 times a power of ten giving at most max_ticks
 * intervals over span. */
static double nice_step(double span, int max_ticks)
{
    double raw = span / max_ticks;
    double p = pow(10.0, floor(log10(raw)));
    static const double mult[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (mult[i] * p >= raw)
            return mult[i] * p;
    return 10 * p;
}

/* The x axis of the time figures: the whole run, even when the last
 * sample falls before its end. */
static void gp_time_axis(FILE *gp, time_axis t)
{
    fprintf(gp, "set xlabel 'Time (%s)'\n", t.unit);
    fprintf(gp, "set xrange [0:%.9g]\n", t.span > 0 ? t.span : 1.0);
}

/* ---- time series figures ------------------------------------------------- */

typedef struct series {
    const char *column; /* .dat column name */
    const char *unit;   /* .dat column unit */
    const char *title;  /* legend */
    double (*value)(const run_ctx *, const ks_sample *);
    int (*present)(const run_ctx *); /* NULL: always */
} series;

typedef struct ts_spec {
    const char *what;   /* the script's comment */
    const char *title;
    const char *ylabel;
    int percent;        /* y axis 0..100 % */
    const series *series;
    size_t nseries;
} ts_spec;

static double v_cpu(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return 100.0 * s->cpu_allocated;
}

static double v_memory(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return 100.0 * s->memory_allocated;
}

/* Pod slots: running pods over the nodes' pod limits. */
static double v_pods(const run_ctx *rc, const ks_sample *s)
{
    return 100.0 * (double)s->pods_running / rc->pods_allocatable;
}

static int has_pod_limits(const run_ctx *rc)
{
    return rc->pods_allocatable > 0;
}

static double v_pending(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return (double)s->pods_pending;
}

static double v_running(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return (double)s->pods_running;
}

static double v_active(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return (double)s->queue_active;
}

static double v_backoff(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return (double)s->queue_backoff;
}

static double v_unschedulable(const run_ctx *rc, const ks_sample *s)
{
    (void)rc;
    return (double)s->queue_unschedulable;
}

static const series allocation_series[] = {
    {"cpu_allocated", "%", "CPU", v_cpu, NULL},
    {"memory_allocated", "%", "Memory", v_memory, NULL},
    {"pods_allocated", "%", "Pod slots", v_pods, has_pod_limits},
};

static const series pending_series[] = {
    {"pods_pending", "pods", "Pending", v_pending, NULL},
    {"pods_running", "pods", "Running", v_running, NULL},
};

static const series queue_series[] = {
    {"queue_active", "pods", "active", v_active, NULL},
    {"queue_backoff", "pods", "backoff", v_backoff, NULL},
    {"queue_unschedulable", "pods", "unschedulable", v_unschedulable, NULL},
};

#define SERIES(a) (a), sizeof(a) / sizeof((a)[0])

static const ts_spec allocation_spec = {
    "resources requested by running pods over time", "allocation",
    "Allocated (% of allocatable)", 1, SERIES(allocation_series)};
static const ts_spec pending_spec = {
    "pending and running pods over time", "pending and running pods",
    "Pods (count)", 0, SERIES(pending_series)};
static const ts_spec queue_spec = {
    "scheduling queue lengths over time", "scheduling queue",
    "Pods in queue (count)", 0, SERIES(queue_series)};

static int series_present(const run_ctx *rc, const series *s)
{
    return !s->present || s->present(rc);
}

static int ts_present(const run_ctx *rc, const void *spec)
{
    const ts_spec *ts = spec;
    for (size_t i = 0; i < ts->nseries; i++)
        if (series_present(rc, &ts->series[i]))
            return 1;
    return 0;
}

static void ts_dat(FILE *dat, const run_ctx *rc, const void *spec)
{
    const ts_spec *ts = spec;
    fprintf(dat, "# time[%s]", rc->t.unit);
    for (size_t k = 0; k < ts->nseries; k++)
        if (series_present(rc, &ts->series[k]))
            fprintf(dat, " %s[%s]", ts->series[k].column, ts->series[k].unit);
    fputc('\n', dat);
    for (size_t i = 0; i < rc->ds->nsamples; i++) {
        const ks_sample *s = &rc->ds->samples[i];
        fprintf(dat, "%.9g", s->time / rc->t.per);
        for (size_t k = 0; k < ts->nseries; k++)
            if (series_present(rc, &ts->series[k]))
                fprintf(dat, " %.9g", ts->series[k].value(rc, s));
        fputc('\n', dat);
    }
}

/* The largest value of the figure's series over all samples (0 if none). */
static double ts_max(const run_ctx *rc, const ts_spec *ts)
{
    double max = 0;
    for (size_t i = 0; i < rc->ds->nsamples; i++)
        for (size_t k = 0; k < ts->nseries; k++)
            if (series_present(rc, &ts->series[k])) {
                double v = ts->series[k].value(rc, &rc->ds->samples[i]);
                max = v > max ? v : max;
            }
    return max;
}

static void ts_gp(FILE *gp, const run_ctx *rc, const char *name,
                  const void *spec)
{
    const ts_spec *ts = spec;
    preamble(gp, rc, name, ts->what, ts->title);
    gp_time_axis(gp, rc->t);
    fputs("set ylabel ", gp);
    ks_gp_quoted(gp, ts->ylabel);
    fputc('\n', gp);
    /* Headroom above the data for the key. */
    if (ts->percent)
        fputs("set yrange [0:125]\nset ytics 0, 20, 100\n", gp);
    else
        fputs("set yrange [0:*]\nset offsets 0, 0, graph 0.25, 0\n", gp);
    /* Counts below 5: whole-number ticks, not 0.2, 0.4, ... */
    if (!ts->percent && ts_max(rc, ts) < 5)
        fputs("set ytics 0, 1\n", gp);
    if (rc->ds->nsamples == 0) {
        if (!ts->percent)
            fputs("set yrange [0:1]\n", gp);
        ks_gp_empty_plot(gp, "no metrics samples in this run");
        return;
    }
    /* Samples are snapshots: steps hold each value until the next one
     * rather than inventing a slope.  Solid lines told apart by colour
     * (gnuplot's default colours suit colour-blind readers): dash
     * patterns break up on the many short segments of a step plot. */
    fputs("plot ", gp);
    int col = 2, first = 1;
    for (size_t k = 0; k < ts->nseries; k++) {
        if (!series_present(rc, &ts->series[k]))
            continue;
        if (first)
            fprintf(gp, "'%s.dat'", name);
        else
            fputs(", \\\n     ''", gp);
        fprintf(gp, " using 1:%d with steps lw 1.5 title ", col);
        ks_gp_quoted(gp, ts->series[k].title);
        col++;
        first = 0;
    }
    fputc('\n', gp);
}

/* ---- CDF figures --------------------------------------------------------- */

typedef struct cdf_spec {
    const char *what;
    const char *title;
    const char *axis;    /* x label without unit */
    const char *column;  /* .dat column */
    const char *done;    /* "scheduled", "started" */
    const char *none;    /* the empty figure's note */
    int startup;
} cdf_spec;

static const cdf_spec scheduling_cdf = {
    "CDF of scheduling latency (submit to bind)", "scheduling latency",
    "Scheduling latency", "latency", "scheduled",
    "no pod was scheduled in this run", 0};
static const cdf_spec startup_cdf = {
    "CDF of pod startup latency (submit to running)", "pod startup latency",
    "Startup latency", "startup_latency", "started",
    "no pod started in this run", 1};

static const latencies *cdf_sample(const run_ctx *rc, const cdf_spec *c)
{
    return c->startup ? &rc->startup : &rc->scheduling;
}

/* Log x when positive latencies span more than two decades. */
static int cdf_wants_log(const latencies *l, size_t *nzero)
{
    size_t z = 0;
    while (z < l->n && l->v[z] <= 0)
        z++;
    *nzero = z;
    if (z == l->n)
        return 0;
    return l->v[l->n - 1] / l->v[z] > 100.0;
}

/* The empirical CDF as step points: (x_1, 0), then (x_i, i/n).  Thinned to
 * about CDF_MAX_POINTS, always keeping the last point. */
static void cdf_dat(FILE *dat, const run_ctx *rc, const void *spec)
{
    const cdf_spec *c = spec;
    const latencies *l = cdf_sample(rc, c);
    fprintf(dat, "# %s[s] fraction_%s[1]\n", c->column, c->done);
    if (l->n == 0)
        return;
    size_t step = (l->n + CDF_MAX_POINTS - 1) / CDF_MAX_POINTS;
    fprintf(dat, "%.9g 0\n", l->v[0]);
    for (size_t i = 0; i < l->n; i++)
        if ((i + 1) % step == 0 || i + 1 == l->n)
            fprintf(dat, "%.9g %.9g\n", l->v[i],
                    (double)(i + 1) / (double)l->n);
}

static void cdf_gp(FILE *gp, const run_ctx *rc, const char *name,
                   const void *spec)
{
    const cdf_spec *c = spec;
    const latencies *l = cdf_sample(rc, c);
    preamble(gp, rc, name, c->what, c->title);
    /* Bottom right is empty under a CDF. */
    fputs("set key bottom right vertical Right noreverse\n", gp);
    fprintf(gp, "set ylabel 'Fraction of %s pods'\n", c->done);
    fputs("set yrange [0:1.05]\nset ytics 0, 0.2, 1\n", gp);
    if (l->n == 0) {
        fprintf(gp, "set xlabel '%s (s)'\nset xrange [0:1]\n", c->axis);
        ks_gp_empty_plot(gp, c->none);
        return;
    }
    size_t nzero = 0;
    if (cdf_wants_log(l, &nzero)) {
        fprintf(gp, "set xlabel '%s (s, log scale)'\n", c->axis);
        fputs("set logscale x\nset format x '%g'\n", gp);
        if (nzero > 0)
            fprintf(gp,
                    "set label 2 '%zu pods with 0 s are left of the axis' "
                    "at graph 0.02, 0.93\n",
                    nzero);
    } else {
        fprintf(gp, "set xlabel '%s (s)'\n", c->axis);
        /* All equal: centre the single jump instead of drawing it on the
         * border of a zero-width range. */
        if (l->v[l->n - 1] <= l->v[0])
            fprintf(gp, "set xrange [%.9g:%.9g]\n", l->v[0] - 1.0,
                    l->v[0] + 1.0);
    }
    fprintf(gp,
            "plot '%s.dat' using 1:2 with steps lw 1.5 "
            "title 'CDF (%zu of %zu pods %s)'\n",
            name, l->n, rc->ds->npods, c->done);
}

/* ---- the node heatmap ---------------------------------------------------- */

static int heatmap_one_node_rows(const ks_heatmap *hm)
{
    return hm->nrows == 0 || hm->row_first[hm->nrows] == hm->nrows;
}

/* A row's y: the node index at its centre (rows are k nodes each, so the
 * grid is uniform and the y axis reads node indices). */
static double heatmap_row_y(const ks_heatmap *hm, size_t r)
{
    double k = (double)hm->row_first[1];
    return (double)r * k + (k - 1) / 2;
}

static void heatmap_dat(FILE *dat, const run_ctx *rc, const void *spec)
{
    (void)spec;
    const ks_heatmap *hm = rc->heat;
    const ks_dataset *ds = rc->ds;
    fprintf(dat, "# time[%s] node[index] cpu_allocated[%%]\n", rc->t.unit);
    size_t per_row = hm->nrows ? hm->row_first[1] : 0;
    fprintf(dat, "# %zu time bins of %.9g %s (time = bin centre); %zu "
                 "node%s per row (node = the row's centre index), rows "
                 "listed below; cpu_allocated = time-averaged CPU requests "
                 "over the row's allocatable CPU\n",
            hm->ncols, hm->ncols ? rc->t.span / (double)hm->ncols : 0.0,
            rc->t.unit, per_row, per_row == 1 ? "" : "s");
    for (size_t r = 0; r < hm->nrows; r++) {
        size_t a = hm->row_first[r], b = hm->row_first[r + 1] - 1;
        if (a == b)
            fprintf(dat, "# row %zu: node %zu (%s)\n", r, a, ds->nodes[a].name);
        else
            fprintf(dat, "# row %zu: nodes %zu-%zu (%s .. %s)\n", r, a, b,
                    ds->nodes[a].name, ds->nodes[b].name);
    }
    /* One block per row, blank-line separated: the grid `with image`
     * reads. */
    double width = hm->ncols ? rc->t.span / (double)hm->ncols : 0.0;
    for (size_t r = 0; r < hm->nrows; r++) {
        for (size_t c = 0; c < hm->ncols; c++)
            fprintf(dat, "%.9g %.9g %.6g\n", ((double)c + 0.5) * width,
                    heatmap_row_y(hm, r), 100.0 * ks_heatmap_at(hm, r, c));
        fputc('\n', dat);
    }
}

/* Names on the y axis when there are few one-node rows; else indices. */
static void heatmap_yaxis(FILE *gp, const run_ctx *rc)
{
    const ks_heatmap *hm = rc->heat;
    if (!heatmap_one_node_rows(hm)) {
        fprintf(gp, "set ylabel 'Node (index, %zu per row)'\n",
                hm->row_first[1]);
        return;
    }
    if (hm->nrows > HEATMAP_NAMED_ROWS) {
        fputs("set ylabel 'Node (index)'\n", gp);
        return;
    }
    /* The names say what the axis is: no label, more room. */
    fputs("set ytics (", gp);
    for (size_t r = 0; r < hm->nrows; r++) {
        fputs(r ? ", " : "", gp);
        ks_gp_quoted(gp, rc->ds->nodes[r].name);
        fprintf(gp, " %zu", r);
    }
    fputs(")\n", gp);
}

static void heatmap_gp(FILE *gp, const run_ctx *rc, const char *name,
                       const void *spec)
{
    (void)spec;
    const ks_heatmap *hm = rc->heat;
    preamble(gp, rc, name, "per-node CPU allocation over time",
             "CPU allocated per node");
    gp_time_axis(gp, rc->t);
    fputs("unset grid\nunset key\n", gp);
    fputs("set cblabel 'CPU allocated (%)'\nset cbrange [0:100]\n"
          "set cbtics 20\n",
          gp);
    /* viridis: perceptually uniform, readable in grey and by most colour
     * blind readers. */
    fputs("set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', "
          "3 '#5ec962', 4 '#fde725')\n",
          gp);
    if (hm->nrows == 0 || hm->ncols == 0) {
        fputs("set ylabel 'Node'\nset yrange [0:1]\n", gp);
        ks_gp_empty_plot(gp, hm->nrows == 0 ? "no nodes in this run"
                                            : "the run has no length");
        return;
    }
    heatmap_yaxis(gp, rc);
    /* The colour box narrows the plot: fewer time ticks than gnuplot's. */
    fprintf(gp, "set xtics %.9g\n", nice_step(rc->t.span, 4));
    fprintf(gp, "set yrange [-0.5:%.1f]\n",
            (double)hm->row_first[hm->nrows] - 0.5);
    /* gnuplot leaves no room for the colour box's label by itself. */
    fputs("set tics out\nset xtics nomirror\nset ytics nomirror\n"
          "set rmargin 10\n",
          gp);
    fprintf(gp, "plot '%s.dat' using 1:2:3 with image notitle\n", name);
}

/* ---- rejections per scheduler plugin ------------------------------------- */

/* Plugins that filter or reject: score-only plugins have nothing to show. */
static int plugin_shown(const ks_plugin_row *p)
{
    return p->filter_calls > 0 || p->filter_rejections > 0 ||
           p->pre_filter_rejections > 0;
}

static int plugins_present(const run_ctx *rc, const void *spec)
{
    (void)spec;
    return rc->ds->nplugins > 0;
}

static int many_profiles(const ks_dataset *ds)
{
    for (size_t i = 1; i < ds->nplugins; i++)
        if (strcmp(ds->plugins[i].profile, ds->plugins[0].profile) != 0)
            return 1;
    return 0;
}

static void plugins_dat(FILE *dat, const run_ctx *rc, const void *spec)
{
    (void)spec;
    const ks_dataset *ds = rc->ds;
    int profiles = many_profiles(ds);
    fputs("# plugin[-] filter_rejections[nodes] pre_filter_rejections[cycles]"
          " filter_calls[nodes]\n",
          dat);
    for (size_t i = 0; i < ds->nplugins; i++) {
        const ks_plugin_row *p = &ds->plugins[i];
        if (!plugin_shown(p))
            continue;
        /* Names hold no blanks or quotes in practice; quoted anyway so a
         * column stays one column. */
        fputs("\"", dat);
        if (profiles)
            fprintf(dat, "%s/", p->profile);
        for (const char *s = p->plugin; *s; s++)
            fputc(*s == '"' || (unsigned char)*s < 0x20 ? '_' : *s, dat);
        fprintf(dat, "\" %lld %lld %lld\n", (long long)p->filter_rejections,
                (long long)p->pre_filter_rejections,
                (long long)p->filter_calls);
    }
}

static void plugins_gp(FILE *gp, const run_ctx *rc, const char *name,
                       const void *spec)
{
    (void)spec;
    size_t shown = 0;
    int pre_filter = 0;
    for (size_t i = 0; i < rc->ds->nplugins; i++) {
        const ks_plugin_row *p = &rc->ds->plugins[i];
        shown += (size_t)plugin_shown(p);
        pre_filter |= p->pre_filter_rejections > 0;
    }
    preamble(gp, rc, name, "rejections per scheduler plugin",
             "rejections per plugin");
    fputs("set xlabel 'Rejections (count)'\n", gp);
    fputs("set grid noytics\nset ytics scale 0\n", gp);
    if (shown == 0) {
        fputs("set xrange [0:1]\nset yrange [0:1]\nunset ytics\n", gp);
        ks_gp_empty_plot(gp, "no plugin filtered or rejected a pod");
        return;
    }
    /* Horizontal bars, first plugin on top, names left of the bars
     * however long they are; a free row on top for the key.  Counts
     * reach millions: SI prefixes keep the tick labels short. */
    fprintf(gp, "set yrange [%zu.5:-1.5]\nset xrange [0:*]\n", shown - 1);
    fputs("set format x '%.0s%c'\nset style fill solid 0.8 border -1\n",
          gp);
    double half = pre_filter ? 0.18 : 0.3, off = pre_filter ? 0.2 : 0.0;
    fprintf(gp,
            "plot '%s.dat' using ($2/2):($0-%g):($2/2):(%g):ytic(1) "
            "with boxxyerror title 'Filter (nodes rejected)'",
            name, off, half);
    /* PreFilter rejections are drawn only when some plugin has any. */
    if (pre_filter)
        fprintf(gp,
                ", \\\n     '' using ($3/2):($0+%g):($3/2):(%g) "
                "with boxxyerror fs pattern 4 border -1 "
                "title 'PreFilter (cycles rejected)'",
                off, half);
    fputc('\n', gp);
}

/* ---- the figure table ---------------------------------------------------- */

typedef struct figure {
    const char *name;
    const void *spec;
    int (*present)(const run_ctx *, const void *spec); /* NULL: always */
    void (*dat)(FILE *, const run_ctx *, const void *spec);
    void (*gp)(FILE *, const run_ctx *, const char *name, const void *spec);
} figure;

static const figure figures[] = {
    {"allocation", &allocation_spec, ts_present, ts_dat, ts_gp},
    {"pending", &pending_spec, ts_present, ts_dat, ts_gp},
    {"queues", &queue_spec, ts_present, ts_dat, ts_gp},
    {"latency-cdf", &scheduling_cdf, NULL, cdf_dat, cdf_gp},
    {"startup-cdf", &startup_cdf, NULL, cdf_dat, cdf_gp},
    {"node-heatmap", NULL, NULL, heatmap_dat, heatmap_gp},
    {"plugin-rejections", NULL, plugins_present, plugins_dat, plugins_gp},
};

#define NFIGURES (sizeof figures / sizeof figures[0])

/* What ks_gp_write hands back to the two writers. */
typedef struct figure_job {
    const run_ctx *rc;
    const figure *fig;
} figure_job;

static void write_dat(FILE *f, const void *ctx)
{
    const figure_job *job = ctx;
    job->fig->dat(f, job->rc, job->fig->spec);
}

static void write_gp(FILE *f, const void *ctx)
{
    const figure_job *job = ctx;
    job->fig->gp(f, job->rc, job->fig->name, job->fig->spec);
}

static int figure_present(const run_ctx *rc, const figure *fig)
{
    return !fig->present || fig->present(rc, fig->spec);
}

/* ---- the entry points ---------------------------------------------------- */

static void run_ctx_init(run_ctx *rc, const ks_dataset *ds)
{
    rc->ds = ds;
    rc->t = time_axis_of(ds);
    rc->scheduling = latencies_of(ds, 0);
    rc->startup = latencies_of(ds, 1);
    rc->pods_allocatable = 0;
    for (size_t i = 0; i < ds->nnodes; i++)
        if (ds->nodes[i].pods_allocatable > 0)
            rc->pods_allocatable += (double)ds->nodes[i].pods_allocatable;
    /* Arguments are valid: building cannot fail. */
    ks_heatmap_build(ds, rc->t.span_s, HEATMAP_COLS, HEATMAP_ROWS, &rc->heat,
                     NULL);
}

static void run_ctx_free(run_ctx *rc)
{
    free(rc->scheduling.v);
    free(rc->startup.v);
    ks_heatmap_destroy(rc->heat);
}

static int plot_dataset(const ks_dataset *ds, const char *outdir,
                        unsigned formats, ks_error *err)
{
    run_ctx ctx;
    run_ctx_init(&ctx, ds);
    int rc = ks_mkdir_p(outdir, err);
    for (size_t i = 0; i < NFIGURES && !rc; i++) {
        if (!figure_present(&ctx, &figures[i]))
            continue;
        figure_job job = {&ctx, &figures[i]};
        rc = ks_gp_write(outdir, figures[i].name, write_dat, write_gp, &job,
                         err);
    }
    for (size_t i = 0; i < NFIGURES && !rc; i++)
        if (figure_present(&ctx, &figures[i]))
            rc = ks_gp_draw(outdir, figures[i].name, formats, err);
    run_ctx_free(&ctx);
    return rc;
}

int ks_plot_run_with(const char *h5path, const char *outdir,
                     const ks_plot_options *opt, ks_error *err)
{
    ks_dataset *ds = NULL;
    int rc = ks_output_read(h5path, &ds, err);
    if (rc)
        return rc;
    unsigned formats = opt && opt->formats ? opt->formats : KS_PLOT_PNG;
    rc = plot_dataset(ds, outdir, formats, err);
    ks_dataset_destroy(ds);
    return rc;
}

int ks_plot_run(const char *h5path, const char *outdir, ks_error *err)
{
    return ks_plot_run_with(h5path, outdir, NULL, err);
}

int ks_plot_is_sweep(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    char *index = ks_xasprintf("%s/index.csv", path);
    int found = stat(index, &st) == 0 && S_ISREG(st.st_mode);
    free(index);
    return found;
}
