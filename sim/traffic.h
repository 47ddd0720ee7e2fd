/* traffic.h - requests to Services through kube-proxy.
 *
 * Each Service given a request rate receives a Poisson stream of requests
 * (from the caller's random stream: the same for every policy compared).
 * The rate may change over time (ks_traffic_set_rate: a piecewise-constant
 * rate, a non-homogeneous Poisson process).  At a change the pending
 * arrival is moved by time rescaling rather than drawn again: the work
 * left to it, (arrival - now) * old rate, is spent at the new rate, so a
 * change costs no random draw and a constant rate draws exactly the
 * numbers it always did.  A rate of 0 sends nothing; the first arrival
 * after it is drawn afresh (the process is memoryless).
 * kube-proxy (sim/proxy.h: iptables by default) learns a Service's ready
 * endpoints from its EndpointSlice through a watch with the proxy's delay
 * and programs them at most once per minSyncPeriod; each request goes to
 * the endpoint kube-proxy has programmed at that moment.  It succeeds when
 * that pod still exists and runs, fails when the pod is gone or not
 * running (a stale backend: connection refused or time-out), and is
 * rejected at once when no endpoint is programmed.  The time a Service
 * spends with no programmed endpoint is measured too.
 *
 * Ownership: owns the proxy model and per-Service state; borrows engine,
 * store and the random stream.  Its arrival events stay in the engine:
 * destroy it only when the engine will not run again.
 */
#ifndef KS_TRAFFIC_H
#define KS_TRAFFIC_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/engine.h"
#include "sim/proxy.h"
#include "sim/store.h"

typedef struct ks_traffic_config {
    ks_proxy_config proxy;
    ks_time proxy_delay; /* EndpointSlice watch -> kube-proxy */
} ks_traffic_config;

typedef struct ks_service_stats {
    uint64_t requests;
    uint64_t ok;
    uint64_t failed;   /* sent to a backend that was gone or not running */
    uint64_t rejected; /* no endpoint programmed */
    ks_time zero_endpoints; /* time with no programmed endpoint */
} ks_service_stats;

typedef struct ks_traffic ks_traffic;

ks_traffic *ks_traffic_create(ks_engine *e, ks_store *s, gsl_rng *rng,
                              const ks_traffic_config *cfg);
void ks_traffic_destroy(ks_traffic *t); /* accepts NULL */

/* Sends requests to Service namespace/name at rate per second (>= 0; 0:
 * none until ks_traffic_set_rate) from now on; returns its index for
 * ks_traffic_stats and ks_traffic_set_rate, or -1 (no name, a negative or
 * non-finite rate). */
int ks_traffic_add_service(ks_traffic *t, const char *namespace_name,
                           const char *name, double rate);

/* From now on the Service's requests arrive at rate per second (>= 0).
 * Returns 0, or -1 for an unknown index or a negative or non-finite
 * rate. */
int ks_traffic_set_rate(ks_traffic *t, int service, double rate);

/* The Service's counters up to now. */
ks_service_stats ks_traffic_stats(ks_traffic *t, int service);

#endif
