/* summary.h - the few numbers printed at the end of a run.
 *
 * Pods submitted, scheduled, completed and still pending; scheduling latency
 * (submit to bind) median and 99th percentile over the pods scheduled; the
 * time-weighted mean CPU and memory allocation over the run; for whole-
 * cluster runs, pod startup latency with and without image pulls.
 */
#ifndef KS_SUMMARY_H
#define KS_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/recorder.h"
#include "sim/cluster.h"

typedef struct ks_summary {
    uint64_t nodes;
    uint64_t submitted;
    uint64_t scheduled;  /* bound at some point */
    uint64_t completed;
    uint64_t running;    /* at the end */
    uint64_t pending;    /* at the end */
    double latency_p50;  /* seconds; NaN if nothing was scheduled */
    double latency_p99;
    double mean_cpu_allocated;    /* 0..1, time-weighted */
    double mean_memory_allocated; /* 0..1, time-weighted */
    /* spec.controlPlane runs: pod startup latency (created -> first
     * Started, the pod-startup SLO's measure), median and 99th
     * percentile over the pods started without and with an image pull
     * (NaN when none); has_startup 0 for scheduler-only runs. */
    int has_startup;
    uint64_t started_cached, started_pulled;
    double startup_p50, startup_p99;             /* no pull */
    double startup_pull_p50, startup_pull_p99;   /* with a pull */
} ks_summary;

void ks_summary_compute(const ks_cluster *c, const ks_recorder *rec,
                        ks_summary *out);
/* Adds the pod startup latencies of a control-plane run's event log. */
struct ks_podevents;
void ks_summary_add_startup(ks_summary *s, const struct ks_podevents *log);
void ks_summary_print(const ks_summary *s, FILE *out);

#endif
