/* One model, many nets (yolor_model_load + yolor_net_new):
 *  (a) nets made from one model share its layers and parameters, and each
 *      gives bit for bit the detections of a net loaded on its own with the
 *      same options, at its own input size and resize mode;
 *  (b) running them never writes the model (a checksum of every parameter
 *      array, packed copies included, is unchanged);
 *  (c) nets in four threads on one model, each on its own image, give the
 *      single-threaded results on every iteration;
 *  (d) reference counting: the model lives until its last net is freed;
 *      bad arguments are errors, not crashes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/test-check.h"
#include "../common/test-frame.h"
#include "../common/test-util.h"
#include "kernels/kernels.h"
#include "yolor-private.h"

#define MAX_DETS 300
#define N_THREADS 4
#define N_ITER 6


/* 0: yolo-fastest-1.1-xl (real weights, darknet); 1: yolor_csp_narrow at
 * 320 (YOLOR, implicit layers folded) */
static void
model_paths (int m, char *cfg, char *w, size_t n)
{
  if (m == 0) {
    tu_shared_path (
        cfg, n, "models/yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.cfg");
    tu_shared_path (
        w, n, "models/yolo-fastest-1.1-xl/yolo-fastest-1.1-xl.weights");
  } else {
    tu_shared_path (cfg, n, "reference/yolor_csp_narrow_320/model.cfg");
    tu_shared_path (w, n, "reference/yolor_csp_narrow_320/model.weights");
  }
}

static const char *
image_for (int m)
{
  return m == 0 ? "dog.jpg" : "horses.jpg";
}

static yolor_model *
load_shared (int m)
{
  char cfg[1024], w[1024];
  yolor_model *model = NULL;
  yolor_error err;
  model_paths (m, cfg, w, sizeof (cfg));
  ck_assert_msg (
      yolor_model_load (cfg, w, NULL, &model, &err) == YOLOR_OK, "%s", err.msg);
  return model;
}

/* The two per-net setups each model is run with on one shared model. */
static yolor_options
net_options (int m, int k)
{
  yolor_options o;
  yolor_options_init (&o);
  o.n_threads = 1 + k;
  if (m == 0) {
    o.input_width = k ? 416 : 320;
    o.input_height = k ? 256 : 320;
  } else {
    o.input_width = o.input_height = k ? 256 : 320;
    o.resize = k ? YOLOR_RESIZE_LETTERBOX_RECT : YOLOR_RESIZE_LETTERBOX;
  }
  return o;
}

static size_t
detect (yolor_net *net, const rgb_frame *f, yolor_detection *d)
{
  yolor_image img = rgb_image (f);
  yolor_error err;
  size_t n = 0;
  ck_assert_msg (
      yolor_net_prepare (net, f->w, f->h, &err) == YOLOR_OK, "%s", err.msg);
  ck_assert_msg (
      yolor_net_detect (net, &img, NULL, d, MAX_DETS, &n, &err) == YOLOR_OK,
      "%s", err.msg);
  return n;
}

/* FNV-1a over @n bytes, continuing from @h. */
static uint64_t
fnv (uint64_t h, const void *p, size_t n)
{
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

/* Every parameter array of @model, packed copies included. */
static uint64_t
model_checksum (const yolor_model *model)
{
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < model->n_layers; i++) {
    const yolor_layer *l = &model->layers[i];
    if (l->ops->kind == YOLOR_LAYER_CONV && !l->folded) {
      if (l->conv.weights) /* depthwise: the kernel reads them */
        h = fnv (h, l->conv.weights,
            sizeof (float) * (size_t) yolor_conv_weight_count (l));
      h = fnv (h, l->conv.bias, sizeof (float) * (size_t) l->conv.filters);
      if (l->conv.wpack || l->conv.wino)
        h = fnv (h, l->conv.wpack ? l->conv.wpack : l->conv.wino,
            l->conv.packed_bytes);
    } else if (l->ops->kind == YOLOR_LAYER_IMPLICIT)
      h = fnv (h, l->implicit.param, sizeof (float) * (size_t) l->c);
  }
  return h;
}

