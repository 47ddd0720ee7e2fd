/* cmd_export.c - `ksim export RUN.h5 --csv DIR [--force]`: a run as CSV
 * files (analysis/export.c does the work; docs/export.md is the format). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/export.h"
#include "cli/cli.h"

static const char export_usage[] =
    "usage: ksim export RUN.h5 --csv DIR [--force]\n"
    "\n"
    "Writes every dataset of a run file as a CSV file into DIR (created if\n"
    "missing), for spreadsheets, R, pandas or anything without HDF5:\n"
    "  pods.csv, nodes.csv, timeseries.csv, scheduler_plugins.csv, ...\n"
    "                one per dataset, a header row of field names\n"
    "  meta.csv      key,value: seed, versions, scenario text, ...\n"
    "  units.csv     dataset,field,unit\n"
    "  datasets.csv  dataset,file,rows,description\n"
    "Numbers read back exactly; NaN (\"never\") is an empty field.\n"
    "\n"
    "options:\n"
    "  --csv DIR     folder for the CSV files (required)\n"
    "  -f, --force   replace CSV files that already exist in DIR\n"
    "  -h, --help    print this help\n";

/* Prints what was written and, as warnings, what could not be. */
static void report(const char *dir, const ks_export_summary *s)
{
    size_t n = strlen(dir);
    printf("wrote %zu files to %s%s:", s->nfiles, dir,
           n && dir[n - 1] == '/' ? "" : "/");
    for (size_t i = 0; i < s->nfiles; i++)
        printf(" %s", s->files[i]);
    printf("\n");
    for (size_t i = 0; i < s->nskipped; i++)
        fprintf(stderr, "ksim: warning: not exported: %s\n", s->skipped[i]);
}

int ks_cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"csv", required_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            dir = optarg;
            break;
        case 'f':
            force = 1;
            break;
        case 'h':
            fputs(export_usage, stdout);
            return KS_EXIT_OK;
        default:
            fputs(export_usage, stderr);
            return KS_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "ksim export: expected one run file\n\n%s",
                export_usage);
        return KS_EXIT_USAGE;
    }
    if (!dir || !*dir) {
        fprintf(stderr, "ksim export: --csv DIR is required\n\n%s",
                export_usage);
        return KS_EXIT_USAGE;
    }
    ks_error err;
    ks_error_clear(&err);
    ks_export_summary sum;
    int rc = ks_export_csv(argv[optind], dir, force, &sum, &err);
    if (rc)
        return ks_cli_fail(&err);
    report(dir, &sum);
    ks_export_summary_clear(&sum);
    return KS_EXIT_OK;
}
