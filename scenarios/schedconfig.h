/* schedconfig.h - kube-scheduler's own configuration file
 * (KubeSchedulerConfiguration, kubescheduler.config.k8s.io/v1) read into
 * the profiles ksim's scheduler runs.
 *
 * The loader reproduces what kube-scheduler (v1.36) does with the file:
 *   - defaults (pkg/scheduler/apis/config/v1/defaults.go): one profile
 *     "default-scheduler" when none is given, percentageOfNodesToScore 0
 *     (adaptive), podInitialBackoffSeconds 1, podMaxBackoffSeconds 10,
 *     default args for every plugin that has an args type;
 *   - the default plugin set and mergePlugins (default_plugins.go), then
 *     the framework's MultiPoint expansion, per-extension-point checks and
 *     Score weights (framework/runtime/framework.go: updatePluginList,
 *     expandMultiPointPlugins, getScoreWeights);
 *   - validation (apis/config/validation/validation.go and
 *     validation_pluginargs.go), including the plugin args.
 * Every error carries FILE:LINE:COL and the path of the offending value.
 *
 * What ksim makes of it: each profile lists, in Filter order then Score
 * order, the plugins ksim simulates (policies/registry.h) with their
 * filter/score flags, Score weight and args.  Upstream plugins ksim does
 * not simulate (yet) are accepted and left out, with a warning; so are
 * the fields of the file that have no meaning in a simulation
 * (leaderElection, clientConnection, ...).  Plugins written against ksim's
 * public plugin API (include/ksim/plugin.h) run like in-tree ones: those
 * compiled in (policies/registry.h) by name, out-of-tree ones from the
 * shared object their pluginConfig args name (ksim.dev/sharedObject,
 * relative to the file; docs/plugins.md).  Other plugins that are not
 * in-tree (scheduler-plugins, WASM, ...) are errors: ksim cannot run them.
 * docs/scheduler.md explains the choices.
 *
 * Ownership: a ks_schedconfig owns everything it returns (profile names,
 * args, warnings); the ks_scheduler_config from ks_schedconfig_get borrows
 * from it, so the ks_schedconfig must outlive the scheduler that uses it.
 */
#ifndef KS_SCHEDCONFIG_H
#define KS_SCHEDCONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "policies/k8s/defaultpreemption.h"
#include "policies/k8s/helper.h"
#include "policies/k8s/interpodaffinity.h"
#include "policies/k8s/podtopologyspread.h"
#include "sched/scheduler.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/objects.h"

#define KS_SCHEDCONFIG_API_VERSION "kubescheduler.config.k8s.io/v1"
#define KS_SCHEDCONFIG_KIND "KubeSchedulerConfiguration"

typedef struct ks_schedconfig ks_schedconfig;

/* Read path (or buf[0..len), named name in errors).  k8s_minor is the
 * Kubernetes minor version simulated (35 or 36; stored in the
 * ks_scheduler_config: the default plugin set is the same in both).
 * Returns 0 and a new configuration in *out, or a negative ks_err with err
 * filled and *out NULL. */
int ks_schedconfig_load_file(const char *path, int k8s_minor,
                             ks_schedconfig **out, ks_error *err);
int ks_schedconfig_load_buffer(const char *buf, size_t len, const char *name,
                               int k8s_minor, ks_schedconfig **out,
                               ks_error *err);

/* What kube-scheduler runs without a configuration file: the default
 * profile.  Never NULL. */
ks_schedconfig *ks_schedconfig_default(int k8s_minor);

/* The scheduler configuration: percentage_of_nodes_to_score, the queue's
 * backoffs, k8s_minor and the profiles; cycle_base and cycle_per_node are
 * 0 (the scenario's throughput model sets them). */
const ks_scheduler_config *ks_schedconfig_get(const ks_schedconfig *c);

/* What the configuration asks that ksim does not simulate, one sentence
 * each (no duplicates), in the order found.  *n gets the count. */
const char *const *ks_schedconfig_warnings(const ks_schedconfig *c,
                                           size_t *n);

void ks_schedconfig_destroy(ks_schedconfig *c); /* accepts NULL */

/* ---- args of the plugins ksim does not simulate yet -------------------- */

/* Kept, defaulted and validated as upstream, for when the plugins come. */
typedef struct ks_schedconfig_volume_binding_args { /* VolumeBindingArgs */
    int64_t bind_timeout_seconds; /* default 600, >= 0 */
    ks_shape_point shape[101];    /* StorageCapacityScoring shape, if set */
    size_t nshape;
} ks_schedconfig_volume_binding_args;

typedef struct ks_schedconfig_dra_args { /* DynamicResourcesArgs */
    ks_time filter_timeout; /* default 10 s, >= 0 */
    int has_binding_timeout;
    ks_time binding_timeout; /* >= 1 s when set */
} ks_schedconfig_dra_args;

/* The args in effect for plugin (its upstream name) in profile i: the
 * configured ones, defaulted, or the defaults: the plugin's own args type
 * (ks_fit_args for NodeResourcesFit, ks_balanced_allocation_args for
 * NodeResourcesBalancedAllocation, ks_nodeaffinity_args for NodeAffinity,
 * ks_pts_args for PodTopologySpread, ks_ipa_args for InterPodAffinity,
 * ks_default_preemption_args for DefaultPreemption), the structs above for
 * VolumeBinding and DynamicResources; a ks_external_args
 * (policies/external.h) for a plugin-API plugin the profile configures or
 * runs; NULL for plugins without args and for i out of range. */
const void *ks_schedconfig_plugin_args(const ks_schedconfig *c, size_t i,
                                       const char *plugin);

/* ---- the upstream view, simulated or not ------------------------------- */

/* The plugins profile i runs at an extension point ("preFilter",
 * "filter", "score", "queueSort", ... as the file spells them), in
 * upstream's order, simulated by ksim or not.  Writes up to max names
 * (static strings, or owned by c for plugin-API plugins) and returns the
 * count. */
size_t ks_schedconfig_point_plugins(const ks_schedconfig *c, size_t i,
                                    const char *point, const char **names,
                                    size_t max);

/* The Score weight upstream gives plugin in profile i (getScoreWeights: a
 * Score entry's weight first, then MultiPoint's, unset or 0 meaning 1), or
 * 0 when the plugin is not a Score plugin of the profile. */
int64_t ks_schedconfig_score_weight(const ks_schedconfig *c, size_t i,
                                    const char *plugin);

/* ---- mergePluginSet, for tests ------------------------------------------ */

typedef struct ks_schedconfig_plugin {
    const char *name; /* borrowed */
    int has_weight;   /* weight given (Go: Weight != nil) */
    int32_t weight;
} ks_schedconfig_plugin;

typedef struct ks_schedconfig_plugin_set {
    ks_schedconfig_plugin *enabled;
    size_t nenabled;
    ks_schedconfig_plugin *disabled;
    size_t ndisabled;
} ks_schedconfig_plugin_set;

/* default_plugins.go mergePluginSet: the disabled lists concatenated
 * (custom first); unless "*" is disabled, the default plugins not
 * disabled, each replaced in place by the custom entry of the same name
 * (the last one when repeated); then the custom entries that replaced
 * nothing, in order.  out's arrays are new (free them with
 * ks_schedconfig_plugin_set_free); names are borrowed from the inputs. */
void ks_schedconfig_merge_plugin_set(const ks_schedconfig_plugin_set *def,
                                     const ks_schedconfig_plugin_set *custom,
                                     ks_schedconfig_plugin_set *out);
void ks_schedconfig_plugin_set_free(ks_schedconfig_plugin_set *s);

#endif
