/* rbac.c - RBAC authorizer and the system:masters bypass (see rbac.h).
 *
 * Upstream sources read (kubernetes/kubernetes):
 *   plugin/pkg/auth/authorizer/rbac/rbac.go @01aa0f3f (Authorize, RuleAllows)
 *   pkg/registry/rbac/validation/rule.go @05c351a9 (VisitRulesFor, appliesTo,
 *     appliesToUser, GetRoleReferenceRules, the binding describers)
 *   pkg/apis/rbac/v1/evaluation_helpers.go @03bf11a3 (VerbMatches,
 *     APIGroupMatches, ResourceMatches, ResourceNameMatches,
 *     NonResourceURLMatches)
 *   staging/src/k8s.io/apiserver/pkg/authorization/authorizerfactory/builtin.go
 *     (privilegedGroupAuthorizer)
 *   staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/
 *     errors.go (forbiddenMessage) and apimachinery errors.NewForbidden.
 *
 * Layout: roles and bindings live in slot arrays (a slot keeps its place when
 * the object is replaced, so insertion order is stable) found by name through
 * a small open-addressing hash (lookups only, never iterated).  Bindings are
 * also indexed by (binding namespace, subject key) in a sorted array rebuilt
 * lazily; the subject key is "u:<user name>" or "g:<group>", a ServiceAccount
 * subject being keyed as the user name it authenticates as.
 */
#include "sim/rbac.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* ---- small helpers ------------------------------------------------------- */

static const char *nz(const char *s) { return s ? s : ""; }

static int streq(const char *a, const char *b)
{
    return strcmp(nz(a), nz(b)) == 0;
}

/* Splits a comma-separated list like Go's strings.Split: "" gives [""]. */
static void split_csv(const char *csv, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!csv)
        return;
    size_t count = 1;
    for (const char *c = csv; *c; c++)
        count += *c == ',';
    *out = ks_xcalloc(count, sizeof **out);
    const char *start = csv;
    for (size_t i = 0; i < count; i++) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        (*out)[i] = ks_xstrndup(start, len);
        start = end ? end + 1 : start + len;
    }
    *n = count;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static char **copy_strv(char *const *v, size_t n)
{
    if (n == 0)
        return NULL;
    char **out = ks_xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = ks_xstrdup(nz(v[i]));
    return out;
}

static int strv_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

/* ---- rules ---------------------------------------------------------------- */

void ks_rbac_rule_init(ks_rbac_rule *rule, const char *verbs,
                       const char *api_groups, const char *resources,
                       const char *resource_names,
                       const char *non_resource_urls)
{
    split_csv(verbs, &rule->verbs, &rule->nverbs);
    split_csv(api_groups, &rule->api_groups, &rule->napi_groups);
    split_csv(resources, &rule->resources, &rule->nresources);
    split_csv(resource_names, &rule->resource_names, &rule->nresource_names);
    split_csv(non_resource_urls, &rule->non_resource_urls,
              &rule->nnon_resource_urls);
}

void ks_rbac_rule_free(ks_rbac_rule *rule)
{
    if (!rule)
        return;
    free_strv(rule->verbs, rule->nverbs);
    free_strv(rule->api_groups, rule->napi_groups);
    free_strv(rule->resources, rule->nresources);
    free_strv(rule->resource_names, rule->nresource_names);
    free_strv(rule->non_resource_urls, rule->nnon_resource_urls);
    *rule = (ks_rbac_rule){0};
}

static void rule_copy(ks_rbac_rule *dst, const ks_rbac_rule *src)
{
    dst->verbs = copy_strv(src->verbs, src->nverbs);
    dst->nverbs = src->nverbs;
    dst->api_groups = copy_strv(src->api_groups, src->napi_groups);
    dst->napi_groups = src->napi_groups;
    dst->resources = copy_strv(src->resources, src->nresources);
    dst->nresources = src->nresources;
    dst->resource_names = copy_strv(src->resource_names, src->nresource_names);
    dst->nresource_names = src->nresource_names;
    dst->non_resource_urls =
        copy_strv(src->non_resource_urls, src->nnon_resource_urls);
    dst->nnon_resource_urls = src->nnon_resource_urls;
}

