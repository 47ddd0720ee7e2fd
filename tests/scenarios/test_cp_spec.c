/* test_cp_spec.c - spec.controlPlane, spec.traffic and spec.actions
 * (scenarios/cp_spec.h): every documented default, every key set, the
 * runtime profiles and kube-proxy modes, references and rates, each kind of
 * action with its fields and their stable order by time, and bad inputs
 * with their exact code, FILE:LINE:COL and message.
 *
 * The scenarios below are MINIMAL (8 lines) followed by the keys under
 * test, so the controlPlane, traffic or actions key is on line 9.  Run under
 * ASan, the leak checker covers every error path exercised here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/cp_spec.h"
#include "scenarios/scenario.h"
#include "tests/suites.h"
#include "tests/test_util.h"

#define HEAD "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: t}\n"
#define POOL                                                                   \
    "      - {name: p, count: 1, allocatable: {cpu: \"1\", memory: 1Gi}}\n"
#define MINIMAL                                                                \
    HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n" POOL
/* MINIMAL with an empty controlPlane, then the actions list (line 10;
 * its first item on line 11). */
#define ACTIONS MINIMAL "  controlPlane: {}\n  actions:\n"

static ks_scenario *load_named(const char *text, const char *name)
{
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_buffer(text, strlen(text), name, &sc, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return sc;
}

static ks_scenario *load_text(const char *text)
{
    return load_named(text, "t.yaml");
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
        fprintf(stderr, "\nwanted %s %d:%d \"%s\"\n   got %s ",
                ks_errname(code), line, col, want, ks_errname(rc));
        ks_error_print(&err, stderr);
    }
    ks_scenario_destroy(rc ? NULL : sc);
    return ok;
}

#define EXPECT_ERROR(text, code, line, col, want)                              \
    CU_ASSERT(fails_with((text), (code), (line), (col), (want)))

/* ---- spec.controlPlane --------------------------------------------------- */

