/* test_generator.c - generators whose pods carry a Kubernetes pod template
 * (spec.workloads[].generator.template.metadata / .spec): the template's
 * labels, tolerations and topology spread constraints reach the
 * scheduler in whole runs, its requests combine with the generator's
 * distributions as documented, its priorityClassName is admitted against
 * the scenario's PriorityClasses, and every pod shares the one spec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "tests/test_util.h"

void ks_suite_generator(void);

/* ---- helpers ------------------------------------------------------------ */

/* Writes the extra files (name, text pairs, NULL-terminated) and the
 * scenario to the scratch folder; loads the scenario. */
static ks_scenario *load(const char *name, const char *text,
                         const char *const *files)
{
    for (size_t i = 0; files && files[i]; i += 2) {
        char path[4200];
        snprintf(path, sizeof path, "%s", ks_test_tmp(files[i]));
        CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, files[i + 1]), 0);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s", ks_test_tmp(name));
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, text), 0);
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_file(path, &sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return sc;
}

static ks_run *run_ok(const ks_scenario *sc, ks_run_options *opt)
{
    ks_run *run = ks_run_create(sc, opt);
    ks_error err;
    int rc = ks_run_execute(run, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL(rc, 0);
    return run;
}

#define HEAD                                                                   \
    "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: g}\n"           \
    "spec:\n  duration: 10m\n"                                               \
    "  scheduler: {cycleTime: {base: 0s, perNode: 0s}, bindLatency: 0s}\n"

/* ---- tolerations -------------------------------------------------------- */

/* One node, tainted NoSchedule: the pods of the generator whose template
 * tolerates the taint run there; the other generator's stay pending. */
static void test_toleration_reaches_scheduler(void)
{
    static const char *const files[] = {
        "gen-tainted.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: gpu-1}\n"
        "spec: {taints: [{key: nvidia.com/gpu, value: present, effect: "
        "NoSchedule}]}\n"
        "status: {allocatable: {cpu: \"8\", memory: 16Gi, pods: \"110\"}}\n",
        NULL};
    ks_scenario *sc = load(
        "gen-tol.yaml",
        HEAD "  cluster: {nodes: [gen-tainted.yaml]}\n"
             "  workloads:\n"
             "    - generator:\n        name: tol\n"
             "        arrivals: {rate: 1/s}\n        count: 3\n"
             "        duration: 1h\n"
             "        template:\n"
             "          requests: {cpu: 100m}\n"
             "          spec:\n"
             "            tolerations:\n"
             "            - {key: nvidia.com/gpu, operator: Exists,"
             " effect: NoSchedule}\n"
             "            containers: [{name: train, image: trainer:1}]\n"
             "    - generator:\n        name: plain\n"
             "        arrivals: {rate: 1/s}\n        count: 3\n"
             "        duration: 1h\n"
             "        template:\n"
             "          requests: {cpu: 100m}\n"
             "          spec: {containers: [{name: c}]}\n",
        files);
    ks_run_options opt = {.check_invariants = 1};
    ks_run *run = run_ok(sc, &opt);
    const ks_cluster *c = ks_run_cluster(run);
    int tol_bound = 0, plain_bound = 0, tol = 0, plain = 0;
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->source == 0) {
            tol++;
            tol_bound += p->node != KS_NO_NODE;
            CU_ASSERT_PTR_EQUAL(p->spec, sc->generators[0].spec);
        } else {
            plain++;
            plain_bound += p->node != KS_NO_NODE;
        }
    }
    CU_ASSERT_EQUAL(tol, 3);
    CU_ASSERT_EQUAL(plain, 3);
    CU_ASSERT_EQUAL(tol_bound, 3);
    CU_ASSERT_EQUAL(plain_bound, 0);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- spread ------------------------------------------------------------- */

typedef struct zone_watch {
    int max_skew_seen;
    int bound;
} zone_watch;

