/* The engine against the official YOLOR code's outputs (../shared/reference):
 * every layer of the unit net, raw heads of the narrowed yolor_csp and
 * yolor_p6 (square and rectangular inputs, folded and unfolded), decode, NMS
 * and the mapping back to the image, within the tolerances stated there.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test-scale-back.h"
#include "../common/test-util.h"
#include "postprocess.h"
#include "yolor-private.h"

typedef struct
{
  const char *dir;
  const char *tag;
  int w, h;
} ref_case;

static const ref_case heads_cases[] = {
  { "yolor_unit_64", "rand", 64, 64 },
  { "yolor_unit_64", "horses_square", 64, 64 },
  { "yolor_csp_narrow_320", "rand", 320, 320 },
  { "yolor_csp_narrow_320", "horses_square", 320, 320 },
  { "yolor_csp_narrow_320", "horses_rect", 320, 256 },
  { "yolor_p6_narrow_384", "rand", 384, 384 },
  { "yolor_p6_narrow_384", "horses_square", 384, 384 },
  { "yolor_p6_narrow_384", "horses_rect", 384, 256 },
};

#define N_HEAD_CASES ((int) (sizeof (heads_cases) / sizeof (heads_cases[0])))

static yolor_net *
load_ref (const char *dir, int fold, int keep)
{
  char cfg[1024], w[1024];
  yolor_options o;
  yolor_error err;
  yolor_net *net = NULL;
  yolor_options_init (&o);
  o.fold = fold;
  o.keep_layer_outputs = keep;
  o.n_threads = 2;
  tu_shared_path (cfg, sizeof (cfg), "reference/%s/model.cfg", dir);
  tu_shared_path (w, sizeof (w), "reference/%s/model.weights", dir);
  ck_assert_msg (yolor_net_load (cfg, w, &o, &net, &err) == YOLOR_OK,
      "load %s: %s", dir, err.msg);
  ck_assert_int_eq (yolor_net_flavor (net), YOLOR_FLAVOR_YOLOR);
  return net;
}

static char *
ref_json (const char *dir)
{
  char p[1024];
  char *j = tu_read_file (
      tu_shared_path (p, sizeof (p), "reference/%s/ref.json", dir), NULL);
  ck_assert_msg (j != NULL, "cannot read %s", p);
  return j;
}

static void
run_input (yolor_net *net, const ref_case *c)
{
  char p[1024];
  size_t n;
  float *in;
  yolor_error err;
  ck_assert_int_eq (yolor_net_prepare_input (net, c->w, c->h, &err), YOLOR_OK);
  in = tu_read_f32 (tu_shared_path (p, sizeof (p), "reference/%s/%s_input.bin",
                        c->dir, c->tag),
      &n);
  ck_assert_msg (in != NULL, "cannot read %s", p);
  ck_assert_uint_eq (n, (size_t) 3 * c->w * c->h);
  memcpy (yolor_net_input (net), in, n * sizeof (float));
  free (in);
  ck_assert_msg (yolor_net_forward (net, &err) == YOLOR_OK, "%s", err.msg);
}

static void
check_heads (const ref_case *c, int fold)
{
  yolor_net *net = load_ref (c->dir, fold, 0);
  char *json = ref_json (c->dir);
  run_input (net, c);
  for (int k = 0; k < yolor_net_n_heads (net); k++) {
    char name[256], p[1024];
    size_t n, at;
    int hc, hh, hw;
    const float *got = yolor_net_head (net, k, &hc, &hh, &hw);
    float *ref;
    double tol, d;
    snprintf (name, sizeof (name), "%s_head%d_raw.bin", c->tag, k);
    ref = tu_read_f32 (
        tu_shared_path (p, sizeof (p), "reference/%s/%s", c->dir, name), &n);
    ck_assert_msg (ref != NULL, "cannot read %s", p);
    ck_assert_uint_eq (n, (size_t) hc * hh * hw);
    tol = tu_ref_tolerance (json, name, "max_abs");
    ck_assert_msg (!isnan (tol), "no tolerance for %s", name);
    d = tu_max_abs_diff (got, ref, n, &at);
    printf ("%s/%s fold=%d: max |diff| %.3g = %.2f x the tolerance\n", c->dir,
        name, fold, d, d / tol);
    ck_assert_msg (d <= tol,
        "%s/%s fold=%d: max |diff| %.3g > %.3g at %zu "
        "(got %.6g, ref %.6g)",
        c->dir, name, fold, d, tol, at, (double) got[at], (double) ref[at]);
    free (ref);
  }
  free (json);
  yolor_net_free (net);
}

START_TEST (test_heads_folded)
{
  check_heads (&heads_cases[_i], 1);
}
END_TEST

START_TEST (test_heads_unfolded)
{
  check_heads (&heads_cases[_i], 0);
}
END_TEST

/* Concatenations in place (run/plan.c): every input of a channel route
 * that owns a buffer is a slice of the route's buffer (or of an earlier
 * route's, which got it first), so the route copies nothing; the heads
 * above match the reference with it. */
