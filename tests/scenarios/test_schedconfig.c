/* test_schedconfig.c - the KubeSchedulerConfiguration loader: upstream's
 * own test tables for mergePluginSet, the defaults and the plugin args
 * validation, the framework's MultiPoint expansion and Score weights, the
 * real configuration files of tests/data/k8s-dumps, and bad inputs
 * with their exact line, column and message.
 *
 * Upstream sources of the ported cases (kubernetes/kubernetes):
 *   pkg/scheduler/apis/config/v1/default_plugins_test.go (commit
 *     3ee81787685e): TestMergePlugins, TestApplyFeatureGates;
 *   pkg/scheduler/apis/config/v1/defaults_test.go (commit ff1bd0eb71ed):
 *     TestSchedulerDefaults, TestPluginArgsDefaults;
 *   pkg/scheduler/apis/config/validation/validation_pluginargs_test.go
 *     (commit 04791b490660): TestValidate*.
 * Upstream validation tests call the validators on args that were never
 * defaulted; here every case goes through the file, so defaulting runs
 * first (a resource weight of 0 becomes 1, as kube-scheduler does with a
 * file): those cases say so.
 *
 * Expectations about which plugins ksim runs are filtered through the
 * registry, so they hold whichever in-tree plugins are registered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "policies/k8s/balanced_allocation.h"
#include "policies/k8s/nodeaffinity.h"
#include "policies/k8s/noderesources_fit.h"
#include "policies/registry.h"
#include "scenarios/schedconfig.h"
#include "sim/resources.h"
#include "tests/suites.h"
#include "tests/test_util.h"

void ks_suite_schedconfig(void);

#define HEAD                                                                   \
    "apiVersion: kubescheduler.config.k8s.io/v1\n"                             \
    "kind: KubeSchedulerConfiguration\n"
/* HEAD plus one profile whose body (indented 4) follows. */
#define PROFILE HEAD "profiles:\n  - schedulerName: default-scheduler\n"
#define DUMPS KS_TEST_SRCDIR "/tests/data/k8s-dumps/"

static ks_schedconfig *load(const char *text)
{
    ks_schedconfig *c = NULL;
    ks_error err;
    if (ks_schedconfig_load_buffer(text, strlen(text), "t.yaml", 36, &c,
                                   &err)) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return c;
}

/* True when loading text fails with exactly code, line, col and a message
 * containing want; prints the difference otherwise. */
static int fails_with(const char *text, int code, int line, int col,
                      const char *want)
{
    ks_schedconfig *c = (ks_schedconfig *)1;
    ks_error err;
    int rc = ks_schedconfig_load_buffer(text, strlen(text), "bad.yaml", 36, &c,
                                        &err);
    int ok = rc == code && err.code == code && err.line == line &&
             err.col == col && strstr(err.msg, want) != NULL && c == NULL &&
             !strcmp(err.file, "bad.yaml");
    if (!ok) {
        fprintf(stderr, "\nwanted %s %d:%d \"%s\"\n   got %s ",
                ks_errname(code), line, col, want, ks_errname(rc));
        ks_error_print(&err, stderr);
    }
    if (!rc)
        ks_schedconfig_destroy(c);
    return ok;
}

#define EXPECT_ERROR(text, code, line, col, want)                              \
    CU_ASSERT(fails_with((text), (code), (line), (col), (want)))

/* The plugins of profile i at an extension point, comma-separated. */
static const char *at_point(const ks_schedconfig *c, size_t i,
                            const char *point)
{
    static char buf[1024];
    const char *names[64];
    size_t n = ks_schedconfig_point_plugins(c, i, point, names, 64);
    size_t len = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < n && j < 64; j++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                                j ? "," : "", names[j]);
    return buf;
}

static int point_is(const ks_schedconfig *c, size_t i, const char *point,
                    const char *want)
{
    const char *got = at_point(c, i, point);
    if (strcmp(got, want))
        fprintf(stderr, "\n%s: wanted %s\n   got %s\n", point, want, got);
    return !strcmp(got, want);
}

static int has_warning(const ks_schedconfig *c, const char *part)
{
    size_t n;
    const char *const *w = ks_schedconfig_warnings(c, &n);
    for (size_t i = 0; i < n; i++)
        if (strstr(w[i], part))
            return 1;
    return 0;
}

static const ks_plugin_use *use_of(const ks_schedconfig *c, size_t i,
                                   const char *name)
{
    const ks_profile_config *p = &ks_schedconfig_get(c)->profiles[i];
    for (size_t j = 0; j < p->nplugins; j++)
        if (!strcmp(p->plugins[j].plugin->name, name))
            return &p->plugins[j];
    return NULL;
}

/* One expected ksim plugin: name, filter, score, weight.  Entries whose
 * plugin is not registered are skipped. */
typedef struct want_use {
    const char *name;
    int filter, score;
    int64_t weight;
} want_use;

static int uses_are(const ks_schedconfig *c, size_t i, const want_use *w,
                    size_t n)
{
    const ks_profile_config *p = &ks_schedconfig_get(c)->profiles[i];
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        if (!ks_plugin_lookup(w[j].name))
            continue;
        if (k >= p->nplugins) {
            fprintf(stderr, "\nmissing %s\n", w[j].name);
            return 0;
        }
        const ks_plugin_use *u = &p->plugins[k++];
        if (strcmp(u->plugin->name, w[j].name) || u->filter != w[j].filter ||
            u->score != w[j].score || u->weight != w[j].weight) {
            fprintf(stderr, "\nplugin %zu: wanted %s %d %d %lld, got %s %d %d "
                            "%lld\n",
                    k - 1, w[j].name, w[j].filter, w[j].score,
                    (long long)w[j].weight, u->plugin->name, u->filter,
                    u->score, (long long)u->weight);
            return 0;
        }
    }
    if (k != p->nplugins)
        fprintf(stderr, "\n%zu plugins, wanted %zu\n", p->nplugins, k);
    return k == p->nplugins;
}

/* ---- TestMergePlugins (default_plugins_test.go) -------------------------- */

/* A plugin list written "A,B:2,C" (B with weight 2); NULL = no set. */
typedef struct merge_case {
    const char *def_enabled, *def_disabled;
    int custom_nil;
    const char *cus_enabled, *cus_disabled;
    const char *want_enabled, *want_disabled;
} merge_case;

static size_t parse_plugins(const char *s, char *buf, size_t size,
                            ks_schedconfig_plugin *out)
{
    size_t n = 0;
    if (!s || !*s)
        return 0;
    snprintf(buf, size, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        char *colon = strchr(tok, ':');
        out[n] = (ks_schedconfig_plugin){tok, colon != NULL, 0};
        if (colon) {
            *colon = '\0';
            out[n].weight = atoi(colon + 1);
        }
        n++;
    }
    return n;
}

static void format_plugins(const ks_schedconfig_plugin *v, size_t n,
                           char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
                                v[i].name);
        if (v[i].has_weight)
            len += (size_t)snprintf(buf + len, size - len, ":%d",
                                    (int)v[i].weight);
    }
}

static void run_merge(const merge_case *mc)
{
    char b[4][256], got_e[256], got_d[256];
    ks_schedconfig_plugin v[4][16];
    ks_schedconfig_plugin_set def = {v[0], 0, v[1], 0};
    ks_schedconfig_plugin_set cus = {v[2], 0, v[3], 0};
    def.nenabled = parse_plugins(mc->def_enabled, b[0], 256, v[0]);
    def.ndisabled = parse_plugins(mc->def_disabled, b[1], 256, v[1]);
    cus.nenabled = parse_plugins(mc->cus_enabled, b[2], 256, v[2]);
    cus.ndisabled = parse_plugins(mc->cus_disabled, b[3], 256, v[3]);
    ks_schedconfig_plugin_set out;
    ks_schedconfig_merge_plugin_set(&def, mc->custom_nil ? NULL : &cus, &out);
    format_plugins(out.enabled, out.nenabled, got_e, sizeof got_e);
    format_plugins(out.disabled, out.ndisabled, got_d, sizeof got_d);
    CU_ASSERT_STRING_EQUAL(got_e, mc->want_enabled);
    CU_ASSERT_STRING_EQUAL(got_d, mc->want_disabled);
    ks_schedconfig_plugin_set_free(&out);
}

