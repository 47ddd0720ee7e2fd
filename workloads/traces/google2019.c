/* google2019.c - Google clusterdata-2019 (trace v3) instance_events.
 *
 * Google publishes the 2019 trace in BigQuery and, per cell, as
 * newline-delimited JSON files in Cloud Storage (what `bq extract
 * --destination_format NEWLINE_DELIMITED_JSON` also writes).  This reader
 * takes that JSON-lines form, uncompressed, one InstanceEvent per line with
 * the field names of google/cluster-data clusterdata_trace_format_v3.proto:
 *   time (µs from the trace start), type (EventType: 0 SUBMIT, 1 QUEUE,
 *   2 ENABLE, 3 SCHEDULE, 4 EVICT, 5 FAIL, 6 FINISH, 7 KILL, 8 LOST,
 *   9 UPDATE_PENDING, 10 UPDATE_RUNNING, as a number or its name),
 *   collection_id, instance_index, collection_type (0 JOB, 1 ALLOC_SET),
 *   priority, resource_request {cpus, memory} (normalized to the largest
 *   machine: opt.machine_cpu_milli and opt.machine_memory_bytes are 1.0).
 * Integers may be JSON numbers or strings (BigQuery's JSON export writes
 * INT64 as strings); absent fields are absent or null.  Other fields are
 * ignored.
 *
 * An instance (collection_id, instance_index) becomes one pod named
 * <collection_id>-<instance_index>: it arrives at its first SUBMIT, takes
 * its request from SUBMIT and UPDATE_PENDING events, runs from its first
 * SCHEDULE (or its SUBMIT if never scheduled) and ends at FINISH, KILL or
 * LOST, or at its last EVICT / FAIL when it is not resubmitted.  So a pod
 * is complete only at its end event: records come out at end events, in
 * file order of those, and the instances still open at the end of the file
 * come last, in order of submission, ending at their last EVICT / FAIL or
 * never.  The reader keeps the open instances in a hash table (memory grows
 * with the instances alive at once, not with the file).  Times of 2^63-1
 * ("after the trace") and other times past int64 nanoseconds mean never.
 * Alloc-set instances (reservations, not work) are ignored.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "workloads/traces/format.h"

enum { SUBMIT, QUEUE, ENABLE, SCHEDULE, EVICT, FAIL, FINISH, KILL, LOST,
       UPDATE_PENDING, UPDATE_RUNNING, NTYPES };
static const char *const type_names[NTYPES] = {
    "SUBMIT", "QUEUE", "ENABLE", "SCHEDULE",       "EVICT",         "FAIL",
    "FINISH", "KILL",  "LOST",   "UPDATE_PENDING", "UPDATE_RUNNING"};

#define NONE (-1)
#define NEVER_US INT64_MAX

typedef struct inst {
    int64_t coll;
    int64_t index;
    int64_t submit, sched, end; /* µs; NONE; NEVER_US: after the trace */
    double cpus, memory;
    int has_request;
    int32_t priority;
    uint64_t seq; /* submission order */
} inst;

typedef struct g19_state {
    inst *v;          /* the instances, live or free */
    size_t n, cap;    /* used entries (live or on the free list) */
    size_t *free_list;
    size_t nfree, free_cap;
    int64_t *slots;   /* hash table: entry index, EMPTY or GONE */
    size_t slot_cap, used_slots; /* used: live + tombstones */
    uint64_t seq;
    /* at the end of the file: the open instances in submission order */
    int draining;
    size_t *drain;
    size_t ndrain, drain_pos;
    char name[48];
} g19_state;

#define EMPTY (-1)
#define GONE (-2)

/* ---- the table of open instances -------------------------------------- */

static uint64_t hash_key(int64_t coll, int64_t index)
{
    uint64_t h = (uint64_t)coll * UINT64_C(0x9E3779B97F4A7C15) ^
                 (uint64_t)index * UINT64_C(0xC2B2AE3D27D4EB4F);
    h ^= h >> 29;
    h *= UINT64_C(0xBF58476D1CE4E5B9);
    return h ^ (h >> 32);
}

/* The slot holding (coll, index), or the slot where it would go (*found 0). */
static size_t find_slot(const g19_state *st, int64_t coll, int64_t index,
                        int *found)
{
    size_t mask = st->slot_cap - 1, i = hash_key(coll, index) & mask;
    size_t first_gone = SIZE_MAX;
    for (;; i = (i + 1) & mask) {
        int64_t e = st->slots[i];
        if (e == EMPTY) {
            *found = 0;
            return first_gone != SIZE_MAX ? first_gone : i;
        }
        if (e == GONE) {
            if (first_gone == SIZE_MAX)
                first_gone = i;
        } else if (st->v[e].coll == coll && st->v[e].index == index) {
            *found = 1;
            return i;
        }
    }
}

