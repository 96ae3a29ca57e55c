/* Batches (yolor_net_detect_batch, yolor_net_forward_batch and the kernels'
 * several-image products) give bit for bit what one frame at a time gives:
 *  (a) the GEMM over several images (1x1 matrix, im2col conv with groups,
 *      K over one block) and Winograd over several images (chunks inside one
 *      image and chunks spanning images), FP32 and, where the CPU has it,
 *      BF16, with 1 and 2 threads, on odd sizes with fixed seeds;
 *  (b) the real Yolo-Fastest-1.1-xl on four shared images of different
 *      sizes: the detections and embeddings of each frame of a batch equal
 *      those of yolor_net_detect () on its own, with 1 thread (the four as
 *      one product per layer) and 2 (whole frames per thread);
 *  (c) the narrowed YOLOR-CSP reference (Winograd layers, folded implicit
 *      layers): every head of yolor_net_forward_batch () equals
 *      yolor_net_forward () on each net, three nets on 2 threads (two whole
 *      frames and one left over) and on 1 (one product);
 *  (d) what cannot be batched is an error naming the net; a frame that
 *      cannot run gets its own status while the others run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test-check.h"
#include "../common/test-frame.h"
#include "../common/test-util.h"
#include "kernels/kernels.h"
#include "yolor-private.h"

#define IMAGES 3
#define MAX_DETS 300

/* ---- (a) kernels ---- */

typedef struct
{
  int M, K, c, h, w, k, stride, pad, groups; /* k = 1, stride 1: matrix */
} gemm_case;

static const gemm_case gemm_cases[] = {
  { 37, 70, 70, 7, 9, 1, 1, 0, 1 }, /* 1x1 conv: B is the input matrix */
  { 13, 27, 6, 11, 13, 3, 2, 1, 2 }, /* 3x3 stride 2, two groups */
  { 9, 300, 300, 5, 3, 1, 1, 0, 1 }, /* K over one block */
};

#define N_GEMM_CASES (sizeof (gemm_cases) / sizeof (gemm_cases[0]))

static int
out_side (int n, int k, int stride, int pad)
{
  return (n + 2 * pad - k) / stride + 1;
}

/* The conv of case @c on @images inputs in one product (images > 0) or on
 * xs[0] alone (images == 0), into ys. */
static void
gemm_conv (const gemm_case *c, int bf16, int nt, int images,
    const float *const *xs, float *const *ys, const void *packed,
    size_t per_group, const float *bias, float *work)
{
  int oh = out_side (c->h, c->k, c->stride, c->pad);
  int ow = out_side (c->w, c->k, c->stride, c->pad);
  int cpg = c->c / c->groups, opg = c->M;
  yolor_gemm_task t = { 0 };
  t.M = opg;
  t.N = oh * ow;
  t.K = cpg * c->k * c->k;
  if (bf16)
    t.a16 = packed;
  else
    t.a = packed;
  t.b.x = xs[0];
  if (c->k == 1 && c->stride == 1)
    t.b.ld = oh * ow;
  else
    t.b = yolor_gemm_conv_source (
        xs[0], cpg, c->h, c->w, c->k, c->stride, c->pad, ow);
  t.c = ys[0];
  t.ldc = oh * ow;
  t.bias = bias;
  t.bias_step = (size_t) opg;
  t.act = YOLOR_ACT_LEAKY;
  t.batch = c->groups;
  t.a_step = per_group;
  t.b_step = (size_t) cpg * c->h * c->w;
  t.c_step = (size_t) opg * oh * ow;
  t.images = images;
  t.xs = xs;
  t.cs = ys;
  yolor_sgemm_run (nt, &t, work);
}

static void
free_images (float **x, float **one, float **all)
{
  for (int i = 0; i < IMAGES; i++) {
    free (x[i]);
    free (one[i]);
    free (all[i]);
  }
}

