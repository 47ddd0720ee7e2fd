/* test_rbac_manifests.c - RBAC objects from manifests into the authorizer
 * (scenarios/rbac_manifests.h): a Role, RoleBinding, ClusterRole and
 * ClusterRoleBinding read from `---` documents, from a kind: List as
 * kubectl prints it and from a typed list give the same decisions; other
 * kinds are ignored; every validation of
 * pkg/apis/rbac/validation/validation.go that ksim makes fails with its
 * code, FILE:LINE:COL and message and leaves the policy unchanged; and the
 * identities a scenario names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "scenarios/rbac_manifests.h"
#include "sim/rbac.h"
#include "tests/test_util.h"

void ks_suite_rbac_manifests(void);

/* ---- helpers ------------------------------------------------------------ */

static int load(ks_rbac_policy *p, const char *text, size_t *n)
{
    ks_error err;
    int rc = ks_rbac_manifests_load_buffer(text, strlen(text), "t.yaml", p,
                                           n, &err);
    if (rc) {
        fprintf(stderr, "\nunexpected error: ");
        ks_error_print(&err, stderr);
    }
    return rc;
}

/* 1 allowed, 0 denied.  ns "" is a cluster-wide request. */
static int user_can(ks_rbac_policy *p, const ks_rbac_user *u,
                    const char *verb, const char *group, const char *resource,
                    const char *ns, const char *name)
{
    ks_rbac_attrs a = {.user = u, .verb = verb, .api_group = group,
                       .resource = resource, .namespace_name = ns,
                       .name = name};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    return d.allowed;
}

/* The same for an identity text (ks_rbac_parse_identity); -1 if it does
 * not parse. */
static int can(ks_rbac_policy *p, const char *who, const char *verb,
               const char *resource, const char *ns)
{
    ks_rbac_user u;
    if (ks_rbac_parse_identity(who, &u))
        return -1;
    int ok = user_can(p, &u, verb, "", resource, ns, NULL);
    ks_rbac_user_free(&u);
    return ok;
}

static int url_can(ks_rbac_policy *p, const ks_rbac_user *u, const char *verb,
                   const char *path)
{
    ks_rbac_attrs a = {.user = u, .verb = verb, .non_resource = 1,
                       .path = path};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    return d.allowed;
}

/* ---- the policy of the examples ----------------------------------------- */

#define API "apiVersion: rbac.authorization.k8s.io/v1\n"

/* Role pod-reader (dev) bound to jane and the dev/builder service account;
 * ClusterRole secret-reader (secrets, /healthz, /metrics*) bound to group
 * managers everywhere and, by a RoleBinding without a namespace (so in
 * "default"), to dave.  Plus kinds this loader ignores. */
static const char DOCS[] =
    "apiVersion: v1\n"
    "kind: ServiceAccount\n"
    "metadata: {name: builder, namespace: dev}\n"
    "---\n" API "kind: Role\n"
    "metadata:\n"
    "  name: pod-reader\n"
    "  namespace: dev\n"
    "rules:\n"
    "- apiGroups: [\"\"]\n"
    "  resources: [pods, pods/log]\n"
    "  verbs: [get, list, watch]\n"
    "---\n" API "kind: RoleBinding\n"
    "metadata:\n"
    "  name: read-pods\n"
    "  namespace: dev\n"
    "subjects:\n"
    "- kind: User\n"
    "  name: jane\n"
    "  apiGroup: rbac.authorization.k8s.io\n"
    "- kind: ServiceAccount\n"
    "  name: builder\n"
    "roleRef:\n"
    "  kind: Role\n"
    "  name: pod-reader\n"
    "  apiGroup: rbac.authorization.k8s.io\n"
    "---\n" API "kind: ClusterRole\n"
    "metadata:\n"
    "  name: secret-reader\n"
    "rules:\n"
    "- apiGroups: [\"\"]\n"
    "  resources: [secrets]\n"
    "  verbs: [get, watch, list]\n"
    "- nonResourceURLs: [/healthz, \"/metrics*\"]\n"
    "  verbs: [get]\n"
    "---\n" API "kind: ClusterRoleBinding\n"
    "metadata:\n"
    "  name: read-secrets-global\n"
    "subjects:\n"
    "- kind: Group\n"
    "  name: managers\n"
    "roleRef:\n"
    "  kind: ClusterRole\n"
    "  name: secret-reader\n"
    "---\n" API "kind: RoleBinding\n"
    "metadata:\n"
    "  name: dave-secrets\n"
    "subjects:\n"
    "- {kind: User, name: dave}\n"
    "roleRef: {kind: ClusterRole, name: secret-reader, "
    "apiGroup: rbac.authorization.k8s.io}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: web}\n"
    "spec: {}\n";

/* The same objects as `kubectl get -o yaml` prints a List of them, with
 * the bookkeeping metadata real dumps carry; the two RoleBindings come as
 * a typed RoleBindingList whose items leave out apiVersion and kind. */
