/* The YOLOR paper branch's models (../shared/reference-paper): each narrowed
 * model.yaml and its state_dict through tools/yolor-convert --yaml, then
 * the engine against the official paper-branch outputs: raw heads of every
 * input within 8x the recorded float32-vs-float64 spread (folded and
 * unfolded), IDetect alone on the reference features, the decode, the NMS
 * at the paper's detect.py thresholds, and the mapping back to the image.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/test-scale-back.h"
#include "../common/test-util.h"
#include "postprocess.h"
#include "yolor-private.h"

static const char *const models[] = { "yolor_p6_w0125_320",
  "yolor_d6_w0125_320", "yolor_ssss_dwt_w00625_192" };
#define N_MODELS 3

typedef struct
{
  const char *tag;
  int square; /* 1: S x S; 0: the rectangle detect.py uses */
} input_case;

static const input_case inputs[] = { { "rand", 1 }, { "horses_square", 1 },
  { "horses_rect", 0 } };
#define N_INPUTS 3

/* the converted models, in a directory of this process */
static char out_dir[1024];

static void
converted (int m, char *cfg, char *weights, size_t n)
{
  snprintf (cfg, n, "%s/%s.cfg", out_dir, models[m]);
  snprintf (weights, n, "%s/%s.weights", out_dir, models[m]);
}

/* Converts every model once, before the tests fork. Returns 0 or -1. */
static int
convert_all (void)
{
  const char *src = getenv ("YOLOR_SOURCE_DIR");
  const char *build = getenv ("YOLOR_BUILD_DIR");
  snprintf (out_dir, sizeof (out_dir), "%s/tests/paper-%ld",
      build ? build : ".", (long) getpid ());
  if (mkdir (out_dir, 0755) != 0)
    return -1;
  for (int m = 0; m < N_MODELS; m++) {
    char cmd[4096], yaml[1024], pt[1024];
    tu_shared_path (
        yaml, sizeof (yaml), "reference-paper/%s/model.yaml", models[m]);
    tu_shared_path (
        pt, sizeof (pt), "reference-paper/%s/model_state_dict.pt", models[m]);
    snprintf (cmd, sizeof (cmd),
        "/usr/bin/python3 '%s/tools/yolor-convert' --yaml '%s' '%s' "
        "'%s/%s' > /dev/null",
        src ? src : ".", yaml, pt, out_dir, models[m]);
    if (system (cmd) != 0) {
      fprintf (stderr, "failed: %s\n", cmd);
      return -1;
    }
  }
  return 0;
}

static void
remove_converted (void)
{
  for (int m = 0; m < N_MODELS; m++) {
    char cfg[1200], w[1200];
    converted (m, cfg, w, sizeof (cfg));
    unlink (cfg);
    unlink (w);
  }
  rmdir (out_dir);
}

static yolor_net *
load_model (int m, int fold, int keep)
{
  char cfg[1200], w[1200];
  yolor_options o;
  yolor_error err;
  yolor_net *net = NULL;
  yolor_options_init (&o);
  o.fold = fold;
  o.keep_layer_outputs = keep;
  o.n_threads = 2;
  converted (m, cfg, w, sizeof (cfg));
  ck_assert_msg (yolor_net_load (cfg, w, &o, &net, &err) == YOLOR_OK,
      "load %s: %s", cfg, err.msg);
  ck_assert_int_eq (yolor_net_flavor (net), YOLOR_FLAVOR_YOLOR_PAPER);
  return net;
}

static char *
ref_json (int m)
{
  char p[1024];
  char *j = tu_read_file (
      tu_shared_path (p, sizeof (p), "reference-paper/%s/ref.json", models[m]),
      NULL);
  ck_assert_msg (j != NULL, "cannot read %s", p);
  return j;
}

/* Number @k of the array @field inside @section of input @tag's entry in
 * ref.json (the "inputs" list); NAN if absent. */
static double
input_number (const char *json, const char *tag, const char *section,
    const char *field, int k)
{
  char key[256];
  const char *p;
  snprintf (key, sizeof (key), "\"tag\": \"%s\"", tag);
  p = strstr (json, key);
  if (p && section) {
    snprintf (key, sizeof (key), "\"%s\"", section);
    p = strstr (p, key);
  }
  if (p) {
    snprintf (key, sizeof (key), "\"%s\"", field);
    p = strstr (p, key);
  }
  if (!p || !(p = strchr (p, '[')))
    return NAN;
  p++;
  for (int i = 0; i <= k; i++) {
    char *end;
    double v = strtod (p, &end);
    if (end == p)
      return NAN;
    if (i == k)
      return v;
    p = strchr (end, ',');
    if (!p)
      return NAN;
    p++;
  }
  return NAN;
}

