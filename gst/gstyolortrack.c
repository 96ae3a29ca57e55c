/* yolortrack — gives the detections of yolordetect stable track ids.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-yolortrack
 * @title: yolortrack
 *
 * Follows the objects yolordetect finds from frame to frame and gives each
 * one a track id that stays with it while it is visible and through short
 * misses and occlusions. The tracking itself is libyolor's tracker
 * (include/yolor/yolor-track.h): a Kalman filter per track for the motion,
 * the box overlap, and, with tracking-type=embedding, the per-object
 * embeddings yolordetect attaches, so that an object hidden for a moment is
 * found again by its look.
 *
 * What it writes (docs/metadata.md):
 *
 * * each GstVideoRegionOfInterestMeta's id becomes the track id (1, 2, 3 …
 *   per stream), and its "detection" parameter gets "object_id", DL
 *   Streamer's field; a detection whose track is still tentative (seen
 *   fewer than #GstYolorTrack:min-hits times) gets the id −(row + 1) and
 *   no "object_id";
 * * the frame meta's ids follow, and it gains "tracking", "predicted" and,
 *   on frames where tracks entered or left, "events";
 * * on frames that were not detected on (yolordetect inference-interval
 *   > 1, or live=true), the boxes move with their tracks' motion
 *   (#GstYolorTrack:predict) instead of standing still.
 *
 * Before EOS it sends a custom downstream event, "yolor-track-events",
 * with the leave events of the tracks still alive, and with
 * #GstYolorTrack:post-messages posts every frame's structure (and that
 * event) on the bus.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=video.mp4 ! decodebin ! videoconvert ! \
 *     yolordetect inference-interval=3 ! yolortrack ! yolorosd ! \
 *     videoconvert ! autovideosink
 * ]|
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolortrack.h"
#include "gstyolormeta.h"

#include <string.h>

#include <gst/video/video.h>
#include <yolor/yolor-track.h>

GST_DEBUG_CATEGORY_STATIC (gst_yolor_track_debug);
#define GST_CAT_DEFAULT gst_yolor_track_debug

#define DEFAULT_TRACKING_TYPE GST_YOLOR_TRACKING_EMBEDDING
#define DEFAULT_IOU_THRESHOLD 0.3f
#define DEFAULT_APPEARANCE_THRESHOLD 0.2f
#define DEFAULT_MIN_HITS 3
#define DEFAULT_MAX_AGE 30
#define DEFAULT_PER_CLASS TRUE
#define DEFAULT_MIN_CONFIDENCE 0.0f
#define DEFAULT_PREDICT TRUE
#define DEFAULT_POST_MESSAGES FALSE

/* Frames whose timestamps are remembered (live results arrive a few frames
 * after the frame they were computed on). */
#define PTS_HISTORY 256

enum
{
  PROP_0,
  PROP_TRACKING_TYPE,
  PROP_IOU_THRESHOLD,
  PROP_APPEARANCE_THRESHOLD,
  PROP_MIN_HITS,
  PROP_MAX_AGE,
  PROP_PER_CLASS,
  PROP_MIN_CONFIDENCE,
  PROP_PREDICT,
  PROP_POST_MESSAGES,
};

struct _GstYolorTrack
{
  GstBaseTransform parent;

  /* Properties, under GST_OBJECT_LOCK. The tracker takes them at start. */
  GstYolorTrackingType tracking_type;
  gfloat iou_threshold;
  gfloat appearance_threshold;
  gint min_hits;
  gint max_age;
  gboolean per_class;
  gfloat min_confidence;
  gboolean predict;
  gboolean post_messages;

  /* Streaming state, from start() to stop(). */
  yolor_tracker *tracker; /* owned */
  gboolean embedding_mode; /* of the running tracker */
  gboolean have_update;
  guint64 last_inference; /* frame of the last update */
  GArray *row_ids; /* gint32: the ids of that update's rows */
  guint64 frames_seen; /* when the frame meta has no "frame" */
  guint64 pts_frame[PTS_HISTORY];
  GstClockTime pts[PTS_HISTORY];
  GHashTable *labels; /* label_id → label (owned strings) */
  gboolean warned_no_meta, warned_no_embeddings;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));

