/* Element tests of yolorosd: region-of-interest metas in, pixels out.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Expected colours: class 0 of the drawing palette is 0xFF2626 and class 3
 * is 0xFFEA59 (src/draw/draw.c). Frames smaller than 360 rows get an automatic
 * thickness of 1 and text scale 1, so a label of n characters is
 * n·6 + 1 pixels wide and 10 tall, drawn just above the box.
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <string.h>

#define CLASS0 0xFF2626
#define CLASS3 0xFFEA59
#define DIM_ALPHA 112

typedef struct
{
  GstHarness *h;
  GstVideoInfo info;
} Fixture;

static void
fixture_init (Fixture *f, const gchar *format, gint width, gint height)
{
  gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
                                 "framerate=30/1",
      format, width, height);

  GstCaps *c = gst_caps_from_string (caps);

  fail_unless (gst_video_info_from_caps (&f->info, c));
  gst_caps_unref (c);
  f->h = gst_harness_new ("yolorosd");
  gst_harness_set_src_caps_str (f->h, caps);
  g_free (caps);
}

static void
fixture_clear (Fixture *f)
{
  gst_harness_teardown (f->h);
}

/* A frame filled with a per-format background (RGB 40,80,120; NV12 Y 90
 * UV 128) plus a seeded pattern when @pattern is TRUE. */
static GstBuffer *
make_frame (Fixture *f, gboolean pattern)
{
  GstBuffer *buf = gst_buffer_new_and_alloc (GST_VIDEO_INFO_SIZE (&f->info));
  GstVideoFrame frame;
  guint p, x, y;
  guint32 seed = 99;

  /* Bytes between planes, if any, too. */
  gst_buffer_memset (buf, 0, 0x11, GST_VIDEO_INFO_SIZE (&f->info));
  fail_unless (gst_video_frame_map (&frame, &f->info, buf, GST_MAP_WRITE));
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
    guint rows = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, p);

    for (y = 0; y < rows; y++)
      for (x = 0; x < (guint) stride; x++) {
        guint8 v;

        if (pattern) {
          seed = seed * 1103515245u + 12345u;
          v = (guint8) (seed >> 16);
        } else if (GST_VIDEO_FRAME_FORMAT (&frame) == GST_VIDEO_FORMAT_RGB) {
          v = (x % 3 == 0) ? 40 : (x % 3 == 1) ? 80 : 120;
        } else {
          v = p == 0 ? 90 : 128;
        }
        data[y * stride + x] = v;
      }
  }
  gst_video_frame_unmap (&frame);
  return buf;
}

/* Adds an ROI with a "detection" structure holding @fields (may be NULL). */
static GstVideoRegionOfInterestMeta *
add_roi (GstBuffer *buf, const gchar *type, guint x, guint y, guint w, guint h,
    GstStructure *detection)
{
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_add_video_region_of_interest_meta (buf, type, x, y, w, h);

  if (detection != NULL)
    gst_video_region_of_interest_meta_add_param (roi, detection);
  return roi;
}

static GstBuffer *
push_pull (Fixture *f, GstBuffer *in)
{
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (f->h, in), GST_FLOW_OK);
  out = gst_harness_pull (f->h);
  fail_unless (out != NULL);
  return out;
}

static guint32
rgb_at (const GstVideoFrame *frame, gint x, gint y)
{
  const guint8 *p = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 0)
      + y * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0) + x * 3;

  return ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}

static guint8
plane_at (const GstVideoFrame *frame, guint p, gint x, gint y)
{
  const guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (frame, p);

  return d[y * GST_VIDEO_FRAME_PLANE_STRIDE (frame, p) + x];
}

static guint8
blend8 (guint8 dst, guint8 src, guint a)
{
  return (guint8) ((dst * (255u - a) + src * a + 127u) / 255u);
}

/* BT.601 limited-range luma of 0xRRGGBB (GStreamer's default for SD). */
static guint8
luma601 (guint32 rgb)
{
  gdouble r = ((rgb >> 16) & 255) / 255.0, g = ((rgb >> 8) & 255) / 255.0;
  gdouble b = (rgb & 255) / 255.0;

  return (guint8) (16.0 + 219.0 * (0.299 * r + 0.587 * g + 0.114 * b) + 0.5);
}

