/* yaml_tree.h - a small YAML document tree with source marks, and strict
 * schema-walking helpers for ksim's input languages.
 *
 * libyaml gives a stream of events; the loaders want a tree they can walk
 * in any order and point into when something is wrong.  ks_yt_parse builds
 * that tree for one document and rejects, with FILE:LINE:COL, everything a
 * strict configuration language does not need: anchors and aliases, several
 * documents (ks_yt_parse_stream accepts those), an empty document,
 * non-standard tags, non-scalar mapping keys, duplicate keys, NUL characters
 * and nesting deeper than KS_YT_MAX_DEPTH.
 *
 * Every node knows its parent, so every value has a path such as
 * `spec.cluster.nodePools[0].count` (ks_yt_path), used in error messages
 * and, later, by sweeps (ks_yt_find).  The walker helpers check one mapping
 * against a table of allowed keys (ks_yt_fields) and convert scalars to
 * integers, numbers, durations and quantities, each failing with a message
 * that names the path and says what was expected.
 *
 * Ownership: ks_yt_parse returns a tree owned by the caller, freed with
 * ks_yt_free (accepts NULL).  Every string in it is owned by its node.
 * Pointers returned by the helpers borrow from the tree.
 */
#ifndef KS_YAML_TREE_H
#define KS_YAML_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

/* Deeper documents are rejected: no ksim input needs more, and the limit
 * keeps the recursive helpers (free, path) safe on hostile input. */
#define KS_YT_MAX_DEPTH 64

typedef enum ks_yt_kind {
    KS_YT_SCALAR = 0,
    KS_YT_MAPPING,
    KS_YT_SEQUENCE
} ks_yt_kind;

typedef struct ks_yt_node ks_yt_node;
struct ks_yt_node {
    ks_yt_kind kind;
    int line, col;             /* 1-based start of the node in the source */
    const ks_yt_node *parent;  /* NULL for the root (and for keys) */
    ks_yt_node *key;           /* in a mapping: the key (a scalar) */
    size_t index;              /* position in the parent's items */
    /* Scalars: the text, NUL-terminated (no NUL inside), and whether it was
     * quoted (single, double, literal, folded or tagged !!str).  Only plain
     * scalars can be null, booleans or numbers. */
    char *text;
    size_t len;
    int quoted;
    /* Mappings: the values in document order, each with ->key set.
     * Sequences: the items. */
    ks_yt_node **items;
    size_t n;
    size_t cap; /* private */
};

/* Parses buf[0..len) (need not be NUL-terminated) as exactly one YAML
 * document.  file names the input in errors.  Returns 0 and the root in
 * *out, or KS_EPARSE with err filled and *out NULL. */
int ks_yt_parse(const char *buf, size_t len, const char *file,
                ks_yt_node **out, ks_error *err);
void ks_yt_free(ks_yt_node *root);

/* Same rules, for a stream of documents separated by `---` (Kubernetes
 * manifests, kubectl output): stores the non-empty documents in order in
 * *docs (an array owned by the caller, freed with ks_yt_free_stream) and
 * their number in *ndocs.  Empty documents are dropped, so an input without
 * content gives 0 documents.  On error *docs is NULL and *ndocs 0. */
int ks_yt_parse_stream(const char *buf, size_t len, const char *file,
                       ks_yt_node ***docs, size_t *ndocs, ks_error *err);
void ks_yt_free_stream(ks_yt_node **docs, size_t ndocs);

/* True for a plain "", "~", "null", "Null" or "NULL". */
int ks_yt_is_null(const ks_yt_node *n);
/* "a mapping", "a sequence", "null", "a string", ... for messages. */
const char *ks_yt_describe(const ks_yt_node *n);

/* Writes the path of n ("" for the root, "spec.seed", "a[2]",
 * `labels["kubernetes.io/os"]` for keys that are not simple words) into
 * buf, truncating; returns buf. */
char *ks_yt_path(const ks_yt_node *n, char *buf, size_t size);
/* The node at path below root (the syntax ks_yt_path writes), or NULL. */
const ks_yt_node *ks_yt_find(const ks_yt_node *root, const char *path);
/* The value of key in mapping map, or NULL (also when map is no mapping). */
const ks_yt_node *ks_yt_get(const ks_yt_node *map, const char *key);

/* ---- schema walking ----------------------------------------------------- */

/* Where errors go: the file name printed and the caller's ks_error. */
typedef struct ks_yt_ctx {
    const char *file;
    ks_error *err;
} ks_yt_ctx;

