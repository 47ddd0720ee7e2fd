/* plot_gpu.c - the FGD paper's figure for a GPU sweep (declared in
 * plot.h): unallocated GPU against arrived GPU demand.
 *
 * Weng et al., "Beware of Fragmentation" (USENIX ATC '23), Fig. 9(a): the
 * x axis is the arrived GPU demand in % of the cluster's GPU capacity, the
 * y axis the unallocated GPU in % of capacity (100 - alloc_pct of each
 * run's /gpu_alloc), one line per group of the sweep (a policy, say): the
 * median over its replications, with the interquartile range as a band.
 * The paper shows arrived 75..120 %; the script does too when the runs got
 * there, and the whole range otherwise (edit `set xrange` to change it).
 */
#include "analysis/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/output.h"
#include "analysis/plot_gnuplot.h"
#include "analysis/runset.h"
#include "analysis/stats.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

#define NBINS (KS_GPU_ALLOC_MAX_PCT + 1)

typedef struct gpu_fig {
    const ks_runset *rs;
    size_t ngroups, nreps;
    /* unalloc[(g * nreps + r) * NBINS + k]: NaN where missing */
    double *unalloc;
    int max_arrived; /* highest bin with an event in any run */
} gpu_fig;

static const char NAME[] = "gpu-unallocated";

/* Reads every ok run's /gpu_alloc; returns the number of runs that had
 * one. */
static size_t load(gpu_fig *f, ks_error *err, int *rc)
{
    size_t with = 0;
    size_t n = (size_t)f->ngroups * f->nreps * NBINS;
    f->unalloc = ks_xmalloc((n ? n : 1) * sizeof *f->unalloc);
    for (size_t i = 0; i < n; i++)
        f->unalloc[i] = NAN;
    *rc = 0;
    for (size_t i = 0; i < ks_runset_nruns(f->rs) && !*rc; i++) {
        const ks_runset_run *run = ks_runset_run_at(f->rs, i);
        if (!run->ok || run->replication >= f->nreps)
            continue;
        ks_dataset *ds = NULL;
        if ((*rc = ks_output_read_gpu_alloc(run->path, &ds, err)))
            break;
        if (ds->ngpu_alloc == NBINS) {
            with++;
            double *row =
                &f->unalloc[(run->group * f->nreps + run->replication) *
                            NBINS];
            for (size_t k = 0; k < NBINS; k++) {
                row[k] = 100.0 - ds->gpu_alloc[k].alloc_pct;
                if (ds->gpu_alloc[k].events > 0 && (int)k > f->max_arrived)
                    f->max_arrived = (int)k;
            }
        }
        ks_dataset_destroy(ds);
    }
    return with;
}

static void label(FILE *f, const ks_runset *rs, size_t g)
{
    size_t np = ks_runset_nparams(rs);
    fputc('"', f);
    for (size_t p = 0; p < np; p++)
        fprintf(f, "%s%s", p ? ", " : "", ks_runset_group_value(rs, g, p));
    if (np == 0)
        fputs(ks_runset_group_label(rs, g), f);
    fputc('"', f);
}

static void gpu_dat(FILE *dat, const void *ctx)
{
    const gpu_fig *f = ctx;
    fputs("# arrived[percent]", dat);
    for (size_t g = 0; g < f->ngroups; g++)
        fprintf(dat, " median_%zu[percent] p25_%zu[percent] p75_%zu[percent]",
                g, g, g);
    fputs("\n# unallocated GPU = 100 - alloc_pct, over replications; "
          "groups:",
          dat);
    for (size_t g = 0; g < f->ngroups; g++) {
        fprintf(dat, " %zu=", g);
        label(dat, f->rs, g);
    }
    fputc('\n', dat);
    double *v = ks_xmalloc((f->nreps ? f->nreps : 1) * sizeof *v);
    for (size_t k = 0; k < NBINS; k++) {
        fprintf(dat, "%zu", k);
        for (size_t g = 0; g < f->ngroups; g++) {
            for (size_t r = 0; r < f->nreps; r++)
                v[r] = f->unalloc[(g * f->nreps + r) * NBINS + k];
            double med = ks_stats_quantile(v, f->nreps, 0.5);
            double lo = ks_stats_quantile(v, f->nreps, 0.25);
            double hi = ks_stats_quantile(v, f->nreps, 0.75);
            fprintf(dat, " %.9g %.9g %.9g", med, lo, hi);
        }
        fputc('\n', dat);
    }
    free(v);
}

static void gpu_gp(FILE *gp, const void *ctx)
{
    const gpu_fig *f = ctx;
    ks_gp_preamble(gp, NAME,
                   "unallocated GPU against arrived GPU demand (median and "
                   "interquartile range over replications)",
                   "unallocated GPU vs arrived workload");
    fputs("set xlabel 'Arrived workload (% of GPU capacity)'\n"
          "set ylabel 'Unallocated GPU (%)'\n",
          gp);
    if (f->max_arrived >= 120)
        fputs("# The paper's Fig. 9(a) range; the data span 0..130.\n"
              "set xrange [75:120]\n",
              gp);
    else
        fprintf(gp, "set xrange [0:%d]\n",
                f->max_arrived > 0 ? f->max_arrived : KS_GPU_ALLOC_MAX_PCT);
    fputs("set yrange [0:*]\nset offsets 0, 0, graph 0.25, 0\n"
          "set key inside top left vertical Left reverse samplen 1.5 "
          "font ',7'\n",
          gp);
    fprintf(gp, "plot for [g=0:%zu] '%s.dat' using 1:(column(3*g+3)):"
                "(column(3*g+4)) with filledcurves fs transparent solid 0.2 "
                "lc (g+1) notitle, \\\n",
            f->ngroups - 1, NAME);
    fputs("     for [g=0:", gp);
    fprintf(gp, "%zu] '' using 1:(column(3*g+2)) with lines lw 1.5 lc (g+1) "
                "title word(labels, g+1)\n",
            f->ngroups - 1);
}

/* The labels word list goes before the plot: gnuplot's word() splits on
 * spaces unless quoted, so each label is double-quoted. */
static void gpu_gp_with_labels(FILE *gp, const void *ctx)
{
    const gpu_fig *f = ctx;
    fputs("labels = '", gp);
    for (size_t g = 0; g < f->ngroups; g++) {
        if (g)
            fputc(' ', gp);
        label(gp, f->rs, g);
    }
    fputs("'\n", gp);
    gpu_gp(gp, ctx);
}

int ks_plot_sweep_gpu(const ks_runset *rs, const char *outdir,
                      unsigned formats, int *drawn, ks_error *err)
{
    *drawn = 0;
    gpu_fig f = {rs, ks_runset_ngroups(rs), ks_runset_nreps(rs), NULL, 0};
    if (f.ngroups == 0 || f.nreps == 0)
        return 0;
    int rc;
    size_t with = load(&f, err, &rc);
    if (!rc && with > 0) {
        rc = ks_gp_write(outdir, NAME, gpu_dat, gpu_gp_with_labels, &f, err);
        if (!rc)
            rc = ks_gp_draw(outdir, NAME, formats, err);
        *drawn = !rc;
    }
    free(f.unalloc);
    return rc;
}
