/* sweep_exec.c - running a sweep: plan, workers (fork or MPI), index.
 *
 * The parent plans every run (complete from an earlier invocation, or to
 * run), then keeps up to `jobs` forked workers busy; each worker builds its
 * run's scenario, simulates it and writes its dataset, and reports a
 * failure message through a pipe.  The parent alone writes the index and
 * the state log.  Wall-clock times are measured for the index only; they
 * never reach a dataset.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "analysis/sweep_exec.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef KS_HAVE_MPI
#include <mpi.h>
#endif

#include "analysis/output.h"
#include "analysis/simulate.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

#define MSG_MAX 256
/* Rewrite the index at most this often while runs finish (seconds). */
#define INDEX_INTERVAL 1.0

enum run_status { RUN_PENDING = 0, RUN_OK, RUN_SKIPPED, RUN_FAILED };

typedef struct run_state {
    int status;   /* enum run_status */
    int rerun;    /* the file exists but holds another scenario */
    double wall;  /* seconds, NaN when unknown */
    char msg[MSG_MAX];
} run_state;

typedef struct sweep_ctx {
    const ks_sweep *sw;
    const ks_sweep_exec_options *o;
    size_t nruns;
    run_state *runs;
    char **ids;   /* run ids */
    char **files; /* OUT/runs/<id>.h5 */
    double last_index;
    size_t done, failed; /* for progress */
    ks_error *err;
} sweep_ctx;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ks_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* ---- files ---------------------------------------------------------------- */

