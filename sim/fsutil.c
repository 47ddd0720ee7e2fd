/* fsutil.c - mkdir -p and reading whole files. */
#include "sim/fsutil.h"

#include <errno.h>
#include <stdio.h>
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

int ks_read_file(const char *path, const char *what, char **text,
                 size_t *len, ks_error *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ks_error_set(err, KS_ENOENT, path, 0, 0, "cannot open %s: %s",
                            what, strerror(errno));
    size_t n = 0, cap = 0;
    char *buf = NULL;
    for (;;) {
        buf = ks_xgrow(buf, &cap, n + 65536 + 1, 1);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f), saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return ks_error_set(err, KS_EIO, path, 0, 0, "cannot read %s: %s",
                            what, strerror(saved));
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

char *ks_path_relative_to(const char *base_file, const char *path)
{
    const char *slash = base_file ? strrchr(base_file, '/') : NULL;
    if (path[0] == '/' || !slash)
        return ks_xstrdup(path);
    return ks_xasprintf("%.*s/%s", (int)(slash - base_file), base_file, path);
}
