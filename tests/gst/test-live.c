/* gst-yolor: yolordetect live=true under a model slower than the source.
 *
 * A live appsrc pushes a frame of the sample video (a man in view) every
 * 33 ms; the model runs at a 960x960 input with one thread, several times
 * slower than that. In live mode every frame comes out, each as soon as it
 * went in (the lag stays far below the ever-growing lag of the same run
 * without live mode); only some frames are fresh, their results come from
 * earlier frames in increasing order and find the man; and the element adds
 * nothing to the latency query, where the normal mode adds its inference
 * time. After a flush, no result of an earlier frame is attached.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "gstyolormeta.h"

#include <string.h>

#define N_FRAMES 45
#define INPUT_SIZE "960"
#define SETTLED 15 /* frames before the lag is measured */
#define FRAME_NS (GST_SECOND / 30)

typedef struct
{
  gboolean live_mode;
  gint64 pushed[N_FRAMES]; /* push time of each frame */
  guint frames, fresh, fresh_with_man;
  guint64 last_inference_frame;
  gboolean order_ok, source_ok;
  gdouble max_lag_ms;
  GstClockTime added_latency; /* element src minus its upstream's min */
} LiveRun;

/* The latency yolordetect @det adds: its src pad's answer minus its
 * upstream's. */
static GstClockTime
added_latency (GstElement *det)
{
  GstPad *src = gst_element_get_static_pad (det, "src");
  GstPad *sink = gst_element_get_static_pad (det, "sink");
  GstQuery *q = gst_query_new_latency ();
  GstClockTime ours = 0, upstream = 0;
  gboolean live;

  fail_unless (gst_pad_query (src, q));
  gst_query_parse_latency (q, &live, &ours, NULL);
  gst_query_unref (q);
  q = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (sink, q));
  gst_query_parse_latency (q, &live, &upstream, NULL);
  gst_query_unref (q);
  gst_object_unref (src);
  gst_object_unref (sink);
  return ours - upstream;
}

/* appsink's new-sample, in the streaming thread: each frame as it comes
 * out. */
static GstFlowReturn
on_sample (GstAppSink *sink, gpointer data)
{
  LiveRun *r = data;
  GstSample *s = gst_app_sink_pull_sample (sink);
  GstBuffer *b = gst_sample_get_buffer (s);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (b);
  guint idx = (guint) (GST_BUFFER_PTS (b) / FRAME_NS);
  gboolean fresh = FALSE;
  guint64 from = 0;

  fail_unless (idx < N_FRAMES);
  /* the first frames wait for the caps and the net's preparation */
  if (idx >= SETTLED)
    r->max_lag_ms = MAX (
        r->max_lag_ms, (g_get_monotonic_time () - r->pushed[idx]) / 1000.0);
  fail_unless (fm != NULL, "frame %u has no frame meta", idx);
  fail_unless (gst_structure_get_boolean (fm, "fresh", &fresh));
  fail_unless (gst_structure_get_uint64 (fm, "inference_frame", &from));
  r->frames++;
  if (fresh) {
    gdouble iou;
    r->fresh++;
    /* live: results of an earlier frame, newer each time */
    if (r->live_mode
        && (from >= idx || (r->fresh > 1 && from <= r->last_inference_frame)))
      r->order_ok = FALSE;
    r->last_inference_frame = from;
    /* at this input size the man comes out as one or two boxes */
    if (test_best_roi (b, "person", TEST_MAN_BOX, &iou) && iou > 0.1)
      r->fresh_with_man++;
  } else if (r->live_mode && r->fresh > 0 && from != r->last_inference_frame)
    r->source_ok = FALSE; /* a carried result names where it came from */
  gst_sample_unref (s);
  return GST_FLOW_OK;
}

static void
run (gboolean live_mode, const gchar *input_size, LiveRun *r)
{
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "appsrc name=src is-live=true format=time ! "
      "yolordetect name=d model=\"%s\" live=%s input-size=%s n-threads=1 ! "
      "appsink name=sink sync=false",
      model, live_mode ? "true" : "false", input_size);
  GstSample *frame = test_grab_frame (TEST_T_MAN, "NV12", 0, 0);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  GstElement *src, *sink, *det;
  GstAppSinkCallbacks cb = { 0 };
  GstMessage *msg;

  memset (r, 0, sizeof *r);
  r->live_mode = live_mode;
  r->order_ok = r->source_ok = TRUE;
  fail_unless (pipe != NULL && err == NULL, "%s", err ? err->message : "?");
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  det = gst_bin_get_by_name (GST_BIN (pipe), "d");
  cb.new_sample = on_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cb, r, NULL);
  g_object_set (src, "caps", gst_sample_get_caps (frame), NULL);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);

  for (guint i = 0; i < N_FRAMES; i++) {
    GstBuffer *b = gst_buffer_copy (gst_sample_get_buffer (frame));
    GST_BUFFER_PTS (b) = i * FRAME_NS;
    GST_BUFFER_DURATION (b) = FRAME_NS;
    r->pushed[i] = g_get_monotonic_time ();
    fail_unless_equals_int (
        gst_app_src_push_buffer (GST_APP_SRC (src), b), GST_FLOW_OK);
    g_usleep (FRAME_NS / 1000);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  r->added_latency = added_latency (det);
  g_print (
      "live=%d: %u frames out, %u fresh (%u finding the man), max lag "
      "%.0f ms after frame " G_STRINGIFY (SETTLED) ", added latency %.1f ms\n",
      live_mode, r->frames, r->fresh, r->fresh_with_man, r->max_lag_ms,
      r->added_latency / 1e6);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (det);
  gst_object_unref (pipe);
  gst_sample_unref (frame);
  g_free (desc);
  g_free (model);
}

