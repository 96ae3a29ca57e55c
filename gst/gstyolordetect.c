/* gst-yolor: yolordetect, object detection with libyolor.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-yolordetect
 * @title: yolordetect
 * @see_also: yolorosd
 *
 * Runs a YOLOR or darknet-family detector (libyolor, on the CPU) on every
 * frame, or every Nth frame, and attaches the results as metadata; the
 * pixels pass through untouched. For each detection a
 * #GstVideoRegionOfInterestMeta with a "detection" parameter (DL Streamer's
 * field names) and, optionally, a "yolor-embedding" parameter; for each
 * frame one "GstYolorFrameMeta" carrying all detections, embeddings,
 * image-level class scores and the inference time. The contract is in
 * gstyolormeta.h and docs/metadata.md.
 *
 * Without a `model`, the default model Yolo-Fastest-1.1-xl is looked up in
 * $YOLOR_MODEL_DIR, $YOLOR_SHARED_DIR/models and the folder given at build
 * time.
 *
 * Elements of one process with the same `model-instance-id` share one
 * loaded model: its weights are in memory once, and each element keeps only
 * its own activations, input size, thresholds and labels.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=video.mp4 ! decodebin ! videoconvert ! \
 *     yolordetect threshold=0.3 ! yolorosd ! videoconvert ! autovideosink
 * ]|
 * |[
 * gst-launch-1.0 -m videotestsrc num-buffers=10 ! yolordetect \
 *     post-messages=true ! fakesink
 * ]|
 * |[
 * gst-launch-1.0 videotestsrc ! yolordetect model-instance-id=cams ! \
 *     fakesink videotestsrc pattern=ball ! yolordetect \
 *     model-instance-id=cams ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolordetect.h"
#include "gstyolormeta.h"
#include "gstyolorframe.h"
#include "gstyolorbatch.h"
#include "gstyolorlive.h"
#include "gstyolormodel.h"

#include <string.h>
#include <gst/video/video.h>
#include <yolor/yolor.h>

GST_DEBUG_CATEGORY_STATIC (gst_yolor_detect_debug);
#define GST_CAT_DEFAULT gst_yolor_detect_debug

#define MAX_DETECTIONS_LIMIT 1000
/* every detection gets its embedding row */
G_STATIC_ASSERT (MAX_DETECTIONS_LIMIT <= YOLOR_MAX_EMBEDDINGS);

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_WEIGHTS,
  PROP_LABELS_FILE,
  PROP_THRESHOLD,
  PROP_IOU_THRESHOLD,
  PROP_MAX_DETECTIONS,
  PROP_OBJECT_CLASS,
  PROP_INPUT_SIZE,
  PROP_LETTERBOX,
  PROP_N_THREADS,
  PROP_INFERENCE_INTERVAL,
  PROP_EMBEDDINGS,
  PROP_POST_MESSAGES,
  PROP_MODEL_INSTANCE_ID,
  PROP_LIVE,
  PROP_PRECISION,
  PROP_BATCH_SIZE,
  PROP_BATCH_TIMEOUT,
};

#define DEFAULT_THRESHOLD -1.0
#define DEFAULT_IOU_THRESHOLD -1.0
#define DEFAULT_MAX_DETECTIONS 300
#define DEFAULT_LETTERBOX GST_YOLOR_LETTERBOX_AUTO
#define DEFAULT_N_THREADS 0
#define DEFAULT_INFERENCE_INTERVAL 1
#define DEFAULT_EMBEDDINGS TRUE
#define DEFAULT_POST_MESSAGES FALSE
#define DEFAULT_LIVE FALSE
#define DEFAULT_PRECISION GST_YOLOR_PRECISION_FP32
#define DEFAULT_BATCH_SIZE 1
#define DEFAULT_BATCH_TIMEOUT 40 /* ms */

/* One inference's results, owned by whoever holds the struct. */
typedef struct
{
  yolor_detection *dets; /* MAX_DETECTIONS_LIMIT */
  guint n;
  gfloat *emb; /* n · dim floats (emb_cap allocated), or dim 0 */
  gsize emb_cap;
  gint dim;
  gfloat *scores; /* n_classes */
  guint64 frame; /* the frame it ran on */
  guint64 ns; /* how long it took (waiting for a batch included) */
  guint batched; /* frames of the batch it ran in (1: alone) */
} DetectResult;

/* What live mode hands the worker with a frame: the post-processing
 * settings of that moment and the class mask (n_classes bytes) after it. */
typedef struct
{
  yolor_post_params post;
  yolor_pixfmt pixfmt;
  yolor_yuv_matrix matrix;
  guint8 mask[];
} LiveJob;

struct _GstYolorDetect
{
  GstBaseTransform parent;

  /* Settings: under the object lock; read by start() and, as a snapshot, at
   * the top of transform_ip(). */
  gchar *model;
  gchar *weights;
  gchar *labels_file;
  gdouble threshold;
  gdouble iou_threshold;
  gint max_detections;
  gchar *object_class;
  guint object_class_cookie; /* bumped on every object-class change */
  gchar *input_size;
  GstYolorLetterbox letterbox;
  gint n_threads;
  guint inference_interval;
  gboolean embeddings;
  gboolean post_messages;
  gchar *model_instance_id;
  gboolean live;
  GstYolorPrecision precision;
  guint batch_size;
  guint batch_timeout; /* ms */

