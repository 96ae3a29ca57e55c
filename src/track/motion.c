/* A constant-velocity Kalman filter over a box's centre, width and height.
 *
 * The four coordinates are filtered independently: with diagonal process
 * and measurement noise (as in SORT and DeepSORT) the 8-state filter's
 * covariance never couples them, so four 2-state filters are the same
 * filter without the 8×8 matrices. Noise scales with the box height, the
 * box's size in the image: position σ = h/20, velocity σ = h/160 per frame,
 * measurement σ = h/20 (DeepSORT's weights).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "track-private.h"

#define POS_WEIGHT (1.0 / 20.0)
#define VEL_WEIGHT (1.0 / 160.0)

/* The noise scale of @m: its height, at least one pixel. */
static double
scale_of (const yolor_motion *m)
{
  return m->k[3].pos > 1.0 ? m->k[3].pos : 1.0;
}

static void
measure (const float box[4], double z[4])
{
  z[0] = 0.5 * ((double) box[0] + box[2]);
  z[1] = 0.5 * ((double) box[1] + box[3]);
  z[2] = (double) box[2] - box[0];
  z[3] = (double) box[3] - box[1];
}

void
yolor_motion_init (yolor_motion *m, const float box[4])
{
  double z[4], h, sp, sv;

  measure (box, z);
  h = z[3] > 1.0 ? z[3] : 1.0;
  sp = 2.0 * POS_WEIGHT * h;
  sv = 10.0 * VEL_WEIGHT * h;
  for (int i = 0; i < 4; i++) {
    m->k[i].pos = z[i];
    m->k[i].vel = 0.0;
    m->k[i].pp = sp * sp;
    m->k[i].pv = 0.0;
    m->k[i].vv = sv * sv;
  }
}

void
yolor_motion_predict (yolor_motion *m, double dt)
{
  double h = scale_of (m);
  double qp = POS_WEIGHT * h * POS_WEIGHT * h;
  double qv = VEL_WEIGHT * h * VEL_WEIGHT * h;

  if (!(dt > 0.0))
    return;
  for (int i = 0; i < 4; i++) {
    yolor_kalman1 *k = &m->k[i];

    k->pos += k->vel * dt;
    /* P = F P F' + Q dt, F = [[1, dt], [0, 1]] */
    k->pp += 2.0 * k->pv * dt + k->vv * dt * dt + qp * dt;
    k->pv += k->vv * dt;
    k->vv += qv * dt;
  }
}

double
yolor_motion_distance (const yolor_motion *m, const float box[4])
{
  double z[4], r, d = 0.0;

  measure (box, z);
  r = POS_WEIGHT * scale_of (m);
  r *= r;
  for (int i = 0; i < 4; i++) {
    double y = z[i] - m->k[i].pos;
    d += y * y / (m->k[i].pp + r);
  }
  return d;
}

void
yolor_motion_correct (yolor_motion *m, const float box[4])
{
  double z[4], r;

  measure (box, z);
  r = POS_WEIGHT * scale_of (m);
  r *= r;
  for (int i = 0; i < 4; i++) {
    yolor_kalman1 *k = &m->k[i];
    double s = k->pp + r;
    double g0 = k->pp / s, g1 = k->pv / s;
    double y = z[i] - k->pos;

    k->pos += g0 * y;
    k->vel += g1 * y;
    k->vv -= g1 * k->pv;
    k->pp *= r / s;
    k->pv *= r / s;
  }
}

void
yolor_motion_box (const yolor_motion *m, float box_out[4])
{
  double w = m->k[2].pos > 1.0 ? m->k[2].pos : 1.0;
  double h = m->k[3].pos > 1.0 ? m->k[3].pos : 1.0;

  box_out[0] = (float) (m->k[0].pos - 0.5 * w);
  box_out[1] = (float) (m->k[1].pos - 0.5 * h);
  box_out[2] = (float) (m->k[0].pos + 0.5 * w);
  box_out[3] = (float) (m->k[1].pos + 0.5 * h);
}
