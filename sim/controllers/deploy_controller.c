/* deploy_controller.c - the Deployment controller on the store (see
 * deploy_controller.h).
 *
 * Upstream re-implemented (kubernetes/kubernetes, the copies cited in
 * deployment.c): deployment_controller.go (add/update/deleteReplicaSet ->
 * enqueue the controller Deployment; syncDeployment), sync.go
 * (getNewReplicaSet: create with the template hash name, collisionCount,
 * revision sync; cleanupDeployment; calculateStatus), rolling.go
 * (rolloutRolling: scale up, else scale down, else cleanup when the
 * status is complete), recreate.go (rolloutRecreate), syncDeployment's
 * dispatch (checkPausedConditions, paused or isScalingEvent -> sync()),
 * progress.go (syncRolloutStatus, requeueStuckDeployment; a current copy,
 * commit c91999ae's logic), and kubectl's polymorphichelpers/rollback.go
 * (DeploymentRollbacker.Rollback, commit 04791b49).
 */
#include "sim/controllers/deploy_controller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/controllers/deployment.h"
#include "sim/controllers/ratelimit.h"
#include "sim/workqueue.h"
#include "sim/xalloc.h"

#include "sim/kinds.h"

typedef struct owner_entry {
    uint64_t uid, owner;
} owner_entry;

struct ks_deploy_controller {
    ks_engine *engine;
    ks_store *store;
    ks_deploy_controller_config cfg;
    ks_workqueue *queue;
    ks_token_bucket bucket;
    int watch_d, watch_rs, watch_pod;
    uint64_t *pod_rs; /* [pod uid - 1]: its controller ReplicaSet, 0 none */
    size_t pod_rs_cap;
    ks_event_id worker_ev;
    ks_time worker_at;
    /* The workers wait for the client's rate limiter until then (client-go
     * blocks them in the limiter's Wait): a throttled sync holds the queue
     * instead of every queued key failing for a token. */
    ks_time blocked_until;
    owner_entry *owners; /* ReplicaSet uid -> Deployment uid, sorted */
    size_t nowners, cap_owners;
    ks_deploy_controller_stats stats;
};

/* ---- RS -> Deployment map ----------------------------------------------- */

