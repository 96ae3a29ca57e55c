/* yolor command-line tool: option parsing and model loading.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"
#include "yolor-image.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum
{
  OPT_WEIGHTS = 256,
  OPT_LABELS,
  OPT_NAMES,
  OPT_THREADS,
  OPT_SIZE,
  OPT_LETTERBOX,
  OPT_FLAVOR,
  OPT_SYNTHETIC,
  OPT_NO_FOLD,
  OPT_QUIET,
  OPT_HELP,
  OPT_THRESHOLD,
  OPT_IOU,
  OPT_MAX_DET,
  OPT_AGNOSTIC,
  OPT_INPUT,
  OPT_DUMP,
  OPT_RUNS,
  OPT_WARMUP,
  OPT_LAYERS,
  OPT_IMAGES,
  OPT_AP,
  OPT_PRECISION,
  OPT_BATCH,
  OPT_IMPLICIT,
  OPT_IMPLICIT_PLOT,
};

static const struct option long_options[] = { { "weights", required_argument,
                                                  NULL, OPT_WEIGHTS },
  { "labels", required_argument, NULL, OPT_LABELS },
  { "names", required_argument, NULL, OPT_NAMES },
  { "threads", required_argument, NULL, OPT_THREADS },
  { "size", required_argument, NULL, OPT_SIZE },
  { "letterbox", required_argument, NULL, OPT_LETTERBOX },
  { "flavor", required_argument, NULL, OPT_FLAVOR },
  { "synthetic", no_argument, NULL, OPT_SYNTHETIC },
  { "no-fold", no_argument, NULL, OPT_NO_FOLD },
  { "quiet", no_argument, NULL, OPT_QUIET },
  { "help", no_argument, NULL, OPT_HELP },
  { "threshold", required_argument, NULL, OPT_THRESHOLD },
  { "iou", required_argument, NULL, OPT_IOU },
  { "max-det", required_argument, NULL, OPT_MAX_DET },
  { "agnostic", no_argument, NULL, OPT_AGNOSTIC },
  { "input", required_argument, NULL, OPT_INPUT },
  { "dump", required_argument, NULL, OPT_DUMP },
  { "runs", required_argument, NULL, OPT_RUNS },
  { "warmup", required_argument, NULL, OPT_WARMUP },
  { "layers", no_argument, NULL, OPT_LAYERS },
  { "images", required_argument, NULL, OPT_IMAGES },
  { "ap", required_argument, NULL, OPT_AP },
  { "precision", required_argument, NULL, OPT_PRECISION },
  { "batch", required_argument, NULL, OPT_BATCH },
  { "implicit", no_argument, NULL, OPT_IMPLICIT },
  { "implicit-plot", required_argument, NULL, OPT_IMPLICIT_PLOT },
  { NULL, 0, NULL, 0 } };

void
yolor_cli_error (const yolor_cli *cli, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "yolor %s: ", cli && cli->command ? cli->command : "");
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}

static int
parse_int (const char *s, int min, int max, int *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return -1;
  *out = (int) v;
  return 0;
}

static int
parse_unit_float (const char *s, float *out)
{
  char *end;
  double v;

  errno = 0;
  v = strtod (s, &end);
  if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0))
    return -1;
  *out = (float) v;
  return 0;
}

static int usage_error (const yolor_cli *cli, const char *usage,
    const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static int
usage_error (const yolor_cli *cli, const char *usage, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "yolor %s: ", cli->command);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\n\n%s", usage);
  return YOLOR_EXIT_USAGE;
}

static int
option_allowed (int id, unsigned extra)
{
  switch (id) {
    case OPT_THRESHOLD:
    case OPT_IOU:
    case OPT_MAX_DET:
    case OPT_AGNOSTIC:
      return (extra & YOLOR_CLI_OPT_POST) != 0;
    case OPT_INPUT:
    case OPT_DUMP:
      return (extra & YOLOR_CLI_OPT_RUN) != 0;
    case OPT_RUNS:
    case OPT_WARMUP:
    case OPT_LAYERS:
    case OPT_BATCH:
      return (extra & YOLOR_CLI_OPT_BENCH) != 0;
    case OPT_IMAGES:
    case OPT_AP:
      return (extra & YOLOR_CLI_OPT_EVAL) != 0;
    case OPT_IMPLICIT:
    case OPT_IMPLICIT_PLOT:
      return (extra & YOLOR_CLI_OPT_INFO) != 0;
    default:
      return 1;
  }
}

/* The default model's cfg, found once (freed at exit). */
static char *default_model;

