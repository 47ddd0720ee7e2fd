/* test_util.c - path, file and process helpers for the test suites. */
#include "tests/test_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path_buf[8192];

const char *ks_test_src(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", KS_TEST_SRCDIR, rel);
    return path_buf;
}

const char *ks_test_tmp(const char *rel)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/tests/tmp", KS_TEST_BUILDDIR);
    mkdir(dir, 0777);
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, rel);
    return path_buf;
}

const char *ks_test_ksim(void)
{
    snprintf(path_buf, sizeof path_buf, "%s/ksim", KS_TEST_BUILDDIR);
    return path_buf;
}

int ks_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

char *ks_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int ks_test_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int ks_test_same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = ks_test_read_file(a, &na);
    char *y = ks_test_read_file(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

int ks_test_run(const char *cmd, char **out, char **err)
{
    char outp[8192], errp[8192], full[24576];
    snprintf(outp, sizeof outp, "%s", ks_test_tmp("cmd.stdout"));
    snprintf(errp, sizeof errp, "%s", ks_test_tmp("cmd.stderr"));
    snprintf(full, sizeof full, "%s >'%s' 2>'%s' </dev/null", cmd, outp, errp);
    int st = system(full);
    if (out)
        *out = ks_test_read_file(outp, NULL);
    if (err)
        *err = ks_test_read_file(errp, NULL);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

void ks_test_add_suite(const char *name, const ks_test_case *cases)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (!s) {
        fprintf(stderr, "cannot add suite %s\n", name);
        exit(1);
    }
    for (; cases->name; cases++)
        CU_add_test(s, cases->name, cases->fn);
}
