/* gpufrag.h - GPU fragmentation as the FGD paper measures it.
 *
 * Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
 * with Fragmentation Gradient Descent" (USENIX ATC '23), re-implemented
 * from the authors' simulator (hkust-adsl/kubernetes-scheduler-simulator,
 * pkg/utils/frag.go: GetTypicalPods, NodeGpuShareFragAmount, GetNodePodFrag,
 * CanNodeHostPodOnGpuMemory; pkg/type/resource.go: TargetPodList order).
 *
 * Typical pods: the workload's pods grouped by shape (CPU milli, GPU milli
 * per GPU, GPU count, accepted models; memory ignored), most common first,
 * the top shapes kept until they cover threshold_pct percent of the pods,
 * their frequencies p_k renormalized to sum to 1.
 *
 * Fragment of a node N for a typical pod k, with G = the node's idle GPU
 * milli (sum of its GPUs' free milli), in one of frag.go's seven classes:
 *   CPU-only pod (m == 0)                  all of G (XL, or XR if CPU lacks)
 *   node model not accepted by the pod     all of G (no_access)
 *   >= n GPUs with free >= m, CPU enough   the GPUs with free < m (Q3; the
 *                                          rest of G is "satisfied")
 *   otherwise                              all of G (Q1 lack both, Q2 lack
 *                                          GPU, Q4 lack CPU)
 * F_N = sum_k p_k frag_k(N) (every class but Q3), accumulated in frag.go's
 * order (per class in typical-pod order, then the classes in order) so the
 * doubles are the authors' bit for bit.  The cluster's fragmentation is
 * sum_N F_N, its ratio F / sum_N G_N.
 *
 * CPU: a node's CPU left is allocatable - requested with actual requests
 * (the authors' GetNodeResourceViaNodeInfo); a pod's CPU is its non-zero
 * request (their GetPodResource uses GetNonzeroRequests).
 *
 * The tracker keeps F_N per node, stamped with the node's usage version
 * (ks_node.version), and the cluster sums, so a placement updates the
 * totals in O(one node).  Sums are kept in fixed point (F_N rounded to
 * 1e-6 milli) so that incremental updates equal a full recomputation
 * exactly, whatever the order.
 *
 * Ownership: a workload owns its arrays; a tracker borrows its workload
 * (which must outlive it) and owns its per-node arrays.  One tracker
 * follows one cluster.
 */
#ifndef KS_GPUFRAG_H
#define KS_GPUFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "sim/cluster.h"
#include "sim/error.h"

/* podPopularityThreshold of the FGD experiment's configuration. */
#define KS_FRAG_TYPICAL_THRESHOLD_PCT 95

/* A pod's shape as the measure sees it (frag.go's PodResource). */
typedef struct ks_frag_pod {
    int64_t cpu;         /* milli CPU (the non-zero request) */
    uint16_t gpu_milli;  /* per GPU, 0..KS_GPU_MILLI; 0 = CPU-only */
    uint8_t gpu_count;   /* 0 = CPU-only */
    uint64_t gpu_models; /* accepted model ids (sim/gpu.h bits); 0 = any */
} ks_frag_pod;

/* One typical pod. */
typedef struct ks_frag_typical {
    ks_frag_pod pod;
    size_t count; /* pods of the workload with this shape */
    double p;     /* renormalized frequency; the p of all typical pods sum
                     to 1 (up to rounding) */
} ks_frag_typical;

/* frag.go's classes, in its order (FragRatioDataMap). */
typedef enum ks_frag_class {
    KS_FRAG_Q1_LACK_BOTH = 0,
    KS_FRAG_Q2_LACK_GPU,
    KS_FRAG_Q3_SATISFIED,
    KS_FRAG_Q4_LACK_CPU,
    KS_FRAG_XL_SATISFIED,
    KS_FRAG_XR_LACK_CPU,
    KS_FRAG_NO_ACCESS,
    KS_FRAG_NCLASSES
} ks_frag_class;

/* "q1_lack_both", ... as the authors print them. */
const char *ks_frag_class_name(ks_frag_class c);

