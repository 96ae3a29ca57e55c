/* The scale-back check the reference tests share: NMS rows mapped back to
 * the frame against the official code's rounded boxes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TEST_SCALE_BACK_H
#define YOLOR_TEST_SCALE_BACK_H

#include <check.h>
#include <string.h>

#include "postprocess.h"

/* The @n_rows NMS rows @nms ([x1 y1 x2 y2 score class], network-input
 * pixels; changed in place) mapped back to @net's frame, rounded, must be
 * the reference's @orig bit for bit. @what names the case. */
static inline void
tu_check_mapped_back (const yolor_net *net, float *nms, const float *orig,
    size_t n_rows, const char *what)
{
  for (size_t i = 0; i < n_rows; i++) {
    float *b = nms + i * 6;
    const float *r = orig + i * 6;
    yolor_map_box (net, &b[0], &b[1], &b[2], &b[3], 1);
    ck_assert_msg (memcmp (b, r, 6 * sizeof (float)) == 0,
        "%s row %zu: got %g %g %g %g, ref %g %g %g %g", what, i, b[0], b[1],
        b[2], b[3], r[0], r[1], r[2], r[3]);
  }
}

#endif
