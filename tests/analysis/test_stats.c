/* test_stats.c - statistics over replications (analysis/stats.c).
 *
 * Expected values are computed independently of GSL, in Python 3 with the
 * standard library only (no numpy/scipy):
 *   - mean, stdev, median: statistics.mean / stdev / median;
 *   - percentiles: statistics.quantiles(x, n=100, method="inclusive"), which
 *     is the same linear interpolation (R type 7) ksim documents;
 *   - Student t quantiles: closed forms for 1 and 2 degrees of freedom
 *     (t_1 = tan(pi (p - 1/2)), t_2 = (2p - 1) / sqrt(2 p (1 - p))) and, for
 *     other df, bisection on the t CDF integrated with Simpson's rule from
 *     the density (math.lgamma); these agree with printed t tables
 *     (12.706, 4.303, 2.776, 2.262);
 *   - replications needed: the smallest n with t_{n-1} s / sqrt(n) <= h,
 *     by stepping n one at a time with the quantile above.
 */
#include <math.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "analysis/stats.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_stats(void);

#define CLOSE(a, b, tol) CU_ASSERT_DOUBLE_EQUAL((a), (b), (tol))

/* The pilot sample of the summary tests (n = 10). */
static const double sample10[] = {2.1, 3.4, 1.9, 5.6, 4.2,
                                  3.3, 2.8, 4.9, 3.7, 2.5};

static void test_t_critical(void)
{
    /* n = 2, 3, 5, 10 replications: df = 1, 2, 4, 9. */
    CLOSE(ks_stats_t_critical(1, 0.95), 12.706204736174696, 1e-9);
    CLOSE(ks_stats_t_critical(2, 0.95), 4.302652729749464, 1e-9);
    CLOSE(ks_stats_t_critical(4, 0.95), 2.776445105197802, 1e-7);
    CLOSE(ks_stats_t_critical(9, 0.95), 2.2621571627982133, 1e-7);
    CLOSE(ks_stats_t_critical(9, 0.90), 1.8331129326562678, 1e-7);
    /* Large df tends to the normal quantile 1.959964. */
    CLOSE(ks_stats_t_critical(100000, 0.95), 1.959964, 1e-4);
    CU_ASSERT_TRUE(isnan(ks_stats_t_critical(0, 0.95)));
    CU_ASSERT_TRUE(isnan(ks_stats_t_critical(5, 1.0)));
    CU_ASSERT_TRUE(isnan(ks_stats_t_critical(5, 0.0)));
}

