/* objects.c - labels, selectors, taints and the matching rules plugins share.
 *
 * Matching rules re-implemented from Kubernetes v1.36:
 * apimachinery/pkg/labels/selector.go (label requirements),
 * component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go (node
 * selector terms), api/core/v1/toleration.go (ToleratesTaint),
 * pkg/scheduler/framework/types.go (HostPortInfo conflicts) and
 * plugins/imagelocality/image_locality.go (normalizedImageName).
 */
#include "sim/objects.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* ---- labels ------------------------------------------------------------ */

/* Index of key, or of where it would go (binary search). */
static size_t labels_find(const ks_labels *l, const char *key, int *found)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(l->items[mid].key, key);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

void ks_labels_set(ks_labels *l, const char *key, const char *value)
{
    int found;
    size_t i = labels_find(l, key, &found);
    if (found) {
        free(l->items[i].value);
        l->items[i].value = ks_xstrdup(value);
        return;
    }
    l->items = ks_xrealloc(l->items, (l->n + 1) * sizeof(ks_kv));
    memmove(&l->items[i + 1], &l->items[i], (l->n - i) * sizeof(ks_kv));
    l->items[i].key = ks_xstrdup(key);
    l->items[i].value = ks_xstrdup(value);
    l->n++;
}

const char *ks_labels_get(const ks_labels *l, const char *key)
{
    int found;
    size_t i = labels_find(l, key, &found);
    return found ? l->items[i].value : NULL;
}

void ks_labels_free(ks_labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* ---- requirements ---------------------------------------------------------- */

static int value_in(const ks_requirement *r, const char *v)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (strcmp(r->values[i], v) == 0)
            return 1;
    return 0;
}

/* Strict decimal int64, as strconv.ParseInt(s, 10, 64). */
static int parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Gt/Lt: both the label value and the single operand must parse. */
static int compare_int(const ks_requirement *r, const char *v)
{
    int64_t lv, rv;
    if (r->nvalues != 1 || parse_int64(v, &lv) || parse_int64(r->values[0], &rv))
        return 0;
    return r->op == KS_OP_GT ? lv > rv : lv < rv;
}

/* One requirement against a possibly absent value (NULL). */
static int requirement_matches(const ks_requirement *r, const char *v,
                               int allow_gt_lt)
{
    switch (r->op) {
    case KS_OP_IN:
        return v && value_in(r, v);
    case KS_OP_NOT_IN:
        return !v || !value_in(r, v);
    case KS_OP_EXISTS:
        return v != NULL;
    case KS_OP_DOES_NOT_EXIST:
        return v == NULL;
    case KS_OP_GT:
    case KS_OP_LT:
        return allow_gt_lt && v && compare_int(r, v);
    }
    return 0;
}

int ks_label_selector_matches(const ks_label_selector *sel,
                              const ks_labels *labels)
{
    for (size_t i = 0; i < sel->match_labels.n; i++) {
        const char *v = ks_labels_get(labels, sel->match_labels.items[i].key);
        if (!v || strcmp(v, sel->match_labels.items[i].value) != 0)
            return 0;
    }
    for (size_t i = 0; i < sel->nexpressions; i++) {
        const ks_requirement *r = &sel->match_expressions[i];
        if (!requirement_matches(r, ks_labels_get(labels, r->key), 0))
            return 0;
    }
    return 1;
}

/* One alphanumeric-bounded run of [-A-Za-z0-9_.] of at most max chars
 * (apimachinery validation qualifiedNameFmt / labelValueFmt). */
static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int valid_name_part(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* IsValidLabelValue: empty, or a name part of at most 63 characters. */
static int valid_label_value(const char *v)
{
    return v[0] == '\0' || valid_name_part(v, strlen(v), 63);
}

/* IsDNS1123Subdomain: lower-case labels joined by dots, <= 253 chars. */
static int valid_dns_subdomain(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        if (i == start)
            return 0;
        for (size_t j = start; j < i; j++) {
            char c = s[j];
            int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     (c == '-' && j != start && j != i - 1);
            if (!ok)
                return 0;
        }
        start = i + 1;
    }
    return 1;
}