static void
check_gemm_images (const gemm_case *c, int bf16, uint32_t seed)
{
  int oh = out_side (c->h, c->k, c->stride, c->pad);
  int ow = out_side (c->w, c->k, c->stride, c->pad);
  int cpg = c->c / c->groups, K = cpg * c->k * c->k;
  size_t in_n = (size_t) c->c * c->h * c->w;
  size_t out_n = (size_t) c->M * c->groups * oh * ow;
  size_t per_group = yolor_gemm_packed_values (bf16, c->M, K);
  size_t unit = bf16 ? sizeof (uint16_t) : sizeof (float);
  float *wt = malloc (sizeof (float) * (size_t) c->M * c->groups * K);
  float *bias = malloc (sizeof (float) * (size_t) c->M * c->groups);
  char *packed = malloc (per_group * unit * c->groups);
  float *work = malloc (sizeof (float) * yolor_sgemm_workspace (2));
  float *x[IMAGES], *one[IMAGES], *all[IMAGES];

  ck_assert (wt && bias && packed && work);
  tu_fill_random (wt, (size_t) c->M * c->groups * K, seed, -0.5f, 0.5f);
  tu_fill_random (bias, (size_t) c->M * c->groups, seed + 1, -0.2f, 0.2f);
  for (int g = 0; g < c->groups; g++) {
    const float *w = wt + (size_t) g * c->M * K;
    if (bf16)
      yolor_bgemm_pack_a (
          c->M, K, w, K, (uint16_t *) packed + (size_t) g * per_group);
    else
      yolor_sgemm_pack_a (
          c->M, K, w, K, (float *) packed + (size_t) g * per_group);
  }
  for (int i = 0; i < IMAGES; i++) {
    x[i] = malloc (sizeof (float) * in_n);
    one[i] = malloc (sizeof (float) * out_n);
    all[i] = malloc (sizeof (float) * out_n);
    ck_assert (x[i] && one[i] && all[i]);
    tu_fill_random (x[i], in_n, seed + 10 + i, -1.0f, 1.0f);
  }
  for (int nt = 1; nt <= 2; nt++) {
    for (int i = 0; i < IMAGES; i++)
      gemm_conv (c, bf16, nt, 0, (const float *const *) &x[i], &one[i], packed,
          per_group, bias, work);
    gemm_conv (c, bf16, nt, IMAGES, (const float *const *) x, all, packed,
        per_group, bias, work);
    for (int i = 0; i < IMAGES; i++)
      ck_assert_msg (!memcmp (one[i], all[i], sizeof (float) * out_n),
          "GEMM M=%d K=%d c=%d %dx%d k=%d stride=%d groups=%d bf16=%d "
          "threads=%d: image %d of the batch differs from it alone",
          c->M, K, c->c, c->w, c->h, c->k, c->stride, c->groups, bf16, nt, i);
  }
  free_images (x, one, all);
  free (wt);
  free (bias);
  free (packed);
  free (work);
}

START_TEST (test_gemm_images)
{
  for (size_t i = 0; i < N_GEMM_CASES; i++) {
    check_gemm_images (&gemm_cases[i], 0, 100 + (uint32_t) i);
    if (yolor_bf16_available ())
      check_gemm_images (&gemm_cases[i], 1, 200 + (uint32_t) i);
  }
  if (!yolor_bf16_available ())
    printf ("test_gemm_images: no BF16 GEMM on this CPU (kernels %s), "
            "FP32 only\n",
        yolor_kernels_name ());
}
END_TEST

/* Winograd, cin = 40, cout = 33, 13x19 with pad 1 (4 x 5 tiles, the last
 * row and column partial). @wide: a workspace for every image's tiles at
 * once (chunks span images); else the one-image workspace. */
static void
check_winograd_images (int bf16, int wide)
{
  const int cin = 40, cout = 33, h = 13, w = 19, pad = 1;
  const int oh = h, ow = w;
  size_t in_n = (size_t) cin * h * w, out_n = (size_t) cout * oh * ow;
  size_t one_ws = yolor_winograd_workspace (cin, cout, oh, ow);
  size_t ws = wide ? one_ws * IMAGES : one_ws;
  float *wt = malloc (sizeof (float) * (size_t) cout * cin * 9);
  float *bias = malloc (sizeof (float) * cout);
  void *u = malloc (yolor_winograd_weights_bytes (cout, cin, bf16));
  float *work = malloc (sizeof (float) * ws);
  float *gwork = malloc (sizeof (float) * yolor_sgemm_workspace (2));
  float *x[IMAGES], *one[IMAGES], *all[IMAGES];

  ck_assert (wt && bias && u && work && gwork);
  tu_fill_random (wt, (size_t) cout * cin * 9, 300 + bf16, -0.5f, 0.5f);
  tu_fill_random (bias, cout, 301, -0.1f, 0.1f);
  ck_assert_int_eq (yolor_winograd_prepare (wt, cout, cin, bf16, u), 0);
  for (int i = 0; i < IMAGES; i++) {
    x[i] = malloc (sizeof (float) * in_n);
    one[i] = malloc (sizeof (float) * out_n);
    all[i] = malloc (sizeof (float) * out_n);
    ck_assert (x[i] && one[i] && all[i]);
    tu_fill_random (x[i], in_n, 310 + i, -1.0f, 1.0f);
  }
  for (int nt = 1; nt <= 2; nt++) {
    for (int i = 0; i < IMAGES; i++)
      yolor_winograd_conv (nt, 1, (const float *const *) &x[i], cin, h, w, pad,
          u, bf16, cout, bias, YOLOR_ACT_SILU, NULL, &one[i], oh, ow, work,
          one_ws, gwork);
    yolor_winograd_conv (nt, IMAGES, (const float *const *) x, cin, h, w, pad,
        u, bf16, cout, bias, YOLOR_ACT_SILU, NULL, all, oh, ow, work, ws,
        gwork);
    for (int i = 0; i < IMAGES; i++)
      ck_assert_msg (!memcmp (one[i], all[i], sizeof (float) * out_n),
          "Winograd bf16=%d wide=%d threads=%d: image %d of the batch "
          "differs from it alone",
          bf16, wide, nt, i);
  }
  free_images (x, one, all);
  free (wt);
  free (bias);
  free (u);
  free (work);
  free (gwork);
}

