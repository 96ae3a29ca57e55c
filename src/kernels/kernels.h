/* Compute kernels. Every kernel takes the thread count of its net; OpenMP
 * regions live only in src/kernels/ and src/layers/.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_KERNELS_H
#define YOLOR_KERNELS_H

#include <math.h>

#include "yolor-private.h"

/* C[M][N] (+)= A[M][K] · B[K][N], row-major with leading dimensions.
 * The only BLAS call site. Must not be called inside an OpenMP region. */
void yolor_gemm (int n_threads, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, int accumulate);

/* Plain triple loop (double accumulation), the reference for tests. */
void yolor_gemm_ref (int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, int accumulate);

/* Column matrix for a k×k conv: col[(c·k + ky)·k + kx][oy·ow + ox]. */
void yolor_im2col (int n_threads, const float *x, int c, int h, int w, int k,
    int stride, int pad, int oh, int ow, float *col);

/* Depthwise k×k conv (one filter per channel) with fused bias (may be NULL)
 * and activation: y[c] = act (x[c] ⋆ wt[c] + bias[c]). */
void yolor_depthwise (int n_threads, const float *x, int c, int h, int w,
    const float *wt, int k, int stride, int pad, int oh, int ow,
    const float *bias, yolor_act act, float *y);

/* Direct conv, the reference for tests: y[o] = Σ x ⋆ w, no bias. */
void yolor_conv_ref (const float *x, int c_in, int h, int w, const float *wt,
    int c_out, int k, int stride, int pad, int groups, int oh, int ow,
    float *y);

/* y[c][i] = act(y[c][i] + bias[c]) for c < C, i < hw. bias may be NULL. */
void yolor_bias_act (int n_threads, float *y, int C, int hw,
    const float *bias, yolor_act act);

/* y[c][i] = act((y − mean)/sqrt(var + eps)·gamma + beta): unfolded BN. */
void yolor_bn_act (int n_threads, float *y, int C, int hw, const float *gamma,
    const float *beta, const float *mean, const float *var, float eps,
    yolor_act act);

/* In-place activation of n values. */
void yolor_act_apply (int n_threads, float *y, size_t n, yolor_act act);

/* Scalar activation (also used by the kernels above). */
static inline float
yolor_sigmoid (float x)
{
  return 1.0f / (1.0f + __builtin_expf (-x));
}

/* exp(x) without branches, so that loops over it vectorize: Cody-Waite range
 * reduction and a degree-7 polynomial, within 2 ulp of expf over the
 * clamped range [-87.3, 88.7] (outside it the result saturates). */
static inline float
yolor_expf (float x)
{
  float fx, r, p, n;
  int32_t ni;
  union
  {
    int32_t i;
    float f;
  } s;
  x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
  fx = x * 1.44269504088896341f + 0.5f;
  ni = (int32_t) fx;
  ni -= (float) ni > fx;
  n = (float) ni;
  r = x - n * 0.693359375f + n * 2.12194440e-4f;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  s.i = (ni + 127) << 23;
  return p * s.f;
}

/* Scalar activation. */
static inline float
yolor_act1 (float x, yolor_act act)
{
  switch (act) {
    case YOLOR_ACT_LINEAR:
      return x;
    case YOLOR_ACT_LEAKY:
      return x > 0.0f ? x : 0.1f * x;
    case YOLOR_ACT_RELU:
      return x > 0.0f ? x : 0.0f;
    case YOLOR_ACT_RELU6:
      return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case YOLOR_ACT_LOGISTIC:
      return 1.0f / (1.0f + yolor_expf (-x));
    case YOLOR_ACT_SILU:
      return x / (1.0f + yolor_expf (-x));
    case YOLOR_ACT_MISH:{
      /* x·tanh(softplus(x)) = x·n/(n + 2) with n = e^x·(e^x + 2); above 20
       * softplus is x itself, as in PyTorch */
      float e = yolor_expf (x > 20.0f ? 20.0f : x);
      float n = e * (e + 2.0f);
      return x > 20.0f ? x * tanhf (x) : x * n / (n + 2.0f);
    }
    case YOLOR_ACT_TANH:
      return tanhf (x);
    case YOLOR_ACT_HARDSWISH:{
      float t = x + 3.0f;
      t = t < 0.0f ? 0.0f : (t > 6.0f ? 6.0f : t);
      return x * t / 6.0f;
    }
  }
  return x;
}

/* y[i] = act (x[i] + b) for i < n, with one loop per activation so that
 * each vectorizes. x may equal y. */
static inline void
yolor_act_row (float *y, const float *x, int n, float b, yolor_act act)
{
  switch (act) {
    case YOLOR_ACT_LINEAR:
      for (int i = 0; i < n; i++)
        y[i] = x[i] + b;
      break;
    case YOLOR_ACT_LEAKY:
      for (int i = 0; i < n; i++) {
        float v = x[i] + b;
        y[i] = v > 0.0f ? v : 0.1f * v;
      }
      break;
    case YOLOR_ACT_SILU:
      for (int i = 0; i < n; i++) {
        float v = x[i] + b;
        y[i] = v / (1.0f + yolor_expf (-v));
      }
      break;
    case YOLOR_ACT_LOGISTIC:
      for (int i = 0; i < n; i++)
        y[i] = 1.0f / (1.0f + yolor_expf (-(x[i] + b)));
      break;
    default:
      for (int i = 0; i < n; i++)
        y[i] = yolor_act1 (x[i] + b, act);
      break;
  }
}

/* The convolution GEMM: C = act (A·B + bias), packed and cache-blocked, with
 * its own OpenMP threads (no BLAS). @bias may be NULL. @work: at least
 * yolor_sgemm_workspace (M, n_threads) floats. */
size_t yolor_sgemm_workspace (int M, int n_threads);
void yolor_sgemm (int n_threads, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float *C, int ldc, const float *bias,
    yolor_act act, float *work);

/* Winograd F(4x4, 3x3), stride 1: transformed weights u[36][cout][cin] from
 * w[cout][cin][3][3]; workspace floats for a conv of that size; the conv
 * itself with bias and activation fused (work: yolor_winograd_workspace()
 * floats). */
void yolor_winograd_weights (const float *w, int cout, int cin, float *u);
size_t yolor_winograd_workspace (int cin, int cout, int oh, int ow);
void yolor_winograd_conv (int n_threads, const float *x, int cin, int h,
    int w, int pad, const float *u, int cout, const float *bias,
    yolor_act act, float *y, int oh, int ow, float *work, float *gemm_work);

#endif /* YOLOR_KERNELS_H */