static size_t owner_find(const ks_deploy_controller *c, uint64_t uid)
{
    size_t lo = 0, hi = c->nowners;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->owners[mid].uid < uid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void owner_set(ks_deploy_controller *c, uint64_t uid, uint64_t owner)
{
    size_t i = owner_find(c, uid);
    if (i < c->nowners && c->owners[i].uid == uid) {
        c->owners[i].owner = owner;
        return;
    }
    c->owners = ks_xgrow(c->owners, &c->cap_owners, c->nowners + 1,
                         sizeof *c->owners);
    memmove(&c->owners[i + 1], &c->owners[i],
            (c->nowners - i) * sizeof *c->owners);
    c->owners[i] = (owner_entry){uid, owner};
    c->nowners++;
}

static uint64_t owner_take(ks_deploy_controller *c, uint64_t uid)
{
    size_t i = owner_find(c, uid);
    if (i >= c->nowners || c->owners[i].uid != uid)
        return 0;
    uint64_t owner = c->owners[i].owner;
    memmove(&c->owners[i], &c->owners[i + 1],
            (c->nowners - i - 1) * sizeof *c->owners);
    c->nowners--;
    return owner;
}

/* ---- worker ------------------------------------------------------------- */

static void on_worker(ks_engine *e, void *ctx, uint64_t arg);

static void kick(ks_deploy_controller *c)
{
    ks_time now = ks_engine_now(c->engine);
    ks_time at = ks_workqueue_len(c->queue) ? now
                                            : ks_workqueue_next_ready(c->queue);
    if (at != KS_TIME_NEVER && at < c->blocked_until)
        at = c->blocked_until;
    if (at == KS_TIME_NEVER || at >= c->worker_at)
        return;
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    c->worker_at = at < now ? now : at;
    c->worker_ev = ks_engine_at(c->engine, c->worker_at, on_worker, c, 0);
}

static void enqueue(ks_deploy_controller *c, uint64_t uid)
{
    ks_workqueue_add(c->queue, uid);
    kick(c);
}

static uint64_t controller_of(const ks_object *o, ks_kind kind)
{
    for (size_t i = 0; o && i < o->nowners; i++)
        if (o->owners[i].controller && o->owners[i].kind == kind)
            return o->owners[i].uid;
    return 0;
}

static void on_deploy_event(void *ctx, const ks_watch_event *ev)
{
    enqueue(ctx, ev->uid);
}

static void on_rs_event(void *ctx, const ks_watch_event *ev)
{
    ks_deploy_controller *c = ctx;
    uint64_t d;
    if (ev->type == KS_WATCH_DELETED) {
        d = owner_take(c, ev->uid);
    } else {
        if (!ev->obj)
            return;
        d = controller_of(ev->obj, KS_KIND_DEPLOYMENT);
        if (d)
            owner_set(c, ev->uid, d);
        else
            owner_take(c, ev->uid);
    }
    if (d)
        enqueue(c, d);
}

/* deletePod (deployment_controller.go): a Recreate Deployment waits for
 * its old pods to be gone before it scales the new ReplicaSet up, so a
 * pod's deletion wakes its Deployment. */
static void on_pod_event(void *ctx, const ks_watch_event *ev)
{
    ks_deploy_controller *c = ctx;
    if (ev->type != KS_WATCH_DELETED) {
        uint64_t rs = ev->obj ? controller_of(ev->obj, KS_KIND_REPLICASET) : 0;
        if (!rs)
            return;
        if (ev->uid > c->pod_rs_cap) {
            size_t old = c->pod_rs_cap;
            c->pod_rs = ks_xgrow(c->pod_rs, &c->pod_rs_cap, (size_t)ev->uid,
                                 sizeof *c->pod_rs);
            memset(c->pod_rs + old, 0,
                   (c->pod_rs_cap - old) * sizeof *c->pod_rs);
        }
        c->pod_rs[ev->uid - 1] = rs;
        return;
    }
    if (ev->uid > c->pod_rs_cap || !c->pod_rs[ev->uid - 1])
        return;
    uint64_t rs = c->pod_rs[ev->uid - 1];
    c->pod_rs[ev->uid - 1] = 0;
    size_t i = owner_find(c, rs);
    if (i >= c->nowners || c->owners[i].uid != rs)
        return;
    const ks_object *d = ks_store_get(c->store, c->owners[i].owner);
    const ks_deployment_body *db = d ? d->body : NULL;
    if (db && db->strategy == KS_STRATEGY_RECREATE)
        enqueue(c, d->uid);
}

/* ---- helpers ------------------------------------------------------------ */

static int take_token(ks_deploy_controller *c, ks_time *retry)
{
    if (c->cfg.qps < 0)
        return 1;
    ks_time now = ks_engine_now(c->engine);
    if (ks_token_bucket_try_accept(&c->bucket, now))
        return 1;
    ks_time t = ks_token_bucket_next_available(&c->bucket, now);
    if (t < *retry)
        *retry = t;
    return 0;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* apps/v1 DefaultDeploymentUniqueLabelKey. */
#define POD_TEMPLATE_HASH "pod-template-hash"

/* EqualIgnoreHash stand-in: the whole template, labels but
 * pod-template-hash. */
static int same_template(const ks_pod_template *a, const ks_pod_template *b)
{
    return ks_pod_template_equal(a, b, POD_TEMPLATE_HASH);
}

/* ComputeHash stand-in: a hash of the template and collisionCount,
 * written with upstream's SafeEncodeString alphabet. */
static void template_hash(const ks_pod_template *t, uint32_t collisions,
                          char out[11])
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t h = ks_pod_template_hash(t, POD_TEMPLATE_HASH);
    h = (h ^ collisions) * 0x100000001b3ull;
    for (int i = 0; i < 10; i++) {
        out[i] = alphabet[h % 27];
        h /= 27;
    }
    out[10] = '\0';
}

static ks_intstr to_intstr(const ks_int_or_percent *v, char buf[16])
{
    if (!v->is_percent)
        return ks_intstr_int(v->value);
    snprintf(buf, 16, "%d%%", (int)v->value);
    return ks_intstr_str(buf);
}

/* ---- sync --------------------------------------------------------------- */

typedef struct rs_view {
    const ks_object *obj;
    uint64_t uid;
    int32_t ready;
} rs_view;

/* The Deployment's live ReplicaSets, in creation order (free() it). */
static size_t owned_rs(ks_deploy_controller *c, uint64_t d, rs_view **out)
{
    const ks_object **deps;
    size_t n, k = 0;
    ks_store_dependents(c->store, d, &deps, &n);
    rs_view *v = ks_xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const ks_object *o = deps[i];
        if (!o || o->kind != KS_KIND_REPLICASET ||
            controller_of(o, KS_KIND_DEPLOYMENT) != d || o->deletion_time >= 0)
            continue;
        const ks_replicaset_body *b = o->body;
        v[k++] = (rs_view){o, o->uid, b->ready_replicas};
    }
    free(deps);
    *out = v;
    return k;
}

