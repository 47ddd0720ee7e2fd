/* store.c - objects, revisions, owner references, GC and watches.
 *
 * Objects live in a slot array indexed by uid - 1 (uids are handed out in
 * creation order and never reused), so iteration in creation order is a
 * walk over the array.  A per-kind list of uids serves lists; an open-
 * addressing hash of "kind/namespace/name" serves lookups by name (lookups
 * only: nothing iterates it); per owner, a list of dependents serves the
 * garbage collector.  Watch events travel through the engine, one pending
 * record per (watch, write), delivered in time then sequence order.
 */
#include "sim/store.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

static const char *const kind_names[KS_KIND_COUNT] = {
    "Namespace",      "Node",           "Pod",
    "ReplicaSet",     "Deployment",     "Job",
    "DaemonSet",      "Service",        "EndpointSlice",
    "PriorityClass",  "PodDisruptionBudget", "HorizontalPodAutoscaler",
    "Lease",          "ServiceAccount", "Role",
    "ClusterRole",    "RoleBinding",    "ClusterRoleBinding"};

const char *ks_kind_name(ks_kind k)
{
    return k >= 0 && k < KS_KIND_COUNT ? kind_names[k] : "?";
}

int ks_kind_namespaced(ks_kind k)
{
    return !(k == KS_KIND_NAMESPACE || k == KS_KIND_NODE ||
             k == KS_KIND_PRIORITYCLASS || k == KS_KIND_CLUSTERROLE ||
             k == KS_KIND_CLUSTERROLEBINDING);
}

/* ---- small containers ----------------------------------------------------- */

typedef struct uid_list {
    uint64_t *v;
    size_t n, cap;
} uid_list;

static void uid_list_push(uid_list *l, uint64_t uid)
{
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = uid;
}

static void uid_list_remove(uid_list *l, uint64_t uid)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == uid) {
            memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof *l->v);
            l->n--;
            return;
        }
}

/* ---- the store ------------------------------------------------------------ */

typedef struct watch {
    ks_kind kind;
    char *namespace_name; /* NULL: all */
    char *node_name;      /* NULL: all */
    ks_time delay;
    ks_watch_fn fn;
    void *ctx;
    int active;
} watch;

/* Watch indexes in creation order (the order events are emitted in). */
typedef struct watch_list {
    int *v;
    size_t n, cap;
} watch_list;

/* The watches of one node's pods (kubelets'): found by hashing the node
 * name, so a pod write costs O(its watchers), not O(kubelets). */
typedef struct node_watches {
    char *node; /* NULL: free slot */
    watch_list list;
} node_watches;

/* A watch event on its way. */
#define BATCH_INLINE 10

/* One write's event on its way to the watches that wanted it with the
 * same delay: one engine event delivers it to all of them, in the order
 * the watches were made (as separate events at the same time would). */
typedef struct pending {
    int inline_watches[BATCH_INLINE];
    int *more;          /* the watches after the inline ones, or NULL */
    uint32_t nwatches, more_cap;
    ks_time delay;
    ks_watch_type type;
    ks_kind kind;
    uint64_t uid;
    uint64_t revision;
    uint32_t next_free;
} pending;

struct ks_store {
    ks_engine *engine;
    ks_store_config cfg;
    int members_up;
    uint64_t revision;
    ks_object **objects; /* [uid - 1]; NULL once deleted */
    size_t nobjects, objects_cap;
    uid_list by_kind[KS_KIND_COUNT]; /* creation order; may hold deleted
                                        uids (holes), skipped on reads */
    size_t by_kind_holes[KS_KIND_COUNT];
    size_t count[KS_KIND_COUNT];
    uid_list *dependents; /* [owner uid - 1] */
    size_t dependents_cap;
    /* Name index: open addressing over uids (0 = empty, UINT64_MAX =
     * removed). */
    uint64_t *names;
    size_t names_cap, names_used;
    ks_kind_ops ops[KS_KIND_COUNT];
    ks_grace_fn grace[KS_KIND_COUNT]; /* NULL: deleted at once */
    watch *watches;
    size_t nwatches, watches_cap;
    watch_list kind_watches[KS_KIND_COUNT]; /* without a node filter */
    node_watches *node_watches;             /* open addressing */
    size_t node_watches_cap, node_watches_used;
    pending *pend;
    size_t npend, pend_cap;
    uint32_t pend_free; /* free list head + 1; 0 = empty */
    ks_store_stats stats;
};

