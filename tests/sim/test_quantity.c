/* test_quantity.c - ks_quantity_parse against hand-computed values.
 *
 * Every expected value below was worked out by hand from the quantity's
 * definition (digits * suffix * 10^scale, rounded up), not by running the
 * parser, so a regression in the arithmetic shows up as a failure. */
#include <stdint.h>
#include <stdio.h>

#include "sim/error.h"
#include "sim/quantity.h"
#include "tests/suites.h"
#include "tests/test_util.h"

typedef struct qcase {
    const char *text;
    int scale;
    int rc;
    int64_t want; /* when rc == 0 */
} qcase;

/* Runs a table, printing the failing entry so a failure names its input. */
static void check_table(const qcase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const int64_t sentinel = INT64_C(-424242);
        int64_t got = sentinel;
        int rc = ks_quantity_parse(cases[i].text, cases[i].scale, &got);
        int ok = rc == cases[i].rc &&
                 (rc == 0 ? got == cases[i].want : got == sentinel);
        if (!ok)
            fprintf(stderr, "\n  quantity \"%s\" @%d: rc %d value %lld, want rc %d value %lld\n",
                    cases[i].text, cases[i].scale, rc, (long long)got,
                    cases[i].rc, (long long)cases[i].want);
        CU_ASSERT(ok);
    }
}

#define CHECK_TABLE(t) check_table(t, sizeof t / sizeof t[0])

static void test_brief_table(void)
{
    static const qcase t[] = {
        {"500m", 3, 0, 500},
        {"1.5", 3, 0, 1500},
        {"2Gi", 0, 0, INT64_C(2147483648)},
        {"1e3", 0, 0, 1000},
        {"100M", 0, 0, 100000000},
        {"0.1m", 3, 0, 1}, /* 0.1 millicore rounds up to 1 */
        {"1.5", 0, 0, 2},
        {"128974848", 0, 0, 128974848},
        {"129e6", 0, 0, 129000000},
        {"123Mi", 0, 0, 128974848}, /* 123 * 1048576 */
        {"1Ki", 0, 0, 1024},
        {"8Ei", 0, KS_ERANGE, 0}, /* 2^63 */
        {"9223372036854775807", 0, 0, INT64_MAX},
        {"9223372036854775808", 0, KS_ERANGE, 0},
        {"-1", 0, 0, -1},
        {"-1.5", 0, 0, -1}, /* ceil towards +inf */
    };
    CHECK_TABLE(t);
}

static void test_decimal_suffixes(void)
{
    static const qcase t[] = {
        {"1n", 9, 0, 1},
        {"1n", 3, 0, 1},
        {"1n", 0, 0, 1},
        {"1u", 9, 0, 1000},
        {"123u", 3, 0, 1}, /* 0.123m */
        {"12345n", 3, 0, 1},  /* 0.012345m */
        {"12345n", 6, 0, 13}, /* 12.345u */
        {"12345678n", 3, 0, 13}, /* 12.345678m */
        {"1m", 0, 0, 1},
        {"999m", 0, 0, 1},
        {"1000m", 0, 0, 1},
        {"1001m", 0, 0, 2},
        {"2k", 0, 0, 2000},
        {"3M", 3, 0, INT64_C(3000000000)},
        {"4G", 0, 0, INT64_C(4000000000)},
        {"5T", 0, 0, INT64_C(5000000000000)},
        {"6P", 0, 0, INT64_C(6000000000000000)},
        {"1E", 0, 0, INT64_C(1000000000000000000)},
        {"9E", 0, 0, INT64_C(9000000000000000000)},
        {"10E", 0, KS_ERANGE, 0},
        {"9.223372036854775807E", 0, 0, INT64_MAX},
        {"9.223372036854775808E", 0, KS_ERANGE, 0},
        {"1.G", 0, 0, 1000000000}, /* upstream accepts "1." */
        {".5", 3, 0, 500},
        {"1.", 0, 0, 1},
        {"+5", 0, 0, 5},
        {"16", 3, 0, 16000},
        {"0.25", 9, 0, 250000000},
    };
    CHECK_TABLE(t);
}

static void test_binary_suffixes(void)
{
    static const qcase t[] = {
        {"1Mi", 0, 0, 1048576},
        {"1Mi", 3, 0, INT64_C(1048576000)},
        {"64Gi", 0, 0, INT64_C(68719476736)},
        {"1Ti", 0, 0, INT64_C(1099511627776)},
        {"1Pi", 0, 0, INT64_C(1125899906842624)},
        {"1Ei", 0, 0, INT64_C(1152921504606846976)},
        {"7Ei", 0, 0, INT64_C(8070450532247928832)},
        {"7.5Ei", 0, 0, INT64_C(8646911284551352320)},
        {"-8Ei", 0, 0, INT64_MIN}, /* -2^63 fits */
        {"-8.000000000000000001Ei", 0, KS_ERANGE, 0},
        {"1.5Gi", 0, 0, INT64_C(1610612736)},
        {"0.5Ki", 0, 0, 512},
        {"1.1Ki", 0, 0, 1127}, /* 1126.4 rounds up */
        {"0.001Ki", 0, 0, 2}, /* 1.024 */
        {"1Gi", 9, 0, INT64_C(1073741824000000000)},
        {"9Gi", 9, KS_ERANGE, 0},
        {"0Gi", 0, 0, 0},
    };
    CHECK_TABLE(t);
}

