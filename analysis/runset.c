/* runset.c - a set of runs grouped by their varied parameters: read from a
 * sweep folder's index.csv or from a list of run files.
 *
 * Loading is two steps: build the runs and their groups (from the index or
 * the files' /meta), then read each ok run's metrics once and lay them out
 * as per-group, per-metric vectors indexed by replication, which is what
 * the statistics and the figures consume.  Only metrics are kept in memory,
 * never the runs' pod tables.
 *
 * Owner: the report helper (issue 4).
 */
#include "analysis/runset.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/metrics.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

/* Replications at or above this are refused: the value vectors are
 * groups x metrics x replications doubles, and no sweep needs more. */
#define MAX_REPLICATION 100000
/* At most this many doubles of per-group value vectors (1 GiB). */
#define MAX_VALUES (1 << 27)

/* The fixed index columns around the parameter columns. */
static const char *const head_cols[] = {"run_id", "file"};
static const char *const tail_cols[] = {"replication", "seed", "status",
                                        "wall_time_s"};
#define NHEAD 2
#define NTAIL 4

typedef struct group {
    char **values; /* one per parameter */
    char *label;
    size_t nruns;
    size_t nok;
    size_t *rep_run; /* by replication: 1 + index of its run, 0 if none */
    size_t rep_cap;
} group;

struct ks_runset {
    char **params;
    size_t nparams;
    ks_runset_run *runs;
    size_t nruns, runs_cap;
    size_t nfailed;
    size_t npending;
    double *run_metrics; /* nruns x nmetrics */
    group *groups;
    size_t ngroups, groups_cap;
    size_t nmetrics;
    size_t nreps;
    double *values; /* ngroups x nmetrics x nreps */
};

/* ---- RFC 4180 records ---------------------------------------------------- */

typedef struct csv_reader {
    const char *path;
    const char *p;
    const char *end;
    int line; /* line of *p, 1-based */
} csv_reader;

typedef struct csv_record {
    char **fields;
    size_t n, cap;
    int line; /* where the record starts */
} csv_record;

static void record_clear(csv_record *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->fields[i]);
    r->n = 0;
}

static void record_free(csv_record *r)
{
    record_clear(r);
    free(r->fields);
}

static void record_push(csv_record *r, char *field)
{
    r->fields = ks_xgrow(r->fields, &r->cap, r->n + 1, sizeof *r->fields);
    r->fields[r->n++] = field;
}

/* A quoted field, from the opening quote: doubled quotes stand for one;
 * line breaks inside are part of the value. */
static int quoted_field(csv_reader *rd, char **out, ks_error *err)
{
    int start_line = rd->line;
    const char *p = rd->p + 1;
    char *buf = ks_xmalloc((size_t)(rd->end - p) + 1);
    size_t n = 0;
    for (;;) {
        if (p >= rd->end) {
            free(buf);
            return ks_error_set(err, KS_EPARSE, rd->path, start_line, 0,
                                "unterminated quoted field");
        }
        if (*p == '"') {
            if (p + 1 < rd->end && p[1] == '"') {
                buf[n++] = '"';
                p += 2;
                continue;
            }
            p++;
            break;
        }
        if (*p == '\n')
            rd->line++;
        buf[n++] = *p++;
    }
    if (p < rd->end && *p != ',' && *p != '\n' && *p != '\r') {
        free(buf);
        return ks_error_set(err, KS_EPARSE, rd->path, rd->line, 0,
                            "unexpected character after a quoted field");
    }
    buf[n] = '\0';
    rd->p = p;
    *out = buf;
    return 0;
}

static char *plain_field(csv_reader *rd)
{
    const char *s = rd->p;
    while (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' &&
           *rd->p != '\r')
        rd->p++;
    return ks_xstrndup(s, (size_t)(rd->p - s));
}

/* Reads the next record into rec.  Returns 1 with a record, 0 at the end of
 * the text, or a negative ks_err.  Empty lines are skipped. */