/* VerbMatches / APIGroupMatches: "*" or an exact match. */
static int matches_or_star(char *const *v, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], "*") == 0 || strcmp(v[i], want) == 0)
            return 1;
    return 0;
}

/* ResourceMatches: "*", the exact (combined) resource, or "*" + "/" + sub. */
static int resource_matches(const ks_rbac_rule *r, const char *combined,
                            const char *sub)
{
    size_t sublen = strlen(sub);
    for (size_t i = 0; i < r->nresources; i++) {
        const char *rr = r->resources[i];
        if (strcmp(rr, "*") == 0 || strcmp(rr, combined) == 0)
            return 1;
        if (sublen > 0 && strlen(rr) == sublen + 2 && rr[0] == '*' &&
            rr[1] == '/' && strcmp(rr + 2, sub) == 0)
            return 1;
    }
    return 0;
}

/* ResourceNameMatches: an empty list allows every name (even none). */
static int resource_name_matches(const ks_rbac_rule *r, const char *name)
{
    if (r->nresource_names == 0)
        return 1;
    return strv_has(r->resource_names, r->nresource_names, name);
}

/* NonResourceURLMatches: "*", exact, or a trailing-"*" prefix. */
static int url_matches(const ks_rbac_rule *r, const char *path)
{
    for (size_t i = 0; i < r->nnon_resource_urls; i++) {
        const char *u = r->non_resource_urls[i];
        size_t len = strlen(u);
        if (strcmp(u, "*") == 0 || strcmp(u, path) == 0)
            return 1;
        if (len > 0 && u[len - 1] == '*') {
            /* TrimRight removes every trailing '*'. */
            while (len > 0 && u[len - 1] == '*')
                len--;
            if (strncmp(path, u, len) == 0)
                return 1;
        }
    }
    return 0;
}

int ks_rbac_rule_allows(const ks_rbac_rule *rule, const ks_rbac_attrs *a)
{
    const char *verb = nz(a->verb);
    if (!matches_or_star(rule->verbs, rule->nverbs, verb))
        return 0;
    if (a->non_resource)
        return url_matches(rule, nz(a->path));
    const char *res = nz(a->resource), *sub = nz(a->subresource);
    char stackbuf[256];
    char *combined = stackbuf;
    size_t need = strlen(res) + 1 + strlen(sub) + 1;
    if (need > sizeof stackbuf)
        combined = ks_xmalloc(need);
    if (*sub)
        snprintf(combined, need, "%s/%s", res, sub);
    else
        snprintf(combined, need, "%s", res);
    int ok = matches_or_star(rule->api_groups, rule->napi_groups,
                             nz(a->api_group)) &&
             resource_matches(rule, combined, sub) &&
             resource_name_matches(rule, nz(a->name));
    if (combined != stackbuf)
        free(combined);
    return ok;
}

/* ---- users ---------------------------------------------------------------- */

void ks_rbac_user_init(ks_rbac_user *u, const char *name, const char *groups)
{
    u->name = ks_xstrdup(nz(name));
    if (groups && *groups)
        split_csv(groups, &u->groups, &u->ngroups);
    else {
        u->groups = NULL;
        u->ngroups = 0;
    }
}

void ks_rbac_user_init_service_account(ks_rbac_user *u, const char *ns,
                                       const char *name)
{
    u->name = ks_xasprintf(KS_RBAC_SA_PREFIX "%s:%s", nz(ns), nz(name));
    u->ngroups = 3;
    u->groups = ks_xcalloc(3, sizeof *u->groups);
    u->groups[0] = ks_xstrdup(KS_RBAC_SA_GROUP);
    u->groups[1] = ks_xasprintf(KS_RBAC_SA_GROUP ":%s", nz(ns));
    u->groups[2] = ks_xstrdup(KS_RBAC_ALL_AUTHENTICATED);
}

void ks_rbac_user_free(ks_rbac_user *u)
{
    if (!u)
        return;
    free(u->name);
    free_strv(u->groups, u->ngroups);
    *u = (ks_rbac_user){0};
}

/* ---- name map: (namespace, name) -> slot, lookups only ------------------- */

typedef struct name_map {
    size_t *slots; /* slot + 1; 0 = empty; SIZE_MAX = deleted */
    size_t cap;    /* power of two */
    size_t used;   /* live + deleted */
} name_map;

