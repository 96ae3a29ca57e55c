/* libyolor — YOLOR and darknet-family object detection on the CPU.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tutorial
 * --------
 *
 *   yolor_options opts;
 *   yolor_error err;
 *   yolor_net *net = NULL;
 *
 *   yolor_options_init (&opts);
 *   opts.n_threads = 2;
 *   if (yolor_net_load ("yolo-fastest-1.1-xl.cfg", NULL, &opts, &net, &err))
 *     fail (err.msg);                    // names the file (and line)
 *
 *   // Allocate every buffer for frames of this size (call again on a new
 *   // size). yolor_net_detect() never allocates.
 *   yolor_net_prepare (net, 1920, 1080, &err);
 *
 *   yolor_image img = { YOLOR_PIXFMT_NV12, 1920, 1080,
 *                       { y_plane, uv_plane }, { y_stride, uv_stride } };
 *   yolor_post_params post;
 *   yolor_detection dets[300];
 *   size_t n;
 *   yolor_net_default_post (net, &post);
 *   yolor_net_detect (net, &img, &post, dets, 300, &n, &err);
 *   // dets[0..n) are in frame pixels, best first.
 *   yolor_net_free (net);
 *
 * Many streams, one model: load the weights once with yolor_model_load()
 * and give every stream its own net with yolor_net_new(). A net holds only
 * what one stream needs (activations at its input size, workspaces,
 * letterbox geometry, post-processing buffers); the model is read-only
 * after loading.
 *
 * Threading: a yolor_model may be shared by any number of nets in any
 * threads. A yolor_net is not reentrant; use one per thread / stream.
 * n_threads is per net; nothing here changes process-global thread state
 * except where yolor_options.n_threads documents it.
 *
 * Ownership words used below: *borrowed* = valid for the duration of the
 * call only; *retained* = must stay valid as long as stated; *transferred* =
 * the receiver frees it with the named function.
 */
#ifndef YOLOR_YOLOR_H
#define YOLOR_YOLOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(YOLOR_BUILDING) && defined(__GNUC__)
#define YOLOR_API __attribute__ ((visibility ("default")))
#else
#define YOLOR_API
#endif

#define YOLOR_VERSION_MAJOR 0
#define YOLOR_VERSION_MINOR 1
#define YOLOR_VERSION_MICRO 0

/* Status codes. Every function that can fail returns one. */
typedef enum yolor_status
{
  YOLOR_OK = 0,
  YOLOR_ERR_INVALID_ARG, /* a caller bug: NULL, bad size, bad enum */
  YOLOR_ERR_NO_MEMORY,
  YOLOR_ERR_IO, /* file missing/unreadable, truncated weights */
  YOLOR_ERR_PARSE, /* malformed cfg; message names file:line */
  YOLOR_ERR_UNSUPPORTED, /* well-formed but unknown layer/option */
  YOLOR_ERR_SHAPE, /* sizes that do not fit together */
  YOLOR_ERR_INTERNAL
} yolor_status;

/* Caller-owned error record (optional everywhere: pass NULL to ignore).
 * Filled on failure only. No heap, no globals. */
typedef struct yolor_error
{
  yolor_status code;
  char msg[512];
} yolor_error;

/* Returns: a static string naming @status. */
YOLOR_API const char *yolor_status_str (yolor_status status);

/* Which code's conventions the model follows. They differ in decode
 * (YOLOR: (2σ−0.5+grid)·stride, (2σ)²·anchor, scale_x_y ignored; darknet:
 * scale_x_y, exp() for w/h unless new_coords), BN epsilon (1e-4 / 1e-5),
 * maxpool padding (zero/−inf for k=2,s=1), reorg order, shortcut activation,
 * the default input preprocessing and the default NMS IoU.
 * YOLOR_PAPER is the YOLOR repository's paper branch (its YAML models, as
 * tools/yolor-convert --yaml writes them): YOLOR's rules with BN epsilon
 * 1e-3, boxes (2σ)² times the anchor in pixels, and NMS defaults conf 0.25,
 * IoU 0.45.
 * AUTO takes the cfg's [net] flavor= (yolor, darknet or yolor-paper) when
 * it has one; else YOLOR when the cfg uses a layer or activation only the
 * YOLOR code defines (implicit_*, *_channels, route_lhalf, dwt, silu, reorg
 * without keys on the network input), DARKNET otherwise. */
