/* Depthwise convolution (groups == channels == filters) and the direct
 * reference convolution used by the tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels.h"

void
yolor_depthwise (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow, float *y)
{
  (void) n_threads;
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (int ch = 0; ch < c; ch++) {
    const float *xc = x + (size_t) ch * h * w;
    const float *kc = wt + (size_t) ch * k * k;
    float *yc = y + (size_t) ch * oh * ow;
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++) {
        float acc = 0.0f;
        for (int ky = 0; ky < k; ky++) {
          int iy = oy * stride - pad + ky;
          if (iy < 0 || iy >= h)
            continue;
          for (int kx = 0; kx < k; kx++) {
            int ix = ox * stride - pad + kx;
            if (ix >= 0 && ix < w)
              acc += xc[(size_t) iy * w + ix] * kc[ky * k + kx];
          }
        }
        yc[(size_t) oy * ow + ox] = acc;
      }
  }
}

void
yolor_conv_ref (const float *x, int c_in, int h, int w, const float *wt,
    int c_out, int k, int stride, int pad, int groups, int oh, int ow,
    float *y)
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
