/* gst-yolor: yolordetect batch-size across the elements of one
 * model-instance-id.
 *  - four elements on one id with batch-size=4, each fed its own frame from
 *    its own thread (four frames of the sample video, one of them scaled to
 *    another size), run one batch of four (the "batch" field of their bus
 *    messages) and attach bit for bit the detections and embeddings of an
 *    element with a model of its own, one frame at a time;
 *  - a stream alone does not wait for a batch that never fills: its frame
 *    runs by itself once batch-timeout has passed;
 *  - batch-size without a model-instance-id warns and runs frames alone.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#include "gstyolormeta.h"
#include <string.h>

#define N_STREAMS 4

/* Every detection of @buf's frame meta (labels, confidences and boxes to
 * the last bit) and its embeddings, as one comparable string. */
static gchar *
detections_summary (GstBuffer *buf)
{
  const GstStructure *s = gst_buffer_get_yolor_frame_meta (buf);
  GString *out = g_string_new (NULL);
  GstBuffer *emb;
  guint n;
  gint dim = 0;

  fail_unless (s != NULL, "no frame meta");
  n = gst_yolor_frame_meta_get_n_detections (s);
  for (guint i = 0; i < n; i++) {
    GstYolorDetection d;
    fail_unless (gst_yolor_frame_meta_get_row (s, i, &d));
    g_string_append_printf (out, "%s %a %a %a %a %a; ", d.label, d.confidence,
        d.x_min, d.y_min, d.x_max, d.y_max);
  }
  emb = gst_yolor_frame_meta_get_embeddings (s, &dim);
  if (emb) {
    GstMapInfo map;
    guint64 h = 1469598103934665603ull;
    fail_unless (gst_buffer_map (emb, &map, GST_MAP_READ));
    for (gsize i = 0; i < map.size; i++)
      h = (h ^ map.data[i]) * 1099511628211ull;
    g_string_append_printf (out,
        "embeddings %d x %" G_GSIZE_FORMAT " bytes, hash %016" G_GINT64_MODIFIER
        "x",
        dim, map.size, h);
    gst_buffer_unmap (emb, &map);
  }
  return g_string_free (out, FALSE);
}

/* A harness whose element posts on a bus of its own, from its start on. */
static GstHarness *
harness_with_bus (const gchar *desc, GstBus **bus_out)
{
  GError *err = NULL;
  GstElement *e = gst_parse_launch (desc, &err);
  GstHarness *h;

  fail_unless (
      e != NULL && err == NULL, "'%s': %s", desc, err ? err->message : "?");
  *bus_out = gst_bus_new ();
  gst_element_set_bus (e, *bus_out);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  return h;
}

