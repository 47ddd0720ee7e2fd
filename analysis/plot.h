/* plot.h - figures for a run, drawn by gnuplot.
 *
 * ks_plot_run reads a run dataset and writes, into outdir, for each figure a
 * data file (.dat), the gnuplot script (.gp) that draws it and the PNG:
 *   allocation.png  cpu and memory allocated fraction over time
 *   pending.png     pending and running pods over time
 *   latency-cdf.png CDF of scheduling latency (submit to bind)
 * The .gp and .dat files are kept so a researcher can restyle and rerun.
 * gnuplot is an external program, found at configure time (GNUPLOT) or on
 * PATH; if it is missing, ks_plot_run fails with KS_EEXTERNAL and a message
 * saying how to install it.
 */
#ifndef KS_PLOT_H
#define KS_PLOT_H

#include "sim/error.h"

/* Writes the figures of the run in h5path into outdir (created if missing).
 * Returns 0 or a negative ks_err. */
int ks_plot_run(const char *h5path, const char *outdir, ks_error *err);

/* The gnuplot command ksim runs: $KSIM_GNUPLOT if set, else the configured
 * one. */
const char *ks_plot_gnuplot_command(void);

#endif
