/* test_gpu_alloc.c - binning GPU allocation by arrived demand. */
#include <math.h>

#include "analysis/gpu_alloc.h"
#include "tests/test_util.h"

/* Capacity 10 GPUs (10000 milli): each 100 milli of demand is 1 %. */
static void test_bins_and_means(void)
{
    ks_gpu_alloc g;
    ks_gpu_alloc_init(&g, 10000);
    /* 1000 milli arrived: bin 10; used 1000 (10 %), frag 500 (5 %),
     * idle 9000 -> ratio 5.555...%. */
    ks_gpu_alloc_event(&g, 1000, 1000, 500, 9000);
    /* +40: 1040 milli -> 10.4 % rounds to bin 10. */
    ks_gpu_alloc_event(&g, 40, 1040, 0, 8960);
    /* A dropped pod: demand counts, nothing allocated: 2040 -> bin 20. */
    ks_gpu_alloc_event(&g, 1000, 1040, 0, 8960);
    ks_gpu_alloc_row rows[KS_GPU_ALLOC_MAX_PCT + 1];
    ks_gpu_alloc_rows(&g, rows);
    CU_ASSERT_EQUAL(rows[10].arrived_pct, 10);
    CU_ASSERT_EQUAL(rows[10].events, 2);
    CU_ASSERT_DOUBLE_EQUAL(rows[10].alloc_pct, (10.0 + 10.4) / 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(rows[10].frag_pct, 2.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(rows[10].frag_ratio_pct, 100.0 * 500 / 9000 / 2,
                           1e-12);
    CU_ASSERT_EQUAL(rows[20].events, 1);
    CU_ASSERT_DOUBLE_EQUAL(rows[20].alloc_pct, 10.4, 1e-12);
    /* Bin 11 has no event: the mean of bins 10..12's events. */
    CU_ASSERT_EQUAL(rows[11].events, 0);
    CU_ASSERT_DOUBLE_EQUAL(rows[11].alloc_pct, (10.0 + 10.4) / 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(rows[21].alloc_pct, 10.4, 1e-12);
    /* Far from any event: NaN. */
    CU_ASSERT_TRUE(isnan(rows[50].alloc_pct));
    CU_ASSERT_EQUAL(rows[KS_GPU_ALLOC_MAX_PCT].arrived_pct, 130);
}

/* Beyond 130 % nothing is binned; CPU-only pods add no demand. */
static void test_range(void)
{
    ks_gpu_alloc g;
    ks_gpu_alloc_init(&g, 1000);
    ks_gpu_alloc_event(&g, 0, 0, 0, 1000); /* a CPU-only pod: bin 0 */
    ks_gpu_alloc_event(&g, 1400, 1000, 0, 0); /* 140 %: outside */
    ks_gpu_alloc_row rows[KS_GPU_ALLOC_MAX_PCT + 1];
    ks_gpu_alloc_rows(&g, rows);
    CU_ASSERT_EQUAL(rows[0].events, 1);
    CU_ASSERT_DOUBLE_EQUAL(rows[0].alloc_pct, 0, 1e-12);
    int64_t total = 0;
    for (int k = 0; k <= KS_GPU_ALLOC_MAX_PCT; k++)
        total += rows[k].events;
    CU_ASSERT_EQUAL(total, 1);
}

void ks_suite_gpu_alloc(void)
{
    static const ks_test_case cases[] = {
        {"bins, means and neighbours", test_bins_and_means},
        {"range 0..130 %", test_range},
        {NULL, NULL}};
    ks_test_add_suite("analysis/gpu_alloc", cases);
}
