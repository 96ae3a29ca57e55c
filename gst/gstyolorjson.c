/* gst-yolor: the JSON of a frame's results (gvametaconvert's schema).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolorjson.h"

#include "gstyolormeta.h"

#include <string.h>

/* Nesting the validator follows before it gives up (tags are small). */
#define MAX_DEPTH 64

void
gst_yolor_json_string (GString *out, const gchar *s)
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
gst_yolor_json_events (GString *out, const GValue *events)
{
  guint n = events && GST_VALUE_HOLDS_ARRAY (events)
      ? gst_value_array_get_size (events)
      : 0;
  guint written = 0;

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
    g_string_append (out, written++ ? ",{\"type\":" : "{\"type\":");
    gst_yolor_json_string (out, gst_structure_get_string (e, "type"));
    g_string_append_printf (out, ",\"id\":%d,\"label\":", id);
    gst_yolor_json_string (out, gst_structure_get_string (e, "label"));
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
gst_yolor_json_track_events (GString *out, const GstStructure *s)
{
  g_string_append (out, "{\"events\":");
  gst_yolor_json_events (out, gst_structure_get_value (s, "events"));
  g_string_append (out, ",\"reason\":");
  gst_yolor_json_string (out, gst_structure_get_string (s, "reason"));
  g_string_append_c (out, '}');
}

/* Appends ,"embedding":[…] for row @i of @emb (N·D floats, mapped). */
static void
json_embedding (GString *out, const GstMapInfo *emb, gint dim, guint i)
{
  const gfloat *f = (const gfloat *) emb->data;
  gchar num[G_ASCII_DTOSTR_BUF_SIZE];

  if (dim <= 0 || (i + 1) * (gsize) dim * sizeof (gfloat) > emb->size)
    return;
  f += (gsize) i * dim;
  g_string_append (out, ",\"embedding\":[");
  for (gint k = 0; k < dim; k++)
    g_string_append_printf (out, "%s%s", k ? "," : "",
        g_ascii_formatd (num, sizeof num, "%.6g", f[k]));
  g_string_append_c (out, ']');
}

static void
json_object (GString *out, const GstYolorDetection *d, gboolean tracked)
{
  g_string_append_c (out, '{');
  /* after yolortrack "id" is the track id, absent while tentative; before
   * it there is no track, as in DL Streamer without gvatrack */
  if (tracked && d->id > 0)
    g_string_append_printf (out, "\"id\":%d,", d->id);
  g_string_append_printf (out,
      "\"region_id\":%d,\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"roi_type\":",
      d->id, d->x, d->y, d->w, d->h);
  gst_yolor_json_string (out, d->label);
  g_string_append (out, ",\"detection\":{\"bounding_box\":{");
  json_number (out, "x_min", "%.5f", d->x_min);
  g_string_append_c (out, ',');
  json_number (out, "y_min", "%.5f", d->y_min);
  g_string_append_c (out, ',');
  json_number (out, "x_max", "%.5f", d->x_max);
  g_string_append_c (out, ',');
  json_number (out, "y_max", "%.5f", d->y_max);
  g_string_append (out, "},");
  json_number (out, "confidence", "%.4f", d->confidence);
  g_string_append (out, ",\"label\":");
  gst_yolor_json_string (out, d->label);
  g_string_append_printf (out, ",\"label_id\":%d}", d->label_id);
}

void
gst_yolor_json_frame (GString *out, const GstYolorJsonOptions *opt,
    guint64 frame, GstBuffer *buf, const GstStructure *fm)
{
  guint i, written = 0, n = gst_yolor_frame_meta_get_n_detections (fm);
  gint w = 0, h = 0, dim = 0;
  gboolean fresh = FALSE;
  guint64 ns = 0;
  gboolean tracked = gst_structure_has_field (fm, "tracking");
  GstBuffer *emb = NULL;
  GstMapInfo map = { 0 };

  gst_structure_get_int (fm, "width", &w);
  gst_structure_get_int (fm, "height", &h);
  gst_structure_get_boolean (fm, "fresh", &fresh);
  gst_structure_get_uint64 (fm, "inference_ns", &ns);
  if (opt && opt->embeddings) {
    emb = gst_yolor_frame_meta_get_embeddings (fm, &dim);
    if (emb && !gst_buffer_map (emb, &map, GST_MAP_READ))
      emb = NULL;
  }
  g_string_append_c (out, '{');
  if (opt && opt->fields && *opt->fields)
    g_string_append_printf (out, "%s,", opt->fields);
  g_string_append_printf (out,
      "\"frame\":%" G_GUINT64_FORMAT ",\"timestamp\":%" G_GUINT64_FORMAT
      ",\"resolution\":{\"width\":%d,\"height\":%d},\"fresh\":%s,",
      frame, GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) : 0, w, h,
      fresh ? "true" : "false");
  json_number (out, "inference_ms", "%.3f", ns / 1e6);
  g_string_append (out, ",\"model\":");
  gst_yolor_json_string (out, gst_structure_get_string (fm, "model"));
  if (opt && opt->source) {
    g_string_append (out, ",\"source\":");
    gst_yolor_json_string (out, opt->source);
  }
  if (opt && opt->tags)
    g_string_append_printf (out, ",\"tags\":%s", opt->tags);
  g_string_append (out, ",\"objects\":[");
  for (i = 0; i < n; i++) {
    GstYolorDetection d;

    if (!gst_yolor_frame_meta_get_row (fm, i, &d))
      continue;
    if (written++)
      g_string_append_c (out, ',');
    json_object (out, &d, tracked);
    if (emb)
      json_embedding (out, &map, dim, i);
    g_string_append_c (out, '}');
  }
  g_string_append_c (out, ']');
  if (emb)
    gst_buffer_unmap (emb, &map);
  if (tracked) {
    g_string_append (out, ",\"tracking\":");
    gst_yolor_json_string (out, gst_structure_get_string (fm, "tracking"));
  }
  if (gst_structure_has_field (fm, "events")) {
    g_string_append (out, ",\"events\":");
    gst_yolor_json_events (out, gst_structure_get_value (fm, "events"));
  }
  g_string_append_c (out, '}');
}

