/* [maxpool] and [avgpool] (global).
 *
 * maxpool: window origin at −pool_pad/2; positions outside the input are
 * never selected (−∞), except YOLOR's k=2 s=1 case (l->pool.zero_pad set), where the
 * official code zero-pads right and bottom first.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"
#include "yolor-private.h"

/* v where it is greater than m or NaN, else m: a window with a NaN gives
 * NaN. Without branches, so that loops of it vectorize. */
static inline float
max_nan (float m, float v)
{
  return ((v > m) | (v != v)) ? v : m;
}

/* The widest row the separable pooling takes (its padded row is on the
 * stack). */
#define SEP_MAX_W 4096
#define SEP_MAX_K 64

/* Same-size stride-1 pooling (SPP) done separably: for each output row the
 * max over the window's rows, then over the window's columns of that row
 * padded with −∞: 2k comparisons per output instead of k². The loops are
 * plain element loops with a branch-free max, so that the compiler
 * vectorizes them. */
static void
maxpool_same_separable (
    const float *xc, float *yc, int h, int w, int k, int off)
{
  float pad[SEP_MAX_W + SEP_MAX_K];
  for (int i = 0; i < off; i++)
    pad[i] = -INFINITY;
  for (int i = off + w; i < w + k - 1; i++)
    pad[i] = -INFINITY;
  for (int oy = 0; oy < h; oy++) {
    float *restrict yr = yc + (size_t) oy * w, *restrict pr = pad + off;
    int iy0 = oy - off < 0 ? 0 : oy - off;
    int iy1 = oy - off + k > h ? h : oy - off + k;
    memcpy (pr, xc + (size_t) iy0 * w, sizeof (float) * (size_t) w);
    for (int iy = iy0 + 1; iy < iy1; iy++) {
      const float *restrict xr = xc + (size_t) iy * w;
      for (int ox = 0; ox < w; ox++)
        pr[ox] = max_nan (pr[ox], xr[ox]);
    }
    /* y[ox] = max of pad[ox .. ox + k) */
    memcpy (yr, pad, sizeof (float) * (size_t) w);
    for (int j = 1; j < k; j++) {
      const float *restrict pj = pad + j;
      for (int ox = 0; ox < w; ox++)
        yr[ox] = max_nan (yr[ox], pj[ox]);
    }
  }
}

typedef struct
{
  const float *x;
  const yolor_tensor *t;
  int h, w, k, st, off, zero_pad, separable;
} maxpool_loop;

/* Channels [lo, hi). */
static void
maxpool_channels (void *data, long lo, long hi, int worker)
{
  const maxpool_loop *q = data;
  const yolor_tensor *t = q->t;
  int h = q->h, w = q->w, k = q->k, st = q->st, off = q->off;
  (void) worker;
  for (int c = (int) lo; c < (int) hi; c++) {
    const float *xc = q->x + (size_t) c * h * w;
    float *yc = t->out + (size_t) c * t->h * t->w;
    if (q->separable) {
      maxpool_same_separable (xc, yc, h, w, k, off);
      continue;
    }
    for (int oy = 0; oy < t->h; oy++)
      for (int ox = 0; ox < t->w; ox++) {
        float m = -INFINITY;
        int outside = 0;
        for (int ky = 0; ky < k; ky++) {
          int iy = oy * st - off + ky;
          for (int kx = 0; kx < k; kx++) {
            int ix = ox * st - off + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              outside = 1;
              continue;
            }
            float v = xc[(size_t) iy * w + ix];
            if (v > m || isnan (v))
              m = v;
          }
        }
        if (q->zero_pad && outside && !(m >= 0.0f) && !isnan (m))
          m = 0.0f;
        yc[(size_t) oy * t->w + ox] = m;
      }
  }
}

void
yolor_maxpool_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *s = yolor_layer_src (net, l, 0);
  maxpool_loop q;
  q.x = yolor_layer_in (net, l, 0);
  q.t = yolor_layer_out (net, l);
  q.h = s ? s->h : net->in_h;
  q.w = s ? s->w : net->in_w;
  q.k = l->pool.size;
  q.st = l->pool.stride;
  q.off = l->pool.pad / 2;
  q.zero_pad = l->pool.zero_pad;
  q.separable = !q.zero_pad && q.st == 1 && q.t->h == q.h && q.t->w == q.w
      && q.k <= SEP_MAX_K && q.off < q.k && q.w <= SEP_MAX_W;
  yolor_parallel (net->n_threads, q.t->c, 1, maxpool_channels, &q);
}

void
yolor_avgpool_forward (yolor_net *net, const yolor_layer *l)
{
  const float *x = yolor_layer_in (net, l, 0);
  const yolor_tensor *s = yolor_layer_src (net, l, 0);
  const yolor_tensor *t = yolor_layer_out (net, l);
  size_t hw = s ? (size_t) s->h * s->w : (size_t) net->in_h * net->in_w;
  for (int c = 0; c < t->c; c++) {
    double acc = 0.0;
    for (size_t i = 0; i < hw; i++)
      acc += x[c * hw + i];
    t->out[c] = (float) (acc / (double) hw);
  }
}

int
yolor_maxpool_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  (void) o;
  /* YOLOR's padding is set by graph.c */
  if ((int64_t) ctx->h + l->pool.pad < l->pool.size
      || (int64_t) ctx->w + l->pool.pad < l->pool.size)
    return yolor_shape_fail (
        ctx, "input %dx%d is smaller than the pool", ctx->w, ctx->h);
  ctx->oc = ctx->c;
  ctx->oh =
      ((int64_t) ctx->h + l->pool.pad - l->pool.size) / l->pool.stride + 1;
  ctx->ow =
      ((int64_t) ctx->w + l->pool.pad - l->pool.size) / l->pool.stride + 1;
  return 0;
}

/* Global: one value per channel. */
int
yolor_avgpool_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  (void) l;
  (void) o;
  ctx->oc = ctx->c;
  ctx->oh = ctx->ow = 1;
  return 0;
}

void
yolor_maxpool_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  l->pool.stride = yolor_parse_int (c, "stride", 1, 1, 64);
  l->pool.size = yolor_parse_int (c, "size", l->pool.stride, 1, 64);
  l->pool.pad = yolor_parse_int (c, "padding", l->pool.size - 1, 0, 128);
  if (m->rules.torch_maxpool && l->pool.size == 2 && l->pool.stride == 1) {
    l->pool.zero_pad = 1; /* zero padding right/bottom */
    l->pool.pad = 1;
  } else if (m->rules.torch_maxpool) {
    l->pool.zero_pad = 0;
    l->pool.pad = 2 * ((l->pool.size - 1) / 2);
  }
}
