/* The files and names around a model, for the element and the tool alike:
 * the default model's cfg, the weights beside a cfg, the class names, the
 * input-size grammar and the resize names.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yolor-private.h"

#ifndef YOLOR_MODEL_DIR
#define YOLOR_MODEL_DIR ""
#endif

static int
is_regular (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

/* @dir/@a@b if it is a regular file: a new path (free()), else NULL. */
static char *
regular_file (const char *dir, const char *a, const char *b)
{
  size_t n = strlen (dir) + strlen (a) + strlen (b) + 2;
  char *p = malloc (n);

  if (p == NULL)
    return NULL;
  snprintf (p, n, "%s/%s%s", dir, a, b);
  if (is_regular (p))
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

/* @cfg_path with its ".cfg" replaced by @ext (appended when it has none):
 * a new string (free()), or NULL. */
static char *
with_extension (const char *cfg_path, const char *ext)
{
  size_t n = strlen (cfg_path);
  char *p;

  if (n >= 4 && !strcmp (cfg_path + n - 4, ".cfg"))
    n -= 4;
  p = malloc (n + strlen (ext) + 1);
  if (p == NULL)
    return NULL;
  memcpy (p, cfg_path, n);
  strcpy (p + n, ext);
  return p;
}

char *
yolor_weights_path (const char *cfg_path)
{
  return with_extension (cfg_path, ".weights");
}

/* ---- class names ---- */

void
yolor_names_free (char **names)
{
  if (names == NULL)
    return;
  for (char **p = names; *p; p++)
    free (*p);
  free (names);
}

/* @path's folder joined with @name (a new string), or NULL. */
static char *
beside (const char *path, const char *name)
{
  const char *slash = strrchr (path, '/');
  size_t dlen = slash ? (size_t) (slash - path + 1) : 0;
  char *p = malloc (dlen + strlen (name) + 1);

  if (p == NULL)
    return NULL;
  memcpy (p, path, dlen);
  strcpy (p + dlen, name);
  return p;
}

/* Reads the names of @path into @names[0..n) (entries past the file stay
 * NULL) and their count into *@count_out. */
static yolor_status
read_names (
    const char *path, char **names, int n, int *count_out, yolor_error *err)
{
  int64_t size = 0;
  FILE *f = yolor_file_open (path, "names", &size, err);
  char *text;
  size_t len, start = 0, bad;
  long invalid;
  int count = 0, line = 1;

  if (f == NULL)
    return err ? err->code : YOLOR_ERR_IO;
  if (size > (64 << 20)) {
    fclose (f);
    return yolor_error_set (err, YOLOR_ERR_IO,
        "names file '%s' is %lld bytes: more than a names file holds", path,
        (long long) size);
  }
  text = malloc ((size_t) size + 1);
  if (text == NULL) {
    fclose (f);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  }
  len = fread (text, 1, (size_t) size, f);
  fclose (f);
  text[len] = '\0';
  /* a NUL byte or a byte that is not UTF-8: named by its line */
  invalid = yolor_utf8_invalid_at ((const unsigned char *) text, len);
  bad = strlen (text);
  if (invalid >= 0 && (size_t) invalid < bad)
    bad = (size_t) invalid;
  if (bad < len) {
    for (size_t i = 0; i < bad; i++)
      line += text[i] == '\n';
    free (text);
    return yolor_error_set (
        err, YOLOR_ERR_PARSE, "%s:%d: not valid UTF-8 text", path, line);
  }
  while (start < len) {
    size_t end = start, a = start, b;

    while (end < len && text[end] != '\n')
      end++;
    b = end;
    while (a < b && (text[a] == ' ' || text[a] == '\t'))
      a++;
    while (b > a
        && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
      b--;
    if (count < n) {
      names[count] = malloc (b - a + 1);
      if (names[count] == NULL) {
        free (text);
        return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
      }
      memcpy (names[count], text + a, b - a);
      names[count][b - a] = '\0';
    }
    count++;
    start = end + 1;
  }
  free (text);
  *count_out = count;
  return YOLOR_OK;
}

yolor_status
yolor_names_load (const char *cfg_path, const char *names_file, int n_classes,
    char ***names_out, char **file_out, int *n_lines_out, yolor_error *err)
{
  char **names, *cands[3] = { NULL, NULL, NULL }, *used = NULL;
  yolor_status st = YOLOR_OK;
  int n_read = -1;

  if (names_out == NULL || n_classes < 0)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "names: n_classes %d or no output", n_classes);
  names = calloc ((size_t) n_classes + 1, sizeof *names);
  if (names == NULL)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");

  if (names_file && *names_file) {
    used = strdup (names_file);
    st = used ? read_names (names_file, names, n_classes, &n_read, err)
              : yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  } else if (cfg_path && *cfg_path) {
    cands[0] = with_extension (cfg_path, ".names");
    cands[1] = beside (cfg_path, "coco.names");
    cands[2] = beside (cfg_path, "../coco.names");
    for (int i = 0; i < 3 && used == NULL; i++) {
      if (cands[i] && is_regular (cands[i])) {
        used = cands[i];
        cands[i] = NULL;
        st = read_names (used, names, n_classes, &n_read, err);
      }
    }
  }

  for (int i = 0; i < n_classes && st == YOLOR_OK; i++) {
    char buf[32];

    if (names[i])
      continue;
    if (n_read < 0 && n_classes == 80)
      names[i] = strdup (yolor_coco_name (i));
    else {
      snprintf (buf, sizeof buf, "class%d", i);
      names[i] = strdup (buf);
    }
    if (names[i] == NULL)
      st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  }
  for (int i = 0; i < 3; i++)
    free (cands[i]);
  if (st != YOLOR_OK) {
    free (used);
    yolor_names_free (names);
    return st;
  }
  *names_out = names;
  if (file_out)
    *file_out = used;
  else
    free (used);
  if (n_lines_out)
    *n_lines_out = n_read;
  return YOLOR_OK;
}

/* ---- sizes and resize names ---- */

/* A side: digits only, 1 … YOLOR_MAX_INPUT_SIDE. Returns 0 or -1. */
static int
parse_side (const char *s, size_t n, int *out)
{
  long v = 0;

  if (n == 0 || n > 5)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (v < 1 || v > YOLOR_MAX_INPUT_SIDE)
    return -1;
  *out = (int) v;
  return 0;
}

int
yolor_size_parse (const char *spec, int *width_out, int *height_out)
{
  const char *x;
  int w, h;

  if (spec == NULL)
    return -1;
  x = strpbrk (spec, "xX");
  if (x == NULL) {
    if (parse_side (spec, strlen (spec), &w))
      return -1;
    h = w;
  } else if (parse_side (spec, (size_t) (x - spec), &w)
      || parse_side (x + 1, strlen (x + 1), &h)) {
    return -1;
  }
  *width_out = w;
  *height_out = h;
  return 0;
}

static const char *const resize_names[] = { "auto", "stretch", "letterbox",
  "rect" };

const char *
yolor_resize_name (yolor_resize resize)
{
  unsigned i = (unsigned) resize;

  return i < sizeof resize_names / sizeof resize_names[0] ? resize_names[i]
                                                          : "auto";
}

int
yolor_resize_parse (const char *name, yolor_resize *out)
{
  if (name == NULL)
    return -1;
  for (unsigned i = 0; i < sizeof resize_names / sizeof resize_names[0]; i++) {
    if (!strcmp (name, resize_names[i])) {
      *out = (yolor_resize) i;
      return 0;
    }
  }
  if (!strcmp (name, "letterbox-rect")) {
    *out = YOLOR_RESIZE_LETTERBOX_RECT;
    return 0;
  }
  return -1;
}
