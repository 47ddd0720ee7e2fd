/* sweep.c - the sweep language: parameters, points, per-run scenarios.
 *
 * The sweep file and the base scenario are parsed once into YAML trees.
 * A run's scenario is a copy of the base tree with the point's assignments
 * applied (ks_yt_set) and spec.seed set, emitted back to YAML text and
 * loaded from the edited tree (ks_scenario_load_tree): errors in a value
 * taken from the sweep file keep that value's line and column.
 */
#include "scenarios/sweep.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/yaml_tree.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

/* One scenario value a choice sets; value borrows from the sweep tree. */
typedef struct assignment {
    char *path; /* from the document root */
    const ks_yt_node *value;
} assignment;

/* One value of a parameter: a label and what it sets. */
typedef struct choice {
    char *label;
    assignment *as;
    size_t nas;
} choice;

typedef struct sweep_param {
    char *name;
    choice *choices;
    size_t nchoices;
} sweep_param;

struct ks_sweep {
    char *path, *text;
    size_t len;
    char *name;
    ks_yt_node *tree; /* the sweep file */
    char *scenario_path, *scenario_text;
    size_t scenario_len;
    ks_yt_node *base; /* the base scenario */
    sweep_param *params;
    size_t nparams;
    size_t *points; /* npoints x nparams choice indices */
    size_t npoints;
    unsigned reps;
    uint64_t seed_base;
};

/* ---- accessors ------------------------------------------------------------ */

const char *ks_sweep_name(const ks_sweep *sw) { return sw->name; }

const char *ks_sweep_text(const ks_sweep *sw, size_t *len)
{
    if (len)
        *len = sw->len;
    return sw->text;
}

size_t ks_sweep_nparams(const ks_sweep *sw) { return sw->nparams; }

const char *ks_sweep_param_name(const ks_sweep *sw, size_t param)
{
    return sw->params[param].name;
}

size_t ks_sweep_npoints(const ks_sweep *sw) { return sw->npoints; }

unsigned ks_sweep_replications(const ks_sweep *sw) { return sw->reps; }

static const choice *choice_of(const ks_sweep *sw, size_t point, size_t p)
{
    return &sw->params[p].choices[sw->points[point * sw->nparams + p]];
}

const char *ks_sweep_value_label(const ks_sweep *sw, size_t point,
                                 size_t param)
{
    return choice_of(sw, point, param)->label;
}

uint64_t ks_sweep_seed(const ks_sweep *sw, unsigned rep)
{
    return sw->seed_base + rep; /* wraps like any uint64 */
}

size_t ks_sweep_nruns(const ks_sweep *sw)
{
    return sw->npoints * sw->reps;
}

void ks_sweep_run_id(const ks_sweep *sw, size_t run, char *buf, size_t size)
{
    snprintf(buf, size, "p%04zu-r%02u", run / sw->reps,
             (unsigned)(run % sw->reps));
}

/* ---- destruction ---------------------------------------------------------- */

static void free_choice(choice *c)
{
    free(c->label);
    for (size_t i = 0; i < c->nas; i++)
        free(c->as[i].path);
    free(c->as);
}

void ks_sweep_destroy(ks_sweep *sw)
{
    if (!sw)
        return;
    for (size_t p = 0; p < sw->nparams; p++) {
        for (size_t i = 0; i < sw->params[p].nchoices; i++)
            free_choice(&sw->params[p].choices[i]);
        free(sw->params[p].choices);
        free(sw->params[p].name);
    }
    free(sw->params);
    free(sw->points);
    ks_yt_free(sw->tree);
    ks_yt_free(sw->base);
    free(sw->scenario_text);
    free(sw->scenario_path);
    free(sw->name);
    free(sw->text);
    free(sw->path);
    free(sw);
}

/* ---- loading -------------------------------------------------------------- */

/* A path as the user writes it (below spec) made absolute. */
static char *root_path(const char *p)
{
    if (!strncmp(p, "spec.", 5) || !strncmp(p, "spec[", 5) ||
        !strcmp(p, "spec") || !strncmp(p, "metadata.", 9) ||
        !strcmp(p, "metadata"))
        return ks_xstrdup(p);
    if (p[0] == '[')
        return ks_xasprintf("spec%s", p);
    return ks_xasprintf("spec.%s", p);
}

