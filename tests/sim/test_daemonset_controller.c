/* test_daemonset_controller.c - the DaemonSet controller on the store
 * (sim/controllers/daemonset_controller.h) with kubelets (sim/kubelet.h)
 * running its pods.
 *
 * Daemon pods are created bound to their node (the header's
 * simplification), so no scheduler is needed: each node's kubelet sees its
 * pod at once, starts it after 1 s and reports it Ready at its first
 * readiness probe.  A monitor watches the pods and samples, at every pod
 * event, how many of the watched nodes have no Ready pod of the DaemonSet
 * (unavailable nodes) and how many pods the DaemonSet has.  The last test
 * runs a DaemonSet read from a manifest (scenarios/cp_objects.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/cp_objects.h"
#include "scenarios/manifests.h"
#include "sim/controllers/daemonset_controller.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

#define S KS_SECOND
#define MAX_NODES 48
#define MAX_DELETES 16

typedef struct deletion {
    ks_time t;
    int node; /* index of node-<i>, -1 when unknown */
} deletion;

typedef struct fixture {
    ks_engine *e;
    ks_store *s;
    ks_kubelet *k[MAX_NODES];
    uint64_t node_uid[MAX_NODES];
    int nnodes;
    ks_daemonset_controller *dc;
    /* the monitor */
    int mon_watch;
    uint64_t ds;         /* the DaemonSet watched, 0: none */
    int monitoring;      /* sampling on */
    int watched_nodes;   /* node-0 .. node-<n-1> */
    int max_unavailable; /* most unavailable nodes seen */
    int max_pods;        /* most pods of the DaemonSet seen */
    int min_pods;
    uint64_t pod_uid[256]; /* pod uid -> node index, for DELETED events */
    int pod_node[256];
    int npod_seen;
    deletion dels[MAX_DELETES];
    int ndels;
} fixture;

static int node_index(const char *name)
{
    int i;
    if (!name || sscanf(name, "node-%d", &i) != 1)
        return -1;
    return i;
}

static ks_owner_ref const *controller_ref(const ks_object *o)
{
    for (size_t i = 0; i < o->nowners; i++)
        if (o->owners[i].controller)
            return &o->owners[i];
    return NULL;
}

/* The pods the DaemonSet controls, in creation order (free() it). */
static size_t ds_pods(fixture *f, uint64_t ds, const ks_object ***out)
{
    const ks_object **v;
    size_t n, k = 0;
    ks_store_list(f->s, KS_KIND_POD, NULL, NULL, &v, &n);
    for (size_t i = 0; i < n; i++) {
        const ks_owner_ref *r = controller_ref(v[i]);
        if (r && r->uid == ds && r->kind == KS_KIND_DAEMONSET)
            v[k++] = v[i];
    }
    *out = v;
    return k;
}

/* The DaemonSet's only pod on node-<i>, NULL when none (a failed check
 * when more). */
static const ks_object *pod_on(fixture *f, uint64_t ds, int node)
{
    const ks_object **v;
    size_t n = ds_pods(f, ds, &v);
    const ks_object *found = NULL;
    int count = 0;
    for (size_t i = 0; i < n; i++)
        if (node_index(v[i]->node_name) == node) {
            found = v[i];
            count++;
        }
    free(v);
    CU_ASSERT(count <= 1);
    return found;
}

static void on_pod(void *ctx, const ks_watch_event *ev)
{
    fixture *f = ctx;
    if (ev->type == KS_WATCH_ADDED && ev->obj && f->npod_seen < 256) {
        f->pod_uid[f->npod_seen] = ev->uid;
        f->pod_node[f->npod_seen++] = node_index(ev->obj->node_name);
    }
    if (ev->type == KS_WATCH_DELETED && f->ndels < MAX_DELETES) {
        int node = -1;
        for (int i = 0; i < f->npod_seen; i++)
            if (f->pod_uid[i] == ev->uid)
                node = f->pod_node[i];
        f->dels[f->ndels++] = (deletion){ks_engine_now(f->e), node};
    }
    if (!f->monitoring || !f->ds)
        return;
    const ks_object **v;
    size_t n = ds_pods(f, f->ds, &v);
    int unavailable = 0;
    for (int node = 0; node < f->watched_nodes; node++) {
        int ready = 0;
        for (size_t i = 0; i < n; i++) {
            const ks_pod_body *b = v[i]->body;
            if (node_index(v[i]->node_name) == node && b && b->ready)
                ready = 1;
        }
        unavailable += !ready;
    }
    free(v);
    if (unavailable > f->max_unavailable)
        f->max_unavailable = unavailable;
    if ((int)n > f->max_pods)
        f->max_pods = (int)n;
    if ((int)n < f->min_pods)
        f->min_pods = (int)n;
}

/* Adds Node node-<nnodes> (taints and labels may be NULL) and, when
 * with_kubelet, its kubelet. */
