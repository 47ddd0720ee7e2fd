/* plot_gnuplot.c - writing gnuplot scripts and running gnuplot for
 * `ksim plot` (see plot_gnuplot.h).
 *
 * gnuplot is run with fork/exec (no shell, so odd folder names need no
 * quoting), stdin from /dev/null and its output captured for the error
 * message.  One process draws every format of a figure: the command line
 * is `gnuplot -e "fmt='png';outfile='NAME.png.tmp'" NAME.gp -e "fmt='svg';
 * ..." NAME.gp ...`, and each script starts with `reset`, so the runs do
 * not see each other's settings.  The temporary files are renamed into
 * place only when gnuplot exited 0, so a failed run never leaves a
 * truncated figure under the real name; a rerun by hand writes NAME.EXT.
 *
 * Owner: the figures helper (issue 4).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "analysis/plot_gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/xalloc.h"

#ifndef KS_GNUPLOT
#define KS_GNUPLOT "gnuplot"
#endif

/* Captured gnuplot output kept for the error message. */
#define GNUPLOT_OUTPUT_MAX 600
#define NFORMATS 3

static const unsigned format_bits[NFORMATS] = {KS_PLOT_PNG, KS_PLOT_SVG,
                                               KS_PLOT_PDF};
static const char *const format_exts[NFORMATS] = {"png", "svg", "pdf"};

const char *ks_plot_gnuplot_command(void)
{
    const char *env = getenv("KSIM_GNUPLOT");
    return env && *env ? env : KS_GNUPLOT;
}

const char *ks_plot_format_ext(unsigned format)
{
    for (int i = 0; i < NFORMATS; i++)
        if (format == format_bits[i])
            return format_exts[i];
    return NULL;
}

/* One entry of a format list, without surrounding blanks. */
static int parse_format(const char *s, size_t n, unsigned *bits,
                        ks_error *err)
{
    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 3 && strncmp(s, "all", 3) == 0) {
        *bits |= KS_PLOT_FORMATS_ALL;
        return 0;
    }
    for (int i = 0; i < NFORMATS; i++)
        if (strlen(format_exts[i]) == n && strncmp(s, format_exts[i], n) == 0) {
            *bits |= format_bits[i];
            return 0;
        }
    return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                        "unknown figure format '%.*s': use png, svg, pdf or "
                        "all (comma-separated)",
                        (int)(n > 64 ? 64 : n), s);
}

int ks_plot_parse_formats(const char *list, unsigned *formats, ks_error *err)
{
    unsigned bits = 0;
    const char *s = list ? list : "";
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        int rc = parse_format(s, n, &bits, err);
        if (rc)
            return rc;
        if (!comma)
            break;
        s = comma + 1;
    }
    *formats = bits;
    return 0;
}

/* ---- writing scripts ----------------------------------------------------- */

void ks_gp_quoted(FILE *f, const char *s)
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

/* The terminal switch.  Sizes: one column of a two-column paper, 3.5in x
 * 2.4in with 8 pt text.  The PNG is that at 300 dpi: pngcairo sizes fonts
 * and lines for 96 dpi, hence fontscale and linewidth 300/96.  The SVG is
 * at 96 px per inch (the unit browsers and Inkscape use), so 8 pt is
 * 10.67 px.  pdfcairo draws text at 2/3 of the font size by default
 * (fontscale 0.5 of a 96-dpi size): fontscale 0.75 makes it 8 pt, and
 * linewidth 1.5 draws its lines as wide as the PNG's and SVG's (about
 * 0.75 pt per unit of lw).
 * A gnuplot built without cairo still draws PNG (libgd) but cannot draw
 * PDF: the script says so and exits with status 2 rather than writing
 * something else. */
static const char terminal_switch[] =
    "if (fmt eq 'png') {\n"
    "    if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "        set terminal pngcairo size 1050,720 font ',8' fontscale 3.125 "
    "linewidth 3.125 noenhanced\n"
    "    } else {\n"
    "        set terminal png size 1050,720 noenhanced\n"
    "    }\n"
    "} else { if (fmt eq 'svg') {\n"
    "    if (strstrt(GPVAL_TERMINALS, 'svg') == 0) {\n"
    "        print 'this gnuplot has no svg terminal: install gnuplot-nox'\n"
    "        exit status 2\n"
    "    }\n"
    "    set terminal svg size 336,230 font ',10.67' background rgb 'white' "
    "noenhanced\n"
    "} else { if (fmt eq 'pdf') {\n"
    "    if (strstrt(GPVAL_TERMINALS, 'pdfcairo') == 0) {\n"
    "        print 'this gnuplot has no pdfcairo terminal, needed for PDF: "
    "install gnuplot-nox (a gnuplot built with cairo)'\n"
    "        exit status 2\n"
    "    }\n"
    "    set terminal pdfcairo size 3.5in,2.4in font ',8' "
    "fontscale 0.75 linewidth 1.5 noenhanced\n"
    "} else {\n"
    "    print sprintf(\"unknown fmt '%s': use png, svg or pdf\", fmt)\n"
    "    exit status 2\n"
    "}}}\n"
    "set output outfile\n";