/* The validator: each function takes *@p at the start of its value (after
 * blanks) and leaves it after it; FALSE on anything that is not JSON. */
static gboolean json_value (const gchar **p, gint depth);

static void
skip_blanks (const gchar **p)
{
  while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
    (*p)++;
}

static gboolean
json_skip_string (const gchar **p)
{
  const gchar *s = *p + 1;

  for (; *s && *s != '"'; s++) {
    if ((guchar) *s < 0x20)
      return FALSE;
    if (*s == '\\') {
      s++;
      if (*s == 'u') {
        for (gint k = 1; k <= 4; k++)
          if (!g_ascii_isxdigit (s[k]))
            return FALSE;
        s += 4;
      } else if (!*s || !strchr ("\"\\/bfnrt", *s)) {
        return FALSE;
      }
    }
  }
  if (*s != '"')
    return FALSE;
  *p = s + 1;
  return TRUE;
}

static gboolean
json_skip_number (const gchar **p)
{
  const gchar *s = *p;

  if (*s == '-')
    s++;
  if (*s == '0')
    s++;
  else if (g_ascii_isdigit (*s))
    while (g_ascii_isdigit (*s))
      s++;
  else
    return FALSE;
  if (*s == '.') {
    if (!g_ascii_isdigit (*++s))
      return FALSE;
    while (g_ascii_isdigit (*s))
      s++;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-')
      s++;
    if (!g_ascii_isdigit (*s))
      return FALSE;
    while (g_ascii_isdigit (*s))
      s++;
  }
  *p = s;
  return TRUE;
}

/* An object ('{' … '}') or array ('[' … ']') at *@p. */
static gboolean
json_container (const gchar **p, gint depth)
{
  gchar close = **p == '{' ? '}' : ']';

  if (depth >= MAX_DEPTH)
    return FALSE;
  (*p)++;
  skip_blanks (p);
  if (**p == close) {
    (*p)++;
    return TRUE;
  }
  for (;;) {
    if (close == '}') {
      if (**p != '"' || !json_skip_string (p))
        return FALSE;
      skip_blanks (p);
      if (**p != ':')
        return FALSE;
      (*p)++;
      skip_blanks (p);
    }
    if (!json_value (p, depth + 1))
      return FALSE;
    skip_blanks (p);
    if (**p == close) {
      (*p)++;
      return TRUE;
    }
    if (**p != ',')
      return FALSE;
    (*p)++;
    skip_blanks (p);
  }
}

static gboolean
json_value (const gchar **p, gint depth)
{
  static const gchar *const words[] = { "true", "false", "null" };

  switch (**p) {
    case '{':
    case '[':
      return json_container (p, depth);
    case '"':
      return json_skip_string (p);
    default:
      for (guint k = 0; k < G_N_ELEMENTS (words); k++)
        if (g_str_has_prefix (*p, words[k])) {
          *p += strlen (words[k]);
          return TRUE;
        }
      return json_skip_number (p);
  }
}

gboolean
gst_yolor_json_is_object (const gchar *text)
{
  const gchar *p = text;

  if (text == NULL)
    return FALSE;
  skip_blanks (&p);
  if (*p != '{' || !json_container (&p, 0))
    return FALSE;
  skip_blanks (&p);
  return *p == '\0';
}

static void
newline (GString *out, gint indent, gint level)
{
  g_string_append_c (out, '\n');
  for (gint k = 0; k < indent * level; k++)
    g_string_append_c (out, ' ');
}

gchar *
gst_yolor_json_layout (const gchar *json, gint indent)
{
  GString *out = g_string_sized_new (strlen (json) * (indent < 0 ? 1 : 2));
  gint level = 0;
  /* after an opening bracket: the line break waits for what follows, so
   * that an empty container stays on one line */
  gboolean opened = FALSE;

  for (const gchar *s = json; *s; s++) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
      continue;
    if (*s == '}' || *s == ']') {
      level--;
      if (indent >= 0 && !opened)
        newline (out, indent, level);
      opened = FALSE;
      g_string_append_c (out, *s);
      continue;
    }
    if (opened && indent >= 0)
      newline (out, indent, level);
    opened = FALSE;
    switch (*s) {
      case '"': {
        const gchar *e = s + 1;

        while (*e && *e != '"')
          e += (*e == '\\' && e[1]) ? 2 : 1;
        g_string_append_len (out, s, e - s + (*e ? 1 : 0));
        s = *e ? e : e - 1;
        break;
      }
      case '{':
      case '[':
        g_string_append_c (out, *s);
        level++;
        opened = TRUE;
        break;
      case ',':
        g_string_append_c (out, ',');
        if (indent >= 0)
          newline (out, indent, level);
        break;
      case ':':
        g_string_append (out, indent >= 0 ? ": " : ":");
        break;
      default:
        g_string_append_c (out, *s);
    }
  }
  return g_string_free (out, FALSE);
}
