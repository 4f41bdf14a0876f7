/* Tiled, multi-threaded all-pairs and cross distances on top of the block functions.
   A tile is TILE x TILE rows: both tiles' codes stay in L1/L2 while each pair is computed, and
   an upper-triangle tile is written twice (itself and its mirror) from a local buffer so both
   writes are contiguous runs. Work is handed out tile by tile from an atomic counter. */
#include "kernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define TILE 64

typedef struct {
    ck_block_fn block;
    const uint64_t *a, *b;
    size_t na, nb, stride, words, ld;
    uint16_t *out;
    int symmetric;
    size_t tiles_a, tiles_b, total;
    _Atomic size_t next;
} job_t;

/* Maps a linear work index to an (ti, tj) tile; for the symmetric case it walks the upper
   triangle row by row (ti <= tj). */
static void tile_of(const job_t *job, size_t t, size_t *ti, size_t *tj) {
    if (!job->symmetric) {
        *ti = t / job->tiles_b;
        *tj = t % job->tiles_b;
        return;
    }
    size_t n = job->tiles_a, i = 0;
    while (t >= n - i) {
        t -= n - i;
        i++;
    }
    *ti = i;
    *tj = i + t;
}

static void run_tile(const job_t *job, size_t ti, size_t tj, uint16_t *buf) {
    size_t i0 = ti * TILE, j0 = tj * TILE;
    size_t ni = job->na - i0 < TILE ? job->na - i0 : TILE;
    size_t nj = job->nb - j0 < TILE ? job->nb - j0 : TILE;
    for (size_t i = 0; i < ni; i++)
        job->block(job->a + (i0 + i) * job->stride, job->b + j0 * job->stride, nj, job->stride, job->words,
                   buf + i * TILE);
    for (size_t i = 0; i < ni; i++) memcpy(job->out + (i0 + i) * job->ld + j0, buf + i * TILE, nj * sizeof(uint16_t));
    if (job->symmetric && ti != tj) {
        for (size_t j = 0; j < nj; j++) {
            uint16_t *dst = job->out + (j0 + j) * job->ld + i0;
            for (size_t i = 0; i < ni; i++) dst[i] = buf[i * TILE + j];
        }
    }
}

static void *worker(void *arg) {
    job_t *job = arg;
    uint16_t buf[TILE * TILE];
    for (;;) {
        size_t t = atomic_fetch_add(&job->next, 1);
        if (t >= job->total) break;
        size_t ti, tj;
        tile_of(job, t, &ti, &tj);
        run_tile(job, ti, tj, buf);
    }
    return NULL;
}

static void run_job(job_t *job, int threads) {
    if (job->total == 0) return;
    if (threads < 1) threads = 1;
    if ((size_t)threads > job->total) threads = (int)job->total;
    pthread_t *ids = threads > 1 ? calloc((size_t)threads - 1, sizeof(pthread_t)) : NULL;
    int started = 0;
    for (int t = 0; t + 1 < threads && ids; t++)
        if (pthread_create(&ids[started], NULL, worker, job) == 0) started++;
    worker(job); /* the caller works too; if thread creation failed it does everything */
    for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
    free(ids);
}

void ck_hamming_all_pairs(const uint64_t *rows, size_t n, size_t stride, size_t words, uint16_t *out, size_t ld,
                          int threads) {
    job_t job = {.block = ck_current_block(), .a = rows, .b = rows, .na = n, .nb = n, .stride = stride,
                 .words = words, .ld = ld, .out = out, .symmetric = 1};
    job.tiles_a = job.tiles_b = (n + TILE - 1) / TILE;
    job.total = job.tiles_a * (job.tiles_a + 1) / 2;
    atomic_init(&job.next, 0);
    run_job(&job, threads);
}

void ck_hamming_cross(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, size_t stride, size_t words,
                      uint16_t *out, size_t ld, int threads) {
    job_t job = {.block = ck_current_block(), .a = a, .b = b, .na = na, .nb = nb, .stride = stride,
                 .words = words, .ld = ld, .out = out, .symmetric = 0};
    job.tiles_a = (na + TILE - 1) / TILE;
    job.tiles_b = (nb + TILE - 1) / TILE;
    job.total = job.tiles_a * job.tiles_b;
    atomic_init(&job.next, 0);
    run_job(&job, threads);
}

/* One query against many rows, the rows split into contiguous chunks of at least 4096. */
typedef struct {
    ck_block_fn block;
    const uint64_t *q, *rows;
    size_t n, stride, words, chunk;
    uint16_t *out;
    _Atomic size_t next;
} otm_t;

static void *otm_worker(void *arg) {
    otm_t *job = arg;
    for (;;) {
        size_t c = atomic_fetch_add(&job->next, 1);
        size_t j0 = c * job->chunk;
        if (j0 >= job->n) break;
        size_t nj = job->n - j0 < job->chunk ? job->n - j0 : job->chunk;
        job->block(job->q, job->rows + j0 * job->stride, nj, job->stride, job->words, job->out + j0);
    }
    return NULL;
}

void ck_hamming_one_to_many_mt(const uint64_t *query, const uint64_t *rows, size_t n, size_t stride, size_t words,
                               uint16_t *out, int threads) {
    if (threads <= 1 || n < 8192) {
        ck_hamming_one_to_many(query, rows, n, stride, words, out);
        return;
    }
    otm_t job = {.block = ck_current_block(), .q = query, .rows = rows, .n = n, .stride = stride, .words = words,
                 .out = out};
    size_t chunk = (n + (size_t)threads * 4 - 1) / ((size_t)threads * 4);
    job.chunk = chunk < 4096 ? 4096 : chunk;
    atomic_init(&job.next, 0);
    pthread_t ids[64];
    int started = 0;
    for (int t = 0; t + 1 < threads && t < 64; t++)
        if (pthread_create(&ids[started], NULL, otm_worker, &job) == 0) started++;
    otm_worker(&job);
    for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
}
