/* yolor eval MODEL --images DIR --labels DIR: mAP on a labelled folder.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"
#include "yolor-eval.h"
#include "yolor-image.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char usage[] =
    "Usage: yolor eval [MODEL.cfg] --images DIR [--labels DIR] [options]\n"
    "Detect on every image of DIR and compare with YOLO-format labels\n"
    "(LABELS/<image stem>.txt, lines 'class cx cy w h', normalised).\n"
    "DIR may be a dataset root holding images/ and labels/; without\n"
    "--labels, the labels/ folder beside DIR (.../images) is used.\n"
    "Prints 'mAP@0.5 = x' and 'mAP@0.5:0.95 = x', then AP per class.\n"
    "Defaults follow the model's flavour: YOLOR (test.py) conf 0.001,\n"
    "IoU 0.65, COCO 101-point AP; darknet (detector map) conf 0.005,\n"
    "IoU 0.45, all-point AP. mAP averages over classes with ground truth.\n"
    "  --names FILE        class names (here --labels is the label folder)\n"
    "  --threshold T       confidence threshold\n"
    "  --iou T             NMS IoU threshold\n"
    "  --max-det N         at most N detections per image (default 300)\n"
    "  --ap METHOD         coco101|allpoint\n"
    "  --weights FILE      weights (default: MODEL with .weights)\n"
    "  --size WxH          network input size\n"
    "  --letterbox MODE    auto|stretch|letterbox|rect\n"
    "  --flavor F          auto|yolor|darknet|yolor-paper\n"
    "  --threads N         threads (0: all cores)\n"
    "  --precision P       fp32 (default) or bf16 (CPUs with avx512_bf16)\n"
    "  --synthetic         generated weights instead of a weights file\n";

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
is_image_name (const char *name)
{
  static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".bmp" };
  const char *dot = strrchr (name, '.');
  size_t i;

  if (dot == NULL || name[0] == '.')
    return 0;
  for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    if (!strcasecmp (dot, ext[i]))
      return 1;
  }
  return 0;
}

static int
is_dir (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/* The YOLO dataset layout: --images ROOT where ROOT holds images/ and
 * labels/ means ROOT/images and (without --labels) ROOT/labels; --images
 * .../images without --labels takes its sibling .../labels. The paths
 * live in @images_buf and @labels_buf (@size bytes each). */
static void
find_dataset (yolor_cli *cli, char *images_buf, char *labels_buf, size_t size)
{
  const char *dir = cli->images_dir;
  size_t n = strlen (dir);

  while (n > 1 && dir[n - 1] == '/')
    n--;
  snprintf (images_buf, size, "%.*s/images", (int) n, dir);
  snprintf (labels_buf, size, "%.*s/labels", (int) n, dir);
  if (is_dir (images_buf) && (cli->labels_dir || is_dir (labels_buf))) {
    cli->images_dir = images_buf;
    if (cli->labels_dir == NULL)
      cli->labels_dir = labels_buf;
    return;
  }
  if (cli->labels_dir == NULL && n >= 6 && !strncmp (dir + n - 6, "images", 6)
      && (n == 6 || dir[n - 7] == '/')) {
    snprintf (labels_buf, size, "%.*slabels", (int) (n - 6), dir);
    if (is_dir (labels_buf))
      cli->labels_dir = labels_buf;
  }
}

/* Returns the sorted image file names of @dir (transferred: each and the
 * array with free()), count in *@n_out; NULL on error (message printed). */
static char **
list_images (const yolor_cli *cli, const char *dir, size_t *n_out)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;

  *n_out = 0;
  if (d == NULL) {
    yolor_cli_error (
        cli, "cannot open image folder '%s': %s", dir, strerror (errno));
    return NULL;
  }
  while ((e = readdir (d)) != NULL) {
    if (!is_image_name (e->d_name))
      continue;
    if (n == cap) {
      char **t;
      cap = cap ? 2 * cap : 64;
      t = realloc (names, cap * sizeof *t);
      if (t == NULL)
        goto oom;
      names = t;
    }
    names[n] = strdup (e->d_name);
    if (names[n] == NULL)
      goto oom;
    n++;
  }
  closedir (d);
  if (n > 0)
    qsort (names, n, sizeof *names, cmp_str);
  else
    names = calloc (1, sizeof *names);
  *n_out = n;
  return names;
oom:
  closedir (d);
  while (n > 0)
    free (names[--n]);
  free (names);
  yolor_cli_error (cli, "out of memory");
  return NULL;
}

/* Reads LABELS/<stem>.txt into pixel boxes (*@gt_out transferred, free()).
 * A missing file means no objects. Returns 0, or -1 on a malformed file. */
