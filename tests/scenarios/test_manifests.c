/* test_manifests.c - the Kubernetes manifest loader: every real dump in
 * tests/data/k8s-dumps (copies of shared/data/k8s-dumps) with concrete values checked against the files,
 * effective requests ported from the upstream tests of PodRequests and
 * PodInfo.calculateResource, API defaulting, priorities, warnings, and bad
 * inputs with their exact error code, line, column and message; Services,
 * workload selectors (apps validation, ReplicationController defaulting,
 * the Deployment's pod-template-hash) and a pod template read from another
 * document (a scenario generator's); the control-plane fields (Deployment
 * strategy and timings, Job backoffLimit and deadline, restartPolicy, the
 * first image) with their defaults and apps / batch validation errors, and
 * the ksim.io/ annotations; the pod lifecycle fields (termination grace
 * period, the first container's readiness and liveness probes with
 * SetDefaults_Probe and validateProbe, ksim.io/unhealthy-after and
 * ksim.io/ignores-sigterm) and a DaemonSet's updateStrategy and
 * minReadySeconds, each with its defaults and validation errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/manifests.h"
#include "scenarios/yaml_tree.h"
#include "tests/test_util.h"

void ks_suite_manifests(void);

#define DUMPS KS_TEST_SRCDIR "/tests/data/k8s-dumps/"
#define POD_HEAD "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"

/* ---- helpers ------------------------------------------------------------ */

static int load(ks_manifests *m, const char *text)
{
    ks_error err;
    int rc = ks_manifests_load_buffer(text, strlen(text), "t.yaml", m, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return rc;
}

static int load_dump(ks_manifests *m, const char *file)
{
    char path[1024];
    ks_error err;
    snprintf(path, sizeof path, "%s%s", DUMPS, file);
    int rc = ks_manifests_load_file(path, m, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return rc;
}

/* Loads POD_HEAD + spec (indented by two) and resolves priorities; the
 * pod, or NULL. */
static ks_manifest_pod *one_pod(ks_manifests *m, const char *spec)
{
    char text[8192];
    ks_error err;
    snprintf(text, sizeof text, "%s%s", POD_HEAD, spec);
    if (load(m, text) || m->npods != 1)
        return NULL;
    if (ks_manifests_resolve_priorities(m, &err)) {
        ks_error_print(&err, stderr);
        return NULL;
    }
    return &m->pods[0];
}

static int64_t req(const ks_manifest_pod *p, const char *name)
{
    return ks_resource_amount_get(p->requests, p->nrequests, name, -1);
}

static int64_t nz(const ks_manifest_pod *p, const char *name)
{
    return ks_resource_amount_get(p->nonzero_requests, p->nnonzero_requests,
                                  name, -1);
}

static const ks_manifest_pod *find_pod(const ks_manifests *m,
                                       const char *name)
{
    for (size_t i = 0; i < m->npods; i++)
        if (!strcmp(m->pods[i].name, name))
            return &m->pods[i];
    return NULL;
}

static const ks_manifest_node *find_node(const ks_manifests *m,
                                         const char *name)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].name, name))
            return &m->nodes[i];
    return NULL;
}

static const ks_manifest_template *find_template(const ks_manifests *m,
                                                 const char *kind,
                                                 const char *name)
{
    for (size_t i = 0; i < m->ntemplates; i++)
        if (!strcmp(m->templates[i].kind, kind) &&
            !strcmp(m->templates[i].name, name))
            return &m->templates[i];
    return NULL;
}

static int has_warning(const ks_manifests *m, const char *text)
{
    int n = 0;
    for (size_t i = 0; i < m->nwarnings; i++)
        n += !strcmp(m->warnings[i], text);
    return n;
}

static int64_t alloc(const ks_manifest_node *n, const char *name)
{
    return ks_resource_amount_get(n->allocatable, n->nallocatable, name, -1);
}

/* True when loading text (then resolving priorities) fails with exactly
 * code, line, col and a message containing want, leaving the set as it
 * was before the load; prints the difference otherwise. */
static int fails_with(const char *text, int code, int line, int col,
                      const char *want)
{
    ks_manifests m = {0};
    ks_error err;
    int rc = ks_manifests_load_buffer(text, strlen(text), "bad.yaml", &m, &err);
    int unchanged = !rc || (m.npods == 0 && m.nnodes == 0 && m.nfiles == 0 &&
                            m.nwarnings == 0 && m.ntemplates == 0 &&
                            m.nhpas == 0);
    if (!rc)
        rc = ks_manifests_resolve_priorities(&m, &err);
    int ok = rc == code && err.code == code && err.line == line &&
             err.col == col && strstr(err.msg, want) != NULL && unchanged &&
             !strcmp(err.file, "bad.yaml");
    if (!ok) {
        fprintf(stderr, "\nwanted %s %d:%d \"%s\"\n   got %s ",
                ks_errname(code), line, col, want, ks_errname(rc));
        ks_error_print(&err, stderr);
    }
    ks_manifests_free(&m);
    return ok;
}

#define EXPECT_ERROR(text, code, line, col, want)                              \
    CU_ASSERT(fails_with((text), (code), (line), (col), (want)))

/* ---- the real dumps ------------------------------------------------------ */

/* kalc: GKE 1.12, kind: List of 5 Nodes, unquoted YAML 1.1 timestamps. */
static void test_kalc_nodes(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "kalc--nodes.yaml"), 0);
    CU_ASSERT_EQUAL(m.nnodes, 5);
    CU_ASSERT_EQUAL(m.npods, 0);
    const ks_manifest_node *n =
        find_node(&m, "gke-tesg1-default-pool-ff7a1295-7kwg");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(n->line, 3);
    CU_ASSERT_EQUAL(alloc(n, "cpu"), 940);                 /* 940m */
    CU_ASSERT_EQUAL(alloc(n, "memory"), 2702284LL * 1024); /* 2702284Ki */
    CU_ASSERT_EQUAL(alloc(n, "pods"), 110);
    CU_ASSERT_EQUAL(alloc(n, "ephemeral-storage"), 47093746742LL);
    CU_ASSERT_EQUAL(alloc(n, "attachable-volumes-gce-pd"), 128);
    CU_ASSERT_EQUAL(ks_resource_amount_get(n->capacity, n->ncapacity, "cpu",
                                           -1),
                    1000);
    CU_ASSERT_EQUAL(n->info.ntaints, 0);
    CU_ASSERT_FALSE(n->info.unschedulable);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&n->info.labels,
                                         "kubernetes.io/hostname"),
                           "gke-tesg1-default-pool-ff7a1295-7kwg");
    CU_ASSERT_EQUAL_FATAL(n->info.nimages, 25);
    CU_ASSERT_EQUAL(n->info.images[0].nnames, 2);
    CU_ASSERT_STRING_EQUAL(n->info.images[0].names[1],
                           "gcr.io/google-samples/gb-frontend:v4");
    CU_ASSERT_EQUAL(n->info.images[0].size_bytes, 512161546);
    CU_ASSERT(has_warning(&m, "Node status.conditions (not modelled)") == 1);
    ks_manifests_free(&m);
}

/* kalc: 32 Pods bound to the 5 nodes; critical pods use the built-in
 * system priority classes. */
static void test_kalc_pods(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "kalc--nodes.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "kalc--pods.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL(m.nfiles, 2);
    CU_ASSERT_EQUAL(m.npods, 32);
    size_t running = 0;
    for (size_t i = 0; i < m.npods; i++) {
        CU_ASSERT_PTR_NOT_NULL(find_node(&m, m.pods[i].node_name));
        running += !strcmp(m.pods[i].phase, "Running");
    }
    CU_ASSERT_EQUAL(running, 29);
    /* kube-dns: 100m/70Mi + 150m/20Mi + 10m/20Mi + a container without
     * requests (100m / 200Mi in the non-zero view). */
    const ks_manifest_pod *p = find_pod(&m, "kube-dns-b46cc9485-4zk7g");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(p->spec->namespace_name, "kube-system");
    CU_ASSERT_EQUAL(req(p, "cpu"), 260);
    CU_ASSERT_EQUAL(req(p, "memory"), 110LL << 20);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 360);
    CU_ASSERT_EQUAL(nz(p, "memory"), 310LL << 20);
    CU_ASSERT_EQUAL(p->priority, 2000000000);
    CU_ASSERT_EQUAL(p->spec->priority, 2000000000);
    CU_ASSERT_STRING_EQUAL(p->priority_class_name, "system-cluster-critical");
    CU_ASSERT_STRING_EQUAL(p->node_name,
                           "gke-tesg1-default-pool-ff7a1295-7kwg");
    CU_ASSERT_STRING_EQUAL(p->owner_kind, "ReplicaSet");
    CU_ASSERT_STRING_EQUAL(p->owner_name, "kube-dns-b46cc9485");
    CU_ASSERT_EQUAL_FATAL(p->spec->ntolerations, 3);
    CU_ASSERT_STRING_EQUAL(p->spec->tolerations[0].key, "CriticalAddonsOnly");
    CU_ASSERT_EQUAL(p->spec->tolerations[0].op, KS_TOLERATION_EXISTS);
    CU_ASSERT_EQUAL(p->spec->tolerations[0].effect, KS_EFFECT_ALL);
    CU_ASSERT_EQUAL(p->spec->tolerations[1].effect, KS_EFFECT_NO_EXECUTE);
    CU_ASSERT(p->spec->tolerations[1].has_seconds);
    CU_ASSERT_EQUAL(p->spec->tolerations[1].toleration_seconds, 300);
    CU_ASSERT_EQUAL(p->spec->ncontainers, 4);
    CU_ASSERT_STRING_EQUAL(p->spec->images[0],
                           "k8s.gcr.io/k8s-dns-kube-dns-amd64:1.14.13");
    /* fluentd: node affinity on metadata.name, system-node-critical. */
    p = find_pod(&m, "fluentd-gcp-v3.2.0-7kkcj");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->priority, 2000001000);
    CU_ASSERT_STRING_EQUAL(p->owner_kind, "DaemonSet");
    CU_ASSERT(p->spec->node_affinity.has_required);
    CU_ASSERT_EQUAL_FATAL(p->spec->node_affinity.required.nterms, 1);
    const ks_node_selector_term *t = &p->spec->node_affinity.required.terms[0];
    CU_ASSERT_EQUAL_FATAL(t->nfields, 1);
    CU_ASSERT_STRING_EQUAL(t->match_fields[0].key, "metadata.name");
    CU_ASSERT_EQUAL(t->match_fields[0].op, KS_OP_IN);
    CU_ASSERT_STRING_EQUAL(t->match_fields[0].values[0],
                           "gke-tesg1-default-pool-ff7a1295-7kwg");
    CU_ASSERT(ks_node_selector_matches(&p->spec->node_affinity.required,
                                       &m.nodes[0].info.labels,
                                       m.nodes[0].name));
    CU_ASSERT_EQUAL(req(p, "cpu"), 100);
    CU_ASSERT_EQUAL(req(p, "memory"), 200LL << 20);
    ks_manifests_free(&m);
}

/* kubevious: `kubectl get all` of a GKE 1.14 cluster (358 items, many
 * kinds) with its 2 nodes. */
static void test_kubevious(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "kubevious-parser--data-node.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "kubevious-parser--data-all.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL(m.nnodes, 2);
    CU_ASSERT_EQUAL(m.npods, 91);
    CU_ASSERT_EQUAL(m.ntemplates, 65 + 125 + 6 + 3 + 3);
    size_t failed = 0;
    for (size_t i = 0; i < m.npods; i++)
        failed += !strcmp(m.pods[i].phase, "Failed");
    CU_ASSERT_EQUAL(failed, 9);
    const ks_manifest_node *n =
        find_node(&m, "gke-kubevious-samples-pool-2-d17eaa99-95cn");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(alloc(n, "cpu"), 1930);
    CU_ASSERT_EQUAL(alloc(n, "memory"), 5915815936LL);
    /* Three init containers at 50m each, two containers at 10m/40M:
     * cpu max(20m, 50m); memory 80M (decimal suffix). */
    const ks_manifest_pod *p = find_pod(&m, "gitlab-unicorn-84d7dc6557-2smmj");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 50);
    CU_ASSERT_EQUAL(req(p, "memory"), 80000000);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 50);
    CU_ASSERT_EQUAL(nz(p, "memory"), 200LL << 20); /* init: no memory */
    CU_ASSERT_EQUAL(p->spec->ncontainers, 5);
    CU_ASSERT_STRING_EQUAL(p->phase, "Failed");
    /* An explicit cpu: "0" stays 0 in the non-zero view of its container. */
    p = find_pod(&m, "gitlab-gitlab-shell-7b89877f4c-hbd29");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 50);
    CU_ASSERT_EQUAL(req(p, "memory"), 6000000);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 50);
    p = find_pod(&m, "calico-node-hnddt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&p->spec->node_selector,
                                         "projectcalico.org/ds-ready"),
                           "true");
    const ks_manifest_template *t =
        find_template(&m, "Deployment", "gitlab-unicorn");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->replicas, 2);
    CU_ASSERT_STRING_EQUAL(t->namespace_name, "gitlab");
    CU_ASSERT_STRING_EQUAL(t->pod.spec->namespace_name, "gitlab");
    CU_ASSERT_EQUAL(req(&t->pod, "cpu"), 50);
    t = find_template(&m, "Job", "gitlab-issuer.1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->replicas, 1);
    CU_ASSERT_EQUAL(t->completions, 1);
    t = find_template(&m, "ReplicaSet", "gitlab-unicorn-84d7dc6557");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(t->owner_kind, "Deployment");
    CU_ASSERT_STRING_EQUAL(t->owner_name, "gitlab-unicorn");
    /* Services are read: their selectors; the rest of them warns. */
    CU_ASSERT_EQUAL(m.nservices, 61);
    CU_ASSERT(has_warning(&m, "kind Service: not modelled yet, skipped") == 0);
    CU_ASSERT(has_warning(&m, "Service spec.ports (not modelled)") == 1);
    const ks_manifest_service *svc = NULL;
    for (size_t i = 0; i < m.nservices; i++)
        if (!strcmp(m.services[i].name, "book-web-svc"))
            svc = &m.services[i];
    CU_ASSERT_PTR_NOT_NULL_FATAL(svc);
    CU_ASSERT_STRING_EQUAL(svc->namespace_name, "book");
    CU_ASSERT(svc->has_selector);
    CU_ASSERT_EQUAL(svc->selector.n, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&svc->selector, "app"), "book-web");
    /* A dumped ReplicaSet keeps the selector its Deployment gave it. */
    t = find_template(&m, "ReplicaSet", "gitlab-unicorn-84d7dc6557");
    CU_ASSERT(t->has_selector);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->selector.match_labels,
                                         "pod-template-hash"),
                           "84d7dc6557");
    p = find_pod(&m, "gitlab-unicorn-84d7dc6557-2smmj");
    CU_ASSERT_STRING_EQUAL(p->owner_api_version, "apps/v1");
    CU_ASSERT_STRING_EQUAL(p->owner_kind, "ReplicaSet");
    /* Its HPAs are autoscaling/v1: skipped; ksim reads autoscaling/v2. */
    CU_ASSERT_EQUAL(m.nhpas, 0);
    CU_ASSERT(has_warning(&m, "kind HorizontalPodAutoscaler autoscaling/v1: "
                              "not modelled (ksim reads autoscaling/v2), "
                              "skipped") == 1);
    /* A second container's probe is not modelled. */
    CU_ASSERT(has_warning(&m, "Deployment spec.template.spec.containers[]."
                              "livenessProbe (not modelled)") == 1);
    /* The first container's probes are, as dumped (defaults written). */
    p = find_pod(&m, "gitlab-gitaly-0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(p->has_liveness_probe && p->has_readiness_probe);
    CU_ASSERT_EQUAL(p->liveness_probe.handler, KS_MANIFEST_PROBE_EXEC);
    CU_ASSERT_EQUAL(p->liveness_probe.initial_delay_s, 30);
    CU_ASSERT_EQUAL(p->liveness_probe.period_s, 10);
    CU_ASSERT_EQUAL(p->liveness_probe.timeout_s, 3);
    CU_ASSERT_EQUAL(p->liveness_probe.success_threshold, 1);
    CU_ASSERT_EQUAL(p->liveness_probe.failure_threshold, 3);
    CU_ASSERT_EQUAL(p->readiness_probe.initial_delay_s, 10);
    CU_ASSERT_EQUAL(p->termination_grace_s, 30);
    CU_ASSERT_EQUAL(p->has_termination_grace, 1);
    ks_manifests_free(&m);
}

/* OpenShift 4.18 (Kubernetes 1.31) single-Node documents, each starting
 * with `---`, with managedFields and status.runtimeHandlers. */
