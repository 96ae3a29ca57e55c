#!/bin/sh
# Installs everything gst-yolor needs to build, run and test, from Debian 12's
# own packages. Uses sudo when not run as root.
set -eu

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

PACKAGES="
  gcc meson ninja-build pkg-config git
  clang clang-format libclang-rt-14-dev
  libglib2.0-dev libopenblas-dev check libstb-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstrtspserver-1.0-dev gstreamer1.0-rtsp
  libmosquitto-dev mosquitto mosquitto-clients
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  python3 python3-torch python3-numpy python3-gi gir1.2-gstreamer-1.0
  gir1.2-gst-plugins-base-1.0
  valgrind
"

missing=
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # one argument per package
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi
