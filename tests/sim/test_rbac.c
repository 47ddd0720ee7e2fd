/* test_rbac.c - the RBAC authorizer and the DefaultTolerationSeconds and
 * Priority admission plugins (sim/rbac.h, sim/admission.h).
 *
 * Tables ported from kubernetes/kubernetes:
 *   plugin/pkg/auth/authorizer/rbac/rbac_test.go  TestAuthorizer, TestRuleMatches
 *   pkg/registry/rbac/validation/rule_test.go     TestDefaultRuleResolver,
 *                                                 TestAppliesTo
 *   plugin/pkg/admission/defaulttolerationseconds/admission_test.go
 *                                                 TestForgivenessAdmission
 *   plugin/pkg/admission/priority/admission_test.go
 *                                                 TestPriorityClassAdmission,
 *                                                 TestDefaultPriority,
 *                                                 TestPodAdmission
 */
#include <stdlib.h>
#include <string.h>

#include "sim/admission.h"
#include "sim/rbac.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

void ks_suite_rbac(void);

/* ---- helpers mirroring rbac_test.go's newRule / newClusterRole / ... ---- */

static void put_role1(ks_rbac_policy *p, const char *ns, const char *name,
                      const char *verbs, const char *groups,
                      const char *resources, const char *names,
                      const char *urls)
{
    ks_rbac_rule r = {0};
    ks_rbac_rule_init(&r, verbs, groups, resources, names, urls);
    CU_ASSERT_EQUAL(ks_rbac_put_role(p, ns, name, &r, 1, NULL), 0);
    ks_rbac_rule_free(&r);
}

/* subjects: "User:admin,Group:admins,ServiceAccount:ns/name" (ns optional) */
static void put_binding(ks_rbac_policy *p, const char *ns, const char *name,
                        ks_rbac_role_kind kind, const char *role,
                        const char *subjects)
{
    ks_rbac_subject subs[16];
    char *copy = ks_xstrdup(subjects);
    size_t n = 0;
    for (char *tok = strtok(copy, ","); tok && n < 16;
         tok = strtok(NULL, ",")) {
        char *colon = strchr(tok, ':');
        *colon = '\0';
        ks_rbac_subject s = {0};
        s.name = colon + 1;
        if (strcmp(tok, "User") == 0)
            s.kind = KS_RBAC_USER;
        else if (strcmp(tok, "Group") == 0)
            s.kind = KS_RBAC_GROUP;
        else {
            s.kind = KS_RBAC_SERVICE_ACCOUNT;
            char *slash = strchr(colon + 1, '/');
            if (slash) {
                *slash = '\0';
                s.namespace_name = colon + 1;
                s.name = slash + 1;
            }
        }
        subs[n++] = s;
    }
    CU_ASSERT_EQUAL(
        ks_rbac_put_binding(p, ns, name, kind, role, subs, n, NULL), 0);
    free(copy);
}

/* defaultAttributes{user, groups, verb, resource, subresource, ns, group} */
static int decide(ks_rbac_policy *p, const char *user, const char *groups,
                  const char *verb, const char *resource, const char *sub,
                  const char *ns, const char *api_group, const char *name)
{
    ks_rbac_user u;
    ks_rbac_user_init(&u, user, groups);
    ks_rbac_attrs a = {.user = &u, .verb = verb, .api_group = api_group,
                       .resource = resource, .subresource = sub,
                       .namespace_name = ns, .name = name};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    ks_rbac_user_free(&u);
    return d.allowed;
}

static int decide_url(ks_rbac_policy *p, const char *user,
                      const char *groups, const char *verb, const char *path)
{
    ks_rbac_user u;
    ks_rbac_user_init(&u, user, groups);
    ks_rbac_attrs a = {.user = &u, .verb = verb, .non_resource = 1,
                       .path = path};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    ks_rbac_user_free(&u);
    return d.allowed;
}

/* ---- rbac_test.go TestAuthorizer ---------------------------------------- */

/* TestAuthorizer case 0: a ClusterRole bound by a RoleBinding in ns1 grants
 * only in ns1; verbs are case-sensitive ("GET" is not "get"). */
static void test_authorizer_rolebinding_to_clusterrole(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "admin", "*", "*", "*", NULL, "*");
    put_binding(p, "ns1", "b", KS_RBAC_CLUSTER_ROLE, "admin",
                "User:admin,Group:admins");
    CU_ASSERT_TRUE(decide(p, "admin", "", "get", "Pods", "", "ns1", "", ""));
    CU_ASSERT_TRUE(decide(p, "admin", "", "watch", "Pods", "", "ns1", "", ""));
    CU_ASSERT_TRUE(
        decide(p, "admin", "group1", "watch", "Foobar", "", "ns1", "", ""));
    CU_ASSERT_TRUE(
        decide(p, "joe", "admins", "watch", "Foobar", "", "ns1", "", ""));
    CU_ASSERT_TRUE(decide(p, "joe", "group1,admins", "watch", "Foobar", "",
                          "ns1", "", ""));
    CU_ASSERT_FALSE(decide(p, "admin", "", "GET", "Pods", "", "ns2", "", ""));
    CU_ASSERT_FALSE(decide(p, "admin", "", "GET", "Nodes", "", "", "", ""));
    CU_ASSERT_FALSE(
        decide(p, "admin", "admins", "GET", "Pods", "", "ns2", "", ""));
    CU_ASSERT_FALSE(
        decide(p, "admin", "admins", "GET", "Nodes", "", "", "", ""));
    ks_rbac_policy_destroy(p);
}

/* TestAuthorizer case 1: non-resource URLs through ClusterRoleBindings. */
static void test_authorizer_non_resource_urls(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "non-resource-url-getter", "get", "", "", NULL,
              "/apis");
    put_role1(p, NULL, "non-resource-url", "*", "", "", NULL, "/apis");
    put_role1(p, NULL, "non-resource-url-prefix", "get", "", "", NULL,
              "/apis/*");
    put_binding(p, NULL, "b1", KS_RBAC_CLUSTER_ROLE, "non-resource-url-getter",
                "User:foo,Group:bar");
    put_binding(p, NULL, "b2", KS_RBAC_CLUSTER_ROLE, "non-resource-url",
                "User:admin,Group:admin");
    put_binding(p, NULL, "b3", KS_RBAC_CLUSTER_ROLE, "non-resource-url-prefix",
                "User:prefixed,Group:prefixed");
    CU_ASSERT_TRUE(decide_url(p, "foo", NULL, "get", "/apis"));
    CU_ASSERT_TRUE(decide_url(p, "", "bar", "get", "/apis"));
    CU_ASSERT_TRUE(decide_url(p, "admin", NULL, "get", "/apis"));
    CU_ASSERT_TRUE(decide_url(p, "", "admin", "get", "/apis"));
    CU_ASSERT_TRUE(decide_url(p, "admin", NULL, "watch", "/apis"));
    CU_ASSERT_TRUE(decide_url(p, "", "admin", "watch", "/apis"));
    CU_ASSERT_TRUE(decide_url(p, "prefixed", NULL, "get", "/apis/v1"));
    CU_ASSERT_TRUE(decide_url(p, "", "prefixed", "get", "/apis/v1"));
    CU_ASSERT_TRUE(decide_url(p, "prefixed", NULL, "get", "/apis/v1/foobar"));
    CU_ASSERT_TRUE(decide_url(p, "", "prefixed", "get", "/apis/v1/foorbar"));
    /* wrong verb */
    CU_ASSERT_FALSE(decide_url(p, "foo", NULL, "watch", "/apis"));
    CU_ASSERT_FALSE(decide_url(p, "", "bar", "watch", "/apis"));
    /* wrong path */
    CU_ASSERT_FALSE(decide_url(p, "foo", NULL, "get", "/api/v1"));
    CU_ASSERT_FALSE(decide_url(p, "", "bar", "get", "/api/v1"));
    CU_ASSERT_FALSE(decide_url(p, "admin", NULL, "get", "/api/v1"));
    CU_ASSERT_FALSE(decide_url(p, "", "admin", "get", "/api/v1"));
    /* not covered by prefix */
    CU_ASSERT_FALSE(decide_url(p, "prefixed", NULL, "get", "/api/v1"));
    CU_ASSERT_FALSE(decide_url(p, "", "prefixed", "get", "/api/v1"));
    ks_rbac_policy_destroy(p);
}

