/* quantity.c - exact parsing of Kubernetes resource.Quantity strings.
 *
 * A quantity is sign * digits * 10^e10 * 2^e2: the digits of the number, a
 * decimal exponent (from the fraction, a decimal SI suffix or an "e<n>"
 * exponent, plus the caller's scale) and a binary exponent (Ki .. Ei).  We
 * keep the digits as a decimal string, multiply them by 2^e2 in place (a
 * 2^60 multiplier times one digit still fits in 64 bits), and only then look
 * at where the decimal point falls.  So no step ever rounds or overflows, and
 * long inputs ("0.000000000000000000001", 40-digit numbers) stay exact.
 *
 * Deliberate differences from upstream's lenient scanner: a number must have
 * at least one digit ("", "-", ".", "Ki" and "e3" are errors, where upstream
 * reads some of them as 0), binary quantities above 2^63-1 are KS_ERANGE
 * instead of being capped silently, exponents are exact (upstream truncates
 * them to int32), and a negative fraction rounds by the header's rule,
 * ceil(value * 10^scale) ("-1.5" -> -1), where upstream's Value() rounds
 * away from zero (-2).  Requests and capacities are never negative, so only
 * the contract's consistency is at stake there.
 */
#include "sim/quantity.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/xalloc.h"

/* Exponents beyond this are clamped: any non-zero quantity with |e10| this
 * large is far out of int64 range or rounds to one unit, so clamping keeps
 * the arithmetic on exponents free of overflow without changing results. */
#define EXP_LIMIT INT64_C(1000000000000000)

/* The text of a quantity split into its parts (pointers into the input). */
typedef struct qparts {
    int negative;
    const char *int_digits;
    size_t n_int;
    const char *frac_digits;
    size_t n_frac;
    int64_t e10; /* decimal exponent of the suffix */
    int e2;      /* binary exponent of the suffix: 0, 10, ..., 60 */
} qparts;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t span_digits(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

/* Parses "e<signed integer>" / "E<signed integer>" (s points after the e).
 * Saturates at EXP_LIMIT so huge exponents cannot overflow. */
static int parse_exponent(const char *s, int64_t *e10)
{
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    size_t n = span_digits(s);
    if (n == 0 || s[n] != '\0')
        return KS_EPARSE;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > EXP_LIMIT)
            v = EXP_LIMIT;
    }
    *e10 = neg ? -v : v;
    return 0;
}

static const struct {
    const char *name;
    int e10;
    int e2;
} suffixes[] = {
    {"", 0, 0},    {"n", -9, 0},  {"u", -6, 0},  {"m", -3, 0},
    {"k", 3, 0},   {"M", 6, 0},   {"G", 9, 0},   {"T", 12, 0},
    {"P", 15, 0},  {"E", 18, 0},  {"Ki", 0, 10}, {"Mi", 0, 20},
    {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
};

/* The suffix is the whole rest of the string: an SI suffix or an exponent.
 * A lone "E" is exa (the table), "E3" an exponent, as upstream reads them. */
static int parse_suffix(const char *s, qparts *q)
{
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strcmp(s, suffixes[i].name) == 0) {
            q->e10 = suffixes[i].e10;
            q->e2 = suffixes[i].e2;
            return 0;
        }
    }
    if ((s[0] == 'e' || s[0] == 'E') && s[1] != '\0') {
        q->e2 = 0;
        return parse_exponent(s + 1, &q->e10);
    }
    return KS_EPARSE;
}

/* Splits s into sign, integer digits, fraction digits and suffix. */
static int split_quantity(const char *s, qparts *q)
{
    q->negative = 0;
    if (*s == '+' || *s == '-')
        q->negative = *s++ == '-';
    q->int_digits = s;
    q->n_int = span_digits(s);
    s += q->n_int;
    q->frac_digits = s;
    q->n_frac = 0;
    if (*s == '.') {
        q->frac_digits = ++s;
        q->n_frac = span_digits(s);
        s += q->n_frac;
    }
    if (q->n_int + q->n_frac == 0)
        return KS_EPARSE;
    return parse_suffix(s, q);
}

/* A decimal natural number as digit values, most significant first, in
 * buf[start .. start + n). */
typedef struct digits {
    unsigned char *buf;
    size_t start;
    size_t n;
} digits;