static void test_node_tuning_operator(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load_dump(&m, "cluster-node-tuning-operator--master.internal.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(
        load_dump(&m, "cluster-node-tuning-operator--worker1.internal.yaml"),
        0);
    CU_ASSERT_EQUAL_FATAL(
        load_dump(&m, "cluster-node-tuning-operator--worker2.internal.yaml"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.nnodes, 3);
    const ks_manifest_node *n = find_node(&m, "master.internal");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(n->line, 2);
    CU_ASSERT_EQUAL(alloc(n, "cpu"), 111500);
    CU_ASSERT_EQUAL(alloc(n, "pods"), 250);
    CU_ASSERT_EQUAL(n->info.nimages, 50);
    n = find_node(&m, "worker1.internal");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(alloc(n, "hugepages-2Mi"), 256LL << 20);
    CU_ASSERT_EQUAL(alloc(n, "hugepages-1Gi"), 0);
    CU_ASSERT_STRING_EQUAL(
        m.files[2],
        DUMPS "cluster-node-tuning-operator--worker2.internal.yaml");
    CU_ASSERT_STRING_EQUAL(m.nodes[2].file, m.files[2]);
    ks_manifests_free(&m);
}

/* Harvester support bundle: sizeBytes and spec.priority in float notation
 * (1.194914199e+09, 2e+09), extended resources of 1k. */
static void test_support_bundle(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "support-bundle-kit--nodes.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(load_dump(&m, "support-bundle-kit--pods.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL_FATAL(m.nnodes, 1);
    const ks_manifest_node *n = &m.nodes[0];
    CU_ASSERT_STRING_EQUAL(n->name, "node1");
    CU_ASSERT_EQUAL(alloc(n, "cpu"), 8000);
    CU_ASSERT_EQUAL(alloc(n, "memory"), 32849604LL * 1024);
    CU_ASSERT_EQUAL(alloc(n, "devices.kubevirt.io/kvm"), 1000);
    CU_ASSERT_EQUAL_FATAL(n->info.nimages, 50);
    CU_ASSERT_STRING_EQUAL(n->info.images[0].names[0],
                           "docker.io/rancher/rancher:v2.6.3-harvester1");
    CU_ASSERT_EQUAL(n->info.images[0].size_bytes, 1194914199LL);
    CU_ASSERT_EQUAL(m.npods, 19);
    const ks_manifest_pod *p = find_pod(&m, "kube-apiserver-node1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->priority, 2000000000); /* written 2e+09 */
    CU_ASSERT_STRING_EQUAL(p->owner_kind, "Node");
    CU_ASSERT_EQUAL(req(p, "cpu"), 250);
    p = find_pod(&m, "rke2-canal-4c45f");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->priority, 2000001000); /* written 2.000001e+09 */
    p = find_pod(&m, "rke2-ingress-nginx-controller-vx265");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL_FATAL(p->spec->nhost_ports, 3);
    CU_ASSERT_EQUAL(p->spec->host_ports[0].port, 80);
    CU_ASSERT_EQUAL(p->spec->host_ports[2].port, 8444);
    CU_ASSERT_EQUAL(p->spec->host_ports[1].protocol, KS_PROTO_TCP);
    CU_ASSERT_PTR_NULL(p->spec->host_ports[1].host_ip);
    CU_ASSERT(has_warning(&m, "Node metadata.finalizers (not modelled)") == 1);
    ks_manifests_free(&m);
}

/* kube-scheduler-wasm-extension: a Node, and a Pod indented by two spaces
 * whose nodeName was removed; an init container; decimal G/M memory. */
static void test_wasm_extension(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        load_dump(&m, "kube-scheduler-wasm-extension--node.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(
        load_dump(&m, "kube-scheduler-wasm-extension--pod.yaml"), 0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL_FATAL(m.nnodes, 1);
    CU_ASSERT_EQUAL(alloc(&m.nodes[0], "cpu"), 940);
    CU_ASSERT_EQUAL(alloc(&m.nodes[0], "attachable-volumes-gce-pd"), 15);
    CU_ASSERT_EQUAL_FATAL(m.npods, 1);
    const ks_manifest_pod *p = &m.pods[0];
    CU_ASSERT_EQUAL(p->line, 1);
    CU_ASSERT_EQUAL(p->col, 3);
    CU_ASSERT_PTR_NULL(p->node_name);
    CU_ASSERT_STRING_EQUAL(p->phase, "Running");
    CU_ASSERT_EQUAL(req(p, "cpu"), 1000);
    CU_ASSERT_EQUAL(req(p, "memory"), 2000000000);
    CU_ASSERT_EQUAL(p->priority, 0);
    CU_ASSERT_EQUAL_FATAL(p->spec->nimages, 2);
    CU_ASSERT_STRING_EQUAL(p->spec->images[0], "curlimages/curl:7.78.0");
    CU_ASSERT_STRING_EQUAL(
        p->spec->images[1],
        "gcr.io/sanposhiho-hogehoge/hoge-custom-controller:latest");
    CU_ASSERT_EQUAL(p->spec->ntolerations, 2);
    CU_ASSERT(has_warning(&m, "Pod spec.readinessGates (not modelled)") == 1);
    ks_manifests_free(&m);
}

/* ---- effective requests, ported from upstream ------------------------------
 */

/* helpers_test.go TestPodResourceRequests "nil options, larger init
 * container" */
static void test_requests_larger_init(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  initContainers: [{name: i, resources: {requests: {cpu: \"4\"}}}]\n"
        "  containers: [{name: c, resources: {requests: {cpu: \"1\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->nrequests, 1);
    CU_ASSERT_EQUAL(req(p, "cpu"), 4000);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "nil options, larger
 * containers" */
static void test_requests_larger_containers(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  initContainers: [{name: i, resources: {requests: {cpu: \"2\"}}}]\n"
        "  containers:\n"
        "  - {name: a, resources: {requests: {cpu: \"2\"}}}\n"
        "  - {name: b, resources: {requests: {cpu: \"3\"}}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 5000);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "pod overhead included" */
static void test_requests_overhead(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p =
        one_pod(&m, "  overhead: {cpu: \"1\", memory: 1Gi}\n"
                    "  initContainers:\n"
                    "  - {name: i, resources: {requests: {cpu: \"2\"}, limits: "
                    "{cpu: \"2\"}}}\n"
                    "  containers:\n"
                    "  - {name: a, resources: {requests: {cpu: \"2\"}}}\n"
                    "  - {name: b, resources: {requests: {cpu: \"3\"}}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 6000);
    CU_ASSERT_EQUAL(req(p, "memory"), 1LL << 30);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "restartable init container" */
static void test_requests_sidecar(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  initContainers: [{name: s, restartPolicy: Always,"
        " resources: {requests: {cpu: \"1\"}}}]\n"
        "  containers: [{name: c, resources: {requests: {cpu: \"1\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 2000);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "multiple restartable init
 * containers": max(5, 3+2+1 + 1) = 7 */
static void test_requests_multiple_sidecars(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m, "  initContainers:\n"
            "  - {name: i1, resources: {requests: {cpu: \"5\"}}}\n"
            "  - {name: s1, restartPolicy: Always, resources: {requests: {cpu: "
            "\"1\"}}}\n"
            "  - {name: s2, restartPolicy: Always, resources: {requests: {cpu: "
            "\"2\"}}}\n"
            "  - {name: s3, restartPolicy: Always, resources: {requests: {cpu: "
            "\"3\"}}}\n"
            "  containers: [{name: c, resources: {requests: {cpu: \"1\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 7000);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "multiple restartable and
 * regular init containers": init-2 needs 5 + the sidecars before it (1+2) */
static void test_requests_sidecars_and_init(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m, "  initContainers:\n"
            "  - {name: i1, resources: {requests: {cpu: \"5\"}}}\n"
            "  - {name: s1, restartPolicy: Always, resources: {requests: {cpu: "
            "\"1\"}}}\n"
            "  - {name: s2, restartPolicy: Always, resources: {requests: {cpu: "
            "\"2\"}}}\n"
            "  - {name: i2, resources: {requests: {cpu: \"5\"}}}\n"
            "  - {name: s3, restartPolicy: Always, resources: {requests: {cpu: "
            "\"3\"}}}\n"
            "  containers: [{name: c, resources: {requests: {cpu: \"1\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 8000);
    /* Non-zero view: 200Mi for each of the five running containers beats
     * init-2's 200Mi plus two sidecars. */
    CU_ASSERT_EQUAL(nz(p, "cpu"), 8000);
    CU_ASSERT_EQUAL(nz(p, "memory"), 800LL << 20);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "restartable-init, init and
 * regular": max(10 + 100, 10 + 200) = 210 */
static void test_requests_sidecar_then_init(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m,
        "  initContainers:\n"
        "  - {name: s1, restartPolicy: Always, resources: {requests: {cpu: "
        "\"10\"}}}\n"
        "  - {name: i1, resources: {requests: {cpu: \"200\"}}}\n"
        "  containers: [{name: c, resources: {requests: {cpu: \"100\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 210000);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodRequestsAndLimits "just-limit-no-overhead": upstream
 * calls PodRequests on an undefaulted pod and gets {}; a stored pod went
 * through SetDefaults_Pod (defaults.go), which makes the limit a request. */
static void test_requests_limit_only(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  containers: [{name: c, resources: {limits: {cpu: \"9\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 9000);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 9000);
    CU_ASSERT_EQUAL(nz(p, "memory"), 200LL << 20);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodRequestsAndLimits "req-some-lim-and-overhead"
 * (and "req-and-overhead"): requests 1 / 10 plus overhead 5 / 5. */
static void test_requests_and_overhead(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  overhead: {cpu: \"5\", memory: \"5\"}\n"
        "  containers: [{name: c, resources: {requests: {cpu: \"1\","
        " memory: \"10\"}, limits: {cpu: \"2\"}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 6000);
    CU_ASSERT_EQUAL(req(p, "memory"), 15);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodLevelResourceRequests "container-level resources,
 * init and sidecar container set with SkipPodLevelResources false" */
static void test_requests_init_and_sidecar_mi(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m, "  initContainers:\n"
            "  - {name: s, restartPolicy: Always, resources: {requests: "
            "{memory: 5Mi, cpu: 4m}}}\n"
            "  - {name: i, resources: {requests: {memory: 6Mi, cpu: 8m}}}\n"
            "  containers: [{name: c, resources: {requests: {memory: 3Mi, cpu: "
            "2m}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "memory"), 11LL << 20);
    CU_ASSERT_EQUAL(req(p, "cpu"), 12);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodLevelResourceRequests "pod-level resources,
 * container-level resources, init and sidecar container set with
 * SkipPodLevelResources false": pod-level requests win. */
static void test_requests_pod_level(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m, "  resources: {requests: {memory: 15Mi, cpu: 18m}}\n"
            "  initContainers:\n"
            "  - {name: s, restartPolicy: Always, resources: {requests: "
            "{memory: 5Mi, cpu: 4m}}}\n"
            "  - {name: i, resources: {requests: {memory: 6Mi, cpu: 8m}}}\n"
            "  containers: [{name: c, resources: {requests: {memory: 3Mi, cpu: "
            "2m}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "memory"), 15LL << 20);
    CU_ASSERT_EQUAL(req(p, "cpu"), 18);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 18);
    CU_ASSERT_EQUAL(nz(p, "memory"), 15LL << 20);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodLevelResourceRequests "pod-level resources,
 * container-level resources, hugepage request/limit multiple page sizes
 * between pod-level and container-level"; with SetDefaults_Pod the pod
 * gets the same requests: hugepages-1Gi through defaultHugePagePodLimits,
 * memory through defaultPodRequests. */
static void test_requests_pod_level_hugepages(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  resources:\n"
        "    limits: {hugepages-2Mi: 10Mi}\n"
        "    requests: {cpu: \"1\", hugepages-2Mi: 10Mi}\n"
        "  containers:\n"
        "  - name: c\n"
        "    resources:\n"
        "      limits: {hugepages-1Gi: 1Gi}\n"
        "      requests: {memory: 4Mi, hugepages-1Gi: 1Gi}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->nrequests, 4);
    CU_ASSERT_EQUAL(req(p, "cpu"), 1000);
    CU_ASSERT_EQUAL(req(p, "memory"), 4LL << 20);
    CU_ASSERT_EQUAL(req(p, "hugepages-2Mi"), 10LL << 20);
    CU_ASSERT_EQUAL(req(p, "hugepages-1Gi"), 1LL << 30);
    ks_manifests_free(&m);
}

/* types_test.go TestPodInfoCalculateResources "requestless container" */
static void test_nonzero_requestless(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m, "  containers: [{name: c}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->nrequests, 0);
    CU_ASSERT_EQUAL(p->nnonzero_requests, 2);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 100);
    CU_ASSERT_EQUAL(nz(p, "memory"), 200LL << 20);
    ks_manifests_free(&m);
}

/* types_test.go TestPodInfoCalculateResources "2X container with
 * requests" */
static void test_nonzero_two_containers(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  containers:\n"
        "  - {name: a, resources: {requests: {cpu: 500m, memory: 500Mi}}}\n"
        "  - {name: b, resources: {requests: {cpu: 700m, memory: 800Mi}}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 1200);
    CU_ASSERT_EQUAL(req(p, "memory"), 1300LL << 20);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 1200);
    CU_ASSERT_EQUAL(nz(p, "memory"), 1300LL << 20);
    ks_manifests_free(&m);
}

/* types_test.go TestPodInfoCalculateResources "1X container with pod-level
 * memory requests": the cpu default still applies (neither level sets
 * cpu). */
static void test_nonzero_pod_level_memory(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  resources: {requests: {memory: 1200Mi}}\n"
        "  initContainers: [{name: i}]\n"
        "  containers: [{name: c}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->nrequests, 1);
    CU_ASSERT_EQUAL(req(p, "memory"), 1200LL << 20);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 100);
    CU_ASSERT_EQUAL(nz(p, "memory"), 1200LL << 20);
    ks_manifests_free(&m);
}

/* types_test.go TestPodInfoCalculateResources "1X container unsupported
 * resources and pod-level supported resources" */
static void test_nonzero_pod_level_unsupported(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p =
        one_pod(&m, "  resources: {requests: {cpu: 500m}}\n"
                    "  initContainers: [{name: i, resources: {requests: "
                    "{ephemeral-storage: 500Mi}}}]\n"
                    "  containers: [{name: c, resources: {requests: "
                    "{ephemeral-storage: 800Mi}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 500);
    CU_ASSERT_EQUAL(req(p, "ephemeral-storage"), 800LL << 20);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 500);
    CU_ASSERT_EQUAL(nz(p, "memory"), 200LL << 20);
    ks_manifests_free(&m);
}

/* types_test.go TestNodeInfoRemovePod (the pod with overhead): 200m/1Ki plus
 * overhead 500m/500 counts 700m / 1524 in both views. */
static void test_nonzero_overhead(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p =
        one_pod(&m, "  overhead: {cpu: 500m, memory: \"500\"}\n"
                    "  containers: [{name: c, resources: {requests: {cpu: "
                    "200m, memory: 1Ki}}}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 700);
    CU_ASSERT_EQUAL(req(p, "memory"), 1524);
    CU_ASSERT_EQUAL(nz(p, "cpu"), 700);
    CU_ASSERT_EQUAL(nz(p, "memory"), 1524);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "resized, infeasible": while a
 * resize is infeasible only the actuated requests count. */
static void test_requests_resize_infeasible(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m, "  containers: [{name: container-1, resources: {requests: {cpu: "
            "\"4\"}}}]\n"
            "status:\n"
            "  conditions: [{type: PodResizePending, status: \"True\", reason: "
            "Infeasible}]\n"
            "  containerStatuses:\n"
            "  - {name: container-1, resources: {requests: {cpu: \"2\"}}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 2000);
    ks_manifests_free(&m);
}

/* helpers_test.go TestPodResourceRequests "resized: per-resource 3-way
 * maximum" of spec, allocated and actuated requests. */
static void test_requests_resize_max(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p =
        one_pod(&m, "  containers: [{name: container-1, resources: {requests:"
                    " {cpu: 30m, memory: 20M, ephemeral-storage: 10G}}}]\n"
                    "status:\n"
                    "  containerStatuses:\n"
                    "  - name: container-1\n"
                    "    allocatedResources: {cpu: 20m, memory: 10M, "
                    "ephemeral-storage: 30G}\n"
                    "    resources: {requests: {cpu: 10m, memory: 30M, "
                    "ephemeral-storage: 20G}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "cpu"), 30);
    CU_ASSERT_EQUAL(req(p, "memory"), 30000000);
    CU_ASSERT_EQUAL(req(p, "ephemeral-storage"), 30000000000LL);
    ks_manifests_free(&m);
}

/* Quantities are summed in milli units (SetDefaults_ResourceList rounds
 * each up to milli) and Value() rounds the total up: 2 x 0.5 bytes = 1. */
static void test_requests_milli_sums(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  containers:\n"
        "  - {name: a, resources: {requests: {memory: \"0.5\", cpu: 0.1m}}}\n"
        "  - {name: b, resources: {requests: {memory: \"0.5\", cpu: 0.1m}}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(req(p, "memory"), 1);
    CU_ASSERT_EQUAL(req(p, "cpu"), 2);
    ks_manifests_free(&m);
}

/* ---- defaulting and pod fields ----------------------------------------------
 */

/* hostNetwork makes container ports host ports (defaults.go
 * defaultHostNetworkPorts); GetHostPorts keeps sidecars' ports, not plain
 * init containers'. */
static void test_host_ports(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(&m,
        "  hostNetwork: true\n"
        "  initContainers:\n"
        "  - {name: i, ports: [{containerPort: 9000}]}\n"
        "  - {name: s, restartPolicy: Always, ports: [{containerPort: 9001,"
        " protocol: UDP}]}\n"
        "  containers:\n"
        "  - {name: c, ports: [{containerPort: 80}, {containerPort: 81,"
        " hostPort: 8081, hostIP: 127.0.0.1, protocol: SCTP}]}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL_FATAL(p->spec->nhost_ports, 3);
    CU_ASSERT_EQUAL(p->spec->host_ports[0].port, 9001);
    CU_ASSERT_EQUAL(p->spec->host_ports[0].protocol, KS_PROTO_UDP);
    CU_ASSERT_EQUAL(p->spec->host_ports[1].port, 80);
    CU_ASSERT_EQUAL(p->spec->host_ports[2].port, 8081);
    CU_ASSERT_STRING_EQUAL(p->spec->host_ports[2].host_ip, "127.0.0.1");
    CU_ASSERT_EQUAL(p->spec->host_ports[2].protocol, KS_PROTO_SCTP);
    CU_ASSERT_EQUAL(p->spec->ncontainers, 3);
    CU_ASSERT_STRING_EQUAL(p->spec->images[0], ":latest"); /* no image */
    ks_manifests_free(&m);
}

/* Node and pod affinity, anti-affinity and topology spread with their
 * defaults (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore). */
static void test_affinity_and_spread(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = one_pod(
        &m,
        "  containers: [{name: c, image: \"nginx:1.25\"}]\n"
        "  affinity:\n"
        "    nodeAffinity:\n"
        "      preferredDuringSchedulingIgnoredDuringExecution:\n"
        "      - weight: 20\n"
        "        preference:\n"
        "          matchExpressions: [{key: disk, operator: Gt, values: "
        "[\"5\"]}]\n"
        "    podAntiAffinity:\n"
        "      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "      - labelSelector: {matchLabels: {app: web}}\n"
        "        namespaceSelector: {}\n"
        "        topologyKey: kubernetes.io/hostname\n"
        "        matchLabelKeys: [pod-template-hash]\n"
        "    podAffinity:\n"
        "      preferredDuringSchedulingIgnoredDuringExecution:\n"
        "      - weight: 100\n"
        "        podAffinityTerm:\n"
        "          namespaces: [a, b]\n"
        "          topologyKey: zone\n"
        "          mismatchLabelKeys: [tenant]\n"
        "  topologySpreadConstraints:\n"
        "  - maxSkew: 2\n"
        "    topologyKey: zone\n"
        "    whenUnsatisfiable: ScheduleAnyway\n"
        "    labelSelector: {matchExpressions: [{key: app, operator: "
        "Exists}]}\n"
        "  - {maxSkew: 1, topologyKey: host, whenUnsatisfiable: DoNotSchedule,"
        " minDomains: 3, nodeTaintsPolicy: Honor, nodeAffinityPolicy: "
        "Ignore}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const ks_pod_spec *s = p->spec;
    CU_ASSERT_FALSE(s->node_affinity.has_required);
    CU_ASSERT_EQUAL_FATAL(s->node_affinity.npreferred, 1);
    CU_ASSERT_EQUAL(s->node_affinity.preferred[0].weight, 20);
    CU_ASSERT_EQUAL(s->node_affinity.preferred[0].term.match_expressions[0].op,
                    KS_OP_GT);
    CU_ASSERT_EQUAL_FATAL(s->pod_anti_affinity.nrequired, 1);
    const ks_pod_affinity_term *t = &s->pod_anti_affinity.required[0];
    CU_ASSERT(t->has_label_selector);
    CU_ASSERT_STRING_EQUAL(
        ks_labels_get(&t->label_selector.match_labels, "app"), "web");
    CU_ASSERT(t->has_namespace_selector); /* {}: every namespace */
    CU_ASSERT_STRING_EQUAL(t->topology_key, "kubernetes.io/hostname");
    CU_ASSERT_EQUAL(t->nmatch_label_keys, 1);
    CU_ASSERT_EQUAL_FATAL(s->pod_affinity.npreferred, 1);
    t = &s->pod_affinity.preferred[0].term;
    CU_ASSERT_EQUAL(s->pod_affinity.preferred[0].weight, 100);
    CU_ASSERT_FALSE(t->has_label_selector);
    CU_ASSERT_EQUAL(t->nnamespaces, 2);
    CU_ASSERT_STRING_EQUAL(t->mismatch_label_keys[0], "tenant");
    CU_ASSERT_EQUAL_FATAL(s->nspread, 2);
    CU_ASSERT_EQUAL(s->spread[0].max_skew, 2);
    CU_ASSERT_EQUAL(s->spread[0].when_unsatisfiable, KS_SCHEDULE_ANYWAY);
    CU_ASSERT_EQUAL(s->spread[0].min_domains, 0);
    CU_ASSERT_EQUAL(s->spread[0].node_affinity_policy, KS_POLICY_HONOR);
    CU_ASSERT_EQUAL(s->spread[0].node_taints_policy, KS_POLICY_IGNORE);
    CU_ASSERT_EQUAL(s->spread[0].label_selector.match_expressions[0].op,
                    KS_OP_EXISTS);
    CU_ASSERT_EQUAL(s->spread[1].min_domains, 3);
    CU_ASSERT_EQUAL(s->spread[1].node_affinity_policy, KS_POLICY_IGNORE);
    CU_ASSERT_EQUAL(s->spread[1].node_taints_policy, KS_POLICY_HONOR);
    CU_ASSERT_FALSE(s->spread[1].has_label_selector);
    CU_ASSERT_STRING_EQUAL(s->images[0], "nginx:1.25");
    ks_manifests_free(&m);
}

/* Taints, unschedulable, allocatable falling back to capacity
 * (SetDefaults_NodeStatus). */
static void test_node_fields(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(load(&m,
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {zone: a}}\n"
        "spec:\n"
        "  unschedulable: true\n"
        "  taints:\n"
        "  - {key: dedicated, value: gpu, effect: NoSchedule}\n"
        "  - {key: soft, effect: PreferNoSchedule, timeAdded: null}\n"
        "status:\n"
        "  capacity: {cpu: \"4\", memory: 8Gi, nvidia.com/gpu: \"2\"}\n"
        "  images: [{names: [busybox], sizeBytes: 1000}]\n"), 0);
    CU_ASSERT_EQUAL_FATAL(m.nnodes, 1);
    const ks_manifest_node *n = &m.nodes[0];
    CU_ASSERT(n->info.unschedulable);
    CU_ASSERT_EQUAL_FATAL(n->info.ntaints, 2);
    CU_ASSERT_STRING_EQUAL(n->info.taints[0].value, "gpu");
    CU_ASSERT_EQUAL(n->info.taints[0].effect, KS_EFFECT_NO_SCHEDULE);
    CU_ASSERT_PTR_NULL(n->info.taints[1].value);
    CU_ASSERT_EQUAL(n->info.taints[1].effect, KS_EFFECT_PREFER_NO_SCHEDULE);
    CU_ASSERT_EQUAL(alloc(n, "cpu"), 4000);
    CU_ASSERT_EQUAL(alloc(n, "memory"), 8LL << 30);
    CU_ASSERT_EQUAL(alloc(n, "nvidia.com/gpu"), 2);
    CU_ASSERT_EQUAL(n->info.images[0].size_bytes, 1000);
    ks_manifests_free(&m);
}

/* Workload replicas as apps/v1 and batch/v1 default them. */
static void test_workload_defaults(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, "
                 "namespace: x}\n"
                 "spec:\n"
                 "  template:\n"
                 "    metadata: {labels: {app: d}}\n"
                 "    spec: {containers: [{name: c, resources: {limits: "
                 "{memory: 1Gi}}}]}\n"
                 "---\n"
                 "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
                 "spec: {template: {spec: {containers: [{name: c}]}}}\n"
                 "---\n"
                 "apiVersion: batch/v1\nkind: Job\nmetadata: {name: q}\n"
                 "spec: {parallelism: 3, template: {spec: {containers: [{name: "
                 "c}]}}}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\n"
                 "spec: {template: {spec: {containers: [{name: c}]}}}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
                 "spec: {replicas: 0, template: {spec: {containers: [{name: "
                 "c}]}}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.ntemplates, 5);
    const ks_manifest_template *t = find_template(&m, "Deployment", "d");
    CU_ASSERT_EQUAL(t->replicas, 1);
    CU_ASSERT_EQUAL(t->line, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->pod.spec->labels, "app"), "d");
    CU_ASSERT_STRING_EQUAL(t->pod.spec->namespace_name, "x");
    CU_ASSERT_EQUAL(req(&t->pod, "memory"), 1LL << 30); /* from the limit */
    t = find_template(&m, "Job", "j");
    CU_ASSERT_EQUAL(t->replicas, 1);
    CU_ASSERT_EQUAL(t->completions, 1);
    t = find_template(&m, "Job", "q");
    CU_ASSERT_EQUAL(t->replicas, 3);
    CU_ASSERT_EQUAL(t->completions, -1);
    CU_ASSERT_EQUAL(find_template(&m, "DaemonSet", "ds")->replicas, -1);
    CU_ASSERT_EQUAL(find_template(&m, "StatefulSet", "s")->replicas, 0);
    ks_manifests_free(&m);
}

/* PodDisruptionBudget: selector and IntOrString. */
static void test_pdb(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             "apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
             "metadata: {name: a, namespace: web}\n"
             "spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}\n"
             "---\n"
             "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: "
             "{name: b}\n"
             "spec: {maxUnavailable: 25%}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.npdbs, 2);
    CU_ASSERT_STRING_EQUAL(m.pdbs[0].namespace_name, "web");
    CU_ASSERT(m.pdbs[0].has_selector);
    CU_ASSERT(m.pdbs[0].min_available.set);
    CU_ASSERT_FALSE(m.pdbs[0].min_available.is_percent);
    CU_ASSERT_EQUAL(m.pdbs[0].min_available.value, 2);
    CU_ASSERT_FALSE(m.pdbs[0].max_unavailable.set);
    CU_ASSERT_FALSE(m.pdbs[1].has_selector); /* selects no pod */
    CU_ASSERT(m.pdbs[1].max_unavailable.is_percent);
    CU_ASSERT_EQUAL(m.pdbs[1].max_unavailable.value, 25);
    ks_manifests_free(&m);
}

/* YAML 1.1 scalars in string fields: booleans and integers become the
 * strings Kubernetes stores. */
static void test_yaml11_strings(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(load(&m, "apiVersion: v1\nkind: Pod\n"
                                   "metadata: {name: p, labels: {gpu: on, "
                                   "count: 42, off: no, empty: null}}\n"
                                   "spec: {containers: [{name: c}]}\n"),
                          0);
    const ks_labels *l = &m.pods[0].spec->labels;
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "gpu"), "true");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "count"), "42");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "off"), "false");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "empty"), "");
    ks_manifests_free(&m);
}

/* Several documents (empty ones dropped), a typed PodList whose items
 * leave out apiVersion and kind, and objects appended across loads. */
static void test_streams_and_lists(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "---\n"
                 "# only a comment\n"
                 "---\n"
                 "apiVersion: v1\nkind: PodList\nitems:\n"
                 "- metadata: {name: a}\n  spec: {containers: [{name: c}]}\n"
                 "- metadata: {name: b, namespace: x}\n  spec: {containers: "
                 "[{name: c}]}\n"
                 "---\n"
                 "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: "
                 "\"\"}\nitems: []\n"
                 "---\n"),
        0);
    CU_ASSERT_EQUAL(m.npods, 2);
    CU_ASSERT_EQUAL(m.pods[0].line, 7);
    CU_ASSERT_EQUAL(m.pods[0].col, 3);
    CU_ASSERT_EQUAL(load(&m, POD_HEAD "  containers: [{name: c}]\n"), 0);
    CU_ASSERT_EQUAL(m.npods, 3);
    CU_ASSERT_EQUAL(m.nfiles, 2);
    CU_ASSERT_PTR_NULL(m.pods[2].spec->namespace_name);
    ks_manifests_free(&m);
}

/* kubectl get -o json: JSON is YAML, so it loads the same way. */
static void test_json_input(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
                 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
                 "  \"metadata\": {\"name\": \"j\", \"labels\": {\"tier\": "
                 "\"1\"}},\n"
                 "  \"spec\": {\"nodeName\": \"\", \"priority\": 10,\n"
                 "   \"containers\": [{\"name\": \"c\", \"image\": \"redis\",\n"
                 "     \"resources\": {\"requests\": {\"cpu\": \"250m\", "
                 "\"memory\": 64}}}]}}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.npods, 1);
    const ks_manifest_pod *p = &m.pods[0];
    CU_ASSERT_EQUAL(p->line, 2);
    CU_ASSERT_EQUAL(req(p, "cpu"), 250);
    CU_ASSERT_EQUAL(req(p, "memory"), 64);
    CU_ASSERT_EQUAL(p->priority, 10);
    CU_ASSERT_PTR_NULL(p->node_name); /* "" is unset */
    CU_ASSERT_PTR_NULL(p->spec->node_name);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&p->spec->labels, "tier"), "1");
    CU_ASSERT_STRING_EQUAL(p->spec->images[0], "redis:latest");
    ks_manifests_free(&m);
}

/* The stream parser keeps documents in order; ks_yt_parse still takes
 * exactly one. */
static void test_yaml_stream(void)
{
    const char *text = "a: 1\n---\n---\nb: 2\n...\n";
    ks_yt_node **docs = NULL, *root = NULL;
    size_t n = 0;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse_stream(text, strlen(text), "s", &docs,
                                             &n, &err),
                          0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_PTR_NOT_NULL(ks_yt_get(docs[0], "a"));
    CU_ASSERT_EQUAL(ks_yt_get(docs[1], "b")->line, 4);
    ks_yt_free_stream(docs, n);
    CU_ASSERT_EQUAL(ks_yt_parse(text, strlen(text), "s", &root, &err),
                    KS_EPARSE);
    CU_ASSERT_PTR_NULL(root);
    CU_ASSERT_EQUAL(err.line, 2);
    CU_ASSERT_EQUAL(ks_yt_parse_stream("a: [", 4, "s", &docs, &n, &err),
                    KS_EPARSE);
    CU_ASSERT_PTR_NULL(docs);
}

/* ---- priorities
 * --------------------------------------------------------------- */

/* Admission: the class value; the globalDefault class (and its name) for a
 * pod without one, with its preemptionPolicy; 0 otherwise. */
static void test_priorities(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
                 "metadata: {name: high}\nvalue: 1000\n"
                 "---\n"
                 "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
                 "metadata: {name: batch}\nvalue: -5\nglobalDefault: true\n"
                 "preemptionPolicy: Never\ndescription: default\n"
                 "---\n"
                 "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
                 "spec: {priorityClassName: high, containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n"
                 "spec: {containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\n"
                 "spec: {priorityClassName: system-node-critical, containers: "
                 "[{name: c}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL(m.npriority_classes, 2);
    CU_ASSERT(m.priority_classes[1].global_default);
    CU_ASSERT(m.priority_classes[1].preemption_never);
    const ks_manifest_pod *p = find_pod(&m, "a");
    CU_ASSERT_EQUAL(p->priority, 1000);
    CU_ASSERT_EQUAL(p->spec->priority, 1000);
    CU_ASSERT_FALSE(p->spec->preemption_never);
    p = find_pod(&m, "b");
    CU_ASSERT_EQUAL(p->priority, -5);
    CU_ASSERT_STRING_EQUAL(p->priority_class_name, "batch");
    CU_ASSERT(p->spec->preemption_never);
    CU_ASSERT_EQUAL(find_pod(&m, "c")->priority, 2000001000);
    /* Resolving again changes nothing. */
    CU_ASSERT_EQUAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL(find_pod(&m, "b")->priority, -5);
    ks_manifests_free(&m);

    /* No default class: priority 0. */
    ks_manifests m2 = {0};
    ks_manifest_pod *q = one_pod(&m2, "  containers: [{name: c}]\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->priority, 0);
    CU_ASSERT(q->has_priority);
    ks_manifests_free(&m2);
}

/* An admitted pod (it carries spec.priority) whose class is not loaded
 * keeps its value, with one warning per class. */
static void test_priority_admitted_pod(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             POD_HEAD "  priorityClassName: gold\n  priority: 77\n"
                      "  containers: [{name: c}]\n"
                      "---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\n"
                      "spec: {priorityClassName: gold, priority: 77, "
                      "containers: [{name: c}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL(m.pods[0].priority, 77);
    CU_ASSERT_EQUAL(m.pods[1].spec->priority, 77);
    CU_ASSERT(has_warning(&m, "PriorityClass gold not loaded: its pods keep "
                              "their spec.priority") == 1);
    ks_manifests_free(&m);
}


/* ---- Services and workload selectors ------------------------------------ */

static const ks_manifest_service *find_service(const ks_manifests *m,
                                               const char *name)
{
    for (size_t i = 0; i < m->nservices; i++)
        if (!strcmp(m->services[i].name, name))
            return &m->services[i];
    return NULL;
}

/* v1 Service: spec.selector read (null and absent select nothing, {}
 * every pod), the other spec fields warn, status is silent. */
static void test_services(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: v1\nkind: Service\n"
                 "metadata: {name: web, namespace: shop, labels: {a: b}}\n"
                 "spec:\n  type: ClusterIP\n  clusterIP: 10.0.0.1\n"
                 "  ports: [{port: 80}]\n  selector: {app: web, tier: fe}\n"
                 "status: {loadBalancer: {}}\n"
                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\n"
                 "spec: {type: ExternalName, externalName: example.com}\n"
                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: nul}\n"
                 "spec: {selector: null}\n"
                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: all}\n"
                 "spec: {selector: {}}\n"
                 "---\napiVersion: v1\nkind: Service\n"
                 "metadata: {name: bare}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.nservices, 5);
    const ks_manifest_service *s = find_service(&m, "web");
    CU_ASSERT_STRING_EQUAL(s->namespace_name, "shop");
    CU_ASSERT(s->has_selector);
    CU_ASSERT_EQUAL(s->selector.n, 2);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&s->selector, "tier"), "fe");
    CU_ASSERT_EQUAL(s->line, 1);
    CU_ASSERT_PTR_NULL(find_service(&m, "ext")->namespace_name);
    CU_ASSERT_FALSE(find_service(&m, "ext")->has_selector);
    CU_ASSERT_FALSE(find_service(&m, "nul")->has_selector);
    CU_ASSERT(find_service(&m, "all")->has_selector);
    CU_ASSERT_EQUAL(find_service(&m, "all")->selector.n, 0);
    CU_ASSERT_FALSE(find_service(&m, "bare")->has_selector);
    CU_ASSERT(has_warning(&m, "Service spec.type (not modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Service spec.ports (not modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Service spec.externalName (not modelled)") ==
              1);
    CU_ASSERT_EQUAL(m.nwarnings, 4); /* type, clusterIP, ports, externalName */
    ks_manifests_free(&m);
    EXPECT_ERROR("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                 "spec: {selectr: {a: b}}\n",
                 KS_EPARSE, 4, 8,
                 "ServiceSpec has no field \"selectr\" (did you mean "
                 "\"selector\"?)");
    EXPECT_ERROR("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
                 KS_EEXIST, 5, 1, "duplicate Service default/s");
    EXPECT_ERROR("apiVersion: v2\nkind: Service\nmetadata: {name: s}\n",
                 KS_EINVAL, 1, 13, "unsupported apiVersion \"v2\"");
}

/* Workload selectors: read for the apps kinds, defaulted from the template
 * for a ReplicationController; a Deployment's template gets the
 * pod-template-hash of its ReplicaSet. */
static void test_workload_selectors(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             "apiVersion: apps/v1\nkind: Deployment\n"
             "metadata: {name: web, namespace: shop}\n"
             "spec:\n  selector: {matchLabels: {app: web}}\n"
             "  template:\n    metadata: {labels: {app: web}}\n"
             "    spec: {containers: [{name: c}]}\n"
             "---\napiVersion: apps/v1\nkind: StatefulSet\n"
             "metadata: {name: db}\n"
             "spec:\n  selector:\n    matchExpressions:\n"
             "    - {key: app, operator: In, values: [db, cache]}\n"
             "  template:\n    metadata: {labels: {app: db}}\n"
             "    spec: {containers: [{name: c}]}\n"
             "---\napiVersion: v1\nkind: ReplicationController\n"
             "metadata: {name: rc}\n"
             "spec:\n  replicas: 2\n"
             "  template:\n    metadata: {labels: {app: old, v: \"1\"}}\n"
             "    spec: {containers: [{name: c}]}\n"
             "---\napiVersion: v1\nkind: ReplicationController\n"
             "metadata: {name: rc2}\n"
             "spec:\n  selector: {app: old}\n"
             "  template:\n    metadata: {labels: {app: old, v: \"2\"}}\n"
             "    spec: {containers: [{name: c}]}\n"),
        0);
    const ks_manifest_template *t = find_template(&m, "Deployment", "web");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT(t->has_selector);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->selector.match_labels, "app"),
                           "web");
    CU_ASSERT_EQUAL(t->selector.match_labels.n, 1);
    /* The hash: decimal digits of a 32-bit FNV-1a mapped to SafeEncode's
     * alphabet, stable, and on the template's labels. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->pod_template_hash);
    size_t len = strlen(t->pod_template_hash);
    CU_ASSERT(len >= 1 && len <= 10);
    CU_ASSERT_EQUAL(strspn(t->pod_template_hash, "456789bcdf"), len);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->pod.spec->labels,
                                         "pod-template-hash"),
                           t->pod_template_hash);
    t = find_template(&m, "StatefulSet", "db");
    CU_ASSERT(t->has_selector);
    CU_ASSERT_EQUAL_FATAL(t->selector.nexpressions, 1);
    CU_ASSERT_EQUAL(t->selector.match_expressions[0].nvalues, 2);
    CU_ASSERT_PTR_NULL(t->pod_template_hash);
    CU_ASSERT_PTR_NULL(ks_labels_get(&t->pod.spec->labels,
                                     "pod-template-hash"));
    /* SetDefaults_ReplicationController: the template's labels. */
    t = find_template(&m, "ReplicationController", "rc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->replicas, 2);
    CU_ASSERT(t->has_selector);
    CU_ASSERT_EQUAL(t->selector.match_labels.n, 2);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->selector.match_labels, "v"),
                           "1");
    t = find_template(&m, "ReplicationController", "rc2");
    CU_ASSERT_EQUAL(t->selector.match_labels.n, 1);
    ks_manifests_free(&m);

    /* The same Deployment in two loads gets the same hash; another name
     * another one. */
    const char *dep = "apiVersion: apps/v1\nkind: Deployment\n"
                      "metadata: {name: web, namespace: shop}\n"
                      "spec: {template: {spec: {containers: [{name: c}]}}}\n";
    ks_manifests a = {0}, b = {0};
    CU_ASSERT_EQUAL_FATAL(load(&a, dep), 0);
    CU_ASSERT_EQUAL_FATAL(
        load(&b, "apiVersion: apps/v1\nkind: Deployment\n"
                 "metadata: {name: api, namespace: shop}\n"
                 "spec: {template: {spec: {containers: [{name: c}]}}}\n"),
        0);
    CU_ASSERT_FALSE(a.templates[0].has_selector); /* lenient: none given */
    CU_ASSERT_STRING_NOT_EQUAL(a.templates[0].pod_template_hash,
                               b.templates[0].pod_template_hash);
    ks_manifests_free(&b);
    CU_ASSERT_EQUAL_FATAL(load(&b, dep), 0);
    CU_ASSERT_STRING_EQUAL(a.templates[0].pod_template_hash,
                           b.templates[0].pod_template_hash);
    ks_manifests_free(&a);
    ks_manifests_free(&b);
}

/* What apps and core validation refuse in a workload selector. */
static void test_error_selectors(void)
{
    EXPECT_ERROR("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  selector: {matchLabels: {app: x}}\n"
                 "  template:\n    metadata: {labels: {app: y}}\n"
                 "    spec: {containers: [{name: c}]}\n",
                 KS_EINVAL, 7, 24,
                 "selector does not match template `labels`");
    EXPECT_ERROR("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                 "spec:\n  selector: {matchLabels: {app: x}}\n"
                 "  template: {spec: {containers: [{name: c}]}}\n",
                 KS_EINVAL, 6, 13,
                 "selector does not match template `labels`");
    EXPECT_ERROR("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\n"
                 "spec:\n  selector: {}\n"
                 "  template: {spec: {containers: [{name: c}]}}\n",
                 KS_EINVAL, 5, 13, "empty selector is invalid for daemonset");
    /* apps validation words it so for a ReplicaSet too. */
    EXPECT_ERROR("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                 "spec:\n  selector: {matchLabels: {}}\n"
                 "  template: {spec: {containers: [{name: c}]}}\n",
                 KS_EINVAL, 5, 13, "empty selector is invalid for deployment");
    EXPECT_ERROR("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
                 "spec:\n  selector: {matchExpressions: [{key: a, operator: "
                 "In}]}\n"
                 "  template: {spec: {containers: [{name: c}]}}\n",
                 KS_EINVAL, 5, 13, "invalid label selector");
    EXPECT_ERROR("apiVersion: v1\nkind: ReplicationController\n"
                 "metadata: {name: r}\n"
                 "spec: {template: {spec: {containers: [{name: c}]}}}\n",
                 KS_EINVAL, 4, 7, "empty selector is invalid for "
                                  "replicationcontroller");
    EXPECT_ERROR("apiVersion: v1\nkind: ReplicationController\n"
                 "metadata: {name: r}\n"
                 "spec:\n  selector: {app: a}\n"
                 "  template:\n    metadata: {labels: {app: b}}\n"
                 "    spec: {containers: [{name: c}]}\n",
                 KS_EINVAL, 7, 24,
                 "selector does not match template `labels`");
}

/* The controller ownerReference: apiVersion, kind and name of the first
 * one with controller: true; hostNetwork kept for DaemonSet tolerations. */
static void test_owner_reference(void)
{
    ks_manifests m = {0};
    ks_manifest_pod *p = NULL;
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
                 "  ownerReferences:\n"
                 "  - {apiVersion: v1, kind: Node, name: n}\n"
                 "  - {apiVersion: apps/v1, kind: ReplicaSet, name: rs,"
                 " controller: true, uid: u}\n"
                 "  - {apiVersion: apps/v1, kind: StatefulSet, name: ss,"
                 " controller: true}\n"
                 "spec: {hostNetwork: true, containers: [{name: c}]}\n"),
        0);
    p = &m.pods[0];
    CU_ASSERT_STRING_EQUAL(p->owner_api_version, "apps/v1");
    CU_ASSERT_STRING_EQUAL(p->owner_kind, "ReplicaSet");
    CU_ASSERT_STRING_EQUAL(p->owner_name, "rs");
    CU_ASSERT(p->host_network);
    ks_manifests_free(&m);
}

/* A PodTemplateSpec inside another document (a scenario generator's
 * template): same readers, errors at FILE:LINE:COL with the path from the
 * document root, metadata.namespace honoured, warnings collected. */
static void test_pod_template_in_tree(void)
{
    const char *doc =
        "gen:\n"
        "  template:\n"
        "    requests: {cpu: 1}\n"
        "    metadata: {namespace: batch, labels: {app: x}}\n"
        "    spec:\n"
        "      priorityClassName: high\n"
        "      tolerations: [{key: gpu, operator: Exists}]\n"
        "      volumes: [{name: v}]\n"
        "      containers:\n"
        "      - {name: c, resources: {requests: {cpu: 500m, memory: 1Gi}}}\n";
    ks_yt_node *root = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(doc, strlen(doc), "s.yaml", &root, &err),
                          0);
    const ks_yt_node *tmpl = ks_yt_get(ks_yt_get(root, "gen"), "template");
    ks_manifests warn = {0};
    ks_manifest_pod pod = {0};
    CU_ASSERT_EQUAL(ks_manifests_read_pod_template(tmpl, "s.yaml",
                                                   "generator template",
                                                   &warn, &pod, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pod.spec);
    CU_ASSERT_STRING_EQUAL(pod.spec->namespace_name, "batch");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&pod.spec->labels, "app"), "x");
    CU_ASSERT_EQUAL(pod.spec->ntolerations, 1);
    CU_ASSERT_STRING_EQUAL(pod.priority_class_name, "high");
    CU_ASSERT_EQUAL(req(&pod, "cpu"), 500);
    CU_ASSERT_EQUAL(req(&pod, "memory"), 1LL << 30);
    CU_ASSERT_STRING_EQUAL(pod.file, "s.yaml");
    CU_ASSERT_EQUAL(pod.line, 3);
    CU_ASSERT(has_warning(&warn, "generator template spec.volumes (not "
                                 "modelled)") == 1);
    /* Admission against a set without the class fails like a pod's. */
    CU_ASSERT_EQUAL(ks_manifests_admit(NULL, &pod, "generator g", &err),
                    KS_ENOENT);
    CU_ASSERT(strstr(err.msg, "generator g: no PriorityClass with name high")
              != NULL);
    ks_manifest_pod_free(&pod);
    ks_manifests_free(&warn);
    ks_yt_free(root);

    /* An error deep in the spec points at its line and column, with the
     * path from the root. */
    const char *bad = "gen:\n"
                      "  template:\n"
                      "    spec:\n"
                      "      tolerations: [{key: a, effect: Never}]\n"
                      "      containers: [{name: c}]\n";
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(bad, strlen(bad), "b.yaml", &root, &err),
                          0);
    tmpl = ks_yt_get(ks_yt_get(root, "gen"), "template");
    CU_ASSERT_EQUAL(ks_manifests_read_pod_template(tmpl, "b.yaml", "t", NULL,
                                                   &pod, &err),
                    KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.file, "b.yaml");
    CU_ASSERT_EQUAL(err.line, 4);
    CU_ASSERT_EQUAL(err.col, 38);
    CU_ASSERT(strstr(err.msg, "gen.template.spec.tolerations[0].effect") !=
              NULL);
    ks_manifest_pod_free(&pod);
    ks_yt_free(root);

    /* No spec: a pod needs its containers. */
    const char *nospec = "t: {metadata: {labels: {a: b}}}\n";
    CU_ASSERT_EQUAL_FATAL(
        ks_yt_parse(nospec, strlen(nospec), "n.yaml", &root, &err), 0);
    CU_ASSERT_EQUAL(ks_manifests_read_pod_template(ks_yt_get(root, "t"),
                                                   "n.yaml", "t", NULL, &pod,
                                                   &err),
                    KS_EPARSE);
    CU_ASSERT(strstr(err.msg, "missing required key \"spec\"") != NULL);
    ks_manifest_pod_free(&pod);
    ks_yt_free(root);
}

/* ---- control-plane fields ------------------------------------------------ */

/* The fields a control-plane run reads, with the apps/v1, batch/v1 and
 * core/v1 defaults when absent. */
static void test_control_plane_defaults(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  selector: {matchLabels: {app: d}}\n"
                 "  template:\n    metadata: {labels: {app: d}}\n"
                 "    spec: {containers: [{name: c}, {name: s, image: "
                 "side}]}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                 "spec: {template: {spec: {containers: [{name: c, image: "
                 "\"\"}]}}}\n"
                 "---\n"
                 "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
                 "spec: {template: {spec: {restartPolicy: Never, containers: "
                 "[{name: c, image: busybox}]}}}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
                 "spec: {template: {spec: {restartPolicy: Always, "
                 "containers: [{name: c}]}}}\n"
                 "---\n" POD_HEAD "  containers: [{name: c, image: nginx}]\n"),
        0);
    const ks_manifest_template *t = find_template(&m, "Deployment", "d");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->min_ready_seconds, 0);
    CU_ASSERT_EQUAL(t->paused, 0);
    CU_ASSERT_EQUAL(t->progress_deadline_seconds, 600);
    CU_ASSERT_EQUAL(t->revision_history_limit, 10);
    CU_ASSERT_EQUAL(t->strategy, KS_MANIFEST_ROLLING_UPDATE);
    CU_ASSERT(t->max_surge.set && t->max_surge.is_percent &&
              t->max_surge.value == 25);
    CU_ASSERT(t->max_unavailable.set && t->max_unavailable.is_percent &&
              t->max_unavailable.value == 25);
    CU_ASSERT_EQUAL(t->backoff_limit, 0);
    CU_ASSERT_EQUAL(t->active_deadline_seconds, -1);
    /* The first regular container's image; the restart policy's default. */
    CU_ASSERT_PTR_NULL(t->pod.image);
    CU_ASSERT_EQUAL(t->pod.restart_policy, KS_MANIFEST_RESTART_ALWAYS);
    CU_ASSERT_EQUAL(t->pod.has_restart_policy, 0);
    CU_ASSERT(!t->pod.has_run_time && !t->pod.has_image_size &&
              !t->pod.has_crash_after);
    t = find_template(&m, "ReplicaSet", "r");
    CU_ASSERT_EQUAL(t->min_ready_seconds, 0);
    CU_ASSERT_EQUAL(t->progress_deadline_seconds, 0); /* Deployment only */
    CU_ASSERT_EQUAL(t->max_surge.set, 0);
    CU_ASSERT_PTR_NULL(t->pod.image); /* "" names none */
    t = find_template(&m, "Job", "j");
    CU_ASSERT_EQUAL(t->backoff_limit, 6);
    CU_ASSERT_EQUAL(t->active_deadline_seconds, -1);
    CU_ASSERT_EQUAL(t->pod.restart_policy, KS_MANIFEST_RESTART_NEVER);
    CU_ASSERT_EQUAL(t->pod.has_restart_policy, 1);
    CU_ASSERT_STRING_EQUAL(t->pod.image, "busybox");
    t = find_template(&m, "StatefulSet", "s");
    CU_ASSERT_EQUAL(t->pod.restart_policy, KS_MANIFEST_RESTART_ALWAYS);
    CU_ASSERT_EQUAL(t->pod.has_restart_policy, 1);
    const ks_manifest_pod *p = find_pod(&m, "p");
    CU_ASSERT_STRING_EQUAL(p->image, "nginx");
    CU_ASSERT_EQUAL(p->restart_policy, KS_MANIFEST_RESTART_ALWAYS);
    ks_manifests_free(&m);
}

static void test_control_plane_fields(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n"
                 "  minReadySeconds: 10\n"
                 "  paused: true\n"
                 "  progressDeadlineSeconds: 11\n"
                 "  revisionHistoryLimit: 0\n"
                 "  strategy:\n"
                 "    type: RollingUpdate\n"
                 "    rollingUpdate: {maxSurge: \"150%\", maxUnavailable: 0}\n"
                 "  selector: {matchLabels: {app: d}}\n"
                 "  template:\n    metadata: {labels: {app: d}}\n"
                 "    spec: {containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: e}\n"
                 "spec:\n"
                 "  strategy: {rollingUpdate: {maxUnavailable: 3}}\n"
                 "  template: {spec: {containers: [{name: c}]}}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: r}\n"
                 "spec:\n"
                 "  strategy: {type: Recreate, rollingUpdate: null}\n"
                 "  template: {spec: {containers: [{name: c}]}}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\n"
                 "spec: {minReadySeconds: 30, template: {spec: {containers: "
                 "[{name: c}]}}}\n"
                 "---\n"
                 "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
                 "spec:\n  backoffLimit: 0\n  activeDeadlineSeconds: 600\n"
                 "  template: {spec: {restartPolicy: OnFailure, containers: "
                 "[{name: c}]}}\n"),
        0);
    const ks_manifest_template *t = find_template(&m, "Deployment", "d");
    CU_ASSERT_EQUAL(t->min_ready_seconds, 10);
    CU_ASSERT_EQUAL(t->paused, 1);
    CU_ASSERT_EQUAL(t->progress_deadline_seconds, 11);
    CU_ASSERT_EQUAL(t->revision_history_limit, 0);
    CU_ASSERT_EQUAL(t->strategy, KS_MANIFEST_ROLLING_UPDATE);
    /* maxSurge may exceed 100% (only maxUnavailable is bounded). */
    CU_ASSERT(t->max_surge.is_percent && t->max_surge.value == 150);
    CU_ASSERT(t->max_unavailable.set && !t->max_unavailable.is_percent &&
              t->max_unavailable.value == 0);
    t = find_template(&m, "Deployment", "e");
    CU_ASSERT(t->max_surge.is_percent && t->max_surge.value == 25);
    CU_ASSERT(!t->max_unavailable.is_percent &&
              t->max_unavailable.value == 3);
    t = find_template(&m, "Deployment", "r");
    CU_ASSERT_EQUAL(t->strategy, KS_MANIFEST_RECREATE);
    CU_ASSERT_EQUAL(t->max_surge.set, 0);
    CU_ASSERT_EQUAL(t->max_unavailable.set, 0);
    CU_ASSERT_EQUAL(find_template(&m, "ReplicaSet", "rs")->min_ready_seconds,
                    30);
    t = find_template(&m, "Job", "j");
    CU_ASSERT_EQUAL(t->backoff_limit, 0);
    CU_ASSERT_EQUAL(t->active_deadline_seconds, 600);
    CU_ASSERT_EQUAL(t->pod.restart_policy, KS_MANIFEST_RESTART_ON_FAILURE);
    /* Read now, so no longer listed as not modelled. */
    CU_ASSERT(has_warning(&m, "Deployment spec.strategy (not modelled)") == 0);
    CU_ASSERT(has_warning(&m, "Deployment spec.minReadySeconds (not "
                              "modelled)") == 0);
    CU_ASSERT(has_warning(&m, "Job spec.backoffLimit (not modelled)") == 0);
    CU_ASSERT(has_warning(&m, "Job spec.template.spec.restartPolicy (not "
                              "modelled)") == 0);
    ks_manifests_free(&m);
}

/* ksim.io/ annotations of pods and templates; other annotations warn. */
static void test_ksim_annotations(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  template:\n    metadata:\n      annotations:\n"
                 "        ksim.io/run-time: 1h30m\n"
                 "        ksim.io/image-size: 1.5Gi\n"
                 "        ksim.io/crash-after: 250ms\n"
                 "    spec: {containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: v1\nkind: Pod\n"
                 "metadata:\n  name: p\n  annotations:\n"
                 "    ksim.io/run-time: \"0\"\n"
                 "    ksim.io/image-size: 1000\n"
                 "    kubectl.kubernetes.io/last-applied-configuration: x\n"
                 "spec: {containers: [{name: c}]}\n"),
        0);
    const ks_manifest_template *t = find_template(&m, "Deployment", "d");
    CU_ASSERT(t->pod.has_run_time && t->pod.run_time_ns == 5400000000000LL);
    CU_ASSERT(t->pod.has_image_size &&
              t->pod.image_size == 3LL * (1LL << 29));
    CU_ASSERT(t->pod.has_crash_after && t->pod.crash_after_ns == 250000000LL);
    const ks_manifest_pod *p = find_pod(&m, "p");
    CU_ASSERT(p->has_run_time && p->run_time_ns == 0);
    CU_ASSERT(p->has_image_size && p->image_size == 1000);
    CU_ASSERT(!p->has_crash_after);
    /* Only ksim.io/ keys in the template: nothing to warn about; the pod
     * has another annotation. */
    CU_ASSERT(has_warning(&m, "Deployment spec.template.metadata.annotations "
                              "(not modelled)") == 0);
    CU_ASSERT(has_warning(&m, "Pod metadata.annotations (not modelled)") == 1);
    ks_manifests_free(&m);

    /* A generator's template reads them too. */
    const char *doc = "t:\n  metadata:\n    annotations: {ksim.io/run-time: "
                      "2m, team: a}\n  spec: {containers: [{name: c}]}\n";
    ks_yt_node *root = NULL;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_yt_parse(doc, strlen(doc), "g.yaml", &root, &err),
                          0);
    ks_manifests warn = {0};
    ks_manifest_pod pod = {0};
    CU_ASSERT_EQUAL(ks_manifests_read_pod_template(ks_yt_get(root, "t"),
                                                   "g.yaml", "generator",
                                                   &warn, &pod, &err),
                    0);
    CU_ASSERT(pod.has_run_time && pod.run_time_ns == 120000000000LL);
    CU_ASSERT(has_warning(&warn, "generator metadata.annotations (not "
                                 "modelled)") == 1);
    ks_manifest_pod_free(&pod);
    ks_manifests_free(&warn);
    ks_yt_free(root);
}

