/* backoff.h - the two pod-restart back-offs of a cluster: the kubelet's
 * CrashLoopBackOff and the Job controller's pod-failure back-off.
 *
 * 1. CrashLoopBackOff (kubelet).  Re-implements the kubelet's per-container
 *    flowcontrol.Backoff as used by kubeGenericRuntimeManager.doBackOff:
 *      - k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go, doBackOff
 *        (read at 83f7b41c and several newer copies: unchanged logic);
 *      - k8s:pkg/kubelet/kubelet.go, newCrashLoopBackOff and the
 *        HasExpiredFunc "eventTime - lastUpdate > 600 s" (read in a v1.34+
 *        copy that has ReduceDefaultCrashLoopBackOffDecay);
 *      - k8s:staging/src/k8s.io/client-go/util/flowcontrol/backoff.go
 *        (Next, IsInBackOffSince; no jitter for the kubelet's NewBackOff).
 *    Default v1.36 behaviour: initial 10 s, doubling, max 300 s, entry reset
 *    when the exited container finished more than 600 s after the last
 *    restart.  Both feature gates are alpha and OFF by default in v1.36:
 *    ReduceDefaultCrashLoopBackOffDecay (initial 1 s, max 60 s) and
 *    KubeletCrashLoopBackOffMax (max from the kubelet config, 1..300 s; the
 *    initial is lowered to the max if the max is smaller);
 *    ks_crashloop_config_for() reproduces newCrashLoopBackOff with them.
 *    Consequence (not a choice of ours): the FIRST restart after the first
 *    crash is immediate (no entry yet), then the waits are 10, 20, 40, 80,
 *    160, 300, 300 ... s, each counted from the exited container's
 *    FinishedAt.
 *
 *    How the lead calls it: keep one ks_crashloop per (pod, container), zeroed
 *    with ks_crashloop_init.  When the kubelet's pod worker syncs a pod whose
 *    container has exited (restartPolicy allows a restart) at time `now`:
 *        if (ks_crashloop_in_backoff(&b, &cfg, finished_at, now))
 *            -> CrashLoopBackOff; retry at ks_crashloop_ready_at(...)
 *               (v1.35+ requeues exactly at expiry, PR kubernetes#133066);
 *        else { ks_crashloop_next(&b, &cfg, finished_at, now); start it; }
 *
 * 2. Job pod-failure back-off (kube-controller-manager, Job controller).
 *    Re-implements k8s:pkg/controller/job/backoff_utils.go (21da0b6d):
 *    newBackoffRecord and getRemainingTimeForFailuresCount, with
 *    DefaultJobPodFailureBackOff = 10 s and MaxJobPodFailureBackOff = 10 min
 *    from k8s:pkg/controller/job/job_controller.go (6ae037f1).  NOTE: the
 *    maximum is 10 minutes upstream, not 6 minutes.
 *    The wait before the Job may create a replacement pod after n
 *    consecutive failures (since the last success) is 10 s * 2^(n-1), capped
 *    at 600 s, counted from the last failure's finish time.
 *
 * Everything here is a plain value: no allocation, no global state.
 */
#ifndef KS_CONTROLLERS_BACKOFF_H
#define KS_CONTROLLERS_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/engine.h"

/* ---- kubelet CrashLoopBackOff ------------------------------------------ */

#define KS_CRASHLOOP_INITIAL (10 * KS_SECOND)   /* initialCrashLoopBackOff */
#define KS_CRASHLOOP_MAX (300 * KS_SECOND)      /* MaxContainerBackOff */
#define KS_CRASHLOOP_RESET (600 * KS_SECOND)    /* kubelet HasExpiredFunc */
#define KS_CRASHLOOP_REDUCED_INITIAL (1 * KS_SECOND)
#define KS_CRASHLOOP_REDUCED_MAX (60 * KS_SECOND)

typedef struct ks_crashloop_config {
    ks_time initial;     /* first back-off */
    ks_time max;         /* cap of the doubling */
    ks_time reset_after; /* finished_at - last restart > this: start over */
} ks_crashloop_config;

/* The v1.36 default (both gates off): 10 s, 300 s, 600 s. */
ks_crashloop_config ks_crashloop_config_default(void);

/* newCrashLoopBackOff with the two alpha gates.  max_restart_period is the
 * kubelet's crashLoopBackOff.maxContainerRestartPeriod, used only when
 * kubelet_max_gate is true.  Returns KS_EINVAL (config untouched) if that
 * period is outside 1..300 s, the kubelet config validation range. */
int ks_crashloop_config_for(bool reduce_decay_gate, bool kubelet_max_gate,
                            ks_time max_restart_period,
                            ks_crashloop_config *out);

/* Per-container back-off entry (flowcontrol backoffEntry). */
typedef struct ks_crashloop {
    bool has_entry;      /* false until the first restart */
    ks_time backoff;     /* current back-off */
    ks_time last_update; /* time of the last restart (Next) */
} ks_crashloop;

void ks_crashloop_init(ks_crashloop *b);

/* IsInBackOffSince(finished_at): true while the restart must wait. */
bool ks_crashloop_in_backoff(const ks_crashloop *b,
                             const ks_crashloop_config *cfg,
                             ks_time finished_at, ks_time now);

/* Earliest time the container may restart (finished_at + backoff, or
 * finished_at itself when there is no entry or the entry expired). */
ks_time ks_crashloop_ready_at(const ks_crashloop *b,
                              const ks_crashloop_config *cfg,
                              ks_time finished_at);

/* Backoff.Next: records a restart at `now` of a container that finished at
 * finished_at; sets the back-off the NEXT crash will wait. */
void ks_crashloop_next(ks_crashloop *b, const ks_crashloop_config *cfg,
                       ks_time finished_at, ks_time now);

/* ---- Job controller pod-failure back-off -------------------------------- */

#define KS_JOB_POD_FAILURE_BACKOFF (10 * KS_SECOND)      /* Default... */
#define KS_JOB_POD_FAILURE_BACKOFF_MAX (10 * KS_MINUTE) /* Max... */

/* The Job's backoffRecord (one per Job). */
typedef struct ks_job_backoff {
    int32_t failures_after_last_success;
    ks_time last_failure_time; /* KS_TIME_NEVER when none */
} ks_job_backoff;

void ks_job_backoff_init(ks_job_backoff *rec);

/* newBackoffRecord: folds in the pods that finished since the last sync,
 * given by their finish times (any order; arrays may be NULL when the
 * count is 0). */
void ks_job_backoff_update(ks_job_backoff *rec, const ks_time *succeeded_at,
                           int n_succeeded, const ks_time *failed_at,
                           int n_failed);

/* The back-off owed after `failures` consecutive failures (0 for 0). */
ks_time ks_job_backoff_duration(int32_t failures);

/* getRemainingTime: how long pod creation must still wait at `now`
 * (0 = create now). */
ks_time ks_job_backoff_remaining(const ks_job_backoff *rec, ks_time now);

#endif
