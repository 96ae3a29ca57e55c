/* [batchnorm]: y[c] = act ((x[c] − mean[c]) / sqrt (var[c] + eps) · gamma[c]
 * + beta[c]), channel by channel (darknet's layer, with an activation= key).
 * Folded at load to y[c] = act (s[c]·x[c] + b[c]). Its parameters are
 * read, made up and folded here; the scale computation serves the
 * convs' batch norm too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>

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
    if (l->bnorm.folded) {
      float s = l->bnorm.scale[c];
      for (int i = 0; i < q->hw; i++)
        y[i] = x[i] * s;
      yolor_act_row (y, y, q->hw, l->bnorm.bias[c], l->act);
    } else {
      float sd = sqrtf (l->bnorm.var[c] + q->eps);
      for (int i = 0; i < q->hw; i++)
        y[i] = yolor_act1 ((x[i] - l->bnorm.mean[c]) / sd * l->bnorm.gamma[c]
                + l->bnorm.bias[c],
            l->act);
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

void
yolor_bn_fold_scales (int n, float *bias, float **gamma, float **mean,
    float **var, double eps, double *s)
{
  for (int o = 0; o < n; o++) {
    s[o] = (*gamma)[o] / sqrt ((double) (*var)[o] + eps);
    bias[o] = (float) (bias[o] - (*mean)[o] * s[o]);
  }
  yolor_free (*gamma);
  yolor_free (*mean);
  yolor_free (*var);
  *gamma = *mean = *var = NULL;
}

/* darknet's order: beta, gamma, running mean, running variance; the
 * scales are made by folding */
int
yolor_batchnorm_param_arrays (yolor_layer *l, yolor_param_array *a)
{
  int64_t n = l->c;
  a[0] = (yolor_param_array){ "bias", &l->bnorm.bias, n, 0.0f, YOLOR_PARAM_FILE,
    1, 0 };
  a[1] = (yolor_param_array){ "batch-norm scale", &l->bnorm.gamma, n, 1.0f,
    YOLOR_PARAM_FILE, 1, 0 };
  a[2] = (yolor_param_array){ "batch-norm mean", &l->bnorm.mean, n, 0.0f,
    YOLOR_PARAM_FILE, 0, 0 };
  a[3] = (yolor_param_array){ "batch-norm variance", &l->bnorm.var, n, 1.0f,
    YOLOR_PARAM_FILE, 0, 1 };
  a[4] = (yolor_param_array){ "folded scale", &l->bnorm.scale, n, 0.0f,
    YOLOR_PARAM_MADE, 0, 0 };
  return 5;
}

void
yolor_batchnorm_synthetic (yolor_layer *l, uint64_t *rng)
{
  for (int f = 0; f < l->c; f++) {
    l->bnorm.bias[f] = 0.05f * yolor_synthetic_uniform (rng);
    l->bnorm.gamma[f] = 1.0f + 0.1f * yolor_synthetic_uniform (rng);
    l->bnorm.mean[f] = 0.05f * yolor_synthetic_uniform (rng);
    l->bnorm.var[f] = 1.0f + 0.1f * yolor_synthetic_uniform (rng);
  }
}

/* The scales s become the weights, the shifts the bias. */
void
yolor_batchnorm_fold (yolor_model *m, yolor_layer *l, yolor_fold_step step)
{
  double *s;
  if (step != YOLOR_FOLD_BN || l->bnorm.folded)
    return;
  if (!l->bnorm.scale
      && !(l->bnorm.scale = yolor_calloc ((size_t) l->c, sizeof (float))))
    return; /* stays unfolded: the forward pass reads bn_* */
  if (!(s = malloc (sizeof (double) * (size_t) l->c)))
    return;
  yolor_bn_fold_scales (l->c, l->bnorm.bias, &l->bnorm.gamma, &l->bnorm.mean,
      &l->bnorm.var, m->rules.bn_eps, s);
  l->bnorm.folded = 1;
  for (int o = 0; o < l->c; o++)
    l->bnorm.scale[o] = (float) s[o];
  free (s);
}
