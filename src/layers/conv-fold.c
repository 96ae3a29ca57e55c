/* The fold slot of [convolutional] (see src/load/fold.c for the steps and
 * the formulas): its batch norm into its weights; a conv of an implicit
 * layer computed once, becoming an implicit layer; implicit knowledge on
 * either side folded into its weights and bias.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>

#include "kernels/kernels.h"

/* W' = s[o]·W and b' = beta − mean·s. */
static void
fold_bn (yolor_model *m, yolor_layer *l)
{
  int64_t per =
      (int64_t) (l->conv.c_in / l->conv.groups) * l->conv.size * l->conv.size;
  double *s;
  if (!l->conv.bn || l->conv.bn_folded
      || !(s = malloc (sizeof (double) * (size_t) l->conv.filters)))
    return; /* stays unfolded: the forward pass reads bn_* */
  yolor_bn_fold_scales (l->conv.filters, l->conv.bias, &l->conv.bn_gamma,
      &l->conv.bn_mean, &l->conv.bn_var, m->rules.bn_eps, s);
  l->conv.bn_folded = 1;
  for (int o = 0; o < l->conv.filters; o++) {
    float *w = l->conv.weights + o * per;
    for (int64_t k = 0; k < per; k++)
      w[k] = (float) (w[k] * s[o]);
  }
  free (s);
}

static const yolor_layer *
implicit_src (const yolor_model *m, const yolor_layer *ch)
{
  const yolor_layer *a = &m->layers[ch->in[1]];
  return a->ops->kind == YOLOR_LAYER_IMPLICIT ? a : NULL;
}

/* The conv @k on the constant input @z (zc x zh x 1: an implicit vector,
 * or the atoms x filters of a *_2d one) into @out (k->conv.filters x oh, one
 * column): of the kernel's columns only the centre one (pad) reads the
 * input's one column, the others read the zero padding. */
static void
conv_of_implicit (
    const yolor_layer *k, const float *z, int zh, int oh, float *out)
{
  int cpg = k->conv.c_in / k->conv.groups,
      opg = k->conv.filters / k->conv.groups;
  for (int o = 0; o < k->conv.filters; o++)
    for (int oy = 0; oy < oh; oy++) {
      double acc = k->conv.bias[o];
      for (int c = 0; c < cpg; c++) {
        const float *zc = z + (size_t) ((o / opg) * cpg + c) * zh;
        const float *w = k->conv.weights
            + ((size_t) o * cpg + c) * k->conv.size * k->conv.size;
        for (int ky = 0; ky < k->conv.size; ky++) {
          int iy = oy * k->conv.stride - k->conv.pad + ky;
          if (iy >= 0 && iy < zh)
            acc += (double) w[ky * k->conv.size + k->conv.pad] * zc[iy];
        }
      }
      out[(size_t) o * oh + oy] = yolor_act1 ((float) acc, k->act);
    }
}

/* A conv of an implicit layer (the paper's W z, and the conv c of Zᵀc on
 * the atoms of a *_2d one) into an implicit layer holding its output. */
static void
fold_constant (yolor_model *m, yolor_layer *k)
{
  const yolor_layer_ops *vector = yolor_layer_ops_find ("implicit_add");
  const yolor_layer_ops *matrix = yolor_layer_ops_find ("implicit_add_2d");
  const yolor_layer *z;
  int zh, oh, filters, matrix_out;
  float *v;
  if (!vector || !matrix || (k->conv.bn && !k->conv.bn_folded) || k->n_in != 1
      || k->in[0] < 0 || k->conv.stride < 1)
    return;
  z = &m->layers[k->in[0]];
  if (z->ops->kind != YOLOR_LAYER_IMPLICIT)
    return;
  /* the input is zc x zh x 1; the output must be one column too */
  zh = z->implicit.atoms ? z->implicit.filters : 1;
  if (k->conv.pad >= k->conv.size || 1 + 2 * k->conv.pad < k->conv.size
      || (1 + 2 * k->conv.pad - k->conv.size) / k->conv.stride + 1 != 1
      || zh + 2 * k->conv.pad < k->conv.size)
    return;
  oh = (zh + 2 * k->conv.pad - k->conv.size) / k->conv.stride + 1;
  v = yolor_malloc (sizeof (float) * (size_t) k->conv.filters * (size_t) oh);
  if (!v)
    return; /* out of memory: it stays a conv, computed every frame */
  conv_of_implicit (k, z->implicit.param, zh, oh, v);
  filters = k->conv.filters;
  matrix_out = z->implicit.atoms || oh != 1;
  yolor_free (k->conv.weights);
  yolor_free (k->conv.bias);
  /* no packed weights yet: folding comes before packing */
  k->implicit = (yolor_implicit_params){ 0 };
  k->implicit.param = v;
  if (matrix_out) {
    /* a matrix, filters x oh x 1, as the conv's output */
    k->implicit.atoms = filters;
    k->implicit.filters = oh;
    k->ops = matrix;
  } else {
    k->implicit.filters = filters;
    k->ops = vector;
  }
  k->n_in = 0;
  k->folded = 1;
  yolor_log (&m->opts, YOLOR_LOG_DEBUG,
      "computed conv %d of implicit layer %d once: it is now an implicit %s",
      k->index, z->index, matrix_out ? "matrix" : "vector");
}

