/* error.h - ksim's one error convention.
 *
 * Every fallible function returns 0 (KS_OK) or a negative ks_err code and, when
 * the caller passes one, fills a ks_error with a message and the source
 * location (file, line, column) the error is about.  The codes, their names
 * and messages come from one X-macro table (libuv's UV_ERRNO_MAP pattern).
 *
 * Ownership: a ks_error is a plain value owned by the caller; it holds no heap
 * memory and needs no cleanup.  Out-of-memory is not an error value: it aborts
 * through ks_xmalloc (see xalloc.h).  Bad input never aborts.
 */
#ifndef KS_ERROR_H
#define KS_ERROR_H

#include <stdio.h>

/* X(NAME, value, message).  Codes of kind "input" mean the user gave a bad
 * file or argument (CLI exit status 2); the others are runtime failures
 * (exit status 1). */
#define KS_ERRNO_MAP(X)                                                        \
    X(OK, 0, "success")                                                        \
    X(EINVAL, -1, "invalid argument")                                          \
    X(EPARSE, -2, "syntax error")                                              \
    X(ERANGE, -3, "value out of range")                                        \
    X(ENOENT, -4, "not found")                                                 \
    X(EEXIST, -5, "already exists")                                            \
    X(EIO, -6, "input/output error")                                           \
    X(EHDF5, -7, "HDF5 error")                                                 \
    X(EEXTERNAL, -8, "external program failed")                                \
    X(ESTATE, -9, "invalid state")                                             \
    X(EUNAVAILABLE, -10, "service unavailable")                                \
    X(ECONFLICT, -11, "conflict")

typedef enum ks_err {
#define KS__ERR_ENUM(name, value, msg) KS_##name = (value),
    KS_ERRNO_MAP(KS__ERR_ENUM)
#undef KS__ERR_ENUM
} ks_err;

#define KS_ERROR_FILE_MAX 512
#define KS_ERROR_MSG_MAX 1024

/* An error with the place it is about.  line and col are 1-based; 0 means
 * "unknown" and is not printed.  file[0] == '\0' means no file. */
typedef struct ks_error {
    int code;
    int line;
    int col;
    char file[KS_ERROR_FILE_MAX];
    char msg[KS_ERROR_MSG_MAX];
} ks_error;

/* Resets err to "no error".  err may be NULL. */
void ks_error_clear(ks_error *err);

/* Fills err (which may be NULL) and returns code, so callers can write
 * `return ks_error_set(err, KS_EPARSE, path, line, col, "bad %s", x);`.
 * file may be NULL. */
int ks_error_set(ks_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Prints "FILE:LINE:COL: message" (the parts that are known) and a newline. */
void ks_error_print(const ks_error *err, FILE *out);

/* "syntax error", ... and "KS_EPARSE", ...; unknown codes give "unknown error". */
const char *ks_strerror(int code);
const char *ks_errname(int code);

/* True for codes caused by bad user input (CLI exit status 2). */
int ks_err_is_input(int code);

#endif
