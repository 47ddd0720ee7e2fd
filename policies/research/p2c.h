/* p2c.h - PowerOfTwoChoices: the emptier of two random feasible nodes.
 *
 * Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing",
 * IEEE Trans. Parallel and Distributed Systems 12(10), 2001: sampling two
 * bins at random and using the less loaded one cuts the maximum load
 * exponentially compared with one random bin.  Not a policy of the FGD
 * paper; ksim's own, in its terms:
 *   PreScore draws two distinct feasible nodes uniformly from the run's
 *   "plugins" random stream (one draw among n, one among the other n - 1);
 *   the one with more resources left after placing the pod by BestFit's
 *   measure (bestfit.h) wins:
 *       left = (cpu_left - cpu) / 128000 + (G - n*m) / 8000
 *   compared exactly as the integer (cpu_left - cpu) + 16 * (G - n*m);
 *   ties go to the lower node index.  It scores 100, every other node 0.
 *   With one feasible node, that node wins.  Without a random stream
 *   (tests, explain) the two candidates are the two lowest-index feasible
 *   nodes.
 * GPUs inside the node: the default best fit.
 */
#ifndef KS_P2C_H
#define KS_P2C_H

#include "policies/plugin.h"

extern const ks_plugin ks_plugin_p2c;

/* BestFit's "resources left" of a pod on a node, in CPU milli (one GPU
 * milli weighs 128000 / 8000 = 16 CPU milli). */
int64_t ks_p2c_left(int64_t cpu_left, int64_t gpu_left, int64_t cpu,
                    int64_t gpu);

#endif
