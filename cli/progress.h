/* progress.h - a progress line on stderr for long runs and sweeps.
 *
 * Shown only when stderr is a terminal (scripts and CI logs stay quiet),
 * redrawn in place at most a few times a second, erased when done.  The
 * wall clock is read here, for display only: it never reaches a dataset.
 *
 * Ownership: ks_progress_create returns an object freed (and its line
 * erased) by ks_progress_destroy (accepts NULL).
 */
#ifndef KS_PROGRESS_H
#define KS_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/engine.h"

typedef struct ks_progress ks_progress;

/* A progress line on out, active only if out is a terminal (force != 0
 * draws regardless, for tests). */
ks_progress *ks_progress_create(FILE *out, int force);
void ks_progress_destroy(ks_progress *p);

/* A run: simulated time now of end, events processed so far.  Matches
 * ks_progress_fn (analysis/simulate.h) with ctx the ks_progress. */
void ks_progress_run(void *p, ks_time now, ks_time end, uint64_t events);

/* A sweep: runs done (of total) and failed. */
void ks_progress_sweep(ks_progress *p, size_t done, size_t total,
                       size_t failed);

/* "1h02m", "3m05s", "12s": a short duration for the line. */
void ks_progress_format_seconds(double s, char *buf, size_t size);

#endif
