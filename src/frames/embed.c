/* Per-object embeddings: the embedding layer's feature map (by default the
 * shared representation entering the first head's last k>1 conv) averaged
 * over the cells the detection box covers, then L2-normalised.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <float.h>
#include <math.h>

#include "postprocess.h"

static int
clampi (int v, int lo, int hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

/* A grid coordinate as an int; NaN and infinities (overflowed boxes) land
 * outside the grid, where clampi() puts them on the border. */
static int
cell (float v, int n)
{
  if (!(v >= 0.0f))
    return -1;
  return v > (float) n ? n + 1 : (int) v;
}

void
yolor_embed (yolor_net *net, const yolor_candidate *c, const int *keep, int n)
{
  const yolor_tensor *e = &net->t[net->model->embed_layer];
  int dim = e->c;
  size_t plane = (size_t) e->h * e->w;
  float fx = (float) e->w / (float) net->in_w;
  float fy = (float) e->h / (float) net->in_h;

  if (n > YOLOR_MAX_EMBEDDINGS)
    n = YOLOR_MAX_EMBEDDINGS; /* the storage yolor_post_prepare () made */
  net->n_embed = n;
  for (int i = 0; i < n; i++) {
    const yolor_candidate *k = &c[keep[i]];
    float *v = net->embed + (size_t) i * dim;
    int x0 = clampi (cell (floorf (k->x1 * fx), e->w), 0, e->w - 1);
    int y0 = clampi (cell (floorf (k->y1 * fy), e->h), 0, e->h - 1);
    int x1 = clampi (cell (ceilf (k->x2 * fx), e->w), x0 + 1, e->w);
    int y1 = clampi (cell (ceilf (k->y2 * fy), e->h), y0 + 1, e->h);
    double norm = 0.0;
    float inv = 1.0f / (float) ((x1 - x0) * (y1 - y0));
    for (int ch = 0; ch < dim; ch++) {
      const float *f = e->out + ch * plane;
      double acc = 0.0;
      for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
          acc += f[(size_t) y * e->w + x];
      /* absurd weights can make features infinite or NaN: NaN counts as 0
       * and the mean saturates, so that every row is finite */
      if (isnan (acc))
        acc = 0.0;
      acc = acc < FLT_MAX ? (acc > -FLT_MAX ? acc : -FLT_MAX) : FLT_MAX;
      v[ch] = (float) acc * inv;
      norm += (double) v[ch] * v[ch];
    }
    norm = sqrt (norm);
    for (int ch = 0; ch < dim; ch++)
      v[ch] = norm > 1e-12 ? (float) (v[ch] / norm) : 0.0f;
  }
}
