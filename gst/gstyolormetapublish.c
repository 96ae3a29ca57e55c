/* yolormetapublish — sends each frame's JSON message to a file or an MQTT
 * broker.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-yolormetapublish
 * @title: yolormetapublish
 *
 * Publishes the JSON message yolormetaconvert attached to each buffer, with
 * the property names of DL Streamer's gvametapublish:
 *
 * * method=file writes them to #GstYolorMetapublish:file-path ("stdout" by
 *   default) as one JSON array (file-format=json) or one message per line
 *   (file-format=json-lines);
 * * method=mqtt sends them to the broker at #GstYolorMetapublish:address
 *   on #GstYolorMetapublish:topic with QoS #GstYolorMetapublish:qos. A
 *   message stays in a queue of at most #GstYolorMetapublish:max-queue
 *   messages until the broker acknowledges it; when the broker goes away
 *   the element reconnects and sends the queue again, so a restart loses
 *   nothing while the queue has room (the oldest messages go first when it
 *   is full: #GstYolorMetapublish:lost counts them). At EOS it waits up to
 *   #GstYolorMetapublish:flush-timeout for the queue to empty.
 *
 * yolortrack's yolor-track-events (the tracks still alive at EOS) are
 * published as one more message, {"events":[…],"reason":"eos"}. At EOS the
 * element posts an element message "yolormetapublish" with the counts
 * published, lost and queued. Buffers pass unchanged.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=video.mp4 ! decodebin ! videoconvert ! \
 *     yolordetect ! yolortrack ! yolormetaconvert ! \
 *     yolormetapublish method=mqtt address=localhost:1883 topic=cam1 ! \
 *     fakesink
 * ]|
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolormetapublish.h"
#include "gstyolorjson.h"
#include "gstyolormeta.h"
#include "gstyolortrack.h"
#ifdef HAVE_MOSQUITTO
#include "gstyolormqtt.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_yolor_metapublish_debug);
#define GST_CAT_DEFAULT gst_yolor_metapublish_debug

#define DEFAULT_METHOD GST_YOLOR_PUBLISH_FILE
#define DEFAULT_FILE_PATH "stdout"
#define DEFAULT_FILE_FORMAT GST_YOLOR_PUBLISH_JSON
#define DEFAULT_ADDRESS "localhost:1883"
#define DEFAULT_TOPIC "yolor"
#define DEFAULT_QOS 1
#define DEFAULT_MAX_QUEUE 1000
#define DEFAULT_CONNECT_ATTEMPTS 1
#define DEFAULT_RECONNECT_INTERVAL 30
#define DEFAULT_FLUSH_TIMEOUT 5000
#define MQTT_PORT 1883

enum
{
  PROP_0,
  PROP_METHOD,
  PROP_FILE_PATH,
  PROP_FILE_FORMAT,
  PROP_ADDRESS,
  PROP_TOPIC,
  PROP_CLIENT_ID,
  PROP_QOS,
  PROP_MAX_QUEUE,
  PROP_CONNECT_ATTEMPTS,
  PROP_RECONNECT_INTERVAL,
  PROP_FLUSH_TIMEOUT,
  PROP_PUBLISHED,
  PROP_LOST,
  PROP_QUEUED,
};

struct _GstYolorMetapublish
{
  GstBaseTransform parent;

  /* Properties, under GST_OBJECT_LOCK; taken at start(). */
  GstYolorPublishMethod method;
  gchar *file_path; /* owned */
  GstYolorPublishFileFormat file_format;
  gchar *address; /* owned */
  gchar *topic; /* owned */
  gchar *client_id; /* owned, nullable */
  gint qos;
  guint max_queue;
  guint connect_attempts;
  guint reconnect_interval;
  guint flush_timeout;

  /* From start() to stop(). */
  FILE *file; /* owned unless it is stdout */
  GstYolorPublishFileFormat format; /* of the open file */
  guint64 written; /* messages written to the file */
  gboolean closed; /* the JSON array was closed (EOS) */
#ifdef HAVE_MOSQUITTO
  GstYolorMqtt *mqtt; /* owned */
#endif
};

