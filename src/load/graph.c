/* Builds the layer graph from a parsed cfg: the [net] section, each
 * section's kind (whose parse slot in src/layers/ reads its keys, through
 * the getters here, with strict validation: every error names file:line),
 * the heads and the model flavour. Shape inference lives in shapes.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
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

const yolor_cfg_kv *
yolor_parse_find (yolor_parse_ctx *c, const char *key)
{
  const yolor_cfg_kv *kv = yolor_cfg_find (c->sec, key);
  if (kv)
    ((yolor_cfg_kv *) kv)->used = 1;
  return kv;
}

/* Records the first error; every getter then returns its default, so no
 * code runs on a half-parsed value. */
void
yolor_parse_fail (yolor_parse_ctx *c, int line, yolor_status code,
    const char *what, const char *key, const char *value)
{
  if (c->st == YOLOR_OK)
    c->st = yolor_error_set (c->err, code, "%s:%d: [%s] %s '%s'%s%s%s", c->path,
        line, c->sec->name, what, key, value ? " = '" : "", value ? value : "",
        value ? "'" : "");
}

void
yolor_parse_error (
    yolor_parse_ctx *c, int line, yolor_status code, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  if (c->st != YOLOR_OK)
    return;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof (msg), fmt, ap);
  va_end (ap);
  c->st = yolor_error_set (
      c->err, code, "%s:%d: [%s] %s", c->path, line, c->sec->name, msg);
}

yolor_act
yolor_parse_act (yolor_parse_ctx *c, yolor_act def)
{
  const yolor_cfg_kv *kv = yolor_parse_find (c, "activation");
  yolor_act act;
  int ok;
  if (!kv)
    return def;
  act = yolor_act_from_name (kv->value, &ok);
  if (!ok) {
    yolor_parse_fail (c, kv->line, YOLOR_ERR_UNSUPPORTED,
        "unknown activation for", "activation", kv->value);
    return def;
  }
  return act;
}

int
yolor_parse_int (yolor_parse_ctx *c, const char *key, int def, int lo, int hi)
{
  const yolor_cfg_kv *kv = yolor_parse_find (c, key);
  char *end;
  long v;
  if (!kv)
    return def;
  errno = 0;
  v = strtol (kv->value, &end, 10);
  if (errno || end == kv->value || *end != '\0') {
    yolor_parse_fail (c, kv->line, YOLOR_ERR_PARSE, "expected an integer for",
        key, kv->value);
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

float
yolor_parse_float (
    yolor_parse_ctx *c, const char *key, float def, float lo, float hi)
{
  const yolor_cfg_kv *kv = yolor_parse_find (c, key);
  char *end;
  double v;
  if (!kv)
    return def;
  errno = 0;
  v = strtod (kv->value, &end);
  if (errno || end == kv->value || *end != '\0' || !isfinite (v)) {
    yolor_parse_fail (
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
int
yolor_parse_list (yolor_parse_ctx *c, const char *key, double *out, int max,
    int *line, int ints)
{
  const yolor_cfg_kv *kv = yolor_parse_find (c, key);
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
      yolor_parse_fail (c, kv->line, YOLOR_ERR_PARSE, what, key, kv->value);
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
      yolor_parse_fail (c, kv->line, YOLOR_ERR_PARSE, what, key, kv->value);
      return -1;
    }
  }
  return n;
}

/* Layer references (integers): negative = relative to @index, else
 * absolute. */
int
yolor_parse_refs (yolor_parse_ctx *c, const char *key, int index,
    yolor_layer *l, int required)
{
  double v[YOLOR_MAX_INPUTS];
  int line = c->sec->line;
  int n = yolor_parse_list (c, key, v, YOLOR_MAX_INPUTS, &line, 1);
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
check_keys (yolor_parse_ctx *c, const char *const *keys)
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
parse_section (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l, int index)
{
  check_keys (c, l->ops->keys);
  if (c->st != YOLOR_OK)
    return;
  /* default input: the previous layer (a kind's parse slot may change it) */
  l->n_in = 1;
  l->in[0] = index - 1;
  if (l->ops->parse)
    l->ops->parse (c, m, l);
}

yolor_status
yolor_graph_build (yolor_model *m, const yolor_cfg *cfg, yolor_error *err)
{
  const yolor_cfg_section *first = &cfg->sections[0];
  yolor_parse_ctx c = { cfg->path, first, err, YOLOR_OK };
  int n;

  if (strcmp (first->name, "net") != 0 && strcmp (first->name, "network"))
    return yolor_error_set (err, YOLOR_ERR_PARSE,
        "%s:%d: the first section must be [net], not [%s]", cfg->path,
        first->line, first->name);
  check_keys (&c, net_keys);
  {
    const yolor_cfg_kv *kv = yolor_parse_find (&c, "flavor");
    yolor_flavor f;
    if (kv && !yolor_flavor_parse (kv->value, &f))
      yolor_parse_fail (&c, kv->line, YOLOR_ERR_PARSE,
          "unknown flavour (yolor, darknet or yolor-paper) in", "flavor",
          kv->value);
  }
  m->net_default_w = yolor_parse_int (&c, "width", 416, 1, YOLOR_MAX_DIM);
  m->net_default_h = yolor_parse_int (&c, "height", 416, 1, YOLOR_MAX_DIM);
  if (yolor_parse_int (&c, "channels", 3, 1, 4) != 3 && c.st == YOLOR_OK)
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
      m->n_classes = l->yolo.classes;
    else if (l->yolo.classes != m->n_classes)
      return yolor_error_set (err, YOLOR_ERR_PARSE,
          "%s:%d: [yolo] classes=%d differs from the first head's %d",
          cfg->path, l->line, l->yolo.classes, m->n_classes);
    l->yolo.yolo_index = m->n_heads;
    m->nms_kind = l->yolo.nms_kind;
    m->nms_beta = l->yolo.beta_nms;
    m->heads[m->n_heads++] = i;
  }
  return YOLOR_OK;
}
