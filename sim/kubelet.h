/* kubelet.h - one node's kubelet on the object store.
 *
 * The kubelet watches the pods bound to its node (a store watch by node)
 * and runs them (k8s-control-loop.md section 3): it pulls the image
 * through the node's cache and pull queue (sim/imagepull.h), starts the
 * container after the runtime's start latency, reports Running, then
 * Ready when the readiness probe first succeeds (sim/probe.h, the
 * application answering at once).  A container exits when its pod's
 * failure model says (ks_pod_template: exit 1 crash_after a start when it
 * crashes, exit 0 at the end of a finite run_time); the restartPolicy
 * decides what follows (section 3.2): Always restarts after any exit,
 * OnFailure after a crash only, Never never; a pod that is not restarted
 * ends Succeeded (exit 0) or Failed.  Restarts follow CrashLoopBackOff
 * (sim/controllers/backoff.h): the first at once, then 10, 20, 40 ... 300 s
 * after the exit, reset once a container ran more than 600 s; while down
 * the pod is not Ready, and each restart bumps its restart count.  Status
 * changes are written to the store as status writes after the kubelet's
 * status-update delay; a write refused (no etcd quorum) is retried at the
 * next status sync.  It also renews its node's Lease (namespace
 * kube-node-lease, named after the node) every renew interval (10 s: 0.25
 * x the 40 s lease duration), which the node lifecycle controller
 * watches.  ks_kubelet_stop makes it stop renewing and updating (a crashed
 * or partitioned kubelet): its pods keep their last reported state.
 *
 * Liveness (ks_pod_template liveness, unhealthy_after): from the time the
 * application hangs, its probes time out (timeoutSeconds after each is
 * sent); failureThreshold consecutive failures of the readiness probe make
 * the pod not Ready, of the liveness probe (cfg.liveness) get the
 * container killed (Killing, reason "Unhealthy", with the pod's grace
 * period, at least 2 s) and restarted unless the policy is Never, under
 * CrashLoopBackOff as after a crash.  With the default probes a container
 * hanging 60 s after its start is killed 81 s after it (probes at 60, 70
 * and 80 s time out 1 s later).
 *
 * Graceful termination: a pod gracefully deleted (its object Terminating,
 * sim/store.h) is killed when the kubelet sees it: Killing, SIGTERM, on
 * which the container exits at once (exit 0), or, when the pod ignores
 * SIGTERM, SIGKILL (exit 137) once the deletion's grace period is over (a
 * shorter grace period requested later brings it forward).  The kubelet
 * then writes the terminal status (all exits 0: Succeeded, else Failed;
 * a pod that had no container running ends Failed) and deletes the
 * object with grace 0.  A pod already deleting when first seen is never
 * started.  A stopped kubelet confirms nothing: its deleted pods stay
 * Terminating.
 *
 * Admission (kubelet.go HandlePodAdditions, canAdmitPod): a pod first
 * seen is admitted or rejected.  Under MemoryPressure a BestEffort pod is
 * refused (reason "Evicted") unless critical or tolerating the
 * memory-pressure taint; then the node's allocatable (its Node object)
 * minus the requests of the pods the kubelet runs must hold the pod's
 * requests and one more pod (noderesources.Fits, the scheduler's check):
 * the first failure is the reason, OutOfpods, OutOfcpu, OutOfmemory,
 * OutOfephemeral-storage or OutOf<resource>; an untolerated NoExecute
 * taint gives "TaintToleration".  A rejected pod is Failed at once with
 * that status reason and never starts; terminated pods free their room.
 * Without a Node object, or with one reporting no allocatable at all, the
 * resources are not checked.
 *
 * Memory (ks_pod_template memory_limit, memory_usage, memory_leak): a
 * container uses memory_usage bytes from each start, growing by
 * memory_leak bytes per second; when that growth reaches its limit (or
 * at once when it starts above it) the kernel's cgroup OOM killer ends it
 * (exit 137, OOMKilled) and the restartPolicy and CrashLoopBackOff apply
 * as after a crash: 100Mi growing 10Mi/s under a 200Mi limit is killed
 * 10 s after each start.
 *
 * Node-pressure eviction (pkg/kubelet/eviction): every housekeeping
 * interval (10 s) the eviction manager compares memory.available with
 * the hard threshold (100Mi).  ksim's Node has only allocatable
 * (upstream: capacity - reservations - the hard threshold), so capacity
 * is taken as allocatable + threshold and the working set as the pods'
 * usage: the threshold is met when the pods use more than the node's
 * allocatable memory.  The node then has MemoryPressure (kept for the
 * pressure transition period, 5 min, after the last time it was met) and
 * the node.kubernetes.io/memory-pressure:NoSchedule taint, which the
 * kubelet writes itself (upstream the node lifecycle controller taints
 * by condition); and one pod per pass is evicted, ranked as
 * rankMemoryPressure does: usage above its memory request first, then
 * lower priority, then more usage above the request; critical pods
 * (priority >= 2000000000) never.  The evicted pod is Failed with reason
 * "Evicted" at once and its container killed with the hard eviction's
 * grace period of 1 s (immediateEvictionGracePeriodSeconds since v1.31:
 * an override of 0 fell back to the pod's own period); it stays in the
 * API, Failed, so its ReplicaSet replaces it.  After an eviction the
 * next pass comes at the first 1 s poll that finds the pod's container
 * gone (at most 30 s), as waitForPodsCleanup.
 *
 * Events: with a pod event log (sim/podevents.h) in the config, the
 * kubelet records what it would tell the API's Events: Pulling (a
 * registry pull is needed) and Pulled (the image is ready; reason
 * "already present on machine" when the node had it), BackOff (reason
 * "CrashLoopBackOff") each time a restart waits for its back-off,
 * Killing each time it kills a container (reason "Unhealthy" for a
 * liveness failure, "" for a deletion or an eviction), OOMKilled (reason
 * "OOMKilled") at each OOM kill and Evicted (reason "Evicted", the
 * eviction manager's event) at each eviction.  Started, Ready, Succeeded
 * and Failed rows the log derives from the status the kubelet writes (a
 * Failed row carries the status reason: "OutOfcpu", "Evicted", ...).
 *
 * Simplifications of this version, documented in docs/control-loop.md:
 * one container per pod, no init containers, admission without node
 * affinity, host ports or the critical-pod preemption handler, memory
 * alone as an eviction signal (no disk or PID pressure, no soft
 * thresholds, no minimum reclaim, no node-level OOM killer), the node
 * condition written by the eviction pass itself (not at the next node
 * status update), no startup probes, no preStop hooks, probes answered by
 * the application alone (a hang is the only failure), PLEG and status
 * batching reduced to one status delay (the final delete follows the
 * terminal status write at once), a restart reuses the image the first
 * start pulled, one BackOff event per delayed restart (upstream repeats
 * it at each pod sync during the wait).
 *
 * Ownership: the kubelet owns its image cache and per-pod records; the
 * engine, the store and the event log are borrowed.  Its events stay in
 * the engine (Lease renewals recur): destroy a kubelet only when the
 * engine will not run again.
 */