static int next_record(csv_reader *rd, csv_record *rec, ks_error *err)
{
    record_clear(rec);
    while (rd->p < rd->end && (*rd->p == '\n' || *rd->p == '\r')) {
        if (*rd->p == '\n')
            rd->line++;
        rd->p++;
    }
    if (rd->p >= rd->end)
        return 0;
    rec->line = rd->line;
    for (;;) {
        char *field = NULL;
        if (*rd->p == '"') {
            int rc = quoted_field(rd, &field, err);
            if (rc)
                return rc;
        } else {
            field = plain_field(rd);
        }
        record_push(rec, field);
        if (rd->p < rd->end && *rd->p == ',') {
            rd->p++;
            continue;
        }
        break;
    }
    if (rd->p < rd->end && *rd->p == '\r')
        rd->p++;
    if (rd->p < rd->end && *rd->p == '\n') {
        rd->p++;
        rd->line++;
    }
    return 1;
}

/* ---- building the set ---------------------------------------------------- */

static ks_runset *runset_new(void)
{
    ks_runset *rs = ks_xcalloc(1, sizeof *rs);
    rs->nmetrics = ks_metric_count();
    return rs;
}

void ks_runset_destroy(ks_runset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->nparams; i++)
        free(rs->params[i]);
    free(rs->params);
    for (size_t i = 0; i < rs->nruns; i++) {
        free((char *)rs->runs[i].run_id);
        free((char *)rs->runs[i].path);
        free((char *)rs->runs[i].status);
    }
    free(rs->runs);
    free(rs->run_metrics);
    for (size_t g = 0; g < rs->ngroups; g++) {
        for (size_t p = 0; p < rs->nparams; p++)
            free(rs->groups[g].values[p]);
        free(rs->groups[g].values);
        free(rs->groups[g].label);
        free(rs->groups[g].rep_run);
    }
    free(rs->groups);
    free(rs->values);
    free(rs);
}

static char *group_label(const ks_runset *rs, char *const *values)
{
    if (rs->nparams == 0)
        return ks_xstrdup("all");
    size_t len = 1;
    for (size_t p = 0; p < rs->nparams; p++)
        len += strlen(rs->params[p]) + strlen(values[p]) + 3;
    char *s = ks_xmalloc(len);
    s[0] = '\0';
    for (size_t p = 0; p < rs->nparams; p++) {
        if (p)
            strcat(s, ", ");
        strcat(s, rs->params[p]);
        strcat(s, "=");
        strcat(s, values[p]);
    }
    return s;
}

/* The group with these parameter values, created at the end if new (so
 * groups are in order of first appearance). */
static size_t group_of(ks_runset *rs, char *const *values)
{
    for (size_t g = 0; g < rs->ngroups; g++) {
        size_t p = 0;
        while (p < rs->nparams &&
               strcmp(rs->groups[g].values[p], values[p]) == 0)
            p++;
        if (p == rs->nparams)
            return g;
    }
    rs->groups = ks_xgrow(rs->groups, &rs->groups_cap, rs->ngroups + 1,
                          sizeof *rs->groups);
    group *gr = &rs->groups[rs->ngroups];
    *gr = (group){0};
    gr->values = ks_xcalloc(rs->nparams ? rs->nparams : 1, sizeof(char *));
    for (size_t p = 0; p < rs->nparams; p++)
        gr->values[p] = ks_xstrdup(values[p]);
    gr->label = group_label(rs, values);
    return rs->ngroups++;
}

static ks_runset_run *add_run(ks_runset *rs)
{
    rs->runs = ks_xgrow(rs->runs, &rs->runs_cap, rs->nruns + 1,
                        sizeof *rs->runs);
    ks_runset_run *r = &rs->runs[rs->nruns++];
    *r = (ks_runset_run){0};
    r->wall_time_s = NAN;
    return r;
}

/* Index of the run of group g with replication k, or -1. */
static long find_run(const ks_runset *rs, size_t g, size_t k)
{
    const group *gr = &rs->groups[g];
    if (k >= gr->rep_cap || gr->rep_run[k] == 0)
        return -1;
    return (long)gr->rep_run[k] - 1;
}

