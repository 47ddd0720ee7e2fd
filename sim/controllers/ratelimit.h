/* ratelimit.h - the node lifecycle controller's rate limiting, in simulated time.
 *
 * Two pieces, both re-implemented from upstream Go:
 *
 *   ks_token_bucket  client-go flowcontrol.NewTokenBucketRateLimiter(qps,
 *                    burst) over golang.org/x/time/rate.Limiter: the bucket
 *                    starts full (burst tokens), refills at qps tokens per
 *                    second up to burst; TryAccept takes one token or fails
 *                    without changing anything.  qps <= 0 gives
 *                    flowcontrol's "fake never" limiter, which never accepts
 *                    (used by SwapLimiter(0)).  The rate is the float32 qps
 *                    widened to double, as rate.Limit(qps) does, so the
 *                    token arithmetic (and e.g. 0.01f being slightly less
 *                    than 0.01) matches upstream bit for bit.
 *
 *   ks_rl_queue      pkg/controller/nodelifecycle/scheduler/
 *                    rate_limited_queue.go RateLimitedTimedQueue: a unique
 *                    queue of node ids ordered by process time, drained by
 *                    Try() through a token bucket with burst 1
 *                    (EvictionRateLimiterBurst), plus SwapLimiter.
 *
 * Upstream sources read: golang/time rate/rate.go (newest stored copy:
 * advance without the maxElapsed clamp, tokensFromDuration =
 * d.Seconds()*limit, durationFromTokens = (tokens/limit)*1e9 truncated);
 * kubernetes client-go util/flowcontrol/throttle.go (34406b55);
 * nodelifecycle/scheduler/rate_limited_queue.go (18e0ba76).
 *
 * Time never runs backwards in the simulator; a call with t earlier than
 * the bucket's last update is treated as happening at that last update
 * (rate.Limiter does the same).
 *
 * Ownership: ks_token_bucket is a plain value (no heap).  A ks_rl_queue owns
 * its item array: ks_rl_queue_init / ks_rl_queue_fini.
 */
#ifndef KS_CONTROLLERS_RATELIMIT_H
#define KS_CONTROLLERS_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"

typedef struct ks_token_bucket {
    float qps;     /* as given; what flowcontrol's QPS() reports */
    double limit;  /* tokens per second, (double)qps; 0 = never accepts */
    int burst;
    double tokens; /* tokens at time last */
    ks_time last;
} ks_token_bucket;

/* A full bucket at time now.  qps <= 0 makes a never-accepting limiter
 * (whose QPS() reports 1, as flowcontrol's fakeNeverRateLimiter does). */
void ks_token_bucket_init(ks_token_bucket *b, float qps, int burst,
                          ks_time now);

/* rate.Limiter.AllowN(t, n): 1 and n tokens taken, or 0 and no change. */
int ks_token_bucket_try_accept_n(ks_token_bucket *b, ks_time t, int n);
/* flowcontrol TryAccept = AllowN(now, 1). */
int ks_token_bucket_try_accept(ks_token_bucket *b, ks_time t);

/* Tokens the bucket would hold at t (rate.Limiter.TokensAt). */
double ks_token_bucket_tokens_at(const ks_token_bucket *b, ks_time t);

/* The earliest time >= t at which try_accept would succeed, or
 * KS_TIME_NEVER.  Exact to the nanosecond under upstream's float
 * arithmetic. */
ks_time ks_token_bucket_next_available(const ks_token_bucket *b, ks_time t);

/* What flowcontrol's QPS() returns (1 for the never limiter). */
float ks_token_bucket_qps(const ks_token_bucket *b);

/* ---- RateLimitedTimedQueue ------------------------------------------------ */

/* The burst of every eviction (tainting) limiter upstream. */
#define KS_EVICTION_RATE_LIMITER_BURST 1

typedef struct ks_rl_item {
    int value;          /* node id */
    ks_time added_at;
    ks_time process_at;
    uint64_t seq;       /* insertion order: deterministic tie-break */
    int queued;         /* in the queue (else only in the set) */
} ks_rl_item;

typedef struct ks_rl_queue {
    ks_rl_item *items; /* the set; queued ones form the queue */
    size_t n, cap;
    uint64_t next_seq;
    ks_token_bucket limiter;
} ks_rl_queue;

/* Empty queue with a full limiter NewTokenBucketRateLimiter(qps, 1). */
void ks_rl_queue_init(ks_rl_queue *q, float qps, ks_time now);
void ks_rl_queue_fini(ks_rl_queue *q);

/* Add: 1 if added, 0 if value is already in the set (queued, or processed
 * and not yet removed). process_at = added_at = now. */
int ks_rl_queue_add(ks_rl_queue *q, int value, ks_time now);
/* Remove from queue and set, so it may be added again: 1 if it was in the
 * set. */
int ks_rl_queue_remove(ks_rl_queue *q, int value);
/* Drops everything (Clear). */
void ks_rl_queue_clear(ks_rl_queue *q);
/* Number of queued items (not the processed ones kept in the set). */
size_t ks_rl_queue_len(const ks_rl_queue *q);
/* 1 if value is in the set. */
int ks_rl_queue_has(const ks_rl_queue *q, int value);

/* The action run by Try on the head: return 1 when done (the value leaves
 * the queue but stays in the set), or 0 to retry after *retry_wait (the
 * value is re-queued at now + *retry_wait + 1 ns, as upstream). */
typedef int (*ks_rl_action_fn)(void *ctx, int value, ks_time now,
                               ks_time *retry_wait);

/* Try(fn) at time now: while the queue has a head, take a token (stop if
 * none; note a token is taken even if the head then turns out not to be
 * due yet, as upstream), stop if the head is not due, run fn.  Returns the
 * number of fn calls. */
size_t ks_rl_queue_try(ks_rl_queue *q, ks_time now, ks_rl_action_fn fn,
                       void *ctx);

/* SwapLimiter(new_qps) at now: nothing if the QPS() is already new_qps;
 * else a new limiter (never-accepting if new_qps <= 0, else full burst-1
 * bucket), drained of its token when the old limiter had none left. */
void ks_rl_queue_swap_limiter(ks_rl_queue *q, float new_qps, ks_time now);

/* When Try could next make progress: KS_TIME_NEVER if the queue is empty
 * or the limiter never accepts, else max(head's process_at, the limiter's
 * next token).  A driver on upstream's 100 ms tainting grid rounds this up
 * to its grid. */
ks_time ks_rl_queue_next_due(const ks_rl_queue *q, ks_time now);

#endif
