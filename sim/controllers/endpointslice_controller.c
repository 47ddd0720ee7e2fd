/* endpointslice_controller.c - Services' endpoints from their pods.
 *
 * A sync of a Service lists its namespace's pods, keeps the ones its
 * selector matches (bound, not terminal) and compares them with its slice;
 * a change is one write.  Pod events sync every Service of the pod's
 * namespace whose selector matches the pod's labels (before or after the
 * change: a pod that stopped matching must leave the slice too, so all
 * Services of the namespace that list it are synced as well).
 */
#include "sim/controllers/endpointslice_controller.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

struct ks_endpointslice_controller {
    ks_engine *engine;
    ks_store *store;
    int watches[2];
    uint64_t writes;
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

/* The endpoints of svc now, in pod creation order (a new body). */
static ks_endpointslice_body *endpoints_of(ks_endpointslice_controller *c,
                                           const ks_object *svc)
{
    ks_endpointslice_body *b = ks_xcalloc(1, sizeof *b);
    b->service = svc->uid;
    const ks_object **pods;
    size_t n;
    ks_store_list(c->store, KS_KIND_POD, svc->namespace_name, NULL, &pods,
                  &n);
    b->endpoints = ks_xcalloc(n ? n : 1, sizeof *b->endpoints);
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *pb = pods[i]->body;
        if (!pb || !pods[i]->node_name || pods[i]->deletion_time >= 0 ||
            pb->phase == KS_PHASE_SUCCEEDED || pb->phase == KS_PHASE_FAILED ||
            !selects(svc->body, &pods[i]->labels))
            continue;
        ks_endpoint *ep = &b->endpoints[b->nendpoints++];
        ep->pod = pods[i]->uid;
        ep->ready = pb->ready;
        ep->node = ks_xstrdup(pods[i]->node_name);
    }
    free(pods);
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

static void sync_service(ks_endpointslice_controller *c, const ks_object *svc)
{
    ks_endpointslice_body *want = endpoints_of(c, svc);
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
}

static void sync_namespace(ks_endpointslice_controller *c, const char *ns)
{
    const ks_object **svcs;
    size_t n;
    ks_store_list(c->store, KS_KIND_SERVICE, ns, NULL, &svcs, &n);
    for (size_t i = 0; i < n; i++)
        sync_service(c, svcs[i]);
    free(svcs);
}

static void on_service(void *ctx, const ks_watch_event *ev)
{
    ks_endpointslice_controller *c = ctx;
    if (ev->type != KS_WATCH_DELETED && ev->obj)
        sync_service(c, ev->obj); /* its slice goes with it (owner ref) */
}

static void on_pod(void *ctx, const ks_watch_event *ev)
{
    ks_endpointslice_controller *c = ctx;
    if (ev->obj) {
        sync_namespace(c, ev->obj->namespace_name);
        return;
    }
    /* Deleted: its namespace is gone with the object; sync every slice
     * that lists it. */
    const ks_object **slices;
    size_t n;
    ks_store_list(c->store, KS_KIND_ENDPOINTSLICE, NULL, NULL, &slices, &n);
    for (size_t i = 0; i < n; i++) {
        const ks_endpointslice_body *b = slices[i]->body;
        for (size_t k = 0; b && k < b->nendpoints; k++)
            if (b->endpoints[k].pod == ev->uid) {
                const ks_object *svc = ks_store_get(c->store, b->service);
                if (svc)
                    sync_service(c, svc);
                break;
            }
    }
    free(slices);
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
    free(c);
}

uint64_t ks_endpointslice_controller_writes(
    const ks_endpointslice_controller *c)
{
    return c->writes;
}
