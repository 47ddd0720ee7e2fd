/* plot.c - `ksim plot`: the figures of a run, drawn by gnuplot.
 *
 * For each figure this writes NAME.dat (the numbers, whitespace columns
 * under a '#' header naming columns and units) and NAME.gp (a self-contained
 * gnuplot script that reads NAME.dat by relative path), then runs gnuplot in
 * the output folder.  Keeping the .dat and .gp files is the point: a
 * researcher restyles a figure by editing the script and running
 * `gnuplot NAME.gp` there, with no ksim involved.
 *
 * gnuplot is run with fork/exec (no shell, so odd folder names need no
 * quoting), stdin from /dev/null and its output captured for the error
 * message.  ksim passes outfile='NAME.png.tmp' and renames the PNG into
 * place only when gnuplot succeeded, so a failed run never leaves a
 * truncated PNG under the real name; a rerun by hand writes NAME.png.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "analysis/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/output.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

#ifndef KS_GNUPLOT
#define KS_GNUPLOT "gnuplot"
#endif

/* The CDF keeps at most this many points: beyond it the curve looks the
 * same and the .dat file would grow with the pod count. */
#define CDF_MAX_POINTS 10000
/* Captured gnuplot output kept for the error message. */
#define GNUPLOT_OUTPUT_MAX 600

const char *ks_plot_gnuplot_command(void)
{
    const char *env = getenv("KSIM_GNUPLOT");
    return env && *env ? env : KS_GNUPLOT;
}

/* ---- small helpers ----------------------------------------------------------- */


/* Writes s as a single-quoted gnuplot string: '' is gnuplot's escaped
 * quote, and control characters would end the line. */
static void gp_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\'')
            fputs("''", f);
        else
            fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, f);
    }
    fputc('\'', f);
}

/* The time axis: hours for runs over 2 h, minutes over 2 min, else
 * seconds, so tick labels stay short and readable. */
typedef struct time_axis {
    double per;       /* seconds per unit */
    const char *unit; /* "h", "min", "s" */
    double span;      /* the run's length in that unit */
} time_axis;

static time_axis time_axis_of(const ks_dataset *ds)
{
    double span = ds->end_time_s;
    if (ds->nsamples > 0 && ds->samples[ds->nsamples - 1].time > span)
        span = ds->samples[ds->nsamples - 1].time;
    if (span > 2 * 3600.0)
        return (time_axis){3600.0, "h", span / 3600.0};
    if (span > 2 * 60.0)
        return (time_axis){60.0, "min", span / 60.0};
    return (time_axis){1.0, "s", span};
}

/* Opens outdir/name for writing; *path is set either way (caller frees). */
static int open_in(const char *outdir, const char *name, char **path,
                   FILE **f, ks_error *err)
{
    *path = ks_xasprintf("%s/%s", outdir, name);
    *f = fopen(*path, "w");
    if (!*f)
        return ks_error_set(err, KS_EIO, *path, 0, 0, "cannot write: %s",
                            strerror(errno));
    return 0;
}

static int close_written(FILE *f, const char *path, ks_error *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ks_error_set(err, KS_EIO, path, 0, 0, "cannot write: %s",
                            strerror(errno ? errno : EIO));
    return 0;
}

/* The lines every script starts with.  outfile can be preset with
 * `gnuplot -e "outfile='x.png'"`; ksim does so to write atomically. */
static void gp_header(FILE *gp, const char *name, const char *what,
                      const ks_dataset *ds, const char *title)
{
    fprintf(gp, "# %s.gp - %s, from %s.dat.\n", name, what, name);
    fprintf(gp, "# Written by `ksim plot`; edit and rerun here with: "
                "gnuplot %s.gp\n",
            name);
    fprintf(gp, "if (!exists(\"outfile\")) outfile = '%s.png'\n", name);
    fputs("set terminal pngcairo size 800,500 font \",10\" noenhanced\n", gp);
    fputs("set output outfile\n", gp);
    fputs("set title ", gp);
    char *full = ds->scenario_name && ds->scenario_name[0]
                     ? ks_xasprintf("%s: %s", ds->scenario_name, title)
                     : ks_xstrdup(title);
    gp_quoted(gp, full);
    free(full);
    fputs("\nset grid\nset key top left Left reverse box opaque\n", gp);
}