static const merge_case merge_cases[] = {
    /* 0 "AppendCustomPlugin" */
    {"DefaultPlugin1,DefaultPlugin2", "", 0, "CustomPlugin", "",
     "DefaultPlugin1,DefaultPlugin2,CustomPlugin", ""},
    /* 1 "InsertAfterDefaultPlugins2" */
    {"DefaultPlugin1,DefaultPlugin2", "", 0, "CustomPlugin,DefaultPlugin2",
     "DefaultPlugin2", "DefaultPlugin1,CustomPlugin,DefaultPlugin2",
     "DefaultPlugin2"},
    /* 2 "InsertBeforeAllPlugins" */
    {"DefaultPlugin1,DefaultPlugin2", "", 0,
     "CustomPlugin,DefaultPlugin1,DefaultPlugin2", "*",
     "CustomPlugin,DefaultPlugin1,DefaultPlugin2", "*"},
    /* 3 "ReorderDefaultPlugins" */
    {"DefaultPlugin1,DefaultPlugin2", "", 0, "DefaultPlugin2,DefaultPlugin1",
     "*", "DefaultPlugin2,DefaultPlugin1", "*"},
    /* 4 "ApplyNilCustomPlugin" */
    {"DefaultPlugin1,DefaultPlugin2", "", 1, NULL, NULL,
     "DefaultPlugin1,DefaultPlugin2", ""},
    /* 5 "CustomPluginOverrideDefaultPlugin" */
    {"Plugin1,Plugin2,Plugin3", "", 0, "Plugin1:2,Plugin3:3", "",
     "Plugin1:2,Plugin2,Plugin3:3", ""},
    /* 6 "OrderPreserveAfterOverride" */
    {"Plugin1,Plugin2,Plugin3", "", 0, "Plugin2:2,Plugin1:1", "",
     "Plugin1:1,Plugin2:2,Plugin3", ""},
    /* 7 "RepeatedCustomPlugin" */
    {"Plugin1,Plugin2,Plugin3", "", 0, "Plugin1,Plugin2:2,Plugin3,Plugin2:4",
     "", "Plugin1,Plugin2:4,Plugin3,Plugin2:2", ""},
    /* 8 "Append custom MultiPoint plugin" */
    {"DefaultPlugin1,DefaultPlugin2", "", 0, "CustomPlugin", "",
     "DefaultPlugin1,DefaultPlugin2,CustomPlugin", ""},
    /* 9 "Append disabled Multipoint plugins" (the MultiPoint set) */
    {"DefaultPlugin1,DefaultPlugin2", "", 0, "CustomPlugin,CustomPlugin2",
     "DefaultPlugin2", "DefaultPlugin1,CustomPlugin,CustomPlugin2",
     "DefaultPlugin2"},
    /* 10 "Append disabled Multipoint plugins" (the Score set) */
    {"", "", 0, "", "CustomPlugin2", "", "CustomPlugin2"},
    /* 11 "override default MultiPoint plugins with custom value" */
    {"DefaultPlugin", "", 0, "DefaultPlugin:5", "", "DefaultPlugin:5", ""},
    /* 12 "disabled MultiPoint plugin in default set" */
    {"DefaultPlugin", "DefaultPlugin2", 0, "CustomPlugin", "",
     "DefaultPlugin,CustomPlugin", "DefaultPlugin2"},
    /* 13 "disabled MultiPoint plugin in default set for specific extension
     * point" (the Score set: the custom config leaves it empty) */
    {"", "DefaultPlugin2", 0, "", "", "", "DefaultPlugin2"},
    /* 14 "multipoint with only disabled gets merged" */
    {"DefaultPlugin", "", 0, "", "DefaultPlugin", "", "DefaultPlugin"},
};

#define MERGE_TEST(i)                                                          \
    static void test_merge_##i(void) { run_merge(&merge_cases[i]); }
MERGE_TEST(0)
MERGE_TEST(1)
MERGE_TEST(2)
MERGE_TEST(3)
MERGE_TEST(4)
MERGE_TEST(5)
MERGE_TEST(6)
MERGE_TEST(7)
MERGE_TEST(8)
MERGE_TEST(9)
MERGE_TEST(10)
MERGE_TEST(11)
MERGE_TEST(12)
MERGE_TEST(13)
MERGE_TEST(14)

/* ---- defaults (defaults_test.go, default_plugins_test.go) ---------------- */

/* The v1.36 default profile as ksim runs it: Filter order, then the
 * PostFilter plugin, then the Score-only ones. */
static const want_use default_uses[] = {
    {"NodeUnschedulable", 1, 0, 0},
    {"NodeName", 1, 0, 0},
    {"TaintToleration", 1, 1, 3},
    {"NodeAffinity", 1, 1, 2},
    {"NodePorts", 1, 0, 0},
    {"NodeResourcesFit", 1, 1, 1},
    {"VolumeRestrictions", 1, 0, 0},
    {"NodeVolumeLimits", 1, 0, 0},
    {"VolumeBinding", 1, 1, 1},
    {"VolumeZone", 1, 0, 0},
    {"PodTopologySpread", 1, 1, 2},
    {"InterPodAffinity", 1, 1, 2},
    {"DynamicResources", 1, 1, 1},
    {"DefaultPreemption", 1, 0, 0},
    {"NodeResourcesBalancedAllocation", 0, 1, 1},
    {"ImageLocality", 0, 1, 1},
};
#define NDEFAULT_USES (sizeof default_uses / sizeof default_uses[0])

static void check_default_profile(const ks_schedconfig *c, size_t i)
{
    /* TestApplyFeatureGates "Feature gate DynamicResourceAllocation
     * enabled" (GA since v1.34), without the volume-limit plugins that
     * v1.31 removed, expanded over the extension points. */
    CU_ASSERT(point_is(c, i, "preEnqueue",
                       "SchedulingGates,DynamicResources,DefaultPreemption"));
    CU_ASSERT(point_is(c, i, "queueSort", "PrioritySort"));
    CU_ASSERT(point_is(c, i, "preFilter",
                       "NodeAffinity,NodePorts,NodeResourcesFit,"
                       "VolumeRestrictions,NodeVolumeLimits,VolumeBinding,"
                       "VolumeZone,PodTopologySpread,InterPodAffinity,"
                       "DynamicResources"));
    CU_ASSERT(point_is(c, i, "filter",
                       "NodeUnschedulable,NodeName,TaintToleration,"
                       "NodeAffinity,NodePorts,NodeResourcesFit,"
                       "VolumeRestrictions,NodeVolumeLimits,VolumeBinding,"
                       "VolumeZone,PodTopologySpread,InterPodAffinity,"
                       "DynamicResources"));
    CU_ASSERT(point_is(c, i, "postFilter",
                       "DynamicResources,DefaultPreemption"));
    CU_ASSERT(point_is(c, i, "preScore",
                       "TaintToleration,NodeAffinity,NodeResourcesFit,"
                       "VolumeBinding,PodTopologySpread,InterPodAffinity,"
                       "NodeResourcesBalancedAllocation"));
    CU_ASSERT(point_is(c, i, "score",
                       "TaintToleration,NodeAffinity,NodeResourcesFit,"
                       "VolumeBinding,PodTopologySpread,InterPodAffinity,"
                       "DynamicResources,NodeResourcesBalancedAllocation,"
                       "ImageLocality"));
    CU_ASSERT(point_is(c, i, "reserve", "VolumeBinding,DynamicResources"));
    CU_ASSERT(point_is(c, i, "preBind", "VolumeBinding,DynamicResources"));
    CU_ASSERT(point_is(c, i, "bind", "DefaultBinder"));
    CU_ASSERT(point_is(c, i, "permit", ""));
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, i, "TaintToleration"), 3);
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, i, "NodeAffinity"), 2);
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, i, "PodTopologySpread"), 2);
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, i, "InterPodAffinity"), 2);
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, i, "ImageLocality"), 1);
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, i, "NodePorts"), 0);
    CU_ASSERT(uses_are(c, i, default_uses, NDEFAULT_USES));
}

/* defaults_test.go pluginConfigs: the default args of every plugin. */
static void check_default_args(const ks_schedconfig *c, size_t i)
{
    const ks_fit_args *fit =
        ks_schedconfig_plugin_args(c, i, "NodeResourcesFit");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fit);
    CU_ASSERT_EQUAL(fit->strategy, KS_FIT_LEAST_ALLOCATED);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_MEMORY], 1);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_PODS], 0);
    CU_ASSERT_EQUAL(fit->nignored_resources, 0);
    const ks_balanced_allocation_args *ba =
        ks_schedconfig_plugin_args(c, i, "NodeResourcesBalancedAllocation");
    CU_ASSERT_EQUAL(ba->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(ba->weight[KS_RES_MEMORY], 1);
    const ks_nodeaffinity_args *na =
        ks_schedconfig_plugin_args(c, i, "NodeAffinity");
    CU_ASSERT(!na->added_affinity.has_required);
    CU_ASSERT_EQUAL(na->added_affinity.npreferred, 0);
    const ks_default_preemption_args *dp =
        ks_schedconfig_plugin_args(c, i, "DefaultPreemption");
    CU_ASSERT_EQUAL(dp->min_candidate_nodes_percentage, 10);
    CU_ASSERT_EQUAL(dp->min_candidate_nodes_absolute, 100);
    const ks_ipa_args *ipa = ks_schedconfig_plugin_args(c, i,
                                                        "InterPodAffinity");
    CU_ASSERT_EQUAL(ipa->hard_pod_affinity_weight, 1);
    CU_ASSERT(!ipa->ignore_preferred_terms_of_existing_pods);
    const ks_pts_args *pts = ks_schedconfig_plugin_args(c, i,
                                                        "PodTopologySpread");
    CU_ASSERT_EQUAL(pts->defaulting_type, KS_PTS_SYSTEM_DEFAULTING);
    CU_ASSERT_EQUAL(pts->ndefault_constraints, 0);
    const ks_schedconfig_volume_binding_args *vb =
        ks_schedconfig_plugin_args(c, i, "VolumeBinding");
    CU_ASSERT_EQUAL(vb->bind_timeout_seconds, 600);
    CU_ASSERT_PTR_NULL(ks_schedconfig_plugin_args(c, i, "TaintToleration"));
    /* The ksim profile points at these args. */
    const ks_plugin_use *u = use_of(c, i, "NodeResourcesFit");
    CU_ASSERT(u && u->args == fit);
}

