#!/bin/sh
# Detections → JSON lines file (one line per frame, gvametaconvert-like
# objects[].detection.bounding_box), no video output.
#
#   pipelines/json-lines.sh [OUTPUT.jsonl]
#
# Alternative without our app: gst-launch-1.0 -m ... ! yolordetect
# post-messages=true ! fakesink prints each frame's detections on the bus.
set -e
. "$(dirname "$0")/common.sh"
APP=$(find_app yolor-annotate)
OUTPUT=${1:-$OUT/detections.jsonl}
MAX=""
if [ -n "$FRAMES" ]; then
  MAX="--max-frames=$FRAMES"
fi
run "$APP" --no-video --jsonl "$OUTPUT" $MAX "$VIDEO"
if [ -n "$PIPELINE_TEST" ]; then
  test "$(wc -l < "$OUTPUT")" -eq "$FRAMES"
  head -c 300 "$OUTPUT"; echo
  # every line is valid JSON, when a python is at hand
  if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$OUTPUT"
  fi
  echo "ok"
fi
