/* A net: one stream's state over a shared model. Its lifecycle (new, prepare
 * = shapes, plan and allocate everything, forward = the layer loop) and the
 * public queries.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernels/kernels.h"
#include "postprocess.h"
#include "yolor-private.h"

/* A net keeps the input size it was made for between prepares. */
static void
default_input (const yolor_net *net, int *w, int *h)
{
  yolor_model_default_input (net->model, &net->opts, w, h);
}

yolor_status
yolor_net_new (yolor_model *model, const yolor_options *opts,
    yolor_net **net_out, yolor_error *err)
{
  yolor_net *net;
  yolor_status st;
  int w, h;

  if (!net_out)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "net_out is NULL");
  *net_out = NULL;
  if (!model)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "model is NULL");
  net = calloc (1, sizeof (*net));
  if (!net)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  net->model = yolor_model_ref (model);
  net->layers = model->layers;
  net->n_layers = model->n_layers;
  if (opts)
    net->opts = *opts;
  else
    yolor_options_init (&net->opts);
  net->n_threads = net->opts.n_threads > 0
      ? net->opts.n_threads
      : (int) sysconf (_SC_NPROCESSORS_ONLN);
  if (net->n_threads < 1)
    net->n_threads = 1;
  net->t = calloc ((size_t) net->n_layers, sizeof (*net->t));
  if (!net->t) {
    yolor_net_free (net);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  }
  default_input (net, &w, &h);
  st = yolor_graph_shapes (
      model, net->t, w, h, &net->n_rows, &net->max_stride, err);
  if (st) {
    yolor_net_free (net);
    return st;
  }
  *net_out = net;
  return YOLOR_OK;
}

/* yolor_net_load[_synthetic]: a net holding the only reference to @model
 * (transferred; NULL after a failed load). */
static yolor_status
net_on_loaded (yolor_status st, yolor_model *model, const yolor_options *opts,
    yolor_net **net_out, yolor_error *err)
{
  if (st == YOLOR_OK)
    st = yolor_net_new (model, opts, net_out, err);
  yolor_model_unref (model);
  return st;
}

yolor_status
yolor_net_load (const char *cfg_path, const char *weights_path,
    const yolor_options *opts, yolor_net **net_out, yolor_error *err)
{
  yolor_model *m = NULL;
  yolor_status st;
  if (!net_out)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "net_out is NULL");
  *net_out = NULL;
  st = yolor_model_load_common (
      cfg_path, weights_path, 0, 0, opts, opts, &m, err);
  return net_on_loaded (st, m, opts, net_out, err);
}

yolor_status
yolor_net_load_synthetic (const char *cfg_path, uint32_t seed,
    const yolor_options *opts, yolor_net **net_out, yolor_error *err)
{
  yolor_model *m = NULL;
  yolor_status st;
  if (!net_out)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "net_out is NULL");
  *net_out = NULL;
  st = yolor_model_load_common (cfg_path, NULL, 1, seed, opts, opts, &m, err);
  return net_on_loaded (st, m, opts, net_out, err);
}

yolor_model *
yolor_net_model (const yolor_net *net)
{
  return net ? net->model : NULL;
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
  free (net->t);
  yolor_model_unref (net->model);
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
  const yolor_model *model = net->model;
  int m = model->input_multiple > 0 ? model->input_multiple : 1;
  int misfit = width % m || height % m;
  yolor_status st;

  if (width < 1 || height < 1 || width > YOLOR_MAX_DIM
      || height > YOLOR_MAX_DIM)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "input %dx%d: width and height must be 1 to %d", width, height,
        YOLOR_MAX_DIM);
  st = misfit && model->rules.official_decode
      ? YOLOR_ERR_SHAPE
      : yolor_graph_shapes (
          model, net->t, width, height, &net->n_rows, &net->max_stride, err);
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
    default_input (net, &w, &h);
    yolor_graph_shapes (
        net->model, net->t, w, h, &net->n_rows, &net->max_stride, NULL);
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

/* Layer @l of @n nets: a conv as one product over them, the others net
 * after net. */
static void
layer_of_nets (yolor_net *const *nets, int n, const yolor_layer *l)
{
  if (l->ops->forward_batch)
    l->ops->forward_batch (nets, n, l);
  else
    for (int k = 0; k < n; k++)
      l->ops->forward (nets[k], l);
}

/* Layers @first.. of @n nets, one layer at a time over all of them. */
static void
run_layers (yolor_net *const *nets, int n, int first)
{
  yolor_net *net = nets[0];
  for (int i = first; i < net->n_layers; i++) {
    const yolor_layer *l = &net->layers[i];
    double t0 = net->opts.profile ? now_ms () : 0.0, ms;
    /* an alias (implicit layers included) has nothing to compute, nor has
     * a shortcut its input conv computed (plan.c) */
    int skip = l->alias || net->t[i].computed_by_input;
    if (!skip)
      layer_of_nets (nets, n, l);
    ms = net->opts.profile && !skip ? now_ms () - t0 : 0.0;
    for (int k = 0; k < n; k++)
      nets[k]->t[i].time_ms = ms;
  }
}

typedef struct
{
  yolor_net *const *nets;
  int first;
} run_ctx;

static void
run_items (void *ctx, int lo, int hi)
{
  const run_ctx *r = ctx;
  run_layers (r->nets + lo, hi - lo, r->first);
}

/* The forward pass of @n checked nets. With yolor_parallel_items (): with
 * at least as many nets as threads, each thread runs whole frames through
 * every layer, one frame at a time, and no thread ever waits for another
 * until the end; the rest run layer by layer on every thread, a conv as
 * one product over them. */
