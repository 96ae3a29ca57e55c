#!/bin/sh
# File → screen: boxes drawn live, at the video's own pace.
#
#   pipelines/file-to-screen.sh
#
# VIDEO_SINK picks the display (default autovideosink). For slow CPUs,
# inference-interval=2 halves the work while boxes stay on screen.
set -e
. "$(dirname "$0")/common.sh"
SYNC=true
if [ -n "$PIPELINE_TEST" ]; then
  SYNC=false
fi
run gst-launch-1.0 filesrc location="$VIDEO" ! decodebin ! videoconvert ! \
  $LIMIT yolordetect ! $OSD videoconvert ! "$VIDEO_SINK" sync=$SYNC
