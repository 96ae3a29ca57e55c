/* gst-yolor: yolormetaconvert and yolormetapublish (method=file, and the
 * errors of method=mqtt) on frames whose metadata the test writes, and the
 * JSON helpers they share (gst/gstyolorjson.c). The real broker, with a
 * restart, is test-publish.py's.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"
#include "test-frames.h"
#include "gstyolorjson.h"
#include "gstyolormeta.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

static const test_box two[] = {
  { 10, 20, 110, 220, 0 },
  { 200, 50, 300, 150, 1 },
};

/* Pushes frame @frame with @n rows of @b through @h. Returns: (transfer
 * full) the output buffer. */
static GstBuffer *
push (GstHarness *h, guint64 frame, const test_box *b, guint n)
{
  GstBuffer *out =
      gst_harness_push_and_pull (h, test_make_frame (frame, frame, b, n));

  fail_unless (out != NULL);
  return out;
}

static GstHarness *
harness (const gchar *desc)
{
  GstHarness *h = gst_harness_new_parse (desc);

  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGB,width=320,height=240,framerate=10/1");
  return h;
}

/* Counts the occurrences of @needle in @s. */
static guint
count (const gchar *s, const gchar *needle)
{
  guint k = 0;

  for (const gchar *p = s; (p = strstr (p, needle)) != NULL; p++)
    k++;
  return k;
}

GST_START_TEST (test_json_helpers)
{
  const gchar *spaced = " { \"a\" : [1, -2.5e3, true, null, "
                        "\"x\\\"y\\u00e9\"], \"b\": {\"c\": {}} } ";
  const gchar *good[] = { "{}", spaced, "{\"site\":\"gate 2\"}" };
  const gchar *bad[] = { "", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
    "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"\\q\"}", "{} {}", "{\"a\":1.}",
    "{\"a\":\"\n\"}" };
  gchar *deep = g_strnfill (200, '[');
  gchar *nested = g_strdup_printf ("{\"a\":%s}", deep);
  gchar *laid, *back;
  const gchar *msg = "{\"a\":[],\"b\":{},\"c\":[1,{\"d\":\"x, y: {z}\"}]}";

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    fail_unless (gst_yolor_json_is_object (good[i]), "%s", good[i]);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    fail_if (gst_yolor_json_is_object (bad[i]), "%s", bad[i]);
  /* deeper than the validator goes: refused, not a stack overflow */
  fail_if (gst_yolor_json_is_object (nested));
  fail_if (gst_yolor_json_is_object (NULL));

  laid = gst_yolor_json_layout (msg, 2);
  fail_unless (gst_yolor_json_is_object (laid), "%s", laid);
  fail_unless (
      strstr (laid, "{\n  \"a\": [],\n  \"b\": {},\n") == laid, "%s", laid);
  fail_unless (strstr (laid, "\"d\": \"x, y: {z}\"") != NULL, "%s", laid);
  back = gst_yolor_json_layout (laid, -1);
  ck_assert_str_eq (back, msg);
  g_free (back);
  g_free (laid);
  g_free (nested);
  g_free (deep);
}

GST_END_TEST;

