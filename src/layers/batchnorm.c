/* [batchnorm]: y[c] = act ((x[c] − mean[c]) / sqrt (var[c] + eps) · gamma[c]
 * + beta[c]), channel by channel (darknet's layer, with an activation= key).
 * Folded at load to y[c] = act (s[c]·x[c] + b[c]).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "kernels/kernels.h"

typedef struct
{
  const float *x;
  float *y;
  const yolor_layer *l;
  int hw;
  float eps;
} bn_loop;

/* Channels [lo, hi). */
static void
bn_channels (void *data, long lo, long hi, int worker)
{
  const bn_loop *q = data;
  const yolor_layer *l = q->l;
  (void) worker;
  for (long c = lo; c < hi; c++) {
    const float *x = q->x + (size_t) c * q->hw;
    float *y = q->y + (size_t) c * q->hw;
    if (l->bn_folded) {
      float s = l->weights[c];
      for (int i = 0; i < q->hw; i++)
        y[i] = x[i] * s;
      yolor_act_row (y, y, q->hw, l->bias[c], l->act);
    } else {
      float sd = sqrtf (l->bn_var[c] + q->eps);
      for (int i = 0; i < q->hw; i++)
        y[i] = yolor_act1 (
            (x[i] - l->bn_mean[c]) / sd * l->bn_gamma[c] + l->bias[c], l->act);
    }
  }
}

void
yolor_batchnorm_forward (yolor_net *net, const yolor_layer *l)
{
  const yolor_tensor *t = yolor_layer_out (net, l);
  bn_loop q = { yolor_layer_in (net, l, 0), t->out, l, t->h * t->w,
    (float) net->model->rules.bn_eps };
  yolor_parallel (net->n_threads, t->c, 1, bn_channels, &q);
}

void
yolor_batchnorm_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  (void) m;
  l->act = yolor_parse_act (c, YOLOR_ACT_LINEAR);
}
