/* cp_run.c - a scenario's whole cluster on the store.
 *
 * Wiring only: each component is the module named in docs/control-loop.md
 * and talks to the others through the store.  Actions are what kubectl
 * would send (kubectl scale: PATCH deployments/scale; set image, pause,
 * resume: PATCH deployments; cordon: PATCH nodes; drain: cordon, then an
 * eviction per pod; delete: DELETE with background propagation, kubectl's
 * default; rollback: kubectl rollout undo, which lists the ReplicaSets
 * and PATCHes the Deployment: staging/src/k8s.io/kubectl/pkg/cmd/rollout/
 * rollout_undo.go and polymorphichelpers/rollback.go), authorized by RBAC
 * as the user named in the action.
 */
#include "scenarios/cp_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/build.h"
#include "scenarios/cp_objects.h"
#include "scenarios/cp_spec.h"
#include "scenarios/rbac_manifests.h"
#include "sched/store_bridge.h"
#include "sim/controllers/daemonset_controller.h"
#include "sim/controllers/deploy_controller.h"
#include "sim/controllers/endpointslice_controller.h"
#include "sim/controllers/hpa_controller.h"
#include "sim/controllers/job_controller.h"
#include "sim/controllers/nodelife_controller.h"
#include "sim/controllers/rs_controller.h"
#include "sim/kinds.h"
#include "sim/kubelet.h"
#include "sim/rbac.h"
#include "sim/store.h"
#include "sim/traffic.h"
#include "sim/usage.h"
#include "sim/xalloc.h"

/* kubectl cordon sets spec.unschedulable; the node lifecycle controller
 * then adds this taint (TaintNodesByCondition), which is what the
 * scheduler's filters see here. */
#define UNSCHEDULABLE_TAINT "node.kubernetes.io/unschedulable"

/* Objects named in samples, in first-seen order. */
typedef struct name_table {
    char **names; /* "namespace/name" */
    uint64_t *uids;
    size_t n, names_cap, uids_cap;
} name_table;

struct ks_cp_run {
    const ks_scenario *sc;
    const ks_cp_spec *spec;
    ks_engine *engine;
    ks_store *store;
    ks_podevents *events;
    ks_rs_controller *rsc;
    ks_deploy_controller *dc;
    ks_job_controller *jc;
    ks_daemonset_controller *dsc;
    ks_nodelife_controller *nlc;
    ks_endpointslice_controller *esc;
    ks_usage *usage;          /* with HPAs only */
    ks_hpa_controller *hpac;  /* with HPAs only */
    ks_store_bridge *bridge;
    ks_kubelet **kubelets;
    size_t nkubelets, kubelets_cap;
    ks_traffic *traffic;
    int *traffic_index; /* per spec.traffic item: ks_traffic's index */
    ks_rbac_policy *rbac;
    ks_time last_sample;      /* -1 before the first */
    ks_cp_deployment_sample *dsamples;
    size_t ndsamples, dsamples_cap;
    name_table deployments;
    ks_cp_service_sample *ssamples;
    size_t nssamples, ssamples_cap;
    ks_cp_hpa_sample *hsamples;
    size_t nhsamples, hsamples_cap;
    name_table hpas;
    ks_cp_action_result *results;
    size_t nresults;
};

/* ---- names of sampled objects ------------------------------------------------- */

static void name_table_free(name_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->uids);
    *t = (name_table){0};
}

/* o's index in t, added when first seen. */
static uint32_t name_index(name_table *t, const ks_object *o)
{
    /* Objects are sampled in creation (uid) order: the last one seen is
     * usually the one asked for. */
    for (size_t i = t->n; i-- > 0;)
        if (t->uids[i] == o->uid)
            return (uint32_t)i;
    t->names = ks_xgrow(t->names, &t->names_cap, t->n + 1, sizeof *t->names);
    t->uids = ks_xgrow(t->uids, &t->uids_cap, t->n + 1, sizeof *t->uids);
    t->names[t->n] = ks_xasprintf("%s/%s", o->namespace_name, o->name);
    t->uids[t->n] = o->uid;
    return (uint32_t)t->n++;
}

/* ---- nodes ------------------------------------------------------------------ */

/* A Node object and its kubelet.  unschedulable: spec.unschedulable,
 * seen by the scheduler as the taint the node lifecycle controller adds
 * for it. */