/* Pods of the old ReplicaSets that are not Succeeded/Failed. */
static int32_t old_pods_not_terminal(ks_deploy_controller *c,
                                     const rs_view *v, size_t n, int new_idx)
{
    int32_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if ((int)i == new_idx)
            continue;
        const ks_object **pods;
        size_t np;
        ks_store_dependents(c->store, v[i].uid, &pods, &np);
        for (size_t k = 0; k < np; k++) {
            const ks_pod_body *b =
                pods[k] && pods[k]->kind == KS_KIND_POD ? pods[k]->body : NULL;
            if (b && b->phase != KS_PHASE_SUCCEEDED &&
                b->phase != KS_PHASE_FAILED)
                count++;
        }
        free(pods);
    }
    return count;
}

/* getNewReplicaSet's create. */
static int create_rs(ks_deploy_controller *c, const ks_object *d,
                     const ks_deployment_body *db, const ks_deploy_rs *r,
                     uint64_t *uid)
{
    ks_owner_ref owner = {d->uid, KS_KIND_DEPLOYMENT, 1, 1};
    int rc = KS_EEXIST;
    for (uint32_t collisions = 0; collisions < 8 && rc == KS_EEXIST;
         collisions++) {
        char hash[11];
        template_hash(&db->template, collisions, hash);
        char *name = ks_xasprintf("%s-%s", d->name, hash);
        ks_replicaset_body *b = ks_xcalloc(1, sizeof *b);
        b->replicas = r->replicas;
        b->min_ready_s = db->min_ready_s;
        ks_label_selector_copy(&b->selector, &db->selector);
        ks_pod_template_copy(&b->template, &db->template);
        b->revision = r->revision;
        b->replicas_annotated = r->annotated;
        b->desired_replicas = r->desired_replicas;
        b->max_replicas = r->max_replicas;
        ks_object_spec spec = {KS_KIND_REPLICASET, d->namespace_name, name,
                               &db->template.labels, &owner, 1, NULL, b};
        rc = ks_store_create_object(c->store, &spec, uid);
        free(name);
    }
    return rc;
}

/* The sync's view of an existing ReplicaSet differs from the store's:
 * replicas, the replica annotations, revision or minReadySeconds. */
static int rs_differs(const ks_replicaset_body *b, const ks_deploy_rs *r,
                      int32_t min_ready_s)
{
    return b->replicas != r->replicas || b->revision != r->revision ||
           (b->replicas_annotated != 0) != r->annotated ||
           (r->annotated && (b->desired_replicas != r->desired_replicas ||
                             b->max_replicas != r->max_replicas)) ||
           b->min_ready_s != min_ready_s;
}

/* Writes an existing ReplicaSet as the sync left it (scaleReplicaSet:
 * size and replica annotations; getNewReplicaSet: revision and
 * minReadySeconds of the new one). */
static int write_rs(ks_deploy_controller *c, const ks_object *o,
                    const ks_deploy_rs *r, int32_t min_ready_s)
{
    ks_replicaset_body *b = ks_replicaset_body_copy(o->body);
    b->replicas = r->replicas;
    b->revision = r->revision;
    b->replicas_annotated = r->annotated;
    b->desired_replicas = r->desired_replicas;
    b->max_replicas = r->max_replicas;
    b->min_ready_s = min_ready_s;
    return ks_store_update(c->store, o->uid, o->resource_version, b, NULL,
                           NULL);
}

/* ---- conditions --------------------------------------------------------- */

static int reason_is(const char *reason, const char *want)
{
    return reason && strcmp(reason, want) == 0;
}

/* SetDeploymentCondition: nothing when status and reason are the same;
 * the transition time kept when only the reason changes. */