/* TestSchedulerDefaults "empty config" (no file at all: the default). */
static void test_defaults_empty_config(void)
{
    ks_schedconfig *c = ks_schedconfig_default(36);
    const ks_scheduler_config *cfg = ks_schedconfig_get(c);
    CU_ASSERT_EQUAL(cfg->percentage_of_nodes_to_score, 0);
    CU_ASSERT_EQUAL(cfg->queue.initial_backoff, KS_SECOND);
    CU_ASSERT_EQUAL(cfg->queue.max_backoff, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(cfg->k8s_minor, 36);
    CU_ASSERT_EQUAL(cfg->cycle_base, 0);
    CU_ASSERT_EQUAL_FATAL(cfg->nprofiles, 1);
    CU_ASSERT_STRING_EQUAL(cfg->profiles[0].scheduler_name,
                           "default-scheduler");
    CU_ASSERT_EQUAL(cfg->profiles[0].percentage_of_nodes_to_score, -1);
    check_default_profile(c, 0);
    check_default_args(c, 0);
    ks_schedconfig_destroy(c);
}

/* TestSchedulerDefaults "empty config", as a file with only the header;
 * and the same for v1.35, whose defaults are the same. */
static void test_defaults_header_only(void)
{
    ks_schedconfig *c = load(HEAD);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    check_default_profile(c, 0);
    check_default_args(c, 0);
    ks_schedconfig_destroy(c);
    ks_schedconfig *c35 = ks_schedconfig_default(35);
    CU_ASSERT_EQUAL(ks_schedconfig_get(c35)->k8s_minor, 35);
    check_default_profile(c35, 0);
    ks_schedconfig_destroy(c35);
}

/* TestSchedulerDefaults "no scheduler name": a lone profile is named
 * default-scheduler. */
static void test_defaults_no_scheduler_name(void)
{
    ks_schedconfig *c = load(HEAD "profiles:\n  - {}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(ks_schedconfig_get(c)->profiles[0].scheduler_name,
                           "default-scheduler");
    check_default_profile(c, 0);
    ks_schedconfig_destroy(c);
}

/* TestSchedulerDefaults "two profiles": with two profiles the first, unnamed,
 * is not defaulted, and validation then requires its name.  (Its FooPlugin
 * and BarPlugin are out-of-tree: they would fail here next.) */
static void test_defaults_two_profiles(void)
{
    EXPECT_ERROR(HEAD "profiles:\n"
                      "  - pluginConfig: [{name: DefaultPreemption}]\n"
                      "  - schedulerName: custom-scheduler\n",
                 KS_EINVAL, 4, 5, "schedulerName: required value");
    ks_schedconfig *c = load(HEAD "profiles:\n"
                                  "  - schedulerName: a\n"
                                  "  - schedulerName: custom-scheduler\n"
                                  "    plugins:\n"
                                  "      bind:\n"
                                  "        disabled: [{name: DefaultBinder}]\n"
                                  "        enabled: [{name: DefaultBinder}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->nprofiles, 2);
    CU_ASSERT_STRING_EQUAL(ks_schedconfig_get(c)->profiles[1].scheduler_name,
                           "custom-scheduler");
    check_default_profile(c, 0);
    check_default_profile(c, 1);
    ks_schedconfig_destroy(c);
}

/* TestSchedulerDefaults "set non default global percentageOfNodesToScore",
 * "set non default profile percentageOfNodesToScore" and "set non default
 * global and profile percentageOfNodesToScore". */
static void test_defaults_percentages(void)
{
    ks_schedconfig *c = load(HEAD "percentageOfNodesToScore: 50\n");
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->percentage_of_nodes_to_score, 50);
    CU_ASSERT_EQUAL(
        ks_schedconfig_get(c)->profiles[0].percentage_of_nodes_to_score, -1);
    ks_schedconfig_destroy(c);
    c = load(HEAD "profiles:\n  - percentageOfNodesToScore: 50\n");
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->percentage_of_nodes_to_score, 0);
    CU_ASSERT_EQUAL(
        ks_schedconfig_get(c)->profiles[0].percentage_of_nodes_to_score, 50);
    ks_schedconfig_destroy(c);
    c = load(HEAD "percentageOfNodesToScore: 10\n"
                  "profiles:\n  - percentageOfNodesToScore: 50\n");
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->percentage_of_nodes_to_score, 10);
    CU_ASSERT_EQUAL(
        ks_schedconfig_get(c)->profiles[0].percentage_of_nodes_to_score, 50);
    ks_schedconfig_destroy(c);
}

/* TestPluginArgsDefaults "DefaultPreemptionArgs with value" and
 * "InterPodAffinityArgs explicit 0". */
