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
 * Each kind's fold slot does its part (src/layers/conv-fold.c,
 * batchnorm.c); the steps run in the order of yolor_fold_step, each over
 * every layer, so that a conv computed from an implicit vector is one
 * before any fold reads it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-private.h"

int
yolor_fold_readers (const yolor_model *m, int idx)
{
  int n = 0;
  for (int j = idx + 1; j < m->n_layers; j++)
    for (int k = 0; k < m->layers[j].n_in; k++)
      if (m->layers[j].in[k] == idx)
        n++;
  return n;
}

void
yolor_fold (yolor_model *m)
{
  for (int step = 0; step < YOLOR_FOLD_STEPS; step++)
    for (int i = 0; i < m->n_layers; i++)
      if (m->layers[i].ops->fold)
        m->layers[i].ops->fold (m, &m->layers[i], (yolor_fold_step) step);
}