/* TestAuthorizer cases 2 and 3: subresource resolution. */
static void test_authorizer_subresources(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "admin", "*", "*", "pods", NULL, "*");
    put_binding(p, "ns1", "b", KS_RBAC_CLUSTER_ROLE, "admin",
                "User:admin,Group:admins");
    CU_ASSERT_TRUE(decide(p, "admin", "", "get", "pods", "", "ns1", "", ""));
    CU_ASSERT_FALSE(
        decide(p, "admin", "", "get", "pods", "status", "ns1", "", ""));
    /* case 3: the same binding, the role now grants only pods/status */
    put_role1(p, NULL, "admin", "*", "*", "pods/status", NULL, "*");
    CU_ASSERT_TRUE(
        decide(p, "admin", "", "get", "pods", "status", "ns1", "", ""));
    CU_ASSERT_FALSE(decide(p, "admin", "", "get", "pods", "", "ns1", "", ""));
    ks_rbac_policy_destroy(p);
}

/* ---- rbac_test.go TestRuleMatches --------------------------------------- */

typedef struct rule_case {
    const char *verb, *group, *resource, *sub, *url;
    int want;
} rule_case;

static void check_rule(const char *verbs, const char *groups,
                       const char *resources, const char *urls,
                       const rule_case *cases, size_t n)
{
    ks_rbac_rule r = {0};
    ks_rbac_rule_init(&r, verbs, groups, resources, NULL, urls);
    for (size_t i = 0; i < n; i++) {
        ks_rbac_attrs a = {.verb = cases[i].verb,
                           .api_group = cases[i].group,
                           .resource = cases[i].resource,
                           .subresource = cases[i].sub,
                           .non_resource = cases[i].url != NULL,
                           .path = cases[i].url};
        CU_ASSERT_EQUAL(ks_rbac_rule_allows(&r, &a), cases[i].want);
    }
    ks_rbac_rule_free(&r);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_rule_matches(void)
{
    /* "star verb, exact match other" */
    static const rule_case star_verb[] = {
        {"verb1", "group1", "resource1", NULL, NULL, 1},
        {"verb1", "group2", "resource1", NULL, NULL, 0},
        {"verb1", "group1", "resource2", NULL, NULL, 0},
        {"verb1", "group2", "resource2", NULL, NULL, 0},
        {"verb2", "group1", "resource1", NULL, NULL, 1},
        {"verb2", "group2", "resource1", NULL, NULL, 0},
        {"verb2", "group1", "resource2", NULL, NULL, 0},
        {"verb2", "group2", "resource2", NULL, NULL, 0},
    };
    check_rule("*", "group1", "resource1", NULL, star_verb, N(star_verb));
    /* "star group, exact match other" */
    static const rule_case star_group[] = {
        {"verb1", "group1", "resource1", NULL, NULL, 1},
        {"verb1", "group2", "resource1", NULL, NULL, 1},
        {"verb1", "group1", "resource2", NULL, NULL, 0},
        {"verb1", "group2", "resource2", NULL, NULL, 0},
        {"verb2", "group1", "resource1", NULL, NULL, 0},
        {"verb2", "group2", "resource1", NULL, NULL, 0},
        {"verb2", "group1", "resource2", NULL, NULL, 0},
        {"verb2", "group2", "resource2", NULL, NULL, 0},
    };
    check_rule("verb1", "*", "resource1", NULL, star_group, N(star_group));
    /* "star resource, exact match other" */
    static const rule_case star_res[] = {
        {"verb1", "group1", "resource1", NULL, NULL, 1},
        {"verb1", "group2", "resource1", NULL, NULL, 0},
        {"verb1", "group1", "resource2", NULL, NULL, 1},
        {"verb1", "group2", "resource2", NULL, NULL, 0},
        {"verb2", "group1", "resource1", NULL, NULL, 0},
        {"verb2", "group2", "resource1", NULL, NULL, 0},
        {"verb2", "group1", "resource2", NULL, NULL, 0},
        {"verb2", "group2", "resource2", NULL, NULL, 0},
    };
    check_rule("verb1", "group1", "*", NULL, star_res, N(star_res));
    /* "tuple expansion" */
    static const rule_case tuple[] = {
        {"verb1", "group1", "resource1", NULL, NULL, 1},
        {"verb1", "group2", "resource1", NULL, NULL, 1},
        {"verb1", "group1", "resource2", NULL, NULL, 1},
        {"verb1", "group2", "resource2", NULL, NULL, 1},
        {"verb2", "group1", "resource1", NULL, NULL, 1},
        {"verb2", "group2", "resource1", NULL, NULL, 1},
        {"verb2", "group1", "resource2", NULL, NULL, 1},
        {"verb2", "group2", "resource2", NULL, NULL, 1},
    };
    check_rule("verb1,verb2", "group1,group2", "resource1,resource2", NULL,
               tuple, N(tuple));
    /* "subresource expansion" */
    static const rule_case subres[] = {
        {"verb1", "group1", "resource1", "subresource1", NULL, 1},
        {"verb1", "group2", "resource1", "subresource2", NULL, 0},
        {"verb1", "group1", "resource2", "subresource1", NULL, 0},
        {"verb1", "group2", "resource2", "subresource1", NULL, 0},
        {"verb2", "group1", "resource1", "subresource1", NULL, 1},
        {"verb2", "group2", "resource1", "subresource2", NULL, 0},
        {"verb2", "group1", "resource2", "subresource1", NULL, 0},
        {"verb2", "group2", "resource2", "subresource1", NULL, 0},
    };
    check_rule("*", "*", "resource1/subresource1", NULL, subres, N(subres));
    /* "star nonresource, exact match other" */
    static const rule_case star_url[] = {
        {"verb1", NULL, NULL, NULL, "/foo", 1},
        {"verb1", NULL, NULL, NULL, "/foo/bar", 1},
        {"verb1", NULL, NULL, NULL, "/foo/baz", 1},
        {"verb1", NULL, NULL, NULL, "/foo/bar/one", 1},
        {"verb1", NULL, NULL, NULL, "/foo/baz/one", 1},
        {"verb2", NULL, NULL, NULL, "/foo", 0},
        {"verb2", NULL, NULL, NULL, "/foo/bar", 0},
        {"verb2", NULL, NULL, NULL, "/foo/baz", 0},
        {"verb2", NULL, NULL, NULL, "/foo/bar/one", 0},
        {"verb2", NULL, NULL, NULL, "/foo/baz/one", 0},
    };
    check_rule("verb1", NULL, NULL, "*", star_url, N(star_url));
    /* "star nonresource subpath" */
    static const rule_case subpath[] = {
        {"verb1", NULL, NULL, NULL, "/foo", 0},
        {"verb1", NULL, NULL, NULL, "/foo/bar", 1},
        {"verb1", NULL, NULL, NULL, "/foo/baz", 1},
        {"verb1", NULL, NULL, NULL, "/foo/bar/one", 1},
        {"verb1", NULL, NULL, NULL, "/foo/baz/one", 1},
        {"verb1", NULL, NULL, NULL, "/notfoo", 0},
        {"verb1", NULL, NULL, NULL, "/notfoo/bar", 0},
        {"verb1", NULL, NULL, NULL, "/notfoo/baz", 0},
        {"verb1", NULL, NULL, NULL, "/notfoo/bar/one", 0},
        {"verb1", NULL, NULL, NULL, "/notfoo/baz/one", 0},
    };
    check_rule("verb1", NULL, NULL, "/foo/*", subpath, N(subpath));
    /* "star verb, exact nonresource" */
    static const rule_case exact_url[] = {
        {"verb1", NULL, NULL, NULL, "/foo", 1},
        {"verb1", NULL, NULL, NULL, "/foo/bar", 0},
        {"verb1", NULL, NULL, NULL, "/foo/baz", 0},
        {"verb1", NULL, NULL, NULL, "/foo/bar/one", 1},
        {"verb1", NULL, NULL, NULL, "/foo/baz/one", 0},
        {"verb2", NULL, NULL, NULL, "/foo", 1},
        {"verb2", NULL, NULL, NULL, "/foo/bar", 0},
        {"verb2", NULL, NULL, NULL, "/foo/baz", 0},
        {"verb2", NULL, NULL, NULL, "/foo/bar/one", 1},
        {"verb2", NULL, NULL, NULL, "/foo/baz/one", 0},
    };
    check_rule("*", NULL, NULL, "/foo,/foo/bar/one", exact_url, N(exact_url));
}

/* evaluation_helpers.go ResourceMatches: "*" + "/" + sub matches any
 * resource's subresource; upstream has no "resource/ *" wildcard. */
static void test_rule_subresource_wildcards(void)
{
    static const rule_case star_sub[] = {
        {"get", "", "pods", "status", NULL, 1},
        {"get", "", "nodes", "status", NULL, 1},
        {"get", "", "pods", "log", NULL, 0},
        {"get", "", "pods", NULL, NULL, 0},
    };
    check_rule("get", "", "*/status", NULL, star_sub, N(star_sub));
    static const rule_case res_star[] = {
        {"get", "", "pods", "status", NULL, 0},
        {"get", "", "pods", NULL, NULL, 0},
    };
    check_rule("get", "", "pods/*", NULL, res_star, N(res_star));
}

/* ResourceNameMatches: with resourceNames, only named requests match, so a
 * create or list (no name) is denied. */
static void test_rule_resource_names(void)
{
    ks_rbac_rule r = {0};
    ks_rbac_rule_init(&r, "get,update,create,list", "", "configmaps",
                      "cm1,cm2", NULL);
    ks_rbac_attrs a = {.verb = "get", .api_group = "",
                       .resource = "configmaps", .name = "cm1"};
    CU_ASSERT_TRUE(ks_rbac_rule_allows(&r, &a));
    a.name = "cm2";
    a.verb = "update";
    CU_ASSERT_TRUE(ks_rbac_rule_allows(&r, &a));
    a.name = "cm3";
    CU_ASSERT_FALSE(ks_rbac_rule_allows(&r, &a));
    a.name = NULL;
    a.verb = "create";
    CU_ASSERT_FALSE(ks_rbac_rule_allows(&r, &a));
    a.verb = "list";
    CU_ASSERT_FALSE(ks_rbac_rule_allows(&r, &a));
    ks_rbac_rule_free(&r);
    /* the core group is "", not "v1" and not "*" */
    ks_rbac_rule_init(&r, "get", "apps", "deployments", NULL, NULL);
    ks_rbac_attrs b = {.verb = "get", .api_group = "",
                       .resource = "deployments"};
    CU_ASSERT_FALSE(ks_rbac_rule_allows(&r, &b));
    b.api_group = "apps";
    CU_ASSERT_TRUE(ks_rbac_rule_allows(&r, &b));
    ks_rbac_rule_free(&r);
}

/* ---- rule_test.go TestDefaultRuleResolver, as decisions ----------------- */

static void test_default_rule_resolver(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    ks_rbac_rule rules[2] = {{0}, {0}};
    ks_rbac_rule_init(&rules[0], "GET,WATCH", "v1", "pods", NULL, NULL);
    ks_rbac_rule_init(&rules[1], "GET,WATCH", "v1", "services", NULL, NULL);
    CU_ASSERT_EQUAL(ks_rbac_put_role(p, "namespace1", "readthings", rules, 2,
                                     NULL), 0);
    ks_rbac_rule_free(&rules[0]);
    ks_rbac_rule_free(&rules[1]);
    put_role1(p, NULL, "cluster-admin", "*", "*", "*", NULL, NULL);
    put_role1(p, NULL, "write-nodes", "PUT,CREATE,UPDATE", "v1", "nodes", NULL,
              NULL);
    put_binding(p, "namespace1", "rb", KS_RBAC_ROLE, "readthings",
                "User:foobar,Group:group1");
    put_binding(p, NULL, "crb", KS_RBAC_CLUSTER_ROLE, "cluster-admin",
                "User:admin,Group:admin");
    /* foobar in namespace1: ruleReadPods, ruleReadServices */
    CU_ASSERT_TRUE(decide(p, "foobar", NULL, "GET", "pods", NULL,
                          "namespace1", "v1", NULL));
    CU_ASSERT_TRUE(decide(p, "foobar", NULL, "WATCH", "services", NULL,
                          "namespace1", "v1", NULL));
    CU_ASSERT_FALSE(decide(p, "foobar", NULL, "PUT", "nodes", NULL,
                           "namespace1", "v1", NULL));
    /* foobar in namespace2: no rules */
    CU_ASSERT_FALSE(decide(p, "foobar", NULL, "GET", "pods", NULL,
                           "namespace2", "v1", NULL));
    /* no namespace, group admin: only the cluster rules (ruleAdmin) */
    CU_ASSERT_TRUE(decide(p, "foobar", "admin", "delete", "anything", NULL,
                          NULL, "any", NULL));
    /* the empty user: nothing */
    CU_ASSERT_FALSE(decide(p, "", NULL, "GET", "pods", NULL, "namespace1",
                           "v1", NULL));
    /* group1 gets the RoleBinding too */
    CU_ASSERT_TRUE(decide(p, "x", "group1", "GET", "pods", NULL, "namespace1",
                          "v1", NULL));
    ks_rbac_policy_destroy(p);
}

/* ---- rule_test.go TestAppliesTo, as decisions ---------------------------- */

static int applies(const char *subjects, const char *user, const char *groups,
                   const char *ns)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "all", "*", "*", "*", NULL, NULL);
    if (ns && *ns)
        put_binding(p, ns, "b", KS_RBAC_CLUSTER_ROLE, "all", subjects);
    else
        put_binding(p, NULL, "b", KS_RBAC_CLUSTER_ROLE, "all", subjects);
    int ok = decide(p, user, groups, "get", "pods", NULL, ns, "", NULL);
    ks_rbac_policy_destroy(p);
    return ok;
}

