/* Frame pixels → the network's planar float RGB input, in one pass:
 * colour conversion, resize and /255 normalisation (preprocess.c checks the
 * frame and chooses the colour matrix; this is the pixel work, compiled once
 * per kernel build so that its loops use the widest vectors).
 *
 * LETTERBOX (YOLOR): bilinear with half-pixel centres and 11-bit fixed-point
 * weights on 8-bit pixels, as OpenCV's INTER_LINEAR used by the official
 * code, then byte/255.0f; border grey 114.
 * STRETCH (darknet): pixels as float byte/255, then darknet's two-pass
 * bilinear with corner-aligned sampling, computed per output pixel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "kernels.h"

/* Rounded to the nearest byte, halves up; written as selects so that loops
 * over it vectorize. */
static inline uint8_t
clamp_u8 (float v)
{
  v = v < 0.0f ? 0.0f : v;
  v = v > 255.0f ? 255.0f : v;
  return (uint8_t) (int) (v + 0.5f);
}

#define CHUNK 64 /* output pixels converted together */

/* RGB bytes of the pixels (xs[j], y) for j < n ≤ CHUNK. The byte loads
 * depend on the format; the YUV conversion runs over the whole chunk, so
 * that it vectorizes. */
static void
fetch_row (const yolor_image *img, const yolor_yuv_coef *k, int y,
    const int *xs, int n, uint8_t rgb[3][CHUNK])
{
  const uint8_t *row = img->planes[0] + (size_t) y * img->strides[0];
  uint8_t Y[CHUNK], U[CHUNK], V[CHUNK]; /* gathered as bytes, converted in
                                         * the vector loop below */
  int o[3] = { 0, 1, 2 }, bpp = 4;
  switch (img->format) {
    case YOLOR_PIXFMT_NV12: {
      const uint8_t *uv = img->planes[1] + (size_t) (y / 2) * img->strides[1];
      for (int j = 0; j < n; j++) {
        Y[j] = row[xs[j]];
        U[j] = uv[2 * (xs[j] / 2)];
        V[j] = uv[2 * (xs[j] / 2) + 1];
      }
      break;
    }
    case YOLOR_PIXFMT_I420: {
      const uint8_t *u = img->planes[1] + (size_t) (y / 2) * img->strides[1];
      const uint8_t *v = img->planes[2] + (size_t) (y / 2) * img->strides[2];
      for (int j = 0; j < n; j++) {
        Y[j] = row[xs[j]];
        U[j] = u[xs[j] / 2];
        V[j] = v[xs[j] / 2];
      }
      break;
    }
    default:
      switch (img->format) {
        case YOLOR_PIXFMT_RGB:
          bpp = 3;
          break;
        case YOLOR_PIXFMT_BGR:
          bpp = 3;
          o[0] = 2, o[2] = 0;
          break;
        case YOLOR_PIXFMT_BGRX:
        case YOLOR_PIXFMT_BGRA:
          o[0] = 2, o[2] = 0;
          break;
        case YOLOR_PIXFMT_XRGB:
          o[0] = 1, o[1] = 2, o[2] = 3;
          break;
        case YOLOR_PIXFMT_XBGR:
          o[0] = 3, o[1] = 2, o[2] = 1;
          break;
        default: /* RGBX, RGBA */
          break;
      }
      for (int j = 0; j < n; j++) {
        const uint8_t *p = row + (size_t) bpp * xs[j];
        rgb[0][j] = p[o[0]];
        rgb[1][j] = p[o[1]];
        rgb[2][j] = p[o[2]];
      }
      return;
  }
  {
    /* local copies: the byte stores below could alias *k otherwise */
    const yolor_yuv_coef c = *k;
    uint8_t *restrict r = rgb[0], *restrict g = rgb[1], *restrict b = rgb[2];
    for (int j = 0; j < n; j++) {
      float yv = ((float) Y[j] - c.y_off) * c.ys, u = (float) U[j] - 128.0f;
      float v = (float) V[j] - 128.0f;
      r[j] = clamp_u8 (yv + c.rv * v);
      g[j] = clamp_u8 (yv + c.gu * u + c.gv * v);
      b[j] = clamp_u8 (yv + c.bu * u);
    }
  }
}

