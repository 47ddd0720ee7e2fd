/* dist.c - the scenario language's distributions, sampled with GSL.
 *
 * Each kind is a thin wrapper around one GSL sampler, so a given gsl_rng
 * state gives the same draws on every machine.  The normal distribution is
 * truncated at 0 exactly (a Gaussian tail draw, not clipping or resampling
 * in a loop), because requests and run times can never be negative; its
 * mean is the truncated mean, so analysis code compares like with like.
 */
#include "sim/dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "sim/xalloc.h"

static const char *const kind_names[] = {
    [KS_DIST_CONSTANT] = "constant",       [KS_DIST_UNIFORM] = "uniform",
    [KS_DIST_EXPONENTIAL] = "exponential", [KS_DIST_LOGNORMAL] = "lognormal",
    [KS_DIST_NORMAL] = "normal",           [KS_DIST_EMPIRICAL] = "empirical",
    [KS_DIST_WEIBULL] = "weibull",
};
#define N_KINDS (sizeof kind_names / sizeof kind_names[0])

void ks_dist_init(ks_dist *d, ks_dist_kind kind, double a, double b)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->a = a;
    d->b = b;
}

void ks_dist_init_constant(ks_dist *d, double value)
{
    ks_dist_init(d, KS_DIST_CONSTANT, value, 0.0);
}

/* Weights GSL can turn into probabilities: finite, non-negative, with a
 * positive finite sum.  (gsl_ran_discrete_preproc reports anything else
 * through GSL's error handler, which aborts by default.) */
static int weights_usable(const double *w, size_t n)
{
    if (!w)
        return 0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(w[i]) || w[i] < 0.0)
            return 0;
        sum += w[i];
    }
    return sum > 0.0 && isfinite(sum);
}

static double *copy_doubles(const double *src, size_t n)
{
    double *dst = ks_xmalloc(n * sizeof *dst);
    memcpy(dst, src, n * sizeof *dst);
    return dst;
}

/* Builds the alias table from d->weights, or from equal weights when there
 * are none.  Unusable weights (which the scenario loader rejects before
 * they get here) also fall back to equal weights rather than aborting, and
 * are dropped so that the mean agrees with the sampler. */
static void build_table(ks_dist *d)
{
    if (d->weights && !weights_usable(d->weights, d->n)) {
        free(d->weights);
        d->weights = NULL;
    }
    double *equal = NULL;
    const double *w = d->weights;
    if (!w) {
        equal = ks_xmalloc(d->n * sizeof *equal);
        for (size_t i = 0; i < d->n; i++)
            equal[i] = 1.0;
        w = equal;
    }
    d->table = gsl_ran_discrete_preproc(d->n, w);
    free(equal);
}

void ks_dist_init_empirical(ks_dist *d, const double *values,
                            const double *weights, size_t n)
{
    ks_dist_init(d, KS_DIST_EMPIRICAL, 0.0, 0.0);
    if (n == 0 || !values) /* contract says n >= 1: keep an empty, safe value */
        return;
    d->n = n;
    d->values = copy_doubles(values, n);
    d->weights = weights ? copy_doubles(weights, n) : NULL;
    build_table(d);
}

void ks_dist_free(ks_dist *d)
{
    if (!d)
        return;
    free(d->values);
    free(d->weights);
    if (d->table)
        gsl_ran_discrete_free(d->table);
    memset(d, 0, sizeof *d);
}

/* X - s for X ~ N(0, 1) conditioned on X > s, s >= 1, by Marsaglia's tail
 * method (Knuth vol. 2, 3.4.1, exercise 11), the one GSL's
 * gsl_ran_gaussian_tail uses for s >= 1, with the same draws: u, then v
 * != 0; x = sqrt(s^2 - 2 ln v) is accepted when x * u <= s.  We return
 * x - s as e / (x + s) (e = -2 ln v) rather than x: far in the tail x and s
 * agree to many digits, so mean + sd * x would cancel to noise, and for
 * s > 1e154 GSL's s * s overflows and its loop never accepts. */
static double gaussian_tail_excess(gsl_rng *rng, double s)
{
    for (;;) {
        double u = gsl_rng_uniform(rng);
        double v;
        do
            v = gsl_rng_uniform(rng);
        while (v == 0.0);
        double e = -2.0 * log(v);
        double x = s * sqrt(1.0 + e / (s * s)); /* no overflow for huge s */
        if (x * u <= s)
            return e / (x + s);
    }
}