typedef enum yolor_flavor
{
  YOLOR_FLAVOR_AUTO = 0,
  YOLOR_FLAVOR_YOLOR,
  YOLOR_FLAVOR_DARKNET,
  YOLOR_FLAVOR_YOLOR_PAPER
} yolor_flavor;

/* Returns: a static string naming @flavor as the cfg's [net] flavor= and
 * the CLI's --flavor spell it: "auto", "yolor", "darknet", "yolor-paper". */
YOLOR_API const char *yolor_flavor_name (yolor_flavor flavor);

/* Sets *@flavor_out to the flavour @name spells (as yolor_flavor_name ()
 * gives). Returns: 1, or 0 (and leaves *@flavor_out) for any other string. */
YOLOR_API int yolor_flavor_parse (const char *name, yolor_flavor *flavor_out);

/* How a frame becomes the network input. */
typedef enum yolor_resize
{
  YOLOR_RESIZE_AUTO = 0, /* YOLOR flavour: LETTERBOX; darknet: STRETCH */
  YOLOR_RESIZE_STRETCH, /* darknet's plain bilinear resize */
  YOLOR_RESIZE_LETTERBOX, /* keep ratio, grey 114, square net input */
  YOLOR_RESIZE_LETTERBOX_RECT /* keep ratio, pad only to a multiple of 64
                                 * (official detect.py auto=True) */
} yolor_resize;

typedef enum yolor_log_level
{
  YOLOR_LOG_ERROR = 0,
  YOLOR_LOG_WARNING,
  YOLOR_LOG_INFO,
  YOLOR_LOG_DEBUG
} yolor_log_level;

/* @msg is borrowed. Called from the thread that called into the library. */
typedef void (*yolor_log_fn) (
    void *user_data, yolor_log_level level, const char *msg);

/* The arithmetic of the convolutions. */
typedef enum yolor_precision
{
  YOLOR_PRECISION_FP32 = 0,
  /* The GEMM's and Winograd's products with BF16 weights and activations
   * (rounded to nearest even) and FP32 accumulation; everything else (bias,
   * activations, depthwise convs, decode, NMS) stays FP32. Needs a CPU with
   * avx512_bf16 (yolor_precision_available); elsewhere the model loads in
   * FP32 and says so through the log (warning). */
  YOLOR_PRECISION_BF16
} yolor_precision;

typedef struct yolor_options
{
  int n_threads; /* 0: all online cores. The most threads
                                 * of the process's pool the kernels use
                                 * (the calling thread is one of them). */
  yolor_flavor flavor;
  int fold; /* 1 (default): fold BN and implicit layers
                                 * into convolutions at load. 0: run the
                                 * graph as written (for verification). */
  int input_width; /* 0: default (cfg [net] for darknet, 640 /
                                 * 1280 for YOLOR P5 / P6 models) */
  int input_height;
  yolor_resize resize;
  int keep_layer_outputs; /* 1: every layer output stays readable after
                                 * a forward pass (costs memory; debugging) */
  int embedding_layer; /* -1 (default): see yolor_net_embedding_layer */
  int profile; /* 1: time every layer of every forward pass
                                 * (yolor_layer_info.time_ms) */
  int exact_conv; /* 1: no Winograd; every conv as a plain
                                 * GEMM (slower, slightly less rounding) */
  yolor_precision precision; /* FP32 (default) or BF16 */
  int inspect; /* 1: load to look at the model only (yolor info):
                * shapes, parameters, the kernel each conv would run and
                * yolor_model_param_bytes () as a running model would hold
                * them, without packing the weights for the kernels (the
                * bulk of loading a large model); a forward pass is then
                * refused */
  yolor_log_fn log; /* NULL: messages are dropped */
  void *log_user_data; /* retained: as long as the net */
} yolor_options;