#define DEPLOY_HEAD                                                            \
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
#define DEPLOY_TEMPLATE "  template: {spec: {containers: [{name: c}]}}\n"
#define JOB_HEAD "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n"

static void test_error_control_plane(void)
{
    /* ValidateRollingUpdateDeployment */
    EXPECT_ERROR(DEPLOY_HEAD "  strategy:\n"
                             "    rollingUpdate: {maxSurge: 0, "
                             "maxUnavailable: \"0%\"}\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 6, 50, "may not be 0 when `maxSurge` is 0");
    EXPECT_ERROR(DEPLOY_HEAD "  strategy:\n"
                             "    rollingUpdate:\n"
                             "      maxUnavailable: 101%\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 7, 23,
                 "spec.strategy.rollingUpdate.maxUnavailable: must not be "
                 "greater than 100%");
    EXPECT_ERROR(DEPLOY_HEAD "  strategy: {rollingUpdate: {maxSurge: "
                             "\"2\"}}\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 5, 40,
                 "must be an integer or a percent string (digits followed "
                 "by %, e.g. '25%'), got \"2\"");
    EXPECT_ERROR(DEPLOY_HEAD "  strategy: {rollingUpdate: {maxSurge: "
                             "-1}}\n" DEPLOY_TEMPLATE,
                 KS_ERANGE, 5, 40, "must be between 0 and 2147483647");
    EXPECT_ERROR(DEPLOY_HEAD "  strategy: {rollingUpdate: {maxSurge: "
                             "99999999999%}}\n" DEPLOY_TEMPLATE,
                 KS_ERANGE, 5, 40, "is too large");
    /* ValidateDeploymentStrategy */
    EXPECT_ERROR(DEPLOY_HEAD "  strategy:\n    type: Recreate\n"
                             "    rollingUpdate: {}\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 7, 20,
                 "spec.strategy.rollingUpdate: may not be specified when "
                 "strategy `type` is 'Recreate'");
    EXPECT_ERROR(DEPLOY_HEAD "  strategy: {type: BlueGreen}\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 5, 20,
                 "unknown strategy type \"BlueGreen\" (expected one of: "
                 "RollingUpdate, Recreate)");
    EXPECT_ERROR(DEPLOY_HEAD "  strategy: {type: RollingUpdate, rollingUpdat: "
                             "{}}\n" DEPLOY_TEMPLATE,
                 KS_EPARSE, 5, 35,
                 "DeploymentStrategy has no field \"rollingUpdat\" (did you "
                 "mean \"rollingUpdate\"?)");
    /* ValidateDeploymentSpec */
    EXPECT_ERROR(DEPLOY_HEAD "  minReadySeconds: 30\n"
                             "  progressDeadlineSeconds: 30\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 6, 28,
                 "spec.progressDeadlineSeconds: must be greater than "
                 "minReadySeconds");
    EXPECT_ERROR(DEPLOY_HEAD "  minReadySeconds: 600\n" DEPLOY_TEMPLATE,
                 KS_EINVAL, 5, 20,
                 "spec.minReadySeconds: must be less than "
                 "progressDeadlineSeconds (600 when not given)");
    EXPECT_ERROR(DEPLOY_HEAD "  revisionHistoryLimit: -1\n" DEPLOY_TEMPLATE,
                 KS_ERANGE, 5, 25, "must be between 0 and 2147483647");
    EXPECT_ERROR(DEPLOY_HEAD "  paused: maybe\n" DEPLOY_TEMPLATE, KS_EPARSE, 5,
                 11, "expected true or false");
    EXPECT_ERROR("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                 "spec:\n  minReadySeconds: -5\n" DEPLOY_TEMPLATE,
                 KS_ERANGE, 5, 20, "must be between 0 and 2147483647");
    /* validateJobSpec */
    EXPECT_ERROR(JOB_HEAD "  backoffLimit: -1\n" DEPLOY_TEMPLATE, KS_ERANGE, 5,
                 17, "must be between 0 and 2147483647");
    EXPECT_ERROR(JOB_HEAD "  activeDeadlineSeconds: -1\n" DEPLOY_TEMPLATE,
                 KS_ERANGE, 5, 26, "must be between 0 and 9223372036");
    /* restartPolicy: Jobs OnFailure or Never, the others Always. */
    EXPECT_ERROR(JOB_HEAD "  template:\n    spec:\n"
                          "      restartPolicy: Always\n"
                          "      containers: [{name: c}]\n",
                 KS_EINVAL, 7, 22,
                 "spec.template.spec.restartPolicy: Unsupported value: "
                 "\"Always\": supported values: \"OnFailure\", \"Never\"");
    EXPECT_ERROR(JOB_HEAD "  template:\n    spec:\n"
                          "      restartPolicy: \"\"\n"
                          "      containers: [{name: c}]\n",
                 KS_EINVAL, 7, 22, "Unsupported value: \"Always\"");
    EXPECT_ERROR(DEPLOY_HEAD "  template:\n    spec:\n"
                             "      restartPolicy: Never\n"
                             "      containers: [{name: c}]\n",
                 KS_EINVAL, 7, 22,
                 "spec.template.spec.restartPolicy: Unsupported value: "
                 "\"Never\": supported values: \"Always\"");
    EXPECT_ERROR("apiVersion: v1\nkind: ReplicationController\n"
                 "metadata: {name: r}\n"
                 "spec: {template: {metadata: {labels: {a: b}}, spec: "
                 "{restartPolicy: OnFailure, containers: [{name: c}]}}}\n",
                 KS_EINVAL, 4, 69,
                 "Unsupported value: \"OnFailure\": supported values: "
                 "\"Always\"");
    EXPECT_ERROR(POD_HEAD "  restartPolicy: Sometimes\n"
                          "  containers: [{name: c}]\n",
                 KS_EINVAL, 5, 18,
                 "unknown restartPolicy \"Sometimes\" (expected one of: "
                 "Always, OnFailure, Never)");
}

#define ANNOTATED_POD(key, value)                                              \
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"      \
    "    " key ": " value "\nspec: {containers: [{name: c}]}\n"

static void test_error_ksim_annotations(void)
{
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/run-time", "5x"), KS_EPARSE, 6, 23,
                 "metadata.annotations[\"ksim.io/run-time\"]: invalid "
                 "duration \"5x\" (expected a Go duration such as \"90s\", "
                 "\"5m\" or \"1h30m\")");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/run-time", "-5s"), KS_ERANGE, 6, 23,
                 "must be 0 or more, got \"-5s\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/run-time", "\"\""), KS_EINVAL, 6, 23,
                 "needs a duration such as \"90s\" or \"5m\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/run-time", "3000000h"), KS_ERANGE, 6,
                 23, "duration \"3000000h\" is too long");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/crash-after", "0s"), KS_ERANGE, 6, 26,
                 "must be greater than 0, got \"0s\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/image-size", "lots"), KS_EPARSE, 6, 25,
                 "invalid quantity \"lots\" (expected bytes such as "
                 "\"300Mi\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/image-size", "\"-1Gi\""), KS_ERANGE, 6,
                 25, "must not be negative, got \"-1Gi\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/image-size", "{a: b}"), KS_EPARSE, 6,
                 25, "expected a string, got a mapping");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/runtime", "5m"), KS_EINVAL, 6, 5,
                 "unknown ksim annotation \"ksim.io/runtime\" (did you mean "
                 "\"ksim.io/run-time\"?); ksim reads ksim.io/run-time, "
                 "ksim.io/image-size, ksim.io/crash-after, "
                 "ksim.io/cpu-per-request, ksim.io/cpu-base, "
                 "ksim.io/unhealthy-after and ksim.io/ignores-sigterm");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/unhealthy-after", "0s"), KS_ERANGE, 6,
                 30, "must be greater than 0, got \"0s\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/unhealthy-after", "soon"), KS_EPARSE,
                 6, 30, "invalid duration \"soon\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/ignores-sigterm", "maybe"), KS_EINVAL,
                 6, 30,
                 "metadata.annotations[\"ksim.io/ignores-sigterm\"]: must "
                 "be \"true\" or \"false\", got \"maybe\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/ignores-sigterm", "\"\""), KS_EINVAL,
                 6, 30, "must be \"true\" or \"false\", got \"\"");
    EXPECT_ERROR(ANNOTATED_POD("ksim.io/ignores-sigtrem", "\"true\""),
                 KS_EINVAL, 6, 5,
                 "(did you mean \"ksim.io/ignores-sigterm\"?)");
    /* In a workload's template, at its place in the file. */
    EXPECT_ERROR(DEPLOY_HEAD "  template:\n    metadata:\n"
                             "      annotations: {ksim.io/crash-after: "
                             "soon}\n"
                             "    spec: {containers: [{name: c}]}\n",
                 KS_EPARSE, 7, 42,
                 "spec.template.metadata.annotations[\"ksim.io/crash-after\"]"
                 ": invalid duration \"soon\"");
    EXPECT_ERROR(DEPLOY_HEAD "  template:\n    metadata:\n"
                             "      annotations: [a]\n"
                             "    spec: {containers: [{name: c}]}\n",
                 KS_EPARSE, 7, 20, "expected a mapping");
}

