/* [convolutional]: conv2d + (folded or runtime) batch norm or bias +
 * activation. 3x3 stride-1 convs run as Winograd F(4x4,3x3) (unless the
 * net asks for exact convs); 1x1 stride-1 convs multiply the input directly;
 * other convs let the GEMM read the input as its im2col matrix; depthwise
 * convs use their own kernel. Weights are packed at load, as FP32 or (the
 * model's precision) BF16 for the GEMM and Winograd's products.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "kernels/kernels.h"

const float *
yolor_layer_in (const yolor_net *net, const yolor_layer *l, int k)
{
  int idx = l->in[k];
  return idx < 0 ? net->input : net->t[idx].out;
}

int64_t
yolor_conv_weight_count (const yolor_layer *l)
{
  int64_t per;
  /* groups is 0 only in a layer its parse never reached (freed after a
   * cfg error) */
  if (!l->conv.groups)
    return 0;
  per = (int64_t) (l->conv.c_in / l->conv.groups) * l->conv.size * l->conv.size;
  return l->conv.filters * per;
}

static int
is_direct (const yolor_layer *l)
{
  return l->conv.size == 1 && l->conv.stride == 1 && l->conv.pad == 0;
}

static int
is_depthwise (const yolor_layer *l)
{
  return l->conv.groups > 1 && l->conv.groups == l->conv.c_in
      && l->conv.groups == l->conv.filters;
}

int
yolor_conv_winograd_ok (const yolor_layer *l)
{
  return l->conv.size == 3 && l->conv.stride == 1 && l->conv.groups == 1
      && l->conv.c_in >= 8 && l->conv.filters >= 8
      && (!l->conv.bn || l->conv.bn_folded);
}

const char *
yolor_conv_kernel_name (const yolor_layer *l)
{
  if (l->conv.winograd)
    return "winograd";
  if (is_depthwise (l))
    return "depthwise";
  return is_direct (l) ? "gemm" : "im2col";
}

/* Winograd does a quarter of the multiplications but moves 36/16 as many
 * values through its transforms; with few channels the transforms cost more
 * than they save. Measured on yolor_csp (AVX-512 and AVX2 kernels alike):
 * it pays from 32 input channels. */
static int
winograd_pays (const yolor_layer *l)
{
  return l->conv.c_in >= 32;
}

void
yolor_conv_plan (yolor_layer *l, yolor_conv_path path, int bf16, size_t *bytes)
{
  int g = l->conv.groups, opg = l->conv.filters / g;
  int K = l->conv.c_in / g * l->conv.size * l->conv.size;
  if (is_depthwise (l))
    return;
  l->conv.bf16 = bf16;
  l->conv.winograd = yolor_conv_winograd_ok (l)
      && (path == YOLOR_CONV_WINOGRAD
          || (path == YOLOR_CONV_AUTO && winograd_pays (l)));
  l->conv.packed_bytes = l->conv.winograd
      ? yolor_winograd_weights_bytes (l->conv.filters, l->conv.c_in, bf16)
      : yolor_gemm_packed_values (bf16, opg, K)
          * (bf16 ? sizeof (uint16_t) : sizeof (float)) * g;
  *bytes += l->conv.packed_bytes;
}

/* Slot form of yolor_conv_prepare () / yolor_conv_plan (): a packed conv
 * (and one that would be, when inspecting) keeps no plain weights. */
yolor_status
yolor_conv_prepare_layer (
    yolor_layer *l, const yolor_prepare_ctx *ctx, size_t *bytes)
{
  if (l->folded)
    return YOLOR_OK;
  if (ctx->inspect)
    yolor_conv_plan (l, (yolor_conv_path) ctx->path, ctx->bf16, bytes);
  else if (yolor_conv_prepare (l, (yolor_conv_path) ctx->path, ctx->bf16, bytes)
      != YOLOR_OK)
    return YOLOR_ERR_NO_MEMORY;
  if (l->conv.packed_bytes) {
    yolor_free (l->conv.weights);
    l->conv.weights = NULL;
  }
  return YOLOR_OK;
}

