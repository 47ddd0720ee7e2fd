/* resources.c - names, scales and units of the resource vector. */
#include "sim/resources.h"

#include <string.h>

static const struct {
    const char *name;
    int scale;
    const char *unit;
} resource_table[KS_RES_COUNT] = {
    [KS_RES_CPU] = {"cpu", 3, "millicores"},
    [KS_RES_MEMORY] = {"memory", 0, "bytes"},
    [KS_RES_PODS] = {"pods", 0, "pods"},
};

const char *ks_resource_name(ks_resource r)
{
    return (unsigned)r < KS_RES_COUNT ? resource_table[r].name : "?";
}

int ks_resource_scale(ks_resource r)
{
    return (unsigned)r < KS_RES_COUNT ? resource_table[r].scale : 0;
}

const char *ks_resource_unit(ks_resource r)
{
    return (unsigned)r < KS_RES_COUNT ? resource_table[r].unit : "?";
}

int ks_resource_lookup(const char *name)
{
    for (int r = 0; r < KS_RES_COUNT; r++)
        if (strcmp(resource_table[r].name, name) == 0)
            return r;
    return -1;
}
