/* endpointslice_controller.c - Services' endpoints from their pods.
 *
 * A Service's slice holds its selected pods that are bound, not being
 * deleted and not terminal, in creation order; a sync compares that with
 * the slice and a change is one write.  The controller keeps, per Service,
 * the pods its selector matches and, per pod, the Services it is in, so a
 * pod event syncs exactly the Services that select the pod now or did
 * before (upstream's getPodServiceMemberships with the old and new pod);
 * Services are found through an index of their selector's first label,
 * not by matching every Service of the namespace.  A sync costs O(the
 * Service's pods); a Service added or changed lists its namespace's pods
 * once.
 */
#include "sim/controllers/endpointslice_controller.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

/* A Service the controller follows: the pods its selector matches, by
 * uid (creation order). */
typedef struct svc_rec {
    uint64_t uid;
    uint64_t *pods;
    size_t npods, cap;
} svc_rec;

/* The Services a pod is in (usually one). */
typedef struct membership {
    uint64_t *svcs;
    size_t n, cap;
} membership;

/* Services by their selector's first label, so that a pod event looks
 * only at the Services one of its labels could satisfy. */
typedef struct sel_slot {
    char *key; /* "namespace\x1flabel\x1fvalue", NULL: empty */
    uint64_t *svcs;
    size_t n, cap;
} sel_slot;

struct ks_endpointslice_controller {
    ks_engine *engine;
    ks_store *store;
    int watches[2];
    uint64_t writes;
    svc_rec *svcs; /* sorted by uid */
    size_t nsvcs, svcs_cap;
    membership *member_of; /* [pod uid - 1] */
    size_t member_cap;
    sel_slot *sel;
    size_t sel_cap, sel_used;
};

static int selects(const ks_service_body *svc, const ks_labels *labels)
{
    if (!svc || svc->selector.n == 0)
        return 0; /* a Service without selector has manual endpoints */
    for (size_t i = 0; i < svc->selector.n; i++) {
        const char *v = ks_labels_get(labels, svc->selector.items[i].key);
        if (!v || strcmp(v, svc->selector.items[i].value) != 0)
            return 0;
    }
    return 1;
}

/* ---- small sets of uids (sorted) ------------------------------------------ */

static size_t uid_pos(const uint64_t *v, size_t n, uint64_t uid)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void uid_insert(uint64_t **v, size_t *n, size_t *cap, uint64_t uid)
{
    size_t i = uid_pos(*v, *n, uid);
    if (i < *n && (*v)[i] == uid)
        return;
    *v = ks_xgrow(*v, cap, *n + 1, sizeof **v);
    memmove(*v + i + 1, *v + i, (*n - i) * sizeof **v);
    (*v)[i] = uid;
    (*n)++;
}

static void uid_erase(uint64_t *v, size_t *n, uint64_t uid)
{
    size_t i = uid_pos(v, *n, uid);
    if (i < *n && v[i] == uid) {
        memmove(v + i, v + i + 1, (*n - i - 1) * sizeof *v);
        (*n)--;
    }
}

static int uid_has(const uint64_t *v, size_t n, uint64_t uid)
{
    size_t i = uid_pos(v, n, uid);
    return i < n && v[i] == uid;
}

/* ---- records ------------------------------------------------------------------ */

