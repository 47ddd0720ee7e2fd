/* topology.c - per-key node domain ids, re-read only when the cluster's
 * node info version moves.
 *
 * Each key keeps its own value table (open addressing over interned
 * strings), the per-node id array and per-domain node counts.  A sync with
 * changes walks nodes once per key: an unchanged value costs one label
 * lookup and one strcmp against the value already interned.
 */
#include "sim/topology.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

typedef struct topo_key {
    char *name;
    int32_t *dom; /* per node; ks_topology_index.nnodes entries when filled */
    size_t dom_cap;
    char **values; /* domain id -> label value */
    uint32_t *nodes_in; /* domain id -> nodes carrying it */
    size_t nodes_with;  /* nodes carrying the key */
    size_t nvalues, values_cap;
    int32_t *table; /* open addressing over values, -1 = free */
    size_t table_cap;
    uint64_t epoch;
    int filled; /* dom describes the synced nodes */
} topo_key;

struct ks_topology_index {
    topo_key *keys;
    size_t nkeys, keys_cap;
    const ks_cluster *cluster; /* what the arrays describe, or NULL */
    uint64_t version;          /* its node_info_version then */
    size_t nnodes;             /* nodes covered */
    size_t unfilled;           /* keys registered since the last sync */
    uint64_t next_epoch;
    uint64_t fills; /* fill_key runs: views taken before may be stale */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

ks_topology_index *ks_topology_index_create(void)
{
    ks_topology_index *ix = ks_xcalloc(1, sizeof *ix);
    ix->next_epoch = 1;
    return ix;
}

void ks_topology_index_destroy(ks_topology_index *ix)
{
    if (!ix)
        return;
    for (size_t k = 0; k < ix->nkeys; k++) {
        topo_key *t = &ix->keys[k];
        free(t->name);
        free(t->dom);
        for (size_t i = 0; i < t->nvalues; i++)
            free(t->values[i]);
        free(t->values);
        free(t->nodes_in);
        free(t->table);
    }
    free(ix->keys);
    free(ix);
}

/* ---- keys ----------------------------------------------------------------- */

int32_t ks_topology_key_find(const ks_topology_index *ix, const char *key)
{
    for (size_t k = 0; k < ix->nkeys; k++)
        if (strcmp(ix->keys[k].name, key) == 0)
            return (int32_t)k;
    return -1;
}

uint32_t ks_topology_register(ks_topology_index *ix, const char *key)
{
    int32_t found = ks_topology_key_find(ix, key);
    if (found >= 0)
        return (uint32_t)found;
    ix->keys = ks_xgrow(ix->keys, &ix->keys_cap, ix->nkeys + 1,
                        sizeof *ix->keys);
    topo_key *t = &ix->keys[ix->nkeys];
    *t = (topo_key){0};
    t->name = ks_xstrdup(key);
    t->epoch = ix->next_epoch++;
    ix->unfilled++;
    return (uint32_t)ix->nkeys++;
}

size_t ks_topology_nkeys(const ks_topology_index *ix)
{
    return ix->nkeys;
}

const char *ks_topology_key_name(const ks_topology_index *ix, uint32_t key)
{
    return key < ix->nkeys ? ix->keys[key].name : NULL;
}

/* ---- values --------------------------------------------------------------- */

static int32_t value_find(const topo_key *t, const char *v)
{
    if (t->table_cap == 0)
        return KS_TOPO_UNKNOWN;
    size_t mask = t->table_cap - 1;
    for (size_t i = hash_str(v) & mask;; i = (i + 1) & mask) {
        int32_t id = t->table[i];
        if (id < 0)
            return KS_TOPO_UNKNOWN;
        if (strcmp(t->values[id], v) == 0)
            return id;
    }
}

static void table_put(topo_key *t, int32_t id)
{
    size_t mask = t->table_cap - 1;
    size_t i = hash_str(t->values[id]) & mask;
    while (t->table[i] >= 0)
        i = (i + 1) & mask;
    t->table[i] = id;
}

static void table_rehash(topo_key *t, size_t cap)
{
    free(t->table);
    t->table = ks_xmalloc(cap * sizeof *t->table);
    for (size_t i = 0; i < cap; i++)
        t->table[i] = -1;
    t->table_cap = cap;
    for (size_t id = 0; id < t->nvalues; id++)
        table_put(t, (int32_t)id);
}

static int32_t value_intern(topo_key *t, const char *v)
{
    int32_t id = value_find(t, v);
    if (id >= 0)
        return id;
    if (2 * (t->nvalues + 1) > t->table_cap) {
        size_t cap = 16;
        while (cap < 4 * (t->nvalues + 1))
            cap *= 2;
        table_rehash(t, cap);
    }
    if (t->nvalues == t->values_cap) {
        size_t cap = t->values_cap;
        t->values = ks_xgrow(t->values, &t->values_cap, t->nvalues + 1,
                             sizeof *t->values);
        t->nodes_in = ks_xgrow(t->nodes_in, &cap, t->nvalues + 1,
                               sizeof *t->nodes_in);
    }
    id = (int32_t)t->nvalues++;
    t->values[id] = ks_xstrdup(v);
    t->nodes_in[id] = 0;
    table_put(t, id);
    return id;
}

/* ---- sync ----------------------------------------------------------------- */

/* Re-reads key's label on every node of c; the first `old` nodes were
 * covered before (none when the key was not filled).  Returns whether a
 * node's domain changed. */
static int fill_key(ks_topology_index *ix, topo_key *t, const ks_cluster *c,
                    size_t old)
{
    if (!t->filled) {
        old = 0;
        for (size_t d = 0; d < t->nvalues; d++)
            t->nodes_in[d] = 0;
        t->nodes_with = 0;
    }
    if (c->nnodes > t->dom_cap)
        t->dom = ks_xgrow(t->dom, &t->dom_cap, c->nnodes, sizeof *t->dom);
    ix->fills++;
    int changed = !t->filled; /* was empty or described another cluster */
    for (size_t n = 0; n < c->nnodes; n++) {
        int32_t was = n < old ? t->dom[n] : KS_TOPO_NONE;
        const char *v = ks_labels_get(&c->node_info[n].labels, t->name);
        int32_t now = KS_TOPO_NONE;
        if (v)
            now = was >= 0 && strcmp(t->values[was], v) == 0
                      ? was
                      : value_intern(t, v);
        if (n < old && now == was)
            continue;
        if (was >= 0) {
            t->nodes_in[was]--;
            t->nodes_with--;
        }
        if (now >= 0) {
            t->nodes_in[now]++;
            t->nodes_with++;
        }
        t->dom[n] = now;
        changed = 1;
    }
    t->filled = 1;
    if (changed)
        t->epoch = ix->next_epoch++;
    return changed;
}

int ks_topology_in_sync(const ks_topology_index *ix, const ks_cluster *c)
{
    return ix->cluster == c && ix->version == c->node_info_version &&
           ix->unfilled == 0;
}

int ks_topology_sync(ks_topology_index *ix, const ks_cluster *c)
{
    if (ks_topology_in_sync(ix, c))
        return 0;
    if (ix->cluster != c) { /* another cluster: start over */
        for (size_t k = 0; k < ix->nkeys; k++)
            ix->keys[k].filled = 0;
        ix->nnodes = 0;
        ix->cluster = c;
    }
    /* Same version: nothing moved but new keys, which fill alone. */
    int all = ix->version != c->node_info_version;
    int changed = 0;
    for (size_t k = 0; k < ix->nkeys; k++) {
        topo_key *t = &ix->keys[k];
        if (all || !t->filled)
            changed |= fill_key(ix, t, c, ix->nnodes);
    }
    ix->nnodes = c->nnodes;
    ix->version = c->node_info_version;
    ix->unfilled = 0;
    return changed;
}

/* ---- reading -------------------------------------------------------------- */

size_t ks_topology_nnodes(const ks_topology_index *ix)
{
    return ix->nnodes;
}

const int32_t *ks_topology_nodes(const ks_topology_index *ix, uint32_t key)
{
    return ix->keys[key].dom;
}

ks_topology_view ks_topology_view_of(const ks_topology_index *ix,
                                     uint32_t key)
{
    ks_topology_view v = {0};
    const topo_key *t = &ix->keys[key];
    v.fills = &ix->fills;
    v.fills_seen = ix->fills;
    if (!t->filled || !ix->cluster || ix->unfilled)
        return v; /* dom NULL: always the fallback */
    v.dom = t->dom;
    v.nnodes = ix->nnodes;
    v.cluster = ix->cluster;
    v.version = ix->version;
    return v;
}

int32_t ks_topology_domain(const ks_topology_index *ix, const ks_cluster *c,
                           uint32_t key, size_t node)
{
    const topo_key *t = &ix->keys[key];
    if (node < ix->nnodes && t->filled && ks_topology_in_sync(ix, c))
        return t->dom[node];
    if (node >= c->nnodes)
        return KS_TOPO_NONE;
    const char *v = ks_labels_get(&c->node_info[node].labels, t->name);
    return v ? value_find(t, v) : KS_TOPO_NONE;
}

size_t ks_topology_ndomains(const ks_topology_index *ix, uint32_t key)
{
    return ix->keys[key].nvalues;
}

const char *ks_topology_domain_name(const ks_topology_index *ix, uint32_t key,
                                    int32_t domain)
{
    const topo_key *t = &ix->keys[key];
    return domain >= 0 && (size_t)domain < t->nvalues ? t->values[domain]
                                                      : NULL;
}

uint32_t ks_topology_domain_nodes(const ks_topology_index *ix, uint32_t key,
                                  int32_t domain)
{
    const topo_key *t = &ix->keys[key];
    return domain >= 0 && (size_t)domain < t->nvalues && t->filled
               ? t->nodes_in[domain]
               : 0;
}

const uint32_t *ks_topology_domain_sizes(const ks_topology_index *ix,
                                         uint32_t key)
{
    return ix->keys[key].nodes_in;
}

size_t ks_topology_key_nodes(const ks_topology_index *ix, uint32_t key)
{
    return ix->keys[key].filled ? ix->keys[key].nodes_with : 0;
}

int32_t ks_topology_domain_find(const ks_topology_index *ix, uint32_t key,
                                const char *value)
{
    return value_find(&ix->keys[key], value);
}

int32_t ks_topology_domain_intern(ks_topology_index *ix, uint32_t key,
                                  const char *value)
{
    return value_intern(&ix->keys[key], value);
}

uint64_t ks_topology_epoch(const ks_topology_index *ix, uint32_t key)
{
    return ix->keys[key].epoch;
}

/* ---- per-domain sums -------------------------------------------------------- */

void ks_domain_sums_free(ks_domain_sums *s)
{
    free(s->sum);
    *s = (ks_domain_sums){0};
}

int ks_domain_sums_current(const ks_topology_index *ix,
                           const ks_domain_sums *s)
{
    return s->epoch != 0 && s->key < ix->nkeys &&
           s->epoch == ix->keys[s->key].epoch && ix->keys[s->key].filled;
}

void ks_domain_sums_reset(const ks_topology_index *ix, ks_domain_sums *s)
{
    s->ndom = ix->keys[s->key].nvalues;
    if (s->ndom > s->cap)
        s->sum = ks_xgrow(s->sum, &s->cap, s->ndom, sizeof *s->sum);
    if (s->ndom)
        memset(s->sum, 0, s->ndom * sizeof *s->sum);
    s->total = 0;
    s->epoch = ix->keys[s->key].epoch;
}

void ks_domain_sums_follow(const ks_topology_index *ix, const ks_cluster *c,
                           ks_domain_sums *s, size_t node, int64_t delta)
{
    if (!ks_domain_sums_current(ix, s))
        return; /* rebuilt when next needed */
    if (!ks_topology_in_sync(ix, c) || node >= ix->nnodes) {
        s->epoch = 0; /* the domains may have moved: rebuild */
        return;
    }
    int32_t d = ix->keys[s->key].dom[node];
    if (d < 0)
        return;
    if ((size_t)d >= s->ndom) { /* cannot happen while current */
        s->epoch = 0;
        return;
    }
    s->sum[d] += delta;
    s->total += delta;
}
