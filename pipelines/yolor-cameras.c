/* yolor-cameras: the multi-camera job. N RTSP cameras, one shared model,
 * per-camera annotated video and JSON lines; a camera that drops is
 * reported and reconnected with back-off while the others go on.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: yolor-cameras [OPTION…] [NAME=]URL…   (--help lists the options)
 *
 * Each camera is a pipeline of its own:
 *   rtspsrc ! application/x-rtp,media=video ! decodebin ! videoconvert !
 *       yolordetect model-instance-id=ID live=true n-threads=1 !
 *       [yolortrack !] [yolorosd !] videoconvert ! x264enc ! h264parse !
 *       mp4mux ! filesink
 * so one camera's error, end of stream or silence never stops another.
 * All the detectors share one model (model-instance-id), which one more
 * detector, never fed, keeps loaded while cameras reconnect (and checks
 * before any camera connects). Live mode keeps every camera at its frame
 * rate whatever inference costs.
 *
 * Outputs in DIR, per camera NAME (cam1, cam2… unless given):
 *   NAME.jsonl     one line per frame over all connections (gstyolorjson.h,
 *                  plus "camera", "connection" and "utc_ms")
 *   NAME-K.mp4     the annotated video of connection K (a stream's
 *                  timestamps start again when it reconnects)
 *
 * A camera drops when its source or decoder posts an error, when its
 * stream ends (a camera does not end: the server went away), when no frame
 * came for --stall-timeout seconds, or when a connection brought no frame
 * within --connect-timeout. Each drop is printed as an error line; the
 * camera then reconnects after --retry-wait seconds, doubling up to
 * --retry-max-wait while attempts keep failing, and back to --retry-wait
 * once a connection brings frames. An error of the detector or of the
 * outputs is not a camera's fault: the other cameras finish their files
 * and the job ends.
 *
 * The job ends at Ctrl-C (or SIGTERM), after --duration seconds, or when
 * every camera has --max-frames frames; every MP4 is finished (one that
 * cannot be is kept as NAME-K.unfinished.mp4). Exit status
 * 0 when every camera delivered frames and nothing else failed.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib-unix.h>
#include <gst/gst.h>

#include "camera.h"
#include "launch-quote.h"

/* Twice a second: first frames, silent cameras, MP4s slow to finish. */
static gboolean
on_tick (gpointer data)
{
  YolorCameras *job = data;
  gint64 now = g_get_monotonic_time ();
  guint i;

  for (i = 0; i < job->n_cams; i++)
    yolor_camera_tick (&job->cams[i], now);
  return G_SOURCE_CONTINUE;
}

