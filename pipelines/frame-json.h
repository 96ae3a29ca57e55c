/* One JSON object per frame from the frame meta, shared by the pipeline
 * applications (yolor-annotate, yolor-cameras).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_FRAME_JSON_H
#define YOLOR_FRAME_JSON_H

#include <gst/gst.h>

/* Appends @s (borrowed, NULL is "") to @out (borrowed) as a JSON string. */
void yolor_json_string (GString *out, const gchar *s);

/* Appends to @out (borrowed) the JSON object of one frame, without a
 * newline: @fields (borrowed, may be NULL: more members, already JSON,
 * written first, e.g. "\"camera\":\"cam1\""), then "frame" (@frame),
 * "timestamp" (the PTS of @buf, borrowed, in ns), "resolution", "fresh",
 * "inference_ms", "model" and "objects", read from the frame meta @fm
 * (borrowed). The shape follows DL Streamer's gvametaconvert. After
 * yolortrack an object's "id" is its track id (absent while the track is
 * tentative), and the frame has "tracking" and, when tracks entered or
 * left, "events" (yolor_events_json()). */
void yolor_frame_json (GString *out, const gchar *fields, guint64 frame,
    GstBuffer *buf, const GstStructure *fm);

/* Appends to @out (borrowed) the JSON array of the yolor-track-event
 * structures in the GstValueArray @events (borrowed; NULL gives []). */
void yolor_events_json (GString *out, const GValue *events);

#endif /* YOLOR_FRAME_JSON_H */