static void rehash(g19_state *st, size_t cap)
{
    int64_t *old = st->slots;
    size_t old_cap = st->slot_cap;
    st->slots = ks_xmalloc(cap * sizeof *st->slots);
    for (size_t i = 0; i < cap; i++)
        st->slots[i] = EMPTY;
    st->slot_cap = cap;
    st->used_slots = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] < 0)
            continue;
        int found;
        size_t s = find_slot(st, st->v[old[i]].coll, st->v[old[i]].index,
                             &found);
        st->slots[s] = old[i];
        st->used_slots++;
    }
    free(old);
}

static inst *lookup(g19_state *st, int64_t coll, int64_t index)
{
    int found;
    size_t s = find_slot(st, coll, index, &found);
    return found ? &st->v[st->slots[s]] : NULL;
}

static inst *insert(g19_state *st, int64_t coll, int64_t index)
{
    if (2 * (st->used_slots + 1) > st->slot_cap) {
        size_t live = st->n - st->nfree;
        size_t cap = st->slot_cap;
        while (4 * (live + 1) > cap) /* after dropping tombstones: <= 1/4 */
            cap *= 2;
        rehash(st, cap);
    }
    size_t e;
    if (st->nfree > 0) {
        e = st->free_list[--st->nfree];
    } else {
        st->v = ks_xgrow(st->v, &st->cap, st->n + 1, sizeof *st->v);
        e = st->n++;
    }
    int found;
    size_t s = find_slot(st, coll, index, &found);
    if (st->slots[s] == EMPTY)
        st->used_slots++;
    st->slots[s] = (int64_t)e;
    inst *in = &st->v[e];
    memset(in, 0, sizeof *in);
    in->coll = coll;
    in->index = index;
    in->sched = NONE;
    in->end = NONE;
    in->seq = st->seq++;
    return in;
}

static void erase(g19_state *st, inst *in)
{
    int found;
    size_t s = find_slot(st, in->coll, in->index, &found);
    size_t e = (size_t)st->slots[s];
    st->slots[s] = GONE;
    st->free_list =
        ks_xgrow(st->free_list, &st->free_cap, st->nfree + 1, sizeof(size_t));
    st->free_list[st->nfree++] = e;
}

/* ---- reading one event ------------------------------------------------- */

typedef struct event {
    int64_t time, coll, index, ctype, priority;
    int type;
    int has_priority, has_request;
    double cpus, memory;
} event;

/* An integer field: a JSON integer or a string of one.  *present 0 when
 * absent or null. */
static int json_int(ks_trace_reader *r, json_t *obj, const char *key,
                    int64_t *out, int *present, ks_error *err)
{
    json_t *v = json_object_get(obj, key);
    *present = v && !json_is_null(v);
    if (!*present)
        return 0;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v) && ks_csv_parse_i64(json_string_value(v), out) == 0)
        return 0;
    return ks_trace_fail(r, err, KS_EPARSE, "%s: expected an integer", key);
}

static int json_num(ks_trace_reader *r, json_t *obj, const char *key,
                    double *out, int *present, ks_error *err)
{
    json_t *v = json_object_get(obj, key);
    *present = v && !json_is_null(v);
    if (!*present)
        return 0;
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (!json_is_string(v) ||
               ks_csv_parse_double(json_string_value(v), out)) {
        return ks_trace_fail(r, err, KS_EPARSE, "%s: expected a number", key);
    }
    if (*out < 0)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "%s: must not be negative, got %g", key, *out);
    return 0;
}

static int event_type(ks_trace_reader *r, json_t *obj, int *type,
                      ks_error *err)
{
    json_t *v = json_object_get(obj, "type");
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        for (int i = 0; i < NTYPES; i++)
            if (strcmp(s, type_names[i]) == 0) {
                *type = i;
                return 0;
            }
    }
    int64_t t;
    int present, rc = json_int(r, obj, "type", &t, &present, err);
    if (rc)
        return rc;
    if (!present)
        return ks_trace_fail(r, err, KS_EPARSE, "missing field \"type\"");
    if (t < 0 || t >= NTYPES)
        return ks_trace_fail(r, err, KS_ERANGE,
                             "type: %lld is not an event type (0..10)",
                             (long long)t);
    *type = (int)t;
    return 0;
}

