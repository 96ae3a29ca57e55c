/* Frame-level API: prepare for a frame size, detect (preprocess, forward,
 * decode, NMS, map back, embeddings) and the default post-processing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels.h"
#include "postprocess.h"

static yolor_resize
resolved_resize (const yolor_net *net)
{
  if (net->opts.resize != YOLOR_RESIZE_AUTO)
    return net->opts.resize;
  return net->model->rules.resize;
}

yolor_status
yolor_post_prepare (yolor_net *net, yolor_error *err)
{
  int64_t cands;
  const yolor_tensor *e;
  /* net->n_rows: counted by yolor_graph_shapes () at this input size */
  cands = (int64_t) net->n_rows * net->model->n_classes;
  if (cands > YOLOR_MAX_CANDIDATES)
    cands = YOLOR_MAX_CANDIDATES;
  net->max_cands = (int) cands;
  net->cands = yolor_malloc (sizeof (yolor_candidate) * (size_t) cands);
  net->keep = yolor_malloc (sizeof (int) * (size_t) cands);
  net->class_scores =
      yolor_calloc ((size_t) net->model->n_classes, sizeof (float));
  e = &net->t[net->model->embed_layer];
  net->embed_dim = e->c;
  net->embed =
      yolor_malloc (sizeof (float) * YOLOR_MAX_EMBEDDINGS * (size_t) e->c);
  net->n_embed = 0;
  if (!net->cands || !net->keep || !net->class_scores || !net->embed)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "out of memory");
  return YOLOR_OK;
}

yolor_status
yolor_net_prepare (
    yolor_net *net, int frame_width, int frame_height, yolor_error *err)
{
  int tw, th, nw, nh, in_w, in_h, left, top;
  yolor_status st;
  if (!net)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "net is NULL");
  if (frame_width < 1 || frame_height < 1 || frame_width > 65536
      || frame_height > 65536)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "frame size %dx%d is outside 1..65536", frame_width, frame_height);
  yolor_model_default_input (net->model, &net->opts, &tw, &th);
  if (net->model->rules.official_decode) {
    /* the official decode assumes strides 8·2^k: sizes must be multiples of
     * the largest one */
    int s = yolor_official_head_stride (net->model->n_heads - 1);
    int rw = (tw + s - 1) / s * s, rh = (th + s - 1) / s * s;
    if (rw != tw || rh != th)
      yolor_log (&net->opts, YOLOR_LOG_INFO,
          "input size %dx%d rounded up to %dx%d "
          "(a multiple of the model stride %d)",
          tw, th, rw, rh, s);
    tw = rw;
    th = rh;
  }
  net->resize = resolved_resize (net);
  if (net->resize == YOLOR_RESIZE_STRETCH) {
    in_w = tw;
    in_h = th;
    nw = tw;
    nh = th;
    left = top = 0;
  } else {
    yolor_letterbox_geometry (frame_width, frame_height, tw, th,
        net->resize == YOLOR_RESIZE_LETTERBOX_RECT, &nw, &nh, &in_w, &in_h,
        &left, &top);
  }
  st = yolor_net_prepare_input (net, in_w, in_h, err);
  if (st)
    return st;
  net->frame_w = frame_width;
  net->frame_h = frame_height;
  net->lb_w = nw;
  net->lb_h = nh;
  net->lb_left = left;
  net->lb_top = top;
  net->sx = (double) frame_width / in_w;
  net->sy = (double) frame_height / in_h;
  net->gain = fmin ((double) in_h / frame_height, (double) in_w / frame_width);
  net->pad_x = (in_w - frame_width * net->gain) / 2.0;
  net->pad_y = (in_h - frame_height * net->gain) / 2.0;
  return YOLOR_OK;
}