static int
read_labels (const yolor_cli *cli, const char *dir, const char *image, int w,
    int h, yolor_eval_box **gt_out, size_t *n_out)
{
  char path[4096], line[512];
  const char *dot = strrchr (image, '.');
  yolor_eval_box *gt = NULL;
  size_t n = 0, cap = 0;
  int lineno = 0;
  FILE *f;

  *gt_out = NULL;
  *n_out = 0;
  snprintf (path, sizeof path, "%s/%.*s.txt", dir,
      (int) (dot ? dot - image : (long) strlen (image)), image);
  f = fopen (path, "r");
  if (f == NULL)
    return 0;
  while (fgets (line, sizeof line, f)) {
    int cls, consumed = 0;
    double cx, cy, bw, bh;
    char *p = line;

    lineno++;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '\0' || *p == '\n' || *p == '\r')
      continue;
    if (sscanf (p, "%d %lf %lf %lf %lf%n", &cls, &cx, &cy, &bw, &bh, &consumed)
            != 5
        || cls < 0 || bw < 0.0 || bh < 0.0) {
      yolor_cli_error (cli, "%s:%d: expected 'class cx cy w h'", path, lineno);
      free (gt);
      fclose (f);
      return -1;
    }
    if (n == cap) {
      yolor_eval_box *t;
      cap = cap ? 2 * cap : 32;
      t = realloc (gt, cap * sizeof *t);
      if (t == NULL) {
        yolor_cli_error (cli, "out of memory");
        free (gt);
        fclose (f);
        return -1;
      }
      gt = t;
    }
    gt[n].x1 = (float) ((cx - 0.5 * bw) * w);
    gt[n].y1 = (float) ((cy - 0.5 * bh) * h);
    gt[n].x2 = (float) ((cx + 0.5 * bw) * w);
    gt[n].y2 = (float) ((cy + 0.5 * bh) * h);
    gt[n].confidence = 1.0f;
    gt[n].class_id = cls;
    n++;
  }
  fclose (f);
  *gt_out = gt;
  *n_out = n;
  return 0;
}

typedef struct eval_run
{
  yolor_cli *cli;
  yolor_net *net;
  yolor_post_params post;
  yolor_detection *dets;
  yolor_eval_box *boxes;
  size_t cap;
  int pw, ph;
  size_t n_gt_total, n_det_total;
} eval_run;

static int
eval_one (eval_run *run, yolor_eval *ev, const char *file)
{
  const yolor_cli *cli = run->cli;
  char path[4096];
  yolor_rgb_image rgb;
  yolor_eval_box *gt = NULL;
  size_t i, n = 0, n_gt = 0;
  int ret = -1;

  snprintf (path, sizeof path, "%s/%s", cli->images_dir, file);
  if (yolor_cli_detect_file (cli, run->net, path, &run->post, run->dets,
          run->cap, &run->pw, &run->ph, &rgb, &n))
    return -1;
  for (i = 0; i < n; i++) {
    run->boxes[i].x1 = run->dets[i].x1;
    run->boxes[i].y1 = run->dets[i].y1;
    run->boxes[i].x2 = run->dets[i].x2;
    run->boxes[i].y2 = run->dets[i].y2;
    run->boxes[i].confidence = run->dets[i].confidence;
    run->boxes[i].class_id = run->dets[i].class_id;
  }
  if (read_labels (
          cli, cli->labels_dir, file, rgb.width, rgb.height, &gt, &n_gt))
    goto out;
  if (yolor_eval_add_image (ev, gt, n_gt, run->boxes, n)) {
    yolor_cli_error (cli, "out of memory");
    goto out;
  }
  run->n_gt_total += n_gt;
  run->n_det_total += n;
  ret = 0;
out:
  free (gt);
  yolor_rgb_image_clear (&rgb);
  return ret;
}

static void
print_results (const eval_run *run, const yolor_eval *ev,
    yolor_ap_method method, char **names, int n_classes, size_t n_images)
{
  yolor_eval_class *cls = calloc ((size_t) n_classes, sizeof *cls);
  double map50 = 0.0, map5095 = 0.0;
  int c, n_present;

  if (cls == NULL) {
    yolor_cli_error (run->cli, "out of memory");
    return;
  }
  n_present = yolor_eval_compute (ev, method, cls, &map50, &map5095);
  printf ("images: %zu, ground-truth boxes: %zu, detections: %zu, classes "
          "with ground truth: %d\n",
      n_images, run->n_gt_total, run->n_det_total,
      n_present < 0 ? 0 : n_present);
  printf ("settings: conf %.3g, NMS IoU %.3g, max %d per image, AP: %s\n",
      run->post.conf_threshold, run->post.iou_threshold,
      run->post.max_detections,
      method == YOLOR_AP_ALLPOINT ? "all-point area (VOC 2010+, darknet map)"
                                  : "101-point interpolation (COCO)");
  if (yolor_eval_n_ignored (ev) > 0)
    printf ("note: %zu boxes with a class id outside the model's ignored\n",
        yolor_eval_n_ignored (ev));
  printf ("mAP@0.5 = %.4f\n", map50);
  printf ("mAP@0.5:0.95 = %.4f\n", map5095);
  printf ("\n%4s  %-16s %6s %8s %8s %12s\n", "id", "class", "gt", "dets",
      "AP@0.5", "AP@0.5:0.95");
  for (c = 0; c < n_classes; c++) {
    if (cls[c].n_gt == 0)
      continue;
    printf ("%4d  %-16s %6zu %8zu %8.4f %12.4f\n", c, names[c], cls[c].n_gt,
        cls[c].n_dets, cls[c].ap[0], cls[c].ap50_95);
  }
  free (cls);
}

