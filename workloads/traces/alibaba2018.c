/* alibaba2018.c - Alibaba cluster-trace-v2018: batch_task.csv and
 * container_meta.csv (pods), machine_meta.csv (nodes).
 *
 * Columns in the order of alibaba/clusterdata cluster-trace-v2018/
 * schema.txt, which says its index "is aligned with the data column in
 * each file" (trace_2018.md lists some columns in another order):
 *   batch_task      task_name, instance_num, job_name, task_type, status,
 *                   start_time, end_time, plan_cpu, plan_mem
 *   container_meta  container_id, machine_id, time_stamp, app_du, status,
 *                   cpu_request, cpu_limit, mem_size
 *   machine_meta    machine_id, time_stamp, failure_domain_1,
 *                   failure_domain_2, cpu_num, mem_size, status
 * Times are seconds from the trace start (0: before or after the 8 days);
 * CPU requests are 100 per core; memory is normalized to [0, 100] of the
 * largest machine (opt.machine_memory_bytes is 100); cpu_num is cores.
 * The files have no header; a first row naming the first column is
 * skipped.  None is sorted by time.
 *
 * batch_task: a task is one record <job_name>-<task_name> standing for
 * instance_num instances, or one per instance with opt.expand, as in
 * alibaba2017.c.  Terminated, Failed, Cancelled and Interrupted tasks with
 * an end_time end then; the others (and end_time 0) never end.
 * container_meta and machine_meta have a row per status change: a
 * container or machine is made from its first row, later rows are counted
 * in stats.ignored.  Containers never end (the table has no end event).
 * Rows without requests (blank plan_cpu and plan_mem, cpu_request and
 * mem_size, or cpu_num and mem_size) are skipped (stats.no_request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "workloads/traces/format.h"

enum { T_NAME, T_INST, T_JOB, T_TYPE, T_STATUS, T_START, T_END, T_CPU, T_MEM,
       T_NCOLS };
static const char *const task_names[T_NCOLS] = {
    "task_name",  "instance_num", "job_name", "task_type", "status",
    "start_time", "end_time",     "plan_cpu", "plan_mem"};

enum { K_ID, K_MACHINE, K_TIME, K_APP, K_STATUS, K_CPU, K_LIMIT, K_MEM,
       K_NCOLS };
static const char *const container_names[K_NCOLS] = {
    "container_id", "machine_id",  "time_stamp", "app_du",
    "status",       "cpu_request", "cpu_limit",  "mem_size"};

enum { M_ID, M_TIME, M_FD1, M_FD2, M_CPU, M_MEM, M_STATUS, M_NCOLS };
static const char *const machine_names[M_NCOLS] = {
    "machine_id", "time_stamp", "failure_domain_1", "failure_domain_2",
    "cpu_num",    "mem_size",   "status"};

typedef struct a18_state {
    size_t ncols;
    const char *const *names;
    int pending;         /* the first data row was read by open */
    ks_trace_expander x; /* batch_task: x.task is the current task */
    char *name;
    size_t name_cap;
    ks_trace_strset *seen; /* containers / machines made so far */
} a18_state;

static int open_table(ks_trace_reader *r, size_t ncols,
                      const char *const *names, ks_error *err)
{
    a18_state *st = ks_xcalloc(1, sizeof *st);
    r->state = st;
    st->ncols = ncols;
    st->names = names;
    int rc = ks_csvrow_next(r->csv, err);
    if (rc <= 0)
        return rc;
    if (strstr(ks_csvrow_field(r->csv, 0), names[0]))
        return ks_trace_want_columns(r, ncols, err); /* a header */
    st->pending = 1;
    return 0;
}

static int open_tasks(ks_trace_reader *r, ks_error *err)
{
    return open_table(r, T_NCOLS, task_names, err);
}

static int open_containers(ks_trace_reader *r, ks_error *err)
{
    int rc = open_table(r, K_NCOLS, container_names, err);
    ((a18_state *)r->state)->seen = ks_trace_strset_create();
    return rc;
}

