/* csv.c - ksim's own CSV pod list, for researchers' traces.
 *
 * RFC 4180 CSV with a header row naming the columns, in any order:
 *   name        required; the pod's name
 *   cpu         required; a Kubernetes quantity ("500m", "2"); blank = 0
 *   memory      required; a Kubernetes quantity ("512Mi", "1G"); blank = 0
 *   arrival_s   seconds from the trace start, a plain decimal ("12.5"),
 *               exact to the nanosecond; blank or absent = 0
 *   duration_s  seconds the pod runs; blank or absent = never ends
 *   gpu_count   whole GPUs, or 1 for a GPU-sharing pod; blank/absent = 0
 *   gpu_milli   per-GPU share 1..1000; blank/absent = 1000 with GPUs, else 0
 *   gpu_models  allowed GPU models joined by '|'; blank/absent = any
 *   priority    an int32; blank/absent = 0
 * An unknown or repeated column name is an error at line 1 (it catches
 * typos).  docs/traces.md has an example.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/quantity.h"
#include "sim/xalloc.h"
#include "workloads/traces/format.h"

enum { NAME, CPU, MEMORY, ARRIVAL, DURATION, GPU_COUNT, GPU_MILLI, GPU_MODELS,
       PRIORITY, NCOLS };
static const char *const names[NCOLS] = {
    "name",      "cpu",       "memory",     "arrival_s", "duration_s",
    "gpu_count", "gpu_milli", "gpu_models", "priority"};
#define REQUIRED 3 /* name, cpu, memory */

typedef struct csv_state {
    long col[NCOLS];
    size_t ncols;
} csv_state;

static int open_pods(ks_trace_reader *r, ks_error *err)
{
    csv_state *st = ks_xcalloc(1, sizeof *st);
    r->state = st;
    for (int i = 0; i < NCOLS; i++)
        st->col[i] = -1;
    int rc = ks_csvrow_next(r->csv, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ks_error_set(err, KS_EPARSE, ks_csvrow_path(r->csv), 1, 0,
                            "empty file: expected a header such as "
                            "name,arrival_s,duration_s,cpu,memory");
    st->ncols = ks_csvrow_nfields(r->csv);
    for (size_t f = 0; f < st->ncols; f++) {
        const char *h = ks_csvrow_field(r->csv, f);
        int i = 0;
        while (i < NCOLS && strcmp(h, names[i]) != 0)
            i++;
        if (i == NCOLS)
            return ks_trace_fail(
                r, err, KS_EPARSE,
                "unknown column \"%s\" (expected name, arrival_s, duration_s, "
                "cpu, memory, gpu_count, gpu_milli, gpu_models, priority)",
                h);
        if (st->col[i] >= 0)
            return ks_trace_fail(r, err, KS_EPARSE, "duplicate column \"%s\"",
                                 h);
        st->col[i] = (long)f;
    }
    for (int i = 0; i < REQUIRED; i++)
        if (st->col[i] < 0)
            return ks_trace_fail(r, err, KS_EPARSE, "missing column \"%s\"",
                                 names[i]);
    return 0;
}

/* Column c's text, "" when absent. */
static const char *text(ks_trace_reader *r, int c)
{
    const csv_state *st = r->state;
    return st->col[c] < 0 ? "" : ks_csvrow_field(r->csv, (size_t)st->col[c]);
}

/* A quantity column (scale 3: millicores, 0: bytes); blank = 0. */
static int quantity(ks_trace_reader *r, int c, int scale, int64_t *out,
                    ks_error *err)
{
    const char *s = text(r, c);
    *out = 0;
    if (ks_csv_blank(s))
        return 0;
    char q[48], buf[128];
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    int rc = KS_EPARSE;
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        rc = ks_quantity_parse(buf, scale, out);
    }
    if (rc == KS_ERANGE || (rc == 0 && *out < 0))
        return ks_trace_fail(r, err, KS_ERANGE,
                             "%s: must be a non-negative quantity in range, "
                             "got \"%s\"",
                             names[c], ks_csv_quote(s, q));
    if (rc)
        return ks_trace_fail(r, err, KS_EPARSE,
                             "%s: expected a quantity such as 500m, 2, 1Gi, "
                             "got \"%s\"",
                             names[c], ks_csv_quote(s, q));
    return 0;
}

/* A seconds column as ns; *present 0 when blank. */
static int seconds(ks_trace_reader *r, int c, ks_time *out, int *present,
                   ks_error *err)
{
    const csv_state *st = r->state;
    *present = !ks_csv_blank(text(r, c));
    if (!*present)
        return 0;
    return ks_trace_scaled(r, (size_t)st->col[c], names[c], 9, 0, INT64_MAX,
                           out, err);
}

/* An integer column in [min, max]; dflt when blank. */
static int integer(ks_trace_reader *r, int c, int64_t min, int64_t max,
                   int64_t dflt, int64_t *out, ks_error *err)
{
    const csv_state *st = r->state;
    *out = dflt;
    if (ks_csv_blank(text(r, c)))
        return 0;
    return ks_trace_int(r, (size_t)st->col[c], names[c], min, max, out, err);
}

static int next_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    const csv_state *st = r->state;
    int rc = ks_csvrow_next(r->csv, err);
    if (rc <= 0)
        return rc;
    r->stats.rows++;
    if ((rc = ks_trace_want_columns(r, st->ncols, err)))
        return rc;
    ks_trace_pod_init(rec);
    rec->name = text(r, NAME);
    if (ks_csv_blank(rec->name))
        return ks_trace_fail(r, err, KS_EPARSE, "name: empty");
    rec->gpu_models = text(r, GPU_MODELS);
    int has_arrival, has_duration;
    int64_t count, milli, prio;
    if ((rc = quantity(r, CPU, 3, &rec->cpu_milli, err)) ||
        (rc = quantity(r, MEMORY, 0, &rec->memory_bytes, err)) ||
        (rc = seconds(r, ARRIVAL, &rec->arrival, &has_arrival, err)) ||
        (rc = seconds(r, DURATION, &rec->duration, &has_duration, err)) ||
        (rc = integer(r, GPU_COUNT, 0, INT32_MAX, 0, &count, err)) ||
        (rc = integer(r, GPU_MILLI, 0, 1000, count > 0 ? 1000 : 0, &milli,
                      err)) ||
        (rc = integer(r, PRIORITY, INT32_MIN, INT32_MAX, 0, &prio, err)))
        return rc;
    if (!has_duration)
        rec->duration = KS_TIME_NEVER;
    if (count == 0 && milli != 0)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "gpu_milli: must be 0 when gpu_count is 0, got "
                             "%lld",
                             (long long)milli);
    if (count > 0 && milli == 0)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "gpu_milli: must be 1..1000 when gpu_count is "
                             "%lld, got 0",
                             (long long)count);
    rec->gpu_count = (int32_t)count;
    rec->gpu_milli = (int32_t)milli;
    rec->priority = (int32_t)prio;
    return 1;
}

static void close_state(ks_trace_reader *r)
{
    free(r->state);
}

const ks_trace_format ks_trace_format_csv = {
    .name = "csv",
    .open_pods = open_pods,
    .next_pod = next_pod,
    .close = close_state,
};
