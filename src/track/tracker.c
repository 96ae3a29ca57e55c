/* The tracker: track lifecycle, staged association, events. The method is
 * described in include/yolor/yolor-track.h.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "track-private.h"
#include "yolor-private.h"

/* Events kept for a caller that does not take them; older ones go. */
#define MAX_PENDING_EVENTS 65536
/* Box coordinates beyond this are refused: areas stay finite in float. */
#define MAX_COORD 1e9f
/* Weight of a new embedding in a track's appearance. */
#define APPEARANCE_RATE 0.1f

typedef struct track
{
  int32_t id; /* 0 while tentative */
  int class_id;
  float confidence, objectness; /* of the last detection */
  yolor_motion motion; /* estimate at frame `motion_frame` */
  float last_box[4]; /* the detection it last took */
  int64_t motion_frame;
  int64_t first_frame, last_frame;
  int64_t first_timestamp, last_timestamp;
  int64_t hits;
  int seen_last; /* matched at the previous update */
  int has_appearance;
} track;

struct yolor_tracker
{
  yolor_track_params p;
  track *tracks; /* n_tracks live, capacity cap_tracks */
  float *appearance; /* a row of dim floats per track slot */
  size_t n_tracks, cap_tracks, cap_appearance;
  int dim; /* of the appearances, 0 before the first */
  int32_t next_id;
  int64_t last_update; /* frame of the last update, -1 before any */
  int any_update;
  yolor_track_event *events;
  size_t n_events, cap_events;
};

void
yolor_track_params_init (yolor_track_params *p)
{
  if (p == NULL)
    return;
  memset (p, 0, sizeof (*p));
  p->mode = YOLOR_TRACK_EMBEDDING;
  p->iou_threshold = 0.3f;
  p->appearance_threshold = 0.2f;
  p->min_hits = 3;
  p->max_age = 30;
  p->per_class = 1;
  p->min_confidence = 0.0f;
}

static yolor_status
check_params (const yolor_track_params *p, yolor_error *err)
{
  if (p->mode != YOLOR_TRACK_IOU && p->mode != YOLOR_TRACK_EMBEDDING)
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "tracker: unknown mode %d", (int) p->mode);
  if (!(p->iou_threshold > 0.0f && p->iou_threshold <= 1.0f))
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: iou_threshold %g is not in (0, 1]",
        (double) p->iou_threshold);
  if (!(p->appearance_threshold >= 0.0f && p->appearance_threshold <= 2.0f))
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: appearance_threshold %g is not in [0, 2]",
        (double) p->appearance_threshold);
  if (p->min_hits < 1)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: min_hits %d is below 1", p->min_hits);
  if (p->max_age < 0)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: max_age %d is negative", p->max_age);
  if (!(p->min_confidence >= 0.0f && p->min_confidence <= 1.0f))
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: min_confidence %g is not in [0, 1]",
        (double) p->min_confidence);
  return YOLOR_OK;
}

yolor_status
yolor_tracker_new (const yolor_track_params *params,
    yolor_tracker **tracker_out, yolor_error *err)
{
  yolor_track_params def;
  yolor_tracker *t;
  yolor_status st;

  if (tracker_out == NULL)
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "tracker: tracker_out is NULL");
  *tracker_out = NULL;
  if (params == NULL) {
    yolor_track_params_init (&def);
    params = &def;
  }
  st = check_params (params, err);
  if (st != YOLOR_OK)
    return st;
  t = calloc (1, sizeof (*t));
  if (t == NULL)
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "tracker: out of memory");
  t->p = *params;
  t->next_id = 1;
  t->last_update = -1;
  *tracker_out = t;
  return YOLOR_OK;
}

void
yolor_tracker_free (yolor_tracker *t)
{
  if (t == NULL)
    return;
  free (t->tracks);
  free (t->appearance);
  free (t->events);
  free (t);
}

