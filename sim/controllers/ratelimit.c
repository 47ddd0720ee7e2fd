/* ratelimit.c - token bucket and rate-limited timed queue (see ratelimit.h).
 *
 * Re-implements, in simulated nanoseconds:
 *   golang.org/x/time/rate (golang/time rate/rate.go): advance, reserveN,
 *     tokensFromDuration, durationFromTokens;
 *   k8s.io/client-go/util/flowcontrol/throttle.go (34406b55):
 *     tokenBucketRateLimiter, fakeNeverRateLimiter;
 *   kubernetes pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go
 *     (18e0ba76): UniqueQueue, RateLimitedTimedQueue.Try/Add/Remove/
 *     SwapLimiter.
 */
#include "sim/controllers/ratelimit.h"

#include <math.h>
#include <stdlib.h>

#include "sim/xalloc.h"

/* ---- token bucket --------------------------------------------------------- */

/* time.Duration.Seconds(): whole seconds and the remainder converted
 * separately, as Go does, so the float result matches. */
static double duration_seconds(ks_time d)
{
    ks_time sec = d / KS_SECOND;
    ks_time nsec = d % KS_SECOND;
    return (double)sec + (double)nsec / 1e9;
}

static double tokens_from_duration(double limit, ks_time d)
{
    if (limit <= 0)
        return 0;
    return duration_seconds(d) * limit;
}

/* Truncates toward zero like Go's time.Duration(float64). */
static ks_time duration_from_tokens(double limit, double tokens)
{
    if (limit <= 0)
        return KS_TIME_NEVER;
    double ns = (tokens / limit) * 1e9;
    if (ns >= 9.2233720368547758e18)
        return KS_TIME_NEVER;
    return (ks_time)ns;
}

void ks_token_bucket_init(ks_token_bucket *b, float qps, int burst,
                          ks_time now)
{
    b->qps = qps;
    b->limit = qps > 0 ? (double)qps : 0;
    b->burst = qps > 0 ? burst : 0;
    b->tokens = b->burst;
    b->last = now;
}

static int bucket_never(const ks_token_bucket *b)
{
    return b->limit <= 0;
}

/* rate.Limiter.advance: tokens at t; t earlier than last counts as no
 * elapsed time. */
static double tokens_after(const ks_token_bucket *b, ks_time t)
{
    ks_time last = b->last;
    if (t < last)
        last = t;
    double tokens = b->tokens + tokens_from_duration(b->limit, t - last);
    if (tokens > (double)b->burst)
        tokens = (double)b->burst;
    return tokens;
}

/* reserveN's decision with maxFutureReserve 0: the wait for the missing
 * tokens, truncated to whole nanoseconds, must be zero. */
static int can_take(const ks_token_bucket *b, double tokens, int n)
{
    if (n > b->burst)
        return 0;
    double left = tokens - (double)n;
    if (left >= 0)
        return 1;
    return duration_from_tokens(b->limit, -left) <= 0;
}

int ks_token_bucket_try_accept_n(ks_token_bucket *b, ks_time t, int n)
{
    if (bucket_never(b))
        return 0; /* fakeNeverRateLimiter */
    double tokens = tokens_after(b, t);
    if (!can_take(b, tokens, n))
        return 0;
    b->last = t;
    b->tokens = tokens - (double)n;
    return 1;
}

int ks_token_bucket_try_accept(ks_token_bucket *b, ks_time t)
{
    return ks_token_bucket_try_accept_n(b, t, 1);
}

double ks_token_bucket_tokens_at(const ks_token_bucket *b, ks_time t)
{
    return tokens_after(b, t);
}

ks_time ks_token_bucket_next_available(const ks_token_bucket *b, ks_time t)
{
    if (bucket_never(b) || b->burst < 1)
        return KS_TIME_NEVER;
    if (t < b->last)
        t = b->last; /* the simulator's clock does not run backwards */
    double tokens = tokens_after(b, t);
    if (can_take(b, tokens, 1))
        return t;
    ks_time wait = duration_from_tokens(b->limit, 1.0 - tokens);
    if (wait == KS_TIME_NEVER || wait > KS_TIME_NEVER - t)
        return KS_TIME_NEVER;
    ks_time c = t + wait;
    /* The float round trip may land a few ns off: settle on the exact
     * first nanosecond at which the bucket accepts. */
    while (!can_take(b, tokens_after(b, c), 1))
        c++;
    while (c > t && can_take(b, tokens_after(b, c - 1), 1))
        c--;
    return c;
}

