#!/bin/sh
# Installs the dependencies, builds, and runs every test stage: the style
# check, the whole suite (GCC), the element tests under valgrind, the engine
# tests under AddressSanitizer and UndefinedBehaviorSanitizer, the whole
# suite built with clang, two detectors in one pipeline under
# ThreadSanitizer, and a short run of every fuzzer. Each stage runs even
# when an earlier one failed; a summary at the end names each stage's
# result, and the script fails if any stage did.
#
#   sh scripts/test.sh            every stage
#   sh scripts/test.sh STAGE...   only those (names as in the summary)
#
# YOLOR_FUZZ_SECONDS (default 5) sets the fuzzers' time per target.
set -u
cd "$(dirname "$0")/.." || exit 1

SUMMARY=
FAILED=0
PASSED=0
WANTED=$*

stage () {
  name=$1
  shift
  if [ -n "$WANTED" ]; then
    case " $WANTED " in
      *" $name "*) ;;
      *) return 0 ;;
    esac
  fi
  echo "=== stage $name"
  start=$(date +%s)
  if "$@"; then
    result=ok
    PASSED=$((PASSED + 1))
  else
    result=FAILED
    FAILED=$((FAILED + 1))
  fi
  secs=$(($(date +%s) - start))
  echo "=== stage $name: $result (${secs} s)"
  SUMMARY="$SUMMARY$(printf '  %-10s %-7s %5s s' "$name" "$result" "$secs")
"
}

style () {
  # one C style for the whole tree (.clang-format)
  if ! git rev-parse --git-dir >/dev/null 2>&1; then
    echo "not a git checkout: style check skipped"
    return 0
  fi
  # shellcheck disable=SC2046 # one argument per file
  clang-format --dry-run --Werror $(git ls-files '*.c' '*.h')
}

gcc_suite () {
  CC=gcc sh scripts/build.sh build \
    && meson test -C build --print-errorlogs --num-processes 2
}

valgrind_suite () {
  # the metadata, drawing, tracking and JSON element tests under valgrind
  # (leaks, bad reads); tests/gst/meson.build defines the setup. The
  # tracker's case behind the real detector is left out: test-meta runs
  # the detector under valgrind already, and it would add 90 s.
  GST_CHECKS_IGNORE=test_real_detector \
    meson test -C build --setup gstvalgrind --timeout-multiplier 1 \
      --print-errorlogs --num-processes 2 \
      test-meta test-yolorosd test-yolortrack test-yolorjson
}

asan_suite () {
  if [ ! -f build-asan/build.ninja ]; then
    # the engine only: the element tests run under valgrind instead
    CC=gcc meson setup build-asan --buildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false -Dgst=disabled \
      || return 1
  fi
  ninja -C build-asan \
    && ASAN_OPTIONS=detect_leaks=1 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C build-asan --suite lib --no-suite lib-slow \
      --print-errorlogs --num-processes 2
}

clang_suite () {
  if [ ! -f build-clang/build.ninja ]; then
    CC=clang meson setup build-clang --buildtype=release \
      --werror || return 1
  fi
  # everything is built (warnings are errors); the engine and element
  # tests run, the tool and pipeline tests ran with GCC
  ninja -C build-clang \
    && meson test -C build-clang --print-errorlogs --num-processes 2 \
      --suite lib \
    && meson test -C build-clang --print-errorlogs --num-processes 2 \
      test-yolordetect test-meta test-states test-yolorosd test-threads \
      test-shared-model test-yolortrack test-yolorjson test-batch
}

tsan_suite () {
  # The threads under test are the engine's pool (test-pool, and the
  # kernels run on it: test-kernels, test-conv-kernels), GStreamer's
  # streaming threads (test-threads), nets sharing one model (test-shared),
  # the shared-model table's loads (test-shared-table), the MQTT
  # publisher's thread against a real broker (test-yolorjson) and live
  # mode's worker (test-live, its hand-over case only: the others need full
  # speed), and the streams that meet in one batch (test-batch). The plugin
  # registry is scanned in the test process (the system's plugin scanner
  # cannot load an instrumented plugin), so it may see only the plugins the
  # test uses.
  if [ ! -f build-tsan/build.ninja ]; then
    CC=clang meson setup build-tsan --buildtype=debugoptimized \
      -Db_sanitize=thread -Db_lundef=false || return 1
  fi
  ninja -C build-tsan || return 1
  system=$(pkg-config --variable=pluginsdir gstreamer-1.0)
  mkdir -p build-tsan/system-plugins
  for p in coreelements app; do
    ln -sf "$system/libgst$p.so" build-tsan/system-plugins/
  done
  tsan_env meson test -C build-tsan --print-errorlogs test-pool \
      test-kernels test-conv-kernels test-threads test-shared \
      test-shared-table test-yolorjson test-batch \
    && tsan_env env GST_CHECKS=test_live_threads \
      meson test -C build-tsan --print-errorlogs test-live
}

# Runs "$@" with the plugins and options of the tsan stage. GLib 2.74's
# slice allocator recycles freed blocks between threads without a free
# ThreadSanitizer can see (GStreamer's metas come from it), so a meta block
# freed in one streaming thread and reused in another reads as a race:
# G_SLICE=always-malloc makes those blocks plain malloc()/free().
tsan_env () {
  GST_PLUGIN_SYSTEM_PATH_1_0=$PWD/build-tsan/system-plugins \
    GST_REGISTRY_FORK=no G_SLICE=always-malloc \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/gst/tsan.supp" \
    "$@"
}

fuzz_short () {
  sh scripts/fuzz.sh "${YOLOR_FUZZ_SECONDS:-5}"
}

stage deps sh scripts/install-deps.sh
stage style style
stage gcc gcc_suite
stage valgrind valgrind_suite
stage asan asan_suite
stage clang clang_suite
stage tsan tsan_suite
if [ -f scripts/fuzz.sh ]; then
  stage fuzz fuzz_short
fi

echo
echo "Stages:"
printf '%s' "$SUMMARY"
echo "stages: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