static void add_node(ks_cp_run *cp, const char *name, const int64_t *alloc,
                     const ks_labels *labels, const ks_taint *taints,
                     size_t ntaints, int unschedulable,
                     const ks_kubelet_config *kc)
{
    ks_node_body *b = ks_xcalloc(1, sizeof *b);
    memcpy(b->allocatable, alloc, sizeof b->allocatable);
    b->ready = KS_READY_TRUE;
    const char *zone =
        labels ? ks_labels_get(labels, "topology.kubernetes.io/zone") : NULL;
    b->zone = zone ? ks_xstrdup(zone) : NULL;
    for (size_t i = 0; i < ntaints; i++)
        if (ks_node_body_add_taint(b, taints[i].key, taints[i].effect, 0) &&
            taints[i].value)
            b->taints[b->ntaints - 1].value = ks_xstrdup(taints[i].value);
    if (unschedulable)
        ks_node_body_add_taint(b, UNSCHEDULABLE_TAINT, KS_EFFECT_NO_SCHEDULE,
                               0);
    ks_object_spec spec = {KS_KIND_NODE, NULL, name, labels, NULL, 0, NULL,
                           b};
    if (ks_store_create_object(cp->store, &spec, NULL) != 0)
        return; /* a duplicate name: the loader's checks keep these out */
    cp->kubelets = ks_xgrow(cp->kubelets, &cp->kubelets_cap,
                            cp->nkubelets + 1, sizeof *cp->kubelets);
    cp->kubelets[cp->nkubelets++] =
        ks_kubelet_create(cp->engine, cp->store, name, kc);
}

static void add_pool_nodes(ks_cp_run *cp, const ks_kubelet_config *kc)
{
    const ks_scenario *sc = cp->sc;
    for (size_t p = 0; p < sc->npools; p++) {
        const ks_node_pool *pool = &sc->pools[p];
        ks_labels labels = {0};
        for (size_t k = 0; k < pool->nlabels; k++)
            ks_labels_set(&labels, pool->labels[k].key, pool->labels[k].value);
        for (int64_t i = 0; i < pool->count; i++) {
            char name[128];
            snprintf(name, sizeof name, "%s-%lld", pool->name, (long long)i);
            add_node(cp, name, pool->allocatable, &labels, NULL, 0, 0, kc);
        }
        ks_labels_free(&labels);
    }
}

static int add_manifest_nodes(ks_cp_run *cp, const ks_kubelet_config *kc,
                              ks_error *err)
{
    const ks_scenario *sc = cp->sc;
    if (!sc->manifests)
        return 0;
    for (size_t i = sc->manifest_nodes_begin; i < sc->manifest_nodes_end;
         i++) {
        const ks_manifest_node *mn = &sc->manifests->nodes[i];
        int64_t alloc[KS_RES_COUNT];
        int rc = ks_build_node_allocatable(mn, alloc, err);
        if (rc)
            return rc;
        add_node(cp, mn->name, alloc, &mn->info.labels, mn->info.taints,
                 mn->info.ntaints, mn->info.unschedulable, kc);
    }
    return 0;
}

/* ---- components ------------------------------------------------------------------ */

static ks_kubelet_config kubelet_config(const ks_cp_run *cp)
{
    const ks_cp_spec *s = cp->spec;
    ks_kubelet_config kc = ks_kubelet_default_config();
    kc.pull.bandwidth = s->pull_bandwidth;
    kc.pull.overhead = s->pull_overhead;
    kc.pull.max_parallel = s->max_parallel_pulls;
    kc.sandbox_latency = s->sandbox_latency;
    kc.start_latency = s->start_latency;
    kc.watch_delay = s->watch_delay;
    kc.events = cp->events;
    return kc;
}

static int load_rbac(ks_cp_run *cp, ks_error *err)
{
    cp->rbac = ks_rbac_policy_create();
    for (size_t i = 0; i < cp->spec->nrbac_files; i++) {
        size_t n = 0;
        int rc = ks_rbac_manifests_load_file(cp->spec->rbac_files[i],
                                             cp->rbac, &n, err);
        if (rc)
            return rc;
    }
    return 0;
}

