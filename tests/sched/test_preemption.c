/* test_preemption.c - DefaultPreemption through the scheduler: which node
 * and which victims, as upstream's pickOneNodeForPreemption and
 * SelectVictimsOnNode decide (defaultpreemption/default_preemption.go and
 * preemption/preemption.go, v1.36).  Each case builds the situation one
 * criterion of the node choice decides. */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "policies/k8s/defaultpreemption.h"
#include "sched/scheduler.h"
#include "sim/cluster.h"
#include "sim/engine.h"
#include "sim/xalloc.h"
#include "tests/test_util.h"

typedef struct pfix {
    ks_engine *engine;
    ks_cluster *cluster;
    gsl_rng *tiebreak;
    gsl_rng *preempt;
    ks_scheduler *sched;
    uint32_t evicted[16];
    int nevicted;
} pfix;

static void bind_cb(void *ctx, uint32_t pod, uint32_t node)
{
    pfix *f = ctx;
    ks_cluster_bind(f->cluster, pod, node, ks_engine_now(f->engine));
}

static void on_gone(ks_engine *e, void *ctx, uint64_t pod)
{
    pfix *f = ctx;
    ks_cluster_evict(f->cluster, (uint32_t)pod, ks_engine_now(e));
    ks_scheduler_assigned_pod_deleted(f->sched, (uint32_t)pod);
}

static void evict_cb(void *ctx, uint32_t victim, uint32_t preemptor)
{
    (void)preemptor;
    pfix *f = ctx;
    if (f->nevicted < 16)
        f->evicted[f->nevicted++] = victim;
    ks_engine_after(f->engine, 30 * KS_SECOND, on_gone, f, victim);
}

/* nnodes nodes of cpu millicores; the default profile (Fit + preemption). */
static void setup(pfix *f, int nnodes, int64_t cpu)
{
    *f = (pfix){0};
    f->engine = ks_engine_create();
    f->cluster = ks_cluster_create();
    f->tiebreak = gsl_rng_alloc(gsl_rng_mt19937);
    f->preempt = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < nnodes; i++) {
        const int64_t alloc[KS_RES_COUNT] = {cpu, 1LL << 34, 110};
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        ks_cluster_add_node(f->cluster, name, alloc, 0);
    }
    ks_scheduler_config cfg = ks_scheduler_default_config();
    f->sched = ks_scheduler_create(f->engine, f->cluster, f->tiebreak, &cfg,
                                   bind_cb, f);
    ks_scheduler_set_evict(f->sched, evict_cb, f, f->preempt);
}

static void teardown(pfix *f)
{
    ks_scheduler_destroy(f->sched);
    ks_cluster_destroy(f->cluster);
    ks_engine_destroy(f->engine);
    gsl_rng_free(f->tiebreak);
    gsl_rng_free(f->preempt);
}

/* A pod of cpu and priority bound directly to node, started at start. */
static uint32_t running(pfix *f, uint32_t node, int64_t cpu, int32_t prio,
                        ks_time start)
{
    const int64_t req[KS_RES_COUNT] = {cpu, 1 << 20, -1};
    uint32_t p = ks_cluster_add_pod(f->cluster, 0, req, KS_HOUR, 0,
                                    (uint32_t)f->cluster->npods);
    f->cluster->pods[p].priority = prio;
    ks_cluster_bind(f->cluster, p, node, 0);
    ks_cluster_start(f->cluster, p, start);
    ks_scheduler_pod_bound_elsewhere(f->sched, p);
    return p;
}

static uint32_t pending(pfix *f, int64_t cpu, int32_t prio)
{
    const int64_t req[KS_RES_COUNT] = {cpu, 1 << 20, -1};
    uint32_t p = ks_cluster_add_pod(f->cluster, ks_engine_now(f->engine), req,
                                    KS_HOUR, 0, (uint32_t)f->cluster->npods);
    f->cluster->pods[p].priority = prio;
    ks_scheduler_pod_added(f->sched, p);
    return p;
}

/* Runs the first cycles (not the evictions 30 s later). */
static void run_cycles(pfix *f)
{
    ks_engine_run(f->engine, ks_engine_now(f->engine) + KS_SECOND);
}

static void test_num_candidates(void)
{
    const ks_default_preemption_args a = {10, 100};
    CU_ASSERT_EQUAL(ks_preemption_num_candidates(&a, 50), 50);
    CU_ASSERT_EQUAL(ks_preemption_num_candidates(&a, 500), 100);
    CU_ASSERT_EQUAL(ks_preemption_num_candidates(&a, 5000), 500);
    const ks_default_preemption_args b = {50, 10};
    CU_ASSERT_EQUAL(ks_preemption_num_candidates(&b, 30), 15);
}

/* Criterion 2: the node whose most important victim has the lowest
 * priority. */