/* Writes text to path through path.tmp and a rename. */
static int write_atomically(const char *path, const char *text, size_t len,
                            ks_error *err)
{
    char *tmp = ks_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    int e = errno;
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok ? 0
              : ks_error_set(err, KS_EIO, path, 0, 0, "cannot write: %s",
                             strerror(e));
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_index_rows(const sweep_ctx *x, FILE *f)
{
    const ks_sweep *sw = x->sw;
    size_t np = ks_sweep_nparams(sw);
    unsigned reps = ks_sweep_replications(sw);
    fputs("run_id,file", f);
    for (size_t p = 0; p < np; p++) {
        fputc(',', f);
        ks_csv_field(f, ks_sweep_param_name(sw, p));
    }
    fputs(",replication,seed,status,wall_time_s\n", f);
    for (size_t r = 0; r < x->nruns; r++) {
        const run_state *s = &x->runs[r];
        fprintf(f, "%s,runs/%s.h5", x->ids[r], x->ids[r]);
        for (size_t p = 0; p < np; p++) {
            fputc(',', f);
            ks_csv_field(f, ks_sweep_value_label(sw, r / reps, p));
        }
        fprintf(f, ",%u,%" PRIu64 ",", (unsigned)(r % reps),
                ks_sweep_seed(sw, (unsigned)(r % reps)));
        if (s->status == RUN_FAILED) {
            char *st = ks_xasprintf("failed: %s", s->msg);
            ks_csv_field(f, st);
            free(st);
        } else {
            fputs(s->status == RUN_PENDING ? "pending" : "ok", f);
        }
        if (isfinite(s->wall))
            fprintf(f, ",%.3f\n", s->wall);
        else
            fputs(",\n", f);
    }
}

static int write_index(sweep_ctx *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return ks_error_set(x->err, KS_EIO, x->o->outdir, 0, 0,
                            "cannot build the index: %s", strerror(errno));
    write_index_rows(x, f);
    fclose(f);
    char *path = ks_xasprintf("%s/index.csv", x->o->outdir);
    int rc = write_atomically(path, buf, len, x->err);
    free(path);
    free(buf);
    x->last_index = wall_now();
    return rc;
}

/* ---- the state log: "<run id> <wall seconds>" per finished run ------------- */

static char *state_path(const sweep_ctx *x)
{
    return ks_xasprintf("%s/.ksim-sweep-state", x->o->outdir);
}

static void read_state(sweep_ctx *x)
{
    char *path = state_path(x);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    char id[64];
    double wall;
    while (fscanf(f, "%63s %lf", id, &wall) == 2) {
        /* Ids are ordered: find by binary search. */
        size_t lo = 0, hi = x->nruns;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(x->ids[mid], id);
            if (c == 0) {
                if (x->runs[mid].status == RUN_SKIPPED)
                    x->runs[mid].wall = wall;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    fclose(f);
}

static void append_state(const sweep_ctx *x, size_t run)
{
    char *path = state_path(x);
    FILE *f = fopen(path, "a");
    free(path);
    if (!f)
        return; /* the log only helps a later resume report wall times */
    fprintf(f, "%s %.3f\n", x->ids[run], x->runs[run].wall);
    fclose(f);
}

/* ---- planning ------------------------------------------------------------- */

/* A complete run: its file stores exactly this run's scenario. */
static void plan_run(sweep_ctx *x, size_t r)
{
    run_state *s = &x->runs[r];
    s->wall = NAN;
    if (!file_exists(x->files[r]))
        return;
    if (x->o->force) {
        s->rerun = 1;
        return;
    }
    ks_scenario *sc = NULL;
    ks_dataset *ds = NULL;
    ks_error e;
    if (ks_sweep_run_scenario(x->sw, r, &sc, &e) == 0 &&
        ks_output_read_meta(x->files[r], &ds, &e) == 0 && ds->scenario &&
        strcmp(ds->scenario, sc->text) == 0) {
        s->status = RUN_SKIPPED;
    } else {
        s->rerun = 1;
        if (x->o->log)
            fprintf(x->o->log, "ksim sweep: %s: the stored run is not this "
                               "sweep's; running it again\n", x->ids[r]);
    }
    ks_dataset_destroy(ds);
    ks_scenario_destroy(sc);
}

static void plan(sweep_ctx *x, int rank, int size)
{
    for (size_t r = 0; r < x->nruns; r++)
        if ((int)(r % (size_t)size) == rank)
            plan_run(x, r);
    read_state(x);
}

/* ---- one run ---------------------------------------------------------------- */

/* Simulates run r into its file; fills msg on failure.  Returns 0 ok, or
 * the ks_err. */
static int run_one(const sweep_ctx *x, size_t r, char *msg)
{
    ks_scenario *sc = NULL;
    ks_error e;
    int rc = ks_sweep_run_scenario(x->sw, r, &sc, &e);
    if (!rc) {
        ks_simulate_options opt = {.force = 1,
                                   .ksim_version = x->o->ksim_version};
        rc = ks_simulate_to_file(sc, &opt, x->files[r], NULL, &e);
    }
    ks_scenario_destroy(sc);
    if (rc) {
        /* Messages are cut to MSG_MAX: the index keeps them short. */
        int w;
        if (e.file[0] && e.line > 0)
            w = snprintf(msg, MSG_MAX, "%s:%d:%d: %s", e.file, e.line, e.col,
                         e.msg);
        else if (e.file[0])
            w = snprintf(msg, MSG_MAX, "%s: %s", e.file, e.msg);
        else
            w = snprintf(msg, MSG_MAX, "%s", e.msg);
        if (w < 0)
            msg[0] = '\0';
    }
    return rc;
}

static void finish_run(sweep_ctx *x, size_t r, int ok, double wall)
{
    run_state *s = &x->runs[r];
    s->status = ok ? RUN_OK : RUN_FAILED;
    s->wall = wall;
    x->done++;
    if (ok) {
        append_state(x, r);
    } else {
        x->failed++;
        if (x->o->log)
            fprintf(x->o->log, "ksim sweep: %s failed: %s\n", x->ids[r],
                    s->msg);
    }
    if (x->o->progress)
        x->o->progress(x->o->progress_ctx, x->done, x->nruns, x->failed);
}

/* ---- local workers -------------------------------------------------------- */

typedef struct worker {
    pid_t pid;
    int fd; /* read end of the child's message pipe */
    size_t run;
    double started;
} worker;

static void child_main(const sweep_ctx *x, size_t r, int fd)
{
#ifdef __linux__
    /* A sweep killed outright (SIGKILL, a lost terminal) takes its workers
     * with it, so a resumed sweep never races a leftover worker. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(1); /* the parent died before prctl */
#endif
    char msg[MSG_MAX] = "";
    int rc = run_one(x, r, msg);
    if (rc) {
        ssize_t w = write(fd, msg, strlen(msg));
        (void)w;
    }
    close(fd);
    fflush(NULL);
    _exit(rc ? 1 : 0);
}

static int spawn(sweep_ctx *x, worker *w, size_t r)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(x, r, fds[1]);
    }
    close(fds[1]);
    *w = (worker){pid, fds[0], r, wall_now()};
    return 0;
}

/* Collects worker w, whose process ended with status. */
static void reap(sweep_ctx *x, worker *w, int status)
{
    run_state *s = &x->runs[w->run];
    ssize_t n = read(w->fd, s->msg, MSG_MAX - 1);
    s->msg[n > 0 ? n : 0] = '\0';
    close(w->fd);
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && !s->msg[0]) {
        if (WIFSIGNALED(status))
            snprintf(s->msg, MSG_MAX, "the run's process died of signal %d "
                                      "(%s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        else
            snprintf(s->msg, MSG_MAX, "the run's process exited with %d",
                     WEXITSTATUS(status));
    }
    finish_run(x, w->run, ok, wall_now() - w->started);
    w->pid = 0;
}

static int run_local(sweep_ctx *x)
{
    unsigned jobs = x->o->jobs ? x->o->jobs : 1;
    worker *ws = ks_xcalloc(jobs, sizeof *ws);
    size_t next = 0, busy = 0;
    int rc = 0;
    for (;;) {
        while (busy < jobs && next < x->nruns) {
            size_t r = next++;
            if (x->runs[r].status != RUN_PENDING)
                continue;
            size_t slot = 0;
            while (ws[slot].pid)
                slot++;
            if (spawn(x, &ws[slot], r) != 0) {
                snprintf(x->runs[r].msg, MSG_MAX, "cannot start a worker: %s",
                         strerror(errno));
                finish_run(x, r, 0, NAN);
                continue;
            }
            busy++;
        }
        if (busy == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            rc = ks_error_set(x->err, KS_EIO, x->o->outdir, 0, 0,
                              "waiting for workers: %s", strerror(errno));
            break;
        }
        for (unsigned i = 0; i < jobs; i++)
            if (ws[i].pid == pid) {
                reap(x, &ws[i], status);
                busy--;
            }
        if (wall_now() - x->last_index >= INDEX_INTERVAL &&
            (rc = write_index(x)))
            break;
    }
    free(ws);
    return rc;
}

/* ---- MPI ---------------------------------------------------------------- */

#ifdef KS_HAVE_MPI
/* True when started by mpirun/srun with several ranks. */
static int launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",
                                       "PMIX_SIZE", "MPI_LOCALNRANKS", NULL};
    for (const char *const *v = vars; *v; v++) {
        const char *s = getenv(*v);
        if (s && atoi(s) > 1)
            return 1;
    }
    return 0;
}