static void expect_defaults(const ks_cp_spec *cp)
{
    CU_ASSERT_EQUAL(cp->etcd_members, 1);
    CU_ASSERT_EQUAL(cp->watch_delay, 0);
    CU_ASSERT_DOUBLE_EQUAL(cp->controller_qps, 20.0, 0);
    CU_ASSERT_EQUAL(cp->controller_burst, 30);
    CU_ASSERT_EQUAL(cp->runtime, KS_RUNTIME_CONTAINERD);
    CU_ASSERT_EQUAL(cp->sandbox_latency, 500 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(cp->start_latency, 180 * KS_MILLISECOND);
    CU_ASSERT_DOUBLE_EQUAL(cp->pull_bandwidth, 100e6, 0);
    CU_ASSERT_EQUAL(cp->pull_overhead, 0);
    CU_ASSERT(cp->max_parallel_pulls <= 1); /* serialized pulls */
    CU_ASSERT_EQUAL(cp->proxy_mode, KS_PROXY_IPTABLES);
    CU_ASSERT_EQUAL(cp->proxy_min_sync, KS_SECOND);
    CU_ASSERT_EQUAL(cp->proxy_delay, 0);
    CU_ASSERT_EQUAL(cp->nrbac_files, 0);
    CU_ASSERT_EQUAL(cp->ntraffic, 0);
    CU_ASSERT_EQUAL(cp->nactions, 0);
}

static void test_defaults(void)
{
    /* No controlPlane: a scheduler-only run. */
    ks_scenario *sc = load_text(MINIMAL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_PTR_NULL(sc->control_plane);
    ks_scenario_destroy(sc);

    /* {} and an empty key both mean every default. */
    static const char *const forms[] = {MINIMAL "  controlPlane: {}\n",
                                        MINIMAL "  controlPlane:\n"};
    for (size_t i = 0; i < 2; i++) {
        sc = load_text(forms[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc->control_plane);
        expect_defaults(sc->control_plane);
        ks_scenario_destroy(sc);
    }

    /* Empty kubelet and kubeProxy mappings keep their defaults too. */
    sc = load_text(MINIMAL "  controlPlane: {kubelet: {}, kubeProxy: {}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    expect_defaults(sc->control_plane);
    ks_scenario_destroy(sc);
}

static void test_every_key(void)
{
    ks_scenario *sc = load_named(
        MINIMAL "  controlPlane:\n"
                "    etcdMembers: 3\n"
                "    watchDelay: 50ms\n"
                "    controllerQPS: 5.5\n"
                "    controllerBurst: 7\n"
                "    kubelet:\n"
                "      runtime: docker\n"
                "      sandboxLatency: 1s\n"
                "      startLatency: 2s\n"
                "      pullBandwidth: 50M\n"
                "      pullOverhead: 300ms\n"
                "      maxParallelImagePulls: 3\n"
                "    kubeProxy:\n"
                "      mode: ipvs\n"
                "      ipvsScheduler: lc\n"
                "      minSyncPeriod: 2s\n"
                "      watchDelay: 100ms\n"
                "    rbac: [rbac.yaml, sub/more.yaml, /etc/k/abs.yaml]\n",
        "conf/s.yaml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const ks_cp_spec *cp = sc->control_plane;
    CU_ASSERT_PTR_NOT_NULL_FATAL(cp);
    CU_ASSERT_EQUAL(cp->etcd_members, 3);
    CU_ASSERT_EQUAL(cp->watch_delay, 50 * KS_MILLISECOND);
    CU_ASSERT_DOUBLE_EQUAL(cp->controller_qps, 5.5, 0);
    CU_ASSERT_EQUAL(cp->controller_burst, 7);
    CU_ASSERT_EQUAL(cp->runtime, KS_RUNTIME_DOCKER);
    CU_ASSERT_EQUAL(cp->sandbox_latency, KS_SECOND);
    CU_ASSERT_EQUAL(cp->start_latency, 2 * KS_SECOND);
    CU_ASSERT_DOUBLE_EQUAL(cp->pull_bandwidth, 50e6, 0);
    CU_ASSERT_EQUAL(cp->pull_overhead, 300 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(cp->max_parallel_pulls, 3);
    CU_ASSERT_EQUAL(cp->proxy_mode, KS_PROXY_IPVS_LC);
    CU_ASSERT_EQUAL(cp->proxy_min_sync, 2 * KS_SECOND);
    CU_ASSERT_EQUAL(cp->proxy_delay, 100 * KS_MILLISECOND);
    /* RBAC files are relative to the scenario, absolute ones kept. */
    CU_ASSERT_EQUAL_FATAL(cp->nrbac_files, 3);
    CU_ASSERT_STRING_EQUAL(cp->rbac_files[0], "conf/rbac.yaml");
    CU_ASSERT_STRING_EQUAL(cp->rbac_files[1], "conf/sub/more.yaml");
    CU_ASSERT_STRING_EQUAL(cp->rbac_files[2], "/etc/k/abs.yaml");
    ks_scenario_destroy(sc);

    /* A scenario without a directory: the paths as given. */
    sc = load_text(MINIMAL "  controlPlane: {rbac: [r.yaml]}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL_FATAL(sc->control_plane->nrbac_files, 1);
    CU_ASSERT_STRING_EQUAL(sc->control_plane->rbac_files[0], "r.yaml");
    ks_scenario_destroy(sc);

    /* A pull bandwidth in binary units, bytes per second. */
    sc = load_text(MINIMAL "  controlPlane: {kubelet: {pullBandwidth: 1Gi}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_DOUBLE_EQUAL(sc->control_plane->pull_bandwidth, 1073741824.0, 0);
    ks_scenario_destroy(sc);
}

/* A scenario file on disk: its rbac paths are relative to its folder. */
static void test_rbac_paths_from_file(void)
{
    char path[4096], want[4096];
    snprintf(path, sizeof path, "%s", ks_test_tmp("cp-spec-rbac.yaml"));
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(path, MINIMAL "  controlPlane:\n"
                                         "    rbac: [manifests/rbac.yaml]\n"),
        0);
    snprintf(want, sizeof want, "%s", path);
    strcpy(strrchr(want, '/') + 1, "manifests/rbac.yaml");
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_file(path, &sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL_FATAL(sc->control_plane->nrbac_files, 1);
    CU_ASSERT_STRING_EQUAL(sc->control_plane->rbac_files[0], want);
    ks_scenario_destroy(sc);
}

static void test_runtime_profiles(void)
{
    static const struct {
        const char *name;
        ks_cp_runtime runtime;
        ks_time sandbox, start;
    } cases[] = {
        {"containerd", KS_RUNTIME_CONTAINERD, 500 * KS_MILLISECOND,
         180 * KS_MILLISECOND},
        {"cri-o", KS_RUNTIME_CRIO, 500 * KS_MILLISECOND, 250 * KS_MILLISECOND},
        {"docker", KS_RUNTIME_DOCKER, 600 * KS_MILLISECOND,
         340 * KS_MILLISECOND},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 MINIMAL "  controlPlane: {kubelet: {runtime: %s}}\n",
                 cases[i].name);
        ks_scenario *sc = load_text(text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        const ks_cp_spec *cp = sc->control_plane;
        CU_ASSERT_EQUAL(cp->runtime, cases[i].runtime);
        CU_ASSERT_EQUAL(cp->sandbox_latency, cases[i].sandbox);
        CU_ASSERT_EQUAL(cp->start_latency, cases[i].start);
        /* The rest of the kubelet keeps its defaults. */
        CU_ASSERT_DOUBLE_EQUAL(cp->pull_bandwidth, 100e6, 0);
        CU_ASSERT_EQUAL(cp->pull_overhead, 0);
        ks_scenario_destroy(sc);
    }
    /* One latency given: the other still comes from the runtime. */
    ks_scenario *sc = load_text(
        MINIMAL "  controlPlane:\n"
                "    kubelet: {runtime: docker, startLatency: 1s}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->control_plane->sandbox_latency, 600 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(sc->control_plane->start_latency, KS_SECOND);
    ks_scenario_destroy(sc);
    sc = load_text(MINIMAL "  controlPlane: {kubelet: {sandboxLatency: 0s}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->control_plane->sandbox_latency, 0);
    CU_ASSERT_EQUAL(sc->control_plane->start_latency, 180 * KS_MILLISECOND);
    ks_scenario_destroy(sc);
}

static void test_proxy_modes(void)
{
    static const struct {
        const char *proxy;
        ks_proxy_mode mode;
    } cases[] = {
        {"{mode: iptables}", KS_PROXY_IPTABLES},
        {"{mode: ipvs}", KS_PROXY_IPVS_RR}, /* rr by default */
        {"{mode: ipvs, ipvsScheduler: rr}", KS_PROXY_IPVS_RR},
        {"{mode: ipvs, ipvsScheduler: lc}", KS_PROXY_IPVS_LC},
        {"{mode: ipvs, ipvsScheduler: sh}", KS_PROXY_IPVS_SH},
        {"{ipvsScheduler: sh, mode: ipvs}", KS_PROXY_IPVS_SH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[1024];
        snprintf(text, sizeof text, MINIMAL "  controlPlane: {kubeProxy: %s}\n",
                 cases[i].proxy);
        ks_scenario *sc = load_text(text);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        CU_ASSERT_EQUAL(sc->control_plane->proxy_mode, cases[i].mode);
        CU_ASSERT_EQUAL(sc->control_plane->proxy_min_sync, KS_SECOND);
        ks_scenario_destroy(sc);
    }
    /* ipvsScheduler needs mode: ipvs, at the ipvsScheduler key. */
    EXPECT_ERROR(MINIMAL "  controlPlane:\n    kubeProxy:\n"
                         "      ipvsScheduler: rr\n",
                 KS_EINVAL, 11, 7,
                 "spec.controlPlane.kubeProxy.ipvsScheduler: ipvsScheduler "
                 "needs mode: ipvs");
    EXPECT_ERROR(MINIMAL "  controlPlane:\n    kubeProxy:\n"
                         "      mode: iptables\n      ipvsScheduler: lc\n",
                 KS_EINVAL, 12, 7, "ipvsScheduler needs mode: ipvs");
    EXPECT_ERROR(MINIMAL "  controlPlane:\n    kubeProxy:\n"
                         "      mode: ipvs\n      ipvsScheduler: wrr\n",
                 KS_EINVAL, 12, 22,
                 "spec.controlPlane.kubeProxy.ipvsScheduler: unknown IPVS "
                 "scheduler \"wrr\" (expected one of: rr, lc, sh)");
    EXPECT_ERROR(MINIMAL "  controlPlane:\n    kubeProxy:\n"
                         "      mode: nftables\n",
                 KS_EINVAL, 11, 13,
                 "spec.controlPlane.kubeProxy.mode: unknown proxy mode "
                 "\"nftables\" (expected one of: iptables, ipvs)");
}

static void test_control_plane_errors(void)
{
#define CP(body) MINIMAL "  controlPlane:\n" body
    EXPECT_ERROR(CP("    etcd: 3\n"), KS_EPARSE, 10, 5,
                 "unknown key \"etcd\" in spec.controlPlane (expected one "
                 "of: etcdMembers, watchDelay, controllerQPS, "
                 "controllerBurst, kubelet, kubeProxy, rbac)");
    EXPECT_ERROR(CP("    etcdMembers: 0\n"), KS_ERANGE, 10, 18,
                 "spec.controlPlane.etcdMembers: must be between 1 and 99, "
                 "got \"0\"");
    EXPECT_ERROR(CP("    etcdMembers: 100\n"), KS_ERANGE, 10, 18,
                 "must be between 1 and 99");
    EXPECT_ERROR(CP("    watchDelay: -1s\n"), KS_ERANGE, 10, 17,
                 "spec.controlPlane.watchDelay: must be >= 0");
    EXPECT_ERROR(CP("    controllerQPS: 0\n"), KS_ERANGE, 10, 20,
                 "spec.controlPlane.controllerQPS: controllerQPS must be in "
                 "(0, 1e6]");
    EXPECT_ERROR(CP("    controllerQPS: 2e6\n"), KS_ERANGE, 10, 20,
                 "controllerQPS must be in (0, 1e6]");
    EXPECT_ERROR(CP("    controllerBurst: 0\n"), KS_ERANGE, 10, 22,
                 "spec.controlPlane.controllerBurst: must be between 1 and "
                 "1000000");
    EXPECT_ERROR(CP("    kubelet: {runtime: rkt}\n"), KS_EINVAL, 10, 24,
                 "spec.controlPlane.kubelet.runtime: unknown runtime \"rkt\" "
                 "(expected one of: containerd, cri-o, docker)");
    EXPECT_ERROR(CP("    kubelet: {pullBandwidth: 0}\n"), KS_ERANGE, 10, 30,
                 "spec.controlPlane.kubelet.pullBandwidth: pullBandwidth must "
                 "be > 0 (bytes per second)");
    EXPECT_ERROR(CP("    kubelet: {startLatency: -5ms}\n"), KS_ERANGE, 10, 29,
                 "spec.controlPlane.kubelet.startLatency: must be >= 0");
    EXPECT_ERROR(CP("    kubelet: {maxParallelImagePulls: 0}\n"), KS_ERANGE,
                 10, 38,
                 "spec.controlPlane.kubelet.maxParallelImagePulls: must be "
                 "between 1 and 1000");
    EXPECT_ERROR(CP("    kubelet: {pulls: 2}\n"), KS_EPARSE, 10, 15,
                 "unknown key \"pulls\" in spec.controlPlane.kubelet");
    EXPECT_ERROR(CP("    kubeProxy: {minSyncPeriod: soon}\n"), KS_EPARSE, 10,
                 32, "spec.controlPlane.kubeProxy.minSyncPeriod: invalid "
                     "duration \"soon\"");
    EXPECT_ERROR(CP("    rbac: rbac.yaml\n"), KS_EPARSE, 10, 11,
                 "spec.controlPlane.rbac: expected a sequence");
    EXPECT_ERROR(CP("    rbac: [\"\"]\n"), KS_EINVAL, 10, 12,
                 "spec.controlPlane.rbac[0]: must not be empty");
    EXPECT_ERROR(MINIMAL "  controlPlane: [1]\n", KS_EPARSE, 9, 17,
                 "spec.controlPlane: expected a mapping");
#undef CP
}

/* controlPlane simulates manifests' workloads on CPU nodes only. */
static void test_control_plane_limits(void)
{
    EXPECT_ERROR(MINIMAL "  workloads:\n    - generator:\n"
                         "        arrivals: {rate: 1/s}\n"
                         "        duration: 1m\n"
                         "  controlPlane: {}\n",
                 KS_EINVAL, 13, 3,
                 "spec.controlPlane: controlPlane runs the workloads of "
                 "manifests (Deployments, ReplicaSets, Jobs, Pods); generator "
                 "and trace workloads are not simulated on the store yet");
    EXPECT_ERROR(HEAD "spec:\n  duration: 1h\n  cluster:\n    nodePools:\n"
                      "      - {name: g, count: 1, gpus: {count: 2},\n"
                      "         allocatable: {cpu: \"8\", memory: 8Gi}}\n"
                      "  controlPlane: {}\n",
                 KS_EINVAL, 10, 3,
                 "spec.controlPlane: controlPlane does not model GPUs yet "
                 "(node pool g has gpus)");
}

/* ---- spec.traffic -------------------------------------------------------- */

static void test_traffic(void)
{
    ks_scenario *sc =
        load_text(MINIMAL "  controlPlane: {}\n"
                          "  traffic:\n"
                          "    - {service: web, rate: 100/s}\n"
                          "    - {service: prod/api, rate: 30/m}\n"
                          "    - {service: a.b-c, rate: 0.5/h}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const ks_cp_spec *cp = sc->control_plane;
    CU_ASSERT_EQUAL_FATAL(cp->ntraffic, 3);
    CU_ASSERT_STRING_EQUAL(cp->traffic[0].namespace_name, "default");
    CU_ASSERT_STRING_EQUAL(cp->traffic[0].service, "web");
    CU_ASSERT_DOUBLE_EQUAL(cp->traffic[0].rate, 100.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(cp->traffic[1].namespace_name, "prod");
    CU_ASSERT_STRING_EQUAL(cp->traffic[1].service, "api");
    CU_ASSERT_DOUBLE_EQUAL(cp->traffic[1].rate, 0.5, 1e-12);
    CU_ASSERT_STRING_EQUAL(cp->traffic[2].namespace_name, "default");
    CU_ASSERT_STRING_EQUAL(cp->traffic[2].service, "a.b-c");
    CU_ASSERT_DOUBLE_EQUAL(cp->traffic[2].rate, 0.5 / 3600, 1e-15);
    ks_scenario_destroy(sc);

    sc = load_text(MINIMAL "  controlPlane: {}\n  traffic: []\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(sc->control_plane->ntraffic, 0);
    ks_scenario_destroy(sc);

#define TR(item) MINIMAL "  controlPlane: {}\n  traffic:\n    - " item "\n"
    EXPECT_ERROR(TR("{service: web}"), KS_EPARSE, 11, 7,
                 "missing required key \"rate\" in spec.traffic[0]");
    EXPECT_ERROR(TR("{rate: 1/s}"), KS_EPARSE, 11, 7,
                 "missing required key \"service\" in spec.traffic[0]");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, port: 80}"), KS_EPARSE, 11, 33,
                 "unknown key \"port\" in spec.traffic[0] (expected one of: "
                 "service, rate, profile)");
    EXPECT_ERROR(TR("{service: web, rate: fast}"), KS_EPARSE, 11, 28,
                 "spec.traffic[0].rate: invalid rate \"fast\"");
    EXPECT_ERROR(TR("{service: web, rate: 0/s}"), KS_ERANGE, 11, 28,
                 "spec.traffic[0].rate: rate must be > 0, got \"0/s\"");
    EXPECT_ERROR(TR("{service: a/b/c, rate: 1/s}"), KS_EINVAL, 11, 17,
                 "spec.traffic[0].service: invalid object reference "
                 "\"a/b/c\" (expected NAME or NAMESPACE/NAME)");
    EXPECT_ERROR(TR("{service: /web, rate: 1/s}"), KS_EINVAL, 11, 17,
                 "invalid object reference \"/web\"");
    EXPECT_ERROR(TR("{service: \"\", rate: 1/s}"), KS_EINVAL, 11, 17,
                 "invalid object reference \"\"");
    EXPECT_ERROR(MINIMAL "  controlPlane: {}\n  traffic: {service: web}\n",
                 KS_EPARSE, 10, 12, "spec.traffic: expected a sequence");
#undef TR
}

/* spec.traffic[i].profile: the rate before the first step is `rate`, or
 * the first step's when it is at 0s; a step may stop the traffic (0/s). */
static void test_traffic_profile(void)
{
    ks_scenario *sc = load_text(
        MINIMAL "  controlPlane: {}\n  traffic:\n"
                "    - service: web\n"
                "      rate: 20/s\n"
                "      profile:\n"
                "        - {at: 2m, rate: 200/s}\n"
                "        - {at: 6m, rate: 1200/m}\n"
                "        - {at: 10m, rate: 0/s}\n"
                "    - service: prod/api\n"
                "      profile: [{at: 0s, rate: 5/s}, {at: 90s, rate: "
                "0.0/h}]\n"
                "    - {service: plain, rate: 3/s}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const ks_cp_spec *cp = sc->control_plane;
    CU_ASSERT_EQUAL_FATAL(cp->ntraffic, 3);
    const ks_cp_traffic *t = &cp->traffic[0];
    CU_ASSERT_DOUBLE_EQUAL(t->rate, 20.0, 1e-12);
    CU_ASSERT_EQUAL_FATAL(t->nprofile, 3);
    CU_ASSERT_EQUAL(t->profile[0].at, 2 * KS_MINUTE);
    CU_ASSERT_DOUBLE_EQUAL(t->profile[0].rate, 200.0, 1e-12);
    CU_ASSERT_EQUAL(t->profile[1].at, 6 * KS_MINUTE);
    CU_ASSERT_DOUBLE_EQUAL(t->profile[1].rate, 20.0, 1e-12);
    CU_ASSERT_EQUAL(t->profile[2].at, 10 * KS_MINUTE);
    CU_ASSERT_DOUBLE_EQUAL(t->profile[2].rate, 0.0, 0);
    CU_ASSERT_EQUAL(t->line, 11);
    CU_ASSERT_EQUAL(t->col, 7);
    /* The rate at any time. */
    CU_ASSERT_DOUBLE_EQUAL(ks_cp_traffic_rate_at(t, 0), 20.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_cp_traffic_rate_at(t, 2 * KS_MINUTE - 1), 20.0,
                           1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_cp_traffic_rate_at(t, 2 * KS_MINUTE), 200.0,
                           1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_cp_traffic_rate_at(t, 7 * KS_MINUTE), 20.0,
                           1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_cp_traffic_rate_at(t, KS_HOUR), 0.0, 0);
    t = &cp->traffic[1];
    CU_ASSERT_STRING_EQUAL(t->namespace_name, "prod");
    CU_ASSERT_DOUBLE_EQUAL(t->rate, 5.0, 1e-12); /* the 0s step's */
    CU_ASSERT_EQUAL_FATAL(t->nprofile, 2);
    CU_ASSERT_EQUAL(t->profile[0].at, 0);
    CU_ASSERT_EQUAL(t->profile[1].at, 90 * KS_SECOND);
    CU_ASSERT_DOUBLE_EQUAL(t->profile[1].rate, 0.0, 0);
    t = &cp->traffic[2];
    CU_ASSERT_EQUAL(t->nprofile, 0);
    CU_ASSERT_PTR_NULL(t->profile);
    CU_ASSERT_DOUBLE_EQUAL(ks_cp_traffic_rate_at(t, KS_HOUR), 3.0, 1e-12);
    ks_scenario_destroy(sc);

#define TR(item) MINIMAL "  controlPlane: {}\n  traffic:\n    - " item "\n"
    EXPECT_ERROR(TR("{service: web, profile: [{at: 1m, rate: 1/s}]}"),
                 KS_EINVAL, 11, 7,
                 "spec.traffic[0]: missing rate: the rate before the "
                 "profile's first step (or start the profile at 0s)");
    EXPECT_ERROR(TR("{service: web, rate: 2/s, profile: [{at: 0s, rate: "
                    "1/s}]}"),
                 KS_EINVAL, 11, 22,
                 "spec.traffic[0].rate: rate is never used: the profile "
                 "starts at 0s (give one or the other)");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: []}"), KS_EINVAL, 11,
                 42, "spec.traffic[0].profile: must not be empty");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: {at: 1m}}"),
                 KS_EPARSE, 11, 42,
                 "spec.traffic[0].profile: expected a sequence");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: 2m, rate: "
                    "1/s}, {at: 1m, rate: 2/s}]}"),
                 KS_EINVAL, 11, 69,
                 "spec.traffic[0].profile[1].at: profile times must "
                 "increase: 1m is not after the step before");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: 1m, rate: "
                    "1/s}, {at: 60s, rate: 2/s}]}"),
                 KS_EINVAL, 11, 69,
                 "profile times must increase: 60s is not after");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: -1m, rate: "
                    "1/s}]}"),
                 KS_ERANGE, 11, 48, "spec.traffic[0].profile[0].at: must be "
                                    ">= 0");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: 1m}]}"),
                 KS_EPARSE, 11, 43,
                 "missing required key \"rate\" in spec.traffic[0]"
                 ".profile[0]");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: 1m, rate: "
                    "1/s, to: 2m}]}"),
                 KS_EPARSE, 11, 63,
                 "unknown key \"to\" in spec.traffic[0].profile[0] "
                 "(expected one of: at, rate)");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: 1m, rate: "
                    "-1/s}]}"),
                 KS_EPARSE, 11, 58,
                 "spec.traffic[0].profile[0].rate: invalid rate \"-1/s\"");
    EXPECT_ERROR(TR("{service: web, rate: 1/s, profile: [{at: 1m, rate: "
                    "0/d}]}"),
                 KS_EPARSE, 11, 58, "invalid rate \"0/d\"");
    /* The item's own rate stays positive: 0 only in a profile step. */
    EXPECT_ERROR(TR("{service: web, rate: 0/s, profile: [{at: 1m, rate: "
                    "1/s}]}"),
                 KS_ERANGE, 11, 28, "rate must be > 0, got \"0/s\"");
