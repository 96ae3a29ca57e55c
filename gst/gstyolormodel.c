/* gst-yolor: model files, class labels and property grammars.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolormodel.h"
#include "gstyolordetect.h"
#include "gstyolorshared.h"

#include <stdlib.h>
#include <string.h>

gchar *
gst_yolor_default_model_path (void)
{
  char *p = yolor_default_model_path ();
  gchar *path = g_strdup (p);

  free (p);
  return path;
}

gchar *
gst_yolor_default_weights_path (const gchar *cfg)
{
  char *p = yolor_weights_path (cfg);
  gchar *path = g_strdup (p);

  free (p);
  return path;
}

gchar **
gst_yolor_labels_load (const gchar *file, const gchar *cfg, gint n_classes,
    gchar **used_file_out, GError **error)
{
  yolor_error err = { 0 };
  char **names = NULL, *used = NULL;
  gchar **labels;

  *used_file_out = NULL;
  if (yolor_names_load (cfg, file, n_classes, &names, &used, NULL, &err)
      != YOLOR_OK) {
    g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, err.msg);
    return NULL;
  }
  labels = g_strdupv (names);
  *used_file_out = g_strdup (used);
  yolor_names_free (names);
  free (used);
  return labels;
}

gboolean
gst_yolor_class_mask_parse (const gchar *spec, gchar *const *labels,
    gint n_classes, guint8 *mask_out, gchar **unknown_out)
{
  gchar **items;
  GString *unknown = NULL;
  gint i, k;

  *unknown_out = NULL;
  if (spec == NULL || spec[strspn (spec, " \t,")] == '\0') {
    memset (mask_out, 1, (gsize) n_classes);
    return TRUE;
  }
  memset (mask_out, 0, (gsize) n_classes);
  items = g_strsplit (spec, ",", -1);
  for (i = 0; items[i]; i++) {
    gchar *item = g_strstrip (items[i]), *end = NULL;
    gint64 id;
    gboolean found = FALSE;

    if (*item == '\0')
      continue;
    id = g_ascii_strtoll (item, &end, 10);
    if (end && *end == '\0' && end != item) {
      if (id >= 0 && id < n_classes) {
        mask_out[id] = 1;
        found = TRUE;
      }
    } else {
      for (k = 0; k < n_classes; k++) {
        if (labels[k] && g_ascii_strcasecmp (labels[k], item) == 0) {
          mask_out[k] = 1;
          found = TRUE;
        }
      }
    }
    if (!found) {
      if (unknown == NULL)
        unknown = g_string_new (NULL);
      g_string_append_printf (
          unknown, "%s'%s'", unknown->len ? ", " : "", item);
    }
  }
  g_strfreev (items);
  if (unknown) {
    *unknown_out = g_string_free (unknown, FALSE);
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_yolor_parse_input_size (
    const gchar *spec, gint *width_out, gint *height_out)
{
  *width_out = *height_out = 0;
  if (spec == NULL || *spec == '\0')
    return TRUE;
  return yolor_size_parse (spec, width_out, height_out) == 0;
}

GType
gst_yolor_letterbox_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_YOLOR_LETTERBOX_AUTO,
        "The model's convention: letterbox for YOLOR "
        "models, stretch for darknet models",
        "auto" },
    { GST_YOLOR_LETTERBOX_STRETCH,
        "Resize to the network size, ignoring the "
        "aspect ratio",
        "stretch" },
    { GST_YOLOR_LETTERBOX_LETTERBOX,
        "Keep the aspect ratio, pad to the square "
        "network size",
        "letterbox" },
    { GST_YOLOR_LETTERBOX_LETTERBOX_RECT,
        "Keep the aspect ratio, pad only to "
        "a multiple of the model stride",
        "letterbox-rect" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstYolorLetterbox", values));
  return type;
}

GType
gst_yolor_precision_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = { { GST_YOLOR_PRECISION_FP32,
                                           "32-bit floats throughout", "fp32" },
    { GST_YOLOR_PRECISION_BF16,
        "Convolutions with bfloat16 weights and inputs, float32 sums "
        "(CPUs with avx512_bf16; elsewhere fp32)",
        "bf16" },
    { 0, NULL, NULL } };

  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstYolorPrecision", values));
  return type;
}

/* GstYolorModelLoadFn for the shared table: the log of @user_data
 * (a yolor_options) is used while loading only. */
static yolor_status
load_model (const gchar *cfg, const gchar *weights, void *user_data,
    yolor_model **model_out, yolor_error *err)
{
  return yolor_model_load (cfg, weights, user_data, model_out, err);
}

static void
load_failed (yolor_status st, const gchar *cfg, const yolor_error *err,
    GError **error, gchar **debug_out)
{
  g_set_error (error, GST_RESOURCE_ERROR,
      st == YOLOR_ERR_IO ? GST_RESOURCE_ERROR_OPEN_READ
                         : GST_RESOURCE_ERROR_SETTINGS,
      "Could not load model '%s': %s", cfg, err->msg);
  *debug_out = g_strdup_printf ("%s (%s)", err->msg, yolor_status_str (st));
}

