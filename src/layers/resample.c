/* [upsample] (nearest), [reorg] (space-to-depth) and [dwt] (Haar).
 *
 * reorg: y[b·C + c][v][u] = x[c][2v + dy_b][2u + dx_b]. YOLOR (and yolov5's
 * Focus) order the blocks b by (dy,dx) = (0,0), (1,0), (0,1), (1,1); darknet
 * by (0,0), (0,1), (1,0), (1,1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "kernels/kernels.h"
#include "yolor-private.h"

typedef struct
{
  const float *x;
  const yolor_tensor *t;
  int h, w, s;
} upsample_loop;

/* Channels [lo, hi). */
static void
upsample_channels (void *data, long lo, long hi, int worker)
{
  const upsample_loop *q = data;
  const yolor_tensor *t = q->t;
  int s = q->s;
  (void) worker;
  for (int ch = (int) lo; ch < (int) hi; ch++)
    for (int v = 0; v < t->h; v++) {
      const float *src = q->x + ((size_t) ch * q->h + v / s) * q->w;
      float *dst = t->out + ((size_t) ch * t->h + v) * t->w;
      for (int u = 0; u < t->w; u++)
        dst[u] = src[u / s];
    }
}

void
yolor_upsample_forward (yolor_net *net, const yolor_layer *l)
{
  upsample_loop q;
  int c;
  q.t = yolor_layer_out (net, l);
  q.x = yolor_layer_in (net, l, 0);
  q.s = l->resample.stride;
  yolor_layer_src_shape (net, l, 0, &c, &q.h, &q.w);
  yolor_parallel (net->n_threads, c, 1, upsample_channels, &q);
}

void
yolor_reorg_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *t = yolor_layer_out (net, l);
  static const int yolor_dy[4] = { 0, 1, 0, 1 }, yolor_dx[4] = { 0, 0, 1, 1 };
  static const int dn_dy[4] = { 0, 0, 1, 1 }, dn_dx[4] = { 0, 1, 0, 1 };
  int darknet = net->model->rules.reorg_dy_major;
  const int *dy = darknet ? dn_dy : yolor_dy, *dx = darknet ? dn_dx : yolor_dx;
  const float *x = yolor_layer_in (net, l, 0);
  int c, h, w;
  yolor_layer_src_shape (net, l, 0, &c, &h, &w);
  for (int b = 0; b < 4; b++)
    for (int ch = 0; ch < c; ch++)
      for (int v = 0; v < t->h; v++) {
        const float *src = x + ((size_t) ch * h + 2 * v + dy[b]) * w + dx[b];
        float *dst = t->out + (((size_t) b * c + ch) * t->h + v) * t->w;
        for (int u = 0; u < t->w; u++)
          dst[u] = src[2 * u];
      }
}

void
yolor_dwt_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *t = yolor_layer_out (net, l);
  const float *x = yolor_layer_in (net, l, 0);
  int c, h, w;
  size_t plane = (size_t) t->h * t->w;
  yolor_layer_src_shape (net, l, 0, &c, &h, &w);
  for (int ch = 0; ch < c; ch++)
    for (int v = 0; v < t->h; v++)
      for (int u = 0; u < t->w; u++) {
        const float *p = x + ((size_t) ch * h + 2 * v) * w + 2 * u;
        float a = p[0], b = p[1], cc = p[w], d = p[w + 1];
        size_t o = (size_t) v * t->w + u;
        t->out[ch * plane + o] = (a + b + cc + d) / 4.0f;
        t->out[(c + 3 * ch) * plane + o] = (a + b - cc - d) / 4.0f + 0.5f;
        t->out[(c + 3 * ch + 1) * plane + o] = (a - b + cc - d) / 4.0f + 0.5f;
        t->out[(c + 3 * ch + 2) * plane + o] = (a - b - cc + d) / 4.0f + 0.5f;
      }
}

int
yolor_upsample_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  (void) o;
  ctx->oc = ctx->c;
  ctx->oh = (int64_t) ctx->h * l->resample.stride;
  ctx->ow = (int64_t) ctx->w * l->resample.stride;
  return 0;
}

/* Reorg and dwt: each 2x2 block into four channels. */
int
yolor_reorg_shape (yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  (void) l;
  (void) o;
  if (ctx->h % 2 || ctx->w % 2)
    return yolor_shape_fail (
        ctx, "needs an even input size, got %dx%d", ctx->w, ctx->h);
  ctx->oc = (int64_t) ctx->c * 4;
  ctx->oh = ctx->h / 2;
  ctx->ow = ctx->w / 2;
  return 0;
}

void
yolor_upsample_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  l->resample.stride = yolor_parse_int (c, "stride", 2, 1, 32);
  yolor_parse_float (c, "scale", 1.0f, 1.0f, 1.0f);
}

void
yolor_reorg_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  l->resample.stride = yolor_parse_int (c, "stride", 2, 2, 2);
}
