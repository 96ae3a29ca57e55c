/* The engine's packed GEMM on plain row-major matrices, for the kernel
 * tests: packs A as the loader packs weights, then runs yolor_sgemm_run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_SGEMM_H
#define YOLOR_TEST_SGEMM_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

/* The float a BF16 value stands for. */
static inline float
tu_bf16_float (uint16_t h)
{
  uint32_t u = (uint32_t) h << 16;
  float f;
  memcpy (&f, &u, sizeof (f));
  return f;
}

/* C = act (A·B + bias) on @n_threads threads; @bias may be NULL. With
 * @bf16 (yolor_bf16_available () must be true), the BF16 GEMM. */
static inline void
tu_gemm_packed (int n_threads, int bf16, int M, int N, int K, const float *A,
    int lda, const float *B, int ldb, float *C, int ldc, const float *bias,
    yolor_act act)
{
  size_t bytes = bf16 ? sizeof (uint16_t) * yolor_bgemm_packed (M, K)
                      : sizeof (float) * yolor_sgemm_packed_floats (M, K);
  void *packed = malloc (bytes ? bytes : 1);
  float *work = malloc (sizeof (float) * yolor_sgemm_workspace (n_threads));
  yolor_gemm_task g = { 0 };

  ck_assert (packed != NULL && work != NULL);
  if (bf16) {
    ck_assert (yolor_bf16_available ());
    yolor_bgemm_pack_a (M, K, A, lda, packed);
    g.a16 = packed;
  } else {
    yolor_sgemm_pack_a (M, K, A, lda, packed);
    g.a = packed;
  }
  g.M = M;
  g.N = N;
  g.K = K;
  g.b.x = B;
  g.b.ld = ldb;
  g.c = C;
  g.ldc = ldc;
  g.bias = bias;
  g.act = act;
  yolor_sgemm_run (n_threads, &g, work);
  free (packed);
  free (work);
}

static inline void
tu_sgemm (int n_threads, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, const float *bias,
    yolor_act act)
{
  tu_gemm_packed (n_threads, 0, M, N, K, A, lda, B, ldb, C, ldc, bias, act);
}

/* @n values rounded to BF16, back as floats, in place. */
static inline void
tu_round_bf16 (float *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    v[i] = tu_bf16_float (yolor_bf16_round (v[i]));
}

#endif /* YOLOR_TEST_SGEMM_H */
