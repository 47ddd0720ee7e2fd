/* pes.c - the pending-event set: a cache-aligned 4-ary heap of 16-byte keys.
 *
 * Each heap entry is (time, key) with key = seq << 24 | slot: comparing
 * (time, key) orders events by time and then by the order they were pushed,
 * because sequence numbers are unique and sit in the high bits.  The slot
 * indexes a pool of payloads (handler, context, argument, live key), so a
 * sift moves only 16 bytes per level.
 *
 * The heap array is offset by three entries inside a 64-byte-aligned block:
 * the four children of node i (4i+1 .. 4i+4) then share one cache line,
 * which is the point of a 4-ary heap.  Cancellation clears the slot's live
 * key; the stale heap entry is dropped when it reaches the top.
 */
#include "sim/pes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/xalloc.h"

#define SLOT_BITS 24
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define MAX_SEQ (UINT64_C(1) << (64 - SLOT_BITS))
#define HEAP_PAD 3 /* puts children 4i+1..4i+4 on one 64-byte line */
/* Below this many entries (256 KiB) the heap sits in L2 and prefetching
 * grandchildren only costs instructions. */
#define PREFETCH_MIN 16384

/* A heap entry is one unsigned 128-bit number: the time, with its sign
 * bit flipped so that unsigned order is signed order, in the high half and
 * the key in the low half.  Comparing entries is then one native 128-bit
 * comparison (cmp/sbb, no branch), which is what makes the four-way child
 * selection cheap. */
__extension__ typedef unsigned __int128 heap_entry;

#define TIME_BIAS (UINT64_C(1) << 63)

static inline heap_entry make_entry(int64_t time, uint64_t key)
{
    return ((heap_entry)((uint64_t)time ^ TIME_BIAS) << 64) | key;
}

static inline int64_t entry_time(heap_entry e)
{
    return (int64_t)((uint64_t)(e >> 64) ^ TIME_BIAS);
}

static inline uint64_t entry_key(heap_entry e)
{
    return (uint64_t)e;
}

typedef struct payload {
    ks_event_fn fn;
    void *ctx;
    uint64_t arg;
    uint64_t live_key; /* key of the pending event in this slot, 0 if none */
} payload;

struct ks_pes {
    heap_entry *base; /* 64-byte aligned allocation */
    heap_entry *heap; /* base + HEAP_PAD */
    size_t n;         /* heap entries, live or cancelled */
    size_t cap;
    payload *slots;
    size_t nslots;
    size_t slots_cap;
    uint32_t *free_slots;
    size_t nfree;
    size_t free_cap;
    size_t live;
    size_t cancelled; /* cancelled entries still in the heap */
    uint64_t seq;
};

static inline int earlier(heap_entry a, heap_entry b)
{
    return a < b;
}

static void fatal_limit(const char *what)
{
    fprintf(stderr, "ksim: pending-event set limit reached: %s\n", what);
    abort();
}

ks_pes *ks_pes_create(void)
{
    return ks_xcalloc(1, sizeof(ks_pes));
}

void ks_pes_destroy(ks_pes *pes)
{
    if (!pes)
        return;
    free(pes->base);
    free(pes->slots);
    free(pes->free_slots);
    free(pes);
}

static void grow_heap(ks_pes *pes)
{
    size_t cap = pes->cap ? pes->cap * 2 : 1024;
    void *mem = NULL;
    if (posix_memalign(&mem, 64, (cap + HEAP_PAD) * sizeof(heap_entry)) != 0)
        fatal_limit("out of memory");
    heap_entry *base = mem;
    if (pes->n)
        memcpy(base + HEAP_PAD, pes->heap, pes->n * sizeof(heap_entry));
    free(pes->base);
    pes->base = base;
    pes->heap = base + HEAP_PAD;
    pes->cap = cap;
}

static inline uint32_t take_slot(ks_pes *pes)
{
    if (pes->nfree)
        return pes->free_slots[--pes->nfree];
    if (pes->nslots > SLOT_MASK - 1)
        fatal_limit("more than 16777214 events pending");
    if (pes->nslots == pes->slots_cap)
        pes->slots = ks_xgrow(pes->slots, &pes->slots_cap, pes->nslots + 1,
                              sizeof(payload));
    return (uint32_t)pes->nslots++;
}

static inline void release_slot(ks_pes *pes, uint32_t slot)
{
    if (pes->nfree == pes->free_cap)
        pes->free_slots = ks_xgrow(pes->free_slots, &pes->free_cap,
                                   pes->nfree + 1, sizeof(uint32_t));
    pes->free_slots[pes->nfree++] = slot;
}

