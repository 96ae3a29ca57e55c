#!/bin/sh
# File → annotated MP4 (H.264 with x264enc), with gst-launch-1.0 only.
#
#   pipelines/file-to-mp4.sh [OUTPUT.mp4]
#
# -e turns Ctrl-C into EOS so the MP4 is finalised. FRAMES=N stops early.
set -e
. "$(dirname "$0")/common.sh"
OUTPUT=${1:-$OUT/file-to-mp4.mp4}
run gst-launch-1.0 -e filesrc location="$VIDEO" ! $DECODE ! videoconvert ! \
  yolordetect ! $OSD videoconvert ! \
  x264enc speed-preset=veryfast pass=qual quantizer=23 ! h264parse ! mp4mux ! \
  filesink location="$OUTPUT"
echo "annotated video: $OUTPUT"
if [ -n "$PIPELINE_TEST" ]; then
  # the MP4 is complete and decodes
  gst-launch-1.0 -q filesrc location="$OUTPUT" ! qtdemux ! h264parse ! \
    avdec_h264 ! fakesink
  echo "ok"
fi
