/* plot_sweep.c - `ksim plot SWEEP_DIR`: figures comparing the groups of a
 * sweep (declared in plot.h).
 *
 * The sweep is read through analysis/runset.h (groups = runs sharing every
 * varied parameter, one value per replication per metric) and summarised
 * with analysis/stats.h.  Per chosen metric M it draws:
 *   bars-M  the mean of each group, with its 95% Student t confidence
 *           interval as error bars (no bar where no run has a value, no
 *           error bar with fewer than two values);
 *   box-M   a box plot of each group's per-replication values (median,
 *           quartiles, whiskers to the extreme values within 1.5 IQR),
 *           with the values themselves drawn over it: sweeps have few
 *           replications.
 * Failed runs have no values; the figures say how many were left out.
 *
 * Owner: the figures helper (issue 4).
 */
#include "analysis/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/metrics.h"
#include "analysis/plot_gnuplot.h"
#include "analysis/runset.h"
#include "analysis/stats.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

static const char *const default_metrics[] = {
    "latency_p99_s", "cpu_alloc_mean", "scheduled_fraction", "pending_mean"};
#define NDEFAULT (sizeof default_metrics / sizeof default_metrics[0])

/* Tick labels longer than this, or more groups than this, are slanted. */
#define FLAT_LABEL_MAX 8
#define FLAT_GROUPS_MAX 4

typedef struct sweep_ctx {
    const ks_runset *rs;
    size_t ngroups;
    char **labels;     /* per group: parameter values, ", "-separated */
    char *xlabel;      /* parameter names, ", "-separated */
    size_t metric;     /* index in analysis/metrics.h */
    ks_stats_summary *sum; /* per group, of the current metric */
    size_t nvalues;    /* values of the current metric, all groups */
} sweep_ctx;

/* ---- labels -------------------------------------------------------------- */

static char *join_values(const ks_runset *rs, size_t g)
{
    size_t np = ks_runset_nparams(rs);
    if (np == 0)
        return ks_xstrdup(ks_runset_group_label(rs, g));
    char *s = ks_xstrdup("");
    for (size_t p = 0; p < np; p++) {
        char *next = ks_xasprintf("%s%s%s", s, p ? ", " : "",
                                  ks_runset_group_value(rs, g, p));
        free(s);
        s = next;
    }
    return s;
}

static char *join_params(const ks_runset *rs)
{
    size_t np = ks_runset_nparams(rs);
    if (np == 0)
        return ks_xstrdup("Group");
    char *s = ks_xstrdup("");
    for (size_t p = 0; p < np; p++) {
        char *next = ks_xasprintf("%s%s%s", s, p ? ", " : "",
                                  ks_runset_param(rs, p));
        free(s);
        s = next;
    }
    return s;
}

/* Writes a label as one double-quoted .dat column. */
static void dat_label(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' || (unsigned char)*s < 0x20 ? '\'' : *s, f);
    fputc('"', f);
}

/* The group axis: one tick per group at x = 1 .. ngroups, named by its
 * parameter values; slanted when long or many. */
static void gp_group_axis(FILE *gp, const sweep_ctx *c)
{
    size_t longest = 0;
    for (size_t g = 0; g < c->ngroups; g++)
        if (strlen(c->labels[g]) > longest)
            longest = strlen(c->labels[g]);
    fputs("set xlabel ", gp);
    ks_gp_quoted(gp, c->xlabel);
    fprintf(gp, "\nset xrange [0.4:%zu.6]\n", c->ngroups ? c->ngroups : 1);
    if (c->ngroups == 0) {
        fputs("unset xtics\n", gp);
        return;
    }
    fputs("set xtics scale 0 (", gp);
    for (size_t g = 0; g < c->ngroups; g++) {
        fputs(g ? ", " : "", gp);
        ks_gp_quoted(gp, c->labels[g]);
        fprintf(gp, " %zu", g + 1);
    }
    fputs(")\n", gp);
    if (longest > FLAT_LABEL_MAX || c->ngroups > FLAT_GROUPS_MAX)
        fputs("set xtics rotate by 30 right\n", gp);
    fputs("set grid noxtics ytics\n", gp);
}

