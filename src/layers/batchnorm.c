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

void
yolor_bn_fold_scales (yolor_layer *l, double eps, double *s)
{
  for (int o = 0; o < l->filters; o++) {
    s[o] = l->bn_gamma[o] / sqrt ((double) l->bn_var[o] + eps);
    l->bias[o] = (float) (l->bias[o] - l->bn_mean[o] * s[o]);
  }
  yolor_free (l->bn_gamma);
  yolor_free (l->bn_mean);
  yolor_free (l->bn_var);
  l->bn_gamma = l->bn_mean = l->bn_var = NULL;
  l->bn_folded = 1;
}

void
yolor_batchnorm_channels (yolor_layer *l, const yolor_tensor *t)
{
  (void) t;
  l->filters = l->c;
  l->bn = 1;
}

/* darknet's order: beta, gamma, running mean, running variance; the
 * scales are made by folding */
int
yolor_batchnorm_params (yolor_layer *l, yolor_param_array *a)
{
  int64_t n = l->c;
  a[0] =
      (yolor_param_array){ "bias", &l->bias, n, 0.0f, YOLOR_PARAM_FILE, 1, 0 };
  a[1] = (yolor_param_array){ "batch-norm scale", &l->bn_gamma, n, 1.0f,
    YOLOR_PARAM_FILE, 1, 0 };
  a[2] = (yolor_param_array){ "batch-norm mean", &l->bn_mean, n, 0.0f,
    YOLOR_PARAM_FILE, 0, 0 };
  a[3] = (yolor_param_array){ "batch-norm variance", &l->bn_var, n, 1.0f,
    YOLOR_PARAM_FILE, 0, 1 };
  a[4] = (yolor_param_array){ "folded scale", &l->weights, n, 0.0f,
    YOLOR_PARAM_MADE, 0, 0 };
  return 5;
}

void
yolor_batchnorm_synthetic (yolor_layer *l, uint64_t *rng)
{
  for (int f = 0; f < l->filters; f++) {
    l->bias[f] = 0.05f * yolor_synthetic_uniform (rng);
    l->bn_gamma[f] = 1.0f + 0.1f * yolor_synthetic_uniform (rng);
    l->bn_mean[f] = 0.05f * yolor_synthetic_uniform (rng);
    l->bn_var[f] = 1.0f + 0.1f * yolor_synthetic_uniform (rng);
  }
}

/* The scales s become the weights, the shifts the bias. */
void
yolor_batchnorm_fold (yolor_model *m, yolor_layer *l, yolor_fold_step step)
{
  double *s;
  if (step != YOLOR_FOLD_BN || l->bn_folded)
    return;
  if (!l->weights
      && !(l->weights = yolor_calloc ((size_t) l->filters, sizeof (float))))
    return; /* stays unfolded: the forward pass reads bn_* */
  if (!(s = malloc (sizeof (double) * (size_t) l->filters)))
    return;
  yolor_bn_fold_scales (l, m->rules.bn_eps, s);
  for (int o = 0; o < l->filters; o++)
    l->weights[o] = (float) s[o];
  free (s);
}
