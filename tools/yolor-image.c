/* Image files to packed RGB with a small GStreamer pipeline. JPEG files:
 *   filesrc ! gdkpixbufdec ! videoconvert ! RGB ! appsink
 * because gdk-pixbuf's JPEG loader lands closest to the pixels darknet's own
 * decoder produces: measured with the darknet-agreement test, jpegdec
 * (libjpeg with GStreamer's settings, integer or float IDCT alike) moves
 * the confidences of the darknet test models by up to 0.08 against
 * reference darknet; gdkpixbufdec brings all but a few within 0.01. When
 * gdkpixbufdec is missing or fails:
 *   filesrc ! jpegdec ! video/x-raw,format=RGB ! videoconvert ! RGB ! appsink
 * (libjpeg converts to RGB itself). Everything else, or when both fail:
 *   filesrc ! decodebin ! videoconvert ! RGB ! appsink
 *
 * Pictures are bounded (YOLOR_IMAGE_MAX_SIDE per side, YOLOR_IMAGE_MAX_PIXELS
 * in all) before their pixels get memory: a small file can claim a huge
 * size. PNG and JPEG headers are read first (gdk-pixbuf allocates the
 * picture before GStreamer sees its size); for every format a probe on the
 * caps entering videoconvert holds the decoder before its first frame.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-image.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#define DECODE_TIMEOUT_MS 60000
#define YOLOR_IMAGE_MAX_SIDE 16384
#define YOLOR_IMAGE_MAX_PIXELS (1 << 26) /* 8192 x 8192: 192 MiB of RGB */

static const char pixbuf_pipeline[] =
    "filesrc name=src ! gdkpixbufdec ! videoconvert name=conv ! "
    "video/x-raw,format=RGB ! appsink name=sink sync=false";
static const char jpeg_pipeline[] =
    "filesrc name=src ! jpegdec ! video/x-raw,format=RGB ! "
    "videoconvert name=conv ! video/x-raw,format=RGB ! appsink name=sink "
    "sync=false";
static const char generic_pipeline[] =
    "filesrc name=src ! decodebin ! videoconvert name=conv ! "
    "video/x-raw,format=RGB ! appsink name=sink sync=false";

static void set_error (char *errbuf, size_t errlen, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

static void
set_error (char *errbuf, size_t errlen, const char *fmt, ...)
{
  va_list ap;

  if (errbuf == NULL || errlen == 0)
    return;
  va_start (ap, fmt);
  vsnprintf (errbuf, errlen, fmt, ap);
  va_end (ap);
}

static int
too_large (gint64 w, gint64 h)
{
  return w > YOLOR_IMAGE_MAX_SIDE || h > YOLOR_IMAGE_MAX_SIDE
      || w * h > YOLOR_IMAGE_MAX_PIXELS;
}

static void
set_size_error (
    char *errbuf, size_t errlen, const char *path, gint64 w, gint64 h)
{
  set_error (errbuf, errlen,
      "image '%s' is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
      " pixels: more than this tool decodes (at most %d per side and %d "
      "pixels)",
      path, w, h, YOLOR_IMAGE_MAX_SIDE, YOLOR_IMAGE_MAX_PIXELS);
}

/* What the decoder announces, seen by the caps probe. */
typedef struct
{
  GstElement *pipeline; /* borrowed */
  gint width, height; /* the announced size when too large */
  gboolean too_large;
} caps_guard;

/* Holds the streaming thread on caps of a picture that is too large, before
 * the decoder allocates its frame; the bus error then stops the pipeline
 * (which releases the thread). Lets every other caps event through once. */
static GstPadProbeReturn
guard_caps (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  caps_guard *g = user_data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  const GstStructure *st;
  gint w = 0, h = 0;

  (void) pad;
  if (GST_EVENT_TYPE (ev) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_PASS;
  gst_event_parse_caps (ev, &caps);
  st = caps ? gst_caps_get_structure (caps, 0) : NULL;
  if (st == NULL || !gst_structure_get_int (st, "width", &w)
      || !gst_structure_get_int (st, "height", &h) || !too_large (w, h))
    return GST_PAD_PROBE_REMOVE;
  g->width = w;
  g->height = h;
  g->too_large = TRUE;
  gst_element_post_message (g->pipeline,
      gst_message_new_error (GST_OBJECT (g->pipeline),
          g_error_new_literal (
              GST_STREAM_ERROR, GST_STREAM_ERROR_TOO_LAZY, "picture too large"),
          NULL));
  return GST_PAD_PROBE_OK; /* stay blocked */
}

/* Copies the first sample's frame into @out. Returns 0 or -1. */
static int
copy_sample (GstSample *sample, const char *path, yolor_rgb_image *out,
    char *errbuf, size_t errlen)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  const uint8_t *src;
  int y, src_stride;
  size_t row;

  if (caps == NULL || buf == NULL || !gst_video_info_from_caps (&info, caps)
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB) {
    set_error (errbuf, errlen, "cannot decode '%s': unexpected output", path);
    return -1;
  }
  if (too_large (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info))) {
    set_size_error (errbuf, errlen, path, GST_VIDEO_INFO_WIDTH (&info),
        GST_VIDEO_INFO_HEIGHT (&info));
    return -1;
  }
  if (!gst_video_frame_map (&frame, &info, buf, GST_MAP_READ)) {
    set_error (errbuf, errlen, "cannot decode '%s': cannot map frame", path);
    return -1;
  }
  out->width = GST_VIDEO_FRAME_WIDTH (&frame);
  out->height = GST_VIDEO_FRAME_HEIGHT (&frame);
  out->stride = 3 * out->width;
  row = (size_t) out->stride;
  out->data = malloc (row * (size_t) out->height);
  if (out->data == NULL) {
    gst_video_frame_unmap (&frame);
    set_error (errbuf, errlen, "cannot decode '%s': out of memory", path);
    return -1;
  }
  src = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  src_stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  for (y = 0; y < out->height; y++)
    memcpy (out->data + (size_t) y * row, src + (size_t) y * src_stride, row);
  gst_video_frame_unmap (&frame);
  return 0;
}