static int open_machines(ks_trace_reader *r, ks_error *err)
{
    int rc = open_table(r, M_NCOLS, machine_names, err);
    ((a18_state *)r->state)->seen = ks_trace_strset_create();
    return rc;
}

static int next_row(ks_trace_reader *r, ks_error *err)
{
    a18_state *st = r->state;
    int rc = st->pending ? 1 : ks_csvrow_next(r->csv, err);
    st->pending = 0;
    if (rc <= 0)
        return rc;
    r->stats.rows++;
    if ((rc = ks_trace_want_columns(r, st->ncols, err)))
        return rc;
    return 1;
}

/* Columns cpu (100 per core) and mem ([0, 100]): *skip when both are
 * blank. */
static int requests(ks_trace_reader *r, size_t cpu_col, size_t mem_col,
                    int cpu_per_core, ks_trace_pod *rec, int *skip,
                    ks_error *err)
{
    const char *const *names = ((a18_state *)r->state)->names;
    int no_cpu = ks_csv_blank(ks_csvrow_field(r->csv, cpu_col));
    int no_mem = ks_csv_blank(ks_csvrow_field(r->csv, mem_col));
    *skip = no_cpu && no_mem;
    if (*skip)
        return 0;
    if (no_cpu || no_mem)
        return ks_trace_fail(r, err, KS_EPARSE, "%s: empty while %s is set",
                             names[no_cpu ? cpu_col : mem_col],
                             names[no_cpu ? mem_col : cpu_col]);
    double mem;
    /* 100 per core: milli = value * 10; whole cores: value * 1000. */
    int rc = ks_trace_scaled(r, cpu_col, names[cpu_col], cpu_per_core ? 1 : 3,
                             0, INT64_MAX, &rec->cpu_milli, err);
    if (!rc)
        rc = ks_trace_double(r, mem_col, names[mem_col], 0.0, 100.0, &mem, err);
    if (rc)
        return rc;
    rec->memory_bytes =
        ks_trace_fraction_of(mem / 100.0, r->opt.machine_memory_bytes);
    return 0;
}

static int is_terminal(const char *status)
{
    return strcmp(status, "Terminated") == 0 ||
           strcmp(status, "Failed") == 0 ||
           strcmp(status, "Cancelled") == 0 ||
           strcmp(status, "Interrupted") == 0;
}

static int nonblank(ks_trace_reader *r, size_t col, ks_error *err)
{
    if (!ks_csv_blank(ks_csvrow_field(r->csv, col)))
        return 0;
    const char *const *names = ((a18_state *)r->state)->names;
    return ks_trace_fail(r, err, KS_EPARSE, "%s: empty", names[col]);
}

/* Arrival at start seconds (before 0: clamped to 0). */
static int arrive(ks_trace_reader *r, const char *name, int64_t *start,
                  ks_trace_pod *rec, ks_error *err)
{
    if (*start < 0) {
        *start = 0;
        r->stats.clamped++;
    }
    return ks_trace_seconds(r, name, *start, &rec->arrival, err);
}

static int next_task(ks_trace_reader *r, ks_error *err)
{
    a18_state *st = r->state;
    for (;;) {
        int rc = next_row(r, err);
        if (rc <= 0)
            return rc;
        ks_trace_pod *t = &st->x.task;
        ks_trace_pod_init(t);
        int64_t inst, start, end;
        int skip;
        if ((rc = nonblank(r, T_NAME, err)) || (rc = nonblank(r, T_JOB, err)) ||
            (rc = ks_trace_int(r, T_INST, "instance_num", 0, INT64_MAX, &inst,
                               err)) ||
            (rc = ks_trace_int(r, T_START, "start_time", INT64_MIN, INT64_MAX,
                               &start, err)) ||
            (rc = ks_trace_int(r, T_END, "end_time", INT64_MIN, INT64_MAX, &end,
                               err)) ||
            (rc = requests(r, T_CPU, T_MEM, 1, t, &skip, err)))
            return rc;
        if (skip) {
            r->stats.no_request++;
            continue;
        }
        if (inst == 0) {
            r->stats.ignored++;
            continue;
        }
        int ends = is_terminal(ks_csvrow_field(r->csv, T_STATUS)) && end != 0;
        if (ends && end < 0) {
            r->stats.ended_before_start++;
            continue;
        }
        if (ends && end < start)
            return ks_trace_fail(r, err, KS_ERANGE,
                                 "end_time: %lld is before start_time %lld",
                                 (long long)end, (long long)start);
        if ((rc = arrive(r, "start_time", &start, t, err)) ||
            (ends && (rc = ks_trace_seconds(r, "end_time", end - start,
                                            &t->duration, err))))
            return rc;
        const char *job = ks_csvrow_field(r->csv, T_JOB);
        const char *task = ks_csvrow_field(r->csv, T_NAME);
        st->name = ks_xgrow(st->name, &st->name_cap,
                            strlen(job) + strlen(task) + 2, 1);
        sprintf(st->name, "%s-%s", job, task);
        t->name = st->name;
        t->instances = inst;
        return 1;
    }
}