#define gst_yolor_track_parent_class parent_class
G_DEFINE_TYPE (GstYolorTrack, gst_yolor_track, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (
    yolortrack, "yolortrack", GST_RANK_NONE, GST_TYPE_YOLOR_TRACK);

GType
gst_yolor_tracking_type_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_YOLOR_TRACKING_IOU,
        "Box overlap and motion: a Kalman filter predicts each track's box; "
        "detections join the track they overlap most",
        "iou" },
    { GST_YOLOR_TRACKING_EMBEDDING,
        "Box overlap, motion and appearance: among the tracks that motion "
        "or overlap allow, yolordetect's per-object embeddings pick the one "
        "that looks the same first",
        "embedding" },
    { GST_YOLOR_TRACKING_SHORT_TERM_IMAGELESS,
        "DL Streamer's name, here the same as iou (which also predicts "
        "between inferences)",
        "short-term-imageless" },
    { GST_YOLOR_TRACKING_ZERO_TERM_IMAGELESS,
        "DL Streamer's name, here the same as iou", "zero-term-imageless" },
    { GST_YOLOR_TRACKING_ZERO_TERM,
        "DL Streamer's name, here the same as embedding (the embeddings "
        "play the part of its colour histogram)",
        "zero-term" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstYolorTrackingType", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
is_embedding_type (GstYolorTrackingType t)
{
  return t == GST_YOLOR_TRACKING_EMBEDDING || t == GST_YOLOR_TRACKING_ZERO_TERM;
}

static const gchar *
tracking_nick (GstYolorTrackingType t)
{
  GEnumValue *v = g_enum_get_value (
      g_type_class_peek (GST_TYPE_YOLOR_TRACKING_TYPE), (gint) t);

  return v ? v->value_nick : "";
}

static void
gst_yolor_track_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TRACKING_TYPE:
      self->tracking_type = g_value_get_enum (value);
      break;
    case PROP_IOU_THRESHOLD:
      self->iou_threshold = g_value_get_float (value);
      break;
    case PROP_APPEARANCE_THRESHOLD:
      self->appearance_threshold = g_value_get_float (value);
      break;
    case PROP_MIN_HITS:
      self->min_hits = g_value_get_int (value);
      break;
    case PROP_MAX_AGE:
      self->max_age = g_value_get_int (value);
      break;
    case PROP_PER_CLASS:
      self->per_class = g_value_get_boolean (value);
      break;
    case PROP_MIN_CONFIDENCE:
      self->min_confidence = g_value_get_float (value);
      break;
    case PROP_PREDICT:
      self->predict = g_value_get_boolean (value);
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
gst_yolor_track_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TRACKING_TYPE:
      g_value_set_enum (value, self->tracking_type);
      break;
    case PROP_IOU_THRESHOLD:
      g_value_set_float (value, self->iou_threshold);
      break;
    case PROP_APPEARANCE_THRESHOLD:
      g_value_set_float (value, self->appearance_threshold);
      break;
    case PROP_MIN_HITS:
      g_value_set_int (value, self->min_hits);
      break;
    case PROP_MAX_AGE:
      g_value_set_int (value, self->max_age);
      break;
    case PROP_PER_CLASS:
      g_value_set_boolean (value, self->per_class);
      break;
    case PROP_MIN_CONFIDENCE:
      g_value_set_float (value, self->min_confidence);
      break;
    case PROP_PREDICT:
      g_value_set_boolean (value, self->predict);
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

static void
forget_stream (GstYolorTrack *self)
{
  self->have_update = FALSE;
  self->last_inference = 0;
  g_array_set_size (self->row_ids, 0);
  self->frames_seen = 0;
  for (guint i = 0; i < PTS_HISTORY; i++) {
    self->pts_frame[i] = G_MAXUINT64;
    self->pts[i] = GST_CLOCK_TIME_NONE;
  }
}

static gboolean
gst_yolor_track_start (GstBaseTransform *trans)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (trans);
  yolor_track_params p;
  yolor_error err = { YOLOR_OK, "" };
  GstYolorTrackingType type;

  yolor_track_params_init (&p);
  GST_OBJECT_LOCK (self);
  type = self->tracking_type;
  p.mode = is_embedding_type (type) ? YOLOR_TRACK_EMBEDDING : YOLOR_TRACK_IOU;
  p.iou_threshold = self->iou_threshold;
  p.appearance_threshold = self->appearance_threshold;
  p.min_hits = self->min_hits;
  p.max_age = self->max_age;
  p.per_class = self->per_class;
  p.min_confidence = self->min_confidence;
  GST_OBJECT_UNLOCK (self);

  if (yolor_tracker_new (&p, &self->tracker, &err) != YOLOR_OK) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("Could not start the tracker: %s", err.msg), (NULL));
    return FALSE;
  }
  self->embedding_mode = p.mode == YOLOR_TRACK_EMBEDDING;
  self->warned_no_meta = self->warned_no_embeddings = FALSE;
  forget_stream (self);
  GST_DEBUG_OBJECT (self, "tracking-type %s", tracking_nick (type));
  return TRUE;
}

