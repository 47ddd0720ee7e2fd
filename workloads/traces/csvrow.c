/* csvrow.c - the streaming RFC 4180 row reader (see csvrow.h).
 *
 * One 64 KiB input buffer and one growing row buffer: a byte at a time
 * through a small state machine (unquoted field, quoted field, after the
 * closing quote).  The fields of a row are stored back to back in the row
 * buffer, each NUL-terminated, with their offsets and lengths on the side,
 * so a row costs no allocation once the buffers have grown to the longest
 * row.
 */
#include "workloads/traces/csvrow.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/quantity.h"
#include "sim/xalloc.h"

#define IN_SIZE 65536
#define END (-1)

struct ks_csvrow {
    FILE *f;
    char *path;
    unsigned char *in;
    size_t in_len, in_pos;
    int in_error; /* fread failed, with this errno: */
    int in_errno;
    int started; /* the first block was read */
    char *row;    /* field bytes, each field NUL-terminated */
    size_t row_len, row_cap;
    size_t *off, *len; /* per field: start in row, length */
    size_t nf, f_cap;
    int line;     /* line of the next unread byte */
    int row_line; /* line the current row starts on */
};

int ks_csvrow_open(const char *path, ks_csvrow **out, ks_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ks_error_set(err, KS_ENOENT, path, 0, 0, "cannot open trace: %s",
                            strerror(errno));
    ks_csvrow *r = ks_xcalloc(1, sizeof *r);
    r->f = f;
    r->path = ks_xstrdup(path);
    r->in = ks_xmalloc(IN_SIZE);
    r->line = 1;
    *out = r;
    return 0;
}

void ks_csvrow_close(ks_csvrow *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->path);
    free(r->in);
    free(r->row);
    free(r->off);
    free(r->len);
    free(r);
}

/* The next byte without consuming it, or END. */
static int peek(ks_csvrow *r)
{
    if (r->in_pos == r->in_len) {
        if (r->in_error)
            return END;
        r->in_len = fread(r->in, 1, IN_SIZE, r->f);
        r->in_pos = 0;
        if (!r->started) { /* a UTF-8 byte order mark (Excel) is no data */
            r->started = 1;
            if (r->in_len >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0)
                r->in_pos = 3;
            if (r->in_pos == r->in_len)
                return peek(r);
        }
        if (r->in_len == 0) {
            if (ferror(r->f)) {
                r->in_error = 1;
                r->in_errno = errno;
            }
            return END;
        }
    }
    return r->in[r->in_pos];
}

static int take(ks_csvrow *r)
{
    int c = peek(r);
    if (c != END)
        r->in_pos++;
    return c;
}

static int fail(ks_csvrow *r, ks_error *err, int code, int line,
                const char *what)
{
    return ks_error_set(err, code, r->path, line, 0, "%s", what);
}

static int append(ks_csvrow *r, char c, ks_error *err)
{
    if (r->row_len + 1 >= KS_CSVROW_MAX_ROW)
        return fail(r, err, KS_EPARSE, r->row_line,
                    "row longer than 16 MiB (not a text trace?)");
    if (r->row_len + 1 >= r->row_cap)
        r->row = ks_xgrow(r->row, &r->row_cap, r->row_len + 2, 1);
    r->row[r->row_len++] = c;
    return 0;
}

static void begin_field(ks_csvrow *r)
{
    if (r->nf == r->f_cap) { /* both arrays grow to the same capacity */
        size_t cap = r->f_cap;
        r->off = ks_xgrow(r->off, &cap, r->nf + 1, sizeof *r->off);
        r->len = ks_xgrow(r->len, &r->f_cap, r->nf + 1, sizeof *r->len);
    }
    r->off[r->nf] = r->row_len;
}

static int end_field(ks_csvrow *r, ks_error *err)
{
    r->len[r->nf] = r->row_len - r->off[r->nf];
    r->nf++;
    return append(r, '\0', err);
}

/* c is '\r': a line end when LF or the end of input follows (consumed). */
static int cr_ends_line(ks_csvrow *r)
{
    int n = peek(r);
    if (n == '\n') {
        take(r);
        return 1;
    }
    return n == END;
}

static int io_error(ks_csvrow *r, ks_error *err)
{
    return ks_error_set(err, KS_EIO, r->path, r->line, 0,
                        "read error: %s", strerror(r->in_errno));
}

/* Reads a quoted field's content (the opening quote is consumed); on
 * return the closing quote is consumed. */
static int read_quoted(ks_csvrow *r, ks_error *err)
{
    for (;;) {
        int c = take(r);
        if (c == END)
            return r->in_error ? io_error(r, err)
                               : fail(r, err, KS_EPARSE, r->row_line,
                                      "unterminated quoted field");
        if (c == '"') {
            if (peek(r) != '"')
                return 0;
            take(r);
        } else if (c == '\0') {
            return fail(r, err, KS_EPARSE, r->line, "NUL byte in the file");
        } else if (c == '\n') {
            r->line++;
        }
        int rc = append(r, (char)c, err);
        if (rc)
            return rc;
    }
}