GST_START_TEST (test_rgb_box)
{
  Fixture f;
  GstBuffer *in, *out;
  GstVideoFrame frame;
  gint x, y, changed = 0;
  const guint32 bg = 0x285078;

  fixture_init (&f, "RGB", 64, 48);
  g_object_set (
      f.h->element, "show-labels", FALSE, "show-confidence", FALSE, NULL);
  in = make_frame (&f, FALSE);
  add_roi (in, "person", 10, 12, 20, 16,
      gst_structure_new ("detection", "label_id", G_TYPE_INT, 0, "confidence",
          G_TYPE_DOUBLE, 0.9, NULL));
  out = push_pull (&f, in);

  fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
  /* The outline is exactly the box's border ring. */
  for (y = 0; y < 48; y++)
    for (x = 0; x < 64; x++) {
      gboolean edge = (x >= 10 && x < 30 && y >= 12 && y < 28)
          && (x == 10 || x == 29 || y == 12 || y == 27);
      guint32 v = rgb_at (&frame, x, y);

      fail_unless_equals_int (v, edge ? CLASS0 : bg);
      changed += v != bg;
    }
  fail_unless_equals_int (changed, 2 * (20 + 16) - 4);
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_nv12_box)
{
  Fixture f;
  GstBuffer *in, *out;
  GstVideoFrame frame;
  guint8 y_box = luma601 (CLASS3);

  fixture_init (&f, "NV12", 64, 48);
  g_object_set (f.h->element, "show-labels", FALSE, "show-confidence", FALSE,
      "line-thickness", 2, NULL);
  in = make_frame (&f, FALSE);
  add_roi (in, "car", 9, 7, 20, 16,
      gst_structure_new ("detection", "label_id", G_TYPE_INT, 3, NULL));
  out = push_pull (&f, in);

  fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
  /* Luma: columns 9,10 and 27,28; rows 7,8 and 21,22. */
  fail_unless_equals_int (plane_at (&frame, 0, 9, 7), y_box);
  fail_unless_equals_int (plane_at (&frame, 0, 10, 15), y_box);
  fail_unless_equals_int (plane_at (&frame, 0, 28, 22), y_box);
  fail_unless_equals_int (plane_at (&frame, 0, 20, 8), y_box);
  fail_unless_equals_int (plane_at (&frame, 0, 8, 7), 90);
  fail_unless_equals_int (plane_at (&frame, 0, 9, 6), 90);
  fail_unless_equals_int (plane_at (&frame, 0, 29, 22), 90);
  fail_unless_equals_int (plane_at (&frame, 0, 28, 23), 90);
  fail_unless_equals_int (plane_at (&frame, 0, 11, 9), 90);
  fail_unless_equals_int (plane_at (&frame, 0, 26, 20), 90);
  /* Chroma (interleaved UV): sample (4,3) covers luma 8..9 × 6..7 and so
   * touches the corner; (8,7) is well inside the box; (15,3) is outside. */
  fail_if (
      plane_at (&frame, 1, 8, 3) == 128 && plane_at (&frame, 1, 9, 3) == 128);
  fail_unless (plane_at (&frame, 1, 8, 3) < 128); /* yellow: U low */
  fail_unless_equals_int (plane_at (&frame, 1, 16, 7), 128);
  fail_unless_equals_int (plane_at (&frame, 1, 17, 7), 128);
  fail_unless_equals_int (plane_at (&frame, 1, 30, 3), 128);
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);
  fixture_clear (&f);
}

GST_END_TEST;

/* Without metas the output is byte for byte the input. */
GST_START_TEST (test_no_meta_identical)
{
  static const gchar *formats[] = { "RGB", "NV12", "I420", "BGRA" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    Fixture f;
    GstBuffer *in, *ref, *out;
    GstMapInfo a, b;

    fixture_init (&f, formats[i], 37, 23);
    in = make_frame (&f, TRUE);
    ref = gst_buffer_copy_deep (in);
    out = push_pull (&f, in);
    fail_unless (gst_buffer_map (ref, &a, GST_MAP_READ));
    fail_unless (gst_buffer_map (out, &b, GST_MAP_READ));
    fail_unless_equals_int (a.size, b.size);
    fail_unless (
        memcmp (a.data, b.data, a.size) == 0, "%s changed", formats[i]);
    gst_buffer_unmap (ref, &a);
    gst_buffer_unmap (out, &b);
    gst_buffer_unref (ref);
    gst_buffer_unref (out);
    fixture_clear (&f);
  }
}

GST_END_TEST;