static gboolean
gst_yolor_track_stop (GstBaseTransform *trans)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (trans);

  yolor_tracker_free (self->tracker);
  self->tracker = NULL;
  g_hash_table_remove_all (self->labels);
  return TRUE;
}

/* Timestamp of frame @frame if it passed recently, else @fallback. */
static GstClockTime
pts_of (GstYolorTrack *self, guint64 frame, GstClockTime fallback)
{
  guint k = (guint) (frame % PTS_HISTORY);

  return self->pts_frame[k] == frame ? self->pts[k] : fallback;
}

static const gchar *
label_of (GstYolorTrack *self, gint label_id)
{
  const gchar *l =
      g_hash_table_lookup (self->labels, GINT_TO_POINTER (label_id));

  return l ? l : "unknown";
}

/* The events @self's tracker has pending, as a GstValueArray of
 * "yolor-track-event" structures into @out. FALSE when there are none. */
static gboolean
take_events (GstYolorTrack *self, GValue *out)
{
  yolor_track_event ev[32];
  size_t k;
  gboolean any = FALSE;

  while ((k = yolor_tracker_take_events (self->tracker, ev, G_N_ELEMENTS (ev)))
      > 0) {
    if (!any) {
      gst_value_array_init (out, (guint) k);
      any = TRUE;
    }
    for (size_t i = 0; i < k; i++) {
      GValue v = G_VALUE_INIT;
      GstStructure *s = gst_structure_new ("yolor-track-event", "type",
          G_TYPE_STRING, ev[i].type == YOLOR_TRACK_ENTER ? "enter" : "leave",
          "id", G_TYPE_INT, (gint) ev[i].id, "label", G_TYPE_STRING,
          label_of (self, ev[i].class_id), "label_id", G_TYPE_INT,
          ev[i].class_id, "first_frame", G_TYPE_UINT64,
          (guint64) ev[i].first_frame, "last_frame", G_TYPE_UINT64,
          (guint64) ev[i].last_frame, "first_timestamp", G_TYPE_UINT64,
          (guint64) ev[i].first_timestamp, "last_timestamp", G_TYPE_UINT64,
          (guint64) ev[i].last_timestamp, "sightings", G_TYPE_UINT64,
          (guint64) ev[i].n_sightings, NULL);

      g_value_init (&v, GST_TYPE_STRUCTURE);
      g_value_take_boxed (&v, s);
      gst_value_array_append_and_take_value (out, &v);
    }
  }
  return any;
}

/* The rows of frame meta @s as pixel detections into @dets (n), learning
 * the labels on the way. */
static void
read_rows (GstYolorTrack *self, const GstStructure *s, gint w, gint h,
    yolor_detection *dets, guint n)
{
  for (guint i = 0; i < n; i++) {
    GstYolorDetection d;

    memset (&dets[i], 0, sizeof (dets[i]));
    if (!gst_yolor_frame_meta_get_row (s, i, &d))
      continue;
    dets[i].x1 = (float) (d.x_min * w);
    dets[i].y1 = (float) (d.y_min * h);
    dets[i].x2 = (float) (d.x_max * w);
    dets[i].y2 = (float) (d.y_max * h);
    dets[i].confidence = (float) d.confidence;
    dets[i].objectness = (float) d.confidence;
    dets[i].class_id = d.label_id;
    if (d.label
        && !g_hash_table_contains (self->labels, GINT_TO_POINTER (d.label_id)))
      g_hash_table_insert (
          self->labels, GINT_TO_POINTER (d.label_id), g_strdup (d.label));
  }
}

static void
post_frame (GstYolorTrack *self, GstBuffer *buf)
{
  GstStructure *s = gst_yolor_meta_to_message (buf, "yolortrack");
  GstSegment *seg = &GST_BASE_TRANSFORM (self)->segment;
  GstClockTime ts = GST_BUFFER_PTS (buf);

  if (s == NULL)
    return;
  gst_structure_set (s, "timestamp", G_TYPE_UINT64, ts, "stream-time",
      G_TYPE_UINT64, gst_segment_to_stream_time (seg, GST_FORMAT_TIME, ts),
      "running-time", G_TYPE_UINT64,
      gst_segment_to_running_time (seg, GST_FORMAT_TIME, ts), NULL);
  gst_element_post_message (
      GST_ELEMENT (self), gst_message_new_element (GST_OBJECT (self), s));
}

