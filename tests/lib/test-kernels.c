/* The optimized compute kernels against their plain references, on odd
 * sizes with fixed seeds:
 *  - the packed convolution GEMM (yolor_sgemm_run with fused bias +
 *    activation; OpenBLAS in the generic build) vs tu_gemm_ref for M, N, K in
 *    {1, 3, 17, 31, 64, 255}, with and without bias, leading
 *    dimensions wider than the rows, pointers misaligned by one float; the
 *    padding between rows must stay untouched;
 *  - convolution the way the engine runs it (the packed GEMM reading the
 *    input as its im2col matrix, or directly for 1x1; depthwise kernel) and
 *    through yolor_conv_forward() itself
 *    vs tu_conv_ref, for kernel 1/3/5, stride 1/2, pad 0/1/2, groups
 *    1/2/depthwise and odd frame sizes down to 1x1;
 *  - yolor_bias_act / yolor_act_apply / yolor_bn_act vs the scalar formulas
 *    of every activation, including mish's softplus threshold at 20 and
 *    large negative inputs (no NaN from logistic, silu or mish);
 *  - threads: the engine's own kernels on its pool (yolor_sgemm, depthwise,
 *    Winograd, activations, batch norm) and so every convolution
 *    path give bit-identical results with 1 and 2 threads (the generic
 *    build's OpenBLAS calls included: each takes the same rows and columns
 *    whatever the threads claimed).
 * Every failure message prints all parameters of the case.
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
#include "yolor-private.h"

/* Normalised mean squared error of @got against @ref, and the max |diff|
 * (NaN counts as infinite). */
static double
nmse (const float *got, const float *ref, size_t n)
{
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < n; i++) {
    double d = (double) got[i] - ref[i];
    if (isnan (got[i]))
      return INFINITY;
    num += d * d;
    den += (double) ref[i] * ref[i];
  }
  return den > 0.0 ? num / den : num;
}

/* ---- GEMM ---- */

static const int gemm_sizes[] = { 1, 3, 17, 31, 64, 255 };

#define N_GEMM_SIZES 6

typedef struct
{
  int accumulate;
  int ld_pad; /* extra floats per row in lda, ldb, ldc */
  int misalign; /* 1: every matrix starts 1 float off */
} gemm_variant;

static const gemm_variant gemm_variants[] = {
  { 0, 0, 0 },
  { 1, 0, 0 },
  { 0, 5, 0 },
  { 1, 3, 1 },
  { 0, 0, 1 },
  { 1, 7, 0 },
};

#define N_GEMM_VARIANTS                                                        \
  ((int) (sizeof (gemm_variants) / sizeof (gemm_variants[0])))

/* yolor_sgemm: C = act (A·B + bias), against the double reference. */
static void
check_sgemm (int M, int N, int K, const gemm_variant *v, yolor_act act,
    int bf16, uint32_t seed)
{
  int lda = K + v->ld_pad, ldb = N + v->ld_pad, ldc = N + v->ld_pad;
  int off = v->misalign ? 1 : 0;
  size_t na = (size_t) M * lda + off, nb = (size_t) K * ldb + off;
  size_t nc = (size_t) M * ldc + off;
  float *a0 = malloc (na * sizeof (float));
  float *b0 = malloc (nb * sizeof (float));
  float *bias = malloc ((size_t) M * sizeof (float) + sizeof (float));
  float *c_init = malloc (nc * sizeof (float));
  float *c[2], *ref = malloc ((size_t) M * N * sizeof (float));
  double tol = 1e-6 * (K + 1) + 1e-6;

  ck_assert (a0 && b0 && bias && c_init && ref);
  tu_fill_random (a0, na, seed, -1.0f, 1.0f);
  tu_fill_random (b0, nb, seed + 1, -1.0f, 1.0f);
  tu_fill_random (bias, (size_t) M + 1, seed + 2, -1.0f, 1.0f);
  tu_fill_random (c_init, nc, seed + 3, 100.0f, 200.0f);
  /* the reference in a dense M×N matrix; in BF16 the products of the
   * rounded values are exact, so only the FP32 sums differ from it */
  if (bf16) {
    float *ar = malloc (na * sizeof (float)),
          *br = malloc (nb * sizeof (float));
    ck_assert (ar && br);
    memcpy (ar, a0, na * sizeof (float));
    memcpy (br, b0, nb * sizeof (float));
    tu_round_bf16 (ar, na);
    tu_round_bf16 (br, nb);
    tu_gemm_ref (M, N, K, ar + off, lda, br + off, ldb, ref, N, 0);
    free (ar);
    free (br);
  } else {
    tu_gemm_ref (M, N, K, a0 + off, lda, b0 + off, ldb, ref, N, 0);
  }

  for (int t = 0; t < 2; t++) {
    int nt = t + 1;
    c[t] = malloc (nc * sizeof (float));
    ck_assert (c[t] != NULL);
    memcpy (c[t], c_init, nc * sizeof (float));
    tu_gemm_packed (nt, bf16, M, N, K, a0 + off, lda, b0 + off, ldb, c[t] + off,
        ldc, v->accumulate ? bias + off : NULL, act);
    for (size_t i = 0; i < nc; i++) {
      int inside = i >= (size_t) off && (i - off) % (size_t) ldc < (size_t) N
          && (i - off) / (size_t) ldc < (size_t) M;
      if (!inside) {
        TU_CHECK (memcmp (&c[t][i], &c_init[i], sizeof (float)) == 0,
            "%s M=%d N=%d K=%d lda=%d ldb=%d ldc=%d misalign=%d bias=%d "
            "act=%d n_threads=%d: wrote float %zu outside C",
            bf16 ? "bf16" : "sgemm", M, N, K, lda, ldb, ldc, off, v->accumulate,
            act, nt, i);
      } else {
        size_t m = (i - off) / (size_t) ldc, n = (i - off) % (size_t) ldc;
        double x = ref[m * N + n] + (v->accumulate ? bias[off + m] : 0.0f);
        double r = act == YOLOR_ACT_LINEAR ? x
            : act == YOLOR_ACT_LEAKY       ? (x > 0 ? x : 0.1 * x)
                                           : x / (1.0 + exp (-x));
        TU_CHECK (fabs (c[t][i] - r) <= 1.2 * tol + 2e-6 * fabs (r),
            "%s M=%d N=%d K=%d lda=%d ldb=%d ldc=%d misalign=%d bias=%d "
            "act=%d n_threads=%d seed=%u: C[%zu][%zu] = %.9g, reference "
            "%.9g (tol %.3g)",
            bf16 ? "bf16" : "sgemm", M, N, K, lda, ldb, ldc, off, v->accumulate,
            act, nt, seed, m, n, (double) c[t][i], r, 1.2 * tol);
      }
    }
  }
  ck_assert_msg (memcmp (c[0], c[1], nc * sizeof (float)) == 0,
      "%s M=%d N=%d K=%d lda=%d ldb=%d ldc=%d misalign=%d bias=%d act=%d "
      "seed=%u: 1 and 2 threads differ",
      bf16 ? "bf16" : "sgemm", M, N, K, lda, ldb, ldc, off, v->accumulate, act,
      seed);
  for (int t = 0; t < 2; t++)
    free (c[t]);
  free (a0);
  free (b0);
  free (bias);
  free (c_init);
  free (ref);
}

