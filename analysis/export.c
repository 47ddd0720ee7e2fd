/* export.c - `ksim export`: every dataset of a run file as a CSV file.
 *
 * Owner: the export module (issue 4).  The file format is docs/export.md.
 *
 * The export knows nothing of ksim's tables: it walks the file's links from
 * the root (H5Lvisit) and, for each dataset, derives the CSV columns from the
 * dataset's own HDF5 type.  That is what keeps it correct when later layouts
 * add datasets.  Three stages:
 *
 *  1. plan: list the datasets, choose a file name for each, build for each
 *     a memory type (every integer read as int64/uint64, every float as
 *     float/double, strings as they are) and the list of leaf columns with
 *     their byte offsets in one row.  Types CSV cannot hold (opaque,
 *     references, ...) are skipped and reported, not fatal.
 *  2. check: without force, any existing target file stops the export
 *     before anything is written.
 *  3. write: each CSV goes to a temporary name in the output folder; only
 *     when every one is complete are they renamed into place, so a failure
 *     (a corrupt dataset, a full disk) leaves the folder as it was.
 *
 * Tables are read in slices of hyperslabs (at most SLICE_ROWS rows and
 * SLICE_BYTES bytes), so a million-row /pods needs a few MiB, not a buffer
 * of the whole table.  Numbers are printed so that they read back to the
 * same bits; NaN is an empty field.  HDF5's own error printing is silenced
 * and failures become one ks_error naming the file (as in output.c).
 */
#include "analysis/export.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "analysis/h5util.h"
#include "sim/fsutil.h"
#include "sim/xalloc.h"

/* A slice of a table: rows read per H5Dread. */
#define SLICE_ROWS 65536
#define SLICE_BYTES (8u << 20)
/* One row must fit a slice; wider rows are skipped. */
#define ROW_BYTES_MAX SLICE_BYTES
/* More columns than this is not a table anyone opens as CSV. */
#define COLUMNS_MAX 65536
/* Nesting depth of compound and array types. */
#define DEPTH_MAX 16
/* File names are cut here, well below NAME_MAX with room for a suffix. */
#define STEM_MAX 200
#define WHY_MAX 256

#define META_FILE "meta.csv"
#define UNITS_FILE "units.csv"
#define INDEX_FILE "datasets.csv"

/* ---- HDF5 plumbing (the conventions of output.c) ------------------------ */

typedef struct h5ctx {
    const char *path; /* the input file, as the user named it */
    ks_error *err;
    off_t file_size;  /* bounds what a header may claim, see size_plausible */
} h5ctx;

/* HDF5 errors become ks_errors naming the input file (analysis/h5util.h). */
#define h5_fail(x, code, ...) ks_h5_fail((x)->err, (x)->path, (code), __VA_ARGS__)

/* Frees the strings HDF5 allocated in buf for variable-length members. */
static void reclaim(hid_t memtype, hid_t space, void *buf)
{
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memtype, space, H5P_DEFAULT, buf);
#else
    H5Dvlen_reclaim(memtype, space, H5P_DEFAULT, buf);
#endif
}

/* Deflate cannot compress better than about 1032:1, so a genuine object
 * holds at most that many bytes per byte of file: a bound that stops a
 * corrupt header from turning into terabytes of CSV. */
static int size_plausible(const h5ctx *x, double bytes)
{
    return bytes <= 1100.0 * (double)x->file_size + 65536.0;
}

/* ---- columns: the leaves of a type -------------------------------------- */

typedef enum leaf_kind {
    L_INT,  /* read as int64 */
    L_UINT, /* read as uint64 */
    L_F32,  /* read as float: printed with float precision */
    L_F64,  /* read as double */
    L_FSTR, /* fixed-length string, size bytes */
    L_VSTR, /* variable-length string: a char * */
    L_ENUM  /* native enum of size bytes: printed by name */
} leaf_kind;

typedef struct column {
    char *name;       /* CSV header */
    leaf_kind kind;
    size_t offset;    /* in the memory row */
    size_t size;      /* bytes in the memory row */
    int spacepad;     /* L_FSTR: trailing spaces are padding */
    hid_t enum_type;  /* L_ENUM: owned copy of the memory type */
    size_t top;       /* the top-level compound member it belongs to */
} column;

typedef struct layout {
    column *cols;
    size_t ncols, cap;
    int has_vlen; /* rows hold heap strings to reclaim */
} layout;

static void layout_free(layout *l)
{
    for (size_t i = 0; i < l->ncols; i++) {
        free(l->cols[i].name);
        ks_h5_close(l->cols[i].enum_type);
    }
    free(l->cols);
    memset(l, 0, sizeof *l);
}

/* Appends c (taking its name and enum type). */
static void push_column(layout *l, const column *c)
{
    l->cols = ks_xgrow(l->cols, &l->cap, l->ncols + 1, sizeof *l->cols);
    l->cols[l->ncols++] = *c;
    if (c->kind == L_VSTR)
        l->has_vlen = 1;
}

/* Column names: nested members are "outer.inner", array elements
 * "name[i]"; an empty part disappears. */
