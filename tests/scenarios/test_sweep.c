/* test_sweep.c - the sweep language: parameters, points, seeds, errors. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenarios/sweep.h"
#include "scenarios/yaml_tree.h"
#include "tests/test_util.h"

static const char base_scenario[] =
    "apiVersion: ksim.dev/v1\n"
    "kind: Scenario\n"
    "metadata: {name: small}\n"
    "spec:\n"
    "  seed: 7\n"
    "  duration: 10m\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - name: n\n"
    "        count: 4\n"
    "        allocatable: {cpu: \"8\", memory: 32Gi}\n"
    "  workloads:\n"
    "    - generator:\n"
    "        name: batch\n"
    "        arrivals: {process: poisson, rate: 1/s}\n"
    "        count: 50\n"
    "        duration: {dist: constant, value: 2m}\n"
    "        template:\n"
    "          requests: {cpu: 500m, memory: 1Gi}\n";

/* Writes the base scenario and a sweep with the given spec body (after
 * `spec:\n  scenario: base.yaml\n`) into the scratch folder; returns the
 * sweep's path (static buffer). */
static const char *write_sweep(const char *name, const char *body)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s", ks_test_tmp("sweep-lang"));
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/base.yaml", dir);
    ks_test_write_file(path, base_scenario);
    char *text = NULL;
    size_t n = strlen(body) + 200;
    text = malloc(n);
    snprintf(text, n,
             "apiVersion: ksim.dev/v1\nkind: Sweep\nmetadata: {name: t}\n"
             "spec:\n  scenario: base.yaml\n%s",
             body);
    static char out[600];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    ks_test_write_file(out, text);
    free(text);
    return out;
}

static ks_sweep *load_ok(const char *name, const char *body)
{
    ks_sweep *sw = NULL;
    ks_error err;
    int rc = ks_sweep_load_file(write_sweep(name, body), &sw, &err);
    if (rc)
        fprintf(stderr, "unexpected: %s:%d:%d: %s\n", err.file, err.line,
                err.col, err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return sw;
}

static void test_grid_order_and_labels(void)
{
    ks_sweep *sw = load_ok("grid.yaml",
                           "  replications: 2\n"
                           "  parameters:\n"
                           "    - {name: nodes, path: 'cluster.nodePools[0]"
                           ".count', values: [4, 8, 16]}\n"
                           "    - name: policy\n"
                           "      sets:\n"
                           "        a: {}\n"
                           "        b: {scheduler.cycleTime.base: 1ms}\n");
    CU_ASSERT_EQUAL(ks_sweep_nparams(sw), 2);
    CU_ASSERT_EQUAL(ks_sweep_npoints(sw), 6);
    CU_ASSERT_EQUAL(ks_sweep_nruns(sw), 12);
    CU_ASSERT_STRING_EQUAL(ks_sweep_param_name(sw, 0), "nodes");
    /* First parameter slowest. */
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 0, 0), "4");
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 0, 1), "a");
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 1, 0), "4");
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 1, 1), "b");
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 5, 0), "16");
    char id[32];
    ks_sweep_run_id(sw, 11, id, sizeof id);
    CU_ASSERT_STRING_EQUAL(id, "p0005-r01");
    ks_sweep_destroy(sw);
}

