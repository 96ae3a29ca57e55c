/* gst-yolor: the JSON of a frame's results, in DL Streamer's gvametaconvert
 * schema (docs/metadata.md, "JSON"), shared by yolormetaconvert,
 * yolormetapublish and the pipeline applications (yolor-annotate,
 * yolor-cameras).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_JSON_H
#define GST_YOLOR_JSON_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* What a frame's JSON holds beyond the schema's required members. Every
 * pointer is borrowed for the call. */
typedef struct _GstYolorJsonOptions
{
  /* more members, already JSON, written first (e.g. "\"camera\":\"c1\""),
   * or NULL */
  const gchar *fields;
  /* "source": where the frames come from (a URI, a camera name), or NULL */
  const gchar *source;
  /* "tags": a JSON object's text, copied as it is, or NULL */
  const gchar *tags;
  /* each object gets "embedding", its D floats (when the meta has them) */
  gboolean embeddings;
} GstYolorJsonOptions;

/* Appends @s (NULL is "") to @out as a JSON string. */
void gst_yolor_json_string (GString *out, const gchar *s);

/* Appends to @out, without a newline, the JSON object of one frame from
 * its frame meta @fm (both borrowed): "frame" (@frame),
 * "timestamp" (the PTS of @buf in ns, 0 when it has none), "resolution",
 * "fresh", "inference_ms", "model", "objects" (each with "region_id", the
 * ROI meta's id, and after yolortrack "id", the track id, once the track is
 * confirmed), then "tracking" and "events" when yolortrack wrote them, and
 * what @opt (may be NULL) asks for. */
void gst_yolor_json_frame (GString *out, const GstYolorJsonOptions *opt,
    guint64 frame, GstBuffer *buf, const GstStructure *fm);

/* Appends to @out the JSON array of the yolor-track-event structures in the
 * GstValueArray @events (borrowed; NULL gives []). */
void gst_yolor_json_events (GString *out, const GValue *events);

/* Appends to @out {"events":[…],"reason":"…"} from the structure @s
 * (borrowed) of yolortrack's yolor-track-events event. */
void gst_yolor_json_track_events (GString *out, const GstStructure *s);

/* TRUE when @text (borrowed) is one JSON object and nothing more. */
gboolean gst_yolor_json_is_object (const gchar *text);

/* Returns: (transfer full): @json (borrowed, valid JSON) laid out again:
 * @indent < 0 on one line without spaces, else one member per line indented
 * by @indent spaces per level (0: no indentation). Strings are kept as
 * they are. */
gchar *gst_yolor_json_layout (const gchar *json, gint indent);

G_END_DECLS

#endif /* GST_YOLOR_JSON_H */
