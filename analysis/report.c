/* report.c - `ksim report`: per-group statistics of a run set and paired
 * differences against a baseline, as aligned text, CSV or LaTeX.
 *
 * Everything is computed first (one `cell` per metric x group: the
 * summary, the replications needed, the paired difference), then one of
 * three writers prints the cells.  The writers only format: the numbers
 * are the same whatever the format.
 *
 * Owner: the report helper (issue 4).
 */
#include "analysis/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/metrics.h"
#include "analysis/stats.h"
#include "sim/xalloc.h"

/* The statistics of one metric in one group. */
typedef struct cell {
    ks_stats_summary s;
    size_t reps;        /* replications needed; 0 when undefined */
    int capped;         /* reps is the cap and still not enough */
    long base;          /* baseline group, -1 if none */
    ks_stats_paired d;  /* this group - baseline, when base >= 0 */
} cell;

typedef struct report {
    const ks_runset *rs;
    const ks_report_options *o;
    size_t *metrics;    /* chosen metric indices */
    size_t nmetrics;
    size_t ngroups;
    long *base;         /* per group */
    int has_diffs;      /* some group has a baseline */
    cell *cells;        /* nmetrics x ngroups */
    FILE *out;
} report;

static cell *cell_at(const report *r, size_t mi, size_t g)
{
    return &r->cells[mi * r->ngroups + g];
}

/* ---- options and baselines ----------------------------------------------- */

void ks_report_options_init(ks_report_options *o)
{
    *o = (ks_report_options){0};
    o->format = KS_REPORT_TEXT;
    o->level = KS_STATS_LEVEL_DEFAULT;
    o->target_rel = 0.05;
}

static int check_options(const ks_report_options *o, ks_error *err)
{
    if (!(o->level > 0 && o->level < 1))
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "confidence level %g is not between 0 and 1",
                            o->level);
    if (!(o->target_rel > 0))
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "relative target half-width %g is not positive",
                            o->target_rel);
    for (size_t i = 0; i < o->nmetrics; i++)
        if (o->metrics[i] >= ks_metric_count())
            return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                                "metric index %zu out of range", o->metrics[i]);
    if ((o->baseline_param == NULL) != (o->baseline_value == NULL))
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "baseline needs both a parameter and a value");
    return 0;
}

/* "a, b, c": the run set's parameter names, for messages. */
static void param_list(const ks_runset *rs, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t p = 0; p < ks_runset_nparams(rs) && used < size; p++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 p ? ", " : "", ks_runset_param(rs, p));
    if (buf[0] == '\0')
        snprintf(buf, size, "none");
}

static int baselines_by_param(report *r, ks_error *err)
{
    const ks_runset *rs = r->rs;
    const char *param = r->o->baseline_param, *value = r->o->baseline_value;
    long p = ks_runset_param_index(rs, param);
    char list[512];
    param_list(rs, list, sizeof list);
    if (p < 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "baseline: '%s' is not a varied parameter "
                            "(varied: %s)",
                            param, list);
    if (ks_runset_find_group(rs, (size_t)p, value) < 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "baseline: no run has %s=%s", param, value);
    for (size_t g = 0; g < r->ngroups; g++) {
        const char *v = ks_runset_group_value(rs, g, (size_t)p);
        r->base[g] = strcmp(v, value) == 0
                         ? -1
                         : ks_runset_find_group_with(rs, g, (size_t)p, value);
    }
    return 0;
}

static int find_baselines(report *r, ks_error *err)
{
    r->base = ks_xmalloc((r->ngroups ? r->ngroups : 1) * sizeof *r->base);
    for (size_t g = 0; g < r->ngroups; g++)
        r->base[g] = -1;
    if (r->o->baseline_param) {
        int rc = baselines_by_param(r, err);
        if (rc)
            return rc;
    } else {
        for (size_t g = 1; g < r->ngroups; g++)
            r->base[g] = 0;
    }
    for (size_t g = 0; g < r->ngroups; g++)
        if (r->base[g] >= 0)
            r->has_diffs = 1;
    return 0;
}

/* ---- computing ----------------------------------------------------------- */

