/* gst-yolor: two yolordetect elements in one pipeline, each in its own
 * streaming thread and both running one shared model (model-instance-id),
 * while the application changes their properties. Built
 * and run under ThreadSanitizer by scripts/test.sh (stage tsan); in the
 * normal suite it checks that both branches detect on every frame.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#define N_FRAMES 6

/* Pulls every sample of @sink (borrowed) until EOS; returns how many
 * frames carried a person overlapping the man's box. */
static guint
count_people (GstElement *sink, guint *n_frames)
{
  GstSample *s;
  guint people = 0;

  *n_frames = 0;
  while ((s = gst_app_sink_pull_sample (GST_APP_SINK (sink)))) {
    gdouble iou;

    (*n_frames)++;
    if (test_best_roi (gst_sample_get_buffer (s), "person", TEST_MAN_BOX, &iou)
        && iou > 0.5)
      people++;
    gst_sample_unref (s);
  }
  return people;
}

static gpointer
change_thresholds (gpointer data)
{
  GstElement **dets = data;

  for (guint i = 0; i < 50; i++) {
    g_object_set (dets[i % 2], "threshold", 0.2 + 0.001 * i, NULL);
    g_object_set (dets[(i + 1) % 2], "iou-threshold", 0.45 + 0.001 * i, NULL);
    g_usleep (1000);
  }
  return NULL;
}

GST_START_TEST (test_two_detectors_one_pipeline)
{
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "appsrc name=src format=time ! tee name=t "
      "t. ! queue ! yolordetect name=d0 model=\"%s\" n-threads=1 "
      "model-instance-id=threads ! appsink name=a sync=false "
      "t. ! queue ! yolordetect name=d1 model=\"%s\" n-threads=1 "
      "model-instance-id=threads input-size=416x256 ! "
      "appsink name=b sync=false",
      model, model);
  GstSample *frame = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *src, *a, *b, *dets[2];
  GThread *changer;
  guint frames_a, frames_b, people_a, people_b;

  fail_unless (pipe != NULL && err == NULL, "%s", err ? err->message : "?");
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  a = gst_bin_get_by_name (GST_BIN (pipe), "a");
  b = gst_bin_get_by_name (GST_BIN (pipe), "b");
  dets[0] = gst_bin_get_by_name (GST_BIN (pipe), "d0");
  dets[1] = gst_bin_get_by_name (GST_BIN (pipe), "d1");
  g_object_set (src, "caps", gst_sample_get_caps (frame), NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);

  changer = g_thread_new ("props", change_thresholds, dets);
  for (guint i = 0; i < N_FRAMES; i++) {
    GstBuffer *buf = gst_buffer_copy (gst_sample_get_buffer (frame));

    GST_BUFFER_PTS (buf) = i * GST_SECOND / 30;
    GST_BUFFER_DURATION (buf) = GST_SECOND / 30;
    fail_unless_equals_int (
        gst_app_src_push_buffer (GST_APP_SRC (src), buf), GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  people_a = count_people (a, &frames_a);
  people_b = count_people (b, &frames_b);
  g_thread_join (changer);

  fail_unless_equals_int (frames_a, N_FRAMES);
  fail_unless_equals_int (frames_b, N_FRAMES);
  fail_unless_equals_int (people_a, N_FRAMES);
  fail_unless_equals_int (people_b, N_FRAMES);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (dets[0]);
  gst_object_unref (dets[1]);
  gst_object_unref (a);
  gst_object_unref (b);
  gst_object_unref (src);
  gst_object_unref (pipe);
  gst_sample_unref (frame);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

static Suite *
threads_suite (void)
{
  Suite *s = suite_create ("threads");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 600);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_two_detectors_one_pipeline);
  return s;
}

GST_CHECK_MAIN (threads);
