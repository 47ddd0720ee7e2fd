/* test_store.c - the object store: revisions, names, lists, watches with
 * delays and filters, optimistic concurrency, quorum, garbage collection
 * (background, foreground, orphan), and graceful deletion of pods. */
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/store.h"
#include "tests/test_util.h"

typedef struct fixture {
    ks_engine *e;
    ks_store *s;
} fixture;

static fixture setup(int members, ks_time gc_delay)
{
    ks_store_config cfg = {members, gc_delay};
    ks_engine *e = ks_engine_create();
    return (fixture){e, ks_store_create(e, &cfg)};
}

static void teardown(fixture *f)
{
    ks_store_destroy(f->s);
    ks_engine_destroy(f->e);
}

static uint64_t make(fixture *f, ks_kind kind, const char *ns,
                     const char *name, const char *app, uint64_t owner,
                     ks_kind owner_kind)
{
    ks_labels l = {0};
    if (app)
        ks_labels_set(&l, "app", app);
    ks_owner_ref ref = {owner, owner_kind, 1, 1};
    ks_object_spec spec = {kind, ns, name, &l, owner ? &ref : NULL,
                           owner ? 1 : 0, NULL, NULL};
    uint64_t uid = 0;
    int rc = ks_store_create_object(f->s, &spec, &uid);
    ks_labels_free(&l);
    CU_ASSERT_EQUAL(rc, 0);
    return uid;
}

static void test_crud_and_revisions(void)
{
    fixture f = setup(1, 0);
    uint64_t a = make(&f, KS_KIND_POD, "ns1", "a", "web", 0, 0);
    uint64_t b = make(&f, KS_KIND_POD, NULL, "b", "db", 0, 0);
    CU_ASSERT(a && b && a != b);
    const ks_object *oa = ks_store_get(f.s, a);
    CU_ASSERT_STRING_EQUAL(oa->namespace_name, "ns1");
    CU_ASSERT_STRING_EQUAL(ks_store_get(f.s, b)->namespace_name, "default");
    CU_ASSERT_EQUAL(oa->resource_version, 1);
    CU_ASSERT_EQUAL(ks_store_revision(f.s), 2);
    CU_ASSERT_PTR_EQUAL(ks_store_find(f.s, KS_KIND_POD, "ns1", "a"), oa);
    CU_ASSERT_PTR_NULL(ks_store_find(f.s, KS_KIND_POD, "ns2", "a"));
    /* Names are unique per kind and namespace. */
    ks_object_spec dup = {KS_KIND_POD, "ns1", "a", NULL, NULL, 0, NULL,
                          NULL};
    CU_ASSERT_EQUAL(ks_store_create_object(f.s, &dup, NULL), KS_EEXIST);
    /* Cluster-scoped kinds have no namespace. */
    uint64_t n = make(&f, KS_KIND_NODE, "ignored", "n1", NULL, 0, 0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, n)->namespace_name);
    CU_ASSERT_PTR_NOT_NULL(ks_store_find(f.s, KS_KIND_NODE, NULL, "n1"));
    /* Optimistic concurrency: a stale resourceVersion conflicts. */
    uint64_t rv = ks_store_get(f.s, a)->resource_version;
    CU_ASSERT_EQUAL(ks_store_update(f.s, a, rv, NULL, NULL, "node-1"), 0);
    CU_ASSERT_EQUAL(ks_store_update(f.s, a, rv, NULL, NULL, "node-2"),
                    KS_ECONFLICT);
    CU_ASSERT_STRING_EQUAL(ks_store_get(f.s, a)->node_name, "node-1");
    CU_ASSERT(ks_store_get(f.s, a)->resource_version > rv);
    /* Lists by kind, namespace and selector, in creation order. */
    ks_label_selector sel = {0};
    ks_labels_set(&sel.match_labels, "app", "web");
    const ks_object **v;
    size_t cnt;
    ks_store_list(f.s, KS_KIND_POD, NULL, NULL, &v, &cnt);
    CU_ASSERT_EQUAL(cnt, 2);
    CU_ASSERT_EQUAL(v[0]->uid, a);
    free(v);
    ks_store_list(f.s, KS_KIND_POD, NULL, &sel, &v, &cnt);
    CU_ASSERT_EQUAL(cnt, 1);
    free(v);
    ks_label_selector_free(&sel);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, b, KS_PROPAGATE_BACKGROUND), 0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, b));
    CU_ASSERT_PTR_NULL(ks_store_find(f.s, KS_KIND_POD, "default", "b"));
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 1);
    /* The name is free again (a new uid). */
    uint64_t b2 = make(&f, KS_KIND_POD, NULL, "b", NULL, 0, 0);
    CU_ASSERT(b2 > b);
    teardown(&f);
}

