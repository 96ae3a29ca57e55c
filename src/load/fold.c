/* Load-time folding, so that batch norm and implicit knowledge cost nothing
 * per frame.
 *
 * Batch norm: s = gamma / sqrt(var + eps); W' = s[o]·W; b' = beta − mean·s
 * (eps 1e-4 for the YOLOR flavour, 1e-5 for darknet, 1e-3 for the paper's).
 * A [batchnorm] layer keeps s as its weights and b' as its bias.
 *
 * Implicit knowledge (the YOLOR paper's Eq. 9 and 10): a head is
 *   y = M ⊙ (W (x + A) + b)
 * with A an implicit_add combined by shift_channels before a 1x1 conv and M
 * an implicit_mul combined by control_channels after it. Then
 *   W'' = M[o]·W[o,i]   and   b'' = M[o]·(b[o] + Σ_i W[o,i]·A[i]).
 * The add folds only into a conv with no spatial padding (1x1), the mul into
 * any conv with a linear activation; each fold needs the intermediate tensor
 * to have no other reader. The folded shift/control layers become aliases.
 *
 * Implicit knowledge by a neural network (the paper's g(z) = W z) and by
 * matrix factorization (Zᵀc: a conv over the atoms of a *_2d implicit): a
 * conv whose input is an implicit layer gives the same output every frame.
 * It is computed once, and the conv becomes an implicit layer holding that
 * output, which the folds above then take like any other (a *_2d consumer
 * reads it flattened, as it would the conv's output).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "kernels/kernels.h"

/* s[o] = gamma / sqrt(var + eps) of @l into @s; its bias becomes the
 * shift beta − mean·s. */
static void
bn_scales (yolor_layer *l, double eps, double *s)
{
  for (int o = 0; o < l->filters; o++) {
    s[o] = l->bn_gamma[o] / sqrt ((double) l->bn_var[o] + eps);
    l->bias[o] = (float) (l->bias[o] - l->bn_mean[o] * s[o]);
  }
}

void
yolor_fold_bn (yolor_model *m)
{
  double eps = m->rules.bn_eps;
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    int conv = l->ops->kind == YOLOR_LAYER_CONV;
    int64_t per;
    double *s;
    if (!(conv || l->ops->kind == YOLOR_LAYER_BATCHNORM) || !l->bn
        || l->bn_folded)
      continue;
    s = malloc (sizeof (double) * (size_t) l->filters);
    if (!s
        || (!conv && !l->weights
            && !(l->weights =
                     yolor_calloc ((size_t) l->filters, sizeof (float))))) {
      free (s);
      continue; /* stays unfolded: the forward pass reads bn_* */
    }
    bn_scales (l, eps, s);
    per = (int64_t) (l->c_in / (l->groups ? l->groups : 1)) * l->size * l->size;
    for (int o = 0; o < l->filters; o++) {
      if (conv) {
        float *w = l->weights + o * per;
        for (int64_t k = 0; k < per; k++)
          w[k] = (float) (w[k] * s[o]);
      } else
        l->weights[o] = (float) s[o];
    }
    free (s);
    yolor_free (l->bn_gamma);
    yolor_free (l->bn_mean);
    yolor_free (l->bn_var);
    l->bn_gamma = l->bn_mean = l->bn_var = NULL;
    l->bn_folded = 1;
  }
}

/* Number of layers that read layer @idx. */
static int
n_readers (const yolor_model *m, int idx)
{
  int n = 0;
  for (int j = idx + 1; j < m->n_layers; j++)
    for (int k = 0; k < m->layers[j].n_in; k++)
      if (m->layers[j].in[k] == idx)
        n++;
  return n;
}

static const yolor_layer *
implicit_src (const yolor_model *m, const yolor_layer *ch)
{
  const yolor_layer *a = &m->layers[ch->in[1]];
  return a->ops->kind == YOLOR_LAYER_IMPLICIT ? a : NULL;
}

static int
is_foldable_conv (const yolor_layer *k)
{
  return k->ops->kind == YOLOR_LAYER_CONV && k->act == YOLOR_ACT_LINEAR
      && (!k->bn || k->bn_folded);
}

/* The conv @k on the constant input @z (zc x zh x 1: an implicit vector,
 * or the atoms x filters of a *_2d one) into @out (k->filters x oh, one
 * column): of the kernel's columns only the centre one (pad) reads the
 * input's one column, the others read the zero padding. */
static void
conv_of_implicit (
    const yolor_layer *k, const float *z, int zh, int oh, float *out)
{
  int cpg = k->c_in / k->groups, opg = k->filters / k->groups;
  for (int o = 0; o < k->filters; o++)
    for (int oy = 0; oy < oh; oy++) {
      double acc = k->bias[o];
      for (int c = 0; c < cpg; c++) {
        const float *zc = z + (size_t) ((o / opg) * cpg + c) * zh;
        const float *w =
            k->weights + ((size_t) o * cpg + c) * k->size * k->size;
        for (int ky = 0; ky < k->size; ky++) {
          int iy = oy * k->stride - k->pad + ky;
          if (iy >= 0 && iy < zh)
            acc += (double) w[ky * k->size + k->pad] * zc[iy];
        }
      }
      out[(size_t) o * oh + oy] = yolor_act1 ((float) acc, k->act);
    }
}

