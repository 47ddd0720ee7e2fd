/* helper.h - score helpers shared by the upstream plugins.
 *
 * Re-implemented from pkg/scheduler/framework/plugins/helper
 * (normalize_score.go and shape_score.go, Kubernetes v1.36).
 */
#ifndef KS_PLUGIN_HELPER_H
#define KS_PLUGIN_HELPER_H

#include <stddef.h>
#include <stdint.h>

/* DefaultNormalizeScore: m = max(scores); if m == 0, every score becomes
 * max_priority when reverse is set and stays as it is otherwise; else each
 * s becomes max_priority * s / m (integer division), and max_priority - that
 * when reverse is set. */
void ks_default_normalize_score(int64_t max_priority, int reverse,
                                int64_t *scores, size_t n);

/* One point of a broken-linear shape: utilization (0..100) -> score. */
typedef struct ks_shape_point {
    int64_t utilization;
    int64_t score;
} ks_shape_point;

/* BuildBrokenLinearFunction: for the first point with p <= utilization[i],
 * return score[0] if i == 0, else the linear interpolation between points
 * i-1 and i (integer division); past the last point, the last score.
 * The points are sorted by utilization; n >= 1. */
int64_t ks_broken_linear(const ks_shape_point *shape, size_t n, int64_t p);

#endif