/* The input size of @tag as ref.json gives it ("input_hw": [h, w]). */
static void
input_size (const char *json, const char *tag, int *w, int *h)
{
  *h = (int) input_number (json, tag, NULL, "input_hw", 0);
  *w = (int) input_number (json, tag, NULL, "input_hw", 1);
  ck_assert_msg (*w > 0 && *h > 0, "no input_hw for %s", tag);
}

static float *
read_ref (int m, const char *name, size_t *n)
{
  char p[1024];
  float *x = tu_read_f32 (
      tu_shared_path (p, sizeof (p), "reference-paper/%s/%s", models[m], name),
      n);
  ck_assert_msg (x != NULL, "cannot read %s", p);
  return x;
}

static void
run_input (yolor_net *net, int m, const char *tag, int w, int h)
{
  char name[256];
  size_t n;
  float *in;
  yolor_error err;
  ck_assert_int_eq (yolor_net_prepare_input (net, w, h, &err), YOLOR_OK);
  snprintf (name, sizeof (name), "%s_input.bin", tag);
  in = read_ref (m, name, &n);
  ck_assert_uint_eq (n, (size_t) 3 * w * h);
  memcpy (yolor_net_input (net), in, n * sizeof (float));
  free (in);
  ck_assert_msg (yolor_net_forward (net, &err) == YOLOR_OK, "%s", err.msg);
}

/* Largest |got − ref| of head @k against its reference; *@max_ref gets the
 * largest |ref|. */
static double
head_diff (const yolor_net *net, int m, const char *tag, int k, double *max_ref)
{
  char name[256];
  size_t n, at;
  int hc, hh, hw;
  const float *got = yolor_net_head (net, k, &hc, &hh, &hw);
  float *ref;
  double d;
  snprintf (name, sizeof (name), "%s_head%d_raw.bin", tag, k);
  ref = read_ref (m, name, &n);
  ck_assert_uint_eq (n, (size_t) hc * hh * hw);
  d = tu_max_abs_diff (got, ref, n, &at);
  *max_ref = 0.0;
  for (size_t i = 0; i < n; i++)
    *max_ref = fmax (*max_ref, fabs (ref[i]));
  free (ref);
  return d;
}

static void
check_heads (int m, const input_case *c, int fold)
{
  yolor_net *net = load_model (m, fold, 0);
  char *json = ref_json (m);
  int w, h;
  input_size (json, c->tag, &w, &h);
  run_input (net, m, c->tag, w, h);
  for (int k = 0; k < yolor_net_n_heads (net); k++) {
    double spread =
        input_number (json, c->tag, "f32_vs_f64", "heads_raw_max_abs", k);
    double max_ref, d = head_diff (net, m, c->tag, k, &max_ref);
    ck_assert_msg (!isnan (spread), "no f32_vs_f64 for %s head %d", c->tag, k);
    printf ("%s/%s head %d fold=%d: max |diff| %.3g = %.2f x the f32-vs-f64 "
            "spread\n",
        models[m], c->tag, k, fold, d, d / spread);
    ck_assert_msg (d <= 8.0 * spread,
        "%s/%s head %d fold=%d: max |diff| %.3g > 8 x %.3g", models[m], c->tag,
        k, fold, d, spread);
  }
  free (json);
  yolor_net_free (net);
}

START_TEST (test_heads_folded)
{
  check_heads (_i / N_INPUTS, &inputs[_i % N_INPUTS], 1);
}
END_TEST

START_TEST (test_heads_unfolded)
{
  check_heads (_i / N_INPUTS, &inputs[_i % N_INPUTS], 0);
}
END_TEST

/* IDetect alone: the reference features in, the heads out within
 * 1e-5 x max |ref|. The converter writes IDetect after every other layer:
 * its implicit vectors, then per head a one-input [route] to the feature. */
