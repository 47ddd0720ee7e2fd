/* test_loader.c - the scenario loader and its YAML tree: the quickstart's
 * exact values, every documented default, and bad inputs with their exact
 * error code, line, column and message.
 *
 * Error cases go through EXPECT_ERROR so a failure points at the case's own
 * line and prints what the loader said instead.  Run under ASan, the leak
 * checker covers every error path exercised here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/scenario.h"
#include "scenarios/yaml_tree.h"
#include "tests/suites.h"
#include "tests/test_util.h"

/* The smallest valid scenario, split so cases can replace one part. */
#define HEAD "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
#define POOL "      - {name: p, count: 1, allocatable: {cpu: \"1\", memory: 1Gi}}\n"
#define CLUSTER "  cluster:\n    nodePools:\n" POOL
#define MINIMAL HEAD "spec:\n  duration: 1h\n" CLUSTER
/* MINIMAL plus a workloads list whose one generator is GEN (indented 8). */
#define WITH_GEN(gen)                                                          \
    MINIMAL "  workloads:\n    - generator:\n        arrivals: {rate: 1/s}\n"  \
            "        duration: 1m\n" gen

static ks_scenario *load_text(const char *text)
{
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_buffer(text, strlen(text), "t.yaml", &sc, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return sc;
}

/* True when loading text fails with exactly code, line, col and a message
 * containing want; prints the difference otherwise. */
static int fails_with(const char *text, int code, int line, int col,
                      const char *want)
{
    ks_scenario *sc = (ks_scenario *)1;
    ks_error err;
    int rc = ks_scenario_load_buffer(text, strlen(text), "bad.yaml", &sc, &err);
    int ok = rc == code && err.code == code && err.line == line &&
             err.col == col && strstr(err.msg, want) != NULL && sc == NULL &&
             !strcmp(err.file, "bad.yaml");
    if (!ok) {
        fprintf(stderr, "\nwanted %s %d:%d \"%s\"\n   got %s ", ks_errname(code),
                line, col, want, ks_errname(rc));
        ks_error_print(&err, stderr);
    }
    ks_scenario_destroy(rc ? NULL : sc);
    return ok;
}

#define EXPECT_ERROR(text, code, line, col, want)                              \
    CU_ASSERT(fails_with((text), (code), (line), (col), (want)))

/* ---- the quickstart ----------------------------------------------------- */

static void test_quickstart_values(void)
{
    ks_scenario *sc = NULL;
    ks_error err;
    const char *path = ks_test_src("scenarios/examples/quickstart.yaml");
    char saved[4096];
    snprintf(saved, sizeof saved, "%s", path);
    int rc = ks_scenario_load_file(saved, &sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_STRING_EQUAL(sc->path, saved);
    CU_ASSERT_STRING_EQUAL(sc->name, "quickstart");
    CU_ASSERT_EQUAL(sc->seed, 42);
    CU_ASSERT_EQUAL(sc->duration, 2 * KS_HOUR);
    CU_ASSERT_EQUAL(sc->duration, 7200000000000LL);
    CU_ASSERT_STRING_EQUAL(sc->kubernetes_version, "1.36");
    CU_ASSERT_EQUAL(sc->metrics_interval, 10 * KS_SECOND);

    CU_ASSERT_EQUAL_FATAL(sc->npools, 1);
    const ks_node_pool *p = &sc->pools[0];
    CU_ASSERT_STRING_EQUAL(p->name, "general");
    CU_ASSERT_EQUAL(p->count, 20);
    CU_ASSERT_EQUAL(p->allocatable[KS_RES_CPU], 16000);
    CU_ASSERT_EQUAL(p->allocatable[KS_RES_MEMORY], 64LL << 30);
    CU_ASSERT_EQUAL(p->allocatable[KS_RES_PODS], 110);
    CU_ASSERT_EQUAL_FATAL(p->nlabels, 1);
    CU_ASSERT_STRING_EQUAL(p->labels[0].key, "disk");
    CU_ASSERT_STRING_EQUAL(p->labels[0].value, "ssd");

    CU_ASSERT_EQUAL_FATAL(sc->ngenerators, 1);
    const ks_generator *g = &sc->generators[0];
    CU_ASSERT_STRING_EQUAL(g->name, "batch");
    CU_ASSERT_DOUBLE_EQUAL(g->rate_per_second, 0.8, 1e-15);
    CU_ASSERT_EQUAL(g->count, 5000);
    CU_ASSERT_EQUAL(g->start, 0);
    CU_ASSERT_EQUAL(g->stop, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(g->duration.kind, KS_DIST_EXPONENTIAL);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.a, 360.0, 0);
    CU_ASSERT_TRUE(g->has_request[KS_RES_CPU]);
    CU_ASSERT_EQUAL(g->request[KS_RES_CPU].kind, KS_DIST_UNIFORM);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_CPU].a, 100.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_CPU].b, 2000.0, 0);
    CU_ASSERT_TRUE(g->has_request[KS_RES_MEMORY]);
    CU_ASSERT_EQUAL(g->request[KS_RES_MEMORY].kind, KS_DIST_LOGNORMAL);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_MEMORY].a, log(1073741824.0),
                           1e-12);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_MEMORY].b, 0.5, 0);
    CU_ASSERT_FALSE(g->has_request[KS_RES_PODS]);

    /* The text is kept exactly as read, for the output file. */
    size_t len = 0;
    char *raw = ks_test_read_file(saved, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
    CU_ASSERT_EQUAL(sc->text_len, len);
    CU_ASSERT(memcmp(sc->text, raw, len) == 0);
    CU_ASSERT_EQUAL(sc->text[sc->text_len], '\0');
    free(raw);
    ks_scenario_destroy(sc);
}

/* ---- defaults and accepted forms ---------------------------------------- */

