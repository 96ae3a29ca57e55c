/* The net's lifecycle: load (parse, shapes, weights, fold), prepare (plan and
 * allocate everything), forward (the layer loop) and the public queries.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "postprocess.h"
#include "yolor-private.h"

void
yolor_net_default_input (const yolor_net *net, int *w, int *h)
{
  if (net->opts.input_width > 0 && net->opts.input_height > 0) {
    *w = net->opts.input_width;
    *h = net->opts.input_height;
  } else if (net->flavor == YOLOR_FLAVOR_YOLOR) {
    *w = *h = net->n_heads >= 4 ? 1280 : 640;
  } else {
    *w = net->net_default_w;
    *h = net->net_default_h;
  }
}

/* The feature map entering the last k>1 conv before the first head. */
static int
default_embed_layer (const yolor_net *net)
{
  int y = net->heads[0];
  for (int j = y - 1; j >= 0; j--) {
    const yolor_layer *l = &net->layers[j];
    if (l->ops->kind == YOLOR_LAYER_CONV && l->size > 1) {
      int src = yolor_plan_root (net, l->in[0]);
      return src >= 0 ? src : 0;
    }
  }
  return y > 0 ? y - 1 : 0;
}

static yolor_status
load_common (const char *cfg_path, const char *weights_path, int synthetic,
    uint32_t seed, const yolor_options *opts, yolor_net **net_out,
    yolor_error *err)
{
  yolor_cfg cfg;
  yolor_net *net;
  yolor_status st;
  char *wpath = NULL;
  int w, h;

  if (!net_out)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "net_out is NULL");
  *net_out = NULL;
  st = yolor_cfg_read (cfg_path, &cfg, err);
  if (st)
    return st;
  net = calloc (1, sizeof (*net));
  if (!net) {
    yolor_cfg_clear (&cfg);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  }
  if (opts)
    net->opts = *opts;
  else
    yolor_options_init (&net->opts);
  net->cfg_path = strdup (cfg_path);
  net->n_threads = net->opts.n_threads > 0
      ? net->opts.n_threads
      : (int) sysconf (_SC_NPROCESSORS_ONLN);
  if (net->n_threads < 1)
    net->n_threads = 1;
  net->flavor = net->opts.flavor != YOLOR_FLAVOR_AUTO
      ? net->opts.flavor
      : yolor_graph_detect_flavor (&cfg);
  net->embed_layer = -1;

  st = yolor_graph_build (net, &cfg, err);
  yolor_cfg_clear (&cfg);
  if (st == YOLOR_OK) {
    yolor_net_default_input (net, &w, &h);
    st = yolor_graph_shapes (net, w, h, err);
    net->input_multiple = net->max_stride;
  }
  if (st == YOLOR_OK) {
    if (synthetic) {
      st = yolor_weights_allocate (net, err);
      if (st == YOLOR_OK)
        yolor_weights_synthetic (net, seed);
    } else {
      if (!weights_path) {
        size_t n = strlen (cfg_path);
        wpath = malloc (n + 16);
        if (!wpath)
          st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
        else {
          memcpy (wpath, cfg_path, n + 1);
          if (n > 4 && strcmp (cfg_path + n - 4, ".cfg") == 0)
            wpath[n - 4] = '\0';
          strcat (wpath, ".weights");
        }
        weights_path = wpath;
      }
      if (st == YOLOR_OK)
        st = yolor_weights_load (net, weights_path, err);
    }
  }
  free (wpath);
  if (st == YOLOR_OK && net->opts.fold) {
    yolor_fold_bn (net);
    yolor_fold_implicit (net);
    /* finite weights can still overflow once multiplied together */
    for (int i = 0; st == YOLOR_OK && i < net->n_layers; i++) {
      const yolor_layer *l = &net->layers[i];
      if (l->ops->kind == YOLOR_LAYER_CONV
          && (yolor_first_non_finite (l->bias, l->filters) >= 0
              || yolor_first_non_finite (
                     l->weights, yolor_conv_weight_count (l))
                  >= 0))
        st = yolor_error_set (err, YOLOR_ERR_IO,
            "%s:%d: layer %d [%s]: folding batch norm or implicit layers into "
            "it overflows a float: the weights are absurd",
            cfg_path, l->line, i, l->ops->name);
    }
  }
  for (int i = 0; st == YOLOR_OK && i < net->n_layers; i++) {
    yolor_layer *l = &net->layers[i];
    if (l->ops->kind == YOLOR_LAYER_CONV && !l->folded
        && yolor_conv_prepare (
               l, net->opts.exact_conv ? YOLOR_CONV_GEMM : YOLOR_CONV_AUTO)
            != YOLOR_OK)
      st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
          "cannot allocate the packed weights of layer %d", i);
  }
  if (st == YOLOR_OK) {
    int e = net->opts.embedding_layer;
    if (e >= net->n_layers || e < -1)
      st = yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "embedding layer %d does not exist (the model has %d layers)", e,
          net->n_layers);
    else if (e >= 0 && net->layers[e].ops->kind == YOLOR_LAYER_IMPLICIT)
      st = yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "embedding layer %d is an implicit layer, not a feature map", e);
    net->embed_layer = e >= 0 ? e : default_embed_layer (net);
  }
  if (st != YOLOR_OK) {
    yolor_net_free (net);
    return st;
  }
  yolor_log (net, YOLOR_LOG_INFO,
      "%s: %d layers, %d heads, %d classes, %s "
      "flavour",
      cfg_path, net->n_layers, net->n_heads, net->n_classes,
      net->flavor == YOLOR_FLAVOR_YOLOR ? "YOLOR" : "darknet");
  *net_out = net;
  return YOLOR_OK;
}