static void set_condition(ks_deployment_condition *c, ks_dcond_status st,
                          const char *reason, ks_time now_s)
{
    if (c->status == st && same_str(c->reason, reason))
        return;
    ks_time transition = c->status == st ? c->last_transition : now_s;
    *c = (ks_deployment_condition){st, reason, now_s, transition};
}

static int same_condition(const ks_deployment_condition *a,
                          const ks_deployment_condition *b)
{
    return a->status == b->status && same_str(a->reason, b->reason) &&
           (a->status == KS_DCOND_ABSENT ||
            (a->last_update == b->last_update &&
             a->last_transition == b->last_transition));
}

/* An UpdateStatus of the Progressing condition in the middle of a sync,
 * the rest of the status as it stands (checkPausedConditions,
 * getNewReplicaSet).  0: written; 1: no client token (*retry set); -1:
 * refused (nothing changed). */
static int write_progressing(ks_deploy_controller *c, uint64_t uid,
                             const ks_deployment_condition *prog,
                             ks_time *retry)
{
    ks_deployment_body *sb = ks_store_body(c->store, uid);
    if (!sb)
        return -1;
    if (!take_token(c, retry))
        return 1;
    ks_deployment_condition was = sb->progressing;
    sb->progressing = *prog;
    if (ks_store_touch(c->store, uid) != 0) {
        sb->progressing = was;
        return -1;
    }
    c->stats.status_writes++;
    return 0;
}

/* A status write in the middle of a sync: a conflict once one went out
 * (*stale), else write_progressing.  Returns 1 when the sync goes on. */
static int mid_sync_status(ks_deploy_controller *c, uint64_t uid,
                           const ks_deployment_condition *prog, int *stale,
                           int *error, ks_time *retry)
{
    if (*stale) {
        *error = 1; /* conflict */
        return 0;
    }
    int w = write_progressing(c, uid, prog, retry);
    if (w == 0) {
        *stale = 1;
        return 1;
    }
    if (w < 0)
        *error = 1;
    return 0;
}

/* ---- sync --------------------------------------------------------------- */

/* syncDeployment: a paused Deployment and a scaling event go to sync()
 * (scale, then status without progress estimation); the rest to
 * rolloutRolling / rolloutRecreate (then syncRolloutStatus). */
typedef enum sync_mode { SYNC_SCALE, SYNC_ROLLOUT } sync_mode;

