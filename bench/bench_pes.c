/* bench_pes.c - the hold model on ksim's pending-event set versus a bare
 * binary heap written here as a reference.
 *
 * Hold model: N events are pending; each step pops the earliest and pushes
 * it back at now + Exp(1 s).  Both queues see the same pre-drawn increments
 * (so random-number cost is excluded and the work is identical), and each
 * measurement is the best of several repetitions.  The reference heap is
 * the textbook binary heap of 16-byte (time, seq) entries with hole-based
 * sifting and no payload or cancellation; ksim's set carries a payload and
 * supports cancellation, and is expected to be at least as fast.
 *
 * Usage: bench-pes [STEPS_PER_N]   (wall-clock timing: machine noise applies)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/pes.h"

#define NINC (1u << 20)
#define REPS 3

static int64_t *increments;

/* ---- the bare binary-heap reference ---------------------------------- */
typedef struct ref_entry {
    int64_t time;
    uint64_t seq;
} ref_entry;

typedef struct ref_heap {
    ref_entry *h;
    size_t n;
    uint64_t seq;
} ref_heap;

static inline int ref_less(ref_entry a, ref_entry b)
{
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

static void ref_push(ref_heap *q, int64_t time)
{
    ref_entry e = {time, ++q->seq};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ref_less(e, q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static ref_entry ref_pop(ref_heap *q)
{
    ref_entry top = q->h[0];
    ref_entry e = q->h[--q->n];
    size_t i = 0, n = q->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ref_less(q->h[c + 1], q->h[c]))
            c++;
        if (!ref_less(q->h[c], e))
            break;
        q->h[i] = q->h[c];
        i = c;
    }
    if (n)
        q->h[i] = e;
    return top;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double run_ref(size_t n, uint64_t steps, int64_t *checksum)
{
    ref_heap q = {malloc(n * sizeof(ref_entry)), 0, 0};
    for (size_t i = 0; i < n; i++)
        ref_push(&q, increments[i % NINC]);
    double t0 = now_s();
    int64_t sum = 0;
    for (uint64_t s = 0; s < steps; s++) {
        ref_entry e = ref_pop(&q);
        sum += e.time;
        ref_push(&q, e.time + increments[s & (NINC - 1)]);
    }
    double dt = now_s() - t0;
    free(q.h);
    *checksum = sum;
    return (double)steps / dt;
}

static void noop(struct ks_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)ctx;
    (void)arg;
}

static double run_ksim(size_t n, uint64_t steps, int64_t *checksum)
{
    ks_pes *q = ks_pes_create();
    for (size_t i = 0; i < n; i++)
        ks_pes_push(q, increments[i % NINC], noop, NULL, i);
    double t0 = now_s();
    int64_t sum = 0;
    ks_event ev;
    for (uint64_t s = 0; s < steps; s++) {
        ks_pes_pop(q, &ev);
        sum += ev.time;
        ks_pes_push(q, ev.time + increments[s & (NINC - 1)], ev.fn, ev.ctx,
                    ev.arg);
    }
    double dt = now_s() - t0;
    ks_pes_destroy(q);
    *checksum = sum;
    return (double)steps / dt;
}

int main(int argc, char **argv)
{
    uint64_t steps = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    increments = malloc(NINC * sizeof(int64_t));
    for (size_t i = 0; i < NINC; i++)
        increments[i] = (int64_t)(gsl_ran_exponential(rng, 1.0) * 1e9) + 1;
    gsl_rng_free(rng);

    printf("hold model: pop earliest, push now + Exp(1 s); %" PRIu64
           " steps per size, best of %d\n", steps, REPS);
    printf("%10s %16s %16s %8s\n", "pending", "ksim ev/s", "bare heap ev/s",
           "ratio");
    const size_t sizes[] = {1000, 100000, 1000000};
    int ok = 1;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        double best_ks = 0, best_ref = 0;
        int64_t c1 = 0, c2 = 0;
        for (int r = 0; r < REPS; r++) {
            double a = run_ksim(sizes[k], steps, &c1);
            double b = run_ref(sizes[k], steps, &c2);
            best_ks = a > best_ks ? a : best_ks;
            best_ref = b > best_ref ? b : best_ref;
        }
        if (c1 != c2) {
            fprintf(stderr, "bench-pes: queues disagree at N=%zu\n", sizes[k]);
            ok = 0;
        }
        printf("%10zu %16.0f %16.0f %7.2fx\n", sizes[k], best_ks, best_ref,
               best_ks / best_ref);
    }
    free(increments);
    return ok ? 0 : 1;
}
