/* traffic.h - requests to Services through kube-proxy.
 *
 * Each Service given a request rate receives a Poisson stream of requests
 * (from the caller's random stream: the same for every policy compared).
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

/* Sends requests to Service namespace/name at rate per second from now
 * on; returns its index for ks_traffic_stats, or -1. */
int ks_traffic_add_service(ks_traffic *t, const char *namespace_name,
                           const char *name, double rate);

/* The Service's counters up to now. */
ks_service_stats ks_traffic_stats(ks_traffic *t, int service);

#endif