  /* State: start()/stop() and the streaming thread. */
  GstYolorModel loaded; /* net, labels, name, n_classes, instance */
  guint8 *class_mask;
  guint mask_cookie;
  GstVideoInfo info;
  yolor_pixfmt pixfmt;
  yolor_yuv_matrix matrix; /* from the caps' colorimetry */
  guint64 frame_count;
  /* the last inference, re-attached on skipped frames */
  gboolean have_last;
  DetectResult last;
  /* live mode (live_on: read at start): the worker thread infers into
   * `work` and publishes it as `done` (swapped under done_lock, setting
   * have_done); the streaming thread swaps `done` into `last` */
  gboolean live_on;
  GstYolorLive *worker;
  DetectResult work;
  GMutex done_lock;
  DetectResult done;
  gboolean have_done; /* `done` holds a result not yet taken */
  gboolean live_failed;
  LiveJob *job; /* streaming thread's scratch job */
  gsize job_size;
  GstClockTime max_latency; /* longest inference; object lock */
  guint batch_on; /* batch size in use (read at start), 1: none */
  guint64 batch_wait_us; /* batch-timeout, read at start */
};

#define FORMATS GST_YOLOR_VIDEO_FORMATS

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));

#define gst_yolor_detect_parent_class parent_class
G_DEFINE_TYPE (GstYolorDetect, gst_yolor_detect, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (
    yolordetect, "yolordetect", GST_RANK_NONE, GST_TYPE_YOLOR_DETECT);

/* The enum properties are stored and read as gint. */
G_STATIC_ASSERT (sizeof (GstYolorLetterbox) == sizeof (gint));
G_STATIC_ASSERT (sizeof (GstYolorPrecision) == sizeof (gint));

/* Where each property lives in the instance (all under the object lock). */
static gsize
prop_offset (guint prop_id)
{
  switch (prop_id) {
    case PROP_MODEL:
      return G_STRUCT_OFFSET (GstYolorDetect, model);
    case PROP_WEIGHTS:
      return G_STRUCT_OFFSET (GstYolorDetect, weights);
    case PROP_LABELS_FILE:
      return G_STRUCT_OFFSET (GstYolorDetect, labels_file);
    case PROP_THRESHOLD:
      return G_STRUCT_OFFSET (GstYolorDetect, threshold);
    case PROP_IOU_THRESHOLD:
      return G_STRUCT_OFFSET (GstYolorDetect, iou_threshold);
    case PROP_MAX_DETECTIONS:
      return G_STRUCT_OFFSET (GstYolorDetect, max_detections);
    case PROP_OBJECT_CLASS:
      return G_STRUCT_OFFSET (GstYolorDetect, object_class);
    case PROP_INPUT_SIZE:
      return G_STRUCT_OFFSET (GstYolorDetect, input_size);
    case PROP_LETTERBOX:
      return G_STRUCT_OFFSET (GstYolorDetect, letterbox);
    case PROP_N_THREADS:
      return G_STRUCT_OFFSET (GstYolorDetect, n_threads);
    case PROP_INFERENCE_INTERVAL:
      return G_STRUCT_OFFSET (GstYolorDetect, inference_interval);
    case PROP_EMBEDDINGS:
      return G_STRUCT_OFFSET (GstYolorDetect, embeddings);
    case PROP_POST_MESSAGES:
      return G_STRUCT_OFFSET (GstYolorDetect, post_messages);
    case PROP_MODEL_INSTANCE_ID:
      return G_STRUCT_OFFSET (GstYolorDetect, model_instance_id);
    case PROP_LIVE:
      return G_STRUCT_OFFSET (GstYolorDetect, live);
    case PROP_PRECISION:
      return G_STRUCT_OFFSET (GstYolorDetect, precision);
    case PROP_BATCH_SIZE:
      return G_STRUCT_OFFSET (GstYolorDetect, batch_size);
    case PROP_BATCH_TIMEOUT:
      return G_STRUCT_OFFSET (GstYolorDetect, batch_timeout);
    default:
      return 0;
  }
}

static void
gst_yolor_detect_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (object);
  gsize off = prop_offset (prop_id);
  gpointer field = G_STRUCT_MEMBER_P (self, off);
  gboolean deferred;

  if (off == 0) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  deferred = (pspec->flags & GST_PARAM_MUTABLE_READY)
      && GST_STATE (self) > GST_STATE_READY;
  if (G_VALUE_HOLDS_STRING (value)) {
    g_free (*(gchar **) field);
    *(gchar **) field = g_value_dup_string (value);
  } else if (G_VALUE_HOLDS_DOUBLE (value)) {
    *(gdouble *) field = g_value_get_double (value);
  } else if (G_VALUE_HOLDS_INT (value)) {
    *(gint *) field = g_value_get_int (value);
  } else if (G_VALUE_HOLDS_UINT (value)) {
    *(guint *) field = g_value_get_uint (value);
  } else if (G_VALUE_HOLDS_BOOLEAN (value)) {
    *(gboolean *) field = g_value_get_boolean (value);
  } else if (G_VALUE_HOLDS_ENUM (value)) {
    /* every enum property is an int-sized enum (checked below) */
    *(gint *) field = g_value_get_enum (value);
  }
  if (prop_id == PROP_OBJECT_CLASS)
    self->object_class_cookie++;
  GST_OBJECT_UNLOCK (self);
  if (deferred)
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("'%s' was changed while the element is running; the new value "
         "takes effect when it next starts (READY to PAUSED).",
            pspec->name),
        (NULL));
}

