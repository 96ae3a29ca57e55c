/* gst-yolor: model files, class labels and the small property grammars of
 * yolordetect (plugin-internal).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_MODEL_H
#define GST_YOLOR_MODEL_H

#include <glib.h>
#include <yolor/yolor.h>

G_BEGIN_DECLS

/* Folder and file stem of the default model, Yolo-Fastest-1.1-xl. */
#define GST_YOLOR_DEFAULT_MODEL YOLOR_DEFAULT_MODEL

/* Returns: (transfer full) (nullable): the .cfg of the default model,
 * where yolor_default_model_path() finds it ($YOLOR_MODEL_DIR,
 * $YOLOR_SHARED_DIR/models, the folder compiled in); NULL when none has
 * it. Free with g_free(). */
gchar *gst_yolor_default_model_path (void);

/* Returns: (transfer full): "<dir of cfg>/<stem>.weights"
 * (yolor_weights_path()). */
gchar *gst_yolor_default_weights_path (const gchar *cfg);

/* Loads @n_classes labels as yolor_names_load() does. @file (borrowed,
 * nullable) is the labels-file property: when set it must be readable.
 * When NULL, "<stem>.names", "coco.names" and "../coco.names" beside @cfg
 * are tried, then the built-in COCO table for 80-class models. Missing
 * names become "class<N>". Every line must be UTF-8 text.
 * Returns: (transfer full): n_classes strings, free with g_strfreev(); NULL
 * and @error set when @file (or a names file found beside @cfg) cannot be
 * read or has a line that is not UTF-8 (the message names file:line). */
gchar **gst_yolor_labels_load (const gchar *file, const gchar *cfg,
    gint n_classes, gchar **used_file_out, GError **error);

/* Parses the object-class grammar, a comma list of labels or class ids,
 * into @mask_out (n_classes bytes, 1 = keep; borrowed). An empty or NULL
 * @spec keeps every class. Returns: FALSE with @unknown_out (transfer full)
 * naming the entries that match no class; the others are still applied. */
gboolean gst_yolor_class_mask_parse (const gchar *spec, gchar *const *labels,
    gint n_classes, guint8 *mask_out, gchar **unknown_out);

/* Parses "WxH" or "N" (square), as yolor_size_parse() does. "" or NULL
 * gives 0×0 (model default). Returns: FALSE for anything else. */
gboolean gst_yolor_parse_input_size (
    const gchar *spec, gint *width_out, gint *height_out);

/* What yolordetect reads from its properties at start. Strings borrowed. */
typedef struct
{
  const gchar *cfg; /* NULL or "": the default model */
  const gchar *weights; /* NULL or "": beside the cfg */
  const gchar *labels_file; /* NULL or "": searched, then built in */
  const gchar *input_size; /* NULL or "": the model's size */
  const gchar *instance_id; /* NULL or "": a model of its own; else the
                                * model shared by every element with this
                                * model-instance-id (gstyolorshared.h) */
  gint n_threads;
  yolor_resize resize;
  yolor_precision precision; /* asked for; a shared instance keeps the
                                * precision it was loaded with */
  yolor_log_fn log;
  void *log_user_data; /* retained: as long as the net */
} GstYolorModelSettings;

/* A loaded model; every member transferred to the caller, who frees them
 * all with gst_yolor_model_close(). */
typedef struct
{
  yolor_net *net; /* one stream's net (holds its model) */
  gchar *instance_id; /* the shared instance used, or NULL */
  gchar **labels; /* n_classes names, g_strfreev() */
  gint n_classes;
  gchar *name; /* basename of the cfg, g_free() */
  gchar *labels_from; /* where the labels came from, g_free() */
} GstYolorModel;

/* Resolves the default model, parses input-size, loads the net and its
 * labels. @set borrowed; @model_out filled on success.
 * Returns: FALSE with @error (GST_RESOURCE_ERROR: NOT_FOUND, OPEN_READ or
 * SETTINGS; message for users, transferred) and @debug_out (details,
 * transferred) set. */
gboolean gst_yolor_model_open (const GstYolorModelSettings *set,
    GstYolorModel *model_out, GError **error, gchar **debug_out);

/* Frees the net (and with the last user, a shared instance's model) and
 * every other member of @model; leaves it zeroed. */
void gst_yolor_model_close (GstYolorModel *model);

G_END_DECLS
#endif /* GST_YOLOR_MODEL_H */
