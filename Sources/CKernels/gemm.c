/* GEMM on packed weights: packing (portable) and the AVX-512 fp32 / bf16 micro-kernels.
   See include/ckforward.h for the layout; the loop nest is BLIS's (K slices outermost, then
   blocks of CK_MC rows whose packed A stays in L2, then 32-column panels of B reused across
   the block's CK_MR-row micro-tiles). */
#include "include/ckforward.h"
#include "scratch.h"
#include <stdlib.h>

#define CK_MC (CK_MR * 8)

void *ck_scratch(int slot, size_t bytes) {
    static __thread void *buf[2];
    static __thread size_t cap[2];
    if (bytes > cap[slot]) {
        free(buf[slot]);
        size_t want = (bytes + 4095) & ~(size_t)4095;
        buf[slot] = aligned_alloc(64, want);
        cap[slot] = buf[slot] ? want : 0;
    }
    return buf[slot];
}

size_t ck_pack_f32_size(int k, int n) { return (size_t)((n + CK_NR - 1) / CK_NR) * (size_t)k * CK_NR; }

void ck_pack_f32(const float *w, int k, int n, int transposed, float *out) {
    int panels = (n + CK_NR - 1) / CK_NR;
    for (int p = 0; p < panels; p++)
        for (int kk = 0; kk < k; kk++) {
            float *o = out + ((size_t)p * k + kk) * CK_NR;
            for (int j = 0; j < CK_NR; j++) {
                int col = p * CK_NR + j;
                o[j] = col < n ? (transposed ? w[(size_t)col * k + kk] : w[(size_t)kk * n + col]) : 0.0f;
            }
        }
}

size_t ck_pack_bf16_size(int k, int n) {
    return (size_t)((n + CK_NR - 1) / CK_NR) * (size_t)((k + 1) / 2) * 2 * CK_NR;
}

void ck_pack_bf16(const float *w, int k, int n, int transposed, uint16_t *out) {
    int panels = (n + CK_NR - 1) / CK_NR, k2 = (k + 1) / 2;
    for (int p = 0; p < panels; p++)
        for (int kk = 0; kk < 2 * k2; kk++) {
            uint16_t *o = out + ((size_t)p * k2 + kk / 2) * 2 * CK_NR + (kk & 1);
            for (int j = 0; j < CK_NR; j++) {
                int col = p * CK_NR + j;
                float v = (col < n && kk < k) ? (transposed ? w[(size_t)col * k + kk] : w[(size_t)kk * n + col]) : 0.0f;
                o[2 * j] = ck_f32_to_bf16(v);
            }
        }
}

#if defined(__x86_64__)
#include <immintrin.h>
#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))
#define TBF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")))
#define INLINE static inline __attribute__((always_inline))

static inline __mmask16 lanes(int n) { return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1); }

/* Writes (or adds) the CK_MR x 32 accumulators to c, rows < mr, columns by mask, plus bias. */
#define STORE_TILE()                                                                             \
    do {                                                                                         \
        __m512 bb0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();               \
        __m512 bb1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();          \
        for (int r = 0; r < CK_MR; r++) {                                                        \
            if (r >= mr) break;                                                                  \
            float *cr = c + (long)r * ldc;                                                       \
            __m512 v0 = _mm512_add_ps(c0[r], bb0), v1 = _mm512_add_ps(c1[r], bb1);              \
            if (acc) {                                                                           \
                v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, cr));                           \
                v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, cr + 16));                      \
            }                                                                                    \
            _mm512_mask_storeu_ps(cr, m0, v0);                                                   \
            _mm512_mask_storeu_ps(cr + 16, m1, v1);                                              \
        }                                                                                        \
    } while (0)

INLINE T512 void kern_f32(int kc, const float *ap, const float *b, float *c, long ldc, int mr, __mmask16 m0,
                          __mmask16 m1, const float *bias, int acc) {
    __m512 c0[CK_MR], c1[CK_MR];
    for (int r = 0; r < CK_MR; r++) c0[r] = c1[r] = _mm512_setzero_ps();
    for (int kk = 0; kk < kc; kk++) {
        __m512 b0 = _mm512_loadu_ps(b + kk * CK_NR), b1 = _mm512_loadu_ps(b + kk * CK_NR + 16);
        const float *ar = ap + kk * CK_MR;
#pragma clang loop unroll(full)
        for (int r = 0; r < CK_MR; r++) {
            __m512 av = _mm512_set1_ps(ar[r]);
            c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
            c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
        }
    }
    STORE_TILE();
}

