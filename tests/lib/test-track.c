/* Tests of the tracker (include/yolor/yolor-track.h) and its parts: the
 * optimal assignment against brute force on odd sizes, the motion filter,
 * the track lifecycle (ids, min_hits, max_age, events), association through
 * occlusion, crossings and skipped frames, and refused input.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yolor/yolor-track.h>

#include "../common/test-check.h"
#include "track/track-private.h"

static uint32_t rng_state;

static uint32_t
rng (void)
{
  /* xorshift32 */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static double
rng_unit (void)
{
  return (rng () >> 8) / 16777216.0;
}

/* ---- assignment ---- */

/* Exhaustive search: the most allowed pairs, then the least cost. */
typedef struct brute
{
  const double *cost;
  size_t nr, nc;
  int used[16];
  int best_pairs;
  double best_cost;
} brute;

static void
brute_search (brute *b, size_t r, int pairs, double cost)
{
  if (r == b->nr) {
    if (pairs > b->best_pairs
        || (pairs == b->best_pairs && cost < b->best_cost)) {
      b->best_pairs = pairs;
      b->best_cost = cost;
    }
    return;
  }
  brute_search (b, r + 1, pairs, cost); /* row r unassigned */
  for (size_t c = 0; c < b->nc; c++) {
    double v = b->cost[r * b->nc + c];
    if (b->used[c] || v >= YOLOR_ASSIGN_FORBIDDEN)
      continue;
    b->used[c] = 1;
    brute_search (b, r + 1, pairs + 1, cost + v);
    b->used[c] = 0;
  }
}

START_TEST (test_assign_matches_brute_force)
{
  double cost[7 * 7];
  int row_to_col[7];

  rng_state = 20261202;
  for (int iter = 0; iter < 3000; iter++) {
    size_t nr = 1 + rng () % 7, nc = 1 + rng () % 7;
    double forbid = (iter % 4) * 0.25; /* 0, 25, 50, 75 % forbidden */
    brute b = { cost, nr, nc, { 0 }, -1, 0.0 };
    int pairs = 0, used[7] = { 0 };
    double total = 0.0;

    for (size_t i = 0; i < nr * nc; i++)
      cost[i] = rng_unit () < forbid
          ? YOLOR_ASSIGN_FORBIDDEN
          : (iter % 3 == 0 ? (double) (rng () % 3) : rng_unit () * 2.0);
    ck_assert_int_eq (yolor_assign (cost, nr, nc, row_to_col), 0);
    brute_search (&b, 0, 0, 0.0);
    for (size_t r = 0; r < nr; r++) {
      int c = row_to_col[r];
      if (c < 0)
        continue;
      TU_CHECK (c < (int) nc, "iter %d: column %d out of range", iter, c);
      TU_CHECK (!used[c], "iter %d: column %d used twice", iter, c);
      TU_CHECK (cost[r * nc + (size_t) c] < YOLOR_ASSIGN_FORBIDDEN,
          "iter %d: forbidden pair (%zu, %d) assigned", iter, r, c);
      used[c] = 1;
      pairs++;
      total += cost[r * nc + (size_t) c];
    }
    TU_CHECK (pairs == b.best_pairs, "iter %d (%zux%zu): %d pairs, best %d",
        iter, nr, nc, pairs, b.best_pairs);
    TU_CHECK (fabs (total - b.best_cost) < 1e-9,
        "iter %d (%zux%zu): cost %.12f, best %.12f", iter, nr, nc, total,
        b.best_cost);
  }
}
END_TEST