static void sync_deploy(ks_deploy_controller *c, uint64_t uid)
{
    ks_time now = ks_engine_now(c->engine);
    ks_time now_s = now - now % KS_SECOND; /* as metav1.Time stores it */
    const ks_object *d = ks_store_get(c->store, uid);
    c->stats.syncs++;
    if (!d || d->kind != KS_KIND_DEPLOYMENT || d->deletion_time >= 0)
        return;
    const ks_deployment_body *db = d->body;
    rs_view *v;
    size_t n = owned_rs(c, uid, &v);
    ks_deploy_rs *rs = ks_xcalloc(n + 1, sizeof *rs);
    int new_idx = -1;
    for (size_t i = 0; i < n; i++) {
        const ks_replicaset_body *b = v[i].obj->body;
        rs[i] = (ks_deploy_rs){.replicas = b->replicas,
                               .status_replicas = b->status_replicas,
                               .available = b->available_replicas,
                               .revision = b->revision,
                               .created = v[i].obj->created,
                               .annotated = b->replicas_annotated != 0,
                               .desired_replicas = b->desired_replicas,
                               .max_replicas = b->max_replicas};
        if (new_idx < 0 && same_template(&b->template, &db->template))
            new_idx = (int)i;
    }
    char surge_buf[16], unavail_buf[16];
    ks_deploy_spec spec = {
        db->replicas,
        db->strategy == KS_STRATEGY_RECREATE ? KS_DEPLOY_RECREATE
                                             : KS_DEPLOY_ROLLING_UPDATE,
        to_intstr(&db->max_surge, surge_buf),
        to_intstr(&db->max_unavailable, unavail_buf),
        db->revision_history_limit};
    int deadline = ks_deploy_has_progress_deadline(db->progress_deadline_s);
    /* The conditions as this sync changes them.  Upstream changes d.Status
     * in place and writes it at up to three points of one sync
     * (checkPausedConditions, getNewReplicaSet, then syncRolloutStatus or
     * syncDeploymentStatus), every time with the resourceVersion the sync
     * started from: after one write the later ones fail with a conflict,
     * the sync ends there and the key goes back rate-limited (the next
     * sync writes the rest).  Modelled as such: stale is set by a write,
     * stop ends the sync's writes. */
    ks_deployment_condition prog = db->progressing, avail = db->available;
    ks_time retry = KS_TIME_NEVER;
    int error = 0, rc = 0, scaled = 0, stale = 0, stop = 0;

    /* checkPausedConditions: Unknown while paused and once resumed, so a
     * long pause does not count against the deadline; a timeout stays. */
    if (deadline && !reason_is(prog.reason, KS_DEPLOY_REASON_TIMED_OUT)) {
        int paused_cond = reason_is(prog.reason, KS_DEPLOY_REASON_PAUSED);
        const char *reason = db->paused && !paused_cond
                                 ? KS_DEPLOY_REASON_PAUSED
                             : !db->paused && paused_cond
                                 ? KS_DEPLOY_REASON_RESUMED
                                 : NULL;
        if (reason) {
            set_condition(&prog, KS_DCOND_UNKNOWN, reason, now_s);
            stop = !mid_sync_status(c, uid, &prog, &stale, &error, &retry);
        }
    }

    /* getNewReplicaSet on an existing new RS: its revision becomes max +
     * 1 (SetNewReplicaSetAnnotations only raises it; a rolled-back RS gets
     * a new number) and minReadySeconds follows the Deployment (an RS
     * write, below); when none of that needs a write, a Deployment without
     * a Progressing condition gets FoundNewReplicaSet (a status write). */
    if (!stop && new_idx >= 0) {
        int64_t rev = ks_deploy_next_revision(rs, n, new_idx);
        const ks_replicaset_body *b = v[new_idx].obj->body;
        if (rs[new_idx].revision < rev) {
            rs[new_idx].revision = rev;
        } else if (b->min_ready_s == db->min_ready_s && deadline &&
                   prog.status == KS_DCOND_ABSENT) {
            set_condition(&prog, KS_DCOND_TRUE, KS_DEPLOY_REASON_FOUND_NEW_RS,
                          now_s);
            stop = !mid_sync_status(c, uid, &prog, &stale, &error, &retry);
        }
    }

    sync_mode mode = db->paused || ks_deploy_is_scaling_event(&spec, rs, n)
                         ? SYNC_SCALE
                         : SYNC_ROLLOUT;
    size_t n0 = n;
    int new0 = new_idx;
    ks_deploy_sync_result res = {KS_DEPLOY_NOTHING, false, new_idx, 0};

    if (stop) {
        /* nothing decided */
    } else if (mode == SYNC_SCALE) {
        scaled = ks_deploy_scale(&spec, rs, n, new_idx, db->status_replicas);
    } else {
        if (spec.strategy == KS_DEPLOY_RECREATE)
            rc = ks_deploy_recreate_sync(
                &spec, rs, &n, n + 1, &new_idx,
                old_pods_not_terminal(c, v, n, new_idx), now, &res, NULL);
        else
            rc = ks_deploy_rolling_sync(&spec, rs, &n, n + 1, &new_idx, now,
                                        &res, NULL);
        if (rc != 0) { /* a bad intstr: validation refuses it */
            stop = 1;
            error = 1;
        }
        scaled = res.created_new || res.action != KS_DEPLOY_NOTHING;
    }

    /* the writes, in upstream's order: create the new RS (and the status
     * with NewReplicaSetCreated), scale it, then the old ones */
    if (!stop && new0 < 0 && new_idx >= 0 && (size_t)new_idx == n0) {
        if (!take_token(c, &retry)) {
            stop = 1;
        } else if (create_rs(c, d, db, &rs[new_idx], &v[new_idx].uid) != 0) {
            stop = 1;
            error = 1;
        } else {
            c->stats.rs_created++;
            if (deadline) {
                set_condition(&prog, KS_DCOND_TRUE,
                              KS_DEPLOY_REASON_NEW_RS_CREATED, now_s);
                stop = !mid_sync_status(c, uid, &prog, &stale, &error,
                                        &retry);
            }
        }
    } else if (!stop && new_idx >= 0 &&
               rs_differs(v[new_idx].obj->body, &rs[new_idx],
                          db->min_ready_s)) {
        if (take_token(c, &retry)) {
            if (write_rs(c, v[new_idx].obj, &rs[new_idx], db->min_ready_s) ==
                0)
                c->stats.rs_scaled++;
            else
                error = 1;
        }
    }
    for (size_t i = 0; i < n0 && !stop && !error && retry == KS_TIME_NEVER;
         i++) {
        const ks_replicaset_body *b = v[i].obj->body;
        if ((int)i == new_idx || !rs_differs(b, &rs[i], b->min_ready_s))
            continue;
        if (!take_token(c, &retry))
            break;
        if (write_rs(c, v[i].obj, &rs[i], b->min_ready_s) == 0)
            c->stats.rs_scaled++;
        else
            error = 1;
    }

    /* cleanupDeployment: sync() runs it for a paused Deployment;
     * rolloutRolling / rolloutRecreate when nothing scaled and the last
     * status is complete */
    int cleanup =
        mode == SYNC_SCALE
            ? db->paused
            : !scaled && d->generation == db->observed_generation &&
                  ks_deploy_complete(db->replicas, db->updated_replicas,
                                     db->status_replicas,
                                     db->available_replicas);
    if (cleanup && !stop && !error && retry == KS_TIME_NEVER) {
        size_t *out = ks_xcalloc(n + 1, sizeof *out);
        size_t k = ks_deploy_cleanup_history(&spec, rs, n, new_idx, out);
        for (size_t i = 0; i < k && retry == KS_TIME_NEVER; i++) {
            if (!take_token(c, &retry))
                break;
            if (ks_store_delete(c->store, v[out[i]].uid,
                                KS_PROPAGATE_BACKGROUND) == 0)
                c->stats.rs_deleted++;
            else
                error = 1;
        }
        free(out);
    }

    /* calculateStatus from the ReplicaSets' status (their status fields
     * are untouched by the spec writes above). */
    ks_deploy_counts before = {db->status_replicas, db->updated_replicas,
                               db->ready_replicas, db->available_replicas};
    ks_deploy_counts cur = {0, 0, 0, 0};
    for (size_t i = 0; i < n0; i++) {
        if (rs[i].deleted)
            continue;
        cur.replicas += rs[i].status_replicas;
        cur.ready += v[i].ready;
        cur.available += rs[i].available;
        if ((int)i == new_idx)
            cur.updated = rs[i].status_replicas;
    }
    if (cur.available >= db->replicas - ks_deploy_max_unavailable(&spec))
        set_condition(&avail, KS_DCOND_TRUE, KS_DEPLOY_REASON_MIN_AVAILABLE,
                      now_s);
    else
        set_condition(&avail, KS_DCOND_FALSE, KS_DEPLOY_REASON_MIN_UNAVAILABLE,
                      now_s);
    int complete = ks_deploy_complete(db->replicas, cur.updated, cur.replicas,
                                      cur.available);

    /* syncRolloutStatus: the Progressing condition */
    if (mode == SYNC_ROLLOUT) {
        if (!deadline)
            prog = (ks_deployment_condition){KS_DCOND_ABSENT, NULL, 0, 0};
        /* a finished rollout being resynced: no estimate */
        int finished =
            cur.replicas == cur.updated &&
            reason_is(prog.reason, KS_DEPLOY_REASON_NEW_RS_AVAILABLE);
        if (deadline && !finished) {
            if (complete) {
                set_condition(&prog, KS_DCOND_TRUE,
                              KS_DEPLOY_REASON_NEW_RS_AVAILABLE, now_s);
            } else if (ks_deploy_progressing(&before, &cur)) {
                /* lastUpdateTime moves with every progress, even with the
                 * same reason; the transition time stays while True */
                ks_time transition = prog.status == KS_DCOND_TRUE
                                         ? prog.last_transition
                                         : now_s;
                prog = (ks_deployment_condition){
                    KS_DCOND_TRUE, KS_DEPLOY_REASON_RS_UPDATED, now_s,
                    transition};
            } else if (ks_deploy_timed_out(db->progress_deadline_s,
                                           prog.reason, prog.last_update,
                                           now)) {
                set_condition(&prog, KS_DCOND_FALSE,
                              KS_DEPLOY_REASON_TIMED_OUT, now_s);
            }
        }
    }

    const ks_object *dn = ks_store_get(c->store, uid);
    ks_deployment_body *sb = ks_store_body(c->store, uid);
    int changed = !stop && dn && sb &&
                  (sb->status_replicas != cur.replicas ||
                   sb->updated_replicas != cur.updated ||
                   sb->ready_replicas != cur.ready ||
                   sb->available_replicas != cur.available ||
                   sb->observed_generation != dn->generation ||
                   !same_condition(&sb->progressing, &prog) ||
                   !same_condition(&sb->available, &avail));
    if (changed && stale) {
        error = 1; /* conflict: written by the next sync */
    } else if (changed && take_token(c, &retry)) {
        ks_deployment_body was = *sb;
        sb->status_replicas = cur.replicas;
        sb->updated_replicas = cur.updated;
        sb->ready_replicas = cur.ready;
        sb->available_replicas = cur.available;
        sb->observed_generation = dn->generation;
        sb->progressing = prog;
        sb->available = avail;
        if (ks_store_touch(c->store, uid) == 0) {
            c->stats.status_writes++;
        } else { /* refused: the status stays as it was */
            sb->status_replicas = was.status_replicas;
            sb->updated_replicas = was.updated_replicas;
            sb->ready_replicas = was.ready_replicas;
            sb->available_replicas = was.available_replicas;
            sb->observed_generation = was.observed_generation;
            sb->progressing = was.progressing;
            sb->available = was.available;
            error = 1;
        }
    } else if (!changed && !stop && mode == SYNC_ROLLOUT && !error) {
        /* requeueStuckDeployment: look again when the deadline passes */
        ks_time after = ks_deploy_progress_recheck(
            db->progress_deadline_s, prog.reason, prog.last_update, complete,
            now);
        if (after == 0)
            ks_workqueue_add_rate_limited(c->queue, uid, now);
        else if (after > 0)
            ks_workqueue_add_after(c->queue, uid, now + after);
    }
    free(rs);
    free(v);
    if (retry != KS_TIME_NEVER) {
        c->stats.throttled++;
        c->blocked_until = retry;
        ks_workqueue_add_after(c->queue, uid, retry);
    } else if (error) {
        c->stats.write_errors++;
        ks_workqueue_add_rate_limited(c->queue, uid, now);
    } else {
        ks_workqueue_forget(c->queue, uid);
    }
}