void
yolor_tracker_reset (yolor_tracker *t)
{
  if (t == NULL)
    return;
  t->n_tracks = 0;
  t->n_events = 0;
  t->dim = 0;
  t->any_update = 0;
  t->last_update = -1;
}

size_t
yolor_tracker_n_tracks (const yolor_tracker *t)
{
  size_t n = 0;

  if (t == NULL)
    return 0;
  for (size_t i = 0; i < t->n_tracks; i++)
    n += t->tracks[i].id > 0;
  return n;
}

/* Grows the track storage to @need slots, with appearance rows of @dim
 * floats when @dim > 0. 0 or -1 (then nothing changed that matters: the
 * larger blocks hold the same contents). */
static int
reserve_tracks (yolor_tracker *t, size_t need, int dim)
{
  size_t cap = t->cap_tracks;

  if (need > cap) {
    track *nt;

    cap = need > 2 * cap ? need : 2 * cap;
    nt = realloc (t->tracks, cap * sizeof (track));
    if (nt == NULL)
      return -1;
    t->tracks = nt;
    t->cap_tracks = cap;
  }
  if (dim > 0 && t->cap_appearance < t->cap_tracks * (size_t) dim) {
    size_t floats = t->cap_tracks * (size_t) dim;
    float *na = realloc (t->appearance, floats * sizeof (float));

    if (na == NULL)
      return -1;
    t->appearance = na;
    t->cap_appearance = floats;
  }
  return 0;
}

/* Makes room for @more events (dropping the oldest beyond the bound). */
static int
reserve_events (yolor_tracker *t, size_t more)
{
  size_t need = t->n_events + more, cap;
  yolor_track_event *ne;

  if (need <= t->cap_events)
    return 0;
  cap = need > 2 * t->cap_events ? need : 2 * t->cap_events;
  if (cap < 16)
    cap = 16;
  ne = realloc (t->events, cap * sizeof (*ne));
  if (ne == NULL)
    return -1;
  t->events = ne;
  t->cap_events = cap;
  return 0;
}

static void
push_event (yolor_tracker *t, yolor_track_event_type type, const track *tr)
{
  yolor_track_event *e;

  if (t->n_events >= MAX_PENDING_EVENTS) {
    memmove (t->events, t->events + 1, (t->n_events - 1) * sizeof (*e));
    t->n_events--;
  }
  e = &t->events[t->n_events++];
  e->type = type;
  e->id = tr->id;
  e->class_id = tr->class_id;
  e->first_frame = tr->first_frame;
  e->last_frame = tr->last_frame;
  e->first_timestamp = tr->first_timestamp;
  e->last_timestamp = tr->last_timestamp;
  e->n_sightings = tr->hits;
}

size_t
yolor_tracker_take_events (
    yolor_tracker *t, yolor_track_event *out, size_t capacity)
{
  size_t k;

  if (t == NULL || out == NULL)
    return 0;
  k = t->n_events < capacity ? t->n_events : capacity;
  if (k == 0)
    return 0; /* t->events may be NULL */
  memcpy (out, t->events, k * sizeof (*out));
  memmove (t->events, t->events + k, (t->n_events - k) * sizeof (*out));
  t->n_events -= k;
  return k;
}

void
yolor_tracker_finish (yolor_tracker *t)
{
  size_t n;

  if (t == NULL)
    return;
  n = yolor_tracker_n_tracks (t);
  /* out of memory: the tracks end without their leave events */
  if (reserve_events (t, n) == 0) {
    for (size_t i = 0; i < t->n_tracks; i++)
      if (t->tracks[i].id > 0)
        push_event (t, YOLOR_TRACK_LEAVE, &t->tracks[i]);
  }
  t->n_tracks = 0;
  t->any_update = 0;
  t->last_update = -1;
}