#define TOMBSTONE UINT64_MAX

ks_store *ks_store_create(ks_engine *engine, const ks_store_config *cfg)
{
    ks_store *s = ks_xcalloc(1, sizeof *s);
    s->engine = engine;
    if (cfg)
        s->cfg = *cfg;
    if (s->cfg.etcd_members <= 0)
        s->cfg.etcd_members = 1;
    s->members_up = s->cfg.etcd_members;
    return s;
}

static void free_object(ks_store *s, ks_object *o)
{
    if (!o)
        return;
    if (s->ops[o->kind].free)
        s->ops[o->kind].free(o->body);
    else
        free(o->body);
    free(o->namespace_name);
    free(o->name);
    free(o->node_name);
    free(o->owners);
    ks_labels_free(&o->labels);
    free(o);
}

void ks_store_destroy(ks_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nobjects; i++)
        free_object(s, s->objects[i]);
    free(s->objects);
    for (int k = 0; k < KS_KIND_COUNT; k++)
        free(s->by_kind[k].v);
    for (size_t i = 0; i < s->dependents_cap; i++)
        free(s->dependents[i].v);
    free(s->dependents);
    free(s->names);
    for (size_t i = 0; i < s->nwatches; i++) {
        free(s->watches[i].namespace_name);
        free(s->watches[i].node_name);
    }
    free(s->watches);
    for (int k = 0; k < KS_KIND_COUNT; k++)
        free(s->kind_watches[k].v);
    for (size_t i = 0; i < s->node_watches_cap; i++) {
        free(s->node_watches[i].node);
        free(s->node_watches[i].list.v);
    }
    free(s->node_watches);
    for (size_t i = 0; i < s->npend; i++)
        free(s->pend[i].more); /* events never delivered */
    free(s->pend);
    free(s);
}

void ks_store_set_kind_ops(ks_store *s, ks_kind kind, const ks_kind_ops *ops)
{
    s->ops[kind] = ops ? *ops : (ks_kind_ops){NULL, NULL};
}

void ks_store_set_grace_fn(ks_store *s, ks_kind kind, ks_grace_fn fn)
{
    s->grace[kind] = fn;
}

/* ---- etcd availability ------------------------------------------------------ */

int ks_store_members(const ks_store *s) { return s->cfg.etcd_members; }
int ks_store_members_up(const ks_store *s) { return s->members_up; }

void ks_store_members_down(ks_store *s, int n)
{
    s->members_up -= n;
    if (s->members_up < 0)
        s->members_up = 0;
    if (s->members_up > s->cfg.etcd_members)
        s->members_up = s->cfg.etcd_members;
}

int ks_store_has_quorum(const ks_store *s)
{
    return s->members_up >= s->cfg.etcd_members / 2 + 1;
}

/* ---- the name index ----------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *p)
{
    for (; p && *p; p++) {
        h ^= (unsigned char)*p;
        h *= 0x100000001b3ULL;
    }
    return h ^ 0xff; /* separates "a"+"bc" from "ab"+"c" */
}

static uint64_t name_hash(ks_kind kind, const char *ns, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)kind;
    return fnv1a(fnv1a(h, ns), name);
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const ks_object *object_at(const ks_store *s, uint64_t uid)
{
    return uid >= 1 && uid <= s->nobjects ? s->objects[uid - 1] : NULL;
}

static int matches_name(const ks_object *o, ks_kind kind, const char *ns,
                        const char *name)
{
    return o && o->kind == kind && same_str(o->namespace_name, ns) &&
           strcmp(o->name, name) == 0;
}

static void names_grow(ks_store *s);

static void names_insert(ks_store *s, const ks_object *o)
{
    if ((s->names_used + 1) * 2 > s->names_cap)
        names_grow(s);
    size_t mask = s->names_cap - 1;
    size_t i = name_hash(o->kind, o->namespace_name, o->name) & mask;
    while (s->names[i] != 0 && s->names[i] != TOMBSTONE)
        i = (i + 1) & mask;
    if (s->names[i] == 0)
        s->names_used++;
    s->names[i] = o->uid;
}

