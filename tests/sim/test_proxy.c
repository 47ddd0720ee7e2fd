/* test_proxy.c - kube-proxy: minSyncPeriod, REJECT, iptables uniformity,
 * IPVS rr / lc / sh. */
#include <gsl/gsl_rng.h>

#include "sim/proxy.h"
#include "tests/test_util.h"

static void test_sync_timing_and_reject(void)
{
    ks_proxy_config cfg = {KS_PROXY_IPTABLES, 0};
    ks_proxy *p = ks_proxy_create(&cfg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    /* No endpoints: REJECT (connection refused at once). */
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, r, 0), KS_PROXY_REJECT);
    uint32_t a[] = {7, 8};
    CU_ASSERT_EQUAL(ks_proxy_update(p, 0, a, 2, 0), 0);
    CU_ASSERT_EQUAL(ks_proxy_programmed(p, 0, 0), 2);
    /* A change 300 ms later waits for minSyncPeriod (1 s). */
    uint32_t b[] = {8};
    CU_ASSERT_EQUAL(ks_proxy_update(p, 0, b, 1,
                                    300 * KS_MILLISECOND),
                    KS_SECOND);
    CU_ASSERT_EQUAL(ks_proxy_programmed(p, 0, 500 * KS_MILLISECOND), 2);
    /* Another change before that sync: the same sync programs it. */
    uint32_t c[] = {8, 9, 10};
    CU_ASSERT_EQUAL(ks_proxy_update(p, 0, c, 3, 600 * KS_MILLISECOND),
                    KS_SECOND);
    CU_ASSERT_EQUAL(ks_proxy_programmed(p, 0, KS_SECOND), 3);
    /* Long after: at once. */
    CU_ASSERT_EQUAL(ks_proxy_update(p, 0, NULL, 0, 10 * KS_SECOND),
                    10 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 10 * KS_SECOND, r, 0),
                    KS_PROXY_REJECT);
    gsl_rng_free(r);
    ks_proxy_destroy(p);
}

/* proxier.go writeServiceToEndpointRules: 1/(n-i) per rule is uniform. */
static void test_iptables_uniform(void)
{
    ks_proxy_config cfg = {KS_PROXY_IPTABLES, 0};
    ks_proxy *p = ks_proxy_create(&cfg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    uint32_t eps[] = {0, 1, 2, 3};
    ks_proxy_update(p, 3, eps, 4, 0);
    int hits[4] = {0};
    for (int i = 0; i < 40000; i++)
        hits[ks_proxy_pick(p, 3, KS_SECOND, r, 0)]++;
    for (int i = 0; i < 4; i++)
        CU_ASSERT(hits[i] > 9600 && hits[i] < 10400); /* 10000 +- 4 sd */
    gsl_rng_free(r);
    ks_proxy_destroy(p);
}

static void test_ipvs(void)
{
    uint32_t eps[] = {10, 11, 12};
    ks_proxy_config rr = {KS_PROXY_IPVS_RR, 0};
    ks_proxy *p = ks_proxy_create(&rr);
    ks_proxy_update(p, 0, eps, 3, 0);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 10);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 11);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 12);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 10);
    ks_proxy_destroy(p);
    ks_proxy_config lc = {KS_PROXY_IPVS_LC, 0};
    p = ks_proxy_create(&lc);
    ks_proxy_update(p, 0, eps, 3, 0);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 10);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 11);
    ks_proxy_release(p, 0, 10);
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 10); /* 0 active */
    CU_ASSERT_EQUAL(ks_proxy_pick(p, 0, 0, NULL, 0), 12);
    ks_proxy_destroy(p);
    ks_proxy_config sh = {KS_PROXY_IPVS_SH, 0};
    p = ks_proxy_create(&sh);
    ks_proxy_update(p, 0, eps, 3, 0);
    uint32_t first = ks_proxy_pick(p, 0, 0, NULL, 42);
    int same = 1;
    for (int i = 0; i < 10; i++)
        same &= ks_proxy_pick(p, 0, 0, NULL, 42) == first;
    CU_ASSERT_TRUE(same);
    int spread = 0;
    for (uint64_t c = 0; c < 50; c++)
        spread |= ks_proxy_pick(p, 0, 0, NULL, c) != first;
    CU_ASSERT_TRUE(spread);
    ks_proxy_destroy(p);
}

void ks_suite_proxy(void)
{
    static const ks_test_case cases[] = {
        {"minSyncPeriod and REJECT", test_sync_timing_and_reject},
        {"iptables: uniform", test_iptables_uniform},
        {"IPVS rr, lc, sh", test_ipvs},
        {NULL, NULL}};
    ks_test_add_suite("sim/proxy", cases);
}
