/* Class-aware greedy NMS exactly as the official code (torchvision.ops.nms on
 * class-offset boxes): stable sort by descending score; keep a box, suppress
 * later boxes with IoU > threshold (strictly). Boxes of class c are shifted
 * by c·4096 unless agnostic. All in float32; a zero-area pair gives 0/0 =
 * NaN, which suppresses nothing (this file must not be built with
 * -ffast-math).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "postprocess.h"

static int
by_score (const void *a, const void *b)
{
  const yolor_candidate *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->seq - y->seq;
}

int
yolor_nms (yolor_candidate *c, int n, float iou_threshold, int agnostic,
    int *keep, int max_keep)
{
  int n_keep = 0;
  qsort (c, (size_t) n, sizeof (*c), by_score);
  /* the suppressed flag reuses seq's sign: seq >= 0 always on entry */
  for (int i = 0; i < n && n_keep < max_keep; i++) {
    float oi, ax1, ay1, ax2, ay2, area_a;
    if (c[i].seq < 0)
      continue;
    keep[n_keep++] = i;
    oi = agnostic ? 0.0f : (float) c[i].cls * 4096.0f;
    ax1 = c[i].x1 + oi;
    ay1 = c[i].y1 + oi;
    ax2 = c[i].x2 + oi;
    ay2 = c[i].y2 + oi;
    area_a = (ax2 - ax1) * (ay2 - ay1);
    for (int j = i + 1; j < n; j++) {
      float oj, bx1, by1, bx2, by2, iw, ih, inter, area_b, iou;
      /* the official code keeps classes apart by offsetting them 4096 px;
       * boxes larger than that could still meet, so compare classes */
      if (c[j].seq < 0 || (!agnostic && c[j].cls != c[i].cls))
        continue;
      oj = agnostic ? 0.0f : (float) c[j].cls * 4096.0f;
      bx1 = c[j].x1 + oj;
      by1 = c[j].y1 + oj;
      bx2 = c[j].x2 + oj;
      by2 = c[j].y2 + oj;
      iw = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1);
      ih = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1);
      iw = iw > 0.0f ? iw : 0.0f;
      ih = ih > 0.0f ? ih : 0.0f;
      inter = iw * ih;
      area_b = (bx2 - bx1) * (by2 - by1);
      iou = inter / (area_a + area_b - inter);
      if (iou > iou_threshold)
        c[j].seq = -1 - c[j].seq;
    }
  }
  return n_keep;
}

int
yolor_nms_diou (yolor_candidate *c, int n, float iou_threshold, float beta,
    float sx, float sy, int agnostic, int *keep, int max_keep)
{
  int n_keep = 0;
  qsort (c, (size_t) n, sizeof (*c), by_score);
  for (int i = 0; i < n && n_keep < max_keep; i++) {
    float ax1, ay1, ax2, ay2;
    if (c[i].seq < 0)
      continue;
    keep[n_keep++] = i;
    ax1 = c[i].x1 * sx;
    ay1 = c[i].y1 * sy;
    ax2 = c[i].x2 * sx;
    ay2 = c[i].y2 * sy;
    for (int j = i + 1; j < n; j++) {
      float bx1, by1, bx2, by2, iw, ih, inter, uni, iou, ew, eh, cc, d, dx, dy;
      if (c[j].seq < 0 || (!agnostic && c[j].cls != c[i].cls))
        continue;
      bx1 = c[j].x1 * sx;
      by1 = c[j].y1 * sy;
      bx2 = c[j].x2 * sx;
      by2 = c[j].y2 * sy;
      iw = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1);
      ih = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1);
      inter = (iw > 0.0f && ih > 0.0f) ? iw * ih : 0.0f;
      uni = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
      iou = uni > 0.0f ? inter / uni : 0.0f;
      ew = (ax2 > bx2 ? ax2 : bx2) - (ax1 < bx1 ? ax1 : bx1);
      eh = (ay2 > by2 ? ay2 : by2) - (ay1 < by1 ? ay1 : by1);
      cc = ew * ew + eh * eh;
      dx = (ax1 + ax2 - bx1 - bx2) * 0.5f;
      dy = (ay1 + ay2 - by1 - by2) * 0.5f;
      d = dx * dx + dy * dy;
      if (cc > 0.0f)
        iou -= powf (d / cc, beta);
      if (iou > iou_threshold)
        c[j].seq = -1 - c[j].seq;
    }
  }
  return n_keep;
}
