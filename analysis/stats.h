/* stats.h - statistics over replications (GSL): summaries with Student t
 * confidence intervals, paired differences, replications needed.
 *
 * A "sample" is an array of doubles, typically one value per replication of
 * a metric.  NaN means "no value" (a failed or missing replication): it is
 * skipped and counted, never propagated.  Infinities are kept as values.
 *
 * Confidence intervals are two-sided intervals of the mean at `level`
 * (0 < level < 1, e.g. 0.95): mean -/+ t_{n-1,(1+level)/2} * sd / sqrt(n),
 * with sd the sample standard deviation (n-1 denominator) and t the Student
 * t quantile (gsl_cdf_tdist_Pinv).  With n < 2 the interval is NaN.
 * Percentiles interpolate linearly between order statistics
 * (gsl_stats_quantile_from_sorted_data: numpy's default, R type 7, Python's
 * statistics.quantiles(method="inclusive")).
 *
 * Owner: the report helper (issue 4).  Used by analysis/report.c and by the
 * figures (bars with CI error bars, box plots).  Nothing here allocates
 * memory that outlives a call: results are plain values.
 */
#ifndef KS_STATS_H
#define KS_STATS_H

#include <stddef.h>

#include "sim/error.h"

#define KS_STATS_LEVEL_DEFAULT 0.95
/* Default cap of ks_stats_replications_needed. */
#define KS_STATS_REPS_CAP 1000000

/* The summary of one sample.  Every field is NaN when it is undefined:
 * all of them when n == 0, sd and the interval when n < 2. */
typedef struct ks_stats_summary {
    size_t n;        /* values used (not NaN) */
    size_t nnan;     /* NaN values skipped */
    double level;    /* confidence level of the interval, e.g. 0.95 */
    double mean;
    double sd;       /* sample standard deviation, n-1 denominator */
    double ci_half;  /* half-width t_{n-1,(1+level)/2} * sd / sqrt(n) */
    double ci_low;   /* mean - ci_half */
    double ci_high;  /* mean + ci_half */
    double min;
    double max;
    double median;
    double p5;
    double p25;
    double p75;
    double p95;
    double p99;
} ks_stats_summary;

/* Summarises x[0..n) (x may be NULL when n == 0) at confidence level.
 * Returns 0, or KS_ERANGE when level is not in (0, 1). */
int ks_stats_summarize(const double *x, size_t n, double level,
                       ks_stats_summary *out, ks_error *err);

/* The two-sided critical value t_{df,(1+level)/2}: the half-width of a
 * level interval is this times sd / sqrt(n), with df = n - 1.
 * NaN when df == 0 or level is not in (0, 1). */
double ks_stats_t_critical(size_t df, double level);

/* The p-quantile (0 <= p <= 1) of x[0..n), NaN values skipped, linear
 * interpolation as above.  NaN when no value or p is out of range.
 * Does not modify x; O(n) expected time (selection, no full sort), so it
 * suits large per-pod samples. */
double ks_stats_quantile(const double *x, size_t n, double p);

/* Same, but on x itself: reorders x[0..n) (which must hold no NaN) instead
 * of copying it.  NaN when n == 0 or p is out of range. */
double ks_stats_quantile_inplace(double *x, size_t n, double p);

/* Paired differences of two samples of equal length n, paired by index
 * (replication k of a with replication k of b, as common random numbers
 * pair them): the summary of d_k = b[k] - a[k] over the pairs where
 * neither is NaN, whose interval is the paired t interval
 * mean(d) -/+ t_{m-1,(1+level)/2} * sd(d) / sqrt(m). */
typedef struct ks_stats_paired {
    size_t npairs;           /* pairs used (= diff.n) */
    size_t ndropped;         /* pairs dropped because a or b was NaN */
    double mean_a;           /* means of a and b over the pairs used */
    double mean_b;
    ks_stats_summary diff;   /* summary of d = b - a */
    double rel;              /* diff.mean / |mean_a|; NaN if mean_a is 0 */
    double rel_low;          /* diff.ci_low / |mean_a|, NaN likewise */
    double rel_high;         /* diff.ci_high / |mean_a| */
} ks_stats_paired;

/* Returns 0, or KS_ERANGE for a bad level. */
int ks_stats_paired_diff(const double *a, const double *b, size_t n,
                         double level, ks_stats_paired *out, ks_error *err);

/* Replications needed for a target half-width: given a pilot sample's
 * standard deviation sd, the smallest n >= 2 with
 * t_{n-1,(1+level)/2} * sd / sqrt(n) <= half_width.
 * The left side decreases with n, so the answer is found by bisection
 * between the normal-approximation lower bound ceil((z*sd/h)^2) and cap
 * (0 means KS_STATS_REPS_CAP).  If even cap replications do not reach the
 * target, *n_out = cap and *capped = 1; otherwise *capped = 0.
 * sd == 0 needs 2.  Returns 0, or KS_EINVAL when sd is NaN or negative,
 * half_width is not > 0, or KS_ERANGE when level is not in (0, 1). */
int ks_stats_replications_needed(double sd, double half_width, double level,
                                 size_t cap, size_t *n_out, int *capped,
                                 ks_error *err);

#endif