static void
gst_yolor_detect_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (object);
  gsize off = prop_offset (prop_id);
  gpointer field = G_STRUCT_MEMBER_P (self, off);

  if (off == 0) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  GST_OBJECT_LOCK (self);
  if (G_VALUE_HOLDS_STRING (value))
    g_value_set_string (value, *(gchar **) field);
  else if (G_VALUE_HOLDS_DOUBLE (value))
    g_value_set_double (value, *(gdouble *) field);
  else if (G_VALUE_HOLDS_INT (value))
    g_value_set_int (value, *(gint *) field);
  else if (G_VALUE_HOLDS_UINT (value))
    g_value_set_uint (value, *(guint *) field);
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    g_value_set_boolean (value, *(gboolean *) field);
  else if (G_VALUE_HOLDS_ENUM (value))
    g_value_set_enum (value, *(gint *) field);
  GST_OBJECT_UNLOCK (self);
}

static void
engine_log (void *user_data, yolor_log_level level, const char *msg)
{
  GstObject *obj = user_data;

  if (level == YOLOR_LOG_ERROR)
    GST_ERROR_OBJECT (obj, "%s", msg);
  else if (level == YOLOR_LOG_WARNING)
    GST_WARNING_OBJECT (obj, "%s", msg);
  else if (level == YOLOR_LOG_INFO)
    GST_INFO_OBJECT (obj, "%s", msg);
  else
    GST_DEBUG_OBJECT (obj, "%s", msg);
}

static void
result_init (DetectResult *r, gint n_classes)
{
  memset (r, 0, sizeof *r);
  r->dets = g_new0 (yolor_detection, MAX_DETECTIONS_LIMIT);
  r->scores = g_new0 (gfloat, MAX (n_classes, 1));
}

static void
result_clear (DetectResult *r)
{
  g_free (r->dets);
  g_free (r->emb);
  g_free (r->scores);
  memset (r, 0, sizeof *r);
}

static void live_infer (const GstVideoFrame *frame, guint64 number,
    gpointer job, gpointer user_data);

/* Live mode: waits for a running inference, then drops the frame waiting
 * and any result not yet taken (of another geometry, or before a flush).
 * @info: the layout of later frames (nullable: unchanged). */
static void
live_discard (GstYolorDetect *self, const GstVideoInfo *info)
{
  gst_yolor_live_reset (self->worker, info);
  g_mutex_lock (&self->done_lock);
  self->have_done = FALSE;
  g_mutex_unlock (&self->done_lock);
}

static void
free_state (GstYolorDetect *self)
{
  /* the worker first: it uses the net and `work` */
  g_clear_pointer (&self->worker, gst_yolor_live_free);
  gst_yolor_model_close (&self->loaded);
  g_clear_pointer (&self->class_mask, g_free);
  result_clear (&self->last);
  result_clear (&self->work);
  result_clear (&self->done);
  g_clear_pointer (&self->job, g_free);
  self->have_last = FALSE;
  self->live_on = FALSE;
}

/* Warns when the model runs in another precision than @asked: the CPU
 * lacks it, or a shared instance was loaded in another. */
static void
precision_check (
    GstYolorDetect *self, yolor_precision asked, const GstYolorModel *model)
{
  yolor_precision got = yolor_model_precision (yolor_net_model (model->net));
  if (got == asked)
    return;
  if (!yolor_precision_available (asked))
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("precision=%s needs a CPU with avx512_bf16; running in %s.",
            yolor_precision_name (asked), yolor_precision_name (got)),
        ("kernels in use: %s", yolor_kernels ()));
  else
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("model-instance-id '%s' runs in %s (as the element that loaded it "
         "asked); precision=%s is ignored.",
            model->instance_id, yolor_precision_name (got),
            yolor_precision_name (asked)),
        (NULL));
}

static gboolean
gst_yolor_detect_start (GstBaseTransform *trans)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (trans);
  GstYolorModelSettings set = { 0 };
  GstYolorModel model = { 0 };
  GError *err = NULL;
  gchar *debug = NULL, *cfg, *weights, *labels, *size, *instance;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  set.cfg = cfg = g_strdup (self->model);
  set.weights = weights = g_strdup (self->weights);
  set.labels_file = labels = g_strdup (self->labels_file);
  set.input_size = size = g_strdup (self->input_size);
  set.instance_id = instance = g_strdup (self->model_instance_id);
  set.n_threads = self->n_threads;
  set.resize = (yolor_resize) self->letterbox;
  set.precision = (yolor_precision) self->precision;
  self->batch_on = self->batch_size;
  self->batch_wait_us = (guint64) self->batch_timeout * 1000;
  self->mask_cookie = self->object_class_cookie - 1; /* force a parse */
  GST_OBJECT_UNLOCK (self);
  set.log = engine_log;
  set.log_user_data = self;

  ok = gst_yolor_model_open (&set, &model, &err, &debug);
  g_free (cfg);
  g_free (weights);
  g_free (labels);
  g_free (size);
  g_free (instance);
  if (!ok) {
    gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR,
        err->domain, err->code, g_strdup (err->message), debug, __FILE__,
        GST_FUNCTION, __LINE__);
    g_error_free (err);
    return FALSE;
  }
  precision_check (self, set.precision, &model);
  GST_INFO_OBJECT (self, "%s: %d classes, labels from %s, %s kernels, %s%s%s",
      model.name, model.n_classes, model.labels_from, yolor_kernels (),
      yolor_precision_name (
          yolor_model_precision (yolor_net_model (model.net))),
      model.instance_id ? ", model-instance-id " : "",
      model.instance_id ? model.instance_id : "");
  self->loaded = model;
  if (self->batch_on > 1 && self->loaded.instance_id == NULL) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("batch-size=%u needs a model-instance-id: batches are made of the "
         "frames of the elements sharing one; running one frame at a time.",
            self->batch_on),
        (NULL));
    self->batch_on = 1;
  }
  self->class_mask = g_malloc0 (MAX (self->loaded.n_classes, 1));
  result_init (&self->last, self->loaded.n_classes);
  GST_OBJECT_LOCK (self);
  self->live_on = self->live;
  GST_OBJECT_UNLOCK (self);
  if (self->live_on) {
    result_init (&self->work, self->loaded.n_classes);
    result_init (&self->done, self->loaded.n_classes);
    self->have_done = FALSE;
    self->live_failed = FALSE;
    self->job_size = sizeof (LiveJob) + MAX (self->loaded.n_classes, 1);
    self->job = g_malloc0 (self->job_size);
    self->worker = gst_yolor_live_new (live_infer, self);
  }
  self->frame_count = 0;
  self->have_last = FALSE;
  GST_OBJECT_LOCK (self);
  self->max_latency = 0;
  GST_OBJECT_UNLOCK (self);
  gst_video_info_init (&self->info);
  return TRUE;
}