static void on_worker(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    ks_deploy_controller *c = ctx;
    c->worker_at = KS_TIME_NEVER;
    uint64_t key = ks_workqueue_get(c->queue, ks_engine_now(e));
    if (key) {
        sync_deploy(c, key);
        ks_workqueue_done(c->queue, key);
    }
    kick(c);
}

/* ---- lifecycle ---------------------------------------------------------- */

ks_deploy_controller *ks_deploy_controller_create(
    ks_engine *engine, ks_store *store, const ks_deploy_controller_config *cfg)
{
    ks_deploy_controller *c = ks_xcalloc(1, sizeof *c);
    c->engine = engine;
    c->store = store;
    if (cfg)
        c->cfg = *cfg;
    if (c->cfg.qps == 0)
        c->cfg.qps = 20;
    if (c->cfg.burst <= 0)
        c->cfg.burst = 30;
    if (c->cfg.qps > 0)
        ks_token_bucket_init(&c->bucket, c->cfg.qps, c->cfg.burst,
                             ks_engine_now(engine));
    ks_workqueue_config qc = ks_workqueue_default_config();
    c->queue = ks_workqueue_create(&qc);
    c->worker_at = KS_TIME_NEVER;
    c->watch_d = ks_store_watch(store, KS_KIND_DEPLOYMENT, NULL, NULL,
                                c->cfg.informer_delay, on_deploy_event, c);
    c->watch_rs = ks_store_watch(store, KS_KIND_REPLICASET, NULL, NULL,
                                 c->cfg.informer_delay, on_rs_event, c);
    c->watch_pod = ks_store_watch(store, KS_KIND_POD, NULL, NULL,
                                  c->cfg.informer_delay, on_pod_event, c);
    return c;
}