#define gst_yolor_metapublish_parent_class parent_class
G_DEFINE_TYPE (
    GstYolorMetapublish, gst_yolor_metapublish, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (yolormetapublish, "yolormetapublish",
    GST_RANK_NONE, GST_TYPE_YOLOR_METAPUBLISH);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define GST_TYPE_YOLOR_PUBLISH_METHOD (gst_yolor_publish_method_get_type ())
static GType
gst_yolor_publish_method_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_YOLOR_PUBLISH_FILE, "Write to a file (or stdout)", "file" },
    { GST_YOLOR_PUBLISH_MQTT, "Send to an MQTT broker", "mqtt" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstYolorPublishMethod", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_YOLOR_PUBLISH_FILE_FORMAT                                     \
  (gst_yolor_publish_file_format_get_type ())
static GType
gst_yolor_publish_file_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_YOLOR_PUBLISH_JSON, "One JSON array of the messages", "json" },
    { GST_YOLOR_PUBLISH_JSON_LINES, "One message per line", "json-lines" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstYolorPublishFileFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
gst_yolor_metapublish_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_METHOD:
      self->method = g_value_get_enum (value);
      break;
    case PROP_FILE_PATH:
      g_free (self->file_path);
      self->file_path = g_value_dup_string (value);
      break;
    case PROP_FILE_FORMAT:
      self->file_format = g_value_get_enum (value);
      break;
    case PROP_ADDRESS:
      g_free (self->address);
      self->address = g_value_dup_string (value);
      break;
    case PROP_TOPIC:
      g_free (self->topic);
      self->topic = g_value_dup_string (value);
      break;
    case PROP_CLIENT_ID:
      g_free (self->client_id);
      self->client_id = g_value_dup_string (value);
      break;
    case PROP_QOS:
      self->qos = g_value_get_int (value);
      break;
    case PROP_MAX_QUEUE:
      self->max_queue = g_value_get_uint (value);
      break;
    case PROP_CONNECT_ATTEMPTS:
      self->connect_attempts = g_value_get_uint (value);
      break;
    case PROP_RECONNECT_INTERVAL:
      self->reconnect_interval = g_value_get_uint (value);
      break;
    case PROP_FLUSH_TIMEOUT:
      self->flush_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* The MQTT counts (0 without a connection). */
static void
get_counts (GstYolorMetapublish *self, guint64 *published, guint64 *lost,
    guint64 *queued)
{
  *published = *lost = *queued = 0;
#ifdef HAVE_MOSQUITTO
  if (self->mqtt) {
    GstYolorMqttStats st;

    gst_yolor_mqtt_get_stats (self->mqtt, &st);
    *published = st.published;
    *lost = st.lost;
    *queued = st.queued;
    return;
  }
#endif
  *published = self->written;
}

static void
gst_yolor_metapublish_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (object);
  guint64 published, lost, queued;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_METHOD:
      g_value_set_enum (value, self->method);
      break;
    case PROP_FILE_PATH:
      g_value_set_string (value, self->file_path);
      break;
    case PROP_FILE_FORMAT:
      g_value_set_enum (value, self->file_format);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_TOPIC:
      g_value_set_string (value, self->topic);
      break;
    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;
    case PROP_QOS:
      g_value_set_int (value, self->qos);
      break;
    case PROP_MAX_QUEUE:
      g_value_set_uint (value, self->max_queue);
      break;
    case PROP_CONNECT_ATTEMPTS:
      g_value_set_uint (value, self->connect_attempts);
      break;
    case PROP_RECONNECT_INTERVAL:
      g_value_set_uint (value, self->reconnect_interval);
      break;
    case PROP_FLUSH_TIMEOUT:
      g_value_set_uint (value, self->flush_timeout);
      break;
    case PROP_PUBLISHED:
    case PROP_LOST:
    case PROP_QUEUED:
      get_counts (self, &published, &lost, &queued);
      g_value_set_uint64 (value,
          prop_id == PROP_PUBLISHED  ? published
              : prop_id == PROP_LOST ? lost
                                     : queued);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

#ifdef HAVE_MOSQUITTO
/* "host", "host:port", "[v6]:port", optionally after "tcp://" or
 * "mqtt://". Returns: FALSE when @address is none of these. */
static gboolean
parse_address (const gchar *address, gchar **host_out, gint *port_out)
{
  const gchar *a = address, *colon;
  gchar *end = NULL;
  guint64 port = MQTT_PORT;

  if (a == NULL)
    return FALSE;
  if (g_str_has_prefix (a, "tcp://"))
    a += 6;
  else if (g_str_has_prefix (a, "mqtt://"))
    a += 7;
  if (*a == '[') {
    const gchar *close = strchr (a, ']');

    if (close == NULL || close == a + 1)
      return FALSE;
    *host_out = g_strndup (a + 1, close - a - 1);
    colon = close[1] == ':' ? close + 1 : NULL;
    if (close[1] != '\0' && colon == NULL) {
      g_clear_pointer (host_out, g_free);
      return FALSE;
    }
  } else {
    colon = strrchr (a, ':');
    if (colon == a || *a == '\0')
      return FALSE;
    *host_out = colon ? g_strndup (a, colon - a) : g_strdup (a);
  }
  if (colon) {
    port = g_ascii_strtoull (colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || port == 0 || port > 65535) {
      g_clear_pointer (host_out, g_free);
      return FALSE;
    }
  }
  *port_out = (gint) port;
  return TRUE;
}
#endif

static gboolean
open_file (GstYolorMetapublish *self, const gchar *path)
{
  if (path == NULL || *path == '\0' || g_strcmp0 (path, "stdout") == 0) {
    self->file = stdout;
    return TRUE;
  }
  self->file = fopen (path, "w");
  if (self->file == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Cannot open \"%s\" for writing: %s", path, g_strerror (errno)),
        (NULL));
    return FALSE;
  }
  return TRUE;
}