/* One loop iteration per variant ("accumulate" = with bias here); the
 * epilogue cycles through linear, leaky and silu. */
START_TEST (test_sgemm)
{
  static const yolor_act acts[] = { YOLOR_ACT_LINEAR, YOLOR_ACT_LEAKY,
    YOLOR_ACT_SILU };
  const gemm_variant *v = &gemm_variants[_i];
  int n = 0;
  for (int i = 0; i < N_GEMM_SIZES; i++)
    for (int j = 0; j < N_GEMM_SIZES; j++)
      for (int k = 0; k < N_GEMM_SIZES; k++, n++)
        check_sgemm (gemm_sizes[i], gemm_sizes[j], gemm_sizes[k], v,
            acts[n % 3], 0, (uint32_t) (5000 + 1000 * _i + n));
  /* more than one K block (KC = 256) and more than one column strip */
  check_sgemm (7, 400, 600, v, acts[_i % 3], 0, 77 + _i);
  check_sgemm (13, 1000, 257, v, acts[(_i + 1) % 3], 0, 78 + _i);
}
END_TEST

/* The same for the BF16 GEMM, where the CPU has it: against the double
 * reference on the BF16-rounded inputs, with the FP32 tolerance. K = 257
 * and 513: odd K blocks, padded. */
START_TEST (test_bgemm)
{
  static const yolor_act acts[] = { YOLOR_ACT_LINEAR, YOLOR_ACT_LEAKY,
    YOLOR_ACT_SILU };
  const gemm_variant *v = &gemm_variants[_i];
  int n = 0;
  if (!yolor_bf16_available ()) {
    if (_i == 0)
      printf ("test_bgemm: no BF16 GEMM on this CPU (kernels %s), skipped\n",
          yolor_kernels_name ());
    return;
  }
  for (int i = 0; i < N_GEMM_SIZES; i++)
    for (int j = 0; j < N_GEMM_SIZES; j++)
      for (int k = 0; k < N_GEMM_SIZES; k++, n++)
        check_sgemm (gemm_sizes[i], gemm_sizes[j], gemm_sizes[k], v,
            acts[n % 3], 1, (uint32_t) (9000 + 1000 * _i + n));
  check_sgemm (7, 400, 600, v, acts[_i % 3], 1, 177 + _i);
  check_sgemm (13, 1000, 257, v, acts[(_i + 1) % 3], 1, 178 + _i);
  check_sgemm (9, 70, 513, v, acts[(_i + 2) % 3], 1, 179 + _i);
}
END_TEST

/* ---- convolution ---- */

/* Winograd in BF16 against the FP32 reference (uniform values in [-1, 1],
 * K up to 9·64), where its transforms amplify the rounding of the tiles:
 * measured up to an NMSE of 7.7e-4 and a max |diff| of 6% of the largest
 * output (a real net's heads, docs/performance.md, differ far less). */
