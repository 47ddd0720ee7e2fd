/* topology.h - the topology domain of every node, per label key, as dense
 * integer ids, refreshed only when the cluster's node info changes.
 *
 * Plugins that group nodes by a label (PodTopologySpread, InterPodAffinity)
 * register each topology key once and get a key id; the index then keeps,
 * per key, one int32 domain id per node (KS_TOPO_NONE when the node lacks
 * the label), the interned label values (id -> value, never forgotten, so
 * ids are stable) and how many nodes sit in each domain.  Per-cycle work
 * becomes array indexing: no label lookup, no string compare, no string
 * hash.
 *
 * Refresh: ks_topology_sync compares the cluster's node_info_version (bumped
 * by ks_cluster_add_node and ks_cluster_set_node_info) with the one it saw
 * last; only when it moved does it re-read the labels of every node (one
 * lookup per node and key), and a key registered since the last sync is
 * filled alone.  Each key carries an epoch that moves whenever a node's
 * domain for that key changes (or a node is added), so consumers that keep
 * per-domain sums incrementally know when to rebuild them.
 *
 * One index per plugin instance, not per cluster: ks_cluster (sim/) holds
 * no plugin-side caches, a plugin instance may be pointed at another
 * cluster (the index then starts over), and the cost of two instances each
 * indexing the same few keys is O(keys * nodes) int32s, re-read only on
 * node changes.  An index describes one cluster at a time, identified by
 * its address.
 *
 * Ownership: the index owns its key and value strings and arrays; arrays
 * returned by the accessors stay valid until the next ks_topology_sync or
 * ks_topology_register on the index.
 */
#ifndef KS_TOPOLOGY_H
#define KS_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#include "sim/cluster.h"

/* Domain ids are >= 0; these are not domains. */
#define KS_TOPO_NONE (-1)    /* the node lacks the label */
#define KS_TOPO_UNKNOWN (-2) /* a value the index has not interned */

typedef struct ks_topology_index ks_topology_index;

ks_topology_index *ks_topology_index_create(void);
void ks_topology_index_destroy(ks_topology_index *ix); /* accepts NULL */

/* The id of label key (copied), registering it on first sight.  Ids are
 * dense from 0, in registration order, and stable for the index's life.
 * A new key's domains are filled at the next ks_topology_sync. */
uint32_t ks_topology_register(ks_topology_index *ix, const char *key);
/* The id of key, or -1 when it was never registered. */
int32_t ks_topology_key_find(const ks_topology_index *ix, const char *key);
size_t ks_topology_nkeys(const ks_topology_index *ix);
const char *ks_topology_key_name(const ks_topology_index *ix, uint32_t key);

/* Brings every key's per-node domains up to date with c.  O(1) when c is
 * the cluster of the last sync, its node_info_version has not moved and no
 * key was registered since; otherwise O(nodes * keys) label lookups (only
 * the new keys' when only keys were added).  Returns 1 when some node's
 * domain changed (or nodes were added), else 0. */
int ks_topology_sync(ks_topology_index *ix, const ks_cluster *c);

/* Whether the index describes c as it is now (a sync would do nothing). */
int ks_topology_in_sync(const ks_topology_index *ix, const ks_cluster *c);

/* The nodes covered by the last sync, and key's domain id of each of them
 * (KS_TOPO_NONE where the label is absent): an array of
 * ks_topology_nnodes() entries. */
size_t ks_topology_nnodes(const ks_topology_index *ix);
const int32_t *ks_topology_nodes(const ks_topology_index *ix, uint32_t key);

/* key's domain of node: from the arrays when the index is in sync with c
 * and covers node, else read from the node's labels now (KS_TOPO_UNKNOWN
 * for a value never interned).  Never changes the index. */
int32_t ks_topology_domain(const ks_topology_index *ix, const ks_cluster *c,
                           uint32_t key, size_t node);

/* A key's per-node domains as of a sync, for hot loops that read them
 * inline (ks_topology_view_domain): the view checks that nothing moved
 * since (the cluster, its node_info_version and the index's fills), else
 * falls back to ks_topology_domain.  Take it after a sync. */
