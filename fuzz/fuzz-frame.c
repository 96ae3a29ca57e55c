/* Fuzz target: frame conversion and preprocessing (src/frames/preprocess.c,
 * src/kernels/convert.c): every pixel format (and one past the last),
 * colour matrix and resize mode, frame sizes, strides and plane offsets,
 * network input sizes, both flavours (YOLOR rounds the input up), through
 * the internal yolor_preprocess or the public yolor_net_detect on a tiny
 * synthetic net.
 *
 * Every plane is its own allocation of exactly offset + (rows − 1) · stride
 * + row bytes, so AddressSanitizer reports any read past what the frame
 * description allows. Invalid descriptions (a stride below the row, a
 * missing chroma plane, a frame of another size than prepared, an unknown
 * format) must be refused; valid ones must succeed and fill the input with
 * values in [0, 1].
 *
 * Input: the parameter bytes read in LLVMFuzzerTestOneInput below, in that
 * order; the rest are the pixels (repeated to fill the planes).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "postprocess.h"

#define MAX_SIDE 1024
#define MAX_AREA (1 << 18)
#define MAX_INPUT 128

#define F_YOLOR 1 /* YOLOR flavour, else darknet */
#define F_DETECT 2 /* yolor_net_detect, else yolor_preprocess */
#define F_OTHER_SIZE 4 /* a frame one column wider than prepared */
#define F_NO_CHROMA 8 /* the last chroma plane is NULL */
#define F_TWO_THREADS 16

static const char tiny_cfg[] =
    "[net]\nwidth=32\nheight=32\n"
    "[convolutional]\nfilters=18\nsize=1\nstride=1\nactivation=linear\n"
    "[yolo]\nmask=0,1,2\nanchors=4,6, 10,12, 20,24\nclasses=1\nnum=3\n";

/* @dst[0..n) from the pixel bytes, repeated (a pattern when there are
 * none) */
static void
fill (uint8_t *dst, size_t n, const fuzz_bytes *px)
{
  size_t done;
  if (n == 0)
    return;
  if (px->n == 0) {
    dst[0] = 0x5a;
    done = 1;
  } else {
    done = px->n < n ? px->n : n;
    memcpy (dst, px->p, done);
  }
  while (done < n) {
    size_t k = done < n - done ? done : n - done;
    memcpy (dst + done, dst, k);
    done += k;
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *cfg_path;
  fuzz_bytes in = { data, size };
  yolor_pixfmt fmt = (yolor_pixfmt) (fuzz_u8 (&in) % (YOLOR_PIXFMT_COUNT + 1));
  yolor_resize resize = (yolor_resize) (fuzz_u8 (&in) % 4);
  yolor_yuv_matrix matrix = (yolor_yuv_matrix) (fuzz_u8 (&in) % 5);
  unsigned flags = fuzz_u8 (&in);
  int w = 1 + (int) (fuzz_u16 (&in) % MAX_SIDE);
  int h = 1 + (int) (fuzz_u16 (&in) % MAX_SIDE);
  int net_w = 1 + (int) (fuzz_u8 (&in) % MAX_INPUT);
  int net_h = 1 + (int) (fuzz_u8 (&in) % MAX_INPUT);
  int n_planes = fmt == YOLOR_PIXFMT_I420 ? 3
      : fmt == YOLOR_PIXFMT_NV12          ? 2
                                          : 1;
  int yuv = n_planes > 1, valid = fmt < YOLOR_PIXFMT_COUNT;
  int stride_extra[3], offset[3];
  uint8_t *block[3] = { NULL, NULL, NULL };
  yolor_image img;
  yolor_options opts;
  yolor_net *net = NULL;
  yolor_error err;
  yolor_status st;
  yolor_detection dets[8];
  size_t n;

  for (int p = 0; p < 3; p++) {
    stride_extra[p] = (int) fuzz_u8 (&in) - 2;
    offset[p] = (int) fuzz_u8 (&in);
  }
  if (w * h > MAX_AREA)
    h = MAX_AREA / w;

  if (!cfg_path)
    cfg_path = fuzz_file (0, (const uint8_t *) tiny_cfg, strlen (tiny_cfg));
  yolor_options_init (&opts);
  opts.n_threads = flags & F_TWO_THREADS ? 2 : 1;
  opts.flavor = flags & F_YOLOR ? YOLOR_FLAVOR_YOLOR : YOLOR_FLAVOR_DARKNET;
  opts.resize = resize;
  opts.input_width = net_w;
  opts.input_height = net_h;
  if (yolor_net_load_synthetic (cfg_path, 1, &opts, &net, &err) != YOLOR_OK) {
    fprintf (stderr, "fuzz-frame: %s\n", err.msg);
    abort ();
  }
  if (yolor_net_prepare (net, w, h, &err) != YOLOR_OK) {
    yolor_net_free (net);
    return 0;
  }

  memset (&img, 0, sizeof (img));
  img.format = fmt;
  img.width = flags & F_OTHER_SIZE ? w + 1 : w;
  img.height = h;
  img.matrix = matrix;
  valid = valid && !(flags & F_OTHER_SIZE);
  for (int p = 0; p < n_planes; p++) {
    int cw = (img.width + 1) / 2;
    int row = p == 0 ? img.width * yolor_pixfmt_bytes_per_pixel (fmt)
        : fmt == YOLOR_PIXFMT_NV12 ? 2 * cw
                                   : cw;
    int rows = p == 0 ? h : (h + 1) / 2;
    int stride = row + stride_extra[p];
    size_t bytes = stride >= row ? (size_t) (rows - 1) * stride + row
                                 : (size_t) rows * row;
    if (stride < row)
      valid = 0;
    if (yuv && p == n_planes - 1 && (flags & F_NO_CHROMA)) {
      valid = 0;
      continue;
    }
    block[p] = malloc ((size_t) offset[p] + bytes);
    if (!block[p])
      abort ();
    fill (block[p], (size_t) offset[p] + bytes, &in);
    img.planes[p] = block[p] + offset[p];
    img.strides[p] = stride;
  }

  if (flags & F_DETECT)
    st = yolor_net_detect (net, &img, NULL, dets, 8, &n, &err);
  else
    st = yolor_preprocess (net, &img, &err);
  fuzz_check (valid == (st == YOLOR_OK), "valid frames convert, others fail");
  if (st == YOLOR_OK) {
    int in_w, in_h;
    const float *t = yolor_net_input (net);
    yolor_net_input_size (net, &in_w, &in_h);
    for (size_t i = 0; i < (size_t) 3 * in_w * in_h; i++)
      fuzz_check (t[i] >= 0.0f && t[i] <= 1.0f, "input values are in [0, 1]");
  }
  for (int p = 0; p < 3; p++)
    free (block[p]);
  yolor_net_free (net);
  return 0;
}