static void names_grow(ks_store *s)
{
    uint64_t *old = s->names;
    size_t old_cap = s->names_cap;
    s->names_cap = old_cap ? old_cap * 2 : 64;
    s->names = ks_xcalloc(s->names_cap, sizeof *s->names);
    s->names_used = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != 0 && old[i] != TOMBSTONE)
            names_insert(s, object_at(s, old[i]));
    free(old);
}

/* The slot holding kind/ns/name, or SIZE_MAX. */
static size_t names_slot(const ks_store *s, ks_kind kind, const char *ns,
                         const char *name)
{
    if (!s->names_cap)
        return SIZE_MAX;
    size_t mask = s->names_cap - 1;
    for (size_t i = name_hash(kind, ns, name) & mask;; i = (i + 1) & mask) {
        uint64_t u = s->names[i];
        if (u == 0)
            return SIZE_MAX;
        if (u != TOMBSTONE && matches_name(object_at(s, u), kind, ns, name))
            return i;
    }
}

const ks_object *ks_store_find(const ks_store *s, ks_kind kind,
                               const char *namespace_name, const char *name)
{
    if (!ks_kind_namespaced(kind))
        namespace_name = NULL;
    size_t i = names_slot(s, kind, namespace_name, name);
    return i == SIZE_MAX ? NULL : object_at(s, s->names[i]);
}

const ks_object *ks_store_get(const ks_store *s, uint64_t uid)
{
    return object_at(s, uid);
}

/* ---- watches ------------------------------------------------------------------ */

static void watch_list_push(watch_list *l, int w)
{
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = w;
}

/* The slot of node's watch list, or of the free slot where it would go. */
static size_t node_watches_slot(const ks_store *s, const char *node)
{
    size_t mask = s->node_watches_cap - 1;
    size_t i = fnv1a(0xcbf29ce484222325ULL, node) & mask;
    while (s->node_watches[i].node && strcmp(s->node_watches[i].node, node))
        i = (i + 1) & mask;
    return i;
}

static void node_watches_grow(ks_store *s)
{
    node_watches *old = s->node_watches;
    size_t old_cap = s->node_watches_cap;
    s->node_watches_cap = old_cap ? old_cap * 2 : 64;
    s->node_watches = ks_xcalloc(s->node_watches_cap, sizeof *old);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].node)
            s->node_watches[node_watches_slot(s, old[i].node)] = old[i];
    free(old);
}

static watch_list *node_watch_list(ks_store *s, const char *node, int create)
{
    if (!s->node_watches_cap) {
        if (!create)
            return NULL;
        node_watches_grow(s);
    }
    size_t i = node_watches_slot(s, node);
    if (s->node_watches[i].node)
        return &s->node_watches[i].list;
    if (!create)
        return NULL;
    if ((s->node_watches_used + 1) * 2 > s->node_watches_cap) {
        node_watches_grow(s);
        i = node_watches_slot(s, node);
    }
    s->node_watches[i].node = ks_xstrdup(node);
    s->node_watches_used++;
    return &s->node_watches[i].list;
}

int ks_store_watch(ks_store *s, ks_kind kind, const char *namespace_name,
                   const char *node_name, ks_time delay, ks_watch_fn fn,
                   void *ctx)
{
    int w = (int)s->nwatches;
    if (node_name)
        watch_list_push(node_watch_list(s, node_name, 1), w);
    else
        watch_list_push(&s->kind_watches[kind], w);
    s->watches = ks_xgrow(s->watches, &s->watches_cap, s->nwatches + 1,
                          sizeof *s->watches);
    s->watches[s->nwatches] = (watch){
        kind,
        namespace_name ? ks_xstrdup(namespace_name) : NULL,
        node_name ? ks_xstrdup(node_name) : NULL,
        delay < 0 ? 0 : delay,
        fn,
        ctx,
        1};
    return (int)s->nwatches++;
}

