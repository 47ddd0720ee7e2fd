/* scenario.h - a ksim scenario: the parsed, validated form of a YAML file.
 *
 * The loader (scenarios/loader.c) reads the YAML with libyaml and checks it
 * strictly: an unknown key, a value of the wrong type, a bad quantity,
 * duration or distribution is an error carrying FILE:LINE:COL.  The language
 * is documented in docs/scenario.md.  Later issues extend ks_scenario with
 * manifests, scheduler configuration, faults and sweeps.
 *
 * Ownership: ks_scenario_load_* return a new scenario that the caller frees
 * with ks_scenario_destroy (accepts NULL); every string and array inside is
 * owned by the scenario.
 */
#ifndef KS_SCENARIO_H
#define KS_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "scenarios/manifests.h"
#include "scenarios/schedconfig.h"
#include "sim/resources.h"
#include "workloads/generator.h"
#include "workloads/traces/trace.h"

typedef struct ks_label {
    char *key;
    char *value;
} ks_label;

/* spec.cluster.nodePools[i]: count identical nodes named "<name>-<i>". */
typedef struct ks_node_pool {
    char *name;
    int64_t count;
    int64_t allocatable[KS_RES_COUNT]; /* base units; pods defaults to 110 */
    ks_label *labels;
    size_t nlabels;
    /* gpus: {count, model}: GPUs per node (sim/gpu.h); 0 = none. */
    int gpu_count;
    char *gpu_model;
} ks_node_pool;

/* spec.workloads[i].generator: struct ks_generator, in workloads/generator.h. */

/* spec.workloads[i].manifests: the objects of the listed files, as ranges
 * of the scenario's ks_manifests arrays.  Pods bound to a known node are
 * existing state at t = 0; the others, and the replicas of workload
 * templates, are created pending at t = 0. */
typedef struct ks_manifest_workload {
    size_t item; /* index in spec.workloads */
    size_t pods_begin, pods_end;
    size_t templates_begin, templates_end;
} ks_manifest_workload;

/* spec.cluster.traceNodes: the nodes of a trace's node list
 * (workloads/traces/trace.h), loaded when the scenario is. */
typedef struct ks_trace_node_spec {
    char *format;
    char *path;
    int64_t limit;         /* the first `limit` nodes; 0 = all */
    int64_t pods;          /* allocatable pods per node (default 110) */
    ks_trace_nodes nodes;  /* as read (owned) */
} ks_trace_node_spec;

/* spec.workloads[i].trace: pods replayed from a trace file
 * (docs/scenario.md).  The file is read when the scenario is loaded (the
 * first `limit` records); the seeded steps (shuffle, sampling, inflation)
 * are the run's, from the stream "trace/<name>". */
typedef struct ks_trace_workload {
    char *name;
    char *format;
    char *path;
    size_t item;            /* its index in spec.workloads */
    ks_trace_options opt;   /* expand, machine sizes */
    int64_t limit;          /* records read; 0 = all */
    int sequential;         /* arrivals: one pod every `interval` in list
                               order, instead of the trace's times */
    ks_time interval;
    double time_scale;      /* trace arrival times x this (default 1) */
    int shuffle;            /* sort by name, then shuffle (the FGD protocol) */
    double sample;          /* keep each pod with this probability (1) */
    double inflate;         /* > 0: clone pods until the GPU request is this
                               multiple of the cluster's GPU capacity */
    int never_end;          /* durations: never (the FGD protocol) */
    ks_trace_pods pods;     /* as read (owned) */
} ks_trace_workload;

