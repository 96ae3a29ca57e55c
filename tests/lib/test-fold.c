/* Load-time folding (src/load/fold.c) against the unfolded net: implicit
 * knowledge by a neural network, W z, on tests/data/implicit-wz.cfg, by
 * matrix factorization, Zᵀc, on tests/data/implicit-zc.cfg, and a
 * [batchnorm] layer on tests/data/batchnorm.cfg, with synthetic weights.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/test-check.h"
#include "../common/test-util.h"
#include "yolor-private.h"

#define SIDE 32

/* tests/data/@name with @weights, or (NULL) synthetic weights, prepared
 * for SIDE x SIDE on one thread. */
static yolor_net *
load_data_cfg (const char *name, const char *weights, int fold, int keep)
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
  ck_assert_msg ((weights ? yolor_net_load (cfg, weights, &o, &net, &err)
                          : yolor_net_load_synthetic (cfg, 7, &o, &net, &err))
          == YOLOR_OK,
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

/* The heads of the unfolded (@ha) and folded (@hb) nets agree within 1e-5
 * of the largest value. */
static void
check_heads_agree (
    const float *ha, size_t na, const float *hb, size_t nb, const char *what)
{
  double scale = 0.0, d;
  size_t at;
  ck_assert_uint_eq (na, nb);
  for (size_t i = 0; i < na; i++)
    scale = fmax (scale, fabs (ha[i]));
  d = tu_max_abs_diff (ha, hb, na, &at);
  printf ("%s folded vs unfolded: max |diff| %.3g of max |head| %.3g\n", what,
      d, scale);
  ck_assert (scale > 0.0);
  ck_assert_msg (d <= 1e-5 * scale,
      "%s: folded and unfolded heads differ: %.3g at %zu (%.9g vs %.9g)", what,
      d, at, (double) ha[at], (double) hb[at]);
}

START_TEST (test_wz_folded)
{
  yolor_net *a = load_data_cfg ("implicit-wz.cfg", NULL, 0, 0),
            *b = load_data_cfg ("implicit-wz.cfg", NULL, 1, 0);
  size_t na, nb;
  float *ha = head_of (a, &na), *hb = head_of (b, &nb);
  /* the two W z convs are implicit vectors now; the shift and control
   * after them folded into their 1x1 convs; the shift before the 3x3 conv
   * is still a pass, reading the computed vector */
  ck_assert_int_eq (b->layers[4].ops->kind, YOLOR_LAYER_IMPLICIT);
  ck_assert_int_eq (b->layers[6].ops->kind, YOLOR_LAYER_IMPLICIT);
  ck_assert_int_eq (a->layers[4].ops->kind, YOLOR_LAYER_CONV);
  ck_assert (b->layers[8].folded && b->layers[10].folded);
  ck_assert (!b->layers[12].folded);
  check_heads_agree (ha, na, hb, nb, "W z");
  free (ha);
  free (hb);
  yolor_net_free (a);
  yolor_net_free (b);
}
END_TEST

/* A layer's parameters as a .weights file holds them. */
typedef struct
{
  const float *bias, *gamma, *mean, *var, *w; /* borrowed: into the file */
  const float *param; /* implicit */
} zc_params;

/* Writes random weights for @net's layers (its shapes) to @path, in the
 * .weights order (header; per conv: bias or BN beta, gamma, mean, var, then
 * the weights; then the implicit trailer), and points @p at each layer's
 * values in @buf. Returns: (transferred: free ()) the values. */
static float *
write_weights (const yolor_net *net, const char *path, zc_params *p)
{
  size_t n = 0, at = 0;
  float *buf = NULL;
  FILE *f;
  int32_t head[3] = { 0, 2, 5 };
  int64_t seen = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < net->n_layers; i++) {
      const yolor_layer *l = &net->layers[i];
      if (l->ops->kind == YOLOR_LAYER_CONV) {
        size_t nw = (size_t) l->conv.filters * (l->conv.c_in / l->conv.groups)
            * l->conv.size * l->conv.size;
        if (pass) {
          float *q = buf + at;
          p[i].bias = q;
          tu_fill_random (q, l->conv.filters, 100 + i, -0.2f, 0.2f);
          q += l->conv.filters;
          if (l->conv.bn) {
            p[i].gamma = q;
            tu_fill_random (q, l->conv.filters, 200 + i, 0.8f, 1.2f);
            p[i].mean = q + l->conv.filters;
            tu_fill_random (
                q + l->conv.filters, l->conv.filters, 300 + i, -0.1f, 0.1f);
            p[i].var = q + 2 * l->conv.filters;
            tu_fill_random (
                q + 2 * l->conv.filters, l->conv.filters, 400 + i, 0.5f, 1.5f);
            q += 3 * l->conv.filters;
          }
          p[i].w = q;
          tu_fill_random (q, nw, 500 + i, -0.5f, 0.5f);
        }
        at += (size_t) l->conv.filters * (l->conv.bn ? 4 : 1) + nw;
      }
    }
    for (int i = 0; i < net->n_layers; i++) {
      const yolor_layer *l = &net->layers[i];
      if (l->ops->kind == YOLOR_LAYER_IMPLICIT) {
        if (pass) {
          p[i].param = buf + at;
          tu_fill_random (buf + at, yolor_implicit_count (l), 600 + i,
              l->ops->variant == YOLOR_IMPLICIT_ONE ? 0.5f : -0.5f,
              l->ops->variant == YOLOR_IMPLICIT_ONE ? 1.5f : 0.5f);
        }
        at += (size_t) yolor_implicit_count (l);
      }
    }
    if (!pass) {
      n = at;
      at = 0;
      buf = malloc (n * sizeof (float));
      ck_assert (buf != NULL);
    }
  }
  f = fopen (path, "wb");
  ck_assert_msg (f != NULL, "cannot write %s", path);
  ck_assert (fwrite (head, sizeof (head), 1, f) == 1);
  ck_assert (fwrite (&seen, sizeof (seen), 1, f) == 1);
  ck_assert (fwrite (buf, sizeof (float), n, f) == n);
  ck_assert (fclose (f) == 0);
  return buf;
}