static yolor_status
forward_layers (yolor_net *const *nets, int n, int first, yolor_error *err)
{
  yolor_net *net = nets[0];
  run_ctx r = { nets, first };
  if (net->model->opts.inspect)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "%s was loaded to be inspected only (yolor_options.inspect): it "
        "does not run",
        net->model->cfg_path);
  for (int i = 0; i < net->n_layers; i++) {
    const yolor_layer *l = &net->layers[i];
    if (!l->alias && !l->ops->forward)
      return yolor_error_set (
          err, YOLOR_ERR_INTERNAL, "layer %d has no forward pass", i);
  }
  yolor_parallel_items (net->n_threads, n, run_items, &r);
  return YOLOR_OK;
}

yolor_status
yolor_net_forward (yolor_net *net, yolor_error *err)
{
  if (!net || !net->prepared)
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "the net is not prepared");
  return forward_layers (&net, 1, 0, err);
}

yolor_status
yolor_net_forward_from (yolor_net *net, int first, yolor_error *err)
{
  if (!net || !net->prepared || first < 0 || first > net->n_layers)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "the net is not prepared or has no layer %d", first);
  return forward_layers (&net, 1, first, err);
}

yolor_status
yolor_batch_check (yolor_net *const *nets, int n, yolor_error *err)
{
  if (!nets || n < 1 || n > YOLOR_MAX_BATCH)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "a batch holds 1 to %d nets, not %d", YOLOR_MAX_BATCH, n);
  for (int k = 0; k < n; k++) {
    if (!nets[k] || !nets[k]->prepared)
      return yolor_error_set (
          err, YOLOR_ERR_INVALID_ARG, "net %d of the batch is not prepared", k);
    if (nets[k]->model != nets[0]->model)
      return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "net %d of the batch runs another model than net 0", k);
    if (nets[k]->in_w != nets[0]->in_w || nets[k]->in_h != nets[0]->in_h)
      return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "net %d of the batch is prepared for %dx%d, net 0 for %dx%d", k,
          nets[k]->in_w, nets[k]->in_h, nets[0]->in_w, nets[0]->in_h);
    /* it decides which shortcuts their convs compute (plan.c) */
    if (!nets[k]->opts.keep_layer_outputs != !nets[0]->opts.keep_layer_outputs)
      return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "nets 0 and %d of the batch differ in keep_layer_outputs", k);
    for (int j = 0; j < k; j++)
      if (nets[j] == nets[k])
        return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
            "nets %d and %d of the batch are the same net", j, k);
  }
  return YOLOR_OK;
}

yolor_status
yolor_net_forward_batch (yolor_net *const *nets, int n, yolor_error *err)
{
  yolor_status st = yolor_batch_check (nets, n, err);
  if (st)
    return st;
  return forward_layers (nets, n, 0, err);
}

/* ---- queries ---- */

int
yolor_net_n_classes (const yolor_net *net)
{
  return net ? net->model->n_classes : 0;
}

yolor_flavor
yolor_net_flavor (const yolor_net *net)
{
  return net ? net->model->rules.flavor : YOLOR_FLAVOR_AUTO;
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
  return net ? net->model->n_heads : 0;
}

int
yolor_net_embedding_layer (const yolor_net *net)
{
  return net ? net->model->embed_layer : -1;
}

void
yolor_net_input_size (const yolor_net *net, int *width_out, int *height_out)
{
  int w = 0, h = 0;
  if (net && net->prepared) {
    w = net->in_w;
    h = net->in_h;
  } else if (net)
    default_input (net, &w, &h);
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
    m += net->t[i].macs;
  return m / 1e9;
}

const float *
yolor_net_head (const yolor_net *net, int k, int *c_out, int *h_out, int *w_out)
{
  const yolor_tensor *l;
  if (!net || !net->prepared || k < 0 || k >= net->model->n_heads)
    return NULL;
  l = &net->t[net->model->heads[k]];
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
  const yolor_tensor *l;
  if (!net || !net->prepared || i < 0 || i >= net->n_layers
      || !net->opts.keep_layer_outputs)
    return NULL;
  l = &net->t[i];
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

const float *
yolor_net_implicit_values (const yolor_net *net, int i, int *n_out)
{
  const yolor_layer *l;
  if (n_out)
    *n_out = 0;
  if (!net || i < 0 || i >= net->n_layers)
    return NULL;
  l = &net->layers[i];
  if (l->ops->kind != YOLOR_LAYER_IMPLICIT || !l->implicit.param)
    return NULL;
  if (n_out)
    *n_out = (int) yolor_implicit_count (l);
  return l->implicit.param;
}

yolor_status
yolor_net_layer_info (const yolor_net *net, int i, yolor_layer_info *info)
{
  const yolor_layer *l;
  const yolor_tensor *t;
  if (!net || !info || i < 0 || i >= net->n_layers)
    return YOLOR_ERR_INVALID_ARG;
  l = &net->layers[i];
  t = &net->t[i];
  memset (info, 0, sizeof (*info));
  info->type = l->ops->name;
  info->cfg_line = l->line;
  info->c = t->c;
  info->h = t->h;
  info->w = t->w;
  info->n_inputs = l->n_in;
  for (int k = 0; k < l->n_in && k < 8; k++)
    info->inputs[k] = l->in[k];
  if (l->ops->info)
    l->ops->info (l, info);
  info->n_params = l->n_params;
  info->macs = t->macs;
  info->time_ms = t->time_ms;
  info->folded_away = l->folded;
  if (t->computed_by_input)
    info->kernel = "in its input";
  return YOLOR_OK;
}