/* Fills @opts (borrowed) with the defaults. */
YOLOR_API void yolor_options_init (yolor_options *opts);

/* Pixel formats accepted straight from video frames. Packed formats use
 * planes[0]; NV12 uses planes[0] (Y) and planes[1] (interleaved UV); I420
 * uses planes[0..2] (Y, U, V). Strides are in bytes. */
typedef enum yolor_pixfmt
{
  YOLOR_PIXFMT_RGB = 0,
  YOLOR_PIXFMT_BGR,
  YOLOR_PIXFMT_RGBX,
  YOLOR_PIXFMT_BGRX,
  YOLOR_PIXFMT_XRGB,
  YOLOR_PIXFMT_XBGR,
  YOLOR_PIXFMT_RGBA,
  YOLOR_PIXFMT_BGRA,
  YOLOR_PIXFMT_NV12,
  YOLOR_PIXFMT_I420,
  YOLOR_PIXFMT_COUNT
} yolor_pixfmt;

/* YUV → RGB matrix for NV12/I420 frames. AUTO follows GStreamer's default
 * colorimetry: BT.709 for frames at least 720 rows high, BT.601 below;
 * both limited range (16–235). */
typedef enum yolor_yuv_matrix
{
  YOLOR_YUV_AUTO = 0,
  YOLOR_YUV_BT601,
  YOLOR_YUV_BT709,
  YOLOR_YUV_BT601_FULL,
  YOLOR_YUV_BT709_FULL
} yolor_yuv_matrix;

/* A borrowed frame: the library never keeps a pointer to it after return. */
typedef struct yolor_image
{
  yolor_pixfmt format;
  int width;
  int height;
  const uint8_t *planes[3];
  int strides[3];
  yolor_yuv_matrix matrix; /* YUV formats only; 0 = AUTO */
} yolor_image;

/* One detection. Box corners in frame pixels, clamped to [0, width] x
 * [0, height]. */
typedef struct yolor_detection
{
  float x1, y1, x2, y2;
  float confidence; /* objectness × class probability */
  float objectness;
  int class_id;
} yolor_detection;

/* Post-processing, per call (so thresholds can change on every frame). */
typedef struct yolor_post_params
{
  float conf_threshold; /* keep obj > t and obj·cls > t */
  float iou_threshold; /* suppress when IoU > t */
  int max_detections; /* after NMS; official: 300 */
  int agnostic; /* 1: NMS across classes */
  int multi_label; /* 1: a box may be reported once per class
                                 * above the threshold (official for nc > 1) */
  const uint8_t *class_mask; /* borrowed; NULL or n_classes bytes, nonzero
                                 * = keep. Applied before NMS. */
} yolor_post_params;

typedef struct yolor_net yolor_net;

/* Loads a darknet-style @cfg_path and its weights. @weights_path NULL means
 * the cfg's path with ".cfg" replaced by ".weights". @opts borrowed (NULL =
 * defaults). On success *@net_out is transferred: free it with
 * yolor_net_free().
 * Returns: YOLOR_OK, _IO (missing file, not a regular file, wrong weights
 * size — the message states the bytes expected and found —, a NaN or
 * infinite weight — the message names the layer and its cfg line), _PARSE
 * (file:line; also text that is not UTF-8), _UNSUPPORTED, _SHAPE (sizes
 * that do not fit together or in an int: names the layer), _NO_MEMORY,
 * _INVALID_ARG. */
YOLOR_API yolor_status yolor_net_load (const char *cfg_path,
    const char *weights_path, const yolor_options *opts, yolor_net **net_out,
    yolor_error *err);

/* The default model: Yolo-Fastest-1.1-xl, the one the elements and the
 * command-line tool run when given none. */
#define YOLOR_DEFAULT_MODEL "yolo-fastest-1.1-xl"

