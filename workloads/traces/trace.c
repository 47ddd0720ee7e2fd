/* trace.c - the trace reader interface (trace.h): the table of formats,
 * open / next / close with option defaults and statistics, the loaded
 * lists and their string storage, and the row helpers the formats share
 * (format.h).
 */
#include "workloads/traces/trace.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "workloads/traces/format.h"

static const ks_trace_format *const formats[] = {
    &ks_trace_format_openb,
    &ks_trace_format_alibaba2017,
    &ks_trace_format_alibaba2018,
    &ks_trace_format_alibaba2018_containers,
    &ks_trace_format_google2019,
    &ks_trace_format_csv,
};
#define NFORMATS (sizeof formats / sizeof formats[0])

static const ks_trace_format *find_format(const char *name)
{
    for (size_t i = 0; name && i < NFORMATS; i++)
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}

const char *ks_trace_format_names(void)
{
    return "openb, alibaba2017, alibaba2018, alibaba2018-containers, "
           "google2019, csv";
}

int ks_trace_format_has_pods(const char *format)
{
    const ks_trace_format *f = find_format(format);
    return f && f->open_pods;
}

int ks_trace_format_has_nodes(const char *format)
{
    const ks_trace_format *f = find_format(format);
    return f && f->open_nodes;
}

/* ---- open / next / close -------------------------------------------------- */

static int open_reader(const char *format, const char *path,
                       const ks_trace_options *opt, int nodes,
                       ks_trace_reader **out, ks_error *err)
{
    *out = NULL;
    const ks_trace_format *f = find_format(format);
    if (!f)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "unknown trace format \"%s\" (expected one of: "
                            "%s)",
                            format ? format : "", ks_trace_format_names());
    if (nodes ? !f->open_nodes : !f->open_pods)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "trace format \"%s\" has no %s list (node lists: "
                            "openb, alibaba2018)",
                            format, nodes ? "node" : "pod");
    ks_trace_options o = {0};
    if (opt)
        o = *opt;
    if (o.machine_memory_bytes < 0 || o.machine_cpu_milli < 0 ||
        (o.expand != 0 && o.expand != 1))
        return ks_error_set(err, KS_ERANGE, NULL, 0, 0,
                            "trace options: machine sizes must be positive "
                            "and expand 0 or 1");
    if (o.machine_memory_bytes == 0)
        o.machine_memory_bytes = KS_TRACE_DEFAULT_MACHINE_MEMORY;
    if (o.machine_cpu_milli == 0)
        o.machine_cpu_milli = KS_TRACE_DEFAULT_MACHINE_CPU;

    ks_trace_reader *r = ks_xcalloc(1, sizeof *r);
    r->fmt = f;
    r->opt = o;
    r->nodes = nodes;
    int rc = ks_csvrow_open(path, &r->csv, err);
    if (rc == 0)
        rc = nodes ? f->open_nodes(r, err) : f->open_pods(r, err);
    if (rc) {
        ks_trace_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int ks_trace_open_pods(const char *format, const char *path,
                       const ks_trace_options *opt, ks_trace_reader **out,
                       ks_error *err)
{
    return open_reader(format, path, opt, 0, out, err);
}

int ks_trace_open_nodes(const char *format, const char *path,
                        const ks_trace_options *opt, ks_trace_reader **out,
                        ks_error *err)
{
    return open_reader(format, path, opt, 1, out, err);
}

void ks_trace_close(ks_trace_reader *r)
{
    if (!r)
        return;
    if (r->fmt->close)
        r->fmt->close(r);
    ks_csvrow_close(r->csv);
    free(r);
}

/* Latches an error so that later calls repeat it instead of reading on
 * from the middle of a bad row; counts records. */
static int latch(ks_trace_reader *r, int rc, const ks_error *err)
{
    if (rc < 0) {
        r->failed = rc;
        r->last = *err;
    } else if (rc > 0) {
        r->stats.records++;
    }
    return rc;
}

static int repeat_failure(ks_trace_reader *r, ks_error *err)
{
    if (err)
        *err = r->last;
    return r->failed;
}

int ks_trace_next_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    if (r->failed)
        return repeat_failure(r, err);
    if (r->nodes)
        return ks_error_set(err, KS_EINVAL, ks_csvrow_path(r->csv), 0, 0,
                            "this reader reads a node list");
    ks_error local;
    if (!err)
        err = &local;
    return latch(r, r->fmt->next_pod(r, rec, err), err);
}

