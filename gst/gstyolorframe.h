/* gst-yolor: mapped video frames as libyolor sees them (plugin-internal):
 * the pixel format, the YUV matrix and range from the caps' colorimetry,
 * and plane pointers checked against the memory behind them. Used by both
 * yolordetect and yolorosd, so that they read and write a frame alike.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_FRAME_H
#define GST_YOLOR_FRAME_H

#include <gst/video/video.h>
#include <yolor/yolor.h>

G_BEGIN_DECLS

/* The raw video formats both elements accept (caps syntax), the ones
 * gst_yolor_pixfmt_from_video() maps. */
#define GST_YOLOR_VIDEO_FORMATS                                                \
  "{ RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, NV12, I420 }"

/* Maps a GStreamer video format to libyolor's; FALSE when unsupported. */
gboolean gst_yolor_pixfmt_from_video (
    GstVideoFormat format, yolor_pixfmt *pixfmt_out);

/* The YUV → RGB matrix and range of frames described by @info (borrowed):
 * BT.601 or BT.709, limited or full range, as its colorimetry says. A
 * matrix the caps leave unknown follows GStreamer's default for the frame
 * height (BT.709 from 720 rows, BT.601 below); BT.2020, SMPTE 240M and
 * FCC, which libyolor does not implement, are taken as BT.709. RGB
 * formats: YOLOR_YUV_AUTO (unused). */
yolor_yuv_matrix gst_yolor_yuv_matrix_from_info (const GstVideoInfo *info);

/* Plane pointers and strides of @frame (borrowed, mapped), checked: each
 * plane's rows, at its stride, must lie inside the memory mapped for it
 * and be at least as long as the format needs. A GstVideoMeta can claim any
 * offsets and strides; only frames mapped through one are checked, the
 * others were checked against the buffer size when mapped.
 * Returns: FALSE with @why_out (transfer full) naming the first plane that
 * does not fit; TRUE with @planes_out and @strides_out filled (the rest
 * zeroed). */
gboolean gst_yolor_frame_planes (const GstVideoFrame *frame,
    guint8 *planes_out[3], gint strides_out[3], gchar **why_out);

G_END_DECLS
#endif /* GST_YOLOR_FRAME_H */