/* Room in front of the digits for the carry of times_pow2 (2^60 has 19
 * decimal digits). */
#define CARRY_ROOM 20

/* Collects the significant digits of int.frac: leading zeros dropped, and
 * trailing zeros dropped with *tz counting them (they move into the
 * exponent).  An all-zero number gives n == 0.  The caller frees g.buf. */
static digits significant_digits(const qparts *q, size_t *tz)
{
    size_t total = q->n_int + q->n_frac;
    digits g = {ks_xmalloc(total + CARRY_ROOM), CARRY_ROOM, 0};
    for (size_t i = 0; i < total; i++) {
        char c = i < q->n_int ? q->int_digits[i] : q->frac_digits[i - q->n_int];
        if (g.n == 0 && c == '0')
            continue;
        g.buf[g.start + g.n++] = (unsigned char)(c - '0');
    }
    *tz = 0;
    while (g.n > 0 && g.buf[g.start + g.n - 1] == 0) {
        g.n--;
        (*tz)++;
    }
    return g;
}

/* Multiplies g by 2^e2 (e2 <= 60).  Each step computes digit * 2^e2 + carry
 * with carry < 2^e2, which is below 10 * 2^60 < 2^64. */
static void times_pow2(digits *g, int e2)
{
    if (e2 == 0)
        return;
    uint64_t m = UINT64_C(1) << e2, carry = 0;
    unsigned char *d = g->buf + g->start;
    for (size_t i = g->n; i-- > 0;) {
        uint64_t t = d[i] * m + carry;
        d[i] = (unsigned char)(t % 10);
        carry = t / 10;
    }
    while (carry > 0) {
        g->buf[--g->start] = (unsigned char)(carry % 10);
        carry /= 10;
        g->n++;
    }
}

/* Rounds d * 10^e (d has n digits, the first non-zero) to an integer the
 * way the header says, ceil: up for positive values, towards zero for
 * negative ones; and checks the result fits in int64. */
static int round_to_int64(const unsigned char *d, size_t n, int64_t e,
                          int negative, int64_t *out)
{
    /* The value has n + e digits before the decimal point; 20 or more means
     * at least 10^19, beyond both int64 bounds. */
    int64_t n_whole = (int64_t)n + e;
    if (n_whole > 19)
        return KS_ERANGE;
    uint64_t whole = 0; /* below 10^19, so it fits */
    int fraction = 0;
    for (int64_t i = 0; i < n_whole; i++)
        whole = whole * 10 + ((size_t)i < n ? d[i] : 0);
    for (size_t i = n_whole > 0 ? (size_t)n_whole : 0; i < n; i++)
        fraction |= d[i] != 0;

    const uint64_t int64_max = (uint64_t)INT64_MAX;
    if (!negative) {
        whole += (uint64_t)fraction;
        if (whole > int64_max)
            return KS_ERANGE;
        *out = (int64_t)whole;
        return 0;
    }
    if (whole > int64_max + 1)
        return KS_ERANGE;
    /* -(2^63) is representable, but not as the negation of an int64. */
    *out = whole == int64_max + 1 ? INT64_MIN : -(int64_t)whole;
    return 0;
}

static int64_t clamp_exp(int64_t e)
{
    return e > EXP_LIMIT ? EXP_LIMIT : e < -EXP_LIMIT ? -EXP_LIMIT : e;
}

int ks_quantity_parse(const char *s, int scale, int64_t *out)
{
    if (!s || !out || scale < 0 || scale > 9)
        return KS_EINVAL;
    qparts q;
    int rc = split_quantity(s, &q);
    if (rc < 0)
        return rc;
    size_t tz;
    digits g = significant_digits(&q, &tz);
    if (g.n == 0) {
        free(g.buf);
        *out = 0;
        return 0;
    }
    /* Clamp the lengths too: they only matter while the exponent is small. */
    int64_t n_frac = q.n_frac > (size_t)EXP_LIMIT ? EXP_LIMIT : (int64_t)q.n_frac;
    int64_t n_tz = tz > (size_t)EXP_LIMIT ? EXP_LIMIT : (int64_t)tz;
    int64_t e = clamp_exp(q.e10 + scale - n_frac + n_tz);
    times_pow2(&g, q.e2);
    rc = round_to_int64(g.buf + g.start, g.n, e, q.negative, out);
    free(g.buf);
    return rc;
}
