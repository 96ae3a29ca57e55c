/* gst-yolor element tests: decodes one frame of a video in its own process.
 *
 *   test-grab-frame FILE SECONDS CAPS OUT
 *
 * decodes FILE (an H.264 .mp4, a .jpg or a .png) at SECONDS, converts it to
 * CAPS (e.g. "video/x-raw,format=NV12,width=384,height=216") and writes to
 * OUT the frame's caps on the first line, then its pixels in the default
 * GstVideoInfo layout.
 *
 * The element tests run this instead of decoding themselves, so that a test
 * process never loads a decoder plugin: the H.264 decoder (libav) pulls in
 * libraries whose start-up code valgrind cannot run on every CPU, and what
 * a decoder does is not what the tests check. Under valgrind this process is
 * not traced, and runs natively.
 *
 * The decoder is named, not found by decodebin, so the frames do not depend
 * on which optional plugins happen to be installed.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

static int
die (const char *what, const char *detail)
{
  fprintf (stderr, "test-grab-frame: %s%s%s\n", what, detail ? ": " : "",
      detail ? detail : "");
  return 1;
}

/* Copies the frame of @sample (borrowed) into default strides and writes
 * it with its caps to @out. Returns 0 on success. */
static int
write_frame (GstSample *sample, const char *out)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstVideoInfo info;
  GstVideoFrame src, dst;
  GstBuffer *packed;
  GstMapInfo map;
  gchar *caps_str;
  FILE *f;
  int ok;

  if (!gst_video_info_from_caps (&info, caps))
    return die ("not raw video caps", NULL);
  if (!gst_video_frame_map (
          &src, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return die ("cannot map the frame", NULL);
  packed = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_video_frame_map (&dst, &info, packed, GST_MAP_WRITE);
  gst_video_frame_copy (&dst, &src);
  gst_video_frame_unmap (&dst);
  gst_video_frame_unmap (&src);

  caps_str = gst_caps_to_string (caps);
  f = fopen (out, "wb");
  gst_buffer_map (packed, &map, GST_MAP_READ);
  ok = f && fprintf (f, "%s\n", caps_str) > 0
      && fwrite (map.data, 1, map.size, f) == map.size;
  gst_buffer_unmap (packed, &map);
  if (f && fclose (f) != 0)
    ok = 0;
  gst_buffer_unref (packed);
  g_free (caps_str);
  return ok ? 0 : die ("cannot write", out);
}

int
main (int argc, char **argv)
{
  GstElement *pipe, *sink;
  GstSample *sample;
  GError *err = NULL;
  const gchar *decode;
  gchar *desc;
  gdouble seconds;
  int ret;

  if (argc != 5)
    return die ("usage: test-grab-frame FILE SECONDS CAPS OUT", NULL);
  gst_init (NULL, NULL);
  seconds = g_ascii_strtod (argv[2], NULL);
  if (g_str_has_suffix (argv[1], ".jpg"))
    decode = "jpegdec";
  else if (g_str_has_suffix (argv[1], ".png"))
    decode = "pngdec";
  else
    decode = "qtdemux ! h264parse ! avdec_h264";
  desc = g_strdup_printf ("filesrc location=\"%s\" ! %s ! videoconvert ! "
                          "videoscale ! %s ! appsink name=sink",
      argv[1], decode, argv[3]);
  pipe = gst_parse_launch (desc, &err);
  if (!pipe)
    return die (desc, err ? err->message : "cannot build");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  if (gst_element_set_state (pipe, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE
      || gst_element_get_state (pipe, NULL, NULL, GST_CLOCK_TIME_NONE)
          != GST_STATE_CHANGE_SUCCESS)
    return die ("cannot decode", argv[1]);
  if (seconds > 0) {
    if (!gst_element_seek_simple (pipe, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
            (gint64) (seconds * GST_SECOND)))
      return die ("cannot seek to", argv[2]);
    gst_element_get_state (pipe, NULL, NULL, GST_CLOCK_TIME_NONE);
  }
  sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
  if (!sample)
    return die ("no frame at", argv[2]);
  ret = write_frame (sample, argv[4]);
  gst_sample_unref (sample);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  return ret;
}