static void test_defaults(void)
{
    ks_scenario *sc = load_text(MINIMAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_STRING_EQUAL(sc->path, "t.yaml");
    CU_ASSERT_STRING_EQUAL(sc->name, "t");
    CU_ASSERT_EQUAL(sc->seed, 1);
    CU_ASSERT_EQUAL(sc->duration, KS_HOUR);
    CU_ASSERT_STRING_EQUAL(sc->kubernetes_version, "1.36");
    CU_ASSERT_EQUAL(sc->metrics_interval, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(sc->cycle_base, KS_MILLISECOND);
    CU_ASSERT_EQUAL(sc->cycle_per_node, 5 * KS_MICROSECOND);
    CU_ASSERT_EQUAL(sc->bind_latency, 5 * KS_MILLISECOND);
    CU_ASSERT_EQUAL_FATAL(sc->npools, 1);
    CU_ASSERT_EQUAL(sc->pools[0].allocatable[KS_RES_CPU], 1000);
    CU_ASSERT_EQUAL(sc->pools[0].allocatable[KS_RES_MEMORY], 1LL << 30);
    CU_ASSERT_EQUAL(sc->pools[0].allocatable[KS_RES_PODS], 110);
    CU_ASSERT_EQUAL(sc->pools[0].nlabels, 0);
    CU_ASSERT_PTR_NULL(sc->pools[0].labels);
    CU_ASSERT_EQUAL(sc->ngenerators, 0);
    ks_scenario_destroy(sc);
}

/* spec.scheduler: the throughput model, 0 allowed (instantaneous). */
static void test_scheduler_timing(void)
{
    ks_scenario *sc = load_text(
        HEAD "spec:\n  duration: 1h\n  scheduler:\n"
             "    cycleTime: {base: 2ms, perNode: 0s}\n"
             "    bindLatency: 0s\n" CLUSTER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->cycle_base, 2 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(sc->cycle_per_node, 0);
    CU_ASSERT_EQUAL(sc->bind_latency, 0);
    CU_ASSERT_EQUAL(sc->victim_grace, 30 * KS_SECOND);
    ks_scenario_destroy(sc);
    sc = load_text(WITH_GEN("        template: {priority: 1000}\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->generators[0].priority, 1000);
    ks_scenario_destroy(sc);
    EXPECT_ERROR(WITH_GEN("        template: {priority: 3000000000}\n"),
                 KS_ERANGE, 13, 30, "template.priority: must be between");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  scheduler:\n"
                      "    cycleTime: {base: -1ms}\n" CLUSTER,
                 KS_ERANGE, 7, 23, "must be >= 0");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  scheduler:\n"
                      "    cycleTme: {base: 1ms}\n" CLUSTER,
                 KS_EPARSE, 7, 5, "unknown key \"cycleTme\"");
}

/* Extended resources and ephemeral-storage in allocatable and requests. */
static void test_extended_resources(void)
{
    ks_scenario *sc = load_text(
        HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
             "      - {name: g, count: 1, allocatable: {cpu: 8, memory: 1Gi,"
             " ephemeral-storage: 10Gi, nvidia.com/gpu: 4}}\n"
             "  workloads:\n    - generator:\n        arrivals: {rate: 1/s}\n"
             "        duration: 1m\n        template:\n"
             "          requests: {cpu: 1, nvidia.com/gpu: 1}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    int gpu = ks_resource_lookup("nvidia.com/gpu");
    CU_ASSERT_FATAL(gpu >= KS_RES_BUILTIN);
    CU_ASSERT_EQUAL(sc->pools[0].allocatable[gpu], 4);
    CU_ASSERT_EQUAL(sc->pools[0].allocatable[KS_RES_EPHEMERAL_STORAGE],
                    10LL << 30);
    CU_ASSERT(sc->generators[0].has_request[gpu]);
    CU_ASSERT_DOUBLE_EQUAL(sc->generators[0].request[gpu].a, 1.0, 0);
    ks_scenario_destroy(sc);
}

static void test_generator_defaults(void)
{
    ks_scenario *sc = load_text(WITH_GEN(""));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL_FATAL(sc->ngenerators, 1);
    const ks_generator *g = &sc->generators[0];
    CU_ASSERT_STRING_EQUAL(g->name, "gen0");
    CU_ASSERT_DOUBLE_EQUAL(g->rate_per_second, 1.0, 0);
    CU_ASSERT_EQUAL(g->count, 0);
    CU_ASSERT_EQUAL(g->start, 0);
    CU_ASSERT_EQUAL(g->stop, KS_TIME_NEVER);
    /* A bare duration is a constant, in seconds. */
    CU_ASSERT_EQUAL(g->duration.kind, KS_DIST_CONSTANT);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.a, 60.0, 0);
    for (int r = 0; r < KS_RES_COUNT; r++)
        CU_ASSERT_FALSE(g->has_request[r]);
    ks_scenario_destroy(sc);
}

/* ---- generator templates with Kubernetes fields -------------------------- */

/* template.metadata and template.spec: a PodTemplateSpec read as a
 * workload's, one spec for every pod, requests kept for the resources the
 * generator does not draw, priority admitted. */
static void test_generator_k8s_template(void)
{
    ks_scenario *sc = load_text(WITH_GEN(
        "        template:\n"
        "          requests: {cpu: {dist: uniform, min: 100m, max: 1}}\n"
        "          priority: 100\n"
        "          metadata:\n"
        "            namespace: batch\n"
        "            labels: {app: train, team: ml}\n"
        "          spec:\n"
        "            schedulerName: my-scheduler\n"
        "            nodeSelector: {disk: ssd}\n"
        "            tolerations: [{key: gpu, operator: Exists}]\n"
        "            topologySpreadConstraints:\n"
        "            - {maxSkew: 2, topologyKey: zone, whenUnsatisfiable: "
        "ScheduleAnyway, labelSelector: {matchLabels: {app: train}}}\n"
        "            containers:\n"
        "            - {name: c, image: trainer, resources: {requests: "
        "{cpu: 2, memory: 3Gi}}}\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const ks_generator *g = &sc->generators[0];
    CU_ASSERT_PTR_NOT_NULL_FATAL(g->spec);
    CU_ASSERT_PTR_EQUAL(g->spec, g->k8s_template->spec);
    CU_ASSERT_STRING_EQUAL(g->spec->namespace_name, "batch");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&g->spec->labels, "team"), "ml");
    CU_ASSERT_STRING_EQUAL(g->spec->scheduler_name, "my-scheduler");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&g->spec->node_selector, "disk"),
                           "ssd");
    CU_ASSERT_EQUAL(g->spec->ntolerations, 1);
    CU_ASSERT_EQUAL(g->spec->nspread, 1);
    CU_ASSERT_STRING_EQUAL(g->spec->images[0], "trainer:latest");
    /* template.priority is the pod's spec.priority. */
    CU_ASSERT_EQUAL(g->priority, 100);
    CU_ASSERT_EQUAL(g->spec->priority, 100);
    /* cpu is drawn; memory comes from the template. */
    CU_ASSERT(g->has_request[KS_RES_CPU]);
    CU_ASSERT_FALSE(g->has_request[KS_RES_MEMORY]);
    CU_ASSERT(g->has_template_request[KS_RES_MEMORY]);
    CU_ASSERT_EQUAL(g->template_request[KS_RES_MEMORY], 3LL << 30);
    CU_ASSERT_EQUAL(g->template_request[KS_RES_CPU], 2000);
    CU_ASSERT_EQUAL(g->template_nonzero_cpu, 2000);
    ks_scenario_destroy(sc);
    /* Without a Kubernetes template nothing changes. */
    sc = load_text(WITH_GEN("        template: {requests: {cpu: 1}}\n"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_PTR_NULL(sc->generators[0].spec);
    CU_ASSERT_PTR_NULL(sc->generators[0].k8s_template);
    ks_scenario_destroy(sc);
}

/* Errors inside a generator's pod template: the manifest loader's
 * messages, at the scenario's FILE:LINE:COL, with the path from the
 * scenario's root. */
static void test_generator_template_errors(void)
{
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          spec:\n"
                          "            tolerations: [{key: a, effect: Never}]\n"
                          "            containers: [{name: c}]\n"),
                 KS_EINVAL, 15, 44,
                 "spec.workloads[0].generator.template.spec.tolerations[0]."
                 "effect: ");
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          spec:\n"
                          "            tolerationz: []\n"
                          "            containers: [{name: c}]\n"),
                 KS_EPARSE, 15, 13,
                 "PodSpec has no field \"tolerationz\" (did you mean "
                 "\"tolerations\"?)");
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          metadata: {labels: {app: x}}\n"),
                 KS_EPARSE, 14, 11, "missing required key \"spec\"");
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          spec: {containers: []}\n"),
                 KS_EINVAL, 14, 30, "a pod needs at least one container");
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          labels: {app: x}\n"),
                 KS_EPARSE, 14, 11,
                 "unknown key \"labels\" in spec.workloads[0].generator."
                 "template (expected one of: requests, priority, metadata, "
                 "spec, gpu)");
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          priority: 5\n"
                          "          spec: {priority: 6, containers: "
                          "[{name: c}]}\n"),
                 KS_EINVAL, 14, 11, "the priority is given twice");
    /* Admission after every file is loaded: no such class. */
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          spec: {priorityClassName: gold, "
                          "containers: [{name: c}]}\n"),
                 KS_ENOENT, 14, 11,
                 "generator gen0 template: no PriorityClass with name gold "
                 "was found");
    /* template.priority must agree with the class, as spec.priority. */
    EXPECT_ERROR(WITH_GEN("        template:\n"
                          "          priority: 5\n"
                          "          spec: {priorityClassName: "
                          "system-cluster-critical, containers: "
                          "[{name: c}]}\n"),
                 KS_EINVAL, 14, 11,
                 "the integer value of priority (5) must not be provided");
}