void ks_store_unwatch(ks_store *s, int w)
{
    if (w >= 0 && (size_t)w < s->nwatches)
        s->watches[w].active = 0;
}

static int pending_watch(const pending *p, uint32_t i)
{
    return i < BATCH_INLINE ? p->inline_watches[i]
                            : p->more[i - BATCH_INLINE];
}

static void on_deliver(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    ks_store *s = ctx;
    /* Callbacks may write and so grow s->pend: work on a copy, and free
     * the slot only after the last delivery. */
    pending p = s->pend[arg];
    for (uint32_t i = 0; i < p.nwatches; i++) {
        watch *w = &s->watches[pending_watch(&p, i)];
        if (!w->active)
            continue;
        ks_watch_event ev = {p.type, p.kind, p.uid, p.revision,
                             object_at(s, p.uid)};
        s->stats.events++;
        w->fn(w->ctx, &ev);
    }
    free(p.more);
    s->pend[arg].more = NULL;
    s->pend[arg].next_free = s->pend_free;
    s->pend_free = (uint32_t)arg + 1;
}

static uint32_t pending_slot(ks_store *s)
{
    if (s->pend_free) {
        uint32_t i = s->pend_free - 1;
        s->pend_free = s->pend[i].next_free;
        return i;
    }
    s->pend = ks_xgrow(s->pend, &s->pend_cap, s->npend + 1, sizeof *s->pend);
    return (uint32_t)s->npend++;
}

static int watch_wants(const watch *w, const ks_object *o)
{
    return w->active && w->kind == o->kind &&
           (!w->namespace_name || same_str(w->namespace_name,
                                           o->namespace_name)) &&
           (!w->node_name || same_str(w->node_name, o->node_name));
}

static void pending_add(pending *p, int w)
{
    if (p->nwatches < BATCH_INLINE) {
        p->inline_watches[p->nwatches++] = w;
        return;
    }
    size_t cap = p->more_cap;
    p->more = ks_xgrow(p->more, &cap, p->nwatches - BATCH_INLINE + 1,
                       sizeof *p->more);
    p->more_cap = (uint32_t)cap;
    p->more[p->nwatches++ - BATCH_INLINE] = w;
}

/* Adds watch i to the batch of its delay (batches[0..*nb) are the slots
 * of this write's pending events). */
static void emit_to(ks_store *s, int i, const ks_object *o,
                    ks_watch_type type, uint32_t *batches, size_t *nb,
                    size_t max)
{
    if (!watch_wants(&s->watches[i], o))
        return;
    ks_time delay = s->watches[i].delay;
    for (size_t k = 0; k < *nb; k++)
        if (s->pend[batches[k]].delay == delay) {
            pending_add(&s->pend[batches[k]], i);
            return;
        }
    if (*nb == max) { /* many distinct delays: one event for this one */
        uint32_t slot = pending_slot(s);
        s->pend[slot] = (pending){{0}, NULL, 0, 0, delay, type, o->kind,
                                  o->uid, o->resource_version, 0};
        pending_add(&s->pend[slot], i);
        ks_engine_after(s->engine, delay, on_deliver, s, slot);
        return;
    }
    uint32_t slot = pending_slot(s);
    s->pend[slot] = (pending){{0}, NULL, 0, 0, delay, type, o->kind,
                              o->uid, o->resource_version, 0};
    pending_add(&s->pend[slot], i);
    batches[(*nb)++] = slot;
}

/* Schedules the event for every watch that wants it, in the order the
 * watches were made: the kind's watches merged with those of the object's
 * node.  Watches with the same delay share one engine event. */
static void emit(ks_store *s, ks_watch_type type, const ks_object *o)
{
    const watch_list *all = &s->kind_watches[o->kind];
    const watch_list *node =
        o->node_name ? node_watch_list(s, o->node_name, 0) : NULL;
    size_t a = 0, b = 0, nb = node ? node->n : 0;
    uint32_t batches[8];
    size_t nbatches = 0;
    while (a < all->n || b < nb) {
        int w;
        if (b == nb || (a < all->n && all->v[a] < node->v[b]))
            w = all->v[a++];
        else
            w = node->v[b++];
        emit_to(s, w, o, type, batches, &nbatches, 8);
    }
    /* Scheduled once all members are in: the batches of one write go out
     * in the order of their first watch. */
    for (size_t k = 0; k < nbatches; k++)
        ks_engine_after(s->engine, s->pend[batches[k]].delay, on_deliver, s,
                        batches[k]);
}

