/* Builds the layer graph from a parsed cfg: per-section parameters with
 * strict validation (every error names file:line), index resolution and the
 * model flavour. Shape inference lives in shapes.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "yolor-private.h"

static const char *const net_keys[] = { "batch", "subdivisions", "width",
  "height", "channels", "momentum", "decay", "angle", "saturation", "exposure",
  "hue", "learning_rate", "burn_in", "max_batches", "policy", "steps", "scales",
  "step", "gamma", "power", "mosaic", "mosaic_bound", "max_chart_loss",
  "letter_box", "flip", "blur", "gaussian_noise", "mixup", "cutmix",
  "adversarial_lr", "attention", "track", "time_steps", "augment_speed",
  "sequential_subdivisions", "init_sequential_subdivisions", "label_smooth_eps",
  "optimized_memory", "workspace_size_limit_MB", "contrastive",
  "contrastive_jit_flip", "contrastive_color", "unsupervised", "inputs",
  "max_crop", "min_crop", "aspect", "resize_step", "dynamic_minibatch",
  "loss_scale", "use_cuda_graph", "try_fix_nan", "ema_alpha", "batch_normalize",
  "show_receptive_field", "seed", "flavor", NULL };

static const char *const act_names[] = {
  [YOLOR_ACT_LINEAR] = "linear",
  [YOLOR_ACT_LEAKY] = "leaky",
  [YOLOR_ACT_RELU] = "relu",
  [YOLOR_ACT_RELU6] = "relu6",
  [YOLOR_ACT_LOGISTIC] = "logistic",
  [YOLOR_ACT_SILU] = "silu",
  [YOLOR_ACT_MISH] = "mish",
  [YOLOR_ACT_TANH] = "tanh",
  [YOLOR_ACT_HARDSWISH] = "hardswish",
};

yolor_act
yolor_act_from_name (const char *name, int *ok)
{
  *ok = 1;
  if (strcmp (name, "swish") == 0)
    return YOLOR_ACT_SILU;
  for (size_t i = 0; i < sizeof (act_names) / sizeof (act_names[0]); i++)
    if (strcmp (act_names[i], name) == 0)
      return (yolor_act) i;
  *ok = 0;
  return YOLOR_ACT_LINEAR;
}

const char *
yolor_act_name (yolor_act act)
{
  return act_names[act];
}

/* ---- value parsing ---- */

typedef struct
{
  const char *path;
  const yolor_cfg_section *sec;
  yolor_error *err;
  yolor_status st;
} parse_ctx;

static const yolor_cfg_kv *
find (parse_ctx *c, const char *key)
{
  const yolor_cfg_kv *kv = yolor_cfg_find (c->sec, key);
  if (kv)
    ((yolor_cfg_kv *) kv)->used = 1;
  return kv;
}

/* Records the first error; every getter then returns its default, so no
 * code runs on a half-parsed value. */
static void
fail (parse_ctx *c, int line, yolor_status code, const char *what,
    const char *key, const char *value)
{
  if (c->st == YOLOR_OK)
    c->st = yolor_error_set (c->err, code, "%s:%d: [%s] %s '%s'%s%s%s", c->path,
        line, c->sec->name, what, key, value ? " = '" : "", value ? value : "",
        value ? "'" : "");
}

static int
get_int (parse_ctx *c, const char *key, int def, int lo, int hi)
{
  const yolor_cfg_kv *kv = find (c, key);
  char *end;
  long v;
  if (!kv)
    return def;
  errno = 0;
  v = strtol (kv->value, &end, 10);
  if (errno || end == kv->value || *end != '\0') {
    fail (c, kv->line, YOLOR_ERR_PARSE, "expected an integer for", key,
        kv->value);
    return def;
  }
  if (v < lo || v > hi) {
    if (c->st == YOLOR_OK)
      c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
          "%s:%d: [%s] '%s' = %ld is out of range [%d, %d]", c->path, kv->line,
          c->sec->name, key, v, lo, hi);
    return def;
  }
  return (int) v;
}

