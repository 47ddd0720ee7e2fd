/* deployment.h - the Deployment controller's decisions, as pure functions.
 *
 * Re-implements, from kube-controller-manager (kubernetes/kubernetes; the
 * copies read are cited in deployment.c):
 *   - ResolveFenceposts, MaxUnavailable, MaxSurge, NewRSNewReplicas,
 *     DeploymentComplete, MaxRevision (pkg/controller/deployment/util/
 *     deployment_util.go) and intstr.GetScaledValueFromIntOrPercent;
 *   - rolloutRolling, reconcileNewReplicaSet, reconcileOldReplicaSets,
 *     cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate
 *     (pkg/controller/deployment/rolling.go) and the creation of the new
 *     ReplicaSet by getNewReplicaSet (sync.go), which sizes it with
 *     NewRSNewReplicas in the same sync;
 *   - rolloutRecreate and oldPodsRunning (recreate.go);
 *   - cleanupDeployment (sync.go): revisionHistoryLimit;
 *   - scale, isScalingEvent (sync.go), FindActiveOrLatest, IsSaturated,
 *     GetProportion, SetReplicasAnnotations (deployment_util.go): a
 *     Deployment scaled in the middle of a rollout, or while paused, scales
 *     its active ReplicaSets in proportion;
 *   - DeploymentProgressing, DeploymentTimedOut, HasProgressDeadline
 *     (deployment_util.go) and requeueStuckDeployment (progress.go): the
 *     Progressing condition's arithmetic (deploy_controller.c keeps the
 *     condition itself);
 *   - deploymentRevision (kubectl polymorphichelpers/rollback.go): which
 *     ReplicaSet `kubectl rollout undo` takes the template of.
 *
 * How the lead calls it: describe the Deployment's ReplicaSets as an array
 * of ks_deploy_rs (spec.replicas, status.replicas, status.availableReplicas,
 * revision, creation time) with the new one (the one whose template matches
 * the Deployment) at new_idx, or new_idx = -1 when it does not exist yet.
 * ks_deploy_rolling_sync() / ks_deploy_recreate_sync() change the spec
 * replicas in the array (each change is one ReplicaSet update to send) and
 * say what they did.  The ReplicaSet controller then acts on those specs.
 * ks_deploy_rollout() is a deterministic driver that repeats syncs with
 * pods becoming available between them, for tests and what-if studies.
 *
 * No clock and no global state.  The caller owns every array.
 */
#ifndef KS_CONTROLLERS_DEPLOYMENT_H
#define KS_CONTROLLERS_DEPLOYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"
#include "sim/error.h"

/* apps/v1 defaults (pkg/apis/apps/v1/defaults.go). */
#define KS_DEPLOY_DEFAULT_REVISION_HISTORY_LIMIT 10

/* An intstr.IntOrString: unset (nil), an integer, or a string that must be
 * a percentage such as "25%". */
typedef enum ks_intstr_kind {
    KS_INTSTR_UNSET = 0,
    KS_INTSTR_INT,
    KS_INTSTR_STRING
} ks_intstr_kind;

typedef struct ks_intstr {
    ks_intstr_kind kind;
    int32_t ival;      /* KS_INTSTR_INT */
    const char *sval;  /* KS_INTSTR_STRING; borrowed */
} ks_intstr;

ks_intstr ks_intstr_int(int32_t v);
ks_intstr ks_intstr_str(const char *s);

/* GetScaledValueFromIntOrPercent: an int as is; "N%" scaled by total and
 * rounded up (round_up) or down.  Unset, or a string that is not "<int>%",
 * is KS_EINVAL. */
int ks_intstr_scaled(const ks_intstr *v, int total, bool round_up, int *out,
                     ks_error *err);

typedef enum ks_deploy_strategy {
    KS_DEPLOY_ROLLING_UPDATE = 0,
    KS_DEPLOY_RECREATE
} ks_deploy_strategy;

typedef struct ks_deploy_spec {
    int32_t replicas;
    ks_deploy_strategy strategy;
    ks_intstr max_surge;       /* RollingUpdate only */
    ks_intstr max_unavailable; /* RollingUpdate only */
    int32_t revision_history_limit; /* < 0: no limit (nil) */
} ks_deploy_spec;

/* ResolveFenceposts: surge rounds up, unavailable rounds down, an unset
 * value is 0, and when both resolve to 0 unavailable becomes 1. */
