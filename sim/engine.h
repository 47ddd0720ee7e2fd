/* engine.h - the discrete-event engine: simulated clock plus pending events.
 *
 * Simulated time is int64 nanoseconds (ks_time).  Handlers run one at a time
 * in (time, sequence) order; a handler may schedule and cancel events.  The
 * engine never reads the wall clock.
 *
 * Ownership: the engine owns its pending-event set; contexts passed to
 * ks_engine_at are borrowed and must outlive the events that carry them.
 */
#ifndef KS_ENGINE_H
#define KS_ENGINE_H

#include <stdint.h>

#include "sim/pes.h"

typedef int64_t ks_time;

#define KS_NANOSECOND ((ks_time)1)
#define KS_MICROSECOND ((ks_time)1000)
#define KS_MILLISECOND ((ks_time)1000000)
#define KS_SECOND ((ks_time)1000000000)
#define KS_MINUTE (60 * KS_SECOND)
#define KS_HOUR (60 * KS_MINUTE)
#define KS_TIME_NEVER INT64_MAX

typedef struct ks_engine ks_engine;


ks_engine *ks_engine_create(void);
void ks_engine_destroy(ks_engine *engine); /* accepts NULL */

ks_time ks_engine_now(const ks_engine *engine);

/* Schedules fn(engine, ctx, arg) at absolute time at (>= now; earlier times
 * are clamped to now, so causality holds). */
ks_event_id ks_engine_at(ks_engine *engine, ks_time at, ks_event_fn fn,
                         void *ctx, uint64_t arg);
/* Same, delay from now (delay >= 0). */
ks_event_id ks_engine_after(ks_engine *engine, ks_time delay, ks_event_fn fn,
                            void *ctx, uint64_t arg);

/* Cancels a pending event: 0, or KS_ENOENT if it already ran or was
 * cancelled. */
int ks_engine_cancel(ks_engine *engine, ks_event_id id);

/* Runs events with time <= until, in order, until none remain, the limit is
 * passed or ks_engine_stop is called.  When stopped by the limit the clock is
 * left at until.  Returns the number of events run by this call. */
uint64_t ks_engine_run(ks_engine *engine, ks_time until);

/* Makes ks_engine_run return after the current handler. */
void ks_engine_stop(ks_engine *engine);

/* Live pending events and events run so far. */
size_t ks_engine_pending(const ks_engine *engine);
uint64_t ks_engine_events_run(const ks_engine *engine);

#endif
