/* test_topology.c - the topology index: stable key and domain ids, refresh
 * only when the cluster's node info version moves, nodes added later,
 * labels changed or removed, and per-domain sums kept in step. */
#include <stdio.h>
#include <string.h>

#include "sim/cluster.h"
#include "sim/topology.h"
#include "tests/test_util.h"

void ks_suite_topology(void);

static const int64_t alloc[KS_RES_COUNT] = {4000, 8LL << 30, 110};

/* Sets node's labels from "k=v k=v ..." (replacing them all). */
static void set_labels(ks_cluster *c, uint32_t node, const char *spec)
{
    ks_node_info info = {0};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        ks_labels_set(&info.labels, tok, eq + 1);
    }
    ks_cluster_set_node_info(c, node, &info);
}

static uint32_t add_node(ks_cluster *c, const char *name, const char *labels)
{
    uint32_t n = ks_cluster_add_node(c, name, alloc, 0);
    set_labels(c, n, labels);
    return n;
}

/* The value name of node's domain under key ("-" when absent). */
static const char *value_of(const ks_topology_index *ix, uint32_t key,
                            size_t node)
{
    int32_t d = ks_topology_nodes(ix, key)[node];
    return d >= 0 ? ks_topology_domain_name(ix, key, d) : "-";
}

static void test_keys_are_stable(void)
{
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    uint32_t rack = ks_topology_register(ix, "rack");
    CU_ASSERT_EQUAL(zone, 0);
    CU_ASSERT_EQUAL(rack, 1);
    CU_ASSERT_EQUAL(ks_topology_register(ix, "zone"), zone);
    CU_ASSERT_EQUAL(ks_topology_key_find(ix, "rack"), (int32_t)rack);
    CU_ASSERT_EQUAL(ks_topology_key_find(ix, "region"), -1);
    CU_ASSERT_EQUAL(ks_topology_nkeys(ix), 2);
    CU_ASSERT_STRING_EQUAL(ks_topology_key_name(ix, rack), "rack");
    CU_ASSERT_PTR_NULL(ks_topology_key_name(ix, 7));
    ks_topology_index_destroy(ix);
    ks_topology_index_destroy(NULL);
}

