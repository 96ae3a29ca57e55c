/* yolor command-line tool: class names (file or the built-in COCO table).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Returns: a newly allocated "<dir of path>/<name>" (transferred). */
static char *
sibling_path (const char *path, const char *name)
{
  const char *slash = strrchr (path, '/');
  size_t dlen = slash ? (size_t) (slash - path) + 1 : 0;
  char *p = malloc (dlen + strlen (name) + 1);

  if (p == NULL)
    return NULL;
  memcpy (p, path, dlen);
  strcpy (p + dlen, name);
  return p;
}

/* Reads one name per line into @names[0..n_classes) (NULL entries stay for
 * missing lines). Returns the number of lines read, or -1. */
static int
read_names_file (const char *path, char **names, int n_classes)
{
  FILE *f = fopen (path, "r");
  char line[512];
  int n = 0;

  if (f == NULL)
    return -1;
  while (fgets (line, sizeof line, f)) {
    size_t len = strlen (line);
    while (len > 0
        && (line[len - 1] == '\n' || line[len - 1] == '\r'
            || line[len - 1] == ' ' || line[len - 1] == '\t'))
      line[--len] = '\0';
    if (len == 0 && feof (f))
      break;
    if (n < n_classes) {
      names[n] = strdup (line);
      if (names[n] == NULL) {
        fclose (f);
        return -1;
      }
    }
    n++;
  }
  fclose (f);
  return n;
}

char **
yolor_cli_names_load (const yolor_cli *cli, int n_classes)
{
  char **names;
  char *candidates[2] = { NULL, NULL };
  const char *file = NULL;
  int i, n_read = -1;

  if (n_classes <= 0)
    return calloc (1, sizeof (char *));
  names = calloc ((size_t) n_classes, sizeof *names);
  if (names == NULL)
    return NULL;

  if (cli->names) {
    file = cli->names;
    n_read = read_names_file (file, names, n_classes);
    if (n_read < 0) {
      yolor_cli_error (
          cli, "cannot read class names '%s': %s", file, strerror (errno));
      yolor_cli_names_free (names, n_classes);
      return NULL;
    }
  } else {
    candidates[0] = sibling_path (cli->model, "coco.names");
    candidates[1] = sibling_path (cli->model, "../coco.names");
    for (i = 0; i < 2 && n_read < 0; i++) {
      if (candidates[i] && access (candidates[i], R_OK) == 0) {
        file = candidates[i];
        n_read = read_names_file (file, names, n_classes);
      }
    }
  }

  if (n_read >= 0 && n_read != n_classes && !cli->quiet)
    fprintf (stderr,
        "yolor %s: warning: '%s' has %d names, the model %d "
        "classes\n",
        cli->command, file, n_read, n_classes);

  for (i = 0; i < n_classes; i++) {
    if (names[i])
      continue;
    if (n_read < 0 && n_classes == 80)
      names[i] = strdup (yolor_coco_name (i));
    else {
      char buf[32];
      snprintf (buf, sizeof buf, "class%d", i);
      names[i] = strdup (buf);
    }
    if (names[i] == NULL) {
      yolor_cli_names_free (names, n_classes);
      names = NULL;
      break;
    }
  }
  free (candidates[0]);
  free (candidates[1]);
  return names;
}

void
yolor_cli_names_free (char **names, int n_classes)
{
  int i;

  if (names == NULL)
    return;
  for (i = 0; i < n_classes; i++)
    free (names[i]);
  free (names);
}
