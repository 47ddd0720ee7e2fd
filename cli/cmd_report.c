/* cmd_report.c - `ksim report`: statistics of a sweep folder or of run
 * files, as a text, CSV or LaTeX table (analysis/report.h).
 *
 * Owner: the report helper (issue 4).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/metrics.h"
#include "analysis/report.h"
#include "analysis/runset.h"
#include "cli/cli.h"
#include "sim/xalloc.h"

static const char report_usage[] =
    "usage: ksim report [options] SWEEP_DIR\n"
    "       ksim report [options] RUN.h5...\n"
    "\n"
    "Statistics over replications: per group of runs sharing the values of\n"
    "every varied parameter, and per metric, the number of replications,\n"
    "mean, standard deviation, Student t confidence interval of the mean,\n"
    "median, 95th percentile and the replications needed for a confidence\n"
    "interval half-width of 5% of the mean (--target).  With two or more\n"
    "groups, the paired difference of every group against its baseline\n"
    "(replication k with replication k, as common random numbers pair\n"
    "them) with its paired t interval.  Formats and formulas:\n"
    "docs/report.md.\n"
    "\n"
    "SWEEP_DIR is a folder written by `ksim sweep` (its index.csv names the\n"
    "runs and their parameters).  Run files given directly are grouped by\n"
    "scenario name, and numbered as replications in the order given.\n"
    "\n"
    "options:\n"
    "  -m, --metric NAME[,NAME...]  metrics to report, in that order\n"
    "                               (repeatable; default: all)\n"
    "  -b, --baseline PARAM=VALUE   compare with the group where PARAM is\n"
    "                               VALUE and the other parameters are equal\n"
    "                               (default: the first group)\n"
    "      --csv                    one CSV row per group and metric\n"
    "      --latex                  a booktabs LaTeX tabular\n"
    "  -l, --level LEVEL            confidence level (default 0.95)\n"
    "      --target FRACTION        relative half-width for the replications\n"
    "                               needed (default 0.05)\n"
    "  -j, --jobs N                 processes reading run files (default:\n"
    "                               one per CPU)\n"
    "      --list-metrics           print the metrics and exit\n"
    "  -h, --help                   print this help\n";

typedef struct report_args {
    size_t *metrics;
    size_t nmetrics, cap;
    ks_report_options o;
    char *baseline; /* PARAM=VALUE copy, split in place */
    unsigned jobs;  /* 0: one per CPU */
} report_args;

static int usage_error(const char *fmt, const char *arg)
{
    fputs("ksim report: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see ksim report --help)\n", stderr);
    return KS_EXIT_USAGE;
}

static void list_metrics(FILE *out)
{
    for (size_t i = 0; i < ks_metric_count(); i++)
        fprintf(out, "  %-20s %-9s %s\n", ks_metric_name(i), ks_metric_unit(i),
                ks_metric_description(i));
}

/* Adds the metrics of a comma-separated list. */
static int add_metrics(report_args *a, const char *list)
{
    char *copy = ks_xstrdup(list);
    int rc = 0;
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name && !rc;
         name = strtok_r(NULL, ",", &save)) {
        int m = ks_metric_find(name);
        if (m < 0) {
            fprintf(stderr, "ksim report: unknown metric '%s'; the metrics "
                            "are:\n", name);
            list_metrics(stderr);
            rc = KS_EXIT_USAGE;
            break;
        }
        a->metrics = ks_xgrow(a->metrics, &a->cap, a->nmetrics + 1,
                              sizeof *a->metrics);
        a->metrics[a->nmetrics++] = (size_t)m;
    }
    if (!rc && a->nmetrics == 0)
        rc = usage_error("--metric '%s' names no metric", list);
    free(copy);
    return rc;
}

