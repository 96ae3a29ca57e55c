/* im2col for k×k convolutions with zero padding.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels.h"

void
yolor_im2col (int n_threads, const float *x, int c, int h, int w, int k,
    int stride, int pad, int oh, int ow, float *col)
{
  int rows = c * k * k;
  (void) n_threads;
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (int r = 0; r < rows; r++) {
    int kx = r % k, ky = (r / k) % k, ch = r / (k * k);
    const float *xc = x + (size_t) ch * h * w;
    float *dst = col + (size_t) r * oh * ow;
    for (int oy = 0; oy < oh; oy++) {
      int iy = oy * stride - pad + ky;
      float *d = dst + (size_t) oy * ow;
      if (iy < 0 || iy >= h) {
        memset (d, 0, sizeof (float) * (size_t) ow);
        continue;
      }
      const float *src = xc + (size_t) iy * w;
      if (stride == 1) {
        int lo = pad - kx, hi = w + pad - kx; /* ox in [lo, hi) reads */
        if (lo < 0)
          lo = 0;
        if (hi > ow)
          hi = ow;
        for (int ox = 0; ox < lo && ox < ow; ox++)
          d[ox] = 0.0f;
        if (hi > lo)
          memcpy (
              d + lo, src + lo - pad + kx, sizeof (float) * (size_t) (hi - lo));
        for (int ox = hi > lo ? hi : (lo > 0 ? lo : 0); ox < ow; ox++)
          d[ox] = 0.0f;
      } else {
        for (int ox = 0; ox < ow; ox++) {
          int ix = ox * stride - pad + kx;
          d[ox] = (ix >= 0 && ix < w) ? src[ix] : 0.0f;
        }
      }
    }
  }
}
