/* test_imagelocality.c - ImageLocality against the upstream test tables.
 *
 * Each case ports one case of
 * pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go
 * (the version with init containers and maxThreshold per container, read
 * in the stored v1.28+ copy): TestImageLocalityPriority (raw scores, no
 * normalization) and TestNormalizedImageName (ks_image_normalize).
 */
#include <stdlib.h>
#include <string.h>

#include "policies/k8s/imagelocality.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_imagelocality(void);

#define MB KS_IL_MB

/* One entry of node.status.images. */
typedef struct image_def {
    const char *names[4]; /* NULL-terminated */
    int64_t mb;
} image_def;

typedef struct node_def {
    const char *name;
    const image_def *images;
    size_t nimages;
} node_def;

/* A pod: init container images then regular ones (unnormalized, as in a
 * manifest). */
typedef struct pod_def {
    const char *init[4];
    const char *containers[4];
} pod_def;

static const int64_t node_alloc[KS_RES_COUNT] = {
    [KS_RES_CPU] = 4000000, [KS_RES_MEMORY] = 1LL << 34, [KS_RES_PODS] = 110};

static void add_node(ks_cluster *c, const node_def *d)
{
    uint32_t n = ks_cluster_add_node(c, d->name, node_alloc, 0);
    ks_node_info info = {0};
    info.nimages = d->nimages;
    info.images = d->nimages ? ks_xcalloc(d->nimages, sizeof *info.images)
                             : NULL;
    for (size_t i = 0; i < d->nimages; i++) {
        ks_node_image *img = &info.images[i];
        for (const char *const *nm = d->images[i].names; *nm; nm++) {
            img->names = ks_xrealloc(img->names,
                                     (img->nnames + 1) * sizeof(char *));
            img->names[img->nnames++] = ks_xstrdup(*nm);
        }
        img->size_bytes = d->images[i].mb * MB;
    }
    ks_cluster_set_node_info(c, n, &info);
}

static void push_image(ks_pod_spec *s, const char *image)
{
    s->images = ks_xrealloc(s->images, (s->nimages + 1) * sizeof(char *));
    s->images[s->nimages++] = ks_image_normalize(image);
    s->ncontainers++;
}

/* The spec a loader would build: normalized images, init first. */
static ks_pod_spec *make_spec(const pod_def *p)
{
    ks_pod_spec *s = ks_xcalloc(1, sizeof *s);
    for (const char *const *im = p->init; *im; im++)
        push_image(s, *im);
    for (const char *const *im = p->containers; *im; im++)
        push_image(s, *im);
    return s;
}

static const ks_pod *add_pod(ks_cluster *c, const pod_def *p)
{
    static const int64_t none[KS_RES_COUNT] = {0};
    uint32_t i = ks_cluster_add_pod(c, 0, none, KS_SECOND, 0, 0);
    c->pods[i].spec = ks_cluster_adopt_spec(c, make_spec(p));
    return &c->pods[i];
}

/* As the upstream loop: Score on every node of the snapshot (after the
 * PreScore ksim uses to prepare the cycle); no normalization. */
static void run_case(const pod_def *p, const node_def *const *nodes, size_t n,
                     const int64_t *want)
{
    const ks_plugin *pl = &ks_plugin_imagelocality;
    ks_cluster *c = ks_cluster_create();
    uint32_t idx[8];
    for (size_t i = 0; i < n; i++) {
        add_node(c, nodes[i]);
        idx[i] = (uint32_t)i;
    }
    const ks_pod *pod = add_pod(c, p);
    void *inst = pl->create(pl->default_args);
    ks_plugin_call call = {.instance = inst, .cluster = c, .pod = pod,
                           .k8s_minor = 36};
    CU_ASSERT_EQUAL(pl->pre_score(&call, idx, n).code, KS_STATUS_SUCCESS);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[i]), want[i]);
    CU_ASSERT_PTR_NULL(pl->normalize);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

/* ---- the upstream fixtures ---------------------------------------------- */

static const pod_def test40250 = {.containers = {"gcr.io/40", "gcr.io/250"}};
static const pod_def test40300 = {.containers = {"gcr.io/40", "gcr.io/300"}};
static const pod_def test_min_max = {.containers = {"gcr.io/10",
                                                    "gcr.io/4000"}};
static const pod_def test300600900 = {
    .containers = {"gcr.io/300", "gcr.io/600", "gcr.io/900"}};
static const pod_def test3040 = {.containers = {"gcr.io/30", "gcr.io/40"}};
static const pod_def test30_init300 = {.init = {"gcr.io/300"},
                                       .containers = {"gcr.io/30"}};