yolor_status
yolor_conv_prepare (
    yolor_layer *l, yolor_conv_path path, int bf16, size_t *bytes)
{
  int g = l->conv.groups, opg = l->conv.filters / g;
  int K = l->conv.c_in / g * l->conv.size * l->conv.size;
  size_t per_group;

  if (l->conv.wino || l->conv.wpack || is_depthwise (l))
    return YOLOR_OK;
  yolor_conv_plan (l, path, bf16, bytes);
  if (l->conv.winograd) {
    l->conv.wino = yolor_malloc (l->conv.packed_bytes);
    if (!l->conv.wino
        || yolor_winograd_prepare (
            l->conv.weights, l->conv.filters, l->conv.c_in, bf16, l->conv.wino))
      return YOLOR_ERR_NO_MEMORY;
    return YOLOR_OK;
  }
  per_group = l->conv.packed_bytes / g;
  l->conv.wpack = yolor_malloc (l->conv.packed_bytes);
  if (!l->conv.wpack)
    return YOLOR_ERR_NO_MEMORY;
  for (int gi = 0; gi < g; gi++) {
    const float *w = l->conv.weights + (size_t) gi * opg * K;
    if (bf16)
      yolor_bgemm_pack_a (
          opg, K, w, K, (uint16_t *) ((char *) l->conv.wpack + gi * per_group));
    else
      yolor_sgemm_pack_a (
          opg, K, w, K, (float *) ((char *) l->conv.wpack + gi * per_group));
  }
  return YOLOR_OK;
}

size_t
yolor_conv_workspace (
    const yolor_layer *l, const yolor_tensor *t, int n_threads)
{
  if (l->conv.wino)
    return yolor_winograd_workspace (l->conv.c_in, l->conv.filters, t->h, t->w);
  if (is_depthwise (l))
    return yolor_depthwise_workspace (
        l->conv.size, l->conv.stride, t->h, t->w, n_threads);
  return 0;
}

/* The nets share the model and input size: every tensor but the data is
 * the same in each, so the first net's shapes and workspaces serve all. */
