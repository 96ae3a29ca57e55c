/* gst-yolor: yolortrack on frames whose metadata the test writes, as
 * yolordetect would (ids, prediction between inferences, events at EOS and
 * on the bus, the ROI join), and behind the real yolordetect on frames of
 * the sample video.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"
#include "test-frames.h"
#include "gstyolormeta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the frames of test-frames.h */
#define W TEST_FRAME_W
#define H TEST_FRAME_H
typedef test_box box;
#define make_frame test_make_frame

static GstHarness *
track_harness (const gchar *props)
{
  gchar *desc = g_strdup_printf ("yolortrack %s", props ? props : "");
  GstHarness *h = test_harness (desc);

  g_free (desc);
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGB,width=320,height=240,framerate=10/1");
  return h;
}

/* Pushes the frame and returns the output (transfer full). */
static GstBuffer *
push (GstHarness *h, guint64 frame, guint64 inference, const box *b, guint n)
{
  fail_unless_equals_int (
      gst_harness_push (h, make_frame (frame, inference, b, n)), GST_FLOW_OK);
  return gst_harness_pull (h);
}

/* The id of row @i of @buf's frame meta. */
static gint
row_id (GstBuffer *buf, guint i)
{
  const GstStructure *s = gst_buffer_get_yolor_frame_meta (buf);
  GstYolorDetection d;

  fail_unless (s != NULL);
  fail_unless (gst_yolor_frame_meta_get_row (s, i, &d), "no row %u", i);
  return d.id;
}

/* The ROI of @buf with id @id, its "detection" param in *@det_out. */
static GstVideoRegionOfInterestMeta *
roi_with_id (GstBuffer *buf, gint id, GstStructure **det_out)
{
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_get_video_region_of_interest_meta_id (buf, id);

  fail_unless (roi != NULL, "no ROI with id %d", id);
  *det_out = gst_video_region_of_interest_meta_get_param (roi, "detection");
  return roi;
}

/* Two objects moving apart keep their ids; tentative rows get -(row+1);
 * the ROI metas and their "object_id" follow the frame meta. */