START_TEST (test_shared_matches_own)
{
  int m = _i;
  char cfg[1024], w[1024];
  rgb_frame f = decode (image_for (m));
  yolor_model *model = load_shared (m);
  yolor_net *shared[2], *own[2];
  yolor_error err;
  uint64_t before = model_checksum (model);

  model_paths (m, cfg, w, sizeof (cfg));
  for (int k = 0; k < 2; k++) {
    yolor_options o = net_options (m, k);
    ck_assert_msg (
        yolor_net_new (model, &o, &shared[k], &err) == YOLOR_OK, "%s", err.msg);
    ck_assert_msg (
        yolor_net_load (cfg, w, &o, &own[k], &err) == YOLOR_OK, "%s", err.msg);
  }
  /* the nets hold the model: the caller's reference can go */
  yolor_model_unref (model);
  ck_assert_ptr_eq (yolor_net_model (shared[0]), yolor_net_model (shared[1]));
  ck_assert_ptr_eq (shared[0]->layers, shared[1]->layers);
  ck_assert_ptr_ne (yolor_net_model (own[0]), yolor_net_model (own[1]));

  for (int k = 0; k < 2; k++) {
    yolor_detection a[MAX_DETS], b[MAX_DETS];
    size_t na = detect (shared[k], &f, a), nb = detect (own[k], &f, b);
    int iw, ih;
    yolor_net_input_size (shared[k], &iw, &ih);
    printf ("%s, net %d (%dx%d input): %zu detections shared, %zu alone\n",
        image_for (m), k, iw, ih, na, nb);
    ck_assert_uint_gt (na, 0);
    ck_assert_uint_eq (na, nb);
    ck_assert_msg (memcmp (a, b, na * sizeof (*a)) == 0,
        "net %d: shared and own detections differ", k);
  }
  /* the two setups really differ (else the test proves less) */
  {
    int w0, h0, w1, h1;
    yolor_net_input_size (shared[0], &w0, &h0);
    yolor_net_input_size (shared[1], &w1, &h1);
    ck_assert (w0 != w1 || h0 != h1);
  }
  ck_assert_msg (model_checksum (yolor_net_model (shared[0])) == before,
      "running the nets wrote to the shared model");
  for (int k = 0; k < 2; k++) {
    yolor_net_free (shared[k]);
    yolor_net_free (own[k]);
  }
  tu_free_image (f.px);
}
END_TEST

/* ---- (c) threads ---- */

static const char *const thread_images[N_THREADS] = { "dog.jpg", "horses.jpg",
  "person.jpg", "giraffe.jpg" };

typedef struct
{
  yolor_net *net;
  const rgb_frame *frame;
  const yolor_detection *want;
  size_t n_want;
  int mismatches; /* iterations whose result differed */
  yolor_status st;
  char msg[512];
} worker;

static void *
work (void *p)
{
  worker *wk = p;
  yolor_image img = rgb_image (wk->frame);
  yolor_detection d[MAX_DETS];
  yolor_error err;
  for (int it = 0; it < N_ITER; it++) {
    size_t n = 0;
    wk->st = yolor_net_detect (wk->net, &img, NULL, d, MAX_DETS, &n, &err);
    if (wk->st != YOLOR_OK) {
      snprintf (wk->msg, sizeof (wk->msg), "%s", err.msg);
      return NULL;
    }
    if (n != wk->n_want || memcmp (d, wk->want, n * sizeof (*d)) != 0)
      wk->mismatches++;
  }
  return NULL;
}