/* Runs this rank's share in process, then merges the states on rank 0. */
static void run_mpi_share(sweep_ctx *x, int rank, int size)
{
    for (size_t r = (size_t)rank; r < x->nruns; r += (size_t)size) {
        if (x->runs[r].status != RUN_PENDING)
            continue;
        double t0 = wall_now();
        int rc = run_one(x, r, x->runs[r].msg);
        finish_run(x, r, rc == 0, wall_now() - t0);
    }
    size_t n = x->nruns;
    int *st = ks_xcalloc(n ? n : 1, sizeof *st);
    double *wall = ks_xcalloc(n ? n : 1, sizeof *wall);
    char *msg = ks_xcalloc(n ? n : 1, MSG_MAX);
    for (size_t r = (size_t)rank; r < n; r += (size_t)size) {
        st[r] = x->runs[r].status;
        wall[r] = isfinite(x->runs[r].wall) ? x->runs[r].wall : -1;
        memcpy(msg + r * MSG_MAX, x->runs[r].msg, MSG_MAX);
    }
    int *all_st = rank == 0 ? ks_xcalloc(n ? n : 1, sizeof *st) : NULL;
    double *all_wall = rank == 0 ? ks_xcalloc(n ? n : 1, sizeof *wall) : NULL;
    char *all_msg = rank == 0 ? ks_xcalloc(n ? n : 1, MSG_MAX) : NULL;
    /* Each run has one owner and zeros elsewhere: a sum (or a bitwise or
     * of the message bytes) is the owner's value. */
    MPI_Reduce(st, all_st, (int)n, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(wall, all_wall, (int)n, MPI_DOUBLE, MPI_SUM, 0,
               MPI_COMM_WORLD);
    MPI_Reduce(msg, all_msg, (int)(n * MSG_MAX), MPI_BYTE, MPI_BOR, 0,
               MPI_COMM_WORLD);
    if (rank == 0) {
        x->failed = 0;
        for (size_t r = 0; r < n; r++) {
            x->runs[r].status = all_st[r];
            x->runs[r].wall = all_wall[r] >= 0 ? all_wall[r] : NAN;
            memcpy(x->runs[r].msg, all_msg + r * MSG_MAX, MSG_MAX);
            x->runs[r].msg[MSG_MAX - 1] = '\0';
        }
    }
    free(st);
    free(wall);
    free(msg);
    free(all_st);
    free(all_wall);
    free(all_msg);
}
#endif

/* ---- entry ---------------------------------------------------------------- */

/* Removes the temporary files of runs killed while writing (the dataset
 * writer's ".<name>.h5.XXXXXX"): a complete run never leaves one. */
static void remove_stale_temps(const char *runs)
{
    DIR *d = opendir(runs);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (n[0] == '.' && n[1] == 'p' && strstr(n, ".h5.")) {
            char *path = ks_xasprintf("%s/%s", runs, n);
            unlink(path);
            free(path);
        }
    }
    closedir(d);
}

