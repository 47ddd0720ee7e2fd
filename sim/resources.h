/* resources.h - the resource vector every node and pod carries.
 *
 * Resources are small fixed arrays of int64 indexed by ks_resource, in the
 * units the kube-scheduler uses internally: CPU in millicores
 * (Quantity.MilliValue), memory in bytes and pods as a count
 * (Quantity.Value).  Later issues add ephemeral-storage, hugepages and
 * extended resources by extending this enum and table.
 */
#ifndef KS_RESOURCES_H
#define KS_RESOURCES_H

#include <stdint.h>

typedef enum ks_resource {
    KS_RES_CPU = 0,
    KS_RES_MEMORY = 1,
    KS_RES_PODS = 2,
    KS_RES_COUNT
} ks_resource;

/* Defaults applied to containers without a request, for scoring only
 * (pkg/scheduler/util/pod_resources.go, DefaultMilliCPURequest and
 * DefaultMemoryRequest, Kubernetes v1.36). */
#define KS_DEFAULT_MILLI_CPU_REQUEST 100
#define KS_DEFAULT_MEMORY_REQUEST (200LL * 1024 * 1024)

/* "cpu", "memory", "pods". */
const char *ks_resource_name(ks_resource r);
/* The quantity scale of r: 3 (milli) for cpu, 0 for the others. */
int ks_resource_scale(ks_resource r);
/* The unit of the stored integer, for output attributes: "millicores", ... */
const char *ks_resource_unit(ks_resource r);
/* Looks a resource up by its Kubernetes name; returns -1 if unknown. */
int ks_resource_lookup(const char *name);

#endif