START_TEST (test_routes_in_place)
{
  const ref_case *c = &heads_cases[0];
  yolor_net *net = load_ref (c->dir, 1, 0);
  yolor_error err;
  int placed = 0, routes = 0;
  ck_assert_int_eq (yolor_net_prepare_input (net, c->w, c->h, &err), YOLOR_OK);
  for (int i = 0; i < net->n_layers; i++) {
    const yolor_layer *l = &net->layers[i];
    const float *at = net->t[i].out;
    if (l->alias || l->ops->kind != YOLOR_LAYER_ROUTE || l->route.groups != 1)
      continue;
    routes++;
    for (int k = 0; k < l->n_in; k++) {
      const yolor_tensor *s = &net->t[l->in[k]];
      if (l->in[k] >= 0 && !net->layers[l->in[k]].alias
          && net->layers[l->in[k]].ops->kind != YOLOR_LAYER_ROUTE) {
        ck_assert_msg (s->out == at || (s->home >= 0 && s->home < i),
            "layer %d: input %d (layer %d) is not written in place", i, k,
            l->in[k]);
        placed += s->out == at;
      }
      at += (size_t) s->c * s->h * s->w;
    }
  }
  printf ("%s: %d of the inputs of %d routes written in place\n", c->dir,
      placed, routes);
  ck_assert_int_gt (placed, 0);
  yolor_net_free (net);
}
END_TEST

/* Every layer of the unit net, run as a whole from the input. */
START_TEST (test_unit_layers)
{
  static const char *tags[] = { "rand", "horses_square" };
  const ref_case c = { "yolor_unit_64", tags[_i], 64, 64 };
  yolor_net *net = load_ref (c.dir, 0, 1);
  char *json = ref_json (c.dir);
  int checked = 0;
  run_input (net, &c);
  for (int i = 0; i < yolor_net_n_layers (net); i++) {
    char name[256], p[1024];
    size_t n, at;
    int lc, lh, lw;
    const char *type = yolor_net_layer_type (net, i);
    const float *got = yolor_net_layer_output (net, i, &lc, &lh, &lw);
    float *ref;
    double tol, d;
    if (strcmp (type, "yolo") == 0)
      continue; /* decoded rows: test_decode */
    snprintf (name, sizeof (name), "layers/%s_L%03d_%s.bin", c.tag, i, type);
    ref = tu_read_f32 (
        tu_shared_path (p, sizeof (p), "reference/%s/%s", c.dir, name), &n);
    ck_assert_msg (ref != NULL, "cannot read %s", p);
    ck_assert_msg (n == (size_t) lc * lh * lw,
        "layer %d (%s): %zu floats in "
        "the reference, we have %dx%dx%d",
        i, type, n, lc, lh, lw);
    tol = tu_ref_tolerance (json, name, "max_abs");
    ck_assert_msg (!isnan (tol), "no tolerance for %s", name);
    d = tu_max_abs_diff (got, ref, n, &at);
    ck_assert_msg (d <= tol,
        "unit %s layer %d (%s): max |diff| %.3g > %.3g "
        "at %zu (got %.6g, ref %.6g)",
        c.tag, i, type, d, tol, at, (double) got[at], (double) ref[at]);
    free (ref);
    checked++;
  }
  ck_assert_int_ge (checked, 47);
  free (json);
  yolor_net_free (net);
}
END_TEST

