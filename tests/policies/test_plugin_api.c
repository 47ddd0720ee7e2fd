/* test_plugin_api.c - the public plugin API (include/ksim/plugin.h): the
 * accessors, the args readers, compiled-in registration, QueueSort, the
 * random stream, and the out-of-tree example (examples/plugins/leastpods)
 * built with the system compiler, loaded through a KubeSchedulerConfiguration
 * and changing placements as its args say; plus every loading error.
 *
 * The shared objects are built into tests/tmp/plugin_api/ with `cc`; the
 * tests that need one pass with a note when no C compiler is installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_rng.h>

#include "include/ksim/plugin.h"
#include "policies/external.h"
#include "policies/plugin_api.h"
#include "policies/registry.h"
#include "scenarios/schedconfig.h"
#include "sched/queue.h"
#include "sched/scheduler.h"
#include "sim/cluster.h"
#include "sim/engine.h"
#include "sim/gpu.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_plugin_api(void);

/* ---- building shared objects ---------------------------------------------- */

static char *tmpdir;

/* tests/tmp/plugin_api/name; the two latest results stay valid. */
static const char *tmp(const char *name)
{
    static char *buf[2];
    static int which;
    which ^= 1;
    if (!tmpdir) {
        tmpdir = ks_xstrdup(ks_test_tmp("plugin_api"));
        mkdir(tmpdir, 0777);
    }
    free(buf[which]);
    buf[which] = ks_xasprintf("%s/%s", tmpdir, name);
    return buf[which];
}

static int have_cc(void)
{
    static int known = -1;
    if (known < 0)
        known = ks_test_run("command -v cc", NULL, NULL) == 0;
    if (!known)
        printf("\n    (no C compiler `cc`: shared-object tests skipped) ");
    return known;
}

/* Compiles source (text) into tmp(so).  0 on success. */
static int build_so(const char *so, const char *source)
{
    char *out = ks_xstrdup(tmp(so));
    char *src = ks_xasprintf("%s.c", out);
    char *cmd = ks_xasprintf("cc -std=c11 -Wall -Wextra -Werror -fPIC -shared "
                             "-I'%s/include' -o '%s' '%s'",
                             KS_TEST_SRCDIR, out, src);
    char *err = NULL;
    int rc = ks_test_write_file(src, source) ? -1
                                             : ks_test_run(cmd, NULL, &err);
    if (rc)
        printf("\n%s failed:\n%s\n", cmd, err ? err : "");
    free(err);
    free(cmd);
    free(src);
    free(out);
    return rc;
}

/* The example, built with its own Makefile (or cc when make is missing)
 * against the source tree's include/. */
static int build_leastpods(void)
{
    static int built = -1;
    if (built >= 0)
        return built;
    char *cmd;
    const char *so = tmp("libleastpods.so");
    if (ks_test_run("command -v make", NULL, NULL) == 0)
        cmd = ks_xasprintf("make -s -f "
                           "'%s/examples/plugins/leastpods/Makefile' "
                           "OUT='%s' KSIM_INCLUDE='%s/include'",
                           KS_TEST_SRCDIR, tmpdir, KS_TEST_SRCDIR);
    else
        cmd = ks_xasprintf("cc -std=c11 -fPIC -shared -I'%s/include' -o "
                           "'%s' '%s/examples/plugins/leastpods/leastpods.c'",
                           KS_TEST_SRCDIR, so, KS_TEST_SRCDIR);
    char *err = NULL;
    built = ks_test_run(cmd, NULL, &err) == 0 &&
            ks_test_file_exists(tmp("libleastpods.so"));
    if (!built)
        printf("\n%s failed:\n%s\n", cmd, err ? err : "");
    free(err);
    free(cmd);
    return built;
}

/* ---- loading configurations ---------------------------------------------- */

static ks_schedconfig *load(const char *file, const char *text)
{
    const char *path = tmp(file);
    CU_ASSERT_FATAL(ks_test_write_file(path, text) == 0);
    ks_schedconfig *c = NULL;
    ks_error err;
    if (ks_schedconfig_load_file(path, 36, &c, &err)) {
        ks_error_print(&err, stdout);
        return NULL;
    }
    return c;
}

/* Loading fails with code at line:col and a message containing want. */
static int fails_with(const char *file, const char *text, int code, int line,
                      int col, const char *want)
{
    const char *path = tmp(file);
    if (ks_test_write_file(path, text))
        return 0;
    ks_schedconfig *c = NULL;
    ks_error err;
    int rc = ks_schedconfig_load_file(path, 36, &c, &err);
    ks_schedconfig_destroy(c);
    int ok = rc == code && err.line == line && err.col == col &&
             strstr(err.msg, want) && strstr(err.file, file);
    if (!ok) {
        printf("\nwanted %s %d:%d \"%s\"\n   got %s ", ks_errname(code), line,
               col, want, ks_errname(rc));
        ks_error_print(&err, stdout);
    }
    return ok;
}

#define HEAD                                                                   \
    "apiVersion: kubescheduler.config.k8s.io/v1\n"                             \
    "kind: KubeSchedulerConfiguration\n"                                       \
    "profiles:\n"                                                              \
    "  - schedulerName: default-scheduler\n"

/* A profile running LeastPods at every point it implements (Filter and
 * Score, weight 5), loaded from so, with args. */
static char *leastpods_config(const char *so, const char *args)
{
    return ks_xasprintf(HEAD "    plugins:\n"
                             "      multiPoint:\n"
                             "        enabled: [{name: LeastPods, weight: 5}]\n"
                             "    pluginConfig:\n"
                             "      - name: LeastPods\n"
                             "        args:\n"
                             "          ksim.dev/sharedObject: %s\n"
                             "%s",
                        so, args);
}

/* ---- running a scheduler ---------------------------------------------------- */

#define NPODS 16