yolor_status
yolor_net_load (const char *cfg_path, const char *weights_path,
    const yolor_options *opts, yolor_net **net_out, yolor_error *err)
{
  if (!cfg_path)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "cfg path is NULL");
  return load_common (cfg_path, weights_path, 0, 0, opts, net_out, err);
}

yolor_status
yolor_net_load_synthetic (const char *cfg_path, uint32_t seed,
    const yolor_options *opts, yolor_net **net_out, yolor_error *err)
{
  if (!cfg_path)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "cfg path is NULL");
  return load_common (cfg_path, NULL, 1, seed, opts, net_out, err);
}

static void
free_buffers (yolor_net *net)
{
  yolor_free (net->input);
  yolor_free (net->pre_cols);
  net->pre_cols = NULL;
  yolor_free (net->arena);
  yolor_free (net->work);
  yolor_free (net->gemm_work);
  yolor_free (net->cands);
  yolor_free (net->keep);
  yolor_free (net->class_scores);
  yolor_free (net->embed);
  net->input = net->arena = net->work = net->class_scores = net->embed = NULL;
  net->gemm_work = NULL;
  net->cands = NULL;
  net->keep = NULL;
  net->prepared = 0;
}

void
yolor_net_free (yolor_net *net)
{
  if (!net)
    return;
  free_buffers (net);
  for (int i = 0; net->layers && i < net->n_layers; i++) {
    yolor_layer *l = &net->layers[i];
    yolor_free (l->weights);
    yolor_free (l->wino);
    yolor_free (l->wpack);
    yolor_free (l->bias);
    yolor_free (l->bn_gamma);
    yolor_free (l->bn_mean);
    yolor_free (l->bn_var);
    yolor_free (l->param);
  }
  free (net->layers);
  free (net->heads);
  free (net->cfg_path);
  free (net);
}

/* Whether the network takes a @width x @height input, with a message that
 * stands on its own (callers show it as it is). The YOLOR decode assumes
 * strides 8·2^k, so a YOLOR model needs multiples of its largest stride; a
 * darknet model whatever its layers take (odd sizes work without joins of
 * strides). Leaves the layer shapes at @width x @height when it fits. */
