/* test_cp_objects.c - manifests on the store (scenarios/cp_objects.h): a
 * Deployment and a Service give the bodies the API server would store
 * (every field checked), a Recreate Deployment, a ReplicaSet, Jobs with the
 * generated selector, a DaemonSet, bare pods, the namespaces, what is
 * skipped, the pod lifecycle fields (grace period, probes, liveness,
 * ksim.io/unhealthy-after and ignores-sigterm) and DaemonSet strategies,
 * HorizontalPodAutoscalers, and the errors (an unsupported kind, a Job
 * that would restart Always, unresolved priorities, a name already
 * taken, a bad range, an HPA the loader would refuse) with their
 * FILE:LINE:COL; then the controllers on the store run the
 * Deployment made so (tests/sim/test_daemonset_controller.c runs a
 * DaemonSet made so).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/cp_objects.h"
#include "sim/controllers/deploy_controller.h"
#include "sim/controllers/rs_controller.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_cp_objects(void);

typedef struct fixture {
    ks_engine *e;
    ks_store *s;
    ks_manifests m;
} fixture;

/* Loads text as t.yaml and resolves priorities; 0 or the error. */
static int setup(fixture *f, const char *text)
{
    ks_error err;
    memset(f, 0, sizeof *f);
    f->e = ks_engine_create();
    f->s = ks_store_create(f->e, NULL);
    ks_kinds_install(f->s);
    int rc = ks_manifests_load_buffer(text, strlen(text), "t.yaml", &f->m,
                                      &err);
    if (!rc)
        rc = ks_manifests_resolve_priorities(&f->m, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return rc;
}

static void teardown(fixture *f)
{
    ks_manifests_free(&f->m);
    ks_store_destroy(f->s);
    ks_engine_destroy(f->e);
}

static int create_all(fixture *f, ks_error *err)
{
    int rc = ks_cp_create_templates(f->s, &f->m, 0, f->m.ntemplates, err);
    if (!rc)
        rc = ks_cp_create_services(f->s, &f->m, 0, f->m.nservices, err);
    if (!rc)
        rc = ks_cp_create_pods(f->s, &f->m, 0, f->m.npods, err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(err, stderr);
    }
    return rc;
}

static int res(const char *name)
{
    return ks_resource_lookup(name);
}

/* ---- a Deployment and its Service ------------------------------------------ */

static const char web_yaml[] =
    "apiVersion: scheduling.k8s.io/v1\n"
    "kind: PriorityClass\n"
    "metadata: {name: high}\n"
    "value: 1000\n"
    "---\n"
    "apiVersion: apps/v1\n"                              /* line 6 */
    "kind: Deployment\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  replicas: 4\n"
    "  minReadySeconds: 5\n"
    "  progressDeadlineSeconds: 120\n"
    "  revisionHistoryLimit: 3\n"
    "  paused: true\n"
    "  strategy:\n"
    "    type: RollingUpdate\n"
    "    rollingUpdate: {maxSurge: 2, maxUnavailable: \"10%\"}\n"
    "  selector: {matchLabels: {app: web}}\n"
    "  template:\n"
    "    metadata:\n"
    "      labels: {app: web, tier: front}\n"
    "      annotations:\n"
    "        ksim.io/run-time: 10m\n"
    "        ksim.io/image-size: 300Mi\n"
    "        ksim.io/crash-after: 90s\n"
    "    spec:\n"
    "      priorityClassName: high\n"
    "      tolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]\n"
    "      containers:\n"
    "      - name: app\n"
    "        image: shop/web:1.2\n"
    "        resources:\n"
    "          requests: {cpu: 250m, memory: 64Mi, "
    "ephemeral-storage: 1Gi}\n"
    "      - name: side\n"
    "        image: envoy:1\n"
    "        resources: {requests: {cpu: 50m}}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec: {selector: {app: web}, ports: [{port: 80}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: headless}\n"
    "spec: {clusterIP: None}\n";

static void test_deployment_and_service(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(setup(&f, web_yaml), 0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_DEPLOYMENT), 1);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_SERVICE), 2);
    /* Namespaces: shop (the Deployment's) and default (a Service's). */
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_NAMESPACE), 2);
    CU_ASSERT_PTR_NOT_NULL(ks_store_find(f.s, KS_KIND_NAMESPACE, NULL, "shop"));
    CU_ASSERT_PTR_NOT_NULL(
        ks_store_find(f.s, KS_KIND_NAMESPACE, NULL, "default"));

    const ks_object *o = ks_store_find(f.s, KS_KIND_DEPLOYMENT, "shop", "web");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->generation, 1);
    const ks_deployment_body *d = o->body;
    CU_ASSERT_EQUAL(d->replicas, 4);
    CU_ASSERT_EQUAL(d->min_ready_s, 5);
    CU_ASSERT_EQUAL(d->revision_history_limit, 3);
    CU_ASSERT_EQUAL(d->progress_deadline_s, 120);
    CU_ASSERT_EQUAL(d->paused, 1);
    CU_ASSERT_EQUAL(d->strategy, KS_STRATEGY_ROLLING_UPDATE);
    CU_ASSERT_EQUAL(d->max_surge.is_percent, 0);
    CU_ASSERT_EQUAL(d->max_surge.value, 2);
    CU_ASSERT_EQUAL(d->max_unavailable.is_percent, 1);
    CU_ASSERT_EQUAL(d->max_unavailable.value, 10);
    CU_ASSERT_EQUAL(d->selector.match_labels.n, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&d->selector.match_labels, "app"),
                           "web");
    CU_ASSERT_EQUAL(d->selector.nexpressions, 0);
    /* status: nothing observed yet */
    CU_ASSERT_EQUAL(d->status_replicas, 0);
    CU_ASSERT_EQUAL(d->updated_replicas, 0);
    CU_ASSERT_EQUAL(d->ready_replicas, 0);
    CU_ASSERT_EQUAL(d->available_replicas, 0);
    CU_ASSERT_EQUAL(d->observed_generation, 0);

    const ks_pod_template *t = &d->template;
    /* Requests: the effective ones (both containers), -1 elsewhere. */
    CU_ASSERT_EQUAL(t->requests[KS_RES_CPU], 300);
    CU_ASSERT_EQUAL(t->requests[KS_RES_MEMORY], 64LL << 20);
    CU_ASSERT_EQUAL(t->requests[KS_RES_EPHEMERAL_STORAGE], 1LL << 30);
    CU_ASSERT_EQUAL(t->requests[KS_RES_PODS], -1);
    for (int r = KS_RES_BUILTIN; r < KS_RES_COUNT; r++)
        CU_ASSERT_EQUAL(t->requests[r], -1);
    CU_ASSERT_STRING_EQUAL(t->image, "shop/web:1.2");
    CU_ASSERT_EQUAL(t->image_size, 300LL << 20);
    CU_ASSERT_EQUAL(t->run_time, 10 * KS_MINUTE);
    CU_ASSERT_EQUAL(t->priority, 1000);
    CU_ASSERT_EQUAL(t->termination_grace_s, 30);
    /* The labels as written: no pod-template-hash on the Deployment's own
     * template (its controller names its ReplicaSets). */
    CU_ASSERT_EQUAL(t->labels.n, 2);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->labels, "app"), "web");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&t->labels, "tier"), "front");
    CU_ASSERT_PTR_NULL(ks_labels_get(&t->labels, "pod-template-hash"));
    CU_ASSERT_EQUAL_FATAL(t->ntolerations, 1);
    CU_ASSERT_STRING_EQUAL(t->tolerations[0].key, "gpu");
    CU_ASSERT_EQUAL(t->tolerations[0].op, KS_TOLERATION_EXISTS);
    CU_ASSERT_EQUAL(t->tolerations[0].effect, KS_EFFECT_NO_SCHEDULE);
    CU_ASSERT_EQUAL(t->restart_policy, KS_RESTART_ALWAYS);
    CU_ASSERT_EQUAL(t->crashes, 1);
    CU_ASSERT_EQUAL(t->crash_after, 90 * KS_SECOND);
    /* The manifest's template keeps its hash label (scheduler-only runs). */
    CU_ASSERT_PTR_NOT_NULL(
        ks_labels_get(&f.m.templates[0].pod.spec->labels, "pod-template-hash"));

    o = ks_store_find(f.s, KS_KIND_SERVICE, "shop", "web");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_service_body *svc = o->body;
    CU_ASSERT_EQUAL(svc->selector.n, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&svc->selector, "app"), "web");
    o = ks_store_find(f.s, KS_KIND_SERVICE, "default", "headless");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(((const ks_service_body *)o->body)->selector.n, 0);
    teardown(&f);
}

