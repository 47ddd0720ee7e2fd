/* test_cp_run.c - a scenario's whole cluster on the store
 * (scenarios/cp_run.h) end to end through ks_run: manifests and an RBAC
 * file written next to a scenario, run by ks_run_create/ks_run_execute,
 * checked through the control plane's samples, action outcomes and pod
 * event log.
 *
 * The cluster is three nodes n-0..n-2 (4 cpu, 8Gi); web.yaml is a
 * Deployment "web" of 4 replicas (500m, 256Mi, image nginx:1.26 of 50 MB,
 * maxSurge = maxUnavailable = 1) behind a Service "web" that gets 20
 * requests per second.  With the default kubelet (containerd: sandbox
 * 500 ms, start 180 ms; pulls at 100 MB/s) a pod pulls for exactly 500 ms.
 * rbac.yaml lets alice patch Deployments and their scale in "default",
 * bob only read, and carol patch nodes (not evict pods).  Metrics are
 * sampled every second.  A last case runs manifests with probes,
 * ksim.io/unhealthy-after, ksim.io/ignores-sigterm and a grace period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <CUnit/CUnit.h>

#include "scenarios/cp_run.h"
#include "scenarios/cp_spec.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "sim/podevents.h"
#include "sim/xalloc.h"
#include "tests/suites.h"
#include "tests/test_util.h"

#define WEB_YAML                                                               \
    "apiVersion: apps/v1\n"                                                    \
    "kind: Deployment\n"                                                       \
    "metadata: {name: web, namespace: default}\n"                              \
    "spec:\n"                                                                  \
    "  replicas: 4\n"                                                          \
    "  strategy:\n"                                                            \
    "    type: RollingUpdate\n"                                                \
    "    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}\n"                    \
    "  selector: {matchLabels: {app: web}}\n"                                  \
    "  template:\n"                                                            \
    "    metadata:\n"                                                          \
    "      labels: {app: web}\n"                                               \
    "      annotations: {ksim.io/image-size: 50M}\n"                           \
    "    spec:\n"                                                              \
    "      containers:\n"                                                      \
    "        - name: web\n"                                                    \
    "          image: \"nginx:1.26\"\n"                                        \
    "          resources: {requests: {cpu: 500m, memory: 256Mi}}\n"            \
    "---\n"                                                                    \
    "apiVersion: v1\n"                                                         \
    "kind: Service\n"                                                          \
    "metadata: {name: web, namespace: default}\n"                              \
    "spec:\n"                                                                  \
    "  selector: {app: web}\n"                                                 \
    "  ports: [{port: 80}]\n"

#define RBAC_YAML                                                              \
    "apiVersion: rbac.authorization.k8s.io/v1\n"                               \
    "kind: Role\n"                                                             \
    "metadata: {name: deployer, namespace: default}\n"                         \
    "rules:\n"                                                                 \
    "  - apiGroups: [apps]\n"                                                  \
    "    resources: [deployments, deployments/scale]\n"                        \
    "    verbs: [get, list, watch, patch, update]\n"                           \
    "---\n"                                                                    \
    "apiVersion: rbac.authorization.k8s.io/v1\n"                               \
    "kind: RoleBinding\n"                                                      \
    "metadata: {name: alice-deploys, namespace: default}\n"                    \
    "subjects: [{kind: User, name: alice, "                                    \
    "apiGroup: rbac.authorization.k8s.io}]\n"                                  \
    "roleRef: {kind: Role, name: deployer, "                                   \
    "apiGroup: rbac.authorization.k8s.io}\n"                                   \
    "---\n"                                                                    \
    "apiVersion: rbac.authorization.k8s.io/v1\n"                               \
    "kind: ClusterRole\n"                                                      \
    "metadata: {name: reader}\n"                                               \
    "rules:\n"                                                                 \
    "  - apiGroups: [\"\", apps]\n"                                            \
    "    resources: [pods, nodes, deployments]\n"                              \
    "    verbs: [get, list, watch]\n"                                          \
    "---\n"                                                                    \
    "apiVersion: rbac.authorization.k8s.io/v1\n"                               \
    "kind: ClusterRoleBinding\n"                                               \
    "metadata: {name: bob-reads}\n"                                            \
    "subjects: [{kind: User, name: bob, "                                      \
    "apiGroup: rbac.authorization.k8s.io}]\n"                                  \
    "roleRef: {kind: ClusterRole, name: reader, "                              \
    "apiGroup: rbac.authorization.k8s.io}\n"                                   \
    "---\n"                                                                    \
    "apiVersion: rbac.authorization.k8s.io/v1\n"                               \
    "kind: ClusterRole\n"                                                      \
    "metadata: {name: cordoner}\n"                                             \
    "rules:\n"                                                                 \
    "  - apiGroups: [\"\"]\n"                                                  \
    "    resources: [nodes]\n"                                                 \
    "    verbs: [get, list, patch]\n"                                          \
    "---\n"                                                                    \
    "apiVersion: rbac.authorization.k8s.io/v1\n"                               \
    "kind: ClusterRoleBinding\n"                                               \
    "metadata: {name: carol-cordons}\n"                                        \
    "subjects: [{kind: User, name: carol, "                                    \
    "apiGroup: rbac.authorization.k8s.io}]\n"                                  \
    "roleRef: {kind: ClusterRole, name: cordoner, "                            \
    "apiGroup: rbac.authorization.k8s.io}\n"

/* A path in the suite's scratch folder (copied: ks_test_tmp's buffer is
 * shared). */
static const char *scratch(const char *rel)
{
    static char buf[8192];
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", ks_test_tmp("cp_run"));
    mkdir(dir, 0777);
    snprintf(buf, sizeof buf, "%s/%s", dir, rel);
    return buf;
}

static void write_fixtures(void)
{
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scratch("web.yaml"), WEB_YAML), 0);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scratch("rbac.yaml"), RBAC_YAML),
                          0);
}

/* The scenario: DURATION, extra controlPlane keys (indented 4) and the
 * text after "  actions:" (" []\n" for none). */
static char *scenario_text(const char *duration, const char *cp_extra,
                           const char *actions)
{
    size_t size = 8192 + strlen(actions);
    char *s = ks_xmalloc(size);
    snprintf(s, size,
             "apiVersion: ksim.dev/v1\n"
             "kind: Scenario\n"
             "metadata: {name: cp}\n"
             "spec:\n"
             "  seed: 7\n"
             "  duration: %s\n"
             "  metrics: {interval: 1s}\n"
             "  cluster:\n"
             "    nodePools:\n"
             "      - {name: n, count: 3, allocatable: {cpu: \"4\", memory: "
             "8Gi}}\n"
             "  workloads:\n"
             "    - manifests: [web.yaml]\n"
             "  controlPlane:\n"
             "    rbac: [rbac.yaml]\n"
             "%s"
             "  traffic:\n"
             "    - {service: web, rate: 20/s}\n"
             "  actions:%s",
             duration, cp_extra, actions);
    return s;
}

typedef struct cp_result {
    ks_scenario *sc;
    ks_run *run;
    const ks_cp_run *cp;
    const ks_podevents *log;
    int rc;
} cp_result;

/* Writes text as scratch file name, loads it and runs it (seed: the
 * scenario's unless seed_set). */
static int run_scenario(cp_result *r, const char *name, const char *text,
                        int seed_set, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    write_fixtures();
    char path[8192];
    snprintf(path, sizeof path, "%s", scratch(name));
    ks_error err;
    ks_error_clear(&err);
    if (ks_test_write_file(path, text) != 0)
        return r->rc = -1;
    r->rc = ks_scenario_load_file(path, &r->sc, &err);
    if (r->rc) {
        fprintf(stderr, "\n%s: ", name);
        ks_error_print(&err, stderr);
        return r->rc;
    }
    ks_run_options opt = {0};
    opt.seed_set = seed_set;
    opt.seed = seed;
    r->run = ks_run_create(r->sc, &opt);
    r->rc = ks_run_execute(r->run, &err);
    if (r->rc) {
        fprintf(stderr, "\n%s: ", name);
        ks_error_print(&err, stderr);
        return r->rc;
    }
    r->cp = ks_run_control_plane(r->run);
    r->log = r->cp ? ks_cp_run_events(r->cp) : NULL;
    return r->cp ? 0 : (r->rc = -1);
}

/* The default scenario with these actions. */
static int run_actions(cp_result *r, const char *name, const char *duration,
                       const char *actions)
{
    char *text = scenario_text(duration, "", actions);
    int rc = run_scenario(r, name, text, 0, 0);
    free(text);
    return rc;
}

static void finish(cp_result *r)
{
    ks_run_destroy(r->run);
    ks_scenario_destroy(r->sc);
    memset(r, 0, sizeof *r);
}

/* ---- reading the samples ------------------------------------------------- */

/* web's sample at t (NULL: none). */
static const ks_cp_deployment_sample *dep_at(const cp_result *r, ks_time t)
{
    size_t n;
    const ks_cp_deployment_sample *s = ks_cp_run_deployment_samples(r->cp, &n);
    for (size_t i = 0; i < n; i++)
        if (s[i].time == t &&
            !strcmp(ks_cp_run_deployment_name(r->cp, s[i].deployment),
                    "default/web"))
            return &s[i];
    return NULL;
}

static const ks_cp_deployment_sample *dep_last(const cp_result *r)
{
    size_t n;
    const ks_cp_deployment_sample *s = ks_cp_run_deployment_samples(r->cp, &n);
    return n ? &s[n - 1] : NULL;
}

/* The end state of web is (replicas, updated, ready, available). */
static int dep_end_is(const cp_result *r, int32_t replicas, int32_t updated,
                      int32_t ready, int32_t available)
{
    const ks_cp_deployment_sample *d = dep_last(r);
    if (!d)
        return 0;
    int ok = d->replicas == replicas && d->updated == updated &&
             d->ready == ready && d->available == available;
    if (!ok)
        fprintf(stderr, "\nweb at %.3fs: %d %d %d %d, wanted %d %d %d %d\n",
                (double)d->time / 1e9, d->replicas, d->updated, d->ready,
                d->available, replicas, updated, ready, available);
    return ok;
}

static const ks_cp_service_sample *svc_at(const cp_result *r, ks_time t)
{
    size_t n;
    const ks_cp_service_sample *s = ks_cp_run_service_samples(r->cp, &n);
    for (size_t i = 0; i < n; i++)
        if (s[i].time == t && s[i].service == 0)
            return &s[i];
    return NULL;
}

static const ks_cp_service_sample *svc_last(const cp_result *r)
{
    size_t n;
    const ks_cp_service_sample *s = ks_cp_run_service_samples(r->cp, &n);
    return n ? &s[n - 1] : NULL;
}

