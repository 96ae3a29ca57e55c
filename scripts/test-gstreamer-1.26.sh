#!/bin/sh
# Builds gst-yolor against GStreamer 1.26 (Debian 13, "trixie") and runs
# the element tests there, GstAnalytics included: test-analytics reads our
# detections and tracks back as GstAnalytics Mtds and draws them with
# upstream's objectdetectionoverlay. Debian 12 has GStreamer 1.22, which
# has no analytics library, so this is where that code is compiled.
#
# Debian 13 is installed with debootstrap into $YOLOR_TRIXIE_ROOT (default
# /var/tmp/gst-yolor-trixie; kept, so a second run only updates it), with
# its own GStreamer from Debian's apt ($YOLOR_DEBIAN_MIRROR, default
# http://deb.debian.org/debian). The source tree and the shared data are
# mounted read-only inside; the build lives in the new root. Needs root
# (chroot, mount): uses sudo when not root. About 7 minutes the first time
# on 2 cores, the tests included.
#
#   sh scripts/test-gstreamer-1.26.sh          build, then the gst suite
#   sh scripts/test-gstreamer-1.26.sh TEST...  only those tests
set -eu
cd "$(dirname "$0")/.."
SRC=$(pwd)
SHARED=${YOLOR_SHARED_DIR:-$(cd .. && pwd)/shared}
ROOT=${YOLOR_TRIXIE_ROOT:-/var/tmp/gst-yolor-trixie}

. scripts/debian-root.sh
as_root "$SRC/scripts/$(basename "$0")" "$@"
need_shared models

# what the element tests use, as scripts/install-deps.sh installs on
# Debian 12 (the engine's test tools, clang and valgrind stay out)
PACKAGES="
  gcc libc6-dev meson ninja-build pkg-config
  libglib2.0-dev libopenblas-dev check libstb-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev libgstrtspserver-1.0-dev gstreamer1.0-rtsp
  libmosquitto-dev mosquitto mosquitto-clients
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  python3 python3-gi python3-numpy gir1.2-gstreamer-1.0
  gir1.2-gst-plugins-base-1.0
"

debian_root trixie
root_bind "$SRC" /src ro
root_bind "$SHARED" /shared ro
# shellcheck disable=SC2086 # one argument per package
root_install $PACKAGES
echo "test-gstreamer-1.26: $(in_root pkg-config --modversion gstreamer-analytics-1.0 \
  | sed 's/^/gstreamer-analytics-1.0 /')"

# again each time: the packages found may have changed
if [ -f "$ROOT/var/tmp/build/build.ninja" ]; then
  in_root meson setup --reconfigure /var/tmp/build /src >/dev/null
else
  in_root meson setup /var/tmp/build /src --buildtype=release \
    -Dshared_dir=/shared
fi
in_root ninja -C /var/tmp/build
# the analytics code must be in this build, or the point is lost
if [ ! -x "$ROOT/var/tmp/build/tests/gst/test-analytics" ]; then
  echo "test-gstreamer-1.26: built without gstreamer-analytics-1.0" >&2
  exit 1
fi
in_root env YOLOR_REQUIRE_ANALYTICS_OVERLAY=1 \
  meson test -C /var/tmp/build --print-errorlogs --num-processes 2 \
  --suite gst "$@"