static void test_lowest_victim_priority(void)
{
    pfix f;
    setup(&f, 2, 1000);
    running(&f, 0, 1000, 5, 0);
    uint32_t low = running(&f, 1, 1000, 1, 0);
    uint32_t p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 1);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], low);
    CU_ASSERT(f.cluster->pods[low].terminating);
    CU_ASSERT_EQUAL(f.cluster->pods[low].preempted_by, p);
    CU_ASSERT_EQUAL(f.cluster->pods[p].victims, 1);
    /* After the victim's grace period the preemptor runs there. */
    ks_engine_run(f.engine, KS_MINUTE);
    CU_ASSERT_EQUAL(f.cluster->pods[low].phase, KS_POD_PREEMPTED);
    CU_ASSERT_EQUAL(f.cluster->pods[p].node, 1);
    CU_ASSERT_EQUAL(f.cluster->pods[p].phase, KS_POD_RUNNING);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(f.cluster, why, sizeof why), 0);
    teardown(&f);
}

/* Criterion 4: fewest victims when priorities tie. */
static void test_fewest_victims(void)
{
    pfix f;
    setup(&f, 2, 1000);
    running(&f, 0, 500, 1, 0);
    running(&f, 0, 500, 1, 0);
    uint32_t one = running(&f, 1, 1000, 1, 0);
    uint32_t p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 1);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], one);
    teardown(&f);
}

/* Criterion 3: the smallest sum of victim priorities when the highest
 * tie: node 0 loses {3, 1}, node 1 loses {3, 3}. */
static void test_smallest_priority_sum(void)
{
    pfix f;
    setup(&f, 2, 1000);
    running(&f, 0, 500, 3, 0);
    running(&f, 0, 500, 1, 0);
    running(&f, 1, 500, 3, 0);
    running(&f, 1, 500, 3, 0);
    uint32_t p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 0);
    CU_ASSERT_EQUAL(f.nevicted, 2);
    teardown(&f);
}

/* Criterion 5: the node whose top-priority victims started latest. */
static void test_latest_start(void)
{
    pfix f;
    setup(&f, 2, 1000);
    running(&f, 0, 1000, 1, 10 * KS_SECOND);
    uint32_t later = running(&f, 1, 1000, 1, 20 * KS_SECOND);
    uint32_t p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 1);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], later);
    teardown(&f);
}

/* SelectVictimsOnNode takes every lower-priority pod off, then puts them
 * back most important first, keeping each that still lets the preemptor
 * fit.  Node 1000m holds 600m (prio 2) and 400m (prio 1); the preemptor
 * needs 500m.  Putting the 600m pod back leaves 400m: no fit, so it is a
 * victim; putting the 400m pod back leaves 600m: fits, so it stays. */
static void test_reprieve_most_important_first(void)
{
    pfix f;
    setup(&f, 1, 1000);
    uint32_t big = running(&f, 0, 600, 2, 0);
    uint32_t small = running(&f, 0, 400, 1, 0);
    uint32_t p = pending(&f, 500, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 0);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], big);
    CU_ASSERT_FALSE(f.cluster->pods[small].terminating);
    teardown(&f);
}

/* Pods of equal or higher priority are never victims; preemptionPolicy
 * Never does not preempt. */
static void test_no_victims(void)
{
    pfix f;
    setup(&f, 1, 1000);
    running(&f, 0, 1000, 10, 0);
    uint32_t p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.nevicted, 0);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, KS_NO_NODE);
    teardown(&f);

    setup(&f, 1, 1000);
    running(&f, 0, 1000, 1, 0);
    ks_pod_spec *never = ks_xcalloc(1, sizeof *never);
    never->preemption_never = 1;
    const ks_pod_spec *sp = ks_cluster_adopt_spec(f.cluster, never);
    const int64_t req[KS_RES_COUNT] = {1000, 1 << 20, -1};
    uint32_t q = ks_cluster_add_pod(f.cluster, 0, req, KS_HOUR, 0, 99);
    f.cluster->pods[q].priority = 10;
    f.cluster->pods[q].spec = sp;
    ks_scheduler_pod_added(f.sched, q);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.nevicted, 0);
    teardown(&f);
}

/* The what-if leaves the cluster exactly as it was. */
static void test_cluster_restored(void)
{
    pfix f;
    setup(&f, 3, 1000);
    for (uint32_t n = 0; n < 3; n++) {
        running(&f, n, 300, 1, 0);
        running(&f, n, 300, 2, 0);
        running(&f, n, 400, 3, 0);
    }
    int64_t before[3];
    for (int n = 0; n < 3; n++)
        before[n] = f.cluster->nodes[n].requested[KS_RES_CPU];
    pending(&f, 1000, 0); /* cannot preempt anyone: equal or lower */
    run_cycles(&f);
    for (int n = 0; n < 3; n++)
        CU_ASSERT_EQUAL(f.cluster->nodes[n].requested[KS_RES_CPU], before[n]);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(f.cluster, why, sizeof why), 0);
    pending(&f, 700, 5); /* victims {1, 2} on one node */
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.nevicted, 2);
    for (int n = 0; n < 3; n++)
        CU_ASSERT_EQUAL(f.cluster->nodes[n].requested[KS_RES_CPU], before[n]);
    CU_ASSERT_EQUAL(ks_cluster_check(f.cluster, why, sizeof why), 0);
    teardown(&f);
}