/* Domain ids are dense, one per distinct value, and survive refreshes. */
static void test_domains_and_ids(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1 host=a");
    add_node(c, "b", "zone=z2 host=b");
    add_node(c, "c", "zone=z1");
    add_node(c, "d", "host=d");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    CU_ASSERT_EQUAL(ks_topology_sync(ix, c), 1);
    CU_ASSERT_EQUAL(ks_topology_nnodes(ix), 4);
    const int32_t *dom = ks_topology_nodes(ix, zone);
    CU_ASSERT_EQUAL(dom[0], dom[2]);
    CU_ASSERT_NOT_EQUAL(dom[0], dom[1]);
    CU_ASSERT_EQUAL(dom[3], KS_TOPO_NONE);
    CU_ASSERT_EQUAL(ks_topology_ndomains(ix, zone), 2);
    CU_ASSERT_STRING_EQUAL(value_of(ix, zone, 1), "z2");
    CU_ASSERT_EQUAL(ks_topology_domain_nodes(ix, zone, dom[0]), 2);
    CU_ASSERT_EQUAL(ks_topology_domain_sizes(ix, zone)[dom[1]], 1);
    CU_ASSERT_EQUAL(ks_topology_key_nodes(ix, zone), 3);
    CU_ASSERT_EQUAL(ks_topology_domain_find(ix, zone, "z2"), dom[1]);
    CU_ASSERT_EQUAL(ks_topology_domain_find(ix, zone, "z9"), KS_TOPO_UNKNOWN);
    int32_t z1 = dom[0];
    /* "" is a value like another, interned on demand */
    int32_t empty = ks_topology_domain_intern(ix, zone, "");
    CU_ASSERT_EQUAL(empty, 2);
    CU_ASSERT_EQUAL(ks_topology_domain_intern(ix, zone, ""), empty);
    CU_ASSERT_EQUAL(ks_topology_domain_nodes(ix, zone, empty), 0);
    /* nothing moved: the sync does nothing, ids and epoch stay */
    uint64_t epoch = ks_topology_epoch(ix, zone);
    CU_ASSERT_EQUAL(ks_topology_sync(ix, c), 0);
    CU_ASSERT_EQUAL(ks_topology_epoch(ix, zone), epoch);
    CU_ASSERT_EQUAL(ks_topology_nodes(ix, zone)[0], z1);
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

/* Labels are re-read only when node_info_version moves. */
static void test_refresh_on_version_change(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1");
    add_node(c, "b", "zone=z2");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    ks_topology_sync(ix, c);
    CU_ASSERT(ks_topology_in_sync(ix, c));
    int32_t z1 = ks_topology_domain_find(ix, zone, "z1");
    uint64_t epoch = ks_topology_epoch(ix, zone);
    set_labels(c, 0, "zone=z3");
    CU_ASSERT(!ks_topology_in_sync(ix, c));
    /* before the sync: arrays as they were, lookups read the labels now */
    CU_ASSERT_EQUAL(ks_topology_nodes(ix, zone)[0], z1);
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 0), KS_TOPO_UNKNOWN);
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 1),
                    ks_topology_domain_find(ix, zone, "z2"));
    CU_ASSERT_EQUAL(ks_topology_sync(ix, c), 1);
    CU_ASSERT_STRING_EQUAL(value_of(ix, zone, 0), "z3");
    CU_ASSERT_NOT_EQUAL(ks_topology_epoch(ix, zone), epoch);
    /* z1 keeps its id, with no node left in it */
    CU_ASSERT_EQUAL(ks_topology_domain_find(ix, zone, "z1"), z1);
    CU_ASSERT_EQUAL(ks_topology_domain_nodes(ix, zone, z1), 0);
    CU_ASSERT_EQUAL(ks_topology_ndomains(ix, zone), 3);
    /* back to z1: the old id again */
    set_labels(c, 0, "zone=z1");
    ks_topology_sync(ix, c);
    CU_ASSERT_EQUAL(ks_topology_nodes(ix, zone)[0], z1);
    CU_ASSERT_EQUAL(ks_topology_ndomains(ix, zone), 3);
    /* a change of another label moves the version, not this key's epoch */
    epoch = ks_topology_epoch(ix, zone);
    set_labels(c, 1, "zone=z2 rack=r1");
    CU_ASSERT_EQUAL(ks_topology_sync(ix, c), 0);
    CU_ASSERT_EQUAL(ks_topology_epoch(ix, zone), epoch);
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

/* Nodes added after a sync: looked up live until the next sync covers
 * them. */
static void test_nodes_added_later(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    ks_topology_sync(ix, c);
    uint64_t epoch = ks_topology_epoch(ix, zone);
    add_node(c, "b", "zone=z1");
    add_node(c, "c", "zone=z2");
    add_node(c, "d", "");
    CU_ASSERT_EQUAL(ks_topology_nnodes(ix), 1);
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 1),
                    ks_topology_domain_find(ix, zone, "z1"));
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 2), KS_TOPO_UNKNOWN);
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 3), KS_TOPO_NONE);
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 9), KS_TOPO_NONE);
    CU_ASSERT_EQUAL(ks_topology_sync(ix, c), 1);
    CU_ASSERT_NOT_EQUAL(ks_topology_epoch(ix, zone), epoch);
    CU_ASSERT_EQUAL(ks_topology_nnodes(ix), 4);
    CU_ASSERT_STRING_EQUAL(value_of(ix, zone, 1), "z1");
    CU_ASSERT_STRING_EQUAL(value_of(ix, zone, 2), "z2");
    CU_ASSERT_STRING_EQUAL(value_of(ix, zone, 3), "-");
    CU_ASSERT_EQUAL(
        ks_topology_domain_nodes(ix, zone, ks_topology_domain_find(ix, zone,
                                                                   "z1")),
        2);
    CU_ASSERT_EQUAL(ks_topology_key_nodes(ix, zone), 3);
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 2),
                    ks_topology_domain_find(ix, zone, "z2"));
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