/* Label above the box: width follows the text "label 0.50 #7". */
GST_START_TEST (test_label)
{
  static const struct
  {
    gboolean labels, confidence;
    gint n_chars; /* 0: no label */
    const gchar *track; /* where the track id comes from */
  } cases[] = {
    { TRUE, TRUE, 8, NULL }, /* "dog 0.50" */
    { TRUE, TRUE, 11, "object_id" }, /* "dog 0.50 #7" */
    { TRUE, TRUE, 11, "track_id" },
    { TRUE, TRUE, 11, "tracking" },
    { TRUE, FALSE, 6, "tracking" }, /* "dog #7" */
    { FALSE, TRUE, 4, "object_id" }, /* "0.50" */
    { FALSE, FALSE, 0, "object_id" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    Fixture f;
    GstBuffer *in, *out;
    GstVideoFrame frame;
    GstStructure *det;
    GstVideoRegionOfInterestMeta *roi;
    gint n = cases[i].n_chars, lw = n * 6 + 1;

    fixture_init (&f, "RGB", 160, 120);
    g_object_set (f.h->element, "show-labels", cases[i].labels,
        "show-confidence", cases[i].confidence, NULL);
    in = make_frame (&f, FALSE);
    det = gst_structure_new ("detection", "label", G_TYPE_STRING, "dog",
        "label_id", G_TYPE_INT, 3, "confidence", G_TYPE_DOUBLE, 0.5, NULL);
    if (g_strcmp0 (cases[i].track, "object_id") == 0)
      gst_structure_set (det, "object_id", G_TYPE_INT, 7, NULL);
    else if (g_strcmp0 (cases[i].track, "track_id") == 0)
      gst_structure_set (det, "track_id", G_TYPE_UINT64, (guint64) 7, NULL);
    roi = add_roi (in, "ignored", 20, 40, 60, 40, det);
    if (g_strcmp0 (cases[i].track, "tracking") == 0)
      gst_video_region_of_interest_meta_add_param (
          roi, gst_structure_new ("tracking", "id", G_TYPE_INT, 7, NULL));
    out = push_pull (&f, in);

    fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
    if (n == 0) {
      fail_unless_equals_int (rgb_at (&frame, 20, 39), 0x285078);
      fail_unless_equals_int (rgb_at (&frame, 20, 40), CLASS3);
    } else {
      /* Background corners, text pixel, and nothing just beyond. */
      fail_unless_equals_int (rgb_at (&frame, 20, 30), CLASS3);
      fail_unless_equals_int (rgb_at (&frame, 20 + lw - 1, 39), CLASS3);
      fail_unless_equals_int (rgb_at (&frame, 20 + lw, 35), 0x285078);
      fail_unless_equals_int (rgb_at (&frame, 20, 29), 0x285078);
    }
    /* Yellow background: text is black. "dog": 'd' column 4 is inked on
     * rows 0-6; "0.50": '0' column 0 on rows 1-5. */
    if (n > 0 && cases[i].labels) {
      fail_unless_equals_int (rgb_at (&frame, 21 + 4, 31 + 3), 0x000000);
    } else if (n > 0) {
      fail_unless_equals_int (rgb_at (&frame, 21, 31 + 3), 0x000000);
    }
    gst_video_frame_unmap (&frame);
    gst_buffer_unref (out);
    fixture_clear (&f);
  }
}

GST_END_TEST;

/* One box detected as two classes (two rows, the same box): one label,
 * the stronger class on top, the weaker below it, the outline in the
 * stronger's colour, in whichever order the rows come. */
GST_START_TEST (test_classes_stacked)
{
  for (guint order = 0; order < 2; order++) {
    Fixture f;
    GstBuffer *in, *out;
    GstVideoFrame frame;
    GstStructure *dog, *person;
    /* "person 0.80": 11 characters, the block 67 wide; lines 10 rows */
    const gint lw = 11 * 6 + 1;

    fixture_init (&f, "RGB", 160, 120);
    in = make_frame (&f, FALSE);
    dog = gst_structure_new ("detection", "label", G_TYPE_STRING, "dog",
        "label_id", G_TYPE_INT, 3, "confidence", G_TYPE_DOUBLE, 0.5, NULL);
    person = gst_structure_new ("detection", "label", G_TYPE_STRING, "person",
        "label_id", G_TYPE_INT, 0, "confidence", G_TYPE_DOUBLE, 0.8, NULL);
    add_roi (in, "a", 20, 60, 60, 40, order ? person : dog);
    add_roi (in, "b", 20, 60, 60, 40, order ? dog : person);
    out = push_pull (&f, in);

    fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
    fail_unless_equals_int (rgb_at (&frame, 20, 60), CLASS0); /* outline */
    fail_unless_equals_int (rgb_at (&frame, 20, 40), CLASS0); /* person */
    fail_unless_equals_int (rgb_at (&frame, 20 + lw - 1, 49), CLASS0);
    fail_unless_equals_int (rgb_at (&frame, 20, 50), CLASS3); /* dog */
    fail_unless_equals_int (rgb_at (&frame, 20 + lw - 1, 59), CLASS3);
    fail_unless_equals_int (rgb_at (&frame, 20, 39), 0x285078); /* above */
    fail_unless_equals_int (rgb_at (&frame, 20 + lw, 45), 0x285078);
    gst_video_frame_unmap (&frame);
    gst_buffer_unref (out);
    fixture_clear (&f);
  }
}

GST_END_TEST;

/* Stale boxes: same as fresh ones by default, blended with dim-stale. */
GST_START_TEST (test_stale)
{
  gint dim;

  for (dim = 0; dim < 2; dim++) {
    Fixture f;
    GstBuffer *in, *out;
    GstVideoFrame frame;
    guint32 want;

    fixture_init (&f, "RGB", 64, 48);
    g_object_set (f.h->element, "show-labels", FALSE, "show-confidence", FALSE,
        "dim-stale", dim, NULL);
    in = make_frame (&f, FALSE);
    add_roi (in, "person", 4, 4, 10, 10,
        gst_structure_new ("detection", "label_id", G_TYPE_INT, 0, "fresh",
            G_TYPE_BOOLEAN, FALSE, NULL));
    add_roi (in, "person", 30, 4, 10, 10,
        gst_structure_new ("detection", "label_id", G_TYPE_INT, 0, "fresh",
            G_TYPE_BOOLEAN, TRUE, NULL));
    out = push_pull (&f, in);

    fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
    want = dim ? ((guint32) blend8 (40, 0xFF, DIM_ALPHA) << 16)
            | ((guint32) blend8 (80, 0x26, DIM_ALPHA) << 8)
            | blend8 (120, 0x26, DIM_ALPHA)
               : CLASS0;
    fail_unless_equals_int (rgb_at (&frame, 4, 4), want);
    fail_unless_equals_int (rgb_at (&frame, 13, 13), want);
    fail_unless_equals_int (rgb_at (&frame, 30, 4), CLASS0);
    gst_video_frame_unmap (&frame);
    gst_buffer_unref (out);
    fixture_clear (&f);
  }
}

GST_END_TEST;

/* Other producers: no params at all (label from roi_type, colour from its
 * hash), and boxes with any coordinates. */
GST_START_TEST (test_foreign_and_extreme)
{
  Fixture f;
  GstBuffer *in, *out;
  GstVideoFrame frame;
  guint32 c1, c2;

  fixture_init (&f, "RGB", 160, 120);
  in = make_frame (&f, FALSE);
  add_roi (in, "car", 20, 40, 30, 30, NULL);
  add_roi (in, "car", 100, 40, 30, 30, NULL);
  add_roi (in, "x", G_MAXUINT, G_MAXUINT, G_MAXUINT, G_MAXUINT, NULL);
  add_roi (in, "x", G_MAXUINT - 5, 0, 10, 10, NULL);
  add_roi (in, "x", 150, 110, 0, 0, NULL);
  add_roi (in, "x", 159, 119, G_MAXUINT, 1, NULL);
  out = push_pull (&f, in);

  fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
  c1 = rgb_at (&frame, 20, 40);
  c2 = rgb_at (&frame, 100, 40);
  fail_unless (c1 != 0x285078);
  fail_unless_equals_int (c1, c2);
  /* "car": label 3·6 + 1 = 19 wide. */
  fail_unless_equals_int (rgb_at (&frame, 20 + 18, 30), c1);
  fail_unless_equals_int (rgb_at (&frame, 20 + 19, 30), 0x285078);
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);

  /* A box covering the whole frame and beyond, on NV12 and I420. */
  fixture_clear (&f);
  fixture_init (&f, "I420", 33, 17);
  in = make_frame (&f, TRUE);
  add_roi (in, "big", 0, 0, G_MAXUINT, G_MAXUINT, NULL);
  add_roi (in, "x", 32, 16, 100, 100, NULL);
  gst_buffer_unref (push_pull (&f, in));
  fixture_clear (&f);
}