/* The "batch" field of the next yolordetect message on @bus (0: none). */
static guint
batch_of_next_message (GstBus *bus)
{
  GstMessage *m;
  guint batch = 0;
  while ((m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (m);
    gboolean ours = gst_structure_has_name (s, "yolordetect");
    if (ours)
      gst_structure_get_uint (s, "batch", &batch);
    gst_message_unref (m);
    if (ours)
      break;
  }
  return batch;
}

typedef struct
{
  GstHarness *h;
  GstSample *frame;
  GstFlowReturn flow;
  GstBuffer *out;
} Pusher;

static gpointer
push_one (gpointer data)
{
  Pusher *p = data;
  p->flow = gst_harness_push (
      p->h, gst_buffer_copy (gst_sample_get_buffer (p->frame)));
  p->out = p->flow == GST_FLOW_OK ? gst_harness_pull (p->h) : NULL;
  return NULL;
}

static GstSample *
stream_frame (gint i)
{
  static const gdouble t[N_STREAMS - 1] = { TEST_T_MAN, TEST_T_WOMAN, 60.0 };
  if (i < N_STREAMS - 1)
    return test_grab_frame (t[i], "RGB", 0, 0);
  return test_grab_frame (45.0, "RGB", 640, 360); /* another frame size */
}

GST_START_TEST (test_batch_same_results)
{
  gchar *model = test_model_path ();
  GstSample *frames[N_STREAMS];
  gchar *want[N_STREAMS];
  GstHarness *h[N_STREAMS];
  GstBus *bus[N_STREAMS];
  Pusher p[N_STREAMS];
  GThread *th[N_STREAMS];

  /* each frame alone, on a model of its own */
  for (gint i = 0; i < N_STREAMS; i++) {
    GstHarness *alone = test_detect_harness (NULL);
    GstBuffer *out;
    frames[i] = stream_frame (i);
    out = test_push_sample (alone, frames[i]);
    want[i] = detections_summary (out);
    g_print ("stream %d alone: %s\n", i, want[i]);
    gst_buffer_unref (out);
    gst_harness_teardown (alone);
  }

  for (gint i = 0; i < N_STREAMS; i++) {
    gchar *desc = g_strdup_printf ("yolordetect model=\"%s\" "
                                   "model-instance-id=batch4 batch-size=%d "
                                   "batch-timeout=10000 post-messages=true",
        model, N_STREAMS);
    h[i] = harness_with_bus (desc, &bus[i]);
    gst_harness_set_src_caps (
        h[i], gst_caps_copy (gst_sample_get_caps (frames[i])));
    g_free (desc);
  }
  for (gint i = 0; i < N_STREAMS; i++) {
    p[i].h = h[i];
    p[i].frame = frames[i];
    th[i] = g_thread_new ("pusher", push_one, &p[i]);
  }
  for (gint i = 0; i < N_STREAMS; i++)
    g_thread_join (th[i]);
  for (gint i = 0; i < N_STREAMS; i++) {
    gchar *got;
    guint batch;
    fail_unless_equals_int (p[i].flow, GST_FLOW_OK);
    got = detections_summary (p[i].out);
    batch = batch_of_next_message (bus[i]);
    g_print ("stream %d in a batch of %u: %s\n", i, batch, got);
    fail_unless_equals_int (batch, N_STREAMS);
    fail_unless_equals_string (got, want[i]);
    g_free (got);
    gst_buffer_unref (p[i].out);
  }
  /* the frames differ, so the batch really held four inputs */
  fail_if (g_str_equal (want[0], want[1]) || g_str_equal (want[0], want[3])
      || g_str_equal (want[2], want[3]));
  for (gint i = 0; i < N_STREAMS; i++) {
    gst_harness_teardown (h[i]);
    gst_object_unref (bus[i]);
    gst_sample_unref (frames[i]);
    g_free (want[i]);
  }
  g_free (model);
}
GST_END_TEST;

GST_START_TEST (test_batch_timeout_alone)
{
  gchar *model = test_model_path ();
  GstSample *frame = stream_frame (0);
  GstHarness *alone = test_detect_harness (NULL);
  GstBuffer *out = test_push_sample (alone, frame);
  gchar *want = detections_summary (out), *got;
  gchar *desc = g_strdup_printf ("yolordetect model=\"%s\" "
                                 "model-instance-id=lonely batch-size=8 "
                                 "batch-timeout=30 post-messages=true",
      model);
  GstBus *bus;
  GstHarness *h = harness_with_bus (desc, &bus);

  gst_buffer_unref (out);
  /* two frames in turn: each runs alone after the timeout */
  for (gint k = 0; k < 2; k++) {
    out = test_push_sample (h, frame);
    got = detections_summary (out);
    fail_unless_equals_int (batch_of_next_message (bus), 1);
    fail_unless_equals_string (got, want);
    g_free (got);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
  gst_harness_teardown (alone);
  gst_object_unref (bus);
  gst_sample_unref (frame);
  g_free (desc);
  g_free (want);
  g_free (model);
}
GST_END_TEST;

GST_START_TEST (test_batch_needs_instance)
{
  GstSample *frame = stream_frame (0);
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "yolordetect model=\"%s\" batch-size=4 post-messages=true", model);
  GstBus *bus;
  GstHarness *h = harness_with_bus (desc, &bus);
  GstBuffer *out = test_push_sample (h, frame);
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  GError *err = NULL;

  fail_unless (m != NULL, "no warning");
  gst_message_parse_warning (m, &err, NULL);
  g_print ("%s\n", err->message);
  fail_unless (
      strstr (err->message, "batch-size=4 needs a model-instance-id") != NULL);
  fail_unless_equals_int (batch_of_next_message (bus), 1);
  g_error_free (err);
  gst_message_unref (m);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  gst_sample_unref (frame);
  g_free (desc);
  g_free (model);
}
GST_END_TEST;

static Suite *
batch_suite (void)
{
  Suite *s = suite_create ("yolordetect-batch");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_batch_same_results);
  tcase_add_test (tc, test_batch_timeout_alone);
  tcase_add_test (tc, test_batch_needs_instance);
  return s;
}

GST_CHECK_MAIN (batch);
