/* Elementwise forward kernels (AVX-512): exact-erf GELU and layer norm. */
#include "include/ckforward.h"
#include "vecmath.h"
#include <math.h>
#include <stdlib.h>

#if defined(__x86_64__)
static inline __mmask16 tail(long n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }

/* erf by the rational minimax form of ActivationFunctions.erfRational (Eigen/XLA's float erf). */
static inline __attribute__((always_inline)) CK_T512 __m512 erf512(__m512 x) {
    __m512 xc = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-4.0f)), _mm512_set1_ps(4.0f));
    __m512 x2 = _mm512_mul_ps(xc, xc);
    __m512 p = _mm512_set1_ps(-2.72614225801306e-10f);
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(2.77068142495902e-08f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-2.10102402082508e-06f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-5.69250639462346e-05f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-7.34990630326855e-04f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-2.95459980854025e-03f));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(-1.60960333262415e-02f));
    __m512 qq = _mm512_set1_ps(-1.45660718464996e-05f);
    qq = _mm512_fmadd_ps(x2, qq, _mm512_set1_ps(-2.13374055278905e-04f));
    qq = _mm512_fmadd_ps(x2, qq, _mm512_set1_ps(-1.68282697438203e-03f));
    qq = _mm512_fmadd_ps(x2, qq, _mm512_set1_ps(-7.37332916720468e-03f));
    qq = _mm512_fmadd_ps(x2, qq, _mm512_set1_ps(-1.42647390514189e-02f));
    return _mm512_div_ps(_mm512_mul_ps(xc, p), qq);
}

CK_T512 void ck_gelu_avx512(const float *x, float *y, long n) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), rs2 = _mm512_set1_ps(0.70710678118654752f);
    for (long i = 0; i < n; i += 16) {
        __mmask16 m = tail(n - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 e = erf512(_mm512_mul_ps(v, rs2));
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, e)));
    }
}

CK_T512 void ck_gelu_tanh_avx512(const float *x, float *y, long n) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), c = _mm512_set1_ps(0.79788456080286536f),
                 a = _mm512_set1_ps(0.044715f), two = _mm512_set1_ps(2.0f);
    for (long i = 0; i < n; i += 16) {
        __mmask16 m = tail(n - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 u = _mm512_mul_ps(c, _mm512_fmadd_ps(_mm512_mul_ps(a, v), _mm512_mul_ps(v, v), v));
        /* tanh(u) = 1 - 2 / (e^(2u) + 1): exact limits +-1 once e^(2u) saturates (ck_exp512 clamps). */
        __m512 e = ck_exp512(_mm512_mul_ps(two, u));
        __m512 t = _mm512_sub_ps(one, _mm512_div_ps(two, _mm512_add_ps(e, one)));
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, t)));
    }
}

CK_T512 void ck_layer_norm_avx512(float *x, long cols, long r0, long r1, const float *w, const float *b, float eps) {
    for (long r = r0; r < r1; r++) {
        float *row = x + r * cols;
        __m512 s = _mm512_setzero_ps();
        for (long c = 0; c < cols; c += 16) s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(tail(cols - c), row + c));
        float mean = _mm512_reduce_add_ps(s) / (float)cols;
        __m512 mv = _mm512_set1_ps(mean), q = _mm512_setzero_ps();
        for (long c = 0; c < cols; c += 16) {
            __mmask16 m = tail(cols - c);
            __m512 d = _mm512_maskz_sub_ps(m, _mm512_maskz_loadu_ps(m, row + c), mv);
            q = _mm512_fmadd_ps(d, d, q);
        }
        double var = (double)_mm512_reduce_add_ps(q) / (double)cols;
        __m512 inv = _mm512_set1_ps((float)(1.0 / sqrt(var + (double)eps)));
        for (long c = 0; c < cols; c += 16) {
            __mmask16 m = tail(cols - c);
            __m512 y = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + c), mv), inv),
                                     _mm512_maskz_loadu_ps(m, w + c));
            if (b) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, b + c));
            _mm512_mask_storeu_ps(row + c, m, y);
        }
    }
}
#else
void ck_gelu_avx512(const float *x, float *y, long n) { abort(); }
void ck_gelu_tanh_avx512(const float *x, float *y, long n) { abort(); }
void ck_layer_norm_avx512(float *x, long cols, long r0, long r1, const float *w, const float *b, float eps) { abort(); }
#endif
