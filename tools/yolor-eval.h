/* Detection accuracy: COCO-style matching and average precision.
 *
 * Matching (per image, per IoU threshold t in 0.50, 0.55, ..., 0.95):
 * detections are taken by descending confidence (ties keep input order);
 * each one matches the not-yet-matched ground-truth box of its class with
 * the highest IoU, if that IoU >= t (pycocotools' rule). Matched is a true
 * positive, otherwise a false positive.
 *
 * Average precision per class and threshold, from the detections of all
 * images sorted by confidence: precision is made monotone (each point takes
 * the best precision at any higher recall), then
 *  - YOLOR_AP_COCO101: the mean of that precision at recall 0, 0.01, ... 1
 *    (COCO / pycocotools);
 *  - YOLOR_AP_ALLPOINT: the exact area under it (VOC 2010+, darknet's map).
 * mAP averages over the classes that have ground truth.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_EVAL_H
#define YOLOR_EVAL_H

#include <stddef.h>

#define YOLOR_EVAL_N_IOU 10 /* thresholds 0.50:0.05:0.95 */

typedef enum yolor_ap_method
{
  YOLOR_AP_COCO101 = 0,
  YOLOR_AP_ALLPOINT
} yolor_ap_method;

/* A box in pixels. confidence is ignored for ground truth. */
typedef struct yolor_eval_box
{
  float x1, y1, x2, y2;
  float confidence;
  int class_id;
} yolor_eval_box;

typedef struct yolor_eval yolor_eval;

/* Returns: a new accumulator for class ids 0..@n_classes-1 (transferred:
 * yolor_eval_free()), or NULL when out of memory or n_classes < 1. */
yolor_eval *yolor_eval_new (int n_classes);

/* NULL is a no-op. */
void yolor_eval_free (yolor_eval *ev);

/* Adds one image: @gt (@n_gt boxes) and @dets (@n_dets), both borrowed.
 * Boxes with a class id outside the range are ignored and counted in
 * yolor_eval_n_ignored(). Returns 0, or -1 when out of memory. */
int yolor_eval_add_image (yolor_eval *ev, const yolor_eval_box *gt, size_t n_gt,
    const yolor_eval_box *dets, size_t n_dets);

size_t yolor_eval_n_ignored (const yolor_eval *ev);

/* Per-class results. ap[k] is the AP at IoU 0.50 + 0.05·k. */
typedef struct yolor_eval_class
{
  size_t n_gt;
  size_t n_dets;
  double ap[YOLOR_EVAL_N_IOU];
  double ap50_95; /* mean of ap[] */
} yolor_eval_class;

/* Computes AP with @method. @classes_out (borrowed, n_classes entries, may
 * be NULL) receives the per-class values. *@map50_out and *@map50_95_out
 * receive the means over classes with ground truth (0 when there is none);
 * returns the number of such classes, or -1 when out of memory. */
int yolor_eval_compute (const yolor_eval *ev, yolor_ap_method method,
    yolor_eval_class *classes_out, double *map50_out, double *map50_95_out);

#endif /* YOLOR_EVAL_H */
