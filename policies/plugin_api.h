/* plugin_api.h - ksim's side of the public plugin API (include/ksim/plugin.h).
 *
 * The public handles are ksim's own structs seen through opaque types: a
 * ksim_cluster is a ks_cluster, a ksim_node a ks_node (an element of
 * cluster->nodes), a ksim_pod a ks_pod.  This module implements the
 * ksim_api function table over them, the args readers (JSON Pointer over
 * Jansson) and the checks a descriptor must pass before ksim runs it.
 * policies/external.h wraps descriptors into in-tree ks_plugin tables.
 *
 * Ownership: the table is static; nothing to free.
 */
#ifndef KS_PLUGIN_API_H
#define KS_PLUGIN_API_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "include/ksim/plugin.h"
#include "policies/plugin.h"

/* The function table every public-API plugin receives. */
const ksim_api *ks_plugin_api(void);

/* What ksim_call.host points at: the per-instance state behind the api's
 * calls (the plugin's random stream). */
typedef struct ks_api_host {
    gsl_rng *rng;
} ks_api_host;

static inline const ksim_cluster *ks_api_cluster(const ks_cluster *c)
{
    return (const ksim_cluster *)c;
}

static inline const ksim_node *ks_api_node(const ks_node *n)
{
    return (const ksim_node *)n;
}

static inline const ksim_pod *ks_api_pod(const ks_pod *p)
{
    return (const ksim_pod *)p;
}

/* A plugin's status as the framework's; a code out of range becomes
 * KS_STATUS_ERROR with a message saying so. */
ks_status ks_api_status(ksim_status st);

/* Whether desc can run in this ksim: its ABI version and size, a usable
 * name (non-empty, printable, no spaces, at most 63 bytes), normalize and
 * pre_score only with score, at least one extension point.  0, or KS_EINVAL with the
 * reason in why[0..size). */
int ks_api_check_descriptor(const ksim_plugin *desc, char *why, size_t size);

#endif
