/* yolorosd — draws region-of-interest metadata (boxes and labels) into
 * video frames.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-yolorosd
 * @title: yolorosd
 *
 * Draws every #GstVideoRegionOfInterestMeta of a frame into the frame's
 * pixels: the box outline, and on top of it a label with the class name,
 * the confidence and the track id. It draws the detections of `yolordetect`
 * and those of any other element that attaches region-of-interest metadata.
 *
 * Drawing is done in place, in the frame's own format: RGB, BGR, RGBx, BGRx,
 * xRGB, xBGR, RGBA, BGRA, NV12 and I420 (YUV frames are drawn into their Y
 * and chroma planes; there is no conversion). Text uses a small built-in
 * bitmap font; no cairo or pango is needed.
 *
 * What is read from each region-of-interest meta:
 *
 * * The box: the meta's x, y, w, h in frame pixels. Any values are safe;
 *   the drawing is clipped to the frame.
 * * The label: the "label" string of the meta's "detection" parameter
 *   structure, else the name of the meta's roi_type quark.
 * * The confidence: the "confidence" double (or float) of "detection",
 *   shown with two decimals when present.
 * * The track id: the integer "object_id" of "detection", else its
 *   "track_id", else the "id" of a parameter structure named "tracking";
 *   shown as "#id" after the label. Any integer type is accepted.
 * * The colour: from the integer "label_id" of "detection" when present,
 *   else from a hash of the label text, so a class keeps its colour.
 * * Freshness: a "detection" structure with the boolean "fresh" set to
 *   FALSE marks a box carried over from an earlier frame (yolordetect's
 *   inference-interval). Such boxes are drawn like the others unless
 *   #GstYolorOsd:dim-stale is set, which draws them semi-transparent.
 *
 * GStreamer 1.22 drops the parameter structures of region-of-interest metas
 * in videoscale and in a converting videoconvert. For a meta without a
 * "detection" structure yolorosd therefore looks up the row with the
 * meta's id in yolordetect's frame meta (GstYolorFrameMeta, see
 * gstyolormeta.h), which survives both, and takes the label, class id,
 * confidence and freshness from there. Boxes of other producers without
 * parameters are drawn with the roi_type name as label.
 *
 * When a frame carries no region-of-interest meta its pixels are left
 * untouched.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=video.mp4 ! decodebin ! videoconvert ! \
 *     yolordetect model=yolo-fastest-1.1-xl.cfg ! yolorosd line-thickness=2 ! \
 *     videoconvert ! autovideosink
 * ]|
 * Detects objects and shows the video with the boxes drawn.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstyolorosd.h"
#include "gstyolormeta.h"
#include "gstyolorframe.h"
#include "gstyolormodel.h"

#include <stdlib.h>
#include <string.h>

#include <yolor/yolor-draw.h>

GST_DEBUG_CATEGORY_STATIC (gst_yolor_osd_debug);
#define GST_CAT_DEFAULT gst_yolor_osd_debug

#define DEFAULT_LINE_THICKNESS 0
#define MAX_LINE_THICKNESS 256
#define DEFAULT_TEXT_SCALE 0
#define MAX_TEXT_SCALE 64
#define DEFAULT_SHOW_LABELS TRUE
#define DEFAULT_SHOW_CONFIDENCE TRUE
#define DEFAULT_DIM_STALE FALSE

enum
{
  PROP_0,
  PROP_LINE_THICKNESS,
  PROP_TEXT_SCALE,
  PROP_SHOW_LABELS,
  PROP_SHOW_CONFIDENCE,
  PROP_DIM_STALE,
};

/* Properties, under GST_OBJECT_LOCK; copied at the top of each frame. */
typedef struct
{
  guint line_thickness;
  guint text_scale;
  gboolean show_labels;
  gboolean show_confidence;
  gboolean dim_stale;
} GstYolorOsdSettings;

struct _GstYolorOsd
{
  GstVideoFilter parent;

  GstYolorOsdSettings settings;

  /* Streaming state, set in set_info(). */
  yolor_pixfmt pixfmt;
  yolor_yuv_matrix matrix;
};

#define FORMATS GST_YOLOR_VIDEO_FORMATS

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));

