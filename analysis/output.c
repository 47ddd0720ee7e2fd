/* output.c - the run dataset: writes and reads ksim's HDF5 file (layout 1).
 *
 * One file per run, described field by field in docs/output.md.  Three rules
 * shape this file:
 *
 *  - Determinism.  The same run must give a byte-identical file, so object
 *    timestamps are disabled on every object, the objects are written in a
 *    fixed order, fixed-length strings are zero-padded and nothing reads the
 *    wall clock.
 *  - Atomicity.  The file is written under a temporary name in the target's
 *    folder and renamed over the target only once complete, so a crash or a
 *    full disk never leaves a half-written result under the real name.
 *  - Errors are values.  HDF5's own error-stack printing is silenced while
 *    ksim calls it; a failure becomes one KS_EHDF5 message naming the file,
 *    the object and HDF5's innermost reason.  A corrupt or foreign file given
 *    to ks_output_read is an error, never a crash or an abort.
 *
 * The tables are described once (table/field arrays below) and both the
 * writer and the reader derive their HDF5 compound types from those
 * descriptions, so the two cannot drift apart.
 */
#include "analysis/output.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "analysis/h5util.h"
#include "sim/resources.h"
#include "policies/registry.h"
#include "sim/fsutil.h"
#include "scenarios/cp_run.h"
#include "scenarios/cp_spec.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "sim/xalloc.h"

/* Rows per chunk of a table: large enough for good compression, small enough
 * that reading a few rows does not inflate megabytes. */
#define CHUNK_ROWS 4096
#define DEFLATE_LEVEL 4

/* ---- table descriptions --------------------------------------------------- */

typedef enum field_kind { F_NAME, F_TEXT, F_F64, F_I32, F_U32, F_I64 } field_kind;

/* F_TEXT: a fixed-length string for messages (longer ones are cut). */
#define KS_TEXT_MAX 256

typedef struct field {
    const char *name; /* member name in the file */
    field_kind kind;
    size_t offset;    /* in the in-memory row struct */
    const char *unit; /* stored in the dataset's `units` attribute */
} field;

typedef struct table {
    const char *path;
    const char *description;
    const field *fields;
    size_t nfields;
    size_t row_size; /* of the in-memory row struct */
} table;

#define FIELD(type, member, fname, kind, unit)                                 \
    {fname, kind, offsetof(type, member), unit}

static const field pod_fields[] = {
    FIELD(ks_pod_row, name, "name", F_NAME, "-"),
    FIELD(ks_pod_row, submit, "submit_s", F_F64, "s"),
    FIELD(ks_pod_row, scheduled, "scheduled_s", F_F64, "s"),
    FIELD(ks_pod_row, start, "start_s", F_F64, "s"),
    FIELD(ks_pod_row, end, "end_s", F_F64, "s"),
    FIELD(ks_pod_row, node, "node", F_I32, "index"),
    FIELD(ks_pod_row, attempts, "attempts", F_U32, "count"),
    FIELD(ks_pod_row, cpu_request, "cpu_request_m", F_I64, "millicores"),
    FIELD(ks_pod_row, memory_request, "memory_request_bytes", F_I64,
          "bytes"),
    FIELD(ks_pod_row, cycle_time, "cycle_time_s", F_F64, "s"),
    FIELD(ks_pod_row, queue_wait, "queue_wait_s", F_F64, "s"),
    FIELD(ks_pod_row, rejected_by, "rejected_by", F_U32, "bitmask"),
    FIELD(ks_pod_row, priority, "priority", F_I32, "-"),
    FIELD(ks_pod_row, preempted_by, "preempted_by", F_I32, "index"),
    FIELD(ks_pod_row, victims, "victims", F_U32, "pods"),
};

static const field plugin_fields[] = {
    FIELD(ks_plugin_row, profile, "profile", F_NAME, "-"),
    FIELD(ks_plugin_row, plugin, "plugin", F_NAME, "-"),
    FIELD(ks_plugin_row, pre_filter_rejections, "pre_filter_rejections",
          F_I64, "cycles"),
    FIELD(ks_plugin_row, filter_calls, "filter_calls", F_I64, "nodes"),
    FIELD(ks_plugin_row, filter_rejections, "filter_rejections", F_I64,
          "nodes"),
    FIELD(ks_plugin_row, score_calls, "score_calls", F_I64, "nodes"),
    FIELD(ks_plugin_row, reserve_rejections, "reserve_rejections", F_I64,
          "cycles"),
    FIELD(ks_plugin_row, permit_rejections, "permit_rejections", F_I64,
          "cycles"),
    FIELD(ks_plugin_row, time_share, "time_share", F_F64, "fraction"),
};

static const field gpu_alloc_fields[] = {
    FIELD(ks_gpu_alloc_row, arrived_pct, "arrived_pct", F_I32, "percent"),
    FIELD(ks_gpu_alloc_row, alloc_pct, "alloc_pct", F_F64, "percent"),
    FIELD(ks_gpu_alloc_row, frag_pct, "frag_pct", F_F64, "percent"),
    FIELD(ks_gpu_alloc_row, frag_ratio_pct, "frag_ratio_pct", F_F64,
          "percent"),
    FIELD(ks_gpu_alloc_row, events, "events", F_I64, "count"),
};

static const field node_fields[] = {
    FIELD(ks_node_row, name, "name", F_NAME, "-"),
    FIELD(ks_node_row, cpu_allocatable, "cpu_allocatable_m", F_I64,
          "millicores"),
    FIELD(ks_node_row, memory_allocatable, "memory_allocatable_bytes", F_I64,
          "bytes"),
    FIELD(ks_node_row, pods_allocatable, "pods_allocatable", F_I64, "pods"),
};

static const field sample_fields[] = {
    FIELD(ks_sample, time, "time_s", F_F64, "s"),
    FIELD(ks_sample, pods_pending, "pods_pending", F_I64, "pods"),
    FIELD(ks_sample, pods_running, "pods_running", F_I64, "pods"),
    FIELD(ks_sample, cpu_allocated, "cpu_allocated", F_F64, "fraction"),
    FIELD(ks_sample, memory_allocated, "memory_allocated", F_F64,
          "fraction"),
    FIELD(ks_sample, queue_active, "queue_active", F_I64, "pods"),
    FIELD(ks_sample, queue_backoff, "queue_backoff", F_I64, "pods"),
    FIELD(ks_sample, queue_unschedulable, "queue_unschedulable", F_I64,
          "pods"),
};

/* ---- control-plane tables (spec.controlPlane runs) ---- */

typedef struct pod_event_row {
    double time;
    char pod[KS_NAME_MAX];
    char node[KS_NAME_MAX];
    char event[KS_NAME_MAX];
    char reason[KS_NAME_MAX];
} pod_event_row;

typedef struct deployment_row {
    double time;
    char deployment[KS_NAME_MAX];
    int32_t replicas, updated, ready, available;
} deployment_row;