/* ---- writes ------------------------------------------------------------------- */

/* Every write first: refused without quorum. */
static int begin_write(ks_store *s)
{
    if (!ks_store_has_quorum(s)) {
        s->stats.failed_writes++;
        return KS_EUNAVAILABLE;
    }
    s->stats.writes++;
    return 0;
}

static void copy_labels(ks_labels *dst, const ks_labels *src)
{
    ks_labels_free(dst);
    for (size_t i = 0; src && i < src->n; i++)
        ks_labels_set(dst, src->items[i].key, src->items[i].value);
}

static uid_list *dependents_of(ks_store *s, uint64_t owner)
{
    if (owner > s->dependents_cap) {
        size_t old = s->dependents_cap;
        s->dependents = ks_xgrow(s->dependents, &s->dependents_cap,
                                 (size_t)owner, sizeof *s->dependents);
        memset(s->dependents + old, 0,
               (s->dependents_cap - old) * sizeof *s->dependents);
    }
    return &s->dependents[owner - 1];
}

static void free_body(ks_store *s, ks_kind kind, void *body)
{
    if (s->ops[kind].free)
        s->ops[kind].free(body);
    else
        free(body);
}

int ks_store_create_object(ks_store *s, const ks_object_spec *spec,
                           uint64_t *uid)
{
    const char *ns = ks_kind_namespaced(spec->kind)
                         ? (spec->namespace_name ? spec->namespace_name
                                                 : "default")
                         : NULL;
    int rc = begin_write(s);
    if (!rc && (!spec->name || !*spec->name))
        rc = KS_EINVAL;
    if (!rc && ks_store_find(s, spec->kind, ns, spec->name))
        rc = KS_EEXIST;
    if (rc) {
        if (rc != KS_EUNAVAILABLE)
            s->stats.failed_writes++;
        free_body(s, spec->kind, spec->body);
        return rc;
    }
    ks_object *o = ks_xcalloc(1, sizeof *o);
    o->kind = spec->kind;
    o->uid = s->nobjects + 1;
    o->namespace_name = ns ? ks_xstrdup(ns) : NULL;
    o->name = ks_xstrdup(spec->name);
    o->resource_version = ++s->revision;
    o->generation = 1;
    o->created = ks_engine_now(s->engine);
    o->deletion_time = -1;
    o->deletion_grace_s = -1;
    copy_labels(&o->labels, spec->labels);
    if (spec->nowners) {
        o->owners = ks_xmalloc(spec->nowners * sizeof *o->owners);
        memcpy(o->owners, spec->owners, spec->nowners * sizeof *o->owners);
        o->nowners = spec->nowners;
    }
    o->node_name = spec->node_name ? ks_xstrdup(spec->node_name) : NULL;
    o->body = spec->body;
    s->objects = ks_xgrow(s->objects, &s->objects_cap, s->nobjects + 1,
                          sizeof *s->objects);
    s->objects[s->nobjects++] = o;
    uid_list_push(&s->by_kind[o->kind], o->uid);
    s->count[o->kind]++;
    names_insert(s, o);
    /* Owners that do not exist get no index entry: the collector treats
     * such a dependent as orphaned when one of its owners goes. */
    for (size_t i = 0; i < o->nowners; i++)
        if (object_at(s, o->owners[i].uid))
            uid_list_push(dependents_of(s, o->owners[i].uid), o->uid);
    if (uid)
        *uid = o->uid;
    emit(s, KS_WATCH_ADDED, o);
    return 0;
}

static ks_object *live(ks_store *s, uint64_t uid)
{
    return uid >= 1 && uid <= s->nobjects ? s->objects[uid - 1] : NULL;
}