static void watch_zones(void *ctx, const ks_cluster *c, uint32_t pod,
                        uint32_t node, ks_time now)
{
    (void)node;
    (void)now;
    zone_watch *w = ctx;
    if (c->pods[pod].source != 0)
        return;
    w->bound++;
    int count[3] = {0, 0, 0};
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->source != 0 || p->node == KS_NO_NODE)
            continue;
        const char *z = ks_labels_get(&c->node_info[p->node].labels,
                                      "topology.kubernetes.io/zone");
        count[z[0] - 'a']++;
    }
    int lo = count[0], hi = count[0];
    for (int k = 1; k < 3; k++) {
        lo = count[k] < lo ? count[k] : lo;
        hi = count[k] > hi ? count[k] : hi;
    }
    if (hi - lo > w->max_skew_seen)
        w->max_skew_seen = hi - lo;
}

/* Zones of 3, 2 and 1 nodes (2 cpu each); 30 generated pods of 500m whose
 * template spreads them with maxSkew 1 DoNotSchedule: the skew never
 * exceeds 1, and zone c (4 slots) caps the others at 5: 14 bound.  The
 * same numbers as the Deployment in tests/e2e/test_scheduling.c. */
static void test_hard_spread_from_template(void)
{
    ks_scenario *sc = load(
        "gen-spread.yaml",
        HEAD "  cluster:\n    nodePools:\n"
             "      - {name: a, count: 3, allocatable: {cpu: \"2\", memory: "
             "8Gi}, labels: {topology.kubernetes.io/zone: a}}\n"
             "      - {name: b, count: 2, allocatable: {cpu: \"2\", memory: "
             "8Gi}, labels: {topology.kubernetes.io/zone: b}}\n"
             "      - {name: c, count: 1, allocatable: {cpu: \"2\", memory: "
             "8Gi}, labels: {topology.kubernetes.io/zone: c}}\n"
             "  workloads:\n"
             "    - generator:\n        arrivals: {rate: 2/s}\n"
             "        count: 30\n        duration: 1h\n"
             "        template:\n"
             "          requests: {cpu: 500m, memory: 128Mi}\n"
             "          metadata: {labels: {app: web}}\n"
             "          spec:\n"
             "            topologySpreadConstraints:\n"
             "            - maxSkew: 1\n"
             "              topologyKey: topology.kubernetes.io/zone\n"
             "              whenUnsatisfiable: DoNotSchedule\n"
             "              labelSelector: {matchLabels: {app: web}}\n"
             "            containers: [{name: web}]\n",
        NULL);
    zone_watch w = {0};
    ks_run_options opt = {.on_bind = watch_zones, .bind_ctx = &w,
                          .check_invariants = 1};
    ks_run *run = run_ok(sc, &opt);
    CU_ASSERT_EQUAL(w.max_skew_seen, 1);
    CU_ASSERT_EQUAL(w.bound, 14);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- requests ----------------------------------------------------------- */

/* Per resource: a drawn value replaces the template's; the others come
 * from the template's effective request (and non-zero view). */
static void test_requests_combine(void)
{
    ks_scenario *sc = load(
        "gen-requests.yaml",
        HEAD "  cluster:\n    nodePools:\n"
             "      - {name: n, count: 1, allocatable: {cpu: \"64\", memory: "
             "256Gi, ephemeral-storage: 100Gi}}\n"
             "  workloads:\n"
             "    - generator:\n        name: drawn\n"
             "        arrivals: {rate: 1/s}\n        count: 2\n"
             "        duration: 1h\n"
             "        template:\n"
             "          requests: {memory: 2Gi}\n"
             "          spec:\n            containers:\n"
             "            - {name: a, resources: {requests: {cpu: 500m,"
             " memory: 1Gi, ephemeral-storage: 1Gi}}}\n"
             "            - {name: b, resources: {requests: {cpu: 250m}}}\n"
             "    - generator:\n        name: bare\n"
             "        arrivals: {rate: 1/s}\n        count: 1\n"
             "        duration: 1h\n"
             "        template:\n"
             "          spec: {containers: [{name: a}, {name: b}]}\n",
        NULL);
    const ks_generator *g = &sc->generators[0];
    CU_ASSERT(g->has_template_request[KS_RES_CPU]);
    CU_ASSERT_EQUAL(g->template_request[KS_RES_CPU], 750);
    CU_ASSERT_EQUAL(g->template_nonzero_memory, (1LL << 30) + (200LL << 20));
    ks_run *run = run_ok(sc, NULL);
    const ks_cluster *c = ks_run_cluster(run);
    int seen = 0;
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->source == 0) {
            seen++;
            CU_ASSERT_EQUAL(p->request[KS_RES_CPU], 750);
            CU_ASSERT_EQUAL(p->request[KS_RES_MEMORY], 2LL << 30);
            CU_ASSERT_EQUAL(p->request[KS_RES_EPHEMERAL_STORAGE], 1LL << 30);
            CU_ASSERT_EQUAL(p->nonzero_request[KS_RES_CPU], 750);
            CU_ASSERT_EQUAL(p->nonzero_request[KS_RES_MEMORY], 2LL << 30);
        } else {
            /* Nothing requested: 0 to fit, 100m / 200Mi per container to
             * score. */
            seen++;
            CU_ASSERT_EQUAL(p->request[KS_RES_CPU], 0);
            CU_ASSERT_EQUAL(p->request[KS_RES_MEMORY], 0);
            CU_ASSERT_EQUAL(p->nonzero_request[KS_RES_CPU], 200);
            CU_ASSERT_EQUAL(p->nonzero_request[KS_RES_MEMORY], 400LL << 20);
        }
        CU_ASSERT_NOT_EQUAL(p->node, KS_NO_NODE);
    }
    CU_ASSERT_EQUAL(seen, 3);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- priorities --------------------------------------------------------- */

