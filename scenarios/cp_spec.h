/* cp_spec.h - the scenario keys of a cluster simulated on the store:
 * spec.controlPlane, spec.traffic and spec.actions (docs/scenario.md,
 * "Whole cluster").
 *
 * With spec.controlPlane a run simulates the control loop of
 * docs/control-loop.md: manifests' Deployments, ReplicaSets, Jobs and
 * Services become objects in the store, controllers, the scheduler,
 * kubelets and kube-proxy act on them, Services get request traffic and
 * users act on the cluster at given times (scale, roll out, cordon, ...),
 * each action authorized by RBAC.
 *
 * Ownership: ks_cp_spec owns its strings and arrays (ks_cp_spec_free).
 */
#ifndef KS_CP_SPEC_H
#define KS_CP_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/proxy.h"

struct ks_yt_ctx;
struct ks_yt_node;
struct ks_scenario;

/* The container runtimes' start-latency profiles (k8s-control-loop.md
 * section 8: sandbox + CNI, then create + start). */
typedef enum ks_cp_runtime {
    KS_RUNTIME_CONTAINERD = 0,
    KS_RUNTIME_CRIO,
    KS_RUNTIME_DOCKER
} ks_cp_runtime;

/* One step of a traffic profile: from `at` on, rate requests per
 * second (>= 0). */
typedef struct ks_cp_rate_step {
    ks_time at;
    double rate;
} ks_cp_rate_step;

/* spec.traffic[i]: requests to a Service.  The rate over time is
 * piecewise constant: `rate` from 0 until the first profile step (which
 * may be at 0s: then `rate` is not given and takes that step's rate),
 * then each step's rate from its time on.  It drives the Service's
 * request stream (sim/traffic.h) and the CPU usage of the workload whose
 * pods the Service selects (sim/usage.h; scenarios/cp_run.h). */
typedef struct ks_cp_traffic {
    char *namespace_name; /* "default" when not given */
    char *service;
    double rate;          /* requests per second at t = 0 (>= 0) */
    ks_cp_rate_step *profile; /* strictly increasing times; may be NULL */
    size_t nprofile;
    int line, col;        /* where the item is, for run-time errors */
} ks_cp_traffic;

/* The item's rate at time t. */
double ks_cp_traffic_rate_at(const ks_cp_traffic *t, ks_time t_at);

typedef enum ks_cp_action_kind {
    KS_ACT_SCALE = 0, /* Deployment/ReplicaSet replicas */
    KS_ACT_SET_IMAGE, /* a Deployment's template image: a rollout */
    KS_ACT_PAUSE,
    KS_ACT_RESUME,
    KS_ACT_CORDON,
    KS_ACT_UNCORDON,
    KS_ACT_DRAIN,     /* cordon, then delete the node's pods */
    KS_ACT_DELETE,    /* any object by kind and name */
    KS_ACT_ROLLBACK,  /* kubectl rollout undo [--to-revision] */
    KS_ACT_COUNT
} ks_cp_action_kind;

/* spec.actions[i]. */
typedef struct ks_cp_action {
    ks_time at;
    ks_cp_action_kind kind;
    char *as;             /* identity (scenarios/rbac_manifests.h) */
    char *object_kind;    /* "Deployment", "Node", ... */
    char *namespace_name; /* NULL for cluster-scoped kinds */
    char *name;
    int32_t replicas;     /* scale */
    char *image;          /* setImage */
    int64_t to_revision;  /* rollback: 0 = the previous revision */
    int line, col;        /* where the action is, for run-time errors */
} ks_cp_action;

typedef struct ks_cp_spec {
    /* spec.controlPlane */
    int etcd_members;          /* default 1 */
    ks_time watch_delay;       /* every informer's delivery delay (0) */
    float controller_qps;      /* controller-manager client, default 20 */
    int controller_burst;      /* default 30 */
    ks_cp_runtime runtime;     /* default containerd */
    ks_time sandbox_latency;   /* from the runtime unless given */
    ks_time start_latency;
    double pull_bandwidth;     /* bytes per second, default 100 MB/s */
    ks_time pull_overhead;     /* per pull, default 0 */
    unsigned max_parallel_pulls; /* 0 or 1: serialized (default) */
    ks_proxy_mode proxy_mode;  /* default iptables */
    ks_time proxy_min_sync;    /* default 1 s */
    ks_time proxy_delay;       /* EndpointSlice -> kube-proxy watch */
    char **rbac_files;         /* RBAC manifests (paths resolved) */
    size_t nrbac_files;
    ks_cp_traffic *traffic;
    size_t ntraffic;
    ks_cp_action *actions;     /* sorted by time (stable) */
    size_t nactions;
} ks_cp_spec;

/* Loads spec.controlPlane (n), spec.traffic and spec.actions (either may
 * be NULL) into sc->control_plane.  traffic or actions without
 * controlPlane are errors (the caller passes them anyway). */
int ks_cp_spec_load(const struct ks_yt_ctx *c, const struct ks_yt_node *n,
                    const struct ks_yt_node *traffic,
                    const struct ks_yt_node *actions,
                    struct ks_scenario *sc);

void ks_cp_spec_free(ks_cp_spec *cp); /* accepts NULL */

const char *ks_cp_action_name(ks_cp_action_kind k);

#endif
