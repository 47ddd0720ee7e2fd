/* score_memo.h - per-node memo of a score plugin's results.
 *
 * A resource score (NodeResourcesFit, NodeResourcesBalancedAllocation)
 * depends only on the node's usage and allocatable and on a few numbers of
 * the pod (its requests and the weights that apply).  Successive pods often
 * carry the same numbers (replicas of one template), and between two
 * cycles only the nodes that gained or lost a pod change, so most of a
 * cycle's scores were already computed in an earlier cycle.  The memo keeps
 * one entry per node stamped with the node's usage version (ks_node.version,
 * bumped by the cluster whenever its requests change) and the memo's
 * generation, which moves on whenever the pod's numbers (the key) differ
 * from the previous pod's.  An entry is used only when both stamps match, so
 * a memoized score is exactly the score the plugin would compute.
 *
 * Ownership: the memo lives inside a plugin instance; ks_score_memo_free
 * releases its entries.
 */
#ifndef KS_SCORE_MEMO_H
#define KS_SCORE_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "sim/cluster.h"

/* Enough for two values per resource and a few more. */
#define KS_SCORE_MEMO_KEY_MAX (2 * KS_RES_COUNT + 4)

typedef struct ks_score_memo_entry {
    uint64_t gen;
    uint64_t version;
    int64_t score;
} ks_score_memo_entry;

typedef struct ks_score_memo {
    uint64_t gen; /* 0: nothing memoized yet */
    int64_t key[KS_SCORE_MEMO_KEY_MAX];
    size_t nkey;
    ks_score_memo_entry *e;
    size_t cap;
} ks_score_memo;

/* Starts scoring a pod whose score inputs are key[0..nkey) (nkey at most
 * KS_SCORE_MEMO_KEY_MAX) on a cluster of nnodes nodes: a new generation
 * unless the key equals the previous pod's. */
void ks_score_memo_begin(ks_score_memo *m, const int64_t *key, size_t nkey,
                         size_t nnodes);

/* The memoized score of the node at index i of c, if current. */
static inline int ks_score_memo_get(const ks_score_memo *m,
                                    const ks_cluster *c, const ks_node *node,
                                    int64_t *score)
{
    size_t i = (size_t)(node - c->nodes);
    if (m->gen == 0 || node < c->nodes || i >= m->cap)
        return 0;
    const ks_score_memo_entry *e = &m->e[i];
    if (e->gen != m->gen || e->version != node->version)
        return 0;
    *score = e->score;
    return 1;
}

static inline void ks_score_memo_put(ks_score_memo *m, const ks_cluster *c,
                                     const ks_node *node, int64_t score)
{
    size_t i = (size_t)(node - c->nodes);
    if (m->gen == 0 || node < c->nodes || i >= m->cap)
        return;
    m->e[i] = (ks_score_memo_entry){m->gen, node->version, score};
}

void ks_score_memo_free(ks_score_memo *m);

#endif