gboolean
gst_yolor_model_open (const GstYolorModelSettings *set,
    GstYolorModel *model_out, GError **error, gchar **debug_out)
{
  yolor_options opts;
  yolor_error err = { YOLOR_OK, "" };
  yolor_status st;
  GError *lerr = NULL;
  yolor_model *model = NULL;
  const gchar *weights = set->weights && *set->weights ? set->weights : NULL;
  gboolean shared = set->instance_id && *set->instance_id;
  gchar *cfg = NULL;

  memset (model_out, 0, sizeof *model_out);
  *debug_out = NULL;
  yolor_options_init (&opts);
  opts.n_threads = set->n_threads;
  opts.resize = set->resize;
  opts.precision = set->precision;
  opts.log = set->log;
  opts.log_user_data = set->log_user_data;
  if (!gst_yolor_parse_input_size (
          set->input_size, &opts.input_width, &opts.input_height)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Invalid input-size '%s'.", set->input_size);
    *debug_out = g_strdup ("Use WIDTHxHEIGHT, e.g. 640x384, or one number "
                           "for a square.");
    return FALSE;
  }

  if (set->cfg && *set->cfg)
    cfg = g_strdup (set->cfg);
  else if (shared && gst_yolor_shared_users (set->instance_id) > 0)
    cfg = NULL; /* whatever the instance holds */
  else if ((cfg = gst_yolor_default_model_path ()) == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "No model set and the default model " GST_YOLOR_DEFAULT_MODEL
        " was not found.");
    *debug_out = g_strdup ("Set the model property, or point YOLOR_MODEL_DIR "
                           "at the folder holding " GST_YOLOR_DEFAULT_MODEL "/ "
                           "(tools/fetch-models.sh downloads it).");
    return FALSE;
  }

  if (shared) {
    /* an instance that ends between users () and acquire () is loaded
     * again from the default model */
    gchar *fallback = cfg ? NULL : gst_yolor_default_model_path ();
    gchar *used = NULL;
    model = gst_yolor_shared_acquire (set->instance_id,
        set->cfg && *set->cfg ? cfg : NULL, weights, cfg ? cfg : fallback,
        load_model, &opts, &used, &err);
    g_free (fallback);
    if (model == NULL && err.code == YOLOR_ERR_INVALID_ARG) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "%s",
          err.msg);
      *debug_out = g_strdup ("Elements that share a model-instance-id share "
                             "one model: give them the same model and "
                             "weights, or leave those unset on all but one.");
      g_free (cfg);
      return FALSE;
    }
    if (model == NULL) {
      load_failed (
          err.code, cfg ? cfg : "(the instance's)", &err, error, debug_out);
      g_free (cfg);
      return FALSE;
    }
    g_free (cfg);
    cfg = used;
    model_out->instance_id = g_strdup (set->instance_id);
    st = yolor_net_new (model, &opts, &model_out->net, &err);
    yolor_model_unref (model); /* the net holds it */
  } else {
    /* checks input-size before reading the weights */
    st = yolor_net_load (cfg, weights, &opts, &model_out->net, &err);
  }
  if (st != YOLOR_OK) {
    if (opts.input_width > 0
        && (st == YOLOR_ERR_SHAPE || st == YOLOR_ERR_INVALID_ARG)) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-size '%s' does not fit model '%s': %s", set->input_size, cfg,
          err.msg);
      *debug_out = g_strdup_printf ("%s (%s)", err.msg, yolor_status_str (st));
    } else
      load_failed (st, cfg, &err, error, debug_out);
    gst_yolor_model_close (model_out);
    g_free (cfg);
    return FALSE;
  }

  model_out->n_classes = yolor_net_n_classes (model_out->net);
  model_out->labels = gst_yolor_labels_load (set->labels_file, cfg,
      model_out->n_classes, &model_out->labels_from, &lerr);
  if (model_out->labels == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        "Could not read the class labels: %s",
        lerr ? lerr->message : "unknown error");
    *debug_out = g_strdup_printf ("labels-file='%s'",
        set->labels_file ? set->labels_file : "(searched beside the cfg)");
    g_clear_error (&lerr);
    gst_yolor_model_close (model_out);
    g_free (cfg);
    return FALSE;
  }
  if (model_out->labels_from == NULL)
    model_out->labels_from = g_strdup ("the built-in table");
  model_out->name = g_path_get_basename (cfg);
  g_free (cfg);
  return TRUE;
}

void
gst_yolor_model_close (GstYolorModel *model)
{
  yolor_net_free (model->net);
  model->net = NULL;
  if (model->instance_id)
    gst_yolor_shared_release (model->instance_id);
  g_clear_pointer (&model->instance_id, g_free);
  g_clear_pointer (&model->labels, g_strfreev);
  g_clear_pointer (&model->name, g_free);
  g_clear_pointer (&model->labels_from, g_free);
}
