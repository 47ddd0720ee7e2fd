/* cp_spec.c - loading spec.controlPlane, spec.traffic and spec.actions.
 *
 * Strict like the rest of the loader: unknown keys, wrong types and bad
 * values are errors at their line and column.  Object names in actions
 * are checked when the run starts (they may name objects the run
 * creates); their syntax is checked here.
 */
#include "scenarios/cp_spec.h"

#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "scenarios/yaml_tree.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

/* Runtime profiles: sandbox (RunPodSandbox with CNI) and container
 * create+start.  k8s-control-loop.md section 8: sandbox + CNI 0.3-1 s;
 * median container start containerd ~ 180 ms, Docker with cri-dockerd ~
 * 340 ms (indicative third-party numbers); CRI-O between the two. */
static const struct {
    const char *name;
    ks_time sandbox, start;
} runtimes[] = {
    {"containerd", 500 * KS_MILLISECOND, 180 * KS_MILLISECOND},
    {"cri-o", 500 * KS_MILLISECOND, 250 * KS_MILLISECOND},
    {"docker", 600 * KS_MILLISECOND, 340 * KS_MILLISECOND},
};

#define DEFAULT_PULL_BANDWIDTH 100e6 /* bytes per second */
#define MAX_ETCD_MEMBERS 99

static const char *const action_names[KS_ACT_COUNT] = {
    "scale", "setImage", "pause", "resume", "cordon", "uncordon", "drain",
    "delete", "rollback"};

/* The action keys as an error message lists them. */
#define ACTION_LIST                                                            \
    "scale, setImage, pause, resume, cordon, uncordon, drain, delete, "       \
    "rollback"

const char *ks_cp_action_name(ks_cp_action_kind k)
{
    return (unsigned)k < KS_ACT_COUNT ? action_names[k] : "?";
}

void ks_cp_spec_free(ks_cp_spec *cp)
{
    if (!cp)
        return;
    for (size_t i = 0; i < cp->nrbac_files; i++)
        free(cp->rbac_files[i]);
    free(cp->rbac_files);
    for (size_t i = 0; i < cp->ntraffic; i++) {
        free(cp->traffic[i].namespace_name);
        free(cp->traffic[i].service);
        free(cp->traffic[i].profile);
    }
    free(cp->traffic);
    for (size_t i = 0; i < cp->nactions; i++) {
        ks_cp_action *a = &cp->actions[i];
        free(a->as);
        free(a->object_kind);
        free(a->namespace_name);
        free(a->name);
        free(a->image);
    }
    free(cp->actions);
    free(cp);
}

/* ---- small values ---------------------------------------------------------- */

static int load_delay(const ks_yt_ctx *c, const ks_yt_node *n, ks_time *out)
{
    int rc = ks_yt_duration(c, n, out);
    if (!rc && *out < 0)
        return ks_yt_fail(c, n, KS_ERANGE, "must be >= 0");
    return rc;
}

/* A non-empty string without '/' or whitespace (an object name). */
static int valid_name(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '/' || s[i] == ' ' || s[i] == '\t')
            return 0;
    return 1;
}

/* "name" (namespace "default", or none when cluster_scoped) or
 * "namespace/name". */
static int load_ref(const ks_yt_ctx *c, const ks_yt_node *n,
                    int cluster_scoped, char **ns, char **name)
{
    const char *s;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    const char *slash = strchr(s, '/');
    char q[96];
    if (cluster_scoped ? !valid_name(s, strlen(s))
                       : slash ? !valid_name(s, (size_t)(slash - s)) ||
                                     !valid_name(slash + 1, strlen(slash + 1))
                               : !valid_name(s, strlen(s)))
        return ks_yt_fail(c, n, KS_EINVAL,
                          "invalid object reference %s (expected %s)",
                          ks_yt_quote(s, q, sizeof q),
                          cluster_scoped ? "a name" : "NAME or NAMESPACE/NAME");
    if (cluster_scoped) {
        *ns = NULL;
        *name = ks_xstrdup(s);
    } else if (slash) {
        *ns = ks_xstrndup(s, (size_t)(slash - s));
        *name = ks_xstrdup(slash + 1);
    } else {
        *ns = ks_xstrdup("default");
        *name = ks_xstrdup(s);
    }
    return 0;
}

/* ---- spec.controlPlane ---------------------------------------------------------- */

