/* duration.c - Go-style duration strings: time.ParseDuration and
 * Duration.String() re-implemented from their documented behaviour.
 *
 * Parsing works on unsigned 64-bit nanoseconds with Go's limits (a total up
 * to 2^63 is allowed so that "-9223372036854775808ns" parses).  Where Go
 * uses float64 for the fraction of a component, we compute the truncated
 * nanoseconds exactly with integers, so "0.1h" or a fraction with 30 digits
 * gives the mathematically truncated result on every machine.
 *
 * A malformed string is KS_EPARSE even when its numbers are also too large;
 * KS_ERANGE is only for well-formed strings whose total overflows.
 */
#include "sim/duration.h"

#include <stdio.h>
#include <string.h>

#include "sim/error.h"

#define NS_LIMIT (UINT64_C(1) << 63) /* |duration| may reach 2^63 while summing */

static const struct {
    const char *name;
    uint64_t ns;
} units[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000}, /* U+00B5 MICRO SIGN */
    {"\xCE\xBCs", 1000}, /* U+03BC GREEK SMALL LETTER MU */
    {"ms", 1000000},
    {"s", UINT64_C(1000000000)},
    {"m", UINT64_C(60000000000)},
    {"h", UINT64_C(3600000000000)},
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Looks up the unit spelled by s[0..len); 0 if unknown. */
static uint64_t unit_ns(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && memcmp(units[i].name, s, len) == 0)
            return units[i].ns;
    return 0;
}

/* Integer digits times unit, saturating just above NS_LIMIT: every result
 * above NS_LIMIT is an overflow whatever follows. */
static uint64_t whole_ns(const char *d, size_t n, uint64_t unit)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (v > NS_LIMIT / 10) /* v * 10 alone passes the limit */
            return NS_LIMIT + 1;
        v = v * 10 + (uint64_t)(d[i] - '0');
        if (v > NS_LIMIT)
            return NS_LIMIT + 1;
    }
    if (v > NS_LIMIT / unit)
        return NS_LIMIT + 1;
    return v * unit;
}

/* floor(0.d1 d2 ... dn * unit), exactly.  Going from the last digit to the
 * first, c = floor((d_i * unit + c) / 10) keeps the floor of the partial
 * value (nested floors of divisions by integers compose), and c < unit. */
static uint64_t fraction_ns(const char *d, size_t n, uint64_t unit)
{
    uint64_t c = 0;
    for (size_t i = n; i-- > 0;)
        c = ((uint64_t)(d[i] - '0') * unit + c) / 10;
    return c;
}

/* Parses one <number><unit> component at *s, advancing *s.  Adds its
 * nanoseconds to *total, setting *overflow (but still checking syntax) when
 * the total passes NS_LIMIT. */
static int parse_component(const char **s, uint64_t *total, int *overflow)
{
    const char *p = *s;
    const char *int_d = p;
    while (is_digit(*p))
        p++;
    size_t n_int = (size_t)(p - int_d);
    const char *frac_d = p;
    size_t n_frac = 0;
    if (*p == '.') {
        frac_d = ++p;
        while (is_digit(*p))
            p++;
        n_frac = (size_t)(p - frac_d);
    }
    if (n_int + n_frac == 0) /* no digits: "h", ".s" */
        return KS_EPARSE;
    /* The unit runs up to the next number, as in Go: "1h 2m" has unit "h ". */
    const char *u = p;
    while (*p && *p != '.' && !is_digit(*p))
        p++;
    uint64_t unit = unit_ns(u, (size_t)(p - u));
    if (unit == 0) /* missing or unknown unit */
        return KS_EPARSE;
    *s = p;

    uint64_t v = whole_ns(int_d, n_int, unit);
    if (v <= NS_LIMIT)
        v += fraction_ns(frac_d, n_frac, unit); /* < unit: no wrap */
    if (v > NS_LIMIT - *total) /* also true for v > NS_LIMIT */
        *overflow = 1;
    else
        *total += v;
    return 0;
}

int ks_duration_parse(const char *s, int64_t *out_ns)
{
    if (!s || !out_ns)
        return KS_EINVAL;
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) { /* Go's special case: a bare zero */
        *out_ns = 0;
        return 0;
    }
    if (*s == '\0')
        return KS_EPARSE;
    uint64_t total = 0;
    int overflow = 0;
    while (*s) {
        int rc = parse_component(&s, &total, &overflow);
        if (rc < 0)
            return rc;
    }
    if (overflow || (!neg && total > (uint64_t)INT64_MAX))
        return KS_ERANGE;
    if (!neg)
        *out_ns = (int64_t)total;
    else /* total may be 2^63, which only -2^63 can hold */
        *out_ns = total == NS_LIMIT ? INT64_MIN : -(int64_t)total;
    return 0;
}

/* Writes v / 10^prec's fractional digits (".25", trailing zeros dropped,
 * nothing when zero) in front of end; returns the new start and sets *v to
 * the integer part. */
static char *put_frac(char *end, uint64_t *v, int prec)
{
    int printed = 0;
    for (int i = 0; i < prec; i++) {
        int digit = (int)(*v % 10);
        printed |= digit != 0;
        if (printed)
            *--end = (char)('0' + digit);
        *v /= 10;
    }
    if (printed)
        *--end = '.';
    return end;
}

/* Writes v in decimal in front of end; returns the new start. */
static char *put_int(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    return end;
}

/* Builds the text right to left, as Go does: below one second the largest
 * fitting unit with a fraction ("1.5ms"), otherwise h, m and s with the
 * fraction on the seconds ("1h0m0.5s"). */
static char *render(char *end, int64_t ns)
{
    /* Negating as unsigned handles INT64_MIN. */
    uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
    char *p = end;
    if (u < UINT64_C(1000000000)) {
        int prec;
        const char *unit;
        if (u == 0) {
            prec = 0;
            unit = "0s";
        } else if (u < 1000) {
            prec = 0;
            unit = "ns";
        } else if (u < 1000000) {
            prec = 3;
            unit = "\xC2\xB5s"; /* Go prints U+00B5 */
        } else {
            prec = 6;
            unit = "ms";
        }
        p -= strlen(unit);
        memcpy(p, unit, strlen(unit));
        if (u == 0)
            return p;
        p = put_frac(p, &u, prec);
        p = put_int(p, u);
    } else {
        *--p = 's';
        p = put_frac(p, &u, 9);
        p = put_int(p, u % 60); /* u is now whole seconds */
        u /= 60;
        if (u > 0) {
            *--p = 'm';
            p = put_int(p, u % 60);
            u /= 60;
            if (u > 0) { /* hours are the largest unit: days vary */
                *--p = 'h';
                p = put_int(p, u);
            }
        }
    }
    if (ns < 0)
        *--p = '-';
    return p;
}

void ks_duration_format(int64_t ns, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    char tmp[40]; /* longest: "-2562047h47m16.854775808s", 25 bytes */
    tmp[sizeof tmp - 1] = '\0';
    const char *text = render(tmp + sizeof tmp - 1, ns);
    snprintf(buf, size, "%s", text);
}
