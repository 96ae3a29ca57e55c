/* Deterministic synthetic parameters, for measuring an architecture without
 * its weights file. Conv weights ~ U(−1, 1)·sqrt(3/fan_in) keep activations
 * bounded; BN near identity; implicit values near their identities.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "yolor-private.h"

static float
next_uniform (uint64_t *s)
{
  /* xorshift64*: top 24 bits → [−1, 1) */
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (float) (((*s * 2685821657736338717ULL) >> 40) / 8388608.0 - 1.0);
}

void
yolor_weights_synthetic (yolor_model *m, uint32_t seed)
{
  uint64_t s = 0x9E3779B97F4A7C15ULL ^ seed;
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    if (l->ops->kind == YOLOR_LAYER_BATCHNORM) {
      for (int f = 0; f < l->filters; f++) {
        l->bias[f] = 0.05f * next_uniform (&s);
        l->bn_gamma[f] = 1.0f + 0.1f * next_uniform (&s);
        l->bn_mean[f] = 0.05f * next_uniform (&s);
        l->bn_var[f] = 1.0f + 0.1f * next_uniform (&s);
      }
    } else if (l->ops->kind == YOLOR_LAYER_CONV) {
      int64_t per = (int64_t) (l->c_in / l->groups) * l->size * l->size;
      float scale = sqrtf (3.0f / (float) per);
      for (int64_t k = 0; k < per * l->filters; k++)
        l->weights[k] = next_uniform (&s) * scale;
      for (int f = 0; f < l->filters; f++) {
        l->bias[f] = 0.05f * next_uniform (&s);
        if (l->bn) {
          l->bn_gamma[f] = 1.0f + 0.1f * next_uniform (&s);
          l->bn_mean[f] = 0.05f * next_uniform (&s);
          l->bn_var[f] = 1.0f + 0.1f * next_uniform (&s);
        }
      }
    } else if (l->ops->kind == YOLOR_LAYER_IMPLICIT) {
      for (int64_t k = 0; k < yolor_implicit_count (l); k++)
        l->param[k] += 0.02f * next_uniform (&s);
    }
  }
}