int ks_trace_next_node(ks_trace_reader *r, ks_trace_node *rec,
                       ks_error *err)
{
    if (r->failed)
        return repeat_failure(r, err);
    if (!r->nodes)
        return ks_error_set(err, KS_EINVAL, ks_csvrow_path(r->csv), 0, 0,
                            "this reader reads a pod list");
    ks_error local;
    if (!err)
        err = &local;
    return latch(r, r->fmt->next_node(r, rec, err), err);
}

void ks_trace_get_stats(const ks_trace_reader *r, ks_trace_stats *out)
{
    *out = r->stats;
}

/* ---- string storage for loaded lists ------------------------------------ */

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
} chunk;

struct ks_trace_strings {
    chunk *head;
};

#define CHUNK_SIZE 65536

/* A copy of s that lives as long as *sp; "" is never copied. */
static const char *strings_copy(struct ks_trace_strings **sp, const char *s)
{
    if (!s || !*s)
        return "";
    if (!*sp)
        *sp = ks_xcalloc(1, sizeof **sp);
    size_t n = strlen(s) + 1;
    chunk *c = (*sp)->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = ks_xmalloc(sizeof *c + size);
        c->used = 0;
        c->size = size;
        c->next = (*sp)->head;
        (*sp)->head = c;
    }
    char *dst = c->data + c->used;
    memcpy(dst, s, n);
    c->used += n;
    return dst;
}

static void strings_free(struct ks_trace_strings *s)
{
    if (!s)
        return;
    for (chunk *c = s->head; c;) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(s);
}

void ks_trace_pods_push(ks_trace_pods *list, const ks_trace_pod *rec)
{
    ks_trace_pod copy = *rec; /* rec may point into list->v, which moves */
    list->v = ks_xgrow(list->v, &list->cap, list->n + 1, sizeof *list->v);
    ks_trace_pod *p = &list->v[list->n++];
    *p = copy;
    p->name = strings_copy(&list->strings, copy.name);
    p->gpu_models = strings_copy(&list->strings, copy.gpu_models);
}

void ks_trace_pods_free(ks_trace_pods *list)
{
    if (!list)
        return;
    free(list->v);
    strings_free(list->strings);
    memset(list, 0, sizeof *list);
}

int ks_trace_load_pods(ks_trace_reader *r, ks_trace_pods *out, ks_error *err)
{
    ks_trace_pod rec;
    int rc;
    while ((rc = ks_trace_next_pod(r, &rec, err)) > 0)
        ks_trace_pods_push(out, &rec);
    return rc;
}

int ks_trace_load_nodes(ks_trace_reader *r, ks_trace_nodes *out,
                        ks_error *err)
{
    ks_trace_node rec;
    int rc;
    while ((rc = ks_trace_next_node(r, &rec, err)) > 0) {
        out->v = ks_xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
        ks_trace_node *n = &out->v[out->n++];
        *n = rec;
        n->name = strings_copy(&out->strings, rec.name);
        n->gpu_model = strings_copy(&out->strings, rec.gpu_model);
    }
    return rc;
}

void ks_trace_nodes_free(ks_trace_nodes *list)
{
    if (!list)
        return;
    free(list->v);
    strings_free(list->strings);
    memset(list, 0, sizeof *list);
}

typedef struct arrival_key {
    ks_time arrival;
    size_t index;
} arrival_key;