int
yolor_tracker_predict (
    const yolor_tracker *t, int32_t id, int64_t frame, yolor_detection *box_out)
{
  if (t == NULL || box_out == NULL || id <= 0)
    return 0;
  for (size_t i = 0; i < t->n_tracks; i++) {
    const track *tr = &t->tracks[i];
    yolor_motion m;
    float b[4];

    if (tr->id != id)
      continue;
    m = tr->motion;
    if (frame > tr->motion_frame)
      yolor_motion_predict (&m, (double) (frame - tr->motion_frame));
    yolor_motion_box (&m, b);
    box_out->x1 = b[0];
    box_out->y1 = b[1];
    box_out->x2 = b[2];
    box_out->y2 = b[3];
    box_out->confidence = tr->confidence;
    box_out->objectness = tr->objectness;
    box_out->class_id = tr->class_id;
    return 1;
  }
  return 0;
}

int
yolor_tracker_sightings (
    const yolor_tracker *t, int32_t id, yolor_track_sightings *out)
{
  if (t == NULL || out == NULL || id <= 0)
    return 0;
  for (size_t i = 0; i < t->n_tracks; i++) {
    const track *tr = &t->tracks[i];

    if (tr->id != id)
      continue;
    out->first_frame = tr->first_frame;
    out->last_frame = tr->last_frame;
    out->first_timestamp = tr->first_timestamp;
    out->last_timestamp = tr->last_timestamp;
    out->n_sightings = tr->hits;
    return 1;
  }
  return 0;
}

/* ---- one update ---- */

/* What one update works on, so that nothing of the tracker changes until
 * every allocation has succeeded. */
typedef struct work
{
  yolor_motion *pred; /* n_tracks: each track predicted to the frame */
  float (*pred_box)[4]; /* n_tracks */
  float (*det_box)[4]; /* n dets */
  int *det_track; /* n: matched track index or -1 */
  int *track_det; /* n_tracks: matched det or -1 */
  int *rows, *cols, *row_to_col; /* stage scratch */
  double *cost; /* n_tracks × n */
} work;

static void
work_free (work *w)
{
  free (w->pred);
  free (w->pred_box);
  free (w->det_box);
  free (w->det_track);
  free (w->track_det);
  free (w->rows);
  free (w->cols);
  free (w->row_to_col);
  free (w->cost);
}

static int
work_alloc (work *w, size_t n_tracks, size_t n)
{
  size_t nt = n_tracks ? n_tracks : 1, nd = n ? n : 1;

  memset (w, 0, sizeof (*w));
  w->pred = malloc (nt * sizeof (*w->pred));
  w->pred_box = malloc (nt * sizeof (*w->pred_box));
  w->det_box = malloc (nd * sizeof (*w->det_box));
  w->det_track = malloc (nd * sizeof (int));
  w->track_det = malloc (nt * sizeof (int));
  w->rows = malloc (nt * sizeof (int));
  w->cols = malloc (nd * sizeof (int));
  w->row_to_col = malloc ((nt > nd ? nt : nd) * sizeof (int));
  w->cost = malloc (nt * nd * sizeof (double));
  return w->pred && w->pred_box && w->det_box && w->det_track && w->track_det
          && w->rows && w->cols && w->row_to_col && w->cost
      ? 0
      : -1;
}

typedef enum stage
{
  STAGE_APPEARANCE, /* confirmed tracks: motion gate + look */
  STAGE_IOU_CONFIRMED, /* confirmed tracks, by IoU */
  STAGE_IOU_TENTATIVE /* tentative tracks, by IoU */
} stage;

static float
cosine_distance (const float *a, const float *b, int dim)
{
  double dot = 0.0;

  for (int i = 0; i < dim; i++)
    dot += (double) a[i] * b[i];
  return (float) (1.0 - dot);
}