void ks_gp_preamble(FILE *gp, const char *name, const char *what,
                    const char *title)
{
    fprintf(gp, "# %s.gp - %s, from %s.dat.\n", name, what, name);
    fprintf(gp, "# Written by `ksim plot`; edit and rerun here with: "
                "gnuplot %s.gp\n",
            name);
    fputs("# fmt picks the output: png (1050x720 px, 300 dpi), svg or pdf "
          "(3.5in x 2.4in):\n",
          gp);
    fprintf(gp, "#   gnuplot -e \"fmt='pdf'\" %s.gp\n", name);
    fputs("# outfile names the file (default: the figure's name and fmt).\n",
          gp);
    fputs("if (!exists(\"fmt\")) fmt = 'png'\n", gp);
    fprintf(gp, "if (!exists(\"outfile\")) outfile = '%s.' . fmt\n", name);
    fputs("reset\n", gp);
    fputs(terminal_switch, gp);
    if (title) {
        fputs("set title ", gp);
        ks_gp_quoted(gp, title);
        fputc('\n', gp);
    }
    /* The key in one row at the top, inside the frame: the figures leave
     * headroom for it (set offsets, or a y range above the data). */
    fputs("set datafile missing 'NaN'\n", gp);
    fputs("set grid\nset key inside top center horizontal Left reverse "
          "samplen 1.5 width -1 opaque\n",
          gp);
}

void ks_gp_empty_plot(FILE *gp, const char *note)
{
    fputs("set label 1 ", gp);
    ks_gp_quoted(gp, note);
    fputs(" at graph 0.5, 0.5 center\n", gp);
    fputs("unset key\nplot NaN notitle\n", gp);
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

int ks_gp_write(const char *outdir, const char *name, ks_gp_writer dat,
                ks_gp_writer gp, const void *ctx, ks_error *err)
{
    int rc = 0;
    for (int part = 0; part < 2 && !rc; part++) {
        char *file = ks_xasprintf("%s.%s", name, part == 0 ? "dat" : "gp");
        char *path = NULL;
        FILE *f = NULL;
        rc = open_in(outdir, file, &path, &f, err);
        if (!rc) {
            errno = 0;
            if (part == 0) {
                dat(f, ctx);
            } else {
                gp(f, ctx);
                /* Closes the file: a PDF is complete only then, and the
                 * next format of the same gnuplot run starts afresh. */
                fputs("unset output\n", f);
            }
            rc = close_written(f, path, err);
        }
        free(path);
        free(file);
    }
    return rc;
}

/* ---- running gnuplot ----------------------------------------------------- */

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

/* The command line: `CMD -e "fmt='EXT';outfile='NAME.EXT.tmp'" NAME.gp`
 * once per format.  Everything in argv but argv[0] is allocated. */
static size_t gnuplot_argv(char **argv, const char *name, unsigned formats)
{
    size_t n = 0;
    argv[n++] = (char *)ks_plot_gnuplot_command();
    for (int i = 0; i < NFORMATS; i++) {
        if (!(formats & format_bits[i]))
            continue;
        argv[n++] = ks_xstrdup("-e");
        argv[n++] = ks_xasprintf("fmt='%s';outfile='%s.%s.tmp'",
                                 format_exts[i], name, format_exts[i]);
        argv[n++] = ks_xasprintf("%s.gp", name);
    }
    argv[n] = NULL;
    return n;
}

static void close_pipes(int a[2], int b[2])
{
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}

/* Runs gnuplot for every format in outdir and waits for it. */
static int spawn_gnuplot(const char *outdir, char *const argv[],
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
        close_pipes(out, status);
        return spawn_failed(err, e);
    }
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

/* Renames every NAME.EXT.tmp to NAME.EXT; the first missing one is an
 * error (gnuplot exited 0 without drawing it). */
static int move_into_place(const char *outdir, const char *name,
                           unsigned formats, const char *script,
                           ks_error *err)
{
    for (int i = 0; i < NFORMATS; i++) {
        if (!(formats & format_bits[i]))
            continue;
        char *tmp = ks_xasprintf("%s/%s.%s.tmp", outdir, name, format_exts[i]);
        char *final = ks_xasprintf("%s/%s.%s", outdir, name, format_exts[i]);
        int rc = 0;
        if (rename(tmp, final) != 0)
            rc = ks_error_set(err, KS_EEXTERNAL, script, 0, 0,
                              "gnuplot wrote no figure (%s: %s)", tmp,
                              strerror(errno));
        free(final);
        free(tmp);
        if (rc)
            return rc;
    }
    return 0;
}

static void remove_temporaries(const char *outdir, const char *name,
                               unsigned formats)
{
    for (int i = 0; i < NFORMATS; i++) {
        if (!(formats & format_bits[i]))
            continue;
        char *tmp = ks_xasprintf("%s/%s.%s.tmp", outdir, name, format_exts[i]);
        unlink(tmp);
        free(tmp);
    }
}

int ks_gp_draw(const char *outdir, const char *name, unsigned formats,
               ks_error *err)
{
    formats &= KS_PLOT_FORMATS_ALL;
    if (!formats)
        formats = KS_PLOT_PNG;
    char *argv[2 + 3 * NFORMATS];
    size_t argc = gnuplot_argv(argv, name, formats);
    gnuplot_result res = {0, {0, 0}, 0, NULL};
    char *script = ks_xasprintf("%s/%s.gp", outdir, name);
    remove_temporaries(outdir, name, formats);
    int rc = spawn_gnuplot(outdir, argv, &res, err);
    if (!rc && !res.started)
        rc = gnuplot_not_started(&res, outdir, err);
    else if (!rc && !(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0))
        rc = gnuplot_failed(&res, script, err);
    else if (!rc)
        rc = move_into_place(outdir, name, formats, script, err);
    if (rc)
        remove_temporaries(outdir, name, formats);
    for (size_t i = 1; i < argc; i++)
        free(argv[i]);
    free(res.output);
    free(script);
    return rc;
}