#define BF16_WINO_REL 0.2 /* of max |ref| */
#define BF16_WINO_NMSE 3e-3

typedef struct
{
  int c_in, c_out, h, w, k, stride, pad, groups;
} conv_case;

static int
conv_out (int n, int k, int stride, int pad)
{
  return (n + 2 * pad - k) / stride + 1;
}

/* The engine's conv structure, from the kernels: depthwise kernel when
 * groups == c_in == c_out; else one batched packed GEMM over the groups,
 * reading the input itself (1x1, stride 1, no pad) or as its im2col
 * matrix. */
static void
conv_by_kernels (int nt, const float *x, const conv_case *c, const float *wt,
    int oh, int ow, float *y, float *gemm_work, int bf16)
{
  int g = c->groups, cpg = c->c_in / g, opg = c->c_out / g;
  int ohw = oh * ow, K = cpg * c->k * c->k;
  size_t per_group = yolor_gemm_packed_values (bf16, opg, K);
  yolor_gemm_task t = { 0 };
  float *packed;
  uint16_t *packed16;

  if (g > 1 && g == c->c_in && g == c->c_out) {
    float *dw = malloc (yolor_depthwise_workspace (c->k, c->stride, oh, ow, nt)
        * sizeof (float));
    ck_assert (dw != NULL);
    yolor_depthwise (nt, x, c->c_in, c->h, c->w, wt, c->k, c->stride, c->pad,
        oh, ow, NULL, YOLOR_ACT_LINEAR, y, dw);
    free (dw);
    return;
  }
  packed = malloc (per_group * g * sizeof (float));
  packed16 = (uint16_t *) packed;
  ck_assert (packed != NULL);
  for (int gi = 0; gi < g; gi++)
    if (bf16)
      yolor_bgemm_pack_a (
          opg, K, wt + (size_t) gi * opg * K, K, packed16 + gi * per_group);
    else
      yolor_sgemm_pack_a (
          opg, K, wt + (size_t) gi * opg * K, K, packed + gi * per_group);
  t.M = opg;
  t.N = ohw;
  t.K = K;
  if (bf16)
    t.a16 = packed16;
  else
    t.a = packed;
  t.b.x = x;
  if (c->k == 1 && c->stride == 1 && c->pad == 0)
    t.b.ld = ohw;
  else
    t.b = yolor_gemm_conv_source (
        x, cpg, c->h, c->w, c->k, c->stride, c->pad, ow);
  t.c = y;
  t.ldc = ohw;
  t.act = YOLOR_ACT_LINEAR;
  t.batch = g;
  t.a_step = per_group;
  t.b_step = (size_t) cpg * c->h * c->w;
  t.c_step = (size_t) opg * ohw;
  yolor_sgemm_run (nt, &t, gemm_work);
  free (packed);
}

static float
leaky (float v)
{
  return v > 0.0f ? v : 0.1f * v;
}

/* Wires @net into a one-layer net on @model over layer @l (index 0) with
 * output tensor @t, reading @x (@w x @h) as its input. */
static void
one_layer_net (yolor_net *net, yolor_model *model, yolor_layer *l,
    yolor_tensor *t, yolor_flavor flavor, int n_threads, float *x, int w, int h)
{
  yolor_rules_init (flavor, &model->rules);
  model->layers = l;
  model->n_layers = 1;
  net->model = model;
  net->layers = l;
  net->n_layers = 1;
  net->t = t;
  net->n_threads = n_threads;
  net->input = x;
  net->in_w = w;
  net->in_h = h;
}

/* yolor_conv_forward() on a one-layer net whose input is @x: the dispatch
 * the engine really uses, with a bias and leaky activation. @wino: with the
 * Winograd weights prepared as the loader does. */
static void
conv_by_layer (int nt, float *x, const conv_case *c, float *wt, float *bias,
    int oh, int ow, float *y, int wino, int bf16)
{
  yolor_net net;
  yolor_model model;
  yolor_layer l;
  yolor_tensor t;
  size_t packed = 0;
  memset (&net, 0, sizeof (net));
  memset (&model, 0, sizeof (model));
  memset (&l, 0, sizeof (l));
  memset (&t, 0, sizeof (t));
  l.ops = yolor_layer_ops_find ("convolutional");
  ck_assert (l.ops != NULL);
  l.n_in = 1;
  l.in[0] = -1;
  l.conv.c_in = c->c_in;
  t.h_in = c->h;
  t.w_in = c->w;
  l.conv.filters = l.c = t.c = c->c_out;
  t.h = oh;
  t.w = ow;
  l.conv.size = c->k;
  l.conv.stride = c->stride;
  l.conv.pad = c->pad;
  l.conv.groups = c->groups;
  l.act = YOLOR_ACT_LEAKY;
  l.conv.weights = wt;
  l.conv.bias = bias;
  t.out = y;
  one_layer_net (&net, &model, &l, &t, YOLOR_FLAVOR_DARKNET, nt, x, c->w, c->h);
  if (wino)
    ck_assert (yolor_conv_winograd_ok (&l));
  ck_assert_int_eq (
      yolor_conv_prepare (
          &l, wino ? YOLOR_CONV_WINOGRAD : YOLOR_CONV_GEMM, bf16, &packed),
      YOLOR_OK);
  if (wino)
    ck_assert (l.conv.wino != NULL);
  net.work_floats = yolor_conv_workspace (&l, &t, nt);
  net.work = malloc ((net.work_floats ? net.work_floats : 1) * sizeof (float));
  net.gemm_work = malloc (yolor_sgemm_workspace (nt) * sizeof (float));
  ck_assert (net.work != NULL && net.gemm_work != NULL);
  yolor_conv_forward (&net, &l);
  free (net.work);
  free (net.gemm_work);
  yolor_free (l.conv.wino);
  yolor_free (l.conv.wpack);
}

