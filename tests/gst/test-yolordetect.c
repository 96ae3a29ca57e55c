/* gst-yolor: yolordetect element tests on real frames of the sample video.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"
#include "gstyolormeta.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <yolor/yolor.h>

#define MIN_IOU 0.6

static const gchar *const formats[] = { "RGB", "BGR", "RGBx", "BGRx", "xRGB",
  "xBGR", "RGBA", "BGRA", "NV12", "I420" };

/* Asserts the man of TEST_T_MAN is found in @buf scaled by @sx, @sy. */
static void
assert_man_found (GstBuffer *buf, gdouble sx, gdouble sy, const gchar *what)
{
  gdouble box[4] = { TEST_MAN_BOX }, iou;
  GstVideoRegionOfInterestMeta *roi;

  roi = test_best_roi (
      buf, "person", box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy, &iou);
  fail_unless (roi != NULL, "%s: no person found", what);
  fail_unless (iou >= MIN_IOU, "%s: person at %u,%u %ux%u, IoU %.2f", what,
      roi->x, roi->y, roi->w, roi->h, iou);
}

GST_START_TEST (test_every_format)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    GstHarness *h = test_detect_harness ("n-threads=2");
    GstSample *s = test_grab_frame (TEST_T_MAN, formats[i], 0, 0);
    GstBuffer *out = test_push_sample (h, s);

    assert_man_found (out, 1, 1, formats[i]);
    /* pixels untouched */
    {
      GstMapInfo a, b;
      GstBuffer *in = gst_sample_get_buffer (s);

      fail_unless (gst_buffer_map (in, &a, GST_MAP_READ));
      fail_unless (gst_buffer_map (out, &b, GST_MAP_READ));
      fail_unless_equals_int (a.size, b.size);
      fail_unless (memcmp (a.data, b.data, a.size) == 0,
          "%s: pixels "
          "modified",
          formats[i]);
      gst_buffer_unmap (out, &b);
      gst_buffer_unmap (in, &a);
    }
    gst_buffer_unref (out);
    gst_sample_unref (s);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

