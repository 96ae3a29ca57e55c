/* Test images decoded with stb_image (Debian's libstb-dev), the decoder
 * reference darknet uses, so that comparisons with darknet measure the
 * engine and not two JPEG decoders.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-declarations"
#pragma GCC diagnostic ignored "-Wundef"
#pragma GCC diagnostic ignored "-Wunused-function"
#define STBI_ONLY_JPEG
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

unsigned char *
tu_load_rgb (const char *path, int *w, int *h)
{
  int ch;
  return stbi_load (path, w, h, &ch, 3);
}

void
tu_free_image (unsigned char *px)
{
  stbi_image_free (px);
}
