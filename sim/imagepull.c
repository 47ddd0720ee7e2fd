/* imagepull.c - a node's image cache and its pull queue, computed in
 * closed form: serialized pulls form a queue whose tail is `busy_until`;
 * parallel pulls use the earliest-free of max_parallel lanes. */
#include "sim/imagepull.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

#define MAX_LANES 64

typedef struct entry {
    char *image;
    int64_t size;
    ks_time ready; /* when it is (or will be) on the node */
} entry;

struct ks_image_cache {
    ks_pull_config cfg;
    entry *v;
    size_t n, cap;
    ks_time lane_free[MAX_LANES]; /* when each pull lane is next free */
    unsigned lanes;
};

ks_pull_policy ks_default_pull_policy(const char *image)
{
    if (!image)
        return KS_PULL_ALWAYS;
    if (strchr(image, '@'))
        return KS_PULL_IF_NOT_PRESENT;
    /* The tag is what follows the last ':' after the last '/' (a ':' in
     * the registry host's port is not a tag). */
    const char *slash = strrchr(image, '/');
    const char *colon = strrchr(slash ? slash : image, ':');
    if (!colon || strcmp(colon + 1, "latest") == 0)
        return KS_PULL_ALWAYS;
    return KS_PULL_IF_NOT_PRESENT;
}

ks_image_cache *ks_image_cache_create(const ks_pull_config *cfg)
{
    ks_image_cache *c = ks_xcalloc(1, sizeof *c);
    c->cfg = *cfg;
    c->lanes = cfg->max_parallel > 1 ? cfg->max_parallel : 1;
    if (c->lanes > MAX_LANES)
        c->lanes = MAX_LANES;
    return c;
}

void ks_image_cache_destroy(ks_image_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].image);
    free(c->v);
    free(c);
}

static entry *find(const ks_image_cache *c, const char *image)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].image, image) == 0)
            return &c->v[i];
    return NULL;
}

static entry *add(ks_image_cache *c, const char *image, int64_t size,
                  ks_time ready)
{
    entry *e = find(c, image);
    if (!e) {
        c->v = ks_xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
        e = &c->v[c->n++];
        e->image = ks_xstrdup(image);
    }
    e->size = size;
    e->ready = ready;
    return e;
}

void ks_image_cache_add(ks_image_cache *c, const char *image, int64_t size)
{
    add(c, image, size, 0);
}

int ks_image_cache_has(const ks_image_cache *c, const char *image)
{
    return find(c, image) != NULL;
}

static ks_time transfer_time(const ks_image_cache *c, int64_t size)
{
    if (c->cfg.bandwidth <= 0 || size <= 0)
        return c->cfg.overhead;
    return c->cfg.overhead +
           (ks_time)llround((double)size / c->cfg.bandwidth * 1e9);
}

/* Starts a pull at the earliest free lane; returns its lane. */
static unsigned earliest_lane(const ks_image_cache *c)
{
    unsigned best = 0;
    for (unsigned i = 1; i < c->lanes; i++)
        if (c->lane_free[i] < c->lane_free[best])
            best = i;
    return best;
}

ks_pull_result ks_image_cache_request(ks_image_cache *c, const char *image,
                                      int64_t size, ks_pull_policy policy,
                                      ks_time now)
{
    entry *e = find(c, image);
    if (e && e->ready > now) /* a pull of it is under way: share it */
        return (ks_pull_result){1, 0, now, e->ready};
    if (policy == KS_PULL_NEVER)
        return e ? (ks_pull_result){0, 0, now, now}
                 : (ks_pull_result){0, 1, now, now};
    if (e && policy == KS_PULL_IF_NOT_PRESENT)
        return (ks_pull_result){0, 0, now, now};
    unsigned lane = earliest_lane(c);
    ks_time start = c->lane_free[lane] > now ? c->lane_free[lane] : now;
    ks_time done = start + transfer_time(c, size);
    c->lane_free[lane] = done;
    add(c, image, size, done);
    return (ks_pull_result){1, 0, start, done};
}

size_t ks_image_cache_count(const ks_image_cache *c, ks_time now)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->v[i].ready <= now;
    return n;
}
