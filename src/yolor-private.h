/* Internal structures of libyolor. Not installed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_PRIVATE_H
#define YOLOR_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "yolor/yolor.h"

#define YOLOR_MAX_INPUTS 8
#define YOLOR_MAX_MASK 16
#define YOLOR_MAX_DIM 16384 /* largest tensor side we accept */
#define YOLOR_MAX_ANCHOR 65536 /* largest [yolo] anchor side, pixels */
#define YOLOR_MAX_CANDIDATES (1 << 21) /* (box, class) pairs before NMS */

/* Set @err (may be NULL) and return @code. printf-style message. */
yolor_status yolor_error_set (yolor_error *err, yolor_status code,
    const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Opens @path (borrowed) for reading if it is a regular file, and stores
 * its size in *@size_out. @what names the file in messages ("cfg",
 * "weights"). Returns the stream (transferred: fclose()) or NULL with @err
 * set: YOLOR_ERR_IO for a missing or unreadable file, a directory or any
 * other file that is not regular. */
FILE *yolor_file_open (
    const char *path, const char *what, int64_t *size_out, yolor_error *err);

/* Offset of the first byte of @s[0..n) that is not part of valid UTF-8
 * (shortest form, no surrogates, at most U+10FFFF), or -1. */
long yolor_utf8_invalid_at (const unsigned char *s, size_t n);

/* Logs through the callback of @opts (borrowed; no-op without one). */
void yolor_log (const yolor_options *opts, yolor_log_level level,
    const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* 64-byte aligned allocation; yolor_free(NULL) is a no-op. Every call counts
 * in yolor_alloc_count() so tests can assert that run allocates nothing. */
void *yolor_malloc (size_t bytes);
void *yolor_calloc (size_t n, size_t size);
void yolor_free (void *p);
uint64_t yolor_alloc_count (void);

typedef enum yolor_act
{
  YOLOR_ACT_LINEAR = 0,
  YOLOR_ACT_LEAKY,
  YOLOR_ACT_RELU,
  YOLOR_ACT_RELU6,
  YOLOR_ACT_LOGISTIC,
  YOLOR_ACT_SILU, /* also "swish" */
  YOLOR_ACT_MISH,
  YOLOR_ACT_TANH,
  YOLOR_ACT_HARDSWISH
} yolor_act;

typedef enum yolor_layer_kind
{
  YOLOR_LAYER_CONV = 0,
  YOLOR_LAYER_ROUTE,
  YOLOR_LAYER_ROUTE_LHALF,
  YOLOR_LAYER_SHORTCUT,
  YOLOR_LAYER_MAXPOOL,
  YOLOR_LAYER_AVGPOOL,
  YOLOR_LAYER_UPSAMPLE,
  YOLOR_LAYER_REORG,
  YOLOR_LAYER_DWT,
  YOLOR_LAYER_IDENTITY, /* dropout, silence */
  YOLOR_LAYER_SCALE_CHANNELS,
  YOLOR_LAYER_IMPLICIT, /* implicit_add/mul/cat(_2d) */
  YOLOR_LAYER_CHANNELS, /* shift/control/select/alternate(_2d) */
  YOLOR_LAYER_BATCHNORM, /* per-channel batch norm and activation */
  YOLOR_LAYER_YOLO
} yolor_layer_kind;

typedef enum yolor_implicit_init
{
  YOLOR_IMPLICIT_ZERO = 0, /* add, cat: identity value 0 */
  YOLOR_IMPLICIT_ONE /* mul: identity value 1 */
} yolor_implicit_init;

typedef enum yolor_channels_op
{
  YOLOR_CH_SHIFT = 0, /* x + a */
  YOLOR_CH_CONTROL, /* x * a */
  YOLOR_CH_SELECT, /* x * sigmoid(a) */
  YOLOR_CH_ALTERNATE /* cat(a broadcast, x) */
} yolor_channels_op;

typedef struct yolor_layer yolor_layer;
typedef struct yolor_cfg_section yolor_cfg_section;
typedef struct yolor_tensor yolor_tensor;

/* What a layer kind's parse slot works with: one [section] of the cfg
 * (src/load/graph.c). The first error is kept; the yolor_parse_* getters
 * then return their defaults. */
typedef struct yolor_parse_ctx
{
  const char *path; /* borrowed: the cfg's */
  const yolor_cfg_section *sec; /* borrowed: the section */
  yolor_error *err; /* borrowed */
  yolor_status st; /* the first error */
} yolor_parse_ctx;

/* Parse slot: @l's fields from its section's keys (the keys are already
 * checked against the row's list; @l->index and line are set, and its
 * input is the previous layer until the slot says otherwise). Errors name
 * the file and line, through yolor_parse_error () or the getters. */
typedef void (*yolor_layer_parse_fn) (
    yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);

/* What a layer kind's shape slot works with (src/load/shapes.c fills it
 * and checks what the slot returns). */
typedef struct yolor_shape_ctx
{
  const yolor_model *m; /* borrowed */
  const yolor_tensor *t; /* borrowed: the shapes of the layers before */
  int in_w, in_h; /* the network input */
  int c, h, w; /* the layer's input 0 (0 x 0 x 0 when it reads none) */
  int64_t oc, oh, ow; /* out: the output shape, in 64 bits */
  char msg[256]; /* out: what is wrong, on failure (shapes.c adds the
                  * file, line and layer) */
} yolor_shape_ctx;

/* Shape slot: the output shape of @l into @ctx->oc, oh, ow, and what else
 * the kind knows at this size into @o (macs; h_in, w_in). Returns 0, or -1
 * with @ctx->msg set (yolor_shape_fail ()). Reads the model only. */
typedef int (*yolor_layer_shape_fn) (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o);

/* Forward slot: reads the model's layer @l (never writes it) and the net's
 * tensors, and writes @l's own tensor's output. */
typedef void (*yolor_layer_forward_fn) (yolor_net *net, const yolor_layer *l);

/* Aliasing slot: 1 if @l writes a buffer of its own, 0 if its output is
 * another's (its input 0's, or for implicit layers their parameter).
 * Static once the model is folded. */
typedef int (*yolor_layer_owns_fn) (const yolor_layer *l);

/* Where a parameter array comes from (see yolor_param_array). */
typedef enum yolor_param_part
{
  YOLOR_PARAM_FILE = 0, /* the .weights body, in the order the slot lists */
  YOLOR_PARAM_TRAILER, /* the .weights implicit trailer */
  YOLOR_PARAM_MADE /* computed at load (a folded batch norm's scales) */
} yolor_param_part;

/* One parameter array of a layer, as its params slot describes it: the
 * loader allocates, reads, checks, counts and frees every layer's arrays
 * through these rows alone. */
typedef struct yolor_param_array
{
  const char *name; /* in messages: "bias", "batch-norm variance" */
  float **p; /* borrowed: the layer's pointer to the array (NULL: none) */
  int64_t n; /* floats */
  float init; /* identity value it is allocated with */
  yolor_param_part part;
  int learned; /* 1: counted in n_params (as PyTorch counts: not the
                * running mean and variance) */
  int non_negative; /* 1: a negative value means corrupt weights */
} yolor_param_array;

#define YOLOR_MAX_PARAM_ARRAYS 6

/* Params slot: @l's parameter arrays into @a (at most
 * YOLOR_MAX_PARAM_ARRAYS), YOLOR_PARAM_FILE ones first in file order.
 * Returns their number. Valid once the channels slot has run. */
typedef int (*yolor_layer_params_fn) (yolor_layer *l, yolor_param_array *a);

/* Channels slot: @l->c is set and @t holds the shapes of every layer:
 * set what follows from the input channels (c_in). */
typedef void (*yolor_layer_channels_fn) (yolor_layer *l, const yolor_tensor *t);

/* Synthetic slot: deterministic values into @l's allocated arrays, drawn
 * from @rng (yolor_synthetic_uniform ()). */
typedef void (*yolor_layer_synthetic_fn) (yolor_layer *l, uint64_t *rng);

/* The steps of load-time folding (src/load/fold.c): each runs over every
 * layer in order before the next begins. */
typedef enum yolor_fold_step
{
  YOLOR_FOLD_BN = 0, /* a layer's own batch norm into its weights */
  YOLOR_FOLD_CONSTANT, /* a layer of constant input computed once */
  YOLOR_FOLD_IMPLICIT, /* implicit knowledge into a neighbouring conv */
  YOLOR_FOLD_STEPS
} yolor_fold_step;

/* Fold slot: step @step for layer @l, which may change @l and the layers
 * it reads or that read it (marking those it absorbs folded). Leaves @l
 * as it was where it cannot fold (out of memory included). */
typedef void (*yolor_layer_fold_fn) (
    yolor_model *m, yolor_layer *l, yolor_fold_step step);

/* What the prepare slots are asked for (the model's options, once). */
typedef struct yolor_prepare_ctx
{
  int path; /* yolor_conv_path */
  int bf16; /* 1: pack for the BF16 GEMM */
  int inspect; /* 1: only learn what packing would give (yolor info) */
} yolor_prepare_ctx;

/* Prepare slot: packs @l's parameters for its kernel (once folded), adding
 * the packed bytes to *@bytes, and frees the plain arrays nothing reads
 * any more. Returns YOLOR_OK or YOLOR_ERR_NO_MEMORY. */
typedef yolor_status (*yolor_layer_prepare_fn) (
    yolor_layer *l, const yolor_prepare_ctx *ctx, size_t *bytes);

/* Release slot: frees what the params slot does not list (packed
 * weights). */
typedef void (*yolor_layer_release_fn) (yolor_layer *l);

/* Constant slot: the output of a layer whose output is a parameter of the
 * model (never written), else NULL. */
typedef float *(*yolor_layer_constant_fn) (const yolor_layer *l);

/* Batch slot: @l on @n nets of one model and input size at once (see
 * yolor_conv_forward_batch ()). */
typedef void (*yolor_layer_batch_fn) (
    yolor_net *const *nets, int n, const yolor_layer *l);

/* Workspace slot: floats of per-net scratch @l needs at shape @t. */
typedef size_t (*yolor_layer_workspace_fn) (
    const yolor_layer *l, const yolor_tensor *t, int n_threads);

/* Info slot: the kind's own fields of yolor_layer_info. */
typedef void (*yolor_layer_info_fn) (
    const yolor_layer *l, yolor_layer_info *info);

/* One row of the layer registry (src/layers/registry.c): a layer kind's
 * name, keys and operations, defined in its own src/layers/ file. */
typedef struct yolor_layer_ops
{
  const char *name; /* cfg section name */
  yolor_layer_kind kind;
  int variant; /* kind-specific: channels op, implicit init */
  /* Keys this section accepts besides the generic ones (NULL-terminated);
   * any other key is a parse error naming file:line. */
  const char *const *keys;
  /* 1 for the *_2d forms: an implicit is atoms x filters x 1, as the
   * official (1, atoms, filters, 1) parameter; a consumer reads its 'from'
   * flattened (channel atom * filters + f) */
  int flat;
  yolor_layer_parse_fn parse; /* NULL: no keys beyond the generic ones */
  yolor_layer_shape_fn shape; /* every kind has one */
  yolor_layer_forward_fn forward; /* NULL: none (its output is an alias or
                                   * a parameter; [yolo] decodes later) */
  yolor_layer_owns_fn owns_buffer; /* NULL: always a buffer of its own */
  yolor_layer_constant_fn constant; /* NULL: never a parameter */
  yolor_layer_channels_fn channels; /* NULL: nothing follows */
  yolor_layer_params_fn params; /* NULL: no parameters */
  yolor_layer_synthetic_fn synthetic; /* NULL: no parameters */
  yolor_layer_fold_fn fold; /* NULL: folds nothing */
  yolor_layer_prepare_fn prepare; /* NULL: nothing to pack */
  yolor_layer_release_fn release; /* NULL: only the listed arrays */
  yolor_layer_batch_fn forward_batch; /* NULL: forward, net after net */
  yolor_layer_workspace_fn workspace; /* NULL: none */
  yolor_layer_info_fn info; /* NULL: the generic fields only */
} yolor_layer_ops;

/* Looks up a cfg section name; NULL if unknown. */
const yolor_layer_ops *yolor_layer_ops_find (const char *name);

/* [convolutional] */
typedef struct yolor_conv_params
{
  int filters, size, stride, pad, groups;
  int bn; /* batch_normalize=1 */
  int c_in; /* input channels */
  float *weights; /* owned: [filters][c_in/groups][k][k]; freed (NULL)
                   * once packed into wino or wpack */
  float *bias; /* owned: [filters] (BN folded in when bn_folded) */
  float *bn_gamma, *bn_mean, *bn_var; /* owned; NULL once folded */
  int bn_folded;
  void *wino; /* owned: Winograd weights [36][filters][c_in], packed for
               * the GEMM (floats, or BF16 when bf16); replaces weights */
  void *wpack; /* owned: weights packed for the GEMM, per group (floats,
                * or BF16 when bf16) */
  size_t packed_bytes; /* of wino or wpack */
  int bf16; /* 1: packed for the BF16 GEMM */
  int winograd; /* 1: runs as Winograd (wino holds its weights, unless the
                 * model was loaded only to be inspected) */
} yolor_conv_params;

/* [batchnorm]: as many channels as the layer's c */
typedef struct yolor_batchnorm_params
{
  float *bias; /* owned: beta, then (folded) the shift beta − mean·s */
  float *gamma, *mean, *var; /* owned; NULL once folded */
  float *scale; /* owned: s, made by folding */
  int folded;
} yolor_batchnorm_params;

/* implicit_add/mul/cat and their _2d forms */
typedef struct yolor_implicit_params
{
  int filters;
  int atoms; /* > 0 for the _2d forms */
  float *param; /* owned: yolor_implicit_count () floats (atom-major for
                 * the _2d forms) */
} yolor_implicit_params;

/* [maxpool] */
typedef struct yolor_pool_params
{
  int size, stride;
  int pad; /* total padding of both sides (darknet's padding=) */
  int zero_pad; /* 1: padded right/bottom with zeros (YOLOR's k=2 s=1) */
} yolor_pool_params;

/* [upsample] and [reorg] */
typedef struct yolor_resample_params
{
  int stride;
} yolor_resample_params;

/* [route] */
typedef struct yolor_route_params
{
  int groups, group_id;
} yolor_route_params;

/* [yolo] */
typedef struct yolor_yolo_params
{
  int classes;
  int n_mask;
  int mask[YOLOR_MAX_MASK];
  float anchors[2 * YOLOR_MAX_MASK]; /* masked anchors, pixels */
  float scale_x_y;
  int new_coords;
  int yolo_index;
  int nms_kind; /* darknet: 0 plain IoU, 1 greedynms, 2 diounms */
  float beta_nms;
} yolor_yolo_params;

/* One layer of a model: what the cfg says, its channel counts and its
 * parameters. Filled at load, then read-only: nets on the same model read
 * it from several threads at once. Everything that depends on the input
 * size lives in the net's yolor_tensor of the same index. */
struct yolor_layer
{
  const yolor_layer_ops *ops; /* borrowed: static registry row */
  int index;
  int line; /* cfg line of the [section] */

  int n_in;
  int in[YOLOR_MAX_INPUTS]; /* absolute layer indices; -1 = net input */

  int c; /* output channels (independent of the input size) */
  int alias; /* 1: its output is another layer's buffer */
  int folded; /* 1: merged into a neighbour at load */
  yolor_act act; /* conv, [batchnorm], shortcut, scale_channels */

  /* The kind's own parameters: the member ops->kind names, no other. */
  union
  {
    yolor_conv_params conv; /* YOLOR_LAYER_CONV */
    yolor_batchnorm_params bnorm; /* YOLOR_LAYER_BATCHNORM */
    yolor_implicit_params implicit; /* YOLOR_LAYER_IMPLICIT */
    yolor_pool_params pool; /* YOLOR_LAYER_MAXPOOL */
    yolor_resample_params resample; /* UPSAMPLE, REORG */
    yolor_route_params route; /* YOLOR_LAYER_ROUTE */
    yolor_yolo_params yolo; /* YOLOR_LAYER_YOLO */
  };

  int64_t n_params; /* stored parameters */
};

/* What one layer is at one input size, in one net. */
struct yolor_tensor
{
  int c, h, w; /* output shape */
  int h_in, w_in; /* size of input 0 */
  float *out; /* borrowed: arena slice, alias, the net input
                                 * or (implicit layers) the model's
                                 * parameter, which is never written */
  double macs; /* multiply-accumulates at this size */
  double time_ms; /* last forward, when profiling */

  /* plan */
  size_t bytes; /* output bytes when it owns a buffer */
  size_t offset; /* arena offset */
  int first_use, last_use;
  /* Written in place into a later layer's buffer: a concatenation's (at
   * @home_at floats) or that of the [shortcut] it is added into (below);
   * -1: its own buffer. */
  int home;
  size_t home_at;
  /* A Winograd conv whose output only [shortcut] @add_into reads: the conv
   * adds the shortcut's other input after its activation and so writes the
   * shortcut's output (its home), a pass over memory saved; 0: none (a
   * shortcut is never layer 0). */
  int add_into;
  int computed_by_input; /* a [shortcut] its input conv computes */
};

/* The parsed cfg: sections with key/values and their line numbers. */
typedef struct yolor_cfg_kv
{
  char *key;
  char *value;
  int line;
  int used;
} yolor_cfg_kv;

struct yolor_cfg_section
{
  char *name;
  int line;
  yolor_cfg_kv *kv;
  int n_kv;
};

typedef struct yolor_cfg
{
  char *path;
  yolor_cfg_section *sections;
  int n_sections;
} yolor_cfg;

/* Everything the engine does differently for YOLOR models (the official
 * PyTorch code) and darknet models, resolved once at load from the flavour
 * (flavor.c) and read by the layers and the decode: no other code tests
 * the flavour. */
typedef struct yolor_rules
{
  yolor_flavor flavor; /* YOLOR, DARKNET or YOLOR_PAPER, never AUTO */
  double bn_eps; /* batch norm: YOLOR 1e-4, darknet 1e-5, paper 1e-3 */
  yolor_resize resize; /* what YOLOR_RESIZE_AUTO means */
  float conf_threshold, iou_threshold; /* default post-processing */
  int official_decode; /* 1: sigmoid on every head output, boxes
                        * (2σ − ½ + cell)·stride and (2σ)²·anchor, head
                        * strides 8·2^k, input sides multiples of the
                        * largest; 0: the [yolo] layer's activation,
                        * scale_x_y and new_coords, the strides the feature
                        * maps give, any input size the layers take */
  int anchor_px; /* official decode: (2σ)²·anchor as the paper branch's
                  * IDetect (anchor_grid, pixels), not (2σ)²·(anchor /
                  * stride)·stride as the main branch's YOLOLayer */
  int size_from_heads; /* default input 640, 1280 with 4+ heads (else the
                        * cfg's [net] size) */
  int torch_maxpool; /* maxpool padded as nn.MaxPool2d (and ZeroPad2d for
                        * size 2 stride 1), not as darknet pads */
  int reorg_dy_major; /* reorg's four slices in darknet's order */
  int shortcut_activation; /* darknet applies [shortcut] activation= */
  int cfg_nms; /* the [yolo] nms_kind (greedy / DIoU) is honoured */
} yolor_rules;

/* The rules of @flavor (YOLOR, DARKNET or YOLOR_PAPER) into @out
 * (borrowed). */
void yolor_rules_init (yolor_flavor flavor, yolor_rules *out);

/* Stride of head @k in the official decode: 8·2^k, at most 128. */
static inline int
yolor_official_head_stride (int k)
{
  return 8 << (k < 4 ? k : 4);
}

/* A loaded model: layers, parameters and packed weights. Immutable once
 * yolor_model_load () returns; shared by every net made from it. */
struct yolor_model
{
  int refs; /* atomic (__atomic builtins) */
  yolor_options opts; /* as loaded (flavor, fold, exact_conv,
                                 * embedding_layer, log) */
  char *cfg_path; /* owned */
  yolor_rules rules; /* of its flavour */

  yolor_layer *layers; /* owned, n_layers */
  int n_layers;
  int n_heads;
  int *heads; /* owned: layer index of each [yolo] */
  int n_classes;
  int input_multiple; /* input sides must be multiples of it (when the
                                 * layers cannot take others): set at load */
  int net_default_w, net_default_h; /* [net] width/height */
  int has_implicit;
  int embed_layer;
  int nms_kind; /* of the last [yolo] (darknet flavour) */
  float nms_beta;
  size_t param_bytes; /* every parameter array, packed ones included */
};

/* One stream's state over a shared model: the shapes at its input size,
 * the arena, workspaces, letterbox geometry and post-processing buffers. */
struct yolor_net
{
  yolor_model *model; /* retained: one reference */
  const yolor_layer *layers; /* borrowed: model->layers */
  int n_layers;
  yolor_options opts; /* per net: n_threads, input size, resize,
                                 * keep_layer_outputs, profile, log */
  int n_threads;
  yolor_tensor *t; /* owned, n_layers: shapes and outputs */
  int max_stride; /* of the heads at the current shapes */
  int n_rows; /* candidate rows over all heads, at the size
                                 * yolor_graph_shapes () last saw */

  /* prepared state */
  int prepared;
  int in_w, in_h; /* network input */
  int frame_w, frame_h; /* frame size of yolor_net_prepare (0 if
                                 * prepared with prepare_input) */
  float *input; /* owned [3][in_h][in_w] */
  float *arena; /* owned */
  size_t arena_bytes;
  float *work; /* owned conv workspace */
  size_t work_floats;
  float *gemm_work; /* owned yolor_sgemm workspace */

  /* post-processing buffers (owned, allocated at prepare) */
  void *cands; /* yolor_candidate[max_cands] */
  int max_cands;
  int *keep; /* indices kept by NMS */
  float *class_scores; /* n_classes */
  float *embed; /* YOLOR_MAX_EMBEDDINGS x embed_dim */
  int embed_dim;
  int n_embed; /* rows of the last detect */

  /* letterbox geometry of the prepared frame */
  double gain, pad_x, pad_y; /* scale_coords: frame = (net − pad)/gain */
  double sx, sy; /* stretch: frame = net · s */
  int lb_w, lb_h, lb_left, lb_top; /* letterboxed image in the input */
  int resize; /* resolved yolor_resize */
  void *pre_cols; /* owned: preprocess.c's per-column sampling table,
                                 * yolor_preprocess_table_bytes (in_w) */
};

/* cfg.c */
yolor_status yolor_cfg_read (
    const char *path, yolor_cfg *cfg, yolor_error *err);
void yolor_cfg_clear (yolor_cfg *cfg);
const yolor_cfg_kv *yolor_cfg_find (
    const yolor_cfg_section *s, const char *key);

/* model.c: yolor_model_load[_synthetic]; with @net_opts (borrowed,
 * nullable) also checks the input size a net will be made for before
 * reading the weights (yolor_net_load). */
yolor_status yolor_model_load_common (const char *cfg_path,
    const char *weights_path, int synthetic, uint32_t seed,
    const yolor_options *opts, const yolor_options *net_opts,
    yolor_model **model_out, yolor_error *err);

/* model.c: keeps the channel counts of @t (shapes of @m at any input size,
 * borrowed) in the layers, with each layer's stored parameter count. */
void yolor_model_set_channels (yolor_model *m, const yolor_tensor *t);

/* net.c: the input size from @opts or the model's default. */
void yolor_model_default_input (
    const yolor_model *m, const yolor_options *opts, int *w, int *h);

/* graph.c, for the parse slots: a key's entry (marked used), a value as
 * an int, a float, a list (numbers, or with @ints integers; returns the
 * count or -1), layer references (negative: relative to @index; appended to
 * @l's inputs; returns 0 on error), the 'activation' key (@def without it);
 * an error naming the key at @line, or any message at @line (both prefixed
 * "FILE:LINE: [section] ", both keep only the first error). */
const yolor_cfg_kv *yolor_parse_find (yolor_parse_ctx *c, const char *key);
int yolor_parse_int (
    yolor_parse_ctx *c, const char *key, int def, int lo, int hi);
float yolor_parse_float (
    yolor_parse_ctx *c, const char *key, float def, float lo, float hi);
int yolor_parse_list (yolor_parse_ctx *c, const char *key, double *out, int max,
    int *line, int ints);
int yolor_parse_refs (yolor_parse_ctx *c, const char *key, int index,
    yolor_layer *l, int required);
yolor_act yolor_parse_act (yolor_parse_ctx *c, yolor_act def);
void yolor_parse_fail (yolor_parse_ctx *c, int line, yolor_status code,
    const char *what, const char *key, const char *value);
void yolor_parse_error (yolor_parse_ctx *c, int line, yolor_status code,
    const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));

/* graph.c: builds layers from the cfg (m->rules set first). */
yolor_status yolor_graph_build (
    yolor_model *m, const yolor_cfg *cfg, yolor_error *err);
/* shapes.c: infers every layer's shape into @t (n_layers, borrowed) for an
 * @in_w × @in_h input, with the heads' anchor positions (*@n_rows) and
 * largest stride (*@max_stride). Reads the model only. */
yolor_status yolor_graph_shapes (const yolor_model *m, yolor_tensor *t,
    int in_w, int in_h, int *n_rows, int *max_stride, yolor_error *err);
/* shapes.c, for the shape slots: the shape of layer @idx (-1: the network
 * input, 3 channels); a failure's message into @ctx->msg, returning -1; and
 * the slot of the kinds whose output is shaped as their input. */
void yolor_shape_src (
    const yolor_shape_ctx *ctx, int idx, int *c, int *h, int *w);
int yolor_shape_fail (yolor_shape_ctx *ctx, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
int yolor_shape_same (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o);
yolor_flavor yolor_graph_detect_flavor (const yolor_cfg *cfg);
yolor_act yolor_act_from_name (const char *name, int *ok);
const char *yolor_act_name (yolor_act act);

/* weights.c */
yolor_status yolor_weights_load (
    yolor_model *m, const char *path, yolor_error *err);
int64_t yolor_weights_conv_floats (const yolor_model *m);
/* Index of the first NaN or infinity in @x[0..n), or -1. */
int64_t yolor_first_non_finite (const float *x, int64_t n);

/* conv.c: weights of convolution @l: filters × c_in/groups × size². */
int64_t yolor_conv_weight_count (const yolor_layer *l);

/* The floats of an implicit layer's parameter: filters, or atoms x filters
 * for the *_2d forms (its output tensor's size). */
static inline int64_t
yolor_implicit_count (const yolor_layer *l)
{
  return (int64_t) l->implicit.filters
      * (l->implicit.atoms ? l->implicit.atoms : 1);
}
int64_t yolor_weights_implicit_floats (const yolor_model *m);
/* Allocates every parameter array with its identity values (also done by
 * yolor_weights_load () once the file size matches). */
yolor_status yolor_weights_allocate (yolor_model *m, yolor_error *err);

/* weights.c: the parameter arrays of @l, from its kind's params slot
 * (none without one); returns their number. */
int yolor_layer_params (const yolor_layer *l, yolor_param_array *a);

/* synthetic.c: every layer's synthetic slot, from one stream seeded by
 * @seed; and the next value of such a stream, uniform in [−1, 1). */
void yolor_weights_synthetic (yolor_model *m, uint32_t seed);
float yolor_synthetic_uniform (uint64_t *rng);

/* fold.c: runs the fold slots, step by step (yolor_fold_step); and the
 * number of layers that read layer @idx. */
void yolor_fold (yolor_model *m);
int yolor_fold_readers (const yolor_model *m, int idx);

/* plan.c */
yolor_status yolor_plan (yolor_net *net, yolor_error *err);
/* 1 if layer @l writes a buffer of its own (static once folded). */
int yolor_plan_owns_buffer (const yolor_layer *l);
/* The layer whose buffer layer @i's output is (itself or what it aliases);
 * -1 = the network input, -2 = an implicit parameter. Valid after load. */
int yolor_plan_root (const yolor_model *m, int i);

/* layers: forward passes. Each reads the model's layer @l (never writes
 * it) and the net's tensors, and writes its own tensor's output. */
static inline const yolor_tensor *
yolor_layer_src (const yolor_net *net, const yolor_layer *l, int k)
{
  return l->in[k] < 0 ? NULL : &net->t[l->in[k]];
}

/* The shape of input @k of @l: its tensor's, or the network input's (3
 * channels) when @k reads the network input. */
static inline void
yolor_layer_src_shape (
    const yolor_net *net, const yolor_layer *l, int k, int *c, int *h, int *w)
{
  const yolor_tensor *s = yolor_layer_src (net, l, k);
  *c = s ? s->c : 3;
  *h = s ? s->h : net->in_h;
  *w = s ? s->w : net->in_w;
}

/* The tensor layer @l writes in @net. */
static inline yolor_tensor *
yolor_layer_out (const yolor_net *net, const yolor_layer *l)
{
  return &net->t[l->index];
}

const float *yolor_layer_in (const yolor_net *net, const yolor_layer *l, int k);
void yolor_conv_forward (yolor_net *net, const yolor_layer *l);
/* net.c: layers @first.. of a prepared net, the earlier layers' outputs as
 * they are (the tests run a model's heads on the features they put there:
 * with keep_layer_outputs, so no later layer has taken their memory). */
yolor_status yolor_net_forward_from (
    yolor_net *net, int first, yolor_error *err);
/* net.c: YOLOR_OK when @n nets can run as one batch (see yolor.h); else
 * YOLOR_ERR_INVALID_ARG with @err naming the net. */
yolor_status yolor_batch_check (
    yolor_net *const *nets, int n, yolor_error *err);
/* The conv of @n nets (1 ≤ n ≤ YOLOR_MAX_BATCH) on one model at one input
 * size, as one pass on the first net's threads and workspaces. */
void yolor_conv_forward_batch (
    yolor_net *const *nets, int n, const yolor_layer *l);
void yolor_maxpool_forward (yolor_net *net, const yolor_layer *l);
void yolor_batchnorm_forward (yolor_net *net, const yolor_layer *l);
void yolor_avgpool_forward (yolor_net *net, const yolor_layer *l);
void yolor_route_forward (yolor_net *net, const yolor_layer *l);
void yolor_shortcut_forward (yolor_net *net, const yolor_layer *l);
void yolor_upsample_forward (yolor_net *net, const yolor_layer *l);
void yolor_reorg_forward (yolor_net *net, const yolor_layer *l);
void yolor_dwt_forward (yolor_net *net, const yolor_layer *l);
void yolor_scale_channels_forward (yolor_net *net, const yolor_layer *l);
void yolor_channels_forward (yolor_net *net, const yolor_layer *l);

/* layers: the parse, shape and aliasing slots of each kind (see
 * yolor_layer_ops), beside its forward pass in the same file */
void yolor_conv_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_route_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_route_lhalf_parse (
    yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_from_parse (yolor_parse_ctx *c, yolor_model *m,
    yolor_layer *l); /* route.c: shortcut, *_channels */
void yolor_maxpool_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_upsample_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_reorg_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_implicit_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_batchnorm_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_yolo_parse (yolor_parse_ctx *c, yolor_model *m, yolor_layer *l);
void yolor_dropout_parse (
    yolor_parse_ctx *c, yolor_model *m, yolor_layer *l); /* identity.c */
int yolor_owns_nothing (const yolor_layer *l); /* identity.c */
int yolor_conv_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o); /* conv.c */
int yolor_route_shape (yolor_shape_ctx *ctx, const yolor_layer *l,
    yolor_tensor *o); /* route.c: route and route_lhalf */
int yolor_route_owns_buffer (const yolor_layer *l);
int yolor_shortcut_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o);
int yolor_maxpool_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o); /* pool.c */
int yolor_avgpool_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o);
int yolor_upsample_shape (yolor_shape_ctx *ctx, const yolor_layer *l,
    yolor_tensor *o); /* resample.c */
