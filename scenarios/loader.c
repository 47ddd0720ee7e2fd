/* loader.c - reads a scenario YAML file into a ks_scenario, strictly.
 *
 * ks_yt_parse turns the text into a tree; the functions below walk it top
 * down, one function per mapping of the language, each starting with the
 * table of keys it accepts (ks_yt_fields), so a new key is one table line
 * plus its conversion.  Every error names the path of the offending value
 * and its line and column (docs/scenario.md lists them all).
 *
 * On error the partly filled scenario is destroyed: every field is either
 * zero or fully owned by the scenario at every step, so ks_scenario_destroy
 * is the only cleanup path.
 */
#include "scenarios/scenario.h"
#include "scenarios/trace_spec.h"
#include "scenarios/cp_spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenarios/yaml_tree.h"
#include "sim/fsutil.h"
#include "sim/gpu.h"
#include "sim/xalloc.h"

#define API_VERSION "ksim.dev/v1"
#define KIND "Scenario"
#define DEFAULT_SEED 1
#define DEFAULT_KUBERNETES_VERSION "1.36"
#define DEFAULT_METRICS_INTERVAL (10 * KS_SECOND)
/* The scheduler throughput model (see docs/scenario.md): with the adaptive
 * percentageOfNodesToScore, a 5,000-node cluster filters about 500 nodes per
 * cycle, 1 ms + 500 x 5 us = 3.5 ms, about 285 pods/s: within the published
 * 100-300 pods/s of kube-scheduler at that scale (k8s-control-loop.md).  A
 * bind is one API request (apiserver plus etcd commit): 5 ms. */
#define DEFAULT_CYCLE_BASE KS_MILLISECOND
#define DEFAULT_CYCLE_PER_NODE (5 * KS_MICROSECOND)
#define DEFAULT_BIND_LATENCY (5 * KS_MILLISECOND)
/* terminationGracePeriodSeconds' default (core/v1 types.go). */
#define DEFAULT_VICTIM_GRACE (30 * KS_SECOND)
#define DEFAULT_PODS_ALLOCATABLE 110
#define MAX_NAME_LEN 50
#define MAX_TOTAL_NODES 1000000
#define MAX_GENERATOR_COUNT 1000000000
/* A billion arrivals per simulated second is already far beyond any
 * cluster; larger rates are typos (and would never finish). */
#define MAX_RATE_PER_SECOND 1e9

static const char *const supported_versions[] = {"1.35", "1.36", NULL};

/* A node's text quoted for a message (escaped, cut when long). */
#define QUOTED(n, buf) ks_yt_quote((n)->text, (buf), sizeof(buf))

/* The unit a distribution's parameters are written in. */
typedef enum unit_kind { UNIT_SECONDS, UNIT_QUANTITY } unit_kind;
typedef struct unit {
    unit_kind kind;
    int scale; /* quantities: ks_quantity_parse's scale */
} unit;

/* ---- small values ------------------------------------------------------ */

static int load_exact(const ks_yt_ctx *c, const ks_yt_node *n,
                      const char *expected)
{
    const char *s = NULL;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    if (strcmp(s, expected)) {
        char q[96];
        return ks_yt_fail(c, n, KS_EINVAL, "unsupported value %s (expected "
                                           "\"%s\")",
                          ks_yt_quote(s, q, sizeof q), expected);
    }
    return 0;
}

static int is_alnum_lower(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* Pool and generator names end up in node names and dataset paths, so
 * they follow DNS-1123 label rules: [a-z0-9]([-a-z0-9]*[a-z0-9])?. */
static int is_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > MAX_NAME_LEN || !is_alnum_lower(s[0]) ||
        !is_alnum_lower(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum_lower(s[i]) && s[i] != '-')
            return 0;
    return 1;
}

static int load_name(const ks_yt_ctx *c, const ks_yt_node *n, char **out)
{
    const char *s = NULL;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    if (!is_name(s)) {
        char q[96];
        return ks_yt_fail(c, n, KS_EINVAL,
                          "invalid name %s (expected 1 to %d lowercase "
                          "letters, digits or '-', starting and ending with "
                          "a letter or digit)",
                          ks_yt_quote(s, q, sizeof q), MAX_NAME_LEN);
    }
    *out = ks_xstrdup(s);
    return 0;
}

/* A duration that must be > 0 (or >= 0 when zero_ok). */
static int load_time(const ks_yt_ctx *c, const ks_yt_node *n, int zero_ok,
                     ks_time *out)
{
    int rc = ks_yt_duration(c, n, out);
    if (rc)
        return rc;
    char q[96];
    if (*out < 0 || (*out == 0 && !zero_ok))
        return ks_yt_fail(c, n, KS_ERANGE, "must be %s, got %s",
                          zero_ok ? ">= 0" : "> 0", QUOTED(n, q));
    return 0;
}

/* "<positive decimal>/s|m|h", e.g. 5/s, 300/m, 0.5/h. */
static int parse_rate(const char *s, double *per_second)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || slash[1] == '\0' || slash[2] != '\0')
        return KS_EPARSE;
    size_t digits = 0, dots = 0;
    for (const char *p = s; p < slash; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.')
            dots++;
        else
            return KS_EPARSE;
    }
    if (!digits || dots > 1)
        return KS_EPARSE;
    double per;
    switch (slash[1]) {
    case 's': per = 1; break;
    case 'm': per = 60; break;
    case 'h': per = 3600; break;
    default: return KS_EPARSE;
    }
    *per_second = strtod(s, NULL) / per;
    return 0;
}

int ks_scenario_load_rate(const ks_yt_ctx *c, const ks_yt_node *n,
                          double *out)
{
    const char *s = NULL;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    char q[96];
    ks_yt_quote(s, q, sizeof q);
    if (parse_rate(s, out))
        return ks_yt_fail(c, n, KS_EPARSE,
                          "invalid rate %s (expected a positive number per "
                          "s, m or h, e.g. 5/s, 300/m, 0.5/h)",
                          q);
    if (!(*out > 0))
        return ks_yt_fail(c, n, KS_ERANGE, "rate must be > 0, got %s", q);
    if (*out > MAX_RATE_PER_SECOND)
        return ks_yt_fail(c, n, KS_ERANGE,
                          "rate %s is too high (at most %g per second)", q,
                          MAX_RATE_PER_SECOND);
    return 0;
}

