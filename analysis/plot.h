/* plot.h - figures of a run or of a sweep, drawn by gnuplot.
 *
 * ks_plot_run_with reads a run dataset and writes into outdir, for each
 * figure NAME, the data (NAME.dat), the gnuplot script that draws it
 * (NAME.gp) and the drawing in each requested format (NAME.png, .svg,
 * .pdf), sized for one column of a two-column paper (3.5in x 2.4in; PNG at
 * 300 dpi):
 *   allocation       cpu, memory and pod slots allocated over time (%)
 *   pending          pending and running pods over time
 *   queues           scheduling queue lengths (active, backoff,
 *                    unschedulable) over time
 *   latency-cdf      CDF of scheduling latency (submit to bind)
 *   startup-cdf      CDF of pod startup latency (submit to start)
 *   node-heatmap     per-node CPU allocation over time (from /pods)
 *   plugin-rejections  rejections per scheduler plugin (when the dataset
 *                    has /scheduler_plugins rows)
 * A series the dataset does not hold is left out of its figure, and a
 * figure with no series is not drawn.
 *
 * ks_plot_sweep reads a sweep folder (DIR/index.csv, analysis/runset.h)
 * and draws, per chosen metric M (analysis/metrics.h), bars-M (the mean of
 * each group with its 95% confidence interval as error bars) and box-M
 * (box plots of the per-replication values of each group).
 *
 * The .gp and .dat files are kept so a researcher can restyle and rerun
 * (docs/figures.md).  gnuplot is an external program, found at configure
 * time (GNUPLOT) or on PATH; if it is missing, plotting fails with
 * KS_EEXTERNAL and a message saying how to install it, after the .dat and
 * .gp files are written.
 *
 * Owner: the figures helper (issue 4).  Nothing returned needs freeing.
 */
#ifndef KS_PLOT_H
#define KS_PLOT_H

#include <stddef.h>

#include "sim/error.h"

/* Output formats, as bits of ks_plot_options.formats. */
#define KS_PLOT_PNG 1u
#define KS_PLOT_SVG 2u
#define KS_PLOT_PDF 4u
#define KS_PLOT_FORMATS_ALL (KS_PLOT_PNG | KS_PLOT_SVG | KS_PLOT_PDF)

typedef struct ks_plot_options {
    unsigned formats; /* KS_PLOT_* bits; 0 means KS_PLOT_PNG */
    /* Sweep figures: names of the metrics to draw (analysis/metrics.h);
     * NULL or 0 means the defaults (latency_p99_s, cpu_alloc_mean,
     * scheduled_fraction, pending_mean). */
    const char *const *metrics;
    size_t nmetrics;
} ks_plot_options;

/* Writes the figures of the run in h5path into outdir (created if
 * missing), as PNG.  Returns 0 or a negative ks_err. */
int ks_plot_run(const char *h5path, const char *outdir, ks_error *err);

/* Same, with options (opt may be NULL: PNG). */
int ks_plot_run_with(const char *h5path, const char *outdir,
                     const ks_plot_options *opt, ks_error *err);

/* The FGD paper's figure for a sweep whose runs have /gpu_alloc:
 * gpu-unallocated (unallocated GPU % against arrived GPU demand %, median
 * and interquartile band per group over replications).  *drawn says
 * whether any run had the dataset (nothing is written otherwise). */
struct ks_runset;
int ks_plot_sweep_gpu(const struct ks_runset *rs, const char *outdir,
                      unsigned formats, int *drawn, ks_error *err);

/* Writes the figures of the sweep folder dir into outdir (created if
 * missing).  An unknown metric name is KS_EINVAL listing the known ones;
 * the sweep's own errors are those of ks_runset_load_dir. */
int ks_plot_sweep(const char *dir, const char *outdir,
                  const ks_plot_options *opt, ks_error *err);

/* 1 if path is a sweep folder (a folder holding index.csv), else 0. */
int ks_plot_is_sweep(const char *path);

/* Parses a comma-separated list of formats ("png", "svg,pdf", "all") into
 * KS_PLOT_* bits.  KS_EINVAL naming the bad entry otherwise. */
int ks_plot_parse_formats(const char *list, unsigned *formats, ks_error *err);

/* "png", "svg" or "pdf" for one KS_PLOT_* bit; NULL otherwise. */
const char *ks_plot_format_ext(unsigned format);

/* The gnuplot command ksim runs: $KSIM_GNUPLOT if set, else the configured
 * one. */
const char *ks_plot_gnuplot_command(void);

#endif