static void test_args_defaults_partial(void)
{
    ks_schedconfig *c = load(PROFILE
                             "    pluginConfig:\n"
                             "      - name: DefaultPreemption\n"
                             "        args: {minCandidateNodesPercentage: 50}\n"
                             "      - name: InterPodAffinity\n"
                             "        args: {hardPodAffinityWeight: 0}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_default_preemption_args *dp =
        ks_schedconfig_plugin_args(c, 0, "DefaultPreemption");
    CU_ASSERT_EQUAL(dp->min_candidate_nodes_percentage, 50);
    CU_ASSERT_EQUAL(dp->min_candidate_nodes_absolute, 100);
    const ks_ipa_args *ipa = ks_schedconfig_plugin_args(c, 0,
                                                        "InterPodAffinity");
    CU_ASSERT_EQUAL(ipa->hard_pod_affinity_weight, 0);
    ks_schedconfig_destroy(c);
}

/* TestPluginArgsDefaults "NodeResourcesBalancedAllocationArgs have resource
 * no weight": unset weights become 1, scalar resources included. */
static void test_args_defaults_ba_no_weight(void)
{
    ks_schedconfig *c = load(
        PROFILE "    pluginConfig:\n"
                "      - name: NodeResourcesBalancedAllocation\n"
                "        args:\n"
                "          resources: [{name: cpu}, {name: scalar.io/scalar0},\n"
                "                      {name: scalar.io/scalar1, weight: 1}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_balanced_allocation_args *ba =
        ks_schedconfig_plugin_args(c, 0, "NodeResourcesBalancedAllocation");
    CU_ASSERT_EQUAL(ba->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(ba->weight[KS_RES_MEMORY], 0);
    CU_ASSERT_EQUAL(ba->weight[ks_resource_lookup("scalar.io/scalar0")], 1);
    CU_ASSERT_EQUAL(ba->weight[ks_resource_lookup("scalar.io/scalar1")], 1);
    ks_schedconfig_destroy(c);
}

/* TestPluginArgsDefaults "NodeResourcesFitArgs Resources empty": the
 * strategy keeps its type and gets cpu and memory. */
static void test_args_defaults_fit_resources_empty(void)
{
    ks_schedconfig *c = load(PROFILE
                             "    pluginConfig:\n"
                             "      - name: NodeResourcesFit\n"
                             "        args:\n"
                             "          scoringStrategy: {type: MostAllocated}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    CU_ASSERT_EQUAL(fit->strategy, KS_FIT_MOST_ALLOCATED);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_MEMORY], 1);
    ks_schedconfig_destroy(c);
}

/* TestPluginArgsDefaults "PodTopologySpreadArgs resources with value":
 * defaulting sets System even with constraints, which validation then
 * rejects (validateDefaultingType). */
static void test_args_defaults_pts_with_value(void)
{
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: PodTopologySpread\n"
                         "        args:\n"
                         "          defaultConstraints:\n"
                         "            - {topologyKey: planet, maxSkew: 2,\n"
                         "               whenUnsatisfiable: DoNotSchedule}\n",
                 KS_EINVAL, 8, 11, "must be \"List\" when defaultConstraints");
}

/* ---- validation_pluginargs_test.go --------------------------------------- */

#define FIT_ARGS(body)                                                         \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: NodeResourcesFit\n"                                 \
            "        args:\n" body
#define RTCR(shape)                                                            \
    FIT_ARGS("          scoringStrategy:\n"                                    \
             "            type: RequestedToCapacityRatio\n"                    \
             "            requestedToCapacityRatio:\n"                         \
             "              shape: " shape "\n")

/* TestValidateFitArgs "IgnoredResources: too long value", "IgnoredResources:
 * name is empty", "IgnoredResources: name has too many slash",
 * "IgnoredResources: valid args". */
static void test_validate_fit_ignored_resources(void)
{
    EXPECT_ERROR(FIT_ARGS("          ignoredResources: [longvalue"
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaa]\n"),
                 KS_EINVAL, 8, 30,
                 "name part must be no more than 63 characters");
    EXPECT_ERROR(FIT_ARGS("          ignoredResources: [example.com/]\n"),
                 KS_EINVAL, 8, 30, "name part must be non-empty");
    EXPECT_ERROR(FIT_ARGS("          ignoredResources: [example.com/aaa/bbb]\n"),
                 KS_EINVAL, 8, 30,
                 "a qualified name must consist of alphanumeric characters");
    ks_schedconfig *c = load(FIT_ARGS("          ignoredResources: "
                                      "[example.com]\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    CU_ASSERT_EQUAL_FATAL(fit->nignored_resources, 1);
    CU_ASSERT_STRING_EQUAL(fit->ignored_resources[0], "example.com");
    ks_schedconfig_destroy(c);
}

/* TestValidateFitArgs "IgnoredResourceGroups: valid args ",
 * "IgnoredResourceGroups: illegal args", "IgnoredResourceGroups: name is too
 * long", "IgnoredResourceGroups: name cannot be contain slash". */
static void test_validate_fit_ignored_groups(void)
{
    ks_schedconfig *c = load(FIT_ARGS("          ignoredResourceGroups: "
                                      "[example.com]\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    CU_ASSERT_EQUAL(fit->nignored_resource_groups, 1);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(FIT_ARGS("          ignoredResourceGroups: [example.com/]\n"),
                 KS_EINVAL, 8, 35, "name part must be non-empty");
    EXPECT_ERROR(FIT_ARGS("          ignoredResourceGroups: [aaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"),
                 KS_EINVAL, 8, 35,
                 "name part must be no more than 63 characters");
    EXPECT_ERROR(FIT_ARGS("          ignoredResourceGroups: [example.com/aa]\n"),
                 KS_EINVAL, 8, 35, "resource group name can't contain '/'");
}

/* TestValidateLeastAllocatedScoringStrategy "multi valid resources" and
 * "weight greater than max"; "weight less than min" (0) is defaulted to 1
 * from a file, so -1 stands for it here. */
static void test_validate_least_allocated(void)
{
    ks_schedconfig *c = load(FIT_ARGS(
        "          scoringStrategy:\n"
        "            type: LeastAllocated\n"
        "            resources: [{name: cpu, weight: 1}, "
        "{name: memory, weight: 10}]\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    CU_ASSERT_EQUAL(fit->weight[KS_RES_MEMORY], 10);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy:\n"
                          "            type: LeastAllocated\n"
                          "            resources: [{name: cpu, weight: 101}]\n"),
                 KS_ERANGE, 10, 45,
                 "resource weight of \"cpu\" not in valid range (0, 100]");
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy:\n"
                          "            type: LeastAllocated\n"
                          "            resources: [{name: cpu, weight: -1}]\n"),
                 KS_ERANGE, 10, 45, "not in valid range (0, 100]");
    c = load(FIT_ARGS("          scoringStrategy:\n"
                      "            type: LeastAllocated\n"
                      "            resources: [{name: cpu, weight: 0}]\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    fit = ks_schedconfig_plugin_args(c, 0, "NodeResourcesFit");
    CU_ASSERT_EQUAL(fit->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_MEMORY], 0);
    ks_schedconfig_destroy(c);
}

/* TestValidateMostAllocatedScoringStrategy "multi invalid resources": the
 * first bad weight is reported. */
static void test_validate_most_allocated(void)
{
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy:\n"
                          "            type: MostAllocated\n"
                          "            resources:\n"
                          "              - {name: cpu, weight: -1}\n"
                          "              - {name: memory, weight: 101}\n"),
                 KS_ERANGE, 11, 37, "resource weight of \"cpu\"");
}

/* TestValidateRequestedToCapacityRatioScoringStrategy "no shapes", "valid
 * shapes", "increasing utilization values". */
static void test_validate_rtcr_valid_and_empty(void)
{
    EXPECT_ERROR(RTCR("[]"), KS_EINVAL, 11, 22,
                 "at least one point must be specified");
    ks_schedconfig *c = load(RTCR("[{utilization: 30, score: 3}]"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    CU_ASSERT_EQUAL(fit->strategy, KS_FIT_REQUESTED_TO_CAPACITY_RATIO);
    CU_ASSERT_EQUAL(fit->nshape, 1);
    CU_ASSERT_EQUAL(fit->shape[0].utilization, 30);
    CU_ASSERT_EQUAL(fit->shape[0].score, 3);
    ks_schedconfig_destroy(c);
    c = load(RTCR("[{utilization: 10, score: 3}, {utilization: 20, score: 3},"
                  " {utilization: 30, score: 3}]"));
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
}

/* TestValidateRequestedToCapacityRatioScoringStrategy "utilization less
 * than min", "utilization greater than max", "score less than min", "score
 * greater than max". */
static void test_validate_rtcr_ranges(void)
{
    EXPECT_ERROR(RTCR("[{utilization: -1, score: 3}]"), KS_ERANGE, 11, 37,
                 "not in valid range [0, 100]");
    EXPECT_ERROR(RTCR("[{utilization: 101, score: 3}]"), KS_ERANGE, 11, 37,
                 "not in valid range [0, 100]");
    EXPECT_ERROR(RTCR("[{utilization: 10, score: -1}]"), KS_ERANGE, 11, 48,
                 "not in valid range [0, 10]");
    EXPECT_ERROR(RTCR("[{utilization: 10, score: 11}]"), KS_ERANGE, 11, 48,
                 "not in valid range [0, 10]");
}

/* TestValidateRequestedToCapacityRatioScoringStrategy "duplicated
 * utilization values" and "non-increasing utilization values". */
static void test_validate_rtcr_order(void)
{
    EXPECT_ERROR(RTCR("[{utilization: 10, score: 3}, "
                      "{utilization: 10, score: 3}]"),
                 KS_EINVAL, 11, 66,
                 "utilization values must be sorted in increasing order");
    EXPECT_ERROR(RTCR("[{utilization: 10, score: 3}, {utilization: 20, "
                      "score: 3}, {utilization: 15, score: 3}]"),
                 KS_EINVAL, 11, 95,
                 "utilization values must be sorted in increasing order");
}

/* TestValidateRequestedToCapacityRatioScoringStrategy "weight greater than
 * max", and the strategy's own rules: a type is required, the shape only
 * goes with RequestedToCapacityRatio and is required there. */
static void test_validate_rtcr_strategy(void)
{
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy:\n"
                          "            type: RequestedToCapacityRatio\n"
                          "            resources: [{name: cpu, weight: 101}]\n"
                          "            requestedToCapacityRatio:\n"
                          "              shape: [{utilization: 30, score: 3}]\n"),
                 KS_ERANGE, 10, 45, "not in valid range (0, 100]");
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy: {resources: []}\n"),
                 KS_EINVAL, 8, 28, "type: unsupported value \"\"");
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy: {type: Balanced}\n"),
                 KS_EINVAL, 8, 35,
                 "unknown scoring strategy type \"Balanced\"");
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy:\n"
                          "            type: RequestedToCapacityRatio\n"),
                 KS_EINVAL, 9, 13, "must be specified when type is "
                                   "RequestedToCapacityRatio");
    EXPECT_ERROR(FIT_ARGS("          scoringStrategy:\n"
                          "            type: MostAllocated\n"
                          "            requestedToCapacityRatio: {shape: []}\n"),
                 KS_EINVAL, 10, 39, "must be nil when type is not");
}

/* TestValidateNodeResourcesBalancedAllocationArgs "valid config", "invalid
 * config", "repeated resources". */
static void test_validate_balanced_allocation(void)
{
#define BA(res)                                                                \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: NodeResourcesBalancedAllocation\n"                  \
            "        args: {resources: " res "}\n"
    ks_schedconfig *c = load(BA("[{name: cpu, weight: 1}, "
                                "{name: memory, weight: 1}]"));
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(BA("[{name: cpu, weight: 2}, {name: memory, weight: 1}]"),
                 KS_EINVAL, 7, 48, "invalid value 2: must be 1");
    EXPECT_ERROR(BA("[{name: cpu, weight: 1}, {name: cpu, weight: 1}]"),
                 KS_EINVAL, 7, 59, "duplicate value \"cpu\" (also "
                                   "resources[0])");
#undef BA
}

#define NA_ARGS(body)                                                          \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: NodeAffinity\n"                                     \
            "        args:\n"                                                  \
            "          addedAffinity:\n" body