START_TEST (test_winograd_images)
{
  for (int wide = 0; wide <= 1; wide++) {
    check_winograd_images (0, wide);
    if (yolor_bf16_available ())
      check_winograd_images (1, wide);
  }
}
END_TEST

/* ---- (b) detections ---- */

#define N_FRAMES 4

static const char *const frame_names[N_FRAMES] = { "dog.jpg", "horses.jpg",
  "person.jpg", "giraffe.jpg" };

static yolor_model *
load_fastest (void)
{
  char cfg[1024], w[1024];
  yolor_model *model = NULL;
  yolor_error err;
  tu_shared_path (
      cfg, sizeof (cfg), "models/yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.cfg");
  tu_shared_path (
      w, sizeof (w), "models/yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.weights");
  ck_assert_msg (
      yolor_model_load (cfg, w, NULL, &model, &err) == YOLOR_OK, "%s", err.msg);
  return model;
}

static yolor_net *
new_net (yolor_model *model, int n_threads, int side)
{
  yolor_options o;
  yolor_net *net = NULL;
  yolor_error err;
  yolor_options_init (&o);
  o.n_threads = n_threads;
  o.input_width = o.input_height = side;
  ck_assert_msg (
      yolor_net_new (model, &o, &net, &err) == YOLOR_OK, "%s", err.msg);
  return net;
}

static void
prepare (yolor_net *net, int w, int h)
{
  yolor_error err;
  ck_assert_msg (
      yolor_net_prepare (net, w, h, &err) == YOLOR_OK, "%s", err.msg);
}

/* Detections and embeddings of one frame. */
typedef struct
{
  yolor_detection d[MAX_DETS];
  size_t n;
  float *emb; /* owned */
  size_t n_emb;
  int dim;
} result;

static void
keep_embeddings (const yolor_net *net, result *r)
{
  const float *e = yolor_net_embeddings (net, &r->dim);
  r->n_emb = yolor_net_n_embeddings (net);
  r->emb = malloc (sizeof (float) * (r->n_emb * r->dim + 1));
  ck_assert (r->emb != NULL);
  if (r->n_emb)
    memcpy (r->emb, e, sizeof (float) * r->n_emb * r->dim);
}

