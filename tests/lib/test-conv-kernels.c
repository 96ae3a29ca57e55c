/* The optimized convolution kernels against plain references, on odd sizes
 * with fixed seeds: the packed GEMM (with its fused bias and activation) and
 * Winograd F(4x4,3x3) against the direct convolution, both paddings, one and
 * two threads (Winograd's two threads bit for bit equal to one).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test-check.h"
#include "../common/test-sgemm.h"
#include "../common/test-util.h"
#include "kernels/kernels.h"

static const int sizes[][4] = {
  /* cin, cout, h, w */
  { 8, 8, 7, 9 }, { 9, 13, 13, 5 }, { 16, 8, 1, 1 }, { 3, 5, 4, 4 },
  { 32, 17, 11, 23 }, { 64, 64, 20, 20 }, { 13, 7, 2, 31 },
  { 12, 10, 9, 75 }, /* rows of more than eight tiles */
  { 32, 24, 70, 66 }, /* many rows of tiles */
  { 40, 33, 122, 121 }, /* two chunks of tiles, the last not full */
  { 261, 12, 9, 10 }, /* K over one block, odd: BF16 pads it */
};

/* The packed GEMM with its fused epilogue against the plain reference. */
static const int gemm_sizes[][3] = {
  { 1, 1, 1 },
  { 3, 17, 5 },
  { 6, 16, 256 },
  { 7, 33, 257 },
  { 13, 200, 300 },
  { 64, 400, 576 },
  { 255, 37, 31 },
  { 5, 1000, 3 },
};

START_TEST (test_sgemm)
{
  int M = gemm_sizes[_i][0], N = gemm_sizes[_i][1], K = gemm_sizes[_i][2];
  /* leading dimensions wider than the rows, A and B misaligned by a float */
  int lda = K + 3, ldb = N + 5, ldc = N + 2;
  float *A = malloc (sizeof (float) * (M * lda + 1));
  float *B = malloc (sizeof (float) * (K * ldb + 1));
  float *C = malloc (sizeof (float) * M * ldc);
  float *R = malloc (sizeof (float) * M * ldc);
  float *bias = malloc (sizeof (float) * M);
  static const yolor_act acts[] = { YOLOR_ACT_LINEAR, YOLOR_ACT_LEAKY,
    YOLOR_ACT_SILU, YOLOR_ACT_MISH, YOLOR_ACT_LOGISTIC, YOLOR_ACT_RELU };
  tu_fill_random (A, M * lda + 1, 7 + _i, -1.0f, 1.0f);
  tu_fill_random (B, K * ldb + 1, 8 + _i, -1.0f, 1.0f);
  tu_fill_random (bias, M, 9 + _i, -1.0f, 1.0f);
  for (size_t a = 0; a < sizeof (acts) / sizeof (acts[0]); a++)
    for (int nt = 1; nt <= 2; nt++) {
      double max_d = 0.0;
      tu_sgemm (nt, M, N, K, A + 1, lda, B + 1, ldb, C, ldc, bias, acts[a]);
      tu_gemm_ref (M, N, K, A + 1, lda, B + 1, ldb, R, ldc, 0);
      for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
          float r = yolor_act1 (R[m * ldc + n] + bias[m], acts[a]);
          double d = fabs ((double) C[m * ldc + n] - r);
          if (d > max_d)
            max_d = d;
        }
      ck_assert_msg (max_d <= 1e-5 * sqrt ((double) K) + 1e-6,
          "M=%d N=%d K=%d act=%d threads=%d: max |diff| %.3g", M, N, K,
          (int) acts[a], nt, max_d);
    }
  free (A);
  free (B);
  free (C);
  free (R);
  free (bias);
}
END_TEST