/* TestValidateNodeAffinityArgs "empty" and "valid added affinity". */
static void test_validate_node_affinity_valid(void)
{
    ks_schedconfig *c = load(PROFILE "    pluginConfig:\n"
                                     "      - name: NodeAffinity\n");
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
    c = load(NA_ARGS(
        "            requiredDuringSchedulingIgnoredDuringExecution:\n"
        "              nodeSelectorTerms:\n"
        "                - matchExpressions:\n"
        "                    - {key: label-1, operator: In, "
        "values: [label-1-val]}\n"
        "            preferredDuringSchedulingIgnoredDuringExecution:\n"
        "              - weight: 1\n"
        "                preference:\n"
        "                  matchFields:\n"
        "                    - {key: metadata.name, operator: In, "
        "values: [node-1]}\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_nodeaffinity_args *na =
        ks_schedconfig_plugin_args(c, 0, "NodeAffinity");
    CU_ASSERT(na->added_affinity.has_required);
    CU_ASSERT_EQUAL_FATAL(na->added_affinity.required.nterms, 1);
    const ks_requirement *r =
        &na->added_affinity.required.terms[0].match_expressions[0];
    CU_ASSERT_STRING_EQUAL(r->key, "label-1");
    CU_ASSERT_EQUAL(r->op, KS_OP_IN);
    CU_ASSERT_STRING_EQUAL(r->values[0], "label-1-val");
    CU_ASSERT_EQUAL_FATAL(na->added_affinity.npreferred, 1);
    CU_ASSERT_EQUAL(na->added_affinity.preferred[0].weight, 1);
    CU_ASSERT_STRING_EQUAL(
        na->added_affinity.preferred[0].term.match_fields[0].values[0],
        "node-1");
    const ks_plugin_use *u = use_of(c, 0, "NodeAffinity");
    CU_ASSERT(u == NULL || u->args == na);
    ks_schedconfig_destroy(c);
}

/* TestValidateNodeAffinityArgs "invalid added affinity": the first of its
 * two errors (the key), then the second alone (matchFields with two
 * values). */
static void test_validate_node_affinity_invalid(void)
{
    EXPECT_ERROR(NA_ARGS(
                     "            "
                     "requiredDuringSchedulingIgnoredDuringExecution:\n"
                     "              nodeSelectorTerms:\n"
                     "                - matchExpressions:\n"
                     "                    - {key: invalid/label/key, "
                     "operator: In, values: [label-1-val]}\n"),
                 KS_EINVAL, 12, 29, "a qualified name must consist of");
    EXPECT_ERROR(NA_ARGS("            "
                         "preferredDuringSchedulingIgnoredDuringExecution:\n"
                         "              - weight: 1\n"
                         "                preference:\n"
                         "                  matchFields:\n"
                         "                    - {key: metadata.name, "
                         "operator: In, values: [node-1, node-2]}\n"),
                 KS_EINVAL, 13, 66, "values: must have one element");
    EXPECT_ERROR(NA_ARGS("            "
                         "preferredDuringSchedulingIgnoredDuringExecution:\n"
                         "              - weight: 1\n"
                         "                preference:\n"
                         "                  matchExpressions:\n"
                         "                    - {key: a, operator: Near}\n"),
                 KS_EINVAL, 13, 42,
                 "\"Near\" is not a valid node selector operator");
}

#define DP_ARGS(body)                                                          \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: DefaultPreemption\n"                                \
            "        args: " body "\n"

/* TestValidateDefaultPreemptionArgs "valid args (default)", "negative
 * minCandidateNodesPercentage", "minCandidateNodesPercentage over 100",
 * "negative minCandidateNodesAbsolute", "all zero". */
static void test_validate_default_preemption(void)
{
    ks_schedconfig *c = load(DP_ARGS("{minCandidateNodesPercentage: 10, "
                                     "minCandidateNodesAbsolute: 100}"));
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(DP_ARGS("{minCandidateNodesPercentage: -1}"), KS_ERANGE, 7,
                 45, "not in valid range [0, 100]");
    EXPECT_ERROR(DP_ARGS("{minCandidateNodesPercentage: 900}"), KS_ERANGE, 7,
                 45, "not in valid range [0, 100]");
    EXPECT_ERROR(DP_ARGS("{minCandidateNodesPercentage: 20, "
                         "minCandidateNodesAbsolute: -1}"),
                 KS_ERANGE, 7, 76, "not in valid range [0, inf)");
    EXPECT_ERROR(DP_ARGS("{minCandidateNodesPercentage: 0, "
                         "minCandidateNodesAbsolute: 0}"),
                 KS_EINVAL, 7, 45, "cannot be zero at the same time");
}

/* TestValidateInterPodAffinityArgs "valid args", "hardPodAffinityWeight
 * less than min", "hardPodAffinityWeight more than max". */
static void test_validate_inter_pod_affinity(void)
{
#define IPA(w)                                                                 \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: InterPodAffinity\n"                                 \
            "        args: {hardPodAffinityWeight: " w "}\n"
    ks_schedconfig *c = load(IPA("10"));
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(IPA("-1"), KS_ERANGE, 7, 39, "not in valid range [0, 100]");
    EXPECT_ERROR(IPA("101"), KS_ERANGE, 7, 39, "not in valid range [0, 100]");
#undef IPA
}

#define PTS_ARGS(body)                                                         \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: PodTopologySpread\n"                                \
            "        args:\n"                                                  \
            "          defaultingType: List\n"                                 \
            "          defaultConstraints:\n" body

/* TestValidatePodTopologySpreadArgs "valid config", "list default
 * constraints, no constraints", "system default constraints". */
static void test_validate_pts_valid(void)
{
    ks_schedconfig *c = load(PTS_ARGS(
        "            - {maxSkew: 1, topologyKey: node, "
        "whenUnsatisfiable: DoNotSchedule}\n"
        "            - {maxSkew: 2, topologyKey: zone, "
        "whenUnsatisfiable: ScheduleAnyway}\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_pts_args *pts = ks_schedconfig_plugin_args(c, 0,
                                                        "PodTopologySpread");
    CU_ASSERT_EQUAL(pts->defaulting_type, KS_PTS_LIST_DEFAULTING);
    CU_ASSERT_EQUAL_FATAL(pts->ndefault_constraints, 2);
    CU_ASSERT_EQUAL(pts->default_constraints[1].max_skew, 2);
    CU_ASSERT_STRING_EQUAL(pts->default_constraints[1].topology_key, "zone");
    CU_ASSERT_EQUAL(pts->default_constraints[1].when_unsatisfiable,
                    KS_SCHEDULE_ANYWAY);
    CU_ASSERT_EQUAL(pts->default_constraints[1].node_taints_policy,
                    KS_POLICY_IGNORE);
    ks_schedconfig_destroy(c);
    c = load(PTS_ARGS("            []\n"));
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
    c = load(PROFILE "    pluginConfig:\n"
                     "      - name: PodTopologySpread\n"
                     "        args: {defaultingType: System}\n");
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
}

/* TestValidatePodTopologySpreadArgs "maxSkew less than zero", "empty
 * topology key", "whenUnsatisfiable is empty", "whenUnsatisfiable contains
 * unsupported action". */
static void test_validate_pts_fields(void)
{
    EXPECT_ERROR(PTS_ARGS("            - {maxSkew: -1, topologyKey: node, "
                          "whenUnsatisfiable: DoNotSchedule}\n"),
                 KS_ERANGE, 10, 25, "maxSkew: invalid value -1: not in valid "
                                    "range (0, inf)");
    EXPECT_ERROR(PTS_ARGS("            - {maxSkew: 1, topologyKey: \"\", "
                          "whenUnsatisfiable: DoNotSchedule}\n"),
                 KS_EINVAL, 10, 41, "topologyKey: required value");
    EXPECT_ERROR(PTS_ARGS("            - {maxSkew: 1, topologyKey: node}\n"),
                 KS_EINVAL, 10, 15, "whenUnsatisfiable: required value");
    EXPECT_ERROR(PTS_ARGS("            - {maxSkew: 1, topologyKey: node, "
                          "whenUnsatisfiable: \"unknown action\"}\n"),
                 KS_EINVAL, 10, 66, "unknown whenUnsatisfiable action");
}

/* TestValidatePodTopologySpreadArgs "duplicated constraints", "label
 * selector present", "wrong constraints", "system default constraints, but
 * has constraints". */
static void test_validate_pts_rules(void)
{
    EXPECT_ERROR(PTS_ARGS("            - {maxSkew: 1, topologyKey: node, "
                          "whenUnsatisfiable: DoNotSchedule}\n"
                          "            - {maxSkew: 2, topologyKey: node, "
                          "whenUnsatisfiable: DoNotSchedule}\n"),
                 KS_EINVAL, 11, 15, "duplicate value {node, DoNotSchedule}");
    EXPECT_ERROR(PTS_ARGS("            - maxSkew: 1\n"
                          "              topologyKey: key\n"
                          "              whenUnsatisfiable: DoNotSchedule\n"
                          "              labelSelector: {matchLabels: {a: b}}\n"),
                 KS_EINVAL, 13, 15, "labelSelector: forbidden");
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: PodTopologySpread\n"
                         "        args: {defaultingType: unknown}\n",
                 KS_EINVAL, 7, 32, "unknown defaultingType \"unknown\"");
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: PodTopologySpread\n"
                         "        args:\n"
                         "          defaultingType: System\n"
                         "          defaultConstraints:\n"
                         "            - {maxSkew: 1, topologyKey: key, "
                         "whenUnsatisfiable: DoNotSchedule}\n",
                 KS_EINVAL, 8, 27, "defaultingType: invalid value \"System\"");
}

/* TestValidateVolumeBindingArgs "zero is a valid config", "positive value
 * is valid config", "negative value is invalid config ". */
static void test_validate_volume_binding(void)
{
#define VB(v)                                                                  \
    PROFILE "    pluginConfig:\n"                                              \
            "      - name: VolumeBinding\n"                                    \
            "        args: {bindTimeoutSeconds: " v "}\n"
    ks_schedconfig *c = load(VB("0"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_schedconfig_volume_binding_args *vb =
        ks_schedconfig_plugin_args(c, 0, "VolumeBinding");
    CU_ASSERT_EQUAL(vb->bind_timeout_seconds, 0);
    ks_schedconfig_destroy(c);
    c = load(VB("10"));
    CU_ASSERT_PTR_NOT_NULL(c);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(VB("-10"), KS_ERANGE, 7, 36,
                 "invalid BindTimeoutSeconds, should not be a negative value");
#undef VB
}

/* ---- plugins: merge, MultiPoint expansion, weights ----------------------- */

/* The OpenShift HighNodeUtilization shape: a Score entry overrides the
 * MultiPoint plugin (its weight wins, and it runs first at Score). */
static void test_score_override_weight(void)
{
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      score:\n"
                                     "        disabled: [{name: ImageLocality}]\n"
                                     "        enabled:\n"
                                     "          - {name: NodeResourcesFit, "
                                     "weight: 5}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(point_is(c, 0, "score",
                       "NodeResourcesFit,TaintToleration,NodeAffinity,"
                       "VolumeBinding,PodTopologySpread,InterPodAffinity,"
                       "DynamicResources,NodeResourcesBalancedAllocation"));
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, 0, "NodeResourcesFit"), 5);
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(c, 0, "ImageLocality"), 0);
    const ks_plugin_use *u = use_of(c, 0, "NodeResourcesFit");
    CU_ASSERT(u && u->filter && u->score && u->weight == 5);
    CU_ASSERT_PTR_NULL(use_of(c, 0, "ImageLocality"));
    /* ImageLocality still runs nowhere else: it only scores. */
    CU_ASSERT(point_is(c, 0, "preScore",
                       "TaintToleration,NodeAffinity,NodeResourcesFit,"
                       "VolumeBinding,PodTopologySpread,InterPodAffinity,"
                       "NodeResourcesBalancedAllocation"));
    ks_schedconfig_destroy(c);
}