/* Ctrl-C, SIGTERM or --duration: finish every camera. */
static gboolean
on_stop (gpointer data)
{
  YolorCameras *job = data;
  guint i;

  if (job->stopping)
    return G_SOURCE_CONTINUE;
  g_printerr ("yolor-cameras: stopping, finishing the files\n");
  job->stopping = TRUE;
  for (i = 0; i < job->n_cams; i++)
    yolor_camera_stop (&job->cams[i]);
  yolor_cameras_check_end (job);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer data)
{
  on_stop (data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  YolorCameras job = { 0 };
  gchar *detect_props = NULL;
  GOptionEntry entries[] = {
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &job.out_dir,
        "Folder for the outputs (default: the current folder)", "DIR" },
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &job.model,
        "Model .cfg (default: the element's default model)", "CFG" },
    { "detect-props", 'p', 0, G_OPTION_ARG_STRING, &detect_props,
        "More yolordetect properties, e.g. \"threshold=0.3\"", "PROPS" },
    { "instance-id", 0, 0, G_OPTION_ARG_STRING, &job.instance_id,
        "model-instance-id of the detectors (default yolor-cameras)", "ID" },
    { "protocols", 0, 0, G_OPTION_ARG_STRING, &job.protocols,
        "RTSP transports: tcp, udp or udp+tcp (default tcp)", "P" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &job.latency_ms,
        "Jitter buffer in ms (default 200)", "MS" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &job.connect_timeout,
        "A connection without video after S s is a drop (default 10)", "S" },
    { "stall-timeout", 0, 0, G_OPTION_ARG_INT, &job.stall_timeout,
        "No frame for S s is a drop (default 5)", "S" },
    { "retry-wait", 0, 0, G_OPTION_ARG_INT, &job.retry_wait,
        "First wait before reconnecting (default 1 s)", "S" },
    { "retry-max-wait", 0, 0, G_OPTION_ARG_INT, &job.retry_max_wait,
        "Longest wait, the waits doubling up to it (default 30 s)", "S" },
    { "retries", 0, 0, G_OPTION_ARG_INT, &job.retries,
        "Give a camera up when N reconnects in a row bring no frame "
        "(default 0: never)",
        "N" },
    { "max-frames", 'n', 0, G_OPTION_ARG_INT, &job.max_frames,
        "Stop each camera after N frames (default: never)", "N" },
    { "duration", 'd', 0, G_OPTION_ARG_INT, &job.duration,
        "Stop after S seconds (default: never)", "S" },
    { "track", 't', 0, G_OPTION_ARG_STRING, &job.track,
        "Track the objects of each camera (yolortrack tracking-type: iou or "
        "embedding); ids count from 1 on each connection",
        "TYPE" },
    { "no-osd", 0, 0, G_OPTION_ARG_NONE, &job.no_osd, "Do not draw the boxes",
        NULL },
    { "no-video", 0, 0, G_OPTION_ARG_NONE, &job.no_video,
        "Write only the JSON lines (no MP4)", NULL },
    { "video-sink", 0, 0, G_OPTION_ARG_STRING, &job.video_sink,
        "Show the annotated video in this sink (e.g. autovideosink) "
        "instead of writing MP4s",
        "ELEMENT" },
    { NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL }
  };
  GOptionContext *ctx = g_option_context_new ("[NAME=]URL…");
  GError *err = NULL;
  GstElement *keeper;
  guint i, tick;
  int ret = 0;

  job.latency_ms = 200;
  job.connect_timeout = 10;
  job.stall_timeout = 5;
  job.retry_wait = 1;
  job.retry_max_wait = 30;
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || argc < 2) {
    g_printerr ("yolor-cameras: %s\n%s",
        err ? err->message : "expected at least one camera URL",
        g_option_context_get_help (ctx, TRUE, NULL));
    return 2;
  }
  g_option_context_free (ctx);
  job.props = yolor_launch_props (detect_props, &err);
  if (job.props == NULL) {
    g_printerr ("yolor-cameras: --detect-props: %s\n", err->message);
    return 2;
  }
  if (job.protocols == NULL)
    job.protocols = g_strdup ("tcp");
  if (strcmp (job.protocols, "tcp") && strcmp (job.protocols, "udp")
      && strcmp (job.protocols, "udp+tcp")) {
    g_printerr ("yolor-cameras: --protocols: expected tcp, udp or udp+tcp, "
                "not '%s'\n",
        job.protocols);
    return 2;
  }
  if (job.connect_timeout < 1 || job.stall_timeout < 1 || job.retry_wait < 1
      || job.retry_max_wait < job.retry_wait || job.latency_ms < 0
      || job.retries < 0 || job.max_frames < 0 || job.duration < 0) {
    g_printerr ("yolor-cameras: the timeouts and waits must be at least 1 s "
                "(--retry-max-wait at least --retry-wait), the counts "
                "not negative\n");
    return 2;
  }
  if (job.video_sink
      && !g_regex_match_simple ("^[a-z0-9_-]+$", job.video_sink, 0, 0)) {
    g_printerr ("yolor-cameras: --video-sink: an element name, not '%s'\n",
        job.video_sink);
    return 2;
  }
  if (job.track
      && !g_regex_match_simple (
          "^(iou|embedding|short-term-imageless|zero-term-imageless|"
          "zero-term)$",
          job.track, 0, 0)) {
    g_printerr (
        "yolor-cameras: --track: iou or embedding, not '%s'\n", job.track);
    return 2;
  }
  if (job.instance_id == NULL)
    job.instance_id = g_strdup ("yolor-cameras");
  if (job.out_dir == NULL)
    job.out_dir = g_strdup (".");
  if (g_mkdir_with_parents (job.out_dir, 0755) != 0) {
    g_printerr ("yolor-cameras: cannot create %s: %s\n", job.out_dir,
        g_strerror (errno));
    return 1;
  }
  if (!job.no_osd) {
    GstElementFactory *osd = gst_element_factory_find ("yolorosd");

    if (osd == NULL) {
      g_printerr ("yolor-cameras: yolorosd is not available; the video will "
                  "not show the boxes\n");
      job.no_osd = TRUE;
    } else {
      gst_object_unref (osd);
    }
  }

  job.n_cams = (guint) argc - 1;
  job.cams = g_new0 (YolorCamera, job.n_cams);
  for (i = 0; i < job.n_cams; i++) {
    YolorCamera *cam = &job.cams[i];
    guint j;

    if (!yolor_camera_init (cam, &job, i, argv[i + 1], &err)) {
      g_printerr ("yolor-cameras: %s\n", err->message);
      return 2;
    }
    for (j = 0; j < i; j++)
      if (strcmp (job.cams[j].name, cam->name) == 0) {
        g_printerr ("yolor-cameras: two cameras named %s\n", cam->name);
        return 2;
      }
  }
  /* every argument is right: now the outputs */
  for (i = 0; i < job.n_cams; i++)
    if (!yolor_camera_open (&job.cams[i], &err)) {
      g_printerr ("yolor-cameras: %s\n", err->message);
      return 1;
    }

  keeper = yolor_cameras_keep_model (&job, &err);
  if (keeper == NULL) {
    g_printerr ("yolor-cameras: %s\n", err ? err->message : "?");
    return 1;
  }

  job.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_stop, &job);
  g_unix_signal_add (SIGTERM, on_stop, &job);
  if (job.duration > 0)
    g_timeout_add_seconds ((guint) job.duration, on_duration, &job);
  tick = g_timeout_add (500, on_tick, &job);
  for (i = 0; i < job.n_cams && !job.stopping; i++)
    yolor_camera_connect (&job.cams[i]);
  if (!yolor_cameras_ended (&job))
    g_main_loop_run (job.loop);
  g_source_remove (tick);
  job.stopping = TRUE;

  for (i = 0; i < job.n_cams; i++)
    yolor_camera_close (&job.cams[i]);
  for (i = 0; i < job.n_cams; i++) {
    YolorCamera *cam = &job.cams[i];
    guint64 frames;

    frames = cam->frames_out;
    g_print ("%s: %" G_GUINT64_FORMAT " frames, %u connection%s (%u without "
             "video), %u drop%s; %s",
        cam->name, frames, cam->connection, cam->connection == 1 ? "" : "s",
        cam->empty, cam->drops, cam->drops == 1 ? "" : "s", cam->jsonl);
    if (cam->videos->len)
      g_print ("; videos in %s: %s", job.out_dir, cam->videos->str);
    g_print ("\n");
    if (frames == 0)
      ret = 1;
  }
  if (job.failed)
    ret = 1;
  for (i = 0; i < job.n_cams; i++)
    yolor_camera_clear (&job.cams[i]);
  g_free (job.cams);
  g_main_loop_unref (job.loop);
  gst_element_set_state (keeper, GST_STATE_NULL);
  gst_object_unref (keeper);
  g_free (job.out_dir);
  g_free (job.model);
  g_free (job.props);
  g_free (job.protocols);
  g_free (job.instance_id);
  g_free (job.track);
  g_free (job.video_sink);
  g_free (detect_props);
  return ret;
}