/* A label removed: the node leaves its domain. */
static void test_label_removed(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1 rack=r1");
    add_node(c, "b", "zone=z1");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    uint32_t rack = ks_topology_register(ix, "rack");
    ks_topology_sync(ix, c);
    CU_ASSERT_EQUAL(ks_topology_key_nodes(ix, rack), 1);
    int32_t z1 = ks_topology_domain_find(ix, zone, "z1");
    set_labels(c, 0, "rack=r1");
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, zone, 0), KS_TOPO_NONE);
    ks_topology_sync(ix, c);
    CU_ASSERT_EQUAL(ks_topology_nodes(ix, zone)[0], KS_TOPO_NONE);
    CU_ASSERT_EQUAL(ks_topology_domain_nodes(ix, zone, z1), 1);
    CU_ASSERT_EQUAL(ks_topology_key_nodes(ix, zone), 1);
    CU_ASSERT_STRING_EQUAL(value_of(ix, rack, 0), "r1");
    set_labels(c, 0, "");
    ks_topology_sync(ix, c);
    CU_ASSERT_EQUAL(ks_topology_key_nodes(ix, rack), 0);
    CU_ASSERT_EQUAL(ks_topology_nodes(ix, rack)[0], KS_TOPO_NONE);
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

/* A key registered after a sync is filled alone at the next one; the
 * others are not re-read (their epoch stays). */
