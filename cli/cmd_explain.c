/* cmd_explain.c - `ksim explain MANIFEST.yaml...`: why the scheduler puts a
 * pending pod where it does.
 *
 * Builds the cluster state from Kubernetes manifests (Nodes, the Pods bound
 * to them), takes the one pending Pod and asks the scheduler to explain its
 * decision (sched/scheduler.h, ks_scheduler_explain): every Filter verdict
 * on every candidate node, every Score at each stage (raw, normalized,
 * weighted), the node selectHost picks and, when none is feasible, what
 * preemption would do.  The answer is one JSON object on stdout
 * (docs/explain.md); warnings and errors go to stderr so stdout stays valid
 * JSON.  Nothing is simulated and nothing is deleted.  The manifests'
 * Services and workloads give the pod its default spread selector
 * (scenarios/build.h ks_default_selectors), so PodTopologySpread's system
 * default constraints apply as in a cluster.
 *
 * Scale: a dump of tens of thousands of nodes must explain in seconds, so
 * node names are looked up through a sorted index (never a scan per pod)
 * and every pass is linear in nodes and pods.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "scenarios/build.h"
#include "scenarios/manifests.h"
#include "scenarios/schedconfig.h"
#include "sched/scheduler.h"
#include "sim/cluster.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

static const char explain_usage[] =
    "usage: ksim explain [OPTIONS] MANIFEST.yaml...\n"
    "\n"
    "Explains where the scheduler would put a pending pod, and why.  The\n"
    "manifests (kubectl get -o yaml output or hand-written YAML; see\n"
    "docs/manifests.md) give the Nodes and the Pods: a Pod whose\n"
    "spec.nodeName names a loaded Node is existing state, a Pod without\n"
    "spec.nodeName is pending, Pods in phase Succeeded or Failed are ignored.\n"
    "Workload templates (Deployment, ReplicaSet, StatefulSet, DaemonSet,\n"
    "Job) create no pods: explain takes Pods.  Services and the pod's\n"
    "owning ReplicaSet, StatefulSet or ReplicationController give it the\n"
    "default selector of PodTopologySpread's default constraints.  Exactly\n"
    "one pod must be pending, unless --pod names it.\n"
    "\n"
    "Every candidate node is evaluated (no percentageOfNodesToScore\n"
    "sampling), every Filter plugin runs on every node (not only up to the\n"
    "first rejection), and if no node is feasible the preemption dry run\n"
    "says which node and victims it would choose; nothing is deleted.\n"
    "\n"
    "Output: one JSON object on stdout (docs/explain.md):\n"
    "  {\"pod\", \"profile\", \"selected\", [\"prefilter\",]\n"
    "   \"nodes\": [{\"node\", \"feasible\",\n"
    "     \"filter\": {PLUGIN: {\"ok\", \"reason\"}},\n"
    "     \"scores\": {PLUGIN: {\"raw\", \"normalized\", \"weighted\"}},\n"
    "     \"total\"}],\n"
    "   \"preemption\": {\"node\", \"victims\"}}\n"
    "\"prefilter\" ({PLUGIN: REASON}) appears only when a PreFilter plugin\n"
    "rejected the pod; then no node is feasible and no Filter ran.\n"
    "\n"
    "options:\n"
    "      --config FILE       KubeSchedulerConfiguration to run (default:\n"
    "                          kube-scheduler's default profile)\n"
    "      --pod NAME          the pending pod to explain, NAME or\n"
    "                          NAMESPACE/NAME\n"
    "      --candidates N,N... evaluate only these nodes (the others stay in\n"
    "                          the cluster state); may be repeated\n"
    "      --score-all         also score the infeasible nodes (what they\n"
    "                          would have scored; selection is unchanged)\n"
    "      --kubernetes-version V  1.35 or 1.36 (default 1.36)\n"
    "      --seed N            seed of the tie-break and preemption random\n"
    "                          streams (default 1)\n"
    "  -h, --help              print this help\n"
    "\n"
    "Warnings go to stderr, prefixed \"ksim: warning: \".\n"
    "Exit status: 0 ok, 1 runtime failure, 2 bad input or usage.\n";

/* Error lists name at most this many pods. */
#define MAX_LISTED_PODS 20

typedef struct explain_args {
    const char *config;
    const char *pod;
    const char **candidates; /* the --candidates arguments, unsplit */
    size_t ncandidates;
    int score_all;
    int minor;
    unsigned long long seed;
    char **manifests;
    size_t nmanifests;
} explain_args;