int ks_deploy_resolve_fenceposts(const ks_intstr *max_surge,
                                 const ks_intstr *max_unavailable,
                                 int32_t desired, int32_t *surge,
                                 int32_t *unavailable, ks_error *err);
/* MaxUnavailable: 0 for Recreate or 0 replicas, else the resolved value
 * capped at replicas (a bad value reads as 0, as upstream ignores the
 * error validation already caught). */
int32_t ks_deploy_max_unavailable(const ks_deploy_spec *d);
/* MaxSurge: 0 for Recreate, else the resolved surge. */
int32_t ks_deploy_max_surge(const ks_deploy_spec *d);

/* NewRSNewReplicas: RollingUpdate grows the new RS toward replicas +
 * maxSurge total pods (all_replicas = sum of spec.replicas of all RSs);
 * Recreate gives replicas. */
int ks_deploy_new_rs_new_replicas(const ks_deploy_spec *d,
                                  int32_t all_replicas,
                                  int32_t new_rs_replicas, int32_t *out,
                                  ks_error *err);

/* What the Deployment controller reads of one of its ReplicaSets. */
typedef struct ks_deploy_rs {
    int32_t replicas;        /* spec.replicas (written by the syncs) */
    int32_t status_replicas; /* status.replicas: its pods that exist */
    int32_t available;       /* status.availableReplicas */
    int64_t revision;        /* deployment.kubernetes.io/revision */
    ks_time created;         /* creationTimestamp: old RSs scale oldest first */
    bool deleted;            /* deletionTimestamp set / removed by cleanup */
    /* deployment.kubernetes.io/desired-replicas and max-replicas: every
     * scale and the creation set them (annotated false: absent) */
    bool annotated;
    int32_t desired_replicas;
    int32_t max_replicas;
} ks_deploy_rs;

/* cleanupUnhealthyReplicas: scales old RSs (all but new_idx), oldest first,
 * down by their unavailable pods, at most max_cleanup in total.  Returns
 * the count scaled down, or -1 when an RS has more available pods than
 * replicas (upstream's "invalid request" error; the RSs already scaled stay
 * scaled). */
int32_t ks_deploy_cleanup_unhealthy(ks_deploy_rs *rs, size_t n, int new_idx,
                                    int32_t max_cleanup);
/* scaleDownOldReplicaSetsForRollingUpdate: when the available pods of all
 * RSs exceed minAvailable = replicas - MaxUnavailable, scales old RSs down,
 * oldest first, by the excess.  Returns the count scaled down. */
int32_t ks_deploy_scale_down_old_rolling(const ks_deploy_spec *d,
                                         ks_deploy_rs *rs, size_t n,
                                         int new_idx);
/* reconcileNewReplicaSet: sets rs[new_idx].replicas; *scaled tells if it
 * changed. */
int ks_deploy_reconcile_new(const ks_deploy_spec *d, ks_deploy_rs *rs,
                            size_t n, int new_idx, bool *scaled,
                            ks_error *err);
/* reconcileOldReplicaSets: maxScaledDown = all - minAvailable -
 * (new.replicas - new.available); if > 0, cleanupUnhealthy then
 * scaleDownOldRolling.  Returns the total scaled down (0: nothing). */
int32_t ks_deploy_reconcile_old(const ks_deploy_spec *d, ks_deploy_rs *rs,
                                size_t n, int new_idx);

typedef enum ks_deploy_action {
    KS_DEPLOY_NOTHING = 0,     /* steady: nothing to scale */
    KS_DEPLOY_SCALED_UP_NEW,   /* the new RS grew (or shrank to replicas) */
    KS_DEPLOY_SCALED_DOWN_OLD, /* old RSs shrank */
    KS_DEPLOY_WAIT_OLD_PODS,   /* Recreate: old pods still running */
    KS_DEPLOY_CREATED_NEW      /* Recreate: the new RS was created */
} ks_deploy_action;

/* What one sync did. */
typedef struct ks_deploy_sync_result {
    ks_deploy_action action;
    bool created_new;    /* the new RS was created in this sync */
    int new_idx;         /* index of the new RS after the sync */
    int32_t scaled_down; /* old replicas removed in this sync */
} ks_deploy_sync_result;

/* One rolloutRolling sync.  When *new_idx < 0 the new RS is created first
 * (getNewReplicaSet): the caller provides room for it at rs[*n] (capacity
 * cap), it gets revision max+1, created = now, replicas = NewRSNewReplicas,
 * and *n and *new_idx are updated; the same sync then goes on as upstream
 * does.  Then: scale the new RS if it can; otherwise scale old RSs down. */