ks_cp_run *ks_cp_run_create(const ks_scenario *sc, ks_engine *e,
                            ks_rngs *rngs, const ks_scheduler_config *cfg,
                            ks_error *err)
{
    ks_cp_run *cp = ks_xcalloc(1, sizeof *cp);
    cp->sc = sc;
    cp->spec = sc->control_plane;
    cp->engine = e;
    cp->last_sample = -1;
    const ks_cp_spec *s = cp->spec;
    ks_store_config stc = {s->etcd_members, 0};
    cp->store = ks_store_create(e, &stc);
    ks_kinds_install(cp->store);
    cp->events = ks_podevents_create(e, cp->store);
    ks_rs_controller_config rc = {s->watch_delay, s->controller_qps,
                                  s->controller_burst, 0};
    cp->rsc = ks_rs_controller_create(e, cp->store, &rc);
    ks_deploy_controller_config dc = {s->watch_delay, s->controller_qps,
                                      s->controller_burst};
    cp->dc = ks_deploy_controller_create(e, cp->store, &dc);
    ks_job_controller_config jc = {s->watch_delay, s->controller_qps,
                                   s->controller_burst};
    cp->jc = ks_job_controller_create(e, cp->store, &jc);
    ks_daemonset_controller_config dsc = {s->watch_delay, s->controller_qps,
                                          s->controller_burst, 0, 0};
    cp->dsc = ks_daemonset_controller_create(e, cp->store, &dsc);
    cp->nlc = ks_nodelife_controller_create(e, cp->store, NULL,
                                            s->watch_delay);
    ks_nodelife_controller_set_events(cp->nlc, cp->events);
    cp->esc = ks_endpointslice_controller_create(e, cp->store, s->watch_delay);
    if (sc->manifests && sc->manifests->nhpas > 0) {
        /* The usage model first: the HPA controller reads it (and is
         * destroyed before it).  Only runs with HPAs pay for the HPA
         * controller's pod informer. */
        cp->usage = ks_usage_create(cp->store, NULL);
        ks_hpa_controller_config hc = ks_hpa_controller_default_config();
        hc.informer_delay = s->watch_delay;
        hc.qps = s->controller_qps;
        hc.burst = s->controller_burst;
        cp->hpac = ks_hpa_controller_create(e, cp->store, cp->usage, &hc);
    }
    ks_store_bridge_config bc = {s->watch_delay, sc->bind_latency};
    cp->bridge = ks_store_bridge_create(e, cp->store, cfg,
                                        ks_rngs_stream(rngs, "tiebreak"), &bc);
    ks_traffic_config tc = {{s->proxy_mode, s->proxy_min_sync},
                            s->proxy_delay};
    cp->traffic = ks_traffic_create(e, cp->store,
                                    ks_rngs_stream(rngs, "traffic"), &tc);
    ks_kubelet_config kc = kubelet_config(cp);
    add_pool_nodes(cp, &kc);
    if (add_manifest_nodes(cp, &kc, err) != 0 || load_rbac(cp, err) != 0) {
        ks_cp_run_destroy(cp);
        return NULL;
    }
    return cp;
}

void ks_cp_run_destroy(ks_cp_run *cp)
{
    if (!cp)
        return;
    ks_traffic_destroy(cp->traffic);
    ks_store_bridge_destroy(cp->bridge);
    ks_hpa_controller_destroy(cp->hpac);
    ks_usage_destroy(cp->usage);
    ks_endpointslice_controller_destroy(cp->esc);
    ks_nodelife_controller_destroy(cp->nlc);
    ks_daemonset_controller_destroy(cp->dsc);
    ks_job_controller_destroy(cp->jc);
    ks_deploy_controller_destroy(cp->dc);
    ks_rs_controller_destroy(cp->rsc);
    for (size_t i = 0; i < cp->nkubelets; i++)
        ks_kubelet_destroy(cp->kubelets[i]);
    free(cp->kubelets);
    ks_podevents_destroy(cp->events);
    ks_store_destroy(cp->store);
    if (cp->rbac)
        ks_rbac_policy_destroy(cp->rbac);
    free(cp->traffic_index);
    name_table_free(&cp->deployments);
    name_table_free(&cp->hpas);
    free(cp->dsamples);
    free(cp->ssamples);
    free(cp->hsamples);
    free(cp->results);
    free(cp);
}

/* ---- actions ------------------------------------------------------------------------ */

typedef struct resource_of {
    const char *kind, *group, *resource;
} resource_of;

static const resource_of resources[] = {
    {"Deployment", "apps", "deployments"}, {"ReplicaSet", "apps", "replicasets"},
    {"Pod", "", "pods"},                   {"Service", "", "services"},
    {"Node", "", "nodes"},                 {"Job", "batch", "jobs"},
};

static const resource_of *resource_for(const char *kind)
{
    for (size_t i = 0; i < sizeof resources / sizeof *resources; i++)
        if (!strcmp(resources[i].kind, kind))
            return &resources[i];
    return &resources[0];
}

static ks_kind store_kind(const char *kind)
{
    static const struct {
        const char *name;
        ks_kind kind;
    } map[] = {{"Deployment", KS_KIND_DEPLOYMENT}, {"ReplicaSet", KS_KIND_REPLICASET},
               {"Pod", KS_KIND_POD},               {"Service", KS_KIND_SERVICE},
               {"Node", KS_KIND_NODE},             {"Job", KS_KIND_JOB}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i].name, kind))
            return map[i].kind;
    return KS_KIND_DEPLOYMENT;
}

