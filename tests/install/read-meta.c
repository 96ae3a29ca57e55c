/* An application of the installed plugin and metadata API, built outside
 * the source tree (pkg-config gst-yolor-meta): runs
 *
 *   filesrc ! decodebin ! videoconvert ! yolordetect model=MODEL ! fakesink
 *
 * on an image and prints the detections of the frame meta, one line each,
 * "label confidence x y w h".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst-yolor/gstyolormeta.h>
#include <gst/gst.h>
#include <stdio.h>

static void
on_handoff (GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
  const GstStructure *s = gst_buffer_get_yolor_frame_meta (buf);
  guint n = gst_yolor_frame_meta_get_n_detections (s);
  gboolean *seen = data;

  (void) sink;
  (void) pad;
  *seen = s != NULL;
  printf ("frame meta: %u detections\n", n);
  for (guint i = 0; i < n; i++) {
    GstYolorDetection d;
    if (gst_yolor_frame_meta_get_row (s, i, &d))
      printf (
          "%s %.3f %d %d %d %d\n", d.label, d.confidence, d.x, d.y, d.w, d.h);
  }
}

int
main (int argc, char **argv)
{
  gchar *desc;
  GstElement *pipe, *sink;
  GstMessage *msg;
  GError *err = NULL;
  gboolean seen = FALSE;

  gst_init (&argc, &argv);
  if (argc != 3) {
    fprintf (stderr, "usage: %s MODEL.cfg IMAGE\n", argv[0]);
    return 2;
  }
  desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert "
                          "! yolordetect model=\"%s\" ! fakesink name=sink "
                          "signal-handoffs=true",
      argv[2], argv[1]);
  pipe = gst_parse_launch (desc, &err);
  g_free (desc);
  if (pipe == NULL) {
    fprintf (stderr, "%s\n", err->message);
    return 1;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &seen);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    fprintf (stderr, "%s\n", err->message);
    return 1;
  }
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  return seen ? 0 : 1;
}
