/* test_workqueue.c - client-go workqueue semantics: dedup, processing,
 * FIFO, delays and DefaultControllerRateLimiter. */
#include "sim/workqueue.h"
#include "tests/test_util.h"

static void test_dedup_fifo_processing(void)
{
    ks_workqueue *q = ks_workqueue_create(NULL);
    ks_workqueue_add(q, 3);
    ks_workqueue_add(q, 1);
    ks_workqueue_add(q, 3); /* already queued */
    CU_ASSERT_EQUAL(ks_workqueue_len(q), 2);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 0), 3);
    /* Added while processing: not handed out twice, requeued on done. */
    ks_workqueue_add(q, 3);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 0), 1);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 0), 0);
    ks_workqueue_done(q, 3);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 0), 3);
    ks_workqueue_done(q, 3);
    ks_workqueue_done(q, 1);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 0), 0);
    ks_workqueue_destroy(q);
}

/* ItemExponentialFailureRateLimiter(5ms, 1000s): 5, 10, 20, 40 ms ...;
 * Forget resets. */
static void test_item_backoff(void)
{
    ks_workqueue_config cfg = ks_workqueue_default_config();
    ks_workqueue *q = ks_workqueue_create(&cfg);
    ks_time want[] = {5, 10, 20, 40, 80};
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(ks_workqueue_add_rate_limited(q, 9, 0),
                        want[i] * KS_MILLISECOND);
    CU_ASSERT_EQUAL(ks_workqueue_retries(q, 9), 5);
    CU_ASSERT_EQUAL(ks_workqueue_next_ready(q), 5 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 4 * KS_MILLISECOND), 0);
    CU_ASSERT_EQUAL(ks_workqueue_get(q, 5 * KS_MILLISECOND), 9);
    ks_workqueue_done(q, 9);
    ks_workqueue_forget(q, 9);
    CU_ASSERT_EQUAL(ks_workqueue_add_rate_limited(q, 9, KS_SECOND),
                    KS_SECOND + 5 * KS_MILLISECOND);
    /* The cap: 1000 s. */
    for (int i = 0; i < 40; i++)
        ks_workqueue_add_rate_limited(q, 10, 0);
    CU_ASSERT_EQUAL(ks_workqueue_add_rate_limited(q, 10, 0),
                    1000 * KS_SECOND);
    ks_workqueue_destroy(q);
}

/* The overall bucket (10 qps, burst 100): the 101st rate-limited add in
 * an instant waits 100 ms, the 102nd 200 ms. */
static void test_bucket(void)
{
    ks_workqueue *q = ks_workqueue_create(NULL);
    for (uint64_t k = 1; k <= 100; k++)
        CU_ASSERT_EQUAL(ks_workqueue_add_rate_limited(q, k, 0),
                        5 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(ks_workqueue_add_rate_limited(q, 101, 0),
                    100 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(ks_workqueue_add_rate_limited(q, 102, 0),
                    200 * KS_MILLISECOND);
    ks_workqueue_destroy(q);
}

void ks_suite_workqueue(void)
{
    static const ks_test_case cases[] = {
        {"dedup, FIFO, processing", test_dedup_fifo_processing},
        {"per-key exponential backoff", test_item_backoff},
        {"overall token bucket", test_bucket},
        {NULL, NULL}};
    ks_test_add_suite("sim/workqueue", cases);
}
