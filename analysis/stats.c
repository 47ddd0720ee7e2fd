/* stats.c - statistics over replications: summaries, Student t intervals,
 * paired differences and the replications a target precision needs.
 *
 * GSL does the numerics (gsl_stats_*, gsl_sort, gsl_cdf_tdist_Pinv); this
 * file adds the NaN policy (skip and count), the interval bookkeeping and a
 * selection-based quantile for large per-pod samples, where a full sort per
 * quantile would dominate a report over thousands of runs.
 *
 * Owner: the report helper (issue 4).
 */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/xalloc.h"

static int level_ok(double level)
{
    return level > 0 && level < 1;
}

static int bad_level(ks_error *err, double level)
{
    return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                        "confidence level %g is not between 0 and 1 "
                        "(exclusive)",
                        level);
}

double ks_stats_t_critical(size_t df, double level)
{
    if (df == 0 || !level_ok(level))
        return NAN;
    return gsl_cdf_tdist_Pinv((1 + level) / 2, (double)df);
}

/* ---- quantiles by selection ---------------------------------------------- */

static void swap(double *x, size_t i, size_t j)
{
    double t = x[i];
    x[i] = x[j];
    x[j] = t;
}

/* Moves the k-th smallest of x[0..n) to x[k], smaller-or-equal ones before
 * it and greater-or-equal ones after (Hoare's FIND with a median-of-three
 * pivot: expected O(n), no NaN allowed). */
static void select_kth(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo + 1) {
        size_t mid = lo + (hi - lo) / 2;
        /* Order x[lo] <= x[mid] <= x[hi]: the median becomes the pivot and
         * the ends act as sentinels for the scans below. */
        if (x[mid] < x[lo])
            swap(x, mid, lo);
        if (x[hi] < x[lo])
            swap(x, hi, lo);
        if (x[hi] < x[mid])
            swap(x, hi, mid);
        swap(x, mid, lo + 1);
        double pivot = x[lo + 1];
        size_t i = lo + 1, j = hi;
        for (;;) {
            do
                i++;
            while (x[i] < pivot);
            do
                j--;
            while (x[j] > pivot);
            if (j < i)
                break;
            swap(x, i, j);
        }
        x[lo + 1] = x[j];
        x[j] = pivot;
        if (j >= k)
            hi = j - 1;
        if (j <= k)
            lo = i;
        if (j == k)
            return;
    }
    if (hi == lo + 1 && x[hi] < x[lo])
        swap(x, lo, hi);
}

double ks_stats_quantile_inplace(double *x, size_t n, double p)
{
    if (n == 0 || !(p >= 0 && p <= 1))
        return NAN;
    /* The interpolation of gsl_stats_quantile_from_sorted_data, term for
     * term, so both give the same bits. */
    double delta = (double)(n - 1) * p;
    size_t i = (size_t)floor(delta);
    delta -= (double)i;
    select_kth(x, n, i);
    if (i + 1 >= n || delta == 0)
        return x[i];
    double next = x[i + 1];
    for (size_t j = i + 2; j < n; j++)
        if (x[j] < next)
            next = x[j];
    return (1 - delta) * x[i] + delta * next;
}

/* Copies the non-NaN values of x into a new array; *m gets their count. */
static double *finite_copy(const double *x, size_t n, size_t *m)
{
    double *v = ks_xmalloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[k++] = x[i];
    *m = k;
    return v;
}

double ks_stats_quantile(const double *x, size_t n, double p)
{
    size_t m;
    double *v = finite_copy(x, n, &m);
    double q = ks_stats_quantile_inplace(v, m, p);
    free(v);
    return q;
}

/* ---- summaries ----------------------------------------------------------- */

static void summary_nan(ks_stats_summary *s)
{
    s->mean = s->sd = s->ci_half = s->ci_low = s->ci_high = NAN;
    s->min = s->max = s->median = NAN;
    s->p5 = s->p25 = s->p75 = s->p95 = s->p99 = NAN;
}