/* ---- distributions ----------------------------------------------------- */

/* One amount in the field's unit: seconds for durations, base units for
 * quantities.  Never negative: no request or run time is. */
static int load_amount(const ks_yt_ctx *c, const ks_yt_node *n, const unit *u,
                       double *out)
{
    int64_t v;
    int rc = u->kind == UNIT_SECONDS ? ks_yt_duration(c, n, &v)
                                     : ks_yt_quantity(c, n, u->scale, &v);
    if (rc)
        return rc;
    char q[96];
    if (v < 0)
        return ks_yt_fail(c, n, KS_ERANGE, "must not be negative, got %s",
                          QUOTED(n, q));
    *out = u->kind == UNIT_SECONDS ? (double)v / (double)KS_SECOND : (double)v;
    return 0;
}

static int load_positive_amount(const ks_yt_ctx *c, const ks_yt_node *n,
                                const unit *u, double *out)
{
    char q[96];
    int rc = load_amount(c, n, u, out);
    if (!rc && !(*out > 0))
        return ks_yt_fail(c, n, KS_ERANGE, "must be > 0, got %s",
                          QUOTED(n, q));
    return rc;
}

/* The keys each kind accepts besides `dist`; the last is optional for
 * empirical (weights) and required for every other kind. */
static const char *const dist_params[][2] = {
    [KS_DIST_CONSTANT] = {"value", NULL},
    [KS_DIST_UNIFORM] = {"min", "max"},
    [KS_DIST_EXPONENTIAL] = {"mean", NULL},
    [KS_DIST_LOGNORMAL] = {"median", "sigma"},
    [KS_DIST_NORMAL] = {"mean", "stddev"},
    [KS_DIST_EMPIRICAL] = {"values", "weights"},
    [KS_DIST_WEIBULL] = {"scale", "shape"},
};
#define DIST_KINDS (KS_DIST_WEIBULL + 1)

static int load_empirical(const ks_yt_ctx *c, const ks_yt_node *values,
                          const ks_yt_node *weights, const unit *u,
                          ks_dist *d)
{
    int rc;
    if ((rc = ks_yt_expect(c, values, KS_YT_SEQUENCE)))
        return rc;
    if (values->n == 0)
        return ks_yt_fail(c, values, KS_EINVAL, "must list at least one value");
    if (weights && (rc = ks_yt_expect(c, weights, KS_YT_SEQUENCE)))
        return rc;
    if (weights && weights->n != values->n)
        return ks_yt_fail(c, weights, KS_EINVAL,
                          "has %zu weights but values has %zu entries (they "
                          "must be the same length)",
                          weights->n, values->n);
    double *v = ks_xmalloc(values->n * sizeof *v);
    double *w = weights ? ks_xmalloc(weights->n * sizeof *w) : NULL;
    double sum = 0;
    char q[96];
    for (size_t i = 0; !rc && i < values->n; i++)
        rc = load_amount(c, values->items[i], u, &v[i]);
    for (size_t i = 0; !rc && w && i < weights->n; i++) {
        rc = ks_yt_number(c, weights->items[i], &w[i]);
        if (!rc && w[i] < 0)
            rc = ks_yt_fail(c, weights->items[i], KS_ERANGE,
                            "weights must not be negative, got %s",
                            QUOTED(weights->items[i], q));
        sum += rc ? 0 : w[i];
    }
    if (!rc && w && !isfinite(sum))
        rc = ks_yt_fail(c, weights, KS_ERANGE, "the weights' sum is too large");
    if (!rc && w && !(sum > 0))
        rc = ks_yt_fail(c, weights, KS_EINVAL,
                        "the weights must not all be zero");
    if (!rc)
        ks_dist_init_empirical(d, v, w, values->n);
    free(v);
    free(w);
    return rc;
}

static int load_dist_params(const ks_yt_ctx *c, ks_dist_kind kind,
                            const ks_yt_node *p0, const ks_yt_node *p1,
                            const unit *u, ks_dist *d)
{
    double a = 0, b = 0;
    int rc = 0;
    char q0[96], q1[96];
    switch (kind) {
    case KS_DIST_CONSTANT:
        if (!(rc = load_amount(c, p0, u, &a)))
            ks_dist_init_constant(d, a);
        return rc;
    case KS_DIST_UNIFORM:
        if ((rc = load_amount(c, p0, u, &a)) || (rc = load_amount(c, p1, u, &b)))
            return rc;
        if (b < a)
            return ks_yt_fail(c, p1, KS_ERANGE,
                              "max %s is less than min %s", QUOTED(p1, q1),
                              QUOTED(p0, q0));
        break;
    case KS_DIST_EXPONENTIAL:
        rc = load_positive_amount(c, p0, u, &a);
        break;
    case KS_DIST_LOGNORMAL:
        if ((rc = load_positive_amount(c, p0, u, &a)) ||
            (rc = ks_yt_number(c, p1, &b)))
            return rc;
        if (b < 0)
            return ks_yt_fail(c, p1, KS_ERANGE, "must be >= 0, got %s",
                              QUOTED(p1, q1));
        a = log(a); /* the median of a lognormal is exp(mu) */
        break;
    case KS_DIST_NORMAL:
        rc = load_amount(c, p0, u, &a);
        if (!rc)
            rc = load_amount(c, p1, u, &b);
        break;
    case KS_DIST_EMPIRICAL:
        return load_empirical(c, p0, p1, u, d);
    case KS_DIST_WEIBULL:
        if ((rc = load_positive_amount(c, p0, u, &a)) ||
            (rc = ks_yt_number(c, p1, &b)))
            return rc;
        if (!(b > 0))
            return ks_yt_fail(c, p1, KS_ERANGE, "must be > 0, got %s",
                              QUOTED(p1, q1));
        break;
    }
    if (!rc)
        ks_dist_init(d, kind, a, b);
    return rc;
}