#define CONV_FMT                                                               \
  "conv c_in=%d c_out=%d h=%d w=%d k=%d stride=%d pad=%d "                     \
  "groups=%d (oh=%d ow=%d) seed=%u"
#define CONV_ARGS(c, oh, ow, seed)                                             \
  (c)->c_in, (c)->c_out, (c)->h, (c)->w, (c)->k, (c)->stride, (c)->pad,        \
      (c)->groups, oh, ow, seed

enum
{
  PATH_KERNELS, /* packed gemm (im2col source or direct) / depthwise */
  PATH_LAYER, /* yolor_conv_forward, bias + leaky */
  PATH_WINOGRAD, /* yolor_conv_forward with Winograd weights */
  N_PATHS
};

static const char *const path_names[] = { "kernels", "yolor_conv_forward",
  "Winograd" };

static void
run_path (int path, int nt, float *x, const conv_case *c, float *wt,
    float *bias, int oh, int ow, float *y, int bf16, uint32_t seed)
{
  tu_fill_random (y, (size_t) c->c_out * oh * ow, seed, 100.0f, 200.0f);
  if (path == PATH_KERNELS) {
    float *gw = malloc (yolor_sgemm_workspace (nt) * sizeof (float));
    ck_assert (gw != NULL);
    conv_by_kernels (nt, x, c, wt, oh, ow, y, gw, bf16);
    free (gw);
  } else {
    conv_by_layer (nt, x, c, wt, bias, oh, ow, y, path == PATH_WINOGRAD, bf16);
  }
}

/* Every path of conv @c against the direct reference. With @bf16 (the BF16
 * GEMM; not for depthwise convs): the GEMM paths against the reference on
 * BF16-rounded input and weights with the FP32 tolerances, Winograd (whose
 * transformed tiles are rounded) against the FP32 reference with BF16's. */