START_TEST (test_detect_batch_matches_single)
{
  int threads = 1 + _i;
  yolor_model *model = load_fastest ();
  rgb_frame f[N_FRAMES];
  yolor_image img[N_FRAMES];
  yolor_net *nets[N_FRAMES];
  yolor_batch_item items[N_FRAMES];
  yolor_error err;
  static result single[N_FRAMES], batch[N_FRAMES];

  for (int k = 0; k < N_FRAMES; k++) {
    f[k] = decode (frame_names[k]);
    img[k] = rgb_image (&f[k]);
    nets[k] = new_net (model, threads, 320);
    prepare (nets[k], f[k].w, f[k].h);
    ck_assert_msg (yolor_net_detect (nets[k], &img[k], NULL, single[k].d,
                       MAX_DETS, &single[k].n, &err)
            == YOLOR_OK,
        "%s", err.msg);
    keep_embeddings (nets[k], &single[k]);
    ck_assert_uint_gt (single[k].n, 0);
  }
  memset (items, 0, sizeof (items));
  for (int k = 0; k < N_FRAMES; k++) {
    items[k].net = nets[k];
    items[k].img = &img[k];
    items[k].dets = batch[k].d;
    items[k].capacity = MAX_DETS;
  }
  ck_assert_msg (yolor_net_detect_batch (items, N_FRAMES, &err) == YOLOR_OK,
      "%s", err.msg);
  for (int k = 0; k < N_FRAMES; k++) {
    ck_assert_int_eq (items[k].status, YOLOR_OK);
    batch[k].n = items[k].n_out;
    keep_embeddings (nets[k], &batch[k]);
    printf ("%s (%dx%d), %d threads: %zu detections alone, %zu in the "
            "batch\n",
        frame_names[k], f[k].w, f[k].h, threads, single[k].n, batch[k].n);
    ck_assert_uint_eq (batch[k].n, single[k].n);
    ck_assert_msg (!memcmp (batch[k].d, single[k].d,
                       single[k].n * sizeof (single[k].d[0])),
        "%s: the batch's detections differ from the frame's own",
        frame_names[k]);
    ck_assert_uint_eq (batch[k].n_emb, single[k].n_emb);
    ck_assert_int_eq (batch[k].dim, single[k].dim);
    ck_assert_msg (!memcmp (batch[k].emb, single[k].emb,
                       sizeof (float) * single[k].n_emb * single[k].dim),
        "%s: the batch's embeddings differ", frame_names[k]);
  }
  /* a batch of one is a frame alone */
  ck_assert_int_eq (yolor_net_detect_batch (&items[2], 1, &err), YOLOR_OK);
  ck_assert_uint_eq (items[2].n_out, single[2].n);
  for (int k = 0; k < N_FRAMES; k++) {
    free (single[k].emb);
    free (batch[k].emb);
    yolor_net_free (nets[k]);
    tu_free_image (f[k].px);
  }
  yolor_model_unref (model);
}
END_TEST

/* ---- (c) heads ---- */

START_TEST (test_forward_batch_heads)
{
  char cfg[1024], w[1024];
  yolor_model *model = NULL;
  yolor_net *nets[IMAGES];
  float *want[IMAGES][8];
  int n_heads, winograd = 0;
  yolor_error err;

  tu_shared_path (
      cfg, sizeof (cfg), "reference/yolor_csp_narrow_320/model.cfg");
  tu_shared_path (
      w, sizeof (w), "reference/yolor_csp_narrow_320/model.weights");
  ck_assert_msg (
      yolor_model_load (cfg, w, NULL, &model, &err) == YOLOR_OK, "%s", err.msg);
  for (int i = 0; i < model->n_layers; i++)
    winograd += model->layers[i].conv.wino != NULL;
  ck_assert_int_gt (winograd, 0); /* the case this test is for */
  for (int k = 0; k < IMAGES; k++) {
    nets[k] = new_net (model, 1 + _i, 320);
    ck_assert_int_eq (yolor_net_prepare_input (nets[k], 320, 320, &err), 0);
    tu_fill_random (
        yolor_net_input (nets[k]), 3 * 320 * 320, 400 + k, 0.0f, 1.0f);
  }
  n_heads = yolor_net_n_heads (nets[0]);
  ck_assert (n_heads > 0 && n_heads <= 8);
  for (int k = 0; k < IMAGES; k++) {
    ck_assert_int_eq (yolor_net_forward (nets[k], &err), YOLOR_OK);
    for (int hd = 0; hd < n_heads; hd++) {
      int c, h, wd;
      const float *p = yolor_net_head (nets[k], hd, &c, &h, &wd);
      want[k][hd] = malloc (sizeof (float) * c * h * wd);
      memcpy (want[k][hd], p, sizeof (float) * c * h * wd);
    }
  }
  ck_assert_int_eq (yolor_net_forward_batch (nets, IMAGES, &err), YOLOR_OK);
  for (int k = 0; k < IMAGES; k++)
    for (int hd = 0; hd < n_heads; hd++) {
      int c, h, wd;
      const float *p = yolor_net_head (nets[k], hd, &c, &h, &wd);
      ck_assert_msg (!memcmp (p, want[k][hd], sizeof (float) * c * h * wd),
          "net %d, head %d: the batch differs from the net alone", k, hd);
      free (want[k][hd]);
    }
  printf ("yolor_csp_narrow_320, %d threads: %d Winograd layers, %d heads "
          "of %d nets identical\n",
      1 + _i, winograd, n_heads, IMAGES);
  for (int k = 0; k < IMAGES; k++)
    yolor_net_free (nets[k]);
  yolor_model_unref (model);
}
END_TEST

