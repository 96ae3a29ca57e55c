/* gst-yolor: yolordetect elements sharing one model (model-instance-id).
 *  - three elements with one id load the model once (the engine's load
 *    message is counted), and each, with its own input-size, attaches the
 *    detections of an element with a model of its own and the same
 *    settings;
 *  - an element that names another model under a used id fails to start
 *    with a RESOURCE/SETTINGS error naming both models;
 *  - once every user has stopped, the id is free: the next element to
 *    start loads again, and may load another model.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#include <string.h>

/* Engine load messages ("...: N layers, N heads, N classes, X flavour")
 * logged through yolordetect's debug category. */
static gint loads;

static void
count_loads (GstDebugCategory *category, GstDebugLevel level, const gchar *file,
    const gchar *function, gint line, GObject *object, GstDebugMessage *message,
    gpointer user_data)
{
  const gchar *text = gst_debug_message_get (message);

  (void) file;
  (void) function;
  (void) line;
  (void) object;
  (void) user_data;

  if (level == GST_LEVEL_INFO
      && strcmp (gst_debug_category_get_name (category), "yolordetect") == 0
      && text && strstr (text, " flavour") && strstr (text, " layers, "))
    g_atomic_int_inc (&loads);
}

static void
setup (void)
{
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("yolordetect", GST_LEVEL_INFO);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (count_loads, NULL, NULL);
  g_atomic_int_set (&loads, 0);
}

static void
teardown (void)
{
  gst_debug_remove_log_function (count_loads);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
}

/* The ROI boxes and labels of @buf as one comparable string. */
static gchar *
roi_summary (GstBuffer *buf)
{
  GString *s = g_string_new (NULL);
  gpointer state = NULL;
  GstMeta *m;

  while ((m = gst_buffer_iterate_meta_filtered (
              buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *r = (GstVideoRegionOfInterestMeta *) m;
    g_string_append_printf (s, "%s %u %u %u %u; ",
        g_quark_to_string (r->roi_type), r->x, r->y, r->w, r->h);
  }
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_one_load_same_results)
{
  static const gchar *const sizes[3] = { "320", "416x256", "" };
  gchar *model = test_model_path ();
  GstSample *frame = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstHarness *shared[3];
  gchar *want[3];

  /* references: a model of their own each (three loads) */
  for (gint i = 0; i < 3; i++) {
    gchar *desc = g_strdup_printf ("yolordetect model=\"%s\" input-size=%s",
        model, *sizes[i] ? sizes[i] : "\"\"");
    GstHarness *h = test_harness (desc);
    GstBuffer *out = test_push_sample (h, frame);
    want[i] = roi_summary (out);
    g_print ("input-size '%s': %s\n", sizes[i], want[i]);
    fail_unless (test_count_rois (out) > 0);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (desc);
  }
  fail_unless_equals_int (g_atomic_int_get (&loads), 3);

  /* one id: the first names the model, the others only the id */
  g_atomic_int_set (&loads, 0);
  for (gint i = 0; i < 3; i++) {
    gchar *desc = i == 0
        ? g_strdup_printf ("yolordetect model-instance-id=cams model=\"%s\" "
                           "input-size=%s",
            model, sizes[i])
        : g_strdup_printf ("yolordetect model-instance-id=cams input-size=%s",
            *sizes[i] ? sizes[i] : "\"\"");
    shared[i] = test_harness (desc);
    g_free (desc);
  }
  fail_unless_equals_int (g_atomic_int_get (&loads), 1);
  for (gint i = 0; i < 3; i++) {
    GstBuffer *out = test_push_sample (shared[i], frame);
    gchar *got = roi_summary (out);
    fail_unless_equals_string (got, want[i]);
    g_free (got);
    gst_buffer_unref (out);
  }
  /* the input sizes really differ, so the nets do */
  fail_if (g_str_equal (want[0], want[1]) && g_str_equal (want[1], want[2]),
      "every input size gave the same boxes: the test proves less");
  for (gint i = 0; i < 3; i++) {
    gst_harness_teardown (shared[i]);
    g_free (want[i]);
  }
  gst_sample_unref (frame);
  g_free (model);
}
GST_END_TEST;

/* Sets "yolordetect @props" (in a pipeline of its own) to PAUSED.
 * Returns: (transfer full): the pipeline, and the bus's error message text
 * in *@error_out (transfer full; NULL when it started). */
static GstElement *
start (const gchar *props, gchar **error_out)
{
  GstElement *pipe = gst_pipeline_new (NULL);
  GError *err = NULL;
  GstElement *e =
      gst_parse_launch_full (props, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (e != NULL, "%s", err ? err->message : "?");
  gst_bin_add (GST_BIN (pipe), e);
  *error_out = NULL;
  if (gst_element_set_state (pipe, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE
      || gst_element_set_state (pipe, GST_STATE_PAUSED)
          == GST_STATE_CHANGE_FAILURE) {
    bus = gst_element_get_bus (pipe);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "no error message");
    gst_message_parse_error (msg, &err, NULL);
    fail_unless (err->domain == GST_RESOURCE_ERROR
        && err->code == GST_RESOURCE_ERROR_SETTINGS);
    *error_out = g_strdup (err->message);
    g_error_free (err);
    gst_message_unref (msg);
    gst_object_unref (bus);
  }
  return pipe;
}

static void
stop (GstElement *pipe)
{
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_START_TEST (test_other_model_same_id)
{
  gchar *model = test_model_path ();
  gchar *other =
      test_shared_path ("models/yolo-fastest-1.1/yolo-fastest-1.1.cfg");
  gchar *a =
      g_strdup_printf ("yolordetect model-instance-id=m model=\"%s\"", model);
  gchar *b =
      g_strdup_printf ("yolordetect model-instance-id=m model=\"%s\"", other);
  gchar *error;
  GstElement *holder = start (a, &error), *later;

  fail_unless (error == NULL, "%s", error);
  later = start (b, &error);
  fail_unless (error != NULL, "a second model under a used id started");
  g_print ("%s\n", error);
  fail_unless (strstr (error, "model-instance-id 'm' already holds") != NULL,
      "%s", error);
  fail_unless (strstr (error, "yolo-fastest-1.1-xl.cfg") != NULL, "%s", error);
  fail_unless (strstr (error, "yolo-fastest-1.1.cfg") != NULL, "%s", error);
  g_free (error);
  stop (later);
  fail_unless_equals_int (g_atomic_int_get (&loads), 1);

  /* the last user stops: the id is free for another model */
  stop (holder);
  later = start (b, &error);
  fail_unless (error == NULL, "%s", error);
  fail_unless_equals_int (g_atomic_int_get (&loads), 2);
  stop (later);

  g_free (a);
  g_free (b);
  g_free (model);
  g_free (other);
}
GST_END_TEST;

static Suite *
shared_model_suite (void)
{
  Suite *s = suite_create ("yolordetect-shared-model");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_one_load_same_results);
  tcase_add_test (tc, test_other_model_same_id);
  return s;
}

GST_CHECK_MAIN (shared_model);
