/* gst-yolor: the metadata contract of yolordetect.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This header is public and header-only for readers: an application
 * includes it and reads the metadata with plain GStreamer calls, without
 * linking against the plugin. (The writer side, used by the plugin, is
 * declared at the end under GST_YOLOR_PLUGIN_BUILD.)
 *
 * What yolordetect attaches to every buffer it processes
 * ------------------------------------------------------
 *
 * 1. One frame meta, a GstCustomMeta named "GstYolorFrameMeta" (tags "video"
 *    and "size"), even when nothing was detected. Its GstStructure holds
 *    every detection of the frame as parallel arrays (row i = detection i):
 *
 *      width, height   G_TYPE_INT     geometry of this buffer (the pixel
 *                                     rects below refer to it)
 *      fresh           G_TYPE_BOOLEAN TRUE when inference ran on this very
 *                                     frame; FALSE when the rows were carried
 *                                     over from an earlier frame
 *                                     (inference-interval > 1)
 *      frame           G_TYPE_UINT64  index (from 0, per stream) of this
 *                                     frame
 *      inference_frame G_TYPE_UINT64  index (from 0, per stream) of the
 *                                     frame the rows were computed on
 *      inference_ns    G_TYPE_UINT64  wall time of that inference, in ns
 *      model           G_TYPE_STRING  the model's .cfg file name
 *      n_detections    G_TYPE_UINT    number of rows N
 *      ids             GstValueArray of G_TYPE_INT: the id of the row's
 *                                     GstVideoRegionOfInterestMeta
 *      label_ids       GstValueArray of G_TYPE_INT
 *      labels          GstValueArray of G_TYPE_STRING
 *      confidences     GstValueArray of G_TYPE_DOUBLE (0..1)
 *      x_min, y_min, x_max, y_max
 *                      GstValueArray of G_TYPE_DOUBLE, normalised 0..1
 *      rects           GstValueArray of G_TYPE_INT, 4·N values x,y,w,h in
 *                                     pixels of this buffer
 *      embedding_dim   G_TYPE_INT     D, 0 when embeddings are off
 *      embeddings      GST_TYPE_BUFFER N·D float32 in host byte order, row i
 *                                     L2-normalised (absent when N = 0 or
 *                                     D = 0)
 *      class_scores    GstValueArray of G_TYPE_FLOAT, one per model class:
 *                                     image-level score (highest obj·cls
 *                                     over every candidate box)
 *
 *    The frame meta survives videoconvert and videoscale (their SCALE
 *    transform rewrites width, height and rects), tee, queue and any element
 *    that copies metas. Normalised fields never change.
 *
 * 2. One GstVideoRegionOfInterestMeta per detection, in row order:
 *    roi_type = g_quark_from_string (label), x/y/w/h in pixels of the buffer,
 *    id = row index (0..N-1), parent_id = -1. Its params:
 *
 *      "detection"        label_id (int), label (string), confidence
 *                         (double), x_min, y_min, x_max, y_max (double,
 *                         normalised), fresh (boolean) — DL Streamer's
 *                         field names.
 *      "yolor-embedding"  data (GstBuffer of D float32), type ("float32"),
 *                         dims (GstValueArray of uint <1, D>), normalized
 *                         (boolean). Only when embeddings are on.
 *
 *    GStreamer 1.22 drops ROI params on videoscale and on a converting
 *    videoconvert (the box, roi_type and id survive): read the frame meta
 *    there, joined by id.
 *
 * 3. When built against GStreamer >= 1.24: one GstAnalyticsRelationMeta with
 *    an object-detection Mtd per row, added first so its ids equal the ROI
 *    ids.
 *
 * Ownership: every pointer returned below is borrowed from the buffer and
 * valid as long as the buffer (and its metadata) is not modified.
 */
#ifndef GST_YOLOR_META_H
#define GST_YOLOR_META_H

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/* Name of the frame-level GstCustomMeta (and of its structure). */
#define GST_YOLOR_FRAME_META_NAME "GstYolorFrameMeta"
/* Names of the ROI param structures. */
#define GST_YOLOR_DETECTION_PARAM "detection"
#define GST_YOLOR_EMBEDDING_PARAM "yolor-embedding"

/* One row of the frame meta, as read by gst_yolor_frame_meta_get_row().
 * @label is borrowed from the meta. */
typedef struct _GstYolorDetection
{
  gint id; /* id of the matching ROI meta */
  gint label_id;
  const gchar *label;
  gdouble confidence;
  gdouble x_min, y_min, x_max, y_max; /* normalised 0..1 */
  gint x, y, w, h; /* pixels of the buffer */
} GstYolorDetection;

/**
 * gst_buffer_get_yolor_frame_meta:
 * @buffer: (transfer none): a buffer that went through yolordetect
 *
 * Returns: (transfer none) (nullable): the frame meta's structure, borrowed
 * from @buffer; NULL when the buffer has none (or the plugin is not loaded
 * in this process).
 */