START_TEST (test_assign_empty_and_large)
{
  enum
  {
    R = 61,
    C = 47
  };
  static double cost[R * C];
  int row_to_col[R];
  int used[C] = { 0 }, pairs = 0;

  /* nothing to assign */
  ck_assert_int_eq (yolor_assign (cost, 0, 5, row_to_col), 0);
  ck_assert_int_eq (yolor_assign (cost, 3, 0, row_to_col), 0);
  for (int r = 0; r < 3; r++)
    ck_assert_int_eq (row_to_col[r], -1);

  /* a large rectangular one: a valid, complete matching on a full matrix */
  rng_state = 7;
  for (size_t i = 0; i < R * C; i++)
    cost[i] = rng_unit ();
  ck_assert_int_eq (yolor_assign (cost, R, C, row_to_col), 0);
  for (int r = 0; r < R; r++) {
    if (row_to_col[r] < 0)
      continue;
    ck_assert (!used[row_to_col[r]]);
    used[row_to_col[r]] = 1;
    pairs++;
  }
  ck_assert_int_eq (pairs, C);
}
END_TEST

START_TEST (test_box_iou)
{
  const float a[4] = { 0, 0, 10, 10 }, b[4] = { 5, 0, 15, 10 };
  const float far[4] = { 20, 20, 30, 30 }, empty[4] = { 3, 3, 3, 8 };

  ck_assert_float_eq_tol (yolor_box_iou (a, a), 1.0f, 1e-6f);
  ck_assert_float_eq_tol (yolor_box_iou (a, b), 50.0f / 150.0f, 1e-6f);
  ck_assert_float_eq (yolor_box_iou (a, far), 0.0f);
  ck_assert_float_eq (yolor_box_iou (a, empty), 0.0f);
  ck_assert_float_eq (yolor_box_iou (empty, empty), 0.0f);
}
END_TEST

/* ---- motion ---- */

static void
box_at (float box[4], double x, double y, double w, double h)
{
  box[0] = (float) x;
  box[1] = (float) y;
  box[2] = (float) (x + w);
  box[3] = (float) (y + h);
}

START_TEST (test_motion_follows_constant_velocity)
{
  yolor_motion m;
  float box[4], pred[4];

  box_at (box, 100, 50, 40, 80);
  yolor_motion_init (&m, box);
  for (int f = 1; f <= 15; f++) {
    yolor_motion_predict (&m, 1.0);
    box_at (box, 100 + 6.0 * f, 50 - 2.0 * f, 40, 80);
    yolor_motion_correct (&m, box);
  }
  /* four frames ahead of the last sighting (frame 15) */
  yolor_motion_predict (&m, 4.0);
  yolor_motion_box (&m, pred);
  box_at (box, 100 + 6.0 * 19, 50 - 2.0 * 19, 40, 80);
  for (int i = 0; i < 4; i++)
    ck_assert_msg (fabsf (pred[i] - box[i]) < 2.0f, "coordinate %d: %g vs %g",
        i, (double) pred[i], (double) box[i]);
  ck_assert (yolor_motion_distance (&m, box) < YOLOR_MOTION_GATE);
  /* a box of the same size 200 px off is far outside the gate */
  box_at (box, 100 + 6.0 * 19 + 200, 50 - 2.0 * 19, 40, 80);
  ck_assert (yolor_motion_distance (&m, box) > 10 * YOLOR_MOTION_GATE);
}
END_TEST

START_TEST (test_motion_box_stays_positive)
{
  yolor_motion m;
  float box[4], out[4];

  /* shrinking fast: the prediction must still be a box */
  box_at (box, 10, 10, 50, 50);
  yolor_motion_init (&m, box);
  for (int f = 1; f <= 5; f++) {
    yolor_motion_predict (&m, 1.0);
    box_at (box, 10, 10, 50 - 9.0 * f, 50 - 9.0 * f);
    yolor_motion_correct (&m, box);
  }
  yolor_motion_predict (&m, 30.0);
  yolor_motion_box (&m, out);
  ck_assert (out[2] - out[0] >= 1.0f - 1e-4f);
  ck_assert (out[3] - out[1] >= 1.0f - 1e-4f);
}
END_TEST

/* ---- the tracker ---- */

static yolor_tracker *
new_tracker (yolor_track_mode mode, int min_hits, int max_age)
{
  yolor_track_params p;
  yolor_tracker *t = NULL;
  yolor_error err = { 0 };

  yolor_track_params_init (&p);
  p.mode = mode;
  p.min_hits = min_hits;
  p.max_age = max_age;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_OK);
  return t;
}