/* Updates the tracker with the rows of @s, computed on frame @inference.
 * Fills self->row_ids. */
static GstFlowReturn
update (GstYolorTrack *self, GstBuffer *buf, const GstStructure *s,
    guint64 inference, gint w, gint h, guint n)
{
  yolor_detection *dets = g_new (yolor_detection, MAX (n, 1));
  GstBuffer *emb_buf;
  GstMapInfo map = GST_MAP_INFO_INIT;
  const float *emb = NULL;
  gint dim = 0;
  yolor_error err = { YOLOR_OK, "" };
  yolor_status st;
  GstClockTime ts;

  read_rows (self, s, w, h, dets, n);
  emb_buf = gst_yolor_frame_meta_get_embeddings (s, &dim);
  if (self->embedding_mode && emb_buf && dim > 0
      && gst_buffer_map (emb_buf, &map, GST_MAP_READ)) {
    if (map.size == (gsize) n * dim * sizeof (float))
      emb = (const float *) map.data;
  }
  if (self->embedding_mode && emb == NULL && n > 0
      && !self->warned_no_embeddings) {
    GST_WARNING_OBJECT (self,
        "tracking-type=embedding but the detections carry no embeddings "
        "(yolordetect embeddings=false?): tracking by box overlap and motion");
    self->warned_no_embeddings = TRUE;
  }
  ts = pts_of (self, inference, GST_BUFFER_PTS (buf));
  g_array_set_size (self->row_ids, n);
  st = yolor_tracker_update (self->tracker, (int64_t) inference,
      GST_CLOCK_TIME_IS_VALID (ts) ? (int64_t) ts : -1, dets, n, emb,
      emb ? dim : 0, (int32_t *) self->row_ids->data, &err);
  if (map.data)
    gst_buffer_unmap (emb_buf, &map);
  g_free (dets);
  if (st != YOLOR_OK) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Tracking failed: %s", err.msg),
        ("%s", yolor_status_str (st)));
    return GST_FLOW_ERROR;
  }
  self->have_update = TRUE;
  self->last_inference = inference;
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_yolor_track_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (trans);
  GstCustomMeta *meta;
  GstStructure *s;
  guint64 frame, inference = 0;
  gboolean fresh = FALSE, tracked, predict, post;
  gint w = 0, h = 0;
  guint n;
  GstYolorTrackFrame t = { 0 };
  GValue events = G_VALUE_INIT;
  gint *ids;
  gfloat *boxes = NULL;
  GstClockTime *seen = NULL;
  GstFlowReturn ret = GST_FLOW_OK;

  GST_OBJECT_LOCK (self);
  predict = self->predict;
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  meta = gst_buffer_get_custom_meta (buf, GST_YOLOR_FRAME_META_NAME);
  if (meta == NULL) {
    if (!self->warned_no_meta) {
      GST_WARNING_OBJECT (self,
          "a frame without yolordetect's frame meta: passed on untracked "
          "(is yolordetect upstream?)");
      self->warned_no_meta = TRUE;
    }
    self->frames_seen++;
    return GST_FLOW_OK;
  }
  s = gst_custom_meta_get_structure (meta);
  if (!gst_structure_get_uint64 (s, "frame", &frame))
    frame = self->frames_seen;
  self->frames_seen = frame + 1;
  self->pts_frame[frame % PTS_HISTORY] = frame;
  self->pts[frame % PTS_HISTORY] = GST_BUFFER_PTS (buf);
  gst_structure_get_boolean (s, "fresh", &fresh);
  if (!gst_structure_get_uint64 (s, "inference_frame", &inference))
    inference = frame;
  gst_structure_get_int (s, "width", &w);
  gst_structure_get_int (s, "height", &h);
  n = gst_yolor_frame_meta_get_n_detections (s);
  if (w <= 0 || h <= 0)
    return GST_FLOW_OK;

  /* frames going back: a new stream; its tracks are new ones */
  if (self->have_update && inference < self->last_inference) {
    GST_INFO_OBJECT (self,
        "frame %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT ": a new stream",
        inference, self->last_inference);
    yolor_tracker_finish (self->tracker);
    self->have_update = FALSE;
  }
  /* new results: on the frame they are fresh on, or on a later one when
   * that frame did not come here; not the empty frames before the first
   * live result */
  if ((!self->have_update || inference > self->last_inference)
      && (fresh || n > 0)) {
    ret = update (self, buf, s, inference, w, h, n);
    if (ret != GST_FLOW_OK)
      return ret;
  }
  tracked = self->have_update && inference == self->last_inference
      && self->row_ids->len == n;

  ids = g_new (gint, MAX (n, 1));
  for (guint i = 0; i < n; i++) {
    gint32 id = tracked ? g_array_index (self->row_ids, gint32, i) : 0;
    ids[i] = id > 0 ? id : -(gint) (i + 1);
  }
  if (tracked && predict && frame > inference && n > 0) {
    yolor_detection *rows = g_new (yolor_detection, n);

    read_rows (self, s, w, h, rows, n);
    boxes = g_new (gfloat, 4 * n);
    for (guint i = 0; i < n; i++) {
      yolor_detection b = rows[i];

      if (ids[i] > 0)
        yolor_tracker_predict (self->tracker, ids[i], (int64_t) frame, &b);
      boxes[4 * i] = b.x1;
      boxes[4 * i + 1] = b.y1;
      boxes[4 * i + 2] = b.x2;
      boxes[4 * i + 3] = b.y2;
    }
    g_free (rows);
  }