/* gnuplot refuses to plot a file without points, so an empty figure plots
 * nothing (over the ranges already set), with a note saying why. */
static void gp_empty_plot(FILE *gp, const char *note)
{
    fputs("set label 1 ", gp);
    gp_quoted(gp, note);
    fputs(" at graph 0.5, 0.5 center\n", gp);
    fputs("unset key\nplot NaN notitle\n", gp);
}

/* ---- figure: allocation ------------------------------------------------------- */

/* The x axis of the time figures: the whole run, even when the last
 * sample falls before its end. */
static void gp_time_axis(FILE *gp, time_axis t)
{
    fprintf(gp, "set xlabel 'Time (%s)'\n", t.unit);
    fprintf(gp, "set xrange [0:%.9g]\n", t.span > 0 ? t.span : 1.0);
}

static void allocation_dat(FILE *dat, const ks_dataset *ds, time_axis t)
{
    fprintf(dat, "# time[%s] cpu_allocated[%%] memory_allocated[%%]\n",
            t.unit);
    for (size_t i = 0; i < ds->nsamples; i++) {
        const ks_sample *s = &ds->samples[i];
        fprintf(dat, "%.9g %.9g %.9g\n", s->time / t.per,
                100.0 * s->cpu_allocated, 100.0 * s->memory_allocated);
    }
}

static void allocation_gp(FILE *gp, const ks_dataset *ds, time_axis t)
{
    gp_header(gp, "allocation", "CPU and memory allocated over time", ds,
              "CPU and memory allocated");
    gp_time_axis(gp, t);
    fputs("set ylabel 'Allocated (% of allocatable)'\n", gp);
    fputs("set yrange [0:105]\nset ytics 0, 10, 100\n", gp);
    if (ds->nsamples == 0) {
        gp_empty_plot(gp, "no metrics samples in this run");
        return;
    }
    /* Samples are snapshots: steps hold each value until the next one
     * rather than inventing a slope; memory is dashed so that it stays
     * visible where it equals CPU. */
    fputs("plot 'allocation.dat' using 1:2 with steps lw 2 "
          "title 'CPU requested', \\\n"
          "     '' using 1:3 with steps lw 2 dt 2 title 'Memory requested'\n",
          gp);
}

/* ---- figure: pending ---------------------------------------------------------- */

static void pending_dat(FILE *dat, const ks_dataset *ds, time_axis t)
{
    fprintf(dat, "# time[%s] pods_pending[pods] pods_running[pods]\n",
            t.unit);
    for (size_t i = 0; i < ds->nsamples; i++) {
        const ks_sample *s = &ds->samples[i];
        fprintf(dat, "%.9g %lld %lld\n", s->time / t.per,
                (long long)s->pods_pending, (long long)s->pods_running);
    }
}

static void pending_gp(FILE *gp, const ks_dataset *ds, time_axis t)
{
    gp_header(gp, "pending", "pending and running pods over time", ds,
              "Pending and running pods");
    gp_time_axis(gp, t);
    fputs("set ylabel 'Pods (count)'\n", gp);
    fputs("set yrange [0:*]\n", gp);
    if (ds->nsamples == 0) {
        fputs("set yrange [0:1]\n", gp);
        gp_empty_plot(gp, "no metrics samples in this run");
        return;
    }
    /* Counts change in jumps: steps show the value held until the next
     * sample. */
    fputs("plot 'pending.dat' using 1:2 with steps lw 2 title 'Pending', "
          "\\\n     '' using 1:3 with steps lw 2 dt 2 title 'Running'\n",
          gp);
}

/* ---- figure: latency CDF -------------------------------------------------------- */

/* Scheduling latency (scheduled - submit) of every scheduled pod, sorted. */
typedef struct latencies {
    double *v;
    size_t n;
} latencies;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static latencies latencies_of(const ks_dataset *ds)
{
    latencies l = {ks_xcalloc(ds->npods, sizeof(double)), 0};
    for (size_t i = 0; i < ds->npods; i++) {
        const ks_pod_row *p = &ds->pods[i];
        if (isfinite(p->scheduled) && isfinite(p->submit))
            l.v[l.n++] = p->scheduled - p->submit;
    }
    qsort(l.v, l.n, sizeof(double), cmp_double);
    return l;
}

