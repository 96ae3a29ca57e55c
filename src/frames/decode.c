/* Head decode.
 *
 * YOLOR flavour (the official PyTorch code; scale_x_y ignored):
 *   s = sigmoid(t) for every channel
 *   cx = ((2·s0 − 0.5) + x)·stride, cy likewise, w = (2·s2)²·anchor_w, …
 *   stride = 8·2^k for head k.
 * darknet flavour: xy = sigmoid(t)·scale_x_y − (scale_x_y − 1)/2 (no sigmoid
 * with new_coords), cx = (x + xy)/grid_w · net_w; w = exp(t2)·anchor_w, or
 * t2²·4·anchor_w with new_coords.
 * Candidates: obj > conf, then score = cls·obj > conf per class.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "kernels/kernels.h"
#include "postprocess.h"

typedef struct
{
  const yolor_layer *l;
  const yolor_tensor *g; /* the head's grid in this net */
  int a, y, x;
  int stride;
} row_loc;

static int
locate (const yolor_net *net, int row, row_loc *loc)
{
  for (int k = 0; k < net->model->n_heads; k++) {
    const yolor_layer *l = &net->layers[net->model->heads[k]];
    const yolor_tensor *g = &net->t[l->index];
    int n = l->yolo.n_mask * g->h * g->w;
    if (row < n) {
      loc->l = l;
      loc->g = g;
      loc->a = row / (g->h * g->w);
      loc->y = (row / g->w) % g->h;
      loc->x = row % g->w;
      loc->stride = yolor_official_head_stride (k);
      return 1;
    }
    row -= n;
  }
  return 0;
}

static inline float
act_dn (const yolor_layer *l, float t)
{
  return l->yolo.new_coords ? t : yolor_sigmoid (t);
}

/* Objectness or class probability from its raw value: always a sigmoid for
 * YOLOR; for darknet none with new_coords (the conv applied it). Always in
 * [0, 1], NaN read as 0, whatever the weights. */
static inline float
prob (const yolor_net *net, const yolor_layer *l, float t)
{
  float p =
      net->model->rules.official_decode ? yolor_sigmoid (t) : act_dn (l, t);
  return p > 0.0f ? (p < 1.0f ? p : 1.0f) : 0.0f;
}

/* Appends one candidate unless @out is full (then flags the overflow). */
static inline void
emit (yolor_candidate *out, int cap, int *n, int *seq, int *overflow,
    float score, float obj, int cls, int row)
{
  if (*n >= cap) {
    *overflow = 1;
    return;
  }
  out[*n].score = score;
  out[*n].obj = obj;
  out[*n].cls = cls;
  out[*n].seq = (*seq)++;
  out[*n].row = row;
  (*n)++;
}

/* Box of one location into b[4] = cx, cy, w, h (network pixels). */
static void
decode_box (const yolor_net *net, const yolor_layer *l, const yolor_tensor *g,
    const float *t, size_t plane, int a, int y, int x, int stride, float *b)
{
  if (net->model->rules.official_decode) {
    float st = (float) stride;
    float s0 = yolor_sigmoid (t[0]), s1 = yolor_sigmoid (t[plane]);
    float s2 = yolor_sigmoid (t[2 * plane]), s3 = yolor_sigmoid (t[3 * plane]);
    float w2 = s2 * 2.0f, h2 = s3 * 2.0f;
    b[0] = ((s0 * 2.0f - 0.5f) + (float) x) * st;
    b[1] = ((s1 * 2.0f - 0.5f) + (float) y) * st;
    if (net->model->rules.anchor_px) {
      b[2] = w2 * w2 * l->yolo.anchors[2 * a];
      b[3] = h2 * h2 * l->yolo.anchors[2 * a + 1];
    } else {
      b[2] = w2 * w2 * (l->yolo.anchors[2 * a] / st) * st;
      b[3] = h2 * h2 * (l->yolo.anchors[2 * a + 1] / st) * st;
    }
  } else {
    float sxy = l->yolo.scale_x_y;
    float xs = act_dn (l, t[0]) * sxy - 0.5f * (sxy - 1.0f);
    float ys = act_dn (l, t[plane]) * sxy - 0.5f * (sxy - 1.0f);
    float tw = t[2 * plane], th = t[3 * plane];
    b[0] = ((float) x + xs) / (float) g->w * (float) net->in_w;
    b[1] = ((float) y + ys) / (float) g->h * (float) net->in_h;
    if (l->yolo.new_coords) {
      b[2] = tw * tw * 4.0f * l->yolo.anchors[2 * a];
      b[3] = th * th * 4.0f * l->yolo.anchors[2 * a + 1];
    } else {
      b[2] = expf (tw) * l->yolo.anchors[2 * a];
      b[3] = expf (th) * l->yolo.anchors[2 * a + 1];
    }
  }
}

