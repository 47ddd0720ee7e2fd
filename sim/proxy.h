/* proxy.h - kube-proxy: which backend a Service request reaches, and when
 * endpoint changes take effect.
 *
 * From k8s-control-loop.md section 4.2 (pkg/proxy): kube-proxy programs a
 * Service's backends from its EndpointSlices, syncing at most once per
 * minSyncPeriod (1 s) after a change, and fully every syncPeriod (30 s).
 * Until a change is programmed, requests still go to the old backends: a
 * backend that died meanwhile fails the request (a time-out when its node
 * is down, connection refused when only the container is).
 *
 * Modes:
 *   iptables (the default): a chain of rules, rule i of n taking the
 *     request with probability 1/(n - i), the last one unconditionally:
 *     uniform over the programmed endpoints per new connection; a Service
 *     without endpoints gets a REJECT rule (refused at once);
 *   IPVS with the schedulers rr (round robin, the default), lc (least
 *     active connections; ties to the first) and sh (source hashing: a
 *     client always reaches the same endpoint while the set is unchanged).
 *
 * Endpoints are caller-chosen 32-bit ids (pod indices, say).  The model is
 * closed-form: no events; the caller passes the time of each call.
 *
 * Ownership: the proxy owns its per-Service state.
 */
#ifndef KS_PROXY_H
#define KS_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/engine.h"

#define KS_PROXY_REJECT UINT32_MAX

typedef enum ks_proxy_mode {
    KS_PROXY_IPTABLES = 0,
    KS_PROXY_IPVS_RR,
    KS_PROXY_IPVS_LC,
    KS_PROXY_IPVS_SH
} ks_proxy_mode;

typedef struct ks_proxy_config {
    ks_proxy_mode mode;
    ks_time min_sync; /* minSyncPeriod, default 1 s when 0 */
} ks_proxy_config;

typedef struct ks_proxy ks_proxy;

ks_proxy *ks_proxy_create(const ks_proxy_config *cfg);
void ks_proxy_destroy(ks_proxy *p); /* accepts NULL */

/* The Service's ready endpoints changed at now (the EndpointSlice update
 * reached this kube-proxy); returns the time they are programmed:
 * max(now, last sync + minSyncPeriod). */
ks_time ks_proxy_update(ks_proxy *p, uint32_t service, const uint32_t *eps,
                        size_t n, ks_time now);

/* The endpoint a new connection to service reaches at now, or
 * KS_PROXY_REJECT when none is programmed.  rng (iptables) and client
 * (sh) as the mode needs. */
uint32_t ks_proxy_pick(ks_proxy *p, uint32_t service, ks_time now,
                       gsl_rng *rng, uint64_t client);

/* lc: a connection to endpoint of service ended. */
void ks_proxy_release(ks_proxy *p, uint32_t service, uint32_t endpoint);

/* How many endpoints are programmed for service at now. */
size_t ks_proxy_programmed(ks_proxy *p, uint32_t service, ks_time now);

#endif
