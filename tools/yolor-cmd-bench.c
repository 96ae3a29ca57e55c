/* yolor bench MODEL --size WxH --threads N [--batch B]: time the network
 * forward pass, of one frame or of B frames as one batch.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: yolor bench [MODEL.cfg] [--size WxH] [--threads N] [options]\n"
    "Time the network forward pass (no pre- or post-processing) on a fixed\n"
    "input; print the median time and the arithmetic rate (2 x MACs / time).\n"
    "Without a weights file, synthetic weights are used (said in the output).\n"
    "  --size WxH          network input size (default: the model's)\n"
    "  --threads N         threads (default 0: all cores)\n"
    "  --precision P       fp32 (default) or bf16 (CPUs with avx512_bf16)\n"
    "  --runs R            timed runs (default 10)\n"
    "  --warmup N          untimed runs first (default 1)\n"
    "  --layers            per-layer median time and GFLOP/s, and by kind\n"
    "  --batch B           B frames (nets on one model) as one forward pass;\n"
    "                      times are per batch, and per frame\n"
    "  --weights FILE      weights (default: MODEL with .weights)\n"
    "  --flavor F          auto|yolor|darknet|yolor-paper\n"
    "  --synthetic         generated weights even if a weights file exists\n"
    "  --no-fold           run batch norm / implicit layers unfolded\n";

static int
cmp_double (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;

  return a < b ? -1 : (a > b);
}

/* Median of @v[0..n) (sorts @v). */
static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The layers of one kind: convolutions by kernel, size and stride, the
 * other layers by type. */
typedef struct
{
  char name[48];
  int n;
  double ms, macs;
} kind_sum;

#define MAX_KINDS 64

static void
add_kind (kind_sum *kinds, int *n_kinds, const yolor_layer_info *li, double ms)
{
  char name[48];
  int k;

  if (li->kernel)
    snprintf (name, sizeof name, "%s %dx%d s%d", li->kernel, li->size, li->size,
        li->stride);
  else
    snprintf (name, sizeof name, "%s", li->type ? li->type : "?");
  for (k = 0; k < *n_kinds && strcmp (kinds[k].name, name) != 0; k++)
    ;
  if (k == *n_kinds) {
    if (k == MAX_KINDS)
      return;
    memset (&kinds[k], 0, sizeof kinds[k]);
    memcpy (kinds[k].name, name, sizeof name);
    (*n_kinds)++;
  }
  kinds[k].n++;
  kinds[k].ms += ms;
  kinds[k].macs += li->macs;
}

static int
cmp_kind_ms (const void *pa, const void *pb)
{
  const kind_sum *a = pa, *b = pb;

  return a->ms > b->ms ? -1 : (a->ms < b->ms);
}

/* Per-layer medians, then the same summed by kind, slowest kind first. */
static void
print_layers (yolor_net *net, double *layer_ms, int n_layers, int runs)
{
  double *col = malloc ((size_t) runs * sizeof *col);
  kind_sum *kinds = calloc (MAX_KINDS, sizeof *kinds);
  double total = 0.0;
  int i, r, n_kinds = 0;

  if (col == NULL || kinds == NULL) {
    free (col);
    free (kinds);
    return;
  }
  printf ("\n%5s  %-20s %-10s %10s %10s\n", "layer", "type", "kernel", "ms",
      "GFLOP/s");
  for (i = 0; i < n_layers; i++) {
    yolor_layer_info li;
    const char *type, *kernel;
    double ms;

    memset (&li, 0, sizeof li);
    yolor_net_layer_info (net, i, &li);
    type = li.type ? li.type : "?";
    kernel = li.kernel ? li.kernel : "";
    for (r = 0; r < runs; r++)
      col[r] = layer_ms[(size_t) r * n_layers + i];
    ms = median (col, runs);
    total += ms;
    if (li.folded_away) {
      printf ("%5d  %-20s %-10s %10s %10s\n", i, type, kernel, "folded", "-");
      continue;
    }
    if (ms > 0.0 || li.macs > 0.0) /* not the layers outside forward */
      add_kind (kinds, &n_kinds, &li, ms);
    if (li.macs > 0.0 && ms > 0.0)
      printf ("%5d  %-20s %-10s %10.3f %10.1f\n", i, type, kernel, ms,
          2.0 * li.macs * 1e-9 / (ms * 1e-3));
    else
      printf ("%5d  %-20s %-10s %10.3f %10s\n", i, type, kernel, ms, "-");
  }
  printf ("sum of layer medians: %.3f ms\n", total);

  qsort (kinds, (size_t) n_kinds, sizeof *kinds, cmp_kind_ms);
  printf ("\nby kind (GFLOP/s counts the multiply-adds of direct "
          "convolution):\n%-22s %6s %10s %6s %10s\n",
      "kind", "layers", "ms", "share", "GFLOP/s");
  for (i = 0; i < n_kinds; i++) {
    const kind_sum *k = &kinds[i];
    char rate[32] = "-";
    if (k->macs > 0.0 && k->ms > 0.0)
      snprintf (
          rate, sizeof rate, "%.1f", 2.0 * k->macs * 1e-9 / (k->ms * 1e-3));
    printf ("%-22s %6d %10.3f %5.1f%% %10s\n", k->name, k->n, k->ms,
        total > 0.0 ? 100.0 * k->ms / total : 0.0, rate);
  }
  free (kinds);
  free (col);
}

