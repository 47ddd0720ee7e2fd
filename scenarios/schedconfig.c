/* schedconfig.c - reads a KubeSchedulerConfiguration (v1) into ksim's
 * scheduler profiles, the way kube-scheduler v1.36 configures itself.
 *
 * Re-implemented (never copied) from kubernetes/kubernetes:
 *   staging/src/k8s.io/kube-scheduler/config/v1/types.go (commit
 *     08ced910cf7f) and types_pluginargs.go (commit 128a49b71549): fields;
 *   pkg/scheduler/apis/config/v1/defaults.go (commit 00fe7a377bc3):
 *     SetDefaults_KubeSchedulerConfiguration, setDefaults_KubeSchedulerProfile
 *     and the SetDefaults_*Args functions;
 *   pkg/scheduler/apis/config/v1/default_plugins.go (commit 01db4ae9e74a;
 *     the in-tree volume-limit plugins EBSLimits, GCEPDLimits and
 *     AzureDiskLimits are gone since v1.31, as defaults_test.go of the
 *     v1.35/v1.36 trees shows): getDefaultPlugins, applyFeatureGates
 *     (DynamicResources before DefaultPreemption: DRA is GA since v1.34),
 *     mergePlugins, mergePluginSet;
 *   pkg/scheduler/apis/config/validation/validation.go (commit
 *     030880a5dc54) and validation_pluginargs.go (commit 0bd65a066b8f);
 *   pkg/scheduler/framework/runtime/framework.go (commit 0b68137114ea):
 *     NewFramework, updatePluginList, expandMultiPointPlugins,
 *     getScoreWeights;
 *   pkg/scheduler/framework/plugins/registry.go (commit 008b3652959c) and
 *     the plugins' interface assertions: the extension points each in-tree
 *     plugin implements.
 *
 * One pass per profile: the custom plugin sets are read (unknown plugins
 * fail at their name), the pluginConfig args are read, defaulted and
 * validated, the sets are merged with the default MultiPoint set and
 * expanded into per-extension-point lists exactly as the framework does,
 * and the lists become ksim's ks_profile_config.  Plugins written against
 * the public plugin API (include/ksim/plugin.h) join the in-tree table per
 * configuration (ext[]): the compiled-in ones, and those whose shared
 * object a pluginConfig entry names (loaded before the profiles are read,
 * so every profile can enable them).  The lists of every
 * extension point are kept (ks_schedconfig_point_plugins) so tests and
 * users can see the upstream view, simulated or not.
 *
 * On error the partly built configuration is destroyed: every owned field
 * is zero or complete at every step, so ks_schedconfig_destroy is the only
 * cleanup path.
 */
#include "scenarios/schedconfig.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "policies/external.h"
#include "policies/k8s/balanced_allocation.h"
#include "policies/k8s/nodeaffinity.h"
#include "policies/k8s/noderesources_fit.h"
#include "policies/registry.h"
#include "scenarios/yaml_tree.h"
#include "sched/queue.h"
#include "sim/resources.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

#define GROUP "kubescheduler.config.k8s.io/"
/* time.Duration(seconds) * time.Second must fit an int64 of nanoseconds. */
#define MAX_BACKOFF_SECONDS (INT64_MAX / KS_SECOND)

#define QUOTED(n, buf) ks_yt_quote((n)->text, (buf), sizeof(buf))

/* ---- extension points ---------------------------------------------------- */

enum point {
    P_PRE_ENQUEUE,
    P_QUEUE_SORT,
    P_PRE_FILTER,
    P_FILTER,
    P_POST_FILTER,
    P_PRE_SCORE,
    P_SCORE,
    P_RESERVE,
    P_PERMIT,
    P_PRE_BIND,
    P_BIND,
    P_POST_BIND,
    P_PLACEMENT_GENERATE,
    P_PLACEMENT_SCORE,
    P_PLACEMENT_FEASIBLE,
    P_POD_GROUP_POST_FILTER,
    P_MULTI_POINT,
    NPOINTS
};

#define BIT(p) (1u << (p))

/* The key in `plugins` and the Go interface named in framework errors. */
static const struct {
    const char *key;
    const char *type;
} points[NPOINTS] = {
    [P_PRE_ENQUEUE] = {"preEnqueue", "PreEnqueuePlugin"},
    [P_QUEUE_SORT] = {"queueSort", "QueueSortPlugin"},
    [P_PRE_FILTER] = {"preFilter", "PreFilterPlugin"},
    [P_FILTER] = {"filter", "FilterPlugin"},
    [P_POST_FILTER] = {"postFilter", "PostFilterPlugin"},
    [P_PRE_SCORE] = {"preScore", "PreScorePlugin"},
    [P_SCORE] = {"score", "ScorePlugin"},
    [P_RESERVE] = {"reserve", "ReservePlugin"},
    [P_PERMIT] = {"permit", "PermitPlugin"},
    [P_PRE_BIND] = {"preBind", "PreBindPlugin"},
    [P_BIND] = {"bind", "BindPlugin"},
    [P_POST_BIND] = {"postBind", "PostBindPlugin"},
    [P_PLACEMENT_GENERATE] = {"placementGenerate", "PlacementGeneratePlugin"},
    [P_PLACEMENT_SCORE] = {"placementScore", "PlacementScorePlugin"},
    [P_PLACEMENT_FEASIBLE] = {"placementFeasible", "PlacementFeasiblePlugin"},
    [P_POD_GROUP_POST_FILTER] = {"podGroupPostFilter",
                                 "PodGroupPostFilterPlugin"},
    [P_MULTI_POINT] = {"multiPoint", "MultiPoint"},
};

/* framework.go getExtensionPoints: the order the framework fills them in,
 * hence the order its errors come in. */
static const int framework_order[] = {
    P_PRE_FILTER, P_FILTER,       P_POST_FILTER,        P_RESERVE,
    P_PRE_SCORE,  P_SCORE,        P_PRE_BIND,           P_BIND,
    P_POST_BIND,  P_PERMIT,       P_PRE_ENQUEUE,        P_QUEUE_SORT,
    P_PLACEMENT_GENERATE,         P_PLACEMENT_SCORE,    P_PLACEMENT_FEASIBLE,
    P_POD_GROUP_POST_FILTER,
};
#define NFRAMEWORK (sizeof framework_order / sizeof framework_order[0])

/* ---- the in-tree plugins ------------------------------------------------- */

typedef enum args_kind {
    A_NONE = 0,
    A_FIT,
    A_BA,
    A_NA,
    A_PTS,
    A_IPA,
    A_DP,
    A_VB,
    A_DRA
} args_kind;

/* What to tell the user when ksim does not simulate the plugin. */
typedef enum note_kind {
    N_GENERIC = 0, /* an in-tree plugin this build of ksim lacks */
    N_BUILTIN,     /* PrioritySort, DefaultBinder: ksim's own queue/binder */
    N_VOLUME,
    N_PTS,
    N_IPA,
    N_PREEMPTION,
    N_DRA,
    N_GATES,
    N_ALPHA,
    N_EXTERNAL /* a public-API plugin (docs/plugins.md): simulated */
} note_kind;

typedef struct known_plugin {
    const char *name;
    unsigned points; /* the extension points it implements */
    args_kind args;
    note_kind note;
} known_plugin;

#define PF BIT(P_PRE_FILTER)
#define FI BIT(P_FILTER)
#define PS BIT(P_PRE_SCORE)
#define SC BIT(P_SCORE)

/* registry.go NewInTreeRegistry (v1.36), with each plugin's extension
 * points from its `var _ fwk.XPlugin = &T{}` assertions.  The alpha
 * plugins' extension points change from release to release: they are
 * accepted at any point named explicitly, never expanded from MultiPoint
 * (they have no effect on what ksim simulates) and never simulated. */
static const known_plugin known[] = {
    {"SchedulingGates", BIT(P_PRE_ENQUEUE), A_NONE, N_GATES},
    {"PrioritySort", BIT(P_QUEUE_SORT), A_NONE, N_BUILTIN},
    {"NodeUnschedulable", FI, A_NONE, N_GENERIC},
    {"NodeName", FI, A_NONE, N_GENERIC},
    {"TaintToleration", FI | PS | SC, A_NONE, N_GENERIC},
    {"NodeAffinity", PF | FI | PS | SC, A_NA, N_GENERIC},
    {"NodePorts", PF | FI, A_NONE, N_GENERIC},
    {"NodeResourcesFit", PF | FI | PS | SC, A_FIT, N_GENERIC},
    {"VolumeRestrictions", PF | FI, A_NONE, N_VOLUME},
    {"NodeVolumeLimits", PF | FI, A_NONE, N_VOLUME},
    {"VolumeBinding",
     PF | FI | PS | SC | BIT(P_RESERVE) | BIT(P_PRE_BIND), A_VB, N_VOLUME},
    {"VolumeZone", PF | FI, A_NONE, N_VOLUME},
    {"PodTopologySpread", PF | FI | PS | SC, A_PTS, N_PTS},
    {"InterPodAffinity", PF | FI | PS | SC, A_IPA, N_IPA},
    {"DynamicResources",
     BIT(P_PRE_ENQUEUE) | PF | FI | BIT(P_POST_FILTER) | SC |
         BIT(P_RESERVE) | BIT(P_PRE_BIND),
     A_DRA, N_DRA},
    {"DefaultPreemption", BIT(P_POST_FILTER) | BIT(P_PRE_ENQUEUE), A_DP,
     N_PREEMPTION},
    {"NodeResourcesBalancedAllocation", PS | SC, A_BA, N_GENERIC},
    {"ImageLocality", SC, A_NONE, N_GENERIC},
    {"DefaultBinder", BIT(P_BIND), A_NONE, N_BUILTIN},
    /* ksim's research plugins (policies/research/): not in kube-scheduler,
     * never in the default profile, enabled by name like any plugin. */
    {"GpuShare", FI, A_NONE, N_GENERIC},
    {"FGD", SC | BIT(P_RESERVE), A_NONE, N_GENERIC},
    {"BestFit", SC, A_NONE, N_GENERIC},
    {"DotProduct", SC, A_NONE, N_GENERIC},
    {"GpuPacking", SC, A_NONE, N_GENERIC},
    {"GpuClustering", SC, A_NONE, N_GENERIC},
    {"Random", PS | SC | BIT(P_RESERVE), A_NONE, N_GENERIC},
    {"FirstFit", PS | SC, A_NONE, N_GENERIC},
    {"WorstFit", SC, A_NONE, N_GENERIC},
    {"PowerOfTwoChoices", PS | SC, A_NONE, N_GENERIC},
    {"GangScheduling", 0, A_NONE, N_ALPHA},
    {"NodeDeclaredFeatures", 0, A_NONE, N_ALPHA},
};
#define NKNOWN ((int)(sizeof known / sizeof known[0]))

/* Public-API plugins (include/ksim/plugin.h) a configuration adds after
 * known[]: shared objects it names and descriptors compiled into ksim.
 * Index NKNOWN + i is the configuration's ext[i]. */
#define MAX_EXTERNAL 32
#define NALL (NKNOWN + MAX_EXTERNAL)
#define SHARED_OBJECT_KEY "ksim.dev/sharedObject"

/* validation.go invalidPluginsByVersion: removed before v1, rejected. */
static const char *const removed_plugins[] = {
    "AzureDiskLimits", "CinderLimits", "EBSLimits", "GCEPDLimits", NULL};

/* getDefaultPlugins: the MultiPoint set, weight 0 = unset. */
static const struct {
    const char *name;
    int32_t weight;
} default_multipoint[] = {
    {"SchedulingGates", 0},
    {"PrioritySort", 0},
    {"NodeUnschedulable", 0},
    {"NodeName", 0},
    {"TaintToleration", 3},
    {"NodeAffinity", 2},
    {"NodePorts", 0},
    {"NodeResourcesFit", 1},
    {"VolumeRestrictions", 0},
    {"NodeVolumeLimits", 0},
    {"VolumeBinding", 0},
    {"VolumeZone", 0},
    {"PodTopologySpread", 2},
    {"InterPodAffinity", 2},
    {"DynamicResources", 0},
    {"DefaultPreemption", 0},
    {"NodeResourcesBalancedAllocation", 1},
    {"ImageLocality", 1},
    {"DefaultBinder", 0},
};
#define NDEFAULT (sizeof default_multipoint / sizeof default_multipoint[0])

static int find_in_tree(const char *name)
{
    for (int i = 0; i < NKNOWN; i++)
        if (!strcmp(known[i].name, name))
            return i;
    return -1;
}

static int is_removed(const char *name)
{
    for (size_t i = 0; removed_plugins[i]; i++)
        if (!strcmp(removed_plugins[i], name))
            return 1;
    return 0;
}

/* ---- plugin sets (PluginSet) --------------------------------------------- */

typedef struct sc_entry {
    ks_schedconfig_plugin p;
    const ks_yt_node *at; /* the name's node; NULL for defaults */
} sc_entry;

typedef struct sc_list {
    sc_entry *v;
    size_t n, cap;
} sc_list;

typedef struct sc_set {
    sc_list enabled, disabled;
    const ks_yt_node *at; /* the set's node, NULL if not written */
} sc_set;

static void list_push(sc_list *l, sc_entry e)
{
    l->v = ks_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = e;
}

static int list_has(const sc_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].p.name, name))
            return 1;
    return 0;
}

static void set_free(sc_set *s)
{
    free(s->enabled.v);
    free(s->disabled.v);
    *s = (sc_set){{0}, {0}, NULL};
}

/* mergePluginSet (see the header).  custom NULL: mergePlugins with no
 * custom plugins returns the defaults as they are. */
