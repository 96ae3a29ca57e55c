/* Load-time folding (src/load/fold.c) against the unfolded net: implicit
 * knowledge by a neural network, W z, on tests/data/implicit-wz.cfg with
 * synthetic weights.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test-check.h"
#include "../common/test-util.h"
#include "yolor-private.h"

#define SIDE 32

static yolor_net *
load_wz (int fold)
{
  char cfg[4096];
  const char *src = getenv ("YOLOR_SOURCE_DIR");
  yolor_options o;
  yolor_error err;
  yolor_net *net = NULL;
  ck_assert_msg (src != NULL, "YOLOR_SOURCE_DIR is not set");
  snprintf (cfg, sizeof (cfg), "%s/tests/data/implicit-wz.cfg", src);
  yolor_options_init (&o);
  o.fold = fold;
  o.n_threads = 1;
  ck_assert_msg (yolor_net_load_synthetic (cfg, 7, &o, &net, &err) == YOLOR_OK,
      "%s: %s", cfg, err.msg);
  ck_assert_int_eq (yolor_net_prepare_input (net, SIDE, SIDE, &err), YOLOR_OK);
  return net;
}

/* The head of @net on the same random input. Returns: (transferred:
 * free ()). */
static float *
head_of (yolor_net *net, size_t *n)
{
  yolor_error err;
  int c, h, w;
  const float *head;
  float *copy;
  tu_fill_random (
      yolor_net_input (net), (size_t) 3 * SIDE * SIDE, 99, 0.0f, 1.0f);
  ck_assert_msg (yolor_net_forward (net, &err) == YOLOR_OK, "%s", err.msg);
  head = yolor_net_head (net, 0, &c, &h, &w);
  ck_assert (head != NULL);
  *n = (size_t) c * h * w;
  copy = malloc (*n * sizeof (float));
  memcpy (copy, head, *n * sizeof (float));
  return copy;
}

START_TEST (test_wz_folded)
{
  yolor_net *a = load_wz (0), *b = load_wz (1);
  size_t na, nb, at;
  float *ha = head_of (a, &na), *hb = head_of (b, &nb);
  double scale = 0.0, d;
  /* the two W z convs are implicit vectors now; the shift and control
   * after them folded into their 1x1 convs; the shift before the 3x3 conv
   * is still a pass, reading the computed vector */
  ck_assert_int_eq (b->layers[4].ops->kind, YOLOR_LAYER_IMPLICIT);
  ck_assert_int_eq (b->layers[6].ops->kind, YOLOR_LAYER_IMPLICIT);
  ck_assert_int_eq (a->layers[4].ops->kind, YOLOR_LAYER_CONV);
  ck_assert (b->layers[8].folded && b->layers[10].folded);
  ck_assert (!b->layers[12].folded);
  ck_assert_uint_eq (na, nb);
  for (size_t i = 0; i < na; i++)
    scale = fmax (scale, fabs (ha[i]));
  d = tu_max_abs_diff (ha, hb, na, &at);
  printf (
      "W z folded vs unfolded: max |diff| %.3g of max |head| %.3g\n", d, scale);
  ck_assert (scale > 0.0);
  ck_assert_msg (d <= 1e-5 * scale,
      "folded and unfolded heads differ: %.3g at %zu (%.9g vs %.9g)", d, at,
      (double) ha[at], (double) hb[at]);
  free (ha);
  free (hb);
  yolor_net_free (a);
  yolor_net_free (b);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("fold");
  TCase *tc = tcase_create ("implicit");
  tcase_add_test (tc, test_wz_folded);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