static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));

#define gst_yolor_osd_parent_class parent_class
G_DEFINE_TYPE (GstYolorOsd, gst_yolor_osd, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (
    yolorosd, "yolorosd", GST_RANK_NONE, GST_TYPE_YOLOR_OSD);

static void
gst_yolor_osd_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstYolorOsd *self = GST_YOLOR_OSD (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LINE_THICKNESS:
      self->settings.line_thickness = g_value_get_uint (value);
      break;
    case PROP_TEXT_SCALE:
      self->settings.text_scale = g_value_get_uint (value);
      break;
    case PROP_SHOW_LABELS:
      self->settings.show_labels = g_value_get_boolean (value);
      break;
    case PROP_SHOW_CONFIDENCE:
      self->settings.show_confidence = g_value_get_boolean (value);
      break;
    case PROP_DIM_STALE:
      self->settings.dim_stale = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_yolor_osd_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstYolorOsd *self = GST_YOLOR_OSD (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LINE_THICKNESS:
      g_value_set_uint (value, self->settings.line_thickness);
      break;
    case PROP_TEXT_SCALE:
      g_value_set_uint (value, self->settings.text_scale);
      break;
    case PROP_SHOW_LABELS:
      g_value_set_boolean (value, self->settings.show_labels);
      break;
    case PROP_SHOW_CONFIDENCE:
      g_value_set_boolean (value, self->settings.show_confidence);
      break;
    case PROP_DIM_STALE:
      g_value_set_boolean (value, self->settings.dim_stale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_yolor_osd_set_info (GstVideoFilter *filter, G_GNUC_UNUSED GstCaps *incaps,
    GstVideoInfo *in_info, G_GNUC_UNUSED GstCaps *outcaps,
    G_GNUC_UNUSED GstVideoInfo *out_info)
{
  GstYolorOsd *self = GST_YOLOR_OSD (filter);

  if (!gst_yolor_pixfmt_from_video (
          GST_VIDEO_INFO_FORMAT (in_info), &self->pixfmt))
    goto unsupported_format;

  self->matrix = gst_yolor_yuv_matrix_from_info (in_info);

  GST_DEBUG_OBJECT (self, "drawing on %s %dx%d",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in_info)),
      GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info));
  return TRUE;

  /* ERRORS */
unsupported_format : {
  GST_WARNING_OBJECT (self, "unsupported format %s",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in_info)));
  return FALSE;
}
}

/* Reads an integer field of any integer type. */
static gboolean
get_any_int (const GstStructure *s, const gchar *field, gint64 *out)
{
  const GValue *v;

  if (s == NULL || (v = gst_structure_get_value (s, field)) == NULL)
    return FALSE;
  if (G_VALUE_HOLDS_INT (v))
    *out = g_value_get_int (v);
  else if (G_VALUE_HOLDS_UINT (v))
    *out = g_value_get_uint (v);
  else if (G_VALUE_HOLDS_INT64 (v))
    *out = g_value_get_int64 (v);
  else if (G_VALUE_HOLDS_UINT64 (v))
    *out = (gint64) MIN (g_value_get_uint64 (v), (guint64) G_MAXINT64);
  else if (G_VALUE_HOLDS_LONG (v))
    *out = g_value_get_long (v);
  else if (G_VALUE_HOLDS_ULONG (v))
    *out = (gint64) MIN (g_value_get_ulong (v), (gulong) G_MAXINT64);
  else
    return FALSE;
  return TRUE;
}

static gboolean
get_any_double (const GstStructure *s, const gchar *field, gdouble *out)
{
  const GValue *v;

  if (s == NULL || (v = gst_structure_get_value (s, field)) == NULL)
    return FALSE;
  if (G_VALUE_HOLDS_DOUBLE (v))
    *out = g_value_get_double (v);
  else if (G_VALUE_HOLDS_FLOAT (v))
    *out = g_value_get_float (v);
  else
    return FALSE;
  return TRUE;
}

static void
append_part (gchar *text, gsize text_size, const gchar *part)
{
  if (text[0] != '\0')
    g_strlcat (text, " ", text_size);
  g_strlcat (text, part, text_size);
}