/* The conv @k with the parameters @p (its own batch norm, eps 1e-4) over
 * the zc x zh x 1 constant @z, output (o, y), in double: the official
 * Conv2d on the (1, atoms, filters, 1) parameter. */
static double
conv_on_matrix (const yolor_layer *k, const zc_params *p, const float *z,
    int zh, int o, int y)
{
  double acc = 0.0;
  int r = k->conv.size / 2;
  for (int c = 0; c < k->conv.c_in; c++)
    for (int ky = 0; ky < k->conv.size; ky++) {
      int iy = y - r + ky;
      if (iy >= 0 && iy < zh)
        acc +=
            (double)
                p->w[((o * k->conv.c_in + c) * k->conv.size + ky) * k->conv.size
                    + r]
            * z[c * zh + iy];
    }
  if (k->conv.bn)
    acc = (acc - p->mean[o]) / sqrt ((double) p->var[o] + 1e-4) * p->gamma[o]
        + p->bias[o];
  else
    acc += p->bias[o];
  return k->act == YOLOR_ACT_LOGISTIC ? 1.0 / (1.0 + exp (-acc)) : acc;
}

/* Zᵀc: the convs over the atoms (layers 4 and 6) give c·Z and a 3x3 mix of
 * the atoms, which the _2d consumers read flattened (channel o·filters + f)
 * as the official view (1, -1, 1, 1) does; folded, the convs are computed
 * at load and the shift and control fold into the 1x1 convs. */