static gboolean
gst_yolor_detect_stop (GstBaseTransform *trans)
{
  free_state (GST_YOLOR_DETECT (trans));
  return TRUE;
}

static gboolean
gst_yolor_detect_set_caps (
    GstBaseTransform *trans, GstCaps *incaps, GstCaps *outcaps)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (trans);
  GstVideoInfo info;
  yolor_error err = { YOLOR_OK, "" };
  yolor_status st;

  (void) outcaps;
  if (!gst_video_info_from_caps (&info, incaps)
      || !gst_yolor_pixfmt_from_video (
          GST_VIDEO_INFO_FORMAT (&info), &self->pixfmt)) {
    GST_WARNING_OBJECT (self, "unsupported caps %" GST_PTR_FORMAT, incaps);
    return FALSE;
  }
  if (self->loaded.net == NULL)
    return FALSE;
  if (self->worker) /* the net is prepared again below */
    live_discard (self, &info);
  self->matrix = gst_yolor_yuv_matrix_from_info (&info);
  st = yolor_net_prepare (self->loaded.net, GST_VIDEO_INFO_WIDTH (&info),
      GST_VIDEO_INFO_HEIGHT (&info), &err);
  if (st != YOLOR_OK) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Cannot run the model on %dx%d frames: %s",
            GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
            err.msg),
        ("%s", yolor_status_str (st)));
    return FALSE;
  }
  if (GST_VIDEO_INFO_WIDTH (&info) != GST_VIDEO_INFO_WIDTH (&self->info)
      || GST_VIDEO_INFO_HEIGHT (&info) != GST_VIDEO_INFO_HEIGHT (&self->info))
    self->have_last = FALSE; /* old boxes belong to another geometry */
  self->info = info;
  GST_INFO_OBJECT (self, "prepared for %" GST_PTR_FORMAT, incaps);
  return TRUE;
}

static gboolean
gst_yolor_detect_propose_allocation (
    GstBaseTransform *trans, GstQuery *decide_query, GstQuery *query)
{
  if (!GST_BASE_TRANSFORM_CLASS (parent_class)
           ->propose_allocation (trans, decide_query, query))
    return FALSE;
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return TRUE;
}

/* Rebuilds the class mask if object-class changed since the last frame. */
static void
update_class_mask (GstYolorDetect *self)
{
  gchar *spec = NULL, *unknown = NULL;
  guint cookie;

  GST_OBJECT_LOCK (self);
  cookie = self->object_class_cookie;
  if (cookie != self->mask_cookie)
    spec = g_strdup (self->object_class);
  GST_OBJECT_UNLOCK (self);
  if (cookie == self->mask_cookie)
    return;
  self->mask_cookie = cookie;
  if (!gst_yolor_class_mask_parse (spec, self->loaded.labels,
          self->loaded.n_classes, self->class_mask, &unknown)) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("object-class names no class of the model: %s", unknown),
        ("object-class='%s'", spec));
  }
  g_free (unknown);
  g_free (spec);
}

static void
post_detections (GstYolorDetect *self, GstBuffer *buf)
{
  GstStructure *s = gst_yolor_meta_to_message (buf, "yolordetect");
  GstSegment *seg = &GST_BASE_TRANSFORM (self)->segment;
  GstClockTime ts = GST_BUFFER_PTS (buf);

  if (s == NULL)
    return;
  gst_structure_set (s, "timestamp", G_TYPE_UINT64, ts, "stream-time",
      G_TYPE_UINT64, gst_segment_to_stream_time (seg, GST_FORMAT_TIME, ts),
      "running-time", G_TYPE_UINT64,
      gst_segment_to_running_time (seg, GST_FORMAT_TIME, ts), "duration",
      G_TYPE_UINT64, GST_BUFFER_DURATION (buf), NULL);
  if (self->have_last)
    gst_structure_set (s, "batch", G_TYPE_UINT, self->last.batched, NULL);
  gst_element_post_message (
      GST_ELEMENT (self), gst_message_new_element (GST_OBJECT (self), s));
}

/* Runs the net on @frame (mapped, borrowed) into @r. @why (transfer full)
 * is set when the frame's planes do not fit its memory. */