static const image_def images403002000[] = {
    {{"gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"}, 40},
    {{"gcr.io/300:latest", "gcr.io/300:v1"}, 300},
    {{"gcr.io/2000:latest"}, 2000},
};
static const image_def images25010[] = {
    {{"gcr.io/250:latest"}, 250},
    {{"gcr.io/10:latest", "gcr.io/10:v1"}, 10},
};
static const image_def images60040900[] = {
    {{"gcr.io/600:latest"}, 600},
    {{"gcr.io/40:latest"}, 40},
    {{"gcr.io/900:latest"}, 900},
};
static const image_def images300600900[] = {
    {{"gcr.io/300:latest"}, 300},
    {{"gcr.io/600:latest"}, 600},
    {{"gcr.io/900:latest"}, 900},
};
static const image_def images400030[] = {
    {{"gcr.io/4000:latest"}, 4000},
    {{"gcr.io/30:latest"}, 30},
};
static const image_def images203040[] = {
    {{"gcr.io/20:latest"}, 20},
    {{"gcr.io/30:latest"}, 30},
    {{"gcr.io/40:latest"}, 40},
};

#define NODE(name, imgs) {name, imgs, sizeof imgs / sizeof imgs[0]}
static const node_def n1_403002000 = NODE("node1", images403002000);
static const node_def n2_25010 = NODE("node2", images25010);
static const node_def n1_400030 = NODE("node1", images400030);
static const node_def n1_60040900 = NODE("node1", images60040900);
static const node_def n2_300600900 = NODE("node2", images300600900);
static const node_def n1_203040 = NODE("node1", images203040);
static const node_def n2_400030 = NODE("node2", images400030);
static const node_def n2_203040 = NODE("node2", images203040);
static const node_def n3_empty = {"node3", NULL, 0};

/* ---- TestImageLocalityPriority ------------------------------------------ */

/* image_locality_test.go TestImageLocalityPriority "two images spread on
 * two nodes, prefer the larger image one":
 * node2: 100 * (250M/2 - 23M) / (1000M * 2 - 23M) = 5 */
static void test_two_images_two_nodes(void)
{
    const node_def *nodes[] = {&n1_403002000, &n2_25010};
    run_case(&test40250, nodes, 2, (const int64_t[]){0, 5});
}

/* image_locality_test.go TestImageLocalityPriority "two images on one
 * node, prefer this node": 100 * ((40M + 300M)/2 - 23M) / (2000M - 23M) */
static void test_two_images_one_node(void)
{
    const node_def *nodes[] = {&n1_403002000, &n2_25010};
    run_case(&test40300, nodes, 2, (const int64_t[]){7, 0});
}

/* image_locality_test.go TestImageLocalityPriority "if exceed limit, use
 * limit" */
static void test_exceed_limit(void)
{
    const node_def *nodes[] = {&n1_400030, &n2_25010};
    run_case(&test_min_max, nodes, 2,
             (const int64_t[]){KS_MAX_NODE_SCORE, 0});
}

/* image_locality_test.go TestImageLocalityPriority "if exceed limit, use
 * limit (with node which has no images present)": 4000M/3 -> 66 */
static void test_exceed_limit_empty_node(void)
{
    const node_def *nodes[] = {&n1_400030, &n2_25010, &n3_empty};
    run_case(&test_min_max, nodes, 3, (const int64_t[]){66, 0, 0});
}

/* image_locality_test.go TestImageLocalityPriority "pod with multiple
 * large images, node2 is preferred" */
static void test_multiple_large_images(void)
{
    const node_def *nodes[] = {&n1_60040900, &n2_300600900, &n3_empty};
    run_case(&test300600900, nodes, 3, (const int64_t[]){32, 36, 0});
}

/* image_locality_test.go TestImageLocalityPriority "pod with multiple
 * small images" */
static void test_multiple_small_images(void)
{
    const node_def *nodes[] = {&n1_203040, &n2_400030};
    run_case(&test3040, nodes, 2, (const int64_t[]){1, 0});
}

/* image_locality_test.go TestImageLocalityPriority "include
 * InitContainers: two images spread on two nodes, prefer the larger image
 * one" */
static void test_init_containers(void)
{
    const node_def *nodes[] = {&n1_403002000, &n2_203040};
    run_case(&test30_init300, nodes, 2, (const int64_t[]){6, 0});
}

/* ---- TestNormalizedImageName -------------------------------------------- */