static const char LIST[] =
    "apiVersion: v1\n"
    "kind: List\n"
    "metadata:\n"
    "  resourceVersion: \"\"\n"
    "items:\n"
    "- apiVersion: v1\n"
    "  kind: ServiceAccount\n"
    "  metadata: {name: builder, namespace: dev, uid: 1234}\n"
    "- apiVersion: rbac.authorization.k8s.io/v1\n"
    "  kind: Role\n"
    "  metadata:\n"
    "    annotations:\n"
    "      kubectl.kubernetes.io/last-applied-configuration: |\n"
    "        {\"apiVersion\":\"rbac.authorization.k8s.io/v1\"}\n"
    "    creationTimestamp: \"2024-05-01T10:00:00Z\"\n"
    "    labels: {app: demo}\n"
    "    name: pod-reader\n"
    "    namespace: dev\n"
    "    resourceVersion: \"4711\"\n"
    "    uid: 0b7c4f4e-2f7e-4d39-9d0a-7d5b0c6f3a11\n"
    "  rules:\n"
    "  - apiGroups:\n"
    "    - \"\"\n"
    "    resources:\n"
    "    - pods\n"
    "    - pods/log\n"
    "    verbs:\n"
    "    - get\n"
    "    - list\n"
    "    - watch\n"
    "- apiVersion: rbac.authorization.k8s.io/v1\n"
    "  kind: ClusterRole\n"
    "  metadata:\n"
    "    creationTimestamp: \"2024-05-01T10:00:00Z\"\n"
    "    name: secret-reader\n"
    "    resourceVersion: \"4712\"\n"
    "    uid: 1b7c4f4e-2f7e-4d39-9d0a-7d5b0c6f3a11\n"
    "    managedFields:\n"
    "    - {manager: kubectl, operation: Update}\n"
    "  rules:\n"
    "  - apiGroups: [\"\"]\n"
    "    resources: [secrets]\n"
    "    verbs: [get, watch, list]\n"
    "  - nonResourceURLs: [/healthz, \"/metrics*\"]\n"
    "    verbs: [get]\n"
    "- apiVersion: rbac.authorization.k8s.io/v1\n"
    "  kind: ClusterRoleBinding\n"
    "  metadata:\n"
    "    name: read-secrets-global\n"
    "    generation: 1\n"
    "  roleRef:\n"
    "    apiGroup: rbac.authorization.k8s.io\n"
    "    kind: ClusterRole\n"
    "    name: secret-reader\n"
    "  subjects:\n"
    "  - apiGroup: rbac.authorization.k8s.io\n"
    "    kind: Group\n"
    "    name: managers\n"
    "- apiVersion: v1\n"
    "  kind: ConfigMap\n"
    "  metadata: {name: settings, namespace: dev}\n"
    "  data: {a: b}\n"
    "---\n"
    "apiVersion: rbac.authorization.k8s.io/v1\n"
    "kind: RoleBindingList\n"
    "metadata: {resourceVersion: \"9\"}\n"
    "items:\n"
    "- metadata: {name: read-pods, namespace: dev}\n"
    "  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, "
    "name: pod-reader}\n"
    "  subjects:\n"
    "  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}\n"
    "  - {kind: ServiceAccount, name: builder, namespace: dev}\n"
    "- metadata: {name: dave-secrets, namespace: default}\n"
    "  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, "
    "name: secret-reader}\n"
    "  subjects:\n"
    "  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: dave}\n";

