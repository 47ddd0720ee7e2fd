/* generator.h - synthetic pods: a Poisson arrival process with distributions.
 *
 * A ks_generator is the description (what the scenario's
 * `workloads[i].generator` loads into); a ks_pod_source is its running
 * instance, which creates pods in the cluster at arrival events and hands
 * each new pod to a callback (the scheduler's informer, in effect).
 *
 * Kubernetes fields: a generator may carry a pod template (the scenario's
 * template.metadata / template.spec, read by scenarios/manifests.c as a
 * workload's spec.template is).  Every pod it creates points at that one
 * spec (labels, namespace, affinity, tolerations, spread constraints,
 * schedulerName, priority...), so a pod costs no spec memory.  Requests
 * combine per resource: one the generator draws (`requests`) is the pod's
 * request for it, replacing the template's; one it does not draw is the
 * template's effective request (and, for cpu and memory, the template's
 * non-zero scoring view); without a template such a resource is not
 * requested.
 *
 * Randomness: each generator draws from its own streams,
 * "arrivals/<name>", "durations/<name>" and "requests/<name>", so adding a
 * generator or changing the scheduling policy leaves every other draw as it
 * was (common random numbers).
 *
 * Ownership: ks_generator fields belong to whoever fills them (the
 * scenario); a ks_pod_source borrows its generator, engine, cluster and
 * RNG set, which must outlive it.  The cluster borrows the template's spec
 * (through each pod), so the generator must outlive the cluster too.
 */
#ifndef KS_GENERATOR_H
#define KS_GENERATOR_H

#include <stdint.h>

#include "sim/cluster.h"
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/resources.h"
#include "sim/rng.h"

struct ks_manifest_pod; /* scenarios/manifests.h: read and owned there */

typedef struct ks_generator {
    char *name;             /* defaults to "gen<i>" */
    double rate_per_second; /* arrivals.rate, e.g. "5/s" -> 5.0 */
    ks_time start;          /* first arrival no earlier than this (default 0) */
    ks_time stop;           /* no arrivals at or after this; KS_TIME_NEVER = run end */
    int64_t count;          /* at most this many pods; 0 = no limit */
    ks_dist duration;       /* seconds the pod runs once started */
    /* Per resource: has_request[r] says whether the template requests r;
     * request[r] is in base units (millicores, bytes).  pods is never
     * requested explicitly. */
    int has_request[KS_RES_COUNT];
    ks_dist request[KS_RES_COUNT];
    int32_t priority; /* template.priority (default 0) */
    /* template.gpu: {count, milli, models} (sim/gpu.h): every pod asks for
     * gpu_count GPUs with gpu_milli each, of a model in gpu_models (bit
     * set, 0 = any); gpu_count 0 = no GPU. */
    int gpu_count;
    int gpu_milli;
    uint64_t gpu_models;
    size_t item;      /* its index in spec.workloads */
    /* The Kubernetes pod template (scenarios/manifests.h, owned by the
     * scenario that loaded it; NULL: none) and the spec every pod shares
     * (its spec; the pods' priority is spec->priority then). */
    struct ks_manifest_pod *k8s_template;
    const ks_pod_spec *spec;
    /* The template's effective requests, for the resources the generator
     * does not draw (has_template_request[r]; base units), and its
     * scheduler's non-zero view of cpu and memory (used when the generator
     * draws neither). */
    int has_template_request[KS_RES_COUNT];
    int64_t template_request[KS_RES_COUNT];
    int64_t template_nonzero_cpu, template_nonzero_memory;
} ks_generator;

typedef void (*ks_pod_created_fn)(void *ctx, uint32_t pod);

typedef struct ks_pod_source ks_pod_source;

/* Creates the running instance; source is the index stored in each pod's
 * `source` field.  Arrivals stop at min(gen->stop, end). */
ks_pod_source *ks_pod_source_create(const ks_generator *gen, uint32_t source,
                                    ks_engine *engine, ks_cluster *cluster,
                                    ks_rngs *rngs, ks_time end,
                                    ks_pod_created_fn created, void *ctx);
void ks_pod_source_destroy(ks_pod_source *src); /* accepts NULL */

/* Schedules the first arrival. */
void ks_pod_source_start(ks_pod_source *src);

/* Pods created so far. */
uint64_t ks_pod_source_count(const ks_pod_source *src);

#endif