typedef struct fixture {
    ks_engine *engine;
    ks_cluster *cluster;
    gsl_rng *tiebreak;
    gsl_rng *plugins;
    ks_scheduler *sched;
    uint32_t bound_to[NPODS];
    uint32_t order[NPODS]; /* pods in bind order */
    int binds;
} fixture;

static void bind_cb(void *ctx, uint32_t pod, uint32_t node)
{
    fixture *f = ctx;
    ks_cluster_bind(f->cluster, pod, node, ks_engine_now(f->engine));
    f->bound_to[pod] = node;
    f->order[f->binds++] = pod;
}

/* nnodes identical nodes; npods pods of 100m / 128Mi submitted at 0 and
 * scheduled with cfg, the plugins' stream seeded with seed. */
static void run(fixture *f, const ks_scheduler_config *cfg, int nnodes,
                int npods, unsigned long seed)
{
    *f = (fixture){0};
    f->engine = ks_engine_create();
    f->cluster = ks_cluster_create();
    f->tiebreak = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(f->tiebreak, 7);
    f->plugins = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(f->plugins, seed);
    for (int i = 0; i < nnodes; i++) {
        const int64_t alloc[KS_RES_COUNT] = {4000, 16LL << 30, 110};
        char name[32];
        snprintf(name, sizeof name, "n-%d", i);
        ks_cluster_add_node(f->cluster, name, alloc, 0);
    }
    f->sched = ks_scheduler_create(f->engine, f->cluster, f->tiebreak, cfg,
                                   bind_cb, f);
    ks_scheduler_set_plugin_rng(f->sched, f->plugins);
    for (int i = 0; i < NPODS; i++)
        f->bound_to[i] = KS_NO_NODE;
    for (int i = 0; i < npods && i < NPODS; i++) {
        const int64_t req[KS_RES_COUNT] = {100, 128LL << 20, -1};
        uint32_t p = ks_cluster_add_pod(f->cluster, 0, req, KS_HOUR, 0,
                                        (uint32_t)i);
        ks_scheduler_pod_added(f->sched, p);
    }
    ks_engine_run(f->engine, KS_MINUTE);
}

static void teardown(fixture *f)
{
    ks_scheduler_destroy(f->sched);
    ks_cluster_destroy(f->cluster);
    ks_engine_destroy(f->engine);
    gsl_rng_free(f->tiebreak);
    gsl_rng_free(f->plugins);
}

/* Pods per node, sorted from the busiest, into counts (nnodes entries). */
static void pods_per_node(const fixture *f, int *counts, int nnodes)
{
    for (int i = 0; i < nnodes; i++)
        counts[i] = (int)f->cluster->node_pods[i].n;
    for (int i = 0; i < nnodes; i++)
        for (int j = i + 1; j < nnodes; j++)
            if (counts[j] > counts[i]) {
                int t = counts[i];
                counts[i] = counts[j];
                counts[j] = t;
            }
}

/* Schedules 8 pods on 4 nodes with the configuration text; counts gets
 * the pods per node, busiest first.  0 if the configuration loads. */
static int placements(const char *file, const char *text, int counts[4])
{
    ks_schedconfig *c = load(file, text);
    if (!c)
        return -1;
    fixture f;
    run(&f, ks_schedconfig_get(c), 4, 8, 1);
    pods_per_node(&f, counts, 4);
    int binds = f.binds;
    teardown(&f);
    ks_schedconfig_destroy(c);
    return binds == 8 ? 0 : -1;
}

/* ---- the dlopen'ed example ------------------------------------------------- */

/* The default profile spreads 8 pods over 4 nodes; LeastPods with
 * prefer: most packs them, and its maxPods filter caps each node. */
static void test_shared_object_changes_placements(void)
{
    if (!have_cc())
        return;
    CU_ASSERT_FATAL(build_leastpods());
    int def[4], most3[4], most4[4], fewest[4];
    CU_ASSERT_FATAL(placements("default.yaml", HEAD, def) == 0);
    CU_ASSERT(def[0] == 2 && def[3] == 2);

    char *text = leastpods_config("libleastpods.so",
                                  "          prefer: most\n"
                                  "          maxPods: 3\n");
    CU_ASSERT_FATAL(placements("most3.yaml", text, most3) == 0);
    free(text);
    CU_ASSERT_EQUAL(most3[0], 3);
    CU_ASSERT_EQUAL(most3[1], 3);
    CU_ASSERT_EQUAL(most3[2], 2);
    CU_ASSERT_EQUAL(most3[3], 0);

    text = leastpods_config("./libleastpods.so", "          prefer: most\n"
                                                 "          maxPods: 4\n");
    CU_ASSERT_FATAL(placements("most4.yaml", text, most4) == 0);
    free(text);
    CU_ASSERT(most4[0] == 4 && most4[1] == 4 && most4[2] == 0);

    text = leastpods_config("libleastpods.so", "          prefer: fewest\n");
    CU_ASSERT_FATAL(placements("fewest.yaml", text, fewest) == 0);
    free(text);
    CU_ASSERT(fewest[0] == 2 && fewest[3] == 2);
}

/* The path is relative to the configuration file; the plugin is a Filter
 * and Score plugin of the profile, with its args as JSON. */
