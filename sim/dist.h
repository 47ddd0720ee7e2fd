/* dist.h - probability distributions drawn with GSL, described by value.
 *
 * A ks_dist is what the scenario language's `{dist: ..., ...}` objects load
 * into: a kind and its parameters, all in the caller's unit (seconds for
 * durations, base resource units for requests).  Sampling uses the GSL stream
 * the caller passes, so each use site picks its named stream.
 *
 * Ownership: ks_dist_init_* set up a value; ks_dist_empirical copies the
 * arrays it is given; ks_dist_free releases them (safe on any initialized or
 * zeroed ks_dist).
 */
#ifndef KS_DIST_H
#define KS_DIST_H

#include <stddef.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

typedef enum ks_dist_kind {
    KS_DIST_CONSTANT = 0, /* value */
    KS_DIST_UNIFORM,      /* min, max: uniform on [min, max) */
    KS_DIST_EXPONENTIAL,  /* mean */
    KS_DIST_LOGNORMAL,    /* mu, sigma of the underlying normal */
    KS_DIST_NORMAL,       /* mean, stddev; truncated at 0 (never negative) */
    KS_DIST_EMPIRICAL,    /* values[], optional weights[]: one value drawn */
    KS_DIST_WEIBULL       /* scale, shape (times to failure) */
} ks_dist_kind;

typedef struct ks_dist {
    ks_dist_kind kind;
    double a; /* value | min | mean | mu    | mean   | scale */
    double b; /*       | max |      | sigma | stddev | shape */
    double *values;  /* empirical: n values */
    double *weights; /* empirical: n weights, or NULL for equal weights */
    size_t n;
    gsl_ran_discrete_t *table; /* empirical: lookup table, built on init */
} ks_dist;

void ks_dist_init_constant(ks_dist *d, double value);
void ks_dist_init(ks_dist *d, ks_dist_kind kind, double a, double b);
/* Copies values and weights (weights may be NULL). n >= 1. */
void ks_dist_init_empirical(ks_dist *d, const double *values,
                            const double *weights, size_t n);
void ks_dist_free(ks_dist *d);

/* Draws one value.  Never negative for KS_DIST_NORMAL. */
double ks_dist_sample(const ks_dist *d, gsl_rng *rng);
/* The distribution's mean (exact for every kind). */
double ks_dist_mean(const ks_dist *d);
/* "constant", "uniform", ...; and the reverse lookup (-1 if unknown). */
const char *ks_dist_kind_name(ks_dist_kind kind);
int ks_dist_kind_lookup(const char *name);

#endif
