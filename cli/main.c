/* main.c - `ksim`: dispatch to a subcommand; version and help. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <yaml.h>

#include "analysis/output.h"
#include "cli/cli.h"

static const char usage_text[] =
    "usage: ksim COMMAND [ARGS]\n"
    "\n"
    "A discrete-event simulator of Kubernetes clusters.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO   simulate a scenario; write its dataset and figures\n"
    "  validate FILE...\n"
    "                 check scenarios and sweeps without running them\n"
    "  sweep SWEEP.yaml\n"
    "                 run every point x replication of a sweep (-j N workers)\n"
    "  report DIR|RUN.h5...\n"
    "                 statistics over replications (text, CSV, LaTeX)\n"
    "  plot RUN.h5    draw the figures of a run with gnuplot\n"
    "  export RUN.h5 --csv DIR\n"
    "                 write every dataset of a run as CSV files\n"
    "  explain MANIFEST.yaml...\n"
    "                 explain the scheduler's decision for a pending pod\n"
    "                 (every filter verdict and score, as JSON)\n"
    "  version        print the version of ksim and of its libraries\n"
    "  help           print this help\n"
    "\n"
    "Run `ksim COMMAND --help` for the options of a command.\n"
    "Exit status: 0 ok, 1 runtime failure, 2 bad input or usage.\n";

static int cmd_version(void)
{
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    printf("ksim %s\n", PACKAGE_VERSION);
    printf("output layout %d\n", KS_OUTPUT_LAYOUT_VERSION);
    printf("libraries: GSL %s, libyaml %s, HDF5 %u.%u.%u\n", GSL_VERSION,
           yaml_get_version_string(), maj, min, rel);
    return KS_EXIT_OK;
}

int ks_cli_fail(const ks_error *err)
{
    fputs("ksim: ", stderr);
    ks_error_print(err, stderr);
    return ks_err_is_input(err->code) ? KS_EXIT_USAGE : KS_EXIT_FAILURE;
}

int ks_cli_parse_u64(const char *s, unsigned long long *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* The subcommands: each takes its own arguments (argv[0] its name). */
typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command;

static const command commands[] = {
    {"run", ks_cmd_run},         {"sweep", ks_cmd_sweep},
    {"validate", ks_cmd_validate}, {"explain", ks_cmd_explain},
    {"plot", ks_cmd_plot},       {"export", ks_cmd_export},
    {"report", ks_cmd_report},   {NULL, NULL}};

static const command *find_command(const char *name)
{
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return KS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    const command *c = find_command(cmd);
    if (c)
        return c->fn(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return cmd_version();
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0) {
        if (argc > 2 && find_command(argv[2])) {
            /* `ksim help run` is `ksim run --help` */
            char *sub[] = {argv[2], "--help", NULL};
            return find_command(argv[2])->fn(2, sub);
        }
        fputs(usage_text, stdout);
        return KS_EXIT_OK;
    }
    fprintf(stderr, "ksim: unknown command '%s'\n\n%s", cmd, usage_text);
    return KS_EXIT_USAGE;
}