#ifndef KS_KUBELET_H
#define KS_KUBELET_H

#include <stdint.h>

#include "sim/controllers/backoff.h"
#include "sim/engine.h"
#include "sim/imagepull.h"
#include "sim/podevents.h"
#include "sim/probe.h"
#include "sim/store.h"

typedef struct ks_kubelet_config {
    ks_pull_config pull;         /* bandwidth, overhead, parallel pulls */
    ks_time sandbox_latency;     /* RunPodSandbox incl. CNI (default 0) */
    ks_time start_latency;       /* CreateContainer + StartContainer */
    ks_time status_delay;        /* status manager -> apiserver (0) */
    ks_time watch_delay;         /* its pod watch (0) */
    ks_time lease_renew;         /* default 10 s */
    int32_t lease_duration_s;    /* default 40 */
    ks_probe readiness;          /* default: ks_probe_default() */
    ks_probe liveness;           /* default: ks_probe_default() */
    ks_crashloop_config crashloop; /* default: 10 s, 300 s, reset 600 s */
    ks_podevents *events;        /* pod event log, borrowed; NULL: none */
    /* node-pressure eviction: the hard threshold memory.available
     * (--eviction-hard; default 100Mi; < 0: no eviction), the eviction
     * manager's interval (10 s) and --eviction-pressure-transition-period
     * (5 min) */
    int64_t eviction_hard_memory;
    ks_time housekeeping;
    ks_time pressure_transition;
} ks_kubelet_config;

/* Upstream defaults; latencies 0; no event log. */
ks_kubelet_config ks_kubelet_default_config(void);

typedef struct ks_kubelet ks_kubelet;

/* Starts the kubelet of node node_name at now: creates its Lease and
 * schedules its renewals.  Requires ks_kinds_install on the store. */
ks_kubelet *ks_kubelet_create(ks_engine *e, ks_store *s,
                              const char *node_name,
                              const ks_kubelet_config *cfg);
void ks_kubelet_destroy(ks_kubelet *k); /* accepts NULL */

/* The kubelet stops (crash, hang, partition): no more Lease renewals or
 * status writes. */
void ks_kubelet_stop(ks_kubelet *k);

/* The node's image cache (to seed images present at t = 0). */
ks_image_cache *ks_kubelet_images(ks_kubelet *k);

#endif
