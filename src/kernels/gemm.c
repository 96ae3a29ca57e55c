/* Matrix multiply. The only OpenBLAS call site in the project.
 *
 * Thread policy: OpenBLAS keeps one process-wide thread count. Each call
 * sets it to the calling net's n_threads first (only when it differs from the
 * last value set), so two nets with different thread counts in one process
 * each get theirs. It is never called inside a parallel loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cblas.h>

#include "kernels.h"

static int blas_threads_set;

void
yolor_gemm (int n_threads, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, int accumulate)
{
  if (__atomic_load_n (&blas_threads_set, __ATOMIC_RELAXED) != n_threads) {
    openblas_set_num_threads (n_threads);
    __atomic_store_n (&blas_threads_set, n_threads, __ATOMIC_RELAXED);
  }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, lda,
      B, ldb, accumulate ? 1.0f : 0.0f, C, ldc);
}