static const ks_cp_action_result *action_result(const cp_result *r,
                                                size_t i)
{
    size_t n;
    const ks_cp_action_result *a = ks_cp_run_action_results(r->cp, &n);
    return i < n ? &a[i] : NULL;
}

static size_t nresults(const cp_result *r)
{
    size_t n;
    ks_cp_run_action_results(r->cp, &n);
    return n;
}

/* ---- reading the pod event log ------------------------------------------- */

static const char *row_node(const cp_result *r, const ks_pod_event *e)
{
    return e->node < 0 ? "" : ks_podevents_node_name(r->log, e->node);
}

/* Rows of kind in [from, to), optionally only on node (NULL: any). */
static int count_rows(const cp_result *r, ks_pod_event_kind kind,
                      ks_time from, ks_time to, const char *node)
{
    const ks_pod_event *e = ks_podevents_rows(r->log);
    int k = 0;
    for (size_t i = 0; i < ks_podevents_count(r->log); i++)
        if (e[i].kind == kind && e[i].time >= from && e[i].time < to &&
            (!node || !strcmp(row_node(r, &e[i]), node)))
            k++;
    return k;
}

/* A pod's life from the log. */
typedef struct pod_life {
    ks_time created, scheduled, pulling, pulled, started, deleted;
    int32_t node;
    int evicted;
    const char *evict_reason;
} pod_life;

/* One per pod of the log (malloc'd, *n of them). */
static pod_life *lives(const cp_result *r, size_t *n)
{
    *n = ks_podevents_npods(r->log);
    pod_life *l = ks_xcalloc(*n + 1, sizeof *l);
    for (size_t i = 0; i < *n; i++)
        l[i] = (pod_life){-1, -1, -1, -1, -1, -1, -1, 0, NULL};
    const ks_pod_event *e = ks_podevents_rows(r->log);
    for (size_t i = 0; i < ks_podevents_count(r->log); i++) {
        pod_life *p = &l[e[i].pod];
        switch (e[i].kind) {
        case KS_PE_CREATED:
            p->created = e[i].time;
            break;
        case KS_PE_SCHEDULED:
            p->scheduled = e[i].time;
            p->node = e[i].node;
            break;
        case KS_PE_PULLING:
            p->pulling = e[i].time;
            break;
        case KS_PE_PULLED:
            p->pulled = e[i].time;
            break;
        case KS_PE_STARTED:
            if (p->started < 0)
                p->started = e[i].time;
            break;
        case KS_PE_EVICTED:
            p->evicted = 1;
            p->evict_reason = ks_podevents_reason(r->log, e[i].reason);
            break;
        case KS_PE_DELETED:
            p->deleted = e[i].time;
            break;
        default:
            break;
        }
    }
    return l;
}

/* Pods alive (created, not deleted) at the end, and of those on node. */
static int alive_at_end(const cp_result *r, const char *node)
{
    size_t n;
    pod_life *l = lives(r, &n);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (l[i].created >= 0 && l[i].deleted < 0 &&
            (!node || (l[i].node >= 0 &&
                       !strcmp(ks_podevents_node_name(r->log, l[i].node),
                               node))))
            k++;
    free(l);
    return k;
}

/* The most pods alive at once, from the Created and Deleted rows. */
static int max_alive(const cp_result *r)
{
    const ks_pod_event *e = ks_podevents_rows(r->log);
    int alive = 0, most = 0;
    for (size_t i = 0; i < ks_podevents_count(r->log); i++) {
        if (e[i].kind == KS_PE_CREATED)
            alive++;
        else if (e[i].kind == KS_PE_DELETED)
            alive--;
        if (alive > most)
            most = alive;
    }
    return most;
}

/* "default/web-<template hash>-<suffix>": the ReplicaSet part. */
static void template_prefix(const char *pod, char *out, size_t size)
{
    snprintf(out, size, "%s", pod);
    char *dash = strrchr(out, '-');
    if (dash)
        *dash = '\0';
}

/* ---- a Deployment and its Service ---------------------------------------- */

static void test_deployment_rolls_out(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(run_actions(&r, "plain.yaml", "20s", " []\n"), 0);
    CU_ASSERT_EQUAL(ks_run_end_time(r.run), 20 * KS_SECOND);
    CU_ASSERT_STRING_EQUAL(ks_cp_run_deployment_name(r.cp, 0), "default/web");
    CU_ASSERT_STRING_EQUAL(ks_cp_run_deployment_name(r.cp, 1), "");
    /* A sample per second, t = 0 and the end included. */
    size_t n;
    ks_cp_run_deployment_samples(r.cp, &n);
    CU_ASSERT_EQUAL(n, 21);
    ks_cp_run_service_samples(r.cp, &n);
    CU_ASSERT_EQUAL(n, 21);
    const ks_cp_deployment_sample *d0 = dep_at(&r, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d0);
    CU_ASSERT_EQUAL(d0->replicas, 4);
    CU_ASSERT_EQUAL(d0->ready, 0);
    CU_ASSERT_EQUAL(d0->available, 0);
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    CU_ASSERT_EQUAL(nresults(&r), 0);

    /* Four pods, each created, scheduled, started and ready once. */
    CU_ASSERT_EQUAL(ks_podevents_npods(r.log), 4);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_CREATED, 0, KS_TIME_NEVER, NULL), 4);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_SCHEDULED, 0, KS_TIME_NEVER, NULL),
                    4);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_STARTED, 0, KS_TIME_NEVER, NULL), 4);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_READY, 0, KS_TIME_NEVER, NULL), 4);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_DELETED, 0, KS_TIME_NEVER, NULL), 0);
    /* Spread over the three nodes (2 + 1 + 1); each node pulls the image
     * once: a second pod there shares the pull or finds the image. */
    for (int i = 0; i < 3; i++) {
        char node[16];
        snprintf(node, sizeof node, "n-%d", i);
        int on = alive_at_end(&r, node);
        CU_ASSERT(on >= 1 && on <= 2);
        CU_ASSERT_EQUAL(count_rows(&r, KS_PE_PULLED, 0, KS_TIME_NEVER, node),
                        on);
    }
    /* The kubelet's timings: sandbox 500 ms, 50 MB at 100 MB/s = 500 ms,
     * start 180 ms, for a pod that pulled alone. */
    size_t np;
    pod_life *l = lives(&r, &np);
    int exact = 0;
    for (size_t i = 0; i < np; i++) {
        CU_ASSERT(l[i].created == 0);
        CU_ASSERT(l[i].scheduled > 0 && l[i].scheduled < 100 * KS_MILLISECOND);
        CU_ASSERT(l[i].started > l[i].scheduled);
        CU_ASSERT_EQUAL(l[i].started - l[i].pulled, 180 * KS_MILLISECOND);
        if (l[i].pulling >= 0 &&
            l[i].pulling - l[i].scheduled == 500 * KS_MILLISECOND &&
            l[i].pulled - l[i].pulling == 500 * KS_MILLISECOND)
            exact++;
    }
    CU_ASSERT(exact >= 3); /* one per node at least */
    free(l);
    /* Pod startup latency: every pod started, every start included a pull
     * (the image was on no node). */
    ks_time *lat;
    uint8_t *pulled;
    ks_podevents_startup(r.log, &lat, &pulled, &n);
    CU_ASSERT_EQUAL(n, 4);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT(lat[i] >= 1180 * KS_MILLISECOND);
        CU_ASSERT(lat[i] < 1300 * KS_MILLISECOND);
    }
    free(lat);
    free(pulled);
    /* The scheduler's view: four pods running. */
    CU_ASSERT_EQUAL(ks_cp_run_cluster(r.cp)->nnodes, 3);
    CU_ASSERT_EQUAL(ks_cp_run_cluster(r.cp)->running, 4);
    finish(&r);
}

/* The kubelet keys of spec.controlPlane reach the kubelets. */
static void test_kubelet_settings(void)
{
    cp_result r;
    char *text = scenario_text(
        "10s",
        "    kubelet: {runtime: docker, pullBandwidth: 25M, "
        "pullOverhead: 100ms}\n",
        " []\n");
    int rc = run_scenario(&r, "docker.yaml", text, 0, 0);
    free(text);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    size_t n;
    pod_life *l = lives(&r, &n);
    CU_ASSERT_EQUAL(n, 4);
    int exact = 0;
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(l[i].started - l[i].pulled, 340 * KS_MILLISECOND);
        /* 50 MB at 25 MB/s, plus the overhead. */
        if (l[i].pulling >= 0 &&
            l[i].pulling - l[i].scheduled == 600 * KS_MILLISECOND &&
            l[i].pulled - l[i].pulling == 2100 * KS_MILLISECOND)
            exact++;
    }
    CU_ASSERT(exact >= 3);
    free(l);
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    finish(&r);
}

static void test_traffic(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(run_actions(&r, "traffic.yaml", "20s", " []\n"), 0);
    size_t n;
    const ks_cp_service_sample *s = ks_cp_run_service_samples(r.cp, &n);
    CU_ASSERT_EQUAL_FATAL(n, 21);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(s[i].service, 0);
        CU_ASSERT_EQUAL(s[i].time, (ks_time)i * KS_SECOND);
        CU_ASSERT_EQUAL(s[i].requests, s[i].ok + s[i].failed + s[i].rejected);
        if (i) { /* cumulative */
            CU_ASSERT(s[i].requests >= s[i - 1].requests);
            CU_ASSERT(s[i].ok >= s[i - 1].ok);
            CU_ASSERT(s[i].rejected >= s[i - 1].rejected);
            CU_ASSERT(s[i].zero_endpoints >= s[i - 1].zero_endpoints);
        }
    }
    /* Nothing is ready in the first second: every request is rejected. */
    CU_ASSERT_EQUAL(s[0].requests, 0);
    CU_ASSERT_EQUAL(s[1].ready_endpoints, 0);
    CU_ASSERT(s[1].rejected > 0);
    CU_ASSERT_EQUAL(s[1].ok, 0);
    CU_ASSERT_EQUAL(s[1].zero_endpoints, KS_SECOND);
    /* Then the four pods serve them; no request fails (no pod goes away). */
    const ks_cp_service_sample *end = &s[n - 1];
    CU_ASSERT_EQUAL(end->ready_endpoints, 4);
    CU_ASSERT(end->ok > 0);
    CU_ASSERT_EQUAL(end->failed, 0);
    CU_ASSERT_EQUAL(end->rejected, s[3].rejected); /* none after 3 s */
    /* Ready at 1.18 s, programmed by the next sync within minSyncPeriod. */
    CU_ASSERT(end->zero_endpoints >= 1180 * KS_MILLISECOND);
    CU_ASSERT(end->zero_endpoints <= 2200 * KS_MILLISECOND);
    /* About 20 per second for 20 s. */
    CU_ASSERT(end->requests >= 300 && end->requests <= 500);
    for (size_t i = 3; i < n; i++)
        CU_ASSERT_EQUAL(s[i].ready_endpoints, 4);
    finish(&r);
}