#ifdef HAVE_MOSQUITTO
static gboolean
open_mqtt (GstYolorMetapublish *self, const GstYolorMqttConfig *c0,
    const gchar *address)
{
  GstYolorMqttConfig c = *c0;
  gchar *host = NULL;
  GError *err = NULL;

  if (!parse_address (address, &host, &c.port)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("\"%s\" is not an MQTT broker address.", address ? address : ""),
        ("address is host, host:port or [ipv6]:port"));
    return FALSE;
  }
  c.host = host;
  self->mqtt = gst_yolor_mqtt_new (&c, &err);
  g_free (host);
  if (self->mqtt == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, ("%s", err->message),
        ("max-connect-attempts=%u", c.connect_attempts));
    g_error_free (err);
    return FALSE;
  }
  return TRUE;
}
#endif

static gboolean
gst_yolor_metapublish_start (GstBaseTransform *trans)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (trans);
  GstYolorPublishMethod method;
  gchar *path, *address, *topic, *client_id;
  gboolean ok = FALSE;
#ifdef HAVE_MOSQUITTO
  GstYolorMqttConfig c = { 0 };
#endif

  GST_OBJECT_LOCK (self);
  method = self->method;
  path = g_strdup (self->file_path);
  address = g_strdup (self->address);
  topic = g_strdup (self->topic);
  client_id = g_strdup (self->client_id);
  self->format = self->file_format;
#ifdef HAVE_MOSQUITTO
  c.qos = self->qos;
  c.max_queue = self->max_queue;
  c.connect_attempts = self->connect_attempts;
  c.reconnect_max_s = self->reconnect_interval;
#endif
  GST_OBJECT_UNLOCK (self);
  self->written = 0;
  self->closed = FALSE;

  if (method == GST_YOLOR_PUBLISH_FILE) {
    ok = open_file (self, path);
  } else if (topic == NULL || *topic == '\0') {
    GST_ELEMENT_ERROR (
        self, RESOURCE, SETTINGS, ("method=mqtt needs a topic."), (NULL));
  } else {
#ifdef HAVE_MOSQUITTO
    c.topic = topic;
    c.client_id = client_id;
    ok = open_mqtt (self, &c, address);
#else
    GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED,
        ("This gst-yolor was built without libmosquitto: method=mqtt is not "
         "available."),
        ("install libmosquitto-dev and rebuild"));
#endif
  }
  g_free (path);
  g_free (address);
  g_free (topic);
  g_free (client_id);
  return ok;
}

/* Ends the file's JSON array (file-format=json). */
static gboolean
close_array (GstYolorMetapublish *self)
{
  if (self->file == NULL || self->closed
      || self->format != GST_YOLOR_PUBLISH_JSON)
    return TRUE;
  self->closed = TRUE;
  fputs (self->written ? "\n]\n" : "[]\n", self->file);
  return fflush (self->file) == 0;
}

static gboolean
gst_yolor_metapublish_stop (GstBaseTransform *trans)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (trans);

  close_array (self);
  if (self->file && self->file != stdout)
    fclose (self->file);
  self->file = NULL;
#ifdef HAVE_MOSQUITTO
  {
    GstYolorMqtt *mqtt;

    /* the count properties read it under the lock */
    GST_OBJECT_LOCK (self);
    mqtt = self->mqtt;
    self->mqtt = NULL;
    GST_OBJECT_UNLOCK (self);
    gst_yolor_mqtt_free (mqtt);
  }
