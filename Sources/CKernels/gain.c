/* Sum of positive differences, the inner loop of PAM's BUILD: for a candidate row r and the
   current nearest distances dn, gain = sum_o max(dn[o] - r[o], 0). Saturating 16-bit
   subtraction does the max; 32-bit lanes accumulate, flushed to 64 bits before they can
   overflow. Follows the Hamming path choice (AVX-512 path needs AVX-512BW as well). */
#include "kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

static uint64_t gain_portable(const uint16_t *dn, const uint16_t *row, size_t n) {
    uint64_t s = 0;
    for (size_t o = 0; o < n; o++) s += dn[o] > row[o] ? (uint64_t)(dn[o] - row[o]) : 0;
    return s;
}

#ifdef CK_X86
__attribute__((target("avx2"))) static uint64_t gain_avx2(const uint16_t *dn, const uint16_t *row, size_t n) {
    uint64_t total = 0;
    size_t o = 0;
    const __m256i zero = _mm256_setzero_si256();
    while (o + 16 <= n) {
        __m256i acc = zero;
        size_t end = n - o > (size_t)16 * 32768 ? o + (size_t)16 * 32768 : n;
        for (; o + 16 <= end; o += 16) {
            __m256i d = _mm256_subs_epu16(_mm256_loadu_si256((const __m256i *)(dn + o)),
                                          _mm256_loadu_si256((const __m256i *)(row + o)));
            acc = _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_unpacklo_epi16(d, zero), _mm256_unpackhi_epi16(d, zero)));
        }
        uint32_t lanes[8];
        _mm256_storeu_si256((__m256i *)lanes, acc);
        for (int i = 0; i < 8; i++) total += lanes[i];
    }
    return total + gain_portable(dn + o, row + o, n - o);
}

__attribute__((target("avx512f,avx512bw"))) static uint64_t gain_avx512(const uint16_t *dn, const uint16_t *row, size_t n) {
    uint64_t total = 0;
    size_t o = 0;
    const __m512i zero = _mm512_setzero_si512();
    while (o + 32 <= n) {
        __m512i acc = zero;
        size_t end = n - o > (size_t)32 * 32768 ? o + (size_t)32 * 32768 : n;
        for (; o + 32 <= end; o += 32) {
            __m512i d = _mm512_subs_epu16(_mm512_loadu_si512(dn + o), _mm512_loadu_si512(row + o));
            acc = _mm512_add_epi32(acc, _mm512_add_epi32(_mm512_unpacklo_epi16(d, zero), _mm512_unpackhi_epi16(d, zero)));
        }
        /* even and odd 32-bit lanes widened to 64 bits before the horizontal sum */
        total += (uint64_t)_mm512_reduce_add_epi64(_mm512_and_si512(acc, _mm512_set1_epi64(0xFFFFFFFF))) +
                 (uint64_t)_mm512_reduce_add_epi64(_mm512_srli_epi64(acc, 32));
    }
    return total + gain_portable(dn + o, row + o, n - o);
}
#endif

uint64_t ck_positive_difference_sum(const uint16_t *dn, const uint16_t *row, size_t n) {
#ifdef CK_X86
    switch (ck_kernel_current()) {
    case CK_KERNEL_AVX512:
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512bw")) return gain_avx512(dn, row, n);
        return gain_avx2(dn, row, n);
    case CK_KERNEL_AVX2:
        return gain_avx2(dn, row, n);
    default:
        break;
    }
#endif
    return gain_portable(dn, row, n);
}