/* Reference heads in, our decode out. */
static const ref_case decode_cases[] = {
  { "yolor_unit_64", "rand", 64, 64 },
  { "yolor_unit_64", "horses_square", 64, 64 },
  { "yolor_csp_narrow_320", "horses_square", 320, 320 },
  { "yolor_csp_narrow_320", "horses_rect", 320, 256 },
  { "yolor_p6_narrow_384", "horses_square", 384, 384 },
  { "yolor_p6_narrow_384", "horses_rect", 384, 256 },
};

static void
inject_heads (yolor_net *net, const ref_case *c)
{
  for (int k = 0; k < net->model->n_heads; k++) {
    char p[1024];
    size_t n;
    yolor_tensor *l = &net->t[net->model->heads[k]];
    float *ref =
        tu_read_f32 (tu_shared_path (p, sizeof (p),
                         "reference/%s/%s_head%d_raw.bin", c->dir, c->tag, k),
            &n);
    ck_assert_msg (ref != NULL, "cannot read %s", p);
    ck_assert_uint_eq (n, (size_t) l->c * l->h * l->w);
    memcpy (l->out, ref, n * sizeof (float));
    free (ref);
  }
}

START_TEST (test_decode)
{
  const ref_case *c = &decode_cases[_i];
  yolor_net *net = load_ref (c->dir, 1, 0);
  char p[1024];
  size_t n;
  int no = 5 + net->model->n_classes;
  float *ref, *row = malloc (sizeof (float) * (size_t) no);
  yolor_error err;
  ck_assert_int_eq (yolor_net_prepare_input (net, c->w, c->h, &err), YOLOR_OK);
  inject_heads (net, c);
  ref = tu_read_f32 (tu_shared_path (p, sizeof (p),
                         "reference/%s/%s_decoded.bin", c->dir, c->tag),
      &n);
  ck_assert_msg (ref != NULL, "cannot read %s", p);
  ck_assert_uint_eq (n, (size_t) net->n_rows * no);
  for (int r = 0; r < net->n_rows; r++) {
    const float *e = ref + (size_t) r * no;
    yolor_decode_row (net, r, row);
    for (int j = 0; j < no; j++) {
      double tol = j < 4 ? 1e-3 + 1e-6 * fabs (e[j]) : 1e-6;
      ck_assert_msg (fabs ((double) row[j] - e[j]) <= tol,
          "%s/%s row %d col %d: got %.9g, ref %.9g", c->dir, c->tag, r, j,
          (double) row[j], (double) e[j]);
    }
  }
  free (ref);
  free (row);
  yolor_net_free (net);
}
END_TEST

/* Candidates from the reference decoded rows, as the official NMS forms
 * them; our NMS must then give the very same rows, in order, bit for bit. */
static int
candidates_from_decoded (
    const float *dec, int rows, int nc, float conf, yolor_candidate *out)
{
  int n = 0;
  for (int r = 0; r < rows; r++) {
    const float *d = dec + (size_t) r * (5 + nc);
    float x1 = d[0] - d[2] / 2.0f, y1 = d[1] - d[3] / 2.0f;
    float x2 = d[0] + d[2] / 2.0f, y2 = d[1] + d[3] / 2.0f;
    if (!(d[4] > conf))
      continue;
    for (int cl = 0; cl < nc; cl++) {
      float s = d[5 + cl] * d[4];
      if (!(s > conf))
        continue;
      out[n] = (yolor_candidate){ x1, y1, x2, y2, s, d[4], cl, n, r };
      n++;
    }
  }
  return n;
}