/* Where the default model's cfg is: "yolo-fastest-1.1-xl/
 * yolo-fastest-1.1-xl.cfg" or "yolo-fastest-1.1-xl.cfg" in the first of
 * $YOLOR_MODEL_DIR, $YOLOR_SHARED_DIR/models and the models folder this
 * build was configured with (meson option shared_dir) that has one; its
 * weights are beside it.
 * Returns: a newly allocated path (transferred: free()), or NULL when none
 * of the folders has it (or out of memory). */
YOLOR_API char *yolor_default_model_path (void);

/* The weights beside @cfg_path (borrowed): its path with ".cfg" replaced by
 * ".weights" (appended when it does not end in ".cfg").
 * Returns: a newly allocated path (transferred: free()), NULL when out of
 * memory. */
YOLOR_API char *yolor_weights_path (const char *cfg_path);

/* The class names of a model of @n_classes classes with cfg @cfg_path
 * (borrowed, may be NULL): from @names_file (borrowed) when it is given,
 * else from the first of "<cfg stem>.names", "coco.names" beside the cfg
 * and "../coco.names" that exists; one name per line, surrounding blanks
 * and the CR of CRLF dropped, UTF-8. Classes the file has no line for are
 * named by COCO when no file was found and the model has 80 classes
 * (yolor_coco_name()), else "classN".
 * On success *@names_out is @n_classes strings and a NULL (transferred:
 * yolor_names_free()), *@file_out the file read or NULL (transferred:
 * free(); may be NULL), *@n_lines_out its number of names or -1 without a
 * file (may be NULL: compare with @n_classes to warn).
 * Returns: YOLOR_OK, _IO (a file that cannot be read: named), _PARSE (not
 * UTF-8: file:line), _NO_MEMORY, _INVALID_ARG (@n_classes < 0). */
YOLOR_API yolor_status yolor_names_load (const char *cfg_path,
    const char *names_file, int n_classes, char ***names_out, char **file_out,
    int *n_lines_out, yolor_error *err);

/* Frees what yolor_names_load() gave. NULL is a no-op. */
YOLOR_API void yolor_names_free (char **names);

/* Largest network input side the size grammar accepts. */
#define YOLOR_MAX_INPUT_SIDE 8192

/* A network input size: "N" (square) or "WxH" ("WXH"), each side 1 …
 * YOLOR_MAX_INPUT_SIDE, into *@width_out and *@height_out.
 * Returns: 0, or -1 (outputs left alone) for anything else. */
YOLOR_API int yolor_size_parse (
    const char *spec, int *width_out, int *height_out);

/* "auto", "stretch", "letterbox" or "rect" (static), and back: 0 on
 * success (also for "letterbox-rect", the element's name of "rect"), -1 for
 * another name. */
YOLOR_API const char *yolor_resize_name (yolor_resize resize);
YOLOR_API int yolor_resize_parse (const char *name, yolor_resize *out);

/* As yolor_net_load(), but fills every parameter with deterministic synthetic
 * values from @seed (for measuring architectures without weight files). */
YOLOR_API yolor_status yolor_net_load_synthetic (const char *cfg_path,
    uint32_t seed, const yolor_options *opts, yolor_net **net_out,
    yolor_error *err);

/* Frees the net and drops its model reference. NULL is a no-op. */
YOLOR_API void yolor_net_free (yolor_net *net);

/* A loaded model (layers, folded and packed weights), shareable between
 * nets. Reference counted. */
typedef struct yolor_model yolor_model;

/* Loads @cfg_path and its weights as yolor_net_load() does, without
 * preparing for any input. Of @opts (borrowed, NULL = defaults) it uses
 * flavor, fold, exact_conv, embedding_layer and log (called only during
 * this call: a model logs nothing later); nets made from it choose the
 * rest. On success
 * *@model_out holds one reference (transferred: yolor_model_unref()).
 * Returns: as yolor_net_load(). */
YOLOR_API yolor_status yolor_model_load (const char *cfg_path,
    const char *weights_path, const yolor_options *opts,
    yolor_model **model_out, yolor_error *err);

