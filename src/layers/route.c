/* [route] (channel concat, optionally of one channel group of each input),
 * [route_lhalf] (first half of each input) and [shortcut] (residual add).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels/kernels.h"

static void
src_dims (const yolor_net *net, const yolor_layer *l, int k, int *c, size_t *hw)
{
  int h, w;
  yolor_layer_src_shape (net, l, k, c, &h, &w);
  *hw = (size_t) h * w;
}

void
yolor_route_forward (yolor_net *net, const yolor_layer *l)
{
  float *dst = yolor_layer_out (net, l)->out;
  int lhalf = l->ops->kind == YOLOR_LAYER_ROUTE_LHALF;
  for (int k = 0; k < l->n_in; k++) {
    int c;
    size_t hw;
    int parts = lhalf ? 2 : l->route.groups;
    int part = lhalf ? 0 : l->route.group_id;
    src_dims (net, l, k, &c, &hw);
    size_t n = (size_t) (c / parts) * hw;
    const float *src = yolor_layer_in (net, l, k) + (size_t) part * n;
    if (src != dst) /* not written in place (plan.c) */
      memcpy (dst, src, n * sizeof (float));
    dst += n;
  }
}

typedef struct
{
  const float *x, *a;
  float *y;
} add_loop;

/* y[i] = x[i] + a[i] for i in [lo, hi). */
static void
add_values (void *data, long lo, long hi, int worker)
{
  const add_loop *q = data;
  (void) worker;
  for (long i = lo; i < hi; i++)
    q->y[i] = q->x[i] + q->a[i];
}

void
yolor_shortcut_forward (yolor_net *net, const yolor_layer *l)
{
  const float *x = yolor_layer_in (net, l, 0);
  const float *a = yolor_layer_in (net, l, 1);
  const yolor_tensor *t = yolor_layer_out (net, l);
  float *out = t->out;
  int ca;
  size_t hw;
  size_t n_add, n = (size_t) t->c * t->h * t->w;
  add_loop q = { x, a, out };
  src_dims (net, l, 1, &ca, &hw);
  n_add = (size_t) (ca < t->c ? ca : t->c) * hw;
  yolor_parallel (net->n_threads, (long) n_add, 8192, add_values, &q);
  if (n > n_add)
    memcpy (out + n_add, x + n_add, (n - n_add) * sizeof (float));
  /* darknet applies the shortcut's activation; the YOLOR code ignores it */
  if (net->model->rules.shortcut_activation)
    yolor_act_apply (net->n_threads, out, n, l->act);
}

/* Route and route_lhalf: the inputs side by side (route_lhalf and route
 * groups take one part of each). */
int
yolor_route_shape (yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  int div = l->ops->kind == YOLOR_LAYER_ROUTE_LHALF ? 2 : l->route.groups;
  (void) o;
  ctx->oc = 0;
  for (int k = 0; k < l->n_in; k++) {
    int jc, jh, jw;
    yolor_shape_src (ctx, l->in[k], &jc, &jh, &jw);
    if (k == 0) {
      ctx->oh = jh;
      ctx->ow = jw;
    } else if (jh != ctx->oh || jw != ctx->ow)
      return yolor_shape_fail (ctx,
          "layer %d is %dx%d but layer %d is %lldx%lld", l->in[k], jw, jh,
          l->in[0], (long long) ctx->ow, (long long) ctx->oh);
    if (jc % div)
      return yolor_shape_fail (ctx,
          "layer %d has %d channels, not divisible by %d", l->in[k], jc, div);
    ctx->oc += jc / div;
  }
  return 0;
}

/* One whole input is that input's buffer. */
int
yolor_route_owns_buffer (const yolor_layer *l)
{
  return !(l->ops->kind == YOLOR_LAYER_ROUTE && l->n_in == 1
      && l->route.groups == 1);
}

int
yolor_shortcut_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  int fc, fh, fw;
  (void) o;
  yolor_shape_src (ctx, l->in[1], &fc, &fh, &fw);
  if (fh != ctx->h || fw != ctx->w)
    return yolor_shape_fail (ctx, "adds layer %d (%dx%d) to a %dx%d input",
        l->in[1], fw, fh, ctx->w, ctx->h);
  return yolor_shape_same (ctx, l, o);
}

/* Route: its inputs are its 'layers' (optionally one of 'groups' parts of
 * each). */
void
yolor_route_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  l->n_in = 0;
  yolor_parse_refs (c, "layers", l->index, l, 1);
  l->route.groups = yolor_parse_int (c, "groups", 1, 1, 1024);
  l->route.group_id = yolor_parse_int (c, "group_id", 0, 0, 1023);
  if (l->route.group_id >= l->route.groups)
    yolor_parse_error (c, c->sec->line, YOLOR_ERR_PARSE,
        "group_id=%d must be below groups=%d", l->route.group_id,
        l->route.groups);
}

void
yolor_route_lhalf_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  l->n_in = 0;
  yolor_parse_refs (c, "layers", l->index, l, 1);
}

/* Shortcut, scale_channels and the *_channels layers: the previous layer
 * and the one 'from' names. */
void
yolor_from_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  const yolor_cfg_kv *kv;
  (void) m;
  if (!yolor_parse_refs (c, "from", l->index, l, 1))
    return;
  if (l->n_in != 2)
    yolor_parse_error (c, c->sec->line, YOLOR_ERR_UNSUPPORTED,
        "'from' must name exactly one layer");
  l->act = yolor_parse_act (c, l->act);
  kv = yolor_parse_find (c, "weights_type");
  if (kv && strcmp (kv->value, "none") != 0)
    yolor_parse_fail (c, kv->line, YOLOR_ERR_UNSUPPORTED,
        "weighted fusion is not supported:", "weights_type", kv->value);
  yolor_parse_find (c, "weights_normalization");
  yolor_parse_int (c, "scale_wh", 0, 0, 0);
}
