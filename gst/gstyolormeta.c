/* gst-yolor: the metadata contract of yolordetect (writer side).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The contract itself is documented in gstyolormeta.h and docs/metadata.md.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolormeta.h"

#include <math.h>
#include <string.h>
#include <yolor/yolor.h>

#ifdef HAVE_GST_ANALYTICS
#include <gst/analytics/analytics.h>
#endif

/* Pixel rect of normalised box edges in a @w × @h frame, clamped. */
static void
rect_from_norm (gdouble x0, gdouble y0, gdouble x1, gdouble y1, gint w, gint h,
    gint rect_out[4])
{
  gint l = (gint) CLAMP (lround (x0 * w), 0, w);
  gint t = (gint) CLAMP (lround (y0 * h), 0, h);
  gint r = (gint) CLAMP (lround (x1 * w), l, w);
  gint b = (gint) CLAMP (lround (y1 * h), t, h);

  rect_out[0] = l;
  rect_out[1] = t;
  rect_out[2] = r - l;
  rect_out[3] = b - t;
}

/* Rewrites width/height/rects of @s for a @w × @h frame. */
static void
frame_structure_rescale (GstStructure *s, gint w, gint h)
{
  GValue rects = G_VALUE_INIT, v = G_VALUE_INIT;
  guint i, n = gst_yolor_frame_meta_get_n_detections (s);

  gst_value_array_init (&rects, 4 * n);
  g_value_init (&v, G_TYPE_INT);
  for (i = 0; i < n; i++) {
    GstYolorDetection d;
    gint r[4] = { 0, 0, 0, 0 }, k;

    if (gst_yolor_frame_meta_get_row (s, i, &d))
      rect_from_norm (d.x_min, d.y_min, d.x_max, d.y_max, w, h, r);
    for (k = 0; k < 4; k++) {
      g_value_set_int (&v, r[k]);
      gst_value_array_append_value (&rects, &v);
    }
  }
  g_value_unset (&v);
  gst_structure_take_value (s, "rects", &rects);
  gst_structure_set (s, "width", G_TYPE_INT, w, "height", G_TYPE_INT, h, NULL);
}

static gboolean
copy_field (GQuark field, const GValue *value, gpointer user_data)
{
  gst_structure_id_set_value ((GstStructure *) user_data, field, value);
  return TRUE;
}

/* COPY (whole buffer or region: the rows stay valid for the whole frame)
 * and video SCALE transforms; anything else drops the meta. */
static gboolean
frame_meta_transform (GstBuffer *dest, GstCustomMeta *meta, GstBuffer *src,
    GQuark type, gpointer data, gpointer user_data)
{
  const GstStructure *s = gst_custom_meta_get_structure (meta);
  GstCustomMeta *dmeta;
  GstStructure *ds;

  (void) src;
  (void) user_data;
  if (!GST_META_TRANSFORM_IS_COPY (type)
      && !GST_VIDEO_META_TRANSFORM_IS_SCALE (type))
    return FALSE;

  /* one frame meta per buffer: replace what @dest may already carry */
  dmeta = gst_buffer_get_custom_meta (dest, GST_YOLOR_FRAME_META_NAME);
  if (dmeta == NULL)
    dmeta = gst_buffer_add_custom_meta (dest, GST_YOLOR_FRAME_META_NAME);
  if (dmeta == NULL)
    return FALSE;
  ds = gst_custom_meta_get_structure (dmeta);
  gst_structure_remove_all_fields (ds);
  gst_structure_foreach (s, copy_field, ds);

  if (GST_VIDEO_META_TRANSFORM_IS_SCALE (type)) {
    GstVideoMetaTransform *t = data;

    frame_structure_rescale (ds, GST_VIDEO_INFO_WIDTH (t->out_info),
        GST_VIDEO_INFO_HEIGHT (t->out_info));
  }
  return TRUE;
}

