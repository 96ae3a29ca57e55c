/* gst-yolor element tests: shared helpers.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

gchar *
test_shared_path (const gchar *rel)
{
  const gchar *dir = g_getenv ("YOLOR_SHARED_DIR");

  fail_unless (dir != NULL && *dir != '\0', "YOLOR_SHARED_DIR is not set");
  return g_build_filename (dir, rel, NULL);
}

gchar *
test_model_path (void)
{
  return test_shared_path ("models/yolo-fastest-1.1-xl/"
                           "yolo-fastest-1.1-xl.cfg");
}

/* The decoder process sees every system plugin, whatever this process may
 * load, through a registry of its own. Returns: (transfer full). */
static gchar **
grab_environ (void)
{
  gchar **envp = g_get_environ ();
  const gchar *registry = g_environ_getenv (envp, "GST_REGISTRY");

  if (registry) {
    gchar *own = g_strconcat (registry, ".grab", NULL);
    envp = g_environ_setenv (envp, "GST_REGISTRY", own, TRUE);
    g_free (own);
  }
  envp = g_environ_unsetenv (envp, "GST_PLUGIN_SYSTEM_PATH_1_0");
  envp = g_environ_unsetenv (envp, "GST_PLUGIN_SYSTEM_PATH");
  envp = g_environ_unsetenv (envp, "GST_REGISTRY_FORK");
  return envp;
}

GstSample *
test_grab_image (const gchar *rel, gdouble seconds, const gchar *caps_str)
{
  const gchar *grab = g_getenv ("YOLOR_TEST_GRAB_FRAME");
  gchar *file = test_shared_path (rel);
  gchar *out = NULL;
  gchar t[G_ASCII_DTOSTR_BUF_SIZE];
  gchar *argv[6];
  gchar **envp;
  gchar *contents = NULL, *nl, *errors = NULL;
  gsize len = 0;
  gint fd, status = -1;
  GError *err = NULL;
  GstCaps *caps;
  GstBuffer *buf;
  GstSample *sample;

  fail_unless (grab != NULL, "YOLOR_TEST_GRAB_FRAME is not set");
  fd = g_file_open_tmp ("yolor-frame-XXXXXX", &out, &err);
  fail_unless (fd >= 0, "no temporary file: %s", err ? err->message : "?");
  close (fd);
  g_ascii_dtostr (t, sizeof (t), seconds);
  argv[0] = (gchar *) grab;
  argv[1] = file;
  argv[2] = t;
  argv[3] = (gchar *) caps_str;
  argv[4] = out;
  argv[5] = NULL;
  envp = grab_environ ();
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                   NULL, &errors, &status, &err),
      "cannot run %s: %s", grab, err ? err->message : "?");
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "no %s frame at %g s of %s: %s", caps_str, seconds, file, errors);
  fail_unless (g_file_get_contents (out, &contents, &len, NULL));
  g_unlink (out);

  nl = memchr (contents, '\n', len);
  fail_unless (nl != NULL, "%s wrote no caps", grab);
  *nl = '\0';
  caps = gst_caps_from_string (contents);
  fail_unless (caps != NULL, "bad caps '%s'", contents);
  buf = gst_buffer_new_memdup (nl + 1, len - (gsize) (nl + 1 - contents));
  sample = gst_sample_new (buf, caps, NULL, NULL);
  gst_buffer_unref (buf);
  gst_caps_unref (caps);
  g_strfreev (envp);
  g_free (contents);
  g_free (errors);
  g_free (out);
  g_free (file);
  return sample;
}

GstSample *
test_grab_frame (gdouble seconds, const gchar *format, gint width, gint height)
{
  gchar *caps = width > 0
      ? g_strdup_printf (
          "video/x-raw,format=%s,width=%d,height=%d", format, width, height)
      : g_strdup_printf ("video/x-raw,format=%s", format);
  GstSample *s =
      test_grab_image ("video/one-by-one-person-detection.mp4", seconds, caps);

  g_free (caps);
  return s;
}

GstHarness *
test_harness (const gchar *desc)
{
  GError *err = NULL;
  GstElement *e = gst_parse_launch (desc, &err);
  GstHarness *h;

  fail_unless (
      e != NULL && err == NULL, "'%s': %s", desc, err ? err->message : "?");
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  return h;
}

GstHarness *
test_detect_harness (const gchar *props)
{
  gchar *model = test_model_path ();
  gchar *desc = g_strdup_printf (
      "yolordetect model=\"%s\" %s", model, props ? props : "");
  GstHarness *h = test_harness (desc);

  g_free (desc);
  g_free (model);
  return h;
}

GstBuffer *
test_push_sample (GstHarness *h, GstSample *sample)
{
  GstBuffer *in = gst_buffer_copy (gst_sample_get_buffer (sample));

  gst_harness_set_src_caps (h, gst_caps_copy (gst_sample_get_caps (sample)));
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  return gst_harness_pull (h);
}

gdouble
test_iou (gdouble ax1, gdouble ay1, gdouble ax2, gdouble ay2, gdouble bx1,
    gdouble by1, gdouble bx2, gdouble by2)
{
  gdouble iw = MIN (ax2, bx2) - MAX (ax1, bx1);
  gdouble ih = MIN (ay2, by2) - MAX (ay1, by1);
  gdouble inter, uni;

  if (iw <= 0 || ih <= 0)
    return 0;
  inter = iw * ih;
  uni = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return uni > 0 ? inter / uni : 0;
}

guint
test_count_rois (GstBuffer *buf)
{
  gpointer state = NULL;
  guint n = 0;

  while (gst_buffer_iterate_meta_filtered (
      buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
    n++;
  return n;
}

GstVideoRegionOfInterestMeta *
test_best_roi (GstBuffer *buf, const gchar *label, gdouble x1, gdouble y1,
    gdouble x2, gdouble y2, gdouble *iou_out)
{
  gpointer state = NULL;
  GstMeta *m;
  GstVideoRegionOfInterestMeta *best = NULL;

  *iou_out = 0;
  while ((m = gst_buffer_iterate_meta_filtered (
              buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *r = (GstVideoRegionOfInterestMeta *) m;
    gdouble iou;

    if (label && r->roi_type != g_quark_from_string (label))
      continue;
    iou = test_iou (r->x, r->y, r->x + r->w, r->y + r->h, x1, y1, x2, y2);
    if (iou > *iou_out) {
      *iou_out = iou;
      best = r;
    }
  }
  return best;
}
