/* cluster.c - nodes and pods as flat arrays with incremental accounting.
 *
 * Binding adds a pod's requests to its node and to the cluster totals;
 * completion subtracts them.  Nothing here rescans pods except
 * ks_cluster_check, which exists to verify those incremental sums.
 */
#include "sim/cluster.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/error.h"
#include "sim/gpu.h"
#include "sim/xalloc.h"

ks_cluster *ks_cluster_create(void)
{
    return ks_xcalloc(1, sizeof(ks_cluster));
}

void ks_cluster_destroy(ks_cluster *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nnodes; i++) {
        free(c->nodes[i].name);
        ks_node_info_free(&c->node_info[i]);
        free(c->node_pods[i].pods);
    }
    free(c->nodes);
    free(c->node_info);
    free(c->node_pods);
    for (size_t i = 0; i < c->nspecs; i++) {
        ks_pod_spec_free(c->specs[i]);
        free(c->specs[i]);
    }
    free(c->specs);
    for (size_t i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    free(c->strings);
    free(c->pdbs);
    free(c->prio_value);
    free(c->prio_running);
    free(c->pods);
    free(c->gpu_free);
    free(c);
}

uint32_t ks_cluster_add_node(ks_cluster *c, const char *name,
                             const int64_t allocatable[KS_RES_COUNT],
                             uint32_t pool)
{
    if (c->nnodes == c->nodes_cap) {
        size_t cap = c->nodes_cap;
        c->nodes = ks_xgrow(c->nodes, &c->nodes_cap, c->nnodes + 1,
                            sizeof(ks_node));
        size_t cap2 = cap;
        c->node_info = ks_xgrow(c->node_info, &cap, c->nnodes + 1,
                                sizeof(ks_node_info));
        c->node_pods = ks_xgrow(c->node_pods, &cap2, c->nnodes + 1,
                                sizeof(ks_node_pods));
    }
    c->node_info[c->nnodes] = (ks_node_info){0};
    c->node_info_version++;
    c->node_pods[c->nnodes] = (ks_node_pods){0};
    ks_node *n = &c->nodes[c->nnodes];
    *n = (ks_node){0};
    n->name = ks_xstrdup(name);
    n->pool = pool;
    for (int r = 0; r < KS_RES_COUNT; r++) {
        n->allocatable[r] = allocatable[r];
        c->total_allocatable[r] += allocatable[r];
    }
    return (uint32_t)c->nnodes++;
}

void ks_cluster_set_node_gpus(ks_cluster *c, uint32_t node, unsigned count,
                              int model)
{
    ks_node *n = &c->nodes[node];
    if (count > KS_MAX_NODE_GPUS)
        count = KS_MAX_NODE_GPUS;
    c->gpu_free = ks_xgrow(c->gpu_free, &c->gpus_cap, c->ngpus + count,
                           sizeof *c->gpu_free);
    n->gpu_first = (uint32_t)c->ngpus;
    n->gpu_count = (uint8_t)count;
    n->gpu_model = model > 0 && model <= KS_MAX_GPU_MODELS ? (uint8_t)model
                                                           : 0;
    for (unsigned i = 0; i < count; i++)
        c->gpu_free[c->ngpus++] = KS_GPU_MILLI;
    n->gpu_free_total = (int64_t)count * KS_GPU_MILLI;
    c->total_gpu_milli += n->gpu_free_total;
    n->version++;
}

void ks_cluster_set_pod_gpus(ks_cluster *c, uint32_t pod, unsigned count,
                             unsigned milli, uint64_t models)
{
    ks_pod *p = &c->pods[pod];
    if (count > KS_MAX_NODE_GPUS)
        count = KS_MAX_NODE_GPUS;
    if (milli > KS_GPU_MILLI)
        milli = KS_GPU_MILLI;
    p->gpu_count = (uint8_t)(milli ? count : 0);
    p->gpu_milli = (uint16_t)(count ? milli : 0);
    p->gpu_models = models;
    p->gpu_mask = 0;
}

