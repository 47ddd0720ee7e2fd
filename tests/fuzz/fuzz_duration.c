/* fuzz_duration.c - libFuzzer harness for ks_duration_parse and
 * ks_duration_format.
 *
 * Properties checked (a failure traps):
 *   - the result code is 0, KS_EPARSE or KS_ERANGE, *out_ns untouched on
 *     error;
 *   - a parsed duration formats to text that parses back to the same
 *     nanoseconds, and the text fits Go's 32-byte buffer;
 *   - "+" s parses like s, and "-" s to the negation (when s is unsigned);
 *   - any int64 taken from the input's first 8 bytes round-trips through
 *     ks_duration_format and ks_duration_parse.
 * Build: see tests/fuzz/README.md (`make fuzz`).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/duration.h"
#include "sim/error.h"

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

static int parse(const char *s, int64_t *ns)
{
    *ns = untouched;
    int rc = ks_duration_parse(s, ns);
    CHECK(rc == 0 || rc == KS_EPARSE || rc == KS_ERANGE);
    if (rc != 0)
        CHECK(*ns == untouched);
    return rc;
}

static void check_round_trip(int64_t ns)
{
    char text[64];
    ks_duration_format(ns, text, sizeof text);
    CHECK(strlen(text) < 32);
    int64_t back;
    CHECK(parse(text, &back) == 0);
    CHECK(back == ns);
}

/* Parses prefix + s; used for the sign properties. */
static int parse_signed(char sign, const char *s, int64_t *ns)
{
    size_t n = strlen(s);
    char *t = malloc(n + 2);
    if (!t)
        return -1000;
    t[0] = sign;
    memcpy(t + 1, s, n + 1);
    int rc = parse(t, ns);
    free(t);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 8) {
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++)
            bits = bits << 8 | data[i];
        check_round_trip((int64_t)bits);
    }
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    int64_t ns, other;
    int rc = parse(s, &ns);
    if (rc == 0)
        check_round_trip(ns);
    if (s[0] != '+' && s[0] != '-') {
        int rc_plus = parse_signed('+', s, &other);
        CHECK(rc_plus == rc && (rc != 0 || other == ns));
        int rc_minus = parse_signed('-', s, &other);
        if (rc == 0)
            CHECK(rc_minus == 0 && other == -ns);
        else if (rc == KS_EPARSE)
            CHECK(rc_minus == KS_EPARSE);
    }
    free(s);
    return 0;
}