/* ---- actions ------------------------------------------------------------- */

static void test_scale_allowed(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "scale.yaml", "20s",
                    "\n    - {at: 5s, as: alice, scale: {deployment: web, "
                    "replicas: 7}}\n"
                    "    - {at: 12s, as: alice, scale: {deployment: "
                    "default/web, replicas: 2}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 2);
    for (size_t i = 0; i < 2; i++) {
        const ks_cp_action_result *a = action_result(&r, i);
        CU_ASSERT_EQUAL(a->action, i);
        CU_ASSERT_EQUAL(a->allowed, 1);
        CU_ASSERT_EQUAL(a->applied, 1);
        CU_ASSERT_STRING_EQUAL(a->reason, "");
    }
    CU_ASSERT_EQUAL(action_result(&r, 0)->time, 5 * KS_SECOND);
    CU_ASSERT_EQUAL(action_result(&r, 1)->time, 12 * KS_SECOND);
    /* 7 replicas from 5 s, ready by 10 s; then 2. */
    CU_ASSERT_EQUAL(dep_at(&r, 4 * KS_SECOND)->replicas, 4);
    CU_ASSERT_EQUAL(dep_at(&r, 6 * KS_SECOND)->replicas, 7);
    const ks_cp_deployment_sample *d = dep_at(&r, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(d->updated, 7);
    CU_ASSERT_EQUAL(d->ready, 7);
    CU_ASSERT_EQUAL(d->available, 7);
    CU_ASSERT(dep_end_is(&r, 2, 2, 2, 2));
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_CREATED, 5 * KS_SECOND,
                               6 * KS_SECOND, NULL),
                    3);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_DELETED, 12 * KS_SECOND,
                               13 * KS_SECOND, NULL),
                    5);
    CU_ASSERT_EQUAL(alive_at_end(&r, NULL), 2);
    CU_ASSERT_EQUAL(svc_last(&r)->ready_endpoints, 2);
    finish(&r);
}

/* scale {replicaSet: ...}: a ReplicaSet of the manifests, no Deployment. */
static void test_scale_replicaset(void)
{
    write_fixtures();
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(
            scratch("rs.yaml"),
            "apiVersion: apps/v1\nkind: ReplicaSet\n"
            "metadata: {name: cache, namespace: default}\n"
            "spec:\n  replicas: 2\n  selector: {matchLabels: {app: cache}}\n"
            "  template:\n    metadata: {labels: {app: cache}}\n"
            "    spec:\n      containers: [{name: c, image: \"redis:7\", "
            "resources: {requests: {cpu: 100m}}}]\n"),
        0);
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_scenario(&r, "rs-scale.yaml",
                     "apiVersion: ksim.dev/v1\nkind: Scenario\n"
                     "metadata: {name: rs}\n"
                     "spec:\n  duration: 10s\n  cluster:\n    nodePools:\n"
                     "      - {name: n, count: 2, allocatable: {cpu: \"4\", "
                     "memory: 8Gi}}\n"
                     "  workloads:\n    - manifests: [rs.yaml]\n"
                     "  controlPlane: {rbac: [rbac.yaml]}\n"
                     "  actions:\n"
                     "    - {at: 2s, as: alice, scale: {replicaSet: cache, "
                     "replicas: 9}}\n"
                     "    - {at: 3s, scale: {replicaSet: default/cache, "
                     "replicas: 5}}\n",
                     0, 0),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 2);
    const ks_cp_action_result *a = action_result(&r, 0);
    CU_ASSERT_EQUAL(a->allowed, 0);
    CU_ASSERT_EQUAL(a->applied, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(a->reason,
                                  "User \"alice\" cannot patch resource "
                                  "\"replicasets/scale\" in API group "
                                  "\"apps\""));
    CU_ASSERT_EQUAL(action_result(&r, 1)->applied, 1);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_CREATED, 0, 3 * KS_SECOND, NULL), 2);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_CREATED, 3 * KS_SECOND,
                               4 * KS_SECOND, NULL),
                    3);
    CU_ASSERT_EQUAL(alive_at_end(&r, NULL), 5);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_READY, 0, KS_TIME_NEVER, NULL), 5);
    /* No Deployment, no traffic: no such samples. */
    size_t n;
    ks_cp_run_deployment_samples(r.cp, &n);
    CU_ASSERT_EQUAL(n, 0);
    ks_cp_run_service_samples(r.cp, &n);
    CU_ASSERT_EQUAL(n, 0);
    finish(&r);
}

/* The rows of two runs' pod event logs and service samples are the
 * same. */
static int same_events(const cp_result *a, const cp_result *b)
{
    size_t n = ks_podevents_count(a->log);
    if (n != ks_podevents_count(b->log))
        return 0;
    const ks_pod_event *x = ks_podevents_rows(a->log);
    const ks_pod_event *y = ks_podevents_rows(b->log);
    for (size_t i = 0; i < n; i++)
        if (x[i].time != y[i].time || x[i].kind != y[i].kind ||
            strcmp(ks_podevents_pod_name(a->log, x[i].pod),
                   ks_podevents_pod_name(b->log, y[i].pod)) ||
            strcmp(row_node(a, &x[i]), row_node(b, &y[i])) ||
            strcmp(ks_podevents_reason(a->log, x[i].reason),
                   ks_podevents_reason(b->log, y[i].reason)))
            return 0;
    return 1;
}

static int same_samples(const cp_result *a, const cp_result *b)
{
    size_t na, nb, da, db;
    const ks_cp_service_sample *x = ks_cp_run_service_samples(a->cp, &na);
    const ks_cp_service_sample *y = ks_cp_run_service_samples(b->cp, &nb);
    const ks_cp_deployment_sample *p = ks_cp_run_deployment_samples(a->cp, &da);
    const ks_cp_deployment_sample *q = ks_cp_run_deployment_samples(b->cp, &db);
    if (na != nb || da != db)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (x[i].time != y[i].time ||
            x[i].ready_endpoints != y[i].ready_endpoints ||
            x[i].requests != y[i].requests || x[i].ok != y[i].ok ||
            x[i].failed != y[i].failed || x[i].rejected != y[i].rejected ||
            x[i].zero_endpoints != y[i].zero_endpoints)
            return 0;
    for (size_t i = 0; i < da; i++)
        if (p[i].time != q[i].time || p[i].replicas != q[i].replicas ||
            p[i].updated != q[i].updated || p[i].ready != q[i].ready ||
            p[i].available != q[i].available)
            return 0;
    return 1;
}

/* bob may only read: his scale is forbidden, recorded with the API
 * server's message, and changes nothing.  (Fails while
 * ks_cp_action_result.reason is 128 bytes: the longer forbidden messages
 * are cut; /actions holds 256.) */
static void test_denied_changes_nothing(void)
{
    cp_result base, denied;
    CU_ASSERT_EQUAL_FATAL(run_actions(&base, "base.yaml", "15s", " []\n"), 0);
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&denied, "denied.yaml", "15s",
                    "\n    - {at: 5s, as: bob, scale: {deployment: web, "
                    "replicas: 9}}\n"
                    "    - {at: 6s, as: bob, setImage: {deployment: web, "
                    "image: \"nginx:2\"}}\n"
                    "    - {at: 7s, as: bob, cordon: {node: n-0}}\n"
                    "    - {at: 8s, as: bob, delete: {kind: Deployment, "
                    "name: web}}\n"
                    "    - {at: 9s, as: alice, cordon: {node: n-1}}\n"
                    "    - {at: 10s, as: alice, scale: {deployment: "
                    "other/web, replicas: 9}}\n"),
        0);
    static const char *const want[] = {
        "deployments.apps \"web\" is forbidden: User \"bob\" cannot patch "
        "resource \"deployments/scale\" in API group \"apps\" in the "
        "namespace \"default\"",
        "deployments.apps \"web\" is forbidden: User \"bob\" cannot patch "
        "resource \"deployments\" in API group \"apps\" in the namespace "
        "\"default\"",
        "nodes \"n-0\" is forbidden: User \"bob\" cannot patch resource "
        "\"nodes\" in API group \"\" at the cluster scope",
        "deployments.apps \"web\" is forbidden: User \"bob\" cannot delete "
        "resource \"deployments\" in API group \"apps\" in the namespace "
        "\"default\"",
        "nodes \"n-1\" is forbidden: User \"alice\" cannot patch resource "
        "\"nodes\" in API group \"\" at the cluster scope",
        "deployments.apps \"web\" is forbidden: User \"alice\" cannot patch "
        "resource \"deployments/scale\" in API group \"apps\" in the "
        "namespace \"other\"",
    };
    CU_ASSERT_EQUAL_FATAL(nresults(&denied), 6);
    for (size_t i = 0; i < 6; i++) {
        const ks_cp_action_result *a = action_result(&denied, i);
        CU_ASSERT_EQUAL(a->action, i);
        CU_ASSERT_EQUAL(a->time, (ks_time)(5 + i) * KS_SECOND);
        CU_ASSERT_EQUAL(a->allowed, 0);
        CU_ASSERT_EQUAL(a->applied, 0);
        /* The whole message (docs/output.md: /actions reason is 256
         * characters). */
        CU_ASSERT_STRING_EQUAL(a->reason, want[i]);
        if (strcmp(a->reason, want[i]))
            fprintf(stderr,
                    "\naction %zu: reason\n  \"%s\"\nwanted\n  \"%s\"\n", i,
                    a->reason, want[i]);
    }
    /* Nothing changed: the same pods, samples and requests as without the
     * actions. */
    CU_ASSERT(same_events(&base, &denied));
    CU_ASSERT(same_samples(&base, &denied));
    CU_ASSERT(dep_end_is(&denied, 4, 4, 4, 4));
    finish(&base);
    finish(&denied);
}

/* Actions naming objects that do not exist are allowed but not applied;
 * actions after the end are not performed. */
static void test_missing_objects(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "missing.yaml", "10s",
                    "\n    - {at: 2s, as: alice, scale: {deployment: nope, "
                    "replicas: 3}}\n"
                    "    - {at: 3s, cordon: {node: ghost}}\n"
                    "    - {at: 4s, delete: {kind: Service, name: "
                    "other/web}}\n"
                    "    - {at: 5s, setImage: {deployment: web, image: "
                    "\"nginx:2\"}}\n"
                    "    - {at: 30s, cordon: {node: n-0}}\n"
                    "    - {at: 1h, cordon: {node: n-0}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 4);
    static const char *const want[] = {"Deployment \"nope\" not found",
                                       "Node \"ghost\" not found",
                                       "Service \"web\" not found", ""};
    for (size_t i = 0; i < 4; i++) {
        const ks_cp_action_result *a = action_result(&r, i);
        CU_ASSERT_EQUAL(a->allowed, 1);
        CU_ASSERT_EQUAL(a->applied, i == 3);
        CU_ASSERT_STRING_EQUAL(a->reason, want[i]);
    }
    finish(&r);
}

