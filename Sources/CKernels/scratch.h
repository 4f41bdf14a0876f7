/* Internal: per-thread scratch for the forward kernels, grown on demand and kept for the thread's
   life (GCD and the probe reuse their threads), so the hot path allocates nothing after warm-up. */
#ifndef CK_SCRATCH_H
#define CK_SCRATCH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
/** Slot 0: GEMM's packed A; slot 1: attention's K^T, V and score tile. 64-byte aligned. */
void *ck_scratch(int slot, size_t bytes);

/** fp32 -> bf16, round to nearest even (NaN stays NaN). */
static inline uint16_t ck_f32_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}
#endif
