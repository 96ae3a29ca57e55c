/* Fuzz target: the whole load path, cfg → graph → shapes → weights → fold
 * → packed weights → plan → prepare → one detection, and the model queries.
 *
 * Input: a cfg, optionally followed by FUZZ_LOAD_SEP and a .weights file.
 * Without the separator the parameters are synthetic
 * (yolor_net_load_synthetic), so that the fuzzer reaches the layers without
 * having to hit the exact weights size; with it they come from the file
 * (yolor_net_load).
 *
 * Bounded so that every input stays fast: the network input is the cfg's
 * [net] size when both sides are at most MAX_SIDE, else 64×64. Before
 * loading, the cfg is parsed and shaped on a scratch model (the library's
 * own graph code) and rejected when it has more than MAX_PARAMS parameters,
 * MAX_ACTIVATIONS output floats or MAX_GMACS; after prepare (which may round
 * the input up) the GMACs are checked again before detecting. Inputs whose
 * cfg does not parse still go through yolor_net_load, for its error paths.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "yolor-private.h"

#define FUZZ_LOAD_SEP "\n%weights%\n"
#define MAX_SIDE 128
#define MAX_PARAMS (2 << 20)
#define MAX_ACTIVATIONS (4 << 20)
#define MAX_GMACS 0.05
#define MAX_DETS 64

/* Builds and shapes the cfg at @path on a scratch net, as yolor_net_load
 * does before the weights. Returns 0 when it is too big to run; 1 otherwise
 * (also when it fails: the real load reports that). Sets *@w, *@h to the
 * network input to use. */
static int
small_enough (const char *path, const yolor_options *opts, int *w, int *h)
{
  yolor_cfg cfg;
  yolor_model *m;
  yolor_tensor *t = NULL;
  int ok = 1, rows, stride;

  *w = *h = 64;
  if (yolor_cfg_read (path, &cfg, NULL) != YOLOR_OK)
    return 1;
  m = calloc (1, sizeof (*m));
  if (!m || !(m->cfg_path = strdup (path)))
    abort ();
  m->refs = 1;
  m->opts = *opts;
  yolor_rules_init (yolor_graph_detect_flavor (&cfg), &m->rules);
  m->embed_layer = -1;
  if (yolor_graph_build (m, &cfg, NULL) == YOLOR_OK) {
    if (m->net_default_w <= MAX_SIDE && m->net_default_h <= MAX_SIDE) {
      *w = m->net_default_w;
      *h = m->net_default_h;
    }
    t = calloc ((size_t) m->n_layers, sizeof (*t));
    if (!t)
      abort ();
    if (yolor_graph_shapes (m, t, *w, *h, &rows, &stride, NULL) == YOLOR_OK) {
      int64_t act = 0;
      double macs = 0.0;
      /* the weights readers count from the layers' channels */
      yolor_model_set_channels (m, t);
      for (int i = 0; i < m->n_layers; i++) {
        act += (int64_t) t[i].c * t[i].h * t[i].w;
        macs += t[i].macs;
      }
      ok = yolor_weights_conv_floats (m) <= MAX_PARAMS
          && yolor_weights_implicit_floats (m) <= MAX_PARAMS
          && act <= MAX_ACTIVATIONS && macs / 1e9 <= MAX_GMACS;
    }
  }
  free (t);
  yolor_cfg_clear (&cfg);
  yolor_model_unref (m);
  return ok;
}

static void
queries (const yolor_net *net)
{
  yolor_layer_info info;
  int c, h, w, dim;
  for (int i = 0; i < yolor_net_n_layers (net); i++) {
    yolor_net_layer_info (net, i, &info);
    yolor_net_layer_type (net, i);
    yolor_net_layer_output (net, i, &c, &h, &w);
  }
  for (int k = 0; k < yolor_net_n_heads (net); k++)
    yolor_net_head (net, k, &c, &h, &w);
  yolor_net_n_classes (net);
  yolor_net_flavor (net);
  yolor_net_max_stride (net);
  yolor_net_n_params (net);
  yolor_net_embedding_layer (net);
  yolor_net_embeddings (net, &dim);
  yolor_net_class_scores (net);
}

static void
detect (yolor_net *net, int w, int h)
{
  uint8_t *rgb = malloc ((size_t) 3 * w * h);
  yolor_image img = { YOLOR_PIXFMT_RGB, w, h, { rgb }, { 3 * w },
    YOLOR_YUV_AUTO };
  yolor_detection dets[MAX_DETS];
  size_t n;
  if (!rgb)
    abort ();
  for (size_t i = 0; i < (size_t) 3 * w * h; i++)
    rgb[i] = (uint8_t) (i * 37 + (i >> 7));
  yolor_net_detect (net, &img, NULL, dets, MAX_DETS, &n, NULL);
  free (rgb);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *sep =
      memmem (data, size, FUZZ_LOAD_SEP, strlen (FUZZ_LOAD_SEP));
  size_t cfg_size = sep ? (size_t) (sep - data) : size;
  const char *cfg_path = fuzz_file (0, data, cfg_size);
  yolor_options opts;
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;
  int w, h;

  yolor_options_init (&opts);
  opts.n_threads = 1;
  if (!small_enough (cfg_path, &opts, &w, &h))
    return 0;
  opts.input_width = w;
  opts.input_height = h;
  if (sep) {
    size_t off = cfg_size + strlen (FUZZ_LOAD_SEP);
    const char *wpath = fuzz_file (1, data + off, size - off);
    st = yolor_net_load (cfg_path, wpath, &opts, &net, &err);
  } else {
    st = yolor_net_load_synthetic (cfg_path, 1, &opts, &net, &err);
  }
  if (st != YOLOR_OK)
    return 0;
  queries (net);
  if (yolor_net_prepare (net, w, h, &err) == YOLOR_OK
      && yolor_net_gmacs (net) <= MAX_GMACS) {
    detect (net, w, h);
    queries (net);
  }
  yolor_net_free (net);
  return 0;
}