static int read_path(const ks_yt_ctx *c, const ks_yt_node *n, char **out)
{
    const char *s;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    if (!*s)
        return ks_yt_fail(c, n, KS_EINVAL, "must not be empty");
    *out = root_path(s);
    return 0;
}

static char *label_of(const ks_yt_node *v, size_t index)
{
    if (v->kind == KS_YT_SCALAR)
        return ks_xstrdup(v->text);
    return ks_xasprintf("#%zu", index);
}

/* `path` + `values`: one choice per value, each setting path. */
static int load_values(const ks_yt_ctx *c, const ks_yt_node *path_node,
                       const ks_yt_node *values, sweep_param *p)
{
    char *path = NULL;
    int rc;
    if ((rc = ks_yt_expect(c, values, KS_YT_SEQUENCE)))
        return rc;
    if (values->n == 0)
        return ks_yt_fail(c, values, KS_EINVAL, "must list at least one "
                                                "value");
    if ((rc = read_path(c, path_node, &path)))
        return rc;
    p->choices = ks_xcalloc(values->n, sizeof *p->choices);
    p->nchoices = values->n;
    for (size_t i = 0; i < values->n; i++) {
        choice *ch = &p->choices[i];
        ch->label = label_of(values->items[i], i);
        ch->as = ks_xmalloc(sizeof *ch->as);
        ch->as[0] = (assignment){i ? ks_xstrdup(path) : path,
                                 values->items[i]};
        ch->nas = 1;
    }
    return 0;
}

/* `sets`: one choice per named set, each setting its paths. */
static int load_sets(const ks_yt_ctx *c, const ks_yt_node *sets, sweep_param *p)
{
    int rc;
    if ((rc = ks_yt_expect(c, sets, KS_YT_MAPPING)))
        return rc;
    if (sets->n == 0)
        return ks_yt_fail(c, sets, KS_EINVAL, "must name at least one set");
    p->choices = ks_xcalloc(sets->n, sizeof *p->choices);
    p->nchoices = sets->n;
    for (size_t i = 0; i < sets->n; i++) {
        const ks_yt_node *set = sets->items[i];
        choice *ch = &p->choices[i];
        ch->label = ks_xstrdup(set->key->text);
        if (ks_yt_is_null(set))
            continue;
        if ((rc = ks_yt_expect(c, set, KS_YT_MAPPING)))
            return rc;
        ch->as = ks_xcalloc(set->n ? set->n : 1, sizeof *ch->as);
        for (size_t j = 0; j < set->n; j++) {
            const ks_yt_node *key = set->items[j]->key;
            if (!*key->text)
                return ks_yt_fail_key(c, set->items[j], KS_EINVAL,
                                      "a path must not be empty");
            ch->as[ch->nas++] =
                (assignment){root_path(key->text), set->items[j]};
        }
    }
    return 0;
}

static int load_param(const ks_yt_ctx *c, const ks_yt_node *n, sweep_param *p)
{
    const ks_yt_node *name, *path, *values, *sets;
    const ks_yt_field fields[] = {{"name", 0, &name}, {"path", 0, &path},
                                  {"values", 0, &values}, {"sets", 0, &sets},
                                  {NULL, 0, NULL}};
    const char *s;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)))
        return rc;
    if (sets && (path || values))
        return ks_yt_fail(c, n, KS_EINVAL, "give either `sets` or `path` "
                                           "with `values`, not both");
    if (!sets && !(path && values))
        return ks_yt_fail(c, n, KS_EINVAL, "needs `path` and `values`, or "
                                           "`sets`");
    if (sets && !name)
        return ks_yt_fail_missing(c, n, "name");
    if (name) {
        if ((rc = ks_yt_string(c, name, &s)))
            return rc;
        if (!*s)
            return ks_yt_fail(c, name, KS_EINVAL, "must not be empty");
        p->name = ks_xstrdup(s);
    } else {
        if ((rc = ks_yt_string(c, path, &s)))
            return rc;
        p->name = ks_xstrdup(s);
    }
    return sets ? load_sets(c, sets, p) : load_values(c, path, values, p);
}