/* The request an action sends: verb and subresource. */
static void request_of(ks_cp_action_kind k, const char **verb,
                       const char **sub)
{
    *sub = "";
    switch (k) {
    case KS_ACT_SCALE:
        *verb = "patch";
        *sub = "scale";
        break;
    case KS_ACT_DELETE:
        *verb = "delete";
        break;
    default:
        *verb = "patch";
        break;
    }
}

static int authorize(ks_cp_run *cp, const ks_cp_action *a, const char *verb,
                     const char *kind, const char *sub, const char *ns,
                     const char *name, char *reason, size_t size)
{
    ks_rbac_user user;
    if (ks_rbac_parse_identity(a->as, &user) != 0) {
        snprintf(reason, size, "invalid identity \"%s\"", a->as);
        return 0;
    }
    const resource_of *r = resource_for(kind);
    ks_rbac_attrs attrs = {&user, verb, r->group, r->resource, sub,
                           ns ? ns : "", name, 0, NULL};
    ks_rbac_decision d;
    ks_rbac_authorize(cp->rbac, &attrs, &d);
    if (!d.allowed) {
        char *why = ks_rbac_forbidden_message(&attrs, &d);
        snprintf(reason, size, "%s", why);
        free(why);
    }
    ks_rbac_user_free(&user);
    return d.allowed;
}

static int set_unschedulable_taint(ks_cp_run *cp, const ks_object *node,
                                   int on)
{
    ks_node_body *b = ks_store_body(cp->store, node->uid);
    if (!b)
        return KS_ENOENT;
    if (!ks_store_has_quorum(cp->store))
        return KS_EUNAVAILABLE;
    if (on)
        ks_node_body_add_taint(b, UNSCHEDULABLE_TAINT, KS_EFFECT_NO_SCHEDULE,
                               ks_engine_now(cp->engine));
    else
        ks_node_body_remove_taint(b, UNSCHEDULABLE_TAINT, KS_EFFECT_NO_SCHEDULE);
    return ks_store_touch(cp->store, node->uid);
}

/* The pods a drain of node evicts: those not owned by a DaemonSet, in
 * creation order (*out, free() it). */
static size_t drain_victims(ks_cp_run *cp, const ks_object *node,
                            const ks_object ***out)
{
    const ks_object **pods;
    size_t n, k = 0;
    ks_store_list(cp->store, KS_KIND_POD, NULL, NULL, &pods, &n);
    for (size_t i = 0; i < n; i++) {
        if (!pods[i]->node_name || strcmp(pods[i]->node_name, node->name))
            continue;
        int daemon = 0;
        for (size_t o = 0; o < pods[i]->nowners; o++)
            daemon |= pods[i]->owners[o].kind == KS_KIND_DAEMONSET;
        if (!daemon)
            pods[k++] = pods[i];
    }
    *out = pods;
    return k;
}

/* A drain is allowed only if the cordon and every eviction are: a denied
 * request changes nothing, so all are authorized before any is made. */
static int authorize_evictions(ks_cp_run *cp, const ks_cp_action *a,
                               const ks_object *node, char *reason,
                               size_t size)
{
    const ks_object **pods;
    size_t n = drain_victims(cp, node, &pods);
    int ok = 1;
    for (size_t i = 0; ok && i < n; i++)
        ok = authorize(cp, a, "create", "Pod", "eviction",
                       pods[i]->namespace_name, pods[i]->name, reason, size);
    free(pods);
    return ok;
}

/* Cordons node, then evicts (deletes) its pods. */
static int drain(ks_cp_run *cp, const ks_object *node)
{
    int rc = set_unschedulable_taint(cp, node, 1);
    if (rc)
        return rc;
    const ks_object **pods;
    size_t n = drain_victims(cp, node, &pods);
    uint64_t *victims = ks_xcalloc(n + 1, sizeof *victims);
    for (size_t i = 0; i < n; i++)
        victims[i] = pods[i]->uid;
    free(pods);
    for (size_t i = 0; i < n; i++) {
        const ks_object *p = ks_store_get(cp->store, victims[i]);
        ks_podevents_record(cp->events, p, KS_PE_EVICTED, "Drain");
        ks_store_delete_graceful(cp->store, victims[i],
                                 KS_PROPAGATE_BACKGROUND, KS_GRACE_DEFAULT);
    }
    free(victims);
    return 0;
}

