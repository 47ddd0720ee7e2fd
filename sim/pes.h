/* pes.h - the pending-event set: a priority queue of timed events.
 *
 * Six operations (create/destroy, push, pop, peek, cancel, size) as in ROSS's
 * tw_pq and ns-3's Scheduler.  Events are ordered by (time, sequence number):
 * the sequence number is assigned at push, so events at equal times leave in
 * the order they were scheduled, on every machine.
 *
 * Layout: a 4-ary implicit heap of 16-byte keys {time, seq<<24 | slot}; the
 * payload (handler, context, argument) sits in a slot pool indexed by slot,
 * so sifting moves 16 bytes and nothing is allocated per event once the
 * arrays have grown.  Cancellation is lazy: the slot is marked dead and the
 * key is discarded when it reaches the top.  Limits: 2^24 - 1 (16.7 million)
 * events pending at once and 2^40 (1.1e12) events pushed per set.
 *
 * Complexity: push O(log4 n), pop O(log4 n) amortized, cancel O(1).
 */
#ifndef KS_PES_H
#define KS_PES_H

#include <stddef.h>
#include <stdint.h>

typedef struct ks_pes ks_pes;
struct ks_engine;

/* An event handler: runs at its time with the engine, its context and arg. */
typedef void (*ks_event_fn)(struct ks_engine *engine, void *ctx, uint64_t arg);

/* The identity of a scheduled event, for cancellation.  Never 0 for a real
 * event; 0 can serve as "no event". */
typedef uint64_t ks_event_id;

/* What an event carries: a handler, its context and one integer argument. */
typedef struct ks_event {
    int64_t time;
    ks_event_id id;
    ks_event_fn fn;
    void *ctx;
    uint64_t arg;
} ks_event;

ks_pes *ks_pes_create(void);
void ks_pes_destroy(ks_pes *pes); /* accepts NULL */

/* Schedules fn(engine, ctx, arg) at time; returns the event's id. */
ks_event_id ks_pes_push(ks_pes *pes, int64_t time, ks_event_fn fn, void *ctx,
                        uint64_t arg);

/* Removes the earliest live event into *out; returns 0 if the set is empty. */
int ks_pes_pop(ks_pes *pes, ks_event *out);

/* Time of the earliest live event, or INT64_MAX if none. */
int64_t ks_pes_peek_time(ks_pes *pes);

/* Cancels a pending event.  Returns 0, or KS_ENOENT if id has already fired
 * or been cancelled (or is 0). */
int ks_pes_cancel(ks_pes *pes, ks_event_id id);

/* Number of live (not cancelled) pending events. */
size_t ks_pes_size(const ks_pes *pes);

#endif