static void merge_set(const sc_set *def, const sc_set *custom, sc_set *out)
{
    *out = (sc_set){{0}, {0}, custom ? custom->at : NULL};
    if (!custom) {
        for (size_t i = 0; i < def->enabled.n; i++)
            list_push(&out->enabled, def->enabled.v[i]);
        for (size_t i = 0; i < def->disabled.n; i++)
            list_push(&out->disabled, def->disabled.v[i]);
        return;
    }
    for (size_t i = 0; i < custom->disabled.n; i++) {
        sc_entry e = custom->disabled.v[i];
        e.p.has_weight = 0; /* the merged disabled list keeps names only */
        e.p.weight = 0;
        list_push(&out->disabled, e);
    }
    for (size_t i = 0; i < def->disabled.n; i++)
        list_push(&out->disabled, def->disabled.v[i]);
    unsigned char *replaced = ks_xcalloc(custom->enabled.n + 1, 1);
    if (!list_has(&out->disabled, "*")) {
        for (size_t i = 0; i < def->enabled.n; i++) {
            const sc_entry *d = &def->enabled.v[i];
            if (list_has(&out->disabled, d->p.name))
                continue;
            /* A Go map keyed by name: the last custom entry wins. */
            size_t last = SIZE_MAX;
            for (size_t j = 0; j < custom->enabled.n; j++)
                if (!strcmp(custom->enabled.v[j].p.name, d->p.name))
                    last = j;
            if (last == SIZE_MAX) {
                list_push(&out->enabled, *d);
            } else {
                list_push(&out->enabled, custom->enabled.v[last]);
                replaced[last] = 1;
            }
        }
    }
    for (size_t j = 0; j < custom->enabled.n; j++)
        if (!replaced[j])
            list_push(&out->enabled, custom->enabled.v[j]);
    free(replaced);
}

static void to_list(const ks_schedconfig_plugin *v, size_t n, sc_list *l)
{
    for (size_t i = 0; i < n; i++)
        list_push(l, (sc_entry){v[i], NULL});
}

static ks_schedconfig_plugin *from_list(const sc_list *l)
{
    ks_schedconfig_plugin *v = ks_xmalloc((l->n + 1) * sizeof *v);
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[i].p;
    return v;
}

void ks_schedconfig_merge_plugin_set(const ks_schedconfig_plugin_set *def,
                                     const ks_schedconfig_plugin_set *custom,
                                     ks_schedconfig_plugin_set *out)
{
    sc_set d = {{0}, {0}, NULL}, c = {{0}, {0}, NULL}, m;
    to_list(def->enabled, def->nenabled, &d.enabled);
    to_list(def->disabled, def->ndisabled, &d.disabled);
    if (custom) {
        to_list(custom->enabled, custom->nenabled, &c.enabled);
        to_list(custom->disabled, custom->ndisabled, &c.disabled);
    }
    merge_set(&d, custom ? &c : NULL, &m);
    out->enabled = from_list(&m.enabled);
    out->nenabled = m.enabled.n;
    out->disabled = from_list(&m.disabled);
    out->ndisabled = m.disabled.n;
    set_free(&d);
    set_free(&c);
    set_free(&m);
}

void ks_schedconfig_plugin_set_free(ks_schedconfig_plugin_set *s)
{
    if (!s)
        return;
    free(s->enabled);
    free(s->disabled);
    *s = (ks_schedconfig_plugin_set){NULL, 0, NULL, 0};
}

/* ---- the configuration --------------------------------------------------- */

/* One profile: its name, the upstream lists, and the args of every plugin
 * that has an args type (defaults unless configured). */
typedef struct sc_profile {
    char *name;
    uint8_t list[NPOINTS][NALL]; /* indices (see kp), in run order */
    size_t nlist[NPOINTS];
    int64_t weight[NALL]; /* upstream Score weight, 0 = no Score */
    ks_fit_args fit;
    char **ignored_resources;
    size_t nignored_resources;
    char **ignored_groups;
    size_t nignored_groups;
    ks_balanced_allocation_args ba;
    ks_nodeaffinity_args na;
    ks_pts_args pts;
    ks_topology_spread *pts_constraints; /* owned; pts borrows them */
    ks_ipa_args ipa;
    ks_default_preemption_args dp;
    ks_schedconfig_volume_binding_args vb;
    ks_schedconfig_dra_args dra;
    /* Public-API plugins' args (ext[i]'s), NULL until configured or
     * used. */
    ks_external_args *ext_args[MAX_EXTERNAL];
} sc_profile;

/* A public-API plugin of the configuration. */
typedef struct sc_ext {
    known_plugin kp; /* name borrowed from e; note N_EXTERNAL */
    ks_external *e;
} sc_ext;

struct ks_schedconfig {
    ks_scheduler_config cfg;
    sc_profile *profiles;
    size_t nprofiles;
    char **warnings;
    size_t nwarnings, capwarnings;
    sc_ext ext[MAX_EXTERNAL];
    size_t next;
};

/* The plugin at index k: known[k], or a public-API plugin. */
static const known_plugin *kp(const ks_schedconfig *c, int k)
{
    return k < NKNOWN ? &known[k] : &c->ext[k - NKNOWN].kp;
}

static int is_external(int k)
{
    return k >= NKNOWN;
}

static int find_known(const ks_schedconfig *c, const char *name)
{
    int k = find_in_tree(name);
    for (size_t i = 0; k < 0 && i < c->next; i++)
        if (!strcmp(c->ext[i].kp.name, name))
            k = NKNOWN + (int)i;
    return k;
}

static void warn(ks_schedconfig *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void warn(ks_schedconfig *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < c->nwarnings; i++)
        if (!strcmp(c->warnings[i], buf))
            return;
    c->warnings = ks_xgrow(c->warnings, &c->capwarnings, c->nwarnings + 1,
                           sizeof *c->warnings);
    c->warnings[c->nwarnings++] = ks_xstrdup(buf);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void profile_free(sc_profile *p)
{
    free(p->name);
    free_strings(p->ignored_resources, p->nignored_resources);
    free_strings(p->ignored_groups, p->nignored_groups);
    ks_nodeaffinity_args_free(&p->na);
    for (size_t i = 0; i < p->pts.ndefault_constraints; i++)
        ks_topology_spread_free(&p->pts_constraints[i]);
    free(p->pts_constraints);
    for (size_t i = 0; i < MAX_EXTERNAL; i++)
        ks_external_args_destroy(p->ext_args[i]);
}

void ks_schedconfig_destroy(ks_schedconfig *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nprofiles; i++)
        profile_free(&c->profiles[i]);
    free(c->profiles);
    free_strings(c->warnings, c->nwarnings);
    /* After the args, which borrow them. */
    for (size_t i = 0; i < c->next; i++)
        ks_external_close(c->ext[i].e);
    free(c);
}

/* The SetDefaults_*Args values. */
static void default_args(sc_profile *p)
{
    p->fit.strategy = KS_FIT_LEAST_ALLOCATED;
    p->fit.weight[KS_RES_CPU] = 1;
    p->fit.weight[KS_RES_MEMORY] = 1;
    p->ba.weight[KS_RES_CPU] = 1;
    p->ba.weight[KS_RES_MEMORY] = 1;
    p->ipa.hard_pod_affinity_weight = 1;
    p->dp.min_candidate_nodes_percentage = 10;
    p->dp.min_candidate_nodes_absolute = 100;
    p->vb.bind_timeout_seconds = 600;
    p->dra.filter_timeout = 10 * KS_SECOND;
}

static const void *args_of(const sc_profile *p, args_kind k)
{
    switch (k) {
    case A_FIT: return &p->fit;
    case A_BA: return &p->ba;
    case A_NA: return &p->na;
    case A_PTS: return &p->pts;
    case A_IPA: return &p->ipa;
    case A_DP: return &p->dp;
    case A_VB: return &p->vb;
    case A_DRA: return &p->dra;
    case A_NONE: break;
    }
    return NULL;
}

/* ---- loading context and small values ------------------------------------ */

typedef struct loader {
    ks_yt_ctx yc;
    ks_schedconfig *c;
    const ks_yt_node *root;
    int k8s_minor;
    char unmodelled[512]; /* top-level keys accepted with no effect */
} loader;

static int is_set(const ks_yt_node *n)
{
    return n && !ks_yt_is_null(n);
}

/* JSON booleans, as sigs.k8s.io/yaml reads them. */
static int load_bool(const ks_yt_ctx *c, const ks_yt_node *n, int *out)
{
    static const char *const t[] = {"true", "True", "TRUE", NULL};
    static const char *const f[] = {"false", "False", "FALSE", NULL};
    if (n->kind == KS_YT_SCALAR && !n->quoted) {
        for (size_t i = 0; t[i]; i++)
            if (!strcmp(n->text, t[i])) {
                *out = 1;
                return 0;
            }
        for (size_t i = 0; f[i]; i++)
            if (!strcmp(n->text, f[i])) {
                *out = 0;
                return 0;
            }
    }
    char q[96];
    if (n->kind == KS_YT_SCALAR && !ks_yt_is_null(n))
        return ks_yt_fail(c, n, KS_EPARSE, "expected true or false, got %s",
                          QUOTED(n, q));
    return ks_yt_fail(c, n, KS_EPARSE, "expected true or false, got %s",
                      ks_yt_describe(n));
}

static int load_int32(const ks_yt_ctx *c, const ks_yt_node *n, int32_t *out)
{
    int64_t v;
    int rc = ks_yt_int64(c, n, INT32_MIN, INT32_MAX, &v);
    if (!rc)
        *out = (int32_t)v;
    return rc;
}

/* A value that must be in [lo, hi], with validation.go's wording. */
static int load_int32_range(const ks_yt_ctx *c, const ks_yt_node *n, int32_t lo,
                            int32_t hi, const char *range, int32_t *out)
{
    int rc = load_int32(c, n, out);
    if (!rc && (*out < lo || *out > hi))
        return ks_yt_fail(c, n, KS_ERANGE, "invalid value %d: not in valid "
                                           "range %s",
                          (int)*out, range);
    return rc;
}

static int expect_seq(const ks_yt_ctx *c, const ks_yt_node *n)
{
    return ks_yt_expect(c, n, KS_YT_SEQUENCE);
}

/* A list of strings into a new array (owned by the caller). */
static int load_strings(const ks_yt_ctx *c, const ks_yt_node *n, char ***out,
                        size_t *nout)
{
    int rc = expect_seq(c, n);
    if (rc)
        return rc;
    *out = ks_xcalloc(n->n + 1, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        const char *s = NULL;
        if ((rc = ks_yt_string(c, n->items[i], &s)))
            return rc;
        (*out)[i] = ks_xstrdup(s);
        *nout = i + 1;
    }
    return 0;
}

/* ---- Kubernetes name syntax (apimachinery util/validation) ------------- */

static int is_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9');
}

static int is_lower_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static int is_name_part(const char *s, size_t len)
{
    if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && !strchr("-_.", s[i]))
            return 0;
    return 1;
}

/* IsDNS1123Subdomain, without the length check. */
static int is_dns_subdomain(const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!is_lower_alnum(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        if (i == start || !is_lower_alnum(s[start]) ||
            !is_lower_alnum(s[i - 1]))
            return 0;
        start = i + 1;
    }
    return 1;
}

#define NAME_RULE                                                              \
    "must consist of alphanumeric characters, '-', '_' or '.', and must "      \
    "start and end with an alphanumeric character (e.g. 'MyName',  or "        \
    "'my.name',  or '123-abc')"

/* IsQualifiedName's first complaint, or NULL when s is one. */
static const char *qualified_name_error(const char *s)
{
    const char *slash = strchr(s, '/');
    const char *name = s;
    if (slash) {
        if (strchr(slash + 1, '/'))
            return "a qualified name " NAME_RULE " with an optional DNS "
                   "subdomain prefix and '/' (e.g. 'example.com/MyName')";
        size_t plen = (size_t)(slash - s);
        if (plen == 0)
            return "prefix part must be non-empty";
        if (plen > 253)
            return "prefix part must be no more than 253 characters";
        if (!is_dns_subdomain(s, plen))
            return "prefix part a lowercase RFC 1123 subdomain must consist "
                   "of lower case alphanumeric characters, '-' or '.', and "
                   "must start and end with an alphanumeric character (e.g. "
                   "'example.com')";
        name = slash + 1;
    }
    size_t len = strlen(name);
    if (len == 0)
        return "name part must be non-empty";
    if (len > 63)
        return "name part must be no more than 63 characters";
    if (!is_name_part(name, len))
        return "name part " NAME_RULE;
    return NULL;
}

static int load_qualified_name(const ks_yt_ctx *c, const ks_yt_node *n,
                               const char **out)
{
    int rc = ks_yt_string(c, n, out);
    if (rc)
        return rc;
    const char *why = qualified_name_error(*out);
    char q[96];
    if (why)
        return ks_yt_fail(c, n, KS_EINVAL, "invalid value %s: %s",
                          QUOTED(n, q), why);
    return 0;
}

/* IsValidLabelValue. */
static int is_label_value(const char *s)
{
    size_t len = strlen(s);
    return len == 0 || (len <= 63 && is_name_part(s, len));
}

/* ---- args: shared parts -------------------------------------------------- */

/* A plugin args object may name its own type, as in a full YAML dump. */
static int check_args_meta(loader *L, const ks_yt_node *api,
                           const ks_yt_node *kind, const char *plugin)
{
    const char *s = NULL;
    char q[96], want[64];
    int rc;
    if (is_set(api)) {
        if ((rc = ks_yt_string(&L->yc, api, &s)))
            return rc;
        if (strcmp(s, KS_SCHEDCONFIG_API_VERSION))
            return ks_yt_fail(&L->yc, api, KS_EINVAL,
                              "args for plugin %s must be %s, got %s", plugin,
                              KS_SCHEDCONFIG_API_VERSION, QUOTED(api, q));
    }
    if (is_set(kind)) {
        snprintf(want, sizeof want, "%sArgs", plugin);
        if ((rc = ks_yt_string(&L->yc, kind, &s)))
            return rc;
        if (strcmp(s, want))
            return ks_yt_fail(&L->yc, kind, KS_EINVAL,
                              "args for plugin %s were not of type %s, got %s",
                              plugin, want, QUOTED(kind, q));
    }
    return 0;
}

/* validateFunctionShape: 1..101 points (utilizations strictly increasing
 * in 0..100, scores in 0..10). */