static inline void sift_up(heap_entry *h, size_t i, heap_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!earlier(e, h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

/* The index of the earliest of the four children starting at first. */
static inline size_t min_of_four(const heap_entry *h, size_t first)
{
    /* Two pairwise winners by index, then a reload of each (L1 hits: the
     * four children share one line) instead of carrying 128-bit minima
     * through conditional moves. */
    size_t a = first + (h[first + 1] < h[first]);
    size_t b = first + 2 + (h[first + 3] < h[first + 2]);
    return h[b] < h[a] ? b : a;
}

/* Moves the hole at the root down to a leaf, always along the earliest
 * child, and returns the leaf's index.  With prefetch, the four grandchild
 * lines are requested before the choice: whichever child wins, its
 * children are already on their way, so the walk overlaps its cache misses
 * instead of chaining them (worth it only once the heap outgrows L2). */
static inline size_t walk_hole_down(heap_entry *h, size_t n, int prefetch)
{
    size_t i = 0;
    for (;;) {
        size_t first = 4 * i + 1;
        size_t best;
        if (first + 4 <= n) {
            if (prefetch && 4 * first + 13 < n) {
                __builtin_prefetch(&h[4 * first + 1]);
                __builtin_prefetch(&h[4 * first + 5]);
                __builtin_prefetch(&h[4 * first + 9]);
                __builtin_prefetch(&h[4 * first + 13]);
            }
            best = min_of_four(h, first);
        } else if (first < n) {
            best = first;
            for (size_t c = first + 1; c < n; c++)
                if (earlier(h[c], h[best]))
                    best = c;
        } else {
            return i;
        }
        h[i] = h[best];
        i = best;
    }
}

/* Refills the hole left at the root by the removed top with e, Floyd's
 * bottom-up way: the hole walks down to a leaf (one comparison less per
 * level than a classic sift-down), then e, which came from the bottom and
 * nearly always belongs near it, sifts up from there.  The two loop
 * variants keep the prefetch test out of the loop. */
static inline void sift_down(heap_entry *h, size_t n, heap_entry e)
{
    size_t leaf = n > PREFETCH_MIN ? walk_hole_down(h, n, 1)
                                   : walk_hole_down(h, n, 0);
    sift_up(h, leaf, e);
}

ks_event_id ks_pes_push(ks_pes *pes, int64_t time, ks_event_fn fn, void *ctx,
                        uint64_t arg)
{
    if (pes->n == pes->cap)
        grow_heap(pes);
    if (++pes->seq >= MAX_SEQ)
        fatal_limit("more than 2^40 events scheduled");
    uint32_t slot = take_slot(pes);
    uint64_t key = (pes->seq << SLOT_BITS) | slot;
    payload *p = &pes->slots[slot];
    p->fn = fn;
    p->ctx = ctx;
    p->arg = arg;
    p->live_key = key;
    sift_up(pes->heap, pes->n++, make_entry(time, key));
    pes->live++;
    return key;
}

/* Removes the top entry; returns it. */
static heap_entry remove_top(ks_pes *pes)
{
    heap_entry top = pes->heap[0];
    pes->n--;
    if (pes->n)
        sift_down(pes->heap, pes->n, pes->heap[pes->n]);
    return top;
}

/* Drops cancelled entries from the top so heap[0] (if any) is live. */
static void drop_cancelled(ks_pes *pes)
{
    while (pes->cancelled && pes->n) {
        uint64_t key = entry_key(pes->heap[0]);
        uint32_t slot = (uint32_t)(key & SLOT_MASK);
        if (pes->slots[slot].live_key == key)
            return;
        remove_top(pes);
        release_slot(pes, slot);
        pes->cancelled--;
    }
}

int ks_pes_pop(ks_pes *pes, ks_event *out)
{
    drop_cancelled(pes);
    if (!pes->n)
        return 0;
    heap_entry top = remove_top(pes);
    uint32_t slot = (uint32_t)(entry_key(top) & SLOT_MASK);
    payload *p = &pes->slots[slot];
    out->time = entry_time(top);
    out->id = entry_key(top);
    out->fn = p->fn;
    out->ctx = p->ctx;
    out->arg = p->arg;
    p->live_key = 0;
    release_slot(pes, slot);
    pes->live--;
    /* The next pop will read the new top's payload, at a random place in a
     * large pool: start fetching it now, while the handler runs. */
    if (pes->n)
        __builtin_prefetch(&pes->slots[entry_key(pes->heap[0]) & SLOT_MASK]);
    return 1;
}

int64_t ks_pes_peek_time(ks_pes *pes)
{
    drop_cancelled(pes);
    return pes->n ? entry_time(pes->heap[0]) : INT64_MAX;
}

int ks_pes_cancel(ks_pes *pes, ks_event_id id)
{
    uint64_t slot = id & SLOT_MASK;
    if (id == 0 || slot >= pes->nslots || pes->slots[slot].live_key != id)
        return KS_ENOENT;
    pes->slots[slot].live_key = 0;
    pes->live--;
    pes->cancelled++;
    return 0;
}

size_t ks_pes_size(const ks_pes *pes)
{
    return pes->live;
}
