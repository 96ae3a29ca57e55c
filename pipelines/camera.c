/* One camera of the multi-camera job: pipeline, outputs, reconnects.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "camera.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "gstyolorjson.h"
#include "gstyolormeta.h"
#include "launch-quote.h"

static void camera_drop (YolorCamera *cam, const gchar *why);

static void
camera_set_state (YolorCamera *cam, YolorCameraState state)
{
  cam->state = state;
  cam->since_us = g_get_monotonic_time ();
}

gboolean
yolor_cameras_ended (const YolorCameras *job)
{
  guint i;

  for (i = 0; i < job->n_cams; i++)
    if (job->cams[i].state != YOLOR_CAMERA_DONE
        && job->cams[i].state != YOLOR_CAMERA_GAVE_UP)
      return FALSE;
  return TRUE;
}

void
yolor_cameras_check_end (YolorCameras *job)
{
  if (yolor_cameras_ended (job))
    g_main_loop_quit (job->loop);
}

/* Before the detector: counts frames. Once the stream is to end (EOS sent
 * in, or the --max-frames-th frame passed), drops what still comes. */
static GstPadProbeReturn
on_input (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  YolorCamera *cam = data;
  YolorCameras *job = cam->job;
  gboolean drop;

  (void) pad;
  (void) info;
  g_mutex_lock (&cam->lock);
  drop = cam->eos_sent || cam->maxed;
  if (!drop) {
    cam->frames_in++;
    cam->conn_frames++;
    cam->last_frame_us = g_get_monotonic_time ();
    /* the tick sends the EOS from the main thread */
    cam->maxed =
        job->max_frames > 0 && cam->frames_in >= (guint64) job->max_frames;
  }
  g_mutex_unlock (&cam->lock);
  return drop ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* After the detector (or the tracker): one JSON line per frame. */
static GstPadProbeReturn
on_output (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  YolorCamera *cam = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (buf);
  GString *fields, *line;
  GstYolorJsonOptions opt = { 0 };
  guint64 frame;

  (void) pad;
  if (fm == NULL)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&cam->lock);
  frame = cam->frames_out++;
  g_mutex_unlock (&cam->lock);
  fields = g_string_new ("\"camera\":");
  gst_yolor_json_string (fields, cam->name);
  g_string_append_printf (fields,
      ",\"connection\":%u,\"utc_ms\":%" G_GINT64_FORMAT, cam->connection,
      g_get_real_time () / 1000);
  line = g_string_new (NULL);
  opt.fields = fields->str;
  gst_yolor_json_frame (line, &opt, frame, buf, fm);
  g_string_append_c (line, '\n');
  fputs (line->str, cam->jsonl_file);
  fflush (cam->jsonl_file);
  g_string_free (line, TRUE);
  g_string_free (fields, TRUE);
  return GST_PAD_PROBE_OK;
}

static gboolean
on_retry (gpointer data)
{
  YolorCamera *cam = data;

  cam->retry_id = 0;
  yolor_camera_connect (cam);
  return G_SOURCE_REMOVE;
}

/* Stops the pipeline and keeps the MP4 of a connection that brought
 * frames: as NAME-K.mp4 when @finished (its EOS reached the end), else as
 * NAME-K.unfinished.mp4. Then finishes the camera or schedules its next
 * attempt. */
