/* The GEMM's register-blocked micro-kernels, one per kernel variant:
 *
 *   C[MR][NR] (+)= Σ_k a[k][MR] · b[k][NR]
 *
 * a is a packed A panel, b a packed B panel (both contiguous, b 64-byte
 * aligned); C has row stride ldc. With @acc the tile is added to C, else it
 * replaces it. Included by sgemm.c only.
 *
 *   variant   MR x NR   registers
 *   generic    none: OpenBLAS multiplies (see sgemm.c)
 *   avx2       6 x 16   12 ymm accumulators
 *   avx512     8 x 32   16 zmm accumulators
 *   avx512 bf16 8 x 32   the same, from BF16 pairs (vdpbf16ps)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_SGEMM_UKERNEL_H
#define YOLOR_SGEMM_UKERNEL_H

#if defined(YOLOR_KERNELS_AVX512)
#include <immintrin.h>

#define MR 8
#define NR 32

/* The accumulators (columns 0–15 in c0, 16–31 in c1) into C, or added to
 * it with @acc. Inlined, so they stay in registers. */
__attribute__ ((always_inline)) static inline void
store_tile (__m512 c0[MR], __m512 c1[MR], float *c, int ldc, int acc)
{
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++) {
    float *ci = c + (size_t) i * ldc;
    if (acc) {
      c0[i] = _mm512_add_ps (c0[i], _mm512_loadu_ps (ci));
      c1[i] = _mm512_add_ps (c1[i], _mm512_loadu_ps (ci + 16));
    }
    _mm512_storeu_ps (ci, c0[i]);
    _mm512_storeu_ps (ci + 16, c1[i]);
  }
}

static inline void
ukernel (int kc, const float *a, const float *b, float *c, int ldc, int acc)
{
  __m512 c0[MR], c1[MR];
  for (int i = 0; i < MR; i++)
    c0[i] = c1[i] = _mm512_setzero_ps ();
  for (int k = 0; k < kc; k++) {
    __m512 b0 = _mm512_load_ps (b), b1 = _mm512_load_ps (b + 16);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      __m512 ai = _mm512_set1_ps (a[i]);
      c0[i] = _mm512_fmadd_ps (ai, b0, c0[i]);
      c1[i] = _mm512_fmadd_ps (ai, b1, c1[i]);
    }
    a += MR;
    b += NR;
  }
  store_tile (c0, c1, c, ldc, acc);
}

#if defined(YOLOR_HAVE_BF16_KERNELS)
/* The BF16 functions of this build: compiled for avx512bf16, called only
 * when the CPU has it (yolor_bf16_available). */
#define YOLOR_BF16_TARGET                                                      \
  __attribute__ ((target ("avx512f,avx512vl,avx512dq,avx512bw,avx512bf16")))

/* The same 8x32 tile from BF16 pairs: a holds, per pair of k, MR pairs
 * (a[k][i], a[k+1][i]); b per pair of k NR pairs (b[k][j], b[k+1][j]).
 * vdpbf16ps adds both products of a pair to each FP32 accumulator. @kp:
 * pairs of k. */
YOLOR_BF16_TARGET static inline void
ukernel_bf16 (
    int kp, const uint16_t *a, const uint16_t *b, float *c, int ldc, int acc)
{
  __m512 c0[MR], c1[MR];
  for (int i = 0; i < MR; i++)
    c0[i] = c1[i] = _mm512_setzero_ps ();
  for (int k = 0; k < kp; k++) {
    __m512bh b0 = (__m512bh) _mm512_load_si512 (b);
    __m512bh b1 = (__m512bh) _mm512_load_si512 (b + 32);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      int32_t pair;
      memcpy (&pair, a + 2 * i, sizeof (pair));
      __m512bh ai = (__m512bh) _mm512_set1_epi32 (pair);
      c0[i] = _mm512_dpbf16_ps (c0[i], ai, b0);
      c1[i] = _mm512_dpbf16_ps (c1[i], ai, b1);
    }
    a += 2 * MR;
    b += 2 * NR;
  }
  store_tile (c0, c1, c, ldc, acc);
}
#endif

#elif defined(YOLOR_KERNELS_AVX2)
#include <immintrin.h>

#define MR 6
#define NR 16

static inline void
ukernel (int kc, const float *a, const float *b, float *c, int ldc, int acc)
{
  __m256 c0[MR], c1[MR];
  for (int i = 0; i < MR; i++)
    c0[i] = c1[i] = _mm256_setzero_ps ();
  for (int k = 0; k < kc; k++) {
    __m256 b0 = _mm256_load_ps (b), b1 = _mm256_load_ps (b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      __m256 ai = _mm256_broadcast_ss (a + i);
      c0[i] = _mm256_fmadd_ps (ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_ps (ai, b1, c1[i]);
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) {
    float *ci = c + (size_t) i * ldc;
    if (acc) {
      c0[i] = _mm256_add_ps (c0[i], _mm256_loadu_ps (ci));
      c1[i] = _mm256_add_ps (c1[i], _mm256_loadu_ps (ci + 8));
    }
    _mm256_storeu_ps (ci, c0[i]);
    _mm256_storeu_ps (ci + 8, c1[i]);
  }
}

#else

/* The generic build multiplies with OpenBLAS (sgemm.c): no micro-kernel;
 * these only size the buffers. */
#define MR 6
#define NR 16

#endif

#endif /* YOLOR_SGEMM_UKERNEL_H */
