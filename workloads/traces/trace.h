/* trace.h - reading public cluster traces as ksim pods and nodes.
 *
 * A trace reader is opened on one file of one format, yields records one at
 * a time and is closed.  It streams: it holds a buffer and the current row,
 * never the file (traces can be gigabytes), and yields records in the
 * file's order.  Putting them in arrival order is not its job: several
 * published files are not sorted by time (see docs/traces.md), and
 * ks_trace_sort_by_arrival does it for a loaded list.
 *
 * Formats (docs/traces.md has every column and unit):
 *   "openb"                  Alibaba GPU cluster trace v2023 (the FGD
 *                            paper's): pod lists (11 or 5 columns) and
 *                            node lists
 *   "alibaba2017"            cluster-trace-v2017 batch_task.csv
 *   "alibaba2018"            cluster-trace-v2018 batch_task.csv (pods) and
 *                            machine_meta.csv (nodes)
 *   "alibaba2018-containers" cluster-trace-v2018 container_meta.csv
 *   "google2019"             Google clusterdata-2019 instance_events, as
 *                            newline-delimited JSON
 *   "csv"                    ksim's own CSV for researchers' traces
 *
 * Errors: a malformed row is KS_EPARSE (or KS_ERANGE for a well-formed
 * value out of range) with the file and the row's line in the ks_error, so
 * it prints as FILE:LINE: message.  A file that cannot be opened is
 * KS_ENOENT.  Rows that are real but carry no pod (an Alibaba task without
 * requests) are skipped and counted in ks_trace_stats, not errors.
 *
 * Ownership: ks_trace_open_* makes a reader owned by the caller
 * (ks_trace_close accepts NULL).  The strings of a record filled by
 * ks_trace_next_pod / ks_trace_next_node belong to the reader and stay
 * valid until the next call on it or its close.  A ks_trace_pods list owns
 * its records' strings (copied in); ks_trace_pods_free releases them.
 */
#ifndef KS_TRACE_H
#define KS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/error.h"

/* A node of a node list. */
typedef struct ks_trace_node {
    const char *name;
    int64_t cpu_milli;    /* 1000 = one core */
    int64_t memory_bytes;
    int32_t gpu_count;
    const char *gpu_model; /* "" for a node without GPUs or an unknown model */
} ks_trace_node;

/* A pod of a pod list (or the pods of one trace row). */
typedef struct ks_trace_pod {
    const char *name;   /* the trace's id; not always a valid Kubernetes name */
    ks_time arrival;    /* ns from the trace start, >= 0 (earlier times are
                           moved to 0, see ks_trace_stats.clamped) */
    ks_time duration;   /* ns it runs, as the trace tells it: deletion -
                           creation (openb, Alibaba), first SCHEDULE to end
                           (Google); KS_TIME_NEVER: never ends or unknown */
    int64_t cpu_milli;  /* request; 1000 = one core */
    int64_t memory_bytes;
    int32_t gpu_count;  /* whole GPUs, or 1 for a GPU-sharing pod */
    int32_t gpu_milli;  /* per-GPU share 1..1000 when gpu_count > 0, else 0 */
    const char *gpu_models; /* allowed GPU models joined by '|'; "" = any */
    int32_t priority;   /* the trace's priority, 0 if it has none */
    int64_t instances;  /* identical pods this record stands for: 1, except
                           Alibaba batch tasks read with expand = 0, where it
                           is the task's instance count (a Job's
                           parallelism) */
} ks_trace_pod;

/* Format options; zero means the documented default. */
typedef struct ks_trace_options {
    /* Alibaba batch tasks: 0 (default) gives one record per task with
     * `instances` set to its instance count; 1 gives one record per
     * instance (named <task>-<i>, instances = 1). */
    int expand;
    /* What normalized memory 1.0 is, in bytes: Alibaba 2017 (plan_mem in
     * [0, 1]), Alibaba 2018 (mem in [0, 100], 100 = 1.0) and Google 2019
     * (memory in [0, 1]).  The traces hide it; default
     * KS_TRACE_DEFAULT_MACHINE_MEMORY. */
    int64_t machine_memory_bytes;
    /* What normalized CPU 1.0 is, in millicores (Google 2019's NCUs);
     * default KS_TRACE_DEFAULT_MACHINE_CPU. */
    int64_t machine_cpu_milli;
} ks_trace_options;

