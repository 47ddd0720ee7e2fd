/* yaml_tree.c - builds a ks_yt_node tree from libyaml events and walks it
 * strictly.
 *
 * The builder is iterative (an explicit stack of open containers), so the
 * depth of the input never grows the C stack; containers are linked into
 * their parent as soon as they start, so on any error freeing the root
 * frees everything built so far.  Only a key waiting for its value lives
 * outside the tree, in its stack frame.
 */
#include "scenarios/yaml_tree.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sim/duration.h"
#include "sim/quantity.h"
#include "sim/xalloc.h"

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* ---- nodes ------------------------------------------------------------- */

void ks_yt_free(ks_yt_node *root)
{
    if (!root)
        return;
    for (size_t i = 0; i < root->n; i++) {
        ks_yt_node *item = root->items[i];
        ks_yt_free(item->key);
        ks_yt_free(item);
    }
    free(root->items);
    free(root->text);
    free(root);
}

static ks_yt_node *node_new(ks_yt_kind kind, yaml_mark_t mark)
{
    ks_yt_node *n = ks_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = mark.line < INT_MAX ? (int)mark.line + 1 : INT_MAX;
    n->col = mark.column < INT_MAX ? (int)mark.column + 1 : INT_MAX;
    return n;
}

static void node_append(ks_yt_node *parent, ks_yt_node *child)
{
    parent->items = ks_xgrow(parent->items, &parent->cap, parent->n + 1,
                             sizeof *parent->items);
    child->parent = parent;
    child->index = parent->n;
    parent->items[parent->n++] = child;
}

int ks_yt_is_null(const ks_yt_node *n)
{
    if (!n || n->kind != KS_YT_SCALAR || n->quoted)
        return 0;
    const char *t = n->text;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") ||
           !strcmp(t, "Null") || !strcmp(t, "NULL");
}

/* YAML 1.2 core-schema booleans, so messages can call them by name. */
static int is_bool(const ks_yt_node *n)
{
    static const char *const words[] = {"true", "True", "TRUE", "false",
                                        "False", "FALSE", NULL};
    if (n->kind != KS_YT_SCALAR || n->quoted)
        return 0;
    for (size_t i = 0; words[i]; i++)
        if (!strcmp(n->text, words[i]))
            return 1;
    return 0;
}

const char *ks_yt_describe(const ks_yt_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case KS_YT_MAPPING:
        return "a mapping";
    case KS_YT_SEQUENCE:
        return "a sequence";
    case KS_YT_SCALAR:
        break;
    }
    if (ks_yt_is_null(n))
        return "null";
    if (is_bool(n))
        return "a boolean";
    return n->quoted ? "a quoted string" : "a scalar";
}

const ks_yt_node *ks_yt_get(const ks_yt_node *map, const char *key)
{
    if (!map || map->kind != KS_YT_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->items[i]->key->text, key))
            return map->items[i];
    return NULL;
}

/* ---- messages ---------------------------------------------------------- */