#define MAP_DELETED ((size_t)-1)

static uint64_t hash_pair(const char *ns, const char *name)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const char *c = nz(ns); *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    h = (h ^ '/') * 1099511628211ULL;
    for (const char *c = nz(name); *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    return h;
}

/* How the map reads an entry's key back. */
typedef void (*key_of_fn)(const void *items, size_t slot, const char **ns,
                          const char **name);

static size_t map_find(const name_map *m, const void *items, key_of_fn key_of,
                       const char *ns, const char *name)
{
    if (m->cap == 0)
        return MAP_DELETED;
    size_t mask = m->cap - 1;
    for (size_t i = hash_pair(ns, name) & mask;; i = (i + 1) & mask) {
        size_t s = m->slots[i];
        if (s == 0)
            return MAP_DELETED;
        if (s == MAP_DELETED)
            continue;
        const char *kns, *kname;
        key_of(items, s - 1, &kns, &kname);
        if (streq(kns, ns) && streq(kname, name))
            return s - 1;
    }
}

static void map_insert_raw(name_map *m, uint64_t h, size_t slot)
{
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    while (m->slots[i] != 0 && m->slots[i] != MAP_DELETED)
        i = (i + 1) & mask;
    if (m->slots[i] == 0)
        m->used++;
    m->slots[i] = slot + 1;
}

static void map_insert(name_map *m, const void *items, key_of_fn key_of,
                       size_t nitems_live_hint, const char *ns,
                       const char *name, size_t slot)
{
    if ((m->used + 1) * 2 > m->cap) {
        size_t cap = 16;
        while (cap < (nitems_live_hint + 1) * 4)
            cap *= 2;
        size_t *old = m->slots;
        size_t oldcap = m->cap;
        m->slots = ks_xcalloc(cap, sizeof *m->slots);
        m->cap = cap;
        m->used = 0;
        for (size_t i = 0; i < oldcap; i++) {
            if (old[i] == 0 || old[i] == MAP_DELETED)
                continue;
            const char *kns, *kname;
            key_of(items, old[i] - 1, &kns, &kname);
            map_insert_raw(m, hash_pair(kns, kname), old[i] - 1);
        }
        free(old);
    }
    map_insert_raw(m, hash_pair(ns, name), slot);
}

static void map_remove(name_map *m, const char *ns, const char *name,
                       size_t slot)
{
    size_t mask = m->cap - 1;
    for (size_t i = hash_pair(ns, name) & mask;; i = (i + 1) & mask) {
        if (m->slots[i] == 0)
            return;
        if (m->slots[i] == slot + 1) {
            m->slots[i] = MAP_DELETED;
            return;
        }
    }
}

/* ---- the policy ----------------------------------------------------------- */

typedef struct role {
    int live;
    char *ns; /* "" for a ClusterRole */
    char *name;
    ks_rbac_rule *rules;
    size_t nrules;
} role;

typedef struct subject {
    ks_rbac_subject_kind kind;
    char *name;
    char *ns;
    char *key; /* index key, NULL = can never match */
} subject;

typedef struct binding {
    int live;
    char *ns; /* "" for a ClusterRoleBinding */
    char *name;
    ks_rbac_role_kind role_kind;
    char *role_name;
    subject *subjects;
    size_t nsubjects;
} binding;

typedef struct index_entry {
    const char *ns;
    const char *key;
    size_t binding;
    size_t subject;
} index_entry;

typedef struct candidate {
    size_t binding;
    size_t subject;
} candidate;

struct ks_rbac_policy {
    role *roles;
    size_t nroles, roles_cap, roles_live;
    name_map role_map;
    binding *bindings;
    size_t nbindings, bindings_cap, bindings_live;
    name_map binding_map;
    index_entry *index;
    size_t nindex, index_cap;
    int index_dirty;
    candidate *cands; /* scratch for one decision */
    size_t cands_cap;
    uint64_t allowed, denied;
};

static void role_key(const void *items, size_t slot, const char **ns,
                     const char **name)
{
    const role *r = (const role *)items + slot;
    *ns = r->ns;
    *name = r->name;
}

