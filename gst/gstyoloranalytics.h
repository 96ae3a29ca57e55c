/* gst-yolor: tracks in GStreamer's analytics metadata (GStreamer >= 1.24).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * yolordetect writes one GstAnalyticsODMtd per detection row
 * (gstyolormeta.c). After yolortrack, each row with a track also has a
 * GstAnalyticsTrackingMtd (tracking id = the track id), related to the
 * row's ODMtd by GST_ANALYTICS_REL_TYPE_RELATE_TO both ways. Built only
 * when meson finds gstreamer-analytics-1.0 (HAVE_GST_ANALYTICS).
 */
#ifndef GST_YOLOR_ANALYTICS_H
#define GST_YOLOR_ANALYTICS_H

#include "gstyolormeta.h"

G_BEGIN_DECLS

/* Adds @t's tracks to the analytics meta of @buffer (writable), which
 * carries the frame meta @s (borrowed) as yolordetect wrote it (rows'
 * labels and rects not yet moved). @new_rects (borrowed, 4·n pixel x, y,
 * w, h, or NULL): where the rows moved to; the ODMtds are rewritten there
 * when the analytics meta holds nothing but the rows' ODMtds (an ODMtd
 * cannot be moved, so the meta is replaced), else they stay at the
 * detections. Rows whose ODMtd is not found (another element rewrote the
 * meta) get no TrackingMtd. Nothing happens without an analytics meta. */
void gst_yolor_analytics_set_tracks (GstBuffer *buffer, const GstStructure *s,
    const GstYolorTrackFrame *t, const gint *new_rects);

G_END_DECLS
#endif /* GST_YOLOR_ANALYTICS_H */