char *ks_yt_quote(const char *s, char *buf, size_t size)
{
    const size_t max_text = 64;
    size_t o = 0, i = 0;
    if (size < 8) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    buf[o++] = '"';
    for (; s[i] && i < max_text && o + 6 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7f) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        } else {
            buf[o++] = (char)ch;
        }
    }
    if (s[i] && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* Keys made of these characters print as .key in paths; others as
 * ["key"], so a path always reads back to the same node. */
static int is_simple_key(const char *k)
{
    if (!*k)
        return 0;
    for (; *k; k++) {
        char ch = *k;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

/* Appends to buf at *o, never past size - 1. */
static void append(char *buf, size_t size, size_t *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void append(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
    if (*o + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *o, size - *o, fmt, ap);
    va_end(ap);
    if (w > 0)
        *o = (size_t)w < size - *o ? *o + (size_t)w : size - 1;
}

static void path_into(const ks_yt_node *n, char *buf, size_t size, size_t *o)
{
    if (!n || !n->parent)
        return;
    path_into(n->parent, buf, size, o);
    if (n->parent->kind == KS_YT_SEQUENCE) {
        append(buf, size, o, "[%zu]", n->index);
    } else if (is_simple_key(n->key->text)) {
        append(buf, size, o, "%s%s", n->parent->parent ? "." : "",
               n->key->text);
    } else {
        append(buf, size, o, "[\"");
        for (const char *k = n->key->text; *k; k++)
            append(buf, size, o, "%s%c", (*k == '"' || *k == '\\') ? "\\" : "",
                   *k);
        append(buf, size, o, "\"]");
    }
}

char *ks_yt_path(const ks_yt_node *n, char *buf, size_t size)
{
    size_t o = 0;
    if (!size)
        return buf;
    buf[0] = '\0';
    path_into(n, buf, size, &o);
    return buf;
}

/* Reads one path segment at *p: a word, [index] or ["key"].  Returns the
 * child of n it names, or NULL. */
static const ks_yt_node *find_step(const ks_yt_node *n, const char **p)
{
    const char *s = *p;
    if (s[0] == '[' && s[1] == '"') {
        char key[1024];
        size_t k = 0;
        for (s += 2; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1])
                s++;
            if (k + 1 >= sizeof key)
                return NULL;
            key[k++] = *s;
        }
        if (s[0] != '"' || s[1] != ']')
            return NULL;
        key[k] = '\0';
        *p = s + 2;
        return ks_yt_get(n, key);
    }
    if (s[0] == '[') {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(s + 1, &end, 10);
        if (end == s + 1 || *end != ']' || errno || s[1] == '-' ||
            s[1] == '+' || n->kind != KS_YT_SEQUENCE || i >= n->n)
            return NULL;
        *p = end + 1;
        return n->items[i];
    }
    size_t len = strcspn(s, ".[");
    for (size_t i = 0; len && n->kind == KS_YT_MAPPING && i < n->n; i++) {
        const ks_yt_node *key = n->items[i]->key;
        if (key->len == len && !memcmp(key->text, s, len)) {
            *p = s + len;
            return n->items[i];
        }
    }
    return NULL;
}

const ks_yt_node *ks_yt_find(const ks_yt_node *root, const char *path)
{
    const ks_yt_node *n = root;
    const char *p = path;
    while (n && *p) {
        if (*p == '.' && p != path)
            p++;
        n = find_step(n, &p);
    }
    return n;
}

static int vfail_at(const ks_yt_ctx *c, int line, int col, int code,
                    const char *prefix, const char *fmt, va_list ap)
{
    char msg[KS_ERROR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (prefix && *prefix)
        return ks_error_set(c->err, code, c->file, line, col, "%s: %s",
                            prefix, msg);
    return ks_error_set(c->err, code, c->file, line, col, "%s", msg);
}

int ks_yt_fail(const ks_yt_ctx *c, const ks_yt_node *n, int code,
               const char *fmt, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_at(c, n->line, n->col, code, ks_yt_path(n, path, sizeof path),
                      fmt, ap);
    va_end(ap);
    return rc;
}

int ks_yt_fail_key(const ks_yt_ctx *c, const ks_yt_node *value, int code,
                   const char *fmt, ...)
{
    char path[256];
    const ks_yt_node *at = value->key ? value->key : value;
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_at(c, at->line, at->col, code,
                      ks_yt_path(value, path, sizeof path), fmt, ap);
    va_end(ap);
    return rc;
}

/* Fails at n without the path prefix (the message names the place). */
static int fail_plain(const ks_yt_ctx *c, const ks_yt_node *n, int code,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static int fail_plain(const ks_yt_ctx *c, const ks_yt_node *n, int code,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_at(c, n->line, n->col, code, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

/* "in spec.cluster" or "at the top level", for messages about a mapping. */
static char *where(const ks_yt_node *map, char *buf, size_t size)
{
    char path[256];
    ks_yt_path(map, path, sizeof path);
    if (*path)
        snprintf(buf, size, "in %s", path);
    else
        snprintf(buf, size, "at the top level");
    return buf;
}

/* ---- building the tree ------------------------------------------------- */

typedef struct frame {
    ks_yt_node *node;
    ks_yt_node *key; /* mappings: a key waiting for its value */
} frame;

typedef struct builder {
    ks_yt_ctx c;
    const char *buf;
    size_t len;
    ks_yt_node *root;
    frame stack[KS_YT_MAX_DEPTH];
    size_t depth;
    int documents;
    /* ks_yt_parse_stream: several documents allowed, each finished root
     * moved to docs (empty ones dropped). */
    int stream;
    ks_yt_node **docs;
    size_t ndocs, docs_cap;
} builder;

static int fail_mark(builder *b, yaml_mark_t m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail_mark(builder *b, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int line = m.line < INT_MAX ? (int)m.line + 1 : INT_MAX;
    int col = m.column < INT_MAX ? (int)m.column + 1 : INT_MAX;
    int rc = vfail_at(&b->c, line, col, KS_EPARSE, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

/* The byte at (line, column) of the input, both 0-based, column counted in
 * characters as libyaml does; -1 past the end. */
static int byte_at(const builder *b, size_t line, size_t column)
{
    size_t i = 0;
    for (size_t l = 0; l < line; l++) {
        const char *nl = memchr(b->buf + i, '\n', b->len - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - b->buf) + 1;
    }
    for (size_t k = 0; k < column && i < b->len; k++) {
        i++;
        while (i < b->len && ((unsigned char)b->buf[i] & 0xc0) == 0x80)
            i++;
    }
    return i < b->len ? (unsigned char)b->buf[i] : -1;
}

/* Turns libyaml's error into ours, with a hint for the usual tab mistake. */
static int fail_libyaml(builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_MEMORY_ERROR) {
        fprintf(stderr, "ksim: libyaml ran out of memory\n");
        abort();
    }
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors carry a byte offset rather than a mark. */
        yaml_mark_t m = {0, 0, 0};
        size_t end = p->problem_offset < b->len ? p->problem_offset : b->len;
        for (size_t i = 0; i < end; i++) {
            if (b->buf[i] == '\n') {
                m.line++;
                m.column = 0;
            } else if (((unsigned char)b->buf[i] & 0xc0) != 0x80) {
                m.column++;
            }
        }
        return fail_mark(b, m, "invalid YAML input: %s (byte %zu)", problem,
                         p->problem_offset);
    }
    yaml_mark_t m = p->problem_mark;
    if (byte_at(b, m.line, m.column) == '\t')
        return fail_mark(b, m, "YAML syntax error: tab character where "
                               "YAML expects spaces (indent with spaces)");
    if (p->context)
        return fail_mark(b, m, "YAML syntax error: %s %s (line %zu)", problem,
                         p->context, p->context_mark.line + 1);
    return fail_mark(b, m, "YAML syntax error: %s", problem);
}

/* Anchors and aliases would turn the tree into a graph (and aliases are
 * the classic "billion laughs" amplifier): a scenario does not need them. */
static int check_anchor(builder *b, const yaml_char_t *anchor, yaml_mark_t m)
{
    if (!anchor)
        return 0;
    return fail_mark(b, m, "YAML anchors and aliases are not supported "
                           "(found anchor &%.64s)", (const char *)anchor);
}

/* Allows no tag, or a standard tag that agrees with the node's kind. */
static int check_tag(builder *b, const yaml_char_t *tag, ks_yt_kind kind,
                     yaml_mark_t m, int *is_str)
{
    static const char *const scalar_tags[] = {"str", "int", "float", "bool",
                                              "null", NULL};
    const char *t = (const char *)tag;
    *is_str = 0;
    if (!t)
        return 0;
    size_t plen = strlen(YAML_TAG_PREFIX);
    if (!strncmp(t, YAML_TAG_PREFIX, plen)) {
        const char *name = t + plen;
        if (kind == KS_YT_MAPPING && !strcmp(name, "map"))
            return 0;
        if (kind == KS_YT_SEQUENCE && !strcmp(name, "seq"))
            return 0;
        for (size_t i = 0; kind == KS_YT_SCALAR && scalar_tags[i]; i++)
            if (!strcmp(name, scalar_tags[i])) {
                *is_str = i == 0;
                return 0;
            }
    }
    /* Show standard tags the way they are written: !!binary. */
    char shown[96], q[128];
    if (!strncmp(t, YAML_TAG_PREFIX, plen))
        snprintf(shown, sizeof shown, "!!%s", t + plen);
    else
        snprintf(shown, sizeof shown, "%s", t);
    return fail_mark(b, m, "unsupported YAML tag %s (only the standard "
                           "!!str, !!int, !!float, !!bool, !!null, !!map and "
                           "!!seq are allowed, on matching values)",
                     ks_yt_quote(shown, q, sizeof q));
}

/* Finds the first key, in document order, equal to an earlier key of the
 * same mapping: sort the items by (key, position), then compare
 * neighbours, so a mapping with many keys costs O(n log n). */
static int cmp_key_then_index(const void *pa, const void *pb)
{
    const ks_yt_node *a = *(const ks_yt_node *const *)pa;
    const ks_yt_node *b = *(const ks_yt_node *const *)pb;
    int c = strcmp(a->key->text, b->key->text);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static const ks_yt_node *first_duplicate_key(const ks_yt_node *map)
{
    if (map->n < 2)
        return NULL;
    const ks_yt_node **sorted = ks_xmalloc(map->n * sizeof *sorted);
    memcpy(sorted, map->items, map->n * sizeof *sorted);
    qsort(sorted, map->n, sizeof *sorted, cmp_key_then_index);
    const ks_yt_node *first = NULL;
    for (size_t i = 1; i < map->n; i++)
        if (!strcmp(sorted[i]->key->text, sorted[i - 1]->key->text) &&
            (!first || sorted[i]->index < first->index))
            first = sorted[i];
    free(sorted);
    return first ? first->key : NULL;
}

/* Attaches a finished or just-started node to the open container (or makes
 * it the root).  Takes ownership of n in every case. */
static int attach(builder *b, ks_yt_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    frame *top = &b->stack[b->depth - 1];
    if (top->node->kind == KS_YT_SEQUENCE) {
        node_append(top->node, n);
        return 0;
    }
    if (top->key) {
        n->key = top->key;
        top->key = NULL;
        node_append(top->node, n);
        return 0;
    }
    if (n->kind != KS_YT_SCALAR) {
        char w[300];
        int rc = fail_plain(&b->c, n, KS_EPARSE,
                            "mapping keys must be scalars, found %s as a "
                            "key %s",
                            ks_yt_describe(n), where(top->node, w, sizeof w));
        ks_yt_free(n);
        return rc;
    }
    top->key = n;
    return 0;
}

static int on_scalar(builder *b, const yaml_event_t *e)
{
    int is_str, rc;
    if ((rc = check_anchor(b, e->data.scalar.anchor, e->start_mark)) ||
        (rc = check_tag(b, e->data.scalar.tag, KS_YT_SCALAR, e->start_mark,
                        &is_str)))
        return rc;
    const char *v = (const char *)e->data.scalar.value;
    size_t len = e->data.scalar.length;
    if (memchr(v, '\0', len))
        return fail_mark(b, e->start_mark,
                         "NUL characters are not allowed in values");
    ks_yt_node *n = node_new(KS_YT_SCALAR, e->start_mark);
    n->text = ks_xstrndup(v, len);
    n->len = len;
    n->quoted = is_str || e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    return attach(b, n);
}

static int on_start(builder *b, const yaml_event_t *e, ks_yt_kind kind)
{
    const yaml_char_t *anchor = kind == KS_YT_MAPPING
                                    ? e->data.mapping_start.anchor
                                    : e->data.sequence_start.anchor;
    const yaml_char_t *tag = kind == KS_YT_MAPPING
                                 ? e->data.mapping_start.tag
                                 : e->data.sequence_start.tag;
    int is_str, rc;
    if ((rc = check_anchor(b, anchor, e->start_mark)) ||
        (rc = check_tag(b, tag, kind, e->start_mark, &is_str)))
        return rc;
    if (b->depth == KS_YT_MAX_DEPTH)
        return fail_mark(b, e->start_mark,
                         "YAML nesting is too deep (more than %d levels)",
                         KS_YT_MAX_DEPTH);
    ks_yt_node *n = node_new(kind, e->start_mark);
    if ((rc = attach(b, n)))
        return rc;
    b->stack[b->depth].node = n;
    b->stack[b->depth].key = NULL;
    b->depth++;
    return 0;
}

static int on_end(builder *b)
{
    frame *top = &b->stack[--b->depth];
    if (top->node->kind == KS_YT_MAPPING) {
        const ks_yt_node *dup = first_duplicate_key(top->node);
        if (dup) {
            char q[96], w[300];
            return fail_plain(&b->c, dup, KS_EPARSE, "duplicate key %s %s",
                              ks_yt_quote(dup->text, q, sizeof q),
                              where(top->node, w, sizeof w));
        }
    }
    return 0;
}

/* Stream mode: the document just ended joins the list, unless it is
 * empty (a stray `---`, a file of comments). */
static void end_stream_document(builder *b)
{
    ks_yt_node *root = b->root;
    b->root = NULL;
    if (!root || ks_yt_is_null(root)) {
        ks_yt_free(root);
        return;
    }
    b->docs = ks_xgrow(b->docs, &b->docs_cap, b->ndocs + 1, sizeof *b->docs);
    b->docs[b->ndocs++] = root;
}

/* Handles one event; *done is set at the end of the stream. */
static int on_event(builder *b, const yaml_event_t *e, int *done)
{
    switch (e->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1 && !b->stream)
            return fail_mark(b, e->start_mark,
                             "a second YAML document starts here (a "
                             "scenario is exactly one document)");
        return 0;
    case YAML_DOCUMENT_END_EVENT:
        if (b->stream)
            end_stream_document(b);
        return 0;
    case YAML_ALIAS_EVENT:
        return fail_mark(b, e->start_mark,
                         "YAML anchors and aliases are not supported "
                         "(found alias *%.64s)",
                         (const char *)e->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        return on_scalar(b, e);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, e, KS_YT_SEQUENCE);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, e, KS_YT_MAPPING);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b);
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return 0;
    default:
        return 0;
    }
}

static void builder_cleanup(builder *b)
{
    for (size_t i = 0; i < b->depth; i++)
        ks_yt_free(b->stack[i].key);
    ks_yt_free(b->root);
    b->root = NULL;
    for (size_t i = 0; i < b->ndocs; i++)
        ks_yt_free(b->docs[i]);
    free(b->docs);
    b->docs = NULL;
    b->ndocs = 0;
}

/* Runs libyaml over the whole input, feeding the builder. */
static int build(builder *b)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "ksim: libyaml ran out of memory\n");
        abort();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)b->buf,
                                 b->len);
    int rc = 0, done = 0;
    while (!rc && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            rc = fail_libyaml(b, &parser);
            break;
        }
        rc = on_event(b, &e, &done);
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int ks_yt_parse(const char *buf, size_t len, const char *file,
                ks_yt_node **out, ks_error *err)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.c.file = file;
    b.c.err = err;
    b.buf = buf;
    b.len = len;
    *out = NULL;

    int rc = build(&b);
    if (!rc && (!b.root || ks_yt_is_null(b.root))) {
        int line = b.root ? b.root->line : 1, col = b.root ? b.root->col : 1;
        rc = ks_error_set(err, KS_EPARSE, file, line, col,
                          "the document is empty");
    }
    if (rc) {
        builder_cleanup(&b);
        return rc;
    }
    *out = b.root;
    return 0;
}

int ks_yt_parse_stream(const char *buf, size_t len, const char *file,
                       ks_yt_node ***docs, size_t *ndocs, ks_error *err)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.c.file = file;
    b.c.err = err;
    b.buf = buf;
    b.len = len;
    b.stream = 1;
    *docs = NULL;
    *ndocs = 0;

    int rc = build(&b);
    if (rc) {
        builder_cleanup(&b);
        return rc;
    }
    *docs = b.docs;
    *ndocs = b.ndocs;
    return 0;
}