static int apply_workload_change(ks_cp_run *cp, const ks_cp_action *a,
                                 const ks_object *o)
{
    if (o->kind == KS_KIND_REPLICASET) {
        ks_replicaset_body *b = ks_replicaset_body_copy(o->body);
        b->replicas = a->replicas;
        return ks_store_update(cp->store, o->uid, 0, b, NULL, NULL);
    }
    ks_deployment_body *b = ks_deployment_body_copy(o->body);
    switch (a->kind) {
    case KS_ACT_SCALE:
        b->replicas = a->replicas;
        break;
    case KS_ACT_SET_IMAGE:
        free(b->template.image);
        b->template.image = ks_xstrdup(a->image);
        break;
    case KS_ACT_PAUSE:
    case KS_ACT_RESUME:
        b->paused = a->kind == KS_ACT_PAUSE;
        break;
    default:
        break;
    }
    return ks_store_update(cp->store, o->uid, 0, b, NULL, NULL);
}

/* kubectl rollout undo: ks_deployment_rollback's outcome into res.  A
 * skipped rollback (the template already is that revision's) changes
 * nothing and is recorded unapplied with kubectl's message. */
static void rollback(ks_cp_run *cp, const ks_cp_action *a, const ks_object *o,
                     ks_cp_action_result *res)
{
    ks_error e;
    ks_error_clear(&e);
    int rc = ks_deployment_rollback(cp->store, o->uid, a->to_revision, &e);
    res->applied = rc == 0;
    if (rc == 0)
        return;
    /* A message longer than the reason is cut (/actions holds 256). */
    const char *msg = e.msg[0] ? e.msg : ks_strerror(rc);
    size_t len = strlen(msg);
    if (len >= sizeof res->reason)
        len = sizeof res->reason - 1;
    memcpy(res->reason, msg, len);
    res->reason[len] = '\0';
}

static void perform(ks_cp_run *cp, uint32_t index)
{
    const ks_cp_action *a = &cp->spec->actions[index];
    ks_cp_action_result *res = &cp->results[cp->nresults++];
    *res = (ks_cp_action_result){ks_engine_now(cp->engine), index, 0, 0, ""};
    const char *verb, *sub;
    request_of(a->kind, &verb, &sub);
    /* kubectl rollout undo lists the Deployment's ReplicaSets (to find
     * the revision) before it patches the Deployment. */
    if (a->kind == KS_ACT_ROLLBACK &&
        !authorize(cp, a, "list", "ReplicaSet", "", a->namespace_name, "",
                   res->reason, sizeof res->reason))
        return;
    if (!authorize(cp, a, verb, a->object_kind, sub, a->namespace_name,
                   a->name, res->reason, sizeof res->reason))
        return;
    const ks_object *o = ks_store_find(cp->store, store_kind(a->object_kind),
                                       a->namespace_name, a->name);
    if (o && a->kind == KS_ACT_DRAIN &&
        !authorize_evictions(cp, a, o, res->reason, sizeof res->reason))
        return;
    res->allowed = 1;
    if (!o) {
        snprintf(res->reason, sizeof res->reason, "%s \"%s\" not found",
                 a->object_kind, a->name);
        return;
    }
    int rc;
    switch (a->kind) {
    case KS_ACT_CORDON:
    case KS_ACT_UNCORDON:
        rc = set_unschedulable_taint(cp, o, a->kind == KS_ACT_CORDON);
        break;
    case KS_ACT_DRAIN:
        rc = drain(cp, o);
        break;
    case KS_ACT_DELETE:
        rc = ks_store_delete_graceful(cp->store, o->uid,
                                      KS_PROPAGATE_BACKGROUND,
                                      KS_GRACE_DEFAULT);
        break;
    case KS_ACT_ROLLBACK:
        rollback(cp, a, o, res);
        return;
    default:
        rc = apply_workload_change(cp, a, o);
        break;
    }
    res->applied = rc == 0;
    if (rc && !res->reason[0])
        snprintf(res->reason, sizeof res->reason, "%s", ks_strerror(rc));
}

static void on_action(ks_engine *e, void *ctx, uint64_t index)
{
    (void)e;
    perform(ctx, (uint32_t)index);
}

/* ---- the usage model ------------------------------------------------------------------- */

/* A workload whose pods the usage model knows: an unowned Deployment or
 * ReplicaSet of the manifests. */
static int usage_candidate(const ks_manifest_template *t)
{
    return !t->owner_kind && t->pod.spec &&
           (!strcmp(t->kind, "Deployment") || !strcmp(t->kind, "ReplicaSet"));
}

static int annotated(const ks_manifest_template *t)
{
    return t->pod.has_cpu_per_request || t->pod.has_cpu_base;
}

