/* queue.c - activeQ, backoffQ and the unschedulable pool over pod indices.
 *
 * The queues (activeQ, backoffQ and error-backoffQ) are binary heaps of
 * pod indices whose order reads the per-pod info array; the unschedulable
 * pool is an unordered array (order does not matter: pods leaving it enter
 * a heap with a total order).
 */
#include "sched/queue.h"

#include <stdlib.h>

#include "sim/xalloc.h"

enum where { W_NONE = 0, W_ACTIVE, W_BACKOFF, W_POOL, W_INFLIGHT };

typedef struct pinfo {
    ks_time timestamp;    /* queue timestamp: arrival or last failure */
    int32_t priority;
    uint32_t unsched_count; /* failed attempts, for the backoff */
    uint32_t pool_pos;    /* index in the pool while W_POOL */
    uint64_t move_seq_at_pop;
    uint8_t where;
    uint8_t errored; /* the last failure was an error: error-backoffQ */
} pinfo;

typedef struct pod_heap {
    uint32_t *v;
    size_t n;
    size_t cap;
} pod_heap;

struct ks_queue {
    ks_queue_config cfg;
    pinfo *info;
    size_t info_cap;
    pod_heap active;
    pod_heap backoff;
    pod_heap error_backoff; /* never popped early (KEP-5142) */
    uint32_t *pool;
    size_t npool;
    size_t pool_cap;
    uint64_t move_seq; /* counts move events, to spot ones during a cycle */
    ks_queue_less_fn less; /* QueueSort plugin, NULL: PrioritySort */
    void *less_ctx;
};

ks_queue_config ks_queue_default_config(void)
{
    ks_queue_config c = {1 * KS_SECOND, 10 * KS_SECOND, 5 * KS_MINUTE};
    return c;
}

ks_queue *ks_queue_create(const ks_queue_config *cfg)
{
    ks_queue *q = ks_xcalloc(1, sizeof *q);
    q->cfg = cfg ? *cfg : ks_queue_default_config();
    return q;
}

void ks_queue_destroy(ks_queue *q)
{
    if (!q)
        return;
    free(q->info);
    free(q->active.v);
    free(q->backoff.v);
    free(q->error_backoff.v);
    free(q->pool);
    free(q);
}

void ks_queue_set_less(ks_queue *q, ks_queue_less_fn less, void *ctx)
{
    q->less = less;
    q->less_ctx = ctx;
}

/* ---- ordering ---------------------------------------------------------- */

/* PrioritySort (plugins/queuesort/priority_sort.go, v1.36): higher priority
 * first, then the earlier queue timestamp; the pod index makes it total.
 * A QueueSort plugin's less replaces the first two. */
static int active_before(const ks_queue *q, uint32_t a, uint32_t b)
{
    const pinfo *x = &q->info[a], *y = &q->info[b];
    if (q->less) {
        if (q->less(q->less_ctx, a, x->timestamp, b, y->timestamp))
            return 1;
        if (q->less(q->less_ctx, b, y->timestamp, a, x->timestamp))
            return 0;
        return a < b;
    }
    if (x->priority != y->priority)
        return x->priority > y->priority;
    if (x->timestamp != y->timestamp)
        return x->timestamp < y->timestamp;
    return a < b;
}

/* backoff = initial * 2^(count-1), capped at max; no failures, no backoff
 * (backend/queue/backoff_queue.go, v1.36). */
static ks_time backoff_duration(const ks_queue *q, uint32_t count)
{
    if (count == 0 || q->cfg.max_backoff == 0)
        return 0;
    ks_time d = q->cfg.initial_backoff;
    for (uint32_t i = 1; i < count; i++) {
        if (d >= q->cfg.max_backoff)
            break;
        d *= 2;
    }
    return d < q->cfg.max_backoff ? d : q->cfg.max_backoff;
}

static ks_time backoff_expiry(const ks_queue *q, uint32_t pod)
{
    const pinfo *p = &q->info[pod];
    return p->timestamp + backoff_duration(q, p->unsched_count);
}

/* backoffQ: earlier expiry first, then the activeQ order. */
static int backoff_before(const ks_queue *q, uint32_t a, uint32_t b)
{
    ks_time ea = backoff_expiry(q, a), eb = backoff_expiry(q, b);
    if (ea != eb)
        return ea < eb;
    return active_before(q, a, b);
}

typedef int (*before_fn)(const ks_queue *, uint32_t, uint32_t);

static void heap_push(ks_queue *q, pod_heap *h, before_fn before, uint32_t pod)
{
    if (h->n == h->cap)
        h->v = ks_xgrow(h->v, &h->cap, h->n + 1, sizeof(uint32_t));
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(q, pod, h->v[parent]))
            break;
        h->v[i] = h->v[parent];
        i = parent;
    }
    h->v[i] = pod;
}

