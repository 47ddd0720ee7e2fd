/* test_kinds.c - object bodies: a pod template's identity (equality and
 * hash), which controllers use to tell a rollout from a no-op. */
#include <stdlib.h>

#include "sim/kinds.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

static void base(ks_pod_template *t)
{
    *t = (ks_pod_template){0};
    for (int r = 0; r < KS_RES_COUNT; r++)
        t->requests[r] = -1;
    t->requests[KS_RES_CPU] = 100;
    t->image = ks_xstrdup("app:v1");
    t->run_time = KS_TIME_NEVER;
    t->termination_grace_s = 30;
    t->crash_after = KS_TIME_NEVER;
    t->unhealthy_after = KS_TIME_NEVER;
    ks_labels_set(&t->labels, "app", "web");
    ks_labels_set(&t->labels, "pod-template-hash", "abc");
}

/* Each field, changed alone, makes a different template with a different
 * hash; the skipped label does not count. */
static void test_template_identity(void)
{
    ks_pod_template a, b;
    base(&a);
    for (int field = 0; field < 14; field++) {
        base(&b);
        switch (field) {
        case 0: b.requests[KS_RES_MEMORY] = 1; break;
        case 1: free(b.image); b.image = ks_xstrdup("app:v2"); break;
        case 2: b.image_size = 5; break;
        case 3: b.run_time = KS_SECOND; break;
        case 4: b.priority = 7; break;
        case 5: b.termination_grace_s = 5; break;
        case 6: ks_labels_set(&b.labels, "app", "api"); break;
        case 7:
            b.tolerations = ks_xcalloc(1, sizeof *b.tolerations);
            b.ntolerations = 1;
            b.tolerations[0].key = ks_xstrdup("k");
            break;
        case 8: b.restart_policy = KS_RESTART_NEVER; break;
        case 9: b.crashes = 1; break;
        case 10: b.crash_after = KS_SECOND; break;
        case 11: b.liveness = 1; break;
        case 12: b.unhealthy_after = KS_SECOND; break;
        case 13: b.ignores_sigterm = 1; break;
        }
        CU_ASSERT_FALSE(ks_pod_template_equal(&a, &b, "pod-template-hash"));
        CU_ASSERT_NOT_EQUAL(ks_pod_template_hash(&a, "pod-template-hash"),
                            ks_pod_template_hash(&b, "pod-template-hash"));
        ks_pod_template_free(&b);
    }
    base(&b);
    ks_labels_set(&b.labels, "pod-template-hash", "xyz");
    CU_ASSERT_TRUE(ks_pod_template_equal(&a, &b, "pod-template-hash"));
    CU_ASSERT_FALSE(ks_pod_template_equal(&a, &b, NULL));
    CU_ASSERT_EQUAL(ks_pod_template_hash(&a, "pod-template-hash"),
                    ks_pod_template_hash(&b, "pod-template-hash"));
    ks_pod_template_free(&b);
    ks_pod_template_copy(&b, &a);
    CU_ASSERT_TRUE(ks_pod_template_equal(&a, &b, NULL));
    CU_ASSERT_EQUAL(ks_pod_template_hash(&a, NULL),
                    ks_pod_template_hash(&b, NULL));
    ks_pod_template_free(&b);
    ks_pod_template_free(&a);
}

void ks_suite_kinds(void)
{
    static const ks_test_case cases[] = {
        {"pod template identity", test_template_identity},
        {NULL, NULL}};
    ks_test_add_suite("sim/kinds", cases);
}
