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

/* Sums of eight vectors of 64-bit counts: lane j of the result is the sum of a[j]'s lanes.
   A transpose-and-add tree (unpack, then 128-bit shuffles) costs 21 operations for all eight,
   against about 8 each for separate horizontal sums. */
CK_AVX512_TARGET static inline __m512i hsum8(const __m512i a[8]) {
    __m512i s01 = _mm512_add_epi64(_mm512_unpacklo_epi64(a[0], a[1]), _mm512_unpackhi_epi64(a[0], a[1]));
    __m512i s23 = _mm512_add_epi64(_mm512_unpacklo_epi64(a[2], a[3]), _mm512_unpackhi_epi64(a[2], a[3]));
    __m512i s45 = _mm512_add_epi64(_mm512_unpacklo_epi64(a[4], a[5]), _mm512_unpackhi_epi64(a[4], a[5]));
    __m512i s67 = _mm512_add_epi64(_mm512_unpacklo_epi64(a[6], a[7]), _mm512_unpackhi_epi64(a[6], a[7]));
    __m512i t03 = _mm512_add_epi64(_mm512_shuffle_i64x2(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_i64x2(s01, s23, _MM_SHUFFLE(3, 1, 3, 1)));
    __m512i t47 = _mm512_add_epi64(_mm512_shuffle_i64x2(s45, s67, _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_i64x2(s45, s67, _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_add_epi64(_mm512_shuffle_i64x2(t03, t47, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i64x2(t03, t47, _MM_SHUFFLE(3, 1, 3, 1)));
}

/* Eight rows at once against one query: the query's vector is loaded once per eight rows, and
   the eight horizontal sums share one reduction tree. */
CK_AVX512_TARGET void ck_block_avx512(const uint64_t *q, const uint64_t *rows, size_t n, size_t stride,
                                      size_t words, uint16_t *out) {
    size_t j = 0;
    const size_t full = words & ~(size_t)7;
    const __mmask8 tail = (__mmask8)((1u << (words - full)) - 1);
    for (; j + 8 <= n; j += 8) {
        const uint64_t *r = rows + j * stride;
        __m512i acc[8];
        for (int i = 0; i < 8; i++) acc[i] = _mm512_setzero_si512();
        size_t w = 0;
        for (; w < full; w += 8) {
            __m512i x = _mm512_loadu_si512(q + w);
            for (int i = 0; i < 8; i++)
                acc[i] = _mm512_add_epi64(acc[i], _mm512_popcnt_epi64(_mm512_xor_si512(x, _mm512_loadu_si512(r + i * stride + w))));
        }
        if (full < words)
            for (int i = 0; i < 8; i++) acc[i] = _mm512_add_epi64(acc[i], popxor512(q, r + i * stride, w, tail));
        _mm_storeu_si128((__m128i *)(out + j), _mm512_cvtepi64_epi16(hsum8(acc)));
    }
    for (; j < n; j++) out[j] = (uint16_t)dist_avx512(q, rows + j * stride, words);
}

CK_AVX512_TARGET uint64_t ck_pair_avx512(const uint64_t *a, const uint64_t *b, size_t words) {
    return dist_avx512(a, b, words);
}
#endif
