/* yolormetaconvert — the results of each frame as JSON.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-yolormetaconvert
 * @title: yolormetaconvert
 *
 * Turns the metadata of yolordetect (and yolortrack) into one JSON message
 * per frame, in the schema of DL Streamer's gvametaconvert, so consumers
 * written for it read ours unchanged: "objects" with
 * "detection"."bounding_box" (normalised x_min … y_max), "confidence",
 * "label", "label_id", pixel "x", "y", "w", "h", "roi_type", "region_id"
 * and, after yolortrack, the track "id"; the frame's "resolution",
 * "timestamp" (ns) and, when set, "source" and "tags". Ours besides:
 * "frame", "fresh", "inference_ms", "model", "tracking", the tracks'
 * enter/leave "events" and, with #GstYolorMetaconvert:add-embeddings, each
 * object's "embedding". docs/metadata.md lists every member with its unit.
 *
 * The message goes on the buffer as a GstCustomMeta named
 * "GstYolorJSONMeta" (gst_buffer_get_yolor_json() in gstyolormeta.h reads
 * it; yolormetapublish sends it), and with
 * #GstYolorMetaconvert:post-messages on the bus too.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=video.mp4 ! decodebin ! videoconvert ! \
 *     yolordetect ! yolortrack ! yolormetaconvert ! \
 *     yolormetapublish file-format=json-lines file-path=out.jsonl ! fakesink
 * ]|
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolormetaconvert.h"
#include "gstyolorjson.h"
#include "gstyolormeta.h"

GST_DEBUG_CATEGORY_STATIC (gst_yolor_metaconvert_debug);
#define GST_CAT_DEFAULT gst_yolor_metaconvert_debug

#define DEFAULT_FORMAT GST_YOLOR_METACONVERT_JSON
#define DEFAULT_JSON_INDENT -1
#define DEFAULT_ADD_EMPTY_RESULTS FALSE
#define DEFAULT_ADD_EMBEDDINGS FALSE
#define DEFAULT_POST_MESSAGES FALSE

enum
{
  PROP_0,
  PROP_FORMAT,
  PROP_JSON_INDENT,
  PROP_ADD_EMPTY_RESULTS,
  PROP_SOURCE,
  PROP_TAGS,
  PROP_ADD_EMBEDDINGS,
  PROP_POST_MESSAGES,
};

struct _GstYolorMetaconvert
{
  GstBaseTransform parent;

  /* Properties, under GST_OBJECT_LOCK. */
  GstYolorMetaconvertFormat format;
  gint json_indent;
  gboolean add_empty_results;
  gchar *source; /* owned, nullable */
  gchar *tags; /* owned, nullable: checked at start() */
  gboolean add_embeddings;
  gboolean post_messages;

  guint64 frames; /* buffers seen since start(), for metas without "frame" */
};

#define gst_yolor_metaconvert_parent_class parent_class
G_DEFINE_TYPE (
    GstYolorMetaconvert, gst_yolor_metaconvert, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (yolormetaconvert, "yolormetaconvert",
    GST_RANK_NONE, GST_TYPE_YOLOR_METACONVERT);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define GST_TYPE_YOLOR_METACONVERT_FORMAT                                      \
  (gst_yolor_metaconvert_format_get_type ())
static GType
gst_yolor_metaconvert_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_YOLOR_METACONVERT_JSON,
        "A GstYolorJSONMeta with the frame's JSON message", "json" },
    { GST_YOLOR_METACONVERT_DUMP_DETECTION,
        "The JSON message in the debug log (category yolormetaconvert, "
        "INFO), nothing attached",
        "dump-detection" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstYolorMetaconvertFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
gst_yolor_metaconvert_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstYolorMetaconvert *self = GST_YOLOR_METACONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_JSON_INDENT:
      self->json_indent = g_value_get_int (value);
      break;
    case PROP_ADD_EMPTY_RESULTS:
      self->add_empty_results = g_value_get_boolean (value);
      break;
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_value_dup_string (value);
      break;
    case PROP_TAGS:
      g_free (self->tags);
      self->tags = g_value_dup_string (value);
      break;
    case PROP_ADD_EMBEDDINGS:
      self->add_embeddings = g_value_get_boolean (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_yolor_metaconvert_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstYolorMetaconvert *self = GST_YOLOR_METACONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_JSON_INDENT:
      g_value_set_int (value, self->json_indent);
      break;
    case PROP_ADD_EMPTY_RESULTS:
      g_value_set_boolean (value, self->add_empty_results);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_TAGS:
      g_value_set_string (value, self->tags);
      break;
    case PROP_ADD_EMBEDDINGS:
      g_value_set_boolean (value, self->add_embeddings);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_yolor_metaconvert_start (GstBaseTransform *trans)
{
  GstYolorMetaconvert *self = GST_YOLOR_METACONVERT (trans);
  gboolean tags_ok;

  GST_OBJECT_LOCK (self);
  tags_ok = self->tags == NULL || gst_yolor_json_is_object (self->tags);
  self->frames = 0;
  GST_OBJECT_UNLOCK (self);
  if (!tags_ok) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The tags property is not a JSON object."),
        ("tags must be one JSON object, e.g. {\"site\":\"gate 2\"}"));
    return FALSE;
  }
  return TRUE;
}

