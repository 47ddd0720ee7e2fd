/* engine.c - the sequential discrete-event loop: pop, advance, dispatch.
 *
 * The clock only moves forward: an event scheduled in the past is clamped to
 * now, so handlers always see non-decreasing time.
 */
#include "sim/engine.h"

#include <stdlib.h>

#include "sim/xalloc.h"

struct ks_engine {
    ks_pes *pes;
    ks_time now;
    uint64_t events_run;
    int stopped;
};

ks_engine *ks_engine_create(void)
{
    ks_engine *e = ks_xcalloc(1, sizeof *e);
    e->pes = ks_pes_create();
    return e;
}

void ks_engine_destroy(ks_engine *engine)
{
    if (!engine)
        return;
    ks_pes_destroy(engine->pes);
    free(engine);
}

ks_time ks_engine_now(const ks_engine *engine)
{
    return engine->now;
}

ks_event_id ks_engine_at(ks_engine *engine, ks_time at, ks_event_fn fn,
                         void *ctx, uint64_t arg)
{
    if (at < engine->now)
        at = engine->now;
    return ks_pes_push(engine->pes, at, fn, ctx, arg);
}

ks_event_id ks_engine_after(ks_engine *engine, ks_time delay, ks_event_fn fn,
                            void *ctx, uint64_t arg)
{
    ks_time at = delay > KS_TIME_NEVER - engine->now ? KS_TIME_NEVER
                                                     : engine->now + delay;
    return ks_engine_at(engine, at, fn, ctx, arg);
}

int ks_engine_cancel(ks_engine *engine, ks_event_id id)
{
    return ks_pes_cancel(engine->pes, id);
}

uint64_t ks_engine_run(ks_engine *engine, ks_time until)
{
    uint64_t ran = 0;
    ks_event ev;
    engine->stopped = 0;
    while (!engine->stopped) {
        if (ks_pes_peek_time(engine->pes) > until) {
            if (until != KS_TIME_NEVER && until > engine->now)
                engine->now = until;
            break;
        }
        if (!ks_pes_pop(engine->pes, &ev))
            break;
        engine->now = ev.time;
        ev.fn(engine, ev.ctx, ev.arg);
        ran++;
    }
    engine->events_run += ran;
    return ran;
}

void ks_engine_stop(ks_engine *engine)
{
    engine->stopped = 1;
}

size_t ks_engine_pending(const ks_engine *engine)
{
    return ks_pes_size(engine->pes);
}

uint64_t ks_engine_events_run(const ks_engine *engine)
{
    return engine->events_run;
}