/* The decisions both inputs must give. */
static void check_example_policy(ks_rbac_policy *p)
{
    /* Role + RoleBinding: namespaced, only the Role's verbs. */
    CU_ASSERT_EQUAL(can(p, "jane", "get", "pods", "dev"), 1);
    CU_ASSERT_EQUAL(can(p, "jane", "watch", "pods", "dev"), 1);
    CU_ASSERT_EQUAL(can(p, "jane", "delete", "pods", "dev"), 0);
    CU_ASSERT_EQUAL(can(p, "jane", "get", "pods", "prod"), 0);
    CU_ASSERT_EQUAL(can(p, "jane", "list", "pods", ""), 0);
    CU_ASSERT_EQUAL(can(p, "jane", "get", "secrets", "dev"), 0);
    /* the service account subject without a namespace: the binding's */
    CU_ASSERT_EQUAL(can(p, "system:serviceaccount:dev:builder", "list",
                        "pods", "dev"),
                    1);
    CU_ASSERT_EQUAL(can(p, "serviceaccount:dev/builder", "get", "pods",
                        "dev"),
                    1);
    CU_ASSERT_EQUAL(can(p, "serviceaccount:prod/builder", "get", "pods",
                        "dev"),
                    0);
    CU_ASSERT_EQUAL(can(p, "serviceaccount:dev/other", "get", "pods", "dev"),
                    0);
    /* RoleBinding to a ClusterRole, namespace defaulted to "default" */
    CU_ASSERT_EQUAL(can(p, "dave", "get", "secrets", "default"), 1);
    CU_ASSERT_EQUAL(can(p, "dave", "get", "secrets", "dev"), 0);
    CU_ASSERT_EQUAL(can(p, "dave", "list", "secrets", ""), 0);
    /* ClusterRoleBinding: everywhere, cluster-wide too */
    ks_rbac_user mgr, jane;
    ks_rbac_user_init(&mgr, "mia", "managers,system:authenticated");
    ks_rbac_user_init(&jane, "jane", "system:authenticated");
    CU_ASSERT_EQUAL(user_can(p, &mgr, "get", "", "secrets", "dev", "s1"), 1);
    CU_ASSERT_EQUAL(user_can(p, &mgr, "list", "", "secrets", "", NULL), 1);
    CU_ASSERT_EQUAL(user_can(p, &mgr, "delete", "", "secrets", "dev", "s1"),
                    0);
    CU_ASSERT_EQUAL(user_can(p, &mgr, "get", "apps", "secrets", "dev", "s1"),
                    0);
    CU_ASSERT_EQUAL(user_can(p, &mgr, "get", "", "pods", "dev", "p1"), 0);
    /* non-resource URLs of the ClusterRole */
    CU_ASSERT_EQUAL(url_can(p, &mgr, "get", "/healthz"), 1);
    CU_ASSERT_EQUAL(url_can(p, &mgr, "get", "/metrics/cadvisor"), 1);
    CU_ASSERT_EQUAL(url_can(p, &mgr, "post", "/healthz"), 0);
    CU_ASSERT_EQUAL(url_can(p, &mgr, "get", "/version"), 0);
    CU_ASSERT_EQUAL(url_can(p, &jane, "get", "/healthz"), 0);
    ks_rbac_user_free(&mgr);
    ks_rbac_user_free(&jane);
    /* kubeadm's admin: system:masters, no binding needed */
    CU_ASSERT_EQUAL(can(p, "admin", "delete", "nodes", ""), 1);
    CU_ASSERT_EQUAL(can(p, "kubernetes-admin", "delete", "nodes", ""), 0);
    CU_ASSERT_EQUAL(can(p, "nobody", "get", "pods", "dev"), 0);
}

static void test_documents(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    size_t n = 99;
    CU_ASSERT_EQUAL(load(p, DOCS, &n), 0);
    CU_ASSERT_EQUAL(n, 5);
    check_example_policy(p);
    ks_rbac_policy_destroy(p);
}

static void test_list(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    size_t n = 99;
    CU_ASSERT_EQUAL(load(p, LIST, &n), 0);
    CU_ASSERT_EQUAL(n, 5);
    check_example_policy(p);
    ks_rbac_policy_destroy(p);
}