static int load_shape(loader *L, const ks_yt_node *n, ks_shape_point *shape,
                      size_t *nshape)
{
    const ks_yt_ctx *c = &L->yc;
    int rc = expect_seq(c, n);
    if (rc)
        return rc;
    if (n->n == 0)
        return ks_yt_fail(c, n, KS_EINVAL,
                          "at least one point must be specified");
    int32_t prev = 0;
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *u, *s;
        const ks_yt_field fields[] = {
            {"utilization", 0, &u}, {"score", 0, &s}, {NULL, 0, NULL}};
        int32_t ut = 0, sc = 0;
        if ((rc = ks_yt_fields(c, n->items[i], fields)) ||
            (is_set(u) && (rc = load_int32(c, u, &ut))) ||
            (is_set(s) && (rc = load_int32(c, s, &sc))))
            return rc;
        const ks_yt_node *ua = is_set(u) ? u : n->items[i];
        const ks_yt_node *sa = is_set(s) ? s : n->items[i];
        if (i > 0 && prev >= ut)
            return ks_yt_fail(c, ua, KS_EINVAL,
                              "invalid value %d: utilization values must be "
                              "sorted in increasing order",
                              (int)ut);
        if (ut < 0 || ut > 100)
            return ks_yt_fail(c, ua, KS_ERANGE,
                              "invalid value %d: not in valid range [0, 100]",
                              (int)ut);
        if (sc < 0 || sc > KS_FIT_MAX_CUSTOM_PRIORITY_SCORE)
            return ks_yt_fail(c, sa, KS_ERANGE,
                              "invalid value %d: not in valid range [0, %d]",
                              (int)sc, KS_FIT_MAX_CUSTOM_PRIORITY_SCORE);
        /* Strictly increasing in 0..100: never more than 101 points. */
        shape[i] = (ks_shape_point){ut, sc};
        *nshape = i + 1;
        prev = ut;
    }
    return 0;
}

/* A ResourceSpec's name as a ksim resource id: -1 (with a warning) for a
 * name no node can have. */
static int load_resource_name(loader *L, const ks_yt_node *n,
                              const char *plugin, int *id)
{
    const char *s = NULL;
    int rc = ks_yt_string(&L->yc, n, &s);
    if (rc)
        return rc;
    char q[96];
    *id = -1;
    if (!ks_resource_name_valid(s)) {
        warn(L->c,
             "%s: resource %s is not a Kubernetes resource name: no node "
             "has it, so it never counts (as upstream)",
             plugin, QUOTED(n, q));
        return 0;
    }
    *id = ks_resource_intern(s);
    if (*id < 0)
        return ks_yt_fail(&L->yc, n, KS_ERANGE,
                          "too many distinct resource names: ksim holds at "
                          "most %d",
                          KS_RES_COUNT);
    return 0;
}

/* ResourceSpec lists: {name, weight}; weight 0 or unset defaults to 1.
 * check_weight: NodeResourcesFit wants 1..100, BalancedAllocation 1. */
static int load_resources(loader *L, const ks_yt_node *n, const char *plugin,
                          int balanced, int64_t *weight)
{
    const ks_yt_ctx *c = &L->yc;
    int rc = expect_seq(c, n);
    if (rc)
        return rc;
    if (n->n == 0)
        return 0; /* the defaults stay */
    memset(weight, 0, KS_RES_COUNT * sizeof *weight);
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *name, *w;
        const ks_yt_field fields[] = {
            {"name", 1, &name}, {"weight", 0, &w}, {NULL, 0, NULL}};
        int64_t v = 0;
        int id;
        if ((rc = ks_yt_fields(c, n->items[i], fields)) ||
            (is_set(w) && (rc = ks_yt_int64(c, w, INT64_MIN, INT64_MAX, &v))))
            return rc;
        if (v == 0)
            v = 1; /* SetDefaults: unset or explicit 0 means 1 */
        char q[96];
        const ks_yt_node *wa = is_set(w) ? w : n->items[i];
        if (balanced && v != 1)
            return ks_yt_fail(c, wa, KS_EINVAL,
                              "invalid value %lld: must be 1", (long long)v);
        if (!balanced && (v < 0 || v > 100))
            return ks_yt_fail(c, wa, KS_ERANGE,
                              "invalid value %lld: resource weight of %s not "
                              "in valid range (0, 100]",
                              (long long)v, QUOTED(name, q));
        for (size_t j = 0; j < i; j++) {
            const ks_yt_node *other = ks_yt_get(n->items[j], "name");
            if (other && !strcmp(other->text, name->text))
                return ks_yt_fail(c, name, KS_EINVAL,
                                  "duplicate value %s (also resources[%zu])",
                                  QUOTED(name, q), j);
        }
        if ((rc = load_resource_name(L, name, plugin, &id)))
            return rc;
        if (id >= 0)
            weight[id] = v;
    }
    return 0;
}

/* ---- NodeResourcesFitArgs ----------------------------------------------- */

static int load_ignored(loader *L, const ks_yt_node *n, int groups,
                        char ***out, size_t *nout)
{
    int rc = load_strings(&L->yc, n, out, nout);
    char q[96];
    for (size_t i = 0; !rc && i < n->n; i++) {
        const ks_yt_node *item = n->items[i];
        const char *why = qualified_name_error(item->text);
        /* Upstream reports both problems of a group name. */
        if (groups && strchr(item->text, '/'))
            return ks_yt_fail(&L->yc, item, KS_EINVAL,
                              "invalid value %s: resource group name can't "
                              "contain '/'%s%s",
                              QUOTED(item, q), why ? "; " : "",
                              why ? why : "");
        if (why)
            return ks_yt_fail(&L->yc, item, KS_EINVAL, "invalid value %s: %s",
                              QUOTED(item, q), why);
    }
    return rc;
}

static int load_scoring_strategy(loader *L, const ks_yt_node *n,
                                 sc_profile *p)
{
    static const char *const types[] = {"LeastAllocated", "MostAllocated",
                                        "RequestedToCapacityRatio", NULL};
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *type, *resources, *rtcr;
    const ks_yt_field fields[] = {{"type", 0, &type},
                                  {"resources", 0, &resources},
                                  {"requestedToCapacityRatio", 0, &rtcr},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (rc)
        return rc;
    /* A strategy without a type is not defaulted: validation rejects "". */
    if (!is_set(type))
        return ks_yt_fail(c, n, KS_EINVAL,
                          "type: unsupported value \"\" (supported values: "
                          "\"LeastAllocated\", \"MostAllocated\", "
                          "\"RequestedToCapacityRatio\")");
    int which;
    if ((rc = ks_yt_enum(c, type, "scoring strategy type", types, &which)))
        return rc;
    p->fit.strategy = (ks_fit_strategy)which;
    if (is_set(resources) &&
        (rc = load_resources(L, resources, "NodeResourcesFit", 0,
                             p->fit.weight)))
        return rc;
    if (which == KS_FIT_REQUESTED_TO_CAPACITY_RATIO) {
        if (!is_set(rtcr))
            return ks_yt_fail(c, n, KS_EINVAL,
                              "requestedToCapacityRatio: must be specified "
                              "when type is RequestedToCapacityRatio");
        const ks_yt_node *shape;
        const ks_yt_field rf[] = {{"shape", 0, &shape}, {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, rtcr, rf)))
            return rc;
        if (!is_set(shape))
            return ks_yt_fail(c, rtcr, KS_EINVAL,
                              "shape: at least one point must be specified");
        return load_shape(L, shape, p->fit.shape, &p->fit.nshape);
    }
    if (is_set(rtcr))
        return ks_yt_fail(c, rtcr, KS_EINVAL,
                          "must be nil when type is not "
                          "RequestedToCapacityRatio");
    return 0;
}

static int load_fit_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *ignored, *groups, *strategy;
    const ks_yt_field fields[] = {
        {"apiVersion", 0, &api},
        {"kind", 0, &kind},
        {"ignoredResources", 0, &ignored},
        {"ignoredResourceGroups", 0, &groups},
        {"scoringStrategy", 0, &strategy},
        {NULL, 0, NULL},
    };
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "NodeResourcesFit")) ||
        (is_set(ignored) &&
         (rc = load_ignored(L, ignored, 0, &p->ignored_resources,
                            &p->nignored_resources))) ||
        (is_set(groups) &&
         (rc = load_ignored(L, groups, 1, &p->ignored_groups,
                            &p->nignored_groups))) ||
        (is_set(strategy) && (rc = load_scoring_strategy(L, strategy, p))))
        return rc;
    p->fit.ignored_resources = (const char *const *)p->ignored_resources;
    p->fit.nignored_resources = p->nignored_resources;
    p->fit.ignored_resource_groups = (const char *const *)p->ignored_groups;
    p->fit.nignored_resource_groups = p->nignored_groups;
    /* The plugin's own check must agree with the one above. */
    ks_error e;
    if (ks_fit_args_validate(&p->fit, &e))
        return ks_yt_fail(&L->yc, n, KS_EINVAL, "%s", e.msg);
    return 0;
}

/* ---- NodeResourcesBalancedAllocationArgs --------------------------------- */

static int load_ba_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *resources;
    const ks_yt_field fields[] = {{"apiVersion", 0, &api},
                                  {"kind", 0, &kind},
                                  {"resources", 0, &resources},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind,
                              "NodeResourcesBalancedAllocation")))
        return rc;
    if (is_set(resources))
        rc = load_resources(L, resources, "NodeResourcesBalancedAllocation", 1,
                            p->ba.weight);
    return rc;
}

/* ---- NodeAffinityArgs ---------------------------------------------------- */

/* Why labels.NewRequirement (or the field-selector conversion) rejects r;
 * r->op is valid. */
static const char *requirement_error(const ks_requirement *r, int field)
{
    if (field) {
        if (r->op != KS_OP_IN && r->op != KS_OP_NOT_IN)
            return "operator: supported values for matchFields are In and "
                   "NotIn";
        if (r->nvalues != 1)
            return "values: must have one element";
        return NULL;
    }
    const char *why = qualified_name_error(r->key);
    if (why)
        return why;
    switch (r->op) {
    case KS_OP_IN:
    case KS_OP_NOT_IN:
        if (r->nvalues == 0)
            return "values: for 'in', 'notin' operators, values set can't "
                   "be empty";
        break;
    case KS_OP_EXISTS:
    case KS_OP_DOES_NOT_EXIST:
        if (r->nvalues != 0)
            return "values: values set must be empty for exists and does "
                   "not exist";
        break;
    case KS_OP_GT:
    case KS_OP_LT: {
        if (r->nvalues != 1)
            return "values: for 'Gt', 'Lt' operators, exactly one value is "
                   "required";
        char *end = NULL;
        errno = 0;
        (void)strtoll(r->values[0], &end, 10);
        if (!r->values[0][0] || *end || errno)
            return "values: for 'Gt', 'Lt' operators, the value must be an "
                   "integer";
        break;
    }
    }
    for (size_t i = 0; i < r->nvalues; i++)
        if (!is_label_value(r->values[i]))
            return "values: a valid label must be an empty string or "
                   "consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character "
                   "(at most 63 characters)";
    return NULL;
}

static int load_requirement(loader *L, const ks_yt_node *n, int field,
                            ks_requirement *r)
{
    static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist",
                                      "Gt", "Lt", NULL};
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *key, *op, *values;
    const ks_yt_field fields[] = {{"key", 0, &key},
                                  {"operator", 0, &op},
                                  {"values", 0, &values},
                                  {NULL, 0, NULL}};
    const char *s = "";
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (is_set(key) && (rc = ks_yt_string(c, key, &s))))
        return rc;
    r->key = ks_xstrdup(s);
    int which = -1;
    char q[96];
    if (is_set(op)) {
        if ((rc = ks_yt_string(c, op, &s)))
            return rc;
        for (int i = 0; ops[i]; i++)
            if (!strcmp(s, ops[i]))
                which = i;
    }
    if (which < 0)
        return ks_yt_fail(c, is_set(op) ? op : n, KS_EINVAL,
                          "%s is not a valid node selector operator "
                          "(expected one of: In, NotIn, Exists, "
                          "DoesNotExist, Gt, Lt)",
                          is_set(op) ? QUOTED(op, q) : "\"\"");
    r->op = (ks_selector_op)which;
    if (is_set(values) &&
        (rc = load_strings(c, values, &r->values, &r->nvalues)))
        return rc;
    /* The plugin's parse check decides; the text says why. */
    ks_node_selector_term t = {0};
    if (field) {
        t.match_fields = r;
        t.nfields = 1;
    } else {
        t.match_expressions = r;
        t.nexpressions = 1;
    }
    if (ks_nodeaffinity_term_parses(&t))
        return 0;
    const char *why = requirement_error(r, field);
    const ks_yt_node *at = n;
    if (why && !strncmp(why, "values:", 7) && is_set(values))
        at = values;
    else if (why && !strncmp(why, "operator:", 9) && is_set(op))
        at = op;
    else if (why && strncmp(why, "values:", 7) && is_set(key))
        at = key;
    return ks_yt_fail(c, at, KS_EINVAL, "invalid requirement: %s",
                      why ? why : "does not parse");
}

static int load_requirements(loader *L, const ks_yt_node *n, int field,
                             ks_requirement **out, size_t *nout)
{
    int rc = expect_seq(&L->yc, n);
    if (rc)
        return rc;
    *out = ks_xcalloc(n->n + 1, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        *nout = i + 1;
        if ((rc = load_requirement(L, n->items[i], field, &(*out)[i])))
            return rc;
    }
    return 0;
}

static int load_term(loader *L, const ks_yt_node *n, ks_node_selector_term *t)
{
    const ks_yt_node *exprs, *fieldsn;
    const ks_yt_field fields[] = {{"matchExpressions", 0, &exprs},
                                  {"matchFields", 0, &fieldsn},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (is_set(exprs) && (rc = load_requirements(L, exprs, 0,
                                                  &t->match_expressions,
                                                  &t->nexpressions))) ||
        (is_set(fieldsn) && (rc = load_requirements(L, fieldsn, 1,
                                                    &t->match_fields,
                                                    &t->nfields))))
        return rc;
    return 0;
}