/* Defaults: RollingUpdate 25%/25%, 600 s, 10 revisions; Recreate carries no
 * surge; a template without annotations runs forever and never crashes. */
static void test_deployment_defaults_and_recreate(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        setup(&f, "apiVersion: apps/v1\nkind: Deployment\n"
                  "metadata: {name: a}\n"
                  "spec:\n  selector: {matchLabels: {app: a}}\n"
                  "  template:\n    metadata: {labels: {app: a}}\n"
                  "    spec: {containers: [{name: c}]}\n"
                  "---\n"
                  "apiVersion: apps/v1\nkind: Deployment\n"
                  "metadata: {name: b}\n"
                  "spec:\n  replicas: 0\n  strategy: {type: Recreate}\n"
                  "  selector: {matchLabels: {app: b}}\n"
                  "  template:\n    metadata: {labels: {app: b}}\n"
                  "    spec: {containers: [{name: c, image: b}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    const ks_object *o = ks_store_find(f.s, KS_KIND_DEPLOYMENT, "default", "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_deployment_body *d = o->body;
    CU_ASSERT_EQUAL(d->replicas, 1);
    CU_ASSERT_EQUAL(d->min_ready_s, 0);
    CU_ASSERT_EQUAL(d->revision_history_limit, 10);
    CU_ASSERT_EQUAL(d->progress_deadline_s, 600);
    CU_ASSERT_EQUAL(d->paused, 0);
    CU_ASSERT_EQUAL(d->strategy, KS_STRATEGY_ROLLING_UPDATE);
    CU_ASSERT(d->max_surge.is_percent && d->max_surge.value == 25);
    CU_ASSERT(d->max_unavailable.is_percent && d->max_unavailable.value == 25);
    const ks_pod_template *t = &d->template;
    for (int r = 0; r < KS_RES_COUNT; r++)
        CU_ASSERT_EQUAL(t->requests[r], -1); /* requests nothing */
    CU_ASSERT_PTR_NULL(t->image);
    CU_ASSERT_EQUAL(t->image_size, 0);
    CU_ASSERT_EQUAL(t->run_time, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(t->priority, 0);
    CU_ASSERT_EQUAL(t->crashes, 0);
    CU_ASSERT_EQUAL(t->restart_policy, KS_RESTART_ALWAYS);
    CU_ASSERT_EQUAL(t->labels.n, 1);

    o = ks_store_find(f.s, KS_KIND_DEPLOYMENT, "default", "b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    d = o->body;
    CU_ASSERT_EQUAL(d->replicas, 0);
    CU_ASSERT_EQUAL(d->strategy, KS_STRATEGY_RECREATE);
    CU_ASSERT(!d->max_surge.is_percent && d->max_surge.value == 0);
    CU_ASSERT(!d->max_unavailable.is_percent && d->max_unavailable.value == 0);
    CU_ASSERT_STRING_EQUAL(d->template.image, "b");
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_NAMESPACE), 1);
    teardown(&f);
}

/* ---- ReplicaSets, Jobs, pods -------------------------------------------------- */

static void test_replicaset(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        setup(&f, "apiVersion: apps/v1\nkind: ReplicaSet\n"
                  "metadata: {name: r, namespace: batch}\n"
                  "spec:\n  replicas: 3\n  minReadySeconds: 7\n"
                  "  selector:\n    matchExpressions:\n"
                  "    - {key: app, operator: In, values: [r]}\n"
                  "  template:\n    metadata: {labels: {app: r}}\n"
                  "    spec:\n      priority: 7\n"
                  "      containers: [{name: c, resources: {limits: "
                  "{nvidia.com/gpu: 1}}}]\n"
                  /* Owned by a Deployment: its owner makes its own. */
                  "---\napiVersion: apps/v1\nkind: ReplicaSet\n"
                  "metadata:\n  name: owned\n  ownerReferences:\n"
                  "  - {apiVersion: apps/v1, kind: Deployment, name: x, "
                  "uid: u, controller: true}\n"
                  "spec:\n  selector: {matchLabels: {app: o}}\n"
                  "  template:\n    metadata: {labels: {app: o}}\n"
                  "    spec: {containers: [{name: c}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 1);
    const ks_object *o = ks_store_find(f.s, KS_KIND_REPLICASET, "batch", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->nowners, 0);
    const ks_replicaset_body *b = o->body;
    CU_ASSERT_EQUAL(b->replicas, 3);
    CU_ASSERT_EQUAL(b->min_ready_s, 7);
    CU_ASSERT_EQUAL(b->revision, 0);
    CU_ASSERT_EQUAL(b->selector.match_labels.n, 0);
    CU_ASSERT_EQUAL_FATAL(b->selector.nexpressions, 1);
    CU_ASSERT_STRING_EQUAL(b->selector.match_expressions[0].key, "app");
    CU_ASSERT_EQUAL(b->selector.match_expressions[0].op, KS_OP_IN);
    CU_ASSERT_EQUAL_FATAL(b->selector.match_expressions[0].nvalues, 1);
    CU_ASSERT_STRING_EQUAL(b->selector.match_expressions[0].values[0], "r");
    CU_ASSERT_EQUAL(b->template.priority, 7);
    /* An extended resource, registered by name, from the limit. */
    CU_ASSERT(res("nvidia.com/gpu") >= KS_RES_BUILTIN);
    CU_ASSERT_EQUAL(b->template.requests[res("nvidia.com/gpu")], 1);
    CU_ASSERT_EQUAL(b->template.requests[KS_RES_CPU], -1);
    CU_ASSERT_EQUAL(b->status_replicas, 0);
    CU_ASSERT_EQUAL(b->observed_generation, 0);
    teardown(&f);
}

static void test_jobs(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        setup(&f, "apiVersion: batch/v1\nkind: Job\n"
                  "metadata: {name: train, namespace: ml}\n"
                  "spec:\n  parallelism: 4\n  completions: 8\n"
                  "  backoffLimit: 2\n  activeDeadlineSeconds: 3600\n"
                  "  template:\n"
                  "    metadata:\n      labels: {app: train}\n"
                  "      annotations: {ksim.io/run-time: 1h30m}\n"
                  "    spec:\n      restartPolicy: OnFailure\n"
                  "      containers: [{name: c, image: trainer}]\n"
                  "---\napiVersion: batch/v1\nkind: Job\n"
                  "metadata: {name: queue}\n"
                  "spec:\n  parallelism: 3\n"
                  "  template:\n    spec:\n      restartPolicy: Never\n"
                  "      containers: [{name: c}]\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    const ks_object *o = ks_store_find(f.s, KS_KIND_JOB, "ml", "train");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_job_body *j = o->body;
    CU_ASSERT_EQUAL(j->parallelism, 4);
    CU_ASSERT_EQUAL(j->completions, 8);
    CU_ASSERT_EQUAL(j->backoff_limit, 2);
    CU_ASSERT_EQUAL(j->active_deadline, 3600 * KS_SECOND);
    CU_ASSERT_EQUAL(j->template.restart_policy, KS_RESTART_ON_FAILURE);
    CU_ASSERT_EQUAL(j->template.run_time, 90 * KS_MINUTE);
    CU_ASSERT_STRING_EQUAL(j->template.image, "trainer");
    /* generateSelector with the uid the store gave the Job. */
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)o->uid);
    const ks_labels *l = &j->template.labels;
    CU_ASSERT_EQUAL(l->n, 5);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "app"), "train");
    CU_ASSERT_STRING_EQUAL(
        ks_labels_get(l, "batch.kubernetes.io/controller-uid"), uid);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "batch.kubernetes.io/job-name"),
                           "train");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "controller-uid"), uid);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(l, "job-name"), "train");
    CU_ASSERT_EQUAL(j->selector.match_labels.n, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&j->selector.match_labels,
                                         "batch.kubernetes.io/controller-uid"),
                           uid);
    CU_ASSERT(ks_label_selector_matches(&j->selector, l));
    /* status: not started */
    CU_ASSERT_EQUAL(j->active + j->succeeded + j->failed, 0);
    CU_ASSERT_EQUAL(j->complete, 0);
    CU_ASSERT_EQUAL(j->failed_condition, 0);
    CU_ASSERT_EQUAL(j->start_time, -1);
    CU_ASSERT_EQUAL(j->completion_time, -1);

    o = ks_store_find(f.s, KS_KIND_JOB, "default", "queue");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    j = o->body;
    CU_ASSERT_EQUAL(j->parallelism, 3);
    CU_ASSERT_EQUAL(j->completions, -1); /* a work queue */
    CU_ASSERT_EQUAL(j->backoff_limit, 6);
    CU_ASSERT_EQUAL(j->active_deadline, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(j->template.restart_policy, KS_RESTART_NEVER);
    CU_ASSERT_EQUAL(j->template.run_time, KS_TIME_NEVER);
    teardown(&f);
}