static int load_kubelet(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_cp_spec *cp)
{
    static const char *const names[] = {"containerd", "cri-o", "docker",
                                        NULL};
    const ks_yt_node *runtime, *sandbox, *start, *bw, *overhead, *par;
    const ks_yt_field fields[] = {{"runtime", 0, &runtime},
                                  {"sandboxLatency", 0, &sandbox},
                                  {"startLatency", 0, &start},
                                  {"pullBandwidth", 0, &bw},
                                  {"pullOverhead", 0, &overhead},
                                  {"maxParallelImagePulls", 0, &par},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    int r = 0;
    if (!rc && runtime && !(rc = ks_yt_enum(c, runtime, "runtime", names, &r)))
        cp->runtime = (ks_cp_runtime)r;
    cp->sandbox_latency = runtimes[cp->runtime].sandbox;
    cp->start_latency = runtimes[cp->runtime].start;
    if (!rc && sandbox)
        rc = load_delay(c, sandbox, &cp->sandbox_latency);
    if (!rc && start)
        rc = load_delay(c, start, &cp->start_latency);
    if (!rc && bw) {
        int64_t v;
        rc = ks_yt_quantity(c, bw, 0, &v);
        if (!rc && v <= 0)
            rc = ks_yt_fail(c, bw, KS_ERANGE,
                            "pullBandwidth must be > 0 (bytes per second)");
        cp->pull_bandwidth = (double)v;
    }
    if (!rc && overhead)
        rc = load_delay(c, overhead, &cp->pull_overhead);
    if (!rc && par) {
        int64_t v;
        rc = ks_yt_int64(c, par, 1, 1000, &v);
        cp->max_parallel_pulls = (unsigned)v;
    }
    return rc;
}

static int load_proxy(const ks_yt_ctx *c, const ks_yt_node *n, ks_cp_spec *cp)
{
    static const char *const modes[] = {"iptables", "ipvs", NULL};
    static const char *const scheds[] = {"rr", "lc", "sh", NULL};
    const ks_yt_node *mode, *sched, *sync, *delay;
    const ks_yt_field fields[] = {{"mode", 0, &mode},
                                  {"ipvsScheduler", 0, &sched},
                                  {"minSyncPeriod", 0, &sync},
                                  {"watchDelay", 0, &delay},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    int m = 0, s = 0;
    if (!rc && mode)
        rc = ks_yt_enum(c, mode, "proxy mode", modes, &m);
    if (!rc && sched) {
        if (m != 1)
            return ks_yt_fail_key(c, sched, KS_EINVAL,
                                  "ipvsScheduler needs mode: ipvs");
        rc = ks_yt_enum(c, sched, "IPVS scheduler", scheds, &s);
    }
    if (!rc)
        cp->proxy_mode = m == 0 ? KS_PROXY_IPTABLES
                                : (ks_proxy_mode)(KS_PROXY_IPVS_RR + s);
    if (!rc && sync)
        rc = load_delay(c, sync, &cp->proxy_min_sync);
    if (!rc && delay)
        rc = load_delay(c, delay, &cp->proxy_delay);
    return rc;
}

static int load_rbac_files(const ks_yt_ctx *c, const ks_yt_node *n,
                           const char *scenario_path, ks_cp_spec *cp)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    cp->rbac_files = ks_xcalloc(n->n + 1, sizeof *cp->rbac_files);
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if ((rc = ks_yt_string(c, n->items[i], &s)))
            return rc;
        if (!*s)
            return ks_yt_fail(c, n->items[i], KS_EINVAL,
                              "must not be empty");
        cp->rbac_files[cp->nrbac_files++] =
            ks_path_relative_to(scenario_path, s);
    }
    return 0;
}