static int add_node(fixture *f, int with_kubelet, const char *taint_key,
                    ks_taint_effect effect, const ks_labels *labels)
{
    int i = f->nnodes++;
    char name[24];
    snprintf(name, sizeof name, "node-%d", i);
    ks_node_body *b = ks_xcalloc(1, sizeof *b);
    b->allocatable[KS_RES_CPU] = 4000;
    b->allocatable[KS_RES_MEMORY] = 16LL << 30;
    b->allocatable[KS_RES_PODS] = 110;
    b->ready = KS_READY_TRUE;
    if (taint_key)
        ks_node_body_add_taint(b, taint_key, effect, 0);
    ks_object_spec spec = {KS_KIND_NODE, NULL, name, labels, NULL, 0, NULL,
                           b};
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &spec,
                                                 &f->node_uid[i]),
                          0);
    if (with_kubelet) {
        ks_kubelet_config kc = ks_kubelet_default_config();
        kc.start_latency = S;
        f->k[i] = ks_kubelet_create(f->e, f->s, name, &kc);
    }
    return i;
}

static void setup_with(fixture *f, int nnodes,
                       const ks_daemonset_controller_config *cfg)
{
    memset(f, 0, sizeof *f);
    f->min_pods = 1 << 30;
    f->e = ks_engine_create();
    f->s = ks_store_create(f->e, NULL);
    ks_kinds_install(f->s);
    f->mon_watch = ks_store_watch(f->s, KS_KIND_POD, NULL, NULL, 0, on_pod, f);
    f->dc = ks_daemonset_controller_create(f->e, f->s, cfg);
    for (int i = 0; i < nnodes; i++)
        add_node(f, 1, NULL, KS_EFFECT_NO_SCHEDULE, NULL);
}

static void setup(fixture *f)
{
    setup_with(f, 3, NULL);
}

static void teardown(fixture *f)
{
    ks_daemonset_controller_destroy(f->dc);
    ks_store_unwatch(f->s, f->mon_watch);
    for (int i = 0; i < f->nnodes; i++)
        ks_kubelet_destroy(f->k[i]);
    ks_store_destroy(f->s);
    ks_engine_destroy(f->e);
}

/* A node agent: app=agent, 100m cpu, runs for ever, restartPolicy Always
 * (apps validation), no image (starts at once). */
static ks_daemonset_body *agent_body(void)
{
    ks_daemonset_body *b = ks_xcalloc(1, sizeof *b);
    ks_daemonset_body_defaults(b);
    ks_labels_set(&b->selector.match_labels, "app", "agent");
    for (int i = 0; i < KS_RES_COUNT; i++)
        b->template.requests[i] = -1;
    b->template.requests[KS_RES_CPU] = 100;
    b->template.run_time = KS_TIME_NEVER;
    b->template.termination_grace_s = 30;
    ks_labels_set(&b->template.labels, "app", "agent");
    return b;
}