static yolor_detection
det_at (double x, double y, double w, double h, int cls)
{
  yolor_detection d = { (float) x, (float) y, (float) (x + w), (float) (y + h),
    0.9f, 0.95f, cls };
  return d;
}

static void
update (yolor_tracker *t, int64_t frame, const yolor_detection *d, size_t n,
    const float *emb, int dim, int32_t *ids)
{
  yolor_error err = { 0 };

  ck_assert_msg (
      yolor_tracker_update (t, frame, frame * 100, d, n, emb, dim, ids, &err)
          == YOLOR_OK,
      "update at frame %lld: %s", (long long) frame, err.msg);
}

START_TEST (test_lifecycle_ids_and_events)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_IOU, 3, 5);
  yolor_track_event ev[8];
  yolor_detection d;
  int32_t id;

  for (int f = 0; f < 10; f++) {
    d = det_at (100 + 3 * f, 100, 40, 80, 0);
    update (t, f, &d, 1, NULL, 0, &id);
    ck_assert_int_eq (id, f < 2 ? 0 : 1);
    if (f == 2) {
      ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 8), 1);
      ck_assert_int_eq (ev[0].type, YOLOR_TRACK_ENTER);
      ck_assert_int_eq (ev[0].id, 1);
      ck_assert_int_eq (ev[0].class_id, 0);
      ck_assert_int_eq (ev[0].first_frame, 0);
      ck_assert_int_eq (ev[0].last_frame, 2);
      ck_assert_int_eq (ev[0].first_timestamp, 0);
      ck_assert_int_eq (ev[0].last_timestamp, 200);
      ck_assert_int_eq (ev[0].n_sightings, 3);
    }
  }
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 1);
  /* unseen for max_age (5) frames: still alive; one more: it leaves */
  for (int f = 10; f <= 14; f++) {
    update (t, f, NULL, 0, NULL, 0, NULL);
    ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 8), 0);
  }
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 1);
  update (t, 15, NULL, 0, NULL, 0, NULL);
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 0);
  ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 8), 1);
  ck_assert_int_eq (ev[0].type, YOLOR_TRACK_LEAVE);
  ck_assert_int_eq (ev[0].id, 1);
  ck_assert_int_eq (ev[0].first_frame, 0);
  ck_assert_int_eq (ev[0].last_frame, 9);
  ck_assert_int_eq (ev[0].n_sightings, 10);
  /* back where it was: a new object to the tracker, a new id */
  for (int f = 16; f < 19; f++) {
    d = det_at (127, 100, 40, 80, 0);
    update (t, f, &d, 1, NULL, 0, &id);
  }
  ck_assert_int_eq (id, 2);
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_tentative_track_dies_on_a_miss)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_IOU, 3, 30);
  yolor_track_event ev[4];
  yolor_detection d = det_at (50, 50, 30, 30, 2);
  int32_t id;

  update (t, 0, &d, 1, NULL, 0, &id);
  update (t, 1, &d, 1, NULL, 0, &id);
  update (t, 2, NULL, 0, NULL, 0, NULL); /* missed: gone, silently */
  update (t, 3, &d, 1, NULL, 0, &id);
  update (t, 4, &d, 1, NULL, 0, &id);
  ck_assert_int_eq (id, 0);
  update (t, 5, &d, 1, NULL, 0, &id);
  ck_assert_int_eq (id, 1);
  ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 4), 1);
  ck_assert_int_eq (ev[0].first_frame, 3);
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_min_hits_one_confirms_at_once)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_IOU, 1, 30);
  yolor_detection d[2] = { det_at (0, 0, 20, 20, 0),
    det_at (300, 300, 20, 20, 0) };
  int32_t ids[2];

  update (t, 0, d, 2, NULL, 0, ids);
  ck_assert_int_eq (ids[0], 1);
  ck_assert_int_eq (ids[1], 2);
  yolor_tracker_free (t);
}
END_TEST

