/* metrics.h - the scalar metrics of one run, computed from its dataset.
 *
 * One table (metrics.c) lists every metric with its name, unit and a
 * one-line description; `ksim report`, the sweep figures and docs/report.md
 * all read that table.  A new metric (GPU fragmentation, service
 * availability, ...) is one more entry in it: a name, a unit, a description
 * and a function computing the value from the run.
 *
 * A metric that is undefined for a run (a latency when no pod was scheduled)
 * is NaN, which the statistics skip (analysis/stats.h).
 *
 * Owner: the report helper (issue 4).  The table is static and read-only;
 * nothing here allocates memory the caller must free.
 */
#ifndef KS_METRICS_H
#define KS_METRICS_H

#include <stddef.h>

#include "analysis/output.h"
#include "sim/error.h"

/* Number of metrics; indices run 0 .. ks_metric_count() - 1 in table order,
 * which is the order reports print them in. */
size_t ks_metric_count(void);

/* Name ("latency_p99_s"), unit ("s", "pods", "fraction", "count") and a
 * one-line description of metric i; NULL when i is out of range. */
const char *ks_metric_name(size_t i);
const char *ks_metric_unit(size_t i);
const char *ks_metric_description(size_t i);

/* Index of the metric called name, or -1. */
int ks_metric_find(const char *name);

/* Computes every metric of the run in ds into out[0 .. ks_metric_count()). */
void ks_metrics_compute(const ks_dataset *ds, double *out);

/* Reads the run file at path (ks_output_read) and computes its metrics
 * into out (as ks_metrics_compute); only the metrics are kept, not the
 * dataset.  Decompressing /pods dominates the time (about 60 ms per 100,000
 * pods): analysis/runset.h reads many runs in parallel.  If scenario_name
 * is not NULL it receives the run's /meta scenario_name (free with free()),
 * and seed (if not NULL) its /meta seed.  Returns 0 or a negative ks_err
 * (the file's errors from ks_output_read). */
int ks_metrics_read(const char *path, double *out, char **scenario_name,
                    unsigned long long *seed, ks_error *err);

#endif