/* What is known about one region, from whichever source had it. */
typedef struct
{
  const gchar *label; /* borrowed from the meta; may be NULL */
  gboolean has_confidence, has_class, has_track;
  gdouble confidence;
  gint64 class_id, track_id;
  gboolean fresh;
} GstYolorOsdRegion;

/* Fills @r from @roi's params; when @roi has no "detection" param (dropped
 * by videoscale or a converting videoconvert on 1.22), from the row of
 * yolordetect's frame meta @frame_meta (nullable) with the ROI's id. */
static void
gst_yolor_osd_read_region (GstVideoRegionOfInterestMeta *roi,
    const GstStructure *frame_meta, GstYolorOsdRegion *r)
{
  GstStructure *det = gst_yolor_roi_get_detection (roi);
  GstYolorDetection row;

  memset (r, 0, sizeof (*r));
  r->fresh = TRUE;
  if (det != NULL) {
    r->label = gst_structure_get_string (det, "label");
    r->has_confidence = get_any_double (det, "confidence", &r->confidence);
    r->has_class = get_any_int (det, "label_id", &r->class_id);
    gst_structure_get_boolean (det, "fresh", &r->fresh);
  } else if (frame_meta != NULL
      && gst_yolor_frame_meta_find_row (frame_meta, roi->id, &row) >= 0) {
    r->label = row.label;
    r->has_confidence = TRUE;
    r->confidence = row.confidence;
    r->has_class = TRUE;
    r->class_id = row.label_id;
    gst_structure_get_boolean (frame_meta, "fresh", &r->fresh);
  }
  if (r->label == NULL && roi->roi_type != 0)
    r->label = g_quark_to_string (roi->roi_type);

  /* yolortrack's ids also live in the ROI id, which outlives the params */
  if (det == NULL && frame_meta != NULL
      && gst_structure_has_field (frame_meta, "tracking") && roi->id > 0) {
    r->has_track = TRUE;
    r->track_id = roi->id;
    return;
  }
  r->has_track = get_any_int (det, "object_id", &r->track_id)
      || get_any_int (det, "track_id", &r->track_id)
      || get_any_int (
          gst_video_region_of_interest_meta_get_param (roi, "tracking"), "id",
          &r->track_id);
}

/* Builds the label text of @r into @text and picks its colour and alpha. */
static void
gst_yolor_osd_describe (const GstYolorOsdSettings *settings,
    const GstYolorOsdRegion *r, gchar *text, gsize text_size,
    yolor_draw_style *style)
{
  gchar part[G_ASCII_DTOSTR_BUF_SIZE];

  /* "label 0.87 #12", each part optional. */
  text[0] = '\0';
  if (settings->show_labels && r->label != NULL)
    g_strlcpy (text, r->label, text_size);
  if (settings->show_confidence && r->has_confidence) {
    g_ascii_formatd (part, sizeof (part), "%.2f", r->confidence);
    append_part (text, text_size, part);
  }
  if (settings->show_labels && r->has_track) {
    g_snprintf (part, sizeof (part), "#%" G_GINT64_FORMAT, r->track_id);
    append_part (text, text_size, part);
  }

  yolor_draw_style_init (style);
  style->color =
      yolor_draw_class_color (r->has_class ? (gint) (r->class_id % G_MAXINT)
                                           : yolor_draw_label_hash (r->label));
  style->thickness = (gint) settings->line_thickness;
  style->text_scale = (gint) settings->text_scale;
  if (settings->dim_stale && !r->fresh)
    style->alpha = YOLOR_DRAW_DIM_ALPHA;
}

/* A region to draw: its meta (borrowed), what it says, its label text
 * and style. */
typedef struct
{
  GstVideoRegionOfInterestMeta *roi;
  GstYolorOsdRegion region;
  gchar text[256];
  yolor_draw_style style;
} GstYolorOsdItem;