static int load_added_affinity(loader *L, const ks_yt_node *n,
                               ks_node_affinity *a)
{
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *req, *pref;
    const ks_yt_field fields[] = {
        {"requiredDuringSchedulingIgnoredDuringExecution", 0, &req},
        {"preferredDuringSchedulingIgnoredDuringExecution", 0, &pref},
        {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (rc)
        return rc;
    if (is_set(req)) {
        const ks_yt_node *terms;
        const ks_yt_field tf[] = {{"nodeSelectorTerms", 0, &terms},
                                  {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, req, tf)))
            return rc;
        /* A required selector with no terms matches no node, as upstream. */
        a->has_required = 1;
        if (!is_set(terms) || (terms->kind == KS_YT_SEQUENCE && terms->n == 0))
            warn(L->c, "NodeAffinity: addedAffinity's required node selector "
                       "has no terms, so no node matches it and every pod "
                       "is unschedulable (as in kube-scheduler)");
        if (is_set(terms)) {
            if ((rc = expect_seq(c, terms)))
                return rc;
            a->required.terms = ks_xcalloc(terms->n + 1,
                                           sizeof *a->required.terms);
            for (size_t i = 0; i < terms->n; i++) {
                a->required.nterms = i + 1;
                if ((rc = load_term(L, terms->items[i],
                                    &a->required.terms[i])))
                    return rc;
            }
        }
    }
    if (!is_set(pref))
        return 0;
    if ((rc = expect_seq(c, pref)))
        return rc;
    a->preferred = ks_xcalloc(pref->n + 1, sizeof *a->preferred);
    for (size_t i = 0; i < pref->n; i++) {
        const ks_yt_node *w, *term;
        const ks_yt_field pf[] = {
            {"weight", 0, &w}, {"preference", 0, &term}, {NULL, 0, NULL}};
        ks_preferred_term *pt = &a->preferred[i];
        a->npreferred = i + 1;
        if ((rc = ks_yt_fields(c, pref->items[i], pf)) ||
            (is_set(w) && (rc = load_int32(c, w, &pt->weight))))
            return rc;
        /* NewPreferredSchedulingTerms skips weight-0 terms unparsed. */
        if (is_set(term) && pt->weight != 0 &&
            (rc = load_term(L, term, &pt->term)))
            return rc;
    }
    return 0;
}

static int load_na_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *added;
    const ks_yt_field fields[] = {{"apiVersion", 0, &api},
                                  {"kind", 0, &kind},
                                  {"addedAffinity", 0, &added},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "NodeAffinity")) ||
        (is_set(added) &&
         (rc = load_added_affinity(L, added, &p->na.added_affinity))))
        return rc;
    ks_error e;
    if (ks_nodeaffinity_args_validate(&p->na, &e))
        return ks_yt_fail(&L->yc, n, KS_EINVAL, "%s", e.msg);
    return 0;
}

/* ---- PodTopologySpreadArgs ----------------------------------------------- */

static int load_policy(const ks_yt_ctx *c, const ks_yt_node *n,
                       ks_inclusion_policy *out)
{
    static const char *const names[] = {"Honor", "Ignore", NULL};
    int which;
    int rc = ks_yt_enum(c, n, "inclusion policy", names, &which);
    if (!rc)
        *out = (ks_inclusion_policy)which;
    return rc;
}

static int load_constraint(loader *L, const ks_yt_node *n,
                           ks_topology_spread *t)
{
    static const char *const actions[] = {"DoNotSchedule", "ScheduleAnyway",
                                          NULL};
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *skew, *key, *when, *sel, *mind, *nap, *ntp, *mlk;
    const ks_yt_field fields[] = {
        {"maxSkew", 0, &skew},
        {"topologyKey", 0, &key},
        {"whenUnsatisfiable", 0, &when},
        {"labelSelector", 0, &sel},
        {"minDomains", 0, &mind},
        {"nodeAffinityPolicy", 0, &nap},
        {"nodeTaintsPolicy", 0, &ntp},
        {"matchLabelKeys", 0, &mlk},
        {NULL, 0, NULL},
    };
    int rc = ks_yt_fields(c, n, fields);
    if (rc)
        return rc;
    t->node_taints_policy = KS_POLICY_IGNORE;
    if (is_set(skew) && (rc = load_int32(c, skew, &t->max_skew)))
        return rc;
    if (t->max_skew <= 0)
        return ks_yt_fail(c, is_set(skew) ? skew : n, KS_ERANGE,
                          "maxSkew: invalid value %d: not in valid range "
                          "(0, inf)",
                          (int)t->max_skew);
    const char *s = "";
    if (is_set(key) && (rc = ks_yt_string(c, key, &s)))
        return rc;
    if (!*s)
        return ks_yt_fail(c, is_set(key) ? key : n, KS_EINVAL,
                          "topologyKey: required value: can not be empty");
    if ((rc = load_qualified_name(c, key, &s)))
        return rc;
    t->topology_key = ks_xstrdup(s);
    if (!is_set(when))
        return ks_yt_fail(c, n, KS_EINVAL,
                          "whenUnsatisfiable: required value: can not be "
                          "empty");
    int which;
    if ((rc = ks_yt_enum(c, when, "whenUnsatisfiable action", actions,
                         &which)))
        return rc;
    t->when_unsatisfiable = (ks_when_unsatisfiable)which;
    if (sel)
        return ks_yt_fail_key(c, sel, KS_EINVAL,
                              "labelSelector: forbidden: constraint must not "
                              "define a selector, as they deduced for each "
                              "pod");
    if ((is_set(mind) && (rc = load_int32(c, mind, &t->min_domains))) ||
        (is_set(nap) && (rc = load_policy(c, nap, &t->node_affinity_policy))) ||
        (is_set(ntp) && (rc = load_policy(c, ntp, &t->node_taints_policy))) ||
        (is_set(mlk) && (rc = load_strings(c, mlk, &t->match_label_keys,
                                           &t->nmatch_label_keys))))
        return rc;
    return 0;
}

static int load_pts_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    static const char *const types[] = {"System", "List", NULL};
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *api, *kind, *constraints, *type;
    const ks_yt_field fields[] = {{"apiVersion", 0, &api},
                                  {"kind", 0, &kind},
                                  {"defaultConstraints", 0, &constraints},
                                  {"defaultingType", 0, &type},
                                  {NULL, 0, NULL}};
    int rc, which = 0;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "PodTopologySpread")) ||
        (is_set(type) &&
         (rc = ks_yt_enum(c, type, "defaultingType", types, &which))))
        return rc;
    p->pts.defaulting_type = which ? KS_PTS_LIST_DEFAULTING
                                   : KS_PTS_SYSTEM_DEFAULTING;
    if (!is_set(constraints))
        return 0;
    if ((rc = expect_seq(c, constraints)))
        return rc;
    /* An unset defaultingType is defaulted to System before validation. */
    if (constraints->n > 0 && !which)
        return ks_yt_fail(c, is_set(type) ? type : n, KS_EINVAL,
                          "defaultingType: invalid value \"System\": must be "
                          "\"List\" when defaultConstraints are not empty");
    p->pts_constraints =
        ks_xcalloc(constraints->n + 1, sizeof *p->pts_constraints);
    p->pts.default_constraints = p->pts_constraints;
    for (size_t i = 0; i < constraints->n; i++) {
        ks_topology_spread *t = &p->pts_constraints[i];
        p->pts.ndefault_constraints = i + 1;
        if ((rc = load_constraint(L, constraints->items[i], t)))
            return rc;
        for (size_t j = 0; j < i; j++) {
            const ks_topology_spread *o = &p->pts_constraints[j];
            if (!strcmp(o->topology_key, t->topology_key) &&
                o->when_unsatisfiable == t->when_unsatisfiable)
                return ks_yt_fail(c, constraints->items[i], KS_EINVAL,
                                  "duplicate value {%s, %s} (also "
                                  "defaultConstraints[%zu])",
                                  t->topology_key,
                                  t->when_unsatisfiable ? "ScheduleAnyway"
                                                        : "DoNotSchedule",
                                  j);
        }
    }
    /* The plugin's own check must agree with the one above. */
    ks_error e;
    if (ks_pts_args_validate(&p->pts, &e))
        return ks_yt_fail(c, n, KS_EINVAL, "%s", e.msg);
    return 0;
}

/* ---- InterPodAffinity, DefaultPreemption, VolumeBinding, DRA args ------- */

static int load_ipa_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *hard, *ignore;
    const ks_yt_field fields[] = {
        {"apiVersion", 0, &api},
        {"kind", 0, &kind},
        {"hardPodAffinityWeight", 0, &hard},
        {"ignorePreferredTermsOfExistingPods", 0, &ignore},
        {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "InterPodAffinity")) ||
        (is_set(hard) &&
         (rc = load_int32_range(&L->yc, hard, 0, 100, "[0, 100]",
                                &p->ipa.hard_pod_affinity_weight))) ||
        (is_set(ignore) &&
         (rc = load_bool(&L->yc, ignore,
                         &p->ipa.ignore_preferred_terms_of_existing_pods))))
        return rc;
    ks_error e;
    if (ks_ipa_args_validate(&p->ipa, &e))
        return ks_yt_fail(&L->yc, n, KS_EINVAL, "%s", e.msg);
    return 0;
}

static int load_dp_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *pct, *abs;
    const ks_yt_field fields[] = {{"apiVersion", 0, &api},
                                  {"kind", 0, &kind},
                                  {"minCandidateNodesPercentage", 0, &pct},
                                  {"minCandidateNodesAbsolute", 0, &abs},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "DefaultPreemption")) ||
        (is_set(pct) &&
         (rc = load_int32_range(&L->yc, pct, 0, 100, "[0, 100]",
                                &p->dp.min_candidate_nodes_percentage))) ||
        (is_set(abs) &&
         (rc = load_int32_range(&L->yc, abs, 0, INT32_MAX, "[0, inf)",
                                &p->dp.min_candidate_nodes_absolute))))
        return rc;
    if (p->dp.min_candidate_nodes_percentage == 0 &&
        p->dp.min_candidate_nodes_absolute == 0)
        return ks_yt_fail(&L->yc, is_set(pct) ? pct : n, KS_EINVAL,
                          "minCandidateNodesPercentage: cannot be zero at the "
                          "same time as minCandidateNodesAbsolute");
    return 0;
}

static int load_vb_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *timeout, *shape;
    const ks_yt_field fields[] = {{"apiVersion", 0, &api},
                                  {"kind", 0, &kind},
                                  {"bindTimeoutSeconds", 0, &timeout},
                                  {"shape", 0, &shape},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "VolumeBinding")) ||
        (is_set(timeout) &&
         (rc = ks_yt_int64(&L->yc, timeout, INT64_MIN, INT64_MAX,
                           &p->vb.bind_timeout_seconds))))
        return rc;
    if (p->vb.bind_timeout_seconds < 0)
        return ks_yt_fail(&L->yc, timeout, KS_ERANGE,
                          "invalid value %lld: invalid BindTimeoutSeconds, "
                          "should not be a negative value",
                          (long long)p->vb.bind_timeout_seconds);
    if (is_set(shape))
        return load_shape(L, shape, p->vb.shape, &p->vb.nshape);
    return 0;
}

static int load_dra_args(loader *L, const ks_yt_node *n, sc_profile *p)
{
    const ks_yt_node *api, *kind, *filter, *binding;
    const ks_yt_field fields[] = {{"apiVersion", 0, &api},
                                  {"kind", 0, &kind},
                                  {"filterTimeout", 0, &filter},
                                  {"bindingTimeout", 0, &binding},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&L->yc, n, fields)) ||
        (rc = check_args_meta(L, api, kind, "DynamicResources")) ||
        (is_set(filter) &&
         (rc = ks_yt_duration(&L->yc, filter, &p->dra.filter_timeout))))
        return rc;
    if (p->dra.filter_timeout < 0)
        return ks_yt_fail(&L->yc, filter, KS_ERANGE,
                          "must be zero or positive");
    if (!is_set(binding))
        return 0;
    if ((rc = ks_yt_duration(&L->yc, binding, &p->dra.binding_timeout)))
        return rc;
    p->dra.has_binding_timeout = 1;
    if (p->dra.binding_timeout < KS_SECOND)
        return ks_yt_fail(&L->yc, binding, KS_ERANGE,
                          "must be at least 1 second");
    return 0;
}

static int load_args(loader *L, args_kind k, const ks_yt_node *n,
                     sc_profile *p)
{
    switch (k) {
    case A_FIT: return load_fit_args(L, n, p);
    case A_BA: return load_ba_args(L, n, p);
    case A_NA: return load_na_args(L, n, p);
    case A_PTS: return load_pts_args(L, n, p);
    case A_IPA: return load_ipa_args(L, n, p);
    case A_DP: return load_dp_args(L, n, p);
    case A_VB: return load_vb_args(L, n, p);
    case A_DRA: return load_dra_args(L, n, p);
    case A_NONE: break;
    }
    return 0;
}

/* ---- plugin names -------------------------------------------------------- */

static int fail_unknown_plugin(loader *L, const ks_yt_node *n)
{
    char q[96], names[768];
    size_t len = 0;
    names[0] = '\0';
    for (int i = 0; i < NKNOWN && len < sizeof names; i++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
                                i ? ", " : "", known[i].name);
    return ks_yt_fail(&L->yc, n, KS_EINVAL,
                      "unknown plugin %s: not an in-tree plugin of "
                      "kube-scheduler 1.%d (an out-of-tree plugin written "
                      "for ksim's plugin API is loaded by naming its shared "
                      "object in its pluginConfig args, " SHARED_OBJECT_KEY
                      ": see docs/plugins.md) (known plugins: %s)",
                      QUOTED(n, q), L->k8s_minor, names);
}

