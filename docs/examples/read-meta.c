/* read-meta: an application that reads yolordetect's metadata from an
 * appsink. Built by meson and run by the tests (example-read-meta).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: read-meta VIDEO [N_FRAMES [START_SECONDS [EXPECTED_LABEL]]]
 *
 * Only gstyolormeta.h is needed (header-only readers); nothing links
 * against the plugin. Exits 1 if a frame lacks the frame meta, or if
 * EXPECTED_LABEL is given and never seen.
 */
#include <stdio.h>
#include <stdlib.h>

#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "gstyolormeta.h"

int
main (int argc, char **argv)
{
  GstElement *pipe, *sink;
  GError *err = NULL;
  gchar *desc;
  gint n_frames = argc > 2 ? atoi (argv[2]) : 10, i;
  gdouble start = argc > 3 ? g_ascii_strtod (argv[3], NULL) : 0;
  const gchar *expect = argc > 4 ? argv[4] : NULL;
  gboolean seen = FALSE, ok = TRUE;

  gst_init (&argc, &argv);
  if (argc < 2) {
    g_printerr ("usage: read-meta VIDEO [N [START [LABEL]]]\n");
    return 2;
  }
  desc = g_strdup_printf (
      "filesrc location=\"%s\" ! decodebin ! "
      "videoconvert ! yolordetect ! appsink name=sink sync=false",
      argv[1]);
  pipe = gst_parse_launch (desc, &err);
  if (pipe == NULL) {
    g_printerr ("read-meta: %s\n", err->message);
    return 1;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  gst_element_set_state (pipe, GST_STATE_PAUSED);
  if (gst_element_get_state (pipe, NULL, NULL, GST_CLOCK_TIME_NONE)
      == GST_STATE_CHANGE_FAILURE) {
    g_printerr ("read-meta: the pipeline does not start\n");
    return 1;
  }
  if (start > 0)
    gst_element_seek_simple (pipe, GST_FORMAT_TIME,
        GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
        (gint64) (start * GST_SECOND));
  gst_element_set_state (pipe, GST_STATE_PLAYING);

  for (i = 0; i < n_frames; i++) {
    GstSample *sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
    GstBuffer *buf;
    const GstStructure *fm;
    gpointer state = NULL;
    GstMeta *meta;
    guint r, n;
    gboolean fresh = FALSE;
    guint64 ns = 0;

    if (sample == NULL)
      break;
    buf = gst_sample_get_buffer (sample);

    /* 1. the frame meta: every detection in one place */
    fm = gst_buffer_get_yolor_frame_meta (buf);
    if (fm == NULL) {
      g_printerr ("read-meta: frame %d has no frame meta\n", i);
      ok = FALSE;
      gst_sample_unref (sample);
      break;
    }
    n = gst_yolor_frame_meta_get_n_detections (fm);
    gst_structure_get_boolean (fm, "fresh", &fresh);
    gst_structure_get_uint64 (fm, "inference_ns", &ns);
    g_print ("frame %d pts %" GST_TIME_FORMAT ": %u objects (%s, %.1f ms)\n", i,
        GST_TIME_ARGS (GST_BUFFER_PTS (buf)), n,
        fresh ? "fresh" : "carried over", ns / 1e6);
    for (r = 0; r < n; r++) {
      GstYolorDetection d;
      GstBuffer *emb;
      gint dim;

      if (!gst_yolor_frame_meta_get_row (fm, r, &d))
        continue;
      emb = gst_yolor_frame_meta_get_embeddings (fm, &dim);
      g_print ("  #%d %-12s %.2f  box %d,%d %dx%d  (%.3f,%.3f)-(%.3f,%.3f)"
               "  embedding %s%d floats\n",
          d.id, d.label, d.confidence, d.x, d.y, d.w, d.h, d.x_min, d.y_min,
          d.x_max, d.y_max, emb ? "" : "none, ", emb ? dim : 0);
      if (expect && g_strcmp0 (d.label, expect) == 0)
        seen = TRUE;
    }

    /* 2. the same objects as ROI metas, as any ROI-aware element sees them */
    while ((meta = gst_buffer_iterate_meta_filtered (
                buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
      GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
      GstStructure *det = gst_yolor_roi_get_detection (roi);
      gdouble conf = 0;

      if (det)
        gst_structure_get_double (det, "confidence", &conf);
      g_print ("  roi id %d %s %u,%u %ux%u confidence %.2f\n", roi->id,
          g_quark_to_string (roi->roi_type), roi->x, roi->y, roi->w, roi->h,
          conf);
    }
    gst_sample_unref (sample);
  }
  if (i == 0) {
    g_printerr ("read-meta: no frame\n");
    ok = FALSE;
  }
  if (expect && !seen) {
    g_printerr ("read-meta: no '%s' seen\n", expect);
    ok = FALSE;
  }

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  return ok ? 0 : 1;
}
