/* Finding the default model's cfg.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yolor-private.h"

#ifndef YOLOR_MODEL_DIR
#define YOLOR_MODEL_DIR ""
#endif

/* @dir/@a@b if it is a regular file: a new path (free()), else NULL. */
static char *
regular_file (const char *dir, const char *a, const char *b)
{
  size_t n = strlen (dir) + strlen (a) + strlen (b) + 2;
  char *p = malloc (n);
  struct stat st;

  if (p == NULL)
    return NULL;
  snprintf (p, n, "%s/%s%s", dir, a, b);
  if (stat (p, &st) == 0 && S_ISREG (st.st_mode))
    return p;
  free (p);
  return NULL;
}

/* The default cfg in @dir (its own folder first), or NULL. */
static char *
model_in_dir (const char *dir)
{
  char *p;

  if (dir == NULL || *dir == '\0')
    return NULL;
  p = regular_file (dir, YOLOR_DEFAULT_MODEL "/", YOLOR_DEFAULT_MODEL ".cfg");
  if (p == NULL)
    p = regular_file (dir, "", YOLOR_DEFAULT_MODEL ".cfg");
  return p;
}

char *
yolor_default_model_path (void)
{
  const char *shared = getenv ("YOLOR_SHARED_DIR");
  char *p;

  if ((p = model_in_dir (getenv ("YOLOR_MODEL_DIR"))))
    return p;
  if (shared && *shared) {
    size_t n = strlen (shared) + sizeof "/models";
    char *models = malloc (n);

    if (models) {
      snprintf (models, n, "%s/models", shared);
      p = model_in_dir (models);
      free (models);
      if (p)
        return p;
    }
  }
  return model_in_dir (YOLOR_MODEL_DIR);
}