static void
check_idetect (int m, int fold)
{
  yolor_net *net = load_model (m, fold, 1);
  char *json = ref_json (m);
  const char *tag = "horses_square";
  int w, h, first = -1, k = 0;
  yolor_error err;
  input_size (json, tag, &w, &h);
  run_input (net, m, tag, w, h);
  for (int i = 0; i < net->n_layers && first < 0; i++)
    if (net->layers[i].ops->kind == YOLOR_LAYER_IMPLICIT)
      first = i;
  ck_assert_int_gt (first, 0);
  for (int i = first; i < net->n_layers; i++) {
    const yolor_layer *l = &net->layers[i];
    char name[256];
    size_t n;
    float *feat;
    yolor_tensor *t;
    if (l->ops->kind != YOLOR_LAYER_ROUTE || l->n_in != 1)
      continue;
    t = &net->t[l->in[0]];
    snprintf (name, sizeof (name), "%s_feat%d.bin", tag, k);
    feat = read_ref (m, name, &n);
    ck_assert_uint_eq (n, (size_t) t->c * t->h * t->w);
    memcpy (t->out, feat, n * sizeof (float));
    free (feat);
    k++;
  }
  ck_assert_int_eq (k, yolor_net_n_heads (net));
  ck_assert_msg (
      yolor_net_forward_from (net, first, &err) == YOLOR_OK, "%s", err.msg);
  for (k = 0; k < yolor_net_n_heads (net); k++) {
    double max_ref, d = head_diff (net, m, tag, k, &max_ref);
    printf ("%s IDetect head %d fold=%d: max |diff| %.3g = %.3g x max |ref|\n",
        models[m], k, fold, d, d / max_ref);
    ck_assert_msg (d <= 1e-5 * max_ref,
        "%s IDetect head %d fold=%d: max |diff| %.3g > 1e-5 x %.3g", models[m],
        k, fold, d, max_ref);
  }
  free (json);
  yolor_net_free (net);
}

START_TEST (test_idetect)
{
  check_idetect (_i / 2, _i % 2);
}
END_TEST

/* Reference heads in, our decode out: boxes within 1e-3 px + 1e-6 |ref|,
 * scores within 1e-6 (horses inputs: rand_decoded.bin is not stored). */
START_TEST (test_decode)
{
  int m = _i / 2;
  const char *tag = inputs[1 + _i % 2].tag;
  yolor_net *net = load_model (m, 1, 0);
  char *json = ref_json (m), name[256];
  size_t n;
  int w, h, no = 5 + net->model->n_classes;
  float *ref, *row = malloc (sizeof (float) * (size_t) no);
  yolor_error err;
  input_size (json, tag, &w, &h);
  ck_assert_int_eq (yolor_net_prepare_input (net, w, h, &err), YOLOR_OK);
  for (int k = 0; k < net->model->n_heads; k++) {
    yolor_tensor *t = &net->t[net->model->heads[k]];
    float *head;
    snprintf (name, sizeof (name), "%s_head%d_raw.bin", tag, k);
    head = read_ref (m, name, &n);
    ck_assert_uint_eq (n, (size_t) t->c * t->h * t->w);
    memcpy (t->out, head, n * sizeof (float));
    free (head);
  }
  snprintf (name, sizeof (name), "%s_decoded.bin", tag);
  ref = read_ref (m, name, &n);
  ck_assert_uint_eq (n, (size_t) net->n_rows * no);
  for (int r = 0; r < net->n_rows; r++) {
    const float *e = ref + (size_t) r * no;
    yolor_decode_row (net, r, row);
    for (int j = 0; j < no; j++) {
      double tol = j < 4 ? 1e-3 + 1e-6 * fabs (e[j]) : 1e-6;
      ck_assert_msg (fabs ((double) row[j] - e[j]) <= tol,
          "%s/%s row %d col %d: got %.9g, ref %.9g", models[m], tag, r, j,
          (double) row[j], (double) e[j]);
    }
  }
  free (ref);
  free (row);
  free (json);
  yolor_net_free (net);
}
END_TEST

/* The official NMS's candidates from the reference decoded rows; our NMS
 * at the model's default thresholds (the paper's 0.25 / 0.45) must keep
 * the very same rows, in order, bit for bit. */