static void test_file(void)
{
    char path[2048];
    snprintf(path, sizeof path, "%s", ks_test_tmp("rbac_manifests.yaml"));
    CU_ASSERT_EQUAL_FATAL(ks_test_write_file(path, DOCS), 0);
    ks_rbac_policy *p = ks_rbac_policy_create();
    ks_error err;
    size_t n = 0;
    CU_ASSERT_EQUAL(ks_rbac_manifests_load_file(path, p, &n, &err), 0);
    CU_ASSERT_EQUAL(n, 5);
    check_example_policy(p);

    /* errors name the file */
    CU_ASSERT_EQUAL_FATAL(
        ks_test_write_file(path, API "kind: ClusterRole\nmetadata: {}\n"), 0);
    CU_ASSERT_EQUAL(ks_rbac_manifests_load_file(path, p, &n, &err),
                    KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_EQUAL(err.line, 3);
    CU_ASSERT_EQUAL(err.col, 11);
    CU_ASSERT_EQUAL(n, 0);

    snprintf(path, sizeof path, "%s", ks_test_tmp("no-such-rbac.yaml"));
    CU_ASSERT_EQUAL(ks_rbac_manifests_load_file(path, p, &n, NULL),
                    KS_ENOENT);
    ks_rbac_policy_destroy(p);
}

/* Kinds other than the four RBAC ones, and a Role of another API group (a
 * CRD), are skipped without a look inside. */
static void test_other_kinds_ignored(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    size_t n = 99;
    CU_ASSERT_EQUAL(load(p,
                         "apiVersion: v1\nkind: ServiceAccount\n"
                         "metadata: {name: x}\n"
                         "---\n"
                         "apiVersion: apps/v1\nkind: Deployment\n"
                         "spec: {whatever: [1, 2]}\n"
                         "---\n"
                         "apiVersion: example.com/v1\nkind: Role\n"
                         "spec: {rules: nonsense}\n"
                         "---\n"
                         "apiVersion: v1\nkind: PodList\nitems: []\n",
                         &n),
                    0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(load(p, "", &n), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(load(p, "# nothing\n---\n", NULL), 0);
    ks_rbac_policy_destroy(p);
}

/* aggregationRule is accepted and ignored; the rules a dump carries (the
 * aggregation controller's result) are what counts. */
static void test_aggregation_rule(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    size_t n = 0;
    CU_ASSERT_EQUAL(
        load(p,
             API "kind: ClusterRole\n"
                 "metadata:\n"
                 "  name: monitoring\n"
                 "aggregationRule:\n"
                 "  clusterRoleSelectors:\n"
                 "  - matchLabels:\n"
                 "      rbac.example.com/aggregate-to-monitoring: \"true\"\n"
                 "rules:\n"
                 "- apiGroups: [\"\"]\n"
                 "  resources: [services, endpoints, pods]\n"
                 "  verbs: [get, list, watch]\n"
                 "---\n" API "kind: ClusterRole\n"
                 "metadata: {name: empty-aggregate}\n"
                 "aggregationRule: {clusterRoleSelectors: []}\n"
                 "rules: null\n"
                 "---\n" API "kind: ClusterRoleBinding\n"
                 "metadata: {name: mon}\n"
                 "roleRef: {kind: ClusterRole, name: monitoring}\n"
                 "subjects: [{kind: User, name: mon},"
                 " {kind: ServiceAccount, name: prom, namespace: obs}]\n"
                 "---\n" API "kind: ClusterRoleBinding\n"
                 "metadata: {name: empty}\n"
                 "roleRef: {kind: ClusterRole, name: empty-aggregate}\n"
                 "subjects: [{kind: User, name: mon2}]\n",
             &n),
        0);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(can(p, "mon", "list", "pods", ""), 1);
    CU_ASSERT_EQUAL(can(p, "system:serviceaccount:obs:prom", "watch",
                        "endpoints", "dev"),
                    1);
    CU_ASSERT_EQUAL(can(p, "mon", "delete", "pods", "dev"), 0);
    CU_ASSERT_EQUAL(can(p, "mon2", "list", "pods", ""), 0);
    /* an unknown key inside aggregationRule is still an error */
    ks_error err;
    const char *bad = API "kind: ClusterRole\nmetadata: {name: a}\n"
                          "aggregationRule: {selectors: []}\n";
    CU_ASSERT_EQUAL(ks_rbac_manifests_load_buffer(bad, strlen(bad), "t.yaml",
                                                  p, NULL, &err),
                    KS_EPARSE);
    CU_ASSERT_EQUAL(err.line, 4);
    CU_ASSERT_EQUAL(err.col, 19);
    ks_rbac_policy_destroy(p);
}

/* A later load replaces an object of the same kind, namespace and name
 * (kubectl apply); the same name in another namespace or kind is another
 * object. */
static void test_replace_and_scopes(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    size_t n = 0;
    CU_ASSERT_EQUAL(load(p,
                         API "kind: Role\n"
                             "metadata: {name: r, namespace: dev}\n"
                             "rules: [{verbs: [get], apiGroups: [\"\"], "
                             "resources: [pods]}]\n"
                             "---\n" API "kind: Role\n"
                             "metadata: {name: r, namespace: prod}\n"
                             "rules: [{verbs: [list], apiGroups: [\"\"], "
                             "resources: [pods]}]\n"
                             "---\n" API "kind: ClusterRole\n"
                             "metadata: {name: r}\n"
                             "rules: [{verbs: [watch], apiGroups: [\"\"], "
                             "resources: [pods]}]\n"
                             "---\n" API "kind: RoleBinding\n"
                             "metadata: {name: b, namespace: dev}\n"
                             "roleRef: {kind: Role, name: r}\n"
                             "subjects: [{kind: User, name: u}]\n"
                             "---\n" API "kind: RoleBinding\n"
                             "metadata: {name: b, namespace: prod}\n"
                             "roleRef: {kind: ClusterRole, name: r}\n"
                             "subjects: [{kind: User, name: u}]\n",
                         &n),
                    0);
    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_EQUAL(can(p, "u", "get", "pods", "dev"), 1);
    CU_ASSERT_EQUAL(can(p, "u", "list", "pods", "dev"), 0);
    /* prod's binding references the ClusterRole, not prod's Role */
    CU_ASSERT_EQUAL(can(p, "u", "watch", "pods", "prod"), 1);
    CU_ASSERT_EQUAL(can(p, "u", "list", "pods", "prod"), 0);
    CU_ASSERT_EQUAL(load(p,
                         API "kind: Role\n"
                             "metadata: {name: r, namespace: dev}\n"
                             "rules: [{verbs: [delete], apiGroups: [\"\"], "
                             "resources: [pods]}]\n",
                         &n),
                    0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(can(p, "u", "get", "pods", "dev"), 0);
    CU_ASSERT_EQUAL(can(p, "u", "delete", "pods", "dev"), 1);
    ks_rbac_policy_destroy(p);
}

/* Plain scalars that YAML reads as something else must be quoted; numbers
 * that print back as themselves are fine (sigs.k8s.io/yaml turns them into
 * the same string). */
static void test_scalars(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    CU_ASSERT_EQUAL(load(p,
                         API "kind: ClusterRole\n"
                             "metadata: {name: c}\n"
                             "rules: [{verbs: [get], apiGroups: [\"\"], "
                             "resources: [configmaps], "
                             "resourceNames: [42, \"1.5\", \"yes\"]}]\n"
                             "---\n" API "kind: ClusterRoleBinding\n"
                             "metadata: {name: c}\n"
                             "roleRef: {kind: ClusterRole, name: c}\n"
                             "subjects: [{kind: User, name: u}]\n",
                         NULL),
                    0);
    ks_rbac_user u;
    CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity("u", &u), 0);
    CU_ASSERT_EQUAL(user_can(p, &u, "get", "", "configmaps", "dev", "42"), 1);
    CU_ASSERT_EQUAL(user_can(p, &u, "get", "", "configmaps", "dev", "1.5"),
                    1);
    CU_ASSERT_EQUAL(user_can(p, &u, "get", "", "configmaps", "dev", "yes"),
                    1);
    CU_ASSERT_EQUAL(user_can(p, &u, "get", "", "configmaps", "dev", "43"), 0);
    ks_rbac_user_free(&u);
    ks_rbac_policy_destroy(p);
}

/* ---- errors ------------------------------------------------------------- */

/* Every error input starts with this valid pair (13 lines), which must not
 * reach the policy: user canary may then not get canaries. */
#define CANARY                                                                 \
    API "kind: ClusterRole\n"                                                  \
        "metadata: {name: canary}\n"                                           \
        "rules:\n"                                                             \
        "- {verbs: [get], apiGroups: [\"\"], resources: [canaries]}\n"         \
        "---\n" API "kind: ClusterRoleBinding\n"                               \
        "metadata: {name: canary}\n"                                           \
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, "   \
        "name: canary}\n"                                                      \
        "subjects:\n"                                                          \
        "- {kind: User, name: canary}\n"                                       \
        "---\n"
#define CANARY_LINES 13

typedef struct err_case {
    const char *body; /* after CANARY */
    int code;
    int line, col; /* in body, 1-based */
    const char *msg;
    int prefix; /* msg is only the start of the message */
} err_case;

#define NS_META "metadata: {name: r, namespace: dev}\n"

static const err_case err_cases[] = {
    /* validatePolicyRule */
    {API "kind: Role\n" NS_META "rules:\n"
         "- apiGroups: [\"\"]\n"
         "  resources: [pods]\n",
     KS_EINVAL, 5, 3,
     "rules[0].verbs: Required value: verbs must contain at least one value",
     0},
    {API "kind: Role\n" NS_META "rules:\n"
         "- apiGroups: [\"\"]\n"
         "  resources: [pods]\n"
         "  verbs: []\n",
     KS_EINVAL, 7, 10,
     "rules[0].verbs: Required value: verbs must contain at least one value",
     0},
    {API "kind: Role\n" NS_META "rules:\n"
         "- verbs: [get]\n"
         "  nonResourceURLs: [/healthz]\n",
     KS_EINVAL, 6, 20,
     "rules[0].nonResourceURLs: Invalid value: namespaced rules cannot apply "
     "to non-resource URLs",
     0},
    {API "kind: ClusterRole\nmetadata: {name: c}\nrules:\n"
         "- verbs: [get]\n"
         "  resources: [pods]\n"
         "  nonResourceURLs: [/healthz]\n",
     KS_EINVAL, 7, 20,
     "rules[0].nonResourceURLs: Invalid value: rules cannot apply to both "
     "regular resources and non-resource URLs",
     0},
    {API "kind: ClusterRole\nmetadata: {name: c}\nrules:\n"
         "- {verbs: [get], resources: [pods]}\n",
     KS_EINVAL, 5, 3,
     "rules[0].apiGroups: Required value: resource rules must supply at "
     "least one api group",
     0},
    {API "kind: ClusterRole\nmetadata: {name: c}\nrules:\n"
         "- {verbs: [get], apiGroups: [\"\"], resources: [pods]}\n"
         "- {verbs: [get], apiGroups: [\"\"]}\n",
     KS_EINVAL, 6, 3,
     "rules[1].resources: Required value: resource rules must supply at "
     "least one resource",
     0},
    {API "kind: Role\n" NS_META "rules:\n"
         "- verb: [get]\n",
     KS_EPARSE, 5, 3, "unknown key \"verb\" in rules[0] (expected one of: ",
     1},
    {API "kind: Role\n" NS_META "rules:\n"
         "- verbs: [yes]\n",
     KS_EPARSE, 5, 11,
     "rules[0].verbs[0]: \"yes\" is not a string in YAML (Kubernetes would "
     "read other text); quote it",
     0},
    {API "kind: ClusterRole\nmetadata: {name: c}\nrules:\n"
         "- verbs: get\n",
     KS_EPARSE, 5, 10, "rules[0].verbs: expected a sequence", 1},
    /* roleRef */
    {API "kind: ClusterRoleBinding\nmetadata: {name: b}\n"
         "roleRef:\n"
         "  kind: Role\n"
         "  name: r\n"
         "subjects: [{kind: User, name: u}]\n",
     KS_EINVAL, 5, 9,
     "roleRef.kind: Unsupported value: \"Role\": supported values: "
     "\"ClusterRole\"",
     0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef:\n"
         "  kind: Foo\n"
         "  name: r\n",
     KS_EINVAL, 5, 9,
     "roleRef.kind: Unsupported value: \"Foo\": supported values: \"Role\", "
     "\"ClusterRole\"",
     0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef:\n"
         "  apiGroup: rbac.example.com\n"
         "  kind: Role\n"
         "  name: r\n",
     KS_EINVAL, 5, 13,
     "roleRef.apiGroup: Unsupported value: \"rbac.example.com\": supported "
     "values: \"rbac.authorization.k8s.io\"",
     0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef:\n"
         "  kind: Role\n"
         "  name: \"\"\n",
     KS_EINVAL, 6, 9, "roleRef.name: Required value", 0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef:\n"
         "  kind: Role\n"
         "  name: r\n"
         "  namespace: dev\n",
     KS_EPARSE, 7, 3, "unknown key \"namespace\" in roleRef (expected one of: ",
     1},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "subjects: []\n",
     KS_EPARSE, 1, 1, "missing required key \"roleRef\" at the top level", 0},
    /* subjects */
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef: {kind: Role, name: r}\n"
         "subjects:\n"
         "- kind: Robot\n"
         "  name: r2d2\n",
     KS_EINVAL, 6, 9,
     "subjects[0].kind: Unsupported value: \"Robot\": supported values: "
     "\"ServiceAccount\", \"User\", \"Group\"",
     0},
    {API "kind: ClusterRoleBinding\nmetadata: {name: b}\n"
         "roleRef: {kind: ClusterRole, name: c}\n"
         "subjects:\n"
         "- kind: User\n"
         "  name: u\n"
         "- kind: ServiceAccount\n"
         "  name: builder\n",
     KS_EINVAL, 8, 3, "subjects[1].namespace: Required value", 0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef: {kind: Role, name: r}\n"
         "subjects:\n"
         "- kind: ServiceAccount\n"
         "  name: builder\n"
         "  apiGroup: rbac.authorization.k8s.io\n",
     KS_EINVAL, 8, 13,
     "subjects[0].apiGroup: Unsupported value: \"rbac.authorization.k8s.io\": "
     "supported values: \"\"",
     0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef: {kind: Role, name: r}\n"
         "subjects:\n"
         "- kind: User\n"
         "  name: u\n"
         "  apiGroup: foo\n",
     KS_EINVAL, 8, 13,
     "subjects[0].apiGroup: Unsupported value: \"foo\": supported values: "
     "\"rbac.authorization.k8s.io\"",
     0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef: {kind: Role, name: r}\n"
         "subjects:\n"
         "- {kind: User, name: \"\"}\n",
     KS_EINVAL, 6, 22, "subjects[0].name: Required value", 0},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef: {kind: Role, name: r}\n"
         "subjects:\n"
         "- {kind: ServiceAccount, name: Builder}\n",
     KS_EINVAL, 6, 32,
     "subjects[0].name: Invalid value: \"Builder\": a lowercase RFC 1123 "
     "subdomain",
     1},
    {API "kind: RoleBinding\nmetadata: {name: b, namespace: dev}\n"
         "roleRef: {kind: Role, name: r}\n"
         "subjects:\n"
         "- {kind: User, name: u, namespce: x}\n",
     KS_EPARSE, 6, 25,
     "unknown key \"namespce\" in subjects[0] (expected one of: ", 1},
    /* metadata */
    {API "kind: ClusterRole\n"
         "metadata:\n"
         "  labels: {a: b}\n",
     KS_EINVAL, 4, 3,
     "metadata.name: Required value: name or generateName is required", 0},
    {API "kind: ClusterRole\n"
         "metadata:\n"
         "  name: a/b\n",
     KS_EINVAL, 4, 9, "metadata.name: Invalid value: \"a/b\": may not contain "
                      "'/'",
     0},
    {API "kind: Role\n"
         "metadata:\n"
         "  name: ..\n",
     KS_EINVAL, 4, 9, "metadata.name: Invalid value: \"..\": may not be '..'",
     0},
    {API "kind: Role\n"
         "metadata:\n"
         "  name: r\n"
         "  namespace: Dev\n",
     KS_EINVAL, 5, 14,
     "metadata.namespace: Invalid value: \"Dev\": a lowercase RFC 1123 label",
     1},
    {API "kind: Role\n"
         "metadata:\n"
         "  name: r\n"
         "  nmespace: dev\n",
     KS_EPARSE, 5, 3, "unknown key \"nmespace\" in metadata (expected one of: ",
     1},
    {API "kind: Role\nmetadata: {name: r}\nstatus: {}\n", KS_EPARSE, 4, 1,
     "unknown key \"status\" at the top level (expected one of: ", 1},
    /* API versions and lists */
    {"apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: Role\n" NS_META,
     KS_EINVAL, 1, 13,
     "apiVersion: unsupported apiVersion "
     "\"rbac.authorization.k8s.io/v1beta1\" for kind \"Role\" (ksim reads "
     "rbac.authorization.k8s.io/v1)",
     0},
    {"apiVersion: v1\nkind: ClusterRole\nmetadata: {name: c}\n", KS_EINVAL, 1,
     13,
     "apiVersion: unsupported apiVersion \"v1\" for kind \"ClusterRole\" "
     "(ksim reads rbac.authorization.k8s.io/v1)",
     0},
    {"kind: Role\n" NS_META, KS_EPARSE, 1, 1,
     "missing required key \"apiVersion\" at the top level", 0},
    {"apiVersion: v1\n"
     "kind: List\n"
     "items:\n"
     "- apiVersion: rbac.authorization.k8s.io/v1\n"
     "  kind: ClusterRole\n"
     "  metadata: {name: c}\n"
     "  rules:\n"
     "  - apiGroups: [\"*\"]\n"
     "    resources: [\"*\"]\n"
     "    verbs: []\n",
     KS_EINVAL, 10, 12,
     "items[0].rules[0].verbs: Required value: verbs must contain at least "
     "one value",
     0},
    {API "kind: List\nitems: []\n", KS_EINVAL, 1, 13,
     "apiVersion: unsupported apiVersion \"rbac.authorization.k8s.io/v1\" "
     "for kind List (expected \"v1\")",
     0},
    {"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: List}\n",
     KS_EINVAL, 4, 26, "items[0].kind: a List cannot hold another list", 0},
    /* duplicates in one input */
    {API "kind: Role\n" NS_META "---\n" API "kind: Role\n" NS_META, KS_EEXIST,
     5, 1, "duplicate Role dev/r (first defined at t.yaml:14)", 0},
    {API "kind: ClusterRole\nmetadata: {name: canary}\n", KS_EEXIST, 1, 1,
     "duplicate ClusterRole canary (first defined at t.yaml:1)", 0},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        const err_case *c = &err_cases[i];
        char text[4096];
        snprintf(text, sizeof text, "%s%s", CANARY, c->body);
        ks_rbac_policy *p = ks_rbac_policy_create();
        ks_error err;
        size_t n = 99;
        int rc = ks_rbac_manifests_load_buffer(text, strlen(text), "t.yaml",
                                               p, &n, &err);
        int ok = rc == c->code && err.code == c->code &&
                 err.line == c->line + CANARY_LINES && err.col == c->col &&
                 !strcmp(err.file, "t.yaml") &&
                 (c->prefix ? !strncmp(err.msg, c->msg, strlen(c->msg))
                            : !strcmp(err.msg, c->msg));
        if (!ok) {
            fprintf(stderr, "\ncase %zu: rc %d (want %d), ", i, rc, c->code);
            ks_error_print(&err, stderr);
            fprintf(stderr, "  want line %d col %d: %s\n",
                    c->line + CANARY_LINES, c->col, c->msg);
        }
        CU_ASSERT(ok);
        CU_ASSERT_EQUAL(n, 0);
        /* nothing reached the policy */
        CU_ASSERT_EQUAL(can(p, "canary", "get", "canaries", "dev"), 0);
        ks_rbac_policy_destroy(p);
    }
    /* the canary itself is fine */
    ks_rbac_policy *p = ks_rbac_policy_create();
    size_t n = 0;
    CU_ASSERT_EQUAL(load(p, CANARY, &n), 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(can(p, "canary", "get", "canaries", "dev"), 1);
    ks_rbac_policy_destroy(p);
}