/* MultiPoint: weights given there, "*" at one extension point, and a
 * custom order with all defaults disabled. */
static void test_multipoint_expansion(void)
{
    ks_schedconfig *c = load(
        PROFILE "    plugins:\n"
                "      multiPoint:\n"
                "        disabled: [{name: \"*\"}]\n"
                "        enabled:\n"
                "          - {name: PrioritySort}\n"
                "          - {name: DefaultBinder}\n"
                "          - {name: NodeResourcesFit, weight: 4}\n"
                "          - {name: TaintToleration, weight: 0}\n"
                "          - {name: NodeUnschedulable}\n"
                "      preScore:\n"
                "        disabled: [{name: \"*\"}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(point_is(c, 0, "filter",
                       "NodeResourcesFit,TaintToleration,NodeUnschedulable"));
    CU_ASSERT(point_is(c, 0, "score", "NodeResourcesFit,TaintToleration"));
    CU_ASSERT(point_is(c, 0, "preScore", ""));
    CU_ASSERT(point_is(c, 0, "preFilter", "NodeResourcesFit"));
    const want_use w[] = {
        {"NodeResourcesFit", 1, 1, 4},
        {"TaintToleration", 1, 1, 1}, /* weight 0 means 1 */
        {"NodeUnschedulable", 1, 0, 0},
    };
    CU_ASSERT(uses_are(c, 0, w, 3));
    CU_ASSERT(has_warning(c, "TaintToleration is enabled at score but not "
                             "at preScore"));
    ks_schedconfig_destroy(c);
}

/* expandMultiPointPlugins: a plugin enabled at a specific point runs
 * there first (in that point's order), then the MultiPoint ones. */
static void test_filter_override_order(void)
{
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      filter:\n"
                                     "        enabled:\n"
                                     "          - {name: NodePorts}\n"
                                     "          - {name: NodeName}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(point_is(c, 0, "filter",
                       "NodePorts,NodeName,NodeUnschedulable,"
                       "TaintToleration,NodeAffinity,NodeResourcesFit,"
                       "VolumeRestrictions,NodeVolumeLimits,VolumeBinding,"
                       "VolumeZone,PodTopologySpread,InterPodAffinity,"
                       "DynamicResources"));
    const ks_profile_config *p = &ks_schedconfig_get(c)->profiles[0];
    CU_ASSERT_STRING_EQUAL(p->plugins[0].plugin->name, "NodePorts");
    CU_ASSERT_STRING_EQUAL(p->plugins[1].plugin->name, "NodeName");
    ks_schedconfig_destroy(c);
}

/* A plugin disabled at Filter only keeps its Score part. */
static void test_disable_one_point(void)
{
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      filter:\n"
                                     "        disabled: [{name: TaintToleration}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_plugin_use *u = use_of(c, 0, "TaintToleration");
    CU_ASSERT(u && !u->filter && u->score && u->weight == 3);
    ks_schedconfig_destroy(c);
}

/* updatePluginList and expandMultiPointPlugins errors. */
static void test_framework_errors(void)
{
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      filter:\n"
                         "        enabled: [{name: ImageLocality}]\n",
                 KS_EINVAL, 7, 26,
                 "plugin \"ImageLocality\" does not extend FilterPlugin "
                 "plugin (it implements: score)");
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      filter:\n"
                         "        enabled: [{name: NodeName}, {name: NodeName}]\n",
                 KS_EINVAL, 7, 44,
                 "plugin \"NodeName\" already registered as \"FilterPlugin\"");
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      multiPoint:\n"
                         "        enabled: [{name: NodePorts}, {name: NodePorts}]\n",
                 KS_EINVAL, 7, 26,
                 "plugin \"NodePorts\" already registered as "
                 "\"PreFilterPlugin\"");
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      queueSort:\n"
                         "        disabled: [{name: \"*\"}]\n",
                 KS_EINVAL, 7, 9,
                 "only one queue sort plugin required for profile with "
                 "scheduler name \"default-scheduler\", but got 0");
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      multiPoint:\n"
                         "        disabled: [{name: DefaultBinder}]\n",
                 KS_EINVAL, 6, 7, "at least one bind plugin is needed");
}

/* Plugins ksim cannot run: out-of-tree names fail at the name with the
 * known ones listed; plugins removed before v1 fail as validation.go says;
 * disabling an unknown name is harmless. */
static void test_unknown_plugins(void)
{
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      score:\n"
                         "        enabled: [{name: NodeResourcesLeastAllocated}]\n",
                 KS_EINVAL, 7, 26,
                 "unknown plugin \"NodeResourcesLeastAllocated\": not an "
                 "in-tree plugin of kube-scheduler 1.36");
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      score:\n"
                         "        enabled: [{name: Foo}]\n",
                 KS_EINVAL, 7, 26, "(known plugins: SchedulingGates, "
                                   "PrioritySort, NodeUnschedulable");
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      filter:\n"
                         "        enabled: [{name: EBSLimits}]\n",
                 KS_EINVAL, 7, 26,
                 "was invalid in version \"kubescheduler.config.k8s.io/v1\"");
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      score:\n"
                                     "        disabled: [{name: Foo}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(has_warning(c, "disabling \"Foo\" at score has no effect"));
    ks_schedconfig_destroy(c);
}

/* validation.go: profile names unique and required, one queueSort setup. */
static void test_profile_validation(void)
{
    EXPECT_ERROR(HEAD "profiles:\n"
                      "  - schedulerName: a\n"
                      "  - schedulerName: a\n",
                 KS_EINVAL, 5, 20,
                 "duplicate value \"a\" (also profiles[0].schedulerName)");
    EXPECT_ERROR(HEAD "profiles:\n  - schedulerName: \"\"\n", KS_EINVAL, 4,
                 20, "required value");
    EXPECT_ERROR(HEAD "profiles:\n"
                      "  - schedulerName: a\n"
                      "  - schedulerName: b\n"
                      "    plugins:\n"
                      "      queueSort:\n"
                      "        enabled: [{name: PrioritySort}]\n"
                      "        disabled: [{name: \"*\"}]\n",
                 KS_EINVAL, 8, 9, "queueSort must be the same for all "
                                  "profiles");
    EXPECT_ERROR(HEAD "profiles:\n  - percentageOfNodesToScore: 101\n",
                 KS_ERANGE, 4, 31, "not in valid range [0-100]");
}

/* pluginConfig: names must be in-tree, once each; args of a plugin without
 * args, or of a plugin not enabled, are accepted with a warning. */
static void test_plugin_config_rules(void)
{
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: NodeAffinity\n"
                         "      - name: NodeAffinity\n",
                 KS_EINVAL, 7, 15, "duplicate value \"NodeAffinity\"");
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: Coscheduling\n"
                         "        args: {permitWaitingTimeSeconds: 10}\n",
                 KS_EINVAL, 6, 15, "unknown plugin \"Coscheduling\"");
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: NodeResourcesFit\n"
                         "        args: {kind: NodeAffinityArgs}\n",
                 KS_EINVAL, 7, 22, "were not of type NodeResourcesFitArgs");
    EXPECT_ERROR(PROFILE "    pluginConfig:\n"
                         "      - name: NodeResourcesFit\n"
                         "        args: {scoringStratgy: {}}\n",
                 KS_EPARSE, 7, 16, "unknown key \"scoringStratgy\"");
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      multiPoint:\n"
                                     "        disabled: [{name: PodTopologySpread}]\n"
                                     "    pluginConfig:\n"
                                     "      - name: TaintToleration\n"
                                     "        args: {x: 1}\n"
                                     "      - name: PodTopologySpread\n"
                                     "        args:\n"
                                     "          apiVersion: "
                                     "kubescheduler.config.k8s.io/v1\n"
                                     "          kind: PodTopologySpreadArgs\n"
                                     "          defaultingType: List\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(has_warning(c, "args for TaintToleration are ignored"));
    CU_ASSERT(has_warning(c, "args for PodTopologySpread are given but the "
                             "plugin is not enabled"));
    ks_schedconfig_destroy(c);
}

/* Alpha in-tree plugins are accepted, never expanded from MultiPoint and
 * never simulated. */
static void test_alpha_plugins(void)
{
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      multiPoint:\n"
                                     "        enabled: [{name: GangScheduling}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(has_warning(c, "GangScheduling is an alpha plugin that ksim "
                             "does not simulate"));
    CU_ASSERT(point_is(c, 0, "queueSort", "PrioritySort"));
    check_default_profile(c, 0);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(PROFILE "    plugins:\n"
                         "      queueSort:\n"
                         "        enabled: [{name: NodeDeclaredFeatures}]\n",
                 KS_EINVAL, 7, 9, "but got 2");
}

/* A plugin enabled at Filter without PreFilter (or the reverse) runs
 * differently upstream: warned.  A PreScore left without its Score is not
 * (OpenShift's HighNodeUtilization does that to BalancedAllocation). */
