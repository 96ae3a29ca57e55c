/* The files and names around a model (src/load/model-files.c), which the element
 * and the tool share: the default model, the weights beside a cfg, the
 * class names, the input-size grammar and the resize names.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yolor/yolor.h>

#include "../common/test-check.h"

/* A temporary folder for one test: its path in @dir (PATH_MAX bytes). */
static void
make_dir (char *dir, size_t size)
{
  snprintf (dir, size, "%s/yolor-files-XXXXXX",
      getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp");
  ck_assert_ptr_nonnull (mkdtemp (dir));
}

/* Writes @n bytes of @text to @dir/@name; the path in @path_out. */
static void
write_file (const char *dir, const char *name, const char *text, size_t n,
    char *path_out, size_t size)
{
  FILE *f;

  snprintf (path_out, size, "%s/%s", dir, name);
  f = fopen (path_out, "wb");
  ck_assert_ptr_nonnull (f);
  ck_assert_uint_eq (fwrite (text, 1, n, f), n);
  fclose (f);
}

static void
remove_dir (const char *dir)
{
  char cmd[4200];

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq (system (cmd), 0);
}

START_TEST (test_weights_path)
{
  static const char *const cases[][2] = {
    { "models/m.cfg", "models/m.weights" },
    { "m.cfg", "m.weights" },
    { "dir.cfg/model", "dir.cfg/model.weights" },
    { "model.CFG", "model.CFG.weights" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *p = yolor_weights_path (cases[i][0]);

    ck_assert_str_eq (p, cases[i][1]);
    free (p);
  }
}
END_TEST

START_TEST (test_size_grammar)
{
  static const struct
  {
    const char *spec;
    int w, h; /* 0: refused */
  } cases[] = {
    { "640", 640, 640 },
    { "320x256", 320, 256 },
    { "320X256", 320, 256 },
    { "1x8192", 1, 8192 },
    { "8192", 8192, 8192 },
    { "8193", 0, 0 },
    { "0", 0, 0 },
    { "", 0, 0 },
    { "x", 0, 0 },
    { "3x", 0, 0 },
    { "x3", 0, 0 },
    { "3x4x5", 0, 0 },
    { "12a", 0, 0 },
    { "-3", 0, 0 },
    { " 3", 0, 0 },
    { "+3", 0, 0 },
    { "99999999999x2", 0, 0 },
    { "00640", 640, 640 },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int w = -7, h = -7;
    int rc = yolor_size_parse (cases[i].spec, &w, &h);

    if (cases[i].w == 0) {
      ck_assert_msg (
          rc == -1 && w == -7 && h == -7, "'%s' accepted", cases[i].spec);
    } else {
      ck_assert_msg (rc == 0, "'%s' refused", cases[i].spec);
      ck_assert_int_eq (w, cases[i].w);
      ck_assert_int_eq (h, cases[i].h);
    }
  }
  ck_assert_int_eq (yolor_size_parse (NULL, NULL, NULL), -1);
}
END_TEST

START_TEST (test_resize_names)
{
  yolor_resize r = YOLOR_RESIZE_AUTO;

  for (int i = YOLOR_RESIZE_AUTO; i <= YOLOR_RESIZE_LETTERBOX_RECT; i++) {
    ck_assert_int_eq (
        yolor_resize_parse (yolor_resize_name ((yolor_resize) i), &r), 0);
    ck_assert_int_eq (r, i);
  }
  ck_assert_str_eq (yolor_resize_name (YOLOR_RESIZE_LETTERBOX_RECT), "rect");
  ck_assert_int_eq (yolor_resize_parse ("letterbox-rect", &r), 0);
  ck_assert_int_eq (r, YOLOR_RESIZE_LETTERBOX_RECT);
  r = YOLOR_RESIZE_STRETCH;
  ck_assert_int_eq (yolor_resize_parse ("Letterbox", &r), -1);
  ck_assert_int_eq (yolor_resize_parse (NULL, &r), -1);
  ck_assert_int_eq (r, YOLOR_RESIZE_STRETCH);
}
END_TEST

/* The names file: the one given, else <stem>.names, coco.names, then
 * ../coco.names; trimmed lines; COCO for 80 classes without a file;
 * classN for the rest. */
START_TEST (test_names)
{
  char dir[4096], sub[4200], cfg[4300], path[4300], **names = NULL;
  char *file = NULL;
  int n_lines = 0;
  yolor_error err = { 0 };

  make_dir (dir, sizeof dir);
  snprintf (sub, sizeof sub, "%s/m", dir);
  ck_assert_int_eq (mkdir (sub, 0700), 0);
  snprintf (cfg, sizeof cfg, "%s/model.cfg", sub);

  /* none: COCO's for 80 classes, classN otherwise */
  ck_assert_int_eq (
      yolor_names_load (cfg, NULL, 80, &names, &file, &n_lines, &err),
      YOLOR_OK);
  ck_assert_str_eq (names[0], "person");
  ck_assert_ptr_null (names[80]);
  ck_assert_ptr_null (file);
  ck_assert_int_eq (n_lines, -1);
  yolor_names_free (names);
  ck_assert_int_eq (
      yolor_names_load (cfg, NULL, 2, &names, NULL, NULL, &err), YOLOR_OK);
  ck_assert_str_eq (names[1], "class1");
  yolor_names_free (names);

  /* ../coco.names, then coco.names, then <stem>.names win in turn */
  write_file (dir, "coco.names", "up\n", 3, path, sizeof path);
  ck_assert_int_eq (
      yolor_names_load (cfg, NULL, 80, &names, &file, &n_lines, &err),
      YOLOR_OK);
  ck_assert_str_eq (names[0], "up");
  ck_assert_str_eq (names[1], "class1"); /* a file: no COCO fill-in */
  ck_assert_int_eq (n_lines, 1);
  ck_assert_ptr_nonnull (strstr (file, "m/../coco.names"));
  free (file);
  yolor_names_free (names);
  write_file (sub, "coco.names", "beside\n", 7, path, sizeof path);
  write_file (sub, "model.names", "  a \r\nb\t\n\nc", 11, path, sizeof path);
  ck_assert_int_eq (
      yolor_names_load (cfg, NULL, 3, &names, &file, &n_lines, &err), YOLOR_OK);
  ck_assert_str_eq (names[0], "a");
  ck_assert_str_eq (names[1], "b");
  ck_assert_str_eq (names[2], "");
  ck_assert_ptr_null (names[3]);
  ck_assert_int_eq (n_lines, 4);
  ck_assert_str_eq (file, path);
  free (file);
  yolor_names_free (names);

  /* the file given wins; a missing one is an error naming it */
  snprintf (path, sizeof path, "%s/coco.names", sub);
  ck_assert_int_eq (
      yolor_names_load (cfg, path, 1, &names, NULL, NULL, &err), YOLOR_OK);
  ck_assert_str_eq (names[0], "beside");
  yolor_names_free (names);
  names = NULL;
  snprintf (path, sizeof path, "%s/missing.names", sub);
  ck_assert_int_eq (
      yolor_names_load (cfg, path, 1, &names, NULL, NULL, &err), YOLOR_ERR_IO);
  ck_assert_ptr_nonnull (strstr (err.msg, "missing.names"));
  ck_assert_ptr_null (names);

  /* not UTF-8, or a NUL byte: file:line */
  write_file (sub, "bad.names", "ok\nb\xff\n", 6, path, sizeof path);
  ck_assert_int_eq (yolor_names_load (cfg, path, 2, &names, NULL, NULL, &err),
      YOLOR_ERR_PARSE);
  ck_assert_msg (
      strstr (err.msg, "bad.names:2: not valid UTF-8"), "%s", err.msg);
  write_file (sub, "nul.names", "a\nb\nc\0d\n", 8, path, sizeof path);
  ck_assert_int_eq (yolor_names_load (cfg, path, 2, &names, NULL, NULL, &err),
      YOLOR_ERR_PARSE);
  ck_assert_msg (strstr (err.msg, "nul.names:3:"), "%s", err.msg);
  ck_assert_int_eq (yolor_names_load (cfg, NULL, -1, &names, NULL, NULL, &err),
      YOLOR_ERR_INVALID_ARG);
  remove_dir (dir);
}
END_TEST

/* The default model: its own folder first, in $YOLOR_MODEL_DIR before
 * $YOLOR_SHARED_DIR/models. */
START_TEST (test_default_model)
{
  char dir[4096], sub[4200], path[4300], want[4300], *p;

  make_dir (dir, sizeof dir);
  setenv ("YOLOR_MODEL_DIR", dir, 1);
  write_file (dir, YOLOR_DEFAULT_MODEL ".cfg", "[net]\n", 6, want, sizeof want);
  p = yolor_default_model_path ();
  ck_assert_str_eq (p, want);
  free (p);
  snprintf (sub, sizeof sub, "%s/" YOLOR_DEFAULT_MODEL, dir);
  ck_assert_int_eq (mkdir (sub, 0700), 0);
  write_file (sub, YOLOR_DEFAULT_MODEL ".cfg", "[net]\n", 6, want, sizeof want);
  p = yolor_default_model_path ();
  ck_assert_str_eq (p, want);
  free (p);

  /* a folder without it: the next place ($YOLOR_SHARED_DIR/models) */
  snprintf (path, sizeof path, "%s/empty", dir);
  ck_assert_int_eq (mkdir (path, 0700), 0);
  setenv ("YOLOR_MODEL_DIR", path, 1);
  setenv ("YOLOR_SHARED_DIR", dir, 1);
  snprintf (path, sizeof path, "%s/models", dir);
  ck_assert_int_eq (mkdir (path, 0700), 0);
  write_file (
      path, YOLOR_DEFAULT_MODEL ".cfg", "[net]\n", 6, want, sizeof want);
  p = yolor_default_model_path ();
  ck_assert_str_eq (p, want);
  free (p);
  unsetenv ("YOLOR_MODEL_DIR");
  remove_dir (dir);
}
END_TEST

static Suite *
model_files_suite (void)
{
  Suite *s = suite_create ("model-files");
  TCase *tc = tcase_create ("general");

  tcase_add_test (tc, test_weights_path);
  tcase_add_test (tc, test_size_grammar);
  tcase_add_test (tc, test_resize_names);
  tcase_add_test (tc, test_names);
  tcase_add_test (tc, test_default_model);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return tu_run_suite (model_files_suite ());
}