static void test_shared_object_configured(void)
{
    if (!have_cc())
        return;
    CU_ASSERT_FATAL(build_leastpods());
    mkdir(tmp("sub"), 0777);
    char *text = leastpods_config("../libleastpods.so",
                                  "          prefer: most\n");
    ks_schedconfig *c = load("sub/config.yaml", text);
    free(text);
    CU_ASSERT_FATAL(c != NULL);
    const char *names[32];
    size_t n = ks_schedconfig_point_plugins(c, 0, "score", names, 32);
    CU_ASSERT(n > 0 && !strcmp(names[n - 1], "LeastPods"));
    n = ks_schedconfig_point_plugins(c, 0, "filter", names, 32);
    CU_ASSERT(n > 0 && !strcmp(names[n - 1], "LeastPods"));
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, 0, "LeastPods"), 5);
    const ks_external_args *a = ks_schedconfig_plugin_args(c, 0, "LeastPods");
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_STRING_EQUAL(ks_external_args_json(a), "{\"prefer\":\"most\"}");
    const ks_profile_config *p = &ks_schedconfig_get(c)->profiles[0];
    const ks_plugin_use *u = NULL;
    for (size_t i = 0; i < p->nplugins; i++)
        if (!strcmp(p->plugins[i].plugin->name, "LeastPods"))
            u = &p->plugins[i];
    CU_ASSERT_FATAL(u != NULL);
    CU_ASSERT(u->filter && u->score && u->weight == 5);
    size_t nw;
    ks_schedconfig_warnings(c, &nw);
    const char *const *w = ks_schedconfig_warnings(c, &nw);
    for (size_t i = 0; i < nw; i++)
        CU_ASSERT_PTR_NULL(strstr(w[i], "LeastPods"));
    ks_schedconfig_destroy(c);
}

/* Explain runs the adapter's Filter, PreScore, Score and NormalizeScore. */
static void test_shared_object_explained(void)
{
    if (!have_cc())
        return;
    CU_ASSERT_FATAL(build_leastpods());
    char *text = leastpods_config("libleastpods.so",
                                  "          prefer: most\n"
                                  "          maxPods: 1\n");
    ks_schedconfig *c = load("explain.yaml", text);
    free(text);
    CU_ASSERT_FATAL(c != NULL);
    fixture f;
    run(&f, ks_schedconfig_get(c), 3, 1, 1); /* one pod, on some node */
    CU_ASSERT_EQUAL_FATAL(f.binds, 1);
    const int64_t req[KS_RES_COUNT] = {100, 1 << 20, -1};
    uint32_t pod = ks_cluster_add_pod(f.cluster, 0, req, KS_HOUR, 0, 1);
    ks_explain ex;
    CU_ASSERT_FATAL(ks_scheduler_explain(f.sched, pod, NULL, 0, 0, &ex) == 0);
    const ks_profile_config *p = ex.profile;
    size_t lp = KS_MAX_PROFILE_PLUGINS;
    for (size_t i = 0; i < p->nplugins; i++)
        if (!strcmp(p->plugins[i].plugin->name, "LeastPods"))
            lp = i;
    CU_ASSERT_FATAL(lp < KS_MAX_PROFILE_PLUGINS);
    for (size_t k = 0; k < ex.nnodes; k++) {
        const ks_explain_node *en = &ex.nodes[k];
        int busy = en->node == f.bound_to[0];
        CU_ASSERT(en->filter[lp].ran);
        CU_ASSERT_EQUAL(en->filter[lp].code, busy ? KS_STATUS_UNSCHEDULABLE
                                                  : KS_STATUS_SUCCESS);
        if (busy) {
            CU_ASSERT_PTR_NOT_NULL(strstr(en->filter[lp].message, "maxPods"));
        } else {
            CU_ASSERT(en->score[lp].ran && en->score[lp].raw == 0 &&
                      en->score[lp].normalized == 0);
        }
    }
    CU_ASSERT(ex.selected != KS_NO_NODE && ex.selected != f.bound_to[0]);
    ks_explain_free(&ex);
    teardown(&f);
    ks_schedconfig_destroy(c);
}

/* ---- loading errors ---------------------------------------------------------- */

static const char bad_abi_src[] =
    "#include <ksim/plugin.h>\n"
    "static int64_t score(const ksim_call *c, const ksim_node *n)\n"
    "{ (void)c; (void)n; return 0; }\n"
    "static const ksim_plugin p = {.abi_version = 999,\n"
    "    .size = sizeof(ksim_plugin), .name = \"Old\", .score = score};\n"
    "KSIM_PLUGINS(&p)\n";

static const char no_entry_src[] = "int not_a_plugin(void);\n"
                                   "int not_a_plugin(void) { return 1; }\n";

