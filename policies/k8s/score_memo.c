/* score_memo.c - per-node memo of a score plugin's results. */
#include "policies/k8s/score_memo.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

void ks_score_memo_begin(ks_score_memo *m, const int64_t *key, size_t nkey,
                         size_t nnodes)
{
    if (nkey > KS_SCORE_MEMO_KEY_MAX)
        nkey = KS_SCORE_MEMO_KEY_MAX; /* callers stay below: never taken */
    if (nnodes > m->cap) {
        size_t old = m->cap;
        m->e = ks_xgrow(m->e, &m->cap, nnodes, sizeof *m->e);
        memset(m->e + old, 0, (m->cap - old) * sizeof *m->e);
    }
    if (m->gen != 0 && nkey == m->nkey &&
        memcmp(key, m->key, nkey * sizeof *key) == 0)
        return;
    memcpy(m->key, key, nkey * sizeof *key);
    m->nkey = nkey;
    m->gen++;
}

void ks_score_memo_free(ks_score_memo *m)
{
    free(m->e);
    m->e = NULL;
    m->cap = 0;
}