GST_START_TEST (test_live_never_holds)
{
  static LiveRun live, held;

  run (TRUE, INPUT_SIZE, &live);
  run (FALSE, INPUT_SIZE, &held);

  /* every frame passes */
  fail_unless_equals_int (live.frames, N_FRAMES);
  fail_unless_equals_int (held.frames, N_FRAMES);
  /* normal mode infers every frame; live mode only when free, and each
   * new result finds the man */
  fail_unless_equals_int (held.fresh, N_FRAMES);
  fail_unless (live.fresh >= 1, "live mode produced no result");
  fail_unless (live.fresh < N_FRAMES * 2 / 3,
      "live mode inferred %u of %u frames: the model is not slower than "
      "the source here, so the test proves nothing",
      live.fresh, N_FRAMES);
  fail_unless_equals_int (live.fresh_with_man, live.fresh);
  fail_unless (live.order_ok, "live results out of order or from the future");
  fail_unless (live.source_ok, "a carried result names another frame");
  /* frames are not held: the lag stays bounded while the normal mode's
   * grows with every frame it falls behind */
  fail_unless (live.max_lag_ms * 2 < held.max_lag_ms,
      "live max lag %.0f ms, normal %.0f ms", live.max_lag_ms, held.max_lag_ms);
  /* and the latency query says so */
  fail_unless_equals_uint64 (live.added_latency, 0);
  fail_unless (held.added_latency > 0);
}
GST_END_TEST;

/* The hand-over between the streaming thread and the worker at the
 * model's own size (many results), also run under ThreadSanitizer (stage
 * tsan, where inference is far slower): every frame out, results in order,
 * each naming an earlier frame. */
GST_START_TEST (test_live_threads)
{
  static LiveRun r;

  run (TRUE, "\"\"", &r);
  fail_unless_equals_int (r.frames, N_FRAMES);
  fail_unless (r.fresh >= 1, "live mode produced no result");
  fail_unless (r.order_ok, "live results out of order or from the future");
  fail_unless (r.source_ok, "a carried result names another frame");
  fail_unless_equals_uint64 (r.added_latency, 0);
}
GST_END_TEST;

/* After a flush (a seek), no result of a frame before it is attached. */
GST_START_TEST (test_live_flush)
{
  GstHarness *h = test_detect_harness ("live=true n-threads=1");
  GstSample *frame = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstSegment seg;
  GstBuffer *out;
  const GstStructure *fm;
  gboolean fresh = TRUE, seen = FALSE;

  /* frames until a result with detections comes out */
  for (guint i = 0; i < 500 && !seen; i++) {
    out = test_push_sample (h, frame);
    fm = gst_buffer_get_yolor_frame_meta (out);
    seen = fm && gst_structure_get_boolean (fm, "fresh", &fresh) && fresh
        && gst_yolor_frame_meta_get_n_detections (fm) > 0;
    gst_buffer_unref (out);
    g_usleep (5000);
  }
  fail_unless (seen, "no live result in 500 frames");

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  out = test_push_sample (h, frame);
  fm = gst_buffer_get_yolor_frame_meta (out);
  fail_unless (fm != NULL);
  fail_unless (gst_structure_get_boolean (fm, "fresh", &fresh));
  fail_if (fresh, "the first frame after a flush carries a fresh result");
  fail_unless_equals_int (gst_yolor_frame_meta_get_n_detections (fm), 0);
  gst_buffer_unref (out);

  gst_sample_unref (frame);
  gst_harness_teardown (h);
}
GST_END_TEST;

static Suite *
live_suite (void)
{
  Suite *s = suite_create ("yolordetect-live");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_live_never_holds);
  tcase_add_test (tc, test_live_threads);
  tcase_add_test (tc, test_live_flush);
  return s;
}

GST_CHECK_MAIN (live);