static void test_loading_errors(void)
{
    CU_ASSERT(fails_with("unknown.yaml",
                         HEAD "    plugins:\n"
                              "      score:\n"
                              "        enabled: [{name: Nope}]\n",
                         KS_EINVAL, 7, 26, "ksim.dev/sharedObject"));
    CU_ASSERT(fails_with("missing.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: Nope\n"
                              "        args: {ksim.dev/sharedObject: "
                              "./nothere.so}\n",
                         KS_ENOENT, 7, 39, "cannot load shared object"));
    CU_ASSERT(fails_with("intree.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: NodeResourcesFit\n"
                              "        args: {ksim.dev/sharedObject: x.so}\n",
                         KS_EINVAL, 7, 16,
                         "\"NodeResourcesFit\" is an in-tree plugin"));
    CU_ASSERT(fails_with("notstring.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: Nope\n"
                              "        args: {ksim.dev/sharedObject: [a]}\n",
                         KS_EPARSE, 7, 39, "expected"));
    if (!have_cc())
        return;
    CU_ASSERT_FATAL(build_leastpods());
    CU_ASSERT_FATAL(build_so("libold.so", bad_abi_src) == 0);
    CU_ASSERT_FATAL(build_so("libnoentry.so", no_entry_src) == 0);
    CU_ASSERT(fails_with("abi.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: Old\n"
                              "        args: {ksim.dev/sharedObject: "
                              "libold.so}\n",
                         KS_EINVAL, 7, 39,
                         "plugin ABI version 999, but this ksim runs "
                         "version 1"));
    CU_ASSERT(fails_with("noentry.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: X\n"
                              "        args: {ksim.dev/sharedObject: "
                              "libnoentry.so}\n",
                         KS_EINVAL, 7, 39, "exports no ksim_plugin_entry"));
    CU_ASSERT(fails_with("noname.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: MostPods\n"
                              "        args: {ksim.dev/sharedObject: "
                              "libleastpods.so}\n",
                         KS_ENOENT, 7, 39,
                         "has no plugin called \"MostPods\" (it has: "
                         "LeastPods)"));
    char *text = leastpods_config("libleastpods.so",
                                  "          prefer: sideways\n");
    CU_ASSERT(fails_with("badargs.yaml", text, KS_EINVAL, 11, 11,
                         "invalid args for plugin LeastPods: prefer must be "
                         "\"fewest\" or \"most\""));
    free(text);
    text = leastpods_config("libleastpods.so", "          maxPods: -1\n");
    CU_ASSERT(fails_with("badargs2.yaml", text, KS_EINVAL, 11, 11,
                         "maxPods must be a non-negative integer"));
    free(text);
    /* Two profiles naming two objects for one plugin. */
    CU_ASSERT(fails_with("twice.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: LeastPods\n"
                              "        args: {ksim.dev/sharedObject: "
                              "libleastpods.so}\n"
                              "  - schedulerName: other\n"
                              "    pluginConfig:\n"
                              "      - name: LeastPods\n"
                              "        args: {ksim.dev/sharedObject: "
                              "./libleastpods.so}\n",
                         KS_EEXIST, 11, 39, "is already loaded from"));
    /* A plugin that does not extend the point it is enabled at. */
    text = ks_xasprintf(HEAD "    plugins:\n"
                             "      queueSort:\n"
                             "        enabled: [{name: LeastPods}]\n"
                             "    pluginConfig:\n"
                             "      - name: LeastPods\n"
                             "        args: {ksim.dev/sharedObject: "
                             "libleastpods.so}\n");
    CU_ASSERT(fails_with("point.yaml", text, KS_EINVAL, 7, 26,
                         "plugin \"LeastPods\" does not extend "
                         "QueueSortPlugin plugin (it implements: filter, score)"));
    free(text);
}

/* ---- compiled-in plugins: registration, args, QueueSort, randomness ----- */

/* Orders activeQ by decreasing pod index. */
static int reverse_less(const ksim_call *call, const ksim_queued_pod *a,
                        const ksim_queued_pod *b)
{
    const ksim_api *api = call->api;
    return api->pod_index(call->cluster, a->pod) >
           api->pod_index(call->cluster, b->pod);
}

static const ksim_plugin reverse_plugin = {
    KSIM_PLUGIN_HEADER,
    .name = "TestReverseOrder",
    .less = reverse_less,
};

/* Keeps the JSON text of its args, for the conversion test. */
static char echoed[512];

static int echo_create(const ksim_api *api, const char *args, void **inst,
                       char *err, size_t size)
{
    (void)api;
    (void)err;
    (void)size;
    snprintf(echoed, sizeof echoed, "%s", args);
    *inst = NULL;
    return 0;
}

static ksim_status echo_filter(const ksim_call *call, const ksim_node *node)
{
    (void)call;
    (void)node;
    ksim_status st = {KSIM_SUCCESS, NULL};
    return st;
}

static const ksim_plugin echo_plugin = {
    KSIM_PLUGIN_HEADER,
    .name = "TestEcho",
    .create = echo_create,
    .filter = echo_filter,
};

/* A random raw score in [0, 100]. */
static int64_t random_score(const ksim_call *call, const ksim_node *node)
{
    (void)node;
    double u = call->api->uniform(call);
    CU_ASSERT(u >= 0.0 && u < 1.0);
    return (int64_t)call->api->uniform_int(call, 101);
}

static const ksim_plugin random_plugin = {
    KSIM_PLUGIN_HEADER,
    .name = "TestRandom",
    .score = random_score,
};

/* Breaks the framework's contract: scores above 100 without normalize. */
static int64_t big_score(const ksim_call *call, const ksim_node *node)
{
    (void)call;
    (void)node;
    return 1000;
}

static const ksim_plugin big_plugin = {
    KSIM_PLUGIN_HEADER,
    .name = "TestBigScore",
    .score = big_score,
};

/* PreFilter only: odd pods are rejected outright. */
static ksim_status odd_out(const ksim_call *call)
{
    ksim_status st = {KSIM_SUCCESS, NULL};
    if (call->api->pod_index(call->cluster, call->pod) % 2) {
        st.code = KSIM_UNSCHEDULABLE_AND_UNRESOLVABLE;
        st.message = "odd pod";
    }
    return st;
}

static const ksim_plugin odd_plugin = {
    KSIM_PLUGIN_HEADER,
    .name = "TestOddOut",
    .pre_filter = odd_out,
};

static void register_test_plugins(void)
{
    char why[256];
    CU_ASSERT_EQUAL(ks_api_plugin_register(&odd_plugin, why, sizeof why), 0);
    CU_ASSERT_EQUAL(ks_api_plugin_register(&reverse_plugin, why, sizeof why),
                    0);
    CU_ASSERT_EQUAL(ks_api_plugin_register(&echo_plugin, why, sizeof why), 0);
    CU_ASSERT_EQUAL(ks_api_plugin_register(&random_plugin, why, sizeof why),
                    0);
    CU_ASSERT_EQUAL(ks_api_plugin_register(&big_plugin, why, sizeof why), 0);
}