#ifdef HAVE_GST_ANALYTICS
  /* the TrackingMtds' first and last seen; nothing else reads them */
  seen = g_new (GstClockTime, 2 * MAX (n, 1));
  for (guint i = 0; i < n; i++) {
    yolor_track_sightings st;
    gboolean live =
        ids[i] > 0 && yolor_tracker_sightings (self->tracker, ids[i], &st);

    seen[2 * i] = live && st.first_timestamp >= 0
        ? (GstClockTime) st.first_timestamp
        : GST_CLOCK_TIME_NONE;
    seen[2 * i + 1] = live && st.last_timestamp >= 0
        ? (GstClockTime) st.last_timestamp
        : GST_CLOCK_TIME_NONE;
  }
#endif

  t.n = n;
  t.ids = ids;
  t.boxes = boxes;
  t.seen = seen;
  t.tracking = self->embedding_mode ? "embedding" : "iou";
  t.events = take_events (self, &events) ? &events : NULL;
  gst_yolor_meta_set_tracks (buf, &t);
  if (G_IS_VALUE (&events))
    g_value_unset (&events);
  g_free (ids);
  g_free (boxes);
  g_free (seen);
  if (post)
    post_frame (self, buf);
  return GST_FLOW_OK;
}

/* The leave events of the tracks alive at @why (EOS or a flush): posted,
 * and sent downstream before the event that ends them. */
static void
end_tracks (GstYolorTrack *self, const gchar *why)
{
  GValue events = G_VALUE_INIT;
  GstStructure *s;
  gboolean post;

  if (self->tracker == NULL)
    return;
  yolor_tracker_finish (self->tracker);
  self->have_update = FALSE;
  if (!take_events (self, &events))
    return;
  s = gst_structure_new (
      GST_YOLOR_TRACK_EVENTS_NAME, "reason", G_TYPE_STRING, why, NULL);
  gst_structure_take_value (s, "events", &events);
  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);
  if (post)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), gst_structure_copy (s)));
  gst_pad_push_event (GST_BASE_TRANSFORM_SRC_PAD (self),
      gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s));
}

static gboolean
gst_yolor_track_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      end_tracks (self, "eos");
      break;
    case GST_EVENT_FLUSH_STOP:
      /* the tracks end at the flush; the next results start new ones */
      if (self->tracker)
        yolor_tracker_finish (self->tracker);
      forget_stream (self);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static void
