/* deploy_controller.c - the Deployment controller on the store (see
 * deploy_controller.h).
 *
 * Upstream re-implemented (kubernetes/kubernetes, the copies cited in
 * deployment.c): deployment_controller.go (add/update/deleteReplicaSet ->
 * enqueue the controller Deployment; syncDeployment), sync.go
 * (getNewReplicaSet: create with the template hash name, collisionCount,
 * revision sync; cleanupDeployment; calculateStatus), rolling.go
 * (rolloutRolling: scale up, else scale down, else cleanup when the
 * status is complete), recreate.go (rolloutRecreate).
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
    int watch_d, watch_rs;
    ks_event_id worker_ev;
    ks_time worker_at;
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

static int same_labels(const ks_labels *a, const ks_labels *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) /* both sorted by key */
        if (strcmp(a->items[i].key, b->items[i].key) != 0 ||
            strcmp(a->items[i].value, b->items[i].value) != 0)
            return 0;
    return 1;
}

/* EqualIgnoreHash stand-in: the whole template, field by field. */
static int same_template(const ks_pod_template *a, const ks_pod_template *b)
{
    return memcmp(a->requests, b->requests, sizeof a->requests) == 0 &&
           same_str(a->image, b->image) && a->image_size == b->image_size &&
           a->run_time == b->run_time && a->priority == b->priority &&
           a->termination_grace_s == b->termination_grace_s &&
           a->restart_policy == b->restart_policy &&
           a->crashes == b->crashes && a->crash_after == b->crash_after &&
           same_labels(&a->labels, &b->labels);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

/* ComputeHash stand-in: an FNV-1a of the template and collisionCount,
 * written with upstream's SafeEncodeString alphabet. */
static void template_hash(const ks_pod_template *t, uint32_t collisions,
                          char out[11])
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, t->requests, sizeof t->requests);
    if (t->image)
        h = fnv(h, t->image, strlen(t->image));
    h = fnv(h, &t->image_size, sizeof t->image_size);
    h = fnv(h, &t->run_time, sizeof t->run_time);
    h = fnv(h, &t->priority, sizeof t->priority);
    h = fnv(h, &t->restart_policy, sizeof t->restart_policy);
    h = fnv(h, &t->crashes, sizeof t->crashes);
    h = fnv(h, &t->crash_after, sizeof t->crash_after);
    for (size_t i = 0; i < t->labels.n; i++) {
        h = fnv(h, t->labels.items[i].key, strlen(t->labels.items[i].key) + 1);
        h = fnv(h, t->labels.items[i].value,
                strlen(t->labels.items[i].value) + 1);
    }
    h = fnv(h, &collisions, sizeof collisions);
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
        ks_object_spec spec = {KS_KIND_REPLICASET, d->namespace_name, name,
                               &db->template.labels, &owner, 1, NULL, b};
        rc = ks_store_create_object(c->store, &spec, uid);
        free(name);
    }
    return rc;
}

/* Writes spec.replicas (and revision) of an existing ReplicaSet. */
static int scale_rs(ks_deploy_controller *c, const ks_object *o,
                    int32_t replicas, int64_t revision)
{
    ks_replicaset_body *b = ks_replicaset_body_copy(o->body);
    b->replicas = replicas;
    b->revision = revision;
    return ks_store_update(c->store, o->uid, o->resource_version, b, NULL,
                           NULL);
}

static void sync_deploy(ks_deploy_controller *c, uint64_t uid)
{
    ks_time now = ks_engine_now(c->engine);
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
        rs[i] = (ks_deploy_rs){b->replicas, b->status_replicas,
                               b->available_replicas, b->revision,
                               v[i].obj->created, false};
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
    size_t n0 = n;
    int new0 = new_idx;
    ks_deploy_sync_result res = {KS_DEPLOY_NOTHING, false, new_idx, 0};
    ks_time retry = KS_TIME_NEVER;
    int error = 0, rc = 0;

    if (!db->paused) {
        if (spec.strategy == KS_DEPLOY_RECREATE)
            rc = ks_deploy_recreate_sync(
                &spec, rs, &n, n + 1, &new_idx,
                old_pods_not_terminal(c, v, n, new_idx), now, &res, NULL);
        else
            rc = ks_deploy_rolling_sync(&spec, rs, &n, n + 1, &new_idx, now,
                                        &res, NULL);
        if (rc != 0)
            error = 1; /* a bad intstr: validation would have refused it */
    }

    /* the writes, in upstream's order: create the new RS, scale it, then
     * the old ones */
    if (!error && new0 < 0 && new_idx >= 0 && (size_t)new_idx == n0) {
        if (take_token(c, &retry)) {
            if (create_rs(c, d, db, &rs[new_idx], &v[new_idx].uid) == 0)
                c->stats.rs_created++;
            else
                error = 1;
        }
    } else if (!error && new_idx >= 0) {
        const ks_replicaset_body *b = v[new_idx].obj->body;
        int64_t rev = ks_deploy_next_revision(rs, n, new_idx);
        if (rev < b->revision)
            rev = b->revision;
        if (b->replicas != rs[new_idx].replicas || b->revision != rev) {
            if (take_token(c, &retry)) {
                if (scale_rs(c, v[new_idx].obj, rs[new_idx].replicas, rev) ==
                    0)
                    c->stats.rs_scaled++;
                else
                    error = 1;
            }
        }
    }
    for (size_t i = 0; i < n0 && !error && retry == KS_TIME_NEVER; i++) {
        const ks_replicaset_body *b = v[i].obj->body;
        if ((int)i == new_idx || b->replicas == rs[i].replicas)
            continue;
        if (!take_token(c, &retry))
            break;
        if (scale_rs(c, v[i].obj, rs[i].replicas, b->revision) == 0)
            c->stats.rs_scaled++;
        else
            error = 1;
    }

    /* rolloutRolling / rolloutRecreate: nothing scaled and the last status
     * complete -> cleanupDeployment */
    int scaled = res.created_new || res.action != KS_DEPLOY_NOTHING;
    if (!db->paused && !error && retry == KS_TIME_NEVER && !scaled &&
        d->generation == db->observed_generation &&
        ks_deploy_complete(db->replicas, db->updated_replicas,
                           db->status_replicas, db->available_replicas)) {
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
    int32_t replicas = 0, updated = 0, ready = 0, available = 0;
    for (size_t i = 0; i < n0; i++) {
        if (rs[i].deleted)
            continue;
        replicas += rs[i].status_replicas;
        ready += v[i].ready;
        available += rs[i].available;
        if ((int)i == new_idx)
            updated = rs[i].status_replicas;
    }
    const ks_object *dn = ks_store_get(c->store, uid);
    ks_deployment_body *sb = ks_store_body(c->store, uid);
    if (dn && sb &&
        (sb->status_replicas != replicas || sb->updated_replicas != updated ||
         sb->ready_replicas != ready || sb->available_replicas != available ||
         sb->observed_generation != dn->generation) &&
        take_token(c, &retry)) {
        sb->status_replicas = replicas;
        sb->updated_replicas = updated;
        sb->ready_replicas = ready;
        sb->available_replicas = available;
        sb->observed_generation = dn->generation;
        if (ks_store_touch(c->store, uid) == 0)
            c->stats.status_writes++;
        else
            error = 1;
    }
    free(rs);
    free(v);
    if (retry != KS_TIME_NEVER) {
        c->stats.throttled++;
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
    return c;
}

void ks_deploy_controller_destroy(ks_deploy_controller *c)
{
    if (!c)
        return;
    ks_store_unwatch(c->store, c->watch_d);
    ks_store_unwatch(c->store, c->watch_rs);
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