/* An object hidden for a while, walking on, is found again where it went. */
static void
check_occlusion (yolor_track_mode mode)
{
  yolor_tracker *t = new_tracker (mode, 3, 30);
  float emb[4] = { 1, 0, 0, 0 };
  int32_t id = -1;

  for (int f = 0; f < 40; f++) {
    yolor_detection d = det_at (20 + 8 * f, 200, 40, 90, 0);
    if (f >= 15 && f < 27) /* hidden for 12 frames */
      update (t, f, NULL, 0, NULL, 0, NULL);
    else
      update (t, f, &d, 1, emb, 4, &id);
    if (f >= 2 && (f < 15 || f >= 27))
      ck_assert_msg (id == 1, "mode %d frame %d: id %d", mode, f, id);
  }
  yolor_tracker_free (t);
}

START_TEST (test_occlusion_keeps_id)
{
  check_occlusion (YOLOR_TRACK_IOU);
  check_occlusion (YOLOR_TRACK_EMBEDDING);
}
END_TEST

/* Two objects of one class walk through each other; their looks differ.
 * By look and motion each keeps its id through and after the crossing. */
START_TEST (test_crossing_keeps_ids_by_look)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_EMBEDDING, 3, 30);
  /* unit vectors far apart */
  const float look_a[3] = { 1, 0, 0 }, look_b[3] = { 0, 1, 0 };
  int32_t ids[2], id_a = 0, id_b = 0;

  for (int f = 0; f < 60; f++) {
    /* a goes right, b goes left; they overlap around frame 30 */
    yolor_detection d[2] = { det_at (10 + 10 * f, 100, 50, 100, 0),
      det_at (610 - 10 * f, 104, 50, 100, 0) };
    float emb[6];
    /* list order swaps every frame: the order must not matter */
    int swap = f % 2;

    memcpy (emb, swap ? look_b : look_a, sizeof (look_a));
    memcpy (emb + 3, swap ? look_a : look_b, sizeof (look_a));
    if (swap) {
      yolor_detection tmp = d[0];
      d[0] = d[1];
      d[1] = tmp;
    }
    update (t, f, d, 2, emb, 3, ids);
    if (f == 2) {
      id_a = ids[swap];
      id_b = ids[1 - swap];
      ck_assert (id_a > 0 && id_b > 0 && id_a != id_b);
    } else if (f > 2) {
      ck_assert_msg (ids[swap] == id_a && ids[1 - swap] == id_b,
          "frame %d: a %d b %d (want %d %d)", f, ids[swap], ids[1 - swap], id_a,
          id_b);
    }
  }
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_per_class)
{
  yolor_track_params p;
  yolor_tracker *t = NULL;
  yolor_error err = { 0 };
  yolor_detection d;
  int32_t id;

  yolor_track_params_init (&p);
  p.mode = YOLOR_TRACK_IOU;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_OK);
  for (int f = 0; f < 5; f++) {
    d = det_at (100, 100, 50, 50, 3);
    update (t, f, &d, 1, NULL, 0, &id);
  }
  ck_assert_int_eq (id, 1);
  /* the same box, another class: not this track */
  d = det_at (100, 100, 50, 50, 4);
  update (t, 5, &d, 1, NULL, 0, &id);
  ck_assert_int_eq (id, 0);
  yolor_tracker_free (t);

  /* per_class off: the class may change, the track follows the box */
  p.per_class = 0;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_OK);
  for (int f = 0; f < 5; f++) {
    d = det_at (100, 100, 50, 50, f < 4 ? 3 : 4);
    update (t, f, &d, 1, NULL, 0, &id);
  }
  ck_assert_int_eq (id, 1);
  yolor_tracker_free (t);
}
END_TEST

/* Inference every third frame: the track follows, and the prediction in
 * between moves with the object. */
