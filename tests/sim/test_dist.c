/* test_dist.c - ks_dist: sample means converge to ks_dist_mean, the
 * truncated normal is never negative, empirical weights are honoured and a
 * seeded generator reproduces its draws.
 *
 * Convergence checks allow 5 standard errors (computed from the sample
 * itself or from the known variance): a wrong mean or a wrong sampler is
 * off by far more, while a correct one fails about once in 3.5 million runs
 * (and never here, since the seeds are fixed). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim/dist.h"
#include "tests/suites.h"
#include "tests/test_util.h"

#define N_SAMPLES 200000

/* sqrt(2 / pi): the mean of |N(0, 1)|. */
#define HALF_NORMAL_MEAN 0.79788456080286535588

static gsl_rng *seeded_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

typedef struct stats {
    double mean;
    double se; /* standard error of the mean */
    double min;
    double max;
} stats;

static stats sample_stats(const ks_dist *d, unsigned long seed, int n)
{
    gsl_rng *r = seeded_rng(seed);
    double sum = 0.0, sum2 = 0.0, lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double x = ks_dist_sample(d, r);
        sum += x;
        sum2 += x * x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    gsl_rng_free(r);
    stats s;
    s.mean = sum / n;
    double var = sum2 / n - s.mean * s.mean;
    s.se = sqrt(var > 0.0 ? var / n : 0.0);
    s.min = lo;
    s.max = hi;
    return s;
}

/* The sample mean is within 5 standard errors of the exact mean. */
static void check_converges(const ks_dist *d, unsigned long seed)
{
    stats s = sample_stats(d, seed, N_SAMPLES);
    double mu = ks_dist_mean(d);
    CU_ASSERT(isfinite(s.mean));
    CU_ASSERT(s.se > 0.0);
    CU_ASSERT(fabs(s.mean - mu) <= 5.0 * s.se);
}

static void test_names(void)
{
    static const char *const names[] = {"constant", "uniform", "exponential",
                                        "lognormal", "normal", "empirical"};
    for (int k = KS_DIST_CONSTANT; k <= KS_DIST_EMPIRICAL; k++) {
        CU_ASSERT_STRING_EQUAL(ks_dist_kind_name((ks_dist_kind)k), names[k]);
        CU_ASSERT_EQUAL(ks_dist_kind_lookup(names[k]), k);
    }
    CU_ASSERT_EQUAL(ks_dist_kind_lookup("gaussian"), -1);
    CU_ASSERT_EQUAL(ks_dist_kind_lookup("Normal"), -1);
    CU_ASSERT_EQUAL(ks_dist_kind_lookup(""), -1);
    CU_ASSERT_EQUAL(ks_dist_kind_lookup(NULL), -1);
    CU_ASSERT_PTR_NOT_NULL(ks_dist_kind_name((ks_dist_kind)42));
}

static void test_constant(void)
{
    ks_dist d;
    ks_dist_init_constant(&d, 2.5);
    gsl_rng *r = seeded_rng(1);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 2.5);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 2.5);
    gsl_rng_free(r);
    ks_dist_free(&d);
}

static void test_uniform(void)
{
    ks_dist d;
    ks_dist_init(&d, KS_DIST_UNIFORM, 100.0, 2000.0);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 1050.0, 1e-9);
    stats s = sample_stats(&d, 2, N_SAMPLES);
    CU_ASSERT(s.min >= 100.0);
    CU_ASSERT(s.max < 2000.0);
    check_converges(&d, 3);

    /* A degenerate range is that value, exactly. */
    ks_dist_init(&d, KS_DIST_UNIFORM, 7.0, 7.0);
    gsl_rng *r = seeded_rng(4);
    CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 7.0);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 7.0);
    gsl_rng_free(r);
}

static void test_exponential(void)
{
    ks_dist d;
    ks_dist_init(&d, KS_DIST_EXPONENTIAL, 600.0, 0.0);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 600.0);
    stats s = sample_stats(&d, 5, N_SAMPLES);
    CU_ASSERT(s.min >= 0.0);
    /* Known variance: sd = mean. */
    CU_ASSERT(fabs(s.mean - 600.0) <= 5.0 * 600.0 / sqrt(N_SAMPLES));
    check_converges(&d, 6);
}

