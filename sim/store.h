/* store.h - the API server and etcd: typed objects, resourceVersion,
 * owner references and garbage collection, and watch streams.
 *
 * Every component of the simulated cluster (controllers, kubelets, the
 * scheduler, kube-proxy) talks to the others only through this store, as
 * in Kubernetes (DESIGN.md section 1).  An object is a common header
 * (kind, namespace, name, uid, resourceVersion, labels, owner references,
 * deletion state) plus a kind-specific body the store does not interpret.
 * Every successful write bumps the store's revision (etcd's), which
 * becomes the object's resourceVersion, and emits a watch event; each
 * watch receives the events of its kind (optionally of one namespace, or,
 * for pods, of one node) in revision order, after the watch's delivery
 * delay, through the engine: a controller sees the world as it was a
 * moment ago, as an informer does.
 *
 * Requests and quorum: the store models etcd's availability.  With fewer
 * than members/2 + 1 members up, every write fails with KS_EUNAVAILABLE and
 * changes nothing; reads are still served (from the watch cache).  The
 * time a request takes is the caller's model (ks_store_write_latency):
 * apiserver processing plus an etcd commit.
 *
 * Deletion follows metav1.DeletionPropagation: Background deletes the
 * object at once and its dependents (objects whose ownerReferences name it)
 * after the garbage collector's delay; Foreground marks it deleting
 * (deletionTimestamp and the foregroundDeletion finalizer) until its
 * blocking dependents are gone; Orphan deletes it and removes it from its
 * dependents' owner references.
 *
 * Graceful deletion (pods): a kind with a grace function (ks_kinds_install
 * gives pods CheckGracefulDelete) is deleted gracefully by
 * ks_store_delete_graceful and by the garbage collector, as the apiserver
 * does (k8s:staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go
 * BeforeDelete, read at master 02a7741e, v1.34): a grace period > 0 only
 * sets deletionTimestamp (now + grace) and deletionGracePeriodSeconds, a
 * MODIFIED event, and the object stays, Terminating, until its kubelet
 * deletes it with grace 0 (sim/kubelet.h); a grace of 0 deletes it at
 * once.  A later request may only shorten the period (grace 0: at once);
 * one without a grace period leaves the pending deletion alone.  Nobody
 * else removes a Terminating pod: if its kubelet is gone it stays, as
 * upstream without a force delete.
 *
 * Ownership: the store owns its objects and their bodies (freed with the
 * kind's free function); pointers it returns are valid until the object's
 * next write or deletion.  Determinism: objects are kept in creation order
 * (by uid); lookups by name use a sorted index, never hash iteration.
 */
#ifndef KS_STORE_H
#define KS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/objects.h"

typedef enum ks_kind {
    KS_KIND_NAMESPACE = 0,
    KS_KIND_NODE,
    KS_KIND_POD,
    KS_KIND_REPLICASET,
    KS_KIND_DEPLOYMENT,
    KS_KIND_JOB,
    KS_KIND_DAEMONSET,
    KS_KIND_SERVICE,
    KS_KIND_ENDPOINTSLICE,
    KS_KIND_PRIORITYCLASS,
    KS_KIND_PODDISRUPTIONBUDGET,
    KS_KIND_HPA,
    KS_KIND_LEASE,
    KS_KIND_SERVICEACCOUNT,
    KS_KIND_ROLE,
    KS_KIND_CLUSTERROLE,
    KS_KIND_ROLEBINDING,
    KS_KIND_CLUSTERROLEBINDING,
    KS_KIND_COUNT
} ks_kind;

/* "Pod", "ReplicaSet", ...; and whether the kind lives in a namespace. */
const char *ks_kind_name(ks_kind k);
int ks_kind_namespaced(ks_kind k);

typedef struct ks_owner_ref {
    uint64_t uid;
    ks_kind kind;
    int controller;           /* controller: true */
    int block_owner_deletion; /* blockOwnerDeletion: true */
} ks_owner_ref;

typedef enum ks_propagation {
    KS_PROPAGATE_BACKGROUND = 0,
    KS_PROPAGATE_FOREGROUND,
    KS_PROPAGATE_ORPHAN
} ks_propagation;

/* The header every object has.  Read-only for callers: change objects
 * with ks_store_update. */
typedef struct ks_object {
    ks_kind kind;
    uint64_t uid;              /* unique, never reused; 0 = none */
    char *namespace_name;      /* NULL for cluster-scoped kinds */
    char *name;
    uint64_t resource_version; /* the store revision of its last write */
    uint64_t generation;       /* bumped by writes of the body (spec) */
    ks_time created;
    /* metadata.deletionTimestamp: -1 unless deleting.  A foreground
     * owner's deletion request time, or a gracefully deleted pod's
     * deadline (request + grace): on a pod, >= 0 means Terminating. */
    ks_time deletion_time;
    /* metadata.deletionGracePeriodSeconds: -1 unless deleting, 0 for a
     * foreground owner, > 0 while a graceful deletion is pending. */
    int64_t deletion_grace_s;
    ks_labels labels;
    ks_owner_ref *owners;
    size_t nowners;
    /* For pods: the node it is bound to (spec.nodeName), for watches by
     * node; NULL otherwise. */
    char *node_name;
    void *body;                /* kind-specific, owned (see kind ops) */
} ks_object;

typedef enum ks_watch_type {
    KS_WATCH_ADDED = 0,
    KS_WATCH_MODIFIED,
    KS_WATCH_DELETED
} ks_watch_type;

/* One delivered event: the object's uid and the revision it happened at;
 * obj is the object as it is when the event is delivered (NULL when it
 * was deleted meanwhile or by this event). */
typedef struct ks_watch_event {
    ks_watch_type type;
    ks_kind kind;
    uint64_t uid;
    uint64_t revision;
    const ks_object *obj;
} ks_watch_event;

