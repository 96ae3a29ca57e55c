#!/bin/sh
# RTSP in: detect on a network camera's stream and show it.
#
#   pipelines/rtsp-in.sh rtsp://camera.local:554/stream
#
# yolor-cameras with one camera and a display sink: inference in live mode
# keeps the video at the camera's rate, and a camera that drops is
# reconnected with back-off. The JSON lines go to $OUT/rtsp-in.
# PIPELINE_TEST=1: the camera is yolor-rtsp-server --raw on 127.0.0.1
# serving the sample video, and the output goes to fakesink.
set -e
. "$(dirname "$0")/common.sh"
URL=$1
JOB=$(find_app yolor-cameras)
OPTS=""
if [ -n "$PIPELINE_TEST" ]; then
  start_server rtsp-in 1 --raw
  URL=$(head -n 1 "$SERVER_LOG")
fi
if [ -n "$FRAMES" ]; then
  OPTS="--max-frames $FRAMES"
fi
if [ -z "$URL" ]; then
  echo "usage: $0 rtsp://HOST:PORT/PATH" >&2
  exit 2
fi
# shellcheck disable=SC2086
run "$JOB" --video-sink "$VIDEO_SINK" --output-dir "$OUT/rtsp-in" $OPTS "$URL"
