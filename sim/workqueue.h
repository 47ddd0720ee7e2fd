/* workqueue.h - a controller's work queue, as client-go's workqueue.
 *
 * A controller reconciles keys (object uids here): informer events add the
 * key, a worker takes it, reconciles and marks it done.  Semantics of
 * client-go util/workqueue (k8s-control-loop.md section 2.1):
 *   - a key is queued at most once (adding a queued key does nothing);
 *   - a key being processed is not handed to a second worker; adding it
 *     meanwhile marks it dirty and it is queued again when done;
 *   - keys come out in the order they were first added (FIFO);
 *   - AddRateLimited delays a key by DefaultControllerRateLimiter: the
 *     maximum of a per-key exponential backoff (5 ms doubling to 1000 s,
 *     reset by Forget) and an overall token bucket (10 qps, burst 100,
 *     starting full: each add takes a token; when none is left the add is
 *     delayed until one is);
 *   - AddAfter queues a key at a later time.
 * Time is passed by the caller; ks_workqueue_next_ready tells when a
 * delayed key is due so the caller can schedule its worker.
 *
 * Ownership: the queue owns its arrays.
 */
#ifndef KS_WORKQUEUE_H
#define KS_WORKQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"

typedef struct ks_workqueue ks_workqueue;

typedef struct ks_workqueue_config {
    ks_time base_delay; /* per-key backoff start (5 ms) */
    ks_time max_delay;  /* per-key backoff cap (1000 s) */
    double qps;         /* overall bucket (10) */
    int burst;          /* overall bucket (100) */
} ks_workqueue_config;

/* client-go's DefaultControllerRateLimiter values. */
ks_workqueue_config ks_workqueue_default_config(void);

ks_workqueue *ks_workqueue_create(const ks_workqueue_config *cfg);
void ks_workqueue_destroy(ks_workqueue *q); /* accepts NULL */

void ks_workqueue_add(ks_workqueue *q, uint64_t key);
/* Queues key at `at` (now or later). */
void ks_workqueue_add_after(ks_workqueue *q, uint64_t key, ks_time at);
/* Queues key after the rate limiter's delay from now; returns the time it
 * becomes due. */
ks_time ks_workqueue_add_rate_limited(ks_workqueue *q, uint64_t key,
                                      ks_time now);
/* Clears key's failure count (its backoff starts again at base). */
void ks_workqueue_forget(ks_workqueue *q, uint64_t key);
/* How many times key was rate-limited since it was last forgotten. */
unsigned ks_workqueue_retries(const ks_workqueue *q, uint64_t key);

/* The next key due by now (moving delayed keys that are due), marked
 * processing; 0 when none. */
uint64_t ks_workqueue_get(ks_workqueue *q, ks_time now);
/* The worker finished key: requeued if it was added meanwhile. */
void ks_workqueue_done(ks_workqueue *q, uint64_t key);

size_t ks_workqueue_len(const ks_workqueue *q);
/* The earliest time a delayed key is due, KS_TIME_NEVER if none. */
ks_time ks_workqueue_next_ready(const ks_workqueue *q);

#endif