static void replications_needed(const report *r, cell *c)
{
    const ks_stats_summary *s = &c->s;
    if (s->n < 2 || !isfinite(s->mean) || s->mean == 0 || !isfinite(s->sd))
        return;
    double target = r->o->target_rel * fabs(s->mean);
    if (ks_stats_replications_needed(s->sd, target, r->o->level, 0, &c->reps,
                                     &c->capped, NULL) != 0)
        c->reps = 0;
}

static void compute(report *r)
{
    size_t nreps = ks_runset_nreps(r->rs);
    size_t ncells = r->nmetrics * r->ngroups;
    r->cells = ks_xcalloc(ncells ? ncells : 1, sizeof *r->cells);
    for (size_t mi = 0; mi < r->nmetrics; mi++) {
        for (size_t g = 0; g < r->ngroups; g++) {
            cell *c = cell_at(r, mi, g);
            const double *v = ks_runset_values(r->rs, g, r->metrics[mi]);
            /* The level was checked: these cannot fail. */
            ks_stats_summarize(v, nreps, r->o->level, &c->s, NULL);
            replications_needed(r, c);
            c->base = r->base[g];
            if (c->base >= 0)
                ks_stats_paired_diff(
                    ks_runset_values(r->rs, (size_t)c->base, r->metrics[mi]),
                    v, nreps, r->o->level, &c->d, NULL);
        }
    }
}

/* ---- text cells ---------------------------------------------------------- */

/* A table of strings printed with aligned columns: the first left-aligned,
 * the others right-aligned. */
typedef struct table {
    char **cells;
    size_t ncols, n, cap;
} table;

static void table_add(table *t, char *s)
{
    t->cells = ks_xgrow(t->cells, &t->cap, t->n + 1, sizeof *t->cells);
    t->cells[t->n++] = s;
}