/* As yolor_model_load() with deterministic synthetic parameters. */
YOLOR_API yolor_status yolor_model_load_synthetic (const char *cfg_path,
    uint32_t seed, const yolor_options *opts, yolor_model **model_out,
    yolor_error *err);

/* Adds a reference to @model and returns it. Thread-safe. */
YOLOR_API yolor_model *yolor_model_ref (yolor_model *model);

/* Drops a reference; the last one frees the model. NULL is a no-op.
 * Thread-safe. */
YOLOR_API void yolor_model_unref (yolor_model *model);

/* Bytes of parameters the model holds (weights, biases, packed copies). */
YOLOR_API size_t yolor_model_param_bytes (const yolor_model *model);

/* The precision @model's convolutions run in: what was asked, or FP32 when
 * BF16 was asked on a CPU without it. */
YOLOR_API yolor_precision yolor_model_precision (const yolor_model *model);

/* A new net on @model (borrowed; the net takes its own reference). Of
 * @opts (borrowed, NULL = defaults) it uses n_threads, input_width,
 * input_height, resize, keep_layer_outputs, profile and log; the others
 * are the model's. Checks the input size as yolor_net_load() does.
 * On success *@net_out is transferred: yolor_net_free(). */
YOLOR_API yolor_status yolor_net_new (yolor_model *model,
    const yolor_options *opts, yolor_net **net_out, yolor_error *err);

/* The model @net runs (owned by the net; yolor_model_ref() to keep it). */
YOLOR_API yolor_model *yolor_net_model (const yolor_net *net);

/* Allocates every buffer needed to detect on frames of @frame_width ×
 * @frame_height (the network input size follows from the options and, for
 * LETTERBOX_RECT, from the frame's aspect). Call again when the frame size
 * changes. */
YOLOR_API yolor_status yolor_net_prepare (
    yolor_net *net, int frame_width, int frame_height, yolor_error *err);

/* Fills @post (borrowed) with the model's defaults: YOLOR flavour conf 0.4,
 * IoU 0.5 (official detect.py); darknet conf 0.25, IoU 0.45 (darknet
 * detector test); max 300, class-aware, multi-label when n_classes > 1. */
YOLOR_API void yolor_net_default_post (
    const yolor_net *net, yolor_post_params *post);

/* Runs preprocessing, the network, decode and NMS on @img (borrowed; its size
 * must be the prepared one). Writes up to @capacity detections, best first,
 * to @dets and their count to *@n_out. Allocates nothing. Whatever the
 * weights, every value written is finite (boxes whose decode is not are
 * dropped) and every box lies in the frame. */
YOLOR_API yolor_status yolor_net_detect (yolor_net *net, const yolor_image *img,
    const yolor_post_params *post, yolor_detection *dets, size_t capacity,
    size_t *n_out, yolor_error *err);

/* ---- Batches: frames of several streams as one forward pass ----
 *
 * Nets made from one model and prepared for the same network input size
 * can run their frames together. With at least as many frames as the first
 * net's n_threads, each thread takes whole frames through every layer, one
 * at a time as it finishes the last (no thread waits for another inside the
 * pass, so every layer kind scales with the threads, and a thread that lost
 * its core takes fewer frames). Frames left over (fewer than the threads)
 * run layer by layer on every thread: a GEMM or Winograd conv is one
 * product over all their activations. Preprocessing, decode and NMS are
 * shared out the same way. Results are bit for bit those of one frame at a
 * time. The batch runs on the first net's n_threads; whole frames use
 * their own net's workspaces, left-over ones the first net's. Every net
 * keeps its own activations, detections and embeddings. */

/* Most nets in one batch. */
#define YOLOR_MAX_BATCH 32