static void test_summary_known_sample(void)
{
    ks_stats_summary s;
    CU_ASSERT_EQUAL_FATAL(ks_stats_summarize(sample10, 10, 0.95, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 10);
    CU_ASSERT_EQUAL(s.nnan, 0);
    CLOSE(s.level, 0.95, 0);
    CLOSE(s.mean, 3.44, 1e-12);
    CLOSE(s.sd, 1.1983321743156194, 1e-12);
    CLOSE(s.ci_half, 0.8572351965218399, 1e-7);
    CLOSE(s.ci_low, 3.44 - 0.8572351965218399, 1e-7);
    CLOSE(s.ci_high, 3.44 + 0.8572351965218399, 1e-7);
    CLOSE(s.median, 3.35, 1e-12);
    CLOSE(s.min, 1.9, 0);
    CLOSE(s.max, 5.6, 0);
    CLOSE(s.p5, 1.99, 1e-12);
    CLOSE(s.p25, 2.575, 1e-12);
    CLOSE(s.p75, 4.075, 1e-12);
    CLOSE(s.p95, 5.285, 1e-12);
    CLOSE(s.p99, 5.537, 1e-12);
}

/* NaN values are skipped and counted: the summary equals that of the
 * sample without them. */
static void test_summary_skips_nan(void)
{
    double x[13];
    size_t k = 0;
    x[k++] = NAN;
    for (size_t i = 0; i < 10; i++) {
        x[k++] = sample10[i];
        if (i == 4 || i == 8)
            x[k++] = NAN;
    }
    ks_stats_summary s;
    CU_ASSERT_EQUAL_FATAL(ks_stats_summarize(x, 13, 0.95, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 10);
    CU_ASSERT_EQUAL(s.nnan, 3);
    CLOSE(s.mean, 3.44, 1e-12);
    CLOSE(s.sd, 1.1983321743156194, 1e-12);
    CLOSE(s.p95, 5.285, 1e-12);
}

static void test_summary_small_samples(void)
{
    ks_stats_summary s;
    CU_ASSERT_EQUAL(ks_stats_summarize(NULL, 0, 0.95, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT_TRUE(isnan(s.mean) && isnan(s.median) && isnan(s.min));
    CU_ASSERT_TRUE(isnan(s.ci_low) && isnan(s.sd));

    double nan2[] = {NAN, NAN};
    CU_ASSERT_EQUAL(ks_stats_summarize(nan2, 2, 0.95, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT_EQUAL(s.nnan, 2);
    CU_ASSERT_TRUE(isnan(s.mean));

    double one[] = {7.5};
    CU_ASSERT_EQUAL(ks_stats_summarize(one, 1, 0.95, &s, NULL), 0);
    CU_ASSERT_EQUAL(s.n, 1);
    CLOSE(s.mean, 7.5, 0);
    CLOSE(s.median, 7.5, 0);
    CLOSE(s.p99, 7.5, 0);
    CU_ASSERT_TRUE(isnan(s.sd));
    CU_ASSERT_TRUE(isnan(s.ci_half) && isnan(s.ci_low) && isnan(s.ci_high));

    /* n = 2: {1, 3}: mean 2, sd sqrt(2), half-width 12.7062 * sqrt(2) /
     * sqrt(2) = 12.7062. */
    double two[] = {3, 1};
    CU_ASSERT_EQUAL(ks_stats_summarize(two, 2, 0.95, &s, NULL), 0);
    CLOSE(s.sd, sqrt(2.0), 1e-12);
    CLOSE(s.ci_half, 12.706204736174696, 1e-9);
    /* n = 3: {1, 2, 3}: sd 1, half-width 4.302653 / sqrt(3). */
    double three[] = {2, 3, 1};
    CU_ASSERT_EQUAL(ks_stats_summarize(three, 3, 0.95, &s, NULL), 0);
    CLOSE(s.sd, 1.0, 1e-12);
    CLOSE(s.ci_half, 4.302652729749464 / sqrt(3.0), 1e-9);
    CLOSE(s.ci_low, 2 - 4.302652729749464 / sqrt(3.0), 1e-9);
}

static void test_summary_bad_level(void)
{
    ks_stats_summary s;
    ks_error err;
    ks_error_clear(&err);
    CU_ASSERT_EQUAL(ks_stats_summarize(sample10, 10, 1.5, &s, &err),
                    KS_ERANGE);
    CU_ASSERT_EQUAL(err.code, KS_ERANGE);
    CU_ASSERT_EQUAL(ks_stats_summarize(sample10, 10, 0, &s, NULL), KS_ERANGE);
    CU_ASSERT_EQUAL(ks_stats_summarize(sample10, 10, NAN, &s, NULL),
                    KS_ERANGE);
}

static void test_quantile_general(void)
{
    CLOSE(ks_stats_quantile(sample10, 10, 0.05), 1.99, 1e-12);
    CLOSE(ks_stats_quantile(sample10, 10, 0.5), 3.35, 1e-12);
    CLOSE(ks_stats_quantile(sample10, 10, 0.99), 5.537, 1e-12);
    CLOSE(ks_stats_quantile(sample10, 10, 0), 1.9, 0);
    CLOSE(ks_stats_quantile(sample10, 10, 1), 5.6, 0);
    double with_nan[] = {NAN, 4, 1, NAN, 3, 2};
    CLOSE(ks_stats_quantile(with_nan, 6, 0.5), 2.5, 1e-12);
    CU_ASSERT_TRUE(isnan(ks_stats_quantile(with_nan, 6, 1.5)));
    CU_ASSERT_TRUE(isnan(ks_stats_quantile(with_nan, 6, -0.1)));
    CU_ASSERT_TRUE(isnan(ks_stats_quantile(NULL, 0, 0.5)));
    /* The input is not modified. */
    CU_ASSERT_EQUAL(sample10[0], 2.1);
}

/* Selection gives the same bits as sorting and interpolating, on many
 * sizes, with ties and on sorted and reversed input (the cases where a
 * naive pivot or an off-by-one shows). */
static void test_quantile_matches_sort(void)
{
    static const double ps[] = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};
    unsigned state = 12345;
    for (size_t n = 1; n <= 300; n += (n < 20 ? 1 : 37)) {
        for (int kind = 0; kind < 4; kind++) {
            double *x = ks_xmalloc(n * sizeof *x);
            double *sorted = ks_xmalloc(n * sizeof *sorted);
            for (size_t i = 0; i < n; i++) {
                state = state * 1103515245u + 12345u;
                double r = (double)((state >> 8) % 1000) / 7.0;
                x[i] = kind == 0   ? r
                       : kind == 1 ? (double)((state >> 8) % 3) /* ties */
                       : kind == 2 ? (double)i
                                   : (double)(n - i);
            }
            for (size_t i = 0; i < n; i++)
                sorted[i] = x[i];
            ks_stats_summary s;
            ks_stats_summarize(sorted, n, 0.95, &s, NULL);
            /* Reference by insertion sort: independent of both paths. */
            for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
                    double t = sorted[j];
                    sorted[j] = sorted[j - 1];
                    sorted[j - 1] = t;
                }
            for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
                double h = (double)(n - 1) * ps[k];
                size_t i = (size_t)floor(h);
                double frac = h - (double)i;
                double want = i + 1 < n ? (1 - frac) * sorted[i] +
                                              frac * sorted[i + 1]
                                        : sorted[i];
                CU_ASSERT_DOUBLE_EQUAL(ks_stats_quantile(x, n, ps[k]), want,
                                       1e-12);
            }
            CU_ASSERT_DOUBLE_EQUAL(s.median, ks_stats_quantile(x, n, 0.5),
                                   1e-12);
            free(x);
            free(sorted);
        }
    }
}

static void test_paired_interval(void)
{
    /* d = b - a = {-1, -0.5, -0.5, -1, -0.5} over the 5 complete pairs;
     * pairs 5 and 6 have a NaN and are dropped. */
    const double a[] = {10.0, 12.0, 9.5, 11.0, 10.5, NAN, 8.0};
    const double b[] = {9.0, 11.5, 9.0, 10.0, 10.0, 7.0, NAN};
    ks_stats_paired p;
    CU_ASSERT_EQUAL_FATAL(ks_stats_paired_diff(a, b, 7, 0.95, &p, NULL), 0);
    CU_ASSERT_EQUAL(p.npairs, 5);
    CU_ASSERT_EQUAL(p.ndropped, 2);
    CU_ASSERT_EQUAL(p.diff.n, 5);
    CLOSE(p.mean_a, 10.6, 1e-12);
    CLOSE(p.mean_b, 9.9, 1e-12);
    CLOSE(p.diff.mean, -0.7, 1e-12);
    CLOSE(p.diff.sd, 0.27386127875258304, 1e-12);
    CLOSE(p.diff.ci_half, 0.34004369032912884, 1e-7);
    CLOSE(p.diff.ci_low, -1.0400436903291288, 1e-7);
    CLOSE(p.diff.ci_high, -0.3599563096708711, 1e-7);
    CLOSE(p.rel, -0.0660377358490566, 1e-12);
    CLOSE(p.rel_low, -1.0400436903291288 / 10.6, 1e-7);
    CLOSE(p.rel_high, -0.3599563096708711 / 10.6, 1e-7);
}

/* The paired interval is narrower than the unpaired one when runs are
 * positively correlated: the reason common random numbers pay off. */
static void test_paired_narrower(void)
{
    const double a[] = {10, 20, 30, 40, 50};
    const double b[] = {11, 21.5, 30.5, 41, 51.5};
    ks_stats_paired p;
    ks_stats_summary sa;
    ks_stats_paired_diff(a, b, 5, 0.95, &p, NULL);
    ks_stats_summarize(a, 5, 0.95, &sa, NULL);
    CU_ASSERT_TRUE(p.diff.ci_half < sa.ci_half / 10);
    CU_ASSERT_TRUE(p.diff.ci_low > 0);
}

static void test_paired_edge_cases(void)
{
    ks_stats_paired p;
    const double a[] = {NAN, 1};
    const double b[] = {2, NAN};
    CU_ASSERT_EQUAL(ks_stats_paired_diff(a, b, 2, 0.95, &p, NULL), 0);
    CU_ASSERT_EQUAL(p.npairs, 0);
    CU_ASSERT_EQUAL(p.ndropped, 2);
    CU_ASSERT_TRUE(isnan(p.diff.mean) && isnan(p.mean_a) && isnan(p.rel));
    /* A zero baseline mean has no relative difference. */
    const double z[] = {-1, 1};
    const double w[] = {0, 3};
    CU_ASSERT_EQUAL(ks_stats_paired_diff(z, w, 2, 0.95, &p, NULL), 0);
    CLOSE(p.diff.mean, 1.5, 1e-12);
    CU_ASSERT_TRUE(isnan(p.rel) && isnan(p.rel_low));
    CU_ASSERT_EQUAL(ks_stats_paired_diff(z, w, 2, 2.0, &p, NULL), KS_ERANGE);
}

static void test_replications_needed(void)
{
    size_t n;
    int capped;
    /* sd 1, h 1: t_{n-1} / sqrt(n) first drops to <= 1 at n = 7
     * (2.447 / sqrt(7) = 0.925; n = 6 gives 2.571 / sqrt(6) = 1.050). */
    CU_ASSERT_EQUAL(ks_stats_replications_needed(1, 1, 0.95, 0, &n, &capped,
                                                 NULL),
                    0);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_EQUAL(capped, 0);
    /* sd 10, h 1: the normal bound ceil((1.96 * 10)^2) = 385 is not enough;
     * n = 387 is the first with t_{n-1} * 10 / sqrt(n) <= 1 (386 gives
     * 1.00074, 387 gives 0.99944). */
    CU_ASSERT_EQUAL(ks_stats_replications_needed(10, 1, 0.95, 0, &n, &capped,
                                                 NULL),
                    0);
    CU_ASSERT_EQUAL(n, 387);
    /* The answer satisfies the definition and its predecessor does not. */
    CU_ASSERT_TRUE(ks_stats_t_critical(n - 1, 0.95) * 10 / sqrt((double)n) <=
                   1);
    CU_ASSERT_TRUE(ks_stats_t_critical(n - 2, 0.95) * 10 /
                       sqrt((double)(n - 1)) >
                   1);
    /* A wide target is met with the minimum of 2 replications:
     * 12.706 * 1 / sqrt(2) = 8.98 <= 9. */
    ks_stats_replications_needed(1, 9, 0.95, 0, &n, &capped, NULL);
    CU_ASSERT_EQUAL(n, 2);
    ks_stats_replications_needed(0, 0.001, 0.95, 0, &n, &capped, NULL);
    CU_ASSERT_EQUAL(n, 2);
    /* Beyond the cap: the cap, flagged. */
    CU_ASSERT_EQUAL(ks_stats_replications_needed(1e6, 1, 0.95, 1000, &n,
                                                 &capped, NULL),
                    0);
    CU_ASSERT_EQUAL(n, 1000);
    CU_ASSERT_EQUAL(capped, 1);
    /* The default cap. */
    ks_stats_replications_needed(1e6, 1, 0.95, 0, &n, &capped, NULL);
    CU_ASSERT_EQUAL(n, KS_STATS_REPS_CAP);
    CU_ASSERT_EQUAL(capped, 1);
    /* Bad input. */
    CU_ASSERT_EQUAL(ks_stats_replications_needed(NAN, 1, 0.95, 0, &n,
                                                 &capped, NULL),
                    KS_EINVAL);
    CU_ASSERT_EQUAL(ks_stats_replications_needed(-1, 1, 0.95, 0, &n, &capped,
                                                 NULL),
                    KS_EINVAL);
    CU_ASSERT_EQUAL(ks_stats_replications_needed(1, 0, 0.95, 0, &n, &capped,
                                                 NULL),
                    KS_EINVAL);
    CU_ASSERT_EQUAL(ks_stats_replications_needed(1, 1, 1.0, 0, &n, &capped,
                                                 NULL),
                    KS_ERANGE);
}

void ks_suite_stats(void)
{
    static const ks_test_case cases[] = {
        {"t critical values", test_t_critical},
        {"summary of a known sample", test_summary_known_sample},
        {"summary skips NaN", test_summary_skips_nan},
        {"summary of 0, 1, 2, 3 values", test_summary_small_samples},
        {"bad level", test_summary_bad_level},
        {"quantile", test_quantile_general},
        {"selection quantile equals sorting", test_quantile_matches_sort},
        {"paired t interval", test_paired_interval},
        {"paired narrower than unpaired", test_paired_narrower},
        {"paired edge cases", test_paired_edge_cases},
        {"replications needed", test_replications_needed},
        {NULL, NULL},
    };
    ks_test_add_suite("stats", cases);
}