/* Takes the pod's GPU milli from its chosen GPUs on its node (sign +1) or
 * gives it back (-1). */
static void account_gpus(ks_cluster *c, ks_pod *p, ks_node *n, int sign)
{
    if (p->gpu_count == 0)
        return;
    if (sign > 0 && !ks_gpu_choice_valid(c, (uint32_t)(n - c->nodes), p,
                                         p->gpu_mask))
        p->gpu_mask = ks_gpu_select_best(c, (uint32_t)(n - c->nodes), p);
    for (unsigned i = 0; i < n->gpu_count; i++)
        if (p->gpu_mask & (UINT32_C(1) << i)) {
            c->gpu_free[n->gpu_first + i] =
                (uint16_t)(c->gpu_free[n->gpu_first + i] -
                           sign * (int)p->gpu_milli);
            n->gpu_free_total -= sign * (int64_t)p->gpu_milli;
            c->used_gpu_milli += sign * (int64_t)p->gpu_milli;
        }
}

void ks_cluster_set_node_info(ks_cluster *c, uint32_t node, ks_node_info *info)
{
    ks_node_info_free(&c->node_info[node]);
    c->node_info[node] = *info;
    *info = (ks_node_info){0};
    c->node_info_version++;
}

void ks_cluster_add_pdb(ks_cluster *c, const ks_pdb *pdb)
{
    c->pdbs = ks_xrealloc(c->pdbs, (c->npdbs + 1) * sizeof *c->pdbs);
    c->pdbs[c->npdbs++] = *pdb;
}

const char *ks_cluster_keep_string(ks_cluster *c, char *s)
{
    c->strings = ks_xgrow(c->strings, &c->strings_cap, c->nstrings + 1,
                          sizeof *c->strings);
    c->strings[c->nstrings++] = s;
    return s;
}

const ks_pod_spec *ks_cluster_adopt_spec(ks_cluster *c, ks_pod_spec *spec)
{
    c->specs = ks_xrealloc(c->specs, (c->nspecs + 1) * sizeof *c->specs);
    c->specs[c->nspecs++] = spec;
    return spec;
}

/* The scheduler scores with defaults for missing CPU and memory requests
 * (pkg/scheduler/util/pod_resources.go GetNonzeroRequests, v1.36): 100m
 * and 200Mi, only when the request is absent, not when it is an explicit 0. */
static int64_t nonzero_request(int r, int64_t request)
{
    if (request >= 0)
        return request;
    if (r == KS_RES_CPU)
        return KS_DEFAULT_MILLI_CPU_REQUEST;
    if (r == KS_RES_MEMORY)
        return KS_DEFAULT_MEMORY_REQUEST;
    return 0;
}

uint32_t ks_cluster_add_pod(ks_cluster *c, ks_time now,
                            const int64_t request[KS_RES_COUNT],
                            ks_time duration, uint32_t source,
                            uint32_t ordinal)
{
    c->pods = ks_xgrow(c->pods, &c->pods_cap, c->npods + 1, sizeof(ks_pod));
    ks_pod *p = &c->pods[c->npods];
    *p = (ks_pod){0};
    for (int r = 0; r < KS_RES_COUNT; r++) {
        int64_t req = r == KS_RES_PODS ? 1 : request[r];
        p->request[r] = req < 0 ? 0 : req;
        p->nonzero_request[r] = r == KS_RES_PODS ? 1 : nonzero_request(r, req);
    }
    p->duration = duration;
    p->submit = now;
    p->scheduled = p->start = p->end = -1;
    p->node = KS_NO_NODE;
    p->nominated_node = KS_NO_NODE;
    p->preempted_by = KS_NO_POD;
    p->source = source;
    p->ordinal = ordinal;
    p->phase = KS_POD_PENDING;
    c->pending++;
    return (uint32_t)c->npods++;
}