static void note_run(ks_runset *rs, size_t g, size_t k, size_t run)
{
    group *gr = &rs->groups[g];
    size_t old = gr->rep_cap;
    if (k >= old) {
        gr->rep_run = ks_xgrow(gr->rep_run, &gr->rep_cap, k + 1,
                               sizeof *gr->rep_run);
        memset(gr->rep_run + old, 0, (gr->rep_cap - old) * sizeof *gr->rep_run);
    }
    gr->rep_run[k] = run + 1;
}

/* Lays the run metrics out per group, metric and replication.  Sparse
 * replication numbers in a hand-edited index could ask for a huge array:
 * refused rather than aborting on memory. */
static int fill_values(ks_runset *rs, ks_error *err)
{
    size_t nrep = 0;
    for (size_t i = 0; i < rs->nruns; i++)
        if (rs->runs[i].replication + 1 > nrep)
            nrep = rs->runs[i].replication + 1;
    rs->nreps = nrep;
    if ((double)rs->ngroups * (double)rs->nmetrics * (double)nrep >
        MAX_VALUES)
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "%zu groups x %zu replications is too many "
                            "(replication numbers should count from 0)",
                            rs->ngroups, nrep);
    size_t total = rs->ngroups * rs->nmetrics * nrep;
    rs->values = ks_xmalloc((total ? total : 1) * sizeof(double));
    for (size_t i = 0; i < total; i++)
        rs->values[i] = NAN;
    for (size_t i = 0; i < rs->nruns; i++) {
        const ks_runset_run *r = &rs->runs[i];
        for (size_t m = 0; m < rs->nmetrics; m++)
            rs->values[(r->group * rs->nmetrics + m) * nrep + r->replication] =
                rs->run_metrics[i * rs->nmetrics + m];
    }
    return 0;
}

/* ---- reading runs, in worker processes ----------------------------------- */

/* What reading one run file gives. */
typedef struct run_result {
    int rc;
    ks_error err;      /* when rc != 0 */
    double *values;    /* nmetrics, owned by the caller's array */
    char *scenario;    /* /meta scenario_name, malloc'd; NULL on error */
    uint64_t seed;
} run_result;

/* Below this many files one process reads them all: forking costs more
 * than it saves. */
#define PARALLEL_MIN_RUNS 8

static void read_one(const char *path, run_result *r)
{
    unsigned long long seed = 0;
    ks_error_clear(&r->err);
    r->rc = ks_metrics_read(path, r->values, &r->scenario, &seed, &r->err);
    r->seed = seed;
}

/* A worker's results go through a pipe as records:
 *   u64 index, i32 rc, u64 seed, u64 name length, nmetrics doubles,
 *   the ks_error when rc != 0, the scenario name bytes. */
static void put_result(FILE *f, size_t idx, const run_result *r, size_t nm)
{
    uint64_t i = idx, len = r->scenario ? strlen(r->scenario) : 0;
    int32_t rc = r->rc;
    fwrite(&i, sizeof i, 1, f);
    fwrite(&rc, sizeof rc, 1, f);
    fwrite(&r->seed, sizeof r->seed, 1, f);
    fwrite(&len, sizeof len, 1, f);
    fwrite(r->values, sizeof(double), nm, f);
    if (rc)
        fwrite(&r->err, sizeof r->err, 1, f);
    if (len)
        fwrite(r->scenario, 1, len, f);
}