static float
get_float (parse_ctx *c, const char *key, float def, float lo, float hi)
{
  const yolor_cfg_kv *kv = find (c, key);
  char *end;
  double v;
  if (!kv)
    return def;
  errno = 0;
  v = strtod (kv->value, &end);
  if (errno || end == kv->value || *end != '\0' || !isfinite (v)) {
    fail (
        c, kv->line, YOLOR_ERR_PARSE, "expected a number for", key, kv->value);
    return def;
  }
  if (v < lo || v > hi) {
    if (c->st == YOLOR_OK)
      c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
          "%s:%d: [%s] '%s' = %g is out of range [%g, %g]", c->path, kv->line,
          c->sec->name, key, v, (double) lo, (double) hi);
    return def;
  }
  return (float) v;
}

/* Comma-separated numbers (spaces allowed) into @out: doubles, or with
 * @ints whole numbers only (no fraction, no exponent) within ±1e9.
 * Returns the count, or -1 with the error recorded. */
static int
get_list (
    parse_ctx *c, const char *key, double *out, int max, int *line, int ints)
{
  const yolor_cfg_kv *kv = find (c, key);
  const char *what = ints ? "expected a list of integers for"
                          : "expected a list of numbers for";
  const char *p;
  int n = 0;
  if (!kv)
    return 0;
  *line = kv->line;
  p = kv->value;
  while (*p) {
    char *end;
    double v;
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p)
      break;
    errno = 0;
    if (ints) {
      long i = strtol (p, &end, 10);
      v = (double) i;
      if (i < -1000000000L || i > 1000000000L)
        errno = ERANGE;
    } else
      v = strtod (p, &end);
    if (errno || end == p || !isfinite (v)) {
      fail (c, kv->line, YOLOR_ERR_PARSE, what, key, kv->value);
      return -1;
    }
    if (n >= max) {
      if (c->st == YOLOR_OK)
        c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
            "%s:%d: [%s] '%s' has more than %d values", c->path, kv->line,
            c->sec->name, key, max);
      return -1;
    }
    out[n++] = v;
    p = end;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == ',')
      p++;
    else if (*p) {
      fail (c, kv->line, YOLOR_ERR_PARSE, what, key, kv->value);
      return -1;
    }
  }
  return n;
}

/* Layer references (integers): negative = relative to @index, else
 * absolute. */
static int
get_refs (
    parse_ctx *c, const char *key, int index, yolor_layer *l, int required)
{
  double v[YOLOR_MAX_INPUTS];
  int line = c->sec->line;
  int n = get_list (c, key, v, YOLOR_MAX_INPUTS, &line, 1);
  const yolor_cfg_kv *kv = yolor_cfg_find (c->sec, key);
  if (n < 0)
    return 0;
  if (n == 0) {
    if (required) {
      if (c->st == YOLOR_OK)
        c->st =
            yolor_error_set (c->err, YOLOR_ERR_PARSE, "%s:%d: [%s] needs '%s='",
                c->path, c->sec->line, c->sec->name, key);
      return 0;
    }
    return 1;
  }
  if (l->n_in + n > YOLOR_MAX_INPUTS) {
    if (c->st == YOLOR_OK)
      c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
          "%s:%d: [%s] '%s' names more than %d layers", c->path, line,
          c->sec->name, key, YOLOR_MAX_INPUTS - l->n_in);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    /* |v| <= 1e9 (get_list): no overflow below */
    int r = (int) v[i];
    int abs_i = r < 0 ? index + r : r;
    if (abs_i < 0 || abs_i >= index) {
      if (c->st == YOLOR_OK)
        c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
            "%s:%d: [%s] layer %d: '%s' = '%s': %d refers to layer %d, which "
            "%s",
            c->path, line, c->sec->name, index, key, kv->value, r, abs_i,
            abs_i >= index ? "is not an earlier layer" : "does not exist");
      return 0;
    }
    l->in[l->n_in++] = abs_i;
  }
  return 1;
}