static int load_control_plane(const ks_yt_ctx *c, const ks_yt_node *n,
                              const char *scenario_path, ks_cp_spec *cp)
{
    if (ks_yt_is_null(n))
        return 0; /* controlPlane: {} or an empty key: all defaults */
    const ks_yt_node *etcd, *watch, *qps, *burst, *kubelet, *proxy, *rbac;
    const ks_yt_field fields[] = {{"etcdMembers", 0, &etcd},
                                  {"watchDelay", 0, &watch},
                                  {"controllerQPS", 0, &qps},
                                  {"controllerBurst", 0, &burst},
                                  {"kubelet", 0, &kubelet},
                                  {"kubeProxy", 0, &proxy},
                                  {"rbac", 0, &rbac},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    int64_t v;
    if (!rc && etcd && !(rc = ks_yt_int64(c, etcd, 1, MAX_ETCD_MEMBERS, &v)))
        cp->etcd_members = (int)v;
    if (!rc && watch)
        rc = load_delay(c, watch, &cp->watch_delay);
    if (!rc && qps) {
        double d;
        rc = ks_yt_number(c, qps, &d);
        if (!rc && !(d > 0 && d <= 1e6))
            rc = ks_yt_fail(c, qps, KS_ERANGE,
                            "controllerQPS must be in (0, 1e6]");
        cp->controller_qps = (float)d;
    }
    if (!rc && burst && !(rc = ks_yt_int64(c, burst, 1, 1000000, &v)))
        cp->controller_burst = (int)v;
    if (!rc && kubelet)
        rc = load_kubelet(c, kubelet, cp);
    if (!rc && proxy)
        rc = load_proxy(c, proxy, cp);
    if (!rc && rbac)
        rc = load_rbac_files(c, rbac, scenario_path, cp);
    return rc;
}

/* ---- spec.traffic ----------------------------------------------------------------- */

double ks_cp_traffic_rate_at(const ks_cp_traffic *t, ks_time t_at)
{
    double r = t->rate;
    for (size_t i = 0; i < t->nprofile && t->profile[i].at <= t_at; i++)
        r = t->profile[i].rate;
    return r;
}

/* A zero rate as ks_scenario_load_rate spells rates: digits with at most
 * one dot, all zeros, then /s, /m or /h ("0/s", "0.0/m"). */
static int is_zero_rate(const char *s)
{
    size_t digits = 0, dots = 0;
    const char *p = s;
    for (; *p && *p != '/'; p++) {
        if (*p == '0')
            digits++;
        else if (*p == '.')
            dots++;
        else
            return 0;
    }
    return digits && dots <= 1 && *p == '/' &&
           (p[1] == 's' || p[1] == 'm' || p[1] == 'h') && !p[2];
}

/* A profile step's rate: a positive rate as everywhere, or zero (the
 * traffic stops). */
static int load_step_rate(const ks_yt_ctx *c, const ks_yt_node *n,
                          double *out)
{
    if (n->kind == KS_YT_SCALAR && !ks_yt_is_null(n) && is_zero_rate(n->text)) {
        *out = 0;
        return 0;
    }
    return ks_scenario_load_rate(c, n, out);
}

/* profile: [{at: DURATION, rate: RATE}, ...], times strictly increasing. */
static int load_profile(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_cp_traffic *t)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    if (n->n == 0)
        return ks_yt_fail(c, n, KS_EINVAL,
                          "must not be empty (leave it out for a constant "
                          "rate)");
    t->profile = ks_xcalloc(n->n, sizeof *t->profile);
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *at, *rate;
        const ks_yt_field fields[] = {
            {"at", 1, &at}, {"rate", 1, &rate}, {NULL, 0, NULL}};
        ks_cp_rate_step *st = &t->profile[t->nprofile];
        if ((rc = ks_yt_fields(c, n->items[i], fields)) ||
            (rc = load_delay(c, at, &st->at)) ||
            (rc = load_step_rate(c, rate, &st->rate)))
            return rc;
        if (i > 0 && st->at <= t->profile[i - 1].at)
            return ks_yt_fail(c, at, KS_EINVAL,
                              "profile times must increase: %s is not after "
                              "the step before",
                              at->text);
        t->nprofile++;
    }
    return 0;
}

static int load_traffic_item(const ks_yt_ctx *c, const ks_yt_node *item,
                             ks_cp_traffic *t)
{
    const ks_yt_node *svc, *rate, *profile;
    const ks_yt_field fields[] = {{"service", 1, &svc},
                                  {"rate", 0, &rate},
                                  {"profile", 0, &profile},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(c, item, fields)))
        return rc;
    t->line = item->line;
    t->col = item->col;
    if ((rc = load_ref(c, svc, 0, &t->namespace_name, &t->service)) ||
        (rate && (rc = ks_scenario_load_rate(c, rate, &t->rate))) ||
        (profile && (rc = load_profile(c, profile, t))))
        return rc;
    int from_zero = t->nprofile && t->profile[0].at == 0;
    if (!rate && !from_zero)
        return profile ? ks_yt_fail(c, item, KS_EINVAL,
                                    "missing rate: the rate before the "
                                    "profile's first step (or start the "
                                    "profile at 0s)")
                       : ks_yt_fail_missing(c, item, "rate");
    if (rate && from_zero)
        return ks_yt_fail_key(c, rate, KS_EINVAL,
                              "rate is never used: the profile starts at 0s "
                              "(give one or the other)");
    if (from_zero)
        t->rate = t->profile[0].rate;
    return 0;
}

