/* workqueue.c - FIFO of keys with dirty/processing sets and delays.
 *
 * Keys are small in number per controller (objects of its kind); the sets
 * are kept as a sorted array of key states (binary search), the FIFO as a
 * ring of keys, the delayed keys as a binary heap on (time, sequence). */
#include "sim/workqueue.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

typedef struct key_state {
    uint64_t key;
    int queued;     /* in the FIFO */
    int processing; /* handed to a worker */
    int dirty;      /* added while processing */
    unsigned failures;
} key_state;

typedef struct delayed {
    ks_time at;
    uint64_t seq;
    uint64_t key;
} delayed;

struct ks_workqueue {
    ks_workqueue_config cfg;
    key_state *st;
    size_t nst, st_cap;
    uint64_t *fifo;
    size_t head, len, fifo_cap;
    delayed *heap;
    size_t nheap, heap_cap;
    uint64_t seq;
    double tokens;      /* the overall bucket */
    ks_time bucket_at;  /* when tokens was last refilled */
};

ks_workqueue_config ks_workqueue_default_config(void)
{
    return (ks_workqueue_config){5 * KS_MILLISECOND, 1000 * KS_SECOND, 10.0,
                                 100};
}

ks_workqueue *ks_workqueue_create(const ks_workqueue_config *cfg)
{
    ks_workqueue *q = ks_xcalloc(1, sizeof *q);
    q->cfg = cfg ? *cfg : ks_workqueue_default_config();
    q->tokens = q->cfg.burst;
    return q;
}

void ks_workqueue_destroy(ks_workqueue *q)
{
    if (!q)
        return;
    free(q->st);
    free(q->fifo);
    free(q->heap);
    free(q);
}

static key_state *state(ks_workqueue *q, uint64_t key, int create)
{
    size_t lo = 0, hi = q->nst;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (q->st[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < q->nst && q->st[lo].key == key)
        return &q->st[lo];
    if (!create)
        return NULL;
    q->st = ks_xgrow(q->st, &q->st_cap, q->nst + 1, sizeof *q->st);
    memmove(q->st + lo + 1, q->st + lo, (q->nst - lo) * sizeof *q->st);
    q->nst++;
    q->st[lo] = (key_state){key, 0, 0, 0, 0};
    return &q->st[lo];
}

static void fifo_push(ks_workqueue *q, uint64_t key)
{
    if (q->len == q->fifo_cap) {
        size_t cap = q->fifo_cap ? q->fifo_cap * 2 : 16;
        uint64_t *v = ks_xmalloc(cap * sizeof *v);
        for (size_t i = 0; i < q->len; i++)
            v[i] = q->fifo[(q->head + i) % q->fifo_cap];
        free(q->fifo);
        q->fifo = v;
        q->fifo_cap = cap;
        q->head = 0;
    }
    q->fifo[(q->head + q->len++) % q->fifo_cap] = key;
}

void ks_workqueue_add(ks_workqueue *q, uint64_t key)
{
    key_state *s = state(q, key, 1);
    if (s->processing) {
        s->dirty = 1;
        return;
    }
    if (s->queued)
        return;
    s->queued = 1;
    fifo_push(q, key);
}

/* ---- delayed keys: a binary heap --------------------------------------------- */

static int earlier(const delayed *a, const delayed *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_push(ks_workqueue *q, delayed d)
{
    q->heap = ks_xgrow(q->heap, &q->heap_cap, q->nheap + 1, sizeof *q->heap);
    size_t i = q->nheap++;
    while (i > 0 && earlier(&d, &q->heap[(i - 1) / 2])) {
        q->heap[i] = q->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->heap[i] = d;
}

static delayed heap_pop(ks_workqueue *q)
{
    delayed top = q->heap[0], last = q->heap[--q->nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->nheap)
            break;
        if (c + 1 < q->nheap && earlier(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!earlier(&q->heap[c], &last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (q->nheap)
        q->heap[i] = last;
    return top;
}

void ks_workqueue_add_after(ks_workqueue *q, uint64_t key, ks_time at)
{
    heap_push(q, (delayed){at, q->seq++, key});
}

/* The overall bucket: the time a token is available for an add at now
 * (x/time/rate Reservation semantics: tokens may go negative, each later
 * add waiting its turn). */
static ks_time bucket_reserve(ks_workqueue *q, ks_time now)
{
    if (q->cfg.qps <= 0)
        return now;
    if (now > q->bucket_at) {
        q->tokens += (double)(now - q->bucket_at) / 1e9 * q->cfg.qps;
        if (q->tokens > q->cfg.burst)
            q->tokens = q->cfg.burst;
        q->bucket_at = now;
    }
    q->tokens -= 1;
    if (q->tokens >= 0)
        return now;
    return q->bucket_at + (ks_time)(-q->tokens / q->cfg.qps * 1e9);
}

ks_time ks_workqueue_add_rate_limited(ks_workqueue *q, uint64_t key,
                                      ks_time now)
{
    key_state *s = state(q, key, 1);
    ks_time backoff = q->cfg.base_delay;
    for (unsigned i = 0; i < s->failures && backoff < q->cfg.max_delay; i++)
        backoff *= 2;
    if (backoff > q->cfg.max_delay)
        backoff = q->cfg.max_delay;
    s->failures++;
    ks_time by_item = now + backoff;
    ks_time by_bucket = bucket_reserve(q, now);
    ks_time at = by_item > by_bucket ? by_item : by_bucket;
    ks_workqueue_add_after(q, key, at);
    return at;
}

void ks_workqueue_forget(ks_workqueue *q, uint64_t key)
{
    key_state *s = state(q, key, 0);
    if (s)
        s->failures = 0;
}

unsigned ks_workqueue_retries(const ks_workqueue *q, uint64_t key)
{
    key_state *s = state((ks_workqueue *)q, key, 0);
    return s ? s->failures : 0;
}

uint64_t ks_workqueue_get(ks_workqueue *q, ks_time now)
{
    while (q->nheap && q->heap[0].at <= now)
        ks_workqueue_add(q, heap_pop(q).key);
    if (q->len == 0)
        return 0;
    uint64_t key = q->fifo[q->head];
    q->head = (q->head + 1) % q->fifo_cap;
    q->len--;
    key_state *s = state(q, key, 1);
    s->queued = 0;
    s->processing = 1;
    return key;
}

void ks_workqueue_done(ks_workqueue *q, uint64_t key)
{
    key_state *s = state(q, key, 0);
    if (!s)
        return;
    s->processing = 0;
    if (s->dirty) {
        s->dirty = 0;
        ks_workqueue_add(q, key);
    }
}

size_t ks_workqueue_len(const ks_workqueue *q)
{
    return q->len;
}

ks_time ks_workqueue_next_ready(const ks_workqueue *q)
{
    return q->nheap ? q->heap[0].at : KS_TIME_NEVER;
}