START_TEST (test_zc_folded)
{
  char weights[4096];
  char dir[] = "/tmp/yolor-test-fold-XXXXXX";
  yolor_net *shape = load_data_cfg ("implicit-zc.cfg", NULL, 0, 0);
  zc_params p[32] = { 0 };
  float *values;
  yolor_net *a, *b;
  size_t na, nb, hw;
  float *ha, *hb;
  double scale = 0.0, worst = 0.0;
  const int conv[2] = { 4, 6 }, atoms[2] = { 4, 3 }, zh[2] = { 8, 9 },
            out[2] = { 1, 2 };
  ck_assert_int_le (shape->n_layers, 32);
  ck_assert (mkdtemp (dir) != NULL);
  snprintf (weights, sizeof (weights), "%s/zc.weights", dir);
  values = write_weights (shape, weights, p);
  a = load_data_cfg ("implicit-zc.cfg", weights, 0, 1);
  b = load_data_cfg ("implicit-zc.cfg", weights, 1, 1);
  ha = head_of (a, &na);
  hb = head_of (b, &nb);
  ck_assert_int_eq (yolor_net_flavor (a), YOLOR_FLAVOR_YOLOR);
  for (int n = 0; n < 2; n++) {
    const yolor_layer *k = &a->layers[conv[n]];
    const yolor_layer *z = &a->layers[conv[n] - 1];
    const yolor_layer *f = &b->layers[conv[n]];
    /* the parameter is atoms x filters x 1, the conv reads it so */
    ck_assert_int_eq (a->t[z->index].c, atoms[n]);
    ck_assert_int_eq (a->t[z->index].h, zh[n]);
    ck_assert_int_eq (a->t[z->index].w, 1);
    ck_assert_int_eq (k->ops->kind, YOLOR_LAYER_CONV);
    ck_assert_int_eq (k->conv.c_in, atoms[n]);
    ck_assert_int_eq (a->t[k->index].c, out[n]);
    ck_assert_int_eq (a->t[k->index].h, zh[n]);
    /* folded: an implicit matrix of the conv's output shape */
    ck_assert_int_eq (f->ops->kind, YOLOR_LAYER_IMPLICIT);
    ck_assert_int_eq (f->implicit.atoms, out[n]);
    ck_assert_int_eq (f->implicit.filters, zh[n]);
    for (int o = 0; o < out[n]; o++)
      for (int y = 0; y < zh[n]; y++) {
        double want =
            conv_on_matrix (k, &p[k->index], p[z->index].param, zh[n], o, y);
        worst = fmax (worst,
            fabs (a->t[k->index].out[o * zh[n] + y] - want)
                + fabs (f->implicit.param[o * zh[n] + y] - want));
        scale = fmax (scale, fabs (want));
      }
  }
  printf (
      "Z^T c against the formula: max |diff| %.3g of max %.3g\n", worst, scale);
  ck_assert (scale > 0.1);
  ck_assert_msg (worst <= 1e-6 * scale, "Z^T c off its formula by %.3g", worst);
  /* the shift reads c·Z flattened: channel f gets entry f */
  hw = (size_t) a->t[8].h * a->t[8].w;
  for (int c = 0; c < 8; c++)
    for (size_t i = 0; i < hw; i++)
      ck_assert_float_eq (
          a->t[8].out[c * hw + i], a->t[7].out[c * hw + i] + a->t[4].out[c]);
  ck_assert (b->layers[8].folded && b->layers[10].folded);
  ck_assert (!b->layers[12].folded);
  check_heads_agree (ha, na, hb, nb, "Z^T c");
  unlink (weights);
  rmdir (dir);
  free (values);
  free (ha);
  free (hb);
  yolor_net_free (shape);
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
  yolor_net *a = load_data_cfg ("batchnorm.cfg", NULL, 0, 1),
            *b = load_data_cfg ("batchnorm.cfg", NULL, 1, 1);
  const yolor_layer *l = &a->layers[3];
  size_t na, nb, hw;
  float *ha = head_of (a, &na), *hb = head_of (b, &nb);
  const float *x = a->t[0].out;
  double worst = 0.0, scale = 0.0;
  ck_assert_int_eq (l->ops->kind, YOLOR_LAYER_BATCHNORM);
  ck_assert_int_eq (yolor_net_flavor (a), YOLOR_FLAVOR_YOLOR_PAPER);
  ck_assert (!l->bnorm.folded && l->bnorm.gamma != NULL);
  ck_assert (b->layers[3].bnorm.folded && b->layers[3].bnorm.gamma == NULL);
  ck_assert_int_eq (l->n_params, 2 * 8);
  ck_assert (a->t[3].macs == 0.0);
  hw = (size_t) a->t[3].h * a->t[3].w;
  for (int c = 0; c < 8; c++)
    for (size_t i = 0; i < hw; i++) {
      double v = (x[c * hw + i] - l->bnorm.mean[c])
              / sqrt ((double) l->bnorm.var[c] + 1e-3) * l->bnorm.gamma[c]
          + l->bnorm.bias[c];
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
  /* the concatenation reads it: channels 6.. of the route are its output */
  ck_assert (
      memcmp (a->t[4].out + 6 * hw, a->t[3].out, 8 * hw * sizeof (float)) == 0);
  check_heads_agree (ha, na, hb, nb, "[batchnorm]");
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
  tcase_add_test (tc, test_zc_folded);
  tcase_add_test (tc, test_batchnorm);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