static int prepare_outdir(const sweep_ctx *x)
{
    char *runs = ks_xasprintf("%s/runs", x->o->outdir);
    int rc = ks_mkdir_p(runs, x->err);
    if (!rc)
        remove_stale_temps(runs);
    free(runs);
    if (rc)
        return rc;
    size_t len;
    const char *text = ks_sweep_text(x->sw, &len);
    char *copy = ks_xasprintf("%s/sweep.yaml", x->o->outdir);
    rc = write_atomically(copy, text, len, x->err);
    free(copy);
    return rc;
}

static void ctx_init(sweep_ctx *x, const ks_sweep *sw,
                     const ks_sweep_exec_options *o, ks_error *err)
{
    *x = (sweep_ctx){.sw = sw, .o = o, .err = err};
    x->nruns = ks_sweep_nruns(sw);
    x->runs = ks_xcalloc(x->nruns ? x->nruns : 1, sizeof *x->runs);
    x->ids = ks_xcalloc(x->nruns ? x->nruns : 1, sizeof *x->ids);
    x->files = ks_xcalloc(x->nruns ? x->nruns : 1, sizeof *x->files);
    for (size_t r = 0; r < x->nruns; r++) {
        char id[64];
        ks_sweep_run_id(sw, r, id, sizeof id);
        x->ids[r] = ks_xstrdup(id);
        x->files[r] = ks_xasprintf("%s/runs/%s.h5", o->outdir, id);
    }
}

static void ctx_free(sweep_ctx *x)
{
    for (size_t r = 0; r < x->nruns; r++) {
        free(x->ids[r]);
        free(x->files[r]);
    }
    free(x->ids);
    free(x->files);
    free(x->runs);
}

static void count(const sweep_ctx *x, ks_sweep_outcome *out)
{
    out->runs = x->nruns;
    for (size_t r = 0; r < x->nruns; r++) {
        out->skipped += x->runs[r].status == RUN_SKIPPED;
        out->ran += x->runs[r].status == RUN_OK;
        out->failed += x->runs[r].status == RUN_FAILED;
    }
}

int ks_sweep_execute(const ks_sweep *sw, const ks_sweep_exec_options *o,
                     ks_sweep_outcome *out, ks_error *err)
{
    *out = (ks_sweep_outcome){0};
    ks_error_clear(err);
    sweep_ctx x;
    ctx_init(&x, sw, o, err);
    int rank = 0, size = 1, rc = 0;
#ifdef KS_HAVE_MPI
    int mpi = launched_by_mpi();
    if (mpi) {
        int inited = 0;
        MPI_Initialized(&inited);
        if (!inited)
            MPI_Init(NULL, NULL);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        out->mpi_ranks = size;
        out->mpi_rank = rank;
    }
#endif
    if (rank == 0)
        rc = prepare_outdir(&x);
#ifdef KS_HAVE_MPI
    if (mpi) {
        /* Every rank needs the folders before it writes a run. */
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (rc && rank != 0)
            rc = ks_error_set(err, KS_EIO, o->outdir, 0, 0,
                              "rank 0 could not prepare the folder");
    }
#endif
    if (!rc) {
        plan(&x, rank, size);
        for (size_t r = 0; r < x.nruns; r++)
            x.done += x.runs[r].status == RUN_SKIPPED;
#ifdef KS_HAVE_MPI
        if (mpi)
            run_mpi_share(&x, rank, size);
        else
#endif
            rc = run_local(&x);
    }
    if (!rc && rank == 0)
        rc = write_index(&x);
    count(&x, out);
    ctx_free(&x);
#ifdef KS_HAVE_MPI
    if (mpi)
        MPI_Finalize();
#endif
    return rc;
}
