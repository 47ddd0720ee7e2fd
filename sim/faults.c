/* faults.c - the fault injector: planned faults, failure processes.
 *
 * Every fault is planned when it is given (a process draws its whole
 * timeline then) and becomes two engine events, begin and end.  Faults of
 * one kind on one target may overlap (a process and a timed fault): the
 * target goes down with the first and comes back with the last, so the
 * handlers see each target go down and up once per overlap.
 */
#include "sim/faults.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

static const char *const kind_names[KS_FAULT_COUNT] = {
    "nodeCrash",      "kubeletStop", "nodePartition",
    "zoneOutage",     "apiserverDown", "etcdMemberDown"};

typedef struct planned {
    ks_time start, end;
    ks_fault_kind kind;
    uint32_t target;
    int count;
    size_t record; /* index in records once begun */
} planned;

struct ks_faults {
    ks_engine *engine;
    gsl_rng *rng;
    ks_fault_ops ops;
    void *ctx;
    planned *plan;
    size_t nplan, plan_cap;
    ks_fault_record *records;
    size_t nrecords, records_cap;
    char **targets;
    size_t ntargets, targets_cap;
    int *down; /* [target * KS_FAULT_COUNT + kind]: overlapping faults */
    size_t down_cap;
};

const char *ks_fault_kind_name(ks_fault_kind k)
{
    return (unsigned)k < KS_FAULT_COUNT ? kind_names[k] : "?";
}

int ks_fault_kind_lookup(const char *name)
{
    for (int k = 0; k < KS_FAULT_COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return -1;
}

/* Targets are few (nodes, zones, components): a linear intern is fine and
 * keeps indexes in first-use order. */
static uint32_t intern_target(ks_faults *f, const char *name)
{
    for (size_t i = 0; i < f->ntargets; i++)
        if (strcmp(f->targets[i], name) == 0)
            return (uint32_t)i;
    f->targets = ks_xgrow(f->targets, &f->targets_cap, f->ntargets + 1,
                          sizeof *f->targets);
    f->targets[f->ntargets] = ks_xstrdup(name);
    return (uint32_t)f->ntargets++;
}

static int *down_count(ks_faults *f, ks_fault_kind kind, uint32_t target)
{
    size_t need = ((size_t)target + 1) * KS_FAULT_COUNT;
    if (need > f->down_cap) {
        size_t old = f->down_cap;
        f->down = ks_xgrow(f->down, &f->down_cap, need, sizeof *f->down);
        memset(f->down + old, 0, (f->down_cap - old) * sizeof *f->down);
    }
    return &f->down[(size_t)target * KS_FAULT_COUNT + kind];
}

static void on_end(ks_engine *e, void *ctx, uint64_t i)
{
    ks_faults *f = ctx;
    planned *p = &f->plan[i];
    ks_fault_record *r = &f->records[p->record];
    r->end = ks_engine_now(e);
    int *down = down_count(f, p->kind, p->target);
    if (r->applied && --*down == 0 && f->ops.end)
        f->ops.end(f->ctx, p->kind, f->targets[p->target], p->count);
}

static void on_begin(ks_engine *e, void *ctx, uint64_t i)
{
    ks_faults *f = ctx;
    planned *p = &f->plan[i];
    int *down = down_count(f, p->kind, p->target);
    int applied;
    if (*down > 0)
        applied = 1; /* already down by an overlapping fault of this kind */
    else
        applied = !f->ops.begin ||
                  f->ops.begin(f->ctx, p->kind, f->targets[p->target],
                               p->count) == 0;
    if (applied)
        ++*down;
    f->records = ks_xgrow(f->records, &f->records_cap, f->nrecords + 1,
                          sizeof *f->records);
    p->record = f->nrecords;
    f->records[f->nrecords++] = (ks_fault_record){
        ks_engine_now(e), KS_TIME_NEVER, p->kind, p->target, p->count,
        applied};
    if (p->end != KS_TIME_NEVER)
        ks_engine_at(e, p->end, on_end, f, i);
}

ks_faults *ks_faults_create(ks_engine *e, gsl_rng *rng,
                            const ks_fault_ops *ops, void *ctx)
{
    ks_faults *f = ks_xcalloc(1, sizeof *f);
    f->engine = e;
    f->rng = rng;
    if (ops)
        f->ops = *ops;
    f->ctx = ctx;
    return f;
}

void ks_faults_destroy(ks_faults *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ntargets; i++)
        free(f->targets[i]);
    free(f->targets);
    free(f->plan);
    free(f->records);
    free(f->down);
    free(f);
}

void ks_faults_at(ks_faults *f, ks_time at, ks_fault_kind kind,
                  const char *target, int count, ks_time duration)
{
    if (at < ks_engine_now(f->engine))
        at = ks_engine_now(f->engine);
    f->plan = ks_xgrow(f->plan, &f->plan_cap, f->nplan + 1, sizeof *f->plan);
    ks_time end = duration == KS_TIME_NEVER || duration < 0
                      ? KS_TIME_NEVER
                      : at + duration;
    f->plan[f->nplan] = (planned){at, end, kind, intern_target(f, target),
                                  count, 0};
    ks_engine_at(f->engine, at, on_begin, f, f->nplan);
    f->nplan++;
}

/* A draw in seconds as a positive simulated time (a zero draw would put
 * a failure and its repair at the same instant: one nanosecond apart). */
static ks_time draw(const ks_dist *d, gsl_rng *rng)
{
    double s = ks_dist_sample(d, rng);
    ks_time t = (ks_time)(s * 1e9);
    return t > 0 ? t : 1;
}

void ks_faults_process(ks_faults *f, ks_fault_kind kind, const char *target,
                       int count, const ks_dist *mtbf, const ks_dist *mttr,
                       ks_time from, ks_time until)
{
    ks_time t = from;
    for (;;) {
        t += draw(mtbf, f->rng);
        if (t >= until)
            return;
        ks_time repair = draw(mttr, f->rng);
        ks_faults_at(f, t, kind, target, count, repair);
        t += repair;
    }
}

const ks_fault_record *ks_faults_records(const ks_faults *f, size_t *n)
{
    *n = f->nrecords;
    return f->records;
}

const char *ks_faults_target_name(const ks_faults *f, uint32_t i)
{
    return i < f->ntargets ? f->targets[i] : "";
}
