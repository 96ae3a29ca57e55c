/* libyolor tracking — stable ids for the detections of a video stream.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tutorial
 * --------
 *
 *   yolor_track_params p;
 *   yolor_tracker *t = NULL;
 *   int32_t ids[300];
 *
 *   yolor_track_params_init (&p);        // IoU + motion + appearance
 *   yolor_tracker_new (&p, &t, &err);
 *   for (each frame f that was detected on) {
 *     yolor_tracker_update (t, f, pts_ns, dets, n, emb, dim, ids, &err);
 *     // ids[i]: the track of dets[i], >= 1; 0 while a track is still
 *     // tentative (seen fewer than min_hits times)
 *   }
 *   // on a frame that was not detected on, move a box with its track:
 *   yolor_tracker_predict (t, ids[i], f, &box);
 *   // enter and leave events, oldest first:
 *   while ((k = yolor_tracker_take_events (t, ev, 16)) > 0) ...
 *   yolor_tracker_finish (t);            // end of stream: every track leaves
 *   yolor_tracker_free (t);
 *
 * How it works. Every track carries a constant-velocity Kalman filter over
 * the box centre, width and height (time in frames) and, when embeddings
 * are given, an appearance: the running mean of its detections'
 * L2-normalised embeddings. An update predicts every track to the frame,
 * then assigns detections to tracks in stages, each an optimal (Hungarian)
 * assignment over the pairs that pass its gates:
 *
 *   1. confirmed tracks. The overlap of a confirmed track and a detection
 *      is the larger IoU of the detection with the track's predicted box
 *      and with the box it was last seen in (an object that stopped while
 *      hidden is not carried off by the velocity it had). IOU mode:
 *      overlap >= iou_threshold. EMBEDDING mode: the detection lies in the
 *      track's motion gate (Mahalanobis distance under the filter's
 *      uncertainty, which grows while a track is not seen, at 95 %) or
 *      overlaps by iou_threshold, and its cosine distance to the track's
 *      appearance is <= appearance_threshold; cost mixes both. So a track
 *      hidden for a while is found again by its look near where it was
 *      going or where it was.
 *   2. EMBEDDING mode: confirmed tracks against what is left, by overlap
 *      alone, as in IOU mode (the look changed: a turn, a partial view).
 *   3. tentative tracks against what is left, by IoU.
 *
 * A detection left over starts a tentative track. A tentative track that
 * misses an update ends silently; after min_hits matched updates in a row it is
 * confirmed, gets the next id (1, 2, 3 … per tracker) and an ENTER event.
 * A confirmed track not matched for more than max_age frames ends with a
 * LEAVE event; a later detection of the same object gets a new id.
 *
 * Threading: a tracker is not reentrant; use one per stream. Nothing is
 * global. Nothing aborts on any input: boxes and embeddings that are not
 * finite (or boxes beyond ±1e9 pixels) are refused with
 * YOLOR_ERR_INVALID_ARG.
 *
 * Ownership words as in yolor.h.
 */
#ifndef YOLOR_YOLOR_TRACK_H
#define YOLOR_YOLOR_TRACK_H

#include <yolor/yolor.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum yolor_track_mode
{
  YOLOR_TRACK_IOU = 0, /* box overlap and motion */
  YOLOR_TRACK_EMBEDDING /* box overlap, motion and appearance (the
                                   per-object embeddings); needs them */
} yolor_track_mode;

typedef struct yolor_track_params
{
  yolor_track_mode mode; /* default EMBEDDING */
  float iou_threshold; /* 0.3: least IoU of predicted box and
                                   detection for an IoU match */
  float appearance_threshold; /* 0.2: most cosine distance (1 − cos) of
                                   a detection to a track's appearance */
  int min_hits; /* 3: matched updates in a row before a track is
                                   confirmed and gets an id */
  int max_age; /* 30: frames a confirmed track lives on
                                   after its last match */
  int per_class; /* 1: a track only takes detections of the
                                   class it started with */
  float min_confidence; /* 0: detections below this start no track
                                   (they may still continue one) */
} yolor_track_params;

/* Fills @params (borrowed) with the defaults above. */
YOLOR_API void yolor_track_params_init (yolor_track_params *params);

typedef struct yolor_tracker yolor_tracker;

