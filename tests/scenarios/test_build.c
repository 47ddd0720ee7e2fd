/* test_build.c - cluster state from manifests (scenarios/build.h): the
 * default selectors PodTopologySpread's default constraints take (ports of
 * upstream's helper and PodTopologySpread tests, each citing its case; a
 * real `kubectl get all` dump), the DaemonSet controller's pods (node
 * choice, tolerations, node affinity, and whole runs where each daemon pod
 * lands on its own node), and runs where the default profile's system
 * default constraints now spread a Deployment's replicas and a Service's
 * generator pods.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "policies/k8s/podtopologyspread.h"
#include "scenarios/build.h"
#include "scenarios/manifests.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"
#include "scenarios/schedconfig.h"
#include "sched/scheduler.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "tests/test_util.h"

void ks_suite_build(void);

#define DUMPS KS_TEST_SRCDIR "/tests/data/k8s-dumps/"

/* ---- helpers ------------------------------------------------------------ */

static int load(ks_manifests *m, const char *text)
{
    ks_error err;
    int rc = ks_manifests_load_buffer(text, strlen(text), "t.yaml", m, &err);
    if (!rc)
        rc = ks_manifests_resolve_priorities(m, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return rc;
}

static const ks_manifest_pod *find_pod(const ks_manifests *m,
                                       const char *name)
{
    for (size_t i = 0; i < m->npods; i++)
        if (!strcmp(m->pods[i].name, name))
            return &m->pods[i];
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

/* Registers every pod of m with d (as a run does). */
static void add_all_pods(ks_default_selectors *d, const ks_manifests *m)
{
    for (size_t i = 0; i < m->npods; i++)
        ks_default_selectors_add_pod(d, m->pods[i].spec,
                                     m->pods[i].owner_api_version,
                                     m->pods[i].owner_kind,
                                     m->pods[i].owner_name);
}

/* The default selector of pod name, written as "k=v ..." for its match
 * labels then "k in (v,...)" / "k exists" ... for its requirements; ""
 * when it has none. */
static const char *selector_text(ks_default_selectors *d,
                                 const ks_manifests *m, const char *name)
{
    static char buf[1024];
    buf[0] = '\0';
    const ks_manifest_pod *p = find_pod(m, name);
    CU_ASSERT_PTR_NOT_NULL(p);
    const ks_label_selector *s = p ? ks_default_selectors_get(d, p->spec)
                                   : NULL;
    if (!s)
        return buf;
    static const char *const ops[] = {"in", "notin", "exists", "!exists",
                                      "gt", "lt"};
    size_t o = 0;
    for (size_t i = 0; i < s->match_labels.n; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s=%s",
                              o ? " " : "", s->match_labels.items[i].key,
                              s->match_labels.items[i].value);
    for (size_t i = 0; i < s->nexpressions; i++) {
        const ks_requirement *r = &s->match_expressions[i];
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %s", o ? " " : "",
                              r->key, ops[r->op]);
        for (size_t v = 0; v < r->nvalues; v++)
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s",
                                  v ? "," : " (", r->values[v]);
        if (r->nvalues)
            o += (size_t)snprintf(buf + o, sizeof buf - o, ")");
    }
    return buf;
}

#define SERVICE(name, ns, sel)                                                 \
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: " name              \
    ", namespace: " ns "}\nspec: {selector: " sel "}\n"

#define POD(name, ns, labels, owner)                                           \
    "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n"           \
    "  namespace: " ns "\n  labels: " labels "\n" owner                      \
    "spec: {containers: [{name: c}]}\n"

#define OWNER(api, kind, name)                                                 \
    "  ownerReferences: [{apiVersion: " api ", kind: " kind ", name: " name    \
    ", controller: true}]\n"

/* ---- default selectors: upstream tables --------------------------------- */

/* helper/spread_test.go TestGetPodServices: three Services in namespace
 * test selecting app=test-0..2; pods 0..4 labelled app=test-i: pods 0-2
 * are selected by their Service (whose selector is then theirs), pods 3
 * and 4 by none. */
static void test_get_pod_services(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, SERVICE("service-0", "test", "{app: test-0}")
                 SERVICE("service-1", "test", "{app: test-1}")
                 SERVICE("service-2", "test", "{app: test-2}")
                 POD("test-pod-0", "test", "{app: test-0, label: label-0}", "")
                 POD("test-pod-1", "test", "{app: test-1, label: label-1}", "")
                 POD("test-pod-2", "test", "{app: test-2, label: label-2}", "")
                 POD("test-pod-3", "test", "{app: test-3, label: label-3}", "")
                 POD("test-pod-4", "test", "{app: test-4, label: label-4}",
                     "")),
        0);
    ks_default_selectors *d = ks_default_selectors_create(&m);
    add_all_pods(d, &m);
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "test-pod-0"), "app=test-0");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "test-pod-1"), "app=test-1");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "test-pod-2"), "app=test-2");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "test-pod-3"), "");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "test-pod-4"), "");
    ks_default_selectors_destroy(d);
    ks_manifests_free(&m);
}