static uint64_t create_ds(fixture *f, const char *name, ks_daemonset_body *b)
{
    ks_object_spec spec = {KS_KIND_DAEMONSET, "kube-system", name, NULL,
                           NULL, 0, NULL, b};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL_FATAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

static const ks_daemonset_body *status_of(fixture *f, uint64_t ds)
{
    const ks_object *o = ks_store_get(f->s, ds);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    return o->body;
}

static void assert_status(fixture *f, uint64_t ds, int32_t desired,
                          int32_t current, int32_t ready, int32_t available,
                          int32_t updated, int32_t misscheduled)
{
    const ks_daemonset_body *b = status_of(f, ds);
    CU_ASSERT_EQUAL(b->desired_number_scheduled, desired);
    CU_ASSERT_EQUAL(b->current_number_scheduled, current);
    CU_ASSERT_EQUAL(b->number_ready, ready);
    CU_ASSERT_EQUAL(b->number_available, available);
    CU_ASSERT_EQUAL(b->number_unavailable, desired - available);
    CU_ASSERT_EQUAL(b->updated_number_scheduled, updated);
    CU_ASSERT_EQUAL(b->number_misscheduled, misscheduled);
}

/* Writes a changed copy of the DaemonSet's spec (a spec write: the
 * generation bumps). */
static void update_template_cpu(fixture *f, uint64_t ds, int64_t cpu)
{
    ks_daemonset_body *b = ks_daemonset_body_copy(status_of(f, ds));
    b->template.requests[KS_RES_CPU] = cpu;
    CU_ASSERT_EQUAL(ks_store_update(f->s, ds, 0, b, NULL, NULL), 0);
}

static int has_toleration(const ks_pod_body *b, const char *key,
                          ks_taint_effect effect)
{
    for (size_t i = 0; i < b->spec.ntolerations; i++) {
        const ks_toleration *t = &b->spec.tolerations[i];
        if (t->key && !strcmp(t->key, key) && t->effect == effect &&
            t->op == KS_TOLERATION_EXISTS && !t->has_seconds)
            return 1;
    }
    return 0;
}

/* ---- placement ------------------------------------------------------------------ */

/* 3 nodes: one pod per node, all Running and Ready; the first sync creates
 * them in slow-start batches 1, 2; the pods carry the template's labels,
 * the hash label, the daemon tolerations and a controller reference. */
static void test_one_pod_per_node(void)
{
    fixture f;
    setup(&f);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    ks_engine_run(f.e, 60 * S);

    const ks_daemonset_controller_stats *st =
        ks_daemonset_controller_get_stats(f.dc);
    CU_ASSERT_EQUAL(st->pods_created, 3);
    CU_ASSERT_EQUAL(st->pods_deleted, 0);
    CU_ASSERT_EQUAL_FATAL(st->last_nbatches, 2);
    CU_ASSERT_EQUAL(st->last_batches[0], 1);
    CU_ASSERT_EQUAL(st->last_batches[1], 2);

    const ks_object **v;
    size_t n = ds_pods(&f, ds, &v);
    CU_ASSERT_EQUAL(n, 3);
    const char *hash = NULL;
    for (int node = 0; node < 3; node++) {
        const ks_object *p = pod_on(&f, ds, node);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        const ks_pod_body *b = p->body;
        CU_ASSERT_EQUAL(b->phase, KS_PHASE_RUNNING);
        CU_ASSERT_TRUE(b->ready);
        CU_ASSERT_STRING_EQUAL(p->namespace_name, "kube-system");
        CU_ASSERT_EQUAL(strncmp(p->name, "agent-", 6), 0);
        CU_ASSERT_EQUAL(strlen(p->name), strlen("agent-xxxxx"));
        CU_ASSERT_STRING_EQUAL(ks_labels_get(&p->labels, "app"), "agent");
        const char *h = ks_labels_get(&p->labels, "controller-revision-hash");
        CU_ASSERT_PTR_NOT_NULL_FATAL(h);
        if (hash)
            CU_ASSERT_STRING_EQUAL(h, hash);
        hash = h;
        const ks_owner_ref *r = controller_ref(p);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_EQUAL(r->uid, ds);
        CU_ASSERT_EQUAL(r->kind, KS_KIND_DAEMONSET);
        CU_ASSERT_TRUE(r->block_owner_deletion);
        CU_ASSERT_EQUAL(b->spec.requests[KS_RES_CPU], 100);
        /* AddOrUpdateDaemonPodTolerations without hostNetwork */
        CU_ASSERT_EQUAL(b->spec.ntolerations, 6);
        CU_ASSERT_TRUE(has_toleration(b, "node.kubernetes.io/not-ready",
                                      KS_EFFECT_NO_EXECUTE));
        CU_ASSERT_TRUE(has_toleration(b, "node.kubernetes.io/unreachable",
                                      KS_EFFECT_NO_EXECUTE));
        CU_ASSERT_TRUE(has_toleration(b, "node.kubernetes.io/disk-pressure",
                                      KS_EFFECT_NO_SCHEDULE));
        CU_ASSERT_TRUE(has_toleration(b, "node.kubernetes.io/memory-pressure",
                                      KS_EFFECT_NO_SCHEDULE));
        CU_ASSERT_TRUE(has_toleration(b, "node.kubernetes.io/pid-pressure",
                                      KS_EFFECT_NO_SCHEDULE));
        CU_ASSERT_TRUE(has_toleration(b, "node.kubernetes.io/unschedulable",
                                      KS_EFFECT_NO_SCHEDULE));
        CU_ASSERT_FALSE(has_toleration(b,
                                       "node.kubernetes.io/network-unavailable",
                                       KS_EFFECT_NO_SCHEDULE));
    }
    free(v);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    const ks_object *o = ks_store_get(f.s, ds);
    CU_ASSERT_EQUAL(status_of(&f, ds)->observed_generation, o->generation);
    teardown(&f);
}

/* hostNetwork adds the network-unavailable toleration, and a template
 * toleration equal to a daemon one is kept, not duplicated; one with
 * tolerationSeconds is replaced by the daemon one (AddOrUpdate). */
static void test_daemon_tolerations_merge(void)
{
    fixture f;
    setup_with(&f, 1, NULL);
    ks_daemonset_body *b = agent_body();
    b->host_network = 1;
    b->template.ntolerations = 2;
    b->template.tolerations = ks_xcalloc(2, sizeof *b->template.tolerations);
    b->template.tolerations[0] =
        (ks_toleration){.key = ks_xstrdup("node.kubernetes.io/not-ready"),
                        .op = KS_TOLERATION_EXISTS,
                        .effect = KS_EFFECT_NO_EXECUTE,
                        .has_seconds = 1,
                        .toleration_seconds = 300};
    b->template.tolerations[1] =
        (ks_toleration){.key = ks_xstrdup("node.kubernetes.io/unschedulable"),
                        .op = KS_TOLERATION_EXISTS,
                        .effect = KS_EFFECT_NO_SCHEDULE};
    uint64_t ds = create_ds(&f, "net", b);
    ks_engine_run(f.e, 5 * S);
    const ks_object *p = pod_on(&f, ds, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const ks_pod_body *pb = p->body;
    CU_ASSERT_EQUAL(pb->spec.ntolerations, 7);
    CU_ASSERT_TRUE(has_toleration(pb, "node.kubernetes.io/not-ready",
                                  KS_EFFECT_NO_EXECUTE));
    CU_ASSERT_TRUE(has_toleration(pb, "node.kubernetes.io/network-unavailable",
                                  KS_EFFECT_NO_SCHEDULE));
    /* the template's own tolerations come first, in their order */
    CU_ASSERT_STRING_EQUAL(pb->spec.tolerations[0].key,
                           "node.kubernetes.io/not-ready");
    CU_ASSERT_FALSE(pb->spec.tolerations[0].has_seconds);
    CU_ASSERT_STRING_EQUAL(pb->spec.tolerations[1].key,
                           "node.kubernetes.io/unschedulable");
    teardown(&f);
}

/* Taints: a NoSchedule taint the pod does not tolerate keeps the node
 * without a pod; a cordoned node (unschedulable NoSchedule) gets one (a
 * daemon toleration); a NoSchedule taint added later leaves the running
 * pod alone (shouldContinueRunning) but takes the node out of
 * desiredNumberScheduled (misscheduled); a NoExecute taint deletes it. */
static void test_taints(void)
{
    fixture f;
    setup_with(&f, 0, NULL);
    add_node(&f, 1, "node.kubernetes.io/unschedulable", KS_EFFECT_NO_SCHEDULE,
             NULL);
    add_node(&f, 1, "dedicated", KS_EFFECT_NO_SCHEDULE, NULL);
    add_node(&f, 1, NULL, KS_EFFECT_NO_SCHEDULE, NULL);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    ks_engine_run(f.e, 60 * S);
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, 0));
    CU_ASSERT_PTR_NULL(pod_on(&f, ds, 1));
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, 2));
    assert_status(&f, ds, 2, 2, 2, 2, 2, 0);

    /* NoSchedule on node-2: the pod stays, misscheduled */
    ks_node_body *nb = ks_store_body(f.s, f.node_uid[2]);
    ks_node_body_add_taint(nb, "other", KS_EFFECT_NO_SCHEDULE, 60 * S);
    CU_ASSERT_EQUAL(ks_store_touch(f.s, f.node_uid[2]), 0);
    ks_engine_run(f.e, 70 * S);
    const ks_object *p2 = pod_on(&f, ds, 2);
    CU_ASSERT_PTR_NOT_NULL(p2);
    assert_status(&f, ds, 1, 1, 1, 1, 1, 1);

    /* NoExecute on node-2: the pod is deleted */
    nb = ks_store_body(f.s, f.node_uid[2]);
    ks_node_body_add_taint(nb, "evict", KS_EFFECT_NO_EXECUTE, 70 * S);
    CU_ASSERT_EQUAL(ks_store_touch(f.s, f.node_uid[2]), 0);
    ks_engine_run(f.e, 80 * S);
    CU_ASSERT_PTR_NULL(pod_on(&f, ds, 2));
    assert_status(&f, ds, 1, 1, 1, 1, 1, 0);
    CU_ASSERT_EQUAL(ks_daemonset_controller_get_stats(f.dc)->pods_deleted, 1);

    /* A DaemonSet tolerating "dedicated" runs on node-1 as well. */
    ks_daemonset_body *b = agent_body();
    b->template.ntolerations = 1;
    b->template.tolerations = ks_xcalloc(1, sizeof *b->template.tolerations);
    b->template.tolerations[0] =
        (ks_toleration){.key = ks_xstrdup("dedicated"),
                        .op = KS_TOLERATION_EXISTS,
                        .effect = KS_EFFECT_NO_SCHEDULE};
    ks_labels_free(&b->selector.match_labels);
    ks_labels_free(&b->template.labels);
    ks_labels_set(&b->selector.match_labels, "app", "tolerant");
    ks_labels_set(&b->template.labels, "app", "tolerant");
    uint64_t ds2 = create_ds(&f, "tolerant", b);
    ks_engine_run(f.e, 140 * S);
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds2, 0));
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds2, 1));
    CU_ASSERT_PTR_NULL(pod_on(&f, ds2, 2));
    assert_status(&f, ds2, 2, 2, 2, 2, 2, 0);

    /* the exported predicate agrees */
    int run, cont;
    ks_daemonset_node_should_run(status_of(&f, ds),
                                 ks_store_get(f.s, f.node_uid[1]), &run,
                                 &cont);
    CU_ASSERT_FALSE(run);
    CU_ASSERT_TRUE(cont); /* NoSchedule only */
    ks_daemonset_node_should_run(status_of(&f, ds),
                                 ks_store_get(f.s, f.node_uid[2]), &run,
                                 &cont);
    CU_ASSERT_FALSE(run);
    CU_ASSERT_FALSE(cont);
    teardown(&f);
}