static void check_normalized(const char *in, const char *want)
{
    char *got = ks_image_normalize(in);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

/* image_locality_test.go TestNormalizedImageName "add :latest postfix 1" */
static void test_normalize_latest1(void)
{
    check_normalized("root", "root:latest");
}

/* image_locality_test.go TestNormalizedImageName "add :latest postfix 2" */
static void test_normalize_latest2(void)
{
    check_normalized("gcr.io:5000/root", "gcr.io:5000/root:latest");
}

/* image_locality_test.go TestNormalizedImageName "keep it as is 1" */
static void test_normalize_keep1(void)
{
    check_normalized("root:tag", "root:tag");
}

/* image_locality_test.go TestNormalizedImageName "keep it as is 2"
 * (getImageFakeDigest("root") = "sha256:" + hex(sha256("root"))) */
static void test_normalize_keep2(void)
{
    const char *d = "root@sha256:"
                    "4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d"
                    "737677b2";
    check_normalized(d, d);
}

/* ---- beyond the upstream tables ----------------------------------------- */

/* cache.go addNodeImageStates: a name's size is the one the first node
 * registering it reported (the scheduler cache shares one state per name),
 * so a second node listing the same name with another size still scores
 * with the first size: 100 * (100M * 2/2 - 23M) / (1000M - 23M) = 7 on
 * both nodes. */
static void test_size_from_first_node(void)
{
    static const image_def small[] = {{{"img:v1"}, 100}};
    static const image_def large[] = {{{"img:v1"}, 500}};
    const node_def a = NODE("a", small), b = NODE("b", large);
    const node_def *nodes[] = {&a, &b};
    const pod_def p = {.containers = {"img:v1"}};
    run_case(&p, nodes, 2, (const int64_t[]){7, 7});
}

/* The formulas worked by hand (calculatePriority, scaledImageScore). */
static void test_formulas(void)
{
    CU_ASSERT_EQUAL(ks_imagelocality_priority(0, 1), 0);
    CU_ASSERT_EQUAL(ks_imagelocality_priority(23 * MB, 1), 0);
    CU_ASSERT_EQUAL(ks_imagelocality_priority(1000 * MB, 1), 100);
    CU_ASSERT_EQUAL(ks_imagelocality_priority(5000 * MB, 2), 100);
    /* (511.5M - 23M) * 100 / 977M = 50 */
    CU_ASSERT_EQUAL(ks_imagelocality_priority(511 * MB + MB / 2, 1), 50);
    CU_ASSERT_EQUAL(ks_imagelocality_scaled(300 * MB, 1, 3), 100 * MB);
    CU_ASSERT_EQUAL(ks_imagelocality_scaled(10, 2, 3), 6); /* 6.67 -> 6 */
}

/* One instance serves pod after pod (specs differ), and the map is
 * rebuilt when asked to forget it. */
static void test_instance_reuse(void)
{
    const ks_plugin *pl = &ks_plugin_imagelocality;
    ks_cluster *c = ks_cluster_create();
    add_node(c, &n1_403002000);
    add_node(c, &n2_25010);
    (void)add_pod(c, &test40250);
    (void)add_pod(c, &test40300);
    const ks_pod *p1 = &c->pods[0], *p2 = &c->pods[1];
    void *inst = pl->create(NULL);
    uint32_t idx[2] = {0, 1};
    for (int round = 0; round < 2; round++) {
        ks_plugin_call call = {.instance = inst, .cluster = c, .pod = p1};
        pl->pre_score(&call, idx, 2);
        CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[0]), 0);
        CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[1]), 5);
        call.pod = p2; /* Score without PreScore recomputes for the pod */
        CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[0]), 7);
        CU_ASSERT_EQUAL(pl->score(&call, &c->nodes[1]), 0);
        ks_imagelocality_forget(inst);
    }
    ks_plugin_call empty = {.instance = inst, .cluster = c, .pod = p1};
    ks_pod no_spec = c->pods[0];
    no_spec.spec = NULL;
    empty.pod = &no_spec;
    CU_ASSERT_EQUAL(pl->score(&empty, &c->nodes[0]), 0);
    pl->destroy(inst);
    ks_cluster_destroy(c);
}

void ks_suite_imagelocality(void)
{
    static const ks_test_case cases[] = {
        {"two images spread on two nodes", test_two_images_two_nodes},
        {"two images on one node", test_two_images_one_node},
        {"if exceed limit, use limit", test_exceed_limit},
        {"exceed limit with an empty node", test_exceed_limit_empty_node},
        {"multiple large images", test_multiple_large_images},
        {"multiple small images", test_multiple_small_images},
        {"include InitContainers", test_init_containers},
        {"normalize: add :latest 1", test_normalize_latest1},
        {"normalize: add :latest 2", test_normalize_latest2},
        {"normalize: keep as is 1", test_normalize_keep1},
        {"normalize: keep as is 2", test_normalize_keep2},
        {"size from the first node listing a name", test_size_from_first_node},
        {"formulas by hand", test_formulas},
        {"instance reused across pods", test_instance_reuse},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/imagelocality", cases);
}