static yolor_status
check_input_size (yolor_net *net, int width, int height, yolor_error *err)
{
  int m = net->input_multiple > 0 ? net->input_multiple : 1;
  int misfit = width % m || height % m;
  yolor_status st;

  if (width < 1 || height < 1 || width > YOLOR_MAX_DIM
      || height > YOLOR_MAX_DIM)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "input %dx%d: width and height must be 1 to %d", width, height,
        YOLOR_MAX_DIM);
  st = misfit && net->flavor == YOLOR_FLAVOR_YOLOR
      ? YOLOR_ERR_SHAPE
      : yolor_graph_shapes (net, width, height, err);
  if (st != YOLOR_OK && misfit) {
    long long rw = ((long long) width + m - 1) / m * m;
    long long rh = ((long long) height + m - 1) / m * m;
    st = yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "input %dx%d: this model needs width and height multiples of %d "
        "(e.g. %lldx%lld)",
        width, height, m, rw, rh);
  }
  return st;
}

yolor_status
yolor_net_prepare_input (
    yolor_net *net, int width, int height, yolor_error *err)
{
  yolor_status st;
  if (!net)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "net is NULL");
  free_buffers (net);
  net->frame_w = net->frame_h = 0;
  st = check_input_size (net, width, height, err);
  if (st) {
    /* back to the shapes of the default input (they fit: load checked),
     * so the queries stay consistent */
    int w, h;
    yolor_net_default_input (net, &w, &h);
    yolor_graph_shapes (net, w, h, NULL);
    return st;
  }
  net->in_w = width;
  net->in_h = height;
  net->input = yolor_calloc ((size_t) 3 * width * height, sizeof (float));
  net->pre_cols = yolor_malloc (yolor_preprocess_table_bytes (width));
  if (!net->input || !net->pre_cols)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  st = yolor_plan (net, err);
  if (st == YOLOR_OK)
    st = yolor_post_prepare (net, err);
  if (st) {
    free_buffers (net);
    return st;
  }
  net->prepared = 1;
  return YOLOR_OK;
}

float *
yolor_net_input (yolor_net *net)
{
  return net ? net->input : NULL;
}

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

yolor_status
yolor_net_forward (yolor_net *net, yolor_error *err)
{
  if (!net || !net->prepared)
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "the net is not prepared");
  for (int i = 0; i < net->n_layers; i++) {
    yolor_layer *l = &net->layers[i];
    double t0 = net->opts.profile ? now_ms () : 0.0;
    if (l->alias || l->ops->kind == YOLOR_LAYER_IMPLICIT) {
      l->time_ms = 0.0;
      continue;
    }
    switch (l->ops->kind) {
      case YOLOR_LAYER_CONV:
        yolor_conv_forward (net, l);
        break;
      case YOLOR_LAYER_ROUTE:
      case YOLOR_LAYER_ROUTE_LHALF:
        yolor_route_forward (net, l);
        break;
      case YOLOR_LAYER_SHORTCUT:
        yolor_shortcut_forward (net, l);
        break;
      case YOLOR_LAYER_MAXPOOL:
        yolor_maxpool_forward (net, l);
        break;
      case YOLOR_LAYER_AVGPOOL:
        yolor_avgpool_forward (net, l);
        break;
      case YOLOR_LAYER_UPSAMPLE:
        yolor_upsample_forward (net, l);
        break;
      case YOLOR_LAYER_REORG:
        yolor_reorg_forward (net, l);
        break;
      case YOLOR_LAYER_DWT:
        yolor_dwt_forward (net, l);
        break;
      case YOLOR_LAYER_SCALE_CHANNELS:
        yolor_scale_channels_forward (net, l);
        break;
      case YOLOR_LAYER_CHANNELS:
        yolor_channels_forward (net, l);
        break;
      default:
        return yolor_error_set (
            err, YOLOR_ERR_INTERNAL, "layer %d has no forward pass", i);
    }
    if (net->opts.profile)
      l->time_ms = now_ms () - t0;
  }
  return YOLOR_OK;
}

