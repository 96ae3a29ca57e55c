/* Depthwise convolution (groups == channels == filters) and the direct
 * reference convolution used by the tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels.h"

/* First output index whose input column ox·s − p + kx is ≥ 0, and one past
 * the last whose column is < w. */
static inline void
valid_range (int w, int ow, int s, int p, int kx, int *lo, int *hi)
{
  int a = p - kx, l = a > 0 ? (a + s - 1) / s : 0;
  int b = w - 1 + p - kx, h = b >= 0 ? b / s + 1 : 0;
  *lo = l;
  *hi = h < ow ? h : ow;
}

void
YOLOR_KFN (yolor_depthwise) (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow,
    const float *bias, yolor_act act, float *y)
{
  (void) n_threads;
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (int ch = 0; ch < c; ch++) {
    const float *xc = x + (size_t) ch * h * w;
    const float *kc = wt + (size_t) ch * k * k;
    float b = bias ? bias[ch] : 0.0f;
    for (int oy = 0; oy < oh; oy++) {
      float *yr = y + ((size_t) ch * oh + oy) * ow;
      for (int ox = 0; ox < ow; ox++)
        yr[ox] = b;
      for (int ky = 0; ky < k; ky++) {
        int iy = oy * stride - pad + ky;
        const float *xr;
        if (iy < 0 || iy >= h)
          continue;
        xr = xc + (size_t) iy * w - pad;
        for (int kx = 0; kx < k; kx++) {
          float wv = kc[ky * k + kx];
          int lo, hi;
          valid_range (w, ow, stride, pad, kx, &lo, &hi);
          if (stride == 1) {
            const float *xs = xr + kx;
            for (int ox = lo; ox < hi; ox++)
              yr[ox] += wv * xs[ox];
          } else {
            for (int ox = lo; ox < hi; ox++)
              yr[ox] += wv * xr[ox * stride + kx];
          }
        }
      }
      if (act != YOLOR_ACT_LINEAR)
        yolor_act_row (yr, yr, ow, 0.0f, act);
    }
  }
}

#ifdef YOLOR_KERNELS_BASELINE
void
yolor_conv_ref (const float *x, int c_in, int h, int w, const float *wt,
    int c_out, int k, int stride, int pad, int groups, int oh, int ow, float *y)
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
#endif
