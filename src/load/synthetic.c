/* Deterministic synthetic parameters, for measuring an architecture without
 * its weights file: each kind's synthetic slot draws its layer's values
 * from one stream, layer after layer (conv weights ~ U(−1, 1)·sqrt(3/fan_in)
 * keep activations bounded; BN near identity; implicit values near their
 * identities).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-private.h"

float
yolor_synthetic_uniform (uint64_t *s)
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
  for (int i = 0; i < m->n_layers; i++)
    if (m->layers[i].ops->synthetic)
      m->layers[i].ops->synthetic (&m->layers[i], &s);
}