static void binding_key(const void *items, size_t slot, const char **ns,
                        const char **name)
{
    const binding *b = (const binding *)items + slot;
    *ns = b->ns;
    *name = b->name;
}

ks_rbac_policy *ks_rbac_policy_create(void)
{
    return ks_xcalloc(1, sizeof(ks_rbac_policy));
}

static void role_clear(role *r)
{
    for (size_t i = 0; i < r->nrules; i++)
        ks_rbac_rule_free(&r->rules[i]);
    free(r->rules);
    r->rules = NULL;
    r->nrules = 0;
}

static void binding_clear(binding *b)
{
    for (size_t i = 0; i < b->nsubjects; i++) {
        free(b->subjects[i].name);
        free(b->subjects[i].ns);
        free(b->subjects[i].key);
    }
    free(b->subjects);
    free(b->role_name);
    b->subjects = NULL;
    b->nsubjects = 0;
    b->role_name = NULL;
}

void ks_rbac_policy_destroy(ks_rbac_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nroles; i++) {
        role_clear(&p->roles[i]);
        free(p->roles[i].ns);
        free(p->roles[i].name);
    }
    free(p->roles);
    free(p->role_map.slots);
    for (size_t i = 0; i < p->nbindings; i++) {
        binding_clear(&p->bindings[i]);
        free(p->bindings[i].ns);
        free(p->bindings[i].name);
    }
    free(p->bindings);
    free(p->binding_map.slots);
    free(p->index);
    free(p->cands);
    free(p);
}

int ks_rbac_put_role(ks_rbac_policy *p, const char *namespace_name,
                     const char *name, const ks_rbac_rule *rules,
                     size_t nrules, ks_error *err)
{
    if (!name || !*name)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "rbac: role name must not be empty");
    const char *ns = nz(namespace_name);
    size_t slot = map_find(&p->role_map, p->roles, role_key, ns, name);
    role *r;
    if (slot != MAP_DELETED) {
        r = &p->roles[slot];
        role_clear(r);
    } else {
        p->roles = ks_xgrow(p->roles, &p->roles_cap, p->nroles + 1,
                            sizeof *p->roles);
        slot = p->nroles++;
        r = &p->roles[slot];
        *r = (role){.live = 1, .ns = ks_xstrdup(ns), .name = ks_xstrdup(name)};
        p->roles_live++;
        map_insert(&p->role_map, p->roles, role_key, p->roles_live, ns, name,
                   slot);
    }
    r->rules = nrules ? ks_xcalloc(nrules, sizeof *r->rules) : NULL;
    r->nrules = nrules;
    for (size_t i = 0; i < nrules; i++)
        rule_copy(&r->rules[i], &rules[i]);
    return KS_OK;
}

int ks_rbac_delete_role(ks_rbac_policy *p, const char *namespace_name,
                        const char *name)
{
    const char *ns = nz(namespace_name);
    size_t slot = map_find(&p->role_map, p->roles, role_key, ns, name);
    if (slot == MAP_DELETED)
        return KS_ENOENT;
    map_remove(&p->role_map, ns, name, slot);
    role *r = &p->roles[slot];
    role_clear(r);
    /* The slot stays (dead) so other slot numbers keep their meaning; the
     * map holds a tombstone for it and never reads it again. */
    r->live = 0;
    p->roles_live--;
    return KS_OK;
}

/* The index key of a subject in a binding of namespace bns (appliesToUser):
 * a ServiceAccount is the user system:serviceaccount:NS:NAME, NS defaulting
 * to the RoleBinding's namespace; without any namespace it matches nobody. */
static char *subject_key(const ks_rbac_subject *s, const char *bns)
{
    switch (s->kind) {
    case KS_RBAC_USER:
        return ks_xasprintf("u:%s", nz(s->name));
    case KS_RBAC_GROUP:
        return ks_xasprintf("g:%s", nz(s->name));
    case KS_RBAC_SERVICE_ACCOUNT: {
        const char *ns = s->namespace_name && *s->namespace_name
                             ? s->namespace_name
                             : bns;
        if (!*ns)
            return NULL;
        return ks_xasprintf("u:" KS_RBAC_SA_PREFIX "%s:%s", ns, nz(s->name));
    }
    }
    return NULL;
}