static inline const GstStructure *
gst_buffer_get_yolor_frame_meta (GstBuffer *buffer)
{
  GstCustomMeta *meta;

  meta = gst_buffer_get_custom_meta (buffer, GST_YOLOR_FRAME_META_NAME);
  return meta ? gst_custom_meta_get_structure (meta) : NULL;
}

/**
 * gst_yolor_frame_meta_get_n_detections:
 * @s: (transfer none): a frame meta structure
 *
 * Returns: the number of rows, 0 if @s is NULL.
 */
static inline guint
gst_yolor_frame_meta_get_n_detections (const GstStructure *s)
{
  guint n = 0;

  if (s == NULL || !gst_structure_get_uint (s, "n_detections", &n))
    return 0;
  return n;
}

/* Value @i of array field @field of @s, or NULL. */
static inline const GValue *
gst_yolor_frame_meta_get_nth (
    const GstStructure *s, const gchar *field, guint i)
{
  const GValue *arr = gst_structure_get_value (s, field);

  if (arr == NULL || !GST_VALUE_HOLDS_ARRAY (arr)
      || i >= gst_value_array_get_size (arr))
    return NULL;
  return gst_value_array_get_value (arr, i);
}

/**
 * gst_yolor_frame_meta_get_row:
 * @s: (transfer none): a frame meta structure
 * @i: the row, below gst_yolor_frame_meta_get_n_detections()
 * @det_out: (out caller-allocates): filled on success
 *
 * Returns: TRUE if row @i exists and is complete.
 */
static inline gboolean
gst_yolor_frame_meta_get_row (
    const GstStructure *s, guint i, GstYolorDetection *det_out)
{
  const GValue *v[8];
  gint rect[4];
  const gchar *names[8] = { "ids", "label_ids", "labels", "confidences",
    "x_min", "y_min", "x_max", "y_max" };
  guint k;

  if (i >= gst_yolor_frame_meta_get_n_detections (s))
    return FALSE;
  for (k = 0; k < 8; k++) {
    v[k] = gst_yolor_frame_meta_get_nth (s, names[k], i);
    if (v[k] == NULL)
      return FALSE;
  }
  for (k = 0; k < 4; k++) {
    const GValue *r = gst_yolor_frame_meta_get_nth (s, "rects", 4 * i + k);
    if (r == NULL || !G_VALUE_HOLDS_INT (r))
      return FALSE;
    rect[k] = g_value_get_int (r);
  }
  det_out->x = rect[0];
  det_out->y = rect[1];
  det_out->w = rect[2];
  det_out->h = rect[3];
  if (!G_VALUE_HOLDS_INT (v[0]) || !G_VALUE_HOLDS_INT (v[1])
      || !G_VALUE_HOLDS_STRING (v[2]) || !G_VALUE_HOLDS_DOUBLE (v[3]))
    return FALSE;
  det_out->id = g_value_get_int (v[0]);
  det_out->label_id = g_value_get_int (v[1]);
  det_out->label = g_value_get_string (v[2]);
  det_out->confidence = g_value_get_double (v[3]);
  for (k = 4; k < 8; k++)
    if (!G_VALUE_HOLDS_DOUBLE (v[k]))
      return FALSE;
  det_out->x_min = g_value_get_double (v[4]);
  det_out->y_min = g_value_get_double (v[5]);
  det_out->x_max = g_value_get_double (v[6]);
  det_out->y_max = g_value_get_double (v[7]);
  return TRUE;
}

/**
 * gst_yolor_frame_meta_find_row:
 * @s: (transfer none): a frame meta structure
 * @id: the id of a ROI meta
 * @det_out: (out caller-allocates): filled on success
 *
 * Returns: the row whose id is @id (the join of ROI meta and frame meta:
 * the row index before yolortrack, the track id after it), or -1.
 */
static inline gint
gst_yolor_frame_meta_find_row (
    const GstStructure *s, gint id, GstYolorDetection *det_out)
{
  guint i, n = gst_yolor_frame_meta_get_n_detections (s);

  /* before yolortrack the row is the id: try it first */
  if (id >= 0 && (guint) id < n
      && gst_yolor_frame_meta_get_row (s, (guint) id, det_out)
      && det_out->id == id)
    return id;
  for (i = 0; i < n; i++) {
    const GValue *v = gst_yolor_frame_meta_get_nth (s, "ids", i);

    if (v != NULL && G_VALUE_HOLDS_INT (v) && g_value_get_int (v) == id
        && gst_yolor_frame_meta_get_row (s, i, det_out))
      return (gint) i;
  }
  return -1;
}

/**
 * gst_yolor_frame_meta_get_embeddings:
 * @s: (transfer none): a frame meta structure
 * @dim_out: (out): D, the floats per row
 *
 * Returns: (transfer none) (nullable): the N·D float32 buffer, borrowed from
 * the meta (map it with GST_MAP_READ); NULL when there is none.
 */
