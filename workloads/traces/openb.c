/* openb.c - the Alibaba GPU cluster trace v2023 ("openb", the FGD paper's
 * trace, alibaba/clusterdata cluster-trace-gpu-v2023/csv): pod lists and
 * node lists.
 *
 * Pod lists have a header and either 11 columns
 *   name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,
 *   creation_time,deletion_time,scheduled_time
 * or, in the multigpu* files, the first 5.  Columns are found by their
 * header names, so both variants (and any order) read the same way; other
 * columns are ignored.  creation_time is the arrival and deletion_time -
 * creation_time the duration (seconds); without times a pod arrives at 0
 * and never ends.  The FGD paper's experiments ignore the times (pods
 * arrive one by one, shuffled, and never leave): that is the run's choice,
 * not the reader's.
 *
 * Node lists: sn,cpu_milli,memory_mib,gpu,model.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "workloads/traces/format.h"

enum { P_NAME, P_CPU, P_MEM, P_NGPU, P_GPUMILLI, P_SPEC, P_CREATE, P_DELETE,
       P_NCOLS };
static const char *const pod_columns[P_NCOLS] = {
    "name",     "cpu_milli", "memory_mib",    "num_gpu",
    "gpu_milli", "gpu_spec", "creation_time", "deletion_time"};
#define POD_REQUIRED 5 /* the first five */

enum { N_NAME, N_CPU, N_MEM, N_GPU, N_MODEL, N_NCOLS };
static const char *const node_columns[N_NCOLS] = {"sn", "cpu_milli",
                                                  "memory_mib", "gpu", "model"};
#define NODE_REQUIRED 4

#define MIB (INT64_C(1) << 20)

typedef struct openb_state {
    long col[P_NCOLS]; /* field index of each known column, -1: absent */
    size_t ncols;      /* the header's column count */
} openb_state;

/* Reads the header and finds the known columns (the first `required`
 * must be there). */
static int read_header(ks_trace_reader *r, const char *const *names,
                       size_t nnames, size_t required, const char *what,
                       ks_error *err)
{
    openb_state *st = ks_xcalloc(1, sizeof *st);
    r->state = st;
    for (size_t i = 0; i < nnames; i++)
        st->col[i] = -1;
    int rc = ks_csvrow_next(r->csv, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ks_error_set(err, KS_EPARSE, ks_csvrow_path(r->csv), 1, 0,
                            "empty file: expected an openb %s header", what);
    st->ncols = ks_csvrow_nfields(r->csv);
    for (size_t f = 0; f < st->ncols; f++) {
        const char *h = ks_csvrow_field(r->csv, f);
        for (size_t i = 0; i < nnames; i++) {
            if (strcmp(h, names[i]) != 0)
                continue;
            if (st->col[i] >= 0)
                return ks_trace_fail(r, err, KS_EPARSE,
                                     "duplicate column \"%s\" in the header",
                                     h);
            st->col[i] = (long)f;
        }
    }
    for (size_t i = 0; i < required; i++)
        if (st->col[i] < 0)
            return ks_trace_fail(r, err, KS_EPARSE,
                                 "not an openb %s header: no column \"%s\"",
                                 what, names[i]);
    return 0;
}

static int open_pods(ks_trace_reader *r, ks_error *err)
{
    return read_header(r, pod_columns, P_NCOLS, POD_REQUIRED, "pod list",
                       err);
}

static int open_nodes(ks_trace_reader *r, ks_error *err)
{
    return read_header(r, node_columns, N_NCOLS, NODE_REQUIRED, "node list",
                       err);
}

/* The text of known column c, "" when the file has no such column. */
static const char *text(ks_trace_reader *r, int c)
{
    const openb_state *st = r->state;
    return st->col[c] < 0 ? "" : ks_csvrow_field(r->csv, (size_t)st->col[c]);
}

static int next_row(ks_trace_reader *r, ks_error *err)
{
    const openb_state *st = r->state;
    int rc = ks_csvrow_next(r->csv, err);
    if (rc <= 0)
        return rc;
    r->stats.rows++;
    if ((rc = ks_trace_want_columns(r, st->ncols, err)))
        return rc;
    return 1;
}

/* Optional time column c in seconds: *present 0 when blank. */
static int time_column(ks_trace_reader *r, int c, int64_t *sec, int *present,
                       ks_error *err)
{
    const openb_state *st = r->state;
    *present = !ks_csv_blank(text(r, c));
    if (!*present)
        return 0;
    return ks_trace_int(r, (size_t)st->col[c], pod_columns[c], 0, INT64_MAX,
                        sec, err);
}

static int gpu_request(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    const openb_state *st = r->state;
    int64_t n, milli;
    int rc = ks_trace_int(r, (size_t)st->col[P_NGPU], "num_gpu", 0, INT32_MAX,
                          &n, err);
    if (!rc)
        rc = ks_trace_int(r, (size_t)st->col[P_GPUMILLI], "gpu_milli", 0, 1000,
                          &milli, err);
    if (rc)
        return rc;
    if (n == 0 && milli != 0)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "gpu_milli: must be 0 when num_gpu is 0, got %lld",
                             (long long)milli);
    if (n > 0 && milli == 0)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "gpu_milli: must be 1..1000 when num_gpu is %lld, "
                             "got 0",
                             (long long)n);
    rec->gpu_count = (int32_t)n;
    rec->gpu_milli = (int32_t)milli;
    return 0;
}

