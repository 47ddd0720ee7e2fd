/* imagelocality.c - ImageLocality: prefer nodes that already hold the
 * pod's images, weighted by how widely each image has spread.
 *
 * Re-implemented from (never copied) upstream Kubernetes:
 *   pkg/scheduler/framework/plugins/imagelocality/image_locality.go
 *     (commit 65faa9c6800d; formula unchanged through v1.36): Score,
 *     calculatePriority, sumImageScores, scaledImageScore;
 *   pkg/scheduler/backend/cache/cache.go addNodeImageStates: the
 *     cluster-wide image state, keyed by every name a node lists, whose
 *     size is the one reported by the first node that registered the name
 *     and whose node count is the number of distinct nodes listing it.
 * Summary in imagelocality.h.
 *
 * Newer trees (the v1.36+ AGENTS.md of the plugin) also count image-volume
 * references (pod.spec.volumes[].image) among the pod's images and in the
 * container count; ks_pod_spec has no image volumes, so only init and
 * regular containers count here.
 */
#include "policies/k8s/imagelocality.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* One image name of the cluster: its size and the sorted indices of the
 * nodes listing it. */
typedef struct il_entry {
    char *name; /* NULL = free slot */
    uint64_t hash;
    int64_t size;
    uint32_t *nodes;
    size_t nnodes;
    size_t cap;
} il_entry;

typedef struct il_instance {
    /* The cluster's image map (open addressing, power-of-two capacity). */
    const ks_cluster *cluster;
    size_t cluster_nodes; /* nnodes when built */
    int built;
    il_entry *slots;
    size_t nslots;
    size_t nentries;
    /* Per cycle: the pod's images resolved (NULL = on no node) and their
     * scaled scores. */
    const ks_pod_spec *spec;
    int ready;
    const il_entry **pod_entries;
    int64_t *pod_scaled;
    size_t pod_cap;
} il_instance;

/* ---- formulas ------------------------------------------------------------ */

/* image_locality.go calculatePriority. */
int64_t ks_imagelocality_priority(int64_t sum_scores, size_t ncontainers)
{
    int64_t max_threshold =
        KS_IL_MAX_CONTAINER_THRESHOLD * (int64_t)ncontainers;
    if (sum_scores < KS_IL_MIN_THRESHOLD)
        sum_scores = KS_IL_MIN_THRESHOLD;
    else if (sum_scores > max_threshold)
        sum_scores = max_threshold;
    return KS_MAX_NODE_SCORE * (sum_scores - KS_IL_MIN_THRESHOLD) /
           (max_threshold - KS_IL_MIN_THRESHOLD);
}

/* image_locality.go scaledImageScore: the spread ratio first, then the
 * product, both in float64, truncated toward zero. */
int64_t ks_imagelocality_scaled(int64_t size, size_t num_nodes,
                                size_t total_nodes)
{
    double spread = (double)num_nodes / (double)total_nodes;
    return (int64_t)((double)size * spread);
}

/* ---- the cluster's image map -------------------------------------------- */

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static il_entry *find_slot(il_entry *slots, size_t nslots, const char *name,
                           uint64_t h)
{
    size_t mask = nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        il_entry *e = &slots[i];
        if (!e->name || (e->hash == h && strcmp(e->name, name) == 0))
            return e;
    }
}

static void clear_map(il_instance *in)
{
    for (size_t i = 0; i < in->nslots; i++) {
        free(in->slots[i].name);
        free(in->slots[i].nodes);
    }
    free(in->slots);
    in->slots = NULL;
    in->nslots = in->nentries = 0;
    in->built = 0;
    in->ready = 0;
}

static void grow_map(il_instance *in)
{
    size_t n = in->nslots ? in->nslots * 2 : 64;
    il_entry *slots = ks_xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < in->nslots; i++) {
        il_entry *e = &in->slots[i];
        if (e->name)
            *find_slot(slots, n, e->name, e->hash) = *e;
    }
    free(in->slots);
    in->slots = slots;
    in->nslots = n;
}

/* The entry for name, added with size if new (cache.go: the first node to
 * register a name sets its size). */
static il_entry *intern(il_instance *in, const char *name, int64_t size)
{
    if ((in->nentries + 1) * 4 > in->nslots * 3)
        grow_map(in);
    uint64_t h = hash_name(name);
    il_entry *e = find_slot(in->slots, in->nslots, name, h);
    if (!e->name) {
        e->name = ks_xstrdup(name);
        e->hash = h;
        e->size = size;
        in->nentries++;
    }
    return e;
}

/* Nodes are visited in index order, so each list stays sorted; a name a
 * node lists twice counts once (upstream keeps a set of node names). */