/* Log x when positive latencies span more than two decades. */
static int cdf_wants_log(const latencies *l, size_t *nzero)
{
    size_t z = 0;
    while (z < l->n && l->v[z] <= 0)
        z++;
    *nzero = z;
    if (z == l->n)
        return 0;
    return l->v[l->n - 1] / l->v[z] > 100.0;
}

/* The empirical CDF as step points: (x_1, 0), then (x_i, i/n).  Thinned to
 * about CDF_MAX_POINTS, always keeping the last point. */
static void cdf_dat(FILE *dat, const latencies *l)
{
    fputs("# latency[s] fraction_scheduled[1]\n", dat);
    if (l->n == 0)
        return;
    size_t step = (l->n + CDF_MAX_POINTS - 1) / CDF_MAX_POINTS;
    fprintf(dat, "%.9g 0\n", l->v[0]);
    for (size_t i = 0; i < l->n; i++)
        if ((i + 1) % step == 0 || i + 1 == l->n)
            fprintf(dat, "%.9g %.9g\n", l->v[i],
                    (double)(i + 1) / (double)l->n);
}

static void cdf_gp(FILE *gp, const ks_dataset *ds, const latencies *l)
{
    char *title = ks_xasprintf("Scheduling latency CDF (%zu of %zu pods "
                               "scheduled)",
                               l->n, ds->npods);
    gp_header(gp, "latency-cdf", "CDF of scheduling latency (submit to bind)",
              ds, title);
    free(title);
    fputs("set key bottom right\n", gp);
    fputs("set ylabel 'Fraction of scheduled pods'\n", gp);
    fputs("set yrange [0:1.05]\nset ytics 0, 0.1, 1\n", gp);
    if (l->n == 0) {
        fputs("set xlabel 'Scheduling latency (s)'\nset xrange [0:1]\n", gp);
        gp_empty_plot(gp, "no pod was scheduled in this run");
        return;
    }
    size_t nzero = 0;
    if (cdf_wants_log(l, &nzero)) {
        fputs("set xlabel 'Scheduling latency (s, log scale)'\n", gp);
        fputs("set logscale x\nset format x '%g'\n", gp);
        if (nzero > 0)
            fprintf(gp,
                    "set label 2 '%zu pods with 0 s latency are left of the "
                    "axis' at graph 0.02, 0.95\n",
                    nzero);
    } else {
        fputs("set xlabel 'Scheduling latency (s)'\n", gp);
        /* All equal: centre the single jump instead of drawing it on the
         * border of a zero-width range. */
        if (l->v[l->n - 1] <= l->v[0])
            fprintf(gp, "set xrange [%.9g:%.9g]\n", l->v[0] - 1.0,
                    l->v[0] + 1.0);
    }
    fputs("plot 'latency-cdf.dat' using 1:2 with steps lw 2 "
          "title 'Empirical CDF'\n",
          gp);
}

/* ---- writing the .dat and .gp files ------------------------------------------------ */

enum { FIG_ALLOCATION, FIG_PENDING, FIG_LATENCY, FIG_COUNT };

static const char *const figure_names[FIG_COUNT] = {
    [FIG_ALLOCATION] = "allocation",
    [FIG_PENDING] = "pending",
    [FIG_LATENCY] = "latency-cdf",
};

static void figure_dat(int fig, FILE *f, const ks_dataset *ds,
                       const latencies *l, time_axis t)
{
    if (fig == FIG_ALLOCATION)
        allocation_dat(f, ds, t);
    else if (fig == FIG_PENDING)
        pending_dat(f, ds, t);
    else
        cdf_dat(f, l);
}

static void figure_gp(int fig, FILE *f, const ks_dataset *ds,
                      const latencies *l, time_axis t)
{
    if (fig == FIG_ALLOCATION)
        allocation_gp(f, ds, t);
    else if (fig == FIG_PENDING)
        pending_gp(f, ds, t);
    else
        cdf_gp(f, ds, l);
}

