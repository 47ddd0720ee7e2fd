/* rbac_manifests.c - Role, ClusterRole, RoleBinding and ClusterRoleBinding
 * objects from Kubernetes manifests into the authorizer's policy, and the
 * identity a scenario's request is made by.
 *
 * The YAML tree comes from scenarios/yaml_tree (ks_yt_parse_stream); the
 * walk mirrors scenarios/manifests.c for documents and lists (kind: List,
 * typed lists whose items may leave out apiVersion and kind).  Each RBAC
 * object is read into a scratch item; only when the whole input has been
 * read, validated and checked for duplicates are the items put into the
 * policy, so an error leaves the policy as it was.  The items borrow their
 * names and subjects from the tree, which lives until the end of the load;
 * their rules are owned (ks_rbac_rule_free).
 *
 * Sources, re-implemented (kubernetes/kubernetes):
 *   - pkg/apis/rbac/validation/validation.go: ValidateRole,
 *     ValidateClusterRole, validatePolicyRule, ValidateRoleBinding,
 *     ValidateClusterRoleBinding, validateRoleBindingSubject, and
 *     minimalNameRequirements (apimachinery path.IsValidPathSegmentName).
 *     A copy of validation.go circulating with a check "resource names
 *     cannot apply to multiple resources" comes from PR #44659, which was
 *     closed unmerged (a rule may name one object across several
 *     resources), so that check is not made here.
 *   - pkg/apis/rbac/v1/defaults.go: roleRef.apiGroup and a User's or
 *     Group's apiGroup default to rbac.authorization.k8s.io.
 *   - apimachinery api/validation ValidateNamespaceName (DNS-1123 label)
 *     and ValidateServiceAccountName (DNS-1123 subdomain).
 *   - staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/
 *     util.go SplitUsername: the service account user name form.
 *   - cmd/kubeadm/app/phases/kubeconfig/kubeconfig.go getKubeConfigSpecs:
 *     admin.conf's client certificate is CN "kubernetes-admin" with
 *     O "system:masters" (kubeadm up to v1.28).  From v1.29 kubeadm gives
 *     admin.conf O "kubeadm:cluster-admins" (bound to cluster-admin by a
 *     ClusterRoleBinding kubeadm creates) and the new super-admin.conf
 *     CN "kubernetes-super-admin" O "system:masters".  ksim's "admin" keeps
 *     the system:masters identity, which needs no bootstrap policy.
 */
#include "scenarios/rbac_manifests.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/yaml_tree.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

#define QUOTED(s, buf) ks_yt_quote((s), (buf), sizeof(buf))

#define DEFAULT_NAMESPACE "default"
#define ADMIN_USER "kubernetes-admin"

/* ---- scratch items ------------------------------------------------------ */

/* One RBAC object read from the input, not yet in the policy. */
typedef struct item {
    const char *kind;        /* "Role", "ClusterRole", ... (static) */
    int binding;             /* RoleBinding or ClusterRoleBinding */
    const char *ns;          /* "" for the cluster-scoped kinds */
    const char *name;        /* borrowed from the tree */
    const ks_yt_node *at;    /* the object, for duplicate messages */
    ks_rbac_rule *rules;     /* owned (roles) */
    size_t nrules;
    ks_rbac_role_kind role_kind; /* bindings: roleRef */
    const char *role_name;
    ks_rbac_subject *subjects; /* owned array, borrowed strings */
    size_t nsubjects;
} item;

typedef struct ld {
    ks_yt_ctx c;
    item *items;
    size_t n, cap;
} ld;

static void item_free(item *it)
{
    for (size_t i = 0; i < it->nrules; i++)
        ks_rbac_rule_free(&it->rules[i]);
    free(it->rules);
    free(it->subjects);
}

static item *new_item(ld *l)
{
    l->items = ks_xgrow(l->items, &l->cap, l->n + 1, sizeof *l->items);
    item *it = &l->items[l->n++];
    memset(it, 0, sizeof *it);
    return it;
}

/* ---- messages ----------------------------------------------------------- */

