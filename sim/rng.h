/* rng.h - named random-number streams, one GSL generator each.
 *
 * Every consumer of randomness draws from its own named stream (`arrivals`,
 * `durations`, `requests`, `tiebreak`, `faults`, ...).  A stream's seed is a
 * hash of (run seed, stream name), so drawing more or fewer numbers from one
 * stream never shifts another: changing the scheduling policy leaves the
 * workload untouched (common random numbers across policies).
 *
 * Ownership: ks_rngs owns its generators; pointers returned by
 * ks_rngs_stream stay valid until ks_rngs_destroy.
 */
#ifndef KS_RNG_H
#define KS_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef struct ks_rngs ks_rngs;

ks_rngs *ks_rngs_create(uint64_t seed);
void ks_rngs_destroy(ks_rngs *rngs);

/* The stream called name, created and seeded on first use. */
gsl_rng *ks_rngs_stream(ks_rngs *rngs, const char *name);

/* The seed given to stream name under run seed (a SplitMix64 mix of the
 * seed and the FNV-1a hash of the name). Exposed for tests and docs. */
uint64_t ks_rng_stream_seed(uint64_t seed, const char *name);

#endif
