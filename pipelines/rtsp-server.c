/* yolor-rtsp-server: serves an annotated H.264 stream over RTSP.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: yolor-rtsp-server [--address 127.0.0.1] [--port 8554]
 *            [--detect-props "threshold=0.3"] [--raw] [--streams N]
 *            [--quit-after S] VIDEO
 *
 * Serves rtsp://ADDRESS:PORT/yolor: VIDEO decoded, run through
 * yolordetect ! yolorosd, encoded with x264enc (zerolatency) and payloaded
 * as RTP/H.264. The media is shared by all clients; when the file ends,
 * the stream ends (clients reconnect to start again). --raw serves the video
 * without detection (a camera stand-in for pipelines/rtsp-in.sh).
 * --streams N also serves /cam1 … /camN, each a media of its own (N cameras
 * for the multi-camera job). --port 0 picks a free port. The first line
 * printed is the URL of /yolor, the next N lines those of the cameras.
 * Listens on 127.0.0.1 unless --address says otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

#include "launch-quote.h"

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  gchar *address = NULL, *detect_props = NULL, *props, *launch, *video;
  gchar *service;
  gint port = 8554, quit_after = 0, streams = 0, i;
  gboolean raw = FALSE;
  GOptionEntry entries[] = { { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
                                 "Address to listen on (default 127.0.0.1)",
                                 "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
        "Port (default 8554; 0 picks a free one)", "PORT" },
    { "detect-props", 0, 0, G_OPTION_ARG_STRING, &detect_props,
        "yolordetect properties, e.g. \"threshold=0.3\"", "PROPS" },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, "Serve the video without detection",
        NULL },
    { "streams", 0, 0, G_OPTION_ARG_INT, &streams,
        "Also serve /cam1 … /camN, one media each (default 0)", "N" },
    { "quit-after", 0, 0, G_OPTION_ARG_INT, &quit_after,
        "Exit after S seconds (default: never)", "S" },
    { NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL } };
  GOptionContext *ctx = g_option_context_new ("VIDEO");
  GError *err = NULL;
  GMainLoop *loop;
  GstRTSPServer *server;
  GstRTSPMountPoints *mounts;
  GstRTSPMediaFactory *factory;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || argc != 2) {
    g_printerr ("yolor-rtsp-server: %s\n%s",
        err ? err->message : "expected one VIDEO",
        g_option_context_get_help (ctx, TRUE, NULL));
    return 2;
  }
  g_option_context_free (ctx);
  props = yolor_launch_props (detect_props, &err);
  if (props == NULL) {
    g_printerr ("yolor-rtsp-server: --detect-props: %s\n", err->message);
    return 2;
  }
  if (streams < 0 || streams > 64) {
    g_printerr ("yolor-rtsp-server: --streams must be 0 to 64\n");
    return 2;
  }
  if (address == NULL)
    address = g_strdup ("127.0.0.1");

  video = yolor_launch_quote (argv[1]);
  launch = g_strdup_printf (
      "( filesrc location=%s ! decodebin ! "
      "videoconvert ! %s%s%s videoconvert ! video/x-raw,format=I420 ! "
      "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! "
      "rtph264pay name=pay0 pt=96 config-interval=1 )",
      video, raw ? "" : "yolordetect ", raw ? "" : props,
      raw ? "" : " ! yolorosd !");
  loop = g_main_loop_new (NULL, FALSE);
  server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (server, address);
  service = g_strdup_printf ("%d", port);
  gst_rtsp_server_set_service (server, service);
  mounts = gst_rtsp_server_get_mount_points (server);
  for (i = 0; i <= streams; i++) {
    gchar *path = i ? g_strdup_printf ("/cam%d", i) : g_strdup ("/yolor");

    factory = gst_rtsp_media_factory_new ();
    gst_rtsp_media_factory_set_launch (factory, launch);
    gst_rtsp_media_factory_set_shared (factory, TRUE);
    gst_rtsp_mount_points_add_factory (mounts, path, factory);
    g_free (path);
  }
  g_object_unref (mounts);

  if (gst_rtsp_server_attach (server, NULL) == 0) {
    g_printerr ("yolor-rtsp-server: cannot listen on %s:%d\n", address, port);
    return 1;
  }
  g_print (
      "rtsp://%s:%d/yolor\n", address, gst_rtsp_server_get_bound_port (server));
  for (i = 1; i <= streams; i++)
    g_print ("rtsp://%s:%d/cam%d\n", address,
        gst_rtsp_server_get_bound_port (server), i);
  fflush (stdout);
  if (quit_after > 0)
    g_timeout_add_seconds ((guint) quit_after, quit_cb, loop);
  g_main_loop_run (loop);

  g_object_unref (server);
  g_main_loop_unref (loop);
  g_free (service);
  g_free (launch);
  g_free (video);
  g_free (address);
  g_free (detect_props);
  g_free (props);
  return 0;
}
