/* The layer registry: every cfg section name this engine understands, its
 * kind and the keys it accepts. Keys that only matter for training are
 * accepted and ignored; any other key is a parse error (file:line).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "yolor-private.h"

#define K(...)                                                                 \
  (const char *const[])                                                        \
  {                                                                            \
    __VA_ARGS__, NULL                                                          \
  }

static const char *const conv_keys[] = { "batch_normalize", "filters", "size",
  "stride", "stride_x", "stride_y", "pad", "padding", "activation", "groups",
  "dilation", "stopbackward", "dontload", "dontloadscales", "train_only_bn",
  NULL };

static const char *const yolo_keys[] = { "mask", "anchors", "classes", "num",
  "jitter", "ignore_thresh", "truth_thresh", "random", "scale_x_y",
  "iou_thresh", "iou_thresh_kind", "cls_normalizer", "iou_normalizer",
  "obj_normalizer", "delta_normalizer", "iou_loss", "nms_kind", "beta_nms",
  "max_delta", "counters_per_class", "label_smooth_eps", "objectness_smooth",
  "new_coords", "resize", "focal_loss", "map", "track_history_size",
  "sim_thresh", "dets_for_track", "dets_for_show", "track_ciou_norm",
  "embedding_layer", "atoms", "na", "nc", "weights_type",
  "weights_normalization", "stopbackward", NULL };

static const char *const implicit_keys[] = { "filters", "mean", "std", NULL };
static const char *const implicit2d_keys[] = { "filters", "atoms", "mean",
  "std", NULL };
static const char *const from_keys[] = { "from", NULL };

static const yolor_layer_ops registry[] = {
  { "convolutional", YOLOR_LAYER_CONV, 0, conv_keys, 0 },
  { "conv", YOLOR_LAYER_CONV, 0, conv_keys, 0 },
  { "route", YOLOR_LAYER_ROUTE, 0,
      K ("layers", "groups", "group_id", "stopbackward"), 0 },
  { "route_lhalf", YOLOR_LAYER_ROUTE_LHALF, 0, K ("layers"), 0 },
  { "shortcut", YOLOR_LAYER_SHORTCUT, 0,
      K ("from", "activation", "weights_type", "weights_normalization",
          "stopbackward"),
      0 },
  { "maxpool", YOLOR_LAYER_MAXPOOL, 0,
      K ("size", "stride", "padding", "stopbackward"), 0 },
  { "avgpool", YOLOR_LAYER_AVGPOOL, 0, K ("stopbackward"), 0 },
  { "upsample", YOLOR_LAYER_UPSAMPLE, 0, K ("stride", "scale", "stopbackward"),
      0 },
  { "reorg", YOLOR_LAYER_REORG, 0, K ("stride", "stopbackward"), 0 },
  { "dwt", YOLOR_LAYER_DWT, 0, K ("stopbackward"), 0 },
  { "dropout", YOLOR_LAYER_IDENTITY, 0,
      K ("probability", "dropblock", "dropblock_size_rel",
          "dropblock_size_abs"),
      0 },
  { "silence", YOLOR_LAYER_IDENTITY, 0, K ("stopbackward"), 0 },
  { "scale_channels", YOLOR_LAYER_SCALE_CHANNELS, 0,
      K ("from", "activation", "scale_wh"), 0 },
  { "implicit_add", YOLOR_LAYER_IMPLICIT, YOLOR_IMPLICIT_ZERO, implicit_keys,
      0 },
  { "implicit_cat", YOLOR_LAYER_IMPLICIT, YOLOR_IMPLICIT_ZERO, implicit_keys,
      0 },
  { "implicit_mul", YOLOR_LAYER_IMPLICIT, YOLOR_IMPLICIT_ONE, implicit_keys,
      0 },
  { "implicit_add_2d", YOLOR_LAYER_IMPLICIT, YOLOR_IMPLICIT_ZERO,
      implicit2d_keys, 1 },
  { "implicit_cat_2d", YOLOR_LAYER_IMPLICIT, YOLOR_IMPLICIT_ZERO,
      implicit2d_keys, 1 },
  { "implicit_mul_2d", YOLOR_LAYER_IMPLICIT, YOLOR_IMPLICIT_ONE,
      implicit2d_keys, 1 },
  { "shift_channels", YOLOR_LAYER_CHANNELS, YOLOR_CH_SHIFT, from_keys, 0 },
  { "shift_channels_2d", YOLOR_LAYER_CHANNELS, YOLOR_CH_SHIFT, from_keys, 1 },
  { "control_channels", YOLOR_LAYER_CHANNELS, YOLOR_CH_CONTROL, from_keys, 0 },
  { "control_channels_2d", YOLOR_LAYER_CHANNELS, YOLOR_CH_CONTROL, from_keys,
      1 },
  { "select_channels", YOLOR_LAYER_CHANNELS, YOLOR_CH_SELECT, from_keys, 0 },
  { "select_channels_2d", YOLOR_LAYER_CHANNELS, YOLOR_CH_SELECT, from_keys, 1 },
  { "alternate_channels", YOLOR_LAYER_CHANNELS, YOLOR_CH_ALTERNATE, from_keys,
      0 },
  { "alternate_channels_2d", YOLOR_LAYER_CHANNELS, YOLOR_CH_ALTERNATE,
      from_keys, 1 },
  { "batchnorm", YOLOR_LAYER_BATCHNORM, 0, K ("activation", "stopbackward"),
      0 },
  { "yolo", YOLOR_LAYER_YOLO, 0, yolo_keys, 0 },
};

const yolor_layer_ops *
yolor_layer_ops_find (const char *name)
{
  for (size_t i = 0; i < sizeof (registry) / sizeof (registry[0]); i++)
    if (strcmp (registry[i].name, name) == 0)
      return &registry[i];
  return NULL;
}
