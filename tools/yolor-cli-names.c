/* yolor command-line tool: class names (yolor_names_load(), with the
 * tool's messages).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <stdlib.h>

char **
yolor_cli_names_load (const yolor_cli *cli, int n_classes)
{
  yolor_error err = { 0 };
  char **names = NULL, *file = NULL;
  int n_read = -1;

  if (yolor_names_load (cli->model, cli->names, n_classes < 0 ? 0 : n_classes,
          &names, &file, &n_read, &err)
      != YOLOR_OK) {
    yolor_cli_error (cli, "class names: %s", err.msg);
    return NULL;
  }
  if (n_read >= 0 && n_read != n_classes && !cli->quiet)
    fprintf (stderr,
        "yolor %s: warning: '%s' has %d names, the model %d "
        "classes\n",
        cli->command, file, n_read, n_classes);
  free (file);
  return names;
}
