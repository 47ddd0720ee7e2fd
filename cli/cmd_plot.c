/* cmd_plot.c - `ksim plot RUN.h5|SWEEP_DIR [-o DIR] [--format LIST]
 * [--metric LIST]`: figures of a run or of a sweep (analysis/plot.h).
 *
 * Owner: the figures helper (issue 4). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/plot.h"
#include "cli/cli.h"
#include "sim/xalloc.h"

static const char plot_usage[] =
    "usage: ksim plot RUN.h5 [-o DIR] [--format LIST]\n"
    "       ksim plot SWEEP_DIR [-o DIR] [--format LIST] [--metric LIST]\n"
    "\n"
    "Draws figures with gnuplot, sized for one column of a paper (3.5in x\n"
    "2.4in; PNG at 300 dpi).  Each figure's gnuplot script (.gp) and data\n"
    "(.dat) are kept beside it for restyling (docs/figures.md).\n"
    "\n"
    "For a run: allocation (cpu, memory, pod slots over time), pending\n"
    "(pending and running pods), queues (scheduling queue lengths),\n"
    "latency-cdf and startup-cdf (CDFs of scheduling and startup latency),\n"
    "node-heatmap (CPU allocated per node over time) and plugin-rejections.\n"
    "\n"
    "For a sweep folder (one holding index.csv, written by `ksim sweep`):\n"
    "per metric M, bars-M (group means with 95% confidence intervals) and\n"
    "box-M (box plots of the replications of each group).\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     folder for the figures (default: RUN without\n"
    "                       .h5, or SWEEP_DIR/figures)\n"
    "  -f, --format LIST    png, svg, pdf or all, comma-separated\n"
    "                       (default: png)\n"
    "  -m, --metric LIST    sweep metrics to draw, comma-separated (default:\n"
    "                       latency_p99_s,cpu_alloc_mean,scheduled_fraction,\n"
    "                       pending_mean); an unknown name lists them all\n"
    "  -h, --help           print this help\n"
    "\n"
    "environment: KSIM_GNUPLOT names the gnuplot program to run.\n";

char *ks_cli_default_figure_dir(const char *h5path)
{
    size_t n = strlen(h5path);
    if (n > 3 && strcmp(h5path + n - 3, ".h5") == 0)
        return ks_xstrndup(h5path, n - 3);
    return ks_xasprintf("%s-figures", h5path);
}

/* The metric names of --metric options: each a comma-separated list. */
typedef struct metric_list {
    char **names;
    size_t n, cap;
} metric_list;

static void add_metrics(metric_list *l, const char *arg)
{
    const char *s = arg;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len > 0) {
            l->names = ks_xgrow(l->names, &l->cap, l->n + 1,
                                sizeof *l->names);
            l->names[l->n++] = ks_xstrndup(s, len);
        }
        if (!comma)
            break;
        s = comma + 1;
    }
}

static void free_metrics(metric_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
}

static int is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int plot_path(const char *path, const char *outdir,
                     const ks_plot_options *opt)
{
    int sweep = ks_plot_is_sweep(path);
    if (!sweep && is_folder(path)) {
        fprintf(stderr,
                "ksim plot: %s is a folder without index.csv: give a run "
                "file (.h5) or a sweep folder\n",
                path);
        return KS_EXIT_USAGE;
    }
    char *dir = outdir ? ks_xstrdup(outdir)
                : sweep ? ks_xasprintf("%s/figures", path)
                        : ks_cli_default_figure_dir(path);
    if (!sweep && opt->nmetrics > 0)
        fputs("ksim plot: --metric applies to sweep folders only; "
              "ignored\n",
              stderr);
    ks_error err;
    ks_error_clear(&err);
    int rc = sweep ? ks_plot_sweep(path, dir, opt, &err)
                   : ks_plot_run_with(path, dir, opt, &err);
    if (rc == 0)
        printf("figures written to %s/\n", dir);
    free(dir);
    return rc == 0 ? KS_EXIT_OK : ks_cli_fail(&err);
}

int ks_cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"metric", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *outdir = NULL;
    ks_plot_options opt = {KS_PLOT_PNG, NULL, 0};
    metric_list metrics = {NULL, 0, 0};
    int c, status = -1;
    optind = 1;
    while (status < 0 &&
           (c = getopt_long(argc, argv, "o:f:m:h", longopts, NULL)) != -1) {
        ks_error err;
        switch (c) {
        case 'o':
            outdir = optarg;
            break;
        case 'f':
            if (ks_plot_parse_formats(optarg, &opt.formats, &err) != 0) {
                fprintf(stderr, "ksim plot: %s\n", err.msg);
                status = KS_EXIT_USAGE;
            }
            break;
        case 'm':
            add_metrics(&metrics, optarg);
            break;
        case 'h':
            fputs(plot_usage, stdout);
            status = KS_EXIT_OK;
            break;
        default:
            fputs(plot_usage, stderr);
            status = KS_EXIT_USAGE;
        }
    }
    if (status < 0 && optind != argc - 1) {
        fprintf(stderr,
                "ksim plot: expected one run file or sweep folder\n\n%s",
                plot_usage);
        status = KS_EXIT_USAGE;
    }
    if (status < 0) {
        opt.metrics = (const char *const *)metrics.names;
        opt.nmetrics = metrics.n;
        status = plot_path(argv[optind], outdir, &opt);
    }
    free_metrics(&metrics);
    return status;
}