int
yolor_cmd_eval (int argc, char **argv)
{
  yolor_cli cli;
  yolor_options opts;
  yolor_eval *ev = NULL;
  yolor_ap_method method;
  eval_run run;
  char **files = NULL, **names = NULL;
  char images_buf[4096], labels_buf[4096];
  size_t i, n_files = 0;
  int rc, n_classes = 0, darknet, ret = YOLOR_EXIT_RUNTIME;

  rc = yolor_cli_parse (
      &cli, argc, argv, YOLOR_CLI_OPT_POST | YOLOR_CLI_OPT_EVAL, usage);
  if (rc)
    return rc < 0 ? YOLOR_EXIT_OK : rc;
  if (cli.images_dir)
    find_dataset (&cli, images_buf, labels_buf, sizeof images_buf);
  if (cli.n_args > 0 || !cli.images_dir || !cli.labels_dir) {
    fprintf (stderr, "yolor eval: %s\n\n%s",
        cli.n_args > 0       ? "unexpected argument"
            : cli.images_dir ? "--labels is required (no labels/ folder "
                               "beside the images)"
                             : "--images is required",
        usage);
    return YOLOR_EXIT_USAGE;
  }

  memset (&run, 0, sizeof run);
  run.cli = &cli;
  yolor_cli_fill_options (&cli, &opts);
  run.net = yolor_cli_load_net (&cli, &opts, 0, NULL);
  if (run.net == NULL)
    return YOLOR_EXIT_RUNTIME;

  darknet = yolor_net_flavor (run.net) == YOLOR_FLAVOR_DARKNET;
  yolor_net_default_post (run.net, &run.post);
  run.post.conf_threshold =
      cli.threshold >= 0.0f ? cli.threshold : (darknet ? 0.005f : 0.001f);
  run.post.iou_threshold =
      cli.iou >= 0.0f ? cli.iou : (darknet ? 0.45f : 0.65f);
  if (cli.max_det > 0)
    run.post.max_detections = cli.max_det;
  if (run.post.max_detections <= 0)
    run.post.max_detections = 300;
  if (cli.agnostic)
    run.post.agnostic = 1;
  if (cli.ap_method)
    method = strcmp (cli.ap_method, "allpoint") ? YOLOR_AP_COCO101
                                                : YOLOR_AP_ALLPOINT;
  else
    method = darknet ? YOLOR_AP_ALLPOINT : YOLOR_AP_COCO101;

  n_classes = yolor_net_n_classes (run.net);
  run.cap = (size_t) run.post.max_detections;
  run.dets = calloc (run.cap, sizeof *run.dets);
  run.boxes = calloc (run.cap, sizeof *run.boxes);
  names = yolor_cli_names_load (&cli, n_classes);
  ev = yolor_eval_new (n_classes);
  if (run.dets == NULL || run.boxes == NULL || names == NULL || ev == NULL) {
    yolor_cli_error (&cli, "out of memory");
    goto out;
  }
  files = list_images (&cli, cli.images_dir, &n_files);
  if (files == NULL)
    goto out;
  if (n_files == 0) {
    yolor_cli_error (
        &cli, "no images (.jpg, .jpeg, .png, .bmp) in '%s'", cli.images_dir);
    goto out;
  }
  printf ("model: %s (%s flavour, %d classes)\n", cli.model,
      yolor_cli_flavor_name (yolor_net_flavor (run.net)), n_classes);
  for (i = 0; i < n_files; i++) {
    if (eval_one (&run, ev, files[i]))
      goto out;
  }
  print_results (&run, ev, method, names, n_classes, n_files);
  ret = YOLOR_EXIT_OK;
out:
  for (i = 0; files && i < n_files; i++)
    free (files[i]);
  free (files);
  yolor_eval_free (ev);
  yolor_names_free (names);
  free (run.dets);
  free (run.boxes);
  yolor_net_free (run.net);
  return ret;
}