/* A node name and its cluster index, sorted by name for bsearch. */
typedef struct node_key {
    const char *name;
    uint32_t node;
} node_key;

/* Everything one explanation builds; freed by state_free. */
typedef struct explain_state {
    ks_manifests m;
    ks_schedconfig *conf;
    ks_cluster *cluster;
    ks_engine *engine;
    ks_rngs *rngs;
    ks_scheduler *sched;
    ks_default_selectors *selectors; /* PodTopologySpread's default ones */
    node_key *index;
    uint32_t *bound; /* cluster indices of the pods bound by the manifests */
    size_t nbound;
    size_t pending_mp; /* the pending pod's index in m.pods */
    uint32_t pod;      /* its cluster index */
    uint32_t *cands;
    size_t ncands;
    ks_explain ex;
} explain_state;

/* ---- arguments ---------------------------------------------------------- */

enum {
    OPT_CONFIG = 256,
    OPT_POD,
    OPT_CANDIDATES,
    OPT_SCORE_ALL,
    OPT_K8S_VERSION,
    OPT_SEED
};

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ksim explain: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", explain_usage);
    return KS_EXIT_USAGE;
}

/* "1.35" -> 35; -1 for a version ksim does not simulate. */
static int parse_minor(const char *v)
{
    if (strcmp(v, "1.35") == 0)
        return 35;
    if (strcmp(v, "1.36") == 0)
        return 36;
    return -1;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, explain_args *a)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"pod", required_argument, NULL, OPT_POD},
        {"candidates", required_argument, NULL, OPT_CANDIDATES},
        {"score-all", no_argument, NULL, OPT_SCORE_ALL},
        {"kubernetes-version", required_argument, NULL, OPT_K8S_VERSION},
        {"seed", required_argument, NULL, OPT_SEED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG:
            a->config = optarg;
            break;
        case OPT_POD:
            a->pod = optarg;
            break;
        case OPT_CANDIDATES:
            a->candidates = ks_xrealloc(
                a->candidates, (a->ncandidates + 1) * sizeof *a->candidates);
            a->candidates[a->ncandidates++] = optarg;
            break;
        case OPT_SCORE_ALL:
            a->score_all = 1;
            break;
        case OPT_K8S_VERSION:
            a->minor = parse_minor(optarg);
            if (a->minor < 0)
                return usage_error("--kubernetes-version: '%s' is not a "
                                   "simulated version (1.35 or 1.36)",
                                   optarg);
            break;
        case OPT_SEED:
            if (ks_cli_parse_u64(optarg, &a->seed) != 0)
                return usage_error("--seed: '%s' is not an unsigned 64-bit "
                                   "integer", optarg);
            break;
        case 'h':
            fputs(explain_usage, stdout);
            return KS_EXIT_OK;
        default:
            fputs(explain_usage, stderr);
            return KS_EXIT_USAGE;
        }
    }
    if (optind >= argc)
        return usage_error("expected at least one manifest file");
    a->manifests = argv + optind;
    a->nmanifests = (size_t)(argc - optind);
    return -1;
}

/* ---- names -------------------------------------------------------------- */

static const char *namespace_of(const ks_pod_spec *spec)
{
    return spec && spec->namespace_name ? spec->namespace_name : "default";
}

/* "namespace/name" of a manifest pod (metadata.name alone in ks_manifest_pod;
 * a name with a '/' is already qualified: Kubernetes names cannot hold
 * one). */
static void qualified_name(char *buf, size_t size, const ks_pod_spec *spec,
                           const char *name)
{
    if (strchr(name, '/'))
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "%s/%s", namespace_of(spec), name);
}

static void manifest_pod_name(char *buf, size_t size, const ks_manifest_pod *mp)
{
    qualified_name(buf, size, mp->spec, mp->name);
}

static void cluster_pod_name(char *buf, size_t size, const ks_pod *p)
{
    if (p->name)
        qualified_name(buf, size, p->spec, p->name);
    else
        snprintf(buf, size, "pod-%u-%u", (unsigned)p->source,
                 (unsigned)p->ordinal);
}