static svc_rec *svc_find(ks_endpointslice_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->nsvcs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->svcs[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nsvcs && c->svcs[lo].uid == uid ? &c->svcs[lo] : NULL;
}

static svc_rec *svc_add(ks_endpointslice_controller *c, uint64_t uid)
{
    c->svcs = ks_xgrow(c->svcs, &c->svcs_cap, c->nsvcs + 1, sizeof *c->svcs);
    size_t i = c->nsvcs;
    while (i > 0 && c->svcs[i - 1].uid > uid)
        i--;
    memmove(&c->svcs[i + 1], &c->svcs[i], (c->nsvcs - i) * sizeof *c->svcs);
    c->nsvcs++;
    c->svcs[i] = (svc_rec){uid, NULL, 0, 0};
    return &c->svcs[i];
}

static membership *member_of(ks_endpointslice_controller *c, uint64_t pod,
                             int create)
{
    if (pod > c->member_cap) {
        if (!create)
            return NULL;
        size_t old = c->member_cap;
        c->member_of = ks_xgrow(c->member_of, &c->member_cap, (size_t)pod,
                                sizeof *c->member_of);
        memset(c->member_of + old, 0,
               (c->member_cap - old) * sizeof *c->member_of);
    }
    return &c->member_of[pod - 1];
}

/* ---- the selector index --------------------------------------------------------- */

static char *sel_key(const char *ns, const char *k, const char *v)
{
    return ks_xasprintf("%s\x1f%s\x1f%s", ns ? ns : "", k, v);
}

static size_t sel_slot_of(const ks_endpointslice_controller *c,
                          const char *key)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    size_t mask = c->sel_cap - 1;
    size_t i = (size_t)h & mask;
    while (c->sel[i].key && strcmp(c->sel[i].key, key) != 0)
        i = (i + 1) & mask;
    return i;
}

static void sel_grow(ks_endpointslice_controller *c)
{
    sel_slot *old = c->sel;
    size_t old_cap = c->sel_cap;
    c->sel_cap = old_cap ? old_cap * 2 : 64;
    c->sel = ks_xcalloc(c->sel_cap, sizeof *c->sel);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            c->sel[sel_slot_of(c, old[i].key)] = old[i];
    free(old);
}

/* The Services whose first selector label is key (NULL: none). */
static sel_slot *sel_lookup(ks_endpointslice_controller *c, const char *key,
                            int create)
{
    if (!c->sel_cap) {
        if (!create)
            return NULL;
        sel_grow(c);
    }
    size_t i = sel_slot_of(c, key);
    if (c->sel[i].key || !create)
        return c->sel[i].key ? &c->sel[i] : NULL;
    if ((c->sel_used + 1) * 2 > c->sel_cap) {
        sel_grow(c);
        i = sel_slot_of(c, key);
    }
    c->sel[i].key = ks_xstrdup(key);
    c->sel_used++;
    return &c->sel[i];
}

static void sel_index(ks_endpointslice_controller *c, const ks_object *svc,
                      int add)
{
    const ks_service_body *b = svc->body;
    if (!b || b->selector.n == 0)
        return;
    char *key = sel_key(svc->namespace_name, b->selector.items[0].key,
                        b->selector.items[0].value);
    sel_slot *slot = sel_lookup(c, key, add);
    free(key);
    if (slot && add)
        uid_insert(&slot->svcs, &slot->n, &slot->cap, svc->uid);
    else if (slot)
        uid_erase(slot->svcs, &slot->n, svc->uid);
}

/* ---- syncing a Service -------------------------------------------------------------- */

/* The endpoints of svc now, in pod creation order (a new body): its
 * selected pods that are bound, not being deleted and not terminal. */
static ks_endpointslice_body *endpoints_of(ks_endpointslice_controller *c,
                                           const ks_object *svc,
                                           const svc_rec *r)
{
    ks_endpointslice_body *b = ks_xcalloc(1, sizeof *b);
    b->service = svc->uid;
    b->endpoints = ks_xcalloc(r->npods ? r->npods : 1, sizeof *b->endpoints);
    for (size_t i = 0; i < r->npods; i++) {
        const ks_object *pod = ks_store_get(c->store, r->pods[i]);
        const ks_pod_body *pb = pod ? pod->body : NULL;
        if (!pb || !pod->node_name || pod->deletion_time >= 0 ||
            pb->phase == KS_PHASE_SUCCEEDED || pb->phase == KS_PHASE_FAILED)
            continue;
        ks_endpoint *ep = &b->endpoints[b->nendpoints++];
        ep->pod = pod->uid;
        ep->ready = pb->ready;
        ep->node = ks_xstrdup(pod->node_name);
    }
    return b;
}

