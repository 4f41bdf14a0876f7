/* Run-time choice of the Hamming path: the best the CPU supports, chosen once. */
#include "kernels.h"
#include <stdatomic.h>
#include <unistd.h>

static _Atomic int chosen = CK_KERNEL_AUTO;

int ck_kernel_supported(ck_kernel kernel) {
    switch (kernel) {
    case CK_KERNEL_AUTO:
    case CK_KERNEL_PORTABLE:
        return 1;
#if defined(__x86_64__) || defined(__i386__)
    case CK_KERNEL_POPCNT:
        __builtin_cpu_init();
        return __builtin_cpu_supports("popcnt") ? 1 : 0;
    case CK_KERNEL_AVX2:
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) ? 1 : 0;
    case CK_KERNEL_AVX512:
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq")) ? 1 : 0;
#endif
    default:
        return 0;
    }
}

static ck_kernel best(void) {
    const ck_kernel order[] = {CK_KERNEL_AVX512, CK_KERNEL_AVX2, CK_KERNEL_POPCNT};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (ck_kernel_supported(order[i])) return order[i];
    return CK_KERNEL_PORTABLE;
}

ck_kernel ck_kernel_current(void) {
    int k = atomic_load(&chosen);
    if (k == CK_KERNEL_AUTO) {
        k = best();
        atomic_store(&chosen, k);
    }
    return (ck_kernel)k;
}

int ck_kernel_force(ck_kernel kernel) {
    if (!ck_kernel_supported(kernel)) return -1;
    atomic_store(&chosen, kernel == CK_KERNEL_AUTO ? best() : kernel);
    return 0;
}

const char *ck_kernel_name(ck_kernel kernel) {
    switch (kernel) {
    case CK_KERNEL_PORTABLE: return "portable";
    case CK_KERNEL_POPCNT: return "popcnt";
    case CK_KERNEL_AVX2: return "avx2";
    case CK_KERNEL_AVX512: return "avx512-vpopcntdq";
    default: return "auto";
    }
}

ck_block_fn ck_current_block(void) {
    switch (ck_kernel_current()) {
#if defined(__x86_64__) || defined(__i386__)
    case CK_KERNEL_AVX512: return ck_block_avx512;
    case CK_KERNEL_AVX2: return ck_block_avx2;
    case CK_KERNEL_POPCNT: return ck_block_popcnt;
#endif
    default: return ck_block_portable;
    }
}

ck_pair_fn ck_current_pair(void) {
    switch (ck_kernel_current()) {
#if defined(__x86_64__) || defined(__i386__)
    case CK_KERNEL_AVX512: return ck_pair_avx512;
    case CK_KERNEL_AVX2: return ck_pair_avx2;
    case CK_KERNEL_POPCNT: return ck_pair_popcnt;
#endif
    default: return ck_pair_portable;
    }
}

uint64_t ck_hamming(const uint64_t *a, const uint64_t *b, size_t words) { return ck_current_pair()(a, b, words); }

void ck_hamming_one_to_many(const uint64_t *query, const uint64_t *rows, size_t n, size_t stride, size_t words,
                            uint16_t *out) {
    ck_current_block()(query, rows, n, stride, words, out);
}

int ck_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
