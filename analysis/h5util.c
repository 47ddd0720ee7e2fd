/* h5util.c - small HDF5 helpers shared by output.c and export.c. */
#include "analysis/h5util.h"

#include <stdarg.h>
#include <stdio.h>

#define WHY_MAX 256

void ks_h5_quiet(ks_h5quiet *q)
{
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void ks_h5_unquiet(const ks_h5quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

/* H5Ewalk2 callback: keeps the innermost error's description, which names
 * the real cause. */
static herr_t innermost_error(unsigned n, const H5E_error2_t *e, void *data)
{
    char *buf = data;
    if (n == 0 && e->desc)
        snprintf(buf, WHY_MAX, "%s", e->desc);
    return 0;
}

int ks_h5_fail(ks_error *err, const char *path, int code, const char *fmt,
               ...)
{
    char what[512], why[WHY_MAX] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_error, why);
    if (why[0])
        return ks_error_set(err, code, path, 0, 0, "%s (HDF5: %s)", what,
                            why);
    return ks_error_set(err, code, path, 0, 0, "%s", what);
}

void ks_h5_close(hid_t id)
{
    if (id < 0)
        return;
    switch (H5Iget_type(id)) {
    case H5I_FILE:
        H5Fclose(id);
        break;
    case H5I_GROUP:
        H5Gclose(id);
        break;
    case H5I_DATATYPE:
        H5Tclose(id);
        break;
    case H5I_DATASPACE:
        H5Sclose(id);
        break;
    case H5I_DATASET:
        H5Dclose(id);
        break;
    case H5I_ATTR:
        H5Aclose(id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(id);
        break;
    default:
        break;
    }
}
