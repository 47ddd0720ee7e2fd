/* bench_quickstart.c - a whole run at scale: wall time and peak memory.
 *
 * Loads a scenario (default bench/quickstart-1000.yaml: 1,000 nodes,
 * 100,000 pods), runs it with the metrics recorder, writes the dataset to a
 * temporary file, and prints the wall time of each phase, events per
 * second, simulated-to-wall speed-up and the peak resident memory.
 * Wall-clock timing: machine noise applies; run it on a quiet machine.
 *
 * Usage: bench-quickstart [SCENARIO]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "analysis/output.h"
#include "analysis/recorder.h"
#include "analysis/summary.h"
#include "scenarios/run.h"
#include "scenarios/scenario.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sample(void *ctx, const ks_cluster *c,
                   const int64_t queue[3], ks_time now)
{
    const ks_queue_gauges q = {queue[0], queue[1], queue[2]};
    ks_recorder_sample_queue(ctx, c, &q, now);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "bench/quickstart-1000.yaml";
    ks_scenario *sc = NULL;
    ks_error err;
    double t0 = now_s();
    if (ks_scenario_load_file(path, &sc, &err) != 0) {
        ks_error_print(&err, stderr);
        return 2;
    }
    double t1 = now_s();
    ks_recorder *rec = ks_recorder_create();
    ks_run_options opt = {.sample = sample, .sample_ctx = rec};
    ks_run *run = ks_run_create(sc, &opt);
    if (ks_run_execute(run, &err) != 0) {
        ks_error_print(&err, stderr);
        return 1;
    }
    double t2 = now_s();
    char out[] = "/tmp/ksim-bench-XXXXXX";
    int fd = mkstemp(out);
    if (fd >= 0)
        close(fd);
    int rc = ks_output_write_run(out, 1, "bench", sc, run, rec, &err);
    double t3 = now_s();
    remove(out);
    if (rc != 0) {
        ks_error_print(&err, stderr);
        return 1;
    }
    ks_summary sum;
    ks_summary_compute(ks_run_cluster(run), rec, &sum);
    const ks_scheduler_stats *st = ks_run_scheduler_stats(run);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double sim_s = (double)ks_run_end_time(run) / 1e9;
    printf("scenario %s: %llu nodes, %llu pods (%llu scheduled, %llu "
           "pending at end)\n", path, (unsigned long long)sum.nodes,
           (unsigned long long)sum.submitted,
           (unsigned long long)sum.scheduled,
           (unsigned long long)sum.pending);
    printf("scheduling cycles %llu (%llu failed), filter calls %llu\n",
           (unsigned long long)st->cycles,
           (unsigned long long)st->failed_cycles,
           (unsigned long long)st->nodes_evaluated);
    printf("load      %8.3f s\n", t1 - t0);
    printf("simulate  %8.3f s  (%llu events, %.0f events/s, %.0fx real "
           "time)\n", t2 - t1, (unsigned long long)ks_run_events(run),
           (double)ks_run_events(run) / (t2 - t1), sim_s / (t2 - t1));
    printf("decisions %8.0f scheduling cycles per second of wall time\n",
           (double)st->cycles / (t2 - t1));
    printf("write     %8.3f s\n", t3 - t2);
    printf("total     %8.3f s\n", t3 - t0);
    printf("peak RSS  %8.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    ks_run_destroy(run);
    ks_recorder_destroy(rec);
    ks_scenario_destroy(sc);
    return 0;
}