/* ---- pod lifecycle fields ------------------------------------------------ */

/* terminationGracePeriodSeconds, the first container's probes (defaults
 * of SetDefaults_Probe, every handler kind), the two annotations, and
 * what still warns. */
static void test_pod_lifecycle_fields(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             POD_HEAD
             "  containers:\n"
             "  - name: c\n"
             "    readinessProbe:\n"
             "      httpGet: {path: /healthz, port: 8080, scheme: HTTPS,\n"
             "                httpHeaders: [{name: X-Probe, value: k}]}\n"
             "      initialDelaySeconds: 3\n"
             "      periodSeconds: 5\n"
             "      timeoutSeconds: 2\n"
             "      successThreshold: 2\n"
             "      failureThreshold: 4\n"
             "    livenessProbe:\n"
             "      tcpSocket: {port: http}\n"
             "      periodSeconds: 0\n"
             "      terminationGracePeriodSeconds: 7\n"
             "  - name: side\n"
             "    readinessProbe: {exec: {command: [true]}}\n"
             "  initContainers:\n"
             "  - name: sidecar\n"
             "    restartPolicy: Always\n"
             "    livenessProbe: {grpc: {port: 9000}}\n"
             "---\n"
             "apiVersion: v1\nkind: Pod\n"
             "metadata:\n  name: q\n  annotations:\n"
             "    ksim.io/unhealthy-after: 30s\n"
             "    ksim.io/ignores-sigterm: \"true\"\n"
             "spec:\n  terminationGracePeriodSeconds: 5\n"
             "  containers: [{name: c, livenessProbe: {grpc: {port: 1, "
             "service: s}}}]\n"
             "---\n"
             "apiVersion: v1\nkind: Pod\n"
             "metadata:\n  name: r\n  annotations:\n"
             "    ksim.io/ignores-sigterm: false\n"
             "spec:\n  terminationGracePeriodSeconds: 0\n"
             "  containers: [{name: c}]\n"),
        0);
    const ks_manifest_pod *p = find_pod(&m, "p");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    /* SetDefaults_PodSpec: 30 s when not given. */
    CU_ASSERT_EQUAL(p->termination_grace_s, 30);
    CU_ASSERT_EQUAL(p->has_termination_grace, 0);
    CU_ASSERT_EQUAL_FATAL(p->has_readiness_probe, 1);
    CU_ASSERT_EQUAL(p->readiness_probe.handler, KS_MANIFEST_PROBE_HTTP_GET);
    CU_ASSERT_EQUAL(p->readiness_probe.initial_delay_s, 3);
    CU_ASSERT_EQUAL(p->readiness_probe.period_s, 5);
    CU_ASSERT_EQUAL(p->readiness_probe.timeout_s, 2);
    CU_ASSERT_EQUAL(p->readiness_probe.success_threshold, 2);
    CU_ASSERT_EQUAL(p->readiness_probe.failure_threshold, 4);
    /* SetDefaults_Probe: absent and 0 take the defaults. */
    CU_ASSERT_EQUAL_FATAL(p->has_liveness_probe, 1);
    CU_ASSERT_EQUAL(p->liveness_probe.handler, KS_MANIFEST_PROBE_TCP_SOCKET);
    CU_ASSERT_EQUAL(p->liveness_probe.initial_delay_s, 0);
    CU_ASSERT_EQUAL(p->liveness_probe.period_s, 10);
    CU_ASSERT_EQUAL(p->liveness_probe.timeout_s, 1);
    CU_ASSERT_EQUAL(p->liveness_probe.success_threshold, 1);
    CU_ASSERT_EQUAL(p->liveness_probe.failure_threshold, 3);
    CU_ASSERT(!p->has_unhealthy_after && !p->ignores_sigterm);
    p = find_pod(&m, "q");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->termination_grace_s, 5);
    CU_ASSERT_EQUAL(p->has_termination_grace, 1);
    CU_ASSERT_EQUAL(p->has_readiness_probe, 0);
    CU_ASSERT_EQUAL(p->has_liveness_probe, 1);
    CU_ASSERT_EQUAL(p->liveness_probe.handler, KS_MANIFEST_PROBE_GRPC);
    CU_ASSERT(p->has_unhealthy_after &&
              p->unhealthy_after_ns == 30 * 1000000000LL);
    CU_ASSERT_EQUAL(p->ignores_sigterm, 1);
    p = find_pod(&m, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->termination_grace_s, 0);
    CU_ASSERT_EQUAL(p->has_termination_grace, 1);
    CU_ASSERT(!p->has_readiness_probe && !p->has_liveness_probe);
    CU_ASSERT_EQUAL(p->ignores_sigterm, 0); /* unquoted false */
    /* Read: no warning.  The handler, a probe's own grace period and the
     * probes of other containers (a sidecar's too) are not modelled. */
    CU_ASSERT(has_warning(&m, "Pod spec.terminationGracePeriodSeconds (not "
                              "modelled)") == 0);
    CU_ASSERT(has_warning(&m, "Pod metadata.annotations (not modelled)") ==
              0);
    CU_ASSERT(has_warning(&m, "Pod spec.containers[].readinessProbe.httpGet "
                              "(not modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Pod spec.containers[].livenessProbe.tcpSocket "
                              "(not modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Pod spec.containers[].livenessProbe."
                              "terminationGracePeriodSeconds (not "
                              "modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Pod spec.containers[].readinessProbe (not "
                              "modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Pod spec.initContainers[].livenessProbe (not "
                              "modelled)") == 1);
    CU_ASSERT(has_warning(&m, "Pod spec.containers[].livenessProbe (not "
                              "modelled)") == 0);
    ks_manifests_free(&m);

    /* A workload's template; ksim.io/unhealthy-after without a liveness
     * probe warns. */
    ks_manifests w = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&w, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  template:\n    metadata:\n      annotations:\n"
                 "        ksim.io/unhealthy-after: 1m\n"
                 "        ksim.io/ignores-sigterm: \"true\"\n"
                 "    spec:\n      terminationGracePeriodSeconds: 120\n"
                 "      containers:\n"
                 "      - name: c\n"
                 "        livenessProbe: {httpGet: {port: 80}, "
                 "failureThreshold: 1}\n"
                 "---\n"
                 "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
                 "spec:\n  template:\n    metadata:\n      annotations:\n"
                 "        ksim.io/unhealthy-after: 1m\n"
                 "    spec: {containers: [{name: c, readinessProbe: {exec: "
                 "{command: [x]}}}]}\n"),
        0);
    const ks_manifest_template *t = find_template(&w, "Deployment", "d");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->pod.termination_grace_s, 120);
    CU_ASSERT(t->pod.has_liveness_probe &&
              t->pod.liveness_probe.failure_threshold == 1 &&
              t->pod.liveness_probe.period_s == 10);
    CU_ASSERT(t->pod.has_unhealthy_after &&
              t->pod.unhealthy_after_ns == 60 * 1000000000LL);
    CU_ASSERT_EQUAL(t->pod.ignores_sigterm, 1);
    t = find_template(&w, "ReplicaSet", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT(t->pod.has_readiness_probe && !t->pod.has_liveness_probe);
    CU_ASSERT(has_warning(&w, "ReplicaSet ksim.io/unhealthy-after without a "
                              "livenessProbe on the first container: no "
                              "effect (a hang is modelled only with a "
                              "liveness probe)") == 1);
    CU_ASSERT(has_warning(&w, "Deployment ksim.io/unhealthy-after without a "
                              "livenessProbe on the first container: no "
                              "effect (a hang is modelled only with a "
                              "liveness probe)") == 0);
    ks_manifests_free(&w);
}