#define RS(name, ns, sel, labels)                                              \
    "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: " name      \
    ", namespace: " ns "}\nspec:\n  replicas: 0\n  selector: " sel "\n"       \
    "  template:\n    metadata: {labels: " labels "}\n"                      \
    "    spec: {containers: [{name: c}]}\n"

/* podtopologyspread/scoring_test.go TestPreScoreSkip "default constraints
 * and a replicaset that doesn't match": the pod's owner rs2 is not loaded
 * (only rs1 is), so nothing selects it and no default constraint is
 * built. */
static void test_replicaset_not_found(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, RS("rs1", "default", "{matchExpressions: [{key: tar, "
                                      "operator: Exists}]}",
                    "{tar: x}")
                 POD("p", "default", "{foo: bar, baz: sup}",
                     OWNER("apps/v1", "ReplicaSet", "rs2"))),
        0);
    ks_default_selectors *d = ks_default_selectors_create(&m);
    add_all_pods(d, &m);
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "p"), "");
    ks_default_selectors_destroy(d);
    ks_manifests_free(&m);
}

/* ---- an in-process explain over manifests ------------------------------- */

typedef struct world {
    ks_manifests m;
    ks_schedconfig *conf;
    ks_cluster *c;
    ks_engine *e;
    ks_rngs *r;
    ks_scheduler *s;
    ks_default_selectors *d;
    uint32_t pod;
    ks_explain ex;
} world;

static void no_bind(void *ctx, uint32_t pod, uint32_t node)
{
    (void)ctx;
    (void)pod;
    (void)node;
}

/* Builds text's nodes and bound pods, the pending pod called pending, the
 * default profile, and (when install) the default selectors; explains
 * the pending pod.  Returns 0 on success. */
static int world_explain(world *w, const char *text, const char *pending,
                         int install)
{
    memset(w, 0, sizeof *w);
    ks_error err;
    if (load(&w->m, text))
        return -1;
    w->c = ks_cluster_create();
    if (ks_build_nodes(w->c, &w->m, 0, &err))
        return -1;
    w->conf = ks_schedconfig_default(36);
    ks_scheduler_config cfg = *ks_schedconfig_get(w->conf);
    cfg.cycle_base = cfg.cycle_per_node = 0;
    w->e = ks_engine_create();
    w->r = ks_rngs_create(1);
    w->s = ks_scheduler_create(w->e, w->c, ks_rngs_stream(w->r, "tiebreak"),
                               &cfg, no_bind, NULL);
    w->d = ks_default_selectors_create(&w->m);
    if (install)
        ks_default_selectors_install(w->d, w->s);
    w->pod = KS_NO_POD;
    for (size_t i = 0; i < w->m.npods; i++) {
        const ks_manifest_pod *mp = &w->m.pods[i];
        uint32_t p = ks_build_pod(w->c, mp, 0, 0, (uint32_t)i, &err);
        if (p == KS_NO_POD)
            return -1;
        ks_default_selectors_add_pod(w->d, mp->spec, mp->owner_api_version,
                                     mp->owner_kind, mp->owner_name);
        if (!strcmp(mp->name, pending)) {
            w->pod = p;
            continue;
        }
        ks_cluster_bind(w->c, p, ks_build_find_node(w->c, mp->node_name), 0);
        ks_scheduler_pod_bound_elsewhere(w->s, p);
    }
    if (w->pod == KS_NO_POD)
        return -1;
    return ks_scheduler_explain(w->s, w->pod, NULL, 0, 0, &w->ex);
}

static void world_free(world *w)
{
    ks_explain_free(&w->ex);
    ks_scheduler_destroy(w->s);
    ks_default_selectors_destroy(w->d);
    ks_rngs_destroy(w->r);
    ks_engine_destroy(w->e);
    ks_cluster_destroy(w->c);
    ks_schedconfig_destroy(w->conf);
    ks_manifests_free(&w->m);
}

/* The index of plugin in the explained profile. */
static size_t plugin_at(const world *w, const ks_plugin *plugin)
{
    for (size_t i = 0; i < w->ex.profile->nplugins; i++)
        if (w->ex.profile->plugins[i].plugin == plugin)
            return i;
    return SIZE_MAX;
}

/* The explained PodTopologySpread score of node called name. */
static const ks_explain_score *pts_score(const world *w, const char *name)
{
    size_t i = plugin_at(w, &ks_plugin_podtopologyspread);
    for (size_t k = 0; k < w->ex.nnodes; k++)
        if (!strcmp(w->c->nodes[w->ex.nodes[k].node].name, name))
            return &w->ex.nodes[k].score[i];
    return NULL;
}

