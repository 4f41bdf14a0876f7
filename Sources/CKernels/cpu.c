/* CPU feature detection for the forward-pass kernels: cpuid bits, checked against the register
   state the OS saves (xgetbv), so a kernel is only chosen where it can run. */
#include "include/ckforward.h"
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

int ck_cpu_features(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1;
    if (!osxsave) return 0;
    uint64_t x = xcr0();
    int ymm = (x & 0x6) == 0x6, zmm = (x & 0xE6) == 0xE6;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int f = 0;
    if (ymm && fma && ((b >> 5) & 1)) f |= CK_CPU_AVX2;
    int avx512 = zmm && ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);
    if (avx512 && (f & CK_CPU_AVX2)) f |= CK_CPU_AVX512;
    if ((f & CK_CPU_AVX512) && ((c >> 11) & 1)) f |= CK_CPU_AVX512VNNI;
    if (((d >> 22) & 1) && ((d >> 24) & 1)) f |= CK_CPU_AMXBF16;
    unsigned a1, b1, c1, d1;
    __cpuid_count(7, 1, a1, b1, c1, d1);
    if ((f & CK_CPU_AVX512) && ((a1 >> 5) & 1)) f |= CK_CPU_AVX512BF16;
    return f;
}

void ck_cpu_brand(char *buf, size_t size) {
    unsigned r[12];
    if (size == 0) return;
    buf[0] = 0;
    if (__get_cpuid_max(0x80000000, 0) < 0x80000004) return;
    for (unsigned i = 0; i < 3; i++) __cpuid(0x80000002 + i, r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]);
    char s[49];
    memcpy(s, r, 48);
    s[48] = 0;
    const char *p = s;
    while (*p == ' ') p++;
    strncpy(buf, p, size - 1);
    buf[size - 1] = 0;
}
#else
int ck_cpu_features(void) { return 0; }
void ck_cpu_brand(char *buf, size_t size) { if (size) buf[0] = 0; }
#endif

#if defined(__GLIBC__)
#include <malloc.h>
/* The forward pass allocates and frees matrices of several MB per layer. With glibc's dynamic
   defaults those come from fresh mmaps or a heap trimmed back to the OS after each pass, so
   every pass page-faults its outputs in again (~13% of a MiniLM pass, measured). Keep them on
   the heap (up to 32 MB, glibc's ceiling) and keep up to 512 MB of freed heap for reuse. */
void ck_tune_allocator(void) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TOP_PAD, 16 * 1024 * 1024);
}
#else
void ck_tune_allocator(void) {}
#endif
