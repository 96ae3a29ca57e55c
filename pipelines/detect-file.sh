#!/bin/sh
# The main job: detect objects in the sample video with the default model
# (Yolo-Fastest-1.1-xl) and write
#   - an annotated H.264 MP4 (yolorosd boxes and labels), and
#   - one JSON line of detections per frame,
# then print both paths and the measured fps.
#
#   pipelines/detect-file.sh [yolor-annotate options]
#
# Pipeline (inside pipelines/yolor-annotate.c):
#   filesrc ! decodebin ! videoconvert ! yolordetect ! yolorosd !
#     videoconvert ! x264enc ! h264parse ! mp4mux ! filesink
#   + a pad probe after yolordetect writing the JSON lines.
# Needs a build (meson setup build && ninja -C build); builds nothing.
set -e
. "$(dirname "$0")/common.sh"
APP=$(find_app yolor-annotate)
MAX=""
if [ -n "$FRAMES" ]; then
  MAX="--max-frames=$FRAMES"
fi
run "$APP" --output-dir "$OUT" $MAX "$@" "$VIDEO"

if [ -n "$PIPELINE_TEST" ]; then
  stem=$(basename "$VIDEO" .mp4)
  test -s "$OUT/$stem-annotated.mp4"
  lines=$(wc -l < "$OUT/$stem-detections.jsonl")
  test "$lines" -eq "$FRAMES" || { echo "expected $FRAMES lines, got $lines"; exit 1; }
  # the MP4 decodes
  gst-launch-1.0 -q filesrc location="$OUT/$stem-annotated.mp4" ! qtdemux ! \
    h264parse ! avdec_h264 ! fakesink
  echo "ok: $lines JSON lines, MP4 decodes"
fi