int ks_rbac_put_binding(ks_rbac_policy *p, const char *namespace_name,
                        const char *name, ks_rbac_role_kind role_kind,
                        const char *role_name, const ks_rbac_subject *subjects,
                        size_t nsubjects, ks_error *err)
{
    const char *ns = nz(namespace_name);
    if (!name || !*name)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "rbac: binding name must not be empty");
    if (!*ns && role_kind != KS_RBAC_CLUSTER_ROLE)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "ClusterRoleBinding \"%s\": roleRef.kind: "
                            "Unsupported value: \"Role\": supported values: "
                            "\"ClusterRole\"",
                            name);
    size_t slot =
        map_find(&p->binding_map, p->bindings, binding_key, ns, name);
    binding *b;
    if (slot != MAP_DELETED) {
        b = &p->bindings[slot];
        binding_clear(b);
    } else {
        p->bindings = ks_xgrow(p->bindings, &p->bindings_cap,
                               p->nbindings + 1, sizeof *p->bindings);
        slot = p->nbindings++;
        b = &p->bindings[slot];
        *b = (binding){
            .live = 1, .ns = ks_xstrdup(ns), .name = ks_xstrdup(name)};
        p->bindings_live++;
        map_insert(&p->binding_map, p->bindings, binding_key,
                   p->bindings_live, ns, name, slot);
    }
    b->role_kind = role_kind;
    b->role_name = ks_xstrdup(nz(role_name));
    b->nsubjects = nsubjects;
    b->subjects = nsubjects ? ks_xcalloc(nsubjects, sizeof *b->subjects) : NULL;
    for (size_t i = 0; i < nsubjects; i++) {
        b->subjects[i].kind = subjects[i].kind;
        b->subjects[i].name = ks_xstrdup(nz(subjects[i].name));
        b->subjects[i].ns = ks_xstrdup(nz(subjects[i].namespace_name));
        b->subjects[i].key = subject_key(&subjects[i], ns);
    }
    p->index_dirty = 1;
    return KS_OK;
}

int ks_rbac_delete_binding(ks_rbac_policy *p, const char *namespace_name,
                           const char *name)
{
    const char *ns = nz(namespace_name);
    size_t slot =
        map_find(&p->binding_map, p->bindings, binding_key, ns, name);
    if (slot == MAP_DELETED)
        return KS_ENOENT;
    map_remove(&p->binding_map, ns, name, slot);
    binding_clear(&p->bindings[slot]);
    p->bindings[slot].live = 0;
    p->bindings_live--;
    p->index_dirty = 1;
    return KS_OK;
}

/* ---- the subject index ---------------------------------------------------- */

static int entry_cmp_key(const char *ns1, const char *k1, const char *ns2,
                         const char *k2)
{
    int c = strcmp(ns1, ns2);
    return c ? c : strcmp(k1, k2);
}

static int entry_cmp(const void *va, const void *vb)
{
    const index_entry *a = va, *b = vb;
    int c = entry_cmp_key(a->ns, a->key, b->ns, b->key);
    if (c)
        return c;
    if (a->binding != b->binding)
        return a->binding < b->binding ? -1 : 1;
    return a->subject < b->subject ? -1 : a->subject > b->subject;
}

static void index_rebuild(ks_rbac_policy *p)
{
    p->nindex = 0;
    for (size_t i = 0; i < p->nbindings; i++) {
        const binding *b = &p->bindings[i];
        if (!b->live)
            continue;
        for (size_t j = 0; j < b->nsubjects; j++) {
            if (!b->subjects[j].key)
                continue;
            p->index = ks_xgrow(p->index, &p->index_cap, p->nindex + 1,
                                sizeof *p->index);
            p->index[p->nindex++] = (index_entry){
                .ns = b->ns, .key = b->subjects[j].key, .binding = i,
                .subject = j};
        }
    }
    if (p->nindex > 1)
        qsort(p->index, p->nindex, sizeof *p->index, entry_cmp);
    p->index_dirty = 0;
}