static int same_endpoints(const ks_endpointslice_body *a,
                          const ks_endpointslice_body *b)
{
    if (a->nendpoints != b->nendpoints)
        return 0;
    for (size_t i = 0; i < a->nendpoints; i++)
        if (a->endpoints[i].pod != b->endpoints[i].pod ||
            a->endpoints[i].ready != b->endpoints[i].ready)
            return 0;
    return 1;
}

static void on_retry(ks_engine *e, void *ctx, uint64_t svc_uid);

static void sync_service(ks_endpointslice_controller *c, uint64_t svc_uid)
{
    const ks_object *svc = ks_store_get(c->store, svc_uid);
    const svc_rec *r = svc_find(c, svc_uid);
    if (!svc || !r)
        return;
    ks_endpointslice_body *want = endpoints_of(c, svc, r);
    const ks_object *slice = ks_store_find(c->store, KS_KIND_ENDPOINTSLICE,
                                           svc->namespace_name, svc->name);
    if (slice && slice->body && same_endpoints(slice->body, want)) {
        ks_endpointslice_body_free(want);
        return;
    }
    int rc;
    if (slice) {
        rc = ks_store_update(c->store, slice->uid, 0, want, NULL, NULL);
    } else {
        ks_owner_ref owner = {svc->uid, KS_KIND_SERVICE, 1, 1};
        ks_object_spec spec = {KS_KIND_ENDPOINTSLICE, svc->namespace_name,
                               svc->name, NULL, &owner, 1, NULL, want};
        rc = ks_store_create_object(c->store, &spec, NULL);
    }
    if (rc == 0)
        c->writes++;
    else /* etcd without quorum: the work queue retries (1 s here) */
        ks_engine_after(c->engine, KS_SECOND, on_retry, c, svc_uid);
}

static void on_retry(ks_engine *e, void *ctx, uint64_t svc_uid)
{
    (void)e;
    sync_service(ctx, svc_uid);
}

/* ---- informers ------------------------------------------------------------------------ */

static void forget_service(ks_endpointslice_controller *c, uint64_t uid)
{
    svc_rec *r = svc_find(c, uid);
    if (!r)
        return;
    for (size_t i = 0; i < r->npods; i++) {
        membership *m = member_of(c, r->pods[i], 0);
        if (m)
            uid_erase(m->svcs, &m->n, uid);
    }
    free(r->pods);
    size_t at = (size_t)(r - c->svcs);
    memmove(r, r + 1, (c->nsvcs - at - 1) * sizeof *r);
    c->nsvcs--;
}

/* A Service added or changed: its pods from a full list of its namespace
 * (rare), then a sync. */
static void follow_service(ks_endpointslice_controller *c,
                           const ks_object *svc)
{
    forget_service(c, svc->uid);
    /* Drop it from the index under every key it may have had. */
    for (size_t i = 0; i < c->sel_cap; i++)
        if (c->sel[i].key)
            uid_erase(c->sel[i].svcs, &c->sel[i].n, svc->uid);
    sel_index(c, svc, 1);
    svc_rec *r = svc_add(c, svc->uid);
    const ks_object **pods;
    size_t n;
    ks_store_list(c->store, KS_KIND_POD, svc->namespace_name, NULL, &pods,
                  &n);
    for (size_t i = 0; i < n; i++) {
        if (!selects(svc->body, &pods[i]->labels))
            continue;
        uid_insert(&r->pods, &r->npods, &r->cap, pods[i]->uid);
        membership *m = member_of(c, pods[i]->uid, 1);
        uid_insert(&m->svcs, &m->n, &m->cap, svc->uid);
    }
    free(pods);
    sync_service(c, svc->uid);
}

