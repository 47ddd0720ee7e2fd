/* simulate.h - one run of a scenario from start to its dataset on disk.
 *
 * What `ksim run` and every run of a sweep do: build the run, simulate it
 * with the metrics recorder attached, write the HDF5 dataset atomically and
 * summarize it.  A progress callback, when given, is called at every
 * metrics sample with the simulated time and the events processed (the CLI
 * turns that into a progress line on a terminal).
 *
 * Ownership: nothing is kept; the scenario is borrowed for the call.
 */
#ifndef KS_SIMULATE_H
#define KS_SIMULATE_H

#include <stdint.h>

#include "analysis/summary.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "sim/error.h"

typedef void (*ks_progress_fn)(void *ctx, ks_time now, ks_time end,
                               uint64_t events);

typedef struct ks_simulate_options {
    int seed_set; /* use seed instead of the scenario's spec.seed */
    uint64_t seed;
    int check_invariants;
    int k8s_minor; /* > 0: override the scenario's Kubernetes version */
    int force;     /* overwrite an existing dataset */
    const char *ksim_version;
    ks_progress_fn progress; /* may be NULL */
    void *progress_ctx;
} ks_simulate_options;

/* What a finished run reports besides its dataset. */
typedef struct ks_simulate_result {
    uint64_t seed;
    ks_time end_time;
    uint64_t events;
    ks_summary summary;
} ks_simulate_result;

/* Simulates sc and writes its dataset to out (same contract as
 * ks_output_write_run: KS_EEXIST unless force).  res may be NULL.
 * Returns 0 or a negative ks_err with err filled. */
int ks_simulate_to_file(const ks_scenario *sc, const ks_simulate_options *o,
                        const char *out, ks_simulate_result *res,
                        ks_error *err);

#endif
