/* yolor info MODEL: every layer with its shape, parameters and MACs.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: yolor info [MODEL.cfg] [options]\n"
    "List every layer (index, type, inputs, output shape, parameters,\n"
    "multiply-accumulates) and the totals. Without a weights file the model\n"
    "is loaded with synthetic weights (said in the output).\n"
    "  --weights FILE      weights (default: MODEL with .weights)\n"
    "  --size WxH          network input size (default: the model's)\n"
    "  --flavor F          auto|yolor|darknet|yolor-paper\n"
    "  --synthetic         generated weights even if a weights file exists\n"
    "  --no-fold           load without folding\n"
    "  --implicit          instead of the layers: what each consumer of\n"
    "                      implicit knowledge (shift/control/select/\n"
    "                      alternate_channels) applies per channel: min,\n"
    "                      mean, max and the channels farthest from the\n"
    "                      identity\n"
    "  --implicit-plot FILE.svg  draw those values, one bar chart per\n"
    "                      consumer\n";

static void
format_inputs (const yolor_layer_info *li, char *buf, size_t len)
{
  size_t used = 0;
  int j;

  buf[0] = '\0';
  if (li->n_inputs <= 0) {
    snprintf (buf, len, "-");
    return;
  }
  for (j = 0; j < li->n_inputs && j < 8 && used < len; j++) {
    int n =
        snprintf (buf + used, len - used, "%s%d", j ? "," : "", li->inputs[j]);
    if (n < 0)
      break;
    used += (size_t) n;
  }
}

int
yolor_cmd_info (int argc, char **argv)
{
  yolor_cli cli;
  yolor_options opts;
  yolor_net *net;
  char *weights;
  int i, rc, synthetic = 0, in_w = 0, in_h = 0, n_layers;
  int64_t sum_params = 0;
  double sum_macs = 0.0, gmacs;

  rc = yolor_cli_parse (&cli, argc, argv, YOLOR_CLI_OPT_INFO, usage);
  if (rc)
    return rc < 0 ? YOLOR_EXIT_OK : rc;
  if (cli.n_args > 0) {
    fprintf (stderr,
        "yolor info: unexpected argument '%s' (a MODEL is a path "
        "ending in .cfg)\n\n%s",
        cli.args[0], usage);
    return YOLOR_EXIT_USAGE;
  }

  yolor_cli_fill_options (&cli, &opts);
  /* nothing runs: the weights need not be packed for the kernels */
  opts.inspect = 1;
  net = yolor_cli_load_net (&cli, &opts, 1, &synthetic);
  if (net == NULL)
    return YOLOR_EXIT_RUNTIME;

  if (cli.implicit || cli.implicit_plot) {
    rc = YOLOR_EXIT_OK;
    if (cli.implicit && yolor_cli_print_implicit (net, stdout) != 0) {
      yolor_cli_error (&cli, "out of memory");
      rc = YOLOR_EXIT_RUNTIME;
    }
    if (rc == YOLOR_EXIT_OK && cli.implicit_plot) {
      if (yolor_cli_implicit_svg (net, cli.model, cli.implicit_plot) != 0) {
        yolor_cli_error (
            &cli, "cannot write '%s': %s", cli.implicit_plot, strerror (errno));
        rc = YOLOR_EXIT_RUNTIME;
      } else if (!cli.quiet)
        fprintf (stderr, "yolor info: wrote %s\n", cli.implicit_plot);
    }
    yolor_net_free (net);
    return rc;
  }

  weights = yolor_cli_weights_path (&cli);
  yolor_net_input_size (net, &in_w, &in_h);
  n_layers = yolor_net_n_layers (net);
  printf ("model: %s\n", cli.model);
  if (synthetic)
    printf ("weights: synthetic (seed %u)%s%s%s\n", YOLOR_CLI_SYNTHETIC_SEED,
        cli.synthetic ? "" : ", no file '",
        cli.synthetic ? "" : (weights ? weights : ""),
        cli.synthetic ? "" : "'");
  else
    printf ("weights: %s\n", weights ? weights : "");
  printf ("flavor: %s, classes: %d, layers: %d, heads: %d, max stride: %d, "
          "input: %dx%d\n\n",
      yolor_cli_flavor_name (yolor_net_flavor (net)), yolor_net_n_classes (net),
      n_layers, yolor_net_n_heads (net), yolor_net_max_stride (net), in_w,
      in_h);

  printf ("%5s  %-20s %-14s %-18s %12s %16s  %s\n", "layer", "type", "inputs",
      "output CxHxW", "params", "MACs", "notes");
  for (i = 0; i < n_layers; i++) {
    yolor_layer_info li;
    yolor_error err;
    char inputs[96], shape[48], notes[96];

    memset (&li, 0, sizeof li);
    memset (&err, 0, sizeof err);
    if (yolor_net_layer_info (net, i, &li) != YOLOR_OK) {
      printf ("%5d  (no information)\n", i);
      continue;
    }
    format_inputs (&li, inputs, sizeof inputs);
    snprintf (shape, sizeof shape, "%dx%dx%d", li.c, li.h, li.w);
    notes[0] = '\0';
    if (li.filters > 0) {
      char groups[24] = "";
      if (li.groups > 1)
        snprintf (groups, sizeof groups, " g%d", li.groups);
      snprintf (notes, sizeof notes, "%dx%d s%d%s %s", li.size, li.size,
          li.stride, groups, li.activation ? li.activation : "");
    }
    if (li.folded_away)
      strncat (notes, notes[0] ? " (folded)" : "(folded)",
          sizeof notes - strlen (notes) - 1);
    printf ("%5d  %-20s %-14s %-18s %12" PRId64 " %16.0f  %s\n", i,
        li.type ? li.type : "?", inputs, shape, li.n_params, li.macs, notes);
    sum_params += li.n_params;
    sum_macs += li.macs;
  }

  gmacs = yolor_net_gmacs (net);
  printf ("\ntotal params: %" PRId64 "\n", yolor_net_n_params (net));
  printf ("parameters in memory: %.1f MB (folded and packed for the "
          "kernels; shared by every net on the model)\n",
      yolor_model_param_bytes (yolor_net_model (net)) / 1e6);
  printf ("total GMACs: %.3f\n", gmacs);
  printf ("total GFLOPs: %.2f (2 x GMACs) at %dx%d\n", 2.0 * gmacs, in_w, in_h);
  if (sum_params != yolor_net_n_params (net)
      || (sum_macs > 0.0
          && (sum_macs * 1e-9 - gmacs > 1e-6 * gmacs + 1e-9
              || gmacs - sum_macs * 1e-9 > 1e-6 * gmacs + 1e-9)))
    printf ("note: per-layer sums differ: %" PRId64 " params, %.3f GMACs\n",
        sum_params, sum_macs * 1e-9);

  free (weights);
  yolor_net_free (net);
  return YOLOR_EXIT_OK;
}