#endif
  return TRUE;
}

/* Sends one message (borrowed, valid JSON). Returns: FALSE after posting
 * an error (the file could not be written). */
static gboolean
publish (GstYolorMetapublish *self, const gchar *message)
{
  gchar *line;
  gboolean ok = TRUE;

#ifdef HAVE_MOSQUITTO
  if (self->mqtt) {
    gst_yolor_mqtt_publish (self->mqtt, message, strlen (message));
    return TRUE;
  }
#endif
  if (self->file == NULL || self->closed)
    return TRUE;
  if (self->format == GST_YOLOR_PUBLISH_JSON_LINES) {
    line = gst_yolor_json_layout (message, -1);
    ok = fprintf (self->file, "%s\n", line) >= 0;
    g_free (line);
  } else {
    ok = fprintf (self->file, "%s%s", self->written ? ",\n" : "[\n", message)
        >= 0;
  }
  if (!ok || fflush (self->file) != 0) {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Cannot write the metadata: %s", g_strerror (errno)), (NULL));
    return FALSE;
  }
  self->written++;
  return TRUE;
}

static GstFlowReturn
gst_yolor_metapublish_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (trans);
  const gchar *message = gst_buffer_get_yolor_json (buf);

  if (message && !publish (self, message))
    return GST_FLOW_ERROR;
  return GST_FLOW_OK;
}

static void
finish (GstYolorMetapublish *self)
{
  guint64 published, lost, queued;
  guint timeout;

  GST_OBJECT_LOCK (self);
  timeout = self->flush_timeout;
  GST_OBJECT_UNLOCK (self);
#ifdef HAVE_MOSQUITTO
  if (self->mqtt && !gst_yolor_mqtt_flush (self->mqtt, timeout))
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("Not every message reached the MQTT broker within %u ms.", timeout),
        (NULL));
#else
  (void) timeout;
#endif
  if (!close_array (self))
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Cannot write the metadata: %s", g_strerror (errno)), (NULL));
  get_counts (self, &published, &lost, &queued);
  GST_INFO_OBJECT (self,
      "published %" G_GUINT64_FORMAT ", lost %" G_GUINT64_FORMAT
      ", queued %" G_GUINT64_FORMAT,
      published, lost, queued);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("yolormetapublish", "published", G_TYPE_UINT64,
              published, "lost", G_TYPE_UINT64, lost, "queued", G_TYPE_UINT64,
              queued, NULL)));
}

