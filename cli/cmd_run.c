/* cmd_run.c - `ksim run SCENARIO`: simulate, write the dataset, summarize,
 * draw the figures. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/output.h"
#include "analysis/plot.h"
#include "analysis/simulate.h"
#include "analysis/summary.h"
#include "cli/cli.h"
#include "cli/progress.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "sim/xalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static const char run_usage[] =
    "usage: ksim run SCENARIO [-o FILE] [--seed N] [--force] [--no-plot]\n"
    "\n"
    "Simulates the scenario (docs/scenario.md), prints a summary, writes the\n"
    "run's dataset (docs/output.md) and draws its figures with gnuplot.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  dataset to write (default: results/NAME.h5, NAME\n"
    "                     being the scenario's metadata.name)\n"
    "      --seed N       use seed N instead of the scenario's spec.seed\n"
    "      --force        overwrite FILE if it exists\n"
    "      --no-plot      do not draw the figures\n"
    "      --figures DIR  folder for the figures (default: FILE without .h5)\n"
    "      --check        verify the cluster's invariants at every sample\n"
    "      --kubernetes-version V\n"
    "                     simulate Kubernetes V (1.35 or 1.36) instead of the\n"
    "                     scenario's spec.kubernetesVersion\n"
    "  -h, --help         print this help\n";

typedef struct run_args {
    const char *scenario;
    const char *output;
    const char *figures;
    unsigned long long seed;
    int seed_set;
    int force;
    int plot;
    int check;
    int k8s_minor;
} run_args;

enum {
    OPT_SEED = 256,
    OPT_FORCE,
    OPT_NO_PLOT,
    OPT_FIGURES,
    OPT_CHECK,
    OPT_K8S_VERSION
};

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"force", no_argument, NULL, OPT_FORCE},
        {"no-plot", no_argument, NULL, OPT_NO_PLOT},
        {"figures", required_argument, NULL, OPT_FIGURES},
        {"check", no_argument, NULL, OPT_CHECK},
        {"kubernetes-version", required_argument, NULL, OPT_K8S_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *a = (run_args){.plot = 1};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            a->output = optarg;
            break;
        case OPT_SEED:
            if (ks_cli_parse_u64(optarg, &a->seed) != 0) {
                fprintf(stderr, "ksim run: --seed: '%s' is not an unsigned "
                                "64-bit integer\n", optarg);
                return KS_EXIT_USAGE;
            }
            a->seed_set = 1;
            break;
        case OPT_FORCE:
            a->force = 1;
            break;
        case OPT_NO_PLOT:
            a->plot = 0;
            break;
        case OPT_FIGURES:
            a->figures = optarg;
            break;
        case OPT_CHECK:
            a->check = 1;
            break;
        case OPT_K8S_VERSION:
            if (strcmp(optarg, "1.35") == 0)
                a->k8s_minor = 35;
            else if (strcmp(optarg, "1.36") == 0)
                a->k8s_minor = 36;
            else {
                fprintf(stderr, "ksim run: --kubernetes-version: '%s' is not "
                                "supported (supported: 1.35, 1.36)\n", optarg);
                return KS_EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(run_usage, stdout);
            return KS_EXIT_OK;
        default:
            fputs(run_usage, stderr);
            return KS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "ksim run: expected one scenario file\n\n%s",
                run_usage);
        return KS_EXIT_USAGE;
    }
    a->scenario = argv[optind];
    return -1;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void draw_figures(const run_args *a, const char *out)
{
    char *dir = a->figures ? ks_xstrdup(a->figures)
                           : ks_cli_default_figure_dir(out);
    ks_error err;
    ks_error_clear(&err);
    if (ks_plot_run(out, dir, &err) == 0) {
        printf("figures      %s/\n", dir);
    } else {
        fputs("ksim: warning: figures not drawn: ", stderr);
        ks_error_print(&err, stderr);
    }
    free(dir);
}

static int simulate(const run_args *a, const ks_scenario *sc, const char *out)
{
    ks_progress *progress = ks_progress_create(stderr, 0);
    ks_simulate_options opt = {
        .seed_set = a->seed_set,
        .seed = a->seed,
        .check_invariants = a->check,
        .k8s_minor = a->k8s_minor,
        .force = a->force,
        .ksim_version = PACKAGE_VERSION,
        .progress = ks_progress_run,
        .progress_ctx = progress,
    };
    ks_simulate_result res;
    ks_error err;
    int rc = ks_simulate_to_file(sc, &opt, out, &res, &err);
    ks_progress_destroy(progress);
    if (rc != 0)
        return ks_cli_fail(&err);
    printf("scenario     %s (seed %llu, %.0f s simulated, %llu events)\n",
           sc->name, (unsigned long long)res.seed,
           (double)res.end_time / 1e9, (unsigned long long)res.events);
    ks_summary_print(&res.summary, stdout);
    printf("dataset      %s\n", out);
    if (a->plot)
        draw_figures(a, out);
    return KS_EXIT_OK;
}

/* What the scheduler configuration asks that ksim does not simulate. */
static void print_config_warnings(const ks_scenario *sc)
{
    if (!sc->scheduler_config)
        return;
    size_t n = 0;
    const char *const *w = ks_schedconfig_warnings(sc->scheduler_config, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "ksim: warning: %s: %s\n", sc->scheduler_config_path,
                w[i]);
}

int ks_cmd_run(int argc, char **argv)
{
    run_args a;
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    ks_scenario *sc = NULL;
    ks_error err;
    ks_error_clear(&err);
    if (ks_scenario_load_file(a.scenario, &sc, &err) != 0)
        return ks_cli_fail(&err);
    print_config_warnings(sc);
    char *out = a.output ? ks_xstrdup(a.output)
                         : ks_xasprintf("results/%s.h5", sc->name);
    if (!a.force && file_exists(out)) {
        fprintf(stderr, "ksim: %s: already exists (use --force to "
                        "overwrite)\n", out);
        status = KS_EXIT_USAGE;
    } else {
        status = simulate(&a, sc, out);
    }
    free(out);
    ks_scenario_destroy(sc);
    return status;
}