void
yolor_net_default_post (const yolor_net *net, yolor_post_params *post)
{
  if (!post)
    return;
  memset (post, 0, sizeof (*post));
  if (net) {
    post->conf_threshold = net->model->rules.conf_threshold;
    post->iou_threshold = net->model->rules.iou_threshold;
  } else {
    yolor_rules r;

    yolor_rules_init (YOLOR_FLAVOR_YOLOR, &r);
    post->conf_threshold = r.conf_threshold;
    post->iou_threshold = r.iou_threshold;
  }
  post->max_detections = 300;
  post->agnostic = 0;
  post->multi_label = net ? net->model->n_classes > 1 : 1;
  post->class_mask = NULL;
}

void
yolor_map_box (
    const yolor_net *net, float *x1, float *y1, float *x2, float *y2, int round)
{
  float W = (float) net->frame_w, H = (float) net->frame_h;
  float *v[4] = { x1, y1, x2, y2 };
  if (net->resize == YOLOR_RESIZE_STRETCH) {
    *x1 = (float) (*x1 * net->sx);
    *x2 = (float) (*x2 * net->sx);
    *y1 = (float) (*y1 * net->sy);
    *y2 = (float) (*y2 * net->sy);
  } else {
    float px = (float) net->pad_x, py = (float) net->pad_y;
    float g = (float) net->gain;
    *x1 = (*x1 - px) / g;
    *x2 = (*x2 - px) / g;
    *y1 = (*y1 - py) / g;
    *y2 = (*y2 - py) / g;
  }
  for (int i = 0; i < 4; i++) {
    float lim = (i % 2) ? H : W;
    float t = *v[i];
    /* NaN lands on 0: a detection is always inside the frame */
    t = t > 0.0f ? (t < lim ? t : lim) : 0.0f;
    *v[i] = round ? rintf (t) : t;
  }
}

/* Checks and preprocessing of one frame: everything before the forward
 * pass. *@post_io becomes the parameters to use (@def when NULL). */
static yolor_status
detect_begin (yolor_net *net, const yolor_image *img,
    const yolor_post_params **post_io, yolor_post_params *def,
    yolor_detection *dets, size_t capacity, size_t *n_out, yolor_error *err)
{
  const yolor_post_params *post = *post_io;

  if (n_out)
    *n_out = 0;
  if (net)
    net->n_embed = 0;
  if (!net || !net->prepared || net->frame_w == 0)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "call yolor_net_prepare() with the frame size first");
  if (!dets && capacity)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "dets is NULL");
  if (!post) {
    yolor_net_default_post (net, def);
    post = *post_io = def;
  }
  if (!(post->conf_threshold >= 0.0f) || !(post->iou_threshold >= 0.0f))
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "thresholds must be non-negative numbers");
  return yolor_preprocess (net, img, err);
}

/* Decode, NMS and embeddings of the frame the net has just run. */
static void
detect_end (yolor_net *net, const yolor_post_params *post,
    yolor_detection *dets, size_t capacity, size_t *n_out)
{
  yolor_candidate *c = net->cands;
  int n, overflow, n_keep, max_keep;

  n = yolor_decode (net, post, c, net->max_cands, &overflow);
  if (overflow)
    yolor_log (&net->opts, YOLOR_LOG_WARNING,
        "more than %d boxes passed the "
        "confidence threshold %.3g; the rest were dropped before NMS",
        net->max_cands, (double) post->conf_threshold);
  max_keep = post->max_detections > 0 ? post->max_detections : 300;
  if ((size_t) max_keep > capacity)
    max_keep = (int) capacity;
  if (net->model->rules.cfg_nms && net->model->nms_kind)
    n_keep = yolor_nms_diou (c, n, post->iou_threshold,
        net->model->nms_kind == 1 ? 0.6f : net->model->nms_beta,
        1.0f / (float) net->in_w, 1.0f / (float) net->in_h, post->agnostic,
        net->keep, max_keep);
  else
    n_keep = yolor_nms (
        c, n, post->iou_threshold, post->agnostic, net->keep, max_keep);
  yolor_embed (net, c, net->keep, n_keep);
  for (int i = 0; i < n_keep; i++) {
    const yolor_candidate *k = &c[net->keep[i]];
    yolor_detection *d = &dets[i];
    d->x1 = k->x1;
    d->y1 = k->y1;
    d->x2 = k->x2;
    d->y2 = k->y2;
    yolor_map_box (net, &d->x1, &d->y1, &d->x2, &d->y2, 0);
    d->confidence = k->score;
    d->class_id = k->cls;
    d->objectness = k->obj;
  }
  if (n_out)
    *n_out = (size_t) n_keep;
}

