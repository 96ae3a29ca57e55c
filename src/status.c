/* Status strings, error records, logging and counted aligned allocation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yolor-private.h"

const char *
yolor_status_str (yolor_status status)
{
  switch (status) {
    case YOLOR_OK:
      return "ok";
    case YOLOR_ERR_INVALID_ARG:
      return "invalid argument";
    case YOLOR_ERR_NO_MEMORY:
      return "out of memory";
    case YOLOR_ERR_IO:
      return "input/output error";
    case YOLOR_ERR_PARSE:
      return "parse error";
    case YOLOR_ERR_UNSUPPORTED:
      return "unsupported";
    case YOLOR_ERR_SHAPE:
      return "shape mismatch";
    case YOLOR_ERR_INTERNAL:
      return "internal error";
  }
  return "unknown status";
}

const char *
yolor_version (void)
{
  return "0.1.0";
}

yolor_status
yolor_error_set (yolor_error *err, yolor_status code, const char *fmt, ...)
{
  if (err) {
    va_list ap;
    err->code = code;
    va_start (ap, fmt);
    vsnprintf (err->msg, sizeof (err->msg), fmt, ap);
    va_end (ap);
  }
  return code;
}

void
yolor_log (
    const yolor_options *opts, yolor_log_level level, const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  if (!opts || !opts->log)
    return;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof (msg), fmt, ap);
  va_end (ap);
  opts->log (opts->log_user_data, level, msg);
}

/* Counts every allocation so a test can prove that yolor_net_detect() and
 * yolor_net_forward() allocate nothing. Relaxed atomics: the count is only
 * compared by a single test thread. */
static uint64_t alloc_count;

uint64_t
yolor_alloc_count (void)
{
  return __atomic_load_n (&alloc_count, __ATOMIC_RELAXED);
}

void *
yolor_malloc (size_t bytes)
{
  void *p = NULL;
  __atomic_add_fetch (&alloc_count, 1, __ATOMIC_RELAXED);
  if (bytes == 0)
    bytes = 64;
  bytes = (bytes + 63) & ~(size_t) 63;
  if (posix_memalign (&p, 64, bytes) != 0)
    return NULL;
  return p;
}

void *
yolor_calloc (size_t n, size_t size)
{
  void *p;
  if (size && n > SIZE_MAX / size)
    return NULL;
  p = yolor_malloc (n * size);
  if (p)
    memset (p, 0, n * size);
  return p;
}

void
yolor_free (void *p)
{
  free (p);
}