/* nodeSelector against the Node objects' labels: only matching nodes get a
 * pod; a label added later brings one, a label removed takes it away
 * (updateNode queues the DaemonSet when the verdict changes). */
static void test_node_selector(void)
{
    fixture f;
    setup_with(&f, 0, NULL);
    ks_labels ssd = {0};
    ks_labels_set(&ssd, "disk", "ssd");
    add_node(&f, 1, NULL, KS_EFFECT_NO_SCHEDULE, &ssd);
    add_node(&f, 1, NULL, KS_EFFECT_NO_SCHEDULE, NULL);
    add_node(&f, 1, NULL, KS_EFFECT_NO_SCHEDULE, NULL);
    ks_daemonset_body *b = agent_body();
    ks_labels_set(&b->node_selector, "disk", "ssd");
    uint64_t ds = create_ds(&f, "ssd-agent", b);
    ks_engine_run(f.e, 30 * S);
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, 0));
    CU_ASSERT_PTR_NULL(pod_on(&f, ds, 1));
    CU_ASSERT_PTR_NULL(pod_on(&f, ds, 2));
    assert_status(&f, ds, 1, 1, 1, 1, 1, 0);

    CU_ASSERT_EQUAL(ks_store_update(f.s, f.node_uid[2], 0, NULL, &ssd, NULL),
                    0);
    ks_engine_run(f.e, 60 * S);
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, 2));
    assert_status(&f, ds, 2, 2, 2, 2, 2, 0);

    ks_labels none = {0};
    CU_ASSERT_EQUAL(ks_store_update(f.s, f.node_uid[0], 0, NULL, &none, NULL),
                    0);
    ks_engine_run(f.e, 90 * S);
    CU_ASSERT_PTR_NULL(pod_on(&f, ds, 0));
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, 2));
    assert_status(&f, ds, 1, 1, 1, 1, 1, 0);
    ks_labels_free(&ssd);
    teardown(&f);
}