/* setImage: a rolling update within maxSurge and maxUnavailable, every pod
 * replaced by one of the new template. */
static void test_set_image(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "image.yaml", "25s",
                    "\n    - {at: 10s, as: alice, setImage: {deployment: web, "
                    "image: \"nginx:1.27\"}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 1);
    CU_ASSERT_EQUAL(action_result(&r, 0)->applied, 1);
    /* updated goes 4 -> (fewer: the new ReplicaSet's) -> 4. */
    int intermediate = 0;
    for (ks_time t = 10; t <= 25; t++) {
        const ks_cp_deployment_sample *d = dep_at(&r, t * KS_SECOND);
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        CU_ASSERT_EQUAL(d->replicas, 4);
        intermediate += d->updated > 0 && d->updated < 4;
        /* maxUnavailable 1. */
        CU_ASSERT(d->ready >= 3);
        CU_ASSERT(d->available >= 3);
    }
    CU_ASSERT(intermediate >= 1);
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    /* maxSurge 1: at most 5 pods at once. */
    CU_ASSERT_EQUAL(max_alive(&r), 5);
    /* The original pods are all gone; the live ones are of one new
     * template, each of whose nodes pulled the new image. */
    size_t n;
    pod_life *l = lives(&r, &n);
    CU_ASSERT_EQUAL(n, 8);
    char old[256] = "", cur[256] = "", p[256];
    int live = 0;
    for (size_t i = 0; i < n; i++) {
        template_prefix(ks_podevents_pod_name(r.log, (uint32_t)i), p,
                        sizeof p);
        if (l[i].created == 0) {
            CU_ASSERT(l[i].deleted >= 10 * KS_SECOND);
            if (!old[0])
                snprintf(old, sizeof old, "%s", p);
            CU_ASSERT_STRING_EQUAL(p, old);
        } else {
            CU_ASSERT(l[i].created >= 10 * KS_SECOND);
            CU_ASSERT_EQUAL(l[i].deleted, -1);
            CU_ASSERT(l[i].started > 0);
            live++;
            if (!cur[0])
                snprintf(cur, sizeof cur, "%s", p);
            CU_ASSERT_STRING_EQUAL(p, cur);
        }
    }
    free(l);
    CU_ASSERT_EQUAL(live, 4);
    CU_ASSERT(strncmp(old, "default/web-", 12) == 0);
    CU_ASSERT(strncmp(cur, "default/web-", 12) == 0);
    CU_ASSERT(strcmp(old, cur) != 0);
    CU_ASSERT(count_rows(&r, KS_PE_PULLING, 10 * KS_SECOND, KS_TIME_NEVER,
                         NULL) >= 2);
    /* A request to a pod being replaced may fail; most succeed. */
    const ks_cp_service_sample *s = svc_last(&r);
    CU_ASSERT_EQUAL(s->ready_endpoints, 4);
    CU_ASSERT(s->ok > s->failed);
    finish(&r);
}

/* pause holds a new template back until resume. */
static void test_pause_resume(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "pause.yaml", "25s",
                    "\n    - {at: 5s, as: alice, pause: {deployment: web}}\n"
                    "    - {at: 6s, as: alice, setImage: {deployment: web, "
                    "image: \"nginx:1.27\"}}\n"
                    "    - {at: 15s, as: alice, resume: {deployment: web}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 3);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(action_result(&r, i)->applied, 1);
    CU_ASSERT_EQUAL(
        count_rows(&r, KS_PE_CREATED, 5 * KS_SECOND, 15 * KS_SECOND, NULL), 0);
    CU_ASSERT_EQUAL(
        count_rows(&r, KS_PE_DELETED, 5 * KS_SECOND, 15 * KS_SECOND, NULL), 0);
    CU_ASSERT_EQUAL(dep_at(&r, 14 * KS_SECOND)->ready, 4);
    CU_ASSERT(count_rows(&r, KS_PE_CREATED, 15 * KS_SECOND, KS_TIME_NEVER,
                         NULL) == 4);
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    finish(&r);
}

/* A cordoned node gets no new pod; uncordoned, it does again. */
static void test_cordon(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "cordon.yaml", "25s",
                    "\n    - {at: 5s, cordon: {node: n-0}}\n"
                    "    - {at: 6s, scale: {deployment: web, replicas: 10}}\n"
                    "    - {at: 15s, uncordon: {node: n-0}}\n"
                    "    - {at: 16s, scale: {deployment: web, "
                    "replicas: 16}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 4);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(action_result(&r, i)->applied, 1);
    /* The pods already there stay. */
    int before = count_rows(&r, KS_PE_SCHEDULED, 0, 5 * KS_SECOND, "n-0");
    CU_ASSERT(before >= 1);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_DELETED, 0, 16 * KS_SECOND, NULL), 0);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_SCHEDULED, 5 * KS_SECOND,
                               15 * KS_SECOND, NULL),
                    6);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_SCHEDULED, 5 * KS_SECOND,
                               15 * KS_SECOND, "n-0"),
                    0);
    CU_ASSERT_EQUAL(dep_at(&r, 15 * KS_SECOND)->ready, 10);
    /* n-0, the emptiest node now, takes new pods. */
    CU_ASSERT(count_rows(&r, KS_PE_SCHEDULED, 16 * KS_SECOND, KS_TIME_NEVER,
                         "n-0") >= 3);
    CU_ASSERT(dep_end_is(&r, 16, 16, 16, 16));
    finish(&r);
}

/* drain by admin: the node's pods are evicted (reason Drain) and replaced
 * on the other nodes. */
static void test_drain(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "drain.yaml", "20s",
                    "\n    - {at: 10s, drain: {node: n-2}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 1);
    const ks_cp_action_result *a = action_result(&r, 0);
    CU_ASSERT_EQUAL(a->allowed, 1);
    CU_ASSERT_EQUAL(a->applied, 1);
    CU_ASSERT_STRING_EQUAL(a->reason, "");
    size_t n;
    pod_life *l = lives(&r, &n);
    int on_node = 0, evicted = 0, replacements = 0;
    for (size_t i = 0; i < n; i++) {
        const char *node =
            l[i].node >= 0 ? ks_podevents_node_name(r.log, l[i].node) : "";
        if (l[i].created == 0 && !strcmp(node, "n-2")) {
            on_node++;
            CU_ASSERT_EQUAL(l[i].evicted, 1);
            if (l[i].evict_reason)
                CU_ASSERT_STRING_EQUAL(l[i].evict_reason, "Drain");
            CU_ASSERT_EQUAL(l[i].deleted, 10 * KS_SECOND);
        } else if (l[i].created == 0) {
            CU_ASSERT_EQUAL(l[i].evicted, 0);
            CU_ASSERT_EQUAL(l[i].deleted, -1);
        } else {
            replacements++;
            CU_ASSERT(l[i].created >= 10 * KS_SECOND);
            CU_ASSERT_STRING_NOT_EQUAL(node, "n-2");
            CU_ASSERT(l[i].started > 0);
        }
        evicted += l[i].evicted;
    }
    free(l);
    CU_ASSERT(on_node >= 1);
    CU_ASSERT_EQUAL(evicted, on_node);
    CU_ASSERT_EQUAL(replacements, on_node);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_EVICTED, 0, KS_TIME_NEVER, NULL),
                    on_node);
    CU_ASSERT_EQUAL(alive_at_end(&r, "n-2"), 0);
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    CU_ASSERT_EQUAL(svc_last(&r)->ready_endpoints, 4);
    finish(&r);
}

/* carol may cordon but not evict: her drain is denied, evicts nothing
 * and (a denied action changes nothing) leaves the node schedulable.
 * (Fails while cp_run.c's drain() cordons before it authorizes the
 * evictions.) */
static void test_drain_eviction_denied(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "drain-denied.yaml", "20s",
                    "\n    - {at: 5s, as: carol, drain: {node: n-2}}\n"
                    "    - {at: 6s, scale: {deployment: web, replicas: 13}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 2);
    const ks_cp_action_result *a = action_result(&r, 0);
    CU_ASSERT_EQUAL(a->allowed, 0);
    CU_ASSERT_EQUAL(a->applied, 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(a->reason, "User \"carol\" cannot create resource "
                          "\"pods/eviction\" in API group \"\""));
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_EVICTED, 0, KS_TIME_NEVER, NULL), 0);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_DELETED, 0, KS_TIME_NEVER, NULL), 0);
    /* n-2 still takes its share of the 9 new pods. */
    CU_ASSERT(count_rows(&r, KS_PE_SCHEDULED, 6 * KS_SECOND, KS_TIME_NEVER,
                         "n-2") >= 1);
    CU_ASSERT(dep_end_is(&r, 13, 13, 13, 13));
    finish(&r);
}

/* delete Deployment: background propagation garbage-collects its
 * ReplicaSet and pods; the Service is left without endpoints. */
static void test_delete_deployment(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "delete.yaml", "20s",
                    "\n    - {at: 10s, delete: {kind: Deployment, name: "
                    "web}}\n"),
        0);
    CU_ASSERT_EQUAL(action_result(&r, 0)->applied, 1);
    size_t n;
    pod_life *l = lives(&r, &n);
    CU_ASSERT_EQUAL(n, 4);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT(l[i].deleted >= 10 * KS_SECOND);
        CU_ASSERT(l[i].deleted < 11 * KS_SECOND);
    }
    free(l);
    CU_ASSERT_EQUAL(alive_at_end(&r, NULL), 0);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_CREATED, KS_SECOND, KS_TIME_NEVER,
                               NULL),
                    0);
    /* No sample of web after it is gone. */
    CU_ASSERT(dep_last(&r)->time < 10 * KS_SECOND);
    CU_ASSERT_PTR_NULL(dep_at(&r, 11 * KS_SECOND));
    CU_ASSERT_EQUAL(ks_cp_run_cluster(r.cp)->running, 0);
    /* The Service's endpoints go; requests after kube-proxy syncs are
     * rejected or fail, none answered. */
    const ks_cp_service_sample *s12 = svc_at(&r, 12 * KS_SECOND);
    const ks_cp_service_sample *end = svc_last(&r);
    CU_ASSERT_EQUAL(end->ready_endpoints, 0);
    CU_ASSERT_EQUAL(end->ok, s12->ok);
    CU_ASSERT(end->rejected > s12->rejected);
    finish(&r);
}

