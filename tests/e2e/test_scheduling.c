/* test_scheduling.c - end-to-end scheduling behaviour of the default
 * profile through whole runs: even spreading over identical nodes, a hard
 * zone spread constraint never violated while the cluster fills, a pod
 * that fits nowhere scheduled as soon as room appears, and preemption of
 * low-priority pods by high-priority ones. */
#include <stdlib.h>
#include <string.h>

#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "tests/test_util.h"

static ks_scenario *load(const char *name, const char *text)
{
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

/* 100 identical nodes, 1,000 identical long pods: LeastAllocated and
 * BalancedAllocation keep every node within one pod of the others. */
static void test_even_spread(void)
{
    ks_scenario *sc = load(
        "e2e-spread.yaml",
        "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: spread}\n"
        "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
        "      - {name: n, count: 100, allocatable: {cpu: \"16\", memory: 64Gi}}\n"
        "  workloads:\n    - generator:\n"
        "        arrivals: {rate: 10/s}\n        count: 1000\n"
        "        duration: 10h\n"
        "        template: {requests: {cpu: 500m, memory: 1Gi}}\n");
    ks_run_options opt = {.check_invariants = 1};
    ks_run *run = run_ok(sc, &opt);
    const ks_cluster *c = ks_run_cluster(run);
    CU_ASSERT_EQUAL(c->running, 1000);
    int64_t lo = INT64_MAX, hi = 0;
    for (size_t n = 0; n < c->nnodes; n++) {
        int64_t k = c->nodes[n].requested[KS_RES_PODS];
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    CU_ASSERT_EQUAL(lo, 10);
    CU_ASSERT_EQUAL(hi, 10);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- zone spread ------------------------------------------------------- */

typedef struct zone_watch {
    int max_skew_seen;
    int web_bound;
} zone_watch;

static void watch_zones(void *ctx, const ks_cluster *c, uint32_t pod,
                        uint32_t node, ks_time now)
{
    (void)node;
    (void)now;
    zone_watch *w = ctx;
    if (!c->pods[pod].name || strncmp(c->pods[pod].name, "default/web-", 12))
        return;
    w->web_bound++;
    int count[3] = {0, 0, 0};
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->phase != KS_POD_RUNNING || !p->name ||
            strncmp(p->name, "default/web-", 12))
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

/* 3 zones of unequal size (3, 2 and 1 nodes of 2 cpu), 30 replicas of
 * 500m with maxSkew 1 DoNotSchedule: the spread never exceeds 1 while the
 * cluster fills; zone c (4 slots) caps the others at 5. */
static void test_zone_spread_never_exceeds_max_skew(void)
{
    char app[4200];
    snprintf(app, sizeof app, "%s", ks_test_tmp("e2e-zone-app.yaml"));
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(
            app,
            "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata: {name: web, namespace: default}\n"
            "spec:\n  replicas: 30\n  selector: {matchLabels: {app: web}}\n"
            "  template:\n    metadata: {labels: {app: web}}\n"
            "    spec:\n      topologySpreadConstraints:\n"
            "        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone,"
            " whenUnsatisfiable: DoNotSchedule,"
            " labelSelector: {matchLabels: {app: web}}}\n"
            "      containers:\n        - name: web\n          image: nginx\n"
            "          resources: {requests: {cpu: 500m, memory: 128Mi}}\n"),
        0);
    ks_scenario *sc = load(
        "e2e-zones.yaml",
        "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: zones}\n"
        "spec:\n  duration: 10m\n  cluster:\n    nodePools:\n"
        "      - {name: a, count: 3, allocatable: {cpu: \"2\", memory: 8Gi},"
        " labels: {topology.kubernetes.io/zone: a}}\n"
        "      - {name: b, count: 2, allocatable: {cpu: \"2\", memory: 8Gi},"
        " labels: {topology.kubernetes.io/zone: b}}\n"
        "      - {name: c, count: 1, allocatable: {cpu: \"2\", memory: 8Gi},"
        " labels: {topology.kubernetes.io/zone: c}}\n"
        "  workloads:\n    - manifests: [e2e-zone-app.yaml]\n");
    zone_watch w = {0};
    ks_run_options opt = {.on_bind = watch_zones, .bind_ctx = &w,
                          .check_invariants = 1};
    ks_run *run = run_ok(sc, &opt);
    CU_ASSERT_EQUAL(w.max_skew_seen, 1);
    /* Zone c holds 4 pods; a and b may hold at most 5 each: 14 in all. */
    CU_ASSERT_EQUAL(w.web_bound, 14);
    CU_ASSERT_EQUAL(ks_run_cluster(run)->pending, 16);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- unschedulable, then scheduled when room appears ------------------- */

/* One 4-cpu node: a 3-cpu pod runs 10 minutes; a 2-cpu pod arriving later
 * waits in the unschedulable pool and is bound in the cycle right after
 * the first pod ends. */
static void test_scheduled_when_room_appears(void)
{
    ks_scenario *sc = load(
        "e2e-room.yaml",
        "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: room}\n"
        "spec:\n  duration: 1h\n"
        "  scheduler: {cycleTime: {base: 1ms, perNode: 0s}, bindLatency: 0s}\n"
        "  cluster:\n    nodePools:\n"
        "      - {name: n, count: 1, allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        "  workloads:\n"
        "    - generator:\n        name: big\n        arrivals: {rate: 1/s}\n"
        "        count: 1\n        duration: 10m\n"
        "        template: {requests: {cpu: \"3\"}}\n"
        "    - generator:\n        name: late\n        arrivals: {rate: 1/s}\n"
        "        start: 1m\n        count: 1\n        duration: 10m\n"
        "        template: {requests: {cpu: \"2\"}}\n");
    ks_run_options opt = {.check_invariants = 1};
    ks_run *run = run_ok(sc, &opt);
    const ks_cluster *c = ks_run_cluster(run);
    CU_ASSERT_EQUAL_FATAL(c->npods, 2);
    const ks_pod *big = &c->pods[0], *late = &c->pods[1];
    CU_ASSERT(late->attempts >= 2);
    /* Bound one cycle (1 ms) after the big pod's end freed the node. */
    CU_ASSERT_EQUAL(late->scheduled, big->end + KS_MILLISECOND);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- preemption ------------------------------------------------------------ */

/* Low-priority pods fill 4 nodes; high-priority pods arriving later
 * preempt them and run. */
static void test_preemption_end_to_end(void)
{
    ks_scenario *sc = load(
        "e2e-preempt.yaml",
        "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: preempt}\n"
        "spec:\n  duration: 1h\n  scheduler: {victimGracePeriod: 30s}\n"
        "  cluster:\n    nodePools:\n"
        "      - {name: n, count: 4, allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        "  workloads:\n"
        "    - generator:\n        name: low\n        arrivals: {rate: 10/s}\n"
        "        count: 16\n        duration: 10h\n"
        "        template: {requests: {cpu: \"1\"}, priority: 0}\n"
        "    - generator:\n        name: high\n        arrivals: {rate: 1/s}\n"
        "        start: 5m\n        count: 4\n        duration: 10h\n"
        "        template: {requests: {cpu: \"2\"}, priority: 1000}\n");
    ks_run_options opt = {.check_invariants = 1};
    ks_run *run = run_ok(sc, &opt);
    const ks_cluster *c = ks_run_cluster(run);
    size_t high_running = 0, low_preempted = 0;
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->priority == 1000 && p->phase == KS_POD_RUNNING)
            high_running++;
        if (p->priority == 0 && p->phase == KS_POD_PREEMPTED) {
            low_preempted++;
            CU_ASSERT(c->pods[p->preempted_by].priority == 1000);
            CU_ASSERT(p->end - c->pods[p->preempted_by].submit >=
                      30 * KS_SECOND);
        }
    }
    CU_ASSERT_EQUAL(high_running, 4);
    /* Each 2-cpu pod needs two 1-cpu victims: 8 in all. */
    CU_ASSERT_EQUAL(low_preempted, 8);
    CU_ASSERT_EQUAL(c->preempted, 8);
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

void ks_suite_scheduling(void)
{
    static const ks_test_case cases[] = {
        {"100 identical nodes: even spread", test_even_spread},
        {"zone spread never exceeds maxSkew",
         test_zone_spread_never_exceeds_max_skew},
        {"scheduled as soon as room appears", test_scheduled_when_room_appears},
        {"preemption end to end", test_preemption_end_to_end},
        {NULL, NULL},
    };
    ks_test_add_suite("e2e/scheduling", cases);
}
