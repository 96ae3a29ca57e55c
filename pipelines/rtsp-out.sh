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

log="$OUT/rtsp-out.log"
rm -f "$log"
"$SERVER" --port 0 --quit-after 120 "$@" "$VIDEO" > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0
while [ "$(head -c 4 "$log" 2>/dev/null)" != "rtsp" ] && [ $i -lt 100 ]; do
  sleep 0.1; i=$((i + 1))
done
url=$(head -n 1 "$log")
echo "server: $url"
run_until_eos gst-launch-1.0 rtspsrc location="$url" latency=100 ! rtph264depay ! \
  h264parse ! avdec_h264 ! identity eos-after="$FRAMES" ! fakesink
echo "ok: received $FRAMES frames from $url"