#define NODE(name, labels)                                                     \
    "---\napiVersion: v1\nkind: Node\nmetadata: {name: " name                 \
    ", labels: " labels "}\n"                                                \
    "status: {allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n"

/* podtopologyspread/scoring_test.go TestPreScoreStateEmptyNodes "system
 * default constraints and a replicaset": the pod's ReplicaSet rs1 selects
 * Exists(foo), so the system defaults give two constraints with that
 * selector: hostname (4 nodes) and zone, where the two nodes without a
 * zone count as the domain "" (2 values: mars and ""). */
static void test_system_defaults_replicaset(void)
{
    static const char text[] =
        NODE("node-a", "{kubernetes.io/hostname: node-a, "
                       "topology.kubernetes.io/zone: mars}")
        NODE("node-b", "{kubernetes.io/hostname: node-b, "
                       "topology.kubernetes.io/zone: mars}")
        NODE("node-c", "{kubernetes.io/hostname: node-c}")
        NODE("node-d", "{kubernetes.io/hostname: node-d}")
        RS("rs1", "default", "{matchExpressions: [{key: foo, operator: "
                             "Exists}]}",
           "{foo: tar}")
        POD("p", "default", "{foo: tar, baz: sup}",
            OWNER("apps/v1", "ReplicaSet", "rs1"));
    world w;
    CU_ASSERT_EQUAL_FATAL(world_explain(&w, text, "p", 1), 0);
    CU_ASSERT_STRING_EQUAL(selector_text(w.d, &w.m, "p"), "foo exists");
    void *inst = ks_scheduler_plugin_instance(w.s, 0,
                                              &ks_plugin_podtopologyspread);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inst);
    CU_ASSERT_EQUAL_FATAL(ks_pts_score_nconstraints(inst), 2);
    /* plugin.go systemDefaultConstraints: hostname maxSkew 3 first, then
     * zone maxSkew 5; weights ln(topoSize + 2). */
    /* Hostname constraints track no values (ks_pts_score_ndomains 0);
     * their weight uses the 4 filtered nodes. */
    CU_ASSERT_EQUAL(ks_pts_score_ndomains(inst, 0), 0);
    CU_ASSERT_EQUAL(ks_pts_score_ndomains(inst, 1), 2);
    CU_ASSERT_DOUBLE_EQUAL(ks_pts_score_weight(inst, 0), log(6.0), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ks_pts_score_weight(inst, 1), log(4.0), 1e-12);
    CU_ASSERT_EQUAL(ks_pts_score_domain_count(inst, 1, "mars"), 0);
    CU_ASSERT_EQUAL(ks_pts_score_domain_count(inst, 1, ""), 0);
    /* Nothing matches yet: raw = sum of (maxSkew - 1) over the
     * constraints whose key the node has (Score skips the zone on nodes
     * without one): 2 + 4 on node-a, 2 on node-c; normalized
     * 100 (6 + 2 - raw) / 6. */
    CU_ASSERT(pts_score(&w, "node-a")->ran);
    CU_ASSERT_EQUAL(pts_score(&w, "node-a")->raw, 6);
    CU_ASSERT_EQUAL(pts_score(&w, "node-c")->raw, 2);
    CU_ASSERT_EQUAL(pts_score(&w, "node-a")->normalized, 33);
    CU_ASSERT_EQUAL(pts_score(&w, "node-d")->normalized, 100);
    world_free(&w);

    /* Without the selector source (before this change): Skip. */
    CU_ASSERT_EQUAL_FATAL(world_explain(&w, text, "p", 0), 0);
    CU_ASSERT_FALSE(pts_score(&w, "node-a")->ran);
    world_free(&w);
}

/* ---- default selectors: DefaultSelector's rules ------------------------- */

/* Services only of the pod's namespace and with a non-null selector that
 * matches; a ReplicationController merges its selector into the set; a
 * StatefulSet adds its requirements; an owner of another GroupVersion or
 * kind (extensions/v1beta1 ReplicaSet, DaemonSet, Job) adds nothing. */
