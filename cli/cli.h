/* cli.h - the `ksim` subcommands.  Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 ok, 1 runtime failure, 2 bad input or usage. */
#ifndef KS_CLI_H
#define KS_CLI_H

#include "sim/error.h"

#define KS_EXIT_OK 0
#define KS_EXIT_FAILURE 1
#define KS_EXIT_USAGE 2

int ks_cmd_run(int argc, char **argv);
int ks_cmd_plot(int argc, char **argv);
int ks_cmd_explain(int argc, char **argv);
int ks_cmd_sweep(int argc, char **argv);
int ks_cmd_validate(int argc, char **argv);
int ks_cmd_export(int argc, char **argv);
int ks_cmd_report(int argc, char **argv);

/* Prints err as "ksim: FILE:LINE:COL: message" and maps its code to an exit
 * status (2 for bad input, 1 otherwise). */
int ks_cli_fail(const ks_error *err);

/* Parses a non-negative decimal integer that fits uint64; 0 on success. */
int ks_cli_parse_u64(const char *s, unsigned long long *out);

/* The default figure folder of a dataset: "results/x.h5" -> "results/x";
 * a name without .h5 gets "-figures" appended.  Free with free(). */
char *ks_cli_default_figure_dir(const char *h5path);

#endif