/* An error leaves an already loaded policy as it was. */
static void test_error_keeps_policy(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    CU_ASSERT_EQUAL(load(p, DOCS, NULL), 0);
    const char *bad = API "kind: Role\n"
                          "metadata: {name: pod-reader, namespace: dev}\n"
                          "rules: [{verbs: [delete], apiGroups: [\"\"], "
                          "resources: [pods]}]\n"
                          "---\n" API "kind: RoleBinding\n"
                          "metadata: {name: x, namespace: dev}\n"
                          "roleRef: {kind: Role, name: pod-reader}\n"
                          "subjects: [{kind: Wizard, name: w}]\n";
    ks_error err;
    size_t n = 7;
    CU_ASSERT_EQUAL(ks_rbac_manifests_load_buffer(bad, strlen(bad), "bad.yaml",
                                                  p, &n, &err),
                    KS_EINVAL);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_STRING_EQUAL(err.file, "bad.yaml");
    CU_ASSERT_EQUAL(err.line, 10);
    check_example_policy(p);
    CU_ASSERT_EQUAL(can(p, "jane", "delete", "pods", "dev"), 0);
    ks_rbac_policy_destroy(p);
}

/* ---- identities --------------------------------------------------------- */

static void test_identities(void)
{
    ks_rbac_user u;
    CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity("admin", &u), 0);
    CU_ASSERT_STRING_EQUAL(u.name, "kubernetes-admin");
    CU_ASSERT_EQUAL_FATAL(u.ngroups, 2);
    CU_ASSERT_STRING_EQUAL(u.groups[0], "system:masters");
    CU_ASSERT_STRING_EQUAL(u.groups[1], "system:authenticated");
    ks_rbac_user_free(&u);

    CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity("jane", &u), 0);
    CU_ASSERT_STRING_EQUAL(u.name, "jane");
    CU_ASSERT_EQUAL_FATAL(u.ngroups, 1);
    CU_ASSERT_STRING_EQUAL(u.groups[0], "system:authenticated");
    ks_rbac_user_free(&u);

    /* names are case-sensitive and may look like system users */
    CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity("Admin", &u), 0);
    CU_ASSERT_STRING_EQUAL(u.name, "Admin");
    CU_ASSERT_EQUAL(u.ngroups, 1);
    ks_rbac_user_free(&u);
    CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity("system:kube-scheduler", &u),
                          0);
    CU_ASSERT_STRING_EQUAL(u.name, "system:kube-scheduler");
    ks_rbac_user_free(&u);

    static const char *const sa_forms[] = {
        "system:serviceaccount:kube-system:default",
        "serviceaccount:kube-system/default"};
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity(sa_forms[i], &u), 0);
        CU_ASSERT_STRING_EQUAL(u.name,
                               "system:serviceaccount:kube-system:default");
        CU_ASSERT_EQUAL_FATAL(u.ngroups, 3);
        CU_ASSERT_STRING_EQUAL(u.groups[0], "system:serviceaccounts");
        CU_ASSERT_STRING_EQUAL(u.groups[1],
                               "system:serviceaccounts:kube-system");
        CU_ASSERT_STRING_EQUAL(u.groups[2], "system:authenticated");
        ks_rbac_user_free(&u);
    }
    /* a dotted service account name is a DNS-1123 subdomain */
    CU_ASSERT_EQUAL_FATAL(ks_rbac_parse_identity("serviceaccount:ns/a.b-c", &u),
                          0);
    CU_ASSERT_STRING_EQUAL(u.name, "system:serviceaccount:ns:a.b-c");
    ks_rbac_user_free(&u);

    static const char *const bad[] = {
        "",
        "system:serviceaccount:",
        "system:serviceaccount:dev",
        "system:serviceaccount:dev:",
        "system:serviceaccount::builder",
        "system:serviceaccount:dev:a:b",
        "system:serviceaccount:Dev:builder",
        "system:serviceaccount:dev:Builder",
        "system:serviceaccount:a.b:builder", /* namespace: a label */
        "serviceaccount:dev",
        "serviceaccount:dev/",
        "serviceaccount:/builder",
        "serviceaccount:dev/a/b",
        "serviceaccount:dev:builder",
        "bad\nname",
        "tab\tname",
        NULL};
    static char garbage[] = "garbage";
    for (size_t i = 0; bad[i]; i++) {
        u.name = garbage;
        int rc = ks_rbac_parse_identity(bad[i], &u);
        if (rc != KS_EINVAL)
            fprintf(stderr, "\nidentity \"%s\" parsed\n", bad[i]);
        CU_ASSERT_EQUAL(rc, KS_EINVAL);
        CU_ASSERT_PTR_NULL(u.name);
        CU_ASSERT_EQUAL(u.ngroups, 0);
        ks_rbac_user_free(&u); /* safe on the zeroed user */
    }
    CU_ASSERT_EQUAL(ks_rbac_parse_identity(NULL, &u), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_rbac_parse_identity("jane", NULL), KS_EINVAL);
    /* a 64-character namespace is not a label */
    char longns[128];
    snprintf(longns, sizeof longns, "serviceaccount:%064d/x", 0);
    CU_ASSERT_EQUAL(ks_rbac_parse_identity(longns, &u), KS_EINVAL);
    snprintf(longns, sizeof longns, "serviceaccount:%063d/x", 0);
    CU_ASSERT_EQUAL(ks_rbac_parse_identity(longns, &u), 0);
    ks_rbac_user_free(&u);
}

void ks_suite_rbac_manifests(void)
{
    static const ks_test_case cases[] = {
        {"Role, RoleBinding, ClusterRole, ClusterRoleBinding documents",
         test_documents},
        {"the same as kind: List and a typed list", test_list},
        {"load from a file", test_file},
        {"other kinds are ignored", test_other_kinds_ignored},
        {"aggregationRule accepted and ignored", test_aggregation_rule},
        {"replace, namespaces and kinds", test_replace_and_scopes},
        {"scalars that must be quoted", test_scalars},
        {"validation errors with FILE:LINE:COL", test_errors},
        {"an error keeps the policy", test_error_keeps_policy},
        {"identities", test_identities},
        {NULL, NULL},
    };
    ks_test_add_suite("rbac_manifests", cases);
}