/* Writes NAME.dat then NAME.gp for figure fig. */
static int write_figure(int fig, const char *outdir, const ks_dataset *ds,
                        const latencies *l, time_axis t, ks_error *err)
{
    int rc = 0;
    for (int part = 0; part < 2 && !rc; part++) {
        char *file = ks_xasprintf("%s.%s", figure_names[fig],
                                  part == 0 ? "dat" : "gp");
        char *path = NULL;
        FILE *f = NULL;
        rc = open_in(outdir, file, &path, &f, err);
        if (!rc) {
            errno = 0;
            if (part == 0)
                figure_dat(fig, f, ds, l, t);
            else
                figure_gp(fig, f, ds, l, t);
            rc = close_written(f, path, err);
        }
        free(path);
        free(file);
    }
    return rc;
}

/* ---- running gnuplot ---------------------------------------------------------------- */

/* What the child reports through the close-on-exec pipe when it could not
 * start gnuplot; nothing arrives when exec succeeded. */
typedef struct child_failure {
    int stage; /* 0: chdir, 1: exec */
    int err;   /* errno */
} child_failure;

/* The child: into outdir, stdin from /dev/null, stdout and stderr into the
 * capture pipe, then exec.  Only async-signal-safe calls after fork. */
static void exec_child(const char *outdir, char *const argv[], int out_fd,
                       int status_fd)
{
    child_failure f = {0, 0};
    if (chdir(outdir) != 0) {
        f.err = errno;
    } else {
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) {
            dup2(null_fd, 0);
            close(null_fd);
        }
        dup2(out_fd, 1);
        dup2(out_fd, 2);
        close(out_fd);
        execvp(argv[0], argv);
        f.stage = 1;
        f.err = errno;
    }
    ssize_t w = write(status_fd, &f, sizeof f);
    (void)w;
    _exit(127);
}

/* Reads fd to EOF, keeping the first max bytes (the rest is drained so the
 * child never blocks on a full pipe). */
static char *read_all_fd(int fd, size_t max)
{
    char *buf = ks_xmalloc(max + 1);
    size_t n = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t keep = (size_t)got < max - n ? (size_t)got : max - n;
        memcpy(buf + n, chunk, keep);
        n += keep;
    }
    buf[n] = '\0';
    return buf;
}

static int set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

typedef struct gnuplot_result {
    int started;        /* exec succeeded */
    child_failure fail; /* when it did not */
    int status;         /* waitpid status */
    char *output;       /* captured stdout + stderr */
} gnuplot_result;

static int spawn_failed(ks_error *err, int e)
{
    return ks_error_set(err, KS_EEXTERNAL, NULL, 0, 0,
                        "cannot start gnuplot: %s", strerror(e));
}

/* Runs `CMD -e "outfile='NAME.png.tmp'" NAME.gp` in outdir. */
static int spawn_gnuplot(const char *outdir, const char *name,
                         gnuplot_result *res, ks_error *err)
{
    int out[2], status[2];
    if (pipe(out) != 0)
        return spawn_failed(err, errno);
    if (pipe(status) != 0) {
        int e = errno;
        close(out[0]);
        close(out[1]);
        return spawn_failed(err, e);
    }
    /* Close-on-exec everywhere except the child's copies on 1 and 2: the
     * status pipe reports an exec failure by staying open. */
    if (set_cloexec(status[0]) != 0 || set_cloexec(status[1]) != 0 ||
        set_cloexec(out[0]) != 0) {
        int e = errno;
        close(out[0]);
        close(out[1]);
        close(status[0]);
        close(status[1]);
        return spawn_failed(err, e);
    }
    char *expr = ks_xasprintf("outfile='%s.png.tmp'", name);
    char *script = ks_xasprintf("%s.gp", name);
    char *argv[] = {(char *)ks_plot_gnuplot_command(), "-e", expr, script,
                    NULL};
    pid_t pid = fork();
    if (pid == 0)
        exec_child(outdir, argv, out[1], status[1]);
    int fork_errno = errno;
    close(out[1]);
    close(status[1]);
    int rc = 0;
    if (pid < 0) {
        rc = spawn_failed(err, fork_errno);
    } else {
        res->output = read_all_fd(out[0], GNUPLOT_OUTPUT_MAX);
        ssize_t got = read(status[0], &res->fail, sizeof res->fail);
        res->started = got != (ssize_t)sizeof res->fail;
        while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
            ;
    }
    close(out[0]);
    close(status[0]);
    free(expr);
    free(script);
    return rc;
}