static void
camera_teardown (YolorCamera *cam, gboolean finished)
{
  YolorCameras *job = cam->job;
  guint64 conn_frames;
  gboolean maxed;

  gst_element_set_state (cam->pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (cam->bus);
  gst_object_unref (cam->bus);
  gst_object_unref (cam->pipeline);
  cam->bus = NULL;
  cam->pipeline = NULL;
  g_mutex_lock (&cam->lock);
  conn_frames = cam->conn_frames;
  maxed = cam->maxed;
  g_mutex_unlock (&cam->lock);

  if (cam->part) {
    if (conn_frames > 0) {
      gchar *name = g_strdup_printf ("%s-%u%s.mp4", cam->name, cam->connection,
          finished ? "" : ".unfinished");
      gchar *mp4 = g_build_filename (job->out_dir, name, NULL);

      if (!finished)
        g_printerr ("yolor-cameras: %s: %s is not finished (no index: "
                    "players may not read it)\n",
            cam->name, mp4);
      g_string_append_printf (
          cam->videos, "%s%s", cam->videos->len ? " " : "", name);
      if (g_rename (cam->part, mp4) != 0)
        g_printerr ("yolor-cameras: %s: cannot rename %s: %s\n", cam->name,
            cam->part, g_strerror (errno));
      g_free (mp4);
      g_free (name);
    } else {
      g_unlink (cam->part);
    }
  }
  if (conn_frames == 0)
    cam->empty++;
  else if (cam->dropped)
    cam->drops++;
  cam->dropped = FALSE;

  if (job->stopping || maxed) {
    camera_set_state (cam, YOLOR_CAMERA_DONE);
    yolor_cameras_check_end (job);
    return;
  }
  if (conn_frames > 0)
    cam->failures = 0;
  cam->failures++;
  if (job->retries > 0 && cam->failures > (guint) job->retries) {
    g_printerr ("yolor-cameras: %s: giving up after %d retries\n", cam->name,
        job->retries);
    camera_set_state (cam, YOLOR_CAMERA_GAVE_UP);
    yolor_cameras_check_end (job);
    return;
  }
  {
    guint wait = (guint) job->retry_wait, i;

    for (i = 1; i < cam->failures && wait < (guint) job->retry_max_wait; i++)
      wait *= 2;
    wait = MIN (wait, (guint) job->retry_max_wait);
    g_printerr ("yolor-cameras: %s: reconnecting in %u s (attempt %u)\n",
        cam->name, wait, cam->failures);
    camera_set_state (cam, YOLOR_CAMERA_WAITING);
    cam->retry_id = g_timeout_add_seconds (wait, on_retry, cam);
  }
}

/* Ends the current connection: with frames, EOS goes in at the detector's
 * input so the MP4 is finished, and teardown follows on the EOS message;
 * without, at once. */
static void
camera_finish (YolorCamera *cam)
{
  GstElement *detect;
  GstPad *pad;
  gboolean send, had_frames;

  g_mutex_lock (&cam->lock);
  had_frames = cam->conn_frames > 0;
  send = had_frames && !cam->eos_sent;
  cam->eos_sent = TRUE;
  g_mutex_unlock (&cam->lock);
  if (!had_frames) {
    camera_teardown (cam, FALSE);
    return;
  }
  camera_set_state (cam, YOLOR_CAMERA_DRAINING);
  if (send) {
    detect = gst_bin_get_by_name (GST_BIN (cam->pipeline), "detect");
    pad = gst_element_get_static_pad (detect, "sink");
    gst_pad_send_event (pad, gst_event_new_eos ());
    gst_object_unref (pad);
    gst_object_unref (detect);
  }
}

static void
camera_drop (YolorCamera *cam, const gchar *why)
{
  g_printerr ("yolor-cameras: %s: error: %s\n", cam->name, why);
  cam->dropped = TRUE;
  camera_finish (cam);
}

void
yolor_cameras_fail (YolorCameras *job, YolorCamera *broken)
{
  gboolean was_stopping = job->stopping;
  guint i;

  job->failed = TRUE;
  job->stopping = TRUE;
  if (broken && broken->pipeline)
    camera_teardown (broken, FALSE);
  else if (broken)
    camera_set_state (broken, YOLOR_CAMERA_DONE);
  if (!was_stopping)
    for (i = 0; i < job->n_cams; i++)
      if (&job->cams[i] != broken)
        yolor_camera_stop (&job->cams[i]);
  yolor_cameras_check_end (job);
}

/* TRUE when @obj is the source or the decoder, or inside them. */
static gboolean
from_source (YolorCamera *cam, GstObject *obj)
{
  const gchar *names[] = { "src", "dec" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (cam->pipeline), names[i]);
    gboolean inside = e
        && (obj == GST_OBJECT (e)
            || gst_object_has_as_ancestor (obj, GST_OBJECT (e)));

    if (e)
      gst_object_unref (e);
    if (inside)
      return TRUE;
  }
  return FALSE;
}

