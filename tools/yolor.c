/* yolor: command-line front end of libyolor.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <string.h>

typedef struct yolor_command
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} yolor_command;

static const yolor_command commands[] = {
  { "detect", yolor_cmd_detect, "detect objects in images (JSON lines)" },
  { "run", yolor_cmd_run, "run the network on a raw tensor, dump the heads" },
  { "info", yolor_cmd_info, "layers, shapes, parameters and GFLOPs" },
  { "bench", yolor_cmd_bench, "time the forward pass" },
  { "eval", yolor_cmd_eval, "mAP on a folder of YOLO-labelled images" },
};

static void
print_usage (FILE *f)
{
  size_t i;

  fprintf (f,
      "Usage: yolor COMMAND [MODEL.cfg] [options]\n\n"
      "Without a MODEL.cfg (a path ending in .cfg) the default model,\n"
      "" YOLOR_DEFAULT_MODEL ", is run (found in $YOLOR_MODEL_DIR or\n"
      "$YOLOR_SHARED_DIR/models).\n\nCommands:\n");
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (f, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (f,
      "\n'yolor COMMAND --help' lists the options of a command.\n"
      "Exit status: 0 ok, 1 runtime error, 2 usage error.\n");
}

int
main (int argc, char **argv)
{
  size_t i;

  if (argc < 2) {
    print_usage (stderr);
    return YOLOR_EXIT_USAGE;
  }
  if (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h")
      || !strcmp (argv[1], "help")) {
    print_usage (stdout);
    return YOLOR_EXIT_OK;
  }
  if (!strcmp (argv[1], "--version")) {
    printf ("yolor %s\n", yolor_version ());
    return YOLOR_EXIT_OK;
  }
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (!strcmp (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);
  }
  fprintf (stderr, "yolor: unknown command '%s'\n\n", argv[1]);
  print_usage (stderr);
  return YOLOR_EXIT_USAGE;
}
