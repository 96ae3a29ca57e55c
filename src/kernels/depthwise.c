/* Depthwise convolution (groups == channels == filters) and the direct
 * reference convolution used by the tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels.h"

#define DW_L 8 /* outputs computed together (vector lanes) */

/* Geometry of the zero-padded copy of one input plane: every tap of every
 * output (rounded up to DW_L columns) reads inside it, without checks. */
static inline void
padded_dims (int k, int stride, int oh, int ow, int *rows, int *cols)
{
  int owp = (ow + DW_L - 1) / DW_L * DW_L;
  *rows = (oh - 1) * stride + k;
  *cols = (owp - 1) * stride + k + DW_L; /* + a vector of slack */
}

#ifdef YOLOR_KERNELS_BASELINE
size_t
yolor_depthwise_workspace (int k, int stride, int oh, int ow, int n_threads)
{
  int rows, cols;
  padded_dims (k, stride, oh, ow, &rows, &cols);
  return ((size_t) rows * cols + 16) * (size_t) (n_threads > 0 ? n_threads : 1);
}
#endif

static void
pad_plane (const float *xc, int h, int w, int pad, int rows, int cols,
    float *restrict xp)
{
  for (int r = 0; r < rows; r++) {
    float *d = xp + (size_t) r * cols;
    int iy = r - pad, n = w;
    if (iy < 0 || iy >= h) {
      memset (d, 0, sizeof (float) * (size_t) cols);
      continue;
    }
    if (pad + n > cols)
      n = cols - pad;
    memset (d, 0, sizeof (float) * (size_t) pad);
    memcpy (d + pad, xc + (size_t) iy * w, sizeof (float) * (size_t) n);
    memset (d + pad + n, 0, sizeof (float) * (size_t) (cols - pad - n));
  }
}

/* DW_L outputs of one row: Σ taps w[ky][kx] · xp[oy·s + ky][(ox + q)·s + kx]
 * for q < DW_L, from the padded plane. */
static inline yolor_v8f
dw_vector (const float *xp, int cols, const float *kw, int k, int stride,
    int oy, int ox, float b)
{
  yolor_v8f acc = { 0 };
  acc += b;
  for (int ky = 0; ky < k; ky++) {
    const float *xr = xp + (size_t) (oy * stride + ky) * cols + ox * stride;
    for (int kx = 0; kx < k; kx++) {
      yolor_v8f v;
      if (stride == 1) {
        memcpy (&v, xr + kx, sizeof (v));
      } else if (stride == 2) {
        v = yolor_v8_even (xr + kx);
      } else {
        for (int q = 0; q < DW_L; q++)
          v[q] = xr[q * stride + kx];
      }
      acc += kw[ky * k + kx] * v;
    }
  }
  return acc;
}

typedef struct
{
  const float *x, *wt, *bias;
  float *y, *work;
  int h, w, k, stride, pad, oh, ow, rows, cols;
  size_t per_thread;
  yolor_act act;
} dw_loop;

/* Channels [lo, hi), padded in @worker's plane. */
static void
dw_channels (void *data, long lo, long hi, int worker)
{
  const dw_loop *q = data;
  int k = q->k, oh = q->oh, ow = q->ow, cols = q->cols;
  float *xp = q->work + (size_t) worker * q->per_thread;
  for (int ch = (int) lo; ch < (int) hi; ch++) {
    const float *kw = q->wt + (size_t) ch * k * k;
    float b = q->bias ? q->bias[ch] : 0.0f;
    pad_plane (q->x + (size_t) ch * q->h * q->w, q->h, q->w, q->pad, q->rows,
        cols, xp);
    for (int oy = 0; oy < oh; oy++) {
      float *yr = q->y + ((size_t) ch * oh + oy) * ow;
      for (int ox = 0; ox < ow; ox += DW_L) {
        yolor_v8f v = dw_vector (xp, cols, kw, k, q->stride, oy, ox, b);
        float t[DW_L];
        int n = ow - ox < DW_L ? ow - ox : DW_L;
        memcpy (t, &v, sizeof (t));
        yolor_act_row (yr + ox, t, n, 0.0f, q->act);
      }
    }
  }
}

void
YOLOR_KFN (yolor_depthwise) (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow,
    const float *bias, yolor_act act, float *y, float *work)
{
  dw_loop q = { x, wt, bias, y, work, h, w, k, stride, pad, oh, ow, 0, 0, 0,
    act };
  padded_dims (k, stride, oh, ow, &q.rows, &q.cols);
  q.per_thread = (size_t) q.rows * q.cols + 16;
  yolor_parallel (n_threads, c, 1, dw_channels, &q);
}