void ks_deploy_controller_destroy(ks_deploy_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watch_d);
    ks_store_unwatch(c->store, c->watch_rs);
    ks_store_unwatch(c->store, c->watch_pod);
    free(c->pod_rs);
    if (c->worker_at != KS_TIME_NEVER)
        ks_engine_cancel(c->engine, c->worker_ev);
    free(c->owners);
    ks_workqueue_destroy(c->queue);
    free(c);
}

const ks_deploy_controller_stats *ks_deploy_controller_get_stats(
    const ks_deploy_controller *c)
{
    return &c->stats;
}

/* ---- kubectl rollout undo ----------------------------------------------- */

/* Removes key from a sorted label set. */
static void labels_remove(ks_labels *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].key, key) != 0)
            continue;
        free(l->items[i].key);
        free(l->items[i].value);
        memmove(&l->items[i], &l->items[i + 1],
                (l->n - i - 1) * sizeof *l->items);
        l->n--;
        return;
    }
}

/* DeploymentRollbacker.Rollback (kubectl polymorphichelpers/rollback.go,
 * client side since kubectl 1.x dropped the rollback subresource):
 * deploymentRevision picks the ReplicaSet, a paused Deployment is refused,
 * a matching template is skipped, else the Deployment's template is
 * replaced by the ReplicaSet's without pod-template-hash (the JSON patch of
 * spec.template; the annotations it also restores are not modelled). */
