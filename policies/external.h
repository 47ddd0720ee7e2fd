/* external.h - public-API plugins (include/ksim/plugin.h) run as in-tree
 * ks_plugin tables, so the scheduler runs them unchanged.
 *
 * A ks_external adapts one ksim_plugin descriptor: loaded from a shared
 * object (ks_external_open: dlopen, the ksim_plugin_entry symbol, the ABI
 * and descriptor checks) or compiled in (ks_external_wrap, for
 * descriptors of policies/registry.h).  Its ks_plugin table carries the
 * plugin's name and an adapter for each extension point the descriptor
 * implements (NULL for the others, so the framework skips them as it skips
 * an in-tree plugin's); PreScore is adapted whenever the plugin scores, to
 * hand NormalizeScore the nodes it ranks.
 *
 * Args: a ks_external_args is one profile's pluginConfig args as JSON text.
 * The scheduler passes it to the table's create(), which calls the
 * plugin's create(); ks_external_args_create checks the args once by
 * creating and destroying an instance, so bad args are reported when the
 * configuration is loaded.  If create() still fails in a scheduler, every
 * call of that instance fails with an Error status.
 *
 * Ownership: a ks_external owns its table, its name, its path and the
 * dlopen handle (closed by ks_external_close, which accepts NULL); tables
 * and args must outlive the schedulers that use them.  A ks_external_args
 * owns its text and borrows its ks_external.
 */
#ifndef KS_EXTERNAL_H
#define KS_EXTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "include/ksim/plugin.h"
#include "policies/plugin.h"
#include "sim/cluster.h"

typedef struct ks_external ks_external;
typedef struct ks_external_args ks_external_args;

/* Loads the plugin called name from the shared object at path (used as
 * given: resolve relative paths first).  Returns 0 and *out, or, with the
 * reason in why[0..size) and *out NULL: KS_ENOENT when the object cannot
 * be loaded or has no plugin called name (the reason lists those it has),
 * KS_EINVAL when it exports no ksim_plugin_entry or the descriptor is
 * unusable (another ABI version, ...). */
int ks_external_open(const char *path, const char *name, ks_external **out,
                     char *why, size_t size);

/* Adapts a descriptor linked into ksim (borrowed).  KS_EINVAL when
 * ks_api_check_descriptor rejects it. */
int ks_external_wrap(const ksim_plugin *desc, ks_external **out, char *why,
                     size_t size);

void ks_external_close(ks_external *e); /* accepts NULL */

const ks_plugin *ks_external_plugin(const ks_external *e);
const ksim_plugin *ks_external_descriptor(const ks_external *e);
const char *ks_external_name(const ks_external *e);
/* The shared object's path as opened, NULL for a compiled-in plugin. */
const char *ks_external_path(const ks_external *e);

/* Args for e from JSON text (copied), checked by the plugin's create().
 * Returns 0 and *out, or KS_EINVAL with the plugin's reason in
 * why[0..size) and *out NULL. */
int ks_external_args_create(const ks_external *e, const char *json,
                            ks_external_args **out, char *why, size_t size);
void ks_external_args_destroy(ks_external_args *a); /* accepts NULL */
const char *ks_external_args_json(const ks_external_args *a);

/* QueueSort through the plugin's less() on an instance made by the
 * table's create(): nonzero when pod a (queue timestamp ta) goes before
 * pod b.  rng: the plugins' random stream, or NULL. */
int ks_external_queue_less(void *instance, const ks_cluster *c, gsl_rng *rng,
                           uint32_t a, int64_t ta, uint32_t b, int64_t tb);

#endif
