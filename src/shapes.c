/* Shape inference for a given network input size, with parameter and
 * multiply-accumulate counts. Every mismatch names the layer and cfg line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>

#include "yolor-private.h"

#define SHAPE_ERR(l, ...)                                                      \
  yolor_error_set (err, YOLOR_ERR_SHAPE,                                       \
      "%s:%d: layer %d [%s]: "                                                 \
      "%s",                                                                    \
      net->cfg_path, (l)->line, (l)->index, (l)->ops->name,                    \
      (snprintf (msg, sizeof (msg), __VA_ARGS__), msg))

static void
src_shape (
    const yolor_net *net, int idx, int in_w, int in_h, int *c, int *h, int *w)
{
  if (idx < 0) {
    *c = 3;
    *h = in_h;
    *w = in_w;
  } else {
    *c = net->layers[idx].c;
    *h = net->layers[idx].h;
    *w = net->layers[idx].w;
  }
}

static int
too_big (int c, int h, int w)
{
  return c <= 0 || h <= 0 || w <= 0 || (int64_t) c * h * w > (1LL << 31);
}

yolor_status
yolor_graph_shapes (yolor_net *net, int in_w, int in_h, yolor_error *err)
{
  char msg[256];
  int yolor = net->flavor == YOLOR_FLAVOR_YOLOR;

  if (in_w < 1 || in_h < 1 || in_w > YOLOR_MAX_DIM || in_h > YOLOR_MAX_DIM)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "network input %dx%d is outside 1..%d", in_w, in_h, YOLOR_MAX_DIM);

  for (int i = 0; i < net->n_layers; i++) {
    yolor_layer *l = &net->layers[i];
    int c = 0, h = 0, w = 0, sc, sh, sw;
    l->macs = 0;
    l->n_params = 0;
    if (l->n_in > 0)
      src_shape (net, l->in[0], in_w, in_h, &sc, &sh, &sw);
    else
      sc = sh = sw = 0;

    switch (l->ops->kind) {
      case YOLOR_LAYER_CONV:
        l->c_in = sc;
        l->h_in = sh;
        l->w_in = sw;
        if (sc % l->groups)
          return SHAPE_ERR (l,
              "%d input channels are not divisible by "
              "groups=%d",
              sc, l->groups);
        c = l->filters;
        h = (sh + 2 * l->pad - l->size) / l->stride + 1;
        w = (sw + 2 * l->pad - l->size) / l->stride + 1;
        if (sh + 2 * l->pad < l->size || sw + 2 * l->pad < l->size)
          return SHAPE_ERR (l, "input %dx%d is smaller than the %dx%d kernel",
              sw, sh, l->size, l->size);
        l->n_params = (int64_t) c * (sc / l->groups) * l->size * l->size
            + (l->bn ? 2 * c : c);
        l->macs = (double) c * h * w * (sc / l->groups) * l->size * l->size;
        break;
      case YOLOR_LAYER_ROUTE:
      case YOLOR_LAYER_ROUTE_LHALF:
        for (int k = 0; k < l->n_in; k++) {
          int jc, jh, jw, div;
          src_shape (net, l->in[k], in_w, in_h, &jc, &jh, &jw);
          div = l->ops->kind == YOLOR_LAYER_ROUTE_LHALF ? 2 : l->route_groups;
          if (k == 0) {
            h = jh;
            w = jw;
          } else if (jh != h || jw != w)
            return SHAPE_ERR (l, "layer %d is %dx%d but layer %d is %dx%d",
                l->in[k], jw, jh, l->in[0], w, h);
          if (jc % div)
            return SHAPE_ERR (l,
                "layer %d has %d channels, not divisible "
                "by %d",
                l->in[k], jc, div);
          c += jc / div;
        }
        break;
      case YOLOR_LAYER_SHORTCUT: {
        int fc, fh, fw;
        src_shape (net, l->in[1], in_w, in_h, &fc, &fh, &fw);
        if (fh != sh || fw != sw)
          return SHAPE_ERR (l, "adds layer %d (%dx%d) to a %dx%d input",
              l->in[1], fw, fh, sw, sh);
        c = sc;
        h = sh;
        w = sw;
        break;
      }
      case YOLOR_LAYER_MAXPOOL:
        if (yolor && l->pool_size == 2 && l->pool_stride == 1) {
          l->pad = 1; /* zero padding right/bottom */
          l->pool_pad = 1;
        } else if (yolor) {
          l->pad = 0;
          l->pool_pad = 2 * ((l->pool_size - 1) / 2);
        }
        c = sc;
        h = (sh + l->pool_pad - l->pool_size) / l->pool_stride + 1;
        w = (sw + l->pool_pad - l->pool_size) / l->pool_stride + 1;
        if (sh + l->pool_pad < l->pool_size || sw + l->pool_pad < l->pool_size)
          return SHAPE_ERR (l, "input %dx%d is smaller than the pool", sw, sh);
        break;
      case YOLOR_LAYER_AVGPOOL:
        c = sc;
        h = w = 1;
        break;
      case YOLOR_LAYER_UPSAMPLE:
        c = sc;
        h = sh * l->stride;
        w = sw * l->stride;
        break;
      case YOLOR_LAYER_REORG:
      case YOLOR_LAYER_DWT:
        if (sh % 2 || sw % 2)
          return SHAPE_ERR (l, "needs an even input size, got %dx%d", sw, sh);
        c = sc * 4;
        h = sh / 2;
        w = sw / 2;
        break;
      case YOLOR_LAYER_IDENTITY:
        c = sc;
        h = sh;
        w = sw;
        break;
      case YOLOR_LAYER_SCALE_CHANNELS: {
        int fc, fh, fw;
        src_shape (net, l->in[1], in_w, in_h, &fc, &fh, &fw);
        if (sh != 1 || sw != 1 || sc != fc)
          return SHAPE_ERR (l,
              "scales layer %d (%d channels) by a %dx%dx%d "
              "input; expected %dx1x1",
              l->in[1], fc, sc, sh, sw, fc);
        c = fc;
        h = fh;
        w = fw;
        break;
      }
      case YOLOR_LAYER_IMPLICIT:
        c = l->filters * (l->atoms ? l->atoms : 1);
        h = w = 1;
        l->n_params = c;
        break;
      case YOLOR_LAYER_CHANNELS: {
        int ac, ah, aw;
        src_shape (net, l->in[1], in_w, in_h, &ac, &ah, &aw);
        if (ah != 1 || aw != 1)
          return SHAPE_ERR (l,
              "'from' layer %d must be a Cx1x1 vector, is "
              "%dx%dx%d",
              l->in[1], ac, ah, aw);
        if (l->ops->variant != YOLOR_CH_ALTERNATE && ac != sc)
          return SHAPE_ERR (l,
              "vector of layer %d has %d channels, the "
              "input has %d",
              l->in[1], ac, sc);
        c = l->ops->variant == YOLOR_CH_ALTERNATE ? ac + sc : sc;
        h = sh;
        w = sw;
        break;
      }
      case YOLOR_LAYER_YOLO:
        if (sc != l->n_mask * (5 + l->classes))
          return SHAPE_ERR (l,
              "input has %d channels; %d anchors x (5 + %d "
              "classes) need %d",
              sc, l->n_mask, l->classes, l->n_mask * (5 + l->classes));
        c = sc;
        h = sh;
        w = sw;
        break;
    }
    if (too_big (c, h, w))
      return SHAPE_ERR (l, "output %dx%dx%d is empty or too large", c, h, w);
    l->c = c;
    l->h = h;
    l->w = w;
  }

  /* strides of the heads */
  net->max_stride = 1;
  for (int k = 0; k < net->n_heads; k++) {
    const yolor_layer *l = &net->layers[net->heads[k]];
    int s = yolor ? (8 << (k < 4 ? k : 4)) : (in_h + l->h - 1) / l->h;
    if (s > net->max_stride)
      net->max_stride = s;
  }
  return YOLOR_OK;
}
