/* sweep.h - a sweep: one base scenario, the values that vary, replications.
 *
 * A sweep file (docs/sweep.md) names a base scenario and parameters.  A
 * parameter either sets one scenario value, addressed by its path
 * (`cluster.nodePools[0].count`, below `spec` unless the path starts with
 * `spec.` or `metadata.`), to each of a list of values, or is a set of named
 * alternatives (a "policy set": each alternative sets several paths).  The
 * points are the grid of all parameter combinations (first parameter
 * slowest), or an explicit list.  Every point runs `replications` times;
 * replication k runs with seed base + k at every point, so points are
 * compared on common random numbers.
 *
 * A run's scenario is the base scenario's document with the point's values
 * put in and spec.seed set, written back as YAML: that text is what the
 * run's dataset stores, so each run file describes itself.
 *
 * Ownership: ks_sweep_load_file returns a sweep owned by the caller, freed
 * with ks_sweep_destroy (accepts NULL).  Strings returned by the accessors
 * borrow from the sweep.
 */
#ifndef KS_SWEEP_H
#define KS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "scenarios/scenario.h"
#include "sim/error.h"

typedef struct ks_sweep ks_sweep;

/* Loads and checks the sweep in path and its base scenario: every point's
 * scenario is built and validated here, so a bad value fails before any
 * run (FILE:LINE:COL of the value in the sweep file). */
int ks_sweep_load_file(const char *path, ks_sweep **out, ks_error *err);
void ks_sweep_destroy(ks_sweep *sw);

const char *ks_sweep_name(const ks_sweep *sw);   /* metadata.name */
const char *ks_sweep_text(const ks_sweep *sw, size_t *len); /* the file */
size_t ks_sweep_nparams(const ks_sweep *sw);
const char *ks_sweep_param_name(const ks_sweep *sw, size_t param);
size_t ks_sweep_npoints(const ks_sweep *sw);
unsigned ks_sweep_replications(const ks_sweep *sw);
/* The label of the point's value of a parameter, as written in the sweep
 * file: the scalar's text, the set's name, or "#i" (i-th value) for a
 * mapping or sequence value. */
const char *ks_sweep_value_label(const ks_sweep *sw, size_t point,
                                 size_t param);
/* The seed replication rep runs with (the same at every point). */
uint64_t ks_sweep_seed(const ks_sweep *sw, unsigned rep);

/* Runs are numbered point * replications + rep. */
size_t ks_sweep_nruns(const ks_sweep *sw);
/* "p0003-r02": the run's id, also its file name under runs/. */
void ks_sweep_run_id(const ks_sweep *sw, size_t run, char *buf, size_t size);

/* Builds the scenario of a run (see the file comment).  Same contract as
 * ks_scenario_load_file. */
int ks_sweep_run_scenario(const ks_sweep *sw, size_t run, ks_scenario **out,
                          ks_error *err);

#endif
