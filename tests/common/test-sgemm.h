/* The engine's packed GEMM on plain row-major matrices, for the kernel
 * tests: packs A as the loader packs weights, then runs yolor_sgemm_run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_SGEMM_H
#define YOLOR_TEST_SGEMM_H

#include <check.h>
#include <stdlib.h>

#include "kernels/kernels.h"

/* C = act (A·B + bias) on @n_threads threads; @bias may be NULL. */
static inline void
tu_sgemm (int n_threads, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, const float *bias,
    yolor_act act)
{
  float *packed = malloc (sizeof (float) * yolor_sgemm_packed_floats (M, K));
  float *work = malloc (sizeof (float) * yolor_sgemm_workspace (n_threads));
  yolor_gemm_task g = { 0 };

  ck_assert (packed != NULL && work != NULL);
  yolor_sgemm_pack_a (M, K, A, lda, packed);
  g.M = M;
  g.N = N;
  g.K = K;
  g.a = packed;
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

#endif /* YOLOR_TEST_SGEMM_H */