static void test_applies_to(void)
{
    /* single subject that matches username */
    CU_ASSERT_TRUE(applies("User:foobar", "foobar", NULL, NULL));
    /* multiple subjects, one that matches username */
    CU_ASSERT_TRUE(applies("User:barfoo,User:foobar", "foobar", NULL, NULL));
    /* multiple subjects, none that match username */
    CU_ASSERT_FALSE(applies("User:barfoo,User:foobar", "zimzam", NULL, NULL));
    /* multiple subjects, one that match group */
    CU_ASSERT_TRUE(
        applies("User:barfoo,Group:foobar", "zimzam", "foobar", NULL));
    /* ... should ignore namespace */
    CU_ASSERT_TRUE(applies("User:barfoo,Group:foobar", "zimzam", "foobar",
                           "namespace1"));
    /* multiple subjects with a service account that matches */
    CU_ASSERT_TRUE(applies(
        "User:barfoo,Group:foobar,ServiceAccount:kube-system/default",
        "system:serviceaccount:kube-system:default", NULL, "default"));
    /* * user subject name doesn't match all users */
    CU_ASSERT_FALSE(applies("User:*", "foobar", NULL, "default"));
    /* all authenticated and unauthenticated: both kinds of users */
    CU_ASSERT_TRUE(applies("Group:system:authenticated,Group:system:"
                           "unauthenticated",
                           "foobar", "system:authenticated", "default"));
    CU_ASSERT_TRUE(applies("Group:system:authenticated,Group:system:"
                           "unauthenticated",
                           "system:anonymous", "system:unauthenticated",
                           "default"));
}

