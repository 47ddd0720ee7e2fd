/* resources.c - the process-wide table of resource names.
 *
 * The four built-in resources are always there; others are appended on
 * first use.  The table is tiny (KS_RES_COUNT entries) and searched
 * linearly: lookups happen when inputs are loaded, never per decision.
 */
#include "sim/resources.h"

#include <string.h>

#define NAME_MAX_LEN 64

static char names[KS_RES_COUNT][NAME_MAX_LEN] = {
    "cpu", "memory", "pods", "ephemeral-storage"};
static int count = KS_RES_BUILTIN;

int ks_resource_count(void)
{
    return count;
}

const char *ks_resource_name(ks_resource r)
{
    return r >= 0 && r < count ? names[r] : "?";
}

int ks_resource_scale(ks_resource r)
{
    return r == KS_RES_CPU ? 3 : 0;
}

const char *ks_resource_unit(ks_resource r)
{
    if (r == KS_RES_CPU)
        return "millicores";
    if (r == KS_RES_MEMORY || r == KS_RES_EPHEMERAL_STORAGE ||
        (r >= 0 && r < count && strncmp(names[r], "hugepages-", 10) == 0))
        return "bytes";
    return "count";
}

int ks_resource_lookup(const char *name)
{
    for (int r = 0; r < count; r++)
        if (strcmp(names[r], name) == 0)
            return r;
    return -1;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int ks_resource_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= NAME_MAX_LEN)
        return 0;
    if (ks_resource_lookup(name) >= 0 && ks_resource_lookup(name) <
                                             KS_RES_BUILTIN)
        return 1;
    const char *slash = strchr(name, '/');
    if (!slash)
        return (strncmp(name, "hugepages-", 10) == 0 && n > 10) ||
               (strncmp(name, "attachable-volumes-", 19) == 0 && n > 19);
    if (slash == name || !slash[1] || strchr(slash + 1, '/'))
        return 0;
    for (const char *p = name; *p; p++)
        if (*p != '/' && !name_char(*p))
            return 0;
    return 1;
}

int ks_resource_intern(const char *name)
{
    int r = ks_resource_lookup(name);
    if (r >= 0)
        return r;
    if (!ks_resource_name_valid(name) || count == KS_RES_COUNT)
        return -1;
    strcpy(names[count], name);
    return count++;
}

int ks_resource_is_extended(ks_resource r)
{
    if (r < KS_RES_BUILTIN || r >= count)
        return 0;
    const char *n = names[r];
    const char *slash = strchr(n, '/');
    if (!slash || strncmp(n, "requests.", 9) == 0)
        return 0;
    /* kubernetes.io/ and *.kubernetes.io/ prefixes are native. */
    size_t plen = (size_t)(slash - n);
    if (plen == 13 && strncmp(n, "kubernetes.io", 13) == 0)
        return 0;
    if (plen > 14 && strncmp(slash - 14, ".kubernetes.io", 14) == 0)
        return 0;
    return 1;
}

int ks_resource_is_scalar(ks_resource r)
{
    if (r < KS_RES_BUILTIN || r >= count)
        return 0;
    return ks_resource_is_extended(r) ||
           strncmp(names[r], "hugepages-", 10) == 0 ||
           strncmp(names[r], "attachable-volumes-", 19) == 0;
}