/* Fills the error at n's line and column with "PATH: message" (just the
 * message at the root) and returns code. */
int ks_yt_fail(const ks_yt_ctx *c, const ks_yt_node *n, int code,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Same, but at the line and column of the key of value (a mapping value),
 * for errors about the key itself. */
int ks_yt_fail_key(const ks_yt_ctx *c, const ks_yt_node *value, int code,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Fails unless n is of the given kind: KS_EPARSE "expected a mapping, got
 * a sequence". */
int ks_yt_expect(const ks_yt_ctx *c, const ks_yt_node *n, ks_yt_kind kind);

/* One allowed key of a mapping.  ks_yt_fields stores its value in *out
 * (NULL when absent). */
typedef struct ks_yt_field {
    const char *key;
    int required;
    const ks_yt_node **out;
} ks_yt_field;

/* Checks that map is a mapping whose keys are all in fields (terminated by
 * a {NULL} entry) and that every required key is present; fills the outs.
 * Errors (KS_EPARSE): `unknown key "x" in PATH (expected one of: a, b)` at
 * the key, `missing required key "a" in PATH` at the mapping. */
int ks_yt_fields(const ks_yt_ctx *c, const ks_yt_node *map,
                 const ks_yt_field *fields);

/* The error ks_yt_fields gives for a missing key, for maps whose allowed
 * keys depend on one of their values (a distribution's `dist`). */
int ks_yt_fail_missing(const ks_yt_ctx *c, const ks_yt_node *map,
                       const char *key);

/* Scalar conversions.  Each fails with KS_EPARSE on the wrong type or
 * syntax (at the value) and KS_ERANGE when the value does not fit. */

/* Any non-null scalar, as text (plain 1.36 gives "1.36"). */
int ks_yt_string(const ks_yt_ctx *c, const ks_yt_node *n, const char **out);
/* A plain decimal integer ([-]digits) in [min, max]. */
int ks_yt_int64(const ks_yt_ctx *c, const ks_yt_node *n, int64_t min,
                int64_t max, int64_t *out);
/* A plain decimal integer in [0, UINT64_MAX]. */
int ks_yt_uint64(const ks_yt_ctx *c, const ks_yt_node *n, uint64_t *out);
/* A plain finite decimal number (1, -2.5, 1e-3; no inf, nan or hex). */
int ks_yt_number(const ks_yt_ctx *c, const ks_yt_node *n, double *out);
/* A Go duration ("90s", "1h30m"; sim/duration.h) in nanoseconds. */
int ks_yt_duration(const ks_yt_ctx *c, const ks_yt_node *n, int64_t *out);
/* A Kubernetes quantity ("500m", "2Gi"; sim/quantity.h) at scale. */
int ks_yt_quantity(const ks_yt_ctx *c, const ks_yt_node *n, int scale,
                   int64_t *out);
/* One of names (NULL-terminated); *out is its index.  Otherwise KS_EINVAL
 * `unknown WHAT "x" (expected one of: a, b)`. */
int ks_yt_enum(const ks_yt_ctx *c, const ks_yt_node *n, const char *what,
               const char *const *names, int *out);

/* Writes s as a double-quoted string for messages: non-printable bytes
 * escaped, long text cut with "...".  Returns buf. */
char *ks_yt_quote(const char *s, char *buf, size_t size);

/* ---- editing and writing (sweeps) --------------------------------------- */

/* A deep copy of n (keys included); the copy's parent is NULL.  Line and
 * column marks are kept, so errors in a copied value still point at the
 * file it came from. */
ks_yt_node *ks_yt_clone(const ks_yt_node *n);

/* Replaces the node at path below root (the syntax of ks_yt_path) with a
 * copy of value.  Missing mapping keys along the path are created (as
 * mappings, then the last as the value); a sequence index must exist, and
 * a step cannot go through a scalar.  Returns 0, or KS_EINVAL with
 * *why set to a static reason ("index out of range", ...). */
int ks_yt_set(ks_yt_node *root, const char *path, const ks_yt_node *value,
              const char **why);

/* Writes the document as YAML text (libyaml's emitter, block style, quoted
 * scalars kept quoted) into a new NUL-terminated buffer *text (free with
 * free(); *len excludes the NUL).  Parsing the text gives the same tree.
 * Returns 0, or KS_ENOMEM-free failure KS_EIO if the emitter fails. */
int ks_yt_emit(const ks_yt_node *root, char **text, size_t *len);

#endif
