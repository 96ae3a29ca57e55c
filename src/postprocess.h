/* Pre- and post-processing internals: letterbox geometry, frame → tensor,
 * head decode, NMS, mapping back, embeddings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_POSTPROCESS_H
#define YOLOR_POSTPROCESS_H

#include "yolor-private.h"

/* A (box, class) pair before NMS. Box in network-input pixels. */
typedef struct yolor_candidate
{
  float x1, y1, x2, y2;
  float score;
  float obj;
  int cls;
  int seq; /* emission order, the stable tie-break */
  int row; /* decoded row (head offset + (a·gh+y)·gw+x) */
} yolor_candidate;

/* Letterbox geometry as the official letterbox(): r = min(S_h/H0, S_w/W0),
 * new size rounded half-to-even, padding split floor/ceil; @rect pads only
 * to a multiple of 64 (detect.py auto=True). */
void yolor_letterbox_geometry (int frame_w, int frame_h, int target_w,
    int target_h, int rect, int *new_w, int *new_h, int *in_w, int *in_h,
    int *left, int *top);

/* Bytes per pixel of plane 0 of @f (1 for the YUV formats' luma). */
int yolor_pixfmt_bytes_per_pixel (yolor_pixfmt f);

/* Fills net->input from @img (borrowed) with the net's resize mode;
 * net->pre_cols holds yolor_preprocess_table_bytes (net->in_w) bytes. */
size_t yolor_preprocess_table_bytes (int in_w);
yolor_status yolor_preprocess (
    yolor_net *net, const yolor_image *img, yolor_error *err);

/* Allocates the post-processing buffers for the prepared input size. */
yolor_status yolor_post_prepare (yolor_net *net, yolor_error *err);

/* Decodes every head into candidates with obj > conf and obj·cls > conf
 * (every class when multi_label, else the best). Also updates
 * net->class_scores. Returns the number written to @out (≤ @cap); *@overflow
 * is set when more passed. */
int yolor_decode (yolor_net *net, const yolor_post_params *post,
    yolor_candidate *out, int cap, int *overflow);

/* Decodes one row to (cx, cy, w, h, obj, cls...) in network pixels, as the
 * official code's decoded tensor (for tests). @row over all heads. */
void yolor_decode_row (const yolor_net *net, int row, float *out);

/* Greedy NMS over @c[0..n) (sorted in place by score, stable): writes the
 * indices of the kept candidates to @keep, at most @max_keep. Returns the
 * count. */
int yolor_nms (yolor_candidate *c, int n, float iou_threshold, int agnostic,
    int *keep, int max_keep);

/* darknet's NMS for nms_kind=greedynms (DIoU, exponent 0.6) or diounms
 * (DIoU, exponent @beta): per class, suppress when IoU − (d²/c²)^β > t,
 * with centre distance d and enclosing-box diagonal c measured in
 * coordinates relative to the network input (@sx = 1/in_w, @sy = 1/in_h). */
int yolor_nms_diou (yolor_candidate *c, int n, float iou_threshold, float beta,
    float sx, float sy, int agnostic, int *keep, int max_keep);

/* Maps a box from network pixels to frame pixels (clamped). @round: round
 * half to even as the official detect.py. */
void yolor_map_box (const yolor_net *net, float *x1, float *y1, float *x2,
    float *y2, int round);

/* Embeddings of the kept boxes into net->embed. */
void yolor_embed (
    yolor_net *net, const yolor_candidate *c, const int *keep, int n);

#endif /* YOLOR_POSTPROCESS_H */