START_TEST (test_shared_threads)
{
  yolor_model *model = load_shared (0);
  rgb_frame f[N_THREADS];
  yolor_detection want[N_THREADS][MAX_DETS];
  worker wk[N_THREADS];
  pthread_t th[N_THREADS];
  yolor_options o;
  yolor_error err;

  yolor_options_init (&o);
  o.n_threads = 1;
  memset (wk, 0, sizeof (wk));
  for (int i = 0; i < N_THREADS; i++) {
    f[i] = decode (thread_images[i]);
    ck_assert_msg (
        yolor_net_new (model, &o, &wk[i].net, &err) == YOLOR_OK, "%s", err.msg);
    /* the expected result, computed before any thread starts */
    wk[i].n_want = detect (wk[i].net, &f[i], want[i]);
    wk[i].frame = &f[i];
    wk[i].want = want[i];
    printf ("%s: %zu detections\n", thread_images[i], wk[i].n_want);
  }
  for (int i = 0; i < N_THREADS; i++)
    ck_assert_int_eq (pthread_create (&th[i], NULL, work, &wk[i]), 0);
  for (int i = 0; i < N_THREADS; i++)
    ck_assert_int_eq (pthread_join (th[i], NULL), 0);
  for (int i = 0; i < N_THREADS; i++) {
    ck_assert_msg (wk[i].st == YOLOR_OK, "%s: %s", thread_images[i], wk[i].msg);
    ck_assert_msg (wk[i].mismatches == 0,
        "%s: %d of %d iterations in a thread differed from the first result",
        thread_images[i], wk[i].mismatches, N_ITER);
    yolor_net_free (wk[i].net);
    tu_free_image (f[i].px);
  }
  yolor_model_unref (model);
}
END_TEST

/* ---- (d) references and arguments ---- */

START_TEST (test_model_refs)
{
  yolor_model *model = load_shared (0);
  yolor_net *net = NULL;
  yolor_error err;
  int64_t weights = 0;

  for (int i = 0; i < model->n_layers; i++)
    if (model->layers[i].ops->kind == YOLOR_LAYER_CONV)
      weights += yolor_conv_weight_count (&model->layers[i]);
  ck_assert_ptr_eq (yolor_model_ref (model), model);
  yolor_model_unref (model); /* back to one reference */
  /* every weight in one copy: packed (Winograd's transform holds 36/9 as
   * many) or, for depthwise convs, plain */
  printf ("model: %zu parameter bytes for %lld weights\n",
      yolor_model_param_bytes (model), (long long) weights);
  ck_assert_uint_ge (yolor_model_param_bytes (model), 4 * (size_t) weights);
  ck_assert_uint_lt (yolor_model_param_bytes (model), 16 * (size_t) weights);
  ck_assert_uint_eq (yolor_model_param_bytes (NULL), 0);

  ck_assert_int_eq (
      yolor_net_new (NULL, NULL, &net, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_null (net);
  ck_assert_int_eq (
      yolor_net_new (model, NULL, NULL, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_null (yolor_net_model (NULL));
  ck_assert_ptr_null (yolor_model_ref (NULL));
  yolor_model_unref (NULL);

  /* an input the layers cannot take fails net_new and leaves the model
   * usable */
  {
    yolor_options o;
    yolor_options_init (&o);
    o.input_width = o.input_height = 1;
    ck_assert_int_ne (yolor_net_new (model, &o, &net, &err), YOLOR_OK);
    ck_assert_ptr_null (net);
    printf ("1x1 input: %s\n", err.msg);
  }
  ck_assert_int_eq (yolor_net_new (model, NULL, &net, &err), YOLOR_OK);
  yolor_model_unref (model);
  /* the net alone keeps the model alive (ASan/valgrind see any misuse) */
  {
    rgb_frame f = decode ("dog.jpg");
    yolor_detection d[MAX_DETS];
    ck_assert_uint_gt (detect (net, &f, d), 0);
    tu_free_image (f.px);
  }
  yolor_net_free (net);

  ck_assert_int_eq (
      yolor_model_load ("/nonexistent.cfg", NULL, NULL, &model, &err),
      YOLOR_ERR_IO);
  ck_assert_ptr_null (model);
  ck_assert_int_eq (
      yolor_model_load (NULL, NULL, NULL, &model, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_model_load ("x.cfg", NULL, NULL, NULL, &err),
      YOLOR_ERR_INVALID_ARG);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("shared");
  TCase *tc = tcase_create ("shared");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_shared_matches_own, 0, 2);
  tcase_add_test (tc, test_shared_threads);
  tcase_add_test (tc, test_model_refs);
  suite_add_tcase (s, tc);
  return tu_run_suite (s);
}