static void test_default_selector_rules(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             SERVICE("web", "shop", "{app: web}")
             SERVICE("tier", "shop", "{tier: fe}")
             SERVICE("other-ns", "default", "{app: web}")
             SERVICE("nothing", "shop", "null")
             SERVICE("everything", "shop", "{}")
             SERVICE("mismatch", "shop", "{app: api}")
             "---\napiVersion: v1\nkind: ReplicationController\n"
             "metadata: {name: rc, namespace: shop}\n"
             "spec:\n  selector: {app: web, gen: \"1\"}\n"
             "  template:\n    metadata: {labels: {app: web, gen: \"1\"}}\n"
             "    spec: {containers: [{name: c}]}\n"
             "---\napiVersion: apps/v1\nkind: StatefulSet\n"
             "metadata: {name: db, namespace: shop}\n"
             "spec:\n  selector:\n    matchLabels: {app: db}\n"
             "    matchExpressions: [{key: role, operator: NotIn, "
             "values: [backup]}]\n"
             "  template:\n    metadata: {labels: {app: db}}\n"
             "    spec: {containers: [{name: c}]}\n"
             POD("a", "shop", "{app: web, tier: fe}", "")
             POD("b", "shop", "{app: web, tier: fe, gen: \"1\"}",
                 OWNER("v1", "ReplicationController", "rc"))
             POD("c", "shop", "{app: db}",
                 OWNER("apps/v1", "StatefulSet", "db"))
             POD("d", "shop", "{app: db}",
                 OWNER("apps/v1beta1", "StatefulSet", "db"))
             POD("e", "shop", "{app: web}", OWNER("apps/v1", "DaemonSet", "ds"))
             POD("f", "shop", "{x: y}", "")
             POD("g", "default", "{app: web}", "")),
        0);
    ks_default_selectors *d = ks_default_selectors_create(&m);
    add_all_pods(d, &m);
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "a"), "app=web tier=fe");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "b"),
                           "app=web gen=1 tier=fe");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "c"),
                           "app in (db) role notin (backup)");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "d"), "");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "e"), "app=web");
    /* Selected only by the {} Service: no requirement, no constraint. */
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "f"), "");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "g"), "app=web");
    /* An unregistered spec has none. */
    ks_pod_spec other = {0};
    CU_ASSERT_PTR_NULL(ks_default_selectors_get(d, &other));
    CU_ASSERT_PTR_NULL(ks_default_selectors_get(d, NULL));
    ks_default_selectors_destroy(d);
    ks_manifests_free(&m);
}

/* Template pods: a ReplicaSet's and a StatefulSet's own selector, a
 * Deployment's ReplicaSet (its selector plus pod-template-hash), a Job's
 * nothing; a generator's spec only what Services give. */
static void test_default_selector_templates(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m,
             SERVICE("web", "default", "{app: web}")
             "---\napiVersion: apps/v1\nkind: Deployment\n"
             "metadata: {name: web}\n"
             "spec:\n  selector: {matchLabels: {app: web}}\n"
             "  template:\n    metadata: {labels: {app: web}}\n"
             "    spec: {containers: [{name: c}]}\n"
             RS("rs", "default", "{matchLabels: {app: rs}}", "{app: rs}")
             "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
             "spec: {template: {metadata: {labels: {app: web}}, spec: "
             "{containers: [{name: c}]}}}\n"),
        0);
    ks_default_selectors *d = ks_default_selectors_create(&m);
    const ks_manifest_template *dep = find_template(&m, "Deployment", "web");
    const ks_manifest_template *rs = find_template(&m, "ReplicaSet", "rs");
    const ks_manifest_template *job = find_template(&m, "Job", "j");
    ks_default_selectors_add_template(d, dep);
    ks_default_selectors_add_template(d, rs);
    ks_default_selectors_add_template(d, job);
    const ks_label_selector *s = ks_default_selectors_get(d, dep->pod.spec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->match_labels.n, 1); /* the Service */
    CU_ASSERT_EQUAL_FATAL(s->nexpressions, 2);
    CU_ASSERT_STRING_EQUAL(s->match_expressions[0].key, "app");
    CU_ASSERT_STRING_EQUAL(s->match_expressions[1].key, "pod-template-hash");
    CU_ASSERT_STRING_EQUAL(s->match_expressions[1].values[0],
                           dep->pod_template_hash);
    /* The replicas carry the hash label, so the selector selects them. */
    CU_ASSERT(ks_label_selector_matches(s, &dep->pod.spec->labels));
    s = ks_default_selectors_get(d, rs->pod.spec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->match_labels.n, 0);
    CU_ASSERT_EQUAL(s->nexpressions, 1);
    s = ks_default_selectors_get(d, job->pod.spec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s); /* the Service only */
    CU_ASSERT_EQUAL(s->match_labels.n, 1);
    CU_ASSERT_EQUAL(s->nexpressions, 0);
    /* A generator's spec: labels only, no owner. */
    ks_pod_spec gen = {0};
    ks_labels_set(&gen.labels, "app", "web");
    ks_default_selectors_add_pod(d, &gen, NULL, NULL, NULL);
    s = ks_default_selectors_get(d, &gen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&s->match_labels, "app"), "web");
    ks_pod_spec_free(&gen);
    ks_default_selectors_destroy(d);
    ks_manifests_free(&m);
}

/* kubevious's `kubectl get all`: a Deployment's pod in namespace hipster
 * is selected by its Service (app=adservice) and owned by its ReplicaSet
 * (app and pod-template-hash). */