/* Does arg ("name" or "namespace/name") name mp? */
static int pod_matches(const ks_manifest_pod *mp, const char *arg)
{
    if (!strchr(arg, '/')) {
        const char *slash = strrchr(mp->name, '/');
        return strcmp(slash ? slash + 1 : mp->name, arg) == 0;
    }
    char q[640];
    manifest_pod_name(q, sizeof q, mp);
    return strcmp(q, arg) == 0;
}

static int is_terminal(const ks_manifest_pod *mp)
{
    return mp->phase && (strcmp(mp->phase, "Succeeded") == 0 ||
                         strcmp(mp->phase, "Failed") == 0);
}

/* ---- the node index ----------------------------------------------------- */

static int cmp_node_key(const void *pa, const void *pb)
{
    return strcmp(((const node_key *)pa)->name, ((const node_key *)pb)->name);
}

/* Node names are unique (the loader rejects duplicates), so the sorted index
 * answers each lookup in O(log nodes). */
static void build_index(explain_state *st)
{
    const ks_cluster *c = st->cluster;
    st->index = ks_xmalloc((c->nnodes ? c->nnodes : 1) * sizeof *st->index);
    for (size_t i = 0; i < c->nnodes; i++)
        st->index[i] = (node_key){c->nodes[i].name, (uint32_t)i};
    qsort(st->index, c->nnodes, sizeof *st->index, cmp_node_key);
}

static uint32_t find_node(const explain_state *st, const char *name)
{
    node_key key = {name, 0};
    const node_key *k = bsearch(&key, st->index, st->cluster->nnodes,
                                sizeof *st->index, cmp_node_key);
    return k ? k->node : KS_NO_NODE;
}

/* ---- loading ------------------------------------------------------------ */

static void print_warnings(const explain_state *st, const explain_args *a)
{
    for (size_t i = 0; i < st->m.nwarnings; i++)
        fprintf(stderr, "ksim: warning: %s\n", st->m.warnings[i]);
    if (st->m.ntemplates)
        fprintf(stderr, "ksim: warning: %zu workload template(s) ignored "
                        "(explain takes Pods)\n", st->m.ntemplates);
    /* The default profile's plugins ksim does not simulate are documented
     * (docs/scheduler.md); only a configuration the user wrote warns, as
     * in `ksim run`. */
    if (!a->config)
        return;
    size_t n = 0;
    const char *const *w = ks_schedconfig_warnings(st->conf, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "ksim: warning: %s: %s\n", a->config, w[i]);
}

static int load_inputs(explain_state *st, const explain_args *a,
                       ks_error *err)
{
    for (size_t i = 0; i < a->nmanifests; i++) {
        int rc = ks_manifests_load_file(a->manifests[i], &st->m, err);
        if (rc)
            return rc;
    }
    int rc = ks_manifests_resolve_priorities(&st->m, err);
    if (rc)
        return rc;
    if (a->config)
        return ks_schedconfig_load_file(a->config, a->minor, &st->conf, err);
    st->conf = ks_schedconfig_default(a->minor);
    return 0;
}

/* ---- cluster state ------------------------------------------------------ */

/* Appends mp's "namespace/name" to a comma-separated list that names at
 * most MAX_LISTED_PODS pods ("..." after them); *listed counts them all. */
static void list_pod(char *list, size_t size, size_t *listed,
                     const ks_manifest_pod *mp)
{
    char q[640];
    size_t len = strlen(list);
    if (*listed == MAX_LISTED_PODS)
        snprintf(list + len, size - len, ", ...");
    if (*listed >= MAX_LISTED_PODS) {
        ++*listed;
        return;
    }
    manifest_pod_name(q, sizeof q, mp);
    snprintf(list + len, size - len, "%s%s", *listed ? ", " : "", q);
    ++*listed;
}

/* The pending pod: the one --pod names, or the only pod without
 * spec.nodeName.  Sets st->pending_mp. */
