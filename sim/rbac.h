/* rbac.h - the API server's authorizer: RBAC plus the system:masters group.
 *
 * Re-implements, as a pure in-memory module, what kube-apiserver does for
 * authorization with --authorization-mode=RBAC:
 *   - the privileged-group authorizer that runs first in the union chain
 *     (k8s.io/apiserver authorizerfactory/builtin.go privilegedGroupAuthorizer,
 *     configured with "system:masters"): any member is allowed everything;
 *   - the RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go, read at
 *     01aa0f3f): VisitRulesFor walks the ClusterRoleBindings then, for a
 *     namespaced request, the RoleBindings of that namespace
 *     (pkg/registry/rbac/validation/rule.go, read at 05c351a9), and RuleAllows
 *     checks each rule (pkg/apis/rbac/v1/evaluation_helpers.go, read at
 *     03bf11a3).
 *
 * Matching semantics (all exact, case-sensitive string comparisons):
 *   verbs      "*" or equal;
 *   apiGroups  "*" or equal ("" is the core group);
 *   resources  "*", equal to "resource" or "resource/subresource", or
 *              "*" "/" subresource.  There is no "resource/ *" wildcard
 *              upstream, so "pods/ *" does NOT match "pods/status";
 *   resourceNames  an empty list matches everything; otherwise the request's
 *              name must be listed, so a create or list (no name) is denied;
 *   nonResourceURLs  "*", equal, or a "prefix*" form.
 * Subjects: User and Group by name; ServiceAccount matches the user named
 * "system:serviceaccount:NS:NAME", NS defaulting to the RoleBinding's
 * namespace (never defaulted in a ClusterRoleBinding).  A RoleBinding grants
 * only in its namespace and may reference a Role of that namespace or a
 * ClusterRole; a ClusterRoleBinding grants everywhere (ClusterRole only).
 * A binding whose role does not exist grants nothing and its lookup error is
 * reported in the deny reason, as upstream.
 *
 * Performance: bindings are indexed by (binding namespace, subject) in a
 * sorted array searched by binary search, so one decision costs
 * O((1 + #groups) log B + rules of the matching bindings), not O(B).  The index
 * is rebuilt lazily on the first decision after a change (adds are O(1)).
 *
 * How the lead calls it: keep one ks_rbac_policy next to the store, mirror
 * every Role / ClusterRole / RoleBinding / ClusterRoleBinding write into it
 * (ks_rbac_put_*, ks_rbac_delete_*), and before applying any request call
 * ks_rbac_authorize; on deny, apply nothing and report
 * ks_rbac_forbidden_message().  The policy counts allowed and denied
 * decisions.
 *
 * Ownership: the policy deep-copies everything passed to it.  ks_rbac_user
 * owns its strings (ks_rbac_user_free).  ks_rbac_attrs only borrows.
 * Deterministic: no hashing, no clock; bindings are visited in insertion
 * order (cluster bindings first), so the "allowed by" reason is reproducible.
 */
#ifndef KS_RBAC_H
#define KS_RBAC_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

/* The group whose members bypass authorization (kube-apiserver's
 * privileged group), and the groups the authenticator adds. */
#define KS_RBAC_SYSTEM_MASTERS "system:masters"
#define KS_RBAC_ALL_AUTHENTICATED "system:authenticated"
#define KS_RBAC_ALL_UNAUTHENTICATED "system:unauthenticated"
#define KS_RBAC_SA_PREFIX "system:serviceaccount:"
#define KS_RBAC_SA_GROUP "system:serviceaccounts"

/* One rbac.authorization.k8s.io/v1 PolicyRule.  Each list is an owned array
 * of owned strings (n == 0: empty list). */
typedef struct ks_rbac_rule {
    char **verbs;
    size_t nverbs;
    char **api_groups;
    size_t napi_groups;
    char **resources;
    size_t nresources;
    char **resource_names;
    size_t nresource_names;
    char **non_resource_urls;
    size_t nnon_resource_urls;
} ks_rbac_rule;

/* Fills a zeroed rule from comma-separated lists, as upstream tests'
 * newRule does: NULL gives an empty list, "" gives the one-element list
 * [""] (the core API group).  Free with ks_rbac_rule_free. */
void ks_rbac_rule_init(ks_rbac_rule *rule, const char *verbs,
                       const char *api_groups, const char *resources,
                       const char *resource_names,
                       const char *non_resource_urls);
void ks_rbac_rule_free(ks_rbac_rule *rule);

typedef enum ks_rbac_subject_kind {
    KS_RBAC_USER = 0,
    KS_RBAC_GROUP,
    KS_RBAC_SERVICE_ACCOUNT
} ks_rbac_subject_kind;

/* A binding's subject; namespace_name only matters for ServiceAccount
 * (NULL or "" = the RoleBinding's namespace).  Borrowed by the put calls. */
