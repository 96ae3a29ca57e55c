/* Darknet-style .cfg reader: [sections] of key=value lines, with the line
 * number of everything so errors can name file:line.
 *
 * Rules (a superset of both darknet's and the official YOLOR parser's):
 * whole-line comments start with '#' or ';'; blank lines are skipped;
 * surrounding white space and a trailing '\r' are stripped; every other line
 * is "[name]" or "key=value". A duplicate key in one section is an error.
 * The text must be UTF-8 (a byte-order mark is skipped) without NUL bytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yolor-private.h"

#define YOLOR_CFG_MAX_BYTES (16 << 20)

static char *
dup_range (const char *s, size_t n)
{
  char *d = malloc (n + 1);
  if (d) {
    memcpy (d, s, n);
    d[n] = '\0';
  }
  return d;
}

static void
strip (char **s, size_t *n)
{
  while (*n && isspace ((unsigned char) (*s)[0])) {
    (*s)++;
    (*n)--;
  }
  while (*n && isspace ((unsigned char) (*s)[*n - 1]))
    (*n)--;
}

void
yolor_cfg_clear (yolor_cfg *cfg)
{
  if (!cfg)
    return;
  for (int i = 0; i < cfg->n_sections; i++) {
    yolor_cfg_section *s = &cfg->sections[i];
    for (int k = 0; k < s->n_kv; k++) {
      free (s->kv[k].key);
      free (s->kv[k].value);
    }
    free (s->kv);
    free (s->name);
  }
  free (cfg->sections);
  free (cfg->path);
  memset (cfg, 0, sizeof (*cfg));
}

const yolor_cfg_kv *
yolor_cfg_find (const yolor_cfg_section *s, const char *key)
{
  for (int k = 0; k < s->n_kv; k++)
    if (strcmp (s->kv[k].key, key) == 0)
      return &s->kv[k];
  return NULL;
}

static char *
read_file (const char *path, size_t *len_out, yolor_error *err)
{
  int64_t len;
  FILE *f = yolor_file_open (path, "cfg", &len, err);
  char *buf;

  if (!f)
    return NULL;
  if (len > YOLOR_CFG_MAX_BYTES) {
    yolor_error_set (err, YOLOR_ERR_PARSE,
        "%s: %lld bytes is too large for a model cfg (limit %d)", path,
        (long long) len, YOLOR_CFG_MAX_BYTES);
    fclose (f);
    return NULL;
  }
  buf = malloc ((size_t) len + 1);
  if (!buf) {
    yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "%s: out of memory", path);
    fclose (f);
    return NULL;
  }
  if (fread (buf, 1, (size_t) len, f) != (size_t) len) {
    yolor_error_set (err, YOLOR_ERR_IO, "%s: short read", path);
    free (buf);
    fclose (f);
    return NULL;
  }
  fclose (f);
  buf[len] = '\0';
  *len_out = (size_t) len;
  return buf;
}

static int
add_section (yolor_cfg *cfg, const char *name, size_t n, int line)
{
  yolor_cfg_section *s;
  void *grown = realloc (cfg->sections,
      sizeof (yolor_cfg_section) * (size_t) (cfg->n_sections + 1));
  if (!grown)
    return 0;
  cfg->sections = grown;
  s = &cfg->sections[cfg->n_sections];
  memset (s, 0, sizeof (*s));
  s->name = dup_range (name, n);
  s->line = line;
  if (!s->name)
    return 0;
  cfg->n_sections++;
  return 1;
}

static int
add_kv (yolor_cfg_section *s, const char *k, size_t kn, const char *v,
    size_t vn, int line)
{
  void *grown = realloc (s->kv, sizeof (yolor_cfg_kv) * (size_t) (s->n_kv + 1));
  yolor_cfg_kv *kv;
  if (!grown)
    return 0;
  s->kv = grown;
  kv = &s->kv[s->n_kv];
  kv->key = dup_range (k, kn);
  kv->value = dup_range (v, vn);
  kv->line = line;
  kv->used = 0;
  if (!kv->key || !kv->value) {
    free (kv->key);
    free (kv->value);
    return 0;
  }
  s->n_kv++;
  return 1;
}

yolor_status
yolor_cfg_read (const char *path, yolor_cfg *cfg, yolor_error *err)
{
  size_t len = 0;
  char *buf, *p, *end;
  int line = 0;
  yolor_status st = YOLOR_OK;

  memset (cfg, 0, sizeof (*cfg));
  if (!path)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "no cfg path given");
  buf = read_file (path, &len, err);
  if (!buf)
    return err ? err->code : YOLOR_ERR_IO;
  if (memchr (buf, '\0', len)) {
    free (buf);
    return yolor_error_set (err, YOLOR_ERR_PARSE,
        "%s: contains a NUL byte: not a text cfg file", path);
  }
  cfg->path = strdup (path);
  if (!cfg->path) {
    free (buf);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  }

  p = buf;
  end = buf + len;
  while (p < end && st == YOLOR_OK) {
    char *nl = memchr (p, '\n', (size_t) (end - p));
    char *s = p;
    size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
    long bad;
    line++;
    p = nl ? nl + 1 : end;
    /* the text goes on to GLib, callers' logs and metadata as it is */
    bad = yolor_utf8_invalid_at ((const unsigned char *) s, n);
    if (bad >= 0) {
      st = yolor_error_set (err, YOLOR_ERR_PARSE,
          "%s:%d: not valid UTF-8 text (byte 0x%02x at column %ld)", path, line,
          (unsigned char) s[bad], bad + 1);
      break;
    }
    if (line == 1 && n >= 3 && memcmp (s, "\xef\xbb\xbf", 3) == 0) {
      s += 3; /* a byte-order mark */
      n -= 3;
    }
    strip (&s, &n);
    if (n == 0 || s[0] == '#' || s[0] == ';')
      continue;
    if (s[0] == '[') {
      if (s[n - 1] != ']' || n < 3) {
        st = yolor_error_set (err, YOLOR_ERR_PARSE,
            "%s:%d: malformed section header '%.*s'", path, line, (int) n, s);
        break;
      }
      s++;
      n -= 2;
      strip (&s, &n);
      if (n == 0) {
        st = yolor_error_set (
            err, YOLOR_ERR_PARSE, "%s:%d: empty section name", path, line);
        break;
      }
      if (!add_section (cfg, s, n, line))
        st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
    } else {
      char *eq = memchr (s, '=', n);
      char *k = s, *v;
      size_t kn, vn;
      yolor_cfg_section *sec;
      if (!eq) {
        st = yolor_error_set (err, YOLOR_ERR_PARSE,
            "%s:%d: expected 'key=value' or '[section]', got '%.*s'", path,
            line, (int) (n > 60 ? 60 : n), s);
        break;
      }
      if (cfg->n_sections == 0) {
        st = yolor_error_set (err, YOLOR_ERR_PARSE,
            "%s:%d: 'key=value' before the first [section]", path, line);
        break;
      }
      kn = (size_t) (eq - s);
      v = eq + 1;
      vn = n - kn - 1;
      strip (&k, &kn);
      strip (&v, &vn);
      if (kn == 0) {
        st = yolor_error_set (
            err, YOLOR_ERR_PARSE, "%s:%d: empty key", path, line);
        break;
      }
      sec = &cfg->sections[cfg->n_sections - 1];
      for (int i = 0; i < sec->n_kv; i++) {
        if (strlen (sec->kv[i].key) == kn
            && memcmp (sec->kv[i].key, k, kn) == 0) {
          st = yolor_error_set (err, YOLOR_ERR_PARSE,
              "%s:%d: duplicate key '%.*s' (first set on line %d)", path, line,
              (int) kn, k, sec->kv[i].line);
          break;
        }
      }
      if (st == YOLOR_OK && !add_kv (sec, k, kn, v, vn, line))
        st = yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
    }
  }
  free (buf);
  if (st == YOLOR_OK && cfg->n_sections == 0)
    st =
        yolor_error_set (err, YOLOR_ERR_PARSE, "%s: no [sections] found", path);
  if (st != YOLOR_OK)
    yolor_cfg_clear (cfg);
  return st;
}