void ks_yt_free_stream(ks_yt_node **docs, size_t ndocs)
{
    for (size_t i = 0; i < ndocs; i++)
        ks_yt_free(docs[i]);
    free(docs);
}

/* ---- schema walking ---------------------------------------------------- */

int ks_yt_expect(const ks_yt_ctx *c, const ks_yt_node *n, ks_yt_kind kind)
{
    static const char *const names[] = {"a scalar", "a mapping", "a sequence"};
    if (n->kind == kind)
        return 0;
    return ks_yt_fail(c, n, KS_EPARSE, "expected %s, got %s", names[kind],
                      ks_yt_describe(n));
}

static void join_keys(const ks_yt_field *fields, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; fields[i].key; i++)
        append(buf, size, &o, "%s%s", i ? ", " : "", fields[i].key);
}

int ks_yt_fields(const ks_yt_ctx *c, const ks_yt_node *map,
                 const ks_yt_field *fields)
{
    int rc = ks_yt_expect(c, map, KS_YT_MAPPING);
    if (rc)
        return rc;
    for (size_t f = 0; fields[f].key; f++)
        *fields[f].out = NULL;
    for (size_t i = 0; i < map->n; i++) {
        const ks_yt_node *item = map->items[i];
        size_t f = 0;
        while (fields[f].key && strcmp(fields[f].key, item->key->text))
            f++;
        if (!fields[f].key) {
            char q[96], w[300], keys[512];
            join_keys(fields, keys, sizeof keys);
            return fail_plain(c, item->key, KS_EPARSE,
                              "unknown key %s %s (expected one of: %s)",
                              ks_yt_quote(item->key->text, q, sizeof q),
                              where(map, w, sizeof w), keys);
        }
        *fields[f].out = item;
    }
    for (size_t f = 0; fields[f].key; f++)
        if (fields[f].required && !*fields[f].out)
            return ks_yt_fail_missing(c, map, fields[f].key);
    return 0;
}