static void
check_conv (const conv_case *c, uint32_t seed, int bf16)
{
  int oh = conv_out (c->h, c->k, c->stride, c->pad);
  int ow = conv_out (c->w, c->k, c->stride, c->pad);
  int cpg = c->c_in / c->groups;
  int wino_ok = c->k == 3 && c->stride == 1 && c->groups == 1 && c->c_in >= 8
      && c->c_out >= 8;
  size_t nx = (size_t) c->c_in * c->h * c->w;
  size_t nw = (size_t) c->c_out * cpg * c->k * c->k;
  size_t ny = (size_t) c->c_out * oh * ow;
  float *x = malloc (nx * sizeof (float));
  float *wt = malloc (nw * sizeof (float));
  float *bias = malloc ((size_t) c->c_out * sizeof (float));
  float *ref = malloc (ny * sizeof (float));
  float *ref_act = malloc (ny * sizeof (float));
  float *ref_bf = NULL, *ref_bf_act = NULL;
  float *y[3];

  for (int i = 0; i < 3; i++) {
    y[i] = malloc (ny * sizeof (float));
    ck_assert (y[i] != NULL);
  }
  ck_assert (x && wt && bias && ref && ref_act);
  ck_assert_msg (
      oh >= 1 && ow >= 1, CONV_FMT ": bad case", CONV_ARGS (c, oh, ow, seed));
  tu_fill_random (x, nx, seed, -1.0f, 1.0f);
  tu_fill_random (wt, nw, seed + 1, -1.0f, 1.0f);
  tu_fill_random (bias, (size_t) c->c_out, seed + 2, -0.5f, 0.5f);
  tu_conv_ref (x, c->c_in, c->h, c->w, wt, c->c_out, c->k, c->stride, c->pad,
      c->groups, oh, ow, ref);
  for (size_t i = 0; i < ny; i++)
    ref_act[i] = leaky (ref[i] + bias[i / ((size_t) oh * ow)]);
  if (bf16) {
    /* the exact products of the rounded values, for the GEMM paths */
    float *xr = malloc (nx * sizeof (float)),
          *wr = malloc (nw * sizeof (float));
    ck_assert (xr && wr && c->groups != c->c_in);
    memcpy (xr, x, nx * sizeof (float));
    memcpy (wr, wt, nw * sizeof (float));
    tu_round_bf16 (xr, nx);
    tu_round_bf16 (wr, nw);
    ref_bf = malloc (ny * sizeof (float));
    ref_bf_act = malloc (ny * sizeof (float));
    ck_assert (ref_bf && ref_bf_act);
    tu_conv_ref (xr, c->c_in, c->h, c->w, wr, c->c_out, c->k, c->stride, c->pad,
        c->groups, oh, ow, ref_bf);
    for (size_t i = 0; i < ny; i++)
      ref_bf_act[i] = leaky (ref_bf[i] + bias[i / ((size_t) oh * ow)]);
    free (xr);
    free (wr);
  }

  for (int path = 0; path < N_PATHS; path++) {
    const float *r = path == PATH_KERNELS ? ref : ref_act;
    /* K ≤ 9·64 products of values below 1; Winograd's transforms add
     * rounding of their own */
    double tol = path == PATH_WINOGRAD ? 2e-4 : 5e-5;
    double max_nmse = path == PATH_WINOGRAD ? 1e-8 : 1e-10;
    if (path == PATH_WINOGRAD && !wino_ok)
      continue;
    if (bf16 && path != PATH_WINOGRAD) {
      r = path == PATH_KERNELS ? ref_bf : ref_bf_act;
    } else if (bf16) {
      double top = 0.0;
      for (size_t i = 0; i < ny; i++)
        top = fmax (top, fabs (r[i]));
      tol = BF16_WINO_REL * top;
      max_nmse = BF16_WINO_NMSE;
    }
    /* 1 thread, 2 threads, 2 threads again */
    for (int run = 0; run < 3; run++) {
      int nt = run == 0 ? 1 : 2;
      double e, d;
      size_t at;
      run_path (
          path, nt, x, c, wt, bias, oh, ow, y[run], bf16, seed + 20 + run);
      e = nmse (y[run], r, ny);
      d = tu_max_abs_diff (y[run], r, ny, &at);
      ck_assert_msg (e <= max_nmse && d <= tol,
          CONV_FMT
          " %s%s n_threads=%d: "
          "nmse %.3g (max %.3g), max |diff| %.3g (max %.3g) at %zu (got "
          "%.9g, ref %.9g)",
          CONV_ARGS (c, oh, ow, seed), path_names[path], bf16 ? " bf16" : "",
          nt, e, max_nmse, d, tol, at, (double) y[run][at], (double) r[at]);
    }
    ck_assert_msg (memcmp (y[1], y[2], ny * sizeof (float)) == 0,
        CONV_FMT " %s: two runs with 2 threads differ",
        CONV_ARGS (c, oh, ow, seed), path_names[path]);
    ck_assert_msg (memcmp (y[0], y[1], ny * sizeof (float)) == 0,
        CONV_FMT " %s: 1 and 2 threads differ", CONV_ARGS (c, oh, ow, seed),
        path_names[path]);
  }

  free (x);
  free (wt);
  free (bias);
  free (ref);
  free (ref_act);
  free (ref_bf);
  free (ref_bf_act);
  for (int i = 0; i < 3; i++)
    free (y[i]);
}

static const int conv_hw[][2] = { { 7, 9 }, { 13, 5 }, { 1, 1 }, { 6, 4 } };

#define N_CONV_HW 4

/* One loop iteration per frame size; every k, stride, pad, grouping. */
START_TEST (test_conv)
{
  static const int ks[] = { 1, 3, 5 };
  int n = 0;
  for (int ki = 0; ki < 3; ki++)
    for (int stride = 1; stride <= 2; stride++)
      for (int pad = 0; pad <= 2; pad++)
        for (int gk = 0; gk < 3; gk++) {
          conv_case c;
          c.h = conv_hw[_i][0];
          c.w = conv_hw[_i][1];
          c.k = ks[ki];
          c.stride = stride;
          c.pad = pad;
          if (gk == 0) {
            c.c_in = 3;
            c.c_out = 5;
            c.groups = 1;
          } else if (gk == 1) {
            c.c_in = 4;
            c.c_out = 6;
            c.groups = 2;
          } else {
            c.c_in = c.c_out = c.groups = 5; /* depthwise */
          }
          if (c.h + 2 * pad < c.k || c.w + 2 * pad < c.k)
            continue;
          check_conv (&c, (uint32_t) (7919 * _i + 97 * n + 13), 0);
          if (gk < 2 && yolor_bf16_available ())
            check_conv (&c, (uint32_t) (7919 * _i + 97 * n + 14), 1);
          n++;
        }
  ck_assert_int_gt (n, 20);
}
END_TEST