static void test_accepted_forms(void)
{
    const char *text =
        HEAD "spec:\n"
             "  seed: 18446744073709551615\n"
             "  duration: 1h30m\n"
             "  kubernetesVersion: 1.35\n"
             "  metrics:\n    interval: 250ms\n"
             "  cluster:\n    nodePools:\n"
             "      - name: a-1\n        count: 3\n"
             "        allocatable: {cpu: 1500m, memory: \"1e9\", pods: 8}\n"
             "        labels: {kubernetes.io/os: linux, tier: \"\"}\n"
             "      - {name: b, count: 2, allocatable: {cpu: 2, memory: 1Mi}}\n"
             "  workloads:\n"
             "    - generator:\n"
             "        arrivals: {process: poisson, rate: 300/m}\n"
             "        start: 10s\n        stop: 1h\n"
             "        duration: {dist: lognormal, median: 1m, sigma: 0}\n"
             "        template: {requests: {cpu: 250m}}\n"
             "    - generator:\n"
             "        name: second\n"
             "        arrivals: {rate: 0.5/h}\n"
             "        duration: {dist: empirical, values: [1s, 2s, 3s]}\n"
             "        template:\n          requests:\n"
             "            cpu: {dist: normal, mean: 1, stddev: 200m}\n"
             "            memory: {dist: empirical, values: [1Ki, 2Ki],"
             " weights: [1, 3.5]}\n"
             "    - generator:\n"
             "        arrivals: {rate: 2.5/s}\n"
             "        duration: {dist: uniform, min: 1s, max: 1s}\n"
             "        template:\n          requests:\n"
             "            memory: {dist: constant, value: 0}\n";
    ks_scenario *sc = load_text(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->seed, UINT64_MAX);
    CU_ASSERT_EQUAL(sc->duration, 90 * KS_MINUTE);
    CU_ASSERT_STRING_EQUAL(sc->kubernetes_version, "1.35");
    CU_ASSERT_EQUAL(sc->metrics_interval, 250 * KS_MILLISECOND);
    CU_ASSERT_EQUAL_FATAL(sc->npools, 2);
    const ks_node_pool *a = &sc->pools[0];
    CU_ASSERT_STRING_EQUAL(a->name, "a-1");
    CU_ASSERT_EQUAL(a->count, 3);
    CU_ASSERT_EQUAL(a->allocatable[KS_RES_CPU], 1500);
    CU_ASSERT_EQUAL(a->allocatable[KS_RES_MEMORY], 1000000000);
    CU_ASSERT_EQUAL(a->allocatable[KS_RES_PODS], 8);
    CU_ASSERT_EQUAL_FATAL(a->nlabels, 2);
    CU_ASSERT_STRING_EQUAL(a->labels[0].key, "kubernetes.io/os");
    CU_ASSERT_STRING_EQUAL(a->labels[0].value, "linux");
    CU_ASSERT_STRING_EQUAL(a->labels[1].key, "tier");
    CU_ASSERT_STRING_EQUAL(a->labels[1].value, "");
    CU_ASSERT_EQUAL(sc->pools[1].allocatable[KS_RES_CPU], 2000);
    CU_ASSERT_EQUAL(sc->pools[1].allocatable[KS_RES_MEMORY], 1 << 20);

    CU_ASSERT_EQUAL_FATAL(sc->ngenerators, 3);
    const ks_generator *g = &sc->generators[0];
    CU_ASSERT_STRING_EQUAL(g->name, "gen0");
    CU_ASSERT_DOUBLE_EQUAL(g->rate_per_second, 5.0, 1e-12);
    CU_ASSERT_EQUAL(g->start, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(g->stop, KS_HOUR);
    CU_ASSERT_EQUAL(g->duration.kind, KS_DIST_LOGNORMAL);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.a, log(60.0), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.b, 0.0, 0);
    CU_ASSERT_TRUE(g->has_request[KS_RES_CPU]);
    CU_ASSERT_FALSE(g->has_request[KS_RES_MEMORY]);
    CU_ASSERT_EQUAL(g->request[KS_RES_CPU].kind, KS_DIST_CONSTANT);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_CPU].a, 250.0, 0);

    g = &sc->generators[1];
    CU_ASSERT_STRING_EQUAL(g->name, "second");
    CU_ASSERT_DOUBLE_EQUAL(g->rate_per_second, 0.5 / 3600, 1e-15);
    CU_ASSERT_EQUAL(g->duration.kind, KS_DIST_EMPIRICAL);
    CU_ASSERT_EQUAL_FATAL(g->duration.n, 3);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.values[2], 3.0, 0);
    CU_ASSERT_PTR_NULL(g->duration.weights);
    CU_ASSERT_EQUAL(g->request[KS_RES_CPU].kind, KS_DIST_NORMAL);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_CPU].a, 1000.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_CPU].b, 200.0, 0);
    const ks_dist *m = &g->request[KS_RES_MEMORY];
    CU_ASSERT_EQUAL(m->kind, KS_DIST_EMPIRICAL);
    CU_ASSERT_EQUAL_FATAL(m->n, 2);
    CU_ASSERT_DOUBLE_EQUAL(m->values[0], 1024.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(m->values[1], 2048.0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->weights);
    CU_ASSERT_DOUBLE_EQUAL(m->weights[1], 3.5, 0);

    g = &sc->generators[2];
    CU_ASSERT_STRING_EQUAL(g->name, "gen2");
    CU_ASSERT_DOUBLE_EQUAL(g->rate_per_second, 2.5, 0);
    CU_ASSERT_EQUAL(g->duration.kind, KS_DIST_UNIFORM);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.a, 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(g->duration.b, 1.0, 0);
    CU_ASSERT_EQUAL(g->request[KS_RES_MEMORY].kind, KS_DIST_CONSTANT);
    CU_ASSERT_DOUBLE_EQUAL(g->request[KS_RES_MEMORY].a, 0.0, 0);
    ks_scenario_destroy(sc);
}