float ks_token_bucket_qps(const ks_token_bucket *b)
{
    return bucket_never(b) ? 1.0f : b->qps;
}

/* ---- RateLimitedTimedQueue ------------------------------------------------ */

void ks_rl_queue_init(ks_rl_queue *q, float qps, ks_time now)
{
    *q = (ks_rl_queue){0};
    ks_token_bucket_init(&q->limiter, qps, KS_EVICTION_RATE_LIMITER_BURST,
                         now);
}

void ks_rl_queue_fini(ks_rl_queue *q)
{
    if (!q)
        return;
    free(q->items);
    q->items = NULL;
    q->n = q->cap = 0;
}

static ks_rl_item *find_item(const ks_rl_queue *q, int value)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->items[i].value == value)
            return &q->items[i];
    return NULL;
}

int ks_rl_queue_has(const ks_rl_queue *q, int value)
{
    return find_item(q, value) != NULL;
}

int ks_rl_queue_add(ks_rl_queue *q, int value, ks_time now)
{
    if (find_item(q, value))
        return 0;
    q->items = ks_xgrow(q->items, &q->cap, q->n + 1, sizeof *q->items);
    q->items[q->n++] = (ks_rl_item){.value = value,
                                    .added_at = now,
                                    .process_at = now,
                                    .seq = q->next_seq++,
                                    .queued = 1};
    return 1;
}

int ks_rl_queue_remove(ks_rl_queue *q, int value)
{
    ks_rl_item *it = find_item(q, value);
    if (!it)
        return 0;
    *it = q->items[--q->n]; /* set order does not matter: seq orders */
    return 1;
}

void ks_rl_queue_clear(ks_rl_queue *q)
{
    q->n = 0;
}

size_t ks_rl_queue_len(const ks_rl_queue *q)
{
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++)
        k += q->items[i].queued != 0;
    return k;
}

/* The queued item with the smallest (process_at, seq): upstream's heap
 * head, with insertion order breaking ties deterministically. */
static ks_rl_item *head_item(ks_rl_queue *q)
{
    ks_rl_item *best = NULL;
    for (size_t i = 0; i < q->n; i++) {
        ks_rl_item *it = &q->items[i];
        if (!it->queued)
            continue;
        if (!best || it->process_at < best->process_at ||
            (it->process_at == best->process_at && it->seq < best->seq))
            best = it;
    }
    return best;
}

size_t ks_rl_queue_try(ks_rl_queue *q, ks_time now, ks_rl_action_fn fn,
                       void *ctx)
{
    size_t calls = 0;
    ks_rl_item *head = head_item(q);
    while (head) {
        if (!ks_token_bucket_try_accept(&q->limiter, now))
            break;
        if (now < head->process_at)
            break;
        int value = head->value;
        ks_time wait = 0;
        int done = fn(ctx, value, now, &wait);
        calls++;
        /* fn may have removed or added values: look the item up again. */
        ks_rl_item *it = find_item(q, value);
        if (it) {
            if (done) {
                it->queued = 0; /* RemoveFromQueue: stays in the set */
            } else {
                it->process_at = now + wait + 1;
                it->seq = q->next_seq++;
            }
        }
        head = head_item(q);
    }
    return calls;
}

void ks_rl_queue_swap_limiter(ks_rl_queue *q, float new_qps, ks_time now)
{
    if (ks_token_bucket_qps(&q->limiter) == new_qps)
        return;
    ks_token_bucket fresh;
    ks_token_bucket_init(&fresh, new_qps, KS_EVICTION_RATE_LIMITER_BURST,
                         now);
    /* Upstream: when the old limiter is empty, drain the new one too (so a
     * swap does not hand out a free token). */
    if (new_qps > 0 && !ks_token_bucket_try_accept(&q->limiter, now))
        ks_token_bucket_try_accept(&fresh, now);
    q->limiter = fresh;
}

ks_time ks_rl_queue_next_due(const ks_rl_queue *q, ks_time now)
{
    ks_rl_item *head = head_item((ks_rl_queue *)q);
    if (!head)
        return KS_TIME_NEVER;
    ks_time tok = ks_token_bucket_next_available(&q->limiter, now);
    if (tok == KS_TIME_NEVER)
        return KS_TIME_NEVER;
    return head->process_at > tok ? head->process_at : tok;
}