/* ---- queries ---- */

int
yolor_net_n_classes (const yolor_net *net)
{
  return net ? net->n_classes : 0;
}

yolor_flavor
yolor_net_flavor (const yolor_net *net)
{
  return net ? net->flavor : YOLOR_FLAVOR_AUTO;
}

int
yolor_net_n_layers (const yolor_net *net)
{
  return net ? net->n_layers : 0;
}

int
yolor_net_max_stride (const yolor_net *net)
{
  return net ? net->max_stride : 0;
}

int
yolor_net_n_heads (const yolor_net *net)
{
  return net ? net->n_heads : 0;
}

int
yolor_net_embedding_layer (const yolor_net *net)
{
  return net ? net->embed_layer : -1;
}

void
yolor_net_input_size (const yolor_net *net, int *width_out, int *height_out)
{
  int w = 0, h = 0;
  if (net && net->prepared) {
    w = net->in_w;
    h = net->in_h;
  } else if (net)
    yolor_net_default_input (net, &w, &h);
  if (width_out)
    *width_out = w;
  if (height_out)
    *height_out = h;
}

int64_t
yolor_net_n_params (const yolor_net *net)
{
  int64_t n = 0;
  for (int i = 0; net && i < net->n_layers; i++)
    n += net->layers[i].n_params;
  return n;
}

double
yolor_net_gmacs (const yolor_net *net)
{
  double m = 0.0;
  for (int i = 0; net && i < net->n_layers; i++)
    m += net->layers[i].macs;
  return m / 1e9;
}

const float *
yolor_net_head (const yolor_net *net, int k, int *c_out, int *h_out, int *w_out)
{
  const yolor_layer *l;
  if (!net || !net->prepared || k < 0 || k >= net->n_heads)
    return NULL;
  l = &net->layers[net->heads[k]];
  if (c_out)
    *c_out = l->c;
  if (h_out)
    *h_out = l->h;
  if (w_out)
    *w_out = l->w;
  return l->out;
}

const float *
yolor_net_layer_output (
    const yolor_net *net, int i, int *c_out, int *h_out, int *w_out)
{
  const yolor_layer *l;
  if (!net || !net->prepared || i < 0 || i >= net->n_layers
      || !net->opts.keep_layer_outputs)
    return NULL;
  l = &net->layers[i];
  if (c_out)
    *c_out = l->c;
  if (h_out)
    *h_out = l->h;
  if (w_out)
    *w_out = l->w;
  return l->out;
}

const char *
yolor_net_layer_type (const yolor_net *net, int i)
{
  if (!net || i < 0 || i >= net->n_layers)
    return NULL;
  return net->layers[i].ops->name;
}

yolor_status
yolor_net_layer_info (const yolor_net *net, int i, yolor_layer_info *info)
{
  const yolor_layer *l;
  if (!net || !info || i < 0 || i >= net->n_layers)
    return YOLOR_ERR_INVALID_ARG;
  l = &net->layers[i];
  memset (info, 0, sizeof (*info));
  info->type = l->ops->name;
  info->cfg_line = l->line;
  info->c = l->c;
  info->h = l->h;
  info->w = l->w;
  info->n_inputs = l->n_in;
  for (int k = 0; k < l->n_in && k < 8; k++)
    info->inputs[k] = l->in[k];
  if (l->ops->kind == YOLOR_LAYER_CONV) {
    info->filters = l->filters;
    info->size = l->size;
    info->stride = l->stride;
    info->groups = l->groups;
    info->activation = yolor_act_name (l->act);
  }
  info->n_params = l->n_params;
  info->macs = l->macs;
  info->time_ms = l->time_ms;
  info->folded_away = l->folded;
  return YOLOR_OK;
}
