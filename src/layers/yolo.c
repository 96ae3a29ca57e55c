/* The [yolo] layer: its input is the head, decoded after the forward pass
 * (frames/decode.c); as a layer it has only a shape.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-private.h"

int
yolor_yolo_shape (yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  if (ctx->c != l->n_mask * (5 + l->classes))
    return yolor_shape_fail (ctx,
        "input has %d channels; %d anchors x (5 + %d classes) need %d", ctx->c,
        l->n_mask, l->classes, l->n_mask * (5 + l->classes));
  return yolor_shape_same (ctx, l, o);
}