typedef struct seen {
    ks_watch_type type[32];
    uint64_t uid[32];
    uint64_t rev[32];
    ks_time at[32];
    int n;
    ks_engine *e;
} seen;

static void record(void *ctx, const ks_watch_event *ev)
{
    seen *w = ctx;
    if (w->n < 32) {
        w->type[w->n] = ev->type;
        w->uid[w->n] = ev->uid;
        w->rev[w->n] = ev->revision;
        w->at[w->n] = ks_engine_now(w->e);
        w->n++;
    }
}

/* Events arrive after the watch's delay, in revision order, filtered by
 * namespace and (pods) node. */
static void test_watches(void)
{
    fixture f = setup(1, 0);
    seen all = {.e = f.e}, ns = {.e = f.e}, node = {.e = f.e};
    ks_store_watch(f.s, KS_KIND_POD, NULL, NULL, 100 * KS_MILLISECOND,
                   record, &all);
    ks_store_watch(f.s, KS_KIND_POD, "ns1", NULL, 0, record, &ns);
    ks_store_watch(f.s, KS_KIND_POD, NULL, "node-1", 0, record, &node);
    uint64_t a = make(&f, KS_KIND_POD, "ns1", "a", NULL, 0, 0);
    uint64_t b = make(&f, KS_KIND_POD, "ns2", "b", NULL, 0, 0);
    ks_store_update(f.s, b, 0, NULL, NULL, "node-1"); /* bound */
    ks_store_delete(f.s, a, KS_PROPAGATE_BACKGROUND);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_EQUAL(all.n, 4);
    CU_ASSERT_EQUAL(all.at[0], 100 * KS_MILLISECOND);
    CU_ASSERT_EQUAL(all.type[2], KS_WATCH_MODIFIED);
    CU_ASSERT_EQUAL(all.type[3], KS_WATCH_DELETED);
    for (int i = 1; i < all.n; i++)
        CU_ASSERT(all.rev[i] > all.rev[i - 1]);
    CU_ASSERT_EQUAL(ns.n, 2); /* a added, a deleted */
    CU_ASSERT_EQUAL(ns.uid[0], a);
    CU_ASSERT_EQUAL(node.n, 1); /* b once bound to node-1 */
    CU_ASSERT_EQUAL(node.uid[0], b);
    teardown(&f);
}

/* Without quorum every write fails and changes nothing; reads work. */
static void test_quorum(void)
{
    fixture f = setup(3, 0);
    uint64_t a = make(&f, KS_KIND_DEPLOYMENT, NULL, "d", NULL, 0, 0);
    ks_store_members_down(f.s, 1);
    CU_ASSERT_TRUE(ks_store_has_quorum(f.s)); /* 2 of 3 */
    ks_store_members_down(f.s, 1);
    CU_ASSERT_FALSE(ks_store_has_quorum(f.s));
    uint64_t rev = ks_store_revision(f.s);
    ks_object_spec spec = {KS_KIND_POD, NULL, "p", NULL, NULL, 0, NULL,
                           malloc(8)};
    CU_ASSERT_EQUAL(ks_store_create_object(f.s, &spec, NULL),
                    KS_EUNAVAILABLE);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, a, KS_PROPAGATE_BACKGROUND),
                    KS_EUNAVAILABLE);
    CU_ASSERT_EQUAL(ks_store_update(f.s, a, 0, NULL, NULL, NULL),
                    KS_EUNAVAILABLE);
    CU_ASSERT_EQUAL(ks_store_revision(f.s), rev);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, a));
    CU_ASSERT_EQUAL(ks_store_get_stats(f.s)->failed_writes, 3);
    ks_store_members_down(f.s, -1);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, a, KS_PROPAGATE_BACKGROUND), 0);
    teardown(&f);
}