typedef struct service_row {
    double time;
    char service[KS_NAME_MAX];
    int32_t ready_endpoints;
    int64_t requests, ok, failed, rejected;
    double zero_endpoints;
} service_row;

typedef struct hpa_row {
    double time;
    char hpa[KS_NAME_MAX];
    int32_t current_replicas, desired_replicas, cpu_utilization;
} hpa_row;

typedef struct action_row {
    double time;
    char action[KS_NAME_MAX];
    char user[KS_NAME_MAX];
    char target[KS_NAME_MAX];
    int32_t allowed, applied;
    char reason[KS_TEXT_MAX];
} action_row;

static const field pod_event_fields[] = {
    FIELD(pod_event_row, time, "time_s", F_F64, "s"),
    FIELD(pod_event_row, pod, "pod", F_NAME, "-"),
    FIELD(pod_event_row, node, "node", F_NAME, "-"),
    FIELD(pod_event_row, event, "event", F_NAME, "-"),
    FIELD(pod_event_row, reason, "reason", F_NAME, "-"),
};

static const field deployment_fields[] = {
    FIELD(deployment_row, time, "time_s", F_F64, "s"),
    FIELD(deployment_row, deployment, "deployment", F_NAME, "-"),
    FIELD(deployment_row, replicas, "replicas", F_I32, "pods"),
    FIELD(deployment_row, updated, "updated", F_I32, "pods"),
    FIELD(deployment_row, ready, "ready", F_I32, "pods"),
    FIELD(deployment_row, available, "available", F_I32, "pods"),
};

static const field service_fields[] = {
    FIELD(service_row, time, "time_s", F_F64, "s"),
    FIELD(service_row, service, "service", F_NAME, "-"),
    FIELD(service_row, ready_endpoints, "ready_endpoints", F_I32, "pods"),
    FIELD(service_row, requests, "requests", F_I64, "count"),
    FIELD(service_row, ok, "ok", F_I64, "count"),
    FIELD(service_row, failed, "failed", F_I64, "count"),
    FIELD(service_row, rejected, "rejected", F_I64, "count"),
    FIELD(service_row, zero_endpoints, "zero_endpoints_s", F_F64, "s"),
};

static const field hpa_fields[] = {
    FIELD(hpa_row, time, "time_s", F_F64, "s"),
    FIELD(hpa_row, hpa, "hpa", F_NAME, "-"),
    FIELD(hpa_row, current_replicas, "current_replicas", F_I32, "pods"),
    FIELD(hpa_row, desired_replicas, "desired_replicas", F_I32, "pods"),
    FIELD(hpa_row, cpu_utilization, "cpu_utilization_pct", F_I32, "percent"),
};

static const field action_fields[] = {
    FIELD(action_row, time, "time_s", F_F64, "s"),
    FIELD(action_row, action, "action", F_NAME, "-"),
    FIELD(action_row, user, "user", F_NAME, "-"),
    FIELD(action_row, target, "target", F_NAME, "-"),
    FIELD(action_row, allowed, "allowed", F_I32, "bool"),
    FIELD(action_row, applied, "applied", F_I32, "bool"),
    FIELD(action_row, reason, "reason", F_TEXT, "-"),
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const table pod_events_table = {
    "/pod_events",
    "One row per pod lifecycle event, in time order: Created, Scheduled, "
    "Pulling, Pulled, Started, Ready, NotReady, Killing, Evicted, OOMKilled, "
    "BackOff, Succeeded, Failed, Deleted. pod is namespace/name; node is "
    "empty before the pod is bound; reason as the component gives it.",
    pod_event_fields, NELEMS(pod_event_fields), sizeof(pod_event_row)};

static const table deployments_table = {
    "/deployments",
    "Each Deployment's status at every metrics sample (t = 0, every "
    "interval, the end): spec.replicas and status updatedReplicas, "
    "readyReplicas, availableReplicas.",
    deployment_fields, NELEMS(deployment_fields), sizeof(deployment_row)};

static const table services_table = {
    "/services",
    "Each Service of spec.traffic at every metrics sample: its ready "
    "endpoints (EndpointSlice) and its requests since t = 0: ok, failed (sent "
    "to a backend that was gone or not running), rejected (no endpoint "
    "programmed in kube-proxy), and the time with no programmed endpoint.",
    service_fields, NELEMS(service_fields), sizeof(service_row)};

static const table hpas_table = {
    "/hpas",
    "Each HorizontalPodAutoscaler's status at every metrics sample, as the "
    "HPA controller last wrote it: status.currentReplicas and "
    "desiredReplicas, and the pods' mean CPU usage in percent of their "
    "requests (-1 before the first sync or when no metric was computed).",
    hpa_fields, NELEMS(hpa_fields), sizeof(hpa_row)};

static const table actions_table = {
    "/actions",
    "One row per spec.actions item performed: when, what, as whom, on what; "
    "allowed by RBAC, applied, and the reason when denied (the API server's "
    "forbidden message), failed or skipped (a rollback to the current "
    "template).",
    action_fields, NELEMS(action_fields), sizeof(action_row)};

static const table pods_table = {
    "/pods",
    "One row per pod, in submission (pod index) order. Times are simulated "
    "seconds since the start of the run; NaN means the event did not happen "
    "before the run ended. node is a row index into /nodes, -1 if the pod was "
    "never bound. cycle_time_s is the simulated time its scheduling cycles "
    "took, queue_wait_s the rest of submit-to-scheduled. rejected_by has bit "
    "i set when plugin i of /meta's rejected_by_bits rejected the pod in at "
    "least one cycle. preempted_by is the row of the pod whose preemption "
    "deleted this one (-1 if none); victims counts the pods this one "
    "preempted.",
    pod_fields, NELEMS(pod_fields), sizeof(ks_pod_row)};

static const table plugins_table = {
    "/scheduler_plugins",
    "One row per plugin of each scheduler profile: how often its PreFilter "
    "rejected a pod, on how many nodes its Filter ran and rejected, how many "
    "nodes it scored. Counts, not wall time, so runs stay reproducible; "
    "filter_calls and score_calls are each plugin's share of the work.",
    plugin_fields, NELEMS(plugin_fields), sizeof(ks_plugin_row)};

static const table nodes_table = {
    "/nodes",
    "One row per node, in node index order (the index /pods.node refers to).",
    node_fields, NELEMS(node_fields), sizeof(ks_node_row)};

static const table gpu_alloc_table = {
    "/gpu_alloc",
    "GPU allocation against arrived GPU demand (the FGD paper's measure), "
    "one row per integer percentage 0..130 of the cluster's GPU capacity: "
    "the mean over the pod events (placements and drops) whose arrived GPU "
    "demand, rounded to an integer percentage, is arrived_pct; events = 0 "
    "means the row is the mean of its neighbours' events (NaN if none).",
    gpu_alloc_fields, NELEMS(gpu_alloc_fields), sizeof(ks_gpu_alloc_row)};

static const table timeseries_table = {
    "/timeseries",
    "Cluster metrics sampled at t = 0, every metrics interval and at the end "
    "of the run. cpu_allocated and memory_allocated are requested over "
    "allocatable summed over all nodes (0 when nothing is allocatable).",
    sample_fields, NELEMS(sample_fields), sizeof(ks_sample)};

/* ---- HDF5 plumbing ---------------------------------------------------------- */

/* Where HDF5 errors go: the user's path (not the temporary name) and the
 * caller's ks_error. */
typedef struct h5ctx {
    hid_t file;
    const char *path;
    ks_error *err;
    off_t file_size; /* reader only: bounds allocations, see rows_bound */
} h5ctx;

/* HDF5 errors become KS_EHDF5 naming the file (analysis/h5util.h). */
#define h5_fail(x, ...) ks_h5_fail((x)->err, (x)->path, KS_EHDF5, __VA_ARGS__)

/* Fixed-length, NUL-terminated, zero-padded: table names have a known bound
 * (KS_NAME_MAX) and fixed strings keep rows fixed-size and compressible. */
static hid_t fixed_string_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, size) < 0 ||
        H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* Variable-length UTF-8: what h5py reads back as str. */
