/* sweep_exec.h - running a sweep: every point x replication, in parallel.
 *
 * The runs of a sweep (scenarios/sweep.h) go to OUT/runs/<run id>.h5, one
 * HDF5 dataset each, and OUT/index.csv lists them (docs/sweep.md):
 *
 *   run_id,file,<parameter>...,replication,seed,status,wall_time_s
 *
 * Local runs execute in up to `jobs` worker processes (fork; a run that
 * crashes is a failed run, the others go on).  Under MPI (configured
 * --with-mpi and started by mpirun with more than one rank) the ranks take
 * the runs round-robin, run them in process, and rank 0 writes the index;
 * the run files are the same bytes either way.
 *
 * Resuming: a run whose file exists and stores exactly the scenario text
 * this run would simulate is complete and skipped (unless force); a file
 * holding another scenario (the sweep or its base changed) is run again.
 * Failed runs have no file and are retried.  OUT/sweep.yaml keeps a copy
 * of the sweep file and OUT/.ksim-sweep-state the wall times of finished
 * runs, so a resumed sweep's index still gives them.
 *
 * Ownership: ks_sweep_outcome holds counts only.
 */
#ifndef KS_SWEEP_EXEC_H
#define KS_SWEEP_EXEC_H

#include <stddef.h>

#include "scenarios/sweep.h"
#include "sim/error.h"

typedef void (*ks_sweep_progress_fn)(void *ctx, size_t done, size_t total,
                                     size_t failed);

typedef struct ks_sweep_exec_options {
    const char *outdir;
    unsigned jobs; /* worker processes; 0 means 1 */
    int force;     /* run every run again, even complete ones */
    const char *ksim_version;
    ks_sweep_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    FILE *log; /* one line per failed or re-run run; NULL: quiet */
} ks_sweep_exec_options;

typedef struct ks_sweep_outcome {
    size_t runs;    /* in the sweep */
    size_t skipped; /* complete from an earlier invocation */
    size_t ran;     /* run now and succeeded */
    size_t failed;
    int mpi_ranks;  /* ranks that took part; 0 for a local sweep */
    int mpi_rank;   /* this process's rank (only rank 0 writes the index) */
} ks_sweep_outcome;

/* Runs the sweep.  Returns 0 when the index was written (failed runs are
 * recorded in it, not an error), or a negative ks_err when the output
 * folder or the index cannot be written. */
int ks_sweep_execute(const ks_sweep *sw, const ks_sweep_exec_options *o,
                     ks_sweep_outcome *out, ks_error *err);

/* Writes s as one RFC 4180 CSV field (quoted when it holds a comma, quote,
 * CR or LF). */
void ks_csv_field(FILE *f, const char *s);

#endif