static inline GstBuffer *
gst_yolor_frame_meta_get_embeddings (const GstStructure *s, gint *dim_out)
{
  const GValue *v;

  *dim_out = 0;
  if (s == NULL)
    return NULL;
  v = gst_structure_get_value (s, "embeddings");
  if (v == NULL || !GST_VALUE_HOLDS_BUFFER (v))
    return NULL;
  if (!gst_structure_get_int (s, "embedding_dim", dim_out))
    return NULL;
  return gst_value_get_buffer (v);
}

/**
 * gst_yolor_roi_get_detection:
 * @roi: (transfer none): a ROI meta
 *
 * Returns: (transfer none) (nullable): its "detection" param (borrowed), or
 * NULL when the producer did not write one or an element dropped it.
 */
static inline GstStructure *
gst_yolor_roi_get_detection (GstVideoRegionOfInterestMeta *roi)
{
  return gst_video_region_of_interest_meta_get_param (
      roi, GST_YOLOR_DETECTION_PARAM);
}

/* Name of the GstCustomMeta yolormetaconvert attaches: its structure (of
 * the same name) has one field, "message" (G_TYPE_STRING), the frame's
 * JSON in DL Streamer's gvametaconvert schema (docs/metadata.md, "JSON").
 * It survives tee, queue and copies, not a scaling (its pixels would be
 * wrong). */
#define GST_YOLOR_JSON_META_NAME "GstYolorJSONMeta"

/**
 * gst_buffer_get_yolor_json:
 * @buffer: (transfer none): a buffer that went through yolormetaconvert
 *
 * Returns: (transfer none) (nullable): the frame's JSON message, borrowed
 * from @buffer; NULL when it has none.
 */
static inline const gchar *
gst_buffer_get_yolor_json (GstBuffer *buffer)
{
  GstCustomMeta *meta;

  meta = gst_buffer_get_custom_meta (buffer, GST_YOLOR_JSON_META_NAME);
  return meta ? gst_structure_get_string (
             gst_custom_meta_get_structure (meta), "message")
              : NULL;
}

#ifdef GST_YOLOR_PLUGIN_BUILD
/* ---- Writer side: plugin-internal ---- */

/* What yolordetect knows about one frame's results. Everything borrowed. */
typedef struct _GstYolorMetaFrame
{
  gint width, height; /* geometry of the buffer */
  gboolean fresh;
  guint64 frame;
  guint64 inference_frame;
  guint64 inference_ns;
  const gchar *model;
  const void *dets; /* const yolor_detection[n] */
  guint n;
  const gchar *const *labels; /* n_classes names */
  gint n_classes;
  const gfloat *embeddings; /* n × dim, or NULL */
  gint dim;
  const gfloat *class_scores; /* n_classes, or NULL */
} GstYolorMetaFrame;

/* Registers the frame meta (idempotent, thread-safe). Returns its info. */
const GstMetaInfo *gst_yolor_frame_meta_get_info (void);

/* Attaches the frame meta, the ROI metas and (>= 1.24) the analytics meta
 * described above to @buffer (borrowed, writable). */
void gst_yolor_meta_attach (GstBuffer *buffer, const GstYolorMetaFrame *f);

/* What yolortrack writes into a frame that carries a frame meta of @n rows.
 * Everything borrowed. */
typedef struct _GstYolorTrackFrame
{
  guint n;
  const gint *ids; /* n: the row's new ROI id: its track id (> 0), or
                            * -(row + 1) when the row has no track */
  const gfloat *boxes; /* 4·n pixel corners (x1, y1, x2, y2) the rows
                            * moved to, or NULL */
  const GstClockTime *seen; /* 2·n: PTS of the first and the last
                            * sighting of the row's track
                            * (GST_CLOCK_TIME_NONE when unknown or
                            * untracked), or NULL (builds without
                            * GstAnalytics, which alone reads them) */
  const gchar *tracking; /* the tracking-type */
  GValue *events; /* nullable: a GstValueArray of event structures,
                            * taken (left unset) */
} GstYolorTrackFrame;

/* Rewrites the ROI metas and the frame meta of @buffer (writable) with
 * @t's ids (and boxes), as gstyolormeta.h documents for yolortrack.
 * Returns: FALSE when @buffer's frame meta does not have @t->n rows (then
 * nothing changed). */
gboolean gst_yolor_meta_set_tracks (
    GstBuffer *buffer, const GstYolorTrackFrame *t);

/* Registers the JSON meta (idempotent, thread-safe). Returns its info. */
const GstMetaInfo *gst_yolor_json_meta_get_info (void);

/* Attaches (or replaces) the JSON meta of @buffer (writable): @message is
 * copied. */
void gst_yolor_meta_set_json (GstBuffer *buffer, const gchar *message);

/* Returns: (transfer full): a copy of @buffer's frame meta structure named
 * @name, without the embeddings, for a bus message; NULL if none. */
GstStructure *gst_yolor_meta_to_message (GstBuffer *buffer, const gchar *name);
#endif

G_END_DECLS
#endif /* GST_YOLOR_META_H */