void
yolor_conv_forward_batch (yolor_net *const *nets, int n, const yolor_layer *l)
{
  yolor_net *net = nets[0];
  const yolor_tensor *t = yolor_layer_out (net, l);
  int nt = net->n_threads;
  int g = l->conv.groups, cpg = l->conv.c_in / g, opg = l->conv.filters / g;
  int ohw = t->h * t->w, K = cpg * l->conv.size * l->conv.size;
  size_t in_plane = (size_t) t->h_in * t->w_in;
  size_t per_group = yolor_gemm_packed_values (l->conv.bf16, opg, K);
  int fused = !l->conv.bn || l->conv.bn_folded;
  const float *xs[YOLOR_MAX_BATCH];
  float *ys[YOLOR_MAX_BATCH];

  for (int i = 0; i < n; i++) {
    xs[i] = yolor_layer_in (nets[i], l, 0);
    ys[i] = yolor_layer_out (nets[i], l)->out;
  }
  if (l->conv.wino) {
    /* a [shortcut] that only this conv feeds is added here (plan.c) */
    const float *as[YOLOR_MAX_BATCH];
    for (int i = 0; i < n && t->add_into > 0; i++)
      as[i] = yolor_layer_in (nets[i], &net->layers[t->add_into], 1);
    yolor_winograd_conv (nt, n, xs, l->conv.c_in, t->h_in, t->w_in, l->conv.pad,
        l->conv.wino, l->conv.bf16, l->conv.filters, l->conv.bias, l->act,
        t->add_into > 0 ? as : NULL, ys, t->h, t->w, net->work,
        net->work_floats, net->gemm_work);
    return;
  }
  if (is_depthwise (l)) {
    for (int i = 0; i < n; i++)
      yolor_depthwise (nt, xs[i], l->conv.c_in, t->h_in, t->w_in,
          l->conv.weights, l->conv.size, l->conv.stride, l->conv.pad, t->h,
          t->w, fused ? l->conv.bias : NULL, fused ? l->act : YOLOR_ACT_LINEAR,
          ys[i], net->work);
    if (fused)
      return;
  } else {
    /* one batched product over the groups of every image */
    yolor_gemm_task gm = { 0 };
    gm.M = opg;
    gm.N = ohw;
    gm.K = K;
    if (l->conv.bf16)
      gm.a16 = l->conv.wpack;
    else
      gm.a = l->conv.wpack;
    gm.b.x = xs[0];
    if (is_direct (l))
      gm.b.ld = ohw;
    else
      gm.b = yolor_gemm_conv_source (xs[0], cpg, t->h_in, t->w_in, l->conv.size,
          l->conv.stride, l->conv.pad, t->w);
    gm.c = ys[0];
    gm.ldc = ohw;
    gm.bias = fused ? l->conv.bias : NULL;
    gm.act = fused ? l->act : YOLOR_ACT_LINEAR;
    gm.batch = g;
    gm.a_step = per_group;
    gm.b_step = (size_t) cpg * in_plane;
    gm.c_step = (size_t) opg * ohw;
    gm.bias_step = (size_t) opg;
    gm.images = n;
    gm.xs = xs;
    gm.cs = ys;
    yolor_sgemm_run (nt, &gm, net->gemm_work);
    if (fused)
      return;
  }

  for (int i = 0; i < n; i++) {
    if (l->conv.bn && !l->conv.bn_folded)
      yolor_bn_act (nt, ys[i], l->conv.filters, ohw, l->conv.bn_gamma,
          l->conv.bias, l->conv.bn_mean, l->conv.bn_var,
          (float) net->model->rules.bn_eps, l->act);
    else
      yolor_bias_act (nt, ys[i], l->conv.filters, ohw, l->conv.bias, l->act);
  }
}

void
yolor_conv_forward (yolor_net *net, const yolor_layer *l)
{
  yolor_conv_forward_batch (&net, 1, l);
}

int
yolor_conv_shape (yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  int64_t k = (int64_t) (ctx->c / l->conv.groups) * l->conv.size * l->conv.size;
  o->h_in = ctx->h;
  o->w_in = ctx->w;
  if (ctx->c % l->conv.groups)
    return yolor_shape_fail (ctx,
        "%d input channels are not divisible by groups=%d", ctx->c,
        l->conv.groups);
  if ((int64_t) ctx->h + 2 * l->conv.pad < l->conv.size
      || (int64_t) ctx->w + 2 * l->conv.pad < l->conv.size)
    return yolor_shape_fail (ctx,
        "input %dx%d is smaller than the %dx%d kernel", ctx->w, ctx->h,
        l->conv.size, l->conv.size);
  /* the kernels index weights with ints */
  if (k * l->conv.filters > INT32_MAX)
    return yolor_shape_fail (ctx,
        "%lld weights (%d filters x %lld inputs) are more than a layer may "
        "have (%d)",
        (long long) (k * l->conv.filters), l->conv.filters, (long long) k,
        INT32_MAX);
  ctx->oc = l->conv.filters;
  ctx->oh =
      ((int64_t) ctx->h + 2 * l->conv.pad - l->conv.size) / l->conv.stride + 1;
  ctx->ow =
      ((int64_t) ctx->w + 2 * l->conv.pad - l->conv.size) / l->conv.stride + 1;
  o->macs = (double) ctx->oc * ctx->oh * ctx->ow * (double) k;
  return 0;
}