static void gp_metric_axis(FILE *gp, const sweep_ctx *c)
{
    char *label = ks_xasprintf("%s (%s)", ks_metric_name(c->metric),
                               ks_metric_unit(c->metric));
    fputs("set ylabel ", gp);
    ks_gp_quoted(gp, label);
    fputc('\n', gp);
    free(label);
}

static char *sweep_title(const sweep_ctx *c, const char *what)
{
    size_t nfailed = ks_runset_nfailed(c->rs);
    if (nfailed == 0)
        return ks_xstrdup(what);
    return ks_xasprintf("%s (%zu failed run%s left out)", what, nfailed,
                        nfailed == 1 ? "" : "s");
}

/* A number column; NaN (no value) as the word gnuplot is told to skip. */
static void dat_num(FILE *f, double x)
{
    if (isnan(x))
        fputs(" NaN", f);
    else
        fprintf(f, " %.9g", x);
}

/* ---- bars with confidence intervals -------------------------------------- */

static void bars_dat(FILE *dat, const void *ctx)
{
    const sweep_ctx *c = ctx;
    const char *unit = ks_metric_unit(c->metric);
    fprintf(dat,
            "# group[index] label[-] mean[%s] ci95_low[%s] ci95_high[%s] "
            "n[runs]\n",
            unit, unit, unit);
    fprintf(dat, "# %s: %s; 95%% Student t interval of the mean over "
                 "replications, NaN with fewer than 2 values\n",
            ks_metric_name(c->metric), ks_metric_description(c->metric));
    for (size_t g = 0; g < c->ngroups; g++) {
        const ks_stats_summary *s = &c->sum[g];
        fprintf(dat, "%zu ", g + 1);
        dat_label(dat, c->labels[g]);
        dat_num(dat, s->mean);
        dat_num(dat, s->ci_low);
        dat_num(dat, s->ci_high);
        fprintf(dat, " %zu\n", s->n);
    }
}

static void bars_gp(FILE *gp, const void *ctx)
{
    const sweep_ctx *c = ctx;
    char *name = ks_xasprintf("bars-%s", ks_metric_name(c->metric));
    char *title = sweep_title(c, "mean and 95% CI per group");
    ks_gp_preamble(gp, name, "per-group mean with 95% confidence intervals",
                   title);
    free(title);
    gp_group_axis(gp, c);
    gp_metric_axis(gp, c);
    if (c->nvalues == 0) {
        fputs("set yrange [0:1]\n", gp);
        ks_gp_empty_plot(gp, "no run of the sweep has this metric");
        free(name);
        return;
    }
    /* Bars start at zero; the offset leaves room for the key. */
    fputs("set yrange [0:*]\nset offsets 0, 0, graph 0.2, 0\n", gp);
    fputs("set boxwidth 0.6\nset style fill solid 0.6 border -1\n", gp);
    fprintf(gp,
            "plot '%s.dat' using 1:3 with boxes title 'mean', \\\n"
            "     '' using 1:3:4:5 with yerrorbars lc black pt 7 ps 0.3 lw 1.5 "
            "title '95%% CI'\n",
            name);
    free(name);
}

/* ---- box plots ----------------------------------------------------------- */

/* Tukey's whiskers: the most extreme values within 1.5 IQR of the
 * quartiles.  gnuplot's own boxplot style is not used: it draws samples
 * of three as outliers only, and its quartiles are not those of
 * analysis/stats.h that `ksim report` prints. */
