/* registry.h - the name -> plugin table registry (SimGrid's ModuleGroup).
 *
 * Configuration names plugins by their upstream names ("NodeResourcesFit");
 * the registry lists every plugin ksim knows so errors can name the valid
 * ones.  Entries are static; nothing to free.
 */
#ifndef KS_REGISTRY_H
#define KS_REGISTRY_H

#include <stddef.h>

#include "include/ksim/plugin.h"
#include "policies/plugin.h"

/* The plugin called name, or NULL. */
const ks_plugin *ks_plugin_lookup(const char *name);

/* Number of registered plugins and the i-th (for listings). */
size_t ks_plugin_count(void);
const ks_plugin *ks_plugin_at(size_t i);
/* The registry index of plugin (stable for a ksim version; used as the bit
 * number of ks_pod.rejected_by), or -1 if it is not registered. */
int ks_plugin_index(const ks_plugin *plugin);

/* ---- public-API plugins compiled into ksim (include/ksim/plugin.h) ------
 *
 * Written against the public header like an out-of-tree plugin, but linked
 * into ksim: one entry in api_plugins[] of registry.c, or registered at run
 * time (tests, programs embedding libksim) before configurations are
 * loaded.  A configuration enables them by name, with no shared object;
 * policies/external.h runs them.  Process-wide; not thread-safe. */

/* The descriptor called name, or NULL. */
const ksim_plugin *ks_api_plugin_lookup(const char *name);
size_t ks_api_plugin_count(void);
const ksim_plugin *ks_api_plugin_at(size_t i);

/* Adds desc (borrowed: it must outlive every configuration using it).
 * Registering the same descriptor again does nothing.  KS_EINVAL for a
 * descriptor ks_api_check_descriptor rejects, KS_EEXIST when an in-tree
 * plugin or another descriptor has its name, KS_ERANGE past
 * KS_MAX_API_PLUGINS; the reason goes to why[0..size). */
#define KS_MAX_API_PLUGINS 16
int ks_api_plugin_register(const ksim_plugin *desc, char *why, size_t size);

#endif
