/* test_util.h - helpers shared by the test suites.
 *
 * Paths: ks_test_src("scenarios/examples/quickstart.yaml") is a file of the
 * source tree (read-only under `make distcheck`); ks_test_tmp("x.h5") is a
 * path in a per-run scratch folder under the build tree (tests/tmp), created
 * on first use.  Both return a static buffer that the next call overwrites:
 * copy it if you need two at once.
 */
#ifndef KS_TEST_UTIL_H
#define KS_TEST_UTIL_H

#include <stddef.h>

#include <CUnit/CUnit.h>

#include "tests/suites.h"

const char *ks_test_src(const char *rel);
const char *ks_test_tmp(const char *rel);
/* The built ksim binary. */
const char *ks_test_ksim(void);

/* Writes text to path; returns 0 on success. */
int ks_test_write_file(const char *path, const char *text);
/* Reads a whole file (malloc'd, NUL-terminated); NULL on error. */
char *ks_test_read_file(const char *path, size_t *len);
int ks_test_file_exists(const char *path);
/* 1 if both files can be read and have the same bytes. */
int ks_test_same_bytes(const char *a, const char *b);
/* Runs a shell command, capturing stdout and stderr (each may be NULL) as
 * malloc'd strings; returns the exit status (or -1). */
int ks_test_run(const char *cmd, char **out, char **err);

/* Adds a suite called name with the given tests ({NULL, NULL} ends the
 * list). */
typedef struct ks_test_case {
    const char *name;
    void (*fn)(void);
} ks_test_case;
void ks_test_add_suite(const char *name, const ks_test_case *cases);

#endif