#undef TR
}

/* traffic and actions need controlPlane: an error at their key. */
static void test_needs_control_plane(void)
{
    EXPECT_ERROR(MINIMAL "  traffic:\n    - {service: web, rate: 1/s}\n",
                 KS_EINVAL, 9, 3,
                 "spec.traffic: traffic needs spec.controlPlane (the whole "
                 "cluster simulated; docs/scenario.md)");
    EXPECT_ERROR(MINIMAL "  actions:\n"
                         "    - {at: 1m, cordon: {node: p-0}}\n",
                 KS_EINVAL, 9, 3,
                 "spec.actions: actions needs spec.controlPlane");
    /* Both: traffic is named. */
    EXPECT_ERROR(MINIMAL "  actions: []\n  traffic: []\n", KS_EINVAL, 10, 3,
                 "traffic needs spec.controlPlane");
}

/* ---- spec.actions -------------------------------------------------------- */

static void test_action_kinds(void)
{
    ks_scenario *sc = load_text(
        ACTIONS
        "    - {at: 1s, scale: {deployment: web, replicas: 5}}\n"
        "    - {at: 2s, as: alice, scale: {replicaSet: prod/rs, replicas: 0}}\n"
        "    - {at: 3s, setImage: {deployment: prod/web,\n"
        "                          image: \"nginx:1.27\"}}\n"
        "    - {at: 4s, pause: {deployment: web}}\n"
        "    - {at: 5s, resume: {deployment: web}}\n"
        "    - {at: 6s, cordon: {node: p-0}}\n"
        "    - {at: 7s, uncordon: {node: p-0}}\n"
        "    - {at: 8s, as: \"system:serviceaccount:kube-system:ops\",\n"
        "       drain: {node: p-0}}\n"
        "    - {at: 9s, delete: {kind: Deployment, name: web}}\n"
        "    - {at: 10s, delete: {kind: ReplicaSet, name: ns/rs}}\n"
        "    - {at: 11s, delete: {kind: Pod, name: web-0}}\n"
        "    - {at: 12s, delete: {kind: Service, name: web}}\n"
        "    - {at: 13s, delete: {kind: Node, name: p-0}}\n"
        "    - {at: 1m30s, delete: {kind: Job, name: batch/pi}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const ks_cp_spec *cp = sc->control_plane;
    CU_ASSERT_EQUAL_FATAL(cp->nactions, 14);
    static const struct {
        ks_time at;
        ks_cp_action_kind kind;
        const char *as, *kind_name, *ns, *name;
        int32_t replicas;
        const char *image;
        int line, col;
    } want[] = {
        {1, KS_ACT_SCALE, "admin", "Deployment", "default", "web", 5, NULL, 11,
         7},
        {2, KS_ACT_SCALE, "alice", "ReplicaSet", "prod", "rs", 0, NULL, 12, 7},
        {3, KS_ACT_SET_IMAGE, "admin", "Deployment", "prod", "web", 0,
         "nginx:1.27", 13, 7},
        {4, KS_ACT_PAUSE, "admin", "Deployment", "default", "web", 0, NULL, 15,
         7},
        {5, KS_ACT_RESUME, "admin", "Deployment", "default", "web", 0, NULL,
         16, 7},
        {6, KS_ACT_CORDON, "admin", "Node", NULL, "p-0", 0, NULL, 17, 7},
        {7, KS_ACT_UNCORDON, "admin", "Node", NULL, "p-0", 0, NULL, 18, 7},
        {8, KS_ACT_DRAIN, "system:serviceaccount:kube-system:ops", "Node",
         NULL, "p-0", 0, NULL, 19, 7},
        {9, KS_ACT_DELETE, "admin", "Deployment", "default", "web", 0, NULL,
         21, 7},
        {10, KS_ACT_DELETE, "admin", "ReplicaSet", "ns", "rs", 0, NULL, 22, 7},
        {11, KS_ACT_DELETE, "admin", "Pod", "default", "web-0", 0, NULL, 23,
         7},
        {12, KS_ACT_DELETE, "admin", "Service", "default", "web", 0, NULL, 24,
         7},
        {13, KS_ACT_DELETE, "admin", "Node", NULL, "p-0", 0, NULL, 25, 7},
        {90, KS_ACT_DELETE, "admin", "Job", "batch", "pi", 0, NULL, 26, 7},
    };
    for (size_t i = 0; i < cp->nactions; i++) {
        const ks_cp_action *a = &cp->actions[i];
        CU_ASSERT_EQUAL(a->at, want[i].at * KS_SECOND);
        CU_ASSERT_EQUAL(a->kind, want[i].kind);
        CU_ASSERT_STRING_EQUAL(a->as, want[i].as);
        CU_ASSERT_STRING_EQUAL(a->object_kind, want[i].kind_name);
        if (want[i].ns) {
            CU_ASSERT_PTR_NOT_NULL(a->namespace_name);
            if (a->namespace_name)
                CU_ASSERT_STRING_EQUAL(a->namespace_name, want[i].ns);
        } else {
            CU_ASSERT_PTR_NULL(a->namespace_name);
        }
        CU_ASSERT_STRING_EQUAL(a->name, want[i].name);
        CU_ASSERT_EQUAL(a->replicas, want[i].replicas);
        if (want[i].image) {
            CU_ASSERT_PTR_NOT_NULL(a->image);
            if (a->image)
                CU_ASSERT_STRING_EQUAL(a->image, want[i].image);
        } else {
            CU_ASSERT_PTR_NULL(a->image);
        }
        CU_ASSERT_EQUAL(a->line, want[i].line);
        CU_ASSERT_EQUAL(a->col, want[i].col);
    }
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_SCALE), "scale");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_SET_IMAGE), "setImage");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_PAUSE), "pause");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_RESUME), "resume");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_CORDON), "cordon");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_UNCORDON), "uncordon");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_DRAIN), "drain");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_DELETE), "delete");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_ROLLBACK), "rollback");
    CU_ASSERT_STRING_EQUAL(ks_cp_action_name(KS_ACT_COUNT), "?");
    ks_scenario_destroy(sc);

    /* Block style and the boundary values: scale to 0, at 0. */
    sc = load_text(ACTIONS "    - at: 0s\n"
                           "      as: bob\n"
                           "      scale:\n"
                           "        deployment: ns-1/api\n"
                           "        replicas: 0\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL_FATAL(sc->control_plane->nactions, 1);
    const ks_cp_action *a = &sc->control_plane->actions[0];
    CU_ASSERT_EQUAL(a->at, 0);
    CU_ASSERT_STRING_EQUAL(a->as, "bob");
    CU_ASSERT_STRING_EQUAL(a->namespace_name, "ns-1");
    CU_ASSERT_STRING_EQUAL(a->name, "api");
    CU_ASSERT_EQUAL(a->replicas, 0);
    CU_ASSERT_EQUAL(a->line, 11);
    CU_ASSERT_EQUAL(a->col, 7);
    ks_scenario_destroy(sc);
}

