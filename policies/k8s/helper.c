/* helper.c - DefaultNormalizeScore and the broken-linear shape function. */
#include "policies/k8s/helper.h"

void ks_default_normalize_score(int64_t max_priority, int reverse,
                                int64_t *scores, size_t n)
{
    int64_t max_count = 0;
    for (size_t i = 0; i < n; i++)
        if (scores[i] > max_count)
            max_count = scores[i];
    if (max_count == 0) {
        if (reverse)
            for (size_t i = 0; i < n; i++)
                scores[i] = max_priority;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t s = max_priority * scores[i] / max_count;
        scores[i] = reverse ? max_priority - s : s;
    }
}

int64_t ks_broken_linear(const ks_shape_point *shape, size_t n, int64_t p)
{
    for (size_t i = 0; i < n; i++) {
        if (p <= shape[i].utilization) {
            if (i == 0)
                return shape[0].score;
            return shape[i - 1].score +
                   (shape[i].score - shape[i - 1].score) *
                       (p - shape[i - 1].utilization) /
                       (shape[i].utilization - shape[i - 1].utilization);
        }
    }
    return shape[n - 1].score;
}