/* Counts pod's requests on node and lists it there. */
static void add_to_node(ks_cluster *c, uint32_t pod, uint32_t node)
{
    ks_pod *p = &c->pods[pod];
    ks_node *n = &c->nodes[node];
    n->version++;
    account_gpus(c, p, n, +1);
    for (int r = 0; r < KS_RES_COUNT; r++) {
        n->requested[r] += p->request[r];
        n->nonzero_requested[r] += p->nonzero_request[r];
    }
    ks_node_pods *np = &c->node_pods[node];
    if (np->n == np->cap) {
        size_t cap = np->cap;
        np->pods = ks_xgrow(np->pods, &cap, (size_t)np->n + 1, sizeof(uint32_t));
        np->cap = (uint32_t)cap;
    }
    p->node_pos = np->n;
    np->pods[np->n++] = pod;
}

/* The reverse of add_to_node for the pod's node. */
static void remove_from_node(ks_cluster *c, uint32_t pod)
{
    ks_pod *p = &c->pods[pod];
    ks_node *n = &c->nodes[p->node];
    n->version++;
    account_gpus(c, p, n, -1);
    for (int r = 0; r < KS_RES_COUNT; r++) {
        n->requested[r] -= p->request[r];
        n->nonzero_requested[r] -= p->nonzero_request[r];
    }
    ks_node_pods *np = &c->node_pods[p->node];
    uint32_t last = np->pods[--np->n];
    np->pods[p->node_pos] = last;
    c->pods[last].node_pos = p->node_pos;
}

/* Adds delta to the running count of priority prio. */
static void count_priority(ks_cluster *c, int32_t prio, long delta)
{
    size_t i = 0;
    while (i < c->nprio && c->prio_value[i] != prio)
        i++;
    if (i == c->nprio) {
        size_t cap = c->prio_cap;
        c->prio_value = ks_xgrow(c->prio_value, &c->prio_cap, c->nprio + 1,
                                 sizeof *c->prio_value);
        c->prio_running = ks_xgrow(c->prio_running, &cap, c->nprio + 1,
                                   sizeof *c->prio_running);
        c->prio_value[i] = prio;
        c->prio_running[i] = 0;
        c->nprio++;
    }
    c->prio_running[i] = (size_t)((long)c->prio_running[i] + delta);
}

int32_t ks_cluster_lowest_running_priority(const ks_cluster *c)
{
    int32_t lowest = INT32_MAX;
    for (size_t i = 0; i < c->nprio; i++)
        if (c->prio_running[i] > 0 && c->prio_value[i] < lowest)
            lowest = c->prio_value[i];
    return lowest;
}

void ks_cluster_bind(ks_cluster *c, uint32_t pod, uint32_t node, ks_time now)
{
    ks_pod *p = &c->pods[pod];
    add_to_node(c, pod, node);
    for (int r = 0; r < KS_RES_COUNT; r++)
        c->total_requested[r] += p->request[r];
    p->node = node;
    p->nominated_node = KS_NO_NODE;
    p->scheduled = now;
    p->phase = KS_POD_RUNNING;
    count_priority(c, p->priority, 1);
    c->pending--;
    c->running++;
}

void ks_cluster_start(ks_cluster *c, uint32_t pod, ks_time now)
{
    c->pods[pod].start = now;
}

/* Releases a running pod's resources and ends it in phase. */
static void finish(ks_cluster *c, uint32_t pod, ks_time now, uint8_t phase)
{
    ks_pod *p = &c->pods[pod];
    remove_from_node(c, pod);
    for (int r = 0; r < KS_RES_COUNT; r++)
        c->total_requested[r] -= p->request[r];
    p->end = now;
    p->phase = phase;
    p->terminating = 0;
    count_priority(c, p->priority, -1);
    c->running--;
}

void ks_cluster_complete(ks_cluster *c, uint32_t pod, ks_time now)
{
    finish(c, pod, now, KS_POD_SUCCEEDED);
    c->succeeded++;
}

void ks_cluster_evict(ks_cluster *c, uint32_t pod, ks_time now)
{
    finish(c, pod, now, KS_POD_PREEMPTED);
    c->preempted++;
}