static gboolean
gst_yolor_metapublish_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_DOWNSTREAM
      && gst_event_has_name (event, GST_YOLOR_TRACK_EVENTS_NAME)) {
    GString *json = g_string_new (NULL);

    gst_yolor_json_track_events (json, gst_event_get_structure (event));
    publish (self, json->str);
    g_string_free (json, TRUE);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    finish (self);
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static void
gst_yolor_metapublish_finalize (GObject *object)
{
  GstYolorMetapublish *self = GST_YOLOR_METAPUBLISH (object);

  g_free (self->file_path);
  g_free (self->address);
  g_free (self->topic);
  g_free (self->client_id);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_yolor_metapublish_class_init (GstYolorMetapublishClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags at_ready =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;
  const GParamFlags count = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = gst_yolor_metapublish_set_property;
  gobject_class->get_property = gst_yolor_metapublish_get_property;
  gobject_class->finalize = gst_yolor_metapublish_finalize;

  g_object_class_install_property (gobject_class, PROP_METHOD,
      g_param_spec_enum ("method", "Method", "Where the messages go",
          GST_TYPE_YOLOR_PUBLISH_METHOD, DEFAULT_METHOD, at_ready));
  g_object_class_install_property (gobject_class, PROP_FILE_PATH,
      g_param_spec_string ("file-path", "File path",
          "method=file: the file to write (created or emptied), or stdout",
          DEFAULT_FILE_PATH, at_ready));
  g_object_class_install_property (gobject_class, PROP_FILE_FORMAT,
      g_param_spec_enum ("file-format", "File format",
          "method=file: one JSON array, or one message per line",
          GST_TYPE_YOLOR_PUBLISH_FILE_FORMAT, DEFAULT_FILE_FORMAT, at_ready));
  g_object_class_install_property (gobject_class, PROP_ADDRESS,
      g_param_spec_string ("address", "Address",
          "method=mqtt: the broker, host[:port] (port 1883 when left out)",
          DEFAULT_ADDRESS, at_ready));
  g_object_class_install_property (gobject_class, PROP_TOPIC,
      g_param_spec_string ("topic", "Topic",
          "method=mqtt: the topic the messages are published on", DEFAULT_TOPIC,
          at_ready));
  g_object_class_install_property (gobject_class, PROP_CLIENT_ID,
      g_param_spec_string ("mqtt-client-id", "MQTT client id",
          "method=mqtt: the client id to connect with; unset: the broker "
          "gives one",
          NULL, at_ready));
  g_object_class_install_property (gobject_class, PROP_QOS,
      g_param_spec_int ("qos", "QoS",
          "method=mqtt: MQTT quality of service: 0 at most once, 1 at least "
          "once (a message may come twice after a reconnection), 2 exactly "
          "once",
          0, 2, DEFAULT_QOS, at_ready));
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE,
      g_param_spec_uint ("max-queue", "Maximum queue",
          "method=mqtt: messages kept until the broker acknowledges them "
          "(while it is away, too); when full the oldest is dropped and "
          "counted in lost",
          1, G_MAXINT, DEFAULT_MAX_QUEUE, at_ready));
  g_object_class_install_property (gobject_class, PROP_CONNECT_ATTEMPTS,
      g_param_spec_uint ("max-connect-attempts", "Maximum connect attempts",
          "method=mqtt: tries, a second apart, to reach the broker when the "
          "element starts before it fails",
          1, 3600, DEFAULT_CONNECT_ATTEMPTS, at_ready));
  g_object_class_install_property (gobject_class, PROP_RECONNECT_INTERVAL,
      g_param_spec_uint ("max-reconnect-interval", "Maximum reconnect interval",
          "method=mqtt: the longest wait, in seconds, between tries to "
          "reconnect to a broker that went away (1 s, then doubling)",
          1, 3600, DEFAULT_RECONNECT_INTERVAL, at_ready));
  g_object_class_install_property (gobject_class, PROP_FLUSH_TIMEOUT,
      g_param_spec_uint ("flush-timeout", "Flush timeout",
          "method=mqtt: at EOS, how long (ms) to wait for the queue to "
          "empty before EOS goes on",
          0, G_MAXINT, DEFAULT_FLUSH_TIMEOUT, live));
  g_object_class_install_property (gobject_class, PROP_PUBLISHED,
      g_param_spec_uint64 ("published", "Published",
          "Messages written to the file, or acknowledged by the broker", 0,
          G_MAXUINT64, 0, count));
  g_object_class_install_property (gobject_class, PROP_LOST,
      g_param_spec_uint64 ("lost", "Lost",
          "method=mqtt: messages dropped because the queue was full", 0,
          G_MAXUINT64, 0, count));
  g_object_class_install_property (gobject_class, PROP_QUEUED,
      g_param_spec_uint64 ("queued", "Queued",
          "method=mqtt: messages waiting for the broker now", 0, G_MAXUINT64, 0,
          count));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "YOLOR metadata publisher", "Filter/Metadata",
      "Sends each frame's JSON message (yolormetaconvert) to a file or an "
      "MQTT broker",
      "gst-yolor authors");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_yolor_metapublish_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_yolor_metapublish_stop);
  trans_class->transform_ip =
      GST_DEBUG_FUNCPTR (gst_yolor_metapublish_transform_ip);
  trans_class->sink_event =
      GST_DEBUG_FUNCPTR (gst_yolor_metapublish_sink_event);

  gst_type_mark_as_plugin_api (GST_TYPE_YOLOR_PUBLISH_METHOD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_YOLOR_PUBLISH_FILE_FORMAT, 0);
  GST_DEBUG_CATEGORY_INIT (gst_yolor_metapublish_debug, "yolormetapublish", 0,
      "YOLOR metadata publisher");
}

static void
gst_yolor_metapublish_init (GstYolorMetapublish *self)
{
  self->method = DEFAULT_METHOD;
  self->file_path = g_strdup (DEFAULT_FILE_PATH);
  self->file_format = DEFAULT_FILE_FORMAT;
  self->address = g_strdup (DEFAULT_ADDRESS);
  self->topic = g_strdup (DEFAULT_TOPIC);
  self->qos = DEFAULT_QOS;
  self->max_queue = DEFAULT_MAX_QUEUE;
  self->connect_attempts = DEFAULT_CONNECT_ATTEMPTS;
  self->reconnect_interval = DEFAULT_RECONNECT_INTERVAL;
  self->flush_timeout = DEFAULT_FLUSH_TIMEOUT;
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
}