/* Wider channel counts, where the GEMM dimensions get non-trivial. */
START_TEST (test_conv_wide)
{
  static const conv_case cases[] = {
    { 17, 31, 13, 5, 3, 1, 1, 1 },
    { 17, 31, 13, 5, 3, 2, 1, 1 },
    /* rows wider than a packed panel: the GEMM's whole-row gathers */
    { 5, 9, 7, 141, 3, 2, 1, 1 },
    { 4, 6, 5, 134, 3, 2, 0, 1 },
    { 3, 7, 5, 77, 3, 1, 1, 1 },
    { 32, 64, 7, 9, 1, 1, 0, 1 },
    { 32, 64, 7, 9, 1, 2, 0, 1 },
    { 32, 64, 7, 9, 1, 1, 1, 1 }, /* 1x1 with padding: not direct */
    { 24, 36, 9, 7, 3, 1, 1, 3 },
    { 64, 64, 7, 9, 3, 1, 1, 64 },
    { 64, 64, 13, 5, 5, 2, 2, 64 },
    { 16, 8, 5, 5, 5, 1, 2, 2 },
    /* two groups of K = 29·9 = 261: over one K block, odd (BF16 pads it) */
    { 58, 10, 5, 7, 3, 1, 1, 2 },
    { 58, 10, 9, 7, 3, 2, 1, 2 },
    /* Winograd-eligible: 3x3, stride 1, dense, >= 8 channels */
    { 8, 8, 7, 9, 3, 1, 0, 1 },
    { 8, 8, 7, 9, 3, 1, 1, 1 },
    { 9, 16, 1, 1, 3, 1, 1, 1 },
    { 8, 8, 5, 6, 3, 1, 2, 1 },
    { 12, 9, 2, 31, 3, 1, 1, 1 },
    { 64, 64, 13, 5, 3, 1, 1, 1 },
  };
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
    check_conv (&cases[i], (uint32_t) (31 + i), 0);
    if (cases[i].groups != cases[i].c_in && yolor_bf16_available ())
      check_conv (&cases[i], (uint32_t) (41 + i), 1);
  }
}
END_TEST

/* ---- activations ---- */

static double
act_ref (double x, yolor_act act)
{
  switch (act) {
    case YOLOR_ACT_LINEAR:
      return x;
    case YOLOR_ACT_LEAKY:
      return x > 0 ? x : 0.1 * x;
    case YOLOR_ACT_RELU:
      return x > 0 ? x : 0.0;
    case YOLOR_ACT_RELU6:
      return x < 0 ? 0.0 : (x > 6 ? 6.0 : x);
    case YOLOR_ACT_LOGISTIC:
      return 1.0 / (1.0 + exp (-x));
    case YOLOR_ACT_SILU:
      return x / (1.0 + exp (-x));
    case YOLOR_ACT_MISH:
      return x * tanh (x > 20.0 ? x : log1p (exp (x)));
    case YOLOR_ACT_TANH:
      return tanh (x);
    case YOLOR_ACT_HARDSWISH:
      return x * fmin (fmax (x + 3.0, 0.0), 6.0) / 6.0;
  }
  return NAN;
}

static const char *const act_labels[] = { "linear", "leaky", "relu", "relu6",
  "logistic", "silu", "mish", "tanh", "hardswish" };

#define N_ACTS 9

static const float act_specials[] = { -1e30f, -1000.0f, -120.0f, -104.0f,
  -89.0f, -88.5f, -87.0f, -50.0f, -20.5f, -20.0f, -3.0f, -2.9999f, -1e-8f,
  -0.0f, 0.0f, 1e-8f, 2.9999f, 3.0f, 5.999f, 6.0f, 6.001f, 19.5f, 19.999f,
  20.0f, 20.001f, 20.5f, 21.0f, 30.0f, 88.0f, 89.0f, 100.0f, 1000.0f, 1e30f };

#define N_SPECIALS ((int) (sizeof (act_specials) / sizeof (act_specials[0])))

static void
check_act_value (const char *where, yolor_act act, int i, float in, float got)
{
  double r = act_ref (in, act);
  double tol = 1e-6 + 2e-6 * fabs (r);
  TU_CHECK (!isnan (got), "%s %s: input[%d] = %.9g gives NaN", where,
      act_labels[act], i, (double) in);
  TU_CHECK (fabs (got - r) <= tol || (isinf (got) && got == r),
      "%s %s: input[%d] = %.9g: got %.9g, scalar formula %.9g (tol %.3g)",
      where, act_labels[act], i, (double) in, (double) got, r, tol);
}

/* yolor_act_apply on specials + random values, 1 and 2 threads. */
START_TEST (test_act_apply)
{
  yolor_act act = (yolor_act) _i;
  size_t n = (size_t) N_SPECIALS + 1001; /* odd on purpose */
  float *x = malloc (n * sizeof (float));
  float *y1 = malloc (n * sizeof (float));
  float *y2 = malloc (n * sizeof (float));
  ck_assert (x && y1 && y2);
  memcpy (x, act_specials, sizeof (act_specials));
  tu_fill_random (x + N_SPECIALS, n - N_SPECIALS, 4242 + _i, -30.0f, 30.0f);
  memcpy (y1, x, n * sizeof (float));
  memcpy (y2, x, n * sizeof (float));
  yolor_act_apply (1, y1, n, act);
  yolor_act_apply (2, y2, n, act);
  for (size_t i = 0; i < n; i++)
    check_act_value ("yolor_act_apply", act, (int) i, x[i], y1[i]);
  ck_assert_msg (memcmp (y1, y2, n * sizeof (float)) == 0,
      "yolor_act_apply %s n=%zu: 1 and 2 threads differ", act_labels[act], n);
  free (x);
  free (y1);
  free (y2);
}
END_TEST

