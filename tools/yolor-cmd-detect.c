/* yolor detect MODEL IMAGE...: one JSON object per image on stdout.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"
#include "yolor-image.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: yolor detect [MODEL.cfg] IMAGE... [options]\n"
    "Detect objects; print one JSON object per image (one per line).\n"
    "  --weights FILE      weights (default: MODEL with .weights)\n"
    "  --labels FILE       class names (alias --names)\n"
    "  --threshold T       confidence threshold (default: model's)\n"
    "  --iou T             NMS IoU threshold (default: model's)\n"
    "  --max-det N         at most N detections per image\n"
    "  --agnostic          NMS across classes\n"
    "  --size WxH          network input size\n"
    "  --letterbox MODE    auto|stretch|letterbox|rect\n"
    "  --flavor F          auto|yolor|darknet|yolor-paper\n"
    "  --threads N         threads (0: all cores)\n"
    "  --precision P       fp32 (default) or bf16 (CPUs with avx512_bf16)\n"
    "  --synthetic         generated weights instead of a weights file\n"
    "  --no-fold           do not fold batch norm / implicit layers\n";

static void
print_detection (FILE *out, const yolor_detection *d, int w, int h,
    char **names, int n_classes)
{
  double cx = 0.5 * (d->x1 + d->x2) / w, cy = 0.5 * (d->y1 + d->y2) / h;
  double bw = (double) (d->x2 - d->x1) / w, bh = (double) (d->y2 - d->y1) / h;

  fprintf (out, "{\"class_id\": %d, \"label\": ", d->class_id);
  yolor_cli_json_string (out,
      d->class_id >= 0 && d->class_id < n_classes ? names[d->class_id] : "");
  fprintf (out,
      ", \"confidence\": %.6f, \"objectness\": %.6f, "
      "\"box\": {\"x1\": %.2f, \"y1\": %.2f, \"x2\": %.2f, \"y2\": %.2f}, "
      "\"relative_coordinates\": {\"center_x\": %.6f, \"center_y\": %.6f, "
      "\"width\": %.6f, \"height\": %.6f}}",
      d->confidence, d->objectness, d->x1, d->y1, d->x2, d->y2, cx, cy, bw, bh);
}

static int
detect_one (const yolor_cli *cli, yolor_net *net, const char *path,
    const yolor_post_params *post, yolor_detection *dets, size_t cap,
    int *prepared_w, int *prepared_h, char **names, int n_classes)
{
  yolor_rgb_image rgb;
  size_t i, n = 0;

  if (yolor_cli_detect_file (
          cli, net, path, post, dets, cap, prepared_w, prepared_h, &rgb, &n))
    return -1;

  fputs ("{\"file\": ", stdout);
  yolor_cli_json_string (stdout, path);
  fprintf (stdout, ", \"width\": %d, \"height\": %d, \"detections\": [",
      rgb.width, rgb.height);
  for (i = 0; i < n; i++) {
    if (i)
      fputs (", ", stdout);
    print_detection (stdout, &dets[i], rgb.width, rgb.height, names, n_classes);
  }
  fputs ("]}\n", stdout);
  fflush (stdout);
  yolor_rgb_image_clear (&rgb);
  return 0;
}

int
yolor_cmd_detect (int argc, char **argv)
{
  yolor_cli cli;
  yolor_options opts;
  yolor_post_params post;
  yolor_net *net;
  yolor_detection *dets;
  char **names;
  size_t cap;
  int i, rc, n_classes, pw = 0, ph = 0, failed = 0;

  rc = yolor_cli_parse (&cli, argc, argv, YOLOR_CLI_OPT_POST, usage);
  if (rc)
    return rc < 0 ? YOLOR_EXIT_OK : rc;
  if (cli.n_args < 1) {
    fprintf (stderr, "yolor detect: missing IMAGE\n\n%s", usage);
    return YOLOR_EXIT_USAGE;
  }

  yolor_cli_fill_options (&cli, &opts);
  net = yolor_cli_load_net (&cli, &opts, 0, NULL);
  if (net == NULL)
    return YOLOR_EXIT_RUNTIME;

  yolor_net_default_post (net, &post);
  if (cli.threshold >= 0.0f)
    post.conf_threshold = cli.threshold;
  if (cli.iou >= 0.0f)
    post.iou_threshold = cli.iou;
  if (cli.max_det > 0)
    post.max_detections = cli.max_det;
  if (cli.agnostic)
    post.agnostic = 1;
  cap = post.max_detections > 0 ? (size_t) post.max_detections : 300;

  n_classes = yolor_net_n_classes (net);
  names = yolor_cli_names_load (&cli, n_classes);
  dets = calloc (cap, sizeof *dets);
  if (names == NULL || dets == NULL) {
    yolor_cli_error (&cli, "out of memory");
    yolor_names_free (names);
    free (dets);
    yolor_net_free (net);
    return YOLOR_EXIT_RUNTIME;
  }

  for (i = 0; i < cli.n_args; i++) {
    if (detect_one (&cli, net, cli.args[i], &post, dets, cap, &pw, &ph, names,
            n_classes))
      failed = 1;
  }

  free (dets);
  yolor_names_free (names);
  yolor_net_free (net);
  return failed ? YOLOR_EXIT_RUNTIME : YOLOR_EXIT_OK;
}