static int choose_pending(explain_state *st, const explain_args *a,
                          ks_error *err)
{
    char list[MAX_LISTED_PODS * 200 + 16] = "";
    size_t n = 0, found = SIZE_MAX;
    for (size_t i = 0; i < st->m.npods; i++) {
        const ks_manifest_pod *mp = &st->m.pods[i];
        if (a->pod ? !pod_matches(mp, a->pod)
                   : (mp->node_name || is_terminal(mp)))
            continue;
        found = i;
        list_pod(list, sizeof list, &n, mp);
    }
    if (n == 1) {
        const ks_manifest_pod *mp = &st->m.pods[found];
        char q[640];
        manifest_pod_name(q, sizeof q, mp);
        if (is_terminal(mp))
            return ks_error_set(err, KS_EINVAL, mp->file, mp->line, mp->col,
                                "pod %s is %s: nothing to schedule",
                                q, mp->phase);
        if (mp->node_name)
            return ks_error_set(err, KS_EINVAL, mp->file, mp->line, mp->col,
                                "pod %s is already bound to node "
                                "%s (spec.nodeName); explain takes a pending "
                                "pod", q, mp->node_name);
        st->pending_mp = found;
        return 0;
    }
    if (a->pod && n == 0)
        return ks_error_set(err, KS_ENOENT, NULL, 0, 0,
                            "--pod %s: no such pod in the manifests",
                            a->pod);
    if (a->pod)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "--pod %s names %zu pods (%s); give "
                            "NAMESPACE/NAME", a->pod, n, list);
    if (n == 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "no pending pod (a Pod without "
                            "spec.nodeName) in the manifests");
    return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                        "%zu pending pods (%s); name one with --pod",
                        n, list);
}

/* Binds every pod of the manifests that names a loaded node, skipping the
 * terminal ones; warns once about pods bound to nodes not loaded. */
static int bind_existing(explain_state *st, ks_error *err)
{
    size_t unknown = 0, first_unknown = 0;
    st->bound = ks_xmalloc((st->m.npods ? st->m.npods : 1) *
                           sizeof *st->bound);
    for (size_t i = 0; i < st->m.npods; i++) {
        const ks_manifest_pod *mp = &st->m.pods[i];
        if (!mp->node_name || is_terminal(mp))
            continue;
        uint32_t node = find_node(st, mp->node_name);
        if (node == KS_NO_NODE) {
            if (unknown++ == 0)
                first_unknown = i;
            continue;
        }
        uint32_t p = ks_build_pod(st->cluster, mp, 0, 0, (uint32_t)i, err);
        if (p == KS_NO_POD)
            return err->code;
        ks_cluster_bind(st->cluster, p, node, 0);
        st->bound[st->nbound++] = p;
    }
    if (unknown) {
        const ks_manifest_pod *mp = &st->m.pods[first_unknown];
        char q[640];
        manifest_pod_name(q, sizeof q, mp);
        fprintf(stderr, "ksim: warning: %zu pod(s) bound to nodes that are "
                        "not in the manifests were ignored (first: %s on "
                        "%s)\n", unknown, q, mp->node_name);
    }
    return 0;
}

static int build_cluster(explain_state *st, ks_error *err)
{
    st->cluster = ks_cluster_create();
    int rc = ks_build_nodes(st->cluster, &st->m, 0, err);
    if (rc)
        return rc;
    ks_build_pdbs(st->cluster, &st->m);
    build_index(st);
    if ((rc = bind_existing(st, err)))
        return rc;
    const ks_manifest_pod *mp = &st->m.pods[st->pending_mp];
    st->pod = ks_build_pod(st->cluster, mp, 0, 0, (uint32_t)st->pending_mp,
                           err);
    return st->pod == KS_NO_POD ? err->code : 0;
}

/* Adds the node called name[0..len) to the candidates; a node given twice
 * counts once (the scheduler's buffers hold each node once). */
static int add_candidate(explain_state *st, uint8_t *seen, const char *arg,
                         const char *name, size_t len, ks_error *err)
{
    if (len == 0)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "--candidates '%s': empty node name",
                            arg);
    char *tok = ks_xstrndup(name, len);
    uint32_t node = find_node(st, tok);
    int rc = 0;
    if (node == KS_NO_NODE)
        rc = ks_error_set(err, KS_ENOENT, NULL, 0, 0,
                          "--candidates: no node named '%s' in the "
                          "manifests", tok);
    else if (!seen[node]) {
        seen[node] = 1;
        st->cands[st->ncands++] = node;
    }
    free(tok);
    return rc;
}

/* The --candidates lists: comma-separated names of loaded nodes. */
static int parse_candidates(explain_state *st, const explain_args *a,
                            ks_error *err)
{
    if (!a->ncandidates)
        return 0;
    size_t nnodes = st->cluster->nnodes;
    uint8_t *seen = ks_xcalloc(nnodes ? nnodes : 1, 1);
    st->cands = ks_xmalloc((nnodes ? nnodes : 1) * sizeof *st->cands);
    int rc = 0;
    for (size_t i = 0; !rc && i < a->ncandidates; i++) {
        const char *arg = a->candidates[i], *p = arg;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if ((rc = add_candidate(st, seen, arg, p, len, err)) || !comma)
                break;
            p = comma + 1;
        }
    }
    free(seen);
    return rc;
}