static void test_register(void)
{
    register_test_plugins();
    register_test_plugins(); /* again: nothing changes */
    CU_ASSERT_PTR_EQUAL(ks_api_plugin_lookup("TestEcho"), &echo_plugin);
    char why[256];
    ksim_plugin clash = echo_plugin;
    clash.name = "NodeName";
    CU_ASSERT_EQUAL(ks_api_plugin_register(&clash, why, sizeof why),
                    KS_EEXIST);
    clash.name = "TestEcho";
    CU_ASSERT_EQUAL(ks_api_plugin_register(&clash, why, sizeof why),
                    KS_EEXIST);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "already registered"));
    ksim_plugin bad = echo_plugin;
    bad.abi_version = 2;
    CU_ASSERT_EQUAL(ks_api_plugin_register(&bad, why, sizeof why), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "ABI version 2"));
    bad = echo_plugin;
    bad.name = "has space";
    CU_ASSERT_EQUAL(ks_api_plugin_register(&bad, why, sizeof why), KS_EINVAL);
    bad = echo_plugin;
    bad.filter = NULL;
    CU_ASSERT_EQUAL(ks_api_plugin_register(&bad, why, sizeof why), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "no extension point"));
    bad = echo_plugin;
    bad.pre_score = (ksim_status(*)(const ksim_call *,
                                    const ksim_node *const *, size_t))1;
    CU_ASSERT_EQUAL(ks_api_plugin_register(&bad, why, sizeof why), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "pre_score needs score"));
    bad = big_plugin;
    bad.score = NULL;
    bad.filter = echo_filter;
    bad.normalize = (void (*)(const ksim_call *, const ksim_node *const *,
                              int64_t *, size_t))1;
    CU_ASSERT_EQUAL(ks_api_plugin_register(&bad, why, sizeof why), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "normalize needs score"));
    /* A compiled-in plugin needs no shared object. */
    CU_ASSERT(fails_with("compiledin.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: TestEcho\n"
                              "        args: {ksim.dev/sharedObject: x.so}\n",
                         KS_EEXIST, 7, 39, "compiled into ksim"));
}

/* pluginConfig args reach create() as JSON, typed as sigs.k8s.io/yaml
 * types them; a plugin without args gets "{}". */
static void test_args_as_json(void)
{
    register_test_plugins();
    ks_schedconfig *c = load(
        "echo.yaml", HEAD "    plugins:\n"
                          "      filter:\n"
                          "        enabled: [{name: TestEcho}]\n"
                          "    pluginConfig:\n"
                          "      - name: TestEcho\n"
                          "        args:\n"
                          "          n: 3\n"
                          "          neg: -12\n"
                          "          f: 0.5\n"
                          "          e: 1e3\n"
                          "          s: \"3\"\n"
                          "          word: most\n"
                          "          b: true\n"
                          "          nil: null\n"
                          "          list: [1, two, {k: v}]\n"
                          "          nested: {a: {b: False}}\n"
                          "          huge: 99999999999999999999\n");
    CU_ASSERT_FATAL(c != NULL);
    const char *want = "{\"n\":3,\"neg\":-12,\"f\":0.5,\"e\":1000.0,"
                       "\"s\":\"3\",\"word\":\"most\",\"b\":true,"
                       "\"nil\":null,\"list\":[1,\"two\",{\"k\":\"v\"}],"
                       "\"nested\":{\"a\":{\"b\":false}},"
                       "\"huge\":1e20}";
    CU_ASSERT_STRING_EQUAL(
        ks_external_args_json(ks_schedconfig_plugin_args(c, 0, "TestEcho")),
        want);
    CU_ASSERT_STRING_EQUAL(echoed, want);
    ks_schedconfig_destroy(c);
    c = load("echo2.yaml", HEAD "    plugins:\n"
                                "      filter:\n"
                                "        enabled: [{name: TestEcho}]\n");
    CU_ASSERT_FATAL(c != NULL);
    CU_ASSERT_STRING_EQUAL(echoed, "{}");
    ks_schedconfig_destroy(c);
    CU_ASSERT(fails_with("echo3.yaml",
                         HEAD "    pluginConfig:\n"
                              "      - name: TestEcho\n"
                              "        args: [1, 2]\n",
                         KS_EPARSE, 7, 15, "expected a mapping"));
}

/* A QueueSort plugin replaces PrioritySort: pods bind in its order. */
static void test_queue_sort(void)
{
    register_test_plugins();
    ks_schedconfig *c = load("queuesort.yaml",
                             HEAD "    plugins:\n"
                                  "      queueSort:\n"
                                  "        enabled: [{name: TestReverseOrder}]\n"
                                  "        disabled: [{name: PrioritySort}]\n");
    CU_ASSERT_FATAL(c != NULL);
    const char *names[4];
    CU_ASSERT_EQUAL(ks_schedconfig_point_plugins(c, 0, "queueSort", names, 4),
                    1);
    CU_ASSERT_STRING_EQUAL(names[0], "TestReverseOrder");
    fixture f;
    run(&f, ks_schedconfig_get(c), 2, 6, 1);
    CU_ASSERT_EQUAL_FATAL(f.binds, 6);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(f.order[i], (uint32_t)(5 - i));
    teardown(&f);
    ks_schedconfig_destroy(c);
    /* PrioritySort: submission order. */
    c = load("prioritysort.yaml", HEAD);
    run(&f, ks_schedconfig_get(c), 2, 6, 1);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(f.order[i], (uint32_t)i);
    teardown(&f);
    ks_schedconfig_destroy(c);
    /* Two queue sorts are one too many, as upstream says. */
    CU_ASSERT(fails_with("twosorts.yaml",
                         HEAD "    plugins:\n"
                              "      queueSort:\n"
                              "        enabled: [{name: TestReverseOrder}]\n",
                         KS_EINVAL, 7, 9, "only one queue sort plugin"));
}

/* The random stream: the same seed gives the same placements, another
 * seed other ones. */