/* IsQualifiedName: [dns-subdomain "/"] name-part (<= 63). */
static int valid_label_key(const char *k)
{
    const char *slash = strchr(k, '/');
    if (!slash)
        return valid_name_part(k, strlen(k), 63);
    if (strchr(slash + 1, '/'))
        return 0;
    return valid_dns_subdomain(k, (size_t)(slash - k)) &&
           valid_name_part(slash + 1, strlen(slash + 1), 63);
}

/* labels.NewRequirement's checks: a requirement failing them makes its
 * whole term unparseable, and an unparseable term matches nothing
 * (nodeaffinity LazyErrorNodeSelector). */
static int valid_label_requirement(const ks_requirement *r)
{
    int64_t v;
    if (!valid_label_key(r->key))
        return 0;
    switch (r->op) {
    case KS_OP_IN:
    case KS_OP_NOT_IN:
        if (r->nvalues == 0)
            return 0;
        break;
    case KS_OP_EXISTS:
    case KS_OP_DOES_NOT_EXIST:
        if (r->nvalues != 0)
            return 0;
        break;
    case KS_OP_GT:
    case KS_OP_LT:
        if (r->nvalues != 1 || parse_int64(r->values[0], &v))
            return 0;
        break;
    default:
        return 0;
    }
    for (size_t i = 0; i < r->nvalues; i++)
        if (!valid_label_value(r->values[i]))
            return 0;
    return 1;
}

/* nodeSelectorRequirementsAsFieldSelector: In or NotIn with exactly one
 * value; only metadata.name exists as a node field. */
static int valid_field_requirement(const ks_requirement *r)
{
    return (r->op == KS_OP_IN || r->op == KS_OP_NOT_IN) && r->nvalues == 1;
}

int ks_node_selector_term_parses(const ks_node_selector_term *t)
{
    for (size_t i = 0; i < t->nexpressions; i++)
        if (!valid_label_requirement(&t->match_expressions[i]))
            return 0;
    for (size_t i = 0; i < t->nfields; i++)
        if (!valid_field_requirement(&t->match_fields[i]))
            return 0;
    return 1;
}

int ks_node_selector_term_matches(const ks_node_selector_term *t,
                                  const ks_labels *node_labels,
                                  const char *node_name)
{
    return ks_node_selector_term_parses(t) &&
           ks_node_selector_term_matches_parsed(t, node_labels, node_name);
}

int ks_node_selector_term_matches_parsed(const ks_node_selector_term *t,
                                         const ks_labels *node_labels,
                                         const char *node_name)
{
    if (t->nexpressions == 0 && t->nfields == 0)
        return 0;
    for (size_t i = 0; i < t->nexpressions; i++) {
        const ks_requirement *r = &t->match_expressions[i];
        if (!requirement_matches(r, ks_labels_get(node_labels, r->key), 1))
            return 0;
    }
    /* Upstream checks fields only when the node has some (a name). */
    if (!node_name || !node_name[0])
        return 1;
    for (size_t i = 0; i < t->nfields; i++) {
        const ks_requirement *r = &t->match_fields[i];
        /* fields.Set.Get: an unknown field reads as "". */
        const char *v = strcmp(r->key, "metadata.name") == 0 ? node_name : "";
        if (!requirement_matches(r, v, 0))
            return 0;
    }
    return 1;
}