/* The cost of track @ti taking det @di in stage @s, or FORBIDDEN. */
static double
pair_cost (const yolor_tracker *t, const work *w, stage s, size_t ti, size_t di,
    const yolor_detection *dets, const float *emb, int dim)
{
  const track *tr = &t->tracks[ti];
  float iou;

  if (t->p.per_class && tr->class_id != dets[di].class_id)
    return YOLOR_ASSIGN_FORBIDDEN;
  iou = yolor_box_iou (w->pred_box[ti], w->det_box[di]);
  /* a confirmed track may also have stopped where it was last seen (the
   * velocity it had then would carry the prediction past it) */
  if (tr->id > 0) {
    float stay = yolor_box_iou (tr->last_box, w->det_box[di]);
    if (stay > iou)
      iou = stay;
  }
  if (s == STAGE_APPEARANCE) {
    float cd;

    if (iou < t->p.iou_threshold
        && yolor_motion_distance (&w->pred[ti], w->det_box[di])
            > YOLOR_MOTION_GATE)
      return YOLOR_ASSIGN_FORBIDDEN;
    cd = cosine_distance (
        t->appearance + ti * (size_t) dim, emb + di * (size_t) dim, dim);
    if (cd > t->p.appearance_threshold)
      return YOLOR_ASSIGN_FORBIDDEN;
    /* the look first, the overlap breaks near ties */
    return (t->p.appearance_threshold > 0.0f ? cd / t->p.appearance_threshold
                                             : 0.0)
        + (1.0 - iou);
  }
  if (iou < t->p.iou_threshold)
    return YOLOR_ASSIGN_FORBIDDEN;
  return 1.0 - iou;
}

/* Whether track @tr takes part in stage @s. */
static int
in_stage (const track *tr, stage s, int have_look)
{
  switch (s) {
    case STAGE_APPEARANCE:
      return tr->id > 0 && have_look && tr->has_appearance;
    case STAGE_IOU_CONFIRMED:
      return tr->id > 0;
    case STAGE_IOU_TENTATIVE:
      return tr->id == 0;
  }
  return 0;
}

/* Runs stage @s over the tracks and dets not matched yet. 0 or -1. */
static int
run_stage (const yolor_tracker *t, work *w, stage s,
    const yolor_detection *dets, size_t n, const float *emb, int dim)
{
  size_t nr = 0, nc = 0;
  int have_look = emb != NULL && dim > 0 && dim == t->dim;

  for (size_t i = 0; i < t->n_tracks; i++)
    if (w->track_det[i] < 0 && in_stage (&t->tracks[i], s, have_look))
      w->rows[nr++] = (int) i;
  for (size_t j = 0; j < n; j++)
    if (w->det_track[j] < 0)
      w->cols[nc++] = (int) j;
  if (nr == 0 || nc == 0)
    return 0;
  for (size_t r = 0; r < nr; r++)
    for (size_t c = 0; c < nc; c++)
      w->cost[r * nc + c] = pair_cost (
          t, w, s, (size_t) w->rows[r], (size_t) w->cols[c], dets, emb, dim);
  if (yolor_assign (w->cost, nr, nc, w->row_to_col) != 0)
    return -1;
  for (size_t r = 0; r < nr; r++) {
    int c = w->row_to_col[r];
    if (c < 0)
      continue;
    w->track_det[w->rows[r]] = w->cols[c];
    w->det_track[w->cols[c]] = w->rows[r];
  }
  return 0;
}