/* Whether Service svc selects t's pods: same namespace, a non-empty
 * selector (an empty one selects nothing on the store) that the
 * template's labels satisfy. */
static int service_selects(const ks_manifest_service *svc,
                           const ks_manifest_template *t)
{
    const char *sns = svc->namespace_name ? svc->namespace_name : "default";
    const char *tns = t->namespace_name ? t->namespace_name : "default";
    if (strcmp(sns, tns) || !svc->has_selector || svc->selector.n == 0)
        return 0;
    for (size_t i = 0; i < svc->selector.n; i++) {
        const char *v =
            ks_labels_get(&t->pod.spec->labels, svc->selector.items[i].key);
        if (!v || strcmp(v, svc->selector.items[i].value))
            return 0;
    }
    return 1;
}

static const ks_manifest_service *find_service(const ks_manifests *m,
                                               const ks_cp_traffic *t)
{
    for (size_t i = 0; i < m->nservices; i++) {
        const ks_manifest_service *svc = &m->services[i];
        const char *ns = svc->namespace_name ? svc->namespace_name
                                             : "default";
        if (!strcmp(ns, t->namespace_name) && !strcmp(svc->name, t->service))
            return svc;
    }
    return NULL;
}

/* The template of the one workload traffic item k loads, or NULL; two
 * workloads behind one Service are an error when either has a usage
 * model (the model cannot yet split a Service's requests between
 * workloads by their ready pods). */
static int traffic_target(const ks_cp_run *cp, size_t k,
                          const ks_manifest_template **out, ks_error *err)
{
    const ks_scenario *sc = cp->sc;
    const ks_manifests *m = sc->manifests;
    const ks_cp_traffic *t = &cp->spec->traffic[k];
    const ks_manifest_service *svc = find_service(m, t);
    const ks_manifest_template *first = NULL;
    *out = NULL;
    for (size_t w = 0; svc && w < sc->nmanifest_workloads; w++) {
        const ks_manifest_workload *mw = &sc->manifest_workloads[w];
        for (size_t i = mw->templates_begin; i < mw->templates_end; i++) {
            const ks_manifest_template *tm = &m->templates[i];
            if (!usage_candidate(tm) || !service_selects(svc, tm))
                continue;
            if (first && (annotated(first) || annotated(tm)))
                return ks_error_set(
                    err, KS_EINVAL, sc->path, t->line, t->col,
                    "spec.traffic[%zu]: Service %s/%s selects the pods of "
                    "%s %s and %s %s; the CPU usage model gives a "
                    "Service's requests to one workload (use one Service "
                    "per workload)",
                    k, t->namespace_name, t->service, first->kind,
                    first->name, tm->kind, tm->name);
            if (!first)
                first = tm;
        }
    }
    *out = first;
    return 0;
}

static int cmp_time(const void *pa, const void *pb)
{
    ks_time a = *(const ks_time *)pa, b = *(const ks_time *)pb;
    return (a > b) - (a < b);
}

/* The summed load of the traffic items `items` as usage steps: one at 0
 * and one at every profile time (*n of them; free() the array). */
static ks_load_step *load_steps(const ks_cp_spec *s, const size_t *items,
                                size_t nitems, size_t *n)
{
    size_t cap = 1;
    for (size_t i = 0; i < nitems; i++)
        cap += s->traffic[items[i]].nprofile;
    ks_time *times = ks_xcalloc(cap, sizeof *times);
    size_t nt = 1; /* times[0] = 0 */
    for (size_t i = 0; i < nitems; i++)
        for (size_t j = 0; j < s->traffic[items[i]].nprofile; j++)
            times[nt++] = s->traffic[items[i]].profile[j].at;
    qsort(times, nt, sizeof *times, cmp_time);
    ks_load_step *steps = ks_xcalloc(nt, sizeof *steps);
    *n = 0;
    for (size_t i = 0; i < nt; i++) {
        if (i > 0 && times[i] == times[i - 1])
            continue;
        double rps = 0;
        for (size_t j = 0; j < nitems; j++)
            rps += ks_cp_traffic_rate_at(&s->traffic[items[j]], times[i]);
        steps[(*n)++] = (ks_load_step){times[i], rps};
    }
    free(times);
    return steps;
}

/* Adds each annotated workload to the usage model, with the load of the
 * traffic items whose Services select its pods. */
