/* faults.h - when faults happen: timed faults and failure processes.
 *
 * The injector decides *when* each fault begins and ends and records it
 * (the /faults dataset); what a fault *does* (a node's kubelet and
 * containers stop, etcd members go down, ...) is the run's: it passes
 * begin/end handlers.  Two ways to give faults:
 *   - at a time, for a duration (or for good);
 *   - a failure process on a target: up for a draw of the time between
 *     failures (MTBF), down for a draw of the time to repair (MTTR), and
 *     so on until the end of the run.  A process on a group target (a
 *     zone, a rack) fails the whole group together: correlated failures
 *     are processes on groups.
 * Every draw comes from the stream the caller passes (the run's `faults`
 * stream), and each process draws its whole timeline when it is added, in
 * the order processes are added: the faults do not depend on what the
 * cluster does, so every scheduling policy of a comparison meets the same
 * faults (common random numbers).
 *
 * Ownership: the injector owns its records and target names; engine, rng
 * and the handlers' context are borrowed.  Its events stay in the engine:
 * destroy it only when the engine will not run again.
 */
#ifndef KS_FAULTS_H
#define KS_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/dist.h"
#include "sim/engine.h"

typedef enum ks_fault_kind {
    KS_FAULT_NODE_CRASH = 0,  /* the machine stops: kubelet and containers */
    KS_FAULT_KUBELET_STOP,    /* the kubelet stops, containers keep running */
    KS_FAULT_NODE_PARTITION,  /* the node cannot reach the control plane */
    KS_FAULT_ZONE_OUTAGE,     /* every node of a zone crashes */
    KS_FAULT_APISERVER_DOWN,  /* count apiserver replicas down */
    KS_FAULT_ETCD_DOWN,       /* count etcd members down */
    KS_FAULT_COUNT
} ks_fault_kind;

/* "nodeCrash", "kubeletStop", ... (the scenario's and /faults' names);
 * and the reverse (-1 if unknown). */
const char *ks_fault_kind_name(ks_fault_kind k);
int ks_fault_kind_lookup(const char *name);

/* What a fault does, given by the run.  begin returns 0 when it took
 * effect (a node that is already down, or unknown, returns non-zero and
 * the fault is recorded as not applied). */
typedef struct ks_fault_ops {
    int (*begin)(void *ctx, ks_fault_kind kind, const char *target,
                 int count);
    void (*end)(void *ctx, ks_fault_kind kind, const char *target,
                int count);
} ks_fault_ops;

/* One fault as it happened (/faults). */
typedef struct ks_fault_record {
    ks_time start;
    ks_time end;      /* KS_TIME_NEVER: lasted to the end of the run */
    ks_fault_kind kind;
    uint32_t target;  /* index in the target names */
    int32_t count;
    int applied;      /* begin took effect */
} ks_fault_record;

typedef struct ks_faults ks_faults;

ks_faults *ks_faults_create(ks_engine *e, gsl_rng *rng,
                            const ks_fault_ops *ops, void *ctx);
void ks_faults_destroy(ks_faults *f); /* accepts NULL */

/* A fault at `at` that ends after duration (KS_TIME_NEVER: never). */
void ks_faults_at(ks_faults *f, ks_time at, ks_fault_kind kind,
                  const char *target, int count, ks_time duration);

/* A failure process on target from `from` until `until`: failures
 * mtbf-draw apart (measured from the previous repair), each lasting an
 * mttr draw, both in seconds.  Draws now, in call order. */
void ks_faults_process(ks_faults *f, ks_fault_kind kind, const char *target,
                       int count, const ks_dist *mtbf, const ks_dist *mttr,
                       ks_time from, ks_time until);

/* The faults that began so far, in order of their start. */
const ks_fault_record *ks_faults_records(const ks_faults *f, size_t *n);
const char *ks_faults_target_name(const ks_faults *f, uint32_t i);

#endif
