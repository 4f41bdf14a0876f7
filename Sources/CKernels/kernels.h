/* Internal: the per-path block and pair functions (see kernels.c). */
#ifndef CK_KERNELS_INTERNAL_H
#define CK_KERNELS_INTERNAL_H
#include "include/ckernels.h"

typedef void (*ck_block_fn)(const uint64_t *q, const uint64_t *rows, size_t n, size_t stride, size_t words,
                            uint16_t *out);
typedef uint64_t (*ck_pair_fn)(const uint64_t *a, const uint64_t *b, size_t words);

void ck_block_portable(const uint64_t *, const uint64_t *, size_t, size_t, size_t, uint16_t *);
uint64_t ck_pair_portable(const uint64_t *, const uint64_t *, size_t);
#if defined(__x86_64__) || defined(__i386__)
void ck_block_popcnt(const uint64_t *, const uint64_t *, size_t, size_t, size_t, uint16_t *);
uint64_t ck_pair_popcnt(const uint64_t *, const uint64_t *, size_t);
void ck_block_avx2(const uint64_t *, const uint64_t *, size_t, size_t, size_t, uint16_t *);
uint64_t ck_pair_avx2(const uint64_t *, const uint64_t *, size_t);
void ck_block_avx512(const uint64_t *, const uint64_t *, size_t, size_t, size_t, uint16_t *);
uint64_t ck_pair_avx512(const uint64_t *, const uint64_t *, size_t);
#endif

/* The chosen path's functions. */
ck_block_fn ck_current_block(void);
ck_pair_fn ck_current_pair(void);
#endif