int ks_store_update(ks_store *s, uint64_t uid, uint64_t expected_version,
                    void *body, const ks_labels *labels,
                    const char *node_name)
{
    ks_object *o = live(s, uid);
    int rc = begin_write(s);
    if (!rc && !o)
        rc = KS_ENOENT;
    if (!rc && expected_version && expected_version != o->resource_version)
        rc = KS_ECONFLICT;
    if (rc) {
        if (rc != KS_EUNAVAILABLE)
            s->stats.failed_writes++;
        if (body && o)
            free_body(s, o->kind, body);
        else if (body)
            free(body);
        return rc;
    }
    if (body) {
        free_body(s, o->kind, o->body);
        o->body = body;
        o->generation++;
    }
    if (labels)
        copy_labels(&o->labels, labels);
    if (node_name) {
        free(o->node_name);
        o->node_name = ks_xstrdup(node_name);
    }
    o->resource_version = ++s->revision;
    emit(s, KS_WATCH_MODIFIED, o);
    return 0;
}

int ks_store_touch(ks_store *s, uint64_t uid)
{
    return ks_store_update(s, uid, 0, NULL, NULL, NULL);
}

void *ks_store_body(ks_store *s, uint64_t uid)
{
    ks_object *o = live(s, uid);
    return o ? o->body : NULL;
}

/* ---- deletion and garbage collection ------------------------------------------ */

static void gc_later(ks_store *s, uint64_t uid);

/* Drops the deleted uids from a kind's list once they are half of it:
 * deletion costs O(1) amortized, not a search of every object of the
 * kind. */
static void compact_kind(ks_store *s, ks_kind kind)
{
    uid_list *l = &s->by_kind[kind];
    if (s->by_kind_holes[kind] * 2 <= l->n)
        return;
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (object_at(s, l->v[i]))
            l->v[k++] = l->v[i];
    l->n = k;
    s->by_kind_holes[kind] = 0;
}

/* Removes o from every index, emits DELETED, frees it. */
static void remove_object(ks_store *s, ks_object *o)
{
    o->resource_version = ++s->revision;
    s->by_kind_holes[o->kind]++;
    s->count[o->kind]--;
    size_t slot = names_slot(s, o->kind, o->namespace_name, o->name);
    if (slot != SIZE_MAX)
        s->names[slot] = TOMBSTONE;
    for (size_t i = 0; i < o->nowners; i++)
        if (o->owners[i].uid <= s->dependents_cap)
            uid_list_remove(&s->dependents[o->owners[i].uid - 1], o->uid);
    emit(s, KS_WATCH_DELETED, o);
    s->objects[o->uid - 1] = NULL;
    compact_kind(s, o->kind);
    free_object(s, o);
}

/* Whether an owner being deleted in the foreground still waits for a
 * blocking dependent. */
static int has_blocking_dependents(ks_store *s, uint64_t owner)
{
    if (owner > s->dependents_cap)
        return 0;
    const uid_list *d = &s->dependents[owner - 1];
    for (size_t i = 0; i < d->n; i++) {
        const ks_object *dep = object_at(s, d->v[i]);
        for (size_t k = 0; dep && k < dep->nowners; k++)
            if (dep->owners[k].uid == owner &&
                dep->owners[k].block_owner_deletion)
                return 1;
    }
    return 0;
}

/* After o's removal: owners waiting in the foreground for it may go. */
static void finish_foreground_owners(ks_store *s, const ks_owner_ref *owners,
                                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ks_object *owner = live(s, owners[i].uid);
        if (owner && owner->deletion_time >= 0 &&
            !has_blocking_dependents(s, owner->uid))
            gc_later(s, owner->uid);
    }
}

static void delete_now(ks_store *s, ks_object *o)
{
    size_t n = o->nowners;
    ks_owner_ref *owners = NULL;
    if (n) {
        owners = ks_xmalloc(n * sizeof *owners);
        memcpy(owners, o->owners, n * sizeof *owners);
    }
    uint64_t uid = o->uid;
    /* Dependents go after the collector's delay (background). */
    if (uid <= s->dependents_cap) {
        const uid_list *d = &s->dependents[uid - 1];
        for (size_t i = 0; i < d->n; i++)
            gc_later(s, d->v[i]);
    }
    remove_object(s, o);
    finish_foreground_owners(s, owners, n);
    free(owners);
}