static gpointer
register_frame_meta (gpointer unused)
{
  static const gchar *tags[] = { GST_META_TAG_VIDEO_STR,
    GST_META_TAG_VIDEO_SIZE_STR, NULL };

  (void) unused;
  return (gpointer) gst_meta_register_custom (
      GST_YOLOR_FRAME_META_NAME, tags, frame_meta_transform, NULL, NULL);
}

const GstMetaInfo *
gst_yolor_frame_meta_get_info (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, register_frame_meta, NULL);
  return once.retval;
}

/* The JSON meta: copied whole (tee, queue, copies); dropped on anything
 * else, a scaling among them, since its pixel boxes would be wrong. */
static gboolean
json_meta_transform (GstBuffer *dest, GstCustomMeta *meta, GstBuffer *src,
    GQuark type, gpointer data, gpointer user_data)
{
  (void) src;
  (void) data;
  (void) user_data;
  if (!GST_META_TRANSFORM_IS_COPY (type))
    return FALSE;
  gst_yolor_meta_set_json (dest,
      gst_structure_get_string (
          gst_custom_meta_get_structure (meta), "message"));
  return TRUE;
}

static gpointer
register_json_meta (gpointer unused)
{
  static const gchar *tags[] = { GST_META_TAG_VIDEO_STR,
    GST_META_TAG_VIDEO_SIZE_STR, NULL };

  (void) unused;
  return (gpointer) gst_meta_register_custom (
      GST_YOLOR_JSON_META_NAME, tags, json_meta_transform, NULL, NULL);
}

const GstMetaInfo *
gst_yolor_json_meta_get_info (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, register_json_meta, NULL);
  return once.retval;
}

void
gst_yolor_meta_set_json (GstBuffer *buffer, const gchar *message)
{
  GstCustomMeta *meta;

  meta = gst_buffer_get_custom_meta (buffer, GST_YOLOR_JSON_META_NAME);
  if (meta == NULL)
    meta = gst_buffer_add_custom_meta (buffer, GST_YOLOR_JSON_META_NAME);
  if (meta == NULL)
    return;
  gst_structure_set (gst_custom_meta_get_structure (meta), "message",
      G_TYPE_STRING, message, NULL);
}

/* Appends @n values of @type read by @get (index → GValue) to a new array
 * field @name of @s. */
typedef void (*RowGetter) (const GstYolorMetaFrame *f, guint i, GValue *v);

static void
set_array (GstStructure *s, const gchar *name, GType type, guint n,
    const GstYolorMetaFrame *f, RowGetter get)
{
  GValue arr = G_VALUE_INIT, v = G_VALUE_INIT;
  guint i;

  gst_value_array_init (&arr, n);
  g_value_init (&v, type);
  for (i = 0; i < n; i++) {
    get (f, i, &v);
    gst_value_array_append_value (&arr, &v);
  }
  g_value_unset (&v);
  gst_structure_take_value (s, name, &arr);
}

#define DET(f, i) (((const yolor_detection *) (f)->dets)[i])

static const gchar *
label_of (const GstYolorMetaFrame *f, gint class_id)
{
  if (class_id >= 0 && class_id < f->n_classes && f->labels[class_id])
    return f->labels[class_id];
  return "unknown";
}

static void
get_label_id (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_int (v, DET (f, i).class_id);
}

static void
get_label (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_string (v, label_of (f, DET (f, i).class_id));
}

static void
get_conf (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_double (v, DET (f, i).confidence);
}

static void
get_x_min (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_double (v, CLAMP (DET (f, i).x1 / (gdouble) f->width, 0., 1.));
}

static void
get_y_min (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_double (v, CLAMP (DET (f, i).y1 / (gdouble) f->height, 0., 1.));
}

static void
get_x_max (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_double (v, CLAMP (DET (f, i).x2 / (gdouble) f->width, 0., 1.));
}

static void
get_y_max (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_double (v, CLAMP (DET (f, i).y2 / (gdouble) f->height, 0., 1.));
}

