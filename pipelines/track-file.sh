#!/bin/sh
# Tracking: detect and track the objects of the sample video, write
#   - an annotated H.264 MP4 (each box labelled with its track id), and
#   - one JSON line per frame (objects[].id = track id, "events" when a
#     track enters or leaves, a last line with the tracks alive at the end),
# then print the paths and how many people entered the scene.
#
#   pipelines/track-file.sh [TYPE] [yolor-annotate options]
#
# TYPE: yolortrack's tracking-type, embedding (default) or iou.
# Pipeline (inside pipelines/yolor-annotate.c, --track TYPE):
#   filesrc ! decodebin ! videoconvert ! yolordetect ! yolortrack !
#     yolorosd ! videoconvert ! x264enc ! h264parse ! mp4mux ! filesink
# Needs a build (meson setup build && ninja -C build); builds nothing.
set -e
. "$(dirname "$0")/common.sh"
APP=$(find_app yolor-annotate)
TYPE=embedding
case "$1" in
  iou|embedding) TYPE=$1; shift ;;
esac
MAX=""
if [ -n "$FRAMES" ]; then
  MAX="--max-frames=$FRAMES"
fi
stem=$(basename "$VIDEO" .mp4)
JSONL="$OUT/$stem-tracks.jsonl"
run "$APP" --output-dir "$OUT" --track "$TYPE" --jsonl "$JSONL" \
  --mp4 "$OUT/$stem-tracked.mp4" $MAX "$@" "$VIDEO"
people=$(grep -o '"type":"enter","id":[0-9]*,"label":"person"' "$JSONL" \
  | wc -l)
echo "people who entered: $people (enter events in $JSONL)"

if [ -n "$PIPELINE_TEST" ]; then
  test -s "$OUT/$stem-tracked.mp4"
  frames=$(grep -c '"frame":' "$JSONL")
  test "$frames" -eq "$FRAMES" || { echo "expected $FRAMES frames, got $frames"; exit 1; }
  grep -q '"tracking":"'"$TYPE"'"' "$JSONL"
  # objects carry track ids (and the first sightings none yet)
  grep -q '"objects":\[{"id":[1-9]' "$JSONL"
  grep -q '"objects":\[{"region_id":' "$JSONL"
  # the last line holds the tracks alive at EOS
  tail -n 1 "$JSONL" | grep -q '"reason":"eos"'
  echo "ok: $frames frame lines and the EOS events"
fi