#define KS_TRACE_DEFAULT_MACHINE_MEMORY (INT64_C(128) << 30) /* 128 GiB */
#define KS_TRACE_DEFAULT_MACHINE_CPU INT64_C(64000)         /* 64 cores */

/* What a reader has seen so far. */
typedef struct ks_trace_stats {
    uint64_t rows;       /* data rows (JSON lines) read, headers excluded */
    uint64_t records;    /* records returned */
    uint64_t no_request; /* rows skipped: no resource request (empty
                            Alibaba plan_cpu/plan_mem, a Google instance
                            never given a request) */
    uint64_t ended_before_start; /* rows skipped: ended before time 0 */
    uint64_t ignored;    /* rows that add no pod by design: a container's or
                            machine's later rows, Google events other than
                            a new instance's SUBMIT or its end, alloc-set
                            instances, events of instances never submitted */
    uint64_t clamped;    /* records that began before time 0, moved to 0 */
} ks_trace_stats;

typedef struct ks_trace_reader ks_trace_reader;

/* Opens a pod (or node) reader on path.  opt may be NULL (defaults).
 * KS_EINVAL for an unknown format or a format without that kind of list
 * (the message lists the formats), KS_ERANGE for a bad option, KS_ENOENT
 * when the file cannot be opened, KS_EIO when it cannot be read, KS_EPARSE
 * for a bad header. */
int ks_trace_open_pods(const char *format, const char *path,
                       const ks_trace_options *opt, ks_trace_reader **out,
                       ks_error *err);
int ks_trace_open_nodes(const char *format, const char *path,
                        const ks_trace_options *opt, ks_trace_reader **out,
                        ks_error *err);
void ks_trace_close(ks_trace_reader *r);

/* The next record: 1 when *rec was filled, 0 at the end of the trace, or
 * a negative ks_err (err has FILE:LINE).  After an error the reader only
 * returns that error again. */
int ks_trace_next_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err);
int ks_trace_next_node(ks_trace_reader *r, ks_trace_node *rec,
                       ks_error *err);

void ks_trace_get_stats(const ks_trace_reader *r, ks_trace_stats *out);

/* "openb, alibaba2017, ..." for messages; which formats have pod / node
 * lists. */
const char *ks_trace_format_names(void);
int ks_trace_format_has_pods(const char *format);
int ks_trace_format_has_nodes(const char *format);

/* ---- loaded lists -------------------------------------------------------- */

/* A list of pods that owns its strings.  v and n are public; a zeroed
 * struct is an empty list. */
typedef struct ks_trace_pods {
    ks_trace_pod *v;
    size_t n;
    size_t cap;
    struct ks_trace_strings *strings; /* private: owns names and models */
} ks_trace_pods;

/* Appends a copy of *rec (its strings copied). */
void ks_trace_pods_push(ks_trace_pods *list, const ks_trace_pod *rec);
/* Frees the records and strings; leaves an empty list.  Accepts NULL. */
void ks_trace_pods_free(ks_trace_pods *list);

/* Reads every remaining pod of r and appends it to *out (which may hold
 * pods already).  On error *out keeps what was read before it. */
int ks_trace_load_pods(ks_trace_reader *r, ks_trace_pods *out,
                       ks_error *err);

/* Sorts by arrival, keeping the file order among equal arrivals. */
void ks_trace_sort_by_arrival(ks_trace_pods *list);

/* A node list read whole, for node files (small: one row per machine). */
typedef struct ks_trace_nodes {
    ks_trace_node *v;
    size_t n;
    size_t cap;
    struct ks_trace_strings *strings;
} ks_trace_nodes;
int ks_trace_load_nodes(ks_trace_reader *r, ks_trace_nodes *out,
                        ks_error *err);
void ks_trace_nodes_free(ks_trace_nodes *list);

#endif