/* Parses one record at *pos of buf; returns 0, or -1 if truncated. */
static int take_result(const char *buf, size_t size, size_t *pos,
                       run_result *res, size_t n, size_t nm)
{
    uint64_t idx, len, seed;
    int32_t rc;
    size_t head = sizeof idx + sizeof rc + sizeof seed + sizeof len;
    if (size - *pos < head)
        return -1;
    const char *p = buf + *pos;
    memcpy(&idx, p, sizeof idx);
    memcpy(&rc, p + sizeof idx, sizeof rc);
    memcpy(&seed, p + sizeof idx + sizeof rc, sizeof seed);
    memcpy(&len, p + sizeof idx + sizeof rc + sizeof seed, sizeof len);
    size_t need = head + nm * sizeof(double) + (rc ? sizeof(ks_error) : 0);
    if (idx >= n || len > size || size - *pos < need + len)
        return -1;
    run_result *r = &res[idx];
    p += head;
    memcpy(r->values, p, nm * sizeof(double));
    p += nm * sizeof(double);
    r->rc = rc;
    r->seed = seed;
    if (rc) {
        memcpy(&r->err, p, sizeof r->err);
        p += sizeof r->err;
    } else {
        r->scenario = ks_xstrndup(p, (size_t)len);
    }
    *pos += need + len;
    return 0;
}

typedef struct worker {
    pid_t pid;
    int fd;         /* read end of its pipe; -1 when closed */
    char *buf;      /* everything it sent */
    size_t len, cap;
} worker;

/* In the child: reads runs w, w + jobs, ... and sends the results. */
static void worker_main(int fd, const char *const *paths, size_t n,
                        unsigned w, unsigned jobs, size_t nm)
{
    FILE *f = fdopen(fd, "wb");
    if (!f)
        _exit(1);
    double *values = ks_xmalloc(nm * sizeof *values);
    for (size_t i = w; i < n; i += jobs) {
        run_result r = {.values = values};
        read_one(paths[i], &r);
        put_result(f, i, &r, nm);
        free(r.scenario);
    }
    int bad = fclose(f) != 0;
    _exit(bad);
}

/* Starts worker w; on failure (no pipe, no fork) its share is read here. */
static void start_worker(worker *wk, const char *const *paths, size_t n,
                         unsigned w, unsigned jobs, run_result *res,
                         size_t nm)
{
    int fds[2];
    wk->pid = -1;
    wk->fd = -1;
    if (pipe(fds) == 0) {
        fflush(NULL); /* nothing buffered is written twice */
        wk->pid = fork();
        if (wk->pid == 0) {
            close(fds[0]);
            worker_main(fds[1], paths, n, w, jobs, nm);
        }
        close(fds[1]);
        if (wk->pid > 0)
            wk->fd = fds[0];
        else
            close(fds[0]);
    }
    if (wk->pid < 0)
        for (size_t i = w; i < n; i += jobs)
            read_one(paths[i], &res[i]);
}

/* Appends what worker wk has sent; closes its pipe at the end of it. */
static void read_worker(worker *wk)
{
    wk->buf = ks_xgrow(wk->buf, &wk->cap, wk->len + 65536, 1);
    ssize_t got = read(wk->fd, wk->buf + wk->len, 65536);
    if (got > 0) {
        wk->len += (size_t)got;
    } else if (got == 0 || errno != EINTR) {
        close(wk->fd);
        wk->fd = -1;
    }
}

/* Collects what the workers send until every pipe is closed. */
static void drain_workers(worker *wk, unsigned jobs)
{
    struct pollfd *pf = ks_xcalloc(jobs, sizeof *pf);
    unsigned *who = ks_xcalloc(jobs, sizeof *who);
    for (;;) {
        nfds_t k = 0;
        for (unsigned w = 0; w < jobs; w++)
            if (wk[w].fd >= 0) {
                pf[k] = (struct pollfd){.fd = wk[w].fd, .events = POLLIN};
                who[k++] = w;
            }
        if (k == 0)
            break;
        if (poll(pf, k, -1) < 0) {
            if (errno == EINTR)
                continue;
            for (nfds_t i = 0; i < k; i++) /* give up: runs count as lost */
                pf[i].revents = POLLERR;
        }
        for (nfds_t i = 0; i < k; i++)
            if (pf[i].revents)
                read_worker(&wk[who[i]]);
    }
    free(who);
    free(pf);
}

