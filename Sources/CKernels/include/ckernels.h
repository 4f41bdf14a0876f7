/*
 * CKernels: Hamming-distance kernels on bit-packed codes, with run-time CPU dispatch.
 *
 * Paths, best first: AVX-512 VPOPCNTDQ, AVX2 (nibble lookup with vpshufb and vpsadbw,
 * Mula, Kurz & Lemire, "Faster Population Counts Using AVX2 Instructions", Computer Journal
 * 2018, arXiv 1611.07612), scalar POPCNT, and a portable SWAR count. The best path the CPU
 * supports (__builtin_cpu_supports) is chosen once, on first use; tests can force any path.
 * Each path is compiled with a function `target` attribute, so no global -m flags are needed.
 *
 * Codes are rows of 64-bit words; a row's stride (in words) may exceed its length.
 * Distances are written as uint16_t: callers guarantee a code has at most 65535 bits.
 */
#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Kernel paths. CK_KERNEL_AUTO selects the best supported one. */
typedef enum {
    CK_KERNEL_AUTO = 0,
    CK_KERNEL_PORTABLE = 1,
    CK_KERNEL_POPCNT = 2,
    CK_KERNEL_AVX2 = 3,
    CK_KERNEL_AVX512 = 4,
} ck_kernel;

/** The kernel in use (chosen on first call if not yet chosen). */
ck_kernel ck_kernel_current(void);
/** Stable lower-case name of a kernel path: "portable", "popcnt", "avx2", "avx512-vpopcntdq". */
const char *ck_kernel_name(ck_kernel kernel);
/** 1 when this CPU can run `kernel`, else 0. */
int ck_kernel_supported(ck_kernel kernel);
/** Forces `kernel` (CK_KERNEL_AUTO: back to the best). Returns 0, or -1 if unsupported. Not thread-safe
    against concurrent distance calls; meant for tests and benchmarks. */
int ck_kernel_force(ck_kernel kernel);

/** Hamming distance between two rows of `words` 64-bit words. O(words). */
uint64_t ck_hamming(const uint64_t *a, const uint64_t *b, size_t words);

/** out[j] = hamming(query, rows + j*stride) for j in [0, n). O(n*words). */
void ck_hamming_one_to_many(const uint64_t *query, const uint64_t *rows, size_t n, size_t stride,
                            size_t words, uint16_t *out);

/** Same as ck_hamming_one_to_many, split over `threads` POSIX threads (<= 1: caller's thread). */
void ck_hamming_one_to_many_mt(const uint64_t *query, const uint64_t *rows, size_t n, size_t stride,
                               size_t words, uint16_t *out, int threads);

/** out[i*ld + j] = hamming(row i, row j) for all i, j < n: the full symmetric matrix with a zero
    diagonal. Tiled (each tile computed once and written with its mirror), split over `threads`
    threads with dynamic scheduling. O(n^2 * words / 2) work. */
void ck_hamming_all_pairs(const uint64_t *rows, size_t n, size_t stride, size_t words, uint16_t *out,
                          size_t ld, int threads);

/** out[i*ld + j] = hamming(a row i, b row j) for i < na, j < nb; rows of a and b share stride and
    width. Split over `threads` threads. O(na * nb * words). */
void ck_hamming_cross(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, size_t stride,
                      size_t words, uint16_t *out, size_t ld, int threads);

/** sum over o < n of max(dn[o] - row[o], 0): the gain of adding a medoid in PAM's BUILD. Vectorised
    (AVX-512BW / AVX2, following the chosen path); O(n). */
uint64_t ck_positive_difference_sum(const uint16_t *dn, const uint16_t *row, size_t n);

/** Number of online CPUs (at least 1). */
int ck_cpu_count(void);

#ifdef __cplusplus
}
#endif
#endif