int
yolor_cmd_bench (int argc, char **argv)
{
  yolor_cli cli;
  yolor_options opts;
  yolor_error err;
  yolor_net *net, *nets[YOLOR_MAX_BATCH] = { NULL };
  double *times = NULL, *layer_ms = NULL, med, gflop;
  float *input;
  size_t i, n;
  int r, rc, w = 0, h = 0, synthetic = 0, n_layers, b;
  int ret = YOLOR_EXIT_RUNTIME;

  rc = yolor_cli_parse (&cli, argc, argv, YOLOR_CLI_OPT_BENCH, usage);
  if (rc)
    return rc < 0 ? YOLOR_EXIT_OK : rc;
  if (cli.n_args > 0) {
    fprintf (stderr,
        "yolor bench: unexpected argument '%s' (a MODEL is a path "
        "ending in .cfg)\n\n%s",
        cli.args[0], usage);
    return YOLOR_EXIT_USAGE;
  }

  yolor_cli_fill_options (&cli, &opts);
  opts.profile = cli.layers;
  net = yolor_cli_load_net (&cli, &opts, 1, &synthetic);
  if (net == NULL)
    return YOLOR_EXIT_RUNTIME;

  w = cli.width;
  h = cli.height;
  if (w == 0)
    yolor_net_input_size (net, &w, &h);
  memset (&err, 0, sizeof err);
  if (yolor_net_prepare_input (net, w, h, &err) != YOLOR_OK) {
    yolor_cli_error (&cli, "%s", err.msg);
    goto out;
  }
  input = yolor_net_input (net);
  if (input == NULL) {
    yolor_cli_error (&cli, "the engine has no input tensor");
    goto out;
  }
  /* a smooth, deterministic picture-like input in [0,1] */
  n = (size_t) 3 * w * h;
  for (i = 0; i < n; i++)
    input[i] = (float) ((i * 2654435761u) % 1021u) / 1020.0f;
  /* --batch: more nets on the same model, each with the same input */
  nets[0] = net;
  for (b = 1; b < cli.batch; b++) {
    if (yolor_net_new (yolor_net_model (net), &opts, &nets[b], &err) != YOLOR_OK
        || yolor_net_prepare_input (nets[b], w, h, &err) != YOLOR_OK) {
      yolor_cli_error (&cli, "%s", err.msg);
      goto out;
    }
    memcpy (yolor_net_input (nets[b]), input, n * sizeof (float));
  }

  n_layers = yolor_net_n_layers (net);
  times = calloc ((size_t) cli.runs, sizeof *times);
  if (cli.layers)
    layer_ms = calloc ((size_t) cli.runs * n_layers, sizeof *layer_ms);
  if (times == NULL || (cli.layers && layer_ms == NULL)) {
    yolor_cli_error (&cli, "out of memory");
    goto out;
  }

  printf ("model: %s, input %dx%d, threads %d, runs %d, weights: %s, "
          "kernels: %s, precision: %s%s\n",
      cli.model, w, h, cli.n_threads, cli.runs,
      synthetic ? "synthetic" : "file", yolor_kernels (),
      yolor_precision_name (yolor_model_precision (yolor_net_model (net))),
      cli.batch > 1 ? ", batch" : "");
  if (cli.batch > 1)
    printf ("batch: %d frames per forward pass\n", cli.batch);
  for (r = 0; r < cli.warmup; r++) {
    if (yolor_net_forward_batch (nets, cli.batch, &err) != YOLOR_OK) {
      yolor_cli_error (&cli, "%s", err.msg);
      goto out;
    }
  }
  for (r = 0; r < cli.runs; r++) {
    double t0 = yolor_cli_now_ms ();
    if (yolor_net_forward_batch (nets, cli.batch, &err) != YOLOR_OK) {
      yolor_cli_error (&cli, "%s", err.msg);
      goto out;
    }
    times[r] = yolor_cli_now_ms () - t0;
    if (cli.layers) {
      int l;
      for (l = 0; l < n_layers; l++) {
        yolor_layer_info li;
        memset (&li, 0, sizeof li);
        if (yolor_net_layer_info (net, l, &li) == YOLOR_OK)
          layer_ms[(size_t) r * n_layers + l] = li.time_ms;
      }
    }
  }

  gflop = 2.0 * yolor_net_gmacs (net) * cli.batch;
  if (cli.layers)
    print_layers (net, layer_ms, n_layers, cli.runs);
  med = median (times, cli.runs);
  if (cli.batch > 1) {
    printf ("min %.2f ms, max %.2f ms, %.2f GFLOP per batch\n", times[0],
        times[cli.runs - 1], gflop);
    printf ("median %.2f ms/batch, %.2f ms/frame, %.1f GFLOP/s\n", med,
        med / cli.batch, med > 0.0 ? gflop / (med * 1e-3) : 0.0);
  } else {
    printf ("min %.2f ms, max %.2f ms, %.2f GFLOP per frame\n", times[0],
        times[cli.runs - 1], gflop);
    printf ("median %.2f ms/frame, %.1f GFLOP/s\n", med,
        med > 0.0 ? gflop / (med * 1e-3) : 0.0);
  }
  ret = YOLOR_EXIT_OK;
out:
  free (times);
  free (layer_ms);
  for (b = 1; b < YOLOR_MAX_BATCH; b++)
    yolor_net_free (nets[b]);
  yolor_net_free (net);
  return ret;
}