void
yolor_decode_row (const yolor_net *net, int row, float *out)
{
  row_loc loc;
  const yolor_layer *l;
  size_t plane;
  const float *t;
  int no;
  if (!locate (net, row, &loc))
    return;
  l = loc.l;
  no = 5 + l->yolo.classes;
  plane = (size_t) loc.g->h * loc.g->w;
  t = loc.g->out + (size_t) loc.a * no * plane + (size_t) loc.y * loc.g->w
      + loc.x;
  decode_box (net, l, loc.g, t, plane, loc.a, loc.y, loc.x, loc.stride, out);
  for (int j = 4; j < no; j++)
    out[j] = prob (net, l, t[j * plane]);
}

int
yolor_decode (yolor_net *net, const yolor_post_params *post,
    yolor_candidate *out, int cap, int *overflow)
{
  int n = 0, seq = 0, row0 = 0;
  float conf = post->conf_threshold;
  float floor_obj = conf < 0.001f ? conf : 0.001f;

  *overflow = 0;
  for (int c = 0; c < net->model->n_classes; c++)
    net->class_scores[c] = 0.0f;

  for (int k = 0; k < net->model->n_heads; k++) {
    const yolor_layer *l = &net->layers[net->model->heads[k]];
    const yolor_tensor *g = &net->t[l->index];
    int no = 5 + l->yolo.classes;
    size_t plane = (size_t) g->h * g->w;
    for (int a = 0; a < l->yolo.n_mask; a++) {
      const float *ta = g->out + (size_t) a * no * plane;
      for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
          size_t p = (size_t) y * g->w + x;
          const float *t = ta + p;
          float obj = prob (net, l, t[4 * plane]);
          int best = -1;
          float best_s = 0.0f;
          int row = row0 + (int) ((size_t) a * plane + p);
          if (!(obj > floor_obj))
            continue;
          for (int c = 0; c < l->yolo.classes; c++) {
            float s = prob (net, l, t[(5 + c) * plane]) * obj;
            if (s > net->class_scores[c])
              net->class_scores[c] = s;
            if (!(obj > conf) || !(s > conf))
              continue;
            if (post->class_mask && !post->class_mask[c])
              continue;
            if (!post->multi_label) {
              if (best < 0 || s > best_s) {
                best = c;
                best_s = s;
              }
              continue;
            }
            emit (out, cap, &n, &seq, overflow, s, obj, c, row);
          }
          if (!post->multi_label && best >= 0)
            emit (out, cap, &n, &seq, overflow, best_s, obj, best, row);
        }
    }
    row0 += l->yolo.n_mask * (int) plane;
  }

  /* boxes: one decode per row (rows repeat for multi-label) */
  for (int i = 0; i < n; i++) {
    float b[4];
    row_loc loc = { 0 };
    if (i > 0 && out[i].row == out[i - 1].row) {
      out[i].x1 = out[i - 1].x1;
      out[i].y1 = out[i - 1].y1;
      out[i].x2 = out[i - 1].x2;
      out[i].y2 = out[i - 1].y2;
      continue;
    }
    if (!locate (net, out[i].row, &loc))
      continue;
    {
      const yolor_layer *l = loc.l;
      const yolor_tensor *g = loc.g;
      int no = 5 + l->yolo.classes;
      size_t plane = (size_t) g->h * g->w;
      const float *t =
          g->out + (size_t) loc.a * no * plane + (size_t) loc.y * g->w + loc.x;
      decode_box (net, l, g, t, plane, loc.a, loc.y, loc.x, loc.stride, b);
    }
    out[i].x1 = b[0] - b[2] / 2.0f;
    out[i].y1 = b[1] - b[3] / 2.0f;
    out[i].x2 = b[0] + b[2] / 2.0f;
    out[i].y2 = b[1] + b[3] / 2.0f;
  }

  /* absurd weights can make a box infinite or NaN: drop it (the scores
   * are probabilities, finite by construction) */
  {
    int m = 0;
    for (int i = 0; i < n; i++)
      if (isfinite (out[i].x1) && isfinite (out[i].y1) && isfinite (out[i].x2)
          && isfinite (out[i].y2))
        out[m++] = out[i];
    n = m;
  }
  return n;
}