/* ---- the scheduler ------------------------------------------------------ */

/* Explain runs no cycle, so nothing is ever bound; and the preemption dry
 * run reports its victims without deleting them. */
static void no_bind(void *ctx, uint32_t pod, uint32_t node)
{
    (void)ctx;
    (void)pod;
    (void)node;
}

static void no_evict(void *ctx, uint32_t victim, uint32_t preemptor)
{
    (void)ctx;
    (void)victim;
    (void)preemptor;
}

static const char *profile_name(const ks_profile_config *p)
{
    return p->scheduler_name ? p->scheduler_name : KS_DEFAULT_SCHEDULER_NAME;
}

/* A pod no profile schedules: name its schedulerName and the profiles. */
static int no_profile_error(const explain_state *st,
                            const ks_scheduler_config *cfg, ks_error *err)
{
    const ks_manifest_pod *mp = &st->m.pods[st->pending_mp];
    char q[640], profiles[KS_MAX_PROFILES * 80] = "";
    for (size_t p = 0; p < cfg->nprofiles; p++) {
        size_t len = strlen(profiles);
        snprintf(profiles + len, sizeof profiles - len, "%s%s",
                 p ? ", " : "", profile_name(&cfg->profiles[p]));
    }
    manifest_pod_name(q, sizeof q, mp);
    return ks_error_set(err, KS_EINVAL, mp->file, mp->line, mp->col,
                        "pod %s has schedulerName '%s', which no "
                        "profile of the scheduler configuration runs "
                        "(profiles: %s)", q,
                        mp->spec && mp->spec->scheduler_name
                            ? mp->spec->scheduler_name
                            : KS_DEFAULT_SCHEDULER_NAME,
                        profiles);
}

static int run_explain(explain_state *st, const explain_args *a,
                       ks_error *err)
{
    ks_scheduler_config cfg = *ks_schedconfig_get(st->conf);
    cfg.k8s_minor = a->minor;
    cfg.cycle_base = 0;
    cfg.cycle_per_node = 0;
    st->engine = ks_engine_create();
    st->rngs = ks_rngs_create(a->seed);
    st->sched = ks_scheduler_create(st->engine, st->cluster,
                                    ks_rngs_stream(st->rngs, "tiebreak"),
                                    &cfg, no_bind, NULL);
    ks_scheduler_set_evict(st->sched, no_evict, NULL,
                           ks_rngs_stream(st->rngs, "preemption"));
    /* Only the pending pod ever asks for its default selector. */
    const ks_manifest_pod *mp = &st->m.pods[st->pending_mp];
    st->selectors = ks_default_selectors_create(&st->m);
    ks_default_selectors_add_pod(st->selectors, mp->spec,
                                 mp->owner_api_version, mp->owner_kind,
                                 mp->owner_name);
    ks_default_selectors_install(st->selectors, st->sched);
    for (size_t i = 0; i < st->nbound; i++)
        ks_scheduler_pod_bound_elsewhere(st->sched, st->bound[i]);
    int rc = ks_scheduler_explain(st->sched, st->pod,
                                  a->ncandidates ? st->cands : NULL,
                                  st->ncands, a->score_all, &st->ex);
    if (rc)
        return ks_error_set(err, rc, NULL, 0, 0,
                            "the scheduler could not explain the "
                            "pod");
    if (!st->ex.profile)
        return no_profile_error(st, &cfg, err);
    return 0;
}

/* ---- JSON --------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0 (overlong forms and
 * surrogates count as invalid, as Jansson's check does). */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    uint32_t cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* A JSON string of s.  Plugin messages are cut at KS_EXPLAIN_MSG_MAX bytes,
 * possibly inside a multi-byte character; invalid bytes become '?' so the
 * output stays valid JSON. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = ks_xstrdup(s);
    for (unsigned char *p = (unsigned char *)copy; *p;) {
        size_t n = utf8_len(p);
        if (n == 0)
            *p++ = '?';
        else
            p += n;
    }
    j = json_string(copy);
    free(copy);
    return j;
}

static json_t *node_name_or_null(const ks_cluster *c, uint32_t node)
{
    return node == KS_NO_NODE ? json_null() : jstr(c->nodes[node].name);
}

