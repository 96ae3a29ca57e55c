/* Frame → network input in one pass: colour conversion, resize and /255
 * normalisation into planar float RGB.
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

#include "postprocess.h"

static inline uint8_t
clamp_u8 (float v)
{
  return v <= 0.0f ? 0 : (v >= 255.0f ? 255 : (uint8_t) (v + 0.5f));
}

typedef struct
{
  float y_off, ys, rv, gu, gv, bu;
} yuv_coef;

static void
yuv_coefs (const yolor_image *img, yuv_coef *k)
{
  yolor_yuv_matrix m = img->matrix;
  if (m == YOLOR_YUV_AUTO)
    m = img->height >= 720 ? YOLOR_YUV_BT709 : YOLOR_YUV_BT601;
  switch (m) {
    case YOLOR_YUV_BT601_FULL:
      *k = (yuv_coef){ 0.0f, 1.0f, 1.402f, -0.344136f, -0.714136f, 1.772f };
      break;
    case YOLOR_YUV_BT709_FULL:
      *k = (yuv_coef){ 0.0f, 1.0f, 1.5748f, -0.187324f, -0.468124f, 1.8556f };
      break;
    case YOLOR_YUV_BT709:
      *k = (yuv_coef){ 16.0f, 255.0f / 219.0f, 1.5748f * 255.0f / 224.0f,
        -0.187324f * 255.0f / 224.0f, -0.468124f * 255.0f / 224.0f,
        1.8556f * 255.0f / 224.0f };
      break;
    default:
      *k = (yuv_coef){ 16.0f, 255.0f / 219.0f, 1.402f * 255.0f / 224.0f,
        -0.344136f * 255.0f / 224.0f, -0.714136f * 255.0f / 224.0f,
        1.772f * 255.0f / 224.0f };
      break;
  }
}

/* RGB bytes of pixel (x, y). */
static inline void
fetch (const yolor_image *img, const yuv_coef *k, int x, int y, uint8_t *rgb)
{
  const uint8_t *p;
  float Y, U, V;
  switch (img->format) {
    case YOLOR_PIXFMT_RGB:
      p = img->planes[0] + (size_t) y * img->strides[0] + 3 * x;
      rgb[0] = p[0], rgb[1] = p[1], rgb[2] = p[2];
      return;
    case YOLOR_PIXFMT_BGR:
      p = img->planes[0] + (size_t) y * img->strides[0] + 3 * x;
      rgb[0] = p[2], rgb[1] = p[1], rgb[2] = p[0];
      return;
    case YOLOR_PIXFMT_RGBX:
    case YOLOR_PIXFMT_RGBA:
      p = img->planes[0] + (size_t) y * img->strides[0] + 4 * x;
      rgb[0] = p[0], rgb[1] = p[1], rgb[2] = p[2];
      return;
    case YOLOR_PIXFMT_BGRX:
    case YOLOR_PIXFMT_BGRA:
      p = img->planes[0] + (size_t) y * img->strides[0] + 4 * x;
      rgb[0] = p[2], rgb[1] = p[1], rgb[2] = p[0];
      return;
    case YOLOR_PIXFMT_XRGB:
      p = img->planes[0] + (size_t) y * img->strides[0] + 4 * x;
      rgb[0] = p[1], rgb[1] = p[2], rgb[2] = p[3];
      return;
    case YOLOR_PIXFMT_XBGR:
      p = img->planes[0] + (size_t) y * img->strides[0] + 4 * x;
      rgb[0] = p[3], rgb[1] = p[2], rgb[2] = p[1];
      return;
    case YOLOR_PIXFMT_NV12:
      Y = img->planes[0][(size_t) y * img->strides[0] + x];
      p = img->planes[1] + (size_t) (y / 2) * img->strides[1] + 2 * (x / 2);
      U = p[0];
      V = p[1];
      break;
    default: /* I420 */
      Y = img->planes[0][(size_t) y * img->strides[0] + x];
      U = img->planes[1][(size_t) (y / 2) * img->strides[1] + x / 2];
      V = img->planes[2][(size_t) (y / 2) * img->strides[2] + x / 2];
      break;
  }
  Y = (Y - k->y_off) * k->ys;
  U -= 128.0f;
  V -= 128.0f;
  rgb[0] = clamp_u8 (Y + k->rv * V);
  rgb[1] = clamp_u8 (Y + k->gu * U + k->gv * V);
  rgb[2] = clamp_u8 (Y + k->bu * U);
}

