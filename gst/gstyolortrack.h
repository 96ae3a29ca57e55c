/* yolortrack — gives the detections of yolordetect stable track ids.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_TRACK_H
#define GST_YOLOR_TRACK_H

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_YOLOR_TRACK (gst_yolor_track_get_type ())
G_DECLARE_FINAL_TYPE (
    GstYolorTrack, gst_yolor_track, GST, YOLOR_TRACK, GstBaseTransform)

/* The tracking-type property. The DL Streamer names are accepted too. */
typedef enum
{
  GST_YOLOR_TRACKING_IOU = 0,
  GST_YOLOR_TRACKING_EMBEDDING = 1,
  GST_YOLOR_TRACKING_SHORT_TERM_IMAGELESS = 2,
  GST_YOLOR_TRACKING_ZERO_TERM_IMAGELESS = 3,
  GST_YOLOR_TRACKING_ZERO_TERM = 4,
} GstYolorTrackingType;

#define GST_TYPE_YOLOR_TRACKING_TYPE (gst_yolor_tracking_type_get_type ())
GType gst_yolor_tracking_type_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (yolortrack);

/* Name of the structure of the custom downstream event yolortrack sends
 * before EOS, holding the LEAVE events of the tracks still alive then. */
#define GST_YOLOR_TRACK_EVENTS_NAME "yolor-track-events"

G_END_DECLS

#endif /* GST_YOLOR_TRACK_H */