/* The framework's status code as upstream names it (Code.String()). */
static const char *code_name(ks_status_code code)
{
    switch (code) {
    case KS_STATUS_SUCCESS:
        return "Success";
    case KS_STATUS_ERROR:
        return "Error";
    case KS_STATUS_UNSCHEDULABLE:
        return "Unschedulable";
    case KS_STATUS_UNSCHEDULABLE_AND_UNRESOLVABLE:
        return "UnschedulableAndUnresolvable";
    case KS_STATUS_SKIP:
        return "Skip";
    }
    return "Error";
}

static json_t *filter_json(const ks_profile_config *prof,
                           const ks_explain_node *en)
{
    json_t *o = json_object();
    for (size_t i = 0; i < prof->nplugins; i++) {
        const ks_explain_filter *f = &en->filter[i];
        if (!f->ran)
            continue;
        int ok = f->code == KS_STATUS_SUCCESS;
        json_t *v = json_object();
        json_object_set_new(v, "ok", json_boolean(ok));
        json_object_set_new(v, "reason", jstr(ok ? "" : f->message));
        json_object_set_new(v, "code", jstr(code_name(f->code)));
        json_object_set_new(o, prof->plugins[i].plugin->name, v);
    }
    return o;
}

static json_t *scores_json(const ks_profile_config *prof,
                           const ks_explain_node *en)
{
    json_t *o = json_object();
    for (size_t i = 0; i < prof->nplugins; i++) {
        const ks_explain_score *sc = &en->score[i];
        if (!sc->ran)
            continue;
        json_t *v = json_object();
        json_object_set_new(v, "raw", json_integer(sc->raw));
        json_object_set_new(v, "normalized", json_integer(sc->normalized));
        json_object_set_new(v, "weighted", json_integer(sc->weighted));
        json_object_set_new(o, prof->plugins[i].plugin->name, v);
    }
    return o;
}

static json_t *node_json(const explain_state *st, const ks_explain_node *en)
{
    const ks_profile_config *prof = st->ex.profile;
    json_t *o = json_object();
    json_object_set_new(o, "node", jstr(st->cluster->nodes[en->node].name));
    json_object_set_new(o, "feasible", json_boolean(en->feasible));
    json_object_set_new(o, "filter", filter_json(prof, en));
    json_object_set_new(o, "scores", scores_json(prof, en));
    json_object_set_new(o, "total", json_integer(en->scored ? en->total : 0));
    return o;
}

static json_t *preemption_json(const explain_state *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "node", node_name_or_null(st->cluster,
                                                     st->ex.preemption_node));
    json_t *victims = json_array();
    for (size_t i = 0; i < st->ex.nvictims; i++) {
        char q[640];
        cluster_pod_name(q, sizeof q, &st->cluster->pods[st->ex.victims[i]]);
        json_array_append_new(victims, jstr(q));
    }
    json_object_set_new(o, "victims", victims);
    return o;
}

/* The output is streamed: the top-level object is written member by
 * member and each node's object is built, written and freed in turn, so
 * memory does not grow with a second copy of every verdict (tens of
 * thousands of nodes).  The layout is Jansson's JSON_INDENT(2) throughout,
 * as if the whole object had been dumped at once. */
typedef struct json_out {
    FILE *f;
    char *buf; /* one value's text, reused */
    size_t n, cap;
    int failed;
} json_out;

static int collect(const char *text, size_t size, void *data)
{
    json_out *o = data;
    if (o->n + size > o->cap) /* Jansson calls back once per token */
        o->buf = ks_xgrow(o->buf, &o->cap, o->n + size, 1);
    memcpy(o->buf + o->n, text, size);
    o->n += size;
    return 0;
}

static void put(json_out *o, const char *text, size_t n)
{
    if (n && fwrite(text, 1, n, o->f) != n)
        o->failed = 1;
}

static void put_indent(json_out *o, int depth)
{
    static const char spaces[] = "                ";
    for (int left = 2 * depth; left > 0; left -= 16)
        put(o, spaces, left < 16 ? (size_t)left : 16);
}

/* Writes v (consumed) as nested depth levels deep: its own lines are
 * indented by 2 x depth more than Jansson puts them. */