yolor_status
yolor_net_detect (yolor_net *net, const yolor_image *img,
    const yolor_post_params *post, yolor_detection *dets, size_t capacity,
    size_t *n_out, yolor_error *err)
{
  yolor_post_params def;
  yolor_status st;

  st = detect_begin (net, img, &post, &def, dets, capacity, n_out, err);
  if (st)
    return st;
  st = yolor_net_forward (net, err);
  if (st)
    return st;
  detect_end (net, post, dets, capacity, n_out);
  return YOLOR_OK;
}

/* The frames of a batch, for their per-frame steps. */
typedef struct
{
  yolor_batch_item *items;
  const yolor_post_params *posts[YOLOR_MAX_BATCH];
  yolor_post_params defs[YOLOR_MAX_BATCH];
  int idx[YOLOR_MAX_BATCH]; /* the frames that run, in order */
} batch_frames;

static void
begin_items (void *ctx, int lo, int hi)
{
  batch_frames *b = ctx;
  for (int k = lo; k < hi; k++) {
    yolor_batch_item *it = &b->items[k];
    b->posts[k] = it->post;
    it->status = detect_begin (it->net, it->img, &b->posts[k], &b->defs[k],
        it->dets, it->capacity, &it->n_out, &it->err);
  }
}

static void
end_items (void *ctx, int lo, int hi)
{
  batch_frames *b = ctx;
  for (int j = lo; j < hi; j++) {
    yolor_batch_item *it = &b->items[b->idx[j]];
    detect_end (
        it->net, b->posts[b->idx[j]], it->dets, it->capacity, &it->n_out);
  }
}

yolor_status
yolor_net_detect_batch (yolor_batch_item *items, int n, yolor_error *err)
{
  yolor_net *nets[YOLOR_MAX_BATCH];
  batch_frames b;
  int m = 0, first_bad = -1, nt;
  yolor_status st;

  if (!items || n < 1 || n > YOLOR_MAX_BATCH)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "a batch holds 1 to %d frames, not %d", YOLOR_MAX_BATCH, n);
  for (int k = 0; k < n; k++)
    nets[k] = items[k].net;
  st = yolor_batch_check (nets, n, err);
  if (st)
    return st;
  nt = nets[0]->n_threads;
  b.items = items;
  /* preprocessing, decode and NMS frame by frame, as the layers run */
  yolor_parallel_items (nt, n, begin_items, &b);
  for (int k = 0; k < n; k++) {
    if (items[k].status == YOLOR_OK) {
      b.idx[m] = k;
      nets[m++] = items[k].net;
    } else if (first_bad < 0) {
      first_bad = k;
    }
  }
  if (m > 0) {
    st = yolor_net_forward_batch (nets, m, err);
    for (int j = 0; st && j < m; j++) {
      items[b.idx[j]].status = st;
      if (err)
        items[b.idx[j]].err = *err;
    }
    if (st)
      return st;
  }
  yolor_parallel_items (nt, m, end_items, &b);
  if (first_bad >= 0) {
    if (err)
      *err = items[first_bad].err;
    return items[first_bad].status;
  }
  return YOLOR_OK;
}

const float *
yolor_net_embeddings (const yolor_net *net, int *dim_out)
{
  if (dim_out)
    *dim_out = net ? net->embed_dim : 0;
  return net ? net->embed : NULL;
}

size_t
yolor_net_n_embeddings (const yolor_net *net)
{
  return net ? (size_t) net->n_embed : 0;
}

const float *
yolor_net_class_scores (const yolor_net *net)
{
  return net ? net->class_scores : NULL;
}