/* One frame of a batch: what yolor_net_detect() takes, and what it gives. */
typedef struct yolor_batch_item
{
  yolor_net *net; /* borrowed: prepared for img's size */
  const yolor_image *img; /* borrowed */
  const yolor_post_params *post; /* borrowed; NULL: yolor_net_default_post */
  yolor_detection *dets; /* borrowed: capacity entries */
  size_t capacity;
  size_t n_out; /* written: detections in dets */
  yolor_status status; /* written: this frame's outcome */
  yolor_error err; /* written when status is not YOLOR_OK */
} yolor_batch_item;

/* yolor_net_detect() on @n items (1 to YOLOR_MAX_BATCH) whose nets share a
 * model and a network input size, as one forward pass. An item that cannot
 * run (its image does not match its net, bad thresholds) gets its own
 * status and error and the others run without it. Returns: YOLOR_OK when
 * every item did; YOLOR_ERR_INVALID_ARG with @err set when the nets cannot
 * be batched (another model or input size, keep_layer_outputs set in some
 * nets only, a net twice, no net), nothing
 * run; else the status of the first item that failed. Allocates nothing. */
YOLOR_API yolor_status yolor_net_detect_batch (
    yolor_batch_item *items, int n, yolor_error *err);

/* Embeddings are kept for at most this many detections of a frame. */
#define YOLOR_MAX_EMBEDDINGS 1024

/* Per-object embeddings of the last yolor_net_detect():
 * yolor_net_n_embeddings() rows of *@dim_out floats, row i belonging to
 * dets[i]: the first min(*n_out, YOLOR_MAX_EMBEDDINGS) detections have one,
 * later ones none. Each row is L2-normalised, average-pooled over the
 * detection box on the embedding layer's feature map. Owned by the net,
 * valid until the next detect/prepare. */
YOLOR_API const float *yolor_net_embeddings (
    const yolor_net *net, int *dim_out);

/* Number of rows yolor_net_embeddings() holds: min(*n_out of the last
 * successful yolor_net_detect(), YOLOR_MAX_EMBEDDINGS); 0 after prepare and
 * after a failed detect. */
YOLOR_API size_t yolor_net_n_embeddings (const yolor_net *net);

/* Image-level multi-label score per class from the last detect: for each
 * class the highest obj·cls over every candidate box. n_classes floats,
 * owned by the net. */
YOLOR_API const float *yolor_net_class_scores (const yolor_net *net);

/* The layer whose output the embeddings pool. Default: the feature map that
 * enters the last k>1 convolution of the first (highest-resolution) head. */
YOLOR_API int yolor_net_embedding_layer (const yolor_net *net);

/* Model facts. */
YOLOR_API int yolor_net_n_classes (const yolor_net *net);
YOLOR_API yolor_flavor yolor_net_flavor (const yolor_net *net);
YOLOR_API int yolor_net_n_layers (const yolor_net *net);
YOLOR_API int yolor_net_max_stride (const yolor_net *net);
/* Network input size after prepare (or the default before). */
YOLOR_API void yolor_net_input_size (
    const yolor_net *net, int *width_out, int *height_out);
/* Parameter count as stored (before folding) and multiply-accumulates of one
 * forward pass at the prepared input size (or the default). */
YOLOR_API int64_t yolor_net_n_params (const yolor_net *net);
YOLOR_API double yolor_net_gmacs (const yolor_net *net);

/* ---- Lower level: run the network on a tensor you made yourself ---- */

/* Allocates for a network input of exactly @width × @height. A size the
 * model cannot take is YOLOR_ERR_INVALID_ARG with a message that stands on
 * its own, e.g. "input 33x17: this model needs width and height multiples
 * of 32 (e.g. 64x32)": YOLOR models need multiples of their largest stride
 * (yolor_net_max_stride()), darknet models whatever their layers can join.
 * On failure the net is left unprepared. */
YOLOR_API yolor_status yolor_net_prepare_input (
    yolor_net *net, int width, int height, yolor_error *err);

/* The planar float RGB input tensor [3][h][w] to fill before
 * yolor_net_forward(). Owned by the net; valid until the next prepare. */
YOLOR_API float *yolor_net_input (yolor_net *net);