static int fail_removed_plugin(loader *L, const ks_yt_node *n)
{
    char q[96];
    return ks_yt_fail(&L->yc, n, KS_EINVAL,
                      "invalid value %s: was invalid in version \"%s\" "
                      "(KubeSchedulerConfiguration is version \"%s\")",
                      QUOTED(n, q), KS_SCHEDCONFIG_API_VERSION,
                      KS_SCHEDCONFIG_API_VERSION);
}

/* An enabled name must be an in-tree plugin. */
static int check_plugin_name(loader *L, const ks_yt_node *n)
{
    if (is_removed(n->text))
        return fail_removed_plugin(L, n);
    if (find_known(L->c, n->text) < 0)
        return fail_unknown_plugin(L, n);
    return 0;
}

/* ---- plugins: the custom sets ------------------------------------------- */

static int load_plugin_entry(loader *L, const ks_yt_node *n, int enabled,
                             const char *point, sc_entry *e)
{
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *name, *weight;
    const ks_yt_field fields[] = {
        {"name", 1, &name}, {"weight", 0, &weight}, {NULL, 0, NULL}};
    const char *s = NULL;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) || (rc = ks_yt_string(c, name, &s)))
        return rc;
    e->p.name = s;
    e->at = name;
    if (is_set(weight)) {
        if ((rc = load_int32(c, weight, &e->p.weight)))
            return rc;
        e->p.has_weight = 1;
    }
    if (enabled) {
        if ((rc = check_plugin_name(L, name)))
            return rc;
        if (kp(L->c, find_known(L->c, s))->note == N_ALPHA)
            warn(L->c, "%s is an alpha plugin that ksim does not simulate",
                 s);
        return 0;
    }
    if (strcmp(s, "*") && find_known(L->c, s) < 0) {
        char q[96];
        warn(L->c,
             "disabling %s at %s has no effect: it is not an in-tree plugin "
             "(kube-scheduler ignores it too)",
             QUOTED(name, q), point);
    }
    return 0;
}

static int load_plugin_list(loader *L, const ks_yt_node *n, int enabled,
                            const char *point, sc_list *l)
{
    int rc = expect_seq(&L->yc, n);
    for (size_t i = 0; !rc && i < n->n; i++) {
        sc_entry e = {{NULL, 0, 0}, NULL};
        rc = load_plugin_entry(L, n->items[i], enabled, point, &e);
        if (!rc)
            list_push(l, e);
    }
    return rc;
}

static int load_plugin_set(loader *L, const ks_yt_node *n, const char *point,
                           sc_set *s)
{
    const ks_yt_node *en, *dis;
    const ks_yt_field fields[] = {
        {"enabled", 0, &en}, {"disabled", 0, &dis}, {NULL, 0, NULL}};
    int rc = ks_yt_fields(&L->yc, n, fields);
    s->at = n;
    if (!rc && is_set(en))
        rc = load_plugin_list(L, en, 1, point, &s->enabled);
    if (!rc && is_set(dis))
        rc = load_plugin_list(L, dis, 0, point, &s->disabled);
    return rc;
}

static int load_plugins(loader *L, const ks_yt_node *n, sc_set *custom)
{
    ks_yt_field fields[NPOINTS + 1];
    const ks_yt_node *nodes[NPOINTS];
    for (int p = 0; p < NPOINTS; p++)
        fields[p] = (ks_yt_field){points[p].key, 0, &nodes[p]};
    fields[NPOINTS] = (ks_yt_field){NULL, 0, NULL};
    int rc = ks_yt_fields(&L->yc, n, fields);
    /* In document order, so the first bad name written is the one
     * reported. */
    for (size_t i = 0; !rc && i < n->n; i++)
        for (int p = 0; p < NPOINTS; p++)
            if (nodes[p] == n->items[i] && is_set(nodes[p]))
                rc = load_plugin_set(L, nodes[p], points[p].key, &custom[p]);
    return rc;
}

/* ---- public-API plugins ------------------------------------------------- */

/* A scalar as sigs.k8s.io/yaml turns it into JSON: quoted ones are
 * strings; plain ones are null, booleans, integers or numbers when they
 * read as such, strings otherwise. */
static json_t *scalar_json(const ks_yt_node *n)
{
    static const char *const t[] = {"true", "True", "TRUE", NULL};
    static const char *const f[] = {"false", "False", "FALSE", NULL};
    if (!n->quoted) {
        if (ks_yt_is_null(n))
            return json_null();
        for (size_t i = 0; t[i]; i++)
            if (!strcmp(n->text, t[i]))
                return json_true();
        for (size_t i = 0; f[i]; i++)
            if (!strcmp(n->text, f[i]))
                return json_false();
        int digits = 0, other = 0;
        for (const char *s = n->text; *s; s++) {
            if (*s >= '0' && *s <= '9')
                digits = 1;
            else if (!strchr("+-.eE", *s))
                other = 1;
        }
        if (digits && !other) {
            char *end;
            errno = 0;
            long long v = strtoll(n->text, &end, 10);
            if (!*end && errno == 0)
                return json_integer((json_int_t)v);
            double d = strtod(n->text, &end);
            if (!*end && isfinite(d))
                return json_real(d);
        }
    }
    return json_stringn(n->text, n->len);
}

/* The args mapping as JSON, without the shared object's key at the top;
 * NULL if a string is not valid UTF-8. */
static json_t *args_json(const ks_yt_node *n, int top)
{
    if (n->kind == KS_YT_SCALAR)
        return scalar_json(n);
    json_t *v = n->kind == KS_YT_MAPPING ? json_object() : json_array();
    for (size_t i = 0; v && i < n->n; i++) {
        const ks_yt_node *item = n->items[i];
        if (top && !strcmp(item->key->text, SHARED_OBJECT_KEY))
            continue;
        json_t *x = args_json(item, 0);
        int rc = !x ? -1
                 : n->kind == KS_YT_MAPPING
                     ? json_object_setn_new(v, item->key->text,
                                            item->key->len, x)
                     : json_array_append_new(v, x);
        if (rc) {
            json_decref(v);
            v = NULL;
        }
    }
    return v;
}

/* pluginConfig args of public-API plugin k in profile p, checked by the
 * plugin's create() (errors at the args, or at the name without args). */
static int load_external_args(loader *L, int k, const ks_yt_node *name,
                              const ks_yt_node *args, sc_profile *p)
{
    const sc_ext *x = &L->c->ext[k - NKNOWN];
    if (is_set(args) && args->kind != KS_YT_MAPPING)
        return ks_yt_fail(&L->yc, args, KS_EPARSE,
                          "expected a mapping (the args of %s), got %s",
                          x->kp.name, ks_yt_describe(args));
    json_t *obj = is_set(args) ? args_json(args, 1) : json_object();
    char *json = obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER)
                     : NULL;
    json_decref(obj);
    if (!json)
        return ks_yt_fail(&L->yc, args, KS_EPARSE,
                          "args of %s are not valid UTF-8", x->kp.name);
    char why[512];
    ks_external_args *a = NULL;
    int rc = ks_external_args_create(x->e, json, &a, why, sizeof why);
    free(json);
    if (rc)
        return ks_yt_fail(&L->yc, is_set(args) ? args : name, rc,
                          "invalid args for plugin %s: %s", x->kp.name, why);
    ks_external_args_destroy(p->ext_args[k - NKNOWN]);
    p->ext_args[k - NKNOWN] = a;
    return 0;
}

/* The extension points a descriptor implements. */
static unsigned descriptor_points(const ksim_plugin *d)
{
    unsigned pts = 0;
    if (d->pre_filter)
        pts |= PF;
    if (d->filter)
        pts |= FI;
    if (d->pre_score)
        pts |= PS;
    if (d->score)
        pts |= SC;
    if (d->less)
        pts |= BIT(P_QUEUE_SORT);
    return pts;
}

static void add_external(ks_schedconfig *c, ks_external *e)
{
    sc_ext *x = &c->ext[c->next++];
    x->e = e;
    x->kp = (known_plugin){ks_external_name(e),
                           descriptor_points(ks_external_descriptor(e)),
                           A_NONE, N_EXTERNAL};
}

/* path relative to the configuration file's folder.  The result always
 * has a '/', so dlopen never searches the library path for it. */
static char *relative_to_config(const char *file, const char *path)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    if (path[0] == '/')
        return ks_xstrdup(path);
    if (!slash)
        return strchr(path, '/') ? ks_xstrdup(path)
                                 : ks_xasprintf("./%s", path);
    return ks_xasprintf("%.*s/%s", (int)(slash - file), file, path);
}

/* Loads the shared object a pluginConfig entry names in its args, if it
 * names one.  Only the shape this needs is checked here: the main pass
 * reports everything else about the entry. */
static int load_shared_object(loader *L, const ks_yt_node *entry)
{
    const ks_yt_ctx *yc = &L->yc;
    const ks_yt_node *name = ks_yt_get(entry, "name");
    const ks_yt_node *so = ks_yt_get(ks_yt_get(entry, "args"),
                                     SHARED_OBJECT_KEY);
    const char *s, *path;
    char q[96];
    int rc;
    if (!so || !name || name->kind != KS_YT_SCALAR || ks_yt_is_null(name))
        return 0;
    s = name->text;
    if (find_in_tree(s) >= 0)
        return ks_yt_fail_key(yc, so, KS_EINVAL,
                              "%s is an in-tree plugin: " SHARED_OBJECT_KEY
                              " loads out-of-tree plugins only",
                              QUOTED(name, q));
    if ((rc = ks_yt_string(yc, so, &path)))
        return rc;
    if (!*path)
        return ks_yt_fail(yc, so, KS_EINVAL, "must not be empty");
    char *full = relative_to_config(yc->file, path);
    int k = find_known(L->c, s);
    if (k >= 0) {
        const char *had = ks_external_path(L->c->ext[k - NKNOWN].e);
        rc = !had ? ks_yt_fail(yc, so, KS_EEXIST,
                               "plugin %s is compiled into ksim: it needs "
                               "no shared object",
                               QUOTED(name, q))
             : strcmp(had, full)
                 ? ks_yt_fail(yc, so, KS_EEXIST,
                              "plugin %s is already loaded from %s",
                              QUOTED(name, q), had)
                 : 0;
        free(full);
        return rc;
    }
    if (L->c->next == MAX_EXTERNAL) {
        free(full);
        return ks_yt_fail(yc, so, KS_ERANGE,
                          "too many plugin API plugins (at most %d)",
                          MAX_EXTERNAL);
    }
    char why[768];
    ks_external *e = NULL;
    rc = ks_external_open(full, s, &e, why, sizeof why);
    free(full);
    if (rc)
        return ks_yt_fail(yc, so, rc, "%s", why);
    add_external(L->c, e);
    return 0;
}

/* Before the profiles are read: every public-API plugin the configuration
 * can name, the compiled-in ones first, then the shared objects of every
 * profile's pluginConfig (so any profile can enable them). */
static int load_external_plugins(loader *L, const ks_yt_node *profiles)
{
    char why[256];
    for (size_t i = 0; i < ks_api_plugin_count(); i++) {
        const ksim_plugin *d = ks_api_plugin_at(i);
        ks_external *e = NULL;
        if (find_known(L->c, d->name) >= 0 || L->c->next == MAX_EXTERNAL ||
            ks_external_wrap(d, &e, why, sizeof why))
            continue; /* shadowed by an upstream name, or unusable */
        add_external(L->c, e);
    }
    if (!is_set(profiles) || profiles->kind != KS_YT_SEQUENCE)
        return 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < profiles->n; i++) {
        const ks_yt_node *config = ks_yt_get(profiles->items[i],
                                             "pluginConfig");
        if (!config || config->kind != KS_YT_SEQUENCE)
            continue;
        for (size_t j = 0; !rc && j < config->n; j++)
            if (config->items[j]->kind == KS_YT_MAPPING)
                rc = load_shared_object(L, config->items[j]);
    }
    return rc;
}

/* ---- pluginConfig -------------------------------------------------------- */

static int load_plugin_config(loader *L, const ks_yt_node *n, sc_profile *p,
                              unsigned *configured)
{
    const ks_yt_ctx *c = &L->yc;
    int rc = expect_seq(c, n);
    for (size_t i = 0; !rc && i < n->n; i++) {
        const ks_yt_node *name, *args;
        const ks_yt_field fields[] = {
            {"name", 1, &name}, {"args", 0, &args}, {NULL, 0, NULL}};
        const char *s = NULL;
        char q[96];
        if ((rc = ks_yt_fields(c, n->items[i], fields)) ||
            (rc = ks_yt_string(c, name, &s)) ||
            (rc = check_plugin_name(L, name)))
            return rc;
        for (size_t j = 0; j < i; j++) {
            const ks_yt_node *other = ks_yt_get(n->items[j], "name");
            if (!strcmp(other->text, s))
                return ks_yt_fail(c, name, KS_EINVAL,
                                  "duplicate value %s (also the name of "
                                  "pluginConfig[%zu])",
                                  QUOTED(name, q), j);
        }
        int k = find_known(L->c, s);
        if (is_external(k)) {
            rc = load_external_args(L, k, name, args, p);
            continue;
        }
        if (known[k].args == A_NONE) {
            if (is_set(args))
                warn(L->c,
                     "args for %s are ignored: the plugin takes none "
                     "(as in kube-scheduler)",
                     s);
            continue;
        }
        *configured |= 1u << known[k].args;
        if (is_set(args))
            rc = load_args(L, known[k].args, args, p);
    }
    return rc;
}

/* ---- the framework: lists per extension point ---------------------------- */

typedef struct profile_nodes {
    const ks_yt_node *profile; /* NULL for the implicit default profile */
    const ks_yt_node *plugins;
} profile_nodes;

static int in_list(const sc_profile *p, int point, int k)
{
    for (size_t i = 0; i < p->nlist[point]; i++)
        if (p->list[point][i] == k)
            return 1;
    return 0;
}

static const ks_yt_node *fallback(const loader *L, const profile_nodes *pn,
                                  const sc_set *s)
{
    if (s && s->at)
        return s->at;
    if (pn->plugins)
        return pn->plugins;
    return pn->profile ? pn->profile : L->root;
}

