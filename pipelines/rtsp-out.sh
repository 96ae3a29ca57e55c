#!/bin/sh
# RTSP out: serve the annotated stream (gst-rtsp-server, H.264) at
# rtsp://127.0.0.1:8554/yolor. Watch it with e.g.
#   gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:8554/yolor ! decodebin ! autovideosink
#
#   pipelines/rtsp-out.sh [yolor-rtsp-server options, e.g. --port 8555]
#
# The server listens on 127.0.0.1 only unless --address says otherwise.
# PIPELINE_TEST=1: a free port, one short client, then the server stops.
set -e
. "$(dirname "$0")/common.sh"
SERVER=$(find_app yolor-rtsp-server)
if [ -z "$PIPELINE_TEST" ]; then
  exec "$SERVER" "$@" "$VIDEO"
fi

start_server rtsp-out 1 "$@"
url=$(head -n 1 "$SERVER_LOG")
echo "server: $url"
run_until_eos gst-launch-1.0 rtspsrc location="$url" latency=100 ! rtph264depay ! \
  h264parse ! avdec_h264 ! identity eos-after="$FRAMES" ! fakesink
echo "ok: received $FRAMES frames from $url"
