/* report.h - `ksim report`: statistics of a run set as a text, CSV or
 * LaTeX table.
 *
 * For every group of the run set (analysis/runset.h) and every chosen
 * metric (analysis/metrics.h): the replication count, mean, standard
 * deviation, Student t confidence interval of the mean, median and 95th
 * percentile over replications, and the replications needed for a
 * confidence-interval half-width of target_rel x |mean|.  With two or more
 * groups, the paired difference (group - baseline, replication k with
 * replication k) of every group against its baseline group, with its
 * paired t interval, absolute and relative to the baseline mean.
 *
 * Baseline: by default the first group for every group.  With
 * baseline_param = P and baseline_value = V, group g is compared with the
 * group that has P = V and the same values of the other parameters
 * (ks_runset_find_group_with); groups with P = V are the baselines.
 *
 * The output depends only on the run set and the options (no clock; ksim
 * never sets a locale, so numbers use '.'), so the same inputs give the
 * same bytes.
 * Formats and columns are documented in docs/report.md.
 *
 * Owner: the report helper (issue 4).
 */
#ifndef KS_REPORT_H
#define KS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "analysis/runset.h"
#include "sim/error.h"

typedef enum ks_report_format {
    KS_REPORT_TEXT,  /* aligned columns, for the terminal */
    KS_REPORT_CSV,   /* one row per group x metric, full precision */
    KS_REPORT_LATEX  /* a booktabs tabular, ready to \input */
} ks_report_format;

typedef struct ks_report_options {
    const size_t *metrics;  /* metric indices, in print order; NULL: all */
    size_t nmetrics;
    const char *baseline_param; /* NULL: the first group is the baseline */
    const char *baseline_value;
    ks_report_format format;
    double level;           /* confidence level, 0 < level < 1 */
    double target_rel;      /* replications needed for half-width
                               target_rel x |mean| (> 0) */
    const char *source;     /* what was read, for the title; may be NULL */
} ks_report_options;

/* Defaults: all metrics, first group as baseline, text, level 0.95,
 * target_rel 0.05, no source. */
void ks_report_options_init(ks_report_options *o);

/* Writes the report of rs to out.  Returns 0, or KS_EINVAL / KS_ERANGE for
 * bad options (unknown baseline parameter or value, bad level or metric
 * index) with nothing written, or KS_EIO when writing fails. */
int ks_report_write(const ks_runset *rs, const ks_report_options *o,
                    FILE *out, ks_error *err);

#endif
