/* .weights reader.
 *
 * Layout (little-endian): int32 major, minor, revision; "seen" as int64 when
 * major*10+minor >= 2, else int32; then for every [convolutional] and
 * [batchnorm] in cfg order: BN convs beta, gamma, running_mean, running_var
 * [filters] each, plain convs bias [filters]; then the conv's weights
 * [filters][c_in/groups][k][k]. A [batchnorm] has beta, gamma, running_mean,
 * running_var [channels] (darknet's order) and no weights.
 * Optionally followed by the implicit trailer: every implicit_* layer's
 * parameter in cfg order. The file size must match exactly, with or without
 * the trailer. Each kind's params slot lists its arrays in this order
 * (src/layers/); this file reads and checks what they list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yolor-private.h"

int64_t
yolor_first_non_finite (const float *x, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return i;
  return -1;
}

/* Floats of @part over every layer of @m. */
static int64_t
part_floats (const yolor_model *m, yolor_param_part part)
{
  int64_t n = 0;
  for (int i = 0; i < m->n_layers; i++) {
    yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
    int na = yolor_layer_params (&m->layers[i], a);
    for (int k = 0; k < na; k++)
      if (a[k].part == part)
        n += a[k].n;
  }
  return n;
}

int64_t
yolor_weights_conv_floats (const yolor_model *m)
{
  return part_floats (m, YOLOR_PARAM_FILE);
}

int64_t
yolor_weights_implicit_floats (const yolor_model *m)
{
  return part_floats (m, YOLOR_PARAM_TRAILER);
}

int
yolor_layer_params (const yolor_layer *l, yolor_param_array *a)
{
  /* the slot only hands out pointers into the layer; the loader's own
   * callers that write through them hold a writable model */
  return l->ops->params ? l->ops->params ((yolor_layer *) l, a) : 0;
}

/* Allocates every parameter array (shapes must be known) with its identity
 * value (BN gamma 1, var 1; implicit mul 1, add/cat 0). */
yolor_status
yolor_weights_allocate (yolor_model *m, yolor_error *err)
{
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
    int na = yolor_layer_params (l, a);
    for (int k = 0; k < na; k++) {
      float *x;
      if (a[k].part == YOLOR_PARAM_MADE)
        continue;
      x = *a[k].p = yolor_calloc ((size_t) a[k].n, sizeof (float));
      if (!x)
        return yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
            "cannot allocate the %lld %s values of layer %d",
            (long long) a[k].n, a[k].name, i);
      for (int64_t j = 0; a[k].init != 0.0f && j < a[k].n; j++)
        x[j] = a[k].init;
    }
  }
  return YOLOR_OK;
}

static int
read_floats (FILE *f, float *dst, int64_t n)
{
  return fread (dst, sizeof (float), (size_t) n, f) == (size_t) n;
}

static int32_t
le32 (const unsigned char *b)
{
  return (int32_t) ((uint32_t) b[0] | (uint32_t) b[1] << 8
      | (uint32_t) b[2] << 16 | (uint32_t) b[3] << 24);
}

/* The arrays of @part of layer @l, in the slot's order, then checked in
 * that order (so a message names the first bad value in the file). */
static yolor_status
read_layer (FILE *f, const char *path, const yolor_model *m, yolor_layer *l,
    yolor_param_part part, yolor_error *err)
{
  yolor_param_array a[YOLOR_MAX_PARAM_ARRAYS];
  int na = yolor_layer_params (l, a);
  for (int k = 0; k < na; k++)
    if (a[k].part == part && !read_floats (f, *a[k].p, a[k].n))
      return part == YOLOR_PARAM_TRAILER
          ? yolor_error_set (err, YOLOR_ERR_IO,
              "%s: read failed in the implicit trailer", path)
          : yolor_error_set (
              err, YOLOR_ERR_IO, "%s: read failed at layer %d", path, l->index);
  for (int k = 0; k < na; k++) {
    const float *x = *a[k].p;
    int64_t at;
    if (a[k].part != part)
      continue;
    at = yolor_first_non_finite (x, a[k].n);
    if (at >= 0)
      return yolor_error_set (err, YOLOR_ERR_IO,
          "%s: layer %d [%s] (%s:%d): %s %lld is %g: the weights are "
          "corrupt",
          path, l->index, l->ops->name, m->cfg_path, l->line, a[k].name,
          (long long) at, (double) x[at]);
    for (int64_t j = 0; a[k].non_negative && j < a[k].n; j++)
      if (!(x[j] >= 0.0f))
        return yolor_error_set (err, YOLOR_ERR_IO,
            "%s: layer %d [%s] (%s:%d): %s %lld is negative (%g): the "
            "weights are corrupt",
            path, l->index, l->ops->name, m->cfg_path, l->line, a[k].name,
            (long long) j, (double) x[j]);
  }
  return YOLOR_OK;
}