static void
free_default_model (void)
{
  free (default_model);
  default_model = NULL;
}

/* TRUE when @path ends in ".cfg" (any case). */
static int
has_cfg_suffix (const char *path)
{
  size_t n = strlen (path);

  return n > 4 && strcasecmp (path + n - 4, ".cfg") == 0;
}

int
yolor_cli_parse (
    yolor_cli *cli, int argc, char **argv, unsigned extra, const char *usage)
{
  int c, idx;

  memset (cli, 0, sizeof *cli);
  cli->command = argv[0];
  cli->threshold = -1.0f;
  cli->iou = -1.0f;
  cli->runs = 10;
  cli->warmup = 1;
  cli->batch = 1;

  optind = 0; /* full re-initialisation (glibc) */
  opterr = 0;
  for (;;) {
    idx = -1;
    c = getopt_long (argc, argv, ":", long_options, &idx);
    if (c == -1)
      break;
    if (c == '?') {
      if (optopt != 0)
        return usage_error (cli, usage, "unknown option '-%c'", (char) optopt);
      return usage_error (cli, usage, "unknown option '%s'", argv[optind - 1]);
    }
    if (c == ':')
      return usage_error (
          cli, usage, "option '%s' needs a value", argv[optind - 1]);
    if (!option_allowed (c, extra))
      return usage_error (cli, usage, "option '--%s' does not apply here",
          long_options[idx >= 0 ? idx : 0].name);

    switch (c) {
      case OPT_WEIGHTS:
        cli->weights = optarg;
        break;
      case OPT_LABELS:
        if (extra & YOLOR_CLI_OPT_EVAL)
          cli->labels_dir = optarg;
        else
          cli->names = optarg;
        break;
      case OPT_NAMES:
        cli->names = optarg;
        break;
      case OPT_THREADS:
        if (parse_int (optarg, 0, 1024, &cli->n_threads))
          return usage_error (cli, usage, "bad --threads '%s'", optarg);
        break;
      case OPT_PRECISION:
        if (yolor_precision_parse (optarg, &cli->precision))
          return usage_error (
              cli, usage, "bad --precision '%s' (fp32 or bf16)", optarg);
        break;
      case OPT_SIZE:
        if (yolor_size_parse (optarg, &cli->width, &cli->height))
          return usage_error (cli, usage,
              "bad --size '%s' (expected WxH or N, each 1 to %d, e.g. "
              "640x640)",
              optarg, YOLOR_MAX_INPUT_SIDE);
        break;
      case OPT_LETTERBOX:
        if (yolor_resize_parse (optarg, &cli->resize))
          return usage_error (cli, usage,
              "bad --letterbox '%s' (auto, stretch, letterbox or rect)",
              optarg);
        break;
      case OPT_FLAVOR:
        if (!yolor_flavor_parse (optarg, &cli->flavor))
          return usage_error (cli, usage,
              "bad --flavor '%s' (auto, yolor, darknet or yolor-paper)",
              optarg);
        break;
      case OPT_SYNTHETIC:
        cli->synthetic = 1;
        break;
      case OPT_NO_FOLD:
        cli->no_fold = 1;
        break;
      case OPT_QUIET:
        cli->quiet = 1;
        break;
      case OPT_HELP:
        fputs (usage, stdout);
        return -1;
      case OPT_THRESHOLD:
        if (parse_unit_float (optarg, &cli->threshold))
          return usage_error (
              cli, usage, "bad --threshold '%s' (0..1)", optarg);
        break;
      case OPT_IOU:
        if (parse_unit_float (optarg, &cli->iou))
          return usage_error (cli, usage, "bad --iou '%s' (0..1)", optarg);
        break;
      case OPT_MAX_DET:
        if (parse_int (optarg, 1, 1000000, &cli->max_det))
          return usage_error (cli, usage, "bad --max-det '%s'", optarg);
        break;
      case OPT_AGNOSTIC:
        cli->agnostic = 1;
        break;
      case OPT_INPUT:
        cli->input = optarg;
        break;
      case OPT_DUMP:
        cli->dump = optarg;
        break;
      case OPT_RUNS:
        if (parse_int (optarg, 1, 1000000, &cli->runs))
          return usage_error (cli, usage, "bad --runs '%s'", optarg);
        break;
      case OPT_WARMUP:
        if (parse_int (optarg, 0, 1000000, &cli->warmup))
          return usage_error (cli, usage, "bad --warmup '%s'", optarg);
        break;
      case OPT_LAYERS:
        cli->layers = 1;
        break;
      case OPT_BATCH:
        if (parse_int (optarg, 1, YOLOR_MAX_BATCH, &cli->batch))
          return usage_error (cli, usage, "bad --batch '%s' (1 to %d)", optarg,
              YOLOR_MAX_BATCH);
        break;
      case OPT_IMAGES:
        cli->images_dir = optarg;
        break;
      case OPT_AP:
        if (strcmp (optarg, "coco101") && strcmp (optarg, "allpoint"))
          return usage_error (
              cli, usage, "bad --ap '%s' (coco101 or allpoint)", optarg);
        cli->ap_method = optarg;
        break;
      case OPT_IMPLICIT:
        cli->implicit = 1;
        break;
      case OPT_IMPLICIT_PLOT:
        cli->implicit_plot = optarg;
        break;
      default:
        return usage_error (
            cli, usage, "unexpected option '%s'", argv[optind - 1]);
    }
  }

  /* MODEL is the first positional when it names a .cfg; else the default
   * model, as yolordetect runs without a model */
  if (optind < argc && has_cfg_suffix (argv[optind])) {
    cli->model = argv[optind++];
  } else {
    if (default_model == NULL) {
      default_model = yolor_default_model_path ();
      if (default_model != NULL)
        atexit (free_default_model);
    }
    if (default_model == NULL)
      return usage_error (cli, usage,
          "no MODEL.cfg given, and the default model " YOLOR_DEFAULT_MODEL
          " is in none of $YOLOR_MODEL_DIR, $YOLOR_SHARED_DIR/models and "
          "the shared models folder this build knows");
    cli->model = default_model;
    if (!cli->quiet)
      fprintf (stderr, "yolor %s: model %s (the default)\n", cli->command,
          default_model);
  }
  cli->args = argv + optind;
  cli->n_args = argc - optind;
  return YOLOR_EXIT_OK;
}

