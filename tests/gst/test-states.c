/* gst-yolor: state cycling and property stress for yolordetect.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"
#include "gstyolormeta.h"

#include <string.h>

GST_START_TEST (test_state_cycles)
{
  GstElement *e = gst_element_factory_make ("yolordetect", NULL);
  gchar *model = test_model_path ();
  static const GstState seq[] = { GST_STATE_READY, GST_STATE_PAUSED,
    GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL };
  guint i, k;

  fail_unless (e != NULL);
  g_object_set (e, "model", model, "n-threads", 1, NULL);
  for (i = 0; i < 200; i++) {
    for (k = 0; k < G_N_ELEMENTS (seq); k++) {
      /* skip some steps to also cover direct jumps */
      if (i % 3 == 1 && (seq[k] == GST_STATE_PAUSED))
        continue;
      fail_unless (
          gst_element_set_state (e, seq[k]) != GST_STATE_CHANGE_FAILURE,
          "cycle %u to %s", i, gst_element_state_get_name (seq[k]));
    }
  }
  gst_object_unref (e);
  g_free (model);
}

GST_END_TEST;

/* Frames keep flowing while other threads change every live property and
 * the READY-only ones (which must not disturb the running model). */
GST_START_TEST (test_stress_properties)
{
  GstHarness *h = test_detect_harness ("n-threads=1");
  GstSample *s = test_grab_frame (TEST_T_MAN, "NV12", 384, 216);
  GValue v[8] = { G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT,
    G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT };
  GstHarnessThread *t[8];
  guint i;

  g_value_init (&v[0], G_TYPE_DOUBLE);
  g_value_set_double (&v[0], 0.3);
  g_value_init (&v[1], G_TYPE_DOUBLE);
  g_value_set_double (&v[1], 0.5);
  g_value_init (&v[2], G_TYPE_INT);
  g_value_set_int (&v[2], 5);
  g_value_init (&v[3], G_TYPE_STRING);
  g_value_set_string (&v[3], "person,car");
  g_value_init (&v[4], G_TYPE_UINT);
  g_value_set_uint (&v[4], 2);
  g_value_init (&v[5], G_TYPE_BOOLEAN);
  g_value_set_boolean (&v[5], FALSE);
  g_value_init (&v[6], G_TYPE_STRING);
  g_value_set_string (&v[6], "/nonexistent.cfg");
  g_value_init (&v[7], G_TYPE_INT);
  g_value_set_int (&v[7], 3);

  gst_harness_set_src_caps (h, gst_caps_copy (gst_sample_get_caps (s)));
  t[0] = gst_harness_stress_property_start_full (h, "threshold", &v[0], 0);
  t[1] = gst_harness_stress_property_start_full (h, "iou-threshold", &v[1], 0);
  t[2] = gst_harness_stress_property_start_full (h, "max-detections", &v[2], 0);
  t[3] = gst_harness_stress_property_start_full (h, "object-class", &v[3], 0);
  t[4] = gst_harness_stress_property_start_full (
      h, "inference-interval", &v[4], 0);
  t[5] = gst_harness_stress_property_start_full (h, "embeddings", &v[5], 0);
  t[6] = gst_harness_stress_property_start_full (h, "model", &v[6], 0);
  t[7] = gst_harness_stress_property_start_full (h, "n-threads", &v[7], 0);
  for (i = 0; i < 40; i++) {
    GstBuffer *out;

    fail_unless_equals_int (
        gst_harness_push (h, gst_buffer_copy (gst_sample_get_buffer (s))),
        GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless (gst_buffer_get_yolor_frame_meta (out) != NULL);
    gst_buffer_unref (out);
  }
  for (i = 0; i < G_N_ELEMENTS (t); i++) {
    fail_unless (gst_harness_stress_thread_stop (t[i]) > 0);
    g_value_unset (&v[i]);
  }
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* gst-inspect reads well: every own property has a nick, a blurb that is
 * a sentence and states its default, and a MUTABLE_* flag. */
GST_START_TEST (test_property_docs)
{
  const gchar *names[] = { "yolordetect", "yolorosd" };
  guint e;

  for (e = 0; e < G_N_ELEMENTS (names); e++) {
    GstElement *el = gst_element_factory_make (names[e], NULL);
    GParamSpec **specs;
    guint i, n;

    if (el == NULL && e > 0)
      continue; /* yolorosd is optional in this build */
    fail_unless (el != NULL);
    specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (el), &n);
    for (i = 0; i < n; i++) {
      const gchar *blurb = g_param_spec_get_blurb (specs[i]);
      const gchar *nick = g_param_spec_get_nick (specs[i]);

      if (specs[i]->owner_type != G_OBJECT_TYPE (el))
        continue;
      fail_unless (blurb && nick && g_strcmp0 (blurb, nick) != 0, "%s:%s",
          names[e], specs[i]->name);
      fail_unless (g_str_has_suffix (blurb, "."),
          "%s:%s blurb is not a "
          "sentence",
          names[e], specs[i]->name);
      fail_unless (strstr (blurb, "efault") != NULL,
          "%s:%s blurb does not "
          "state the default",
          names[e], specs[i]->name);
      if (e == 0)
        fail_unless (specs[i]->flags
                & (GST_PARAM_MUTABLE_READY | GST_PARAM_MUTABLE_PLAYING),
            "%s:%s has no MUTABLE flag", names[e], specs[i]->name);
    }
    g_free (specs);
    gst_object_unref (el);
  }
}

GST_END_TEST;

static Suite *
states_suite (void)
{
  Suite *s = suite_create ("yolordetect-states");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_stress_properties);
  tcase_add_test (tc, test_property_docs);
  return s;
}

GST_CHECK_MAIN (states);