/* delete Service: kube-proxy removes its rules; requests are no longer
 * answered.  (Fails while sim/traffic.c ignores EndpointSlice deletions:
 * its on_slice returns on a DELETED event, whose obj is NULL.) */
static void test_delete_service(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "delete-svc.yaml", "20s",
                    "\n    - {at: 10s, delete: {kind: Service, name: "
                    "web}}\n"),
        0);
    CU_ASSERT_EQUAL(action_result(&r, 0)->applied, 1);
    /* The pods keep running. */
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    const ks_cp_service_sample *s12 = svc_at(&r, 12 * KS_SECOND);
    const ks_cp_service_sample *end = svc_last(&r);
    CU_ASSERT_EQUAL(end->ready_endpoints, 0);
    CU_ASSERT_EQUAL(end->ok, s12->ok);
    CU_ASSERT(end->rejected > s12->rejected);
    CU_ASSERT(end->zero_endpoints >= 7 * KS_SECOND);
    finish(&r);
}

/* ---- determinism --------------------------------------------------------- */

#define BUSY_ACTIONS                                                           \
    "\n    - {at: 4s, as: alice, scale: {deployment: web, replicas: 6}}\n"    \
    "    - {at: 8s, as: alice, setImage: {deployment: web, image: "            \
    "\"nginx:1.27\"}}\n"                                                       \
    "    - {at: 14s, drain: {node: n-1}}\n"

static void test_determinism(void)
{
    cp_result a, b, c;
    char *text = scenario_text("20s", "", BUSY_ACTIONS);
    int ra = run_scenario(&a, "det-a.yaml", text, 0, 0);
    int rb = run_scenario(&b, "det-b.yaml", text, 0, 0);
    int rc = run_scenario(&c, "det-c.yaml", text, 1, 8);
    free(text);
    CU_ASSERT_FATAL(ra == 0 && rb == 0 && rc == 0);
    CU_ASSERT_EQUAL(ks_run_seed(a.run), 7);
    CU_ASSERT_EQUAL(ks_run_seed(c.run), 8);
    CU_ASSERT(ks_podevents_count(a.log) > 40);
    CU_ASSERT(same_events(&a, &b));
    CU_ASSERT(same_samples(&a, &b));
    CU_ASSERT_EQUAL(nresults(&a), nresults(&b));
    for (size_t i = 0; i < nresults(&a) && i < nresults(&b); i++) {
        CU_ASSERT_EQUAL(action_result(&a, i)->applied,
                        action_result(&b, i)->applied);
        CU_ASSERT_STRING_EQUAL(action_result(&a, i)->reason,
                               action_result(&b, i)->reason);
    }
    /* Another seed: other request arrivals. */
    const ks_cp_service_sample *sa = svc_last(&a), *sc = svc_last(&c);
    CU_ASSERT(sa->requests != sc->requests || sa->ok != sc->ok);
    CU_ASSERT(dep_end_is(&c, 6, 6, 6, 6));
    finish(&a);
    finish(&b);
    finish(&c);
}

/* ---- errors and the example ---------------------------------------------- */

static void test_rbac_file_missing(void)
{
    cp_result r;
    memset(&r, 0, sizeof r);
    write_fixtures();
    char path[8192];
    snprintf(path, sizeof path, "%s", scratch("no-rbac.yaml"));
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(path,
                           "apiVersion: ksim.dev/v1\nkind: Scenario\n"
                           "metadata: {name: no-rbac}\n"
                           "spec:\n  duration: 10s\n  cluster:\n"
                           "    nodePools:\n"
                           "      - {name: n, count: 1, allocatable: "
                           "{cpu: \"4\", memory: 8Gi}}\n"
                           "  workloads:\n    - manifests: [web.yaml]\n"
                           "  controlPlane: {rbac: [no-such-rbac.yaml]}\n"),
        0);
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_scenario_load_file(path, &r.sc, &err), 0);
    r.run = ks_run_create(r.sc, NULL);
    CU_ASSERT_PTR_NULL(ks_run_control_plane(r.run));
    ks_error_clear(&err);
    int rc = ks_run_execute(r.run, &err);
    CU_ASSERT_EQUAL(rc, KS_ENOENT);
    CU_ASSERT_EQUAL(err.code, KS_ENOENT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "cp_run/no-such-rbac.yaml"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot open"));
    finish(&r);
}

/* Bare manifest Nodes (spec.cluster.nodes) in the control plane keep
 * what a scheduler-only run sees of them: their taints with their values
 * and spec.unschedulable. */
#define NODE_YAML(name, spec)                                                  \
    "apiVersion: v1\nkind: Node\nmetadata: {name: " name "}\n"                \
    "spec: " spec "\n"                                                         \
    "status: {allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n"

#define TOLERANT_YAML                                                          \
    "apiVersion: apps/v1\nkind: Deployment\n"                                  \
    "metadata: {name: tol, namespace: default}\n"                              \
    "spec:\n  replicas: 2\n  selector: {matchLabels: {app: tol}}\n"            \
    "  template:\n    metadata: {labels: {app: tol}}\n"                        \
    "    spec:\n"                                                              \
    "      tolerations: [{key: dedicated, operator: Equal, value: web, "       \
    "effect: NoSchedule}]\n"                                                   \
    "      containers: [{name: c, image: \"busybox:1\", resources: "           \
    "{requests: {cpu: 100m}}}]\n"

static int run_on_nodes(cp_result *r, const char *name, const char *nodes)
{
    write_fixtures();
    if (ks_test_write_file(scratch("nodes.yaml"), nodes) != 0 ||
        ks_test_write_file(scratch("tolerant.yaml"), TOLERANT_YAML) != 0)
        return -1;
    return run_scenario(r, name,
                        "apiVersion: ksim.dev/v1\nkind: Scenario\n"
                        "metadata: {name: nodes}\n"
                        "spec:\n  duration: 10s\n  cluster:\n"
                        "    nodes: [nodes.yaml]\n"
                        "  workloads:\n    - manifests: [tolerant.yaml]\n"
                        "  controlPlane: {}\n",
                        0, 0);
}

/* The only node is tainted dedicated=web:NoSchedule; the pods tolerate
 * exactly that value.  (Fails while cp_run.c's add_node copies a taint's
 * value only when ks_node_body_add_taint returns 0, i.e. never.) */
static void test_manifest_node_taint_value(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_on_nodes(&r, "taint-value.yaml",
                     NODE_YAML("tainted", "{taints: [{key: dedicated, value: "
                                          "web, effect: NoSchedule}]}")),
        0);
    CU_ASSERT_EQUAL(alive_at_end(&r, "tainted"), 2);
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_STARTED, 0, KS_TIME_NEVER, NULL), 2);
    CU_ASSERT(dep_end_is(&r, 2, 2, 2, 2));
    finish(&r);
}

/* "closed" is cordoned in its manifest: every pod goes to "open".
 * (Fails while cp_run.c's add_node ignores info.unschedulable.) */
static void test_manifest_node_unschedulable(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_on_nodes(&r, "unschedulable.yaml",
                     NODE_YAML("closed", "{unschedulable: true}") "---\n"
                     NODE_YAML("open", "{}")),
        0);
    CU_ASSERT_EQUAL(alive_at_end(&r, "open"), 2);
    CU_ASSERT_EQUAL(alive_at_end(&r, "closed"), 0);
    CU_ASSERT(dep_end_is(&r, 2, 2, 2, 2));
    finish(&r);
}

/* scenarios/examples/rollout.yaml: alice's actions applied, bob's drain
 * denied, admin's drain applied. */
static void test_rollout_example(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s",
             ks_test_src("scenarios/examples/rollout.yaml"));
    cp_result r;
    memset(&r, 0, sizeof r);
    ks_error err;
    int rc = ks_scenario_load_file(path, &r.sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    const ks_cp_spec *spec = r.sc->control_plane;
    CU_ASSERT_PTR_NOT_NULL_FATAL(spec);
    CU_ASSERT_EQUAL(spec->etcd_members, 3);
    CU_ASSERT_DOUBLE_EQUAL(spec->pull_bandwidth, 50e6, 0);
    CU_ASSERT_EQUAL_FATAL(spec->nactions, 5);
    r.run = ks_run_create(r.sc, NULL);
    rc = ks_run_execute(r.run, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    r.cp = ks_run_control_plane(r.run);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.cp);
    r.log = ks_cp_run_events(r.cp);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 5);
    static const struct {
        ks_time at;
        const char *as;
        ks_cp_action_kind kind;
        int allowed, applied;
    } want[] = {
        {3 * KS_MINUTE, "alice", KS_ACT_SCALE, 1, 1},
        {6 * KS_MINUTE, "alice", KS_ACT_SET_IMAGE, 1, 1},
        {10 * KS_MINUTE, "bob", KS_ACT_DRAIN, 0, 0},
        {12 * KS_MINUTE, "admin", KS_ACT_DRAIN, 1, 1},
        {15 * KS_MINUTE, "alice", KS_ACT_SCALE, 1, 1},
    };
    for (size_t i = 0; i < 5; i++) {
        const ks_cp_action_result *a = action_result(&r, i);
        const ks_cp_action *sa = &spec->actions[a->action];
        CU_ASSERT_EQUAL(a->action, i);
        CU_ASSERT_EQUAL(a->time, want[i].at);
        CU_ASSERT_STRING_EQUAL(sa->as, want[i].as);
        CU_ASSERT_EQUAL(sa->kind, want[i].kind);
        CU_ASSERT_EQUAL(a->allowed, want[i].allowed);
        CU_ASSERT_EQUAL(a->applied, want[i].applied);
    }
    CU_ASSERT_STRING_EQUAL(action_result(&r, 2)->reason,
                           "nodes \"node-3\" is forbidden: User \"bob\" "
                           "cannot patch resource \"nodes\" in API group "
                           "\"\" at the cluster scope");
    /* Only admin's drain evicted pods, all from node-5. */
    const ks_pod_event *e = ks_podevents_rows(r.log);
    int evicted = 0;
    for (size_t i = 0; i < ks_podevents_count(r.log); i++) {
        if (e[i].kind != KS_PE_EVICTED)
            continue;
        evicted++;
        CU_ASSERT_EQUAL(e[i].time, 12 * KS_MINUTE);
        CU_ASSERT_STRING_EQUAL(row_node(&r, &e[i]), "node-5");
        CU_ASSERT_STRING_EQUAL(ks_podevents_reason(r.log, e[i].reason),
                               "Drain");
    }
    CU_ASSERT(evicted >= 1);
    CU_ASSERT_EQUAL(alive_at_end(&r, "node-5"), 0);
    /* 20 replicas at 5 minutes, 8 at the end, all of nginx:1.27's
     * template. */
    const ks_cp_deployment_sample *d = dep_at(&r, 5 * KS_MINUTE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->replicas, 20);
    CU_ASSERT_EQUAL(d->ready, 20);
    CU_ASSERT(dep_end_is(&r, 8, 8, 8, 8));
    CU_ASSERT_EQUAL(svc_last(&r)->ready_endpoints, 8);
    CU_ASSERT(svc_last(&r)->ok > 100000);
    finish(&r);
}