static int required_int(ks_trace_reader *r, json_t *obj, const char *key,
                        int64_t *out, ks_error *err)
{
    int present, rc = json_int(r, obj, key, out, &present, err);
    if (!rc && !present)
        rc = ks_trace_fail(r, err, KS_EPARSE, "missing field \"%s\"", key);
    if (!rc && *out < 0 && strcmp(key, "collection_id") != 0)
        rc = ks_trace_fail(r, err, KS_ERANGE, "%s: must not be negative, got "
                           "%lld", key, (long long)*out);
    return rc;
}

static int parse_event(ks_trace_reader *r, json_t *obj, event *ev,
                       ks_error *err)
{
    memset(ev, 0, sizeof *ev);
    int present, rc;
    if ((rc = required_int(r, obj, "time", &ev->time, err)) ||
        (rc = event_type(r, obj, &ev->type, err)) ||
        (rc = required_int(r, obj, "collection_id", &ev->coll, err)) ||
        (rc = required_int(r, obj, "instance_index", &ev->index, err)) ||
        (rc = json_int(r, obj, "priority", &ev->priority, &ev->has_priority,
                       err)))
        return rc;
    json_t *ct = json_object_get(obj, "collection_type");
    if (json_is_string(ct) && strcmp(json_string_value(ct), "ALLOC_SET") == 0)
        ev->ctype = 1;
    else if (json_is_string(ct) && strcmp(json_string_value(ct), "JOB") == 0)
        ev->ctype = 0;
    else if ((rc = json_int(r, obj, "collection_type", &ev->ctype, &present,
                            err)))
        return rc;
    if (ev->priority < INT32_MIN || ev->priority > INT32_MAX)
        return ks_trace_fail(r, err, KS_ERANGE, "priority: out of range");
    json_t *req = json_object_get(obj, "resource_request");
    if (req && !json_is_null(req)) {
        if (!json_is_object(req))
            return ks_trace_fail(r, err, KS_EPARSE,
                                 "resource_request: expected an object");
        int has_cpu, has_mem;
        if ((rc = json_num(r, req, "cpus", &ev->cpus, &has_cpu, err)) ||
            (rc = json_num(r, req, "memory", &ev->memory, &has_mem, err)))
            return rc;
        ev->has_request = has_cpu || has_mem;
    }
    return 0;
}

/* ---- instances to records ---------------------------------------------- */

/* µs to ns; NEVER for the "after the trace" sentinel or beyond int64 ns. */
static ks_time us_to_ns(int64_t us)
{
    if (us >= INT64_MAX / 1000)
        return KS_TIME_NEVER;
    return us * 1000;
}

/* Fills rec from in; 0 when the instance never had a request (counted). */
static int fill(ks_trace_reader *r, const inst *in, ks_trace_pod *rec)
{
    g19_state *st = r->state;
    if (!in->has_request) {
        r->stats.no_request++;
        return 0;
    }
    ks_trace_pod_init(rec);
    snprintf(st->name, sizeof st->name, "%lld-%lld", (long long)in->coll,
             (long long)in->index);
    rec->name = st->name;
    rec->arrival = us_to_ns(in->submit);
    int64_t start = in->sched != NONE ? in->sched : in->submit;
    if (in->end != NONE && in->end != NEVER_US) {
        ks_time end = us_to_ns(in->end), begin = us_to_ns(start);
        if (end != KS_TIME_NEVER)
            rec->duration = end > begin ? end - begin : 0;
    }
    rec->cpu_milli = ks_trace_fraction_of(in->cpus, r->opt.machine_cpu_milli);
    rec->memory_bytes =
        ks_trace_fraction_of(in->memory, r->opt.machine_memory_bytes);
    rec->priority = in->priority;
    return 1;
}

static void take_request(inst *in, const event *ev)
{
    if (!ev->has_request)
        return;
    in->cpus = ev->cpus;
    in->memory = ev->memory;
    in->has_request = 1;
}

/* Applies one event; 1 when it ends an instance (*done set, still in the
 * table). */
