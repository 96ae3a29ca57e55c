/* gst-yolor: yolordetect, object detection with libyolor.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_DETECT_H
#define GST_YOLOR_DETECT_H

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_YOLOR_DETECT (gst_yolor_detect_get_type ())
G_DECLARE_FINAL_TYPE (
    GstYolorDetect, gst_yolor_detect, GST, YOLOR_DETECT, GstBaseTransform);

/* How a frame becomes the network input (mirrors yolor_resize). */
typedef enum
{
  GST_YOLOR_LETTERBOX_AUTO = 0,
  GST_YOLOR_LETTERBOX_STRETCH,
  GST_YOLOR_LETTERBOX_LETTERBOX,
  GST_YOLOR_LETTERBOX_LETTERBOX_RECT
} GstYolorLetterbox;

#define GST_TYPE_YOLOR_LETTERBOX (gst_yolor_letterbox_get_type ())
GType gst_yolor_letterbox_get_type (void);

/* The arithmetic of the convolutions (mirrors yolor_precision). */
typedef enum
{
  GST_YOLOR_PRECISION_FP32 = 0,
  GST_YOLOR_PRECISION_BF16
} GstYolorPrecision;

#define GST_TYPE_YOLOR_PRECISION (gst_yolor_precision_get_type ())
GType gst_yolor_precision_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (yolordetect);

G_END_DECLS
#endif /* GST_YOLOR_DETECT_H */