/* The buffer need not be NUL-terminated, and is stored as given. */
static void test_buffer_not_terminated(void)
{
    size_t len = strlen(MINIMAL);
    char *buf = malloc(len + 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    memcpy(buf, MINIMAL, len);
    memcpy(buf + len, "garbage!", 8);
    ks_scenario *sc = NULL;
    ks_error err;
    CU_ASSERT_EQUAL(ks_scenario_load_buffer(buf, len, "b", &sc, &err), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->text_len, len);
    CU_ASSERT(memcmp(sc->text, MINIMAL, len) == 0);
    CU_ASSERT_EQUAL(sc->text[len], '\0');
    ks_scenario_destroy(sc);
    free(buf);
    ks_scenario_destroy(NULL);
}

/* ---- errors -------------------------------------------------------------- */

static void test_unknown_keys(void)
{
    EXPECT_ERROR(MINIMAL "extra: 1\n", KS_EPARSE, 9, 1,
                 "unknown key \"extra\" at the top level (expected one of: "
                 "apiVersion, kind, metadata, spec)");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePool: []\n",
                 KS_EPARSE, 7, 5,
                 "unknown key \"nodePool\" in spec.cluster (expected one of: "
                 "nodePools, nodes, traceNodes)");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1, zone: a,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_EPARSE, 8, 29,
                 "unknown key \"zone\" in spec.cluster.nodePools[0] (expected "
                 "one of: name, count, allocatable, labels, gpus)");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: uniform, min: 1, mx: 2}\n"),
                 KS_EPARSE, 15, 42,
                 "unknown key \"mx\" in spec.workloads[0].generator.template."
                 "requests.cpu (expected one of: dist, min, max)");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1,"
                      " allocatable: {cpu: 1, memory: 1, gpu: 1}}\n",
                 KS_EPARSE, 8, 62,
                 "unknown resource \"gpu\" in spec.cluster.nodePools[0]."
                 "allocatable (expected cpu, memory, pods, "
                 "ephemeral-storage, hugepages-<size> or an extended "
                 "resource such as nvidia.com/gpu)");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - trace: {}\n", KS_EPARSE, 10, 14,
                 "missing required key \"format\" in spec.workloads[0].trace");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - replay: {}\n", KS_EPARSE, 10, 7,
                 "unknown key \"replay\" in spec.workloads[0] (expected one "
                 "of: generator, manifests, trace)");
}