/* Reads paths[0..n) into res[0..n) (each res[i].values set by the caller)
 * with up to jobs processes.  HDF5 is not thread-safe, so the workers are
 * processes; each reads every jobs-th file, so results land at their index
 * and do not depend on timing. */
static void read_runs(const char *const *paths, size_t n, unsigned jobs,
                      run_result *res, size_t nm)
{
    if (jobs == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (jobs > n)
        jobs = (unsigned)n;
    if (jobs < 2 || n < PARALLEL_MIN_RUNS) {
        for (size_t i = 0; i < n; i++)
            read_one(paths[i], &res[i]);
        return;
    }
    for (size_t i = 0; i < n; i++)
        res[i].rc = 1; /* "not received" until a record says otherwise */
    worker *wk = ks_xcalloc(jobs, sizeof *wk);
    for (unsigned w = 0; w < jobs; w++)
        start_worker(&wk[w], paths, n, w, jobs, res, nm);
    /* Reading in the poll loop while they run keeps pipes from filling,
     * so no worker ever waits for the parent. */
    drain_workers(wk, jobs);
    for (unsigned w = 0; w < jobs; w++) {
        if (wk[w].pid > 0)
            waitpid(wk[w].pid, NULL, 0);
        size_t pos = 0;
        while (pos < wk[w].len &&
               take_result(wk[w].buf, wk[w].len, &pos, res, n, nm) == 0)
            ;
        free(wk[w].buf);
    }
    free(wk);
    for (size_t i = 0; i < n; i++)
        if (res[i].rc == 1)
            res[i].rc = ks_error_set(&res[i].err, KS_EIO, paths[i], 0, 0,
                                     "the process reading this run died");
}

/* Reads the metrics of every ok run (the others stay NaN).  On errors, the
 * first failing run in index order is reported. */
static int read_metrics(ks_runset *rs, unsigned jobs, ks_error *err)
{
    size_t nm = rs->nmetrics;
    rs->run_metrics = ks_xmalloc((rs->nruns ? rs->nruns : 1) * nm *
                                 sizeof(double));
    for (size_t i = 0; i < rs->nruns * nm; i++)
        rs->run_metrics[i] = NAN;
    const char **paths = ks_xmalloc((rs->nruns ? rs->nruns : 1) *
                                    sizeof *paths);
    run_result *res = ks_xcalloc(rs->nruns ? rs->nruns : 1, sizeof *res);
    size_t n = 0;
    for (size_t i = 0; i < rs->nruns; i++) {
        if (!rs->runs[i].ok)
            continue;
        paths[n] = rs->runs[i].path;
        res[n++].values = &rs->run_metrics[i * nm];
    }
    read_runs(paths, n, jobs, res, nm);
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        if (res[k].rc && !rc) {
            rc = res[k].rc;
            if (err)
                *err = res[k].err;
        }
        free(res[k].scenario);
    }
    free(res);
    free(paths);
    return rc;
}

static void count_runs(ks_runset *rs)
{
    for (size_t i = 0; i < rs->nruns; i++) {
        group *gr = &rs->groups[rs->runs[i].group];
        gr->nruns++;
        if (rs->runs[i].ok)
            gr->nok++;
        else if (strcmp(rs->runs[i].status, "pending") == 0)
            rs->npending++;
        else
            rs->nfailed++;
    }
}

/* ---- from index.csv ------------------------------------------------------ */

