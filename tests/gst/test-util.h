/* gst-yolor element tests: shared helpers.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_UTIL_H
#define YOLOR_TEST_UTIL_H

#include <gst/gst.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

/* Returns: (transfer full): $YOLOR_SHARED_DIR/@rel (g_free). */
gchar *test_shared_path (const gchar *rel);

/* Returns: (transfer full): the default model's .cfg in the shared dir. */
gchar *test_model_path (void);

/* Decodes the sample video at @seconds, converted to @format and scaled to
 * @width × @height (0: the video's own size), in a separate process
 * ($YOLOR_TEST_GRAB_FRAME, grab-frame.c), so no decoder plugin is loaded in
 * the test process.
 * Returns: (transfer full): the frame and its caps; fails the test when the
 * video cannot be decoded. */
GstSample *test_grab_frame (
    gdouble seconds, const gchar *format, gint width, gint height);

/* Decodes $YOLOR_SHARED_DIR/@rel (an H.264 .mp4 at @seconds, a .jpg or a
 * .png) converted to @caps (e.g. "video/x-raw,format=I420"), likewise in a
 * separate process. Returns: (transfer full) the frame and its caps. */
GstSample *test_grab_image (
    const gchar *rel, gdouble seconds, const gchar *caps);

/* Returns: (transfer full): a harness around the one element @desc
 * describes (gst-launch syntax), already playing, src caps not set. */
GstHarness *test_harness (const gchar *desc);

/* Returns: (transfer full): a harness around "yolordetect model=<default>
 * @props" (@props may be NULL), already playing, src caps not set. */
GstHarness *test_detect_harness (const gchar *props);

/* Pushes @sample (borrowed) through @h (setting its caps) and returns the
 * output buffer (transfer full). */
GstBuffer *test_push_sample (GstHarness *h, GstSample *sample);

/* Intersection over union of two boxes given as corners. */
gdouble test_iou (gdouble ax1, gdouble ay1, gdouble ax2, gdouble ay2,
    gdouble bx1, gdouble by1, gdouble bx2, gdouble by2);

/* Number of GstVideoRegionOfInterestMeta on @buf. */
guint test_count_rois (GstBuffer *buf);

/* The ROI meta of @buf with the best IoU against the box, with roi_type
 * @label; its IoU in *@iou_out (0 when none). Returns: (transfer none). */
GstVideoRegionOfInterestMeta *test_best_roi (GstBuffer *buf, const gchar *label,
    gdouble x1, gdouble y1, gdouble x2, gdouble y2, gdouble *iou_out);

/* People checked by eye in the sample video (768x432 frame pixels):
 * t = 30 s a man in black, t = 100 s a woman in grey; t = 0 s nobody. */
#define TEST_T_MAN 30.0
#define TEST_MAN_BOX 382, 5, 543, 383
#define TEST_T_WOMAN 100.0
#define TEST_WOMAN_BOX 385, 10, 523, 377
#define TEST_T_EMPTY 0.0

#endif
