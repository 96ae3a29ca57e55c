/* Winograd F(4x4,3x3) against the direct reference convolution on odd sizes,
 * both paddings, several channel counts, with fixed seeds; and its fused bias
 * and activation against the separate epilogue.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../common/test-util.h"
#include "kernels/kernels.h"

static const int sizes[][4] = {
  /* cin, cout, h, w */
  {8, 8, 7, 9}, {9, 13, 13, 5}, {16, 8, 1, 1}, {3, 5, 4, 4}, {32, 17, 11, 23},
  {64, 64, 20, 20}, {13, 7, 2, 31},
};

START_TEST (test_vs_reference)
{
  int cin = sizes[_i][0], cout = sizes[_i][1], h = sizes[_i][2];
  int w = sizes[_i][3];
  for (int pad = 0; pad <= 1; pad++) {
    int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
    float *x, *wt, *u, *bias, *y, *ref, *work;
    double max_d = 0.0, max_r = 0.0, err2 = 0.0, ref2 = 0.0;
    if (oh < 1 || ow < 1)
      continue;
    x = malloc (sizeof (float) * cin * h * w);
    wt = malloc (sizeof (float) * cout * cin * 9);
    u = malloc (sizeof (float) * 36 * cout * cin);
    bias = malloc (sizeof (float) * cout);
    y = malloc (sizeof (float) * cout * oh * ow);
    ref = malloc (sizeof (float) * cout * oh * ow);
    work = malloc (sizeof (float) * yolor_winograd_workspace (cin, cout, oh,
            ow));
    tu_fill_random (x, (size_t) cin * h * w, 1 + _i, -1.0f, 1.0f);
    tu_fill_random (wt, (size_t) cout * cin * 9, 100 + _i, -0.5f, 0.5f);
    tu_fill_random (bias, cout, 200 + _i, -0.1f, 0.1f);
    yolor_winograd_weights (wt, cout, cin, u);
    for (int nt = 1; nt <= 2; nt++) {
      yolor_winograd_conv (nt, x, cin, h, w, pad, u, cout, bias,
          YOLOR_ACT_SILU, y, oh, ow, work);
      yolor_conv_ref (x, cin, h, w, wt, cout, 3, 1, pad, 1, oh, ow, ref);
      yolor_bias_act (1, ref, cout, oh * ow, bias, YOLOR_ACT_SILU);
      for (int i = 0; i < cout * oh * ow; i++) {
        double d = fabs ((double) y[i] - ref[i]);
        max_d = fmax (max_d, d);
        max_r = fmax (max_r, fabs (ref[i]));
        err2 += d * d;
        ref2 += (double) ref[i] * ref[i];
      }
      ck_assert_msg (max_d <= 2e-5 * fmax (1.0, max_r) && err2 <= 1e-10 * ref2
          + 1e-20, "cin=%d cout=%d h=%d w=%d pad=%d threads=%d: max |diff| "
          "%.3g (max |ref| %.3g), NMSE %.3g", cin, cout, h, w, pad, nt, max_d,
          max_r, err2 / (ref2 + 1e-30));
    }
    free (x);
    free (wt);
    free (u);
    free (bias);
    free (y);
    free (ref);
    free (work);
  }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("winograd");
  TCase *tc = tcase_create ("f4x4_3x3");
  SRunner *sr;
  int failed;
  tcase_add_loop_test (tc, test_vs_reference, 0,
      (int) (sizeof (sizes) / sizeof (sizes[0])));
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
