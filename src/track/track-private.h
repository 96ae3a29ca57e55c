/* libyolor tracking: the pieces behind yolor-track.h.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef YOLOR_TRACK_PRIVATE_H
#define YOLOR_TRACK_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <yolor/yolor-track.h>

/* ---- motion.c: a constant-velocity Kalman filter per box coordinate ---- */

/* The filter of one coordinate: position, velocity (per frame) and their
 * covariance [[pp, pv], [pv, vv]]. */
typedef struct yolor_kalman1
{
  double pos, vel;
  double pp, pv, vv;
} yolor_kalman1;

/* The filter of one box: centre x, centre y, width, height, in pixels.
 * Noise follows the box height (its scale in the image). */
typedef struct yolor_motion
{
  yolor_kalman1 k[4];
} yolor_motion;

/* Starts @m (borrowed) at the box (x1, y1, x2, y2), at rest. */
void yolor_motion_init (yolor_motion *m, const float box[4]);

/* Moves @m @dt (>= 0) frames ahead, its uncertainty growing. */
void yolor_motion_predict (yolor_motion *m, double dt);

/* Squared Mahalanobis distance of the box @box from @m's estimate (summed
 * over the four coordinates; about chi-square with 4 degrees of freedom). */
double yolor_motion_distance (const yolor_motion *m, const float box[4]);

/* Corrects @m with the measured box @box. */
void yolor_motion_correct (yolor_motion *m, const float box[4]);

/* @m's estimate as box corners (width and height at least 1). */
void yolor_motion_box (const yolor_motion *m, float box_out[4]);

/* 95 % of chi-square with 4 degrees of freedom: the motion gate. */
#define YOLOR_MOTION_GATE 9.4877

/* ---- assign.c: optimal assignment ---- */

/* Costs at or above this are pairs that may not be assigned. */
#define YOLOR_ASSIGN_FORBIDDEN 1e9

/* Assigns rows of @cost (borrowed, @n_rows × @n_cols, row-major) to
 * distinct columns so that as many allowed pairs as possible are used, and
 * of those assignments the one of least total cost. Writes @row_to_col
 * (borrowed, @n_rows entries): the column of each row, or -1.
 * Returns: 0, or -1 when memory ran out (@row_to_col untouched). */
int yolor_assign (
    const double *cost, size_t n_rows, size_t n_cols, int *row_to_col);

/* IoU of two boxes given as corners (0 when either is empty). */
float yolor_box_iou (const float a[4], const float b[4]);

#endif /* YOLOR_TRACK_PRIVATE_H */