GST_END_TEST;

static void
append_value (GValue *arr, GType type, gconstpointer v)
{
  GValue x = G_VALUE_INIT;

  g_value_init (&x, type);
  if (type == G_TYPE_INT)
    g_value_set_int (&x, *(const gint *) v);
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (&x, *(const gdouble *) v);
  else
    g_value_set_string (&x, v);
  gst_value_array_append_and_take_value (arr, &x);
}

static void
set_array (GstStructure *s, const gchar *field, GType type, guint n,
    gconstpointer values, gsize elem_size)
{
  GValue arr = G_VALUE_INIT;
  guint i;

  g_value_init (&arr, GST_TYPE_ARRAY);
  for (i = 0; i < n; i++) {
    if (type == G_TYPE_STRING)
      append_value (&arr, type, ((const gchar *const *) values)[i]);
    else
      append_value (&arr, type, (const guint8 *) values + i * elem_size);
  }
  gst_structure_take_value (s, field, &arr);
}

/* yolordetect's frame meta (gst/gstyolormeta.h) with one row: id 0, class
 * 3 "dog", confidence 0.5, not fresh. Registered here when the plugin under
 * test did not register it. */
static void
add_frame_meta (GstBuffer *buf, gint x, gint y, gint w, gint h)
{
  static const gchar *tags[] = { GST_META_TAG_VIDEO_STR,
    GST_META_TAG_VIDEO_SIZE_STR, NULL };
  const gint ids[] = { 0 }, label_ids[] = { 3 }, rect[] = { x, y, w, h };
  const gdouble conf[] = { 0.5 }, x0[] = { 0.1 }, y0[] = { 0.3 };
  const gdouble x1[] = { 0.5 }, y1[] = { 0.7 };
  const gchar *labels[] = { "dog" };
  GstCustomMeta *meta;
  GstStructure *s;

  if (gst_meta_get_info ("GstYolorFrameMeta") == NULL)
    gst_meta_register_custom ("GstYolorFrameMeta", tags, NULL, NULL, NULL);
  meta = gst_buffer_add_custom_meta (buf, "GstYolorFrameMeta");
  fail_unless (meta != NULL);
  s = gst_custom_meta_get_structure (meta);
  gst_structure_set (s, "width", G_TYPE_INT, 160, "height", G_TYPE_INT, 120,
      "fresh", G_TYPE_BOOLEAN, FALSE, "n_detections", G_TYPE_UINT, 1, NULL);
  set_array (s, "ids", G_TYPE_INT, 1, ids, sizeof (gint));
  set_array (s, "label_ids", G_TYPE_INT, 1, label_ids, sizeof (gint));
  set_array (s, "labels", G_TYPE_STRING, 1, labels, sizeof (gchar *));
  set_array (s, "confidences", G_TYPE_DOUBLE, 1, conf, sizeof (gdouble));
  set_array (s, "x_min", G_TYPE_DOUBLE, 1, x0, sizeof (gdouble));
  set_array (s, "y_min", G_TYPE_DOUBLE, 1, y0, sizeof (gdouble));
  set_array (s, "x_max", G_TYPE_DOUBLE, 1, x1, sizeof (gdouble));
  set_array (s, "y_max", G_TYPE_DOUBLE, 1, y1, sizeof (gdouble));
  set_array (s, "rects", G_TYPE_INT, 4, rect, sizeof (gint));
}