static void test_half_enabled_warnings(void)
{
    ks_schedconfig *c = load(PROFILE "    plugins:\n"
                                     "      preFilter:\n"
                                     "        disabled: [{name: NodeResourcesFit}]\n"
                                     "      filter:\n"
                                     "        disabled: [{name: NodeAffinity}]\n"
                                     "      score:\n"
                                     "        disabled: [{name: "
                                     "NodeResourcesBalancedAllocation}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(has_warning(c, "NodeResourcesFit is enabled at filter but not "
                             "at preFilter"));
    CU_ASSERT(has_warning(c, "NodeAffinity is enabled at preFilter but not "
                             "at filter: ksim runs neither"));
    CU_ASSERT(!has_warning(c, "NodeResourcesBalancedAllocation is enabled"));
    const ks_plugin_use *u = use_of(c, 0, "NodeAffinity");
    CU_ASSERT(u && !u->filter && u->score);
    CU_ASSERT_PTR_NULL(use_of(c, 0, "NodeResourcesBalancedAllocation"));
    ks_schedconfig_destroy(c);
}

/* Scoring resources by name: extended resources are registered and
 * weighted; a name no node can have is warned about and left out.  An
 * added required affinity without terms matches no node, as upstream. */
static void test_resource_names_and_empty_affinity(void)
{
    ks_schedconfig *c = load(FIT_ARGS(
        "          scoringStrategy:\n"
        "            type: MostAllocated\n"
        "            resources: [{name: nvidia.com/gpu, weight: 3}, "
        "{name: foo, weight: 2}]\n"
        "      - name: NodeAffinity\n"
        "        args:\n"
        "          addedAffinity:\n"
        "            requiredDuringSchedulingIgnoredDuringExecution: {}\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    int gpu = ks_resource_lookup("nvidia.com/gpu");
    CU_ASSERT_FATAL(gpu >= 0);
    CU_ASSERT_EQUAL(fit->weight[gpu], 3);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_CPU], 0);
    CU_ASSERT(has_warning(c, "resource \"foo\" is not a Kubernetes resource "
                             "name"));
    const ks_nodeaffinity_args *na =
        ks_schedconfig_plugin_args(c, 0, "NodeAffinity");
    CU_ASSERT(na->added_affinity.has_required);
    CU_ASSERT_EQUAL(na->added_affinity.required.nterms, 0);
    CU_ASSERT(has_warning(c, "has no terms, so no node matches it"));
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(HEAD "extenders:\n"
                      "  - {urlPrefix: x, bindVerb: b}\n"
                      "  - {urlPrefix: y, bindVerb: c}\n",
                 KS_EINVAL, 4, 3, "only one extender can implement bind");
}

/* ---- the top level ------------------------------------------------------- */

static void test_api_version_and_kind(void)
{
    EXPECT_ERROR("apiVersion: kubescheduler.config.k8s.io/v1beta3\n"
                 "kind: KubeSchedulerConfiguration\n",
                 KS_EINVAL, 1, 13,
                 "stopped reading it in Kubernetes 1.29; ksim reads "
                 "kubescheduler.config.k8s.io/v1");
    EXPECT_ERROR("kind: KubeSchedulerConfiguration\napiVersion: v1\n",
                 KS_EINVAL, 2, 13, "unsupported apiVersion \"v1\"");
    EXPECT_ERROR("apiVersion: kubescheduler.config.k8s.io/v1\nkind: Pod\n",
                 KS_EINVAL, 2, 7, "unsupported kind \"Pod\"");
    EXPECT_ERROR("kind: KubeSchedulerConfiguration\n", KS_EPARSE, 1, 1,
                 "missing required key \"apiVersion\"");
}

/* Unknown keys are errors (kube-scheduler decodes strictly); keys older
 * versions had get a hint. */
static void test_unknown_and_removed_keys(void)
{
    EXPECT_ERROR(HEAD "percentageOfNodeToScore: 10\n", KS_EPARSE, 3, 1,
                 "unknown key \"percentageOfNodeToScore\"");
    EXPECT_ERROR(HEAD "healthzBindAddress: 0.0.0.0:10251\n", KS_EPARSE, 3, 1,
                 "key \"healthzBindAddress\" is not part of "
                 "kubescheduler.config.k8s.io/v1");
    EXPECT_ERROR(HEAD "leaderElection: {leaderElekt: true}\n", KS_EPARSE, 3,
                 18, "unknown key \"leaderElekt\"");
    EXPECT_ERROR(PROFILE "    plugins:\n      filters: {}\n", KS_EPARSE, 6, 7,
                 "unknown key \"filters\"");
}

/* Fields with no meaning in a simulation: validated, then listed once. */
static void test_unmodelled_fields(void)
{
    ks_schedconfig *c = load(HEAD "parallelism: 8\n"
                                  "leaderElection: {leaderElect: false}\n"
                                  "clientConnection: {kubeconfig: x, qps: 50,"
                                  " burst: 100}\n"
                                  "enableProfiling: true\n"
                                  "delayCacheUntilActive: false\n"
                                  "extenders:\n"
                                  "  - urlPrefix: http://localhost:8080/\n"
                                  "    prioritizeVerb: priorities\n"
                                  "    weight: 1\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT(has_warning(c, "accepted but not simulated (no effect on the "
                             "results): parallelism, leaderElection, "
                             "clientConnection, enableProfiling, "
                             "delayCacheUntilActive"));
    CU_ASSERT(has_warning(c, "extenders are not simulated"));
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(HEAD "parallelism: 0\n", KS_ERANGE, 3, 14,
                 "should be an integer value greater than zero");
    EXPECT_ERROR(HEAD "leaderElection: {resourceLock: endpoints}\n",
                 KS_EINVAL, 3, 32, "resourceLock value must be \"leases\"");
    EXPECT_ERROR(HEAD "leaderElection: {leaseDuration: 5s}\n", KS_EINVAL, 3,
                 33, "LeaseDuration must be greater than RenewDeadline");
    EXPECT_ERROR(HEAD "extenders:\n  - {urlPrefix: x, prioritizeVerb: p}\n",
                 KS_EINVAL, 4, 5, "must have a positive weight");
}

/* podInitialBackoffSeconds and podMaxBackoffSeconds (validation.go). */
static void test_backoffs(void)
{
    ks_schedconfig *c = load(HEAD "podInitialBackoffSeconds: 2\n"
                                  "podMaxBackoffSeconds: 30\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->queue.initial_backoff,
                    2 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->queue.max_backoff, 30 * KS_SECOND);
    ks_schedconfig_destroy(c);
    EXPECT_ERROR(HEAD "podInitialBackoffSeconds: 0\n", KS_ERANGE, 3, 27,
                 "must be greater than 0");
    EXPECT_ERROR(HEAD "podInitialBackoffSeconds: 20\n", KS_ERANGE, 3, 27,
                 "must be greater than or equal to PodInitialBackoffSeconds");
    EXPECT_ERROR(HEAD "podMaxBackoffSeconds: \"10\"\n", KS_EPARSE, 3, 23,
                 "expected an integer, got the quoted string");
}

/* The warnings for upstream plugins that ksim does not simulate. */
static void test_not_simulated_warnings(void)
{
    ks_schedconfig *c = ks_schedconfig_default(36);
    CU_ASSERT(has_warning(c, "VolumeRestrictions, NodeVolumeLimits, "
                             "VolumeBinding, VolumeZone: not simulated"));
    CU_ASSERT(has_warning(c, "SchedulingGates is not simulated"));
    CU_ASSERT(has_warning(c, "DynamicResources is not simulated"));
    if (!ks_plugin_lookup("PodTopologySpread"))
        CU_ASSERT(has_warning(c, "PodTopologySpread is not simulated yet"));
    if (!ks_plugin_lookup("InterPodAffinity"))
        CU_ASSERT(has_warning(c, "InterPodAffinity is not simulated yet"));
    if (!ks_plugin_lookup("DefaultPreemption"))
        CU_ASSERT(has_warning(c, "DefaultPreemption is not simulated yet"));
    CU_ASSERT(!has_warning(c, "PrioritySort"));
    CU_ASSERT(!has_warning(c, "DefaultBinder"));
    ks_schedconfig_destroy(c);
}

/* ---- the real configuration files (tests/data/k8s-dumps) ----------------- */

static int dumps_present(void)
{
    return ks_test_file_exists(DUMPS "README.md");
}

static int file_fails_with(const char *path, int code, int line, int col,
                           const char *want)
{
    ks_schedconfig *c = (ks_schedconfig *)1;
    ks_error err;
    int rc = ks_schedconfig_load_file(path, 36, &c, &err);
    int ok = rc == code && err.line == line && err.col == col &&
             strstr(err.msg, want) && c == NULL && !strcmp(err.file, path);
    if (!ok) {
        fprintf(stderr, "\n%s: wanted %d:%d \"%s\"\n   got ", path, line, col,
                want);
        ks_error_print(&err, stderr);
    }
    if (!rc)
        ks_schedconfig_destroy(c);
    return ok;
}

static ks_schedconfig *load_path(const char *path)
{
    ks_schedconfig *c = NULL;
    ks_error err;
    if (ks_schedconfig_load_file(path, 36, &c, &err))
        ks_error_print(&err, stderr);
    return c;
}

/* OpenShift's production base config: no profiles, leader election with
 * quoted durations, profiling flags: the default profile, with a warning. */