static void test_random_stream(void)
{
    register_test_plugins();
    ks_schedconfig *c = load("random.yaml",
                             HEAD "    plugins:\n"
                                  "      score:\n"
                                  "        disabled: [{name: \"*\"}]\n"
                                  "        enabled: [{name: TestRandom}]\n");
    CU_ASSERT_FATAL(c != NULL);
    uint32_t runs[3][NPODS];
    for (int r = 0; r < 3; r++) {
        fixture f;
        run(&f, ks_schedconfig_get(c), 8, NPODS, r < 2 ? 11 : 12);
        CU_ASSERT_EQUAL(f.binds, NPODS);
        memcpy(runs[r], f.bound_to, sizeof runs[r]);
        teardown(&f);
    }
    CU_ASSERT(memcmp(runs[0], runs[1], sizeof runs[0]) == 0);
    CU_ASSERT(memcmp(runs[0], runs[2], sizeof runs[0]) != 0);
    ks_schedconfig_destroy(c);
    /* Without a stream the draws are 0, not a crash. */
    ksim_call call = {ks_plugin_api(), NULL, NULL, NULL, 36, NULL};
    CU_ASSERT_EQUAL(ks_plugin_api()->uniform(&call), 0.0);
    CU_ASSERT_EQUAL(ks_plugin_api()->uniform_int(&call, 10), 0);
    /* Large ranges draw from the whole 64 bits. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ks_api_host host = {r};
    call.host = &host;
    uint64_t big = UINT64_C(1) << 40, seen_high = 0;
    for (int i = 0; i < 64; i++) {
        uint64_t v = ks_plugin_api()->uniform_int(&call, big);
        CU_ASSERT(v < big);
        seen_high |= v >> 32;
    }
    CU_ASSERT(seen_high != 0);
    CU_ASSERT_EQUAL(ks_plugin_api()->uniform_int(&call, 1), 0);
    gsl_rng_free(r);
}

/* A pod whose cycle failed with an error waits out its backoff (upstream's
 * error-backoffQ is never popped early), so a failing plugin cannot spin
 * the scheduler in zero simulated time. */
static void test_error_backoff_not_popped_early(void)
{
    ks_queue *q = ks_queue_create(NULL);
    ks_queue_add(q, 0, 0, 0);
    ks_queue_add(q, 1, 0, 0);
    CU_ASSERT_EQUAL(ks_queue_pop(q, 0), 0);
    ks_queue_error(q, 0, 0);
    CU_ASSERT_EQUAL(ks_queue_pop(q, 0), 1);
    ks_queue_unschedulable(q, 1, 0);
    ks_queue_move_all(q, 0); /* pod 1 to backoffQ */
    CU_ASSERT_EQUAL(ks_queue_backoff_len(q), 2);
    CU_ASSERT(ks_queue_can_pop(q));
    CU_ASSERT_EQUAL(ks_queue_pop(q, 0), 1); /* popped early */
    CU_ASSERT(!ks_queue_can_pop(q));
    CU_ASSERT_EQUAL(ks_queue_pop(q, 0), KS_QUEUE_NONE); /* pod 0 waits */
    ks_queue_flush_backoff(q, KS_SECOND);
    CU_ASSERT(ks_queue_can_pop(q));
    CU_ASSERT_EQUAL(ks_queue_pop(q, KS_SECOND), 0);
    ks_queue_destroy(q);
}

/* A plugin with only a PreFilter runs when enabled at preFilter. */
static void test_pre_filter_only(void)
{
    register_test_plugins();
    ks_schedconfig *c = load("prefilter.yaml",
                             HEAD "    plugins:\n"
                                  "      preFilter:\n"
                                  "        enabled: [{name: TestOddOut}]\n");
    CU_ASSERT_FATAL(c != NULL);
    fixture f;
    run(&f, ks_schedconfig_get(c), 2, 4, 1);
    CU_ASSERT_EQUAL(f.binds, 2);
    CU_ASSERT(f.bound_to[0] != KS_NO_NODE && f.bound_to[2] != KS_NO_NODE);
    CU_ASSERT(f.bound_to[1] == KS_NO_NODE && f.bound_to[3] == KS_NO_NODE);
    size_t n;
    const ks_plugin_stats *ps = ks_scheduler_plugin_stats(f.sched, &n);
    uint64_t rejections = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ps[i].plugin, "TestOddOut"))
            rejections = ps[i].pre_filter_rejections;
    CU_ASSERT(rejections >= 2);
    teardown(&f);
    ks_schedconfig_destroy(c);
}

/* A normalized score outside [0, 100] fails the cycle, as upstream's
 * RunScorePlugins does: nothing binds. */
static void test_score_out_of_range(void)
{
    register_test_plugins();
    ks_schedconfig *c = load("big.yaml",
                             HEAD "    plugins:\n"
                                  "      score:\n"
                                  "        enabled: [{name: TestBigScore}]\n");
    CU_ASSERT_FATAL(c != NULL);
    fixture f;
    run(&f, ks_schedconfig_get(c), 2, 1, 1);
    CU_ASSERT_EQUAL(f.binds, 0);
    CU_ASSERT(ks_scheduler_get_stats(f.sched)->failed_cycles > 0);
    teardown(&f);
    ks_schedconfig_destroy(c);
}

/* ---- the accessors ----------------------------------------------------------- */

