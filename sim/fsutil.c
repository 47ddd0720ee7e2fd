/* fsutil.c - mkdir -p. */
#include "sim/fsutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/xalloc.h"

static int make_one(const char *p, ks_error *err)
{
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return ks_error_set(err, KS_EIO, p, 0, 0, "cannot create folder: %s",
                            strerror(errno));
    return 0;
}

int ks_mkdir_p(const char *dir, ks_error *err)
{
    char *p = ks_xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; !rc && *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        rc = make_one(p, err);
        *s = '/';
    }
    if (!rc)
        rc = make_one(p, err);
    /* mkdir's EEXIST also covers a regular file of that name. */
    struct stat st;
    if (!rc && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = ks_error_set(err, KS_EIO, p, 0, 0,
                          "cannot use folder: it is not a folder");
    free(p);
    return rc;
}
