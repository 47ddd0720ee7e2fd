/* podevents.h - the pod lifecycle event log (the /pod_events dataset).
 *
 * Kubernetes reports a pod's life in two places: its status in the store
 * (created, bound, Ready, phase, deleted) and the Events its components
 * record (the kubelet's Pulling, Pulled, Started, Killing, BackOff, the
 * taint manager's eviction).  The log follows both: it watches Pod objects
 * with no delay and turns their transitions into Created, Scheduled,
 * Ready, NotReady, Succeeded, Failed and Deleted rows, and components
 * holding the log record the others with ks_podevents_record (as they
 * would call client-go's EventRecorder).  Rows are in time order (the
 * engine's), each naming the pod, its node and a reason (a Failed row's
 * is the pod's status.reason: the kubelet's OutOfcpu, Evicted, ...).
 *
 * Ownership: the log owns its rows and interned names; engine and store
 * are borrowed and must outlive it.
 */
#ifndef KS_PODEVENTS_H
#define KS_PODEVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/store.h"

typedef enum ks_pod_event_kind {
    KS_PE_CREATED = 0,
    KS_PE_SCHEDULED,
    KS_PE_PULLING,
    KS_PE_PULLED,
    KS_PE_STARTED,
    KS_PE_READY,
    KS_PE_NOT_READY,
    KS_PE_KILLING,
    KS_PE_EVICTED,
    KS_PE_OOM_KILLED,
    KS_PE_BACK_OFF,
    KS_PE_SUCCEEDED,
    KS_PE_FAILED,
    KS_PE_DELETED,
    KS_PE_COUNT
} ks_pod_event_kind;

/* "Created", "Scheduled", ... (the names of the /pod_events enum). */
const char *ks_pod_event_name(ks_pod_event_kind k);

typedef struct ks_pod_event {
    ks_time time;
    uint32_t pod;    /* index in the log's pod names */
    int32_t node;    /* index in the log's node names, -1: none */
    uint8_t kind;    /* ks_pod_event_kind */
    uint32_t reason; /* index in the log's reasons; 0 is "" */
} ks_pod_event;

typedef struct ks_podevents ks_podevents;

ks_podevents *ks_podevents_create(ks_engine *e, ks_store *s);
void ks_podevents_destroy(ks_podevents *log); /* accepts NULL */

/* Records kind for pod (a Pod object) now, with reason (NULL: ""). */
void ks_podevents_record(ks_podevents *log, const ks_object *pod,
                         ks_pod_event_kind kind, const char *reason);

size_t ks_podevents_count(const ks_podevents *log);
const ks_pod_event *ks_podevents_rows(const ks_podevents *log);
/* "namespace/name" of pod index i; node and reason names by index. */
const char *ks_podevents_pod_name(const ks_podevents *log, uint32_t i);
const char *ks_podevents_node_name(const ks_podevents *log, int32_t i);
const char *ks_podevents_reason(const ks_podevents *log, uint32_t i);
size_t ks_podevents_npods(const ks_podevents *log);

/* Pod startup latency as the pod-startup SLO measures it (created ->
 * running, Started row), per pod that started, in creation order; pods
 * whose start included an image pull (a Pulling row) are flagged.
 * *lat and *pulled are malloc'd arrays of *n entries (caller frees). */
void ks_podevents_startup(const ks_podevents *log, ks_time **lat,
                          uint8_t **pulled, size_t *n);

#endif