static void table_addf(table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void table_addf(table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = ks_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    table_add(t, s);
}

/* Prints one row, without trailing blanks (an empty last cell). */
static void table_row(const table *t, char *const *row, const size_t *w,
                      FILE *out)
{
    size_t last = t->ncols;
    while (last > 1 && row[last - 1][0] == '\0')
        last--;
    for (size_t col = 0; col < last; col++) {
        if (col == 0 && last == 1)
            fprintf(out, "  %s", row[0]);
        else if (col == 0)
            fprintf(out, "  %-*s", (int)w[0], row[0]);
        else
            fprintf(out, "  %*s", (int)w[col], row[col]);
    }
    fputc('\n', out);
}

static void table_print(table *t, FILE *out)
{
    size_t *w = ks_xcalloc(t->ncols, sizeof *w);
    for (size_t i = 0; i < t->n; i++) {
        size_t len = strlen(t->cells[i]);
        if (len > w[i % t->ncols])
            w[i % t->ncols] = len;
    }
    for (size_t i = 0; i + t->ncols <= t->n; i += t->ncols)
        table_row(t, t->cells + i, w, out);
    for (size_t i = 0; i < t->n; i++)
        free(t->cells[i]);
    free(t->cells);
    free(w);
    *t = (table){0};
}

/* Values in text: 5 significant digits, "-" for undefined; large values
 * (counts of attempts, bytes) as whole numbers rather than 2.2084e+06. */
static void add_num(table *t, double v)
{
    if (isnan(v))
        table_addf(t, "-");
    else if (fabs(v) >= 1e5 && fabs(v) < 1e15)
        table_addf(t, "%.0f", v);
    else
        table_addf(t, "%.5g", v);
}

static void add_pct(table *t, double v)
{
    if (isnan(v))
        table_addf(t, "-");
    else
        table_addf(t, "%+.3g%%", 100 * v);
}

static void add_reps(table *t, const cell *c)
{
    if (c->reps == 0)
        table_addf(t, "-");
    else
        table_addf(t, "%s%zu", c->capped ? ">" : "", c->reps);
}

/* ---- text ---------------------------------------------------------------- */

static double level_pct(const report *r)
{
    return 100 * r->o->level;
}

static void text_title(const report *r)
{
    const ks_runset *rs = r->rs;
    char list[512];
    param_list(rs, list, sizeof list);
    FILE *out = r->out;
    fprintf(out, "ksim report%s%s\n", r->o->source ? ": " : "",
            r->o->source ? r->o->source : "");
    fprintf(out, "runs: %zu in %zu group%s, %zu failed", ks_runset_nruns(rs),
            r->ngroups, r->ngroups == 1 ? "" : "s", ks_runset_nfailed(rs));
    if (ks_runset_npending(rs))
        fprintf(out, ", %zu pending", ks_runset_npending(rs));
    fprintf(out, "; varied: %s\n", list);
    fprintf(out,
            "statistics over replications: %g%% Student t interval of the "
            "mean (ci_low, ci_high);\n"
            "reps: replications for a half-width of %g%% of |mean| "
            "(\">\" = more than that)\n",
            level_pct(r), 100 * r->o->target_rel);
}

static void text_summary(const report *r, size_t mi)
{
    size_t m = r->metrics[mi];
    fprintf(r->out, "\n%s [%s]: %s\n", ks_metric_name(m), ks_metric_unit(m),
            ks_metric_description(m));
    table t = {.ncols = 9};
    const char *head[] = {"group",   "n",      "mean", "sd",  "ci_low",
                          "ci_high", "median", "p95",  "reps"};
    for (size_t i = 0; i < 9; i++)
        table_addf(&t, "%s", head[i]);
    for (size_t g = 0; g < r->ngroups; g++) {
        const cell *c = cell_at(r, mi, g);
        table_addf(&t, "%s", ks_runset_group_label(r->rs, g));
        table_addf(&t, "%zu", c->s.n);
        add_num(&t, c->s.mean);
        add_num(&t, c->s.sd);
        add_num(&t, c->s.ci_low);
        add_num(&t, c->s.ci_high);
        add_num(&t, c->s.median);
        add_num(&t, c->s.p95);
        add_reps(&t, c);
    }
    table_print(&t, r->out);
}

/* True when the interval of the difference excludes 0. */
static int excludes_zero(const ks_stats_paired *d)
{
    return d->diff.ci_low > 0 || d->diff.ci_high < 0;
}

static void text_diffs(const report *r, size_t mi)
{
    size_t m = r->metrics[mi];
    fprintf(r->out, "\n%s [%s]\n", ks_metric_name(m), ks_metric_unit(m));
    table t = {.ncols = 9};
    const char *head[] = {"group",   "pairs", "diff",    "ci_low", "ci_high",
                          "rel",     "rel_low", "rel_high", "sig"};
    for (size_t i = 0; i < 9; i++)
        table_addf(&t, "%s", head[i]);
    for (size_t g = 0; g < r->ngroups; g++) {
        const cell *c = cell_at(r, mi, g);
        if (c->base < 0)
            continue;
        table_addf(&t, "%s", ks_runset_group_label(r->rs, g));
        table_addf(&t, "%zu", c->d.npairs);
        add_num(&t, c->d.diff.mean);
        add_num(&t, c->d.diff.ci_low);
        add_num(&t, c->d.diff.ci_high);
        add_pct(&t, c->d.rel);
        add_pct(&t, c->d.rel_low);
        add_pct(&t, c->d.rel_high);
        table_addf(&t, "%s", excludes_zero(&c->d) ? "*" : "");
    }
    table_print(&t, r->out);
}

static void write_text(const report *r)
{
    text_title(r);
    if (r->ngroups == 0) {
        fprintf(r->out, "\nno runs\n");
        return;
    }
    for (size_t mi = 0; mi < r->nmetrics; mi++)
        text_summary(r, mi);
    if (!r->has_diffs)
        return;
    fprintf(r->out, "\npaired differences: group - baseline, replication k "
                    "with replication k; baseline: ");
    if (r->o->baseline_param)
        fprintf(r->out, "%s=%s with the same other parameters\n",
                r->o->baseline_param, r->o->baseline_value);
    else
        fprintf(r->out, "%s (the first group)\n",
                ks_runset_group_label(r->rs, 0));
    fprintf(r->out,
            "%g%% paired t interval (ci_low, ci_high); rel = diff / "
            "|baseline mean|; sig: the interval excludes 0\n",
            level_pct(r));
    for (size_t mi = 0; mi < r->nmetrics; mi++)
        text_diffs(r, mi);
}

/* ---- CSV ----------------------------------------------------------------- */

static void csv_str(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double:
 * full precision without printing 0.95 as 0.94999999999999996.  NaN is an
 * empty field. */
static void csv_num(FILE *out, double v)
{
    fputc(',', out);
    if (isnan(v))
        return;
    char buf[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}

static void csv_header(const report *r)
{
    FILE *out = r->out;
    fputs("group", out);
    for (size_t p = 0; p < ks_runset_nparams(r->rs); p++) {
        fputc(',', out);
        csv_str(out, ks_runset_param(r->rs, p));
    }
    fputs(",metric,unit,n,n_missing,mean,sd,level,ci_low,ci_high,ci_half,"
          "median,p5,p25,p75,p95,p99,min,max,target_rel,reps_needed,"
          "reps_capped,baseline,pairs,diff_mean,diff_sd,diff_ci_low,"
          "diff_ci_high,rel_diff,rel_ci_low,rel_ci_high\n",
          out);
}

static void csv_diff(const report *r, const cell *c)
{
    FILE *out = r->out;
    fputc(',', out);
    if (c->base < 0) {
        fputs(",,,,,,,", out);
        return;
    }
    csv_str(out, ks_runset_group_label(r->rs, (size_t)c->base));
    fprintf(out, ",%zu", c->d.npairs);
    csv_num(out, c->d.diff.mean);
    csv_num(out, c->d.diff.sd);
    csv_num(out, c->d.diff.ci_low);
    csv_num(out, c->d.diff.ci_high);
    csv_num(out, c->d.rel);
    csv_num(out, c->d.rel_low);
    csv_num(out, c->d.rel_high);
}

static void csv_row(const report *r, size_t g, size_t mi)
{
    FILE *out = r->out;
    const cell *c = cell_at(r, mi, g);
    const ks_stats_summary *s = &c->s;
    size_t m = r->metrics[mi];
    csv_str(out, ks_runset_group_label(r->rs, g));
    for (size_t p = 0; p < ks_runset_nparams(r->rs); p++) {
        fputc(',', out);
        csv_str(out, ks_runset_group_value(r->rs, g, p));
    }
    fprintf(out, ",%s,%s,%zu,%zu", ks_metric_name(m), ks_metric_unit(m),
            s->n, s->nnan);
    const double v[] = {s->mean, s->sd,   r->o->level, s->ci_low, s->ci_high,
                        s->ci_half, s->median, s->p5, s->p25,    s->p75,
                        s->p95,  s->p99,  s->min,     s->max,
                        r->o->target_rel};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        csv_num(out, v[i]);
    if (c->reps)
        fprintf(out, ",%zu,%d", c->reps, c->capped);
    else
        fputs(",,", out);
    csv_diff(r, c);
    fputc('\n', out);
}

static void write_csv(const report *r)
{
    csv_header(r);
    for (size_t g = 0; g < r->ngroups; g++)
        for (size_t mi = 0; mi < r->nmetrics; mi++)
            csv_row(r, g, mi);
}

/* ---- LaTeX --------------------------------------------------------------- */

static void tex_str(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '_':
        case '%':
        case '&':
        case '#':
        case '$':
        case '{':
        case '}':
            fputc('\\', out);
            fputc(*s, out);
            break;
        case '~':
            fputs("\\textasciitilde{}", out);
            break;
        case '^':
            fputs("\\textasciicircum{}", out);
            break;
        case '\\':
            fputs("\\textbackslash{}", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* A number in math mode, 4 significant digits, exponents as x 10^{e};
 * "--" when undefined. */
static void tex_num(FILE *out, double v)
{
    if (isnan(v)) {
        fputs("--", out);
        return;
    }
    if (isinf(v)) {
        fputs(v > 0 ? "$\\infty$" : "$-\\infty$", out);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.4g", v);
    char *e = strchr(buf, 'e');
    if (!e) {
        fprintf(out, "$%s$", buf);
        return;
    }
    *e = '\0';
    fprintf(out, "$%s\\times10^{%d}$", buf, atoi(e + 1));
}

static void tex_interval(FILE *out, double lo, double hi)
{
    if (isnan(lo) || isnan(hi)) {
        fputs("--", out);
        return;
    }
    fputc('[', out);
    tex_num(out, lo);
    fputs(", ", out);
    tex_num(out, hi);
    fputc(']', out);
}

static void tex_head(const report *r, size_t ncols)
{
    FILE *out = r->out;
    fputs("% ksim report", out);
    if (r->o->source) {
        fputs(": ", out);
        fputs(r->o->source, out); /* a comment: no escaping needed */
    }
    fprintf(out,
            "\n%% %g%% Student t intervals over replications%s\n"
            "%% needs \\usepackage{booktabs}\n",
            level_pct(r),
            r->has_diffs ? "; differences paired by replication" : "");
    fprintf(out, "\\begin{tabular}{l%.*s}\n", (int)(ncols - 1), "rrrrrrrr");
    fputs("\\toprule\n", out);
    fprintf(out, "group & $n$ & mean & %g\\%% CI & median & p95", level_pct(r));
    if (r->has_diffs)
        fputs(" & $\\Delta$ vs.\\ baseline", out);
    fputs(" \\\\\n", out);
}

static void tex_row(const report *r, size_t mi, size_t g)
{
    FILE *out = r->out;
    const cell *c = cell_at(r, mi, g);
    tex_str(out, ks_runset_group_label(r->rs, g));
    fprintf(out, " & %zu & ", c->s.n);
    tex_num(out, c->s.mean);
    fputs(" & ", out);
    tex_interval(out, c->s.ci_low, c->s.ci_high);
    fputs(" & ", out);
    tex_num(out, c->s.median);
    fputs(" & ", out);
    tex_num(out, c->s.p95);
    if (r->has_diffs) {
        fputs(" & ", out);
        if (c->base < 0) {
            fputs("--", out);
        } else {
            tex_num(out, c->d.diff.mean);
            fputc(' ', out);
            tex_interval(out, c->d.diff.ci_low, c->d.diff.ci_high);
        }
    }
    fputs(" \\\\\n", out);
}

static void write_latex(const report *r)
{
    size_t ncols = r->has_diffs ? 7 : 6;
    FILE *out = r->out;
    tex_head(r, ncols);
    for (size_t mi = 0; mi < r->nmetrics; mi++) {
        size_t m = r->metrics[mi];
        fputs("\\midrule\n", out);
        fprintf(out, "\\multicolumn{%zu}{l}{\\textbf{", ncols);
        tex_str(out, ks_metric_name(m));
        fputs("} [", out);
        tex_str(out, ks_metric_unit(m));
        fputs("]} \\\\\n", out);
        for (size_t g = 0; g < r->ngroups; g++)
            tex_row(r, mi, g);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", out);
}

/* ---- entry point --------------------------------------------------------- */

static void choose_metrics(report *r)
{
    const ks_report_options *o = r->o;
    r->nmetrics = o->metrics ? o->nmetrics : ks_metric_count();
    r->metrics = ks_xmalloc((r->nmetrics ? r->nmetrics : 1) * sizeof(size_t));
    for (size_t i = 0; i < r->nmetrics; i++)
        r->metrics[i] = o->metrics ? o->metrics[i] : i;
}

int ks_report_write(const ks_runset *rs, const ks_report_options *o,
                    FILE *out, ks_error *err)
{
    int rc = check_options(o, err);
    if (rc)
        return rc;
    report r = {.rs = rs, .o = o, .ngroups = ks_runset_ngroups(rs),
                .out = out};
    rc = find_baselines(&r, err);
    if (!rc) {
        choose_metrics(&r);
        compute(&r);
        if (o->format == KS_REPORT_CSV)
            write_csv(&r);
        else if (o->format == KS_REPORT_LATEX)
            write_latex(&r);
        else
            write_text(&r);
        if (fflush(out) != 0 || ferror(out))
            rc = ks_error_set(err, KS_EIO, NULL, 0, 0,
                              "cannot write the report");
    }
    free(r.metrics);
    free(r.base);
    free(r.cells);
    return rc;
}