/* ---- HorizontalPodAutoscaler --------------------------------------------- */

/* api: 2 replicas of 500m behind a Service; every request costs 10 ms of
 * CPU and each pod uses 20m on its own; an HPA keeps the pods at 50 % of
 * their request, between 2 and 10 replicas, with the legacy rules (no
 * behavior: scale up by at most max(2 * current, 4), scale down to the
 * highest recommendation of the last 5 minutes). */
#define API_YAML                                                               \
    "apiVersion: apps/v1\n"                                                    \
    "kind: Deployment\n"                                                       \
    "metadata: {name: api}\n"                                                  \
    "spec:\n"                                                                  \
    "  replicas: 2\n"                                                          \
    "  selector: {matchLabels: {app: api}}\n"                                  \
    "  template:\n"                                                            \
    "    metadata:\n"                                                          \
    "      labels: {app: api, tier: backend}\n"                                \
    "      annotations: {ksim.io/cpu-per-request: 10ms, ksim.io/cpu-base: "    \
    "20m}\n"                                                                   \
    "    spec:\n"                                                              \
    "      containers:\n"                                                      \
    "        - {name: api, image: \"api:1\", resources: {requests: {cpu: "    \
    "500m, memory: 256Mi}}}\n"                                                 \
    "---\n"                                                                    \
    "apiVersion: v1\n"                                                         \
    "kind: Service\n"                                                          \
    "metadata: {name: api}\n"                                                  \
    "spec: {selector: {app: api}}\n"                                           \
    "---\n"                                                                    \
    "apiVersion: autoscaling/v2\n"                                             \
    "kind: HorizontalPodAutoscaler\n"                                          \
    "metadata: {name: api}\n"                                                  \
    "spec:\n"                                                                  \
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n"   \
    "  minReplicas: 2\n"                                                       \
    "  maxReplicas: 10\n"                                                      \
    "  metrics:\n"                                                             \
    "    - {type: Resource, resource: {name: cpu, target: {type: "            \
    "Utilization, averageUtilization: 50}}}\n"

/* A run of API_YAML (plus `extra` manifests in the same file) with the
 * given traffic items (indented 4) for duration, sampled every 15 s. */
static int run_hpa(cp_result *r, const char *name, const char *extra,
                   const char *duration, const char *traffic)
{
    char manifests[8192], text[8192];
    snprintf(manifests, sizeof manifests, "%s%s", API_YAML, extra);
    if (ks_test_write_file(scratch("api.yaml"), manifests) != 0)
        return -1;
    snprintf(text, sizeof text,
             "apiVersion: ksim.dev/v1\n"
             "kind: Scenario\n"
             "metadata: {name: hpa}\n"
             "spec:\n"
             "  seed: 3\n"
             "  duration: %s\n"
             "  metrics: {interval: 15s}\n"
             "  cluster:\n"
             "    nodePools:\n"
             "      - {name: n, count: 4, allocatable: {cpu: \"4\", memory: "
             "16Gi}}\n"
             "  workloads:\n"
             "    - manifests: [api.yaml]\n"
             "  controlPlane: {}\n"
             "  traffic:\n"
             "%s",
             duration, traffic);
    return run_scenario(r, name, text, 0, 0);
}

/* Traffic rises from 20 to 200 requests per second at 2 minutes and falls
 * back at 6: the HPA scales api up within a minute, holds the peak for
 * the 5-minute downscale stabilization window after the fall, then scales
 * down to minReplicas.  The /hpas samples show it; /deployments follows. */
static void test_hpa_scales_up_and_down(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_hpa(&r, "hpa.yaml", "", "14m",
                "    - service: api\n"
                "      rate: 20/s\n"
                "      profile: [{at: 2m, rate: 200/s}, {at: 6m, rate: "
                "20/s}]\n"),
        0);
    CU_ASSERT_STRING_EQUAL(ks_cp_run_hpa_name(r.cp, 0), "default/api");
    CU_ASSERT_STRING_EQUAL(ks_cp_run_hpa_name(r.cp, 1), "");
    size_t n;
    const ks_cp_hpa_sample *h = ks_cp_run_hpa_samples(r.cp, &n);
    CU_ASSERT_EQUAL_FATAL(n, 14 * 4 + 1); /* t = 0, every 15 s, the end */
    /* Before any sync: no status. */
    CU_ASSERT_EQUAL(h[0].time, 0);
    CU_ASSERT_EQUAL(h[0].current_replicas, 0);
    CU_ASSERT_EQUAL(h[0].cpu_utilization, -1);
    int32_t peak = 0;
    ks_time first_up = -1, first_down = -1, peak_at = -1;
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(h[i].hpa, 0);
        CU_ASSERT_EQUAL(h[i].time, (ks_time)i * 15 * KS_SECOND);
        CU_ASSERT(h[i].current_replicas <= 10);
        CU_ASSERT(h[i].desired_replicas <= 10);
        ks_time t = h[i].time;
        if (t >= 30 * KS_SECOND && t < 2 * KS_MINUTE) {
            /* 20/s: (200m + 2 * 20m) / 2 pods = 120m, 24 % of 500m. */
            CU_ASSERT_EQUAL(h[i].current_replicas, 2);
            CU_ASSERT_EQUAL(h[i].desired_replicas, 2);
            CU_ASSERT_EQUAL(h[i].cpu_utilization, 24);
        }
        if (first_up < 0 && h[i].desired_replicas > 2)
            first_up = t;
        if (h[i].desired_replicas > peak) {
            peak = h[i].desired_replicas;
            peak_at = t;
        }
        if (first_down < 0 && peak > 2 && h[i].desired_replicas < peak)
            first_down = t;
    }
    /* Up at the first sync of the higher load (2m: 204 % of the
     * requests), by at most max(2 * 2, 4) = 4 pods first. */
    CU_ASSERT_EQUAL(first_up, 2 * KS_MINUTE);
    CU_ASSERT_EQUAL(h[8].desired_replicas, 4);
    /* The peak: (2000m + 20m per pod) / 250m per pod is 9 pods. */
    CU_ASSERT_EQUAL(peak, 9);
    CU_ASSERT(peak_at > 2 * KS_MINUTE && peak_at < 4 * KS_MINUTE);
    /* The load falls at 6m; the last high recommendation is the sync
     * just before (5m45s) or at it: the first lower one comes 5 minutes
     * after it, not sooner. */
    CU_ASSERT(first_down >= 10 * KS_MINUTE + 45 * KS_SECOND);
    CU_ASSERT(first_down <= 11 * KS_MINUTE);
    for (size_t i = 0; i < n; i++)
        if (h[i].time >= 4 * KS_MINUTE && h[i].time < first_down)
            CU_ASSERT_EQUAL(h[i].desired_replicas, 9);
    /* Down to minReplicas: 20/s over 2 pods is 24 % again. */
    const ks_cp_hpa_sample *last = &h[n - 1];
    CU_ASSERT_EQUAL(last->time, 14 * KS_MINUTE);
    CU_ASSERT_EQUAL(last->current_replicas, 2);
    CU_ASSERT_EQUAL(last->desired_replicas, 2);
    CU_ASSERT_EQUAL(last->cpu_utilization, 24);
    /* The Deployment followed: 9 ready pods at the peak, 2 at the end. */
    const ks_cp_deployment_sample *d = NULL;
    size_t nd;
    const ks_cp_deployment_sample *ds = ks_cp_run_deployment_samples(r.cp,
                                                                      &nd);
    for (size_t i = 0; i < nd; i++)
        if (ds[i].time == 8 * KS_MINUTE)
            d = &ds[i];
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->replicas, 9);
    CU_ASSERT_EQUAL(d->ready, 9);
    d = &ds[nd - 1];
    CU_ASSERT_EQUAL(d->replicas, 2);
    CU_ASSERT_EQUAL(d->ready, 2);
    /* The traffic followed its profile: 2m at 20/s, 4m at 200/s, 8m at
     * 20/s, about 60,000 requests (Poisson: within 1,500). */
    const ks_cp_service_sample *s = svc_last(&r);
    CU_ASSERT(s->requests > 58500 && s->requests < 61500);
    finish(&r);
}

/* Without the usage annotations the pods have no CPU metric: the HPA
 * records no utilization and keeps the replicas. */
static void test_hpa_without_usage_model(void)
{
    cp_result r;
    char manifests[8192];
    snprintf(manifests, sizeof manifests, "%s", API_YAML);
    char *at = strstr(manifests, "      annotations:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    char *eol = strstr(at, "}\n");
    memmove(at, eol + 2, strlen(eol + 2) + 1);
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(scratch("plain-api.yaml"), manifests), 0);
    char text[4096];
    snprintf(text, sizeof text,
             "apiVersion: ksim.dev/v1\nkind: Scenario\n"
             "metadata: {name: hpa}\n"
             "spec:\n  duration: 3m\n  metrics: {interval: 15s}\n"
             "  cluster:\n    nodePools:\n"
             "      - {name: n, count: 2, allocatable: {cpu: \"4\", memory: "
             "16Gi}}\n"
             "  workloads:\n    - manifests: [plain-api.yaml]\n"
             "  controlPlane: {}\n"
             "  traffic:\n    - {service: api, rate: 500/s}\n");
    CU_ASSERT_EQUAL_FATAL(run_scenario(&r, "plain-hpa.yaml", text, 0, 0), 0);
    size_t n;
    const ks_cp_hpa_sample *h = ks_cp_run_hpa_samples(r.cp, &n);
    CU_ASSERT_EQUAL_FATAL(n, 13);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(h[i].cpu_utilization, -1);
        CU_ASSERT(h[i].desired_replicas <= 2);
        if (h[i].time >= 15 * KS_SECOND)
            CU_ASSERT_EQUAL(h[i].current_replicas, 2);
    }
    CU_ASSERT(dep_last(&r)->replicas == 2);
    finish(&r);
}

/* Two Deployments behind one Service, one of them with a usage model: an
 * error at the traffic item (the model cannot split a Service's load). */