typedef struct ks_topology_view {
    const int32_t *dom;
    size_t nnodes;
    const ks_cluster *cluster;
    uint64_t version;
    const uint64_t *fills; /* the index's count of array refills */
    uint64_t fills_seen;
} ks_topology_view;

ks_topology_view ks_topology_view_of(const ks_topology_index *ix,
                                     uint32_t key);

static inline int32_t ks_topology_view_domain(const ks_topology_view *v,
                                              const ks_topology_index *ix,
                                              const ks_cluster *c,
                                              uint32_t key, size_t node)
{
    if (v->dom && *v->fills == v->fills_seen && v->cluster == c &&
        v->version == c->node_info_version && node < v->nnodes)
        return v->dom[node];
    return ks_topology_domain(ix, c, key, node);
}

/* Domains of key: how many ids exist (ids never go away: a value no node
 * carries any more keeps its id and has 0 nodes), each one's label value,
 * and the number of nodes in it at the last sync. */
size_t ks_topology_ndomains(const ks_topology_index *ix, uint32_t key);
const char *ks_topology_domain_name(const ks_topology_index *ix, uint32_t key,
                                    int32_t domain);
uint32_t ks_topology_domain_nodes(const ks_topology_index *ix, uint32_t key,
                                  int32_t domain);
/* The node counts of all of key's domains at once (ks_topology_ndomains
 * entries), and the number of nodes that carry key at all. */
const uint32_t *ks_topology_domain_sizes(const ks_topology_index *ix,
                                         uint32_t key);
size_t ks_topology_key_nodes(const ks_topology_index *ix, uint32_t key);
/* The id of value under key, or KS_TOPO_UNKNOWN. */
int32_t ks_topology_domain_find(const ks_topology_index *ix, uint32_t key,
                                const char *value);
/* The id of value under key, interning it (copied) if new: for domains no
 * node label gives, such as "" for nodes without the label. */
int32_t ks_topology_domain_intern(ks_topology_index *ix, uint32_t key,
                                  const char *value);

/* Moves whenever a node's domain for key changes or nodes are added; never
 * repeats a value, even across clusters. */
uint64_t ks_topology_epoch(const ks_topology_index *ix, uint32_t key);

/* ---- per-domain sums of a per-node count --------------------------------
 *
 * A plugin that keeps a count per node (matching pods, say) can keep the
 * same count summed per domain of a key, in step with the node counts, so
 * that a cycle reads domain totals in O(domains) instead of walking nodes.
 * The sums are valid while their epoch is the key's: a sync that moves a
 * node's domain (or adds nodes) makes them stale, and the owner rebuilds
 * them from its node counts (ks_domain_sums_reset, then one
 * ks_domain_sums_add per node with a count).  Ownership: the owner's; free
 * with ks_domain_sums_free. */
typedef struct ks_domain_sums {
    uint32_t key;
    uint64_t epoch;  /* the key's epoch they describe; 0 = stale */
    int64_t *sum;    /* per domain id: ndom entries */
    size_t ndom, cap;
    int64_t total;   /* over the nodes that carry the key */
} ks_domain_sums;

void ks_domain_sums_free(ks_domain_sums *s);
/* Whether s describes its key's domains as of the index's last sync. */
int ks_domain_sums_current(const ks_topology_index *ix,
                           const ks_domain_sums *s);
/* Starts a rebuild: all zero, sized for the key's domains, current. */
void ks_domain_sums_reset(const ks_topology_index *ix, ks_domain_sums *s);
/* Rebuild step: count more on node (a node the last sync covered). */
static inline void ks_domain_sums_add(ks_domain_sums *s, const int32_t *dom,
                                      size_t node, int64_t count)
{
    int32_t d = dom[node];
    if (d >= 0) {
        s->sum[d] += count;
        s->total += count;
    }
}
/* The owner's count on node of cluster c moved by delta: the sums follow
 * when the index describes c as it is now, else they go stale. */
void ks_domain_sums_follow(const ks_topology_index *ix, const ks_cluster *c,
                           ks_domain_sums *s, size_t node, int64_t delta);

#endif
