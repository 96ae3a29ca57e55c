/* The flavour's rules: every YOLOR-vs-darknet difference in one table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "yolor-private.h"

static const char *const flavor_names[] = {
  [YOLOR_FLAVOR_AUTO] = "auto",
  [YOLOR_FLAVOR_YOLOR] = "yolor",
  [YOLOR_FLAVOR_DARKNET] = "darknet",
  [YOLOR_FLAVOR_YOLOR_PAPER] = "yolor-paper",
};

#define N_FLAVORS ((int) (sizeof (flavor_names) / sizeof (flavor_names[0])))

const char *
yolor_flavor_name (yolor_flavor flavor)
{
  return (int) flavor >= 0 && (int) flavor < N_FLAVORS ? flavor_names[flavor]
                                                       : "auto";
}

int
yolor_flavor_parse (const char *name, yolor_flavor *flavor_out)
{
  for (int f = 0; name && f < N_FLAVORS; f++)
    if (strcmp (name, flavor_names[f]) == 0) {
      *flavor_out = (yolor_flavor) f;
      return 1;
    }
  return 0;
}

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

  static const yolor_rules paper = {
    .flavor = YOLOR_FLAVOR_YOLOR_PAPER,
    .bn_eps = 1e-3, /* models/yolo.py initialize_weights () */
    .resize = YOLOR_RESIZE_LETTERBOX,
    .conf_threshold = 0.25f, /* the paper branch's detect.py */
    .iou_threshold = 0.45f,
    .official_decode = 1,
    .anchor_px = 1,
    .size_from_heads = 1,
    .torch_maxpool = 1,
  };

  switch (flavor) {
    case YOLOR_FLAVOR_YOLOR:
      *out = yolor;
      break;
    case YOLOR_FLAVOR_YOLOR_PAPER:
      *out = paper;
      break;
    default:
      *out = darknet;
      break;
  }
}
