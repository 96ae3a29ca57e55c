/* gst-yolor: our detections and tracks read back as GStreamer's own
 * analytics metadata (GstAnalyticsRelationMeta, GStreamer >= 1.24), and
 * drawn by upstream's objectdetectionoverlay. Built only where meson finds
 * gstreamer-analytics-1.0 (scripts/test-gstreamer-1.26.sh runs it).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"
#include "gstyolormeta.h"

#include <gst/analytics/analytics.h>
#include <math.h>
#include <string.h>

/* The ODMtds of @buf, checked one to one against the frame meta's rows:
 * same label (type), pixel rect and confidence. Returns the meta. */
static GstAnalyticsRelationMeta *
check_od_rows (GstBuffer *buf)
{
  const GstStructure *s = gst_buffer_get_yolor_frame_meta (buf);
  GstAnalyticsRelationMeta *rmeta =
      gst_buffer_get_analytics_relation_meta (buf);
  guint n = gst_yolor_frame_meta_get_n_detections (s), n_od = 0;
  GstAnalyticsMtd mtd;
  gpointer state = NULL;

  fail_unless (s != NULL, "no frame meta");
  fail_unless (n > 0, "no detections");
  fail_unless (rmeta != NULL, "no analytics meta");
  while (gst_analytics_relation_meta_iterate (
      rmeta, &state, gst_analytics_od_mtd_get_mtd_type (), &mtd))
    n_od++;
  fail_unless_equals_int (n_od, n);

  for (guint i = 0; i < n; i++) {
    GstYolorDetection d;
    gboolean found = FALSE;

    fail_unless (gst_yolor_frame_meta_get_row (s, i, &d));
    state = NULL;
    while (!found
        && gst_analytics_relation_meta_iterate (
            rmeta, &state, gst_analytics_od_mtd_get_mtd_type (), &mtd)) {
      gint x, y, w, h;
      gfloat conf;

      fail_unless (
          gst_analytics_od_mtd_get_location (&mtd, &x, &y, &w, &h, &conf));
      found = gst_analytics_od_mtd_get_obj_type (&mtd)
              == g_quark_from_string (d.label)
          && x == d.x && y == d.y && w == d.w && h == d.h
          && fabs (conf - d.confidence) < 1e-6;
    }
    fail_unless (found, "row %u (%s %d,%d %dx%d %.4f): no such ODMtd", i,
        d.label, d.x, d.y, d.w, d.h, d.confidence);
  }
  return rmeta;
}

/* yolordetect on dog.jpg: one ODMtd per row, the dog, bicycle and car
 * among them. */
