/* The frame → network input conversion (yolor_preprocess, which works a
 * chunk of pixels at a time) against a plain per-pixel reference written
 * from the definitions: every pixel format, letterbox and stretch, odd frame
 * sizes, the frame's own size, one and two threads, fixed seeds. The two
 * must agree bit for bit.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test-check.h"
#include "postprocess.h"
#include "yolor-private.h"

static uint8_t
ref_clamp (float v)
{
  if (v <= 0.0f)
    return 0;
  if (v >= 255.0f)
    return 255;
  return (uint8_t) (v + 0.5f);
}

/* The RGB bytes of pixel (x, y), one pixel at a time. */
static void
ref_fetch (const yolor_image *img, int x, int y, uint8_t rgb[3])
{
  const uint8_t *p = img->planes[0] + (size_t) y * img->strides[0];
  float Y, U, V, off, ys, rv, gu, gv, bu;
  int full = img->matrix == YOLOR_YUV_BT601_FULL
      || img->matrix == YOLOR_YUV_BT709_FULL;
  int bt709 = img->matrix == YOLOR_YUV_BT709
      || img->matrix == YOLOR_YUV_BT709_FULL
      || (img->matrix == YOLOR_YUV_AUTO && img->height >= 720);
  switch (img->format) {
    case YOLOR_PIXFMT_RGB:
      memcpy (rgb, p + 3 * x, 3);
      return;
    case YOLOR_PIXFMT_BGR:
      rgb[0] = p[3 * x + 2], rgb[1] = p[3 * x + 1], rgb[2] = p[3 * x];
      return;
    case YOLOR_PIXFMT_RGBX:
    case YOLOR_PIXFMT_RGBA:
      memcpy (rgb, p + 4 * x, 3);
      return;
    case YOLOR_PIXFMT_BGRX:
    case YOLOR_PIXFMT_BGRA:
      rgb[0] = p[4 * x + 2], rgb[1] = p[4 * x + 1], rgb[2] = p[4 * x];
      return;
    case YOLOR_PIXFMT_XRGB:
      memcpy (rgb, p + 4 * x + 1, 3);
      return;
    case YOLOR_PIXFMT_XBGR:
      rgb[0] = p[4 * x + 3], rgb[1] = p[4 * x + 2], rgb[2] = p[4 * x + 1];
      return;
    case YOLOR_PIXFMT_NV12:
      Y = p[x];
      U = img->planes[1][(size_t) (y / 2) * img->strides[1] + x / 2 * 2];
      V = img->planes[1][(size_t) (y / 2) * img->strides[1] + x / 2 * 2 + 1];
      break;
    default:
      Y = p[x];
      U = img->planes[1][(size_t) (y / 2) * img->strides[1] + x / 2];
      V = img->planes[2][(size_t) (y / 2) * img->strides[2] + x / 2];
      break;
  }
  rv = bt709 ? 1.5748f : 1.402f;
  gu = bt709 ? -0.187324f : -0.344136f;
  gv = bt709 ? -0.468124f : -0.714136f;
  bu = bt709 ? 1.8556f : 1.772f;
  off = full ? 0.0f : 16.0f;
  ys = full ? 1.0f : 255.0f / 219.0f;
  if (!full) {
    /* studio swing: chroma spans 224 levels (multiplied, then divided) */
    rv = rv * 255.0f / 224.0f;
    gu = gu * 255.0f / 224.0f;
    gv = gv * 255.0f / 224.0f;
    bu = bu * 255.0f / 224.0f;
  }
  Y = (Y - off) * ys;
  U -= 128.0f;
  V -= 128.0f;
  rgb[0] = ref_clamp (Y + rv * V);
  rgb[1] = ref_clamp (Y + gu * U + gv * V);
  rgb[2] = ref_clamp (Y + bu * U);
}

