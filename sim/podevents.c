/* podevents.c - the pod lifecycle event log.
 *
 * Per pod the log keeps the status it last saw (bound, started, ready,
 * phase), in an array sorted by uid: the store hands out uids in creation
 * order and a pod is added when its ADDED event arrives, so appending keeps
 * the order and lookups are binary searches.  Node names are interned in
 * a sorted index; reasons, being few, in a short list.
 */
#include "sim/podevents.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

typedef struct pod_state {
    uint64_t uid;
    uint32_t name;     /* index in names */
    int32_t node;      /* -1 until bound */
    ks_time created;
    ks_time started;   /* last start seen, -1 */
    ks_time first_run; /* first start, -1 */
    int ready;
    int pulled;        /* a Pulling row before the first start */
    ks_phase phase;
    int gone;
} pod_state;

typedef struct node_entry {
    char *name;
    int32_t index;
} node_entry;

struct ks_podevents {
    ks_engine *engine;
    ks_store *store;
    int watch;
    ks_pod_event *rows;
    size_t nrows, rows_cap;
    pod_state *pods;
    size_t npods, pods_cap;
    char **pod_names; /* by pod index */
    size_t pod_names_cap;
    node_entry *nodes_sorted;
    char **node_names; /* by node index */
    size_t nnodes, nodes_cap, nodes_sorted_cap;
    char **reasons;
    size_t nreasons, reasons_cap;
};

static const char *const event_names[KS_PE_COUNT] = {
    "Created", "Scheduled", "Pulling",   "Pulled",    "Started",
    "Ready",   "NotReady",  "Killing",   "Evicted",   "OOMKilled",
    "BackOff", "Succeeded", "Failed",    "Deleted"};

const char *ks_pod_event_name(ks_pod_event_kind k)
{
    return (unsigned)k < KS_PE_COUNT ? event_names[k] : "?";
}

/* ---- interning ------------------------------------------------------------ */

static int32_t intern_node(ks_podevents *log, const char *name)
{
    if (!name)
        return -1;
    size_t lo = 0, hi = log->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(log->nodes_sorted[mid].name, name);
        if (c == 0)
            return log->nodes_sorted[mid].index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int32_t index = (int32_t)log->nnodes;
    log->node_names = ks_xgrow(log->node_names, &log->nodes_cap,
                               log->nnodes + 1, sizeof *log->node_names);
    log->nodes_sorted = ks_xgrow(log->nodes_sorted, &log->nodes_sorted_cap,
                                 log->nnodes + 1, sizeof *log->nodes_sorted);
    log->node_names[index] = ks_xstrdup(name);
    memmove(&log->nodes_sorted[lo + 1], &log->nodes_sorted[lo],
            (log->nnodes - lo) * sizeof *log->nodes_sorted);
    log->nodes_sorted[lo] = (node_entry){log->node_names[index], index};
    log->nnodes++;
    return index;
}

static uint32_t intern_reason(ks_podevents *log, const char *reason)
{
    if (!reason)
        reason = "";
    for (size_t i = 0; i < log->nreasons; i++)
        if (strcmp(log->reasons[i], reason) == 0)
            return (uint32_t)i;
    log->reasons = ks_xgrow(log->reasons, &log->reasons_cap,
                            log->nreasons + 1, sizeof *log->reasons);
    log->reasons[log->nreasons] = ks_xstrdup(reason);
    return (uint32_t)log->nreasons++;
}

/* ---- pods ------------------------------------------------------------------ */