#define PROBE_POD(probe)                                                       \
    POD_HEAD "  containers:\n  - name: c\n" probe

static void test_error_probes(void)
{
    /* validateProbe: every timing >= 0. */
    EXPECT_ERROR(PROBE_POD("    livenessProbe:\n"
                           "      exec: {command: [x]}\n"
                           "      periodSeconds: -1\n"),
                 KS_ERANGE, 9, 22,
                 "spec.containers[0].livenessProbe.periodSeconds: must be "
                 "between 0 and 2147483647, got \"-1\"");
    EXPECT_ERROR(PROBE_POD("    readinessProbe: {exec: {command: [x]}, "
                           "initialDelaySeconds: -3}\n"),
                 KS_ERANGE, 7, 65, "must be between 0 and 2147483647");
    EXPECT_ERROR(PROBE_POD("    readinessProbe: {exec: {command: [x]}, "
                           "timeoutSeconds: 1.5}\n"),
                 KS_EPARSE, 7, 60, "(a fraction)");
    /* validateLivenessProbe: successThreshold 1. */
    EXPECT_ERROR(PROBE_POD("    livenessProbe:\n"
                           "      exec: {command: [x]}\n"
                           "      successThreshold: 2\n"),
                 KS_EINVAL, 9, 25,
                 "spec.containers[0].livenessProbe.successThreshold: must "
                 "be 1");
    /* validateReadinessProbe; validateProbe's own grace period. */
    EXPECT_ERROR(PROBE_POD("    readinessProbe:\n"
                           "      tcpSocket: {port: 80}\n"
                           "      terminationGracePeriodSeconds: 5\n"),
                 KS_EINVAL, 9, 38,
                 "readinessProbe.terminationGracePeriodSeconds: must not be "
                 "set for readinessProbes");
    EXPECT_ERROR(PROBE_POD("    livenessProbe:\n"
                           "      tcpSocket: {port: 80}\n"
                           "      terminationGracePeriodSeconds: 0\n"),
                 KS_EINVAL, 9, 38, "must be greater than 0");
    /* validateHandler: exactly one handler. */
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {periodSeconds: 5}\n"),
                 KS_EINVAL, 7, 20,
                 "spec.containers[0].livenessProbe: must specify a handler "
                 "type (exec, httpGet, tcpSocket or grpc)");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {}\n"), KS_EINVAL, 7, 20,
                 "must specify a handler type");
    /* In validateHandler's order (exec, httpGet, tcpSocket, grpc): the
     * second one found is the error. */
    EXPECT_ERROR(PROBE_POD("    livenessProbe:\n"
                           "      tcpSocket: {port: 80}\n"
                           "      httpGet: {port: 80}\n"),
                 KS_EINVAL, 8, 18,
                 "livenessProbe.tcpSocket: may not specify more than 1 "
                 "handler type");
    /* The handlers' own checks. */
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {httpGet: {path: /}}\n"),
                 KS_EPARSE, 7, 30, "missing required key \"port\"");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {httpGet: {port: 0}}\n"),
                 KS_ERANGE, 7, 37, "must be between 1 and 65535, got \"0\"");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {tcpSocket: {port: "
                           "\"8080\"}}\n"),
                 KS_EINVAL, 7, 39,
                 "invalid port name \"8080\": must contain at least one "
                 "letter (a-z)");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {tcpSocket: {port: "
                           "Metrics}}\n"),
                 KS_EINVAL, 7, 39,
                 "must contain only alpha-numeric characters");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {tcpSocket: {port: "
                           "a-very-long-port-name}}\n"),
                 KS_EINVAL, 7, 39, "must be no more than 15 characters");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {httpGet: {port: 80, scheme: "
                           "FTP}}\n"),
                 KS_EINVAL, 7, 49,
                 "unknown scheme \"FTP\" (expected one of: HTTP, HTTPS)");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {exec: {command: []}}\n"),
                 KS_EINVAL, 7, 37, "livenessProbe.exec.command: must not be "
                                   "empty");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {grpc: {port: http}}\n"),
                 KS_EPARSE, 7, 34, "expected an integer");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {httpGet: {prot: 80}}\n"),
                 KS_EPARSE, 7, 31,
                 "HTTPGetAction has no field \"prot\" (did you mean "
                 "\"port\"?)");
    EXPECT_ERROR(PROBE_POD("    livenessProbe: {exec: {command: [x]}, "
                           "periodSecond: 5}\n"),
                 KS_EPARSE, 7, 43,
                 "Probe has no field \"periodSecond\" (did you mean "
                 "\"periodSeconds\"?)");
    /* Another container's probe is checked too; an init container may
     * have one only as a sidecar. */
    EXPECT_ERROR(POD_HEAD "  containers:\n  - name: c\n  - name: d\n"
                          "    readinessProbe: {exec: {command: [x]}, "
                          "failureThreshold: -1}\n",
                 KS_ERANGE, 8, 62,
                 "spec.containers[1].readinessProbe.failureThreshold");
    EXPECT_ERROR(POD_HEAD "  containers: [{name: c}]\n"
                          "  initContainers:\n  - name: i\n"
                          "    livenessProbe: {exec: {command: [x]}}\n",
                 KS_EINVAL, 8, 20,
                 "spec.initContainers[0].livenessProbe: may not be set for "
                 "init containers without restartPolicy=Always");
    /* terminationGracePeriodSeconds: >= 0, seconds that fit ks_time. */
    EXPECT_ERROR(POD_HEAD "  terminationGracePeriodSeconds: -1\n"
                          "  containers: [{name: c}]\n",
                 KS_ERANGE, 5, 34,
                 "spec.terminationGracePeriodSeconds: must be between 0 and "
                 "9223372036, got \"-1\"");
    EXPECT_ERROR(DEPLOY_HEAD "  template:\n    spec:\n"
                             "      terminationGracePeriodSeconds: 30s\n"
                             "      containers: [{name: c}]\n",
                 KS_EPARSE, 7, 38,
                 "spec.template.spec.terminationGracePeriodSeconds: "
                 "expected an integer, got \"30s\"");
}