/* OpenCV INTER_LINEAR's source index and 11-bit weight for output @d. */
static void
ref_coef (int d, double scale, int n, int *s0, int *a0)
{
  float f = (float) ((d + 0.5) * scale - 0.5);
  int s = (int) floorf (f);
  f -= (float) s;
  if (s < 0) {
    f = 0.0f;
    s = 0;
  }
  if (s >= n - 1) {
    f = 0.0f;
    s = n - 1;
  }
  *s0 = s;
  *a0 = (int) lrintf ((1.0f - f) * 2048.0f);
}

static void
ref_letterbox (const yolor_net *net, const yolor_image *img, float *out)
{
  int W = net->in_w, H = net->in_h, nw = net->lb_w, nh = net->lb_h;
  size_t plane = (size_t) W * H;
  double sx = (double) img->width / nw, sy = (double) img->height / nh;
  int same = nw == img->width && nh == img->height;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int xx = x - net->lb_left, yy = y - net->lb_top;
      size_t i = (size_t) y * W + x;
      uint8_t p[4][3];
      int x0, y0, a0, b0, x1, y1;
      if (xx < 0 || yy < 0 || xx >= nw || yy >= nh) {
        out[i] = out[i + plane] = out[i + 2 * plane] = 114.0f / 255.0f;
        continue;
      }
      if (same) {
        ref_fetch (img, xx, yy, p[0]);
        for (int ch = 0; ch < 3; ch++)
          out[i + ch * plane] = p[0][ch] / 255.0f;
        continue;
      }
      ref_coef (xx, sx, img->width, &x0, &a0);
      ref_coef (yy, sy, img->height, &y0, &b0);
      x1 = x0 + 1 < img->width ? x0 + 1 : x0;
      y1 = y0 + 1 < img->height ? y0 + 1 : y0;
      ref_fetch (img, x0, y0, p[0]);
      ref_fetch (img, x1, y0, p[1]);
      ref_fetch (img, x0, y1, p[2]);
      ref_fetch (img, x1, y1, p[3]);
      for (int ch = 0; ch < 3; ch++) {
        int d0 = p[0][ch] * a0 + p[1][ch] * (2048 - a0);
        int d1 = p[2][ch] * a0 + p[3][ch] * (2048 - a0);
        int v =
            ((((d0 >> 4) * b0) >> 16) + (((d1 >> 4) * (2048 - b0)) >> 16) + 2)
            >> 2;
        out[i + ch * plane] = (float) (v < 0 ? 0 : v > 255 ? 255 : v) / 255.0f;
      }
    }
}

/* darknet's resize_image() on float pixels, written per output pixel. */
static float
ref_px (const yolor_image *img, int x, int y, int ch)
{
  uint8_t rgb[3];
  ref_fetch (img, x, y, rgb);
  return rgb[ch] / 255.0f;
}

static void
ref_stretch (const yolor_net *net, const yolor_image *img, float *out)
{
  int W = net->in_w, H = net->in_h, iw = img->width, ih = img->height;
  float w_scale = W > 1 ? (float) (iw - 1) / (float) (W - 1) : 0.0f;
  float h_scale = H > 1 ? (float) (ih - 1) / (float) (H - 1) : 0.0f;
  for (int ch = 0; ch < 3; ch++)
    for (int r = 0; r < H; r++)
      for (int c = 0; c < W; c++) {
        float sy = r * h_scale, sx = c * w_scale;
        int iy = (int) sy, ix = (int) sx;
        float dy = sy - iy, dx = sx - ix, val;
        int last_col = c == W - 1 || iw == 1;
        if (last_col)
          val = (1 - dy) * ref_px (img, iw - 1, iy, ch);
        else
          val = (1 - dy)
              * ((1 - dx) * ref_px (img, ix, iy, ch)
                  + dx * ref_px (img, ix + 1, iy, ch));
        if (!(r == H - 1 || ih == 1)) {
          if (last_col)
            val += dy * ref_px (img, iw - 1, iy + 1, ch);
          else
            val += dy
                * ((1 - dx) * ref_px (img, ix, iy + 1, ch)
                    + dx * ref_px (img, ix + 1, iy + 1, ch));
        }
        out[(size_t) ch * W * H + (size_t) r * W + c] = val;
      }
}