/* yolor_bias_act with and without bias, odd C and hw, 1 and 2 threads. */
START_TEST (test_bias_act)
{
  yolor_act act = (yolor_act) _i;
  const int C = 7, hw = N_SPECIALS + 4;
  size_t n = (size_t) C * hw;
  float *x = malloc (n * sizeof (float));
  float *bias = malloc ((size_t) C * sizeof (float));
  float *y1 = malloc (n * sizeof (float));
  float *y2 = malloc (n * sizeof (float));
  ck_assert (x && bias && y1 && y2);
  tu_fill_random (x, n, 77 + _i, -30.0f, 30.0f);
  memcpy (x, act_specials, sizeof (act_specials));
  tu_fill_random (bias, (size_t) C, 78 + _i, -2.0f, 2.0f);
  bias[0] = 0.0f; /* the specials exactly */
  for (int with_bias = 0; with_bias <= 1; with_bias++) {
    const float *b = with_bias ? bias : NULL;
    memcpy (y1, x, n * sizeof (float));
    memcpy (y2, x, n * sizeof (float));
    yolor_bias_act (1, y1, C, hw, b, act);
    yolor_bias_act (2, y2, C, hw, b, act);
    for (size_t i = 0; i < n; i++) {
      float in = x[i] + (b ? b[i / (size_t) hw] : 0.0f);
      char where[64];
      snprintf (where, sizeof (where), "yolor_bias_act C=%d hw=%d bias=%d", C,
          hw, with_bias);
      check_act_value (where, act, (int) i, in, y1[i]);
    }
    ck_assert_msg (memcmp (y1, y2, n * sizeof (float)) == 0,
        "yolor_bias_act %s C=%d hw=%d bias=%d: 1 and 2 threads differ",
        act_labels[act], C, hw, with_bias);
  }
  free (x);
  free (bias);
  free (y1);
  free (y2);
}
END_TEST

/* A value's activation does not depend on where it sits in a row: rows
 * of every length up to 40 give the bits of the same values in one long
 * row (the kernels cut rows by tiles, threads and batches). */
START_TEST (test_act_row_position)
{
  yolor_act act = (yolor_act) _i;
  enum
  {
    LONG = 40
  };
  float x[LONG], whole[LONG], part[LONG];
  tu_fill_random (x, LONG, 55 + _i, -12.0f, 12.0f);
  memcpy (whole, x, sizeof (x));
  yolor_bias_act (1, whole, 1, LONG, NULL, act);
  for (int len = 1; len <= LONG; len++)
    for (int at = 0; at + len <= LONG; at += len) {
      memcpy (part, x + at, sizeof (float) * (size_t) len);
      yolor_bias_act (1, part, 1, len, NULL, act);
      ck_assert_msg (
          memcmp (part, whole + at, sizeof (float) * (size_t) len) == 0,
          "%s: values %d..%d as a row of %d differ from the same values in "
          "a row of %d",
          act_labels[act], at, at + len - 1, len, LONG);
    }
}
END_TEST

/* Unfolded batch norm + activation vs its formula (eps 1e-4 and 1e-5). */
START_TEST (test_bn_act)
{
  yolor_act act = (yolor_act) _i;
  const int C = 5, hw = 23;
  size_t n = (size_t) C * hw;
  float x[5 * 23], y1[5 * 23], y2[5 * 23];
  float gamma[5], beta[5], mean[5], var[5];
  const float eps[2] = { 1e-4f, 1e-5f };
  tu_fill_random (x, n, 900 + _i, -10.0f, 10.0f);
  tu_fill_random (gamma, 5, 901, 0.2f, 2.0f);
  tu_fill_random (beta, 5, 902, -1.0f, 1.0f);
  tu_fill_random (mean, 5, 903, -1.0f, 1.0f);
  tu_fill_random (var, 5, 904, 0.0f, 3.0f);
  var[0] = 0.0f;
  for (int e = 0; e < 2; e++) {
    memcpy (y1, x, sizeof (x));
    memcpy (y2, x, sizeof (x));
    yolor_bn_act (1, y1, C, hw, gamma, beta, mean, var, eps[e], act);
    yolor_bn_act (2, y2, C, hw, gamma, beta, mean, var, eps[e], act);
    for (size_t i = 0; i < n; i++) {
      int c = (int) (i / hw);
      double v =
          ((double) x[i] - mean[c]) / sqrt ((double) var[c] + eps[e]) * gamma[c]
          + beta[c];
      double r = act_ref (v, act);
      double tol = 1e-5 * (1.0 + fabs (r));
      TU_CHECK (fabs (y1[i] - r) <= tol,
          "yolor_bn_act %s eps=%g c=%d "
          "i=%zu x=%.9g: got %.9g, formula %.9g",
          act_labels[act], (double) eps[e], c, i, (double) x[i], (double) y1[i],
          r);
    }
    ck_assert_msg (memcmp (y1, y2, sizeof (y1)) == 0,
        "yolor_bn_act %s eps=%g: 1 and 2 threads differ", act_labels[act],
        (double) eps[e]);
  }
}
END_TEST

/* The sigmoid used by decode and activations: never NaN, 0 and 1 at the
 * ends, exact at 0. */
