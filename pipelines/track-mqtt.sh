#!/bin/sh
# Tracking to MQTT: detect and track the objects of the sample video and
# publish each frame's JSON message (DL Streamer's gvametaconvert schema,
# track ids, enter/leave events; docs/metadata.md) to an MQTT broker, QoS 1.
#
#   pipelines/track-mqtt.sh [ADDRESS [TOPIC]]
#
# ADDRESS: the broker, host[:port] (default localhost:1883); TOPIC: default
# yolor/cam1. Watch the messages with: mosquitto_sub -h HOST -t TOPIC
# Pipeline:
#   filesrc ! decodebin ! videoconvert ! yolordetect ! yolortrack !
#     yolormetaconvert ! yolormetapublish method=mqtt ! fakesink
# The publisher keeps up to max-queue messages while the broker is away and
# sends them when it is back; it prints the counts (published, lost) at the
# end. Needs a build (meson setup build && ninja -C build) and a broker
# (apt-get install mosquitto); builds nothing.
set -e
. "$(dirname "$0")/common.sh"
ADDRESS=${1:-localhost:1883}
TOPIC=${2:-yolor/cam1}
if [ -n "$PIPELINE_TEST" ]; then
  start_broker track-mqtt
  ADDRESS=127.0.0.1:$BROKER_PORT
  RECEIVED="$OUT/track-mqtt-received.jsonl"
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "$TOPIC" -q 1 -W 120 \
    > "$RECEIVED" &
  sub_pid=$!
  sleep 0.5
fi
LOG="$OUT/track-mqtt.log"
run_until_eos gst-launch-1.0 -m filesrc location="$VIDEO" ! $DECODE ! \
  videoconvert ! yolordetect ! yolortrack ! \
  yolormetaconvert add-empty-results=true ! \
  yolormetapublish method=mqtt address="$ADDRESS" topic="$TOPIC" ! \
  fakesink | tee "$LOG" | grep -v '^Got message' || true
grep -q 'Got EOS from element' "$LOG" || { echo "the pipeline failed"; exit 1; }
counts=$(grep -o 'yolormetapublish, published=(guint64)[0-9]*, lost=(guint64)[0-9]*' \
  "$LOG" | sed 's/.*published=(guint64)\([0-9]*\), lost=(guint64)\([0-9]*\)/published \1, lost \2/')
echo "to $ADDRESS topic $TOPIC: $counts"

if [ -n "$PIPELINE_TEST" ]; then
  # every message published arrives: the frames and the last events
  published=$(echo "$counts" | sed 's/published \([0-9]*\),.*/\1/')
  _i=0
  while [ "$(wc -l < "$RECEIVED")" -lt "$published" ] && [ $_i -lt 100 ]; do
    sleep 0.1
    _i=$((_i + 1))
  done
  kill $sub_pid 2>/dev/null || true
  frames=$(grep -c '^{"frame":' "$RECEIVED" || true)
  # the decoder, cut before it, gives a frame or two fewer
  test "$frames" -ge $((FRAMES - 2)) || { echo "only $frames frames arrived"; exit 1; }
  test "$counts" = "published $((frames + 1)), lost 0" \
    || { echo "$frames frames arrived, the publisher says $counts"; exit 1; }
  tail -n 1 "$RECEIVED" | grep -q '"reason":"eos"'
  # each message is one JSON object
  if command -v python3 >/dev/null; then
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    assert isinstance(json.loads(line), dict), line' "$RECEIVED"
  fi
  echo "ok: the broker passed on $frames frame messages and the EOS events"
fi