static void put_value(json_out *o, json_t *v, int depth)
{
    o->n = 0;
    if (json_dump_callback(v, collect, o, JSON_INDENT(2) |
                                              JSON_PRESERVE_ORDER |
                                              JSON_ENCODE_ANY) != 0)
        o->failed = 1;
    json_decref(v);
    size_t from = 0;
    for (;;) {
        const char *nl = memchr(o->buf + from, '\n', o->n - from);
        size_t to = nl ? (size_t)(nl - o->buf) + 1 : o->n;
        put(o, o->buf + from, to - from);
        if (!nl)
            break;
        put_indent(o, depth);
        from = to;
    }
}

/* A member of the top-level object: `  "key": value` and its separator. */
static void put_member(json_out *o, const char *key, json_t *v, int last)
{
    put_indent(o, 1);
    put_value(o, jstr(key), 1);
    put(o, ": ", 2);
    put_value(o, v, 1);
    put(o, last ? "\n" : ",\n", last ? 1 : 2);
}

static void put_nodes(json_out *o, const explain_state *st)
{
    const ks_explain *ex = &st->ex;
    put_indent(o, 1);
    put_value(o, jstr("nodes"), 1);
    if (ex->nnodes == 0) {
        put(o, ": [],\n", 6);
        return;
    }
    put(o, ": [\n", 4);
    for (size_t k = 0; k < ex->nnodes; k++) {
        put_indent(o, 2);
        put_value(o, node_json(st, &ex->nodes[k]), 2);
        put(o, k + 1 < ex->nnodes ? ",\n" : "\n", k + 1 < ex->nnodes ? 2 : 1);
    }
    put_indent(o, 1);
    put(o, "],\n", 3);
}

static int write_json(const explain_state *st)
{
    const ks_explain *ex = &st->ex;
    json_out o = {.f = stdout};
    char q[640];
    cluster_pod_name(q, sizeof q, &st->cluster->pods[st->pod]);
    put(&o, "{\n", 2);
    put_member(&o, "pod", jstr(q), 0);
    put_member(&o, "profile", jstr(profile_name(ex->profile)), 0);
    put_member(&o, "selected", node_name_or_null(st->cluster, ex->selected),
               0);
    if (ex->prefilter_plugin[0]) {
        json_t *pf = json_object();
        json_object_set_new(pf, ex->prefilter_plugin,
                            jstr(ex->prefilter_message));
        put_member(&o, "prefilter", pf, 0);
    }
    put_nodes(&o, st);
    put_member(&o, "preemption", preemption_json(st), 1);
    put(&o, "}\n", 2);
    free(o.buf);
    if (!o.failed && fflush(stdout) == 0)
        return KS_EXIT_OK;
    fputs("ksim: explain: cannot write the output\n", stderr);
    return KS_EXIT_FAILURE;
}

/* ---- the command -------------------------------------------------------- */

static void state_free(explain_state *st)
{
    ks_explain_free(&st->ex);
    ks_scheduler_destroy(st->sched);
    ks_default_selectors_destroy(st->selectors); /* after its user */
    ks_rngs_destroy(st->rngs);
    ks_engine_destroy(st->engine);
    ks_cluster_destroy(st->cluster); /* borrows the manifests' specs */
    ks_schedconfig_destroy(st->conf);
    ks_manifests_free(&st->m);
    free(st->index);
    free(st->bound);
    free(st->cands);
}

/* Jansson allocates through ksim's wrappers: out of memory aborts in one
 * place, as everywhere else. */
static void *json_alloc(size_t size)
{
    return ks_xmalloc(size);
}

static int explain(explain_state *st, const explain_args *a)
{
    ks_error err;
    ks_error_clear(&err);
    int rc = load_inputs(st, a, &err);
    if (rc)
        return ks_cli_fail(&err);
    print_warnings(st, a);
    if ((rc = choose_pending(st, a, &err)) || (rc = build_cluster(st, &err)) ||
        (rc = parse_candidates(st, a, &err)) ||
        (rc = run_explain(st, a, &err)))
        return ks_cli_fail(&err);
    json_set_alloc_funcs(json_alloc, free);
    return write_json(st);
}

int ks_cmd_explain(int argc, char **argv)
{
    explain_args a = {.minor = 36, .seed = 1};
    int status = parse_args(argc, argv, &a);
    if (status < 0) {
        explain_state st;
        memset(&st, 0, sizeof st);
        status = explain(&st, &a);
        state_free(&st);
    }
    free(a.candidates);
    return status;
}
