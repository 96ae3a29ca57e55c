/* Memory plan: which layers own an output buffer, which alias another
 * layer's, and where every owned buffer lives in one arena. Buffers whose
 * lifetimes do not overlap share memory (greedy by size, first fit).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

int
yolor_plan_owns_buffer (const yolor_layer *l)
{
  return l->ops->owns_buffer ? l->ops->owns_buffer (l) : 1;
}

/* The layer whose buffer @i's output is: itself, or what it aliases.
 * -1 = the network input, -2 = an implicit parameter. */
int
yolor_plan_root (const yolor_model *m, int i)
{
  while (i >= 0) {
    const yolor_layer *l = &m->layers[i];
    if (l->ops->constant)
      return -2;
    if (yolor_plan_owns_buffer (l))
      return i;
    i = l->in[0];
  }
  return -1;
}

static int
by_size_desc (const void *a, const void *b, void *ctx)
{
  const yolor_net *net = ctx;
  size_t sa = net->t[*(const int *) a].bytes;
  size_t sb = net->t[*(const int *) b].bytes;
  if (sa != sb)
    return sa < sb ? 1 : -1;
  return *(const int *) a - *(const int *) b;
}

/* Insertion sort with a context (n is a few hundred). */
static void
sort_idx (int *idx, int n, yolor_net *net)
{
  for (int i = 1; i < n; i++) {
    int v = idx[i], j = i - 1;
    while (j >= 0 && by_size_desc (&idx[j], &v, net) > 0) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

/* Concatenations in place: an input of a channel route that owns its
 * buffer (not itself a route, not the route's input twice, not already
 * placed in an earlier route) is written straight into its slice of the
 * route's buffer, which then lives from that input's first write; the
 * route copies only what is not there. */
static void
place_in_routes (yolor_net *net)
{
  int n = net->n_layers;
  for (int i = 0; i < n; i++) {
    const yolor_layer *l = &net->layers[i];
    size_t at = 0;
    if (l->alias || l->ops->kind != YOLOR_LAYER_ROUTE || l->route.groups != 1)
      continue;
    for (int k = 0; k < l->n_in; k++) {
      int p = l->in[k], twice = 0, c, h, w;
      for (int j = 0; j < l->n_in; j++)
        twice |= j != k && l->in[j] == p;
      if (p >= 0 && !twice && !net->layers[p].alias
          && net->layers[p].ops->kind != YOLOR_LAYER_ROUTE
          && net->layers[p].ops->kind != YOLOR_LAYER_IMPLICIT
          && net->t[p].home < 0) {
        net->t[p].home = i;
        net->t[p].home_at = at;
      }
      yolor_layer_src_shape (net, l, k, &c, &h, &w);
      at += (size_t) c * h * w;
    }
  }
}

/* Shortcuts computed by their input: a [shortcut] that adds a second
 * input of its own shape to a Winograd conv read by nothing else, with no
 * activation of its own, and whose conv output need not stay readable:
 * the conv adds that input in its epilogue and writes straight into the
 * shortcut's buffer. The sum is the same as the separate pass's. */
static void
fuse_shortcuts (yolor_net *net)
{
  const yolor_model *m = net->model;
  int n = net->n_layers;
  if (net->opts.keep_layer_outputs)
    return;
  for (int i = 0; i < n; i++) {
    const yolor_layer *s = &net->layers[i], *p;
    int c = s->in[0], readers = 0, ca, ha, wa;
    if (s->ops->kind != YOLOR_LAYER_SHORTCUT || s->alias || c < 0
        || s->in[1] == c
        || (m->rules.shortcut_activation && s->act != YOLOR_ACT_LINEAR))
      continue;
    p = &net->layers[c];
    if (p->ops->kind != YOLOR_LAYER_CONV || p->alias || !p->conv.wino
        || c == m->embed_layer || net->t[c].home >= 0)
      continue;
    yolor_layer_src_shape (net, s, 1, &ca, &ha, &wa);
    if (ca != net->t[i].c)
      continue;
    for (int j = 0; j < n; j++)
      for (int k = 0; k < net->layers[j].n_in; k++)
        readers += yolor_plan_root (m, net->layers[j].in[k]) == c;
    if (readers != 1)
      continue;
    net->t[c].home = i;
    net->t[c].home_at = 0;
    net->t[c].add_into = i;
    net->t[i].computed_by_input = 1;
  }
}

/* A buffer lives as long as any of the outputs written into it (a home
 * always comes after what it holds: in index order, chains resolve). */
static void
extend_homes (yolor_net *net)
{
  for (int p = 0; p < net->n_layers; p++) {
    yolor_tensor *t = &net->t[p], *h;
    if (t->home < 0)
      continue;
    h = &net->t[t->home];
    if (t->first_use < h->first_use)
      h->first_use = t->first_use;
    if (t->last_use > h->last_use)
      h->last_use = t->last_use;
  }
}

static int
overlaps (const yolor_tensor *a, const yolor_tensor *b)
{
  return a->first_use <= b->last_use && b->first_use <= a->last_use;
}

yolor_status
yolor_plan (yolor_net *net, yolor_error *err)
{
  int n = net->n_layers;
  int *idx, n_owned = 0;
  size_t total = 0, work = 0;

  for (int i = 0; i < n; i++) {
    const yolor_layer *l = &net->layers[i];
    yolor_tensor *t = &net->t[i];
    t->first_use = t->last_use = -1;
    t->bytes = 0;
    if (!l->alias) {
      /* c·h·w < 2^31 (shapes.c): 64-bit products, a size_t check for
       * 32-bit hosts */
      uint64_t b = ((uint64_t) t->c * t->h * t->w * sizeof (float) + 63)
          & ~(uint64_t) 63;
      if (b > SIZE_MAX / 2)
        return yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
            "%s:%d: layer %d [%s]: its %llu-byte output does not fit in "
            "memory",
            net->model->cfg_path, l->line, i, l->ops->name,
            (unsigned long long) b);
      t->bytes = (size_t) b;
      t->first_use = t->last_use = i;
    }
    if (l->ops->workspace && !l->folded) {
      size_t ws = l->ops->workspace (l, t, net->n_threads);
      if (ws > work)
        work = ws;
    }
  }
  /* lifetimes: every read extends the root's life */
  for (int i = 0; i < n; i++) {
    const yolor_layer *l = &net->layers[i];
    for (int k = 0; k < l->n_in; k++) {
      int r = yolor_plan_root (net->model, l->in[k]);
      if (r >= 0 && net->t[r].last_use < i)
        net->t[r].last_use = i;
    }
  }
  for (int i = 0; i < n; i++) {
    int keep = net->opts.keep_layer_outputs
        || net->layers[i].ops->kind == YOLOR_LAYER_YOLO
        || i == net->model->embed_layer;
    int r = yolor_plan_root (net->model, i);
    if (keep && r >= 0)
      net->t[r].last_use = n;
  }
  for (int i = 0; i < n; i++) {
    net->t[i].home = -1;
    net->t[i].add_into = 0;
    net->t[i].computed_by_input = 0;
  }
  fuse_shortcuts (net);
  place_in_routes (net);
  extend_homes (net);

  idx = malloc (sizeof (int) * (size_t) n);
  if (!idx)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  for (int i = 0; i < n; i++)
    if (!net->layers[i].alias && net->t[i].home < 0)
      idx[n_owned++] = i;
  sort_idx (idx, n_owned, net);

  for (int a = 0; a < n_owned; a++) {
    yolor_tensor *l = &net->t[idx[a]];
    size_t off = 0;
    int moved = 1;
    /* first fit: bump past every conflicting placed buffer until stable */
    while (moved) {
      moved = 0;
      for (int b = 0; b < a; b++) {
        const yolor_tensor *p = &net->t[idx[b]];
        if (!overlaps (l, p))
          continue;
        if (off < p->offset + p->bytes && p->offset < off + l->bytes) {
          off = p->offset + p->bytes;
          moved = 1;
        }
      }
    }
    /* every offset is a sum of placed sizes, each below SIZE_MAX / 2 */
    if (off > SIZE_MAX / 2 - l->bytes) {
      free (idx);
      return yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
          "the activations need more than %zu bytes", SIZE_MAX / 2);
    }
    l->offset = off;
    if (off + l->bytes > total)
      total = off + l->bytes;
  }
  free (idx);

  yolor_free (net->arena);
  yolor_free (net->work);
  yolor_free (net->gemm_work);
  net->gemm_work =
      yolor_malloc (sizeof (float) * yolor_sgemm_workspace (net->n_threads));
  net->arena = yolor_malloc (total);
  net->arena_bytes = total;
  net->work_floats = work;
  net->work = yolor_malloc ((work ? work : 1) * sizeof (float));
  if (!net->arena || !net->work || !net->gemm_work)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY,
        "cannot allocate %zu bytes of activations", total);

  /* resolve every layer's output pointer: buffers, then slices of routes
   * (a route comes after its inputs), then aliases in order */
  for (int i = 0; i < n; i++) {
    const yolor_layer *l = &net->layers[i];
    yolor_tensor *t = &net->t[i];
    if (l->ops->constant)
      t->out = l->ops->constant (l); /* read-only: nothing writes it */
    else if (!l->alias && t->home < 0)
      t->out = (float *) ((char *) net->arena + t->offset);
  }
  for (int i = n - 1; i >= 0; i--) /* homes first: they come later */
    if (net->t[i].home >= 0)
      net->t[i].out = net->t[net->t[i].home].out + net->t[i].home_at;
  for (int i = 0; i < n; i++) {
    const yolor_layer *l = &net->layers[i];
    if (l->alias && !l->ops->constant)
      net->t[i].out = l->in[0] < 0 ? net->input : net->t[l->in[0]].out;
  }
  return YOLOR_OK;
}
