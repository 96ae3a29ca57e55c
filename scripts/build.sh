#!/bin/sh
# Configures (once) and builds gst-yolor into build/ (or $1).
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" --buildtype=release
fi
ninja -C "$BUILD"