/* Appends the bindings of namespace ns whose subject has key prefix:name. */
static size_t collect(ks_rbac_policy *p, size_t n, const char *ns,
                      char prefix, const char *name)
{
    char stackbuf[256];
    char *key = stackbuf;
    size_t need = strlen(name) + 3;
    if (need > sizeof stackbuf)
        key = ks_xmalloc(need);
    snprintf(key, need, "%c:%s", prefix, name);
    size_t lo = 0, hi = p->nindex;
    while (lo < hi) { /* lower bound of (ns, key) */
        size_t mid = lo + (hi - lo) / 2;
        const index_entry *e = &p->index[mid];
        if (entry_cmp_key(e->ns, e->key, ns, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < p->nindex; lo++) {
        const index_entry *e = &p->index[lo];
        if (entry_cmp_key(e->ns, e->key, ns, key) != 0)
            break;
        p->cands = ks_xgrow(p->cands, &p->cands_cap, n + 1, sizeof *p->cands);
        p->cands[n++] = (candidate){e->binding, e->subject};
    }
    if (key != stackbuf)
        free(key);
    return n;
}

static int cand_cmp(const void *va, const void *vb)
{
    const candidate *a = va, *b = vb;
    if (a->binding != b->binding)
        return a->binding < b->binding ? -1 : 1;
    return a->subject < b->subject ? -1 : a->subject > b->subject;
}

/* The bindings of namespace ns that apply to user u, each once with the
 * first subject that applies (appliesTo), in insertion order. */
static size_t bindings_for(ks_rbac_policy *p, const ks_rbac_user *u,
                           const char *ns)
{
    size_t n = collect(p, 0, ns, 'u', nz(u->name));
    for (size_t i = 0; i < u->ngroups; i++)
        n = collect(p, n, ns, 'g', u->groups[i]);
    if (n > 1)
        qsort(p->cands, n, sizeof *p->cands, cand_cmp);
    size_t out = 0;
    for (size_t i = 0; i < n; i++)
        if (out == 0 || p->cands[out - 1].binding != p->cands[i].binding)
            p->cands[out++] = p->cands[i];
    return out;
}

/* ---- deciding ------------------------------------------------------------- */

static void reason_append(char *buf, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void reason_append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

static const char *subject_kind_name(ks_rbac_subject_kind k)
{
    switch (k) {
    case KS_RBAC_USER:
        return "User";
    case KS_RBAC_GROUP:
        return "Group";
    case KS_RBAC_SERVICE_ACCOUNT:
        return "ServiceAccount";
    }
    return "";
}

static const char *role_kind_name(ks_rbac_role_kind k)
{
    return k == KS_RBAC_ROLE ? "Role" : "ClusterRole";
}

/* clusterRoleBindingDescriber / roleBindingDescriber String(). */
static void describe_allow(char *buf, size_t cap, const binding *b,
                           const subject *s)
{
    buf[0] = '\0';
    if (*b->ns)
        reason_append(buf, cap, "RBAC: allowed by RoleBinding \"%s/%s\"",
                      b->name, b->ns);
    else
        reason_append(buf, cap, "RBAC: allowed by ClusterRoleBinding \"%s\"",
                      b->name);
    reason_append(buf, cap, " of %s \"%s\" to %s ", role_kind_name(b->role_kind),
                  b->role_name, subject_kind_name(s->kind));
    if (s->kind == KS_RBAC_SERVICE_ACCOUNT)
        reason_append(buf, cap, "\"%s/%s\"", s->name, *s->ns ? s->ns : b->ns);
    else
        reason_append(buf, cap, "\"%s\"", s->name);
}

/* GetRoleReferenceRules: NULL when the role does not exist. */
static const role *resolve_role(const ks_rbac_policy *p, const binding *b)
{
    const char *ns = b->role_kind == KS_RBAC_ROLE ? b->ns : "";
    size_t slot = map_find(&p->role_map, p->roles, role_key, ns, b->role_name);
    return slot == MAP_DELETED ? NULL : &p->roles[slot];
}

/* Visits the bindings of one scope; returns 1 when a rule allowed. */
static int visit_scope(ks_rbac_policy *p, const ks_rbac_attrs *a,
                       const char *ns, ks_rbac_decision *out, char *errs,
                       size_t errs_cap, size_t *nerrs)
{
    size_t n = bindings_for(p, a->user, ns);
    out->bindings_matched += n;
    for (size_t i = 0; i < n; i++) {
        const binding *b = &p->bindings[p->cands[i].binding];
        const role *r = resolve_role(p, b);
        if (!r) {
            /* The lister's NotFound error, aggregated into the reason. */
            reason_append(errs, errs_cap, "%s%s.rbac.authorization.k8s.io "
                          "\"%s\" not found", *nerrs ? ", " : "",
                          b->role_kind == KS_RBAC_ROLE ? "role" : "clusterrole",
                          b->role_name);
            (*nerrs)++;
            continue;
        }
        for (size_t j = 0; j < r->nrules; j++) {
            if (ks_rbac_rule_allows(&r->rules[j], a)) {
                describe_allow(out->reason, sizeof out->reason, b,
                               &b->subjects[p->cands[i].subject]);
                return 1;
            }
        }
    }
    return 0;
}

static int in_privileged_group(const ks_rbac_user *u)
{
    return strv_has(u->groups, u->ngroups, KS_RBAC_SYSTEM_MASTERS);
}

void ks_rbac_authorize(ks_rbac_policy *p, const ks_rbac_attrs *a,
                       ks_rbac_decision *out)
{
    *out = (ks_rbac_decision){0};
    if (!a->user) {
        snprintf(out->reason, sizeof out->reason, "no user on request");
        p->denied++;
        return;
    }
    if (in_privileged_group(a->user)) {
        out->allowed = 1;
        out->by_privileged_group = 1;
        p->allowed++;
        return;
    }
    if (p->index_dirty)
        index_rebuild(p);
    char errs[KS_RBAC_REASON_MAX] = "";
    size_t nerrs = 0;
    const char *ns = nz(a->namespace_name);
    int ok = visit_scope(p, a, "", out, errs, sizeof errs, &nerrs);
    if (!ok && *ns)
        ok = visit_scope(p, a, ns, out, errs, sizeof errs, &nerrs);
    if (ok) {
        out->allowed = 1;
        p->allowed++;
        return;
    }
    /* utilerrors.NewAggregate prints one error bare, several in brackets. */
    if (nerrs == 1)
        reason_append(out->reason, sizeof out->reason, "RBAC: %s", errs);
    else if (nerrs > 1)
        reason_append(out->reason, sizeof out->reason, "RBAC: [%s]", errs);
    p->denied++;
}

uint64_t ks_rbac_allowed_count(const ks_rbac_policy *p) { return p->allowed; }

uint64_t ks_rbac_denied_count(const ks_rbac_policy *p) { return p->denied; }

char *ks_rbac_forbidden_message(const ks_rbac_attrs *a,
                                const ks_rbac_decision *d)
{
    const char *user = a->user ? nz(a->user->name) : "";
    const char *verb = nz(a->verb);
    char *msg;
    if (a->non_resource) {
        msg = ks_xasprintf("User \"%s\" cannot %s path \"%s\"", user, verb,
                           nz(a->path));
    } else {
        const char *sub = nz(a->subresource);
        const char *ns = nz(a->namespace_name);
        char *res = ks_xasprintf("%s%s%s", nz(a->resource), *sub ? "/" : "",
                                 sub);
        if (*ns)
            msg = ks_xasprintf("User \"%s\" cannot %s resource \"%s\" in API "
                               "group \"%s\" in the namespace \"%s\"",
                               user, verb, res, nz(a->api_group), ns);
        else
            msg = ks_xasprintf("User \"%s\" cannot %s resource \"%s\" in API "
                               "group \"%s\" at the cluster scope",
                               user, verb, res, nz(a->api_group));
        free(res);
    }
    if (d && d->reason[0]) {
        char *with = ks_xasprintf("%s: %s", msg, d->reason);
        free(msg);
        msg = with;
    }
    /* apierrors.NewForbidden(GroupResource, name, err). */
    const char *resource = nz(a->resource), *group = nz(a->api_group);
    const char *name = nz(a->name);
    char *out;
    if (a->non_resource || !*resource)
        out = ks_xasprintf("forbidden: %s", msg);
    else if (!*name)
        out = ks_xasprintf("%s%s%s is forbidden: %s", resource,
                           *group ? "." : "", group, msg);
    else
        out = ks_xasprintf("%s%s%s \"%s\" is forbidden: %s", resource,
                           *group ? "." : "", group, name, msg);
    free(msg);
    return out;
}
