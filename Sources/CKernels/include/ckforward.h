/*
 * CKernels, forward pass: CPU feature detection, GEMM on weights packed once at load (fp32
 * FMA and bf16 dot products), a fused tiled attention, and the elementwise hot loops (GELU,
 * layer norm). Each AVX-512 path is compiled with a function `target` attribute and chosen at
 * run time by the caller from ck_cpu_features(); no global -m flags are needed.
 *
 * GEMM layout (the BLIS scheme: Van Zee & van de Geijn, "BLIS: A Framework for Rapidly
 * Instantiating BLAS Functionality", ACM TOMS 2015): B (the weight, K x N) is packed once into
 * panels of CK_NR = 32 columns, each panel K x 32 contiguous (zero-padded past N); A (the
 * activations) is packed per call into blocks of CK_MR rows in thread-local scratch; a
 * CK_MR x 32 register-blocked micro-kernel runs over K in slices of CK_KC.
 */
#ifndef CKFORWARD_H
#define CKFORWARD_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** CPU features the forward pass can use (cpuid, with the OS's register-state support). */
enum {
    CK_CPU_AVX2 = 1 << 0,      /* AVX2 + FMA */
    CK_CPU_AVX512 = 1 << 1,    /* AVX-512 F, BW, VL, DQ */
    CK_CPU_AVX512BF16 = 1 << 2,
    CK_CPU_AVX512VNNI = 1 << 3,
    CK_CPU_AMXBF16 = 1 << 4,   /* AMX-BF16 + AMX-TILE (cpuid only; not used by these kernels) */
};
/** Bit set of CK_CPU_* for this CPU. */
int ck_cpu_features(void);
/** Tunes glibc malloc for the forward pass's large short-lived matrices (heap, not a fresh mmap
    per matrix; freed memory kept up to 512 MB). Once per process; no-op elsewhere. */
void ck_tune_allocator(void);
/** The CPU's brand string (cpuid leaves 0x80000002-4), into buf (at least 49 bytes). */
void ck_cpu_brand(char *buf, size_t size);

#define CK_NR 32
#define CK_MR 12
#define CK_KC 384

/** Floats needed for a packed fp32 weight of K x N. */
size_t ck_pack_f32_size(int k, int n);
/** Packs w (K x N row-major, or N x K when transposed) into panels. O(K N). */
void ck_pack_f32(const float *w, int k, int n, int transposed, float *out);
/** uint16 values needed for a packed bf16 weight (K rounded up to even). */
size_t ck_pack_bf16_size(int k, int n);
/** Packs w into bf16 panels of K/2 pairs x 32 columns x 2 (round to nearest even). O(K N). */
void ck_pack_bf16(const float *w, int k, int n, int transposed, uint16_t *out);

/**
 * c[m x n] (= or +=) a[m x k] * B + bias, over panels [p0, p1) of the packed B only (columns
 * 32*p0 ..< min(n, 32*p1)). `bias` (n floats) may be NULL; `accumulate` adds to c instead of
 * writing it. AVX-512 F (fp32) / AVX-512 BF16 (bf16: A rounded to bf16, fp32 accumulate).
 * O(m n k) work, O(CK_MR * CK_KC) thread-local scratch, grown once per thread.
 */
void ck_gemm_f32_avx512(int m, int n, int k, const float *a, long lda, const float *bp, const float *bias,
                        float *c, long ldc, int accumulate, int p0, int p1);
void ck_gemm_bf16_avx512(int m, int n, int k, const float *a, long lda, const uint16_t *bp, const float *bias,
                         float *c, long ldc, int accumulate, int p0, int p1);

/**
 * Fused scaled dot-product attention (Vaswani et al. 2017) for items [item0, item1) of
 * batch x heads (item = b * heads + h), computed in query tiles of 8 rows (the tiling of
 * Dao et al., "FlashAttention", 2022, without the online rescaling: a tile's scores span at
 * most its visible keys, so at most 8 x t scores exist at once, in thread-local scratch).
 *
 * Row i of sequence b is row b*t + i of q / k / v / out (leading dimensions ldq, ldk, ldv,
 * ldo, in floats); head h reads q at column h*dh and k, v at column (h / (heads/kv_heads))*dh
 * (grouped-query attention when kv_heads < heads), and writes out at column h*dh. Query i of
 * sequence b sees keys j < lengths[b] (and j <= i when causal); a query that sees no key gets
 * zeros. Key blocks a tile cannot see are skipped. Needs AVX-512 F.
 * O(items * t * visible * dh) work.
 */
void ck_attention_avx512(int batch, int t, int heads, int kv_heads, int dh, const float *q, long ldq,
                         const float *k, long ldk, const float *v, long ldv, float *out, long ldo,
                         const int *lengths, int causal, float scale, int item0, int item1);

/** ck_attention_avx512 with q.k and p.v in bf16 (round to nearest even, fp32 sums; softmax
    fp32). Needs AVX512-BF16. Same work. */
void ck_attention_bf16_avx512(int batch, int t, int heads, int kv_heads, int dh, const float *q, long ldq,
                              const float *k, long ldk, const float *v, long ldv, float *out, long ldo,
                              const int *lengths, int causal, float scale, int item0, int item1);

/** y[i] = gelu(x[i]) (exact erf form, rational erf as PolytopeLens' Swift one) for i < n; y may be x. AVX-512 F. */
void ck_gelu_avx512(const float *x, float *y, long n);
/** y[i] = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (GPT-2's gelu_new), tanh from e^(2u); y may be x. AVX-512 F. */
void ck_gelu_tanh_avx512(const float *x, float *y, long n);
/** Layer norm of rows [r0, r1) of x (n cols, in place): two-pass mean / biased variance. AVX-512 F. */
void ck_layer_norm_avx512(float *x, long cols, long r0, long r1, const float *w, const float *b, float eps);

#ifdef __cplusplus
}
#endif
#endif