static GstFlowReturn
gst_yolor_metaconvert_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  GstYolorMetaconvert *self = GST_YOLOR_METACONVERT (trans);
  const GstStructure *fm = gst_buffer_get_yolor_frame_meta (buf);
  GstYolorJsonOptions opt = { 0 };
  GstYolorMetaconvertFormat format;
  gboolean add_empty, post;
  gint indent;
  GString *json;
  gchar *message;
  guint64 frame = self->frames++;

  if (fm == NULL)
    return GST_FLOW_OK;
  /* the stream's frame index, as yolordetect counted it */
  gst_structure_get_uint64 (fm, "frame", &frame);
  GST_OBJECT_LOCK (self);
  format = self->format;
  indent = self->json_indent;
  add_empty = self->add_empty_results;
  post = self->post_messages;
  opt.embeddings = self->add_embeddings;
  /* copied: the properties may change while the message is written */
  opt.source = g_strdup (self->source);
  opt.tags = g_strdup (self->tags);
  GST_OBJECT_UNLOCK (self);

  if (add_empty || gst_yolor_frame_meta_get_n_detections (fm) > 0
      || gst_structure_has_field (fm, "events")) {
    json = g_string_new (NULL);
    gst_yolor_json_frame (json, &opt, frame, buf, fm);
    message = indent >= 0 ? gst_yolor_json_layout (json->str, indent)
                          : g_strdup (json->str);
    g_string_free (json, TRUE);
    if (format == GST_YOLOR_METACONVERT_DUMP_DETECTION)
      GST_INFO_OBJECT (self, "%s", message);
    else
      gst_yolor_meta_set_json (buf, message);
    if (post) {
      gst_element_post_message (GST_ELEMENT (self),
          gst_message_new_element (GST_OBJECT (self),
              gst_structure_new ("yolormetaconvert", "frame", G_TYPE_UINT64,
                  frame, "timestamp", G_TYPE_UINT64, GST_BUFFER_PTS (buf),
                  "message", G_TYPE_STRING, message, NULL)));
    }
    g_free (message);
  }
  g_free ((gchar *) opt.source);
  g_free ((gchar *) opt.tags);
  return GST_FLOW_OK;
}

static void
gst_yolor_metaconvert_finalize (GObject *object)
{
  GstYolorMetaconvert *self = GST_YOLOR_METACONVERT (object);

  g_free (self->source);
  g_free (self->tags);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_yolor_metaconvert_class_init (GstYolorMetaconvertClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;
  const GParamFlags at_ready =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;

  gobject_class->set_property = gst_yolor_metaconvert_set_property;
  gobject_class->get_property = gst_yolor_metaconvert_get_property;
  gobject_class->finalize = gst_yolor_metaconvert_finalize;

  g_object_class_install_property (gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format",
          "What to do with each frame's JSON message",
          GST_TYPE_YOLOR_METACONVERT_FORMAT, DEFAULT_FORMAT, live));
  g_object_class_install_property (gobject_class, PROP_JSON_INDENT,
      g_param_spec_int ("json-indent", "JSON indent",
          "Spaces per level of the message's layout, one member per line; "
          "-1: the whole message on one line",
          -1, 10, DEFAULT_JSON_INDENT, live));
  g_object_class_install_property (gobject_class, PROP_ADD_EMPTY_RESULTS,
      g_param_spec_boolean ("add-empty-results", "Add empty results",
          "Also write a message for frames without any detection (frames "
          "with track events always get one)",
          DEFAULT_ADD_EMPTY_RESULTS, live));
  g_object_class_install_property (gobject_class, PROP_SOURCE,
      g_param_spec_string ("source", "Source",
          "Written as the message's \"source\" (the stream's URI, a camera "
          "name); unset: no \"source\"",
          NULL, live));
  g_object_class_install_property (gobject_class, PROP_TAGS,
      g_param_spec_string ("tags", "Tags",
          "A JSON object written as the message's \"tags\", e.g. "
          "{\"site\":\"gate 2\"}; checked when the element starts",
          NULL, at_ready));
  g_object_class_install_property (gobject_class, PROP_ADD_EMBEDDINGS,
      g_param_spec_boolean ("add-embeddings", "Add embeddings",
          "Give each object its \"embedding\" (yolordetect's per-object "
          "vector, when it computes them)",
          DEFAULT_ADD_EMBEDDINGS, live));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Also post each message on the bus as an element message named "
          "yolormetaconvert (fields frame, timestamp, message)",
          DEFAULT_POST_MESSAGES, live));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "YOLOR metadata to JSON", "Filter/Metadata",
      "Writes each frame's detections, tracks and events as a JSON message "
      "in DL Streamer's gvametaconvert schema",
      "gst-yolor authors");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_yolor_metaconvert_start);
  trans_class->transform_ip =
      GST_DEBUG_FUNCPTR (gst_yolor_metaconvert_transform_ip);

  gst_type_mark_as_plugin_api (GST_TYPE_YOLOR_METACONVERT_FORMAT, 0);
  GST_DEBUG_CATEGORY_INIT (gst_yolor_metaconvert_debug, "yolormetaconvert", 0,
      "YOLOR metadata to JSON");
}

static void
gst_yolor_metaconvert_init (GstYolorMetaconvert *self)
{
  self->format = DEFAULT_FORMAT;
  self->json_indent = DEFAULT_JSON_INDENT;
  self->add_empty_results = DEFAULT_ADD_EMPTY_RESULTS;
  self->add_embeddings = DEFAULT_ADD_EMBEDDINGS;
  self->post_messages = DEFAULT_POST_MESSAGES;
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
}