/* Deleting a Deployment garbage-collects its ReplicaSets and their pods
 * (background propagation, each level after the collector's delay). */
static void test_gc_background(void)
{
    fixture f = setup(1, 2 * KS_SECOND);
    uint64_t d = make(&f, KS_KIND_DEPLOYMENT, NULL, "web", NULL, 0, 0);
    uint64_t rs = make(&f, KS_KIND_REPLICASET, NULL, "web-1", NULL, d,
                       KS_KIND_DEPLOYMENT);
    uint64_t p1 = make(&f, KS_KIND_POD, NULL, "web-1-a", NULL, rs,
                       KS_KIND_REPLICASET);
    uint64_t p2 = make(&f, KS_KIND_POD, NULL, "web-1-b", NULL, rs,
                       KS_KIND_REPLICASET);
    uint64_t lone = make(&f, KS_KIND_POD, NULL, "lone", NULL, 0, 0);
    const ks_object **v;
    size_t n;
    ks_store_dependents(f.s, rs, &v, &n);
    CU_ASSERT_EQUAL(n, 2);
    free(v);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, d, KS_PROPAGATE_BACKGROUND), 0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, d));
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, rs));
    ks_engine_run(f.e, 2 * KS_SECOND);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, rs));
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, p1));
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, p1));
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, p2));
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, lone));
    CU_ASSERT_EQUAL(ks_engine_now(f.e), 4 * KS_SECOND);
    teardown(&f);
}

/* Foreground: the owner stays, deleting, until its blocking dependents
 * are gone; orphan: dependents lose the owner reference and stay. */
static void test_gc_foreground_and_orphan(void)
{
    fixture f = setup(1, KS_SECOND);
    uint64_t rs = make(&f, KS_KIND_REPLICASET, NULL, "rs", NULL, 0, 0);
    uint64_t p = make(&f, KS_KIND_POD, NULL, "p", NULL, rs,
                      KS_KIND_REPLICASET);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, rs, KS_PROPAGATE_FOREGROUND), 0);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, rs));
    CU_ASSERT(ks_store_get(f.s, rs)->deletion_time >= 0);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, p));
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, rs));

    uint64_t rs2 = make(&f, KS_KIND_REPLICASET, NULL, "rs2", NULL, 0, 0);
    uint64_t q = make(&f, KS_KIND_POD, NULL, "q", NULL, rs2,
                      KS_KIND_REPLICASET);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, rs2, KS_PROPAGATE_ORPHAN), 0);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, rs2));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ks_store_get(f.s, q));
    CU_ASSERT_EQUAL(ks_store_get(f.s, q)->nowners, 0);
    teardown(&f);
}

/* A dependent with another live owner survives one owner's deletion. */
static void test_gc_two_owners(void)
{
    fixture f = setup(1, 0);
    uint64_t a = make(&f, KS_KIND_REPLICASET, NULL, "a", NULL, 0, 0);
    uint64_t b = make(&f, KS_KIND_REPLICASET, NULL, "b", NULL, 0, 0);
    ks_owner_ref refs[2] = {{a, KS_KIND_REPLICASET, 1, 1},
                            {b, KS_KIND_REPLICASET, 0, 0}};
    ks_object_spec spec = {KS_KIND_POD, NULL, "p", NULL, refs, 2, NULL,
                           NULL};
    uint64_t p = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(f.s, &spec, &p), 0);
    ks_store_delete(f.s, a, KS_PROPAGATE_BACKGROUND);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, p));
    ks_store_delete(f.s, b, KS_PROPAGATE_BACKGROUND);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, p));
    teardown(&f);
}

/* ---- graceful deletion ----------------------------------------------------- */

/* A CheckGracefulDelete for the tests: the requested period, else 30 s;
 * 0 for a pod not bound to a node. */
static int64_t grace30(const ks_object *o, int64_t requested_s)
{
    if (!o->node_name)
        return 0;
    return requested_s >= 0 ? requested_s : 30;
}

