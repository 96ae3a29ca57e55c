/* gst-yolor: what yolortrack writes into the metadata (writer side).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The contract is documented in gstyolormeta.h and docs/metadata.md.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolormeta.h"
#ifdef HAVE_GST_ANALYTICS
#include "gstyoloranalytics.h"
#endif

#include <math.h>

/* Normalised box of pixel corners @b in a @w × @h frame, clamped. */
static void
norm_box (const gfloat b[4], gint w, gint h, gdouble out[4])
{
  out[0] = CLAMP (b[0] / (gdouble) w, 0., 1.);
  out[1] = CLAMP (b[1] / (gdouble) h, 0., 1.);
  out[2] = CLAMP (b[2] / (gdouble) w, out[0], 1.);
  out[3] = CLAMP (b[3] / (gdouble) h, out[1], 1.);
}

/* Pixel rect x, y, w, h of normalised corners @nb. */
static void
pixel_rect (const gdouble nb[4], gint w, gint h, gint r[4])
{
  gint l = (gint) CLAMP (lround (nb[0] * w), 0, w);
  gint t = (gint) CLAMP (lround (nb[1] * h), 0, h);

  r[0] = l;
  r[1] = t;
  r[2] = (gint) CLAMP (lround (nb[2] * w), l, w) - l;
  r[3] = (gint) CLAMP (lround (nb[3] * h), t, h) - t;
}

static void
set_int_array (GstStructure *s, const gchar *name, const gint *v, guint n)
{
  GValue arr = G_VALUE_INIT, e = G_VALUE_INIT;

  gst_value_array_init (&arr, n);
  g_value_init (&e, G_TYPE_INT);
  for (guint i = 0; i < n; i++) {
    g_value_set_int (&e, v[i]);
    gst_value_array_append_value (&arr, &e);
  }
  g_value_unset (&e);
  gst_structure_take_value (s, name, &arr);
}

/* Sets array field @name of @s to column @col of the n × 4 @nb. */
static void
set_norm_array (
    GstStructure *s, const gchar *name, const gdouble *nb, guint n, guint col)
{
  GValue arr = G_VALUE_INIT, e = G_VALUE_INIT;

  gst_value_array_init (&arr, n);
  g_value_init (&e, G_TYPE_DOUBLE);
  for (guint i = 0; i < n; i++) {
    g_value_set_double (&e, nb[4 * i + col]);
    gst_value_array_append_value (&arr, &e);
  }
  g_value_unset (&e);
  gst_structure_take_value (s, name, &arr);
}

/* The row whose old id is @id, or -1. */
static gint
row_of (const gint *old_ids, guint n, gint id)
{
  for (guint i = 0; i < n; i++)
    if (old_ids[i] == id)
      return (gint) i;
  return -1;
}

gboolean
gst_yolor_meta_set_tracks (GstBuffer *buffer, const GstYolorTrackFrame *t)
{
  GstCustomMeta *meta;
  GstStructure *s;
  gint width = 0, height = 0, *old_ids, *rects = NULL;
  gdouble *nb = NULL;
  gpointer state = NULL;
  GstMeta *m;
  guint n = t->n;

  meta = gst_buffer_get_custom_meta (buffer, GST_YOLOR_FRAME_META_NAME);
  if (meta == NULL)
    return FALSE;
  s = gst_custom_meta_get_structure (meta);
  if (gst_yolor_frame_meta_get_n_detections (s) != n
      || !gst_structure_get_int (s, "width", &width)
      || !gst_structure_get_int (s, "height", &height) || width <= 0
      || height <= 0)
    return FALSE;

  old_ids = g_new0 (gint, MAX (n, 1));
  for (guint i = 0; i < n; i++) {
    const GValue *v = gst_yolor_frame_meta_get_nth (s, "ids", i);
    old_ids[i] = v && G_VALUE_HOLDS_INT (v) ? g_value_get_int (v) : G_MININT;
  }
  if (t->boxes) {
    nb = g_new (gdouble, 4 * MAX (n, 1));
    rects = g_new (gint, 4 * MAX (n, 1));
    for (guint i = 0; i < n; i++) {
      norm_box (t->boxes + 4 * i, width, height, nb + 4 * i);
      pixel_rect (nb + 4 * i, width, height, rects + 4 * i);
    }
  }

#ifdef HAVE_GST_ANALYTICS
  /* before the rows move: their ODMtds are found by label and rect */
  gst_yolor_analytics_set_tracks (buffer, s, t, rects);
#endif
  while ((m = gst_buffer_iterate_meta_filtered (
              buffer, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
    gint row = row_of (old_ids, n, roi->id);
    GstStructure *det;

    if (row < 0)
      continue;
    roi->id = t->ids[row];
    det = gst_yolor_roi_get_detection (roi);
    if (nb) {
      roi->x = (guint) rects[4 * row];
      roi->y = (guint) rects[4 * row + 1];
      roi->w = (guint) rects[4 * row + 2];
      roi->h = (guint) rects[4 * row + 3];
      if (det)
        gst_structure_set (det, "x_min", G_TYPE_DOUBLE, nb[4 * row], "y_min",
            G_TYPE_DOUBLE, nb[4 * row + 1], "x_max", G_TYPE_DOUBLE,
            nb[4 * row + 2], "y_max", G_TYPE_DOUBLE, nb[4 * row + 3], NULL);
    }
    if (det) {
      /* DL Streamer's name; absent when the row has no track */
      if (t->ids[row] > 0)
        gst_structure_set (det, "object_id", G_TYPE_INT, t->ids[row], NULL);
      else
        gst_structure_remove_field (det, "object_id");
    }
  }

  set_int_array (s, "ids", t->ids, n);
  if (nb) {
    set_norm_array (s, "x_min", nb, n, 0);
    set_norm_array (s, "y_min", nb, n, 1);
    set_norm_array (s, "x_max", nb, n, 2);
    set_norm_array (s, "y_max", nb, n, 3);
    set_int_array (s, "rects", rects, 4 * n);
  }
  gst_structure_set (s, "tracking", G_TYPE_STRING,
      t->tracking ? t->tracking : "", "predicted", G_TYPE_BOOLEAN, nb != NULL,
      NULL);
  if (t->events)
    gst_structure_take_value (s, "events", t->events);
  g_free (old_ids);
  g_free (nb);
  g_free (rects);
  return TRUE;
}
