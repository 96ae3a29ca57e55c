#!/bin/sh
# Camera (V4L2) → screen. A leaky queue drops frames before the detector
# when inference is slower than the camera, so latency does not grow.
#
#   CAMERA=/dev/video0 pipelines/camera.sh
#
# Exits 77 (skipped) when there is no camera.
. "$(dirname "$0")/common.sh"
CAMERA=${CAMERA:-/dev/video0}
if [ ! -e "$CAMERA" ]; then
  echo "no camera at $CAMERA: skipped (set CAMERA=/dev/videoN)"
  exit 77
fi
NUM=""
if [ -n "$FRAMES" ]; then
  NUM="num-buffers=$FRAMES"
fi
run gst-launch-1.0 v4l2src device="$CAMERA" $NUM ! videoconvert ! \
  queue leaky=downstream max-size-buffers=2 ! yolordetect ! $OSD \
  videoconvert ! "$VIDEO_SINK" sync=false
