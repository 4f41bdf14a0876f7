/* Internal: what the fp32 and bf16 fused attention kernels share about a query tile. */
#ifndef CK_ATTENTION_TILE_H
#define CK_ATTENTION_TILE_H
#if defined(__x86_64__)
#include "vecmath.h"
#include <math.h>
#include <stddef.h>

#define CK_BQ 8

static inline __mmask16 ck_lanes16(int n) { return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }

/* Masked softmax of the tile's CK_BQ score rows (row r of s at r * tp) over their first vis[r]
   keys, in place; the rest of each row up to span16 becomes 0, and a row that sees no key all 0. */
static inline __attribute__((always_inline)) CK_T512 void ck_tile_softmax(float *s, size_t tp, const int *vis, int span16) {
    for (int r = 0; r < CK_BQ; r++) {
        float *sr = s + (size_t)r * tp;
        int n = vis[r];
        if (n == 0) {
            for (int j = 0; j < span16; j += 16) _mm512_storeu_ps(sr + j, _mm512_setzero_ps());
            continue;
        }
        __m512 mx = _mm512_set1_ps(-INFINITY);
        for (int j = 0; j < n; j += 16) mx = _mm512_mask_max_ps(mx, ck_lanes16(n - j), mx, _mm512_loadu_ps(sr + j));
        __m512 mv = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
        __m512 sum = _mm512_setzero_ps();
        for (int j = 0; j < span16; j += 16) {
            __m512 e = _mm512_maskz_mov_ps(ck_lanes16(n - j), ck_exp512(_mm512_sub_ps(_mm512_loadu_ps(sr + j), mv)));
            sum = _mm512_add_ps(sum, e);
            _mm512_storeu_ps(sr + j, e);
        }
        __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
        for (int j = 0; j < span16; j += 16) _mm512_storeu_ps(sr + j, _mm512_mul_ps(_mm512_loadu_ps(sr + j), inv));
    }
}

/* The keys each of the tile's rows sees (vis), their maximum over the rows that exist (the
   span), for queries i0 .. i0 + rows - 1 of a sequence of L valid keys. */
static inline int ck_tile_visibility(int i0, int rows, int L, int causal, int *vis) {
    int span = 0;
    for (int r = 0; r < CK_BQ; r++) {
        int i = i0 + (r < rows ? r : rows - 1);
        vis[r] = causal ? (L < i + 1 ? L : i + 1) : L;
        if (r < rows && vis[r] > span) span = vis[r];
    }
    return span;
}

/* Writes the tile's rows of one head's output: zeros (a tile that sees no key), or 32 columns
   from c0 of the accumulators (columns past dh masked off). */
static inline void ck_tile_zero_output(float *o, long ldo, int rows, int dh) {
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < dh; c++) o[(long)r * ldo + c] = 0;
}

static inline __attribute__((always_inline)) CK_T512 void ck_tile_store(float *o, long ldo, int rows, int c0, int dh,
                                                                        const __m512 *a0, const __m512 *a1) {
    __mmask16 m0 = ck_lanes16(dh - c0), m1 = ck_lanes16(dh - c0 - 16);
    for (int r = 0; r < rows; r++) {
        _mm512_mask_storeu_ps(o + (long)r * ldo + c0, m0, a0[r]);
        _mm512_mask_storeu_ps(o + (long)r * ldo + c0 + 16, m1, a1[r]);
    }
}
#endif
#endif