static void test_hpa_two_workloads_one_service(void)
{
    cp_result r;
    const char *other =
        "---\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: api-canary}\n"
        "spec:\n"
        "  replicas: 1\n"
        "  selector: {matchLabels: {app: api, track: canary}}\n"
        "  template:\n"
        "    metadata: {labels: {app: api, track: canary}}\n"
        "    spec: {containers: [{name: api, image: \"api:2\"}]}\n";
    /* The scenario of run_hpa, run here to keep its error. */
    char manifests[8192];
    snprintf(manifests, sizeof manifests, "%s%s", API_YAML, other);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(scratch("two-api.yaml"),
                                             manifests),
                          0);
    const char *text =
        "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: two}\n"
        "spec:\n  duration: 1m\n  cluster:\n    nodePools:\n"
        "      - {name: n, count: 2, allocatable: {cpu: \"4\", memory: "
        "16Gi}}\n"
        "  workloads:\n    - manifests: [two-api.yaml]\n"
        "  controlPlane: {}\n"
        "  traffic:\n"
        "    - {service: other, rate: 1/s}\n"
        "    - {service: api, rate: 10/s}\n";
    char path[8192];
    snprintf(path, sizeof path, "%s", scratch("two.yaml"));
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, text), 0);
    memset(&r, 0, sizeof r);
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_scenario_load_file(path, &r.sc, &err), 0);
    r.run = ks_run_create(r.sc, NULL);
    /* The run does not start: the error names the traffic item. */
    CU_ASSERT_EQUAL(ks_run_execute(r.run, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(err.code, KS_EINVAL);
    CU_ASSERT_EQUAL(err.line, 14);
    CU_ASSERT_EQUAL(err.col, 7);
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg,
                                  "spec.traffic[1]: Service default/api "
                                  "selects the pods of Deployment api and "
                                  "Deployment api-canary"));
    finish(&r);
}

/* ---- rollback ------------------------------------------------------------ */

/* The template prefix ("default/web-<hash>") of the live pods at the end,
 * into out; 0 when they are not all of one template. */
static int live_prefix(const cp_result *r, char *out, size_t size)
{
    size_t n;
    pod_life *l = lives(r, &n);
    int one = 1;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (l[i].created < 0 || l[i].deleted >= 0)
            continue;
        char p[256];
        template_prefix(ks_podevents_pod_name(r->log, (uint32_t)i), p,
                        sizeof p);
        if (!out[0])
            snprintf(out, size, "%s", p);
        else if (strcmp(out, p))
            one = 0;
    }
    free(l);
    return one && out[0];
}

/* setImage rolls web to nginx:1.27; a rollback (kubectl rollout undo, to
 * the previous revision) restores nginx:1.26: the pods at the end are of
 * the original template again (its ReplicaSet scaled back up). */
static void test_rollback_restores(void)
{
    cp_result r;
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "rollback.yaml", "45s",
                    "\n    - {at: 5s, as: alice, setImage: {deployment: web, "
                    "image: \"nginx:1.27\"}}\n"
                    "    - {at: 25s, rollback: {deployment: web}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 2);
    CU_ASSERT_EQUAL(action_result(&r, 0)->applied, 1);
    const ks_cp_action_result *a = action_result(&r, 1);
    CU_ASSERT_EQUAL(a->time, 25 * KS_SECOND);
    CU_ASSERT_EQUAL(a->allowed, 1);
    CU_ASSERT_EQUAL(a->applied, 1);
    CU_ASSERT_STRING_EQUAL(a->reason, "");
    /* The original pods' template. */
    size_t n;
    pod_life *l = lives(&r, &n);
    char orig[256] = "", mid[256] = "", end[256];
    for (size_t i = 0; i < n; i++) {
        char p[256];
        template_prefix(ks_podevents_pod_name(r.log, (uint32_t)i), p,
                        sizeof p);
        if (l[i].created == 0 && !orig[0])
            snprintf(orig, sizeof orig, "%s", p);
        if (l[i].created >= 5 * KS_SECOND && l[i].created < 25 * KS_SECOND &&
            !mid[0])
            snprintf(mid, sizeof mid, "%s", p);
    }
    free(l);
    CU_ASSERT(orig[0] && mid[0]);
    CU_ASSERT(strcmp(orig, mid) != 0); /* the rollout made new pods */
    /* Rolled back: every live pod is of the original template. */
    CU_ASSERT(live_prefix(&r, end, sizeof end));
    CU_ASSERT_STRING_EQUAL(end, orig);
    CU_ASSERT(dep_end_is(&r, 4, 4, 4, 4));
    /* The rollback rolled pods: some created after it. */
    CU_ASSERT(count_rows(&r, KS_PE_CREATED, 25 * KS_SECOND, KS_TIME_NEVER,
                         NULL) >= 1);
    finish(&r);
}

/* A rollback the user may not make is recorded with the API server's
 * message and changes nothing: alice may patch Deployments but not list
 * ReplicaSets (kubectl rollout undo does both); bob may do neither. */
static void test_rollback_denied(void)
{
    cp_result base, denied;
    const char *image = "\n    - {at: 5s, as: alice, setImage: {deployment: "
                        "web, image: \"nginx:1.27\"}}\n";
    CU_ASSERT_EQUAL_FATAL(run_actions(&base, "rb-base.yaml", "40s", image), 0);
    char actions[1024];
    snprintf(actions, sizeof actions,
             "%s    - {at: 25s, as: alice, rollback: {deployment: web}}\n"
             "    - {at: 26s, as: bob, rollback: {deployment: web, "
             "toRevision: 1}}\n",
             image);
    CU_ASSERT_EQUAL_FATAL(run_actions(&denied, "rb-denied.yaml", "40s",
                                      actions),
                          0);
    CU_ASSERT_EQUAL_FATAL(nresults(&denied), 3);
    static const char *const want[] = {
        "replicasets.apps is forbidden: User \"alice\" cannot list resource "
        "\"replicasets\" in API group \"apps\" in the namespace \"default\"",
        "replicasets.apps is forbidden: User \"bob\" cannot list resource "
        "\"replicasets\" in API group \"apps\" in the namespace \"default\"",
    };
    for (size_t i = 0; i < 2; i++) {
        const ks_cp_action_result *a = action_result(&denied, i + 1);
        CU_ASSERT_EQUAL(a->allowed, 0);
        CU_ASSERT_EQUAL(a->applied, 0);
        CU_ASSERT_STRING_EQUAL(a->reason, want[i]);
    }
    CU_ASSERT(same_events(&base, &denied));
    CU_ASSERT(same_samples(&base, &denied));
    char a[256], b[256];
    CU_ASSERT(live_prefix(&base, a, sizeof a));
    CU_ASSERT(live_prefix(&denied, b, sizeof b));
    CU_ASSERT_STRING_EQUAL(a, b);
    finish(&base);
    finish(&denied);
}

/* kubectl's outcomes that change nothing: a rollback to the revision the
 * template already is (skipped, with kubectl's message), without history,
 * to a revision that does not exist, of a paused Deployment, of a
 * Deployment that does not exist. */