static void describe_points(unsigned mask, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int p = 0; p < P_MULTI_POINT && len < size; p++)
        if (mask & BIT(p))
            len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                    len ? ", " : "", points[p].key);
}

/* updatePluginList: the explicitly enabled plugins of one point. */
static int fill_point(loader *L, const profile_nodes *pn, const sc_set *set,
                      int point, sc_profile *p)
{
    for (size_t i = 0; i < set->enabled.n; i++) {
        const sc_entry *e = &set->enabled.v[i];
        int k = find_known(L->c, e->p.name);
        const known_plugin *kn = kp(L->c, k);
        const ks_yt_node *at = e->at ? e->at : fallback(L, pn, set);
        if (!(kn->points & BIT(point)) && kn->note != N_ALPHA) {
            char impl[256];
            describe_points(kn->points, impl, sizeof impl);
            return ks_yt_fail(&L->yc, at, KS_EINVAL,
                              "plugin \"%s\" does not extend %s plugin (it "
                              "implements: %s)",
                              e->p.name, points[point].type, impl);
        }
        if (in_list(p, point, k))
            return ks_yt_fail(&L->yc, at, KS_EINVAL,
                              "plugin \"%s\" already registered as \"%s\"",
                              e->p.name, points[point].type);
        p->list[point][p->nlist[point]++] = (uint8_t)k;
    }
    return 0;
}

/* expandMultiPointPlugins for one point: plugins also enabled at the point
 * (overrides) first in the point's order, then the MultiPoint ones, then
 * the rest of the point's own. */
static int expand_point(loader *L, const profile_nodes *pn, const sc_set *mp,
                        const sc_set *set, int point, sc_profile *p)
{
    if (list_has(&set->disabled, "*"))
        return 0;
    uint8_t own[NALL], multi[NALL];
    int override[NALL] = {0};
    size_t nown = p->nlist[point], nmulti = 0;
    memcpy(own, p->list[point], nown);
    for (size_t i = 0; i < mp->enabled.n; i++) {
        const sc_entry *e = &mp->enabled.v[i];
        int k = find_known(L->c, e->p.name);
        if (!(kp(L->c, k)->points & BIT(point)) ||
            list_has(&set->disabled, e->p.name))
            continue;
        if (in_list(p, point, k)) {
            override[k] = 1;
            continue;
        }
        for (size_t j = 0; j < nmulti; j++)
            if (multi[j] == k)
                return ks_yt_fail(&L->yc,
                                  e->at ? e->at : fallback(L, pn, mp),
                                  KS_EINVAL,
                                  "plugin \"%s\" already registered as "
                                  "\"%s\"",
                                  e->p.name, points[point].type);
        multi[nmulti++] = (uint8_t)k;
    }
    size_t n = 0;
    for (size_t i = 0; i < nown; i++)
        if (override[own[i]])
            p->list[point][n++] = own[i];
    for (size_t i = 0; i < nmulti; i++)
        p->list[point][n++] = multi[i];
    for (size_t i = 0; i < nown; i++)
        if (!override[own[i]])
            p->list[point][n++] = own[i];
    p->nlist[point] = n;
    return 0;
}

/* getScoreWeights: Score's entries, then MultiPoint's; the first entry of
 * a Score plugin sets its weight; unset or 0 means 1. */
static void score_weights(const ks_schedconfig *c, const sc_set *merged,
                          sc_profile *p)
{
    int64_t w[NALL];
    int seen[NALL] = {0};
    const sc_list *lists[2] = {&merged[P_SCORE].enabled,
                               &merged[P_MULTI_POINT].enabled};
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            const sc_entry *e = &lists[l]->v[i];
            int k = find_known(c, e->p.name);
            if (!(kp(c, k)->points & SC) || seen[k])
                continue;
            seen[k] = 1;
            w[k] = e->p.has_weight && e->p.weight ? e->p.weight : 1;
        }
    for (size_t i = 0; i < p->nlist[P_SCORE]; i++) {
        int k = p->list[P_SCORE][i];
        p->weight[k] = seen[k] ? w[k] : 1;
    }
}

static int build_lists(loader *L, const profile_nodes *pn,
                       const sc_set *custom, sc_profile *p, sc_set *merged)
{
    sc_set def[NPOINTS];
    memset(def, 0, sizeof def);
    for (size_t i = 0; i < NDEFAULT; i++) {
        sc_entry e = {{default_multipoint[i].name,
                       default_multipoint[i].weight != 0,
                       default_multipoint[i].weight},
                      NULL};
        list_push(&def[P_MULTI_POINT].enabled, e);
    }
    for (int pt = 0; pt < NPOINTS; pt++)
        merge_set(&def[pt], custom ? &custom[pt] : NULL, &merged[pt]);
    set_free(&def[P_MULTI_POINT]);
    int rc = 0;
    for (size_t i = 0; !rc && i < NFRAMEWORK; i++)
        rc = fill_point(L, pn, &merged[framework_order[i]], framework_order[i],
                        p);
    if (!rc && merged[P_MULTI_POINT].enabled.n > 0)
        for (size_t i = 0; !rc && i < NFRAMEWORK; i++)
            rc = expand_point(L, pn, &merged[P_MULTI_POINT],
                              &merged[framework_order[i]], framework_order[i],
                              p);
    if (rc)
        return rc;
    const char *name = p->name;
    if (p->nlist[P_QUEUE_SORT] != 1)
        return ks_yt_fail(&L->yc, fallback(L, pn, &merged[P_QUEUE_SORT]),
                          KS_EINVAL,
                          "only one queue sort plugin required for profile "
                          "with scheduler name \"%s\", but got %zu",
                          name, p->nlist[P_QUEUE_SORT]);
    const known_plugin *qs = kp(L->c, p->list[P_QUEUE_SORT][0]);
    if (strcmp(qs->name, "PrioritySort") && qs->note != N_EXTERNAL)
        return ks_yt_fail(&L->yc, fallback(L, pn, &merged[P_QUEUE_SORT]),
                          KS_EINVAL,
                          "queue sort plugin \"%s\" cannot be simulated: "
                          "ksim's queue sorts as PrioritySort or by a plugin "
                          "API plugin's less()",
                          qs->name);
    if (p->nlist[P_BIND] == 0)
        return ks_yt_fail(&L->yc, fallback(L, pn, &merged[P_BIND]), KS_EINVAL,
                          "at least one bind plugin is needed for profile "
                          "with scheduler name \"%s\"",
                          name);
    score_weights(L->c, merged, p);
    return 0;
}

/* ---- the ksim profile ---------------------------------------------------- */

static void warn_not_simulated(loader *L, const sc_profile *p)
{
    char volumes[256] = "";
    size_t vlen = 0;
    for (int k = 0; k < NKNOWN; k++) {
        int used = 0;
        for (int pt = 0; pt < P_MULTI_POINT && !used; pt++)
            used = in_list(p, pt, k);
        if (!used || known[k].note == N_BUILTIN ||
            ks_plugin_lookup(known[k].name))
            continue;
        const char *name = known[k].name;
        switch (known[k].note) {
        case N_VOLUME:
            vlen += (size_t)snprintf(volumes + vlen, sizeof volumes - vlen,
                                     "%s%s", vlen ? ", " : "", name);
            break;
        case N_PTS:
            warn(L->c, "%s is not simulated yet: topologySpreadConstraints "
                       "(and the system default constraints) are ignored",
                 name);
            break;
        case N_IPA:
            warn(L->c, "%s is not simulated yet: pod affinity and "
                       "anti-affinity are ignored",
                 name);
            break;
        case N_PREEMPTION:
            warn(L->c, "%s is not simulated yet: no pod is preempted, a "
                       "pod that fits no node waits",
                 name);
            break;
        case N_DRA:
            warn(L->c, "%s is not simulated: ksim pods have no resource "
                       "claims, for which the plugin does nothing",
                 name);
            break;
        case N_GATES:
            warn(L->c, "%s is not simulated: ksim pods have no scheduling "
                       "gates, for which the plugin does nothing",
                 name);
            break;
        case N_ALPHA:
            warn(L->c, "%s is an alpha plugin that ksim does not simulate",
                 name);
            break;
        case N_GENERIC:
        case N_BUILTIN:
        case N_EXTERNAL: /* never in known[] */
            warn(L->c, "%s is not simulated yet: left out of the profile",
                 name);
            break;
        }
    }
    if (vlen)
        warn(L->c, "%s: not simulated; ksim pods have no volumes, and these "
                   "plugins accept every pod without volumes",
             volumes);
}

/* A ksim plugin enabled at only one of PreFilter/Filter (PreScore/Score)
 * runs differently upstream: say so.  A PreScore without its Score is
 * left out silently: its state only feeds the Score (the OpenShift
 * HighNodeUtilization profile disables BalancedAllocation that way). */
static void warn_half_enabled(loader *L, const sc_profile *p, int k)
{
    static const int pairs[2][2] = {{P_PRE_FILTER, P_FILTER},
                                    {P_PRE_SCORE, P_SCORE}};
    if (is_external(k) || !ks_plugin_lookup(known[k].name))
        return; /* public-API plugins run both when enabled at either */
    for (int i = 0; i < 2; i++) {
        int pre = pairs[i][0], main = pairs[i][1];
        if (!(known[k].points & BIT(pre)) || !(known[k].points & BIT(main)))
            continue;
        int a = in_list(p, pre, k), b = in_list(p, main, k);
        if (a && !b && pre == P_PRE_FILTER)
            warn(L->c,
                 "profile \"%s\": %s is enabled at preFilter but not at "
                 "filter: ksim runs neither (upstream's PreFilter alone can "
                 "still reject a pod)",
                 p->name, known[k].name);
        else if (!a && b)
            warn(L->c,
                 "profile \"%s\": %s is enabled at %s but not at %s: "
                 "upstream then runs %s without the state %s computes (some "
                 "plugins recompute it, others fail); ksim runs both",
                 p->name, known[k].name, points[main].key, points[pre].key,
                 points[main].key, points[pre].key);
    }
}

static int add_use(loader *L, const profile_nodes *pn, const sc_profile *p,
                   int k, ks_profile_config *out)
{
    const known_plugin *kn = kp(L->c, k);
    int ext = is_external(k);
    const ks_plugin *plugin = ext ? ks_external_plugin(L->c->ext[k - NKNOWN].e)
                                  : ks_plugin_lookup(kn->name);
    if (!plugin)
        return 0;
    for (size_t i = 0; i < out->nplugins; i++)
        if (out->plugins[i].plugin == plugin)
            return 0;
    if (out->nplugins == KS_MAX_PROFILE_PLUGINS)
        return ks_yt_fail(&L->yc, fallback(L, pn, NULL), KS_ERANGE,
                          "too many plugins in profile \"%s\" (ksim runs at "
                          "most %d)",
                          p->name, KS_MAX_PROFILE_PLUGINS);
    ks_plugin_use *u = &out->plugins[out->nplugins++];
    u->plugin = plugin;
    u->args = ext ? (const void *)p->ext_args[k - NKNOWN]
                  : args_of(p, known[k].args);
    /* The scheduler runs a plugin's PostFilter under the filter flag; a
     * public-API plugin's PreFilter runs when enabled at either. */
    u->filter = in_list(p, P_FILTER, k) || in_list(p, P_POST_FILTER, k) ||
                (ext && in_list(p, P_PRE_FILTER, k));
    if (ext && in_list(p, P_QUEUE_SORT, k)) {
        out->queue_sort = ks_external_queue_less;
        out->queue_sort_use = out->nplugins - 1;
    }
    u->score = in_list(p, P_SCORE, k);
    u->reserve = in_list(p, P_RESERVE, k);
    u->permit = in_list(p, P_PERMIT, k);
    u->weight = u->score ? p->weight[k] : 0;
    if (u->score && u->weight < 0)
        warn(L->c,
             "profile \"%s\": %s has the negative Score weight %lld, which "
             "kube-scheduler accepts: it favours the nodes the plugin ranks "
             "lowest",
             p->name, kn->name, (long long)u->weight);
    warn_half_enabled(L, p, k);
    return 0;
}

/* Filter order first (it decides which rejection a pod sees), then the
 * PostFilter plugins (preemption), then the plugins that only score, then
 * those only at Reserve or Permit. */
static int fill_profile(loader *L, const profile_nodes *pn,
                        const sc_profile *p, ks_profile_config *out)
{
    int rc = 0;
    out->scheduler_name = p->name;
    for (size_t i = 0; !rc && i < p->nlist[P_FILTER]; i++)
        rc = add_use(L, pn, p, p->list[P_FILTER][i], out);
    for (size_t i = 0; !rc && i < p->nlist[P_POST_FILTER]; i++)
        rc = add_use(L, pn, p, p->list[P_POST_FILTER][i], out);
    for (size_t i = 0; !rc && i < p->nlist[P_SCORE]; i++)
        rc = add_use(L, pn, p, p->list[P_SCORE][i], out);
    for (size_t i = 0; !rc && i < p->nlist[P_RESERVE]; i++)
        rc = add_use(L, pn, p, p->list[P_RESERVE][i], out);
    for (size_t i = 0; !rc && i < p->nlist[P_PERMIT]; i++)
        rc = add_use(L, pn, p, p->list[P_PERMIT][i], out);
    /* Public-API plugins enabled only at PreFilter or QueueSort. */
    for (size_t i = 0; !rc && i < p->nlist[P_PRE_FILTER]; i++)
        if (is_external(p->list[P_PRE_FILTER][i]))
            rc = add_use(L, pn, p, p->list[P_PRE_FILTER][i], out);
    for (size_t i = 0; !rc && i < p->nlist[P_QUEUE_SORT]; i++)
        if (is_external(p->list[P_QUEUE_SORT][i]))
            rc = add_use(L, pn, p, p->list[P_QUEUE_SORT][i], out);
    for (size_t i = 0; !rc && i < p->nlist[P_PRE_FILTER]; i++)
        warn_half_enabled(L, p, p->list[P_PRE_FILTER][i]);
    for (size_t i = 0; !rc && i < p->nlist[P_PRE_SCORE]; i++)
        warn_half_enabled(L, p, p->list[P_PRE_SCORE][i]);
    return rc;
}

