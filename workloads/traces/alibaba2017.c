/* alibaba2017.c - Alibaba cluster-trace-v2017 batch_task.csv.
 *
 * Eight columns (alibaba/clusterdata cluster-trace-v2017/schema.csv):
 *   1 task_create_time  s from the trace start; negative: before it
 *   2 task_end_time     s; for a task still running, its last change
 *   3 job_id, 4 task_id integers (task ids are unique)
 *   5 number_of_instances
 *   6 status            Terminated, Failed, Cancelled, Running, Waiting, Ready
 *   7 number_of_cpus_requested_per_instance_in_the_task   100 = 1 core
 *   8 normalized_memory_requested_per_instance_in_the_task  [0, 1] of a
 *                       machine (opt.machine_memory_bytes)
 * The official files have no header; copies that added one (a first row
 * whose first field is not a number) are read too.  LF or CRLF.
 *
 * A task is one record named j<job>-t<task> standing for its instances
 * (rec.instances), or with opt.expand one record per instance, named
 * j<job>-t<task>-<i> for i = 0 .. instances-1.  Terminated, Failed and
 * Cancelled tasks end at task_end_time; others never end within the
 * trace.  Tasks created before time 0 arrive at 0 (stats.clamped) and
 * tasks that ended before it are skipped (stats.ended_before_start), as
 * are tasks without requests (stats.no_request: mostly Waiting tasks).
 * The file is not sorted by creation time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "workloads/traces/format.h"

enum { C_CREATE, C_END, C_JOB, C_TASK, C_INST, C_STATUS, C_CPU, C_MEM,
       NCOLS };
static const char *const names[NCOLS] = {
    "task_create_time",
    "task_end_time",
    "job_id",
    "task_id",
    "number_of_instances",
    "status",
    "number_of_cpus_requested_per_instance_in_the_task",
    "normalized_memory_requested_per_instance_in_the_task"};

typedef struct a17_state {
    int pending;         /* the first data row was read by open */
    ks_trace_expander x; /* x.task: the current task */
    char *name;          /* x.task.name's text */
    size_t name_cap;
} a17_state;

static int open_pods(ks_trace_reader *r, ks_error *err)
{
    a17_state *st = ks_xcalloc(1, sizeof *st);
    r->state = st;
    int rc = ks_csvrow_next(r->csv, err);
    if (rc <= 0)
        return rc;
    /* A header names the first column; anything else is the first task
     * (and a malformed one is reported when it is read). */
    if (strstr(ks_csvrow_field(r->csv, 0), names[C_CREATE]))
        return ks_trace_want_columns(r, NCOLS, err);
    st->pending = 1;
    return 0;
}

static int is_terminal(const char *status)
{
    return strcmp(status, "Terminated") == 0 ||
           strcmp(status, "Failed") == 0 || strcmp(status, "Cancelled") == 0;
}

static int requests(ks_trace_reader *r, ks_trace_pod *rec, int *skip,
                    ks_error *err)
{
    int no_cpu = ks_csv_blank(ks_csvrow_field(r->csv, C_CPU));
    int no_mem = ks_csv_blank(ks_csvrow_field(r->csv, C_MEM));
    *skip = no_cpu && no_mem;
    if (*skip)
        return 0;
    if (no_cpu || no_mem)
        return ks_trace_fail(r, err, KS_EPARSE, "%s: empty while %s is set",
                             names[no_cpu ? C_CPU : C_MEM],
                             names[no_cpu ? C_MEM : C_CPU]);
    double mem;
    int rc = ks_trace_scaled(r, C_CPU, names[C_CPU], 1, 0, INT64_MAX,
                             &rec->cpu_milli, err);
    if (!rc)
        rc = ks_trace_double(r, C_MEM, names[C_MEM], 0.0, 1.0, &mem, err);
    if (rc)
        return rc;
    rec->memory_bytes = ks_trace_fraction_of(mem, r->opt.machine_memory_bytes);
    return 0;
}

/* Reads rows until one gives a task: 1 (st->x.task filled), 0 at the end. */
static int next_task(ks_trace_reader *r, ks_error *err)
{
    a17_state *st = r->state;
    for (;;) {
        int rc = st->pending ? 1 : ks_csvrow_next(r->csv, err);
        st->pending = 0;
        if (rc <= 0)
            return rc;
        r->stats.rows++;
        if ((rc = ks_trace_want_columns(r, NCOLS, err)))
            return rc;
        ks_trace_pod *t = &st->x.task;
        ks_trace_pod_init(t);
        int64_t create, end, job, task, inst;
        int skip;
        if ((rc = ks_trace_int(r, C_CREATE, names[C_CREATE], INT64_MIN,
                               INT64_MAX, &create, err)) ||
            (rc = ks_trace_int(r, C_END, names[C_END], INT64_MIN, INT64_MAX,
                               &end, err)) ||
            (rc = ks_trace_int(r, C_JOB, names[C_JOB], INT64_MIN, INT64_MAX,
                               &job, err)) ||
            (rc = ks_trace_int(r, C_TASK, names[C_TASK], INT64_MIN, INT64_MAX,
                               &task, err)) ||
            (rc = ks_trace_int(r, C_INST, names[C_INST], 0, INT64_MAX, &inst,
                               err)) ||
            (rc = requests(r, t, &skip, err)))
            return rc;
        if (skip) {
            r->stats.no_request++;
            continue;
        }
        if (inst == 0) {
            r->stats.ignored++;
            continue;
        }
        int ends = is_terminal(ks_csvrow_field(r->csv, C_STATUS));
        if (ends && end < 0) {
            r->stats.ended_before_start++;
            continue;
        }
        if (ends && end < create)
            return ks_trace_fail(r, err, KS_ERANGE,
                                 "%s: %lld is before %s %lld", names[C_END],
                                 (long long)end, names[C_CREATE],
                                 (long long)create);
        int64_t start = create;
        if (start < 0) {
            start = 0;
            r->stats.clamped++;
        }
        if ((rc = ks_trace_seconds(r, names[C_CREATE], start, &t->arrival,
                                   err)) ||
            (ends && (rc = ks_trace_seconds(r, names[C_END], end - start,
                                            &t->duration, err))))
            return rc;
        char name[64];
        snprintf(name, sizeof name, "j%lld-t%lld", (long long)job,
                 (long long)task);
        t->name = ks_trace_buf_set(&st->name, &st->name_cap, name);
        t->instances = inst;
        return 1;
    }
}

static int next_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    a17_state *st = r->state;
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

static void close_state(ks_trace_reader *r)
{
    a17_state *st = r->state;
    if (!st)
        return;
    free(st->name);
    ks_trace_expander_free(&st->x);
    free(st);
}

const ks_trace_format ks_trace_format_alibaba2017 = {
    .name = "alibaba2017",
    .open_pods = open_pods,
    .next_pod = next_pod,
    .close = close_state,
};