/* Whether every owner of o is gone (or deleting): then the collector
 * deletes it. */
static int orphaned(ks_store *s, const ks_object *o)
{
    for (size_t i = 0; i < o->nowners; i++) {
        const ks_object *owner = object_at(s, o->owners[i].uid);
        if (owner && owner->deletion_time < 0)
            return 0;
    }
    return 1;
}

/* The grace period a DELETE with gracePeriodSeconds requested_s (< 0:
 * none) gives o, not yet deleting: its kind's CheckGracefulDelete, 0
 * for kinds deleted at once. */
static int64_t grace_of(const ks_store *s, const ks_object *o,
                        int64_t requested_s)
{
    ks_grace_fn fn = s->grace[o->kind];
    return fn ? fn(o, requested_s) : 0;
}

/* deletionTimestamp at now + grace_s (saturated), in seconds as
 * metav1.Time is. */
static ks_time deadline(ks_time from, int64_t grace_s)
{
    if (grace_s > (KS_TIME_NEVER - from) / KS_SECOND)
        return KS_TIME_NEVER;
    return from + (ks_time)grace_s * KS_SECOND;
}

/* BeforeDelete's first graceful deletion: deletionTimestamp, the grace
 * period and a generation bump are written (MODIFIED); the object stays
 * until deleted with grace 0 (for pods, by their kubelet). */
static void mark_terminating(ks_store *s, ks_object *o, int64_t grace_s)
{
    o->deletion_time = deadline(ks_engine_now(s->engine), grace_s);
    o->deletion_grace_s = grace_s;
    o->generation++;
    o->resource_version = ++s->revision;
    emit(s, KS_WATCH_MODIFIED, o);
}

static void on_gc(ks_engine *e, void *ctx, uint64_t uid)
{
    ks_store *s = ctx;
    ks_object *o = live(s, uid);
    if (!o)
        return;
    if (!ks_store_has_quorum(s)) {
        /* The collector retries once etcd takes writes again. */
        ks_engine_after(e, s->cfg.gc_delay > 0 ? s->cfg.gc_delay : KS_SECOND,
                        on_gc, s, uid);
        return;
    }
    if (o->deletion_grace_s > 0)
        return; /* Terminating: the collector's DELETE is a pending no-op */
    if (o->deletion_time >= 0) {
        /* A foreground owner: gone once no blocking dependent is left. */
        if (!has_blocking_dependents(s, uid)) {
            s->stats.writes++;
            delete_now(s, o);
        }
        return;
    }
    if (orphaned(s, o)) {
        /* The collector's DELETE names no grace period: a pod gets its
         * own (k8s:pkg/controller/garbagecollector/operations.go
         * deleteObject). */
        s->stats.writes++;
        int64_t grace = grace_of(s, o, KS_GRACE_DEFAULT);
        if (grace > 0)
            mark_terminating(s, o, grace);
        else
            delete_now(s, o);
    }
}

static void gc_later(ks_store *s, uint64_t uid)
{
    ks_engine_after(s->engine, s->cfg.gc_delay, on_gc, s, uid);
}

/* The deletion of o, validated, by propagation policy. */
static void delete_object(ks_store *s, ks_object *o, ks_propagation how)
{
    uint64_t uid = o->uid;
    if (how == KS_PROPAGATE_ORPHAN && uid <= s->dependents_cap) {
        uid_list *d = &s->dependents[uid - 1];
        for (size_t i = 0; i < d->n; i++) {
            ks_object *dep = live(s, d->v[i]);
            size_t k = 0;
            for (size_t j = 0; dep && j < dep->nowners; j++)
                if (dep->owners[j].uid != uid)
                    dep->owners[k++] = dep->owners[j];
            if (dep) {
                dep->nowners = k;
                dep->resource_version = ++s->revision;
                emit(s, KS_WATCH_MODIFIED, dep);
            }
        }
        d->n = 0;
    } else if (how == KS_PROPAGATE_FOREGROUND) {
        /* deletionTimestamp + the foregroundDeletion finalizer: the owner
         * stays, visibly deleting, until its blocking dependents are gone. */
        o->deletion_time = ks_engine_now(s->engine);
        o->deletion_grace_s = 0;
        o->resource_version = ++s->revision;
        emit(s, KS_WATCH_MODIFIED, o);
        const uid_list *d = uid <= s->dependents_cap
                                ? &s->dependents[uid - 1]
                                : NULL;
        for (size_t i = 0; d && i < d->n; i++)
            gc_later(s, d->v[i]);
        if (!has_blocking_dependents(s, uid))
            gc_later(s, uid);
        return;
    }
    delete_now(s, o);
}

