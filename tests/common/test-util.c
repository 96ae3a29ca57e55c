/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test-util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
tu_shared_path (char *buf, size_t n, const char *fmt, ...)
{
  const char *root = getenv ("YOLOR_SHARED_DIR");
  char rel[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (rel, sizeof (rel), fmt, ap);
  va_end (ap);
  snprintf (buf, n, "%s/%s", root && *root ? root : "../shared", rel);
  return buf;
}

char *
tu_read_file (const char *path, size_t *len_out)
{
  FILE *f = fopen (path, "rb");
  char *buf;
  long len;
  if (!f)
    return NULL;
  fseek (f, 0, SEEK_END);
  len = ftell (f);
  fseek (f, 0, SEEK_SET);
  buf = malloc ((size_t) len + 1);
  if (buf && fread (buf, 1, (size_t) len, f) != (size_t) len) {
    free (buf);
    buf = NULL;
  }
  fclose (f);
  if (buf) {
    buf[len] = '\0';
    if (len_out)
      *len_out = (size_t) len;
  }
  return buf;
}

float *
tu_read_f32 (const char *path, size_t *n_out)
{
  size_t len = 0;
  char *b = tu_read_file (path, &len);
  if (b && n_out)
    *n_out = len / 4;
  return (float *) b;
}

double
tu_ref_tolerance (const char *json, const char *file, const char *field)
{
  char key[512];
  const char *p = strstr (json, "\"suggested_tolerances\"");
  const char *end;
  if (!p)
    return NAN;
  snprintf (key, sizeof (key), "\"%s\"", file);
  p = strstr (p, key);
  if (!p)
    return NAN;
  end = strchr (p, '}');
  snprintf (key, sizeof (key), "\"%s\"", field);
  p = strstr (p, key);
  if (!p || (end && p > end))
    return NAN;
  p = strchr (p, ':');
  return p ? strtod (p + 1, NULL) : NAN;
}

double
tu_max_abs_diff (const float *a, const float *b, size_t n, size_t *at)
{
  double m = 0.0;
  if (at)
    *at = 0;
  for (size_t i = 0; i < n; i++) {
    double d = fabs ((double) a[i] - (double) b[i]);
    if (isnan (d))
      d = INFINITY;
    if (d > m) {
      m = d;
      if (at)
        *at = i;
    }
  }
  return m;
}

void
tu_fill_random (float *x, size_t n, uint32_t seed, float lo, float hi)
{
  uint64_t s = 0x2545F4914F6CDD1DULL ^ seed;
  for (size_t i = 0; i < n; i++) {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    x[i] = lo
        + (hi - lo)
            * (float) (((s * 2685821657736338717ULL) >> 40) / 16777216.0);
  }
}