int ks_node_selector_matches(const ks_node_selector *s,
                             const ks_labels *node_labels,
                             const char *node_name)
{
    for (size_t i = 0; i < s->nterms; i++)
        if (ks_node_selector_term_matches(&s->terms[i], node_labels,
                                          node_name))
            return 1;
    return 0;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ks_requirement_free(ks_requirement *r)
{
    free(r->key);
    free_strings(r->values, r->nvalues);
    *r = (ks_requirement){0};
}

static void free_requirements(ks_requirement *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ks_requirement_free(&r[i]);
    free(r);
}

void ks_label_selector_free(ks_label_selector *sel)
{
    ks_labels_free(&sel->match_labels);
    free_requirements(sel->match_expressions, sel->nexpressions);
    *sel = (ks_label_selector){0};
}

void ks_node_selector_term_free(ks_node_selector_term *t)
{
    free_requirements(t->match_expressions, t->nexpressions);
    free_requirements(t->match_fields, t->nfields);
    *t = (ks_node_selector_term){0};
}

void ks_node_selector_free(ks_node_selector *s)
{
    for (size_t i = 0; i < s->nterms; i++)
        ks_node_selector_term_free(&s->terms[i]);
    free(s->terms);
    *s = (ks_node_selector){0};
}

void ks_node_affinity_free(ks_node_affinity *a)
{
    ks_node_selector_free(&a->required);
    for (size_t i = 0; i < a->npreferred; i++)
        ks_node_selector_term_free(&a->preferred[i].term);
    free(a->preferred);
    *a = (ks_node_affinity){0};
}

void ks_pod_affinity_term_free(ks_pod_affinity_term *t)
{
    ks_label_selector_free(&t->label_selector);
    free_strings(t->namespaces, t->nnamespaces);
    ks_label_selector_free(&t->namespace_selector);
    free(t->topology_key);
    free_strings(t->match_label_keys, t->nmatch_label_keys);
    free_strings(t->mismatch_label_keys, t->nmismatch_label_keys);
    *t = (ks_pod_affinity_term){0};
}

void ks_pod_affinity_free(ks_pod_affinity *a)
{
    for (size_t i = 0; i < a->nrequired; i++)
        ks_pod_affinity_term_free(&a->required[i]);
    free(a->required);
    for (size_t i = 0; i < a->npreferred; i++)
        ks_pod_affinity_term_free(&a->preferred[i].term);
    free(a->preferred);
    *a = (ks_pod_affinity){0};
}

/* ---- taints and tolerations -------------------------------------------- */

static int str_equal(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int ks_toleration_tolerates(const ks_toleration *tol, const ks_taint *taint)
{
    if (tol->effect != KS_EFFECT_ALL && tol->effect != taint->effect)
        return 0;
    if (tol->key && tol->key[0] && !str_equal(tol->key, taint->key))
        return 0;
    if (tol->op == KS_TOLERATION_EXISTS)
        return 1;
    return str_equal(tol->value, taint->value);
}

int ks_tolerations_tolerate(const ks_toleration *tols, size_t ntols,
                            const ks_taint *taint)
{
    for (size_t i = 0; i < ntols; i++)
        if (ks_toleration_tolerates(&tols[i], taint))
            return 1;
    return 0;
}

void ks_taint_free(ks_taint *t)
{
    free(t->key);
    free(t->value);
    *t = (ks_taint){0};
}

void ks_toleration_free(ks_toleration *t)
{
    free(t->key);
    free(t->value);
    *t = (ks_toleration){0};
}

const char *ks_taint_effect_name(ks_taint_effect e)
{
    switch (e) {
    case KS_EFFECT_NO_SCHEDULE:
        return "NoSchedule";
    case KS_EFFECT_PREFER_NO_SCHEDULE:
        return "PreferNoSchedule";
    case KS_EFFECT_NO_EXECUTE:
        return "NoExecute";
    case KS_EFFECT_ALL:
        break;
    }
    return "";
}

/* ---- ports and images ------------------------------------------------------ */

static const char *effective_ip(const char *ip)
{
    return ip && ip[0] ? ip : "0.0.0.0";
}

int ks_host_ports_conflict(const ks_host_port *a, const ks_host_port *b)
{
    /* HostPortInfo ignores ports <= 0 (no host port). */
    if (a->port <= 0 || b->port <= 0)
        return 0;
    if (a->port != b->port || a->protocol != b->protocol)
        return 0;
    const char *ia = effective_ip(a->host_ip), *ib = effective_ip(b->host_ip);
    return strcmp(ia, "0.0.0.0") == 0 || strcmp(ib, "0.0.0.0") == 0 ||
           strcmp(ia, ib) == 0;
}

char *ks_image_normalize(const char *image)
{
    const char *colon = strrchr(image, ':');
    const char *slash = strrchr(image, '/');
    /* No ':' after the last '/': no tag (a digest's '@sha256:' has one). */
    if (!colon || (slash && colon < slash))
        return ks_xasprintf("%s:latest", image);
    return ks_xstrdup(image);
}

void ks_node_image_free(ks_node_image *img)
{
    free_strings(img->names, img->nnames);
    *img = (ks_node_image){0};
}

void ks_topology_spread_free(ks_topology_spread *t)
{
    free(t->topology_key);
    ks_label_selector_free(&t->label_selector);
    free_strings(t->match_label_keys, t->nmatch_label_keys);
    *t = (ks_topology_spread){0};
}

/* ---- pod specs and node infos ---------------------------------------------- */

void ks_pod_spec_free(ks_pod_spec *spec)
{
    free(spec->namespace_name);
    ks_labels_free(&spec->labels);
    free(spec->scheduler_name);
    free(spec->node_name);
    ks_labels_free(&spec->node_selector);
    ks_node_affinity_free(&spec->node_affinity);
    ks_pod_affinity_free(&spec->pod_affinity);
    ks_pod_affinity_free(&spec->pod_anti_affinity);
    for (size_t i = 0; i < spec->ntolerations; i++)
        ks_toleration_free(&spec->tolerations[i]);
    free(spec->tolerations);
    for (size_t i = 0; i < spec->nhost_ports; i++)
        free(spec->host_ports[i].host_ip);
    free(spec->host_ports);
    free_strings(spec->images, spec->nimages);
    for (size_t i = 0; i < spec->nspread; i++)
        ks_topology_spread_free(&spec->spread[i]);
    free(spec->spread);
    *spec = (ks_pod_spec){0};
}

void ks_node_info_free(ks_node_info *info)
{
    ks_labels_free(&info->labels);
    for (size_t i = 0; i < info->ntaints; i++)
        ks_taint_free(&info->taints[i]);
    free(info->taints);
    for (size_t i = 0; i < info->nimages; i++)
        ks_node_image_free(&info->images[i]);
    free(info->images);
    *info = (ks_node_info){0};
}

static char *dup_or_null(const char *s)
{
    return s ? ks_xstrdup(s) : NULL;
}

void ks_node_info_copy(ks_node_info *dst, const ks_node_info *src)
{
    *dst = (ks_node_info){0};
    for (size_t i = 0; i < src->labels.n; i++)
        ks_labels_set(&dst->labels, src->labels.items[i].key,
                      src->labels.items[i].value);
    dst->unschedulable = src->unschedulable;
    if (src->ntaints) {
        dst->taints = ks_xcalloc(src->ntaints, sizeof *dst->taints);
        for (size_t i = 0; i < src->ntaints; i++) {
            dst->taints[i].key = dup_or_null(src->taints[i].key);
            dst->taints[i].value = dup_or_null(src->taints[i].value);
            dst->taints[i].effect = src->taints[i].effect;
        }
        dst->ntaints = src->ntaints;
    }
    if (src->nimages) {
        dst->images = ks_xcalloc(src->nimages, sizeof *dst->images);
        for (size_t i = 0; i < src->nimages; i++) {
            const ks_node_image *si = &src->images[i];
            ks_node_image *di = &dst->images[i];
            di->size_bytes = si->size_bytes;
            if (si->nnames) {
                di->names = ks_xcalloc(si->nnames, sizeof *di->names);
                for (size_t k = 0; k < si->nnames; k++)
                    di->names[k] = ks_xstrdup(si->names[k]);
                di->nnames = si->nnames;
            }
        }
        dst->nimages = src->nimages;
    }
}