/* rollback: {deployment: REF, toRevision: N}, toRevision 0 (the previous
 * revision) when not given. */
static void test_rollback_action(void)
{
    ks_scenario *sc = load_text(
        ACTIONS "    - {at: 1m, rollback: {deployment: web}}\n"
                "    - {at: 2m, as: alice, rollback: {deployment: prod/api, "
                "toRevision: 3}}\n"
                "    - {at: 3m, rollback: {deployment: web, toRevision: 0}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    const ks_cp_spec *cp = sc->control_plane;
    CU_ASSERT_EQUAL_FATAL(cp->nactions, 3);
    const ks_cp_action *a = &cp->actions[0];
    CU_ASSERT_EQUAL(a->kind, KS_ACT_ROLLBACK);
    CU_ASSERT_EQUAL(a->at, KS_MINUTE);
    CU_ASSERT_STRING_EQUAL(a->as, "admin");
    CU_ASSERT_STRING_EQUAL(a->object_kind, "Deployment");
    CU_ASSERT_STRING_EQUAL(a->namespace_name, "default");
    CU_ASSERT_STRING_EQUAL(a->name, "web");
    CU_ASSERT_EQUAL(a->to_revision, 0);
    a = &cp->actions[1];
    CU_ASSERT_EQUAL(a->kind, KS_ACT_ROLLBACK);
    CU_ASSERT_STRING_EQUAL(a->as, "alice");
    CU_ASSERT_STRING_EQUAL(a->namespace_name, "prod");
    CU_ASSERT_STRING_EQUAL(a->name, "api");
    CU_ASSERT_EQUAL(a->to_revision, 3);
    CU_ASSERT_EQUAL(cp->actions[2].to_revision, 0);
    ks_scenario_destroy(sc);

#define ACT(item) ACTIONS "    - " item "\n"
    EXPECT_ERROR(ACT("{at: 1m, rollback: {}}"), KS_EPARSE, 11, 26,
                 "missing required key \"deployment\" in "
                 "spec.actions[0].rollback");
    EXPECT_ERROR(ACT("{at: 1m, rollback: {deployment: web, toRevision: -1}}"),
                 KS_ERANGE, 11, 56,
                 "spec.actions[0].rollback.toRevision: must be >= 0, got "
                 "\"-1\"");
    EXPECT_ERROR(ACT("{at: 1m, rollback: {deployment: web, toRevision: "
                     "two}}"),
                 KS_EPARSE, 11, 56, "spec.actions[0].rollback.toRevision");
    EXPECT_ERROR(ACT("{at: 1m, rollback: {replicaSet: rs}}"), KS_EPARSE, 11,
                 27,
                 "unknown key \"replicaSet\" in spec.actions[0].rollback "
                 "(expected one of: deployment, toRevision)");
    EXPECT_ERROR(ACT("{at: 1m, rollback: {deployment: a/b/c}}"), KS_EINVAL,
                 11, 39,
                 "spec.actions[0].rollback.deployment: invalid object "
                 "reference \"a/b/c\"");
    EXPECT_ERROR(ACT("{at: 1m, rollback: {deployment: web}, pause: "
                     "{deployment: web}}"),
                 KS_EINVAL, 11, 45,
                 "an action does one thing: \"pause\" after \"rollback\"");
#undef ACT
}

/* Sorted by time; equal times keep their order in the file. */
static void test_action_order(void)
{
    ks_scenario *sc = load_text(
        ACTIONS "    - {at: 5m, as: u5, cordon: {node: n}}\n"
                "    - {at: 1m, as: u1a, cordon: {node: n}}\n"
                "    - {at: 3m, as: u3a, cordon: {node: n}}\n"
                "    - {at: 1m, as: u1b, cordon: {node: n}}\n"
                "    - {at: 60s, as: u1c, cordon: {node: n}}\n"
                "    - {at: 3m, as: u3b, cordon: {node: n}}\n"
                "    - {at: 0s, as: u0, cordon: {node: n}}\n"
                "    - {at: 1m, as: u1d, cordon: {node: n}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    static const char *const want[] = {"u0",  "u1a", "u1b", "u1c",
                                       "u1d", "u3a", "u3b", "u5"};
    const ks_cp_spec *cp = sc->control_plane;
    CU_ASSERT_EQUAL_FATAL(cp->nactions, 8);
    for (size_t i = 0; i < 8; i++) {
        CU_ASSERT_STRING_EQUAL(cp->actions[i].as, want[i]);
        if (i)
            CU_ASSERT(cp->actions[i - 1].at <= cp->actions[i].at);
    }
    ks_scenario_destroy(sc);

    /* A flow sequence on one line: the column keeps the order. */
    sc = load_text(MINIMAL "  controlPlane: {}\n"
                           "  actions: [{at: 2s, as: x, cordon: {node: n}}, "
                           "{at: 1s, as: y, cordon: {node: n}}, "
                           "{at: 2s, as: z, cordon: {node: n}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    cp = sc->control_plane;
    CU_ASSERT_EQUAL_FATAL(cp->nactions, 3);
    CU_ASSERT_STRING_EQUAL(cp->actions[0].as, "y");
    CU_ASSERT_STRING_EQUAL(cp->actions[1].as, "x");
    CU_ASSERT_STRING_EQUAL(cp->actions[2].as, "z");
    CU_ASSERT_EQUAL(cp->actions[1].line, 10);
    CU_ASSERT(cp->actions[1].col < cp->actions[2].col);
    ks_scenario_destroy(sc);
}

static void test_action_errors(void)
{
#define ACT(item) ACTIONS "    - " item "\n"
    EXPECT_ERROR(ACT("{at: 1m, scael: {deployment: web, replicas: 1}}"),
                 KS_EPARSE, 11, 16,
                 "spec.actions[0].scael: unknown key \"scael\" in an action "
                 "(expected at, as and one of: scale, setImage, pause, "
                 "resume, cordon, uncordon, drain, delete, rollback)");
    EXPECT_ERROR(ACT("{at: 1m, cordon: {node: a}, drain: {node: a}}"),
                 KS_EINVAL, 11, 35,
                 "spec.actions[0].drain: an action does one thing: \"drain\" "
                 "after \"cordon\"");
    EXPECT_ERROR(ACT("{as: alice, cordon: {node: a}}"), KS_EPARSE, 11, 7,
                 "missing required key \"at\" in spec.actions[0]");
    EXPECT_ERROR(ACT("{at: 1m, as: alice}"), KS_EINVAL, 11, 7,
                 "spec.actions[0]: an action needs one of: scale, setImage, "
                 "pause, resume, cordon, uncordon, drain, delete, rollback");
    EXPECT_ERROR(ACT("{at: -1s, cordon: {node: a}}"), KS_ERANGE, 11, 12,
                 "spec.actions[0].at: must be >= 0");
    EXPECT_ERROR(ACT("{at: later, cordon: {node: a}}"), KS_EPARSE, 11, 12,
                 "spec.actions[0].at: invalid duration \"later\"");
    EXPECT_ERROR(ACT("{at: 1m, as: \"\", cordon: {node: a}}"), KS_EINVAL, 11,
                 20, "spec.actions[0].as: must not be empty");
    EXPECT_ERROR(ACT("{at: 1m, scale: {deployment: a/b/c, replicas: 1}}"),
                 KS_EINVAL, 11, 36,
                 "spec.actions[0].scale.deployment: invalid object reference "
                 "\"a/b/c\" (expected NAME or NAMESPACE/NAME)");
    EXPECT_ERROR(ACT("{at: 1m, scale: {deployment: web}}"), KS_EPARSE, 11, 23,
                 "missing required key \"replicas\" in spec.actions[0].scale");
    EXPECT_ERROR(ACT("{at: 1m, scale: {replicas: 3}}"), KS_EPARSE, 11, 23,
                 "missing required key \"deployment\" in "
                 "spec.actions[0].scale");
    EXPECT_ERROR(ACT("{at: 1m, scale: {deployment: a, replicaSet: b, "
                     "replicas: 3}}"),
                 KS_EINVAL, 11, 23,
                 "spec.actions[0].scale: give either deployment or "
                 "replicaSet, not both");
    EXPECT_ERROR(ACT("{at: 1m, scale: {deployment: web, replicas: -1}}"),
                 KS_ERANGE, 11, 51,
                 "spec.actions[0].scale.replicas: must be between 0 and "
                 "1000000, got \"-1\"");
    EXPECT_ERROR(ACT("{at: 1m, setImage: {deployment: web}}"), KS_EPARSE, 11,
                 26, "missing required key \"image\" in "
                     "spec.actions[0].setImage");
    EXPECT_ERROR(ACT("{at: 1m, setImage: {deployment: web, image: \"\"}}"),
                 KS_EINVAL, 11, 51,
                 "spec.actions[0].setImage.image: must not be empty");
    EXPECT_ERROR(ACT("{at: 1m, setImage: {replicaSet: rs, image: x}}"),
                 KS_EPARSE, 11, 27,
                 "unknown key \"replicaSet\" in spec.actions[0].setImage "
                 "(expected one of: deployment, image)");
    EXPECT_ERROR(ACT("{at: 1m, pause: {deployment: web, replicas: 1}}"),
                 KS_EPARSE, 11, 41,
                 "unknown key \"replicas\" in spec.actions[0].pause");
    EXPECT_ERROR(ACT("{at: 1m, resume: {}}"), KS_EPARSE, 11, 24,
                 "missing required key \"deployment\" in "
                 "spec.actions[0].resume");
    EXPECT_ERROR(ACT("{at: 1m, cordon: {node: default/n}}"), KS_EINVAL, 11,
                 31,
                 "spec.actions[0].cordon.node: invalid object reference "
                 "\"default/n\" (expected a name)");
    EXPECT_ERROR(ACT("{at: 1m, drain: {name: n}}"), KS_EPARSE, 11, 24,
                 "unknown key \"name\" in spec.actions[0].drain (expected "
                 "one of: node)");
    EXPECT_ERROR(ACT("{at: 1m, delete: {kind: ConfigMap, name: c}}"),
                 KS_EINVAL, 11, 31,
                 "spec.actions[0].delete.kind: unknown kind \"ConfigMap\" "
                 "(expected one of: Deployment, ReplicaSet, Pod, Service, "
                 "Node, Job)");
    EXPECT_ERROR(ACT("{at: 1m, delete: {kind: Pod}}"), KS_EPARSE, 11, 24,
                 "missing required key \"name\" in spec.actions[0].delete");
    EXPECT_ERROR(ACT("{at: 1m, delete: {kind: Node, name: ns/n}}"), KS_EINVAL,
                 11, 43, "invalid object reference \"ns/n\" (expected a name)");
    EXPECT_ERROR(ACT("{at: 1m, delete: {kind: Pod, name: a/b/c}}"), KS_EINVAL,
                 11, 42,
                 "invalid object reference \"a/b/c\" (expected NAME or "
                 "NAMESPACE/NAME)");
    EXPECT_ERROR(ACT("[at, 1m]"), KS_EPARSE, 11, 7,
                 "spec.actions[0]: expected a mapping");
    EXPECT_ERROR(MINIMAL "  controlPlane: {}\n  actions: {at: 1m}\n",
                 KS_EPARSE, 10, 12, "spec.actions: expected a sequence");
    /* The first bad item is the one reported, with its index. */
    EXPECT_ERROR(ACTIONS "    - {at: 1m, cordon: {node: a}}\n"
                         "    - {at: 2m, cordon: {}}\n",
                 KS_EPARSE, 12, 24,
                 "missing required key \"node\" in spec.actions[1].cordon");
#undef ACT
}

void ks_suite_cp_spec(void)
{
    static const ks_test_case cases[] = {
        {"defaults", test_defaults},
        {"every key", test_every_key},
        {"rbac paths from a file", test_rbac_paths_from_file},
        {"runtime profiles", test_runtime_profiles},
        {"kube-proxy modes", test_proxy_modes},
        {"controlPlane errors", test_control_plane_errors},
        {"controlPlane limits", test_control_plane_limits},
        {"traffic", test_traffic},
        {"traffic profile", test_traffic_profile},
        {"traffic and actions need controlPlane", test_needs_control_plane},
        {"action kinds", test_action_kinds},
        {"action order", test_action_order},
        {"rollback action", test_rollback_action},
        {"action errors", test_action_errors},
        {NULL, NULL},
    };
    ks_test_add_suite("cp_spec", cases);
}