static void on_service(void *ctx, const ks_watch_event *ev)
{
    ks_endpointslice_controller *c = ctx;
    if (ev->type == KS_WATCH_DELETED || !ev->obj) {
        /* its slice goes with it (owner reference) */
        forget_service(c, ev->uid);
        for (size_t i = 0; i < c->sel_cap; i++)
            if (c->sel[i].key)
                uid_erase(c->sel[i].svcs, &c->sel[i].n, ev->uid);
        return;
    }
    follow_service(c, ev->obj);
}

/* The Services selecting pod now, into *out (sorted). */
static void services_selecting(ks_endpointslice_controller *c,
                               const ks_object *pod, uint64_t **out,
                               size_t *n, size_t *cap)
{
    for (size_t i = 0; i < pod->labels.n; i++) {
        char *key = sel_key(pod->namespace_name, pod->labels.items[i].key,
                            pod->labels.items[i].value);
        sel_slot *slot = sel_lookup(c, key, 0);
        free(key);
        for (size_t k = 0; slot && k < slot->n; k++) {
            const ks_object *svc = ks_store_get(c->store, slot->svcs[k]);
            if (svc && selects(svc->body, &pod->labels))
                uid_insert(out, n, cap, slot->svcs[k]);
        }
    }
}

static void on_pod(void *ctx, const ks_watch_event *ev)
{
    ks_endpointslice_controller *c = ctx;
    membership *m = member_of(c, ev->uid, 0);
    uint64_t *now = NULL;
    size_t nnow = 0, cap = 0;
    if (ev->obj && ev->type != KS_WATCH_DELETED)
        services_selecting(c, ev->obj, &now, &nnow, &cap);
    /* Services that stop selecting the pod (or lose it): remove and sync. */
    for (size_t i = 0; m && i < m->n;) {
        uint64_t svc = m->svcs[i];
        if (uid_has(now, nnow, svc)) {
            i++;
            continue;
        }
        svc_rec *r = svc_find(c, svc);
        if (r)
            uid_erase(r->pods, &r->npods, ev->uid);
        uid_erase(m->svcs, &m->n, svc);
        sync_service(c, svc);
    }
    /* Services selecting it now: join and sync (its status may have
     * changed). */
    for (size_t i = 0; i < nnow; i++) {
        svc_rec *r = svc_find(c, now[i]);
        if (!r)
            continue;
        uid_insert(&r->pods, &r->npods, &r->cap, ev->uid);
        m = member_of(c, ev->uid, 1);
        uid_insert(&m->svcs, &m->n, &m->cap, now[i]);
        sync_service(c, now[i]);
    }
    free(now);
    if (ev->type == KS_WATCH_DELETED && m) {
        free(m->svcs);
        *m = (membership){NULL, 0, 0};
    }
}

ks_endpointslice_controller *ks_endpointslice_controller_create(
    ks_engine *e, ks_store *s, ks_time watch_delay)
{
    ks_endpointslice_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = e;
    c->store = s;
    c->watches[0] = ks_store_watch(s, KS_KIND_SERVICE, NULL, NULL,
                                   watch_delay, on_service, c);
    c->watches[1] = ks_store_watch(s, KS_KIND_POD, NULL, NULL, watch_delay,
                                   on_pod, c);
    return c;
}

void ks_endpointslice_controller_destroy(ks_endpointslice_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watches[0]);
    ks_store_unwatch(c->store, c->watches[1]);
    for (size_t i = 0; i < c->nsvcs; i++)
        free(c->svcs[i].pods);
    free(c->svcs);
    for (size_t i = 0; i < c->member_cap; i++)
        free(c->member_of[i].svcs);
    free(c->member_of);
    for (size_t i = 0; i < c->sel_cap; i++) {
        free(c->sel[i].key);
        free(c->sel[i].svcs);
    }
    free(c->sel);
    free(c);
}

uint64_t ks_endpointslice_controller_writes(
    const ks_endpointslice_controller *c)
{
    return c->writes;
}