void ks_cluster_drop(ks_cluster *c, uint32_t pod, ks_time now)
{
    ks_pod *p = &c->pods[pod];
    if (p->phase != KS_POD_PENDING)
        return;
    p->phase = KS_POD_DROPPED;
    p->end = now;
    c->pending--;
    c->dropped++;
}

void ks_cluster_detach(ks_cluster *c, uint32_t pod)
{
    remove_from_node(c, pod);
}

void ks_cluster_attach(ks_cluster *c, uint32_t pod)
{
    add_to_node(c, pod, c->pods[pod].node);
}

int ks_cluster_check(const ks_cluster *c, char *why, size_t why_size)
{
    int64_t(*sum)[2][KS_RES_COUNT] =
        ks_xcalloc(c->nnodes ? c->nnodes : 1, sizeof *sum);
    size_t phase_count[5] = {0, 0, 0, 0, 0};
    int rc = 0;
    for (size_t i = 0; i < c->npods && rc == 0; i++) {
        const ks_pod *p = &c->pods[i];
        if (p->phase > KS_POD_DROPPED) {
            snprintf(why, why_size, "pod %zu has bad phase %d", i, p->phase);
            rc = KS_ESTATE;
            break;
        }
        phase_count[p->phase]++;
        if (p->phase != KS_POD_RUNNING)
            continue;
        if (p->node >= c->nnodes) {
            snprintf(why, why_size, "running pod %zu has no node", i);
            rc = KS_ESTATE;
            break;
        }
        for (int r = 0; r < KS_RES_COUNT; r++) {
            sum[p->node][0][r] += p->request[r];
            sum[p->node][1][r] += p->nonzero_request[r];
        }
    }
    for (size_t n = 0; n < c->nnodes && rc == 0; n++) {
        const ks_node *node = &c->nodes[n];
        for (int r = 0; r < KS_RES_COUNT && rc == 0; r++) {
            if (sum[n][0][r] != node->requested[r] ||
                sum[n][1][r] != node->nonzero_requested[r]) {
                snprintf(why, why_size, "node %s: %s requested %lld, pods sum %lld",
                         node->name, ks_resource_name(r),
                         (long long)node->requested[r],
                         (long long)sum[n][0][r]);
                rc = KS_ESTATE;
            } else if (node->requested[r] > node->allocatable[r]) {
                snprintf(why, why_size, "node %s: %s requested %lld > allocatable %lld",
                         node->name, ks_resource_name(r),
                         (long long)node->requested[r],
                         (long long)node->allocatable[r]);
                rc = KS_ESTATE;
            }
        }
    }
    for (size_t n = 0; n < c->nnodes && rc == 0; n++) {
        const ks_node_pods *np = &c->node_pods[n];
        if ((int64_t)np->n != c->nodes[n].requested[KS_RES_PODS]) {
            snprintf(why, why_size, "node %s: pod list has %u pods, count %lld",
                     c->nodes[n].name, np->n,
                     (long long)c->nodes[n].requested[KS_RES_PODS]);
            rc = KS_ESTATE;
        }
        for (uint32_t k = 0; k < np->n && rc == 0; k++) {
            const ks_pod *p = &c->pods[np->pods[k]];
            if (p->node != n || p->node_pos != k ||
                p->phase != KS_POD_RUNNING) {
                snprintf(why, why_size, "node %s: pod list entry %u is stale",
                         c->nodes[n].name, k);
                rc = KS_ESTATE;
            }
        }
    }
    if (rc == 0 && (phase_count[KS_POD_PENDING] != c->pending ||
                    phase_count[KS_POD_RUNNING] != c->running ||
                    phase_count[KS_POD_SUCCEEDED] != c->succeeded ||
                    phase_count[KS_POD_PREEMPTED] != c->preempted ||
                    phase_count[KS_POD_DROPPED] != c->dropped)) {
        snprintf(why, why_size, "phase counters disagree with pods");
        rc = KS_ESTATE;
    }
    free(sum);
    return rc;
}
