/* error.c - ks_error values: set, print, and the code tables. */
#include "sim/error.h"

#include <stdarg.h>
#include <string.h>

void ks_error_clear(ks_error *err)
{
    if (!err)
        return;
    err->code = KS_OK;
    err->line = 0;
    err->col = 0;
    err->file[0] = '\0';
    err->msg[0] = '\0';
}

int ks_error_set(ks_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->col = col;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void ks_error_print(const ks_error *err, FILE *out)
{
    if (err->file[0]) {
        fputs(err->file, out);
        if (err->line > 0) {
            fprintf(out, ":%d", err->line);
            if (err->col > 0)
                fprintf(out, ":%d", err->col);
        }
        fputs(": ", out);
    }
    fputs(err->msg[0] ? err->msg : ks_strerror(err->code), out);
    fputc('\n', out);
}

const char *ks_strerror(int code)
{
    switch (code) {
#define KS__ERR_MSG(name, value, msg)                                          \
    case value:                                                                \
        return msg;
        KS_ERRNO_MAP(KS__ERR_MSG)
#undef KS__ERR_MSG
    }
    return "unknown error";
}

const char *ks_errname(int code)
{
    switch (code) {
#define KS__ERR_NAME(name, value, msg)                                         \
    case value:                                                                \
        return "KS_" #name;
        KS_ERRNO_MAP(KS__ERR_NAME)
#undef KS__ERR_NAME
    }
    return "unknown error";
}

int ks_err_is_input(int code)
{
    return code == KS_EINVAL || code == KS_EPARSE || code == KS_ERANGE ||
           code == KS_ENOENT || code == KS_EEXIST;
}