static void test_exponents(void)
{
    static const qcase t[] = {
        {"1E3", 0, 0, 1000},
        {"1E-3", 3, 0, 1},
        {"1e-3", 0, 0, 1},
        {"5e+2", 0, 0, 500},
        {"1.5e3", 0, 0, 1500},
        {"1e-1", 0, 0, 1},
        {"-1e-1", 0, 0, 0},
        {"1e0", 0, 0, 1},
        {"1e-0", 0, 0, 1},
        {"1e0003", 0, 0, 1000},
        {"1e18", 0, 0, INT64_C(1000000000000000000)},
        {"1e19", 0, KS_ERANGE, 0},
        {"1e15", 3, 0, INT64_C(1000000000000000000)},
        {"1e16", 3, KS_ERANGE, 0},
        {"1e999999999999999999999", 0, KS_ERANGE, 0},
        {"1e-999999999999999999999", 0, 0, 1},
        {"0e999999999999999999999", 0, 0, 0},
        {"-1e-999999999999999999999", 0, 0, 0},
    };
    CHECK_TABLE(t);
}

static void test_zero(void)
{
    static const qcase t[] = {
        {"0", 0, 0, 0},    {"0.0", 3, 0, 0},  {"0Gi", 3, 0, 0},
        {"-0", 0, 0, 0},   {"+0", 0, 0, 0},   {"000", 0, 0, 0},
        {".0", 0, 0, 0},   {"0.", 0, 0, 0},   {"0m", 3, 0, 0},
        {"-0.0Ei", 0, 0, 0},
    };
    CHECK_TABLE(t);
}

/* Long digit strings must be normalized, not accumulated into an int64. */
static void test_long_digit_strings(void)
{
    static const qcase t[] = {
        {"0.000000000000000000001", 0, 0, 1},
        {"0.000000000000000000001", 9, 0, 1},
        {"-0.000000000000000000001", 0, 0, 0},
        {"00000000000000000000000000000000000001", 0, 0, 1},
        {"1000000000000000000000000000000000000000e-39", 0, 0, 1},
        {"1000000000000000000000000000000000000000e-36", 0, 0, 1000},
        {"1234567890123456789012345678901234567890e-30", 0, 0,
         INT64_C(1234567891)},
        {"1.000000000000000000000000000000001", 0, 0, 2},
        {"1.000000000000000000000000000000000", 0, 0, 1},
        {"9223372036854775807.000000000000000000000", 0, 0, INT64_MAX},
        {"9223372036854775806.000000000000000000001", 0, 0, INT64_MAX},
        {"9223372036854775807.000000000000000000001", 0, KS_ERANGE, 0},
        {"-9223372036854775808.9", 0, 0, INT64_MIN},
        {"-9223372036854775809", 0, KS_ERANGE, 0},
        {"123456789012345678901234567890", 0, KS_ERANGE, 0},
        {"0.0000000000000000000000000000001Ei", 0, 0, 1},
        {"0.000000000000000000000000000000000000000000000001Ki", 9, 0, 1},
    };
    CHECK_TABLE(t);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "", "-", "+", ".", "-.", "+.", "1K", "1KB", "1mi", "1ki", "1i",
        "1Kii", "1.2.3", "1e", "e3", "E3", "0x10", " 1", "1 ", "1Ki ", "Ki",
        "m", "1e+", "1e-", "1e3.5", "1ee3", "1Ee3", "1e3k", "--1", "+-1",
        "1,5", "1e 3", "1\n", "1 m", "1E+", "1.5.", "1Mi3", "1mm", "1b",
        "infinity", "NaN", "1\xC2\xB5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int scale = 0; scale <= 3; scale += 3) {
            int64_t got = 77;
            int rc = ks_quantity_parse(bad[i], scale, &got);
            if (rc != KS_EPARSE || got != 77)
                fprintf(stderr, "\n  quantity \"%s\" @%d: rc %d, want KS_EPARSE\n",
                        bad[i], scale, rc);
            CU_ASSERT_EQUAL(rc, KS_EPARSE);
            CU_ASSERT_EQUAL(got, 77);
        }
    }
}

static void test_bad_arguments(void)
{
    int64_t got = 5;
    CU_ASSERT_EQUAL(ks_quantity_parse(NULL, 0, &got), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_quantity_parse("1", 0, NULL), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_quantity_parse("1", -1, &got), KS_EINVAL);
    CU_ASSERT_EQUAL(ks_quantity_parse("1", 10, &got), KS_EINVAL);
    CU_ASSERT_EQUAL(got, 5);
    CU_ASSERT_EQUAL(ks_quantity_parse("1", 9, &got), 0);
    CU_ASSERT_EQUAL(got, 1000000000);
}

/* Scale 3 is scale 0 times 1000 before rounding, so the two results can
 * differ by rounding only: v3 in [1000 * v0 - 999, 1000 * v0]. */
static void test_scales_agree(void)
{
    static const char *const texts[] = {
        "1", "1.5", "0.1m", "123u", "1.1Ki", "-1.5", "-0.0001", "7.0005",
        "2Gi", "1e-2", "999m", "1001m",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int64_t v0, v3;
        CU_ASSERT_EQUAL_FATAL(ks_quantity_parse(texts[i], 0, &v0), 0);
        CU_ASSERT_EQUAL_FATAL(ks_quantity_parse(texts[i], 3, &v3), 0);
        CU_ASSERT(v3 <= 1000 * v0);
        CU_ASSERT(v3 >= 1000 * v0 - 999);
    }
}

void ks_suite_quantity(void)
{
    static const ks_test_case cases[] = {
        {"brief_table", test_brief_table},
        {"decimal_suffixes", test_decimal_suffixes},
        {"binary_suffixes", test_binary_suffixes},
        {"exponents", test_exponents},
        {"zero", test_zero},
        {"long_digit_strings", test_long_digit_strings},
        {"malformed", test_malformed},
        {"bad_arguments", test_bad_arguments},
        {"scales_agree", test_scales_agree},
        {NULL, NULL},
    };
    ks_test_add_suite("quantity", cases);
}