static void test_default_selector_dump(void)
{
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(
        ks_manifests_load_file(DUMPS "kubevious-parser--data-all.yaml", &m,
                               &err),
        0);
    ks_default_selectors *d = ks_default_selectors_create(&m);
    add_all_pods(d, &m);
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "adservice-84b8749d65-ngsw4"),
                           "app=adservice app in (adservice) "
                           "pod-template-hash in (84b8749d65)");
    CU_ASSERT_STRING_EQUAL(selector_text(d, &m, "gitlab-gitaly-0"),
                           "app=gitaly release=gitlab app in (gitaly) "
                           "release in (gitlab)");
    ks_default_selectors_destroy(d);
    ks_manifests_free(&m);
}

/* A Service selecting bound pods: the pending pod it selects gets
 * PodTopologySpread scores that prefer the nodes with fewer of them. */
static void test_service_scores(void)
{
    static const char text[] =
        NODE("n1", "{kubernetes.io/hostname: n1}")
        NODE("n2", "{kubernetes.io/hostname: n2}")
        SERVICE("web", "default", "{app: web}")
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w1, labels: "
        "{app: web}}\nspec: {nodeName: n1, containers: [{name: c}]}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w2, labels: "
        "{app: web}}\nspec: {nodeName: n1, containers: [{name: c}]}\n"
        POD("p", "default", "{app: web}", "");
    world w;
    CU_ASSERT_EQUAL_FATAL(world_explain(&w, text, "p", 1), 0);
    const ks_explain_score *s1 = pts_score(&w, "n1"), *s2 = pts_score(&w, "n2");
    CU_ASSERT_FATAL(s1 && s2 && s1->ran && s2->ran);
    /* Hostname only (no zones): raw = round(count * ln(2 + 2) + 3 - 1):
     * n1 round(2 ln 4 + 2) = 5, n2 2; normalized 100 (5 + 2 - raw) / 5. */
    CU_ASSERT_EQUAL(s1->raw, 5);
    CU_ASSERT_EQUAL(s2->raw, 2);
    CU_ASSERT_EQUAL(s1->normalized, 40);
    CU_ASSERT_EQUAL(s2->normalized, 100);
    CU_ASSERT_EQUAL(s2->weighted, 200);
    CU_ASSERT_STRING_EQUAL(w.c->nodes[w.ex.selected].name, "n2");
    world_free(&w);
}

/* ---- DaemonSets --------------------------------------------------------- */

#define DAEMONSET(extra)                                                       \
    "---\napiVersion: apps/v1\nkind: DaemonSet\n"                             \
    "metadata: {name: agent, namespace: kube-system}\n"                      \
    "spec:\n  selector: {matchLabels: {app: agent}}\n"                       \
    "  template:\n    metadata: {labels: {app: agent}}\n"                    \
    "    spec:\n" extra                                                       \
    "      containers: [{name: c, resources: {requests: {cpu: 100m}}}]\n"

/* The tolerations AddOrUpdateDaemonPodTolerations gives (util/
 * daemonset_util.go, and its test TestAddOrUpdateDaemonPodTolerations'
 * rules): the six Exists tolerations in order, network-unavailable only
 * with hostNetwork; a matching toleration with tolerationSeconds is
 * replaced (infinite), an equal one kept as is, others untouched; the
 * required affinity becomes matchFields metadata.name In [node]. */