static void
check_nms (const ref_case *c, const char *suffix, float conf, float iou)
{
  yolor_net *net = load_ref (c->dir, 1, 0);
  char p[1024];
  size_t n, n_ref;
  int no = 5 + net->model->n_classes, n_c, n_keep;
  float *dec, *ref;
  yolor_candidate *cand;
  int *keep;
  yolor_error err;
  ck_assert_int_eq (yolor_net_prepare_input (net, c->w, c->h, &err), YOLOR_OK);
  dec = tu_read_f32 (tu_shared_path (p, sizeof (p),
                         "reference/%s/%s_decoded.bin", c->dir, c->tag),
      &n);
  ck_assert_msg (dec != NULL, "cannot read %s", p);
  ref = tu_read_f32 (tu_shared_path (p, sizeof (p), "reference/%s/%s_%s.bin",
                         c->dir, c->tag, suffix),
      &n_ref);
  ck_assert_msg (ref != NULL, "cannot read %s", p);
  cand = malloc (sizeof (*cand) * (size_t) net->n_rows * net->model->n_classes);
  keep = malloc (sizeof (int) * (size_t) net->n_rows * net->model->n_classes);
  n_c = candidates_from_decoded (
      dec, net->n_rows, net->model->n_classes, conf, cand);
  n_keep = yolor_nms (cand, n_c, iou, 0, keep, 300);
  ck_assert_int_eq ((size_t) n_keep, n_ref / 6);
  for (int i = 0; i < n_keep; i++) {
    const yolor_candidate *k = &cand[keep[i]];
    const float *e = ref + (size_t) i * 6;
    float got[6] = { k->x1, k->y1, k->x2, k->y2, k->score, (float) k->cls };
    ck_assert_msg (memcmp (got, e, sizeof (got)) == 0,
        "%s/%s_%s row %d: got %.9g %.9g %.9g %.9g %.9g %g, ref %.9g %.9g "
        "%.9g %.9g %.9g %g",
        c->dir, c->tag, suffix, i, got[0], got[1], got[2], got[3], got[4],
        got[5], e[0], e[1], e[2], e[3], e[4], e[5]);
  }
  (void) no;
  free (cand);
  free (keep);
  free (dec);
  free (ref);
  yolor_net_free (net);
}

START_TEST (test_nms)
{
  check_nms (&decode_cases[_i], "nms", 0.4f, 0.5f);
}
END_TEST

START_TEST (test_nms_test_thresholds)
{
  check_nms (&decode_cases[_i], "nms_test", 0.001f, 0.65f);
}
END_TEST

/* TAG_nms.bin mapped back to the 773x512 image, rounded, equals
 * TAG_nms_orig.bin. */
START_TEST (test_scale_back)
{
  const ref_case *c = &decode_cases[2 + _i];
  yolor_options o;
  yolor_net *net = NULL;
  yolor_error err;
  char cfg[1024], w[1024], p[1024];
  size_t n, n2;
  float *nms, *orig;
  yolor_options_init (&o);
  o.input_width = c->w;
  o.input_height = c->w;
  o.resize =
      c->h == c->w ? YOLOR_RESIZE_LETTERBOX : YOLOR_RESIZE_LETTERBOX_RECT;
  tu_shared_path (cfg, sizeof (cfg), "reference/%s/model.cfg", c->dir);
  tu_shared_path (w, sizeof (w), "reference/%s/model.weights", c->dir);
  ck_assert_int_eq (yolor_net_load (cfg, w, &o, &net, &err), YOLOR_OK);
  ck_assert_msg (
      yolor_net_prepare (net, 773, 512, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (net->in_w, c->w);
  ck_assert_int_eq (net->in_h, c->h);
  nms = tu_read_f32 (
      tu_shared_path (p, sizeof (p), "reference/%s/%s_nms.bin", c->dir, c->tag),
      &n);
  orig = tu_read_f32 (tu_shared_path (p, sizeof (p),
                          "reference/%s/%s_nms_orig.bin", c->dir, c->tag),
      &n2);
  ck_assert (nms && orig);
  ck_assert_uint_eq (n, n2);
  snprintf (p, sizeof (p), "%s/%s", c->dir, c->tag);
  tu_check_mapped_back (net, nms, orig, n / 6, p);
  free (nms);
  free (orig);
  yolor_net_free (net);
}
END_TEST

static Suite *
reference_suite (void)
{
  Suite *s = suite_create ("reference");
  TCase *tc = tcase_create ("official");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_heads_folded, 0, N_HEAD_CASES);
  tcase_add_loop_test (tc, test_heads_unfolded, 0, N_HEAD_CASES);
  tcase_add_loop_test (tc, test_unit_layers, 0, 2);
  tcase_add_test (tc, test_routes_in_place);
  tcase_add_loop_test (tc, test_decode, 0, 6);
  tcase_add_loop_test (tc, test_nms, 0, 6);
  tcase_add_loop_test (tc, test_nms_test_thresholds, 0, 2);
  tcase_add_loop_test (tc, test_scale_back, 0, 4);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (reference_suite ());
  int failed;
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