static int parse_header(ks_runset *rs, const csv_record *h, const char *path,
                        ks_error *err)
{
    if (h->n < NHEAD + NTAIL)
        return ks_error_set(err, KS_EPARSE, path, h->line, 0,
                            "header has %zu columns; expected run_id,file,"
                            "<parameters...>,replication,seed,status,"
                            "wall_time_s",
                            h->n);
    for (size_t i = 0; i < NHEAD; i++)
        if (strcmp(h->fields[i], head_cols[i]) != 0)
            return ks_error_set(err, KS_EPARSE, path, h->line, 0,
                                "header column %zu is '%s', expected '%s'",
                                i + 1, h->fields[i], head_cols[i]);
    size_t np = h->n - NHEAD - NTAIL;
    for (size_t i = 0; i < NTAIL; i++)
        if (strcmp(h->fields[NHEAD + np + i], tail_cols[i]) != 0)
            return ks_error_set(err, KS_EPARSE, path, h->line, 0,
                                "header column %zu is '%s', expected '%s'",
                                NHEAD + np + i + 1, h->fields[NHEAD + np + i],
                                tail_cols[i]);
    rs->params = ks_xcalloc(np ? np : 1, sizeof(char *));
    for (size_t p = 0; p < np; p++) {
        const char *name = h->fields[NHEAD + p];
        if (name[0] == '\0')
            return ks_error_set(err, KS_EPARSE, path, h->line, 0,
                                "parameter column %zu has no name",
                                NHEAD + p + 1);
        for (size_t q = 0; q < p; q++)
            if (strcmp(rs->params[q], name) == 0)
                return ks_error_set(err, KS_EPARSE, path, h->line, 0,
                                    "parameter column '%s' appears twice",
                                    name);
        rs->params[p] = ks_xstrdup(name);
        rs->nparams++;
    }
    return 0;
}