static void test_daemon_tolerations(void)
{
    ks_manifests m = {0};
    CU_ASSERT_EQUAL_FATAL(
        load(&m, DAEMONSET(
                     "      hostNetwork: true\n"
                     "      tolerations:\n"
                     "      - {key: node.kubernetes.io/not-ready, operator: "
                     "Exists, effect: NoExecute, tolerationSeconds: 300}\n"
                     "      - {key: node.kubernetes.io/unreachable, operator: "
                     "Exists, effect: NoExecute}\n"
                     "      - {key: dedicated, value: infra, effect: "
                     "NoSchedule}\n"
                     "      affinity:\n        nodeAffinity:\n"
                     "          requiredDuringSchedulingIgnoredDuring"
                     "Execution:\n            nodeSelectorTerms:\n"
                     "            - matchExpressions: [{key: role, operator: "
                     "In, values: [infra]}]\n"
                     "          preferredDuringSchedulingIgnoredDuring"
                     "Execution:\n"
                     "          - {weight: 5, preference: {matchExpressions: "
                     "[{key: ssd, operator: Exists}]}}\n")),
        0);
    const ks_manifest_template *t = find_template(&m, "DaemonSet", "agent");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT(t->pod.host_network);
    ks_pod_spec *s = ks_build_daemon_spec(t, "node-7");
    static const char *const keys[] = {
        "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
        "dedicated", "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/unschedulable",
        "node.kubernetes.io/network-unavailable"};
    CU_ASSERT_EQUAL_FATAL(s->ntolerations, 8);
    for (size_t i = 0; i < 8; i++)
        CU_ASSERT_STRING_EQUAL(s->tolerations[i].key, keys[i]);
    CU_ASSERT_FALSE(s->tolerations[0].has_seconds); /* replaced */
    CU_ASSERT_EQUAL(s->tolerations[0].effect, KS_EFFECT_NO_EXECUTE);
    CU_ASSERT_EQUAL(s->tolerations[2].op, KS_TOLERATION_EQUAL);
    CU_ASSERT_STRING_EQUAL(s->tolerations[2].value, "infra");
    for (size_t i = 3; i < 8; i++) {
        CU_ASSERT_EQUAL(s->tolerations[i].op, KS_TOLERATION_EXISTS);
        CU_ASSERT_EQUAL(s->tolerations[i].effect, KS_EFFECT_NO_SCHEDULE);
        CU_ASSERT_FALSE(s->tolerations[i].has_seconds);
    }
    CU_ASSERT(s->node_affinity.has_required);
    CU_ASSERT_EQUAL_FATAL(s->node_affinity.required.nterms, 1);
    const ks_node_selector_term *term = &s->node_affinity.required.terms[0];
    CU_ASSERT_EQUAL(term->nexpressions, 0);
    CU_ASSERT_EQUAL_FATAL(term->nfields, 1);
    CU_ASSERT_STRING_EQUAL(term->match_fields[0].key, "metadata.name");
    CU_ASSERT_EQUAL(term->match_fields[0].op, KS_OP_IN);
    CU_ASSERT_EQUAL_FATAL(term->match_fields[0].nvalues, 1);
    CU_ASSERT_STRING_EQUAL(term->match_fields[0].values[0], "node-7");
    CU_ASSERT_EQUAL(s->node_affinity.npreferred, 1);
    CU_ASSERT_STRING_EQUAL(ks_labels_get(&s->labels, "app"), "agent");
    CU_ASSERT_STRING_EQUAL(s->namespace_name, "kube-system");
    /* The template itself is unchanged. */
    CU_ASSERT_EQUAL(t->pod.spec->ntolerations, 3);
    CU_ASSERT(t->pod.spec->tolerations[0].has_seconds);
    ks_pod_spec_free(s);
    free(s);
    ks_manifests_free(&m);

    /* Without hostNetwork: six, network-unavailable not among them. */
    CU_ASSERT_EQUAL_FATAL(load(&m, DAEMONSET("")), 0);
    s = ks_build_daemon_spec(&m.templates[0], "n");
    CU_ASSERT_EQUAL(s->ntolerations, 6);
    CU_ASSERT_STRING_EQUAL(s->tolerations[5].key,
                           "node.kubernetes.io/unschedulable");
    ks_pod_spec_free(s);
    free(s);
    ks_manifests_free(&m);
}

/* NodeShouldRunDaemonPod over a few nodes: nodeSelector and required node
 * affinity must match; NoSchedule / NoExecute taints must be tolerated
 * (the controller's own tolerations count: unschedulable, not-ready...);
 * PreferNoSchedule taints and spec.unschedulable do not matter. */
static void test_daemon_should_run(void)
{
    static const char text[] =
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: plain, labels: "
        "{os: linux}}\nstatus: {allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: gpu, labels: "
        "{os: linux}}\nspec: {taints: [{key: gpu, effect: NoSchedule}]}\n"
        "status: {allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: evict, labels: "
        "{os: linux}}\nspec: {taints: [{key: bad, effect: NoExecute}]}\n"
        "status: {allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: cordoned, labels: "
        "{os: linux}}\nspec:\n  unschedulable: true\n  taints:\n"
        "  - {key: node.kubernetes.io/unschedulable, effect: NoSchedule}\n"
        "  - {key: node.kubernetes.io/not-ready, effect: NoExecute}\n"
        "  - {key: soft, effect: PreferNoSchedule}\n"
        "status: {allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: windows, labels: "
        "{os: windows}}\nstatus: {allocatable: {cpu: \"4\", memory: 8Gi}}\n"
        DAEMONSET("      nodeSelector: {os: linux}\n");
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(load(&m, text), 0);
    ks_cluster *c = ks_cluster_create();
    CU_ASSERT_EQUAL_FATAL(ks_build_nodes(c, &m, 0, &err), 0);
    const ks_manifest_template *t = &m.templates[0];
    CU_ASSERT(ks_build_daemon_should_run(c, 0, t));       /* plain */
    CU_ASSERT_FALSE(ks_build_daemon_should_run(c, 1, t)); /* gpu taint */
    CU_ASSERT_FALSE(ks_build_daemon_should_run(c, 2, t)); /* NoExecute */
    CU_ASSERT(ks_build_daemon_should_run(c, 3, t));       /* cordoned */
    CU_ASSERT_FALSE(ks_build_daemon_should_run(c, 4, t)); /* windows */
    ks_cluster_destroy(c);
    ks_manifests_free(&m);
}