static hid_t vlen_string_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* The member type of a field: native in memory, little-endian standard
 * types in the file so the bytes do not depend on the writing machine.
 * Returns a type the caller closes. */
static hid_t member_type(field_kind kind, int in_file)
{
    switch (kind) {
    case F_NAME:
        return fixed_string_type(KS_NAME_MAX);
    case F_TEXT:
        return fixed_string_type(KS_TEXT_MAX);
    case F_F64:
        return H5Tcopy(in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
    case F_I32:
        return H5Tcopy(in_file ? H5T_STD_I32LE : H5T_NATIVE_INT32);
    case F_U32:
        return H5Tcopy(in_file ? H5T_STD_U32LE : H5T_NATIVE_UINT32);
    case F_I64:
        return H5Tcopy(in_file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
    }
    return H5I_INVALID_HID;
}

/* The compound type of a table: the row struct's layout in memory, packed
 * in field order in the file. */
static hid_t compound_type(const table *t, int in_file)
{
    size_t size = 0;
    hid_t members[16];
    if (t->nfields > NELEMS(members))
        return H5I_INVALID_HID;
    for (size_t i = 0; i < t->nfields; i++)
        members[i] = H5I_INVALID_HID;
    hid_t ct = H5I_INVALID_HID;
    for (size_t i = 0; i < t->nfields; i++) {
        members[i] = member_type(t->fields[i].kind, in_file);
        if (members[i] < 0)
            goto done;
        size += H5Tget_size(members[i]);
    }
    ct = H5Tcreate(H5T_COMPOUND, in_file ? size : t->row_size);
    size_t offset = 0;
    for (size_t i = 0; ct >= 0 && i < t->nfields; i++) {
        size_t at = in_file ? offset : t->fields[i].offset;
        if (H5Tinsert(ct, t->fields[i].name, at, members[i]) < 0) {
            H5Tclose(ct);
            ct = H5I_INVALID_HID;
        }
        offset += H5Tget_size(members[i]);
    }
done:
    for (size_t i = 0; i < t->nfields; i++)
        ks_h5_close(members[i]);
    return ct;
}

/* ---- writing attributes ------------------------------------------------------ */

static int write_attr(const h5ctx *x, hid_t obj, const char *objname,
                      const char *name, hid_t type, hid_t space,
                      const void *value)
{
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return h5_fail(x, "cannot create attribute %s of %s", name, objname);
    int rc = 0;
    if (H5Awrite(a, type, value) < 0)
        rc = h5_fail(x, "cannot write attribute %s of %s", name, objname);
    H5Aclose(a);
    return rc;
}

static int attr_scalar(const h5ctx *x, hid_t obj, const char *objname,
                       const char *name, hid_t type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return h5_fail(x, "cannot create a dataspace");
    int rc = write_attr(x, obj, objname, name, type, space, value);
    H5Sclose(space);
    return rc;
}

static int attr_string(const h5ctx *x, hid_t obj, const char *objname,
                       const char *name, const char *value)
{
    hid_t type = vlen_string_type();
    if (type < 0)
        return h5_fail(x, "cannot create a string type");
    const char *v = value ? value : "";
    int rc = attr_scalar(x, obj, objname, name, type, &v);
    H5Tclose(type);
    return rc;
}

static int attr_string_array(const h5ctx *x, hid_t obj, const char *objname,
                             const char *name, const char *const *values,
                             size_t n)
{
    hsize_t dims[1] = {n};
    hid_t type = vlen_string_type();
    hid_t space = H5Screate_simple(1, dims, NULL);
    int rc;
    if (type < 0 || space < 0)
        rc = h5_fail(x, "cannot create the %s attribute of %s", name, objname);
    else
        rc = write_attr(x, obj, objname, name, type, space, values);
    ks_h5_close(type);
    ks_h5_close(space);
    return rc;
}

/* ---- writing /meta -------------------------------------------------------------- */

/* Group creation properties: no timestamps (determinism) and dense
 * attribute storage from the first attribute, because compact storage
 * keeps attributes in the object header, which is limited to 64 KiB, and
 * the scenario text can be larger. */
static hid_t meta_gcpl(void)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return gcpl;
    if (H5Pset_obj_track_times(gcpl, 0) < 0 ||
        H5Pset_attr_phase_change(gcpl, 0, 0) < 0) {
        H5Pclose(gcpl);
        return H5I_INVALID_HID;
    }
    return gcpl;
}

/* rejected_by_bits: the plugin registry's names, bit i of /pods.rejected_by
 * standing for name i. */
static int write_plugin_bits(const h5ctx *x, hid_t g, const char *m)
{
    const char *names[32];
    size_t n = ks_plugin_count() < 32 ? ks_plugin_count() : 32;
    for (size_t i = 0; i < n; i++)
        names[i] = ks_plugin_at(i)->name;
    return attr_string_array(x, g, m, "rejected_by_bits", names, n);
}

static int write_meta_attrs(const h5ctx *x, hid_t g, const ks_run_info *info,
                            const char *scenario)
{
    const char *m = "/meta";
    int64_t layout = KS_OUTPUT_LAYOUT_VERSION;
    int rc = 0;
    if (!rc)
        rc = attr_string(x, g, m, "ksim_version", info->ksim_version);
    if (!rc)
        rc = attr_scalar(x, g, m, "layout_version", H5T_STD_I64LE, &layout);
    if (!rc)
        rc = attr_scalar(x, g, m, "seed", H5T_STD_U64LE, &info->seed);
    if (!rc)
        rc = attr_string(x, g, m, "scenario_name", info->scenario_name);
    if (!rc)
        rc = attr_string(x, g, m, "scenario_path", info->scenario_path);
    if (!rc)
        rc = attr_string(x, g, m, "scenario", scenario);
    if (!rc)
        rc = attr_string(x, g, m, "kubernetes_version",
                         info->kubernetes_version);
    if (!rc)
        rc = attr_scalar(x, g, m, "duration_s", H5T_IEEE_F64LE,
                         &info->duration_s);
    if (!rc)
        rc = attr_scalar(x, g, m, "end_time_s", H5T_IEEE_F64LE,
                         &info->end_time_s);
    if (!rc)
        rc = attr_scalar(x, g, m, "events", H5T_STD_U64LE, &info->events);
    if (!rc)
        rc = write_plugin_bits(x, g, m);
    return rc;
}

static int write_meta(const h5ctx *x, const ks_run_info *info)
{
    /* The text is counted, not NUL-terminated, in ks_run_info. */
    char *scenario = info->scenario_text
                         ? ks_xstrndup(info->scenario_text, info->scenario_len)
                         : ks_xstrdup("");
    hid_t gcpl = meta_gcpl();
    hid_t g = H5I_INVALID_HID;
    int rc;
    if (gcpl < 0)
        rc = h5_fail(x, "cannot set up group /meta");
    else if ((g = H5Gcreate2(x->file, "/meta", H5P_DEFAULT, gcpl,
                             H5P_DEFAULT)) < 0)
        rc = h5_fail(x, "cannot create group /meta");
    else
        rc = write_meta_attrs(x, g, info, scenario);
    ks_h5_close(g);
    ks_h5_close(gcpl);
    free(scenario);
    return rc;
}

/* ---- writing tables ----------------------------------------------------------- */

static int filter_can_encode(H5Z_filter_t id)
{
    unsigned int config = 0;
    if (H5Zfilter_avail(id) <= 0 || H5Zget_filter_info(id, &config) < 0)
        return 0;
    return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

/* Dataset creation properties: no timestamps; chunked, shuffled and
 * deflated when there are rows (a chunk cannot be empty, so a zero-row
 * table is contiguous). */
static hid_t table_dcpl(size_t nrows)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0)
        goto fail;
    if (nrows == 0)
        return dcpl;
    hsize_t chunk[1] = {nrows < CHUNK_ROWS ? nrows : CHUNK_ROWS};
    if (H5Pset_chunk(dcpl, 1, chunk) < 0)
        goto fail;
    /* Shuffle first: grouping the bytes of each field's values makes the
     * deflate step much more effective on numeric columns. */
    if (filter_can_encode(H5Z_FILTER_SHUFFLE) && H5Pset_shuffle(dcpl) < 0)
        goto fail;
    if (filter_can_encode(H5Z_FILTER_DEFLATE) &&
        H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0)
        goto fail;
    return dcpl;
fail:
    ks_h5_close(dcpl);
    return H5I_INVALID_HID;
}

