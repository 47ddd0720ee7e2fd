/* build.c - cluster state from Kubernetes manifests. */
#include "scenarios/build.h"

#include <stdio.h>
#include <string.h>

#include "sim/xalloc.h"

/* Fills v from a list of (name, amount); names are registered as
 * resources.  Returns the name that did not fit, or NULL. */
static const char *fill_vector(int64_t v[KS_RES_COUNT],
                               const ks_resource_amount *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int r = ks_resource_intern(list[i].name);
        if (r < 0)
            return list[i].name;
        v[r] = list[i].value;
    }
    return NULL;
}

int ks_build_nodes(ks_cluster *c, const ks_manifests *m, uint32_t pool,
                   ks_error *err)
{
    for (size_t i = 0; i < m->nnodes; i++) {
        const ks_manifest_node *mn = &m->nodes[i];
        int64_t alloc[KS_RES_COUNT] = {0};
        const char *bad = fill_vector(alloc, mn->allocatable, mn->nallocatable);
        if (bad)
            return ks_error_set(err, KS_ERANGE, mn->file, mn->line, mn->col,
                                "node %s: cannot track resource %s (more "
                                "than %d resource names in the run)",
                                mn->name, bad, KS_RES_COUNT);
        uint32_t n = ks_cluster_add_node(c, mn->name, alloc, pool);
        /* The cluster takes its own copy of the descriptive part. */
        ks_node_info info;
        ks_node_info_copy(&info, &mn->info);
        ks_cluster_set_node_info(c, n, &info);
    }
    return 0;
}

void ks_build_pdbs(ks_cluster *c, const ks_manifests *m)
{
    for (size_t i = 0; i < m->npdbs; i++) {
        const ks_manifest_pdb *mp = &m->pdbs[i];
        ks_pdb b = {
            .namespace_name = mp->namespace_name,
            .selector = mp->has_selector ? &mp->selector : NULL,
            .min_available_set = mp->min_available.set,
            .min_available_percent = mp->min_available.is_percent,
            .min_available = mp->min_available.value,
            .max_unavailable_set = mp->max_unavailable.set,
            .max_unavailable_percent = mp->max_unavailable.is_percent,
            .max_unavailable = mp->max_unavailable.value,
        };
        ks_cluster_add_pdb(c, &b);
    }
}

uint32_t ks_build_find_node(const ks_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i].name, name) == 0)
            return (uint32_t)i;
    return KS_NO_NODE;
}

uint32_t ks_build_pod(ks_cluster *c, const ks_manifest_pod *mp, ks_time now,
                      uint32_t source, uint32_t ordinal, ks_error *err)
{
    int64_t req[KS_RES_COUNT];
    for (int r = 0; r < KS_RES_COUNT; r++)
        req[r] = 0;
    const char *bad = fill_vector(req, mp->requests, mp->nrequests);
    if (bad) {
        ks_error_set(err, KS_ERANGE, mp->file, mp->line, mp->col,
                     "pod %s: cannot track resource %s (more than %d "
                     "resource names in the run)",
                     mp->name ? mp->name : "(template)", bad, KS_RES_COUNT);
        return KS_NO_POD;
    }
    /* Runs until the end of the run: there are no controllers yet to
     * finish it (issue 6). */
    uint32_t p = ks_cluster_add_pod(c, now, req, KS_TIME_NEVER, source,
                                    ordinal);
    ks_pod *pod = &c->pods[p];
    /* The scheduler's non-zero view is per container (100m / 200Mi for
     * each container without a request), as the manifest loader computed
     * it. */
    pod->nonzero_request[KS_RES_CPU] = ks_resource_amount_get(
        mp->nonzero_requests, mp->nnonzero_requests, "cpu", 0);
    pod->nonzero_request[KS_RES_MEMORY] = ks_resource_amount_get(
        mp->nonzero_requests, mp->nnonzero_requests, "memory", 0);
    pod->spec = mp->spec;
    if (mp->name) {
        const char *ns = mp->spec && mp->spec->namespace_name
                             ? mp->spec->namespace_name
                             : "default";
        pod->name = ks_cluster_keep_string(c, ks_xasprintf("%s/%s", ns,
                                                           mp->name));
    }
    pod->priority = mp->spec ? mp->spec->priority : mp->priority;
    return p;
}