static int add_usage_workloads(ks_cp_run *cp, ks_error *err)
{
    const ks_scenario *sc = cp->sc;
    const ks_manifests *m = sc->manifests;
    const ks_cp_spec *s = cp->spec;
    if (!cp->usage || !m)
        return 0;
    const ks_manifest_template **target =
        ks_xcalloc(s->ntraffic + 1, sizeof *target);
    size_t *items = ks_xcalloc(s->ntraffic + 1, sizeof *items);
    int rc = 0;
    for (size_t k = 0; !rc && k < s->ntraffic; k++)
        rc = traffic_target(cp, k, &target[k], err);
    for (size_t w = 0; !rc && w < sc->nmanifest_workloads; w++) {
        const ks_manifest_workload *mw = &sc->manifest_workloads[w];
        for (size_t i = mw->templates_begin; !rc && i < mw->templates_end;
             i++) {
            const ks_manifest_template *tm = &m->templates[i];
            if (!usage_candidate(tm) || !annotated(tm))
                continue;
            size_t nitems = 0, nsteps = 0;
            for (size_t k = 0; k < s->ntraffic; k++)
                if (target[k] == tm)
                    items[nitems++] = k;
            ks_load_step *steps = load_steps(s, items, nitems, &nsteps);
            ks_usage_workload uw = {
                !strcmp(tm->kind, "ReplicaSet") ? KS_KIND_REPLICASET
                                                : KS_KIND_DEPLOYMENT,
                tm->namespace_name ? tm->namespace_name : "default",
                tm->name,
                (double)tm->pod.cpu_per_request_ns / 1e6,
                tm->pod.cpu_base_milli,
                steps,
                nsteps};
            ks_error e;
            ks_error_clear(&e);
            if (ks_usage_add(cp->usage, &uw, &e) < 0)
                rc = ks_error_set(err, e.code, tm->file, tm->line, tm->col,
                                  "%s %s/%s: %s", tm->kind, uw.namespace_name,
                                  tm->name, e.msg);
            free(steps);
        }
    }
    free(items);
    free(target);
    return rc;
}

/* ---- traffic profiles ------------------------------------------------------------------- */

/* arg: the traffic item (high 32 bits) and its profile step. */
static void on_rate_step(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    ks_cp_run *cp = ctx;
    size_t k = (size_t)(arg >> 32), j = (size_t)(arg & 0xffffffffu);
    if (cp->traffic_index[k] >= 0)
        ks_traffic_set_rate(cp->traffic, cp->traffic_index[k],
                            cp->spec->traffic[k].profile[j].rate);
}

/* ---- start ---------------------------------------------------------------------------- */

int ks_cp_run_start(ks_cp_run *cp, ks_error *err)
{
    const ks_scenario *sc = cp->sc;
    const ks_manifests *m = sc->manifests;
    int rc = 0;
    for (size_t i = 0; m && !rc && i < sc->nmanifest_workloads; i++) {
        const ks_manifest_workload *w = &sc->manifest_workloads[i];
        rc = ks_cp_create_templates(cp->store, m, w->templates_begin,
                                    w->templates_end, err);
        if (!rc)
            rc = ks_cp_create_pods(cp->store, m, w->pods_begin, w->pods_end,
                                   err);
    }
    if (!rc && m)
        rc = ks_cp_create_services(cp->store, m, 0, m->nservices, err);
    if (!rc && m)
        rc = ks_cp_create_hpas(cp->store, m, 0, m->nhpas, err);
    if (!rc)
        rc = add_usage_workloads(cp, err);
    if (rc)
        return rc;
    const ks_cp_spec *s = cp->spec;
    cp->traffic_index = ks_xcalloc(s->ntraffic + 1, sizeof *cp->traffic_index);
    for (size_t i = 0; i < s->ntraffic; i++) {
        const ks_cp_traffic *t = &s->traffic[i];
        cp->traffic_index[i] = ks_traffic_add_service(
            cp->traffic, t->namespace_name, t->service, t->rate);
        for (size_t j = 0; j < t->nprofile; j++)
            if (t->profile[j].at > 0 && t->profile[j].at < sc->duration)
                ks_engine_at(cp->engine, t->profile[j].at, on_rate_step, cp,
                             ((uint64_t)i << 32) | (uint64_t)j);
    }
    cp->results = ks_xcalloc(s->nactions + 1, sizeof *cp->results);
    for (size_t i = 0; i < s->nactions; i++)
        if (s->actions[i].at < sc->duration)
            ks_engine_at(cp->engine, s->actions[i].at, on_action, cp, i);
    return 0;
}

/* ---- samples ------------------------------------------------------------------------------ */

