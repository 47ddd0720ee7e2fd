/* queue.h - the kube-scheduler's scheduling queue, over pod indices.
 *
 * Three places a pending pod can wait, as in upstream
 * pkg/scheduler/backend/queue/scheduling_queue.go (v1.36):
 *   activeQ        pods ready to be tried, ordered by the PrioritySort
 *                  queue-sort plugin: higher priority first, then earlier
 *                  queue timestamp (pod index breaks exact ties, so the
 *                  order is total and deterministic), or by a QueueSort
 *                  plugin's comparator (ks_queue_set_less);
 *   backoffQ       pods that failed recently, ordered by backoff expiry;
 *                  backoff = 1 s * 2^(count-1) capped at 10 s, where count
 *                  is the number of unschedulable attempts; the scheduler
 *                  flushes expired pods to activeQ every second, and pops
 *                  the head of backoffQ early when activeQ is empty
 *                  (SchedulerPopFromBackoffQ, on by default since v1.33);
 *   error-backoffQ pods whose cycle failed with an error: the same backoff,
 *                  but never popped early;
 *   unschedulable  pods rejected by a filter, waiting for a cluster event
 *                  that may make them schedulable (a scheduled pod deleted
 *                  or finished frees resources: NodeResourcesFit's
 *                  QueueingHint returns Queue), or for the leftover flush
 *                  after 5 minutes.
 * Every operation is O(log n) except the move of the whole unschedulable
 * pool on a cluster event, which is O(pool) as upstream.
 *
 * Ownership: the queue owns its arrays; pods are indices into the
 * cluster's array.
 */
#ifndef KS_QUEUE_H
#define KS_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"

#define KS_QUEUE_NONE UINT32_MAX

typedef struct ks_queue ks_queue;

typedef struct ks_queue_config {
    ks_time initial_backoff; /* podInitialBackoffSeconds, default 1 s */
    ks_time max_backoff;     /* podMaxBackoffSeconds, default 10 s */
    ks_time max_in_unschedulable; /* podMaxInUnschedulablePodsDuration, 5 min */
} ks_queue_config;

/* The upstream defaults (KubeSchedulerConfiguration v1). */
ks_queue_config ks_queue_default_config(void);

ks_queue *ks_queue_create(const ks_queue_config *cfg);
void ks_queue_destroy(ks_queue *q); /* accepts NULL */

/* A QueueSort plugin's order: nonzero when pod a (queue timestamp ta)
 * goes before pod b (tb). */
typedef int (*ks_queue_less_fn)(void *ctx, uint32_t a, ks_time ta,
                                uint32_t b, ks_time tb);

/* Orders activeQ (and equal backoff expiries) by less instead of
 * PrioritySort; pods neither orders go by index, so the order stays total.
 * Set it before the first ks_queue_add: the heaps are not re-sorted. */
void ks_queue_set_less(ks_queue *q, ks_queue_less_fn less, void *ctx);

/* A new pod arrives: into activeQ with timestamp now. */
void ks_queue_add(ks_queue *q, uint32_t pod, int32_t priority, ks_time now);

/* Takes the next pod to schedule at now: the head of activeQ, or if it is
 * empty the head of backoffQ (never a pod backing off after an error: it
 * waits in error-backoffQ for its backoff to end, as upstream, so a plugin
 * that keeps failing cannot spin the scheduler in zero time).  Returns
 * KS_QUEUE_NONE if there is none.
 * The pod is "in flight" until ks_queue_done or ks_queue_unschedulable. */
uint32_t ks_queue_pop(ks_queue *q, ks_time now);

/* The in-flight pod was bound: forget it. */
void ks_queue_done(ks_queue *q, uint32_t pod);

/* The in-flight pod was rejected at now: into the unschedulable pool, or
 * straight to backoffQ if a move event arrived while it was in flight. */
void ks_queue_unschedulable(ks_queue *q, uint32_t pod, ks_time now);

/* The in-flight pod's cycle failed with an error (not a rejection): it
 * goes to error-backoffQ (or activeQ once its backoff is over), never to
 * the unschedulable pool, since no cluster event is needed to retry it
 * (upstream's error backoff). */
void ks_queue_error(ks_queue *q, uint32_t pod, ks_time now);

/* A cluster event that may make unschedulable pods schedulable (a scheduled
 * pod deleted or finished): every pod of the pool moves to backoffQ if still
 * backing off at now, else to activeQ. */
void ks_queue_move_all(ks_queue *q, ks_time now);

/* Periodic work: move pods whose backoff expired (call every second) and
 * pods unschedulable for longer than max_in_unschedulable (every 30 s). */
void ks_queue_flush_backoff(ks_queue *q, ks_time now);
void ks_queue_flush_unschedulable_leftover(ks_queue *q, ks_time now);

size_t ks_queue_active_len(const ks_queue *q);
/* Whether ks_queue_pop would return a pod. */
int ks_queue_can_pop(const ks_queue *q);
/* backoffQ and error-backoffQ together. */
size_t ks_queue_backoff_len(const ks_queue *q);
size_t ks_queue_unschedulable_len(const ks_queue *q);

#endif