static void add_node_to(il_entry *e, uint32_t node)
{
    if (e->nnodes && e->nodes[e->nnodes - 1] == node)
        return;
    if (e->nnodes == e->cap)
        e->nodes = ks_xgrow(e->nodes, &e->cap, e->nnodes + 1, sizeof *e->nodes);
    e->nodes[e->nnodes++] = node;
}

static void build_map(il_instance *in, const ks_cluster *c)
{
    clear_map(in);
    for (size_t n = 0; n < c->nnodes; n++) {
        const ks_node_info *info = &c->node_info[n];
        for (size_t i = 0; i < info->nimages; i++) {
            const ks_node_image *img = &info->images[i];
            for (size_t k = 0; k < img->nnames; k++)
                if (img->names[k])
                    add_node_to(intern(in, img->names[k], img->size_bytes),
                                (uint32_t)n);
        }
    }
    in->cluster = c;
    in->cluster_nodes = c->nnodes;
    in->built = 1;
}

static const il_entry *lookup(const il_instance *in, const char *name)
{
    if (!in->nslots || !name)
        return NULL;
    const il_entry *e =
        find_slot(in->slots, in->nslots, name, hash_name(name));
    return e->name ? e : NULL;
}

static int entry_has_node(const il_entry *e, uint32_t node)
{
    size_t lo = 0, hi = e->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->nodes[mid] < node)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->nnodes && e->nodes[lo] == node;
}

/* ---- per-cycle state ----------------------------------------------------- */

/* Resolves the pod's images against the map (rebuilt first if the cluster
 * is not the one it was built from) and computes each one's scaled score:
 * with the map's size and node count it is the same on every node. */
static void prepare(il_instance *in, const ks_plugin_call *call)
{
    const ks_cluster *c = call->cluster;
    if (!in->built || in->cluster != c || in->cluster_nodes != c->nnodes)
        build_map(in, c);
    const ks_pod_spec *spec = call->pod->spec;
    size_t n = spec ? spec->nimages : 0;
    if (n > in->pod_cap) {
        size_t cap = in->pod_cap;
        in->pod_entries =
            ks_xgrow(in->pod_entries, &cap, n, sizeof *in->pod_entries);
        in->pod_scaled = ks_xrealloc(in->pod_scaled, cap * sizeof(int64_t));
        in->pod_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        const il_entry *e = lookup(in, spec->images[i]);
        in->pod_entries[i] = e;
        in->pod_scaled[i] =
            e ? ks_imagelocality_scaled(e->size, e->nnodes, c->nnodes) : 0;
    }
    in->spec = spec;
    in->ready = 1;
}

static int stale(const il_instance *in, const ks_plugin_call *call)
{
    return !in->ready || in->spec != call->pod->spec || !in->built ||
           in->cluster != call->cluster ||
           in->cluster_nodes != call->cluster->nnodes;
}

/* ---- extension points ---------------------------------------------------- */

static void *il_create(const void *args)
{
    (void)args;
    return ks_xcalloc(1, sizeof(il_instance));
}

static void il_destroy(void *instance)
{
    il_instance *in = instance;
    if (!in)
        return;
    clear_map(in);
    free(in->pod_entries);
    free(in->pod_scaled);
    free(in);
}

void ks_imagelocality_forget(void *instance)
{
    if (instance)
        clear_map(instance);
}

/* Not an upstream extension point of this plugin: it only prepares the
 * cycle's state, and never skips. */
static ks_status il_pre_score(const ks_plugin_call *call, const uint32_t *nodes,
                              size_t n)
{
    (void)nodes;
    (void)n;
    if (call->instance)
        prepare(call->instance, call);
    return ks_status_ok();
}

/* image_locality.go Score: sumImageScores over init then regular
 * containers, then calculatePriority with their count.  Needs the
 * instance (the scheduler always makes one). */
static int64_t il_score(const ks_plugin_call *call, const ks_node *node)
{
    il_instance *in = call->instance;
    const ks_pod_spec *spec = call->pod->spec;
    if (!in)
        return 0;
    if (stale(in, call))
        prepare(in, call);
    uint32_t idx = (uint32_t)(node - call->cluster->nodes);
    int64_t sum = 0;
    size_t n = spec ? spec->nimages : 0;
    for (size_t i = 0; i < n; i++)
        if (in->pod_entries[i] && entry_has_node(in->pod_entries[i], idx))
            sum += in->pod_scaled[i];
    return ks_imagelocality_priority(sum, spec ? spec->ncontainers : 0);
}

const ks_plugin ks_plugin_imagelocality = {
    .name = "ImageLocality",
    .create = il_create,
    .destroy = il_destroy,
    .pre_score = il_pre_score,
    .score = il_score,
    .default_args = NULL,
    .default_weight = 1,
};
