/* yolor-annotate: the main job. Detects objects in a video file and writes
 * an annotated H.264 MP4 and one JSON line of detections per frame.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pipeline:
 *   filesrc ! decodebin ! videoconvert ! yolordetect ! [yolortrack !]
 *       [yolorosd !] videoconvert ! x264enc ! mp4mux ! filesink
 * with a pad probe after yolordetect (or yolortrack, with --track) that
 * reads the frame meta (see gst/gstyolormeta.h) and writes the JSON lines.
 * The JSON follows the shape of DL Streamer's gvametaconvert:
 * objects[].detection.bounding_box; with --track, objects[].id is the
 * track id, frames carry "events" when tracks enter or leave, and a last
 * line {"events": [...], "reason": "eos"} holds the tracks alive at the
 * end.
 *
 * Usage: yolor-annotate [OPTION…] VIDEO   (--help lists the options)
 * Prints the output paths, the frame count and the measured fps.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "gstyolorjson.h"
#include "gstyolormeta.h"
#include "launch-quote.h"

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  FILE *jsonl;
  guint64 frames;
  GArray *inference_ns; /* owned: guint64 per inference, in order */
  gint max_frames;
  guint64 frames_in;
  gint stop; /* atomic: Ctrl-C seen */
  gboolean eos_sent;
  gboolean failed;
  guint64 enters; /* tracks that entered (--track) */
} App;

static gint
cmp_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* "inference: median M ms, mean A ms over N frames (the first, F ms,
 * warm-up, left out)": the first inference prepares the net for the input
 * size and is not what the others cost. @ns: sorted here. */
static void
print_inference_times (GArray *ns)
{
  guint64 first, sum = 0;
  guint n;

  if (ns->len == 0)
    return;
  first = g_array_index (ns, guint64, 0);
  if (ns->len == 1) {
    g_print ("inference: %.1f ms (one frame, warm-up included)\n", first / 1e6);
    return;
  }
  g_array_remove_index (ns, 0);
  g_array_sort (ns, cmp_u64);
  n = ns->len;
  for (guint i = 0; i < n; i++)
    sum += g_array_index (ns, guint64, i);
  g_print ("inference: median %.1f ms, mean %.1f ms over %u frames (the "
           "first, %.1f ms, is warm-up and left out)\n",
      (n % 2 ? g_array_index (ns, guint64, n / 2)
             : (g_array_index (ns, guint64, n / 2 - 1)
                   + g_array_index (ns, guint64, n / 2))
                  / 2)
          / 1e6,
      sum / 1e6 / n, n, first / 1e6);
}

static void
write_json_line (App *app, GstBuffer *buf, const GstStructure *fm)
{
  GString *line = g_string_new (NULL);

  gst_yolor_json_frame (line, NULL, app->frames, buf, fm);
  g_string_append_c (line, '\n');
  fputs (line->str, app->jsonl);
  g_string_free (line, TRUE);
}

/* Enter events of a GstValueArray of yolor-track-event structures. */
static guint
count_enters (const GValue *events)
{
  guint k = 0,
        n = events && GST_VALUE_HOLDS_ARRAY (events)
      ? gst_value_array_get_size (events)
      : 0;

  for (guint i = 0; i < n; i++) {
    const GValue *v = gst_value_array_get_value (events, i);

    if (GST_VALUE_HOLDS_STRUCTURE (v)
        && g_strcmp0 (
               gst_structure_get_string (gst_value_get_structure (v), "type"),
               "enter")
            == 0)
      k++;
  }
  return k;
}

/* yolortrack's last events (the tracks alive at EOS): one more line. */
static GstPadProbeReturn
on_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  App *app = data;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  const GstStructure *s;
  GString *line;

  (void) pad;
  if (GST_EVENT_TYPE (ev) != GST_EVENT_CUSTOM_DOWNSTREAM
      || !gst_event_has_name (ev, "yolor-track-events"))
    return GST_PAD_PROBE_OK;
  s = gst_event_get_structure (ev);
  line = g_string_new (NULL);
  gst_yolor_json_track_events (line, s);
  g_string_append_c (line, '\n');
  fputs (line->str, app->jsonl);
  g_string_free (line, TRUE);
  return GST_PAD_PROBE_OK;
}

/* Ctrl-C: finish the MP4 properly (EOS) instead of leaving it unreadable. */
static gboolean
on_sigint (gpointer data)
{
  App *app = data;

  g_printerr ("yolor-annotate: interrupted, finishing the files\n");
  g_atomic_int_set (&app->stop, 1);
  return G_SOURCE_REMOVE;
}

