/* usage.h - the CPU usage model: what metrics-server would report for a
 * pod's CPU, the input of the HorizontalPodAutoscaler
 * (sim/controllers/hpa_controller.h).
 *
 * A workload (a Deployment, or a ReplicaSet of its own) receives a load
 * given by the caller as a piecewise-constant profile of requests per
 * second; each request costs cpu_ms_per_request milliseconds of CPU, so a
 * load of L requests per second needs L * cpu_ms_per_request millicores.
 * The load is divided evenly over the workload's serving pods (Running,
 * Ready and not being deleted: the endpoints a Service would balance
 * over), and every running pod also uses its own base_milli:
 *
 *     usage(pod, t) = base_milli + (serving(pod) ? load(t) / n_serving : 0)
 *
 * A pod belongs to a workload through its controller owner references:
 * the ReplicaSet that owns it, or the Deployment that owns that
 * ReplicaSet.  Pods of workloads the model does not know have no metric.
 *
 * The metrics API (metrics.k8s.io, served by metrics-server) as the HPA
 * reads it: a pod has a sample once its container has been running for
 * first_metric_delay (default 0; metrics-server needs a scrape after the
 * container started), and only while the pod is Running.  The sample's
 * value is computed in nanocores (as metrics-server reports them, floored)
 * and read by the HPA as Quantity.MilliValue(), which rounds up; its
 * Timestamp is the time it is read and its Window the metric resolution
 * (--metric-resolution, 15 s).  The scrape lag is IGNORED: the value is
 * the usage at the instant the HPA asks, not at metrics-server's last
 * scrape (0 to 15 s earlier), so a simulated HPA reacts up to one
 * resolution sooner than a real one.  The load reaches a pod the instant
 * it is Ready (kube-proxy's programming delay is ignored too).
 *
 * Deterministic: no randomness; the same store state and time give the
 * same answer.  Ownership: the model copies the workloads and profiles it
 * is given; the store is borrowed and must outlive it.
 */
#ifndef KS_USAGE_H
#define KS_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/store.h"

#define KS_USAGE_METRIC_RESOLUTION (15 * KS_SECOND)

/* From `at` on (until the next step), the workload receives rps requests
 * per second.  Before the first step the load is 0. */
typedef struct ks_load_step {
    ks_time at;
    double rps;
} ks_load_step;

typedef struct ks_usage_workload {
    ks_kind kind;               /* KS_KIND_DEPLOYMENT or KS_KIND_REPLICASET */
    const char *namespace_name;
    const char *name;
    double cpu_ms_per_request;  /* CPU milliseconds per request (>= 0) */
    int64_t base_milli;         /* every running pod's own usage (>= 0) */
    const ks_load_step *steps;  /* sorted by at, copied; may be NULL */
    size_t nsteps;
} ks_usage_workload;

typedef struct ks_usage_config {
    ks_time window;             /* metric resolution; 0 -> 15 s */
    ks_time first_metric_delay; /* container run time before a sample */
} ks_usage_config;

/* One pod's sample (metricsclient.PodMetric). */
typedef struct ks_pod_metric {
    int64_t usage_milli; /* MilliValue of the reported nanocores */
    ks_time timestamp;
    ks_time window;
} ks_pod_metric;

typedef struct ks_usage ks_usage;

/* cfg may be NULL (defaults). */
ks_usage *ks_usage_create(const ks_store *store, const ks_usage_config *cfg);
void ks_usage_destroy(ks_usage *u); /* accepts NULL */

/* Adds a workload; returns its id (>= 0) or KS_EINVAL (unknown kind,
 * missing name, negative cost or base, steps out of order) or KS_EEXIST
 * (already added) with *err filled. */
int ks_usage_add(ks_usage *u, const ks_usage_workload *w, ks_error *err);

/* Replaces workload id's profile (copied).  0 or KS_EINVAL. */
int ks_usage_set_profile(ks_usage *u, int id, const ks_load_step *steps,
                         size_t nsteps, ks_error *err);

/* The workload's requests per second at t (0 for an unknown id). */
double ks_usage_load_rps(const ks_usage *u, int id, ks_time t);

/* The pod's usage in nanocores at now (the model's formula above), or -1
 * when the pod is not Running or belongs to no known workload. */
int64_t ks_usage_pod_nanocores(ks_usage *u, const ks_object *pod,
                               ks_time now);

/* The metrics API's answer for pod at now: 1 with *m filled, 0 when
 * metrics-server has no sample for it (the HPA's "missing" pods). */
int ks_usage_pod_metric(ks_usage *u, const ks_object *pod, ks_time now,
                        ks_pod_metric *m);

#endif