static int cmp_arrival(const void *a, const void *b)
{
    const arrival_key *x = a, *y = b;
    if (x->arrival != y->arrival)
        return x->arrival < y->arrival ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void ks_trace_sort_by_arrival(ks_trace_pods *list)
{
    size_t n = list->n;
    if (n < 2)
        return;
    arrival_key *keys = ks_xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        keys[i].arrival = list->v[i].arrival;
        keys[i].index = i;
    }
    /* The index breaks ties, so qsort's instability cannot show. */
    qsort(keys, n, sizeof *keys, cmp_arrival);
    ks_trace_pod *sorted = ks_xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = list->v[keys[i].index];
    free(list->v);
    free(keys);
    list->v = sorted;
    list->cap = n;
}

/* ---- row helpers (format.h) ------------------------------------------------ */

int ks_trace_fail(ks_trace_reader *r, ks_error *err, int code,
                  const char *fmt, ...)
{
    char msg[KS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ks_error_set(err, code, ks_csvrow_path(r->csv),
                        ks_csvrow_line(r->csv), 0, "%s", msg);
}

int ks_trace_want_columns(ks_trace_reader *r, size_t n, ks_error *err)
{
    size_t got = ks_csvrow_nfields(r->csv);
    if (got == n)
        return 0;
    return ks_trace_fail(r, err, KS_EPARSE, "expected %zu columns, got %zu",
                         n, got);
}

static int range_fail(ks_trace_reader *r, const char *name, const char *text,
                      int64_t min, int64_t max, ks_error *err)
{
    char q[48];
    if (min == 0 && max == INT64_MAX)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "%s: must not be negative, got \"%s\"", name,
                             ks_csv_quote(text, q));
    return ks_trace_fail(r, err, KS_ERANGE,
                         "%s: must be between %lld and %lld, got \"%s\"", name,
                         (long long)min, (long long)max,
                         ks_csv_quote(text, q));
}

int ks_trace_int(ks_trace_reader *r, size_t col, const char *name,
                 int64_t min, int64_t max, int64_t *out, ks_error *err)
{
    const char *s = ks_csvrow_field(r->csv, col);
    char q[48];
    int rc = ks_csv_parse_i64(s, out);
    if (rc == KS_EPARSE)
        return ks_trace_fail(r, err, KS_EPARSE,
                             "%s: expected an integer, got \"%s\"", name,
                             ks_csv_quote(s, q));
    if (rc || *out < min || *out > max)
        return range_fail(r, name, s, min, max, err);
    return 0;
}

int ks_trace_scaled(ks_trace_reader *r, size_t col, const char *name,
                    int scale, int64_t min, int64_t max, int64_t *out,
                    ks_error *err)
{
    const char *s = ks_csvrow_field(r->csv, col);
    char q[48];
    int rc = ks_csv_parse_scaled(s, scale, out);
    if (rc == KS_EPARSE)
        return ks_trace_fail(r, err, KS_EPARSE,
                             "%s: expected a number, got \"%s\"", name,
                             ks_csv_quote(s, q));
    if (rc || *out < min || *out > max) {
        char q2[48];
        if (min == 0 && max == INT64_MAX)
            return ks_trace_fail(r, err, KS_ERANGE,
                                 "%s: must not be negative, got \"%s\"", name,
                                 ks_csv_quote(s, q2));
        return ks_trace_fail(r, err, KS_ERANGE, "%s: out of range, got \"%s\"",
                             name, ks_csv_quote(s, q2));
    }
    return 0;
}

int ks_trace_double(ks_trace_reader *r, size_t col, const char *name,
                    double min, double max, double *out, ks_error *err)
{
    const char *s = ks_csvrow_field(r->csv, col);
    char q[48];
    if (ks_csv_parse_double(s, out))
        return ks_trace_fail(r, err, KS_EPARSE,
                             "%s: expected a number, got \"%s\"", name,
                             ks_csv_quote(s, q));
    if (*out < min || *out > max)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "%s: must be between %g and %g, got \"%s\"", name,
                             min, max, ks_csv_quote(s, q));
    return 0;
}