START_TEST (test_skipped_frames_and_predict)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_EMBEDDING, 3, 30);
  yolor_detection d, p;
  int32_t id;

  for (int f = 0; f <= 30; f += 3) {
    d = det_at (10 + 5 * f, 40, 30, 60, 1);
    update (t, f, &d, 1, NULL, 0, &id);
    if (f >= 6)
      ck_assert_int_eq (id, 1);
  }
  ck_assert_int_eq (yolor_tracker_predict (t, 1, 32, &p), 1);
  ck_assert_msg (fabsf (p.x1 - (10 + 5 * 32)) < 3.0f, "x1 %g", (double) p.x1);
  ck_assert_float_eq_tol (p.x2 - p.x1, 30.0f, 2.0f);
  ck_assert_int_eq (p.class_id, 1);
  ck_assert_float_eq (p.confidence, 0.9f);
  /* earlier than the last update: the last estimate */
  ck_assert_int_eq (yolor_tracker_predict (t, 1, 5, &p), 1);
  ck_assert_msg (fabsf (p.x1 - (10 + 5 * 30)) < 3.0f, "x1 %g", (double) p.x1);
  ck_assert_int_eq (yolor_tracker_predict (t, 2, 32, &p), 0);
  ck_assert_int_eq (yolor_tracker_predict (t, 0, 32, &p), 0);
  /* its sightings: every third frame from 0 to 30, timestamps 100 per
   * frame (update()); no other id */
  {
    yolor_track_sightings seen = { -1, -1, -1, -1, -1 };

    ck_assert_int_eq (yolor_tracker_sightings (t, 1, &seen), 1);
    ck_assert_int_eq (seen.first_frame, 0);
    ck_assert_int_eq (seen.last_frame, 30);
    ck_assert_int_eq (seen.first_timestamp, 0);
    ck_assert_int_eq (seen.last_timestamp, 3000);
    ck_assert_int_eq (seen.n_sightings, 11);
    ck_assert_int_eq (yolor_tracker_sightings (t, 2, &seen), 0);
    ck_assert_int_eq (yolor_tracker_sightings (t, 0, &seen), 0);
    ck_assert_int_eq (yolor_tracker_sightings (t, 1, NULL), 0);
    ck_assert_int_eq (seen.last_frame, 30);
  }
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_min_confidence)
{
  yolor_track_params p;
  yolor_tracker *t = NULL;
  yolor_error err = { 0 };
  yolor_detection d = det_at (0, 0, 40, 40, 0);
  int32_t id;

  yolor_track_params_init (&p);
  p.min_confidence = 0.5f;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_OK);
  d.confidence = 0.3f; /* starts nothing */
  update (t, 0, &d, 1, NULL, 0, &id);
  update (t, 1, &d, 1, NULL, 0, &id);
  update (t, 2, &d, 1, NULL, 0, &id);
  ck_assert_int_eq (id, 0);
  d.confidence = 0.8f;
  for (int f = 3; f < 6; f++)
    update (t, f, &d, 1, NULL, 0, &id);
  ck_assert_int_eq (id, 1);
  d.confidence = 0.3f; /* ... but may go on */
  update (t, 6, &d, 1, NULL, 0, &id);
  ck_assert_int_eq (id, 1);
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_finish_and_reset)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_IOU, 3, 30);
  yolor_track_event ev[4];
  yolor_detection d[2] = { det_at (0, 0, 40, 40, 0),
    det_at (200, 0, 40, 40, 0) };
  int32_t ids[2];

  for (int f = 100; f < 103; f++)
    update (t, f, d, f < 102 ? 2 : 1, NULL, 0, ids);
  /* track 1 confirmed, the second is still tentative after a miss: gone */
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 1);
  yolor_tracker_take_events (t, ev, 4);
  yolor_tracker_finish (t);
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 0);
  ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 4), 1);
  ck_assert_int_eq (ev[0].type, YOLOR_TRACK_LEAVE);
  ck_assert_int_eq (ev[0].last_frame, 102);
  /* a new stream may start at frame 0; ids go on */
  for (int f = 0; f < 3; f++)
    update (t, f, d, 1, NULL, 0, ids);
  ck_assert_int_eq (ids[0], 2);
  yolor_tracker_reset (t);
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 0);
  ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 4), 0);
  for (int f = 0; f < 3; f++)
    update (t, f, d, 1, NULL, 0, ids);
  ck_assert_int_eq (ids[0], 3);
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_events_taken_in_parts)
{
  yolor_tracker *t = new_tracker (YOLOR_TRACK_IOU, 1, 30);
  yolor_detection d[5];
  yolor_track_event ev[5];
  int32_t ids[5];

  for (int i = 0; i < 5; i++)
    d[i] = det_at (100 * i, 0, 40, 40, 0);
  update (t, 0, d, 5, NULL, 0, ids);
  ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 2), 2);
  ck_assert_int_eq (ev[0].id, 1);
  ck_assert_int_eq (ev[1].id, 2);
  ck_assert_uint_eq (yolor_tracker_take_events (t, ev, 5), 3);
  ck_assert_int_eq (ev[0].id, 3);
  ck_assert_int_eq (ev[2].id, 5);
  ck_assert_uint_eq (yolor_tracker_take_events (t, NULL, 5), 0);
  yolor_tracker_free (t);
}
END_TEST