/* Runs one pipeline description on @path. Returns 0, -1, or -2 when the
 * picture is too large (no other decoder needs to try). */
static int
decode_with (const char *desc, const char *path, yolor_rgb_image *out,
    char *errbuf, size_t errlen)
{
  GError *gerr = NULL;
  GstElement *pipeline, *src, *sink, *conv;
  GstPad *conv_sink;
  GstBus *bus;
  GstSample *sample = NULL;
  gboolean timed_out = TRUE;
  caps_guard guard = { NULL, 0, 0, FALSE };
  int ret = -1;

  pipeline = gst_parse_launch (desc, &gerr);
  if (pipeline == NULL || gerr != NULL) {
    set_error (errbuf, errlen, "cannot decode '%s': %s", path,
        gerr ? gerr->message : "cannot build the pipeline");
    g_clear_error (&gerr);
    if (pipeline)
      gst_object_unref (pipeline);
    return -1;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  conv = gst_bin_get_by_name (GST_BIN (pipeline), "conv");
  g_object_set (src, "location", path, NULL);
  bus = gst_element_get_bus (pipeline);
  guard.pipeline = pipeline;
  conv_sink = gst_element_get_static_pad (conv, "sink");
  gst_pad_add_probe (conv_sink,
      GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      guard_caps, &guard, NULL);
  gst_object_unref (conv_sink);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    set_error (errbuf, errlen,
        "cannot decode '%s': pipeline failed to "
        "start",
        path);
  else {
    gint64 deadline =
        g_get_monotonic_time () + (gint64) DECODE_TIMEOUT_MS * 1000;

    while (g_get_monotonic_time () < deadline) {
      GstMessage *msg;

      sample =
          gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 50 * GST_MSECOND);
      if (sample)
        break;
      msg = gst_bus_timed_pop_filtered (
          bus, 10 * GST_MSECOND, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (msg == NULL && !gst_app_sink_is_eos (GST_APP_SINK (sink)))
        continue;
      if (guard.too_large) {
        set_size_error (errbuf, errlen, path, guard.width, guard.height);
      } else if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        GError *e = NULL;
        gst_message_parse_error (msg, &e, NULL);
        set_error (errbuf, errlen, "cannot decode '%s': %s", path,
            e ? e->message : "error");
        g_clear_error (&e);
      } else {
        set_error (
            errbuf, errlen, "cannot decode '%s': no picture in it", path);
      }
      if (msg)
        gst_message_unref (msg);
      timed_out = FALSE;
      break;
    }
    if (sample) {
      ret = copy_sample (sample, path, out, errbuf, errlen);
      gst_sample_unref (sample);
    } else if (timed_out)
      set_error (errbuf, errlen, "cannot decode '%s': timed out", path);
  }
  if (guard.too_large)
    ret = -2;

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (conv);
  gst_object_unref (pipeline);
  return ret;
}

