/* rbac_manifests.h - reads RBAC objects from Kubernetes manifests into the
 * authorizer's policy (sim/rbac.h), and parses who performs a request.
 *
 * A manifest file (several `---` documents, or a `kind: List` as
 * `kubectl get -o yaml` prints it, or a typed list such as RoleList) may
 * hold rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding objects among others.  This loader reads exactly those
 * four kinds and ignores every other kind silently (the main manifest
 * loader, scenarios/manifests.h, handles them; a ServiceAccount needs
 * nothing here, since a binding names its subject by namespace and name).
 * One of the four kinds under another version of rbac.authorization.k8s.io
 * (v1beta1, v1alpha1: removed in Kubernetes 1.22) or under the core group
 * ("v1", which has no such kind: kubectl says "no matches for kind") is an
 * error; a kind of the same name in another API group belongs to some CRD,
 * is not RBAC and is ignored.
 *
 * The objects are checked as kube-apiserver validates them
 * (kubernetes/kubernetes pkg/apis/rbac/validation/validation.go, after the
 * v1 defaulting of pkg/apis/rbac/v1/defaults.go), which is what matters for
 * a decision:
 *   - metadata.name is required and must be a valid path segment (not "."
 *     or "..", no "/" or "%"), as must roleRef.name;
 *   - metadata.namespace of a Role or RoleBinding defaults to "default"
 *     when absent (what `kubectl apply -f` does with the default context)
 *     and must be a DNS-1123 label; on a ClusterRole or ClusterRoleBinding
 *     it is ignored, as the apiserver clears it for cluster-scoped objects;
 *   - a rule needs verbs; a rule with nonResourceURLs may not also name
 *     apiGroups, resources or resourceNames, and is an error in a Role
 *     (namespaced); any other rule needs apiGroups and resources;
 *   - roleRef.apiGroup defaults to rbac.authorization.k8s.io and may be
 *     nothing else; roleRef.kind is Role or ClusterRole, and only
 *     ClusterRole in a ClusterRoleBinding;
 *   - a subject's kind is User, Group or ServiceAccount and its name is
 *     non-empty; a User or Group has apiGroup rbac.authorization.k8s.io
 *     (the default), a ServiceAccount apiGroup "" and a DNS-1123 subdomain
 *     name, and needs a namespace in a ClusterRoleBinding (in a RoleBinding
 *     it defaults to the binding's namespace at decision time).
 * A ClusterRole's aggregationRule is accepted and ignored: ksim has no
 * aggregation controller, and the `rules` it filled in are what a dump
 * carries.  Unknown keys in an RBAC object, its rules, roleRef or subjects
 * are errors; every ObjectMeta field (labels, annotations, uid,
 * resourceVersion, creationTimestamp, managedFields, ...) is accepted.
 * A list field's items are strings; a plain YAML 1.1 boolean or a
 * non-decimal number (yes, 1.5, 0x1f, 010), which Kubernetes would turn
 * into other text, must be quoted.  Two objects of the same kind,
 * namespace and name in one input are an error (KS_EEXIST); an object
 * already in the policy is replaced, as `kubectl apply` would.
 *
 * Errors: 0 or a negative ks_err (KS_EPARSE for YAML and shape, KS_EINVAL
 * for a rejected value, KS_EEXIST for a duplicate, KS_ENOENT / KS_EIO for
 * the file) with err naming FILE:LINE:COL and the field's path, e.g.
 *   rbac.yaml:7:3: rules[0].verbs: Required value: verbs must contain at
 *   least one value
 * On any error the policy is unchanged: the whole input is read and checked
 * before the first ks_rbac_put_* call.
 *
 * Ownership: the policy deep-copies what it is given; nothing returned here
 * needs freeing except a ks_rbac_user (ks_rbac_user_free).
 */
#ifndef KS_RBAC_MANIFESTS_H
#define KS_RBAC_MANIFESTS_H

#include <stddef.h>

#include "sim/error.h"
#include "sim/rbac.h"

#define KS_RBAC_API_GROUP "rbac.authorization.k8s.io"
#define KS_RBAC_API_VERSION KS_RBAC_API_GROUP "/v1"

/* Reads the file at path (errors name it) and puts its RBAC objects into
 * the policy.  *nobjects (may be NULL) receives how many Roles,
 * ClusterRoles, RoleBindings and ClusterRoleBindings were put (0 on
 * error).  An input without any RBAC object, or without any document, is
 * not an error. */
int ks_rbac_manifests_load_file(const char *path, ks_rbac_policy *into,
                                size_t *nobjects, ks_error *err);

/* Same for buf[0..len) (need not be NUL-terminated); name stands for the
 * file in errors (NULL: "<manifests>"). */
int ks_rbac_manifests_load_buffer(const char *buf, size_t len,
                                  const char *name, ks_rbac_policy *into,
                                  size_t *nobjects, ks_error *err);

/* The user a scenario's request is made by, from text:
 *   "system:serviceaccount:NS:NAME" or "serviceaccount:NS/NAME"
 *       the service account's user (ks_rbac_user_init_service_account); NS
 *       must be a DNS-1123 label and NAME a DNS-1123 subdomain, as
 *       k8s.io/apiserver serviceaccount.SplitUsername requires;
 *   "admin"
 *       user "kubernetes-admin" in groups system:masters and
 *       system:authenticated: the identity of kubeadm's admin.conf client
 *       certificate (CN kubernetes-admin, O system:masters; see the .c file
 *       for newer kubeadm's split into admin.conf and super-admin.conf);
 *   anything else
 *       a user of that name in group system:authenticated.
 * Returns 0 with *out filled (free with ks_rbac_user_free), or KS_EINVAL
 * for NULL, empty text, a control character or a malformed service
 * account form, with *out zeroed.  The accepted forms, for messages: */
#define KS_RBAC_IDENTITY_FORMS                                                 \
    "\"system:serviceaccount:NS:NAME\", \"serviceaccount:NS/NAME\", "         \
    "\"admin\" or a user name"
int ks_rbac_parse_identity(const char *text, ks_rbac_user *out);

#endif