T512 void ck_gemm_f32_avx512(int m, int n, int k, const float *a, long lda, const float *bp, const float *bias,
                             float *c, long ldc, int accumulate, int p0, int p1) {
    if (m <= 0 || p0 >= p1 || k <= 0) return;
    float *ap = ck_scratch(0, sizeof(float) * CK_MC * CK_KC);
    if (!ap) abort();
    for (int k0 = 0; k0 < k; k0 += CK_KC) {
        int kc = k - k0 < CK_KC ? k - k0 : CK_KC;
        int acc = accumulate || k0 > 0;
        for (int r0 = 0; r0 < m; r0 += CK_MC) {
            int mc = m - r0 < CK_MC ? m - r0 : CK_MC, blocks = (mc + CK_MR - 1) / CK_MR;
            for (int bi = 0; bi < blocks; bi++) {
                float *dst = ap + (size_t)bi * kc * CK_MR;
                for (int r = 0; r < CK_MR; r++) {
                    int row = r0 + bi * CK_MR + r;
                    if (row < m) {
                        const float *src = a + (long)row * lda + k0;
                        for (int kk = 0; kk < kc; kk++) dst[kk * CK_MR + r] = src[kk];
                    } else {
                        for (int kk = 0; kk < kc; kk++) dst[kk * CK_MR + r] = 0;
                    }
                }
            }
            for (int p = p0; p < p1; p++) {
                const float *b = bp + ((size_t)p * k + k0) * CK_NR;
                int cols = n - p * CK_NR;
                __mmask16 m0 = lanes(cols), m1 = lanes(cols - 16);
                const float *bias_p = (k0 == 0 && bias) ? bias + p * CK_NR : NULL;
                for (int bi = 0; bi < blocks; bi++) {
                    int mr = mc - bi * CK_MR < CK_MR ? mc - bi * CK_MR : CK_MR;
                    kern_f32(kc, ap + (size_t)bi * kc * CK_MR, b, c + (long)(r0 + bi * CK_MR) * ldc + p * CK_NR, ldc, mr,
                             m0, m1, bias_p, acc);
                }
            }
        }
    }
}

INLINE TBF16 void kern_bf16(int kc2, const uint32_t *ap, long lda2, const uint16_t *b, float *c, long ldc, int mr,
                            __mmask16 m0, __mmask16 m1, const float *bias, int acc) {
    /* A rows are bf16 pairs along k, row-major with stride lda2 (no per-block repacking); rows
       past mr read the last real row and are never stored. */
    const uint32_t *ar[CK_MR];
    for (int r = 0; r < CK_MR; r++) ar[r] = ap + (long)(r < mr ? r : mr - 1) * lda2;
    __m512 c0[CK_MR], c1[CK_MR];
    for (int r = 0; r < CK_MR; r++) c0[r] = c1[r] = _mm512_setzero_ps();
    for (int kk = 0; kk < kc2; kk++) {
        __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + kk * 2 * CK_NR);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + kk * 2 * CK_NR + 32);
#pragma clang loop unroll(full)
        for (int r = 0; r < CK_MR; r++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)ar[r][kk]);
            c0[r] = _mm512_dpbf16_ps(c0[r], av, b0);
            c1[r] = _mm512_dpbf16_ps(c1[r], av, b1);
        }
    }
    STORE_TILE();
}

TBF16 void ck_gemm_bf16_avx512(int m, int n, int k, const float *a, long lda, const uint16_t *bp, const float *bias,
                               float *c, long ldc, int accumulate, int p0, int p1) {
    if (m <= 0 || p0 >= p1 || k <= 0) return;
    int k2 = (k + 1) / 2;
    uint32_t *ap = ck_scratch(0, sizeof(uint32_t) * CK_MC * (CK_KC / 2));
    if (!ap) abort();
    for (int k0 = 0; k0 < k; k0 += CK_KC) {
        int kc = k - k0 < CK_KC ? k - k0 : CK_KC, kc2 = (kc + 1) / 2;
        int acc = accumulate || k0 > 0;
        for (int r0 = 0; r0 < m; r0 += CK_MC) {
            int mc = m - r0 < CK_MC ? m - r0 : CK_MC, blocks = (mc + CK_MR - 1) / CK_MR;
            /* Rows r0 .. r0+mc-1 of this k block as bf16 pairs (RNE), row-major (stride kc2):
               32 floats -> 16 pairs per conversion, stored contiguously. */
            for (int row = 0; row < mc; row++) {
                const float *src = a + (long)(r0 + row) * lda + k0;
                uint32_t *dst = ap + (size_t)row * kc2;
                for (int kk = 0; kk < kc2; kk += 16) {
                    int left = kc - 2 * kk;
                    __m512 lo = _mm512_maskz_loadu_ps(lanes(left), src + 2 * kk);
                    __m512 hi = _mm512_maskz_loadu_ps(lanes(left - 16), src + 2 * kk + 16);
                    _mm512_mask_storeu_epi32(dst + kk, lanes(kc2 - kk), (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
                }
            }
            for (int p = p0; p < p1; p++) {
                const uint16_t *b = bp + ((size_t)p * k2 + k0 / 2) * 2 * CK_NR;
                int cols = n - p * CK_NR;
                __mmask16 m0 = lanes(cols), m1 = lanes(cols - 16);
                const float *bias_p = (k0 == 0 && bias) ? bias + p * CK_NR : NULL;
                for (int bi = 0; bi < blocks; bi++) {
                    int mr = mc - bi * CK_MR < CK_MR ? mc - bi * CK_MR : CK_MR;
                    kern_bf16(kc2, ap + (size_t)bi * CK_MR * kc2, kc2, b, c + (long)(r0 + bi * CK_MR) * ldc + p * CK_NR, ldc,
                              mr, m0, m1, bias_p, acc);
                }
            }
        }
    }
}
#else
void ck_gemm_f32_avx512(int m, int n, int k, const float *a, long lda, const float *bp, const float *bias, float *c,
                        long ldc, int accumulate, int p0, int p1) { abort(); }
void ck_gemm_bf16_avx512(int m, int n, int k, const float *a, long lda, const uint16_t *bp, const float *bias,
                         float *c, long ldc, int accumulate, int p0, int p1) { abort(); }
#endif
