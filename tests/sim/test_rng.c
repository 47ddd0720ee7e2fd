/* test_rng.c - named streams: reproducible and independent of each other. */
#include "sim/rng.h"
#include "tests/test_util.h"

static void test_reproducible(void)
{
    ks_rngs *a = ks_rngs_create(42), *b = ks_rngs_create(42);
    gsl_rng *ra = ks_rngs_stream(a, "arrivals");
    gsl_rng *rb = ks_rngs_stream(b, "arrivals");
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= gsl_rng_get(ra) == gsl_rng_get(rb);
    CU_ASSERT(same);
    CU_ASSERT_PTR_EQUAL(ks_rngs_stream(a, "arrivals"), ra); /* cached */
    ks_rngs_destroy(a);
    ks_rngs_destroy(b);
    ks_rngs_destroy(NULL);
}

/* Drawing from one stream does not change what another stream gives. */
static void test_independent(void)
{
    ks_rngs *a = ks_rngs_create(7), *b = ks_rngs_create(7);
    gsl_rng *noisy = ks_rngs_stream(a, "tiebreak");
    for (int i = 0; i < 12345; i++)
        gsl_rng_get(noisy);
    gsl_rng *wa = ks_rngs_stream(a, "durations");
    gsl_rng *wb = ks_rngs_stream(b, "durations"); /* b never drew tiebreak */
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= gsl_rng_get(wa) == gsl_rng_get(wb);
    CU_ASSERT(same);
    ks_rngs_destroy(a);
    ks_rngs_destroy(b);
}

/* Streams are created on first use: the creation order must not matter. */
static void test_creation_order(void)
{
    ks_rngs *a = ks_rngs_create(3), *b = ks_rngs_create(3);
    gsl_rng *a1 = ks_rngs_stream(a, "x"), *a2 = ks_rngs_stream(a, "y");
    gsl_rng *b2 = ks_rngs_stream(b, "y"), *b1 = ks_rngs_stream(b, "x");
    CU_ASSERT_EQUAL(gsl_rng_get(a1), gsl_rng_get(b1));
    CU_ASSERT_EQUAL(gsl_rng_get(a2), gsl_rng_get(b2));
    ks_rngs_destroy(a);
    ks_rngs_destroy(b);
}

static void test_seeds_differ(void)
{
    CU_ASSERT_NOT_EQUAL(ks_rng_stream_seed(1, "a"), ks_rng_stream_seed(1, "b"));
    CU_ASSERT_NOT_EQUAL(ks_rng_stream_seed(1, "a"), ks_rng_stream_seed(2, "a"));
    CU_ASSERT_EQUAL(ks_rng_stream_seed(9, "arrivals"),
                    ks_rng_stream_seed(9, "arrivals"));
    ks_rngs *a = ks_rngs_create(1), *b = ks_rngs_create(2);
    CU_ASSERT_NOT_EQUAL(gsl_rng_get(ks_rngs_stream(a, "s")),
                        gsl_rng_get(ks_rngs_stream(b, "s")));
    CU_ASSERT_NOT_EQUAL(gsl_rng_get(ks_rngs_stream(a, "s1")),
                        gsl_rng_get(ks_rngs_stream(a, "s2")));
    ks_rngs_destroy(a);
    ks_rngs_destroy(b);
}

void ks_suite_rng(void)
{
    static const ks_test_case cases[] = {
        {"same seed and name, same numbers", test_reproducible},
        {"streams are independent", test_independent},
        {"creation order does not matter", test_creation_order},
        {"seeds and names give different streams", test_seeds_differ},
        {NULL, NULL},
    };
    ks_test_add_suite("sim/rng", cases);
}