static char *compose(const char *prefix, const char *sub)
{
    if (!*prefix)
        return ks_xstrdup(sub);
    if (!*sub)
        return ks_xstrdup(prefix);
    if (sub[0] == '[')
        return ks_xasprintf("%s%s", prefix, sub);
    return ks_xasprintf("%s.%s", prefix, sub);
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Builds memory types; on an unsupported type, why says what. */
typedef struct builder {
    layout *lay;
    char *why; /* WHY_MAX bytes */
} builder;

static hid_t unsupported(builder *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static hid_t unsupported(builder *b, const char *fmt, ...)
{
    if (!b->why[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->why, WHY_MAX, fmt, ap);
        va_end(ap);
    }
    return H5I_INVALID_HID;
}

static const char *class_name(H5T_class_t cls)
{
    switch (cls) {
    case H5T_TIME:
        return "time";
    case H5T_BITFIELD:
        return "bitfield";
    case H5T_OPAQUE:
        return "opaque";
    case H5T_REFERENCE:
        return "reference";
    case H5T_VLEN:
        return "variable-length sequence";
    default:
        return "unknown";
    }
}

static hid_t build_type(builder *b, hid_t ftype, const char *prefix,
                        size_t base, size_t top, int depth, size_t *size);

/* Strings stay strings: same size, padding and character set (HDF5 does
 * not convert between character sets). */
static hid_t string_memtype(builder *b, hid_t ftype, column *c)
{
    hid_t m = H5Tcopy(H5T_C_S1);
    H5T_cset_t cset = H5Tget_cset(ftype);
    if (m < 0 || cset < 0)
        goto fail;
    if (H5Tis_variable_str(ftype) > 0) {
        c->kind = L_VSTR;
        if (H5Tset_size(m, H5T_VARIABLE) < 0 || H5Tset_cset(m, cset) < 0)
            goto fail;
        return m;
    }
    size_t size = H5Tget_size(ftype);
    H5T_str_t pad = H5Tget_strpad(ftype);
    if (size == 0 || size > ROW_BYTES_MAX || pad < 0) {
        ks_h5_close(m);
        return unsupported(b, "a string of %zu bytes", size);
    }
    c->kind = L_FSTR;
    c->spacepad = pad == H5T_STR_SPACEPAD;
    if (H5Tset_size(m, size) < 0 || H5Tset_strpad(m, pad) < 0 ||
        H5Tset_cset(m, cset) < 0)
        goto fail;
    return m;
fail:
    ks_h5_close(m);
    return unsupported(b, "a string type HDF5 cannot describe");
}

/* A leaf: integers widen to 64 bits and floats to float or double, which
 * holds every value exactly. */
static hid_t build_leaf(builder *b, hid_t ftype, const char *prefix,
                        size_t base, size_t top, size_t *size)
{
    H5T_class_t cls = H5Tget_class(ftype);
    size_t fsize = H5Tget_size(ftype);
    column c = {.offset = base, .top = top, .enum_type = H5I_INVALID_HID};
    hid_t m = H5I_INVALID_HID;
    switch (cls) {
    case H5T_INTEGER:
        if (fsize > 8)
            return unsupported(b, "an integer of %zu bytes", fsize);
        c.kind = H5Tget_sign(ftype) == H5T_SGN_NONE ? L_UINT : L_INT;
        m = H5Tcopy(c.kind == L_UINT ? H5T_NATIVE_UINT64 : H5T_NATIVE_INT64);
        break;
    case H5T_FLOAT:
        if (fsize > 8)
            return unsupported(b, "a floating-point number of %zu bytes",
                               fsize);
        c.kind = fsize <= 4 ? L_F32 : L_F64;
        m = H5Tcopy(fsize <= 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE);
        break;
    case H5T_STRING:
        m = string_memtype(b, ftype, &c);
        break;
    case H5T_ENUM:
        c.kind = L_ENUM;
        m = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
        if (m >= 0 && H5Tget_size(m) > 8) {
            ks_h5_close(m);
            return unsupported(b, "an enumeration of %zu bytes", fsize);
        }
        if (m >= 0)
            c.enum_type = H5Tcopy(m);
        break;
    default:
        return unsupported(b, "%s values", class_name(cls));
    }
    if (m < 0 || (c.kind == L_ENUM && c.enum_type < 0)) {
        ks_h5_close(m);
        ks_h5_close(c.enum_type);
        return unsupported(b, "a type HDF5 cannot describe");
    }
    c.size = H5Tget_size(m);
    c.name = ks_xstrdup(prefix);
    push_column(b->lay, &c);
    *size = c.size;
    return m;
}

/* A compound: its members packed at 8-byte aligned offsets, each member
 * under its own name so that HDF5 converts member by member. */
static hid_t build_compound(builder *b, hid_t ftype, const char *prefix,
                            size_t base, size_t top, int depth, size_t *size)
{
    int n = H5Tget_nmembers(ftype);
    if (n <= 0)
        return unsupported(b, "a compound type without members");
    hid_t *members = ks_xmalloc((size_t)n * sizeof *members);
    char **names = ks_xcalloc((size_t)n, sizeof *names);
    size_t *offsets = ks_xcalloc((size_t)n, sizeof *offsets);
    for (int i = 0; i < n; i++)
        members[i] = H5I_INVALID_HID;
    size_t cur = 0;
    int ok = 1;
    for (int i = 0; ok && i < n; i++) {
        char *mname = H5Tget_member_name(ftype, (unsigned)i);
        hid_t mf = H5Tget_member_type(ftype, (unsigned)i);
        size_t msize = 0;
        if (mname && mf >= 0) {
            names[i] = ks_xstrdup(mname);
            char *col = compose(prefix, mname);
            offsets[i] = cur;
            /* Units are per top-level member: remember which. */
            members[i] = build_type(b, mf, col, base + cur,
                                    depth == 0 ? (size_t)i : top, depth + 1,
                                    &msize);
            free(col);
        } else {
            unsupported(b, "a compound type HDF5 cannot describe");
        }
        ok = members[i] >= 0;
        cur = align8(cur + msize);
        if (mname)
            H5free_memory(mname);
        ks_h5_close(mf);
    }
    hid_t ct = H5I_INVALID_HID;
    if (ok && cur <= ROW_BYTES_MAX)
        ct = H5Tcreate(H5T_COMPOUND, cur);
    else if (ok)
        unsupported(b, "rows of more than %u bytes", ROW_BYTES_MAX);
    for (int i = 0; ct >= 0 && i < n; i++)
        if (H5Tinsert(ct, names[i], offsets[i], members[i]) < 0) {
            ks_h5_close(ct);
            ct = unsupported(b, "a compound type HDF5 cannot rebuild");
        }
    for (int i = 0; i < n; i++) {
        ks_h5_close(members[i]);
        free(names[i]);
    }
    free(members);
    free(names);
    free(offsets);
    *size = cur;
    return ct;
}

/* "[i][j]" for the element at linear (row-major) index k. */
static void index_suffix(char *buf, size_t cap, size_t k, const hsize_t *dims,
                         int nd)
{
    size_t idx[H5S_MAX_RANK];
    for (int d = nd - 1; d >= 0; d--) {
        idx[d] = k % (size_t)dims[d];
        k /= (size_t)dims[d];
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < nd && used < cap; d++)
        used += (size_t)snprintf(buf + used, cap - used, "[%zu]", idx[d]);
}

/* Appends count copies of elem's columns, copy k named prefix[k...] at
 * base + k * esize. */
static void replicate(layout *dst, const layout *elem, const char *prefix,
                      const hsize_t *dims, int nd, size_t count,
                      size_t esize, size_t base)
{
    char idx[H5S_MAX_RANK * 24];
    for (size_t k = 0; k < count; k++) {
        index_suffix(idx, sizeof idx, k, dims, nd);
        char *p = ks_xasprintf("%s%s", prefix, idx);
        for (size_t i = 0; i < elem->ncols; i++) {
            column c = elem->cols[i];
            c.name = compose(p, elem->cols[i].name);
            c.offset = base + k * esize + elem->cols[i].offset;
            c.enum_type = c.enum_type >= 0 ? H5Tcopy(c.enum_type)
                                           : H5I_INVALID_HID;
            push_column(dst, &c);
        }
        free(p);
    }
}

/* Product of dims, or 0 when it exceeds limit. */
static size_t dims_count(const hsize_t *dims, int nd, size_t limit)
{
    size_t n = 1;
    for (int d = 0; d < nd; d++) {
        if (dims[d] == 0 || dims[d] > limit || n > limit / dims[d])
            return 0;
        n *= (size_t)dims[d];
    }
    return n;
}

/* An array member: one column per element (and per leaf of the element). */
static hid_t build_array(builder *b, hid_t ftype, const char *prefix,
                         size_t base, size_t top, int depth, size_t *size)
{
    hsize_t dims[H5S_MAX_RANK];
    int nd = H5Tget_array_ndims(ftype);
    if (nd <= 0 || nd > H5S_MAX_RANK || H5Tget_array_dims2(ftype, dims) < 0)
        return unsupported(b, "an array type HDF5 cannot describe");
    hid_t super = H5Tget_super(ftype);
    layout elem = {0};
    builder eb = {&elem, b->why};
    size_t esize = 0;
    hid_t em = super < 0 ? unsupported(b, "an array of an unknown type")
                         : build_type(&eb, super, "", 0, top, depth + 1,
                                      &esize);
    size_t count = dims_count(dims, nd, COLUMNS_MAX);
    hid_t m = H5I_INVALID_HID;
    if (em < 0) {
        /* b->why already says why */
    } else if (count == 0 ||
               b->lay->ncols + count * elem.ncols > COLUMNS_MAX ||
               count * esize > ROW_BYTES_MAX) {
        unsupported(b, "an array too large for CSV columns");
    } else if ((m = H5Tarray_create2(em, (unsigned)nd, dims)) < 0) {
        unsupported(b, "an array type HDF5 cannot rebuild");
    } else {
        replicate(b->lay, &elem, prefix, dims, nd, count, esize, base);
        *size = count * esize;
    }
    layout_free(&elem);
    ks_h5_close(em);
    ks_h5_close(super);
    return m;
}

/* The memory type for file type ftype: appends its leaf columns, named from
 * prefix, at byte base of the row; *size is its size in memory.  Returns
 * H5I_INVALID_HID (b->why set) for what CSV cannot hold. */
static hid_t build_type(builder *b, hid_t ftype, const char *prefix,
                        size_t base, size_t top, int depth, size_t *size)
{
    *size = 0;
    if (depth > DEPTH_MAX)
        return unsupported(b, "types nested more than %d deep", DEPTH_MAX);
    if (b->lay->ncols >= COLUMNS_MAX)
        return unsupported(b, "more than %d columns", COLUMNS_MAX);
    switch (H5Tget_class(ftype)) {
    case H5T_COMPOUND:
        return build_compound(b, ftype, prefix, base, top, depth, size);
    case H5T_ARRAY:
        return build_array(b, ftype, prefix, base, top, depth, size);
    default:
        return build_leaf(b, ftype, prefix, base, top, size);
    }
}

/* ---- formatting values -------------------------------------------------- */

/* Integers by hand: printf's generality is most of the export's time on
 * a large table. */
static void put_u64(FILE *f, uint64_t v)
{
    char buf[24];
    char *p = buf + sizeof buf;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    fwrite(p, 1, (size_t)(buf + sizeof buf - p), f);
}

static void put_i64(FILE *f, int64_t v)
{
    if (v < 0) {
        fputc('-', f);
        put_u64(f, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(f, (uint64_t)v);
    }
}

/* NaN, infinities, zeros and whole numbers below 1e15 (counts, whole
 * seconds): the text %g would give, without printf.  Returns 1 if done. */
static int put_special(FILE *f, double v)
{
    if (isnan(v))
        return 1; /* NaN is an empty field */
    if (isinf(v)) {
        fputs(v < 0 ? "-inf" : "inf", f);
        return 1;
    }
    if (v == 0) {
        fputs(signbit(v) ? "-0" : "0", f);
        return 1;
    }
    if (fabs(v) < 1e15 && v == (double)(int64_t)v) {
        put_i64(f, (int64_t)v);
        return 1;
    }
    return 0;
}

/* The fewest significant digits (15 to 17) that read back to the same
 * double: 0.1 stays "0.1", and every value is exact. */
static void put_double(FILE *f, double v)
{
    if (put_special(f, v))
        return;
    char buf[40];
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

/* The same for 32-bit floats, 6 to 9 digits. */
static void put_float(FILE *f, float v)
{
    if (put_special(f, v))
        return;
    char buf[40];
    for (int p = 6; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

/* RFC 4180: a field with a comma, a quote or a line break is quoted, and a
 * quote inside is doubled. */
static void put_text(FILE *f, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* A fixed-length string's text: up to the first NUL, without the trailing
 * spaces of a space-padded one. */
static size_t fixed_len(const unsigned char *p, const column *c)
{
    size_t n = 0;
    while (n < c->size && p[n] != '\0')
        n++;
    while (c->spacepad && n > 0 && p[n - 1] == ' ')
        n--;
    return n;
}

/* The text of a string column (NULL for other kinds). */
static const char *column_text(const column *c, const unsigned char *row,
                               size_t *len)
{
    const unsigned char *p = row + c->offset;
    if (c->kind == L_FSTR) {
        *len = fixed_len(p, c);
        return (const char *)p;
    }
    if (c->kind == L_VSTR) {
        const char *s;
        memcpy(&s, p, sizeof s);
        *len = s ? strlen(s) : 0;
        return s ? s : "";
    }
    return NULL;
}

/* An enum value by name; a value without a name as its number. */
static void put_enum(FILE *f, const column *c, const unsigned char *p)
{
    char name[256];
    if (H5Tenum_nameof(c->enum_type, p, name, sizeof name) >= 0) {
        name[sizeof name - 1] = '\0';
        put_text(f, name, strlen(name));
        return;
    }
    hid_t super = H5Tget_super(c->enum_type);
    int is_signed = super >= 0 && H5Tget_sign(super) != H5T_SGN_NONE;
    ks_h5_close(super);
    uint64_t u = 0;
    int64_t s = 0;
    switch (c->size) {
    case 1: {
        uint8_t v;
        memcpy(&v, p, 1);
        u = v;
        s = (int8_t)v;
        break;
    }
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        u = v;
        s = (int16_t)v;
        break;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        u = v;
        s = (int32_t)v;
        break;
    }
    default:
        memcpy(&u, p, sizeof u);
        memcpy(&s, p, sizeof s);
        break;
    }
    if (is_signed)
        put_i64(f, s);
    else
        put_u64(f, u);
}

static void put_value(FILE *f, const column *c, const unsigned char *row)
{
    const unsigned char *p = row + c->offset;
    switch (c->kind) {
    case L_INT: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        put_i64(f, v);
        break;
    }
    case L_UINT: {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        put_u64(f, v);
        break;
    }
    case L_F32: {
        float v;
        memcpy(&v, p, sizeof v);
        put_float(f, v);
        break;
    }
    case L_F64: {
        double v;
        memcpy(&v, p, sizeof v);
        put_double(f, v);
        break;
    }
    case L_FSTR:
    case L_VSTR: {
        size_t n;
        const char *s = column_text(c, row, &n);
        put_text(f, s, n);
        break;
    }
    case L_ENUM:
        put_enum(f, c, p);
        break;
    }
}

static void put_row(FILE *f, const layout *l, const unsigned char *row)
{
    for (size_t i = 0; i < l->ncols; i++) {
        if (i)
            fputc(',', f);
        put_value(f, &l->cols[i], row);
    }
    fputc('\n', f);
}

static void put_header(FILE *f, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        put_text(f, names[i], strlen(names[i]));
    }
    fputc('\n', f);
}

/* ---- attributes --------------------------------------------------------- */

/* An attribute read whole into memory, with its columns. */
typedef struct attr_data {
    layout lay;
    hid_t memtype;
    hid_t space;
    size_t esize;
    size_t n;      /* elements */
    int simple;    /* an array (keys get "[i]"), not a scalar */
    unsigned char *buf;
} attr_data;

static void attr_release(attr_data *ad)
{
    if (ad->buf && ad->lay.has_vlen && ad->memtype >= 0 && ad->space >= 0)
        reclaim(ad->memtype, ad->space, ad->buf);
    free(ad->buf);
    layout_free(&ad->lay);
    ks_h5_close(ad->memtype);
    ks_h5_close(ad->space);
    memset(ad, 0, sizeof *ad);
    ad->memtype = ad->space = H5I_INVALID_HID;
}

/* Reads attribute name of obj.  Returns 0, or -1 with why set (the
 * attribute is then skipped, not fatal). */
static int attr_load(const h5ctx *x, hid_t obj, const char *name,
                     attr_data *ad, char *why)
{
    memset(ad, 0, sizeof *ad);
    ad->memtype = ad->space = H5I_INVALID_HID;
    why[0] = '\0';
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ftype = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    ad->space = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    hssize_t n = ad->space >= 0 ? H5Sget_simple_extent_npoints(ad->space) : -1;
    builder b = {&ad->lay, why};
    int rc = -1;
    if (ftype < 0 || n < 0) {
        snprintf(why, WHY_MAX, "cannot be read");
    } else if ((ad->memtype = build_type(&b, ftype, "", 0, 0, 0,
                                         &ad->esize)) >= 0) {
        ad->n = (size_t)n;
        ad->simple = H5Sget_simple_extent_type(ad->space) == H5S_SIMPLE;
        if (!size_plausible(x, (double)ad->n * (double)ad->esize))
            snprintf(why, WHY_MAX, "claims more values than the file holds");
        else {
            ad->buf = ks_xcalloc(ad->n ? ad->n : 1, ad->esize ? ad->esize : 1);
            if (ad->n && H5Aread(a, ad->memtype, ad->buf) < 0) {
                free(ad->buf);
                ad->buf = NULL;
                snprintf(why, WHY_MAX, "cannot be read");
            } else {
                rc = 0;
            }
        }
    }
    ks_h5_close(ftype);
    ks_h5_close(a);
    if (rc)
        attr_release(ad);
    return rc;
}

/* The strings of a string attribute (units, description); nothing when the
 * attribute is missing or not text. */
static void attr_strings(const h5ctx *x, hid_t obj, const char *name,
                         char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (H5Aexists(obj, name) <= 0)
        return;
    attr_data ad;
    char why[WHY_MAX];
    if (attr_load(x, obj, name, &ad, why) != 0)
        return;
    if (ad.lay.ncols == 1 &&
        (ad.lay.cols[0].kind == L_FSTR || ad.lay.cols[0].kind == L_VSTR)) {
        *out = ks_xcalloc(ad.n ? ad.n : 1, sizeof **out);
        for (size_t i = 0; i < ad.n; i++) {
            size_t len;
            const char *s =
                column_text(&ad.lay.cols[0], ad.buf + i * ad.esize, &len);
            (*out)[i] = ks_xstrndup(s, len);
        }
        *n = ad.n;
    }
    attr_release(&ad);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- the plan ----------------------------------------------------------- */

typedef struct table {
    char *path;        /* HDF5 path, "/pods" */
    char *file;        /* CSV name in the output folder */
    char *description; /* the description attribute, "" if none */
    char **units;      /* the units attribute */
    size_t nunits;
    size_t nmembers;   /* top-level members (1 for a plain type) */
    layout lay;        /* the columns of one CSV row */
    hid_t memtype;     /* of one element */
    size_t esize;      /* bytes of one element in memory */
    int rank;          /* 0, 1 or 2 */
    hsize_t rows;      /* CSV rows */
    hsize_t per_row;   /* elements per row: dims[1] for rank 2, else 1 */
    size_t row_size;   /* esize * per_row */
} table;

typedef struct plan {
    table *tables;
    size_t ntables, cap;
    char **skipped; /* "/path: reason" */
    size_t nskipped, skcap;
    char **names;   /* file names taken, compared case-insensitively */
    size_t nnames, ncap;
} plan;

static void table_free(table *t)
{
    free(t->path);
    free(t->file);
    free(t->description);
    free_strings(t->units, t->nunits);
    layout_free(&t->lay);
    ks_h5_close(t->memtype);
}

static void plan_free(plan *p)
{
    for (size_t i = 0; i < p->ntables; i++)
        table_free(&p->tables[i]);
    free(p->tables);
    free_strings(p->skipped, p->nskipped);
    free_strings(p->names, p->nnames);
    memset(p, 0, sizeof *p);
}

static void skip(plan *p, const char *what, const char *why)
{
    p->skipped = ks_xgrow(p->skipped, &p->skcap, p->nskipped + 1,
                          sizeof *p->skipped);
    p->skipped[p->nskipped++] = ks_xasprintf("%s: %s", what, why);
}

static int name_taken(const plan *p, const char *name)
{
    for (size_t i = 0; i < p->nnames; i++)
        if (strcasecmp(p->names[i], name) == 0)
            return 1;
    return 0;
}

static void take_name(plan *p, const char *name)
{
    p->names = ks_xgrow(p->names, &p->ncap, p->nnames + 1, sizeof *p->names);
    p->names[p->nnames++] = ks_xstrdup(name);
}

/* The CSV name of HDF5 path: "/a/b c" -> "a_b_c.csv".  Only letters,
 * digits, '.', '-' and '_' survive, so any link name gives a safe file
 * name; a clash (with another dataset or with meta/units/datasets.csv, also
 * on case-insensitive file systems) gets "_2", "_3", ... */
static char *file_name_of(plan *p, const char *path)
{
    const char *s = path[0] == '/' ? path + 1 : path;
    size_t n = strlen(s) < STEM_MAX ? strlen(s) : STEM_MAX;
    char *stem = ks_xstrndup(s, n);
    for (size_t i = 0; i < n; i++) {
        char ch = stem[i];
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
                   (ch == '.' && i > 0);
        if (!keep)
            stem[i] = '_';
    }
    char *name = ks_xasprintf("%s.csv", stem);
    for (unsigned k = 2; name_taken(p, name); k++) {
        free(name);
        name = ks_xasprintf("%s_%u.csv", stem, k);
    }
    free(stem);
    take_name(p, name);
    return name;
}

/* Shape of a dataset: rank and dims, with NULL and scalar spaces as rank
 * 0 with 0 or 1 row. */
static int dataset_shape(hid_t space, int *rank, hsize_t *rows,
                         hsize_t *per_row, char *why)
{
    H5S_class_t cls = H5Sget_simple_extent_type(space);
    *per_row = 1;
    if (cls == H5S_NULL || cls == H5S_SCALAR) {
        *rank = 0;
        *rows = cls == H5S_SCALAR;
        return 0;
    }
    int nd = H5Sget_simple_extent_ndims(space);
    hsize_t dims[H5S_MAX_RANK];
    if (cls != H5S_SIMPLE || nd < 1 || nd > H5S_MAX_RANK ||
        H5Sget_simple_extent_dims(space, dims, NULL) != nd) {
        snprintf(why, WHY_MAX, "its shape cannot be read");
        return -1;
    }
    if (nd > 2) {
        snprintf(why, WHY_MAX, "%d dimensions (CSV holds 1 or 2)", nd);
        return -1;
    }
    *rank = nd;
    *rows = dims[0];
    if (nd == 2)
        *per_row = dims[1];
    return 0;
}

/* The columns and memory type of table t (a dataset of type ftype).
 * Compound datasets give their members; plain ones a "value" column, or
 * "value[j]" for the second dimension. */
static int table_columns(table *t, hid_t ftype, char *why)
{
    builder b = {&t->lay, why};
    int compound = H5Tget_class(ftype) == H5T_COMPOUND;
    t->nmembers = compound ? (size_t)H5Tget_nmembers(ftype) : 1;
    if (compound && t->rank == 2) {
        snprintf(why, WHY_MAX, "a compound type with 2 dimensions");
        return -1;
    }
    if (t->rank < 2) {
        t->memtype = build_type(&b, ftype, compound ? "" : "value", 0, 0, 0,
                                &t->esize);
        t->row_size = t->esize;
        return t->memtype >= 0 ? 0 : -1;
    }
    layout elem = {0};
    builder eb = {&elem, why};
    t->memtype = build_type(&eb, ftype, "", 0, 0, 1, &t->esize);
    size_t count = dims_count(&t->per_row, 1, COLUMNS_MAX);
    int rc = 0;
    if (t->memtype < 0)
        rc = -1;
    else if (count == 0 || count * elem.ncols > COLUMNS_MAX ||
             count * t->esize > ROW_BYTES_MAX) {
        snprintf(why, WHY_MAX, "rows too wide for CSV (%llu values)",
                 (unsigned long long)t->per_row);
        rc = -1;
    } else {
        replicate(&t->lay, &elem, "value", &t->per_row, 1, count, t->esize,
                  0);
        t->row_size = count * t->esize;
    }
    layout_free(&elem);
    return rc;
}

/* Plans dataset path: its shape, columns, file name, units and
 * description.  Returns 0 (planned or skipped) or a ks_err. */
static int plan_dataset(const h5ctx *x, hid_t file, plan *p, const char *path)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0)
        return h5_fail(x, KS_EHDF5, "cannot open dataset %s", path);
    hid_t ftype = H5Dget_type(d);
    hid_t space = H5Dget_space(d);
    table t = {.memtype = H5I_INVALID_HID};
    char why[WHY_MAX] = "";
    int rc = 0;
    if (ftype < 0 || space < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot inspect dataset %s", path);
    else if (dataset_shape(space, &t.rank, &t.rows, &t.per_row, why) != 0 ||
             table_columns(&t, ftype, why) != 0)
        skip(p, path, why[0] ? why : "unsupported type");
    else if (!size_plausible(x, (double)t.rows * (double)H5Tget_size(ftype) *
                                    (double)t.per_row))
        rc = ks_error_set(x->err, KS_EHDF5, x->path, 0, 0,
                          "%s claims %llu rows, more than the file can hold",
                          path, (unsigned long long)t.rows);
    else {
        t.path = ks_xstrdup(path);
        t.file = file_name_of(p, path);
        char **desc;
        size_t ndesc;
        attr_strings(x, d, "description", &desc, &ndesc);
        t.description = ks_xstrdup(ndesc == 1 ? desc[0] : "");
        free_strings(desc, ndesc);
        attr_strings(x, d, "units", &t.units, &t.nunits);
        p->tables = ks_xgrow(p->tables, &p->cap, p->ntables + 1,
                             sizeof *p->tables);
        p->tables[p->ntables++] = t;
        memset(&t, 0, sizeof t);
        t.memtype = H5I_INVALID_HID;
    }
    table_free(&t);
    ks_h5_close(space);
    ks_h5_close(ftype);
    H5Dclose(d);
    return rc;
}

/* Paths of every dataset reachable by hard links from the root. */
typedef struct visit {
    char **paths;
    size_t n, cap;
} visit;

/* H5Lvisit callback.  Soft and external links are not followed: the target
 * is exported under its own name, or lives in another file. */
static herr_t visit_link(hid_t g, const char *name, const H5L_info_t *info,
                         void *data)
{
    visit *v = data;
    if (info->type != H5L_TYPE_HARD)
        return 0;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0)
        return -1;
    if (H5Iget_type(o) == H5I_DATASET) {
        v->paths = ks_xgrow(v->paths, &v->cap, v->n + 1, sizeof *v->paths);
        v->paths[v->n++] = ks_xasprintf("/%s", name);
    }
    ks_h5_close(o);
    return 0;
}

/* Lists the datasets in name order (depth first) and plans each. */
static int make_plan(const h5ctx *x, hid_t file, plan *p)
{
    take_name(p, META_FILE);
    take_name(p, UNITS_FILE);
    take_name(p, INDEX_FILE);
    visit v = {0};
    hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
    int rc = 0;
    if (root < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot open the root group");
    else if (H5Lvisit(root, H5_INDEX_NAME, H5_ITER_INC, visit_link, &v) < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot list the datasets");
    ks_h5_close(root);
    for (size_t i = 0; !rc && i < v.n; i++)
        rc = plan_dataset(x, file, p, v.paths[i]);
    free_strings(v.paths, v.n);
    return rc;
}

/* ---- output files ------------------------------------------------------- */

/* One CSV being written under a temporary name. */
typedef struct csv_out {
    FILE *f;
    char *tmp;   /* "<dir>/.<file>.XXXXXX" */
    char *final; /* "<dir>/<file>" */
    const char *file;
} csv_out;

typedef struct outset {
    csv_out *v;
    size_t n, cap;
} outset;

static char *join(const char *dir, const char *file)
{
    size_t n = strlen(dir);
    return ks_xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
                        file);
}

/* Opens a temporary file for file in dir (same folder, so the final rename
 * cannot cross file systems), with the permissions fopen would give. */
static int csv_open(const char *dir, const char *file, csv_out *o,
                    ks_error *err)
{
    char *hidden = ks_xasprintf(".%s.XXXXXX", file);
    o->tmp = join(dir, hidden);
    free(hidden);
    o->final = join(dir, file);
    o->file = file;
    o->f = NULL;
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return ks_error_set(err, KS_EIO, o->final, 0, 0,
                            "cannot create a temporary file in '%s': %s", dir,
                            strerror(e));
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        return ks_error_set(err, KS_EIO, o->final, 0, 0, "cannot write: %s",
                            strerror(e));
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

/* Flushes and closes; a write error (a full disk) shows up here. */
static int csv_finish(csv_out *o, ks_error *err)
{
    int bad = ferror(o->f);
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (bad)
        return ks_error_set(err, KS_EIO, o->final, 0, 0, "cannot write: %s",
                            strerror(e));
    return 0;
}

static void csv_discard(csv_out *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->final);
    memset(o, 0, sizeof *o);
}

/* Moves the finished file into place.  Without force, link() refuses
 * atomically to replace a file that appeared meanwhile. */
static int csv_install(csv_out *o, int force, ks_error *err)
{
    if (!force) {
        if (link(o->tmp, o->final) == 0) {
            unlink(o->tmp);
            return 0;
        }
        if (errno == EEXIST)
            return ks_error_set(err, KS_EEXIST, o->final, 0, 0,
                                "output file exists; use --force to "
                                "overwrite it");
    }
    if (rename(o->tmp, o->final) != 0)
        return ks_error_set(err, KS_EIO, o->final, 0, 0, "cannot write: %s",
                            strerror(errno));
    return 0;
}

/* Starts the next file of the set. */
static int outset_open(outset *s, const char *dir, const char *file,
                       FILE **f, ks_error *err)
{
    s->v = ks_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    csv_out *o = &s->v[s->n];
    memset(o, 0, sizeof *o);
    int rc = csv_open(dir, file, o, err);
    if (rc) {
        csv_discard(o);
        return rc;
    }
    s->n++;
    *f = o->f;
    return 0;
}

static int outset_finish_last(outset *s, ks_error *err)
{
    return csv_finish(&s->v[s->n - 1], err);
}

/* Installs every file; on failure removes the temporaries not yet moved. */
static int outset_install(outset *s, int force, ks_export_summary *sum,
                          ks_error *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < s->n; i++) {
        rc = csv_install(&s->v[i], force, err);
        if (!rc && sum) {
            sum->files = ks_xrealloc(sum->files,
                                     (sum->nfiles + 1) * sizeof *sum->files);
            sum->files[sum->nfiles++] = ks_xstrdup(s->v[i].file);
        }
    }
    return rc;
}

static void outset_free(outset *s)
{
    for (size_t i = 0; i < s->n; i++)
        csv_discard(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- writing tables ----------------------------------------------------- */

static void put_layout_header(FILE *f, const layout *l)
{
    const char **names = ks_xmalloc((l->ncols ? l->ncols : 1) * sizeof *names);
    for (size_t i = 0; i < l->ncols; i++)
        names[i] = l->cols[i].name;
    put_header(f, names, l->ncols);
    free(names);
}

/* Reads rows [first, first + n) of t into buf and writes them. */
static int write_slice(const h5ctx *x, const table *t, hid_t d, hid_t fspace,
                       hsize_t first, hsize_t n, unsigned char *buf, FILE *f)
{
    hsize_t start[2] = {first, 0}, count[2] = {n, t->per_row};
    hid_t mspace = t->rank == 0 ? H5Screate(H5S_SCALAR)
                                : H5Screate_simple(t->rank, count, NULL);
    int rc = 0;
    if (mspace < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot set up reading %s", t->path);
    else if (t->rank > 0 && H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start,
                                                NULL, count, NULL) < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot select rows of %s", t->path);
    else if (H5Dread(d, t->memtype, mspace, t->rank ? fspace : H5S_ALL,
                     H5P_DEFAULT, buf) < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot read %s (rows %llu to %llu)",
                     t->path, (unsigned long long)first,
                     (unsigned long long)(first + n - 1));
    else {
        for (hsize_t r = 0; r < n; r++)
            put_row(f, &t->lay, buf + r * t->row_size);
        if (t->lay.has_vlen)
            reclaim(t->memtype, mspace, buf);
    }
    ks_h5_close(mspace);
    return rc;
}

static int write_table(const h5ctx *x, hid_t file, const table *t, FILE *f)
{
    put_layout_header(f, &t->lay);
    if (t->rows == 0)
        return 0;
    hid_t d = H5Dopen2(file, t->path, H5P_DEFAULT);
    if (d < 0)
        return h5_fail(x, KS_EHDF5, "cannot open dataset %s", t->path);
    hid_t fspace = H5Dget_space(d);
    size_t slice = SLICE_BYTES / (t->row_size ? t->row_size : 1);
    slice = slice < 1 ? 1 : slice > SLICE_ROWS ? SLICE_ROWS : slice;
    unsigned char *buf = ks_xcalloc(slice, t->row_size ? t->row_size : 1);
    int rc = fspace < 0 ? h5_fail(x, KS_EHDF5, "cannot inspect %s", t->path)
                        : 0;
    for (hsize_t r = 0; !rc && r < t->rows; r += slice) {
        hsize_t n = t->rows - r < slice ? t->rows - r : slice;
        rc = write_slice(x, t, d, fspace, r, n, buf, f);
    }
    free(buf);
    ks_h5_close(fspace);
    H5Dclose(d);
    return rc;
}

/* ---- writing meta.csv, units.csv, datasets.csv -------------------------- */

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static herr_t collect_attr(hid_t obj, const char *name, const H5A_info_t *info,
                           void *data)
{
    (void)obj;
    (void)info;
    names *s = data;
    s->v = ks_xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = ks_xstrdup(name);
    return 0;
}

/* key,value rows of one attribute: "name", or "name[i]" for arrays, with
 * ".member" for compound values. */
static void put_attr_rows(FILE *f, const char *name, const attr_data *ad)
{
    for (size_t i = 0; i < ad->n; i++) {
        char *base = ad->simple ? ks_xasprintf("%s[%zu]", name, i)
                                : ks_xstrdup(name);
        const unsigned char *row = ad->buf + i * ad->esize;
        for (size_t c = 0; c < ad->lay.ncols; c++) {
            char *key = compose(base, ad->lay.cols[c].name);
            put_text(f, key, strlen(key));
            fputc(',', f);
            put_value(f, &ad->lay.cols[c], row);
            fputc('\n', f);
            free(key);
        }
        free(base);
    }
}

/* Every attribute of /meta, in name order; a file without /meta gives the
 * header only. */
static int write_meta(const h5ctx *x, hid_t file, plan *p, FILE *f)
{
    static const char *const header[] = {"key", "value"};
    put_header(f, header, 2);
    if (H5Lexists(file, "meta", H5P_DEFAULT) <= 0)
        return 0;
    hid_t g = H5Oopen(file, "/meta", H5P_DEFAULT);
    if (g < 0)
        return h5_fail(x, KS_EHDF5, "cannot open /meta");
    names attrs = {0};
    int rc = 0;
    if (H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_attr,
                    &attrs) < 0)
        rc = h5_fail(x, KS_EHDF5, "cannot list the attributes of /meta");
    for (size_t i = 0; !rc && i < attrs.n; i++) {
        attr_data ad;
        char why[WHY_MAX];
        if (attr_load(x, g, attrs.v[i], &ad, why) != 0) {
            char *what = ks_xasprintf("/meta attribute %s", attrs.v[i]);
            skip(p, what, why);
            free(what);
            continue;
        }
        put_attr_rows(f, attrs.v[i], &ad);
        attr_release(&ad);
    }
    free_strings(attrs.v, attrs.n);
    ks_h5_close(g);
    return rc;
}

/* dataset,field,unit for every column whose top-level member has a unit:
 * the units attribute holds one string per member, in member order. */
static void write_units(const plan *p, FILE *f)
{
    static const char *const header[] = {"dataset", "field", "unit"};
    put_header(f, header, 3);
    for (size_t i = 0; i < p->ntables; i++) {
        const table *t = &p->tables[i];
        if (t->nunits != t->nmembers)
            continue;
        for (size_t c = 0; c < t->lay.ncols; c++) {
            const column *col = &t->lay.cols[c];
            const char *unit = t->units[col->top];
            put_text(f, t->path, strlen(t->path));
            fputc(',', f);
            put_text(f, col->name, strlen(col->name));
            fputc(',', f);
            put_text(f, unit, strlen(unit));
            fputc('\n', f);
        }
    }
}

static void write_index(const plan *p, FILE *f)
{
    static const char *const header[] = {"dataset", "file", "rows",
                                         "description"};
    put_header(f, header, 4);
    for (size_t i = 0; i < p->ntables; i++) {
        const table *t = &p->tables[i];
        put_text(f, t->path, strlen(t->path));
        fputc(',', f);
        put_text(f, t->file, strlen(t->file));
        fprintf(f, ",%llu,", (unsigned long long)t->rows);
        put_text(f, t->description, strlen(t->description));
        fputc('\n', f);
    }
}

/* Writes every file under its temporary name, then installs them all. */
static int write_all(const h5ctx *x, hid_t file, plan *p, const char *dir,
                     int force, ks_export_summary *sum)
{
    outset s = {0};
    FILE *f = NULL;
    int rc = 0;
    for (size_t i = 0; !rc && i < p->ntables; i++) {
        rc = outset_open(&s, dir, p->tables[i].file, &f, x->err);
        if (!rc)
            rc = write_table(x, file, &p->tables[i], f);
        if (!rc)
            rc = outset_finish_last(&s, x->err);
    }
    if (!rc && !(rc = outset_open(&s, dir, META_FILE, &f, x->err))) {
        rc = write_meta(x, file, p, f);
        if (!rc)
            rc = outset_finish_last(&s, x->err);
    }
    if (!rc && !(rc = outset_open(&s, dir, UNITS_FILE, &f, x->err))) {
        write_units(p, f);
        rc = outset_finish_last(&s, x->err);
    }
    if (!rc && !(rc = outset_open(&s, dir, INDEX_FILE, &f, x->err))) {
        write_index(p, f);
        rc = outset_finish_last(&s, x->err);
    }
    if (!rc)
        rc = outset_install(&s, force, sum, x->err);
    outset_free(&s);
    return rc;
}

/* ---- the entry point ---------------------------------------------------- */

/* Without force, an existing target stops the export before any writing. */
static int check_targets(const plan *p, const char *dir, int force,
                         ks_error *err)
{
    if (force)
        return 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < p->nnames; i++) {
        char *path = join(dir, p->names[i]);
        struct stat st;
        if (lstat(path, &st) == 0)
            rc = ks_error_set(err, KS_EEXIST, path, 0, 0,
                              "output file exists; use --force to "
                              "overwrite it");
        free(path);
    }
    return rc;
}

/* Opening failures are the user's input: KS_ENOENT or KS_EINVAL. */
static int open_input(h5ctx *x, hid_t *file)
{
    struct stat st;
    if (stat(x->path, &st) != 0)
        return ks_error_set(x->err, errno == ENOENT ? KS_ENOENT : KS_EINVAL,
                            x->path, 0, 0, "cannot open: %s",
                            strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ks_error_set(x->err, KS_EINVAL, x->path, 0, 0,
                            "cannot open: not a regular file");
    FILE *probe = fopen(x->path, "rb");
    if (!probe)
        return ks_error_set(x->err, KS_EINVAL, x->path, 0, 0,
                            "cannot open: %s", strerror(errno));
    fclose(probe);
    x->file_size = st.st_size;
    if (H5Fis_hdf5(x->path) <= 0)
        return ks_error_set(x->err, KS_EINVAL, x->path, 0, 0,
                            "not an HDF5 file (expected a ksim run dataset)");
    *file = H5Fopen(x->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*file < 0)
        return h5_fail(x, KS_EINVAL,
                       "cannot open: damaged or truncated HDF5 file");
    return 0;
}

int ks_export_csv(const char *h5path, const char *dir, int force,
                  ks_export_summary *summary, ks_error *err)
{
    if (summary)
        memset(summary, 0, sizeof *summary);
    if (!h5path || !*h5path)
        return ks_error_set(err, KS_EINVAL, NULL, 0, 0,
                            "no run file to export");
    if (!dir || !*dir)
        return ks_error_set(err, KS_EINVAL, h5path, 0, 0,
                            "no output folder for the CSV files");
    ks_h5quiet q;
    ks_h5_quiet(&q);
    h5ctx x = {h5path, err, 0};
    hid_t file = H5I_INVALID_HID;
    plan p = {0};
    int rc = open_input(&x, &file);
    if (!rc)
        rc = make_plan(&x, file, &p);
    if (!rc)
        rc = check_targets(&p, dir, force, err);
    if (!rc)
        rc = ks_mkdir_p(dir, err);
    if (!rc)
        rc = write_all(&x, file, &p, dir, force, summary);
    if (file >= 0)
        H5Fclose(file);
    ks_h5_unquiet(&q);
    if (!rc && summary) {
        summary->skipped = p.skipped;
        summary->nskipped = p.nskipped;
        p.skipped = NULL;
        p.nskipped = 0;
    } else if (summary) {
        ks_export_summary_clear(summary);
    }
    plan_free(&p);
    return rc;
}

void ks_export_summary_clear(ks_export_summary *s)
{
    if (!s)
        return;
    free_strings(s->files, s->nfiles);
    free_strings(s->skipped, s->nskipped);
    memset(s, 0, sizeof *s);
}
