/* Load-time folding (src/load/fold.c) against the unfolded net: implicit
 * knowledge by a neural network, W z, on tests/data/implicit-wz.cfg, and a
 * [batchnorm] layer on tests/data/batchnorm.cfg, with synthetic weights.
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
load_data_cfg (const char *name, int fold, int keep)
{
  char cfg[4096];
  const char *src = getenv ("YOLOR_SOURCE_DIR");
  yolor_options o;
  yolor_error err;
  yolor_net *net = NULL;
  ck_assert_msg (src != NULL, "YOLOR_SOURCE_DIR is not set");
  snprintf (cfg, sizeof (cfg), "%s/tests/data/%s", src, name);
  yolor_options_init (&o);
  o.fold = fold;
  o.keep_layer_outputs = keep;
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
  yolor_net *a = load_data_cfg ("implicit-wz.cfg", 0, 0),
            *b = load_data_cfg ("implicit-wz.cfg", 1, 0);
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

/* [batchnorm] (layer 3, on layer 0's output) against
 * silu ((x − mean) / sqrt (var + 1e-3) · gamma + beta) in double, from the
 * unfolded net's parameters; folded it holds scales and shifts, and the
 * heads of both agree. */
START_TEST (test_batchnorm)
{
  yolor_net *a = load_data_cfg ("batchnorm.cfg", 0, 1),
            *b = load_data_cfg ("batchnorm.cfg", 1, 1);
  const yolor_layer *l = &a->layers[3];
  size_t na, nb, at, hw;
  float *ha = head_of (a, &na), *hb = head_of (b, &nb);
  const float *x = a->t[0].out;
  double worst = 0.0, scale = 0.0, d;
  ck_assert_int_eq (l->ops->kind, YOLOR_LAYER_BATCHNORM);
  ck_assert_int_eq (yolor_net_flavor (a), YOLOR_FLAVOR_YOLOR_PAPER);
  ck_assert (!l->bn_folded && l->bn_gamma != NULL);
  ck_assert (b->layers[3].bn_folded && b->layers[3].bn_gamma == NULL);
  ck_assert_int_eq (l->n_params, 2 * 8);
  ck_assert (a->t[3].macs == 0.0);
  hw = (size_t) a->t[3].h * a->t[3].w;
  for (int c = 0; c < 8; c++)
    for (size_t i = 0; i < hw; i++) {
      double v = (x[c * hw + i] - l->bn_mean[c])
              / sqrt ((double) l->bn_var[c] + 1e-3) * l->bn_gamma[c]
          + l->bias[c];
      double want = v / (1.0 + exp (-v));
      for (int k = 0; k < 2; k++) {
        const yolor_net *n = k ? b : a;
        worst = fmax (worst, fabs (n->t[3].out[c * hw + i] - want));
      }
      scale = fmax (scale, fabs (want));
    }
  printf ("[batchnorm] against its formula: max |diff| %.3g of max %.3g\n",
      worst, scale);
  ck_assert (scale > 0.1);
  ck_assert_msg (
      worst <= 1e-6 * scale, "[batchnorm] off its formula by %.3g", worst);
  scale = 0.0;
  /* the concatenation reads it: channels 6.. of the route are its output */
  ck_assert (
      memcmp (a->t[4].out + 6 * hw, a->t[3].out, 8 * hw * sizeof (float)) == 0);
  for (size_t i = 0; i < na; i++)
    scale = fmax (scale, fabs (ha[i]));
  ck_assert_uint_eq (na, nb);
  d = tu_max_abs_diff (ha, hb, na, &at);
  ck_assert_msg (
      d <= 1e-5 * scale, "folded and unfolded heads differ: %.3g", d);
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
  tcase_add_test (tc, test_batchnorm);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