static void test_wrong_types(void)
{
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools: {}\n",
                 KS_EPARSE, 7, 16,
                 "spec.cluster.nodePools: expected a sequence, got a mapping");
    EXPECT_ERROR(HEAD "spec: [1]\n", KS_EPARSE, 4, 7,
                 "spec: expected a mapping, got a sequence");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: \"20\","
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_EPARSE, 8, 26,
                 "spec.cluster.nodePools[0].count: expected an integer, got "
                 "the quoted string \"20\"");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1.5,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_EPARSE, 8, 26,
                 "spec.cluster.nodePools[0].count: expected a decimal "
                 "integer, got \"1.5\"");
    EXPECT_ERROR(HEAD "spec:\n  seed: 010\n  duration: 1h\n" CLUSTER,
                 KS_EPARSE, 5, 9,
                 "spec.seed: expected a decimal integer without leading "
                 "zeros, got \"010\"");
    EXPECT_ERROR(HEAD "spec:\n  seed: 0x10\n  duration: 1h\n" CLUSTER,
                 KS_EPARSE, 5, 9,
                 "spec.seed: expected a decimal integer, got \"0x10\"");
    EXPECT_ERROR(HEAD "spec:\n  duration: [1h]\n" CLUSTER, KS_EPARSE, 5, 13,
                 "spec.duration: expected a string, got a sequence");
    EXPECT_ERROR("apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata:\n"
                 "spec:\n  duration: 1h\n" CLUSTER,
                 KS_EPARSE, 3, 10, "metadata: expected a mapping, got null");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            memory: [1Gi]\n"),
                 KS_EPARSE, 15, 21,
                 "requests.memory: expected a value or a distribution");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            memory: {dist: lognormal, median: 1,"
                          " sigma: \"0.5\"}\n"),
                 KS_EPARSE, 15, 57,
                 "memory.sigma: expected a number, got the quoted string");
    EXPECT_ERROR("- 1\n- 2\n", KS_EPARSE, 1, 1,
                 "expected a mapping, got a sequence");
}

static void test_bad_values(void)
{
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1,"
                      " allocatable: {cpu: 16 cores, memory: 1}}\n",
                 KS_EPARSE, 8, 48,
                 "spec.cluster.nodePools[0].allocatable.cpu: invalid quantity "
                 "\"16 cores\"");
    EXPECT_ERROR(HEAD "spec:\n  duration: 2 hours\n" CLUSTER, KS_EPARSE, 5, 13,
                 "spec.duration: invalid duration \"2 hours\" (expected e.g. "
                 "90s, 1h30m)");
    EXPECT_ERROR(HEAD "spec:\n  duration: 7200\n" CLUSTER, KS_EPARSE, 5, 13,
                 "invalid duration \"7200\"");
    EXPECT_ERROR(HEAD "spec:\n  duration: 0s\n" CLUSTER, KS_ERANGE, 5, 13,
                 "spec.duration: must be > 0");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - generator:\n"
                         "        arrivals: {rate: 5 per second}\n"
                         "        duration: 1m\n",
                 KS_EPARSE, 11, 26,
                 "spec.workloads[0].generator.arrivals.rate: invalid rate "
                 "\"5 per second\" (expected");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - generator:\n"
                         "        arrivals: {rate: 0/s}\n"
                         "        duration: 1m\n",
                 KS_ERANGE, 11, 26, "rate must be > 0");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - generator:\n"
                         "        arrivals: {process: batch, rate: 1/s}\n"
                         "        duration: 1m\n",
                 KS_EINVAL, 11, 29,
                 "arrivals.process: unknown arrival process \"batch\" "
                 "(expected one of: poisson)");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: -3,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_ERANGE, 8, 26,
                 "spec.cluster.nodePools[0].count: must be between 1 and "
                 "1000000, got \"-3\"");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 99999999999999999999999,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_ERANGE, 8, 26, "must be between 1 and 1000000");
    EXPECT_ERROR(HEAD "spec:\n  seed: -1\n  duration: 1h\n" CLUSTER, KS_ERANGE,
                 5, 9, "spec.seed: must be >= 0");
    EXPECT_ERROR(HEAD "spec:\n  seed: 18446744073709551616\n  duration: 1h\n"
                      CLUSTER,
                 KS_ERANGE, 5, 9, "spec.seed: must be at most");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  kubernetesVersion: \"1.20\"\n"
                      CLUSTER,
                 KS_EINVAL, 6, 22,
                 "spec.kubernetesVersion: unsupported Kubernetes version "
                 "\"1.20\" (supported: 1.35, 1.36)");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  kubernetesVersion: v1\n"
                      CLUSTER,
                 KS_EPARSE, 6, 22, "expected MAJOR.MINOR");
    EXPECT_ERROR("apiVersion: v1\nkind: Scenario\nmetadata: {name: t}\n"
                 "spec:\n  duration: 1h\n" CLUSTER,
                 KS_EINVAL, 1, 13,
                 "apiVersion: unsupported value \"v1\" (expected "
                 "\"ksim.dev/v1\")");
    EXPECT_ERROR("apiVersion: ksim.dev/v1\nkind: Scenario\n"
                 "metadata: {name: \"\"}\nspec:\n  duration: 1h\n" CLUSTER,
                 KS_EINVAL, 3, 18, "metadata.name: must not be empty");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  metrics: {interval: -1s}\n"
                      CLUSTER,
                 KS_ERANGE, 6, 23, "spec.metrics.interval: must be > 0");
}

static void test_bad_pools(void)
{
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools: []\n",
                 KS_EINVAL, 7, 16,
                 "spec.cluster.nodePools: must list at least one node pool");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: Big_Pool, count: 1,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_EINVAL, 8, 16,
                 "spec.cluster.nodePools[0].name: invalid name \"Big_Pool\"");
