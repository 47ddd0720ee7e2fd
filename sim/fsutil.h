/* fsutil.h - small file-system helpers shared by the writers. */
#ifndef KS_FSUTIL_H
#define KS_FSUTIL_H

#include <stddef.h>

#include "sim/error.h"

/* mkdir -p: creates dir and its missing parents (users write
 * `-o results/run.h5` on a fresh checkout).  Succeeds if dir already is a
 * folder; fails with KS_EIO (err names the folder) if a component cannot be
 * created or is not a folder. */
int ks_mkdir_p(const char *dir, ks_error *err);

/* Reads the whole file at path into a new NUL-terminated buffer (*text,
 * free with free(); *len excludes the NUL).  what names the file's role in
 * messages ("scenario", "manifests"): "cannot open scenario: ..." with
 * KS_ENOENT when it cannot be opened, KS_EIO when reading fails. */
int ks_read_file(const char *path, const char *what, char **text,
                 size_t *len, ks_error *err);

/* path as a file named in base_file sees it: unchanged when absolute or
 * when base_file has no folder, else joined to base_file's folder (as
 * kubectl -f and compilers resolve includes).  Free with free(). */
char *ks_path_relative_to(const char *base_file, const char *path);

#endif