static void test_lognormal(void)
{
    ks_dist d;
    /* median 1 GiB, sigma 0.5: mu = ln(2^30) */
    double mu = log(1073741824.0), sigma = 0.5;
    ks_dist_init(&d, KS_DIST_LOGNORMAL, mu, sigma);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 1073741824.0 * exp(0.125), 1.0);
    stats s = sample_stats(&d, 7, N_SAMPLES);
    CU_ASSERT(s.min > 0.0);
    check_converges(&d, 8);
}

static void test_normal_mean_formula(void)
{
    ks_dist d;
    /* mu = 0: half-normal, mean sigma * sqrt(2 / pi). */
    ks_dist_init(&d, KS_DIST_NORMAL, 0.0, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), HALF_NORMAL_MEAN, 1e-12);
    ks_dist_init(&d, KS_DIST_NORMAL, 0.0, 3.0);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 3.0 * HALF_NORMAL_MEAN, 1e-12);
    /* Far above 0 the truncation does not matter. */
    ks_dist_init(&d, KS_DIST_NORMAL, 100.0, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 100.0, 1e-12);
    /* Reference values computed with 60-digit arithmetic (mpmath) from
     * mu + sigma * phi(alpha) / Q(alpha). */
    static const double ref[][3] = {
        {-5.0, 1.0, 0.18650396712584211562},
        {1.0, 2.0, 2.0183208676740669717},
        {-7.999, 1.0, 0.12138243876567854496},
        {-8.0, 1.0, 0.12136811223611268065},
        {-30.0, 1.0, 0.033259667433677037071},
        {-37.0, 1.0, 0.026987686126990096026}, /* Q(37) ~ 1e-300 */
        {-39.0, 1.0, 0.025607419930108456408}, /* Q(39) underflows */
        {-100.0, 1.0, 0.0099980009992607051849},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        ks_dist_init(&d, KS_DIST_NORMAL, ref[i][0], ref[i][1]);
        CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), ref[i][2], 1e-12 * ref[i][2]);
    }
    /* Beyond any table: the mean tends to sigma^2 / |mu|, never 0/0. */
    ks_dist_init(&d, KS_DIST_NORMAL, -1e200, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 1e-200, 1e-212);
    ks_dist_init(&d, KS_DIST_NORMAL, -1.0, 1e-320);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 0.0);
    /* Continuity where the implementation switches method (alpha = 8). */
    ks_dist_init(&d, KS_DIST_NORMAL, -8.0 + 1e-9, 1.0);
    double below = ks_dist_mean(&d);
    ks_dist_init(&d, KS_DIST_NORMAL, -8.0 - 1e-9, 1.0);
    double above = ks_dist_mean(&d);
    CU_ASSERT_DOUBLE_EQUAL(below, above, 1e-7);
    /* stddev 0: a constant, clipped at 0. */
    ks_dist_init(&d, KS_DIST_NORMAL, 3.0, 0.0);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 3.0);
    ks_dist_init(&d, KS_DIST_NORMAL, -3.0, 0.0);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 0.0);
}

static void test_normal_never_negative(void)
{
    static const double params[][2] = {
        {-5.0, 1.0}, {0.0, 1.0}, {1.0, 2.0}, {-0.5, 3.0}, {-40.0, 1.0},
    };
    for (size_t k = 0; k < sizeof params / sizeof params[0]; k++) {
        ks_dist d;
        ks_dist_init(&d, KS_DIST_NORMAL, params[k][0], params[k][1]);
        stats s = sample_stats(&d, 10 + k, N_SAMPLES);
        CU_ASSERT(s.min >= 0.0);
        check_converges(&d, 20 + k);
    }
}

/* Far in the tail the sampler must neither loop forever (GSL's own tail
 * sampler never accepts once s * s overflows) nor cancel to noise. */