static void whiskers(const double *v, size_t n, const ks_stats_summary *s,
                     double *lo, double *hi)
{
    double iqr = s->p75 - s->p25;
    *lo = NAN;
    *hi = NAN;
    for (size_t k = 0; v && k < n; k++) {
        if (isnan(v[k]) || v[k] < s->p25 - 1.5 * iqr ||
            v[k] > s->p75 + 1.5 * iqr)
            continue;
        if (isnan(*lo) || v[k] < *lo)
            *lo = v[k];
        if (isnan(*hi) || v[k] > *hi)
            *hi = v[k];
    }
}

/* Two blocks (gnuplot's `index 0` and `index 1`): each group's box, then
 * every replication's value. */
static void box_dat(FILE *dat, const void *ctx)
{
    const sweep_ctx *c = ctx;
    size_t nreps = ks_runset_nreps(c->rs);
    const char *u = ks_metric_unit(c->metric);
    fprintf(dat,
            "# group[index] label[-] whisker_low[%s] q1[%s] median[%s] "
            "q3[%s] whisker_high[%s] n[runs]\n",
            u, u, u, u, u);
    fputs("# quartiles interpolated as in `ksim report` (R type 7); "
          "whiskers: most extreme values within 1.5 IQR\n",
          dat);
    for (size_t g = 0; g < c->ngroups; g++) {
        const ks_stats_summary *s = &c->sum[g];
        double lo, hi;
        whiskers(ks_runset_values(c->rs, g, c->metric), nreps, s, &lo, &hi);
        fprintf(dat, "%zu ", g + 1);
        dat_label(dat, c->labels[g]);
        dat_num(dat, lo);
        dat_num(dat, s->p25);
        dat_num(dat, s->median);
        dat_num(dat, s->p75);
        dat_num(dat, hi);
        fprintf(dat, " %zu\n", s->n);
    }
    fprintf(dat, "\n\n# group[index] replication[index] value[%s]\n", u);
    for (size_t g = 0; g < c->ngroups; g++) {
        const double *v = ks_runset_values(c->rs, g, c->metric);
        for (size_t k = 0; v && k < nreps; k++)
            if (!isnan(v[k]))
                fprintf(dat, "%zu %zu %.9g\n", g + 1, k, v[k]);
    }
}

static void box_gp(FILE *gp, const void *ctx)
{
    const sweep_ctx *c = ctx;
    char *name = ks_xasprintf("box-%s", ks_metric_name(c->metric));
    char *title = sweep_title(c, "values per replication");
    ks_gp_preamble(gp, name, "per-group box plots of replication values",
                   title);
    free(title);
    gp_group_axis(gp, c);
    gp_metric_axis(gp, c);
    if (c->nvalues == 0) {
        fputs("set yrange [0:1]\n", gp);
        ks_gp_empty_plot(gp, "no run of the sweep has this metric");
        free(name);
        return;
    }
    fputs("set offsets 0, 0, graph 0.25, graph 0.05\n", gp);
    fputs("set style fill solid 0.3 border -1\n", gp);
    /* Box from q1 to q3 with whiskers, a thick median line, and the
     * values themselves on top: sweeps have few replications. */
    fprintf(gp,
            "plot '%s.dat' index 0 using 1:4:3:7:6:(0.5) with candlesticks "
            "whiskerbars lc 1 title 'quartiles', \\\n"
            "     '' index 0 using 1:5:5:5:5:(0.5) with candlesticks lc 1 "
            "lw 2 notitle, \\\n"
            "     '' index 1 using 1:3 with points pt 7 ps 0.6 lc black "
            "title 'runs'\n",
            name);
    free(name);
}

/* ---- the entry point ----------------------------------------------------- */

/* Looks up the metrics to draw: the chosen ones (an unknown name is an
 * error listing the known ones) or the defaults that exist. */
