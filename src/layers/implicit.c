/* The consumers of implicit knowledge: shift/control/select/alternate
 * channels (and their _2d forms, which read the flattened atom-major
 * parameter), and darknet's scale_channels. The implicit_* layers themselves
 * have no forward pass: their output is their parameter.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels/kernels.h"

typedef struct
{
  const float *x, *a;
  float *y;
  size_t hw;
  int variant;
} channels_loop;

/* Channels [lo, hi) of a shift, control or select. */
static void
channels_part (void *data, long lo, long hi, int worker)
{
  const channels_loop *q = data;
  size_t hw = q->hw;
  (void) worker;
  for (long c = lo; c < hi; c++) {
    const float *xc = q->x + c * hw;
    float *yc = q->y + c * hw;
    float v = q->a[c];
    switch (q->variant) {
      case YOLOR_CH_SHIFT:
        for (size_t i = 0; i < hw; i++)
          yc[i] = xc[i] + v;
        break;
      case YOLOR_CH_CONTROL:
        for (size_t i = 0; i < hw; i++)
          yc[i] = xc[i] * v;
        break;
      default:
        v = yolor_sigmoid (v);
        for (size_t i = 0; i < hw; i++)
          yc[i] = xc[i] * v;
        break;
    }
  }
}

void
yolor_channels_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *t = yolor_layer_out (net, l);
  const float *x = yolor_layer_in (net, l, 0);
  const float *a = yolor_layer_in (net, l, 1);
  const yolor_tensor *as = yolor_layer_src (net, l, 1);
  size_t hw = (size_t) t->h * t->w;
  /* the _2d forms read their 'from' flattened: shapes.c checked that it
   * is then a vector */
  int ac = as ? as->c * as->h * as->w : 3;
  channels_loop q = { x, a, t->out, hw, l->ops->variant };

  if (l->ops->variant == YOLOR_CH_ALTERNATE) {
    for (int c = 0; c < ac; c++)
      for (size_t i = 0; i < hw; i++)
        t->out[c * hw + i] = a[c];
    memcpy (t->out + ac * hw, x, (size_t) (t->c - ac) * hw * sizeof (float));
    return;
  }
  yolor_parallel (net->n_threads, t->c, 1, channels_part, &q);
}

void
yolor_scale_channels_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *t = yolor_layer_out (net, l);
  const float *s = yolor_layer_in (net, l, 0);
  const float *x = yolor_layer_in (net, l, 1);
  size_t hw = (size_t) t->h * t->w;
  for (int c = 0; c < t->c; c++)
    for (size_t i = 0; i < hw; i++)
      t->out[c * hw + i] = x[c * hw + i] * s[c];
}

/* The official parameter: (1, C, 1, 1), or (1, atoms, filters, 1). */
int
yolor_implicit_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  (void) o;
  ctx->oc = l->implicit.atoms ? l->implicit.atoms : l->implicit.filters;
  ctx->oh = l->implicit.atoms ? l->implicit.filters : 1;
  ctx->ow = 1;
  return 0;
}

int
yolor_channels_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  int ac, ah, aw;
  (void) o;
  yolor_shape_src (ctx, l->in[1], &ac, &ah, &aw);
  if (l->ops->flat) /* the official view (1, -1, 1, 1) */
    ac = (int) ((int64_t) ac * ah * aw);
  else if (ah != 1 || aw != 1)
    return yolor_shape_fail (ctx,
        "'from' layer %d must be a Cx1x1 vector, is %dx%dx%d (the _2d form "
        "of this layer reads it flattened)",
        l->in[1], ac, ah, aw);
  if (l->ops->variant != YOLOR_CH_ALTERNATE && ac != ctx->c)
    return yolor_shape_fail (ctx,
        "vector of layer %d has %d channels, the input has %d", l->in[1], ac,
        ctx->c);
  ctx->oc =
      l->ops->variant == YOLOR_CH_ALTERNATE ? (int64_t) ac + ctx->c : ctx->c;
  ctx->oh = ctx->h;
  ctx->ow = ctx->w;
  return 0;
}

/* A folded shift or control is its input. */
int
yolor_channels_owns_buffer (const yolor_layer *l)
{
  return !l->folded;
}

int
yolor_scale_channels_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  int fc, fh, fw;
  (void) o;
  yolor_shape_src (ctx, l->in[1], &fc, &fh, &fw);
  if (ctx->h != 1 || ctx->w != 1 || ctx->c != fc)
    return yolor_shape_fail (ctx,
        "scales layer %d (%d channels) by a %dx%dx%d input; expected %dx1x1",
        l->in[1], fc, ctx->c, ctx->h, ctx->w, fc);
  ctx->oc = fc;
  ctx->oh = fh;
  ctx->ow = fw;
  return 0;
}

/* An implicit layer reads nothing: its output is its parameter. */
void
yolor_implicit_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  l->n_in = 0;
  l->implicit.filters = yolor_parse_int (c, "filters", 1, 1, 65536);
  l->implicit.atoms =
      l->ops->flat ? yolor_parse_int (c, "atoms", 1, 1, 65536) : 0;
  yolor_parse_float (c, "mean", 0.0f, -1e6f, 1e6f);
  yolor_parse_float (c, "std", 0.0f, 0.0f, 1e6f);
  m->has_implicit = 1;
}

/* The parameter, in the .weights trailer. */
int
yolor_implicit_param_arrays (yolor_layer *l, yolor_param_array *a)
{
  a[0] = (yolor_param_array){ "implicit value", &l->implicit.param,
    yolor_implicit_count (l),
    l->ops->variant == YOLOR_IMPLICIT_ONE ? 1.0f : 0.0f, YOLOR_PARAM_TRAILER, 1,
    0 };
  return 1;
}

void
yolor_implicit_synthetic (yolor_layer *l, uint64_t *rng)
{
  for (int64_t k = 0; k < yolor_implicit_count (l); k++)
    l->implicit.param[k] += 0.02f * yolor_synthetic_uniform (rng);
}

float *
yolor_implicit_constant (const yolor_layer *l)
{
  return l->implicit.param;
}