static void test_normal_extreme_tails(void)
{
    ks_dist d;
    ks_dist_init(&d, KS_DIST_NORMAL, -1e4, 1.0);
    stats s = sample_stats(&d, 30, N_SAMPLES);
    CU_ASSERT(s.min >= 0.0);
    CU_ASSERT(s.max < 1e-2); /* excess ~ Exp(1) / 1e4 */
    check_converges(&d, 31);

    ks_dist_init(&d, KS_DIST_NORMAL, -1e200, 1.0);
    s = sample_stats(&d, 32, 1000);
    CU_ASSERT(s.min >= 0.0);
    CU_ASSERT(s.max < 1e-198);
    /* Squares underflow here, so use the known sd (Exp(1) / 1e200). */
    CU_ASSERT(fabs(s.mean - 1e-200) <= 5.0 * 1e-200 / sqrt(1000.0));

    gsl_rng *r = seeded_rng(33);
    ks_dist_init(&d, KS_DIST_NORMAL, -1.0, 1e-320); /* s overflows to inf */
    CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 0.0);
    ks_dist_init(&d, KS_DIST_NORMAL, -INFINITY, 1.0);
    CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 0.0);
    ks_dist_init(&d, KS_DIST_NORMAL, NAN, 1.0); /* must return, not loop */
    CU_ASSERT(ks_dist_sample(&d, r) >= 0.0);
    gsl_rng_free(r);
}

static void test_normal_zero_stddev(void)
{
    ks_dist d;
    gsl_rng *r = seeded_rng(9);
    ks_dist_init(&d, KS_DIST_NORMAL, 3.0, 0.0);
    CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 3.0);
    ks_dist_init(&d, KS_DIST_NORMAL, -3.0, 0.0);
    CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 0.0);
    gsl_rng_free(r);
}

static void test_empirical_weights(void)
{
    const double values[] = {1.0, 2.0, 3.0};
    const double weights[] = {1.0, 0.0, 3.0};
    ks_dist d;
    ks_dist_init_empirical(&d, values, weights, 3);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 2.5, 1e-12);
    gsl_rng *r = seeded_rng(11);
    int count[4] = {0, 0, 0, 0};
    for (int i = 0; i < N_SAMPLES; i++) {
        double x = ks_dist_sample(&d, r);
        CU_ASSERT_FATAL(x == 1.0 || x == 2.0 || x == 3.0);
        count[(int)x]++;
    }
    CU_ASSERT_EQUAL(count[2], 0); /* weight 0: never drawn */
    double p3 = (double)count[3] / N_SAMPLES;
    CU_ASSERT(fabs(p3 - 0.75) <= 5.0 * sqrt(0.75 * 0.25 / N_SAMPLES));
    gsl_rng_free(r);
    check_converges(&d, 12);
    ks_dist_free(&d);
}

static void test_empirical_equal_weights_and_copies(void)
{
    double values[] = {10.0, 20.0, 30.0, 40.0};
    ks_dist d;
    ks_dist_init_empirical(&d, values, NULL, 4);
    values[0] = -1.0; /* the dist keeps its own copy */
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 25.0, 1e-12);
    gsl_rng *r = seeded_rng(13);
    int count[4] = {0, 0, 0, 0};
    for (int i = 0; i < N_SAMPLES; i++) {
        double x = ks_dist_sample(&d, r);
        int idx = (int)(x / 10.0) - 1;
        CU_ASSERT_FATAL(idx >= 0 && idx < 4 && x == 10.0 * (idx + 1));
        count[idx]++;
    }
    for (int i = 0; i < 4; i++)
        CU_ASSERT(fabs((double)count[i] / N_SAMPLES - 0.25) <=
                  5.0 * sqrt(0.25 * 0.75 / N_SAMPLES));
    gsl_rng_free(r);
    ks_dist_free(&d);

    /* One value: always that value. */
    const double one = 4.5;
    ks_dist_init_empirical(&d, &one, NULL, 1);
    r = seeded_rng(14);
    CU_ASSERT_EQUAL(ks_dist_sample(&d, r), 4.5);
    CU_ASSERT_EQUAL(ks_dist_mean(&d), 4.5);
    gsl_rng_free(r);
    ks_dist_free(&d);
}

/* Weights the loader would reject must still not abort through GSL's error
 * handler: they fall back to equal weights. */
static void test_empirical_bad_weights_do_not_abort(void)
{
    const double values[] = {1.0, 3.0};
    const double negative[] = {-1.0, 1.0};
    const double zero[] = {0.0, 0.0};
    const double *bad[] = {negative, zero};
    for (int k = 0; k < 2; k++) {
        ks_dist d;
        ks_dist_init_empirical(&d, values, bad[k], 2);
        CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 2.0, 1e-12);
        gsl_rng *r = seeded_rng(15);
        double x = ks_dist_sample(&d, r);
        CU_ASSERT(x == 1.0 || x == 3.0);
        gsl_rng_free(r);
        ks_dist_free(&d);
    }
}