static void
check_keys (parse_ctx *c, const char *const *keys)
{
  for (int k = 0; k < c->sec->n_kv && c->st == YOLOR_OK; k++) {
    const yolor_cfg_kv *kv = &c->sec->kv[k];
    int known = 0;
    for (int j = 0; keys && keys[j]; j++)
      if (strcmp (keys[j], kv->key) == 0)
        known = 1;
    if (!known)
      c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
          "%s:%d: [%s] unknown key '%s'", c->path, kv->line, c->sec->name,
          kv->key);
  }
}

/* ---- flavour ---- */

yolor_flavor
yolor_graph_detect_flavor (const yolor_cfg *cfg)
{
  static const char *const yolor_only[] = { "implicit_add", "implicit_mul",
    "implicit_cat", "implicit_add_2d", "implicit_mul_2d", "implicit_cat_2d",
    "shift_channels", "control_channels", "select_channels",
    "alternate_channels", "shift_channels_2d", "control_channels_2d",
    "select_channels_2d", "alternate_channels_2d", "route_lhalf", "dwt", NULL };
  int n_yolo = 0, new_coords = 0;
  const yolor_cfg_kv *named =
      cfg->n_sections > 0 ? yolor_cfg_find (&cfg->sections[0], "flavor") : NULL;
  yolor_flavor f;

  /* the cfg says which (an unknown name is the [net] parse's error) */
  if (named && yolor_flavor_parse (named->value, &f) && f != YOLOR_FLAVOR_AUTO)
    return f;
  for (int i = 1; i < cfg->n_sections; i++) {
    const yolor_cfg_section *s = &cfg->sections[i];
    const yolor_cfg_kv *kv;
    for (int j = 0; yolor_only[j]; j++)
      if (strcmp (s->name, yolor_only[j]) == 0)
        return YOLOR_FLAVOR_YOLOR;
    kv = yolor_cfg_find (s, "activation");
    if (kv && strcmp (kv->value, "silu") == 0)
      return YOLOR_FLAVOR_YOLOR;
    /* YOLOR's stem: a key-less [reorg] on the network input. */
    if (i == 1 && strcmp (s->name, "reorg") == 0 && s->n_kv == 0)
      return YOLOR_FLAVOR_YOLOR;
    if (strcmp (s->name, "yolo") == 0) {
      n_yolo++;
      kv = yolor_cfg_find (s, "new_coords");
      if (kv && strcmp (kv->value, "0") != 0)
        new_coords = 1;
    }
  }
  /* The YOLOR repository's P6/P7 baselines: four or more heads decoded the
   * PyTorch way (darknet's own P6/P7 cfgs set new_coords=1). */
  if (n_yolo >= 4 && !new_coords)
    return YOLOR_FLAVOR_YOLOR;
  return YOLOR_FLAVOR_DARKNET;
}

/* ---- per-section parsing ---- */

static void
parse_conv (parse_ctx *c, yolor_layer *l)
{
  const yolor_cfg_kv *kv;
  int ok;
  l->bn = get_int (c, "batch_normalize", 0, 0, 1);
  l->filters = get_int (c, "filters", 1, 1, 65536);
  l->size = get_int (c, "size", 1, 1, 15);
  l->stride = get_int (c, "stride", 1, 1, 16);
  if (!yolor_cfg_find (c->sec, "stride")) {
    int sx = get_int (c, "stride_x", 1, 1, 16);
    int sy = get_int (c, "stride_y", 1, 1, 16);
    if (sx != sy && c->st == YOLOR_OK)
      c->st = yolor_error_set (c->err, YOLOR_ERR_UNSUPPORTED,
          "%s:%d: [%s] different stride_x and stride_y are not supported",
          c->path, c->sec->line, c->sec->name);
    l->stride = sx;
  }
  if (get_int (c, "pad", 0, 0, 1))
    l->pad = l->size / 2;
  else
    l->pad = get_int (c, "padding", 0, 0, 15);
  l->groups = get_int (c, "groups", 1, 1, 65536);
  if (get_int (c, "dilation", 1, 1, 1) != 1)
    return;
  kv = find (c, "activation");
  l->act = kv ? yolor_act_from_name (kv->value, &ok) : YOLOR_ACT_LOGISTIC;
  if (kv && !ok)
    fail (c, kv->line, YOLOR_ERR_UNSUPPORTED, "unknown activation for",
        "activation", kv->value);
  if (c->st != YOLOR_OK)
    return;
  if (l->filters % l->groups != 0)
    c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
        "%s:%d: [%s] filters=%d is not a multiple of groups=%d", c->path,
        c->sec->line, c->sec->name, l->filters, l->groups);
}