typedef struct ks_rbac_subject {
    ks_rbac_subject_kind kind;
    const char *name;
    const char *namespace_name;
} ks_rbac_subject;

typedef enum ks_rbac_role_kind {
    KS_RBAC_ROLE = 0,
    KS_RBAC_CLUSTER_ROLE
} ks_rbac_role_kind;

/* The identity a request is made by (user.Info).  Owns its strings. */
typedef struct ks_rbac_user {
    char *name;
    char **groups;
    size_t ngroups;
} ks_rbac_user;

/* name and a comma-separated group list (NULL or "" = no groups).  Nothing
 * is added implicitly: pass "system:authenticated" for authenticated users,
 * as the apiserver's authenticator adds it. */
void ks_rbac_user_init(ks_rbac_user *u, const char *name, const char *groups);
/* The user a service account token authenticates as:
 * "system:serviceaccount:NS:NAME" in the groups system:serviceaccounts,
 * system:serviceaccounts:NS and system:authenticated
 * (k8s.io/apiserver/pkg/authentication/serviceaccount MakeUsername,
 * MakeGroupNames, plus the authenticated-group adder). */
void ks_rbac_user_init_service_account(ks_rbac_user *u, const char *ns,
                                       const char *name);
void ks_rbac_user_free(ks_rbac_user *u);

/* authorizer.Attributes.  Every string is borrowed; NULL means "".
 * A resource request unless non_resource is set (then verb and path).
 * namespace_name "" = a cluster-scoped request (or an all-namespaces list). */
typedef struct ks_rbac_attrs {
    const ks_rbac_user *user;
    const char *verb;
    const char *api_group;
    const char *resource;
    const char *subresource;
    const char *namespace_name;
    const char *name;
    int non_resource;
    const char *path;
} ks_rbac_attrs;

#define KS_RBAC_REASON_MAX 512

typedef struct ks_rbac_decision {
    int allowed;
    int by_privileged_group; /* allowed as a system:masters member */
    /* Upstream's reason: "RBAC: allowed by ClusterRoleBinding ..." when
     * allowed, "" for system:masters, and on deny "" or "RBAC: <role lookup
     * errors>" (truncated to fit). */
    char reason[KS_RBAC_REASON_MAX];
    /* Bindings whose subjects matched the user (work done, for tests and
     * benchmarks). */
    size_t bindings_matched;
} ks_rbac_decision;

/* RuleAllows for one rule (rbac.go). */
int ks_rbac_rule_allows(const ks_rbac_rule *rule, const ks_rbac_attrs *a);

typedef struct ks_rbac_policy ks_rbac_policy;

ks_rbac_policy *ks_rbac_policy_create(void);
void ks_rbac_policy_destroy(ks_rbac_policy *p);

/* Create or replace a Role (namespace_name non-empty) or a ClusterRole
 * (namespace_name NULL or "").  The rules are deep-copied.  Returns 0, or
 * KS_EINVAL (with err) for an empty name. */
int ks_rbac_put_role(ks_rbac_policy *p, const char *namespace_name,
                     const char *name, const ks_rbac_rule *rules,
                     size_t nrules, ks_error *err);
/* Returns 0 or KS_ENOENT. */
int ks_rbac_delete_role(ks_rbac_policy *p, const char *namespace_name,
                        const char *name);

/* Create or replace a RoleBinding (namespace_name non-empty) or a
 * ClusterRoleBinding (namespace_name NULL or "").  A ClusterRoleBinding may
 * only reference a ClusterRole (KS_EINVAL otherwise, as API validation
 * rejects it).  The referenced role need not exist yet. */
int ks_rbac_put_binding(ks_rbac_policy *p, const char *namespace_name,
                        const char *name, ks_rbac_role_kind role_kind,
                        const char *role_name, const ks_rbac_subject *subjects,
                        size_t nsubjects, ks_error *err);
int ks_rbac_delete_binding(ks_rbac_policy *p, const char *namespace_name,
                           const char *name);

/* Decides a request: system:masters, then RBAC.  Counts the decision.
 * a->user may be NULL: denied, reason "no user on request". */
void ks_rbac_authorize(ks_rbac_policy *p, const ks_rbac_attrs *a,
                       ks_rbac_decision *out);

/* Decisions made so far. */
uint64_t ks_rbac_allowed_count(const ks_rbac_policy *p);
uint64_t ks_rbac_denied_count(const ks_rbac_policy *p);

/* The message a client gets for a denied request (apiserver
 * responsewriters.Forbidden wrapped in apierrors.NewForbidden), e.g.
 *   pods "web-1" is forbidden: User "bob" cannot get resource "pods" in API
 *   group "" in the namespace "ns1"
 * with ": REASON" appended when the decision has a reason.  Newly allocated;
 * the caller frees it. */
char *ks_rbac_forbidden_message(const ks_rbac_attrs *a,
                                const ks_rbac_decision *d);

#endif