static void sample_deployments(ks_cp_run *cp, ks_time now)
{
    const ks_object **v;
    size_t n;
    ks_store_list(cp->store, KS_KIND_DEPLOYMENT, NULL, NULL, &v, &n);
    for (size_t i = 0; i < n; i++) {
        const ks_deployment_body *b = v[i]->body;
        cp->dsamples = ks_xgrow(cp->dsamples, &cp->dsamples_cap,
                                cp->ndsamples + 1, sizeof *cp->dsamples);
        cp->dsamples[cp->ndsamples++] = (ks_cp_deployment_sample){
            now,           name_index(&cp->deployments, v[i]), b->replicas,
            b->updated_replicas, b->ready_replicas, b->available_replicas};
    }
    free(v);
}

static int32_t ready_endpoints(const ks_cp_run *cp, const ks_cp_traffic *t)
{
    const ks_object *slice = ks_store_find(cp->store, KS_KIND_ENDPOINTSLICE,
                                           t->namespace_name, t->service);
    if (!slice || !slice->body)
        return 0;
    const ks_endpointslice_body *b = slice->body;
    int32_t ready = 0;
    for (size_t i = 0; i < b->nendpoints; i++)
        ready += b->endpoints[i].ready != 0;
    return ready;
}

static void sample_services(ks_cp_run *cp, ks_time now)
{
    const ks_cp_spec *s = cp->spec;
    for (size_t i = 0; cp->traffic_index && i < s->ntraffic; i++) {
        if (cp->traffic_index[i] < 0)
            continue;
        ks_service_stats st = ks_traffic_stats(cp->traffic,
                                               cp->traffic_index[i]);
        cp->ssamples = ks_xgrow(cp->ssamples, &cp->ssamples_cap,
                                cp->nssamples + 1, sizeof *cp->ssamples);
        cp->ssamples[cp->nssamples++] = (ks_cp_service_sample){
            now,       (uint32_t)i, ready_endpoints(cp, &s->traffic[i]),
            st.requests, st.ok,     st.failed,
            st.rejected, st.zero_endpoints};
    }
}

/* Each HPA's status as its controller last wrote it. */
static void sample_hpas(ks_cp_run *cp, ks_time now)
{
    const ks_object **v;
    size_t n;
    ks_store_list(cp->store, KS_KIND_HPA, NULL, NULL, &v, &n);
    for (size_t i = 0; i < n; i++) {
        const ks_hpa_body *b = v[i]->body;
        if (!b)
            continue;
        cp->hsamples = ks_xgrow(cp->hsamples, &cp->hsamples_cap,
                                cp->nhsamples + 1, sizeof *cp->hsamples);
        cp->hsamples[cp->nhsamples++] = (ks_cp_hpa_sample){
            now, name_index(&cp->hpas, v[i]), b->current_replicas,
            b->desired_replicas, b->current_utilization};
    }
    free(v);
}

void ks_cp_run_sample(ks_cp_run *cp, ks_time now)
{
    /* The run's last sample may fall on a metrics tick: keep one. */
    if (cp->last_sample == now)
        return;
    cp->last_sample = now;
    sample_deployments(cp, now);
    sample_services(cp, now);
    sample_hpas(cp, now);
}

/* ---- accessors ------------------------------------------------------------------------------ */

const ks_cluster *ks_cp_run_cluster(const ks_cp_run *cp)
{
    return ks_store_bridge_cluster(cp->bridge);
}

ks_scheduler *ks_cp_run_scheduler(ks_cp_run *cp)
{
    return ks_store_bridge_scheduler(cp->bridge);
}

const ks_podevents *ks_cp_run_events(const ks_cp_run *cp)
{
    return cp->events;
}

const ks_cp_deployment_sample *ks_cp_run_deployment_samples(
    const ks_cp_run *cp, size_t *n)
{
    *n = cp->ndsamples;
    return cp->dsamples;
}

const char *ks_cp_run_deployment_name(const ks_cp_run *cp, uint32_t i)
{
    return i < cp->deployments.n ? cp->deployments.names[i] : "";
}

const ks_cp_hpa_sample *ks_cp_run_hpa_samples(const ks_cp_run *cp, size_t *n)
{
    *n = cp->nhsamples;
    return cp->hsamples;
}

const char *ks_cp_run_hpa_name(const ks_cp_run *cp, uint32_t i)
{
    return i < cp->hpas.n ? cp->hpas.names[i] : "";
}

const ks_cp_service_sample *ks_cp_run_service_samples(const ks_cp_run *cp,
                                                      size_t *n)
{
    *n = cp->nssamples;
    return cp->ssamples;
}

const ks_cp_action_result *ks_cp_run_action_results(const ks_cp_run *cp,
                                                    size_t *n)
{
    *n = cp->nresults;
    return cp->results;
}
