/* progress.c - a progress line on stderr for long runs and sweeps. */
#include "cli/progress.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sim/xalloc.h"

/* Redraw at most this often (seconds). */
#define REDRAW_INTERVAL 0.2

struct ks_progress {
    FILE *out;
    int active;
    int drawn;
    double start;     /* wall clock at creation */
    double last_draw;
    uint64_t last_events;
    double last_events_at;
    double rate; /* events per second, smoothed */
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

ks_progress *ks_progress_create(FILE *out, int force)
{
    ks_progress *p = ks_xcalloc(1, sizeof *p);
    p->out = out;
    p->active = force || isatty(fileno(out));
    p->start = p->last_draw = p->last_events_at = wall_now();
    return p;
}

void ks_progress_destroy(ks_progress *p)
{
    if (!p)
        return;
    if (p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    free(p);
}

void ks_progress_format_seconds(double s, char *buf, size_t size)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, size, "?");
        return;
    }
    long t = lround(s);
    if (t >= 3600)
        snprintf(buf, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%lds", t);
}

/* Whether to draw now (rate limit); updates the clock. */
static int due(ks_progress *p, double now, int final)
{
    if (!p->active)
        return 0;
    if (!final && now - p->last_draw < REDRAW_INTERVAL)
        return 0;
    p->last_draw = now;
    return 1;
}

static void draw(ks_progress *p, const char *line)
{
    fprintf(p->out, "\r\033[K%s", line);
    fflush(p->out);
    p->drawn = 1;
}

void ks_progress_run(void *ctx, ks_time now, ks_time end, uint64_t events)
{
    ks_progress *p = ctx;
    double w = wall_now();
    if (!due(p, w, 0))
        return;
    double dt = w - p->last_events_at;
    if (dt > 0) {
        double r = (double)(events - p->last_events) / dt;
        p->rate = p->rate > 0 ? 0.7 * p->rate + 0.3 * r : r;
    }
    p->last_events = events;
    p->last_events_at = w;
    double frac = end > 0 ? (double)now / (double)end : 0;
    double elapsed = w - p->start;
    double eta = frac > 0 ? elapsed * (1 - frac) / frac : NAN;
    char sim[32], total[32], left[32], line[160];
    ks_progress_format_seconds((double)now / 1e9, sim, sizeof sim);
    ks_progress_format_seconds((double)end / 1e9, total, sizeof total);
    ks_progress_format_seconds(eta, left, sizeof left);
    snprintf(line, sizeof line,
             "simulated %s of %s (%.0f%%), %.2fM events/s, ETA %s", sim,
             total, 100 * frac, p->rate / 1e6, left);
    draw(p, line);
}

void ks_progress_sweep(ks_progress *p, size_t done, size_t total,
                       size_t failed)
{
    double w = wall_now();
    if (!due(p, w, done == total))
        return;
    double elapsed = w - p->start;
    double eta = done ? elapsed * (double)(total - done) / (double)done : NAN;
    char left[32], line[160];
    ks_progress_format_seconds(eta, left, sizeof left);
    snprintf(line, sizeof line, "runs %zu/%zu done, %zu failed, ETA %s", done,
             total, failed, left);
    draw(p, line);
}