/* A distribution: a bare scalar (a constant) or {dist: KIND, params...}.
 * On error *d is left zeroed. */
static int load_dist(const ks_yt_ctx *c, const ks_yt_node *n, const unit *u,
                     ks_dist *d)
{
    memset(d, 0, sizeof *d);
    if (n->kind == KS_YT_SCALAR && !ks_yt_is_null(n)) {
        double v;
        int rc = load_amount(c, n, u, &v);
        if (!rc)
            ks_dist_init_constant(d, v);
        return rc;
    }
    if (n->kind != KS_YT_MAPPING)
        return ks_yt_fail(c, n, KS_EPARSE,
                          "expected a value or a distribution "
                          "{dist: ..., ...}, got %s",
                          ks_yt_describe(n));
    const ks_yt_node *dn = ks_yt_get(n, "dist");
    if (!dn)
        return ks_yt_fail_missing(c, n, "dist");
    const char *names[DIST_KINDS + 1];
    for (int k = 0; k < DIST_KINDS; k++)
        names[k] = ks_dist_kind_name((ks_dist_kind)k);
    names[DIST_KINDS] = NULL;
    int kind, rc;
    if ((rc = ks_yt_enum(c, dn, "distribution", names, &kind)))
        return rc;
    const ks_yt_node *p[2] = {NULL, NULL};
    ks_yt_field fields[4] = {{"dist", 1, &dn}};
    size_t nf = 1;
    for (size_t i = 0; i < 2 && dist_params[kind][i]; i++, nf++)
        fields[nf] = (ks_yt_field){dist_params[kind][i],
                                   !(kind == KS_DIST_EMPIRICAL && i == 1),
                                   &p[i]};
    fields[nf] = (ks_yt_field){NULL, 0, NULL};
    if ((rc = ks_yt_fields(c, n, fields)))
        return rc;
    return load_dist_params(c, (ks_dist_kind)kind, p[0], p[1], u, d);
}

/* ---- labels (Kubernetes label syntax) ---------------------------------- */

static int is_label_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

/* A label value, or the name part of a key: at most 63 characters of
 * [-A-Za-z0-9_.], starting and ending alphanumeric; empty when empty_ok. */
static int is_label_name(const char *s, size_t len, int empty_ok)
{
    if (len == 0)
        return empty_ok;
    if (len > 63 || !is_label_char(s[0]) || !is_label_char(s[len - 1]) ||
        strchr("-_.", s[0]) || strchr("-_.", s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_label_char(s[i]))
            return 0;
    return 1;
}

/* A DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
static int is_dns_subdomain(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.') {
            if (!is_alnum_lower(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return 0;
        start = i + 1;
    }
    return 1;
}

static int is_label_key(const char *k)
{
    const char *slash = strchr(k, '/');
    if (!slash)
        return is_label_name(k, strlen(k), 0);
    return is_dns_subdomain(k, (size_t)(slash - k)) &&
           is_label_name(slash + 1, strlen(slash + 1), 0);
}

static int load_labels(const ks_yt_ctx *c, const ks_yt_node *n,
                       ks_node_pool *pool)
{
    int rc = ks_yt_expect(c, n, KS_YT_MAPPING);
    if (rc)
        return rc;
    pool->labels = ks_xcalloc(n->n, sizeof *pool->labels);
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *v = n->items[i];
        const char *value = NULL;
        char q[96];
        if (!is_label_key(v->key->text))
            return ks_yt_fail_key(c, v, KS_EINVAL,
                              "invalid label key %s (expected [prefix/]name: "
                              "an optional DNS subdomain and '/', then 1 to "
                              "63 characters of [-A-Za-z0-9_.] starting and "
                              "ending with a letter or digit)",
                              ks_yt_quote(v->key->text, q, sizeof q));
        if ((rc = ks_yt_string(c, v, &value)))
            return rc;
        if (!is_label_name(value, v->len, 1))
            return ks_yt_fail(c, v, KS_EINVAL,
                              "invalid label value %s (expected at most 63 "
                              "characters of [-A-Za-z0-9_.], starting and "
                              "ending alphanumeric)",
                              ks_yt_quote(value, q, sizeof q));
        pool->labels[i].key = ks_xstrdup(v->key->text);
        pool->labels[i].value = ks_xstrdup(value);
        pool->nlabels = i + 1;
    }
    return 0;
}

/* ---- resources --------------------------------------------------------- */

/* Checks every key of a resource map; fills by_res[r] with the value of
 * resource r (NULL when absent). */
static int resource_map(const ks_yt_ctx *c, const ks_yt_node *n,
                        const ks_yt_node *by_res[KS_RES_COUNT])
{
    int rc = ks_yt_expect(c, n, KS_YT_MAPPING);
    if (rc)
        return rc;
    for (int r = 0; r < KS_RES_COUNT; r++)
        by_res[r] = NULL;
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *key = n->items[i]->key;
        int r = ks_resource_intern(key->text);
        if (r < 0) {
            char q[96], path[256];
            ks_yt_quote(key->text, q, sizeof q);
            ks_yt_path(n, path, sizeof path);
            if (ks_resource_name_valid(key->text))
                return ks_error_set(c->err, KS_ERANGE, c->file, key->line,
                                    key->col,
                                    "too many resource names: %s in %s is "
                                    "one more than ksim's limit of %d",
                                    q, path, KS_RES_COUNT);
            return ks_error_set(c->err, KS_EPARSE, c->file, key->line,
                                key->col,
                                "unknown resource %s in %s (expected cpu, "
                                "memory, pods, ephemeral-storage, "
                                "hugepages-<size> or an extended resource "
                                "such as nvidia.com/gpu)",
                                q, path);
        }
        by_res[r] = n->items[i];
    }
    return 0;
}