/* A new node gets its pod; a deleted node's pod goes when the pod GC
 * stand-in runs, 40 s after the node's deletion (until then the
 * DaemonSet's status is not recomputed: upstream has no node delete
 * handler). */
static void test_node_added_and_deleted(void)
{
    fixture f;
    setup(&f);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    ks_engine_run(f.e, 60 * S);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);

    add_node(&f, 1, NULL, KS_EFFECT_NO_SCHEDULE, NULL);
    ks_engine_run(f.e, 100 * S);
    const ks_object *p = pod_on(&f, ds, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_TRUE(((const ks_pod_body *)p->body)->ready);
    assert_status(&f, ds, 4, 4, 4, 4, 4, 0);

    ks_engine_run(f.e, 120 * S);
    ks_kubelet_stop(f.k[1]);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, f.node_uid[1],
                                    KS_PROPAGATE_BACKGROUND),
                    0);
    ks_engine_run(f.e, 159 * S);
    CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, 1));
    CU_ASSERT_EQUAL(status_of(&f, ds)->desired_number_scheduled, 4);
    ks_engine_run(f.e, 160 * S);
    CU_ASSERT_PTR_NULL(pod_on(&f, ds, 1));
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    const ks_daemonset_controller_stats *st =
        ks_daemonset_controller_get_stats(f.dc);
    CU_ASSERT_EQUAL(st->orphans_deleted, 1);
    CU_ASSERT_EQUAL(st->pods_created, 4);
    CU_ASSERT_EQUAL(f.ndels, 1);
    CU_ASSERT_EQUAL(f.dels[0].t, 160 * S);
    CU_ASSERT_EQUAL(f.dels[0].node, 1);
    teardown(&f);
}

/* ---- updates --------------------------------------------------------------------- */

/* A template change with RollingUpdate maxUnavailable 1 (the default):
 * the old pods are replaced one node at a time, in node order, each only
 * once the previous node's new pod is Ready, so at most one node is ever
 * without a Ready pod. */
static void test_rolling_update_one_at_a_time(void)
{
    fixture f;
    setup(&f);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    f.ds = ds;
    f.watched_nodes = 3;
    ks_engine_run(f.e, 60 * S);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    char old_hash[16];
    snprintf(old_hash, sizeof old_hash, "%s",
             ks_labels_get(&pod_on(&f, ds, 0)->labels,
                           "controller-revision-hash"));

    f.monitoring = 1;
    update_template_cpu(&f, ds, 200);
    ks_engine_run(f.e, 300 * S);

    CU_ASSERT_EQUAL(f.max_unavailable, 1);
    CU_ASSERT_EQUAL(f.max_pods, 3);
    /* The old pod is deleted gracefully (grace 30 s): Terminating, it
     * stays in the store until its kubelet has stopped it, by when the
     * controller has created the new one: never fewer than 3 objects. */
    CU_ASSERT_EQUAL(f.min_pods, 3);
    /* Node i's old pod goes at 60 + i s and its new pod, created in the
     * same instant, is Ready 1 s later (start latency 1 s, the readiness
     * probe succeeds at the start): only then does node i + 1 go. */
    CU_ASSERT_EQUAL_FATAL(f.ndels, 3);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(f.dels[i].node, i);
        CU_ASSERT_EQUAL(f.dels[i].t, (60 + i) * S);
        const ks_object *p = pod_on(&f, ds, i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_EQUAL(p->created, (60 + i) * S);
        CU_ASSERT_EQUAL(((const ks_pod_body *)p->body)->ready_since,
                        (61 + i) * S);
    }
    for (int node = 0; node < 3; node++) {
        const ks_object *p = pod_on(&f, ds, node);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        const ks_pod_body *b = p->body;
        CU_ASSERT_TRUE(b->ready);
        CU_ASSERT_EQUAL(b->spec.requests[KS_RES_CPU], 200);
        CU_ASSERT_STRING_NOT_EQUAL(
            ks_labels_get(&p->labels, "controller-revision-hash"), old_hash);
    }
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    const ks_object *o = ks_store_get(f.s, ds);
    CU_ASSERT_EQUAL(o->generation, 2);
    CU_ASSERT_EQUAL(status_of(&f, ds)->observed_generation, 2);
    CU_ASSERT_EQUAL(ks_daemonset_controller_get_stats(f.dc)->pods_deleted, 3);
    teardown(&f);
}

