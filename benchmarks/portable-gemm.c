/* The convolution GEMM of the portable build (the generic kernels, what a
 * CPU without the x86 SIMD builds runs: the engine's blocking and threads,
 * OpenBLAS multiplying each block) against one OpenBLAS call per product
 * on the same products: every dense conv of a model at one input size, as
 * the forward pass runs it (the engine gathers each im2col block as it
 * goes; the single call gets an im2col matrix built first, which is timed
 * too), with bias. Rounds are interleaved; prints the median of each and
 * the ratio.
 *
 *   portable-gemm [MODEL.cfg] [--size N] [--threads T] [--rounds R]
 *
 * OpenBLAS picks its kernels for this CPU; OPENBLAS_CORETYPE (e.g.
 * Prescott, Haswell, SkylakeX) makes it use another core's, the nearest to
 * a CPU the generic kernels would serve. Run by hand; not a test.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/kernels.h"

typedef struct
{
  int layer, M, N, K, c, h, w, k, stride, pad, ow;
  float *a, *packed, *x, *bias, *col, *y;
} product;

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
fill (float *p, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (float) (seed >> 8) / 16777216.0f - 0.5f;
  }
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
im2col (const product *p)
{
  int oh = p->N / p->ow;
  for (int c = 0; c < p->c; c++)
    for (int ky = 0; ky < p->k; ky++)
      for (int kx = 0; kx < p->k; kx++) {
        float *row = p->col + ((size_t) (c * p->k + ky) * p->k + kx) * p->N;
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * p->stride - p->pad + ky;
          for (int ox = 0; ox < p->ow; ox++) {
            int ix = ox * p->stride - p->pad + kx;
            row[oy * p->ow + ox] = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w
                ? p->x[((size_t) c * p->h + iy) * p->w + ix]
                : 0.0f;
          }
        }
      }
}

static void
run_ours (const product *p, int threads, float *work)
{
  yolor_gemm_task g = { 0 };
  g.M = p->M;
  g.N = p->N;
  g.K = p->K;
  g.a = p->packed;
  if (p->k == 1 && p->stride == 1 && p->pad == 0) {
    g.b.x = p->x;
    g.b.ld = p->N;
  } else
    g.b = yolor_gemm_conv_source (
        p->x, p->c, p->h, p->w, p->k, p->stride, p->pad, p->ow);
  g.c = p->y;
  g.ldc = p->N;
  g.bias = p->bias;
  g.act = YOLOR_ACT_LINEAR;
  yolor_sgemm_run (threads, &g, work);
}

static void
run_blas (const product *p)
{
  const float *b = p->x;
  if (!(p->k == 1 && p->stride == 1 && p->pad == 0)) {
    im2col (p);
    b = p->col;
  }
  for (int m = 0; m < p->M; m++)
    for (int n = 0; n < p->N; n++)
      p->y[(size_t) m * p->N + n] = p->bias[m];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p->M, p->N, p->K,
      1.0f, p->a, p->K, b, p->N, 1.0f, p->y, p->N);
}

int
main (int argc, char **argv)
{
  const char *cfg = NULL;
  int size = 320, threads = 2, rounds = 5, n = 0;
  yolor_options o;
  yolor_error err;
  yolor_net *net = NULL;
  product *ps;
  float *work;
  double *t_ours, *t_blas, flops = 0.0;

  /* before the first kernel call: the dispatch reads it once */
  setenv ("YOLOR_KERNELS", "generic", 1);
  for (int i = 1; i < argc; i++) {
    if (!strcmp (argv[i], "--size") && i + 1 < argc)
      size = atoi (argv[++i]);
    else if (!strcmp (argv[i], "--threads") && i + 1 < argc)
      threads = atoi (argv[++i]);
    else if (!strcmp (argv[i], "--rounds") && i + 1 < argc)
      rounds = atoi (argv[++i]);
    else if (argv[i][0] != '-')
      cfg = argv[i];
    else {
      fprintf (stderr,
          "usage: portable-gemm [MODEL.cfg] [--size N] [--threads T] "
          "[--rounds R]\n");
      return 2;
    }
  }
  if (!cfg) {
    const char *shared = getenv ("YOLOR_SHARED_DIR");
    static char path[4096];
    snprintf (path, sizeof path, "%s/models/yolor-cfg/yolor_csp.cfg",
        shared ? shared : "../shared");
    cfg = path;
  }
  if (size < 32 || threads < 1 || rounds < 1) {
    fprintf (stderr, "portable-gemm: bad --size, --threads or --rounds\n");
    return 2;
  }
  yolor_options_init (&o);
  o.n_threads = threads;
  if (yolor_net_load_synthetic (cfg, 1, &o, &net, &err) != YOLOR_OK
      || yolor_net_prepare_input (net, size, size, &err) != YOLOR_OK) {
    fprintf (stderr, "portable-gemm: %s\n", err.msg);
    return 1;
  }
  ps = calloc ((size_t) net->n_layers, sizeof *ps);
  for (int i = 0; i < net->n_layers; i++) {
    const yolor_layer *l = &net->layers[i];
    const yolor_tensor *in, *out = &net->t[i];
    product *p = &ps[n];
    if (l->ops->kind != YOLOR_LAYER_CONV || l->folded || l->conv.groups != 1)
      continue;
    in = l->in[0] < 0 ? NULL : &net->t[l->in[0]];
    p->layer = i;
    p->c = l->conv.c_in;
    p->h = in ? in->h : size;
    p->w = in ? in->w : size;
    p->k = l->conv.size;
    p->stride = l->conv.stride;
    p->pad = l->conv.pad;
    p->ow = out->w;
    p->M = l->conv.filters;
    p->N = out->h * out->w;
    p->K = l->conv.c_in * l->conv.size * l->conv.size;
    p->a = malloc (sizeof (float) * (size_t) p->M * p->K);
    p->packed =
        malloc (sizeof (float) * yolor_sgemm_packed_floats (p->M, p->K));
    p->x = malloc (sizeof (float) * (size_t) p->c * p->h * p->w);
    p->bias = malloc (sizeof (float) * (size_t) p->M);
    p->col = p->k == 1 && p->stride == 1 && p->pad == 0
        ? NULL
        : malloc (sizeof (float) * (size_t) p->K * p->N);
    p->y = malloc (sizeof (float) * (size_t) p->M * p->N);
    if (!p->a || !p->packed || !p->x || !p->bias || !p->y
        || (!p->col && p->k != 1)) {
      fprintf (stderr, "portable-gemm: out of memory\n");
      return 1;
    }
    fill (p->a, (size_t) p->M * p->K, 1 + i);
    fill (p->x, (size_t) p->c * p->h * p->w, 1000 + i);
    fill (p->bias, (size_t) p->M, 2000 + i);
    yolor_sgemm_pack_a (p->M, p->K, p->a, p->K, p->packed);
    flops += 2.0 * p->M * p->N * p->K;
    n++;
  }
  work = malloc (sizeof (float) * yolor_sgemm_workspace (threads));
  t_ours = calloc ((size_t) rounds, sizeof (double));
  t_blas = calloc ((size_t) rounds, sizeof (double));
  openblas_set_num_threads (threads);
  printf ("model %s at %dx%d: %d dense convs, %.2f GFLOP; %d threads\n", cfg,
      size, size, n, flops * 1e-9, threads);
  printf ("kernels: %s; OpenBLAS core: %s\n", yolor_kernels (),
      openblas_get_corename ());
  /* one warm-up of each, then interleaved rounds */
  for (int r = -1; r < rounds; r++) {
    double t0 = now_ms (), t1, t2;
    for (int k = 0; k < n; k++)
      run_ours (&ps[k], threads, work);
    t1 = now_ms ();
    for (int k = 0; k < n; k++)
      run_blas (&ps[k]);
    t2 = now_ms ();
    if (r >= 0) {
      t_ours[r] = t1 - t0;
      t_blas[r] = t2 - t1;
    }
  }
  qsort (t_ours, (size_t) rounds, sizeof (double), cmp_double);
  qsort (t_blas, (size_t) rounds, sizeof (double), cmp_double);
  printf ("generic kernels: median %.1f ms (%.1f GFLOP/s)\n",
      t_ours[rounds / 2], flops * 1e-6 / t_ours[rounds / 2]);
  printf ("one OpenBLAS call (im2col + sgemm): median %.1f ms (%.1f GFLOP/s)\n",
      t_blas[rounds / 2], flops * 1e-6 / t_blas[rounds / 2]);
  printf ("ratio one call / generic: %.2f (below 1: one call faster)\n",
      t_blas[rounds / 2] / t_ours[rounds / 2]);
  for (int k = 0; k < n; k++) {
    free (ps[k].a);
    free (ps[k].packed);
    free (ps[k].x);
    free (ps[k].bias);
    free (ps[k].col);
    free (ps[k].y);
  }
  free (ps);
  free (work);
  free (t_ours);
  free (t_blas);
  yolor_net_free (net);
  return 0;
}
