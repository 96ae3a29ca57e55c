/* The consumers of implicit knowledge: shift/control/select/alternate
 * channels (and their _2d forms, which read the flattened atom-major
 * parameter), and darknet's scale_channels. The implicit_* layers themselves
 * have no forward pass: their output is their parameter.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kernels/kernels.h"

void
yolor_channels_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *t = yolor_layer_out (net, l);
  const float *x = yolor_layer_in (net, l, 0);
  const float *a = yolor_layer_in (net, l, 1);
  const yolor_tensor *as = yolor_layer_src (net, l, 1);
  size_t hw = (size_t) t->h * t->w;
  int ac = as ? as->c : 3;
  int nt = net->n_threads;
  (void) nt;

  if (l->ops->variant == YOLOR_CH_ALTERNATE) {
    for (int c = 0; c < ac; c++)
      for (size_t i = 0; i < hw; i++)
        t->out[c * hw + i] = a[c];
    memcpy (t->out + ac * hw, x, (size_t) (t->c - ac) * hw * sizeof (float));
    return;
  }
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int c = 0; c < t->c; c++) {
    const float *xc = x + c * hw;
    float *yc = t->out + c * hw;
    float v = a[c];
    switch (l->ops->variant) {
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