/* appliesToUser: a ServiceAccount subject without namespace defaults to the
 * RoleBinding's namespace, and never matches in a ClusterRoleBinding. */
static void test_service_account_subjects(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "view", "get,list,watch", "", "pods", NULL, NULL);
    put_binding(p, "team", "rb", KS_RBAC_CLUSTER_ROLE, "view",
                "ServiceAccount:builder");
    put_binding(p, NULL, "crb", KS_RBAC_CLUSTER_ROLE, "view",
                "ServiceAccount:nobody");
    ks_rbac_user sa;
    ks_rbac_user_init_service_account(&sa, "team", "builder");
    CU_ASSERT_STRING_EQUAL(sa.name, "system:serviceaccount:team:builder");
    CU_ASSERT_EQUAL(sa.ngroups, 3);
    CU_ASSERT_STRING_EQUAL(sa.groups[0], "system:serviceaccounts");
    CU_ASSERT_STRING_EQUAL(sa.groups[1], "system:serviceaccounts:team");
    CU_ASSERT_STRING_EQUAL(sa.groups[2], "system:authenticated");
    ks_rbac_attrs a = {.user = &sa, .verb = "list", .resource = "pods",
                       .namespace_name = "team"};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_TRUE(d.allowed);
    CU_ASSERT_STRING_EQUAL(d.reason,
                           "RBAC: allowed by RoleBinding \"rb/team\" of "
                           "ClusterRole \"view\" to ServiceAccount "
                           "\"builder/team\"");
    a.namespace_name = "other";
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_FALSE(d.allowed);
    ks_rbac_user_free(&sa);
    /* the unqualified SA in the ClusterRoleBinding matches nobody, not even
     * a service account of that name in the request's namespace */
    ks_rbac_user_init_service_account(&sa, "default", "nobody");
    a.user = &sa;
    a.namespace_name = "default";
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_FALSE(d.allowed);
    ks_rbac_user_free(&sa);
    /* a group of service accounts: system:serviceaccounts:team */
    put_binding(p, NULL, "all-team", KS_RBAC_CLUSTER_ROLE, "view",
                "Group:system:serviceaccounts:team");
    ks_rbac_user_init_service_account(&sa, "team", "other");
    a.user = &sa;
    a.namespace_name = "elsewhere";
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_TRUE(d.allowed);
    CU_ASSERT_STRING_EQUAL(d.reason,
                           "RBAC: allowed by ClusterRoleBinding \"all-team\" "
                           "of ClusterRole \"view\" to Group "
                           "\"system:serviceaccounts:team\"");
    ks_rbac_user_free(&sa);
    ks_rbac_policy_destroy(p);
}

/* GetRoleReferenceRules: a RoleBinding's Role is looked up in the binding's
 * namespace; a missing role grants nothing and is named in the reason. */
