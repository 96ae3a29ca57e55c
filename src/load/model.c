/* The model: load (parse, channels, weights, fold, pack), reference counting
 * and the model-level facts. Once loaded a model is never written again, so
 * any number of nets in any threads can run it at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "yolor-private.h"

void
yolor_model_default_input (
    const yolor_model *m, const yolor_options *opts, int *w, int *h)
{
  if (opts && opts->input_width > 0 && opts->input_height > 0) {
    *w = opts->input_width;
    *h = opts->input_height;
  } else if (m->rules.size_from_heads) {
    *w = *h = m->n_heads >= 4 ? 1280 : 640;
  } else {
    *w = m->net_default_w;
    *h = m->net_default_h;
  }
}

/* The feature map entering the last k>1 conv before the first head. */
static int
default_embed_layer (const yolor_model *m)
{
  int y = m->heads[0];
  for (int j = y - 1; j >= 0; j--) {
    const yolor_layer *l = &m->layers[j];
    if (l->ops->kind == YOLOR_LAYER_CONV && l->conv.size > 1) {
      int src = yolor_plan_root (m, l->in[0]);
      return src >= 0 ? src : 0;
    }
  }
  return y > 0 ? y - 1 : 0;
}

void
yolor_model_set_channels (yolor_model *m, const yolor_tensor *t)
{
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
    int na;
    l->c = t[i].c;
    if (l->ops->channels)
      l->ops->channels (l, t);
    na = yolor_layer_params (l, a);
    l->n_params = 0;
    for (int k = 0; k < na; k++)
      if (a[k].learned)
        l->n_params += a[k].n;
  }
}

/* Channel counts do not depend on the input size: infer the shapes once at
 * the model's own default size (which also proves the layers fit
 * together) and keep the channels and parameter counts in the layers. */
static yolor_status
set_channels (yolor_model *m, const yolor_options *net_opts, yolor_error *err)
{
  yolor_tensor *t = calloc ((size_t) m->n_layers, sizeof (*t));
  int w, h, rows, stride;
  yolor_status st;

  if (!t)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  yolor_model_default_input (m, NULL, &w, &h);
  st = yolor_graph_shapes (m, t, w, h, &rows, &stride, err);
  if (st == YOLOR_OK)
    yolor_model_set_channels (m, t);
  m->input_multiple = stride;
  /* a net's own input size that cannot work fails before the weights are
   * read, with the message yolor_net_new () would give */
  if (st == YOLOR_OK && net_opts && net_opts->input_width > 0
      && net_opts->input_height > 0) {
    yolor_model_default_input (m, net_opts, &w, &h);
    st = yolor_graph_shapes (m, t, w, h, &rows, &stride, err);
  }
  free (t);
  return st;
}

/* Every parameter array is finite after folding (finite weights can still
 * overflow once multiplied together). */
static yolor_status
check_folded (yolor_model *m, yolor_error *err)
{
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
    int na = yolor_layer_params (l, a);
    for (int k = 0; k < na; k++)
      if (*a[k].p && yolor_first_non_finite (*a[k].p, a[k].n) >= 0)
        return yolor_error_set (err, YOLOR_ERR_IO,
            "%s:%d: layer %d [%s]: folding batch norm or implicit layers "
            "into it overflows a float: the weights are absurd",
            m->cfg_path, l->line, i, l->ops->name);
  }
  return YOLOR_OK;
}

/* Bytes of the plain parameter arrays @l still has (the packed ones are
 * counted by its prepare slot). */
static size_t
layer_param_bytes (yolor_layer *l)
{
  yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
  int na = yolor_layer_params (l, a);
  size_t n = 0;
  for (int k = 0; k < na; k++)
    if (*a[k].p)
      n += (size_t) a[k].n;
  return n * sizeof (float);
}

/* The weights file beside the cfg: ".cfg" replaced by ".weights".
 * Returns: (transferred: free ()) or NULL when out of memory. */
static char *
default_weights_path (const char *cfg_path)
{
  size_t n = strlen (cfg_path);
  char *p = malloc (n + 16);
  if (!p)
    return NULL;
  memcpy (p, cfg_path, n + 1);
  if (n > 4 && strcmp (cfg_path + n - 4, ".cfg") == 0)
    p[n - 4] = '\0';
  strcat (p, ".weights");
  return p;
}

