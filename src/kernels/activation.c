/* Bias, batch norm and activation epilogues.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "kernels.h"

/* Values per chunk of a loop over single values, at least. */
#define ACT_GRAIN 4096

typedef struct
{
  float *y;
  int hw;
  const float *bias, *gamma, *beta, *mean, *var;
  float eps;
  yolor_act act;
} act_loop;

static void
bias_act_channels (void *data, long lo, long hi, int worker)
{
  const act_loop *q = data;
  (void) worker;
  for (long c = lo; c < hi; c++) {
    float *p = q->y + (size_t) c * q->hw;
    yolor_act_row (p, p, q->hw, q->bias ? q->bias[c] : 0.0f, q->act);
  }
}

void
YOLOR_KFN (yolor_bias_act) (
    int n_threads, float *y, int C, int hw, const float *bias, yolor_act act)
{
  act_loop q = { y, hw, bias, NULL, NULL, NULL, NULL, 0.0f, act };
  yolor_parallel (
      n_threads, C, ACT_GRAIN / (hw > 0 ? hw : 1), bias_act_channels, &q);
}

static void
bn_act_channels (void *data, long lo, long hi, int worker)
{
  const act_loop *q = data;
  (void) worker;
  for (long c = lo; c < hi; c++) {
    float *p = q->y + (size_t) c * q->hw;
    float sd = sqrtf (q->var[c] + q->eps);
    for (int i = 0; i < q->hw; i++)
      p[i] = yolor_act1 (
          (p[i] - q->mean[c]) / sd * q->gamma[c] + q->beta[c], q->act);
  }
}

void
YOLOR_KFN (yolor_bn_act) (int n_threads, float *y, int C, int hw,
    const float *gamma, const float *beta, const float *mean, const float *var,
    float eps, yolor_act act)
{
  act_loop q = { y, hw, NULL, gamma, beta, mean, var, eps, act };
  yolor_parallel (
      n_threads, C, ACT_GRAIN / (hw > 0 ? hw : 1), bn_act_channels, &q);
}

static void
act_values (void *data, long lo, long hi, int worker)
{
  const act_loop *q = data;
  (void) worker;
  for (long i = lo; i < hi; i++)
    q->y[i] = yolor_act1 (q->y[i], q->act);
}

void
YOLOR_KFN (yolor_act_apply) (int n_threads, float *y, size_t n, yolor_act act)
{
  act_loop q = { y, 0, NULL, NULL, NULL, NULL, NULL, 0.0f, act };
  if (act == YOLOR_ACT_LINEAR)
    return;
  yolor_parallel (n_threads, (long) n, ACT_GRAIN, act_values, &q);
}
