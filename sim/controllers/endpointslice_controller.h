/* endpointslice_controller.h - the EndpointSlice controller on the store.
 *
 * pkg/controller/endpointslice (k8s-control-loop.md section 4.1): for each
 * Service with a selector, the pods of its namespace that the selector
 * matches and that are bound to a node and not terminal are its endpoints,
 * each with its readiness (the pod's Ready condition).  The controller
 * keeps one EndpointSlice object per Service (named after it, owned by it
 * so that deleting the Service collects the slice) and rewrites it when
 * the endpoints change; Service and Pod events trigger a sync at once
 * (EndpointUpdatesBatchPeriod 0 by default).
 *
 * Simplified: one slice per Service whatever its size (upstream splits at
 * maxEndpointsPerSlice = 100; kube-proxy merges them, so the endpoints
 * seen are the same), no terminating/serving conditions, no ports.
 *
 * Ownership: owns its watches; borrows engine and store (ks_kinds_install
 * on it first).
 */
#ifndef KS_ENDPOINTSLICE_CONTROLLER_H
#define KS_ENDPOINTSLICE_CONTROLLER_H

#include "sim/engine.h"
#include "sim/store.h"

typedef struct ks_endpointslice_controller ks_endpointslice_controller;

ks_endpointslice_controller *ks_endpointslice_controller_create(
    ks_engine *e, ks_store *s, ks_time watch_delay);
void ks_endpointslice_controller_destroy(ks_endpointslice_controller *c);

/* Slice writes made (for tests). */
uint64_t ks_endpointslice_controller_writes(
    const ks_endpointslice_controller *c);

#endif
