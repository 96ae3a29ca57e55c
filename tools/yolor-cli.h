/* yolor command-line tool: options and helpers shared by the subcommands.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_CLI_H
#define YOLOR_CLI_H

#include <stdio.h>
#include <yolor/yolor.h>

/* Exit codes of every subcommand. */
#define YOLOR_EXIT_OK 0
#define YOLOR_EXIT_RUNTIME 1
#define YOLOR_EXIT_USAGE 2

/* Which options a subcommand accepts, besides the common ones. */
enum
{
  YOLOR_CLI_OPT_POST = 1 << 0, /* --threshold --iou --max-det --agnostic */
  YOLOR_CLI_OPT_RUN = 1 << 1, /* --input --dump */
  YOLOR_CLI_OPT_BENCH = 1 << 2, /* --runs --warmup --layers --batch */
  YOLOR_CLI_OPT_EVAL = 1 << 3, /* --images --ap (--labels means a folder) */
  YOLOR_CLI_OPT_INFO = 1 << 4, /* --implicit --implicit-plot */
};

/* Parsed command line. Every string is borrowed from argv. */
typedef struct yolor_cli
{
  const char *command; /* "detect", "run", ... */
  const char *model; /* the .cfg path: the first positional when it ends
                      * in .cfg, else the default model's (static) */
  char **args; /* the other positionals */
  int n_args;

  const char *weights; /* NULL: the cfg's stem + ".weights" */
  const char *names; /* class-name file; NULL: searched */
  const char *labels_dir; /* eval: ground-truth folder */
  const char *images_dir; /* eval */
  const char *input; /* run */
  const char *dump; /* run */
  const char *ap_method; /* eval: NULL, "coco101" or "allpoint" */

  int n_threads; /* 0: all cores */
  int width, height; /* 0: model default */
  yolor_flavor flavor;
  yolor_resize resize;
  yolor_precision precision;
  int synthetic;
  int no_fold;
  int quiet;

  float threshold; /* < 0: model default */
  float iou; /* < 0: model default */
  int max_det; /* 0: model default */
  int agnostic;

  int runs; /* bench */
  int warmup;
  int layers;
  int batch; /* frames per forward pass (nets on one model) */

  int implicit; /* info */
  const char *implicit_plot; /* info: SVG path */
} yolor_cli;

/* Parses argv[0] = subcommand name, then options and positionals, allowing
 * the YOLOR_CLI_OPT_* groups in @extra. @usage (borrowed, static) is printed
 * for --help and after a usage error. Returns YOLOR_EXIT_OK, or the code
 * the program should exit with (YOLOR_EXIT_USAGE; or -1 after --help,
 * meaning "exit 0 now"). */
int yolor_cli_parse (
    yolor_cli *cli, int argc, char **argv, unsigned extra, const char *usage);

/* Prints "yolor COMMAND: " + message + newline on stderr. */
void yolor_cli_error (const yolor_cli *cli, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Returns: a newly allocated path (transferred: free()) of the weights file
 * to use: cli->weights, or the model path with ".cfg" replaced by
 * ".weights" (appended when there is no ".cfg"). NULL when out of memory. */
char *yolor_cli_weights_path (const yolor_cli *cli);

/* Fills @opts (borrowed) from the common options. */
void yolor_cli_fill_options (const yolor_cli *cli, yolor_options *opts);

/* Loads the model. Synthetic weights are used with --synthetic, or when
 * @allow_synthetic is set and no --weights was given and the default
 * weights file does not exist; *@synthetic_out (may be NULL) says which.
 * Prints the engine's message on stderr on failure.
 * Returns: the net (transferred: yolor_net_free()) or NULL. */
yolor_net *yolor_cli_load_net (const yolor_cli *cli, const yolor_options *opts,
    int allow_synthetic, int *synthetic_out);

/* Seed of the synthetic weights the tool uses. */
#define YOLOR_CLI_SYNTHETIC_SEED 1u

/* Class names for a net with @n_classes classes, as yolor_names_load()
 * finds them: cli->names, else "<stem>.names" or coco.names beside the
 * model or coco.names one folder up, else the built-in COCO-80 table when
 * n_classes is 80, else "classN". Out-of-range ids of a short names file
 * also get "classN"; a file of another length is warned about. Returns
 * NULL on failure (message printed);
 * otherwise an array of @n_classes strings, transferred: free it with
 * yolor_names_free(). */
char **yolor_cli_names_load (const yolor_cli *cli, int n_classes);

/* Writes @s (borrowed) as a JSON string literal. */
void yolor_cli_json_string (FILE *f, const char *s);

/* Returns: the name of @flavor / @resize (static strings). */
const char *yolor_cli_flavor_name (yolor_flavor flavor);

/* Loads the image @path into @rgb, prepares @net for its size unless
 * *@prepared_w x *@prepared_h already match (both updated; 0 after a failed
 * prepare) and detects into @dets (@cap entries, *@n_out written). Returns
 * 0, @rgb then holding the image (the caller clears it), or -1 after
 * printing the error, @rgb holding nothing. */
struct yolor_rgb_image;
int yolor_cli_detect_file (const yolor_cli *cli, yolor_net *net,
    const char *path, const yolor_post_params *post, yolor_detection *dets,
    size_t cap, int *prepared_w, int *prepared_h, struct yolor_rgb_image *rgb,
    size_t *n_out);

/* Monotonic clock in milliseconds. */
double yolor_cli_now_ms (void);

/* The subcommands: argc/argv start at the subcommand name. Return the
 * process exit code. */
int yolor_cmd_detect (int argc, char **argv);
int yolor_cmd_run (int argc, char **argv);
int yolor_cmd_info (int argc, char **argv);
int yolor_cmd_bench (int argc, char **argv);
int yolor_cmd_eval (int argc, char **argv);

/* yolor info --implicit: a table of what each consumer of implicit
 * knowledge applies per channel, on @out. Returns 0, or -1 when out of
 * memory. (tools/yolor-implicit.c) */
int yolor_cli_print_implicit (yolor_net *net, FILE *out);

/* yolor info --implicit-plot: the same as an SVG at @path, one bar chart per
 * consumer, titled with @model. Returns 0, or -1 with errno set. */
int yolor_cli_implicit_svg (
    yolor_net *net, const char *model, const char *path);

#endif /* YOLOR_CLI_H */
