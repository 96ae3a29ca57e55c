/* gst-yolor: tracks in GStreamer's analytics metadata (GStreamer >= 1.24).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyoloranalytics.h"

#include <gst/analytics/analytics.h>

/* An ODMtd as yolordetect wrote it for a row. */
typedef struct
{
  guint id;
  GQuark type;
  gfloat confidence;
} RowOd;

/* Finds, for each row of @s, the ODMtd of its label and rect not taken by
 * an earlier row: @od_out[i].id, or G_MAXUINT when there is none.
 * Returns: how many rows were found. */
static guint
find_row_ods (GstAnalyticsRelationMeta *rmeta, const GstStructure *s, guint n,
    RowOd *od_out)
{
  guint found = 0;

  for (guint i = 0; i < n; i++) {
    GstYolorDetection d;
    GstAnalyticsMtd mtd;
    gpointer state = NULL;
    GQuark type;

    od_out[i].id = G_MAXUINT;
    if (!gst_yolor_frame_meta_get_row (s, i, &d))
      continue;
    type = g_quark_from_string (d.label);
    while (gst_analytics_relation_meta_iterate (
        rmeta, &state, gst_analytics_od_mtd_get_mtd_type (), &mtd)) {
      gint x, y, w, h;
      gfloat conf;
      gboolean taken = FALSE;

      if (gst_analytics_od_mtd_get_obj_type (&mtd) != type
          || !gst_analytics_od_mtd_get_location (&mtd, &x, &y, &w, &h, &conf)
          || x != d.x || y != d.y || w != d.w || h != d.h)
        continue;
      for (guint k = 0; k < i && !taken; k++)
        taken = od_out[k].id == mtd.id;
      if (taken)
        continue;
      od_out[i].id = mtd.id;
      od_out[i].type = type;
      od_out[i].confidence = conf;
      found++;
      break;
    }
  }
  return found;
}

void
gst_yolor_analytics_set_tracks (GstBuffer *buffer, const GstStructure *s,
    const GstYolorTrackFrame *t, const gint *new_rects)
{
  GstAnalyticsRelationMeta *rmeta;
  guint n = t->n;
  RowOd *ods;

  rmeta = gst_buffer_get_analytics_relation_meta (buffer);
  if (rmeta == NULL || n == 0)
    return;
  ods = g_new (RowOd, n);
  if (find_row_ods (rmeta, s, n, ods) == n && new_rects != NULL
      && gst_analytics_relation_get_length (rmeta) == n) {
    /* only the rows' ODMtds: replaced by ones at the moved boxes, in row
     * order as yolordetect adds them */
    gst_buffer_remove_meta (buffer, (GstMeta *) rmeta);
    rmeta = gst_buffer_add_analytics_relation_meta (buffer);
    for (guint i = 0; i < n; i++) {
      GstAnalyticsODMtd od;
      const gint *r = new_rects + 4 * i;

      ods[i].id = gst_analytics_relation_meta_add_od_mtd (rmeta, ods[i].type,
                      r[0], r[1], r[2], r[3], ods[i].confidence, &od)
          ? od.id
          : G_MAXUINT;
    }
  }

  for (guint i = 0; i < n; i++) {
    GstAnalyticsTrackingMtd trk;
    GstClockTime first = t->seen ? t->seen[2 * i] : GST_CLOCK_TIME_NONE;
    GstClockTime last = t->seen ? t->seen[2 * i + 1] : GST_CLOCK_TIME_NONE;

    if (t->ids[i] <= 0 || ods[i].id == G_MAXUINT)
      continue;
    if (!gst_analytics_relation_meta_add_tracking_mtd (
            rmeta, (guint64) t->ids[i], first, &trk))
      continue;
    if (GST_CLOCK_TIME_IS_VALID (last))
      gst_analytics_tracking_mtd_update_last_seen (&trk, last);
    gst_analytics_relation_meta_set_relation (
        rmeta, GST_ANALYTICS_REL_TYPE_RELATE_TO, ods[i].id, trk.id);
    gst_analytics_relation_meta_set_relation (
        rmeta, GST_ANALYTICS_REL_TYPE_RELATE_TO, trk.id, ods[i].id);
  }
  g_free (ods);
}
