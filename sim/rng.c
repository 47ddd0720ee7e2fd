/* rng.c - named GSL random streams seeded from (run seed, stream name).
 *
 * A run has few streams (a dozen at most), so they live in a small array
 * searched linearly; callers look a stream up once and keep the pointer.
 * The generator is GSL's MT19937, whose seeding takes 32 bits: the 64-bit
 * stream seed is folded to 32 bits.
 */
#include "sim/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

typedef struct stream {
    char *name;
    gsl_rng *rng;
} stream;

struct ks_rngs {
    uint64_t seed;
    stream *streams;
    size_t n;
    size_t cap;
};

/* SplitMix64's finalizer: a bijective mix with good avalanche. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t ks_rng_stream_seed(uint64_t seed, const char *name)
{
    return splitmix64(splitmix64(seed) ^ fnv1a(name));
}

ks_rngs *ks_rngs_create(uint64_t seed)
{
    ks_rngs *r = ks_xcalloc(1, sizeof *r);
    r->seed = seed;
    return r;
}

void ks_rngs_destroy(ks_rngs *rngs)
{
    if (!rngs)
        return;
    for (size_t i = 0; i < rngs->n; i++) {
        free(rngs->streams[i].name);
        gsl_rng_free(rngs->streams[i].rng);
    }
    free(rngs->streams);
    free(rngs);
}

gsl_rng *ks_rngs_stream(ks_rngs *rngs, const char *name)
{
    for (size_t i = 0; i < rngs->n; i++)
        if (strcmp(rngs->streams[i].name, name) == 0)
            return rngs->streams[i].rng;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!g) { /* GSL allocation failure is out-of-memory: fatal. */
        fprintf(stderr, "ksim: out of memory allocating a random stream\n");
        abort();
    }
    uint64_t s = ks_rng_stream_seed(rngs->seed, name);
    gsl_rng_set(g, (unsigned long)((s ^ (s >> 32)) & 0xffffffffUL));
    rngs->streams = ks_xgrow(rngs->streams, &rngs->cap, rngs->n + 1,
                             sizeof(stream));
    rngs->streams[rngs->n].name = ks_xstrdup(name);
    rngs->streams[rngs->n].rng = g;
    rngs->n++;
    return g;
}
