/* yolor run MODEL --input f32.bin --size WxH --dump DIR: the network alone
 * on a raw tensor; writes the raw head tensors.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "Usage: yolor run [MODEL.cfg] --input FILE --size WxH --dump DIR\n"
    "       [options]\n"
    "Run the network on a raw float32 planar RGB tensor [3][H][W] (NCHW,\n"
    "little-endian, no header) and write the tensor entering each [yolo]\n"
    "layer as DIR/head0.bin, head1.bin, ... (float32 NCHW [C][H][W]).\n"
    "  --weights FILE      weights (default: MODEL with .weights)\n"
    "  --flavor F          auto|yolor|darknet|yolor-paper\n"
    "  --threads N         threads (0: all cores)\n"
    "  --precision P       fp32 (default) or bf16 (CPUs with avx512_bf16)\n"
    "  --synthetic         generated weights instead of a weights file\n"
    "  --no-fold           run batch norm / implicit layers unfolded\n";

/* Reads exactly @n floats from @path into @dst. Returns 0 or -1. */
static int
read_tensor (const yolor_cli *cli, const char *path, float *dst, size_t n)
{
  FILE *f = fopen (path, "rb");
  long size;

  if (f == NULL) {
    yolor_cli_error (cli, "cannot open input '%s': %s", path, strerror (errno));
    return -1;
  }
  if (fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0) {
    yolor_cli_error (cli, "cannot read input '%s'", path);
    fclose (f);
    return -1;
  }
  if ((size_t) size != n * sizeof (float)) {
    yolor_cli_error (cli,
        "input '%s' has %ld bytes; --size needs %zu "
        "(3 x H x W float32)",
        path, size, n * sizeof (float));
    fclose (f);
    return -1;
  }
  if (fread (dst, sizeof (float), n, f) != n) {
    yolor_cli_error (cli, "cannot read input '%s'", path);
    fclose (f);
    return -1;
  }
  fclose (f);
  return 0;
}

static int
write_head (const yolor_cli *cli, const char *dir, int k, const float *data,
    int c, int h, int w)
{
  char path[4096];
  size_t n = (size_t) c * h * w;
  FILE *f;

  snprintf (path, sizeof path, "%s/head%d.bin", dir, k);
  f = fopen (path, "wb");
  if (f == NULL) {
    yolor_cli_error (cli, "cannot write '%s': %s", path, strerror (errno));
    return -1;
  }
  if (fwrite (data, sizeof (float), n, f) != n || fclose (f) != 0) {
    yolor_cli_error (cli, "cannot write '%s'", path);
    return -1;
  }
  printf ("%s: %dx%dx%d\n", path, c, h, w);
  return 0;
}

int
yolor_cmd_run (int argc, char **argv)
{
  yolor_cli cli;
  yolor_options opts;
  yolor_error err;
  yolor_net *net;
  float *input;
  int k, rc, ret = YOLOR_EXIT_RUNTIME;

  rc = yolor_cli_parse (&cli, argc, argv, YOLOR_CLI_OPT_RUN, usage);
  if (rc)
    return rc < 0 ? YOLOR_EXIT_OK : rc;
  if (cli.n_args > 0 || !cli.input || !cli.dump || cli.width == 0) {
    fprintf (stderr, "yolor run: %s\n\n%s",
        cli.n_args > 0 ? "unexpected argument"
                       : "--input, --size and --dump are required",
        usage);
    return YOLOR_EXIT_USAGE;
  }

  yolor_cli_fill_options (&cli, &opts);
  net = yolor_cli_load_net (&cli, &opts, 0, NULL);
  if (net == NULL)
    return YOLOR_EXIT_RUNTIME;

  memset (&err, 0, sizeof err);
  if (yolor_net_prepare_input (net, cli.width, cli.height, &err) != YOLOR_OK) {
    yolor_cli_error (&cli, "%s", err.msg);
    goto out;
  }
  input = yolor_net_input (net);
  if (input == NULL) {
    yolor_cli_error (&cli, "the engine has no input tensor");
    goto out;
  }
  if (read_tensor (&cli, cli.input, input, (size_t) 3 * cli.width * cli.height))
    goto out;
  if (yolor_net_forward (net, &err) != YOLOR_OK) {
    yolor_cli_error (&cli, "%s", err.msg);
    goto out;
  }
  if (mkdir (cli.dump, 0777) != 0 && errno != EEXIST) {
    yolor_cli_error (
        &cli, "cannot create '%s': %s", cli.dump, strerror (errno));
    goto out;
  }
  for (k = 0; k < yolor_net_n_heads (net); k++) {
    int c = 0, h = 0, w = 0;
    const float *head = yolor_net_head (net, k, &c, &h, &w);
    if (head == NULL) {
      yolor_cli_error (&cli, "head %d is not available", k);
      goto out;
    }
    if (write_head (&cli, cli.dump, k, head, c, h, w))
      goto out;
  }
  ret = YOLOR_EXIT_OK;
out:
  yolor_net_free (net);
  return ret;
}
