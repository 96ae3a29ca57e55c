#!/bin/sh
# Installs the dependencies, builds, and runs the whole test suite; then the
# metadata and drawing element tests under valgrind and the engine tests
# under AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
# one C style for the whole tree (.clang-format)
if command -v clang-format >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1; then
  clang-format --dry-run --Werror $(git ls-files '*.c' '*.h')
fi
sh scripts/build.sh build
meson test -C build --print-errorlogs --num-processes 2
# the metadata and drawing element tests again under valgrind (leaks, bad
# reads); tests/gst/meson.build defines the setup
meson test -C build --setup gstvalgrind --print-errorlogs --num-processes 2 \
  test-meta test-yolorosd

if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan --buildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --suite lib --print-errorlogs --num-processes 2