/* maxUnavailable 2 on 3 nodes: two nodes at once, then the third. */
static void test_rolling_update_max_unavailable_2(void)
{
    fixture f;
    setup(&f);
    ks_daemonset_body *b = agent_body();
    b->max_unavailable = (ks_int_or_percent){0, 2};
    uint64_t ds = create_ds(&f, "agent", b);
    f.ds = ds;
    f.watched_nodes = 3;
    ks_engine_run(f.e, 60 * S);
    f.monitoring = 1;
    update_template_cpu(&f, ds, 200);
    ks_engine_run(f.e, 300 * S);
    CU_ASSERT_EQUAL(f.max_unavailable, 2);
    CU_ASSERT_EQUAL_FATAL(f.ndels, 3);
    CU_ASSERT_EQUAL(f.dels[0].t, 60 * S);
    CU_ASSERT_EQUAL(f.dels[1].t, 60 * S);
    CU_ASSERT_EQUAL(f.dels[2].t, 61 * S); /* once node-0 / node-1 are Ready */
    CU_ASSERT_EQUAL(f.dels[2].node, 2);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    teardown(&f);
}

/* maxSurge 1, maxUnavailable 0: a new pod starts next to the old one on
 * one node at a time and the old one goes when the new one is available:
 * every node always has a Ready pod, and there are 4 pods at most. */
static void test_rolling_update_surge(void)
{
    fixture f;
    setup(&f);
    ks_daemonset_body *b = agent_body();
    b->max_surge = (ks_int_or_percent){0, 1};
    b->max_unavailable = (ks_int_or_percent){0, 0};
    uint64_t ds = create_ds(&f, "agent", b);
    f.ds = ds;
    f.watched_nodes = 3;
    ks_engine_run(f.e, 60 * S);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    f.monitoring = 1;
    update_template_cpu(&f, ds, 200);
    ks_engine_run(f.e, 300 * S);
    CU_ASSERT_EQUAL(f.max_unavailable, 0);
    CU_ASSERT_EQUAL(f.max_pods, 4);
    CU_ASSERT_EQUAL(f.min_pods, 3);
    /* node i's new pod starts at 60 + i s, is available 1 s later, and
     * then the old pod goes and node i + 1's new pod starts */
    CU_ASSERT_EQUAL_FATAL(f.ndels, 3);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(f.dels[i].node, i);
        CU_ASSERT_EQUAL(f.dels[i].t, (61 + i) * S);
        const ks_object *p = pod_on(&f, ds, i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_EQUAL(p->created, (60 + i) * S);
        const ks_pod_body *pb = p->body;
        CU_ASSERT_EQUAL(pb->spec.requests[KS_RES_CPU], 200);
    }
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    teardown(&f);
}

/* With a 100 ms informer delay the same rolling update completes, still
 * one node at a time. */
static void test_rolling_update_informer_delay(void)
{
    fixture f;
    ks_daemonset_controller_config cfg = {.informer_delay =
                                              100 * KS_MILLISECOND};
    setup_with(&f, 3, &cfg);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    f.ds = ds;
    f.watched_nodes = 3;
    ks_engine_run(f.e, 60 * S);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    f.monitoring = 1;
    update_template_cpu(&f, ds, 200);
    ks_engine_run(f.e, 300 * S);
    CU_ASSERT_EQUAL(f.max_unavailable, 1);
    CU_ASSERT_EQUAL(f.ndels, 3);
    for (int node = 0; node < 3; node++) {
        const ks_object *p = pod_on(&f, ds, node);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        const ks_pod_body *b = p->body;
        CU_ASSERT_EQUAL(b->spec.requests[KS_RES_CPU], 200);
    }
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    CU_ASSERT_EQUAL(status_of(&f, ds)->observed_generation, 2);
    teardown(&f);
}

/* OnDelete: a template change replaces nothing; a pod the user deletes
 * comes back with the new template. */
static void test_on_delete(void)
{
    fixture f;
    setup(&f);
    ks_daemonset_body *b = agent_body();
    b->strategy = KS_DS_ON_DELETE;
    uint64_t ds = create_ds(&f, "agent", b);
    ks_engine_run(f.e, 60 * S);
    update_template_cpu(&f, ds, 200);
    ks_engine_run(f.e, 200 * S);
    CU_ASSERT_EQUAL(f.ndels, 0);
    assert_status(&f, ds, 3, 3, 3, 3, 0, 0);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, pod_on(&f, ds, 1)->uid,
                                    KS_PROPAGATE_BACKGROUND),
                    0);
    ks_engine_run(f.e, 260 * S);
    const ks_object *p = pod_on(&f, ds, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(((const ks_pod_body *)p->body)->spec.requests[KS_RES_CPU],
                    200);
    assert_status(&f, ds, 3, 3, 3, 3, 1, 0);
    teardown(&f);
}