static yolor_status
check_input (const yolor_tracker *t, int64_t frame, const yolor_detection *dets,
    size_t n, const float *emb, int dim, const int32_t *ids_out,
    yolor_error *err)
{
  if (t->any_update && frame <= t->last_update)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: frame %lld is not after the last update (%lld)",
        (long long) frame, (long long) t->last_update);
  if (n > 0 && (dets == NULL || ids_out == NULL))
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "tracker: dets or ids_out is NULL");
  if (emb != NULL && dim < 0)
    return yolor_error_set (
        err, YOLOR_ERR_INVALID_ARG, "tracker: negative embedding size");
  if (emb != NULL && dim > 0 && t->dim > 0 && dim != t->dim && t->n_tracks > 0)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
        "tracker: embeddings of %d floats, the tracks have %d", dim, t->dim);
  for (size_t i = 0; i < n; i++) {
    const yolor_detection *d = &dets[i];
    if (!(fabsf (d->x1) <= MAX_COORD && fabsf (d->y1) <= MAX_COORD
            && fabsf (d->x2) <= MAX_COORD && fabsf (d->y2) <= MAX_COORD)
        || !isfinite (d->confidence))
      return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
          "tracker: detection %zu has a box value that is not finite or "
          "beyond %g pixels",
          i, (double) MAX_COORD);
  }
  if (emb != NULL)
    for (size_t i = 0; i < n * (size_t) dim; i++)
      if (!isfinite (emb[i]))
        return yolor_error_set (err, YOLOR_ERR_INVALID_ARG,
            "tracker: embedding %zu has a value that is not finite",
            i / (size_t) dim);
  return YOLOR_OK;
}

/* Blends @e into the appearance row @a and normalises it again. */
static void
blend_appearance (float *a, const float *e, int dim, int fresh)
{
  double norm = 0.0;

  for (int i = 0; i < dim; i++) {
    a[i] =
        fresh ? e[i] : (1.0f - APPEARANCE_RATE) * a[i] + APPEARANCE_RATE * e[i];
    norm += (double) a[i] * a[i];
  }
  norm = sqrt (norm);
  if (norm > 1e-12)
    for (int i = 0; i < dim; i++)
      a[i] = (float) (a[i] / norm);
}

static void
start_track (track *tr, const yolor_detection *d, const float box[4],
    int64_t frame, int64_t timestamp)
{
  memset (tr, 0, sizeof (*tr));
  tr->class_id = d->class_id;
  tr->confidence = d->confidence;
  tr->objectness = d->objectness;
  yolor_motion_init (&tr->motion, box);
  memcpy (tr->last_box, box, sizeof (tr->last_box));
  tr->motion_frame = frame;
  tr->first_frame = tr->last_frame = frame;
  tr->first_timestamp = tr->last_timestamp = timestamp;
  tr->hits = 1;
  tr->seen_last = 1;
}

static void
confirm (yolor_tracker *t, track *tr)
{
  tr->id = t->next_id;
  t->next_id = t->next_id == INT32_MAX ? 1 : t->next_id + 1;
  push_event (t, YOLOR_TRACK_ENTER, tr);
}

