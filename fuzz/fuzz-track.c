/* Fuzz target: the tracker (include/yolor/yolor-track.h, src/track/).
 * A sequence of updates whose detections and embeddings come from the
 * input: boxes anywhere (inverted, empty, huge, not finite), classes,
 * confidences, embeddings of any values, frames that repeat or jump, and
 * finish/reset in between, in both modes with fuzzed parameters.
 *
 * Promises checked beyond the sanitizers: an update either succeeds or
 * refuses (INVALID_ARG for input that is not finite or a frame that does
 * not grow); no two detections of one update get the same track id; a
 * refused update changes nothing (the same update then gives the same ids
 * as on a copy that never saw the refused one is not checked, but the
 * tracker's track count is unchanged); every event names an id that was
 * given out.
 *
 * Input: the parameter bytes read below, then per update a header (frame
 * step, number of detections, operation) and per detection 4 × 2 bytes of
 * box, 1 byte of class, 1 of confidence, then the embedding floats from the
 * bytes that follow.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yolor/yolor-track.h>

#include "fuzz-util.h"

#define MAX_DETS 48
#define MAX_DIM 8
#define MAX_UPDATES 64

/* A coordinate: mostly ordinary pixels, sometimes a value that must be
 * refused or handled (infinite, NaN, huge, negative). */
static float
coord (fuzz_bytes *in)
{
  unsigned v = fuzz_u16 (in);

  switch (v >> 12) {
    case 15:
      return (v & 1) ? INFINITY : NAN;
    case 14:
      return (v & 1) ? 3e38f : -3e38f;
    case 13:
      return -(float) (v & 0xfff);
    default:
      return (float) (v & 0xfff) * 0.5f;
  }
}

static float
emb_value (fuzz_bytes *in)
{
  unsigned v = fuzz_u8 (in);

  if (v == 255)
    return NAN;
  if (v == 254)
    return 1e30f;
  return ((float) v - 127.0f) / 64.0f;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_bytes in = { data, size };
  yolor_track_params p;
  yolor_tracker *t = NULL;
  yolor_error err = { 0 };
  yolor_detection dets[MAX_DETS];
  float emb[MAX_DETS * MAX_DIM];
  int32_t ids[MAX_DETS];
  yolor_track_event ev[16];
  int64_t frame = 0;
  int32_t max_id = 0;
  int dim;

  yolor_track_params_init (&p);
  p.mode = fuzz_u8 (&in) & 1 ? YOLOR_TRACK_IOU : YOLOR_TRACK_EMBEDDING;
  p.iou_threshold = (float) (1 + fuzz_u8 (&in)) / 256.0f;
  p.appearance_threshold = (float) fuzz_u8 (&in) / 128.0f;
  p.min_hits = 1 + (int) (fuzz_u8 (&in) % 5);
  p.max_age = (int) (fuzz_u8 (&in) % 40);
  p.per_class = (int) (fuzz_u8 (&in) & 1);
  p.min_confidence = (float) fuzz_u8 (&in) / 255.0f;
  dim = (int) (fuzz_u8 (&in) % (MAX_DIM + 1));
  if (yolor_tracker_new (&p, &t, &err) != YOLOR_OK)
    return 0;

  for (int u = 0; u < MAX_UPDATES && in.n > 0; u++) {
    unsigned step = fuzz_u8 (&in) % 8; /* 0: the same frame again */
    size_t n = fuzz_u8 (&in) % (MAX_DETS + 1);
    unsigned op = fuzz_u8 (&in);
    size_t before = yolor_tracker_n_tracks (t);
    int with_emb = dim > 0 && (op & 1);
    yolor_status st;

    for (size_t i = 0; i < n; i++) {
      dets[i].x1 = coord (&in);
      dets[i].y1 = coord (&in);
      dets[i].x2 = coord (&in);
      dets[i].y2 = coord (&in);
      dets[i].class_id = (int) (fuzz_u8 (&in) % 4) - (op & 2 ? 1 : 0);
      dets[i].confidence = (float) fuzz_u8 (&in) / 255.0f;
      dets[i].objectness = dets[i].confidence;
    }
    if (with_emb)
      for (size_t i = 0; i < n * (size_t) dim; i++)
        emb[i] = emb_value (&in);
    frame += step;
    st = yolor_tracker_update (t, frame, frame * 1000, n ? dets : NULL, n,
        with_emb ? emb : NULL, with_emb ? dim : 0, n ? ids : NULL, &err);
    fuzz_check (st == YOLOR_OK || st == YOLOR_ERR_INVALID_ARG,
        "update neither succeeds nor refuses");
    if (st != YOLOR_OK) {
      fuzz_check (yolor_tracker_n_tracks (t) == before,
          "a refused update changed the tracks");
    } else {
      for (size_t i = 0; i < n; i++) {
        fuzz_check (ids[i] >= 0, "negative id");
        if (ids[i] > max_id)
          max_id = ids[i];
        for (size_t j = i + 1; j < n; j++)
          fuzz_check (ids[i] == 0 || ids[i] != ids[j], "id given twice");
      }
      for (int32_t id = 1; id <= max_id && id <= 8; id++) {
        yolor_detection b;
        if (yolor_tracker_predict (t, id, frame + (op >> 5), &b))
          fuzz_check (isfinite (b.x1) && isfinite (b.y1) && isfinite (b.x2)
                  && isfinite (b.y2) && b.x2 >= b.x1 && b.y2 >= b.y1,
              "predicted box not finite or inverted");
      }
    }
    if ((op & 0x1c) == 0x1c) {
      yolor_tracker_finish (t);
      frame = 0;
    } else if ((op & 0x1c) == 0x18) {
      yolor_tracker_reset (t);
    }
    for (size_t k; (k = yolor_tracker_take_events (t, ev, 16)) > 0;)
      for (size_t i = 0; i < k; i++)
        fuzz_check (ev[i].id >= 1 && ev[i].id <= max_id,
            "event names an id never given");
  }
  yolor_tracker_finish (t);
  yolor_tracker_free (t);
  return 0;
}