/* A DaemonSet: apps/v1 update strategy defaults, its selector and
 * template, and the template.spec fields the controller's predicates read
 * (nodeSelector, required node affinity, hostNetwork). */
static const char agent_yaml[] =
    "apiVersion: apps/v1\nkind: DaemonSet\n"
    "metadata: {name: agent, namespace: kube-system}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: agent}}\n"
    "  template:\n"
    "    metadata:\n      labels: {app: agent, tier: node}\n"
    "    spec:\n"
    "      priorityClassName: system-node-critical\n"
    "      hostNetwork: true\n"
    "      nodeSelector: {kubernetes.io/os: linux}\n"
    "      affinity:\n"
    "        nodeAffinity:\n"
    "          requiredDuringSchedulingIgnoredDuringExecution:\n"
    "            nodeSelectorTerms:\n"
    "            - matchExpressions:\n"
    "              - {key: pool, operator: In, values: [a, b]}\n"
    "      tolerations: [{key: dedicated, operator: Exists, "
    "effect: NoSchedule}]\n"
    "      containers:\n"
    "      - name: agent\n"
    "        image: agent:2\n"
    "        resources: {requests: {cpu: 50m, memory: 32Mi}}\n";

static void test_daemonset(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(setup(&f, agent_yaml), 0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    const ks_object *o =
        ks_store_find(f.s, KS_KIND_DAEMONSET, "kube-system", "agent");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_PTR_NOT_NULL(
        ks_store_find(f.s, KS_KIND_NAMESPACE, NULL, "kube-system"));
    const ks_daemonset_body *b = o->body;
    CU_ASSERT_EQUAL(b->strategy, KS_DS_ROLLING_UPDATE);
    CU_ASSERT_FALSE(b->max_unavailable.is_percent);
    CU_ASSERT_EQUAL(b->max_unavailable.value, 1);
    CU_ASSERT_FALSE(b->max_surge.is_percent);
    CU_ASSERT_EQUAL(b->max_surge.value, 0);
    CU_ASSERT_EQUAL(b->min_ready_s, 0);
    CU_ASSERT_EQUAL(b->selector.match_labels.n, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&b->selector.match_labels, "app"),
                           "agent");
    CU_ASSERT_EQUAL(b->template.labels.n, 2);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&b->template.labels, "tier"),
                           "node");
    CU_ASSERT_EQUAL(b->template.requests[KS_RES_CPU], 50);
    CU_ASSERT_EQUAL(b->template.requests[KS_RES_MEMORY], 32LL << 20);
    CU_ASSERT_EQUAL(b->template.priority, 2000001000);
    CU_ASSERT_STRING_EQUAL(b->template.image, "agent:2");
    CU_ASSERT_EQUAL(b->template.restart_policy, KS_RESTART_ALWAYS);
    /* only the template's own toleration: the controller adds the daemon
     * ones to the pods it makes */
    CU_ASSERT_EQUAL_FATAL(b->template.ntolerations, 1);
    CU_ASSERT_STRING_EQUAL(b->template.tolerations[0].key, "dedicated");
    CU_ASSERT_TRUE(b->host_network);
    CU_ASSERT_EQUAL(b->node_selector.n, 1);
    CU_ASSERT_STRING_EQUAL(
        ks_labels_get(&b->node_selector, "kubernetes.io/os"), "linux");
    CU_ASSERT_TRUE(b->has_required_affinity);
    CU_ASSERT_EQUAL_FATAL(b->required_affinity.nterms, 1);
    const ks_node_selector_term *t = &b->required_affinity.terms[0];
    CU_ASSERT_EQUAL_FATAL(t->nexpressions, 1);
    CU_ASSERT_STRING_EQUAL(t->match_expressions[0].key, "pool");
    CU_ASSERT_EQUAL(t->match_expressions[0].op, KS_OP_IN);
    CU_ASSERT_EQUAL_FATAL(t->match_expressions[0].nvalues, 2);
    CU_ASSERT_STRING_EQUAL(t->match_expressions[0].values[1], "b");
    CU_ASSERT_EQUAL(b->desired_number_scheduled, 0);
    CU_ASSERT_EQUAL(b->observed_generation, 0);
    /* the manifests are only read: they may go first */
    ks_manifests_free(&f.m);
    CU_ASSERT_STRING_EQUAL(b->template.tolerations[0].key, "dedicated");
    CU_ASSERT_STRING_EQUAL(t->match_expressions[0].values[0], "a");
    teardown(&f);
}

