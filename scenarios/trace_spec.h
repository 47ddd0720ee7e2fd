/* trace_spec.h - the scenario language's trace keys (docs/scenario.md):
 * spec.cluster.traceNodes and spec.workloads[i].trace, loaded into the
 * scenario's trace_nodes and traces (scenarios/scenario.h).  Used by the
 * loader only. */
#ifndef KS_TRACE_SPEC_H
#define KS_TRACE_SPEC_H

#include "scenarios/scenario.h"
#include "scenarios/yaml_tree.h"

/* spec.cluster.traceNodes: reads the node list into sc->trace_nodes. */
int ks_trace_spec_load_nodes(const ks_yt_ctx *c, const ks_yt_node *n,
                             ks_scenario *sc);

/* spec.workloads[index].trace: appends to sc->traces (allocated by the
 * caller for every workload) and reads the file. */
int ks_trace_spec_load_workload(const ks_yt_ctx *c, const ks_yt_node *n,
                                size_t index, ks_scenario *sc);

/* Frees what the two loaded. */
void ks_trace_spec_free(ks_scenario *sc);

#endif