static void test_role_reference_and_reasons(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, "a", "editor", "*", "", "pods", NULL, NULL);
    put_binding(p, "a", "rb", KS_RBAC_ROLE, "editor", "User:ann");
    put_binding(p, "b", "rb", KS_RBAC_ROLE, "editor", "User:ann");
    CU_ASSERT_TRUE(decide(p, "ann", NULL, "create", "pods", NULL, "a", "",
                          NULL));
    ks_rbac_user u;
    ks_rbac_user_init(&u, "ann", "system:authenticated");
    ks_rbac_attrs a = {.user = &u, .verb = "create", .resource = "pods",
                       .namespace_name = "b", .name = "web-1"};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_FALSE(d.allowed);
    CU_ASSERT_STRING_EQUAL(
        d.reason, "RBAC: role.rbac.authorization.k8s.io \"editor\" not found");
    char *msg = ks_rbac_forbidden_message(&a, &d);
    CU_ASSERT_STRING_EQUAL(
        msg, "pods \"web-1\" is forbidden: User \"ann\" cannot create "
             "resource \"pods\" in API group \"\" in the namespace \"b\": "
             "RBAC: role.rbac.authorization.k8s.io \"editor\" not found");
    free(msg);
    /* two errors are aggregated in brackets */
    put_binding(p, NULL, "crb", KS_RBAC_CLUSTER_ROLE, "ghost", "User:ann");
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_FALSE(d.allowed);
    CU_ASSERT_STRING_EQUAL(
        d.reason, "RBAC: [clusterrole.rbac.authorization.k8s.io \"ghost\" not "
                  "found, role.rbac.authorization.k8s.io \"editor\" not "
                  "found]");
    /* a plain deny has no reason; cluster-scoped and subresource wording */
    ks_rbac_attrs c = {.user = &u, .verb = "patch", .api_group = "",
                       .resource = "nodes", .subresource = "status",
                       .name = "n1"};
    ks_rbac_policy *empty = ks_rbac_policy_create();
    ks_rbac_authorize(empty, &c, &d);
    CU_ASSERT_FALSE(d.allowed);
    CU_ASSERT_STRING_EQUAL(d.reason, "");
    msg = ks_rbac_forbidden_message(&c, &d);
    CU_ASSERT_STRING_EQUAL(
        msg, "nodes \"n1\" is forbidden: User \"ann\" cannot patch resource "
             "\"nodes/status\" in API group \"\" at the cluster scope");
    free(msg);
    ks_rbac_attrs l = {.user = &u, .verb = "list", .api_group = "apps",
                       .resource = "deployments", .namespace_name = "x"};
    msg = ks_rbac_forbidden_message(&l, NULL);
    CU_ASSERT_STRING_EQUAL(
        msg, "deployments.apps is forbidden: User \"ann\" cannot list "
             "resource \"deployments\" in API group \"apps\" in the "
             "namespace \"x\"");
    free(msg);
    ks_rbac_policy_destroy(empty);
    /* a ClusterRoleBinding cannot reference a Role */
    ks_error err;
    ks_rbac_subject s = {KS_RBAC_USER, "ann", NULL};
    CU_ASSERT_EQUAL(ks_rbac_put_binding(p, NULL, "bad", KS_RBAC_ROLE, "editor",
                                        &s, 1, &err),
                    KS_EINVAL);
    ks_rbac_user_free(&u);
    ks_rbac_policy_destroy(p);
}

/* builtin.go privilegedGroupAuthorizer: system:masters is allowed
 * everything with no policy at all; no user is denied. */
static void test_system_masters_and_counts(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    ks_rbac_user u;
    ks_rbac_user_init(&u, "kubernetes-admin",
                      "system:masters,system:authenticated");
    ks_rbac_attrs a = {.user = &u, .verb = "delete", .resource = "nodes",
                       .name = "n1"};
    ks_rbac_decision d;
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_TRUE(d.allowed);
    CU_ASSERT_TRUE(d.by_privileged_group);
    CU_ASSERT_STRING_EQUAL(d.reason, "");
    a.user = NULL;
    ks_rbac_authorize(p, &a, &d);
    CU_ASSERT_FALSE(d.allowed);
    ks_rbac_user_free(&u);
    CU_ASSERT_FALSE(decide(p, "bob", NULL, "get", "pods", NULL, "x", "",
                           NULL));
    CU_ASSERT_EQUAL(ks_rbac_allowed_count(p), 1);
    CU_ASSERT_EQUAL(ks_rbac_denied_count(p), 2);
    ks_rbac_policy_destroy(p);
}

/* Replacing and deleting roles and bindings takes effect at once. */
static void test_put_delete(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "view", "get", "", "pods", NULL, NULL);
    put_binding(p, NULL, "b", KS_RBAC_CLUSTER_ROLE, "view", "User:u1");
    CU_ASSERT_TRUE(decide(p, "u1", NULL, "get", "pods", NULL, "x", "", NULL));
    put_binding(p, NULL, "b", KS_RBAC_CLUSTER_ROLE, "view", "User:u2");
    CU_ASSERT_FALSE(decide(p, "u1", NULL, "get", "pods", NULL, "x", "", NULL));
    CU_ASSERT_TRUE(decide(p, "u2", NULL, "get", "pods", NULL, "x", "", NULL));
    CU_ASSERT_EQUAL(ks_rbac_delete_role(p, NULL, "view"), 0);
    CU_ASSERT_FALSE(decide(p, "u2", NULL, "get", "pods", NULL, "x", "", NULL));
    CU_ASSERT_EQUAL(ks_rbac_delete_role(p, NULL, "view"), KS_ENOENT);
    put_role1(p, NULL, "view", "get", "", "pods", NULL, NULL);
    CU_ASSERT_TRUE(decide(p, "u2", NULL, "get", "pods", NULL, "x", "", NULL));
    CU_ASSERT_EQUAL(ks_rbac_delete_binding(p, NULL, "b"), 0);
    CU_ASSERT_EQUAL(ks_rbac_delete_binding(p, NULL, "b"), KS_ENOENT);
    CU_ASSERT_FALSE(decide(p, "u2", NULL, "get", "pods", NULL, "x", "", NULL));
    put_binding(p, NULL, "b", KS_RBAC_CLUSTER_ROLE, "view", "User:u3");
    CU_ASSERT_TRUE(decide(p, "u3", NULL, "get", "pods", NULL, "x", "", NULL));
    ks_rbac_policy_destroy(p);
}

/* Thousands of bindings: a decision only visits the bindings of the user's
 * own subjects (bindings_matched), and agrees with the policy. */
static void test_many_bindings(void)
{
    ks_rbac_policy *p = ks_rbac_policy_create();
    put_role1(p, NULL, "edit", "*", "", "pods", NULL, NULL);
    enum { NUSERS = 5000 };
    char name[64], ns[64], bname[64];
    for (int i = 0; i < NUSERS; i++) {
        snprintf(name, sizeof name, "User:user-%d", i);
        snprintf(ns, sizeof ns, "ns-%d", i % 100);
        snprintf(bname, sizeof bname, "rb-%d", i);
        put_binding(p, ns, bname, KS_RBAC_CLUSTER_ROLE, "edit", name);
        snprintf(bname, sizeof bname, "crb-%d", i);
        snprintf(name, sizeof name, "Group:group-%d", i);
        put_binding(p, NULL, bname, KS_RBAC_CLUSTER_ROLE, "edit", name);
    }
    for (int i = 0; i < NUSERS; i += 97) {
        ks_rbac_user u;
        snprintf(name, sizeof name, "user-%d", i);
        ks_rbac_user_init(&u, name, NULL);
        snprintf(ns, sizeof ns, "ns-%d", i % 100);
        ks_rbac_attrs a = {.user = &u, .verb = "create", .resource = "pods",
                           .namespace_name = ns};
        ks_rbac_decision d;
        ks_rbac_authorize(p, &a, &d);
        CU_ASSERT_TRUE(d.allowed);
        CU_ASSERT_EQUAL(d.bindings_matched, 1);
        snprintf(ns, sizeof ns, "ns-%d", (i + 1) % 100);
        ks_rbac_authorize(p, &a, &d);
        CU_ASSERT_FALSE(d.allowed);
        CU_ASSERT_EQUAL(d.bindings_matched, 0);
        ks_rbac_user_free(&u);
        /* by group, cluster-wide */
        snprintf(name, sizeof name, "group-%d", i);
        ks_rbac_user_init(&u, "someone", name);
        a.user = &u;
        ks_rbac_authorize(p, &a, &d);
        CU_ASSERT_TRUE(d.allowed);
        CU_ASSERT_EQUAL(d.bindings_matched, 1);
        ks_rbac_user_free(&u);
    }
    ks_rbac_policy_destroy(p);
}