typedef struct ks_frag_workload ks_frag_workload;

/* The typical pods of the n pods given (the original workload, before any
 * cloning), keeping the most common shapes until they cover at least
 * threshold_pct (1..100) percent of the pods.  Order: count descending,
 * ties by (cpu, gpu_milli, gpu_count, gpu_models) descending, as
 * sort.Reverse of the authors' TargetPodList.Less (which compares the
 * model constraint as a string; here as the bit set, the only
 * difference).  A shape with gpu_count 0 or gpu_milli 0 is CPU-only (both
 * set to 0).  n may be 0 (no typical pod: every fragment is 0).  Returns 0
 * and *out, or KS_EINVAL (threshold out of range, gpu_milli above
 * KS_GPU_MILLI, gpu_count above KS_MAX_NODE_GPUS, negative CPU). */
int ks_frag_workload_create(const ks_frag_pod *pods, size_t n,
                            int threshold_pct, ks_frag_workload **out,
                            ks_error *err);
void ks_frag_workload_destroy(ks_frag_workload *w); /* accepts NULL */

/* The typical pods, most common first (*n receives their number). */
const ks_frag_typical *ks_frag_workload_typical(const ks_frag_workload *w,
                                                size_t *n);
/* Distinct shapes in the workload, pods in it, pods the typical ones
 * cover. */
size_t ks_frag_workload_shapes(const ks_frag_workload *w);
size_t ks_frag_workload_pods(const ks_frag_workload *w);
size_t ks_frag_workload_covered(const ks_frag_workload *w);

/* F_N of a node state: cpu_left milli CPU left, free[0..gpu_count) the
 * free milli of its GPUs (any order), model its GPU model id (0: none). */
double ks_frag_node(const ks_frag_workload *w, int64_t cpu_left,
                    const uint16_t *free, unsigned gpu_count, int model);

/* The same split by class: out[c] is the amount in class c (out[Q3] is
 * the satisfied part, not fragment); returns F_N. */
double ks_frag_node_classes(const ks_frag_workload *w, int64_t cpu_left,
                            const uint16_t *free, unsigned gpu_count,
                            int model, double out[KS_FRAG_NCLASSES]);

/* F_N of node i of c in its current state. */
double ks_frag_cluster_node(const ks_frag_workload *w, const ks_cluster *c,
                            uint32_t node);

/* The measure's view of a pod (its non-zero CPU request and GPU ask). */
ks_frag_pod ks_frag_pod_of(const ks_pod *pod);

/* ---- the tracker: per-node F_N and cluster totals ----------------------- */

typedef struct ks_frag_tracker ks_frag_tracker;

/* A tracker of w (borrowed) with nothing counted yet: call
 * ks_frag_tracker_sync once the cluster's nodes exist. */
ks_frag_tracker *ks_frag_tracker_create(const ks_frag_workload *w);
void ks_frag_tracker_destroy(ks_frag_tracker *t); /* accepts NULL */

/* Brings node's F_N and G_N up to date (a no-op when its usage version is
 * the one counted) and the totals with them: call after any change on the
 * node (a bind, a completion, an eviction).  Nodes added since the last
 * call are counted when first named or synced. */
void ks_frag_tracker_update(ks_frag_tracker *t, const ks_cluster *c,
                            uint32_t node);
/* ks_frag_tracker_update on every node: O(nodes) version checks, work only
 * on nodes that changed. */
void ks_frag_tracker_sync(ks_frag_tracker *t, const ks_cluster *c);

/* The counted F_N of node (refreshed first when stale). */
double ks_frag_tracker_node(ks_frag_tracker *t, const ks_cluster *c,
                            uint32_t node);

/* Cluster totals over the counted nodes: fragment (milli GPU), idle GPU
 * milli, and fragment / idle (0 when nothing is idle). */
double ks_frag_tracker_amount(const ks_frag_tracker *t);
int64_t ks_frag_tracker_idle(const ks_frag_tracker *t);
double ks_frag_tracker_ratio(const ks_frag_tracker *t);

#endif