static void test_bare_pods(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        setup(&f, "apiVersion: v1\nkind: Pod\n"
                  "metadata: {name: bound, labels: {app: p}}\n"
                  "spec:\n  nodeName: node-1\n  restartPolicy: Never\n"
                  "  containers: [{name: c, image: busybox, resources: "
                  "{requests: {cpu: \"1\"}}}]\n"
                  "---\napiVersion: v1\nkind: Pod\n"
                  "metadata:\n  name: free\n  namespace: x\n"
                  "  annotations: {ksim.io/run-time: 30s, note: hi}\n"
                  "spec: {containers: [{name: c}]}\n"
                  "---\napiVersion: v1\nkind: Pod\nmetadata: {name: done}\n"
                  "spec: {containers: [{name: c}]}\n"
                  "status: {phase: Succeeded}\n"
                  "---\napiVersion: v1\nkind: Pod\n"
                  "metadata:\n  name: owned\n  ownerReferences:\n"
                  "  - {apiVersion: apps/v1, kind: ReplicaSet, name: r, "
                  "uid: u, controller: true}\n"
                  "spec: {containers: [{name: c}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 2);
    const ks_object *o = ks_store_find(f.s, KS_KIND_POD, "default", "bound");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_STRING_EQUAL(o->node_name, "node-1");
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&o->labels, "app"), "p");
    const ks_pod_body *b = o->body;
    CU_ASSERT_EQUAL(b->phase, KS_PHASE_PENDING);
    CU_ASSERT_EQUAL(b->spec.requests[KS_RES_CPU], 1000);
    CU_ASSERT_EQUAL(b->spec.restart_policy, KS_RESTART_NEVER);
    CU_ASSERT_STRING_EQUAL(b->spec.image, "busybox");
    o = ks_store_find(f.s, KS_KIND_POD, "x", "free");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_PTR_NULL(o->node_name);
    CU_ASSERT_EQUAL(((const ks_pod_body *)o->body)->spec.run_time,
                    30 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_NAMESPACE), 2);
    teardown(&f);
}

/* ---- pod lifecycle fields and DaemonSet strategies ----------------------- */