static int load_allocatable(const ks_yt_ctx *c, const ks_yt_node *n,
                            ks_node_pool *pool)
{
    const ks_yt_node *by_res[KS_RES_COUNT];
    int rc = resource_map(c, n, by_res);
    if (rc)
        return rc;
    if (!by_res[KS_RES_CPU])
        return ks_yt_fail_missing(c, n, "cpu");
    if (!by_res[KS_RES_MEMORY])
        return ks_yt_fail_missing(c, n, "memory");
    pool->allocatable[KS_RES_PODS] = DEFAULT_PODS_ALLOCATABLE;
    for (int r = 0; r < KS_RES_COUNT; r++) {
        const ks_yt_node *v = by_res[r];
        if (!v)
            continue;
        if ((rc = ks_yt_quantity(c, v, ks_resource_scale((ks_resource)r),
                                 &pool->allocatable[r])))
            return rc;
        char q[96];
        if (pool->allocatable[r] <= 0)
            return ks_yt_fail(c, v, KS_ERANGE, "must be > 0, got %s",
                              QUOTED(v, q));
    }
    return 0;
}

static int load_requests(const ks_yt_ctx *c, const ks_yt_node *n,
                         ks_generator *g)
{
    const ks_yt_node *by_res[KS_RES_COUNT];
    int rc = resource_map(c, n, by_res);
    if (rc)
        return rc;
    if (by_res[KS_RES_PODS])
        return ks_yt_fail_key(c, by_res[KS_RES_PODS], KS_EINVAL,
                              "pods cannot be requested (every pod takes "
                              "one pod slot)");
    for (int r = 0; r < KS_RES_COUNT; r++) {
        if (!by_res[r])
            continue;
        unit u = {UNIT_QUANTITY, ks_resource_scale((ks_resource)r)};
        if ((rc = load_dist(c, by_res[r], &u, &g->request[r])))
            return rc;
        g->has_request[r] = 1;
    }
    return 0;
}

/* ---- cluster ----------------------------------------------------------- */

typedef struct named {
    const char *name;
    size_t index;
} named;

static int cmp_named(const void *pa, const void *pb)
{
    const named *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* The first index, in order, whose name an earlier entry already has;
 * *earlier gets that entry.  n is unbounded (a fuzzer may list 10^5
 * pools), hence the sort rather than a double loop. */
static size_t first_duplicate(const char *const *names, size_t n,
                              size_t *earlier)
{
    named *v = ks_xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (named){names[i], i};
    qsort(v, n, sizeof *v, cmp_named);
    /* Sorted by (name, index): the first of a run of equal names is the
     * earliest entry, every other one a duplicate of it. */
    size_t dup = SIZE_MAX, run = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i].name, v[run].name)) {
            run = i;
        } else if (v[i].index < dup) {
            dup = v[i].index;
            *earlier = v[run].index;
        }
    }
    free(v);
    return dup;
}

/* A GPU model name: a word the model table can hold. */
static int load_gpu_model(const ks_yt_ctx *c, const ks_yt_node *n,
                          int allow_list, char **out)
{
    const char *s;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    int bad = 0;
    if (allow_list)
        ks_gpu_models_mask(s, &bad);
    else if (!*s || strchr(s, '|') || ks_gpu_model_intern(s) < 0)
        bad = 1;
    if (bad)
        return ks_yt_fail(c, n, KS_EINVAL,
                          allow_list ? "bad GPU model list \"%s\" (names "
                                       "separated by '|', at most %d models)"
                                     : "bad GPU model \"%s\" (one name, at "
                                       "most %d models in a run)",
                          s, KS_MAX_GPU_MODELS);
    *out = ks_xstrdup(s);
    return 0;
}

/* nodePools[i].gpus: {count, model}. */
static int load_pool_gpus(const ks_yt_ctx *c, const ks_yt_node *n,
                          ks_node_pool *pool)
{
    const ks_yt_node *count, *model;
    const ks_yt_field fields[] = {{"count", 1, &count},
                                  {"model", 0, &model},
                                  {NULL, 0, NULL}};
    int64_t v;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (rc = ks_yt_int64(c, count, 0, KS_MAX_NODE_GPUS, &v)))
        return rc;
    pool->gpu_count = (int)v;
    return model ? load_gpu_model(c, model, 0, &pool->gpu_model) : 0;
}

static int load_pool(const ks_yt_ctx *c, const ks_yt_node *n,
                     ks_node_pool *pool, int64_t *total)
{
    const ks_yt_node *name, *count, *alloc, *labels, *gpus;
    const ks_yt_field fields[] = {
        {"name", 1, &name},          {"count", 1, &count},
        {"allocatable", 1, &alloc},  {"labels", 0, &labels},
        {"gpus", 0, &gpus},          {NULL, 0, NULL},
    };
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (rc = load_name(c, name, &pool->name)) ||
        (rc = ks_yt_int64(c, count, 1, MAX_TOTAL_NODES, &pool->count)))
        return rc;
    *total += pool->count;
    if (*total > MAX_TOTAL_NODES)
        return ks_yt_fail(c, count, KS_ERANGE,
                          "the pools have %lld nodes in total, more than the "
                          "limit of %d",
                          (long long)*total, MAX_TOTAL_NODES);
    if ((rc = load_allocatable(c, alloc, pool)))
        return rc;
    if (labels && (rc = load_labels(c, labels, pool)))
        return rc;
    if (gpus && (rc = load_pool_gpus(c, gpus, pool)))
        return rc;
    return 0;
}

static int load_pools(const ks_yt_ctx *c, const ks_yt_node *n, ks_scenario *sc)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    if (n->n == 0)
        return ks_yt_fail(c, n, KS_EINVAL, "must list at least one node pool");
    sc->pools = ks_xcalloc(n->n, sizeof *sc->pools);
    int64_t total = 0;
    for (size_t i = 0; i < n->n; i++) {
        sc->npools = i + 1;
        if ((rc = load_pool(c, n->items[i], &sc->pools[i], &total)))
            return rc;
    }
    const char **names = ks_xmalloc(sc->npools * sizeof *names);
    for (size_t i = 0; i < sc->npools; i++)
        names[i] = sc->pools[i].name;
    size_t earlier = 0, dup = first_duplicate(names, sc->npools, &earlier);
    free(names);
    if (dup != SIZE_MAX)
        return ks_yt_fail(c, ks_yt_get(n->items[dup], "name"), KS_EINVAL,
                          "duplicate node pool name \"%s\" (also the name "
                          "of nodePools[%zu])",
                          sc->pools[dup].name, earlier);
    return 0;
}