static int write_table_attrs(const h5ctx *x, hid_t d, const table *t)
{
    const char *units[16];
    for (size_t i = 0; i < t->nfields && i < NELEMS(units); i++)
        units[i] = t->fields[i].unit;
    int rc = attr_string_array(x, d, t->path, "units", units, t->nfields);
    if (!rc)
        rc = attr_string(x, d, t->path, "description", t->description);
    return rc;
}

static int write_table(const h5ctx *x, const table *t, const void *rows,
                       size_t n)
{
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t ftype = compound_type(t, 1);
    hid_t mtype = compound_type(t, 0);
    hid_t dcpl = table_dcpl(n);
    hid_t d = H5I_INVALID_HID;
    int rc = 0;
    if (space < 0 || ftype < 0 || mtype < 0 || dcpl < 0)
        rc = h5_fail(x, "cannot set up dataset %s", t->path);
    else if ((d = H5Dcreate2(x->file, t->path, ftype, space, H5P_DEFAULT,
                             dcpl, H5P_DEFAULT)) < 0)
        rc = h5_fail(x, "cannot create dataset %s", t->path);
    else if (n > 0 &&
             H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0)
        rc = h5_fail(x, "cannot write dataset %s", t->path);
    if (!rc)
        rc = write_table_attrs(x, d, t);
    ks_h5_close(d);
    ks_h5_close(dcpl);
    ks_h5_close(mtype);
    ks_h5_close(ftype);
    ks_h5_close(space);
    return rc;
}

/* Fills rows [first, first + count) of a table into buf (zeroed). */
typedef void (*fill_fn)(void *ctx, void *buf, size_t first, size_t count);

#define BLOCK_ROWS (16 * CHUNK_ROWS)

/* write_table for tables too big to build whole in memory: the rows are
 * made and written a block at a time (the file is the same). */
static int write_table_blocks(const h5ctx *x, const table *t, size_t n,
                              fill_fn fill, void *ctx)
{
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t ftype = compound_type(t, 1);
    hid_t mtype = compound_type(t, 0);
    hid_t dcpl = table_dcpl(n);
    hid_t d = H5I_INVALID_HID;
    int rc = 0;
    if (space < 0 || ftype < 0 || mtype < 0 || dcpl < 0)
        rc = h5_fail(x, "cannot set up dataset %s", t->path);
    else if ((d = H5Dcreate2(x->file, t->path, ftype, space, H5P_DEFAULT,
                             dcpl, H5P_DEFAULT)) < 0)
        rc = h5_fail(x, "cannot create dataset %s", t->path);
    size_t block = n < BLOCK_ROWS ? n : BLOCK_ROWS;
    void *buf = ks_xmalloc((block ? block : 1) * t->row_size);
    for (size_t first = 0; !rc && first < n; first += block) {
        size_t count = n - first < block ? n - first : block;
        memset(buf, 0, count * t->row_size);
        fill(ctx, buf, first, count);
        hsize_t start[1] = {first}, cnt[1] = {count};
        hid_t mem = H5Screate_simple(1, cnt, NULL);
        if (mem < 0 ||
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt,
                                NULL) < 0 ||
            H5Dwrite(d, mtype, mem, space, H5P_DEFAULT, buf) < 0)
            rc = h5_fail(x, "cannot write dataset %s", t->path);
        ks_h5_close(mem);
    }
    free(buf);
    if (!rc)
        rc = write_table_attrs(x, d, t);
    ks_h5_close(d);
    ks_h5_close(dcpl);
    ks_h5_close(mtype);
    ks_h5_close(ftype);
    ks_h5_close(space);
    return rc;
}

/* Seconds for a cluster time in ns; NaN for "did not happen" (< 0). */
static double seconds_or_nan(ks_time t)
{
    return t < 0 ? NAN : (double)t / (double)KS_SECOND;
}

static const char *source_name(const ks_run_info *info, uint32_t source)
{
    if (info->source_names && source < info->nsources &&
        info->source_names[source])
        return info->source_names[source];
    return "pod";
}

/* Rows are calloc'd so that the bytes after each name's NUL are zero: the
 * name is written as a raw fixed-length string and stray bytes would break
 * byte-identical output. */
