/* probe.h - kubelet probes: when a container becomes Ready, and when a
 * failing liveness probe gets it killed.
 *
 * pkg/kubelet/prober/worker.go (defaults from pkg/apis/core/v1/defaults.go
 * SetDefaults_Probe; k8s-control-loop.md section 3.3): one worker per
 * container and probe, probing at once when it starts with the container
 * and then every periodSeconds; a probe is skipped while the container
 * has run less than initialDelaySeconds (whole seconds, truncated, as the
 * worker compares them).  A probe fails when the application is unhealthy
 * or does not answer within timeoutSeconds; its result is known when the
 * probe returns (the answer, or the timeout).  Readiness starts Failure
 * and flips after successThreshold consecutive successes; liveness starts
 * Success and kills the container after failureThreshold consecutive
 * failures.  (Probes of a kubelet that started less than a period ago,
 * which first sleep a random fraction of it, are not modelled: the kubelet
 * has been up for long.)
 *
 * The application is a caller's function: healthy(ctx, t) and the time it
 * takes to answer.
 */
#ifndef KS_PROBE_H
#define KS_PROBE_H

#include <stdint.h>

#include "sim/engine.h"

typedef struct ks_probe {
    int32_t initial_delay_s; /* 0 */
    int32_t period_s;        /* 10 */
    int32_t timeout_s;       /* 1 */
    int32_t success_threshold; /* 1 */
    int32_t failure_threshold; /* 3 */
} ks_probe;

/* The upstream defaults. */
ks_probe ks_probe_default(void);

/* The application's answer to a probe sent at t: healthy, and how long it
 * takes to answer (a hung application: never, KS_TIME_NEVER). */
typedef struct ks_app_answer {
    int healthy;
    ks_time latency;
} ks_app_answer;
typedef ks_app_answer (*ks_app_fn)(void *ctx, ks_time t);

/* When the readiness probe first reports Ready for a container started at
 * started, looking no later than horizon (KS_TIME_NEVER if not by then). */
ks_time ks_probe_ready_at(const ks_probe *p, ks_time started, ks_app_fn app,
                          void *ctx, ks_time horizon);

/* When the liveness probe's failureThreshold-th consecutive failure is
 * known (the kubelet then kills the container), or KS_TIME_NEVER. */
ks_time ks_probe_liveness_kill_at(const ks_probe *p, ks_time started,
                                  ks_app_fn app, void *ctx, ks_time horizon);

#endif