int yolor_reorg_shape (yolor_shape_ctx *ctx, const yolor_layer *l,
    yolor_tensor *o); /* reorg and dwt */
int yolor_implicit_shape (yolor_shape_ctx *ctx, const yolor_layer *l,
    yolor_tensor *o); /* implicit.c */
int yolor_channels_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o);
int yolor_channels_owns_buffer (const yolor_layer *l);
int yolor_scale_channels_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o);
int yolor_yolo_shape (
    yolor_shape_ctx *ctx, const yolor_layer *l, yolor_tensor *o); /* yolo.c */

/* layers: the load-time slots (channels, params, synthetic, fold, prepare,
 * release, constant) and the conv's batch, workspace and info slots */
void yolor_conv_channels (yolor_layer *l, const yolor_tensor *t); /* conv.c */
int yolor_conv_param_arrays (yolor_layer *l, yolor_param_array *a);
void yolor_conv_synthetic (yolor_layer *l, uint64_t *rng);
yolor_status yolor_conv_prepare_layer (
    yolor_layer *l, const yolor_prepare_ctx *ctx, size_t *bytes);
void yolor_conv_release (yolor_layer *l);
void yolor_conv_info (const yolor_layer *l, yolor_layer_info *info);
void yolor_conv_fold (
    yolor_model *m, yolor_layer *l, yolor_fold_step step); /* conv-fold.c */