static ks_pod_row *pod_rows(const ks_cluster *c, const ks_run_info *info)
{
    ks_pod_row *rows = ks_xcalloc(c->npods, sizeof *rows);
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        ks_pod_row *r = &rows[i];
        if (p->name)
            snprintf(r->name, sizeof r->name, "%s", p->name);
        else
            snprintf(r->name, sizeof r->name, "%s-%u",
                     source_name(info, p->source), (unsigned)p->ordinal);
        r->submit = seconds_or_nan(p->submit);
        r->scheduled = seconds_or_nan(p->scheduled);
        r->start = seconds_or_nan(p->start);
        r->end = seconds_or_nan(p->end);
        r->node = p->node == KS_NO_NODE ? -1 : (int32_t)p->node;
        r->attempts = p->attempts;
        r->cpu_request = p->request[KS_RES_CPU];
        r->memory_request = p->request[KS_RES_MEMORY];
        r->cycle_time = (double)p->cycle_time / 1e9;
        r->queue_wait = p->scheduled < 0
                            ? NAN
                            : (double)(p->scheduled - p->submit -
                                       p->cycle_time) / 1e9;
        r->rejected_by = p->rejected_by;
        r->priority = p->priority;
        r->preempted_by =
            p->preempted_by == KS_NO_POD ? -1 : (int32_t)p->preempted_by;
        r->victims = p->victims;
    }
    return rows;
}

static ks_node_row *node_rows(const ks_cluster *c)
{
    ks_node_row *rows = ks_xcalloc(c->nnodes, sizeof *rows);
    for (size_t i = 0; i < c->nnodes; i++) {
        const ks_node *n = &c->nodes[i];
        snprintf(rows[i].name, sizeof rows[i].name, "%s",
                 n->name ? n->name : "");
        rows[i].cpu_allocatable = n->allocatable[KS_RES_CPU];
        rows[i].memory_allocatable = n->allocatable[KS_RES_MEMORY];
        rows[i].pods_allocatable = n->allocatable[KS_RES_PODS];
    }
    return rows;
}

/* The cycle-time model charges the same simulated time for each node a
 * plugin filters or scores, so a plugin's share of the scheduler's time is
 * its share of those calls (0 for all when nothing ran). */
static void set_time_shares(ks_plugin_row *rows, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)(rows[i].filter_calls + rows[i].score_calls);
    for (size_t i = 0; i < n; i++)
        rows[i].time_share =
            total > 0
                ? (double)(rows[i].filter_calls + rows[i].score_calls) / total
                : 0.0;
}

static ks_plugin_row *plugin_rows(const ks_run_info *info)
{
    ks_plugin_row *rows = ks_xcalloc(info->nplugin_stats ? info->nplugin_stats
                                                         : 1,
                                     sizeof *rows);
    for (size_t i = 0; i < info->nplugin_stats; i++) {
        const ks_plugin_stats *st = &info->plugin_stats[i];
        snprintf(rows[i].profile, sizeof rows[i].profile, "%s", st->profile);
        snprintf(rows[i].plugin, sizeof rows[i].plugin, "%s", st->plugin);
        rows[i].pre_filter_rejections = (int64_t)st->pre_filter_rejections;
        rows[i].filter_calls = (int64_t)st->filter_calls;
        rows[i].filter_rejections = (int64_t)st->filter_rejections;
        rows[i].score_calls = (int64_t)st->score_calls;
        rows[i].reserve_rejections = (int64_t)st->reserve_rejections;
        rows[i].permit_rejections = (int64_t)st->permit_rejections;
    }
    set_time_shares(rows, info->nplugin_stats);
    return rows;
}

static int write_control_plane(const h5ctx *x, const ks_run_info *info);

static int write_tables(const h5ctx *x, const ks_run_info *info,
                        const ks_cluster *c, const ks_recorder *rec)
{
    ks_node_row *nodes = node_rows(c);
    int rc = write_table(x, &nodes_table, nodes, c->nnodes);
    free(nodes);
    if (!rc) {
        ks_pod_row *pods = pod_rows(c, info);
        rc = write_table(x, &pods_table, pods, c->npods);
        free(pods);
    }
    if (!rc)
        rc = write_table(x, &timeseries_table, rec ? rec->samples : NULL,
                         rec ? rec->nsamples : 0);
    if (!rc) {
        ks_plugin_row *plugins = plugin_rows(info);
        rc = write_table(x, &plugins_table, plugins, info->nplugin_stats);
        free(plugins);
    }
    if (!rc && rec && rec->gpu_enabled) {
        ks_gpu_alloc_row rows[KS_GPU_ALLOC_MAX_PCT + 1];
        ks_gpu_alloc_rows(&rec->gpu, rows);
        rc = write_table(x, &gpu_alloc_table, rows, KS_GPU_ALLOC_MAX_PCT + 1);
    }
    if (!rc && info->control_plane)
        rc = write_control_plane(x, info);
    return rc;
}

