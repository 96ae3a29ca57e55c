/* Run-time choice between the baseline kernels and the AVX2+FMA build of the
 * same sources (see YOLOR_KFN in kernels.h). The choice is made once, from
 * the CPU's features.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

static int
use_avx2 (void)
{
#if defined(YOLOR_HAVE_AVX2_KERNELS)
  static int v = -1;
  if (v < 0) {
    /* YOLOR_KERNELS=generic forces the baseline kernels (for tests). */
    const char *force = getenv ("YOLOR_KERNELS");
    __builtin_cpu_init ();
    v = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma")
        && !(force && strcmp (force, "generic") == 0);
  }
  return v;
#else
  return 0;
#endif
}

#if defined(YOLOR_HAVE_AVX2_KERNELS)
#define PICK(name) (use_avx2 () ? name##_avx2 : name##_generic)
#else
#define PICK(name) name##_generic
#endif

int
yolor_kernels_avx2 (void)
{
  return use_avx2 ();
}

void
yolor_sgemm (int n_threads, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, const float *bias,
    yolor_act act, float *work)
{
  PICK (yolor_sgemm)
  (n_threads, M, N, K, A, lda, B, ldb, C, ldc, bias, act, work);
}

void
yolor_winograd_conv (int n_threads, const float *x, int cin, int h, int w,
    int pad, const float *u, int cout, const float *bias, yolor_act act,
    float *y, int oh, int ow, float *work, float *gemm_work)
{
  PICK (yolor_winograd_conv)
  (n_threads, x, cin, h, w, pad, u, cout, bias, act, y, oh, ow, work,
      gemm_work);
}

void
yolor_depthwise (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow,
    const float *bias, yolor_act act, float *y)
{
  PICK (yolor_depthwise)
  (n_threads, x, c, h, w, wt, k, stride, pad, oh, ow, bias, act, y);
}

void
yolor_bias_act (
    int n_threads, float *y, int C, int hw, const float *bias, yolor_act act)
{
  PICK (yolor_bias_act) (n_threads, y, C, hw, bias, act);
}

void
yolor_bn_act (int n_threads, float *y, int C, int hw, const float *gamma,
    const float *beta, const float *mean, const float *var, float eps,
    yolor_act act)
{
  PICK (yolor_bn_act) (n_threads, y, C, hw, gamma, beta, mean, var, eps, act);
}

void
yolor_act_apply (int n_threads, float *y, size_t n, yolor_act act)
{
  PICK (yolor_act_apply) (n_threads, y, n, act);
}