/* b'' = b + Σ_i W[o,i]·A[i] for a shift before a 1x1 conv without padding,
 * W'' = M[o]·W, b'' = M[o]·b for a control after a linear conv whose
 * output only it reads. */
static void
fold_implicit (yolor_model *m, yolor_layer *k)
{
  int i = k->index, per;
  if (k->act != YOLOR_ACT_LINEAR || (k->conv.bn && !k->conv.bn_folded)
      || k->in[0] < 0)
    return;
  per = (k->conv.c_in / k->conv.groups) * k->conv.size * k->conv.size;

  /* shift (add) before a 1x1 conv without padding */
  {
    yolor_layer *s = &m->layers[k->in[0]];
    const yolor_layer *a;
    if (s->ops->kind == YOLOR_LAYER_CHANNELS
        && s->ops->variant == YOLOR_CH_SHIFT && !s->folded && k->conv.size == 1
        && k->conv.pad == 0 && (a = implicit_src (m, s))
        && yolor_fold_readers (m, s->index) == 1) {
      int cpg = k->conv.c_in / k->conv.groups;
      int opg = k->conv.filters / k->conv.groups;
      for (int o = 0; o < k->conv.filters; o++) {
        const float *w = k->conv.weights + (size_t) o * per;
        const float *av = a->implicit.param + (o / opg) * cpg;
        double acc = k->conv.bias[o];
        for (int c = 0; c < cpg; c++)
          acc += (double) w[c] * av[c];
        k->conv.bias[o] = (float) acc;
      }
      s->folded = 1;
      yolor_log (&m->opts, YOLOR_LOG_DEBUG,
          "folded implicit layer %d (via %d) into conv %d", a->index, s->index,
          k->index);
    }
  }

  /* control (mul) after a linear conv whose output only it reads */
  for (int j = i + 1; j < m->n_layers; j++) {
    yolor_layer *ctl = &m->layers[j];
    const yolor_layer *a;
    if (ctl->ops->kind != YOLOR_LAYER_CHANNELS
        || ctl->ops->variant != YOLOR_CH_CONTROL || ctl->in[0] != i
        || ctl->folded || !(a = implicit_src (m, ctl))
        || yolor_fold_readers (m, i) != 1)
      continue;
    for (int o = 0; o < k->conv.filters; o++) {
      float *w = k->conv.weights + (size_t) o * per;
      for (int c = 0; c < per; c++)
        w[c] *= a->implicit.param[o];
      k->conv.bias[o] *= a->implicit.param[o];
    }
    ctl->folded = 1;
    yolor_log (&m->opts, YOLOR_LOG_DEBUG,
        "folded implicit layer %d (via %d) into conv %d", a->index, ctl->index,
        k->index);
    break;
  }
}

void
yolor_conv_fold (yolor_model *m, yolor_layer *l, yolor_fold_step step)
{
  switch (step) {
    case YOLOR_FOLD_BN:
      fold_bn (m, l);
      break;
    case YOLOR_FOLD_CONSTANT:
      fold_constant (m, l);
      break;
    case YOLOR_FOLD_IMPLICIT:
      fold_implicit (m, l);
      break;
    default:
      break;
  }
}