static pod_state *find_pod(ks_podevents *log, uint64_t uid)
{
    size_t lo = 0, hi = log->npods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (log->pods[mid].uid == uid)
            return &log->pods[mid];
        if (log->pods[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static pod_state *add_pod(ks_podevents *log, const ks_object *o)
{
    if (log->npods && log->pods[log->npods - 1].uid >= o->uid)
        return find_pod(log, o->uid); /* only in creation order */
    log->pods = ks_xgrow(log->pods, &log->pods_cap, log->npods + 1,
                         sizeof *log->pods);
    log->pod_names = ks_xgrow(log->pod_names, &log->pod_names_cap,
                              log->npods + 1, sizeof *log->pod_names);
    char *name = o->namespace_name
                     ? ks_xasprintf("%s/%s", o->namespace_name, o->name)
                     : ks_xstrdup(o->name);
    uint32_t index = (uint32_t)log->npods;
    log->pod_names[index] = name;
    pod_state *p = &log->pods[log->npods++];
    *p = (pod_state){o->uid, index, -1, ks_engine_now(log->engine), -1, -1,
                     0, 0, KS_PHASE_PENDING, 0};
    return p;
}

static void push_row(ks_podevents *log, const pod_state *p,
                     ks_pod_event_kind kind, uint32_t reason)
{
    log->rows = ks_xgrow(log->rows, &log->rows_cap, log->nrows + 1,
                         sizeof *log->rows);
    log->rows[log->nrows++] = (ks_pod_event){ks_engine_now(log->engine),
                                             p->name, p->node, (uint8_t)kind,
                                             reason};
}

/* Turns the differences between what the log saw of pod and its object o
 * into rows, in the order a pod lives them. */
static void follow_status(ks_podevents *log, pod_state *p, const ks_object *o)
{
    const ks_pod_body *b = o->body;
    if (p->node < 0 && o->node_name) {
        p->node = intern_node(log, o->node_name);
        push_row(log, p, KS_PE_SCHEDULED, 0);
    }
    if (!b)
        return;
    if (b->started >= 0 && b->started != p->started) {
        p->started = b->started;
        if (p->first_run < 0)
            p->first_run = b->started;
        push_row(log, p, KS_PE_STARTED, 0);
    }
    if (b->ready != p->ready) {
        p->ready = b->ready;
        push_row(log, p, b->ready ? KS_PE_READY : KS_PE_NOT_READY, 0);
    }
    if (b->phase != p->phase) {
        p->phase = b->phase;
        if (b->phase == KS_PHASE_SUCCEEDED)
            push_row(log, p, KS_PE_SUCCEEDED, 0);
        else if (b->phase == KS_PHASE_FAILED) /* with status.reason */
            push_row(log, p, KS_PE_FAILED, intern_reason(log, b->reason));
    }
}

static void on_pod(void *ctx, const ks_watch_event *ev)
{
    ks_podevents *log = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        pod_state *p = find_pod(log, ev->uid);
        if (p && !p->gone) {
            p->gone = 1;
            push_row(log, p, KS_PE_DELETED, 0);
        }
        return;
    }
    if (!ev->obj)
        return;
    pod_state *p = find_pod(log, ev->uid);
    if (!p) {
        if (ev->type != KS_WATCH_ADDED)
            return;
        p = add_pod(log, ev->obj);
        if (!p)
            return;
        push_row(log, p, KS_PE_CREATED, 0);
    }
    if (!p->gone)
        follow_status(log, p, ev->obj);
}

/* ---- API ---------------------------------------------------------------------- */

ks_podevents *ks_podevents_create(ks_engine *e, ks_store *s)
{
    ks_podevents *log = ks_xcalloc(1, sizeof *log);
    log->engine = e;
    log->store = s;
    intern_reason(log, ""); /* reason 0 */
    log->watch = ks_store_watch(s, KS_KIND_POD, NULL, NULL, 0, on_pod, log);
    return log;
}

void ks_podevents_destroy(ks_podevents *log)
{
    if (!log)
        return;
    ks_store_unwatch(log->store, log->watch);
    for (size_t i = 0; i < log->npods; i++)
        free(log->pod_names[i]);
    for (size_t i = 0; i < log->nnodes; i++)
        free(log->node_names[i]);
    for (size_t i = 0; i < log->nreasons; i++)
        free(log->reasons[i]);
    free(log->pod_names);
    free(log->node_names);
    free(log->nodes_sorted);
    free(log->reasons);
    free(log->pods);
    free(log->rows);
    free(log);
}

void ks_podevents_record(ks_podevents *log, const ks_object *pod,
                         ks_pod_event_kind kind, const char *reason)
{
    if (!log || !pod || pod->kind != KS_KIND_POD)
        return;
    pod_state *p = find_pod(log, pod->uid);
    if (!p) {
        /* A component saw the pod before the log's watch did (both
         * watch with no delay): the log's Created row comes first. */
        p = add_pod(log, pod);
        if (!p)
            return;
        push_row(log, p, KS_PE_CREATED, 0);
        follow_status(log, p, pod);
    }
    if (p->node < 0 && pod->node_name)
        p->node = intern_node(log, pod->node_name);
    if (kind == KS_PE_PULLING && p->first_run < 0)
        p->pulled = 1;
    push_row(log, p, kind, intern_reason(log, reason));
}

size_t ks_podevents_count(const ks_podevents *log)
{
    return log->nrows;
}

const ks_pod_event *ks_podevents_rows(const ks_podevents *log)
{
    return log->rows;
}

const char *ks_podevents_pod_name(const ks_podevents *log, uint32_t i)
{
    return i < log->npods ? log->pod_names[i] : "";
}

const char *ks_podevents_node_name(const ks_podevents *log, int32_t i)
{
    return i >= 0 && (size_t)i < log->nnodes ? log->node_names[i] : "";
}

const char *ks_podevents_reason(const ks_podevents *log, uint32_t i)
{
    return i < log->nreasons ? log->reasons[i] : "";
}

size_t ks_podevents_npods(const ks_podevents *log)
{
    return log->npods;
}

void ks_podevents_startup(const ks_podevents *log, ks_time **lat,
                          uint8_t **pulled, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < log->npods; i++)
        count += log->pods[i].first_run >= 0;
    *lat = ks_xmalloc((count ? count : 1) * sizeof **lat);
    *pulled = ks_xmalloc(count ? count : 1);
    size_t k = 0;
    for (size_t i = 0; i < log->npods; i++) {
        const pod_state *p = &log->pods[i];
        if (p->first_run < 0)
            continue;
        (*lat)[k] = p->first_run - p->created;
        (*pulled)[k] = (uint8_t)p->pulled;
        k++;
    }
    *n = count;
}
