/* Shape inference for a given network input size, with parameter and
 * multiply-accumulate counts: each kind's shape slot (src/layers/) gives its
 * output, and the checks every kind shares are here. Every mismatch names
 * the layer and cfg line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "yolor-private.h"

#define SHAPE_ERR(l, ...)                                                      \
  yolor_error_set (err, YOLOR_ERR_SHAPE,                                       \
      "%s:%d: layer %d [%s]: "                                                 \
      "%s",                                                                    \
      m->cfg_path, (l)->line, (l)->index, (l)->ops->name,                      \
      (snprintf (msg, sizeof (msg), __VA_ARGS__), msg))

void
yolor_shape_src (const yolor_shape_ctx *ctx, int idx, int *c, int *h, int *w)
{
  if (idx < 0) {
    *c = 3;
    *h = ctx->in_h;
    *w = ctx->in_w;
  } else {
    *c = ctx->t[idx].c;
    *h = ctx->t[idx].h;
    *w = ctx->t[idx].w;
  }
}

int
yolor_shape_fail (yolor_shape_ctx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (ctx->msg, sizeof (ctx->msg), fmt, ap);
  va_end (ap);
  return -1;
}

int
yolor_shape_same (yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  (void) l;
  (void) o;
  ctx->oc = ctx->c;
  ctx->oh = ctx->h;
  ctx->ow = ctx->w;
  return 0;
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
    yolor_shape_ctx ctx;
    int64_t c, h, w, n;
    memset (&ctx, 0, sizeof (ctx));
    ctx.m = m;
    ctx.t = t;
    ctx.in_w = in_w;
    ctx.in_h = in_h;
    o->macs = 0;
    if (l->n_in > 0)
      yolor_shape_src (&ctx, l->in[0], &ctx.c, &ctx.h, &ctx.w);
    if (l->ops->shape (&ctx, l, o) != 0)
      return SHAPE_ERR (l, "%s", ctx.msg);
    c = ctx.oc;
    h = ctx.oh;
    w = ctx.ow;
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
      rows += (int64_t) l->yolo.n_mask * t[l->index].h * t[l->index].w;
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