static gboolean
on_message (GstBus *bus, GstMessage *msg, gpointer data)
{
  YolorCamera *cam = data;
  YolorCameras *job = cam->job;

  (void) bus;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR: {
      GError *err = NULL;
      gchar *dbg = NULL, *why;

      gst_message_parse_error (msg, &err, &dbg);
      if (from_source (cam, GST_MESSAGE_SRC (msg))) {
        /* again while the MP4 finishes: that does not matter */
        if (cam->state != YOLOR_CAMERA_DRAINING) {
          why = g_strdup_printf (
              "%s (%s)", err->message, GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)));
          camera_drop (cam, why);
          g_free (why);
        }
      } else {
        /* the detector or an output: not the camera's fault, the job ends
         * (the other cameras finish their files) */
        g_printerr ("yolor-cameras: %s: error from %s: %s\n%s\n", cam->name,
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message,
            dbg ? dbg : "");
        yolor_cameras_fail (job, cam);
      }
      g_error_free (err);
      g_free (dbg);
      break;
    }
    case GST_MESSAGE_WARNING: {
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      g_printerr ("yolor-cameras: %s: warning from %s: %s\n", cam->name,
          GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
      g_error_free (err);
      break;
    }
    case GST_MESSAGE_EOS:
      if (cam->state != YOLOR_CAMERA_DRAINING && !job->stopping) {
        gboolean ours;

        g_mutex_lock (&cam->lock);
        ours = cam->eos_sent || cam->maxed;
        g_mutex_unlock (&cam->lock);
        if (!ours) {
          /* the EOS came from the camera: the MP4 is finished all the same */
          g_printerr ("yolor-cameras: %s: error: the stream ended "
                      "(the server closed it)\n",
              cam->name);
          cam->dropped = TRUE;
        }
      }
      camera_teardown (cam, TRUE);
      break;
    default:
      break;
  }
  return TRUE;
}

/* The detector of the job's launch lines: @extra (borrowed) first, then
 * the job's model instance and one thread, then the user's properties,
 * which may override those. Returns: (transfer full). */
static gchar *
detector_desc (const YolorCameras *job, const gchar *extra)
{
  gchar *q_id = yolor_launch_quote (job->instance_id);
  gchar *q_model = job->model ? yolor_launch_quote (job->model) : NULL;
  gchar *desc = g_strdup_printf (
      "yolordetect %s model-instance-id=%s n-threads=1 %s%s %s", extra, q_id,
      q_model ? "model=" : "", q_model ? q_model : "", job->props);

  g_free (q_id);
  g_free (q_model);
  return desc;
}

