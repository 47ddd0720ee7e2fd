/* imagelocality.h - the ImageLocality plugin (Score, no normalization).
 *
 * Re-implements pkg/scheduler/framework/plugins/imagelocality/
 * image_locality.go (Kubernetes; formula unchanged since v1.27, read at
 * commit 65faa9c6800d):
 *   sum = for each of the pod's images (init containers, then regular
 *         ones) present on the node:
 *           int64(float64(size) *
 *                 (float64(numNodesWithImage) / float64(totalNodes)))
 *         where numNodesWithImage counts the nodes of the whole cluster
 *         listing that name and totalNodes is every node of the cluster;
 *   score = 100 * (clamp(sum, 23 MiB, 1000 MiB * ncontainers) - 23 MiB)
 *           / (1000 MiB * ncontainers - 23 MiB)   (integer division).
 *   Image names are matched after normalization (":latest" when the
 *   reference has no tag), which ks_pod_spec.images already carries.
 *   Default weight 1 (default_plugins.go).
 *
 * State: the instance keeps an image-name -> (size, nodes holding it) map
 * of the cluster, built once on first use (the cluster's node set and
 * images do not change during a run yet; ks_imagelocality_forget drops it
 * when they do), and, per cycle (PreScore), the pod's images resolved
 * against that map.  Score is then a few binary searches per node.
 */
#ifndef KS_IMAGELOCALITY_H
#define KS_IMAGELOCALITY_H

#include "policies/plugin.h"

#define KS_IL_MB ((int64_t)1024 * 1024)
#define KS_IL_MIN_THRESHOLD (23 * KS_IL_MB)
#define KS_IL_MAX_CONTAINER_THRESHOLD (1000 * KS_IL_MB)

extern const ks_plugin ks_plugin_imagelocality;

/* calculatePriority: the score of a node whose present images sum to
 * sum_scores (bytes, already scaled by spread) for a pod with
 * ncontainers containers (init + regular). */
int64_t ks_imagelocality_priority(int64_t sum_scores, size_t ncontainers);

/* scaledImageScore: size * (num_nodes / total_nodes), in float64 and
 * truncated as upstream does. */
int64_t ks_imagelocality_scaled(int64_t size, size_t num_nodes,
                                size_t total_nodes);

/* Drops the instance's image map; the next cycle rebuilds it.  Call after
 * nodes' images change. */
void ks_imagelocality_forget(void *instance);

#endif