static int
round_half_even (double v)
{
  return (int) nearbyint (v);
}

void
yolor_letterbox_geometry (int frame_w, int frame_h, int target_w, int target_h,
    int rect, int *new_w, int *new_h, int *in_w, int *in_h, int *left, int *top)
{
  double r = fmin ((double) target_h / frame_h, (double) target_w / frame_w);
  int nw = round_half_even (frame_w * r), nh = round_half_even (frame_h * r);
  int dw, dh;
  if (nw < 1)
    nw = 1;
  if (nh < 1)
    nh = 1;
  dw = target_w - nw;
  dh = target_h - nh;
  if (rect) {
    dw %= 64;
    dh %= 64;
  }
  *new_w = nw;
  *new_h = nh;
  *in_w = nw + dw;
  *in_h = nh + dh;
  *left = dw / 2;
  *top = dh / 2;
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

static void
letterbox (yolor_net *net, const yolor_image *img, const yuv_coef *k)
{
  int W = net->in_w, H = net->in_h;
  int nw = net->lb_w, nh = net->lb_h;
  int left = net->lb_left, top = net->lb_top;
  size_t plane = (size_t) W * H;
  const float grey = 114.0f / 255.0f;
  int same = nw == img->width && nh == img->height;
  double sx = (double) img->width / nw, sy = (double) img->height / nh;
  int nt = net->n_threads;
  (void) nt;

#pragma omp parallel for num_threads(nt) schedule(static)
  for (int y = 0; y < H; y++) {
    float *r = net->input + (size_t) y * W;
    float *g = r + plane, *b = g + plane;
    int yy = y - top, y0 = 0, b0 = 2048;
    if (yy < 0 || yy >= nh) {
      for (int x = 0; x < W; x++)
        r[x] = g[x] = b[x] = grey;
      continue;
    }
    if (!same)
      cv_coef (yy, sy, img->height, &y0, &b0);
    for (int x = 0; x < W; x++) {
      int xx = x - left, x0, a0;
      uint8_t p[4][3];
      if (xx < 0 || xx >= nw) {
        r[x] = g[x] = b[x] = grey;
        continue;
      }
      if (same) {
        fetch (img, k, xx, yy, p[0]);
        r[x] = p[0][0] / 255.0f;
        g[x] = p[0][1] / 255.0f;
        b[x] = p[0][2] / 255.0f;
        continue;
      }
      cv_coef (xx, sx, img->width, &x0, &a0);
      {
        int x1 = x0 + 1 < img->width ? x0 + 1 : x0;
        int y1 = y0 + 1 < img->height ? y0 + 1 : y0;
        fetch (img, k, x0, y0, p[0]);
        fetch (img, k, x1, y0, p[1]);
        fetch (img, k, x0, y1, p[2]);
        fetch (img, k, x1, y1, p[3]);
        for (int ch = 0; ch < 3; ch++) {
          int d0 = p[0][ch] * a0 + p[1][ch] * (2048 - a0);
          int d1 = p[2][ch] * a0 + p[3][ch] * (2048 - a0);
          int v =
              ((((d0 >> 4) * b0) >> 16) + (((d1 >> 4) * (2048 - b0)) >> 16) + 2)
              >> 2;
          float f = (float) (v < 0 ? 0 : (v > 255 ? 255 : v)) / 255.0f;
          (ch == 0 ? r : ch == 1 ? g : b)[x] = f;
        }
      }
    }
  }
}

/* darknet's resize_image() (a horizontal then a vertical bilinear pass on
 * float pixels), one output pixel at a time with the same arithmetic; each
 * source pixel is converted to RGB once per output pixel that reads it. */
static void
stretch (yolor_net *net, const yolor_image *img, const yuv_coef *k)
{
  int W = net->in_w, H = net->in_h, iw = img->width, ih = img->height;
  size_t plane = (size_t) W * H;
  float w_scale = W > 1 ? (float) (iw - 1) / (float) (W - 1) : 0.0f;
  float h_scale = H > 1 ? (float) (ih - 1) / (float) (H - 1) : 0.0f;
  int nt = net->n_threads;
  (void) nt;

#pragma omp parallel for num_threads(nt) schedule(static)
  for (int r = 0; r < H; r++) {
    float sy = (float) r * h_scale;
    int iy = (int) sy;
    float dy = sy - (float) iy;
    int last_row = r == H - 1 || ih == 1;
    for (int c = 0; c < W; c++) {
      int last_col = c == W - 1 || iw == 1;
      float sx = (float) c * w_scale;
      int ix = last_col ? iw - 1 : (int) sx;
      float dx = sx - (float) (int) sx;
      uint8_t q[4][3] = {
        { 0 }
      }; /* (ix, iy), (ix+1, iy), (ix, iy+1), (ix+1, iy+1) */
      fetch (img, k, ix, iy, q[0]);
      if (!last_col)
        fetch (img, k, ix + 1, iy, q[1]);
      if (!last_row) {
        fetch (img, k, ix, iy + 1, q[2]);
        if (!last_col)
          fetch (img, k, ix + 1, iy + 1, q[3]);
      }
      for (int ch = 0; ch < 3; ch++) {
        float p0, p1, val;
        if (last_col)
          p0 = q[0][ch] / 255.0f;
        else
          p0 = (1 - dx) * (q[0][ch] / 255.0f) + dx * (q[1][ch] / 255.0f);
        val = (1 - dy) * p0;
        if (!last_row) {
          if (last_col)
            p1 = q[2][ch] / 255.0f;
          else
            p1 = (1 - dx) * (q[2][ch] / 255.0f) + dx * (q[3][ch] / 255.0f);
          val += dy * p1;
        }
        net->input[ch * plane + (size_t) r * W + c] = val;
      }
    }
  }
}

static int
bytes_per_pixel (yolor_pixfmt f)
{
  switch (f) {
    case YOLOR_PIXFMT_RGB:
    case YOLOR_PIXFMT_BGR:
      return 3;
    case YOLOR_PIXFMT_NV12:
    case YOLOR_PIXFMT_I420:
      return 1;
    default:
      return 4;
  }
}

yolor_status
yolor_preprocess (yolor_net *net, const yolor_image *img, yolor_error *err)
{
  yuv_coef k;
  int yuv;
  if (!img || (unsigned) img->format >= YOLOR_PIXFMT_COUNT)
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "no image or unknown pixel format");
  if (img->width != net->frame_w || img->height != net->frame_h)
    return yolor_error_set (err, YOLOR_ERR_SHAPE,
        "frame is %dx%d but the net was prepared for %dx%d", img->width,
        img->height, net->frame_w, net->frame_h);
  yuv = img->format == YOLOR_PIXFMT_NV12 || img->format == YOLOR_PIXFMT_I420;
  if (!img->planes[0]
      || img->strides[0] < img->width * bytes_per_pixel (img->format))
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "plane 0 is missing or its stride %d is below %d bytes",
        img->strides[0], img->width * bytes_per_pixel (img->format));
  if (yuv) {
    int cw = (img->width + 1) / 2;
    int need = img->format == YOLOR_PIXFMT_NV12 ? 2 * cw : cw;
    int np = img->format == YOLOR_PIXFMT_NV12 ? 2 : 3;
    for (int p = 1; p < np; p++)
      if (!img->planes[p] || img->strides[p] < need)
        return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
            "chroma plane %d is missing or its stride is below %d bytes", p,
            need);
  }
  yuv_coefs (img, &k);
  if (net->resize == YOLOR_RESIZE_STRETCH)
    stretch (net, img, &k);
  else
    letterbox (net, img, &k);
  return YOLOR_OK;
}