/* Normal(mean, sd) conditioned on being > 0.  With s = -mean / sd, that is
 * mean + sd * X for X ~ N(0, 1) conditioned on X > s, i.e. sd * (X - s).
 * For s < 1 GSL's tail sampler (plain rejection) is accurate; beyond, we
 * draw the excess X - s directly (see above).  The final clamp only guards
 * the rounding of mean + sd * X; mathematically the result is positive. */
static double sample_truncated_normal(double mean, double sd, gsl_rng *rng)
{
    if (!(sd > 0.0))
        return mean > 0.0 ? mean : 0.0;
    double s = -mean / sd;
    if (isnan(s)) /* NaN mean: no draw exists, and the loop would not end */
        return 0.0;
    double x = s < 1.0 ? mean + gsl_ran_gaussian_tail(rng, -mean, sd)
                       : sd * gaussian_tail_excess(rng, s);
    return x > 0.0 ? x : 0.0;
}

double ks_dist_sample(const ks_dist *d, gsl_rng *rng)
{
    switch (d->kind) {
    case KS_DIST_CONSTANT:
        return d->a;
    case KS_DIST_UNIFORM:
        /* gsl_ran_flat would still draw a number for a == b; skip it. */
        return d->a == d->b ? d->a : gsl_ran_flat(rng, d->a, d->b);
    case KS_DIST_EXPONENTIAL:
        return gsl_ran_exponential(rng, d->a);
    case KS_DIST_LOGNORMAL:
        return gsl_ran_lognormal(rng, d->a, d->b);
    case KS_DIST_NORMAL:
        return sample_truncated_normal(d->a, d->b, rng);
    case KS_DIST_EMPIRICAL:
        if (!d->table)
            return 0.0;
        return d->values[gsl_ran_discrete(rng, d->table)];
    case KS_DIST_WEIBULL:
        return gsl_ran_weibull(rng, d->a, d->b);
    }
    return 0.0;
}

/* E[Z - a | Z > a] for Z ~ N(0, 1), a >= 8, by Laplace's continued fraction
 * for the Mills ratio: Q(a) / phi(a) = 1 / (a + t), so the excess is
 * t = 1 / (a + 2 / (a + 3 / (a + ...))).  Evaluated from the bottom; at
 * a >= 8, 60 levels are accurate to double precision. */
static double gaussian_tail_mean_excess(double a)
{
    double t = 0.0;
    for (int k = 60; k >= 2; k--)
        t = k / (a + t);
    return 1.0 / (a + t);
}

/* E[X | X > 0] for X ~ N(mean, sd): mean + sd * phi(alpha) / Q(alpha) with
 * alpha = -mean / sd.  Far in the tail (alpha >= 8) Q underflows and the
 * sum cancels, so there we use the equal form sd * E[Z - alpha | Z > alpha]
 * from the continued fraction, which tends to sd^2 / |mean|, not 0/0. */
static double truncated_normal_mean(double mean, double sd)
{
    if (!(sd > 0.0))
        return mean > 0.0 ? mean : 0.0;
    double alpha = -mean / sd;
    if (alpha >= 8.0)
        return sd * gaussian_tail_mean_excess(alpha);
    return mean + sd * gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
}

static double empirical_mean(const ks_dist *d)
{
    double sum = 0.0, total = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        double w = d->weights ? d->weights[i] : 1.0;
        sum += w * d->values[i];
        total += w;
    }
    return total > 0.0 ? sum / total : 0.0;
}

double ks_dist_mean(const ks_dist *d)
{
    switch (d->kind) {
    case KS_DIST_CONSTANT:
        return d->a;
    case KS_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case KS_DIST_EXPONENTIAL:
        return d->a;
    case KS_DIST_LOGNORMAL:
        return exp(d->a + 0.5 * d->b * d->b);
    case KS_DIST_NORMAL:
        return truncated_normal_mean(d->a, d->b);
    case KS_DIST_EMPIRICAL:
        return empirical_mean(d);
    case KS_DIST_WEIBULL: /* scale * Gamma(1 + 1/shape) */
        return d->b > 0.0 ? d->a * gsl_sf_gamma(1.0 + 1.0 / d->b) : 0.0;
    }
    return 0.0;
}

const char *ks_dist_kind_name(ks_dist_kind kind)
{
    if ((unsigned)kind >= N_KINDS)
        return "unknown";
    return kind_names[kind];
}

int ks_dist_kind_lookup(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < N_KINDS; i++)
        if (strcmp(kind_names[i], name) == 0)
            return (int)i;
    return -1;
}