static yolor_status
run_detect (GstYolorDetect *self, const GstVideoFrame *frame,
    yolor_pixfmt pixfmt, yolor_yuv_matrix matrix, const yolor_post_params *post,
    guint64 number, DetectResult *r, yolor_error *err, gchar **why)
{
  yolor_net *net = self->loaded.net;
  yolor_image img = { 0 };
  guint8 *planes[3];
  size_t n = 0;
  gint64 t0;
  const gfloat *emb, *scores;
  gint dim = 0;
  yolor_status st;

  if (!gst_yolor_frame_planes (frame, planes, img.strides, why))
    return YOLOR_ERR_INVALID_ARG;
  img.format = pixfmt;
  img.width = GST_VIDEO_FRAME_WIDTH (frame);
  img.height = GST_VIDEO_FRAME_HEIGHT (frame);
  img.matrix = matrix;
  for (guint p = 0; p < 3; p++)
    img.planes[p] = planes[p];

  t0 = g_get_monotonic_time ();
  if (self->batch_on > 1) {
    yolor_batch_item it = { 0 };
    it.net = net;
    it.img = &img;
    it.post = post;
    it.dets = r->dets;
    it.capacity = (size_t) post->max_detections;
    st = gst_yolor_batch_detect (self->loaded.instance_id, &it, self->batch_on,
        self->batch_wait_us, &r->batched);
    n = it.n_out;
    if (st != YOLOR_OK && err)
      *err = it.err;
  } else {
    st = yolor_net_detect (
        net, &img, post, r->dets, (size_t) post->max_detections, &n, err);
    r->batched = 1;
  }
  if (st != YOLOR_OK)
    return st;
  r->ns = (guint64) (g_get_monotonic_time () - t0) * 1000;
  r->frame = number;
  r->n = (guint) n;
  emb = yolor_net_embeddings (net, &dim);
  /* a row per detection, or none (the engine keeps at most
   * YOLOR_MAX_EMBEDDINGS rows; max-detections stays below that) */
  r->dim = emb && n > 0 && yolor_net_n_embeddings (net) >= n ? dim : 0;
  if (r->dim > 0) {
    gsize need = n * (gsize) dim;
    if (need > r->emb_cap) {
      r->emb = g_renew (gfloat, r->emb, need);
      r->emb_cap = need;
    }
    memcpy (r->emb, emb, need * sizeof (gfloat));
  }
  scores = yolor_net_class_scores (net);
  if (scores)
    memcpy (r->scores, scores, self->loaded.n_classes * sizeof (gfloat));
  return YOLOR_OK;
}

/* The post-processing settings of this moment (class mask borrowed). */
static void
current_post (GstYolorDetect *self, gdouble threshold, gdouble iou,
    gint max_det, yolor_post_params *post)
{
  yolor_net_default_post (self->loaded.net, post);
  if (threshold >= 0)
    post->conf_threshold = (float) threshold;
  if (iou >= 0)
    post->iou_threshold = (float) iou;
  post->max_detections = MIN (max_det, MAX_DETECTIONS_LIMIT);
  post->class_mask = self->class_mask;
}

/* GstYolorLiveFn: one live-mode inference, in the worker thread. */
static void
live_infer (const GstVideoFrame *frame, guint64 number, gpointer data,
    gpointer user_data)
{
  GstYolorDetect *self = user_data;
  LiveJob *job = data;
  yolor_error err = { YOLOR_OK, "" };
  gchar *why = NULL;
  yolor_status st;
  DetectResult t;
  guint n;
  guint64 ns;

  job->post.class_mask = job->mask;
  st = run_detect (self, frame, job->pixfmt, job->matrix, &job->post, number,
      &self->work, &err, &why);
  if (st != YOLOR_OK) {
    /* our own copy of the frame: the planes fit, so this is the engine */
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Detection failed: %s", why ? why : err.msg),
        ("%s", yolor_status_str (st)));
    g_free (why);
    g_mutex_lock (&self->done_lock);
    self->live_failed = TRUE;
    g_mutex_unlock (&self->done_lock);
    return;
  }
  /* `work` is this thread's until the swap */
  n = self->work.n;
  ns = self->work.ns;
  g_mutex_lock (&self->done_lock);
  t = self->done;
  self->done = self->work;
  self->work = t;
  self->have_done = TRUE;
  g_mutex_unlock (&self->done_lock);
  GST_LOG_OBJECT (self,
      "live: frame %" G_GUINT64_FORMAT ": %u detections in %" G_GUINT64_FORMAT
      " us",
      number, n, ns / 1000);
}

/* Live mode: take the newest finished result (fresh on the first frame
 * that carries it) and hand this frame to the worker, replacing one that
 * has not started. Never waits for an inference. */