static void test_accessors(void)
{
    const ksim_api *api = ks_plugin_api();
    CU_ASSERT_EQUAL(api->abi_version, KSIM_PLUGIN_ABI_VERSION);
    CU_ASSERT_EQUAL(api->size, sizeof(ksim_api));
    ks_cluster *c = ks_cluster_create();
    const int64_t alloc[KS_RES_COUNT] = {4000, 8LL << 30, 110, 1LL << 30};
    ks_cluster_add_node(c, "a", alloc, 0);
    ks_cluster_add_node(c, "b", alloc, 0);
    int model = ks_gpu_model_intern("T4");
    ks_cluster_set_node_gpus(c, 1, 2, model);
    ks_node_info info = {0};
    ks_labels_set(&info.labels, "zone", "z1");
    info.unschedulable = 1;
    ks_cluster_set_node_info(c, 0, &info);
    ks_pod_spec *spec = ks_xcalloc(1, sizeof *spec);
    spec->namespace_name = ks_xstrdup("team");
    ks_labels_set(&spec->labels, "app", "web");
    const ks_pod_spec *sp = ks_cluster_adopt_spec(c, spec);
    const int64_t req[KS_RES_COUNT] = {500, 1LL << 30, -1};
    uint32_t p0 = ks_cluster_add_pod(c, 0, req, KS_HOUR, 0, 0);
    uint32_t p1 = ks_cluster_add_pod(c, 0, req, KS_HOUR, 0, 1);
    c->pods[p0].spec = sp;
    c->pods[p0].name = "team/web-0";
    c->pods[p0].priority = 7;
    ks_cluster_set_pod_gpus(c, p1, 1, 250, 0);
    ks_cluster_bind(c, p0, 0, 0);
    ks_cluster_bind(c, p1, 1, 0);

    const ksim_cluster *kc = ks_api_cluster(c);
    CU_ASSERT_EQUAL(api->node_count(kc), 2);
    CU_ASSERT_EQUAL(api->pod_count(kc), 2);
    const ksim_node *a = api->node_at(kc, 0), *b = api->node_at(kc, 1);
    CU_ASSERT_PTR_NULL(api->node_at(kc, 2));
    CU_ASSERT_STRING_EQUAL(api->node_name(kc, a), "a");
    CU_ASSERT_EQUAL(api->node_index(kc, b), 1);
    CU_ASSERT_EQUAL(api->node_allocatable(kc, a, KSIM_RES_CPU), 4000);
    CU_ASSERT_EQUAL(api->node_requested(kc, a, KSIM_RES_CPU), 500);
    CU_ASSERT_EQUAL(api->node_requested(kc, a, KSIM_RES_PODS), 1);
    CU_ASSERT_EQUAL(api->node_nonzero_requested(kc, a, KSIM_RES_MEMORY),
                    1LL << 30);
    CU_ASSERT_EQUAL(api->node_allocatable(kc, a, -1), 0);
    CU_ASSERT_EQUAL(api->node_allocatable(kc, a, 99), 0);
    CU_ASSERT_EQUAL(api->node_allocatable(
                        kc, a, api->resource_lookup("ephemeral-storage")),
                    1LL << 30);
    CU_ASSERT_EQUAL(api->resource_lookup("example.com/none"), -1);
    CU_ASSERT_STRING_EQUAL(api->resource_name(KSIM_RES_MEMORY), "memory");
    CU_ASSERT(api->resource_count() >= 4);
    CU_ASSERT_STRING_EQUAL(api->node_label(kc, a, "zone"), "z1");
    CU_ASSERT_PTR_NULL(api->node_label(kc, b, "zone"));
    CU_ASSERT(api->node_unschedulable(kc, a));
    CU_ASSERT(!api->node_unschedulable(kc, b));
    CU_ASSERT_EQUAL(api->node_taint_count(kc, a), 0);
    CU_ASSERT_EQUAL(api->node_pod_count(kc, a), 1);
    const ksim_pod *pa = api->node_pod_at(kc, a, 0);
    CU_ASSERT_EQUAL(api->pod_index(kc, pa), p0);
    CU_ASSERT_PTR_NULL(api->node_pod_at(kc, a, 1));
    CU_ASSERT_STRING_EQUAL(api->pod_name(kc, pa), "web-0");
    CU_ASSERT_STRING_EQUAL(api->pod_namespace(kc, pa), "team");
    CU_ASSERT_EQUAL(api->pod_priority(kc, pa), 7);
    CU_ASSERT_STRING_EQUAL(api->pod_label(kc, pa, "app"), "web");
    CU_ASSERT_PTR_EQUAL(api->pod_node(kc, pa), a);
    CU_ASSERT_EQUAL(api->pod_request(kc, pa, KSIM_RES_CPU), 500);
    const ksim_pod *pb = api->pod_at(kc, p1);
    CU_ASSERT_PTR_NULL(api->pod_name(kc, pb)); /* generated */
    CU_ASSERT_STRING_EQUAL(api->pod_namespace(kc, pb), "default");
    CU_ASSERT_EQUAL(api->pod_nonzero_request(kc, pb, KSIM_RES_CPU), 500);
    /* GPUs: b has two T4s, pod 1 holds 250 milli of one. */
    CU_ASSERT_EQUAL(api->node_gpu_count(kc, a), 0);
    CU_ASSERT_EQUAL(api->node_gpu_count(kc, b), 2);
    CU_ASSERT_STRING_EQUAL(api->node_gpu_model(kc, b), "T4");
    CU_ASSERT_STRING_EQUAL(api->node_gpu_model(kc, a), "");
    CU_ASSERT_EQUAL(api->node_gpu_free_milli(kc, b, 0) +
                        api->node_gpu_free_milli(kc, b, 1),
                    2 * KSIM_GPU_MILLI - 250);
    CU_ASSERT_EQUAL(api->node_gpu_free_milli(kc, b, 2), 0);
    CU_ASSERT_EQUAL(api->pod_gpu_count(kc, pb), 1);
    CU_ASSERT_EQUAL(api->pod_gpu_milli(kc, pb), 250);
    CU_ASSERT(api->pod_gpu_model_allowed(kc, pb, b));
    /* Handles that are not the cluster's read as nothing. */
    ks_node stray;
    memset(&stray, 0, sizeof stray);
    CU_ASSERT_STRING_EQUAL(api->node_name(kc, (const ksim_node *)&stray), "");
    CU_ASSERT_EQUAL(api->node_index(kc, NULL), SIZE_MAX);
    CU_ASSERT_EQUAL(api->node_pod_count(kc, NULL), 0);
    CU_ASSERT_PTR_NULL(api->pod_label(kc, NULL, "app"));
    CU_ASSERT_EQUAL(api->pod_index(kc, (const ksim_pod *)((const char *)pa + 1)),
                    SIZE_MAX);
    void *mem = api->alloc(32);
    CU_ASSERT(mem && ((const char *)mem)[31] == 0);
    api->release(mem);
    api->release(NULL);
    ks_cluster_destroy(c);
}