yolor_status
yolor_weights_load (yolor_model *m, const char *path, yolor_error *err)
{
  unsigned char hdr[12];
  FILE *f;
  int64_t size;
  int32_t major, minor;
  long hdr_bytes;
  int64_t conv = yolor_weights_conv_floats (m);
  int64_t impl = yolor_weights_implicit_floats (m);
  int64_t with_trailer, without;
  int trailer;
  yolor_status st;

  f = yolor_file_open (path, "weights", &size, err);
  if (!f)
    return err ? err->code : YOLOR_ERR_IO;
  if (size < 16 || fread (hdr, 1, 12, f) != 12) {
    fclose (f);
    return yolor_error_set (err, YOLOR_ERR_IO,
        "%s: %lld bytes is too short for a weights header", path,
        (long long) size);
  }
  major = le32 (hdr);
  minor = le32 (hdr + 4);
  if (major < 0 || minor < 0 || major >= 1000 || minor >= 1000) {
    fclose (f);
    return yolor_error_set (err, YOLOR_ERR_UNSUPPORTED,
        "%s: unsupported weights version %d.%d", path, major, minor);
  }
  hdr_bytes = (major * 10 + minor >= 2) ? 20 : 16;
  without = hdr_bytes + 4 * conv;
  with_trailer = without + 4 * impl;
  if (size != with_trailer && size != without) {
    fclose (f);
    if (impl)
      return yolor_error_set (err, YOLOR_ERR_IO,
          "%s: expected %lld bytes (%lld without the implicit trailer) for "
          "%s, found %lld",
          path, (long long) with_trailer, (long long) without, m->cfg_path,
          (long long) size);
    return yolor_error_set (err, YOLOR_ERR_IO,
        "%s: expected %lld bytes for %s, found %lld%s", path,
        (long long) without, m->cfg_path, (long long) size,
        size < without ? " (truncated)" : "");
  }
  trailer = impl > 0 && size == with_trailer;
  /* the file has the model's size: now its parameters get memory */
  st = yolor_weights_allocate (m, err);
  if (st != YOLOR_OK) {
    fclose (f);
    return st;
  }
  if (fseek (f, hdr_bytes, SEEK_SET) != 0) {
    fclose (f);
    return yolor_error_set (err, YOLOR_ERR_IO, "%s: cannot seek", path);
  }

  for (int i = 0; i < m->n_layers; i++) {
    st = read_layer (f, path, m, &m->layers[i], YOLOR_PARAM_FILE, err);
    if (st != YOLOR_OK) {
      fclose (f);
      return st;
    }
  }
  if (trailer) {
    for (int i = 0; i < m->n_layers; i++) {
      st = read_layer (f, path, m, &m->layers[i], YOLOR_PARAM_TRAILER, err);
      if (st != YOLOR_OK) {
        fclose (f);
        return st;
      }
    }
  } else if (impl) {
    yolor_log (&m->opts, YOLOR_LOG_WARNING,
        "%s has no implicit trailer: the %lld implicit parameters of %s keep "
        "their identity values (0 for add, 1 for mul), which degrades the "
        "model; convert the checkpoint with yolor-convert",
        path, (long long) impl, m->cfg_path);
  }
  fclose (f);
  return YOLOR_OK;
}
