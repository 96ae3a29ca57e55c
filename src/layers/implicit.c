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