/* An ROI whose params were dropped (as by videoscale on 1.22): class,
 * confidence and freshness come from the frame meta row with its id. */
GST_START_TEST (test_frame_meta_fallback)
{
  Fixture f;
  GstBuffer *in, *out;
  GstVideoFrame frame;
  GstVideoRegionOfInterestMeta *roi;
  guint32 dimmed = ((guint32) blend8 (0x28, 0xFF, DIM_ALPHA) << 16)
      | ((guint32) blend8 (0x50, 0xEA, DIM_ALPHA) << 8)
      | blend8 (0x78, 0x59, DIM_ALPHA);
  gint lw = 8 * 6 + 1; /* "dog 0.50" */

  fixture_init (&f, "RGB", 160, 120);
  g_object_set (f.h->element, "dim-stale", TRUE, NULL);
  in = make_frame (&f, FALSE);
  roi = add_roi (in, "dog", 20, 40, 60, 40, NULL);
  roi->id = 0;
  add_frame_meta (in, 20, 40, 60, 40);
  out = push_pull (&f, in);

  fail_unless (gst_video_frame_map (&frame, &f.info, out, GST_MAP_READ));
  fail_unless_equals_int (rgb_at (&frame, 20, 40), dimmed);
  fail_unless_equals_int (rgb_at (&frame, 20, 30), dimmed);
  fail_unless_equals_int (rgb_at (&frame, 20 + lw - 1, 39), dimmed);
  fail_unless_equals_int (rgb_at (&frame, 20 + lw, 35), 0x285078);
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);
  fixture_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_properties)
{
  GstElement *e = gst_element_factory_make ("yolorosd", NULL);
  guint t, s;
  gboolean labels, conf, dim;

  fail_unless (e != NULL);
  g_object_get (e, "line-thickness", &t, "text-scale", &s, "show-labels",
      &labels, "show-confidence", &conf, "dim-stale", &dim, NULL);
  fail_unless_equals_int (t, 0);
  fail_unless_equals_int (s, 0);
  fail_unless (labels);
  fail_unless (conf);
  fail_unless (!dim);
  g_object_set (
      e, "line-thickness", 5, "text-scale", 2, "dim-stale", TRUE, NULL);
  g_object_get (
      e, "line-thickness", &t, "text-scale", &s, "dim-stale", &dim, NULL);
  fail_unless_equals_int (t, 5);
  fail_unless_equals_int (s, 2);
  fail_unless (dim);
  gst_object_unref (e);
}

