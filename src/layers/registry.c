/* The layer registry: every cfg section name this engine understands, its
 * kind, the keys it accepts and the operations of its kind (defined in the
 * kind's own file here in src/layers/). Keys that only matter for training
 * are accepted and ignored; any other key is a parse error (file:line).
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

#define CONV(n)                                                                \
  {                                                                            \
    .name = n, .kind = YOLOR_LAYER_CONV, .keys = conv_keys,                    \
    .parse = yolor_conv_parse, .shape = yolor_conv_shape,                      \
    .forward = yolor_conv_forward, .channels = yolor_conv_channels,            \
    .params = yolor_conv_param_arrays, .synthetic = yolor_conv_synthetic,      \
    .fold = yolor_conv_fold, .prepare = yolor_conv_prepare_layer,              \
    .release = yolor_conv_release, .forward_batch = yolor_conv_forward_batch,  \
    .workspace = yolor_conv_workspace, .info = yolor_conv_info                 \
  }
#define IMPLICIT(n, init, k, f)                                                \
  {                                                                            \
    .name = n, .kind = YOLOR_LAYER_IMPLICIT, .variant = init, .keys = k,       \
    .flat = f, .parse = yolor_implicit_parse, .shape = yolor_implicit_shape,   \
    .owns_buffer = yolor_owns_nothing, .constant = yolor_implicit_constant,    \
    .params = yolor_implicit_param_arrays,                                     \
    .synthetic = yolor_implicit_synthetic                                      \
  }
#define CHANNELS(n, op, f)                                                     \
  {                                                                            \
    .name = n, .kind = YOLOR_LAYER_CHANNELS, .variant = op, .keys = from_keys, \
    .flat = f, .parse = yolor_from_parse, .shape = yolor_channels_shape,       \
    .forward = yolor_channels_forward,                                         \
    .owns_buffer = yolor_channels_owns_buffer                                  \
  }

static const yolor_layer_ops registry[] = {
  CONV ("convolutional"),
  CONV ("conv"),
  { .name = "route",
      .parse = yolor_route_parse,
      .kind = YOLOR_LAYER_ROUTE,
      .keys = K ("layers", "groups", "group_id", "stopbackward"),
      .shape = yolor_route_shape,
      .forward = yolor_route_forward,
      .owns_buffer = yolor_route_owns_buffer },
  { .name = "route_lhalf",
      .parse = yolor_route_lhalf_parse,
      .kind = YOLOR_LAYER_ROUTE_LHALF,
      .keys = K ("layers"),
      .shape = yolor_route_shape,
      .forward = yolor_route_forward },
  { .name = "shortcut",
      .parse = yolor_from_parse,
      .kind = YOLOR_LAYER_SHORTCUT,
      .keys = K ("from", "activation", "weights_type", "weights_normalization",
          "stopbackward"),
      .shape = yolor_shortcut_shape,
      .forward = yolor_shortcut_forward },
  { .name = "maxpool",
      .parse = yolor_maxpool_parse,
      .kind = YOLOR_LAYER_MAXPOOL,
      .keys = K ("size", "stride", "padding", "stopbackward"),
      .shape = yolor_maxpool_shape,
      .forward = yolor_maxpool_forward },
  { .name = "avgpool",
      .kind = YOLOR_LAYER_AVGPOOL,
      .keys = K ("stopbackward"),
      .shape = yolor_avgpool_shape,
      .forward = yolor_avgpool_forward },
  { .name = "upsample",
      .parse = yolor_upsample_parse,
      .kind = YOLOR_LAYER_UPSAMPLE,
      .keys = K ("stride", "scale", "stopbackward"),
      .shape = yolor_upsample_shape,
      .forward = yolor_upsample_forward },
  { .name = "reorg",
      .parse = yolor_reorg_parse,
      .kind = YOLOR_LAYER_REORG,
      .keys = K ("stride", "stopbackward"),
      .shape = yolor_reorg_shape,
      .forward = yolor_reorg_forward },
  { .name = "dwt",
      .kind = YOLOR_LAYER_DWT,
      .keys = K ("stopbackward"),
      .shape = yolor_reorg_shape,
      .forward = yolor_dwt_forward },
  { .name = "dropout",
      .parse = yolor_dropout_parse,
      .kind = YOLOR_LAYER_IDENTITY,
      .keys = K ("probability", "dropblock", "dropblock_size_rel",
          "dropblock_size_abs"),
      .shape = yolor_shape_same,
      .owns_buffer = yolor_owns_nothing },
  { .name = "silence",
      .kind = YOLOR_LAYER_IDENTITY,
      .keys = K ("stopbackward"),
      .shape = yolor_shape_same,
      .owns_buffer = yolor_owns_nothing },
  { .name = "scale_channels",
      .parse = yolor_from_parse,
      .kind = YOLOR_LAYER_SCALE_CHANNELS,
      .keys = K ("from", "activation", "scale_wh"),
      .shape = yolor_scale_channels_shape,
      .forward = yolor_scale_channels_forward },
  IMPLICIT ("implicit_add", YOLOR_IMPLICIT_ZERO, implicit_keys, 0),
  IMPLICIT ("implicit_cat", YOLOR_IMPLICIT_ZERO, implicit_keys, 0),
  IMPLICIT ("implicit_mul", YOLOR_IMPLICIT_ONE, implicit_keys, 0),
  IMPLICIT ("implicit_add_2d", YOLOR_IMPLICIT_ZERO, implicit2d_keys, 1),
  IMPLICIT ("implicit_cat_2d", YOLOR_IMPLICIT_ZERO, implicit2d_keys, 1),
  IMPLICIT ("implicit_mul_2d", YOLOR_IMPLICIT_ONE, implicit2d_keys, 1),
  CHANNELS ("shift_channels", YOLOR_CH_SHIFT, 0),
  CHANNELS ("shift_channels_2d", YOLOR_CH_SHIFT, 1),
  CHANNELS ("control_channels", YOLOR_CH_CONTROL, 0),
  CHANNELS ("control_channels_2d", YOLOR_CH_CONTROL, 1),
  CHANNELS ("select_channels", YOLOR_CH_SELECT, 0),
  CHANNELS ("select_channels_2d", YOLOR_CH_SELECT, 1),
  CHANNELS ("alternate_channels", YOLOR_CH_ALTERNATE, 0),
  CHANNELS ("alternate_channels_2d", YOLOR_CH_ALTERNATE, 1),
  { .name = "batchnorm",
      .parse = yolor_batchnorm_parse,
      .kind = YOLOR_LAYER_BATCHNORM,
      .keys = K ("activation", "stopbackward"),
      .shape = yolor_shape_same,
      .forward = yolor_batchnorm_forward,
      .params = yolor_batchnorm_param_arrays,
      .synthetic = yolor_batchnorm_synthetic,
      .fold = yolor_batchnorm_fold },
  { .name = "yolo",
      .parse = yolor_yolo_parse,
      .kind = YOLOR_LAYER_YOLO,
      .keys = yolo_keys,
      .shape = yolor_yolo_shape,
      .owns_buffer = yolor_owns_nothing },
};

const yolor_layer_ops *
yolor_layer_ops_find (const char *name)
{
  for (size_t i = 0; i < sizeof (registry) / sizeof (registry[0]); i++)
    if (strcmp (registry[i].name, name) == 0)
      return &registry[i];
  return NULL;
}
