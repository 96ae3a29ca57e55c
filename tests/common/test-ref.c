/* Plain references the kernel tests compare with: a triple-loop GEMM and a
 * direct convolution, both accumulating in double.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

void
tu_gemm_ref (int M, int N, int K, const float *A, int lda, const float *B,
    int ldb, float *C, int ldc, int accumulate)
{
  for (int m = 0; m < M; m++)
    for (int n = 0; n < N; n++) {
      double acc = accumulate ? C[(size_t) m * ldc + n] : 0.0;
      for (int k = 0; k < K; k++)
        acc += (double) A[(size_t) m * lda + k] * B[(size_t) k * ldb + n];
      C[(size_t) m * ldc + n] = (float) acc;
    }
}

void
tu_conv_ref (const float *x, int c_in, int h, int w, const float *wt, int c_out,
    int k, int stride, int pad, int groups, int oh, int ow, float *y)
{
  int cpg = c_in / groups, opg = c_out / groups;

  for (int o = 0; o < c_out; o++) {
    int g = o / opg;

    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++) {
        double acc = 0.0;

        for (int ci = 0; ci < cpg; ci++)
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
              int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;

              if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                continue;
              acc += (double) x[((size_t) (g * cpg + ci) * h + iy) * w + ix]
                  * wt[(((size_t) o * cpg + ci) * k + ky) * k + kx];
            }
        y[((size_t) o * oh + oy) * ow + ox] = (float) acc;
      }
  }
}
