/* recorder.c - the run's time series: one ks_sample per metrics tick.
 *
 * Each sample copies the cluster's incremental counters (pending, running,
 * total requested over total allocatable), so sampling is O(1) however large
 * the cluster is.  The run driver samples at t = 0, every interval and at the
 * end; when the end falls on a tick the two samples share a time, and the
 * later one replaces the earlier so that time stays strictly increasing in
 * /timeseries.
 */
#include "analysis/recorder.h"

#include <stdlib.h>

#include "sim/xalloc.h"

ks_recorder *ks_recorder_create(void)
{
    return ks_xcalloc(1, sizeof(ks_recorder));
}

void ks_recorder_destroy(ks_recorder *rec)
{
    if (!rec)
        return;
    free(rec->samples);
    free(rec);
}

/* requested / allocatable, or 0 for a cluster with nothing allocatable (an
 * empty cluster is 0 % allocated, not undefined). */
static double fraction(int64_t requested, int64_t allocatable)
{
    if (allocatable <= 0)
        return 0.0;
    return (double)requested / (double)allocatable;
}

static ks_sample sample_of(const ks_cluster *c, ks_time now)
{
    ks_sample s = {0};
    s.time = (double)now / (double)KS_SECOND;
    s.pods_pending = (int64_t)c->pending;
    s.pods_running = (int64_t)c->running;
    s.cpu_allocated = fraction(c->total_requested[KS_RES_CPU],
                               c->total_allocatable[KS_RES_CPU]);
    s.memory_allocated = fraction(c->total_requested[KS_RES_MEMORY],
                                  c->total_allocatable[KS_RES_MEMORY]);
    return s;
}

void ks_recorder_sample(ks_recorder *rec, const ks_cluster *c, ks_time now)
{
    ks_recorder_sample_queue(rec, c, NULL, now);
}

void ks_recorder_sample_queue(ks_recorder *rec, const ks_cluster *c,
                              const ks_queue_gauges *q, ks_time now)
{
    ks_sample s = sample_of(c, now);
    s.queue_active = q ? q->active : 0;
    s.queue_backoff = q ? q->backoff : 0;
    s.queue_unschedulable = q ? q->unschedulable : 0;
    if (rec->nsamples > 0 && rec->samples[rec->nsamples - 1].time == s.time) {
        rec->samples[rec->nsamples - 1] = s;
        return;
    }
    rec->samples = ks_xgrow(rec->samples, &rec->cap, rec->nsamples + 1,
                            sizeof *rec->samples);
    rec->samples[rec->nsamples++] = s;
}
