/* trace_spec.c - the scenario language's trace keys: spec.cluster.traceNodes
 * and spec.workloads[i].trace (docs/scenario.md).
 *
 * The trace files are read here, when the scenario is loaded, so that a
 * malformed row is a load error with the trace file's FILE:LINE (exit 2,
 * nothing run) and every run of a sweep reuses the parsed records.
 */
#include "scenarios/trace_spec.h"

#include <stdlib.h>
#include <string.h>

#include "sim/fsutil.h"
#include "sim/xalloc.h"

#define DEFAULT_TRACE_PODS 110

static int load_format(const ks_yt_ctx *c, const ks_yt_node *n, int nodes,
                       char **out)
{
    const char *s;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    int ok = nodes ? ks_trace_format_has_nodes(s) : ks_trace_format_has_pods(s);
    if (!ok)
        return ks_yt_fail(c, n, KS_EINVAL,
                          "unknown trace format \"%s\" for %s (formats: %s)",
                          s, nodes ? "nodes" : "pods",
                          ks_trace_format_names());
    *out = ks_xstrdup(s);
    return 0;
}

static int load_path(const ks_yt_ctx *c, const ks_yt_node *n, char **out)
{
    const char *s;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    if (!*s)
        return ks_yt_fail(c, n, KS_EINVAL, "must not be empty");
    *out = ks_path_relative_to(c->file, s);
    return 0;
}

/* Reader errors name the trace file and row; a file that cannot be opened
 * is reported at the scenario's `file` key instead. */
static int open_failed(const ks_yt_ctx *c, const ks_yt_node *file, int rc)
{
    if (rc == KS_ENOENT || c->err->line == 0)
        return ks_yt_fail(c, file, rc, "%s", c->err->msg);
    return rc;
}

static int read_nodes(const ks_yt_ctx *c, const ks_yt_node *file,
                      ks_trace_node_spec *t)
{
    ks_trace_reader *r = NULL;
    ks_trace_options opt = {0};
    int rc = ks_trace_open_nodes(t->format, t->path, &opt, &r, c->err);
    if (rc)
        return open_failed(c, file, rc);
    rc = ks_trace_load_nodes(r, &t->nodes, c->err);
    ks_trace_close(r);
    if (rc < 0)
        return rc;
    if (t->limit && (int64_t)t->nodes.n > t->limit)
        t->nodes.n = (size_t)t->limit; /* the rest stay owned, unused */
    if (t->nodes.n == 0)
        return ks_yt_fail(c, file, KS_EINVAL, "the trace has no node");
    return 0;
}

int ks_trace_spec_load_nodes(const ks_yt_ctx *c, const ks_yt_node *n,
                             ks_scenario *sc)
{
    const ks_yt_node *format, *file, *limit, *pods;
    const ks_yt_field fields[] = {{"format", 1, &format}, {"file", 1, &file},
                                  {"limit", 0, &limit}, {"pods", 0, &pods},
                                  {NULL, 0, NULL}};
    ks_trace_node_spec *t = ks_xcalloc(1, sizeof *t);
    sc->trace_nodes = t;
    t->pods = DEFAULT_TRACE_PODS;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (rc = load_format(c, format, 1, &t->format)) ||
        (rc = load_path(c, file, &t->path)) ||
        (limit && (rc = ks_yt_int64(c, limit, 0, 1000000, &t->limit))) ||
        (pods && (rc = ks_yt_int64(c, pods, 1, 1000000, &t->pods))))
        return rc;
    return read_nodes(c, file, t);
}

static int read_pods(const ks_yt_ctx *c, const ks_yt_node *file,
                     ks_trace_workload *w)
{
    ks_trace_reader *r = NULL;
    int rc = ks_trace_open_pods(w->format, w->path, &w->opt, &r, c->err);
    if (rc)
        return open_failed(c, file, rc);
    ks_trace_pod rec;
    while ((rc = ks_trace_next_pod(r, &rec, c->err)) == 1) {
        if (w->limit && (int64_t)w->pods.n >= w->limit)
            break;
        ks_trace_pods_push(&w->pods, &rec);
    }
    ks_trace_close(r);
    return rc < 0 ? rc : 0;
}

static int load_arrivals(const ks_yt_ctx *c, const ks_yt_node *n,
                         ks_trace_workload *w)
{
    static const char *const kinds[] = {"trace", "sequential", NULL};
    int which = 0;
    int rc = ks_yt_enum(c, n, "arrivals", kinds, &which);
    w->sequential = which == 1;
    return rc;
}

