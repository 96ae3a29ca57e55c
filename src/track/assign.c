/* Optimal assignment (the Hungarian method, as shortest augmenting paths
 * with potentials: O(n² m) for n rows ≤ m columns), and box IoU.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "track-private.h"

/* Solves @n ≤ @m rows of @a(i, j) (0-based) into @row_to_col. */
static int
solve (const double *cost, size_t n, size_t m, int transposed, size_t stride,
    int *row_to_col)
{
  /* 1-based working arrays, as the method is usually written */
  double *u = calloc (n + 1, sizeof (double));
  double *v = calloc (m + 1, sizeof (double));
  double *minv = malloc ((m + 1) * sizeof (double));
  size_t *p = calloc (m + 1, sizeof (size_t));
  size_t *way = calloc (m + 1, sizeof (size_t));
  char *used = malloc (m + 1);
  int ok = u && v && minv && p && way && used;

  for (size_t i = 1; ok && i <= n; i++) {
    size_t j0 = 0;

    p[0] = i;
    for (size_t j = 0; j <= m; j++) {
      minv[j] = INFINITY;
      used[j] = 0;
    }
    do {
      size_t i0 = p[j0], j1 = 0;
      double delta = INFINITY;

      used[j0] = 1;
      for (size_t j = 1; j <= m; j++) {
        double c, cur;

        if (used[j])
          continue;
        c = transposed ? cost[(j - 1) * stride + (i0 - 1)]
                       : cost[(i0 - 1) * stride + (j - 1)];
        cur = c - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }

  if (ok) {
    /* p[j] = row of column j; report in the caller's orientation */
    size_t n_out = transposed ? m : n;
    for (size_t r = 0; r < n_out; r++)
      row_to_col[r] = -1;
    for (size_t j = 1; j <= m; j++) {
      size_t i = p[j];
      double c;

      if (i == 0)
        continue;
      c = transposed ? cost[(j - 1) * stride + (i - 1)]
                     : cost[(i - 1) * stride + (j - 1)];
      if (c >= YOLOR_ASSIGN_FORBIDDEN)
        continue;
      if (transposed)
        row_to_col[j - 1] = (int) (i - 1);
      else
        row_to_col[i - 1] = (int) (j - 1);
    }
  }
  free (u);
  free (v);
  free (minv);
  free (p);
  free (way);
  free (used);
  return ok ? 0 : -1;
}

int
yolor_assign (const double *cost, size_t n_rows, size_t n_cols, int *row_to_col)
{
  if (n_rows == 0)
    return 0;
  if (n_cols == 0) {
    for (size_t r = 0; r < n_rows; r++)
      row_to_col[r] = -1;
    return 0;
  }
  /* the method wants no more rows than columns: else solve the transpose,
   * whose rows are our columns */
  if (n_rows <= n_cols)
    return solve (cost, n_rows, n_cols, 0, n_cols, row_to_col);
  return solve (cost, n_cols, n_rows, 1, n_cols, row_to_col);
}

float
yolor_box_iou (const float a[4], const float b[4])
{
  float iw = fminf (a[2], b[2]) - fmaxf (a[0], b[0]);
  float ih = fminf (a[3], b[3]) - fmaxf (a[1], b[1]);
  float area_a = (a[2] - a[0]) * (a[3] - a[1]);
  float area_b = (b[2] - b[0]) * (b[3] - b[1]);
  float inter, uni;

  if (!(iw > 0.0f && ih > 0.0f) || !(area_a > 0.0f && area_b > 0.0f))
    return 0.0f;
  inter = iw * ih;
  uni = area_a + area_b - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}