GST_START_TEST (test_convert_schema)
{
  GstHarness *h = harness (
      "yolormetaconvert source=cam1 tags=\"{\\\"site\\\":\\\"gate 2\\\"}\"");
  GstBuffer *out = push (h, 3, two, 2);
  const gchar *msg = gst_buffer_get_yolor_json (out);

  fail_unless (msg != NULL);
  fail_unless (gst_yolor_json_is_object (msg), "%s", msg);
  fail_if (strchr (msg, '\n'));
  fail_unless (strstr (msg,
                   "\"frame\":3,\"timestamp\":300000000,"
                   "\"resolution\":{\"width\":320,\"height\":240}")
          != NULL,
      "%s", msg);
  fail_unless (
      strstr (msg, "\"source\":\"cam1\",\"tags\":{\"site\":\"gate 2\"}")
          != NULL,
      "%s", msg);
  fail_unless (strstr (msg,
                   "{\"region_id\":0,\"x\":10,\"y\":20,\"w\":100,"
                   "\"h\":200,\"roi_type\":\"person\",\"detection\":"
                   "{\"bounding_box\":{\"x_min\":0.03125,")
          != NULL,
      "%s", msg);
  fail_unless (
      strstr (msg, "\"label\":\"car\",\"label_id\":1}}") != NULL, "%s", msg);
  /* untracked: no "id", as in DL Streamer without gvatrack */
  fail_if (strstr (msg, "\"id\":"), "%s", msg);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_convert_empty_frames)
{
  GstHarness *h = harness ("yolormetaconvert");
  GstBuffer *out = push (h, 0, NULL, 0);

  fail_unless (gst_buffer_get_yolor_json (out) == NULL);
  gst_buffer_unref (out);
  gst_harness_set (h, "yolormetaconvert", "add-empty-results", TRUE, NULL);
  out = push (h, 1, NULL, 0);
  fail_unless (
      g_str_has_suffix (gst_buffer_get_yolor_json (out), "\"objects\":[]}"));
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_convert_indent_and_tracks)
{
  GstHarness *h =
      harness ("yolortrack min-hits=1 ! yolormetaconvert json-indent=4 "
               "post-messages=true");
  GstBuffer *out;
  const gchar *msg;
  gchar *flat;

  gst_buffer_unref (push (h, 0, two, 2));
  out = push (h, 1, two, 2);
  msg = gst_buffer_get_yolor_json (out);
  fail_unless (gst_yolor_json_is_object (msg), "%s", msg);
  fail_unless (g_str_has_prefix (msg, "{\n    \"frame\": 1,\n"), "%s", msg);
  flat = gst_yolor_json_layout (msg, -1);
  /* tracked: the confirmed tracks' ids, first in each object */
  fail_unless (strstr (flat, "{\"id\":1,\"region_id\":1,") != NULL, "%s", flat);
  fail_unless (strstr (flat, "{\"id\":2,\"region_id\":2,") != NULL, "%s", flat);
  fail_unless (strstr (flat, "\"tracking\":\"embedding\"") != NULL, "%s", flat);
  g_free (flat);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Sets @e (floating or not, borrowed) to PAUSED and returns the text of the
 * error it posted (transfer full), NULL when it started. */
static gchar *
start_error (GstElement *e)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *m;
  GError *err = NULL;
  gchar *text = NULL;

  gst_element_set_bus (e, bus);
  if (gst_element_set_state (e, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE) {
    m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (m != NULL, "the state change failed without an error");
    gst_message_parse_error (m, &err, NULL);
    text = g_strdup (err->message);
    g_error_free (err);
    gst_message_unref (m);
  }
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  return text;
}

/* A loopback TCP port nothing listens on (bound, then closed). */
static gint
closed_port (void)
{
  struct sockaddr_in a = { 0 };
  socklen_t len = sizeof a;
  gint fd = socket (AF_INET, SOCK_STREAM, 0), port;

  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fail_unless (fd >= 0 && bind (fd, (struct sockaddr *) &a, sizeof a) == 0);
  fail_unless (getsockname (fd, (struct sockaddr *) &a, &len) == 0);
  port = ntohs (a.sin_port);
  close (fd);
  return port;
}

GST_START_TEST (test_bad_settings)
{
  GstElement *e = gst_element_factory_make ("yolormetaconvert", NULL);
  gchar *err, *addr = g_strdup_printf ("127.0.0.1:%d", closed_port ());
  const gchar *bad_addresses[] = { "host:99999", "host:", ":1883", "[::1", "" };

  gst_object_ref_sink (e);
  g_object_set (e, "tags", "{\"site\":", NULL);
  err = start_error (e);
  fail_unless (err && strstr (err, "not a JSON object"), "%s", err);
  g_free (err);
  gst_object_unref (e);

  e = gst_object_ref_sink (gst_element_factory_make ("yolormetapublish", NULL));
  g_object_set (e, "method", 2, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++) {
    g_object_set (e, "address", bad_addresses[i], NULL);
    err = start_error (e);
    fail_unless (err && strstr (err, "is not an MQTT broker address"), "%s: %s",
        bad_addresses[i], err);
    g_free (err);
  }
  g_object_set (e, "address", addr, NULL);
  err = start_error (e);
  fail_unless (err && strstr (err, "cannot connect to the MQTT broker at")
          && strstr (err, addr),
      "%s", err);
  g_free (err);

  g_object_set (e, "method", 1, "file-path", "/nonexistent-dir/out.json", NULL);
  err = start_error (e);
  fail_unless (err && strstr (err, "/nonexistent-dir/out.json"), "%s", err);
  g_free (err);
  gst_object_unref (e);
  g_free (addr);
}

GST_END_TEST;

/* method=file: the messages, the track events before EOS, the counts. */
static gchar *
publish_file (const gchar *format, guint frames)
{
  gchar *dir = g_dir_make_tmp ("yolor-publish-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "out.json", NULL);
  gchar *desc = g_strdup_printf (
      "yolortrack min-hits=1 ! yolormetaconvert add-empty-results=true ! "
      "yolormetapublish name=pub file-format=%s file-path=\"%s\"",
      format, path);
  GstHarness *h = harness (desc);
  GstElement *pub = gst_harness_find_element (h, "yolormetapublish");
  gchar *text = NULL;
  guint64 published = 0;

  for (guint i = 0; i < frames; i++)
    gst_buffer_unref (push (h, i, two, i % 3 ? 2 : 1));
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  g_object_get (pub, "published", &published, NULL);
  fail_unless_equals_uint64 (published, frames + 1);
  gst_object_unref (pub);
  gst_harness_teardown (h);
  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  g_unlink (path);
  g_rmdir (dir);
  g_free (desc);
  g_free (path);
  g_free (dir);
  return text;
}

GST_START_TEST (test_publish_file)
{
  gchar *text = publish_file ("json-lines", 7);
  gchar **lines = g_strsplit (text, "\n", -1);

  /* 7 frames, the events at EOS, the empty string after the last \n */
  fail_unless_equals_int (g_strv_length (lines), 9);
  for (guint i = 0; i < 8; i++)
    fail_unless (gst_yolor_json_is_object (lines[i]), "%s", lines[i]);
  fail_unless (g_str_has_prefix (lines[7], "{\"events\":[{\"type\":\"leave\","),
      "%s", lines[7]);
  fail_unless (g_str_has_suffix (lines[7], "\"reason\":\"eos\"}"));
  g_strfreev (lines);
  g_free (text);

  text = publish_file ("json", 4);
  fail_unless (g_str_has_prefix (text, "[\n{\"frame\":0,"), "%s", text);
  fail_unless (g_str_has_suffix (text, "\"reason\":\"eos\"}\n]\n"), "%s", text);
  fail_unless_equals_int (count (text, "\"frame\":"), 4);
  fail_unless_equals_int (count (text, "},\n{"), 4);
  g_free (text);
}

GST_END_TEST;

/* ---- method=mqtt against a real mosquitto on loopback ---- */

/* A broker and a subscriber writing what it gets to a file. */
typedef struct broker
{
  gchar *dir, *conf, *received; /* owned */
  gint port;
  GPid pid, sub_pid;
} broker;

/* The program $@var names (meson sets it), or a failure saying what to
 * install. */
static const gchar *
program (const gchar *var)
{
  const gchar *p = g_getenv (var);

  fail_unless (p && *p,
      "%s is not set: mosquitto and mosquitto-clients are missing (sh "
      "scripts/install-deps.sh, then meson setup again)",
      var);
  return p;
}

static GPid
spawn (const gchar **argv)
{
  GError *err = NULL;
  GPid pid = 0;

  fail_unless (g_spawn_async (NULL, (gchar **) argv, NULL,
                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                       | G_SPAWN_STDERR_TO_DEV_NULL,
                   NULL, NULL, &pid, &err),
      "%s: %s", argv[0], err ? err->message : "?");
  return pid;
}

static gboolean
port_open (gint port)
{
  struct sockaddr_in a = { 0 };
  gint fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean ok;

  a.sin_family = AF_INET;
  a.sin_port = htons (port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = connect (fd, (struct sockaddr *) &a, sizeof a) == 0;
  close (fd);
  return ok;
}

static void
broker_start (broker *b)
{
  const gchar *argv[] = { program ("YOLOR_MOSQUITTO"), "-c", b->conf, NULL };

  b->pid = spawn (argv);
  for (guint i = 0; i < 500 && !port_open (b->port); i++)
    g_usleep (10000);
  fail_unless (port_open (b->port), "mosquitto did not listen");
}

/* SIGTERM: mosquitto saves its sessions and queued messages and ends. */
static void
broker_stop (broker *b)
{
  kill (b->pid, SIGTERM);
  waitpid (b->pid, NULL, 0);
  g_spawn_close_pid (b->pid);
}

static gchar *
received (broker *b)
{
  gchar *text = NULL;

  if (!g_file_get_contents (b->received, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* Waits up to 20 s for @needle in what the subscriber got. */
static gboolean
wait_received (broker *b, const gchar *needle)
{
  for (guint i = 0; i < 2000; i++) {
    gchar *text = received (b);
    gboolean found = strstr (text, needle) != NULL;

    g_free (text);
    if (found)
      return TRUE;
    g_usleep (10000);
  }
  return FALSE;
}

/* A broker keeping sessions across restarts (persistence) and a
 * subscriber with a session of its own (-c), QoS 1, on topic "t/#", ready
 * when it returns. */
static void
broker_setup (broker *b)
{
  gchar *text, *out, *sub, *pub;

  b->dir = g_dir_make_tmp ("yolor-mqtt-XXXXXX", NULL);
  b->conf = g_build_filename (b->dir, "mosquitto.conf", NULL);
  b->received = g_build_filename (b->dir, "received", NULL);
  b->port = closed_port ();
  /* started as root, mosquitto would become the user mosquitto, who
   * cannot save the sessions in this directory */
  text = g_strdup_printf ("listener %d 127.0.0.1\nallow_anonymous true\n"
                          "persistence true\npersistence_location %s/\n"
                          "max_queued_messages 100000\nuser %s\n",
      b->port, b->dir, g_get_user_name ());
  fail_unless (g_file_set_contents (b->conf, text, -1, NULL));
  g_free (text);
  broker_start (b);

  out = g_shell_quote (b->received);
  sub = g_shell_quote (program ("YOLOR_MOSQUITTO_SUB"));
  text = g_strdup_printf ("exec %s -h 127.0.0.1 -p %d -q 1 -c -i yolor-sub "
                          "-t 't/#' > %s",
      sub, b->port, out);
  {
    const gchar *argv[] = { "/bin/sh", "-c", text, NULL };
    b->sub_pid = spawn (argv);
  }
  g_free (text);
  /* ready when a message sent now arrives */
  pub = g_strdup_printf ("%d", b->port);
  for (guint i = 0; i < 100; i++) {
    const gchar *argv[] = { program ("YOLOR_MOSQUITTO_PUB"), "-h", "127.0.0.1",
      "-p", pub, "-q", "1", "-t", "t/ready", "-m", "ready", NULL };
    GPid p = spawn (argv);

    waitpid (p, NULL, 0);
    g_spawn_close_pid (p);
    text = received (b);
    if (strstr (text, "ready")) {
      g_free (text);
      break;
    }
    g_free (text);
    g_usleep (50000);
  }
  fail_unless (wait_received (b, "ready"), "mosquitto_sub got nothing");
  g_free (pub);
  g_free (sub);
  g_free (out);
}

static void
broker_teardown (broker *b)
{
  gchar *cmd = g_strdup_printf ("rm -rf '%s'", b->dir);

  kill (b->sub_pid, SIGTERM);
  waitpid (b->sub_pid, NULL, 0);
  g_spawn_close_pid (b->sub_pid);
  broker_stop (b);
  fail_unless (system (cmd) == 0);
  g_free (cmd);
  g_free (b->dir);
  g_free (b->conf);
  g_free (b->received);
}

/* The distinct frames among the messages in @text (what the subscriber
 * got); *@dups_out counts the repeats. */
static guint
distinct_frames (const gchar *text, guint frames, guint *dups_out)
{
  guint8 *seen = g_new0 (guint8, frames);
  guint n = 0;

  *dups_out = 0;
  gchar **lines = g_strsplit (text, "\n", -1);

  /* every message parses (mosquitto_sub writes one per line) */
  for (guint i = 0; lines[i]; i++)
    fail_unless (!*lines[i] || g_str_equal (lines[i], "ready")
            || gst_yolor_json_is_object (lines[i]),
        "not a JSON message: %s", lines[i]);
  g_strfreev (lines);
  for (const gchar *p = text; (p = strstr (p, "{\"frame\":")) != NULL; p++) {
    guint64 f = g_ascii_strtoull (p + 9, NULL, 10);

    fail_unless (f < frames, "frame %" G_GUINT64_FORMAT " was never sent", f);
    if (seen[f]++)
      (*dups_out)++;
    else
      n++;
  }
  g_free (seen);
  return n;
}

/* @frames frames published to topic t/@topic with a queue of @max_queue
 * while the broker is stopped for the middle third (and restarted); the
 * harness flushes at EOS. Returns the publisher's lost count and the
 * distinct frames that arrived in *@arrived_out. */
static guint64
publish_across_restart (broker *b, const gchar *topic, guint max_queue,
    guint frames, guint *arrived_out)
{
  gchar *desc = g_strdup_printf (
      "yolormetaconvert add-empty-results=true ! yolormetapublish "
      "method=mqtt address=127.0.0.1:%d topic=t/%s max-queue=%u "
      "max-reconnect-interval=1 flush-timeout=15000",
      b->port, topic, max_queue);
  GstHarness *h = harness (desc);
  GstElement *pub = gst_harness_find_element (h, "yolormetapublish");
  guint64 lost = 0, published = 0, queued = 1;
  gchar *text, *end_marker;
  guint dups;

  for (guint i = 0; i < frames; i++) {
    if (i == frames / 3)
      broker_stop (b);
    if (i == 2 * frames / 3)
      broker_start (b);
    gst_buffer_unref (push (h, i, two, 2));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  g_object_get (
      pub, "lost", &lost, "published", &published, "queued", &queued, NULL);
  fail_unless_equals_uint64 (queued, 0);
  fail_unless_equals_uint64 (published + lost, frames);
  gst_object_unref (pub);
  gst_harness_teardown (h);

  /* the last frame is the end of what was sent */
  end_marker = g_strdup_printf ("{\"frame\":%u,", frames - 1);
  fail_unless (wait_received (b, end_marker), "the last message never came");
  text = received (b);
  *arrived_out = distinct_frames (text, frames, &dups);
  GST_INFO ("t/%s: %u distinct of %u, %u twice, lost %" G_GUINT64_FORMAT, topic,
      *arrived_out, frames, dups, lost);
  g_free (text);
  g_free (end_marker);
  g_free (desc);
  return lost;
}

GST_START_TEST (test_mqtt_broker_restart)
{
  broker b = { 0 };
  guint arrived = 0;
  guint64 lost;

  broker_setup (&b);
  /* the queue holds the outage: every frame arrives */
  lost = publish_across_restart (&b, "all", 1000, 60, &arrived);
  fail_unless_equals_uint64 (lost, 0);
  fail_unless_equals_int (arrived, 60);
  broker_teardown (&b);
}

GST_END_TEST;

GST_START_TEST (test_mqtt_queue_bound)
{
  broker b = { 0 };
  guint arrived = 0;
  guint64 lost;

  broker_setup (&b);
  /* 20 frames during the outage, a queue of 5: at least 15 lost, and
   * everything not counted lost arrived */
  lost = publish_across_restart (&b, "few", 5, 60, &arrived);
  fail_unless (lost >= 15, "lost %" G_GUINT64_FORMAT, lost);
  fail_unless (arrived + lost >= 60, "%u arrived, %" G_GUINT64_FORMAT " lost",
      arrived, lost);
  fail_unless (arrived < 60);
  broker_teardown (&b);
}

GST_END_TEST;

static Suite *
yolorjson_suite (void)
{
  Suite *s = suite_create ("yolorjson");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_json_helpers);
  tcase_add_test (tc, test_convert_schema);
  tcase_add_test (tc, test_convert_empty_frames);
  tcase_add_test (tc, test_convert_indent_and_tracks);
  tcase_add_test (tc, test_bad_settings);
  tcase_add_test (tc, test_publish_file);
  tcase_add_test (tc, test_mqtt_broker_restart);
  tcase_add_test (tc, test_mqtt_queue_bound);
  return s;
}

GST_CHECK_MAIN (yolorjson);
