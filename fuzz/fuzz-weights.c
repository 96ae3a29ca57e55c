/* Fuzz target: the .weights reader (src/load/weights.c, through yolor_net_load)
 * and what consumes its floats: BN and implicit folding, the packed
 * weights and one detection on a small grey frame, so that arbitrary floats
 * (NaN, infinities, huge values) flow through the whole net.
 *
 * The input is a .weights file. It is tried against each of the small
 * models below, which cover the layouts the reader knows: convolutions with
 * and without batch norm, a grouped one, and the implicit-parameter trailer
 * of the YOLOR models. fuzz/seeds.sh writes seed files of the exact sizes,
 * which must equal the counts in models[] (checked on the first call).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "yolor-private.h"

#define YOLO_HEAD                                                              \
  "[convolutional]\nfilters=18\nsize=1\nstride=1\nactivation=linear\n"         \
  "[yolo]\nmask=0,1,2\nanchors=4,6, 10,12, 20,24\nclasses=1\nnum=3\n"

typedef struct
{
  const char *cfg;
  int fold;
  long floats; /* convolution floats after the header */
  long trailer; /* implicit floats after those (0: none) */
} model;

static const model models[] = {
  /* darknet: BN conv (4 + 4·4 + 4·3·9) and the head (18 + 18·4) */
  { "[net]\nwidth=16\nheight=16\n"
    "[convolutional]\nbatch_normalize=1\nfilters=4\nsize=3\nstride=2\n"
    "pad=1\nactivation=leaky\n" YOLO_HEAD,
      1, 214, 0 },
  /* darknet, run unfolded: grouped BN conv (6·4 + 6·1·9) and the head
   * (18 + 18·6) */
  { "[net]\nwidth=16\nheight=16\n"
    "[convolutional]\nbatch_normalize=1\nfilters=6\nsize=3\ngroups=3\n"
    "pad=1\nactivation=mish\n"
    "[convolutional]\nfilters=18\nsize=1\nstride=1\nactivation=logistic\n"
    "[yolo]\nmask=0,1,2\nanchors=4,6, 10,12, 20,24\nclasses=1\nnum=3\n",
      0, 204, 0 },
  /* YOLOR: BN conv (8·4 + 8·27), implicit add 8 and mul 18 (the trailer),
   * the head conv (18 + 18·8) */
  { "[net]\nwidth=16\nheight=16\n"
    "[convolutional]\nbatch_normalize=1\nfilters=8\nsize=3\nstride=2\n"
    "pad=1\nactivation=silu\n"
    "[implicit_add]\nfilters=8\n"
    "[implicit_mul]\nfilters=18\n"
    "[route]\nlayers=0\n"
    "[shift_channels]\nfrom=1\n"
    "[convolutional]\nfilters=18\nsize=1\nstride=1\nactivation=linear\n"
    "[control_channels]\nfrom=2\n"
    "[yolo]\nmask=0,1,2\nanchors=4,6, 10,12, 20,24\nclasses=1\nnum=3\n",
      1, 410, 26 },
};

#define N_MODELS (int) (sizeof (models) / sizeof (models[0]))
#define FRAME 16

static const char *cfg_paths[N_MODELS];
static uint8_t frame[FRAME * FRAME * 3];

static void
init (void)
{
  yolor_options opts;
  yolor_options_init (&opts);
  opts.n_threads = 1;
  opts.fold = 0;
  memset (frame, 128, sizeof (frame));
  for (int i = 0; i < N_MODELS; i++) {
    yolor_net *net = NULL;
    yolor_error err;
    cfg_paths[i] = fuzz_file (
        1 + i, (const uint8_t *) models[i].cfg, strlen (models[i].cfg));
    if (yolor_net_load_synthetic (cfg_paths[i], 1, &opts, &net, &err)) {
      fprintf (stderr, "fuzz-weights: model %d: %s\n", i, err.msg);
      abort ();
    }
    if (yolor_weights_conv_floats (net->model) != models[i].floats
        || yolor_weights_implicit_floats (net->model) != models[i].trailer) {
      fprintf (stderr,
          "fuzz-weights: model %d reads %lld + %lld floats, models[] says "
          "%ld + %ld: update models[] and fuzz/seeds.sh\n",
          i, (long long) yolor_weights_conv_floats (net->model),
          (long long) yolor_weights_implicit_floats (net->model),
          models[i].floats, models[i].trailer);
      abort ();
    }
    yolor_net_free (net);
  }
}

static void
try_model (int i, const char *weights)
{
  yolor_options opts;
  yolor_net *net = NULL;
  yolor_error err;
  yolor_image img = { YOLOR_PIXFMT_RGB, FRAME, FRAME, { frame }, { 3 * FRAME },
    YOLOR_YUV_AUTO };
  yolor_detection dets[16];
  size_t n;

  yolor_options_init (&opts);
  opts.n_threads = 1;
  opts.fold = models[i].fold;
  opts.input_width = opts.input_height = 16;
  if (yolor_net_load (cfg_paths[i], weights, &opts, &net, &err) != YOLOR_OK)
    return;
  if (yolor_net_prepare (net, FRAME, FRAME, &err) == YOLOR_OK)
    yolor_net_detect (net, &img, NULL, dets, 16, &n, &err);
  yolor_net_free (net);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *weights;
  if (!cfg_paths[0])
    init ();
  weights = fuzz_file (0, data, size);
  for (int i = 0; i < N_MODELS; i++)
    try_model (i, weights);
  return 0;
}