static void copy_name(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void fill_pod_events(void *ctx, void *buf, size_t first, size_t count)
{
    const ks_podevents *log = ctx;
    const ks_pod_event *ev = ks_podevents_rows(log) + first;
    pod_event_row *rows = buf;
    for (size_t i = 0; i < count; i++) {
        rows[i].time = (double)ev[i].time / (double)KS_SECOND;
        copy_name(rows[i].pod, KS_NAME_MAX,
                  ks_podevents_pod_name(log, ev[i].pod));
        copy_name(rows[i].node, KS_NAME_MAX,
                  ks_podevents_node_name(log, ev[i].node));
        copy_name(rows[i].event, KS_NAME_MAX,
                  ks_pod_event_name((ks_pod_event_kind)ev[i].kind));
        copy_name(rows[i].reason, KS_NAME_MAX,
                  ks_podevents_reason(log, ev[i].reason));
    }
}

/* The log has millions of rows in big runs: written a block at a time. */
static int write_pod_events(const h5ctx *x, const ks_podevents *log)
{
    return write_table_blocks(x, &pod_events_table, ks_podevents_count(log),
                              fill_pod_events, (void *)log);
}

static int write_deployments(const h5ctx *x, const ks_cp_run *cp)
{
    size_t n;
    const ks_cp_deployment_sample *d = ks_cp_run_deployment_samples(cp, &n);
    deployment_row *rows = ks_xcalloc(n + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        rows[i].time = (double)d[i].time / (double)KS_SECOND;
        copy_name(rows[i].deployment, KS_NAME_MAX,
                  ks_cp_run_deployment_name(cp, d[i].deployment));
        rows[i].replicas = d[i].replicas;
        rows[i].updated = d[i].updated;
        rows[i].ready = d[i].ready;
        rows[i].available = d[i].available;
    }
    int rc = write_table(x, &deployments_table, rows, n);
    free(rows);
    return rc;
}

static int write_services(const h5ctx *x, const ks_cp_spec *spec,
                          const ks_cp_run *cp)
{
    size_t n;
    const ks_cp_service_sample *v = ks_cp_run_service_samples(cp, &n);
    service_row *rows = ks_xcalloc(n + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        const ks_cp_traffic *t = &spec->traffic[v[i].service];
        rows[i].time = (double)v[i].time / (double)KS_SECOND;
        snprintf(rows[i].service, KS_NAME_MAX, "%s/%s", t->namespace_name,
                 t->service);
        rows[i].ready_endpoints = v[i].ready_endpoints;
        rows[i].requests = (int64_t)v[i].requests;
        rows[i].ok = (int64_t)v[i].ok;
        rows[i].failed = (int64_t)v[i].failed;
        rows[i].rejected = (int64_t)v[i].rejected;
        rows[i].zero_endpoints = (double)v[i].zero_endpoints / 1e9;
    }
    int rc = write_table(x, &services_table, rows, n);
    free(rows);
    return rc;
}

static int write_hpas(const h5ctx *x, const ks_cp_run *cp)
{
    size_t n;
    const ks_cp_hpa_sample *h = ks_cp_run_hpa_samples(cp, &n);
    hpa_row *rows = ks_xcalloc(n + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        rows[i].time = (double)h[i].time / (double)KS_SECOND;
        copy_name(rows[i].hpa, KS_NAME_MAX, ks_cp_run_hpa_name(cp, h[i].hpa));
        rows[i].current_replicas = h[i].current_replicas;
        rows[i].desired_replicas = h[i].desired_replicas;
        rows[i].cpu_utilization = h[i].cpu_utilization;
    }
    int rc = write_table(x, &hpas_table, rows, n);
    free(rows);
    return rc;
}

static int write_actions(const h5ctx *x, const ks_cp_spec *spec,
                         const ks_cp_run *cp)
{
    size_t n;
    const ks_cp_action_result *r = ks_cp_run_action_results(cp, &n);
    action_row *rows = ks_xcalloc(n + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        const ks_cp_action *a = &spec->actions[r[i].action];
        rows[i].time = (double)r[i].time / (double)KS_SECOND;
        copy_name(rows[i].action, KS_NAME_MAX, ks_cp_action_name(a->kind));
        copy_name(rows[i].user, KS_NAME_MAX, a->as);
        if (a->namespace_name)
            snprintf(rows[i].target, KS_NAME_MAX, "%s %s/%s",
                     a->object_kind, a->namespace_name, a->name);
        else
            snprintf(rows[i].target, KS_NAME_MAX, "%s %s", a->object_kind,
                     a->name);
        rows[i].allowed = r[i].allowed;
        rows[i].applied = r[i].applied;
        copy_name(rows[i].reason, KS_TEXT_MAX, r[i].reason);
    }
    int rc = write_table(x, &actions_table, rows, n);
    free(rows);
    return rc;
}

static int write_control_plane(const h5ctx *x, const ks_run_info *info)
{
    const ks_cp_run *cp = info->control_plane;
    int rc = write_pod_events(x, ks_cp_run_events(cp));
    if (!rc)
        rc = write_deployments(x, cp);
    if (!rc)
        rc = write_services(x, info->control_plane_spec, cp);
    if (!rc)
        rc = write_hpas(x, cp);
    if (!rc)
        rc = write_actions(x, info->control_plane_spec, cp);
    return rc;
}

/* File properties: no timestamp on the root group, and the 1.8 object
 * formats (needed for dense attribute storage) capped at 1.10 so that any
 * HDF5 >= 1.10 and h5py reads the file. */
static hid_t create_file(const h5ctx *x, const char *tmp)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = H5I_INVALID_HID;
    if (fcpl < 0 || fapl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110) < 0)
        h5_fail(x, "cannot set up the file properties");
    else if ((file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        h5_fail(x, "cannot create temporary file '%s'", tmp);
    ks_h5_close(fcpl);
    ks_h5_close(fapl);
    return file;
}

/* Writes the whole dataset into tmp; HDF5 is quiet during the call. */
static int write_hdf5(const char *tmp, const char *path,
                      const ks_run_info *info, const ks_cluster *c,
                      const ks_recorder *rec, ks_error *err)
{
    ks_h5quiet q;
    ks_h5_quiet(&q);
    h5ctx x = {H5I_INVALID_HID, path, err, 0};
    int rc = 0;
    x.file = create_file(&x, tmp);
    if (x.file < 0)
        rc = KS_EHDF5;
    if (!rc)
        rc = write_meta(&x, info);
    if (!rc)
        rc = write_tables(&x, info, c, rec);
    /* Closing flushes: its failure (a full disk) is a write failure. */
    if (x.file >= 0 && H5Fclose(x.file) < 0 && !rc)
        rc = h5_fail(&x, "cannot finish writing");
    ks_h5_unquiet(&q);
    return rc;
}

/* ---- the atomic file dance ------------------------------------------------------ */


/* "a/b/run.h5" -> "a/b"; "run.h5" -> "."; "/run.h5" -> "/". */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ks_xstrdup(".");
    if (slash == path)
        return ks_xstrdup("/");
    return ks_xstrndup(path, (size_t)(slash - path));
}

/* Creates "<dir>/.<base>.XXXXXX" next to path (same folder, so the final
 * rename cannot cross file systems) with the permissions a plain fopen
 * would give, not mkstemp's 0600. */
static int create_temp(const char *path, const char *dir, char **tmp,
                       ks_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    *tmp = ks_xasprintf("%s/.%s.XXXXXX", dir, base);
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        return ks_error_set(err, KS_EIO, path, 0, 0,
                            "cannot create a temporary file in '%s': %s", dir,
                            strerror(e));
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    close(fd);
    return 0;
}

/* Moves the finished tmp to path.  Without force, link() refuses atomically
 * to replace a file that appeared meanwhile; file systems without hard links
 * fall back to rename. */
static int install(const char *tmp, const char *path, int force,
                   ks_error *err)
{
    if (!force) {
        if (link(tmp, path) == 0) {
            unlink(tmp);
            return 0;
        }
        if (errno == EEXIST)
            return ks_error_set(err, KS_EEXIST, path, 0, 0,
                                "output file exists; use --force to "
                                "overwrite it");
    }
    if (rename(tmp, path) != 0)
        return ks_error_set(err, KS_EIO, path, 0, 0, "cannot write: %s",
                            strerror(errno));
    return 0;
}

int ks_output_write(const char *path, int force, const ks_run_info *info,
                    const ks_cluster *c, const ks_recorder *rec,
                    ks_error *err)
{
    if (!path || !*path || path[strlen(path) - 1] == '/')
        return ks_error_set(err, KS_EINVAL, path, 0, 0,
                            "the output path must name a file");
    struct stat st;
    if (!force && stat(path, &st) == 0)
        return ks_error_set(err, KS_EEXIST, path, 0, 0,
                            "output file exists; use --force to overwrite it");
    char *dir = dir_of(path);
    char *tmp = NULL;
    int rc = ks_mkdir_p(dir, err);
    if (!rc)
        rc = create_temp(path, dir, &tmp, err);
    if (!rc)
        rc = write_hdf5(tmp, path, info, c, rec, err);
    if (!rc)
        rc = install(tmp, path, force, err);
    if (rc && tmp)
        unlink(tmp);
    free(tmp);
    free(dir);
    return rc;
}