START_TEST (test_bad_input)
{
  yolor_track_params p;
  yolor_tracker *t = NULL;
  yolor_error err = { 0 };
  yolor_detection d = det_at (10, 10, 40, 40, 0);
  float emb4[4] = { 1, 0, 0, 0 }, emb3[3] = { 1, 0, 0 };
  int32_t id;

  yolor_track_params_init (&p);
  p.iou_threshold = 0.0f;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_null (t);
  ck_assert_ptr_nonnull (strstr (err.msg, "iou_threshold"));
  yolor_track_params_init (&p);
  p.min_hits = 0;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull (strstr (err.msg, "min_hits"));
  yolor_track_params_init (&p);
  p.appearance_threshold = NAN;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull (strstr (err.msg, "appearance_threshold"));
  yolor_track_params_init (&p);
  p.mode = (yolor_track_mode) 7;
  ck_assert_int_eq (yolor_tracker_new (&p, &t, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_tracker_new (NULL, NULL, &err), YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (
      yolor_tracker_update (NULL, 0, 0, &d, 1, NULL, 0, &id, &err),
      YOLOR_ERR_INVALID_ARG);

  ck_assert_int_eq (yolor_tracker_new (NULL, &t, &err), YOLOR_OK);
  for (int f = 0; f < 3; f++)
    update (t, f, &d, 1, emb4, 4, &id);
  ck_assert_int_eq (id, 1);
  /* a frame that is not after the last */
  ck_assert_int_eq (yolor_tracker_update (t, 2, 0, &d, 1, emb4, 4, &id, &err),
      YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull (strstr (err.msg, "frame 2"));
  /* not finite */
  d.x2 = INFINITY;
  ck_assert_int_eq (yolor_tracker_update (t, 3, 0, &d, 1, emb4, 4, &id, &err),
      YOLOR_ERR_INVALID_ARG);
  d.x2 = 2e9f; /* finite, but no frame is that large */
  ck_assert_int_eq (yolor_tracker_update (t, 3, 0, &d, 1, emb4, 4, &id, &err),
      YOLOR_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull (strstr (err.msg, "detection 0"));
  d.x2 = 50;
  emb4[1] = NAN;
  ck_assert_int_eq (yolor_tracker_update (t, 3, 0, &d, 1, emb4, 4, &id, &err),
      YOLOR_ERR_INVALID_ARG);
  emb4[1] = 0;
  /* another embedding size */
  ck_assert_int_eq (yolor_tracker_update (t, 3, 0, &d, 1, emb3, 3, &id, &err),
      YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_tracker_update (t, 3, 0, &d, 1, emb4, -1, &id, &err),
      YOLOR_ERR_INVALID_ARG);
  ck_assert_int_eq (yolor_tracker_update (t, 3, 0, &d, 1, emb4, 4, NULL, &err),
      YOLOR_ERR_INVALID_ARG);
  /* none of it changed the tracker */
  id = -1;
  update (t, 3, &d, 1, emb4, 4, &id);
  ck_assert_int_eq (id, 1);
  ck_assert_uint_eq (yolor_tracker_n_tracks (t), 1);
  yolor_tracker_free (t);
  yolor_tracker_free (NULL);
  yolor_tracker_finish (NULL);
  yolor_tracker_reset (NULL);
  ck_assert_uint_eq (yolor_tracker_n_tracks (NULL), 0);
}
END_TEST

/* Many objects appear and vanish at random: ids stay unique among the live
 * tracks, each detection is reported with at most one id, and nothing goes
 * wrong with hundreds of tracks at once. */
START_TEST (test_random_crowd)
{
  enum
  {
    N = 300
  };
  yolor_tracker *t = new_tracker (YOLOR_TRACK_EMBEDDING, 2, 10);
  static yolor_detection d[N];
  static float emb[N * 8];
  static int32_t ids[N];
  yolor_track_event ev[64];
  int enters = 0, leaves = 0;

  rng_state = 99;
  for (int f = 0; f < 200; f++) {
    size_t n = rng () % N;
    for (size_t i = 0; i < n; i++) {
      double s = 0.0;
      d[i] = det_at (rng_unit () * 2000, rng_unit () * 1000,
          5 + rng_unit () * 100, 5 + rng_unit () * 100, (int) (rng () % 3));
      for (int k = 0; k < 8; k++) {
        emb[i * 8 + k] = (float) (rng_unit () - 0.5);
        s += emb[i * 8 + k] * emb[i * 8 + k];
      }
      for (int k = 0; k < 8; k++)
        emb[i * 8 + k] /= (float) sqrt (s);
    }
    update (t, f, d, n, emb, 8, ids);
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++)
        TU_CHECK (ids[i] == 0 || ids[i] != ids[j],
            "frame %d: id %d given twice", f, ids[i]);
    for (size_t k; (k = yolor_tracker_take_events (t, ev, 64)) > 0;)
      for (size_t i = 0; i < k; i++) {
        if (ev[i].type == YOLOR_TRACK_ENTER)
          enters++;
        else
          leaves++;
      }
  }
  yolor_tracker_finish (t);
  for (size_t k; (k = yolor_tracker_take_events (t, ev, 64)) > 0;)
    for (size_t i = 0; i < k; i++) {
      ck_assert_int_eq (ev[i].type, YOLOR_TRACK_LEAVE);
      leaves++;
    }
  ck_assert_int_gt (enters, 0);
  ck_assert_int_eq (enters, leaves);
  yolor_tracker_free (t);
}
END_TEST

static Suite *
track_suite (void)
{
  Suite *s = suite_create ("track");
  TCase *tc = tcase_create ("track");

  tcase_add_test (tc, test_assign_matches_brute_force);
  tcase_add_test (tc, test_assign_empty_and_large);
  tcase_add_test (tc, test_box_iou);
  tcase_add_test (tc, test_motion_follows_constant_velocity);
  tcase_add_test (tc, test_motion_box_stays_positive);
  tcase_add_test (tc, test_lifecycle_ids_and_events);
  tcase_add_test (tc, test_tentative_track_dies_on_a_miss);
  tcase_add_test (tc, test_min_hits_one_confirms_at_once);
  tcase_add_test (tc, test_occlusion_keeps_id);
  tcase_add_test (tc, test_crossing_keeps_ids_by_look);
  tcase_add_test (tc, test_per_class);
  tcase_add_test (tc, test_skipped_frames_and_predict);
  tcase_add_test (tc, test_min_confidence);
  tcase_add_test (tc, test_finish_and_reset);
  tcase_add_test (tc, test_events_taken_in_parts);
  tcase_add_test (tc, test_bad_input);
  tcase_add_test (tc, test_random_crowd);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return tu_run_suite (track_suite ());
}