static int load_traffic(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_cp_spec *cp)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    cp->traffic = ks_xcalloc(n->n + 1, sizeof *cp->traffic);
    for (size_t i = 0; i < n->n; i++)
        if ((rc = load_traffic_item(c, n->items[i],
                                    &cp->traffic[cp->ntraffic++])))
            return rc;
    return 0;
}

/* ---- spec.actions ------------------------------------------------------------------- */

/* The workload an action names: {deployment: REF} (or replicaSet for
 * scale). */
static int load_workload_ref(const ks_yt_ctx *c, const ks_yt_node *dep,
                             const ks_yt_node *rs, const ks_yt_node *map,
                             ks_cp_action *a)
{
    if (dep && rs)
        return ks_yt_fail(c, map, KS_EINVAL,
                          "give either deployment or replicaSet, not both");
    if (!dep && !rs)
        return ks_yt_fail_missing(c, map, "deployment");
    a->object_kind = ks_xstrdup(dep ? "Deployment" : "ReplicaSet");
    return load_ref(c, dep ? dep : rs, 0, &a->namespace_name, &a->name);
}

static int load_action_body(const ks_yt_ctx *c, const ks_yt_node *v,
                            ks_cp_action *a)
{
    const ks_yt_node *dep = NULL, *rs = NULL, *replicas = NULL, *image = NULL,
                     *node = NULL, *kind = NULL, *name = NULL;
    int rc;
    int64_t r;
    switch (a->kind) {
    case KS_ACT_SCALE: {
        const ks_yt_field f[] = {{"deployment", 0, &dep},
                                 {"replicaSet", 0, &rs},
                                 {"replicas", 1, &replicas},
                                 {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, v, f)) ||
            (rc = load_workload_ref(c, dep, rs, v, a)) ||
            (rc = ks_yt_int64(c, replicas, 0, 1000000, &r)))
            return rc;
        a->replicas = (int32_t)r;
        return 0;
    }
    case KS_ACT_SET_IMAGE: {
        const ks_yt_field f[] = {{"deployment", 1, &dep},
                                 {"image", 1, &image},
                                 {NULL, 0, NULL}};
        const char *s;
        if ((rc = ks_yt_fields(c, v, f)) ||
            (rc = load_workload_ref(c, dep, NULL, v, a)) ||
            (rc = ks_yt_string(c, image, &s)))
            return rc;
        if (!*s)
            return ks_yt_fail(c, image, KS_EINVAL, "must not be empty");
        a->image = ks_xstrdup(s);
        return 0;
    }
    case KS_ACT_PAUSE:
    case KS_ACT_RESUME: {
        const ks_yt_field f[] = {{"deployment", 1, &dep}, {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, v, f)))
            return rc;
        return load_workload_ref(c, dep, NULL, v, a);
    }
    case KS_ACT_CORDON:
    case KS_ACT_UNCORDON:
    case KS_ACT_DRAIN: {
        const ks_yt_field f[] = {{"node", 1, &node}, {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, v, f)))
            return rc;
        a->object_kind = ks_xstrdup("Node");
        return load_ref(c, node, 1, &a->namespace_name, &a->name);
    }
    case KS_ACT_ROLLBACK: {
        const ks_yt_node *rev = NULL;
        const ks_yt_field f[] = {{"deployment", 1, &dep},
                                 {"toRevision", 0, &rev},
                                 {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, v, f)) ||
            (rc = load_workload_ref(c, dep, NULL, v, a)))
            return rc;
        /* kubectl rollout undo --to-revision: 0 (the default) is the
         * previous revision. */
        if (rev && (rc = ks_yt_int64(c, rev, 0, INT64_MAX, &r)))
            return rc;
        a->to_revision = rev ? r : 0;
        return 0;
    }
    case KS_ACT_DELETE: {
        static const char *const kinds[] = {
            "Deployment", "ReplicaSet", "Pod", "Service", "Node", "Job",
            NULL};
        const ks_yt_field f[] = {
            {"kind", 1, &kind}, {"name", 1, &name}, {NULL, 0, NULL}};
        int k;
        if ((rc = ks_yt_fields(c, v, f)) ||
            (rc = ks_yt_enum(c, kind, "kind", kinds, &k)))
            return rc;
        a->object_kind = ks_xstrdup(kinds[k]);
        return load_ref(c, name, !strcmp(kinds[k], "Node"),
                        &a->namespace_name, &a->name);
    }
    case KS_ACT_COUNT:
        break;
    }
    return KS_EINVAL;
}