void
yolor_camera_connect (YolorCamera *cam)
{
  YolorCameras *job = cam->job;
  GError *err = NULL;
  gchar *q_url, *q_part, *detect_desc, *out, *desc;
  GstElement *detect, *last;
  GstPad *pad;

  cam->connection++;
  g_free (cam->part);
  cam->part = NULL;
  q_url = yolor_launch_quote (cam->url);
  detect_desc = detector_desc (job, "name=detect live=true");
  if (job->track) {
    /* ids are per connection: the JSON's "connection" tells them apart */
    gchar *q_track = yolor_launch_quote (job->track);
    gchar *d = g_strdup_printf (
        "%s ! yolortrack name=track tracking-type=%s", detect_desc, q_track);

    g_free (q_track);
    g_free (detect_desc);
    detect_desc = d;
  }
  if (job->video_sink) {
    out = g_strdup_printf ("%s videoconvert ! %s sync=false",
        job->no_osd ? "" : "yolorosd !", job->video_sink);
  } else if (job->no_video) {
    out = g_strdup ("fakesink sync=false");
  } else {
    cam->part = g_strdup_printf ("%s/.%s.part.mp4", job->out_dir, cam->name);
    q_part = yolor_launch_quote (cam->part);
    out = g_strdup_printf (
        "%s videoconvert ! "
        "x264enc speed-preset=veryfast pass=qual quantizer=23 ! "
        "h264parse ! mp4mux ! filesink location=%s",
        job->no_osd ? "" : "yolorosd !", q_part);
    g_free (q_part);
  }
  desc = g_strdup_printf (
      "rtspsrc name=src protocols=%s location=%s latency=%d ! "
      "application/x-rtp,media=video ! decodebin name=dec ! videoconvert ! "
      "%s ! %s",
      job->protocols, q_url, job->latency_ms, detect_desc, out);
  g_free (q_url);
  g_free (detect_desc);
  g_free (out);

  g_mutex_lock (&cam->lock);
  cam->conn_frames = 0;
  cam->eos_sent = FALSE;
  cam->maxed = FALSE;
  g_mutex_unlock (&cam->lock);
  cam->pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  if (cam->pipeline == NULL || err) {
    g_printerr ("yolor-cameras: %s: cannot build the pipeline: %s\n", cam->name,
        err ? err->message : "?");
    g_clear_error (&err);
    if (cam->pipeline)
      gst_object_unref (cam->pipeline);
    cam->pipeline = NULL;
    yolor_cameras_fail (job, cam);
    return;
  }
  detect = gst_bin_get_by_name (GST_BIN (cam->pipeline), "detect");
  pad = gst_element_get_static_pad (detect, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_input, cam, NULL);
  gst_object_unref (pad);
  /* the JSON lines after the last element of the analysis */
  last = gst_bin_get_by_name (GST_BIN (cam->pipeline), "track");
  if (last == NULL)
    last = gst_object_ref (detect);
  pad = gst_element_get_static_pad (last, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_output, cam, NULL);
  gst_object_unref (pad);
  gst_object_unref (last);
  gst_object_unref (detect);
  cam->bus = gst_element_get_bus (cam->pipeline);
  gst_bus_add_watch (cam->bus, on_message, cam);

  g_printerr ("yolor-cameras: %s: connecting to %s (connection %u)\n",
      cam->name, cam->url, cam->connection);
  camera_set_state (cam, YOLOR_CAMERA_CONNECTING);
  if (gst_element_set_state (cam->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    /* the element that failed said why: judged like any error */
    GstMessage *msg = gst_bus_pop_filtered (cam->bus, GST_MESSAGE_ERROR);

    if (msg) {
      on_message (cam->bus, msg, cam);
      gst_message_unref (msg);
    } else {
      camera_drop (cam, "the pipeline cannot start");
    }
  }
}

void
yolor_camera_tick (YolorCamera *cam, gint64 now)
{
  YolorCameras *job = cam->job;
  guint64 conn_frames;
  gint64 last;
  gchar *why;
  gboolean maxed;

  g_mutex_lock (&cam->lock);
  conn_frames = cam->conn_frames;
  last = cam->last_frame_us;
  maxed = cam->maxed;
  g_mutex_unlock (&cam->lock);
  if (cam->state == YOLOR_CAMERA_CONNECTING && conn_frames > 0) {
    g_printerr ("yolor-cameras: %s: streaming\n", cam->name);
    camera_set_state (cam, YOLOR_CAMERA_STREAMING);
  }
  if (maxed
      && (cam->state == YOLOR_CAMERA_CONNECTING
          || cam->state == YOLOR_CAMERA_STREAMING)) {
    /* --max-frames frames passed: end this camera's stream */
    camera_finish (cam);
  } else if (cam->state == YOLOR_CAMERA_CONNECTING
      && now - cam->since_us > job->connect_timeout * G_USEC_PER_SEC) {
    why = g_strdup_printf ("no video within %d s", job->connect_timeout);
    camera_drop (cam, why);
    g_free (why);
  } else if (cam->state == YOLOR_CAMERA_STREAMING
      && now - last > job->stall_timeout * G_USEC_PER_SEC) {
    why = g_strdup_printf ("no frame for %d s", job->stall_timeout);
    camera_drop (cam, why);
    g_free (why);
  } else if (cam->state == YOLOR_CAMERA_DRAINING
      && now - cam->since_us > 5 * G_USEC_PER_SEC) {
    g_printerr (
        "yolor-cameras: %s: the video did not finish in 5 s\n", cam->name);
    camera_teardown (cam, FALSE);
  }
}

void
yolor_camera_stop (YolorCamera *cam)
{
  if (cam->state == YOLOR_CAMERA_IDLE || cam->state == YOLOR_CAMERA_WAITING) {
    if (cam->retry_id)
      g_source_remove (cam->retry_id);
    cam->retry_id = 0;
    camera_set_state (cam, YOLOR_CAMERA_DONE);
  } else if (cam->state == YOLOR_CAMERA_CONNECTING
      || cam->state == YOLOR_CAMERA_STREAMING) {
    camera_finish (cam);
  }
}

void
yolor_camera_close (YolorCamera *cam)
{
  if (cam->pipeline)
    camera_teardown (cam, FALSE);
  if (cam->retry_id)
    g_source_remove (cam->retry_id);
  cam->retry_id = 0;
  if (cam->jsonl_file)
    fclose (cam->jsonl_file);
  cam->jsonl_file = NULL;
}

void
yolor_camera_clear (YolorCamera *cam)
{
  yolor_camera_close (cam);
  g_mutex_clear (&cam->lock);
  g_free (cam->name);
  g_free (cam->url);
  g_free (cam->jsonl);
  g_free (cam->part);
  if (cam->videos)
    g_string_free (cam->videos, TRUE);
  cam->videos = NULL;
  cam->name = cam->url = cam->jsonl = cam->part = NULL;
}

gboolean
yolor_camera_init (YolorCamera *cam, YolorCameras *job, guint index,
    const gchar *arg, GError **error)
{
  const gchar *eq = strchr (arg, '='), *scheme = strstr (arg, "://");
  const gchar *p;
  gboolean named = eq && (scheme == NULL || eq < scheme);

  if (named) {
    gboolean ok = eq > arg;

    for (p = arg; p < eq; p++)
      ok = ok && (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
    if (!ok) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "'%s': a camera is URL or NAME=URL, NAME of letters, digits, '-' "
          "and '_'",
          arg);
      return FALSE;
    }
  }
  cam->job = job;
  g_mutex_init (&cam->lock);
  cam->name =
      named ? g_strndup (arg, eq - arg) : g_strdup_printf ("cam%u", index + 1);
  cam->url = g_strdup (named ? eq + 1 : arg);
  cam->jsonl = g_strdup_printf ("%s/%s.jsonl", job->out_dir, cam->name);
  cam->videos = g_string_new (NULL);
  return TRUE;
}

