/* gst-yolor: mapped video frames as libyolor sees them.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolorframe.h"

gboolean
gst_yolor_pixfmt_from_video (GstVideoFormat f, yolor_pixfmt *out)
{
  static const struct
  {
    GstVideoFormat v;
    yolor_pixfmt y;
  } map[] = {
    { GST_VIDEO_FORMAT_RGB, YOLOR_PIXFMT_RGB },
    { GST_VIDEO_FORMAT_BGR, YOLOR_PIXFMT_BGR },
    { GST_VIDEO_FORMAT_RGBx, YOLOR_PIXFMT_RGBX },
    { GST_VIDEO_FORMAT_BGRx, YOLOR_PIXFMT_BGRX },
    { GST_VIDEO_FORMAT_xRGB, YOLOR_PIXFMT_XRGB },
    { GST_VIDEO_FORMAT_xBGR, YOLOR_PIXFMT_XBGR },
    { GST_VIDEO_FORMAT_RGBA, YOLOR_PIXFMT_RGBA },
    { GST_VIDEO_FORMAT_BGRA, YOLOR_PIXFMT_BGRA },
    { GST_VIDEO_FORMAT_NV12, YOLOR_PIXFMT_NV12 },
    { GST_VIDEO_FORMAT_I420, YOLOR_PIXFMT_I420 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (map); i++) {
    if (map[i].v == f) {
      *out = map[i].y;
      return TRUE;
    }
  }
  return FALSE;
}

yolor_yuv_matrix
gst_yolor_yuv_matrix_from_info (const GstVideoInfo *info)
{
  const GstVideoColorimetry *cm = &info->colorimetry;
  gboolean full = cm->range == GST_VIDEO_COLOR_RANGE_0_255;
  gboolean bt601;

  if (!GST_VIDEO_INFO_IS_YUV (info))
    return YOLOR_YUV_AUTO;
  if (cm->matrix == GST_VIDEO_COLOR_MATRIX_UNKNOWN
      || cm->matrix == GST_VIDEO_COLOR_MATRIX_RGB)
    bt601 = GST_VIDEO_INFO_HEIGHT (info) < 720;
  else
    bt601 = cm->matrix == GST_VIDEO_COLOR_MATRIX_BT601;
  if (bt601)
    return full ? YOLOR_YUV_BT601_FULL : YOLOR_YUV_BT601;
  return full ? YOLOR_YUV_BT709_FULL : YOLOR_YUV_BT709;
}

gboolean
gst_yolor_frame_planes (const GstVideoFrame *frame, guint8 *planes_out[3],
    gint strides_out[3], gchar **why_out)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  guint p, n = GST_VIDEO_FRAME_N_PLANES (frame);

  *why_out = NULL;
  for (p = 0; p < 3; p++) {
    planes_out[p] = NULL;
    strides_out[p] = 0;
  }
  if (n > 3) {
    *why_out = g_strdup_printf ("%u planes", n);
    return FALSE;
  }
  for (p = 0; p < n; p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
    guint64 rows, row_bytes, need, start, end;
    const GstMapInfo *map = &frame->map[frame->meta ? p : 0];

    gst_video_format_info_component (finfo, p, comp);
    rows = (guint64) GST_VIDEO_FRAME_COMP_HEIGHT (frame, comp[0]);
    row_bytes = (guint64) GST_VIDEO_FRAME_COMP_WIDTH (frame, comp[0])
        * (guint64) GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, comp[0]);
    if (stride <= 0 || (guint64) stride < row_bytes) {
      *why_out = g_strdup_printf ("plane %u: stride %d is shorter than a "
                                  "row (%" G_GUINT64_FORMAT " bytes)",
          p, stride, row_bytes);
      return FALSE;
    }
    need = rows ? (rows - 1) * (guint64) stride + row_bytes : 0;
    start = (guint64) (guintptr) map->data;
    end = start + map->size;
    if (frame->meta
        && ((guint64) (guintptr) data < start || (guint64) (guintptr) data > end
            || need > end - (guint64) (guintptr) data)) {
      *why_out = g_strdup_printf (
          "plane %u: %" G_GUINT64_FORMAT " rows at "
          "stride %d need %" G_GUINT64_FORMAT
          " bytes from offset %" G_GSIZE_FORMAT
          " of the buffer, but its memory has only %" G_GUINT64_FORMAT " there",
          p, rows, stride, need, ((GstVideoMeta *) frame->meta)->offset[p],
          (guint64) (guintptr) data > end ? 0
                                          : end - (guint64) (guintptr) data);
      return FALSE;
    }
    planes_out[p] = data;
    strides_out[p] = stride;
  }
  return TRUE;
}