/* OpenCV-style linear coefficients for destination index @d. */
static inline void
cv_coef (int d, double scale, int src_len, int *s0, int *a0)
{
  float f = (float) ((d + 0.5) * scale - 0.5);
  int s = (int) floorf (f);
  f -= (float) s;
  if (s < 0) {
    f = 0.0f;
    s = 0;
  }
  if (s >= src_len - 1) {
    f = 0.0f;
    s = src_len - 1;
  }
  *s0 = s;
  *a0 = (int) lrintf ((1.0f - f) * 2048.0f);
}

/* One frame's conversion, shared by its rows. */
typedef struct
{
  yolor_net *net;
  const yolor_image *img;
  const yolor_yuv_coef *k;
  yolor_resample_cols cols;
  int same; /* letterbox: no resize */
  double sy; /* letterbox: source rows per row */
  float h_scale; /* stretch: the same */
} frame_loop;

/* Letterboxed rows [lo, hi) of net->input. */
static void
letterbox_rows (void *data, long lo, long hi, int worker)
{
  const frame_loop *q = data;
  yolor_net *net = q->net;
  const yolor_image *img = q->img;
  int W = net->in_w, nw = net->lb_w, nh = net->lb_h;
  int left = net->lb_left, top = net->lb_top, same = q->same;
  size_t plane = (size_t) W * net->in_h;
  const float grey = 114.0f / 255.0f;
  (void) worker;

  for (int y = (int) lo; y < (int) hi; y++) {
    float *r = net->input + (size_t) y * W;
    float *g = r + plane, *b = g + plane;
    int yy = y - top, y0 = 0, b0 = 2048, y1;
    if (yy < 0 || yy >= nh) {
      for (int x = 0; x < W; x++)
        r[x] = g[x] = b[x] = grey;
      continue;
    }
    for (int x = 0; x < left; x++)
      r[x] = g[x] = b[x] = grey;
    for (int x = left + nw; x < W; x++)
      r[x] = g[x] = b[x] = grey;
    if (same) {
      y0 = yy;
    } else {
      cv_coef (yy, q->sy, img->height, &y0, &b0);
    }
    y1 = y0 + 1 < img->height ? y0 + 1 : y0;
    for (int c0 = 0; c0 < nw; c0 += CHUNK) {
      int n = nw - c0 < CHUNK ? nw - c0 : CHUNK;
      const int *xa = q->cols.xa + c0, *xb = q->cols.xb + c0;
      const int *a0 = q->cols.w + c0;
      uint8_t p0[3][CHUNK], p1[3][CHUNK], p2[3][CHUNK], p3[3][CHUNK];
      float *out[3] = { r + left + c0, g + left + c0, b + left + c0 };
      if (same) {
        fetch_row (img, q->k, y0, xa, n, p0);
        for (int ch = 0; ch < 3; ch++)
          for (int j = 0; j < n; j++)
            out[ch][j] = p0[ch][j] / 255.0f;
        continue;
      }
      fetch_row (img, q->k, y0, xa, n, p0);
      fetch_row (img, q->k, y0, xb, n, p1);
      fetch_row (img, q->k, y1, xa, n, p2);
      fetch_row (img, q->k, y1, xb, n, p3);
      for (int ch = 0; ch < 3; ch++)
        for (int j = 0; j < n; j++) {
          int d0 = p0[ch][j] * a0[j] + p1[ch][j] * (2048 - a0[j]);
          int d1 = p2[ch][j] * a0[j] + p3[ch][j] * (2048 - a0[j]);
          int v =
              ((((d0 >> 4) * b0) >> 16) + (((d1 >> 4) * (2048 - b0)) >> 16) + 2)
              >> 2;
          v = v < 0 ? 0 : (v > 255 ? 255 : v);
          out[ch][j] = (float) v / 255.0f;
        }
    }
  }
}