static const char lifecycle_yaml[] =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: sick}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: sick}}\n"
    "  template:\n"
    "    metadata:\n"
    "      labels: {app: sick}\n"
    "      annotations:\n"
    "        ksim.io/unhealthy-after: 30s\n"
    "        ksim.io/ignores-sigterm: \"true\"\n"
    "    spec:\n"
    "      terminationGracePeriodSeconds: 5\n"
    "      containers:\n"
    "      - name: app\n"
    "        readinessProbe:\n"
    "          httpGet: {path: /ready, port: 8080}\n"
    "          initialDelaySeconds: 2\n"
    "          periodSeconds: 5\n"
    "          failureThreshold: 1\n"
    "        livenessProbe:\n"
    "          tcpSocket: {port: 8080}\n"
    "          periodSeconds: 5\n"
    "          failureThreshold: 2\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: plain}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: plain}}\n"
    "  template:\n"
    "    metadata: {labels: {app: plain}}\n"
    "    spec: {containers: [{name: app}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: solo\n"
    "  annotations: {ksim.io/ignores-sigterm: \"false\"}\n"
    "spec:\n"
    "  terminationGracePeriodSeconds: 0\n"
    "  containers:\n"
    "  - name: c\n"
    "    livenessProbe: {exec: {command: [x]}, initialDelaySeconds: 7}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: DaemonSet\n"
    "metadata: {name: surge}\n"
    "spec:\n"
    "  minReadySeconds: 15\n"
    "  updateStrategy:\n"
    "    rollingUpdate: {maxSurge: \"20%\", maxUnavailable: 0}\n"
    "  selector: {matchLabels: {app: s}}\n"
    "  template:\n"
    "    metadata: {labels: {app: s}}\n"
    "    spec: {containers: [{name: c}]}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: DaemonSet\n"
    "metadata: {name: manual}\n"
    "spec:\n"
    "  updateStrategy: {type: OnDelete}\n"
    "  selector: {matchLabels: {app: m}}\n"
    "  template:\n"
    "    metadata: {labels: {app: m}}\n"
    "    spec: {containers: [{name: c}]}\n";

/* terminationGracePeriodSeconds, the probes, the liveness model, the
 * annotations and a DaemonSet's updateStrategy and minReadySeconds reach
 * the bodies; a template without them keeps the kubelet's probes and the
 * defaults. */