#define NAMED_POOL(n)                                                          \
    "      - {name: " n ", count: 1, allocatable: {cpu: 1, memory: 1}}\n"
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      NAMED_POOL("a") NAMED_POOL("b") NAMED_POOL("b")
                      NAMED_POOL("a"),
                 KS_EINVAL, 10, 16,
                 "spec.cluster.nodePools[2].name: duplicate node pool name "
                 "\"b\" (also the name of nodePools[1])");
    EXPECT_ERROR(MINIMAL POOL, KS_EINVAL, 9, 16,
                 "spec.cluster.nodePools[1].name: duplicate node pool name "
                 "\"p\" (also the name of nodePools[0])");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: a, count: 600000,"
                      " allocatable: {cpu: 1, memory: 1}}\n"
                      "      - {name: b, count: 400001,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_ERANGE, 9, 26,
                 "spec.cluster.nodePools[1].count: the pools have 1000001 "
                 "nodes in total, more than the limit of 1000000");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1,"
                      " allocatable: {cpu: 0, memory: 1}}\n",
                 KS_ERANGE, 8, 48,
                 "spec.cluster.nodePools[0].allocatable.cpu: must be > 0");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1, allocatable: {cpu: 1}}\n",
                 KS_EPARSE, 8, 42,
                 "missing required key \"memory\" in spec.cluster.nodePools[0]."
                 "allocatable");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1,"
                      " allocatable: {cpu: 1, memory: 1},"
                      " labels: {\"a b\": x}}\n",
                 KS_EINVAL, 8, 72, "invalid label key \"a b\"");
}

static void test_missing_keys(void)
{
    EXPECT_ERROR(HEAD "spec:\n  seed: 3\n" CLUSTER, KS_EPARSE, 5, 3,
                 "missing required key \"duration\" in spec");
    EXPECT_ERROR("apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {}\n"
                 "spec:\n  duration: 1h\n" CLUSTER,
                 KS_EPARSE, 3, 11,
                 "missing required key \"name\" in metadata");
    EXPECT_ERROR("kind: Scenario\nmetadata: {name: t}\n", KS_EPARSE, 1, 1,
                 "missing required key \"apiVersion\" at the top level");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - generator:\n"
                         "        arrivals: {rate: 1/s}\n",
                 KS_EPARSE, 11, 9,
                 "missing required key \"duration\" in "
                 "spec.workloads[0].generator");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {min: 1, max: 2}\n"),
                 KS_EPARSE, 15, 18,
                 "missing required key \"dist\" in spec.workloads[0]."
                 "generator.template.requests.cpu");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - {}\n", KS_EPARSE, 10, 7,
                 "spec.workloads[0]: a workload has exactly one kind");
}

static void test_bad_distributions(void)
{
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: pareto, mean: 1}\n"),
                 KS_EINVAL, 15, 25,
                 "requests.cpu.dist: unknown distribution \"pareto\" (expected "
                 "one of: constant, uniform, exponential, lognormal, normal, "
                 "empirical, weibull)");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: empirical, values: [1, 2,"
                          " 3], weights: [1, 2]}\n"),
                 KS_EINVAL, 15, 64,
                 "requests.cpu.weights: has 2 weights but values has 3 "
                 "entries");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: weibull, scale: 1, shape: 0}\n"),
                 KS_ERANGE, 15, 51, "must be > 0, got \"0\"");
    {
        ks_scenario *sc = load_text(WITH_GEN(
            "        template:\n          requests:\n"
            "            cpu: {dist: weibull, scale: 500m, shape: 1.5}\n"));
        CU_ASSERT_PTR_NOT_NULL(sc);
        ks_scenario_destroy(sc);
    }
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: empirical, values: []}\n"),
                 KS_EINVAL, 15, 44, "must list at least one value");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: empirical, values: [1],"
                          " weights: [0]}\n"),
                 KS_EINVAL, 15, 58, "weights must not all be zero");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: empirical, values: [1],"
                          " weights: [-1]}\n"),
                 KS_ERANGE, 15, 59, "weights must not be negative");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            cpu: {dist: uniform, min: 2, max: 1}\n"),
                 KS_ERANGE, 15, 47,
                 "requests.cpu.max: max \"1\" is less than min \"2\"");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            memory: -1Gi\n"),
                 KS_ERANGE, 15, 21,
                 "requests.memory: must not be negative, got \"-1Gi\"");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            memory: {dist: lognormal, median: 0,"
                          " sigma: 1}\n"),
                 KS_ERANGE, 15, 47, "memory.median: must be > 0");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            memory: {dist: lognormal, median: 1,"
                          " sigma: -1}\n"),
                 KS_ERANGE, 15, 57, "memory.sigma: must be >= 0");
    EXPECT_ERROR(WITH_GEN("        template:\n          requests:\n"
                          "            pods: 1\n"),
                 KS_EINVAL, 15, 13,
                 "spec.workloads[0].generator.template.requests.pods: pods "
                 "cannot be requested");
    EXPECT_ERROR(MINIMAL "  workloads:\n    - generator:\n"
                         "        arrivals: {rate: 1/s}\n"
                         "        duration: {dist: exponential, mean: 0s}\n",
                 KS_ERANGE, 12, 45,
                 "generator.duration.mean: must be > 0");
    EXPECT_ERROR(WITH_GEN("        start: 1h\n        stop: 30m\n"), KS_ERANGE,
                 14, 15,
                 "generator.stop: stop \"30m\" must be after start \"1h\"");
    EXPECT_ERROR(WITH_GEN("        name: x\n    - generator:\n        name: x\n"
                          "        arrivals: {rate: 1/s}\n"
                          "        duration: 1m\n"),
                 KS_EINVAL, 15, 15,
                 "spec.workloads[1].generator.name: duplicate generator name "
                 "\"x\" (also the name of workloads[0])");
    /* A default name counts too: the first generator is "gen0". */
    EXPECT_ERROR(WITH_GEN("    - generator:\n        name: gen0\n"
                          "        arrivals: {rate: 1/s}\n"
                          "        duration: 1m\n"),
                 KS_EINVAL, 14, 15,
                 "spec.workloads[1].generator.name: duplicate generator name "
                 "\"gen0\" (also the name of workloads[0])");
}

