/* plot_gnuplot.h - the gnuplot side of `ksim plot`, shared by the figures
 * of a run (plot.c) and of a sweep (plot_sweep.c).
 *
 * A figure NAME is two kept files in the output folder, NAME.dat (the
 * numbers, whitespace columns under a '#' header naming each column and its
 * unit) and NAME.gp (a self-contained gnuplot script reading NAME.dat by
 * relative path), plus one drawing per requested format.  Every script
 * starts with the same preamble (ks_gp_preamble): a `fmt` variable picks
 * the terminal (png: pngcairo 1050x720 px, i.e. 3.5in x 2.4in at 300 dpi;
 * svg: 336x230 px = 3.5in x 2.4in at 96 px/in; pdf: pdfcairo 3.5in x
 * 2.4in), so a researcher switches format with `gnuplot -e "fmt='pdf'"
 * NAME.gp` and restyles by editing the script.
 *
 * ks_gp_draw runs gnuplot once per figure for all requested formats (fork
 * and exec, no shell), each written as NAME.EXT.tmp and renamed into place
 * only when gnuplot succeeded.
 *
 * Owner: the figures helper (issue 4).  Internal to analysis/plot*.c.
 */
#ifndef KS_PLOT_GNUPLOT_H
#define KS_PLOT_GNUPLOT_H

#include <stdio.h>

#include "analysis/plot.h"
#include "sim/error.h"

/* Writes s as a single-quoted gnuplot string ('' escapes a quote; control
 * characters become spaces). */
void ks_gp_quoted(FILE *f, const char *s);

/* The lines every script starts with: comments naming the figure, the fmt
 * and outfile variables, the terminal switch (with a clear message and
 * exit status 2 when this gnuplot lacks the terminal), the title (NULL:
 * none), a grid and a default key (one row at the top inside the frame:
 * figures leave headroom for it).  A NaN in a .dat is "no value": gnuplot
 * skips such a point. */
void ks_gp_preamble(FILE *gp, const char *name, const char *what,
                    const char *title);

/* An empty figure: gnuplot refuses to plot a file without points, so this
 * plots nothing over the ranges already set, with the note in the middle. */
void ks_gp_empty_plot(FILE *gp, const char *note);

/* Writes a figure's data and script: outdir/NAME.dat from dat(f, ctx),
 * then outdir/NAME.gp from gp(f, ctx), which must end with its plot
 * command (this adds the closing `unset output`). */
typedef void (*ks_gp_writer)(FILE *f, const void *ctx);
int ks_gp_write(const char *outdir, const char *name, ks_gp_writer dat,
                ks_gp_writer gp, const void *ctx, ks_error *err);

/* Draws outdir/NAME.EXT for every format in formats (KS_PLOT_* bits) with
 * one gnuplot process.  Errors: KS_EEXTERNAL when gnuplot is missing
 * ("gnuplot not found ... apt-get install gnuplot-nox ... KSIM_GNUPLOT"),
 * fails (its exit status and output in the message) or writes no file;
 * nothing is left under a final or temporary name then. */
int ks_gp_draw(const char *outdir, const char *name, unsigned formats,
               ks_error *err);

#endif