static void test_lifecycle_fields(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(setup(&f, lifecycle_yaml), 0);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    const ks_object *o =
        ks_store_find(f.s, KS_KIND_DEPLOYMENT, "default", "sick");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_pod_template *t =
        &((const ks_deployment_body *)o->body)->template;
    CU_ASSERT_EQUAL(t->termination_grace_s, 5);
    CU_ASSERT_EQUAL(t->ignores_sigterm, 1);
    CU_ASSERT_EQUAL(t->liveness, 1);
    CU_ASSERT_EQUAL(t->unhealthy_after, 30 * KS_SECOND);
    CU_ASSERT_EQUAL(t->has_readiness, 1);
    CU_ASSERT_EQUAL(t->readiness.initial_delay_s, 2);
    CU_ASSERT_EQUAL(t->readiness.period_s, 5);
    CU_ASSERT_EQUAL(t->readiness.timeout_s, 1);
    CU_ASSERT_EQUAL(t->readiness.success_threshold, 1);
    CU_ASSERT_EQUAL(t->readiness.failure_threshold, 1);
    CU_ASSERT_EQUAL(t->has_liveness, 1);
    CU_ASSERT_EQUAL(t->liveness_probe.initial_delay_s, 0);
    CU_ASSERT_EQUAL(t->liveness_probe.period_s, 5);
    CU_ASSERT_EQUAL(t->liveness_probe.timeout_s, 1);
    CU_ASSERT_EQUAL(t->liveness_probe.success_threshold, 1);
    CU_ASSERT_EQUAL(t->liveness_probe.failure_threshold, 2);

    /* Nothing said: the defaults, the kubelet's probes, no liveness. */
    o = ks_store_find(f.s, KS_KIND_DEPLOYMENT, "default", "plain");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_pod_template *plain =
        &((const ks_deployment_body *)o->body)->template;
    CU_ASSERT_EQUAL(plain->termination_grace_s, 30);
    CU_ASSERT_EQUAL(plain->ignores_sigterm, 0);
    CU_ASSERT_EQUAL(plain->liveness, 0);
    CU_ASSERT_EQUAL(plain->unhealthy_after, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(plain->has_readiness, 0);
    CU_ASSERT_EQUAL(plain->has_liveness, 0);

    /* A bare pod: grace 0 kept; a liveness probe without the annotation
     * (the application never hangs). */
    o = ks_store_find(f.s, KS_KIND_POD, "default", "solo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_pod_template *solo = &((const ks_pod_body *)o->body)->spec;
    CU_ASSERT_EQUAL(solo->termination_grace_s, 0);
    CU_ASSERT_EQUAL(solo->ignores_sigterm, 0);
    CU_ASSERT_EQUAL(solo->liveness, 1);
    CU_ASSERT_EQUAL(solo->unhealthy_after, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(solo->has_liveness, 1);
    CU_ASSERT_EQUAL(solo->liveness_probe.initial_delay_s, 7);
    CU_ASSERT_EQUAL(solo->liveness_probe.period_s, 10);
    CU_ASSERT_EQUAL(solo->liveness_probe.failure_threshold, 3);
    CU_ASSERT_EQUAL(solo->has_readiness, 0);

    /* The probe settings are part of the template's identity (a probe
     * change is a new template, hence a rollout). */
    ks_pod_template a, b;
    CU_ASSERT_EQUAL_FATAL(ks_cp_pod_template(&f.m.templates[0].pod, &a, &err),
                          0);
    ks_pod_template_copy(&b, &a);
    CU_ASSERT(ks_pod_template_equal(&a, &b, NULL));
    CU_ASSERT_EQUAL(ks_pod_template_hash(&a, NULL),
                    ks_pod_template_hash(&b, NULL));
    b.liveness_probe.failure_threshold = 3;
    CU_ASSERT_FALSE(ks_pod_template_equal(&a, &b, NULL));
    CU_ASSERT_NOT_EQUAL(ks_pod_template_hash(&a, NULL),
                        ks_pod_template_hash(&b, NULL));
    b.liveness_probe = a.liveness_probe;
    b.has_readiness = 0;
    CU_ASSERT_FALSE(ks_pod_template_equal(&a, &b, NULL));
    CU_ASSERT_NOT_EQUAL(ks_pod_template_hash(&a, NULL),
                        ks_pod_template_hash(&b, NULL));
    ks_pod_template_free(&a);
    ks_pod_template_free(&b);

    /* DaemonSets: RollingUpdate with a surge, minReadySeconds; OnDelete. */
    o = ks_store_find(f.s, KS_KIND_DAEMONSET, "default", "surge");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_daemonset_body *ds = o->body;
    CU_ASSERT_EQUAL(ds->strategy, KS_DS_ROLLING_UPDATE);
    CU_ASSERT_EQUAL(ds->min_ready_s, 15);
    CU_ASSERT(ds->max_surge.is_percent && ds->max_surge.value == 20);
    CU_ASSERT(!ds->max_unavailable.is_percent &&
              ds->max_unavailable.value == 0);
    o = ks_store_find(f.s, KS_KIND_DAEMONSET, "default", "manual");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    ds = o->body;
    CU_ASSERT_EQUAL(ds->strategy, KS_DS_ON_DELETE);
    CU_ASSERT_EQUAL(ds->min_ready_s, 0);
    teardown(&f);
}

/* A manifest pod built by hand (zeroed fields, as a caller may make one)
 * gets the API defaults: 30 s grace, no probes, no hang. */
static void test_hand_built_pod_template(void)
{
    ks_pod_spec spec = {0};
    ks_manifest_pod mp = {0};
    ks_pod_template t;
    ks_error err;
    mp.spec = &spec;
    mp.has_priority = 1;
    CU_ASSERT_EQUAL_FATAL(ks_cp_pod_template(&mp, &t, &err), 0);
    CU_ASSERT_EQUAL(t.termination_grace_s, 30);
    CU_ASSERT_EQUAL(t.liveness, 0);
    CU_ASSERT_EQUAL(t.unhealthy_after, KS_TIME_NEVER);
    CU_ASSERT(!t.has_readiness && !t.has_liveness && !t.ignores_sigterm);
    ks_pod_template_free(&t);
    mp.has_termination_grace = 1; /* given as 0 */
    mp.has_liveness_probe = 1;
    mp.liveness_probe = (ks_manifest_probe){KS_MANIFEST_PROBE_GRPC, 1, 2, 3,
                                            1, 5};
    mp.has_unhealthy_after = 1;
    mp.unhealthy_after_ns = 2000000000LL;
    CU_ASSERT_EQUAL_FATAL(ks_cp_pod_template(&mp, &t, &err), 0);
    CU_ASSERT_EQUAL(t.termination_grace_s, 0);
    CU_ASSERT(t.liveness && t.has_liveness);
    CU_ASSERT_EQUAL(t.unhealthy_after, 2 * KS_SECOND);
    CU_ASSERT(t.liveness_probe.initial_delay_s == 1 &&
              t.liveness_probe.period_s == 2 &&
              t.liveness_probe.timeout_s == 3 &&
              t.liveness_probe.success_threshold == 1 &&
              t.liveness_probe.failure_threshold == 5);
    ks_pod_template_free(&t);
}

/* ---- errors ---------------------------------------------------------------------- */

/* An unsupported kind fails before anything is written: the Deployment
 * before it is not created either. */
static void test_error_unsupported_kind(void)
{
    static const char *const kinds[][2] = {
        {"apps/v1", "StatefulSet"},
        {"v1", "ReplicationController"}};
    for (size_t k = 0; k < 2; k++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec:\n  selector: {matchLabels: {app: d}}\n"
                 "  template:\n    metadata: {labels: {app: d}}\n"
                 "    spec: {containers: [{name: c}]}\n"
                 "---\n"
                 "apiVersion: %s\nkind: %s\nmetadata: {name: x, namespace: "
                 "sys}\n"
                 "spec:\n  selector: %s\n"
                 "  template:\n    metadata: {labels: {app: x}}\n"
                 "    spec: {containers: [{name: c}]}\n",
                 kinds[k][0], kinds[k][1],
                 k == 1 ? "{app: x}" : "{matchLabels: {app: x}}");
        fixture f;
        ks_error err;
        CU_ASSERT_EQUAL_FATAL(setup(&f, text), 0);
        int rc = ks_cp_create_templates(f.s, &f.m, 0, f.m.ntemplates, &err);
        CU_ASSERT_EQUAL(rc, KS_EINVAL);
        CU_ASSERT_EQUAL(err.code, KS_EINVAL);
        CU_ASSERT_STRING_EQUAL(err.file, "t.yaml");
        CU_ASSERT_EQUAL(err.line, 10);
        CU_ASSERT_EQUAL(err.col, 1);
        char want[200];
        snprintf(want, sizeof want,
                 "%s sys/x: kind %s is not yet simulated on the store",
                 kinds[k][1], kinds[k][1]);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want));
        CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_DEPLOYMENT), 0);
        CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_NAMESPACE), 0);
        /* The range before it is fine. */
        CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 0, 1, &err), 0);
        CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_DEPLOYMENT), 1);
        teardown(&f);
    }
}

/* A Job that gives no restartPolicy has the default Always, which batch
 * validation refuses (the loader accepts it for scheduler-only runs). */
static void test_error_job_restart_policy(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        setup(&f, "# a Job\n"
                  "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
                  "spec: {template: {spec: {containers: [{name: c}]}}}\n"),
        0);
    CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 0, 1, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(err.line, 2);
    CU_ASSERT_EQUAL(err.col, 1);
    CU_ASSERT_STRING_EQUAL(err.file, "t.yaml");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err.msg, "Job default/j: spec.template.spec.restartPolicy: "
                        "Unsupported value: \"Always\" (the default): "
                        "supported values: \"OnFailure\", \"Never\""));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_JOB), 0);
    teardown(&f);
}