START_TEST (test_nms)
{
  int m = _i / 2;
  const char *tag = inputs[1 + _i % 2].tag;
  yolor_net *net = load_model (m, 1, 0);
  char *json = ref_json (m), name[256];
  size_t n, n_ref;
  int w, h, nc, n_c = 0, n_keep;
  float *dec, *ref;
  yolor_candidate *cand;
  int *keep;
  yolor_post_params post;
  yolor_error err;
  input_size (json, tag, &w, &h);
  ck_assert_int_eq (yolor_net_prepare_input (net, w, h, &err), YOLOR_OK);
  yolor_net_default_post (net, &post);
  ck_assert_float_eq (post.conf_threshold, 0.25f);
  ck_assert_float_eq (post.iou_threshold, 0.45f);
  nc = net->model->n_classes;
  snprintf (name, sizeof (name), "%s_decoded.bin", tag);
  dec = read_ref (m, name, &n);
  snprintf (name, sizeof (name), "%s_nms.bin", tag);
  ref = read_ref (m, name, &n_ref);
  cand = malloc (sizeof (*cand) * (size_t) net->n_rows * nc);
  keep = malloc (sizeof (int) * (size_t) net->n_rows * nc);
  for (int r = 0; r < net->n_rows; r++) {
    const float *d = dec + (size_t) r * (5 + nc);
    float x1 = d[0] - d[2] / 2.0f, y1 = d[1] - d[3] / 2.0f;
    float x2 = d[0] + d[2] / 2.0f, y2 = d[1] + d[3] / 2.0f;
    if (!(d[4] > post.conf_threshold))
      continue;
    for (int cl = 0; cl < nc; cl++) {
      float s = d[5 + cl] * d[4];
      if (s > post.conf_threshold) {
        cand[n_c] = (yolor_candidate){ x1, y1, x2, y2, s, d[4], cl, n_c, r };
        n_c++;
      }
    }
  }
  n_keep = yolor_nms (cand, n_c, post.iou_threshold, 0, keep, 300);
  ck_assert_int_gt (n_keep, 0);
  ck_assert_int_eq ((size_t) n_keep, n_ref / 6);
  for (int i = 0; i < n_keep; i++) {
    const yolor_candidate *k = &cand[keep[i]];
    const float *e = ref + (size_t) i * 6;
    float got[6] = { k->x1, k->y1, k->x2, k->y2, k->score, (float) k->cls };
    ck_assert_msg (memcmp (got, e, sizeof (got)) == 0,
        "%s/%s_nms row %d: got %.9g %.9g %.9g %.9g %.9g %g, ref %.9g %.9g "
        "%.9g %.9g %.9g %g",
        models[m], tag, i, got[0], got[1], got[2], got[3], got[4], got[5], e[0],
        e[1], e[2], e[3], e[4], e[5]);
  }
  free (cand);
  free (keep);
  free (dec);
  free (ref);
  free (json);
  yolor_net_free (net);
}
END_TEST

/* TAG_nms.bin mapped back to the 773x512 image and rounded equals
 * TAG_nms_orig.bin, with the letterbox the engine picks for that image. */
START_TEST (test_scale_back)
{
  int m = _i / 2;
  const input_case *c = &inputs[1 + _i % 2];
  char cfg[1200], wp[1200], name[256], *json = ref_json (m);
  yolor_options o;
  yolor_net *net = NULL;
  yolor_error err;
  size_t n, n2;
  int w, h;
  float *nms, *orig;
  input_size (json, c->tag, &w, &h);
  yolor_options_init (&o);
  o.input_width = o.input_height = w;
  o.resize = c->square ? YOLOR_RESIZE_LETTERBOX : YOLOR_RESIZE_LETTERBOX_RECT;
  converted (m, cfg, wp, sizeof (cfg));
  ck_assert_int_eq (yolor_net_load (cfg, wp, &o, &net, &err), YOLOR_OK);
  ck_assert_msg (
      yolor_net_prepare (net, 773, 512, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_int_eq (net->in_w, w);
  ck_assert_int_eq (net->in_h, h);
  snprintf (name, sizeof (name), "%s_nms.bin", c->tag);
  nms = read_ref (m, name, &n);
  snprintf (name, sizeof (name), "%s_nms_orig.bin", c->tag);
  orig = read_ref (m, name, &n2);
  ck_assert_uint_eq (n, n2);
  snprintf (name, sizeof (name), "%s/%s", models[m], c->tag);
  tu_check_mapped_back (net, nms, orig, n / 6, name);
  free (nms);
  free (orig);
  free (json);
  yolor_net_free (net);
}
END_TEST

static Suite *
paper_suite (void)
{
  Suite *s = suite_create ("paper");
  TCase *tc = tcase_create ("reference-paper");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_heads_folded, 0, N_MODELS * N_INPUTS);
  tcase_add_loop_test (tc, test_heads_unfolded, 0, N_MODELS * N_INPUTS);
  tcase_add_loop_test (tc, test_idetect, 0, N_MODELS * 2);
  tcase_add_loop_test (tc, test_decode, 0, N_MODELS * 2);
  tcase_add_loop_test (tc, test_nms, 0, N_MODELS * 2);
  tcase_add_loop_test (tc, test_scale_back, 0, N_MODELS * 2);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr;
  int failed;
  if (convert_all () != 0) {
    fprintf (stderr,
        "test-paper: converting the reference-paper models "
        "failed\n");
    remove_converted ();
    return 1;
  }
  sr = srunner_create (paper_suite ());
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  remove_converted ();
  return failed == 0 ? 0 : 1;
}