/* Public-API plugins the profile runs without pluginConfig args get "{}",
 * checked by their create() too (errors at the profile's plugins). */
static int default_external_args(loader *L, const profile_nodes *pn,
                                 sc_profile *p)
{
    for (size_t i = 0; i < L->c->next; i++) {
        int k = NKNOWN + (int)i, used = 0;
        for (int pt = 0; pt < P_MULTI_POINT && !used; pt++)
            used = in_list(p, pt, k);
        if (!used || p->ext_args[i])
            continue;
        char why[512];
        int rc = ks_external_args_create(L->c->ext[i].e, "{}",
                                         &p->ext_args[i], why, sizeof why);
        if (rc)
            return ks_yt_fail(&L->yc, fallback(L, pn, NULL), rc,
                              "plugin %s needs args (give them in "
                              "pluginConfig): %s",
                              L->c->ext[i].kp.name, why);
    }
    return 0;
}

/* ---- profiles ------------------------------------------------------------ */

static int load_percentage(const ks_yt_ctx *c, const ks_yt_node *n, int *out)
{
    int32_t v;
    int rc = load_int32(c, n, &v);
    if (!rc && (v < 0 || v > 100))
        return ks_yt_fail(c, n, KS_ERANGE,
                          "invalid value %d: not in valid range [0-100]",
                          (int)v);
    if (!rc)
        *out = v;
    return rc;
}

static int load_profile_name(loader *L, const ks_yt_node *n, size_t i,
                             size_t count, sc_profile *p)
{
    const ks_yt_node *name = n ? ks_yt_get(n, "schedulerName") : NULL;
    const char *s = NULL;
    char q[96];
    int rc;
    if (!is_set(name)) {
        /* Only a lone profile gets the default name. */
        if (count == 1) {
            p->name = ks_xstrdup(KS_DEFAULT_SCHEDULER_NAME);
            return 0;
        }
        return ks_yt_fail(&L->yc, n, KS_EINVAL,
                          "schedulerName: required value (every profile of "
                          "several needs a name)");
    }
    if ((rc = ks_yt_string(&L->yc, name, &s)))
        return rc;
    if (!*s)
        return ks_yt_fail(&L->yc, name, KS_EINVAL, "required value");
    for (size_t j = 0; j < i; j++)
        if (!strcmp(L->c->profiles[j].name, s))
            return ks_yt_fail(&L->yc, name, KS_EINVAL,
                              "duplicate value %s (also "
                              "profiles[%zu].schedulerName)",
                              QUOTED(name, q), j);
    p->name = ks_xstrdup(s);
    return 0;
}

static void warn_unused_args(loader *L, const sc_profile *p,
                             unsigned configured)
{
    for (int k = 0; k < NKNOWN; k++) {
        if (!known[k].args || !(configured & (1u << known[k].args)))
            continue;
        int used = 0;
        for (int pt = 0; pt < P_MULTI_POINT && !used; pt++)
            used = in_list(p, pt, k);
        if (!used)
            warn(L->c,
                 "profile \"%s\": args for %s are given but the plugin is "
                 "not enabled (kube-scheduler ignores them too)",
                 p->name, known[k].name);
    }
    for (size_t i = 0; i < L->c->next; i++) {
        int k = NKNOWN + (int)i, used = 0;
        for (int pt = 0; pt < P_MULTI_POINT && !used; pt++)
            used = in_list(p, pt, k);
        if (p->ext_args[i] && !used)
            warn(L->c,
                 "profile \"%s\": args for %s are given but the plugin is "
                 "not enabled",
                 p->name, L->c->ext[i].kp.name);
    }
}

/* custom[] receives the profile's own sets (kept for the queueSort check
 * across profiles). */
static int load_profile(loader *L, const ks_yt_node *n, size_t i, size_t count,
                        sc_set *custom, int *has_custom)
{
    sc_profile *p = &L->c->profiles[i];
    ks_profile_config *out = &L->c->cfg.profiles[i];
    const ks_yt_node *name = NULL, *pct = NULL, *ppct = NULL, *plugins = NULL,
                     *config = NULL;
    const ks_yt_field fields[] = {
        {"schedulerName", 0, &name},
        {"percentageOfNodesToScore", 0, &pct},
        {"percentageOfPlacementsToScore", 0, &ppct},
        {"plugins", 0, &plugins},
        {"pluginConfig", 0, &config},
        {NULL, 0, NULL},
    };
    int rc, ignored;
    default_args(p);
    out->percentage_of_nodes_to_score = -1;
    if (n && (rc = ks_yt_fields(&L->yc, n, fields)))
        return rc;
    if ((rc = load_profile_name(L, n, i, count, p)) ||
        (is_set(pct) &&
         (rc = load_percentage(&L->yc, pct,
                               &out->percentage_of_nodes_to_score))) ||
        (is_set(ppct) && (rc = load_percentage(&L->yc, ppct, &ignored))))
        return rc;
    if (is_set(ppct))
        warn(L->c, "percentageOfPlacementsToScore is accepted but not "
                   "simulated (ksim does not schedule pod groups)");
    *has_custom = is_set(plugins);
    if (*has_custom && (rc = load_plugins(L, plugins, custom)))
        return rc;
    unsigned configured = 0;
    if (is_set(config) &&
        (rc = load_plugin_config(L, config, p, &configured)))
        return rc;
    profile_nodes pn = {n, is_set(plugins) ? plugins : NULL};
    sc_set merged[NPOINTS];
    memset(merged, 0, sizeof merged);
    rc = build_lists(L, &pn, *has_custom ? custom : NULL, p, merged);
    for (int pt = 0; pt < NPOINTS; pt++)
        set_free(&merged[pt]);
    if (rc || (rc = default_external_args(L, &pn, p)) ||
        (rc = fill_profile(L, &pn, p, out)))
        return rc;
    for (int pt = P_PLACEMENT_GENERATE; pt < P_MULTI_POINT; pt++)
        if (p->nlist[pt])
            warn(L->c, "the %s extension point is not simulated (ksim does "
                       "not schedule pod groups)",
                 points[pt].key);
    warn_not_simulated(L, p);
    warn_unused_args(L, p, configured);
    return 0;
}

/* weights: compare them too (the merged disabled lists keep names only). */
static int same_list(const sc_list *a, const sc_list *b, int weights)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].p.name, b->v[i].p.name) ||
            (weights && (a->v[i].p.has_weight != b->v[i].p.has_weight ||
                         a->v[i].p.weight != b->v[i].p.weight)))
            return 0;
    return 1;
}

/* validateCommonQueueSort: every profile configures queueSort alike. */
static int check_common_queue_sort(loader *L, const ks_yt_node *profiles,
                                   sc_set (*custom)[NPOINTS], size_t count)
{
    for (size_t i = 1; i < count; i++) {
        const sc_set *a = &custom[0][P_QUEUE_SORT];
        const sc_set *b = &custom[i][P_QUEUE_SORT];
        if (same_list(&a->enabled, &b->enabled, 1) &&
            same_list(&a->disabled, &b->disabled, 0))
            continue;
        const ks_yt_node *at = b->at ? b->at : profiles->items[i];
        return ks_yt_fail(&L->yc, at, KS_EINVAL,
                          "queueSort must be the same for all profiles");
    }
    return 0;
}

static int load_profiles(loader *L, const ks_yt_node *n)
{
    size_t count = 1;
    int rc;
    if (is_set(n)) {
        if ((rc = expect_seq(&L->yc, n)))
            return rc;
        if (n->n > KS_MAX_PROFILES)
            return ks_yt_fail(&L->yc, n, KS_ERANGE,
                              "%zu profiles: ksim runs at most %d", n->n,
                              KS_MAX_PROFILES);
        if (n->n > 0)
            count = n->n;
    }
    int implicit = !is_set(n) || n->n == 0;
    if ((rc = load_external_plugins(L, n)))
        return rc;
    L->c->profiles = ks_xcalloc(count, sizeof *L->c->profiles);
    sc_set(*custom)[NPOINTS] = ks_xcalloc(count, sizeof *custom);
    rc = 0;
    for (size_t i = 0; !rc && i < count; i++) {
        int has = 0;
        L->c->nprofiles = i + 1;
        L->c->cfg.nprofiles = i + 1;
        rc = load_profile(L, implicit ? NULL : n->items[i], i, count,
                          custom[i], &has);
    }
    if (!rc && !implicit)
        rc = check_common_queue_sort(L, n, custom, count);
    for (size_t i = 0; i < count; i++)
        for (int pt = 0; pt < NPOINTS; pt++)
            set_free(&custom[i][pt]);
    free(custom);
    return rc;
}

/* ---- fields kube-scheduler has and ksim does not model ------------------ */

static void note_unmodelled(loader *L, const char *key)
{
    size_t len = strlen(L->unmodelled);
    snprintf(L->unmodelled + len, sizeof L->unmodelled - len, "%s%s",
             len ? ", " : "", key);
}

static int load_duration_field(const ks_yt_ctx *c, const ks_yt_node *n,
                               ks_time *out)
{
    return is_set(n) ? ks_yt_duration(c, n, out) : 0;
}

/* LeaderElectionConfiguration (component-base), defaulted and validated
 * as ValidateLeaderElectionConfiguration and validation.go do. */
static int load_leader_election(loader *L, const ks_yt_node *n)
{
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *le, *lease, *renew, *retry, *lock, *name, *ns;
    const ks_yt_field fields[] = {
        {"leaderElect", 0, &le},     {"leaseDuration", 0, &lease},
        {"renewDeadline", 0, &renew}, {"retryPeriod", 0, &retry},
        {"resourceLock", 0, &lock},  {"resourceName", 0, &name},
        {"resourceNamespace", 0, &ns}, {NULL, 0, NULL},
    };
    int elect = 1, rc;
    ks_time ld = 15 * KS_SECOND, rd = 10 * KS_SECOND, rp = 2 * KS_SECOND;
    const char *s = "leases", *ignored;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (is_set(le) && (rc = load_bool(c, le, &elect))) ||
        (rc = load_duration_field(c, lease, &ld)) ||
        (rc = load_duration_field(c, renew, &rd)) ||
        (rc = load_duration_field(c, retry, &rp)) ||
        (is_set(lock) && (rc = ks_yt_string(c, lock, &s))) ||
        (is_set(name) && (rc = ks_yt_string(c, name, &ignored))) ||
        (is_set(ns) && (rc = ks_yt_string(c, ns, &ignored))))
        return rc;
    if (!elect)
        return 0;
    if (ld <= 0 || rd <= 0 || rp <= 0)
        return ks_yt_fail(c, ld <= 0 ? lease : rd <= 0 ? renew : retry,
                          KS_ERANGE, "must be greater than zero");
    if (ld <= rd)
        return ks_yt_fail(c, is_set(lease) ? lease : renew, KS_EINVAL,
                          "LeaseDuration must be greater than RenewDeadline");
    if (strcmp(s, "leases"))
        return ks_yt_fail(c, lock, KS_EINVAL,
                          "resourceLock value must be \"leases\"");
    return 0;
}

static int load_client_connection(loader *L, const ks_yt_node *n)
{
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *kc, *act, *ct, *qps, *burst;
    const ks_yt_field fields[] = {
        {"kubeconfig", 0, &kc}, {"acceptContentTypes", 0, &act},
        {"contentType", 0, &ct}, {"qps", 0, &qps},
        {"burst", 0, &burst},   {NULL, 0, NULL},
    };
    const char *s;
    double q;
    int32_t b = 0;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (is_set(kc) && (rc = ks_yt_string(c, kc, &s))) ||
        (is_set(act) && (rc = ks_yt_string(c, act, &s))) ||
        (is_set(ct) && (rc = ks_yt_string(c, ct, &s))) ||
        (is_set(qps) && (rc = ks_yt_number(c, qps, &q))) ||
        (is_set(burst) && (rc = load_int32(c, burst, &b))))
        return rc;
    if (b < 0)
        return ks_yt_fail(c, burst, KS_ERANGE, "must be non-negative");
    return 0;
}

/* v1helper.IsExtendedResourceName: domain-prefixed outside kubernetes.io,
 * not "requests."-prefixed, and a qualified name once so prefixed. */
static int is_extended_name(const char *s)
{
    if (!strchr(s, '/') || strstr(s, "kubernetes.io/") ||
        !strncmp(s, "requests.", 9))
        return 0;
    char *quota = ks_xasprintf("requests.%s", s);
    int ok = qualified_name_error(quota) == NULL;
    free(quota);
    return ok;
}