/* ---- status and lifecycle -------------------------------------------------------- */

/* minReadySeconds 10: the pods count as ready at once and as available
 * only after more than 10 s Ready; the controller's requeue (updatePod's
 * minReadySeconds + 1 s) writes it then. */
static void test_status_min_ready(void)
{
    fixture f;
    setup(&f);
    ks_daemonset_body *b = agent_body();
    b->min_ready_s = 10;
    uint64_t ds = create_ds(&f, "agent", b);
    ks_engine_run(f.e, 5 * S);
    ks_time ready_at = -1;
    for (int i = 0; i < 600 && ready_at < 0; i++) {
        ks_engine_run(f.e, 5 * S + i * 100 * KS_MILLISECOND);
        if (status_of(&f, ds)->number_ready == 3)
            ready_at = ks_engine_now(f.e);
    }
    CU_ASSERT_FATAL(ready_at >= 0);
    ks_time since = ((const ks_pod_body *)pod_on(&f, ds, 0)->body)->ready_since;
    CU_ASSERT(since >= 0 && since <= ready_at);
    for (int node = 1; node < 3; node++)
        CU_ASSERT_EQUAL(
            ((const ks_pod_body *)pod_on(&f, ds, node)->body)->ready_since,
            since);
    assert_status(&f, ds, 3, 3, 3, 0, 3, 0);
    ks_engine_run(f.e, since + 10 * S + 500 * KS_MILLISECOND);
    assert_status(&f, ds, 3, 3, 3, 0, 3, 0);
    ks_engine_run(f.e, since + 11 * S);
    assert_status(&f, ds, 3, 3, 3, 3, 3, 0);
    teardown(&f);
}

/* Deleting the DaemonSet garbage-collects its pods; the controller forgets
 * it and creates nothing more. */
static void test_delete_daemonset(void)
{
    fixture f;
    setup(&f);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    ks_engine_run(f.e, 60 * S);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 3);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, ds, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 120 * S);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, ds));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 0);
    CU_ASSERT_EQUAL(f.ndels, 3);
    const ks_daemonset_controller_stats *st =
        ks_daemonset_controller_get_stats(f.dc);
    CU_ASSERT_EQUAL(st->pods_created, 3);
    CU_ASSERT_EQUAL(st->pods_deleted, 0); /* the garbage collector did */
    teardown(&f);
}

/* A Failed daemon pod is deleted and replaced; failures on the same node
 * back off 1 s, then 2 s (failedPodsBackoff, counted from the last
 * deletion). */