gst_yolor_track_finalize (GObject *object)
{
  GstYolorTrack *self = GST_YOLOR_TRACK (object);

  yolor_tracker_free (self->tracker);
  g_array_unref (self->row_ids);
  g_hash_table_unref (self->labels);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_yolor_track_class_init (GstYolorTrackClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags at_ready =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_yolor_track_set_property;
  gobject_class->get_property = gst_yolor_track_get_property;
  gobject_class->finalize = gst_yolor_track_finalize;

  g_object_class_install_property (gobject_class, PROP_TRACKING_TYPE,
      g_param_spec_enum ("tracking-type", "Tracking type",
          "How detections are joined to tracks: iou (box overlap and "
          "motion) or embedding (also the look, from yolordetect's "
          "embeddings). DL Streamer's names are accepted: "
          "short-term-imageless and zero-term-imageless are iou, zero-term "
          "is embedding",
          GST_TYPE_YOLOR_TRACKING_TYPE, DEFAULT_TRACKING_TYPE, at_ready));
  g_object_class_install_property (gobject_class, PROP_IOU_THRESHOLD,
      g_param_spec_float ("iou-threshold", "IoU threshold",
          "Least overlap (IoU) of a detection with a track's predicted box "
          "(or with the box a confirmed track was last seen in) for them to "
          "match by overlap",
          0.01f, 1.0f, DEFAULT_IOU_THRESHOLD, at_ready));
  g_object_class_install_property (gobject_class, PROP_APPEARANCE_THRESHOLD,
      g_param_spec_float ("appearance-threshold", "Appearance threshold",
          "Most cosine distance (1 - cosine similarity) between a detection's "
          "embedding and a track's appearance for them to match by look "
          "(tracking-type=embedding)",
          0.0f, 2.0f, DEFAULT_APPEARANCE_THRESHOLD, at_ready));
  g_object_class_install_property (gobject_class, PROP_MIN_HITS,
      g_param_spec_int ("min-hits", "Minimum hits",
          "Inferences a new object must be seen on in a row before it gets a "
          "track id and an enter event (1: at once)",
          1, 1000, DEFAULT_MIN_HITS, at_ready));
  g_object_class_install_property (gobject_class, PROP_MAX_AGE,
      g_param_spec_int ("max-age", "Maximum age",
          "Frames a track lives on without being seen (occlusion, missed "
          "detections) before it ends with a leave event; the object gets a "
          "new id when it comes back later",
          0, G_MAXINT, DEFAULT_MAX_AGE, at_ready));
  g_object_class_install_property (gobject_class, PROP_PER_CLASS,
      g_param_spec_boolean ("per-class", "Per class",
          "A track only takes detections of the class it started with "
          "(DL Streamer's tracking_per_class)",
          DEFAULT_PER_CLASS, at_ready));
  g_object_class_install_property (gobject_class, PROP_MIN_CONFIDENCE,
      g_param_spec_float ("min-confidence", "Minimum confidence",
          "Detections below this confidence start no new track (they may "
          "still continue one)",
          0.0f, 1.0f, DEFAULT_MIN_CONFIDENCE, at_ready));
  g_object_class_install_property (gobject_class, PROP_PREDICT,
      g_param_spec_boolean ("predict", "Predict",
          "On frames that were not detected on (inference-interval > 1, "
          "live=true), move each tracked box to where its track's motion "
          "says it is now",
          DEFAULT_PREDICT, live));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post every frame's tracked detections and events on the bus as "
          "an element message named yolortrack",
          DEFAULT_POST_MESSAGES, live));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "YOLOR object tracker",
      "Filter/Analyzer/Video",
      "Gives the detections of yolordetect track ids that stay with each "
      "object, and reports objects entering and leaving",
      "gst-yolor authors");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_yolor_track_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_yolor_track_stop);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_yolor_track_transform_ip);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_yolor_track_sink_event);

  gst_type_mark_as_plugin_api (GST_TYPE_YOLOR_TRACKING_TYPE, 0);
  GST_DEBUG_CATEGORY_INIT (
      gst_yolor_track_debug, "yolortrack", 0, "YOLOR object tracker");
}

static void
gst_yolor_track_init (GstYolorTrack *self)
{
  self->tracking_type = DEFAULT_TRACKING_TYPE;
  self->iou_threshold = DEFAULT_IOU_THRESHOLD;
  self->appearance_threshold = DEFAULT_APPEARANCE_THRESHOLD;
  self->min_hits = DEFAULT_MIN_HITS;
  self->max_age = DEFAULT_MAX_AGE;
  self->per_class = DEFAULT_PER_CLASS;
  self->min_confidence = DEFAULT_MIN_CONFIDENCE;
  self->predict = DEFAULT_PREDICT;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->row_ids = g_array_new (FALSE, TRUE, sizeof (gint32));
  self->labels = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
  gst_base_transform_set_prefer_passthrough (GST_BASE_TRANSFORM (self), FALSE);
}