static void
get_rect (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  const yolor_detection *d = &DET (f, i / 4);
  gint r[4];

  rect_from_norm (d->x1 / f->width, d->y1 / f->height, d->x2 / f->width,
      d->y2 / f->height, f->width, f->height, r);
  g_value_set_int (v, r[i % 4]);
}

static void
get_class_score (const GstYolorMetaFrame *f, guint i, GValue *v)
{
  g_value_set_float (v, f->class_scores[i]);
}

/* The "detection" ROI param of row @i (transferred). */
static GstStructure *
detection_param (const GstYolorMetaFrame *f, guint i)
{
  const yolor_detection *d = &DET (f, i);

  return gst_structure_new (GST_YOLOR_DETECTION_PARAM, "label_id", G_TYPE_INT,
      d->class_id, "label", G_TYPE_STRING, label_of (f, d->class_id),
      "confidence", G_TYPE_DOUBLE, (gdouble) d->confidence, "x_min",
      G_TYPE_DOUBLE, CLAMP (d->x1 / (gdouble) f->width, 0., 1.), "y_min",
      G_TYPE_DOUBLE, CLAMP (d->y1 / (gdouble) f->height, 0., 1.), "x_max",
      G_TYPE_DOUBLE, CLAMP (d->x2 / (gdouble) f->width, 0., 1.), "y_max",
      G_TYPE_DOUBLE, CLAMP (d->y2 / (gdouble) f->height, 0., 1.), "fresh",
      G_TYPE_BOOLEAN, f->fresh, NULL);
}

/* The "yolor-embedding" ROI param for row @i: a sub-buffer of @all sharing
 * its memory (transferred). */
static GstStructure *
embedding_param (GstBuffer *all, gint dim, guint i)
{
  GstBuffer *row;
  GValue dims = G_VALUE_INIT, v = G_VALUE_INIT;
  GstStructure *s;
  gsize bytes = (gsize) dim * sizeof (gfloat);

  row = gst_buffer_copy_region (all, GST_BUFFER_COPY_MEMORY, i * bytes, bytes);
  gst_value_array_init (&dims, 2);
  g_value_init (&v, G_TYPE_UINT);
  g_value_set_uint (&v, 1);
  gst_value_array_append_value (&dims, &v);
  g_value_set_uint (&v, (guint) dim);
  gst_value_array_append_value (&dims, &v);
  g_value_unset (&v);
  s = gst_structure_new (GST_YOLOR_EMBEDDING_PARAM, "data", GST_TYPE_BUFFER,
      row, "type", G_TYPE_STRING, "float32", "normalized", G_TYPE_BOOLEAN, TRUE,
      NULL);
  gst_structure_take_value (s, "dims", &dims);
  gst_buffer_unref (row);
  return s;
}