static uint64_t bound_pod(fixture *f, const char *name, uint64_t owner)
{
    ks_owner_ref ref = {owner, KS_KIND_REPLICASET, 1, 1};
    ks_object_spec spec = {KS_KIND_POD, NULL, name, NULL,
                           owner ? &ref : NULL, owner ? 1 : 0, "n1", NULL};
    uint64_t uid = 0;
    CU_ASSERT_EQUAL(ks_store_create_object(f->s, &spec, &uid), 0);
    return uid;
}

/* BeforeDelete: a bound pod deleted with its 30 s becomes Terminating
 * (deletionTimestamp = now + 30 s, MODIFIED, generation bumped) and
 * stays; a second DELETE without a period changes nothing, a longer one
 * neither, a shorter one moves the deadline, grace 0 deletes it.  An
 * unbound pod and a kind without CheckGracefulDelete go at once; without
 * quorum nothing changes. */
static void test_graceful_delete(void)
{
    fixture f = setup(3, 0);
    ks_store_set_grace_fn(f.s, KS_KIND_POD, grace30);
    seen w = {.e = f.e};
    ks_store_watch(f.s, KS_KIND_POD, NULL, NULL, 0, record, &w);
    uint64_t p = bound_pod(&f, "p", 0);
    ks_engine_run(f.e, 5 * KS_SECOND);
    const ks_object *o = ks_store_get(f.s, p);
    CU_ASSERT_EQUAL(o->deletion_time, -1);
    CU_ASSERT_EQUAL(o->deletion_grace_s, -1);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, p, KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    o = ks_store_get(f.s, p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->deletion_time, 35 * KS_SECOND);
    CU_ASSERT_EQUAL(o->deletion_grace_s, 30);
    CU_ASSERT_EQUAL(o->generation, 2);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 1);
    ks_engine_run(f.e, 6 * KS_SECOND);
    CU_ASSERT_EQUAL_FATAL(w.n, 2);
    CU_ASSERT_EQUAL(w.type[1], KS_WATCH_MODIFIED);
    CU_ASSERT_EQUAL(w.at[1], 5 * KS_SECOND);
    /* pending: no write for no period, or a longer one */
    uint64_t rev = ks_store_revision(f.s);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, p, KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, p, KS_PROPAGATE_BACKGROUND,
                                             60),
                    0);
    CU_ASSERT_EQUAL(ks_store_revision(f.s), rev);
    /* the collector leaves it alone too */
    uint64_t rs = make(&f, KS_KIND_REPLICASET, NULL, "rs", NULL, 0, 0);
    uint64_t q = bound_pod(&f, "q", rs);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, q, KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, rs, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, 7 * KS_SECOND);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, q));
    CU_ASSERT_EQUAL(ks_store_get(f.s, q)->deletion_grace_s, 30);
    /* shorter: deadline 5 + 10 s */
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, p, KS_PROPAGATE_BACKGROUND,
                                             10),
                    0);
    o = ks_store_get(f.s, p);
    CU_ASSERT_EQUAL(o->deletion_time, 15 * KS_SECOND);
    CU_ASSERT_EQUAL(o->deletion_grace_s, 10);
    CU_ASSERT(ks_store_revision(f.s) > rev);
    /* no quorum: refused, unchanged */
    ks_store_members_down(f.s, 2);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, p, KS_PROPAGATE_BACKGROUND,
                                             0),
                    KS_EUNAVAILABLE);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, p));
    ks_store_members_down(f.s, -2);
    /* grace 0: the kubelet's final delete */
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, p, KS_PROPAGATE_BACKGROUND,
                                             0),
                    0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, p));
    CU_ASSERT_EQUAL(ks_store_delete(f.s, q, KS_PROPAGATE_BACKGROUND), 0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, q));
    /* an unbound pod, a kind without a grace function: at once */
    uint64_t u = make(&f, KS_KIND_POD, NULL, "unbound", NULL, 0, 0);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, u, KS_PROPAGATE_BACKGROUND,
                                             KS_GRACE_DEFAULT),
                    0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, u));
    uint64_t r2 = make(&f, KS_KIND_REPLICASET, NULL, "rs2", NULL, 0, 0);
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, r2, KS_PROPAGATE_BACKGROUND,
                                             30),
                    0);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, r2));
    CU_ASSERT_EQUAL(ks_store_delete_graceful(f.s, r2, KS_PROPAGATE_BACKGROUND,
                                             30),
                    KS_ENOENT);
    teardown(&f);
}