static GstFlowReturn
live_step (GstYolorDetect *self, GstBuffer *buf, gboolean submit,
    const yolor_post_params *post, gboolean *fresh_out)
{
  GstVideoFrame frame;
  guint8 *planes[3];
  gint strides[3];
  gchar *why = NULL;
  gboolean failed;

  g_mutex_lock (&self->done_lock);
  if (self->have_done) {
    DetectResult t = self->last;
    self->last = self->done;
    self->done = t;
    self->have_done = FALSE;
    self->have_last = TRUE;
    *fresh_out = TRUE;
  }
  failed = self->live_failed;
  g_mutex_unlock (&self->done_lock);
  if (failed)
    return GST_FLOW_ERROR;
  if (!submit)
    return GST_FLOW_OK;

  if (!gst_video_frame_map (&frame, &self->info, buf, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (
        self, STREAM, FAILED, ("Could not map the frame."), (NULL));
    return GST_FLOW_ERROR;
  }
  /* the copy reads what the video meta says: check it first */
  if (!gst_yolor_frame_planes (&frame, planes, strides, &why)) {
    gst_video_frame_unmap (&frame);
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("The frame's video meta does not fit its memory."), ("%s", why));
    g_free (why);
    return GST_FLOW_ERROR;
  }
  self->job->post = *post;
  self->job->post.class_mask = NULL; /* the worker points it at mask */
  self->job->pixfmt = self->pixfmt;
  self->job->matrix = self->matrix;
  memcpy (self->job->mask, self->class_mask, MAX (self->loaded.n_classes, 1));
  if (!gst_yolor_live_submit (
          self->worker, &frame, self->frame_count, self->job, self->job_size))
    GST_WARNING_OBJECT (self, "live: frame %" G_GUINT64_FORMAT " not copied",
        self->frame_count);
  gst_video_frame_unmap (&frame);
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_yolor_detect_transform_ip (GstBaseTransform *trans, GstBuffer *buf)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (trans);
  yolor_post_params post;
  yolor_error err = { YOLOR_OK, "" };
  yolor_status st;
  GstYolorMetaFrame f = { 0 };
  gdouble threshold, iou;
  gint max_det;
  guint interval;
  gboolean want_emb, post_msgs;
  gchar *why = NULL;

  if (self->loaded.net == NULL
      || GST_VIDEO_INFO_FORMAT (&self->info) == GST_VIDEO_FORMAT_UNKNOWN)
    goto not_negotiated;

  GST_OBJECT_LOCK (self);
  threshold = self->threshold;
  iou = self->iou_threshold;
  max_det = self->max_detections;
  interval = MAX (self->inference_interval, 1);
  want_emb = self->embeddings;
  post_msgs = self->post_messages;
  GST_OBJECT_UNLOCK (self);
  update_class_mask (self);
  current_post (self, threshold, iou, max_det, &post);

  if (self->live_on) {
    GstFlowReturn ret = live_step (
        self, buf, self->frame_count % interval == 0, &post, &f.fresh);
    if (ret != GST_FLOW_OK)
      return ret;
  } else if (!self->have_last || self->frame_count % interval == 0) {
    GstVideoFrame frame;

    if (!gst_video_frame_map (&frame, &self->info, buf, GST_MAP_READ))
      goto map_failed;
    st = run_detect (self, &frame, self->pixfmt, self->matrix, &post,
        self->frame_count, &self->last, &err, &why);
    gst_video_frame_unmap (&frame);
    if (why)
      goto bad_frame;
    if (st != YOLOR_OK)
      goto detect_failed;
    if (self->last.ns > self->max_latency) {
      GST_OBJECT_LOCK (self);
      self->max_latency = self->last.ns;
      GST_OBJECT_UNLOCK (self);
      gst_element_post_message (
          GST_ELEMENT (self), gst_message_new_latency (GST_OBJECT (self)));
    }
    self->have_last = TRUE;
    f.fresh = TRUE;
    GST_LOG_OBJECT (self,
        "frame %" G_GUINT64_FORMAT ": %u detections in %" G_GUINT64_FORMAT
        " us",
        self->frame_count, self->last.n, self->last.ns / 1000);
  }

  f.width = GST_VIDEO_INFO_WIDTH (&self->info);
  f.height = GST_VIDEO_INFO_HEIGHT (&self->info);
  f.model = self->loaded.name;
  f.frame = self->frame_count;
  f.labels = (const gchar *const *) self->loaded.labels;
  f.n_classes = self->loaded.n_classes;
  if (self->have_last) {
    f.inference_frame = self->last.frame;
    f.inference_ns = self->last.ns;
    f.dets = self->last.dets;
    f.n = self->last.n;
    f.embeddings = want_emb && self->last.dim > 0 ? self->last.emb : NULL;
    f.dim = self->last.dim;
    f.class_scores = self->last.scores;
  }
  gst_yolor_meta_attach (buf, &f);
  if (post_msgs)
    post_detections (self, buf);
  self->frame_count++;
  return GST_FLOW_OK;

  /* ERRORS */
not_negotiated : {
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
      ("yolordetect received a buffer before caps"));
  return GST_FLOW_NOT_NEGOTIATED;
}
map_failed : {
  GST_ELEMENT_ERROR (
      self, STREAM, FAILED, ("Could not map the frame."), (NULL));
  return GST_FLOW_ERROR;
}
bad_frame : {
  GST_ELEMENT_ERROR (self, STREAM, FAILED,
      ("The frame's video meta does not fit its memory."), ("%s", why));
  g_free (why);
  return GST_FLOW_ERROR;
}
detect_failed : {
  GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Detection failed: %s", err.msg),
      ("%s", yolor_status_str (st)));
  return GST_FLOW_ERROR;
}
}

/* A flush (a seek): results of frames before it are not attached after
 * it; in live mode the frame waiting for the worker is dropped too. */
static gboolean
gst_yolor_detect_sink_event (GstBaseTransform *trans, GstEvent *event)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    if (self->worker)
      live_discard (self, NULL);
    self->have_last = FALSE; /* the next frame infers (or waits, live) */
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* Adds the longest inference seen so far to the upstream latency, so live
 * sinks account for the time frames spend here (nothing in live mode). */
static gboolean
gst_yolor_detect_query (
    GstBaseTransform *trans, GstPadDirection direction, GstQuery *query)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (trans);
  GstClockTime min, max, ours;
  gboolean live;

  if (!GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction, query))
    return FALSE;
  if (direction != GST_PAD_SRC || GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return TRUE;
  gst_query_parse_latency (query, &live, &min, &max);
  GST_OBJECT_LOCK (self);
  /* live mode holds no frame: it adds nothing */
  ours = self->live_on ? 0 : self->max_latency;
  GST_OBJECT_UNLOCK (self);
  min += ours;
  if (GST_CLOCK_TIME_IS_VALID (max))
    max += ours;
  gst_query_set_latency (query, live, min, max);
  return TRUE;
}

