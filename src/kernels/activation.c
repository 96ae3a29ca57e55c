/* Bias, batch norm and activation epilogues.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "kernels.h"

void
YOLOR_KFN (yolor_bias_act) (
    int n_threads, float *y, int C, int hw, const float *bias, yolor_act act)
{
  (void) n_threads;
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (int c = 0; c < C; c++) {
    float *p = y + (size_t) c * hw;
    yolor_act_row (p, p, hw, bias ? bias[c] : 0.0f, act);
  }
}

void
YOLOR_KFN (yolor_bn_act) (int n_threads, float *y, int C, int hw,
    const float *gamma, const float *beta, const float *mean, const float *var,
    float eps, yolor_act act)
{
  (void) n_threads;
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (int c = 0; c < C; c++) {
    float *p = y + (size_t) c * hw;
    float sd = sqrtf (var[c] + eps);
    for (int i = 0; i < hw; i++)
      p[i] = yolor_act1 ((p[i] - mean[c]) / sd * gamma[c] + beta[c], act);
  }
}

void
YOLOR_KFN (yolor_act_apply) (int n_threads, float *y, size_t n, yolor_act act)
{
  (void) n_threads;
  if (act == YOLOR_ACT_LINEAR)
    return;
#pragma omp parallel for num_threads(n_threads) schedule(static)
  for (size_t i = 0; i < n; i++)
    y[i] = yolor_act1 (y[i], act);
}