static gboolean
gst_yolor_osd_same_box (const GstVideoRegionOfInterestMeta *a,
    const GstVideoRegionOfInterestMeta *b)
{
  return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

/* By box (so the rows of one box are neighbours), then by confidence,
 * highest first; rows without one last. */
static gint
gst_yolor_osd_item_cmp (const void *pa, const void *pb)
{
  const GstYolorOsdItem *a = pa, *b = pb;
  gdouble ca = a->region.has_confidence ? a->region.confidence : -1.0;
  gdouble cb = b->region.has_confidence ? b->region.confidence : -1.0;

  if (a->roi->x != b->roi->x)
    return a->roi->x < b->roi->x ? -1 : 1;
  if (a->roi->y != b->roi->y)
    return a->roi->y < b->roi->y ? -1 : 1;
  if (a->roi->w != b->roi->w)
    return a->roi->w < b->roi->w ? -1 : 1;
  if (a->roi->h != b->roi->h)
    return a->roi->h < b->roi->h ? -1 : 1;
  return ca > cb ? -1 : ca < cb;
}

static GstFlowReturn
gst_yolor_osd_transform_frame_ip (GstVideoFilter *filter, GstVideoFrame *frame)
{
  GstYolorOsd *self = GST_YOLOR_OSD (filter);
  GstYolorOsdSettings settings;
  const GstStructure *frame_meta;
  yolor_canvas canvas = {
    0,
  };
  gpointer iter = NULL;
  GstMeta *meta;
  GArray *regions;
  GstYolorOsdItem *items;
  const gchar **lines;
  guint32 *colors;
  guint n, n_drawn = 0;
  gchar *why = NULL;

  if (gst_buffer_get_video_region_of_interest_meta (frame->buffer) == NULL)
    return GST_FLOW_OK;

  GST_OBJECT_LOCK (self);
  settings = self->settings;
  GST_OBJECT_UNLOCK (self);

  canvas.format = self->pixfmt;
  canvas.width = GST_VIDEO_FRAME_WIDTH (frame);
  canvas.height = GST_VIDEO_FRAME_HEIGHT (frame);
  canvas.matrix = self->matrix;
  if (!gst_yolor_frame_planes (frame, canvas.planes, canvas.strides, &why))
    goto bad_meta;
  if (yolor_canvas_check (&canvas) != YOLOR_OK)
    goto bad_frame;
  frame_meta = gst_buffer_get_yolor_frame_meta (frame->buffer);

  regions = g_array_new (FALSE, TRUE, sizeof (GstYolorOsdItem));
  while ((meta = gst_buffer_iterate_meta_filtered (
              frame->buffer, &iter, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
      != NULL) {
    GstYolorOsdItem it = { (GstVideoRegionOfInterestMeta *) meta };

    gst_yolor_osd_read_region (it.roi, frame_meta, &it.region);
    gst_yolor_osd_describe (
        &settings, &it.region, it.text, sizeof (it.text), &it.style);
    g_array_append_val (regions, it);
  }
  items = (GstYolorOsdItem *) regions->data;
  n = regions->len;
  /* one box per place: the classes of a box detected as several (a row
   * each) are one label, strongest first */
  qsort (items, n, sizeof (GstYolorOsdItem), gst_yolor_osd_item_cmp);
  lines = g_new (const gchar *, MAX (n, 1));
  colors = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n;) {
    GstVideoRegionOfInterestMeta *roi = items[i].roi;
    guint k = 0;

    do {
      lines[k] = items[i + k].text;
      colors[k] = items[i + k].style.color;
      k++;
    } while (i + k < n && gst_yolor_osd_same_box (roi, items[i + k].roi));
    yolor_draw_detection_lines (&canvas, (gint) MIN (roi->x, (guint) G_MAXINT),
        (gint) MIN (roi->y, (guint) G_MAXINT),
        (gint) MIN (roi->w, (guint) G_MAXINT),
        (gint) MIN (roi->h, (guint) G_MAXINT), lines, colors, (gint) k,
        &items[i].style);
    n_drawn++;
    i += k;
  }
  g_free (colors);
  g_free (lines);
  g_array_unref (regions);
  GST_LOG_OBJECT (self, "drew %u regions", n_drawn);
  return GST_FLOW_OK;

  /* ERRORS */
bad_meta : {
  GST_ELEMENT_ERROR (self, STREAM, FAILED,
      ("The frame's video meta does not fit its memory."), ("%s", why));
  g_free (why);
  return GST_FLOW_ERROR;
}
bad_frame : {
  GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Cannot draw on this frame."),
      ("Frame %dx%d with strides %d/%d/%d does not fit its format.",
          canvas.width, canvas.height, canvas.strides[0], canvas.strides[1],
          canvas.strides[2]));
  return GST_FLOW_ERROR;
}
}

static void
gst_yolor_osd_class_init (GstYolorOsdClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);
  GParamFlags flags =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (
      gst_yolor_osd_debug, "yolorosd", 0, "YOLOR detection drawing");

  gobject_class->set_property = gst_yolor_osd_set_property;
  gobject_class->get_property = gst_yolor_osd_get_property;

  /**
   * GstYolorOsd:line-thickness:
   *
   * Width of the box outlines in pixels, drawn inside the box.
   * 0 picks it from the frame height.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_LINE_THICKNESS,
      g_param_spec_uint ("line-thickness", "Line thickness",
          "Width of the box outlines in pixels (0–256), drawn inside the box. "
          "The default 0 picks it from the frame height: one pixel per 360 "
          "rows, at least 1 (1 at 320 rows, 3 at 1080).",
          0, MAX_LINE_THICKNESS, DEFAULT_LINE_THICKNESS, flags));

  /**
   * GstYolorOsd:text-scale:
   *
   * Size in frame pixels of one pixel of the built-in 5×7 font. 0 picks it
   * from the frame height.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_TEXT_SCALE,
      g_param_spec_uint ("text-scale", "Text scale",
          "Size in frame pixels of one pixel of the built-in 5x7 font (0–64); "
          "capitals are 7 times this tall. The default 0 picks it from the "
          "frame height: 1 per 360 rows, at least 1 (1 at 320 rows, 3 at "
          "1080).",
          0, MAX_TEXT_SCALE, DEFAULT_TEXT_SCALE, flags));

  /**
   * GstYolorOsd:show-labels:
   *
   * Whether to write the class label and the track id above each box.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_SHOW_LABELS,
      g_param_spec_boolean ("show-labels", "Show labels",
          "Whether to write the class label and, when known, the track id "
          "above each box. Default: true.",
          DEFAULT_SHOW_LABELS, flags));

  /**
   * GstYolorOsd:show-confidence:
   *
   * Whether to write the detection confidence next to the label.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_SHOW_CONFIDENCE,
      g_param_spec_boolean ("show-confidence", "Show confidence",
          "Whether to write the detection confidence (0.00–1.00) above each "
          "box when the metadata carries one. Default: true.",
          DEFAULT_SHOW_CONFIDENCE, flags));

  /**
   * GstYolorOsd:dim-stale:
   *
   * Whether boxes whose "detection" structure has "fresh" set to FALSE
   * (detections carried over from an earlier frame) are drawn
   * semi-transparent instead of like fresh ones.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DIM_STALE,
      g_param_spec_boolean ("dim-stale", "Dim stale boxes",
          "Whether boxes carried over from an earlier frame (\"fresh\" is "
          "false in their \"detection\" structure) are drawn semi-transparent. "
          "Default: false, they are drawn like fresh boxes.",
          DEFAULT_DIM_STALE, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "YOLOR detection overlay", "Filter/Effect/Video",
      "Draws region-of-interest boxes, labels, confidences and track ids "
      "into video frames",
      "the gst-yolor authors");

  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_yolor_osd_set_info);
  filter_class->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_yolor_osd_transform_frame_ip);
}

static void
gst_yolor_osd_init (GstYolorOsd *self)
{
  self->settings.line_thickness = DEFAULT_LINE_THICKNESS;
  self->settings.text_scale = DEFAULT_TEXT_SCALE;
  self->settings.show_labels = DEFAULT_SHOW_LABELS;
  self->settings.show_confidence = DEFAULT_SHOW_CONFIDENCE;
  self->settings.dim_stale = DEFAULT_DIM_STALE;
  self->pixfmt = YOLOR_PIXFMT_RGB;
  self->matrix = YOLOR_YUV_AUTO;
}
