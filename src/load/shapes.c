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
      m->cfg_path, (l)->line, (l)->index, (l)->ops->name,                      \
      (snprintf (msg, sizeof (msg), __VA_ARGS__), msg))

static void
src_shape (
    const yolor_tensor *t, int idx, int in_w, int in_h, int *c, int *h, int *w)
{
  if (idx < 0) {
    *c = 3;
    *h = in_h;
    *w = in_w;
  } else {
    *c = t[idx].c;
    *h = t[idx].h;
    *w = t[idx].w;
  }
}

/* Sizes are computed in 64 bits from cfg values that are each in range,
 * so nothing below overflows; what does not fit an int tensor is an
 * error naming the layer and the size. */
static int64_t
product (int64_t c, int64_t h, int64_t w)
{
  /* exact unless it would not fit in 63 bits */
  if ((double) c * (double) h * (double) w >= 9.0e18)
    return INT64_MAX;
  return c * h * w;
}

yolor_status
yolor_graph_shapes (const yolor_model *m, yolor_tensor *t, int in_w, int in_h,
    int *n_rows, int *max_stride, yolor_error *err)
{
  char msg[256];
  int official = m->rules.official_decode;

  if (in_w < 1 || in_h < 1 || in_w > YOLOR_MAX_DIM || in_h > YOLOR_MAX_DIM)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "network input %dx%d is outside 1..%d", in_w, in_h, YOLOR_MAX_DIM);

  for (int i = 0; i < m->n_layers; i++) {
    const yolor_layer *l = &m->layers[i];
    yolor_tensor *o = &t[i];
    int64_t c = 0, h = 0, w = 0, n;
    int sc, sh, sw;
    o->macs = 0;
    if (l->n_in > 0)
      src_shape (t, l->in[0], in_w, in_h, &sc, &sh, &sw);
    else
      sc = sh = sw = 0;

    switch (l->ops->kind) {
      case YOLOR_LAYER_CONV: {
        int64_t k = (int64_t) (sc / l->groups) * l->size * l->size;
        o->h_in = sh;
        o->w_in = sw;
        if (sc % l->groups)
          return SHAPE_ERR (l,
              "%d input channels are not divisible by "
              "groups=%d",
              sc, l->groups);
        if ((int64_t) sh + 2 * l->pad < l->size
            || (int64_t) sw + 2 * l->pad < l->size)
          return SHAPE_ERR (l, "input %dx%d is smaller than the %dx%d kernel",
              sw, sh, l->size, l->size);
        /* the kernels index weights with ints */
        if (k * l->filters > INT32_MAX)
          return SHAPE_ERR (l,
              "%lld weights (%d filters x %lld inputs) are more than a "
              "layer may have (%d)",
              (long long) (k * l->filters), l->filters, (long long) k,
              INT32_MAX);
        c = l->filters;
        h = ((int64_t) sh + 2 * l->pad - l->size) / l->stride + 1;
        w = ((int64_t) sw + 2 * l->pad - l->size) / l->stride + 1;
        o->macs = (double) c * h * w * (double) k;
        break;
      }
      case YOLOR_LAYER_ROUTE:
      case YOLOR_LAYER_ROUTE_LHALF:
        for (int k = 0; k < l->n_in; k++) {
          int jc, jh, jw, div;
          src_shape (t, l->in[k], in_w, in_h, &jc, &jh, &jw);
          div = l->ops->kind == YOLOR_LAYER_ROUTE_LHALF ? 2 : l->route_groups;
          if (k == 0) {
            h = jh;
            w = jw;
          } else if (jh != h || jw != w)
            return SHAPE_ERR (l, "layer %d is %dx%d but layer %d is %lldx%lld",
                l->in[k], jw, jh, l->in[0], (long long) w, (long long) h);
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
        src_shape (t, l->in[1], in_w, in_h, &fc, &fh, &fw);
        if (fh != sh || fw != sw)
          return SHAPE_ERR (l, "adds layer %d (%dx%d) to a %dx%d input",
              l->in[1], fw, fh, sw, sh);
        c = sc;
        h = sh;
        w = sw;
        break;
      }
      case YOLOR_LAYER_MAXPOOL:
        /* YOLOR's padding is set by graph.c */
        if ((int64_t) sh + l->pool_pad < l->pool_size
            || (int64_t) sw + l->pool_pad < l->pool_size)
          return SHAPE_ERR (l, "input %dx%d is smaller than the pool", sw, sh);
        c = sc;
        h = ((int64_t) sh + l->pool_pad - l->pool_size) / l->pool_stride + 1;
        w = ((int64_t) sw + l->pool_pad - l->pool_size) / l->pool_stride + 1;
        break;
      case YOLOR_LAYER_AVGPOOL:
        c = sc;
        h = w = 1;
        break;
      case YOLOR_LAYER_UPSAMPLE:
        c = sc;
        h = (int64_t) sh * l->stride;
        w = (int64_t) sw * l->stride;
        break;
      case YOLOR_LAYER_REORG:
      case YOLOR_LAYER_DWT:
        if (sh % 2 || sw % 2)
          return SHAPE_ERR (l, "needs an even input size, got %dx%d", sw, sh);
        c = (int64_t) sc * 4;
        h = sh / 2;
        w = sw / 2;
        break;
      case YOLOR_LAYER_IDENTITY:
      case YOLOR_LAYER_BATCHNORM:
        c = sc;
        h = sh;
        w = sw;
        break;
      case YOLOR_LAYER_SCALE_CHANNELS: {
        int fc, fh, fw;
        src_shape (t, l->in[1], in_w, in_h, &fc, &fh, &fw);
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
        /* the official parameter: (1, C, 1, 1), or (1, atoms, filters, 1) */
        c = l->atoms ? l->atoms : l->filters;
        h = l->atoms ? l->filters : 1;
        w = 1;
        break;
      case YOLOR_LAYER_CHANNELS: {
        int ac, ah, aw;
        src_shape (t, l->in[1], in_w, in_h, &ac, &ah, &aw);
        if (l->ops->flat) /* the official view (1, -1, 1, 1) */
          ac = (int) product (ac, ah, aw);
        else if (ah != 1 || aw != 1)
          return SHAPE_ERR (l,
              "'from' layer %d must be a Cx1x1 vector, is "
              "%dx%dx%d (the _2d form of this layer reads it flattened)",
              l->in[1], ac, ah, aw);
        if (l->ops->variant != YOLOR_CH_ALTERNATE && ac != sc)
          return SHAPE_ERR (l,
              "vector of layer %d has %d channels, the "
              "input has %d",
              l->in[1], ac, sc);
        c = l->ops->variant == YOLOR_CH_ALTERNATE ? (int64_t) ac + sc : sc;
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
    if (c < 1 || h < 1 || w < 1)
      return SHAPE_ERR (l, "output %lldx%lldx%lld is empty", (long long) c,
          (long long) h, (long long) w);
    n = product (c, h, w);
    if (n > INT32_MAX) {
      if (n == INT64_MAX)
        return SHAPE_ERR (l,
            "output %lldx%lldx%lld is too large (a tensor may hold at most %d "
            "values)",
            (long long) c, (long long) h, (long long) w, INT32_MAX);
      return SHAPE_ERR (l,
          "output %lldx%lldx%lld (%lld values) is too large (a tensor may "
          "hold at most %d)",
          (long long) c, (long long) h, (long long) w, (long long) n,
          INT32_MAX);
    }
    o->c = (int) c;
    o->h = (int) h;
    o->w = (int) w;
  }

  /* decode numbers the anchor positions of all heads with ints: their
   * count (the net's n_rows) sizes the candidate buffers */
  {
    int64_t rows = 0;
    for (int k = 0; k < m->n_heads; k++) {
      const yolor_layer *l = &m->layers[m->heads[k]];
      rows += (int64_t) l->n_mask * t[l->index].h * t[l->index].w;
    }
    if (rows > INT32_MAX)
      return yolor_error_set (err, YOLOR_ERR_SHAPE,
          "%s: the %d heads have %lld anchor positions at %dx%d, more than "
          "%d",
          m->cfg_path, m->n_heads, (long long) rows, in_w, in_h, INT32_MAX);
    *n_rows = (int) rows;
  }

  /* strides of the heads */
  *max_stride = 1;
  for (int k = 0; k < m->n_heads; k++) {
    int gh = t[m->heads[k]].h;
    int s = official ? yolor_official_head_stride (k) : (in_h + gh - 1) / gh;
    if (s > *max_stride)
      *max_stride = s;
  }
  return YOLOR_OK;
}