GST_END_TEST;

/* Properties changed while frames flow. */
GST_START_TEST (test_property_stress)
{
  Fixture f;
  GstHarnessThread *threads[3];
  guint i;
  GValue v = G_VALUE_INIT;

  fixture_init (&f, "NV12", 64, 48);
  g_value_init (&v, G_TYPE_UINT);
  g_value_set_uint (&v, 3);
  threads[0] = gst_harness_stress_property_start_full (
      f.h, "line-thickness", &v, G_USEC_PER_SEC / 1000);
  g_value_set_uint (&v, 2);
  threads[1] = gst_harness_stress_property_start_full (
      f.h, "text-scale", &v, G_USEC_PER_SEC / 1000);
  g_value_unset (&v);
  g_value_init (&v, G_TYPE_BOOLEAN);
  g_value_set_boolean (&v, TRUE);
  threads[2] = gst_harness_stress_property_start_full (
      f.h, "dim-stale", &v, G_USEC_PER_SEC / 1000);
  g_value_unset (&v);

  for (i = 0; i < 50; i++) {
    GstBuffer *in = make_frame (&f, FALSE);

    add_roi (in, "person", i % 64, i % 48, 20, 10,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, 0.5,
            "fresh", G_TYPE_BOOLEAN, (gboolean) (i & 1), NULL));
    gst_buffer_unref (push_pull (&f, in));
  }
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    gst_harness_stress_thread_stop (threads[i]);
  fixture_clear (&f);
}

GST_END_TEST;

/* A GstVideoMeta whose plane does not fit the memory behind it is an element
 * error, never a write past the buffer. */
GST_START_TEST (test_bad_video_meta)
{
  Fixture f;
  GstBus *bus = gst_bus_new ();
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0, 0, 0, 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 1 << 20, 0, 0, 0 };
  GstBuffer *buf;
  GstMessage *msg;
  GError *err = NULL;
  gchar *dbg = NULL;

  fixture_init (&f, "RGB", 64, 48);
  buf = make_frame (&f, FALSE);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_RGB, 64, 48, 1, offset, stride);
  add_roi (buf, "person", 4, 4, 20, 20, NULL);
  gst_element_set_bus (f.h->element, bus);
  fail_unless_equals_int (gst_harness_push (f.h, buf), GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (strstr (dbg, "plane 0") != NULL, "'%s'", dbg);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  gst_element_set_bus (f.h->element, NULL);
  gst_object_unref (bus);
  fixture_clear (&f);
}

GST_END_TEST;

static Suite *
yolorosd_suite (void)
{
  Suite *s = suite_create ("yolorosd");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_rgb_box);
  tcase_add_test (tc, test_nv12_box);
  tcase_add_test (tc, test_no_meta_identical);
  tcase_add_test (tc, test_label);
  tcase_add_test (tc, test_classes_stacked);
  tcase_add_test (tc, test_stale);
  tcase_add_test (tc, test_foreign_and_extreme);
  tcase_add_test (tc, test_frame_meta_fallback);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_property_stress);
  tcase_add_test (tc, test_bad_video_meta);
  return s;
}

GST_CHECK_MAIN (yolorosd);
