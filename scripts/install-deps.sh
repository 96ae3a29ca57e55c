#!/bin/sh
# Installs everything gst-yolor needs to build, run and test, from Debian 12's
# own packages. Uses sudo when not run as root.
set -eu

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

# What the main job needs (scripts/demo.sh: build, then detect and encode
# the sample video): `install-deps.sh run`. Everything else is for the tests
# (`install-deps.sh` or `install-deps.sh test`): the clang and sanitizer
# builds, valgrind, the MQTT broker, the RTSP server's plugins, the Python
# tests, PyYAML for the paper models' converter and PyTorch for the tests
# that write .pt checkpoints.
RUN_PACKAGES="
  gcc meson ninja-build pkg-config
  libglib2.0-dev libopenblas-dev check libstb-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
"
TEST_PACKAGES="
  git clang clang-format libclang-rt-14-dev
  libgstrtspserver-1.0-dev gstreamer1.0-rtsp
  libmosquitto-dev mosquitto mosquitto-clients
  python3 python3-yaml python3-torch python3-numpy python3-gi gir1.2-gstreamer-1.0
  gir1.2-gst-plugins-base-1.0
  valgrind
"
case "${1:-test}" in
  run) PACKAGES=$RUN_PACKAGES ;;
  test) PACKAGES="$RUN_PACKAGES $TEST_PACKAGES" ;;
  *)
    echo "usage: install-deps.sh [run|test]" >&2
    exit 2
    ;;
esac

missing=
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  # another apt (unattended upgrades, a second terminal) may hold the lock:
  # wait up to 10 minutes for it instead of failing at once
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086 # one argument per package
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 \
    install -y -q $missing
fi
