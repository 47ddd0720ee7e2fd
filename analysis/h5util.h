/* h5util.h - small HDF5 helpers shared by the dataset writer/reader
 * (output.c) and the CSV export (export.c).
 *
 * HDF5 prints its error stack to stderr by default; ksim reports one
 * message of its own instead, so printing is switched off (ks_h5_quiet)
 * while ksim is inside HDF5, and ks_h5_fail turns the innermost error of
 * the stack ("truncated file", "no space left", ...) into a ks_error.
 */
#ifndef KS_H5UTIL_H
#define KS_H5UTIL_H

#include <hdf5.h>

#include "sim/error.h"

typedef struct ks_h5quiet {
    H5E_auto2_t func;
    void *data;
} ks_h5quiet;

/* Switches HDF5's error printing off, remembering the handler in q. */
void ks_h5_quiet(ks_h5quiet *q);
/* Restores the handler ks_h5_quiet saved. */
void ks_h5_unquiet(const ks_h5quiet *q);

/* Fills err with code, "path: <message> (HDF5: <innermost reason>)" and
 * returns code.  Call right after the failing HDF5 call, before the next
 * call clears the stack. */
int ks_h5_fail(ks_error *err, const char *path, int code, const char *fmt,
               ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Closes any HDF5 identifier; negative (never opened) is a no-op, so every
 * function can have one cleanup path. */
void ks_h5_close(hid_t id);

#endif