/* Runs the layers on yolor_net_input(). Allocates nothing. */
YOLOR_API yolor_status yolor_net_forward (yolor_net *net, yolor_error *err);

/* yolor_net_forward() of @n nets (1 to YOLOR_MAX_BATCH; see "Batches"
 * above) on their own inputs, as one pass. */
YOLOR_API yolor_status yolor_net_forward_batch (
    yolor_net *const *nets, int n, yolor_error *err);

/* Number of [yolo] layers and the raw tensor entering head @k after a
 * forward, NCHW [na·(5+nc)][h][w]. Owned by the net. */
YOLOR_API int yolor_net_n_heads (const yolor_net *net);
YOLOR_API const float *yolor_net_head (
    const yolor_net *net, int k, int *c_out, int *h_out, int *w_out);

/* Output of layer @i after a forward when keep_layer_outputs was set (NULL
 * otherwise). Implicit layers give their parameter; yolo layers their input
 * unchanged. */
YOLOR_API const float *yolor_net_layer_output (
    const yolor_net *net, int i, int *c_out, int *h_out, int *w_out);

/* Type name of layer @i as written in the cfg, e.g. "convolutional". */
YOLOR_API const char *yolor_net_layer_type (const yolor_net *net, int i);

/* The values an implicit layer @i holds (implicit_add/mul/cat and their _2d
 * forms, atom-major; and, in a folded model, a conv of one, computed at
 * load): *@n_out floats, the same for every frame, borrowed from the model.
 * NULL (and *@n_out 0) when layer @i is not an implicit layer. */
YOLOR_API const float *yolor_net_implicit_values (
    const yolor_net *net, int i, int *n_out);

/* What `yolor info` prints about one layer. */
typedef struct yolor_layer_info
{
  const char *type; /* static string, cfg spelling */
  int cfg_line; /* line of the [section] in the cfg */
  int c, h, w; /* output shape at the prepared input size
                                 * (or the default size before prepare) */
  int n_inputs;
  int inputs[8]; /* absolute layer indices, -1 = net input */
  int filters, size, stride, groups; /* convolutions; 0 otherwise */
  const char *activation; /* convolutions; NULL otherwise */
  int64_t n_params; /* as stored in the weights (before folding) */
  double macs; /* multiply-accumulates per forward */
  double time_ms; /* last forward, when opts.profile was set */
  int folded_away; /* 1: merged into another layer at load */
  const char *kernel; /* static string, convolutions: "winograd",
                                 * "gemm" (1x1, the input as it is), "im2col"
                                 * (the GEMM gathering its input) or
                                 * "depthwise"; "in its input" for a
                                 * [shortcut] its input conv computes
                                 * (nothing left to run); NULL otherwise */
} yolor_layer_info;

/* Fills @info_out (borrowed) for layer @i. */
YOLOR_API yolor_status yolor_net_layer_info (
    const yolor_net *net, int i, yolor_layer_info *info_out);

/* The name of COCO class @class_id in darknet's 80-class order and spelling
 * (static), or NULL outside 0 … 79: the labels of an 80-class model that
 * has no names file. */
YOLOR_API const char *yolor_coco_name (int class_id);

/* Version string "MAJOR.MINOR.MICRO" (static). */
YOLOR_API const char *yolor_version (void);

/* The compute kernels this CPU runs (static): "avx512", "avx2" or
 * "generic"; the environment variable YOLOR_KERNELS can cap the choice. */
YOLOR_API const char *yolor_kernels (void);

/* 1 if this CPU runs @precision (FP32 always; BF16 with the AVX-512 kernels
 * and avx512_bf16), else 0. */
YOLOR_API int yolor_precision_available (yolor_precision precision);

/* "fp32" or "bf16" (static), and back: 0 on success, -1 for another name. */
YOLOR_API const char *yolor_precision_name (yolor_precision precision);
YOLOR_API int yolor_precision_parse (const char *name, yolor_precision *out);

#ifdef __cplusplus
}
#endif
#endif /* YOLOR_YOLOR_H */
