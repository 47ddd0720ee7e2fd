/* gpu.h - GPUs on nodes, shared or whole, as the GPU-sharing traces use.
 *
 * A node has gpu_count GPUs of one model; each GPU has KS_GPU_MILLI
 * "milli-GPU" of capacity (the Alibaba openb traces' unit).  A pod asks for
 * gpu_count GPUs with gpu_milli on each: a sharing pod asks for one GPU and
 * less than KS_GPU_MILLI of it, a whole-GPU pod for n GPUs and all of each.
 * It may restrict the GPU models it accepts (a bit set of model ids).
 * Which GPUs of its node a pod uses is decided when it is placed (a Reserve
 * plugin's choice, or the default best fit below) and kept in the pod's
 * gpu_mask; binding takes its milli from those GPUs and completion gives
 * them back (sim/cluster.c).
 *
 * Models are named ("V100M32", "T4", ...) and registered on first use in a
 * process-wide table, like resource names: ids 1..KS_MAX_GPU_MODELS, 0 for
 * no model (a CPU-only node).
 */
#ifndef KS_GPU_H
#define KS_GPU_H

#include <stddef.h>
#include <stdint.h>

#define KS_GPU_MILLI 1000
#define KS_MAX_NODE_GPUS 32
#define KS_MAX_GPU_MODELS 63

/* The id of model name (registered on first use); 0 for "" or NULL; -1
 * when the table is full. */
int ks_gpu_model_intern(const char *name);
/* The name of model id ("" for 0 or an unknown id). */
const char *ks_gpu_model_name(int id);
/* The bit set of the models in a '|'-separated list ("V100M16|V100M32"),
 * registering them; 0 (any model) for an empty list.  -1 in *bad when a
 * model cannot be registered. */
uint64_t ks_gpu_models_mask(const char *list, int *bad);

#define KS_GPU_MODEL_BIT(id) (UINT64_C(1) << (id))

struct ks_cluster;
struct ks_pod;

/* The free milli of each GPU of node (gpu_count entries). */
const uint16_t *ks_gpu_free(const struct ks_cluster *c, uint32_t node);

/* Whether node's model is one the pod accepts (any model when the pod
 * names none; a node without GPUs has no model). */
int ks_gpu_model_allowed(const struct ks_cluster *c, uint32_t node,
                         const struct ks_pod *pod);

/* Whether the pod's GPU request can be placed on node: the model is
 * allowed and at least gpu_count GPUs have gpu_milli free (whole GPUs:
 * fully free).  A pod without GPUs always fits. */
int ks_gpu_fits(const struct ks_cluster *c, uint32_t node,
                const struct ks_pod *pod);

/* The default GPU choice ("best fit", as the FGD paper's simulator picks
 * for most policies): a sharing pod takes the GPU with the least free milli
 * that still fits, the lowest index on ties; a whole-GPU pod takes the
 * lowest-index fully free GPUs.  Returns the bit set of GPU indices, 0 when
 * it does not fit (or the pod asks for no GPU). */
uint32_t ks_gpu_select_best(const struct ks_cluster *c, uint32_t node,
                            const struct ks_pod *pod);

/* Whether mask is a valid choice for the pod on node: exactly gpu_count
 * GPUs that exist and have gpu_milli free each. */
int ks_gpu_choice_valid(const struct ks_cluster *c, uint32_t node,
                        const struct ks_pod *pod, uint32_t mask);

/* A sharing pod: one GPU and less than all of it. */
static inline int ks_gpu_is_sharing(uint8_t gpu_count, uint16_t gpu_milli)
{
    return gpu_count == 1 && gpu_milli < KS_GPU_MILLI;
}

#endif