static void test_error_state_and_store(void)
{
    fixture f;
    ks_error err;
    const char *text =
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\n"
        "spec:\n  selector: {matchLabels: {app: r}}\n"
        "  template:\n    metadata: {labels: {app: r}}\n"
        "    spec: {containers: [{name: c}]}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
        "spec: {selector: {app: r}}\n";
    memset(&f, 0, sizeof f);
    f.e = ks_engine_create();
    f.s = ks_store_create(f.e, NULL);
    ks_kinds_install(f.s);
    CU_ASSERT_EQUAL_FATAL(
        ks_manifests_load_buffer(text, strlen(text), "t.yaml", &f.m, &err), 0);
    /* Priorities not resolved yet. */
    CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 0, 1, &err), KS_ESTATE);
    CU_ASSERT_EQUAL(err.line, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "ks_manifests_resolve_priorities"));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&f.m, &err), 0);
    /* A range beyond the set. */
    CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 0, 2, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_cp_create_services(f.s, &f.m, 1, 0, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_cp_create_pods(f.s, &f.m, 0, 1, &err), KS_EINVAL);
    /* An empty range creates nothing. */
    CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 1, 1, &err), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_NAMESPACE), 0);
    CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 0, 1, &err), 0);
    CU_ASSERT_EQUAL(ks_cp_create_services(f.s, &f.m, 0, 1, &err), 0);
    /* Twice: the names are taken. */
    CU_ASSERT_EQUAL(ks_cp_create_templates(f.s, &f.m, 0, 1, &err), KS_EEXIST);
    CU_ASSERT_EQUAL(err.line, 1);
    CU_ASSERT_EQUAL(err.col, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot create ReplicaSet "
                                           "default/r on the store: already "
                                           "exists"));
    CU_ASSERT_EQUAL(ks_cp_create_services(f.s, &f.m, 0, 1, &err), KS_EEXIST);
    CU_ASSERT_EQUAL(err.line, 10);
    /* Without etcd quorum nothing is written. */
    ks_store_members_down(f.s, 1);
    CU_ASSERT_EQUAL(ks_cp_create_services(f.s, &f.m, 0, 1, &err),
                    KS_EUNAVAILABLE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot create Service "
                                           "default/s on the store: service "
                                           "unavailable"));
    teardown(&f);

    /* A namespace the store cannot create: no quorum from the start. */
    CU_ASSERT_EQUAL_FATAL(setup(&f, text), 0);
    ks_store_members_down(f.s, 1);
    CU_ASSERT_EQUAL(ks_cp_create_services(f.s, &f.m, 0, 1, &err),
                    KS_EUNAVAILABLE);
    CU_ASSERT_EQUAL(err.line, 10);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot create Namespace default"));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_SERVICE), 0);
    teardown(&f);
}

/* ---- HorizontalPodAutoscalers ------------------------------------------------------- */

static const char hpa_yaml[] =
    "apiVersion: autoscaling/v2\n"
    "kind: HorizontalPodAutoscaler\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "  minReplicas: 2\n"
    "  maxReplicas: 10\n"
    "  metrics:\n"
    "    - type: Resource\n"
    "      resource: {name: cpu, target: {type: Utilization, "
    "averageUtilization: 50}}\n"
    "  behavior:\n"
    "    scaleDown:\n"
    "      stabilizationWindowSeconds: 60\n"
    "      policies: [{type: Pods, value: 1, periodSeconds: 30}]\n"
    "---\n"
    "apiVersion: autoscaling/v2\n"
    "kind: HorizontalPodAutoscaler\n"
    "metadata: {name: rs}\n"
    "spec:\n"
    "  scaleTargetRef: {kind: ReplicaSet, name: r}\n"
    "  maxReplicas: 3\n";

/* The bodies: the spec as loaded (defaults included), the status empty;
 * the namespaces created; the target need not exist. */
static void test_hpas(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(setup(&f, hpa_yaml), 0);
    CU_ASSERT_EQUAL_FATAL(f.m.nhpas, 2);
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, f.m.nhpas, &err), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_HPA), 2);
    CU_ASSERT_PTR_NOT_NULL(ks_store_find(f.s, KS_KIND_NAMESPACE, NULL, "shop"));
    CU_ASSERT_PTR_NOT_NULL(
        ks_store_find(f.s, KS_KIND_NAMESPACE, NULL, "default"));
    const ks_object *o = ks_store_find(f.s, KS_KIND_HPA, "shop", "web");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const ks_hpa_body *b = o->body;
    CU_ASSERT_EQUAL(b->target_kind, KS_KIND_DEPLOYMENT);
    CU_ASSERT_STRING_EQUAL(b->target_name, "web");
    CU_ASSERT_EQUAL(b->min_replicas, 2);
    CU_ASSERT_EQUAL(b->max_replicas, 10);
    CU_ASSERT_EQUAL(b->target_utilization, 50);
    CU_ASSERT_EQUAL(b->has_behavior, 1);
    /* scaleUp defaulted, scaleDown as given. */
    CU_ASSERT_EQUAL(b->scale_up.stabilization_window_seconds, 0);
    CU_ASSERT_EQUAL(b->scale_up.select, KS_HPA_SELECT_MAX);
    CU_ASSERT_EQUAL(b->scale_up.n_policies, 2);
    CU_ASSERT_EQUAL(b->scale_down.stabilization_window_seconds, 60);
    CU_ASSERT_EQUAL(b->scale_down.select, KS_HPA_SELECT_MAX);
    CU_ASSERT_EQUAL_FATAL(b->scale_down.n_policies, 1);
    CU_ASSERT(!b->scale_down.policies[0].percent);
    CU_ASSERT_EQUAL(b->scale_down.policies[0].value, 1);
    CU_ASSERT_EQUAL(b->scale_down.policies[0].period_seconds, 30);
    /* No status yet. */
    CU_ASSERT_EQUAL(b->current_replicas, 0);
    CU_ASSERT_EQUAL(b->desired_replicas, 0);
    CU_ASSERT_EQUAL(b->last_scale_time, -1);
    CU_ASSERT_EQUAL(b->current_utilization, -1);
    CU_ASSERT_EQUAL(b->scaling_active, 0);
    o = ks_store_find(f.s, KS_KIND_HPA, "default", "rs");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    b = o->body;
    CU_ASSERT_EQUAL(b->target_kind, KS_KIND_REPLICASET);
    CU_ASSERT_STRING_EQUAL(b->target_name, "r");
    CU_ASSERT_EQUAL(b->min_replicas, 1);
    CU_ASSERT_EQUAL(b->max_replicas, 3);
    CU_ASSERT_EQUAL(b->target_utilization, 80);
    CU_ASSERT_EQUAL(b->has_behavior, 0);
    /* Twice: the names are taken. */
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 1, &err), KS_EEXIST);
    CU_ASSERT_STRING_EQUAL(err.file, "t.yaml");
    CU_ASSERT_EQUAL(err.line, 1);
    CU_ASSERT_EQUAL(err.col, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot create "
                                           "HorizontalPodAutoscaler shop/web "
                                           "on the store: already exists"));
    teardown(&f);
}

