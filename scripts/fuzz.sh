#!/bin/sh
# Builds the libFuzzer targets of fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ (or $FUZZ_BUILD), generates
# their seeds and runs each target for SECONDS, one after another, on one
# core. Prints the executions per target; exits non-zero on any crash, leak,
# timeout, out-of-memory or sanitizer report, after copying the offending
# input to fuzz/regressions/<target>/ (commit it: the test suite replays
# every file there).
#
# Usage: scripts/fuzz.sh SECONDS [TARGET...]   (default: every target)
# Environment: FUZZ_BUILD (build directory), FUZZ_RSS_MB (memory limit per
# process, default 2048), FUZZ_TIMEOUT (seconds per input, default 10),
# FUZZ_KEEP_GOING=1 (libFuzzer's fork mode: go on after a crash, so that
# one known bug does not hide the others; the run still fails).
#
# Each saved input is replayed once to print its one-line report; an input
# whose report equals that of a file already in fuzz/regressions/<target>/
# is not saved again (the bug is known) but still fails the run.
set -eu
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
  echo "usage: $0 SECONDS [TARGET...]" >&2
  exit 2
fi
SECONDS_PER_TARGET=$1
shift
case $SECONDS_PER_TARGET in
  '' | *[!0-9]*)
    echo "$0: SECONDS must be a whole number" >&2
    exit 2
    ;;
esac
TARGETS=${*:-cfg weights load frame track}
BUILD=${FUZZ_BUILD:-build-fuzz}
RSS_MB=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-10}
SHARED=${YOLOR_SHARED_DIR:-../shared}

# ---- build ----
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang meson setup "$BUILD" --buildtype=debugoptimized \
    -Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false \
    -Dtests=disabled -Dgst=disabled
fi
ninja -C "$BUILD" -j2

# ---- seeds (regenerated each run) and the corpora (kept between runs) ----
sh fuzz/seeds.sh "$BUILD/fuzz-seeds" "$SHARED"

# halt on the first UBSan report, so that libFuzzer saves the input
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# report EXE INPUT: the one-line report of running INPUT alone
report() {
  "$1" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" "$2" 2>&1 \
    | grep -m 1 -E 'runtime error:|^SUMMARY: |broken promise|ERROR: libFuzzer' \
    || echo "(no sanitizer report)"
}

failed=0
summary=""
for t in $TARGETS; do
  exe="$BUILD/fuzz/fuzz-$t"
  if [ ! -x "$exe" ]; then
    echo "$0: no fuzz target '$t'" >&2
    exit 2
  fi
  corpus="$BUILD/fuzz-corpus/$t"
  artifacts="$BUILD/fuzz-artifacts/$t"
  log="$BUILD/fuzz-$t.log"
  mkdir -p "$corpus" "$artifacts"
  rm -f "$artifacts"/*
  case $t in
    cfg | load) set -- -dict=fuzz/cfg.dict -max_len=32768 ;;
    weights) set -- -max_len=8192 ;;
    *) set -- -max_len=4096 ;;
  esac
  if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    set -- "$@" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
  fi
  echo "== fuzz-$t: $SECONDS_PER_TARGET s (log: $log)"
  rc=0
  "$exe" "$@" -max_total_time="$SECONDS_PER_TARGET" \
    -rss_limit_mb="$RSS_MB" -timeout="$TIMEOUT" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$BUILD/fuzz-seeds/$t" \
    >"$log" 2>&1 || rc=$?
  # the final stats; in fork mode the last "#N: ..." status line
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ -z "$execs" ]; then
    execs=$(sed -n 's/^#\([0-9][0-9]*\): .*/\1/p' "$log" | tail -n 1)
  fi
  status=ok
  if [ "$rc" -ne 0 ] || [ -n "$(ls -A "$artifacts")" ] \
    || grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    status=FAILED
    failed=1
    echo "fuzz-$t failed (exit status $rc)"
    mkdir -p "fuzz/regressions/$t"
    known=""
    for r in "fuzz/regressions/$t"/*; do
      [ -f "$r" ] || continue
      known="$known$(report "$exe" "$r")	$r
"
    done
    for a in "$artifacts"/*; do
      [ -f "$a" ] || continue
      line=$(report "$exe" "$a")
      same=$(printf '%s' "$known" | grep -F -m 1 "$line	" | cut -f 2 || true)
      if [ -n "$same" ]; then
        echo "  known: $line (as $same)"
        continue
      fi
      cp "$a" "fuzz/regressions/$t/"
      known="$known$line	fuzz/regressions/$t/$(basename "$a")
"
      echo "  NEW: $line"
      echo "    saved as fuzz/regressions/$t/$(basename "$a")"
    done
  fi
  echo "fuzz-$t: ${execs:-0} executions, $status"
  summary="$summary
  fuzz-$t: ${execs:-0} executions, $status"
done

echo "== summary ($SECONDS_PER_TARGET s per target):$summary"
exit "$failed"