static void test_duplicate_keys(void)
{
    EXPECT_ERROR(HEAD "spec:\n  seed: 1\n  duration: 1h\n  seed: 2\n" CLUSTER,
                 KS_EPARSE, 7, 3, "duplicate key \"seed\" in spec");
    /* Quoting does not make a key different. */
    EXPECT_ERROR(MINIMAL "\"kind\": Scenario\n", KS_EPARSE, 9, 1,
                 "duplicate key \"kind\" at the top level");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: p, count: 1, count: 2,"
                      " allocatable: {cpu: 1, memory: 1}}\n",
                 KS_EPARSE, 8, 29,
                 "duplicate key \"count\" in spec.cluster.nodePools[0]");
}

static void test_yaml_errors(void)
{
    EXPECT_ERROR(HEAD "spec:\n  duration: [1h\n", KS_EPARSE, 6, 1,
                 "YAML syntax error: did not find expected ',' or ']'");
    EXPECT_ERROR(HEAD "spec:\n\tduration: 1h\n", KS_EPARSE, 5, 1,
                 "tab character");
    EXPECT_ERROR(HEAD "spec: &s\n  duration: 1h\n", KS_EPARSE, 4, 7,
                 "anchors and aliases are not supported (found anchor &s)");
    EXPECT_ERROR("a: 1\nb: *x\n", KS_EPARSE, 2, 4,
                 "anchors and aliases are not supported (found alias *x)");
    EXPECT_ERROR("", KS_EPARSE, 1, 1, "the document is empty");
    EXPECT_ERROR("# only a comment\n", KS_EPARSE, 1, 1,
                 "the document is empty");
    EXPECT_ERROR("---\n", KS_EPARSE, 2, 1, "the document is empty");
    EXPECT_ERROR(MINIMAL "---\n" MINIMAL, KS_EPARSE, 9, 1,
                 "a second YAML document starts here");
    EXPECT_ERROR(HEAD "spec: !custom {}\n", KS_EPARSE, 4, 7,
                 "unsupported YAML tag \"!custom\"");
    EXPECT_ERROR(HEAD "spec: !!str {}\n", KS_EPARSE, 4, 7,
                 "unsupported YAML tag \"!!str\"");
    EXPECT_ERROR("a: !!binary aGVsbG8=\n", KS_EPARSE, 1, 4,
                 "unsupported YAML tag \"!!binary\"");
    EXPECT_ERROR("a: 1\nb: \xff\xfe\n", KS_EPARSE, 2, 4,
                 "invalid YAML input: invalid leading UTF-8 octet");
    EXPECT_ERROR("a: \"x\\0y\"\n", KS_EPARSE, 1, 4, "NUL characters");
    EXPECT_ERROR("? [a]\n: 1\n", KS_EPARSE, 1, 3,
                 "mapping keys must be scalars, found a sequence as a key at "
                 "the top level");
}

/* Nesting beyond KS_YT_MAX_DEPTH is refused before it costs anything. */
static void test_deep_nesting(void)
{
    size_t depth = 100000;
    char *text = malloc(2 * depth + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    EXPECT_ERROR(text, KS_EPARSE, 1, KS_YT_MAX_DEPTH + 1,
                 "YAML nesting is too deep (more than 64 levels)");
    free(text);
}

static void test_missing_file(void)
{
    ks_scenario *sc = (ks_scenario *)1;
    ks_error err;
    int rc = ks_scenario_load_file("/nonexistent/dir/s.yaml", &sc, &err);
    CU_ASSERT_EQUAL(rc, KS_ENOENT);
    CU_ASSERT_EQUAL(err.code, KS_ENOENT);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/dir/s.yaml");
    CU_ASSERT_EQUAL(err.line, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file"));
}

/* A file's errors carry its path as given. */
static void test_file_error_location(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", ks_test_tmp("loader-bad.yaml"));
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(path, HEAD "spec:\n  duration: 1h\n  bogus: 1\n"),
        0);
    ks_scenario *sc = NULL;
    ks_error err;
    CU_ASSERT_EQUAL(ks_scenario_load_file(path, &sc, &err), KS_EPARSE);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_EQUAL(err.line, 6);
    CU_ASSERT_EQUAL(err.col, 3);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "unknown key \"bogus\" in spec (expected one of: "
                           "seed, duration, kubernetesVersion, metrics, "
                           "scheduler, cluster, workloads, controlPlane, "
                           "traffic, actions)");
}

/* Every prefix of the quickstart, and every byte of it replaced by two
 * bytes from a list of troublemakers (cycling, to keep the test fast),
 * either loads or fails with a located input error; never crashes or
 * leaks (ASan checks). */
static int load_mangled(const char *text, size_t n, size_t *bad_location)
{
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_buffer(text, n, "q", &sc, &err);
    if (rc && (err.line < 1 || err.col < 1 || !ks_err_is_input(rc)))
        (*bad_location)++;
    ks_scenario_destroy(sc);
    return rc == 0;
}