int ks_trace_seconds(ks_trace_reader *r, const char *name, int64_t s,
                     ks_time *out, ks_error *err)
{
    if (s > INT64_MAX / KS_SECOND || s < -(INT64_MAX / KS_SECOND))
        return ks_trace_fail(r, err, KS_ERANGE,
                             "%s: %lld seconds is beyond the time range",
                             name, (long long)s);
    *out = s * KS_SECOND;
    return 0;
}

int64_t ks_trace_fraction_of(double fraction, int64_t size)
{
    double v = fraction * (double)size;
    if (v >= 9.2e18)
        return INT64_MAX;
    return (int64_t)llround(v);
}

const char *ks_trace_buf_set(char **buf, size_t *cap, const char *s)
{
    size_t n = strlen(s) + 1;
    *buf = ks_xgrow(*buf, cap, n, 1);
    memcpy(*buf, s, n);
    return *buf;
}

void ks_trace_pod_init(ks_trace_pod *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->name = "";
    rec->gpu_models = "";
    rec->duration = KS_TIME_NEVER;
    rec->instances = 1;
}

void ks_trace_expand_start(ks_trace_expander *x)
{
    x->next = 0;
    x->left = x->task.instances;
}

int ks_trace_expand_next(ks_trace_expander *x, ks_trace_pod *rec)
{
    if (x->left <= 0)
        return 0;
    char suffix[32];
    int n = snprintf(suffix, sizeof suffix, "-%lld", (long long)x->next);
    size_t base = strlen(x->task.name);
    x->name = ks_xgrow(x->name, &x->cap, base + (size_t)n + 1, 1);
    memcpy(x->name, x->task.name, base); /* task.name is the format's */
    memcpy(x->name + base, suffix, (size_t)n + 1);
    *rec = x->task;
    rec->name = x->name;
    rec->instances = 1;
    x->next++;
    x->left--;
    return 1;
}

void ks_trace_expander_free(ks_trace_expander *x)
{
    free(x->name);
    x->name = NULL;
    x->cap = 0;
}

/* ---- a string set: open addressing, FNV-1a ------------------------------- */

struct ks_trace_strset {
    char **slots;
    size_t cap, n; /* cap is a power of two */
    struct ks_trace_strings *strings;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

ks_trace_strset *ks_trace_strset_create(void)
{
    ks_trace_strset *s = ks_xcalloc(1, sizeof *s);
    s->cap = 1024;
    s->slots = ks_xcalloc(s->cap, sizeof *s->slots);
    return s;
}

void ks_trace_strset_destroy(ks_trace_strset *s)
{
    if (!s)
        return;
    free(s->slots);
    strings_free(s->strings);
    free(s);
}

static void strset_insert(char **slots, size_t cap, char *str)
{
    size_t i = fnv1a(str) & (cap - 1);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = str;
}

int ks_trace_strset_add(ks_trace_strset *s, const char *str)
{
    size_t i = fnv1a(str) & (s->cap - 1);
    for (; s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (strcmp(s->slots[i], str) == 0)
            return 0;
    if (2 * (s->n + 1) > s->cap) { /* keep the load at most 1/2 */
        size_t cap = 2 * s->cap;
        char **slots = ks_xcalloc(cap, sizeof *slots);
        for (size_t j = 0; j < s->cap; j++)
            if (s->slots[j])
                strset_insert(slots, cap, s->slots[j]);
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    /* "" is stored as a copy too, so every slot is distinct memory. */
    const char *copy = *str ? strings_copy(&s->strings, str) : "";
    strset_insert(s->slots, s->cap, (char *)copy);
    s->n++;
    return 1;
}
