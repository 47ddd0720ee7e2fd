/* csvrow.h - a streaming RFC 4180 row reader with line numbers, shared by
 * the trace readers (workloads/traces/).
 *
 * Trace files can be gigabytes: the reader holds one buffer of input and
 * one row, never the file.  It reads comma-separated rows (RFC 4180:
 * quoted fields with "" for a quote, line breaks inside quotes), accepts
 * LF and CRLF line ends and a missing final line end, skips blank lines
 * and ignores a UTF-8 byte order mark at the start.  Each row remembers the physical line it starts on, so readers
 * report errors as FILE:LINE.  It can also hand out raw lines (for JSON
 * lines files), with the same buffering and line numbers.
 *
 * Fields are returned as they are in the file (no trimming); the parse
 * helpers at the end trim blanks around numbers, which some published
 * headers have (" task_end_time").
 *
 * Ownership: ks_csvrow_open makes a reader owned by the caller
 * (ks_csvrow_close, which accepts NULL).  Field and line pointers are
 * owned by the reader and valid until the next call to ks_csvrow_next,
 * ks_csvrow_next_line or ks_csvrow_close.
 */
#ifndef KS_CSVROW_H
#define KS_CSVROW_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

typedef struct ks_csvrow ks_csvrow;

/* A row or line longer than this is an error (KS_EPARSE): a binary or
 * unterminated-quote file fails fast instead of growing without bound. */
#define KS_CSVROW_MAX_ROW (16u << 20)

/* Opens path for reading.  KS_ENOENT (err names the file and the system's
 * reason) when it cannot be opened. */
int ks_csvrow_open(const char *path, ks_csvrow **out, ks_error *err);
void ks_csvrow_close(ks_csvrow *r);

/* Reads the next non-blank row: 1 when there is one, 0 at the end of the
 * file, or KS_EPARSE (unterminated quote, text after a closing quote, a
 * NUL byte, a row over KS_CSVROW_MAX_ROW) / KS_EIO with FILE:LINE in err. */
int ks_csvrow_next(ks_csvrow *r, ks_error *err);

/* The current row: its field count, field i (NUL-terminated; i <
 * nfields) and that field's length. */
size_t ks_csvrow_nfields(const ks_csvrow *r);
const char *ks_csvrow_field(const ks_csvrow *r, size_t i);
size_t ks_csvrow_field_len(const ks_csvrow *r, size_t i);

/* Reads the next non-blank line without CSV parsing (its line end and a
 * trailing CR removed) into *line / *len: 1, 0 at the end, or an error as
 * for ks_csvrow_next.  Do not mix with ks_csvrow_next on one reader. */
int ks_csvrow_next_line(ks_csvrow *r, const char **line, size_t *len,
                        ks_error *err);

/* The 1-based line the current row (or line) starts on; the path given to
 * ks_csvrow_open. */
int ks_csvrow_line(const ks_csvrow *r);
const char *ks_csvrow_path(const ks_csvrow *r);

/* ---- field parsers: blanks around the value are ignored ---------------- */

/* 1 if s is empty or only blanks. */
int ks_csv_blank(const char *s);

/* A decimal integer ("-12", " 7 "): 0, KS_EPARSE if malformed, KS_ERANGE
 * if it does not fit in int64. */
int ks_csv_parse_i64(const char *s, int64_t *out);

/* A plain decimal number ("12", "-0.5", "3.25", no exponent, no suffix)
 * times 10^scale, exact (rounded up past 9 fraction digits as
 * sim/quantity.h does): 0, KS_EPARSE if malformed, KS_ERANGE if too big.
 * scale is 0..9. */
int ks_csv_parse_scaled(const char *s, int scale, int64_t *out);

/* A finite floating-point number as strtod reads it ("0.007956928",
 * "1e-3"): 0 or KS_EPARSE. */
int ks_csv_parse_double(const char *s, double *out);

/* The field's text for messages: at most 40 characters, with "..." when
 * cut (buf has room for 48). */
const char *ks_csv_quote(const char *s, char buf[48]);

#endif