static int next_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    const openb_state *st = r->state;
    int rc = next_row(r, err);
    if (rc <= 0)
        return rc;
    ks_trace_pod_init(rec);
    rec->name = text(r, P_NAME);
    if (ks_csv_blank(rec->name))
        return ks_trace_fail(r, err, KS_EPARSE, "name: empty");
    int64_t mib, created = 0, deleted = 0;
    int has_created, has_deleted;
    if ((rc = ks_trace_int(r, (size_t)st->col[P_CPU], "cpu_milli", 0,
                           INT64_MAX, &rec->cpu_milli, err)) ||
        (rc = ks_trace_int(r, (size_t)st->col[P_MEM], "memory_mib", 0,
                           INT64_MAX / MIB, &mib, err)) ||
        (rc = gpu_request(r, rec, err)) ||
        (rc = time_column(r, P_CREATE, &created, &has_created, err)) ||
        (rc = time_column(r, P_DELETE, &deleted, &has_deleted, err)))
        return rc;
    rec->memory_bytes = mib * MIB;
    rec->gpu_models = text(r, P_SPEC);
    if (has_created && (rc = ks_trace_seconds(r, "creation_time", created,
                                              &rec->arrival, err)))
        return rc;
    if (has_deleted) {
        if (deleted < created)
            return ks_trace_fail(r, err, KS_ERANGE,
                                 "deletion_time: %lld is before creation_time "
                                 "%lld",
                                 (long long)deleted, (long long)created);
        if ((rc = ks_trace_seconds(r, "deletion_time", deleted - created,
                                   &rec->duration, err)))
            return rc;
    }
    return 1;
}

static int next_node(ks_trace_reader *r, ks_trace_node *rec, ks_error *err)
{
    const openb_state *st = r->state;
    int rc = next_row(r, err);
    if (rc <= 0)
        return rc;
    memset(rec, 0, sizeof *rec);
    rec->name = text(r, N_NAME);
    rec->gpu_model = text(r, N_MODEL);
    if (ks_csv_blank(rec->name))
        return ks_trace_fail(r, err, KS_EPARSE, "sn: empty");
    int64_t mib, gpus;
    if ((rc = ks_trace_int(r, (size_t)st->col[N_CPU], "cpu_milli", 0,
                           INT64_MAX, &rec->cpu_milli, err)) ||
        (rc = ks_trace_int(r, (size_t)st->col[N_MEM], "memory_mib", 0,
                           INT64_MAX / MIB, &mib, err)) ||
        (rc = ks_trace_int(r, (size_t)st->col[N_GPU], "gpu", 0, INT32_MAX,
                           &gpus, err)))
        return rc;
    rec->memory_bytes = mib * MIB;
    rec->gpu_count = (int32_t)gpus;
    return 1;
}

static void close_state(ks_trace_reader *r)
{
    free(r->state);
}

const ks_trace_format ks_trace_format_openb = {
    .name = "openb",
    .open_pods = open_pods,
    .next_pod = next_pod,
    .open_nodes = open_nodes,
    .next_node = next_node,
    .close = close_state,
};