static int load_durations(const ks_yt_ctx *c, const ks_yt_node *n,
                          ks_trace_workload *w)
{
    static const char *const kinds[] = {"trace", "never", NULL};
    int which = 0;
    int rc = ks_yt_enum(c, n, "durations", kinds, &which);
    w->never_end = which == 1;
    return rc;
}

static int load_fraction(const ks_yt_ctx *c, const ks_yt_node *n, double lo,
                         double hi, double *out)
{
    int rc = ks_yt_number(c, n, out);
    if (!rc && !(*out > lo && *out <= hi))
        return ks_yt_fail(c, n, KS_ERANGE, "must be in (%g, %g]", lo, hi);
    return rc;
}

/* The options that change how the file is read. */
static int load_read_options(const ks_yt_ctx *c, const ks_yt_node *expand,
                             const ks_yt_node *mem, const ks_yt_node *cpu,
                             ks_trace_workload *w)
{
    static const char *const bools[] = {"false", "true", NULL};
    int rc = 0, e = 0;
    if (expand && !(rc = ks_yt_enum(c, expand, "expand", bools, &e)))
        w->opt.expand = e;
    if (!rc && mem)
        rc = ks_yt_quantity(c, mem, 0, &w->opt.machine_memory_bytes);
    if (!rc && cpu)
        rc = ks_yt_quantity(c, cpu, 3, &w->opt.machine_cpu_milli);
    return rc;
}

int ks_trace_spec_load_workload(const ks_yt_ctx *c, const ks_yt_node *n,
                                size_t index, ks_scenario *sc)
{
    const ks_yt_node *name, *format, *file, *limit, *arrivals, *interval,
        *scale, *shuffle, *sample, *inflate, *durations, *expand, *mem, *cpu;
    const ks_yt_field fields[] = {
        {"name", 0, &name},           {"format", 1, &format},
        {"file", 1, &file},           {"limit", 0, &limit},
        {"arrivals", 0, &arrivals},   {"interval", 0, &interval},
        {"timeScale", 0, &scale},     {"shuffle", 0, &shuffle},
        {"sample", 0, &sample},       {"inflate", 0, &inflate},
        {"durations", 0, &durations}, {"expand", 0, &expand},
        {"machineMemory", 0, &mem},   {"machineCPU", 0, &cpu},
        {NULL, 0, NULL}};
    static const char *const bools[] = {"false", "true", NULL};
    ks_trace_workload *w = &sc->traces[sc->ntraces++];
    *w = (ks_trace_workload){.item = index, .interval = 1000000000,
                             .time_scale = 1, .sample = 1};
    int rc;
    const char *s = NULL;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (name && (rc = ks_yt_string(c, name, &s))))
        return rc;
    w->name = s && *s ? ks_xstrdup(s) : ks_xasprintf("trace%zu", index);
    if ((rc = load_format(c, format, 0, &w->format)) ||
        (rc = load_path(c, file, &w->path)) ||
        (limit && (rc = ks_yt_int64(c, limit, 0, INT64_MAX, &w->limit))) ||
        (arrivals && (rc = load_arrivals(c, arrivals, w))) ||
        (interval && (rc = ks_yt_duration(c, interval, &w->interval))) ||
        (scale && (rc = load_fraction(c, scale, 0, 1e9, &w->time_scale))) ||
        (shuffle && (rc = ks_yt_enum(c, shuffle, "shuffle", bools,
                                     &w->shuffle))) ||
        (sample && (rc = load_fraction(c, sample, 0, 1, &w->sample))) ||
        (inflate && (rc = load_fraction(c, inflate, 0, 1000, &w->inflate))) ||
        (durations && (rc = load_durations(c, durations, w))) ||
        (rc = load_read_options(c, expand, mem, cpu, w)))
        return rc;
    if (interval && w->interval <= 0)
        return ks_yt_fail(c, interval, KS_ERANGE, "must be > 0");
    return read_pods(c, file, w);
}

void ks_trace_spec_free(ks_scenario *sc)
{
    for (size_t i = 0; i < sc->ntraces; i++) {
        ks_trace_workload *w = &sc->traces[i];
        free(w->name);
        free(w->format);
        free(w->path);
        ks_trace_pods_free(&w->pods);
    }
    free(sc->traces);
    if (sc->trace_nodes) {
        free(sc->trace_nodes->format);
        free(sc->trace_nodes->path);
        ks_trace_nodes_free(&sc->trace_nodes->nodes);
        free(sc->trace_nodes);
    }
}