gboolean
yolor_camera_open (YolorCamera *cam, GError **error)
{
  cam->jsonl_file = fopen (cam->jsonl, "w");
  if (cam->jsonl_file == NULL) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot write %s: %s", cam->jsonl, g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

GstElement *
yolor_cameras_keep_model (YolorCameras *job, GError **error)
{
  gchar *detect_desc = detector_desc (job, "");
  gchar *desc = g_strdup_printf (
      "appsrc is-live=true format=time "
      "caps=video/x-raw,format=RGB,width=64,height=64,framerate=1/1 ! "
      "%s ! fakesink",
      detect_desc);
  GstElement *keeper = gst_parse_launch (desc, error);
  GstBus *bus;
  GstMessage *msg;

  g_free (desc);
  g_free (detect_desc);
  if (keeper == NULL)
    return NULL;
  if (gst_element_set_state (keeper, GST_STATE_PAUSED)
      != GST_STATE_CHANGE_FAILURE)
    return keeper;
  bus = gst_element_get_bus (keeper);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg) {
    gst_message_parse_error (msg, error, NULL);
    gst_message_unref (msg);
  } else {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "the detector cannot start");
  }
  gst_object_unref (bus);
  gst_element_set_state (keeper, GST_STATE_NULL);
  gst_object_unref (keeper);
  return NULL;
}