int ks_yt_fail_missing(const ks_yt_ctx *c, const ks_yt_node *map,
                       const char *key)
{
    char w[300];
    return fail_plain(c, map, KS_EPARSE, "missing required key \"%s\" %s",
                      key, where(map, w, sizeof w));
}

int ks_yt_string(const ks_yt_ctx *c, const ks_yt_node *n, const char **out)
{
    if (n->kind != KS_YT_SCALAR || ks_yt_is_null(n))
        return ks_yt_fail(c, n, KS_EPARSE, "expected a string, got %s",
                          ks_yt_describe(n));
    *out = n->text;
    return 0;
}

/* A plain scalar, for numbers: quoted "20" is a string, not a number. */
static int plain_scalar(const ks_yt_ctx *c, const ks_yt_node *n,
                        const char *what)
{
    if (n->kind == KS_YT_SCALAR && !n->quoted && !ks_yt_is_null(n))
        return 0;
    if (n->kind == KS_YT_SCALAR && n->quoted) {
        char q[96];
        return ks_yt_fail(c, n, KS_EPARSE,
                          "expected %s, got the quoted string %s (remove "
                          "the quotes)",
                          what, ks_yt_quote(n->text, q, sizeof q));
    }
    return ks_yt_fail(c, n, KS_EPARSE, "expected %s, got %s", what,
                      ks_yt_describe(n));
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Digits without a leading zero: YAML 1.1 (and so many Kubernetes tools)
 * reads 010 as octal 8, YAML 1.2 as 10; refusing it avoids the trap. */
static int is_unsigned_decimal(const char *s)
{
    return all_digits(s) && (s[0] != '0' || s[1] == '\0');
}

static int fail_not_integer(const ks_yt_ctx *c, const ks_yt_node *n)
{
    char q[96];
    const char *t = n->text + (n->text[0] == '-');
    return ks_yt_fail(c, n, KS_EPARSE, "expected a decimal integer%s, got %s",
                      all_digits(t) ? " without leading zeros" : "",
                      ks_yt_quote(n->text, q, sizeof q));
}

static int fail_range(const ks_yt_ctx *c, const ks_yt_node *n, int64_t min,
                      int64_t max)
{
    char q[96];
    ks_yt_quote(n->text, q, sizeof q);
    if (max == INT64_MAX)
        return ks_yt_fail(c, n, KS_ERANGE, "must be >= %" PRId64 ", got %s",
                          min, q);
    return ks_yt_fail(c, n, KS_ERANGE,
                      "must be between %" PRId64 " and %" PRId64 ", got %s",
                      min, max, q);
}

int ks_yt_int64(const ks_yt_ctx *c, const ks_yt_node *n, int64_t min,
                int64_t max, int64_t *out)
{
    int rc = plain_scalar(c, n, "an integer");
    if (rc)
        return rc;
    const char *t = n->text;
    if (!is_unsigned_decimal(t[0] == '-' ? t + 1 : t))
        return fail_not_integer(c, n);
    errno = 0;
    long long v = strtoll(t, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return fail_range(c, n, min, max);
    *out = v;
    return 0;
}

int ks_yt_uint64(const ks_yt_ctx *c, const ks_yt_node *n, uint64_t *out)
{
    int rc = plain_scalar(c, n, "an integer");
    if (rc)
        return rc;
    const char *t = n->text;
    char q[96];
    if (t[0] == '-' && is_unsigned_decimal(t + 1))
        return ks_yt_fail(c, n, KS_ERANGE, "must be >= 0, got %s",
                          ks_yt_quote(t, q, sizeof q));
    if (!is_unsigned_decimal(t))
        return fail_not_integer(c, n);
    errno = 0;
    unsigned long long v = strtoull(t, NULL, 10);
    if (errno == ERANGE)
        return ks_yt_fail(c, n, KS_ERANGE,
                          "must be at most %" PRIu64 ", got %s", UINT64_MAX,
                          ks_yt_quote(t, q, sizeof q));
    *out = v;
    return 0;
}

/* [-+]digits[.digits][e[-+]digits], also .5 and 5. as YAML allows. */
static int is_decimal_number(const char *s)
{
    size_t digits = 0;
    if (*s == '-' || *s == '+')
        s++;
    for (; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!all_digits(s))
            return 0;
        return 1;
    }
    return *s == '\0';
}

int ks_yt_number(const ks_yt_ctx *c, const ks_yt_node *n, double *out)
{
    int rc = plain_scalar(c, n, "a number");
    if (rc)
        return rc;
    char q[96];
    if (!is_decimal_number(n->text))
        return ks_yt_fail(c, n, KS_EPARSE, "expected a number, got %s",
                          ks_yt_quote(n->text, q, sizeof q));
    double v = strtod(n->text, NULL);
    if (!isfinite(v))
        return ks_yt_fail(c, n, KS_ERANGE, "number %s is too large",
                          ks_yt_quote(n->text, q, sizeof q));
    *out = v;
    return 0;
}

int ks_yt_duration(const ks_yt_ctx *c, const ks_yt_node *n, int64_t *out)
{
    const char *t = NULL;
    int rc = ks_yt_string(c, n, &t);
    if (rc)
        return rc;
    char q[96];
    rc = ks_duration_parse(t, out);
    if (rc == KS_ERANGE)
        return ks_yt_fail(c, n, KS_ERANGE,
                          "duration %s is too long (at most about 292 years)",
                          ks_yt_quote(t, q, sizeof q));
    if (rc)
        return ks_yt_fail(c, n, KS_EPARSE,
                          "invalid duration %s (expected e.g. 90s, 1h30m)",
                          ks_yt_quote(t, q, sizeof q));
    return 0;
}

int ks_yt_quantity(const ks_yt_ctx *c, const ks_yt_node *n, int scale,
                   int64_t *out)
{
    const char *t = NULL;
    int rc = ks_yt_string(c, n, &t);
    if (rc)
        return rc;
    char q[96];
    rc = ks_quantity_parse(t, scale, out);
    if (rc == KS_ERANGE)
        return ks_yt_fail(c, n, KS_ERANGE, "quantity %s is too large",
                          ks_yt_quote(t, q, sizeof q));
    if (rc)
        return ks_yt_fail(c, n, KS_EPARSE,
                          "invalid quantity %s (expected e.g. 500m, 2, "
                          "1.5Gi, 1e3)",
                          ks_yt_quote(t, q, sizeof q));
    return 0;
}

int ks_yt_enum(const ks_yt_ctx *c, const ks_yt_node *n, const char *what,
               const char *const *names, int *out)
{
    const char *t = NULL;
    int rc = ks_yt_string(c, n, &t);
    if (rc)
        return rc;
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], t)) {
            *out = i;
            return 0;
        }
    char q[96], list[512];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; names[i]; i++)
        append(list, sizeof list, &o, "%s%s", i ? ", " : "", names[i]);
    return ks_yt_fail(c, n, KS_EINVAL, "unknown %s %s (expected one of: %s)",
                      what, ks_yt_quote(t, q, sizeof q), list);
}