/* Fails at map's position with the path of map's child key, as upstream's
 * fldPath.Child(key) errors read ("rules[0].verbs: Required value"), for
 * a key that may be absent. */
static int fail_child(const ld *l, const ks_yt_node *map, const char *key,
                      int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int fail_child(const ld *l, const ks_yt_node *map, const char *key,
                      int code, const char *fmt, ...)
{
    const ks_yt_node *child = ks_yt_get(map, key);
    char path[256], msg[KS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (child)
        return ks_yt_fail(&l->c, child, code, "%s", msg);
    ks_yt_path(map, path, sizeof path);
    return ks_error_set(l->c.err, code, l->c.file, map->line, map->col,
                        "%s%s%s: %s", path, *path ? "." : "", key, msg);
}

/* ---- scalars and lists -------------------------------------------------- */

static int is_yaml11_bool(const char *t)
{
    static const char *const words[] = {
        "y",   "Y",     "yes",   "Yes",   "YES",  "n",    "N",   "no",
        "No",  "NO",    "true",  "True",  "TRUE", "false", "False", "FALSE",
        "on",  "On",    "ON",    "off",   "Off",  "OFF",  NULL};
    for (size_t i = 0; words[i]; i++)
        if (!strcmp(t, words[i]))
            return 1;
    return 0;
}

/* -?(0|[1-9][0-9]*): the integers whose YAML value prints as their text. */
static int is_canonical_int(const char *t)
{
    const char *p = t + (*t == '-');
    size_t d = strspn(p, "0123456789");
    return d && !p[d] && (p[0] != '0' || d == 1);
}

/* A plain scalar YAML reads as a number that would not print back as the
 * same text (1.5, 1e3, +5, 010, 0x1f, 0o17, 0b1, 1_000, .inf, .nan). */
static int is_odd_number(const char *t)
{
    if (is_canonical_int(t))
        return 0;
    static const char *const special[] = {".inf", ".Inf", ".INF", "-.inf",
                                          "-.Inf", "-.INF", "+.inf",
                                          "+.Inf", "+.INF", ".nan", ".NaN",
                                          ".NAN", NULL};
    for (size_t i = 0; special[i]; i++)
        if (!strcmp(t, special[i]))
            return 1;
    if (!strchr("0123456789+-.", t[0]))
        return 0;
    const char *p = t + (*t == '-' || *t == '+');
    if (p[0] == '0' && p[1] && strchr("xXoObB", p[1]))
        return 1;
    if (p[0] >= '0' && p[0] <= '9' && strspn(p, "0123456789_") == strlen(p))
        return 1;
    char *end;
    (void)strtod(t, &end);
    return end != t && *end == '\0';
}

/* A string value.  Null (or an absent n) leaves *out NULL. */
static int get_text(const ld *l, const ks_yt_node *n, const char **out)
{
    char q[96];
    *out = NULL;
    if (!n || ks_yt_is_null(n))
        return 0;
    if (n->kind != KS_YT_SCALAR)
        return ks_yt_fail(&l->c, n, KS_EPARSE, "expected a string, got %s",
                          ks_yt_describe(n));
    if (!n->quoted && (is_yaml11_bool(n->text) || is_odd_number(n->text)))
        return ks_yt_fail(&l->c, n, KS_EPARSE,
                          "%s is not a string in YAML (Kubernetes would "
                          "read other text); quote it",
                          QUOTED(n->text, q));
    *out = n->text;
    return 0;
}

/* A list of strings (absent or null: empty), copied. */
static int read_list(const ld *l, const ks_yt_node *n, char ***out,
                     size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (!n || ks_yt_is_null(n))
        return 0;
    int rc = ks_yt_expect(&l->c, n, KS_YT_SEQUENCE);
    if (rc || !n->n)
        return rc;
    *out = ks_xcalloc(n->n, sizeof **out);
    for (size_t i = 0; i < n->n; i++) {
        const char *s;
        if ((rc = get_text(l, n->items[i], &s)))
            return rc;
        if (!s)
            return ks_yt_fail(&l->c, n->items[i], KS_EPARSE,
                              "expected a string, got null");
        (*out)[i] = ks_xstrdup(s);
        (*nout)++;
    }
    return 0;
}

/* ---- names -------------------------------------------------------------- */

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? of len characters. */
static int is_label_part(const char *s, size_t len)
{
    if (!len || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return 0;
    return 1;
}

/* apimachinery IsDNS1123Label: at most 63 characters. */
static int is_dns_label(const char *s)
{
    size_t len = strlen(s);
    return len <= 63 && is_label_part(s, len);
}

/* IsDNS1123Subdomain: dot-separated labels, at most 253 characters. */
static int is_dns_subdomain(const char *s)
{
    if (strlen(s) > 253)
        return 0;
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (!is_label_part(s, len))
            return 0;
        if (!dot)
            return 1;
        s = dot + 1;
    }
}

#define DNS_LABEL_MSG                                                          \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric "      \
    "characters or '-', start and end with an alphanumeric character and "     \
    "be at most 63 characters"
#define DNS_SUBDOMAIN_MSG                                                      \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "  \
    "characters, '-' or '.', start and end with an alphanumeric character "   \
    "and be at most 253 characters"

/* path.IsValidPathSegmentName: the reason name is not one, or NULL. */
static const char *path_segment_problem(const char *name)
{
    if (!strcmp(name, "."))
        return "may not be '.'";
    if (!strcmp(name, ".."))
        return "may not be '..'";
    if (strchr(name, '/'))
        return "may not contain '/'";
    if (strchr(name, '%'))
        return "may not contain '%'";
    return NULL;
}

/* A role or binding name (metadata.name, roleRef.name) at n in map under
 * key: required, and a valid path segment. */
static int read_name(const ld *l, const ks_yt_node *map, const char *key,
                     const char *required_detail, const char **out)
{
    const ks_yt_node *n = ks_yt_get(map, key);
    char q[96];
    int rc = get_text(l, n, out);
    if (rc)
        return rc;
    if (!*out || !**out)
        return fail_child(l, map, key, KS_EINVAL, "Required value%s%s",
                          required_detail ? ": " : "",
                          required_detail ? required_detail : "");
    const char *why = path_segment_problem(*out);
    if (why)
        return ks_yt_fail(&l->c, n, KS_EINVAL, "Invalid value: %s: %s",
                          QUOTED(*out, q), why);
    return 0;
}

/* ---- objects ------------------------------------------------------------ */

/* Every ObjectMeta field: real dumps carry them all. */
static int read_meta(const ld *l, const ks_yt_node *obj, int namespaced,
                     const char **name, const char **ns)
{
    const ks_yt_node *md = ks_yt_get(obj, "metadata"), *nsn, *ignored;
    const ks_yt_field fields[] = {
        {"name", 0, &ignored},
        {"namespace", 0, &nsn},
        {"annotations", 0, &ignored},
        {"creationTimestamp", 0, &ignored},
        {"deletionGracePeriodSeconds", 0, &ignored},
        {"deletionTimestamp", 0, &ignored},
        {"finalizers", 0, &ignored},
        {"generateName", 0, &ignored},
        {"generation", 0, &ignored},
        {"labels", 0, &ignored},
        {"managedFields", 0, &ignored},
        {"ownerReferences", 0, &ignored},
        {"resourceVersion", 0, &ignored},
        {"selfLink", 0, &ignored},
        {"uid", 0, &ignored},
        /* removed from ObjectMeta but printed by older clusters */
        {"clusterName", 0, &ignored},
        {"initializers", 0, &ignored},
        {NULL, 0, NULL}};
    char q[96];
    int rc;
    if ((rc = ks_yt_fields(&l->c, md, fields)) ||
        (rc = read_name(l, md, "name", "name or generateName is required",
                        name)) ||
        (rc = get_text(l, nsn, ns)))
        return rc;
    if (!namespaced) {
        /* rest.BeforeCreate clears a cluster-scoped object's namespace. */
        *ns = "";
        return 0;
    }
    if (!*ns || !**ns) {
        *ns = DEFAULT_NAMESPACE;
        return 0;
    }
    if (!is_dns_label(*ns))
        return ks_yt_fail(&l->c, nsn, KS_EINVAL,
                          "Invalid value: %s: " DNS_LABEL_MSG, QUOTED(*ns, q));
    return 0;
}

/* validatePolicyRule. */
static int read_rule(const ld *l, const ks_yt_node *n, int namespaced,
                     ks_rbac_rule *r)
{
    const ks_yt_node *verbs, *groups, *resources, *names, *urls;
    const ks_yt_field fields[] = {{"verbs", 0, &verbs},
                                  {"apiGroups", 0, &groups},
                                  {"resources", 0, &resources},
                                  {"resourceNames", 0, &names},
                                  {"nonResourceURLs", 0, &urls},
                                  {NULL, 0, NULL}};
    int rc;
    if ((rc = ks_yt_fields(&l->c, n, fields)) ||
        (rc = read_list(l, verbs, &r->verbs, &r->nverbs)) ||
        (rc = read_list(l, groups, &r->api_groups, &r->napi_groups)) ||
        (rc = read_list(l, resources, &r->resources, &r->nresources)) ||
        (rc = read_list(l, names, &r->resource_names,
                        &r->nresource_names)) ||
        (rc = read_list(l, urls, &r->non_resource_urls,
                        &r->nnon_resource_urls)))
        return rc;
    if (!r->nverbs)
        return fail_child(l, n, "verbs", KS_EINVAL,
                          "Required value: verbs must contain at least one "
                          "value");
    if (r->nnon_resource_urls) {
        if (namespaced)
            return fail_child(l, n, "nonResourceURLs", KS_EINVAL,
                              "Invalid value: namespaced rules cannot apply "
                              "to non-resource URLs");
        if (r->napi_groups || r->nresources || r->nresource_names)
            return fail_child(l, n, "nonResourceURLs", KS_EINVAL,
                              "Invalid value: rules cannot apply to both "
                              "regular resources and non-resource URLs");
        return 0;
    }
    if (!r->napi_groups)
        return fail_child(l, n, "apiGroups", KS_EINVAL,
                          "Required value: resource rules must supply at "
                          "least one api group");
    if (!r->nresources)
        return fail_child(l, n, "resources", KS_EINVAL,
                          "Required value: resource rules must supply at "
                          "least one resource");
    return 0;
}

/* Role (namespaced) or ClusterRole: ValidateRole, ValidateClusterRole. */
static int read_role(ld *l, const ks_yt_node *obj, const char *kind,
                     int namespaced)
{
    const ks_yt_node *ignored, *md, *rules, *agg = NULL, *selectors;
    const ks_yt_field role_fields[] = {{"apiVersion", 0, &ignored},
                                       {"kind", 0, &ignored},
                                       {"metadata", 1, &md},
                                       {"rules", 0, &rules},
                                       {NULL, 0, NULL}};
    const ks_yt_field cluster_role_fields[] = {
        {"apiVersion", 0, &ignored}, {"kind", 0, &ignored},
        {"metadata", 1, &md},        {"rules", 0, &rules},
        {"aggregationRule", 0, &agg}, {NULL, 0, NULL}};
    int rc = ks_yt_fields(&l->c, obj,
                          namespaced ? role_fields : cluster_role_fields);
    if (rc)
        return rc;
    item *it = new_item(l);
    it->kind = kind;
    it->at = obj;
    if ((rc = read_meta(l, obj, namespaced, &it->name, &it->ns)))
        return rc;
    /* Accepted and ignored: see the header. */
    const ks_yt_field agg_fields[] = {{"clusterRoleSelectors", 0, &selectors},
                                      {NULL, 0, NULL}};
    if (agg && !ks_yt_is_null(agg) &&
        (rc = ks_yt_fields(&l->c, agg, agg_fields)))
        return rc;
    if (!rules || ks_yt_is_null(rules))
        return 0;
    if ((rc = ks_yt_expect(&l->c, rules, KS_YT_SEQUENCE)) || !rules->n)
        return rc;
    it->rules = ks_xcalloc(rules->n, sizeof *it->rules);
    for (size_t i = 0; i < rules->n; i++) {
        it->nrules++;
        if ((rc = read_rule(l, rules->items[i], namespaced,
                            &it->rules[i])))
            return rc;
    }
    return 0;
}

/* validateRoleBindingSubject after SetDefaults_Subject. */
static int read_subject(const ld *l, const ks_yt_node *n, int namespaced,
                        ks_rbac_subject *s)
{
    static const char *const kinds[] = {"User", "Group", "ServiceAccount",
                                        NULL};
    const ks_yt_node *kind, *group, *name, *ns;
    const ks_yt_field fields[] = {{"kind", 1, &kind},
                                  {"apiGroup", 0, &group},
                                  {"name", 1, &name},
                                  {"namespace", 0, &ns},
                                  {NULL, 0, NULL}};
    const char *kind_s, *group_s, *name_s, *ns_s;
    char q[96];
    int rc;
    if ((rc = ks_yt_fields(&l->c, n, fields)) ||
        (rc = get_text(l, kind, &kind_s)) ||
        (rc = get_text(l, group, &group_s)) ||
        (rc = get_text(l, name, &name_s)) || (rc = get_text(l, ns, &ns_s)))
        return rc;
    if (!name_s || !*name_s)
        return ks_yt_fail(&l->c, name, KS_EINVAL, "Required value");
    size_t k = 0;
    while (kinds[k] && (!kind_s || strcmp(kinds[k], kind_s)))
        k++;
    if (!kinds[k])
        return ks_yt_fail(&l->c, kind, KS_EINVAL,
                          "Unsupported value: %s: supported values: "
                          "\"ServiceAccount\", \"User\", \"Group\"",
                          QUOTED(kind_s ? kind_s : "", q));
    s->name = name_s;
    s->namespace_name = ns_s;
    if (k < 2) {
        s->kind = k == 0 ? KS_RBAC_USER : KS_RBAC_GROUP;
        if (group_s && *group_s && strcmp(group_s, KS_RBAC_API_GROUP))
            return ks_yt_fail(&l->c, group, KS_EINVAL,
                              "Unsupported value: %s: supported values: "
                              "\"" KS_RBAC_API_GROUP "\"",
                              QUOTED(group_s, q));
        return 0;
    }
    s->kind = KS_RBAC_SERVICE_ACCOUNT;
    if (!is_dns_subdomain(name_s))
        return ks_yt_fail(&l->c, name, KS_EINVAL,
                          "Invalid value: %s: " DNS_SUBDOMAIN_MSG,
                          QUOTED(name_s, q));
    if (group_s && *group_s)
        return ks_yt_fail(&l->c, group, KS_EINVAL,
                          "Unsupported value: %s: supported values: \"\"",
                          QUOTED(group_s, q));
    if (!namespaced && (!ns_s || !*ns_s))
        return fail_child(l, n, "namespace", KS_EINVAL, "Required value");
    return 0;
}

/* RoleBinding (namespaced) or ClusterRoleBinding: ValidateRoleBinding,
 * ValidateClusterRoleBinding after SetDefaults_*RoleBinding. */
static int read_binding(ld *l, const ks_yt_node *obj, const char *kind,
                        int namespaced)
{
    const ks_yt_node *ignored, *md, *ref, *subjects, *group, *rkind, *rname;
    const ks_yt_field fields[] = {{"apiVersion", 0, &ignored},
                                  {"kind", 0, &ignored},
                                  {"metadata", 1, &md},
                                  {"roleRef", 1, &ref},
                                  {"subjects", 0, &subjects},
                                  {NULL, 0, NULL}};
    const ks_yt_field ref_fields[] = {{"apiGroup", 0, &group},
                                      {"kind", 1, &rkind},
                                      {"name", 1, &rname},
                                      {NULL, 0, NULL}};
    const char *group_s, *rkind_s;
    char q[96];
    int rc = ks_yt_fields(&l->c, obj, fields);
    if (rc)
        return rc;
    item *it = new_item(l);
    it->kind = kind;
    it->binding = 1;
    it->at = obj;
    if ((rc = read_meta(l, obj, namespaced, &it->name, &it->ns)) ||
        (rc = ks_yt_fields(&l->c, ref, ref_fields)) ||
        (rc = get_text(l, group, &group_s)) ||
        (rc = get_text(l, rkind, &rkind_s)))
        return rc;
    if (group_s && *group_s && strcmp(group_s, KS_RBAC_API_GROUP))
        return ks_yt_fail(&l->c, group, KS_EINVAL,
                          "Unsupported value: %s: supported values: "
                          "\"" KS_RBAC_API_GROUP "\"",
                          QUOTED(group_s, q));
    if (rkind_s && !strcmp(rkind_s, "ClusterRole"))
        it->role_kind = KS_RBAC_CLUSTER_ROLE;
    else if (namespaced && rkind_s && !strcmp(rkind_s, "Role"))
        it->role_kind = KS_RBAC_ROLE;
    else
        return ks_yt_fail(&l->c, rkind, KS_EINVAL,
                          "Unsupported value: %s: supported values: %s",
                          QUOTED(rkind_s ? rkind_s : "", q),
                          namespaced ? "\"Role\", \"ClusterRole\""
                                     : "\"ClusterRole\"");
    if ((rc = read_name(l, ref, "name", NULL, &it->role_name)))
        return rc;
    if (!subjects || ks_yt_is_null(subjects))
        return 0;
    if ((rc = ks_yt_expect(&l->c, subjects, KS_YT_SEQUENCE)) || !subjects->n)
        return rc;
    it->subjects = ks_xcalloc(subjects->n, sizeof *it->subjects);
    for (size_t i = 0; i < subjects->n; i++) {
        if ((rc = read_subject(l, subjects->items[i], namespaced,
                               &it->subjects[i])))
            return rc;
        it->nsubjects++;
    }
    return 0;
}

/* ---- documents and lists ------------------------------------------------ */

typedef struct rbac_kind {
    const char *kind;
    int binding;
    int namespaced;
} rbac_kind;

static const rbac_kind rbac_kinds[] = {{"Role", 0, 1},
                                       {"ClusterRole", 0, 0},
                                       {"RoleBinding", 1, 1},
                                       {"ClusterRoleBinding", 1, 0},
                                       {NULL, 0, 0}};

static int is_list_kind(const char *kind)
{
    size_t n = strlen(kind);
    return n >= 4 && !strcmp(kind + n - 4, "List");
}

/* A non-empty string (apiVersion, kind). */
static int get_word(const ld *l, const ks_yt_node *n, const char **out)
{
    int rc = get_text(l, n, out);
    if (!rc && (!*out || !**out))
        return ks_yt_fail(&l->c, n, KS_EINVAL, "must not be empty");
    return rc;
}

static int load_object(ld *l, const ks_yt_node *obj, const char *list_api,
                       const char *list_kind);

/* kind: List, or a typed list such as RoleList whose items may leave out
 * apiVersion and kind (they are the list's, without "List"). */
static int load_list(ld *l, const ks_yt_node *obj, const ks_yt_node *where,
                     const char *api, const char *kind)
{
    const ks_yt_node *ignored, *items;
    const ks_yt_field fields[] = {{"apiVersion", 0, &ignored},
                                  {"kind", 0, &ignored},
                                  {"metadata", 0, &ignored},
                                  {"items", 0, &items},
                                  {NULL, 0, NULL}};
    char q[96], item_kind[128] = "";
    int rc = ks_yt_fields(&l->c, obj, fields);
    if (rc)
        return rc;
    if (strcmp(kind, "List")) {
        size_t n = strlen(kind) - 4;
        if (n >= sizeof item_kind)
            n = sizeof item_kind - 1;
        memcpy(item_kind, kind, n);
        item_kind[n] = '\0';
    } else if (strcmp(api, "v1")) {
        return ks_yt_fail(&l->c, where, KS_EINVAL,
                          "unsupported apiVersion %s for kind List "
                          "(expected \"v1\")",
                          QUOTED(api, q));
    }
    if (!items || ks_yt_is_null(items))
        return 0;
    if ((rc = ks_yt_expect(&l->c, items, KS_YT_SEQUENCE)))
        return rc;
    for (size_t i = 0; i < items->n; i++)
        if ((rc = load_object(l, items->items[i], item_kind[0] ? api : NULL,
                              item_kind[0] ? item_kind : NULL)))
            return rc;
    return 0;
}

static int load_object(ld *l, const ks_yt_node *obj, const char *list_api,
                       const char *list_kind)
{
    int rc = ks_yt_expect(&l->c, obj, KS_YT_MAPPING);
    if (rc)
        return rc;
    const ks_yt_node *api_node = ks_yt_get(obj, "apiVersion");
    const ks_yt_node *kind_node = ks_yt_get(obj, "kind");
    const char *api = list_api, *kind = list_kind;
    if ((api_node && (rc = get_word(l, api_node, &api))) ||
        (kind_node && (rc = get_word(l, kind_node, &kind))))
        return rc;
    if (!api)
        return ks_yt_fail_missing(&l->c, obj, "apiVersion");
    if (!kind)
        return ks_yt_fail_missing(&l->c, obj, "kind");
    const ks_yt_node *where = api_node ? api_node : obj;
    char q[96], q2[96];
    if (is_list_kind(kind)) {
        if (obj->parent)
            return ks_yt_fail(&l->c, kind_node ? kind_node : obj, KS_EINVAL,
                              "a List cannot hold another list");
        return load_list(l, obj, where, api, kind);
    }
    const rbac_kind *k = rbac_kinds;
    while (k->kind && strcmp(k->kind, kind))
        k++;
    if (!k->kind)
        return 0; /* not RBAC: the main manifest loader's business */
    if (!strcmp(api, KS_RBAC_API_VERSION))
        return k->binding ? read_binding(l, obj, k->kind, k->namespaced)
                          : read_role(l, obj, k->kind, k->namespaced);
    const char *slash = strchr(api, '/');
    size_t glen = slash ? (size_t)(slash - api) : 0;
    /* The core group ("v1") has no RBAC kinds (kubectl: no matches for
     * kind); the RBAC group serves only v1 since Kubernetes 1.22.  A kind
     * of this name in another group is some CRD, not RBAC. */
    if (!slash || (glen == strlen(KS_RBAC_API_GROUP) &&
                   !strncmp(api, KS_RBAC_API_GROUP, glen)))
        return ks_yt_fail(&l->c, where, KS_EINVAL,
                          "unsupported apiVersion %s for kind %s "
                          "(ksim reads " KS_RBAC_API_VERSION ")",
                          QUOTED(api, q), QUOTED(kind, q2));
    return 0;
}

/* ---- duplicates and committing ------------------------------------------ */

typedef struct keyed {
    char *key;
    size_t index;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Two items of the same kind, namespace and name: fails at the one that
 * comes second in the input and is earliest among such. */
static int check_duplicates(const ld *l)
{
    if (l->n < 2)
        return 0;
    keyed *k = ks_xcalloc(l->n, sizeof *k);
    for (size_t i = 0; i < l->n; i++) {
        const item *it = &l->items[i];
        k[i].key = *it->ns ? ks_xasprintf("%s %s/%s", it->kind, it->ns,
                                          it->name)
                           : ks_xasprintf("%s %s", it->kind, it->name);
        k[i].index = i;
    }
    qsort(k, l->n, sizeof *k, cmp_keyed);
    size_t dup = SIZE_MAX, first = 0;
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(k[i].key, k[i - 1].key))
            continue;
        size_t j = i;
        while (j > 0 && !strcmp(k[j - 1].key, k[i].key))
            j--;
        if (dup == SIZE_MAX || k[i].index < dup) {
            dup = k[i].index;
            first = k[j].index;
        }
    }
    int rc = 0;
    if (dup != SIZE_MAX) {
        const item *d = &l->items[dup], *f = &l->items[first];
        rc = ks_error_set(l->c.err, KS_EEXIST, l->c.file, d->at->line,
                          d->at->col, "duplicate %s %s%s%s (first defined at "
                          "%s:%d)",
                          d->kind, d->ns, *d->ns ? "/" : "", d->name,
                          l->c.file, f->at->line);
    }
    for (size_t i = 0; i < l->n; i++)
        free(k[i].key);
    free(k);
    return rc;
}

/* Everything was validated, so the puts cannot fail. */
static int commit(const ld *l, ks_rbac_policy *into)
{
    for (size_t i = 0; i < l->n; i++) {
        const item *it = &l->items[i];
        int rc = it->binding
                     ? ks_rbac_put_binding(into, it->ns, it->name,
                                           it->role_kind, it->role_name,
                                           it->subjects, it->nsubjects,
                                           l->c.err)
                     : ks_rbac_put_role(into, it->ns, it->name, it->rules,
                                        it->nrules, l->c.err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- entry points ------------------------------------------------------- */

int ks_rbac_manifests_load_buffer(const char *buf, size_t len,
                                  const char *name, ks_rbac_policy *into,
                                  size_t *nobjects, ks_error *err)
{
    ks_error_clear(err);
    if (nobjects)
        *nobjects = 0;
    ld l;
    memset(&l, 0, sizeof l);
    l.c.file = name ? name : "<manifests>";
    l.c.err = err;
    ks_yt_node **docs = NULL;
    size_t ndocs = 0;
    int rc = ks_yt_parse_stream(buf, len, l.c.file, &docs, &ndocs, err);
    for (size_t i = 0; !rc && i < ndocs; i++)
        rc = load_object(&l, docs[i], NULL, NULL);
    if (!rc)
        rc = check_duplicates(&l);
    if (!rc)
        rc = commit(&l, into);
    if (!rc && nobjects)
        *nobjects = l.n;
    for (size_t i = 0; i < l.n; i++)
        item_free(&l.items[i]);
    free(l.items);
    ks_yt_free_stream(docs, ndocs);
    return rc;
}

int ks_rbac_manifests_load_file(const char *path, ks_rbac_policy *into,
                                size_t *nobjects, ks_error *err)
{
    ks_error_clear(err);
    if (nobjects)
        *nobjects = 0;
    char *text = NULL;
    size_t len;
    int rc = ks_read_file(path, "manifests", &text, &len, err);
    if (!rc)
        rc = ks_rbac_manifests_load_buffer(text, len, path, into, nobjects,
                                           err);
    free(text);
    return rc;
}

/* ---- identities --------------------------------------------------------- */

/* NS and NAME of a service account: a DNS-1123 label and subdomain. */
static int service_account_user(const char *ns, size_t nslen,
                                const char *name, ks_rbac_user *out)
{
    char *n = ks_xstrndup(ns, nslen);
    int ok = is_dns_label(n) && is_dns_subdomain(name);
    if (ok)
        ks_rbac_user_init_service_account(out, n, name);
    free(n);
    return ok ? 0 : KS_EINVAL;
}

int ks_rbac_parse_identity(const char *text, ks_rbac_user *out)
{
    static const char sa_short[] = "serviceaccount:";
    if (!out)
        return KS_EINVAL;
    *out = (ks_rbac_user){0};
    if (!text || !*text)
        return KS_EINVAL;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return KS_EINVAL;
    size_t plen = strlen(KS_RBAC_SA_PREFIX);
    if (!strncmp(text, KS_RBAC_SA_PREFIX, plen)) {
        /* SplitUsername: exactly NS:NAME after the prefix. */
        const char *rest = text + plen, *colon = strchr(rest, ':');
        if (!colon || strchr(colon + 1, ':'))
            return KS_EINVAL;
        return service_account_user(rest, (size_t)(colon - rest), colon + 1,
                                    out);
    }
    if (!strncmp(text, sa_short, sizeof sa_short - 1)) {
        const char *rest = text + sizeof sa_short - 1,
                   *slash = strchr(rest, '/');
        if (!slash)
            return KS_EINVAL;
        return service_account_user(rest, (size_t)(slash - rest), slash + 1,
                                    out);
    }
    if (!strcmp(text, "admin"))
        ks_rbac_user_init(out, ADMIN_USER,
                          KS_RBAC_SYSTEM_MASTERS
                          "," KS_RBAC_ALL_AUTHENTICATED);
    else
        ks_rbac_user_init(out, text, KS_RBAC_ALL_AUTHENTICATED);
    return 0;
}