/* A run: 3 nodes, one tainted NoSchedule; a DaemonSet without a toleration
 * for it gives 2 pending pods, named after their nodes, each bound by the
 * scheduler to its own node; a pod of the DaemonSet already on a node in
 * the manifests keeps the controller from making another there. */
static void test_daemon_run(void)
{
    char nodes[4200], apps[4200], scen[4200];
    snprintf(nodes, sizeof nodes, "%s", ks_test_tmp("build-ds-nodes.yaml"));
    snprintf(apps, sizeof apps, "%s", ks_test_tmp("build-ds-apps.yaml"));
    snprintf(scen, sizeof scen, "%s", ks_test_tmp("build-ds.yaml"));
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(
            nodes,
            "apiVersion: v1\nkind: List\nitems:\n"
            "- {apiVersion: v1, kind: Node, metadata: {name: a, labels: "
            "{kubernetes.io/hostname: a}}, status: {allocatable: {cpu: \"4\","
            " memory: 8Gi, pods: \"110\"}}}\n"
            "- {apiVersion: v1, kind: Node, metadata: {name: b, labels: "
            "{kubernetes.io/hostname: b}}, spec: {taints: [{key: dedicated, "
            "value: db, effect: NoSchedule}]}, status: {allocatable: {cpu: "
            "\"4\", memory: 8Gi, pods: \"110\"}}}\n"
            "- {apiVersion: v1, kind: Node, metadata: {name: c, labels: "
            "{kubernetes.io/hostname: c}}, status: {allocatable: {cpu: \"4\","
            " memory: 8Gi, pods: \"110\"}}}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(apps, DAEMONSET("")), 0);
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(
            scen, "apiVersion: ksim.dev/v1\nkind: Scenario\n"
                  "metadata: {name: ds}\nspec:\n  duration: 1m\n"
                  "  cluster: {nodes: [build-ds-nodes.yaml]}\n"
                  "  workloads:\n    - manifests: [build-ds-apps.yaml]\n"),
        0);
    ks_scenario *sc = NULL;
    ks_error err;
    int rc = ks_scenario_load_file(scen, &sc, &err);
    if (rc)
        ks_error_print(&err, stderr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    ks_run_options opt = {.check_invariants = 1};
    ks_run *run = ks_run_create(sc, &opt);
    CU_ASSERT_EQUAL_FATAL(ks_run_execute(run, &err), 0);
    const ks_cluster *c = ks_run_cluster(run);
    CU_ASSERT_EQUAL_FATAL(c->npods, 2);
    for (size_t i = 0; i < c->npods; i++) {
        const ks_pod *p = &c->pods[i];
        CU_ASSERT_EQUAL_FATAL(p->phase, KS_POD_RUNNING);
        char want[64];
        snprintf(want, sizeof want, "kube-system/agent-%s",
                 c->nodes[p->node].name);
        CU_ASSERT_STRING_EQUAL(p->name, want);
        CU_ASSERT(strcmp(c->nodes[p->node].name, "b") != 0);
        CU_ASSERT_EQUAL(p->request[KS_RES_CPU], 100);
    }
    ks_run_destroy(run);
    ks_scenario_destroy(sc);

    /* A dumped daemon pod on a: only c gets a new one. */
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(
            apps, DAEMONSET("")
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: agent-x1\n"
            "  namespace: kube-system\n  labels: {app: agent}\n"
            OWNER("apps/v1", "DaemonSet", "agent")
            "spec: {nodeName: a, containers: [{name: c}]}\n"),
        0);
    CU_ASSERT_EQUAL_FATAL(ks_scenario_load_file(scen, &sc, &err), 0);
    run = ks_run_create(sc, &opt);
    CU_ASSERT_EQUAL_FATAL(ks_run_execute(run, &err), 0);
    c = ks_run_cluster(run);
    CU_ASSERT_EQUAL_FATAL(c->npods, 2);
    CU_ASSERT_STRING_EQUAL(c->pods[0].name, "kube-system/agent-x1");
    CU_ASSERT_STRING_EQUAL(c->pods[1].name, "kube-system/agent-c");
    CU_ASSERT_STRING_EQUAL(c->nodes[c->pods[1].node].name, "c");
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
}

/* ---- system default constraints in whole runs --------------------------- */