GST_START_TEST (test_people_where_they_are)
{
  GstHarness *h = test_detect_harness (NULL);
  GstSample *s;
  GstBuffer *out;
  gdouble man[4] = { TEST_MAN_BOX }, woman[4] = { TEST_WOMAN_BOX }, iou;
  GstVideoRegionOfInterestMeta *roi;
  GstStructure *det;
  gdouble conf, x_min, y_max;
  gint label_id;

  s = test_grab_frame (TEST_T_WOMAN, "RGB", 0, 0);
  out = test_push_sample (h, s);
  roi = test_best_roi (
      out, "person", woman[0], woman[1], woman[2], woman[3], &iou);
  fail_unless (roi != NULL && iou >= MIN_IOU, "woman: IoU %.2f", iou);
  fail_unless (roi->parent_id == -1);
  det = gst_yolor_roi_get_detection (roi);
  fail_unless (det != NULL);
  fail_unless_equals_string (gst_structure_get_string (det, "label"), "person");
  fail_unless (gst_structure_get_int (det, "label_id", &label_id));
  fail_unless_equals_int (label_id, 0);
  fail_unless (gst_structure_get_double (det, "confidence", &conf));
  fail_unless (conf > 0.25 && conf <= 1.0, "confidence %f", conf);
  fail_unless (gst_structure_get_double (det, "x_min", &x_min));
  fail_unless (gst_structure_get_double (det, "y_max", &y_max));
  fail_unless (fabs (x_min - roi->x / 768.0) < 0.01);
  fail_unless (fabs (y_max - (roi->y + roi->h) / 432.0) < 0.01);
  gst_buffer_unref (out);
  gst_sample_unref (s);

  /* nobody in the room */
  s = test_grab_frame (TEST_T_EMPTY, "RGB", 0, 0);
  out = test_push_sample (h, s);
  test_best_roi (out, "person", man[0], man[1], man[2], man[3], &iou);
  fail_unless (iou == 0, "a person found in the empty room");
  fail_unless (gst_buffer_get_yolor_frame_meta (out) != NULL);
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_frame_meta)
{
  GstHarness *h = test_detect_harness (NULL);
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out = test_push_sample (h, s), *emb;
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (out);
  GstYolorDetection d;
  guint i, n, n_person = 0;
  gint dim = 0, w = 0;
  gboolean fresh = FALSE;
  guint64 ns = 0;
  GstMapInfo map;
  const GValue *scores;

  fail_unless (fm != NULL);
  n = gst_yolor_frame_meta_get_n_detections (fm);
  fail_unless (n >= 1);
  fail_unless_equals_int (n, test_count_rois (out));
  fail_unless (gst_structure_get_boolean (fm, "fresh", &fresh) && fresh);
  fail_unless (gst_structure_get_uint64 (fm, "inference_ns", &ns) && ns > 0);
  fail_unless (gst_structure_get_int (fm, "width", &w) && w == 768);
  fail_unless_equals_string (
      gst_structure_get_string (fm, "model"), "yolo-fastest-1.1-xl.cfg");
  for (i = 0; i < n; i++) {
    fail_unless (gst_yolor_frame_meta_get_row (fm, i, &d));
    fail_unless_equals_int (d.id, i);
    fail_unless (d.x_min <= d.x_max && d.y_min <= d.y_max);
    if (d.label_id == 0) {
      n_person++;
      fail_unless_equals_string (d.label, "person");
    }
  }
  fail_unless (n_person >= 1);

  /* embeddings: N × D unit vectors, one ROI param each */
  emb = gst_yolor_frame_meta_get_embeddings (fm, &dim);
  fail_unless (emb != NULL && dim > 0);
  fail_unless_equals_int (gst_buffer_get_size (emb), n * dim * 4);
  fail_unless (gst_buffer_map (emb, &map, GST_MAP_READ));
  for (i = 0; i < n; i++) {
    const gfloat *row = (const gfloat *) map.data + (gsize) i * dim;
    gdouble sq = 0;
    gint k;

    for (k = 0; k < dim; k++)
      sq += row[k] * row[k];
    fail_unless (fabs (sq - 1.0) < 1e-3, "row %u norm² %f", i, sq);
  }
  gst_buffer_unmap (emb, &map);
  {
    gdouble box[4] = { TEST_MAN_BOX }, iou;
    GstVideoRegionOfInterestMeta *roi =
        test_best_roi (out, "person", box[0], box[1], box[2], box[3], &iou);
    GstStructure *p = gst_video_region_of_interest_meta_get_param (
        roi, GST_YOLOR_EMBEDDING_PARAM);
    const GValue *data;
    gchar *str;
    GstStructure *back;

    fail_unless (p != NULL);
    data = gst_structure_get_value (p, "data");
    fail_unless (data && GST_VALUE_HOLDS_BUFFER (data));
    fail_unless_equals_int (
        gst_buffer_get_size (gst_value_get_buffer (data)), dim * 4);
    fail_unless_equals_string (gst_structure_get_string (p, "type"), "float32");
    /* survives serialisation */
    str = gst_structure_to_string (p);
    back = gst_structure_from_string (str, NULL);
    fail_unless (back != NULL);
    fail_unless (gst_structure_is_equal (back, p), "%s", str);
    gst_structure_free (back);
    g_free (str);
  }

  /* image-level class scores: person scores at least its best box */
  scores = gst_structure_get_value (fm, "class_scores");
  fail_unless (scores && gst_value_array_get_size (scores) == 80);
  fail_unless (gst_yolor_frame_meta_get_row (fm, 0, &d));
  fail_unless (
      g_value_get_float (gst_value_array_get_value (scores, d.label_id))
      >= d.confidence - 1e-4);

  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_embeddings_off)
{
  GstHarness *h = test_detect_harness ("embeddings=false");
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out = test_push_sample (h, s);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (out);
  gint dim = -1;
  gdouble box[4] = { TEST_MAN_BOX }, iou;
  GstVideoRegionOfInterestMeta *roi;

  fail_unless (gst_yolor_frame_meta_get_embeddings (fm, &dim) == NULL);
  roi = test_best_roi (out, "person", box[0], box[1], box[2], box[3], &iou);
  fail_unless (roi != NULL);
  fail_unless (gst_video_region_of_interest_meta_get_param (
                   roi, GST_YOLOR_EMBEDDING_PARAM)
      == NULL);
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* inference-interval=3: frames 0 and 3 are fresh; 1 and 2 carry frame 0's
 * results even though the room is empty there. */
GST_START_TEST (test_inference_interval)
{
  GstHarness *h = test_detect_harness ("inference-interval=3");
  GstSample *man = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstSample *empty = test_grab_frame (TEST_T_EMPTY, "RGB", 0, 0);
  guint i;

  for (i = 0; i < 4; i++) {
    GstBuffer *out = test_push_sample (h, i == 0 ? man : empty);
    const GstStructure *fm = gst_buffer_get_yolor_frame_meta (out);
    gboolean fresh;
    guint64 src;
    gdouble box[4] = { TEST_MAN_BOX }, iou;
    GstVideoRegionOfInterestMeta *roi;

    fail_unless (fm != NULL);
    fail_unless (gst_structure_get_boolean (fm, "fresh", &fresh));
    fail_unless (gst_structure_get_uint64 (fm, "inference_frame", &src));
    fail_unless_equals_int (fresh, i % 3 == 0);
    fail_unless_equals_int (src, i < 3 ? 0 : 3);
    roi = test_best_roi (out, "person", box[0], box[1], box[2], box[3], &iou);
    if (i < 3) {
      gboolean dfresh;

      fail_unless (roi != NULL && iou >= MIN_IOU, "frame %u: IoU %.2f", i, iou);
      fail_unless (gst_structure_get_boolean (
          gst_yolor_roi_get_detection (roi), "fresh", &dfresh));
      fail_unless_equals_int (dfresh, i == 0);
    } else {
      fail_unless (iou == 0, "frame 3 re-used old results");
    }
    gst_buffer_unref (out);
  }
  gst_sample_unref (man);
  gst_sample_unref (empty);
  gst_harness_teardown (h);
}

GST_END_TEST;

static guint
count_label (GstBuffer *buf, const gchar *label)
{
  gpointer state = NULL;
  GstMeta *m;
  guint n = 0;

  while ((m = gst_buffer_iterate_meta_filtered (
              buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    if (((GstVideoRegionOfInterestMeta *) m)->roi_type
        == g_quark_from_string (label))
      n++;
  return n;
}

GST_START_TEST (test_class_filter)
{
  GstHarness *h = test_detect_harness ("object-class=car,bus");
  GstSample *s = test_grab_frame (TEST_T_MAN, "BGRx", 0, 0);
  GstBuffer *out;
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_element_set_bus (h->element, bus);
  out = test_push_sample (h, s);
  fail_unless_equals_int (count_label (out, "person"), 0);
  gst_buffer_unref (out);

  /* live change, by id */
  g_object_set (h->element, "object-class", " 0 ", NULL);
  out = test_push_sample (h, s);
  fail_unless (count_label (out, "person") >= 1);
  fail_unless_equals_int (count_label (out, "person"), test_count_rois (out));
  gst_buffer_unref (out);

  /* by name, any case */
  g_object_set (h->element, "object-class", "Person", NULL);
  out = test_push_sample (h, s);
  fail_unless (count_label (out, "person") >= 1);
  gst_buffer_unref (out);

  /* unknown names: a warning on the bus, nothing reported */
  g_object_set (h->element, "object-class", "unicorn", NULL);
  out = test_push_sample (h, s);
  fail_unless_equals_int (test_count_rois (out), 0);
  gst_buffer_unref (out);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL, "no warning for an unknown class");
  gst_message_unref (msg);

  /* back to everything */
  g_object_set (h->element, "object-class", NULL, NULL);
  out = test_push_sample (h, s);
  fail_unless (count_label (out, "person") >= 1);
  gst_buffer_unref (out);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_live_thresholds)
{
  GstHarness *h = test_detect_harness (NULL);
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out;
  guint n_default, n_low;

  out = test_push_sample (h, s);
  n_default = test_count_rois (out);
  fail_unless (n_default >= 1);
  gst_buffer_unref (out);

  g_object_set (h->element, "threshold", 1.0, NULL);
  out = test_push_sample (h, s);
  fail_unless_equals_int (test_count_rois (out), 0);
  gst_buffer_unref (out);

  g_object_set (h->element, "threshold", 0.02, NULL);
  out = test_push_sample (h, s);
  n_low = test_count_rois (out);
  fail_unless (n_low >= n_default);
  gst_buffer_unref (out);

  g_object_set (h->element, "max-detections", 1, NULL);
  out = test_push_sample (h, s);
  fail_unless_equals_int (test_count_rois (out), 1);
  gst_buffer_unref (out);

  g_object_set (h->element, "max-detections", 300, "iou-threshold", 0.0,
      "threshold", 0.02, NULL);
  out = test_push_sample (h, s);
  fail_unless (test_count_rois (out) <= n_low);
  gst_buffer_unref (out);

  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* New frame size mid-stream: the net is prepared again. Also odd sizes and
 * padded strides (RGB rows of 1149 bytes are padded to 1152). */
GST_START_TEST (test_renegotiate)
{
  GstHarness *h = test_detect_harness (NULL);
  GstSample *s;
  GstBuffer *out;

  s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  out = test_push_sample (h, s);
  assert_man_found (out, 1, 1, "768x432");
  gst_buffer_unref (out);
  gst_sample_unref (s);

  s = test_grab_frame (TEST_T_MAN, "RGB", 383, 215);
  out = test_push_sample (h, s);
  assert_man_found (out, 383 / 768.0, 215 / 432.0, "383x215 RGB");
  gst_buffer_unref (out);
  gst_sample_unref (s);

  s = test_grab_frame (TEST_T_MAN, "I420", 1280, 720);
  out = test_push_sample (h, s);
  assert_man_found (out, 1280 / 768.0, 720 / 432.0, "1280x720 I420");
  gst_buffer_unref (out);
  gst_sample_unref (s);

  s = test_grab_frame (TEST_T_MAN, "NV12", 322, 182);
  out = test_push_sample (h, s);
  assert_man_found (out, 322 / 768.0, 182 / 432.0, "322x182 NV12");
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_post_messages)
{
  GstHarness *h = test_detect_harness ("post-messages=true");
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBus *bus = gst_bus_new ();
  GstBuffer *out;
  GstMessage *msg;
  const GstStructure *st;
  guint n = 0;
  guint64 ts = 0;

  gst_element_set_bus (h->element, bus);
  out = test_push_sample (h, s);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL);
  st = gst_message_get_structure (msg);
  fail_unless (gst_structure_has_name (st, "yolordetect"));
  fail_unless (gst_structure_get_uint (st, "n_detections", &n) && n >= 1);
  fail_unless (gst_structure_get_uint64 (st, "timestamp", &ts));
  fail_unless_equals_uint64 (ts, GST_BUFFER_PTS (out));
  fail_unless (!gst_structure_has_field (st, "embeddings"));
  fail_unless (gst_structure_has_field (st, "labels"));
  gst_message_unref (msg);
  gst_buffer_unref (out);

  g_object_set (h->element, "post-messages", FALSE, NULL);
  out = test_push_sample (h, s);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT) == NULL);
  gst_buffer_unref (out);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_sample_unref (s);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Sets @props on a fresh element, goes to PAUSED and returns the error
 * posted (transfer full), asserting the state change failed. */
static GstMessage *
start_failure (const gchar *model, const gchar *prop, const gchar *val)
{
  GstElement *e = gst_element_factory_make ("yolordetect", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  fail_unless (e != NULL);
  gst_element_set_bus (e, bus);
  g_object_set (e, "model", model, NULL);
  if (prop)
    g_object_set (e, prop, val, NULL);
  fail_unless_equals_int (
      gst_element_set_state (e, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message");
  fail_unless_equals_int (
      gst_element_set_state (e, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
  return msg;
}

static void
assert_error (GstMessage *msg, GQuark domain, gint code, const gchar *contains)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (
      err->domain == domain, "domain %s", g_quark_to_string (err->domain));
  fail_unless_equals_int (err->code, code);
  fail_unless (strstr (err->message, contains) != NULL, "'%s' not in '%s'",
      contains, err->message);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
}

GST_START_TEST (test_bad_model)
{
  gchar *dir = g_dir_make_tmp ("yolordetect-XXXXXX", NULL);
  gchar *cfg = g_build_filename (dir, "broken.cfg", NULL);
  gchar *weights = g_build_filename (dir, "broken.weights", NULL);
  gchar *good = test_model_path (), *text = NULL, *text2 = NULL;
  gchar *good_weights =
      g_strdup_printf ("%.*s.weights", (int) strlen (good) - 4, good);
  gchar *names = g_build_filename (dir, "bad.names", NULL);
  gchar *auto_names = g_build_filename (dir, "broken.names", NULL);
  gsize len;

  /* missing file: RESOURCE/OPEN_READ naming the file */
  assert_error (start_failure ("/nonexistent/none.cfg", NULL, NULL),
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ, "none.cfg");

  /* malformed cfg: RESOURCE/SETTINGS */
  fail_unless (g_file_set_contents (cfg,
      "[net]\nwidth=320\nheight=320\n"
      "[convolutional]\nfilters=abc\nsize=3\n[nonsense\n",
      -1, NULL));
  fail_unless (g_file_set_contents (weights, "0123456789", -1, NULL));
  assert_error (start_failure (cfg, NULL, NULL), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "broken.cfg");

  /* good cfg, truncated weights: RESOURCE/OPEN_READ */
  fail_unless (g_file_get_contents (good, &text, &len, NULL));
  fail_unless (g_file_set_contents (cfg, text, len, NULL));
  assert_error (start_failure (cfg, NULL, NULL), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "broken");

  /* unreadable labels-file, bad input-size */
  assert_error (start_failure (good, "labels-file", "/nonexistent/x.names"),
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ, "x.names");
  assert_error (start_failure (good, "input-size", "640y"), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "640y");
  /* a size the model cannot take names the property */
  assert_error (start_failure (good, "input-size", "33x17"), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "input-size '33x17'");

  /* labels that are not UTF-8 text: named file and line, given or found */
  fail_unless (g_file_set_contents (names,
      "person\nbi\xff"
      "cycle\n",
      -1, NULL));
  assert_error (start_failure (good, "labels-file", names), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "bad.names:2: not valid UTF-8");
  fail_unless (g_file_get_contents (good, &text2, &len, NULL));
  fail_unless (g_file_set_contents (cfg, text2, len, NULL));
  g_free (text2);
  fail_unless (g_file_get_contents (good_weights, &text2, &len, NULL));
  fail_unless (g_file_set_contents (weights, text2, len, NULL));
  g_free (text2);
  fail_unless (g_file_set_contents (auto_names, "x\ny\n\xc3\n", -1, NULL));
  assert_error (start_failure (cfg, NULL, NULL), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "broken.names:3: not valid UTF-8");
  g_unlink (auto_names);
  g_unlink (names);

  g_unlink (cfg);
  g_unlink (weights);
  g_rmdir (dir);
  g_free (text);
  g_free (names);
  g_free (auto_names);
  g_free (good_weights);
  g_free (good);
  g_free (weights);
  g_free (cfg);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_options)
{
  GstHarness *h;
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out;
  gchar *labels = g_build_filename (g_get_tmp_dir (), "yolor-labels.txt", NULL);
  gchar *props;
  GString *names = g_string_new (NULL);
  gint i;

  /* labels-file: custom names reach roi_type and the param */
  for (i = 0; i < 80; i++)
    g_string_append_printf (names, "%s\n", i == 0 ? "human" : "thing");
  fail_unless (g_file_set_contents (labels, names->str, -1, NULL));
  props = g_strdup_printf ("labels-file=\"%s\" input-size=416 "
                           "letterbox=letterbox",
      labels);
  h = test_detect_harness (props);
  out = test_push_sample (h, s);
  fail_unless (count_label (out, "human") >= 1);
  {
    gdouble box[4] = { TEST_MAN_BOX }, iou;
    GstVideoRegionOfInterestMeta *roi =
        test_best_roi (out, "human", box[0], box[1], box[2], box[3], &iou);

    fail_unless (roi != NULL && iou >= MIN_IOU - 0.1,
        "input-size 416 letterbox: IoU %.2f", iou);
  }
  gst_buffer_unref (out);
  gst_harness_teardown (h);

  /* the default model is found through YOLOR_MODEL_DIR */
  {
    gchar *models = test_shared_path ("models");
    GstElement *e;

    g_setenv ("YOLOR_MODEL_DIR", models, TRUE);
    h = gst_harness_new_parse ("yolordetect letterbox=stretch n-threads=1");
    out = test_push_sample (h, s);
    fail_unless (count_label (out, "person") >= 1);
    gst_buffer_unref (out);
    gst_harness_teardown (h);

    g_setenv ("YOLOR_MODEL_DIR", "/nonexistent", TRUE);
    g_setenv ("YOLOR_SHARED_DIR", "/nonexistent", TRUE);
    e = gst_element_factory_make ("yolordetect", NULL);
    /* the compiled-in folder is the build's shared dir: still found */
    fail_unless (gst_element_set_state (e, GST_STATE_PAUSED)
        != GST_STATE_CHANGE_FAILURE);
    gst_element_set_state (e, GST_STATE_NULL);
    gst_object_unref (e);
    {
      gchar *shared = g_path_get_dirname (models);

      g_setenv ("YOLOR_SHARED_DIR", shared, TRUE);
      g_free (shared);
    }
    g_free (models);
  }

  g_unlink (labels);
  g_string_free (names, TRUE);
  g_free (props);
  g_free (labels);
  gst_sample_unref (s);
}

GST_END_TEST;

/* Sizes the network was not made for: 1x1, odd, far larger than the input. */
GST_START_TEST (test_extreme_sizes)
{
  const gchar *caps[] = {
    "video/x-raw,format=RGB,width=1,height=1",
    "video/x-raw,format=I420,width=383,height=215",
    "video/x-raw,format=NV12,width=17,height=3",
    "video/x-raw,format=BGRA,width=3000,height=2000",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (caps); i++) {
    GstHarness *h = test_detect_harness (NULL);
    gchar *src = g_strdup_printf ("videotestsrc num-buffers=1 pattern=ball ! "
                                  "capsfilter caps=%s",
        caps[i]);
    GstBuffer *out;

    gst_harness_add_src_parse (h, src, FALSE);
    fail_unless_equals_int (gst_harness_push_from_src (h), GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless (gst_buffer_get_yolor_frame_meta (out) != NULL, "%s", caps[i]);
    gst_buffer_unref (out);
    g_free (src);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* Highest confidence among the ROIs of @buf labelled @label (0: none). */
static gdouble
best_confidence (GstBuffer *buf, const gchar *label)
{
  gpointer state = NULL;
  GstMeta *m;
  gdouble best = 0;

  while ((m = gst_buffer_iterate_meta_filtered (
              buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *r = (GstVideoRegionOfInterestMeta *) m;
    GstStructure *det = gst_yolor_roi_get_detection (r);
    gdouble conf = 0;

    if (r->roi_type == g_quark_from_string (label) && det
        && gst_structure_get_double (det, "confidence", &conf) && conf > best)
      best = conf;
  }
  return best;
}

/* READY-only properties set while running: a warning saying when they take
 * effect; the running model is kept. */
GST_START_TEST (test_deferred_properties)
{
  const gchar *props[] = { "model", "weights", "labels-file", "input-size" };
  GstHarness *h = test_detect_harness (NULL);
  GstBus *bus = gst_bus_new ();
  GstSample *s = test_grab_frame (TEST_T_MAN, "RGB", 0, 0);
  GstBuffer *out;
  guint i;

  gst_element_set_bus (h->element, bus);
  out = test_push_sample (h, s);
  gst_buffer_unref (out);
  for (i = 0; i < G_N_ELEMENTS (props); i++) {
    GstMessage *msg;
    GError *err = NULL;
    gchar *dbg = NULL;

    g_object_set (h->element, props[i], "/nonexistent/other", NULL);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "%s: no warning", props[i]);
    gst_message_parse_warning (msg, &err, &dbg);
    fail_unless (strstr (err->message, props[i]) != NULL
            && strstr (err->message, "next starts") != NULL,
        "%s: '%s'", props[i], err->message);
    g_error_free (err);
    g_free (dbg);
    gst_message_unref (msg);
  }
  /* the model that runs is still the one loaded at start */
  fail_unless_equals_int (
      gst_harness_push (h, gst_buffer_copy (gst_sample_get_buffer (s))),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (test_count_rois (out) > 0);
  gst_buffer_unref (out);
  gst_sample_unref (s);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The first WARNING on @bus (NULL if none), its text (transfer full). */
static gchar *
pop_warning (GstBus *bus)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  GError *err = NULL;
  gchar *dbg = NULL, *text;

  if (msg == NULL)
    return NULL;
  gst_message_parse_warning (msg, &err, &dbg);
  text = g_strdup (err->message);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  return text;
}

/* A harness on @desc whose element posts on @bus from the start. */
static GstHarness *
harness_on_bus (const gchar *desc, GstBus *bus)
{
  GstElement *e = gst_parse_launch (desc, NULL);
  GstHarness *h;

  fail_unless (e != NULL, "'%s'", desc);
  gst_element_set_bus (e, bus);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  return h;
}

/* precision=bf16 finds the woman where fp32 does; where the CPU lacks BF16
 * (also run with YOLOR_KERNELS=avx2) it warns and runs in fp32. A second
 * element on a shared instance loaded in fp32 warns that its bf16 is
 * ignored. */
GST_START_TEST (test_precision)
{
  gdouble woman[4] = { TEST_WOMAN_BOX }, iou;
  gboolean bf16 = yolor_precision_available (YOLOR_PRECISION_BF16);
  GstSample *s = test_grab_frame (TEST_T_WOMAN, "RGB", 0, 0);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstBuffer *out;
  gint precision;
  gchar *warning, *model, *desc;
  GstHarness *loader, *user;

  model = test_model_path ();
  desc = g_strdup_printf ("yolordetect model=\"%s\" precision=bf16", model);
  h = harness_on_bus (desc, bus);
  g_free (desc);
  g_object_get (h->element, "precision", &precision, NULL);
  fail_unless_equals_int (precision, 1);
  out = test_push_sample (h, s);
  fail_unless (test_best_roi (
                   out, "person", woman[0], woman[1], woman[2], woman[3], &iou)
              != NULL
          && iou >= MIN_IOU,
      "bf16: woman IoU %.2f", iou);
  gst_buffer_unref (out);
  warning = pop_warning (bus);
  if (bf16)
    fail_unless (warning == NULL, "bf16 runs here, yet: %s", warning);
  else
    fail_unless (warning != NULL
            && strstr (warning, "precision=bf16 needs a CPU with avx512_bf16")
            && strstr (warning, "running in fp32"),
        "no BF16 here: '%s'", warning ? warning : "(no warning)");
  g_free (warning);
  gst_element_set_bus (h->element, NULL);
  gst_harness_teardown (h);

  /* a shared instance keeps the precision of the element that loaded it */
  desc = g_strdup_printf (
      "yolordetect model-instance-id=prec model=\"%s\"", model);
  loader = test_harness (desc);
  g_free (desc);
  out = test_push_sample (loader, s);
  gst_buffer_unref (out);
  user =
      harness_on_bus ("yolordetect model-instance-id=prec precision=bf16", bus);
  out = test_push_sample (user, s);
  fail_unless (test_count_rois (out) > 0);
  gst_buffer_unref (out);
  warning = pop_warning (bus);
  fail_unless (warning != NULL
          && strstr (warning,
              bf16 ? "model-instance-id 'prec' runs in fp32"
                   : "precision=bf16 needs a CPU"),
      "'%s'", warning ? warning : "(no warning)");
  g_free (warning);
  gst_element_set_bus (user->element, NULL);
  gst_harness_teardown (user);
  gst_harness_teardown (loader);
  g_free (model);
  gst_object_unref (bus);
  gst_sample_unref (s);
}

GST_END_TEST;

/* The best confidence of class @label the engine itself finds in @sample
 * (borrowed) when told the frame's YUV @matrix. */
static gdouble
engine_confidence (GstSample *sample, yolor_yuv_matrix matrix, gint label)
{
  gchar *model = test_model_path ();
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buf = gst_sample_get_buffer (sample);
  yolor_net *net = NULL;
  yolor_image img = { 0 };
  yolor_post_params post;
  yolor_detection dets[300];
  size_t n = 0, i;
  gdouble best = 0;
  guint p;

  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  fail_unless (yolor_net_load (model, NULL, NULL, &net, NULL) == YOLOR_OK);
  fail_unless (
      yolor_net_prepare (net, info.width, info.height, NULL) == YOLOR_OK);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  img.format = GST_VIDEO_INFO_FORMAT (&info) == GST_VIDEO_FORMAT_I420
      ? YOLOR_PIXFMT_I420
      : YOLOR_PIXFMT_NV12;
  img.width = info.width;
  img.height = info.height;
  img.matrix = matrix;
  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (&info); p++) {
    img.planes[p] = map.data + info.offset[p];
    img.strides[p] = info.stride[p];
  }
  yolor_net_default_post (net, &post);
  fail_unless (
      yolor_net_detect (net, &img, &post, dets, 300, &n, NULL) == YOLOR_OK);
  for (i = 0; i < n; i++)
    if (dets[i].class_id == label && dets[i].confidence > best)
      best = dets[i].confidence;
  gst_buffer_unmap (buf, &map);
  yolor_net_free (net);
  g_free (model);
  return best;
}

/* YUV frames are converted with the matrix and range their caps declare:
 * dog.jpg as full-range BT.601 I420 (what JPEG decoders produce) and as
 * limited-range BT.709 NV12 (576 rows, where the default is BT.601)
 * detects exactly as the engine does when told that matrix, and not as
 * with the default one. */
GST_START_TEST (test_colorimetry)
{
  static const struct
  {
    const gchar *caps;
    yolor_yuv_matrix right, wrong;
  } cases[] = {
    { "video/x-raw,format=I420,colorimetry=(string)1:4:0:0",
        YOLOR_YUV_BT601_FULL, YOLOR_YUV_BT601 },
    { "video/x-raw,format=NV12,colorimetry=(string)bt709", YOLOR_YUV_BT709,
        YOLOR_YUV_BT601 },
  };
  const gint dog = 16;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstSample *s = test_grab_image ("images/dog.jpg", 0, cases[i].caps);
    GstHarness *h = test_detect_harness (NULL);
    GstBuffer *out = test_push_sample (h, s);
    gdouble got = best_confidence (out, "dog");
    gdouble right = engine_confidence (s, cases[i].right, dog);
    gdouble wrong = engine_confidence (s, cases[i].wrong, dog);

    fail_unless (got > 0.5, "%s: dog %.4f", cases[i].caps, got);
    fail_unless (
        fabs (right - wrong) > 1e-4, "%s: matrices alike", cases[i].caps);
    fail_unless (fabs (got - right) < 1e-6, "%s: dog %.6f, engine %.6f",
        cases[i].caps, got, right);
    gst_buffer_unref (out);
    gst_sample_unref (s);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* A GstVideoMeta whose planes do not fit the memory behind them is an
 * element error, never a read past the buffer. */
GST_START_TEST (test_bad_video_meta)
{
  static const struct
  {
    GstVideoFormat format;
    gsize offset[GST_VIDEO_MAX_PLANES];
    gint stride[GST_VIDEO_MAX_PLANES];
    const gchar *why;
  } cases[] = {
    { GST_VIDEO_FORMAT_RGB, { 0, 0 }, { 1 << 20, 0 }, "plane 0" },
    { GST_VIDEO_FORMAT_RGB, { 64, 0 }, { 192, 0 }, "plane 0" },
    { GST_VIDEO_FORMAT_RGB, { 0, 0 }, { 100, 0 }, "shorter than a row" },
    { GST_VIDEO_FORMAT_NV12, { 0, 4200 }, { 64, 64 }, "plane 1" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *h = test_detect_harness (NULL);
    GstBus *bus = gst_bus_new ();
    GstVideoInfo info;
    GstBuffer *buf;
    GstMessage *msg;
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_video_info_set_format (&info, cases[i].format, 64, 64);
    buf = gst_buffer_new_allocate (NULL, info.size, NULL);
    gst_buffer_memset (buf, 0, 0x80, info.size);
    gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
        cases[i].format, 64, 64, GST_VIDEO_INFO_N_PLANES (&info),
        (gsize *) cases[i].offset, (gint *) cases[i].stride);
    gst_element_set_bus (h->element, bus);
    gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
    fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_ERROR);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "case %u: no error", i);
    gst_message_parse_error (msg, &err, &dbg);
    fail_unless (strstr (dbg, cases[i].why) != NULL, "case %u: '%s'", i, dbg);
    g_error_free (err);
    g_free (dbg);
    gst_message_unref (msg);
    gst_element_set_bus (h->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

static Suite *
yolordetect_suite (void)
{
  Suite *s = suite_create ("yolordetect");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_every_format);
  tcase_add_test (tc, test_people_where_they_are);
  tcase_add_test (tc, test_frame_meta);
  tcase_add_test (tc, test_embeddings_off);
  tcase_add_test (tc, test_inference_interval);
  tcase_add_test (tc, test_class_filter);
  tcase_add_test (tc, test_live_thresholds);
  tcase_add_test (tc, test_renegotiate);
  tcase_add_test (tc, test_extreme_sizes);
  tcase_add_test (tc, test_post_messages);
  tcase_add_test (tc, test_bad_model);
  tcase_add_test (tc, test_options);
  tcase_add_test (tc, test_colorimetry);
  tcase_add_test (tc, test_deferred_properties);
  tcase_add_test (tc, test_bad_video_meta);
  tcase_add_test (tc, test_precision);
  return s;
}

GST_CHECK_MAIN (yolordetect);