static void test_mangled_quickstart(void)
{
    size_t len = 0;
    char *text = ks_test_read_file(
        ks_test_src("scenarios/examples/quickstart.yaml"), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    static const char junk[] = {'\t', '\0', ':', '[', '{', '&', '*', '!',
                                '"', '-', '\xff', '\n', ' ', '#', '9'};
    const size_t njunk = sizeof junk;
    size_t loaded = 0, bad_location = 0;
    char *copy = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    for (size_t cut = 0; cut <= len; cut++)
        loaded += (size_t)load_mangled(text, cut, &bad_location);
    for (size_t at = 0; at < len; at++) {
        size_t picks[2] = {at % njunk, (at * 7 + 3) % njunk};
        for (size_t k = 0; k < 2; k++) {
            memcpy(copy, text, len);
            copy[at] = junk[picks[k]];
            loaded += (size_t)load_mangled(copy, len, &bad_location);
        }
    }
    CU_ASSERT(loaded > 0);
    CU_ASSERT_EQUAL(bad_location, 0);
    free(copy);
    free(text);
}

/* ---- the tree ------------------------------------------------------------ */

static void test_tree_paths(void)
{
    const char *text = "a:\n  b: [x, {c: 1}]\n  \"d.e\": 2\n  'q\"': 3\n";
    ks_yt_node *root = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(text, strlen(text), "p", &root, &err), 0);
    char buf[128];
    const ks_yt_node *c = ks_yt_find(root, "a.b[1].c");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->text, "1");
    CU_ASSERT_EQUAL(c->line, 2);
    CU_ASSERT_EQUAL(c->col, 14);
    CU_ASSERT_STRING_EQUAL(ks_yt_path(c, buf, sizeof buf), "a.b[1].c");
    const ks_yt_node *de = ks_yt_find(root, "a[\"d.e\"]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(de);
    CU_ASSERT_STRING_EQUAL(de->text, "2");
    CU_ASSERT_STRING_EQUAL(ks_yt_path(de, buf, sizeof buf), "a[\"d.e\"]");
    const ks_yt_node *q = ks_yt_find(root, "a[\"q\\\"\"]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_STRING_EQUAL(ks_yt_path(q, buf, sizeof buf), "a[\"q\\\"\"]");
    CU_ASSERT_PTR_NULL(ks_yt_find(root, "a.b[2]"));
    CU_ASSERT_PTR_NULL(ks_yt_find(root, "a.b[-1]"));
    CU_ASSERT_PTR_NULL(ks_yt_find(root, "a..b"));
    CU_ASSERT_PTR_NULL(ks_yt_find(root, "a.z"));
    CU_ASSERT_PTR_EQUAL(ks_yt_find(root, ""), root);
    CU_ASSERT_STRING_EQUAL(ks_yt_path(root, buf, sizeof buf), "");
    /* Truncation keeps the buffer terminated. */
    CU_ASSERT_STRING_EQUAL(ks_yt_path(c, buf, 4), "a.b");
    ks_yt_free(root);
    ks_yt_free(NULL);
}

static void test_tree_scalars(void)
{
    const char *text = "i: -42\nu: 7\nf: 2.5e-1\ns: \"007\"\nn: ~\nb: true\n"
                       "t: !!str 12\nbig: 1e999\n";
    ks_yt_node *root = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(text, strlen(text), "s", &root, &err), 0);
    ks_yt_ctx c = {"s", &err};
    int64_t i = 0;
    uint64_t u = 0;
    double f = 0;
    const char *s = NULL;
    CU_ASSERT_EQUAL(ks_yt_int64(&c, ks_yt_get(root, "i"), INT64_MIN, 0, &i), 0);
    CU_ASSERT_EQUAL(i, -42);
    CU_ASSERT_EQUAL(ks_yt_int64(&c, ks_yt_get(root, "i"), 0, 10, &i),
                    KS_ERANGE);
    CU_ASSERT_EQUAL(ks_yt_uint64(&c, ks_yt_get(root, "u"), &u), 0);
    CU_ASSERT_EQUAL(u, 7);
    CU_ASSERT_EQUAL(ks_yt_number(&c, ks_yt_get(root, "f"), &f), 0);
    CU_ASSERT_DOUBLE_EQUAL(f, 0.25, 0);
    CU_ASSERT_EQUAL(ks_yt_number(&c, ks_yt_get(root, "big"), &f), KS_ERANGE);
    CU_ASSERT_EQUAL(ks_yt_string(&c, ks_yt_get(root, "s"), &s), 0);
    CU_ASSERT_STRING_EQUAL(s, "007");
    CU_ASSERT_EQUAL(ks_yt_int64(&c, ks_yt_get(root, "t"), 0, 100, &i),
                    KS_EPARSE);
    CU_ASSERT_TRUE(ks_yt_is_null(ks_yt_get(root, "n")));
    CU_ASSERT_EQUAL(ks_yt_string(&c, ks_yt_get(root, "n"), &s), KS_EPARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, "n: expected a string, got null");
    CU_ASSERT_EQUAL(ks_yt_int64(&c, ks_yt_get(root, "b"), 0, 1, &i),
                    KS_EPARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, "b: expected a decimal integer, got "
                                    "\"true\"");
    CU_ASSERT_STRING_EQUAL(ks_yt_describe(ks_yt_get(root, "b")), "a boolean");
    ks_yt_free(root);
}

static void test_quote(void)
{
    char buf[96];
    CU_ASSERT_STRING_EQUAL(ks_yt_quote("a\"b\\c\x01", buf, sizeof buf),
                           "\"a\\\"b\\\\c\\x01\"");
    char long_text[200];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    ks_yt_quote(long_text, buf, sizeof buf);
    CU_ASSERT(strlen(buf) < sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "...\""));
}

void ks_suite_loader(void)
{
    static const ks_test_case cases[] = {
        {"quickstart values", test_quickstart_values},
        {"defaults", test_defaults},
        {"generator defaults", test_generator_defaults},
        {"generator Kubernetes template", test_generator_k8s_template},
        {"generator template errors", test_generator_template_errors},
        {"scheduler timing", test_scheduler_timing},
        {"extended resources", test_extended_resources},
        {"accepted forms", test_accepted_forms},
        {"buffer not NUL-terminated", test_buffer_not_terminated},
        {"unknown keys", test_unknown_keys},
        {"wrong types", test_wrong_types},
        {"bad values", test_bad_values},
        {"bad node pools", test_bad_pools},
        {"missing keys", test_missing_keys},
        {"bad distributions", test_bad_distributions},
        {"duplicate keys", test_duplicate_keys},
        {"YAML errors", test_yaml_errors},
        {"deep nesting", test_deep_nesting},
        {"missing file", test_missing_file},
        {"file error location", test_file_error_location},
        {"mangled quickstart", test_mangled_quickstart},
        {"tree paths", test_tree_paths},
        {"tree scalars", test_tree_scalars},
        {"quote", test_quote},
        {NULL, NULL},
    };
    ks_test_add_suite("loader", cases);
}
