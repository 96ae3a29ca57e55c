#!/bin/sh
# RTSP in, tracks out: detect and track the objects of a network camera's
# stream and write JSON lines with track ids and enter/leave events.
#
#   pipelines/rtsp-track.sh rtsp://camera.local:554/stream [TYPE]
#
# yolor-cameras --track TYPE (yolortrack tracking-type, default embedding)
# --no-video: inference in live mode at the camera's rate, yolortrack
# moving the boxes between inferences, a camera that drops reconnected
# (track ids count from 1 again on each connection; each line's
# "connection" tells them apart). The JSON lines go to
# $OUT/rtsp-track/cam1.jsonl.
# PIPELINE_TEST=1: the camera is yolor-rtsp-server --raw on 127.0.0.1
# serving the sample video.
set -e
. "$(dirname "$0")/common.sh"
URL=$1
TYPE=${2:-embedding}
JOB=$(find_app yolor-cameras)
OPTS=""
if [ -n "$PIPELINE_TEST" ]; then
  start_server rtsp-track 1 --raw
  URL=$(head -n 1 "$SERVER_LOG")
  # long enough for tracks to be confirmed whatever the inference costs
  FRAMES=60
fi
if [ -n "$FRAMES" ]; then
  OPTS="--max-frames $FRAMES"
fi
if [ -z "$URL" ]; then
  echo "usage: $0 rtsp://HOST:PORT/PATH [iou|embedding]" >&2
  exit 2
fi
rm -f "$OUT/rtsp-track/cam1.jsonl"
# shellcheck disable=SC2086
run "$JOB" --no-video --track "$TYPE" --output-dir "$OUT/rtsp-track" $OPTS \
  "$URL"
echo "tracks (JSON lines): $OUT/rtsp-track/cam1.jsonl"

if [ -n "$PIPELINE_TEST" ]; then
  J="$OUT/rtsp-track/cam1.jsonl"
  frames=$(grep -c '"frame":' "$J")
  test "$frames" -eq "$FRAMES" || { echo "expected $FRAMES lines, got $frames"; exit 1; }
  grep -q '"tracking":"'"$TYPE"'"' "$J"
  grep -q '"type":"enter"' "$J" || { echo "no track entered"; exit 1; }
  echo "ok: $frames lines with track ids and enter events"
fi