/* "1.35" -> 35 (the loader accepted only supported versions). */
static int minor_of(const char *version)
{
    const char *dot = version ? strchr(version, '.') : NULL;
    return dot ? atoi(dot + 1) : 36;
}

/* Loads each file named in the sequence n (paths relative to the
 * scenario's folder) into the scenario's manifests. */
static int load_manifest_files(const ks_yt_ctx *c, const ks_yt_node *n,
                               ks_scenario *sc)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    if (n->n == 0)
        return ks_yt_fail(c, n, KS_EINVAL, "must list at least one file");
    if (!sc->manifests)
        sc->manifests = ks_xcalloc(1, sizeof *sc->manifests);
    for (size_t i = 0; i < n->n && !rc; i++) {
        const char *s = NULL;
        if ((rc = ks_yt_string(c, n->items[i], &s)))
            break;
        char *path = ks_path_relative_to(sc->path, s);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            rc = ks_yt_fail(c, n->items[i], KS_ENOENT,
                            "cannot read manifest file %s", path);
        else
            rc = ks_manifests_load_file(path, sc->manifests, c->err);
        free(path);
    }
    return rc;
}

static int load_cluster(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_scenario *sc)
{
    const ks_yt_node *pools, *nodes, *trace;
    const ks_yt_field fields[] = {{"nodePools", 0, &pools},
                                  {"nodes", 0, &nodes},
                                  {"traceNodes", 0, &trace},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (rc)
        return rc;
    if (!pools && !nodes && !trace)
        return ks_yt_fail(c, n, KS_EPARSE,
                          "missing required key \"nodePools\" in "
                          "spec.cluster (or give Node manifests in "
                          "\"nodes\", or a trace's node list in "
                          "\"traceNodes\")");
    if (pools && (rc = load_pools(c, pools, sc)))
        return rc;
    if (trace && (rc = ks_trace_spec_load_nodes(c, trace, sc)))
        return rc;
    if (nodes) {
        size_t before = sc->manifests ? sc->manifests->nnodes : 0;
        if ((rc = load_manifest_files(c, nodes, sc)))
            return rc;
        sc->manifest_nodes_begin = before;
        sc->manifest_nodes_end = sc->manifests->nnodes;
        if (sc->manifest_nodes_end == before)
            return ks_yt_fail(c, nodes, KS_EINVAL,
                              "the files hold no Node object");
    }
    return 0;
}

/* ---- workloads --------------------------------------------------------- */

static int load_arrivals(const ks_yt_ctx *c, const ks_yt_node *n,
                         ks_generator *g)
{
    static const char *const processes[] = {"poisson", NULL};
    const ks_yt_node *process, *rate;
    const ks_yt_field fields[] = {
        {"process", 0, &process}, {"rate", 1, &rate}, {NULL, 0, NULL}};
    int rc, which;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (process &&
         (rc = ks_yt_enum(c, process, "arrival process", processes, &which))))
        return rc;
    return ks_scenario_load_rate(c, rate, &g->rate_per_second);
}

/* The Kubernetes part of a generator's template (metadata and spec, read
 * by the manifest loader as a workload's spec.template): the spec every
 * pod shares and the template's effective requests.  Its priority is
 * admitted once every manifest is loaded (admit_generator_templates). */
static int load_k8s_template(const ks_yt_ctx *c, const ks_yt_node *n,
                             const ks_yt_node *priority, ks_generator *g,
                             ks_scenario *sc)
{
    ks_manifest_pod *mp = ks_xcalloc(1, sizeof *mp);
    g->k8s_template = mp;
    /* Unmodelled fields warn with the scenario's manifests. */
    if (!sc->manifests)
        sc->manifests = ks_xcalloc(1, sizeof *sc->manifests);
    int rc = ks_manifests_read_pod_template(n, c->file, "generator template",
                                            sc->manifests, mp, c->err);
    if (rc)
        return rc;
    if (priority && mp->has_priority)
        return ks_yt_fail_key(c, priority, KS_EINVAL,
                              "the priority is given twice (priority and "
                              "spec.priority): keep one");
    if (priority) {
        /* As an admitted pod's spec.priority: it must agree with a
         * priorityClassName, and no default class overrides it. */
        mp->has_priority = 1;
        mp->priority = g->priority;
        mp->spec->priority = g->priority;
    }
    for (size_t i = 0; i < mp->nrequests; i++) {
        int r = ks_resource_intern(mp->requests[i].name);
        if (r < 0)
            return ks_yt_fail(c, ks_yt_get(n, "spec"), KS_ERANGE,
                              "too many resource names: %s is one more "
                              "than ksim's limit of %d",
                              mp->requests[i].name, KS_RES_COUNT);
        g->has_template_request[r] = 1;
        g->template_request[r] = mp->requests[i].value;
    }
    g->template_nonzero_cpu = ks_resource_amount_get(
        mp->nonzero_requests, mp->nnonzero_requests, "cpu", 0);
    g->template_nonzero_memory = ks_resource_amount_get(
        mp->nonzero_requests, mp->nnonzero_requests, "memory", 0);
    g->spec = mp->spec;
    return 0;
}

/* template.gpu: {count, milli, models}: count whole GPUs (milli 1000, the
 * default), or one GPU shared (count 1, milli < 1000). */