/* ---- reading --------------------------------------------------------------------- */

/* Deflate cannot compress better than about 1032:1, so a genuine table
 * holds at most that many bytes per byte of file: a bound that stops a
 * corrupt header from asking for terabytes. */
static int rows_bound_ok(const h5ctx *x, hsize_t n, size_t row_size)
{
    double bytes = (double)n * (double)row_size;
    return bytes <= 1100.0 * (double)x->file_size + 65536.0;
}

static int read_scalar_attr(const h5ctx *x, hid_t g, const char *name,
                            hid_t memtype, void *value)
{
    hid_t a = H5Aopen(g, name, H5P_DEFAULT);
    if (a < 0)
        return h5_fail(x, "no attribute %s in /meta", name);
    hid_t space = H5Aget_space(a);
    int rc = 0;
    if (space < 0 || H5Sget_simple_extent_npoints(space) != 1)
        rc = ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                          "/meta attribute %s is not a single value", name);
    else if (H5Aread(a, memtype, value) < 0)
        rc = h5_fail(x, "cannot read /meta attribute %s", name);
    ks_h5_close(space);
    H5Aclose(a);
    return rc;
}

static int read_vlen_string(const h5ctx *x, hid_t a, const char *name,
                            char **out)
{
    hid_t mtype = vlen_string_type();
    char *s = NULL;
    int rc = 0;
    if (mtype < 0 || H5Aread(a, mtype, &s) < 0)
        rc = h5_fail(x, "cannot read /meta attribute %s", name);
    else
        *out = ks_xstrdup(s ? s : "");
    if (s)
        H5free_memory(s);
    ks_h5_close(mtype);
    return rc;
}

static int read_fixed_string(const h5ctx *x, hid_t a, hid_t ftype,
                             const char *name, char **out)
{
    size_t size = H5Tget_size(ftype);
    if (size == 0 || (off_t)size > x->file_size)
        return ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                            "/meta attribute %s has a bad size", name);
    hid_t mtype = H5Tcopy(H5T_C_S1);
    char *buf = ks_xcalloc(size + 1, 1);
    int rc = 0;
    if (mtype < 0 || H5Tset_size(mtype, size) < 0 ||
        H5Aread(a, mtype, buf) < 0)
        rc = h5_fail(x, "cannot read /meta attribute %s", name);
    ks_h5_close(mtype);
    if (rc)
        free(buf);
    else
        *out = buf;
    return rc;
}

/* Reads a string attribute, variable-length (what ksim writes) or fixed
 * (what another tool may write). */
static int read_string_attr(const h5ctx *x, hid_t g, const char *name,
                            char **out)
{
    hid_t a = H5Aopen(g, name, H5P_DEFAULT);
    if (a < 0)
        return h5_fail(x, "no attribute %s in /meta", name);
    hid_t ftype = H5Aget_type(a);
    hid_t space = H5Aget_space(a);
    int rc = 0;
    if (ftype < 0 || space < 0 || H5Tget_class(ftype) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space) != 1)
        rc = ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                          "/meta attribute %s is not a string", name);
    else if (H5Tis_variable_str(ftype) > 0)
        rc = read_vlen_string(x, a, name, out);
    else
        rc = read_fixed_string(x, a, ftype, name, out);
    ks_h5_close(space);
    ks_h5_close(ftype);
    H5Aclose(a);
    return rc;
}

static int check_layout(const h5ctx *x, int64_t version)
{
    if (version == KS_OUTPUT_LAYOUT_VERSION)
        return 0;
    return ks_error_set(x->err, KS_EINVAL, x->path, 0, 0,
                        "output layout version %lld is not supported (this "
                        "ksim reads version %d)",
                        (long long)version, KS_OUTPUT_LAYOUT_VERSION);
}

static int read_meta_attrs(const h5ctx *x, hid_t g, ks_dataset *ds)
{
    int rc = read_scalar_attr(x, g, "layout_version", H5T_NATIVE_INT64,
                              &ds->layout_version);
    if (!rc)
        rc = check_layout(x, ds->layout_version);
    if (!rc)
        rc = read_string_attr(x, g, "ksim_version", &ds->ksim_version);
    if (!rc)
        rc = read_scalar_attr(x, g, "seed", H5T_NATIVE_UINT64, &ds->seed);
    if (!rc)
        rc = read_string_attr(x, g, "scenario_name", &ds->scenario_name);
    if (!rc)
        rc = read_string_attr(x, g, "scenario", &ds->scenario);
    if (!rc)
        rc = read_string_attr(x, g, "kubernetes_version",
                              &ds->kubernetes_version);
    if (!rc)
        rc = read_scalar_attr(x, g, "duration_s", H5T_NATIVE_DOUBLE,
                              &ds->duration_s);
    if (!rc)
        rc = read_scalar_attr(x, g, "end_time_s", H5T_NATIVE_DOUBLE,
                              &ds->end_time_s);
    return rc;
}

static int read_meta(const h5ctx *x, ks_dataset *ds)
{
    if (H5Lexists(x->file, "meta", H5P_DEFAULT) <= 0)
        return ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                            "no /meta group: not a ksim run dataset");
    hid_t g = H5Gopen2(x->file, "/meta", H5P_DEFAULT);
    if (g < 0)
        return h5_fail(x, "cannot open /meta");
    int rc = read_meta_attrs(x, g, ds);
    H5Gclose(g);
    return rc;
}

/* Checks that the dataset is a 1-D compound with every field ksim reads;
 * stores the row count in *n. */
static int check_table(const h5ctx *x, const table *t, hid_t d, hsize_t *n)
{
    hid_t space = H5Dget_space(d);
    hid_t ftype = H5Dget_type(d);
    int rc = 0;
    if (space < 0 || ftype < 0)
        rc = h5_fail(x, "cannot inspect %s", t->path);
    else if (H5Sget_simple_extent_ndims(space) != 1 ||
             H5Sget_simple_extent_dims(space, n, NULL) != 1 ||
             H5Tget_class(ftype) != H5T_COMPOUND)
        rc = ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                          "%s is not a one-dimensional table", t->path);
    for (size_t i = 0; !rc && i < t->nfields; i++)
        if (H5Tget_member_index(ftype, t->fields[i].name) < 0)
            rc = ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                              "%s has no field '%s'", t->path,
                              t->fields[i].name);
    if (!rc && !rows_bound_ok(x, *n, t->row_size))
        rc = ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                          "%s claims %llu rows, more than the file can hold",
                          t->path, (unsigned long long)*n);
    ks_h5_close(ftype);
    ks_h5_close(space);
    return rc;
}