/* ---- (d) errors ---- */

START_TEST (test_batch_errors)
{
  yolor_model *a = load_fastest (), *b = load_fastest ();
  yolor_net *n0 = new_net (a, 1, 320), *n1 = new_net (a, 1, 320);
  yolor_net *other = new_net (b, 1, 320), *big = new_net (a, 1, 416);
  yolor_net *keep = NULL;
  yolor_options ko;
  yolor_net *nets[2];
  rgb_frame f = decode ("dog.jpg"), g = decode ("horses.jpg");
  yolor_image img = rgb_image (&f), img_g = rgb_image (&g);
  yolor_detection d0[MAX_DETS], d1[MAX_DETS], want[MAX_DETS];
  yolor_batch_item items[2];
  yolor_error err;
  size_t n_want;

  /* nothing prepared */
  nets[0] = n0;
  nets[1] = n1;
  ck_assert_int_eq (
      yolor_net_forward_batch (nets, 2, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_str_eq (err.msg, "net 0 of the batch is not prepared");
  prepare (n0, f.w, f.h);
  prepare (n1, f.w, f.h);
  prepare (other, f.w, f.h);
  prepare (big, f.w, f.h);
  yolor_options_init (&ko);
  ko.n_threads = 1;
  ko.input_width = ko.input_height = 320;
  ko.keep_layer_outputs = 1;
  ck_assert_int_eq (yolor_net_new (a, &ko, &keep, &err), YOLOR_OK);
  prepare (keep, f.w, f.h);
  ck_assert_int_eq (
      yolor_net_forward_batch (nets, 0, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_net_forward_batch (nets, YOLOR_MAX_BATCH + 1, &err),
      YOLOR_ERR_INVALID_ARG);
  nets[1] = other;
  ck_assert_int_eq (
      yolor_net_forward_batch (nets, 2, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_str_eq (
      err.msg, "net 1 of the batch runs another model than net 0");
  nets[1] = big;
  ck_assert_int_eq (
      yolor_net_forward_batch (nets, 2, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_str_eq (
      err.msg, "net 1 of the batch is prepared for 416x416, net 0 for 320x320");
  nets[1] = n0;
  ck_assert_int_eq (
      yolor_net_forward_batch (nets, 2, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_str_eq (err.msg, "nets 0 and 1 of the batch are the same net");
  nets[1] = keep;
  ck_assert_int_eq (
      yolor_net_forward_batch (nets, 2, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_str_eq (
      err.msg, "nets 0 and 1 of the batch differ in keep_layer_outputs");
  ck_assert_int_eq (
      yolor_net_detect_batch (NULL, 1, &err), YOLOR_ERR_INVALID_ARG);

  /* n1 gets a frame of another size than it was prepared for: it fails on
   * its own, n0 runs and detects what it detects alone */
  ck_assert_int_eq (
      yolor_net_detect (n0, &img, NULL, want, MAX_DETS, &n_want, &err), 0);
  memset (items, 0, sizeof (items));
  items[0].net = n0;
  items[0].img = &img;
  items[0].dets = d0;
  items[0].capacity = MAX_DETS;
  items[1] = items[0];
  items[1].net = n1;
  items[1].img = &img_g;
  items[1].dets = d1;
  ck_assert_int_eq (yolor_net_detect_batch (items, 2, &err), YOLOR_ERR_SHAPE);
  ck_assert_int_eq (items[0].status, YOLOR_OK);
  ck_assert_int_eq (items[1].status, YOLOR_ERR_SHAPE);
  ck_assert_str_eq (err.msg, items[1].err.msg);
  printf ("a frame that does not fit its net: %s\n", items[1].err.msg);
  ck_assert_uint_eq (items[1].n_out, 0);
  ck_assert_uint_eq (items[0].n_out, n_want);
  ck_assert (!memcmp (d0, want, n_want * sizeof (want[0])));

  yolor_net_free (n0);
  yolor_net_free (n1);
  yolor_net_free (other);
  yolor_net_free (big);
  yolor_net_free (keep);
  yolor_model_unref (a);
  yolor_model_unref (b);
  tu_free_image (f.px);
  tu_free_image (g.px);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("batch");
  TCase *tc = tcase_create ("batch");
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_gemm_images);
  tcase_add_test (tc, test_winograd_images);
  tcase_add_loop_test (tc, test_detect_batch_matches_single, 0, 2);
  tcase_add_loop_test (tc, test_forward_batch_heads, 0, 2);
  tcase_add_test (tc, test_batch_errors);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
