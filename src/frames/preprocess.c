/* Frame → network input: checks the frame, picks the colour matrix and
 * runs the conversion kernel (kernels/convert.c); also the letterbox
 * geometry of the official code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"
#include "postprocess.h"

size_t
yolor_preprocess_table_bytes (int in_w)
{
  return (3 * sizeof (int) + sizeof (float)) * (size_t) (in_w > 0 ? in_w : 1);
}

static void
yuv_coefs (const yolor_image *img, yolor_yuv_coef *k)
{
  yolor_yuv_matrix m = img->matrix;
  if (m == YOLOR_YUV_AUTO)
    m = img->height >= 720 ? YOLOR_YUV_BT709 : YOLOR_YUV_BT601;
  switch (m) {
    case YOLOR_YUV_BT601_FULL:
      *k = (yolor_yuv_coef){ 0.0f, 1.0f, 1.402f, -0.344136f, -0.714136f,
        1.772f };
      break;
    case YOLOR_YUV_BT709_FULL:
      *k = (yolor_yuv_coef){ 0.0f, 1.0f, 1.5748f, -0.187324f, -0.468124f,
        1.8556f };
      break;
    case YOLOR_YUV_BT709:
      *k = (yolor_yuv_coef){ 16.0f, 255.0f / 219.0f, 1.5748f * 255.0f / 224.0f,
        -0.187324f * 255.0f / 224.0f, -0.468124f * 255.0f / 224.0f,
        1.8556f * 255.0f / 224.0f };
      break;
    default:
      *k = (yolor_yuv_coef){ 16.0f, 255.0f / 219.0f, 1.402f * 255.0f / 224.0f,
        -0.344136f * 255.0f / 224.0f, -0.714136f * 255.0f / 224.0f,
        1.772f * 255.0f / 224.0f };
      break;
  }
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

int
yolor_pixfmt_bytes_per_pixel (yolor_pixfmt f)
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
  yolor_yuv_coef k;
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
      || img->strides[0]
          < img->width * yolor_pixfmt_bytes_per_pixel (img->format))
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "plane 0 is missing or its stride %d is below %d bytes",
        img->strides[0],
        img->width * yolor_pixfmt_bytes_per_pixel (img->format));
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
  yolor_convert_frame (net, img, &k);
  return YOLOR_OK;
}
