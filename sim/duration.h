/* duration.h - Go/Kubernetes duration strings ("250ms", "1h30m", "1.5s").
 *
 * Same syntax as Go's time.ParseDuration: an optional sign, then one or more
 * <decimal number><unit> pairs with units ns, us (or µs), ms, s, m, h; "0"
 * alone is allowed.  The result is int64 nanoseconds; the fractional part of
 * each component is truncated to whole nanoseconds, as Go does.
 */
#ifndef KS_DURATION_H
#define KS_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Parses s into *out_ns.  Returns 0, KS_EPARSE (malformed; *out_ns
 * untouched) or KS_ERANGE (overflows int64 nanoseconds, about 292 years). */
int ks_duration_parse(const char *s, int64_t *out_ns);

/* Writes a compact Go-style rendering ("1h30m0s", "250ms") into buf. */
void ks_duration_format(int64_t ns, char *buf, size_t size);

#endif