static int pick_metrics(const ks_plot_options *opt, size_t **out, size_t *n,
                        ks_error *err)
{
    int chosen = opt && opt->metrics && opt->nmetrics > 0;
    size_t want = chosen ? opt->nmetrics : NDEFAULT;
    *out = ks_xcalloc(want, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < want; i++) {
        const char *name = chosen ? opt->metrics[i] : default_metrics[i];
        int m = ks_metric_find(name);
        if (m >= 0) {
            (*out)[(*n)++] = (size_t)m;
            continue;
        }
        if (!chosen)
            continue;
        char *known = ks_xstrdup("");
        for (size_t k = 0; k < ks_metric_count(); k++) {
            char *next = ks_xasprintf("%s%s%s", known, k ? ", " : "",
                                      ks_metric_name(k));
            free(known);
            known = next;
        }
        ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                     "unknown metric '%s'; known metrics: %s", name, known);
        free(known);
        free(*out);
        *out = NULL;
        return KS_EINVAL;
    }
    return 0;
}

/* Summarises metric m in every group into c->sum. */
static int summarize_metric(sweep_ctx *c, size_t m, ks_error *err)
{
    size_t nreps = ks_runset_nreps(c->rs);
    c->metric = m;
    c->nvalues = 0;
    for (size_t g = 0; g < c->ngroups; g++) {
        const double *v = ks_runset_values(c->rs, g, m);
        int rc = ks_stats_summarize(v, v ? nreps : 0, KS_STATS_LEVEL_DEFAULT,
                                    &c->sum[g], err);
        if (rc)
            return rc;
        c->nvalues += c->sum[g].n;
    }
    return 0;
}

/* Writes then draws bars-M and box-M for every metric. */
static int plot_metrics(sweep_ctx *c, const size_t *metrics, size_t n,
                        const char *outdir, unsigned formats, ks_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = summarize_metric(c, metrics[i], err);
        char *bars = ks_xasprintf("bars-%s", ks_metric_name(metrics[i]));
        char *box = ks_xasprintf("box-%s", ks_metric_name(metrics[i]));
        if (!rc)
            rc = ks_gp_write(outdir, bars, bars_dat, bars_gp, c, err);
        if (!rc)
            rc = ks_gp_write(outdir, box, box_dat, box_gp, c, err);
        free(bars);
        free(box);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        char *bars = ks_xasprintf("bars-%s", ks_metric_name(metrics[i]));
        char *box = ks_xasprintf("box-%s", ks_metric_name(metrics[i]));
        rc = ks_gp_draw(outdir, bars, formats, err);
        if (!rc)
            rc = ks_gp_draw(outdir, box, formats, err);
        free(bars);
        free(box);
    }
    return rc;
}

int ks_plot_sweep(const char *dir, const char *outdir,
                  const ks_plot_options *opt, ks_error *err)
{
    size_t *metrics = NULL, nmetrics = 0;
    int rc = pick_metrics(opt, &metrics, &nmetrics, err);
    if (rc)
        return rc;
    ks_runset *rs = NULL;
    rc = ks_runset_load_dir(dir, &rs, err);
    if (rc) {
        free(metrics);
        return rc;
    }
    sweep_ctx c = {rs, ks_runset_ngroups(rs), NULL, join_params(rs), 0,
                   NULL, 0};
    c.labels = ks_xcalloc(c.ngroups + 1, sizeof *c.labels);
    c.sum = ks_xcalloc(c.ngroups + 1, sizeof *c.sum);
    for (size_t g = 0; g < c.ngroups; g++)
        c.labels[g] = join_values(rs, g);
    unsigned formats = opt && opt->formats ? opt->formats : KS_PLOT_PNG;
    rc = ks_mkdir_p(outdir, err);
    if (!rc)
        rc = plot_metrics(&c, metrics, nmetrics, outdir, formats, err);
    int drawn;
    if (!rc)
        rc = ks_plot_sweep_gpu(rs, outdir, formats, &drawn, err);
    for (size_t g = 0; g < c.ngroups; g++)
        free(c.labels[g]);
    free(c.labels);
    free(c.sum);
    free(c.xlabel);
    free(metrics);
    ks_runset_destroy(rs);
    return rc;
}
