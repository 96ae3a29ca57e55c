/* gst-yolor: the metadata contract through other elements.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"
#include "gstyolormeta.h"

#include <stdlib.h>

/* The frame meta survives a converting videoconvert and a videoscale: rows
 * unchanged, width/height/rects rewritten for the new geometry, ids still
 * matching the (scaled) ROI metas. */
GST_START_TEST (test_survives_convert_scale)
{
  gchar *model = test_model_path ();
  gchar *desc =
      g_strdup_printf ("yolordetect model=\"%s\" ! videoconvert ! "
                       "videoscale ! capsfilter "
                       "caps=video/x-raw,format=I420,width=384,height=216",
          model);
  GstHarness *h = gst_harness_new_parse (desc);
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out = test_push_sample (h, s);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (out);
  guint i, n;
  gint w = 0, hh = 0;
  gboolean found_man = FALSE;

  fail_unless (fm != NULL, "frame meta lost");
  fail_unless (gst_structure_get_int (fm, "width", &w));
  fail_unless (gst_structure_get_int (fm, "height", &hh));
  fail_unless_equals_int (w, 384);
  fail_unless_equals_int (hh, 216);
  n = gst_yolor_frame_meta_get_n_detections (fm);
  fail_unless (n >= 1);
  fail_unless_equals_int (test_count_rois (out), n);
  for (i = 0; i < n; i++) {
    GstYolorDetection d;
    GstVideoRegionOfInterestMeta *roi;

    fail_unless (gst_yolor_frame_meta_get_row (fm, i, &d));
    /* rects follow the new geometry */
    fail_unless (abs (d.x - (gint) (d.x_min * 384 + 0.5)) <= 1);
    fail_unless (abs (d.y + d.h - (gint) (d.y_max * 216 + 0.5)) <= 1);
    /* joined to the ROI meta by id; its box was scaled by videoscale */
    roi = gst_buffer_get_video_region_of_interest_meta_id (out, d.id);
    fail_unless (roi != NULL, "no ROI with id %d", d.id);
    fail_unless (roi->roi_type == g_quark_from_string (d.label));
    fail_unless (
        abs ((gint) roi->x - d.x) <= 2 && abs ((gint) roi->w - d.w) <= 2,
        "ROI %u,%u %ux%u vs row %d,%d %dx%d", roi->x, roi->y, roi->w, roi->h,
        d.x, d.y, d.w, d.h);
    if (d.label_id == 0
        && test_iou (d.x_min * 768, d.y_min * 432, d.x_max * 768, d.y_max * 432,
               382, 5, 543, 383)
            > 0.6)
      found_man = TRUE;
  }
  fail_unless (found_man);
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

/* Two detectors in a row: the buffer carries one frame meta, the second
 * detector's (the first one's is replaced, not shadowed). */
GST_START_TEST (test_second_detector_replaces)
{
  gchar *model = test_model_path ();
  /* a small input: the test is about the meta, and runs under valgrind */
  gchar *desc = g_strdup_printf (
      "yolordetect model=\"%s\" input-size=160 threshold=0.999 ! "
      "yolordetect model=\"%s\" input-size=160 threshold=0.2",
      model, model);
  gchar *desc2 = g_strdup_printf (
      "yolordetect model=\"%s\" input-size=160 threshold=0.2", model);
  GstHarness *h = gst_harness_new_parse (desc);
  GstHarness *h2 = gst_harness_new_parse (desc2);
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out = test_push_sample (h, s);
  GstBuffer *alone = test_push_sample (h2, s);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (out);
  const GstStructure *fm2 = gst_buffer_get_yolor_frame_meta (alone);
  gpointer state = NULL;
  GstMeta *m;
  guint n_frame_metas = 0;

  while ((m = gst_buffer_iterate_meta (out, &state)))
    if (gst_meta_info_is_custom (m->info)
        && gst_custom_meta_has_name (
            (GstCustomMeta *) m, GST_YOLOR_FRAME_META_NAME))
      n_frame_metas++;
  fail_unless_equals_int (n_frame_metas, 1);
  fail_unless (fm != NULL && fm2 != NULL);
  fail_unless (gst_yolor_frame_meta_get_n_detections (fm2) >= 1);
  fail_unless_equals_int (gst_yolor_frame_meta_get_n_detections (fm),
      gst_yolor_frame_meta_get_n_detections (fm2));
  gst_buffer_unref (out);
  gst_buffer_unref (alone);
  gst_sample_unref (s);
  gst_harness_teardown (h);
  gst_harness_teardown (h2);
  g_free (desc);
  g_free (desc2);
  g_free (model);
}

GST_END_TEST;

/* Through a pure format conversion only, tee and queue: still there. */
GST_START_TEST (test_survives_tee_queue)
{
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "yolordetect model=\"%s\" input-size=160 ! tee ! queue ! "
      "videoconvert ! capsfilter caps=video/x-raw,format=NV12",
      model);
  GstHarness *h = gst_harness_new_parse (desc);
  GstSample *s = test_grab_frame (TEST_T_WOMAN, "BGRx", 0, 0);
  GstBuffer *out = test_push_sample (h, s);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (out);
  gint w = 0;

  fail_unless (fm != NULL);
  fail_unless (gst_structure_get_int (fm, "width", &w) && w == 768);
  fail_unless (gst_yolor_frame_meta_get_n_detections (fm) >= 1);
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

/* Buffer copies (gst_buffer_copy, make_writable) carry the meta, and the
 * whole frame meta round-trips through gst_structure_to_string. */
GST_START_TEST (test_copy_and_serialise)
{
  GstHarness *h = test_detect_harness ("input-size=160");
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out = test_push_sample (h, s), *copy;
  const GstStructure *a, *b;
  gchar *str;
  GstStructure *back;

  copy = gst_buffer_copy (out);
  a = gst_buffer_get_yolor_frame_meta (out);
  b = gst_buffer_get_yolor_frame_meta (copy);
  fail_unless (a && b && a != b);
  fail_unless (gst_yolor_frame_meta_get_n_detections (a) >= 1);
  fail_unless (gst_structure_is_equal (a, b));
  str = gst_structure_to_string (a);
  back = gst_structure_from_string (str, NULL);
  fail_unless (back != NULL);
  fail_unless (gst_structure_is_equal (back, a));
  gst_structure_free (back);
  g_free (str);
  gst_buffer_unref (copy);
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
meta_suite (void)
{
  Suite *s = suite_create ("yolormeta");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_survives_convert_scale);
  tcase_add_test (tc, test_survives_tee_queue);
  tcase_add_test (tc, test_copy_and_serialise);
  tcase_add_test (tc, test_second_detector_replaces);
  return s;
}

GST_CHECK_MAIN (meta);