static int parse_u64(const char *s, unsigned long long *out)
{
    if (s[0] < '0' || s[0] > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int row_error(ks_error *err, const char *path, int line,
                     const char *what, const char *value)
{
    return ks_error_set(err, KS_EPARSE, path, line, 0, "%s '%s'", what,
                        value);
}

/* Checks and converts the fixed columns of a data row into r. */
static int parse_row_fields(const csv_record *row, size_t np,
                            const char *path, ks_runset_run *r,
                            ks_error *err)
{
    char *const *f = row->fields;
    const char *rep = f[NHEAD + np], *seed = f[NHEAD + np + 1];
    const char *status = f[NHEAD + np + 2], *wall = f[NHEAD + np + 3];
    unsigned long long v;
    if (f[0][0] == '\0')
        return ks_error_set(err, KS_EPARSE, path, row->line, 0,
                            "empty run_id");
    if (f[1][0] == '\0')
        return ks_error_set(err, KS_EPARSE, path, row->line, 0,
                            "empty file");
    if (parse_u64(rep, &v) || v >= MAX_REPLICATION)
        return row_error(err, path, row->line,
                         "replication is not an integer from 0 to 99999:",
                         rep);
    r->replication = (size_t)v;
    if (parse_u64(seed, &v))
        return row_error(err, path, row->line,
                         "seed is not an unsigned 64-bit integer:", seed);
    r->seed = v;
    if (strcmp(status, "ok") == 0)
        r->ok = 1;
    else if (strncmp(status, "failed", 6) == 0 ||
             strcmp(status, "pending") == 0)
        r->ok = 0;
    else
        return row_error(err, path, row->line,
                         "status is not 'ok', 'failed: ...' or 'pending':",
                         status);
    if (wall[0] != '\0') {
        char *end;
        r->wall_time_s = strtod(wall, &end);
        if (*end != '\0')
            return row_error(err, path, row->line,
                             "wall_time_s is not a number:", wall);
    }
    return 0;
}

static char *run_path(const char *dir, const char *file)
{
    if (file[0] == '/')
        return ks_xstrdup(file);
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/')
        return ks_xasprintf("%s%s", dir, file);
    return ks_xasprintf("%s/%s", dir, file);
}

static int add_index_row(ks_runset *rs, const csv_record *row,
                         const char *dir, const char *path, ks_error *err)
{
    size_t ncols = NHEAD + rs->nparams + NTAIL;
    if (row->n != ncols)
        return ks_error_set(err, KS_EPARSE, path, row->line, 0,
                            "row has %zu columns, the header %zu", row->n,
                            ncols);
    ks_runset_run tmp = {0};
    tmp.wall_time_s = NAN;
    int rc = parse_row_fields(row, rs->nparams, path, &tmp, err);
    if (rc)
        return rc;
    size_t g = group_of(rs, row->fields + NHEAD);
    long dup = find_run(rs, g, tmp.replication);
    if (dup >= 0)
        return ks_error_set(err, KS_EPARSE, path, row->line, 0,
                            "replication %zu of %s appears twice (also run "
                            "%s)",
                            tmp.replication, rs->groups[g].label,
                            rs->runs[dup].run_id);
    note_run(rs, g, tmp.replication, rs->nruns);
    ks_runset_run *r = add_run(rs);
    *r = tmp;
    r->group = g;
    r->run_id = ks_xstrdup(row->fields[0]);
    r->path = run_path(dir, row->fields[1]);
    r->status = ks_xstrdup(row->fields[NHEAD + rs->nparams + 2]);
    return 0;
}

static int parse_index(ks_runset *rs, const char *dir, const char *path,
                       const char *text, size_t len, ks_error *err)
{
    csv_reader rd = {path, text, text + len, 1};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        rd.p += 3; /* a UTF-8 byte order mark, as spreadsheets write */
    csv_record rec = {0};
    int rc = next_record(&rd, &rec, err);
    if (rc == 0)
        rc = ks_error_set(err, KS_EPARSE, path, 1, 0,
                          "empty index: expected the header row");
    if (rc == 1)
        rc = parse_header(rs, &rec, path, err);
    while (rc == 0) {
        rc = next_record(&rd, &rec, err);
        if (rc == 1)
            rc = add_index_row(rs, &rec, dir, path, err);
        else if (rc == 0)
            break;
    }
    record_free(&rec);
    return rc;
}

static int finish(ks_runset *rs, unsigned jobs, ks_runset **out,
                  ks_error *err)
{
    int rc = read_metrics(rs, jobs, err);
    if (rc) {
        ks_runset_destroy(rs);
        return rc;
    }
    count_runs(rs);
    rc = fill_values(rs, err);
    if (rc) {
        ks_runset_destroy(rs);
        return rc;
    }
    *out = rs;
    return 0;
}

int ks_runset_load_dir(const char *dir, ks_runset **out, ks_error *err)
{
    return ks_runset_load_dir_jobs(dir, 0, out, err);
}

int ks_runset_load_dir_jobs(const char *dir, unsigned jobs, ks_runset **out,
                            ks_error *err)
{
    *out = NULL;
    char *path = run_path(dir, "index.csv");
    char *text = NULL;
    size_t len = 0;
    int rc = ks_read_file(path, "sweep index", &text, &len, err);
    ks_runset *rs = runset_new();
    if (!rc)
        rc = parse_index(rs, dir, path, text, len, err);
    free(text);
    free(path);
    if (rc) {
        ks_runset_destroy(rs);
        return rc;
    }
    return finish(rs, jobs, out, err);
}

/* ---- from run files ------------------------------------------------------ */

int ks_runset_load_files(const char *const *files, size_t n, ks_runset **out,
                         ks_error *err)
{
    return ks_runset_load_files_jobs(files, n, 0, out, err);
}

/* Adds run i of a file list, grouped by its scenario name. */
static void add_file_run(ks_runset *rs, const char *file,
                         const run_result *r)
{
    char *scenario = r->scenario;
    size_t g = group_of(rs, &scenario);
    ks_runset_run *run = add_run(rs);
    run->run_id = ks_xstrdup(file);
    run->path = ks_xstrdup(file);
    run->status = ks_xstrdup("ok");
    run->ok = 1;
    run->seed = r->seed;
    run->group = g;
    /* Replications number the group's files in order. */
    run->replication = rs->groups[g].nruns++;
}

int ks_runset_load_files_jobs(const char *const *files, size_t n,
                              unsigned jobs, ks_runset **out, ks_error *err)
{
    *out = NULL;
    if (n == 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0, "no run files");
    ks_runset *rs = runset_new();
    rs->params = ks_xcalloc(1, sizeof(char *));
    rs->params[0] = ks_xstrdup("scenario");
    rs->nparams = 1;
    size_t nm = rs->nmetrics;
    rs->run_metrics = ks_xmalloc(n * nm * sizeof(double));
    run_result *res = ks_xcalloc(n, sizeof *res);
    for (size_t i = 0; i < n; i++)
        res[i].values = &rs->run_metrics[i * nm];
    read_runs(files, n, jobs, res, nm);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (res[i].rc) {
            rc = res[i].rc;
            if (err)
                *err = res[i].err;
        } else {
            add_file_run(rs, files[i], &res[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(res[i].scenario);
    free(res);
    if (rc) {
        ks_runset_destroy(rs);
        return rc;
    }
    for (size_t g = 0; g < rs->ngroups; g++)
        rs->groups[g].nruns = 0; /* counted again with the ok runs */
    count_runs(rs);
    rc = fill_values(rs, err);
    if (rc) {
        ks_runset_destroy(rs);
        return rc;
    }
    *out = rs;
    return 0;
}

/* ---- accessors ----------------------------------------------------------- */

size_t ks_runset_nparams(const ks_runset *rs)
{
    return rs->nparams;
}

const char *ks_runset_param(const ks_runset *rs, size_t i)
{
    return i < rs->nparams ? rs->params[i] : NULL;
}

size_t ks_runset_nruns(const ks_runset *rs)
{
    return rs->nruns;
}

const ks_runset_run *ks_runset_run_at(const ks_runset *rs, size_t i)
{
    return i < rs->nruns ? &rs->runs[i] : NULL;
}

size_t ks_runset_nfailed(const ks_runset *rs)
{
    return rs->nfailed;
}

size_t ks_runset_npending(const ks_runset *rs)
{
    return rs->npending;
}

const double *ks_runset_run_metrics(const ks_runset *rs, size_t i)
{
    return i < rs->nruns ? &rs->run_metrics[i * rs->nmetrics] : NULL;
}

size_t ks_runset_ngroups(const ks_runset *rs)
{
    return rs->ngroups;
}

const char *ks_runset_group_label(const ks_runset *rs, size_t g)
{
    return g < rs->ngroups ? rs->groups[g].label : NULL;
}

const char *ks_runset_group_value(const ks_runset *rs, size_t g, size_t p)
{
    if (g >= rs->ngroups || p >= rs->nparams)
        return NULL;
    return rs->groups[g].values[p];
}

size_t ks_runset_group_nruns(const ks_runset *rs, size_t g)
{
    return g < rs->ngroups ? rs->groups[g].nruns : 0;
}

size_t ks_runset_group_nok(const ks_runset *rs, size_t g)
{
    return g < rs->ngroups ? rs->groups[g].nok : 0;
}

size_t ks_runset_nreps(const ks_runset *rs)
{
    return rs->nreps;
}

const double *ks_runset_values(const ks_runset *rs, size_t g, size_t m)
{
    if (g >= rs->ngroups || m >= rs->nmetrics)
        return NULL;
    return &rs->values[(g * rs->nmetrics + m) * rs->nreps];
}

long ks_runset_param_index(const ks_runset *rs, const char *name)
{
    for (size_t p = 0; p < rs->nparams; p++)
        if (strcmp(rs->params[p], name) == 0)
            return (long)p;
    return -1;
}

long ks_runset_find_group(const ks_runset *rs, size_t p, const char *value)
{
    if (p >= rs->nparams)
        return -1;
    for (size_t g = 0; g < rs->ngroups; g++)
        if (strcmp(rs->groups[g].values[p], value) == 0)
            return (long)g;
    return -1;
}

long ks_runset_find_group_with(const ks_runset *rs, size_t g, size_t p,
                               const char *value)
{
    if (g >= rs->ngroups || p >= rs->nparams)
        return -1;
    for (size_t h = 0; h < rs->ngroups; h++) {
        size_t q = 0;
        for (; q < rs->nparams; q++) {
            const char *want = q == p ? value : rs->groups[g].values[q];
            if (strcmp(rs->groups[h].values[q], want) != 0)
                break;
        }
        if (q == rs->nparams)
            return (long)h;
    }
    return -1;
}
