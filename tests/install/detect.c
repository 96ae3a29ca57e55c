/* An application of libyolor built outside the source tree, against the
 * installed headers and library (pkg-config yolor): detects on an image
 * and prints one line per detection, "label confidence x1 y1 x2 y2".
 *
 *   cc detect.c $(pkg-config --cflags --libs yolor stb) -lm -o detect
 *   ./detect MODEL.cfg IMAGE.jpg
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#include <yolor/yolor.h>

int
main (int argc, char **argv)
{
  yolor_options opts;
  yolor_error err;
  yolor_net *net = NULL;
  yolor_image img = { 0 };
  yolor_detection dets[300];
  size_t n = 0;
  int w, h, c;
  unsigned char *px;

  if (argc != 3) {
    fprintf (stderr, "usage: %s MODEL.cfg IMAGE\n", argv[0]);
    return 2;
  }
  px = stbi_load (argv[2], &w, &h, &c, 3);
  if (px == NULL) {
    fprintf (stderr, "%s: cannot decode\n", argv[2]);
    return 1;
  }
  yolor_options_init (&opts);
  if (yolor_net_load (argv[1], NULL, &opts, &net, &err) != YOLOR_OK
      || yolor_net_prepare (net, w, h, &err) != YOLOR_OK) {
    fprintf (stderr, "%s\n", err.msg);
    return 1;
  }
  img.format = YOLOR_PIXFMT_RGB;
  img.width = w;
  img.height = h;
  img.planes[0] = px;
  img.strides[0] = 3 * w;
  if (yolor_net_detect (net, &img, NULL, dets, 300, &n, &err) != YOLOR_OK) {
    fprintf (stderr, "%s\n", err.msg);
    return 1;
  }
  printf ("libyolor %s, %zu detections\n", yolor_version (), n);
  for (size_t i = 0; i < n; i++)
    printf ("%s %.3f %.0f %.0f %.0f %.0f\n", yolor_coco_name (dets[i].class_id),
        dets[i].confidence, dets[i].x1, dets[i].y1, dets[i].x2, dets[i].y2);
  yolor_net_free (net);
  stbi_image_free (px);
  return 0;
}
