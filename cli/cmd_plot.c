/* cmd_plot.c - `ksim plot RUN.h5 [-o DIR]`: figures of a run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot.h"
#include "cli/cli.h"
#include "sim/xalloc.h"

static const char plot_usage[] =
    "usage: ksim plot RUN.h5 [-o DIR]\n"
    "\n"
    "Draws the figures of a run with gnuplot: allocation.png (cpu and memory\n"
    "allocated over time), pending.png (pending and running pods over time)\n"
    "and latency-cdf.png (CDF of scheduling latency).  Each figure's gnuplot\n"
    "script (.gp) and data (.dat) are kept beside it for restyling.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR  folder for the figures (default: RUN without .h5)\n"
    "  -h, --help        print this help\n"
    "\n"
    "environment: KSIM_GNUPLOT names the gnuplot program to run.\n";

char *ks_cli_default_figure_dir(const char *h5path)
{
    size_t n = strlen(h5path);
    if (n > 3 && strcmp(h5path + n - 3, ".h5") == 0)
        return ks_xstrndup(h5path, n - 3);
    return ks_xasprintf("%s-figures", h5path);
}

int ks_cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *outdir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            outdir = optarg;
            break;
        case 'h':
            fputs(plot_usage, stdout);
            return KS_EXIT_OK;
        default:
            fputs(plot_usage, stderr);
            return KS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "ksim plot: expected one run file\n\n%s", plot_usage);
        return KS_EXIT_USAGE;
    }
    const char *run = argv[optind];
    char *dir = outdir ? ks_xstrdup(outdir) : ks_cli_default_figure_dir(run);
    ks_error err;
    ks_error_clear(&err);
    int rc = ks_plot_run(run, dir, &err);
    if (rc == 0)
        printf("figures written to %s/\n", dir);
    free(dir);
    return rc == 0 ? KS_EXIT_OK : ks_cli_fail(&err);
}