yolor_status
yolor_tracker_update (yolor_tracker *t, int64_t frame, int64_t timestamp,
    const yolor_detection *dets, size_t n, const float *emb, int dim,
    int32_t *ids_out, yolor_error *err)
{
  yolor_status st;
  work w;
  size_t nt, keep;
  int use_emb;

  if (t == NULL)
    return yolor_error_set (err, YOLOR_ERR_INVALID_ARG, "tracker: NULL");
  st = check_input (t, frame, dets, n, emb, dim, ids_out, err);
  if (st != YOLOR_OK)
    return st;
  use_emb = t->p.mode == YOLOR_TRACK_EMBEDDING && emb != NULL && dim > 0;
  nt = t->n_tracks;

  /* every allocation first: the tracker stays as it was on failure */
  if (work_alloc (&w, nt, n) != 0
      || reserve_tracks (t, nt + n, use_emb ? dim : t->dim) != 0
      || reserve_events (t, nt + n) != 0) {
    work_free (&w);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "tracker: out of memory");
  }
  if (use_emb && (t->dim == 0 || nt == 0))
    t->dim = dim;

  for (size_t i = 0; i < nt; i++) {
    w.pred[i] = t->tracks[i].motion;
    yolor_motion_predict (
        &w.pred[i], (double) (frame - t->tracks[i].motion_frame));
    yolor_motion_box (&w.pred[i], w.pred_box[i]);
    w.track_det[i] = -1;
  }
  for (size_t j = 0; j < n; j++) {
    w.det_box[j][0] = dets[j].x1;
    w.det_box[j][1] = dets[j].y1;
    w.det_box[j][2] = dets[j].x2;
    w.det_box[j][3] = dets[j].y2;
    w.det_track[j] = -1;
  }

  if ((use_emb
          && (run_stage (t, &w, STAGE_APPEARANCE, dets, n, emb, dim) != 0
              || run_stage (t, &w, STAGE_IOU_CONFIRMED, dets, n, emb, dim)
                  != 0))
      || (!use_emb
          && run_stage (t, &w, STAGE_IOU_CONFIRMED, dets, n, emb, dim) != 0)
      || run_stage (t, &w, STAGE_IOU_TENTATIVE, dets, n, emb, dim) != 0) {
    work_free (&w);
    return yolor_error_set (err, YOLOR_ERR_NO_MEMORY, "tracker: out of memory");
  }

  /* commit: matched tracks take their detection, the others age */
  for (size_t i = 0; i < nt; i++) {
    track *tr = &t->tracks[i];
    int j = w.track_det[i];

    tr->motion = w.pred[i];
    tr->motion_frame = frame;
    if (j < 0) {
      tr->seen_last = 0;
      continue;
    }
    yolor_motion_correct (&tr->motion, w.det_box[j]);
    memcpy (tr->last_box, w.det_box[j], sizeof (tr->last_box));
    tr->last_frame = frame;
    tr->last_timestamp = timestamp;
    tr->hits++;
    tr->seen_last = 1;
    tr->confidence = dets[j].confidence;
    tr->objectness = dets[j].objectness;
    if (!t->p.per_class)
      tr->class_id = dets[j].class_id;
    if (use_emb) {
      blend_appearance (t->appearance + i * (size_t) dim,
          emb + (size_t) j * dim, dim, !tr->has_appearance);
      tr->has_appearance = 1;
    }
    if (tr->id == 0 && tr->hits >= t->p.min_hits)
      confirm (t, tr);
  }

  /* ends: a tentative track that missed, a confirmed one too long unseen */
  keep = 0;
  for (size_t i = 0; i < nt; i++) {
    track *tr = &t->tracks[i];
    int ends = tr->id == 0 ? !tr->seen_last
                           : frame - tr->last_frame > (int64_t) t->p.max_age;

    if (ends) {
      if (tr->id > 0)
        push_event (t, YOLOR_TRACK_LEAVE, tr);
      continue;
    }
    if (keep != i) {
      t->tracks[keep] = *tr;
      if (t->dim > 0)
        memcpy (t->appearance + keep * (size_t) t->dim,
            t->appearance + i * (size_t) t->dim,
            (size_t) t->dim * sizeof (float));
    }
    /* det → track index moves with it */
    if (w.track_det[i] >= 0)
      w.det_track[w.track_det[i]] = (int) keep;
    keep++;
  }
  t->n_tracks = keep;

  /* what is left starts tentative tracks */
  for (size_t j = 0; j < n; j++) {
    track *tr;

    if (w.det_track[j] >= 0 || dets[j].confidence < t->p.min_confidence)
      continue;
    tr = &t->tracks[t->n_tracks];
    start_track (tr, &dets[j], w.det_box[j], frame, timestamp);
    if (use_emb) {
      blend_appearance (t->appearance + t->n_tracks * (size_t) dim,
          emb + j * (size_t) dim, dim, 1);
      tr->has_appearance = 1;
    }
    if (t->p.min_hits <= 1)
      confirm (t, tr);
    w.det_track[j] = (int) t->n_tracks;
    t->n_tracks++;
  }

  for (size_t j = 0; j < n; j++)
    ids_out[j] = w.det_track[j] >= 0 ? t->tracks[w.det_track[j]].id : 0;
  t->last_update = frame;
  t->any_update = 1;
  work_free (&w);
  return YOLOR_OK;
}
