/* cmd_sweep.c - `ksim sweep FILE`: every point x replication of a sweep,
 * in parallel, with an index of the runs (docs/sweep.md). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/sweep_exec.h"
#include "cli/cli.h"
#include "cli/progress.h"
#include "scenarios/sweep.h"
#include "sim/xalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static const char sweep_usage[] =
    "usage: ksim sweep SWEEP.yaml [-j N] [-o DIR] [--force]\n"
    "\n"
    "Runs every point of the sweep (docs/sweep.md) `replications` times and\n"
    "writes one dataset per run to DIR/runs/<run id>.h5 and the list of runs\n"
    "to DIR/index.csv (run id, file, each parameter, replication, seed,\n"
    "status, wall time).  Replication k uses the same seed at every point\n"
    "(common random numbers).  Runs already complete in DIR are skipped, so\n"
    "an interrupted sweep resumes where it stopped; a failed run is recorded\n"
    "in the index and the others go on.\n"
    "\n"
    "options:\n"
    "  -j, --jobs N   run N worker processes at once (default 1; 0: one per\n"
    "                 CPU)\n"
    "  -o, --output DIR\n"
    "                 the sweep folder (default results/<metadata.name>)\n"
    "      --force    run every run again, even complete ones\n"
    "  -h, --help     print this help\n"
    "\n"
    "Under MPI (ksim configured --with-mpi), `mpirun -np N ksim sweep ...`\n"
    "shares the runs among the ranks; rank 0 writes the index.  The run\n"
    "files are identical to a local sweep's.\n"
    "\n"
    "Exit status: 0 all runs ok, 1 some run failed (see the index) or the\n"
    "folder cannot be written, 2 bad sweep file or usage.\n";

typedef struct sweep_args {
    const char *file;
    const char *output;
    unsigned jobs;
    int force;
} sweep_args;

enum { OPT_FORCE = 256 };

static int parse_jobs(const char *s, unsigned *out)
{
    unsigned long long v;
    if (ks_cli_parse_u64(s, &v) != 0 || v > 4096)
        return -1;
    if (v == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        v = n > 0 ? (unsigned long long)n : 1;
    }
    *out = (unsigned)v;
    return 0;
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *a = (sweep_args){.jobs = 1};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (parse_jobs(optarg, &a->jobs) != 0) {
                fprintf(stderr, "ksim sweep: --jobs: '%s' is not a number of "
                                "workers (0..4096)\n", optarg);
                return KS_EXIT_USAGE;
            }
            break;
        case 'o':
            a->output = optarg;
            break;
        case OPT_FORCE:
            a->force = 1;
            break;
        case 'h':
            fputs(sweep_usage, stdout);
            return KS_EXIT_OK;
        default:
            fputs(sweep_usage, stderr);
            return KS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "ksim sweep: expected one sweep file\n\n%s",
                sweep_usage);
        return KS_EXIT_USAGE;
    }
    a->file = argv[optind];
    return -1;
}

static void sweep_progress(void *ctx, size_t done, size_t total,
                           size_t failed)
{
    ks_progress_sweep(ctx, done, total, failed);
}

static void print_outcome(const ks_sweep *sw, const char *dir,
                          const ks_sweep_outcome *out)
{
    printf("sweep        %s: %zu points x %u replications = %zu runs\n",
           ks_sweep_name(sw), ks_sweep_npoints(sw), ks_sweep_replications(sw),
           out->runs);
    printf("runs         %zu run now, %zu complete before, %zu failed\n",
           out->ran, out->skipped, out->failed);
    if (out->mpi_ranks)
        printf("mpi          %d ranks\n", out->mpi_ranks);
    printf("index        %s/index.csv\n", dir);
}

int ks_cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    ks_sweep *sw = NULL;
    ks_error err;
    if (ks_sweep_load_file(a.file, &sw, &err) != 0)
        return ks_cli_fail(&err);
    char *dir = a.output ? ks_xstrdup(a.output)
                         : ks_xasprintf("results/%s", ks_sweep_name(sw));
    ks_progress *progress = ks_progress_create(stderr, 0);
    ks_sweep_exec_options opt = {
        .outdir = dir,
        .jobs = a.jobs,
        .force = a.force,
        .ksim_version = PACKAGE_VERSION,
        .progress = sweep_progress,
        .progress_ctx = progress,
        .log = stderr,
    };
    ks_sweep_outcome out;
    int rc = ks_sweep_execute(sw, &opt, &out, &err);
    ks_progress_destroy(progress);
    if (rc != 0)
        status = ks_cli_fail(&err);
    else if (out.mpi_rank != 0)
        status = KS_EXIT_OK; /* rank 0 reports for everyone */
    else {
        print_outcome(sw, dir, &out);
        status = out.failed ? KS_EXIT_FAILURE : KS_EXIT_OK;
    }
    free(dir);
    ks_sweep_destroy(sw);
    return status;
}
