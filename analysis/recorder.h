/* recorder.h - in-run metrics: the time series sampled every interval.
 *
 * The run driver calls ks_recorder_sample at t = 0, every metrics interval
 * and at the end of the run; each sample reads the cluster's incremental
 * counters (O(1) per sample).  Per-pod and per-node data are not copied: the
 * output writer reads them from the cluster at the end.
 *
 * Ownership: the recorder owns its sample array.
 */
#ifndef KS_RECORDER_H
#define KS_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/gpu_alloc.h"
#include "sim/cluster.h"
#include "sim/engine.h"

typedef struct ks_sample {
    double time;             /* seconds */
    int64_t pods_pending;
    int64_t pods_running;
    double cpu_allocated;    /* requested / allocatable over the cluster, 0..1 */
    double memory_allocated; /* same for memory */
    int64_t queue_active;        /* scheduler activeQ length */
    int64_t queue_backoff;       /* backoffQ length */
    int64_t queue_unschedulable; /* unschedulable pool size */
} ks_sample;

/* The scheduling queue's lengths at a sample. */
typedef struct ks_queue_gauges {
    int64_t active;
    int64_t backoff;
    int64_t unschedulable;
} ks_queue_gauges;

typedef struct ks_recorder {
    ks_sample *samples;
    size_t nsamples;
    size_t cap;
    /* GPU allocation per pod event (analysis/gpu_alloc.h), recorded when
     * the cluster has GPUs: the output's /gpu_alloc. */
    int gpu_enabled;
    ks_gpu_alloc gpu;
} ks_recorder;

ks_recorder *ks_recorder_create(void);
void ks_recorder_destroy(ks_recorder *rec); /* accepts NULL */

/* Appends one sample of the cluster at now.  A second sample at the same
 * time as the last one replaces it. */
void ks_recorder_sample(ks_recorder *rec, const ks_cluster *c, ks_time now);

/* Same, with the scheduling queue's lengths (q may be NULL: zeros). */
void ks_recorder_sample_queue(ks_recorder *rec, const ks_cluster *c,
                              const ks_queue_gauges *q, ks_time now);

#endif