static void
gst_yolor_detect_finalize (GObject *object)
{
  GstYolorDetect *self = GST_YOLOR_DETECT (object);

  free_state (self);
  g_free (self->model);
  g_free (self->weights);
  g_free (self->labels_file);
  g_free (self->object_class);
  g_free (self->input_size);
  g_free (self->model_instance_id);
  g_mutex_clear (&self->done_lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_yolor_detect_class_init (GstYolorDetectClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *bt_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags at_ready = rw | GST_PARAM_MUTABLE_READY;
  const GParamFlags live = rw | GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (
      gst_yolor_detect_debug, "yolordetect", 0, "YOLOR object detection");
  gst_yolor_frame_meta_get_info ();

  gobject_class->set_property = gst_yolor_detect_set_property;
  gobject_class->get_property = gst_yolor_detect_get_property;
  gobject_class->finalize = gst_yolor_detect_finalize;

  /** GstYolorDetect:model: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "Path to the model's darknet "
          ".cfg file. Default: none, meaning Yolo-Fastest-1.1-xl found in "
          "$YOLOR_MODEL_DIR, $YOLOR_SHARED_DIR/models or the folder set at "
          "build time. Read when the element starts (READY to PAUSED).",
          NULL, at_ready));
  /** GstYolorDetect:weights: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_WEIGHTS,
      g_param_spec_string ("weights", "Weights",
          "Path to the model's "
          ".weights file. Default: none, meaning the .cfg path with .cfg "
          "replaced by .weights. Read when the element starts (READY to "
          "PAUSED).",
          NULL, at_ready));
  /** GstYolorDetect:labels-file: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_LABELS_FILE,
      g_param_spec_string ("labels-file", "Labels file",
          "Path to a file "
          "with one class name per line, in class-id order. Default: none, "
          "meaning <stem>.names or coco.names beside the model (or in its "
          "parent folder), else the built-in COCO names for 80-class "
          "models, else class<N>. Read when the element starts (READY to "
          "PAUSED).",
          NULL, at_ready));
  /** GstYolorDetect:threshold: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Minimum confidence "
          "(objectness times class probability, 0.0 to 1.0) for a box to be "
          "reported. -1 (the default) uses the model's default: 0.25 for "
          "darknet models, 0.4 for YOLOR models. Can change while playing.",
          -1.0, 1.0, DEFAULT_THRESHOLD, live));
  /** GstYolorDetect:iou-threshold: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_IOU_THRESHOLD,
      g_param_spec_double ("iou-threshold", "IoU threshold",
          "Non-maximum "
          "suppression removes a box whose intersection over union with a "
          "better box of the same class exceeds this value (0.0 to 1.0). "
          "-1 (the default) uses the model's default: 0.45 for darknet "
          "models, 0.5 for YOLOR models. Can change while playing.",
          -1.0, 1.0, DEFAULT_IOU_THRESHOLD, live));
  /** GstYolorDetect:max-detections: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_MAX_DETECTIONS,
      g_param_spec_int ("max-detections", "Maximum detections",
          "Maximum "
          "number of boxes reported per frame, best first (1 to 1000, "
          "default 300). Can change while playing.",
          1, MAX_DETECTIONS_LIMIT, DEFAULT_MAX_DETECTIONS, live));
  /** GstYolorDetect:object-class: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_OBJECT_CLASS,
      g_param_spec_string ("object-class", "Object classes",
          "Comma-"
          "separated class names or ids to report, for example "
          "\"person,car\" or \"0,2\"; other classes are dropped before "
          "non-maximum suppression. Default: none, meaning every class. "
          "Can change while playing.",
          NULL, live));
  /** GstYolorDetect:input-size: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_INPUT_SIZE,
      g_param_spec_string ("input-size", "Input size",
          "Network input size "
          "as WIDTHxHEIGHT (e.g. \"640x384\") or one number for a square, "
          "each 1 to 8192 and best a multiple of the model stride. Default: "
          "none, meaning the model's own size. Read when the element starts "
          "(READY to PAUSED).",
          NULL, at_ready));
  /** GstYolorDetect:letterbox: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_LETTERBOX,
      g_param_spec_enum ("letterbox", "Letterbox",
          "How a frame is resized "
          "to the network input. Default: auto, the model's own convention. "
          "Read when the element starts (READY to PAUSED).",
          GST_TYPE_YOLOR_LETTERBOX, DEFAULT_LETTERBOX, at_ready));
  /** GstYolorDetect:n-threads: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_int ("n-threads", "Threads",
          "Number of threads the "
          "inference uses (0 to 256), the streaming thread included; the "
          "others come from one pool per process shared by every element. "
          "0 (the default) uses every online core. Read when the element "
          "starts (READY to PAUSED).",
          0, 256, DEFAULT_N_THREADS, at_ready));
  /** GstYolorDetect:inference-interval: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_INFERENCE_INTERVAL,
      g_param_spec_uint ("inference-interval", "Inference interval",
          "Run inference on every Nth frame (1 to 1000; default 1, every "
          "frame). The frames in between carry the last results again, "
          "marked as not fresh, so boxes do not blink. Can change while "
          "playing.",
          1, 1000, DEFAULT_INFERENCE_INTERVAL, live));
  /** GstYolorDetect:embeddings: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_EMBEDDINGS,
      g_param_spec_boolean ("embeddings", "Embeddings",
          "Attach a per-object "
          "embedding (L2-normalised float32 vector) to every detection, in "
          "the ROI meta and in the frame meta. Default: true. Can change "
          "while playing.",
          DEFAULT_EMBEDDINGS, live));
  /** GstYolorDetect:post-messages: Since: 0.1 */
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post an "
          "element message named \"yolordetect\" with the detections of "
          "every frame (the frame meta's fields without the embeddings, "
          "plus timestamps) on the bus. Default: false. Can change while "
          "playing.",
          DEFAULT_POST_MESSAGES, live));
  /** GstYolorDetect:model-instance-id: Since: 0.2 */
  g_object_class_install_property (gobject_class, PROP_MODEL_INSTANCE_ID,
      g_param_spec_string ("model-instance-id", "Model instance id",
          "Share one loaded model with every yolordetect of this process "
          "that has the same id: the weights are loaded once, each element "
          "keeps its own activations, input-size, letterbox, n-threads, "
          "thresholds and labels. The first element to start loads the "
          "model; the others must name the same model and weights or leave "
          "them unset. Default: none, meaning a model of its own. Read when "
          "the element starts (READY to PAUSED).",
          NULL, at_ready));
  /** GstYolorDetect:live: Since: 0.2 */
  g_object_class_install_property (gobject_class, PROP_LIVE,
      g_param_spec_boolean ("live", "Live",
          "Never hold a frame for inference: every frame passes at once "
          "carrying the newest finished results, and inference runs in a "
          "thread of its own on the newest frame whenever it is free (a "
          "frame that arrives while it is busy replaces one waiting, none "
          "queue). The frame meta says which frame the results came from "
          "(inference_frame) and is fresh on the first frame carrying a new "
          "result. The element then adds no latency. For live sources whose "
          "frame rate the model cannot keep up with. Default: false. Read "
          "when the element starts (READY to PAUSED).",
          DEFAULT_LIVE, at_ready));
  /** GstYolorDetect:precision: Since: 0.2 */
  g_object_class_install_property (gobject_class, PROP_PRECISION,
      g_param_spec_enum ("precision", "Precision",
          "The arithmetic of the convolutions: fp32 (the default, exact "
          "against the reference) or bf16 (bfloat16 weights and inputs, "
          "float32 sums: faster, slightly less exact; needs a CPU with "
          "avx512_bf16, elsewhere the element warns and runs in fp32). "
          "Elements sharing a model-instance-id run in the precision of "
          "the one that loaded it. Read when the element starts (READY to "
          "PAUSED).",
          GST_TYPE_YOLOR_PRECISION, DEFAULT_PRECISION, at_ready));
  /** GstYolorDetect:batch-size: Since: 0.3 */
  g_object_class_install_property (gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint ("batch-size", "Batch size",
          "Run up to this many frames of the elements sharing this "
          "model-instance-id as one forward pass (each element still gets "
          "its own results, bit for bit those of a frame alone). A batch "
          "runs when it is full or when its oldest frame has waited "
          "batch-timeout; the element whose frame completes it runs it on "
          "its n-threads. Frames batch only with frames of the same network "
          "input size. 1 (the default): every frame alone. Needs a "
          "model-instance-id. Read when the element starts (READY to "
          "PAUSED).",
          1, YOLOR_MAX_BATCH, DEFAULT_BATCH_SIZE, at_ready));
  /** GstYolorDetect:batch-timeout: Since: 0.3 */
  g_object_class_install_property (gobject_class, PROP_BATCH_TIMEOUT,
      g_param_spec_uint ("batch-timeout", "Batch timeout",
          "With batch-size above 1, the longest a frame waits for others to "
          "fill its batch, in milliseconds; the wait counts in the "
          "element's latency. Default: 40. Read when the element starts "
          "(READY to PAUSED).",
          0, 10000, DEFAULT_BATCH_TIMEOUT, at_ready));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "YOLOR object detector",
      "Filter/Analyzer/Video",
      "Detects objects with a YOLOR or darknet model and attaches them as "
      "region-of-interest and frame metadata",
      "the gst-yolor authors");

  bt_class->start = GST_DEBUG_FUNCPTR (gst_yolor_detect_start);
  bt_class->stop = GST_DEBUG_FUNCPTR (gst_yolor_detect_stop);
  bt_class->set_caps = GST_DEBUG_FUNCPTR (gst_yolor_detect_set_caps);
  bt_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_yolor_detect_propose_allocation);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR (gst_yolor_detect_transform_ip);
  bt_class->query = GST_DEBUG_FUNCPTR (gst_yolor_detect_query);
  bt_class->sink_event = GST_DEBUG_FUNCPTR (gst_yolor_detect_sink_event);
  bt_class->transform_ip_on_passthrough = FALSE;
  bt_class->passthrough_on_same_caps = FALSE;

  gst_type_mark_as_plugin_api (GST_TYPE_YOLOR_LETTERBOX, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_YOLOR_PRECISION, 0);
}

static void
gst_yolor_detect_init (GstYolorDetect *self)
{
  self->threshold = DEFAULT_THRESHOLD;
  self->iou_threshold = DEFAULT_IOU_THRESHOLD;
  self->max_detections = DEFAULT_MAX_DETECTIONS;
  self->letterbox = DEFAULT_LETTERBOX;
  self->n_threads = DEFAULT_N_THREADS;
  self->inference_interval = DEFAULT_INFERENCE_INTERVAL;
  self->embeddings = DEFAULT_EMBEDDINGS;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->live = DEFAULT_LIVE;
  self->precision = DEFAULT_PRECISION;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->batch_timeout = DEFAULT_BATCH_TIMEOUT;
  g_mutex_init (&self->done_lock);
  gst_video_info_init (&self->info);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
  gst_base_transform_set_prefer_passthrough (GST_BASE_TRANSFORM (self), FALSE);
}