/* ---- defaulttolerationseconds admission_test.go TestForgivenessAdmission - */

static ks_toleration tol(const char *key, ks_toleration_op op,
                         const char *value, ks_taint_effect effect,
                         int64_t seconds)
{
    return (ks_toleration){.key = key ? ks_xstrdup(key) : NULL,
                           .op = op,
                           .value = value ? ks_xstrdup(value) : NULL,
                           .effect = effect,
                           .has_seconds = seconds >= 0,
                           .toleration_seconds = seconds >= 0 ? seconds : 0};
}

static void free_tols(ks_toleration *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].key);
        free(t[i].value);
    }
    free(t);
}

static int is_default(const ks_toleration *t, const char *key,
                      int64_t seconds)
{
    return t->key && strcmp(t->key, key) == 0 &&
           t->op == KS_TOLERATION_EXISTS && !t->value &&
           t->effect == KS_EFFECT_NO_EXECUTE && t->has_seconds &&
           t->toleration_seconds == seconds;
}

/* Runs the plugin on the given tolerations; returns the array. */
static ks_toleration *admit_tols(const ks_toleration *in, size_t nin,
                                 size_t *nout, int *added)
{
    ks_toleration *t = NULL;
    if (nin) {
        t = ks_xcalloc(nin, sizeof *t);
        memcpy(t, in, nin * sizeof *t);
    }
    *nout = nin;
    *added = ks_admit_default_toleration_seconds(
        &t, nout, KS_DEFAULT_NOT_READY_TOLERATION_SECONDS,
        KS_DEFAULT_UNREACHABLE_TOLERATION_SECONDS);
    return t;
}