int yolor_batchnorm_param_arrays (
    yolor_layer *l, yolor_param_array *a); /* batchnorm.c */
void yolor_batchnorm_synthetic (yolor_layer *l, uint64_t *rng);
void yolor_batchnorm_fold (
    yolor_model *m, yolor_layer *l, yolor_fold_step step);
/* batchnorm.c, for every batch norm of @n channels not yet folded:
 * s[o] = gamma / sqrt (var + eps) into @s, @bias (beta) becomes the shift
 * beta − mean·s, and *@gamma, *@mean, *@var are freed (NULL). The caller
 * scales its weights by s and marks itself folded. */
void yolor_bn_fold_scales (int n, float *bias, float **gamma, float **mean,
    float **var, double eps, double *s);
int yolor_implicit_param_arrays (
    yolor_layer *l, yolor_param_array *a); /* implicit.c */
void yolor_implicit_synthetic (yolor_layer *l, uint64_t *rng);
float *yolor_implicit_constant (const yolor_layer *l);
size_t yolor_conv_workspace (
    const yolor_layer *l, const yolor_tensor *t, int n_threads);
/* Winograd F(4x4,3x3) for 3x3 stride-1 dense convs with folded BN. */
int yolor_conv_winograd_ok (const yolor_layer *l);
/* The kernel conv @l runs on, as yolor_layer_info.kernel names it. */
const char *yolor_conv_kernel_name (const yolor_layer *l);
/* Packs the weights of a conv for its kernel: Winograd where the layer
 * allows it and (AUTO) it is the faster path, else the GEMM; depthwise
 * convs need nothing. With @bf16 (yolor_bf16_available () must be true)
 * packs them for the BF16 GEMM. Adds the packed bytes to *@bytes. */
typedef enum
{
  YOLOR_CONV_AUTO,
  YOLOR_CONV_GEMM,
  YOLOR_CONV_WINOGRAD
} yolor_conv_path;
yolor_status yolor_conv_prepare (
    yolor_layer *l, yolor_conv_path path, int bf16, size_t *bytes);
/* Without packing anything: the kernel yolor_conv_prepare () would choose
 * (l->winograd) and its packed bytes (l->packed_bytes, also added to
 * *@bytes). For models loaded to be inspected only. */
void yolor_conv_plan (
    yolor_layer *l, yolor_conv_path path, int bf16, size_t *bytes);

#endif /* YOLOR_PRIVATE_H */