int ks_deployment_rollback(ks_store *s, uint64_t deployment_uid,
                           int64_t to_revision, ks_error *err)
{
    if (to_revision < 0)
        return ks_error_set(err, KS_ENOENT, NULL, 0, 0,
                            "unable to find specified revision %lld in "
                            "history",
                            (long long)to_revision);
    const ks_object *d = ks_store_get(s, deployment_uid);
    if (!d || d->kind != KS_KIND_DEPLOYMENT)
        return ks_error_set(err, KS_ENOENT, NULL, 0, 0,
                            "failed to retrieve Deployment: no Deployment "
                            "with uid %llu",
                            (unsigned long long)deployment_uid);
    const ks_deployment_body *db = d->body;

    /* GetAllReplicaSets: the old ones in creation order, then the new one
     * (the oldest whose template matches) */
    const ks_object **deps;
    size_t n;
    ks_store_dependents(s, deployment_uid, &deps, &n);
    const ks_object **list = ks_xcalloc(n + 1, sizeof *list);
    ks_deploy_rs *rs = ks_xcalloc(n + 1, sizeof *rs);
    size_t m = 0;
    const ks_object *new_rs = NULL;
    for (size_t i = 0; i < n; i++) {
        const ks_object *o = deps[i];
        if (!o || o->kind != KS_KIND_REPLICASET ||
            controller_of(o, KS_KIND_DEPLOYMENT) != deployment_uid)
            continue;
        const ks_replicaset_body *b = o->body;
        if (!new_rs && same_template(&b->template, &db->template)) {
            new_rs = o;
            continue;
        }
        list[m++] = o;
    }
    if (new_rs)
        list[m++] = new_rs;
    free(deps);
    for (size_t i = 0; i < m; i++)
        rs[i].revision = ((const ks_replicaset_body *)list[i]->body)->revision;
    int target = ks_deploy_rollback_target(rs, m, to_revision);
    const ks_object *to = target >= 0 ? list[target] : NULL;
    free(rs);
    free(list);
    if (target == -1)
        return ks_error_set(err, KS_ENOENT, NULL, 0, 0,
                            "unable to find specified revision %lld in "
                            "history",
                            (long long)to_revision);
    if (!to)
        return ks_error_set(err, KS_ENOENT, NULL, 0, 0,
                            "no rollout history found for deployment \"%s\"",
                            d->name);
    if (db->paused)
        return ks_error_set(err, KS_ESTATE, NULL, 0, 0,
                            "you cannot rollback a paused deployment; resume "
                            "it first with 'kubectl rollout resume "
                            "deployment/%s' and try again",
                            d->name);
    const ks_replicaset_body *tb = to->body;
    if (same_template(&tb->template, &db->template)) {
        ks_error_set(err, KS_OK, NULL, 0, 0,
                     "skipped rollback (current template already matches "
                     "revision %lld)",
                     (long long)to_revision);
        return 1;
    }
    ks_deployment_body *nb = ks_deployment_body_copy(db);
    ks_pod_template_free(&nb->template);
    ks_pod_template_copy(&nb->template, &tb->template);
    labels_remove(&nb->template.labels, POD_TEMPLATE_HASH);
    int rc = ks_store_update(s, deployment_uid, 0, nb, NULL, NULL);
    if (rc != 0)
        return ks_error_set(err, rc, NULL, 0, 0,
                            "failed restoring revision %lld: %s",
                            (long long)to_revision, ks_strerror(rc));
    ks_error_clear(err);
    return 0;
}
