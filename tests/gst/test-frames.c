/* gst-yolor element tests: frames carrying the metadata yolordetect
 * would give them.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-frames.h"
#include "gstyolormeta.h"

#include <gst/check/gstcheck.h>

#define W TEST_FRAME_W
#define H TEST_FRAME_H

const gchar *const test_labels[2] = { "person", "car" };

static void
set_array (GstStructure *s, const gchar *name, GType type, guint n,
    const test_box *b, guint what)
{
  GValue arr = G_VALUE_INIT, e = G_VALUE_INIT;

  gst_value_array_init (&arr, n);
  for (guint i = 0; i < n * (what == 9 ? 4 : 1); i++) {
    const test_box *r = &b[what == 9 ? i / 4 : i];
    g_value_init (&e, type);
    switch (what) {
      case 0:
        g_value_set_int (&e, (gint) i);
        break;
      case 1:
        g_value_set_int (&e, r->label_id);
        break;
      case 2:
        g_value_set_string (&e, test_labels[r->label_id]);
        break;
      case 3:
        g_value_set_double (&e, 0.9);
        break;
      case 4:
        g_value_set_double (&e, r->x1 / W);
        break;
      case 5:
        g_value_set_double (&e, r->y1 / H);
        break;
      case 6:
        g_value_set_double (&e, r->x2 / W);
        break;
      case 7:
        g_value_set_double (&e, r->y2 / H);
        break;
      case 9: {
        gdouble v[4] = { r->x1, r->y1, r->x2 - r->x1, r->y2 - r->y1 };
        g_value_set_int (&e, (gint) v[i % 4]);
        break;
      }
    }
    gst_value_array_append_value (&arr, &e);
    g_value_unset (&e);
  }
  gst_structure_take_value (s, name, &arr);
}

/* A W × H gray frame carrying the frame meta and ROI metas yolordetect
 * would give it: @n rows @b found on frame @inference, shown on @frame. */
GstBuffer *
test_make_frame (guint64 frame, guint64 inference, const test_box *b, guint n)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, W * H * 3, NULL);
  GstCustomMeta *meta;
  GstStructure *s;

  gst_buffer_memset (buf, 0, 128, W * H * 3);
  GST_BUFFER_PTS (buf) = frame * GST_SECOND / 10;
  GST_BUFFER_DURATION (buf) = GST_SECOND / 10;
  meta = gst_buffer_add_custom_meta (buf, GST_YOLOR_FRAME_META_NAME);
  fail_unless (meta != NULL, "the plugin did not register the frame meta");
  s = gst_custom_meta_get_structure (meta);
  gst_structure_set (s, "frame", G_TYPE_UINT64, frame, "inference_frame",
      G_TYPE_UINT64, inference, "fresh", G_TYPE_BOOLEAN, frame == inference,
      "width", G_TYPE_INT, W, "height", G_TYPE_INT, H, "n_detections",
      G_TYPE_UINT, n, "embedding_dim", G_TYPE_INT, 0, NULL);
  set_array (s, "ids", G_TYPE_INT, n, b, 0);
  set_array (s, "label_ids", G_TYPE_INT, n, b, 1);
  set_array (s, "labels", G_TYPE_STRING, n, b, 2);
  set_array (s, "confidences", G_TYPE_DOUBLE, n, b, 3);
  set_array (s, "x_min", G_TYPE_DOUBLE, n, b, 4);
  set_array (s, "y_min", G_TYPE_DOUBLE, n, b, 5);
  set_array (s, "x_max", G_TYPE_DOUBLE, n, b, 6);
  set_array (s, "y_max", G_TYPE_DOUBLE, n, b, 7);
  set_array (s, "rects", G_TYPE_INT, n, b, 9);
  for (guint i = 0; i < n; i++) {
    GstVideoRegionOfInterestMeta *roi =
        gst_buffer_add_video_region_of_interest_meta (buf,
            test_labels[b[i].label_id], (guint) b[i].x1, (guint) b[i].y1,
            (guint) (b[i].x2 - b[i].x1), (guint) (b[i].y2 - b[i].y1));

    roi->id = (gint) i;
    gst_video_region_of_interest_meta_add_param (roi,
        gst_structure_new ("detection", "label_id", G_TYPE_INT, b[i].label_id,
            "label", G_TYPE_STRING, test_labels[b[i].label_id], "confidence",
            G_TYPE_DOUBLE, 0.9, "x_min", G_TYPE_DOUBLE, b[i].x1 / W, "y_min",
            G_TYPE_DOUBLE, b[i].y1 / H, "x_max", G_TYPE_DOUBLE, b[i].x2 / W,
            "y_max", G_TYPE_DOUBLE, b[i].y2 / H, NULL));
  }
  return buf;
}