void
yolor_conv_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  l->conv.bn = yolor_parse_int (c, "batch_normalize", 0, 0, 1);
  l->conv.filters = yolor_parse_int (c, "filters", 1, 1, 65536);
  l->conv.size = yolor_parse_int (c, "size", 1, 1, 15);
  l->conv.stride = yolor_parse_int (c, "stride", 1, 1, 16);
  if (!yolor_cfg_find (c->sec, "stride")) {
    int sx = yolor_parse_int (c, "stride_x", 1, 1, 16);
    int sy = yolor_parse_int (c, "stride_y", 1, 1, 16);
    if (sx != sy)
      yolor_parse_error (c, c->sec->line, YOLOR_ERR_UNSUPPORTED,
          "different stride_x and stride_y are not supported");
    l->conv.stride = sx;
  }
  if (yolor_parse_int (c, "pad", 0, 0, 1))
    l->conv.pad = l->conv.size / 2;
  else
    l->conv.pad = yolor_parse_int (c, "padding", 0, 0, 15);
  l->conv.groups = yolor_parse_int (c, "groups", 1, 1, 65536);
  if (yolor_parse_int (c, "dilation", 1, 1, 1) != 1)
    return;
  l->act = yolor_parse_act (c, YOLOR_ACT_LOGISTIC);
  if (c->st == YOLOR_OK && l->conv.filters % l->conv.groups != 0)
    yolor_parse_error (c, c->sec->line, YOLOR_ERR_PARSE,
        "filters=%d is not a multiple of groups=%d", l->conv.filters,
        l->conv.groups);
}

void
yolor_conv_channels (yolor_layer *l, const yolor_tensor *t)
{
  l->conv.c_in = l->in[0] < 0 ? 3 : t[l->in[0]].c;
}

/* darknet's order: beta (the bias), and with batch norm gamma, running
 * mean and variance; then the weights */
int
yolor_conv_param_arrays (yolor_layer *l, yolor_param_array *a)
{
  int64_t n = l->conv.filters;
  int k = 0;
  a[k++] = (yolor_param_array){ "bias", &l->conv.bias, n, 0.0f,
    YOLOR_PARAM_FILE, 1, 0 };
  if (l->conv.bn) {
    a[k++] = (yolor_param_array){ "batch-norm scale", &l->conv.bn_gamma, n,
      1.0f, YOLOR_PARAM_FILE, 1, 0 };
    a[k++] = (yolor_param_array){ "batch-norm mean", &l->conv.bn_mean, n, 0.0f,
      YOLOR_PARAM_FILE, 0, 0 };
    a[k++] = (yolor_param_array){ "batch-norm variance", &l->conv.bn_var, n,
      1.0f, YOLOR_PARAM_FILE, 0, 1 };
  }
  a[k++] = (yolor_param_array){ "weight", &l->conv.weights,
    yolor_conv_weight_count (l), 0.0f, YOLOR_PARAM_FILE, 1, 0 };
  return k;
}

void
yolor_conv_synthetic (yolor_layer *l, uint64_t *rng)
{
  int64_t per =
      (int64_t) (l->conv.c_in / l->conv.groups) * l->conv.size * l->conv.size;
  float scale = sqrtf (3.0f / (float) per);
  for (int64_t k = 0; k < per * l->conv.filters; k++)
    l->conv.weights[k] = yolor_synthetic_uniform (rng) * scale;
  for (int f = 0; f < l->conv.filters; f++) {
    l->conv.bias[f] = 0.05f * yolor_synthetic_uniform (rng);
    if (l->conv.bn) {
      l->conv.bn_gamma[f] = 1.0f + 0.1f * yolor_synthetic_uniform (rng);
      l->conv.bn_mean[f] = 0.05f * yolor_synthetic_uniform (rng);
      l->conv.bn_var[f] = 1.0f + 0.1f * yolor_synthetic_uniform (rng);
    }
  }
}

void
yolor_conv_release (yolor_layer *l)
{
  yolor_free (l->conv.wino);
  yolor_free (l->conv.wpack);
  l->conv.wino = l->conv.wpack = NULL;
}

void
yolor_conv_info (const yolor_layer *l, yolor_layer_info *info)
{
  info->filters = l->conv.filters;
  info->size = l->conv.size;
  info->stride = l->conv.stride;
  info->groups = l->conv.groups;
  info->activation = yolor_act_name (l->act);
  info->kernel = yolor_conv_kernel_name (l);
}
