/* runset.h - a set of runs for reports and sweep figures.
 *
 * A run set is loaded either from a sweep folder (DIR/index.csv, written by
 * `ksim sweep`) or from a list of run files.  Its runs fall into groups:
 * the runs that share the value of every varied parameter.  Within a group,
 * runs are indexed by replication, and replication k of one group pairs
 * with replication k of every other group (same seed, common random
 * numbers), so the per-group value vectors can be compared pairwise
 * (ks_stats_paired_diff).
 *
 * DIR/index.csv (RFC 4180, header row first):
 *   run_id,file,<param 1>,...,<param k>,replication,seed,status,wall_time_s
 * The parameter columns are exactly the columns between `file` and
 * `replication`.  file is relative to DIR; replication is a 0-based integer;
 * status is `ok`, `failed: <message>` or `pending` (an index written while
 * the sweep still runs).  Runs with status ok are read (their metrics
 * computed, analysis/metrics.h); failed and pending runs are kept, not ok,
 * with NaN metrics.  A malformed index is KS_EPARSE naming index.csv:LINE.
 * An ok run whose file cannot be read fails the load (its path in the
 * error): a report must not silently drop runs.
 *
 * From a list of files, each file is one run; the one varied parameter is
 * "scenario" (the /meta scenario_name), groups are in order of first
 * appearance and a run's replication is its position among the files of
 * its scenario (0, 1, ...).
 *
 * Groups are in order of first appearance (index order).  Labels read
 * "policy=fgd, nodes=50"; with no varied parameter the one group is "all".
 *
 * Owner: the report helper (issue 4).  Ownership: a ks_runset owns all its
 * strings and arrays; pointers returned by the accessors stay valid until
 * ks_runset_destroy (accepts NULL).
 */
#ifndef KS_RUNSET_H
#define KS_RUNSET_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

typedef struct ks_runset ks_runset;

/* One run of the set. */
typedef struct ks_runset_run {
    const char *run_id;  /* index run_id; the file's path for file lists */
    const char *path;    /* the run file as opened (DIR/file) */
    size_t group;        /* index of its group */
    size_t replication;  /* 0-based */
    uint64_t seed;
    int ok;              /* 1 ok, 0 failed or pending */
    const char *status;  /* "ok", "failed: ..." or "pending", as indexed */
    double wall_time_s;  /* NaN when unknown (file lists) */
} ks_runset_run;

/* Loads DIR/index.csv and the metrics of its ok runs. */
int ks_runset_load_dir(const char *dir, ks_runset **out, ks_error *err);

/* Loads the run files files[0..n) (n >= 1), each its own run. */
int ks_runset_load_files(const char *const *files, size_t n, ks_runset **out,
                         ks_error *err);

/* The same, reading run files with up to jobs worker processes (HDF5 is
 * not thread-safe; decompressing /pods dominates the time).  jobs 0 means
 * one per online CPU, which the two functions above use; 1 reads in this
 * process.  The result does not depend on jobs.  On errors, the first
 * failing run in order is reported. */
int ks_runset_load_dir_jobs(const char *dir, unsigned jobs, ks_runset **out,
                            ks_error *err);
int ks_runset_load_files_jobs(const char *const *files, size_t n,
                              unsigned jobs, ks_runset **out, ks_error *err);

void ks_runset_destroy(ks_runset *rs);

/* The varied parameters, in index column order. */
size_t ks_runset_nparams(const ks_runset *rs);
const char *ks_runset_param(const ks_runset *rs, size_t i);

/* Runs, in index (or file list) order. */
size_t ks_runset_nruns(const ks_runset *rs);
const ks_runset_run *ks_runset_run_at(const ks_runset *rs, size_t i);
/* Runs whose status is failed, and pending. */
size_t ks_runset_nfailed(const ks_runset *rs);
size_t ks_runset_npending(const ks_runset *rs);
/* Metrics of run i: ks_metric_count() values, all NaN for a run not ok. */
const double *ks_runset_run_metrics(const ks_runset *rs, size_t i);

/* Groups. */
size_t ks_runset_ngroups(const ks_runset *rs);
const char *ks_runset_group_label(const ks_runset *rs, size_t g);
/* Value of parameter p in group g, as written in the index. */
const char *ks_runset_group_value(const ks_runset *rs, size_t g, size_t p);
/* Runs in group g: all, and those ok. */
size_t ks_runset_group_nruns(const ks_runset *rs, size_t g);
size_t ks_runset_group_nok(const ks_runset *rs, size_t g);

/* Replication slots: 1 + the largest replication of any run (0 if none).
 * Every group's value vectors have this length, so vectors of two groups
 * pair by index. */
size_t ks_runset_nreps(const ks_runset *rs);

/* Values of metric m (index in analysis/metrics.h) in group g, one per
 * replication slot: ks_runset_nreps() doubles, NaN where the replication
 * is missing, failed or the metric undefined.  NULL when g or m is out of
 * range. */
const double *ks_runset_values(const ks_runset *rs, size_t g, size_t m);

/* Index of the parameter called name, or -1. */
long ks_runset_param_index(const ks_runset *rs, const char *name);

/* Index of the first group (in order) whose parameter p has value value,
 * or -1. */
long ks_runset_find_group(const ks_runset *rs, size_t p, const char *value);

/* Index of the group with the same parameter values as group g except
 * parameter p, which has value value; -1 if the sweep has no such group.
 * For `--baseline policy=default` in a policy x nodes sweep: group
 * (fgd, 50) compares with (default, 50). */
long ks_runset_find_group_with(const ks_runset *rs, size_t g, size_t p,
                               const char *value);

#endif