static int load_template_gpu(const ks_yt_ctx *c, const ks_yt_node *n,
                             ks_generator *g)
{
    const ks_yt_node *count, *milli, *models;
    const ks_yt_field fields[] = {{"count", 1, &count},
                                  {"milli", 0, &milli},
                                  {"models", 0, &models},
                                  {NULL, 0, NULL}};
    int64_t k, m = KS_GPU_MILLI;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (rc = ks_yt_int64(c, count, 0, KS_MAX_NODE_GPUS, &k)) ||
        (milli && (rc = ks_yt_int64(c, milli, 1, KS_GPU_MILLI, &m))))
        return rc;
    if (k > 1 && m < KS_GPU_MILLI)
        return ks_yt_fail(c, milli, KS_EINVAL,
                          "a share of a GPU (milli < %d) needs count 1",
                          KS_GPU_MILLI);
    g->gpu_count = (int)k;
    g->gpu_milli = (int)m;
    if (models) {
        char *list = NULL;
        if ((rc = load_gpu_model(c, models, 1, &list)))
            return rc;
        int bad;
        g->gpu_models = ks_gpu_models_mask(list, &bad);
        free(list);
    }
    return 0;
}

static int load_template(const ks_yt_ctx *c, const ks_yt_node *n,
                         ks_generator *g, ks_scenario *sc)
{
    const ks_yt_node *requests, *priority, *metadata, *spec, *gpu;
    const ks_yt_field fields[] = {{"requests", 0, &requests},
                                  {"priority", 0, &priority},
                                  {"metadata", 0, &metadata},
                                  {"spec", 0, &spec},
                                  {"gpu", 0, &gpu},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (!rc && gpu)
        rc = load_template_gpu(c, gpu, g);
    if (!rc && requests)
        rc = load_requests(c, requests, g);
    if (!rc && priority) {
        /* The range the API allows for user priorities plus the system
         * classes' (up to 2000001000). */
        int64_t v;
        rc = ks_yt_int64(c, priority, INT32_MIN, 2000001000, &v);
        if (!rc)
            g->priority = (int32_t)v;
    }
    if (!rc && (metadata || spec))
        rc = load_k8s_template(c, n, priority, g, sc);
    return rc;
}

/* Priority admission of the generators' Kubernetes templates, against the
 * PriorityClasses of every manifest file (as for workload templates). */
static int admit_generator_templates(ks_scenario *sc, ks_error *err)
{
    for (size_t i = 0; i < sc->ngenerators; i++) {
        ks_generator *g = &sc->generators[i];
        if (!g->k8s_template)
            continue;
        char who[128];
        snprintf(who, sizeof who, "generator %s template", g->name);
        int rc = ks_manifests_admit(sc->manifests, g->k8s_template, who, err);
        if (rc)
            return rc;
        g->priority = g->k8s_template->spec->priority;
    }
    return 0;
}

static int load_generator(const ks_yt_ctx *c, const ks_yt_node *n,
                          size_t index, ks_generator *g, ks_scenario *sc)
{
    const ks_yt_node *name, *arrivals, *count, *start, *stop, *duration,
        *tmpl;
    const ks_yt_field fields[] = {
        {"name", 0, &name},         {"arrivals", 1, &arrivals},
        {"count", 0, &count},       {"start", 0, &start},
        {"stop", 0, &stop},         {"duration", 1, &duration},
        {"template", 0, &tmpl},     {NULL, 0, NULL},
    };
    static const unit seconds = {UNIT_SECONDS, 0};
    int rc;
    g->start = 0;
    g->stop = KS_TIME_NEVER;
    if ((rc = ks_yt_fields(c, n, fields)))
        return rc;
    if (name)
        rc = load_name(c, name, &g->name);
    else
        g->name = ks_xasprintf("gen%zu", index);
    if (rc || (rc = load_arrivals(c, arrivals, g)) ||
        (count &&
         (rc = ks_yt_int64(c, count, 1, MAX_GENERATOR_COUNT, &g->count))) ||
        (start && (rc = load_time(c, start, 1, &g->start))) ||
        (stop && (rc = load_time(c, stop, 1, &g->stop))))
        return rc;
    char q0[96], q1[96] = "\"0s\"";
    if (stop && g->stop <= g->start)
        return ks_yt_fail(c, stop, KS_ERANGE, "stop %s must be after start %s",
                          QUOTED(stop, q0), start ? QUOTED(start, q1) : q1);
    if ((rc = load_dist(c, duration, &seconds, &g->duration)) ||
        (tmpl && (rc = load_template(c, tmpl, g, sc))))
        return rc;
    return 0;
}

/* Each item has exactly one key, its kind; later issues add `manifests`
 * and `trace` here. */
static int load_workload_manifests(const ks_yt_ctx *c, const ks_yt_node *n,
                                   size_t index, ks_scenario *sc)
{
    size_t pods = sc->manifests ? sc->manifests->npods : 0;
    size_t templates = sc->manifests ? sc->manifests->ntemplates : 0;
    int rc = load_manifest_files(c, n, sc);
    if (rc)
        return rc;
    ks_manifest_workload *w = &sc->manifest_workloads[sc->nmanifest_workloads++];
    *w = (ks_manifest_workload){index, pods, sc->manifests->npods, templates,
                                sc->manifests->ntemplates};
    return 0;
}

/* Each item has exactly one key, its kind: a generator or manifests;
 * later issues add `trace` here. */
static int load_workload(const ks_yt_ctx *c, const ks_yt_node *n,
                         size_t index, ks_scenario *sc)
{
    const ks_yt_node *generator, *manifests, *trace;
    const ks_yt_field fields[] = {{"generator", 0, &generator},
                                  {"manifests", 0, &manifests},
                                  {"trace", 0, &trace},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (rc)
        return rc;
    if (n->n != 1)
        return ks_yt_fail(c, n, KS_EPARSE,
                          "a workload has exactly one kind (one of: "
                          "generator, manifests, trace), found %zu keys",
                          n->n);
    if (manifests)
        return load_workload_manifests(c, manifests, index, sc);
    if (trace)
        return ks_trace_spec_load_workload(c, trace, index, sc);
    ks_generator *g = &sc->generators[sc->ngenerators++];
    g->item = index;
    return load_generator(c, generator, index, g, sc);
}

static int load_workloads(const ks_yt_ctx *c, const ks_yt_node *n,
                          ks_scenario *sc)
{
    int rc = ks_yt_expect(c, n, KS_YT_SEQUENCE);
    if (rc)
        return rc;
    sc->generators = ks_xcalloc(n->n, sizeof *sc->generators);
    sc->manifest_workloads = ks_xcalloc(n->n,
                                        sizeof *sc->manifest_workloads);
    sc->traces = ks_xcalloc(n->n, sizeof *sc->traces);
    for (size_t i = 0; i < n->n; i++)
        if ((rc = load_workload(c, n->items[i], i, sc)))
            return rc;
    const char **names = ks_xmalloc((sc->ngenerators + 1) * sizeof *names);
    for (size_t i = 0; i < sc->ngenerators; i++)
        names[i] = sc->generators[i].name;
    size_t earlier = 0, dup = first_duplicate(names, sc->ngenerators, &earlier);
    free(names);
    if (dup == SIZE_MAX)
        return 0;
    const ks_yt_node *g =
        ks_yt_get(n->items[sc->generators[dup].item], "generator");
    const ks_yt_node *at = ks_yt_get(g, "name");
    return ks_yt_fail(c, at ? at : g, KS_EINVAL,
                      "duplicate generator name \"%s\" (also the name of "
                      "workloads[%zu])",
                      sc->generators[dup].name,
                      sc->generators[earlier].item);
}

/* ---- top level --------------------------------------------------------- */

static int load_version(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_scenario *sc)
{
    const char *s = NULL;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    char q[96];
    ks_yt_quote(s, q, sizeof q);
    size_t major = strspn(s, "0123456789");
    if (!major || s[major] != '.' || !s[major + 1] ||
        strspn(s + major + 1, "0123456789") != strlen(s + major + 1))
        return ks_yt_fail(c, n, KS_EPARSE,
                          "invalid version %s (expected MAJOR.MINOR, e.g. "
                          "\"1.36\")",
                          q);
    for (size_t i = 0; supported_versions[i]; i++)
        if (!strcmp(s, supported_versions[i])) {
            sc->kubernetes_version = ks_xstrdup(s);
            return 0;
        }
    return ks_yt_fail(c, n, KS_EINVAL,
                      "unsupported Kubernetes version %s (supported: 1.35, "
                      "1.36)",
                      q);
}

static int load_metrics(const ks_yt_ctx *c, const ks_yt_node *n,
                        ks_scenario *sc)
{
    const ks_yt_node *interval;
    const ks_yt_field fields[] = {{"interval", 0, &interval}, {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (!rc && interval)
        rc = load_time(c, interval, 0, &sc->metrics_interval);
    return rc;
}

static int load_cycle_time(const ks_yt_ctx *c, const ks_yt_node *n,
                           ks_scenario *sc)
{
    const ks_yt_node *base, *per_node;
    const ks_yt_field fields[] = {
        {"base", 0, &base}, {"perNode", 0, &per_node}, {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (!rc && base)
        rc = load_time(c, base, 1, &sc->cycle_base);
    if (!rc && per_node)
        rc = load_time(c, per_node, 1, &sc->cycle_per_node);
    return rc;
}

/* spec.scheduler.config: loads the KubeSchedulerConfiguration; its own
 * errors name its own file, line and column. */
static int load_scheduler_config(const ks_yt_ctx *c, const ks_yt_node *n,
                                 ks_scenario *sc)
{
    const char *s = NULL;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    if (!*s)
        return ks_yt_fail(c, n, KS_EINVAL, "must not be empty");
    sc->scheduler_config_path = ks_path_relative_to(sc->path, s);
    /* Only regular files: a device such as /dev/zero would never end. */
    struct stat st;
    const char *why = NULL;
    if (stat(sc->scheduler_config_path, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    if (why)
        return ks_yt_fail(c, n, KS_ENOENT,
                          "cannot read scheduler configuration %s: %s",
                          sc->scheduler_config_path, why);
    const char *version = sc->kubernetes_version ? sc->kubernetes_version
                                                 : DEFAULT_KUBERNETES_VERSION;
    rc = ks_schedconfig_load_file(sc->scheduler_config_path,
                                  minor_of(version), &sc->scheduler_config,
                                  c->err);
    return rc;
}

static int load_scheduler(const ks_yt_ctx *c, const ks_yt_node *n,
                          ks_scenario *sc)
{
    static const char *const on_unschedulable[] = {"Requeue", "Drop", NULL};
    static const char *const tie_breaks[] = {"Random", "NodeOrder", NULL};
    const ks_yt_node *cycle, *bind, *grace, *config, *drop, *tie;
    const ks_yt_field fields[] = {{"config", 0, &config},
                                  {"cycleTime", 0, &cycle},
                                  {"bindLatency", 0, &bind},
                                  {"victimGracePeriod", 0, &grace},
                                  {"onUnschedulable", 0, &drop},
                                  {"tieBreak", 0, &tie},
                                  {NULL, 0, NULL}};
    int rc = ks_yt_fields(c, n, fields);
    if (!rc && drop)
        rc = ks_yt_enum(c, drop, "onUnschedulable", on_unschedulable,
                        &sc->drop_unschedulable);
    if (!rc && tie)
        rc = ks_yt_enum(c, tie, "tieBreak", tie_breaks,
                        &sc->tie_break_node_order);
    if (!rc && config)
        rc = load_scheduler_config(c, config, sc);
    if (!rc && cycle)
        rc = load_cycle_time(c, cycle, sc);
    if (!rc && bind)
        rc = load_time(c, bind, 1, &sc->bind_latency);
    if (!rc && grace)
        rc = load_time(c, grace, 1, &sc->victim_grace);
    return rc;
}

static int load_spec(const ks_yt_ctx *c, const ks_yt_node *n, ks_scenario *sc)
{
    const ks_yt_node *seed, *duration, *version, *metrics, *scheduler,
        *cluster, *workloads, *control_plane, *traffic, *actions;
    const ks_yt_field fields[] = {
        {"seed", 0, &seed},
        {"duration", 1, &duration},
        {"kubernetesVersion", 0, &version},
        {"metrics", 0, &metrics},
        {"scheduler", 0, &scheduler},
        {"cluster", 1, &cluster},
        {"workloads", 0, &workloads},
        {"controlPlane", 0, &control_plane},
        {"traffic", 0, &traffic},
        {"actions", 0, &actions},
        {NULL, 0, NULL},
    };
    int rc;
    sc->seed = DEFAULT_SEED;
    sc->metrics_interval = DEFAULT_METRICS_INTERVAL;
    sc->cycle_base = DEFAULT_CYCLE_BASE;
    sc->cycle_per_node = DEFAULT_CYCLE_PER_NODE;
    sc->bind_latency = DEFAULT_BIND_LATENCY;
    sc->victim_grace = DEFAULT_VICTIM_GRACE;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (seed && (rc = ks_yt_uint64(c, seed, &sc->seed))) ||
        (rc = load_time(c, duration, 0, &sc->duration)) ||
        (version && (rc = load_version(c, version, sc))) ||
        (metrics && (rc = load_metrics(c, metrics, sc))) ||
        (scheduler && (rc = load_scheduler(c, scheduler, sc))) ||
        (rc = load_cluster(c, cluster, sc)) ||
        (workloads && (rc = load_workloads(c, workloads, sc))) ||
        (rc = ks_cp_spec_load(c, control_plane, traffic, actions, sc)))
        return rc;
    if (!sc->kubernetes_version)
        sc->kubernetes_version = ks_xstrdup(DEFAULT_KUBERNETES_VERSION);
    /* PriorityClasses may come from any file: resolve once all are in. */
    if (sc->manifests &&
        (rc = ks_manifests_resolve_priorities(sc->manifests, c->err)))
        return rc;
    return admit_generator_templates(sc, c->err);
}

static int load_metadata(const ks_yt_ctx *c, const ks_yt_node *n,
                         ks_scenario *sc)
{
    const ks_yt_node *name;
    const ks_yt_field fields[] = {{"name", 1, &name}, {NULL, 0, NULL}};
    const char *s = NULL;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) || (rc = ks_yt_string(c, name, &s)))
        return rc;
    if (!*s)
        return ks_yt_fail(c, name, KS_EINVAL, "must not be empty");
    sc->name = ks_xstrdup(s);
    return 0;
}

static int load_document(const ks_yt_ctx *c, const ks_yt_node *root,
                         ks_scenario *sc)
{
    const ks_yt_node *api, *kind, *metadata, *spec;
    const ks_yt_field fields[] = {
        {"apiVersion", 1, &api}, {"kind", 1, &kind},
        {"metadata", 1, &metadata}, {"spec", 1, &spec},
        {NULL, 0, NULL},
    };
    int rc;
    if ((rc = ks_yt_fields(c, root, fields)) ||
        (rc = load_exact(c, api, API_VERSION)) ||
        (rc = load_exact(c, kind, KIND)) ||
        (rc = load_metadata(c, metadata, sc)) ||
        (rc = load_spec(c, spec, sc)))
        return rc;
    return 0;
}

/* ---- entry points ------------------------------------------------------ */

/* Takes ownership of text (len bytes plus a NUL). */
static int load_text(char *text, size_t len, const char *name,
                     ks_scenario **out, ks_error *err)
{
    ks_scenario *sc = ks_xcalloc(1, sizeof *sc);
    sc->path = ks_xstrdup(name ? name : "<scenario>");
    sc->text = text;
    sc->text_len = len;
    ks_yt_ctx c = {sc->path, err};
    ks_yt_node *root = NULL;
    int rc = ks_yt_parse(text, len, sc->path, &root, err);
    if (!rc)
        rc = load_document(&c, root, sc);
    ks_yt_free(root);
    if (rc) {
        ks_scenario_destroy(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

int ks_scenario_load_tree(const struct ks_yt_node *root, const char *text,
                          size_t len, const char *name, ks_scenario **out,
                          ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    ks_scenario *sc = ks_xcalloc(1, sizeof *sc);
    sc->path = ks_xstrdup(name ? name : "<scenario>");
    sc->text = ks_xmalloc(len + 1);
    if (len)
        memcpy(sc->text, text, len);
    sc->text[len] = '\0';
    sc->text_len = len;
    ks_yt_ctx c = {sc->path, err};
    int rc = load_document(&c, root, sc);
    if (rc) {
        ks_scenario_destroy(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

int ks_scenario_load_buffer(const char *buf, size_t len, const char *name,
                            ks_scenario **out, ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    char *text = ks_xmalloc(len + 1);
    if (len)
        memcpy(text, buf, len);
    text[len] = '\0';
    return load_text(text, len, name, out, err);
}

int ks_scenario_load_file(const char *path, ks_scenario **out, ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    char *text;
    size_t len;
    int rc = ks_read_file(path, "scenario", &text, &len, err);
    return rc ? rc : load_text(text, len, path, out, err);
}

static void free_pool(ks_node_pool *p)
{
    free(p->name);
    free(p->gpu_model);
    for (size_t i = 0; i < p->nlabels; i++) {
        free(p->labels[i].key);
        free(p->labels[i].value);
    }
    free(p->labels);
}

static void free_generator(ks_generator *g)
{
    ks_manifest_pod_free(g->k8s_template);
    free(g->k8s_template);
    free(g->name);
    ks_dist_free(&g->duration);
    for (int r = 0; r < KS_RES_COUNT; r++)
        ks_dist_free(&g->request[r]);
}

void ks_scenario_destroy(ks_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->npools; i++)
        free_pool(&sc->pools[i]);
    free(sc->pools);
    for (size_t i = 0; i < sc->ngenerators; i++)
        free_generator(&sc->generators[i]);
    free(sc->generators);
    free(sc->scheduler_config_path);
    ks_manifests_free(sc->manifests);
    free(sc->manifests);
    free(sc->manifest_workloads);
    ks_trace_spec_free(sc);
    ks_cp_spec_free(sc->control_plane);
    ks_schedconfig_destroy(sc->scheduler_config);
    free(sc->path);
    free(sc->text);
    free(sc->name);
    free(sc->kubernetes_version);
    free(sc);
}