static void test_run_scenario_applies_values(void)
{
    ks_sweep *sw = load_ok("apply.yaml",
                           "  replications: 3\n"
                           "  parameters:\n"
                           "    - {name: nodes, path: 'cluster.nodePools[0]"
                           ".count', values: [4, 9]}\n"
                           "    - name: policy\n"
                           "      sets:\n"
                           "        fast: {scheduler.cycleTime.base: 1ms, "
                           "spec.duration: 20m}\n");
    ks_scenario *sc = NULL;
    ks_error err;
    /* Run 4 = point 1 (nodes 9), replication 1. */
    CU_ASSERT_EQUAL_FATAL(ks_sweep_run_scenario(sw, 4, &sc, &err), 0);
    CU_ASSERT_EQUAL(sc->pools[0].count, 9);
    CU_ASSERT_EQUAL(sc->cycle_base, 1000000);
    CU_ASSERT_EQUAL(sc->duration, (ks_time)20 * 60 * 1000000000);
    /* Seeds: the scenario's 7 + replication. */
    CU_ASSERT_EQUAL(sc->seed, 8);
    /* The stored text is the edited scenario and loads to the same. */
    CU_ASSERT_PTR_NOT_NULL(strstr(sc->text, "count: 9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sc->text, "seed: 8"));
    ks_scenario *again = NULL;
    CU_ASSERT_EQUAL_FATAL(
        ks_scenario_load_buffer(sc->text, sc->text_len, sc->path, &again,
                                &err),
        0);
    CU_ASSERT_EQUAL(again->pools[0].count, 9);
    CU_ASSERT_EQUAL(again->seed, 8);
    CU_ASSERT_EQUAL(again->cycle_base, sc->cycle_base);
    ks_scenario_destroy(again);
    ks_scenario_destroy(sc);
    ks_sweep_destroy(sw);
}

static void test_common_random_numbers(void)
{
    ks_sweep *sw = load_ok("crn.yaml",
                           "  replications: 2\n"
                           "  seed: 100\n"
                           "  parameters:\n"
                           "    - {path: 'cluster.nodePools[0].count', "
                           "values: [4, 5, 6]}\n");
    CU_ASSERT_STRING_EQUAL(ks_sweep_param_name(sw, 0),
                           "cluster.nodePools[0].count");
    for (size_t p = 0; p < 3; p++)
        for (unsigned r = 0; r < 2; r++) {
            ks_scenario *sc = NULL;
            ks_error err;
            CU_ASSERT_EQUAL_FATAL(
                ks_sweep_run_scenario(sw, p * 2 + r, &sc, &err), 0);
            CU_ASSERT_EQUAL(sc->seed, 100 + r);
            ks_scenario_destroy(sc);
        }
    ks_sweep_destroy(sw);
}

static void test_explicit_points(void)
{
    ks_sweep *sw = load_ok("points.yaml",
                           "  parameters:\n"
                           "    - {name: nodes, path: 'cluster.nodePools[0]"
                           ".count', values: [4, 8]}\n"
                           "    - {name: rate, path: 'workloads[0].generator"
                           ".arrivals.rate', values: [1/s, 2/s]}\n"
                           "  points:\n"
                           "    - {nodes: 8, rate: 1/s}\n"
                           "    - {nodes: 4, rate: 2/s}\n");
    CU_ASSERT_EQUAL(ks_sweep_npoints(sw), 2);
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 0, 0), "8");
    CU_ASSERT_STRING_EQUAL(ks_sweep_value_label(sw, 1, 1), "2/s");
    ks_sweep_destroy(sw);
}

static void test_no_parameters_is_one_point(void)
{
    ks_sweep *sw = load_ok("none.yaml", "  replications: 4\n");
    CU_ASSERT_EQUAL(ks_sweep_npoints(sw), 1);
    CU_ASSERT_EQUAL(ks_sweep_nruns(sw), 4);
    ks_sweep_destroy(sw);
}

/* The error a bad sweep gives: code, line, column and a word of it. */
static void expect_error(const char *name, const char *body, int line,
                         const char *word)
{
    ks_sweep *sw = NULL;
    ks_error err;
    int rc = ks_sweep_load_file(write_sweep(name, body), &sw, &err);
    CU_ASSERT_NOT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NULL(sw);
    if (line)
        CU_ASSERT_EQUAL(err.line, line);
    if (!strstr(err.msg, word)) {
        fprintf(stderr, "message without \"%s\": %s\n", word, err.msg);
        CU_FAIL("message");
    }
}