static int next_task_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    a18_state *st = r->state;
    if (!r->opt.expand) {
        int rc = next_task(r, err);
        if (rc > 0)
            *rec = st->x.task;
        return rc;
    }
    while (!ks_trace_expand_next(&st->x, rec)) {
        int rc = next_task(r, err);
        if (rc <= 0)
            return rc;
        ks_trace_expand_start(&st->x);
    }
    return 1;
}

static int next_container(ks_trace_reader *r, ks_trace_pod *rec,
                          ks_error *err)
{
    a18_state *st = r->state;
    for (;;) {
        int rc = next_row(r, err);
        if (rc <= 0)
            return rc;
        ks_trace_pod_init(rec);
        int64_t t;
        int skip;
        if ((rc = nonblank(r, K_ID, err)) ||
            (rc = ks_trace_int(r, K_TIME, "time_stamp", INT64_MIN, INT64_MAX,
                               &t, err)) ||
            (rc = requests(r, K_CPU, K_MEM, 1, rec, &skip, err)))
            return rc;
        if (skip) {
            r->stats.no_request++;
            continue;
        }
        const char *id = ks_csvrow_field(r->csv, K_ID);
        if (!ks_trace_strset_add(st->seen, id)) {
            r->stats.ignored++;
            continue;
        }
        if ((rc = arrive(r, "time_stamp", &t, rec, err)))
            return rc;
        rec->name = id;
        return 1;
    }
}

static int next_machine(ks_trace_reader *r, ks_trace_node *rec, ks_error *err)
{
    a18_state *st = r->state;
    for (;;) {
        int rc = next_row(r, err);
        if (rc <= 0)
            return rc;
        ks_trace_pod req;
        ks_trace_pod_init(&req);
        int skip;
        if ((rc = nonblank(r, M_ID, err)) ||
            (rc = requests(r, M_CPU, M_MEM, 0, &req, &skip, err)))
            return rc;
        if (skip) {
            r->stats.no_request++;
            continue;
        }
        const char *id = ks_csvrow_field(r->csv, M_ID);
        if (!ks_trace_strset_add(st->seen, id)) {
            r->stats.ignored++;
            continue;
        }
        memset(rec, 0, sizeof *rec);
        rec->name = id;
        rec->gpu_model = "";
        rec->cpu_milli = req.cpu_milli;
        rec->memory_bytes = req.memory_bytes;
        return 1;
    }
}

static void close_state(ks_trace_reader *r)
{
    a18_state *st = r->state;
    if (!st)
        return;
    free(st->name);
    ks_trace_expander_free(&st->x);
    ks_trace_strset_destroy(st->seen);
    free(st);
}

const ks_trace_format ks_trace_format_alibaba2018 = {
    .name = "alibaba2018",
    .open_pods = open_tasks,
    .next_pod = next_task_pod,
    .open_nodes = open_machines,
    .next_node = next_machine,
    .close = close_state,
};

const ks_trace_format ks_trace_format_alibaba2018_containers = {
    .name = "alibaba2018-containers",
    .open_pods = open_containers,
    .next_pod = next_container,
    .close = close_state,
};
