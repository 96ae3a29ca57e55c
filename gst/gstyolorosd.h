/* yolorosd — draws region-of-interest metadata (boxes and labels) into
 * video frames.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_OSD_H
#define GST_YOLOR_OSD_H

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_YOLOR_OSD (gst_yolor_osd_get_type ())
G_DECLARE_FINAL_TYPE (
    GstYolorOsd, gst_yolor_osd, GST, YOLOR_OSD, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE (yolorosd);

G_END_DECLS

#endif /* GST_YOLOR_OSD_H */