static void test_key_registered_later(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1 rack=r1");
    add_node(c, "b", "zone=z2 rack=r2");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    ks_topology_sync(ix, c);
    uint64_t epoch = ks_topology_epoch(ix, zone);
    uint32_t rack = ks_topology_register(ix, "rack");
    CU_ASSERT(!ks_topology_in_sync(ix, c));
    CU_ASSERT_EQUAL(ks_topology_domain(ix, c, rack, 1), KS_TOPO_UNKNOWN);
    CU_ASSERT_EQUAL(ks_topology_sync(ix, c), 1);
    CU_ASSERT(ks_topology_in_sync(ix, c));
    CU_ASSERT_EQUAL(ks_topology_epoch(ix, zone), epoch);
    CU_ASSERT_STRING_EQUAL(value_of(ix, rack, 1), "r2");
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

/* Another cluster: the index starts over (ids of values it knows stay). */
static void test_another_cluster(void)
{
    ks_cluster *a = ks_cluster_create(), *b = ks_cluster_create();
    add_node(a, "a0", "zone=z1");
    add_node(a, "a1", "zone=z2");
    add_node(b, "b0", "zone=z2");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    ks_topology_sync(ix, a);
    int32_t z2 = ks_topology_domain_find(ix, zone, "z2");
    uint64_t epoch = ks_topology_epoch(ix, zone);
    CU_ASSERT(!ks_topology_in_sync(ix, b));
    CU_ASSERT_EQUAL(ks_topology_sync(ix, b), 1);
    CU_ASSERT_NOT_EQUAL(ks_topology_epoch(ix, zone), epoch);
    CU_ASSERT_EQUAL(ks_topology_nnodes(ix), 1);
    CU_ASSERT_EQUAL(ks_topology_nodes(ix, zone)[0], z2);
    CU_ASSERT_EQUAL(ks_topology_domain_nodes(ix, zone, z2), 1);
    CU_ASSERT_EQUAL(
        ks_topology_domain_nodes(ix, zone,
                                 ks_topology_domain_find(ix, zone, "z1")),
        0);
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(a);
    ks_cluster_destroy(b);
}

/* Views read the arrays while nothing moved, and fall back to the labels
 * once something did. */
static void test_views(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1");
    add_node(c, "b", "zone=z2");
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    ks_topology_view early = ks_topology_view_of(ix, zone); /* unfilled */
    CU_ASSERT_PTR_NULL(early.dom);
    ks_topology_sync(ix, c);
    ks_topology_view v = ks_topology_view_of(ix, zone);
    int32_t z1 = ks_topology_domain_find(ix, zone, "z1");
    int32_t z2 = ks_topology_domain_find(ix, zone, "z2");
    CU_ASSERT_EQUAL(ks_topology_view_domain(&v, ix, c, zone, 0), z1);
    CU_ASSERT_EQUAL(ks_topology_view_domain(&early, ix, c, zone, 1), z2);
    set_labels(c, 0, "zone=z2");
    CU_ASSERT_EQUAL(ks_topology_view_domain(&v, ix, c, zone, 0), z2);
    ks_topology_sync(ix, c);
    CU_ASSERT_EQUAL(ks_topology_view_domain(&v, ix, c, zone, 0), z2);
    add_node(c, "c", "zone=z3");
    CU_ASSERT_EQUAL(ks_topology_view_domain(&v, ix, c, zone, 2),
                    KS_TOPO_UNKNOWN);
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

/* Per-domain sums follow node counts while the index is in sync, and go
 * stale (to be rebuilt) when domains may have moved. */
static void test_domain_sums(void)
{
    ks_cluster *c = ks_cluster_create();
    add_node(c, "a", "zone=z1");
    add_node(c, "b", "zone=z2");
    add_node(c, "c", "zone=z1");
    add_node(c, "d", "");
    int64_t count[4] = {2, 1, 3, 5};
    ks_topology_index *ix = ks_topology_index_create();
    uint32_t zone = ks_topology_register(ix, "zone");
    ks_topology_sync(ix, c);
    ks_domain_sums s = {.key = zone};
    CU_ASSERT(!ks_domain_sums_current(ix, &s));
    ks_domain_sums_reset(ix, &s);
    for (size_t n = 0; n < 4; n++)
        ks_domain_sums_add(&s, ks_topology_nodes(ix, zone), n, count[n]);
    CU_ASSERT(ks_domain_sums_current(ix, &s));
    int32_t z1 = ks_topology_domain_find(ix, zone, "z1");
    int32_t z2 = ks_topology_domain_find(ix, zone, "z2");
    CU_ASSERT_EQUAL(s.sum[z1], 5);
    CU_ASSERT_EQUAL(s.sum[z2], 1);
    CU_ASSERT_EQUAL(s.total, 6); /* node d lacks the key */
    ks_domain_sums_follow(ix, c, &s, 1, +2);
    ks_domain_sums_follow(ix, c, &s, 3, +1);
    CU_ASSERT_EQUAL(s.sum[z2], 3);
    CU_ASSERT_EQUAL(s.total, 8);
    set_labels(c, 1, "zone=z1");
    ks_domain_sums_follow(ix, c, &s, 1, -1); /* out of sync: stale */
    CU_ASSERT(!ks_domain_sums_current(ix, &s));
    ks_topology_sync(ix, c);
    CU_ASSERT(!ks_domain_sums_current(ix, &s));
    ks_domain_sums_free(&s);
    /* sums made current go stale when the sync moves a node */
    ks_domain_sums t = {.key = zone};
    ks_domain_sums_reset(ix, &t);
    CU_ASSERT(ks_domain_sums_current(ix, &t));
    set_labels(c, 2, "zone=z2");
    ks_topology_sync(ix, c);
    CU_ASSERT(!ks_domain_sums_current(ix, &t));
    ks_domain_sums_free(&t);
    ks_topology_index_destroy(ix);
    ks_cluster_destroy(c);
}

void ks_suite_topology(void)
{
    static const ks_test_case cases[] = {
        {"keys are stable", test_keys_are_stable},
        {"domains and ids", test_domains_and_ids},
        {"refresh on version change", test_refresh_on_version_change},
        {"nodes added later", test_nodes_added_later},
        {"label removed", test_label_removed},
        {"key registered later", test_key_registered_later},
        {"another cluster", test_another_cluster},
        {"views", test_views},
        {"domain sums", test_domain_sums},
        {NULL, NULL},
    };
    ks_test_add_suite("sim/topology", cases);
}