static void test_args_readers(void)
{
    const ksim_api *api = ks_plugin_api();
    const char *args = "{\"w\":5,\"r\":0.25,\"b\":true,\"s\":\"most\","
                       "\"a/b\":1,\"m~n\":2,\"list\":[10,{\"x\":\"y\"}],"
                       "\"big\":12345678901}";
    int64_t i = 0;
    double d = 0;
    int b = 0;
    char s[8];
    CU_ASSERT_EQUAL(api->args_int(args, "/w", &i), 1);
    CU_ASSERT_EQUAL(i, 5);
    CU_ASSERT_EQUAL(api->args_int(args, "/big", &i), 1);
    CU_ASSERT_EQUAL(i, 12345678901LL);
    CU_ASSERT_EQUAL(api->args_int(args, "/r", &i), -1); /* a number */
    CU_ASSERT_EQUAL(api->args_double(args, "/r", &d), 1);
    CU_ASSERT_EQUAL(d, 0.25);
    CU_ASSERT_EQUAL(api->args_double(args, "/w", &d), 1);
    CU_ASSERT_EQUAL(d, 5.0);
    CU_ASSERT_EQUAL(api->args_bool(args, "/b", &b), 1);
    CU_ASSERT_EQUAL(b, 1);
    CU_ASSERT_EQUAL(api->args_bool(args, "/s", &b), -1);
    CU_ASSERT_EQUAL(api->args_string(args, "/s", s, sizeof s), 1);
    CU_ASSERT_STRING_EQUAL(s, "most");
    CU_ASSERT_EQUAL(api->args_string(args, "/s", s, 4), -1); /* too long */
    CU_ASSERT_EQUAL(api->args_int(args, "/a~1b", &i), 1);
    CU_ASSERT_EQUAL(i, 1);
    CU_ASSERT_EQUAL(api->args_int(args, "/m~0n", &i), 1);
    CU_ASSERT_EQUAL(i, 2);
    CU_ASSERT_EQUAL(api->args_int(args, "/list/0", &i), 1);
    CU_ASSERT_EQUAL(i, 10);
    CU_ASSERT_EQUAL(api->args_string(args, "/list/1/x", s, sizeof s), 1);
    CU_ASSERT_STRING_EQUAL(s, "y");
    CU_ASSERT_EQUAL(api->args_int(args, "/list/2", &i), 0);
    CU_ASSERT_EQUAL(api->args_int(args, "/list/01", &i), 0);
    CU_ASSERT_EQUAL(api->args_int(args, "/nope", &i), 0);
    CU_ASSERT_EQUAL(api->args_int(args, "/w/deeper", &i), 0);
    CU_ASSERT_EQUAL(api->args_int(args, "/bad~2", &i), 0);
    CU_ASSERT_EQUAL(api->args_int(args, "w", &i), 0); /* no leading / */
    CU_ASSERT_EQUAL(api->args_int("not json", "/w", &i), -1);
    CU_ASSERT_EQUAL(api->args_int(NULL, "/w", &i), -1);
}

/* The installed layout: the header under include/ksim/ and ksim.pc found
 * by pkg-config build the example as a researcher's machine would. */
static void test_installed_header_builds_example(void)
{
    if (!have_cc())
        return;
    if (ks_test_run("{ command -v pkg-config && command -v make; }", NULL,
                    NULL) != 0) {
        printf("\n    (no pkg-config or make: skipped) ");
        return;
    }
    char *prefix = ks_xstrdup(tmp("prefix"));
    char *cmd = ks_xasprintf(
             "set -e; rm -rf '%s'; mkdir -p '%s/include/ksim' '%s/lib/"
             "pkgconfig' '%s/out';"
             "cp '%s/include/ksim/plugin.h' '%s/include/ksim/';"
             "sed -e 's|@prefix@|%s|' -e 's|@exec_prefix@|${prefix}|' "
             "-e 's|@includedir@|${prefix}/include|' "
             "-e 's|@PACKAGE_VERSION@|0|' '%s/ksim.pc.in' "
             "> '%s/lib/pkgconfig/ksim.pc';"
             "PKG_CONFIG_PATH='%s/lib/pkgconfig' make -s -f "
             "'%s/examples/plugins/leastpods/Makefile' OUT='%s/out';"
             "test -f '%s/out/libleastpods.so';"
             "PKG_CONFIG_PATH='%s/lib/pkgconfig' pkg-config --cflags ksim",
             prefix, prefix, prefix, prefix, KS_TEST_SRCDIR, prefix, prefix,
             KS_TEST_SRCDIR, prefix, prefix, KS_TEST_SRCDIR, prefix, prefix,
             prefix);
    free(prefix);
    char *out = NULL, *err = NULL;
    int rc = ks_test_run(cmd, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc)
        printf("\n%s\n", err ? err : "");
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "/prefix/include"));
    free(out);
    free(err);
    free(cmd);
}

void ks_suite_plugin_api(void)
{
    static const ks_test_case cases[] = {
        {"accessors", test_accessors},
        {"args readers", test_args_readers},
        {"register compiled-in plugins", test_register},
        {"args reach create() as JSON", test_args_as_json},
        {"QueueSort plugin orders activeQ", test_queue_sort},
        {"random stream is seeded", test_random_stream},
        {"score out of range fails the cycle", test_score_out_of_range},
        {"PreFilter-only plugin", test_pre_filter_only},
        {"error backoff is not popped early",
         test_error_backoff_not_popped_early},
        {"shared object changes placements",
         test_shared_object_changes_placements},
        {"shared object configured", test_shared_object_configured},
        {"shared object explained", test_shared_object_explained},
        {"loading errors", test_loading_errors},
        {"installed header builds the example",
         test_installed_header_builds_example},
        {NULL, NULL},
    };
    ks_test_add_suite("policies/plugin_api", cases);
}
