/* [convolutional]: conv2d + (folded or runtime) batch norm or bias +
 * activation. 1x1 stride-1 convs multiply the input directly; others go
 * through im2col into the net's workspace; depthwise convs use their own
 * kernel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "kernels/kernels.h"

const float *
yolor_layer_in (const yolor_net *net, const yolor_layer *l, int k)
{
  int idx = l->in[k];
  return idx < 0 ? net->input : net->layers[idx].out;
}

static int
is_direct (const yolor_layer *l)
{
  return l->size == 1 && l->stride == 1 && l->pad == 0;
}

static int
is_depthwise (const yolor_layer *l)
{
  return l->groups > 1 && l->groups == l->c_in && l->groups == l->filters;
}

int
yolor_conv_winograd_ok (const yolor_layer *l)
{
  return l->size == 3 && l->stride == 1 && l->groups == 1 && l->c_in >= 8
      && l->filters >= 8 && (!l->bn || l->bn_folded);
}

yolor_status
yolor_conv_prepare_winograd (yolor_layer *l)
{
  if (l->wino || !yolor_conv_winograd_ok (l))
    return YOLOR_OK;
  l->wino = yolor_malloc (sizeof (float) * 36 * (size_t) l->filters * l->c_in);
  if (!l->wino)
    return YOLOR_ERR_NO_MEMORY;
  yolor_winograd_weights (l->weights, l->filters, l->c_in, l->wino);
  return YOLOR_OK;
}

size_t
yolor_conv_workspace (const yolor_layer *l)
{
  if (l->wino)
    return yolor_winograd_workspace (l->c_in, l->filters, l->h, l->w);
  if (is_direct (l) || is_depthwise (l))
    return 0;
  return (size_t) (l->c_in / l->groups) * l->size * l->size * l->h * l->w;
}

void
yolor_conv_forward (yolor_net *net, yolor_layer *l)
{
  const float *x = yolor_layer_in (net, l, 0);
  int nt = net->n_threads;
  int g = l->groups, cpg = l->c_in / g, opg = l->filters / g;
  int ohw = l->h * l->w, K = cpg * l->size * l->size;
  size_t in_plane = (size_t) l->h_in * l->w_in;
  int fused = !l->bn || l->bn_folded;

  if (l->wino) {
    yolor_winograd_conv (nt, x, l->c_in, l->h_in, l->w_in, l->pad, l->wino,
        l->filters, l->bias, l->act, l->out, l->h, l->w, net->work,
        net->gemm_work);
    return;
  }
  if (is_depthwise (l)) {
    yolor_depthwise (nt, x, l->c_in, l->h_in, l->w_in, l->weights, l->size,
        l->stride, l->pad, l->h, l->w, fused ? l->bias : NULL,
        fused ? l->act : YOLOR_ACT_LINEAR, l->out);
    if (fused)
      return;
  } else {
    for (int gi = 0; gi < g; gi++) {
      const float *xg = x + (size_t) gi * cpg * in_plane;
      const float *B = xg;
      if (!is_direct (l)) {
        yolor_im2col (nt, xg, cpg, l->h_in, l->w_in, l->size, l->stride, l->pad,
            l->h, l->w, net->work);
        B = net->work;
      }
      yolor_sgemm (nt, opg, ohw, K, l->weights + (size_t) gi * opg * K, K, B,
          ohw, l->out + (size_t) gi * opg * ohw, ohw,
          fused ? l->bias + (size_t) gi * opg : NULL,
          fused ? l->act : YOLOR_ACT_LINEAR, net->gemm_work);
    }
    if (fused)
      return;
  }

  if (l->bn && !l->bn_folded)
    yolor_bn_act (nt, l->out, l->filters, ohw, l->bn_gamma, l->bias, l->bn_mean,
        l->bn_var, net->flavor == YOLOR_FLAVOR_YOLOR ? 1e-4f : 1e-5f, l->act);
  else
    yolor_bias_act (nt, l->out, l->filters, ohw, l->bias, l->act);
}