/* ---- DaemonSet updateStrategy and minReadySeconds ------------------------ */

#define DS_HEAD                                                                \
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n"
#define DS_TEMPLATE                                                            \
    "  selector: {matchLabels: {a: b}}\n"                                      \
    "  template:\n    metadata: {labels: {a: b}}\n"                            \
    "    spec: {containers: [{name: c}]}\n"

static void test_daemonset_fields(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, DS_HEAD DS_TEMPLATE
             "---\n"
             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: surge}\n"
             "spec:\n  minReadySeconds: 10\n"
             "  updateStrategy:\n    type: RollingUpdate\n"
             "    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}\n"
             DS_TEMPLATE
             "---\n"
             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: pct}\n"
             "spec:\n  updateStrategy: {rollingUpdate: {maxUnavailable: "
             "\"100%\"}}\n" DS_TEMPLATE
             "---\n"
             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: od}\n"
             "spec:\n  updateStrategy: {type: OnDelete}\n" DS_TEMPLATE
             "---\n"
             "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: odr}\n"
             "spec:\n  updateStrategy: {type: OnDelete, rollingUpdate: "
             "{maxSurge: 2}}\n" DS_TEMPLATE),
        0);
    /* SetDefaults_DaemonSet: RollingUpdate, maxUnavailable 1, maxSurge 0. */
    const ks_manifest_template *t = find_template(&m, "DaemonSet", "ds");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->strategy, KS_MANIFEST_ROLLING_UPDATE);
    CU_ASSERT(t->max_unavailable.set && !t->max_unavailable.is_percent &&
              t->max_unavailable.value == 1);
    CU_ASSERT(t->max_surge.set && !t->max_surge.is_percent &&
              t->max_surge.value == 0);
    CU_ASSERT_EQUAL(t->min_ready_seconds, 0);
    CU_ASSERT_EQUAL(t->replicas, -1);
    t = find_template(&m, "DaemonSet", "surge");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->min_ready_seconds, 10);
    CU_ASSERT(t->max_surge.is_percent && t->max_surge.value == 25);
    CU_ASSERT(!t->max_unavailable.is_percent &&
              t->max_unavailable.value == 0);
    t = find_template(&m, "DaemonSet", "pct");
    CU_ASSERT(t->max_unavailable.is_percent &&
              t->max_unavailable.value == 100);
    CU_ASSERT(t->max_surge.set && t->max_surge.value == 0);
    t = find_template(&m, "DaemonSet", "od");
    CU_ASSERT_EQUAL(t->strategy, KS_MANIFEST_ON_DELETE);
    CU_ASSERT(!t->max_unavailable.set && !t->max_surge.set);
    /* OnDelete keeps a given rollingUpdate as it is. */
    t = find_template(&m, "DaemonSet", "odr");
    CU_ASSERT_EQUAL(t->strategy, KS_MANIFEST_ON_DELETE);
    CU_ASSERT(t->max_surge.set && t->max_surge.value == 2);
    CU_ASSERT(!t->max_unavailable.set);
    CU_ASSERT(has_warning(&m, "DaemonSet spec.updateStrategy (not "
                              "modelled)") == 0);
    CU_ASSERT(has_warning(&m, "DaemonSet spec.minReadySeconds (not "
                              "modelled)") == 0);
    CU_ASSERT_EQUAL(m.nwarnings, 0);
    ks_manifests_free(&m);
}

static void test_error_daemonset(void)
{
    /* ValidateDaemonSetUpdateStrategy */
    EXPECT_ERROR(DS_HEAD "  updateStrategy: {type: Recreate}\n" DS_TEMPLATE,
                 KS_EINVAL, 5, 26,
                 "spec.updateStrategy.type: unknown updateStrategy type "
                 "\"Recreate\" (expected one of: RollingUpdate, OnDelete)");
    EXPECT_ERROR(DS_HEAD "  updateStrategy: {rollingUpdat: {}}\n" DS_TEMPLATE,
                 KS_EPARSE, 5, 20,
                 "DaemonSetUpdateStrategy has no field \"rollingUpdat\" "
                 "(did you mean \"rollingUpdate\"?)");
    /* ValidateRollingUpdateDaemonSet: exactly one of them non-zero (the
     * defaults are maxUnavailable 1, maxSurge 0). */
    EXPECT_ERROR(DS_HEAD "  updateStrategy:\n"
                         "    rollingUpdate: {maxSurge: 1}\n" DS_TEMPLATE,
                 KS_EINVAL, 6, 31,
                 "spec.updateStrategy.rollingUpdate.maxSurge: may not be set "
                 "when maxUnavailable is non-zero");
    EXPECT_ERROR(DS_HEAD "  updateStrategy:\n"
                         "    rollingUpdate:\n"
                         "      maxUnavailable: \"0%\"\n" DS_TEMPLATE,
                 KS_EINVAL, 7, 23,
                 "spec.updateStrategy.rollingUpdate.maxUnavailable: cannot "
                 "be 0 when maxSurge is 0");
    EXPECT_ERROR(DS_HEAD "  updateStrategy:\n"
                         "    rollingUpdate:\n"
                         "      maxUnavailable: 101%\n" DS_TEMPLATE,
                 KS_EINVAL, 7, 23, "must not be greater than 100%");
    EXPECT_ERROR(DS_HEAD "  updateStrategy:\n"
                         "    rollingUpdate:\n"
                         "      maxUnavailable: 0\n"
                         "      maxSurge: 150%\n" DS_TEMPLATE,
                 KS_EINVAL, 8, 17,
                 "rollingUpdate.maxSurge: must not be greater than 100%");
    EXPECT_ERROR(DS_HEAD "  updateStrategy:\n"
                         "    rollingUpdate: {maxUnavailable: -1}\n"
                         DS_TEMPLATE,
                 KS_ERANGE, 6, 37, "must be between 0 and 2147483647");
    EXPECT_ERROR(DS_HEAD "  updateStrategy:\n"
                         "    rollingUpdate: {maxUnavailable: one}\n"
                         DS_TEMPLATE,
                 KS_EINVAL, 6, 37,
                 "must be an integer or a percent string");
    /* ValidateDaemonSetSpec: minReadySeconds >= 0. */
    EXPECT_ERROR(DS_HEAD "  minReadySeconds: -1\n" DS_TEMPLATE, KS_ERANGE, 5,
                 20, "spec.minReadySeconds: must be between 0 and "
                     "2147483647");
}

/* ---- warnings
 * ------------------------------------------------------------------- */

/* Each unmodelled field path and each skipped kind is listed once; empty
 * values and silent fields do not warn. */
static void test_warnings_once(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s1}\n"
                 "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: s2}\n"
                 "---\n" POD_HEAD
                 "  securityContext: {}\n  dnsPolicy: ClusterFirst\n"
                 "  containers:\n"
                 "  - {name: a, startupProbe: {exec: {command: [x]}}, env: "
                 "[{name: X}]}\n"
                 "  - {name: b, startupProbe: {exec: {command: [y]}}}\n"
                 "---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\n"
                 "spec: {containers: [{name: c, startupProbe: {tcpSocket: "
                 "{port: 1}}}]}\n"),
        0);
    CU_ASSERT_EQUAL(m.nwarnings, 2);
    CU_ASSERT(has_warning(&m, "kind ConfigMap: not modelled yet, skipped") ==
              1);
    CU_ASSERT(has_warning(&m, "Pod spec.containers[].startupProbe (not "
                              "modelled)") == 1);
    /* A second load repeats nothing. */
    CU_ASSERT_EQUAL_FATAL(load(&m,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s3}\n"), 0);
    CU_ASSERT_EQUAL(m.nwarnings, 2);
    ks_manifests_free(&m);
}

/* ---- errors
 * ------------------------------------------------------------------------ */

static void test_error_unknown_field(void)
{
    EXPECT_ERROR(POD_HEAD "  containers:\n  - name: c\n    image: nginx\n"
                          "    livenesProbe: {}\n",
                 KS_EPARSE, 8, 5,
                 "spec.containers[0].livenesProbe: Container has no field "
                 "\"livenesProbe\" (did you mean \"livenessProbe\"?)");
    EXPECT_ERROR(
        "apiVersion: v1\nkind: Node\nmetadata: {name: n, lables: {}}\n",
        KS_EPARSE, 3, 21,
        "ObjectMeta has no field \"lables\" (did you mean "
        "\"labels\"?)");
    /* In a List the path starts at items[i]. */
    EXPECT_ERROR("apiVersion: v1\nkind: List\nitems:\n"
                 "- apiVersion: v1\n  kind: Node\n  metadata: {name: n}\n"
                 "  spec: {taints: [{key: k, effect: NoSchedule, foo: 1}]}\n",
                 KS_EPARSE, 7, 48,
                 "items[0].spec.taints[0].foo: Taint has no field \"foo\"");
}

static void test_error_bad_quantity(void)
{
    EXPECT_ERROR(POD_HEAD "  containers:\n  - name: c\n    resources:\n"
                          "      requests: {cpu: 1x}\n",
                 KS_EPARSE, 8, 23,
                 "spec.containers[0].resources.requests.cpu: invalid "
                 "quantity \"1x\"");
    EXPECT_ERROR("apiVersion: v1\nkind: Node\nmetadata: {name: n}\n"
                 "status: {capacity: {pods: 0110}}\n",
                 KS_EPARSE, 4, 27, "\"0110\" is an octal, hex or binary");
    EXPECT_ERROR("apiVersion: v1\nkind: Node\nmetadata: {name: n}\n"
                 "status: {allocatable: {memory: -1Gi}}\n",
                 KS_ERANGE, 4, 32,
                 "status.allocatable.memory: must not be negative");
}