int ks_deploy_rolling_sync(const ks_deploy_spec *d, ks_deploy_rs *rs,
                           size_t *n, size_t cap, int *new_idx, ks_time now,
                           ks_deploy_sync_result *out, ks_error *err);

/* One rolloutRecreate sync: scale every old RS to 0; then wait while old
 * pods run (old_pods_running: pods of old RSs whose phase is not
 * Succeeded/Failed, Terminating and Unknown included); then create the new
 * RS (room at rs[*n] as above) or scale it to replicas. */
int ks_deploy_recreate_sync(const ks_deploy_spec *d, ks_deploy_rs *rs,
                            size_t *n, size_t cap, int *new_idx,
                            int32_t old_pods_running, ks_time now,
                            ks_deploy_sync_result *out, ks_error *err);

/* oldPodsRunning: the old RSs' status.replicas sum > 0, or any old pod not
 * Succeeded/Failed. */
bool ks_deploy_old_pods_running(const ks_deploy_rs *rs, size_t n, int new_idx,
                                int32_t old_pods_not_terminal);

/* DeploymentComplete: updated == replicas, status replicas == replicas,
 * available == replicas (and the observed generation is current, which the
 * caller checks). */
bool ks_deploy_complete(int32_t replicas, int32_t updated,
                        int32_t status_replicas, int32_t available);

/* MaxRevision + 1: the revision of a newly created (or adopted) new RS. */
int64_t ks_deploy_next_revision(const ks_deploy_rs *rs, size_t n,
                                int new_idx);

/* cleanupDeployment: when the old RSs not being deleted exceed
 * revisionHistoryLimit by diff, looks at the diff with the lowest revision
 * (ties: older creation first) and deletes those with 0 spec and status
 * replicas.  Writes their indices to out (room for n) in deletion order,
 * marks them deleted, and returns how many. */
size_t ks_deploy_cleanup_history(const ks_deploy_spec *d, ks_deploy_rs *rs,
                                 size_t n, int new_idx, size_t *out);

/* ---- scaling (sync.go scale) ------------------------------------------ */

/* SetReplicasAnnotations: desired = d->replicas, max = d->replicas +
 * MaxSurge.  Returns true when they changed.  The syncs above call it for
 * every ReplicaSet whose replicas they change and for a created one (as
 * scaleReplicaSet and SetNewReplicaSetAnnotations do). */
bool ks_deploy_set_replicas_annotations(const ks_deploy_spec *d,
                                        ks_deploy_rs *r);

/* isScalingEvent: an active ReplicaSet (replicas > 0) annotated with
 * desired replicas other than d->replicas. */
bool ks_deploy_is_scaling_event(const ks_deploy_spec *d,
                                const ks_deploy_rs *rs, size_t n);

/* IsSaturated: the RS is annotated desired == replicas == available ==
 * d->replicas. */
bool ks_deploy_is_saturated(const ks_deploy_spec *d, const ks_deploy_rs *r);

/* GetProportion with getReplicaSetFraction: the replicas to add to (or,
 * negative, remove from) r when to_add are to be spread and added already
 * went to the RSs before it: r's share is replicas * (d->replicas +
 * MaxSurge) / its max-replicas annotation, rounded half away from zero
 * (status_replicas, the Deployment's status.replicas, when r has none),
 * capped by what is left of to_add.  A share over a zero base is 0 (the
 * upstream division by zero cannot happen with the annotations this
 * controller writes). */
int32_t ks_deploy_proportion(const ks_deploy_spec *d, const ks_deploy_rs *r,
                             int32_t status_replicas, int32_t to_add,
                             int32_t added);

/* scale(): the sync of a paused Deployment or of a scaling event.
 *   - FindActiveOrLatest: with at most one active RS (the newest RS when
 *     none is active, the new one first), it alone goes to d->replicas;
 *   - else a saturated new RS (IsSaturated) has every active old RS go to
 *     0;
 *   - else, for RollingUpdate, the active RSs share to_add = (d->replicas
 *     + MaxSurge, or 0 when scaling to 0) - their replicas in proportion,
 *     biggest first (ties: newest first when adding, oldest first when
 *     removing), and the first of that order takes the rounding leftover
 *     (not below 0); each gets the replica annotations.
 * Changes rs[].replicas and the annotations (the writes to send: every RS
 * whose replicas or annotations differ from the store's); returns the
 * number of RSs whose replicas changed. */