/* Fills the summary of the m sorted values v (no NaN). */
static void summarize_sorted(const double *v, size_t m, ks_stats_summary *s)
{
    s->n = m;
    if (m == 0)
        return;
    s->mean = gsl_stats_mean(v, 1, m);
    s->min = v[0];
    s->max = v[m - 1];
    s->median = gsl_stats_median_from_sorted_data(v, 1, m);
    s->p5 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.05);
    s->p25 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.25);
    s->p75 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.75);
    s->p95 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.95);
    s->p99 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.99);
    if (m < 2)
        return;
    s->sd = gsl_stats_sd_m(v, 1, m, s->mean);
    s->ci_half = ks_stats_t_critical(m - 1, s->level) * s->sd / sqrt((double)m);
    s->ci_low = s->mean - s->ci_half;
    s->ci_high = s->mean + s->ci_half;
}

int ks_stats_summarize(const double *x, size_t n, double level,
                       ks_stats_summary *out, ks_error *err)
{
    *out = (ks_stats_summary){0};
    summary_nan(out);
    out->level = level;
    if (!level_ok(level))
        return bad_level(err, level);
    size_t m;
    double *v = finite_copy(x, n, &m);
    out->nnan = n - m;
    gsl_sort(v, 1, m);
    summarize_sorted(v, m, out);
    free(v);
    return 0;
}

/* ---- paired differences -------------------------------------------------- */

int ks_stats_paired_diff(const double *a, const double *b, size_t n,
                         double level, ks_stats_paired *out, ks_error *err)
{
    *out = (ks_stats_paired){0};
    out->mean_a = out->mean_b = NAN;
    out->rel = out->rel_low = out->rel_high = NAN;
    double *d = ks_xmalloc((n ? n : 1) * sizeof *d);
    double sa = 0, sb = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (isnan(a[k]) || isnan(b[k]))
            continue;
        d[m++] = b[k] - a[k];
        sa += a[k];
        sb += b[k];
    }
    int rc = ks_stats_summarize(d, m, level, &out->diff, err);
    free(d);
    out->npairs = m;
    out->ndropped = n - m;
    if (rc || m == 0)
        return rc;
    out->mean_a = sa / (double)m;
    out->mean_b = sb / (double)m;
    if (out->mean_a != 0) {
        double base = fabs(out->mean_a);
        out->rel = out->diff.mean / base;
        out->rel_low = out->diff.ci_low / base;
        out->rel_high = out->diff.ci_high / base;
    }
    return 0;
}

/* ---- replications needed ------------------------------------------------- */

/* Half-width of a level interval with n replications and standard
 * deviation sd. */
static double half_width(size_t n, double sd, double level)
{
    return ks_stats_t_critical(n - 1, level) * sd / sqrt((double)n);
}

int ks_stats_replications_needed(double sd, double target, double level,
                                 size_t cap, size_t *n_out, int *capped,
                                 ks_error *err)
{
    *n_out = 0;
    *capped = 0;
    if (!level_ok(level))
        return bad_level(err, level);
    if (isnan(sd) || sd < 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "standard deviation %g is not a non-negative "
                            "number",
                            sd);
    if (!(target > 0))
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "target half-width %g is not positive", target);
    if (cap == 0)
        cap = KS_STATS_REPS_CAP;
    if (cap < 2)
        cap = 2;
    if (half_width(cap, sd, level) > target) {
        *n_out = cap;
        *capped = 1;
        return 0;
    }
    /* t_{n-1} > z for every n, so no n below (z sd / h)^2 can reach the
     * target: a lower bound that leaves few bisection steps. */
    double z = gsl_cdf_ugaussian_Pinv((1 + level) / 2);
    double bound = ceil((z * sd / target) * (z * sd / target));
    size_t lo = bound > 2 ? (size_t)bound : 2;
    size_t hi = cap; /* half_width(hi) <= target, invariant */
    if (lo > hi)
        lo = hi;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (half_width(mid, sd, level) <= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    *n_out = hi;
    return 0;
}
