/* proxy.c - kube-proxy's programmed backends and its load balancing.
 *
 * Each Service keeps the programmed endpoint set and at most one pending
 * set with the time it will be programmed (a later update before that
 * time replaces the pending set: one sync programs the latest state). */
#include "sim/proxy.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

typedef struct ep_set {
    uint32_t *v;
    size_t n;
} ep_set;

typedef struct service {
    ep_set cur, next;
    int has_next;
    ks_time next_at;
    ks_time last_sync;
    int synced; /* last_sync is meaningful */
    uint64_t rr;       /* IPVS rr: next position */
    uint32_t *active;  /* IPVS lc: active connections per cur endpoint */
} service;

struct ks_proxy {
    ks_proxy_config cfg;
    service *svc;
    size_t nsvc;
};

ks_proxy *ks_proxy_create(const ks_proxy_config *cfg)
{
    ks_proxy *p = ks_xcalloc(1, sizeof *p);
    p->cfg = *cfg;
    if (p->cfg.min_sync <= 0)
        p->cfg.min_sync = KS_SECOND;
    return p;
}

void ks_proxy_destroy(ks_proxy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsvc; i++) {
        free(p->svc[i].cur.v);
        free(p->svc[i].next.v);
        free(p->svc[i].active);
    }
    free(p->svc);
    free(p);
}

static service *get(ks_proxy *p, uint32_t id)
{
    if (id >= p->nsvc) {
        size_t n = (size_t)id + 1;
        p->svc = ks_xrealloc(p->svc, n * sizeof *p->svc);
        memset(p->svc + p->nsvc, 0, (n - p->nsvc) * sizeof *p->svc);
        p->nsvc = n;
    }
    return &p->svc[id];
}

static void set_copy(ep_set *dst, const uint32_t *eps, size_t n)
{
    free(dst->v);
    dst->v = n ? ks_xmalloc(n * sizeof *dst->v) : NULL;
    if (n)
        memcpy(dst->v, eps, n * sizeof *dst->v);
    dst->n = n;
}

/* Programs the pending set once its time has come. */
static void advance(service *s, ks_time now)
{
    if (!s->has_next || now < s->next_at)
        return;
    free(s->cur.v);
    s->cur = s->next;
    s->next = (ep_set){NULL, 0};
    s->has_next = 0;
    free(s->active);
    s->active = s->cur.n ? ks_xcalloc(s->cur.n, sizeof *s->active) : NULL;
    s->rr = 0;
}

ks_time ks_proxy_update(ks_proxy *p, uint32_t service_id, const uint32_t *eps,
                        size_t n, ks_time now)
{
    service *s = get(p, service_id);
    advance(s, now);
    ks_time at = now;
    if (s->has_next) {
        at = s->next_at; /* the sync already planned takes the latest */
    } else if (s->synced && s->last_sync + p->cfg.min_sync > now) {
        at = s->last_sync + p->cfg.min_sync;
    }
    set_copy(&s->next, eps, n);
    s->has_next = 1;
    s->next_at = at;
    s->last_sync = at;
    s->synced = 1;
    advance(s, now);
    return at;
}

/* iptables: rule i of n matches with probability 1/(n - i). */
static uint32_t pick_iptables(const service *s, gsl_rng *rng)
{
    size_t n = s->cur.n;
    for (size_t i = 0; i + 1 < n; i++) {
        double u = rng ? gsl_rng_uniform(rng) : 0.0;
        if (u < 1.0 / (double)(n - i))
            return s->cur.v[i];
    }
    return s->cur.v[n - 1];
}

static uint32_t pick_lc(service *s)
{
    size_t best = 0;
    for (size_t i = 1; i < s->cur.n; i++)
        if (s->active[i] < s->active[best])
            best = i;
    s->active[best]++;
    return s->cur.v[best];
}

/* sh: a hash of the client over the programmed set. */
static uint32_t pick_sh(const service *s, uint64_t client)
{
    uint64_t h = client * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 31;
    return s->cur.v[h % s->cur.n];
}

uint32_t ks_proxy_pick(ks_proxy *p, uint32_t service_id, ks_time now,
                       gsl_rng *rng, uint64_t client)
{
    service *s = get(p, service_id);
    advance(s, now);
    if (s->cur.n == 0)
        return KS_PROXY_REJECT;
    switch (p->cfg.mode) {
    case KS_PROXY_IPVS_RR:
        return s->cur.v[s->rr++ % s->cur.n];
    case KS_PROXY_IPVS_LC:
        return pick_lc(s);
    case KS_PROXY_IPVS_SH:
        return pick_sh(s, client);
    case KS_PROXY_IPTABLES:
    default:
        return pick_iptables(s, rng);
    }
}

void ks_proxy_release(ks_proxy *p, uint32_t service_id, uint32_t endpoint)
{
    if (service_id >= p->nsvc)
        return;
    service *s = &p->svc[service_id];
    for (size_t i = 0; i < s->cur.n; i++)
        if (s->cur.v[i] == endpoint && s->active && s->active[i] > 0) {
            s->active[i]--;
            return;
        }
}

size_t ks_proxy_programmed(ks_proxy *p, uint32_t service_id, ks_time now)
{
    service *s = get(p, service_id);
    advance(s, now);
    return s->cur.n;
}