static int parse_fraction(const char *s, const char *what, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !(v > 0 && v < 1)) {
        fprintf(stderr,
                "ksim report: %s '%s' is not a number between 0 and 1 "
                "(e.g. 0.95)\n",
                what, s);
        return KS_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static int parse_jobs(const char *s, unsigned *out)
{
    unsigned long long v;
    if (ks_cli_parse_u64(s, &v) != 0 || v == 0 || v > 1024)
        return usage_error("--jobs '%s' is not a number from 1 to 1024", s);
    *out = (unsigned)v;
    return 0;
}

static int set_baseline(report_args *a, const char *arg)
{
    free(a->baseline);
    a->baseline = ks_xstrdup(arg);
    char *eq = strchr(a->baseline, '=');
    if (!eq || eq == a->baseline)
        return usage_error("--baseline '%s' is not PARAM=VALUE", arg);
    *eq = '\0';
    a->o.baseline_param = a->baseline;
    a->o.baseline_value = eq + 1;
    return 0;
}

enum { OPT_CSV = 256, OPT_LATEX, OPT_TARGET, OPT_LIST };

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, report_args *a)
{
    static const struct option longopts[] = {
        {"metric", required_argument, NULL, 'm'},
        {"baseline", required_argument, NULL, 'b'},
        {"csv", no_argument, NULL, OPT_CSV},
        {"latex", no_argument, NULL, OPT_LATEX},
        {"level", required_argument, NULL, 'l'},
        {"target", required_argument, NULL, OPT_TARGET},
        {"jobs", required_argument, NULL, 'j'},
        {"list-metrics", no_argument, NULL, OPT_LIST},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc = 0;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "m:b:l:j:h", longopts, NULL)) !=
                      -1) {
        switch (c) {
        case 'm':
            rc = add_metrics(a, optarg);
            break;
        case 'b':
            rc = set_baseline(a, optarg);
            break;
        case OPT_CSV:
            a->o.format = KS_REPORT_CSV;
            break;
        case OPT_LATEX:
            a->o.format = KS_REPORT_LATEX;
            break;
        case 'l':
            rc = parse_fraction(optarg, "--level", &a->o.level);
            break;
        case OPT_TARGET:
            rc = parse_fraction(optarg, "--target", &a->o.target_rel);
            break;
        case 'j':
            rc = parse_jobs(optarg, &a->jobs);
            break;
        case OPT_LIST:
            list_metrics(stdout);
            return KS_EXIT_OK;
        case 'h':
            fputs(report_usage, stdout);
            return KS_EXIT_OK;
        default:
            fputs(report_usage, stderr);
            return KS_EXIT_USAGE;
        }
    }
    if (rc)
        return rc;
    if (optind >= argc)
        return usage_error("%s", "expected a sweep folder or run files");
    return -1;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A sweep folder alone, or run files. */
static int load(int n, char **paths, unsigned jobs, ks_runset **rs,
                ks_error *err)
{
    if (n == 1 && is_dir(paths[0]))
        return ks_runset_load_dir_jobs(paths[0], jobs, rs, err);
    for (int i = 0; i < n; i++)
        if (is_dir(paths[i]))
            return ks_error_set(err, KS_EINVAL, paths[i], 0, 0,
                                "a sweep folder must be the only argument");
    return ks_runset_load_files_jobs((const char *const *)paths, (size_t)n,
                                     jobs, rs, err);
}

static int run_report(report_args *a, int n, char **paths)
{
    ks_error err;
    ks_error_clear(&err);
    ks_runset *rs = NULL;
    int rc = load(n, paths, a->jobs, &rs, &err);
    if (rc)
        return ks_cli_fail(&err);
    a->o.metrics = a->metrics;
    a->o.nmetrics = a->nmetrics;
    a->o.source = n == 1 ? paths[0] : NULL;
    rc = ks_report_write(rs, &a->o, stdout, &err);
    ks_runset_destroy(rs);
    return rc ? ks_cli_fail(&err) : KS_EXIT_OK;
}

int ks_cmd_report(int argc, char **argv)
{
    report_args a = {0};
    ks_report_options_init(&a.o);
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        status = run_report(&a, argc - optind, argv + optind);
    free(a.metrics);
    free(a.baseline);
    return status;
}
