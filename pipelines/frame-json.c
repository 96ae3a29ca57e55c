/* One JSON object per frame from the frame meta.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "frame-json.h"

#include "gstyolormeta.h"

void
yolor_json_string (GString *out, const gchar *s)
{
  g_string_append_c (out, '"');
  for (; s && *s; s++) {
    guchar c = (guchar) *s;

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, (gchar) c);
  }
  g_string_append_c (out, '"');
}

/* Appends "name":value with @value printed by @fmt, locale-independent. */
static void
json_number (GString *out, const gchar *name, const gchar *fmt, gdouble value)
{
  gchar num[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (
      out, "\"%s\":%s", name, g_ascii_formatd (num, sizeof num, fmt, value));
}

/* Appends "name":value for a guint64 field of @s (0 when absent). */
static void
json_uint64 (GString *out, const GstStructure *s, const gchar *name)
{
  guint64 v = 0;

  gst_structure_get_uint64 (s, name, &v);
  g_string_append_printf (out, "\"%s\":%" G_GUINT64_FORMAT, name, v);
}

void
yolor_events_json (GString *out, const GValue *events)
{
  guint n = events && GST_VALUE_HOLDS_ARRAY (events)
      ? gst_value_array_get_size (events)
      : 0;

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++) {
    const GValue *v = gst_value_array_get_value (events, i);
    const GstStructure *e;
    gint id = 0, label_id = 0;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    e = gst_value_get_structure (v);
    gst_structure_get_int (e, "id", &id);
    gst_structure_get_int (e, "label_id", &label_id);
    g_string_append_printf (out, "%s{\"type\":", i ? "," : "");
    yolor_json_string (out, gst_structure_get_string (e, "type"));
    g_string_append_printf (out, ",\"id\":%d,\"label\":", id);
    yolor_json_string (out, gst_structure_get_string (e, "label"));
    g_string_append_printf (out, ",\"label_id\":%d,", label_id);
    json_uint64 (out, e, "first_frame");
    g_string_append_c (out, ',');
    json_uint64 (out, e, "last_frame");
    g_string_append_c (out, ',');
    json_uint64 (out, e, "first_timestamp");
    g_string_append_c (out, ',');
    json_uint64 (out, e, "last_timestamp");
    g_string_append_c (out, ',');
    json_uint64 (out, e, "sightings");
    g_string_append_c (out, '}');
  }
  g_string_append_c (out, ']');
}

void
yolor_frame_json (GString *out, const gchar *fields, guint64 frame,
    GstBuffer *buf, const GstStructure *fm)
{
  guint i, written = 0, n = gst_yolor_frame_meta_get_n_detections (fm);
  gint w = 0, h = 0;
  gboolean fresh = FALSE;
  guint64 ns = 0;
  /* after yolortrack "id" is the track id, absent while tentative */
  gboolean tracked = gst_structure_has_field (fm, "tracking");

  gst_structure_get_int (fm, "width", &w);
  gst_structure_get_int (fm, "height", &h);
  gst_structure_get_boolean (fm, "fresh", &fresh);
  gst_structure_get_uint64 (fm, "inference_ns", &ns);
  g_string_append_c (out, '{');
  if (fields && *fields)
    g_string_append_printf (out, "%s,", fields);
  g_string_append_printf (out,
      "\"frame\":%" G_GUINT64_FORMAT ",\"timestamp\":%" G_GUINT64_FORMAT
      ",\"resolution\":{\"width\":%d,\"height\":%d},\"fresh\":%s,",
      frame, GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) : 0, w, h,
      fresh ? "true" : "false");
  json_number (out, "inference_ms", "%.3f", ns / 1e6);
  g_string_append (out, ",\"model\":");
  yolor_json_string (out, gst_structure_get_string (fm, "model"));
  g_string_append (out, ",\"objects\":[");
  for (i = 0; i < n; i++) {
    GstYolorDetection d;

    if (!gst_yolor_frame_meta_get_row (fm, i, &d))
      continue;
    g_string_append (out, written++ ? ",{" : "{");
    if (!tracked || d.id > 0)
      g_string_append_printf (out, "\"id\":%d,", d.id);
    g_string_append_printf (out,
        "\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"roi_type\":", d.x, d.y, d.w,
        d.h);
    yolor_json_string (out, d.label);
    g_string_append (out, ",\"detection\":{\"bounding_box\":{");
    json_number (out, "x_min", "%.5f", d.x_min);
    g_string_append_c (out, ',');
    json_number (out, "y_min", "%.5f", d.y_min);
    g_string_append_c (out, ',');
    json_number (out, "x_max", "%.5f", d.x_max);
    g_string_append_c (out, ',');
    json_number (out, "y_max", "%.5f", d.y_max);
    g_string_append (out, "},");
    json_number (out, "confidence", "%.4f", d.confidence);
    g_string_append (out, ",\"label\":");
    yolor_json_string (out, d.label);
    g_string_append_printf (out, ",\"label_id\":%d}}", d.label_id);
  }
  g_string_append_c (out, ']');
  if (tracked) {
    g_string_append (out, ",\"tracking\":");
    yolor_json_string (out, gst_structure_get_string (fm, "tracking"));
  }
  if (gst_structure_has_field (fm, "events")) {
    g_string_append (out, ",\"events\":");
    yolor_events_json (out, gst_structure_get_value (fm, "events"));
  }
  g_string_append_c (out, '}');
}
