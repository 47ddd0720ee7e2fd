/* test_progress.c - the progress line: drawn on a terminal (forced here),
 * silent otherwise, and its duration format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/progress.h"
#include "tests/test_util.h"

static char *drawn(int force, int sweep)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ks_progress *p = ks_progress_create(f, force);
    if (sweep)
        ks_progress_sweep(p, 3, 3, 1); /* the last run: drawn at once */
    else
        ks_progress_run(p, 30 * KS_MINUTE, 2 * KS_HOUR, 1000);
    ks_progress_destroy(p);
    fclose(f);
    return buf;
}

static void test_silent_unless_terminal(void)
{
    /* A memory stream is no terminal. */
    char *out = drawn(0, 0);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    out = drawn(0, 1);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
}

static void test_sweep_line(void)
{
    char *out = drawn(1, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "runs 3/3 done, 1 failed, ETA 0s"));
    /* Erased at the end: the terminal is left clean. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\033[K"));
    free(out);
}

static void test_format_seconds(void)
{
    char b[32];
    ks_progress_format_seconds(12.4, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "12s");
    ks_progress_format_seconds(185, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "3m05s");
    ks_progress_format_seconds(3720, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "1h02m");
    ks_progress_format_seconds(-1, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "?");
}

void ks_suite_progress(void)
{
    static const ks_test_case cases[] = {
        {"silent unless stderr is a terminal", test_silent_unless_terminal},
        {"sweep line", test_sweep_line},
        {"durations", test_format_seconds},
        {NULL, NULL}};
    ks_test_add_suite("cli/progress", cases);
}
