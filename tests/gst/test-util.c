/* gst-yolor element tests: shared helpers.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#include <gst/app/gstappsink.h>

gchar *
test_shared_path (const gchar *rel)
{
  const gchar *dir = g_getenv ("YOLOR_SHARED_DIR");

  fail_unless (dir != NULL && *dir != '\0', "YOLOR_SHARED_DIR is not set");
  return g_build_filename (dir, rel, NULL);
}

gchar *
test_model_path (void)
{
  return test_shared_path ("models/yolo-fastest-1.1-xl/"
                           "yolo-fastest-1.1-xl.cfg");
}

GstSample *
test_grab_frame (gdouble seconds, const gchar *format, gint width, gint height)
{
  gchar *video = test_shared_path ("video/one-by-one-person-detection.mp4");
  gchar *size = width > 0
      ? g_strdup_printf (",width=%d,height=%d", width, height)
      : g_strdup ("");
  gchar *desc =
      g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! "
                       "videoconvert ! videoscale ! video/x-raw,format=%s%s ! "
                       "appsink name=sink sync=false",
          video, format, size);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *sink;
  GstSample *sample;

  fail_unless (
      pipe != NULL, "cannot build '%s': %s", desc, err ? err->message : "?");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipe, NULL, NULL, GST_CLOCK_TIME_NONE)
          == GST_STATE_CHANGE_SUCCESS,
      "cannot decode %s", video);
  if (seconds > 0) {
    fail_unless (gst_element_seek_simple (pipe, GST_FORMAT_TIME,
        GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
        (gint64) (seconds * GST_SECOND)));
    gst_element_get_state (pipe, NULL, NULL, GST_CLOCK_TIME_NONE);
  }
  sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
  fail_unless (sample != NULL, "no frame at %g s", seconds);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_clear_error (&err);
  g_free (desc);
  g_free (size);
  g_free (video);
  return sample;
}

GstHarness *
test_detect_harness (const gchar *props)
{
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "yolordetect model=\"%s\" %s", model, props ? props : "");
  GError *err = NULL;
  GstElement *e = gst_parse_launch (desc, &err);
  GstHarness *h;

  fail_unless (
      e != NULL && err == NULL, "'%s': %s", desc, err ? err->message : "?");
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  g_free (desc);
  g_free (model);
  return h;
}

GstBuffer *
test_push_sample (GstHarness *h, GstSample *sample)
{
  GstBuffer *in = gst_buffer_copy (gst_sample_get_buffer (sample));

  gst_harness_set_src_caps (h, gst_caps_copy (gst_sample_get_caps (sample)));
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  return gst_harness_pull (h);
}

gdouble
test_iou (gdouble ax1, gdouble ay1, gdouble ax2, gdouble ay2, gdouble bx1,
    gdouble by1, gdouble bx2, gdouble by2)
{
  gdouble iw = MIN (ax2, bx2) - MAX (ax1, bx1);
  gdouble ih = MIN (ay2, by2) - MAX (ay1, by1);
  gdouble inter, uni;

  if (iw <= 0 || ih <= 0)
    return 0;
  inter = iw * ih;
  uni = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return uni > 0 ? inter / uni : 0;
}

guint
test_count_rois (GstBuffer *buf)
{
  gpointer state = NULL;
  guint n = 0;

  while (gst_buffer_iterate_meta_filtered (
      buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
    n++;
  return n;
}

GstVideoRegionOfInterestMeta *
test_best_roi (GstBuffer *buf, const gchar *label, gdouble x1, gdouble y1,
    gdouble x2, gdouble y2, gdouble *iou_out)
{
  gpointer state = NULL;
  GstMeta *m;
  GstVideoRegionOfInterestMeta *best = NULL;

  *iou_out = 0;
  while ((m = gst_buffer_iterate_meta_filtered (
              buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *r = (GstVideoRegionOfInterestMeta *) m;
    gdouble iou;

    if (label && r->roi_type != g_quark_from_string (label))
      continue;
    iou = test_iou (r->x, r->y, r->x + r->w, r->y + r->h, x1, y1, x2, y2);
    if (iou > *iou_out) {
      *iou_out = iou;
      best = r;
    }
  }
  return best;
}
