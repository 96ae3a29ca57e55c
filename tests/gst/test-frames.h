/* gst-yolor element tests: frames carrying the metadata yolordetect
 * would give them (frame meta and ROI metas), without running a model.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_FRAMES_H
#define YOLOR_TEST_FRAMES_H

#include <gst/gst.h>

/* The frames' size. */
#define TEST_FRAME_W 320
#define TEST_FRAME_H 240

/* One detection the test puts on a frame, in pixels. */
typedef struct test_box
{
  gdouble x1, y1, x2, y2;
  gint label_id;
} test_box;

/* The labels of label_id 0 and 1. */
extern const gchar *const test_labels[2];

/* Returns: (transfer full): a TEST_FRAME_W × TEST_FRAME_H RGB gray frame
 * with PTS @frame / 10 s, carrying the frame meta and ROI metas yolordetect
 * would give it: @n rows @b (borrowed) found on frame @inference, shown on
 * @frame. The plugin must be loaded (it registers the frame meta). */
GstBuffer *test_make_frame (
    guint64 frame, guint64 inference, const test_box *b, guint n);

#endif