static void test_error_wrong_type(void)
{
    EXPECT_ERROR(POD_HEAD "  tolerations: yes\n  containers: [{name: c}]\n",
                 KS_EPARSE, 5, 16,
                 "spec.tolerations: expected a sequence, got a scalar");
    EXPECT_ERROR("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec: {replicas: \"3\", template: {spec: {containers: "
                 "[{name: c}]}}}\n",
                 KS_EPARSE, 4, 18,
                 "spec.replicas: expected an integer, got a quoted string");
    EXPECT_ERROR(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: d}\n"
        "spec: {replicas: 1.5, template: {spec: {containers: [{name: c}]}}}\n",
        KS_EPARSE, 4, 18, "(a fraction)");
    EXPECT_ERROR(POD_HEAD "  hostNetwork: maybe\n  containers: [{name: c}]\n",
                 KS_EPARSE, 5, 16, "expected true or false, got \"maybe\"");
    EXPECT_ERROR(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {v: 1.0}}\n"
        "spec: {containers: [{name: c}]}\n",
        KS_EPARSE, 3, 33, "\"1.0\" is a number in YAML");
    EXPECT_ERROR(POD_HEAD "  containers: [{name: c}]\n"
                          "  tolerations: [{key: k, operator: Maybe}]\n",
                 KS_EINVAL, 6, 36, "unknown operator \"Maybe\" (expected one "
                                   "of: Equal, Exists)");
}

static void test_error_api_version(void)
{
    EXPECT_ERROR(
        "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: d}\n"
        "spec: {template: {spec: {containers: [{name: c}]}}}\n",
        KS_EINVAL, 1, 13,
        "unsupported apiVersion \"apps/v1beta1\" for kind "
        "\"Deployment\" (ksim reads apps/v1)");
    EXPECT_ERROR("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n"
                 "metadata: {name: b}\n",
                 KS_EINVAL, 1, 13, "(ksim reads policy/v1)");
    EXPECT_ERROR("kind: Pod\nmetadata: {name: p}\n", KS_EPARSE, 1, 1,
                 "missing required key \"apiVersion\"");
}

static void test_error_missing_priority_class(void)
{
    EXPECT_ERROR(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
        "spec: {priorityClassName: high, containers: [{name: c}]}\n",
        KS_ENOENT, 5, 1,
        "pod shop/web: no PriorityClass with name high was found");
    EXPECT_ERROR("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec: {template: {spec: {priorityClassName: x,"
                 " containers: [{name: c}]}}}\n",
                 KS_ENOENT, 1, 1,
                 "Deployment default/d: no PriorityClass with name x");
    /* A value that disagrees with the class, as admission refuses it. */
    EXPECT_ERROR(POD_HEAD "  priorityClassName: system-cluster-critical\n"
                          "  priority: 5\n  containers: [{name: c}]\n",
                 KS_EINVAL, 1, 1,
                 "pod default/p: the integer value of priority (5) must not "
                 "be provided in pod spec; priority admission controller "
                 "computed 2000000000");
}

static void test_error_validation(void)
{
    EXPECT_ERROR(POD_HEAD "  containers:\n  - name: c\n    resources:\n"
                          "      requests: {cpu: \"2\"}\n"
                          "      limits: {cpu: \"1\"}\n",
                 KS_EINVAL, 8, 23,
                 "requests.cpu: must be less than or equal to cpu limit of "
                 "\"1\"");
    EXPECT_ERROR(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
        "metadata: {name: b}\nspec: {minAvailable: 1, maxUnavailable: 1}\n",
        KS_EINVAL, 4, 41, "minAvailable and maxUnavailable cannot be both set");
    EXPECT_ERROR("apiVersion: policy/v1\nkind: PodDisruptionBudget\n"
                 "metadata: {name: b}\nspec: {minAvailable: \"5\"}\n",
                 KS_EINVAL, 4, 22,
                 "must be an integer or percentage (e.g '5%'), got \"5\"");
    EXPECT_ERROR("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
                 "metadata: {name: huge}\nvalue: 2000000000\n",
                 KS_ERANGE, 4, 8,
                 "maximum allowed value of a user defined priority is "
                 "1000000000");
    EXPECT_ERROR(POD_HEAD "  containers: []\n", KS_EINVAL, 5, 15,
                 "a pod needs at least one container");
}

static void test_error_structure(void)
{
    /* A later duplicate, even across documents. */
    EXPECT_ERROR(POD_HEAD "  containers: [{name: c}]\n---\n" POD_HEAD
                          "  containers: [{name: c}]\n",
                 KS_EEXIST, 7, 1,
                 "duplicate Pod default/p (first defined at bad.yaml:1)");
    EXPECT_ERROR("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n"
                 "  kind: List\n  items: []\n",
                 KS_EINVAL, 5, 9, "cannot hold another list");
    EXPECT_ERROR("# nothing\n", KS_EPARSE, 1, 1,
                 "no Kubernetes object in the input");
    EXPECT_ERROR("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
                 KS_EPARSE, 1, 1, "missing required key \"spec\"");
}

/* A failed load leaves the set as it was: nothing half-added. */
static void test_error_keeps_set(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(load(&m, POD_HEAD "  containers: [{name: c}]\n"), 0);
    const char *bad =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\n"
        "spec: {containers: [{name: c}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: r}\nspec: 3\n";
    CU_ASSERT_EQUAL(ks_manifests_load_buffer(bad, strlen(bad), "b.yaml", &m,
                                             &err),
                    KS_EPARSE);
    CU_ASSERT_EQUAL(err.line, 13);
    CU_ASSERT_EQUAL(m.npods, 1);
    CU_ASSERT_EQUAL(m.nfiles, 1);
    CU_ASSERT_EQUAL(m.nwarnings, 0);
    /* Loading the same pod again is a duplicate across files. */
    CU_ASSERT_EQUAL(
        ks_manifests_load_buffer(POD_HEAD "  containers: [{name: c}]\n",
                                 strlen(POD_HEAD) + 26, "c.yaml", &m, &err),
        KS_EEXIST);
    CU_ASSERT_STRING_EQUAL(err.file, "c.yaml");
    CU_ASSERT(strstr(err.msg, "first defined at t.yaml:1") != NULL);
    CU_ASSERT_EQUAL(m.npods, 1);
    ks_manifests_free(&m);
    ks_manifests_free(NULL);
}

/* ---- HorizontalPodAutoscaler (autoscaling/v2) ---------------------------- */

#define HPA_HEAD                                                               \
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"              \
    "metadata: {name: h}\nspec:\n"
#define HPA_TARGET                                                             \
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"

static const ks_manifest_hpa *find_hpa(const ks_manifests *m,
                                       const char *name)
{
    for (size_t i = 0; i < m->nhpas; i++)
        if (!strcmp(m->hpas[i].name, name))
            return &m->hpas[i];
    return NULL;
}

/* Every field read, with the behavior mapped onto hpa.h's rules. */
static void test_hpa_fields(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             "apiVersion: autoscaling/v2\n"
             "kind: HorizontalPodAutoscaler\n"
             "metadata: {name: web, namespace: prod, labels: {app: web}}\n"
             "spec:\n"
             "  scaleTargetRef: {apiVersion: apps/v1, kind: ReplicaSet, "
             "name: web-rs}\n"
             "  minReplicas: 2\n"
             "  maxReplicas: 12\n"
             "  metrics:\n"
             "    - type: Resource\n"
             "      resource:\n"
             "        name: cpu\n"
             "        target: {type: Utilization, averageUtilization: 60}\n"
             "  behavior:\n"
             "    scaleUp:\n"
             "      stabilizationWindowSeconds: 30\n"
             "      selectPolicy: Min\n"
             "      policies:\n"
             "        - {type: Pods, value: 2, periodSeconds: 60}\n"
             "        - {type: Percent, value: 50, periodSeconds: 30}\n"
             "    scaleDown:\n"
             "      stabilizationWindowSeconds: 600\n"
             "      selectPolicy: Disabled\n"
             "      policies: [{type: Percent, value: 10, periodSeconds: "
             "1800}]\n"
             "status: {currentReplicas: 3, desiredReplicas: 3}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.nhpas, 1);
    const ks_manifest_hpa *h = &m.hpas[0];
    CU_ASSERT_STRING_EQUAL(h->name, "web");
    CU_ASSERT_STRING_EQUAL(h->namespace_name, "prod");
    CU_ASSERT_STRING_EQUAL(h->target_kind, "ReplicaSet");
    CU_ASSERT_STRING_EQUAL(h->target_name, "web-rs");
    CU_ASSERT_EQUAL(h->min_replicas, 2);
    CU_ASSERT_EQUAL(h->max_replicas, 12);
    CU_ASSERT_EQUAL(h->target_utilization, 60);
    CU_ASSERT_EQUAL(h->has_behavior, 1);
    CU_ASSERT_EQUAL(h->scale_up.stabilization_window_seconds, 30);
    CU_ASSERT_EQUAL(h->scale_up.select, KS_HPA_SELECT_MIN);
    CU_ASSERT_EQUAL_FATAL(h->scale_up.n_policies, 2);
    CU_ASSERT_EQUAL(h->scale_up.policies[0].percent, 0);
    CU_ASSERT_EQUAL(h->scale_up.policies[0].value, 2);
    CU_ASSERT_EQUAL(h->scale_up.policies[0].period_seconds, 60);
    CU_ASSERT_EQUAL(h->scale_up.policies[1].percent, 1);
    CU_ASSERT_EQUAL(h->scale_up.policies[1].value, 50);
    CU_ASSERT_EQUAL(h->scale_up.policies[1].period_seconds, 30);
    CU_ASSERT_EQUAL(h->scale_down.stabilization_window_seconds, 600);
    CU_ASSERT_EQUAL(h->scale_down.select, KS_HPA_SELECT_DISABLED);
    CU_ASSERT_EQUAL_FATAL(h->scale_down.n_policies, 1);
    CU_ASSERT_EQUAL(h->scale_down.policies[0].percent, 1);
    CU_ASSERT_EQUAL(h->scale_down.policies[0].value, 10);
    CU_ASSERT_EQUAL(h->scale_down.policies[0].period_seconds, 1800);
    CU_ASSERT_STRING_EQUAL(h->file, "t.yaml");
    CU_ASSERT_EQUAL(h->line, 1);
    CU_ASSERT_EQUAL(h->col, 1);
    /* status is the controller's: listed as not modelled, like the
     * workloads'; labels select nothing and are silent. */
    CU_ASSERT(has_warning(&m, "HorizontalPodAutoscaler status (not "
                              "modelled)") == 1);
    CU_ASSERT_EQUAL(m.nwarnings, 1);
    ks_manifests_free(&m);
}

/* autoscaling/v2 defaults: minReplicas 1, cpu at 80 % without metrics, no
 * behavior; a given behavior is completed with the default rules
 * (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules). */
static void test_hpa_defaults(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, HPA_HEAD "  scaleTargetRef: {kind: Deployment, name: web}\n"
                          "  maxReplicas: 5\n"
                          "---\n"
                          "apiVersion: autoscaling/v2\n"
                          "kind: HorizontalPodAutoscaler\n"
                          "metadata: {name: b}\n"
                          "spec:\n" HPA_TARGET "  maxReplicas: 5\n"
                          "  metrics: []\n"
                          "  behavior: {}\n"
                          "---\n"
                          "apiVersion: autoscaling/v2\n"
                          "kind: HorizontalPodAutoscaler\n"
                          "metadata: {name: c}\n"
                          "spec:\n" HPA_TARGET "  maxReplicas: 5\n"
                          "  behavior:\n"
                          "    scaleUp: {selectPolicy: Min}\n"
                          "    scaleDown: {stabilizationWindowSeconds: 0, "
                          "policies: null}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(m.nhpas, 3);
    ks_hpa_spec def;
    ks_hpa_spec_default(&def);
    const ks_manifest_hpa *h = find_hpa(&m, "h");
    CU_ASSERT_PTR_NULL(h->namespace_name);
    CU_ASSERT_STRING_EQUAL(h->target_kind, "Deployment");
    CU_ASSERT_EQUAL(h->min_replicas, 1);
    CU_ASSERT_EQUAL(h->max_replicas, 5);
    CU_ASSERT_EQUAL(h->target_utilization, 80);
    CU_ASSERT_EQUAL(h->has_behavior, 0);
    /* behavior {}: every rule defaulted.  Scale-up: window 0, Max of Pods
     * 4 / 15 s and Percent 100 / 15 s; scale-down: the controller's window
     * (-1), Max, Percent 100 / 15 s. */
    h = find_hpa(&m, "b");
    CU_ASSERT_EQUAL(h->target_utilization, 80);
    CU_ASSERT_EQUAL(h->has_behavior, 1);
    CU_ASSERT_EQUAL(h->scale_up.stabilization_window_seconds, 0);
    CU_ASSERT_EQUAL(h->scale_up.select, KS_HPA_SELECT_MAX);
    CU_ASSERT_EQUAL_FATAL(h->scale_up.n_policies, 2);
    CU_ASSERT(!h->scale_up.policies[0].percent &&
              h->scale_up.policies[0].value == 4 &&
              h->scale_up.policies[0].period_seconds == 15);
    CU_ASSERT(h->scale_up.policies[1].percent &&
              h->scale_up.policies[1].value == 100 &&
              h->scale_up.policies[1].period_seconds == 15);
    CU_ASSERT_EQUAL(h->scale_down.stabilization_window_seconds, -1);
    CU_ASSERT_EQUAL(h->scale_down.select, KS_HPA_SELECT_MAX);
    CU_ASSERT_EQUAL_FATAL(h->scale_down.n_policies, 1);
    CU_ASSERT(h->scale_down.policies[0].percent &&
              h->scale_down.policies[0].value == 100 &&
              h->scale_down.policies[0].period_seconds == 15);
    CU_ASSERT_EQUAL(h->scale_up.n_policies, def.scale_up.n_policies);
    CU_ASSERT_EQUAL(h->scale_down.stabilization_window_seconds,
                    def.scale_down.stabilization_window_seconds);
    /* Only what is given replaces the default; a null policy list is
     * unset. */
    h = find_hpa(&m, "c");
    CU_ASSERT_EQUAL(h->scale_up.select, KS_HPA_SELECT_MIN);
    CU_ASSERT_EQUAL(h->scale_up.stabilization_window_seconds, 0);
    CU_ASSERT_EQUAL(h->scale_up.n_policies, 2);
    CU_ASSERT_EQUAL(h->scale_down.stabilization_window_seconds, 0);
    CU_ASSERT_EQUAL(h->scale_down.select, KS_HPA_SELECT_MAX);
    CU_ASSERT_EQUAL(h->scale_down.n_policies, 1);
    CU_ASSERT_EQUAL(m.nwarnings, 0);
    ks_manifests_free(&m);
}

/* Accepted and listed: unmodelled fields; other autoscaling versions are
 * skipped; HPAs are keyed by namespace and name; a List holds them. */
static void test_hpa_warnings_and_versions(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             "apiVersion: autoscaling/v2\n"
             "kind: HorizontalPodAutoscaler\n"
             "metadata:\n  name: h\n  annotations: {team: a}\n"
             "spec:\n" HPA_TARGET "  maxReplicas: 3\n"
             "  behavior:\n"
             "    scaleUp: {tolerance: 50m}\n"
             "---\n"
             "apiVersion: autoscaling/v1\n"
             "kind: HorizontalPodAutoscaler\n"
             "metadata: {name: old}\n"
             "spec: {maxReplicas: 3, scaleTargetRef: {kind: Deployment, "
             "name: web}, targetCPUUtilizationPercentage: 50}\n"
             "---\n"
             "apiVersion: autoscaling/v2beta2\n"
             "kind: HorizontalPodAutoscaler\n"
             "metadata: {name: older}\n"
             "spec: {}\n"
             "---\n"
             "apiVersion: v1\n"
             "kind: List\n"
             "items:\n"
             "  - apiVersion: autoscaling/v2\n"
             "    kind: HorizontalPodAutoscaler\n"
             "    metadata: {name: h, namespace: other}\n"
             "    spec: {maxReplicas: 1, scaleTargetRef: {kind: Deployment, "
             "name: web}}\n"),
        0);
    CU_ASSERT_EQUAL(m.nhpas, 2);
    CU_ASSERT(has_warning(&m, "HorizontalPodAutoscaler metadata.annotations "
                              "(not modelled)") == 1);
    CU_ASSERT(has_warning(&m, "HorizontalPodAutoscaler spec.behavior.scaleUp."
                              "tolerance (not modelled)") == 1);
    CU_ASSERT(has_warning(&m, "kind HorizontalPodAutoscaler autoscaling/v1: "
                              "not modelled (ksim reads autoscaling/v2), "
                              "skipped") == 1);
    CU_ASSERT(has_warning(&m, "kind HorizontalPodAutoscaler "
                              "autoscaling/v2beta2: not modelled (ksim reads "
                              "autoscaling/v2), skipped") == 1);
    CU_ASSERT_EQUAL(m.nwarnings, 4);
    CU_ASSERT_STRING_EQUAL(m.hpas[1].namespace_name, "other");
    CU_ASSERT_EQUAL(m.hpas[1].min_replicas, 1);
    CU_ASSERT_EQUAL(m.hpas[1].max_replicas, 1);
    /* A second file with the same HPA: a duplicate. */
    ks_error err;
    const char *again = HPA_HEAD HPA_TARGET "  maxReplicas: 3\n";
    CU_ASSERT_EQUAL(
        ks_manifests_load_buffer(again, strlen(again), "c.yaml", &m, &err),
        KS_EEXIST);
    CU_ASSERT(strstr(err.msg, "duplicate HorizontalPodAutoscaler default/h "
                              "(first defined at t.yaml:1)") != NULL);
    CU_ASSERT_EQUAL(m.nhpas, 2);
    ks_manifests_free(&m);
}

/* pkg/apis/autoscaling/validation and what ksim does not model: each an
 * error at the value's FILE:LINE:COL. */