GST_START_TEST (test_detections)
{
  GstSample *smp =
      test_grab_image ("images/dog.jpg", 0, "video/x-raw,format=RGB");
  GstHarness *h = test_detect_harness (NULL);
  GstBuffer *out = test_push_sample (h, smp);
  const gchar *want[] = { "dog", "bicycle", "car" };
  GstAnalyticsRelationMeta *rmeta = check_od_rows (out);

  for (guint k = 0; k < G_N_ELEMENTS (want); k++) {
    GstAnalyticsMtd mtd;
    gpointer state = NULL;
    gboolean found = FALSE;

    while (!found
        && gst_analytics_relation_meta_iterate (
            rmeta, &state, gst_analytics_od_mtd_get_mtd_type (), &mtd))
      found = gst_analytics_od_mtd_get_obj_type (&mtd)
          == g_quark_from_string (want[k]);
    fail_unless (found, "no %s ODMtd", want[k]);
  }
  gst_buffer_unref (out);
  gst_sample_unref (smp);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The TrackingMtd related to ODMtd @od_id, or FALSE. */
static gboolean
tracking_of (GstAnalyticsRelationMeta *rmeta, guint od_id,
    GstAnalyticsTrackingMtd *trk_out)
{
  gpointer state = NULL;

  return gst_analytics_relation_meta_get_direct_related (rmeta, od_id,
      GST_ANALYTICS_REL_TYPE_RELATE_TO,
      gst_analytics_tracking_mtd_get_mtd_type (), &state, trk_out);
}

/* yolordetect inference-interval=2 ! yolortrack on the walking man: each
 * tracked ROI has one TrackingMtd of its id, related to the ODMtd at the
 * ROI's box (moved by prediction on the frames between inferences), first
 * seen on the first frame, last seen on the last inference. */
GST_START_TEST (test_tracks)
{
  gchar *model = test_model_path ();
  gchar *desc =
      g_strdup_printf ("yolordetect model=\"%s\" inference-interval=2 "
                       "! yolortrack",
          model);
  GstHarness *h = gst_harness_new_parse (desc);
  const GstClockTime dt = 40 * GST_MSECOND;
  guint tracked_frames = 0, predicted_frames = 0;

  for (guint k = 0; k < 8; k++) {
    GstSample *smp = test_grab_frame (TEST_T_MAN + 0.04 * k, "RGB", 0, 0);
    GstBuffer *in = gst_buffer_copy (gst_sample_get_buffer (smp));
    const GstStructure *s;
    GstAnalyticsRelationMeta *rmeta;
    GstBuffer *out;
    gboolean predicted = FALSE;
    guint n_trk = 0, n_ids = 0;
    gpointer state = NULL;
    GstMeta *m;
    GstAnalyticsMtd mtd;

    GST_BUFFER_PTS (in) = k * dt;
    gst_harness_set_src_caps (h, gst_caps_copy (gst_sample_get_caps (smp)));
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    out = gst_harness_pull (h);
    rmeta = check_od_rows (out);
    s = gst_buffer_get_yolor_frame_meta (out);
    gst_structure_get_boolean (s, "predicted", &predicted);

    while ((m = gst_buffer_iterate_meta_filtered (
                out, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
      GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) m;
      gpointer od_state = NULL;
      gboolean found = FALSE;

      if (roi->id <= 0)
        continue;
      n_ids++;
      while (!found
          && gst_analytics_relation_meta_iterate (
              rmeta, &od_state, gst_analytics_od_mtd_get_mtd_type (), &mtd)) {
        GstAnalyticsTrackingMtd trk;
        guint64 id = 0;
        GstClockTime first_seen, last_seen;
        gboolean lost = TRUE;
        gint bx, by, bw, bh;
        gfloat conf;

        gst_analytics_od_mtd_get_location (&mtd, &bx, &by, &bw, &bh, &conf);
        if (bx != (gint) roi->x || by != (gint) roi->y || bw != (gint) roi->w
            || bh != (gint) roi->h || !tracking_of (rmeta, mtd.id, &trk))
          continue;
        fail_unless (gst_analytics_tracking_mtd_get_info (
            &trk, &id, &first_seen, &last_seen, &lost));
        if (id != (guint64) roi->id)
          continue;
        found = TRUE;
        fail_if (lost);
        /* related both ways */
        fail_unless (
            gst_analytics_relation_meta_get_relation (rmeta, trk.id, mtd.id)
            == GST_ANALYTICS_REL_TYPE_RELATE_TO);
        /* the man is there from frame 0; inferences on even frames */
        fail_unless_equals_uint64 (first_seen, 0);
        fail_unless_equals_uint64 (last_seen, (k & ~1u) * dt);
      }
      fail_unless (found, "frame %u: ROI id %d has no TrackingMtd at its box",
          k, roi->id);
    }
    state = NULL;
    while (gst_analytics_relation_meta_iterate (
        rmeta, &state, gst_analytics_tracking_mtd_get_mtd_type (), &mtd))
      n_trk++;
    fail_unless_equals_int (n_trk, n_ids);
    if (n_ids > 0)
      tracked_frames++;
    if (n_ids > 0 && predicted)
      predicted_frames++;
    gst_buffer_unref (out);
    gst_sample_unref (smp);
  }
  /* confirmed from the third inference (min-hits 3: frame 4) on */
  fail_unless (tracked_frames >= 4, "%u tracked frames", tracked_frames);
  fail_unless (predicted_frames >= 1, "no predicted frame with tracks");
  gst_harness_teardown (h);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

/* Upstream's objectdetectionoverlay draws our detections: on dog.jpg the
 * outline of the dog's ODMtd box changes the picture along its left
 * edge, and the middle of the box is untouched. Without the element
 * (gst-plugins-bad < 1.24) the case is skipped, unless
 * YOLOR_REQUIRE_ANALYTICS_OVERLAY is set (the 1.26 script sets it). */
GST_START_TEST (test_overlay)
{
  GstElementFactory *f = gst_element_factory_find ("objectdetectionoverlay");
  gchar *model, *desc;
  GstSample *smp;
  GstHarness *h;
  GstBuffer *out;
  GstAnalyticsRelationMeta *rmeta;
  GstAnalyticsMtd mtd;
  gpointer state = NULL;
  GstVideoInfo info;
  GstMapInfo a, b;
  gint x = -1, y = 0, w = 0, hh = 0;
  guint changed = 0, inside = 0;

  if (f == NULL) {
    fail_if (g_getenv ("YOLOR_REQUIRE_ANALYTICS_OVERLAY") != NULL,
        "objectdetectionoverlay is missing");
    GST_INFO ("no objectdetectionoverlay: skipped");
    return;
  }
  gst_object_unref (f);
  model = test_model_path ();
  desc = g_strdup_printf (
      "yolordetect model=\"%s\" ! objectdetectionoverlay", model);
  h = gst_harness_new_parse (desc);
  smp = test_grab_image ("images/dog.jpg", 0, "video/x-raw,format=BGRA");
  out = test_push_sample (h, smp);
  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (smp)));

  rmeta = gst_buffer_get_analytics_relation_meta (out);
  fail_unless (rmeta != NULL);
  while (x < 0
      && gst_analytics_relation_meta_iterate (
          rmeta, &state, gst_analytics_od_mtd_get_mtd_type (), &mtd)) {
    gfloat conf;

    if (gst_analytics_od_mtd_get_obj_type (&mtd) == g_quark_from_string ("dog"))
      gst_analytics_od_mtd_get_location (&mtd, &x, &y, &w, &hh, &conf);
  }
  fail_unless (x >= 0 && w > 20 && hh > 20, "no dog box");

  fail_unless (gst_buffer_map (gst_sample_get_buffer (smp), &a, GST_MAP_READ));
  fail_unless (gst_buffer_map (out, &b, GST_MAP_READ));
  fail_unless_equals_int (a.size, b.size);
  {
    gint stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);

    /* the left edge, below where a label could go */
    for (gint r = y + hh / 4; r < y + hh; r++) {
      gsize o = (gsize) r * stride + (gsize) x * 4;

      changed += memcmp (a.data + o, b.data + o, 4) != 0;
    }
    /* a patch in the middle */
    for (gint r = y + hh / 2 - 5; r < y + hh / 2 + 5; r++) {
      gsize o = (gsize) r * stride + (gsize) (x + w / 2 - 5) * 4;

      inside += memcmp (a.data + o, b.data + o, 10 * 4) != 0;
    }
  }
  fail_unless (changed > (guint) (hh - hh / 4) * 9 / 10,
      "%u of %d pixels of the dog's left edge drawn", changed, hh - hh / 4);
  fail_unless_equals_int (inside, 0);
  gst_buffer_unmap (gst_sample_get_buffer (smp), &a);
  gst_buffer_unmap (out, &b);
  gst_buffer_unref (out);
  gst_sample_unref (smp);
  gst_harness_teardown (h);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

static Suite *
analytics_suite (void)
{
  Suite *s = suite_create ("analytics");
  TCase *tc = tcase_create ("general");

  tcase_add_test (tc, test_detections);
  tcase_add_test (tc, test_tracks);
  tcase_add_test (tc, test_overlay);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (analytics);