/* Reads one row: 1 with the row, 0 at the end of input, or an error.
 * *blank is set for a line with nothing on it (not even ""). */
static int read_row(ks_csvrow *r, int *blank, ks_error *err)
{
    int rc;
    *blank = 0;
    if (peek(r) == END)
        return r->in_error ? io_error(r, err) : 0;
    r->row_len = 0;
    r->nf = 0;
    r->row_line = r->line;
    for (;;) { /* one field per turn */
        begin_field(r);
        int c = take(r);
        int quoted = c == '"';
        if (quoted) {
            if ((rc = read_quoted(r, err)))
                return rc;
            c = take(r);
            if (c == '\r' && cr_ends_line(r))
                c = '\n';
            if (c != ',' && c != '\n' && c != END)
                return fail(r, err, KS_EPARSE, r->line,
                            "text after a closing quote (a quote inside a "
                            "quoted field is written \"\")");
        } else {
            while (c != ',' && c != '\n' && c != END) {
                if (c == '\r' && cr_ends_line(r)) {
                    c = '\n';
                    break;
                }
                if (c == '\0')
                    return fail(r, err, KS_EPARSE, r->line,
                                "NUL byte in the file");
                if ((rc = append(r, (char)c, err)))
                    return rc;
                c = take(r);
            }
        }
        if ((rc = end_field(r, err)))
            return rc;
        if (c == '\n')
            r->line++;
        if (c == END && r->in_error)
            return io_error(r, err);
        if (c != ',') {
            *blank = r->nf == 1 && r->len[0] == 0 && !quoted;
            return 1;
        }
    }
}

int ks_csvrow_next(ks_csvrow *r, ks_error *err)
{
    for (;;) {
        int blank, rc = read_row(r, &blank, err);
        if (rc <= 0 || !blank)
            return rc;
    }
}

int ks_csvrow_next_line(ks_csvrow *r, const char **line, size_t *len,
                        ks_error *err)
{
    int rc;
    for (;;) {
        r->row_len = 0;
        r->nf = 0;
        r->row_line = r->line;
        int c = take(r);
        if (c == END)
            return r->in_error ? io_error(r, err) : 0;
        while (c != '\n' && c != END) {
            if (c == '\0')
                return fail(r, err, KS_EPARSE, r->line, "NUL byte in the file");
            if ((rc = append(r, (char)c, err)))
                return rc;
            c = take(r);
        }
        if (c == END && r->in_error)
            return io_error(r, err);
        if (c == '\n')
            r->line++;
        if (r->row_len > 0 && r->row[r->row_len - 1] == '\r')
            r->row_len--;
        if ((rc = append(r, '\0', err)))
            return rc;
        r->row_len--;
        if (r->row_len > 0) {
            *line = r->row;
            *len = r->row_len;
            return 1;
        }
    }
}

size_t ks_csvrow_nfields(const ks_csvrow *r)
{
    return r->nf;
}

const char *ks_csvrow_field(const ks_csvrow *r, size_t i)
{
    return i < r->nf ? r->row + r->off[i] : "";
}

size_t ks_csvrow_field_len(const ks_csvrow *r, size_t i)
{
    return i < r->nf ? r->len[i] : 0;
}

int ks_csvrow_line(const ks_csvrow *r)
{
    return r->row_line;
}

const char *ks_csvrow_path(const ks_csvrow *r)
{
    return r->path;
}

/* ---- field parsers ------------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The value's first byte and its length without surrounding blanks. */
static const char *trimmed(const char *s, size_t *n)
{
    while (is_blank(*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    *n = len;
    return s;
}

int ks_csv_blank(const char *s)
{
    size_t n;
    trimmed(s, &n);
    return n == 0;
}

int ks_csv_parse_i64(const char *s, int64_t *out)
{
    size_t n;
    s = trimmed(s, &n);
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return KS_EPARSE;
    uint64_t v = 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return KS_EPARSE;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return KS_ERANGE;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

int ks_csv_parse_scaled(const char *s, int scale, int64_t *out)
{
    size_t n;
    s = trimmed(s, &n);
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (i != n || digits == 0)
        return KS_EPARSE;
    char buf[128];
    if (n >= sizeof buf)
        return KS_ERANGE;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* "+5" is not a Quantity: drop the plus sign. */
    int rc = ks_quantity_parse(buf[0] == '+' ? buf + 1 : buf, scale, out);
    return rc == KS_ERANGE ? KS_ERANGE : rc ? KS_EPARSE : 0;
}

int ks_csv_parse_double(const char *s, double *out)
{
    size_t n;
    s = trimmed(s, &n);
    if (n == 0 || n >= 128)
        return KS_EPARSE;
    char buf[128];
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + n || !isfinite(v) || errno == ERANGE)
        return KS_EPARSE;
    *out = v;
    return 0;
}

const char *ks_csv_quote(const char *s, char buf[48])
{
    size_t n = strlen(s);
    if (n <= 40) {
        memcpy(buf, s, n + 1);
    } else {
        memcpy(buf, s, 40);
        memcpy(buf + 40, "...", 4);
    }
    return buf;
}