static int apply(ks_trace_reader *r, const event *ev, inst **done)
{
    g19_state *st = r->state;
    if (ev->ctype == 1) {
        r->stats.ignored++;
        return 0;
    }
    inst *in = lookup(st, ev->coll, ev->index);
    if (!in && ev->type != SUBMIT) {
        r->stats.ignored++;
        return 0;
    }
    switch (ev->type) {
    case SUBMIT:
        if (!in) {
            if (ev->time == NEVER_US) { /* submitted after the trace */
                r->stats.ignored++;
                return 0;
            }
            in = insert(st, ev->coll, ev->index);
            in->submit = ev->time;
            in->priority = (int32_t)ev->priority;
        }
        in->end = NONE; /* a resubmission after EVICT / FAIL revives it */
        take_request(in, ev);
        return 0;
    case SCHEDULE:
        if (in->sched == NONE)
            in->sched = ev->time;
        return 0;
    case EVICT:
    case FAIL:
        in->end = ev->time;
        return 0;
    case FINISH:
    case KILL:
    case LOST:
        in->end = ev->time;
        *done = in;
        return 1;
    case UPDATE_PENDING:
        take_request(in, ev);
        return 0;
    default:
        r->stats.ignored++;
        return 0;
    }
}

static int cmp_seq(const void *a, const void *b, void *v)
{
    const inst *base = v;
    uint64_t x = base[*(const size_t *)a].seq, y = base[*(const size_t *)b].seq;
    return x < y ? -1 : x > y;
}

/* Sorts entry indices by submission (insertion sort on runs would do; the
 * list is only the instances open at the end). */
static void sort_drain(g19_state *st)
{
    /* qsort_r is not C11: a simple merge sort keeps this portable. */
    size_t n = st->ndrain;
    size_t *tmp = ks_xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp_seq(&st->drain[j], &st->drain[i], st->v) < 0
                               ? st->drain[j++]
                               : st->drain[i++];
            while (i < mid)
                tmp[k++] = st->drain[i++];
            while (j < hi)
                tmp[k++] = st->drain[j++];
        }
        memcpy(st->drain, tmp, n * sizeof *tmp);
    }
    free(tmp);
}

static void start_drain(g19_state *st)
{
    st->draining = 1;
    st->drain = ks_xmalloc((st->n ? st->n : 1) * sizeof *st->drain);
    for (size_t i = 0; i < st->slot_cap; i++)
        if (st->slots[i] >= 0)
            st->drain[st->ndrain++] = (size_t)st->slots[i];
    sort_drain(st);
}

static int next_pod(ks_trace_reader *r, ks_trace_pod *rec, ks_error *err)
{
    g19_state *st = r->state;
    for (;;) {
        if (st->draining) {
            if (st->drain_pos == st->ndrain)
                return 0;
            const inst *in = &st->v[st->drain[st->drain_pos++]];
            if (fill(r, in, rec))
                return 1;
            continue;
        }
        const char *line;
        size_t len;
        int rc = ks_csvrow_next_line(r->csv, &line, &len, err);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            start_drain(st);
            continue;
        }
        r->stats.rows++;
        json_error_t jerr;
        json_t *obj = json_loadb(line, len, 0, &jerr);
        if (!obj) {
            rc = ks_trace_fail(r, err, KS_EPARSE, "invalid JSON: %s",
                               jerr.text);
            if (err)
                err->col = jerr.column > 0 ? jerr.column : 0;
            return rc;
        }
        event ev;
        rc = json_is_object(obj)
                 ? parse_event(r, obj, &ev, err)
                 : ks_trace_fail(r, err, KS_EPARSE,
                                 "expected a JSON object (one event per line)");
        json_decref(obj);
        if (rc)
            return rc;
        inst *done = NULL;
        if (!apply(r, &ev, &done))
            continue;
        int filled = fill(r, done, rec);
        erase(st, done);
        if (filled)
            return 1;
    }
}

static int open_pods(ks_trace_reader *r, ks_error *err)
{
    g19_state *st = ks_xcalloc(1, sizeof *st);
    r->state = st;
    st->slot_cap = 1024;
    st->slots = ks_xmalloc(st->slot_cap * sizeof *st->slots);
    for (size_t i = 0; i < st->slot_cap; i++)
        st->slots[i] = EMPTY;
    return 0;
}

static void close_state(ks_trace_reader *r)
{
    g19_state *st = r->state;
    if (!st)
        return;
    free(st->v);
    free(st->free_list);
    free(st->slots);
    free(st->drain);
    free(st);
}

const ks_trace_format ks_trace_format_google2019 = {
    .name = "google2019",
    .open_pods = open_pods,
    .next_pod = next_pod,
    .close = close_state,
};