/* Before the detector: after --max-frames or Ctrl-C, end the stream here
 * (EOS reaches the muxer, which finishes the MP4) and drop what the decoder
 * still delivers, so it is not run through the detector. */
static GstPadProbeReturn
on_input (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  App *app = data;

  (void) info;
  if (g_atomic_int_get (&app->stop)
      || (app->max_frames > 0 && app->frames_in >= (guint64) app->max_frames)) {
    if (!app->eos_sent) {
      app->eos_sent = TRUE;
      gst_pad_send_event (pad, gst_event_new_eos ());
    }
    return GST_PAD_PROBE_DROP;
  }
  app->frames_in++;
  return GST_PAD_PROBE_OK;
}

/* After the detector: one JSON line per frame from the frame meta. */
static GstPadProbeReturn
on_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  App *app = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  const GstStructure *fm;
  gboolean fresh = FALSE;
  guint64 ns = 0;

  (void) pad;
  fm = gst_buffer_get_yolor_frame_meta (buf);
  if (fm) {
    write_json_line (app, buf, fm);
    app->enters += count_enters (gst_structure_get_value (fm, "events"));
    if (gst_structure_get_boolean (fm, "fresh", &fresh) && fresh
        && gst_structure_get_uint64 (fm, "inference_ns", &ns)) {
      g_array_append_val (app->inference_ns, ns);
    }
  }
  app->frames++;
  return GST_PAD_PROBE_OK;
}