/* PodDisruptionBudgets (preemption.go filterPodsWithPDBViolation and
 * pickOneNodeForPreemption's first criterion): node 0's victim is
 * protected by a budget with minAvailable equal to its pods, node 1's is
 * not, so node 1 is chosen even though its victim has a higher priority. */
static void test_pdb_steers_the_choice(void)
{
    pfix f;
    setup(&f, 2, 1000);
    ks_pod_spec *guarded = ks_xcalloc(1, sizeof *guarded);
    ks_labels_set(&guarded->labels, "app", "db");
    const ks_pod_spec *gs = ks_cluster_adopt_spec(f.cluster, guarded);
    uint32_t db = running(&f, 0, 1000, 1, 0);
    f.cluster->pods[db].spec = gs;
    uint32_t other = running(&f, 1, 1000, 2, 0);
    static ks_label_selector sel;
    ks_labels_set(&sel.match_labels, "app", "db");
    ks_pdb pdb = {.selector = &sel, .min_available_set = 1,
                  .min_available = 1};
    ks_cluster_add_pdb(f.cluster, &pdb);
    uint32_t p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 1);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], other);
    teardown(&f);

    /* With only the guarded node to choose, preemption still violates the
     * budget (PDBs are best effort in preemption). */
    setup(&f, 1, 1000);
    gs = ks_cluster_adopt_spec(f.cluster, ks_xcalloc(1, sizeof(ks_pod_spec)));
    ks_labels_set((ks_labels *)&gs->labels, "app", "db");
    db = running(&f, 0, 1000, 1, 0);
    f.cluster->pods[db].spec = gs;
    ks_cluster_add_pdb(f.cluster, &pdb);
    p = pending(&f, 1000, 10);
    run_cycles(&f);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 0);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], db);
    teardown(&f);
    ks_label_selector_free(&sel);
}

static void finish_pod(ks_engine *e, void *ctx, uint64_t pod)
{
    pfix *f = ctx;
    ks_cluster_complete(f->cluster, (uint32_t)pod, ks_engine_now(e));
    ks_scheduler_assigned_pod_deleted(f->sched, (uint32_t)pod);
}

static void add_low(ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    pfix *f = ctx;
    *(uint32_t *)(uintptr_t)arg = pending(f, 1000, 0);
}

/* RunFilterPluginsWithNominatedPods: while the preemptor waits for its
 * victim to go, room freed on its nominated node by another pod is not
 * given to a lower-priority pod: the nominated pod counts there. */
static void test_nominated_pod_reserves_its_node(void)
{
    pfix f;
    setup(&f, 1, 4000);
    uint32_t victim = running(&f, 0, 3000, 1, 0);
    uint32_t other = running(&f, 0, 1000, 5, 0);
    ks_engine_at(f.engine, 10 * KS_SECOND, finish_pod, &f, other);
    ks_engine_run(f.engine, KS_SECOND);
    uint32_t p = pending(&f, 3000, 10);
    uint32_t low = KS_NO_POD;
    ks_engine_at(f.engine, 12 * KS_SECOND, add_low, &f, (uintptr_t)&low);
    ks_engine_run(f.engine, 20 * KS_SECOND);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, 0);
    CU_ASSERT_EQUAL_FATAL(f.nevicted, 1);
    CU_ASSERT_EQUAL(f.evicted[0], victim);
    CU_ASSERT_NOT_EQUAL_FATAL(low, KS_NO_POD);
    /* 1 cpu is free, but the nominated 3-cpu pod counts: no room. */
    CU_ASSERT_EQUAL(f.cluster->pods[low].phase, KS_POD_PENDING);
    ks_engine_run(f.engine, KS_MINUTE);
    CU_ASSERT_EQUAL(f.cluster->pods[p].node, 0);
    CU_ASSERT_EQUAL(f.cluster->pods[low].node, 0);
    CU_ASSERT(f.cluster->pods[low].scheduled >= f.cluster->pods[victim].end);
    CU_ASSERT_EQUAL(f.cluster->pods[p].nominated_node, KS_NO_NODE);
    char why[256];
    CU_ASSERT_EQUAL(ks_cluster_check(f.cluster, why, sizeof why), 0);
    teardown(&f);
}

void ks_suite_preemption(void)
{
    static const ks_test_case cases[] = {
        {"calculateNumCandidates", test_num_candidates},
        {"lowest highest-priority victim", test_lowest_victim_priority},
        {"fewest victims", test_fewest_victims},
        {"smallest priority sum", test_smallest_priority_sum},
        {"latest start of top victims", test_latest_start},
        {"reprieve most important first", test_reprieve_most_important_first},
        {"no victims: equal priority, policy Never", test_no_victims},
        {"what-if restores the cluster", test_cluster_restored},
        {"PodDisruptionBudgets steer the choice", test_pdb_steers_the_choice},
        {"a nominated pod reserves its node",
         test_nominated_pod_reserves_its_node},
        {NULL, NULL},
    };
    ks_test_add_suite("sched/preemption", cases);
}
