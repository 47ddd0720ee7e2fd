/* trace_source.h - pods replayed from a trace's records.
 *
 * The running counterpart of a scenario's trace workload, as ks_pod_source
 * is a generator's: it creates the pods of a list of trace records
 * (workloads/traces/trace.h) in the cluster at their arrival times and
 * hands each new pod to a callback.  Arrivals are the records' own times,
 * or, sequentially, one record every `interval` in list order (the FGD
 * protocol: each pod is decided before the next arrives).  A record
 * standing for several identical instances creates that many pods.
 *
 * Ownership: borrows the list, engine and cluster, which must outlive it.
 */
#ifndef KS_TRACE_SOURCE_H
#define KS_TRACE_SOURCE_H

#include <stdint.h>

#include "sim/cluster.h"
#include "sim/engine.h"
#include "workloads/generator.h"
#include "workloads/traces/trace.h"

typedef struct ks_trace_source ks_trace_source;

typedef struct ks_trace_source_options {
    int sequential;   /* arrivals every interval in list order */
    ks_time interval;
    int never_end;    /* pods run until the end of the run */
    uint32_t source;  /* stored in each pod's `source` */
    ks_time end;      /* no arrivals at or after this */
} ks_trace_source_options;

/* The list must be ordered by arrival unless opt->sequential. */
ks_trace_source *ks_trace_source_create(const ks_trace_pods *pods,
                                        const ks_trace_source_options *opt,
                                        ks_engine *engine, ks_cluster *cluster,
                                        ks_pod_created_fn created, void *ctx);
void ks_trace_source_destroy(ks_trace_source *src); /* accepts NULL */

/* Schedules the first arrival. */
void ks_trace_source_start(ks_trace_source *src);

#endif