GST_START_TEST (test_ids_follow_objects)
{
  GstHarness *h = track_harness ("tracking-type=iou");
  gint first_id[2] = { 0, 0 };

  for (guint f = 0; f < 12; f++) {
    box b[2] = { { 20.0 + 4 * f, 50, 80.0 + 4 * f, 200, 0 },
      { 250.0 - 4 * f, 40, 300.0 - 4 * f, 90, 1 } };
    GstBuffer *out = push (h, f, f, b, 2);
    const GstStructure *s = gst_buffer_get_yolor_frame_meta (out);
    const gchar *tracking;

    fail_unless_equals_int (gst_yolor_frame_meta_get_n_detections (s), 2);
    tracking = gst_structure_get_string (s, "tracking");
    fail_unless_equals_string (tracking, "iou");
    for (guint i = 0; i < 2; i++) {
      gint id = row_id (out, i), oid = 0;
      GstStructure *det;

      roi_with_id (out, id, &det);
      fail_unless (det != NULL);
      if (f < 2) {
        /* min-hits 3: not a track yet */
        fail_unless_equals_int (id, -(gint) (i + 1));
        fail_if (gst_structure_has_field (det, "object_id"));
      } else {
        fail_unless (id > 0, "frame %u row %u: id %d", f, i, id);
        fail_unless (gst_structure_get_int (det, "object_id", &oid));
        fail_unless_equals_int (oid, id);
        if (f == 2)
          first_id[i] = id;
        fail_unless_equals_int (id, first_id[i]);
      }
    }
    gst_buffer_unref (out);
  }
  fail_unless (first_id[0] != first_id[1]);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Inference every third frame: the frames between carry the last results;
 * with predict the tracked boxes move on, without they stay. */
static void
check_prediction (gboolean predict)
{
  GstHarness *h = track_harness (predict ? "predict=true" : "predict=false");
  box b = { 0 };
  guint64 inference = 0;

  for (guint f = 0; f < 16; f++) {
    GstBuffer *out;
    GstVideoRegionOfInterestMeta *roi;
    GstStructure *det;
    GstYolorDetection d;
    const GstStructure *s;
    gboolean predicted = FALSE;
    gint id;

    if (f % 3 == 0) {
      inference = f;
      b = (box){ 10.0 + 6 * f, 60, 70.0 + 6 * f, 180, 0 };
    }
    out = push (h, f, inference, &b, 1);
    s = gst_buffer_get_yolor_frame_meta (out);
    id = row_id (out, 0);
    if (f < 6) {
      fail_unless (id < 0);
      gst_buffer_unref (out);
      continue;
    }
    fail_unless (id > 0, "frame %u: id %d", f, id);
    fail_unless (gst_structure_get_boolean (s, "predicted", &predicted));
    fail_unless_equals_int (predicted, predict && f != inference);
    fail_unless (gst_yolor_frame_meta_get_row (s, 0, &d));
    roi = roi_with_id (out, id, &det);
    /* where the box is on this frame: 6 px a frame, or where it was */
    {
      gdouble want = predict ? 10.0 + 6 * f : 10.0 + 6 * inference;
      fail_unless (fabs (d.x_min * W - want) < 3.0, "frame %u: x %g, want %g",
          f, d.x_min * W, want);
      fail_unless (abs ((gint) roi->x - (gint) (want + 0.5)) <= 3,
          "frame %u: ROI x %u, want %g", f, roi->x, want);
      fail_unless (abs (d.x - (gint) roi->x) <= 1);
    }
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

GST_START_TEST (test_prediction_between_inferences)
{
  check_prediction (TRUE);
  check_prediction (FALSE);
}

GST_END_TEST;

/* Events: "enter" in the frame meta of the frame that confirmed the
 * track, "leave" after max-age frames unseen, and the tracks alive at EOS
 * leave in a custom downstream event before it (and on the bus with
 * post-messages). */
static const GstStructure *
nth_event (const GstStructure *s, guint i)
{
  const GValue *arr = gst_structure_get_value (s, "events");

  fail_unless (arr != NULL && GST_VALUE_HOLDS_ARRAY (arr));
  fail_unless (i < gst_value_array_get_size (arr));
  return gst_value_get_structure (gst_value_array_get_value (arr, i));
}

static void
check_event (const GstStructure *e, const gchar *type, gint id,
    const gchar *label, guint64 first_frame, guint64 last_frame)
{
  gint got_id = 0;
  guint64 f = 0, l = 0, ts = 0;

  fail_unless_equals_string (gst_structure_get_string (e, "type"), type);
  fail_unless (gst_structure_get_int (e, "id", &got_id));
  fail_unless_equals_int (got_id, id);
  fail_unless_equals_string (gst_structure_get_string (e, "label"), label);
  fail_unless (gst_structure_get_uint64 (e, "first_frame", &f));
  fail_unless (gst_structure_get_uint64 (e, "last_frame", &l));
  fail_unless_equals_uint64 (f, first_frame);
  fail_unless_equals_uint64 (l, last_frame);
  fail_unless (gst_structure_get_uint64 (e, "first_timestamp", &ts));
  fail_unless_equals_uint64 (ts, first_frame * GST_SECOND / 10);
}

GST_START_TEST (test_events)
{
  GstHarness *h = track_harness ("max-age=4 post-messages=true");
  GstBus *bus = gst_bus_new ();
  box person = { 100, 50, 160, 200, 0 }, car = { 200, 150, 300, 220, 1 };
  GstBuffer *out;
  GstEvent *ev;
  GstMessage *msg;
  const GstStructure *s;
  gboolean saw_custom = FALSE;
  guint f;

  gst_element_set_bus (h->element, bus);
  for (f = 0; f < 3; f++)
    gst_buffer_unref (push (h, f, f, &person, 1));
  /* frame 2 confirmed it: its enter event was on that frame */
  /* (checked again below through the bus) */
  for (; f < 8; f++) {
    out = push (h, f, f, NULL, 0);
    s = gst_buffer_get_yolor_frame_meta (out);
    /* unseen since frame 2: alive through frame 6, gone at 7 */
    if (f == 7)
      check_event (nth_event (s, 0), "leave", 1, "person", 0, 2);
    else
      fail_if (gst_structure_has_field (s, "events"), "frame %u", f);
    gst_buffer_unref (out);
  }
  for (; f < 11; f++) {
    out = push (h, f, f, &car, 1);
    if (f == 10) {
      s = gst_buffer_get_yolor_frame_meta (out);
      check_event (nth_event (s, 0), "enter", 2, "car", 8, 10);
    }
    gst_buffer_unref (out);
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  while ((ev = gst_harness_try_pull_event (h)) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM
        && gst_event_has_name (ev, "yolor-track-events")) {
      const GstStructure *es = gst_event_get_structure (ev);
      fail_unless_equals_string (
          gst_structure_get_string (es, "reason"), "eos");
      check_event (nth_event (es, 0), "leave", 2, "car", 8, 10);
      saw_custom = TRUE;
    }
    if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS)
      fail_unless (saw_custom, "EOS before the leave events");
    gst_event_unref (ev);
  }
  fail_unless (saw_custom);

  /* the bus: one message per frame, then the EOS one with the events */
  {
    guint frames = 0, enters = 0, leaves = 0;

    while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
      const GstStructure *ms = gst_message_get_structure (msg);

      if (gst_structure_has_name (ms, "yolortrack"))
        frames++;
      if (gst_structure_has_field (ms, "events")) {
        const GValue *arr = gst_structure_get_value (ms, "events");
        for (guint i = 0; i < gst_value_array_get_size (arr); i++) {
          const GstStructure *e =
              gst_value_get_structure (gst_value_array_get_value (arr, i));
          if (g_str_equal (gst_structure_get_string (e, "type"), "enter"))
            enters++;
          else
            leaves++;
        }
      }
      gst_message_unref (msg);
    }
    fail_unless_equals_int (frames, 11);
    fail_unless_equals_int (enters, 2);
    fail_unless_equals_int (leaves, 2);
  }
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Frames counting back (a new stream, a looped file): the old tracks end,
 * the new ones get new ids. A frame without our meta passes untouched. */
GST_START_TEST (test_new_stream_and_foreign_frames)
{
  GstHarness *h = track_harness (NULL);
  box b = { 30, 30, 90, 150, 0 };
  GstBuffer *out, *plain;
  gint id1 = 0;

  for (guint f = 100; f < 104; f++) {
    out = push (h, f, f, &b, 1);
    id1 = row_id (out, 0);
    gst_buffer_unref (out);
  }
  fail_unless (id1 > 0);
  for (guint f = 0; f < 3; f++) {
    out = push (h, f, f, &b, 1);
    if (f == 0) {
      const GstStructure *s = gst_buffer_get_yolor_frame_meta (out);
      check_event (nth_event (s, 0), "leave", id1, "person", 100, 103);
    }
    if (f == 2)
      fail_unless (row_id (out, 0) > id1);
    gst_buffer_unref (out);
  }
  plain = gst_buffer_new_allocate (NULL, W * H * 3, NULL);
  fail_unless_equals_int (
      gst_harness_push (h, gst_buffer_ref (plain)), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_get_yolor_frame_meta (out) == NULL);
  fail_unless_equals_int (test_count_rois (out), 0);
  gst_buffer_unref (out);
  gst_buffer_unref (plain);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* DL Streamer's tracking-type names are accepted. */
GST_START_TEST (test_tracking_type_names)
{
  const gchar *names[][2] = { { "short-term-imageless", "iou" },
    { "zero-term-imageless", "iou" }, { "zero-term", "embedding" },
    { "iou", "iou" }, { "embedding", "embedding" } };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *p = g_strdup_printf ("tracking-type=%s", names[i][0]);
    GstHarness *h = track_harness (p);
    box b = { 30, 30, 90, 150, 0 };
    GstBuffer *out = push (h, 0, 0, &b, 1);
    const GstStructure *s = gst_buffer_get_yolor_frame_meta (out);

    fail_unless_equals_string (
        gst_structure_get_string (s, "tracking"), names[i][1]);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (p);
  }
}

GST_END_TEST;

/* Behind the real detector on consecutive frames of the sample video: the
 * man standing at the table keeps one id, the ROI and the row agree. */
GST_START_TEST (test_real_detector)
{
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "yolordetect model=\"%s\" ! yolortrack tracking-type=embedding", model);
  GstHarness *h = gst_harness_new_parse (desc);
  gint man_id = 0;

  /* 4 frames: tentative twice, then the same id twice (the valgrind stage
   * of scripts/test.sh leaves this case out: the detector is slow there) */
  for (guint k = 0; k < 4; k++) {
    GstSample *smp = test_grab_frame (TEST_T_MAN + 0.1 * k, "RGB", 0, 0);
    GstBuffer *out = test_push_sample (h, smp);
    GstVideoRegionOfInterestMeta *roi;
    gdouble iou = 0;

    roi = test_best_roi (out, "person", TEST_MAN_BOX, &iou);
    fail_unless (roi != NULL && iou > 0.6, "frame %u: man not found", k);
    if (k < 2) {
      fail_unless (roi->id < 0, "frame %u: id %d before min-hits", k, roi->id);
    } else {
      const GstStructure *s = gst_buffer_get_yolor_frame_meta (out);
      GstYolorDetection d;

      fail_unless (roi->id > 0);
      if (man_id == 0)
        man_id = roi->id;
      fail_unless_equals_int (roi->id, man_id);
      fail_unless (gst_yolor_frame_meta_find_row (s, roi->id, &d) >= 0);
      fail_unless_equals_string (d.label, "person");
    }
    gst_buffer_unref (out);
    gst_sample_unref (smp);
  }
  gst_harness_teardown (h);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

static Suite *
yolortrack_suite (void)
{
  Suite *s = suite_create ("yolortrack");
  TCase *tc = tcase_create ("general");

  tcase_add_test (tc, test_ids_follow_objects);
  tcase_add_test (tc, test_prediction_between_inferences);
  tcase_add_test (tc, test_events);
  tcase_add_test (tc, test_new_stream_and_foreign_frames);
  tcase_add_test (tc, test_tracking_type_names);
  tcase_add_test (tc, test_real_detector);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (yolortrack);