static int check_unique_names(const ks_yt_ctx *c, const ks_yt_node *seq,
                              const ks_sweep *sw)
{
    static const char *const reserved[] = {"run_id", "file", "replication",
                                           "seed", "status", "wall_time_s",
                                           NULL};
    for (size_t i = 0; i < sw->nparams; i++) {
        for (const char *const *r = reserved; *r; r++)
            if (!strcmp(sw->params[i].name, *r))
                return ks_yt_fail(c, seq->items[i], KS_EINVAL,
                                  "parameter name \"%s\" is reserved (a "
                                  "column of index.csv)", *r);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sw->params[i].name, sw->params[j].name))
                return ks_yt_fail(c, seq->items[i], KS_EINVAL,
                                  "duplicate parameter name \"%s\"",
                                  sw->params[i].name);
    }
    return 0;
}

static int load_params(const ks_yt_ctx *c, const ks_yt_node *n, ks_sweep *sw)
{
    int rc;
    if (!n)
        return 0;
    if ((rc = ks_yt_expect(c, n, KS_YT_SEQUENCE)))
        return rc;
    sw->params = ks_xcalloc(n->n ? n->n : 1, sizeof *sw->params);
    for (size_t i = 0; i < n->n; i++) {
        sw->nparams = i + 1;
        if ((rc = load_param(c, n->items[i], &sw->params[i])))
            return rc;
    }
    return check_unique_names(c, n, sw);
}

/* The full grid, first parameter slowest. */
static int make_grid(const ks_yt_ctx *c, const ks_yt_node *at, ks_sweep *sw)
{
    size_t total = 1;
    for (size_t p = 0; p < sw->nparams; p++) {
        if (total > SIZE_MAX / 64 / sw->params[p].nchoices ||
            total * sw->params[p].nchoices > 1000000)
            return ks_yt_fail(c, at, KS_ERANGE, "the grid has more than "
                                                "1000000 points");
        total *= sw->params[p].nchoices;
    }
    sw->npoints = total;
    sw->points = ks_xcalloc(total * (sw->nparams ? sw->nparams : 1),
                            sizeof *sw->points);
    for (size_t i = 0; i < total; i++) {
        size_t rest = i;
        for (size_t p = sw->nparams; p-- > 0;) {
            sw->points[i * sw->nparams + p] = rest % sw->params[p].nchoices;
            rest /= sw->params[p].nchoices;
        }
    }
    return 0;
}

static int find_choice(const ks_yt_ctx *c, const ks_yt_node *v,
                       const sweep_param *p, size_t *out)
{
    for (size_t i = 0; i < p->nchoices; i++)
        if (!strcmp(p->choices[i].label, v->text)) {
            *out = i;
            return 0;
        }
    return ks_yt_fail(c, v, KS_EINVAL, "\"%s\" is not a value of parameter "
                                       "\"%s\"", v->text, p->name);
}

/* `points`: each a mapping naming a value (or set) of every parameter. */
static int load_points(const ks_yt_ctx *c, const ks_yt_node *n, ks_sweep *sw)
{
    int rc;
    if ((rc = ks_yt_expect(c, n, KS_YT_SEQUENCE)))
        return rc;
    if (n->n == 0)
        return ks_yt_fail(c, n, KS_EINVAL, "must list at least one point");
    sw->npoints = n->n;
    sw->points = ks_xcalloc(n->n * (sw->nparams ? sw->nparams : 1),
                            sizeof *sw->points);
    for (size_t i = 0; i < n->n; i++) {
        const ks_yt_node *pt = n->items[i];
        if ((rc = ks_yt_expect(c, pt, KS_YT_MAPPING)))
            return rc;
        for (size_t p = 0; p < sw->nparams; p++) {
            const ks_yt_node *v = ks_yt_get(pt, sw->params[p].name);
            if (!v)
                return ks_yt_fail_missing(c, pt, sw->params[p].name);
            if (v->kind != KS_YT_SCALAR)
                return ks_yt_fail(c, v, KS_EPARSE, "expected the label of a "
                                                   "value, got %s",
                                  ks_yt_describe(v));
            if ((rc = find_choice(c, v, &sw->params[p],
                                  &sw->points[i * sw->nparams + p])))
                return rc;
        }
        for (size_t k = 0; k < pt->n; k++) {
            size_t p = 0;
            while (p < sw->nparams &&
                   strcmp(sw->params[p].name, pt->items[k]->key->text))
                p++;
            if (p == sw->nparams)
                return ks_yt_fail_key(c, pt->items[k], KS_EINVAL,
                                      "\"%s\" is not a parameter",
                                      pt->items[k]->key->text);
        }
    }
    return 0;
}