START_TEST (test_vs_reference)
{
  int cin = sizes[_i][0], cout = sizes[_i][1], h = sizes[_i][2];
  int w = sizes[_i][3];
  /* pad 0 and 1, in FP32 and (where the CPU has it) BF16: its tolerances
   * are test-kernels.c's */
  for (int run = 0; run < 4; run++) {
    int pad = run % 2, bf16 = run / 2;
    int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
    float *x, *wt, *u, *bias, *y, *y1, *ref, *work, *gwork;
    double max_d = 0.0, max_r = 0.0, err2 = 0.0, ref2 = 0.0;
    double rel = bf16 ? 0.2 : 2e-5, max_nmse = bf16 ? 3e-3 : 1e-10;
    if (oh < 1 || ow < 1 || (bf16 && !yolor_bf16_available ()))
      continue;
    x = malloc (sizeof (float) * cin * h * w);
    wt = malloc (sizeof (float) * cout * cin * 9);
    u = malloc (yolor_winograd_weights_bytes (cout, cin, bf16));
    bias = malloc (sizeof (float) * cout);
    y = malloc (sizeof (float) * cout * oh * ow);
    ref = malloc (sizeof (float) * cout * oh * ow);
    y1 = malloc (sizeof (float) * 2 * cout * oh * ow); /* 1 thread, add */
    work =
        malloc (sizeof (float) * yolor_winograd_workspace (cin, cout, oh, ow));
    gwork = malloc (sizeof (float) * yolor_sgemm_workspace (2));
    tu_fill_random (x, (size_t) cin * h * w, 1 + _i, -1.0f, 1.0f);
    tu_fill_random (wt, (size_t) cout * cin * 9, 100 + _i, -0.5f, 0.5f);
    tu_fill_random (bias, cout, 200 + _i, -0.1f, 0.1f);
    ck_assert_int_eq (yolor_winograd_prepare (wt, cout, cin, bf16, u), 0);
    for (int nt = 1; nt <= 2; nt++) {
      const float *xs[1] = { x };
      float *ys[1] = { y };
      const float *as[1] = { ref };
      float *y2s[1] = { y1 + (size_t) cout * oh * ow };
      yolor_winograd_conv (nt, 1, xs, cin, h, w, pad, u, bf16, cout, bias,
          YOLOR_ACT_SILU, NULL, ys, oh, ow, work,
          yolor_winograd_workspace (cin, cout, oh, ow), gwork);
      /* an added tensor comes after the activation, as a separate pass
       * would add it: the same bits */
      tu_fill_random (ref, (size_t) cout * oh * ow, 300 + _i, -1.0f, 1.0f);
      yolor_winograd_conv (nt, 1, xs, cin, h, w, pad, u, bf16, cout, bias,
          YOLOR_ACT_SILU, as, y2s, oh, ow, work,
          yolor_winograd_workspace (cin, cout, oh, ow), gwork);
      for (int i = 0; i < cout * oh * ow; i++)
        ck_assert_msg (y2s[0][i] == y[i] + ref[i],
            "cin=%d cout=%d h=%d w=%d pad=%d bf16=%d threads=%d: value %d "
            "with the added tensor is %.9g, not %.9g + %.9g",
            cin, cout, h, w, pad, bf16, nt, i, y2s[0][i], y[i], ref[i]);
      tu_conv_ref (x, cin, h, w, wt, cout, 3, 1, pad, 1, oh, ow, ref);
      yolor_bias_act (1, ref, cout, oh * ow, bias, YOLOR_ACT_SILU);
      for (int i = 0; i < cout * oh * ow; i++) {
        double d = fabs ((double) y[i] - ref[i]);
        max_d = fmax (max_d, d);
        max_r = fmax (max_r, fabs (ref[i]));
        err2 += d * d;
        ref2 += (double) ref[i] * ref[i];
      }
      ck_assert_msg (
          max_d <= rel * fmax (1.0, max_r) && err2 <= max_nmse * ref2 + 1e-20,
          "cin=%d cout=%d h=%d w=%d pad=%d bf16=%d threads=%d: max |diff| "
          "%.3g (max |ref| %.3g), NMSE %.3g",
          cin, cout, h, w, pad, bf16, nt, max_d, max_r, err2 / (ref2 + 1e-30));
      if (nt == 1)
        memcpy (y1, y, sizeof (float) * cout * oh * ow);
      else
        ck_assert_msg (!memcmp (y1, y, sizeof (float) * cout * oh * ow),
            "cin=%d cout=%d h=%d w=%d pad=%d bf16=%d: 2 threads differ from 1",
            cin, cout, h, w, pad, bf16);
    }
    free (x);
    free (wt);
    free (u);
    free (bias);
    free (y);
    free (ref);
    free (y1);
    free (work);
    free (gwork);
  }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("conv-kernels");
  TCase *tc = tcase_create ("f4x4_3x3");
  tcase_add_loop_test (
      tc, test_sgemm, 0, (int) (sizeof (gemm_sizes) / sizeof (gemm_sizes[0])));
  tcase_add_loop_test (
      tc, test_vs_reference, 0, (int) (sizeof (sizes) / sizeof (sizes[0])));
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