/* The collector deletes a bound pod gracefully: a background owner's pod
 * is left Terminating; a foreground owner waits until its Terminating pod
 * is really gone (here force-deleted, as its kubelet would). */
static void test_gc_graceful_pods(void)
{
    fixture f = setup(1, KS_SECOND);
    ks_store_set_grace_fn(f.s, KS_KIND_POD, grace30);
    uint64_t rs = make(&f, KS_KIND_REPLICASET, NULL, "rs", NULL, 0, 0);
    uint64_t p = bound_pod(&f, "p", rs);
    uint64_t loose = make(&f, KS_KIND_POD, NULL, "loose", NULL, rs,
                          KS_KIND_REPLICASET);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, rs, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, loose)); /* unbound: at once */
    const ks_object *o = ks_store_get(f.s, p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->deletion_time, 31 * KS_SECOND); /* GC at 1 s + 30 */
    CU_ASSERT_EQUAL(o->deletion_grace_s, 30);

    uint64_t fg = make(&f, KS_KIND_REPLICASET, NULL, "fg", NULL, 0, 0);
    uint64_t q = bound_pod(&f, "q", fg);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, fg, KS_PROPAGATE_FOREGROUND), 0);
    CU_ASSERT_EQUAL(ks_store_get(f.s, fg)->deletion_grace_s, 0);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NOT_NULL(ks_store_get(f.s, fg)); /* q still Terminating */
    CU_ASSERT(ks_store_get(f.s, q)->deletion_grace_s == 30);
    ks_time t = ks_engine_now(f.e);
    CU_ASSERT_EQUAL(ks_store_delete(f.s, q, KS_PROPAGATE_BACKGROUND), 0);
    ks_engine_run(f.e, KS_TIME_NEVER);
    CU_ASSERT_PTR_NULL(ks_store_get(f.s, fg));
    CU_ASSERT_EQUAL(ks_engine_now(f.e), t + KS_SECOND);
    teardown(&f);
}

/* Many objects: names stay findable through the index's growth. */
static void test_many(void)
{
    fixture f = setup(1, 0);
    char name[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "p-%d", i);
        make(&f, KS_KIND_POD, i % 2 ? "a" : "b", name, NULL, 0, 0);
    }
    int found = 1;
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "p-%d", i);
        const ks_object *o =
            ks_store_find(f.s, KS_KIND_POD, i % 2 ? "a" : "b", name);
        found &= o && o->uid == (uint64_t)i + 1;
    }
    CU_ASSERT_TRUE(found);
    for (int i = 0; i < 5000; i += 2)
        ks_store_delete(f.s, (uint64_t)i + 1, KS_PROPAGATE_BACKGROUND);
    CU_ASSERT_EQUAL(ks_store_count(f.s, KS_KIND_POD), 2500);
    CU_ASSERT_PTR_NOT_NULL(ks_store_find(f.s, KS_KIND_POD, "a", "p-4999"));
    CU_ASSERT_PTR_NULL(ks_store_find(f.s, KS_KIND_POD, "b", "p-4998"));
    teardown(&f);
}

void ks_suite_store(void)
{
    static const ks_test_case cases[] = {
        {"create, update, delete, names, lists", test_crud_and_revisions},
        {"watches: delay, order, filters", test_watches},
        {"no quorum: writes fail, reads served", test_quorum},
        {"GC: deleting a Deployment removes its RSs and pods",
         test_gc_background},
        {"GC: foreground and orphan", test_gc_foreground_and_orphan},
        {"GC: a second owner keeps the dependent", test_gc_two_owners},
        {"graceful deletion: Terminating, shortened, at once",
         test_graceful_delete},
        {"GC: pods deleted gracefully, foreground owners wait",
         test_gc_graceful_pods},
        {"many objects", test_many},
        {NULL, NULL}};
    ks_test_add_suite("sim/store", cases);
}
