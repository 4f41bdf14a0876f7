/* The fused tiled attention of attention.c with its two products in bf16 (AVX512-BF16
   vdpbf16ps, fp32 sums): scores q.k over pairs of head-dimension columns, and the weighted
   sum p.v over pairs of keys. Softmax stays fp32. Same tiling, masks and skipping. */
#include "include/ckforward.h"
#include "scratch.h"
#include "attention_tile.h"
#include <math.h>
#include <stdlib.h>

#if defined(__x86_64__)
#define BQ CK_BQ
#define TA16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")))


TA16 void ck_attention_bf16_avx512(int batch, int t, int heads, int kv_heads, int dh, const float *q, long ldq,
                                   const float *k, long ldk, const float *v, long ldv, float *out, long ldo,
                                   const int *lengths, int causal, float scale, int item0, int item1) {
    (void)batch;
    if (t <= 0 || dh <= 0) return;
    int tp = (t + 15) & ~15, dh2 = (dh + 1) / 2, group = heads / (kv_heads > 0 ? kv_heads : heads);
    if (group < 1) group = 1;
    /* kt: dh2 rows of tp key pairs (k[j][2c], k[j][2c+1]); vb: tp/2 rows of dh value pairs
       (v[2i][c], v[2i+1][c]); s: BQ x tp fp32 scores; qp: BQ x dh2 query pairs. */
    size_t ktN = (size_t)dh2 * tp, vN = (size_t)(tp / 2) * dh, sN = (size_t)BQ * tp, qN = (size_t)BQ * dh2, pN = (size_t)BQ * (tp / 2);
    uint32_t *kt = ck_scratch(1, sizeof(uint32_t) * (ktN + vN + qN + pN) + sizeof(float) * sN);
    if (!kt) abort();
    uint32_t *vb = kt + ktN, *qp = vb + vN, *sp = qp + qN;
    float *s = (float *)(sp + pN);
    for (int item = item0; item < item1; item++) {
        int b = item / heads, h = item % heads, g = h / group;
        int L = lengths[b] < t ? lengths[b] : t;
        if (L < 0) L = 0;
        int L16 = (L + 15) & ~15;
        /* K as column pairs, 32 head columns (16 pairs) per conversion, scattered to their rows. */
        for (int j = 0; j < L16; j++) {
            if (j >= L) {
                for (int c = 0; c < dh2; c++) kt[(size_t)c * tp + j] = 0;
                continue;
            }
            const float *kr = k + (long)(b * t + j) * ldk + (long)g * dh;
            for (int c = 0; c < dh2; c += 16) {
                int n = dh - 2 * c; /* floats left in the row */
                __m512 lo = _mm512_maskz_loadu_ps(ck_lanes16(n), kr + 2 * c), hi = _mm512_maskz_loadu_ps(ck_lanes16(n - 16), kr + 2 * c + 16);
                uint32_t tmp[16];
                _mm512_storeu_si512(tmp, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
                int m = dh2 - c < 16 ? dh2 - c : 16;
                for (int q2 = 0; q2 < m; q2++) kt[(size_t)(c + q2) * tp + j] = tmp[q2];
            }
        }
        /* V as key pairs: (v[2i][c], v[2i+1][c]), 16 columns per conversion. */
        for (int i = 0; i < L16 / 2; i++) {
            int j0 = 2 * i, j1 = 2 * i + 1;
            const float *v0 = v + (long)(b * t + j0) * ldv + (long)g * dh, *v1 = v + (long)(b * t + j1) * ldv + (long)g * dh;
            for (int c = 0; c < dh; c += 16) {
                __mmask16 m = ck_lanes16(dh - c);
                __m512 a = j0 < L ? _mm512_maskz_loadu_ps(m, v0 + c) : _mm512_setzero_ps();
                __m512 e = j1 < L ? _mm512_maskz_loadu_ps(m, v1 + c) : _mm512_setzero_ps();
                __m512i lo16 = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(a));
                __m512i hi16 = _mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(e)), 16);
                _mm512_mask_storeu_epi32(vb + (size_t)i * dh + c, m, _mm512_or_si512(lo16, hi16));
            }
        }
        for (int i0 = 0; i0 < t; i0 += BQ) {
            int rows = t - i0 < BQ ? t - i0 : BQ;
            int vis[BQ], span = ck_tile_visibility(i0, rows, L, causal, vis);
            for (int r = 0; r < BQ; r++) {
                const float *qr = q + (long)(b * t + i0 + (r < rows ? r : rows - 1)) * ldq + (long)h * dh;
                for (int c = 0; c < dh2; c += 16) {
                    int n = dh - 2 * c;
                    __m512 lo = _mm512_maskz_loadu_ps(ck_lanes16(n), qr + 2 * c), hi = _mm512_maskz_loadu_ps(ck_lanes16(n - 16), qr + 2 * c + 16);
                    _mm512_mask_storeu_epi32(qp + r * dh2 + c, ck_lanes16(dh2 - c), (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
                }
            }
            float *o = out + (long)(b * t + i0) * ldo + (long)h * dh;
            if (span == 0) {
                ck_tile_zero_output(o, ldo, rows, dh);
                continue;
            }
            int span16 = (span + 15) & ~15;
            /* Scores, 16 keys at a time, two head columns per instruction. */
            for (int j = 0; j < span16; j += 16) {
                __m512 acc[BQ];
                for (int r = 0; r < BQ; r++) acc[r] = _mm512_setzero_ps();
                for (int c = 0; c < dh2; c++) {
                    __m512bh kv = (__m512bh)_mm512_loadu_si512(kt + (size_t)c * tp + j);
#pragma clang loop unroll(full)
                    for (int r = 0; r < BQ; r++)
                        acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_set1_epi32((int)qp[r * dh2 + c]), kv);
                }
                for (int r = 0; r < BQ; r++) _mm512_storeu_ps(s + (size_t)r * tp + j, _mm512_mul_ps(acc[r], _mm512_set1_ps(scale)));
            }
            /* Masked softmax of each row over its visible keys (fp32); the rest of the span gets 0. */
            ck_tile_softmax(s, (size_t)tp, vis, span16);
            /* Probabilities as bf16 pairs of keys (p[2i], p[2i+1]) (RNE), 32 at a time. */
            for (int r = 0; r < BQ; r++) {
                const float *sr = s + (size_t)r * tp;
                uint32_t *pr = sp + (size_t)r * (tp / 2);
                for (int j = 0; j < span16; j += 32) {
                    __m512 hi = j + 16 < span16 ? _mm512_loadu_ps(sr + j + 16) : _mm512_setzero_ps();
                    __m512i h = (__m512i)_mm512_cvtne2ps_pbh(hi, _mm512_loadu_ps(sr + j));
                    if (j + 16 < span16) _mm512_storeu_si512(pr + j / 2, h);
                    else _mm256_storeu_si256((__m256i *)(pr + j / 2), _mm512_castsi512_si256(h));
                }
            }
            /* Weighted sum, two keys per instruction, 32 output columns at a time. */
            int pairs = (span + 1) / 2;
            for (int c0 = 0; c0 < dh; c0 += 32) {
                __mmask16 m0 = ck_lanes16(dh - c0), m1 = ck_lanes16(dh - c0 - 16);
                __m512 a0[BQ], a1[BQ];
                for (int r = 0; r < BQ; r++) a0[r] = a1[r] = _mm512_setzero_ps();
                for (int i = 0; i < pairs; i++) {
                    const uint32_t *vr = vb + (size_t)i * dh + c0;
                    __m512bh v0 = (__m512bh)_mm512_maskz_loadu_epi32(m0, vr), v1 = (__m512bh)_mm512_maskz_loadu_epi32(m1, vr + 16);
#pragma clang loop unroll(full)
                    for (int r = 0; r < BQ; r++) {
                        __m512bh pr = (__m512bh)_mm512_set1_epi32((int)sp[(size_t)r * (tp / 2) + i]);
                        a0[r] = _mm512_dpbf16_ps(a0[r], pr, v0);
                        a1[r] = _mm512_dpbf16_ps(a1[r], pr, v1);
                    }
                }
                ck_tile_store(o, ldo, rows, c0, dh, a0, a1);
            }
        }
    }
}
#else
void ck_attention_bf16_avx512(int batch, int t, int heads, int kv_heads, int dh, const float *q, long ldq,
                              const float *k, long ldk, const float *v, long ldv, float *out, long ldo,
                              const int *lengths, int causal, float scale, int item0, int item1) { abort(); }
#endif