/* Reads spec.scenario and parses the base scenario. */
static int load_base(const ks_yt_ctx *c, const ks_yt_node *n, ks_sweep *sw)
{
    const char *s;
    int rc = ks_yt_string(c, n, &s);
    if (rc)
        return rc;
    if (!*s)
        return ks_yt_fail(c, n, KS_EINVAL, "must not be empty");
    sw->scenario_path = ks_path_relative_to(sw->path, s);
    if ((rc = ks_read_file(sw->scenario_path, "scenario", &sw->scenario_text,
                           &sw->scenario_len, c->err)))
        return rc;
    return ks_yt_parse(sw->scenario_text, sw->scenario_len, sw->scenario_path,
                       &sw->base, c->err);
}

/* The base scenario's own spec.seed (1 when absent, as the loader). */
static int base_seed(const ks_sweep *sw, uint64_t *out, ks_error *err)
{
    const ks_yt_node *seed = ks_yt_find(sw->base, "spec.seed");
    ks_yt_ctx c = {sw->scenario_path, err};
    *out = 1;
    return seed ? ks_yt_uint64(&c, seed, out) : 0;
}

static int load_spec(const ks_yt_ctx *c, const ks_yt_node *n, ks_sweep *sw)
{
    const ks_yt_node *scenario, *reps, *seed, *params, *points;
    const ks_yt_field fields[] = {
        {"scenario", 1, &scenario}, {"replications", 0, &reps},
        {"seed", 0, &seed},         {"parameters", 0, &params},
        {"points", 0, &points},     {NULL, 0, NULL}};
    int64_t r = 1;
    int rc;
    if ((rc = ks_yt_fields(c, n, fields)) ||
        (reps && (rc = ks_yt_int64(c, reps, 1, 100000, &r))) ||
        (seed && (rc = ks_yt_uint64(c, seed, &sw->seed_base))) ||
        (rc = load_params(c, params, sw)))
        return rc;
    sw->reps = (unsigned)r;
    if (points && sw->nparams == 0)
        return ks_yt_fail(c, points, KS_EINVAL, "`points` needs "
                                                "`parameters`");
    if ((rc = points ? load_points(c, points, sw) : make_grid(c, n, sw)) ||
        (rc = load_base(c, scenario, sw)))
        return rc;
    if (!seed)
        return base_seed(sw, &sw->seed_base, c->err);
    return 0;
}

static int load_document(const ks_yt_ctx *c, const ks_yt_node *root,
                         ks_sweep *sw)
{
    const ks_yt_node *api, *kind, *metadata, *spec, *name;
    const ks_yt_field fields[] = {
        {"apiVersion", 1, &api}, {"kind", 1, &kind},
        {"metadata", 1, &metadata}, {"spec", 1, &spec},
        {NULL, 0, NULL}};
    const ks_yt_field meta_fields[] = {{"name", 1, &name}, {NULL, 0, NULL}};
    const char *s;
    int rc;
    if ((rc = ks_yt_fields(c, root, fields)) ||
        (rc = ks_yt_string(c, api, &s)))
        return rc;
    if (strcmp(s, "ksim.dev/v1"))
        return ks_yt_fail(c, api, KS_EINVAL, "unsupported apiVersion \"%s\" "
                                             "(expected ksim.dev/v1)", s);
    if ((rc = ks_yt_string(c, kind, &s)))
        return rc;
    if (strcmp(s, "Sweep"))
        return ks_yt_fail(c, kind, KS_EINVAL, "expected kind Sweep, got "
                                              "\"%s\"", s);
    if ((rc = ks_yt_fields(c, metadata, meta_fields)) ||
        (rc = ks_yt_string(c, name, &s)))
        return rc;
    if (!*s || strchr(s, '/'))
        return ks_yt_fail(c, name, KS_EINVAL, "must be a non-empty name "
                                              "without '/'");
    sw->name = ks_xstrdup(s);
    return load_spec(c, spec, sw);
}

