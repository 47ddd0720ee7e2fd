/* format.h - what a trace format implements, and the helpers the formats
 * share.  Private to workloads/traces/: users include trace.h.
 *
 * A format is one file (openb.c, alibaba2017.c, ...) exporting one
 * ks_trace_format table; trace.c lists the tables, opens the file (a
 * csvrow reader), fills in the option defaults and keeps the statistics,
 * and calls the table's functions.  A format keeps its own state in
 * r->state (allocated by its open function, freed by its close).
 */
#ifndef KS_TRACE_FORMAT_H
#define KS_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/traces/csvrow.h"
#include "workloads/traces/trace.h"

typedef struct ks_trace_format {
    const char *name;
    /* Pod lists (both NULL when the format has none): open reads the
     * header if any; next returns 1 / 0 / error as ks_trace_next_pod. */
    int (*open_pods)(ks_trace_reader *r, ks_error *err);
    int (*next_pod)(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err);
    /* Node lists, likewise. */
    int (*open_nodes)(ks_trace_reader *r, ks_error *err);
    int (*next_node)(ks_trace_reader *r, ks_trace_node *rec, ks_error *err);
    /* Frees r->state (may be NULL). */
    void (*close)(ks_trace_reader *r);
} ks_trace_format;

struct ks_trace_reader {
    const ks_trace_format *fmt;
    ks_csvrow *csv;
    ks_trace_options opt; /* defaults filled in */
    ks_trace_stats stats;
    int nodes;     /* 1 for a node reader */
    int failed;    /* the error every later call returns (0: none) */
    ks_error last; /* its message */
    void *state;
};

extern const ks_trace_format ks_trace_format_openb;
extern const ks_trace_format ks_trace_format_alibaba2017;
extern const ks_trace_format ks_trace_format_alibaba2018;
extern const ks_trace_format ks_trace_format_alibaba2018_containers;
extern const ks_trace_format ks_trace_format_google2019;
extern const ks_trace_format ks_trace_format_csv;

/* ---- helpers for the current row ----------------------------------------- */

/* Sets err to "FILE:LINE: <message>" at the current row; returns code. */
int ks_trace_fail(ks_trace_reader *r, ks_error *err, int code,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* KS_EPARSE unless the row has exactly n fields. */
int ks_trace_want_columns(ks_trace_reader *r, size_t n, ks_error *err);

/* Field col, called name in messages, as an integer in [min, max]:
 * KS_EPARSE if blank or malformed, KS_ERANGE if out of range. */
int ks_trace_int(ks_trace_reader *r, size_t col, const char *name,
                 int64_t min, int64_t max, int64_t *out, ks_error *err);
/* A plain decimal times 10^scale (csvrow.h), in [min, max]. */
int ks_trace_scaled(ks_trace_reader *r, size_t col, const char *name,
                    int scale, int64_t min, int64_t max, int64_t *out,
                    ks_error *err);
/* A floating-point number in [min, max]. */
int ks_trace_double(ks_trace_reader *r, size_t col, const char *name,
                    double min, double max, double *out, ks_error *err);

/* Whole seconds to ns, KS_ERANGE (naming the column) past int64 ns. */
int ks_trace_seconds(ks_trace_reader *r, const char *name, int64_t s,
                     ks_time *out, ks_error *err);

/* A fraction of a machine size, rounded to the nearest unit. */
int64_t ks_trace_fraction_of(double fraction, int64_t size);

/* Copies s into a growing buffer owned by a format (for record names). */
const char *ks_trace_buf_set(char **buf, size_t *cap, const char *s);

/* Fills a pod record's defaults: instances 1, no GPU, never ends, "". */
void ks_trace_pod_init(ks_trace_pod *rec);

/* Expanding a record that stands for several instances into one record
 * per instance, named <name>-<i> for i = 0 .. instances-1.  The format
 * fills task, calls ks_trace_expand_start, then ks_trace_expand_next
 * yields the instances (0 when none is left). */
typedef struct ks_trace_expander {
    ks_trace_pod task;
    int64_t next, left;
    char *name;
    size_t cap;
} ks_trace_expander;
void ks_trace_expand_start(ks_trace_expander *x);
int ks_trace_expand_next(ks_trace_expander *x, ks_trace_pod *rec);
void ks_trace_expander_free(ks_trace_expander *x);

/* A set of strings (container and machine ids seen): 1 if s was added, 0
 * if it was there. */
typedef struct ks_trace_strset ks_trace_strset;
ks_trace_strset *ks_trace_strset_create(void);
void ks_trace_strset_destroy(ks_trace_strset *s);
int ks_trace_strset_add(ks_trace_strset *s, const char *str);

#endif