char *
yolor_cli_weights_path (const yolor_cli *cli)
{
  return cli->weights ? strdup (cli->weights) : yolor_weights_path (cli->model);
}

void
yolor_cli_fill_options (const yolor_cli *cli, yolor_options *opts)
{
  yolor_options_init (opts);
  opts->n_threads = cli->n_threads;
  opts->flavor = cli->flavor;
  opts->fold = cli->no_fold ? 0 : 1;
  opts->input_width = cli->width;
  opts->input_height = cli->height;
  opts->resize = cli->resize;
  opts->precision = cli->precision;
}

static void
log_to_stderr (void *user_data, yolor_log_level level, const char *msg)
{
  const yolor_cli *cli = user_data;

  if (level > YOLOR_LOG_WARNING)
    return;
  fprintf (stderr, "yolor %s: %s: %s\n", cli->command,
      level == YOLOR_LOG_ERROR ? "error" : "warning", msg);
}

yolor_net *
yolor_cli_load_net (const yolor_cli *cli, const yolor_options *opts_in,
    int allow_synthetic, int *synthetic_out)
{
  yolor_options opts = *opts_in;
  yolor_error err;
  yolor_status st;
  yolor_net *net = NULL;
  char *weights;
  int synthetic = cli->synthetic;

  if (opts.log == NULL) {
    opts.log = log_to_stderr;
    opts.log_user_data = (void *) cli;
  }

  if (access (cli->model, R_OK) != 0) {
    yolor_cli_error (
        cli, "cannot read model '%s': %s", cli->model, strerror (errno));
    return NULL;
  }

  weights = yolor_cli_weights_path (cli);
  if (weights == NULL) {
    yolor_cli_error (cli, "out of memory");
    return NULL;
  }
  if (!synthetic && allow_synthetic && cli->weights == NULL
      && access (weights, F_OK) != 0) {
    synthetic = 1;
    if (!cli->quiet)
      fprintf (stderr,
          "yolor %s: no weights file '%s': using synthetic "
          "weights\n",
          cli->command, weights);
  }

  memset (&err, 0, sizeof err);
  if (synthetic)
    st = yolor_net_load_synthetic (
        cli->model, YOLOR_CLI_SYNTHETIC_SEED, &opts, &net, &err);
  else
    st = yolor_net_load (cli->model, weights, &opts, &net, &err);

  if (st != YOLOR_OK) {
    const char *what = synthetic ? cli->model : weights;
    if (err.msg[0] == '\0')
      snprintf (err.msg, sizeof err.msg, "%s", yolor_status_str (st));
    if (strstr (err.msg, cli->model) || strstr (err.msg, weights))
      yolor_cli_error (cli, "%s", err.msg);
    else
      yolor_cli_error (cli, "cannot load '%s': %s", what, err.msg);
    yolor_net_free (net);
    net = NULL;
  }
  if (synthetic_out)
    *synthetic_out = synthetic;
  free (weights);
  return net;
}

