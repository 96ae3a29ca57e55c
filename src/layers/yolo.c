/* The [yolo] layer: its input is the head, decoded after the forward pass
 * (frames/decode.c); as a layer it has only a shape.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "yolor-private.h"

int
yolor_yolo_shape (yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o)
{
  if (ctx->c != l->yolo.n_mask * (5 + l->yolo.classes))
    return yolor_shape_fail (ctx,
        "input has %d channels; %d anchors x (5 + %d classes) need %d", ctx->c,
        l->yolo.n_mask, l->yolo.classes,
        l->yolo.n_mask * (5 + l->yolo.classes));
  return yolor_shape_same (ctx, l, o);
}

void
yolor_yolo_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l)
{
  double mask[YOLOR_MAX_MASK], anchors[2 * 64];
  int mline = c->sec->line, aline = c->sec->line;
  int n_anchors2 = yolor_parse_list (c, "anchors", anchors, 2 * 64, &aline, 0);
  int num =
      yolor_parse_int (c, "num", n_anchors2 > 0 ? n_anchors2 / 2 : 1, 1, 64);
  int n_mask = yolor_parse_list (c, "mask", mask, YOLOR_MAX_MASK, &mline, 1);
  const yolor_cfg_kv *kv;

  (void) m;
  l->yolo.classes = yolor_parse_int (c, "classes", 20, 1, 100000);
  l->yolo.scale_x_y = yolor_parse_float (c, "scale_x_y", 1.0f, 0.0f, 100.0f);
  l->yolo.new_coords = yolor_parse_int (c, "new_coords", 0, 0, 1);
  l->yolo.beta_nms = yolor_parse_float (c, "beta_nms", 0.6f, 0.0f, 100.0f);
  kv = yolor_parse_find (c, "nms_kind");
  l->yolo.nms_kind = 0;
  if (kv && strcmp (kv->value, "greedynms") == 0)
    l->yolo.nms_kind = 1;
  else if (kv && strcmp (kv->value, "diounms") == 0)
    l->yolo.nms_kind = 2;
  if (c->st != YOLOR_OK || n_mask < 0 || n_anchors2 < 0)
    return;
  if (n_anchors2 == 0 || n_anchors2 % 2) {
    yolor_parse_error (c, aline, YOLOR_ERR_PARSE, "'anchors' needs w,h pairs");
    return;
  }
  for (int i = 0; i < n_anchors2; i++)
    if (!(anchors[i] >= 0.0 && anchors[i] <= YOLOR_MAX_ANCHOR)) {
      yolor_parse_error (c, aline, YOLOR_ERR_PARSE,
          "anchor %g is outside [0, %d] (pixels)", anchors[i],
          YOLOR_MAX_ANCHOR);
      return;
    }
  if (num > n_anchors2 / 2)
    num = n_anchors2 / 2;
  if (n_mask == 0) {
    n_mask = num < YOLOR_MAX_MASK ? num : YOLOR_MAX_MASK;
    for (int i = 0; i < n_mask; i++)
      mask[i] = i;
  }
  l->yolo.n_mask = n_mask;
  for (int i = 0; i < n_mask; i++) {
    int a = (int) mask[i]; /* an integer within ±1e9 (yolor_parse_list) */
    if (a < 0 || a >= n_anchors2 / 2) {
      yolor_parse_error (c, mline, YOLOR_ERR_PARSE,
          "mask entry %g has no anchor (%d anchors)", mask[i], n_anchors2 / 2);
      return;
    }
    l->yolo.mask[i] = a;
    l->yolo.anchors[2 * i] = (float) anchors[2 * a];
    l->yolo.anchors[2 * i + 1] = (float) anchors[2 * a + 1];
  }
}
