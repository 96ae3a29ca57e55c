/* The flavour's rules: every YOLOR-vs-darknet difference in one table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-private.h"

void
yolor_rules_init (yolor_flavor flavor, yolor_rules *out)
{
  static const yolor_rules yolor = {
    .flavor = YOLOR_FLAVOR_YOLOR,
    .bn_eps = 1e-4,
    .resize = YOLOR_RESIZE_LETTERBOX,
    .conf_threshold = 0.4f,
    .iou_threshold = 0.5f,
    .official_decode = 1,
    .size_from_heads = 1,
    .torch_maxpool = 1,
  };
  static const yolor_rules darknet = {
    .flavor = YOLOR_FLAVOR_DARKNET,
    .bn_eps = 1e-5,
    .resize = YOLOR_RESIZE_STRETCH,
    .conf_threshold = 0.25f,
    .iou_threshold = 0.45f,
    .reorg_dy_major = 1,
    .shortcut_activation = 1,
    .cfg_nms = 1,
  };

  *out = flavor == YOLOR_FLAVOR_YOLOR ? yolor : darknet;
}