/* A new tracker. @params borrowed (NULL = defaults). On success
 * *@tracker_out is transferred: yolor_tracker_free().
 * Returns: YOLOR_OK, _INVALID_ARG (a parameter out of range: the message
 * names it), _NO_MEMORY. */
YOLOR_API yolor_status yolor_tracker_new (const yolor_track_params *params,
    yolor_tracker **tracker_out, yolor_error *err);

/* NULL is a no-op. */
YOLOR_API void yolor_tracker_free (yolor_tracker *tracker);

/* Forgets every track and pending event (a seek, a new stream). Ids go on
 * from where they were, so an id is never reused by one tracker. */
YOLOR_API void yolor_tracker_reset (yolor_tracker *tracker);

/* Associates @dets[0..@n) (borrowed), detected on frame @frame, with the
 * tracks. @frame must grow from call to call (frames in between are simply
 * not detected on); @timestamp is any clock the caller likes (e.g. ns) and
 * is only reported back in events. @emb: @n rows of @dim floats (borrowed,
 * L2-normalised, as yolor_net_embeddings() gives them) or NULL; without
 * them an EMBEDDING tracker works as IOU for these detections. @dim must
 * not change while the tracker has tracks with an appearance.
 * Writes @ids_out[i] (@n of them): the confirmed track of dets[i] (>= 1),
 * or 0.
 * Returns: YOLOR_OK, _INVALID_ARG (frame not after the last one, a box
 * value that is not finite or beyond ±1e9, an embedding value that is not
 * finite, @dim changed), _NO_MEMORY. On
 * failure the tracker is as before the call. */
YOLOR_API yolor_status yolor_tracker_update (yolor_tracker *tracker,
    int64_t frame, int64_t timestamp, const yolor_detection *dets, size_t n,
    const float *emb, int dim, int32_t *ids_out, yolor_error *err);

/* The box of confirmed track @id predicted at @frame (at or after its last
 * update; earlier frames give the last update's estimate) into @box_out
 * (borrowed): corners in the detections' pixels, not clamped to any frame;
 * confidence, objectness and class of its last detection.
 * Returns: 1, or 0 when @id is not a live track (then @box_out is left
 * alone). */
YOLOR_API int yolor_tracker_predict (const yolor_tracker *tracker, int32_t id,
    int64_t frame, yolor_detection *box_out);

/* When a track was seen: its first and last sighting (frame, and the
 * timestamp given with it) and how many updates matched it. */
typedef struct yolor_track_sightings
{
  int64_t first_frame, last_frame;
  int64_t first_timestamp, last_timestamp;
  int64_t n_sightings;
} yolor_track_sightings;

/* The sightings of confirmed track @id (alive now) into @out (borrowed).
 * Returns: 1, or 0 when @id is not a live confirmed track (then @out is
 * left alone). */
YOLOR_API int yolor_tracker_sightings (
    const yolor_tracker *tracker, int32_t id, yolor_track_sightings *out);

typedef enum yolor_track_event_type
{
  YOLOR_TRACK_ENTER = 0, /* a track was confirmed */
  YOLOR_TRACK_LEAVE /* a confirmed track ended */
} yolor_track_event_type;

typedef struct yolor_track_event
{
  yolor_track_event_type type;
  int32_t id;
  int class_id; /* of its last detection */
  int64_t first_frame, last_frame; /* first and last sighting */
  int64_t first_timestamp, last_timestamp; /* the same, caller's clock */
  int64_t n_sightings; /* updates that matched it */
} yolor_track_event;

/* Moves up to @capacity pending events, oldest first, into @events_out
 * (borrowed). An ENTER comes out at the update that confirmed the track
 * (last_* = that sighting); a LEAVE at the update that ended it (max_age
 * frames after its last sighting) or at yolor_tracker_finish().
 * Returns: how many were written; the rest stay for the next call. */
YOLOR_API size_t yolor_tracker_take_events (
    yolor_tracker *tracker, yolor_track_event *events_out, size_t capacity);

/* Ends every track (end of stream): each confirmed one leaves, with a LEAVE
 * event. Tentative tracks end silently. The next update may be on any
 * frame (a new stream); ids go on. */
YOLOR_API void yolor_tracker_finish (yolor_tracker *tracker);

/* Confirmed tracks alive now (seen within max_age frames). */
YOLOR_API size_t yolor_tracker_n_tracks (const yolor_tracker *tracker);

#ifdef __cplusplus
}
#endif
#endif /* YOLOR_YOLOR_TRACK_H */
