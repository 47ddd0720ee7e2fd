/* registry.h - the name -> plugin table registry (SimGrid's ModuleGroup).
 *
 * Configuration names plugins by their upstream names ("NodeResourcesFit");
 * the registry lists every plugin ksim knows so errors can name the valid
 * ones.  Entries are static; nothing to free.
 */
#ifndef KS_REGISTRY_H
#define KS_REGISTRY_H

#include <stddef.h>

#include "policies/plugin.h"

/* The plugin called name, or NULL. */
const ks_plugin *ks_plugin_lookup(const char *name);

/* Number of registered plugins and the i-th (for listings). */
size_t ks_plugin_count(void);
const ks_plugin *ks_plugin_at(size_t i);
/* The registry index of plugin (stable for a ksim version; used as the bit
 * number of ks_pod.rejected_by), or -1 if it is not registered. */
int ks_plugin_index(const ks_plugin *plugin);

#endif