/* A write request on uid: its object, or NULL with *rc the error. */
static ks_object *begin_delete(ks_store *s, uint64_t uid, int *rc)
{
    ks_object *o = live(s, uid);
    *rc = begin_write(s);
    if (!*rc && !o)
        *rc = KS_ENOENT;
    if (*rc) {
        if (*rc != KS_EUNAVAILABLE)
            s->stats.failed_writes++;
        return NULL;
    }
    return o;
}

int ks_store_delete(ks_store *s, uint64_t uid, ks_propagation how)
{
    int rc;
    ks_object *o = begin_delete(s, uid, &rc);
    if (o)
        delete_object(s, o, how);
    return rc;
}

int ks_store_delete_graceful(ks_store *s, uint64_t uid, ks_propagation how,
                             int64_t grace_s)
{
    int rc;
    ks_object *o = begin_delete(s, uid, &rc);
    if (!o)
        return rc;
    if (o->deletion_grace_s > 0) {
        /* BeforeDelete on an object already deleting gracefully: only a
         * shorter period counts, moving deletionTimestamp with it. */
        if (grace_s < 0 || grace_s >= o->deletion_grace_s)
            return 0; /* graceful deletion pending: nothing written */
        if (grace_s == 0) {
            delete_object(s, o, how);
            return 0;
        }
        ks_time requested = o->deletion_time == KS_TIME_NEVER
                                ? ks_engine_now(s->engine)
                                : o->deletion_time -
                                      (ks_time)o->deletion_grace_s *
                                          KS_SECOND;
        o->deletion_time = deadline(requested, grace_s);
        o->deletion_grace_s = grace_s;
        o->resource_version = ++s->revision;
        emit(s, KS_WATCH_MODIFIED, o);
        return 0;
    }
    /* Not graceful (deletionGracePeriodSeconds 0 or kind without
     * CheckGracefulDelete), or a period of 0: deleted at once. */
    int64_t grace = o->deletion_time >= 0 ? 0 : grace_of(s, o, grace_s);
    if (grace > 0)
        mark_terminating(s, o, grace);
    else
        delete_object(s, o, how);
    return 0;
}

/* ---- reads -------------------------------------------------------------------- */

void ks_store_list(const ks_store *s, ks_kind kind, const char *namespace_name,
                   const ks_label_selector *sel, const ks_object ***out,
                   size_t *n)
{
    const uid_list *l = &s->by_kind[kind];
    const ks_object **v = ks_xmalloc((l->n ? l->n : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ks_object *o = object_at(s, l->v[i]);
        if (!o || (namespace_name &&
                   !same_str(o->namespace_name, namespace_name)) ||
            (sel && !ks_label_selector_matches(sel, &o->labels)))
            continue;
        v[k++] = o;
    }
    *out = v;
    *n = k;
}

void ks_store_dependents(const ks_store *s, uint64_t owner,
                         const ks_object ***out, size_t *n)
{
    const uid_list *d = owner >= 1 && owner <= s->dependents_cap
                            ? &s->dependents[owner - 1]
                            : NULL;
    size_t m = d ? d->n : 0;
    const ks_object **v = ks_xmalloc((m ? m : 1) * sizeof *v);
    for (size_t i = 0; i < m; i++)
        v[i] = object_at(s, d->v[i]);
    *out = v;
    *n = m;
}

uint64_t ks_store_revision(const ks_store *s) { return s->revision; }

size_t ks_store_count(const ks_store *s, ks_kind kind)
{
    return kind >= 0 && kind < KS_KIND_COUNT ? s->count[kind] : 0;
}

const ks_store_stats *ks_store_get_stats(const ks_store *s)
{
    return &s->stats;
}
