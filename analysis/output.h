/* output.h - the run dataset: one HDF5 file per run, layout in docs/output.md.
 *
 * Layout version KS_OUTPUT_LAYOUT_VERSION:
 *   /meta        group; attributes ksim_version, layout_version, seed,
 *                scenario_name, scenario_path, scenario (the full text),
 *                kubernetes_version, duration_s, end_time_s, events
 *   /pods        compound table, one row per pod
 *   /nodes       compound table, one row per node
 *   /timeseries  compound table, one row per metrics sample
 *   /scheduler_plugins  compound table, one row per profile plugin
 *   /gpu_alloc   compound table, GPU allocation per arrived-demand %
 *                (only for clusters with GPUs)
 *   /pod_events, /deployments, /services, /hpas, /actions  compound
 *                tables of a spec.controlPlane run (docs/output.md)
 * Every dataset carries a `units` attribute per field.  Object timestamps are
 * disabled so that the same run gives a byte-identical file.
 *
 * Writing is atomic: the file is written under a temporary name in the same
 * folder and renamed over path only when complete; on any failure the
 * temporary file is removed and path is untouched.
 *
 * Ownership: ks_output_read returns a new ks_dataset freed with
 * ks_dataset_destroy (accepts NULL).
 */
#ifndef KS_OUTPUT_H
#define KS_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/recorder.h"
#include "sched/scheduler.h"
#include "sim/cluster.h"
#include "sim/error.h"

#define KS_OUTPUT_LAYOUT_VERSION 1
#define KS_NAME_MAX 64

struct ks_cp_run;
struct ks_cp_spec;

/* What the writer needs besides the cluster and the recorder. */
typedef struct ks_run_info {
    const char *ksim_version;
    const char *scenario_name;
    const char *scenario_path;
    const char *scenario_text;
    size_t scenario_len;
    const char *kubernetes_version;
    uint64_t seed;
    double duration_s;  /* configured run length */
    double end_time_s;  /* simulated time when the run ended */
    uint64_t events;    /* events processed */
    /* Pod names are "<source_names[pod.source]>-<pod.ordinal>". */
    const char *const *source_names;
    size_t nsources;
    /* Scheduler plugin counters (may be NULL with 0). */
    const ks_plugin_stats *plugin_stats;
    size_t nplugin_stats;
    /* A spec.controlPlane run's components and spec (NULL otherwise):
     * the tables /pod_events, /deployments, /services, /hpas, /actions. */
    const struct ks_cp_run *control_plane;
    const struct ks_cp_spec *control_plane_spec;
} ks_run_info;

/* Writes the dataset to path atomically.  If path exists and force is 0,
 * returns KS_EEXIST and writes nothing.  Returns 0 or a negative ks_err. */
int ks_output_write(const char *path, int force, const ks_run_info *info,
                    const ks_cluster *c, const ks_recorder *rec,
                    ks_error *err);

/* Writes the dataset of a finished run of sc: the ks_run_info is filled
 * from the scenario and the run.  Same contract as ks_output_write. */
struct ks_scenario;
struct ks_run;
int ks_output_write_run(const char *path, int force, const char *ksim_version,
                        const struct ks_scenario *sc, const struct ks_run *run,
                        const ks_recorder *rec, ks_error *err);

/* One row of /pods.  Times in seconds; NaN when the event did not happen. */
typedef struct ks_pod_row {
    char name[KS_NAME_MAX];
    double submit;
    double scheduled;
    double start;
    double end;
    int32_t node;      /* index into /nodes, -1 if never bound */
    uint32_t attempts; /* scheduling attempts */
    int64_t cpu_request;    /* millicores */
    int64_t memory_request; /* bytes */
    double cycle_time;      /* simulated seconds its scheduling cycles took */
    double queue_wait;      /* scheduled - submit - cycle_time; NaN if never */
    uint32_t rejected_by;   /* bit i: plugin i of /meta rejected_by_bits */
    int32_t priority;
    int32_t preempted_by;   /* pod index of the preemptor that evicted it, -1 */
    uint32_t victims;       /* pods it preempted */
} ks_pod_row;

/* One row of /scheduler_plugins. */
typedef struct ks_plugin_row {
    char profile[KS_NAME_MAX];
    char plugin[KS_NAME_MAX];
    int64_t pre_filter_rejections;
    int64_t filter_calls;
    int64_t filter_rejections;
    int64_t score_calls;
    int64_t reserve_rejections;
    int64_t permit_rejections;
    double time_share; /* of the scheduler's plugin work, 0..1 */
} ks_plugin_row;

/* One row of /nodes. */
typedef struct ks_node_row {
    char name[KS_NAME_MAX];
    int64_t cpu_allocatable;    /* millicores */
    int64_t memory_allocatable; /* bytes */
    int64_t pods_allocatable;   /* count */
} ks_node_row;

/* A dataset read back (for plot, tests and later report/export). */
typedef struct ks_dataset {
    char *ksim_version;
    char *scenario_name;
    char *scenario;
    char *kubernetes_version;
    int64_t layout_version;
    uint64_t seed;
    double duration_s;
    double end_time_s;
    ks_pod_row *pods;
    size_t npods;
    ks_node_row *nodes;
    size_t nnodes;
    ks_sample *samples;
    size_t nsamples;
    ks_plugin_row *plugins;
    size_t nplugins;
    ks_gpu_alloc_row *gpu_alloc; /* NULL and 0 when the run had no GPUs */
    size_t ngpu_alloc;
} ks_dataset;

int ks_output_read(const char *path, ks_dataset **out, ks_error *err);
/* Same, reading only /meta: the tables are left empty (fast on big runs:
 * sweeps use it to check which scenario a stored run simulated). */
int ks_output_read_meta(const char *path, ks_dataset **out, ks_error *err);
/* Same, reading /meta and /gpu_alloc only (absent: 0 rows), for the
 * figures of GPU sweeps. */
int ks_output_read_gpu_alloc(const char *path, ks_dataset **out,
                             ks_error *err);
void ks_dataset_destroy(ks_dataset *ds);

#endif
