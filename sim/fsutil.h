/* fsutil.h - small file-system helpers shared by the writers. */
#ifndef KS_FSUTIL_H
#define KS_FSUTIL_H

#include "sim/error.h"

/* mkdir -p: creates dir and its missing parents (users write
 * `-o results/run.h5` on a fresh checkout).  Succeeds if dir already is a
 * folder; fails with KS_EIO (err names the folder) if a component cannot be
 * created or is not a folder. */
int ks_mkdir_p(const char *dir, ks_error *err);

#endif
