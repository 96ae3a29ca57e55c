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
 * the trailer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yolor-private.h"

int64_t
yolor_conv_weight_count (const yolor_layer *l)
{
  return (int64_t) l->filters * (l->c_in / l->groups) * l->size * l->size;
}

int64_t
yolor_first_non_finite (const float *x, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return i;
  return -1;
}

int64_t
yolor_weights_conv_floats (const yolor_model *m)
{
  int64_t n = 0;
  for (int i = 0; i < m->n_layers; i++) {
    const yolor_layer *l = &m->layers[i];
    if (l->ops->kind == YOLOR_LAYER_CONV)
      n += (l->bn ? 4 : 1) * (int64_t) l->filters + yolor_conv_weight_count (l);
    else if (l->ops->kind == YOLOR_LAYER_BATCHNORM)
      n += 4 * (int64_t) l->c;
  }
  return n;
}

int64_t
yolor_weights_implicit_floats (const yolor_model *m)
{
  int64_t n = 0;
  for (int i = 0; i < m->n_layers; i++)
    if (m->layers[i].ops->kind == YOLOR_LAYER_IMPLICIT)
      n += yolor_implicit_count (&m->layers[i]);
  return n;
}

/* Allocates every parameter array (shapes must be known) and sets the
 * identity values: BN gamma 1, var 1; implicit mul 1, add/cat 0. */
yolor_status
yolor_weights_allocate (yolor_model *m, yolor_error *err)
{
  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    if (l->ops->kind == YOLOR_LAYER_CONV
        || l->ops->kind == YOLOR_LAYER_BATCHNORM) {
      int conv = l->ops->kind == YOLOR_LAYER_CONV;
      l->weights = conv
          ? yolor_calloc ((size_t) yolor_conv_weight_count (l), sizeof (float))
          : NULL;
      l->bias = yolor_calloc ((size_t) l->filters, sizeof (float));
      if (l->bn) {
        l->bn_gamma = yolor_calloc ((size_t) l->filters, sizeof (float));
        l->bn_mean = yolor_calloc ((size_t) l->filters, sizeof (float));
        l->bn_var = yolor_calloc ((size_t) l->filters, sizeof (float));
        for (int f = 0; l->bn_gamma && l->bn_var && f < l->filters; f++)
          l->bn_gamma[f] = l->bn_var[f] = 1.0f;
      }
      if ((conv && !l->weights) || !l->bias
          || (l->bn && (!l->bn_gamma || !l->bn_var || !l->bn_mean)))
        return yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
            "cannot allocate the %lld weights of layer %d",
            (long long) yolor_conv_weight_count (l), i);
    } else if (l->ops->kind == YOLOR_LAYER_IMPLICIT) {
      int64_t n = yolor_implicit_count (l);
      l->param = yolor_calloc ((size_t) n, sizeof (float));
      if (!l->param)
        return yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
            "cannot allocate the %lld parameters of layer %d", (long long) n,
            i);
      for (int64_t k = 0; k < n; k++)
        l->param[k] = l->ops->variant == YOLOR_IMPLICIT_ONE ? 1.0f : 0.0f;
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
  {
    yolor_status st = yolor_weights_allocate (m, err);
    if (st != YOLOR_OK) {
      fclose (f);
      return st;
    }
  }
  if (fseek (f, hdr_bytes, SEEK_SET) != 0) {
    fclose (f);
    return yolor_error_set (err, YOLOR_ERR_IO, "%s: cannot seek", path);
  }

  for (int i = 0; i < m->n_layers; i++) {
    yolor_layer *l = &m->layers[i];
    int ok = 1, is_conv = l->ops->kind == YOLOR_LAYER_CONV;
    if (!is_conv && l->ops->kind != YOLOR_LAYER_BATCHNORM)
      continue;
    ok = read_floats (f, l->bias, l->filters);
    if (ok && l->bn)
      ok = read_floats (f, l->bn_gamma, l->filters)
          && read_floats (f, l->bn_mean, l->filters)
          && read_floats (f, l->bn_var, l->filters);
    if (ok && is_conv)
      ok = read_floats (f, l->weights, yolor_conv_weight_count (l));
    if (!ok) {
      fclose (f);
      return yolor_error_set (
          err, YOLOR_ERR_IO, "%s: read failed at layer %d", path, i);
    }
    {
      /* in file order, so the message can say where */
      static const char *const names[] = { "bias", "batch-norm scale",
        "batch-norm mean", "batch-norm variance", "weight" };
      const float *arrays[5] = { l->bias, l->bn_gamma, l->bn_mean, l->bn_var,
        l->weights };
      int64_t counts[5] = { l->filters, l->filters, l->filters, l->filters,
        is_conv ? yolor_conv_weight_count (l) : 0 };
      for (int a = 0; a < (is_conv ? 5 : 4); a++) {
        int64_t at;
        if (a >= 1 && a <= 3 && !l->bn)
          continue;
        at = yolor_first_non_finite (arrays[a], counts[a]);
        if (at >= 0) {
          fclose (f);
          return yolor_error_set (err, YOLOR_ERR_IO,
              "%s: layer %d [%s] (%s:%d): %s %lld is %g: the weights are "
              "corrupt",
              path, i, l->ops->name, m->cfg_path, l->line, names[a],
              (long long) at, (double) arrays[a][at]);
        }
      }
    }
    if (l->bn)
      for (int k = 0; k < l->filters; k++)
        if (!(l->bn_var[k] >= 0.0f)) {
          fclose (f);
          return yolor_error_set (err, YOLOR_ERR_IO,
              "%s: layer %d [%s] (%s:%d): batch-norm variance %d is negative "
              "(%g): the weights are corrupt",
              path, i, l->ops->name, m->cfg_path, l->line, k,
              (double) l->bn_var[k]);
        }
  }
  if (trailer) {
    for (int i = 0; i < m->n_layers; i++) {
      yolor_layer *l = &m->layers[i];
      if (l->ops->kind == YOLOR_LAYER_IMPLICIT
          && !read_floats (f, l->param, yolor_implicit_count (l))) {
        fclose (f);
        return yolor_error_set (
            err, YOLOR_ERR_IO, "%s: read failed in the implicit trailer", path);
      }
      if (l->ops->kind == YOLOR_LAYER_IMPLICIT) {
        int64_t at =
            yolor_first_non_finite (l->param, yolor_implicit_count (l));
        if (at >= 0) {
          fclose (f);
          return yolor_error_set (err, YOLOR_ERR_IO,
              "%s: layer %d [%s] (%s:%d): implicit value %lld is %g: the "
              "weights are corrupt",
              path, i, l->ops->name, m->cfg_path, l->line, (long long) at,
              (double) l->param[at]);
        }
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