void
yolor_cli_json_string (FILE *f, const char *s)
{
  const unsigned char *p;

  fputc ('"', f);
  for (p = (const unsigned char *) s; *p; p++) {
    switch (*p) {
      case '"':
        fputs ("\\\"", f);
        break;
      case '\\':
        fputs ("\\\\", f);
        break;
      case '\n':
        fputs ("\\n", f);
        break;
      case '\r':
        fputs ("\\r", f);
        break;
      case '\t':
        fputs ("\\t", f);
        break;
      default:
        if (*p < 0x20)
          fprintf (f, "\\u%04x", *p);
        else
          fputc (*p, f);
    }
  }
  fputc ('"', f);
}

const char *
yolor_cli_flavor_name (yolor_flavor flavor)
{
  return yolor_flavor_name (flavor);
}

double
yolor_cli_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

int
yolor_cli_detect_file (const yolor_cli *cli, yolor_net *net, const char *path,
    const yolor_post_params *post, yolor_detection *dets, size_t cap,
    int *prepared_w, int *prepared_h, yolor_rgb_image *rgb, size_t *n_out)
{
  yolor_image img;
  yolor_error err;
  char msg[512];

  *n_out = 0;
  if (yolor_rgb_image_load (path, rgb, msg, sizeof msg)) {
    yolor_cli_error (cli, "%s", msg);
    return -1;
  }
  memset (&err, 0, sizeof err);
  if (rgb->width != *prepared_w || rgb->height != *prepared_h) {
    *prepared_w = *prepared_h = 0;
    if (yolor_net_prepare (net, rgb->width, rgb->height, &err) != YOLOR_OK)
      goto failed;
    *prepared_w = rgb->width;
    *prepared_h = rgb->height;
  }
  memset (&img, 0, sizeof img);
  img.format = YOLOR_PIXFMT_RGB;
  img.width = rgb->width;
  img.height = rgb->height;
  img.planes[0] = rgb->data;
  img.strides[0] = rgb->stride;
  if (yolor_net_detect (net, &img, post, dets, cap, n_out, &err) != YOLOR_OK)
    goto failed;
  return 0;

failed:
  yolor_cli_error (cli, "%s: %s", path, err.msg);
  yolor_rgb_image_clear (rgb);
  return -1;
}
