/* gst-yolor: the process-wide table of shared model instances.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstyolorshared.h"

#include <stdio.h>
#include <string.h>

#include "gstyolormodel.h"

typedef struct
{
  gchar *cfg; /* owned: canonical path */
  gchar *weights; /* owned: canonical path */
  yolor_model *model; /* one reference; NULL while loading */
  gboolean loading; /* one element loads it, outside the lock */
  guint users;
} Instance;

/* The lock covers the table and every instance in it; a load runs outside
 * it, so loading one instance never holds up another. */
static GMutex table_lock;
static GCond table_cond; /* broadcast when a load ends */
static GHashTable *table; /* id (owned) → Instance (owned) */

static void
instance_free (gpointer p)
{
  Instance *in = p;
  if (in->model)
    yolor_model_unref (in->model);
  g_free (in->cfg);
  g_free (in->weights);
  g_free (in);
}

/* Absolute, normalised form of @path (the weights default beside @cfg). */
static gchar *
canonical_weights (const gchar *cfg, const gchar *weights)
{
  gchar *w = weights && *weights ? g_strdup (weights)
                                 : gst_yolor_default_weights_path (cfg);
  gchar *c = g_canonicalize_filename (w, NULL);
  g_free (w);
  return c;
}

/* TRUE when an element asking for @want_cfg / @want_w (explicitly, as
 * @explicit_cfg / @explicit_w say) names other files than @in holds. */
static gboolean
asks_other_files (const Instance *in, gboolean explicit_cfg,
    gboolean explicit_w, const gchar *want_cfg, const gchar *want_w)
{
  return (explicit_cfg && strcmp (want_cfg, in->cfg) != 0)
      || ((explicit_cfg || explicit_w) && want_w
          && strcmp (want_w, in->weights) != 0);
}

yolor_model *
gst_yolor_shared_acquire (const gchar *id, const gchar *cfg,
    const gchar *weights, const gchar *default_cfg, GstYolorModelLoadFn load,
    void *user_data, gchar **cfg_out, yolor_error *err)
{
  gboolean explicit_cfg = cfg && *cfg, explicit_w = weights && *weights;
  const gchar *asked = explicit_cfg ? cfg : default_cfg;
  gchar *want_cfg = NULL, *want_w = NULL;
  yolor_model *model = NULL;
  Instance *in;

  *cfg_out = NULL;
  if (asked != NULL) {
    want_cfg = g_canonicalize_filename (asked, NULL);
    want_w = canonical_weights (want_cfg, weights);
  }

  g_mutex_lock (&table_lock);
  if (table == NULL)
    table =
        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, instance_free);
  /* while another element loads the instance, wait for it and look again
   * (a failed load leaves no instance, and this element tries itself) */
  in = g_hash_table_lookup (table, id);
  while (in != NULL && in->loading
      && !asks_other_files (in, explicit_cfg, explicit_w, want_cfg, want_w)) {
    g_cond_wait (&table_cond, &table_lock);
    in = g_hash_table_lookup (table, id);
  }
  if (in != NULL
      && asks_other_files (in, explicit_cfg, explicit_w, want_cfg, want_w)) {
    snprintf (err->msg, sizeof (err->msg),
        "model-instance-id '%s' already holds %s (weights %s); this "
        "element asks for %s (weights %s)",
        id, in->cfg, in->weights, want_cfg, want_w);
    err->code = YOLOR_ERR_INVALID_ARG;
  } else if (in != NULL) {
    in->users++;
    model = yolor_model_ref (in->model);
    *cfg_out = g_strdup (in->cfg);
  } else if (want_cfg == NULL) {
    snprintf (err->msg, sizeof (err->msg), "no model to load");
    err->code = YOLOR_ERR_INVALID_ARG;
  } else {
    yolor_status st;

    in = g_new0 (Instance, 1);
    in->cfg = g_strdup (want_cfg);
    in->weights = g_strdup (want_w);
    in->loading = TRUE;
    g_hash_table_insert (table, g_strdup (id), in);
    g_mutex_unlock (&table_lock);
    st = load (want_cfg, want_w, user_data, &model, err);
    g_mutex_lock (&table_lock);
    /* nothing removes an instance while it loads */
    if (st == YOLOR_OK) {
      in->model = yolor_model_ref (model);
      in->loading = FALSE;
      in->users = 1;
      *cfg_out = g_strdup (want_cfg);
    } else {
      model = NULL;
      g_hash_table_remove (table, id);
    }
    g_cond_broadcast (&table_cond);
  }
  g_mutex_unlock (&table_lock);
  g_free (want_cfg);
  g_free (want_w);
  return model;
}

void
gst_yolor_shared_release (const gchar *id)
{
  Instance *in;

  g_mutex_lock (&table_lock);
  in = table ? g_hash_table_lookup (table, id) : NULL;
  if (in != NULL && !in->loading && in->users > 0 && --in->users == 0)
    g_hash_table_remove (table, id);
  g_mutex_unlock (&table_lock);
}

guint
gst_yolor_shared_users (const gchar *id)
{
  Instance *in;
  guint n;

  g_mutex_lock (&table_lock);
  in = table ? g_hash_table_lookup (table, id) : NULL;
  n = in && !in->loading ? in->users : 0;
  g_mutex_unlock (&table_lock);
  return n;
}
