/* Engine tests: the shared images as packed RGB frames (for test files that
 * use Check and libyolor).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_FRAME_H
#define YOLOR_TEST_FRAME_H

#include <check.h>

#include "test-util.h"
#include "yolor/yolor.h"

typedef struct
{
  uint8_t *px; /* owned: RGB, stride 3·w; tu_free_image () */
  int w, h;
} rgb_frame;

/* $YOLOR_SHARED_DIR/images/@name decoded; fails the test if it cannot be. */
static inline rgb_frame
decode (const char *name)
{
  char p[1024];
  rgb_frame f;
  f.px = tu_load_rgb (
      tu_shared_path (p, sizeof (p), "images/%s", name), &f.w, &f.h);
  ck_assert_msg (f.px != NULL, "cannot decode %s", p);
  return f;
}

/* @f (borrowed) as a yolor_image that borrows its pixels. */
static inline yolor_image
rgb_image (const rgb_frame *f)
{
  yolor_image img = { YOLOR_PIXFMT_RGB, f->w, f->h, { f->px }, { 3 * f->w },
    0 };
  return img;
}

#endif