static void
parse_yolo (parse_ctx *c, yolor_layer *l)
{
  double mask[YOLOR_MAX_MASK], anchors[2 * 64];
  int mline = c->sec->line, aline = c->sec->line;
  int n_anchors2 = get_list (c, "anchors", anchors, 2 * 64, &aline, 0);
  int num = get_int (c, "num", n_anchors2 > 0 ? n_anchors2 / 2 : 1, 1, 64);
  int n_mask = get_list (c, "mask", mask, YOLOR_MAX_MASK, &mline, 1);

  l->classes = get_int (c, "classes", 20, 1, 100000);
  l->scale_x_y = get_float (c, "scale_x_y", 1.0f, 0.0f, 100.0f);
  l->new_coords = get_int (c, "new_coords", 0, 0, 1);
  l->beta_nms = get_float (c, "beta_nms", 0.6f, 0.0f, 100.0f);
  {
    const yolor_cfg_kv *kv = find (c, "nms_kind");
    l->nms_kind = 0;
    if (kv && strcmp (kv->value, "greedynms") == 0)
      l->nms_kind = 1;
    else if (kv && strcmp (kv->value, "diounms") == 0)
      l->nms_kind = 2;
  }
  if (c->st != YOLOR_OK || n_mask < 0 || n_anchors2 < 0)
    return;
  if (n_anchors2 == 0 || n_anchors2 % 2) {
    c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
        "%s:%d: [yolo] 'anchors' needs w,h pairs", c->path, aline);
    return;
  }
  for (int i = 0; i < n_anchors2; i++)
    if (!(anchors[i] >= 0.0 && anchors[i] <= YOLOR_MAX_ANCHOR)) {
      c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
          "%s:%d: [yolo] anchor %g is outside [0, %d] (pixels)", c->path, aline,
          anchors[i], YOLOR_MAX_ANCHOR);
      return;
    }
  if (num > n_anchors2 / 2)
    num = n_anchors2 / 2;
  if (n_mask == 0) {
    n_mask = num < YOLOR_MAX_MASK ? num : YOLOR_MAX_MASK;
    for (int i = 0; i < n_mask; i++)
      mask[i] = i;
  }
  l->n_mask = n_mask;
  for (int i = 0; i < n_mask; i++) {
    int m = (int) mask[i]; /* an integer within ±1e9 (get_list) */
    if (m < 0 || m >= n_anchors2 / 2) {
      c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
          "%s:%d: [yolo] mask entry %g has no anchor (%d anchors)", c->path,
          mline, mask[i], n_anchors2 / 2);
      return;
    }
    l->mask[i] = m;
    l->anchors[2 * i] = (float) anchors[2 * m];
    l->anchors[2 * i + 1] = (float) anchors[2 * m + 1];
  }
}

