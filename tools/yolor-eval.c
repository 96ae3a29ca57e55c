/* Detection accuracy: matching and average precision (see yolor-eval.h).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "yolor-eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One detection after matching: its score and a bit per IoU threshold. */
typedef struct eval_record
{
  float confidence;
  int class_id;
  size_t order; /* insertion order, for a stable sort */
  unsigned tp; /* bit k: true positive at threshold k */
} eval_record;

struct yolor_eval
{
  int n_classes;
  size_t *n_gt; /* per class */
  eval_record *records;
  size_t n_records, cap_records;
  size_t n_ignored;
};

static double
iou_threshold (int k)
{
  return 0.5 + 0.05 * k;
}

yolor_eval *
yolor_eval_new (int n_classes)
{
  yolor_eval *ev;

  if (n_classes < 1)
    return NULL;
  ev = calloc (1, sizeof *ev);
  if (ev == NULL)
    return NULL;
  ev->n_classes = n_classes;
  ev->n_gt = calloc ((size_t) n_classes, sizeof *ev->n_gt);
  if (ev->n_gt == NULL) {
    free (ev);
    return NULL;
  }
  return ev;
}

void
yolor_eval_free (yolor_eval *ev)
{
  if (ev == NULL)
    return;
  free (ev->n_gt);
  free (ev->records);
  free (ev);
}

size_t
yolor_eval_n_ignored (const yolor_eval *ev)
{
  return ev->n_ignored;
}

static double
box_iou (const yolor_eval_box *a, const yolor_eval_box *b)
{
  double iw = (a->x2 < b->x2 ? a->x2 : b->x2) - (a->x1 > b->x1 ? a->x1 : b->x1);
  double ih = (a->y2 < b->y2 ? a->y2 : b->y2) - (a->y1 > b->y1 ? a->y1 : b->y1);
  double inter, uni;

  if (iw <= 0.0 || ih <= 0.0)
    return 0.0;
  inter = iw * ih;
  uni = (double) (a->x2 - a->x1) * (a->y2 - a->y1)
      + (double) (b->x2 - b->x1) * (b->y2 - b->y1) - inter;
  return uni > 0.0 ? inter / uni : 0.0;
}

/* A detection index with its confidence, for a stable descending sort. */
typedef struct ranked_det
{
  float confidence;
  size_t index;
} ranked_det;

static int
cmp_ranked (const void *pa, const void *pb)
{
  const ranked_det *a = pa, *b = pb;

  if (a->confidence != b->confidence)
    return a->confidence > b->confidence ? -1 : 1;
  return a->index < b->index ? -1 : (a->index > b->index);
}

static int
reserve_records (yolor_eval *ev, size_t n_more)
{
  size_t cap = ev->cap_records ? ev->cap_records : 1024;
  eval_record *r;

  if (ev->n_records + n_more <= ev->cap_records)
    return 0;
  while (cap < ev->n_records + n_more)
    cap *= 2;
  r = realloc (ev->records, cap * sizeof *r);
  if (r == NULL)
    return -1;
  ev->records = r;
  ev->cap_records = cap;
  return 0;
}

int
yolor_eval_add_image (yolor_eval *ev, const yolor_eval_box *gt, size_t n_gt,
    const yolor_eval_box *dets, size_t n_dets)
{
  ranked_det *ranked = NULL;
  unsigned *tp = NULL;
  uint8_t *taken = NULL;
  size_t i, j;
  int k;

  for (i = 0; i < n_gt; i++) {
    if (gt[i].class_id < 0 || gt[i].class_id >= ev->n_classes)
      ev->n_ignored++;
    else
      ev->n_gt[gt[i].class_id]++;
  }
  if (n_dets == 0)
    return 0;

  ranked = malloc (n_dets * sizeof *ranked);
  tp = calloc (n_dets, sizeof *tp);
  taken = malloc (n_gt ? n_gt : 1);
  if (ranked == NULL || tp == NULL || taken == NULL
      || reserve_records (ev, n_dets)) {
    free (ranked);
    free (tp);
    free (taken);
    return -1;
  }
  for (i = 0; i < n_dets; i++) {
    ranked[i].confidence = dets[i].confidence;
    ranked[i].index = i;
  }
  qsort (ranked, n_dets, sizeof *ranked, cmp_ranked);

  /* Greedy matching in confidence order, once per threshold. */
  for (k = 0; k < YOLOR_EVAL_N_IOU; k++) {
    double t = iou_threshold (k);

    memset (taken, 0, n_gt ? n_gt : 1);
    for (i = 0; i < n_dets; i++) {
      const yolor_eval_box *d = &dets[ranked[i].index];
      double best = -1.0;
      size_t best_j = 0;

      for (j = 0; j < n_gt; j++) {
        double v;
        if (taken[j] || gt[j].class_id != d->class_id)
          continue;
        v = box_iou (d, &gt[j]);
        if (v >= t - 1e-12 && v > best) {
          best = v;
          best_j = j;
        }
      }
      if (best >= 0.0) {
        taken[best_j] = 1;
        tp[i] |= 1u << k;
      }
    }
  }

  for (i = 0; i < n_dets; i++) {
    const yolor_eval_box *d = &dets[ranked[i].index];
    eval_record *rec;

    if (d->class_id < 0 || d->class_id >= ev->n_classes) {
      ev->n_ignored++;
      continue;
    }
    rec = &ev->records[ev->n_records];
    rec->confidence = d->confidence;
    rec->class_id = d->class_id;
    rec->order = ev->n_records;
    rec->tp = tp[i];
    ev->n_records++;
  }
  free (ranked);
  free (tp);
  free (taken);
  return 0;
}