static void
letterbox (yolor_net *net, const yolor_image *img, const yolor_yuv_coef *k)
{
  int nw = net->lb_w, nh = net->lb_h;
  double sx = (double) img->width / nw;
  frame_loop q = { net, img, k,
    yolor_resample_cols_at (net->pre_cols, net->in_w),
    nw == img->width && nh == img->height, (double) img->height / nh, 0.0f };

  for (int j = 0; j < nw; j++) {
    if (q.same) {
      q.cols.xa[j] = j;
    } else {
      cv_coef (j, sx, img->width, &q.cols.xa[j], &q.cols.w[j]);
      q.cols.xb[j] =
          q.cols.xa[j] + 1 < img->width ? q.cols.xa[j] + 1 : q.cols.xa[j];
    }
  }
  yolor_parallel (net->n_threads, net->in_h, 1, letterbox_rows, &q);
}

/* Stretched rows [lo, hi) of net->input. */
static void
stretch_rows (void *data, long lo, long hi, int worker)
{
  const frame_loop *q = data;
  yolor_net *net = q->net;
  const yolor_image *img = q->img;
  int W = net->in_w, H = net->in_h, ih = img->height;
  size_t plane = (size_t) W * H;
  (void) worker;

  for (int r = (int) lo; r < (int) hi; r++) {
    float sy = (float) r * q->h_scale;
    int iy = (int) sy;
    float dy = sy - (float) iy;
    int last_row = r == H - 1 || ih == 1;
    for (int c0 = 0; c0 < W; c0 += CHUNK) {
      int n = W - c0 < CHUNK ? W - c0 : CHUNK;
      const int *xa = q->cols.xa + c0, *xb = q->cols.xb + c0;
      const int *lc = q->cols.w + c0;
      const float *dx = q->cols.dx + c0;
      /* (ix, iy), (ix+1, iy), (ix, iy+1), (ix+1, iy+1) */
      uint8_t q0[3][CHUNK], q1[3][CHUNK], q2[3][CHUNK] = { { 0 } };
      uint8_t q3[3][CHUNK] = { { 0 } };
      fetch_row (img, q->k, iy, xa, n, q0);
      fetch_row (img, q->k, iy, xb, n, q1);
      if (!last_row) {
        fetch_row (img, q->k, iy + 1, xa, n, q2);
        fetch_row (img, q->k, iy + 1, xb, n, q3);
      }
      for (int ch = 0; ch < 3; ch++) {
        float *out = net->input + ch * plane + (size_t) r * W + c0;
        for (int j = 0; j < n; j++) {
          float a = q0[ch][j] / 255.0f, b = q1[ch][j] / 255.0f;
          float c = q2[ch][j] / 255.0f, d = q3[ch][j] / 255.0f;
          float p0 = lc[j] ? a : (1 - dx[j]) * a + dx[j] * b;
          float p1 = lc[j] ? c : (1 - dx[j]) * c + dx[j] * d;
          float val = (1 - dy) * p0;
          if (!last_row)
            val += dy * p1;
          out[j] = val;
        }
      }
    }
  }
}

/* darknet's resize_image() (a horizontal then a vertical bilinear pass on
 * float pixels), one output pixel at a time with the same arithmetic; each
 * source pixel is converted to RGB once per output pixel that reads it. */
static void
stretch (yolor_net *net, const yolor_image *img, const yolor_yuv_coef *k)
{
  int W = net->in_w, H = net->in_h, iw = img->width, ih = img->height;
  float w_scale = W > 1 ? (float) (iw - 1) / (float) (W - 1) : 0.0f;
  frame_loop q = { net, img, k, yolor_resample_cols_at (net->pre_cols, W), 0,
    0.0, H > 1 ? (float) (ih - 1) / (float) (H - 1) : 0.0f };

  for (int c = 0; c < W; c++) {
    float sx = (float) c * w_scale;
    q.cols.w[c] = c == W - 1 || iw == 1;
    q.cols.xa[c] = q.cols.w[c] ? iw - 1 : (int) sx;
    q.cols.xb[c] = q.cols.w[c] ? q.cols.xa[c] : q.cols.xa[c] + 1;
    q.cols.dx[c] = sx - (float) (int) sx;
  }
  yolor_parallel (net->n_threads, H, 1, stretch_rows, &q);
}

void
YOLOR_KFN (yolor_convert_frame) (
    yolor_net *net, const yolor_image *img, const yolor_yuv_coef *k)
{
  if (net->resize == YOLOR_RESIZE_STRETCH)
    stretch (net, img, k);
  else
    letterbox (net, img, k);
}