int ks_deploy_scale(const ks_deploy_spec *d, ks_deploy_rs *rs, size_t n,
                    int new_idx, int32_t status_replicas);

/* ---- progress (the Progressing condition) ----------------------------- */

/* Upstream's condition reasons (deployment_util.go). */
#define KS_DEPLOY_REASON_RS_UPDATED "ReplicaSetUpdated"
#define KS_DEPLOY_REASON_NEW_RS_CREATED "NewReplicaSetCreated"
#define KS_DEPLOY_REASON_FOUND_NEW_RS "FoundNewReplicaSet"
#define KS_DEPLOY_REASON_NEW_RS_AVAILABLE "NewReplicaSetAvailable"
#define KS_DEPLOY_REASON_TIMED_OUT "ProgressDeadlineExceeded"
#define KS_DEPLOY_REASON_PAUSED "DeploymentPaused"
#define KS_DEPLOY_REASON_RESUMED "DeploymentResumed"
#define KS_DEPLOY_REASON_MIN_AVAILABLE "MinimumReplicasAvailable"
#define KS_DEPLOY_REASON_MIN_UNAVAILABLE "MinimumReplicasUnavailable"

/* The status counts calculateStatus takes from the ReplicaSets. */
typedef struct ks_deploy_counts {
    int32_t replicas;  /* status.replicas */
    int32_t updated;   /* the new RS's status.replicas */
    int32_t ready;
    int32_t available;
} ks_deploy_counts;

/* HasProgressDeadline: progressDeadlineSeconds set and not MaxInt32 (here:
 * > 0, which validation requires, and not INT32_MAX). */
bool ks_deploy_has_progress_deadline(int32_t deadline_s);

/* DeploymentProgressing: more updated, ready or available pods, or fewer
 * old ones (replicas - updated), than before. */
bool ks_deploy_progressing(const ks_deploy_counts *before,
                           const ks_deploy_counts *now);

/* DeploymentTimedOut from the Progressing condition (reason NULL: none):
 * never after NewReplicaSetAvailable, always once ProgressDeadlineExceeded,
 * else when last_update + deadline is strictly before now. */
bool ks_deploy_timed_out(int32_t deadline_s, const char *reason,
                         ks_time last_update, ks_time now);

/* requeueStuckDeployment: when to look again at a rollout whose status did
 * not change.  -1: not at all (no deadline or condition, complete, timed
 * out); 0: now, rate-limited (less than a second left); else the delay,
 * last_update + deadline - now plus upstream's extra second. */
ks_time ks_deploy_progress_recheck(int32_t deadline_s, const char *reason,
                                   ks_time last_update, bool complete,
                                   ks_time now);

/* ---- rollback ---------------------------------------------------------- */

/* deploymentRevision (kubectl rollback.go), over the Deployment's RSs in
 * kubectl's order (the old ones by creation, then the new one): to_revision
 * 0 asks for the previous revision, the second highest (kubectl's one-pass
 * scan: of two RSs with the same highest revision, the later is the
 * previous one), else the first RS with that revision.  Returns its index,
 * -1 when to_revision is not found (or negative), -2 when 0 finds no
 * previous revision. */
int ks_deploy_rollback_target(const ks_deploy_rs *rs, size_t n,
                              int64_t to_revision);

/* One (old, new) point of a rollout: the sum of the old RSs' spec replicas
 * and the new RS's, after a sync that changed something. */
typedef struct ks_deploy_step {
    int32_t old_replicas;
    int32_t new_replicas;
} ks_deploy_step;

/* A deterministic rolling-update driver: one old RS with old_replicas pods,
 * all available, and a Deployment d whose template just changed (no new RS
 * yet).  Repeats rolling syncs; after each sync every RS's available count
 * becomes its spec replicas (lag 0: pods are available at once) or, for
 * lag >= 1, the smaller of its spec replicas before and after the sync
 * (pods created in a sync become available after the next sync; deleted
 * pods are gone at once).  Records (old, new)
 * after every sync that changed something, up to max_steps entries, and
 * stops when a sync does nothing.  Returns the number of steps recorded,
 * or a negative ks_err (KS_ERANGE when max_steps or 1000 syncs are not
 * enough). */
int ks_deploy_rollout(const ks_deploy_spec *d, int32_t old_replicas, int lag,
                      ks_deploy_step *steps, int max_steps, ks_error *err);

#endif