static int read_rows(const h5ctx *x, const table *t, hid_t d, void *rows,
                     size_t n)
{
    hid_t mtype = compound_type(t, 0);
    int rc = 0;
    if (mtype < 0)
        rc = h5_fail(x, "cannot set up the type of %s", t->path);
    else if (n > 0 &&
             H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0)
        rc = h5_fail(x, "cannot read %s", t->path);
    ks_h5_close(mtype);
    return rc;
}

/* Reads table t into a new array of its row structs (*rows, *n). */
static int read_table(const h5ctx *x, const table *t, void **rows, size_t *n)
{
    if (H5Lexists(x->file, t->path + 1, H5P_DEFAULT) <= 0)
        return ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                            "no %s dataset: not a ksim run dataset", t->path);
    hid_t d = H5Dopen2(x->file, t->path, H5P_DEFAULT);
    if (d < 0)
        return h5_fail(x, "cannot open %s", t->path);
    hsize_t count = 0;
    int rc = check_table(x, t, d, &count);
    void *buf = NULL;
    if (!rc) {
        buf = ks_xcalloc((size_t)count, t->row_size);
        rc = read_rows(x, t, d, buf, (size_t)count);
    }
    H5Dclose(d);
    if (rc) {
        free(buf);
        return rc;
    }
    *rows = buf;
    *n = (size_t)count;
    return 0;
}

/* A fixed-length name from another writer may fill all 64 bytes. */
static void terminate_names(ks_dataset *ds)
{
    for (size_t i = 0; i < ds->npods; i++)
        ds->pods[i].name[KS_NAME_MAX - 1] = '\0';
    for (size_t i = 0; i < ds->nnodes; i++)
        ds->nodes[i].name[KS_NAME_MAX - 1] = '\0';
    for (size_t i = 0; i < ds->nplugins; i++) {
        ds->plugins[i].profile[KS_NAME_MAX - 1] = '\0';
        ds->plugins[i].plugin[KS_NAME_MAX - 1] = '\0';
    }
}

static int read_all(const h5ctx *x, ks_dataset *ds)
{
    int rc = read_meta(x, ds);
    if (!rc)
        rc = read_table(x, &pods_table, (void **)&ds->pods, &ds->npods);
    if (!rc)
        rc = read_table(x, &nodes_table, (void **)&ds->nodes, &ds->nnodes);
    if (!rc)
        rc = read_table(x, &timeseries_table, (void **)&ds->samples,
                        &ds->nsamples);
    if (!rc)
        rc = read_table(x, &plugins_table, (void **)&ds->plugins,
                        &ds->nplugins);
    /* Optional: only runs on clusters with GPUs have it. */
    if (!rc && H5Lexists(x->file, "gpu_alloc", H5P_DEFAULT) > 0)
        rc = read_table(x, &gpu_alloc_table, (void **)&ds->gpu_alloc,
                        &ds->ngpu_alloc);
    if (!rc)
        terminate_names(ds);
    return rc;
}

static int open_for_reading(h5ctx *x)
{
    struct stat st;
    if (stat(x->path, &st) != 0)
        return ks_error_set(x->err, errno == ENOENT ? KS_ENOENT : KS_EIO,
                            x->path, 0, 0, "cannot open: %s",
                            strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ks_error_set(x->err, KS_EINVAL, x->path, 0, 0,
                            "cannot open: not a regular file");
    x->file_size = st.st_size;
    if (H5Fis_hdf5(x->path) <= 0)
        return ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                            "not an HDF5 file (expected a ksim run dataset)");
    x->file = H5Fopen(x->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (x->file < 0)
        return h5_fail(x, "cannot open: damaged or truncated HDF5 file");
    return 0;
}

/* What read_dataset reads besides /meta. */
enum { READ_ALL, READ_META, READ_GPU_ALLOC };

static int read_gpu_only(const h5ctx *x, ks_dataset *ds)
{
    int rc = read_meta(x, ds);
    if (!rc && H5Lexists(x->file, "gpu_alloc", H5P_DEFAULT) > 0)
        rc = read_table(x, &gpu_alloc_table, (void **)&ds->gpu_alloc,
                        &ds->ngpu_alloc);
    return rc;
}

/* Opens path and reads /meta, then the tables what asks for. */
static int read_dataset(const char *path, int what, ks_dataset **out,
                        ks_error *err)
{
    *out = NULL;
    ks_h5quiet q;
    ks_h5_quiet(&q);
    h5ctx x = {H5I_INVALID_HID, path, err, 0};
    ks_dataset *ds = ks_xcalloc(1, sizeof *ds);
    int rc = open_for_reading(&x);
    if (!rc)
        rc = what == READ_META        ? read_meta(&x, ds)
             : what == READ_GPU_ALLOC ? read_gpu_only(&x, ds)
                                      : read_all(&x, ds);
    if (x.file >= 0)
        H5Fclose(x.file);
    ks_h5_unquiet(&q);
    if (rc) {
        ks_dataset_destroy(ds);
        return rc;
    }
    *out = ds;
    return 0;
}

int ks_output_read(const char *path, ks_dataset **out, ks_error *err)
{
    return read_dataset(path, READ_ALL, out, err);
}

int ks_output_read_meta(const char *path, ks_dataset **out, ks_error *err)
{
    return read_dataset(path, READ_META, out, err);
}

int ks_output_read_gpu_alloc(const char *path, ks_dataset **out,
                             ks_error *err)
{
    return read_dataset(path, READ_GPU_ALLOC, out, err);
}

void ks_dataset_destroy(ks_dataset *ds)
{
    if (!ds)
        return;
    free(ds->ksim_version);
    free(ds->scenario_name);
    free(ds->scenario);
    free(ds->kubernetes_version);
    free(ds->pods);
    free(ds->nodes);
    free(ds->samples);
    free(ds->plugins);
    free(ds->gpu_alloc);
    free(ds);
}

int ks_output_write_run(const char *path, int force, const char *ksim_version,
                        const ks_scenario *sc, const ks_run *run,
                        const ks_recorder *rec, ks_error *err)
{
    ks_run_info info = {
        .ksim_version = ksim_version,
        .scenario_name = sc->name,
        .scenario_path = sc->path,
        .scenario_text = sc->text,
        .scenario_len = sc->text_len,
        .kubernetes_version = ks_run_kubernetes_version(run),
        .seed = ks_run_seed(run),
        .duration_s = (double)sc->duration / 1e9,
        .end_time_s = (double)ks_run_end_time(run) / 1e9,
        .events = ks_run_events(run),
        .source_names = ks_run_source_names(run),
        .nsources = ks_run_nsources(run),
    };
    info.plugin_stats = ks_run_plugin_stats(run, &info.nplugin_stats);
    info.control_plane = ks_run_control_plane(run);
    info.control_plane_spec = sc->control_plane;
    return ks_output_write(path, force, &info, ks_run_cluster(run), rec, err);
}