static void
parse_section (parse_ctx *c, yolor_model *m, yolor_layer *l, int index)
{
  const yolor_layer_ops *ops = l->ops;
  const yolor_cfg_kv *kv;
  int ok;

  check_keys (c, ops->keys);
  if (c->st != YOLOR_OK)
    return;
  /* default input: the previous layer */
  if (ops->kind != YOLOR_LAYER_ROUTE && ops->kind != YOLOR_LAYER_ROUTE_LHALF
      && ops->kind != YOLOR_LAYER_IMPLICIT) {
    l->n_in = 1;
    l->in[0] = index - 1;
  }

  switch (ops->kind) {
    case YOLOR_LAYER_CONV:
      parse_conv (c, l);
      break;
    case YOLOR_LAYER_ROUTE:
      get_refs (c, "layers", index, l, 1);
      l->route_groups = get_int (c, "groups", 1, 1, 1024);
      l->route_group_id = get_int (c, "group_id", 0, 0, 1023);
      if (l->route_group_id >= l->route_groups && c->st == YOLOR_OK)
        c->st = yolor_error_set (c->err, YOLOR_ERR_PARSE,
            "%s:%d: [route] group_id=%d must be below groups=%d", c->path,
            c->sec->line, l->route_group_id, l->route_groups);
      break;
    case YOLOR_LAYER_ROUTE_LHALF:
      get_refs (c, "layers", index, l, 1);
      break;
    case YOLOR_LAYER_SHORTCUT:
    case YOLOR_LAYER_SCALE_CHANNELS:
    case YOLOR_LAYER_CHANNELS:
      if (!get_refs (c, "from", index, l, 1))
        break;
      if (l->n_in != 2 && c->st == YOLOR_OK)
        c->st = yolor_error_set (c->err, YOLOR_ERR_UNSUPPORTED,
            "%s:%d: [%s] 'from' must name exactly one layer", c->path,
            c->sec->line, c->sec->name);
      kv = find (c, "activation");
      if (kv) {
        l->act = yolor_act_from_name (kv->value, &ok);
        if (!ok)
          fail (c, kv->line, YOLOR_ERR_UNSUPPORTED, "unknown activation for",
              "activation", kv->value);
      }
      kv = find (c, "weights_type");
      if (kv && strcmp (kv->value, "none") != 0)
        fail (c, kv->line, YOLOR_ERR_UNSUPPORTED,
            "weighted fusion is not supported:", "weights_type", kv->value);
      find (c, "weights_normalization");
      if (get_int (c, "scale_wh", 0, 0, 0))
        break;
      break;
    case YOLOR_LAYER_BATCHNORM:
      kv = find (c, "activation");
      l->act = kv ? yolor_act_from_name (kv->value, &ok) : YOLOR_ACT_LINEAR;
      if (kv && !ok)
        fail (c, kv->line, YOLOR_ERR_UNSUPPORTED, "unknown activation for",
            "activation", kv->value);
      break;
    case YOLOR_LAYER_MAXPOOL:
      l->pool_stride = get_int (c, "stride", 1, 1, 64);
      l->pool_size = get_int (c, "size", l->pool_stride, 1, 64);
      l->pool_pad = get_int (c, "padding", l->pool_size - 1, 0, 128);
      if (m->rules.torch_maxpool && l->pool_size == 2 && l->pool_stride == 1) {
        l->pad = 1; /* zero padding right/bottom */
        l->pool_pad = 1;
      } else if (m->rules.torch_maxpool) {
        l->pad = 0;
        l->pool_pad = 2 * ((l->pool_size - 1) / 2);
      }
      break;
    case YOLOR_LAYER_UPSAMPLE:
      l->stride = get_int (c, "stride", 2, 1, 32);
      if (get_float (c, "scale", 1.0f, 1.0f, 1.0f) != 1.0f)
        break;
      break;
    case YOLOR_LAYER_REORG:
      l->stride = get_int (c, "stride", 2, 2, 2);
      break;
    case YOLOR_LAYER_IMPLICIT:
      l->filters = get_int (c, "filters", 1, 1, 65536);
      l->atoms = 0;
      if (ops->flat)
        l->atoms = get_int (c, "atoms", 1, 1, 65536);
      get_float (c, "mean", 0.0f, -1e6f, 1e6f);
      get_float (c, "std", 0.0f, 0.0f, 1e6f);
      m->has_implicit = 1;
      break;
    case YOLOR_LAYER_YOLO:
      parse_yolo (c, l);
      break;
    default:
      /* dropout: training only */
      get_float (c, "probability", 0.5f, 0.0f, 1.0f);
      get_int (c, "dropblock", 0, 0, 1);
      get_float (c, "dropblock_size_rel", 0.0f, 0.0f, 1.0f);
      get_int (c, "dropblock_size_abs", 0, 0, 1000);
      break;
  }
}