/* The same seed gives the same draws, for every kind. */
static void test_reproducible(void)
{
    const double values[] = {1.0, 2.0, 5.0};
    const double weights[] = {0.2, 0.3, 0.5};
    ks_dist dists[6];
    ks_dist_init_constant(&dists[0], 1.0);
    ks_dist_init(&dists[1], KS_DIST_UNIFORM, 0.1, 2.0);
    ks_dist_init(&dists[2], KS_DIST_EXPONENTIAL, 600.0, 0.0);
    ks_dist_init(&dists[3], KS_DIST_LOGNORMAL, 20.0, 0.5);
    ks_dist_init(&dists[4], KS_DIST_NORMAL, -1.0, 2.0);
    ks_dist_init_empirical(&dists[5], values, weights, 3);

    gsl_rng *a = seeded_rng(42), *b = seeded_rng(42), *c = seeded_rng(43);
    int differs = 0;
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 6; k++) {
            double x = ks_dist_sample(&dists[k], a);
            double y = ks_dist_sample(&dists[k], b);
            double z = ks_dist_sample(&dists[k], c);
            CU_ASSERT_EQUAL(memcmp(&x, &y, sizeof x), 0);
            differs |= x != z;
        }
    }
    CU_ASSERT(differs); /* a different seed gives different draws */
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    for (int k = 0; k < 6; k++)
        ks_dist_free(&dists[k]);
}

static void test_free(void)
{
    ks_dist d;
    memset(&d, 0, sizeof d);
    ks_dist_free(&d); /* zeroed: fine */
    const double values[] = {1.0, 2.0};
    const double weights[] = {1.0, 2.0};
    ks_dist_init_empirical(&d, values, weights, 2);
    CU_ASSERT_PTR_NOT_NULL(d.values);
    CU_ASSERT_PTR_NOT_NULL(d.weights);
    CU_ASSERT_PTR_NOT_NULL(d.table);
    ks_dist_free(&d);
    CU_ASSERT_PTR_NULL(d.values);
    CU_ASSERT_PTR_NULL(d.weights);
    CU_ASSERT_PTR_NULL(d.table);
    CU_ASSERT_EQUAL(d.n, 0);
    ks_dist_free(&d); /* twice: still fine, the struct was zeroed */
    ks_dist_free(NULL);
}

/* Weibull (failure times): shape 1 is the exponential with mean = scale;
 * shape 1.5 has mean scale * Gamma(5/3) = 0.9027452929509 scale. */
static void test_weibull(void)
{
    ks_dist d;
    ks_dist_init(&d, KS_DIST_WEIBULL, 3600.0, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 3600.0, 1e-9);
    check_converges(&d, 21);
    ks_dist_init(&d, KS_DIST_WEIBULL, 1000.0, 1.5);
    CU_ASSERT_DOUBLE_EQUAL(ks_dist_mean(&d), 902.7452929509, 1e-6);
    stats s = sample_stats(&d, 22, N_SAMPLES);
    CU_ASSERT(s.min >= 0.0);
    check_converges(&d, 23);
    CU_ASSERT_STRING_EQUAL(ks_dist_kind_name(KS_DIST_WEIBULL), "weibull");
    CU_ASSERT_EQUAL(ks_dist_kind_lookup("weibull"), KS_DIST_WEIBULL);
}

void ks_suite_dist(void)
{
    static const ks_test_case cases[] = {
        {"names", test_names},
        {"constant", test_constant},
        {"uniform", test_uniform},
        {"exponential", test_exponential},
        {"lognormal", test_lognormal},
        {"normal_mean_formula", test_normal_mean_formula},
        {"normal_never_negative", test_normal_never_negative},
        {"normal_extreme_tails", test_normal_extreme_tails},
        {"normal_zero_stddev", test_normal_zero_stddev},
        {"empirical_weights", test_empirical_weights},
        {"weibull", test_weibull},
        {"empirical_equal_weights_and_copies",
         test_empirical_equal_weights_and_copies},
        {"empirical_bad_weights_do_not_abort",
         test_empirical_bad_weights_do_not_abort},
        {"reproducible", test_reproducible},
        {"free", test_free},
        {NULL, NULL},
    };
    ks_test_add_suite("dist", cases);
}
