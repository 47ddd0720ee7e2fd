/* resources.h - the resource vector every node and pod carries.
 *
 * A resource vector is a small fixed array of int64 (KS_RES_COUNT slots)
 * indexed by resource id, in the units the kube-scheduler uses internally:
 * CPU in millicores (Quantity.MilliValue), everything else as
 * Quantity.Value (bytes for memory, ephemeral-storage and hugepages-*,
 * counts for pods and extended resources such as nvidia.com/gpu).
 *
 * Ids 0..3 are built in (cpu, memory, pods, ephemeral-storage).  Other
 * names are registered on first use (ks_resource_intern) in a
 * process-wide table, in the order inputs name them; results never depend
 * on the ids themselves, only on the names.  Loops over a vector stop at
 * ks_resource_count(), not at KS_RES_COUNT.
 */
#ifndef KS_RESOURCES_H
#define KS_RESOURCES_H

#include <stdint.h>

/* Slots in a resource vector: the built-in four plus up to twelve more. */
#define KS_RES_COUNT 16

typedef int ks_resource;

enum {
    KS_RES_CPU = 0,
    KS_RES_MEMORY = 1,
    KS_RES_PODS = 2,
    KS_RES_EPHEMERAL_STORAGE = 3,
    KS_RES_BUILTIN = 4
};

/* Defaults applied to containers without a request, for scoring only
 * (pkg/scheduler/util/pod_resources.go, DefaultMilliCPURequest and
 * DefaultMemoryRequest, Kubernetes v1.36). */
#define KS_DEFAULT_MILLI_CPU_REQUEST 100
#define KS_DEFAULT_MEMORY_REQUEST (200LL * 1024 * 1024)

/* Registered resources (>= KS_RES_BUILTIN); ids are 0 .. count-1. */
int ks_resource_count(void);
/* The name of a registered resource ("cpu", "nvidia.com/gpu", ...). */
const char *ks_resource_name(ks_resource r);
/* The quantity scale of r: 3 (milli) for cpu, 0 for the others. */
int ks_resource_scale(ks_resource r);
/* The unit of the stored integer, for output attributes and messages. */
const char *ks_resource_unit(ks_resource r);
/* The id of a registered resource, or -1. */
int ks_resource_lookup(const char *name);
/* The id of name, registering it if it is a valid resource name not seen
 * before; -1 if the name is not a valid Kubernetes resource name or the
 * table is full (KS_RES_COUNT). */
int ks_resource_intern(const char *name);
/* A valid resource name: cpu, memory, pods, ephemeral-storage,
 * hugepages-<size>, or a domain-prefixed name such as nvidia.com/gpu or
 * attachable-volumes-*. */
int ks_resource_name_valid(const char *name);
/* Upstream's schedutil IsScalarResourceName: extended (domain-prefixed,
 * not kubernetes.io), hugepages-*, attachable-volumes-*. */
int ks_resource_is_scalar(ks_resource r);
/* v1helper.IsExtendedResourceName: domain-prefixed outside kubernetes.io
 * (and not requests.-prefixed). */
int ks_resource_is_extended(ks_resource r);

#endif