static void test_rollback_not_applied(void)
{
    cp_result base, r;
    CU_ASSERT_EQUAL_FATAL(run_actions(&base, "rb-none.yaml", "20s", " []\n"),
                          0);
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "rb-skip.yaml", "20s",
                    "\n    - {at: 5s, rollback: {deployment: web, toRevision: "
                    "1}}\n"
                    "    - {at: 6s, rollback: {deployment: web}}\n"
                    "    - {at: 7s, rollback: {deployment: web, toRevision: "
                    "7}}\n"
                    "    - {at: 8s, rollback: {deployment: nope}}\n"),
        0);
    static const char *const want[] = {
        "skipped rollback (current template already matches revision 1)",
        "no rollout history found for deployment \"web\"",
        "unable to find specified revision 7 in history",
        "Deployment \"nope\" not found",
    };
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 4);
    for (size_t i = 0; i < 4; i++) {
        const ks_cp_action_result *a = action_result(&r, i);
        CU_ASSERT_EQUAL(a->allowed, 1);
        CU_ASSERT_EQUAL(a->applied, 0);
        CU_ASSERT_STRING_EQUAL(a->reason, want[i]);
    }
    CU_ASSERT(same_events(&base, &r));
    CU_ASSERT(same_samples(&base, &r));
    finish(&r);
    /* A paused Deployment with history: kubectl refuses (after finding
     * the revision, as rollback.go does). */
    CU_ASSERT_EQUAL_FATAL(
        run_actions(&r, "rb-paused.yaml", "30s",
                    "\n    - {at: 3s, as: alice, setImage: {deployment: web, "
                    "image: \"nginx:2\"}}\n"
                    "    - {at: 20s, as: alice, pause: {deployment: web}}\n"
                    "    - {at: 21s, rollback: {deployment: web}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(nresults(&r), 3);
    const ks_cp_action_result *a = action_result(&r, 2);
    CU_ASSERT_EQUAL(a->allowed, 1);
    CU_ASSERT_EQUAL(a->applied, 0);
    CU_ASSERT_STRING_EQUAL(a->reason,
                           "you cannot rollback a paused deployment; resume "
                           "it first with 'kubectl rollout resume "
                           "deployment/web' and try again");
    CU_ASSERT_EQUAL(count_rows(&r, KS_PE_CREATED, 21 * KS_SECOND,
                               KS_TIME_NEVER, NULL),
                    0);
    finish(&r);
    finish(&base);
}

/* scenarios/examples/autoscale.yaml: the api Deployment scaled up to 9
 * by its HPA as the load rises, and back to 2 after it falls. */
static void test_autoscale_example(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s",
             ks_test_src("scenarios/examples/autoscale.yaml"));
    cp_result r;
    memset(&r, 0, sizeof r);
    ks_error err;
    int rc = ks_scenario_load_file(path, &r.sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL_FATAL(r.sc->manifests->nhpas, 1);
    CU_ASSERT_EQUAL(r.sc->control_plane->traffic[0].nprofile, 5);
    r.run = ks_run_create(r.sc, NULL);
    rc = ks_run_execute(r.run, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    r.cp = ks_run_control_plane(r.run);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.cp);
    r.log = ks_cp_run_events(r.cp);
    size_t n;
    const ks_cp_hpa_sample *h = ks_cp_run_hpa_samples(r.cp, &n);
    CU_ASSERT_EQUAL_FATAL(n, 25 * 4 + 1);
    int32_t peak = 0;
    for (size_t i = 0; i < n; i++)
        if (h[i].current_replicas > peak)
            peak = h[i].current_replicas;
    CU_ASSERT_EQUAL(peak, 9);
    /* At 10 minutes, 200/s over 9 pods: (2000m + 180m) / 9 = 242m, 48 %. */
    CU_ASSERT_EQUAL(h[40].current_replicas, 9);
    CU_ASSERT_EQUAL(h[40].cpu_utilization, 48);
    CU_ASSERT_EQUAL(h[n - 1].current_replicas, 2);
    CU_ASSERT_EQUAL(h[n - 1].desired_replicas, 2);
    CU_ASSERT_EQUAL(dep_last(&r)->replicas, 2);
    finish(&r);
}

/* ---- probes, liveness kills and graceful termination from manifests ----- */

/* "sick": one pod whose container has a readinessProbe (initialDelay 2 s,
 * period 5 s, failureThreshold 1) and a livenessProbe (period 5 s,
 * failureThreshold 2, timeout 1 s by default), and whose application
 * hangs 30 s after each start.  "stubborn": two pods that ignore SIGTERM,
 * with a 5 s grace period, scaled to one at 60 s. */
#define PROBES_YAML                                                            \
    "apiVersion: apps/v1\n"                                                    \
    "kind: Deployment\n"                                                       \
    "metadata: {name: sick}\n"                                                 \
    "spec:\n"                                                                  \
    "  replicas: 1\n"                                                          \
    "  selector: {matchLabels: {app: sick}}\n"                                 \
    "  template:\n"                                                            \
    "    metadata:\n"                                                          \
    "      labels: {app: sick}\n"                                              \
    "      annotations: {ksim.io/unhealthy-after: 30s}\n"                      \
    "    spec:\n"                                                              \
    "      containers:\n"                                                      \
    "        - name: app\n"                                                    \
    "          image: \"app:1\"\n"                                             \
    "          resources: {requests: {cpu: 100m}}\n"                           \
    "          readinessProbe:\n"                                              \
    "            httpGet: {path: /ready, port: 8080}\n"                        \
    "            initialDelaySeconds: 2\n"                                     \
    "            periodSeconds: 5\n"                                           \
    "            failureThreshold: 1\n"                                        \
    "          livenessProbe:\n"                                               \
    "            httpGet: {path: /live, port: 8080}\n"                         \
    "            periodSeconds: 5\n"                                           \
    "            failureThreshold: 2\n"                                        \
    "---\n"                                                                    \
    "apiVersion: apps/v1\n"                                                    \
    "kind: Deployment\n"                                                       \
    "metadata: {name: stubborn}\n"                                             \
    "spec:\n"                                                                  \
    "  replicas: 2\n"                                                          \
    "  selector: {matchLabels: {app: stubborn}}\n"                             \
    "  template:\n"                                                            \
    "    metadata:\n"                                                          \
    "      labels: {app: stubborn}\n"                                          \
    "      annotations: {ksim.io/ignores-sigterm: \"true\"}\n"                 \
    "    spec:\n"                                                              \
    "      terminationGracePeriodSeconds: 5\n"                                 \
    "      containers:\n"                                                      \
    "        - name: app\n"                                                    \
    "          image: \"app:1\"\n"                                             \
    "          resources: {requests: {cpu: 100m}}\n"

/* The times of the rows of kind for pods whose name starts with prefix,
 * with reason (NULL: any), in order; *n of them (at most max). */
static size_t row_times(const cp_result *r, const char *prefix,
                        ks_pod_event_kind kind, const char *reason,
                        ks_time *out, size_t max)
{
    const ks_pod_event *e = ks_podevents_rows(r->log);
    size_t n = 0;
    for (size_t i = 0; i < ks_podevents_count(r->log); i++) {
        if (e[i].kind != kind ||
            strncmp(ks_podevents_pod_name(r->log, e[i].pod), prefix,
                    strlen(prefix)) != 0 ||
            (reason &&
             strcmp(ks_podevents_reason(r->log, e[i].reason), reason) != 0))
            continue;
        if (n < max)
            out[n] = e[i].time;
        n++;
    }
    return n;
}

/* Manifests drive the kubelet: the probe settings of the container, the
 * application's hang (ksim.io/unhealthy-after), SIGTERM handling and the
 * grace period.
 *
 * sick, started at S: the readiness probe first probes at S + 5 s (the
 * first tick at or after the 2 s initial delay): Ready.  Both probes run
 * every 5 s from S; the application hangs at S + 30 s, so the probes sent
 * at S + 30 and S + 35 s time out 1 s later.  Readiness fails at once
 * (failureThreshold 1): NotReady at S + 31 s.  Liveness fails the second
 * time (failureThreshold 2) at S + 36 s: Killing, reason Unhealthy; the
 * container exits on SIGTERM and, being its first restart, is restarted
 * at once (start latency 180 ms).  The second instance is killed 36 s
 * after its start too, then waits the 10 s CrashLoopBackOff (BackOff
 * row) before the third start.
 *
 * stubborn, scaled from 2 to 1 at 60 s: the ReplicaSet controller deletes
 * a pod gracefully with its 5 s grace period; its kubelet kills it
 * (Killing, no reason), the container ignores SIGTERM and dies of SIGKILL
 * 5 s later, and the pod leaves the store then (Deleted).  (The terminal
 * status the kubelet writes just before deleting the pod has no row: the
 * log reads the object when the watch event arrives, and it is gone.) */
static void test_manifest_probes_and_grace(void)
{
    cp_result r;
    write_fixtures();
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(scratch("probes.yaml"), PROBES_YAML), 0);
    CU_ASSERT_EQUAL_FATAL(
        run_scenario(&r, "probes-run.yaml",
                     "apiVersion: ksim.dev/v1\nkind: Scenario\n"
                     "metadata: {name: probes}\n"
                     "spec:\n  seed: 5\n  duration: 100s\n"
                     "  cluster:\n    nodePools:\n"
                     "      - {name: n, count: 2, allocatable: {cpu: \"4\", "
                     "memory: 8Gi}}\n"
                     "  workloads:\n    - manifests: [probes.yaml]\n"
                     "  controlPlane: {}\n"
                     "  actions:\n"
                     "    - {at: 60s, scale: {deployment: stubborn, "
                     "replicas: 1}}\n",
                     0, 0),
        0);
    const ks_time ms = KS_MILLISECOND, s = KS_SECOND;
    ks_time started[4], ready[4], unready[4], killed[4], backoff[4];
    CU_ASSERT_EQUAL_FATAL(row_times(&r, "default/sick-", KS_PE_STARTED, NULL,
                                    started, 4),
                          3);
    ks_time s1 = started[0], s2 = started[1], s3 = started[2];
    CU_ASSERT(s1 > 0 && s1 < 2 * s);
    CU_ASSERT_EQUAL(row_times(&r, "default/sick-", KS_PE_KILLING, "Unhealthy",
                              killed, 4),
                    2);
    CU_ASSERT_EQUAL(row_times(&r, "default/sick-", KS_PE_KILLING, NULL,
                              killed, 4),
                    2);
    CU_ASSERT_EQUAL(killed[0], s1 + 36 * s);
    CU_ASSERT_EQUAL(s2, killed[0] + 180 * ms);
    CU_ASSERT_EQUAL(killed[1], s2 + 36 * s);
    CU_ASSERT_EQUAL(row_times(&r, "default/sick-", KS_PE_BACK_OFF,
                              "CrashLoopBackOff", backoff, 4),
                    1);
    CU_ASSERT_EQUAL(backoff[0], killed[1]);
    CU_ASSERT_EQUAL(s3, killed[1] + 10 * s + 180 * ms);
    /* Ready 5 s after each start, not Ready 31 s after it. */
    CU_ASSERT_EQUAL_FATAL(row_times(&r, "default/sick-", KS_PE_READY, NULL,
                                    ready, 4),
                          3);
    CU_ASSERT_EQUAL(ready[0], s1 + 5 * s);
    CU_ASSERT_EQUAL(ready[1], s2 + 5 * s);
    CU_ASSERT_EQUAL(ready[2], s3 + 5 * s);
    CU_ASSERT_EQUAL_FATAL(row_times(&r, "default/sick-", KS_PE_NOT_READY,
                                    NULL, unready, 4),
                          2);
    CU_ASSERT_EQUAL(unready[0], s1 + 31 * s);
    CU_ASSERT_EQUAL(unready[1], s2 + 31 * s);
    /* The same pod throughout: restarts, not replacements. */
    CU_ASSERT_EQUAL(row_times(&r, "default/sick-", KS_PE_CREATED, NULL,
                              killed + 2, 1),
                    1);

    /* stubborn: one pod deleted, 5 s after its kill. */
    ks_time kill[4], deleted[4];
    CU_ASSERT_EQUAL(row_times(&r, "default/stubborn-", KS_PE_CREATED, NULL,
                              kill, 4),
                    2);
    CU_ASSERT_EQUAL_FATAL(row_times(&r, "default/stubborn-", KS_PE_KILLING,
                                    "", kill, 4),
                          1);
    CU_ASSERT(kill[0] >= 60 * s && kill[0] < 61 * s);
    CU_ASSERT_EQUAL_FATAL(row_times(&r, "default/stubborn-", KS_PE_DELETED,
                                    NULL, deleted, 4),
                          1);
    CU_ASSERT_EQUAL(deleted[0], kill[0] + 5 * s);
    finish(&r);
}

void ks_suite_cp_run(void)
{
    static const ks_test_case cases[] = {
        {"Deployment rolls out", test_deployment_rolls_out},
        {"kubelet settings", test_kubelet_settings},
        {"traffic", test_traffic},
        {"scale allowed", test_scale_allowed},
        {"scale a ReplicaSet", test_scale_replicaset},
        {"denied actions change nothing", test_denied_changes_nothing},
        {"missing objects", test_missing_objects},
        {"setImage rolls out", test_set_image},
        {"pause and resume", test_pause_resume},
        {"cordon and uncordon", test_cordon},
        {"drain", test_drain},
        {"drain with evictions denied", test_drain_eviction_denied},
        {"delete Deployment", test_delete_deployment},
        {"delete Service", test_delete_service},
        {"determinism", test_determinism},
        {"RBAC file missing", test_rbac_file_missing},
        {"manifest node taint value", test_manifest_node_taint_value},
        {"manifest node unschedulable", test_manifest_node_unschedulable},
        {"rollout example", test_rollout_example},
        {"HPA scales up and down with the traffic",
         test_hpa_scales_up_and_down},
        {"HPA without a usage model", test_hpa_without_usage_model},
        {"HPA: two workloads behind one Service",
         test_hpa_two_workloads_one_service},
        {"rollback restores the old template", test_rollback_restores},
        {"denied rollback changes nothing", test_rollback_denied},
        {"rollbacks that change nothing", test_rollback_not_applied},
        {"autoscale example", test_autoscale_example},
        {"manifest probes, liveness kills and grace period",
         test_manifest_probes_and_grace},
        {NULL, NULL},
    };
    ks_test_add_suite("cp_run", cases);
}