static void test_failed_pod_backoff(void)
{
    fixture f;
    setup(&f);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    ks_engine_run(f.e, 60 * S);
    ks_kubelet_stop(f.k[0]); /* nothing rewrites the phases we set */
    static const ks_time fail_at[] = {100 * S, 100 * S + 500 * KS_MILLISECOND,
                                      102 * S};
    static const ks_time deleted_at[] = {100 * S,
                                         101 * S + 500 * KS_MILLISECOND,
                                         104 * S};
    for (int i = 0; i < 3; i++) {
        ks_engine_run(f.e, fail_at[i]);
        const ks_object *p = pod_on(&f, ds, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        ks_pod_body *b = ks_store_body(f.s, p->uid);
        b->phase = KS_PHASE_FAILED;
        b->ready = 0;
        CU_ASSERT_EQUAL(ks_store_touch(f.s, p->uid), 0);
    }
    ks_engine_run(f.e, 110 * S);
    CU_ASSERT_EQUAL_FATAL(f.ndels, 3);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(f.dels[i].t, deleted_at[i]);
        CU_ASSERT_EQUAL(f.dels[i].node, 0);
    }
    /* the fourth pod is there, Pending (its kubelet is stopped) */
    const ks_object *p = pod_on(&f, ds, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(((const ks_pod_body *)p->body)->phase, KS_PHASE_PENDING);
    CU_ASSERT_EQUAL(ks_daemonset_controller_get_stats(f.dc)->pods_created, 6);
    teardown(&f);
}

/* 40 nodes, client QPS 20 burst 30: the first sync creates 30 pods in
 * slow-start batches 1, 2, 4, 8, 16 (the last batch's 16th create finds
 * no token and stops the run); the rest follow as tokens come. */
static void test_client_throttled(void)
{
    fixture f;
    setup_with(&f, 0, NULL);
    for (int i = 0; i < 40; i++)
        add_node(&f, 0, NULL, KS_EFFECT_NO_SCHEDULE, NULL);
    uint64_t ds = create_ds(&f, "agent", agent_body());
    ks_engine_run(f.e, KS_MILLISECOND);
    const ks_daemonset_controller_stats *st =
        ks_daemonset_controller_get_stats(f.dc);
    const ks_object **v;
    size_t n = ds_pods(&f, ds, &v);
    free(v);
    CU_ASSERT_EQUAL(n, 30);
    CU_ASSERT_TRUE(st->throttled >= 1);
    ks_engine_run(f.e, 10 * S);
    n = ds_pods(&f, ds, &v);
    free(v);
    CU_ASSERT_EQUAL(n, 40);
    CU_ASSERT_EQUAL(st->pods_created, 40);
    for (int node = 0; node < 40; node++)
        CU_ASSERT_PTR_NOT_NULL(pod_on(&f, ds, node));
    const ks_daemonset_body *b = status_of(&f, ds);
    CU_ASSERT_EQUAL(b->desired_number_scheduled, 40);
    CU_ASSERT_EQUAL(b->current_number_scheduled, 40);
    CU_ASSERT_EQUAL(b->number_ready, 0); /* no kubelets */
    teardown(&f);
}

/* ---- from a manifest ------------------------------------------------------------- */

/* A DaemonSet manifest with hostNetwork, a nodeSelector and a required
 * node affinity, created on the store by ks_cp_create_templates: one pod,
 * on the only node whose labels satisfy both, with its toleration plus the
 * seven daemon ones. */
static void test_from_manifest(void)
{
    static const char yaml[] =
        "apiVersion: apps/v1\nkind: DaemonSet\n"
        "metadata: {name: agent, namespace: kube-system}\n"
        "spec:\n"
        "  selector: {matchLabels: {app: agent}}\n"
        "  template:\n"
        "    metadata: {labels: {app: agent}}\n"
        "    spec:\n"
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
        "      containers: [{name: agent}]\n";
    fixture f;
    setup_with(&f, 0, NULL);
    static const char *const pools[] = {"a", "c", NULL};
    for (int i = 0; i < 3; i++) {
        ks_labels l = {0};
        ks_labels_set(&l, "kubernetes.io/os", "linux");
        if (pools[i])
            ks_labels_set(&l, "pool", pools[i]);
        add_node(&f, 1, NULL, KS_EFFECT_NO_SCHEDULE, &l);
        ks_labels_free(&l);
    }
    ks_manifests m = {0};
    ks_error err;
    CU_ASSERT_EQUAL_FATAL(ks_manifests_load_buffer(yaml, strlen(yaml),
                                                   "ds.yaml", &m, &err),
                          0);
    CU_ASSERT_EQUAL_FATAL(ks_manifests_resolve_priorities(&m, &err), 0);
    CU_ASSERT_EQUAL_FATAL(
        ks_cp_create_templates(f.s, &m, 0, m.ntemplates, &err), 0);
    ks_manifests_free(&m);
    const ks_object *o =
        ks_store_find(f.s, KS_KIND_DAEMONSET, "kube-system", "agent");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    uint64_t ds = o->uid;
    ks_engine_run(f.e, 30 * S);
    const ks_object **v;
    size_t n = ds_pods(&f, ds, &v);
    free(v);
    CU_ASSERT_EQUAL(n, 1);
    const ks_object *p = pod_on(&f, ds, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const ks_pod_body *pb = p->body;
    CU_ASSERT_TRUE(pb->ready);
    CU_ASSERT_EQUAL(pb->spec.ntolerations, 8);
    CU_ASSERT_TRUE(has_toleration(pb, "dedicated", KS_EFFECT_NO_SCHEDULE));
    CU_ASSERT_TRUE(has_toleration(pb, "node.kubernetes.io/network-unavailable",
                                  KS_EFFECT_NO_SCHEDULE));
    assert_status(&f, ds, 1, 1, 1, 1, 1, 0);
    teardown(&f);
}

void ks_suite_daemonset_controller(void)
{
    static const ks_test_case cases[] = {
        {"3 nodes: one Running, Ready pod per node, slow start 1, 2, "
         "daemon tolerations, status",
         test_one_pod_per_node},
        {"template tolerations merged with the daemon ones; hostNetwork adds "
         "network-unavailable",
         test_daemon_tolerations_merge},
        {"untolerated NoSchedule: no pod; cordoned: a pod; NoSchedule later: "
         "kept (misscheduled); NoExecute: deleted",
         test_taints},
        {"nodeSelector on Node labels, labels changing later",
         test_node_selector},
        {"a new node gets its pod; a deleted node's pod goes 40 s later",
         test_node_added_and_deleted},
        {"RollingUpdate maxUnavailable 1: one node at a time, never more than "
         "one unavailable",
         test_rolling_update_one_at_a_time},
        {"RollingUpdate maxUnavailable 2: two nodes, then one",
         test_rolling_update_max_unavailable_2},
        {"RollingUpdate maxSurge 1: new pod next to the old, none unavailable",
         test_rolling_update_surge},
        {"rolling update with a 100 ms informer delay",
         test_rolling_update_informer_delay},
        {"OnDelete: only deleted pods come back new", test_on_delete},
        {"minReadySeconds: ready at once, available after 11 s",
         test_status_min_ready},
        {"deleting the DaemonSet garbage-collects its pods",
         test_delete_daemonset},
        {"Failed pods replaced with the 1 s, 2 s back-off",
         test_failed_pod_backoff},
        {"client QPS 20 burst 30: 30 pods at once, 40 after",
         test_client_throttled},
        {"a DaemonSet from a manifest: nodeSelector, affinity, hostNetwork",
         test_from_manifest},
        {NULL, NULL}};
    ks_test_add_suite("daemonset_controller", cases);
}
