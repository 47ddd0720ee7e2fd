/* quantity.h - Kubernetes resource.Quantity strings, parsed exactly.
 *
 * Accepts the syntax of k8s.io/apimachinery/pkg/api/resource (quantity.go):
 *   <quantity>  ::= <signedNumber><suffix>
 *   <number>    ::= digits | digits.digits | digits. | .digits
 *   <suffix>    ::= <binarySI> (Ki Mi Gi Ti Pi Ei) | <decimalSI> (n u m "" k M G T P E)
 *                 | <decimalExponent> (e|E followed by a signed integer)
 * e.g. "500m", "1.5", "2Gi", "1e3", "100M".
 *
 * The value is computed exactly with integer arithmetic (no floating point)
 * and scaled to integer base units the way the scheduler reads quantities:
 * Quantity.MilliValue() for CPU (scale 3) and Quantity.Value() for memory
 * and counts (scale 0).  Both round a positive fractional result up, as
 * upstream does, so "0.1m" of CPU is 1 millicore and "1.5" bytes is 2.
 * Negative values round towards +inf ("-1.5" gives -1), where upstream
 * rounds away from zero; ksim rejects negative resource quantities anyway.
 * Stricter than upstream: "", "-", ".", a bare suffix ("Ki") and a bare
 * exponent ("e3") are errors, not 0, and values beyond int64 are KS_ERANGE
 * rather than silently capped.
 */
#ifndef KS_QUANTITY_H
#define KS_QUANTITY_H

#include <stdint.h>

/* Parses s (NUL-terminated, no surrounding blanks) and stores
 * ceil(value * 10^scale) in *out.  scale is 0..9.
 * Returns 0, KS_EPARSE for malformed text (*out untouched), KS_ERANGE when
 * the scaled value does not fit in int64, or KS_EINVAL for a NULL argument
 * or a scale outside 0..9. */
int ks_quantity_parse(const char *s, int scale, int64_t *out);

#endif
