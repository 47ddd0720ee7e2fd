/* traffic.c - Poisson requests routed by the kube-proxy model. */
#include "sim/traffic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"

typedef struct service {
    char *namespace_name, *name;
    double rate;       /* requests per second, >= 0 */
    int pending;       /* an arrival is scheduled (rate > 0) */
    ks_event_id next;  /* that arrival's event */
    ks_time next_at;   /* and its time */
    ks_service_stats stats;
    ks_time observed;  /* last time zero_endpoints was brought up to date */
    int zero;          /* no endpoint programmed since `observed` */
    uint64_t slice;    /* uid of its EndpointSlice once seen, 0: none */
} service;

struct ks_traffic {
    ks_engine *engine;
    ks_store *store;
    gsl_rng *rng;
    ks_traffic_config cfg;
    ks_proxy *proxy;
    service *svc;
    size_t nsvc, svc_cap;
    int watch;
    uint64_t clients;
};

/* Brings a Service's zero-endpoint time up to now. */
static void observe(ks_traffic *t, size_t i, ks_time now)
{
    service *s = &t->svc[i];
    if (s->zero && now > s->observed)
        s->stats.zero_endpoints += now - s->observed;
    if (now > s->observed)
        s->observed = now;
    s->zero = ks_proxy_programmed(t->proxy, (uint32_t)i, now) == 0;
}

static void on_programmed(ks_engine *e, void *ctx, uint64_t i)
{
    observe(ctx, (size_t)i, ks_engine_now(e));
}

static long find_service(const ks_traffic *t, const ks_object *svc)
{
    for (size_t i = 0; svc && i < t->nsvc; i++)
        if (!strcmp(t->svc[i].name, svc->name) &&
            !strcmp(t->svc[i].namespace_name, svc->namespace_name))
            return (long)i;
    return -1;
}

static long find_slice(const ks_traffic *t, uint64_t slice)
{
    for (size_t i = 0; i < t->nsvc; i++)
        if (t->svc[i].slice == slice)
            return (long)i;
    return -1;
}

/* A Service's slice is gone (the Service was deleted): kube-proxy removes
 * its rules, and requests are rejected from then on. */
static void slice_deleted(ks_traffic *t, uint64_t slice)
{
    long i = find_slice(t, slice);
    if (i < 0)
        return;
    t->svc[i].slice = 0;
    ks_time now = ks_engine_now(t->engine);
    observe(t, (size_t)i, now);
    ks_time at = ks_proxy_update(t->proxy, (uint32_t)i, NULL, 0, now);
    ks_engine_at(t->engine, at, on_programmed, t, (uint64_t)i);
}

static void on_slice(void *ctx, const ks_watch_event *ev)
{
    ks_traffic *t = ctx;
    if (ev->type == KS_WATCH_DELETED) {
        slice_deleted(t, ev->uid);
        return;
    }
    const ks_endpointslice_body *b = ev->obj ? ev->obj->body : NULL;
    if (!b)
        return;
    long i = find_slice(t, ev->uid);
    if (i < 0)
        i = find_service(t, ks_store_get(t->store, b->service));
    if (i < 0)
        return;
    t->svc[i].slice = ev->uid;
    uint32_t *eps = ks_xmalloc((b->nendpoints ? b->nendpoints : 1) *
                               sizeof *eps);
    size_t n = 0;
    for (size_t k = 0; k < b->nendpoints; k++)
        if (b->endpoints[k].ready && b->endpoints[k].pod <= UINT32_MAX)
            eps[n++] = (uint32_t)b->endpoints[k].pod;
    ks_time now = ks_engine_now(t->engine);
    observe(t, (size_t)i, now);
    ks_time at = ks_proxy_update(t->proxy, (uint32_t)i, eps, n, now);
    free(eps);
    ks_engine_at(t->engine, at, on_programmed, t, (uint64_t)i);
}

static void schedule_request(ks_traffic *t, size_t i);