static uint32_t heap_pop(ks_queue *q, pod_heap *h, before_fn before)
{
    uint32_t top = h->v[0];
    uint32_t last = h->v[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(q, h->v[c + 1], h->v[c]))
            c++;
        if (!before(q, h->v[c], last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (n)
        h->v[i] = last;
    return top;
}

/* ---- moves between places --------------------------------------------- */

static void to_active(ks_queue *q, uint32_t pod)
{
    q->info[pod].where = W_ACTIVE;
    heap_push(q, &q->active, active_before, pod);
}

static void to_backoff(ks_queue *q, uint32_t pod)
{
    q->info[pod].where = W_BACKOFF;
    heap_push(q, q->info[pod].errored ? &q->error_backoff : &q->backoff,
              backoff_before, pod);
}

static void to_active_or_backoff(ks_queue *q, uint32_t pod, ks_time now)
{
    if (backoff_expiry(q, pod) > now)
        to_backoff(q, pod);
    else
        to_active(q, pod);
}

static void to_pool(ks_queue *q, uint32_t pod)
{
    if (q->npool == q->pool_cap)
        q->pool = ks_xgrow(q->pool, &q->pool_cap, q->npool + 1,
                           sizeof(uint32_t));
    q->info[pod].where = W_POOL;
    q->info[pod].pool_pos = (uint32_t)q->npool;
    q->pool[q->npool++] = pod;
}

static void remove_from_pool(ks_queue *q, uint32_t pod)
{
    uint32_t pos = q->info[pod].pool_pos;
    uint32_t last = q->pool[--q->npool];
    q->pool[pos] = last;
    q->info[last].pool_pos = pos;
}

/* ---- API ----------------------------------------------------------------- */

void ks_queue_add(ks_queue *q, uint32_t pod, int32_t priority, ks_time now)
{
    if (pod >= q->info_cap) {
        size_t old = q->info_cap;
        q->info = ks_xgrow(q->info, &q->info_cap, (size_t)pod + 1,
                           sizeof(pinfo));
        for (size_t i = old; i < q->info_cap; i++)
            q->info[i] = (pinfo){0};
    }
    pinfo *p = &q->info[pod];
    *p = (pinfo){0};
    p->timestamp = now;
    p->priority = priority;
    to_active(q, pod);
}

uint32_t ks_queue_pop(ks_queue *q, ks_time now)
{
    (void)now;
    uint32_t pod;
    if (q->active.n)
        pod = heap_pop(q, &q->active, active_before);
    else if (q->backoff.n)
        pod = heap_pop(q, &q->backoff, backoff_before);
    else
        return KS_QUEUE_NONE;
    q->info[pod].where = W_INFLIGHT;
    q->info[pod].move_seq_at_pop = q->move_seq;
    return pod;
}

void ks_queue_done(ks_queue *q, uint32_t pod)
{
    q->info[pod].where = W_NONE;
}

void ks_queue_unschedulable(ks_queue *q, uint32_t pod, ks_time now)
{
    pinfo *p = &q->info[pod];
    p->unsched_count++;
    p->timestamp = now;
    p->errored = 0;
    if (p->move_seq_at_pop != q->move_seq)
        to_active_or_backoff(q, pod, now);
    else
        to_pool(q, pod);
}

void ks_queue_error(ks_queue *q, uint32_t pod, ks_time now)
{
    pinfo *p = &q->info[pod];
    p->unsched_count++;
    p->timestamp = now;
    p->errored = 1;
    to_active_or_backoff(q, pod, now);
}

void ks_queue_move_all(ks_queue *q, ks_time now)
{
    q->move_seq++;
    /* Detach the pool first: pods leave it in array order, and none can
     * come back during this loop. */
    size_t n = q->npool;
    q->npool = 0;
    for (size_t i = 0; i < n; i++)
        to_active_or_backoff(q, q->pool[i], now);
}

void ks_queue_flush_backoff(ks_queue *q, ks_time now)
{
    pod_heap *heaps[2] = {&q->backoff, &q->error_backoff};
    for (int i = 0; i < 2; i++)
        while (heaps[i]->n && backoff_expiry(q, heaps[i]->v[0]) <= now)
            to_active(q, heap_pop(q, heaps[i], backoff_before));
}

void ks_queue_flush_unschedulable_leftover(ks_queue *q, ks_time now)
{
    for (size_t i = 0; i < q->npool;) {
        uint32_t pod = q->pool[i];
        if (now - q->info[pod].timestamp > q->cfg.max_in_unschedulable) {
            remove_from_pool(q, pod); /* moves another pod into slot i */
            to_active_or_backoff(q, pod, now);
        } else {
            i++;
        }
    }
}

size_t ks_queue_active_len(const ks_queue *q)
{
    return q->active.n;
}

int ks_queue_can_pop(const ks_queue *q)
{
    return q->active.n > 0 || q->backoff.n > 0;
}

size_t ks_queue_backoff_len(const ks_queue *q)
{
    return q->backoff.n + q->error_backoff.n;
}

size_t ks_queue_unschedulable_len(const ks_queue *q)
{
    return q->npool;
}