static void test_file_openshift_defaultconfig(void)
{
    CU_ASSERT_FATAL(dumps_present()); /* shipped in tests/data */
    ks_schedconfig *c =
        load_path(DUMPS "cluster-kube-scheduler-operator--defaultconfig.yaml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(ks_schedconfig_get(c)->nprofiles, 1);
    check_default_profile(c, 0);
    check_default_args(c, 0);
    CU_ASSERT(has_warning(c, "not simulated (no effect on the results): "
                             "leaderElection, clientConnection, "
                             "enableProfiling, enableContentionProfiling"));
    ks_schedconfig_destroy(c);
}

/* OpenShift HighNodeUtilization: MostAllocated, Fit weight 5 at Score,
 * BalancedAllocation off; pluginConfig with args before name. */
static void test_file_openshift_high_node_utilization(void)
{
    CU_ASSERT_FATAL(dumps_present()); /* shipped in tests/data */
    ks_schedconfig *c = load_path(
        DUMPS "cluster-kube-scheduler-operator--defaultconfig-postbootstrap-"
              "highnodeutilization.yaml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    const ks_fit_args *fit = ks_schedconfig_plugin_args(c, 0,
                                                        "NodeResourcesFit");
    CU_ASSERT_EQUAL(fit->strategy, KS_FIT_MOST_ALLOCATED);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_CPU], 1);
    CU_ASSERT_EQUAL(fit->weight[KS_RES_MEMORY], 1);
    const want_use w[] = {
        {"NodeUnschedulable", 1, 0, 0},
        {"NodeName", 1, 0, 0},
        {"TaintToleration", 1, 1, 3},
        {"NodeAffinity", 1, 1, 2},
        {"NodePorts", 1, 0, 0},
        {"NodeResourcesFit", 1, 1, 5},
        {"PodTopologySpread", 1, 1, 2},
        {"InterPodAffinity", 1, 1, 2},
        {"DefaultPreemption", 1, 0, 0},
        {"ImageLocality", 0, 1, 1},
    };
    CU_ASSERT(uses_are(c, 0, w, sizeof w / sizeof w[0]));
    CU_ASSERT_EQUAL(ks_schedconfig_score_weight(
                        c, 0, "NodeResourcesBalancedAllocation"),
                    0);
    ks_schedconfig_destroy(c);
}

/* scheduler-plugins Coscheduling: an out-of-tree plugin at MultiPoint. */
static void test_file_coscheduling(void)
{
    CU_ASSERT_FATAL(dumps_present()); /* shipped in tests/data */
    CU_ASSERT(file_fails_with(
        DUMPS "scheduler-plugins--coscheduling--scheduler-config.yaml",
        KS_EINVAL, 12, 15, "unknown plugin \"Coscheduling\""));
}

/* scheduler-plugins Trimaran (v1beta3) and NodeResourceTopology
 * (v1beta1): API versions kube-scheduler no longer reads. */
static void test_file_old_api_versions(void)
{
    CU_ASSERT_FATAL(dumps_present()); /* shipped in tests/data */
    CU_ASSERT(file_fails_with(
        DUMPS "scheduler-plugins--trimaran--scheduler-config.yaml", KS_EINVAL,
        1, 13, "unsupported apiVersion "
               "\"kubescheduler.config.k8s.io/v1beta3\""));
    CU_ASSERT(file_fails_with(
        DUMPS "scheduler-plugins--noderesourcetopology--scheduler-config-"
              "v1beta1.yaml",
        KS_EINVAL, 1, 13, "stopped reading it in Kubernetes 1.23"));
}

/* kube-scheduler-wasm-extension: kind first, an unnamed profile, a WASM
 * plugin at MultiPoint, extenders. */
static void test_file_wasm(void)
{
    CU_ASSERT_FATAL(dumps_present()); /* shipped in tests/data */
    CU_ASSERT(file_fails_with(
        DUMPS "kube-scheduler-wasm-extension--sched-config-all-enabled.yaml",
        KS_EINVAL, 7, 19, "unknown plugin \"wasm\""));
}

static void test_missing_file(void)
{
    ks_schedconfig *c = (ks_schedconfig *)1;
    ks_error err;
    CU_ASSERT_EQUAL(ks_schedconfig_load_file("/nonexistent/x.yaml", 36, &c,
                                             &err),
                    KS_ENOENT);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT(strstr(err.msg, "cannot open scheduler configuration") != NULL);
}

void ks_suite_schedconfig(void)
{
    static const ks_test_case cases[] = {
        {"TestMergePlugins AppendCustomPlugin", test_merge_0},
        {"TestMergePlugins InsertAfterDefaultPlugins2", test_merge_1},
        {"TestMergePlugins InsertBeforeAllPlugins", test_merge_2},
        {"TestMergePlugins ReorderDefaultPlugins", test_merge_3},
        {"TestMergePlugins ApplyNilCustomPlugin", test_merge_4},
        {"TestMergePlugins CustomPluginOverrideDefaultPlugin", test_merge_5},
        {"TestMergePlugins OrderPreserveAfterOverride", test_merge_6},
        {"TestMergePlugins RepeatedCustomPlugin", test_merge_7},
        {"TestMergePlugins Append custom MultiPoint plugin", test_merge_8},
        {"TestMergePlugins Append disabled Multipoint plugins (multiPoint)",
         test_merge_9},
        {"TestMergePlugins Append disabled Multipoint plugins (score)",
         test_merge_10},
        {"TestMergePlugins override default MultiPoint plugins",
         test_merge_11},
        {"TestMergePlugins disabled MultiPoint plugin in default set",
         test_merge_12},
        {"TestMergePlugins disabled ... for specific extension point",
         test_merge_13},
        {"TestMergePlugins multipoint with only disabled gets merged",
         test_merge_14},
        {"TestSchedulerDefaults empty config", test_defaults_empty_config},
        {"TestSchedulerDefaults empty config (file)",
         test_defaults_header_only},
        {"TestSchedulerDefaults no scheduler name",
         test_defaults_no_scheduler_name},
        {"TestSchedulerDefaults two profiles", test_defaults_two_profiles},
        {"TestSchedulerDefaults percentageOfNodesToScore",
         test_defaults_percentages},
        {"TestPluginArgsDefaults partial args", test_args_defaults_partial},
        {"TestPluginArgsDefaults BalancedAllocation no weight",
         test_args_defaults_ba_no_weight},
        {"TestPluginArgsDefaults NodeResourcesFitArgs Resources empty",
         test_args_defaults_fit_resources_empty},
        {"TestPluginArgsDefaults PodTopologySpreadArgs with value",
         test_args_defaults_pts_with_value},
        {"TestValidateFitArgs ignoredResources",
         test_validate_fit_ignored_resources},
        {"TestValidateFitArgs ignoredResourceGroups",
         test_validate_fit_ignored_groups},
        {"TestValidateLeastAllocatedScoringStrategy",
         test_validate_least_allocated},
        {"TestValidateMostAllocatedScoringStrategy",
         test_validate_most_allocated},
        {"TestValidateRequestedToCapacityRatio valid/empty",
         test_validate_rtcr_valid_and_empty},
        {"TestValidateRequestedToCapacityRatio ranges",
         test_validate_rtcr_ranges},
        {"TestValidateRequestedToCapacityRatio order",
         test_validate_rtcr_order},
        {"TestValidateRequestedToCapacityRatio strategy",
         test_validate_rtcr_strategy},
        {"TestValidateNodeResourcesBalancedAllocationArgs",
         test_validate_balanced_allocation},
        {"TestValidateNodeAffinityArgs valid",
         test_validate_node_affinity_valid},
        {"TestValidateNodeAffinityArgs invalid",
         test_validate_node_affinity_invalid},
        {"TestValidateDefaultPreemptionArgs",
         test_validate_default_preemption},
        {"TestValidateInterPodAffinityArgs", test_validate_inter_pod_affinity},
        {"TestValidatePodTopologySpreadArgs valid", test_validate_pts_valid},
        {"TestValidatePodTopologySpreadArgs fields", test_validate_pts_fields},
        {"TestValidatePodTopologySpreadArgs rules", test_validate_pts_rules},
        {"TestValidateVolumeBindingArgs", test_validate_volume_binding},
        {"score override and weight", test_score_override_weight},
        {"multiPoint expansion", test_multipoint_expansion},
        {"filter override order", test_filter_override_order},
        {"disable at one point", test_disable_one_point},
        {"framework errors", test_framework_errors},
        {"unknown plugins", test_unknown_plugins},
        {"profile validation", test_profile_validation},
        {"pluginConfig rules", test_plugin_config_rules},
        {"alpha plugins", test_alpha_plugins},
        {"half-enabled plugins", test_half_enabled_warnings},
        {"resource names, empty added affinity",
         test_resource_names_and_empty_affinity},
        {"apiVersion and kind", test_api_version_and_kind},
        {"unknown and removed keys", test_unknown_and_removed_keys},
        {"unmodelled fields", test_unmodelled_fields},
        {"backoffs", test_backoffs},
        {"not simulated warnings", test_not_simulated_warnings},
        {"file: OpenShift defaultconfig", test_file_openshift_defaultconfig},
        {"file: OpenShift HighNodeUtilization",
         test_file_openshift_high_node_utilization},
        {"file: Coscheduling", test_file_coscheduling},
        {"file: old apiVersions", test_file_old_api_versions},
        {"file: WASM extension", test_file_wasm},
        {"missing file", test_missing_file},
        {NULL, NULL},
    };
    ks_test_add_suite("schedconfig", cases);
}
