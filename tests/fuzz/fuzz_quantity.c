/* fuzz_quantity.c - libFuzzer harness for ks_quantity_parse.
 *
 * Besides "no crash, no sanitizer report", it checks properties any correct
 * parser has, and traps when one fails:
 *   - the result code is 0, KS_EPARSE or KS_ERANGE, and *out is untouched on
 *     error;
 *   - syntax does not depend on the scale (EPARSE at scale 0 iff at 3);
 *   - scale 3 agrees with scale 0: v3 in [1000 * v0 - 999, 1000 * v0], and an
 *     overflow at scale 0 is an overflow at scale 3;
 *   - the decimal rendering of a result parses back to the same value
 *     ("%lld" at scale 0, "%lldm" at scale 3);
 *   - negating the text negates the value up to rounding: ceil(-x) is
 *     -floor(x), so -v0 <= parse("-" + s) <= -v0 + 1.
 * Build: see tests/fuzz/README.md (`make fuzz`).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "property failed: %s (line %d)\n", #cond,         \
                    __LINE__);                                                 \
            __builtin_trap();                                                  \
        }                                                                      \
    } while (0)

static const int64_t untouched = INT64_C(0x5a5a5a5a5a5a5a5a);

/* Parses s at scale and checks the result code and the untouched rule. */
static int parse(const char *s, int scale, int64_t *v)
{
    *v = untouched;
    int rc = ks_quantity_parse(s, scale, v);
    CHECK(rc == 0 || rc == KS_EPARSE || rc == KS_ERANGE);
    if (rc != 0)
        CHECK(*v == untouched);
    return rc;
}

static void check_rendering(int64_t v0, int rc3, int64_t v3)
{
    char text[32];
    int64_t back;
    snprintf(text, sizeof text, "%lld", (long long)v0);
    CHECK(parse(text, 0, &back) == 0 && back == v0);
    if (rc3 == 0) {
        snprintf(text, sizeof text, "%lldm", (long long)v3);
        CHECK(parse(text, 3, &back) == 0 && back == v3);
    }
}

static void check_negation(const char *s, int64_t v0)
{
    if (s[0] == '-' || s[0] == '+')
        return;
    size_t n = strlen(s);
    char *neg = malloc(n + 2);
    if (!neg)
        return;
    neg[0] = '-';
    memcpy(neg + 1, s, n + 1);
    int64_t nv;
    /* |floor(x)| <= |ceil(x)| fits whenever v0 does */
    CHECK(parse(neg, 0, &nv) == 0);
    CHECK(nv >= -v0 && nv <= -v0 + 1);
    free(neg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    int64_t v0, v3, again;
    int rc0 = parse(s, 0, &v0);
    int rc3 = parse(s, 3, &v3);
    CHECK((rc0 == KS_EPARSE) == (rc3 == KS_EPARSE));
    CHECK(parse(s, 0, &again) == rc0 && (rc0 != 0 || again == v0));
    if (rc0 == KS_ERANGE)
        CHECK(rc3 == KS_ERANGE);
    if (rc0 == 0 && rc3 == 0) {
        __int128 k = (__int128)v0 * 1000;
        CHECK(v3 <= k && v3 >= k - 999);
    }
    if (rc0 == 0) {
        check_rendering(v0, rc3, v3);
        check_negation(s, v0);
    }
    free(s);
    return 0;
}