typedef void (*ks_watch_fn)(void *ctx, const ks_watch_event *ev);

typedef struct ks_store ks_store;

/* How a kind's bodies are copied and freed (NULL: the body is not copied
 * and freed with free()). */
typedef struct ks_kind_ops {
    void *(*copy)(const void *body);
    void (*free)(void *body);
} ks_kind_ops;

typedef struct ks_store_config {
    int etcd_members;         /* default 1 */
    ks_time gc_delay;         /* garbage collector reaction, default 0 */
} ks_store_config;

ks_store *ks_store_create(ks_engine *engine, const ks_store_config *cfg);
void ks_store_destroy(ks_store *s); /* accepts NULL */

void ks_store_set_kind_ops(ks_store *s, ks_kind kind, const ks_kind_ops *ops);

/* A kind's CheckGracefulDelete (RESTGracefulDeleteStrategy): the grace
 * period in seconds a DELETE gives object o that is not yet deleting,
 * requested_s being the request's gracePeriodSeconds (< 0: none given);
 * 0 deletes it at once.  Kinds without one are deleted at once. */
typedef int64_t (*ks_grace_fn)(const ks_object *o, int64_t requested_s);
void ks_store_set_grace_fn(ks_store *s, ks_kind kind, ks_grace_fn fn);

/* ---- etcd availability ---------------------------------------------- */

int ks_store_members(const ks_store *s);
int ks_store_members_up(const ks_store *s);
/* Marks n members down (or up with a negative n); clamped. */
void ks_store_members_down(ks_store *s, int n);
int ks_store_has_quorum(const ks_store *s);

/* ---- writes: each 0 or a negative ks_err (KS_EUNAVAILABLE without
 * quorum, KS_EEXIST, KS_ENOENT, KS_ECONFLICT) ----------------------------- */

/* What a create writes; strings and arrays are copied, body adopted. */
typedef struct ks_object_spec {
    ks_kind kind;
    const char *namespace_name;
    const char *name;
    const ks_labels *labels;     /* may be NULL */
    const ks_owner_ref *owners;  /* may be NULL */
    size_t nowners;
    const char *node_name;       /* pods */
    void *body;                  /* adopted on success, freed on failure */
} ks_object_spec;

/* Creates the object; *uid receives its uid (may be NULL). */
int ks_store_create_object(ks_store *s, const ks_object_spec *spec,
                           uint64_t *uid);

/* Replaces what changed: body (adopted; NULL keeps it; bumps generation),
 * labels (NULL keeps them), node_name (NULL keeps it).  If
 * expected_version is not 0 and differs from the object's
 * resourceVersion, fails with KS_ECONFLICT (optimistic concurrency). */
int ks_store_update(ks_store *s, uint64_t uid, uint64_t expected_version,
                    void *body, const ks_labels *labels,
                    const char *node_name);

/* A status-only write: bumps resourceVersion, not generation; the body is
 * changed in place by the caller through ks_store_body. */
int ks_store_touch(ks_store *s, uint64_t uid);
void *ks_store_body(ks_store *s, uint64_t uid);

/* Deletes the object at once, whatever its kind (for a pod: a force
 * delete, grace 0, as the kubelet's final delete and pod GC do). */
int ks_store_delete(ks_store *s, uint64_t uid, ks_propagation how);

/* A DELETE with DeleteOptions.gracePeriodSeconds = grace_s
 * (KS_GRACE_DEFAULT: none given, the object's own, e.g. the pod's
 * terminationGracePeriodSeconds): for a kind with a grace function, a
 * period > 0 makes the object Terminating (see above), a shorter one
 * shortens a pending deletion, 0 deletes at once; other kinds are deleted
 * as by ks_store_delete.  how applies to a deletion at once (a
 * Terminating pod is removed later with background propagation).
 * Returns as ks_store_delete (0 also when a deletion stays pending). */
#define KS_GRACE_DEFAULT (-1)
int ks_store_delete_graceful(ks_store *s, uint64_t uid, ks_propagation how,
                             int64_t grace_s);

/* ---- reads (always served) -------------------------------------------- */

const ks_object *ks_store_get(const ks_store *s, uint64_t uid);
const ks_object *ks_store_find(const ks_store *s, ks_kind kind,
                               const char *namespace_name, const char *name);
/* The objects of kind (of namespace_name unless NULL; matching sel unless
 * NULL), in creation order, into a new array *out of *n pointers (free()
 * it).  O(objects of that kind). */
void ks_store_list(const ks_store *s, ks_kind kind, const char *namespace_name,
                   const ks_label_selector *sel, const ks_object ***out,
                   size_t *n);
/* The objects whose ownerReferences name owner, in creation order. */
void ks_store_dependents(const ks_store *s, uint64_t owner,
                         const ks_object ***out, size_t *n);
uint64_t ks_store_revision(const ks_store *s);
size_t ks_store_count(const ks_store *s, ks_kind kind);

/* ---- watches ----------------------------------------------------------- */

/* Receives the events of kind (of namespace_name unless NULL; for pods of
 * node_name unless NULL) delay after each write.  Returns a watch id. */
int ks_store_watch(ks_store *s, ks_kind kind, const char *namespace_name,
                   const char *node_name, ks_time delay, ks_watch_fn fn,
                   void *ctx);
void ks_store_unwatch(ks_store *s, int watch);

/* ---- counters ------------------------------------------------------------ */

typedef struct ks_store_stats {
    uint64_t writes;
    uint64_t failed_writes; /* refused: no quorum, conflict, ... */
    uint64_t events;        /* watch events delivered */
} ks_store_stats;
const ks_store_stats *ks_store_get_stats(const ks_store *s);

#endif