typedef struct ks_scenario {
    char *path;  /* file name used in error messages */
    char *text;  /* the whole scenario text, stored in the output */
    size_t text_len;
    char *name;  /* metadata.name */
    uint64_t seed;          /* spec.seed (default 1) */
    ks_time duration;       /* spec.duration (required, > 0) */
    ks_time metrics_interval; /* spec.metrics.interval (default 10s) */
    char *kubernetes_version; /* spec.kubernetesVersion (default "1.36") */
    /* spec.scheduler: the scheduler's throughput model.  A scheduling
     * cycle takes cycle_base + cycle_per_node x (nodes filtered) of
     * simulated time; binding completes bind_latency after the pod is
     * assumed.  Defaults in docs/scenario.md; 0 everywhere gives the
     * instantaneous "scheduling only" mode. */
    ks_time cycle_base;
    ks_time cycle_per_node;
    ks_time bind_latency;
    /* Time from a preemption victim's deletion to its resources being free
     * (its graceful termination): spec.scheduler.victimGracePeriod, default
     * 30 s, the default terminationGracePeriodSeconds. */
    ks_time victim_grace;
    /* spec.scheduler.onUnschedulable: Drop deletes a pod that fits nowhere
     * (the FGD experiment) instead of requeueing it; and
     * spec.scheduler.tieBreak: NodeOrder breaks score ties by a random node
     * order fixed per run (the FGD simulator) instead of a fresh uniform
     * draw (kube-scheduler).  Both 0 by default. */
    int drop_unschedulable;
    int tie_break_node_order;
    /* spec.scheduler.config: the KubeSchedulerConfiguration loaded from
     * that file (path relative to the scenario's folder), or NULL for
     * kube-scheduler's defaults.  Owned. */
    char *scheduler_config_path;
    ks_schedconfig *scheduler_config;
    ks_node_pool *pools;
    size_t npools;
    ks_generator *generators;
    size_t ngenerators;
    /* Kubernetes objects from spec.cluster.nodes and
     * spec.workloads[i].manifests (owned), priorities resolved.  Nodes
     * [manifest_nodes_begin, manifest_nodes_end) come from cluster.nodes;
     * other kinds in those files are ignored, and so are nodes in workload
     * files. */
    ks_manifests *manifests;
    size_t manifest_nodes_begin, manifest_nodes_end;
    ks_manifest_workload *manifest_workloads;
    size_t nmanifest_workloads;
    /* Trace nodes (NULL: none) and trace workloads. */
    ks_trace_node_spec *trace_nodes;
    ks_trace_workload *traces;
    size_t ntraces;
    /* spec.controlPlane with spec.traffic and spec.actions
     * (scenarios/cp_spec.h): the whole cluster simulated on the store.
     * NULL: the scheduler alone (the default).  Owned. */
    struct ks_cp_spec *control_plane;
} ks_scenario;

/* Loads and validates the scenario in path.  On failure returns a negative
 * ks_err, fills err with FILE:LINE:COL and leaves *out NULL. */
int ks_scenario_load_file(const char *path, ks_scenario **out, ks_error *err);

/* Same for a buffer (need not be NUL-terminated); name is used as the file
 * name in errors. */
int ks_scenario_load_buffer(const char *buf, size_t len, const char *name,
                            ks_scenario **out, ks_error *err);

/* Loads a scenario from an already parsed document root (sweeps edit the
 * tree of the base scenario before loading it).  text[0..len) is stored as
 * the scenario's text (the output's /meta scenario) and name is the file
 * name in errors and the folder relative paths are resolved against.  The
 * tree is only read.  Same contract as ks_scenario_load_buffer. */
struct ks_yt_node;
int ks_scenario_load_tree(const struct ks_yt_node *root, const char *text,
                          size_t len, const char *name, ks_scenario **out,
                          ks_error *err);

void ks_scenario_destroy(ks_scenario *sc);

/* A rate "<positive decimal>/s|m|h" (5/s, 300/m, 0.5/h) in per second,
 * for the scenario's sub-loaders; errors at n. */
struct ks_yt_ctx;
int ks_scenario_load_rate(const struct ks_yt_ctx *c,
                          const struct ks_yt_node *n, double *out);

#endif