static void test_errors(void)
{
    /* Lines: 1-4 header, 5 scenario, then the body. */
    expect_error("e1.yaml", "  replicas: 2\n", 6, "unknown key");
    expect_error("e2.yaml",
                 "  parameters:\n    - {name: x, values: [1]}\n", 7,
                 "needs `path`");
    /* A value the scenario rejects: reported at the value in the sweep. */
    expect_error("e3.yaml",
                 "  parameters:\n    - {name: n, path: 'cluster.nodePools[0]"
                 ".count', values: [4, many]}\n",
                 7, "point 1");
    expect_error("e4.yaml",
                 "  parameters:\n    - {name: n, path: 'cluster.nodePools[3]"
                 ".count', values: [4]}\n",
                 7, "index out of range");
    expect_error("e5.yaml",
                 "  parameters:\n    - {name: seed, path: duration, "
                 "values: [1m]}\n",
                 7, "reserved");
    expect_error("e6.yaml",
                 "  parameters:\n    - {name: n, path: duration, values: "
                 "[1m]}\n  points:\n    - {n: 2m}\n",
                 9, "not a value");
    expect_error("e7.yaml", "  replications: 0\n", 6, "");
    /* A path the scenario language does not know. */
    expect_error("e8.yaml",
                 "  parameters:\n    - {name: n, path: clusterr.x, values: "
                 "[1]}\n",
                 0, "clusterr");
    ks_sweep *sw = NULL;
    ks_error err;
    CU_ASSERT_NOT_EQUAL(ks_sweep_load_file(ks_test_tmp("no-such-sweep.yaml"),
                                           &sw, &err),
                        0);
}

static void test_yaml_set_and_emit(void)
{
    static const char doc[] = "a:\n  b: [1, 2]\n  \"c.d\": x\nq: \"yes\"\n";
    ks_yt_node *root = NULL, *val = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(doc, strlen(doc), "t", &root, &err), 0);
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse("{k: v}", 6, "v", &val, &err), 0);
    const char *why;
    CU_ASSERT_EQUAL(ks_yt_set(root, "a.b[1]", val, &why), 0);
    CU_ASSERT_EQUAL(ks_yt_set(root, "a[\"c.d\"]", val, &why), 0);
    CU_ASSERT_EQUAL(ks_yt_set(root, "new.deep.key", val, &why), 0);
    CU_ASSERT_NOT_EQUAL(ks_yt_set(root, "a.b[2]", val, &why), 0);
    CU_ASSERT_NOT_EQUAL(ks_yt_set(root, "q.x", val, &why), 0);
    CU_ASSERT_NOT_EQUAL(ks_yt_set(root, "a..", val, &why), 0);
    char *text;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(ks_yt_emit(root, &text, &len), 0);
    ks_yt_node *back = NULL;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(text, len, "emitted", &back, &err), 0);
    const ks_yt_node *k = ks_yt_find(back, "new.deep.key.k");
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_STRING_EQUAL(k->text, "v");
    CU_ASSERT_STRING_EQUAL(ks_yt_find(back, "a.b[1].k")->text, "v");
    CU_ASSERT_STRING_EQUAL(ks_yt_find(back, "a.b[0]")->text, "1");
    /* A quoted scalar stays a string. */
    CU_ASSERT_TRUE(ks_yt_find(back, "q")->quoted);
    CU_ASSERT_FALSE(ks_yt_find(back, "a.b[0]")->quoted);
    free(text);
    ks_yt_free(back);
    ks_yt_free(val);
    ks_yt_free(root);
}

void ks_suite_sweep(void)
{
    static const ks_test_case cases[] = {
        {"grid order and labels", test_grid_order_and_labels},
        {"a run's scenario has the point's values", test_run_scenario_applies_values},
        {"replication k has the same seed at every point", test_common_random_numbers},
        {"explicit points", test_explicit_points},
        {"no parameters: one point", test_no_parameters_is_one_point},
        {"bad sweeps fail with FILE:LINE:COL", test_errors},
        {"yaml tree set and emit", test_yaml_set_and_emit},
        {NULL, NULL}};
    ks_test_add_suite("scenarios/sweep", cases);
}