START_TEST (test_sigmoid)
{
  for (int i = 0; i < N_SPECIALS; i++) {
    float x = act_specials[i], s = yolor_sigmoid (x);
    TU_CHECK (!isnan (s) && s >= 0.0f && s <= 1.0f,
        "yolor_sigmoid(%.9g) = %.9g", (double) x, (double) s);
  }
  ck_assert (yolor_sigmoid (0.0f) == 0.5f);
  ck_assert (yolor_sigmoid (-1e4f) == 0.0f);
  ck_assert (yolor_sigmoid (1e4f) == 1.0f);
}
END_TEST


/* Max pooling (the separable same-size path and the general one) against a
 * plain window maximum, on odd sizes, every padding rule, with NaNs. */
static const int pool_cases[][4] = {
  /* h, w, size, stride */
  { 7, 9, 5, 1 },
  { 13, 11, 13, 1 },
  { 20, 20, 9, 1 },
  { 17, 37, 13, 1 }, /* separable: vectors of eight, a tail of five */
  { 5, 3, 3, 1 },
  { 1, 1, 5, 1 },
  { 9, 7, 2, 2 },
  { 8, 6, 2, 1 },
  { 11, 13, 3, 2 },
};

START_TEST (test_maxpool)
{
  int h = pool_cases[_i][0], w = pool_cases[_i][1];
  int k = pool_cases[_i][2], st = pool_cases[_i][3];
  for (int flavor = 0; flavor < 2; flavor++) {
    yolor_net net;
    yolor_model model;
    yolor_layer l;
    yolor_tensor t;
    int c = 3, zero_pad;
    float *x = malloc (sizeof (float) * c * h * w);
    float *y;
    memset (&net, 0, sizeof (net));
    memset (&model, 0, sizeof (model));
    memset (&l, 0, sizeof (l));
    memset (&t, 0, sizeof (t));
    tu_fill_random (x, (size_t) c * h * w, 300 + _i, -2.0f, 1.0f);
    x[(size_t) h * w + (h / 2) * w + w / 2] = NAN; /* channel 1 */
    l.ops = yolor_layer_ops_find ("maxpool");
    l.n_in = 1;
    l.in[0] = -1;
    l.pool.size = k;
    l.pool.stride = st;
    one_layer_net (&net, &model, &l, &t,
        flavor ? YOLOR_FLAVOR_YOLOR : YOLOR_FLAVOR_DARKNET, 2, x, w, h);
    /* the padding rules of the two flavours, as graph.c sets them */
    zero_pad = flavor && k == 2 && st == 1;
    l.pool.zero_pad = zero_pad;
    l.pool.pad = zero_pad ? 1 : (flavor ? 2 * ((k - 1) / 2) : k - 1);
    l.c = t.c = c;
    t.h = (h + l.pool.pad - k) / st + 1;
    t.w = (w + l.pool.pad - k) / st + 1;
    if (t.h < 1 || t.w < 1) {
      free (x);
      continue;
    }
    y = malloc (sizeof (float) * c * t.h * t.w);
    t.out = y;
    yolor_maxpool_forward (&net, &l);
    for (int ch = 0; ch < c; ch++)
      for (int oy = 0; oy < t.h; oy++)
        for (int ox = 0; ox < t.w; ox++) {
          float m = -INFINITY, got = y[((size_t) ch * t.h + oy) * t.w + ox];
          int outside = 0, nan = 0;
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
              int iy = oy * st - l.pool.pad / 2 + ky;
              int ix = ox * st - l.pool.pad / 2 + kx;
              float v;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                outside = 1;
                continue;
              }
              v = x[((size_t) ch * h + iy) * w + ix];
              nan |= isnan (v);
              if (v > m)
                m = v;
            }
          if (zero_pad && outside && m < 0.0f)
            m = 0.0f;
          if (nan)
            TU_CHECK (isnan (got),
                "h=%d w=%d k=%d s=%d flavor=%d "
                "(%d,%d,%d): NaN not propagated",
                h, w, k, st, flavor, ch, oy, ox);
          else
            TU_CHECK (got == m,
                "h=%d w=%d k=%d s=%d flavor=%d "
                "(%d,%d,%d): got %g, want %g",
                h, w, k, st, flavor, ch, oy, ox, (double) got, (double) m);
        }
    free (x);
    free (y);
  }
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("kernels");
  TCase *tc = tcase_create ("kernels");
  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_sgemm, 0, N_GEMM_VARIANTS);
  tcase_add_loop_test (tc, test_bgemm, 0, N_GEMM_VARIANTS);
  tcase_add_loop_test (tc, test_conv, 0, N_CONV_HW);
  tcase_add_test (tc, test_conv_wide);
  tcase_add_loop_test (tc, test_act_apply, 0, N_ACTS);
  tcase_add_loop_test (tc, test_bias_act, 0, N_ACTS);
  tcase_add_loop_test (tc, test_act_row_position, 0, N_ACTS);
  tcase_add_loop_test (tc, test_bn_act, 0, N_ACTS);
  tcase_add_test (tc, test_sigmoid);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_maxpool, 0,
      (int) (sizeof (pool_cases) / sizeof (pool_cases[0])));
  return tu_run_suite (s);
}
