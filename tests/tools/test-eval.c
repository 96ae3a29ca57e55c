/* The mAP math of tools/yolor-eval.c on hand-computed cases.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>

#include "yolor-eval.h"

static int n_failed;

static void
expect (const char *what, double got, double want)
{
  int ok = fabs (got - want) <= 1e-9;

  printf (
      "%s: %s: got %.6f, expected %.6f\n", ok ? "ok" : "FAIL", what, got, want);
  if (!ok)
    n_failed++;
}

/* Runs one single-image case and checks mAP@0.5 and mAP@0.5:0.95. */
static void
run_case (const char *name, const yolor_eval_box *gt, size_t n_gt,
    const yolor_eval_box *dets, size_t n_dets, yolor_ap_method method,
    double want50, double want5095)
{
  yolor_eval *ev = yolor_eval_new (3);
  double m50 = -1.0, m5095 = -1.0;
  char what[160];

  if (ev == NULL || yolor_eval_add_image (ev, gt, n_gt, dets, n_dets)
      || yolor_eval_compute (ev, method, NULL, &m50, &m5095) < 0) {
    printf ("FAIL: %s: out of memory\n", name);
    n_failed++;
    yolor_eval_free (ev);
    return;
  }
  snprintf (what, sizeof what, "%s (%s) mAP@0.5", name,
      method == YOLOR_AP_COCO101 ? "coco101" : "allpoint");
  expect (what, m50, want50);
  snprintf (what, sizeof what, "%s (%s) mAP@0.5:0.95", name,
      method == YOLOR_AP_COCO101 ? "coco101" : "allpoint");
  expect (what, m5095, want5095);
  yolor_eval_free (ev);
}

int
main (void)
{
  const yolor_eval_box gt2[] = {
    { 0, 0, 100, 100, 1, 0 },
    { 200, 200, 300, 300, 1, 0 },
  };
  const yolor_eval_box perfect[] = {
    { 200, 200, 300, 300, 0.8f, 0 },
    { 0, 0, 100, 100, 0.9f, 0 },
  };
  const yolor_eval_box fp_first[] = {
    { 500, 500, 600, 600, 0.9f, 0 }, /* nothing there */
    { 0, 0, 100, 100, 0.8f, 0 },
  };
  const yolor_eval_box half[] = { { 0, 0, 100, 100, 0.9f, 0 } };
  const yolor_eval_box dup[] = {
    { 0, 0, 100, 100, 0.9f, 0 },
    { 0, 0, 100, 100, 0.8f, 0 },
  };
  const yolor_eval_box iou75[] = { { 0, 0, 100, 75, 0.9f, 0 } };
  const yolor_eval_box wrong_class[] = {
    { 0, 0, 100, 100, 0.95f, 1 }, /* class 1 has no ground truth */
    { 0, 0, 100, 100, 0.9f, 0 },
  };
  yolor_ap_method m;

  for (m = YOLOR_AP_COCO101; m <= YOLOR_AP_ALLPOINT; m++) {
    run_case ("perfect", gt2, 2, perfect, 2, m, 1.0, 1.0);
    run_case ("no detections", gt2, 2, NULL, 0, m, 0.0, 0.0);
    /* precision 1/2 at recall 1 */
    run_case ("false positive first", gt2, 1, fp_first, 2, m, 0.5, 0.5);
    /* a duplicate after the match is a false positive at recall 1 */
    run_case ("duplicate", gt2, 1, dup, 2, m, 1.0, 1.0);
    /* IoU 0.75: true positive at 0.50 ... 0.75, 6 of 10 thresholds */
    run_case ("IoU 0.75", gt2, 1, iou75, 1, m, 1.0, 0.6);
    run_case (
        "class without ground truth", gt2, 1, wrong_class, 2, m, 1.0, 1.0);
  }
  /* recall reaches 0.5 at precision 1: COCO counts recall points 0..0.50 */
  run_case ("half found", gt2, 2, half, 1, YOLOR_AP_COCO101, 51.0 / 101.0,
      51.0 / 101.0);
  run_case ("half found", gt2, 2, half, 1, YOLOR_AP_ALLPOINT, 0.5, 0.5);

  if (n_failed)
    printf ("%d check(s) failed\n", n_failed);
  return n_failed ? 1 : 0;
}