static int load_action(const ks_yt_ctx *c, const ks_yt_node *n,
                       ks_cp_action *a)
{
    int rc = ks_yt_expect(c, n, KS_YT_MAPPING);
    if (rc)
        return rc;
    a->line = n->line;
    a->col = n->col;
    const ks_yt_node *at = NULL, *as = NULL, *body = NULL;
    int which = -1;
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *v = n->items[i];
        const char *key = v->key->text;
        if (!strcmp(key, "at")) {
            at = v;
            continue;
        }
        if (!strcmp(key, "as")) {
            as = v;
            continue;
        }
        int k = -1;
        for (int j = 0; j < KS_ACT_COUNT; j++)
            if (!strcmp(key, action_names[j]))
                k = j;
        if (k < 0)
            return ks_yt_fail_key(
                c, v, KS_EPARSE,
                "unknown key \"%s\" in an action (expected at, as and one "
                "of: " ACTION_LIST ")",
                key);
        if (body)
            return ks_yt_fail_key(c, v, KS_EINVAL,
                                  "an action does one thing: \"%s\" after "
                                  "\"%s\"",
                                  key, action_names[which]);
        body = v;
        which = k;
    }
    if (!at)
        return ks_yt_fail_missing(c, n, "at");
    if (!body)
        return ks_yt_fail(c, n, KS_EINVAL,
                          "an action needs one of: " ACTION_LIST);
    a->kind = (ks_cp_action_kind)which;
    if ((rc = load_delay(c, at, &a->at)))
        return rc;
    const char *who = "admin";
    if (as && (rc = ks_yt_string(c, as, &who)))
        return rc;
    if (!*who)
        return ks_yt_fail(c, as, KS_EINVAL, "must not be empty");
    a->as = ks_xstrdup(who);
    return load_action_body(c, body, a);
}

static int cmp_action_time(const void *pa, const void *pb)
{
    const ks_cp_action *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    /* Stable: equal times keep their order in the file. */
    return a->line != b->line ? (a->line < b->line ? -1 : 1)
                              : (a->col > b->col) - (a->col < b->col);
}

static int load_actions(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_cp_spec *cp)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    cp->actions = ks_xcalloc(n->n + 1, sizeof *cp->actions);
    for (size_t i = 0; i < n->n; i++)
        if ((rc = load_action(c, n->items[i], &cp->actions[cp->nactions++])))
            return rc;
    qsort(cp->actions, cp->nactions, sizeof *cp->actions, cmp_action_time);
    return 0;
}

int ks_cp_spec_load(const ks_yt_ctx *c, const ks_yt_node *n,
                    const ks_yt_node *traffic, const ks_yt_node *actions,
                    ks_scenario *sc)
{
    if (!n) {
        const ks_yt_node *stray = traffic ? traffic : actions;
        if (!stray)
            return 0;
        return ks_yt_fail_key(c, stray, KS_EINVAL,
                              "%s needs spec.controlPlane (the whole "
                              "cluster simulated; docs/scenario.md)",
                              traffic ? "traffic" : "actions");
    }
    if (sc->ngenerators || sc->ntraces || sc->trace_nodes)
        return ks_yt_fail_key(c, n, KS_EINVAL,
                              "controlPlane runs the workloads of manifests "
                              "(Deployments, ReplicaSets, Jobs, Pods); "
                              "generator and trace workloads are not "
                              "simulated on the store yet");
    for (size_t i = 0; i < sc->npools; i++)
        if (sc->pools[i].gpu_count > 0)
            return ks_yt_fail_key(c, n, KS_EINVAL,
                                  "controlPlane does not model GPUs yet "
                                  "(node pool %s has gpus)",
                                  sc->pools[i].name);
    ks_cp_spec *cp = ks_xcalloc(1, sizeof *cp);
    sc->control_plane = cp;
    cp->etcd_members = 1;
    cp->controller_qps = 20;
    cp->controller_burst = 30;
    cp->runtime = KS_RUNTIME_CONTAINERD;
    cp->sandbox_latency = runtimes[0].sandbox;
    cp->start_latency = runtimes[0].start;
    cp->pull_bandwidth = DEFAULT_PULL_BANDWIDTH;
    cp->proxy_mode = KS_PROXY_IPTABLES;
    cp->proxy_min_sync = KS_SECOND;
    int rc = load_control_plane(c, n, sc->path, cp);
    if (!rc && traffic)
        rc = load_traffic(c, traffic, cp);
    if (!rc && actions)
        rc = load_actions(c, actions, cp);
    return rc;
}