static void on_request(ks_engine *e, void *ctx, uint64_t i)
{
    ks_traffic *t = ctx;
    service *s = &t->svc[i];
    ks_time now = ks_engine_now(e);
    observe(t, (size_t)i, now);
    s->stats.requests++;
    uint32_t ep = ks_proxy_pick(t->proxy, (uint32_t)i, now, t->rng,
                                t->clients++);
    if (ep == KS_PROXY_REJECT) {
        s->stats.rejected++;
    } else {
        const ks_object *pod = ks_store_get(t->store, ep);
        const ks_pod_body *pb = pod ? pod->body : NULL;
        if (pb && pb->phase == KS_PHASE_RUNNING)
            s->stats.ok++;
        else
            s->stats.failed++;
    }
    schedule_request(t, (size_t)i);
}

/* The next arrival after now, drawn from the stream (none at rate 0). */
static void schedule_request(ks_traffic *t, size_t i)
{
    service *s = &t->svc[i];
    s->pending = 0;
    if (!(s->rate > 0))
        return;
    double gap = gsl_ran_exponential(t->rng, 1.0 / s->rate);
    ks_time delay = (ks_time)(gap * 1e9);
    s->next_at = ks_engine_now(t->engine) + delay;
    s->next = ks_engine_after(t->engine, delay, on_request, t, i);
    s->pending = 1;
}

ks_traffic *ks_traffic_create(ks_engine *e, ks_store *s, gsl_rng *rng,
                              const ks_traffic_config *cfg)
{
    ks_traffic *t = ks_xcalloc(1, sizeof *t);
    t->engine = e;
    t->store = s;
    t->rng = rng;
    if (cfg)
        t->cfg = *cfg;
    t->proxy = ks_proxy_create(&t->cfg.proxy);
    t->watch = ks_store_watch(s, KS_KIND_ENDPOINTSLICE, NULL, NULL,
                              t->cfg.proxy_delay, on_slice, t);
    return t;
}

void ks_traffic_destroy(ks_traffic *t)
{
    if (!t)
        return;
    ks_store_unwatch(t->store, t->watch);
    ks_proxy_destroy(t->proxy);
    for (size_t i = 0; i < t->nsvc; i++) {
        free(t->svc[i].namespace_name);
        free(t->svc[i].name);
    }
    free(t->svc);
    free(t);
}

int ks_traffic_add_service(ks_traffic *t, const char *namespace_name,
                           const char *name, double rate)
{
    if (!(rate >= 0) || !isfinite(rate) || !name)
        return -1;
    t->svc = ks_xgrow(t->svc, &t->svc_cap, t->nsvc + 1, sizeof *t->svc);
    service *s = &t->svc[t->nsvc];
    *s = (service){0};
    s->namespace_name = ks_xstrdup(namespace_name ? namespace_name
                                                  : "default");
    s->name = ks_xstrdup(name);
    s->rate = rate;
    s->observed = ks_engine_now(t->engine);
    s->zero = 1;
    schedule_request(t, t->nsvc);
    return (int)t->nsvc++;
}

int ks_traffic_set_rate(ks_traffic *t, int i, double rate)
{
    if (i < 0 || (size_t)i >= t->nsvc || !(rate >= 0) || !isfinite(rate))
        return -1;
    service *s = &t->svc[i];
    ks_time now = ks_engine_now(t->engine);
    double old = s->rate;
    s->rate = rate;
    if (!s->pending) {
        schedule_request(t, (size_t)i); /* from 0: a fresh draw */
        return 0;
    }
    ks_engine_cancel(t->engine, s->next);
    s->pending = 0;
    if (!(rate > 0))
        return 0;
    /* Time rescaling: the arrival's remaining work at the old rate,
     * (next_at - now) * old, takes work / rate at the new one. */
    double left = (double)(s->next_at - now) * old / rate;
    ks_time at = left >= (double)(KS_TIME_NEVER - now)
                     ? KS_TIME_NEVER - 1
                     : now + (ks_time)left;
    s->next_at = at;
    s->next = ks_engine_at(t->engine, at, on_request, t, (uint64_t)i);
    s->pending = 1;
    return 0;
}

ks_service_stats ks_traffic_stats(ks_traffic *t, int i)
{
    if (i < 0 || (size_t)i >= t->nsvc)
        return (ks_service_stats){0};
    observe(t, (size_t)i, ks_engine_now(t->engine));
    return t->svc[i].stats;
}
