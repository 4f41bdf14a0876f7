/* Internal: AVX-512 elementwise math shared by the attention and activation kernels. */
#ifndef CK_VECMATH_H
#define CK_VECMATH_H
#if defined(__x86_64__)
#include <immintrin.h>
#define CK_T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

/* e^x, Cephes' expf scheme as FastMath.exp (x = n ln2 + r, degree-6 polynomial), with 2^n by
   vscalefps. Inputs clamped to [-87, 88]; relative error below 2e-7. */
static inline __attribute__((always_inline)) CK_T512 __m512 ck_exp512(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(88.0f), _mm512_max_ps(x, _mm512_set1_ps(-87.0f)));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(y, n);
}
#endif
#endif
