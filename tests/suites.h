/* suites.h - the list of CUnit suites run by tests/run-tests.
 *
 * Each test file defines one `void ks_suite_<name>(void)` that adds its suite
 * with CU_add_suite/CU_add_test.  Add a line here for a new file.
 */
#ifndef KS_TEST_SUITES_H
#define KS_TEST_SUITES_H

#define KS_TEST_SUITES(X)                                                      \
    X(pes)                                                                     \
    X(engine)                                                                  \
    X(rng)                                                                     \
    X(quantity)                                                                \
    X(duration)                                                                \
    X(dist)                                                                    \
    X(cluster)                                                                 \
    X(objects)                                                                 \
    X(topology)                                                                \
    X(gpu)                                                                     \
    X(gpufrag)                                                                 \
    X(store)                                                                   \
    X(imagepull)                                                               \
    X(proxy)                                                                   \
    X(probe)                                                                   \
    X(workqueue)                                                               \
    X(rs_deployment)                                                           \
    X(job_hpa)                                                                 \
    X(nodelifecycle)                                                           \
    X(rbac)                                                                    \
    X(kubelet)                                                                 \
    X(podevents)                                                               \
    X(kinds)                                                                   \
    X(faults)                                                                  \
    X(job_controller)                                                          \
    X(daemonset_controller)                                                    \
    X(hpa_controller)                                                          \
    X(nodelife_controller)                                                     \
    X(controllers)                                                             \
    X(research)                                                                \
    X(noderesources_fit)                                                       \
    X(balanced_allocation)                                                     \
    X(nodeports)                                                               \
    X(podtopologyspread)                                                       \
    X(interpodaffinity)                                                        \
    X(tainttoleration)                                                         \
    X(node_filters)                                                            \
    X(nodeaffinity)                                                            \
    X(imagelocality)                                                           \
    X(score_memo)                                                              \
    X(plugin_api)                                                              \
    X(scheduler)                                                               \
    X(preemption)                                                              \
    X(store_bridge)                                                            \
    X(loader)                                                                  \
    X(schedconfig)                                                             \
    X(manifests)                                                               \
    X(rbac_manifests)                                                          \
    X(cp_objects)                                                              \
    X(cp_spec)                                                                 \
    X(cp_run)                                                                  \
    X(sweep)                                                                   \
    X(build)                                                                   \
    X(generator)                                                               \
    X(traces)                                                                  \
    X(output)                                                                  \
    X(plot)                                                                    \
    X(sweep_exec)                                                              \
    X(export)                                                                  \
    X(stats)                                                                   \
    X(summary)                                                                 \
    X(metrics)                                                                 \
    X(report)                                                                  \
    X(gpu_alloc)                                                               \
    X(quickstart)                                                              \
    X(scheduling)                                                              \
    X(gpu_e2e)                                                                 \
    X(fgd)                                                                     \
    X(control_loop)                                                            \
    X(cli)                                                                     \
    X(explain)                                                                 \
    X(progress)

#define KS__SUITE_DECL(name) void ks_suite_##name(void);
KS_TEST_SUITES(KS__SUITE_DECL)
#undef KS__SUITE_DECL

#endif