yolor_status
yolor_model_load_common (const char *cfg_path, const char *weights_path,
    int synthetic, uint32_t seed, const yolor_options *opts,
    const yolor_options *net_opts, yolor_model **model_out, yolor_error *err)
{
  yolor_cfg cfg;
  yolor_model *m;
  yolor_status st;
  char *wpath = NULL;

  if (!model_out)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "model_out is NULL");
  *model_out = NULL;
  if (!cfg_path)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "cfg path is NULL");
  st = yolor_cfg_read (cfg_path, &cfg, err);
  if (st)
    return st;
  m = calloc (1, sizeof (*m));
  if (!m || !(m->cfg_path = strdup (cfg_path))) {
    free (m);
    yolor_cfg_clear (&cfg);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  }
  m->refs = 1;
  if (opts)
    m->opts = *opts;
  else
    yolor_options_init (&m->opts);
  yolor_rules_init (m->opts.flavor != YOLOR_FLAVOR_AUTO
          ? m->opts.flavor
          : yolor_graph_detect_flavor (&cfg),
      &m->rules);
  m->embed_layer = -1;

  st = yolor_graph_build (m, &cfg, err);
  yolor_cfg_clear (&cfg);
  if (st == YOLOR_OK)
    st = set_channels (m, net_opts, err);
  if (st == YOLOR_OK && synthetic) {
    st = yolor_weights_allocate (m, err);
    if (st == YOLOR_OK)
      yolor_weights_synthetic (m, seed);
  } else if (st == YOLOR_OK) {
    if (!weights_path
        && !(weights_path = wpath = default_weights_path (cfg_path)))
      st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
    if (st == YOLOR_OK)
      st = yolor_weights_load (m, weights_path, err);
  }
  free (wpath);
  if (st == YOLOR_OK && m->opts.fold) {
    yolor_fold (m);
    st = check_folded (m, err);
  }
  if (st == YOLOR_OK && m->opts.precision != YOLOR_PRECISION_FP32
      && m->opts.precision != YOLOR_PRECISION_BF16)
    st = yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "precision %d is not a yolor_precision", (int) m->opts.precision);
  if (st == YOLOR_OK && m->opts.precision == YOLOR_PRECISION_BF16
      && !yolor_precision_available (YOLOR_PRECISION_BF16)) {
    yolor_log (&m->opts, YOLOR_LOG_WARNING,
        "%s: precision bf16 needs a CPU with avx512_bf16 and the AVX-512 "
        "kernels (these are \"%s\"); running in fp32",
        cfg_path, yolor_kernels ());
    m->opts.precision = YOLOR_PRECISION_FP32;
  }
  yolor_prepare_ctx prep = { m->opts.exact_conv ? YOLOR_CONV_GEMM
                                                : YOLOR_CONV_AUTO,
    m->opts.precision == YOLOR_PRECISION_BF16, m->opts.inspect };
  for (int i = 0; st == YOLOR_OK && i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    if (l->ops->prepare
        && l->ops->prepare (l, &prep, &m->param_bytes) != YOLOR_OK)
      st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
          "cannot allocate the packed weights of layer %d", i);
    m->param_bytes += layer_param_bytes (l);
    l->alias = !yolor_plan_owns_buffer (l);
  }
  if (st == YOLOR_OK) {
    int e = m->opts.embedding_layer;
    if (e >= m->n_layers || e < -1)
      st = yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "embedding layer %d does not exist (the model has %d layers)", e,
          m->n_layers);
    else if (e >= 0 && m->layers[e].ops->constant)
      st = yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "embedding layer %d is an implicit layer, not a feature map", e);
    m->embed_layer = e >= 0 ? e : default_embed_layer (m);
  }
  if (st != YOLOR_OK) {
    yolor_model_unref (m);
    return st;
  }
  yolor_log (&m->opts, YOLOR_LOG_INFO,
      "%s: %d layers, %d heads, %d classes, %s flavour, %s", cfg_path,
      m->n_layers, m->n_heads, m->n_classes,
      yolor_flavor_name (m->rules.flavor),
      yolor_precision_name (m->opts.precision));
  *model_out = m;
  return YOLOR_OK;
}

yolor_status
yolor_model_load (const char *cfg_path, const char *weights_path,
    const yolor_options *opts, yolor_model **model_out, yolor_error *err)
{
  return yolor_model_load_common (
      cfg_path, weights_path, 0, 0, opts, NULL, model_out, err);
}

yolor_status
yolor_model_load_synthetic (const char *cfg_path, uint32_t seed,
    const yolor_options *opts, yolor_model **model_out, yolor_error *err)
{
  return yolor_model_load_common (
      cfg_path, NULL, 1, seed, opts, NULL, model_out, err);
}

yolor_model *
yolor_model_ref (yolor_model *m)
{
  if (m)
    __atomic_add_fetch (&m->refs, 1, __ATOMIC_RELAXED);
  return m;
}

void
yolor_model_unref (yolor_model *m)
{
  if (!m || __atomic_sub_fetch (&m->refs, 1, __ATOMIC_ACQ_REL) > 0)
    return;
  for (int i = 0; m->layers && i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
    int na = l->ops ? yolor_layer_params (l, a) : 0;
    for (int k = 0; k < na; k++) {
      yolor_free (*a[k].p);
      *a[k].p = NULL;
    }
    if (l->ops && l->ops->release)
      l->ops->release (l);
  }
  free (m->layers);
  free (m->heads);
  free (m->cfg_path);
  free (m);
}

size_t
yolor_model_param_bytes (const yolor_model *m)
{
  return m ? m->param_bytes : 0;
}

yolor_precision
yolor_model_precision (const yolor_model *m)
{
  return m ? m->opts.precision : YOLOR_PRECISION_FP32;
}
