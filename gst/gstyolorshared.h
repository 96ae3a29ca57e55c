/* gst-yolor: models shared by the yolordetect elements of one process that
 * have the same model-instance-id (plugin-internal).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_SHARED_H
#define GST_YOLOR_SHARED_H

#include <glib.h>
#include <yolor/yolor.h>

G_BEGIN_DECLS

/* Loads a model. Returns: YOLOR_OK with *@model_out (transfer full:
 * yolor_model_unref()) or the engine's status with @err filled. */
typedef yolor_status (*GstYolorModelLoadFn) (const gchar *cfg,
    const gchar *weights, void *user_data, yolor_model **model_out,
    yolor_error *err);

/* The model of instance @id (borrowed), loading it with @load on first use.
 * @cfg and @weights (borrowed) are the files this element asks for; NULL
 * @cfg means "whatever the instance holds" (or, for a new instance,
 * @default_cfg). Elements that start together load the model once: the
 * first loads it (outside the table's lock, so other instances load at the
 * same time), the others wait for it. @load may run in any thread.
 * Returns: a model reference (transfer full) and the instance's cfg in
 * *@cfg_out (transfer full, g_free()); each successful call must be paired
 * with gst_yolor_shared_release (@id). NULL on failure with @err set: a
 * load error, or YOLOR_ERR_INVALID_ARG when @cfg or @weights name other
 * files than the instance holds (the message names both). */
yolor_model *gst_yolor_shared_acquire (const gchar *id, const gchar *cfg,
    const gchar *weights, const gchar *default_cfg, GstYolorModelLoadFn load,
    void *user_data, gchar **cfg_out, yolor_error *err);

/* Ends one use of instance @id; the last one drops the model. */
void gst_yolor_shared_release (const gchar *id);

/* Number of elements using instance @id now (0: none or not loaded). */
guint gst_yolor_shared_users (const gchar *id);

G_END_DECLS
#endif /* GST_YOLOR_SHARED_H */
