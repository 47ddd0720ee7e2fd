/* test_imagepull.c - image pull policies, serialized and parallel pulls,
 * deduplicated pulls and the cache. */
#include "sim/imagepull.h"
#include "tests/test_util.h"

/* pkg/apis/core/v1/defaults.go: Always for :latest or no tag. */
static void test_default_policy(void)
{
    CU_ASSERT_EQUAL(ks_default_pull_policy("nginx"), KS_PULL_ALWAYS);
    CU_ASSERT_EQUAL(ks_default_pull_policy("nginx:latest"), KS_PULL_ALWAYS);
    CU_ASSERT_EQUAL(ks_default_pull_policy("nginx:1.25"),
                    KS_PULL_IF_NOT_PRESENT);
    CU_ASSERT_EQUAL(ks_default_pull_policy("registry:5000/app"),
                    KS_PULL_ALWAYS);
    CU_ASSERT_EQUAL(ks_default_pull_policy("registry:5000/app:v2"),
                    KS_PULL_IF_NOT_PRESENT);
    CU_ASSERT_EQUAL(ks_default_pull_policy("app@sha256:abcd"),
                    KS_PULL_IF_NOT_PRESENT);
}

/* 100 MB/s and 1 s overhead: a 200 MB image takes 3 s. */
static const ks_pull_config serial = {100e6, KS_SECOND, 0};

static void test_serialized(void)
{
    ks_image_cache *c = ks_image_cache_create(&serial);
    ks_pull_result a = ks_image_cache_request(c, "a:1", 200000000,
                                              KS_PULL_IF_NOT_PRESENT, 0);
    CU_ASSERT_TRUE(a.pulled);
    CU_ASSERT_EQUAL(a.ready, 3 * KS_SECOND);
    /* A second image waits for the first pull. */
    ks_pull_result b = ks_image_cache_request(c, "b:1", 100000000,
                                              KS_PULL_IF_NOT_PRESENT,
                                              KS_SECOND);
    CU_ASSERT_EQUAL(b.started, 3 * KS_SECOND);
    CU_ASSERT_EQUAL(b.ready, 5 * KS_SECOND);
    /* The same image while it is being pulled: shares the pull. */
    ks_pull_result a2 = ks_image_cache_request(c, "a:1", 200000000,
                                               KS_PULL_IF_NOT_PRESENT,
                                               2 * KS_SECOND);
    CU_ASSERT_EQUAL(a2.ready, 3 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_image_cache_count(c, 4 * KS_SECOND), 1);
    /* Cached: IfNotPresent starts at once; Always pulls again. */
    ks_pull_result a3 = ks_image_cache_request(c, "a:1", 200000000,
                                               KS_PULL_IF_NOT_PRESENT,
                                               10 * KS_SECOND);
    CU_ASSERT_FALSE(a3.pulled);
    CU_ASSERT_EQUAL(a3.ready, 10 * KS_SECOND);
    ks_pull_result a4 = ks_image_cache_request(c, "a:1", 200000000,
                                               KS_PULL_ALWAYS,
                                               10 * KS_SECOND);
    CU_ASSERT_TRUE(a4.pulled);
    CU_ASSERT_EQUAL(a4.ready, 13 * KS_SECOND);
    ks_image_cache_destroy(c);
}

static void test_parallel_and_never(void)
{
    ks_pull_config par = serial;
    par.max_parallel = 2;
    ks_image_cache *c = ks_image_cache_create(&par);
    ks_image_cache_add(c, "base:1", 50000000);
    ks_pull_result a = ks_image_cache_request(c, "a:1", 200000000,
                                              KS_PULL_ALWAYS, 0);
    ks_pull_result b = ks_image_cache_request(c, "b:1", 200000000,
                                              KS_PULL_ALWAYS, 0);
    ks_pull_result d = ks_image_cache_request(c, "d:1", 200000000,
                                              KS_PULL_ALWAYS, 0);
    CU_ASSERT_EQUAL(a.ready, 3 * KS_SECOND);
    CU_ASSERT_EQUAL(b.ready, 3 * KS_SECOND); /* a second lane */
    CU_ASSERT_EQUAL(d.started, 3 * KS_SECOND);
    ks_pull_result n = ks_image_cache_request(c, "x:1", 1, KS_PULL_NEVER, 0);
    CU_ASSERT_TRUE(n.error); /* ErrImageNeverPull */
    ks_pull_result m = ks_image_cache_request(c, "base:1", 1, KS_PULL_NEVER,
                                              0);
    CU_ASSERT_FALSE(m.error);
    CU_ASSERT_TRUE(ks_image_cache_has(c, "base:1"));
    ks_image_cache_destroy(c);
}

void ks_suite_imagepull(void)
{
    static const ks_test_case cases[] = {
        {"default pull policy", test_default_policy},
        {"serialized pulls and the cache", test_serialized},
        {"parallel pulls, Never", test_parallel_and_never},
        {NULL, NULL}};
    ks_test_add_suite("sim/imagepull", cases);
}