/* Builds every point's first replication: bad values fail at load. */
static int validate_points(const ks_sweep *sw, ks_error *err)
{
    for (size_t p = 0; p < sw->npoints; p++) {
        ks_scenario *sc = NULL;
        int rc = ks_sweep_run_scenario(sw, p * sw->reps, &sc, err);
        ks_scenario_destroy(sc);
        if (rc)
            return rc;
    }
    return 0;
}

int ks_sweep_load_file(const char *path, ks_sweep **out, ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    ks_sweep *sw = ks_xcalloc(1, sizeof *sw);
    sw->path = ks_xstrdup(path);
    ks_yt_ctx c = {sw->path, err};
    int rc = ks_read_file(path, "sweep", &sw->text, &sw->len, err);
    if (!rc)
        rc = ks_yt_parse(sw->text, sw->len, sw->path, &sw->tree, err);
    if (!rc)
        rc = load_document(&c, sw->tree, sw);
    if (!rc)
        rc = validate_points(sw, err);
    if (rc) {
        ks_sweep_destroy(sw);
        return rc;
    }
    *out = sw;
    return 0;
}

/* ---- a run's scenario ----------------------------------------------------- */

static void describe_point(const ks_sweep *sw, size_t point, char *buf,
                           size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t p = 0; p < sw->nparams && o < size; p++) {
        int w = snprintf(buf + o, size - o, "%s%s=%s", p ? ", " : "",
                         sw->params[p].name,
                         ks_sweep_value_label(sw, point, p));
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* Prefixes err's message with the point, so a failure inside the base
 * scenario says which values caused it. */
static int fail_in_point(const ks_sweep *sw, size_t point, ks_error *err,
                         int rc)
{
    char where[256], msg[KS_ERROR_MSG_MAX + 512];
    describe_point(sw, point, where, sizeof where);
    snprintf(msg, sizeof msg, "in sweep %s point %zu (%s): %s", sw->path,
             point, where, err->msg);
    /* Cut to the message's size: the point and the start say enough. */
    if (snprintf(err->msg, sizeof err->msg, "%s", msg) < 0)
        err->msg[0] = '\0';
    return rc;
}

static int apply_point(const ks_sweep *sw, size_t point, ks_yt_node *tree,
                       ks_error *err)
{
    for (size_t p = 0; p < sw->nparams; p++) {
        const choice *ch = choice_of(sw, point, p);
        for (size_t i = 0; i < ch->nas; i++) {
            const char *why;
            if (ks_yt_set(tree, ch->as[i].path, ch->as[i].value, &why) != 0) {
                const ks_yt_node *v = ch->as[i].value;
                return ks_error_set(err, KS_EINVAL, sw->path, v->line, v->col,
                                    "parameter \"%s\": cannot set %s in the "
                                    "scenario: %s", sw->params[p].name,
                                    ch->as[i].path, why);
            }
        }
    }
    return 0;
}

static void set_seed(ks_yt_node *tree, uint64_t seed)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, seed);
    ks_yt_node v = {.kind = KS_YT_SCALAR, .text = text, .len = strlen(text)};
    const char *why;
    /* spec is a mapping (the scenario parsed): this cannot fail. */
    (void)ks_yt_set(tree, "spec.seed", &v, &why);
}

int ks_sweep_run_scenario(const ks_sweep *sw, size_t run, ks_scenario **out,
                          ks_error *err)
{
    *out = NULL;
    ks_error_clear(err);
    size_t point = run / sw->reps;
    unsigned rep = (unsigned)(run % sw->reps);
    ks_yt_node *tree = ks_yt_clone(sw->base);
    int rc = apply_point(sw, point, tree, err);
    if (!rc) {
        if (tree->kind == KS_YT_MAPPING && ks_yt_get(tree, "spec") &&
            ks_yt_get(tree, "spec")->kind == KS_YT_MAPPING)
            set_seed(tree, ks_sweep_seed(sw, rep));
        char *text;
        size_t len;
        rc = ks_yt_emit(tree, &text, &len);
        if (rc)
            ks_error_set(err, rc, sw->path, 0, 0, "cannot write the scenario "
                                                  "of point %zu", point);
        else {
            rc = ks_scenario_load_tree(tree, text, len, sw->scenario_path,
                                       out, err);
            free(text);
            if (rc)
                fail_in_point(sw, point, err, rc);
        }
    }
    ks_yt_free(tree);
    return rc;
}