static void test_forgiveness_admission(void)
{
    size_t n;
    int added;
    /* pod has no tolerations: both are added, not-ready first */
    ks_toleration *t = admit_tols(NULL, 0, &n, &added);
    CU_ASSERT_EQUAL(added, 2);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_TRUE(is_default(&t[0], KS_TAINT_NODE_NOT_READY, 300));
    CU_ASSERT_TRUE(is_default(&t[1], KS_TAINT_NODE_UNREACHABLE, 300));
    free_tols(t, n);
    /* tolerations, none for the two taints: both added after them */
    ks_toleration in1[] = {
        tol("foo", KS_TOLERATION_EQUAL, "bar", KS_EFFECT_NO_SCHEDULE, 700)};
    t = admit_tols(in1, 1, &n, &added);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(t[0].key, "foo");
    CU_ASSERT_EQUAL(t[0].toleration_seconds, 700);
    CU_ASSERT_TRUE(is_default(&t[1], KS_TAINT_NODE_NOT_READY, 300));
    CU_ASSERT_TRUE(is_default(&t[2], KS_TAINT_NODE_UNREACHABLE, 300));
    free_tols(t, n);
    /* not-ready:NoExecute given: unreachable added */
    ks_toleration in2[] = {tol(KS_TAINT_NODE_NOT_READY, KS_TOLERATION_EXISTS,
                               NULL, KS_EFFECT_NO_EXECUTE, 700)};
    t = admit_tols(in2, 1, &n, &added);
    CU_ASSERT_EQUAL(added, 1);
    CU_ASSERT_EQUAL(t[0].toleration_seconds, 700);
    CU_ASSERT_TRUE(is_default(&t[1], KS_TAINT_NODE_UNREACHABLE, 300));
    free_tols(t, n);
    /* unreachable:NoExecute given: not-ready added */
    ks_toleration in3[] = {tol(KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_EXISTS,
                               NULL, KS_EFFECT_NO_EXECUTE, 700)};
    t = admit_tols(in3, 1, &n, &added);
    CU_ASSERT_EQUAL(added, 1);
    CU_ASSERT_TRUE(is_default(&t[1], KS_TAINT_NODE_NOT_READY, 300));
    free_tols(t, n);
    /* both given: no change */
    ks_toleration in4[] = {tol(KS_TAINT_NODE_NOT_READY, KS_TOLERATION_EXISTS,
                               NULL, KS_EFFECT_NO_EXECUTE, 700),
                           tol(KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_EXISTS,
                               NULL, KS_EFFECT_NO_EXECUTE, 700)};
    t = admit_tols(in4, 2, &n, &added);
    CU_ASSERT_EQUAL(added, 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(t[1].toleration_seconds, 700);
    free_tols(t, n);
    /* unreachable with empty effect counts; not-ready added */
    ks_toleration in5[] = {tol(KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_EXISTS,
                               NULL, KS_EFFECT_ALL, 700)};
    t = admit_tols(in5, 1, &n, &added);
    CU_ASSERT_EQUAL(added, 1);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_TRUE(is_default(&t[1], KS_TAINT_NODE_NOT_READY, 300));
    free_tols(t, n);
    /* wildcard toleration for all taints: no change */
    ks_toleration in6[] = {
        tol(NULL, KS_TOLERATION_EXISTS, NULL, KS_EFFECT_ALL, 700)};
    t = admit_tols(in6, 1, &n, &added);
    CU_ASSERT_EQUAL(added, 0);
    CU_ASSERT_EQUAL(n, 1);
    free_tols(t, n);
}

/* The exact upstream test ignores operator and value, and a NoSchedule
 * toleration for the key does not count. */
static void test_forgiveness_exact_rule(void)
{
    size_t n;
    int added;
    ks_toleration in1[] = {tol(KS_TAINT_NODE_NOT_READY, KS_TOLERATION_EQUAL,
                               "whatever", KS_EFFECT_NO_EXECUTE, -1),
                           tol(KS_TAINT_NODE_UNREACHABLE, KS_TOLERATION_EXISTS,
                               NULL, KS_EFFECT_NO_SCHEDULE, -1)};
    ks_toleration *t = admit_tols(in1, 2, &n, &added);
    CU_ASSERT_EQUAL(added, 1);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_TRUE(is_default(&t[2], KS_TAINT_NODE_UNREACHABLE, 300));
    free_tols(t, n);
    /* empty key with NoExecute covers both */
    ks_toleration in2[] = {
        tol("", KS_TOLERATION_EXISTS, NULL, KS_EFFECT_NO_EXECUTE, -1)};
    t = admit_tols(in2, 1, &n, &added);
    CU_ASSERT_EQUAL(added, 0);
    free_tols(t, n);
    /* flag values other than 300 */
    t = NULL;
    n = 0;
    CU_ASSERT_EQUAL(ks_admit_default_toleration_seconds(&t, &n, 10, 20), 2);
    CU_ASSERT_TRUE(is_default(&t[0], KS_TAINT_NODE_NOT_READY, 10));
    CU_ASSERT_TRUE(is_default(&t[1], KS_TAINT_NODE_UNREACHABLE, 20));
    free_tols(t, n);
}

/* ---- priority admission_test.go ----------------------------------------- */

static const ks_priority_class default1 = {"default1", 1000, 1,
                                           KS_PREEMPTION_UNSET};
static const ks_priority_class default2 = {"default2", 2000, 1,
                                           KS_PREEMPTION_UNSET};
static const ks_priority_class nondefault1 = {"nondefault1", 2000, 0,
                                              KS_PREEMPTION_UNSET};
static const ks_priority_class system_cc = {KS_SYSTEM_CLUSTER_CRITICAL,
                                            KS_SYSTEM_CRITICAL_PRIORITY, 1,
                                            KS_PREEMPTION_UNSET};
static const ks_priority_class preempt_lower = {
    "nopreemptionpolicy", 2000, 1, KS_PREEMPT_LOWER_PRIORITY};

/* TestPriorityClassAdmission */
static void test_priority_class_admission(void)
{
    ks_priority_class system_class = {"system-test",
                                      KS_HIGHEST_USER_DEFINABLE_PRIORITY + 1,
                                      0, KS_PREEMPTION_UNSET};
    ks_priority_class one[] = {default1};
    ks_error err;
    /* create operator with default class */
    CU_ASSERT_EQUAL(ks_validate_priority_class(NULL, 0, &default1, 0, &err), 0);
    /* create operator with one existing default class */
    CU_ASSERT_EQUAL(ks_validate_priority_class(one, 1, &default2, 0, &err),
                    KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "priorityclasses.scheduling.k8s.io \"default2\" is "
                           "forbidden: PriorityClass default1 is already "
                           "marked as default. Only one default can exist");
    /* create / update operator with system name and value */
    CU_ASSERT_EQUAL(
        ks_validate_priority_class(NULL, 0, &system_class, 0, &err), 0);
    CU_ASSERT_EQUAL(
        ks_validate_priority_class(NULL, 0, &system_class, 1, &err), 0);
    /* update operator with default class */
    CU_ASSERT_EQUAL(ks_validate_priority_class(NULL, 0, &default1, 1, &err), 0);
    /* update operator with one existing (different) default class */
    CU_ASSERT_EQUAL(ks_validate_priority_class(one, 1, &default2, 1, &err),
                    KS_EINVAL);
    /* updating the default class itself is fine */
    CU_ASSERT_EQUAL(ks_validate_priority_class(one, 1, &default1, 1, &err), 0);
}

static int32_t default_priority(const ks_priority_class *cs, size_t n,
                                const char **name)
{
    ks_priority_pod pod = {0};
    ks_priority_result r;
    CU_ASSERT_EQUAL(ks_admit_pod_priority(cs, n, &pod, &r, NULL), 0);
    *name = r.priority_class_name ? r.priority_class_name : "";
    return r.priority;
}

/* TestDefaultPriority: the before/after states of each case. */
static void test_default_priority(void)
{
    const char *name;
    ks_priority_class updated1 = default1;
    updated1.global_default = 0;
    ks_priority_class c1[] = {default1};
    ks_priority_class c2[] = {nondefault1};
    ks_priority_class c3[] = {nondefault1, default1};
    ks_priority_class c4[] = {default1, default2};
    ks_priority_class c5[] = {default2};
    ks_priority_class c6[] = {updated1};
    /* simple resolution with a default class */
    CU_ASSERT_EQUAL(default_priority(c1, 1, &name), 1000);
    CU_ASSERT_STRING_EQUAL(name, "default1");
    /* add a default class */
    CU_ASSERT_EQUAL(default_priority(c2, 1, &name), 0);
    CU_ASSERT_STRING_EQUAL(name, "");
    CU_ASSERT_EQUAL(default_priority(c3, 2, &name), 1000);
    CU_ASSERT_STRING_EQUAL(name, "default1");
    /* multiple default classes resolve to the minimum value among them */
    CU_ASSERT_EQUAL(default_priority(c4, 2, &name), 1000);
    CU_ASSERT_STRING_EQUAL(name, "default1");
    CU_ASSERT_EQUAL(default_priority(c5, 1, &name), 2000);
    CU_ASSERT_STRING_EQUAL(name, "default2");
    /* delete default priority class */
    CU_ASSERT_EQUAL(default_priority(NULL, 0, &name), 0);
    CU_ASSERT_STRING_EQUAL(name, "");
    /* update default class and remove its global default */
    CU_ASSERT_EQUAL(default_priority(c6, 1, &name), 0);
    CU_ASSERT_STRING_EQUAL(name, "");
}

typedef struct pod_case {
    const char *what;
    const ks_priority_class *classes;
    size_t nclasses;
    ks_priority_pod pod;
    int32_t want_priority;
    int want_error;
    ks_preemption_policy want_policy; /* UNSET: not checked */
} pod_case;

/* TestPodAdmission: its pods[] inlined into each case. */
static void test_pod_admission(void)
{
    static const ks_priority_class d1_n1[] = {default1, nondefault1};
    static const ks_priority_class d1[] = {default1};
    static const ks_priority_class n1[] = {nondefault1};
    static const ks_priority_class d2[] = {default2};
    static const ks_priority_class scc[] = {system_cc};
    static const ks_priority_class pl[] = {preempt_lower};
    static const int32_t scc_value = KS_SYSTEM_CRITICAL_PRIORITY;
    const pod_case cases[] = {
        {"Pod with priority class", d1_n1, 2,
         {"pod-w-priorityclass", "default1", 0, 0, 0}, 1000, 0, 0},
        {"Pod without priority class", d1, 1,
         {"pod-wo-priorityclass", NULL, 0, 0, 0}, 1000, 0, 0},
        {"pod without priority class and no existing priority class", NULL, 0,
         {"pod-wo-priorityclass", NULL, 0, 0, 0}, 0, 0, 0},
        {"pod without priority class and no default class", n1, 1,
         {"pod-wo-priorityclass", NULL, 0, 0, 0}, 0, 0, 0},
        {"pod with a system priority class", scc, 1,
         {"pod-w-system-priority", KS_SYSTEM_CLUSTER_CRITICAL, 0, 0, 0},
         scc_value, 0, 0},
        {"Pod with non-existing priority class", d1_n1, 2,
         {"pod-w-non-existing-priorityclass", "non-existing", 0, 0, 0}, 0, 1,
         0},
        {"pod with integer priority", NULL, 0,
         {"pod-w-integer-priority", "default1", 1, 1000, 0}, 0, 1, 0},
        {"mirror pod with system priority class", scc, 1,
         {"mirror-pod-w-system-priority", KS_SYSTEM_CLUSTER_CRITICAL, 0, 0,
          0},
         scc_value, 0, 0},
        {"mirror pod with integer priority", NULL, 0,
         {"mirror-pod-w-integer-priority", "default1", 1, 1000, 0}, 0, 1, 0},
        {"pod with system critical priority in non-system namespace", scc, 1,
         {"pod-w-system-priority-in-nonsystem-namespace",
          KS_SYSTEM_CLUSTER_CRITICAL, 0, 0, 0},
         scc_value, 0, 0},
        {"pod with priority that matches computed priority", n1, 1,
         {"pod-w-zero-priority-in-nonsystem-namespace", NULL, 1, 0, 0}, 0, 0,
         0},
        {"pod with priority that matches default priority", d2, 1,
         {"pod-w-priority-matching-default-priority", NULL, 1, 2000, 0}, 2000,
         0, 0},
        {"pod with priority that matches resolved priority", scc, 1,
         {"pod-w-priority-matching-resolved-default-priority",
          KS_SYSTEM_CLUSTER_CRITICAL, 1, scc_value, 0},
         scc_value, 0, 0},
        {"pod with nil preemtpion policy", pl, 1,
         {"pod-never-preemption-policy-matching-resolved-preemption-policy",
          "nopreemptionpolicy", 1, 2000, KS_PREEMPTION_UNSET},
         2000, 0, KS_PREEMPT_LOWER_PRIORITY},
        {"pod with preemtpion policy that matches resolved preemtpion policy",
         pl, 1,
         {"pod-preemption-policy-matching-resolved-preemption-policy",
          "nopreemptionpolicy", 1, 2000, KS_PREEMPT_LOWER_PRIORITY},
         2000, 0, KS_PREEMPT_LOWER_PRIORITY},
        {"pod with preemtpion policy that does't matches resolved preemtpion "
         "policy",
         pl, 1,
         {"pod-preemption-policy-not-matching-resolved-preemption-policy",
          "nopreemptionpolicy", 1, 2000, KS_PREEMPT_NEVER},
         2000, 1, 0},
    };
    for (size_t i = 0; i < N(cases); i++) {
        const pod_case *c = &cases[i];
        ks_priority_result r = {0};
        ks_error err;
        ks_error_clear(&err);
        int rc = ks_admit_pod_priority(c->classes, c->nclasses, &c->pod, &r,
                                       &err);
        if (c->want_error) {
            if (rc == 0)
                fprintf(stderr, "\n%s: expected an error\n", c->what);
            CU_ASSERT_NOT_EQUAL(rc, 0);
            continue;
        }
        if (rc != 0)
            fprintf(stderr, "\n%s: %s\n", c->what, err.msg);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(r.priority, c->want_priority);
        if (c->want_policy != KS_PREEMPTION_UNSET)
            CU_ASSERT_EQUAL(r.preemption_policy, c->want_policy);
    }
}

/* The messages are upstream's Forbidden errors. */
static void test_priority_messages(void)
{
    ks_priority_class cs[] = {default1, nondefault1};
    ks_priority_pod pod = {"web-1", "gold", 0, 0, 0};
    ks_priority_result r;
    ks_error err;
    CU_ASSERT_EQUAL(ks_admit_pod_priority(cs, 2, &pod, &r, &err), KS_ENOENT);
    CU_ASSERT_STRING_EQUAL(
        err.msg,
        "pods \"web-1\" is forbidden: no PriorityClass with name gold was "
        "found");
    pod = (ks_priority_pod){NULL, "nondefault1", 1, 7, 0};
    CU_ASSERT_EQUAL(ks_admit_pod_priority(cs, 2, &pod, &r, &err), KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(
        err.msg,
        "pods is forbidden: the integer value of priority (7) must not be "
        "provided in pod spec; priority admission controller computed 2000 "
        "from the given PriorityClass name");
    ks_priority_class never = {"batch", 10, 0, KS_PREEMPT_NEVER};
    pod = (ks_priority_pod){"p", "batch", 0, 0, KS_PREEMPT_LOWER_PRIORITY};
    CU_ASSERT_EQUAL(ks_admit_pod_priority(&never, 1, &pod, &r, &err),
                    KS_EINVAL);
    CU_ASSERT_STRING_EQUAL(
        err.msg,
        "pods \"p\" is forbidden: the string value of PreemptionPolicy "
        "(PreemptLowerPriority) must not be provided in pod spec; priority "
        "admission controller computed Never from the given PriorityClass "
        "name");
    /* the class's policy is written to the pod; the name defaults too */
    pod = (ks_priority_pod){"p", "batch", 0, 0, 0};
    CU_ASSERT_EQUAL(ks_admit_pod_priority(&never, 1, &pod, &r, &err), 0);
    CU_ASSERT_EQUAL(r.priority, 10);
    CU_ASSERT_EQUAL(r.preemption_policy, KS_PREEMPT_NEVER);
    CU_ASSERT_STRING_EQUAL(r.priority_class_name, "batch");
    /* no class anywhere: PreemptLowerPriority, no name */
    pod = (ks_priority_pod){"p", NULL, 0, 0, 0};
    CU_ASSERT_EQUAL(ks_admit_pod_priority(NULL, 0, &pod, &r, &err), 0);
    CU_ASSERT_EQUAL(r.preemption_policy, KS_PREEMPT_LOWER_PRIORITY);
    CU_ASSERT_PTR_NULL(r.priority_class_name);
    /* the built-in classes */
    size_t n;
    const ks_priority_class *sys = ks_priority_system_classes(&n);
    CU_ASSERT_EQUAL(n, 2);
    pod = (ks_priority_pod){"p", KS_SYSTEM_NODE_CRITICAL, 0, 0, 0};
    CU_ASSERT_EQUAL(ks_admit_pod_priority(sys, n, &pod, &r, &err), 0);
    CU_ASSERT_EQUAL(r.priority, 2000001000);
}

void ks_suite_rbac(void)
{
    static const ks_test_case cases[] = {
        {"authorizer: RoleBinding to ClusterRole (TestAuthorizer 0)",
         test_authorizer_rolebinding_to_clusterrole},
        {"authorizer: non-resource URLs (TestAuthorizer 1)",
         test_authorizer_non_resource_urls},
        {"authorizer: subresources (TestAuthorizer 2, 3)",
         test_authorizer_subresources},
        {"RuleAllows (TestRuleMatches)", test_rule_matches},
        {"ResourceMatches subresource wildcards",
         test_rule_subresource_wildcards},
        {"ResourceNameMatches", test_rule_resource_names},
        {"TestDefaultRuleResolver", test_default_rule_resolver},
        {"TestAppliesTo", test_applies_to},
        {"service account subjects", test_service_account_subjects},
        {"role references and reasons", test_role_reference_and_reasons},
        {"system:masters and counts", test_system_masters_and_counts},
        {"put and delete", test_put_delete},
        {"index with thousands of bindings", test_many_bindings},
        {"DefaultTolerationSeconds (TestForgivenessAdmission)",
         test_forgiveness_admission},
        {"DefaultTolerationSeconds exact rule", test_forgiveness_exact_rule},
        {"Priority: TestPriorityClassAdmission",
         test_priority_class_admission},
        {"Priority: TestDefaultPriority", test_default_priority},
        {"Priority: TestPodAdmission", test_pod_admission},
        {"Priority: messages and system classes", test_priority_messages},
        {NULL, NULL},
    };
    ks_test_add_suite("rbac", cases);
}
