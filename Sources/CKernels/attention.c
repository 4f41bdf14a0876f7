/* Fused tiled attention (see include/ckforward.h): per (sequence, head), K is packed transposed
   and V contiguous in thread-local scratch; queries go in tiles of 8 rows; each tile's scores
   span only the keys it can see (padding and, when causal, future keys are never computed). */
#include "include/ckforward.h"
#include "scratch.h"
#include "attention_tile.h"
#include <math.h>
#include <stdlib.h>

#if defined(__x86_64__)
#define BQ CK_BQ

CK_T512 void ck_attention_avx512(int batch, int t, int heads, int kv_heads, int dh, const float *q, long ldq,
                                 const float *k, long ldk, const float *v, long ldv, float *out, long ldo,
                                 const int *lengths, int causal, float scale, int item0, int item1) {
    (void)batch;
    if (t <= 0 || dh <= 0) return;
    int tp = (t + 15) & ~15, group = heads / (kv_heads > 0 ? kv_heads : heads);
    if (group < 1) group = 1;
    size_t ktN = (size_t)dh * tp, vN = (size_t)tp * dh, sN = (size_t)BQ * tp;
    float *kt = ck_scratch(1, sizeof(float) * (ktN + vN + sN));
    if (!kt) abort();
    float *vb = kt + ktN, *s = vb + vN;
    for (int item = item0; item < item1; item++) {
        int b = item / heads, h = item % heads, g = h / group;
        int L = lengths[b] < t ? lengths[b] : t;
        if (L < 0) L = 0;
        int L16 = (L + 15) & ~15;
        for (int j = 0; j < L; j++) {
            const float *kr = k + (long)(b * t + j) * ldk + (long)g * dh;
            const float *vr = v + (long)(b * t + j) * ldv + (long)g * dh;
            for (int c = 0; c < dh; c++) kt[(size_t)c * tp + j] = kr[c];
            for (int c = 0; c < dh; c++) vb[(size_t)j * dh + c] = vr[c];
        }
        for (int c = 0; c < dh; c++)
            for (int j = L; j < L16; j++) kt[(size_t)c * tp + j] = 0;
        for (int i0 = 0; i0 < t; i0 += BQ) {
            int rows = t - i0 < BQ ? t - i0 : BQ;
            int vis[BQ], span = ck_tile_visibility(i0, rows, L, causal, vis);
            const float *qr[BQ];
            for (int r = 0; r < BQ; r++) qr[r] = q + (long)(b * t + i0 + (r < rows ? r : rows - 1)) * ldq + (long)h * dh;
            float *o = out + (long)(b * t + i0) * ldo + (long)h * dh;
            if (span == 0) {
                ck_tile_zero_output(o, ldo, rows, dh);
                continue;
            }
            int span16 = (span + 15) & ~15;
            /* Scores: S[r][j] = scale * q_r . k_j, 16 keys at a time. */
            for (int j = 0; j < span16; j += 16) {
                __m512 acc[BQ];
                for (int r = 0; r < BQ; r++) acc[r] = _mm512_setzero_ps();
                for (int c = 0; c < dh; c++) {
                    __m512 kv = _mm512_loadu_ps(kt + (size_t)c * tp + j);
#pragma clang loop unroll(full)
                    for (int r = 0; r < BQ; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(qr[r][c]), kv, acc[r]);
                }
                for (int r = 0; r < BQ; r++) _mm512_storeu_ps(s + (size_t)r * tp + j, _mm512_mul_ps(acc[r], _mm512_set1_ps(scale)));
            }
            /* Masked softmax of each row over its visible keys (fp32); the rest of the span gets 0. */
            ck_tile_softmax(s, (size_t)tp, vis, span16);
            /* Weighted sum of V rows, 32 output columns at a time. */
            for (int c0 = 0; c0 < dh; c0 += 32) {
                __mmask16 m0 = ck_lanes16(dh - c0), m1 = ck_lanes16(dh - c0 - 16);
                __m512 a0[BQ], a1[BQ];
                for (int r = 0; r < BQ; r++) a0[r] = a1[r] = _mm512_setzero_ps();
                for (int j = 0; j < span; j++) {
                    const float *vr = vb + (size_t)j * dh + c0;
                    __m512 v0 = _mm512_maskz_loadu_ps(m0, vr), v1 = _mm512_maskz_loadu_ps(m1, vr + 16);
#pragma clang loop unroll(full)
                    for (int r = 0; r < BQ; r++) {
                        __m512 pr = _mm512_set1_ps(s[(size_t)r * tp + j]);
                        a0[r] = _mm512_fmadd_ps(pr, v0, a0[r]);
                        a1[r] = _mm512_fmadd_ps(pr, v1, a1[r]);
                    }
                }
                ck_tile_store(o, ldo, rows, c0, dh, a0, a1);
            }
        }
    }
}
#else
void ck_attention_avx512(int batch, int t, int heads, int kv_heads, int dh, const float *q, long ldq,
                         const float *k, long ldk, const float *v, long ldv, float *out, long ldo,
                         const int *lengths, int causal, float scale, int item0, int item1) { abort(); }
#endif