/* Convs of an implicit layer (the paper's W z, and the conv c of Zᵀc on the
 * atoms of a *_2d one) into implicit layers holding their output. */
static void
fold_convs_of_implicit (yolor_model *m)
{
  const yolor_layer_ops *vector = yolor_layer_ops_find ("implicit_add");
  const yolor_layer_ops *matrix = yolor_layer_ops_find ("implicit_add_2d");
  if (!vector || !matrix)
    return;
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *k = &m->layers[i];
    const yolor_layer *z;
    int zh, oh;
    float *v;
    if (k->ops->kind != YOLOR_LAYER_CONV || (k->bn && !k->bn_folded)
        || k->n_in != 1 || k->in[0] < 0 || k->stride < 1)
      continue;
    z = &m->layers[k->in[0]];
    if (z->ops->kind != YOLOR_LAYER_IMPLICIT)
      continue;
    /* the input is zc x zh x 1; the output must be one column too */
    zh = z->atoms ? z->filters : 1;
    if (k->pad >= k->size || 1 + 2 * k->pad < k->size
        || (1 + 2 * k->pad - k->size) / k->stride + 1 != 1
        || zh + 2 * k->pad < k->size)
      continue;
    oh = (zh + 2 * k->pad - k->size) / k->stride + 1;
    v = yolor_malloc (sizeof (float) * (size_t) k->filters * (size_t) oh);
    if (!v)
      continue; /* out of memory: it stays a conv, computed every frame */
    conv_of_implicit (k, z->param, zh, oh, v);
    yolor_free (k->weights);
    yolor_free (k->bias);
    k->weights = k->bias = NULL;
    k->param = v;
    k->n_in = 0;
    if (z->atoms || oh != 1) {
      /* a matrix, k->filters x oh x 1, as the conv's output */
      k->atoms = k->filters;
      k->filters = oh;
      k->ops = matrix;
    } else {
      k->atoms = 0;
      k->ops = vector;
    }
    k->folded = 1;
    yolor_log (&m->opts, YOLOR_LOG_DEBUG,
        "computed conv %d of implicit layer %d once: it is now an implicit "
        "%s",
        k->index, z->index, k->atoms ? "matrix" : "vector");
  }
}

void
yolor_fold_implicit (yolor_model *m)
{
  fold_convs_of_implicit (m);
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *k = &m->layers[i];
    int per;
    if (!is_foldable_conv (k) || k->in[0] < 0)
      continue;
    per = (k->c_in / k->groups) * k->size * k->size;

    /* shift (add) before a 1x1 conv without padding */
    {
      yolor_layer *s = &m->layers[k->in[0]];
      const yolor_layer *a;
      if (s->ops->kind == YOLOR_LAYER_CHANNELS
          && s->ops->variant == YOLOR_CH_SHIFT && !s->folded && k->size == 1
          && k->pad == 0 && (a = implicit_src (m, s))
          && n_readers (m, s->index) == 1) {
        int cpg = k->c_in / k->groups;
        int opg = k->filters / k->groups;
        for (int o = 0; o < k->filters; o++) {
          const float *w = k->weights + (size_t) o * per;
          const float *av = a->param + (o / opg) * cpg;
          double acc = k->bias[o];
          for (int c = 0; c < cpg; c++)
            acc += (double) w[c] * av[c];
          k->bias[o] = (float) acc;
        }
        s->folded = 1;
        yolor_log (&m->opts, YOLOR_LOG_DEBUG,
            "folded implicit layer %d (via %d) "
            "into conv %d",
            a->index, s->index, k->index);
      }
    }

    /* control (mul) after a linear conv whose output only it reads */
    for (int j = i + 1; j < m->n_layers; j++) {
      yolor_layer *ctl = &m->layers[j];
      const yolor_layer *a;
      if (ctl->ops->kind != YOLOR_LAYER_CHANNELS
          || ctl->ops->variant != YOLOR_CH_CONTROL || ctl->in[0] != i
          || ctl->folded || !(a = implicit_src (m, ctl))
          || n_readers (m, i) != 1)
        continue;
      for (int o = 0; o < k->filters; o++) {
        float *w = k->weights + (size_t) o * per;
        for (int c = 0; c < per; c++)
          w[c] *= a->param[o];
        k->bias[o] *= a->param[o];
      }
      ctl->folded = 1;
      yolor_log (&m->opts, YOLOR_LOG_DEBUG,
          "folded implicit layer %d (via %d) "
          "into conv %d",
          a->index, ctl->index, k->index);
      break;
    }
  }
}