static int gnuplot_not_started(const gnuplot_result *res, const char *outdir,
                               ks_error *err)
{
    const char *cmd = ks_plot_gnuplot_command();
    if (res->fail.stage == 0)
        return ks_error_set(err, KS_EIO, outdir, 0, 0,
                            "cannot enter folder: %s",
                            strerror(res->fail.err));
    if (res->fail.err == ENOENT || res->fail.err == ENOTDIR)
        return ks_error_set(err, KS_EEXTERNAL, NULL, 0, 0,
                            "gnuplot not found (looked for '%s'): install it "
                            "with 'apt-get install gnuplot-nox', or set "
                            "KSIM_GNUPLOT",
                            cmd);
    return ks_error_set(err, KS_EEXTERNAL, NULL, 0, 0,
                        "cannot run gnuplot '%s': %s: install it with "
                        "'apt-get install gnuplot-nox', or set KSIM_GNUPLOT",
                        cmd, strerror(res->fail.err));
}

/* gnuplot's own words, on one line, for the error message. */
static void flatten(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t')
            *s = ' ';
}

static int gnuplot_failed(const gnuplot_result *res, const char *script,
                          ks_error *err)
{
    char how[64];
    if (WIFEXITED(res->status))
        snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(res->status));
    else if (WIFSIGNALED(res->status))
        snprintf(how, sizeof how, "killed by signal %d",
                 WTERMSIG(res->status));
    else
        snprintf(how, sizeof how, "status %d", res->status);
    flatten(res->output);
    return ks_error_set(err, KS_EEXTERNAL, script, 0, 0,
                        "gnuplot failed (%s, command '%s')%s%s", how,
                        ks_plot_gnuplot_command(),
                        res->output[0] ? ": " : "", res->output);
}

/* Draws NAME.png from NAME.gp: gnuplot writes NAME.png.tmp, renamed into
 * place only when gnuplot exited 0. */
static int draw_figure(const char *outdir, const char *name, ks_error *err)
{
    gnuplot_result res = {0, {0, 0}, 0, NULL};
    char *tmp = ks_xasprintf("%s/%s.png.tmp", outdir, name);
    char *png = ks_xasprintf("%s/%s.png", outdir, name);
    char *script = ks_xasprintf("%s/%s.gp", outdir, name);
    unlink(tmp);
    int rc = spawn_gnuplot(outdir, name, &res, err);
    if (!rc && !res.started)
        rc = gnuplot_not_started(&res, outdir, err);
    else if (!rc && !(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0))
        rc = gnuplot_failed(&res, script, err);
    else if (!rc && rename(tmp, png) != 0)
        rc = ks_error_set(err, KS_EEXTERNAL, script, 0, 0,
                          "gnuplot wrote no figure (%s: %s)", tmp,
                          strerror(errno));
    if (rc)
        unlink(tmp);
    free(res.output);
    free(script);
    free(png);
    free(tmp);
    return rc;
}

/* ---- the entry point ------------------------------------------------------------------ */

static int plot_dataset(const ks_dataset *ds, const char *outdir,
                        ks_error *err)
{
    time_axis t = time_axis_of(ds);
    latencies l = latencies_of(ds);
    int rc = ks_mkdir_p(outdir, err);
    /* All data and scripts first: they are useful even if gnuplot is
     * missing, e.g. to draw the figures on another machine. */
    for (int fig = 0; fig < FIG_COUNT && !rc; fig++)
        rc = write_figure(fig, outdir, ds, &l, t, err);
    for (int fig = 0; fig < FIG_COUNT && !rc; fig++)
        rc = draw_figure(outdir, figure_names[fig], err);
    free(l.v);
    return rc;
}

int ks_plot_run(const char *h5path, const char *outdir, ks_error *err)
{
    ks_dataset *ds = NULL;
    int rc = ks_output_read(h5path, &ds, err);
    if (rc)
        return rc;
    rc = plot_dataset(ds, outdir, err);
    ks_dataset_destroy(ds);
    return rc;
}