/* spec.priorityClassName is admitted against the scenario's PriorityClasses
 * (from any manifests file), the globalDefault class applies to a template
 * without one, and the pods take the value; a generator without a
 * Kubernetes template keeps template.priority (0 by default). */
static void test_priority_class(void)
{
    static const char *const files[] = {
        "gen-classes.yaml",
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
        "metadata: {name: batch-high}\nvalue: 5000\n"
        "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
        "metadata: {name: everyone}\nvalue: 7\nglobalDefault: true\n"
        "preemptionPolicy: Never\n",
        NULL};
    ks_scenario *sc = load(
        "gen-prio.yaml",
        HEAD "  cluster:\n    nodePools:\n"
             "      - {name: n, count: 1, allocatable: {cpu: \"8\", memory: "
             "8Gi}}\n"
             "  workloads:\n"
             "    - generator:\n        name: high\n"
             "        arrivals: {rate: 1/s}\n        count: 1\n"
             "        duration: 1h\n"
             "        template:\n"
             "          spec: {priorityClassName: batch-high,"
             " containers: [{name: c}]}\n"
             "    - generator:\n        name: dflt\n"
             "        arrivals: {rate: 1/s}\n        count: 1\n"
             "        duration: 1h\n"
             "        template: {spec: {containers: [{name: c}]}}\n"
             "    - generator:\n        name: legacy\n"
             "        arrivals: {rate: 1/s}\n        count: 1\n"
             "        duration: 1h\n"
             "    - manifests: [gen-classes.yaml]\n",
        files);
    CU_ASSERT_EQUAL(sc->generators[0].spec->priority, 5000);
    CU_ASSERT_EQUAL(sc->generators[0].priority, 5000);
    CU_ASSERT_EQUAL(sc->generators[1].spec->priority, 7);
    CU_ASSERT(sc->generators[1].spec->preemption_never);
    CU_ASSERT_EQUAL(sc->generators[2].priority, 0);
    CU_ASSERT_PTR_NULL(sc->generators[2].spec);
    ks_run *run = run_ok(sc, NULL);
    const ks_cluster *c = ks_run_cluster(run);
    CU_ASSERT_EQUAL_FATAL(c->npods, 3);
    for (size_t i = 0; i < c->npods; i++) {
        static const int32_t want[] = {5000, 7, 0};
        CU_ASSERT_EQUAL(c->pods[i].priority, want[c->pods[i].source]);
    }
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

void ks_suite_generator(void)
{
    static const ks_test_case cases[] = {
        {"template toleration: lands on a tainted node",
         test_toleration_reaches_scheduler},
        {"template spread: skew never above maxSkew",
         test_hard_spread_from_template},
        {"requests: generator draws, template fills in", test_requests_combine},
        {"priorityClassName and the global default", test_priority_class},
        {NULL, NULL}};
    ks_test_add_suite("generator", cases);
}
