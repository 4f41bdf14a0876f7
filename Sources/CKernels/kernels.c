/* The per-CPU popcount paths. Each is a "one query against n rows" block function, the unit
   the dispatching and tiling code in dispatch.c and allpairs.c call. */
#include "kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

/* ---- portable: SWAR popcount (Hacker's Delight, section 5-1) ---- */

static inline uint64_t swar_popcount(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (x * 0x0101010101010101ULL) >> 56;
}

static uint64_t dist_portable(const uint64_t *a, const uint64_t *b, size_t words) {
    uint64_t s = 0;
    for (size_t w = 0; w < words; w++) s += swar_popcount(a[w] ^ b[w]);
    return s;
}

void ck_block_portable(const uint64_t *q, const uint64_t *rows, size_t n, size_t stride, size_t words,
                       uint16_t *out) {
    for (size_t j = 0; j < n; j++) out[j] = (uint16_t)dist_portable(q, rows + j * stride, words);
}

uint64_t ck_pair_portable(const uint64_t *a, const uint64_t *b, size_t words) {
    return dist_portable(a, b, words);
}

#ifdef CK_X86
/* ---- popcnt: the scalar instruction ---- */

__attribute__((target("popcnt"))) static inline uint64_t dist_popcnt(const uint64_t *a, const uint64_t *b,
                                                                     size_t words) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t w = 0;
    for (; w + 4 <= words; w += 4) {
        s0 += (uint64_t)__builtin_popcountll(a[w] ^ b[w]);
        s1 += (uint64_t)__builtin_popcountll(a[w + 1] ^ b[w + 1]);
        s2 += (uint64_t)__builtin_popcountll(a[w + 2] ^ b[w + 2]);
        s3 += (uint64_t)__builtin_popcountll(a[w + 3] ^ b[w + 3]);
    }
    for (; w < words; w++) s0 += (uint64_t)__builtin_popcountll(a[w] ^ b[w]);
    return s0 + s1 + s2 + s3;
}

__attribute__((target("popcnt"))) void ck_block_popcnt(const uint64_t *q, const uint64_t *rows, size_t n,
                                                       size_t stride, size_t words, uint16_t *out) {
    for (size_t j = 0; j < n; j++) out[j] = (uint16_t)dist_popcnt(q, rows + j * stride, words);
}

__attribute__((target("popcnt"))) uint64_t ck_pair_popcnt(const uint64_t *a, const uint64_t *b, size_t words) {
    return dist_popcnt(a, b, words);
}

/* ---- avx2: nibble lookup table with vpshufb, byte sums with vpsadbw (Mula et al. 2018) ---- */

__attribute__((target("avx2,popcnt"))) static inline uint64_t dist_avx2(const uint64_t *a, const uint64_t *b,
                                                                        size_t words) {
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256i acc = _mm256_setzero_si256();
    size_t w = 0;
    for (; w + 4 <= words; w += 4) {
        __m256i x = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(a + w)),
                                     _mm256_loadu_si256((const __m256i *)(b + w)));
        __m256i lo = _mm256_and_si256(x, low);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), low);
        __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(c, _mm256_setzero_si256()));
    }
    uint64_t s = (uint64_t)_mm256_extract_epi64(acc, 0) + (uint64_t)_mm256_extract_epi64(acc, 1) +
                 (uint64_t)_mm256_extract_epi64(acc, 2) + (uint64_t)_mm256_extract_epi64(acc, 3);
    for (; w < words; w++) s += (uint64_t)__builtin_popcountll(a[w] ^ b[w]);
    return s;
}

__attribute__((target("avx2,popcnt"))) void ck_block_avx2(const uint64_t *q, const uint64_t *rows, size_t n,
                                                          size_t stride, size_t words, uint16_t *out) {
    for (size_t j = 0; j < n; j++) out[j] = (uint16_t)dist_avx2(q, rows + j * stride, words);
}

__attribute__((target("avx2,popcnt"))) uint64_t ck_pair_avx2(const uint64_t *a, const uint64_t *b, size_t words) {
    return dist_avx2(a, b, words);
}

/* ---- avx512: VPOPCNTQ on 512-bit lanes, masked loads for the tail ---- */

#define CK_AVX512_TARGET __attribute__((target("avx512f,avx512vpopcntdq")))

CK_AVX512_TARGET static inline __m512i popxor512(const uint64_t *a, const uint64_t *b, size_t w, __mmask8 m) {
    return _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_maskz_loadu_epi64(m, a + w), _mm512_maskz_loadu_epi64(m, b + w)));
}

CK_AVX512_TARGET static inline uint64_t dist_avx512(const uint64_t *a, const uint64_t *b, size_t words) {
    __m512i acc = _mm512_setzero_si512();
    size_t w = 0;
    for (; w + 8 <= words; w += 8)
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(a + w),
                                                                         _mm512_loadu_si512(b + w))));
    if (w < words) acc = _mm512_add_epi64(acc, popxor512(a, b, w, (__mmask8)((1u << (words - w)) - 1)));
    return (uint64_t)_mm512_reduce_add_epi64(acc);
}

/* Four rows at once against one query: the query's vector is loaded once per four rows, and the
   four horizontal sums are the only per-distance overhead. */
CK_AVX512_TARGET void ck_block_avx512(const uint64_t *q, const uint64_t *rows, size_t n, size_t stride,
                                      size_t words, uint16_t *out) {
    size_t j = 0;
    const size_t full = words & ~(size_t)7;
    const __mmask8 tail = (__mmask8)((1u << (words - full)) - 1);
    for (; j + 4 <= n; j += 4) {
        const uint64_t *r0 = rows + j * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
        size_t w = 0;
        for (; w < full; w += 8) {
            __m512i x = _mm512_loadu_si512(q + w);
            a0 = _mm512_add_epi64(a0, _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_loadu_si512(r0 + w))));
            a1 = _mm512_add_epi64(a1, _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_loadu_si512(r1 + w))));
            a2 = _mm512_add_epi64(a2, _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_loadu_si512(r2 + w))));
            a3 = _mm512_add_epi64(a3, _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_loadu_si512(r3 + w))));
        }
        if (full < words) {
            a0 = _mm512_add_epi64(a0, popxor512(q, r0, w, tail));
            a1 = _mm512_add_epi64(a1, popxor512(q, r1, w, tail));
            a2 = _mm512_add_epi64(a2, popxor512(q, r2, w, tail));
            a3 = _mm512_add_epi64(a3, popxor512(q, r3, w, tail));
        }
        out[j] = (uint16_t)_mm512_reduce_add_epi64(a0);
        out[j + 1] = (uint16_t)_mm512_reduce_add_epi64(a1);
        out[j + 2] = (uint16_t)_mm512_reduce_add_epi64(a2);
        out[j + 3] = (uint16_t)_mm512_reduce_add_epi64(a3);
    }
    for (; j < n; j++) out[j] = (uint16_t)dist_avx512(q, rows + j * stride, words);
}

CK_AVX512_TARGET uint64_t ck_pair_avx512(const uint64_t *a, const uint64_t *b, size_t words) {
    return dist_avx512(a, b, words);
}
#endif