/* ---- editing ----------------------------------------------------------- */

ks_yt_node *ks_yt_clone(const ks_yt_node *n)
{
    ks_yt_node *c = ks_xcalloc(1, sizeof *c);
    c->kind = n->kind;
    c->line = n->line;
    c->col = n->col;
    c->quoted = n->quoted;
    if (n->text) {
        c->text = ks_xstrndup(n->text, n->len);
        c->len = n->len;
    }
    for (size_t i = 0; i < n->n; i++) {
        ks_yt_node *item = ks_yt_clone(n->items[i]);
        if (n->items[i]->key)
            item->key = ks_yt_clone(n->items[i]->key);
        node_append(c, item);
    }
    return c;
}

/* One step of a path: a key (word or ["quoted"]) or an [index]. */
typedef struct path_step {
    int is_index;
    size_t index;
    char key[1024];
} path_step;

/* Reads the step at *p into st; returns 0, or -1 on bad syntax. */
static int read_step(const char **p, path_step *st)
{
    const char *s = *p;
    st->is_index = 0;
    if (s[0] == '[' && s[1] == '"') {
        size_t k = 0;
        for (s += 2; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1])
                s++;
            if (k + 1 >= sizeof st->key)
                return -1;
            st->key[k++] = *s;
        }
        if (s[0] != '"' || s[1] != ']')
            return -1;
        st->key[k] = '\0';
        *p = s + 2;
        return 0;
    }
    if (s[0] == '[') {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(s + 1, &end, 10);
        if (end == s + 1 || *end != ']' || errno || s[1] == '-' || s[1] == '+')
            return -1;
        st->is_index = 1;
        st->index = (size_t)i;
        *p = end + 1;
        return 0;
    }
    size_t len = strcspn(s, ".[");
    if (len == 0 || len >= sizeof st->key)
        return -1;
    memcpy(st->key, s, len);
    st->key[len] = '\0';
    *p = s + len;
    return 0;
}