void
gst_yolor_meta_attach (GstBuffer *buffer, const GstYolorMetaFrame *f)
{
  GstCustomMeta *meta;
  GstStructure *s;
  GstBuffer *emb = NULL;
  GValue ids = G_VALUE_INIT, idv = G_VALUE_INIT;
  guint i, n = f->n;
  gint dim = f->embeddings && n > 0 ? f->dim : 0;
#ifdef HAVE_GST_ANALYTICS
  GstAnalyticsRelationMeta *rmeta = NULL;
#endif

  gst_yolor_frame_meta_get_info ();
  /* one frame meta per buffer: a later detector replaces an earlier one's */
  meta = gst_buffer_get_custom_meta (buffer, GST_YOLOR_FRAME_META_NAME);
  if (meta != NULL)
    gst_structure_remove_all_fields (gst_custom_meta_get_structure (meta));
  else
    meta = gst_buffer_add_custom_meta (buffer, GST_YOLOR_FRAME_META_NAME);
  if (meta == NULL)
    return;
  s = gst_custom_meta_get_structure (meta);
  gst_structure_set (s, "width", G_TYPE_INT, f->width, "height", G_TYPE_INT,
      f->height, "fresh", G_TYPE_BOOLEAN, f->fresh, "frame", G_TYPE_UINT64,
      f->frame, "inference_frame", G_TYPE_UINT64, f->inference_frame,
      "inference_ns", G_TYPE_UINT64, f->inference_ns, "model", G_TYPE_STRING,
      f->model ? f->model : "", "n_detections", G_TYPE_UINT, n, NULL);
  set_array (s, "label_ids", G_TYPE_INT, n, f, get_label_id);
  set_array (s, "labels", G_TYPE_STRING, n, f, get_label);
  set_array (s, "confidences", G_TYPE_DOUBLE, n, f, get_conf);
  set_array (s, "x_min", G_TYPE_DOUBLE, n, f, get_x_min);
  set_array (s, "y_min", G_TYPE_DOUBLE, n, f, get_y_min);
  set_array (s, "x_max", G_TYPE_DOUBLE, n, f, get_x_max);
  set_array (s, "y_max", G_TYPE_DOUBLE, n, f, get_y_max);
  set_array (s, "rects", G_TYPE_INT, 4 * n, f, get_rect);
  gst_structure_set (s, "embedding_dim", G_TYPE_INT, dim, NULL);
  if (dim > 0) {
    gsize bytes = (gsize) n * dim * sizeof (gfloat);

    emb = gst_buffer_new_memdup (f->embeddings, bytes);
    gst_structure_set (s, "embeddings", GST_TYPE_BUFFER, emb, NULL);
  }
  if (f->class_scores)
    set_array (s, "class_scores", G_TYPE_FLOAT, (guint) f->n_classes, f,
        get_class_score);

#ifdef HAVE_GST_ANALYTICS
  /* ODMtds first, so their ids are the ROI ids (0..N-1 on a fresh meta) */
  if (n > 0) {
    rmeta = gst_buffer_get_analytics_relation_meta (buffer);
    if (rmeta == NULL)
      rmeta = gst_buffer_add_analytics_relation_meta (buffer);
  }
#endif
  gst_value_array_init (&ids, n);
  g_value_init (&idv, G_TYPE_INT);

  for (i = 0; i < n; i++) {
    const yolor_detection *d = &DET (f, i);
    GstVideoRegionOfInterestMeta *roi;
    gint r[4];

    rect_from_norm (d->x1 / f->width, d->y1 / f->height, d->x2 / f->width,
        d->y2 / f->height, f->width, f->height, r);
    roi = gst_buffer_add_video_region_of_interest_meta_id (buffer,
        g_quark_from_string (label_of (f, d->class_id)), r[0], r[1], r[2],
        r[3]);
    roi->id = (gint) i;
    roi->parent_id = -1;
#ifdef HAVE_GST_ANALYTICS
    if (rmeta) {
      GstAnalyticsODMtd od;

      if (gst_analytics_relation_meta_add_od_mtd (
              rmeta, roi->roi_type, r[0], r[1], r[2], r[3], d->confidence, &od))
        roi->id = (gint) od.id;
    }
#endif
    gst_video_region_of_interest_meta_add_param (roi, detection_param (f, i));
    if (emb)
      gst_video_region_of_interest_meta_add_param (
          roi, embedding_param (emb, dim, i));
    g_value_set_int (&idv, roi->id);
    gst_value_array_append_value (&ids, &idv);
  }
  g_value_unset (&idv);
  gst_structure_take_value (s, "ids", &ids);
  if (emb)
    gst_buffer_unref (emb);
}

GstStructure *
gst_yolor_meta_to_message (GstBuffer *buffer, const gchar *name)
{
  const GstStructure *s = gst_buffer_get_yolor_frame_meta (buffer);
  GstStructure *m;

  if (s == NULL)
    return NULL;
  m = gst_structure_copy (s);
  gst_structure_set_name (m, name);
  gst_structure_remove_field (m, "embeddings");
  return m;
}