yolor_status
yolor_graph_build (yolor_model *m, const yolor_cfg *cfg, yolor_error *err)
{
  const yolor_cfg_section *first = &cfg->sections[0];
  parse_ctx c = { cfg->path, first, err, YOLOR_OK };
  int n;

  if (strcmp (first->name, "net") != 0 && strcmp (first->name, "network"))
    return yolor_error_set (err, YOLOR_ERR_PARSE,
        "%s:%d: the first section must be [net], not [%s]", cfg->path,
        first->line, first->name);
  check_keys (&c, net_keys);
  {
    const yolor_cfg_kv *kv = find (&c, "flavor");
    yolor_flavor f;
    if (kv && !yolor_flavor_parse (kv->value, &f))
      fail (&c, kv->line, YOLOR_ERR_PARSE,
          "unknown flavour (yolor, darknet or yolor-paper) in", "flavor",
          kv->value);
  }
  m->net_default_w = get_int (&c, "width", 416, 1, YOLOR_MAX_DIM);
  m->net_default_h = get_int (&c, "height", 416, 1, YOLOR_MAX_DIM);
  if (get_int (&c, "channels", 3, 1, 4) != 3 && c.st == YOLOR_OK)
    c.st = yolor_error_set (err, YOLOR_ERR_UNSUPPORTED,
        "%s:%d: [net] only 3-channel (RGB) networks are supported", cfg->path,
        first->line);
  if (c.st != YOLOR_OK)
    return c.st;

  n = cfg->n_sections - 1;
  if (n < 1)
    return yolor_error_set (
        err, YOLOR_ERR_PARSE, "%s: no layers after [net]", cfg->path);
  m->layers = calloc ((size_t) n, sizeof (yolor_layer));
  if (!m->layers)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  m->n_layers = n;

  for (int i = 0; i < n && c.st == YOLOR_OK; i++) {
    const yolor_cfg_section *s = &cfg->sections[i + 1];
    yolor_layer *l = &m->layers[i];
    l->index = i;
    l->line = s->line;
    l->ops = yolor_layer_ops_find (s->name);
    c.sec = s;
    if (!l->ops) {
      if (strcmp (s->name, "net") == 0)
        return yolor_error_set (err, YOLOR_ERR_PARSE,
            "%s:%d: a second [net] section", cfg->path, s->line);
      return yolor_error_set (err, YOLOR_ERR_UNSUPPORTED,
          "%s:%d: unknown layer type [%s]", cfg->path, s->line, s->name);
    }
    parse_section (&c, m, l, i);
  }
  if (c.st != YOLOR_OK)
    return c.st;

  /* heads */
  for (int i = 0; i < n; i++)
    if (m->layers[i].ops->kind == YOLOR_LAYER_YOLO)
      m->n_heads++;
  if (m->n_heads == 0)
    return yolor_error_set (err, YOLOR_ERR_UNSUPPORTED,
        "%s: the model has no [yolo] layer", cfg->path);
  m->heads = calloc ((size_t) m->n_heads, sizeof (int));
  if (!m->heads)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  m->n_heads = 0;
  for (int i = 0; i < n; i++) {
    yolor_layer *l = &m->layers[i];
    if (l->ops->kind != YOLOR_LAYER_YOLO)
      continue;
    if (m->n_heads == 0)
      m->n_classes = l->classes;
    else if (l->classes != m->n_classes)
      return yolor_error_set (err, YOLOR_ERR_PARSE,
          "%s:%d: [yolo] classes=%d differs from the first head's %d",
          cfg->path, l->line, l->classes, m->n_classes);
    l->yolo_index = m->n_heads;
    m->nms_kind = l->nms_kind;
    m->nms_beta = l->beta_nms;
    m->heads[m->n_heads++] = i;
  }
  return YOLOR_OK;
}
