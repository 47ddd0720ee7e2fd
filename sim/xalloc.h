/* xalloc.h - allocation wrappers: out-of-memory aborts here, in one place.
 *
 * ksim treats memory exhaustion as fatal (as Redis's zmalloc does): every
 * allocation goes through these wrappers, which print the size and abort.
 * Returned memory is owned by the caller and released with free().
 */
#ifndef KS_XALLOC_H
#define KS_XALLOC_H

#include <stddef.h>

void *ks_xmalloc(size_t size);
void *ks_xcalloc(size_t count, size_t size);
void *ks_xrealloc(void *ptr, size_t size);
/* Grows an array of elem_size elements to at least min_cap, doubling; updates
 * *cap.  Returns the (possibly moved) array. */
void *ks_xgrow(void *ptr, size_t *cap, size_t min_cap, size_t elem_size);
char *ks_xstrdup(const char *s);
char *ks_xstrndup(const char *s, size_t n);
/* printf into a newly allocated string. */
char *ks_xasprintf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