/* Pods bound to node name at the end of a run of scenario text. */
static int pods_on(const char *scenario, const char *file, const char *app,
                   const char *node)
{
    char path[4200], apps[4200];
    snprintf(apps, sizeof apps, "%s", ks_test_tmp("build-spread-apps.yaml"));
    if (ks_test_write_file(apps, app))
        return -1;
    snprintf(path, sizeof path, "%s", ks_test_tmp(file));
    if (ks_test_write_file(path, scenario))
        return -1;
    ks_scenario *sc = NULL;
    ks_error err;
    if (ks_scenario_load_file(path, &sc, &err)) {
        ks_error_print(&err, stderr);
        return -1;
    }
    ks_run_options opt = {.check_invariants = 1};
    ks_run *run = ks_run_create(sc, &opt);
    int n = -1;
    if (!ks_run_execute(run, &err)) {
        const ks_cluster *c = ks_run_cluster(run);
        n = 0;
        for (size_t i = 0; i < c->npods; i++)
            n += c->pods[i].node != KS_NO_NODE &&
                 !strcmp(c->nodes[c->pods[i].node].name, node);
    }
    ks_run_destroy(run);
    ks_scenario_destroy(sc);
    return n;
}

/* A big node and a small one: resource scores alone put every replica on
 * the big node; the system default constraints (hostname maxSkew 3,
 * ScheduleAnyway, weight 2) spread them once the Deployment's ReplicaSet
 * selects them -- and do nothing without a selector, as before. */
#define SPREAD_SCENARIO(workload)                                              \
    "apiVersion: ksim.dev/v1\nkind: Scenario\nmetadata: {name: s}\n"           \
    "spec:\n  duration: 10m\n"                                               \
    "  scheduler: {cycleTime: {base: 0s, perNode: 0s}, bindLatency: 0s}\n"   \
    "  cluster:\n    nodePools:\n"                                           \
    "      - {name: big, count: 1, allocatable: {cpu: \"32\", memory: "       \
    "64Gi}}\n"                                                               \
    "      - {name: small, count: 1, allocatable: {cpu: \"4\", memory: "     \
    "8Gi}}\n"                                                                \
    "  workloads:\n" workload

#define DEPLOYMENT(selector)                                                   \
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"          \
    "spec:\n  replicas: 6\n" selector                                         \
    "  template:\n    metadata: {labels: {app: web}}\n"                      \
    "    spec: {containers: [{name: c, resources: {requests: {cpu: 100m}}}]}\n"

static void test_deployment_spread_by_system_defaults(void)
{
    const char *scen =
        SPREAD_SCENARIO("    - manifests: [build-spread-apps.yaml]\n");
    int with = pods_on(scen, "build-spread-with.yaml",
                       DEPLOYMENT("  selector: {matchLabels: {app: web}}\n"),
                       "small-0");
    int without = pods_on(scen, "build-spread-without.yaml", DEPLOYMENT(""),
                          "small-0");
    CU_ASSERT_EQUAL(without, 0);
    CU_ASSERT(with >= 2);
    CU_ASSERT(with <= 4);
}

/* Generator pods have no owner: a Service selecting their labels gives
 * them the default selector, and they spread as the Deployment's do. */
static void test_service_spreads_generator_pods(void)
{
    const char *gen =
        "    - generator:\n        arrivals: {rate: 1/s}\n        count: 6\n"
        "        duration: 1h\n"
        "        template:\n          metadata: {labels: {app: batch}}\n"
        "          spec: {containers: [{name: c, resources: {requests: "
        "{cpu: 100m}}}]}\n";
    char scen[4096];
    snprintf(scen, sizeof scen,
             SPREAD_SCENARIO("%s    - manifests: [build-spread-apps.yaml]\n"),
             gen);
    int with = pods_on(scen, "build-gen-with.yaml",
                       "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
                       "spec: {selector: {app: batch}}\n",
                       "small-0");
    int without = pods_on(scen, "build-gen-without.yaml",
                          "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
                          "spec: {selector: {app: other}}\n",
                          "small-0");
    CU_ASSERT_EQUAL(without, 0);
    CU_ASSERT(with >= 2);
}

void ks_suite_build(void)
{
    static const ks_test_case cases[] = {
        {"TestGetPodServices", test_get_pod_services},
        {"TestPreScoreSkip: replicaset that doesn't match",
         test_replicaset_not_found},
        {"TestPreScoreStateEmptyNodes: system defaults and a replicaset",
         test_system_defaults_replicaset},
        {"DefaultSelector: Services, RC, StatefulSet, other owners",
         test_default_selector_rules},
        {"DefaultSelector: template and generator pods",
         test_default_selector_templates},
        {"DefaultSelector: kubevious dump", test_default_selector_dump},
        {"a Service's pods: PodTopologySpread scores", test_service_scores},
        {"DaemonSet tolerations and node affinity", test_daemon_tolerations},
        {"DaemonSet: nodes that should run it", test_daemon_should_run},
        {"DaemonSet: one pod per node in a run", test_daemon_run},
        {"Deployment replicas spread by system defaults",
         test_deployment_spread_by_system_defaults},
        {"a Service spreads generator pods",
         test_service_spreads_generator_pods},
        {NULL, NULL}};
    ks_test_add_suite("build", cases);
}