static const yolor_pixfmt formats[] = { YOLOR_PIXFMT_RGB, YOLOR_PIXFMT_BGR,
  YOLOR_PIXFMT_RGBX, YOLOR_PIXFMT_BGRA, YOLOR_PIXFMT_XRGB, YOLOR_PIXFMT_XBGR,
  YOLOR_PIXFMT_NV12, YOLOR_PIXFMT_I420 };
#define N_FORMATS (sizeof (formats) / sizeof (formats[0]))

/* frame w, h; network input w, h (letterbox targets it) */
static const int cases[][4] = {
  { 1921, 1081, 320, 320 },
  { 333, 517, 416, 256 },
  { 160, 96, 160, 96 }, /* the frame's own size */
  { 7, 5, 64, 64 }, /* enlarged */
  { 130, 67, 200, 131 },
};
#define N_CASES (sizeof (cases) / sizeof (cases[0]))

START_TEST (test_vs_reference)
{
  const int *cs = cases[_i];
  int fw = cs[0], fh = cs[1], stride = fw * 4 + 13;
  size_t bytes = (size_t) stride * fh;
  uint8_t *planes[3];
  uint32_t seed = 12345u + (uint32_t) _i;

  for (int p = 0; p < 3; p++) {
    planes[p] = malloc (bytes);
    ck_assert (planes[p] != NULL);
    for (size_t i = 0; i < bytes; i++) {
      seed = seed * 1664525u + 1013904223u;
      planes[p][i] = (uint8_t) (seed >> 24);
    }
  }
  for (int mode = 0; mode < 2; mode++)
    for (size_t f = 0; f < N_FORMATS; f++)
      for (int nt = 1; nt <= 2; nt++) {
        yolor_net net;
        yolor_image img = { formats[f], fw, fh,
          { planes[0], planes[1], planes[2] }, { stride, stride, stride },
          f % 2 ? YOLOR_YUV_BT601_FULL : YOLOR_YUV_AUTO };
        yolor_error err;
        float *ref;
        size_t n, i;
        memset (&net, 0, sizeof (net));
        net.n_threads = nt;
        net.frame_w = fw;
        net.frame_h = fh;
        net.resize = mode ? YOLOR_RESIZE_STRETCH : YOLOR_RESIZE_LETTERBOX;
        net.in_w = cs[2];
        net.in_h = cs[3];
        if (mode) {
          net.lb_w = net.in_w;
          net.lb_h = net.in_h;
        } else {
          yolor_letterbox_geometry (fw, fh, cs[2], cs[3], 0, &net.lb_w,
              &net.lb_h, &net.in_w, &net.in_h, &net.lb_left, &net.lb_top);
        }
        n = (size_t) 3 * net.in_w * net.in_h;
        net.input = malloc (n * sizeof (float));
        net.pre_cols = malloc (yolor_preprocess_table_bytes (net.in_w));
        ref = malloc (n * sizeof (float));
        ck_assert (net.input != NULL && net.pre_cols != NULL && ref != NULL);
        ck_assert_int_eq (yolor_preprocess (&net, &img, &err), YOLOR_OK);
        if (mode)
          ref_stretch (&net, &img, ref);
        else
          ref_letterbox (&net, &img, ref);
        /* the first differing value, if any (one check per case: a
         * check per value would cost a syscall each) */
        i = 0;
        while (i < n && memcmp (&ref[i], &net.input[i], sizeof (float)) == 0)
          i++;
        ck_assert_msg (i == n,
            "%dx%d -> %dx%d, %s, format %d, %d threads: input[%zu] = %.9g, "
            "reference %.9g",
            fw, fh, net.in_w, net.in_h, mode ? "stretch" : "letterbox",
            (int) formats[f], nt, i, i < n ? (double) net.input[i] : 0.0,
            i < n ? (double) ref[i] : 0.0);
        free (net.input);
        free (net.pre_cols);
        free (ref);
      }
  for (int p = 0; p < 3; p++)
    free (planes[p]);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("preprocess");
  TCase *tc = tcase_create ("reference");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_vs_reference, 0, (int) N_CASES);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