static int
have_element (const char *name)
{
  GstElementFactory *f = gst_element_factory_find (name);

  if (f == NULL)
    return 0;
  gst_object_unref (f);
  return 1;
}

static int
is_jpeg (const unsigned char *m, size_t n)
{
  return n >= 3 && m[0] == 0xff && m[1] == 0xd8 && m[2] == 0xff;
}

/* The size a PNG (IHDR) or JPEG (first SOF marker) header of @f claims,
 * read from the start of the file (JPEG segments are skipped by their
 * lengths, so long EXIF or ICC data do not hide the frame header).
 * Returns 0 when it says none. */
static int
header_size (FILE *f, gint64 *w, gint64 *h)
{
  static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
    '\n' };
  unsigned char m[24];

  if (fread (m, 1, sizeof m, f) != sizeof m)
    return 0;
  if (memcmp (m, png, 8) == 0 && memcmp (m + 12, "IHDR", 4) == 0) {
    *w = (gint64) m[16] << 24 | m[17] << 16 | m[18] << 8 | m[19];
    *h = (gint64) m[20] << 24 | m[21] << 16 | m[22] << 8 | m[23];
    return 1;
  }
  if (!is_jpeg (m, sizeof m) || fseek (f, 2, SEEK_SET) != 0)
    return 0;
  for (int seg = 0; seg < 100000; seg++) {
    unsigned char b[9];
    long len;
    if (fread (b, 1, 2, f) != 2 || b[0] != 0xff)
      return 0;
    if (b[1] == 0xff) { /* fill byte */
      if (fseek (f, -1, SEEK_CUR) != 0)
        return 0;
      continue;
    }
    if (b[1] == 0x01 || (b[1] >= 0xd0 && b[1] <= 0xd7))
      continue; /* no length */
    if (fread (b + 2, 1, 2, f) != 2)
      return 0;
    len = (long) b[2] << 8 | b[3];
    if (b[1] >= 0xc0 && b[1] <= 0xcf && b[1] != 0xc4 && b[1] != 0xc8
        && b[1] != 0xcc) {
      if (fread (b + 4, 1, 5, f) != 5)
        return 0;
      *h = (gint64) b[5] << 8 | b[6];
      *w = (gint64) b[7] << 8 | b[8];
      return 1;
    }
    if (b[1] == 0xda || len < 2 || fseek (f, len - 2, SEEK_CUR) != 0)
      return 0; /* scan data before any frame header, or broken */
  }
  return 0;
}

int
yolor_rgb_image_load (
    const char *path, yolor_rgb_image *out, char *errbuf, size_t errlen)
{
  GError *gerr = NULL;
  FILE *f;
  int jpeg;
  gint64 hw, hh;

  memset (out, 0, sizeof *out);
  if (path == NULL) {
    set_error (errbuf, errlen, "no image path");
    return -1;
  }
  f = fopen (path, "rb");
  if (f == NULL) {
    set_error (
        errbuf, errlen, "cannot open image '%s': %s", path, strerror (errno));
    return -1;
  }
  {
    unsigned char m[3];
    jpeg = fread (m, 1, 3, f) == 3 && is_jpeg (m, 3);
  }
  rewind (f);
  if (header_size (f, &hw, &hh) && too_large (hw, hh)) {
    fclose (f);
    set_size_error (errbuf, errlen, path, hw, hh);
    return -1;
  }
  fclose (f);

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, &gerr)) {
    set_error (errbuf, errlen, "cannot decode '%s': GStreamer: %s", path,
        gerr ? gerr->message : "initialisation failed");
    g_clear_error (&gerr);
    return -1;
  }

  if (jpeg) {
    int r = -1;
    if (have_element ("gdkpixbufdec"))
      r = decode_with (pixbuf_pipeline, path, out, errbuf, errlen);
    if (r == -1 && have_element ("jpegdec"))
      r = decode_with (jpeg_pipeline, path, out, errbuf, errlen);
    if (r != -1)
      return r == 0 ? 0 : -1;
  }
  return decode_with (generic_pipeline, path, out, errbuf, errlen) == 0 ? 0
                                                                        : -1;
}

void
yolor_rgb_image_clear (yolor_rgb_image *img)
{
  if (img == NULL)
    return;
  free (img->data);
  memset (img, 0, sizeof *img);
}