/* A range beyond the set, an HPA the loader would refuse (built by hand):
 * nothing created; no etcd quorum: the store's error. */
static void test_error_hpas(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(setup(&f, hpa_yaml), 0);
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 3, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "HPAs [0, 3) out of the 2 loaded"));
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 2, 1, &err), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 1, 1, &err), 0);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_NAMESPACE), 0);
    /* The second is bad: the first is not created either. */
    free(f.m.hpas[1].target_kind);
    f.m.hpas[1].target_kind = ks_xstrdup("StatefulSet");
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 2, &err), KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.file, "t.yaml");
    CU_ASSERT_EQUAL(err.line, 16);
    CU_ASSERT_EQUAL(err.col, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "HorizontalPodAutoscaler "
                                           "default/rs: ksim scales a "
                                           "Deployment or a ReplicaSet"));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_HPA), 0);
    free(f.m.hpas[1].target_kind);
    f.m.hpas[1].target_kind = ks_xstrdup("ReplicaSet");
    f.m.hpas[1].max_replicas = 0;
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 2, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "needs 1 <= minReplicas <= "
                                           "maxReplicas"));
    f.m.hpas[1].max_replicas = 3;
    f.m.hpas[1].target_utilization = 0;
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 2, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "averageUtilization"));
    f.m.hpas[1].target_utilization = 80;
    f.m.hpas[1].scale_up.n_policies = KS_HPA_MAX_POLICIES + 1;
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 2, &err), KS_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "too many scaling policies"));
    f.m.hpas[1].scale_up.n_policies = 2;
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_HPA), 0);
    /* Without etcd quorum. */
    ks_store_members_down(f.s, 1);
    CU_ASSERT_EQUAL(ks_cp_create_hpas(f.s, &f.m, 0, 2, &err),
                    KS_EUNAVAILABLE);
    CU_ASSERT_EQUAL(err.line, 1);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_HPA), 0);
    teardown(&f);
}

/* ---- the controllers take it from there ---------------------------------------------- */

static void test_controllers_run_it(void)
{
    fixture f;
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(setup(&f, web_yaml), 0);
    /* Unpause it: a paused Deployment makes no ReplicaSet. */
    f.m.templates[0].paused = 0;
    ks_rs_controller *rsc = ks_rs_controller_create(f.e, f.s, NULL);
    ks_deploy_controller *dc = ks_deploy_controller_create(f.e, f.s, NULL);
    CU_ASSERT_EQUAL_FATAL(create_all(&f, &err), 0);
    ks_engine_run(f.e, 10 * KS_SECOND);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_REPLICASET), 1);
    const ks_object **pods;
    size_t n;
    const ks_object *svc = ks_store_find(f.s, KS_KIND_SERVICE, "shop", "web");
    ks_label_selector sel = {0};
    ks_labels_set(&sel.match_labels, "app", "web");
    ks_store_list(f.s, KS_KIND_POD, "shop", &sel, &pods, &n);
    CU_ASSERT_EQUAL(n, 4); /* the Service's selector finds the replicas */
    for (size_t i = 0; i < n; i++) {
        const ks_pod_body *b = pods[i]->body;
        CU_ASSERT_EQUAL(b->spec.requests[KS_RES_CPU], 300);
        CU_ASSERT_EQUAL(b->spec.crash_after, 90 * KS_SECOND);
    }
    CU_ASSERT_PTR_NOT_NULL(svc);
    free(pods);
    ks_label_selector_free(&sel);
    ks_deploy_controller_destroy(dc);
    ks_rs_controller_destroy(rsc);
    teardown(&f);
}

void ks_suite_cp_objects(void)
{
    static const ks_test_case cases[] = {
        {"Deployment and Service bodies", test_deployment_and_service},
        {"Deployment defaults and Recreate",
         test_deployment_defaults_and_recreate},
        {"ReplicaSet (and an owned one skipped)", test_replicaset},
        {"Jobs and the generated selector", test_jobs},
        {"DaemonSet body", test_daemonset},
        {"bare pods", test_bare_pods},
        {"pod lifecycle fields and DaemonSet strategies",
         test_lifecycle_fields},
        {"a hand-built manifest pod's defaults", test_hand_built_pod_template},
        {"error: kind not simulated on the store",
         test_error_unsupported_kind},
        {"error: Job restartPolicy", test_error_job_restart_policy},
        {"error: priorities, ranges, store writes",
         test_error_state_and_store},
        {"HorizontalPodAutoscaler bodies", test_hpas},
        {"error: HorizontalPodAutoscalers", test_error_hpas},
        {"controllers run a Deployment made from a manifest",
         test_controllers_run_it},
        {NULL, NULL}};
    ks_test_add_suite("cp_objects", cases);
}
