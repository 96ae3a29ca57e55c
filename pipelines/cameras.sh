#!/bin/sh
# Many cameras: N RTSP cameras, one shared model, per-camera annotated MP4s
# and JSON lines; a camera that drops is reported and reconnects with
# back-off while the others go on (yolor-cameras).
#
#   pipelines/cameras.sh rtsp://10.0.0.5/stream rtsp://10.0.0.6/stream
#   pipelines/cameras.sh door=rtsp://10.0.0.5/stream yard=rtsp://10.0.0.6/s
#
# Outputs in $OUT/cameras: NAME.jsonl and NAME-K.mp4 (K: the connection).
# Ctrl-C finishes the files. CAMERAS_OPTS adds yolor-cameras options
# (e.g. "--protocols udp --detect-props threshold=0.3").
# PIPELINE_TEST=1: the cameras are 4 streams of yolor-rtsp-server --raw on
# 127.0.0.1 serving the sample video, FRAMES frames each.
set -e
. "$(dirname "$0")/common.sh"
JOB=$(find_app yolor-cameras)
if [ -n "$PIPELINE_TEST" ]; then
  start_server cameras 5 --raw --streams 4
  set -- $(sed -n 2,5p "$SERVER_LOG")
fi
if [ -n "$FRAMES" ]; then
  CAMERAS_OPTS="--max-frames $FRAMES $CAMERAS_OPTS"
fi
if [ $# -eq 0 ]; then
  echo "usage: $0 [NAME=]rtsp://HOST:PORT/PATH…" >&2
  exit 2
fi
# shellcheck disable=SC2086 # CAMERAS_OPTS is a list of options
run "$JOB" --output-dir "$OUT/cameras" $CAMERAS_OPTS "$@"
