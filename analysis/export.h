/* export.h - `ksim export`: a run dataset as CSV files, for people without
 * HDF5 tools (docs/export.md).
 *
 * The export is generic over the file: it walks every group from the root
 * and writes each dataset it can represent as one CSV file, so datasets that
 * later layouts add are exported without touching this module.  Into dir:
 *
 *   <path>.csv    one per dataset, at the dataset's path below the root
 *                 (/pods -> pods.csv, /a/b -> a_b.csv); a header row of
 *                 column names, then one row per element of the first
 *                 dimension.  Compound members are columns; nested members
 *                 are `outer.inner`, array members `name[i]`; a dataset of
 *                 a plain type has one column `value` (1-D) or columns
 *                 `value[j]` (2-D, one row per first index).
 *   meta.csv      key,value: every attribute of /meta (arrays as `key[i]`)
 *   units.csv     dataset,field,unit: from each dataset's `units` attribute
 *   datasets.csv  dataset,file,rows,description: what was exported where
 *
 * Numbers round-trip exactly: integers in decimal, doubles with the fewest
 * of 15, 16 or 17 significant digits that read back to the same bits
 * (32-bit floats: 6 to 9), NaN as an empty field, infinities as inf/-inf.
 * Text fields are quoted per RFC 4180 when they hold a comma, a double
 * quote, CR or LF; lines end with LF.
 *
 * Each CSV is written under a temporary name in its folder and renamed when
 * complete.  Nothing is written if any target file exists and force is 0.
 * Tables are read in slices of at most 65536 rows (and a few MiB), so memory
 * does not grow with the table.
 *
 * Ownership: a ks_export_summary filled by ks_export_csv owns its strings;
 * release them with ks_export_summary_clear.
 */
#ifndef KS_EXPORT_H
#define KS_EXPORT_H

#include <stddef.h>

#include "sim/error.h"

/* What an export did. */
typedef struct ks_export_summary {
    char **files;     /* files written, relative to dir, in writing order */
    size_t nfiles;
    char **skipped;   /* "/path: reason" for datasets that were not exported
                         (a type CSV cannot hold, e.g. opaque or references) */
    size_t nskipped;
} ks_export_summary;

/* Exports the HDF5 file h5path into the folder dir (created if missing).
 * If a target file exists and force is 0, fails with KS_EEXIST naming it
 * and writes nothing.  A missing input is KS_ENOENT; an input that is not a
 * readable HDF5 file is KS_EINVAL (both "bad input"); a dataset that cannot
 * be read is KS_EHDF5; a file that cannot be written is KS_EIO.  summary
 * may be NULL; when given it is filled on success and left empty on
 * failure.  Returns 0 or a negative ks_err. */
int ks_export_csv(const char *h5path, const char *dir, int force,
                  ks_export_summary *summary, ks_error *err);

/* Frees the summary's strings and zeroes it; accepts NULL. */
void ks_export_summary_clear(ks_export_summary *s);

#endif
