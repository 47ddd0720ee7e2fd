/* gpu.c - GPU models and the per-GPU fit and default choice.
 *
 * The model table is process-wide and tiny (KS_MAX_GPU_MODELS names),
 * searched linearly when inputs are loaded, never per decision.  Note that
 * model ids therefore depend on the order names are first seen; nothing
 * stored in a dataset uses the ids.
 */
#include "sim/gpu.h"

#include <string.h>

#include "sim/cluster.h"

#define MODEL_NAME_MAX 64

static char models[KS_MAX_GPU_MODELS + 1][MODEL_NAME_MAX];
static int nmodels; /* ids 1..nmodels are taken */

int ks_gpu_model_intern(const char *name)
{
    if (!name || !*name)
        return 0;
    for (int i = 1; i <= nmodels; i++)
        if (strcmp(models[i], name) == 0)
            return i;
    if (nmodels == KS_MAX_GPU_MODELS || strlen(name) >= MODEL_NAME_MAX)
        return -1;
    nmodels++;
    strcpy(models[nmodels], name);
    return nmodels;
}

const char *ks_gpu_model_name(int id)
{
    return id > 0 && id <= nmodels ? models[id] : "";
}

uint64_t ks_gpu_models_mask(const char *list, int *bad)
{
    uint64_t mask = 0;
    *bad = 0;
    while (list && *list) {
        const char *bar = strchr(list, '|');
        size_t len = bar ? (size_t)(bar - list) : strlen(list);
        char name[MODEL_NAME_MAX];
        if (len >= sizeof name) {
            *bad = -1;
            return 0;
        }
        memcpy(name, list, len);
        name[len] = '\0';
        if (len) {
            int id = ks_gpu_model_intern(name);
            if (id < 0) {
                *bad = -1;
                return 0;
            }
            mask |= KS_GPU_MODEL_BIT(id);
        }
        list = bar ? bar + 1 : NULL;
    }
    return mask;
}

const uint16_t *ks_gpu_free(const ks_cluster *c, uint32_t node)
{
    return c->gpu_free ? c->gpu_free + c->nodes[node].gpu_first : NULL;
}

int ks_gpu_model_allowed(const ks_cluster *c, uint32_t node, const ks_pod *pod)
{
    if (pod->gpu_models == 0)
        return 1;
    int model = c->nodes[node].gpu_model;
    return model != 0 && (pod->gpu_models & KS_GPU_MODEL_BIT(model)) != 0;
}

int ks_gpu_fits(const ks_cluster *c, uint32_t node, const ks_pod *pod)
{
    if (pod->gpu_count == 0)
        return 1;
    const ks_node *n = &c->nodes[node];
    if (!ks_gpu_model_allowed(c, node, pod) || n->gpu_count < pod->gpu_count ||
        n->gpu_free_total < (int64_t)pod->gpu_count * pod->gpu_milli)
        return 0;
    const uint16_t *g = ks_gpu_free(c, node);
    unsigned enough = 0;
    for (unsigned i = 0; i < n->gpu_count; i++)
        enough += g[i] >= pod->gpu_milli;
    return enough >= pod->gpu_count;
}

uint32_t ks_gpu_select_best(const ks_cluster *c, uint32_t node,
                            const ks_pod *pod)
{
    if (pod->gpu_count == 0 || !ks_gpu_fits(c, node, pod))
        return 0;
    const ks_node *n = &c->nodes[node];
    const uint16_t *g = ks_gpu_free(c, node);
    if (ks_gpu_is_sharing(pod->gpu_count, pod->gpu_milli)) {
        int best = -1;
        for (unsigned i = 0; i < n->gpu_count; i++)
            if (g[i] >= pod->gpu_milli && (best < 0 || g[i] < g[best]))
                best = (int)i;
        return best < 0 ? 0 : UINT32_C(1) << best;
    }
    uint32_t mask = 0;
    unsigned taken = 0;
    for (unsigned i = 0; i < n->gpu_count && taken < pod->gpu_count; i++)
        if (g[i] >= pod->gpu_milli) {
            mask |= UINT32_C(1) << i;
            taken++;
        }
    return taken == pod->gpu_count ? mask : 0;
}

int ks_gpu_choice_valid(const ks_cluster *c, uint32_t node, const ks_pod *pod,
                        uint32_t mask)
{
    const ks_node *n = &c->nodes[node];
    if (mask == 0 || (n->gpu_count < 32 && (mask >> n->gpu_count) != 0) ||
        (unsigned)__builtin_popcount(mask) != pod->gpu_count ||
        !ks_gpu_model_allowed(c, node, pod))
        return 0;
    const uint16_t *g = ks_gpu_free(c, node);
    for (unsigned i = 0; i < n->gpu_count; i++)
        if ((mask & (UINT32_C(1) << i)) && g[i] < pod->gpu_milli)
            return 0;
    return 1;
}
