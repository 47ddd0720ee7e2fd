/* registry.c - the table of every plugin ksim knows. */
#include "policies/registry.h"

#include <stdio.h>
#include <string.h>

#include "policies/k8s/balanced_allocation.h"
#include "policies/k8s/defaultpreemption.h"
#include "policies/k8s/imagelocality.h"
#include "policies/k8s/interpodaffinity.h"
#include "policies/k8s/nodeaffinity.h"
#include "policies/k8s/nodename.h"
#include "policies/k8s/nodeports.h"
#include "policies/k8s/noderesources_fit.h"
#include "policies/k8s/nodeunschedulable.h"
#include "policies/k8s/podtopologyspread.h"
#include "policies/k8s/tainttoleration.h"
#include "policies/plugin_api.h"
#include "policies/research/bestfit.h"
#include "policies/research/dotproduct.h"
#include "policies/research/fgd.h"
#include "policies/research/firstfit.h"
#include "policies/research/gpuclustering.h"
#include "policies/research/gpupacking.h"
#include "policies/research/gpushare.h"
#include "policies/research/p2c.h"
#include "policies/research/random.h"
#include "policies/research/worstfit.h"
#include "sim/error.h"

static const ks_plugin *const plugins[] = {
    &ks_plugin_nodeunschedulable,
    &ks_plugin_nodename,
    &ks_plugin_tainttoleration,
    &ks_plugin_nodeaffinity,
    &ks_plugin_nodeports,
    &ks_plugin_noderesources_fit,
    &ks_plugin_podtopologyspread,
    &ks_plugin_interpodaffinity,
    &ks_plugin_defaultpreemption,
    &ks_plugin_balanced_allocation,
    &ks_plugin_imagelocality,
    /* Research plugins (policies/research/, docs/policies.md). */
    &ks_plugin_gpushare,
    &ks_plugin_fgd,
    &ks_plugin_bestfit,
    &ks_plugin_dotproduct,
    &ks_plugin_gpupacking,
    &ks_plugin_gpuclustering,
    &ks_plugin_random,
    &ks_plugin_firstfit,
    &ks_plugin_worstfit,
    &ks_plugin_p2c,
};

#define NPLUGINS (sizeof plugins / sizeof plugins[0])

const ks_plugin *ks_plugin_lookup(const char *name)
{
    for (size_t i = 0; i < NPLUGINS; i++)
        if (strcmp(plugins[i]->name, name) == 0)
            return plugins[i];
    return NULL;
}

size_t ks_plugin_count(void)
{
    return NPLUGINS;
}

const ks_plugin *ks_plugin_at(size_t i)
{
    return i < NPLUGINS ? plugins[i] : NULL;
}

int ks_plugin_index(const ks_plugin *plugin)
{
    for (size_t i = 0; i < NPLUGINS; i++)
        if (plugins[i] == plugin)
            return (int)i;
    return -1;
}

/* ---- public-API plugins ------------------------------------------------ */

/* In-tree plugins written against include/ksim/plugin.h: one line each
 * (&my_descriptor,) before the NULL. */
static const ksim_plugin *const api_plugins[] = {
    NULL,
};

static const ksim_plugin *registered[KS_MAX_API_PLUGINS];
static size_t nregistered;

static size_t napi_static(void)
{
    size_t n = 0;
    while (api_plugins[n])
        n++;
    return n;
}

size_t ks_api_plugin_count(void)
{
    return napi_static() + nregistered;
}

const ksim_plugin *ks_api_plugin_at(size_t i)
{
    size_t nstatic = napi_static();
    if (i < nstatic)
        return api_plugins[i];
    i -= nstatic;
    return i < nregistered ? registered[i] : NULL;
}

const ksim_plugin *ks_api_plugin_lookup(const char *name)
{
    for (size_t i = 0; i < ks_api_plugin_count(); i++)
        if (strcmp(ks_api_plugin_at(i)->name, name) == 0)
            return ks_api_plugin_at(i);
    return NULL;
}

int ks_api_plugin_register(const ksim_plugin *desc, char *why, size_t size)
{
    int rc = ks_api_check_descriptor(desc, why, size);
    if (rc)
        return rc;
    const ksim_plugin *same = ks_api_plugin_lookup(desc->name);
    if (same == desc)
        return 0;
    if (same || ks_plugin_lookup(desc->name)) {
        snprintf(why, size, "a plugin called \"%s\" is already registered",
                 desc->name);
        return KS_EEXIST;
    }
    if (nregistered == KS_MAX_API_PLUGINS) {
        snprintf(why, size, "at most %d plugins can be registered",
                 KS_MAX_API_PLUGINS);
        return KS_ERANGE;
    }
    registered[nregistered++] = desc;
    return 0;
}