static void test_error_hpa(void)
{
#define HPA(rest) HPA_HEAD HPA_TARGET rest
    /* The spec and its required fields. */
    EXPECT_ERROR("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
                 "metadata: {name: h}\n",
                 KS_EPARSE, 1, 1,
                 "missing required key \"spec\"");
    EXPECT_ERROR(HPA_HEAD "  maxReplicas: 3\n", KS_EPARSE, 5, 3,
                 "missing required key \"scaleTargetRef\" in spec");
    EXPECT_ERROR(HPA(""), KS_EPARSE, 5, 3,
                 "missing required key \"maxReplicas\" in spec");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  minReplica: 1\n"), KS_EPARSE, 7, 3,
                 "HorizontalPodAutoscalerSpec has no field \"minReplica\" "
                 "(did you mean \"minReplicas\"?)");
    /* validateHorizontalPodAutoscalerSpec */
    EXPECT_ERROR(HPA("  minReplicas: 0\n  maxReplicas: 3\n"), KS_EINVAL, 6, 16,
                 "spec.minReplicas: must be greater than or equal to 1");
    EXPECT_ERROR(HPA("  maxReplicas: 0\n"), KS_EINVAL, 6, 16,
                 "spec.maxReplicas: must be greater than 0");
    EXPECT_ERROR(HPA("  minReplicas: 4\n  maxReplicas: 3\n"), KS_EINVAL, 7, 16,
                 "spec.maxReplicas: must be greater than or equal to "
                 "`minReplicas`");
    EXPECT_ERROR(HPA("  maxReplicas: \"3\"\n"), KS_EPARSE, 6, 16,
                 "spec.maxReplicas: expected an integer");
    EXPECT_ERROR(HPA("  maxReplicas: 3000000000\n"), KS_ERANGE, 6, 16,
                 "spec.maxReplicas: must be between");
    /* ValidateCrossVersionObjectReference and the kinds ksim scales. */
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {kind: Deployment}\n"
                          "  maxReplicas: 3\n",
                 KS_EPARSE, 5, 19,
                 "missing required key \"name\" in spec.scaleTargetRef");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {name: web}\n"
                          "  maxReplicas: 3\n",
                 KS_EPARSE, 5, 19,
                 "missing required key \"kind\" in spec.scaleTargetRef");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {kind: Deployment, name: a/b}\n"
                          "  maxReplicas: 3\n",
                 KS_EINVAL, 5, 44,
                 "spec.scaleTargetRef.name: may not contain '/'");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {kind: Deployment, name: "
                          "\"..\"}\n"
                          "  maxReplicas: 3\n",
                 KS_EINVAL, 5, 44, "spec.scaleTargetRef.name: may not be '..'");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {kind: \"a%b\", name: web}\n"
                          "  maxReplicas: 3\n",
                 KS_EINVAL, 5, 26, "may not contain '%'");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {kind: StatefulSet, name: db}\n"
                          "  maxReplicas: 3\n",
                 KS_EINVAL, 5, 26,
                 "spec.scaleTargetRef.kind: ksim scales a Deployment or a "
                 "ReplicaSet, not \"StatefulSet\"");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {apiVersion: extensions/v1beta1, "
                          "kind: Deployment, name: web}\n"
                          "  maxReplicas: 3\n",
                 KS_EINVAL, 5, 32,
                 "spec.scaleTargetRef.apiVersion: unsupported apiVersion "
                 "\"extensions/v1beta1\" for kind \"Deployment\" (ksim reads "
                 "apps/v1)");
    EXPECT_ERROR(HPA_HEAD "  scaleTargetRef: {kind: Deployment, name: web, "
                          "uid: x}\n"
                          "  maxReplicas: 3\n",
                 KS_EPARSE, 5, 49,
                 "CrossVersionObjectReference has no field \"uid\"");
    /* Metrics: one Resource cpu Utilization metric is modelled. */
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Pods, pods: {}}]\n"),
                 KS_EINVAL, 7, 20,
                 "spec.metrics[0].type: metric type Pods is not supported: "
                 "ksim models one metric, type Resource (name cpu, target "
                 "type Utilization)");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: External}]\n"),
                 KS_EINVAL, 7, 20, "metric type External is not supported");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n"
                     "  metrics: [{type: ContainerResource}]\n"),
                 KS_EINVAL, 7, 20,
                 "metric type ContainerResource is not supported");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Object}]\n"),
                 KS_EINVAL, 7, 20, "metric type Object is not supported");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Memory}]\n"),
                 KS_EINVAL, 7, 20,
                 "spec.metrics[0].type: Unsupported value: supported values: "
                 "\"ContainerResource\", \"External\", \"Object\", \"Pods\", "
                 "\"Resource\"");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{resource: {name: cpu}}]\n"),
                 KS_EPARSE, 7, 13,
                 "missing required key \"type\" in spec.metrics[0]");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource}]\n"),
                 KS_EINVAL, 7, 13,
                 "spec.metrics[0]: missing resource: must populate "
                 "information for the given metric source");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, pods: "
                     "{}, resource: {name: cpu}}]\n"),
                 KS_EINVAL, 7, 30,
                 "spec.metrics[0].pods: must populate the given metric "
                 "source only");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: memory, target: {type: Utilization, "
                     "averageUtilization: 50}}}]\n"),
                 KS_EINVAL, 7, 47,
                 "spec.metrics[0].resource.name: resource \"memory\" is not "
                 "supported: ksim models the cpu usage of pods");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: cpu}}]\n"),
                 KS_EPARSE, 7, 40,
                 "missing required key \"target\" in "
                 "spec.metrics[0].resource");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: cpu, target: {type: AverageValue, "
                     "averageValue: 500m}}}]\n"),
                 KS_EINVAL, 7, 67,
                 "spec.metrics[0].resource.target.type: target type "
                 "AverageValue is not supported: ksim models a cpu target of "
                 "type Utilization (averageUtilization)");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: cpu, target: {type: Percent}}}]\n"),
                 KS_EINVAL, 7, 67,
                 "must be either Utilization, Value, or AverageValue");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: cpu, target: {type: Utilization}}}]\n"),
                 KS_EINVAL, 7, 60,
                 "spec.metrics[0].resource.target: missing "
                 "averageUtilization: must set either a target raw value or "
                 "a target utilization");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: cpu, target: {type: Utilization, "
                     "averageUtilization: 0}}}]\n"),
                 KS_EINVAL, 7, 100,
                 "spec.metrics[0].resource.target.averageUtilization: must "
                 "be greater than 0");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: [{type: Resource, "
                     "resource: {name: cpu, target: {type: Utilization, "
                     "averageUtilization: 50, averageValue: 1}}}]\n"),
                 KS_EINVAL, 7, 118,
                 "may not set both a target raw value and a target "
                 "utilization");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics:\n"
                     "    - {type: Resource, resource: {name: cpu, target: "
                     "{type: Utilization, averageUtilization: 50}}}\n"
                     "    - {type: Resource, resource: {name: cpu, target: "
                     "{type: Utilization, averageUtilization: 60}}}\n"),
                 KS_EINVAL, 9, 7,
                 "spec.metrics[1]: ksim models one metric (Resource cpu), "
                 "this HPA has 2");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  metrics: {type: Resource}\n"),
                 KS_EPARSE, 7, 12, "spec.metrics: expected a sequence");
    /* validateBehavior, validateScalingRules, validateScalingPolicy */
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: "
                     "{stabilizationWindowSeconds: -1}}\n"),
                 KS_EINVAL, 7, 52,
                 "spec.behavior.scaleUp.stabilizationWindowSeconds: must be "
                 "greater than or equal to zero");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleDown: "
                     "{stabilizationWindowSeconds: 3601}}\n"),
                 KS_EINVAL, 7, 54, "must be less than or equal to 3600");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleDown: "
                     "{selectPolicy: Fastest}}\n"),
                 KS_EINVAL, 7, 40,
                 "spec.behavior.scaleDown.selectPolicy: Unsupported value: "
                 "supported values: \"Disabled\", \"Max\", \"Min\"");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[]}}\n"),
                 KS_EINVAL, 7, 34,
                 "spec.behavior.scaleUp.policies: must specify at least one "
                 "Policy");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[{type: Replicas, value: 1, periodSeconds: 15}]}}\n"),
                 KS_EINVAL, 7, 42,
                 "spec.behavior.scaleUp.policies[0].type: Unsupported value: "
                 "supported values: \"Percent\", \"Pods\"");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[{type: Pods, value: 0, periodSeconds: 15}]}}\n"),
                 KS_EINVAL, 7, 55,
                 "spec.behavior.scaleUp.policies[0].value: must be greater "
                 "than zero");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[{type: Pods, value: 1, periodSeconds: 0}]}}\n"),
                 KS_EINVAL, 7, 73,
                 "spec.behavior.scaleUp.policies[0].periodSeconds: must be "
                 "greater than zero");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[{type: Pods, value: 1, periodSeconds: 1801}]}}\n"),
                 KS_EINVAL, 7, 73, "must be less than or equal to 1800");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[{type: Pods, value: 1}]}}\n"),
                 KS_EPARSE, 7, 35,
                 "missing required key \"periodSeconds\" in "
                 "spec.behavior.scaleUp.policies[0]");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleUp: {policies: "
                     "[{type: Pods, value: 1, periodSeconds: 1, period: "
                     "2}]}}\n"),
                 KS_EPARSE, 7, 76,
                 "HPAScalingPolicy has no field \"period\"");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior:\n    scaleUp:\n"
                     "      policies:\n"
                     "        - {type: Pods, value: 1, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 2, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 3, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 4, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 5, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 6, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 7, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 8, periodSeconds: 1}\n"
                     "        - {type: Pods, value: 9, periodSeconds: 1}\n"),
                 KS_EINVAL, 18, 11,
                 "spec.behavior.scaleUp.policies[8]: ksim models at most 8 "
                 "policies per direction");
    EXPECT_ERROR(HPA("  maxReplicas: 3\n  behavior: {scaleSideways: {}}\n"),
                 KS_EPARSE, 7, 14,
                 "HorizontalPodAutoscalerBehavior has no field "
                 "\"scaleSideways\"");
    /* The kind's own apiVersion check (a typo, not another version). */
    EXPECT_ERROR("apiVersion: apps/v1\nkind: HorizontalPodAutoscaler\n"
                 "metadata: {name: h}\nspec: {}\n",
                 KS_EINVAL, 1, 13,
                 "unsupported apiVersion \"apps/v1\" for kind "
                 "\"HorizontalPodAutoscaler\" (ksim reads autoscaling/v2)");
#undef HPA
}

/* ksim.io/cpu-per-request and ksim.io/cpu-base: the usage model's
 * inputs. */
static void test_cpu_annotations(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  template:\n    metadata:\n      annotations:\n"
                 "        ksim.io/cpu-per-request: 10ms\n"
                 "        ksim.io/cpu-base: 5m\n"
                 "    spec: {containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: v1\nkind: Pod\n"
                 "metadata:\n  name: p\n  annotations:\n"
                 "    ksim.io/cpu-per-request: 1.5us\n"
                 "    ksim.io/cpu-base: \"0.25\"\n"
                 "spec: {containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: v1\nkind: Pod\n"
                 "metadata:\n  name: q\n  annotations:\n"
                 "    ksim.io/cpu-per-request: 0s\n"
                 "    ksim.io/cpu-base: 0\n"
                 "spec: {containers: [{name: c}]}\n"),
        0);
    const ks_manifest_template *t = find_template(&m, "Deployment", "d");
    CU_ASSERT(t->pod.has_cpu_per_request &&
              t->pod.cpu_per_request_ns == 10000000);
    CU_ASSERT(t->pod.has_cpu_base && t->pod.cpu_base_milli == 5);
    const ks_manifest_pod *p = find_pod(&m, "p");
    CU_ASSERT(p->has_cpu_per_request && p->cpu_per_request_ns == 1500);
    CU_ASSERT(p->has_cpu_base && p->cpu_base_milli == 250);
    p = find_pod(&m, "q");
    CU_ASSERT(p->has_cpu_per_request && p->cpu_per_request_ns == 0);
    CU_ASSERT(p->has_cpu_base && p->cpu_base_milli == 0);
    CU_ASSERT_EQUAL(m.nwarnings, 0);
    ks_manifests_free(&m);
    m = (ks_manifests){0};
    CU_ASSERT_EQUAL_FATAL(load(&m, POD_HEAD "  containers: [{name: c}]\n"), 0);
    CU_ASSERT(!m.pods[0].has_cpu_per_request && !m.pods[0].has_cpu_base);
    ks_manifests_free(&m);

#define ANNOTATED(key, value)                                                  \
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"        \
    "    " key ": " value "\nspec: {containers: [{name: c}]}\n"
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-per-request", "fast"), KS_EPARSE, 6,
                 30,
                 "metadata.annotations[\"ksim.io/cpu-per-request\"]: invalid "
                 "duration \"fast\"");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-per-request", "-1ms"), KS_ERANGE, 6,
                 30, "must be 0 or more, got \"-1ms\"");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-per-request", "\"\""), KS_EINVAL, 6,
                 30, "needs a duration");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-base", "5 cores"), KS_EPARSE, 6, 23,
                 "metadata.annotations[\"ksim.io/cpu-base\"]: invalid quantity "
                 "\"5 cores\" (expected CPU such as \"5m\"");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-base", "\"-5m\""), KS_ERANGE, 6, 23,
                 "must not be negative, got \"-5m\"");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-base", "\"\""), KS_EINVAL, 6, 23,
                 "needs a CPU quantity");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-base", "[1]"), KS_EPARSE, 6, 23,
                 "expected a string, got a sequence");
    EXPECT_ERROR(ANNOTATED("ksim.io/cpu-per-requests", "1ms"), KS_EINVAL, 6, 5,
                 "unknown ksim annotation \"ksim.io/cpu-per-requests\" (did "
                 "you mean \"ksim.io/cpu-per-request\"?)");
    /* In a Deployment's template, at its place. */
    EXPECT_ERROR("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  template:\n    metadata:\n"
                 "      annotations: {ksim.io/cpu-base: lots}\n"
                 "    spec: {containers: [{name: c}]}\n",
                 KS_EPARSE, 7, 39,
                 "spec.template.metadata.annotations[\"ksim.io/cpu-base\"]: "
                 "invalid quantity \"lots\"");
#undef ANNOTATED
}

/* ---- suite
 * ----------------------------------------------------------------------- */

void ks_suite_manifests(void)
{
    static const ks_test_case cases[] = {
        {"kalc nodes dump", test_kalc_nodes},
        {"kalc pods dump", test_kalc_pods},
        {"kubevious kubectl get all dump", test_kubevious},
        {"OpenShift node documents", test_node_tuning_operator},
        {"support-bundle-kit dump", test_support_bundle},
        {"kube-scheduler-wasm-extension node and pod", test_wasm_extension},
        {"requests: larger init container", test_requests_larger_init},
        {"requests: larger containers", test_requests_larger_containers},
        {"requests: overhead included", test_requests_overhead},
        {"requests: restartable init container", test_requests_sidecar},
        {"requests: multiple sidecars", test_requests_multiple_sidecars},
        {"requests: sidecars and init containers",
         test_requests_sidecars_and_init},
        {"requests: sidecar then init", test_requests_sidecar_then_init},
        {"requests: limit only (API defaulting)", test_requests_limit_only},
        {"requests: request, limit and overhead", test_requests_and_overhead},
        {"requests: init and sidecar (Mi)", test_requests_init_and_sidecar_mi},
        {"requests: pod-level requests", test_requests_pod_level},
        {"requests: pod-level hugepages", test_requests_pod_level_hugepages},
        {"non-zero: requestless container", test_nonzero_requestless},
        {"non-zero: two containers", test_nonzero_two_containers},
        {"non-zero: pod-level memory", test_nonzero_pod_level_memory},
        {"non-zero: pod-level with unsupported resources",
         test_nonzero_pod_level_unsupported},
        {"non-zero: overhead", test_nonzero_overhead},
        {"requests: resize infeasible", test_requests_resize_infeasible},
        {"requests: resize 3-way maximum", test_requests_resize_max},
        {"requests: exact milli sums", test_requests_milli_sums},
        {"host ports and hostNetwork", test_host_ports},
        {"affinity and topology spread", test_affinity_and_spread},
        {"node fields", test_node_fields},
        {"workload defaults", test_workload_defaults},
        {"pod disruption budgets", test_pdb},
        {"services", test_services},
        {"workload selectors and pod-template-hash", test_workload_selectors},
        {"error: workload selectors", test_error_selectors},
        {"controller ownerReference", test_owner_reference},
        {"pod template inside another document", test_pod_template_in_tree},
        {"YAML 1.1 scalars in string fields", test_yaml11_strings},
        {"streams and lists", test_streams_and_lists},
        {"JSON input", test_json_input},
        {"yaml_tree stream parsing", test_yaml_stream},
        {"priorities", test_priorities},
        {"priority of an admitted pod", test_priority_admitted_pod},
        {"warnings listed once", test_warnings_once},
        {"error: unknown field", test_error_unknown_field},
        {"error: bad quantity", test_error_bad_quantity},
        {"error: wrong type", test_error_wrong_type},
        {"error: apiVersion", test_error_api_version},
        {"error: priority class", test_error_missing_priority_class},
        {"error: validation", test_error_validation},
        {"error: structure", test_error_structure},
        {"error keeps the set unchanged", test_error_keeps_set},
        {"control-plane fields: defaults", test_control_plane_defaults},
        {"control-plane fields: given values", test_control_plane_fields},
        {"ksim.io annotations", test_ksim_annotations},
        {"error: control-plane fields", test_error_control_plane},
        {"error: ksim.io annotations", test_error_ksim_annotations},
        {"pod lifecycle fields: grace period, probes, annotations",
         test_pod_lifecycle_fields},
        {"error: probes and grace period", test_error_probes},
        {"DaemonSet updateStrategy and minReadySeconds",
         test_daemonset_fields},
        {"error: DaemonSet updateStrategy", test_error_daemonset},
        {"HPA: every field", test_hpa_fields},
        {"HPA: defaults", test_hpa_defaults},
        {"HPA: warnings, versions, duplicates", test_hpa_warnings_and_versions},
        {"error: HPA", test_error_hpa},
        {"ksim.io cpu annotations", test_cpu_annotations},
        {NULL, NULL}};
    ks_test_add_suite("manifests", cases);
}