static ks_yt_node *new_key(const char *text)
{
    ks_yt_node *k = ks_xcalloc(1, sizeof *k);
    k->kind = KS_YT_SCALAR;
    k->text = ks_xstrdup(text);
    k->len = strlen(text);
    return k;
}

/* The child of n named by st, created (an empty mapping) when st is a
 * missing key of a mapping; NULL with *why set otherwise. */
static ks_yt_node *step_into(ks_yt_node *n, const path_step *st,
                             const char **why)
{
    if (st->is_index) {
        if (n->kind != KS_YT_SEQUENCE) {
            *why = "an [index] step on a value that is not a sequence";
            return NULL;
        }
        if (st->index >= n->n) {
            *why = "index out of range";
            return NULL;
        }
        return n->items[st->index];
    }
    if (n->kind == KS_YT_SCALAR && ks_yt_is_null(n)) {
        /* `key:` with no value: becomes the mapping the path needs. */
        free(n->text);
        n->text = NULL;
        n->len = 0;
        n->kind = KS_YT_MAPPING;
    }
    if (n->kind != KS_YT_MAPPING) {
        *why = "a key step on a value that is not a mapping";
        return NULL;
    }
    for (size_t i = 0; i < n->n; i++)
        if (!strcmp(n->items[i]->key->text, st->key))
            return n->items[i];
    ks_yt_node *child = ks_xcalloc(1, sizeof *child);
    child->kind = KS_YT_MAPPING;
    child->line = n->line;
    child->col = n->col;
    child->key = new_key(st->key);
    node_append(n, child);
    return child;
}