static gboolean
on_message (GstBus *bus, GstMessage *msg, gpointer data)
{
  App *app = data;

  (void) bus;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR: {
      GError *err = NULL;
      gchar *dbg = NULL;

      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("yolor-annotate: error from %s: %s\n%s\n",
          GST_OBJECT_NAME (msg->src), err->message, dbg ? dbg : "");
      g_error_free (err);
      g_free (dbg);
      app->failed = TRUE;
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  gchar *out_dir = NULL, *mp4 = NULL, *jsonl = NULL, *model = NULL;
  gchar *detect_props = NULL, *props, *track = NULL, *track_desc;
  gint max_frames = 0;
  gboolean no_osd = FALSE, no_video = FALSE;
  GOptionEntry entries[] = {
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
        "Folder for the outputs (default: the current folder)", "DIR" },
    { "mp4", 0, 0, G_OPTION_ARG_FILENAME, &mp4,
        "Annotated video (default: DIR/<video>-annotated.mp4)", "FILE" },
    { "jsonl", 0, 0, G_OPTION_ARG_FILENAME, &jsonl,
        "JSON lines (default: DIR/<video>-detections.jsonl)", "FILE" },
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model,
        "Model .cfg (default: the element's default model)", "CFG" },
    { "detect-props", 'p', 0, G_OPTION_ARG_STRING, &detect_props,
        "More yolordetect properties, e.g. \"threshold=0.3 n-threads=2\"",
        "PROPS" },
    { "track", 't', 0, G_OPTION_ARG_STRING, &track,
        "Track the objects (yolortrack tracking-type: iou or embedding); "
        "ids in the video and the JSON, enter/leave events in the JSON",
        "TYPE" },
    { "max-frames", 'n', 0, G_OPTION_ARG_INT, &max_frames,
        "Stop after N frames (default: the whole video)", "N" },
    { "no-osd", 0, 0, G_OPTION_ARG_NONE, &no_osd, "Do not draw the boxes",
        NULL },
    { "no-video", 0, 0, G_OPTION_ARG_NONE, &no_video,
        "Write only the JSON lines (no MP4)", NULL },
    { NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL }
  };
  GOptionContext *ctx = g_option_context_new ("VIDEO");
  GError *err = NULL;
  App app = { 0 };
  gchar *stem, *desc, *q_in, *q_mp4, *q_model = NULL;
  GstElement *detect, *last;
  GstPad *pad;
  GstBus *bus;
  gint64 t0, t1;
  int ret = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || argc != 2) {
    g_printerr ("yolor-annotate: %s\n%s",
        err ? err->message : "expected one VIDEO",
        g_option_context_get_help (ctx, TRUE, NULL));
    return 2;
  }
  g_option_context_free (ctx);
  props = yolor_launch_props (detect_props, &err);
  if (props == NULL) {
    g_printerr ("yolor-annotate: --detect-props: %s\n", err->message);
    return 2;
  }

  if (out_dir == NULL)
    out_dir = g_strdup (".");
  g_mkdir_with_parents (out_dir, 0755);
  {
    gchar *base = g_path_get_basename (argv[1]);
    gchar *dot = strrchr (base, '.');

    if (dot)
      *dot = '\0';
    stem = g_build_filename (out_dir, base, NULL);
    g_free (base);
  }
  if (mp4 == NULL)
    mp4 = g_strconcat (stem, "-annotated.mp4", NULL);
  if (jsonl == NULL)
    jsonl = g_strconcat (stem, "-detections.jsonl", NULL);

  if (!no_osd) {
    GstElementFactory *osd = gst_element_factory_find ("yolorosd");

    if (osd == NULL) {
      g_printerr ("yolor-annotate: yolorosd is not available; the video "
                  "will not show the boxes\n");
      no_osd = TRUE;
    } else {
      gst_object_unref (osd);
    }
  }
  if (track && *track && g_strcmp0 (track, "none") != 0) {
    gchar *q_track = yolor_launch_quote (track);

    track_desc =
        g_strdup_printf ("! yolortrack name=track tracking-type=%s ", q_track);
    g_free (q_track);
  } else {
    track_desc = g_strdup ("");
  }
  q_in = yolor_launch_quote (argv[1]);
  q_mp4 = yolor_launch_quote (mp4);
  if (model)
    q_model = yolor_launch_quote (model);
  if (no_video)
    desc = g_strdup_printf (
        "filesrc location=%s ! decodebin ! videoconvert "
        "! yolordetect name=detect %s%s %s %s! fakesink sync=false",
        q_in, q_model ? "model=" : "", q_model ? q_model : "", props,
        track_desc);
  else
    desc = g_strdup_printf (
        "filesrc location=%s ! decodebin ! videoconvert "
        "! yolordetect name=detect %s%s %s %s! %s videoconvert ! "
        "x264enc speed-preset=veryfast pass=qual quantizer=23 ! h264parse ! "
        "mp4mux ! "
        "filesink location=%s",
        q_in, q_model ? "model=" : "", q_model ? q_model : "", props,
        track_desc, no_osd ? "" : "yolorosd !", q_mp4);
  app.pipeline = gst_parse_launch (desc, &err);
  if (app.pipeline == NULL || err) {
    g_printerr ("yolor-annotate: cannot build the pipeline: %s\n",
        err ? err->message : "?");
    return 1;
  }
  app.jsonl = fopen (jsonl, "w");
  if (app.jsonl == NULL) {
    g_printerr ("yolor-annotate: cannot write %s\n", jsonl);
    return 1;
  }
  app.max_frames = max_frames;
  app.loop = g_main_loop_new (NULL, FALSE);
  app.inference_ns = g_array_new (FALSE, FALSE, sizeof (guint64));
  detect = gst_bin_get_by_name (GST_BIN (app.pipeline), "detect");
  last = gst_bin_get_by_name (GST_BIN (app.pipeline), "track");
  if (last == NULL)
    last = gst_object_ref (detect);
  pad = gst_element_get_static_pad (last, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &app, NULL);
  gst_pad_add_probe (
      pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event, &app, NULL);
  gst_object_unref (pad);
  gst_object_unref (last);
  pad = gst_element_get_static_pad (detect, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_input, &app, NULL);
  gst_object_unref (pad);
  gst_object_unref (detect);
  bus = gst_element_get_bus (app.pipeline);
  gst_bus_add_watch (bus, on_message, &app);
  g_unix_signal_add (SIGINT, on_sigint, &app);

  t0 = g_get_monotonic_time ();
  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    app.failed = TRUE;
  /* an error message may already be waiting; the loop reports it */
  g_main_loop_run (app.loop);
  t1 = g_get_monotonic_time ();
  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  fclose (app.jsonl);

  if (app.failed || app.frames == 0) {
    if (!app.failed)
      g_printerr ("yolor-annotate: no frame was decoded\n");
    ret = 1;
  } else {
    gdouble secs = (t1 - t0) / 1e6;

    if (!no_video)
      g_print ("annotated video: %s\n", mp4);
    g_print ("detections (JSON lines): %s\n", jsonl);
    g_print ("frames: %" G_GUINT64_FORMAT " in %.2f s: %.1f fps end to end "
             "(decode, detect, draw, encode)\n",
        app.frames, secs, app.frames / secs);
    print_inference_times (app.inference_ns);
    if (*track_desc)
      g_print ("tracks: %" G_GUINT64_FORMAT " objects entered\n", app.enters);
  }

  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  g_array_unref (app.inference_ns);
  g_free (desc);
  g_free (q_in);
  g_free (q_mp4);
  g_free (q_model);
  g_free (stem);
  g_free (out_dir);
  g_free (mp4);
  g_free (jsonl);
  g_free (model);
  g_free (detect_props);
  g_free (track);
  g_free (track_desc);
  g_free (props);
  return ret;
}