static int
cmp_record (const void *pa, const void *pb)
{
  const eval_record *a = pa, *b = pb;

  if (a->class_id != b->class_id)
    return a->class_id < b->class_id ? -1 : 1;
  if (a->confidence != b->confidence)
    return a->confidence > b->confidence ? -1 : 1;
  return a->order < b->order ? -1 : (a->order > b->order);
}

/* AP of one class at one threshold from its records (sorted). @prec and
 * @rec are scratch arrays of n entries. */
static double
average_precision (const eval_record *r, size_t n, size_t n_gt, int k,
    yolor_ap_method method, double *prec, double *rec)
{
  size_t i, tp = 0, fp = 0;
  double ap = 0.0;

  if (n_gt == 0 || n == 0)
    return 0.0;
  for (i = 0; i < n; i++) {
    if (r[i].tp & (1u << k))
      tp++;
    else
      fp++;
    rec[i] = (double) tp / (double) n_gt;
    prec[i] = (double) tp / (double) (tp + fp);
  }
  /* precision envelope: best precision at this or any higher recall */
  for (i = n - 1; i > 0; i--) {
    if (prec[i] > prec[i - 1])
      prec[i - 1] = prec[i];
  }

  if (method == YOLOR_AP_ALLPOINT) {
    double prev_r = 0.0;
    for (i = 0; i < n; i++) {
      ap += (rec[i] - prev_r) * prec[i];
      prev_r = rec[i];
    }
  } else {
    size_t pos = 0;
    int s;
    for (s = 0; s <= 100; s++) {
      double rr = s / 100.0;
      while (pos < n && rec[pos] < rr - 1e-12)
        pos++;
      if (pos < n)
        ap += prec[pos];
    }
    ap /= 101.0;
  }
  return ap;
}

int
yolor_eval_compute (const yolor_eval *ev, yolor_ap_method method,
    yolor_eval_class *classes_out, double *map50_out, double *map50_95_out)
{
  eval_record *r = NULL;
  double *prec = NULL, *rec = NULL;
  double sum50 = 0.0, sum5095 = 0.0;
  size_t start = 0, n = ev->n_records;
  int c, k, n_present = 0;

  if (n > 0) {
    r = malloc (n * sizeof *r);
    prec = malloc (n * sizeof *prec);
    rec = malloc (n * sizeof *rec);
    if (r == NULL || prec == NULL || rec == NULL) {
      free (r);
      free (prec);
      free (rec);
      return -1;
    }
    memcpy (r, ev->records, n * sizeof *r);
    qsort (r, n, sizeof *r, cmp_record);
  }

  for (c = 0; c < ev->n_classes; c++) {
    yolor_eval_class cls;
    size_t end = start;

    while (end < n && r[end].class_id == c)
      end++;
    memset (&cls, 0, sizeof cls);
    cls.n_gt = ev->n_gt[c];
    cls.n_dets = end - start;
    for (k = 0; k < YOLOR_EVAL_N_IOU; k++) {
      cls.ap[k] = average_precision (
          r + start, end - start, cls.n_gt, k, method, prec, rec);
      cls.ap50_95 += cls.ap[k] / YOLOR_EVAL_N_IOU;
    }
    if (cls.n_gt > 0) {
      n_present++;
      sum50 += cls.ap[0];
      sum5095 += cls.ap50_95;
    }
    if (classes_out)
      classes_out[c] = cls;
    start = end;
  }
  free (r);
  free (prec);
  free (rec);
  if (map50_out)
    *map50_out = n_present ? sum50 / n_present : 0.0;
  if (map50_95_out)
    *map50_95_out = n_present ? sum5095 / n_present : 0.0;
  return n_present;
}