/* Puts a copy of value in place of old (same parent slot and key). */
static void replace_node(ks_yt_node *old, const ks_yt_node *value)
{
    ks_yt_node *parent = (ks_yt_node *)old->parent;
    ks_yt_node *c = ks_yt_clone(value);
    c->key = old->key;
    c->parent = parent;
    c->index = old->index;
    parent->items[old->index] = c;
    old->key = NULL;
    ks_yt_free(old);
}

int ks_yt_set(ks_yt_node *root, const char *path, const ks_yt_node *value,
              const char **why)
{
    ks_yt_node *n = root;
    const char *p = path;
    path_step st;
    *why = NULL;
    if (!*p) {
        *why = "an empty path";
        return KS_EINVAL;
    }
    while (*p) {
        if (*p == '.' && p != path)
            p++;
        if (read_step(&p, &st) != 0) {
            *why = "bad path syntax (expected a.b[0][\"c.d\"])";
            return KS_EINVAL;
        }
        if (!(n = step_into(n, &st, why)))
            return KS_EINVAL;
    }
    replace_node(n, value);
    return 0;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct emit_buf {
    char *data;
    size_t len, cap;
} emit_buf;

static int emit_write(void *ctx, unsigned char *buffer, size_t size)
{
    emit_buf *b = ctx;
    b->data = ks_xgrow(b->data, &b->cap, b->len + size + 1, 1);
    memcpy(b->data + b->len, buffer, size);
    b->len += size;
    return 1;
}

static int emit_node(yaml_emitter_t *em, const ks_yt_node *n)
{
    yaml_event_t e;
    int ok;
    switch (n->kind) {
    case KS_YT_SCALAR:
        ok = yaml_scalar_event_initialize(
            &e, NULL, NULL, (yaml_char_t *)(n->text ? n->text : ""),
            (int)n->len, !n->quoted, n->quoted,
            n->quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                      : YAML_PLAIN_SCALAR_STYLE);
        return ok && yaml_emitter_emit(em, &e);
    case KS_YT_MAPPING:
        if (!yaml_mapping_start_event_initialize(&e, NULL, NULL, 1,
                                                 YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(em, &e))
            return 0;
        for (size_t i = 0; i < n->n; i++)
            if (!emit_node(em, n->items[i]->key) ||
                !emit_node(em, n->items[i]))
                return 0;
        return yaml_mapping_end_event_initialize(&e) &&
               yaml_emitter_emit(em, &e);
    case KS_YT_SEQUENCE:
        if (!yaml_sequence_start_event_initialize(&e, NULL, NULL, 1,
                                                  YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(em, &e))
            return 0;
        for (size_t i = 0; i < n->n; i++)
            if (!emit_node(em, n->items[i]))
                return 0;
        return yaml_sequence_end_event_initialize(&e) &&
               yaml_emitter_emit(em, &e);
    }
    return 0;
}

int ks_yt_emit(const ks_yt_node *root, char **text, size_t *len)
{
    yaml_emitter_t em;
    yaml_event_t e;
    emit_buf b = {NULL, 0, 0};
    *text = NULL;
    *len = 0;
    if (!yaml_emitter_initialize(&em))
        return KS_EIO;
    yaml_emitter_set_output(&em, emit_write, &b);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, 100);
    int ok = yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&em, &e) &&
             yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1) &&
             yaml_emitter_emit(&em, &e) && emit_node(&em, root) &&
             yaml_document_end_event_initialize(&e, 1) &&
             yaml_emitter_emit(&em, &e) &&
             yaml_stream_end_event_initialize(&e) &&
             yaml_emitter_emit(&em, &e) && yaml_emitter_flush(&em);
    yaml_emitter_delete(&em);
    if (!ok) {
        free(b.data);
        return KS_EIO;
    }
    if (!b.data)
        b.data = ks_xcalloc(1, 1);
    b.data[b.len] = '\0';
    *text = b.data;
    *len = b.len;
    return 0;
}
