/* registry.c - the table of every plugin ksim knows. */
#include "policies/registry.h"

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