static int load_extender(loader *L, const ks_yt_node *n, int *binders)
{
    const ks_yt_ctx *c = &L->yc;
    const ks_yt_node *url, *fv, *pv, *prv, *w, *bv, *https, *tls, *timeout,
        *cache, *managed, *ign;
    const ks_yt_field fields[] = {
        {"urlPrefix", 0, &url},         {"filterVerb", 0, &fv},
        {"preemptVerb", 0, &pv},        {"prioritizeVerb", 0, &prv},
        {"weight", 0, &w},              {"bindVerb", 0, &bv},
        {"enableHTTPS", 0, &https},     {"tlsConfig", 0, &tls},
        {"httpTimeout", 0, &timeout},   {"nodeCacheCapable", 0, &cache},
        {"managedResources", 0, &managed}, {"ignorable", 0, &ign},
        {NULL, 0, NULL},
    };
    const char *s = "", *prioritize = "";
    int64_t weight = 0;
    ks_time t;
    int flag, rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (is_set(url) && (rc = ks_yt_string(c, url, &s))) ||
        (is_set(fv) && (rc = ks_yt_string(c, fv, &s))) ||
        (is_set(pv) && (rc = ks_yt_string(c, pv, &s))) ||
        (is_set(prv) && (rc = ks_yt_string(c, prv, &prioritize))) ||
        (is_set(w) && (rc = ks_yt_int64(c, w, INT64_MIN, INT64_MAX,
                                        &weight))) ||
        (is_set(bv) && (rc = ks_yt_string(c, bv, &s))) ||
        (is_set(https) && (rc = load_bool(c, https, &flag))) ||
        (is_set(timeout) && (rc = ks_yt_duration(c, timeout, &t))) ||
        (is_set(cache) && (rc = load_bool(c, cache, &flag))) ||
        (is_set(ign) && (rc = load_bool(c, ign, &flag))))
        return rc;
    if (is_set(bv) && *bv->text)
        ++*binders;
    if (*prioritize && weight <= 0)
        return ks_yt_fail(c, is_set(w) ? w : n, KS_EINVAL,
                          "weight: must have a positive weight applied to "
                          "it");
    if (is_set(tls)) {
        const ks_yt_node *f[8];
        const ks_yt_field tf[] = {
            {"insecure", 0, &f[0]}, {"serverName", 0, &f[1]},
            {"certFile", 0, &f[2]}, {"keyFile", 0, &f[3]},
            {"caFile", 0, &f[4]},   {"certData", 0, &f[5]},
            {"keyData", 0, &f[6]},  {"caData", 0, &f[7]},
            {NULL, 0, NULL},
        };
        if ((rc = ks_yt_fields(c, tls, tf)))
            return rc;
    }
    if (!is_set(managed))
        return 0;
    if ((rc = expect_seq(c, managed)))
        return rc;
    for (size_t i = 0; i < managed->n; i++) {
        const ks_yt_node *name, *ibs;
        const ks_yt_field mf[] = {{"name", 1, &name},
                                  {"ignoredByScheduler", 0, &ibs},
                                  {NULL, 0, NULL}};
        if ((rc = ks_yt_fields(c, managed->items[i], mf)) ||
            (rc = load_qualified_name(c, name, &s)) ||
            (is_set(ibs) && (rc = load_bool(c, ibs, &flag))))
            return rc;
        char q[96];
        if (!is_extended_name(s))
            return ks_yt_fail(c, name, KS_EINVAL,
                              "invalid value %s: is an invalid extended "
                              "resource name",
                              QUOTED(name, q));
        for (size_t j = 0; j < i; j++) {
            const ks_yt_node *o = ks_yt_get(managed->items[j], "name");
            if (!strcmp(o->text, s))
                return ks_yt_fail(c, name, KS_EINVAL,
                                  "invalid value %s: duplicate extender "
                                  "managed resource name",
                                  QUOTED(name, q));
        }
    }
    return 0;
}

static int load_extenders(loader *L, const ks_yt_node *n)
{
    int rc = expect_seq(&L->yc, n), binders = 0;
    for (size_t i = 0; !rc && i < n->n; i++)
        rc = load_extender(L, n->items[i], &binders);
    if (!rc && binders > 1)
        return ks_yt_fail(&L->yc, n, KS_EINVAL,
                          "found %d extenders implementing bind: only one "
                          "extender can implement bind",
                          binders);
    if (!rc && n->n > 0)
        warn(L->c,
             "extenders are not simulated: the %zu extender(s) would filter, "
             "prioritize or bind pods in kube-scheduler; ksim ignores them",
             n->n);
    return rc;
}

/* ---- top level ----------------------------------------------------------- */

static int check_api_version(loader *L, const ks_yt_node *n)
{
    const char *s = NULL;
    int rc = ks_yt_string(&L->yc, n, &s);
    if (rc)
        return rc;
    if (!strcmp(s, KS_SCHEDCONFIG_API_VERSION))
        return 0;
    char q[96];
    static const struct {
        const char *version, *removed;
    } old[] = {
        {GROUP "v1beta3", "1.29"}, {GROUP "v1beta2", "1.28"},
        {GROUP "v1beta1", "1.23"}, {GROUP "v1alpha2", "1.22"},
        {GROUP "v1alpha1", "1.22"},
    };
    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++)
        if (!strcmp(s, old[i].version))
            return ks_yt_fail(&L->yc, n, KS_EINVAL,
                              "unsupported apiVersion %s: kube-scheduler "
                              "stopped reading it in Kubernetes %s; ksim "
                              "reads %s (convert the file: see "
                              "https://kubernetes.io/docs/reference/"
                              "scheduling/config/)",
                              QUOTED(n, q), old[i].removed,
                              KS_SCHEDCONFIG_API_VERSION);
    return ks_yt_fail(&L->yc, n, KS_EINVAL,
                      "unsupported apiVersion %s (expected \"%s\")",
                      QUOTED(n, q), KS_SCHEDCONFIG_API_VERSION);
}

static int check_kind(loader *L, const ks_yt_node *n)
{
    const char *s = NULL;
    int rc = ks_yt_string(&L->yc, n, &s);
    char q[96];
    if (!rc && strcmp(s, KS_SCHEDCONFIG_KIND))
        return ks_yt_fail(&L->yc, n, KS_EINVAL,
                          "unsupported kind %s (expected \"%s\")",
                          QUOTED(n, q), KS_SCHEDCONFIG_KIND);
    return rc;
}

/* Keys older versions had and v1 does not: kube-scheduler's strict
 * decoder rejects them, with a hint here. */
static int check_removed_keys(loader *L, const ks_yt_node *root)
{
    static const char *const removed[] = {
        "healthzBindAddress", "metricsBindAddress", "algorithmSource",
        "hardPodAffinitySymmetricWeight", "disablePreemption",
        "bindTimeoutSeconds", "schedulerName", NULL};
    for (size_t i = 0; i < root->n; i++)
        for (size_t j = 0; removed[j]; j++)
            if (!strcmp(root->items[i]->key->text, removed[j]))
                return ks_yt_fail_key(&L->yc, root->items[i], KS_EPARSE,
                                      "key \"%s\" is not part of %s (older "
                                      "versions had it; kube-scheduler "
                                      "rejects it too): remove it",
                                      removed[j], KS_SCHEDCONFIG_API_VERSION);
    return 0;
}

static int load_backoffs(loader *L, const ks_yt_node *init,
                         const ks_yt_node *max)
{
    const ks_yt_ctx *c = &L->yc;
    int64_t i = 1, m = 10;
    int rc;
    if ((is_set(init) &&
         (rc = ks_yt_int64(c, init, INT64_MIN, INT64_MAX, &i))) ||
        (is_set(max) && (rc = ks_yt_int64(c, max, INT64_MIN, INT64_MAX, &m))))
        return rc;
    if (i <= 0)
        return ks_yt_fail(c, init, KS_ERANGE,
                          "invalid value %lld: must be greater than 0",
                          (long long)i);
    if (m < i)
        return ks_yt_fail(c, is_set(max) ? max : init, KS_ERANGE,
                          "invalid value %lld: must be greater than or equal "
                          "to PodInitialBackoffSeconds",
                          (long long)m);
    if (m > MAX_BACKOFF_SECONDS)
        return ks_yt_fail(c, max, KS_ERANGE,
                          "invalid value %lld: at most %lld seconds (a "
                          "longer backoff overflows a Go time.Duration)",
                          (long long)m, (long long)MAX_BACKOFF_SECONDS);
    L->c->cfg.queue.initial_backoff = i * KS_SECOND;
    L->c->cfg.queue.max_backoff = m * KS_SECOND;
    return 0;
}

static int load_document(loader *L, const ks_yt_node *root)
{
    const ks_yt_ctx *c = &L->yc;
    int rc = ks_yt_expect(c, root, KS_YT_MAPPING);
    if (rc)
        return rc;
    const ks_yt_node *api = ks_yt_get(root, "apiVersion");
    const ks_yt_node *kind = ks_yt_get(root, "kind");
    if (!api)
        return ks_yt_fail_missing(c, root, "apiVersion");
    if ((rc = check_api_version(L, api)))
        return rc;
    if (!kind)
        return ks_yt_fail_missing(c, root, "kind");
    if ((rc = check_kind(L, kind)) || (rc = check_removed_keys(L, root)))
        return rc;
    const ks_yt_node *par, *le, *cc, *prof, *cprof, *pct, *ppct, *init, *max,
        *profiles, *ext, *delay;
    const ks_yt_field fields[] = {
        {"apiVersion", 1, &api},
        {"kind", 1, &kind},
        {"parallelism", 0, &par},
        {"leaderElection", 0, &le},
        {"clientConnection", 0, &cc},
        {"enableProfiling", 0, &prof},
        {"enableContentionProfiling", 0, &cprof},
        {"percentageOfNodesToScore", 0, &pct},
        {"percentageOfPlacementsToScore", 0, &ppct},
        {"podInitialBackoffSeconds", 0, &init},
        {"podMaxBackoffSeconds", 0, &max},
        {"profiles", 0, &profiles},
        {"extenders", 0, &ext},
        {"delayCacheUntilActive", 0, &delay},
        {NULL, 0, NULL},
    };
    int flag, ignored;
    int32_t parallelism = 16;
    if ((rc = ks_yt_fields(c, root, fields)))
        return rc;
    if (is_set(par)) {
        if ((rc = load_int32(c, par, &parallelism)))
            return rc;
        if (parallelism <= 0)
            return ks_yt_fail(c, par, KS_ERANGE,
                              "invalid value %d: should be an integer value "
                              "greater than zero",
                              (int)parallelism);
        note_unmodelled(L, "parallelism");
    }
    if (is_set(le)) {
        if ((rc = load_leader_election(L, le)))
            return rc;
        note_unmodelled(L, "leaderElection");
    }
    if (is_set(cc)) {
        if ((rc = load_client_connection(L, cc)))
            return rc;
        note_unmodelled(L, "clientConnection");
    }
    const struct {
        const ks_yt_node *n;
        const char *key;
    } flags[] = {{prof, "enableProfiling"},
                 {cprof, "enableContentionProfiling"},
                 {delay, "delayCacheUntilActive"}};
    for (size_t i = 0; i < 3; i++)
        if (is_set(flags[i].n)) {
            if ((rc = load_bool(c, flags[i].n, &flag)))
                return rc;
            note_unmodelled(L, flags[i].key);
        }
    if (is_set(pct) &&
        (rc = load_percentage(c, pct, &L->c->cfg.percentage_of_nodes_to_score)))
        return rc;
    if (is_set(ppct)) {
        if ((rc = load_percentage(c, ppct, &ignored)))
            return rc;
        note_unmodelled(L, "percentageOfPlacementsToScore");
    }
    if ((rc = load_backoffs(L, init, max)) ||
        (rc = load_profiles(L, profiles)) ||
        (is_set(ext) && (rc = load_extenders(L, ext))))
        return rc;
    if (L->unmodelled[0])
        warn(L->c,
             "accepted but not simulated (no effect on the results): %s",
             L->unmodelled);
    return 0;
}

/* ---- entry points -------------------------------------------------------- */

static ks_schedconfig *new_config(int k8s_minor)
{
    ks_schedconfig *c = ks_xcalloc(1, sizeof *c);
    c->cfg.k8s_minor = k8s_minor;
    c->cfg.percentage_of_nodes_to_score = 0; /* adaptive */
    c->cfg.queue = ks_queue_default_config();
    return c;
}

int ks_schedconfig_load_buffer(const char *buf, size_t len, const char *name,
                               int k8s_minor, ks_schedconfig **out,
                               ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    const char *file = name ? name : "<scheduler config>";
    ks_yt_node *root = NULL;
    int rc = ks_yt_parse(buf, len, file, &root, err);
    if (rc)
        return rc;
    ks_schedconfig *c = new_config(k8s_minor);
    loader L = {{file, err}, c, root, k8s_minor, ""};
    rc = load_document(&L, root);
    ks_yt_free(root);
    if (rc) {
        ks_schedconfig_destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

int ks_schedconfig_load_file(const char *path, int k8s_minor,
                             ks_schedconfig **out, ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    char *text;
    size_t len;
    int rc = ks_read_file(path, "scheduler configuration", &text, &len, err);
    if (!rc)
        rc = ks_schedconfig_load_buffer(text, len, path, k8s_minor, out, err);
    free(text);
    return rc;
}

ks_schedconfig *ks_schedconfig_default(int k8s_minor)
{
    static const char doc[] = "apiVersion: " KS_SCHEDCONFIG_API_VERSION "\n"
                              "kind: " KS_SCHEDCONFIG_KIND "\n";
    ks_schedconfig *c = NULL;
    ks_error err;
    if (ks_schedconfig_load_buffer(doc, sizeof doc - 1, "<default>",
                                   k8s_minor, &c, &err)) {
        /* Cannot happen: the document above is valid by construction. */
        ks_error_print(&err, stderr);
        abort();
    }
    return c;
}

const ks_scheduler_config *ks_schedconfig_get(const ks_schedconfig *c)
{
    return &c->cfg;
}

const char *const *ks_schedconfig_warnings(const ks_schedconfig *c, size_t *n)
{
    *n = c->nwarnings;
    return (const char *const *)c->warnings;
}

const void *ks_schedconfig_plugin_args(const ks_schedconfig *c, size_t i,
                                       const char *plugin)
{
    int k = find_known(c, plugin);
    if (i >= c->nprofiles || k < 0)
        return NULL;
    if (is_external(k))
        return c->profiles[i].ext_args[k - NKNOWN];
    return args_of(&c->profiles[i], known[k].args);
}

size_t ks_schedconfig_point_plugins(const ks_schedconfig *c, size_t i,
                                    const char *point, const char **names,
                                    size_t max)
{
    if (i >= c->nprofiles)
        return 0;
    for (int pt = 0; pt < P_MULTI_POINT; pt++) {
        if (strcmp(points[pt].key, point))
            continue;
        const sc_profile *p = &c->profiles[i];
        for (size_t j = 0; j < p->nlist[pt] && j < max; j++)
            names[j] = kp(c, p->list[pt][j])->name;
        return p->nlist[pt];
    }
    return 0;
}

int64_t ks_schedconfig_score_weight(const ks_schedconfig *c, size_t i,
                                    const char *plugin)
{
    int k = find_known(c, plugin);
    if (i >= c->nprofiles || k < 0)
        return 0;
    return c->profiles[i].weight[k];
}
